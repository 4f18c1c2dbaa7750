// dmctl validate FILE...: load source and task files offline (no cluster needed), print each
// one's normalized configuration as JSON (passwords masked) with its warnings, or every error
// as "file:line:col: key: message". Exits 0 only when every file is valid.
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dmctl.h"

static void validate_usage(FILE *f)
{
    fprintf(f,
            "Usage: dmctl validate [--secret-key-path PATH] [--quiet] FILE...\n"
            "\n"
            "Checks DM source files and task files (the kind is detected from the content).\n"
            "For each file, prints a JSON document to standard output:\n"
            "  {\"file\", \"kind\", \"valid\", \"config\" (normalized, passwords as \"******\"),\n"
            "   \"warnings\": [...], \"errors\": [...]}\n"
            "and every problem to standard error as `file:line:col: key: message`\n"
            "(warnings as `file:line:col: warning: key: message`).\n"
            "Exit status: 0 when every file is valid, 1 otherwise, 2 on a usage error.\n"
            "  --quiet            print only the problems, not the JSON documents\n"
            "  --secret-key-path  key file used to decrypt encrypted passwords\n");
}

static const char *kind_name(config_kind k)
{
    return k == CONFIG_KIND_TASK ? "task" : k == CONFIG_KIND_SOURCE ? "source" : "unknown";
}

static int validate_one(const char *path, const config_load_opts *opts, bool quiet)
{
    config_diag d;
    char *text = NULL;
    size_t len = 0;
    config_kind kind = CONFIG_KIND_UNKNOWN;
    config_source *src = NULL;
    config_task *task = NULL;
    json_t *doc = NULL, *cfg = NULL;
    dm_err err;
    int rc;
    config_diag_init(&d);
    dm_err_clear(&err);
    rc = config_read_file(&text, &len, path, &err);
    if (rc != 0) {
        config_diag_add(&d, CONFIG_ERR_INVALID, path, (config_pos){0, 0}, "", "%s%s%s",
                        err.message, err.cause[0] ? ": " : "", err.cause);
    } else {
        kind = config_detect_kind(text, len);
        if (kind == CONFIG_KIND_TASK) {
            rc = config_task_from_string(&task, text, len, path, opts, &d);
            if (rc == 0)
                cfg = config_task_to_json(task);
        } else if (kind == CONFIG_KIND_SOURCE) {
            rc = config_source_from_string(&src, text, len, path, opts, &d);
            if (rc == 0)
                cfg = config_source_to_json(src);
        } else {
            // Parse as a task anyway so YAML syntax errors get their position.
            rc = config_task_from_string(&task, text, len, path, opts, &d);
            if (d.n_errors == 0 || d.errors[0].code != CONFIG_ERR_YAML) {
                config_diag_fini(&d);
                config_diag_init(&d);
                config_diag_add(&d, CONFIG_ERR_KIND, path, (config_pos){1, 1}, "",
                                "neither a task file (name, task-mode, target-database, "
                                "mysql-instances) nor a source file (source-id, from)");
            }
            rc = CONFIG_ERR_KIND;
        }
    }
    dmctl_print_diag(&d, 1);
    if (!quiet) {
        doc = json_pack("{s:s,s:s,s:b}", "file", path, "kind", kind_name(kind), "valid", rc == 0);
        if (doc != NULL) {
            json_object_set_new(doc, "config", cfg ? cfg : json_null());
            cfg = NULL;
            json_object_set_new(doc, "warnings", config_diag_to_json(&d, false));
            json_object_set_new(doc, "errors", config_diag_to_json(&d, true));
            json_dumpf(doc, stdout, JSON_INDENT(2));
            fputc('\n', stdout);
        }
    }
    json_decref(doc);
    json_decref(cfg);
    config_task_destroy(task);
    config_source_destroy(src);
    config_diag_fini(&d);
    free(text);
    return rc == 0 ? 0 : -1;
}

int dmctl_cmd_validate(int argc, char **argv)
{
    static const struct option longopts[] = {{"secret-key-path", required_argument, NULL, 'k'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    config_load_opts opts = {NULL};
    bool quiet = false;
    int c, failed = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
        switch (c) {
        case 'k':
            opts.secret_key_path = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            validate_usage(stdout);
            return DMCTL_EXIT_OK;
        default:
            validate_usage(stderr);
            return DMCTL_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        validate_usage(stderr);
        return DMCTL_EXIT_USAGE;
    }
    for (int i = optind; i < argc; i++)
        if (validate_one(argv[i], &opts, quiet) != 0)
            failed++;
    return failed ? DMCTL_EXIT_FAIL : DMCTL_EXIT_OK;
}
