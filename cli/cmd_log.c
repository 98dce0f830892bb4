/* itaku log: the accountability history, newest first, each commit with
 * its signing party, principal, action, records and verification mark;
 * filtered by party, obligations section, action and time. */
#include "cli.h"
#include "i18n.h"
#include "itaku/verify.h"
#include "json_out.h"
#include "itaku/history.h"
#include "itaku/record.h"
#include "itaku/name_memos.h"
#include "itaku/people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void date_label(char out[40], long long t, int offset)
{
    char iso[32];
    itk_format_time(iso, t, offset);
    if (offset == 540)
        snprintf(out, 40, "%.10s %.8s JST", iso, iso + 11);
    else
        snprintf(out, 40, "%.10s %.8s %s", iso, iso + 11, iso + 19);
}

static json_t *entry_json(const itk_log_entry *e, const char *name)
{
    const itk_commit_info *ci = e->info;
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), &ci->id);
    json_t *records = json_array(), *sections = json_array(), *received = json_array();
    for (size_t i = 0; i < ci->nrecords; i++)
        cli_jappend_str(&records, ci->records[i]);
    char list[48];
    snprintf(list, sizeof(list), "%s", e->sections);
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
        cli_jappend_str(&sections, t);
    for (size_t i = 0; i < e->nreceived; i++)
        cli_jappend_str(&received, e->received[i]);
    /* received_from: the receipt's party; request: the request named;
     * received: the records a receipt brought in; subject_note: how a subject
     * that was not UTF-8 was made so ("decoded from Shift_JIS", …), or "" */
    json_t *out = json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:o, s:o, s:o, "
        "s:o}",
        "commit", hex, "date", cli_jstr(e->date), "party", cli_jstr(ci->party), "principal",
        cli_jstr(ci->principal), "action", cli_jstr(ci->action), "records", records, "subject",
        cli_jstr(ci->subject), "subject_note", cli_jstr(ci->subject_note), "fingerprint",
        cli_jstr(ci->fingerprint), "verified", ci->ok, "void", ci->is_void, "recovered",
        ci->recovered, "received_from", cli_jstr(ci->received), "request", cli_jstr(ci->request),
        "sections", sections, "received", received);
    /* principal_name: the principal's display name at this commit ("" for none) */
    if (out)
        json_object_set_new(out, "principal_name", cli_jstr(name));
    return out;
}

/* A Japanese screen names each party by its name (株式会社アクメ), looked up
 * once per party (names: party id → name shown). */
static const char *party_shown(json_t *names, itk_registry *reg, const char *party)
{
    const char *got = json_string_value(json_object_get(names, party));
    if (got)
        return got;
    char name[256];
    cli_party_shown(name, sizeof(name), reg, party);
    json_object_set_new(names, party, json_string(name));
    got = json_string_value(json_object_get(names, party));
    return got ? got : party;
}

/* What a Japanese screen says a commit did, in the catalog's words instead
 * of the signed English subject (--json and an English screen keep it):
 * action, the catalog's word for the commit's action, and the kinds of
 * record it wrote, "提出: 重要指定情報管理記録簿"; a receipt names whose line
 * it brought in, a request step the request. */
static const char *words_of(itk_buf *out, const char *action, const itk_commit_info *ci,
                            const itk_labels *l, json_t *names, itk_registry *reg)
{
    const char *seen[8];
    size_t nseen = 0;
    itk_buf_clear(out);
    itk_buf_puts(out, action);
    for (size_t i = 0; i < ci->nrecords && nseen < 8; i++) {
        itk_path_info pi;
        itk_path_classify(&pi, ci->records[i]);
        const char *t = pi.type ? itk_labels_get(l, "type", pi.type->type) : NULL;
        size_t k = 0;
        while (t && k < nseen && strcmp(seen[k], t) != 0)
            k++;
        if (!t || k < nseen || strcmp(t, action) == 0)
            continue;
        itk_buf_printf(out, "%s%s", nseen ? "・" : ": ", t);
        seen[nseen++] = t;
    }
    if (*ci->received)
        itk_buf_printf(out, "（%sから）", party_shown(names, reg, ci->received));
    if (*ci->request)
        itk_buf_printf(out, "（%s）", ci->request);
    return out->ptr;
}

/* A path a commit added, as a Japanese screen names it: a record by its
 * kind and number (重要指定情報管理記録簿 acme/r-000001), a party file or a
 * key by its kind and the party's name; any other file by its path, where
 * a person looks for it. */
static void print_path_ja(const char *path, const itk_labels *l, json_t *names, itk_registry *reg)
{
    itk_path_info pi;
    itk_path_classify(&pi, path);
    const char *t = pi.type ? itk_labels_get(l, "type", pi.type->type) : NULL;
    if (t && pi.kind == ITK_PATH_RECORD)
        printf("%*s%s %s/%s\n", 27, "", cli_safe(t), cli_safe(pi.party), cli_safe(pi.id));
    else if (t && (pi.kind == ITK_PATH_KEY || pi.kind == ITK_PATH_PARTY))
        printf("%*s%s（%s）\n", 27, "", cli_safe(t), cli_safe(party_shown(names, reg, pi.party)));
    else
        printf("%*s%s\n", 27, "", cli_safe(path));
}

