/* How a fetched pack arrives, on stderr when it is a terminal, as git says
 * it: "Receiving objects:  45% (450/1000), 1.20 MiB", then "Indexing
 * objects", each line ending ", done." (core tells, progress.h). */
#include "cli.h"
#include "i18n.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static struct {
    int open;     /* a progress line is on the screen, not ended */
    int stage;    /* the stage drawn last; -1 none */
    int ended;    /* that stage's ", done." was written */
    double drawn; /* when the line was last drawn (monotonic seconds) */
    uint64_t total;
} shown = {0, -1, 0, 0, 0};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void amount(char *out, size_t cap, uint64_t bytes)
{
    if (bytes >= 1024 * 1024)
        snprintf(out, cap, _("%.2f MiB"), (double)bytes / (1024.0 * 1024.0));
    else if (bytes >= 1024)
        snprintf(out, cap, _("%.2f KiB"), (double)bytes / 1024.0);
    else
        snprintf(out, cap, P_("%u byte", "%u bytes", (unsigned long)bytes), (unsigned)bytes);
}

static void fetch_line(const itk_fetch_progress *p, void *payload)
{
    (void)payload;
    if ((int)p->stage != shown.stage) {
        if (shown.open)
            fputc('\n', stderr);
        shown.stage = (int)p->stage;
        shown.ended = 0;
        shown.drawn = 0;
        shown.total = 0;
    }
    if (shown.ended)
        return;
    int end = p->total && p->done >= p->total;
    unsigned pct = p->total ? (unsigned)(p->done * 100 / p->total) : 0;
    double t = now();
    /* redrawn at most ten times a second, and when the count becomes known
     * and at the stage's end */
    if (!end && shown.drawn > 0 && t - shown.drawn < 0.1 && p->total == shown.total)
        return;
    shown.drawn = t;
    shown.total = p->total;
    char size[48];
    amount(size, sizeof(size), p->bytes);
    unsigned long long done = (unsigned long long)p->done, total = (unsigned long long)p->total;
    fputs("\r\033[K", stderr);
    if (p->stage == ITK_FETCH_RECEIVING && !p->total)
        fprintf(stderr, _("Receiving objects: %s"), size);
    else if (p->stage == ITK_FETCH_RECEIVING && end)
        fprintf(stderr, _("Receiving objects: 100%% (%llu/%llu), %s, done.\n"), done, total, size);
    else if (p->stage == ITK_FETCH_RECEIVING)
        fprintf(stderr, _("Receiving objects: %3u%% (%llu/%llu), %s"), pct, done, total, size);
    else if (end)
        fprintf(stderr, _("Indexing objects: 100%% (%llu/%llu), done.\n"), done, total);
    else
        fprintf(stderr, _("Indexing objects: %3u%% (%llu/%llu)"), pct, done, total);
    shown.open = !end;
    shown.ended = end;
    fflush(stderr);
}

itk_fetch_progress_cb cli_fetch_progress(void)
{
    return isatty(2) ? fetch_line : NULL;
}

void cli_progress_end(void)
{
    if (shown.open)
        fputc('\n', stderr);
    shown.open = 0;
}
