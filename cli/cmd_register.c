/* itaku register add|export: the management register (form 3), one record
 * per handover, copy, take-out, return or disposal. */
#include "cli.h"
#include "itaku/forms.h"
#include "itaku/json.h"
#include "itaku/party.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "itaku register add --action A --item-id ID --info NAME --medium M --quantity N\n"
    "                          --handler NAME [--unit U] [--occurred-at TIME] [--method M]\n"
    "                          [--from WHO] [--to WHO] [--verifier NAME] [--approval REQ]\n"
    "                          [--derived-from ID] [--destination D] [--purpose P]\n"
    "                          [--due-on DATE] [--returned-on DATE] [--note TEXT]\n"
    "                          [--instruction REF] [--unapproved --reason TEXT] [--key FILE]\n"
    "       itaku register add --file FILE|- [--key FILE]\n"
    "       itaku register export --csv [--party P] [-o FILE]\n"
    "actions: received returned copied taken_out brought_back other_purpose_use\n"
    "         third_party_provision erased disposed";

/* Options that map one to one onto string fields of the entry. */
static const struct {
    const char *option, *field;
} string_fields[] = {
    {"action", "action"},
    {"item-id", "item_id"},
    {"info", "info_name"},
    {"medium", "medium"},
    {"handler", "handler"},
    {"occurred-at", "occurred_at"},
    {"method", "method"},
    {"from", "from"},
    {"to", "to"},
    {"verifier", "verifier"},
    {"approval", "approval"},
    {"derived-from", "derived_from"},
    {"destination", "destination"},
    {"purpose", "purpose"},
    {"due-on", "due_on"},
    {"returned-on", "returned_on"},
    {"note", "note"},
    {"instruction", "instruction_ref"},
    {"reason", "unapproved_reason"},
};
#define NSTRING (sizeof(string_fields) / sizeof(*string_fields))

/* Prints the validation problems of an entry given by flags, naming the
 * flag beside each missing field ("register: info_name is required
 * (--info)"), so that one run lists every flag still to give. */
static void print_problems(const char *msg)
{
    while (*msg) {
        const char *nl = strchr(msg, '\n');
        int n = nl ? (int)(nl - msg) : (int)strlen(msg);
        const char *flag = NULL;
        char line[96];
        for (size_t i = 0; i <= NSTRING && !flag; i++) {
            const char *field = i < NSTRING ? string_fields[i].field : "quantity";
            snprintf(line, sizeof(line), "register: %s is required", field);
            if ((int)strlen(line) == n && strncmp(msg, line, n) == 0)
                flag = i < NSTRING ? string_fields[i].option : "quantity";
        }
        fprintf(stderr, flag ? "%.*s (--%s)\n" : "%.*s\n", n, msg, flag);
        msg += n + (nl ? 1 : 0);
    }
}

