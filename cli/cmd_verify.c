/* itaku verify: every commit against the trust rules (DESIGN §5). */
#include "cli.h"
#include "i18n.h"
#include "json_out.h"
#include "itaku/verify.h"

#include <stdio.h>
#include <string.h>

static int print_json(const itk_verify_result *r, const itk_kessai_stray *strays, size_t nstrays)
{
    size_t np = itk_verify_problem_count(r), nc = itk_verify_commit_count(r),
           total = itk_verify_total_count(r);
    json_t *problems = json_array(), *voids = json_array();
    for (size_t i = 0; i < np; i++) {
        const itk_problem *p = itk_verify_problem(r, i);
        cli_jappend(&problems,
                    json_pack("{s:o, s:o, s:o, s:o, s:o}", "commit", cli_jstr(p->commit), "rule",
                              cli_jstr(p->rule), "path", cli_jstr(p->path), "signer",
                              cli_jstr(p->signer), "message", cli_jstr(p->message)));
    }
    /* V9: commits that stay in their line but whose records do not count */
    for (size_t i = 0; i < nc; i++) {
        const itk_commit_info *ci = itk_verify_commit(r, i);
        if (ci->is_void)
            cli_jappend_str(&voids, git_oid_tostr_s(&ci->id));
    }
    /* decision branches no hook or fetch would take (notes, not problems) */
    json_t *branches = json_array();
    for (size_t i = 0; i < nstrays; i++)
        cli_jappend(&branches, json_pack("{s:o, s:o}", "branch",
                                         cli_jstr(strays[i].ref + strlen("refs/heads/")), "message",
                                         cli_jstr(strays[i].message)));
    return cli_json_print(json_pack("{s:b, s:I, s:b, s:o, s:o, s:o, s:o, s:o}", "ok", np == 0,
                                    "commits", (json_int_t)total, "pinned", itk_verify_pinned(r),
                                    "genesis", cli_jstr(itk_verify_genesis(r)), "city_key",
                                    cli_jstr(itk_verify_city_key(r)), "problems", problems, "void",
                                    voids, "stray_decision_branches", branches));
}

static void print_text(const itk_verify_result *r)
{
    size_t np = itk_verify_problem_count(r), nc = itk_verify_commit_count(r),
           total = itk_verify_total_count(r);
    int color = cli_color(1);
    for (size_t i = 0; i < np; i++) {
        const itk_problem *p = itk_verify_problem(r, i);
        printf("%s%.12s %s%s %s%s%s[%s] %s\n", color ? "\033[31m" : "", p->commit, p->rule,
               color ? "\033[0m" : "", cli_safe(p->path), *p->path ? " " : "", "",
               *p->signer ? cli_safe(p->signer) : _("unknown signer"),
               cli_safe_block(p->message, "    "));
    }
    size_t bad = 0;
    for (size_t i = 0; i < nc; i++) {
        const itk_commit_info *ci = itk_verify_commit(r, i);
        bad += !ci->ok;
        if (ci->is_void && ci->ok)
            printf(_("%.12s void [%s/%s] signed after its key's compromise; its records do not "
                     "count\n"),
                   git_oid_tostr_s(&ci->id), cli_safe(ci->party), cli_safe(ci->principal));
    }
    if (np == 0)
        printf(P_("verified %zu commit: every signature and rule holds\n",
                  "verified %zu commits: every signature and rule holds\n", total),
               total);
    else
        printf(
            P_("%zu problem in %zu of %zu commits\n", "%zu problems in %zu of %zu commits\n", np),
            np, bad, total);
}

int cmd_verify(int argc, char **argv)
{
    itk_verify_options o = ITK_VERIFY_OPTIONS_INIT;
    o.verdict = 1; /* the verdict alone is printed */
    int json = 0, stats = 0;
    long threads = 0;
    const cli_opt opts[] = {
        {"json", 0, CLI_SWITCH, &json, NULL, N_("print JSON"), 0},
        {"genesis", 0, CLI_STRING, &o.genesis, "ID",
         N_("the first commit, from the contract sheet"), 0},
        {"city-key", 0, CLI_STRING, &o.city_key, "SHA256:...",
         N_("the city's key, from the contract sheet"), 0},
        {"full", 0, CLI_SWITCH, &o.full, NULL, N_("check every commit again, not from the cache"),
         0},
        {"threads", 0, CLI_NUMBER, &threads, "N",
         N_("threads that check signatures (default: ITAKU_THREADS, else every CPU); the output "
            "is the same for any number"),
         0},
        {"stats", 0, CLI_SWITCH, &stats, NULL,
         N_("say on stderr how many commits were checked in full and how many came from the cache"),
         0},
        {0}};
    const cli_spec spec = {"verify",
                           N_("Check every commit against the trust rules. Exit 0: every "
                              "signature and rule holds; 1: a problem was found; 2: verify "
                              "could not run."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    itk_registry *reg = NULL;
    itk_verify_result *r = NULL;
    if (threads < 0 || threads > 64) {
        fprintf(stderr, _("itaku: --threads takes 1 to 64 (0: ITAKU_THREADS, else every CPU)\n"));
        return EXIT_ERROR;
    }
    o.threads = (unsigned)threads;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (optind == argc && !o.genesis && itk_registry_check_kind(reg)) {
        itk_registry_free(reg);
        return cli_fail(_("cannot verify"));
    }
    /* the problems it finds go into the JSON, which stays English */
    if (json)
        cli_english_begin();
    int ran = itk_verify_run(&r, reg, (const char **)argv + optind, (size_t)(argc - optind), &o);
    if (json)
        cli_english_end();
    if (ran < 0) {
        itk_registry_free(reg);
        return cli_fail(_("cannot verify"));
    }
    if (!itk_verify_pinned(r))
        fprintf(stderr, _("itaku: warning: this copy pins no genesis and city key, so any history "
                          "signed consistently would pass; pin them with --genesis and "
                          "--city-key (from the contract sheet) or clone with itaku clone\n"));
    if (stats && itk_verify_from_tip(r))
        fprintf(stderr,
                P_("itaku: verify: %zu commit, %zu checked in full, the rest from the last "
                   "clean run's verdict\n",
                   "itaku: verify: %zu commits, %zu checked in full, the rest from the last "
                   "clean run's verdict\n",
                   itk_verify_total_count(r)),
                itk_verify_total_count(r), itk_verify_checked_count(r));
    else if (stats)
        fprintf(stderr,
                P_("itaku: verify: %zu commit, %zu checked in full, the rest from the cache\n",
                   "itaku: verify: %zu commits, %zu checked in full, the rest from the cache\n",
                   itk_verify_total_count(r)),
                itk_verify_total_count(r), itk_verify_checked_count(r));
    /* 決裁 (V12): a decision branch made or moved with plain git in this
     * clone is named, as the hub's hook and a fetch would refuse it. A note,
     * not a problem: its commits were checked like any other, and a decision
     * branch is no accepted history until a decision merges it, which V12
     * checks; the exit status stays the history's. */
    itk_kessai_stray *strays = NULL;
    size_t nstrays = 0;
    if (optind == argc)
        cli_kessai_strays(&strays, &nstrays, reg);
    int out = 0;
    if (json)
        out = print_json(r, strays, nstrays);
    else
        print_text(r);
    int rc = out ? out : itk_verify_problem_count(r) ? EXIT_NO : EXIT_OK;
    itk_kessai_strays_free(strays, nstrays);
    itk_verify_result_free(r);
    itk_registry_free(reg);
    return rc;
}
