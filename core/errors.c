/* The last error message of the calling thread. Thread-local storage is the
 * one piece of state the library keeps, as libgit2 does for git_error_last. */
#include "itaku/errors.h"

#include <git2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_message[1024];

const char *itk_error_last(void)
{
    return last_message;
}

void itk_error_clear(void)
{
    last_message[0] = '\0';
}

int itk_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof(last_message), fmt, ap);
    va_end(ap);
    return code;
}

int itk_error_git(const char *fmt, ...)
{
    char prefix[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    const git_error *e = git_error_last();
    snprintf(last_message, sizeof(last_message), "%s: %s", prefix,
             e && e->message ? e->message : "unknown libgit2 error");
    return ITK_EGIT;
}
