/* --json output: see json_out.h. */
#include "json_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "itaku/utf8.h"

json_t *cli_jstr(const char *s)
{
    if (!s)
        s = "";
    size_t len = strlen(s);
    if (itk_utf8_is_valid(s, len))
        return json_stringn(s, len);
    char *valid = NULL;
    if (itk_utf8_valid_copy(&valid, s, len, NULL) < 0)
        return NULL;
    json_t *v = json_string(valid);
    free(valid);
    return v;
}

json_t *cli_jlist(const char *list)
{
    json_t *arr = json_array();
    for (const char *p = list ? list : ""; arr && *p;) {
        size_t n = strcspn(p, ",");
        char item[256];
        snprintf(item, sizeof(item), "%.*s", (int)(n < sizeof(item) ? n : sizeof(item) - 1), p);
        cli_jappend_str(&arr, item);
        p += n;
        p += strspn(p, ", ");
    }
    return arr;
}

void cli_jappend(json_t **arr, json_t *v)
{
    if (json_array_append_new(*arr, v) < 0) {
        json_decref(*arr);
        *arr = NULL;
    }
}

void cli_jset(json_t **obj, const char *key, json_t *v)
{
    if (json_object_set_new(*obj, key, v) < 0) {
        json_decref(*obj);
        *obj = NULL;
    }
}

void cli_jappend_str(json_t **arr, const char *s)
{
    cli_jappend(arr, cli_jstr(s));
}

int cli_json_print(json_t *v)
{
    char *text = v ? json_dumps(v, CLI_JSON_FLAGS | JSON_ENCODE_ANY) : NULL;
    json_decref(v);
    if (!text) {
        fputs(_("itaku: cannot write the JSON answer: out of memory\n"), stderr);
        return EXIT_ERROR;
    }
    int rc = puts(text) < 0 ? EXIT_ERROR : 0;
    free(text);
    if (rc)
        fputs(_("itaku: cannot write the JSON answer to standard output\n"), stderr);
    return rc;
}

void cli_json_array_begin(size_t *n)
{
    *n = 0;
    fputs("[", stdout);
}

int cli_json_array_item(size_t *n, json_t *v)
{
    char *text = v ? json_dumps(v, CLI_JSON_FLAGS | JSON_ENCODE_ANY) : NULL;
    json_decref(v);
    if (!text) {
        fputs(_("itaku: cannot write the JSON answer: out of memory\n"), stderr);
        return EXIT_ERROR;
    }
    int rc = printf("%s%s", (*n)++ ? "," : "", text) < 0 ? EXIT_ERROR : 0;
    free(text);
    if (rc)
        fputs(_("itaku: cannot write the JSON answer to standard output\n"), stderr);
    return rc;
}

int cli_json_array_end(size_t *n)
{
    (void)n;
    if (puts("]") < 0 || fflush(stdout) != 0) {
        fputs(_("itaku: cannot write the JSON answer to standard output\n"), stderr);
        return EXIT_ERROR;
    }
    return 0;
}