/* How the text screens show the log: the catalog, and on a Japanese screen
 * the parties' names and the width of the widest. */
typedef struct {
    const itk_labels *l;
    int ja, party_width, offset, color;
    json_t *names;
    itk_registry *reg;
    itk_buf words;
    int who_width, action_width; /* the widest principal and action, and a space */
} log_screen;

/* The principal as a line shows it: on a Japanese screen the person, the
 * id beside it, else the id, the name beside it. */
static void who_of(char *who, size_t cap, const itk_commit_info *ci, const char *name,
                   const log_screen *sc)
{
    if (sc->ja && *name)
        snprintf(who, cap, "%s（%s）", name, *ci->principal ? ci->principal : "-");
    else
        snprintf(who, cap, "%s%s%s%s", *ci->principal ? ci->principal : "-", *name ? " (" : "",
                 name, *name ? ")" : "");
}

/* The action as a line shows it: the catalog's word on a Japanese screen. */
static const char *action_of(const itk_commit_info *ci, const log_screen *sc)
{
    const char *act = sc->ja ? itk_labels_get(sc->l, "commit", ci->action) : NULL;
    return act ? act : *ci->action ? ci->action : "-";
}

static void print_line(const itk_log_entry *e, const char *name, log_screen *sc)
{
    const itk_commit_info *ci = e->info;
    char date[40], hex[GIT_OID_HEXSZ + 1];
    int color = sc->color;
    git_oid_tostr(hex, sizeof(hex), &ci->id);
    date_label(date, ci->time, sc->offset);
    /* ✓ verified, ✗ breaks a rule, ∅ void (signed after its key's compromise),
     * ⚑ signed by a key the city recovered and its party has not confirmed */
    const char *mark = !ci->ok ? "✗" : ci->is_void ? "∅" : ci->recovered ? "⚑" : "✓";
    const char *on = !color          ? ""
                     : !ci->ok       ? "\033[31m"
                     : ci->is_void   ? "\033[35m"
                     : ci->recovered ? "\033[33m"
                                     : "\033[32m";
    cli_pad(date, 24);
    printf("%s%s%s  ", on, mark, color ? "\033[0m" : "");
    const char *party = *ci->party ? ci->party : _("(unknown)");
    cli_pad(sc->ja && *ci->party ? party_shown(sc->names, sc->reg, party) : party, sc->party_width);
    /* the principal's name in force at the commit beside it (itaku/people.h);
     * a Japanese screen names the person first, the id beside it */
    char who[200];
    who_of(who, sizeof(who), ci, name, sc);
    cli_pad(who, sc->who_width);
    /* the catalog's word for the action (NULL: none; the subject is shown) */
    const char *act = sc->ja ? itk_labels_get(sc->l, "commit", ci->action) : NULL;
    const char *words = act ? words_of(&sc->words, act, ci, sc->l, sc->names, sc->reg) : NULL;
    cli_pad(action_of(ci, sc), sc->action_width);
    printf("%.12s  %s%s%s%s\n", hex, cli_safe(words ? words : ci->subject),
           *ci->subject_note ? " [" : "", cli_safe(ci->subject_note), *ci->subject_note ? "]" : "");
    for (size_t i = 0; i < ci->nrecords; i++)
        if (sc->ja)
            print_path_ja(ci->records[i], sc->l, sc->names, sc->reg);
        else
            printf("%*s%s\n", 27, "", cli_safe(ci->records[i]));
    if (e->nreceived) {
        printf("%*s", 27, "");
        printf(P_("(brings in %zu record)\n", "(brings in %zu records)\n", e->nreceived),
               e->nreceived);
    }
}

