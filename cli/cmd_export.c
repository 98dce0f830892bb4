/* itaku export allowed-signers FILE: lets stock git check every signature. */
#include "cli.h"
#include "itaku/party.h"

#include <stdio.h>
#include <string.h>

int cmd_export(int argc, char **argv)
{
    static const cli_sub subs[] = {{"allowed-signers", cmd_export,
                                    "write the allowed-signers file for stock git",
                                    CLI_NEEDS_REGISTRY},
                                   {0}};
    if (strcmp(argv[0], "allowed-signers") != 0)
        return cli_dispatch("export", "Export the allowed-signers file for stock git.", subs, argc,
                            argv);
    const cli_opt opts[] = {
        {NULL, 0, CLI_PATH, NULL, "FILE|-", "where to write (- for standard output)", 0}, {0}};
    const cli_spec spec = {"export allowed-signers",
                           "Write every key of every party as an "
                           "allowed-signers file, so that stock git checks every signature.",
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1)
        return cli_bad(&spec, "export allowed-signers needs a FILE (- for standard output)");
    const char *file = argv[optind];
    itk_registry *reg = NULL;
    itk_buf out = ITK_BUF_INIT;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    int rc = EXIT_OK;
    if (itk_export_allowed_signers(&out, reg) < 0)
        rc = cli_fail("cannot export the allowed signers");
    else if (strcmp(file, "-") == 0)
        fwrite(out.ptr, 1, out.size, stdout);
    else {
        FILE *f = fopen(file, "w");
        if (!f || fwrite(out.ptr, 1, out.size, f) != out.size) {
            fprintf(stderr, "itaku: cannot write %s\n", file);
            rc = EXIT_ERROR;
        }
        if (f && fclose(f) != 0)
            rc = EXIT_ERROR;
        if (rc == EXIT_OK)
            fprintf(stderr,
                    "Wrote %s. Check every commit with:\n  git -c gpg.ssh.allowedSignersFile=%s "
                    "log --show-signature\n",
                    file, file);
    }
    itk_buf_dispose(&out);
    itk_registry_free(reg);
    return rc;
}
