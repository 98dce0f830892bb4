/* itaku kessai: an officer of the city seals (決裁) a draft decision; the
 * seal that meets the contract's decision rule makes the decision at once
 * (DESIGN V12). */
#include "cli.h"
#include "i18n.h"
#include "itaku/flow.h"
#include "itaku/kessai.h"
#include "itaku/textsafe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_kessai(int argc, char **argv)
{
    itk_seal_options o = ITK_SEAL_OPTIONS_INIT;
    int approve = 0, reject = 0, ret = 0;
    const char *key = NULL;
    const cli_opt opts[] = {
        {NULL, 0, CLI_ID, NULL, "REQUEST", N_("the request whose draft decision to seal"), 0},
        {"approve", 0, CLI_SWITCH, &approve, NULL, N_("approve the draft (押印)"), 0},
        {"reject", 0, CLI_SWITCH, &reject, NULL, N_("reject the request (needs --reason)"), 0},
        {"return", 0, CLI_SWITCH, &ret, NULL,
         N_("return the request for correction (差戻し; needs --reason)"), 0},
        {"reason", 0, CLI_STRING, &o.reason, "TEXT", N_("why"), 0},
        {"acting-for", 0, CLI_STRING, &o.acting_for, "POST",
         N_("代決: seal for POST while its holder is absent (needs --reason)"), 0},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_spec spec = {"kessai",
                           N_("Seal (決裁) a draft decision of the city with your post; the seal "
                              "that meets the contract's decision rule makes the decision."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1)
        return cli_bad(&spec, _("kessai needs one REQUEST"));
    if (approve + reject + ret != 1)
        return cli_bad(&spec, _("kessai needs one of --approve, --reject or --return"));
    o.verdict = approve ? "approved" : reject ? "rejected" : "returned";
    if (!approve && !o.reason)
        return cli_bad(&spec, _("kessai --reject and --return need --reason"));
    if (o.acting_for && !o.reason)
        return cli_bad(&spec, _("a 代決 (--acting-for) needs --reason"));
    if (o.reason && !itk_text_visible(o.reason))
        return cli_bad(&spec, _("--reason holds no visible text (only spaces or control "
                                "characters); say why in words"));
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    git_oid seal, decided;
    int met = 0, rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_kessai_seal(&seal, &met, reg, signer, argv[optind], &o) < 0) {
        rc = cli_fail(_("nothing was sealed"));
        goto done;
    }
    printf(_("Sealed %s (%s) in commit %.12s.\n"), cli_safe(argv[optind]), o.verdict,
           git_oid_tostr_s(&seal));
    rc = EXIT_OK;
    if (met) {
        itk_decision_options d = ITK_DECISION_OPTIONS_INIT;
        d.outcome = o.verdict;
        if (itk_request_decide(&decided, reg, signer, argv[optind], &d) < 0) {
            rc = cli_fail(_("the seals meet the rule, but the decision was not made"));
            goto done;
        }
        printf(_("The seals meet the decision rule: %s is %s in commit %.12s.\n"),
               cli_safe(argv[optind]), o.verdict, git_oid_tostr_s(&decided));
    }
done:
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}
