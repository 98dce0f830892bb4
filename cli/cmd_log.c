/* itaku log: the accountability history, newest first, each commit with
 * its signing party, principal, action, records and verification mark. */
#include "cli.h"
#include "itaku/verify.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "itaku log [--party P] [--json] [-n N]";

static void date_label(char out[40], long long t, int offset)
{
    char iso[32];
    itk_format_time(iso, t, offset);
    if (offset == 540)
        snprintf(out, 40, "%.10s %.8s JST", iso, iso + 11);
    else
        snprintf(out, 40, "%.10s %.8s %s", iso, iso + 11, iso + 19);
}

static void print_entry(const itk_commit_info *ci, int offset, int json, int first, int color)
{
    char date[40], iso[32], hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), &ci->id);
    itk_format_time(iso, ci->time, offset);
    date_label(date, ci->time, offset);
    if (json) {
        printf("%s{\"commit\":\"%s\",\"date\":\"%s\",\"party\":", first ? "" : ",", hex, iso);
        cli_json_string(ci->party);
        printf(",\"principal\":");
        cli_json_string(ci->principal);
        printf(",\"action\":");
        cli_json_string(ci->action);
        printf(",\"records\":[");
        for (size_t i = 0; i < ci->nrecords; i++) {
            printf("%s", i ? "," : "");
            cli_json_string(ci->records[i]);
        }
        printf("],\"subject\":");
        cli_json_string(ci->subject);
        printf(",\"fingerprint\":");
        cli_json_string(ci->fingerprint);
        printf(",\"verified\":%s,\"void\":%s,\"recovered\":%s}", ci->ok ? "true" : "false",
               ci->is_void ? "true" : "false", ci->recovered ? "true" : "false");
        return;
    }
    /* ✓ verified, ✗ breaks a rule, ∅ void (signed after its key's compromise),
     * ⚑ signed by a key the city recovered and its party has not confirmed */
    const char *mark = !ci->ok ? "✗" : ci->is_void ? "∅" : ci->recovered ? "⚑" : "✓";
    printf("%s  %s%s%s  %-16s %-12s %-14s %.12s  %s\n", date,
           color ? (ci->ok ? "\033[32m" : "\033[31m") : "", mark, color ? "\033[0m" : "",
           *ci->party ? ci->party : "(unknown)", *ci->principal ? ci->principal : "-",
           *ci->action ? ci->action : "-", hex, ci->subject);
    for (size_t i = 0; i < ci->nrecords; i++)
        printf("%*s%s\n", 26, "", ci->records[i]);
}

int cmd_log(int argc, char **argv)
{
    static const struct option opts[] = {{"party", required_argument, NULL, 'p'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"max-count", required_argument, NULL, 'n'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *party = NULL;
    long max = -1;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': party = optarg; break;
        case 'j': json = 1; break;
        case 'n': max = strtol(optarg, NULL, 10); break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "log: unknown option");
        }
    }
    if (optind != argc)
        return cli_usage(usage, "log takes no arguments");
    itk_registry *reg = NULL;
    itk_verify_result *r = NULL;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    const char *head[] = {"HEAD"};
    if (itk_verify_run(&r, reg, head, 1, NULL) < 0) {
        itk_registry_free(reg);
        return cli_fail("cannot read the history");
    }
    int offset, color = cli_color(1), first = 1;
    itk_registry_offset(&offset, reg);
    itk_error_clear();
    if (json)
        putchar('[');
    else
        printf("%-23s %-3s %-16s %-12s %-14s %-12s  %s\n", "DATE", "", "PARTY", "PRINCIPAL",
               "ACTION", "COMMIT", "SUBJECT");
    for (size_t i = itk_verify_commit_count(r); i-- > 0 && max != 0;) {
        const itk_commit_info *ci = itk_verify_commit(r, i);
        if (party && strcmp(ci->party, party) != 0)
            continue;
        print_entry(ci, offset, json, first, color);
        first = 0;
        if (max > 0)
            max--;
    }
    if (json)
        puts("]");
    itk_verify_result_free(r);
    itk_registry_free(reg);
    return EXIT_OK;
}
