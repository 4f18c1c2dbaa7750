// dmctl: the command-line client. Each command is one function `dmctl_cmd_<name>(argc, argv)`
// (argv[0] is the command name) registered in main.c's command table; it prints its own
// usage for -h/--help and returns the process exit status: 0 success, 1 failure, 2 usage error.
//
// Cluster commands (operate-source, start-task, query-status, ...) talk to the controller
// through a dmctl_ctx: the global flags (--master-addr, --rpc-timeout, --config, -s) and the
// open dm_rpc client. They parse their arguments with dmctl_args_parse, call the controller
// method of the same name (see the cluster API contract in docs/dmctl.md) and print its
// result as JSON with 4-space indents, like DM. Exit status: 0 when the result says
// `"result": true`, 1 when it says false or the controller cannot be reached, 2 on bad
// arguments (after the command's usage).
//
// Error codes (dmctl class, 48001-48999):
//   DMCTL_ERR_CONNECT       48001  the controller at --master-addr cannot be reached
//   DMCTL_ERR_ARGS          48002  a bad command-line argument or global flag value
//   DMCTL_ERR_CONFIG        48003  the --config file cannot be read or has a bad line
//   DMCTL_ERR_NO_MASTER     48004  a cluster command without --master-addr / DM_MASTER_ADDR
//   DMCTL_ERR_TASK_CHECK    48005  start-task: the task file failed the local checks
//   DMCTL_ERR_SOURCE_CHECK  48006  operate-source create: a source file failed the checks
//   DMCTL_ERR_REPLY         48007  the controller's reply is not a JSON object
//
// Threading: a dmctl_ctx and everything here is single-threaded.
#ifndef DMCTL_H
#define DMCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dm_rpc.h"
#include "secret.h"

#define DMCTL_EXIT_OK 0
#define DMCTL_EXIT_FAIL 1
#define DMCTL_EXIT_USAGE 2

#define DMCTL_ERR_CONNECT 48001
#define DMCTL_ERR_ARGS 48002
#define DMCTL_ERR_CONFIG 48003
#define DMCTL_ERR_NO_MASTER 48004
#define DMCTL_ERR_TASK_CHECK 48005
#define DMCTL_ERR_SOURCE_CHECK 48006
#define DMCTL_ERR_REPLY 48007

// DM's default --rpc-timeout.
#define DMCTL_DEFAULT_RPC_TIMEOUT_MS (10 * 60 * 1000)

// A growable list of strings (each owned by the list).
typedef struct dmctl_strlist {
    char **items;
    size_t n;
    size_t cap;
} dmctl_strlist;

// dmctl_strlist_fini frees the items and leaves l empty. l may be NULL.
void dmctl_strlist_fini(dmctl_strlist *l);

// dmctl_strlist_push appends a copy of s. Errors: DM_ERR_NOMEM.
int dmctl_strlist_push(dmctl_strlist *l, const char *s);

// dmctl_strlist_add_csv appends each comma-separated item of arg ("a,b" -> a, b), skipping
// empty items and items already in l, as DM's repeatable string-slice flags do.
// Errors: DM_ERR_NOMEM.
int dmctl_strlist_add_csv(dmctl_strlist *l, const char *arg);

// dmctl_strlist_contains tells whether l holds s.
bool dmctl_strlist_contains(const dmctl_strlist *l, const char *s);

// dmctl_parse_duration reads a Go duration as DM's --rpc-timeout takes it: a sequence of
// decimal numbers (fractions allowed) each with a unit ns, us, µs, ms, s, m or h ("30s",
// "10m", "1h30m", "1.5s"); "0" alone is zero. *out_ms receives milliseconds, a non-zero
// duration below 1 ms counting as 1 ms. Errors: DMCTL_ERR_ARGS naming the text (empty, a
// missing or unknown unit, a sign, overflow).
int dmctl_parse_duration(int64_t *out_ms, const char *text, dm_err *err);

// dmctl_split_line splits an interactive line into words as a POSIX shell would for plain
// words: blanks separate, '...' keeps everything literally, "..." keeps blanks and takes
// \" \\ \$ \` as escapes, and a backslash outside quotes escapes the next character.
// *out receives the words. Errors: DMCTL_ERR_ARGS for an unterminated quote or a trailing
// backslash (the message names the column); DM_ERR_NOMEM.
int dmctl_split_line(dmctl_strlist *out, const char *line, dm_err *err);

// Option kinds for dmctl_args_parse.
typedef enum {
    DMCTL_OPT_BOOL = 0, // --flag (or --flag=true|false)
    DMCTL_OPT_STR,      // --flag VALUE, --flag=VALUE, -f VALUE, -fVALUE; the last one wins
    DMCTL_OPT_LIST,     // repeatable, comma lists split (-s a -s b,c)
} dmctl_opt_kind;

