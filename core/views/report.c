/* `itaku report --html DIR`: the static site. Everything it shows comes from
 * the other read-only modules (history, status, who, requests, render) and
 * the snapshot of what counts at HEAD (snapshot.c); this
 * file only lays it out as HTML with inline CSS and an SVG of the chain. */
#include "itaku/report.h"
#include "itaku/people.h"
#include "itaku/name_memos.h"
#include "itaku/contract_settings.h"
#include "itaku/errors.h"
#include "intl.h"
#include "itaku/evidence.h"
#include "itaku/flow.h"
#include "itaku/forms.h"
#include "itaku/history.h"
#include "itaku/json.h"
#include "itaku/kessai.h"
#include "itaku/party.h"
#include "itaku/render.h"
#include "itaku/snapshot.h"
#include "itaku/status.h"
#include "itaku/textsafe.h"
#include "itaku/who.h"
#include "alloc.h"
#include "registry_priv.h"
#include "itaku/requests.h"
#include "snapshot_priv.h"
#include "status_priv.h"
#include "who_priv.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The page being written (index.html, timeline.html): its rows are written
 * as they come, not held whole (issue 18: bounded memory). */
typedef struct {
    FILE *f;
    char path[4096];
    int failed;
} page_file;

typedef struct {
    itk_registry *reg;
    const char *dir;
    json_t *contract;
    git_tree *tree;
    itk_log *log;
    itk_status *status;
    itk_who *who;
    itk_request_info *requests;
    size_t nrequests;
    itk_snapshot *snap; /* what counts at HEAD */
    const char **paths; /* records of HEAD with a page (the snapshot's) */
    size_t npaths;
    json_t *by_name;       /* "<party>/<id>" → index in paths (index_names) */
    json_t *incident_refs; /* first_report_ref of every final incident report that counts */
    char now[32];
    int offset;
    size_t pages;
    itk_progress_cb cb;
    void *payload;
    itk_buf attachments;   /* the index's rows of attachments (evidence.h) */
    itk_name_memos *names; /* each signer's name looked up last (name_memos.h) */
    page_file *out;        /* the long page being written, NULL when none */
} rctx;

static const char css[] =
    "body{font-family:'Noto Sans CJK JP','Noto Sans JP','Hiragino Sans','Yu Gothic',"
    "sans-serif;margin:0 auto;max-width:1180px;padding:16px 24px;color:#222;font-size:14px}"
    "h1{font-size:22px;border-bottom:3px solid #234;padding-bottom:6px}"
    "h2{font-size:18px;margin-top:28px;border-left:6px solid #234;padding-left:8px}"
    "h3{font-size:15px;margin:18px 0 6px}"
    "table{border-collapse:collapse;width:100%;margin:6px 0}"
    "th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}"
    "th{background:#eef1f5;font-weight:600}td.n{text-align:right}"
    ".ok{background:#dff3e0;color:#155724}.pending{background:#fff4cc;color:#7a5b00}"
    ".overdue{background:#ffd9d6;color:#8a1c12}.violated{background:#b3261e;color:#fff}"
    ".mark-ok{color:#1a7f37;font-weight:bold}.mark-bad{color:#b3261e;font-weight:bold}"
    ".mark-void{color:#7b2d8b;font-weight:bold}.mark-rec{color:#b36b00;font-weight:bold}"
    "tr.void td{text-decoration:line-through;color:#777}" ITK_TEXT_HTML_CSS
    "nav a{margin-right:16px}.meta td:first-child{width:160px;background:#f6f7f9}"
    "td[class^=mark]{white-space:nowrap}code{font-size:12px}.small{font-size:12px;color:#"
    "555}"
    ".legend span{display:inline-block;padding:1px 8px;margin-right:8px;border-radius:3px}"
    "svg{max-width:100%;height:auto;border:1px solid #ddd;background:#fbfcfd;box-sizing:border-box}"
    "thead{display:table-header-group}tr{break-inside:avoid}.nw{white-space:nowrap}"
    "td{overflow-wrap:anywhere}td.n,td[class^=mark],td.ok,td.pending,td.overdue,td.violated{"
    "overflow-wrap:normal}"
    ".summary{break-after:page}.action li{margin:2px 0}"
    "@page{size:A4 portrait;margin:12mm}"
    "@media print{body{max-width:none;padding:0;font-size:9pt;font-family:'IPAexGothic',"
    "'Noto Sans CJK JP',sans-serif}nav{display:none}h2{break-after:avoid}"
    "h1{font-size:16pt}h2{font-size:12pt}h3{font-size:10pt}code{font-size:8pt}"
    "th,td{padding:2px 3px}.meta td:first-child{width:7em}}";

/* --- output helpers -------------------------------------------------------- */

/* Registry text as HTML: controls and bidirectional controls marked
 * visibly (itk_text_html), a line break shown as \n. */
static void esc(itk_buf *b, const char *s)
{
    if (s)
        itk_text_html(b, s, strlen(s), 0);
}

static int write_file(rctx *c, const char *name, const itk_buf *b)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", c->dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return itk_error_set(ITK_EIO, "cannot write %s: %s", path, strerror(errno));
    size_t n = b->size ? fwrite(b->ptr, 1, b->size, f) : 0;
    if (fclose(f) != 0 || n != b->size)
        return itk_error_set(ITK_EIO, "cannot write %s", path);
    c->pages++;
    return 0;
}

/* Starts the long page name; its text goes through spill and page_end. */
static int page_begin(page_file *pf, const rctx *c, const char *name)
{
    memset(pf, 0, sizeof(*pf));
    snprintf(pf->path, sizeof(pf->path), "%s/%s", c->dir, name);
    if (!(pf->f = fopen(pf->path, "wb")))
        return itk_error_set(ITK_EIO, "cannot write %s: %s", pf->path, strerror(errno));
    return 0;
}

#define SPILL_BYTES (256 * 1024)

/* What b holds, written to the page being written once it is long enough
 * (b emptied then). */
static void spill(itk_buf *b, const rctx *c)
{
    if (!c->out || b->size < SPILL_BYTES)
        return;
    if (fwrite(b->ptr, 1, b->size, c->out->f) != b->size)
        c->out->failed = 1;
    itk_buf_clear(b);
}

/* The rest of the page (b), and the file closed. */
static int page_end(page_file *pf, rctx *c, const itk_buf *b)
{
    size_t n = b->size ? fwrite(b->ptr, 1, b->size, pf->f) : 0;
    if (fclose(pf->f) != 0 || n != b->size || pf->failed)
        return itk_error_set(ITK_EIO, "cannot write %s", pf->path);
    c->pages++;
    return 0;
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return itk_error_set(ITK_EIO, "cannot create %s: %s", path, strerror(errno));
    return 0;
}

