/* Printable forms: a record walked together with its schema, written as
 * Markdown or HTML. Labels are the schema's Japanese titles; dates carry the
 * Japanese era, and date-times are shown in the contract's zone beside what
 * the record says. */
#include "itaku/render.h"
#include "itaku/errors.h"
#include "itaku/record.h"
#include "itaku/registry.h"
#include "itaku/status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *type, *title;
} form_titles[] = {
    {"form1", "参考様式第1号 重要指定情報管理体制（新規・変更）届出書"},
    {"form2", "参考様式第2号 教育・研修実施報告書"},
    {"register", "参考様式第3号 重要指定情報管理記録簿"},
    {"form4", "参考様式第4号 履行状況報告書"},
    {"form5", "参考様式第5号 重要指定情報の消去・廃棄証明書"},
    {"form6", "参考様式第6号 再委託承認申請書"},
    {"request", "承認申請書"},
    {"incident", "事故報告書"},
    {"instruction", "指示書"},
    {"inspection", "検査結果報告書"},
    {"ack", "遵守事項受諾書"},
    {"decision", "決定通知書"},
    {"endorsement", "進達書"},
};

const char *itk_form_title(const char *type)
{
    for (size_t i = 0; i < sizeof(form_titles) / sizeof(*form_titles); i++)
        if (strcmp(form_titles[i].type, type) == 0)
            return form_titles[i].title;
    return NULL;
}

/* Eras by their first day. */
static const struct {
    int y, m, d;
    const char *name;
} eras[] = {
    {2019, 5, 1, "令和"},  {1989, 1, 8, "平成"},  {1926, 12, 25, "昭和"},
    {1912, 7, 30, "大正"}, {1868, 1, 25, "明治"},
};

