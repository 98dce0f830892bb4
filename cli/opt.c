/* The one option parser of every command (opt.h), on getopt_long. */
#include "opt.h"
#include "cli.h"
#include "i18n.h"
#include "itaku/datetime_input.h"
#include "itaku/party.h"
#include "itaku/query.h"
#include "itaku/requests.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

cli_mode_t cli_mode = CLI_MODE_RUN;
void (*cli_complete_fn)(const cli_spec *spec);
const char *cli_complete_word;
const cli_sub *cli_complete_subs;

enum { CLI_MAX_OPTS = 32 };

/* The CLI_DATE values read (each option's slot) and the text typed for each. */
static char dates[CLI_MAX_OPTS][ITK_DATETIME_OUT];
static const char *dates_typed[CLI_MAX_OPTS];

const char *cli_date_typed(const char *value)
{
    for (size_t k = 0; value && k < CLI_MAX_OPTS; k++)
        if (value == dates[k] && dates_typed[k])
            return dates_typed[k];
    return value;
}

static const char *type_arg(const cli_opt *o)
{
    if (o->arg)
        return o->arg;
    switch (o->type) {
    case CLI_NUMBER: return "N";
    case CLI_PARTY: return "PARTY";
    case CLI_ID: return "ID";
    case CLI_PATH: return "FILE";
    case CLI_DATE: return "DATE";
    default: return "TEXT";
    }
}

/* The synopsis "itaku NAME ARGS..." (no newline): names, never translated. */
static void synopsis(const cli_spec *spec, FILE *out)
{
    fprintf(out, "itaku %s", spec->name);
    for (const cli_opt *o = spec->opts; o->name || o->arg; o++) {
        if (o->name)
            continue;
        const char *open = o->flags & CLI_OPTIONAL ? "[" : "";
        fprintf(out, " %s%s%s%s", open, o->arg, o->flags & CLI_MANY ? "..." : "", *open ? "]" : "");
    }
    for (const cli_opt *o = spec->opts; o->name || o->arg; o++) {
        if (!o->name)
            continue;
        int req = o->flags & CLI_REQUIRED;
        fprintf(out, " %s", req ? "" : "[");
        if (o->alias)
            fprintf(out, "-%c|", o->alias);
        fprintf(out, "--%s", o->name);
        if (o->type != CLI_SWITCH)
            fprintf(out, " %s", type_arg(o));
        fputs(req ? "" : "]", out);
    }
}

/* "usage: " and the synopsis, in the user's language. */
static void usage_line(const cli_spec *spec, FILE *out)
{
    char *line = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&line, &size);
    if (!mem)
        return;
    synopsis(spec, mem);
    fclose(mem);
    fprintf(out, _("usage: %s\n"), line);
    free(line);
}

void cli_help(const cli_spec *spec, FILE *out)
{
    usage_line(spec, out);
    fprintf(out, "\n%s\n", _(spec->summary));
    int any = 0;
    for (const cli_opt *o = spec->opts; o->name || o->arg; o++) {
        if (!any++)
            fputs("\n", out);
        char left[64];
        if (!o->name)
            snprintf(left, sizeof(left), "%s", o->arg);
        else if (o->type == CLI_SWITCH)
            snprintf(left, sizeof(left), "%s%c%s--%s", o->alias ? "-" : "",
                     o->alias ? o->alias : ' ', o->alias ? ", " : "  ", o->name);
        else
            snprintf(left, sizeof(left), "%s%c%s--%s %s", o->alias ? "-" : "",
                     o->alias ? o->alias : ' ', o->alias ? ", " : "  ", o->name, type_arg(o));
        fprintf(out, "  %-26s ", left);
        if (o->flags & CLI_REQUIRED)
            fprintf(out, _("%s (required)"), _(o->help));
        else
            fputs(_(o->help), out);
        fputc('\n', out);
    }
    fprintf(out, "  %-26s %s\n", "-h, --help", _("print this help"));
}

void cli_roff(FILE *out, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", out);
    for (; *s; s++) {
        if (*s == '-' || *s == '\\')
            fputc('\\', out);
        fputc(*s == '\\' ? 'e' : *s, out);
    }
}