int cmd_log(int argc, char **argv)
{
    itk_log_options o = ITK_LOG_OPTIONS_INIT;
    long max = -1;
    int json = 0;
    const cli_opt opts[] = {
        {"party", 0, CLI_PARTY, &o.party, "P", N_("only commits of this party"), 0},
        {"section", 0, CLI_STRING, &o.section, "N", N_("only this obligations section"), 0},
        {"action", 0, CLI_STRING, &o.action, "A", N_("only this action"), 0},
        {"since", 0, CLI_DATE, &o.since, "DATE", N_("only commits from this date on"), 0},
        {"until", 0, CLI_DATE, &o.until, "DATE", N_("only commits up to this date"), 0},
        {"json", 0, CLI_SWITCH, &json, NULL, N_("print JSON"), 0},
        {"max-count", 'n', CLI_NUMBER, &max, "N", N_("at most N commits"), 0},
        {0}};
    const cli_spec spec = {"log",
                           N_("Print the accountability history, newest first: each commit "
                              "with its signing party, principal, action, records and mark."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc)
        return cli_bad(&spec, _("log takes no arguments"));
    if (o.action && !itk_action_known(o.action)) {
        char known[512] = "";
        size_t len = 0;
        for (size_t i = 0; itk_action_name(i) && len < sizeof(known); i++)
            len += (size_t)snprintf(known + len, sizeof(known) - len, "%s%s", i ? ", " : "",
                                    itk_action_name(i));
        return cli_bad(&spec, _("--action '%s' is no action itaku writes (one of: %s)"), o.action,
                       known);
    }
    itk_registry *reg = NULL;
    itk_log *log = NULL;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    o.progress = cli_progress();
    if (itk_log_run(&log, reg, &o) < 0) {
        itk_registry_free(reg);
        return cli_fail(_("cannot read the history"));
    }
    int rc = EXIT_OK;
    itk_error_clear();
    size_t nitems = 0; /* --json: each entry written as it comes */
    itk_labels *l = json ? NULL : cli_labels(reg);
    log_screen sc = {l,  0, 17, itk_log_offset(log), cli_color(1), json_object(), reg, ITK_BUF_INIT,
                     13, 15};
    /* a Japanese screen in the catalog's words and the parties' names
     * (status, who); an English one and --json keep the codes and ids */
    sc.ja = l && strcmp(itk_labels_lang(l), "ja") == 0 && strcmp(cli_screen_lang(), "ja") == 0;
    for (size_t i = 0; sc.ja && i < itk_log_count(log); i++) {
        const itk_commit_info *ci = itk_log_get(log, i)->info;
        int w = *ci->party ? cli_display_width(party_shown(sc.names, reg, ci->party)) + 1 : 0;
        sc.party_width = w > sc.party_width ? w : sc.party_width;
    }
    itk_buf name = ITK_BUF_INIT;
    itk_name_memos memo;
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    git_oid head;
    /* a name written with a stolen key (a void commit, V9) is not shown */
    if (git_reference_name_to_id(&head, itk_registry_repo(reg), "HEAD") == 0 &&
        itk_void_writes_at(&vw, itk_registry_repo(reg), &head) == 0)
        itk_name_memos_init(&memo, &vw);
    else
        itk_name_memos_init(&memo, NULL);
    git_error_clear();
    itk_error_clear();
    /* the principal and action columns as wide as the widest shown (and a
     * space), so that ＪＯＨＮ ＳＭＩＴＨ does not push a row's commit right */
    sc.who_width = cli_display_width(_("PRINCIPAL")) + 1;
    sc.who_width = sc.who_width < 13 ? 13 : sc.who_width;
    sc.action_width = cli_display_width(_("ACTION")) + 1;
    sc.action_width = sc.action_width < 15 ? 15 : sc.action_width;
    for (size_t i = 0, left = (size_t)max; !json && i < itk_log_count(log) && left != 0; i++) {
        const itk_commit_info *ci = itk_log_get(log, i)->info;
        itk_name_memo *m = itk_name_memos_slot(&memo, ci->party, ci->principal);
        char who[200];
        if (itk_principal_name_memo(&name, m, itk_registry_repo(reg), &ci->id, ci->party,
                                    ci->principal) < 0)
            itk_error_clear();
        who_of(who, sizeof(who), ci, name.size ? name.ptr : "", &sc);
        int w = cli_display_width(cli_safe(who)) + 1;
        int a = cli_display_width(cli_safe(action_of(ci, &sc))) + 1;
        sc.who_width = w > sc.who_width ? w : sc.who_width;
        sc.action_width = a > sc.action_width ? a : sc.action_width;
        if (max > 0)
            left--;
    }
    if (json)
        cli_json_array_begin(&nitems);
    else {
        cli_pad(_("DATE"), 24);
        cli_pad("", 3);
        cli_pad(_("PARTY"), sc.party_width);
        cli_pad(_("PRINCIPAL"), sc.who_width);
        cli_pad(_("ACTION"), sc.action_width);
        cli_pad(_("COMMIT"), 14);
        puts(_("SUBJECT"));
    }
    for (size_t i = 0; i < itk_log_count(log) && max != 0 && rc == EXIT_OK; i++) {
        const itk_log_entry *e = itk_log_get(log, i);
        itk_name_memo *m = itk_name_memos_slot(&memo, e->info->party, e->info->principal);
        if (itk_principal_name_memo(&name, m, itk_registry_repo(reg), &e->info->id, e->info->party,
                                    e->info->principal) < 0)
            itk_error_clear(); /* no name shown: the commit itself is listed */
        if (json)
            rc = cli_json_array_item(&nitems, entry_json(e, name.size ? name.ptr : ""));
        else
            print_line(e, name.size ? name.ptr : "", &sc);
        if (max > 0)
            max--;
    }
    if (json && rc == EXIT_OK)
        rc = cli_json_array_end(&nitems);
    itk_labels_free(l);
    json_decref(sc.names);
    itk_buf_dispose(&sc.words);
    itk_buf_dispose(&name);
    itk_name_memos_dispose(&memo);
    itk_void_writes_dispose(&vw);
    itk_log_free(log);
    itk_registry_free(reg);
    return rc;
}
