/* The register (form 3) as CSV for spreadsheets: one row per entry, UTF-8
 * with a byte-order mark so that Excel reads Japanese correctly. */
#include "itaku/contract_settings.h"
#include "itaku/dates.h"
#include "itaku/errors.h"
#include "itaku/forms.h"
#include "itaku/json.h"
#include "itaku/labels.h"
#include "itaku/party.h"
#include "itaku/textsafe.h"
#include "registry_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* every field of the register's schema (v1), so that nothing recorded is
 * missing from the spreadsheet */
static const char *const columns[][2] = {
    {"party", "事業者"},         {"id", "記録番号"},
    {"entry_no", "番号"},        {"occurred_at", "日時"},
    {"action", "区分"},          {"item_id", "管理番号"},
    {"derived_from", "複製元"},  {"info_name", "情報の名称"},
    {"medium", "媒体"},          {"quantity", "数量"},
    {"method", "受渡方法"},      {"designated_method_used", "指定方法による受渡し"},
    {"from", "渡した者"},        {"to", "受け取った者"},
    {"handler", "取扱者"},       {"verifier", "確認者"},
    {"approval", "承認申請"},    {"unapproved_reason", "未承認の理由"},
    {"instruction_ref", "指示"}, {"destination", "持出先"},
    {"purpose", "目的"},         {"due_on", "返却予定日"},
    {"returned_on", "返却日"},   {"note", "備考"},
    {"created", "記録日時"},
};

/* A spreadsheet runs a cell that starts with = + - @ as a formula; a value
 * from another party's record could do so on the city's machine. Such
 * values get a leading apostrophe, which Excel shows as text. Controls and
 * bidirectional controls are shown, not passed on (itk_text_safe; a line
 * break stays, inside the quoted cell). */
static void cell(itk_buf *out, const char *raw)
{
    itk_buf safe = ITK_BUF_INIT;
    const char *s =
        itk_text_safe(&safe, raw, strlen(raw), ITK_TEXT_BLOCK, "") == 0 && safe.ptr ? safe.ptr : "";
    itk_buf_putc(out, '"');
    if (strchr("=+-@\t\r", *s) && *s)
        itk_buf_putc(out, '\'');
    for (; *s; s++) {
        if (*s == '"')
            itk_buf_putc(out, '"');
        itk_buf_putc(out, *s);
    }
    itk_buf_putc(out, '"');
    itk_buf_dispose(&safe);
}

/* What a row shows besides the record itself. */
typedef struct {
    const itk_labels *l;     /* the catalog (NULL: codes as recorded) */
    itk_method_judge *judge; /* 指定方法による受渡し */
    long long ordinal;       /* the entry's place in its party's register, from 1 */
    int offset;              /* the contract's zone, minutes east of UTC */
} row_ctx;

/* Codes are written as the catalog's labels (受領, not received): the
 * spreadsheet is the city's paper; without a catalog, the codes. Times are
 * on the contract's clock as an officer reads them ("2026-12-03 10:00",
 * itk_time_shown), which Excel also reads as a date and time. */
