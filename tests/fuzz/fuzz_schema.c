/* Fuzz target: untrusted bytes parsed as a record body and validated
 * against builtin schemas, so the validator's walk, messages and patterns
 * meet hostile values. The first byte picks the schema (the seeds use a
 * digit: 0 form1, 2 register, 7 request). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const types[] = {"form1",       "form2",    "register",    "form4",
                                    "form5",       "form6",    "incident",    "request",
                                    "endorsement", "decision", "instruction", "inspection",
                                    "ack",         "party",    "key",         "key-event"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *type = types[data[0] % (sizeof(types) / sizeof(*types))];
    json_t *body = NULL, *schema = NULL;
    if (itk_json_parse(&body, (const char *)data + 1, size - 1, "fuzz"))
        return 0;
    if (itk_schema_builtin(&schema, type))
        abort(); /* the template's schemas always load */
    itk_buf errors = ITK_BUF_INIT;
    int rc = itk_schema_validate(&errors, schema, body, type);
    /* a verdict comes with its reasons, and only an invalid body has any */
    if ((rc == ITK_EINVALID) != (errors.size > 0) || (rc && rc != ITK_EINVALID))
        abort();
    itk_buf_dispose(&errors);
    json_decref(schema);
    json_decref(body);
    return 0;
}
