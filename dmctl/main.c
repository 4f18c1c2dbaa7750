// dmctl: DM-compatible command-line client. Global flags, then one command (command mode)
// or none (interactive mode, which needs --master-addr). The commands live in cmd_*.c and
// the dispatch in dmctl_run.c.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dmctl.h"

int main(int argc, char **argv)
{
    dmctl_ctx c;
    dm_err err;
    int idx = 1, rc;
    bool help = false;
    dmctl_ctx_init(&c);
    dm_err_clear(&err);
    if (dmctl_global_parse(&idx, &help, &c, argc, argv, &err) != 0) {
        dmctl_print_dm_err(&c, &err);
        fprintf(stderr, "Run 'dmctl --help' for usage.\n");
        rc = DMCTL_EXIT_USAGE;
    } else if (help && idx >= argc) {
        dmctl_usage(stdout);
        rc = DMCTL_EXIT_OK;
    } else if (idx < argc) {
        if (help) {
            // `dmctl -h CMD` is `dmctl help CMD`.
            char help_word[] = "help";
            char *args[] = {help_word, argv[idx], NULL};
            rc = dmctl_run(&c, 2, args);
        } else {
            rc = dmctl_run(&c, argc - idx, argv + idx);
        }
    } else if (!c.master_addr || !*c.master_addr) {
        dmctl_usage(stderr);
        fprintf(stderr, "\ndmctl: give a command, or --master-addr (or DM_MASTER_ADDR) for "
                        "the interactive mode\n");
        rc = DMCTL_EXIT_USAGE;
    } else {
        rc = dmctl_interactive(&c, stdin, isatty(STDIN_FILENO));
    }
    dmctl_ctx_fini(&c);
    return rc;
}
