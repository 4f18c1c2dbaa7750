// Helpers shared by dmctl commands.
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "dmctl.h"

int dmctl_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int dmctl_key_path(char *out, size_t size, const char *flag_value)
{
    dm_err err;
    dm_err_clear(&err);
    if (flag_value != NULL) {
        if (snprintf(out, size, "%s", flag_value) >= (int)size) {
            fprintf(stderr, "dmctl: --secret-key-path is too long\n");
            return -1;
        }
        return 0;
    }
    if (secret_key_path_default(out, size, &err) != 0) {
        dmctl_print_err("dmctl", &err);
        return -1;
    }
    return 0;
}

void dmctl_print_err(const char *cmd, const dm_err *err)
{
    if (err->cause[0] != '\0')
        fprintf(stderr, "%s: %s (%s)\n", cmd, err->message, err->cause);
    else
        fprintf(stderr, "%s: %s\n", cmd, err->message);
}

int dmctl_parse_key_args(int argc, char **argv, void (*usage)(FILE *), const char **key_flag,
                         const char **arg)
{
    static const struct option longopts[] = {{"secret-key-path", required_argument, NULL, 'k'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int c;
    *key_flag = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'k':
            *key_flag = optarg;
            break;
        case 'h':
            usage(stdout);
            return DMCTL_EXIT_OK;
        default:
            usage(stderr);
            return DMCTL_EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        usage(stderr);
        return DMCTL_EXIT_USAGE;
    }
    *arg = argv[optind];
    return -1;
}

void dmctl_print_diag(const config_diag *d, int warnings)
{
    char line[4096];
    for (size_t i = 0; i < d->n_errors; i++)
        fprintf(stderr, "%s\n", config_diag_entry_format(line, sizeof(line), &d->errors[i], false));
    for (size_t i = 0; warnings && i < d->n_warnings; i++)
        fprintf(stderr, "%s\n",
                config_diag_entry_format(line, sizeof(line), &d->warnings[i], true));
}
