/* Shared helpers for the cmocka unit tests: temporary folders and running
 * the real peers (ssh-keygen, git) to make fixtures. */
#ifndef ITAKU_TEST_HELPERS_H
#define ITAKU_TEST_HELPERS_H

#include <stddef.h>

/* A fresh, empty temporary folder; the caller frees the string and may
 * remove the folder with th_rmtree. */
char *th_tmpdir(void);
void th_rmtree(const char *path);
/* Runs a shell command; returns its exit status (fails the test on -1). */
int th_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reads a whole file into a NUL-terminated malloc'ed buffer. */
char *th_read(const char *path, size_t *len);
void th_write(const char *path, const void *data, size_t len);

#endif
