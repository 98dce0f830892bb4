/* The itaku command: dispatches to one file per subcommand (git's builtin/). */
#include "cli.h"
#include "i18n.h"
#include "itaku/forms.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum {
    NEEDS_R = CLI_NEEDS_REGISTRY,
    NEEDS_RS = CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER,
};

/* The commands (git.c's table): each one's file, summary and what it needs
 * opened; a command with subcommands says so in its subcommand table. */
static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
    unsigned needs; /* what main has opened for it (CLI_NEEDS_*, opt.h) */
} commands[] = {
    {"init", cmd_init, N_("create a contract registry (the city) and print the contract sheet"), 0},
    {"clone", cmd_clone, N_("join a contract: clone and verify against the contract sheet"), 0},
    {"acknowledge", cmd_acknowledge, N_("accept every obligation in force (each party, first)"),
     NEEDS_RS},
    {"key", cmd_key, N_("generate, show, add, rotate, retire, recover keys; mark one compromised"),
     0},
    {"contract", cmd_contract,
     N_("show the contract settings, amend them (the city); schema and obligations versions"), 0},
    {"party", cmd_party, N_("register a contractor and its first key (the city)"), 0},
    {"record", cmd_record, N_("add, show and list records"), 0},
    {"form", cmd_form, N_("fill in, submit and print the city's forms 1-6 and incident reports"),
     0},
    {"register", cmd_register, N_("add entries to the management register (form 3); export CSV"),
     0},
    {"incident", cmd_incident, N_("report an incident (first report, follow-up, final)"), 0},
    {"attach", cmd_attach, N_("keep an evidence file (a scan, an erasure log) in the registry"),
     NEEDS_RS},
    {"attachment", cmd_attachment, N_("get an attachment back by its SHA-256"), 0},
    {"obligations", cmd_obligations,
     N_("list the city's requirements and the rules that check them"), 0},
    {"validate", cmd_validate, N_("check form bodies against their schemas without writing"), 0},
    {"receive", cmd_receive, N_("merge a descendant's verified line with a signed receipt"),
     NEEDS_RS},
    {"pull", cmd_pull, N_("merge the parent's main (decisions and instructions flow down)"),
     NEEDS_RS},
    {"request", cmd_request, N_("ask the city's prior approval (form 6, copy, take-out, ...)"), 0},
    {"requests", cmd_requests, N_("list requests: pending, who must act next; --mine"), NEEDS_R},
    {"endorse", cmd_endorse, N_("vouch for a descendant's request on its way to the city"),
     NEEDS_RS},
    {"decline", cmd_endorse, N_("decline to forward a descendant's request, with a reason"),
     NEEDS_RS},
    {"approve", cmd_decide, N_("approve a request by merging it (the city)"), NEEDS_RS},
    {"reject", cmd_decide, N_("reject a request by merging it, with a reason (the city)"),
     NEEDS_RS},
    {"return", cmd_decide, N_("return a request for correction (差戻し) (the city)"), NEEDS_RS},
    {"kessai", cmd_kessai, N_("seal (決裁) a draft decision of the city with your post"), NEEDS_RS},
    {"withdraw", cmd_withdraw, N_("withdraw one of our pending requests"), NEEDS_RS},
    {"instruct", cmd_instruct,
     N_("instruct a descendant: report, inspection, return, dispose, ..."), NEEDS_RS},
    {"instructions", cmd_instruct, N_("list open instructions for us and our descendants"),
     NEEDS_R},
    {"status", cmd_status, N_("obligations down the chain: ok, pending, overdue, violated"),
     NEEDS_R},
    {"todo", cmd_todo, N_("what this party must do now, most urgent first"), NEEDS_R},
    {"verify", cmd_verify, N_("check every commit against the trust rules"), NEEDS_R},
    {"log", cmd_log, N_("print the accountability history"), NEEDS_R},
    {"history", cmd_history, N_("tell one record's or request's story, step by step"), NEEDS_R},
    {"who", cmd_who, N_("who may touch the city's information now, per party"), NEEDS_R},
    {"report", cmd_report, N_("write a static HTML report: chain, status, timeline, forms"),
     NEEDS_R},
    {"export", cmd_export, N_("export the allowed-signers file and revocation list for stock git"),
     0},
    {"remote", cmd_remote, N_("add and list remotes (ssh:// or a path), tagged with their party"),
     0},
    {"fetch", cmd_fetch, N_("take a remote's lines through the quarantine (verified first)"),
     NEEDS_R},
    {"push", cmd_push, N_("send our main and request branches to a hosted registry"), NEEDS_RS},
    {"bundle", cmd_bundle, N_("create or import a bundle file for a party with no network"), 0},
    {"server", cmd_server, N_("host a registry: init, add-party, the pre-receive check"), 0},
};

