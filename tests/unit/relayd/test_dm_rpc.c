// dm_rpc over real nng sockets (inproc and tcp): results, attachments, remote errors with
// their DM fields, unknown methods, bad messages, timeouts, and a blocking handler that does
// not stop other requests from being served.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>

#include "dm_rpc.h"

static atomic_int release_wait;

static int handler(dm_rpc_reply *out, const dm_rpc_request *req, void *arg, dm_err *err)
{
    (void)arg;
    if (strcmp(req->method, "echo") == 0) {
        out->result = json_deep_copy(req->params);
        if (req->data)
            dm_buf_append(&out->data, req->data, req->len);
        return 0;
    }
    if (strcmp(req->method, "fail") == 0) {
        dm_err_set(err, 29042, DM_ERR_SCOPE_UPSTREAM, "source %s is paused", "s1");
        dm_err_cause(err, "errno 1236");
        dm_err_workaround(err, "resume it");
        return 29042;
    }
    if (strcmp(req->method, "wait") == 0) {
        while (!atomic_load(&release_wait))
            usleep(1000);
        out->result = json_pack("{s:b}", "waited", 1);
        return 0;
    }
    if (strcmp(req->method, "big") == 0) {
        dm_buf_reserve(&out->data, 3 * 1024 * 1024);
        for (int i = 0; i < 3 * 1024 * 1024; i++)
            dm_buf_putc(&out->data, (char)(i * 7));
        return 0;
    }
    return dm_err_set(err, DM_RPC_ERR_UNKNOWN_METHOD, DM_ERR_SCOPE_INTERNAL, "unknown method %s", req->method);
}

static void test_call_result_error_attachment(void **state)
{
    (void)state;
    dm_rpc_server *s = NULL;
    dm_rpc_client *c = NULL;
    dm_err err;
    json_t *res = NULL;
    dm_buf data;
    dm_buf_init(&data);

    assert_int_equal(dm_rpc_server_start(&s, "inproc://rpc1", 2, handler, NULL, &err), 0);
    assert_int_equal(dm_rpc_client_open(&c, "inproc://rpc1", &err), 0);

    json_t *p = json_pack("{s:s, s:i}", "source", "mysql-01", "n", 5);
    assert_int_equal(dm_rpc_client_call(&res, &data, c, "echo", p, "\0bin\xff", 5, 2000, &err), 0);
    assert_true(json_equal(res, p));
    assert_int_equal(data.len, 5);
    assert_memory_equal(data.data, "\0bin\xff", 5);
    json_decref(res);
    json_decref(p);

    // An error travels with its code and DM fields.
    dm_err_clear(&err);
    assert_int_equal(dm_rpc_client_call(&res, NULL, c, "fail", NULL, NULL, 0, 2000, &err), 29042);
    assert_null(res);
    assert_int_equal(err.code, 29042);
    assert_int_equal(err.scope, DM_ERR_SCOPE_UPSTREAM);
    assert_string_equal(err.message, "source s1 is paused");
    assert_string_equal(err.cause, "errno 1236");
    assert_string_equal(err.workaround, "resume it");

    assert_int_equal(dm_rpc_client_call(&res, NULL, c, "nope", NULL, NULL, 0, 2000, &err), DM_RPC_ERR_UNKNOWN_METHOD);
    assert_non_null(strstr(err.message, "nope"));

    // A multi-megabyte attachment in a reply (a relay segment) arrives whole.
    dm_buf_reset(&data);
    assert_int_equal(dm_rpc_client_call(&res, &data, c, "big", NULL, NULL, 0, 5000, &err), 0);
    assert_int_equal(data.len, 3 * 1024 * 1024);
    assert_int_equal((uint8_t)data.data[12345], (uint8_t)(12345 * 7));
    json_decref(res);

    dm_rpc_client_close(c);
    dm_rpc_server_stop(s);
    dm_buf_fini(&data);
}

struct waiter {
    dm_rpc_client *c;
    int rc;
    json_t *res;
};

static void *wait_thread(void *p)
{
    struct waiter *w = p;
    dm_err err;
    w->rc = dm_rpc_client_call(&w->res, NULL, w->c, "wait", NULL, NULL, 0, 10000, &err);
    return NULL;
}