static void field(itk_buf *out, const json_t *rec, const char *key, const row_ctx *x)
{
    const itk_labels *l = x->l;
    const json_t *body = json_object_get(rec, "body");
    const json_t *v = json_object_get(body, key);
    char tmp[256]; /* a quantity: 20 digits and a unit of up to 40 code points */
    /* the paper register's number: the one written on it, else the entry's
     * place in its party's register (the order of the record ids) */
    if (strcmp(key, "entry_no") == 0 && !json_is_integer(v)) {
        snprintf(tmp, sizeof(tmp), "%lld", x->ordinal);
        cell(out, tmp);
        return;
    }
    if (strcmp(key, "designated_method_used") == 0) {
        int d = itk_method_judge_entry(x->judge, rec);
        cell(out, d < 0 ? "" : l ? (d ? "はい" : "いいえ") : d ? "true" : "false");
        return;
    }
    if (strcmp(key, "party") == 0 || strcmp(key, "id") == 0 || strcmp(key, "created") == 0)
        v = json_object_get(rec, key);
    if ((strcmp(key, "occurred_at") == 0 || strcmp(key, "created") == 0) && json_is_string(v)) {
        char shown[ITK_TIME_SHOWN];
        cell(out, itk_time_shown(shown, json_string_value(v), x->offset));
        return;
    }
    if (strcmp(key, "quantity") == 0 && json_is_object(v)) {
        const json_t *val = json_object_get(v, "value");
        const char *unit = json_string_value(json_object_get(v, "unit"));
        if (json_is_integer(val))
            snprintf(tmp, sizeof(tmp), "%lld %s", (long long)json_integer_value(val),
                     unit ? unit : "");
        else
            snprintf(tmp, sizeof(tmp), "%s %s",
                     json_string_value(val) ? json_string_value(val) : "", unit ? unit : "");
        cell(out, tmp);
        return;
    }
    const char *label =
        json_is_string(v) ? itk_labels_field(l, "register", key, json_string_value(v)) : NULL;
    if (label)
        cell(out, label);
    else if (json_is_string(v))
        cell(out, json_string_value(v));
    else if (json_is_integer(v)) {
        snprintf(tmp, sizeof(tmp), "%lld", (long long)json_integer_value(v));
        cell(out, tmp);
    } else if (json_is_boolean(v))
        cell(out, l ? (json_is_true(v) ? "はい" : "いいえ") : json_is_true(v) ? "true" : "false");
    else if (v && !json_is_null(v)) {
        char *d = json_dumps(v, JSON_COMPACT);
        cell(out, d ? d : "");
        free(d);
    }
}

int itk_register_export_csv(itk_buf *out, itk_registry *reg, const char *party)
{
    char **paths = NULL;
    size_t n = 0;
    git_tree *tree = NULL;
    itk_labels *labels = NULL;
    row_ctx x = {NULL, NULL, 0, 540};
    char last_party[64] = "";
    int rc;
    itk_buf_clear(out);
    if ((rc = itk_record_list(&paths, &n, reg, party, "register")) ||
        (rc = itk_registry_head_tree(&tree, reg)) ||
        (rc = itk_labels_open_tree(&labels, reg->repo, tree, "ja")) ||
        (rc = itk_registry_offset(&x.offset, reg)) ||
        (n && (rc = itk_method_judge_open(&x.judge, reg, tree))))
        goto done;
    x.l = labels;
    itk_buf_puts(out, "\xEF\xBB\xBF");
    for (size_t c = 0; c < sizeof(columns) / sizeof(*columns); c++) {
        if (c)
            itk_buf_putc(out, ',');
        cell(out, columns[c][1]);
    }
    itk_buf_puts(out, "\r\n");
    for (size_t i = 0; i < n; i++) {
        json_t *rec = NULL;
        if ((rc = itk_tree_read_json(&rec, reg->repo, tree, paths[i])))
            goto done;
        /* the list is in tree order: a party's entries together, by id */
        itk_path_info pi;
        itk_path_classify(&pi, paths[i]);
        if (strcmp(pi.party, last_party) != 0)
            x.ordinal = 0;
        snprintf(last_party, sizeof(last_party), "%s", pi.party);
        x.ordinal++;
        for (size_t c = 0; c < sizeof(columns) / sizeof(*columns); c++) {
            if (c)
                itk_buf_putc(out, ',');
            field(out, rec, columns[c][0], &x);
        }
        rc = itk_buf_puts(out, "\r\n");
        json_decref(rec);
        if (rc)
            goto done;
    }
done:
    itk_method_judge_free(x.judge);
    itk_labels_free(labels);
    git_tree_free(tree);
    itk_string_list_free(paths, n);
    return rc;
}