static void page_head(itk_buf *b, const char *title, const char *root)
{
    itk_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width\"><title>");
    esc(b, title);
    itk_buf_printf(b,
                   "</title><style>%s</style></head><body>\n<nav><a href=\"%sindex.html\">"
                   "概要</a><a href=\"%stimeline.html\">履歴</a></nav>\n",
                   css, root, root);
}

/* The label of a code from the registry's catalog (labels.h); the code
 * itself when the registry has none (an old registry: the index says so). */
static const char *lbl(const rctx *c, const char *domain, const char *code)
{
    return itk_label_or(c->snap ? itk_snapshot_labels(c->snap) : NULL, domain, code);
}

static const char *state_ja(const rctx *c, itk_state s)
{
    return lbl(c, "state", itk_state_name(s));
}

static const char *role_ja(const rctx *c, const char *role)
{
    return lbl(c, "role", role);
}

/* A finding's text: the catalog's Japanese (status fills detail_ja) or the
 * English detail when the registry has no catalog. */
static const char *detail_of(const itk_finding *f)
{
    return f->detail_ja[0] || !f->detail[0] ? f->detail_ja : f->detail;
}

/* A date-time in the contract's zone as "2026-12-01 10:00 JST" (or with
 * its offset when the zone is not Tokyo); dates alone stay as written. */
static void show_time(itk_buf *b, const rctx *c, const char *iso)
{
    long long t;
    char out[32];
    if (!iso || !*iso) {
        itk_buf_puts(b, "—");
        return;
    }
    if (strlen(iso) <= 10 || itk_time_parse(&t, iso, c->offset, 0)) {
        itk_error_clear();
        esc(b, iso);
        return;
    }
    itk_format_time(out, t, c->offset);
    itk_buf_printf(b, "<span class=\"nw\">%.10s</span> <span class=\"nw\">%.5s %s</span>", out,
                   out + 11, c->offset == 540 ? "JST" : out + 19);
}

static const char *mark_class(const itk_commit_info *ci)
{
    return !ci->ok         ? "mark-bad"
           : ci->is_void   ? "mark-void"
           : ci->recovered ? "mark-rec"
                           : "mark-ok";
}

static const char *mark_text(const itk_commit_info *ci)
{
    return !ci->ok         ? "✗ 検証失敗"
           : ci->is_void   ? "∅ 無効"
           : ci->recovered ? "⚑ 発注者回復鍵"
                           : "✓ 検証済み";
}

/* The page a record's "<party>/<id>" links to, or "" when it has none. */
static void form_page_name(char out[160], const char *path)
{
    itk_path_info pi;
    itk_path_classify(&pi, path);
    if (pi.kind != ITK_PATH_RECORD)
        out[0] = '\0';
    else if (pi.requester[0])
        snprintf(out, 160, "forms/%s_%s_%s.html", pi.party, pi.requester, pi.id);
    else
        snprintf(out, 160, "forms/%s_%s.html", pi.party, pi.id);
}

/* "acme/f4-000001" → its path in HEAD, if it has a page. */
static const char *path_of_name(const rctx *c, const char *name)
{
    json_t *v = name ? json_object_get(c->by_name, name) : NULL;
    return v ? c->paths[json_integer_value(v)] : NULL;
}

/* The index path_of_name reads: "<party>/<id>" → the first of c->paths. */
static int index_names(rctx *c)
{
    if (!(c->by_name = json_object()))
        return itk_error_nomem();
    for (size_t i = 0; i < c->npaths; i++) {
        itk_path_info pi;
        char name[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 80];
        itk_path_classify(&pi, c->paths[i]);
        snprintf(name, sizeof(name), "%s/%s", pi.party, pi.id);
        if (!json_object_get(c->by_name, name) &&
            json_object_set_new_nocheck(c->by_name, name, json_integer((json_int_t)i)))
            return itk_error_nomem();
    }
    return 0;
}

static void record_link(itk_buf *b, const rctx *c, const char *name, const char *root)
{
    const char *path = path_of_name(c, name);
    char page[160] = "";
    if (path)
        form_page_name(page, path);
    if (page[0]) {
        itk_buf_printf(b, "<a href=\"%s%s\">", root, page);
        esc(b, name);
        itk_buf_puts(b, "</a>");
    } else
        esc(b, name && *name ? name : "—");
}

/* The provenance of a record of HEAD, from the snapshot. */
static void origin_of(itk_snapshot_origin *o, const rctx *c, const char *path)
{
    size_t i;
    if (itk_snapshot_find(&i, c->snap, path) == 0)
        itk_snapshot_origin_get(o, c->snap, i);
    else {
        memset(o, 0, sizeof(*o));
        itk_error_clear();
    }
}

/* principal, with its display name at commit beside it (itaku/people.h) */
static void person(itk_buf *b, const rctx *c, const git_oid *commit, const char *party,
                   const char *principal)
{
    itk_buf name = ITK_BUF_INIT;
    if (itk_snapshot_name_memo(&name, c->snap, itk_name_memos_slot(c->names, party, principal),
                               commit, party, principal) < 0)
        itk_error_clear();
    if (name.size) {
        esc(b, name.ptr);
        itk_buf_puts(b, " (");
    }
    esc(b, lbl(c, "principal", principal)); /* 管理責任者, not manager */
    if (name.size)
        itk_buf_puts(b, ")");
    itk_buf_dispose(&name);
}

/* "party/principal" of a record's origin, the principal by name */
static void signer_cell(itk_buf *b, const rctx *c, const itk_snapshot_origin *o)
{
    git_oid id;
    esc(b, o->party);
    itk_buf_puts(b, "/");
    if (git_oid_fromstr(&id, o->commit) < 0)
        esc(b, lbl(c, "principal", o->principal));
    else
        person(b, c, &id, o->party, o->principal);
}

static const char *origin_class(const itk_snapshot_origin *o)
{
    return !o->verified   ? "mark-bad"
           : o->is_void   ? "mark-void"
           : o->recovered ? "mark-rec"
                          : "mark-ok";
}

static const char *origin_text(const itk_snapshot_origin *o)
{
    return !o->verified   ? "✗ 検証失敗"
           : o->is_void   ? "∅ 無効"
           : o->recovered ? "⚑ 発注者回復鍵"
                          : "✓ 検証済み";
}

/* --- the chain as SVG ------------------------------------------------------- */

static itk_state worst_state(const rctx *c, const char *party, size_t counts[4])
{
    itk_state w = ITK_STATE_OK;
    memset(counts, 0, 4 * sizeof(size_t));
    for (size_t i = 0; i < itk_status_count(c->status); i++) {
        const itk_finding *f = itk_status_get(c->status, i);
        if (strcmp(f->party, party) != 0)
            continue;
        counts[f->state]++;
        if (f->state > w)
            w = f->state;
    }
    return w;
}

