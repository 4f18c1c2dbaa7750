// controller in-process with an injected clock: registration, binding, keepalive replies,
// failover after the TTL, auto-resume of retryable errors only, pause/resume generations,
// state surviving a restart, stop-task, and malformed requests.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controller.h"
#include "ctl_test_dir.h"

static int64_t fake_now;

// setup: a fresh state directory and clock.
static int setup(void **state)
{
    fake_now = 1000000;
    return ctl_test_dir_setup(state);
}

static int64_t fake_clock(void *arg)
{
    (void)arg;
    return fake_now;
}

static const char *SOURCE_YAML = "source-id: s1\nfrom:\n  host: 127.0.0.1\n  port: 1\n  user: root\n  password: secret\n";
static const char *TASK_YAML = "name: t\ntask-mode: all\ntarget-database:\n  host: 127.0.0.1\n  port: 1\n"
                               "  user: root\n  password: secret\nmysql-instances:\n  - source-id: s1\n";

static controller *open_ctl(void)
{
    controller *c = NULL;
    dm_err e;
    controller_opts o = {.name = "ctl-1", .addr = "127.0.0.1:1", .data_dir = dir, .keepalive_ttl_ms = 3000,
                         .clock = fake_clock};
    assert_int_equal(controller_create(&c, &o, &e), 0);
    return c;
}

// call runs a method that must succeed at the RPC level; returns the result (caller owns).
static json_t *call(controller *c, const char *method, json_t *params)
{
    json_t *out = NULL;
    dm_err e;
    dm_err_clear(&e);
    int rc = controller_call(&out, c, method, params, &e);
    if (rc)
        fprintf(stderr, "%s: %s\n", method, e.message);
    assert_int_equal(rc, 0);
    json_decref(params);
    return out;
}

static bool result_of(json_t *r)
{
    return json_is_true(json_object_get(r, "result"));
}

static json_t *keepalive(controller *c, const char *name, json_t *status)
{
    return call(c, "keepalive", json_pack("{s:s, s:s, s:o}", "name", name, "role", "applier", "status",
                                          status ? status : json_object()));
}

static json_t *report(const char *stage, json_int_t gen, int code)
{
    json_t *err = code ? json_pack("{s:i, s:s, s:s}", "ErrCode", code, "Message", "boom", "Workaround", "wait")
                       : json_null();
    return json_pack("{s:[{s:s, s:s, s:I, s:s, s:s, s:{s:{s:s}}, s:o}]}", "subtasks", "task", "t", "source", "s1",
                     "generation", gen, "stage", stage, "unit", "Sync", "status", "sync", "syncerBinlog",
                     "(bin.000003, 120)", "error", err);
}

static const char *sub_field(json_t *qs, const char *key)
{
    json_t *src = json_array_get(json_object_get(qs, "sources"), 0);
    if (!strcmp(key, "worker"))
        return json_string_value(json_object_get(json_object_get(src, "sourceStatus"), "worker"));
    return json_string_value(json_object_get(json_array_get(json_object_get(src, "subTaskStatus"), 0), key));
}

static json_int_t desired_gen(json_t *ka)
{
    return json_integer_value(json_object_get(json_array_get(json_object_get(ka, "subtasks"), 0), "generation"));
}


