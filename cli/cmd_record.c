/* itaku record add|show|list: a party's records. */
#include "cli.h"
#include "i18n.h"
#include "json_out.h"
#include "itaku/json.h"
#include "itaku/party.h"

#include <stdio.h>
#include <string.h>

static int add(int argc, char **argv)
{
    const char *supersedes = NULL, *key = NULL;
    const cli_opt opts[] = {
        {NULL, 0, CLI_STRING, NULL, "TYPE", N_("the record type (form1, register, ...)"), 0},
        {NULL, 0, CLI_PATH, NULL, "FILE|-", N_("the record body, JSON (- for standard input)"), 0},
        {"supersedes", 0, CLI_ID, &supersedes, "ID",
         N_("the record this one replaces: f1-000002, f1-2 or acme/f1-000002 (full-width "
            "digits too)"),
         0},
        CLI_OPT_REFS(&cli_refs),
        CLI_OPT_KEY(&key),
        {0}};
    const cli_spec spec = {"record add", N_("Add a record (strict JSON) to our registry."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 2)
        return cli_bad(&spec, _("record add needs TYPE and FILE (- for standard input)"));
    const char *type = argv[optind], *file = argv[optind + 1];
    json_t *body = NULL;
    /* record add takes strict JSON; filled-in templates go through form submit */
    if (cli_read_body(&body, file, 0) < 0)
        return cli_fail(_("nothing was written"));
    int rc = cli_submit_body(type, body, supersedes, key);
    json_decref(body);
    return rc;
}

static int show(int argc, char **argv)
{
    const cli_opt opts[] = {
        {NULL, 0, CLI_ID, NULL, "ID", N_("a record (party/id, id or a unique suffix)"), 0}, {0}};
    const cli_spec spec = {"record show", N_("Print one record."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1)
        return cli_bad(&spec, _("record show needs one ID"));
    argv += optind - 1;
    itk_registry *reg = NULL;
    git_tree *tree = NULL;
    itk_buf path = ITK_BUF_INIT, data = ITK_BUF_INIT;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (itk_record_find(&path, reg, argv[1]) < 0 || itk_registry_head_tree(&tree, reg) < 0 ||
        itk_tree_read(&data, itk_registry_repo(reg), tree, path.ptr, ITK_MAX_RECORD_BYTES) < 0)
        rc = cli_fail(_("cannot show the record"));
    else {
        /* the record's JSON text; controls and bidirectional controls inside
         * it are shown, not passed on (a valid record's JSON has none raw) */
        fputs(cli_safe_block(data.ptr, ""), stdout);
        rc = EXIT_OK;
    }
    git_tree_free(tree);
    itk_registry_free(reg);
    itk_buf_dispose(&path);
    itk_buf_dispose(&data);
    return rc;
}

static int list(int argc, char **argv)
{
    const char *party = NULL, *type = NULL;
    int json = 0;
    const cli_opt opts[] = {
        {"party", 0, CLI_PARTY, &party, "P", N_("only this party's records"), 0},
        {"type", 0, CLI_STRING, &type, "T", N_("only records of this type"), 0},
        {"json", 0, CLI_SWITCH, &json, NULL, N_("print JSON"), 0},
        {0}};
    const cli_spec spec = {"record list", N_("List the records of the registry."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc)
        return cli_bad(&spec, _("record list takes no arguments"));
    itk_registry *reg = NULL;
    char **paths = NULL;
    size_t n = 0;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (itk_record_list(&paths, &n, reg, party, type) < 0) {
        itk_registry_free(reg);
        return cli_fail(_("cannot list records"));
    }
    json_t *out = json ? json_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        itk_path_info pi;
        itk_path_classify(&pi, paths[i]);
        if (json)
            cli_jappend(&out, json_pack("{s:o, s:o, s:o, s:o}", "party", cli_jstr(pi.party), "type",
                                        cli_jstr(pi.type->type), "id", cli_jstr(pi.id), "path",
                                        cli_jstr(paths[i])));
        else {
            printf("%-20s %-12s ", cli_safe(pi.party), cli_safe(pi.type->type));
            cli_pad(pi.kind == ITK_PATH_KEY ? _("(key)") : pi.id, 14);
            printf(" %s\n", cli_safe(paths[i]));
        }
    }
    int rc = json ? cli_json_print(out) : EXIT_OK;
    itk_string_list_free(paths, n);
    itk_registry_free(reg);
    return rc;
}

int cmd_record(int argc, char **argv)
{
    static const cli_sub subs[] = {
        {"add", add, N_("add a record (strict JSON)"), CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
        {"show", show, N_("print one record"), CLI_NEEDS_REGISTRY},
        {"list", list, N_("list records"), CLI_NEEDS_REGISTRY},
        {0}};
    return cli_dispatch("record", N_("A party's records: add, show and list."), subs, argc, argv);
}
