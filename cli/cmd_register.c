/* itaku register add|export: the management register (form 3), one record
 * per handover, copy, take-out, return or disposal. */
#include "cli.h"
#include "i18n.h"
#include "itaku/form_input.h"
#include "itaku/forms.h"
#include "itaku/json.h"
#include "itaku/party.h"
#include "itaku/textnorm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Options that map one to one onto string fields of the entry. */
static const struct {
    const char *option, *field, *arg, *help;
} string_fields[] = {
    {"action", "action", "A",
     N_("what happened: received returned copied taken_out brought_back other_purpose_use "
        "third_party_provision erased disposed")},
    {"item-id", "item_id", "ID", N_("the item's id")},
    {"info", "info_name", "NAME", N_("the information's name")},
    {"medium", "medium", "M", N_("the medium it is on: paper usb optical hdd_ssd file online")},
    {"handler", "handler", "NAME", N_("who handled it")},
    {"occurred-at", "occurred_at", "TIME",
     N_("when (default: now; a date alone: the start of that day)")},
    {"method", "method", "M",
     N_("how it was handed over: a method the contract designates (itaku.json's "
        "handover_methods, set at itaku init or by itaku contract amend)")},
    {"from", "from", "WHO", N_("from whom")},
    {"to", "to", "WHO", N_("to whom")},
    {"verifier", "verifier", "NAME", N_("who checked it")},
    {"approval", "approval", "REQ", N_("the approval it cites")},
    {"derived-from", "derived_from", "ID", N_("the item it was copied from")},
    {"destination", "destination", "D", N_("where it went")},
    {"purpose", "purpose", "P", N_("what for")},
    {"due-on", "due_on", "DATE", N_("when it is due back")},
    {"returned-on", "returned_on", "DATE", N_("when it came back")},
    {"note", "note", "TEXT", N_("a note")},
    {"instruction", "instruction_ref", "REF",
     N_("the instruction it answers: <party>/n-000005, or n-000005, n-5 or 5 (full-width digits "
        "too) for one of the party directly above")},
    {"reason", "unapproved_reason", "TEXT",
     N_("with --unapproved: why there was no prior approval; with --unverified-ref: why the "
        "registry cannot hold what it cites; with --undesignated-method: why that method was "
        "used")},
};
#define NSTRING (sizeof(string_fields) / sizeof(*string_fields))

/* The option that gives the field a problem's line speaks of, or NULL:
 * the line's words after its first ": " start with the field's key and a
 * space ("info_name is required") or, on a Japanese screen, with the
 * field's title as the form words it ("情報の名称は必須です"); the longest
 * title wins (情報の名称 before 情報). */
static const char *option_of(const char *line, int n)
{
    const char *rest = line;
    for (int i = 0; i + 1 < n; i++)
        if (line[i] == ':' && line[i + 1] == ' ') {
            rest = line + i + 2;
            break;
        }
    size_t left = (size_t)(line + n - rest), best = 0;
    const char *flag = NULL;
    for (size_t i = 0; i <= NSTRING; i++) {
        const char *field = i < NSTRING ? string_fields[i].field : "quantity";
        const char *option = i < NSTRING ? string_fields[i].option : "quantity";
        char words[200];
        size_t len = strlen(field);
        if (len < left && strncmp(rest, field, len) == 0 && rest[len] == ' ' && len > best) {
            best = len;
            flag = option;
        }
        itk_form_field_words(words, sizeof(words), "register", field);
        len = strlen(words);
        if (len <= left && strcmp(words, field) != 0 && strncmp(rest, words, len) == 0 &&
            len > best) {
            best = len;
            flag = option;
        }
    }
    return flag;
}

/* Prints the validation problems of an entry given by flags, naming the
 * flag beside each problem of a field given by one ("register: info_name is
 * required (--info)", "重要指定情報管理記録簿: 情報の名称は必須です（--info）"),
 * so that one run lists every flag still to give. */
