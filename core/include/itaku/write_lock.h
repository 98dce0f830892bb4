/* The start of every write to a registry: one writer at a time (the
 * registry's lock, itaku/lock.h, in the git folder), tidying after a writer
 * that was killed, and bringing the work tree and index up to the branch
 * when a crash left them behind. */
#ifndef ITAKU_WRITE_LOCK_H
#define ITAKU_WRITE_LOCK_H

#include "itaku/registry.h"

/* The lock file, in the repository's (common) git folder. */
#define ITK_WRITE_LOCK_FILE "itaku.lock"
/* Left beside it by a write whose commit landed but whose files could not
 * be brought up to date (a full disk): the next write repairs them. */
#define ITK_REPAIR_FILE "itaku.repair"

/* Takes reg's writer's lock unless reg holds it already; it is held until
 * itk_registry_free, so that what a command reads before it writes (the
 * next record id, the branch it moves) is still true when it writes. Waits
 * for another writer as itk_registry_set_lock_wait says. On taking it:
 * when the last holder died holding it, removes the git lock files (*.lock
 * under refs/ and logs/, index.lock, HEAD.lock, packed-refs.lock,
 * config.lock) made since that holder started, which would block every
 * later write. Then, after such a write cut short (or one that left
 * ITK_REPAIR_FILE), in a registry with a work tree whose index is still the
 * branch's previous tree (the write stopped between moving the branch and
 * updating the files), checks out the paths that write changed. An index
 * that differs otherwise (a person staging with git) is left alone.
 * Errors: itk_lock_take's; ITK_EGIT when the repair fails (message says
 * what to do). */
int itk_registry_write_begin(itk_registry *reg);

/* The same lock on a repository itaku is creating (init, clone): *out to
 * release with itk_lock_release. */
int itk_repo_write_lock(itk_lock **out, git_repository *repo);

#endif
