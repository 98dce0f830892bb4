/* itaku instruct: an instruction to a descendant, with a due date;
 * itaku instructions: what is open for us and for our descendants. */
#include "cli.h"
#include "json_out.h"
#include "itaku/instruct.h"
#include "itaku/signer_select.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "itaku instruct KIND --to PARTY --due YYYY-MM-DD --text TEXT [--incident REF] [--item ID]...\n"
    "       kinds: report inspection return dispose incident-follow-up\n"
    "       itaku instructions [--all] [--json]";

static int instruct(int argc, char **argv)
{
    static const struct option opts[] = {
        {"to", required_argument, NULL, 't'},   {"due", required_argument, NULL, 'd'},
        {"text", required_argument, NULL, 'x'}, {"incident", required_argument, NULL, 'i'},
        {"item", required_argument, NULL, 'm'}, {"key", required_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},       {0}};
    itk_instruct_options o = ITK_INSTRUCT_OPTIONS_INIT;
    const char *items[64], *key = NULL;
    int c;
    o.item_ids = items;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': o.to = optarg; break;
        case 'd': o.due = optarg; break;
        case 'x': o.text = optarg; break;
        case 'i': o.incident_ref = optarg; break;
        case 'm':
            if (o.item_count == 64)
                return cli_usage(usage, "at most 64 items");
            items[o.item_count++] = optarg;
            break;
        case 'k': key = optarg; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "instruct: unknown option");
        }
    }
    if (optind != argc - 1 || !o.to || !o.due || !o.text)
        return cli_usage(usage, "instruct needs KIND, --to, --due and --text");
    o.kind = argv[optind];
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_buf name = ITK_BUF_INIT;
    git_oid out;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_instruct(&name, &out, reg, signer, &o) < 0) {
        fprintf(stderr, "itaku: nothing was written:\n%s\n", itk_error_last());
        goto done;
    }
    printf("%s\n", name.ptr);
    fprintf(stderr, "Instructed %s in commit %.12s; it reaches %s when it pulls.\n", o.to,
            git_oid_tostr_s(&out), o.to);
    rc = EXIT_OK;
done:
    itk_buf_dispose(&name);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}

static int list(int argc, char **argv)
{
    static const struct option opts[] = {{"all", no_argument, NULL, 'a'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    int all = 0, json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'a': all = 1; break;
        case 'j': json = 1; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "instructions: unknown option");
        }
    }
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_instruction_info *l = NULL;
    size_t n = 0;
    char me[64] = "";
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    /* whose view: the signing key's party when one is set, else everything */
    itk_identity who;
    if (itk_signer_open(&signer, reg, NULL, getenv("SSH_AUTH_SOCK")) == 0 &&
        itk_signer_identity(&who, reg, signer) == 0)
        snprintf(me, sizeof(me), "%s", who.party);
    itk_error_clear();
    if (itk_instruction_list(&l, &n, reg, me[0] ? me : NULL) < 0) {
        itk_signer_free(signer);
        itk_registry_free(reg);
        return cli_fail("cannot list instructions");
    }
    json_t *out = json ? json_array() : NULL;
    if (!json)
        printf("%-22s %-14s %-18s %-18s %-26s %s\n", "INSTRUCTION", "FROM", "TO", "KIND", "DUE",
               "ANSWER");
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        if (!all && l[i].answer[0])
            continue;
        if (json)
            cli_jappend(&out, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "instruction",
                                        cli_jstr(l[i].name), "from", cli_jstr(l[i].from), "to",
                                        cli_jstr(l[i].to), "kind", cli_jstr(l[i].kind), "due",
                                        cli_jstr(l[i].due), "answer", cli_jstr(l[i].answer), "text",
                                        cli_jstr(l[i].text)));
        else
            printf("%-22s %-14s %-18s %-18s %-26s %s\n", l[i].name, l[i].from, l[i].to, l[i].kind,
                   l[i].due, l[i].answer[0] ? l[i].answer : "(open)");
        first = 0;
    }
    int rc = EXIT_OK;
    if (json)
        rc = cli_json_print(out);
    else if (first)
        printf("(none open)\n");
    free(l);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}

int cmd_instruct(int argc, char **argv)
{
    if (strcmp(argv[0], "instructions") == 0)
        return list(argc, argv);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf("usage: %s\n", usage);
        return argc < 2 ? EXIT_ERROR : EXIT_OK;
    }
    return instruct(argc, argv);
}