static void print_problems(const char *msg)
{
    while (*msg) {
        const char *nl = strchr(msg, '\n');
        int n = nl ? (int)(nl - msg) : (int)strlen(msg);
        const char *flag = option_of(msg, n);
        if (flag)
            fprintf(stderr, _("%.*s (--%s)\n"), n, msg, flag);
        else
            fprintf(stderr, "%.*s\n", n, msg);
        msg += n + (nl ? 1 : 0);
    }
}

static int add(int argc, char **argv)
{
    const char *values[NSTRING] = {0};
    cli_opt opts[NSTRING + 10];
    for (size_t i = 0; i < NSTRING; i++)
        opts[i] =
            (cli_opt){string_fields[i].option, 0, CLI_STRING, &values[i], string_fields[i].arg,
                      string_fields[i].help,   0};
    int unapproved = 0;
    const char *file = NULL, *key = NULL, *quantity = NULL, *unit = "件", *supersedes = NULL;
    opts[NSTRING] = (cli_opt){"quantity", 0, CLI_STRING, &quantity, "N", N_("how many"), 0};
    opts[NSTRING + 1] =
        (cli_opt){"unit", 0, CLI_STRING, &unit, "U", N_("of what (default: 件)"), 0};
    opts[NSTRING + 2] = (cli_opt){
        "file", 0, CLI_PATH, &file, "FILE|-", N_("the whole entry as JSON instead of the options"),
        0};
    opts[NSTRING + 3] = (cli_opt){"unapproved",
                                  0,
                                  CLI_SWITCH,
                                  &unapproved,
                                  NULL,
                                  N_("an entry that had no prior approval (with --reason)"),
                                  0};
    opts[NSTRING + 4] = (cli_opt)CLI_OPT_KEY(&key);
    opts[NSTRING + 5] =
        (cli_opt){"supersedes",
                  0,
                  CLI_ID,
                  &supersedes,
                  "ID",
                  N_("our entry this one corrects: r-000002, r-2 or 2 (full-width digits "
                     "too)"),
                  0};
    opts[NSTRING + 6] = (cli_opt)CLI_OPT_UNVERIFIED(&cli_refs);
    opts[NSTRING + 7] = (cli_opt)CLI_OPT_AGAIN(&cli_refs);
    opts[NSTRING + 8] = (cli_opt)CLI_OPT_UNDESIGNATED(&cli_refs);
    opts[NSTRING + 9] = (cli_opt){0};
    const cli_spec spec = {"register add",
                           N_("Add an entry to the management register (form 3): "
                              "--action, --item-id, --info, --medium, --quantity and --handler, or "
                              "--file."),
                           opts};
    int rc = EXIT_ERROR;
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    json_t *body = json_object();
    for (size_t i = 0; i < NSTRING; i++)
        if (values[i])
            json_object_set_new(body, string_fields[i].field, json_string(values[i]));
    /* --reason records why there was no prior approval (with --unapproved)
     * and why a reference cannot be found (with --unverified-ref) */
    json_t *why = json_incref(json_object_get(body, "unapproved_reason"));
    if (cli_refs.unverified || cli_refs.undesignated_method)
        cli_refs.reason = json_string_value(why);
    if (!unapproved)
        json_object_del(body, "unapproved_reason");
    if ((unapproved || cli_refs.unverified || cli_refs.undesignated_method) != (why != NULL)) {
        json_decref(why);
        json_decref(body);
        return cli_bad(&spec, _("--reason TEXT goes with --unapproved (an entry that had no prior "
                                "approval), --unverified-ref (a reference the registry cannot "
                                "hold) or --undesignated-method (a handover method the contract "
                                "does not designate), and each of them needs it"));
    }
    if (optind != argc) {
        json_decref(body);
        json_decref(why);
        return cli_bad(&spec, _("register add takes options only"));
    }
    if (file) {
        size_t n = json_object_size(body);
        json_decref(body);
        int frc = n || quantity
                      ? cli_bad(&spec, _("--file replaces the other fields; use one or the other"))
                      : cli_submit_record("register", file, supersedes, key);
        json_decref(why);
        return frc;
    }
    if (quantity) {
        /* Full-width digits (１２) are digits as an office types them. */
        itk_buf q = ITK_BUF_INIT;
        char *end = NULL;
        long long v = -1;
        if (itk_nfkc(&q, quantity, strlen(quantity)) == 0 && q.ptr[0])
            v = strtoll(q.ptr, &end, 10);
        int bad = !end || *end || v < 0;
        itk_buf_dispose(&q);
        if (bad) {
            json_decref(body);
            json_decref(why);
            return cli_bad(&spec,
                           _("--quantity takes a whole number such as 1 (and --unit its unit), "
                             "not '%s'"),
                           quantity);
        }
        json_object_set_new(body, "quantity", json_pack("{s:I, s:s}", "value", v, "unit", unit));
    }
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    cli_refs.by_options = 1; /* a refusal names --approval, not the field */
    if (cli_open_registry(&reg))
        goto done;
    if (!json_object_get(body, "occurred_at")) {
        char now[32];
        itk_registry_now(now, reg);
        json_object_set_new(body, "occurred_at", json_string(now));
    }
    if (cli_normalise_body(body, "register") < 0) {
        fprintf(stderr, _("itaku: nothing was written:\n"));
        print_problems(cli_safe_block(itk_error_last(), ""));
        goto done;
    }
    if (cli_open_signer(&signer, reg, key))
        goto done;
    git_oid commit;
    if (itk_record_submit_refs(&path, &id, &commit, reg, signer, "register", body, supersedes, NULL,
                               0, &cli_refs) < 0) {
        fprintf(stderr, _("itaku: nothing was written:\n"));
        print_problems(cli_safe_block(itk_error_last(), ""));
        goto done;
    }
    printf("%s\n", id.ptr);
    fprintf(stderr, _("Recorded %s in commit %.12s\n"), path.ptr, git_oid_tostr_s(&commit));
    cli_warn_handover(reg, "register", body);
    rc = EXIT_OK;
done:
    json_decref(body);
    json_decref(why);
    itk_signer_free(signer);
    itk_registry_free(reg);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    return rc;
}