static void man_spec(const cli_spec *spec)
{
    FILE *out = stdout;
    fputs(".SS \"itaku ", out);
    cli_roff(out, spec->name);
    fputs("\"\n.nf\n", out);
    /* the manual pages stay English: the tables' texts as written, never
     * through gettext */
    char *line = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&line, &size);
    if (mem) {
        synopsis(spec, mem);
        fclose(mem);
        cli_roff(out, line);
        fputc('\n', out);
        free(line);
    }
    fputs(".fi\n.PP\n", out);
    cli_roff(out, spec->summary);
    fputs("\n", out);
    for (const cli_opt *o = spec->opts; o->name || o->arg; o++) {
        fputs(".TP\n", out);
        if (!o->name)
            fprintf(out, ".I %s\n", o->arg);
        else {
            fputs(".B ", out);
            if (o->alias)
                fprintf(out, "\\-%c, ", o->alias);
            fputs("\\-\\-", out);
            cli_roff(out, o->name);
            if (o->type != CLI_SWITCH) {
                fputs(" ", out);
                cli_roff(out, type_arg(o));
            }
            fputs("\n", out);
        }
        cli_roff(out, o->help); /* English (see above) */
        fputs(o->flags & CLI_REQUIRED ? " (required)\n" : "\n", out);
    }
}

int cli_bad(const cli_spec *spec, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "itaku %s: ", spec->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    usage_line(spec, stderr);
    fprintf(stderr, _("(see `itaku help %s`)\n"), spec->name);
    return EXIT_ERROR;
}

/* The registry values are checked against: opened once, when one needs it
 * (none outside a registry: the command then says what is wrong). */
typedef struct {
    int tried;
    itk_registry *reg;
} check_ctx;

static itk_registry *check_reg(check_ctx *ctx)
{
    if (!ctx->tried) {
        ctx->tried = 1;
        if (itk_registry_open(&ctx->reg, ".") < 0)
            ctx->reg = NULL;
        itk_error_clear();
    }
    return ctx->reg;
}

static int party_known(itk_registry *reg, const char *party)
{
    git_tree *tree = NULL;
    itk_buf data = ITK_BUF_INIT, path = ITK_BUF_INIT;
    if (itk_registry_head_tree(&tree, reg) < 0) {
        itk_error_clear();
        return 1; /* an empty registry: nothing to check against */
    }
    int known = strchr(party, '/') == NULL &&
                itk_buf_printf(&path, "parties/%s/party.json", party) == 0 &&
                itk_tree_read(&data, itk_registry_repo(reg), tree, path.ptr, 1 << 20) == 0;
    itk_error_clear();
    itk_buf_dispose(&data);
    itk_buf_dispose(&path);
    git_tree_free(tree);
    return known;
}

/* Checks one value by its type; 0 or the exit code after the message. */
static int check_value(const cli_spec *spec, const cli_opt *o, const char *text, check_ctx *tried)
{
    char what[64];
    if (o->name)
        if (o->alias)
            snprintf(what, sizeof(what), "-%c/--%s", o->alias, o->name);
        else
            snprintf(what, sizeof(what), "--%s", o->name);
    else
        snprintf(what, sizeof(what), "%s", o->arg);
    if (o->type == CLI_NUMBER) {
        char *end;
        errno = 0;
        long n = strtol(text, &end, 10);
        if (!*text || *end || errno)
            return cli_bad(spec, _("%1$s takes a whole number, not '%2$s' (e.g. %1$s 10)"), what,
                           text);
        if (o->value)
            *(long *)o->value = n;
        return 0;
    }
    if (!*text)
        return cli_bad(spec, _("%s needs a value that is not empty"), what);
    if (o->type == CLI_DATE) {
        /* any form people write (2026/12/1, 令和8年12月1日, full-width), read as
         * "YYYY-MM-DD" or RFC 3339 with the contract's offset; the command
         * says what a date alone means */
        size_t slot = (size_t)(o - spec->opts) % CLI_MAX_OPTS;
        dates_typed[slot] = text;
        int offset = 9 * 60;
        itk_registry *here = check_reg(tried);
        if (here && itk_registry_offset(&offset, here) < 0) {
            offset = 9 * 60;
            itk_error_clear();
        }
        if (itk_datetime_input(dates[slot], NULL, text, offset,
                               o->flags & CLI_DAY ? ITK_DATE_DAY : ITK_DATE_KEEP) < 0)
            return cli_bad(spec, "%s %s", what, itk_error_last());
        text = dates[slot];
    }
    /* ids are left to the command: core names an unknown one, and why */
    itk_registry *reg = o->type == CLI_PARTY ? check_reg(tried) : NULL;
    if (reg && o->type == CLI_PARTY && !party_known(reg, text)) {
        /* a party named by (part of) its name: the id it has */
        itk_buf near = ITK_BUF_INIT;
        git_tree *tree = NULL;
        if (itk_registry_head_tree(&tree, reg) == 0)
            itk_party_suggest(&near, reg, tree, text);
        itk_error_clear();
        git_tree_free(tree);
        int bad = near.size
                      ? cli_bad(spec,
                                _("%1$s %2$s: no party has the id '%2$s' (did you mean %3$s?); "
                                  "give the party's id; `itaku status` lists the parties"),
                                what, text, cli_safe(near.ptr))
                      : cli_bad(spec,
                                _("%1$s %2$s: party '%2$s' is not registered here; `itaku status` "
                                  "lists the parties"),
                                what, text);
        itk_buf_dispose(&near);
        return bad;
    }
    if (o->value && (o->flags & CLI_MANY)) {
        cli_strings *list = o->value;
        if (list->n == list->max)
            return cli_bad(spec,
                           P_("%s may be given at most %zu time",
                              "%s may be given at most %zu times", list->max),
                           what, list->max);
        list->v[list->n++] = text;
    } else if (o->value)
        *(const char **)o->value = text;
    return 0;
}

