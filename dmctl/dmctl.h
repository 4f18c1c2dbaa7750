// dmctl: the command-line client. Each command is one function `dmctl_cmd_<name>(argc, argv)`
// (argv[0] is the command name) registered in main.c's command table; it prints its own
// usage for -h/--help and returns the process exit status: 0 success, 1 failure, 2 usage error.
#ifndef DMCTL_H
#define DMCTL_H

#include <stdio.h>

#include "secret.h"

#define DMCTL_EXIT_OK 0
#define DMCTL_EXIT_FAIL 1
#define DMCTL_EXIT_USAGE 2

int dmctl_cmd_validate(int argc, char **argv);
int dmctl_cmd_encrypt(int argc, char **argv);
int dmctl_cmd_decrypt(int argc, char **argv);
int dmctl_cmd_rules(int argc, char **argv);
int dmctl_cmd_ddl(int argc, char **argv);

// dmctl_is_help tells whether arg asks for help (-h, --help).
int dmctl_is_help(const char *arg);

// dmctl_key_path resolves the secret key path: the --secret-key-path value when given, else
// $DM_SECRET_KEY_PATH, else $HOME/.dmigrate/secret.key. Prints an error and returns -1 when
// no path can be formed.
int dmctl_key_path(char *out, size_t size, const char *flag_value);

// dmctl_parse_key_args parses `[--secret-key-path PATH] [-h] ARG` for encrypt/decrypt:
// on success *key_flag is the flag value (or NULL), *arg the one positional argument, and -1
// is returned; otherwise the exit status to return (help printed: 0, usage error: 2).
int dmctl_parse_key_args(int argc, char **argv, void (*usage)(FILE *), const char **key_flag,
                         const char **arg);

struct config_diag;
// dmctl_print_diag prints d's errors (and, with warnings true, its warnings) to stderr, one
// `file:line:col: key: message` per line.
void dmctl_print_diag(const struct config_diag *d, int warnings);

// dmctl_print_err prints "dmctl <cmd>: message (cause)" to stderr.
void dmctl_print_err(const char *cmd, const dm_err *err);

#endif
