/* itaku withdraw: the requester takes back a pending request. */
#include "cli.h"
#include "i18n.h"
#include "itaku/flow.h"

#include <getopt.h>
#include <stdio.h>

int cmd_withdraw(int argc, char **argv)
{
    const char *key = NULL;
    const cli_opt opts[] = {
        {NULL, 0, CLI_ID, NULL, "REQUEST", N_("one of our pending requests"), 0},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_spec spec = {"withdraw", N_("Withdraw one of our pending requests."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1)
        return cli_bad(&spec, _("withdraw needs one REQUEST"));
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    git_oid out;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_request_withdraw(&out, reg, signer, argv[optind]) < 0) {
        rc = cli_fail(_("nothing was withdrawn"));
        goto done;
    }
    printf(_("Withdrew %s in commit %.12s.\n"), argv[optind], git_oid_tostr_s(&out));
    rc = EXIT_OK;
done:
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}