typedef struct dmctl_opt {
    const char *name;  // long name without "--"
    char short_name;   // 0 when none
    dmctl_opt_kind kind;
} dmctl_opt;

#define DMCTL_MAX_OPTS 8

// The result of dmctl_args_parse: per option (in the order of the dmctl_opt array) whether
// it was given and its value; the positional arguments in order.
typedef struct dmctl_args {
    bool help;                       // -h or --help was given
    bool set[DMCTL_MAX_OPTS];
    const char *str[DMCTL_MAX_OPTS]; // DMCTL_OPT_STR values (borrowed from argv)
    dmctl_strlist list[DMCTL_MAX_OPTS];
    const char **pos;                // positional arguments (borrowed from argv)
    size_t n_pos;
} dmctl_args;

// dmctl_args_parse parses argv[1..argc) (argv[0] is the command name) against opts (n_opts
// at most DMCTL_MAX_OPTS). Options may come before, between or after positional arguments;
// "--" ends the options; "-" alone is positional. Long names must be given in full (as
// with DM's pflag). -h/--help sets help. On success free *out with
// dmctl_args_fini. Errors: DMCTL_ERR_ARGS naming the unknown option, a missing value or a
// bad boolean; DM_ERR_NOMEM.
int dmctl_args_parse(dmctl_args *out, const dmctl_opt *opts, size_t n_opts, int argc,
                     char **argv, dm_err *err);

// dmctl_args_fini frees what dmctl_args_parse allocated. a may be NULL.
void dmctl_args_fini(dmctl_args *a);

// The state shared by the commands of one dmctl process (command mode) or session
// (interactive mode).
typedef struct dmctl_ctx {
    char *master_addr;      // "" when not given
    int64_t rpc_timeout_ms; // DMCTL_DEFAULT_RPC_TIMEOUT_MS unless --rpc-timeout / config
    char *config_file;      // --config, NULL when not given
    char *secret_key_path;  // --secret-key-path, NULL when not given
    dmctl_strlist sources;  // global -s/--source, added to each command's own -s
    FILE *out;              // results and help (stdout)
    FILE *err;              // errors and usage errors (stderr)
    dm_rpc_client *client;  // opened by the first call, kept for the session
    char url[512];          // the client's nng url
} dmctl_ctx;

// dmctl_ctx_init sets the defaults (no master address, 10 minutes, stdout/stderr).
// dmctl_ctx_fini closes the client and frees the strings; c may be NULL.
void dmctl_ctx_init(dmctl_ctx *c);
void dmctl_ctx_fini(dmctl_ctx *c);

// dmctl_global_parse reads the global flags at the start of argv[1..argc) (--master-addr,
// --rpc-timeout, --config, --secret-key-path, -s/--source; the "--flag=value" forms and
// DM's single-dash spellings such as "-master-addr" too) into c and stores in *cmd_index
// the index of the first other argument (argc when none). A -h/--help there sets *help.
// Then it completes c as DM does: values from the --config file where no flag gave them,
// else $DM_MASTER_ADDR for the master address; the rpc timeout is checked (> 0).
// Errors: DMCTL_ERR_ARGS (unknown global flag, missing value, bad duration),
// DMCTL_ERR_CONFIG; DM_ERR_NOMEM.
int dmctl_global_parse(int *cmd_index, bool *help, dmctl_ctx *c, int argc, char **argv,
                       dm_err *err);

// dmctl_config_load reads a dmctl config file (DM's dmctl.toml subset: `master-addr = "..."`
// and `rpc-timeout = "..."` lines, `#` comments) and sets the fields of c that set_addr /
// set_timeout allow. Errors: DMCTL_ERR_CONFIG naming the file and line (unreadable file,
// a line that is not `key = value`, an unknown key, a bad duration); DM_ERR_NOMEM.
int dmctl_config_load(dmctl_ctx *c, const char *path, bool set_addr, bool set_timeout,
                      dm_err *err);

// dmctl_run runs one command: argv[0] is its name (or "help"). Returns the exit status.
int dmctl_run(dmctl_ctx *c, int argc, char **argv);

// dmctl_interactive reads commands from in, one per line, until EOF or `exit`, and runs
// each with dmctl_run (global flags are not accepted there). The prompt "» " is written to
// c->out before each line when prompt is true. Returns 0.
int dmctl_interactive(dmctl_ctx *c, FILE *in, bool prompt);

// dmctl_usage prints the list of commands to f.
void dmctl_usage(FILE *f);

