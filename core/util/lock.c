/* The writer's lock (itaku/lock.h): flock(2) on a file that stays in place,
 * so that no two processes ever race to create or remove it, and a one-line
 * record "pid host start" written after taking it and cleared on release. A
 * holder killed with kill -9 loses the lock with its life; its record stays
 * and tells the next holder that a write was cut short. */
#define _GNU_SOURCE
#include "itaku/lock.h"
#include "itaku/errors.h"
#include "alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define LOCK_POLL_MS 20
#define LOCK_RECORD_MAX 256

struct itk_lock {
    int fd;
};

void itk_lock_self(itk_lock_holder *out)
{
    memset(out, 0, sizeof(*out));
    out->pid = (long)getpid();
    out->start = (long long)time(NULL);
    if (gethostname(out->host, sizeof(out->host)) < 0)
        snprintf(out->host, sizeof(out->host), "?");
    out->host[sizeof(out->host) - 1] = '\0';
    for (char *p = out->host; *p; p++)
        if (*p <= ' ')
            *p = '_';
}

/* The record in fd: pid 0 when empty or unreadable. */
static void read_holder(itk_lock_holder *h, int fd)
{
    char line[LOCK_RECORD_MAX];
    memset(h, 0, sizeof(*h));
    ssize_t n = pread(fd, line, sizeof(line) - 1, 0);
    if (n <= 0)
        return;
    line[n] = '\0';
    long pid;
    long long start;
    char host[sizeof(h->host)];
    if (sscanf(line, "%ld %127s %lld", &pid, host, &start) == 3 && pid > 0) {
        h->pid = pid;
        h->start = start;
        snprintf(h->host, sizeof(h->host), "%s", host);
    }
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int itk_lock_take(itk_lock **out, itk_lock_holder *dead, const char *path, const char *what,
                  unsigned wait_ms, itk_lock_wait_cb wait_cb, void *payload)
{
    *out = NULL;
    if (dead)
        memset(dead, 0, sizeof(*dead));
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return itk_error_set(ITK_EIO,
                             "cannot open the lock file %s of %s: %s; itaku writes nothing "
                             "without it (is the folder read-only, or the disk full?)",
                             path, what, strerror(errno));
    long long until = now_ms() + wait_ms;
    int told = 0;
    itk_lock_holder h;
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            break;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int e = errno;
            close(fd);
            return itk_error_set(ITK_EIO,
                                 "cannot lock %s (%s) of %s: %s; itaku needs a file system with "
                                 "locks to write",
                                 path, "flock", what, strerror(e));
        }
        read_holder(&h, fd);
        if (now_ms() >= until) {
            close(fd);
            if (!h.pid)
                return itk_error_set(ITK_ECONFLICT,
                                     "another itaku is writing to %s and did not finish within "
                                     "%u s; nothing was changed: run the command again when it "
                                     "has finished",
                                     what, wait_ms / 1000);
            return itk_error_set(
                ITK_ECONFLICT,
                "another itaku (pid %ld on %s, since %lld s ago) is writing to %s and did not "
                "finish within %u s; nothing was changed: run the command again when it has "
                "finished (the lock is %s; it goes away by itself when that process ends)",
                h.pid, h.host, (long long)time(NULL) - h.start, what, wait_ms / 1000, path);
        }
        if (!told && wait_cb)
            wait_cb(&h, what, wait_ms, payload);
        told = 1;
        struct timespec ts = {0, LOCK_POLL_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
    /* ours now: a record still here names a holder that never released */
    read_holder(&h, fd);
    if (dead)
        *dead = h;
    itk_lock_holder self;
    itk_lock_self(&self);
    char line[LOCK_RECORD_MAX];
    int len = snprintf(line, sizeof(line), "%ld %s %lld\n", self.pid, self.host, self.start);
    /* the record is for messages and for tidying after a crash; a full disk
     * that cannot take it still leaves the lock ours */
    if (ftruncate(fd, 0) == 0 && pwrite(fd, line, (size_t)len, 0) != len)
        (void)ftruncate(fd, 0);
    itk_lock *l = itk_calloc(1, sizeof(*l));
    if (!l) {
        close(fd);
        return ITK_ENOMEM;
    }
    l->fd = fd;
    *out = l;
    return 0;
}

void itk_lock_release(itk_lock *l)
{
    if (!l)
        return;
    (void)ftruncate(l->fd, 0);
    close(l->fd);
    free(l);
}
