/* What every subcommand shares: exit codes, error printing, opening the
 * registry and the signing key. Commands only parse, call core and print. */
#ifndef ITAKU_CLI_H
#define ITAKU_CLI_H

#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/errors.h"
#include "itaku/progress.h"
#include "itaku/registry.h"
#include "itaku/sync.h"
#include "opt.h"

enum { EXIT_OK = 0, EXIT_NO = 1, EXIT_ERROR = 2 };

/* Prints "itaku: <what>: <core message>" and returns EXIT_ERROR. */
int cli_fail(const char *what);
/* The registry of the current directory: the one opened for the command
 * (CLI_NEEDS_REGISTRY, handed over once: the caller frees it), else opened
 * now. 0, or EXIT_ERROR after the message. */
int cli_open_registry(itk_registry **reg);
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

/* Columns a UTF-8 string takes in a terminal (Japanese: two each). */
int cli_display_width(const char *s);
/* Prints s padded with spaces to width columns. */
void cli_pad(const char *s, int width);

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
int cmd_obligations(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_receive(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_request(int argc, char **argv);
int cmd_requests(int argc, char **argv);
int cmd_endorse(int argc, char **argv);
int cmd_decide(int argc, char **argv);
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
/* Submits body as a record of type and prints its id; returns an exit code. */
int cli_submit_body(const char *type, json_t *body, const char *supersedes, const char *key);

/* Shared by the commands that submit a form (form, register, incident). */
int cli_submit_record(const char *type, const char *file, const char *supersedes, const char *key);
/* Submits a request of kind (form 6 for "subcontract") read from file. */
int cli_request_submit(const char *kind, const char *file, const char *key);
/* Prints what a fetch or a bundle took (cmd_fetch.c). */
void cli_print_take(const itk_sync_report *r);

#endif
