/* itaku attach FILE, itaku attachment show SHA256, and --attach FIELD=FILE
 * on form submit and incident report: evidence files kept in the registry
 * under the party's attachments/, named by their SHA-256 (DESIGN §3). */
#include "cli.h"
#include "i18n.h"
#include "itaku/attach.h"
#include "itaku/evidence.h"
#include "itaku/forms.h"
#include "itaku/json.h"
#include "itaku/party.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_form_evidence(itk_buf *page, itk_registry *reg, const git_tree *tree,
                      const itk_snapshot *snap, size_t at, itk_render_format fmt)
{
    json_t *rec = NULL;
    itk_evidence *ev = NULL;
    size_t n = 0;
    int rc = itk_snapshot_json(&rec, snap, at);
    if (!rc)
        rc = itk_evidence_collect(&ev, &n, itk_registry_repo(reg), tree, rec);
    if (!rc)
        rc = itk_evidence_insert(page, ev, n, fmt, NULL);
    free(ev);
    json_decref(rec);
    return rc;
}

/* Said before anything is written (V4; DESIGN §10). */
static void warn_for_ever(const itk_attachment *a)
{
    fprintf(stderr,
            _("itaku: attaching %s (%zu bytes, SHA-256 %s).\n"
              "  Every party holding this registry (the city and every contractor and "
              "subcontractor in the chain) will see this file, for ever: an attachment can never "
              "be changed or removed.\n"
              "  Attach only what the form needs; never home addresses, photos of people or "
              "anything beyond it.\n"),
            a->filename, a->data.size, a->sha256);
}

static int read_file(itk_attachment *a, const char *file)
{
    if (itk_attachment_read(a, file) < 0) {
        fprintf(stderr, _("itaku: nothing was written: %s\n"), cli_error_text());
        return EXIT_ERROR;
    }
    return 0;
}

int cli_attach_fill(json_t *body, const json_t *schema, const cli_strings *attach,
                    itk_attachment *att, const char *what)
{
    for (size_t i = 0; i < attach->n; i++) {
        const char *eq = strchr(attach->v[i], '=');
        if (!eq || eq == attach->v[i] || !eq[1]) {
            fprintf(stderr,
                    _("itaku: %s: --attach takes FIELD=FILE (e.g. --attach org_chart=chart.pdf), "
                      "not '%s'\n"),
                    what, attach->v[i]);
            return EXIT_ERROR;
        }
        char field[128];
        snprintf(field, sizeof(field), "%.*s", (int)(eq - attach->v[i]), attach->v[i]);
        if (itk_attachment_read(&att[i], eq + 1) < 0 ||
            itk_attachment_fill(body, schema, field, &att[i]) < 0) {
            fprintf(stderr, _("itaku: %s: %s\n"), what, cli_error_text());
            return EXIT_ERROR;
        }
    }
    return 0;
}

int cli_submit_attached(const char *type, const char *file, const char *supersedes, const char *key,
                        const cli_strings *attach)
{
    if (!attach || attach->n == 0)
        return cli_submit_record(type, file, supersedes, key);
    json_t *body = NULL, *schema = NULL;
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    git_tree *tree = NULL;
    itk_attachment *att = calloc(attach->n, sizeof(*att));
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    char schema_name[64];
    git_oid commit;
    int rc = EXIT_ERROR;
    if (!att)
        return cli_fail(_("out of memory"));
    itk_buf notes = ITK_BUF_INIT;
    int read = cli_read_form(&body, &notes, file, type);
    if (read == 0)
        cli_print_notes(&notes);
    itk_buf_dispose(&notes);
    if (read < 0) {
        rc = cli_fail(_("nothing was written"));
        goto done;
    }
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_registry_head_tree(&tree, reg) < 0 ||
        itk_registry_schema(&schema, schema_name, reg, tree, type) < 0) {
        rc = cli_fail(_("nothing was written"));
        goto done;
    }
    if (cli_attach_fill(body, schema, attach, att, _("nothing was written")))
        goto done;
    for (size_t i = 0; i < attach->n; i++)
        warn_for_ever(&att[i]);
    if (itk_record_submit_refs(&path, &id, &commit, reg, signer, type, body, supersedes, att,
                               attach->n, &cli_refs) < 0) {
        fprintf(stderr, _("itaku: nothing was written:\n%s\n"),
                cli_safe_block(itk_error_last(), ""));
        goto done;
    }
    printf("%s\n", id.ptr);
    fprintf(stderr,
            P_("Recorded %s with %zu attachment in commit %.12s\n",
               "Recorded %s with %zu attachments in commit %.12s\n", attach->n),
            path.ptr, attach->n, git_oid_tostr_s(&commit));
    cli_warn_handover(reg, type, body);
    rc = EXIT_OK;