enum { NCOMMANDS = sizeof(commands) / sizeof(*commands) };

static int help(FILE *out)
{
    fputs(_("usage: itaku [-C DIR] COMMAND [ARGS]\n\n"
            "itaku keeps the compliance records of outsourced public work in a signed git "
            "registry.\n\nCommands:\n"),
          out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, _(commands[i].summary));
    fputs(_("\nOptions before COMMAND:\n"
            "  -C DIR       run as if started in DIR (a registry, or a folder inside one)\n"
            "  --version    print the version\n"
            "\nRun `itaku help COMMAND` (or `itaku COMMAND --help`) for a command's options;\n"
            "`itaku help --list` lists every command and subcommand.\n"
            "Exit status: 0 done (or the answer is yes); 1 the answer is no (verify found a\n"
            "problem, status something overdue or violated); 2 usage or operational error.\n"),
          out);
    return out == stdout ? EXIT_OK : EXIT_ERROR;
}

static int find(const char *name)
{
    for (size_t c = 0; c < NCOMMANDS; c++)
        if (strcmp(commands[c].name, name) == 0)
            return (int)c;
    return -1;
}

static int unknown(const char *name)
{
    const char *names[NCOMMANDS];
    for (size_t c = 0; c < NCOMMANDS; c++)
        names[c] = commands[c].name;
    const char *meant = cli_closest(name, names, NCOMMANDS);
    if (meant)
        fprintf(stderr,
                _("itaku: '%s' is not an itaku command; did you mean `itaku %s`? (`itaku help` "
                  "lists them)\n"),
                cli_safe(name), meant);
    else
        fprintf(stderr, _("itaku: '%s' is not an itaku command; see `itaku help`\n"),
                cli_safe(name));
    return EXIT_ERROR;
}

/* Runs command c in a hidden mode with the words given (no side effect:
 * cli_parse and cli_dispatch return before a command does anything). */
static int run_mode(int c, cli_mode_t mode, int argc, char **argv)
{
    cli_mode = mode;
    int rc = commands[c].fn(argc, argv);
    cli_mode = CLI_MODE_RUN;
    return rc;
}

/* itaku help [--list | CMD [SUB]]: the same text as `itaku CMD [SUB] --help`. */
static int help_command(int argc, char **argv)
{
    if (argc < 2)
        return help(stdout);
    if (strcmp(argv[1], "--list") == 0) {
        for (size_t c = 0; c < NCOMMANDS; c++) {
            char *one[] = {(char *)commands[c].name, NULL};
            run_mode((int)c, CLI_MODE_LIST, 1, one);
        }
        return EXIT_OK;
    }
    int c = find(argv[1]);
    if (c < 0)
        return unknown(argv[1]);
    char help_opt[] = "--help";
    char *words[] = {argv[1], argc > 2 ? argv[2] : help_opt, help_opt, NULL};
    cli_needs = commands[c].needs;
    int rc = commands[c].fn(argc > 2 ? 3 : 2, words);
    cli_teardown();
    return rc;
}

