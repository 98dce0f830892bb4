/* Bounded JSON parsing and canonical serialisation (DESIGN §3), on jansson.
 * Schema validation is not here (see schema.c). */
#include "itaku/json.h"
#include "itaku/errors.h"
#include "intl.h"

#include <string.h>

static int check_value(const json_t *v, int depth, const char *name)
{
    if (depth > ITK_MAX_JSON_DEPTH)
        return itk_error_set(ITK_EINVALID, "%s: JSON is nested deeper than %d levels", name,
                             ITK_MAX_JSON_DEPTH);
    switch (json_typeof(v)) {
    case JSON_REAL:
        return itk_error_set(ITK_EINVALID,
                             "%s: numbers must be integers (write amounts with decimals as "
                             "strings)",
                             name);
    case JSON_OBJECT: {
        const char *key;
        json_t *child;
        json_object_foreach((json_t *)v, key, child)
        {
            int rc = check_value(child, depth + 1, name);
            if (rc)
                return rc;
        }
        return 0;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *child;
        json_array_foreach(v, i, child)
        {
            int rc = check_value(child, depth + 1, name);
            if (rc)
                return rc;
        }
        return 0;
    }
    default: return 0;
    }
}

int itk_json_parse(json_t **out, const char *data, size_t len, const char *name)
{
    *out = NULL;
    if (len > ITK_MAX_RECORD_BYTES)
        return itk_error_set(ITK_ETOOBIG, "%s is %zu bytes; a record may hold at most %d bytes",
                             name, len, ITK_MAX_RECORD_BYTES);
    json_error_t err;
    json_t *v = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (!v) {
        /* jansson's wording names its own flags; say what is wrong with the text */
        const char *why =
            json_error_code(&err) == json_error_null_character
                ? itk__("a string holds \\u0000 (NUL), which a record may not contain")
            : json_error_code(&err) == json_error_invalid_utf8
                ? itk__("the text is not valid UTF-8")
                : err.text;
        return itk_error_set(ITK_EINVALID, "%s: invalid JSON at line %d, column %d: %s", name,
                             err.line, err.column, why);
    }
    int rc = check_value(v, 1, name);
    if (rc) {
        json_decref(v);
        return rc;
    }
    *out = v;
    return 0;
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
    return itk_buf_put(data, buffer, size) ? -1 : 0;
}

int itk_json_canonical(itk_buf *out, const json_t *v)
{
    itk_buf_clear(out);
    if (json_dump_callback(v, dump_cb, out, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY))
        return itk_error_set(ITK_ENOMEM, "cannot serialise JSON");
    return itk_buf_putc(out, '\n');
}

int itk_json_check_canonical(const char *data, size_t len, const char *name)
{
    json_t *v;
    int rc = itk_json_parse(&v, data, len, name);
    if (rc)
        return rc;
    itk_buf canon = ITK_BUF_INIT;
    rc = itk_json_canonical(&canon, v);
    json_decref(v);
    if (!rc && (canon.size != len || memcmp(canon.ptr, data, len) != 0))
        rc = itk_error_set(ITK_EINVALID,
                           "%s is not in canonical form (sorted keys, two-space indent, "
                           "unescaped UTF-8, final newline)",
                           name);
    itk_buf_dispose(&canon);
    return rc;
}