static void test_lifecycle(void **state)
{
    (void)state;
    controller *c = open_ctl();
    json_t *r, *out = NULL;
    dm_err e;

    r = call(c, "register", json_pack("{s:s, s:s, s:s}", "name", "applier-1", "role", "applier", "addr", "h:1"));
    assert_int_equal(json_integer_value(json_object_get(r, "keepalive_ttl_ms")), 3000);
    json_decref(r);
    json_decref(call(c, "register", json_pack("{s:s, s:s, s:s}", "name", "applier-2", "role", "applier", "addr", "h:2")));
    json_t *p = json_pack("{s:s, s:s, s:s}", "name", "applier-1", "role", "applier", "addr", "h:9");
    assert_int_equal(controller_call(&out, c, "register", p, &e), CTL_ERR_NAME_TAKEN);
    json_decref(p);

    r = call(c, "operate-source", json_pack("{s:s, s:[s]}", "op", "create", "configs", SOURCE_YAML));
    assert_true(result_of(r));
    json_decref(r);
    r = call(c, "operate-source", json_pack("{s:s, s:[s]}", "op", "create", "configs", SOURCE_YAML));
    assert_false(result_of(r)); // already exists
    json_decref(r);
    r = call(c, "get-config", json_pack("{s:s, s:s}", "type", "source", "name", "s1"));
    assert_non_null(strstr(json_string_value(json_object_get(r, "cfg")), "password: '******'"));
    assert_null(strstr(json_string_value(json_object_get(r, "cfg")), "secret"));
    json_decref(r);

    r = call(c, "start-task", json_pack("{s:s}", "task", "name: bad\n  - ["));
    assert_false(result_of(r));
    json_decref(r);
    r = call(c, "start-task", json_pack("{s:s}", "task", TASK_YAML));
    assert_true(result_of(r));
    const char *w = json_string_value(json_object_get(json_array_get(json_object_get(r, "sources"), 0), "worker"));
    assert_string_equal(w, "applier-1"); // equal load: by name
    json_decref(r);
    r = call(c, "start-task", json_pack("{s:s}", "task", TASK_YAML));
    assert_false(result_of(r)); // already started
    json_decref(r);
    r = call(c, "operate-source", json_pack("{s:s, s:[s]}", "op", "stop", "sources", "s1"));
    assert_false(result_of(r)); // used by task t
    json_decref(r);

    r = keepalive(c, "applier-1", NULL);
    assert_int_equal(json_array_size(json_object_get(r, "subtasks")), 1);
    assert_int_equal(desired_gen(r), 1);
    assert_true(json_is_null(json_object_get(json_array_get(json_object_get(r, "subtasks"), 0), "relay_addr")));
    json_decref(r);
    r = keepalive(c, "applier-2", NULL);
    assert_int_equal(json_array_size(json_object_get(r, "subtasks")), 0);
    json_decref(r);

    r = call(c, "query-status", json_pack("{s:s}", "name", "t"));
    assert_string_equal(sub_field(r, "stage"), "New");
    json_decref(r);
    json_decref(keepalive(c, "applier-1", report("Running", 1, 0)));
    r = call(c, "query-status", json_pack("{s:s}", "name", "t"));
    assert_string_equal(sub_field(r, "stage"), "Running");
    assert_string_equal(sub_field(r, "unit"), "Sync");
    assert_string_equal(sub_field(r, "worker"), "applier-1");
    json_decref(r);

    // applier-1 goes silent; applier-2 keeps alive. Nothing moves before the TTL.
    fake_now += 2000;
    json_decref(keepalive(c, "applier-2", NULL));
    controller_tick(c);
    r = keepalive(c, "applier-2", NULL);
    assert_int_equal(json_array_size(json_object_get(r, "subtasks")), 0);
    json_decref(r);
    fake_now += 1500; // 3500 ms since applier-1's last keepalive
    controller_tick(c);
    r = keepalive(c, "applier-2", NULL);
    assert_int_equal(json_array_size(json_object_get(r, "subtasks")), 1);
    json_decref(r);
    r = call(c, "list-member", json_pack("{s:b}", "worker", 1));
    json_t *ws = json_object_get(json_object_get(json_array_get(json_object_get(r, "members"), 0), "workers"), "workers");
    assert_int_equal(json_array_size(ws), 2);
    for (size_t i = 0; i < 2; i++) {
        json_t *m = json_array_get(ws, i);
        const char *n = json_string_value(json_object_get(m, "name"));
        assert_string_equal(json_string_value(json_object_get(m, "stage")), !strcmp(n, "applier-1") ? "offline" : "bound");
    }
    json_decref(r);
    r = call(c, "offline-member", json_pack("{s:s, s:s}", "type", "worker", "name", "applier-2"));
    assert_false(result_of(r)); // alive
    json_decref(r);

    // A retryable error auto-resumes after the backoff (1 s first); the applier's report of
    // an old generation is ignored.
    json_decref(keepalive(c, "applier-2", report("Paused", 1, 10002)));
    fake_now += 500;
    controller_tick(c);
    r = keepalive(c, "applier-2", report("Paused", 1, 10002));
    assert_int_equal(desired_gen(r), 1);
    json_decref(r);
    fake_now += 600;
    controller_tick(c);
    r = keepalive(c, "applier-2", report("Paused", 1, 10002));
    assert_int_equal(desired_gen(r), 2);
    json_decref(r);
    // A DDL error (36004) stays Paused with its error; the task status says so.
    json_decref(keepalive(c, "applier-2", report("Paused", 2, 36004)));
    fake_now += 400000;
    json_decref(keepalive(c, "applier-2", report("Paused", 2, 36004)));
    controller_tick(c);
    r = keepalive(c, "applier-2", report("Paused", 2, 36004));
    assert_int_equal(desired_gen(r), 2);
    json_decref(r);
    r = call(c, "query-status", json_pack("{s:s}", "name", "t"));
    assert_string_equal(sub_field(r, "stage"), "Paused");
    json_t *errs = json_object_get(json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(r, "sources"), 0), "subTaskStatus"), 0), "result"), "errors");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(errs, 0), "ErrCode")), 36004);
    json_decref(r);
    r = call(c, "query-status", json_object());
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(json_object_get(r, "tasks"), 0), "taskStatus")), "Error - "));
    json_decref(r);

    // resume-task bumps the generation; pause-task sets the desired stage.
    r = call(c, "resume-task", json_pack("{s:s}", "name", "t"));
    assert_string_equal(json_string_value(json_object_get(r, "op")), "Resume");
    json_decref(r);
    r = keepalive(c, "applier-2", NULL);
    assert_int_equal(desired_gen(r), 3);
    json_decref(r);
    json_decref(call(c, "pause-task", json_pack("{s:s}", "name", "t")));
    r = keepalive(c, "applier-2", NULL);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(r, "subtasks"), 0), "stage")), "Paused");
    json_decref(r);
    r = call(c, "pause-task", json_pack("{s:s}", "name", "nope"));
    assert_false(result_of(r));
    json_decref(r);

    // Restart: the state is whole, members get a fresh TTL.
    controller_destroy(c);
    c = open_ctl();
    r = call(c, "query-status", json_pack("{s:s}", "name", "t"));
    assert_true(result_of(r));
    assert_string_equal(sub_field(r, "worker"), "applier-2");
    assert_string_equal(sub_field(r, "stage"), "Paused");
    json_decref(r);
    r = keepalive(c, "applier-2", NULL);
    assert_int_equal(desired_gen(r), 3);
    json_decref(r);
    r = call(c, "offline-member", json_pack("{s:s, s:s}", "type", "worker", "name", "applier-1"));
    assert_false(result_of(r)); // alive for a TTL after the restart
    json_decref(r);
    fake_now += 3500;
    json_decref(keepalive(c, "applier-2", NULL));
    controller_tick(c);
    r = call(c, "offline-member", json_pack("{s:s, s:s}", "type", "worker", "name", "applier-1"));
    assert_true(result_of(r));
    json_decref(r);

    // stop-task removes the task.
    r = call(c, "stop-task", json_pack("{s:s}", "name", "t"));
    assert_true(result_of(r));
    json_decref(r);
    r = call(c, "query-status", json_pack("{s:s}", "name", "t"));
    assert_false(result_of(r));
    assert_string_equal(json_string_value(json_object_get(r, "msg")), "task t not found");
    json_decref(r);
    r = keepalive(c, "applier-2", NULL);
    assert_int_equal(json_array_size(json_object_get(r, "subtasks")), 0);
    json_decref(r);

    // Malformed requests.
    assert_int_equal(controller_call(&out, c, "no-such-method", NULL, &e), 11151);
    p = json_pack("{s:s, s:i}", "name", "t", "sources", 3);
    assert_int_equal(controller_call(&out, c, "query-status", p, &e), CTL_ERR_BAD_PARAMS);
    json_decref(p);
    p = json_pack("{s:s}", "name", "ghost");
    assert_int_equal(controller_call(&out, c, "keepalive", p, &e), CTL_ERR_NOT_REGISTERED);
    json_decref(p);
    p = json_pack("{s:s}", "name", "x");
    assert_int_equal(controller_call(&out, c, "register", p, &e), CTL_ERR_BAD_PARAMS);
    json_decref(p);
    controller_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, ctl_test_dir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
