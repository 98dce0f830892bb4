/* itaku endorse|decline: a party between a requester and the city vouches
 * for its request, or declines to forward it, in its receipt of the line. */
#include "cli.h"
#include "i18n.h"
#include "itaku/flow.h"

#include <stdio.h>
#include <string.h>

int cmd_endorse(int argc, char **argv)
{
    int decline = strcmp(argv[0], "decline") == 0;
    const char *reason = NULL, *key = NULL;
    const cli_opt opts[] = {
        {NULL, 0, CLI_ID, NULL, "REQUEST", N_("a descendant's request"), 0},
        {"reason", 0, CLI_STRING, &reason, "TEXT", N_("why"), decline ? CLI_REQUIRED : 0},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_spec spec = {argv[0],
                           decline ? N_("Decline to forward a descendant's request, with a reason.")
                                   : N_("Vouch for a descendant's request on its way to the city."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1)
        return cli_bad(&spec, _("%s needs one REQUEST"), argv[0]);
    if (decline && !reason)
        return cli_bad(&spec, _("decline needs --reason"));
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    git_oid out;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_request_endorse(&out, reg, signer, argv[optind], decline, reason) < 0) {
        rc = cli_fail(_("nothing was written"));
        goto done;
    }
    printf(decline ? _("Declined to forward %s in commit %.12s; its request branch now points "
                       "there.\n")
                   : _("Endorsed %s in commit %.12s; its request branch now points there.\n"),
           argv[optind], git_oid_tostr_s(&out));
    rc = EXIT_OK;
done:
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}
