/* itaku form new|submit|render: the city's forms 1–6 and the incident
 * report, as fill-in templates, validated submissions and printable pages. */
#include "cli.h"
#include "itaku/forms.h"
#include "itaku/json.h"
#include "itaku/party.h"
#include "itaku/render.h"
#include "itaku/schema.h"
#include "itaku/snapshot.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "itaku form new N                      (N: 1-6 or incident; prints a fill-in template)\n"
    "       itaku form submit N FILE|- [--supersedes ID] [--key FILE]\n"
    "       itaku form render ID [--format html|md] [-o FILE]";

static int new_form(int argc, char **argv)
{
    if (argc != 2)
        return cli_usage(usage, "form new needs N (1-6 or incident)");
    const char *type = itk_form_type(argv[1]);
    if (!type)
        return cli_usage(usage, "'%s' is not a form: use 1, 2, 3, 4, 5, 6 or incident", argv[1]);
    json_t *schema = NULL;
    itk_registry *reg = NULL;
    char name[64];
    git_tree *tree = NULL;
    /* the registry's own schemas when inside one, else the built-in ones */
    if (itk_registry_open(&reg, ".") == 0 && itk_registry_head_tree(&tree, reg) == 0) {
        if (itk_registry_schema(&schema, name, reg, tree, type) < 0) {
            git_tree_free(tree);
            itk_registry_free(reg);
            return cli_fail("cannot make the template");
        }
    } else if (itk_schema_builtin(&schema, type) < 0) {
        git_tree_free(tree);
        itk_registry_free(reg);
        return cli_fail("cannot make the template");
    }
    git_tree_free(tree);
    itk_registry_free(reg);
    itk_buf out = ITK_BUF_INIT;
    char how[128];
    snprintf(how, sizeof(how), "Submit with: itaku form submit %s FILE", argv[1]);
    const char *title = itk_form_title(type);
    itk_form_template(&out, schema, title ? title : type, how);
    fwrite(out.ptr, 1, out.size, stdout);
    itk_buf_dispose(&out);
    json_decref(schema);
    return EXIT_OK;
}

int cli_submit_record(const char *type, const char *file, const char *supersedes, const char *key)
{
    json_t *body = NULL;
    if (cli_read_body(&body, file, 1) < 0)
        return cli_fail("nothing was written");
    int rc = cli_submit_body(type, body, supersedes, key);
    json_decref(body);
    return rc;
}

static int submit(int argc, char **argv)
{
    static const struct option opts[] = {{"supersedes", required_argument, NULL, 's'},
                                         {"key", required_argument, NULL, 'k'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *supersedes = NULL, *key = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': supersedes = optarg; break;
        case 'k': key = optarg; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "form submit: unknown option");
        }
    }
    if (optind != argc - 2)
        return cli_usage(usage, "form submit needs N and FILE");
    const char *type = itk_form_type(argv[optind]);
    if (!type)
        return cli_usage(usage, "'%s' is not a form: use 1, 2, 3, 4, 5, 6 or incident",
                         argv[optind]);
    if (strcmp(type, "form6") == 0)
        return cli_request_submit("subcontract", argv[optind + 1], key);
    return cli_submit_record(type, argv[optind + 1], supersedes, key);
}

static int render(int argc, char **argv)
{
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *format = "html", *output = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f': format = optarg; break;
        case 'o': output = optarg; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "form render: unknown option");
        }
    }
    if (optind != argc - 1)
        return cli_usage(usage, "form render needs one record ID");
    itk_render_format fmt;
    if (strcmp(format, "html") == 0)
        fmt = ITK_RENDER_HTML;
    else if (strcmp(format, "md") == 0 || strcmp(format, "markdown") == 0)
        fmt = ITK_RENDER_MARKDOWN;
    else
        return cli_usage(usage, "--format is html or md");
    itk_registry *reg = NULL;
    itk_snapshot *snap = NULL;
    git_tree *tree = NULL;
    json_t *schema = NULL;
    itk_buf path = ITK_BUF_INIT, out = ITK_BUF_INIT;
    size_t at;
    int rc = EXIT_ERROR;
    char schema_name[64];
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    /* the page the report shows: what counts at HEAD, void and recovered marked */
    if (itk_record_find(&path, reg, argv[optind]) < 0 || itk_registry_head_tree(&tree, reg) < 0 ||
        itk_snapshot_open(&snap, reg, NULL) < 0 || itk_snapshot_find(&at, snap, path.ptr) < 0) {
        rc = cli_fail("cannot render the form");
        goto done;
    }
    const char *type = itk_snapshot_str(snap, at, "type");
    if (itk_registry_schema(&schema, schema_name, reg, tree, type) < 0)
        fprintf(stderr, "itaku: warning: %s; field names are shown instead of labels\n",
                itk_error_last());
    if (itk_form_page(&out, snap, at, schema, fmt) < 0) {
        rc = cli_fail("cannot render the form");
        goto done;
    }
    FILE *f = output ? fopen(output, "w") : stdout;
    if (!f || fwrite(out.ptr, 1, out.size, f) != out.size) {
        fprintf(stderr, "itaku: cannot write %s\n", output ? output : "standard output");
        if (f && f != stdout)
            fclose(f);
        goto done;
    }
    if (f != stdout && fclose(f) != 0)
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
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf("usage: %s\n", usage);
        return argc < 2 ? EXIT_ERROR : EXIT_OK;
    }
    if (strcmp(argv[1], "new") == 0)
        return new_form(argc - 1, argv + 1);
    if (strcmp(argv[1], "submit") == 0)
        return submit(argc - 1, argv + 1);
    if (strcmp(argv[1], "render") == 0)
        return render(argc - 1, argv + 1);
    return cli_usage(usage, "unknown form command '%s'", argv[1]);
}
