/* The flat JSON view (jview.h): nodes in one array, texts in another. An
 * object's or array's children are consecutive nodes placed after it, so that
 * a member look-up is a short scan and a view read from a file can be checked
 * in one pass. */
#include "jview.h"
#include "alloc.h"
#include "array.h"
#include "itaku/errors.h"

#include <stdlib.h>
#include <string.h>

#define MAX_NODES 0x7fffffffu
#define MAX_TEXT 0x7fffffffu

int itk_jview_init(itk_jview *v)
{
    memset(v, 0, sizeof(*v));
    v->nodes = calloc(64, sizeof(*v->nodes));
    v->text = calloc(256, 1);
    v->interned = json_object();
    if (!v->nodes || !v->text || !v->interned) {
        itk_jview_dispose(v);
        return itk_error_nomem();
    }
    v->nnodes = 1; /* the "no node" placeholder */
    v->anodes = 64;
    v->ntext = 1; /* "" */
    v->atext = 256;
    return 0;
}

void itk_jview_dispose(itk_jview *v)
{
    free(v->nodes);
    free(v->text);
    json_decref(v->interned);
    memset(v, 0, sizeof(*v));
}

void itk_jview_seal(itk_jview *v)
{
    json_decref(v->interned);
    v->interned = NULL;
}

static int grow_nodes(itk_jview *v, size_t more)
{
    if (more > MAX_NODES - v->nnodes)
        return itk_error_set(ITK_ETOOBIG, "too many JSON values to hold at once");
    if (v->nnodes + more <= v->anodes)
        return 0;
    return itk_array_reserve(&v->nodes, &v->anodes, v->nnodes + more, sizeof(*v->nodes));
}

int itk_jview_add_text(uint32_t *off, itk_jview *v, const char *s, size_t len)
{
    /* texts with a NUL inside are stored as they are, not shared */
    int share = v->interned && !memchr(s, '\0', len);
    char small[256];
    const char *key = NULL;
    if (len == 0) {
        *off = 0;
        return 0;
    }
    if (share && len < sizeof(small)) {
        memcpy(small, s, len);
        small[len] = '\0';
        key = small;
        json_t *known = json_object_get(v->interned, key);
        if (known) {
            *off = (uint32_t)json_integer_value(known);
            return 0;
        }
    }
    if (len + 1 > MAX_TEXT - v->ntext)
        return itk_error_set(ITK_ETOOBIG, "too much JSON text to hold at once");
    int rc = itk_array_reserve(&v->text, &v->atext, v->ntext + len + 1, 1);
    if (rc)
        return rc;
    *off = (uint32_t)v->ntext;
    memcpy(v->text + v->ntext, s, len);
    v->text[v->ntext + len] = '\0';
    v->ntext += len + 1;
    if (key && json_object_set_new_nocheck(v->interned, key, json_integer(*off)))
        return itk_error_nomem();
    return 0;
}

/* Fills node `at` (already reserved) with j, reserving its children's block
 * after everything there is. */
static int fill(itk_jview *v, size_t at, const json_t *j, int depth)
{
    itk_jnode n = {ITK_JV_NULL, 0, 0, 0};
    int rc = 0;
    if (depth > 64)
        return itk_error_set(ITK_ETOOBIG, "JSON nested too deep");
    switch (json_typeof(j)) {
    case JSON_OBJECT:
    case JSON_ARRAY: {
        int obj = json_is_object(j);
        size_t count = obj ? json_object_size(j) : json_array_size(j);
        size_t first = v->nnodes;
        if ((rc = grow_nodes(v, count)))
            return rc;
        memset(v->nodes + first, 0, count * sizeof(*v->nodes));
        v->nnodes += count;
        n.type = obj ? ITK_JV_OBJ : ITK_JV_ARR;
        n.a = (uint32_t)first;
        n.b = (uint32_t)count;
        v->nodes[at] = n;
        size_t i = 0;
        if (obj) {
            const char *k;
            json_t *x;
            json_object_foreach((json_t *)j, k, x)
            {
                uint32_t key;
                if ((rc = itk_jview_add_text(&key, v, k, strlen(k))) ||
                    (rc = fill(v, first + i, x, depth + 1)))
                    return rc;
                v->nodes[first + i++].key = key;
            }
        } else {
            json_t *x;
            json_array_foreach(j, i, x) if ((rc = fill(v, first + i, x, depth + 1))) return rc;
        }
        return 0;
    }
    case JSON_STRING:
        n.type = ITK_JV_STR;
        if ((rc = itk_jview_add_text(&n.a, v, json_string_value(j), json_string_length(j))))
            return rc;
        n.b = (uint32_t)json_string_length(j);
        break;
    case JSON_INTEGER:
    case JSON_REAL: {
        unsigned long long bits;
        if (json_is_integer(j)) {
            n.type = ITK_JV_INT;
            bits = (unsigned long long)json_integer_value(j);
        } else {
            double d = json_real_value(j);
            n.type = ITK_JV_REAL;
            memcpy(&bits, &d, sizeof(bits));
        }
        n.a = (uint32_t)(bits >> 32);
        n.b = (uint32_t)bits;
        break;
    }
    case JSON_TRUE: n.type = ITK_JV_TRUE; break;
    case JSON_FALSE: n.type = ITK_JV_FALSE; break;
    default: break;
    }
    v->nodes[at] = n;
    return 0;
}

