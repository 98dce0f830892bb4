/* What every subcommand shares: exit codes, error printing, opening the
 * registry and the signing key. Commands only parse, call core and print. */
#ifndef ITAKU_CLI_H
#define ITAKU_CLI_H

#include <jansson.h>

#include "itaku/attach.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "itaku/kessai.h"
#include "itaku/labels.h"
#include "itaku/progress.h"
#include "itaku/refcheck.h"
#include "itaku/registry.h"
#include "itaku/render.h"
#include "itaku/snapshot.h"
#include "itaku/sync.h"
#include "opt.h"

enum { EXIT_OK = 0, EXIT_NO = 1, EXIT_ERROR = 2 };

/* Prints "itaku: <what>: <core message>" and returns EXIT_ERROR. */
int cli_fail(const char *what);
/* The registry of the current directory: the one opened for the command
 * (CLI_NEEDS_REGISTRY, handed over once: the caller frees it), else opened
 * now. 0, or EXIT_ERROR after the message. */
int cli_open_registry(itk_registry **reg);

/* A view's --at (at: the option's value as the parser left it, a date or an
 * RFC 3339 time; NULL: now, always fine) before reg began (its genesis
 * commit; a date alone counts to its end): says so, quoting --at as typed
 * with its reading and naming the first record's day (its minute on the
 * contract's clock when --at is a time of that day), and returns
 * EXIT_ERROR; else 0. A view as of such a time would
 * show nothing and read as all being well. */
int cli_at_after_start(itk_registry *reg, const char *at);
/* How long the registry waits for another writer: ITAKU_LOCK_WAIT=SECONDS, else
 * ITK_LOCK_WAIT_MS; the waiting message goes to stderr. */
void cli_lock_wait(itk_registry *reg);
/* The signing key: the one opened for the command (CLI_NEEDS_SIGNER, with
 * its --key), handed over once, else opened now from key_path, git config
 * itaku.signingKey or ssh-agent. 0, or EXIT_ERROR after the message. */
int cli_open_signer(itk_signer **signer, itk_registry *reg, const char *key_path);
/* Opens what cli_needs asks for (taking opened, a registry already open, or
 * NULL); key_path: the command's --key. 0, or EXIT_ERROR after the message. */
int cli_setup(itk_registry *opened, const char *key_path);
/* Frees what cli_setup opened and no command took (main, after a command). */
void cli_teardown(void);
/* Whether colour may be used on this stream (a terminal, NO_COLOR unset). */
int cli_color(int fd);

/* A progress callback for core's long operations: a line on stderr that
 * rewrites itself, or NULL (no progress) when stderr is not a terminal. */
itk_progress_cb cli_progress(void);
/* How a fetched pack arrives (fetch, pull, receive, clone), as git says it,
 * or NULL when stderr is not a terminal (cli/fetch_progress.c). */
itk_fetch_progress_cb cli_fetch_progress(void);
/* Ends a progress line left open (a failure said next starts its own). */
void cli_progress_end(void);

/* Text that came from a registry, made safe to print (core's itk_text_safe):
 * controls, bidirectional controls and invalid bytes shown as \x1b,
 * <U+202E>, \xNN. cli_safe is for a table cell or one line (a newline shows
 * as \n); cli_safe_block for a block of text, each line after the first
 * indented by indent so that it can never start a row. The result stays
 * valid for the next 15 calls (one printf's worth); never NULL. */
const char *cli_safe(const char *s);
const char *cli_safe_block(const char *s, const char *indent);
/* itk_error_last() made safe the same way (lines after the first indented
 * by two spaces): core messages quote paths, subjects and names, so the CLI
 * prints every core message through this. */
const char *cli_error_text(void);
/* Frees what cli_safe* hold (main, at exit). */
void cli_safe_release(void);

/* The one word of names[0..n) that typed most likely misspells (at most
 * two edits, fewer for short words, or the start of the word), or NULL
 * when none is close or two are equally close. Returns one of names. */
const char *cli_closest(const char *typed, const char *const *names, size_t n);

/* Writes size bytes of data to file (NULL or "-": standard output) whole,
 * by a file beside it renamed over it, or says why not on stderr with what
 * to do, leaving any earlier file as it was. EXIT_OK or EXIT_ERROR. */
