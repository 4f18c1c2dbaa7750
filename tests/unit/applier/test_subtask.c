// Unit tests of the subtask's parts that need no database: instance selection, task-mode
// refusal, the status block and the status RPC.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dm_rpc.h"
#include "row_expr.h"
#include "subtask.h"

static const char *source_yaml = "source-id: mysql-01\n"
                                 "from:\n  host: 127.0.0.1\n  user: root\n  password: \"\"\n  port: 1\n";

// task_text loads a task with the given mode, extra top-level keys and extra instance keys.
static config_task *task_text(const char *mode, const char *top, const char *inst)
{
    char text[2048];
    config_task *t = NULL;
    config_diag d;
    snprintf(text, sizeof(text),
             "name: t1\ntask-mode: %s\n%starget-database:\n  host: 127.0.0.1\n  port: 1\n  user: root\n"
             "  password: \"\"\nmysql-instances:\n  - source-id: mysql-01\n%s",
             mode, top, inst);
    config_diag_init(&d);
    assert_int_equal(config_task_from_string(&t, text, strlen(text), "task.yaml", NULL, &d), 0);
    config_diag_fini(&d);
    return t;
}

static config_task *task_with_mode(const char *mode)
{
    return task_text(mode, "", "");
}

static config_source *source(const char *yaml)
{
    config_source *s = NULL;
    assert_int_equal(config_source_from_string(&s, yaml, strlen(yaml), "source.yaml", NULL, NULL), 0);
    return s;
}

static void test_no_instance(void **state)
{
    (void)state;
    config_task *t = task_with_mode("full");
    config_source *s = source("source-id: other\nfrom:\n  host: 127.0.0.1\n  user: root\n  port: 1\n");
    subtask *st = NULL;
    dm_err e;
    assert_int_equal(subtask_create(&st, s, t, NULL, &e), SUBTASK_ERR_NO_INSTANCE);
    assert_null(st);
    assert_non_null(strstr(e.message, "source-id 'other'"));
    subtask_destroy(NULL);
    config_source_destroy(s);
    config_task_destroy(t);
}

// A feature this build does not run refuses the subtask at create, naming the key, before
// any connection (port 1 would fail otherwise); a supported task passes the same check.
static void test_unsupported_refused(void **state)
{
    (void)state;
    struct {
        const char *mode, *top, *inst, *named;
        int code;
    } cases[] = {
        {"dump", "", "", "task-mode: dump", CONFIG_ERR_UNSUPPORTED},
        {"load", "", "", "task-mode: load", CONFIG_ERR_UNSUPPORTED},
        {"load&sync", "", "", "task-mode: load&sync", CONFIG_ERR_UNSUPPORTED},
        {"all", "shard-mode: pessimistic\n", "", "shard-mode: pessimistic", CONFIG_ERR_UNSUPPORTED},
        {"all", "is-sharding: true\n", "", "shard-mode: pessimistic", CONFIG_ERR_UNSUPPORTED},
        {"all", "shard-mode: optimistic\n", "", "shard-mode: optimistic", CONFIG_ERR_UNSUPPORTED},
        {"all", "validators:\n  v:\n    mode: full\n", "    validator-config-name: v\n", "validator mode full",
         CONFIG_ERR_UNSUPPORTED},
        // An expression filter that does not parse, naming the rule and key.
        {"all", "expression-filter:\n  even:\n    schema: d\n    table: t\n    insert-value-expr: \"c %\"\n",
         "    expression-filters: [\"even\"]\n", "expression-filter even (d.t) insert-value-expr", ROW_EXPR_ERR_SYNTAX},
    };
    config_source *s = source(source_yaml);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        config_task *t = task_text(cases[i].mode, cases[i].top, cases[i].inst);
        subtask *st = NULL;
        dm_err e;
        assert_int_equal(subtask_create(&st, s, t, NULL, &e), cases[i].code);
        assert_null(st);
        if (!strstr(e.message, cases[i].named))
            fail_msg("case %zu: '%s' not in '%s'", i, cases[i].named, e.message);
        if (cases[i].code == CONFIG_ERR_UNSUPPORTED)
            assert_true(e.workaround[0] != '\0');
        config_task_destroy(t);
    }
    config_task *t = task_text("all", "validators:\n  v:\n    mode: none\n", "    validator-config-name: v\n");
    dm_err e;
    assert_int_equal(config_task_unsupported(&e, t), 0);
    config_task_destroy(t);
    config_source_destroy(s);
}

