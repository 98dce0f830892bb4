/* A pack written from the packs a repository already holds, the way `git
 * pack-objects` reuses them: an object stored whole is copied as it is, an
 * object stored as a delta whose base goes out too (or is held by the
 * receiver: a thin pack) is copied as that delta, its base's offset
 * rewritten. Each copied entry's CRC-32 is checked against its pack's index
 * first. What cannot be copied (a loose object, a delta on a base that does
 * not go out, an entry whose CRC does not match) goes through libgit2's
 * git_packbuilder, which searches deltas among those objects only, and is
 * appended. libgit2's packbuilder reuses nothing: it inflates every object
 * and searches every delta again. Private to the library. */
#ifndef ITAKU_PACKREUSE_H
#define ITAKU_PACKREUSE_H

#include <git2.h>
#include <stddef.h>

typedef struct itk_packreuse itk_packreuse;

/* A new, empty pack of repo's objects; the indexes of the packs in repo's
 * objects/pack are mapped now (one that cannot be read is not used: its
 * objects go through the packbuilder). 0 or ITK_ENOMEM; *out is the
 * caller's, freed with itk_packreuse_free. repo must outlive it. */
int itk_packreuse_new(itk_packreuse **out, git_repository *repo);
void itk_packreuse_free(itk_packreuse *p);

/* Adds id (once: the caller does not add an id twice) under path (the
 * file or folder it is at, NULL for a commit; copied), which orders the
 * packbuilder's delta search as in git_packbuilder_insert. It must be an
 * object of type want of at most max bytes: a commit or folder is checked
 * now (its entry's header, as itk_packreuse_plan does), anything else by
 * itk_packreuse_plan. 0; ITK_ENOMEM; for a commit or folder, plan's errors
 * (ITK_ETOOBIG, ITK_EINVALID, ITK_ENOTFOUND, ITK_EGIT). */
int itk_packreuse_insert(itk_packreuse *p, const git_oid *id, const char *path, git_object_t want,
                         size_t max);

/* Says the receiver holds id already: a delta on it may go out (as a
 * REF_DELTA naming it; the receiver's indexer resolves it from its own
 * objects). 0 or ITK_ENOMEM. */
int itk_packreuse_hold(itk_packreuse *p, const git_oid *id);

/* The objects added so far. */
size_t itk_packreuse_count(const itk_packreuse *p);

/* Finds every object added in the packs and decides how it goes out;
 * checks each one's type and size, read from its entry's header (a delta's
 * size from the first bytes of its instructions), inflating nothing else;
 * itk_object_size where the headers do not settle it. Once only: no
 * object may be added after it. 0; ITK_ENOMEM; itk_object_size's errors
 * (ITK_ETOOBIG, ITK_EINVALID, ITK_ENOTFOUND, ITK_EGIT, with its message). */
int itk_packreuse_plan(itk_packreuse *p);

/* Writes the whole pack (header, entries, SHA-1 trailer) to cb in pieces,
 * as git_packbuilder_foreach does, planning first if that was not done;
 * threads: for the packbuilder's delta search. 0; cb's nonzero return stops
 * it and is returned; plan's errors; ITK_EGIT when libgit2 cannot read or
 * pack an object (its message set). */
int itk_packreuse_write(itk_packreuse *p, unsigned threads, git_packbuilder_foreach_cb cb,
                        void *payload);

/* Tests: of the objects written, those copied from a pack (and of those,
 * the deltas), and those given to the packbuilder. */
void itk_packreuse_stats(const itk_packreuse *p, size_t *copied, size_t *deltas, size_t *built);

#endif
