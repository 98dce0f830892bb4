/* itaku requests: what is pending, with who must act next; --mine for our
 * own requests and their decisions. */
#include "cli.h"
#include "itaku/flow.h"
#include "itaku/requests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_requests(int argc, char **argv)
{
    int mine = 0, all = 0, json = 0;
    const cli_opt opts[] = {
        {"mine", 0, CLI_SWITCH, &mine, NULL, "only those where we must act next", 0},
        {"all", 0, CLI_SWITCH, &all, NULL, "decided ones too", 0},
        {"json", 0, CLI_SWITCH, &json, NULL, "print JSON", 0},
        {0}};
    const cli_spec spec = {"requests", "List requests: pending, who must act next.", opts};
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
            return signer ? cli_fail("cannot tell whose requests are yours") : EXIT_ERROR;
        }
        snprintf(me, sizeof(me), "%s", who.party);
    }
    if (itk_request_list(&list, &n, reg) < 0) {
        itk_signer_free(signer);
        itk_registry_free(reg);
        return cli_fail("cannot list requests");
    }
    if (json)
        putchar('[');
    else
        printf("%-22s %-22s %-10s %-11s %-16s %s\n", "REQUEST", "KIND", "STATE", "NEXT",
               "ENDORSED BY", "SUMMARY");
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        itk_request_info *r = &list[i];
        if (mine && strcmp(r->requester, me) != 0)
            continue;
        if (!mine && !all && strcmp(r->state, "pending") != 0)
            continue;
        if (json) {
            printf("%s{\"request\":", first ? "" : ",");
            cli_json_string(r->name);
            printf(",\"kind\":");
            cli_json_string(r->kind);
            printf(",\"state\":");
            cli_json_string(r->state);
            printf(",\"next\":");
            cli_json_string(r->next);
            printf(",\"endorsed_by\":");
            cli_json_string(r->endorsed);
            printf(",\"decided\":");
            cli_json_string(r->decided_on);
            printf(",\"valid_until\":");
            cli_json_string(r->valid_until);
            printf(",\"max_uses\":%lld,\"summary\":", r->max_uses);
            cli_json_string(r->summary);
            putchar('}');
        } else
            printf("%-22s %-22s %-10s %-11s %-16s %s\n", r->name, r->kind, r->state,
                   r->next[0] ? r->next : "-", r->endorsed[0] ? r->endorsed : "-", r->summary);
        first = 0;
    }
    if (json)
        puts("]");
    else if (first)
        printf("(none)\n");
    free(list);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return EXIT_OK;
}
