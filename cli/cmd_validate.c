/* itaku validate: checks record bodies in files against the schema of their
 * type, as compiled into itaku, and lists every problem. It reads no
 * registry; the schemas a registry carries are the same template's. */
#include "cli.h"
#include "itaku/json.h"
#include "itaku/schema.h"

#include <stdio.h>
#include <string.h>

/* Prints each line of text indented by two spaces. */
static void print_indented(const char *text)
{
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        printf("  %.*s\n", (int)n, text);
        text += n + (nl ? 1 : 0);
    }
}

/* EXIT_OK when valid, EXIT_NO when invalid, EXIT_ERROR when unreadable. */
static int validate_file(const json_t *schema, const char *type, const char *file)
{
    itk_buf data = ITK_BUF_INIT, errors = ITK_BUF_INIT;
    json_t *body = NULL;
    int rc = strcmp(file, "-") == 0
                 ? itk_buf_read_stream(&data, stdin, "stdin", ITK_MAX_RECORD_BYTES)
                 : itk_buf_read_file(&data, file, ITK_MAX_RECORD_BYTES);
    int status;
    if (rc && rc != ITK_ETOOBIG) {
        fprintf(stderr, "itaku: cannot read %s: %s\n", file, cli_error_text());
        status = EXIT_ERROR;
    } else if (rc || (rc = itk_json_parse(&body, data.ptr, data.size, file))) {
        /* too big or not JSON: a verdict on the content, not an I/O failure */
        printf("%s invalid\n", file);
        print_indented(cli_safe_block(itk_error_last(), ""));
        status = EXIT_NO;
    } else if ((rc = itk_schema_validate(&errors, schema, body, type)) == ITK_EINVALID) {
        printf("%s invalid\n", file);
        print_indented(errors.ptr ? errors.ptr : "");
        status = EXIT_NO;
    } else if (rc) {
        fprintf(stderr, "itaku: cannot validate %s: %s\n", file, cli_error_text());
        status = EXIT_ERROR;
    } else {
        printf("%s valid\n", file);
        status = EXIT_OK;
    }
    json_decref(body);
    itk_buf_dispose(&data);
    itk_buf_dispose(&errors);
    return status;
}

int cmd_validate(int argc, char **argv)
{
    const cli_opt opts[] = {
        {NULL, 0, CLI_STRING, NULL, "TYPE",
         "the record type (form1, form2, register, form4, form5, form6, incident, request, "
         "endorsement, decision, instruction, inspection, ack, party, key, key-event)",
         0},
        {NULL, 0, CLI_PATH, NULL, "FILE", "a record body in JSON (- for standard input)", CLI_MANY},
        {0}};
    const cli_spec spec = {
        "validate",
        "Check each FILE against the schema of TYPE without writing: "
        "\"FILE valid\" or \"FILE invalid\" and every problem. Exit 0: all valid, "
        "1: some invalid, 2: error.",
        opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (argc - optind < 2)
        return cli_bad(&spec, "validate: name a record type and at least one file");
    const char *type = argv[optind];
    json_t *schema = NULL;
    if (itk_schema_builtin(&schema, type))
        return cli_fail("validate");
    int worst = EXIT_OK;
    for (int i = optind + 1; i < argc; i++) {
        int status = validate_file(schema, type, argv[i]);
        if (status > worst)
            worst = status;
    }
    json_decref(schema);
    return worst;
}
