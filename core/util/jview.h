/* A read-only JSON tree held in two flat arrays — its nodes and their
 * strings — for code that looks up many small records many times: a look-up
 * allocates nothing, the whole tree is freed at once, and a cache file holds
 * it as it is (snapshot_cache.c). Built from jansson values; private to the
 * library. */
#ifndef ITAKU_JVIEW_H
#define ITAKU_JVIEW_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* A node's index in the view; 0 is no node (a look-up that found nothing). */
typedef uint32_t itk_jref;

typedef enum {
    ITK_JV_NONE = 0,
    ITK_JV_NULL,
    ITK_JV_FALSE,
    ITK_JV_TRUE,
    ITK_JV_INT,
    ITK_JV_REAL,
    ITK_JV_STR,
    ITK_JV_ARR,
    ITK_JV_OBJ,
} itk_jv_type;

typedef struct {
    uint32_t type; /* itk_jv_type */
    uint32_t key;  /* members of an object: the offset of the key's text */
    /* STR: the offset of the text and its length; ARR, OBJ: the first
     * child's index and the number of children, which follow one another;
     * INT, REAL: the value's 64 bits, high half in a */
    uint32_t a, b;
} itk_jnode;

typedef struct {
    itk_jnode *nodes; /* nodes[0] is the "no node" placeholder */
    size_t nnodes, anodes;
    char *text; /* NUL-terminated texts; text[0] is "" */
    size_t ntext, atext;
    json_t *interned; /* text → offset, while building */
} itk_jview;

int itk_jview_init(itk_jview *v);
void itk_jview_dispose(itk_jview *v);

/* Appends a copy of j (any JSON value); *out is its root. */
int itk_jview_add(itk_jref *out, itk_jview *v, const json_t *j);
/* Stores a text (once however often it is stored); *off is its offset. */
int itk_jview_add_text(uint32_t *off, itk_jview *v, const char *s, size_t len);
/* The building's look-up table is no longer needed. */
void itk_jview_seal(itk_jview *v);

/* Takes nodes and texts read from elsewhere (a cache file), after checking
 * that every index and offset stays inside them and that children come after
 * their parent; on success the view owns both arrays. */
int itk_jview_adopt(itk_jview *v, itk_jnode *nodes, size_t nnodes, char *text, size_t ntext);

/* Look-ups. Each takes any ref (0 included) and answers 0 / NULL when the
 * node is not of the kind asked. */
itk_jref itk_jv_get(const itk_jview *v, itk_jref obj, const char *key);
const char *itk_jv_str(const itk_jview *v, itk_jref ref);
size_t itk_jv_count(const itk_jview *v, itk_jref arr);
itk_jref itk_jv_at(const itk_jview *v, itk_jref arr, size_t i);
long long itk_jv_int(const itk_jview *v, itk_jref ref);
/* The text stored at off (itk_jview_add_text); "" when off is outside. */
const char *itk_jv_text(const itk_jview *v, uint32_t off);

/* obj.key as a string: the common case of one field read. */
static inline const char *itk_jv_strget(const itk_jview *v, itk_jref obj, const char *key)
{
    return itk_jv_str(v, itk_jv_get(v, obj, key));
}

#endif
