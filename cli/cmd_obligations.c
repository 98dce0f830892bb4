/* itaku obligations: the city's requirements in force, section by section,
 * with the rules that check them. */
#include "cli.h"
#include "i18n.h"
#include "json_out.h"
#include "itaku/json.h"
#include "itaku/obligations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_section(const json_t *s)
{
    json_t *num = json_object_get(s, "number");
    printf("%lld %s (%s)\n", (long long)json_integer_value(num),
           cli_safe(json_string_value(json_object_get(s, "title"))),
           cli_safe(json_string_value(json_object_get(s, "title_en"))));
    const char *req = json_string_value(json_object_get(s, "requirement"));
    const char *req_en = json_string_value(json_object_get(s, "requirement_en"));
    if (req)
        printf("  %s\n", cli_safe_block(req, "  "));
    if (req_en)
        printf("  %s\n", cli_safe_block(req_en, "  "));
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(s, "items"), i, item)
    {
        printf("  %s %s: %s\n", cli_safe(json_string_value(json_object_get(item, "number"))),
               cli_safe(json_string_value(json_object_get(item, "title"))),
               cli_safe(json_string_value(json_object_get(item, "requirement"))));
        printf("      %s\n", cli_safe(json_string_value(json_object_get(item, "requirement_en"))));
    }
    json_t *rules = json_object_get(s, "rules");
    if (json_array_size(rules) == 0) {
        const char *why = json_string_value(json_object_get(s, "reason_en"));
        if (why)
            printf(_("  checked by: nothing a record can show — %s\n"), cli_safe(why));
        else
            printf(_("  checked by: nothing a record can show\n"));
    }
    json_t *rule;
    json_array_foreach(rules, i, rule)
    {
        const char *clause = json_string_value(json_object_get(rule, "clause"));
        const char *kind = cli_safe(json_string_value(json_object_get(rule, "kind")));
        const char *summary = cli_safe(json_string_value(json_object_get(rule, "summary_en")));
        if (clause)
            printf(_("  checked by: %s [%s] — %s\n"), kind, cli_safe(clause), summary);
        else
            printf(_("  checked by: %s — %s\n"), kind, summary);
    }
    putchar('\n');
}

int cmd_obligations(int argc, char **argv)
{
    long section = 0;
    int json = 0;
    const cli_opt opts[] = {{"section", 's', CLI_NUMBER, &section, "N", N_("only this section"), 0},
                            {"json", 0, CLI_SWITCH, &json, NULL, N_("print JSON"), 0},
                            {0}};
    const cli_spec spec = {"obligations",
                           N_("List the city's requirements and the rules that "
                              "check them."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc)
        return cli_bad(&spec, _("obligations takes options only"));
    itk_registry *reg = NULL;
    json_t *ob = NULL;
    if (itk_registry_open(&reg, ".") < 0)
        reg = NULL;
    itk_error_clear();
    int rc = itk_obligations_load(&ob, reg);
    itk_registry_free(reg);
    if (rc < 0)
        return cli_fail(_("cannot read the obligations"));
    json_t *sections = json_object_get(ob, "sections"), *s;
    size_t i;
    int shown = 0;
    if (!json)
        printf(_("%s (%s), version %lld\n\n"),
               cli_safe(json_string_value(json_object_get(ob, "title"))),
               cli_safe(json_string_value(json_object_get(ob, "title_en"))),
               (long long)json_integer_value(json_object_get(ob, "version")));
    json_t *out = json ? json_array() : NULL;
    json_array_foreach(sections, i, s)
    {
        if (section && json_integer_value(json_object_get(s, "number")) != section)
            continue;
        if (json)
            cli_jappend(&out, json_incref(s));
        else
            print_section(s);
        shown++;
    }
    if (!shown) {
        json_decref(out);
        fprintf(stderr, _("itaku: no section %ld; the sections are 1 to %zu\n"), section,
                json_array_size(sections));
        json_decref(ob);
        return EXIT_ERROR;
    }
    rc = json ? cli_json_print(out) : EXIT_OK;
    json_decref(ob);
    return rc;
}
