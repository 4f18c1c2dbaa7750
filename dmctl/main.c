// dmctl: DM-compatible command-line client. This file holds the command table and the
// dispatch; each command lives in its own file (cmd_<name>.c).
#include <stdio.h>
#include <string.h>

#include "dmctl.h"

typedef struct dmctl_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} dmctl_command;

// The command table, in the order `dmctl help` lists it.
static const dmctl_command commands[] = {
    {"validate", dmctl_cmd_validate, "check source and task files offline and print them normalized"},
    {"encrypt", dmctl_cmd_encrypt, "encrypt a password for a source or task file"},
    {"decrypt", dmctl_cmd_decrypt, "decrypt a password produced by `dmctl encrypt`"},
    {"rules", dmctl_cmd_rules, "show what a task's block-allow-list, routes and filters do to a table"},
    {"ddl", dmctl_cmd_ddl, "preview how DDL statements are classified, split, routed and tracked"},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
    fprintf(f, "Usage: dmctl <command> [arguments]\n\nCommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "  %-10s %s\n", "help", "show this list, or `dmctl help <command>` for one");
    fprintf(f, "\nRun `dmctl <command> -h` for a command's options.\n");
}

static const dmctl_command *find(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    const dmctl_command *c;
    if (argc < 2) {
        usage(stderr);
        return DMCTL_EXIT_USAGE;
    }
    if (strcmp(argv[1], "help") == 0 || dmctl_is_help(argv[1])) {
        if (argc > 2 && (c = find(argv[2])) != NULL) {
            char help[] = "--help";
            char *args[] = {argv[2], help, NULL};
            return c->run(2, args);
        }
        if (argc > 2) {
            fprintf(stderr, "dmctl: unknown command \"%s\"\n\n", argv[2]);
            usage(stderr);
            return DMCTL_EXIT_USAGE;
        }
        usage(stdout);
        return DMCTL_EXIT_OK;
    }
    c = find(argv[1]);
    if (c == NULL) {
        fprintf(stderr, "dmctl: unknown command \"%s\"\n\n", argv[1]);
        usage(stderr);
        return DMCTL_EXIT_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}