int itk_era_date(char out[64], const char *iso)
{
    int y, m, d;
    char t[40];
    if (!iso || strlen(iso) < 10 || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return itk_error_set(ITK_EINVALID, "'%.40s' is not a date", iso ? iso : "");
    snprintf(t, sizeof(t), "%.10sT00:00:00Z", iso);
    if (itk_rfc3339_check(t))
        return itk_error_set(ITK_EINVALID, "'%.40s' is not a date", iso);
    for (size_t i = 0; i < sizeof(eras) / sizeof(*eras); i++) {
        if (y * 10000 + m * 100 + d < eras[i].y * 10000 + eras[i].m * 100 + eras[i].d)
            continue;
        int ey = y - eras[i].y + 1;
        if (ey == 1)
            snprintf(out, 64, "%s元年%d月%d日", eras[i].name, m, d);
        else
            snprintf(out, 64, "%s%d年%d月%d日", eras[i].name, ey, m, d);
        return 0;
    }
    return itk_error_set(ITK_EUNSUPPORTED, "%.10s is before the Meiji era", iso);
}

typedef struct {
    itk_buf *out;
    const json_t *root_schema;
    itk_render_format fmt;
    int offset; /* the contract's zone, minutes east of UTC */
} ctx;

/* A date, or a date-time in the contract's zone: its era date and, for a
 * date-time, the local "HH:MM" (else ""). A record written in New York time
 * shows the Tokyo day and hour it happened on. */
static int local_era(const ctx *c, char era[64], char hhmm[6], const char *s)
{
    char local[32];
    long long t;
    hhmm[0] = '\0';
    if (strlen(s) <= 10)
        return itk_era_date(era, s);
    if (itk_time_parse(&t, s, c->offset, 0))
        return ITK_EINVALID;
    itk_format_time(local, t, c->offset);
    snprintf(hhmm, 6, "%.5s", local + 11);
    return itk_era_date(era, local);
}

static void esc(ctx *c, const char *s)
{
    if (c->fmt == ITK_RENDER_MARKDOWN) {
        for (; *s; s++) {
            /* a backslash or an entity (&lt;) would otherwise change what is shown */
            if (strchr("|*_`<[\\&", *s))
                itk_buf_putc(c->out, '\\');
            if (*s == '\n')
                itk_buf_puts(c->out, "<br>");
            else
                itk_buf_putc(c->out, *s);
        }
        return;
    }
    for (; *s; s++) {
        switch (*s) {
        case '&': itk_buf_puts(c->out, "&amp;"); break;
        case '<': itk_buf_puts(c->out, "&lt;"); break;
        case '>': itk_buf_puts(c->out, "&gt;"); break;
        case '"': itk_buf_puts(c->out, "&quot;"); break;
        case '\n': itk_buf_puts(c->out, "<br>"); break;
        default: itk_buf_putc(c->out, *s);
        }
    }
}

/* Follows a local "#/$defs/name" reference. */
static const json_t *deref(ctx *c, const json_t *s)
{
    for (int hops = 0; s && hops < 8; hops++) {
        const char *ref = json_string_value(json_object_get(s, "$ref"));
        if (!ref || strncmp(ref, "#/$defs/", 8) != 0)
            return s;
        s = json_object_get(json_object_get(c->root_schema, "$defs"), ref + 8);
    }
    return s;
}

static const char *label_of(const json_t *prop, const char *key)
{
    const char *t = json_string_value(json_object_get(prop, "title"));
    return t ? t : key;
}

static int looks_like_date(const char *s)
{
    char t[40];
    if (strlen(s) == 10) {
        snprintf(t, sizeof(t), "%sT00:00:00Z", s);
        return itk_rfc3339_check(t) == 0;
    }
    return strlen(s) >= 20 && itk_rfc3339_check(s) == 0;
}

static void scalar(ctx *c, const json_t *v)
{
    char num[32];
    switch (json_typeof(v)) {
    case JSON_STRING: {
        const char *s = json_string_value(v);
        char era[64], hhmm[6];
        if (looks_like_date(s) && local_era(c, era, hhmm, s) == 0) {
            itk_buf_puts(c->out, era);
            if (hhmm[0]) {
                itk_buf_putc(c->out, ' ');
                itk_buf_puts(c->out, hhmm);
            }
            itk_buf_puts(c->out, " (");
            esc(c, s);
            itk_buf_putc(c->out, ')');
        } else
            esc(c, s);
        itk_error_clear();
        break;
    }
    case JSON_INTEGER:
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
        itk_buf_puts(c->out, num);
        break;
    case JSON_TRUE: itk_buf_puts(c->out, "はい (yes)"); break;
    case JSON_FALSE: itk_buf_puts(c->out, "いいえ (no)"); break;
    case JSON_NULL: itk_buf_puts(c->out, "—"); break;
    default: break;
    }
}

static void value(ctx *c, const json_t *v, const json_t *schema, int depth);

static void row(ctx *c, const char *key, const json_t *v, const json_t *props, int depth)
{
    const json_t *raw = json_object_get(props, key), *p = deref(c, raw);
    /* a property's own title ("管理体制図") wins over its $ref's ("添付ファイル") */
    const char *label = label_of(raw, label_of(p, key));
    if (c->fmt == ITK_RENDER_HTML) {
        itk_buf_puts(c->out, "<tr><th>");
        esc(c, label);
        itk_buf_puts(c->out, "<div class=\"en\">");
        esc(c, key);
        itk_buf_puts(c->out, "</div></th><td>");
        value(c, v, p, depth + 1);
        itk_buf_puts(c->out, "</td></tr>\n");
        return;
    }
    itk_buf_printf(c->out, "%*s- **", depth * 2, "");
    esc(c, label);
    itk_buf_puts(c->out, "**");
    if ((json_is_object(v) && json_object_size(v)) || (json_is_array(v) && json_array_size(v))) {
        itk_buf_puts(c->out, "\n");
        value(c, v, p, depth + 1);
    } else {
        itk_buf_puts(c->out, ": ");
        value(c, v, p, depth + 1);
        itk_buf_puts(c->out, "\n");
    }
}

static int listed(const json_t *arr, const char *key)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i,
                       v) if (json_is_string(v) && strcmp(json_string_value(v), key) == 0) return 1;
    return 0;
}

