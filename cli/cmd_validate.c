/* itaku validate: checks filled-in forms as `form submit` would take them,
 * and lists every problem: inside a registry against the newest schema it
 * holds for the type and, as the signing key's party, what they cite
 * (itk_refcheck, as a write checks it); elsewhere against the newest schema
 * this itaku carries. TYPE is a record type or a form as `form submit`
 * names it (1-6, incident: itk_form_type). */
#include "cli.h"
#include "i18n.h"
#include "itaku/contract_settings.h"
#include "itaku/form_input.h"
#include "itaku/forms.h"
#include "itaku/json.h"
#include "itaku/precheck.h"
#include "itaku/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The contract's offset inside a registry, else Asia/Tokyo's. */
static int offset_of(itk_registry *reg)
{
    int offset = 9 * 60;
    if (reg && itk_registry_offset(&offset, reg) < 0) {
        offset = 9 * 60;
        itk_error_clear();
    }
    return offset;
}

/* Prints each line of text indented by two spaces. */
static void print_indented(const char *text)
{
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        printf("  %.*s\n", (int)n, text);
        text += n + (nl ? 1 : 0);
    }
}

/* body checked as a write by party checks it (itk_record_precheck over
 * HEAD, no options: its schema, then what it cites, in one list; the
 * references typed short completed as a write completes them), and a
 * register entry's prior approval (itk_register_approval_precheck, as at
 * now) and handover method (itk_handover_method_check), as form submit 3
 * refuses them; writes nothing. *anyway is set to the options of form
 * submit that record it as it is when the refusal is one they allow (a
 * reference not found: --unverified-ref; the same entry twice or an item
 * still held: --again; a method not designated: --undesignated-method),
 * else NULL. */
static int check_as_written(const char **anyway, itk_registry *reg, const char *party,
                            const char *type, json_t *body)
{
    *anyway = NULL;
    git_tree *tree = NULL;
    json_t *unverified = NULL;
    char used[64];
    int rc = itk_registry_head_tree(&tree, reg);
    if (!rc)
        rc = itk_record_precheck(&unverified, used, reg, tree, party, type, body, NULL, NULL);
    if (rc == ITK_ENOTFOUND)
        *anyway = "--unverified-ref --reason TEXT";
    else if (rc == ITK_EEXISTS)
        *anyway = "--again";
    json_decref(unverified);
    unverified = NULL;
    char now[32];
    if (!rc && strcmp(type, "register") == 0 && !(rc = itk_registry_now(now, reg)))
        rc = itk_register_approval_precheck(reg, party, body, now, 0);
    if (!rc && strcmp(type, "register") == 0 &&
        (rc = itk_handover_method_check(&unverified, reg, tree, body, 0, NULL)) == ITK_EVERIFY)
        *anyway = "--undesignated-method --reason TEXT";
    json_decref(unverified);
    git_tree_free(tree);
    return rc;
}

/* body checked: inside a registry as the signing key's party (party, ""
 * when none is set up) would write it (check_as_written: the schema's
 * problems and what it cites in one list; ITK_EINVALID for any of them),
 * form 6, which becomes a request only when submitted, and without a party
 * against the schema a write uses; outside a registry against schema
 * (schema_name's version), its problems into errors. */
static int check_body(itk_buf *errors, const char **anyway, itk_registry *reg, const json_t *schema,
                      const char *schema_name, const char *type, const char *party, json_t *body)
{
    char used[64];
    *anyway = NULL;
    if (!reg)
        return itk_schema_validate_version(errors, schema, itk_schema_version_of(schema_name), body,
                                           type);
    if (!party[0] || strcmp(type, "form6") == 0)
        return itk_form_validate(used, reg, type, body);
    int rc = check_as_written(anyway, reg, party, type, body);
    /* what it cites, as `form submit` would refuse it */
    if (rc == ITK_ENOTFOUND || rc == ITK_EEXISTS || rc == ITK_EVERIFY)
        rc = itk_error_set(ITK_EINVALID, "%s", itk_error_last());
    return rc;
}

/* The line after a refusal that form submit records as it is with options
 * (anyway, check_as_written's): the whole command, file as typed (quoted
 * for a shell when it needs it), so that what validate refuses says the way
 * through. Nothing for a type no form submit takes. */
static void print_anyway(const char *type, const char *file, const char *anyway)
{
    const char *number = itk_form_number(type);
    if (!anyway || !number)
        return;
    itk_buf cmd = ITK_BUF_INIT;
    itk_buf_printf(&cmd, "itaku form submit %s ", number);
    if (file[0] && strspn(file, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                "._/+,:=@-") == strlen(file))
        itk_buf_puts(&cmd, file);
    else {
        itk_buf_putc(&cmd, '\'');
        for (const char *p = file; *p; p++)
            if (*p == '\'')
                itk_buf_puts(&cmd, "'\\''");
            else
                itk_buf_putc(&cmd, *p);
        itk_buf_putc(&cmd, '\'');
    }
    itk_buf_printf(&cmd, " %s", anyway);
    /* TRANSLATORS: the whole command that records the form as it is */
    printf(_("  To record it as it is anyway: %s\n"), cli_safe(cmd.ptr ? cmd.ptr : ""));
    itk_buf_dispose(&cmd);
}

/* EXIT_OK when valid, EXIT_NO when invalid, EXIT_ERROR when unreadable. The
 * file is read as `form submit` reads it (cli_read_form: byte-order mark,
 * CR LF, template notes, dates as people write them, "" as not given) and
 * checked as a write checks it: inside a registry against its newest
 * schema (itk_form_validate), else against the newest this itaku carries. */