static void test_blocking_handler_does_not_block_others(void **state)
{
    (void)state;
    dm_rpc_server *s = NULL;
    dm_rpc_client *c2 = NULL;
    struct waiter w = {0};
    pthread_t t;
    dm_err err;
    json_t *res = NULL;

    atomic_store(&release_wait, 0);
    // A fixed loopback port chosen from the pid keeps parallel test runs apart.
    char url[64];
    snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", 20000 + getpid() % 20000);
    assert_int_equal(dm_rpc_server_start(&s, url, 2, handler, NULL, &err), 0);
    assert_int_equal(dm_rpc_client_open(&w.c, url, &err), 0);
    assert_int_equal(dm_rpc_client_open(&c2, url, &err), 0);
    pthread_create(&t, NULL, wait_thread, &w);
    usleep(100 * 1000);
    json_t *p = json_pack("{s:i}", "x", 1);
    assert_int_equal(dm_rpc_client_call(&res, NULL, c2, "echo", p, NULL, 0, 2000, &err), 0);
    json_decref(res);
    json_decref(p);
    atomic_store(&release_wait, 1);
    pthread_join(t, NULL);
    assert_int_equal(w.rc, 0);
    assert_true(json_is_true(json_object_get(w.res, "waited")));
    json_decref(w.res);
    dm_rpc_client_close(w.c);
    dm_rpc_client_close(c2);
    dm_rpc_server_stop(s);
}

static void test_timeout_and_bad_input(void **state)
{
    (void)state;
    dm_rpc_client *c = NULL;
    dm_rpc_server *s = NULL;
    dm_err err;
    json_t *res = NULL;
    char url[64];

    // Nobody listens: the call times out with a clear error rather than hanging.
    assert_int_equal(dm_rpc_client_open(&c, "inproc://nobody", &err), 0);
    assert_int_equal(dm_rpc_client_call(&res, NULL, c, "status", NULL, NULL, 0, 200, &err), DM_ERR_TIMEOUT);
    assert_non_null(strstr(err.message, "status"));
    dm_rpc_client_close(c);

    assert_int_equal(dm_rpc_client_open(&c, "bogus://x", &err), DM_ERR_INVALID_ARG);
    assert_null(c);

    assert_int_equal(dm_rpc_url(url, sizeof(url), "127.0.0.1:8262", &err), 0);
    assert_string_equal(url, "tcp://127.0.0.1:8262");
    assert_int_equal(dm_rpc_url(url, sizeof(url), "ipc:///tmp/x", &err), 0);
    assert_string_equal(url, "ipc:///tmp/x");
    assert_int_equal(dm_rpc_url(url, sizeof(url), "localhost", &err), DM_ERR_INVALID_ARG);
    assert_int_equal(dm_rpc_url(url, sizeof(url), "", &err), DM_ERR_INVALID_ARG);

    // Raw garbage and a request without a method get error replies, not a crash.
    assert_int_equal(dm_rpc_server_start(&s, "inproc://rpc3", 1, handler, NULL, &err), 0);
    nng_socket raw;
    assert_int_equal(nng_req0_open(&raw), 0);
    assert_int_equal(nng_dial(raw, "inproc://rpc3", NULL, 0), 0);
    nng_socket_set_ms(raw, NNG_OPT_RECVTIMEO, 2000);
    const char *bad[] = {"not json", "[1,2]", "{\"params\":{}}", "{\"method\":\"echo\",\"params\":3}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *buf = NULL;
        size_t sz = 0;
        assert_int_equal(nng_send(raw, (void *)bad[i], strlen(bad[i]), 0), 0);
        assert_int_equal(nng_recv(raw, &buf, &sz, NNG_FLAG_ALLOC), 0);
        json_t *o = json_loadb(buf, sz, 0, NULL);
        assert_non_null(o);
        assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "error"), "ErrCode")),
                         DM_RPC_ERR_BAD_MESSAGE);
        json_decref(o);
        nng_free(buf, sz);
    }
    nng_close(raw);
    dm_rpc_server_stop(s);
    dm_rpc_server_stop(NULL);
    dm_rpc_client_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_call_result_error_attachment),
        cmocka_unit_test(test_blocking_handler_does_not_block_others),
        cmocka_unit_test(test_timeout_and_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