int cli_parse(const cli_spec *spec, int argc, char **argv)
{
    if (cli_mode == CLI_MODE_MAN) {
        man_spec(spec);
        return EXIT_OK;
    }
    if (cli_mode == CLI_MODE_LIST) {
        printf("%s\n", spec->name);
        return EXIT_OK;
    }
    if (cli_mode == CLI_MODE_COMPLETE) {
        if (cli_complete_fn)
            cli_complete_fn(spec);
        return EXIT_OK;
    }
    struct option longs[CLI_MAX_OPTS + 2];
    char shorts[3 * CLI_MAX_OPTS + 8] = ":h";
    size_t n = 0, ns = strlen(shorts);
    for (const cli_opt *o = spec->opts; (o->name || o->arg) && n < CLI_MAX_OPTS; o++) {
        if (!o->name)
            continue;
        longs[n].name = o->name;
        longs[n].has_arg = o->type == CLI_SWITCH ? no_argument : required_argument;
        longs[n].flag = NULL;
        longs[n].val = 256 + (int)(o - spec->opts);
        n++;
        if (o->alias) {
            shorts[ns++] = o->alias;
            if (o->type != CLI_SWITCH)
                shorts[ns++] = ':';
        }
    }
    shorts[ns] = '\0';
    longs[n] = (struct option){"help", no_argument, NULL, 'h'};
    longs[n + 1] = (struct option){0};
    check_ctx tried = {0};
    int c, rc = -1;
    optind = 1;
    opterr = 0;
    while (rc < 0 && (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        const cli_opt *o = NULL;
        if (c >= 256)
            o = &spec->opts[c - 256];
        else if (c != '?' && c != ':' && c != 'h')
            for (const cli_opt *p = spec->opts; p->name || p->arg; p++)
                if (p->name && p->alias == c)
                    o = p;
        if (c == 'h') {
            cli_help(spec, stdout);
            rc = EXIT_OK;
        } else if (c == ':')
            rc = cli_bad(spec, _("%s needs a value"), argv[optind - 1]);
        else if (!o) {
            char unknown[3] = {'-', (char)optopt, 0};
            const char *arg = optopt ? unknown : argv[optind - 1];
            /* a key's text pasted as an argument starts with "-----BEGIN":
             * never repeat a private key (scrollback, logs) */
            rc = strstr(arg, "PRIVATE KEY")
                     ? cli_bad(spec, "%s",
                               _("an argument is a PRIVATE key's text: never send, paste or "
                                 "share a private key (whoever holds it can sign as you); "
                                 "give the name of a file instead"))
                     : cli_bad(spec, _("unknown option %s"), cli_safe(arg));
        } else if (o->type == CLI_SWITCH)
            *(int *)o->value = 1;
        else if (check_value(spec, o, optarg, &tried))
            rc = EXIT_ERROR;
    }
    /* typed positionals and required options */
    const cli_opt *pos = spec->opts;
    for (int i = optind; rc < 0 && i < argc; i++) {
        while ((pos->name || pos->arg) && pos->name)
            pos++;
        if (!pos->name && !pos->arg)
            break;
        if (pos->type == CLI_PARTY && check_value(spec, pos, argv[i], &tried))
            rc = EXIT_ERROR;
        if (!(pos->flags & CLI_MANY))
            pos++;
    }
    for (const cli_opt *o = spec->opts; rc < 0 && (o->name || o->arg); o++)
        if (o->name && (o->flags & CLI_REQUIRED) &&
            ((o->flags & CLI_MANY) ? !((cli_strings *)o->value)->n : !*(const char **)o->value))
            rc = cli_bad(spec, _("--%s %s is required"), o->name, type_arg(o));
    if (rc < 0 && cli_needs) {
        /* the options are good: open what the command needs, once */
        const char *key = NULL;
        for (const cli_opt *o = spec->opts; o->name || o->arg; o++)
            if (o->name && strcmp(o->name, "key") == 0 && o->type == CLI_PATH)
                key = *(const char **)o->value;
        rc = cli_setup(tried.reg, key) ? EXIT_ERROR : -1;
        tried.reg = NULL; /* cli_setup took it */
    }
    itk_registry_free(tried.reg);
    return rc;
}

int cli_dispatch(const char *cmd, const char *summary, const cli_sub *subs, int argc, char **argv)
{
    if (cli_mode == CLI_MODE_COMPLETE)
        cli_complete_subs = subs;
    for (const cli_sub *s = subs; argc >= 2 && s->name; s++)
        if (strcmp(argv[1], s->name) == 0) {
            cli_needs = s->needs;
            return s->fn(argc - 1, argv + 1);
        }
    if (cli_mode == CLI_MODE_COMPLETE) {
        for (const cli_sub *s = subs; s->name; s++)
            puts(s->name);
        return EXIT_OK;
    }
    if (cli_mode != CLI_MODE_RUN) {
        char *one[] = {NULL, NULL};
        for (const cli_sub *s = subs; s->name; s++) {
            one[0] = (char *)s->name;
            s->fn(1, one);
        }
        return EXIT_OK;
    }
    int help = argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
    FILE *out = help ? stdout : stderr;
    if (argc >= 2 && !help) {
        /* what was typed, and the words that would have worked: one line
         * a person sees, not the whole help under it */
        itk_buf names = ITK_BUF_INIT;
        const char *words[64];
        size_t nwords = 0;
        for (const cli_sub *s = subs; s->name; s++) {
            itk_buf_printf(&names, "%s%s", s == subs ? "" : ", ", s->name);
            if (nwords < sizeof(words) / sizeof(words[0]))
                words[nwords++] = s->name;
        }
        const char *meant = cli_closest(argv[1], words, nwords);
        if (argv[1][0] == '-')
            fprintf(out,
                    _("itaku %1$s: give one of its subcommands (%3$s) before an option such as "
                      "'%2$s' (`itaku %1$s --help` says what each does)\n"),
                    cmd, cli_safe(argv[1]), names.ptr ? names.ptr : "");
        else if (meant)
            fprintf(out,
                    _("itaku %1$s: there is no subcommand '%2$s' of %1$s; did you mean `itaku %1$s "
                      "%4$s`? Its subcommands are %3$s (`itaku %1$s --help` says what each "
                      "does)\n"),
                    cmd, cli_safe(argv[1]), names.ptr ? names.ptr : "", meant);
        else
            fprintf(out,
                    _("itaku %1$s: there is no subcommand '%2$s' of %1$s; its subcommands are "
                      "%3$s (`itaku %1$s --help` says what each does)\n"),
                    cmd, cli_safe(argv[1]), names.ptr ? names.ptr : "");
        itk_buf_dispose(&names);
        return EXIT_ERROR;
    }
    fprintf(out, _("usage: itaku %s COMMAND [ARGS]\n"), cmd);
    fprintf(out, "\n%s\n\n", _(summary));
    fputs(_("Commands:\n"), out);
    for (const cli_sub *s = subs; s->name; s++)
        fprintf(out, "  %-12s %s\n", s->name, _(s->summary));
    fprintf(out, _("\nRun `itaku %s COMMAND --help` for a command's options.\n"), cmd);
    return help ? EXIT_OK : EXIT_ERROR;
}

void cli_list_parties(FILE *out)
{
    itk_registry *reg = NULL;
    git_tree *tree = NULL;
    git_tree_entry *dir = NULL;
    git_tree *parties = NULL;
    if (itk_registry_open(&reg, ".") == 0 && itk_registry_head_tree(&tree, reg) == 0 &&
        git_tree_entry_bypath(&dir, tree, "parties") == 0 &&
        git_tree_lookup(&parties, itk_registry_repo(reg), git_tree_entry_id(dir)) == 0)
        for (size_t i = 0; i < git_tree_entrycount(parties); i++)
            fprintf(out, "%s\n", git_tree_entry_name(git_tree_entry_byindex(parties, i)));
    itk_error_clear();
    git_tree_free(parties);
    git_tree_entry_free(dir);
    git_tree_free(tree);
    itk_registry_free(reg);
}

void cli_list_ids(FILE *out)
{
    itk_registry *reg = NULL;
    char **paths = NULL;
    size_t n = 0, nreq = 0;
    itk_request_info *reqs = NULL;
    if (itk_registry_open(&reg, ".") == 0) {
        if (itk_record_list(&paths, &n, reg, NULL, NULL) == 0)
            for (size_t i = 0; i < n; i++) {
                itk_path_info pi;
                itk_path_classify(&pi, paths[i]);
                if (pi.type && pi.kind != ITK_PATH_KEY) /* as `record list` shows them */
                    fprintf(out, "%s/%s\n", pi.party, pi.id);
            }
        if (itk_request_list(&reqs, &nreq, reg) == 0)
            for (size_t i = 0; i < nreq; i++)
                fprintf(out, "%s\n", reqs[i].name);
    }
    itk_error_clear();
    itk_string_list_free(paths, n);
    free(reqs);
    itk_registry_free(reg);
}
