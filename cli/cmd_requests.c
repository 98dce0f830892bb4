/* itaku requests: what is pending, with who must act next; --mine for our
 * own requests and their decisions. */
#include "cli.h"
#include "i18n.h"
#include "json_out.h"
#include "itaku/flow.h"
#include "itaku/requests.h"
#include "itaku/kessai.h"
#include "itaku/labels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A list of party ids ("acme, beta", as itk_request_info.endorsed holds
 * it) as the screen names them (cli_party_shown): 株式会社アクメ、ベータ株式会社
 * on a Japanese screen. out: cap bytes; returns out. */
static const char *parties_shown(char *out, size_t cap, itk_registry *reg, const char *list)
{
    int ja = strcmp(cli_screen_lang(), "ja") == 0;
    size_t len = 0;
    out[0] = '\0';
    for (const char *p = list; p && *p && len < cap;) {
        size_t n = strcspn(p, ",");
        char id[ITK_PARTY_ID_MAX + 1], name[256];
        snprintf(id, sizeof(id), "%.*s", (int)n, p);
        int w = snprintf(out + len, cap - len, "%s%s", len ? (ja ? "、" : ", ") : "",
                         cli_party_shown(name, sizeof(name), reg, id));
        len = w < 0 || (size_t)w >= cap - len ? cap : len + (size_t)w;
        p += n;
        p += strspn(p, ", ");
    }
    return out;
}

/* V9: a decision signed with a key after its reported compromise decides
 * nothing, nor one whose seals fall short of the rule without those made
 * with such a key (V12); the request is open again, and the row says why. */
static void void_note(const itk_request_info *r)
{
    if (r->void_decision[0] && r->void_seals[0])
        printf(_("%22s ∅ void decision %s: without seal %s, made after its key's last good "
                 "commit before it was reported compromised, the seals it lists fall short of "
                 "the decision rule (%s more); it does not count, and the request waits for a "
                 "decision again\n"),
               "", cli_safe(r->void_decision), cli_safe(r->void_seals), cli_safe(r->void_missing));
    else if (r->void_decision[0])
        printf(_("%22s ∅ void decision %s: signed after its key was reported compromised; it "
                 "does not count, and the request is open to be decided again\n"),
               "", cli_safe(r->void_decision));
}

/* Whether strays (n of them) hold the decision branch of request r. */
static int stray_of(const itk_kessai_stray *strays, size_t n, const itk_request_info *r)
{
    char ref[sizeof(strays->ref)];
    snprintf(ref, sizeof(ref), ITK_REF_DECISIONS "%s/%s", r->requester, r->id);
    for (size_t i = 0; i < n; i++)
        if (strcmp(strays[i].ref, ref) == 0)
            return 1;
    return 0;
}

/* The JSON row o with the void decision, if any, added. */
static json_t *with_void(json_t *o, const itk_request_info *r)
{
    if (o && r->void_decision[0])
        json_object_set_new(o, "void_decision", cli_jstr(r->void_decision));
    if (o && r->void_seals[0]) {
        /* the seals it lists that were made with a stolen key */
        json_object_set_new(o, "void_seals", cli_jlist(r->void_seals));
        json_object_set_new(o, "void_missing", cli_jstr(r->void_missing));
    }
    return o;
}

