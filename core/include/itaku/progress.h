/* Progress of long operations: core reports through an optional callback
 * in the options struct and prints nothing; the caller decides whether and
 * where to show it (the CLI: on stderr, only when it is a terminal). */
#ifndef ITAKU_PROGRESS_H
#define ITAKU_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

/* what: a short phrase ("reading history", "rendering forms") in the
 * user's language (core translates it);
 * done of total steps (total 0: unknown). Called with done == total when a
 * stage ends. */
typedef void (*itk_progress_cb)(const char *what, size_t done, size_t total, void *payload);

/* A fetched pack (a fetch, pull or clone from a remote): first its bytes
 * as they arrive (ITK_FETCH_RECEIVING: done = objects whose headers were
 * read, total = the count in the pack's header, 0 until it is read), then
 * its objects as libgit2's indexer takes them (ITK_FETCH_INDEXING: done of
 * total objects). bytes: the pack's bytes received so far. Each stage ends
 * with a call where done == total (a failed fetch ends without one). */
typedef enum { ITK_FETCH_RECEIVING, ITK_FETCH_INDEXING } itk_fetch_stage;

typedef struct {
    itk_fetch_stage stage;
    uint64_t done, total, bytes;
} itk_fetch_progress;

typedef void (*itk_fetch_progress_cb)(const itk_fetch_progress *p, void *payload);

#endif
