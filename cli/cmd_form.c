/* itaku form new|submit|render: the city's forms 1–6 and the incident
 * report, as fill-in templates, validated submissions and printable pages. */
#include "cli.h"
#include "i18n.h"
#include "itaku/forms.h"
#include "itaku/json.h"
#include "itaku/party.h"
#include "itaku/render.h"
#include "itaku/schema.h"
#include "itaku/snapshot.h"

#include <stdio.h>
#include <string.h>

static int new_form(int argc, char **argv)
{
    const cli_opt opts[] = {{NULL, 0, CLI_STRING, NULL, "N", N_("the form: 1-6 or incident"), 0},
                            {0}};
    const cli_spec spec = {"form new", N_("Print a template of form N to fill in."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1)
        return cli_bad(&spec, _("form new needs N (1-6 or incident)"));
    argv += optind - 1;
    const char *type = itk_form_type(argv[1]);
    if (!type)
        return cli_bad(&spec, _("'%s' is not a form: use 1, 2, 3, 4, 5, 6 or incident"), argv[1]);
    json_t *schema = NULL;
    itk_registry *reg = NULL;
    itk_labels *labels = NULL;
    char name[64];
    git_tree *tree = NULL;
    /* the registry's own schemas and labels when inside one, else the built-in schemas */
    if (itk_registry_open(&reg, ".") == 0 && itk_registry_head_tree(&tree, reg) == 0) {
        if (itk_labels_open_tree(&labels, itk_registry_repo(reg), tree, "ja") < 0)
            itk_error_clear(); /* the choices without labels */
        if (itk_registry_schema(&schema, name, reg, tree, type) < 0) {
            itk_labels_free(labels);
            git_tree_free(tree);
            itk_registry_free(reg);
            return cli_fail(_("cannot make the template"));
        }
    } else if (itk_schema_builtin(&schema, type) < 0 || itk_labels_builtin(&labels, "ja") < 0) {
        json_decref(schema);
        git_tree_free(tree);
        itk_registry_free(reg);
        return cli_fail(_("cannot make the template"));
    }
    git_tree_free(tree);
    itk_registry_free(reg);
    itk_buf out = ITK_BUF_INIT;
    char how[128];
    snprintf(how, sizeof(how), _("Submit with: itaku form submit %s FILE"), argv[1]);
    const char *title = itk_labels_get(labels, "form", type);
    if (!title)
        title = itk_form_title(type);
    itk_form_template_labeled(&out, schema, title ? title : type, how, labels, type);
    itk_labels_free(labels);
    fputs(cli_safe_block(out.ptr, ""), stdout);
    itk_buf_dispose(&out);
    json_decref(schema);
    return EXIT_OK;
}

int cli_submit_record(const char *type, const char *file, const char *supersedes, const char *key)
{
    json_t *body = NULL;
    itk_buf notes = ITK_BUF_INIT;
    if (cli_read_form(&body, &notes, file, type) < 0) {
        itk_buf_dispose(&notes);
        return cli_fail(_("nothing was written"));
    }
    cli_print_notes(&notes);
    itk_buf_dispose(&notes);
    int rc = cli_submit_body(type, body, supersedes, key);
    json_decref(body);
    return rc;
}

static int submit(int argc, char **argv)
{
    const char *supersedes = NULL, *key = NULL;
    const char *attach_v[32];
    cli_strings attach_list = {attach_v, 0, 32};
    const cli_opt opts[] = {
        {NULL, 0, CLI_STRING, NULL, "N", N_("the form: 1-6 or incident"), 0},
        {NULL, 0, CLI_PATH, NULL, "FILE|-", N_("the filled-in template (- for standard input)"), 0},
        {"supersedes", 0, CLI_ID, &supersedes, "ID",
         N_("the record this one replaces: f1-000002, f1-2 or acme/f1-000002 (full-width "
            "digits too)"),
         0},
        {"attach", 0, CLI_STRING, &attach_list, "FIELD=FILE",
         N_("attach FILE and cite it in the form's FIELD (may repeat; every party sees it, for "
            "ever)"),
         CLI_MANY},
        CLI_OPT_REFS(&cli_refs),
        CLI_OPT_UNDESIGNATED(&cli_refs),
        CLI_OPT_KEY(&key),
        {0}};
    const cli_spec spec = {"form submit",
                           N_("Submit a filled-in form (form 6 is a request for the "
                              "city's approval). A field instruction_ref takes <party>/n-000005, "
                              "or n-000005, n-5 or 5 (full-width digits too) for an instruction "
                              "of the party directly above."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 2)
        return cli_bad(&spec, _("form submit needs N and FILE"));
    const char *type = itk_form_type(argv[optind]);
    if (!type)
        return cli_bad(&spec, _("'%s' is not a form: use 1, 2, 3, 4, 5, 6 or incident"),
                       argv[optind]);
    if (strcmp(type, "form6") == 0 && attach_list.n)
        return cli_bad(&spec, "%s", _(CLI_FORM6_ATTACH));
    if (strcmp(type, "form6") == 0)
        return cli_request_submit("subcontract", argv[optind + 1], supersedes, key);
    return cli_submit_attached(type, argv[optind + 1], supersedes, key, &attach_list);
}

static int render(int argc, char **argv)
{
    const char *format = "html", *output = NULL, *party = NULL;
    const cli_opt opts[] = {
        {NULL, 0, CLI_ID, NULL, "ID|register", N_("a record, or register for a party's ledger"), 0},
        {"party", 0, CLI_ID, &party, "P", N_("with register: the party whose ledger (form 3)"), 0},
        {"format", 'f', CLI_STRING, &format, "html|md", N_("the output format"), 0},
        {"output", 'o', CLI_PATH, &output, "FILE", N_("where to write (default: standard output)"),
         0},
        {0}};
    const cli_spec spec = {"form render", N_("Print a record as the city's printed form."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1)
        return cli_bad(&spec, _("form render needs one record ID (or register --party P)"));
    int ledger = strcmp(argv[optind], "register") == 0;
    if (ledger && !party)
        return cli_bad(&spec, _("form render register needs --party P: whose register to print"));
    if (!ledger && party)
        return cli_bad(&spec, _("--party goes with form render register"));
    itk_render_format fmt;
    if (strcmp(format, "html") == 0)
        fmt = ITK_RENDER_HTML;
    else if (strcmp(format, "md") == 0 || strcmp(format, "markdown") == 0)
        fmt = ITK_RENDER_MARKDOWN;
    else
        return cli_bad(&spec, _("--format is html or md"));
    itk_registry *reg = NULL;
    itk_snapshot *snap = NULL;
    git_tree *tree = NULL;
    json_t *schema = NULL;
    itk_buf path = ITK_BUF_INIT, out = ITK_BUF_INIT;
    size_t at;
    int rc = EXIT_ERROR;
    char schema_name[64];
    if (ledger && fmt != ITK_RENDER_HTML)
        return cli_bad(&spec, _("the register ledger is printed as html"));
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (ledger) {
        if (itk_snapshot_open(&snap, reg, NULL) < 0 || itk_register_ledger(&out, snap, party) < 0) {
            rc = cli_fail(_("cannot print the register"));
            goto done;
        }
        goto write;
    }
    /* the page the report shows: what counts at HEAD, void and recovered marked */
    if (itk_record_find(&path, reg, argv[optind]) < 0 || itk_registry_head_tree(&tree, reg) < 0 ||
        itk_snapshot_open(&snap, reg, NULL) < 0 || itk_snapshot_find(&at, snap, path.ptr) < 0) {
        rc = cli_fail(_("cannot render the form"));
        goto done;
    }
    const char *type = itk_snapshot_str(snap, at, "type");
    if (itk_registry_schema(&schema, schema_name, reg, tree, type) < 0)
        fprintf(stderr, _("itaku: warning: %s; field names are shown instead of labels\n"),
                cli_error_text());
    if (*itk_snapshot_labels_note(snap))
        fprintf(stderr, _("itaku: note: %s\n"),
                cli_safe_block(itk_snapshot_labels_note(snap), "  "));
    if (itk_form_page(&out, snap, at, schema, fmt) < 0 ||
        cli_form_evidence(&out, reg, tree, snap, at, fmt) < 0) {
        rc = cli_fail(_("cannot render the form"));
        goto done;
    }
write:;
    if (cli_write_output(output, out.ptr ? out.ptr : "", out.size) != EXIT_OK)
        goto done;
    rc = EXIT_OK;
done:
    json_decref(schema);
    itk_snapshot_free(snap);
    git_tree_free(tree);
    itk_registry_free(reg);
    itk_buf_dispose(&path);
    itk_buf_dispose(&out);
    return rc;
}

int cmd_form(int argc, char **argv)
{
    static const cli_sub subs[] = {
        {"new", new_form, N_("print a template of a form to fill in"), 0},
        {"submit", submit, N_("submit a filled-in form"), CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
        {"render", render, N_("print a record as the city's form"), CLI_NEEDS_REGISTRY},
        {0}};
    return cli_dispatch("form",
                        N_("Fill in, submit and print the city's forms 1-6 and incident "
                           "reports."),
                        subs, argc, argv);
}
