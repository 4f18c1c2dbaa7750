// DESIGN: the command table, help, dispatch and the interactive loop.
//
// Offline commands (validate, encrypt, decrypt, rules, ddl) keep their own getopt parsing
// and print to stdout/stderr; cluster commands take the dmctl_ctx and print to its streams.
// The interactive mode runs each line through the same dispatch, so a command behaves the
// same typed at the prompt or given on the command line.
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmctl.h"

typedef struct dmctl_command {
    const char *name;
    const char *summary;
    const char *usage; // cluster commands: the usage text (offline ones print their own)
    int (*run)(dmctl_ctx *c, int argc, char **argv);
    int (*run_offline)(int argc, char **argv);
} dmctl_command;

#define SOURCE_FLAG "  -s, --source strings   source ids (repeatable, or a comma list)\n"

// The command table, in the order `dmctl help` lists it.
static const dmctl_command commands[] = {
    {"operate-source", "`create`/`stop`/`show` upstream MySQL/MariaDB source",
     "Usage: dmctl operate-source <create | stop | show> [config-file | source-id ...] [-s source ...] [-p]\n"
     "\n"
     "  create  check each source file locally (the same checks as `dmctl validate`), then\n"
     "          register them with the controller; the YAML is sent as written (encrypted\n"
     "          passwords stay encrypted)\n"
     "  stop    stop the sources given as source files or source ids (or with -s)\n"
     "  show    list the sources given (as arguments or with -s), every source without any\n"
     "Flags:\n"
     "  -p, --print-config     with show: also print each source's configuration (passwords masked)\n" SOURCE_FLAG,
     dmctl_cmd_operate_source, NULL},
    {"get-config", "Gets the configuration",
     "Usage: dmctl get-config <task | master | worker | source> <name> [-f file]\n"
     "\n"
     "Prints {\"result\", \"msg\", \"cfg\"} with the configuration as YAML (passwords masked).\n"
     "Flags:\n"
     "  -f, --file string      write the configuration to this file instead (mode 0600)\n",
     dmctl_cmd_get_config, NULL},
    {"check-task", "Checks the configuration file of the task",
     "Usage: dmctl check-task [-s source ...] [-e count] [-w count] <config-file>\n"
     "\n"
     "Checks the task file locally (as start-task does), then has the controller run\n"
     "start-task's prechecks (features this build runs, the upstreams' binlog settings, the\n"
     "logins) without starting anything. Prints {\"result\", \"msg\"}: \"pre-check is passed\",\n"
     "with the servers that cannot be reached now as warnings, or the failure.\n"
     "Flags:\n"
     "  -e, --error int        accepted for DM's scripts; the first failure is reported\n"
     "  -w, --warn int         accepted for DM's scripts; every warning is reported\n" SOURCE_FLAG,
     dmctl_cmd_check_task, NULL},
    {"start-task", "Starts a task as defined in the configuration file",
     "Usage: dmctl start-task [-s source ...] [--remove-meta] <config-file>\n"
     "\n"
     "The task file is first checked locally (configuration and rules, as `dmctl validate`);\n"
     "a file that fails is reported without calling the controller.\n"
     "Flags:\n"
     "      --remove-meta      clear the task's dm_meta checkpoints first (start from scratch)\n" SOURCE_FLAG,
     dmctl_cmd_start_task, NULL},
    {"stop-task", "Stops a specified task or all (sub)tasks bound to a source",
     "Usage: dmctl stop-task [-s source ...] [task-name | task-file]\n"
     "\n"
     "Without a task, stops every task of the one source given with -s. dm_meta and the\n"
     "downstream data are kept (start-task --remove-meta clears the meta).\n" SOURCE_FLAG,
     dmctl_cmd_operate_task, NULL},
    {"pause-task", "Pauses a specified running task or all (sub)tasks bound to a source",
     "Usage: dmctl pause-task [-s source ...] [task-name | task-file]\n"
     "\n"
     "Without a task, pauses every task of the one source given with -s.\n" SOURCE_FLAG,
     dmctl_cmd_operate_task, NULL},
    {"resume-task", "Resumes a specified paused task or all (sub)tasks bound to a source",
     "Usage: dmctl resume-task [-s source ...] [task-name | task-file]\n"
     "\n"
     "Without a task, resumes every task of the one source given with -s.\n" SOURCE_FLAG,
     dmctl_cmd_operate_task, NULL},
    {"query-status", "Queries task status",
     "Usage: dmctl query-status [-s source ...] [task-name | task-file] [--more]\n"
     "\n"
     "Without a task: each task's status and sources; with a task: each source's relay and\n"
     "subtask status (stage, unit, load/sync progress, errors).\n"
     "Flags:\n"
     "      --more             ask for the detailed status\n" SOURCE_FLAG,
     dmctl_cmd_query_status, NULL},
    {"list-member", "Lists member information",
     "Usage: dmctl list-member [--leader] [--master] [--worker] [--name name ...]\n"
     "Flags:\n"
     "  -l, --leader           only the leader\n"
     "  -m, --master           only the masters (controllers)\n"
     "  -w, --worker           only the workers (relayd and applierd members)\n"
     "  -n, --name strings     only these members (repeatable, or a comma list)\n",
     dmctl_cmd_list_member, NULL},
    {"offline-member", "Offlines member which has been closed",
     "Usage: dmctl offline-member <--master | --worker> <--name name>\n"
     "Flags:\n"
     "  -m, --master           the member is a master (controller)\n"
     "  -w, --worker           the member is a worker (relayd or applierd)\n"
     "  -n, --name string      the member's name\n",
     dmctl_cmd_offline_member, NULL},
    {"start-relay", "Starts workers pulling relay log for a source",
     "Usage: dmctl start-relay <-s source> [worker-name ...]\n" SOURCE_FLAG,
     dmctl_cmd_operate_relay, NULL},
    {"stop-relay", "Stops workers pulling relay log for a source",
     "Usage: dmctl stop-relay <-s source> [worker-name ...]\n" SOURCE_FLAG,
     dmctl_cmd_operate_relay, NULL},
    {"pause-relay", "Pauses relay log pulling for sources",
     "Usage: dmctl pause-relay <-s source ...>\n" SOURCE_FLAG, dmctl_cmd_operate_relay, NULL},
    {"resume-relay", "Resumes relay log pulling for sources",
     "Usage: dmctl resume-relay <-s source ...>\n" SOURCE_FLAG, dmctl_cmd_operate_relay, NULL},
    {"purge-relay", "Purges relay log files of a source before the specified file",
     "Usage: dmctl purge-relay <-s source> <-f filename>\n"
     "Flags:\n"
     "  -f, --filename string  the first binlog file to keep, e.g. mysql-bin.000006\n" SOURCE_FLAG,
     dmctl_cmd_purge_relay, NULL},
    {"transfer-source", "Transfers an upstream MySQL/MariaDB source to a free worker",
     "Usage: dmctl transfer-source <source-id> <worker-id>\n", dmctl_cmd_transfer_source, NULL},
    {"handle-error", "`skip`/`replace`/`revert` the current error event or a specific binlog position event",
     "Usage: dmctl handle-error <task-name | task-file> [-s source ...] [-b binlog-pos] <skip | replace | revert> [replace-sql1;replace-sql2;]\n"
     "Flags:\n"
     "  -b, --binlog-pos string  the event to act on, as \"binlog-file:position\"\n"
     "                           (e.g. mysql-bin.000003:3270); default: the current error\n" SOURCE_FLAG,
     dmctl_cmd_handle_error, NULL},
    {"validate", "Checks source and task files offline and prints them normalized", NULL, NULL,
     dmctl_cmd_validate},
    {"encrypt", "Encrypts a password for a source or task file", NULL, NULL, dmctl_cmd_encrypt},
    {"decrypt", "Decrypts a password produced by `dmctl encrypt`", NULL, NULL, dmctl_cmd_decrypt},
    {"rules", "Shows what a task's block-allow-list, routes and filters do to a table", NULL, NULL,
     dmctl_cmd_rules},
    {"ddl", "Previews how DDL statements are classified, split, routed and tracked", NULL, NULL,
     dmctl_cmd_ddl},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const dmctl_command *find(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    // DM's alias of get-config task.
    if (strcmp(name, "get-task-config") == 0)
        return find("get-config");
    return NULL;
}

void dmctl_usage(FILE *f)
{
    fprintf(f, "DM control\n\nUsage:\n  dmctl [global flags] <command> [arguments]\n"
               "  dmctl [global flags]        (interactive mode: one command per line, `exit` ends)\n"
               "\nAvailable Commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-16s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "  %-16s %s\n", "help", "Gets help about any command");
    fprintf(f, "\nGlobal Flags:\n"
               "      --master-addr string      controller address HOST:PORT (or $DM_MASTER_ADDR)\n"
               "      --rpc-timeout string      RPC timeout as a duration (default \"10m\")\n"
               "      --config string           dmctl config file (master-addr, rpc-timeout)\n"
               "      --secret-key-path string  key file for encrypted passwords\n"
               "  -s, --source strings          source ids, added to each command's -s\n"
               "  -h, --help                    help\n"
               "\nUse \"dmctl help [command]\" or \"dmctl [command] -h\" for more about a command.\n"
               "Exit status: 0 success, 1 failure (including a `\"result\": false` reply), 2 bad arguments.\n");
}

void dmctl_cmd_usage(FILE *f, const char *name)
{
    const dmctl_command *cmd = find(name);
    if (cmd && cmd->usage)
        fputs(cmd->usage, f);
}

int dmctl_cmd_bad_args(dmctl_ctx *c, const char *name, const char *fmt, ...)
{
    va_list ap;
    fprintf(c->err, "dmctl %s: ", name);
    va_start(ap, fmt);
    vfprintf(c->err, fmt, ap);
    va_end(ap);
    fputs("\n\n", c->err);
    dmctl_cmd_usage(c->err, name);
    fflush(c->err);
    return DMCTL_EXIT_USAGE;
}

int dmctl_cmd_parse(dmctl_args *out, dmctl_ctx *c, const dmctl_opt *opts, size_t n_opts,
                    int argc, char **argv)
{
    dm_err err;
    dm_err_clear(&err);
    if (dmctl_args_parse(out, opts, n_opts, argc, argv, &err) != 0)
        return dmctl_cmd_bad_args(c, argv[0], "%s", err.message);
    if (out->help) {
        dmctl_cmd_usage(c->out, argv[0]);
        fflush(c->out);
        dmctl_args_fini(out);
        return DMCTL_EXIT_OK;
    }
    return -1;
}

int dmctl_cmd_sources(dmctl_strlist *out, const dmctl_ctx *c, const dmctl_args *a, size_t idx)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < c->sources.n; i++)
        rc = dmctl_strlist_add_csv(out, c->sources.items[i]);
    for (size_t i = 0; rc == 0 && i < a->list[idx].n; i++)
        rc = dmctl_strlist_add_csv(out, a->list[idx].items[i]);
    return rc;
}

