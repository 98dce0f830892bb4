/* itaku record add|show|list: a party's records. */
#include "cli.h"
#include "json_out.h"
#include "itaku/json.h"
#include "itaku/party.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] = "itaku record add TYPE FILE|- [--supersedes ID] [--key FILE]\n"
                            "       itaku record show ID\n"
                            "       itaku record list [--party P] [--type T] [--json]";

static int add(int argc, char **argv)
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
        default: return cli_usage(usage, "record add: unknown option");
        }
    }
    if (optind != argc - 2)
        return cli_usage(usage, "record add needs TYPE and FILE (- for standard input)");
    const char *type = argv[optind], *file = argv[optind + 1];
    json_t *body = NULL;
    /* record add takes strict JSON; filled-in templates go through form submit */
    if (cli_read_body(&body, file, 0) < 0)
        return cli_fail("nothing was written");
    int rc = cli_submit_body(type, body, supersedes, key);
    json_decref(body);
    return rc;
}

static int show(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-')
        return cli_usage(usage, "record show needs one ID");
    itk_registry *reg = NULL;
    git_tree *tree = NULL;
    itk_buf path = ITK_BUF_INIT, data = ITK_BUF_INIT;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (itk_record_find(&path, reg, argv[1]) < 0 || itk_registry_head_tree(&tree, reg) < 0 ||
        itk_tree_read(&data, itk_registry_repo(reg), tree, path.ptr, ITK_MAX_RECORD_BYTES) < 0)
        rc = cli_fail("cannot show the record");
    else {
        fwrite(data.ptr, 1, data.size, stdout);
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
    static const struct option opts[] = {{"party", required_argument, NULL, 'p'},
                                         {"type", required_argument, NULL, 't'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *party = NULL, *type = NULL;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': party = optarg; break;
        case 't': type = optarg; break;
        case 'j': json = 1; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "record list: unknown option");
        }
    }
    if (optind != argc)
        return cli_usage(usage, "record list takes no arguments");
    itk_registry *reg = NULL;
    char **paths = NULL;
    size_t n = 0;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (itk_record_list(&paths, &n, reg, party, type) < 0) {
        itk_registry_free(reg);
        return cli_fail("cannot list records");
    }
    json_t *out = json ? json_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        itk_path_info pi;
        itk_path_classify(&pi, paths[i]);
        if (json)
            cli_jappend(&out, json_pack("{s:o, s:o, s:o, s:o}", "party", cli_jstr(pi.party), "type",
                                        cli_jstr(pi.type->type), "id", cli_jstr(pi.id), "path",
                                        cli_jstr(paths[i])));
        else
            printf("%-20s %-12s %-14s %s\n", pi.party, pi.type->type,
                   pi.kind == ITK_PATH_KEY ? "(key)" : pi.id, paths[i]);
    }
    int rc = json ? cli_json_print(out) : EXIT_OK;
    itk_string_list_free(paths, n);
    itk_registry_free(reg);
    return rc;
}

int cmd_record(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf("usage: %s\n", usage);
        return argc < 2 ? EXIT_ERROR : EXIT_OK;
    }
    if (strcmp(argv[1], "add") == 0)
        return add(argc - 1, argv + 1);
    if (strcmp(argv[1], "show") == 0)
        return show(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return list(argc - 1, argv + 1);
    return cli_usage(usage, "unknown record command '%s'", argv[1]);
}
