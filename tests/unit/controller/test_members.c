// The members' RPC endpoints without a controller: applierd --join's status and its
// handle-error checks (bad op, missing position, a subtask it does not run), unknown methods;
// relayd --join's status with no source yet; bad options of both.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "relay_join.h"
#include "worker.h"

static int rpc(json_t **out, dm_rpc_handler h, void *arg, const char *method, json_t *params, dm_err *e)
{
    dm_rpc_request req = {.method = method, .params = params};
    dm_rpc_reply rep = {0};
    dm_buf_init(&rep.data);
    dm_err_clear(e);
    int rc = h(&rep, &req, arg, e);
    *out = rep.result;
    dm_buf_fini(&rep.data);
    json_decref(params);
    return rc;
}

static void test_worker_endpoints(void **state)
{
    (void)state;
    worker *w = NULL;
    json_t *out = NULL;
    dm_err e;
    assert_int_equal(worker_create(&w, &(worker_opts){.name = "a1", .addr = "127.0.0.1:1", .join = "127.0.0.1:2"}, &e), 0);
    assert_int_equal(rpc(&out, worker_rpc_handler, w, "status", json_object(), &e), 0);
    assert_string_equal(json_string_value(json_object_get(out, "name")), "a1");
    assert_int_equal(json_array_size(json_object_get(out, "subtasks")), 0);
    json_decref(out);

    assert_int_equal(rpc(&out, worker_rpc_handler, w, "handle-error",
                         json_pack("{s:s, s:s, s:s}", "task", "t", "source", "s1", "op", "bogus"), &e),
                     WORKER_ERR_HANDLE);
    assert_non_null(strstr(e.message, "bogus"));
    assert_int_equal(rpc(&out, worker_rpc_handler, w, "handle-error",
                         json_pack("{s:s, s:s, s:s, s:s}", "task", "t", "source", "s1", "op", "skip", "binlog_pos", ""), &e),
                     WORKER_ERR_HANDLE);
    assert_non_null(strstr(e.workaround, "-b"));
    assert_int_equal(rpc(&out, worker_rpc_handler, w, "handle-error",
                         json_pack("{s:s, s:s, s:s, s:s}", "task", "t", "source", "s1", "op", "skip", "binlog_pos",
                                   "binlog.000001:4"),
                         &e),
                     WORKER_ERR_HANDLE);
    assert_non_null(strstr(e.message, "does not run"));
    assert_int_equal(rpc(&out, worker_rpc_handler, w, "handle-error",
                         json_pack("{s:s, s:s, s:s, s:s, s:[i]}", "task", "t", "source", "s1", "op", "replace",
                                   "binlog_pos", "binlog.000001:4", "sqls", 3),
                         &e),
                     WORKER_ERR_HANDLE);
    assert_int_equal(rpc(&out, worker_rpc_handler, w, "nope", json_object(), &e), DM_RPC_ERR_UNKNOWN_METHOD);
    worker_destroy(w);
    worker_destroy(NULL);
    assert_int_equal(worker_create(&w, &(worker_opts){.name = "a1"}, &e), DM_ERR_INVALID_ARG);
}

static void test_relay_join_endpoints(void **state)
{
    (void)state;
    relay_join *j = NULL;
    json_t *out = NULL;
    dm_err e;
    relay_join_opts o = {.name = "r1", .addr = "127.0.0.1:1", .relay_dir = "/tmp/none", .join = "127.0.0.1:2"};
    assert_int_equal(relay_join_create(&j, &o, &e), 0);
    assert_int_equal(rpc(&out, relay_join_handle, j, "status", json_object(), &e), 0);
    assert_int_equal(json_array_size(json_object_get(out, "sources")), 0);
    json_decref(out);
    assert_int_not_equal(rpc(&out, relay_join_handle, j, "purge", json_pack("{s:s, s:s}", "source", "s1", "file", "b.1"), &e), 0);
    relay_join_destroy(j);
    relay_join_destroy(NULL);
    o.relay_dir = NULL;
    assert_int_equal(relay_join_create(&j, &o, &e), DM_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worker_endpoints),
        cmocka_unit_test(test_relay_join_endpoints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