static int run_help(dmctl_ctx *c, int argc, char **argv)
{
    const dmctl_command *cmd;
    if (argc < 2) {
        dmctl_usage(c->out);
        return DMCTL_EXIT_OK;
    }
    if (!(cmd = find(argv[1]))) {
        fprintf(c->err, "Unknown help topic \"%s\"\n\n", argv[1]);
        dmctl_usage(c->err);
        return DMCTL_EXIT_USAGE;
    }
    if (cmd->usage) {
        fputs(cmd->usage, c->out);
        return DMCTL_EXIT_OK;
    }
    char help[] = "--help";
    char *args[] = {argv[1], help, NULL};
    fflush(c->out);
    optind = 0;
    return cmd->run_offline(2, args);
}

int dmctl_run(dmctl_ctx *c, int argc, char **argv)
{
    const dmctl_command *cmd;
    int rc;
    if (argc < 1 || strcmp(argv[0], "help") == 0)
        return run_help(c, argc, argv);
    if (!(cmd = find(argv[0]))) {
        fprintf(c->err, "dmctl: unknown command \"%s\"\n\n", argv[0]);
        dmctl_usage(c->err);
        return DMCTL_EXIT_USAGE;
    }
    if (cmd->run)
        return cmd->run(c, argc, argv);
    // getopt keeps state between parses: 0 makes glibc start afresh (interactive mode).
    optind = 0;
    fflush(c->out);
    rc = cmd->run_offline(argc, argv);
    fflush(stdout);
    fflush(stderr);
    return rc;
}

int dmctl_interactive(dmctl_ctx *c, FILE *in, bool prompt)
{
    char *line = NULL;
    size_t cap = 0;
    for (;;) {
        dmctl_strlist words = {0};
        dm_err err;
        if (prompt) {
            fputs("\xc2\xbb ", c->out);
            fflush(c->out);
        }
        if (getline(&line, &cap, in) < 0)
            break;
        dm_err_clear(&err);
        if (dmctl_split_line(&words, line, &err) != 0) {
            fprintf(c->err, "fail to run: %s", line);
            dmctl_print_dm_err(c, &err);
            dmctl_strlist_fini(&words);
            continue;
        }
        if (words.n == 1 && strcmp(words.items[0], "exit") == 0) {
            dmctl_strlist_fini(&words);
            break;
        }
        if (words.n > 0)
            dmctl_run(c, (int)words.n, words.items);
        dmctl_strlist_fini(&words);
    }
    free(line);
    return DMCTL_EXIT_OK;
}
