/* One writer at a time: an exclusive lock on a file, held with flock(2) so
 * that the kernel releases it when its holder dies (kill -9 included), and a
 * record in the file of who holds it (pid, host, start time) for the message
 * a waiting process shows. The record stays behind when its holder dies
 * without releasing: the next holder learns that a write was cut short and
 * can tidy up after it. No printing; the waiting message goes to a
 * callback. */
#ifndef ITAKU_LOCK_H
#define ITAKU_LOCK_H

#include <stddef.h>

typedef struct itk_lock itk_lock;

/* How long a writer waits for another by default, in milliseconds. */
#define ITK_LOCK_WAIT_MS 30000

/* Who holds (or held) a lock: pid 0 when nobody is recorded. */
typedef struct {
    long pid;
    long long start; /* unix time, seconds, when the holder took it */
    char host[128];
} itk_lock_holder;

/* Called once when the lock is busy and the caller starts to wait: holder is
 * the process recorded in the file (pid 0 when it recorded none yet), what
 * as given to itk_lock_take, wait_ms the bound. */
typedef void (*itk_lock_wait_cb)(const itk_lock_holder *holder, const char *what, unsigned wait_ms,
                                 void *payload);

/* Takes the exclusive lock of the file path (created with mode 0600 when
 * missing; its folder must exist), waiting at most wait_ms milliseconds for
 * another holder (wait_cb, may be NULL, is told once). what names what the
 * lock guards, for the messages ("the registry at PATH"). *out (release
 * with itk_lock_release) on success; *dead (may be NULL) gets the holder the
 * file still names when that holder died holding the lock (pid 0 when the
 * last holder released it). Errors: ITK_ECONFLICT when another process still
 * holds it after wait_ms (message names its pid and host and what to do),
 * ITK_EIO when the file cannot be opened or locked (read-only or full disk,
 * a file system without locks); the message names the file. */
int itk_lock_take(itk_lock **out, itk_lock_holder *dead, const char *path, const char *what,
                  unsigned wait_ms, itk_lock_wait_cb wait_cb, void *payload);

/* Clears the record and releases the lock; accepts NULL. */
void itk_lock_release(itk_lock *l);

/* The process's own holder record (pid, host, now), for tests. */
void itk_lock_self(itk_lock_holder *out);

#endif