/* An object as label/value rows: the schema's required fields in the order
 * it lists them (the paper form's order), then the others. */
static void object_rows(ctx *c, const json_t *obj, const json_t *schema, int depth)
{
    const json_t *props = json_object_get(schema, "properties");
    const json_t *required = json_object_get(schema, "required");
    const char *key;
    json_t *v;
    size_t i;
    if (c->fmt == ITK_RENDER_HTML)
        itk_buf_puts(c->out, "<table class=\"fields\">\n");
    json_array_foreach(required, i, v)
    {
        const char *k = json_string_value(v);
        const json_t *field = k ? json_object_get(obj, k) : NULL;
        if (field)
            row(c, k, field, props, depth);
    }
    json_object_foreach((json_t *)obj, key, v)
    {
        if (!listed(required, key))
            row(c, key, v, props, depth);
    }
    if (c->fmt == ITK_RENDER_HTML)
        itk_buf_puts(c->out, "</table>\n");
}

static void value(ctx *c, const json_t *v, const json_t *schema, int depth)
{
    schema = deref(c, schema);
    if (depth > 32)
        return;
    if (json_is_object(v)) {
        object_rows(c, v, schema, depth);
        return;
    }
    if (json_is_array(v) && json_array_size(v) == 0) {
        itk_buf_puts(c->out, "—");
        return;
    }
    if (json_is_array(v)) {
        const json_t *items = deref(c, json_object_get(schema, "items"));
        size_t i;
        json_t *item;
        int html = c->fmt == ITK_RENDER_HTML;
        if (html)
            itk_buf_puts(c->out, "<ol class=\"items\">");
        json_array_foreach(v, i, item)
        {
            if (html) {
                itk_buf_puts(c->out, "<li>");
                value(c, item, items, depth + 1);
                itk_buf_puts(c->out, "</li>");
            } else if (json_is_object(item)) {
                itk_buf_printf(c->out, "%*s%zu.\n", depth * 2, "", i + 1);
                value(c, item, items, depth + 1);
            } else {
                itk_buf_printf(c->out, "%*s%zu. ", depth * 2, "", i + 1);
                value(c, item, items, depth + 1);
                itk_buf_puts(c->out, "\n");
            }
        }
        if (html)
            itk_buf_puts(c->out, "</ol>");
        return;
    }
    scalar(c, v);
}

static const char css[] =
    "@page{size:A4;margin:15mm}"
    "body{font-family:'Noto Serif CJK JP','IPAexMincho','Hiragino Mincho ProN',serif;"
    "font-size:10.5pt;color:#000;max-width:180mm;margin:0 auto}"
    "h1{font-size:15pt;text-align:center;margin:4mm 0 6mm}"
    ".meta{text-align:right;margin-bottom:4mm}"
    "table{border-collapse:collapse;width:100%;margin:1mm 0}"
    "th,td{border:1px solid #000;padding:1.5mm 2mm;vertical-align:top;text-align:left}"
    "td{overflow-wrap:anywhere}"
    "th{width:32%;background:#f2f2f2;font-weight:normal}"
    ".en{font-size:7.5pt;color:#555}"
    "ol.items{margin:0;padding-left:5mm}ol.items li{margin-bottom:1mm}"
    ".sig{margin-top:8mm;border:2px solid #000;padding:2mm 3mm;page-break-inside:avoid}"
    ".sig h2{font-size:11pt;margin:0 0 2mm}.ok{color:#060}.bad{color:#a00}"
    "code{font-size:8.5pt;word-break:break-all}";

