/* Progress of long operations: core reports through an optional callback
 * in the options struct and prints nothing; the caller decides whether and
 * where to show it (the CLI: on stderr, only when it is a terminal). */
#ifndef ITAKU_PROGRESS_H
#define ITAKU_PROGRESS_H

#include <stddef.h>

/* what: a short phrase ("reading history", "rendering forms") in the
 * user's language (core translates it);
 * done of total steps (total 0: unknown). Called with done == total when a
 * stage ends. */
typedef void (*itk_progress_cb)(const char *what, size_t done, size_t total, void *payload);

#endif