static void test_unreachable_pauses(void **state)
{
    (void)state;
    config_task *t = task_with_mode("full");
    config_source *s = source(source_yaml);
    subtask *st = NULL;
    dm_err e;
    assert_int_equal(subtask_create(&st, s, t, NULL, &e), 0);
    assert_int_equal(subtask_run(st, &e), DM_ERR_DB_CONNECT);
    assert_int_equal(e.scope, DM_ERR_SCOPE_DOWNSTREAM);
    json_t *j = subtask_status_json(st);
    assert_string_equal(json_string_value(json_object_get(j, "stage")), "Paused");
    json_t *errs = json_object_get(j, "errors");
    assert_int_equal(json_array_size(errs), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(errs, 0), "ErrCode")), DM_ERR_DB_CONNECT);
    json_decref(j);
    subtask_destroy(st);
    config_source_destroy(s);
    config_task_destroy(t);
}

static void test_status_rpc(void **state)
{
    (void)state;
    config_task *t = task_with_mode("full");
    config_source *s = source(source_yaml);
    subtask *st = NULL;
    dm_rpc_server *srv = NULL;
    json_t *res = NULL;
    dm_err e;
    char line[512];
    assert_int_equal(subtask_create(&st, s, t, NULL, &e), 0);
    assert_int_equal(dm_rpc_server_start(&srv, "inproc://applier-status", 1, subtask_rpc_handler, st, &e), 0);
    assert_int_equal(dm_rpc_call(&res, "inproc://applier-status", "status", NULL, 2000, &e), 0);
    json_t *sub = json_array_get(json_object_get(res, "subtasks"), 0);
    assert_non_null(sub);
    assert_string_equal(json_string_value(json_object_get(sub, "name")), "t1");
    assert_string_equal(json_string_value(json_object_get(sub, "sourceID")), "mysql-01");
    assert_string_equal(json_string_value(json_object_get(sub, "stage")), "New");
    json_t *load = json_object_get(sub, "load");
    const char *keys[] = {"finishedBytes", "totalBytes", "progress", "metaBinlog", "metaBinlogGTID", "bps"};
    for (size_t i = 0; i < 6; i++)
        assert_non_null(json_object_get(load, keys[i]));
    assert_string_equal(json_string_value(json_object_get(load, "progress")), "0.00 %");
    json_decref(res);
    res = NULL;
    assert_int_equal(dm_rpc_call(&res, "inproc://applier-status", "start", NULL, 2000, &e),
                     DM_RPC_ERR_UNKNOWN_METHOD);
    assert_non_null(strstr(e.message, "'start'"));
    assert_non_null(strstr(subtask_progress_text(line, sizeof(line), st), "progress=0.00 %"));
    dm_rpc_server_stop(srv);

    // Without a subtask (daemon mode): an empty list.
    assert_int_equal(dm_rpc_server_start(&srv, "inproc://applier-none", 1, subtask_rpc_handler, NULL, &e), 0);
    assert_int_equal(dm_rpc_call(&res, "inproc://applier-none", "status", NULL, 2000, &e), 0);
    assert_int_equal(json_array_size(json_object_get(res, "subtasks")), 0);
    json_decref(res);
    dm_rpc_server_stop(srv);
    subtask_destroy(st);
    config_source_destroy(s);
    config_task_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_instance),
        cmocka_unit_test(test_unsupported_refused),
        cmocka_unit_test(test_unreachable_pauses),
        cmocka_unit_test(test_status_rpc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
