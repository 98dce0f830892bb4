/* Declarative option tables (after libgit2's src/cli/opt.h): each command
 * says its options, their values' kinds and help once; parsing, --help, the
 * usage line, man pages and shell completion all come from that table. */
#ifndef ITAKU_CLI_OPT_H
#define ITAKU_CLI_OPT_H

#include <getopt.h> /* optind: where the positionals start */
#include <stdio.h>

#include "i18n.h"

/* What a value is: how it is checked and how a shell completes it. */
typedef enum {
    CLI_SWITCH, /* no value: *(int *)value = 1 */
    CLI_STRING, /* any text: *(const char **)value */
    CLI_NUMBER, /* a whole number: *(long *)value */
    CLI_PARTY,  /* a party id registered in this registry */
    CLI_ID,     /* a record or request id of this registry */
    CLI_PATH,   /* a file or folder */
    CLI_DATE,   /* a date or time as people write it (datetime_input.h); the value
                   becomes "YYYY-MM-DD" or RFC 3339 with the contract's offset */
} cli_type;

enum {
    CLI_REQUIRED = 1, /* the option must be given */
    CLI_OPTIONAL = 2, /* a positional that may be left out */
    CLI_MANY = 4,     /* may repeat (an option's value is then a cli_strings) */
    CLI_DAY = 8,      /* a CLI_DATE that is a day: a time is refused */
};

/* The text the user typed for a CLI_DATE option whose value (as read,
 * "YYYY-MM-DD" or RFC 3339) is value: argv's, valid while argv is; value
 * itself for any other string (NULL for NULL). */
const char *cli_date_typed(const char *value);

/* One option (name set) or positional argument (name NULL, arg its name). */
typedef struct {
    const char *name; /* long name without "--"; NULL for a positional */
    char alias;       /* short letter, or 0 */
    cli_type type;
    void *value;      /* where the value goes (positionals: NULL, read from argv) */
    const char *arg;  /* the value's name in help: "P", "FILE" */
    const char *help; /* one line, English, marked with N_() (translated where printed) */
    unsigned flags;
} cli_opt;

/* An option with CLI_MANY collects its values here (value points to one). */
typedef struct {
    const char **v; /* max slots, owned by the caller */
    size_t n, max;
} cli_strings;

/* --key FILE, which every writing command takes. */
#define CLI_OPT_KEY(v)                                                                             \
    {                                                                                              \
        "key", 0, CLI_PATH, (v), "FILE",                                                           \
            N_("the private key to sign with (default: git config itaku.signingKey, then "         \
               "ssh-agent)"),                                                                      \
            0                                                                                      \
    }

/* --unverified-ref, --reason TEXT and --again, which every command submitting
 * a record takes (itaku/refcheck.h); r is an itk_ref_options. */
#define CLI_OPT_UNVERIFIED(r)                                                                      \
    {                                                                                              \
        "unverified-ref", 0, CLI_SWITCH, &(r)->unverified, NULL,                                   \
            N_("record a reference the registry cannot hold (an item received before it "          \
               "existed), with --reason"),                                                         \
            0                                                                                      \
    }
#define CLI_OPT_AGAIN(r)                                                                           \
    {                                                                                              \
        "again", 0, CLI_SWITCH, &(r)->again, NULL,                                                 \
            N_("the same register entry (action, item, time) or request (kind, items, words) a "   \
               "second time, on purpose"),                                                         \
            0                                                                                      \
    }
/* --undesignated-method (with --reason), which register add and form
 * submit take (itk_handover_method_check); r is an itk_ref_options. */
#define CLI_OPT_UNDESIGNATED(r)                                                                    \
    {                                                                                              \
        "undesignated-method", 0, CLI_SWITCH, &(r)->undesignated_method, NULL,                     \
            N_("record a handover by a method the contract does not designate as it was, with "    \
               "--reason (status shows the violation and the reason)"),                            \
            0                                                                                      \
    }
#define CLI_OPT_REFS(r)                                                                            \
    CLI_OPT_UNVERIFIED(r),                                                                         \
        {"reason",   0,                                                                            \
         CLI_STRING, &(r)->reason,                                                                 \
         "TEXT",     N_("with --unverified-ref: why the registry cannot hold it"),                 \
         0},                                                                                       \
        CLI_OPT_AGAIN(r)

/* A command or subcommand: its full name ("key add"), summary and table
 * (ended by an all-zero entry). */
typedef struct {
    const char *name;
    const char *summary;
    const cli_opt *opts;
} cli_spec;

/* What a command needs opened before it runs (git.c's RUN_SETUP): once its
 * options are good, cli_parse opens them (the signer with the table's --key
 * value) and cli_open_registry / cli_open_signer hand them to the command. */
enum { CLI_NEEDS_REGISTRY = 1, CLI_NEEDS_SIGNER = 2 };
/* Set by main from its command table, and by cli_dispatch from a subcommand's. */
extern unsigned cli_needs;

/* A command's subcommands, dispatched by cli_dispatch. */
typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
    unsigned needs; /* CLI_NEEDS_* */
} cli_sub;

/* What cli_parse does besides parsing, set by main for the hidden modes. */
typedef enum {
    CLI_MODE_RUN,      /* parse argv */
    CLI_MODE_MAN,      /* print the spec as roff, return 0 */
    CLI_MODE_LIST,     /* print the spec's name, return 0 */
    CLI_MODE_COMPLETE, /* remember the spec for completion, return 0 */
} cli_mode_t;
extern cli_mode_t cli_mode;
/* In CLI_MODE_COMPLETE: called with the spec met (while its table lives);
 * cli_complete_subs is set to the subcommands met on the way. */
extern void (*cli_complete_fn)(const cli_spec *spec);
extern const cli_sub *cli_complete_subs;
/* In CLI_MODE_COMPLETE: the word being completed (set by main). */
extern const char *cli_complete_word;

/* Parses argv (argv[0] the command word) against spec: values into the
 * table's pointers, checked by their type (numbers, parties, ids: exit 2
 * with a message naming the option and value). Returns -1 when the command
 * goes on with its positionals argv[optind..argc-1]; else the exit code to
 * return (--help printed: 0; a wrong option: 2). Never writes anything else. */
int cli_parse(const cli_spec *spec, int argc, char **argv);
/* Runs the subcommand argv[1] of command cmd; --help lists them. */
int cli_dispatch(const char *cmd, const char *summary, const cli_sub *subs, int argc, char **argv);
/* Prints "itaku: <message>", the usage line and where help is; returns 2. */
int cli_bad(const cli_spec *spec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The help text of spec (what --help prints). */
void cli_help(const cli_spec *spec, FILE *out);

/* The registry's parties and ids, one per line, for completion. */
void cli_list_parties(FILE *out);
void cli_list_ids(FILE *out);
/* Roff-escapes s to out. */
void cli_roff(FILE *out, const char *s);

#endif
