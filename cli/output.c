/* A command's output written to a file a person named, or to standard
 * output: whole or not at all. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_write_output(const char *file, const void *data, size_t size)
{
    if (!file || strcmp(file, "-") == 0) {
        if (fwrite(data, 1, size, stdout) == size && fflush(stdout) == 0)
            return EXIT_OK;
        fprintf(stderr, _("itaku: cannot write to standard output: %s\n"), strerror(errno));
        return EXIT_ERROR;
    }
    /* beside the file, renamed over it when whole: a full disk leaves the
     * file as it was (or not there), never half written */
    size_t n = strlen(file) + sizeof(".itaku-XXXXXX");
    char *tmp = malloc(n);
    int fd = -1, err = ENOMEM;
    if (tmp) {
        snprintf(tmp, n, "%s.itaku-XXXXXX", file);
        fd = mkstemp(tmp);
        err = errno;
    }
    if (fd >= 0) { /* as fopen would make it, not mkstemp's 0600 */
        mode_t mask = umask(0);
        umask(mask);
        (void)fchmod(fd, 0666 & ~mask);
    }
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    int ok = f && fwrite(data, 1, size, f) == size;
    if (!ok && f)
        err = errno;
    if (f && fclose(f) != 0 && ok) {
        ok = 0;
        err = errno;
    } else if (!f && fd >= 0)
        close(fd);
    if (ok && rename(tmp, file) != 0) {
        ok = 0;
        err = errno;
    }
    if (!ok && fd >= 0)
        unlink(tmp);
    free(tmp);
    if (ok)
        return EXIT_OK;
    fprintf(stderr,
            _("itaku: cannot write %s: %s; nothing was written (check that the folder exists, "
              "that you may write in it and that the disk has room)\n"),
            cli_safe(file), strerror(err));
    return EXIT_ERROR;
}