// dmctl_call calls method on the controller with params (the reference is stolen; NULL =
// {}) and stores the result object in *out (caller owns it). The client is opened on first
// use; before each call the address is dialled once so that an unreachable controller fails
// at once instead of after the rpc timeout. Errors: DMCTL_ERR_NO_MASTER, DMCTL_ERR_CONNECT
// (the message names the address), DMCTL_ERR_REPLY, DM_ERR_TIMEOUT, the controller's own
// error codes; err is filled.
int dmctl_call(json_t **out, dmctl_ctx *c, const char *method, json_t *params, dm_err *err);

// dmctl_print_json prints v to c->out with 4-space indents and a newline.
void dmctl_print_json(dmctl_ctx *c, const json_t *v);

// dmctl_print_dm_err prints "Error: [code=...:class=...], Message: ..." (dm_err_format) to
// c->err.
void dmctl_print_dm_err(dmctl_ctx *c, const dm_err *err);

// dmctl_call_print calls method (params stolen) and prints the result. Returns the exit
// status: 0 when the result has "result": true, 1 when it has false or the call failed
// (the error printed by dmctl_print_dm_err), 2 when no master address was given.
int dmctl_call_print(dmctl_ctx *c, const char *method, json_t *params);

// dmctl_print_failure prints DM's failed-reply shape {"result": false, "msg": "<err as
// dm_err_format>"} to c->out and returns DMCTL_EXIT_FAIL (for checks dmctl makes itself).
int dmctl_print_failure(dmctl_ctx *c, const dm_err *err);

struct config_task;
struct config_source;
// dmctl_load_file reads path and loads it as a task file (task_out not NULL) or a source
// file (src_out), printing its errors and warnings to c->err as `file:line:col: key:
// message`. On success *out_text holds the file's text (free it) and *task_out / *src_out
// the loaded configuration (free with config_*_destroy). Errors: the file's first error
// code (config class) or DMCTL_ERR_TASK_CHECK / DMCTL_ERR_SOURCE_CHECK, with a message
// naming the file and every error; DM_ERR_IO when it cannot be read; DM_ERR_NOMEM.
int dmctl_load_file(char **out_text, struct config_task **task_out,
                    struct config_source **src_out, dmctl_ctx *c, const char *path, dm_err *err);

// dmctl_json_strlist returns a new JSON array of l's strings (NULL when out of memory).
json_t *dmctl_json_strlist(const dmctl_strlist *l);

// dmctl_task_name returns the task name arg stands for: when arg ends in .yaml or .yml and
// is a readable task file, the file's `name`; otherwise arg itself. *out is a new string.
// Errors: DM_ERR_NOMEM.
int dmctl_task_name(char **out, const char *arg);

// Cluster commands: argv[0] is the command name; each returns the exit status.
int dmctl_cmd_operate_source(dmctl_ctx *c, int argc, char **argv);
int dmctl_cmd_get_config(dmctl_ctx *c, int argc, char **argv);
int dmctl_cmd_start_task(dmctl_ctx *c, int argc, char **argv);
int dmctl_cmd_check_task(dmctl_ctx *c, int argc, char **argv);
int dmctl_cmd_operate_task(dmctl_ctx *c, int argc, char **argv); // stop/pause/resume-task
int dmctl_cmd_query_status(dmctl_ctx *c, int argc, char **argv);
int dmctl_cmd_list_member(dmctl_ctx *c, int argc, char **argv);
int dmctl_cmd_offline_member(dmctl_ctx *c, int argc, char **argv);
int dmctl_cmd_operate_relay(dmctl_ctx *c, int argc, char **argv); // start/stop/pause/resume-relay
int dmctl_cmd_purge_relay(dmctl_ctx *c, int argc, char **argv);
int dmctl_cmd_transfer_source(dmctl_ctx *c, int argc, char **argv);
int dmctl_cmd_handle_error(dmctl_ctx *c, int argc, char **argv);

// dmctl_cmd_parse parses a cluster command's arguments with dmctl_args_parse. Returns -1
// when the command should go on, else the exit status to return: 0 after printing the usage
// for -h/--help, 2 after printing the parse error and the usage.
int dmctl_cmd_parse(dmctl_args *out, dmctl_ctx *c, const dmctl_opt *opts, size_t n_opts,
                    int argc, char **argv);

// dmctl_cmd_sources fills out with the global -s sources followed by the command's own
// (list option idx of a). Errors: DM_ERR_NOMEM.
int dmctl_cmd_sources(dmctl_strlist *out, const dmctl_ctx *c, const dmctl_args *a, size_t idx);

// dmctl_cmd_usage prints the usage of the cluster command name to f (nothing for an
// unknown name). dmctl_cmd_bad_args prints "dmctl NAME: why" and the usage to c->err and
// returns DMCTL_EXIT_USAGE.
void dmctl_cmd_usage(FILE *f, const char *name);
int dmctl_cmd_bad_args(dmctl_ctx *c, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

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
