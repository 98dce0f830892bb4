/* itaku request submit: ask the city's prior approval (form 6 for
 * subcontracting; copy, take-out, other-purpose use, third-party provision). */
#include "cli.h"
#include "i18n.h"
#include "itaku/flow.h"
#include "itaku/form_input.h"
#include "itaku/forms.h"
#include "itaku/json.h"
#include "itaku/labels.h"

#include <stdio.h>
#include <string.h>

static int submit(const char *kind, json_t *body, const char *supersedes, const char *key)
{
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_buf name = ITK_BUF_INIT;
    git_oid out;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_request_submit_refs(&name, &out, reg, signer, kind, body, supersedes, &cli_refs) < 0) {
        fprintf(stderr, _("itaku: nothing was written:\n%s\n"),
                cli_safe_block(itk_error_last(), ""));
        goto done;
    }
    printf("%s\n", name.ptr);
    static const char msg[] =
        N_("Requested %s approval in commit %.12s; branch requests/%s is ready for the party "
           "above to receive.\n");
    itk_labels *labels = cli_labels(reg);
    /* gettext gives msg itself back untranslated: then the kind as its code */
    const char *shown = _(msg) == msg ? kind : itk_label_or(labels, "request.kind", kind);
    fprintf(stderr, _(msg), shown, git_oid_tostr_s(&out), name.ptr);
    itk_labels_free(labels);
    rc = EXIT_OK;
done:
    itk_buf_dispose(&name);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}

int cli_request_submit(const char *kind, const char *file, const char *supersedes, const char *key)
{
    json_t *form = NULL;
    itk_buf notes = ITK_BUF_INIT;
    if (cli_read_form(&form, &notes, file, "form6") < 0) {
        itk_buf_dispose(&notes);
        return cli_fail(_("nothing was written"));
    }
    cli_print_notes(&notes);
    itk_buf_dispose(&notes);
    const char *name =
        json_string_value(json_object_get(json_object_get(form, "subcontractor"), "name"));
    const char *party = json_string_value(json_object_get(form, "party_id"));
    char summary[200];
    snprintf(summary, sizeof(summary), "再委託承認申請: %.80s (%.31s)", name ? name : "?",
             party ? party : "?");
    json_t *body = json_pack("{s:s, s:o}", "summary", summary, "form6", form);
    (void)kind;
    int rc = submit("subcontract", body, supersedes, key);
    json_decref(body);
    return rc;
}

static int submit_cmd(int argc, char **argv)
{
    const char *key = NULL, *summary = NULL, *details = NULL, *supersedes = NULL, *item_v[256];
    cli_strings item_list = {item_v, 0, 256};
    const cli_opt opts[] = {
        {NULL, 0, CLI_STRING, NULL, "KIND",
         N_("subcontract (FILE: form 6), copy, take-out, other-purpose-use or "
            "third-party-provision"),
         0},
        {NULL, 0, CLI_PATH, NULL, "FILE",
         N_("the request's body (subcontract: form 6; template: itaku form new 6)"), CLI_OPTIONAL},
        {"summary", 0, CLI_STRING, &summary, "TEXT", N_("what is asked, in a line"), 0},
        {"details", 0, CLI_STRING, &details, "TEXT", N_("why and how"), 0},
        {"item", 0, CLI_STRING, &item_list, "ID", N_("an item concerned (may repeat)"), CLI_MANY},
        {"supersedes", 0, CLI_ID, &supersedes, "ID",
         N_("our pending request this one corrects: q-000002, q-2 or 2 (full-width digits too)"),
         0},
        CLI_OPT_UNVERIFIED(&cli_refs),
        {"reason", 0, CLI_STRING, &cli_refs.reason, "TEXT",
         N_("with --unverified-ref: why the registry cannot hold it"), 0},
        {"again", 0, CLI_SWITCH, &cli_refs.again, NULL,
         N_("the same request (kind, items, words) as an open one, a second time, on purpose"), 0},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_spec spec = {"request submit",
                           N_("Ask the city's prior approval (form 6 for "
                              "subcontracting; copy, take-out, other-purpose use, third-party "
                              "provision)."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    json_t *body = json_object(), *items = json_array();
    if (summary)
        json_object_set_new(body, "summary", json_string(summary));
    if (details)
        json_object_set_new(body, "details", json_string(details));
    for (size_t i = 0; i < item_list.n; i++)
        json_array_append_new(items, json_string(item_v[i]));
    if (json_array_size(items))
        json_object_set(body, "item_ids", items);
    json_decref(items);
    if (optind != argc - 1 && optind != argc - 2) {
        json_decref(body);
        return cli_bad(&spec, _("request submit needs KIND and a FILE or --summary"));
    }
    /* the kind as the city's word for it (複製) too */
    char kind_code[64] = "";
    if (itk_form_choice(kind_code, sizeof(kind_code), "request", "kind", argv[optind]) < 0)
        itk_error_clear();
    const char *kind = kind_code[0] ? kind_code : argv[optind];
    const char *file = optind == argc - 2 ? argv[optind + 1] : NULL;
    if (strcmp(kind, "subcontract") == 0) {
        json_decref(body);
        if (!file)
            return cli_bad(&spec, _("a subcontract request needs its form 6 FILE"));
        return cli_request_submit(kind, file, supersedes, key);
    }
    if (file) {
        json_t *from_file = NULL;
        itk_buf notes = ITK_BUF_INIT;
        int read = cli_read_form(&from_file, &notes, file, "request");
        cli_print_notes(&notes);
        itk_buf_dispose(&notes);
        if (read < 0) {
            json_decref(body);
            return cli_fail(_("nothing was written"));
        }
        json_object_update_missing(body, from_file);
        json_decref(from_file);
    }
    if (cli_normalise_body(body, "request") < 0) {
        json_decref(body);
        return cli_fail(_("nothing was written"));
    }
    int rc = submit(kind, body, supersedes, key);
    json_decref(body);
    return rc;
}

int cmd_request(int argc, char **argv)
{
    static const cli_sub subs[] = {{"submit", submit_cmd, N_("ask the city's prior approval"),
                                    CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
                                   {0}};
    return cli_dispatch("request",
                        N_("Ask the city's prior approval (form 6, copy, take-out, ...)."), subs,
                        argc, argv);
}
