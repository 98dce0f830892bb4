/* Internals of taking history in, shared by sync.c, remote.c and bundle.c. */
#ifndef ITAKU_SYNC_PRIV_H
#define ITAKU_SYNC_PRIV_H

#include "itaku/sync.h"

/* Fetches url's main, parties/<P>/main and requests/<R>/<rec> into
 * refs/itaku/incoming/<name>/ (emptied first, and again on failure).
 * callbacks may be NULL (a local path). Moves no other ref. */
int itk_sync_fetch_into(itk_registry *reg, const char *name, const char *url,
                        const git_remote_callbacks *callbacks);

/* itk_sync_take, and who signed the tip it returns (party and principal,
 * as the verify run that took it found them) into *who when the run walked
 * that tip; *who is all zero when it did not (the line held was newer). */
int itk_sync_take_signed(git_oid *tip, itk_identity *who, itk_registry *reg, const char *party,
                         const char *url, const itk_take_options *opts);

/* itk_sync_publish, where main_party is the source's own word for who it
 * is (a bundle's sender): a main its signature contradicts is refused
 * (ITK_EVERIFY, naming who signed it) instead of attributed elsewhere. */
int itk_sync_publish_claimed(itk_sync_report *report, itk_registry *reg, const char *name,
                             const char *main_party, const char *source,
                             const itk_take_options *opts);

/* After a take meant to bring party's line: ITK_EINVALID, saying whose line
 * source served instead, when report shows its main attributed to another
 * party by its signature (the lines taken stay taken: they verified). */
int itk_sync_check_served(const itk_sync_report *report, const char *party, const char *source);

#endif