int cli_write_output(const char *file, const void *data, size_t size);

/* Columns a UTF-8 string takes in a terminal (Japanese: two each). */
int cli_display_width(const char *s);
/* Prints s, made safe as by cli_safe, padded with spaces to width columns. */
void cli_pad(const char *s, int width);
/* A table's heading line: n pairs (int width, const char *text), each text
 * (translated by the caller) padded to width columns and a space, the last
 * one as it is, then a newline: what printf("%-Ws %s\n") gives in ASCII. */
void cli_heading(int n, ...);
/* The same as cli_pad, aligned right: the spaces first (a number column's heading). */
void cli_pad_right(const char *s, int width);

/* The labels catalog of reg's HEAD (itaku/labels.h): the city's Japanese
 * wording, for its papers (status --csv, like the printed forms), or NULL:
 * a registry without one gets one note on stderr (codes are shown; `itaku
 * contract upgrade` adds it), one whose catalog cannot be read a warning
 * naming it. The caller frees it (itk_labels_free). */
itk_labels *cli_paper_labels(itk_registry *reg);

/* The language of the words the screens show: "ja" when the messages are
 * Japanese (po/ja.po says so), else "en". */
const char *cli_screen_lang(void);

/* A party as the text screens name it: on a Japanese screen its name in
 * reg's HEAD (parties/<party>/party.json: 株式会社アクメ), on an English
 * screen, or when it has none, its id. Writes at most cap bytes to out and
 * returns out; the name is the party's own text (cli_pad and cli_safe show
 * it safely). Never fails. */
const char *cli_party_shown(char *out, size_t cap, itk_registry *reg, const char *party);

/* A party's heading on a text screen, indented by ind after a blank line:
 * "acme (contractor)"; on a Japanese screen by its name too,
 * 株式会社アクメ（acme、受注者）, the id kept for --party. role is the role as
 * the screen words it. */
void cli_party_heading(itk_registry *reg, const char *party, int ind, const char *role);
/* A party named in a list on a text screen: on a Japanese screen its name
 * with its id beside it, 株式会社アクメ（acme）, else (or without a name) its
 * id (cli_party_shown). Returns out. Never fails. */
const char *cli_party_named(char *out, size_t cap, itk_registry *reg, const char *party);

/* The catalog of the text screens (status, todo, requests, who,
 * instructions, log): cli_paper_labels when the messages are Japanese, else
 * the one this itaku carries for the screens' language (labels/en.v1.json;
 * NULL, codes shown, when it carries none). The caller frees it. */
itk_labels *cli_labels(itk_registry *reg);

/* The local decision branches that are no decision in progress
 * (itk_kessai_branches_check: made or moved with plain git), each told on
 * stderr with what to do; *out and *n as there (out NULL: told only). A
 * check that cannot run is told, and finds none. */
void cli_kessai_strays(itk_kessai_stray **out, size_t *n, itk_registry *reg);