static void signature_block(ctx *c, const itk_render_signature *sig)
{
    int html = c->fmt == ITK_RENDER_HTML;
    char era[64] = "", hhmm[6], who[300];
    /* the person by name, the ASCII principal beside it */
    if (sig && sig->principal_name && *sig->principal_name)
        snprintf(who, sizeof(who), "%s (%s)", sig->principal_name, sig->principal);
    else
        snprintf(who, sizeof(who), "%s", sig && sig->principal ? sig->principal : "—");
    if (sig && sig->date)
        local_era(c, era, hhmm, sig->date);
    itk_error_clear();
    const char *state = !sig             ? "未署名 (not signed)"
                        : !sig->verified ? "検証失敗 (verification failed)"
                        : sig->is_void   ? "∅ 無効 (void: signed after its key's compromise)"
                                         : "検証済み (verified)";
    if (html) {
        itk_buf_puts(c->out, "<div class=\"sig\"><h2>電子署名 (signature)</h2><table>");
        const char *rows[][2] = {
            {"署名者 (party)", sig ? sig->party : "—"},
            {"担当者 (principal)", who},
            {"鍵指紋 (key fingerprint)", sig ? sig->fingerprint : "—"},
            {"コミット (commit)", sig ? sig->commit : "—"},
            {"日時 (date)", sig && sig->date ? sig->date : "—"},
        };
        for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
            itk_buf_puts(c->out, "<tr><th>");
            esc(c, rows[i][0]);
            itk_buf_puts(c->out, "</th><td><code>");
            esc(c, rows[i][1] ? rows[i][1] : "—");
            if (i == 4 && *era) {
                itk_buf_puts(c->out, "</code> ");
                esc(c, era);
                itk_buf_puts(c->out, "<code>");
            }
            itk_buf_puts(c->out, "</code></td></tr>");
        }
        itk_buf_printf(c->out, "<tr><th>検証 (verification)</th><td class=\"%s\">%s</td></tr>",
                       sig && sig->verified && !sig->is_void ? "ok" : "bad", state);
        itk_buf_puts(c->out, "</table></div>\n");
        return;
    }
    itk_buf_puts(c->out, "\n## 電子署名 (signature)\n\n| | |\n|---|---|\n");
    itk_buf_printf(c->out, "| 署名者 (party) | %s |\n", sig ? sig->party : "—");
    itk_buf_printf(c->out, "| 担当者 (principal) | %s |\n", who);
    itk_buf_printf(c->out, "| 鍵指紋 (key fingerprint) | `%s` |\n", sig ? sig->fingerprint : "—");
    itk_buf_printf(c->out, "| コミット (commit) | `%s` |\n", sig ? sig->commit : "—");
    itk_buf_printf(c->out, "| 日時 (date) | %s %s |\n", era, sig && sig->date ? sig->date : "—");
    itk_buf_printf(c->out, "| 検証 (verification) | %s |\n", state);
}

int itk_render_record(itk_buf *out, const json_t *record, const json_t *schema,
                      const itk_render_signature *sig, itk_render_format fmt, int offset)
{
    const char *type = json_string_value(json_object_get(record, "type"));
    const char *id = json_string_value(json_object_get(record, "id"));
    const char *party = json_string_value(json_object_get(record, "party"));
    const char *created = json_string_value(json_object_get(record, "created"));
    json_t *body = json_object_get(record, "body");
    if (!type || !id || !party || !created || !json_is_object(body))
        return itk_error_set(ITK_EINVALID, "not a record: it needs type, id, party, created and "
                                           "body");
    /* a request for subcontracting is form 6 on paper */
    const char *kind = json_string_value(json_object_get(body, "kind"));
    const char *title = itk_form_title(
        strcmp(type, "request") == 0 && kind && strcmp(kind, "subcontract") == 0 ? "form6" : type);
    if (!title)
        title = type;
    ctx c = {out, schema, fmt, offset};
    char era[64] = "", hhmm[6];
    local_era(&c, era, hhmm, created);
    itk_error_clear();
    itk_buf_clear(out);
    if (fmt == ITK_RENDER_HTML) {
        itk_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
                          "<title>");
        esc(&c, title);
        itk_buf_printf(out, " %s/%s</title><style>%s</style></head><body>\n<h1>", party, id, css);
        esc(&c, title);
        itk_buf_puts(out, "</h1>\n<div class=\"meta\">");
        esc(&c, era);
        itk_buf_puts(out, " (");
        esc(&c, created);
        itk_buf_puts(out, ")<br>提出者 (party): ");
        esc(&c, party);
        itk_buf_puts(out, "<br>記録番号 (record): ");
        esc(&c, id);
        itk_buf_puts(out, "</div>\n");
        object_rows(&c, body, schema, 0);
        signature_block(&c, sig);
        itk_buf_puts(out, "</body></html>\n");
    } else {
        itk_buf_puts(out, "# ");
        esc(&c, title);
        itk_buf_printf(out, "\n\n%s (%s)  \n提出者 (party): %s  \n記録番号 (record): %s\n\n", era,
                       created, party, id);
        object_rows(&c, body, schema, 0);
        signature_block(&c, sig);
    }
    return 0;
}

