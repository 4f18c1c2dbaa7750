// sync_tool: runs the sync unit of applierd for one source of a task until SIGINT/SIGTERM
// (integration tests, fault tests and benchmarks drive it; `applierd run` is the real entry).
//
//   sync_tool --task task.yaml --source source.yaml [--start file:pos] [--log-level L]
//             [--skip-ddl file:pos] [--replace-ddl file:pos --sql STMT [--sql STMT...]]
//
// --skip-ddl / --replace-ddl register handle-error operations (sync_handle_error) for the DDL
// at that binlog location before the unit starts.
//
// Exit status: 0 after a clean stop, 1 on an error (printed DM-style on stderr), 2 on usage.
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dm_log.h"
#include "sync.h"

static atomic_bool g_stop;
static sync_unit *g_unit;

// on_signal only sets the stop flag (async-signal-safe); the unit looks at it after every
// event and every upstream heartbeat (1 s).
static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&g_stop, true);
}

int main(int argc, char **argv)
{
    const char *task_path = NULL, *source_path = NULL, *start = NULL, *level = "info";
    const char *skip = NULL, *replace = NULL;
    const char *sqls[16];
    size_t nsql = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--task"))
            task_path = argv[i + 1];
        else if (!strcmp(argv[i], "--source"))
            source_path = argv[i + 1];
        else if (!strcmp(argv[i], "--start"))
            start = argv[i + 1];
        else if (!strcmp(argv[i], "--log-level"))
            level = argv[i + 1];
        else if (!strcmp(argv[i], "--skip-ddl"))
            skip = argv[i + 1];
        else if (!strcmp(argv[i], "--replace-ddl"))
            replace = argv[i + 1];
        else if (!strcmp(argv[i], "--sql") && nsql < 16)
            sqls[nsql++] = argv[i + 1];
        else {
            fprintf(stderr, "sync_tool: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (!task_path || !source_path) {
        fprintf(stderr, "usage: sync_tool --task task.yaml --source source.yaml [--start file:pos]\n");
        return 2;
    }
    dm_err err;
    dm_err_clear(&err);
    dm_log_level lv = DM_LOG_INFO;
    dm_log_parse_level(&lv, level, NULL);
    dm_log_open(NULL, lv, false, NULL);
    config_diag diag;
    config_diag_init(&diag);
    config_task *task = NULL;
    config_source *source = NULL;
    int rc = 1;
    if (config_task_load(&task, task_path, &diag) || config_source_load(&source, source_path, &diag)) {
        for (size_t i = 0; i < diag.n_errors; i++)
            fprintf(stderr, "%s:%d: %s: %s\n", diag.errors[i].file ? diag.errors[i].file : "",
                    diag.errors[i].line, diag.errors[i].key ? diag.errors[i].key : "",
                    diag.errors[i].message);
        goto done;
    }
    checkpoint_loc st;
    if (start && checkpoint_loc_parse(&st, start, &err))
        goto fail;
    sync_opts o = {.task = task, .source = source, .start = start ? &st : NULL, .stop = &g_stop};
    if (sync_create(&g_unit, &o, &err))
        goto fail;
    if (skip && sync_handle_error(g_unit, skip, SYNC_HANDLE_SKIP, NULL, 0, &err))
        goto fail;
    if (replace && sync_handle_error(g_unit, replace, SYNC_HANDLE_REPLACE, sqls, nsql, &err))
        goto fail;
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (sync_run(g_unit, &err))
        goto fail;
    rc = 0;
    goto done;
fail:;
    char buf[4096];
    fprintf(stderr, "%s\n", dm_err_format(buf, sizeof buf, &err));
done:
    sync_destroy(g_unit);
    config_task_destroy(task);
    config_source_destroy(source);
    config_diag_fini(&diag);
    return rc;
}
