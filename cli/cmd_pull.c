/* itaku pull: merge the parent's main (fast-forward when it can). */
#include "cli.h"
#include "i18n.h"
#include "itaku/flow.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_pull(int argc, char **argv)
{
    const char *key = NULL;
    const cli_opt opts[] = {{NULL, 0, CLI_STRING, NULL, "REMOTE|PATH|URL|REF",
                             N_("where from (default: the remote origin, else the parent's line "
                                "last fetched or imported)"),
                             CLI_OPTIONAL},
                            CLI_OPT_KEY(&key),
                            {0}};
    const cli_spec spec = {"pull",
                           N_("Merge the parent's main (fast-forward when it can): decisions and "
                              "instructions flow down."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind < argc - 1)
        return cli_bad(&spec, _("pull takes at most one source"));
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    int rc = EXIT_ERROR;
    git_oid out;
    itk_merge_kind kind;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    const char *from = optind == argc - 1 ? argv[optind] : NULL;
    if (itk_pull(&out, &kind, reg, signer, from) < 0) {
        rc = cli_fail(_("nothing was pulled"));
        goto done;
    }
    if (kind == ITK_MERGED_NOTHING)
        printf(_("Already up to date with the parent's main.\n"));
    else if (kind == ITK_MERGED_FAST_FORWARD)
        printf(_("Fast-forwarded main to the parent's %.12s.\n"), git_oid_tostr_s(&out));
    else
        printf(_("Merged the parent's main in commit %.12s.\n"), git_oid_tostr_s(&out));
    rc = EXIT_OK;
done:
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}
