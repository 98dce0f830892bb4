/* itk_todo: a party's to-do list from status and the requests (issue 16,
 * point 5). */
#include "itaku/todo.h"
#include "itaku/errors.h"
#include "itaku/labels.h"
#include "intl.h"
#include "itaku/requests.h"
#include "itaku/registry.h"
#include "itaku/status.h"
#include "itaku/utf8.h"
#include "alloc.h"
#include "array.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    itk_todo_item *v;
    size_t n, cap;
} todo_list;

static itk_todo_item *push(todo_list *l)
{
    if (itk_array_reserve(&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
        return NULL;
    itk_todo_item *it = &l->v[l->n++];
    memset(it, 0, sizeof(*it));
    return it;
}

/* Cuts s back to its last whole UTF-8 character: a summary cut at a byte
 * count would end in half a character (invalid UTF-8 in JSON and text). */
static void whole_chars(char *s)
{
    size_t len = strlen(s), i = 0;
    while (i < len) {
        size_t n = itk_utf8_seq_len((const unsigned char *)s + i, len - i);
        if (n == 0 && len - i < 4 && ((unsigned char)s[i] & 0xC0) == 0xC0)
            break; /* the start of a character the cut left unfinished */
        i += n ? n : 1;
    }
    s[i] = '\0';
}

/* What a finding of the party itself asks of it. */
static const char *own_kind(const char *rule)
{
    if (strcmp(rule, "instruction_answered_on_time") == 0)
        return "answer";
    if (strcmp(rule, "items_returned_or_disposed_at_end") == 0)
        return "return";
    if (strncmp(rule, "incident_", 9) == 0)
        return "incident";
    return "finding";
}

/* Sort key: what waits for this party now (requests to endorse or decide:
 * others are blocked until it acts), then overdue or violated, then pending
 * with a due date, then the rest; then own before owed; then by due time
 * (RFC 3339 texts in one zone compare as times). */
static int rank(const itk_todo_item *t)
{
    if (strcmp(t->kind, "decide") == 0 || strcmp(t->kind, "endorse") == 0)
        return 0;
    if (strcmp(t->state, "overdue") == 0 || strcmp(t->state, "violated") == 0)
        return 1;
    return t->due[0] ? 2 : 3;
}

static int cmp_items(const itk_todo_item *a, const itk_todo_item *b, const char *me)
{
    int ra = rank(a), rb = rank(b);
    if (ra != rb)
        return ra - rb;
    int oa = strcmp(a->party, me) != 0, ob = strcmp(b->party, me) != 0;
    if (oa != ob)
        return oa - ob;
    if (a->due[0] && b->due[0] && strcmp(a->due, b->due) != 0)
        return strcmp(a->due, b->due);
    if (!a->due[0] != !b->due[0])
        return a->due[0] ? -1 : 1;
    return strcmp(a->subject, b->subject);
}

/* A stable sort, so equal items keep the order status gave them: a merge
 * of item indexes (a list holds an item per finding, a thousand and more on
 * a large registry, which an insertion sort compared a million times),
 * then the items moved once. ITK_ENOMEM. */
static int sort_items(itk_todo_item *v, size_t n, const char *me)
{
    size_t *a = itk_calloc(n ? n : 1, sizeof(*a)), *b = itk_calloc(n ? n : 1, sizeof(*b));
    itk_todo_item *out = itk_calloc(n ? n : 1, sizeof(*out));
    if (!a || !b || !out) {
        free(a);
        free(b);
        free(out);
        return ITK_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        a[i] = i;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                b[k++] = cmp_items(&v[a[j]], &v[a[i]], me) < 0 ? a[j++] : a[i++];
            while (i < mid)
                b[k++] = a[i++];
            while (j < hi)
                b[k++] = a[j++];
        }
        size_t *t = a;
        a = b;
        b = t;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = v[a[i]];
    if (n)
        memcpy(v, out, n * sizeof(*v));
    free(a);
    free(b);
    free(out);
    return 0;
}

int itk_todo(itk_todo_item **out, size_t *n, itk_registry *reg, const char *party, const char *at)
{
    itk_status *st = NULL;
    itk_request_info *reqs = NULL;
    size_t nreq = 0;
    todo_list l = {NULL, 0, 0};
    itk_status_options so = ITK_STATUS_OPTIONS_INIT;
    itk_labels *lab = NULL;
    int rc;
    *out = NULL;
    *n = 0;
    so.at = at;
    so.party = party;
    if ((rc = itk_status_run(&st, reg, &so)))
        goto done;
    /* the city's words for what is due, as status gives them */
    if (itk_labels_open(&lab, reg, NULL, "ja")) {
        itk_error_clear();
        lab = NULL;
    }
    const char *role = NULL;
    for (size_t i = 0; i < itk_status_party_count(st); i++) {
        const char *r = NULL;
        if (strcmp(itk_status_party(st, i, NULL, &r), party) == 0)
            role = r;
    }
    /* requests waiting for this party now */
    if ((rc = itk_request_list(&reqs, &nreq, reg)))
        goto done;
    for (size_t i = 0; i < nreq; i++) {
        const itk_request_info *q = &reqs[i];
        if (strcmp(q->state, "pending") != 0 || strcmp(q->next, party) != 0)
            continue;
        itk_todo_item *it = push(&l);
        if (!it) {
            rc = itk_error_nomem();
            goto done;
        }
        int city = role && strcmp(role, "city") == 0;
        snprintf(it->kind, sizeof(it->kind), "%s", city ? "decide" : "endorse");
        snprintf(it->party, sizeof(it->party), "%s", party);
        snprintf(it->state, sizeof(it->state), "pending");
        snprintf(it->subject, sizeof(it->subject), "%s", q->name);
        if (city)
            snprintf(it->detail, sizeof(it->detail),
                     itk__("%.31s request by %.31s awaits your decision: %.255s"), q->kind,
                     q->requester, q->summary);
        else
            snprintf(it->detail, sizeof(it->detail),
                     itk__("%.31s request by %.31s awaits your endorsement: %.255s"), q->kind,
                     q->requester, q->summary);
        whole_chars(it->detail);
        /* the Japanese sentence names the requester by its name, as the
         * paper does (株式会社アクメの複製の申請); its id is in the subject */
        char requester[256] = "";
        git_tree *head = NULL;
        if (lab && itk_registry_head_tree(&head, reg) == 0)
            itk_party_name_in(requester, sizeof(requester), reg, head, q->requester);
        itk_error_clear();
        git_tree_free(head);
        const char *args[] = {q->kind, requester[0] ? requester : q->requester, q->name,
                              q->summary};
        itk_buf ja = ITK_BUF_INIT;
        if (lab && itk_labels_format(&ja, lab, city ? "todo_decide" : "todo_endorse", args, 4) == 0)
            snprintf(it->detail_ja, sizeof(it->detail_ja), "%s", ja.ptr ? ja.ptr : "");
        itk_error_clear();
        itk_buf_dispose(&ja);
        whole_chars(it->detail_ja);
    }
    /* findings: the party's own, and its descendants' (what they owe it) */
    for (size_t i = 0; i < itk_status_count(st); i++) {
        const itk_finding *f = itk_status_get(st, i);
        if (f->state == ITK_STATE_OK)
            continue;
        int own = strcmp(f->party, party) == 0;
        itk_todo_item *it = push(&l);
        if (!it) {
            rc = itk_error_nomem();
            goto done;
        }
        snprintf(it->kind, sizeof(it->kind), "%s", own ? own_kind(f->rule) : "owed");
        snprintf(it->party, sizeof(it->party), "%s", f->party);
        snprintf(it->state, sizeof(it->state), "%s", itk_state_name(f->state));
        snprintf(it->section, sizeof(it->section), "%s", f->section);
        snprintf(it->subject, sizeof(it->subject), "%s", f->record);
        snprintf(it->due, sizeof(it->due), "%s", f->due);
        snprintf(it->detail, sizeof(it->detail), "%.40s: %.255s", f->rule, f->detail);
        whole_chars(it->detail);
        if (lab && f->detail_ja[0])
            snprintf(it->detail_ja, sizeof(it->detail_ja), "%.200s：%.511s",
                     itk_label_or(lab, "rule", f->rule), f->detail_ja);
        whole_chars(it->detail_ja);
    }
    if ((rc = sort_items(l.v, l.n, party)))
        goto done;
    *out = l.v;
    *n = l.n;
    l.v = NULL;
done:
    itk_labels_free(lab);
    free(l.v);
    free(reqs);
    itk_status_free(st);
    return rc;
}