/* Every page's EXIT STATUS (STYLE: 0 ok, 1 the answer is no, 2 error). */
#define EXIT_STATUS_ROFF                                                                           \
    ".SH EXIT STATUS\n.TP\n.B 0\ndone, or the answer is yes\n.TP\n.B 1\nthe answer is no: "        \
    "verify found a problem, status found something overdue or violated\n.TP\n.B 2\n"              \
    "a usage or operational error (the message says what and what to do)"

/* itaku --man [CMD]: the manual page itaku(1) or itaku-CMD(1) as roff, always
 * English (the tables' texts as written; cli/man.cmake runs it in the C locale). */
static int man(int argc, char **argv)
{
    if (argc < 2) {
        puts(".TH ITAKU 1 \"\" \"itaku 0.1.0\" \"itaku manual\"\n.SH NAME\n"
             "itaku \\- signed compliance records of outsourced public work\n.SH SYNOPSIS\n"
             ".B itaku\n[\\-C \\fIDIR\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n.SH DESCRIPTION\n"
             "itaku keeps the compliance records of outsourced public work in a signed git "
             "registry.\n.SH COMMANDS");
        for (size_t c = 0; c < NCOMMANDS; c++) {
            printf(".TP\n.BR itaku\\-%s (1)\n", commands[c].name);
            cli_roff(stdout, commands[c].summary);
            putchar('\n');
        }
        puts(".SH OPTIONS\n.TP\n.BI \\-C \" DIR\"\nrun as if started in DIR\n.TP\n.B \\-\\-help\n"
             "print the list of commands\n.TP\n.B \\-\\-version\nprint the version");
        puts(EXIT_STATUS_ROFF);
        puts(
            ".SH ENVIRONMENT\n.TP\n.B SSH_AUTH_SOCK\nthe ssh-agent that signs when no key file is "
            "given\n.TP\n.B XDG_CACHE_HOME\nwhere this user's caches live (default "
            "~/.cache/itaku)\n.TP\n.B XDG_STATE_HOME\nwhere the key that seals them lives (default "
            "~/.local/state/itaku/cache.key, mode 0600)\n.SH FILES\n.TP\n.I .git/config\n"
            "itaku.genesis and itaku.cityKey (the contract sheet's pins), itaku.party (whose "
            "registry it is), itaku.signingKey (the key to sign with)");
        return EXIT_OK;
    }
    int c = find(argv[1]);
    if (c < 0)
        return unknown(argv[1]);
    char title[64];
    size_t k = 0;
    for (; commands[c].name[k] && k + 1 < sizeof(title); k++)
        title[k] = (char)toupper((unsigned char)commands[c].name[k]);
    title[k] = '\0';
    printf(".TH ITAKU\\-%s 1 \"\" \"itaku 0.1.0\" \"itaku manual\"\n.SH NAME\nitaku\\-%s \\- ",
           title, commands[c].name);
    cli_roff(stdout, commands[c].summary);
    puts("\n.SH OPTIONS");
    char *one[] = {argv[1], NULL};
    run_mode(c, CLI_MODE_MAN, 1, one);
    puts(EXIT_STATUS_ROFF);
    puts(".SH SEE ALSO\n.BR itaku (1)");
    return EXIT_OK;
}

/* The words being completed, the current one last (complete()). */
static char **cwords;
static int ncwords;

