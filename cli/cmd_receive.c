/* itaku receive: merge a descendant's verified line into main with a signed
 * receipt (Itaku-Received). */
#include "cli.h"
#include "i18n.h"
#include "itaku/flow.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int cmd_receive(int argc, char **argv)
{
    const char *key = NULL;
    const cli_opt opts[] = {
        {NULL, 0, CLI_STRING, NULL, "PARTY", N_("the descendant whose line to take"), 0},
        {NULL, 0, CLI_STRING, NULL, "PATH|URL|REF", N_("where from"), CLI_OPTIONAL},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_spec spec = {
        "receive", N_("Merge a descendant's verified line into main with a signed receipt."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1 && optind != argc - 2)
        return cli_bad(&spec, _("receive needs the PARTY whose line to take, and where from"));
    const char *party = argv[optind], *from = optind == argc - 2 ? argv[optind + 1] : NULL;
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    int rc = EXIT_ERROR;
    git_oid out;
    itk_merge_kind kind;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_receive(&out, &kind, reg, signer, party, from) < 0) {
        rc = cli_fail(_("nothing was received"));
        goto done;
    }
    if (kind == ITK_MERGED_NOTHING && !from)
        /* only what an earlier fetch or bundle import brought was looked at */
        printf(_("Nothing new from %1$s among what was already fetched: its line as last "
                 "fetched or imported is already in main. To look for newer, run itaku fetch "
                 "(or itaku bundle import FILE), or give where from: itaku receive %1$s "
                 "PATH|URL.\n"),
               party);
    else if (kind == ITK_MERGED_NOTHING)
        printf(_("Nothing new from %s: its line is already in main.\n"), party);
    else
        printf(_("Received the line of %s in commit %.12s.\n"), party, git_oid_tostr_s(&out));
    rc = EXIT_OK;
done:
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}
