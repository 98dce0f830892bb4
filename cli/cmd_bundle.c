/* itaku bundle: exchange history as files, for machines with no network.
 * The files are standard git bundles (v2). */
#include "cli.h"
#include "i18n.h"
#include "itaku/bundle.h"
#include "itaku/chain.h"

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
        rc = cli_fail(_("no bundle was written"));
        goto done;
    }
    if (st.nprerequisites)
        printf(P_("Wrote %s for %s: %zu commit, %zu objects, main at %.12s (needs what it already "
                  "holds of our line).\n",
                  "Wrote %s for %s: %zu commits, %zu objects, main at %.12s (needs what it already "
                  "holds of our line).\n",
                  st.ncommits),
               file, party, st.ncommits, st.nobjects, git_oid_tostr_s(&st.main));
    else
        printf(P_("Wrote %s for %s: %zu commit, %zu objects, main at %.12s (the whole history).\n",
                  "Wrote %s for %s: %zu commits, %zu objects, main at %.12s (the whole history).\n",
                  st.ncommits),
               file, party, st.ncommits, st.nobjects, git_oid_tostr_s(&st.main));
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
        rc = cli_fail(_("nothing was imported"));
        goto done;
    }
    printf(_("Imported %s:\n"), file);
    cli_print_take(report);
    cli_print_main(report, NULL);
    /* a descendant's line with news is taken into main by receive */
    char me[ITK_PARTY_ID_MAX + 1];
    git_tree *tree = NULL;
    if (cli_whose(me, reg) != 0 || itk_registry_head_tree(&tree, reg) != 0)
        me[0] = '\0';
    itk_error_clear();
    for (size_t i = 0; me[0] && i < report->nlines; i++) {
        const itk_line_update *u = &report->lines[i];
        if (!u->nothing_new && !git_oid_equal(&u->old_tip, &u->new_tip) &&
            itk_chain_is_ancestor(itk_registry_repo(reg), tree, me, u->party) == 1)
            printf(_("Next: itaku receive %1$s checks %1$s's new records and takes them into "
                     "the registry with a signed receipt.\n"),
                   cli_safe(u->party));
        /* the line of a party above, not yet in main: pull takes it */
        else if (!u->nothing_new && !git_oid_equal(&u->old_tip, &u->new_tip) &&
                 !(report->main.state == ITK_MAIN_FORWARD &&
                   git_oid_equal(&report->main.to, &u->new_tip)) &&
                 itk_chain_is_ancestor(itk_registry_repo(reg), tree, u->party, me) == 1)
            printf(_("Next: itaku pull refs/itaku/lines/%1$s takes %1$s's new commits into "
                     "main.\n"),
                   cli_safe(u->party));
    }
    git_tree_free(tree);
    itk_error_clear();
    rc = EXIT_OK;
done:
    free(report);
    itk_registry_free(reg);
    return rc;
}

static int create_cmd(int argc, char **argv)
{
    const char *for_party = NULL, *key = NULL;
    const cli_opt opts[] = {
        {NULL, 0, CLI_PATH, NULL, "FILE", N_("the bundle file to write"), 0},
        {"for", 0, CLI_STRING, &for_party, "PARTY",
         N_("the party it is for (what its line we last received lacks goes in)"), CLI_REQUIRED},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_spec spec = {"bundle create",
                           N_("Write a bundle file (a git bundle) for a party with no network."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1)
        return cli_bad(&spec, _("bundle create needs one FILE"));
    return create(argv[optind], for_party, key);
}

static int import_cmd(int argc, char **argv)
{
    const char *from = NULL;
    const cli_opt opts[] = {{NULL, 0, CLI_PATH, NULL, "FILE", N_("the bundle file"), 0},
                            {"from", 0, CLI_STRING, &from, "PARTY",
                             N_("whose line the bundle's main is, when it does not say"), 0},
                            {0}};
    const cli_spec spec = {"bundle import",
                           N_("Take a bundle file in, through the same checks as a fetch."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1)
        return cli_bad(&spec, _("bundle import needs one FILE"));
    return import(argv[optind], from);
}

int cmd_bundle(int argc, char **argv)
{
    static const cli_sub subs[] = {
        {"create", create_cmd, N_("write a bundle for a party with no network"),
         CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
        {"import", import_cmd, N_("take a bundle in, checked like a fetch"), CLI_NEEDS_REGISTRY},
        {0}};
    return cli_dispatch("bundle", N_("Create or import a bundle file for a party with no network."),
                        subs, argc, argv);
}
