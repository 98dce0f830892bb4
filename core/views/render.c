/* Printable forms: a record walked together with its schema, written as
 * Markdown or HTML. Labels are the schema's Japanese titles; dates carry the
 * Japanese era, and date-times are shown in the contract's zone beside what
 * the record says. */
#include "itaku/render.h"
#include "itaku/errors.h"
#include "itaku/labels.h"
#include "itaku/record.h"
#include "itaku/registry.h"
#include "itaku/status.h"
#include "itaku/textsafe.h"
#include "alloc.h"
#include "snapshot_priv.h"

#include <stdint.h>
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
    {"contract-amendment", "契約設定変更通知書"},
    {"draft", "起案書"},
    {"seal", "決裁"},
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
    int offset;                  /* the contract's zone, minutes east of UTC */
    const itk_labels *labels;    /* the registry's catalog; NULL: codes are shown */
    const char *type;            /* the record's type, for "<type>.<field>" labels */
    const char *key;             /* the field being written */
    const itk_snapshot *parties; /* names the party ids of party fields; may be NULL */
} ctx;

static const char *party_name(const itk_snapshot *s, const char *party);

/* The fields whose value is a party id (the schemas' party-id pattern). */
static int party_field(const char *key)
{
    static const char *const keys[] = {"source_org", "party_id", "inspected_party", "to"};
    for (size_t i = 0; key && i < sizeof(keys) / sizeof(*keys); i++)
        if (strcmp(key, keys[i]) == 0)
            return 1;
    return 0;
}

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

/* Registry text on the page: controls and bidirectional controls shown,
 * never obeyed (itk_text_html; in Markdown, as itk_text_safe writes them). */