static int validate_file(itk_registry *reg, const json_t *schema, const char *schema_name,
                         const char *type, const char *file, int exact, const char *party,
                         const char *above, const cli_strings *attach)
{
    itk_attachment *att = attach->n ? calloc(attach->n, sizeof(*att)) : NULL;
    itk_buf data = ITK_BUF_INIT, errors = ITK_BUF_INIT, notes = ITK_BUF_INIT;
    json_t *body = NULL;
    const char *name = strcmp(file, "-") == 0 ? _("standard input") : file;
    /* what the form cites is listed with a date that cannot be read */
    cli_cited cited = {reg, party, type, NULL};
    const char *anyway = NULL;
    int rc = strcmp(file, "-") == 0
                 ? itk_buf_read_stream(&data, stdin, "stdin", ITK_MAX_RECORD_BYTES)
                 : itk_buf_read_file(&data, file, ITK_MAX_RECORD_BYTES);
    int status;
    if (rc && rc != ITK_ETOOBIG) {
        fprintf(stderr, _("itaku: cannot read %s: %s\n"), file, cli_error_text());
        status = EXIT_ERROR;
    } else if (rc || (rc = exact ? itk_json_parse(&body, data.ptr, data.size, name)
                                 : itk_form_input_read_more(&body, &notes, data.ptr, data.size,
                                                            name, schema, offset_of(reg), above,
                                                            cli_cited_problems, &cited))) {
        /* too big, not JSON or a date that cannot be read: a verdict on the
         * content, not an I/O failure */
        printf(_("%s invalid\n"), file);
        print_indented(cli_safe_block(itk_error_last(), ""));
        status = EXIT_NO;
    } else if (attach->n && (!att || cli_attach_fill(body, schema, attach, att, file))) {
        /* the files --attach names, read and cited as form submit does */
        status = EXIT_ERROR;
    } else if ((rc = check_body(&errors, &anyway, reg, schema, schema_name, type, party, body)) ==
               ITK_EINVALID) {
        printf(_("%s invalid\n"), file);
        print_indented(cli_safe_block(reg ? itk_error_last() : errors.ptr ? errors.ptr : "", ""));
        print_anyway(type, file, anyway);
        status = EXIT_NO;
    } else if (rc) {
        fprintf(stderr, _("itaku: cannot validate %s: %s\n"), file, cli_error_text());
        status = EXIT_ERROR;
    } else {
        printf(_("%s valid\n"), file);
        status = EXIT_OK;
    }
    cli_print_notes(&notes);
    for (size_t i = 0; att && i < attach->n; i++)
        itk_attachment_dispose(&att[i]);
    free(att);
    json_decref(body);
    itk_buf_dispose(&data);
    itk_buf_dispose(&errors);
    itk_buf_dispose(&notes);
    return status;
}

int cmd_validate(int argc, char **argv)
{
    int exact = 0;
    const char *attach_v[32];
    cli_strings attach_list = {attach_v, 0, 32};
    const cli_opt opts[] = {
        {"exact", 0, CLI_SWITCH, &exact, NULL,
         N_("check each body exactly as a record stores it: no template notes, dates or \"\" read "
            "as typed"),
         0},
        {NULL, 0, CLI_STRING, NULL, "TYPE",
         N_("the form as form submit takes it (1-6, incident) or the record type (form1, form2, "
            "register, form4, form5, form6, incident, request, endorsement, decision, "
            "instruction, inspection, ack, party, key, key-event)"),
         0},
        {NULL, 0, CLI_PATH, NULL, "FILE", N_("a record body in JSON (- for standard input)"),
         CLI_MANY},
        {"attach", 0, CLI_STRING, &attach_list, "FIELD=FILE",
         N_("the file form submit --attach would attach, cited in the form's FIELD as it cites "
            "it (may repeat; nothing is written)"),
         CLI_MANY},
        {0}};
    const cli_spec spec = {
        "validate",
        N_("Check each FILE against the schema of TYPE without writing: "
           "\"FILE valid\" or \"FILE invalid\" and every problem. Exit 0: all valid, "
           "1: some invalid, 2: error."),
        opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (argc - optind < 2)
        return cli_bad(&spec, _("validate: name a record type and at least one file"));
    /* the form's number as `form submit` takes it (6), or a record type */
    const char *type = itk_form_type(argv[optind]) ? itk_form_type(argv[optind]) : argv[optind];
    if (attach_list.n && (strcmp(type, "form6") == 0 || strcmp(type, "request") == 0))
        return cli_bad(&spec, "%s", _(CLI_FORM6_ATTACH));
    json_t *schema = NULL;
    itk_registry *reg = NULL;
    char name[64];
    int offset;
    if (itk_registry_open(&reg, ".") < 0 || itk_registry_offset(&offset, reg) < 0) {
        /* not inside a registry (or a git folder that is not one) */
        itk_error_clear();
        itk_registry_free(reg);
        reg = NULL;
    }
    if (itk_form_input_schema(&schema, name, reg, type)) {
        itk_registry_free(reg);
        return cli_fail(_("validate"));
    }
    /* inside a registry, what it cites is checked as the signing key's
     * party would write it (cli_whoami) */
    char party[ITK_PARTY_ID_MAX + 1], above[ITK_PARTY_ID_MAX + 1];
    cli_whoami(reg, party, above);
    if (reg && !party[0])
        fputs(_("itaku: note: no signing key of this registry's parties is set up, so the "
                "references the forms cite (instructions, items, workers) are not checked; "
                "form submit checks them\n"),
              stderr);
    int worst = EXIT_OK;
    for (int i = optind + 1; i < argc; i++) {
        int status =
            validate_file(reg, schema, name, type, argv[i], exact, party, above, &attach_list);
        if (status > worst)
            worst = status;
    }
    json_decref(schema);
    itk_registry_free(reg);
    return worst;
}