static void chain_svg(itk_buf *b, const rctx *c)
{
    static const char *fill[] = {"#dff3e0", "#fff4cc", "#ffd9d6", "#f3b5b0"};
    static const char *stroke[] = {"#1a7f37", "#b08800", "#b3261e", "#7a0e08"};
    const int bw = 300, bh = 74, dx = 60, dy = 96, top = 20, left = 20;
    size_t n = itk_who_count(c->who);
    int maxdepth = 0;
    for (size_t i = 0; i < n; i++)
        if (itk_who_get(c->who, i)->depth > maxdepth)
            maxdepth = itk_who_get(c->who, i)->depth;
    int width = left * 2 + maxdepth * dx + bw + 260, height = top * 2 + (int)n * dy;
    itk_buf_printf(b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                   "height=\"%d\" role=\"img\" aria-label=\"委託の連鎖\">\n",
                   width, height, width, height);
    itk_buf_puts(b, "<style>text{font-family:'Noto Sans CJK JP','Noto Sans JP',sans-serif}"
                    "</style>\n");
    /* connectors first, so that boxes cover their ends */
    for (size_t i = 0; i < n; i++) {
        const itk_who_party *p = itk_who_get(c->who, i);
        for (size_t k = 0; k < i; k++) {
            const itk_who_party *q = itk_who_get(c->who, k);
            if (strcmp(q->party, p->parent) != 0 || !strcmp(p->role, "city"))
                continue;
            int x = left + q->depth * dx + 24, y1 = top + (int)k * dy + bh;
            int y2 = top + (int)i * dy + bh / 2, x2 = left + p->depth * dx;
            itk_buf_printf(b,
                           "<path d=\"M%d %d V%d H%d\" fill=\"none\" stroke=\"#567\" "
                           "stroke-width=\"2\" marker-end=\"url(#arrow)\"/>\n",
                           x, y1, y2, x2);
        }
    }
    itk_buf_puts(b, "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
                    "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0L10 "
                    "5L0 10z\" fill=\"#567\"/></marker></defs>\n");
    for (size_t i = 0; i < n; i++) {
        const itk_who_party *p = itk_who_get(c->who, i);
        size_t counts[4];
        itk_state w = worst_state(c, p->party, counts);
        int x = left + p->depth * dx, y = top + (int)i * dy;
        int city = !strcmp(p->role, "city");
        itk_buf_printf(b,
                       "<g><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"8\" "
                       "fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"/>\n",
                       x, y, bw, bh, city ? "#e8eef7" : fill[w], city ? "#234" : stroke[w]);
        itk_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"16\" font-weight=\"bold\">", x + 12,
                       y + 24);
        esc(b, p->name[0] ? p->name : p->party);
        itk_buf_printf(b, "</text>\n<text x=\"%d\" y=\"%d\" font-size=\"13\">", x + 12, y + 44);
        esc(b, p->party);
        itk_buf_puts(b, " — ");
        esc(b, role_ja(c, p->role));
        itk_buf_printf(b, "</text>\n<text x=\"%d\" y=\"%d\" font-size=\"12\">", x + 12, y + 63);
        if (city)
            itk_buf_printf(b, "再委託先の承認・指示・監査");
        else
            itk_buf_printf(b, "適合 %zu · 未了 %zu · 期限超過 %zu · 違反 %zu", counts[0], counts[1],
                           counts[2], counts[3]);
        itk_buf_puts(b, "</text>\n");
        if (!city) {
            itk_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"13\" fill=\"%s\">", x + bw + 10,
                           y + bh / 2 + 5, stroke[w]);
            esc(b, state_ja(c, w));
            if (p->manager[0]) {
                itk_buf_puts(b, " 管理責任者: ");
                esc(b, p->manager);
            }
            itk_buf_puts(b, "</text>\n");
        }
        itk_buf_puts(b, "</g>\n");
    }
    itk_buf_puts(b, "</svg>\n");
}

/* --- index.html --------------------------------------------------------------- */

static const char *contract_str(const rctx *c, const char *key, const char *sub)
{
    json_t *v = json_object_get(c->contract, key);
    if (sub)
        v = json_object_get(v, sub);
    return json_is_string(v) ? json_string_value(v) : "";
}

static void era_of(itk_buf *b, const char *date)
{
    char era[64];
    if (date && *date && itk_era_date(era, date) == 0) {
        esc(b, era);
        itk_buf_puts(b, " (");
        esc(b, date);
        itk_buf_puts(b, ")");
    } else
        esc(b, date && *date ? date : "—");
    itk_error_clear();
}

/* "（契約設定の変更 X）" after a setting field an amendment set. */
static void amended_note(itk_buf *b, const rctx *c, const char *field)
{
    const char *by =
        json_string_value(json_object_get(json_object_get(c->contract, "amended_by"), field));
    if (!by)
        return;
    itk_buf_puts(b, "（契約設定の変更 ");
    esc(b, by);
    itk_buf_puts(b, "）");
}

static void section_contract(itk_buf *b, const rctx *c, size_t problems, size_t commits)
{
    itk_buf_puts(b, "<h1>委託業務 情報セキュリティ遵守状況報告書</h1>\n");
    if (c->snap && *itk_snapshot_labels_note(c->snap)) {
        itk_buf_puts(b, "<p class=\"small itk-labels-note\">");
        esc(b, itk_snapshot_labels_note(c->snap));
        itk_buf_puts(b, "</p>\n");
    }
    itk_buf_puts(b, "<table class=\"meta\">");
    itk_buf_puts(b, "<tr><td>契約番号</td><td>");
    esc(b, contract_str(c, "contract_id", NULL));
    itk_buf_puts(b, "</td></tr><tr><td>件名</td><td>");
    esc(b, contract_str(c, "title", NULL));
    itk_buf_puts(b, "</td></tr><tr><td>契約期間</td><td>");
    era_of(b, contract_str(c, "period", "start"));
    amended_note(b, c, "period.start");
    itk_buf_puts(b, " 〜 ");
    era_of(b, contract_str(c, "period", "end"));
    amended_note(b, c, "period.end");
    itk_buf_puts(b, "</td></tr><tr><td>時刻の表示</td><td>");
    esc(b, contract_str(c, "timezone", NULL));
    itk_buf_puts(b, "</td></tr><tr><td>状況の基準日時</td><td>");
    show_time(b, c, c->now);
    itk_buf_printf(b, "</td></tr><tr><td>署名の検証</td><td class=\"%s\">",
                   problems ? "violated" : "ok");
    if (problems)
        itk_buf_printf(b, "✗ 全 %zu コミットのうち %zu 件に問題", commits, problems);
    else
        itk_buf_printf(b, "✓ 全 %zu コミットの署名と規則を検証済み", commits);
    itk_buf_puts(b, "</td></tr></table>\n");
}

