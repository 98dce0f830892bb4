/* What every subcommand shares: exit codes, error printing, opening the
 * registry and the signing key. Commands only parse, call core and print. */
#ifndef ITAKU_CLI_H
#define ITAKU_CLI_H

#include "itaku/buf.h"
#include "itaku/errors.h"
#include "itaku/registry.h"

enum { EXIT_OK = 0, EXIT_NO = 1, EXIT_ERROR = 2 };

/* Prints "itaku: <what>: <core message>" and returns EXIT_ERROR. */
int cli_fail(const char *what);
/* Prints "itaku CMD: <message>\nusage: ..." and returns EXIT_ERROR. */
int cli_usage(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_open_registry(itk_registry **reg);
int cli_open_signer(itk_signer **signer, itk_registry *reg, const char *key_path);
/* Writes s as a JSON string literal (with quotes) to stdout. */
void cli_json_string(const char *s);
/* Whether colour may be used on this stream (a terminal, NO_COLOR unset). */
int cli_color(int fd);

/* The subcommands, one file each. */
int cmd_init(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_party(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif
