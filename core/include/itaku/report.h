/* The static report: a self-contained site in Japanese that an auditor can
 * open from a disk with any browser — the subcontract chain as an SVG
 * diagram, the status of every party with counts and colours, who holds
 * what, the requests, the timeline, and every form as its printable page,
 * each with its verification mark. No external resources, links relative. */
#ifndef ITAKU_REPORT_H
#define ITAKU_REPORT_H

#include "itaku/progress.h"
#include "itaku/registry.h"

typedef struct {
    unsigned version;
    const char *at; /* status as of (YYYY-MM-DD or RFC 3339); NULL: now */
    itk_progress_cb progress;
    void *progress_payload;
} itk_report_options;

#define ITK_REPORT_OPTIONS_VERSION 1
#define ITK_REPORT_OPTIONS_INIT                                                                    \
    {                                                                                              \
        ITK_REPORT_OPTIONS_VERSION, NULL, NULL, NULL                                               \
    }

/* Writes dir/index.html, dir/timeline.html and dir/forms/<party>_<id>.html
 * from HEAD. dir is created when missing; files of an earlier report are
 * overwritten. *pages (may be NULL) gets the number of files written. */
int itk_report_write(itk_registry *reg, const char *dir, const itk_report_options *opts,
                     size_t *pages);

#endif