static int export_csv(int argc, char **argv)
{
    const char *party = NULL, *output = NULL;
    int csv = 0;
    const cli_opt opts[] = {
        {"csv", 0, CLI_SWITCH, &csv, NULL, N_("CSV (the only format, the default)"), 0},
        {"party", 0, CLI_PARTY, &party, "P", N_("only this party's entries"), 0},
        {"output", 'o', CLI_PATH, &output, "FILE", N_("where to write (default: standard output)"),
         0},
        {0}};
    const cli_spec spec = {"register export", N_("Export the management register as CSV."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    (void)csv; /* CSV is the only format: --csv is accepted, not needed */
    if (optind != argc)
        return cli_bad(&spec, _("register export takes options only (-o FILE to write a file)"));
    itk_registry *reg = NULL;
    itk_buf out = ITK_BUF_INIT;
    int rc = EXIT_OK;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (itk_register_export_csv(&out, reg, party) < 0)
        rc = cli_fail(_("cannot export the register"));
    else
        rc = cli_write_output(output, out.ptr ? out.ptr : "", out.size);
    itk_buf_dispose(&out);
    itk_registry_free(reg);
    return rc;
}

int cmd_register(int argc, char **argv)
{
    static const cli_sub subs[] = {
        {"add", add, N_("add an entry to the management register"),
         CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
        {"export", export_csv, N_("export the register as CSV"), CLI_NEEDS_REGISTRY},
        {0}};
    return cli_dispatch("register",
                        N_("Add entries to the management register (form 3); export "
                           "CSV."),
                        subs, argc, argv);
}
