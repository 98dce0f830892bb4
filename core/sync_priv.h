/* Internals of taking history in, shared by sync.c, remote.c and bundle.c. */
#ifndef ITAKU_SYNC_PRIV_H
#define ITAKU_SYNC_PRIV_H

#include "itaku/sync.h"

/* Fetches url's main, parties/<P>/main and requests/<R>/<rec> into
 * refs/itaku/incoming/<name>/ (emptied first, and again on failure).
 * callbacks may be NULL (a local path). Moves no other ref. */
int itk_sync_fetch_into(itk_registry *reg, const char *name, const char *url,
                        const git_remote_callbacks *callbacks);

#endif
