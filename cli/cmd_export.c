/* itaku export allowed-signers FILE: lets stock git check every signature. */
#include "cli.h"
#include "itaku/party.h"

#include <stdio.h>
#include <string.h>

static const char usage[] = "itaku export allowed-signers FILE|-";

int cmd_export(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: %s\n", usage);
        return EXIT_OK;
    }
    if (argc != 3 || strcmp(argv[1], "allowed-signers") != 0)
        return cli_usage(usage, "export needs allowed-signers and a FILE");
    itk_registry *reg = NULL;
    itk_buf out = ITK_BUF_INIT;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    int rc = EXIT_OK;
    if (itk_export_allowed_signers(&out, reg) < 0)
        rc = cli_fail("cannot export the allowed signers");
    else if (strcmp(argv[2], "-") == 0)
        fwrite(out.ptr, 1, out.size, stdout);
    else {
        FILE *f = fopen(argv[2], "w");
        if (!f || fwrite(out.ptr, 1, out.size, f) != out.size) {
            fprintf(stderr, "itaku: cannot write %s\n", argv[2]);
            rc = EXIT_ERROR;
        }
        if (f && fclose(f) != 0)
            rc = EXIT_ERROR;
        if (rc == EXIT_OK)
            fprintf(stderr,
                    "Wrote %s. Check every commit with:\n  git -c gpg.ssh.allowedSignersFile=%s "
                    "log --show-signature\n",
                    argv[2], argv[2]);
    }
    itk_buf_dispose(&out);
    itk_registry_free(reg);
    return rc;
}
