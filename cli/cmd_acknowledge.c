/* itaku acknowledge: accept every obligation in force (seed §8(2)). */
#include "cli.h"
#include "itaku/instruct.h"

#include <getopt.h>
#include <stdio.h>

static const char usage[] = "itaku acknowledge [--key FILE]";

int cmd_acknowledge(int argc, char **argv)
{
    const char *key = NULL;
    int parsed = cli_parse_key_option(argc, argv, usage, "acknowledge", "h", &key);
    if (parsed >= 0)
        return parsed;
    if (optind != argc)
        return cli_usage(usage, "acknowledge takes no arguments");
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    git_oid out;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_acknowledge(&out, reg, signer) < 0) {
        rc = cli_fail("nothing was written");
        goto done;
    }
    printf("Acknowledged every obligation in force, in commit %.12s.\n", git_oid_tostr_s(&out));
    rc = EXIT_OK;
done:
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}
