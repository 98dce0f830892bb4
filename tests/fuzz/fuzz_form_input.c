/* Fuzz target: a filled-in form as `form submit` and `validate` read it
 * (core/model/form_input.c): byte-order mark, // notes, JSON, then every
 * date field of the register's and the incident report's schemas read as
 * typed. Whatever the bytes, the reader refuses them or gives an object
 * whose date fields are canonical. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "itaku/buf.h"
#include "itaku/form_input.h"
#include "itaku/record.h"

/* A date-time field of the schema reads back as RFC 3339; a key the schema
 * does not have (the register's discovered_at) is left to the schema's
 * check, which refuses it later. */
static void check_time(const json_t *schema, const json_t *body, const char *key)
{
    const char *s = json_string_value(json_object_get(body, key));
    if (s && json_object_get(json_object_get(schema, "properties"), key) &&
        itk_rfc3339_check(s) != 0)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *schemas[2];
    static const char *const types[] = {"register", "incident"};
    char name[64];
    for (size_t i = 0; i < 2; i++) {
        if (!schemas[i] && itk_form_input_schema(&schemas[i], name, NULL, types[i]) != 0)
            __builtin_trap();
        json_t *body = NULL;
        itk_buf notes = ITK_BUF_INIT;
        /* the register's instruction_ref typed short is completed with an issuer */
        if (itk_form_input_read_as(&body, &notes, (const char *)data, size, "fuzz", schemas[i], 540,
                                   "acme") == 0) {
            if (!json_is_object(body))
                __builtin_trap();
            const char *ref = json_string_value(json_object_get(body, "instruction_ref"));
            char again[128];
            /* completed references read back as they are */
            if (ref && strncmp(ref, "acme/n-", 7) == 0 && strlen(ref) == 13 &&
                itk_instruction_ref_input(again, sizeof(again), ref, "acme") != 0)
                __builtin_trap();
            check_time(schemas[i], body, "occurred_at");
            check_time(schemas[i], body, "discovered_at");
            json_decref(body);
        } else if (body)
            __builtin_trap();
        itk_buf_dispose(&notes);
    }
    return 0;
}