static const char void_html[] =
    "<p class=\"itk-void\" style=\"border:2px solid #7b2d8b;color:#7b2d8b;padding:4px\">"
    "∅ 無効 (void): 危殆化した鍵でその後に署名されたため、この記録は数えません。</p>";
static const char recovered_html[] =
    "<p class=\"itk-recovered\" style=\"border:2px solid #b36b00;color:#b36b00;padding:4px\">"
    "⚑ 発注者が回復した鍵による署名（当事者の確認前）</p>";
static const char void_md[] =
    "> ∅ 無効 (void): 危殆化した鍵でその後に署名されたため、この記録は数えません。\n\n";
static const char recovered_md[] = "> ⚑ 発注者が回復した鍵による署名（当事者の確認前）\n\n";

int itk_form_page(itk_buf *out, const itk_snapshot *s, size_t i, const json_t *schema,
                  itk_render_format fmt)
{
    const itk_path_info *pi = itk_snapshot_info(s, i);
    itk_snapshot_origin o;
    json_t *rec = NULL;
    itk_buf page = ITK_BUF_INIT;
    if (!pi || pi->kind != ITK_PATH_RECORD)
        return itk_error_set(ITK_EINVALID, "%s is not a record: it has no form page",
                             pi ? itk_snapshot_path(s, i) : "that");
    itk_snapshot_origin_get(&o, s, i);
    itk_buf name = ITK_BUF_INIT;
    int rc = itk_snapshot_signer_name(&name, s, i);
    itk_render_signature sig = {o.commit,    o.date,        o.party,
                                o.principal, o.fingerprint, o.verified,
                                o.is_void,   o.recovered,   name.size ? name.ptr : NULL};
    rc = rc ? rc : itk_snapshot_json(&rec, s, i);
    rc = rc ? rc
            : itk_render_record(&page, rec, schema, o.commit[0] ? &sig : NULL, fmt,
                                itk_snapshot_offset(s));
    json_decref(rec);
    itk_buf_dispose(&name);
    if (rc) {
        itk_buf_dispose(&page);
        return rc;
    }
    /* the notices go first thing in the body (HTML) or under the title */
    const char *mark = strstr(page.ptr, fmt == ITK_RENDER_HTML ? "<body>" : "\n\n");
    size_t at = mark ? (size_t)(mark - page.ptr) + (fmt == ITK_RENDER_HTML ? 6 : 2) : 0;
    itk_buf_clear(out);
    itk_buf_put(out, page.ptr, at);
    if (o.commit[0] && o.is_void)
        itk_buf_puts(out, fmt == ITK_RENDER_HTML ? void_html : void_md);
    if (o.commit[0] && o.recovered)
        itk_buf_puts(out, fmt == ITK_RENDER_HTML ? recovered_html : recovered_md);
    itk_buf_puts(out, page.ptr + at);
    itk_buf_dispose(&page);
    return 0;
}