static int add(int argc, char **argv)
{
    struct option opts[NSTRING + 7];
    for (size_t i = 0; i < NSTRING; i++)
        opts[i] = (struct option){string_fields[i].option, required_argument, NULL, (int)(256 + i)};
    opts[NSTRING] = (struct option){"quantity", required_argument, NULL, 'q'};
    opts[NSTRING + 1] = (struct option){"unit", required_argument, NULL, 'u'};
    opts[NSTRING + 2] = (struct option){"file", required_argument, NULL, 'f'};
    opts[NSTRING + 3] = (struct option){"key", required_argument, NULL, 'k'};
    opts[NSTRING + 4] = (struct option){"help", no_argument, NULL, 'h'};
    opts[NSTRING + 5] = (struct option){"unapproved", no_argument, NULL, 'U'};
    opts[NSTRING + 6] = (struct option){0};
    int unapproved = 0;
    json_t *body = json_object();
    const char *file = NULL, *key = NULL, *quantity = NULL, *unit = "件";
    int c, rc = EXIT_ERROR;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c >= 256 && c < 256 + (int)NSTRING)
            json_object_set_new(body, string_fields[c - 256].field, json_string(optarg));
        else if (c == 'q')
            quantity = optarg;
        else if (c == 'u')
            unit = optarg;
        else if (c == 'f')
            file = optarg;
        else if (c == 'k')
            key = optarg;
        else if (c == 'U')
            unapproved = 1;
        else if (c == 'h') {
            printf("usage: %s\n", usage);
            json_decref(body);
            return EXIT_OK;
        } else {
            json_decref(body);
            return cli_usage(usage, "register add: unknown option");
        }
    }
    /* --reason records why there was no prior approval; it goes with --unapproved */
    if (unapproved != (json_object_get(body, "unapproved_reason") != NULL)) {
        json_decref(body);
        return cli_usage(usage, "--unapproved and --reason TEXT go together: they record an "
                                "entry that had no prior approval, and why");
    }
    if (optind != argc) {
        json_decref(body);
        return cli_usage(usage, "register add takes options only");
    }
    if (file) {
        size_t n = json_object_size(body);
        json_decref(body);
        if (n || quantity)
            return cli_usage(usage, "--file replaces the other fields; use one or the other");
        return cli_submit_record("register", file, NULL, key);
    }
    if (quantity) {
        char *end;
        long long v = strtoll(quantity, &end, 10);
        if (*end || end == quantity || v < 0) {
            json_decref(body);
            return cli_usage(usage, "--quantity takes a whole number (and --unit its unit)");
        }
        json_object_set_new(body, "quantity", json_pack("{s:I, s:s}", "value", v, "unit", unit));
    }
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    if (cli_open_registry(&reg))
        goto done;
    if (!json_object_get(body, "occurred_at")) {
        char now[32];
        itk_registry_now(now, reg);
        json_object_set_new(body, "occurred_at", json_string(now));
    }
    if (cli_open_signer(&signer, reg, key))
        goto done;
    git_oid commit;
    if (itk_record_submit(&path, &id, &commit, reg, signer, "register", body, NULL) < 0) {
        fprintf(stderr, "itaku: nothing was written:\n");
        print_problems(itk_error_last());
        goto done;
    }
    printf("%s\n", id.ptr);
    fprintf(stderr, "Recorded %s in commit %.12s\n", path.ptr, git_oid_tostr_s(&commit));
    rc = EXIT_OK;
done:
    json_decref(body);
    itk_signer_free(signer);
    itk_registry_free(reg);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    return rc;
}

static int export_csv(int argc, char **argv)
{
    static const struct option opts[] = {{"csv", no_argument, NULL, 'c'},
                                         {"party", required_argument, NULL, 'p'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *party = NULL, *output = NULL;
    int csv = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': csv = 1; break;
        case 'p': party = optarg; break;
        case 'o': output = optarg; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "register export: unknown option");
        }
    }
    if (!csv || optind != argc)
        return cli_usage(usage, "register export needs --csv");
    itk_registry *reg = NULL;
    itk_buf out = ITK_BUF_INIT;
    int rc = EXIT_OK;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (itk_register_export_csv(&out, reg, party) < 0)
        rc = cli_fail("cannot export the register");
    else {
        FILE *f = output ? fopen(output, "wb") : stdout;
        if (!f || fwrite(out.ptr, 1, out.size, f) != out.size || (f != stdout && fclose(f) != 0)) {
            fprintf(stderr, "itaku: cannot write %s\n", output ? output : "standard output");
            rc = EXIT_ERROR;
        }
    }
    itk_buf_dispose(&out);
    itk_registry_free(reg);
    return rc;
}

int cmd_register(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf("usage: %s\n", usage);
        return argc < 2 ? EXIT_ERROR : EXIT_OK;
    }
    if (strcmp(argv[1], "add") == 0)
        return add(argc - 1, argv + 1);
    if (strcmp(argv[1], "export") == 0)
        return export_csv(argc - 1, argv + 1);
    return cli_usage(usage, "unknown register command '%s'", argv[1]);
}
