/* The log with the snapshot of HEAD beside it (history.c), for the report,
 * which holds that snapshot already. Private to the library. */
#ifndef ITAKU_HISTORY_PRIV_H
#define ITAKU_HISTORY_PRIV_H

#include "itaku/history.h"
#include "itaku/snapshot.h"

/* itk_log_run, reading a record whose blob at a commit is the one snap
 * (borrowed; NULL: none) holds at its path from snap's records instead of
 * reading and parsing the blob again (issue 18: the report read every
 * record twice). The same answer either way. */
int itk_log_run_snap(itk_log **out, itk_registry *reg, const itk_log_options *opts,
                     const itk_snapshot *snap);

#endif
