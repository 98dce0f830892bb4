/* The last error message of the calling thread. Thread-local storage is the
 * one piece of state the library keeps, as libgit2 does for git_error_last. */
#include "itaku/errors.h"
#include "intl.h"

#include <errno.h>
#include <git2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_message[ITK_ERROR_MAX];

const char *itk_error_last(void)
{
    return last_message;
}

void itk_error_clear(void)
{
    last_message[0] = '\0';
}

void itk_error_save(itk_error_state *st)
{
    memcpy(st->message, last_message, sizeof(st->message));
}

void itk_error_restore(const itk_error_state *st)
{
    memcpy(last_message, st->message, sizeof(last_message));
    last_message[sizeof(last_message) - 1] = '\0';
}

/* A message cut at the end of its buffer ends at a whole character: the
 * bytes of a UTF-8 sequence the cut split are dropped. */
static void cut_whole(char *s, size_t cap)
{
    size_t n = strlen(s), lead = n;
    if (n + 1 < cap)
        return;
    while (lead > 0 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead == 0)
        return;
    unsigned char c = (unsigned char)s[lead - 1];
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (lead - 1 + len > n)
        s[lead - 1] = '\0';
}

int itk_error_set(int code, const char *fmt, ...)
{
    /* formatted apart first: an argument may be itk_error_last() itself */
    char tmp[ITK_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), itk__(fmt), ap);
    va_end(ap);
    cut_whole(tmp, sizeof(tmp));
    memcpy(last_message, tmp, sizeof(last_message));
    return code;
}

int itk_error_git(const char *fmt, ...)
{
    char prefix[1024], tmp[ITK_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), itk__(fmt), ap);
    va_end(ap);
    const git_error *e = git_error_last();
    const char *why = e && e->message ? e->message : itk__("unknown libgit2 error");
    /* a full disk is the one cause a user can put right at once */
    if (e && e->message && strstr(e->message, strerror(ENOSPC)))
        /* TRANSLATORS: what failed, then libgit2's own (English) reason */
        snprintf(tmp, sizeof(tmp),
                 itk__("%s: %s; the disk is full: free space on it and run the command again"),
                 prefix, why);
    else
        /* TRANSLATORS: what failed, then libgit2's own (English) reason */
        snprintf(tmp, sizeof(tmp), itk__("%s: %s"), prefix, why);
    memcpy(last_message, tmp, sizeof(last_message));
    return ITK_EGIT;
}

static _Thread_local char notice[ITK_ERROR_MAX], taken[ITK_ERROR_MAX];

void itk_notice_set(const char *fmt, ...)
{
    char line[ITK_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), itk__(fmt), ap);
    va_end(ap);
    size_t have = strlen(notice), more = strlen(line);
    if (!more || strstr(notice, line))
        return; /* said already */
    if (!have)
        memcpy(notice, line, more + 1);
    else if (have + 1 + more < sizeof(notice)) {
        notice[have] = '\n';
        memcpy(notice + have + 1, line, more + 1);
    }
}

size_t itk_notice_mark(void)
{
    return strlen(notice);
}

void itk_notice_drop(size_t mark)
{
    if (mark < sizeof(notice) && mark <= strlen(notice))
        notice[mark] = '\0';
}

const char *itk_notice_take(void)
{
    memcpy(taken, notice, sizeof(taken));
    notice[0] = '\0';
    return taken;
}
