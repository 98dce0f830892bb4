/* itaku requests: what is pending, with who must act next; --mine for our
 * own requests and their decisions. */
#include "cli.h"
#include "i18n.h"
#include "json_out.h"
#include "itaku/flow.h"
#include "itaku/requests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_requests(int argc, char **argv)
{
    int mine = 0, all = 0, json = 0;
    const cli_opt opts[] = {
        {"mine", 0, CLI_SWITCH, &mine, NULL, N_("only those where we must act next"), 0},
        {"all", 0, CLI_SWITCH, &all, NULL, N_("decided ones too"), 0},
        {"json", 0, CLI_SWITCH, &json, NULL, N_("print JSON"), 0},
        {0}};
    const cli_spec spec = {"requests", N_("List requests: pending, who must act next."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_request_info *list = NULL;
    size_t n = 0;
    char me[64] = "";
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (mine) {
        itk_identity who;
        if (cli_open_signer(&signer, reg, NULL) || itk_signer_identity(&who, reg, signer) < 0) {
            itk_signer_free(signer);
            itk_registry_free(reg);
            return signer ? cli_fail(_("cannot tell whose requests are yours")) : EXIT_ERROR;
        }
        snprintf(me, sizeof(me), "%s", who.party);
    }
    if (itk_request_list(&list, &n, reg) < 0) {
        itk_signer_free(signer);
        itk_registry_free(reg);
        return cli_fail(_("cannot list requests"));
    }
    json_t *out = json ? json_array() : NULL;
    if (!json)
        cli_heading(6, 22, _("REQUEST"), 22, _("KIND"), 10, _("STATE"), 11, _("NEXT"), 16,
                    _("ENDORSED BY"), 0, _("SUMMARY"));
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        itk_request_info *r = &list[i];
        if (mine && strcmp(r->requester, me) != 0)
            continue;
        if (!mine && !all && strcmp(r->state, "pending") != 0)
            continue;
        if (json)
            cli_jappend(&out,
                        json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o}", "request",
                                  cli_jstr(r->name), "kind", cli_jstr(r->kind), "state",
                                  cli_jstr(r->state), "next", cli_jstr(r->next), "endorsed_by",
                                  cli_jstr(r->endorsed), "decided", cli_jstr(r->decided_on),
                                  "valid_until", cli_jstr(r->valid_until), "max_uses",
                                  (json_int_t)r->max_uses, "summary", cli_jstr(r->summary)));
        else
            printf("%-22s %-22s %-10s %-11s %-16s %s\n", cli_safe(r->name), cli_safe(r->kind),
                   cli_safe(r->state), r->next[0] ? cli_safe(r->next) : "-",
                   r->endorsed[0] ? cli_safe(r->endorsed) : "-", cli_safe(r->summary));
        first = 0;
    }
    int rc = EXIT_OK;
    if (json)
        rc = cli_json_print(out);
    else if (first)
        printf(_("(none)\n"));
    free(list);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}