static void section_counts(itk_buf *b, const rctx *c)
{
    itk_buf_puts(b, "<h2>状態別の件数</h2>\n<p class=\"legend\">");
    for (int s = 0; s < 4; s++) {
        itk_buf_printf(b, "<span class=\"%s\">", itk_state_name((itk_state)s));
        esc(b, state_ja(c, (itk_state)s));
        itk_buf_puts(b, "</span>");
    }
    itk_buf_puts(b, "</p>\n<table><thead><tr><th>事業者</th><th>区分</th>");
    for (int s = 0; s < 4; s++) {
        itk_buf_puts(b, "<th>");
        esc(b, state_ja(c, (itk_state)s));
        itk_buf_puts(b, "</th>");
    }
    itk_buf_puts(b, "</tr></thead>\n");
    for (size_t i = 0; i < itk_who_count(c->who); i++) {
        const itk_who_party *p = itk_who_get(c->who, i);
        if (!strcmp(p->role, "city"))
            continue;
        size_t counts[4];
        worst_state(c, p->party, counts);
        itk_buf_printf(b, "<tr><td><a href=\"#party-%s\">", p->party);
        esc(b, p->party);
        itk_buf_puts(b, "</a> ");
        esc(b, p->name);
        itk_buf_puts(b, "</td><td>");
        esc(b, role_ja(c, p->role));
        itk_buf_puts(b, "</td>");
        static const char *cls[] = {"ok", "pending", "overdue", "violated"};
        for (int s = 0; s < 4; s++)
            itk_buf_printf(b, "<td class=\"n%s%s\">%zu</td>", counts[s] ? " " : "",
                           counts[s] ? cls[s] : "", counts[s]);
        itk_buf_puts(b, "</tr>\n");
    }
    itk_buf_puts(b, "</table>\n");
}

/* The open incidents: reports of a party not yet followed by a final report
 * that names them (first_report_ref), latest of their chain. */
static int incident_closed(const rctx *c, const char *party, const char *id)
{
    char name[ITK_PARTY_ID_MAX + 80];
    snprintf(name, sizeof(name), "%s/%s", party, id);
    return json_object_get(c->incident_refs, id) || json_object_get(c->incident_refs, name);
}

/* The index incident_closed reads. */
static int index_incident_refs(rctx *c)
{
    if (!(c->incident_refs = json_object()))
        return itk_error_nomem();
    for (size_t i = 0; i < itk_snapshot_count(c->snap); i++) {
        const itk_path_info *pi = itk_snapshot_info(c->snap, i);
        const char *stage = itk_snapshot_body_str(c->snap, i, "stage");
        const char *ref = itk_snapshot_body_str(c->snap, i, "first_report_ref");
        if (pi->kind != ITK_PATH_RECORD || !pi->type || strcmp(pi->type->type, "incident") ||
            !itk_snapshot_counts(c->snap, i) || !stage || strcmp(stage, "final") || !ref)
            continue;
        if (json_object_set_new_nocheck(c->incident_refs, ref, json_true()))
            return itk_error_nomem();
    }
    return 0;
}

/* "What needs action", for the first page: requests awaiting the city,
 * overdue and violated obligations, open incidents. */
static void section_action(itk_buf *b, const rctx *c)
{
    const char *city = "";
    size_t n = 0;
    for (size_t i = 0; i < itk_who_count(c->who); i++)
        if (!strcmp(itk_who_get(c->who, i)->role, "city"))
            city = itk_who_get(c->who, i)->party;
    itk_buf_puts(
        b, "<h2>対応が必要な事項</h2>\n<h3>発注者の決定を待つ申請</h3>\n<ul class=\"action\">");
    for (size_t i = 0; i < c->nrequests; i++) {
        const itk_request_info *r = &c->requests[i];
        if (strcmp(r->state, "pending") != 0 || strcmp(r->next, city) != 0)
            continue;
        n++;
        itk_buf_puts(b, "<li>");
        record_link(b, c, r->name, "");
        itk_buf_puts(b, " ");
        esc(b, lbl(c, "request.kind", r->kind));
        itk_buf_puts(b, "：");
        esc(b, r->summary);
        itk_buf_puts(b, "</li>");
    }
    if (!n)
        itk_buf_puts(b, "<li>なし</li>");
    itk_buf_puts(b, "</ul>\n<h3>期限超過・違反の義務</h3>\n<ul class=\"action\">");
    n = 0;
    for (size_t i = 0; i < itk_status_count(c->status); i++) {
        const itk_finding *f = itk_status_get(c->status, i);
        if (f->state != ITK_STATE_OVERDUE && f->state != ITK_STATE_VIOLATED)
            continue;
        n++;
        itk_buf_printf(b, "<li><span class=\"%s\">", itk_state_name(f->state));
        esc(b, state_ja(c, f->state));
        itk_buf_puts(b, "</span> ");
        esc(b, f->party);
        itk_buf_puts(b, "：");
        esc(b, lbl(c, "rule", f->rule));
        itk_buf_puts(b, " — ");
        esc(b, detail_of(f));
        if (f->due[0]) {
            itk_buf_puts(b, "（期限 ");
            show_time(b, c, f->due);
            itk_buf_puts(b, "）");
        }
        itk_buf_puts(b, "</li>");
    }
    if (!n)
        itk_buf_puts(b, "<li>なし</li>");
    itk_buf_puts(b, "</ul>\n<h3>完了していない事故報告</h3>\n<ul class=\"action\">");
    n = 0;
    for (size_t i = 0; i < itk_snapshot_count(c->snap); i++) {
        const itk_path_info *pi = itk_snapshot_info(c->snap, i);
        const char *stage = itk_snapshot_body_str(c->snap, i, "stage");
        char name[ITK_PARTY_ID_MAX + 80];
        if (pi->kind != ITK_PATH_RECORD || !pi->type || strcmp(pi->type->type, "incident") ||
            !itk_snapshot_counts(c->snap, i) || itk_snapshot_superseded_by(c->snap, i) >= 0 ||
            (stage && !strcmp(stage, "final")) || incident_closed(c, pi->party, pi->id))
            continue;
        n++;
        snprintf(name, sizeof(name), "%s/%s", pi->party, pi->id);
        itk_buf_puts(b, "<li>");
        record_link(b, c, name, "");
        itk_buf_puts(b, " ");
        esc(b, stage ? lbl(c, "stage", stage) : "");
        const char *summary = itk_snapshot_body_str(c->snap, i, "summary");
        if (summary) {
            itk_buf_puts(b, "：");
            esc(b, summary);
        }
        itk_buf_puts(b, "</li>");
    }
    if (!n)
        itk_buf_puts(b, "<li>なし</li>");
    itk_buf_puts(b, "</ul>\n");
}