done:
    for (size_t i = 0; i < attach->n; i++)
        itk_attachment_dispose(&att[i]);
    free(att);
    json_decref(body);
    json_decref(schema);
    git_tree_free(tree);
    itk_signer_free(signer);
    itk_registry_free(reg);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    return rc;
}

int cmd_attach(int argc, char **argv)
{
    const char *key = NULL;
    const cli_opt opts[] = {
        {NULL, 0, CLI_PATH, NULL, "FILE", N_("the file to keep (at most 20 MiB)"), 0},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_spec spec = {"attach",
                           N_("Keep a file (a scan, an erasure log) in the registry under our "
                              "attachments/, named by its SHA-256, in one signed commit; prints "
                              "the {filename, sha256} a form cites. Every party holding the "
                              "registry sees it, for ever."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1)
        return cli_bad(&spec, _("attach needs one FILE"));
    itk_attachment a;
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    git_oid commit;
    char party[64] = "";
    int rc = read_file(&a, argv[optind]);
    if (rc)
        return rc;
    rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    warn_for_ever(&a);
    if (itk_attachment_commit(&commit, party, reg, signer, &a) < 0) {
        fprintf(stderr, _("itaku: nothing was written: %s\n"), cli_error_text());
        goto done;
    }
    json_t *cite = json_pack("{s:s, s:s}", "filename", a.filename, "sha256", a.sha256);
    char *text = cite ? json_dumps(cite, JSON_SORT_KEYS) : NULL;
    printf("%s\n", text ? text : a.sha256);
    free(text);
    json_decref(cite);
    if (git_oid_is_zero(&commit))
        fprintf(stderr, _("parties/%s/attachments/%s is kept already; nothing was written\n"),
                party, a.sha256);
    else
        fprintf(stderr,
                _("Kept parties/%s/attachments/%s in commit %.12s; cite it in a form's field as "
                  "above (form 6 cites it so; forms 1-5 and incident reports may instead take "
                  "the file with --attach FIELD=FILE on form submit)\n"),
                party, a.sha256, git_oid_tostr_s(&commit));
    rc = EXIT_OK;
done:
    itk_attachment_dispose(&a);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}

static int show(int argc, char **argv)
{
    const char *output = NULL;
    const cli_opt opts[] = {{NULL, 0, CLI_STRING, NULL, "SHA256",
                             N_("the attachment's hash (or its first 8+ digits)"), 0},
                            {"output", 'o', CLI_PATH, &output, "FILE",
                             N_("where to write it (default: standard output)"), 0},
                            {0}};
    const cli_spec spec = {
        "attachment show",
        N_("Write an attachment's bytes back out, exactly as they were attached."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1)
        return cli_bad(&spec, _("attachment show needs one SHA256"));
    if (!output && isatty(1)) {
        fprintf(stderr, _("itaku: an attachment is a file, not text for a terminal; write it to a "
                          "file with -o FILE (or redirect standard output)\n"));
        return EXIT_ERROR;
    }
    itk_registry *reg = NULL;
    git_tree *tree = NULL;
    itk_buf data = ITK_BUF_INIT, path = ITK_BUF_INIT;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (itk_registry_head_tree(&tree, reg) < 0 ||
        itk_attachment_find(&data, &path, itk_registry_repo(reg), tree, argv[optind]) < 0) {
        rc = cli_fail(_("cannot show the attachment"));
        goto done;
    }
    if (cli_write_output(output, data.ptr ? data.ptr : "", data.size) != EXIT_OK)
        goto done;
    if (output)
        fprintf(stderr, _("Wrote %s (%zu bytes) to %s\n"), path.ptr, data.size, output);
    rc = EXIT_OK;
done:
    git_tree_free(tree);
    itk_registry_free(reg);
    itk_buf_dispose(&data);
    itk_buf_dispose(&path);
    return rc;
}

int cmd_attachment(int argc, char **argv)
{
    static const cli_sub subs[] = {
        {"show", show, N_("write an attachment's bytes back out"), CLI_NEEDS_REGISTRY}, {0}};
    return cli_dispatch("attachment", N_("Get an attachment back by its SHA-256."), subs, argc,
                        argv);
}
