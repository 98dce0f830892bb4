/* itaku request submit: ask the city's prior approval (form 6 for
 * subcontracting; copy, take-out, other-purpose use, third-party provision). */
#include "cli.h"
#include "itaku/flow.h"
#include "itaku/forms.h"
#include "itaku/json.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "itaku request submit subcontract FILE   (FILE: form 6; template: itaku form new 6)\n"
    "       itaku request submit KIND [FILE] [--summary TEXT] [--details TEXT] [--item ID]...\n"
    "       kinds: copy take-out other-purpose-use third-party-provision";

static int submit(const char *kind, json_t *body, const char *key)
{
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_buf name = ITK_BUF_INIT;
    git_oid out;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_request_submit(&name, &out, reg, signer, kind, body) < 0) {
        fprintf(stderr, "itaku: nothing was written:\n%s\n", itk_error_last());
        goto done;
    }
    printf("%s\n", name.ptr);
    fprintf(stderr,
            "Requested %s approval in commit %.12s; branch requests/%s is ready for the party "
            "above to receive.\n",
            kind, git_oid_tostr_s(&out), name.ptr);
    rc = EXIT_OK;
done:
    itk_buf_dispose(&name);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}

int cli_request_submit(const char *kind, const char *file, const char *key)
{
    json_t *form = NULL;
    if (cli_read_body(&form, file, 1) < 0)
        return cli_fail("nothing was written");
    const char *name =
        json_string_value(json_object_get(json_object_get(form, "subcontractor"), "name"));
    const char *party = json_string_value(json_object_get(form, "party_id"));
    char summary[200];
    snprintf(summary, sizeof(summary), "再委託承認申請: %.80s (%.31s)", name ? name : "?",
             party ? party : "?");
    json_t *body = json_pack("{s:s, s:o}", "summary", summary, "form6", form);
    (void)kind;
    int rc = submit("subcontract", body, key);
    json_decref(body);
    return rc;
}

static int submit_cmd(int argc, char **argv)
{
    static const struct option opts[] = {
        {"summary", required_argument, NULL, 's'}, {"details", required_argument, NULL, 'd'},
        {"item", required_argument, NULL, 'i'},    {"key", required_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},          {0}};
    const char *key = NULL;
    json_t *body = json_object(), *items = json_array();
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': json_object_set_new(body, "summary", json_string(optarg)); break;
        case 'd': json_object_set_new(body, "details", json_string(optarg)); break;
        case 'i': json_array_append_new(items, json_string(optarg)); break;
        case 'k': key = optarg; break;
        case 'h':
            printf("usage: %s\n", usage);
            json_decref(body);
            json_decref(items);
            return EXIT_OK;
        default:
            json_decref(body);
            json_decref(items);
            return cli_usage(usage, "request submit: unknown option");
        }
    }
    if (json_array_size(items))
        json_object_set(body, "item_ids", items);
    json_decref(items);
    if (optind != argc - 1 && optind != argc - 2) {
        json_decref(body);
        return cli_usage(usage, "request submit needs KIND and a FILE or --summary");
    }
    const char *kind = argv[optind];
    const char *file = optind == argc - 2 ? argv[optind + 1] : NULL;
    if (strcmp(kind, "subcontract") == 0) {
        json_decref(body);
        if (!file)
            return cli_usage(usage, "a subcontract request needs its form 6 FILE");
        return cli_request_submit(kind, file, key);
    }
    if (file) {
        json_t *from_file = NULL;
        if (cli_read_body(&from_file, file, 1) < 0) {
            json_decref(body);
            return cli_fail("nothing was written");
        }
        json_object_update_missing(body, from_file);
        json_decref(from_file);
    }
    int rc = submit(kind, body, key);
    json_decref(body);
    return rc;
}

int cmd_request(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf("usage: %s\n", usage);
        return argc < 2 ? EXIT_ERROR : EXIT_OK;
    }
    if (strcmp(argv[1], "submit") == 0)
        return submit_cmd(argc - 1, argv + 1);
    return cli_usage(usage, "unknown request command '%s'", argv[1]);
}
