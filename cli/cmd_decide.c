/* itaku approve|reject|return: the city decides a request by merging its
 * branch, with the decision in the merge commit. */
#include "cli.h"
#include "i18n.h"
#include "itaku/flow.h"
#include "itaku/kessai.h"
#include "itaku/requests.h"
#include "itaku/textsafe.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_decide(int argc, char **argv)
{
    itk_decision_options o = ITK_DECISION_OPTIONS_INIT;
    const char *key = NULL;
    long max_uses = LONG_MIN; /* not given */
    o.outcome = strcmp(argv[0], "approve") == 0  ? "approved"
                : strcmp(argv[0], "reject") == 0 ? "rejected"
                                                 : "returned";
    int approve = strcmp(o.outcome, "approved") == 0;
    /* one table: --conditions, --valid-until and --max-uses are approve's
     * alone (left out of reject's and return's), which require --reason */
    cli_opt opts[] = {
        {NULL, 0, CLI_ID, NULL, "REQUEST", N_("the request to decide"), 0},
        {"conditions", 0, CLI_STRING, &o.conditions, "TEXT", N_("conditions of the approval"), 0},
        {"valid-until", 0, CLI_DATE, &o.valid_until, "DATE", N_("the approval's last day"),
         CLI_DAY},
        {"max-uses", 0, CLI_NUMBER, &max_uses, "N", N_("how many times it may be used"), 0},
        {"reason", 0, CLI_STRING, &o.reason, "TEXT", N_("why"), approve ? 0 : CLI_REQUIRED},
        {"redraft", 0, CLI_SWITCH, &o.redraft, NULL,
         N_("決裁: draft the decision again on the current main (seals on the earlier draft stop "
            "counting)"),
         0},
        CLI_OPT_KEY(&key),
        {0}};
    size_t kept = 0;
    for (size_t i = 0; i < sizeof(opts) / sizeof(*opts); i++)
        if (approve || (opts[i].value != &o.conditions && opts[i].value != &o.valid_until &&
                        opts[i].value != &max_uses))
            opts[kept++] = opts[i];
    const cli_spec spec = {
        argv[0],
        approve ? N_("Approve a request by merging it (the city).")
        : strcmp(o.outcome, "rejected") == 0
            ? N_("Reject a request by merging it, with a reason (the city).")
            : N_("Return a request for correction (差戻し), with a reason (the city)."),
        opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (max_uses != LONG_MIN && max_uses < 1)
        return cli_bad(&spec, _("--max-uses takes a positive whole number, not %ld"), max_uses);
    if (max_uses != LONG_MIN)
        o.max_uses = max_uses;
    if (optind != argc - 1)
        return cli_bad(&spec, _("%s needs one REQUEST"), argv[0]);
    if (strcmp(o.outcome, "approved") != 0 && !o.reason)
        return cli_bad(&spec, _("%s needs --reason"), argv[0]);
    if (o.reason && !itk_text_visible(o.reason))
        return cli_bad(&spec, _("--reason holds no visible text (only spaces or control "
                                "characters); say why in words"));
    if (o.conditions && !itk_text_visible(o.conditions))
        return cli_bad(&spec, _("--conditions holds no visible text (only spaces or control "
                                "characters); leave it out, or write the conditions in words"));
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    git_oid out;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_request_decide(&out, reg, signer, argv[optind], &o) < 0) {
        rc = cli_fail(_("nothing was decided"));
        goto done;
    }
    itk_request_info info;
    char code[16] = "";
    itk_buf waiting = ITK_BUF_INIT;
    if (itk_request_resolve(&info, reg, argv[optind]) == 0 && strcmp(info.state, "pending") == 0 &&
        itk_kessai_where(code, &waiting, reg, info.requester, info.id) == 0 && code[0]) {
        if (o.redraft)
            printf(_("Drafted (起案) the decision on %s (%s) again in commit %.12s, on the current "
                     "main, on branch decisions/%s/%s; seals on the earlier draft no longer "
                     "count. It waits for the seals of %s: each runs itaku kessai %s --%s.\n"),
                   cli_safe(info.name), o.outcome, git_oid_tostr_s(&out), cli_safe(info.requester),
                   cli_safe(info.id), waiting.size ? cli_safe(waiting.ptr) : "?",
                   cli_safe(info.name), argv[0]);
        else
            printf(_("Drafted (起案) the decision on %s (%s) in commit %.12s, on branch "
                     "decisions/%s/%s; it waits for the seals of %s: each runs itaku kessai %s "
                     "--%s.\n"),
                   cli_safe(info.name), o.outcome, git_oid_tostr_s(&out), cli_safe(info.requester),
                   cli_safe(info.id), waiting.size ? cli_safe(waiting.ptr) : "?",
                   cli_safe(info.name), argv[0]);
        itk_buf_dispose(&waiting);
        rc = EXIT_OK;
        goto done;
    }
    itk_buf_dispose(&waiting);
    itk_error_clear();
    printf(strcmp(o.outcome, "approved") == 0 ? _("Approved %s in commit %.12s.\n")
           : strcmp(o.outcome, "rejected") == 0
               ? _("Rejected %s in commit %.12s.\n")
               : _("Returned %s for correction in commit %.12s.\n"),
           argv[optind], git_oid_tostr_s(&out));
    rc = EXIT_OK;
done:
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}
