/* ITAKU_FAULT=POINT:K (fault.h): the crash tests' way to stop a write at
 * each of its points. The count is this thread's, like the error message:
 * the one piece of state besides it, and only for the tests. */
#include "fault.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local long fault_seen;

void itk_fault_point(const char *point)
{
    const char *spec = getenv("ITAKU_FAULT");
    size_t n = strlen(point);
    if (!spec || strncmp(spec, point, n) != 0 || spec[n] != ':')
        return;
    long k = strtol(spec + n + 1, NULL, 10);
    if (k > 0 && ++fault_seen == k)
        raise(SIGKILL);
}
