/* itaku fetch: take a remote's lines and request branches through the
 * quarantine; nothing moves unless every new commit verifies. */
#include "cli.h"
#include "i18n.h"
#include "itaku/remote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_print_take(const itk_sync_report *r)
{
    for (size_t i = 0; i < r->nlines; i++) {
        const itk_line_update *u = &r->lines[i];
        char old[16];
        git_oid_tostr(old, sizeof(old), &u->old_tip);
        if (u->named[0])
            printf(_("  (called %1$s's line by its source, but signed by %2$s: taken as %2$s's)\n"),
                   cli_safe(u->named), cli_safe(u->party));
        if (u->nothing_new)
            printf(_("  line of %-20s nothing new: %.12s is older than the line held, %.12s\n"),
                   cli_safe(u->party), git_oid_tostr_s(&u->new_tip), old);
        else if (git_oid_is_zero(&u->old_tip))
            printf(_("  line of %-20s new at %.12s\n"), cli_safe(u->party),
                   git_oid_tostr_s(&u->new_tip));
        else if (git_oid_equal(&u->old_tip, &u->new_tip))
            printf(_("  line of %-20s unchanged at %.12s\n"), cli_safe(u->party), old);
        else
            printf(_("  line of %-20s %.12s -> %.12s\n"), cli_safe(u->party), old,
                   git_oid_tostr_s(&u->new_tip));
    }
    if (r->nrequests)
        printf(P_("  %zu request branch taken\n", "  %zu request branches taken\n", r->nrequests),
               r->nrequests);
    for (size_t i = 0; i < r->novertaken; i++) {
        const itk_overtaken *o = &r->overtaken[i];
        const char *act = strcmp(o->verdict, "approved") == 0   ? "approve"
                          : strcmp(o->verdict, "rejected") == 0 ? "reject"
                                                                : "return";
        char kept[16];
        git_oid_tostr(kept, sizeof(kept), &o->kept);
        if (strcmp(o->type, "seal") == 0) {
            printf(_("  %s: seal %s by %s (%s) was not published: the source's decision branch "
                     "had moved on meanwhile (another officer sealed first). The branch now "
                     "follows the source's; this clone's (%.12s) is kept at "
                     "refs/itaku/overtaken/decisions/%s. %s seals again with: itaku kessai %s "
                     "--%s"),
                   cli_safe(o->request), cli_safe(o->id), cli_safe(o->principal),
                   cli_safe(o->verdict), kept, cli_safe(o->request), cli_safe(o->principal),
                   cli_safe(o->request), act);
            if (o->acting_for[0])
                printf(" --acting-for %s", cli_safe(o->acting_for));
            if (o->reason[0])
                printf(" --reason \"%s\"", cli_safe(o->reason));
            printf("\n");
        } else
            printf(_("  %s: draft %s by %s (%s) was not published: the source holds another "
                     "draft of it, which this clone now follows; this clone's (%.12s) is kept "
                     "at refs/itaku/overtaken/decisions/%s. Seal that draft with itaku kessai "
                     "%s --approve, --reject or --return\n"),
                   cli_safe(o->request), cli_safe(o->id), cli_safe(o->principal),
                   cli_safe(o->verdict), kept, cli_safe(o->request), cli_safe(o->request));
    }
    printf(P_("Verified %zu new commit; refs/itaku/lines/ now hold what passed.\n",
              "Verified %zu new commits; refs/itaku/lines/ now hold what passed.\n", r->ncommits),
           r->ncommits);
}

void cli_print_main(const itk_sync_report *r, const char *pull)
{
    const itk_main_update *m = &r->main;
    char from[16], line[200] = "";
    if (!pull) {
        /* a bundle: the line it brought, by its ref */
        for (size_t i = 0; i < r->nlines && !line[0]; i++)
            if (git_oid_equal(&r->lines[i].new_tip, &m->to))
                snprintf(line, sizeof(line), "refs/itaku/lines/%s", cli_safe(r->lines[i].party));
        pull = line[0] ? line : "refs/itaku/lines/<party>";
    }
    git_oid_tostr(from, sizeof(from), &m->from);
    if (m->state == ITK_MAIN_FORWARD && m->not_checked)
        printf(_("main moved forward from %.12s to %.12s (it held no commits of its own); HEAD "
                 "is not on main, so the files of the work tree were left as they were.\n"),
               from, git_oid_tostr_s(&m->to));
    else if (m->state == ITK_MAIN_FORWARD)
        printf(_("main moved forward from %.12s to %.12s (it held no commits of its own).\n"), from,
               git_oid_tostr_s(&m->to));
    else if (m->state == ITK_MAIN_DIVERGED)
        printf(P_("main (%.12s) holds %zu commit of this clone's own that the line taken "
                  "(%.12s) lacks, so it was left as it is; when it is a decision not yet pushed, "
                  "itaku pull %s makes it again on top of that line, with the same seals.\n",
                  "main (%.12s) holds %zu commits of this clone's own that the line taken "
                  "(%.12s) lacks, so it was left as it is; when they are decisions not yet "
                  "pushed, itaku pull %s makes them again on top of that line, with the same "
                  "seals.\n",
                  m->own),
               from, m->own, git_oid_tostr_s(&m->to), pull);
}

int cmd_fetch(int argc, char **argv)
{
    const char *party = NULL, *key = NULL;
    const cli_opt opts[] = {
        {NULL, 0, CLI_STRING, NULL, "NAME", N_("a remote ('origin' by default)"), CLI_OPTIONAL},
        {"party", 0, CLI_STRING, &party, "P",
         N_("whose line the remote's main is, when it is not tagged"), 0},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_spec spec = {"fetch",
                           N_("Take a remote's lines and request branches through the "
                              "quarantine; nothing moves unless every new commit verifies."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind < argc - 1)
        return cli_bad(&spec, _("fetch takes at most one remote"));
    const char *name = optind == argc - 1 ? argv[optind] : "origin";
    itk_registry *reg = NULL;
    itk_sync_report *report = calloc(1, sizeof(*report));
    int rc = EXIT_ERROR;
    if (!report || cli_open_registry(&reg))
        goto done;
    itk_remote_options o = ITK_REMOTE_OPTIONS_INIT;
    o.key_path = key;
    if (itk_remote_fetch(report, reg, name, party, &o) < 0) {
        rc = cli_fail(_("nothing was fetched"));
        goto done;
    }
    printf(_("Fetched from %s:\n"), name);
    cli_print_take(report);
    cli_print_main(report, cli_safe(name));
    rc = EXIT_OK;
done:
    free(report);
    itk_registry_free(reg);
    return rc;
}