static void esc(ctx *c, const char *s)
{
    if (c->fmt == ITK_RENDER_MARKDOWN) {
        itk_buf safe = ITK_BUF_INIT;
        if (itk_text_safe(&safe, s, strlen(s), ITK_TEXT_BLOCK, "") || !safe.ptr) {
            itk_buf_dispose(&safe);
            return;
        }
        for (s = safe.ptr; *s; s++) {
            /* a backslash or an entity (&lt;) would otherwise change what is shown */
            if (strchr("|*_`<[\\&", *s))
                itk_buf_putc(c->out, '\\');
            if (*s == '\n')
                itk_buf_puts(c->out, "<br>");
            else
                itk_buf_putc(c->out, *s);
        }
        itk_buf_dispose(&safe);
        return;
    }
    itk_text_html(c->out, s, strlen(s), 1);
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

/* The record "<party>/<id>" (a reference as a record holds it) in s,
 * followed to the record in force when later ones supersede it; -1 when s
 * holds none. *superseded = 1 when the cited one was superseded. */
static long ref_current(const itk_snapshot *s, const char *ref, int *superseded)
{
    const char *slash = ref ? strchr(ref, '/') : NULL;
    *superseded = 0;
    if (!s || !slash)
        return -1;
    long at = -1;
    for (size_t k = 0; k < itk_snapshot_count(s) && at < 0; k++) {
        const itk_path_info *pk = itk_snapshot_info(s, k);
        if (pk && pk->kind == ITK_PATH_RECORD && strcmp(pk->id, slash + 1) == 0 &&
            strlen(pk->party) == (size_t)(slash - ref) &&
            strncmp(pk->party, ref, (size_t)(slash - ref)) == 0 && itk_snapshot_counts(s, k))
            at = (long)k;
    }
    /* a chain of amendments ends at the one in force (bounded: each step
     * is a later record) */
    for (size_t n = 0; at >= 0 && n < itk_snapshot_count(s); n++) {
        long next = itk_snapshot_superseded_by(s, (size_t)at);
        if (next < 0)
            break;
        at = next;
        *superseded = 1;
    }
    return at;
}

/* The fields citing another record as "<party>/<id>": instruction_ref,
 * form1_ref, incident_ref, first_report_ref, approval, withdraws. */
static int is_ref_field(const char *key)
{
    size_t n = key ? strlen(key) : 0;
    return key && ((n > 4 && strcmp(key + n - 4, "_ref") == 0) || strcmp(key, "approval") == 0 ||
                   strcmp(key, "withdraws") == 0);
}

/* A record a form cites, as the paper cites it: who made it, its date, its
 * kind and its number, the one in force when it was superseded. An
 * instruction: 「あきる野市 令和8年12月1日付け 報告の求め（akiruno-city/n-000002）」;
 * another record by its kind and form title: 「株式会社アクメ 令和8年12月1日付け
 * 複製の承認申請書（acme/q-000001）」, 「… 事故報告書（第一報）（acme/i-000001）」.
 * 0 when the snapshot does not hold it (the reference is then shown as it
 * is). */
static int record_cited(ctx *c, const char *ref)
{
    int superseded = 0;
    long at = ref_current(c->parties, ref, &superseded);
    if (at < 0)
        return 0;
    const itk_path_info *pi = itk_snapshot_info(c->parties, (size_t)at);
    const char *type = pi->type ? pi->type->type : "";
    int instruction = strcmp(type, "instruction") == 0;
    const char *kind = itk_snapshot_body_str(c->parties, (size_t)at, "kind");
    const char *stage = itk_snapshot_body_str(c->parties, (size_t)at, "stage");
    const char *created = itk_snapshot_str(c->parties, (size_t)at, "created");
    const char *label = kind ? itk_labels_field(c->labels, type, "kind", kind) : NULL;
    const char *title = itk_labels_get(c->labels, "form", type);
    const char *stage_label = stage ? itk_labels_field(c->labels, type, "stage", stage) : NULL;
    const char *issuer = party_name(c->parties, pi->party);
    char era[64], hhmm[6], num[160];
    if (issuer) {
        esc(c, issuer);
        itk_buf_puts(c->out, " ");
    }
    if (created && local_era(c, era, hhmm, created) == 0) {
        itk_buf_puts(c->out, era);
        itk_buf_puts(c->out, "付け ");
    }
    itk_error_clear();
    if (instruction)
        esc(c, label ? label : kind ? kind : "指示");
    else {
        if (label) {
            esc(c, label);
            itk_buf_puts(c->out, "の");
        }
        esc(c, title ? title : type);
        if (stage_label) {
            itk_buf_puts(c->out, "（");
            esc(c, stage_label);
            itk_buf_puts(c->out, "）");
        }
    }
    snprintf(num, sizeof(num), "（%s/%s%s）", pi->party, pi->id,
             !superseded   ? ""
             : instruction ? "、変更後の指示"
                           : "、訂正後のもの");
    esc(c, num);
    return 1;
}

static void scalar(ctx *c, const json_t *v)
{
    char num[32];
    switch (json_typeof(v)) {
    case JSON_STRING: {
        const char *s = json_string_value(v);
        const char *label = itk_labels_field(c->labels, c->type, c->key, s);
        char era[64], hhmm[6];
        const char *company = c->parties && party_field(c->key) ? party_name(c->parties, s) : NULL;
        if (label)
            esc(c, label); /* the city's word for a code: 受領, not received */
        else if (is_ref_field(c->key) && record_cited(c, s))
            ; /* the record cited as the paper cites it */
        else if (company && *company) {
            esc(c, company); /* the company, not its party id */
            itk_buf_puts(c->out, "（");
            esc(c, s);
            itk_buf_puts(c->out, "）");
        } else if (looks_like_date(s) && local_era(c, era, hhmm, s) == 0) {
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
    case JSON_TRUE:
    case JSON_FALSE: {
        /* the paper's words for a yes/no field when the catalog has them
         * ("<type>.<field>": 誓約します, 有・無), else はい / いいえ */
        const char *label =
            itk_labels_field(c->labels, c->type, c->key, json_is_true(v) ? "true" : "false");
        esc(c, label ? label : json_is_true(v) ? "はい" : "いいえ");
        break;
    }
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
    const char *outer = c->key;
    c->key = key;
    if (c->fmt == ITK_RENDER_HTML) {
        itk_buf_puts(c->out, "<tr><th>");
        esc(c, label);
        itk_buf_puts(c->out, "</th><td>");
        value(c, v, p, depth + 1);
        itk_buf_puts(c->out, "</td></tr>\n");
        c->key = outer;
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
    c->key = outer;
}

static int listed(const json_t *arr, const char *key)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i,
                       v) if (json_is_string(v) && strcmp(json_string_value(v), key) == 0) return 1;
    return 0;
}

/* The paper form's order of a form's top-level fields (form-fields.md);
 * fields not listed follow in the schema's required order, then the
 * record's. The header's fields (宛先, 提出者, 提出日) are shown above the
 * title instead (header_keys). */
static const struct {
    const char *type;
    const char *keys[24];
} paper_order[] = {
    {"form1",
     {"filing_type", "change", "manager", "manager_scope", "supervisors", "workers",
      "contact_chain", "work_locations", "storage", "info_items", "safeguards",
      "subcontract_planned", "pledge", "org_chart"}},
    {"form2",
     {"training_type", "held", "venue", "method", "instructor", "purpose", "curriculum",
      "materials", "attendees", "absentee_followup", "reported_by"}},
    {"register",
     {"entry_no",
      "occurred_at",
      "action",
      "item_id",
      "info_name",
      "medium",
      "quantity",
      "method",
      "designated_method_used",
      "from",
      "to",
      "destination",
      "purpose",
      "due_on",
      "returned_on",
      "approval",
      "instruction_ref",
      "derived_from",
      "unapproved_reason",
      "handler",
      "verifier",
      "note"}},
    {"form4",
     {"period", "request_ref", "structure_changed", "activity_summary", "checklist",
      "storage_access", "training_status", "subcontractor_status", "incidents",
      "corrective_actions", "reported_by"}},
    {"form5",
     {"disposition", "items", "method", "tool", "performed_at", "location", "performed_by",
      "witnesses", "evidence", "covers_all_copies", "certifier", "issued_on"}},
    {"request",
     {"kind", "application_type", "scope", "info_items", "period", "reason", "subcontractor",
      "sub_structure", "required_measures", "supervision_method", "sub_pledge", "relationship",
      "certifications", "further_subcontracting"}},
    {"incident",
     {"stage", "occurred_at", "discovered_at", "location", "category", "summary", "timeline",
      "affected", "source_org", "actor", "containment", "cause", "secondary_harm",
      "data_subject_actions", "publication", "prevention", "severity_flags", "reporter"}},
};

static const char *const header_keys[] = {"addressee",   "submitter",      "submitted_on",
                                          "contract_id", "contract_title", NULL};

static int is_header_key(const char *k)
{
    for (size_t i = 0; header_keys[i]; i++)
        if (strcmp(header_keys[i], k) == 0)
            return 1;
    return 0;
}

static const char *const *order_of(const char *type)
{
    for (size_t i = 0; type && i < sizeof(paper_order) / sizeof(*paper_order); i++)
        if (strcmp(paper_order[i].type, type) == 0)
            return paper_order[i].keys;
    return NULL;
}

static int in_list(const char *const *keys, size_t n, const char *k)
{
    for (size_t i = 0; keys && i < n && keys[i]; i++)
        if (strcmp(keys[i], k) == 0)
            return 1;
    return 0;
}

/* An object as label/value rows: at the top level the paper form's order
 * (header fields left out), else the schema's required fields in the order
 * it lists them, then the others. */
static void object_rows(ctx *c, const json_t *obj, const json_t *schema, int depth)
{
    const json_t *props = json_object_get(schema, "properties");
    const json_t *required = json_object_get(schema, "required");
    const char *const *order = depth == 0 ? order_of(c->type) : NULL;
    const char *key;
    json_t *v;
    size_t i;
    if (c->fmt == ITK_RENDER_HTML)
        itk_buf_puts(c->out, "<table class=\"fields\">\n");
    /* form 1's paper has every row, filled in or not: a field the filer
     * left out (取り扱う情報, 再委託の予定) is a row with "—", as the blank
     * on paper, when the schema knows it (its label, never the key) */
    int blanks = depth == 0 && c->type && strcmp(c->type, "form1") == 0;
    for (i = 0; order && i < 24 && order[i]; i++) {
        const json_t *field = json_object_get(obj, order[i]);
        if (field)
            row(c, order[i], field, props, depth);
        else if (blanks && json_object_get(props, order[i]))
            row(c, order[i], json_null(), props, depth);
    }
    json_array_foreach(required, i, v)
    {
        const char *k = json_string_value(v);
        const json_t *field = k ? json_object_get(obj, k) : NULL;
        if (field && !in_list(order, 24, k) && !(depth == 0 && is_header_key(k)))
            row(c, k, field, props, depth);
    }
    json_object_foreach((json_t *)obj, key, v)
    {
        if (!listed(required, key) && !in_list(order, 24, key) &&
            !(depth == 0 && is_header_key(key)))
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

/* Print layout shared by every form page and the register ledger: A4
 * portrait, a page break before each form when several are printed
 * together, table headers repeated on every page, long words wrapped
 * instead of cut. */
static const char css[] =
    "@page{size:A4 portrait;margin:15mm}"
    "body{font-family:'IPAexMincho','Noto Serif CJK JP','Hiragino Mincho ProN','Yu Mincho',serif;"
    "font-size:10.5pt;color:#000;max-width:180mm;margin:0 auto}"
    ".form{break-before:page}.form:first-of-type{break-before:auto}"
    "h1{font-size:15pt;text-align:center;margin:6mm 0 6mm;letter-spacing:.1em}"
    ".dateline{text-align:right;margin:0 0 3mm}"
    ".to{font-size:12pt;margin:0 0 3mm}"
    ".from{margin:0 0 0 auto;width:60%}.from table{margin:0}"
    ".from th,.from td{border:none;padding:.5mm 1mm;background:none}"
    ".from th{width:5em;white-space:nowrap}"
    ".recno{text-align:right;font-size:9pt;margin:0 0 2mm}"
    "table{border-collapse:collapse;width:100%;margin:1mm 0}"
    "thead{display:table-header-group}tr{break-inside:avoid}"
    "th,td{border:1px solid #000;padding:1.5mm 2mm;vertical-align:top;text-align:left;"
    "overflow-wrap:anywhere;word-break:normal}"
    "th{width:28%;background:#f2f2f2;font-weight:normal}"
    "td th{width:30%}" ITK_TEXT_HTML_CSS
    "ol.items{margin:0;padding-left:5mm}ol.items li{margin-bottom:1mm}"
    ".sig{margin-top:8mm;border:2px solid #000;padding:2mm 3mm;break-inside:avoid}"
    ".sig h2{font-size:11pt;margin:0 0 2mm}.ok{color:#060}.bad{color:#a00}"
    ".contacts{margin-top:6mm;break-inside:avoid}.contacts h2{font-size:11pt;margin:0 0 2mm}"
    ".contacts th{width:auto}"
    "code{font-size:8.5pt;overflow-wrap:anywhere;word-break:break-all}"
    "table.ledger{font-size:7.5pt;table-layout:fixed}table.ledger "
    "th{width:auto;text-align:center;word-break:keep-all}"
    "table.ledger td{padding:1mm 1.2mm}table.ledger .nw{white-space:nowrap}"
    "table.ledger .small{font-size:75%;color:#444}";

const char *itk_display_name(const itk_snapshot *s, const char *party, const char *principal)
{
    (void)s;
    (void)party;
    return principal; /* until keys carry a display name (issue 15 point 3) */
}

/* A principal (the key's holder, a code such as "manager") as a page shows
 * it: the catalog's label (domain "principal"), else the code itself. */
static const char *principal_label(const ctx *c, const char *principal)
{
    const char *l = principal ? itk_labels_get(c->labels, "principal", principal) : NULL;
    return l ? l : principal;
}

static const char *sig_state(const itk_render_signature *sig)
{
    return !sig             ? "未署名"
           : !sig->verified ? "検証失敗"
           : sig->is_void   ? "∅ 無効（鍵の危殆化後の署名）"
                            : "検証済み";
}

static void signature_block(ctx *c, const itk_render_signature *sig, const char *signer_name,
                            const char *display)
{
    int html = c->fmt == ITK_RENDER_HTML;
    char era[64] = "", hhmm[6] = "", when[80] = "—", who[300];
    if (sig && sig->date && local_era(c, era, hhmm, sig->date) == 0)
        snprintf(when, sizeof(when), "%s %s", era, hhmm);
    /* the person by name, the principal beside it, by the catalog's word
     * for its code (管理責任者, not manager) */
    const char *plabel = sig ? principal_label(c, sig->principal) : NULL;
    if (sig && sig->principal_name && *sig->principal_name)
        snprintf(who, sizeof(who), "%s (%s)", sig->principal_name, plabel);
    else if (display && *display)
        snprintf(who, sizeof(who), "%s",
                 sig && sig->principal && strcmp(display, sig->principal) == 0 ? plabel : display);
    else
        snprintf(who, sizeof(who), "%s", plabel ? plabel : "—");
    itk_error_clear();
    const char *state = sig_state(sig);
    const char *rows[][2] = {
        {"署名者", sig ? (signer_name && *signer_name ? signer_name : sig->party) : "—"},
        {"担当者", sig ? who : "—"},
        {"鍵指紋", sig ? sig->fingerprint : "—"},
        {"コミット", sig ? sig->commit : "—"},
        {"署名日時", when},
    };
    if (html) {
        itk_buf_puts(c->out, "<div class=\"sig\"><h2>電子署名</h2><table>");
        for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
            itk_buf_puts(c->out, "<tr><th>");
            esc(c, rows[i][0]);
            itk_buf_puts(c->out, i == 2 || i == 3 ? "</th><td><code>" : "</th><td>");
            esc(c, rows[i][1] ? rows[i][1] : "—");
            itk_buf_puts(c->out, i == 2 || i == 3 ? "</code></td></tr>" : "</td></tr>");
        }
        itk_buf_printf(c->out, "<tr><th>検証</th><td class=\"%s\">%s</td></tr>",
                       sig && sig->verified && !sig->is_void ? "ok" : "bad", state);
        itk_buf_puts(c->out, "</table></div>\n");
        return;
    }
    itk_buf_puts(c->out, "\n## 電子署名\n\n| 項目 | 内容 |\n|---|---|\n");
    for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
        itk_buf_printf(c->out, "| %s | %s", rows[i][0], i == 2 || i == 3 ? "`" : "");
        esc(c, rows[i][1] ? rows[i][1] : "—");
        itk_buf_printf(c->out, "%s |\n", i == 2 || i == 3 ? "`" : "");
    }
    itk_buf_printf(c->out, "| 検証 | %s |\n", state);
}

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* The honorific after an addressee: none when one is typed already (殿,
 * 様, 御中, with spaces after it or not), else "　様". */
static const char *honorific(const char *addressee)
{
    static const char *const ends[] = {"殿", "様", "御中", NULL};
    size_t n = addressee ? strlen(addressee) : 0;
    for (;;) {
        if (n && addressee[n - 1] == ' ')
            n--;
        else if (n >= 3 && memcmp(addressee + n - 3, "\xE3\x80\x80", 3) == 0) /* U+3000 */
            n -= 3;
        else
            break;
    }
    for (size_t i = 0; ends[i]; i++) {
        size_t k = strlen(ends[i]);
        if (n >= k && memcmp(addressee + n - k, ends[i], k) == 0)
            return "";
    }
    return "　様";
}

/* The date line a form leaves to be written by hand, the era printed as
 * the paper forms print it. */
#define BLANK_DATELINE "令和　　年　　月　　日"

/* The block above the title: date line in the era, addressee, the
 * submitter's address, company name and representative, and the contract
 * the form is filed under (契約番号, 契約件名), as the paper form's header
 * has them. */
static void header_block(ctx *c, const char *date, const itk_render_header *h)
{
    char era[64] = "", hhmm[6];
    if (date && local_era(c, era, hhmm, date) != 0)
        era[0] = '\0';
    itk_error_clear();
    const char *rows[][2] = {
        {"所在地", h->address},          {"名称", h->company},
        {"代表者", h->representative},   {"契約番号", h->contract_id},
        {"契約件名", h->contract_title},
    };
    const size_t nrows = sizeof(rows) / sizeof(*rows);
    if (c->fmt == ITK_RENDER_HTML) {
        itk_buf_puts(c->out, "<p class=\"dateline\">");
        esc(c, era[0] ? era : BLANK_DATELINE);
        itk_buf_puts(c->out, "</p>\n<p class=\"to\">");
        esc(c, h->addressee && *h->addressee ? h->addressee : "　　　　");
        itk_buf_puts(c->out, honorific(h->addressee));
        itk_buf_puts(c->out, "</p>\n<div class=\"from\"><table>");
        for (size_t i = 0; i < nrows; i++) {
            if (!rows[i][1] || !*rows[i][1])
                continue;
            itk_buf_printf(c->out, "<tr><th>%s</th><td>", rows[i][0]);
            esc(c, rows[i][1]);
            itk_buf_puts(c->out, "</td></tr>");
        }
        itk_buf_puts(c->out, "</table></div>\n");
        return;
    }
    itk_buf_puts(c->out, era[0] ? era : BLANK_DATELINE);
    itk_buf_puts(c->out, "  \n宛先: ");
    esc(c, h->addressee && *h->addressee ? h->addressee : "—");
    itk_buf_puts(c->out, h->addressee && *h->addressee ? honorific(h->addressee) : "");
    itk_buf_puts(c->out, "  \n");
    for (size_t i = 0; i < nrows; i++) {
        if (!rows[i][1] || !*rows[i][1])
            continue;
        itk_buf_printf(c->out, "%s: ", rows[i][0]);
        esc(c, rows[i][1]);
        itk_buf_puts(c->out, "  \n");
    }
    itk_buf_puts(c->out, "\n");
}

int itk_render_record(itk_buf *out, const json_t *record, const json_t *schema,
                      const itk_render_signature *sig, itk_render_format fmt, int offset)
{
    return itk_render_record_labeled(out, record, schema, NULL, sig, fmt, offset);
}

int itk_render_record_labeled(itk_buf *out, const json_t *record, const json_t *schema,
                              const itk_labels *labels, const itk_render_signature *sig,
                              itk_render_format fmt, int offset)
{
    return itk_render_form(out, record, schema, labels, sig, NULL, fmt, offset);
}

int itk_render_form(itk_buf *out, const json_t *record, const json_t *schema,
                    const itk_labels *labels, const itk_render_signature *sig,
                    const itk_render_header *hdr, itk_render_format fmt, int offset)
{
    const char *type = jstr(record, "type");
    const char *id = jstr(record, "id");
    const char *party = jstr(record, "party");
    const char *created = jstr(record, "created");
    json_t *body = json_object_get(record, "body");
    if (!type || !id || !party || !created || !json_is_object(body))
        return itk_error_set(ITK_EINVALID, "not a record: it needs type, id, party, created and "
                                           "body");
    /* a request for subcontracting is form 6 on paper */
    const char *kind = jstr(body, "kind");
    const char *form =
        strcmp(type, "request") == 0 && kind && strcmp(kind, "subcontract") == 0 ? "form6" : type;
    const char *title = itk_labels_get(labels, "form", form);
    if (!title)
        title = itk_form_title(form);
    if (!title)
        title = type;
    ctx c = {out, schema, fmt, offset, labels, type, NULL, hdr ? hdr->parties : NULL};
    /* the header: what the form itself says first, then what the caller
     * knows from the party records, never the bare party id */
    const json_t *sub = json_object_get(body, "submitter");
    itk_render_header h = {0};
    if (hdr)
        h = *hdr;
    if (jstr(body, "addressee"))
        h.addressee = jstr(body, "addressee");
    if (jstr(sub, "name"))
        h.company = jstr(sub, "name");
    if (jstr(sub, "representative"))
        h.representative = jstr(sub, "representative");
    if (jstr(sub, "address"))
        h.address = jstr(sub, "address");
    if (jstr(body, "contract_id"))
        h.contract_id = jstr(body, "contract_id");
    if (jstr(body, "contract_title"))
        h.contract_title = jstr(body, "contract_title");
    if (!h.company || !*h.company)
        h.company = party;
    const char *date = jstr(body, "submitted_on") ? jstr(body, "submitted_on") : created;
    /* the record as every other screen names it: <party>/<id> */
    char recno[160];
    snprintf(recno, sizeof(recno), "%s/%s", party, id);
    itk_buf_clear(out);
    if (fmt == ITK_RENDER_HTML) {
        itk_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
                          "<title>");
        esc(&c, title); /* a browser prints it atop the page: the company, not its id */
        itk_buf_puts(out, " ");
        esc(&c, h.company);
        itk_buf_puts(out, " ");
        esc(&c, id);
        itk_buf_printf(out, "</title><style>%s</style></head><body>\n", css);
        itk_buf_puts(out, "<div class=\"form\">\n");
        header_block(&c, date, &h);
        itk_buf_puts(out, "<h1>");
        esc(&c, title);
        itk_buf_puts(out, "</h1>\n<p class=\"recno\">記録番号 ");
        esc(&c, recno);
        itk_buf_puts(out, "</p>\n");
        object_rows(&c, body, schema, 0);
        signature_block(&c, sig, h.signer_name, h.signer_display);
        itk_buf_puts(out, "</div>\n</body></html>\n");
    } else {
        itk_buf_puts(out, "# ");
        esc(&c, title);
        itk_buf_puts(out, "\n\n");
        header_block(&c, date, &h);
        itk_buf_puts(out, "記録番号 ");
        esc(&c, recno);
        itk_buf_puts(out, "\n\n");
        object_rows(&c, body, schema, 0);
        signature_block(&c, sig, h.signer_name, h.signer_display);
    }
    return 0;
}

static const char void_html[] =
    "<p class=\"itk-void\" style=\"border:2px solid #7b2d8b;color:#7b2d8b;padding:4px\">"
    "∅ 無効: 危殆化した鍵でその後に署名されたため、この記録は数えません。</p>";
static const char recovered_html[] =
    "<p class=\"itk-recovered\" style=\"border:2px solid #b36b00;color:#b36b00;padding:4px\">"
    "⚑ 発注者が回復した鍵による署名（当事者の確認前）</p>";
static const char void_md[] =
    "> ∅ 無効: 危殆化した鍵でその後に署名されたため、この記録は数えません。\n\n";
static const char recovered_md[] = "> ⚑ 発注者が回復した鍵による署名（当事者の確認前）\n\n";

/* A party's company name from its party file, NULL when there is none. */
static const char *party_name(const itk_snapshot *s, const char *party)
{
    char path[ITK_PARTY_ID_MAX + 32];
    size_t i;
    if (!party)
        return NULL;
    snprintf(path, sizeof(path), "parties/%s/party.json", party);
    if (itk_snapshot_find(&i, s, path) != 0) {
        itk_error_clear();
        return NULL;
    }
    return itk_snapshot_body_str(s, i, "name");
}

/* The representative and address of a party: its form 1 in force (the
 * latest counting one) says them. */
static void party_submitter(const itk_snapshot *s, const char *party, const char **rep,
                            const char **addr, json_t **keep)
{
    long best = itk_snapshot_form1(s, party);
    if (best < 0 || itk_snapshot_json(keep, s, (size_t)best) != 0)
        return;
    const json_t *sub = json_object_get(json_object_get(*keep, "body"), "submitter");
    *rep = jstr(sub, "representative");
    *addr = jstr(sub, "address");
}

/* One row of the 決裁欄: the post, the person, the date, the mark. */
static void kessai_row(ctx *c, const itk_snapshot *s, size_t k, const char *post,
                       const char *acting_for, const char *verdict)
{
    itk_snapshot_origin o;
    itk_buf name = ITK_BUF_INIT;
    char era[64] = "", hhmm[6] = "", when[80] = "—", who[300], role[600];
    itk_snapshot_origin_get(&o, s, k);
    if (itk_snapshot_signer_name(&name, s, k) != 0)
        itk_buf_clear(&name);
    if (o.date[0] && local_era(c, era, hhmm, o.date) == 0)
        snprintf(when, sizeof(when), "%s %s", era, hhmm);
    itk_error_clear();
    if (name.size)
        snprintf(who, sizeof(who), "%s (%s)", name.ptr, principal_label(c, o.principal));
    else
        snprintf(who, sizeof(who), "%s", o.principal[0] ? principal_label(c, o.principal) : "—");
    snprintf(role, sizeof(role), "%s%s%s%s", post ? post : "—", acting_for ? "（代決: " : "",
             acting_for ? acting_for : "", acting_for ? "）" : "");
    const char *v = verdict ? itk_labels_get(c->labels, "decision.outcome", verdict) : NULL;
    const char *mark = o.commit[0] && o.verified && !o.is_void ? "✓ 検証済み" : "✗ 検証失敗";
    const char *cells[] = {role, who, when, v ? v : verdict ? verdict : "起案", mark};
    if (c->fmt == ITK_RENDER_HTML) {
        itk_buf_puts(c->out, "<tr>");
        for (size_t i = 0; i < sizeof(cells) / sizeof(*cells); i++) {
            itk_buf_puts(c->out, i == 4 && strncmp(mark, "✓", 3) == 0 ? "<td class=\"ok\">"
                                 : i == 4                             ? "<td class=\"bad\">"
                                                                      : "<td>");
            esc(c, cells[i]);
            itk_buf_puts(c->out, "</td>");
        }
        itk_buf_puts(c->out, "</tr>");
    } else {
        for (size_t i = 0; i < sizeof(cells) / sizeof(*cells); i++) {
            itk_buf_puts(c->out, "| ");
            esc(c, cells[i]);
            itk_buf_puts(c->out, " ");
        }
        itk_buf_puts(c->out, "|\n");
    }
    itk_buf_dispose(&name);
}

/* The 決裁欄 of a decision made under a decision rule (DESIGN V12): the
 * drafter (起案), then each seal its body lists, in the rule's order, then
 * the other seals on its draft (a 不可 the others' seals outweighed), each
 * with post, name, date, verdict and verification mark. Nothing for other
 * records. */
static void kessai_block(itk_buf *out, const itk_snapshot *s, size_t i, itk_render_format fmt)
{
    const itk_path_info *pi = itk_snapshot_info(s, i);
    json_t *rec = NULL;
    if (!pi || !pi->type || strcmp(pi->type->type, "decision") != 0 ||
        itk_snapshot_json(&rec, s, i) != 0) {
        itk_error_clear();
        return;
    }
    const json_t *body = json_object_get(rec, "body");
    const json_t *seals = json_object_get(body, "seals");
    const char *request = jstr(body, "request");
    if (!json_is_array(seals) || !request) {
        json_decref(rec);
        return;
    }
    ctx c = {out, NULL, fmt, itk_snapshot_offset(s), itk_snapshot_labels(s), "decision", NULL, s};
    if (fmt == ITK_RENDER_HTML)
        itk_buf_puts(out, "<div class=\"sig\"><h2>決裁欄</h2><table><tr><th>職</th><th>氏名"
                          "</th><th>日時</th><th>決定</th><th>検証</th></tr>");
    else
        itk_buf_puts(out,
                     "\n## 決裁欄\n\n| 職 | 氏名 | 日時 | 決定 | 検証 |\n|---|---|---|---|---|\n");
    /* the draft of the same request by the same party that the decision
     * names (its commit): after a redraft, the redraft, not the earlier
     * draft its branch carries; the first one when none is named so */
    const char *draft = jstr(body, "draft");
    size_t first = SIZE_MAX, named = SIZE_MAX;
    for (size_t k = 0; k < itk_snapshot_count(s) && named == SIZE_MAX; k++) {
        const itk_path_info *dk = itk_snapshot_info(s, k);
        const char *r = itk_snapshot_body_str(s, k, "request");
        itk_snapshot_origin o;
        if (!dk || !dk->type || strcmp(dk->type->type, "draft") != 0 ||
            strcmp(dk->party, pi->party) != 0 || !r || strcmp(r, request) != 0)
            continue;
        itk_snapshot_origin_get(&o, s, k);
        if (draft && strcmp(o.commit, draft) == 0)
            named = k;
        else if (first == SIZE_MAX)
            first = k;
    }
    if (named != SIZE_MAX || first != SIZE_MAX) {
        size_t k = named != SIZE_MAX ? named : first;
        kessai_row(&c, s, k, itk_snapshot_body_str(s, k, "post"), NULL, NULL);
    }
    size_t n;
    const json_t *v;
    json_array_foreach(seals, n, v)
    {
        char path[200];
        size_t k;
        snprintf(path, sizeof(path), "parties/%s/seals/%s/%.20s.json", pi->party, pi->requester,
                 json_is_string(v) ? json_string_value(v) : "");
        if (!json_is_string(v) || itk_snapshot_find(&k, s, path) != 0) {
            itk_error_clear();
            continue;
        }
        kessai_row(&c, s, k, itk_snapshot_body_str(s, k, "post"),
                   itk_snapshot_body_str(s, k, "acting_for"),
                   itk_snapshot_body_str(s, k, "verdict"));
    }
    /* then the other seals on the same draft, as the paper 決裁欄 keeps
     * them: a post that sealed 不可 (rejected, returned) on a request
     * decided anyway by the others' seals */
    for (size_t k = 0; draft && k < itk_snapshot_count(s); k++) {
        const itk_path_info *sk = itk_snapshot_info(s, k);
        const char *r = itk_snapshot_body_str(s, k, "request");
        const char *d = itk_snapshot_body_str(s, k, "draft");
        if (!sk || !sk->type || strcmp(sk->type->type, "seal") != 0 ||
            strcmp(sk->party, pi->party) != 0 || !r || strcmp(r, request) != 0 || !d ||
            strcmp(d, draft) != 0 || listed(seals, sk->id))
            continue;
        kessai_row(&c, s, k, itk_snapshot_body_str(s, k, "post"),
                   itk_snapshot_body_str(s, k, "acting_for"),
                   itk_snapshot_body_str(s, k, "verdict"));
    }
    itk_buf_puts(out, fmt == ITK_RENDER_HTML ? "</table></div>\n" : "\n");
    json_decref(rec);
}

/* The contacts (連絡先) of the contract settings in force for record i
 * (contract amend, contract_settings.h): those of the last, by id,
 * counting contract amendment naming contacts whose commit is i's or an
 * ancestor of it, so an old page shows the contacts of its day (every
 * amendment of the snapshot when i has no commit). *keep gets that
 * amendment (the caller decrefs it); NULL when none is in force. */
static const json_t *contacts_in_force(const itk_snapshot *s, size_t i, json_t **keep)
{
    itk_snapshot_origin o, a;
    git_oid rec_oid, am_oid;
    const char *best = NULL;
    *keep = NULL;
    itk_snapshot_origin_get(&o, s, i);
    int have = o.commit[0] && git_oid_fromstr(&rec_oid, o.commit) == 0;
    for (size_t k = 0; k < itk_snapshot_count(s); k++) {
        const itk_path_info *pk = itk_snapshot_info(s, k);
        json_t *rec = NULL;
        if (!pk || pk->kind != ITK_PATH_RECORD || !pk->type ||
            strcmp(pk->type->type, "contract-amendment") != 0 || !itk_snapshot_counts(s, k) ||
            (best && strcmp(pk->id, best) < 0))
            continue;
        itk_snapshot_origin_get(&a, s, k);
        if (have && (!a.commit[0] || git_oid_fromstr(&am_oid, a.commit) != 0 ||
                     (!git_oid_equal(&am_oid, &rec_oid) &&
                      (!s->repo || git_graph_descendant_of(s->repo, &rec_oid, &am_oid) != 1))))
            continue;
        if (itk_snapshot_json(&rec, s, k) != 0 ||
            !json_is_array(json_object_get(json_object_get(rec, "body"), "contacts"))) {
            json_decref(rec);
            continue;
        }
        json_decref(*keep);
        *keep = rec;
        best = pk->id;
    }
    itk_error_clear();
    return *keep ? json_object_get(json_object_get(*keep, "body"), "contacts") : NULL;
}

/* The paper forms that carry contact details (seed form-fields: form 1's
 * 連絡体制, form 6's 連絡先, the incident report's line to the city, §10)
 * show the contract's contacts in force too: whose (所属: the city's or a
 * company's name), role, name, telephone and e-mail, before the signature
 * block. On form 1, the filer's own contacts are its 連絡体制 (contact_chain),
 * which it files and signs: the table then lists only the others' (the
 * city's line), under its own heading, so that no person is listed twice
 * with two sets of details. Nothing for other records, or when no contacts
 * (left) are in force. */
static void contacts_block(itk_buf *out, const itk_snapshot *s, size_t i, itk_render_format fmt)
{
    const itk_path_info *pi = itk_snapshot_info(s, i);
    const char *kind = itk_snapshot_body_str(s, i, "kind");
    if (!pi || !pi->type ||
        !(strcmp(pi->type->type, "form1") == 0 || strcmp(pi->type->type, "incident") == 0 ||
          (strcmp(pi->type->type, "request") == 0 && kind && strcmp(kind, "subcontract") == 0)))
        return;
    json_t *keep = NULL;
    const json_t *contacts = contacts_in_force(s, i, &keep), *v;
    const char *own = strcmp(pi->type->type, "form1") == 0 ? pi->party : NULL;
    size_t n, shown = 0;
    json_array_foreach(contacts, n, v)
    {
        const char *p = jstr(v, "party");
        shown += !own || !p || strcmp(p, own) != 0;
    }
    if (!shown) {
        json_decref(keep);
        return;
    }
    const itk_labels *l = itk_snapshot_labels(s);
    ctx c = {out, NULL, fmt, itk_snapshot_offset(s), l, pi->type->type, NULL, s};
    static const char *const codes[][2] = {{"contact_party", "所属"},
                                           {"contact_role", "役割"},
                                           {"contact_name", "氏名"},
                                           {"contact_phone", "電話番号"},
                                           {"contact_email", "電子メール"}};
    static const char *const fields[] = {"party", "role", "name", "phone", "email"};
    const size_t ncol = sizeof(fields) / sizeof(*fields);
    const char *title = itk_labels_get(l, "column", own ? "contact_others" : "contact");
    if (!title)
        title = own ? "発注者等の連絡先" : "連絡先";
    if (fmt == ITK_RENDER_HTML) {
        itk_buf_puts(out, "<div class=\"contacts\"><h2>");
        esc(&c, title);
        itk_buf_puts(out, "</h2><table><tr>");
    } else {
        itk_buf_puts(out, "\n## ");
        esc(&c, title);
        itk_buf_puts(out, "\n\n|");
    }
    for (size_t k = 0; k < ncol; k++) {
        const char *h = itk_labels_get(l, "column", codes[k][0]);
        itk_buf_puts(out, fmt == ITK_RENDER_HTML ? "<th>" : " ");
        esc(&c, h ? h : codes[k][1]);
        itk_buf_puts(out, fmt == ITK_RENDER_HTML ? "</th>" : " |");
    }
    itk_buf_puts(out, fmt == ITK_RENDER_HTML ? "</tr>" : "\n|---|---|---|---|---|\n");
    json_array_foreach(contacts, n, v)
    {
        const char *p = jstr(v, "party");
        if (own && p && strcmp(p, own) == 0)
            continue; /* form 1's own 連絡体制 says it */
        itk_buf_puts(out, fmt == ITK_RENDER_HTML ? "<tr>" : "|");
        for (size_t k = 0; k < ncol; k++) {
            const char *val = jstr(v, fields[k]);
            char who[300];
            if (k == 0 && val && party_name(s, val)) {
                snprintf(who, sizeof(who), "%s（%s）", party_name(s, val), val);
                val = who;
            }
            itk_buf_puts(out, fmt == ITK_RENDER_HTML ? "<td>" : " ");
            esc(&c, val && *val ? val : "—");
            itk_buf_puts(out, fmt == ITK_RENDER_HTML ? "</td>" : " |");
        }
        itk_buf_puts(out, fmt == ITK_RENDER_HTML ? "</tr>" : "\n");
    }
    itk_buf_puts(out, fmt == ITK_RENDER_HTML ? "</table></div>\n" : "\n");
    json_decref(keep);
}

int itk_form_page(itk_buf *out, const itk_snapshot *s, size_t i, const json_t *schema,
                  itk_render_format fmt)
{
    const itk_path_info *pi = itk_snapshot_info(s, i);
    itk_snapshot_origin o;
    json_t *rec = NULL, *f1 = NULL;
    itk_buf page = ITK_BUF_INIT;
    if (!pi || pi->kind != ITK_PATH_RECORD)
        return itk_error_set(ITK_EINVALID, "%s is not a record: it has no form page",
                             pi ? itk_snapshot_path(s, i) : "that");
    itk_snapshot_origin_get(&o, s, i);
    /* the signer's name in force at that commit (itaku/people.h) */
    itk_buf name = ITK_BUF_INIT;
    if (itk_snapshot_signer_name(&name, s, i) != 0) {
        itk_error_clear();
        itk_buf_clear(&name);
    }
    itk_render_signature sig = {o.commit,    o.date,        o.party,
                                o.principal, o.fingerprint, o.verified,
                                o.is_void,   o.recovered,   name.size ? name.ptr : NULL};
    /* who writes to whom: the submitter to its parent; a decision (or any
     * record filed under a request) to the requester */
    itk_render_header h = {0};
    const char *to = pi->requester[0] ? pi->requester : itk_snapshot_parent(s, pi->party);
    h.addressee = party_name(s, to) ? party_name(s, to) : to;
    h.company = party_name(s, pi->party);
    party_submitter(s, pi->party, &h.representative, &h.address, &f1);
    h.signer_name = party_name(s, o.party);
    h.signer_display = itk_display_name(s, o.party, o.principal);
    h.parties = s;
    h.contract_id = itk_snapshot_contract(s, "contract_id");
    h.contract_title = itk_snapshot_contract(s, "title");
    int rc = itk_snapshot_json(&rec, s, i);
    rc = rc ? rc
            : itk_render_form(&page, rec, schema, itk_snapshot_labels(s), o.commit[0] ? &sig : NULL,
                              &h, fmt, itk_snapshot_offset(s));
    json_decref(rec);
    json_decref(f1);
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
    /* a decision's 決裁欄 goes before its signature block */
    const char *sigmark =
        strstr(page.ptr + at, fmt == ITK_RENDER_HTML ? "<div class=\"sig\">" : "\n## 電子署名");
    if (sigmark) {
        itk_buf_put(out, page.ptr + at, (size_t)(sigmark - (page.ptr + at)));
        contacts_block(out, s, i, fmt);
        kessai_block(out, s, i, fmt);
        itk_buf_puts(out, sigmark);
    } else
        itk_buf_puts(out, page.ptr + at);
    itk_buf_dispose(&page);
    return 0;
}

/* --- form 3: the register as one ledger ------------------------------------- */

typedef struct {
    size_t i;
    const char *id; /* the record id: the order entries were filed in */
    int counts;     /* shown (not superseded) */
    size_t no;      /* its place in the party's register, from 1 */
    long long t;    /* when it happened (0: unreadable) */
} ledger_row;

/* Filing order: the record ids in the order git keeps the folder's files,
 * the order `register export` numbers them in. */
static int by_id(const void *a, const void *b)
{
    const ledger_row *x = a, *y = b;
    return strcmp(x->id, y->id);
}

/* The order the ledger is printed in: when each happened, then filing. */
static int by_time(const void *a, const void *b)
{
    const ledger_row *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->no < y->no ? -1 : x->no > y->no;
}

/* One cell: the fields' values (labels for codes, era for dates) joined
 * by a line break. */
static void cell(ctx *c, const json_t *body, const char *const *keys, int nowrap)
{
    int any = 0;
    itk_buf_puts(c->out, nowrap ? "<td class=\"nw\">" : "<td>");
    for (size_t k = 0; keys[k]; k++) {
        const json_t *v = json_object_get(body, keys[k]);
        if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
            continue;
        if (any++)
            itk_buf_puts(c->out, "<br>");
        c->key = keys[k];
        if (strcmp(keys[k], "quantity") == 0 && json_is_object(v)) {
            const json_t *n = json_object_get(v, "value");
            if (json_is_integer(n))
                itk_buf_printf(c->out, "%lld", (long long)json_integer_value(n));
            else if (json_is_real(n))
                itk_buf_printf(c->out, "%g", json_real_value(n));
            esc(c, jstr(v, "unit") ? jstr(v, "unit") : "");
        } else if (strcmp(keys[k], "to") == 0 && json_object_get(body, "from")) {
            itk_buf_puts(c->out, "→ ");
            scalar(c, v);
        } else if (json_is_string(v) && looks_like_date(json_string_value(v))) {
            char era[64], hhmm[6];
            if (local_era(c, era, hhmm, json_string_value(v)) == 0) {
                const char *nen = strstr(era, "年"); /* 令和8年 / 12月2日 */
                if (nen) {
                    itk_buf_put(c->out, era, (size_t)(nen - era) + strlen("年"));
                    itk_buf_puts(c->out, "<br>");
                    esc(c, nen + strlen("年"));
                } else
                    esc(c, era);
                if (hhmm[0]) {
                    itk_buf_puts(c->out, "<br>");
                    itk_buf_puts(c->out, hhmm);
                }
            } else
                esc(c, json_string_value(v));
            itk_error_clear();
        } else if (json_is_object(v) || json_is_array(v))
            value(c, v, NULL, 1);
        else
            scalar(c, v);
    }
    if (!any)
        itk_buf_puts(c->out, "—");
    itk_buf_puts(c->out, "</td>");
}

int itk_register_ledger(itk_buf *out, const itk_snapshot *s, const char *party)
{
    static const struct {
        const char *head;
        const char *keys[5];
        int nowrap; /* short values: never narrower than they are */
        int width;  /* percent of the page: fixed, so one long text cannot squeeze the rest */
    } cols[] = {
        {"番号", {"entry_no"}, 1, 9},
        {"日時", {"occurred_at"}, 1, 9},
        {"区分", {"action"}, 1, 8},
        {"管理番号<br>情報の名称", {"item_id", "info_name"}, 0, 15},
        {"媒体<br>数量", {"medium", "quantity"}, 1, 9},
        {"受渡方法<br>授受者", {"method", "from", "to"}, 0, 9},
        {"持出先・目的<br>返却予定<br>返却日",
         {"destination", "purpose", "due_on", "returned_on"},
         0,
         9},
        {"承認・指示", {"approval", "instruction_ref", "unapproved_reason"}, 0, 8},
        {"取扱者<br>確認者", {"handler", "verifier"}, 0, 9},
        {"備考", {"note", "derived_from"}, 0, 7},
    };
    ledger_row *rows = NULL;
    size_t n = 0;
    int offset = itk_snapshot_offset(s);
    if (!party || !*party)
        return itk_error_set(ITK_EINVALID, "the register ledger needs a party");
    rows = itk_calloc(itk_snapshot_count(s) + 1, sizeof(*rows));
    if (!rows)
        return ITK_ENOMEM;
    size_t shown = 0;
    for (size_t i = 0; i < itk_snapshot_count(s); i++) {
        const itk_path_info *pi = itk_snapshot_info(s, i);
        if (pi->kind != ITK_PATH_RECORD || !pi->type || strcmp(pi->type->type, "register") != 0 ||
            strcmp(pi->party, party) != 0)
            continue;
        const char *when = itk_snapshot_body_str(s, i, "occurred_at");
        long long t = 0;
        if (!when || itk_time_parse(&t, when, offset, 0) != 0)
            t = 0;
        itk_error_clear();
        rows[n] = (ledger_row){i, pi->id, itk_snapshot_counts(s, i), 0, t};
        shown += rows[n++].counts != 0;
    }
    if (!n && !party_name(s, party)) {
        free(rows);
        return itk_error_set(
            ITK_ENOTFOUND, "no party '%s' in this registry: see itaku who for the parties", party);
    }
    /* each entry numbered by its place in the party's register, superseded
     * ones counted too: the numbers `register export` gives; printed in
     * the order things happened */
    qsort(rows, n, sizeof(*rows), by_id);
    for (size_t r = 0; r < n; r++)
        rows[r].no = r + 1;
    qsort(rows, n, sizeof(*rows), by_time);
    ctx c = {out, NULL, ITK_RENDER_HTML, offset, itk_snapshot_labels(s), "register", NULL, s};
    const char *title = itk_labels_get(c.labels, "form", "register");
    if (!title)
        title = itk_form_title("register");
    const char *company = party_name(s, party);
    json_t *f1 = NULL;
    itk_render_header h = {0};
    const char *to = itk_snapshot_parent(s, party);
    h.addressee = party_name(s, to) ? party_name(s, to) : to;
    h.company = company ? company : party;
    party_submitter(s, party, &h.representative, &h.address, &f1);
    itk_buf_clear(out);
    itk_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>");
    esc(&c, title); /* a browser prints it atop the page: the company, not its id */
    itk_buf_puts(out, " ");
    esc(&c, h.company);
    itk_buf_printf(out, "</title><style>%s</style></head><body>\n<div class=\"form\">\n", css);
    header_block(&c, NULL, &h); /* the date line is filled in when filed */
    itk_buf_puts(out, "<h1>");
    esc(&c, title);
    itk_buf_printf(out, "</h1>\n<p class=\"recno\">記載件数 %zu 件</p>\n", shown);
    itk_buf_puts(out, "<table class=\"ledger\"><colgroup>");
    for (size_t k = 0; k < sizeof(cols) / sizeof(*cols); k++)
        itk_buf_printf(out, "<col style=\"width:%d%%\">", cols[k].width);
    itk_buf_puts(out, "<col style=\"width:8%\"></colgroup><thead><tr>");
    for (size_t k = 0; k < sizeof(cols) / sizeof(*cols); k++)
        itk_buf_printf(out, "<th>%s</th>", cols[k].head);
    itk_buf_puts(out, "<th>署名</th></tr></thead>\n<tbody>\n");
    for (size_t r = 0; r < n; r++) {
        json_t *rec = NULL;
        if (!rows[r].counts)
            continue;
        if (itk_snapshot_json(&rec, s, rows[r].i) != 0) {
            itk_error_clear();
            continue;
        }
        const json_t *body = json_object_get(rec, "body");
        itk_buf_puts(out, "<tr>");
        if (!json_object_get(body, "entry_no")) {
            /* its place in the register, and its record id below */
            itk_buf_printf(out, "<td class=\"nw\">%zu<br><span class=\"small\">", rows[r].no);
            esc(&c, jstr(rec, "id") ? jstr(rec, "id") : "—");
            itk_buf_puts(out, "</span></td>");
        }
        for (size_t k = !json_object_get(body, "entry_no"); k < sizeof(cols) / sizeof(*cols); k++)
            cell(&c, body, cols[k].keys, cols[k].nowrap);
        itk_snapshot_origin o;
        itk_snapshot_origin_get(&o, s, rows[r].i);
        itk_render_signature sig = {o.commit,   o.date,    o.party,     o.principal, o.fingerprint,
                                    o.verified, o.is_void, o.recovered, NULL};
        itk_buf name = ITK_BUF_INIT;
        if (itk_snapshot_signer_name(&name, s, rows[r].i) != 0)
            itk_error_clear();
        itk_buf_puts(out, "<td>");
        esc(&c, !o.commit[0]             ? "—"
                : name.size && *name.ptr ? name.ptr
                                         : principal_label(&c, o.principal)); /* 管理責任者 */
        itk_buf_dispose(&name);
        itk_buf_printf(out, "<br><span class=\"%s nw\">%s</span></td></tr>\n",
                       o.commit[0] && o.verified && !o.is_void ? "ok" : "bad",
                       sig_state(o.commit[0] ? &sig : NULL));
        json_decref(rec);
    }
    if (!shown)
        itk_buf_printf(out, "<tr><td colspan=\"%zu\">記載なし</td></tr>\n",
                       sizeof(cols) / sizeof(*cols) + 1);
    itk_buf_puts(out, "</tbody></table>\n</div>\n</body></html>\n");
    json_decref(f1);
    free(rows);
    return 0;
}
