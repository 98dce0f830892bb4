/* Bundles for machines with no network (DESIGN §7): a standard git bundle
 * v2 (text header, then a pack) holding what a neighbour lacks, which stock
 * `git bundle verify` and `git fetch FILE` accept; importing one — ours or
 * stock git's, thin ones too — goes through the same quarantine and verify
 * as a fetch (sync.h). */
#ifndef ITAKU_BUNDLE_H
#define ITAKU_BUNDLE_H

#include <stddef.h>

#include "itaku/registry.h"
#include "itaku/sync.h"

/* Limits on a bundle's header: its size, its lines and what it lists. */
#define ITK_BUNDLE_MAX_HEADER (1024 * 1024)
#define ITK_BUNDLE_MAX_LINE 4096
#define ITK_BUNDLE_MAX_REFS 10000
#define ITK_BUNDLE_MAX_PREREQUISITES 10000

/* The ref naming who made a bundle: refs/itaku/sender/<party>. */
#define ITK_BUNDLE_SENDER_PREFIX "refs/itaku/sender/"

typedef struct itk_bundle_header itk_bundle_header;

/* Parses the header at the start of data (a v2 bundle, or v3 with
 * object-format=sha1 only) up to and including its blank line; *header_len
 * gets its length, where the pack starts. Untrusted input: ITK_EINVALID (or
 * ITK_ETOOBIG, ITK_EUNSUPPORTED) with the line at fault, never a read past
 * len. */
int itk_bundle_header_parse(itk_bundle_header **out, size_t *header_len, const void *data,
                            size_t len);
void itk_bundle_header_free(itk_bundle_header *h);
int itk_bundle_header_version(const itk_bundle_header *h);
size_t itk_bundle_header_prerequisite_count(const itk_bundle_header *h);
const git_oid *itk_bundle_header_prerequisite(const itk_bundle_header *h, size_t i);
size_t itk_bundle_header_ref_count(const itk_bundle_header *h);
/* The i-th ref's name ("refs/heads/main", "HEAD"); *id gets its object. */
const char *itk_bundle_header_ref(const itk_bundle_header *h, size_t i, git_oid *id);

typedef struct {
    size_t ncommits;       /* commits in the pack */
    size_t nobjects;       /* objects in the pack */
    size_t nprerequisites; /* commits the receiver must already hold */
    size_t nrefs;
    git_oid main; /* the main sent */
} itk_bundle_stats;

/* Writes to path (which must not exist) a bundle of our main and request
 * branches for party: with prerequisites = our newest commits already inside
 * refs/itaku/lines/<party>, else everything. signer names the sender (its
 * party goes into refs/itaku/sender/<P>). ITK_ENOTFOUND when party would get
 * nothing new. */
int itk_bundle_create(itk_bundle_stats *stats, itk_registry *reg, itk_signer *signer,
                      const char *path, const char *party);

/* Imports a bundle: header, prerequisites present, pack indexed (thin packs
 * resolve against our objects) and every ref's object present; then its
 * main (named the line of party, a hint; or of the sender the bundle names
 * when party is NULL, which its signature must bear out: ITK_EVERIFY naming
 * who signed it otherwise), parties/<P>/main and requests/… go through
 * itk_sync_publish. A refused bundle moves no ref. */
int itk_bundle_import(itk_sync_report *report, itk_registry *reg, const char *path,
                      const char *party, const itk_take_options *opts);

/* 1 when path starts like a git bundle, else 0. */
int itk_bundle_is_bundle(const char *path);

#endif