static void section_status(itk_buf *b, const rctx *c)
{
    itk_buf_puts(b, "<h2>義務の状況</h2>\n");
    for (size_t i = 0; i < itk_who_count(c->who); i++) {
        const itk_who_party *p = itk_who_get(c->who, i);
        if (!strcmp(p->role, "city"))
            continue;
        itk_buf_printf(b, "<h3 id=\"party-%s\">", p->party);
        esc(b, p->name);
        itk_buf_puts(b, " (");
        esc(b, p->party);
        itk_buf_puts(b, ", ");
        esc(b, role_ja(c, p->role));
        itk_buf_puts(b, ")</h3>\n");
        int any = 0;
        for (size_t k = 0; k < itk_status_count(c->status); k++) {
            const itk_finding *f = itk_status_get(c->status, k);
            if (strcmp(f->party, p->party) != 0)
                continue;
            if (!any++)
                itk_buf_puts(b, "<table><thead><tr><th>条項</th><th>状態</th><th>規則</th>"
                                "<th>記録</th><th>期限</th><th>受領</th><th>記載日</th>"
                                "<th>詳細</th></tr></thead>\n");
            itk_buf_puts(b, "<tr><td>");
            esc(b, f->section);
            itk_buf_printf(b, "</td><td class=\"%s\">", itk_state_name(f->state));
            esc(b, state_ja(c, f->state));
            itk_buf_puts(b, "</td><td>");
            esc(b, lbl(c, "rule", f->rule));
            itk_buf_puts(b, "</td><td>");
            record_link(b, c, f->record, "");
            itk_buf_puts(b, "</td><td>");
            show_time(b, c, f->due);
            itk_buf_puts(b, "</td><td>");
            show_time(b, c, f->received);
            itk_buf_puts(b, "</td><td>");
            show_time(b, c, f->claimed);
            itk_buf_puts(b, "</td><td>");
            esc(b, detail_of(f));
            itk_buf_puts(b, "</td></tr>\n");
            spill(b, c);
        }
        if (any)
            itk_buf_puts(b, "</table>\n");
        else
            itk_buf_puts(b, "<p class=\"small\">記録なし — この事業者の義務はまだ生じていません"
                            "</p>\n");
    }
}

static void section_who(itk_buf *b, const rctx *c)
{
    itk_buf_puts(b, "<h2>情報に触れることができる者</h2>\n<table><thead><tr><th>事業者</th>"
                    "<th>管理責任者</th><th>作業従事者（研修）</th><th>再委託先</th>"
                    "<th>有効な承認</th><th>保有する情報</th></tr></thead>\n");
    for (size_t i = 0; i < itk_who_count(c->who); i++) {
        const itk_who_party *p = itk_who_get(c->who, i);
        if (!strcmp(p->role, "city"))
            continue;
        itk_buf_puts(b, "<tr><td>");
        esc(b, p->party);
        itk_buf_puts(b, "</td><td>");
        if (p->manager[0])
            esc(b, p->manager);
        else
            itk_buf_puts(b, "<span class=\"mark-bad\">様式第1号 未届出</span>");
        itk_buf_puts(b, "</td><td>");
        for (size_t k = 0; k < p->nworkers; k++) {
            esc(b, p->workers[k].name);
            itk_buf_printf(b, " <span class=\"%s\">%s</span><br>",
                           p->workers[k].trained ? "mark-ok" : "mark-bad",
                           p->workers[k].trained ? "✓研修済" : "✗未研修");
        }
        itk_buf_puts(b, "</td><td>");
        for (size_t k = 0; k < p->nsubcontractors; k++) {
            esc(b, p->subcontractors[k]);
            itk_buf_puts(b, "<br>");
        }
        itk_buf_puts(b, "</td><td>");
        for (size_t k = 0; k < p->napprovals; k++) {
            const itk_who_approval *a = &p->approvals[k];
            record_link(b, c, a->request, "");
            itk_buf_puts(b, " ");
            esc(b, lbl(c, "request.kind", a->kind));
            itk_buf_printf(b, " %s", a->open ? "有効" : "失効");
            if (a->valid_until[0])
                itk_buf_printf(b, " 〜%s", a->valid_until);
            itk_buf_puts(b, "<br>");
        }
        itk_buf_puts(b, "</td><td>");
        for (size_t k = 0; k < p->nitems; k++) {
            esc(b, p->items[k].item_id);
            itk_buf_puts(b, " ");
            esc(b, p->items[k].info_name);
            itk_buf_puts(b, "<br>");
        }
        itk_buf_puts(b, "</td></tr>\n");
    }
    itk_buf_puts(b, "</table>\n");
}

/* A decision from a void commit (V9: signed with a stolen key after its
 * last good commit), or one whose seals fall short of the rule without
 * those (V12, itk_kessai_decision_standing), is shown flagged, as the timeline flags the commit:
 * it does not count, and the request is open again (itk_request_list). */
static void void_decision(itk_buf *b, const itk_request_info *r)
{
    if (r->void_decision[0] && r->void_seals[0]) {
        /* V12: its seals fall short without those made with a stolen key */
        itk_buf_puts(b, " <span class=\"mark-void\">∅ 無効（漏えい後の押印 ");
        esc(b, r->void_seals);
        itk_buf_puts(b, " を除くと決裁規程に足りない：");
        esc(b, r->void_missing);
        itk_buf_puts(b, " の決裁が要る。決定を数えない）</span>");
    } else if (r->void_decision[0])
        itk_buf_puts(b, " <span class=\"mark-void\">∅ 無効（漏えい後の決定、数えない）</span>");
}

/* 決裁 (DESIGN V12): where the decision on a pending request stands, in
 * the words of `itaku requests` (起案済み 課長決裁待ち); empty when no draft
 * is here. */
static void kessai_cell(itk_buf *b, const rctx *c, const itk_request_info *r)
{
    char code[16] = "";
    itk_buf waiting = ITK_BUF_INIT, state = ITK_BUF_INIT, next = ITK_BUF_INIT;
    if (strcmp(r->state, "pending") == 0 &&
        itk_kessai_where(code, &waiting, c->reg, r->requester, r->id) == 0 && code[0] &&
        itk_kessai_where_words(&state, &next, c->snap ? itk_snapshot_labels(c->snap) : NULL, code,
                               waiting.ptr) == 0) {
        esc(b, state.ptr);
        if (next.size) {
            itk_buf_puts(b, " ");
            esc(b, next.ptr);
        }
    }
    itk_error_clear();
    itk_buf_dispose(&waiting);
    itk_buf_dispose(&state);
    itk_buf_dispose(&next);
}

