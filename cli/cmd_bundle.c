/* itaku bundle: exchange history as files, for machines with no network.
 * The files are standard git bundles (v2). */
#include "cli.h"
#include "itaku/bundle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    const char *for_party = NULL, *from = NULL, *key = NULL;
    const cli_opt opts[] = {{NULL, 0, CLI_STRING, NULL, "create|import", "what to do", 0},
                            {NULL, 0, CLI_PATH, NULL, "FILE", "the bundle file", 0},
                            {"for", 0, CLI_STRING, &for_party, "PARTY",
                             "create: the party the bundle is for (what it lacks goes in)", 0},
                            {"from", 0, CLI_STRING, &from, "PARTY",
                             "import: whose line the bundle's main is, when it does not say", 0},
                            CLI_OPT_KEY(&key),
                            {0}};
    const cli_spec spec = {"bundle",
                           "Create or import a bundle file (a git bundle) for a party "
                           "with no network; an import goes through the same checks as a fetch.",
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 2)
        return cli_bad(&spec, "bundle needs create or import, and a FILE");
    if (strcmp(argv[optind], "create") == 0) {
        if (!for_party)
            return cli_bad(&spec, "bundle create needs --for PARTY");
        return create(argv[optind + 1], for_party, key);
    }
    if (strcmp(argv[optind], "import") == 0)
        return import(argv[optind + 1], from);
    return cli_bad(&spec, "bundle: unknown subcommand '%s'", argv[optind]);
}