/* What may stand in the current word of a command whose table is spec. */
static void complete_spec(const cli_spec *spec)
{
    const cli_opt *opts = spec->opts;
    const char *cur = cwords[ncwords - 1], *prev = cwords[ncwords - 2];
    int first = cli_complete_subs ? 2 : 1; /* the first word after the (sub)command */
    cli_type want = CLI_SWITCH;
    /* the option before the current word, when it takes a value */
    for (const cli_opt *o = opts; o->name || o->arg; o++)
        if (o->name && o->type != CLI_SWITCH && prev[0] == '-' &&
            ((prev[1] == '-' && strcmp(prev + 2, o->name) == 0) ||
             (o->alias && prev[1] == o->alias && !prev[2])))
            want = o->type;
    if (want == CLI_SWITCH && cur[0] == '-') {
        for (const cli_opt *o = opts; o->name || o->arg; o++)
            if (o->name)
                printf("--%s\n", o->name);
        puts("--help");
        return;
    }
    if (want == CLI_SWITCH) {
        /* a positional: count the ones before it */
        int npos = 0;
        for (int k = first; k < ncwords - 1; k++) {
            if (cwords[k][0] != '-') {
                npos++;
                continue;
            }
            for (const cli_opt *o = opts; o->name || o->arg; o++)
                if (o->name && o->type != CLI_SWITCH && strcmp(cwords[k] + 2, o->name) == 0)
                    k++;
        }
        const cli_opt *pos = NULL;
        for (const cli_opt *o = opts; !pos && (o->name || o->arg); o++)
            if (!o->name && (npos-- == 0 || o->flags & CLI_MANY))
                pos = o;
        if (!pos)
            return;
        want = pos->type;
    }
    if (want == CLI_PARTY)
        cli_list_parties(stdout);
    else if (want == CLI_ID)
        cli_list_ids(stdout);
    else if (want == CLI_PATH)
        puts("__files__");
}

/* itaku __complete WORD... CURRENT: the words a shell may put in place of
 * CURRENT (the shell filters them); "__files__" for a file name. */
static int complete(int argc, char **argv)
{
    int i = 1;
    while (i + 2 < argc && strcmp(argv[i], "-C") == 0) {
        if (chdir(argv[i + 1]) != 0)
            return EXIT_ERROR;
        i += 2;
    }
    ncwords = argc - i;
    cwords = argv + i;
    if (ncwords <= 1) {
        for (size_t c = 0; c < NCOMMANDS; c++)
            puts(commands[c].name);
        puts("help");
        return EXIT_OK;
    }
    int c = find(cwords[0]);
    if (c < 0 && strcmp(cwords[0], "help") == 0 && ncwords == 2)
        for (size_t k = 0; k < NCOMMANDS; k++)
            puts(commands[k].name);
    if (c < 0)
        return EXIT_OK;
    cli_complete_subs = NULL;
    cli_complete_fn = complete_spec;
    cli_complete_word = cwords[ncwords - 1];
    /* the command and, when the current word is not it, its subcommand */
    char *words[] = {cwords[0], ncwords > 2 ? cwords[1] : NULL, NULL};
    return run_mode(c, CLI_MODE_COMPLETE, ncwords > 2 ? 2 : 1, words);
}

int main(int argc, char **argv)
{
    cli_i18n_init(argc, argv);
    int i = 1;
    if (argc >= 2 && strcmp(argv[1], "__complete") == 0)
        return complete(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "--man") == 0)
        return man(argc - 1, argv + 1);
    while (i < argc && strcmp(argv[i], "-C") == 0) {
        if (i + 1 >= argc)
            return help(stderr);
        if (chdir(argv[i + 1]) != 0) {
            fprintf(stderr, _("itaku: cannot change to %s\n"), cli_safe(argv[i + 1]));
            return EXIT_ERROR;
        }
        i += 2;
    }
    if (i >= argc)
        return help(stderr);
    const char *name = argv[i];
    if (strcmp(name, "help") == 0)
        return help_command(argc - i, argv + i);
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return help(stdout);
    if (strcmp(name, "--version") == 0) {
        puts("itaku " ITK_VERSION);
        return EXIT_OK;
    }
    int c = find(name);
    if (c < 0)
        return unknown(name);
    cli_needs = commands[c].needs;
    int rc = commands[c].fn(argc - i, argv + i);
    cli_teardown();
    const char *note = itk_notice_take();
    if (*note)
        fprintf(stderr, _("itaku: note: %s\n"), cli_safe_block(note, "  "));
    cli_safe_release();
    return rc;
}