/* The date (YYYY-MM-DD, the contract's zone) on which the compromise of
 * key fpr was reported: the commit date of the counting "compromise" key
 * event naming it; 0 when none is here. */
static int compromise_reported(char date[11], const itk_snapshot *s, const char *fpr)
{
    for (size_t k = 0; k < itk_snapshot_count(s); k++) {
        const itk_path_info *pk = itk_snapshot_info(s, k);
        const char *ev = itk_snapshot_body_str(s, k, "event");
        const char *key = itk_snapshot_body_str(s, k, "key");
        if (!pk || !pk->type || strcmp(pk->type->type, "key-event") != 0 || !ev ||
            strcmp(ev, "compromise") != 0 || !key || strcmp(key, fpr) != 0 ||
            !itk_snapshot_counts(s, k))
            continue;
        itk_snapshot_origin o;
        itk_snapshot_origin_get(&o, s, k);
        snprintf(date, 11, "%.10s", o.date[0] ? o.date : itk_snapshot_str(s, k, "created"));
        return 1;
    }
    return 0;
}

/* 決裁 (DESIGN V12, V9): a decision stands when a key that sealed it is
 * reported compromised later (main stays verifiable), but an auditor must
 * see it: for each seal the decision on r lists whose key a compromise
 * report names, "印の鍵の漏えい届出 DATE: POST PRINCIPAL の印" and whether
 * the seal, signed after the last good commit, no longer counts. */
static void kessai_compromised(itk_buf *b, const rctx *c, const itk_request_info *r)
{
    const itk_snapshot *s = c->snap;
    for (size_t i = 0; s && i < itk_snapshot_count(s); i++) {
        const itk_path_info *pi = itk_snapshot_info(s, i);
        const char *req = itk_snapshot_body_str(s, i, "request");
        json_t *rec = NULL;
        if (!pi || !pi->type || strcmp(pi->type->type, "decision") != 0 || !req ||
            strcmp(req, r->name) != 0 || itk_snapshot_json(&rec, s, i) != 0) {
            itk_error_clear();
            continue;
        }
        size_t n;
        const json_t *v;
        json_array_foreach(json_object_get(json_object_get(rec, "body"), "seals"), n, v)
        {
            char path[200], date[11];
            size_t k;
            itk_snapshot_origin o;
            snprintf(path, sizeof(path), "parties/%s/seals/%s/%.20s.json", pi->party, pi->requester,
                     json_is_string(v) ? json_string_value(v) : "");
            if (!json_is_string(v) || itk_snapshot_find(&k, s, path) != 0) {
                itk_error_clear();
                continue;
            }
            itk_snapshot_origin_get(&o, s, k);
            if (!o.fingerprint[0] || !compromise_reported(date, s, o.fingerprint))
                continue;
            const char *post = itk_snapshot_body_str(s, k, "post");
            itk_buf_puts(b, "<br><span class=\"mark-bad\">印の鍵の漏えい届出 ");
            esc(b, date);
            itk_buf_puts(b, ": ");
            esc(b, post ? post : "—");
            itk_buf_puts(b, " ");
            esc(b, o.principal);
            itk_buf_puts(b, o.is_void ? " の印（漏えい後の押印、無効）</span>"
                                      : " の印（漏えい前の押印）</span>");
        }
        json_decref(rec);
    }
}

static void section_requests(itk_buf *b, const rctx *c)
{
    itk_buf_puts(b, "<h2>申請と決定</h2>\n");
    if (!c->nrequests) {
        itk_buf_puts(b, "<p class=\"small\">申請なし</p>\n");
        return;
    }
    itk_buf_puts(b, "<table><thead><tr><th>申請</th><th>種類</th><th>件名</th><th>状態</th>"
                    "<th>決裁</th><th>進達</th><th>決定日</th><th>有効期限</th></tr></thead>\n");
    for (size_t i = 0; i < c->nrequests; i++) {
        const itk_request_info *r = &c->requests[i];
        itk_buf_puts(b, "<tr><td>");
        record_link(b, c, r->name, "");
        itk_buf_puts(b, "</td><td>");
        esc(b, lbl(c, "request.kind", r->kind));
        itk_buf_puts(b, "</td><td>");
        esc(b, r->summary);
        itk_buf_puts(b, "</td><td>");
        esc(b, lbl(c, "request.state", r->state));
        void_decision(b, r);
        if (r->next[0]) {
            itk_buf_puts(b, " → ");
            esc(b, r->next);
        }
        itk_buf_puts(b, "</td><td>");
        kessai_cell(b, c, r);
        kessai_compromised(b, c, r);
        itk_buf_puts(b, "</td><td>");
        esc(b, r->endorsed);
        itk_buf_puts(b, "</td><td>");
        show_time(b, c, r->decided_on);
        itk_buf_puts(b, "</td><td>");
        esc(b, r->valid_until);
        itk_buf_puts(b, "</td></tr>\n");
    }
    itk_buf_puts(b, "</table>\n");
}

static void section_forms(itk_buf *b, const rctx *c)
{
    itk_buf_printf(b,
                   "<h2>様式と記録（%zu 件）</h2>\n<table><thead><tr><th>記録</th><th>様式</th>"
                   "<th>署名者</th><th>署名日時</th><th>検証</th></tr></thead>\n",
                   c->npaths);
    for (size_t i = 0; i < c->npaths; i++) {
        itk_path_info pi;
        char page[160];
        itk_path_classify(&pi, c->paths[i]);
        form_page_name(page, c->paths[i]);
        itk_snapshot_origin o;
        origin_of(&o, c, c->paths[i]);
        int e = o.commit[0] != '\0';
        const char *title =
            pi.type ? itk_labels_get(itk_snapshot_labels(c->snap), "form", pi.type->type) : NULL;
        if (!title && pi.type)
            title = itk_form_title(pi.type->type);
        itk_buf_printf(b, "<tr%s><td><a href=\"%s\">%s/%s</a></td><td>",
                       e && o.is_void ? " class=\"void\"" : "", page, pi.party, pi.id);
        esc(b, title ? title : pi.type ? pi.type->label : "");
        itk_buf_puts(b, "</td><td>");
        if (e)
            signer_cell(b, c, &o);
        itk_buf_puts(b, "</td><td>");
        show_time(b, c, e ? o.date : "");
        if (e)
            itk_buf_printf(b, "</td><td class=\"%s\">%s</td></tr>\n", origin_class(&o),
                           origin_text(&o));
        else
            itk_buf_puts(b, "</td><td class=\"mark-bad\">署名なし</td></tr>\n");
        spill(b, c);
    }
    itk_buf_puts(b, "</table>\n");
}

