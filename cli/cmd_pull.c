/* itaku pull: merge the parent's main (fast-forward when it can). */
#include "cli.h"
#include "i18n.h"
#include "itaku/flow.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_pull(int argc, char **argv)
{
    const char *key = NULL;
    const cli_opt opts[] = {{NULL, 0, CLI_STRING, NULL, "REMOTE|PATH|URL|REF",
                             N_("where from (default: the remote origin, else the parent's line "
                                "last fetched or imported)"),
                             CLI_OPTIONAL},
                            CLI_OPT_KEY(&key),
                            {0}};
    const cli_spec spec = {"pull",
                           N_("Merge the parent's main (fast-forward when it can): decisions and "
                              "instructions flow down. In a clone of the city's hosted registry, "
                              "take the city's main there and make this clone's decisions not "
                              "yet pushed again on top of it."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind < argc - 1)
        return cli_bad(&spec, _("pull takes at most one source"));
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    int rc = EXIT_ERROR;
    git_oid out;
    itk_merge_kind kind;
    itk_pull_result *res = calloc(1, sizeof(*res));
    if (!res)
        return cli_fail(_("nothing was pulled"));
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    const char *from = optind == argc - 1 ? argv[optind] : NULL;
    if (itk_pull_report(&out, &kind, res, reg, signer, from) < 0) {
        rc = cli_fail(_("nothing was pulled"));
        goto done;
    }
    if (kind == ITK_MERGED_NOTHING && res->ahead)
        printf(P_("Nothing new to pull: main holds the parent's main already, and %zu commit "
                  "of its own that the parent has not taken yet. The party above takes it with "
                  "itaku receive (from this registry's folder, or from your shared remote after "
                  "itaku push), or from a bundle you hand them (itaku bundle create).\n",
                  "Nothing new to pull: main holds the parent's main already, and %zu commits "
                  "of its own that the parent has not taken yet. The party above takes them "
                  "with itaku receive (from this registry's folder, or from your shared remote "
                  "after itaku push), or from a bundle you hand them (itaku bundle create).\n",
                  res->ahead),
               res->ahead);
    else if (kind == ITK_MERGED_NOTHING && res->own_line)
        printf(_("Already up to date with the city's main.\n"));
    else if (kind == ITK_MERGED_FAST_FORWARD && res->own_line)
        printf(_("Fast-forwarded main to the city's main at %.12s.\n"), git_oid_tostr_s(&out));
    else if (kind == ITK_MERGED_NOTHING)
        printf(_("Already up to date with the parent's main.\n"));
    else if (kind == ITK_MERGED_FAST_FORWARD)
        printf(_("Fast-forwarded main to the parent's %.12s.\n"), git_oid_tostr_s(&out));
    else if (kind == ITK_MERGED_REMADE) {
        for (size_t i = 0; i < res->nremade; i++) {
            const itk_remade *m = &res->remade[i];
            char was[16];
            git_oid_tostr(was, sizeof(was), &m->was);
            if (m->receipt && git_oid_is_zero(&m->now))
                printf(_("  the receipt of %s's line not pushed (%.12s) was left out: the city's "
                         "main holds that line already.\n"),
                       cli_safe(m->request), was);
            else if (m->receipt)
                printf(_("  the receipt of %s's line not pushed (%.12s) was made again on the "
                         "city's main in commit %.12s.\n"),
                       cli_safe(m->request), was, git_oid_tostr_s(&m->now));
            else if (m->attributes)
                printf(_("  the change of %s's post or name not pushed (%.12s) was made again "
                         "after the city's main's in commit %.12s.\n"),
                       cli_safe(m->request), was, git_oid_tostr_s(&m->now));
            else if (m->amendment)
                printf(_("  the contract amendment not pushed (%.12s) was made again after the "
                         "city's main's as %s in commit %.12s, with the same settings.\n"),
                       was, cli_safe(m->request), git_oid_tostr_s(&m->now));
            else if (git_oid_is_zero(&m->now))
                printf(_("  %s: the city's main decides it already; this clone's decision "
                         "(%.12s, %s) was left out.\n"),
                       cli_safe(m->request), was, cli_safe(m->outcome));
            else if (m->resealed)
                printf(P_("  %s is %s: the decision not pushed (%.12s) was made again on the "
                          "city's main in commit %.12s; %zu of its seals had an id the city's "
                          "main gives another seal, and was sealed again with a free id.\n",
                          "  %s is %s: the decision not pushed (%.12s) was made again on the "
                          "city's main in commit %.12s; %zu of its seals had ids the city's "
                          "main gives other seals, and were sealed again with free ids.\n",
                          m->resealed),
                       cli_safe(m->request), cli_safe(m->outcome), was, git_oid_tostr_s(&m->now),
                       m->resealed);
            else
                printf(_("  %s is %s: the decision not pushed (%.12s) was made again on the "
                         "city's main in commit %.12s, with the same seals.\n"),
                       cli_safe(m->request), cli_safe(m->outcome), was, git_oid_tostr_s(&m->now));
        }
        char was[16];
        git_oid_tostr(was, sizeof(was), &res->was);
        if (res->in_reflog)
            printf(_("main is at %.12s, on top of the city's main; as it was (%.12s), it stays "
                     "in main's reflog (git reflog main). Push it with itaku push.\n"),
                   git_oid_tostr_s(&out), was);
        else
            printf(_("main is at %.12s, on top of the city's main (it was at %.12s). Push it "
                     "with itaku push.\n"),
                   git_oid_tostr_s(&out), was);
    } else
        printf(_("Merged the parent's main in commit %.12s.\n"), git_oid_tostr_s(&out));
    rc = EXIT_OK;
done:
    free(res);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}
