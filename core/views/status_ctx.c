/* The lower piece of status (status_priv.h): times, the context's
 * look-ups and the findings. status.c (the run) and status_rules.c (the
 * rule kinds) both use it; it calls neither. */
#include "alloc.h"
#include "array.h"
#include "itaku/errors.h"
#include "itaku/form_input.h"
#include "itaku/json.h"
#include "itaku/status.h"
#include "itaku/utf8.h"
#include "status_priv.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *itk_state_name(itk_state s)
{
    static const char *names[] = {"ok", "pending", "overdue", "violated"};
    return s <= ITK_STATE_VIOLATED ? names[s] : "?";
}

long long itk_srec_arrival(const sctx *c, const srec *r, const char *party, char commit[41])
{
    if (strcmp(party, r->pi.party) == 0) {
        if (commit)
            git_oid_tostr(commit, 41, &r->c_own);
        return r->t_own;
    }
    const char *parent = itk_snapshot_parent(c->snap, r->pi.party);
    return parent && strcmp(parent, party) == 0 ? r->t_up : -1;
}

int itk_sctx_reached(const sctx *c, long long t)
{
    if (t <= c->at) {
        if (t > c->win->lo)
            c->win->lo = t;
        return 1;
    }
    if (t < c->win->hi)
        c->win->hi = t;
    return 0;
}

int itk_sctx_passed(const sctx *c, long long t)
{
    return t < LLONG_MAX && itk_sctx_reached(c, t + 1);
}

/* Not there at the evaluation time: not yet on its own party's line. */
static int after(const sctx *c, const srec *r)
{
    return r->t_own >= 0 && !itk_sctx_reached(c, r->t_own);
}

int itk_srec_superseded(const sctx *c, const srec *r)
{
    return r->sup_by != ITK_SNAP_NONE && !after(c, &c->snap->recs[r->sup_by]);
}

/* --- findings ------------------------------------------------------------- */

void itk_sctx_field_words(sctx *c, char *out, size_t outsz, const char *type, const char *field)
{
    itk_buf key = ITK_BUF_INIT;
    const char *held = NULL;
    /* the memo's key: the type (a record type's name, never a newline),
     * a newline, the field; words that are no UTF-8 (cut short) are not
     * kept, and found again next time */
    int keyed = type && field && !itk_buf_puts(&key, type) && !itk_buf_puts(&key, "\n") &&
                !itk_buf_puts(&key, field) && !itk_buf_put(&key, "", 1);
    if (keyed && c->words)
        held = json_string_value(json_object_get(c->words, key.ptr));
    if (held) {
        snprintf(out, outsz, "%s", held);
        itk_buf_dispose(&key);
        return;
    }
    itk_form_field_words(out, outsz, type, field);
    /* not remembered when memory runs out: asked again next time */
    if (keyed && (c->words || (c->words = json_object())))
        json_object_set_new(c->words, key.ptr, json_string(out));
    itk_buf_dispose(&key);
}