/* problems: the commits of the history verify refuses, of commits. */
static int write_index(rctx *c, size_t problems, size_t commits)
{
    itk_buf b = ITK_BUF_INIT;
    page_file pf;
    int rc = page_begin(&pf, c, "index.html");
    if (rc)
        return rc;
    c->out = &pf;
    char title[300];
    snprintf(title, sizeof(title), "報告書 %s", contract_str(c, "contract_id", NULL));
    page_head(&b, title, "");
    /* the first page: the officer's summary */
    itk_buf_puts(&b, "<div class=\"summary\">\n");
    section_contract(&b, c, problems, commits);
    itk_buf_puts(&b, "<h2>委託の連鎖</h2>\n");
    chain_svg(&b, c);
    section_counts(&b, c);
    section_action(&b, c);
    itk_buf_puts(&b, "</div>\n");
    section_status(&b, c);
    section_who(&b, c);
    section_requests(&b, c);
    section_forms(&b, c);
    if (c->attachments.size)
        itk_buf_printf(
            &b,
            "<h2>添付ファイル</h2>\n<table><thead><tr><th>記録</th>"
            "<th>ファイル名</th><th>大きさ</th><th>SHA-256</th></tr></thead>\n%s</table>\n",
            c->attachments.ptr);
    itk_buf_puts(&b, "<p class=\"small\">itaku が署名付きの記録から作成しました。各コミットの署名は"
                     " git log --show-signature でも検証できます。</p>\n</body></html>\n");
    rc = page_end(&pf, c, &b);
    c->out = NULL;
    itk_buf_dispose(&b);
    return rc;
}

/* --- timeline.html ------------------------------------------------------------ */

static int write_timeline(rctx *c)
{
    itk_buf b = ITK_BUF_INIT;
    page_file pf;
    int rc = page_begin(&pf, c, "timeline.html");
    if (rc)
        return rc;
    c->out = &pf;
    page_head(&b, "履歴", "");
    itk_buf_puts(&b, "<h1>履歴</h1>\n<p class=\"small\">新しい順。日時は契約の時間帯。"
                     "✓ 検証済み、✗ 検証失敗、∅ 鍵の危殆化後の署名で無効（その記録は数えない）、"
                     "⚑ 発注者が回復した鍵で、当事者の確認前。</p>\n<table><thead><tr><th>日時</th>"
                     "<th>検証</th><th>事業者</th><th>担当者</th><th>操作</th><th>記録</th>"
                     "<th>件名</th><th>コミット</th></tr></thead>\n");
    for (size_t i = 0; i < itk_log_count(c->log); i++) {
        const itk_log_entry *e = itk_log_get(c->log, i);
        const itk_commit_info *ci = e->info;
        char hex[GIT_OID_HEXSZ + 1];
        git_oid_tostr(hex, sizeof(hex), &ci->id);
        itk_buf_printf(&b, "<tr%s><td class=\"d\">", ci->is_void ? " class=\"void\"" : "");
        show_time(&b, c, e->date);
        itk_buf_printf(&b, "</td><td class=\"%s\">%s</td><td>", mark_class(ci), mark_text(ci));
        esc(&b, ci->party[0] ? ci->party : "(不明)");
        itk_buf_puts(&b, "</td><td>");
        person(&b, c, &ci->id, ci->party, ci->principal);
        itk_buf_puts(&b, "</td><td>");
        esc(&b, lbl(c, "commit", ci->action));
        itk_buf_puts(&b, "</td><td>");
        for (size_t k = 0; k < ci->nrecords; k++) {
            itk_path_info pi;
            char name[100];
            itk_path_classify(&pi, ci->records[k]);
            if (pi.kind != ITK_PATH_RECORD)
                continue;
            snprintf(name, sizeof(name), "%s/%s", pi.party, pi.id);
            record_link(&b, c, name, "");
            itk_buf_puts(&b, "<br>");
        }
        if (e->nreceived)
            itk_buf_printf(&b, "<span class=\"small\">%zu 件を受領</span>", e->nreceived);
        itk_buf_puts(&b, "</td><td>");
        esc(&b, ci->subject);
        if (ci->subject_note[0]) {
            /* a message that was not UTF-8: how it was made so */
            itk_buf_puts(&b, " <span class=\"small\">[");
            esc(&b, ci->subject_note);
            itk_buf_puts(&b, "]</span>");
        }
        itk_buf_printf(&b, "</td><td><code>%.12s</code></td></tr>\n", hex);
        spill(&b, c);
    }
    itk_buf_puts(&b, "</table>\n</body></html>\n");
    rc = page_end(&pf, c, &b);
    c->out = NULL;
    itk_buf_dispose(&b);
    return rc;
}

/* --- one page per form ----------------------------------------------------------- */

/* The files a form cites: listed on its page and in the index, copied into
 * the report's attachments/ (evidence.h). */
static int report_evidence(rctx *c, itk_buf *page, size_t at, const char *name)
{
    json_t *rec = NULL;
    itk_evidence *ev = NULL;
    size_t n = 0;
    char dir[4096], record[100];
    int rc = itk_snapshot_json(&rec, c->snap, at);
    if (!rc)
        rc = itk_evidence_collect(&ev, &n, itk_registry_repo(c->reg), c->tree, rec);
    snprintf(dir, sizeof(dir), "%s/attachments", c->dir);
    snprintf(record, sizeof(record), "%s/%s", json_string_value(json_object_get(rec, "party")),
             json_string_value(json_object_get(rec, "id")));
    if (!rc && n)
        rc = make_dir(dir);
    if (!rc && n)
        rc = itk_evidence_copy(itk_registry_repo(c->reg), ev, n, dir);
    if (!rc)
        rc = itk_evidence_insert(page, ev, n, ITK_RENDER_HTML, "../attachments");
    if (!rc)
        rc = itk_evidence_rows(&c->attachments, record, name, ev, n, "attachments");
    free(ev);
    json_decref(rec);
    return rc;
}

