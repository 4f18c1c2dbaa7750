// relay_source and relay_rpc without a database: a source whose upstream refuses
// connections keeps Running and shows the connect error while it retries; pause, resume,
// stage errors, purge/segments before any store, the generated server id persisted and
// stable, the store lock, and the RPC method table (unknown method, unknown source).
// Relaying from a real server is covered by tests/integration/test_relay_*.sh.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay_rpc.h"
#include "relay_source.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/dm-unit-relay-source.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static json_t *status_of(relay_source *s)
{
    json_t *st = relay_source_status(s);
    assert_non_null(st);
    return st;
}

static void test_lifecycle_without_upstream(void **state)
{
    (void)state;
    relay_source *s = NULL;
    dm_err err;
    json_t *st, *res = NULL;
    relay_source_opts o = {
        .source_id = "src-a",
        .relay_dir = dir,
        // Nothing listens on port 1: every connect is refused at once.
        .conn = {.host = "127.0.0.1", .port = 1, .user = "root", .connect_timeout_s = 1},
        .backoff_max_ms = 200,
    };

    assert_int_equal(relay_source_create(&s, &o, &err), 0);
    st = status_of(s);
    assert_string_equal(json_string_value(json_object_get(st, "stage")), "Stopped");
    json_decref(st);
    assert_int_equal(relay_source_start(s, &err), 0);
    assert_int_equal(relay_source_start(s, &err), RELAY_SOURCE_ERR_STAGE);

    // Running, retrying, with the connect error visible.
    json_t *e = NULL;
    for (int i = 0; i < 100; i++) {
        st = status_of(s);
        e = json_object_get(st, "last_error");
        if (json_is_object(e))
            break;
        json_decref(st);
        st = NULL;
        usleep(20 * 1000);
    }
    assert_non_null(st);
    assert_string_equal(json_string_value(json_object_get(st, "stage")), "Running");
    assert_int_equal(json_integer_value(json_object_get(e, "ErrCode")), DM_ERR_DB_CONNECT);
    assert_true(json_is_null(json_object_get(st, "storage")));
    uint32_t server_id = (uint32_t)json_integer_value(json_object_get(st, "server_id"));
    assert_true(server_id >= (1u << 30));
    json_decref(st);

    // No store yet: purge and segments say so.
    assert_int_equal(relay_source_purge(&res, s, "binlog.000001", &err), RELAY_SOURCE_ERR_NOT_OPEN);
    dm_buf data;
    dm_buf_init(&data);
    json_t *params = json_pack("{s:i}", "after_segment", 0);
    assert_int_equal(relay_source_segment(&res, &data, s, params, &err), RELAY_SOURCE_ERR_NOT_OPEN);
    json_decref(params);
    dm_buf_fini(&data);

    assert_int_equal(relay_source_resume(s, &err), RELAY_SOURCE_ERR_STAGE);
    assert_int_equal(relay_source_pause(s, &err), 0);
    st = status_of(s);
    assert_string_equal(json_string_value(json_object_get(st, "stage")), "Paused");
    json_decref(st);
    assert_int_equal(relay_source_pause(s, &err), RELAY_SOURCE_ERR_STAGE);
    assert_int_equal(relay_source_resume(s, &err), 0);
    st = status_of(s);
    assert_string_equal(json_string_value(json_object_get(st, "stage")), "Running");
    json_decref(st);

    // The store directory is locked while the source lives.
    char sdir[300];
    int fd = -1;
    snprintf(sdir, sizeof(sdir), "%s/src-a", dir);
    assert_int_equal(relay_source_lock(&fd, sdir, &err), RELAY_SOURCE_ERR_LOCKED);
    assert_non_null(strstr(err.message, sdir));
    relay_source_destroy(s);
    assert_int_equal(relay_source_lock(&fd, sdir, &err), 0);
    close(fd);

    // The generated server id was persisted: a new source for the same directory reuses it.
    assert_int_equal(relay_source_create(&s, &o, &err), 0);
    assert_int_equal(relay_source_start(s, &err), 0);
    st = status_of(s);
    assert_int_equal((uint32_t)json_integer_value(json_object_get(st, "server_id")), server_id);
    json_decref(st);
    relay_source_destroy(s);
}

static void test_bad_options(void **state)
{
    (void)state;
    relay_source *s = NULL;
    dm_err err;
    relay_source_opts o = {.source_id = "../x", .relay_dir = dir};
    assert_int_equal(relay_source_create(&s, &o, &err), DM_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "../x"));
    o.source_id = NULL;
    assert_int_equal(relay_source_create(&s, &o, &err), DM_ERR_INVALID_ARG);
    relay_source_destroy(NULL);
}

static void test_rpc_table(void **state)
{
    (void)state;
    relay_source *s = NULL;
    dm_err err;
    relay_source_opts o = {.source_id = "src-b", .relay_dir = dir, .conn = {.port = 1}};
    assert_int_equal(relay_source_create(&s, &o, &err), 0);
    relay_rpc r = {.name = "r1", .sources = &s, .n_sources = 1};
    dm_rpc_reply rep;
    dm_rpc_request req = {.method = "status", .params = json_object()};

    memset(&rep, 0, sizeof(rep));
    dm_buf_init(&rep.data);
    assert_int_equal(relay_rpc_handle(&rep, &req, &r, &err), 0);
    assert_string_equal(json_string_value(json_object_get(rep.result, "name")), "r1");
    assert_int_equal(json_array_size(json_object_get(rep.result, "sources")), 1);
    json_decref(rep.result);
    rep.result = NULL;

    req.method = "nope";
    assert_int_equal(relay_rpc_handle(&rep, &req, &r, &err), DM_RPC_ERR_UNKNOWN_METHOD);
    assert_non_null(strstr(err.message, "nope"));

    json_object_set_new(req.params, "source", json_string("other"));
    req.method = "status";
    assert_int_equal(relay_rpc_handle(&rep, &req, &r, &err), RELAY_RPC_ERR_NO_SOURCE);
    assert_non_null(strstr(err.message, "'other'"));

    json_object_set_new(req.params, "source", json_string("src-b"));
    req.method = "purge";
    assert_int_equal(relay_rpc_handle(&rep, &req, &r, &err), DM_ERR_INVALID_ARG);
    req.method = "pause";
    assert_int_equal(relay_rpc_handle(&rep, &req, &r, &err), RELAY_SOURCE_ERR_STAGE);

    json_decref(req.params);
    dm_buf_fini(&rep.data);
    relay_source_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lifecycle_without_upstream),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_rpc_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