int itk_sctx_finding(sctx *c, const char *party, const char *section, const char *rule,
                     itk_state state, const char *record, long long due, long long received,
                     const char *claimed, const sdetail *detail)
{
    /* the version in force at the due date decides whether this rule
     * applies; without a due date, the one in force at the evaluation time
     * (so that each finding comes once, not once per version) */
    if (c->current_version >= 0) {
        size_t v = 0;
        for (size_t i = 0; i < c->nob; i++)
            if (due > 0 ? c->ob_from[i] <= due : itk_sctx_reached(c, c->ob_from[i]))
                v = i;
        if ((long long)v != c->current_version)
            return 0;
    }
    if (itk_array_reserve(&c->f, &c->af, c->nf + 1, sizeof(*c->f)))
        return ITK_ENOMEM;
    itk_finding *f = &c->f[c->nf++];
    memset(f, 0, sizeof(*f));
    snprintf(f->party, sizeof(f->party), "%s", party);
    const sparty *p = itk_sctx_party(c, party);
    f->depth = p ? p->depth : 0;
    itk_copy_utf8(f->section, sizeof(f->section), section);
    itk_copy_utf8(f->rule, sizeof(f->rule), rule);
    f->state = state;
    itk_copy_utf8(f->record, sizeof(f->record), record);
    if (due > 0)
        itk_format_time(f->due, due, c->offset);
    if (received >= 0)
        itk_format_time(f->received, received, c->offset);
    /* a date-time written with another offset is shown in the contract's zone */
    long long ct;
    if (claimed && strlen(claimed) > 10 && itk_time_parse(&ct, claimed, c->offset, 0) == 0)
        itk_format_time(f->claimed, ct, c->offset);
    else
        itk_copy_utf8(f->claimed, sizeof(f->claimed), claimed);
    itk_error_clear();
    f->detail = f->detail_ja = "";
    if (detail) {
        char en[256], ja[512];
        itk_copy_utf8(en, sizeof(en), detail->en);
        itk_copy_utf8(ja, sizeof(ja), detail->ja);
        if ((en[0] && !(f->detail = itk_strdup(en))) ||
            (ja[0] && !(f->detail_ja = itk_strdup(ja)))) {
            if (!f->detail)
                f->detail = "";
            if (!f->detail_ja)
                f->detail_ja = "";
            return ITK_ENOMEM;
        }
    }
    return 0;
}

void itk_finding_texts_free(itk_finding *f)
{
    if (f->detail && f->detail[0])
        free((char *)f->detail);
    if (f->detail_ja && f->detail_ja[0])
        free((char *)f->detail_ja);
    f->detail = f->detail_ja = "";
}

void itk_sdetail_add(sdetail *d, const sctx *c, const char *code, const char *en,
                     const char *const *args, size_t nargs, const char *sep_en, const char *sep_ja)
{
    itk_sdetail_add_ja(d, c, code, en, args, args, nargs, sep_en, sep_ja);
}

void itk_sdetail_add_ja(sdetail *d, const sctx *c, const char *code, const char *en,
                        const char *const *args, const char *const *args_ja, size_t nargs,
                        const char *sep_en, const char *sep_ja)
{
    const itk_labels *l = c->snap ? itk_snapshot_labels(c->snap) : NULL;
    itk_buf b = ITK_BUF_INIT;
    if (d->en[0])
        itk_buf_puts(&b, sep_en);
    itk_labels_fill(&b, NULL, en, args, nargs);
    size_t n = strlen(d->en);
    itk_copy_utf8(d->en + n, sizeof(d->en) - n, b.ptr);
    if (l) {
        itk_buf_clear(&b);
        if (d->ja[0])
            itk_buf_puts(&b, sep_ja);
        if (itk_labels_format(&b, l, code, args_ja, nargs) != 0) {
            /* a catalog without this text: the English one */
            itk_buf_clear(&b);
            if (d->ja[0])
                itk_buf_puts(&b, sep_en);
            itk_labels_fill(&b, l, en, args, nargs);
        }
        n = strlen(d->ja);
        itk_copy_utf8(d->ja + n, sizeof(d->ja) - n, b.ptr);
    }
    itk_buf_dispose(&b);
}

const sparty *itk_sctx_party(const sctx *c, const char *id)
{
    /* a finding per record asks this: a look-up, not a scan, once the
     * parties are in their final order */
    if (c->party_idx) {
        json_t *v = json_object_get(c->party_idx, id);
        return v ? &c->parties[json_integer_value(v)] : NULL;
    }
    for (size_t i = 0; i < c->nparties; i++)
        if (strcmp(c->parties[i].id, id) == 0)
            return &c->parties[i];
    return NULL;
}

const char *itk_body_str(const sctx *c, const srec *r, const char *key)
{
    return itk_jv_strget(c->view, r->body, key);
}

itk_jref itk_body_get(const sctx *c, const srec *r, const char *key)
{
    return itk_jv_get(c->view, r->body, key);
}

const char *itk_rec_str(const sctx *c, const srec *r, const char *key)
{
    return itk_jv_strget(c->view, r->rec, key);
}

const char *itk_srec_path(const sctx *c, const srec *r)
{
    return itk_jv_text(c->view, r->path);
}