static int write_form(rctx *c, const char *path, json_t **schemas, size_t nschemas)
{
    itk_path_info pi;
    const json_t *schema = NULL;
    itk_buf page = ITK_BUF_INIT, out = ITK_BUF_INIT;
    char name[160];
    size_t at;
    int rc;
    itk_path_classify(&pi, path);
    form_page_name(name, path);
    if ((rc = itk_snapshot_find(&at, c->snap, path)))
        return rc;
    for (size_t i = 0; i < nschemas; i++) {
        const char *t = json_string_value(json_object_get(schemas[i], "x-itaku-type"));
        if (t && pi.type && !strcmp(t, pi.type->type))
            schema = schemas[i];
    }
    /* the page `form render` shows (void and recovered marks included) */
    if ((rc = itk_form_page(&page, c->snap, at, schema, ITK_RENDER_HTML)) ||
        (rc = report_evidence(c, &page, at, name)))
        goto done;
    /* and a way back, hidden on paper */
    const char *body = strstr(page.ptr, "<body>");
    size_t cut = body ? (size_t)(body - page.ptr) + 6 : 0;
    itk_buf_put(&out, page.ptr, cut);
    itk_buf_puts(&out, "\n<style>@media print{.itk-nav{display:none}}</style><p class=\"itk-nav\">"
                       "<a href=\"../index.html\">概要</a> · <a href=\"../"
                       "timeline.html\">履歴</a></p>");
    itk_buf_puts(&out, page.ptr + cut);
    rc = write_file(c, name, &out);
done:
    itk_buf_dispose(&page);
    itk_buf_dispose(&out);
    return rc;
}

static int write_forms(rctx *c)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/forms", c->dir);
    int rc = make_dir(dir);
    if (rc)
        return rc;
    /* each type's schema, read once; its type noted inside for lookup */
    const itk_record_type *types = itk_record_types();
    size_t ntypes = 0;
    while (types[ntypes].type)
        ntypes++;
    json_t **schemas = itk_calloc(ntypes + 1, sizeof(*schemas));
    size_t nschemas = 0;
    if (!schemas)
        return ITK_ENOMEM;
    for (size_t i = 0; i < ntypes; i++) {
        char sname[64];
        json_t *s = NULL;
        if (itk_registry_schema(&s, sname, c->reg, c->tree, types[i].type) == 0) {
            json_object_set_new(s, "x-itaku-type", json_string(types[i].type));
            schemas[nschemas++] = s;
        }
        itk_error_clear();
    }
    for (size_t i = 0; i < c->npaths && !rc; i++) {
        rc = write_form(c, c->paths[i], schemas, nschemas);
        if (c->cb && (i % 8 == 0 || i + 1 == c->npaths))
            c->cb(itk__("writing forms"), i + 1, c->npaths, c->payload);
    }
    for (size_t i = 0; i < nschemas; i++)
        json_decref(schemas[i]);
    free(schemas);
    return rc;
}

/* The pages freed by what was let go of (the history: a third of what the
 * report holds at its peak) given back to the system: among pages still in
 * use they would stay resident while the rest is worked out (issue 18:
 * peak memory). */
static void give_back(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

int itk_report_write(itk_registry *reg, const char *dir, const itk_report_options *o, size_t *pages)
{
    rctx c;
    itk_name_memos names;
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    git_oid head;
    int rc;
    memset(&c, 0, sizeof(c));
    itk_name_memos_init(&names, &vw); /* a name written with a stolen key is not shown (V9) */
    c.names = &names;
    c.reg = reg;
    c.dir = dir;
    c.cb = o ? o->progress : NULL;
    c.payload = o ? o->progress_payload : NULL;
    itk_log_options lo = ITK_LOG_OPTIONS_INIT;
    itk_status_options so = ITK_STATUS_OPTIONS_INIT;
    itk_who_options wo = ITK_WHO_OPTIONS_INIT;
    lo.progress = c.cb;
    lo.progress_payload = c.payload;
    so.at = wo.at = o ? o->at : NULL;
    if (!dir || !*dir)
        return itk_error_set(ITK_EINVALID, "the report needs a folder to write into");
    if (git_reference_name_to_id(&head, itk_registry_repo(reg), "HEAD") < 0)
        git_error_clear();
    else if ((rc = itk_void_writes_at(&vw, itk_registry_repo(reg), &head)))
        goto done;
    if ((rc = itk_registry_head_tree(&c.tree, reg)) || (rc = itk_registry_offset(&c.offset, reg)))
        goto done;
    if (o && o->at) {
        long long t;
        if ((rc = itk_time_parse(&t, o->at, c.offset, 1)))
            goto done;
        itk_format_time(c.now, t, c.offset);
    } else if ((rc = itk_registry_now(c.now, reg)))
        goto done;
    /* the contract settings in force as of the report: itaku.json with the
     * city's amendments made by then (the period shown) */
    if ((rc = itk_contract_settings_at(&c.contract, reg, c.tree, c.now)))
        goto done;
    /* one piece at a time, each let go of once its pages are written: the
     * history (timeline.html), the records (forms/), then status, who and
     * the requests (index.html) (issue 18: bounded memory) */
    if ((rc = itk_snapshot_open(&c.snap, reg, NULL)))
        goto done;
    /* pages for records, counting or not (a void one says so); keys and
     * party files are shown in the chain */
    size_t n = itk_snapshot_count(c.snap);
    if (!(c.paths = itk_calloc(n, sizeof(*c.paths)))) {
        rc = ITK_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (itk_snapshot_info(c.snap, i)->kind == ITK_PATH_RECORD)
            c.paths[c.npaths++] = itk_snapshot_path(c.snap, i);
    if ((rc = index_names(&c)) || (rc = index_incident_refs(&c)) || (rc = make_dir(dir)) ||
        (rc = itk_log_run(&c.log, reg, &lo)) || (rc = write_timeline(&c)))
        goto done;
    size_t problems = 0, commits = itk_log_count(c.log);
    for (size_t i = 0; i < commits; i++)
        problems += !itk_log_get(c.log, i)->info->ok;
    itk_log_free(c.log);
    c.log = NULL;
    give_back();
    if ((rc = write_forms(&c)))
        goto done;
    if (c.cb)
        c.cb(itk__("working out the status"), 0, 0, c.payload);
    if ((rc = itk_status_run_snap(&c.status, reg, &so, c.snap)) ||
        (rc = itk_who_run_snap(&c.who, reg, &wo, c.snap)) ||
        (rc = itk_request_list(&c.requests, &c.nrequests, reg)) ||
        (rc = write_index(&c, problems, commits)))
        goto done;
    if (c.cb)
        c.cb(itk__("done"), 1, 1, c.payload);
    if (pages)
        *pages = c.pages;
done:
    itk_log_free(c.log);
    itk_status_free(c.status);
    itk_who_free(c.who);
    free(c.requests);
    free(c.paths);
    json_decref(c.by_name);
    json_decref(c.incident_refs);
    itk_snapshot_free(c.snap);
    itk_buf_dispose(&c.attachments);
    itk_name_memos_dispose(&names);
    itk_void_writes_dispose(&vw);
    json_decref(c.contract);
    git_tree_free(c.tree);
    return rc;
}