/* The subcommands, one file each. */
int cmd_init(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_contract(int argc, char **argv);
int cmd_party(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_form(int argc, char **argv);
int cmd_register(int argc, char **argv);
int cmd_incident(int argc, char **argv);
int cmd_attach(int argc, char **argv);
int cmd_attachment(int argc, char **argv);
int cmd_obligations(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_receive(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_request(int argc, char **argv);
int cmd_requests(int argc, char **argv);
int cmd_endorse(int argc, char **argv);
int cmd_decide(int argc, char **argv);
int cmd_kessai(int argc, char **argv);
int cmd_withdraw(int argc, char **argv);
int cmd_clone(int argc, char **argv);
int cmd_acknowledge(int argc, char **argv);
int cmd_instruct(int argc, char **argv);
int cmd_remote(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_bundle(int argc, char **argv);
int cmd_server(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_todo(int argc, char **argv);
int cmd_who(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Reads a record body (a JSON object) from file, "-" for standard input,
 * bounded; with comments, // notes of a filled-in template are allowed. */
int cli_read_body(json_t **body, const char *file, int comments);
/* Reads a filled-in form of type from file ("-": standard input) through
 * itk_form_input_read, with the registry's newest schema and the contract's
 * timezone when run inside a registry (else what itaku carries and +09:00);
 * notes gets what was taken as given. form submit, validate, incident report
 * and request submit all read here. */
int cli_read_form(json_t **body, itk_buf *notes, const char *file, const char *type);
/* Rewrites the dates of a body built from options as cli_read_form does
 * (itk_form_body_normalise) and prints its notes. */
int cli_normalise_body(json_t *body, const char *type);
/* The party of the signing key (--key's when the command takes one, else
 * the default) in reg, and the one above it in the chain (whose
 * instructions it answers): "" when not known, or for the city. */
void cli_whoami(itk_registry *reg, char party[ITK_PARTY_ID_MAX + 1],
                char above[ITK_PARTY_ID_MAX + 1]);
/* What a form cites, checked as party would write it, for the list of the
 * form's problems (itk_form_more_fn, arg a cli_cited: itk_record_ref_problems
 * over reg's HEAD); nothing outside a registry, without a party or for form
 * 6 (a request only when submitted). */
typedef struct {
    itk_registry *reg;
    const char *party;
    const char *type;
    const itk_ref_options *refs; /* NULL: none */
} cli_cited;
void cli_cited_problems(itk_buf *problems, const json_t *body, void *arg);
/* Prints each line of notes to standard error as "itaku: note: ...". */
void cli_print_notes(const itk_buf *notes);
/* Submits body as a record of type and prints its id; returns an exit code. */
int cli_submit_body(const char *type, json_t *body, const char *supersedes, const char *key);
/* The reference options (--unverified-ref, --reason, --again) of the command
 * running, which cli_submit_body and cli_submit_attached pass on; the
 * commands' tables point CLI_OPT_REFS at it. */
extern itk_ref_options cli_refs;

/* After a register entry is written: warns on stderr when its handover
 * method is not one the contract settings in force designate (issue 16). */
void cli_warn_handover(itk_registry *reg, const char *type, const json_t *body);

/* Shared by the commands that submit a form (form, register, incident). */
int cli_submit_record(const char *type, const char *file, const char *supersedes, const char *key);
/* cli_submit_record with --attach FIELD=FILE values (cmd_attach.c): the
 * files read, cited in the body's FIELD and added in the same commit. */
/* Lists the attachments record at of snap cites (kept or missing) in its
 * form page (cmd_attach.c). 0 or an ITK_E… code. */
int cli_form_evidence(itk_buf *page, itk_registry *reg, const git_tree *tree,
                      const itk_snapshot *snap, size_t at, itk_render_format fmt);
int cli_submit_attached(const char *type, const char *file, const char *supersedes, const char *key,
                        const cli_strings *attach);
/* The --attach FIELD=FILE values form submit and validate share (one
 * reading, so that validate accepts what form submit accepts): each FILE
 * read into att[i] (attach->n of them, the caller's to dispose) and cited
 * in body's FIELD as schema describes it (itk_attachment_fill). 0, or
 * EXIT_ERROR after "itaku: <what>: <the problem>" on stderr. */
int cli_attach_fill(json_t *body, const json_t *schema, const cli_strings *attach,
                    itk_attachment *att, const char *what);
/* Why form 6 takes no --attach, as form submit and validate refuse it and
 * as `itaku attach` advises (translated where printed). */
#define CLI_FORM6_ATTACH                                                                           \
    N_("form 6 is a request and takes no --attach: keep each file first with itaku attach FILE, "  \
       "then cite the {filename, sha256} it prints in the form's field")
/* Submits a request of kind (form 6 for "subcontract") read from file. */
int cli_request_submit(const char *kind, const char *file, const char *supersedes, const char *key);
/* Prints what a fetch or a bundle took (cmd_fetch.c). */
void cli_print_take(const itk_sync_report *r);

/* What a take did to main (r->main), for `itaku fetch NAME` and `itaku
 * bundle import`: pull names how main is brought to the own line when it
 * holds commits of its own (itaku pull NAME; NULL: the line's ref). */
void cli_print_main(const itk_sync_report *r, const char *pull);

/* This registry's party into out: git config itaku.party, else the
 * signing key's party. 0, or -1 when neither says. */
int cli_whose(char out[ITK_PARTY_ID_MAX + 1], itk_registry *reg);

#endif