int cmd_requests(int argc, char **argv)
{
    int mine = 0, all = 0, json = 0;
    const cli_opt opts[] = {
        {"mine", 0, CLI_SWITCH, &mine, NULL, N_("only those where we must act next"), 0},
        {"all", 0, CLI_SWITCH, &all, NULL, N_("decided ones too"), 0},
        {"json", 0, CLI_SWITCH, &json, NULL, N_("print JSON"), 0},
        {0}};
    const cli_spec spec = {"requests", N_("List requests: pending, who must act next."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_request_info *list = NULL;
    size_t n = 0;
    char me[64] = "";
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (mine) {
        itk_identity who;
        if (cli_open_signer(&signer, reg, NULL) || itk_signer_identity(&who, reg, signer) < 0) {
            itk_signer_free(signer);
            itk_registry_free(reg);
            return signer ? cli_fail(_("cannot tell whose requests are yours")) : EXIT_ERROR;
        }
        snprintf(me, sizeof(me), "%s", who.party);
    }
    if (itk_request_list(&list, &n, reg) < 0) {
        itk_signer_free(signer);
        itk_registry_free(reg);
        return cli_fail(_("cannot list requests"));
    }
    /* a decision branch made or moved with plain git is named, and shows
     * no 決裁 state: nothing is decided on it */
    itk_kessai_stray *strays = NULL;
    size_t nstrays = 0;
    cli_kessai_strays(&strays, &nstrays, reg);
    itk_labels *labels = json ? NULL : cli_labels(reg);
    json_t *out = json ? json_array() : NULL;
    /* NEXT and ENDORSED BY as wide as the widest party id there (a city's
     * "akiruno-city" is wider than the heading) or where a 決裁 stands */
    int wnext = cli_display_width(_("NEXT")), wend = cli_display_width(_("ENDORSED BY"));
    wnext = wnext < 14 ? 14 : wnext;
    char next_w[256], endorsed_w[1024];
    for (size_t i = 0; i < n; i++) {
        int a = cli_display_width(
                cli_safe(cli_party_shown(next_w, sizeof(next_w), reg, list[i].next))),
            b = cli_display_width(
                cli_safe(parties_shown(endorsed_w, sizeof(endorsed_w), reg, list[i].endorsed)));
        wnext = a > wnext ? a : wnext;
        wend = b > wend ? b : wend;
    }
    if (!json)
        cli_heading(6, 22, _("REQUEST"), 22, _("KIND"), 10, _("STATE"), wnext, _("NEXT"), wend,
                    _("ENDORSED BY"), 0, _("SUMMARY"));
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        itk_request_info *r = &list[i];
        if (mine && strcmp(r->requester, me) != 0)
            continue;
        if (!mine && !all && strcmp(r->state, "pending") != 0)
            continue;
        /* 決裁 (V12): where a drafted decision stands */
        char code[16] = "";
        itk_buf waiting = ITK_BUF_INIT;
        if (strcmp(r->state, "pending") == 0 && !stray_of(strays, nstrays, r) &&
            itk_kessai_where(code, &waiting, reg, r->requester, r->id) < 0) {
            itk_error_clear();
            code[0] = '\0';
        }
        if (json && code[0]) {
            json_t *o = json_pack(
                "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:s, s:o}", "request",
                cli_jstr(r->name), "kind", cli_jstr(r->kind), "state", cli_jstr(r->state), "next",
                cli_jstr(r->next), "endorsed_by", cli_jstr(r->endorsed), "decided",
                cli_jstr(r->decided_on), "valid_until", cli_jstr(r->valid_until), "max_uses",
                (json_int_t)r->max_uses, "summary", cli_jstr(r->summary), "kessai", code,
                "waiting_for", cli_jstr(waiting.size ? waiting.ptr : ""));
            cli_jappend(&out, with_void(o, r));
        } else if (code[0]) {
            /* "起案済み", "課長決裁待ち": the post(s) still to seal */
            itk_buf state = ITK_BUF_INIT, next = ITK_BUF_INIT;
            itk_kessai_where_words(&state, &next, labels, code, waiting.ptr);
            printf("%-22s ", cli_safe(r->name));
            cli_pad(itk_label_or(labels, "request.kind", r->kind), 22);
            putchar(' ');
            cli_pad(state.size ? state.ptr : code, 10);
            putchar(' ');
            cli_pad(next.size ? next.ptr : "-", wnext);
            putchar(' ');
            cli_pad(r->endorsed[0] ? parties_shown(endorsed_w, sizeof(endorsed_w), reg, r->endorsed)
                                   : "-",
                    wend);
            printf(" %s\n", cli_safe(r->summary));
            void_note(r);
            itk_buf_dispose(&state);
            itk_buf_dispose(&next);
        } else if (json)
            cli_jappend(
                &out,
                with_void(json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o}", "request",
                                    cli_jstr(r->name), "kind", cli_jstr(r->kind), "state",
                                    cli_jstr(r->state), "next", cli_jstr(r->next), "endorsed_by",
                                    cli_jstr(r->endorsed), "decided", cli_jstr(r->decided_on),
                                    "valid_until", cli_jstr(r->valid_until), "max_uses",
                                    (json_int_t)r->max_uses, "summary", cli_jstr(r->summary)),
                          r));
        else {
            /* the kind and the state in the catalog's words (複製, 審査中) */
            printf("%-22s ", cli_safe(r->name));
            cli_pad(itk_label_or(labels, "request.kind", r->kind), 22);
            putchar(' ');
            cli_pad(itk_label_or(labels, "request.state", r->state), 10);
            putchar(' ');
            cli_pad(r->next[0] ? cli_party_shown(next_w, sizeof(next_w), reg, r->next) : "-",
                    wnext);
            putchar(' ');
            cli_pad(r->endorsed[0] ? parties_shown(endorsed_w, sizeof(endorsed_w), reg, r->endorsed)
                                   : "-",
                    wend);
            printf(" %s\n", cli_safe(r->summary));
            void_note(r);
        }
        itk_buf_dispose(&waiting);
        first = 0;
    }
    int rc = EXIT_OK;
    if (json)
        rc = cli_json_print(out);
    else if (first)
        printf(_("(none)\n"));
    free(list);
    itk_kessai_strays_free(strays, nstrays);
    itk_labels_free(labels);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}