int itk_jview_add(itk_jref *out, itk_jview *v, const json_t *j)
{
    size_t at = v->nnodes;
    int rc = grow_nodes(v, 1);
    if (rc)
        return rc;
    memset(&v->nodes[at], 0, sizeof(*v->nodes));
    v->nnodes++;
    if ((rc = fill(v, at, j, 0)))
        return rc;
    *out = (itk_jref)at;
    return 0;
}

int itk_jview_adopt(itk_jview *v, itk_jnode *nodes, size_t nnodes, char *text, size_t ntext)
{
    if (nnodes < 1 || nnodes > MAX_NODES || ntext < 1 || ntext > MAX_TEXT || text[0] != '\0' ||
        text[ntext - 1] != '\0' || nodes[0].type != ITK_JV_NONE)
        return itk_error_set(ITK_EINVALID, "damaged JSON view");
    for (size_t i = 1; i < nnodes; i++) {
        const itk_jnode *n = &nodes[i];
        if (n->type < ITK_JV_NULL || n->type > ITK_JV_OBJ || n->key >= ntext)
            return itk_error_set(ITK_EINVALID, "damaged JSON view (node %zu)", i);
        if (n->type == ITK_JV_STR &&
            (n->a >= ntext || n->b >= ntext - n->a || text[n->a + n->b] != '\0'))
            return itk_error_set(ITK_EINVALID, "damaged JSON view (text of node %zu)", i);
        /* children after their parent: no cycle can be written */
        if ((n->type == ITK_JV_ARR || n->type == ITK_JV_OBJ) && n->b &&
            (n->a <= i || n->a >= nnodes || n->b > nnodes - n->a))
            return itk_error_set(ITK_EINVALID, "damaged JSON view (children of node %zu)", i);
    }
    itk_jview_dispose(v);
    v->nodes = nodes;
    v->nnodes = v->anodes = nnodes;
    v->text = text;
    v->ntext = v->atext = ntext;
    return 0;
}

static const itk_jnode *node(const itk_jview *v, itk_jref ref, itk_jv_type type)
{
    if (ref == 0 || ref >= v->nnodes || v->nodes[ref].type != (uint32_t)type)
        return NULL;
    return &v->nodes[ref];
}

itk_jref itk_jv_get(const itk_jview *v, itk_jref obj, const char *key)
{
    const itk_jnode *o = node(v, obj, ITK_JV_OBJ);
    if (!o)
        return 0;
    for (uint32_t i = 0; i < o->b; i++)
        if (strcmp(v->text + v->nodes[o->a + i].key, key) == 0)
            return o->a + i;
    return 0;
}

const char *itk_jv_str(const itk_jview *v, itk_jref ref)
{
    const itk_jnode *s = node(v, ref, ITK_JV_STR);
    return s ? v->text + s->a : NULL;
}

size_t itk_jv_count(const itk_jview *v, itk_jref arr)
{
    const itk_jnode *a = node(v, arr, ITK_JV_ARR);
    return a ? a->b : 0;
}

itk_jref itk_jv_at(const itk_jview *v, itk_jref arr, size_t i)
{
    const itk_jnode *a = node(v, arr, ITK_JV_ARR);
    return a && i < a->b ? a->a + (itk_jref)i : 0;
}

long long itk_jv_int(const itk_jview *v, itk_jref ref)
{
    const itk_jnode *n = node(v, ref, ITK_JV_INT);
    return n ? (long long)((unsigned long long)n->a << 32 | n->b) : 0;
}

const char *itk_jv_text(const itk_jview *v, uint32_t off)
{
    return off < v->ntext ? v->text + off : "";
}
