/* itaku bundle: exchange history as files, for machines with no network.
 * The files are standard git bundles (v2). */
#include "cli.h"
#include "itaku/bundle.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "itaku bundle create FILE --for PARTY [--key FILE]\n"
    "       itaku bundle import FILE [--from PARTY]\n"
    "(create: what PARTY lacks, judged by its line we last received; import: through the "
    "same checks as a fetch; --from: whose line the bundle's main is, when it does not say)";

static int create(const char *file, const char *party, const char *key)
{
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_bundle_stats st;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_bundle_create(&st, reg, signer, file, party) < 0) {
        rc = cli_fail("no bundle was written");
        goto done;
    }
    printf("Wrote %s for %s: %zu commit%s, %zu objects, main at %.12s%s.\n", file, party,
           st.ncommits, st.ncommits == 1 ? "" : "s", st.nobjects, git_oid_tostr_s(&st.main),
           st.nprerequisites ? " (needs what it already holds of our line)"
                             : " (the whole history)");
    rc = EXIT_OK;
done:
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}

static int import(const char *file, const char *party)
{
    itk_registry *reg = NULL;
    itk_sync_report *report = calloc(1, sizeof(*report));
    int rc = EXIT_ERROR;
    if (!report || cli_open_registry(&reg))
        goto done;
    itk_take_options o = ITK_TAKE_OPTIONS_INIT;
    if (itk_bundle_import(report, reg, file, party, &o) < 0) {
        rc = cli_fail("nothing was imported");
        goto done;
    }
    printf("Imported %s:\n", file);
    cli_print_take(report);
    rc = EXIT_OK;
done:
    free(report);
    itk_registry_free(reg);
    return rc;
}

int cmd_bundle(int argc, char **argv)
{
    static const struct option opts[] = {{"for", required_argument, NULL, 'f'},
                                         {"from", required_argument, NULL, 'F'},
                                         {"key", required_argument, NULL, 'k'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *for_party = NULL, *from = NULL, *key = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f': for_party = optarg; break;
        case 'F': from = optarg; break;
        case 'k': key = optarg; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "bundle: unknown option");
        }
    }
    if (optind != argc - 2)
        return cli_usage(usage, "bundle needs create or import, and a FILE");
    if (strcmp(argv[optind], "create") == 0) {
        if (!for_party)
            return cli_usage(usage, "bundle create needs --for PARTY");
        return create(argv[optind + 1], for_party, key);
    }
    if (strcmp(argv[optind], "import") == 0)
        return import(argv[optind + 1], from);
    return cli_usage(usage, "bundle: unknown subcommand '%s'", argv[optind]);
}
