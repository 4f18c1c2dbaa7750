// controller in-process with an injected clock: registration, binding, keepalive replies,
// failover after the TTL, auto-resume of retryable errors only, pause/resume generations,
// state surviving a restart, stop-task, and malformed requests; pause-task and stop-task
// waiting for the applier (a fake applier thread reconciling each reply), start-task refused
// while a subtask of the task still runs, and query-status waiting for the first reports
// after a restart.
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
#include <time.h>

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

// open_ctl_waits opens the controller with the given pause/stop and query-status waits (ms).
static controller *open_ctl_waits(int64_t op_wait, int64_t status_wait)
{
    controller *c = NULL;
    dm_err e;
    controller_opts o = {.name = "ctl-1", .addr = "127.0.0.1:1", .data_dir = dir, .keepalive_ttl_ms = 3000,
                         .clock = fake_clock, .op_wait_ms = op_wait, .status_wait_ms = status_wait};
    assert_int_equal(controller_create(&c, &o, &e), 0);
    return c;
}

static controller *open_ctl(void)
{
    return open_ctl_waits(300, -1);
}

static int64_t real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
    // No keepalive confirms the pause within op_wait_ms: result false, but it stays ordered.
    r = call(c, "pause-task", json_pack("{s:s}", "name", "t"));
    assert_false(result_of(r));
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(json_object_get(r, "sources"), 0), "msg")),
                           "has not reported"));
    json_decref(r);
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

    // stop-task: without a keepalive it is not confirmed (result false) and the subtask
    // stays listed; the applier's next reports (without it) remove it and the task.
    r = call(c, "stop-task", json_pack("{s:s}", "name", "t"));
    assert_false(result_of(r));
    json_decref(r);
    r = call(c, "query-status", json_pack("{s:s}", "name", "t"));
    assert_true(result_of(r));
    json_decref(r);
    json_decref(keepalive(c, "applier-2", NULL));
    json_decref(keepalive(c, "applier-2", NULL));
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

// ---- a fake applier: every 20 ms a keepalive reporting what the previous reply asked ------

typedef struct fake_applier {
    controller *c;
    const char *name;
    atomic_bool stop;
    pthread_t th;
} fake_applier;

static void *fake_applier_main(void *arg)
{
    fake_applier *f = arg;
    json_t *desired = json_array();
    while (!atomic_load(&f->stop)) {
        json_t *subs = json_array(), *out = NULL;
        size_t i;
        json_t *d;
        json_array_foreach(desired, i, d) json_array_append_new(
            subs, json_pack("{s:O, s:O, s:O, s:O, s:s, s:{}, s:n}", "task", json_object_get(d, "task"), "source",
                            json_object_get(d, "source"), "generation", json_object_get(d, "generation"), "stage",
                            json_object_get(d, "stage"), "unit", "Sync", "status", "error"));
        json_t *p = json_pack("{s:s, s:s, s:{s:o}}", "name", f->name, "role", "applier", "status", "subtasks", subs);
        if (controller_call(&out, f->c, "keepalive", p, NULL) == 0) {
            json_decref(desired);
            desired = json_incref(json_object_get(out, "subtasks"));
        }
        json_decref(out);
        json_decref(p);
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    json_decref(desired);
    return NULL;
}

static void fake_applier_start(fake_applier *f, controller *c, const char *name)
{
    f->c = c;
    f->name = name;
    atomic_store(&f->stop, false);
    assert_int_equal(pthread_create(&f->th, NULL, fake_applier_main, f), 0);
}

static void fake_applier_stop(fake_applier *f)
{
    atomic_store(&f->stop, true);
    pthread_join(f->th, NULL);
}

// expect calls a method and checks its "result".
static void expect(controller *c, const char *method, json_t *params, bool ok)
{
    json_t *r = call(c, method, params);
    assert_int_equal(result_of(r), ok);
    json_decref(r);
}

// start_one registers applier-1, creates s1 and starts task t on it.
static void start_one(controller *c)
{
    json_decref(call(c, "register", json_pack("{s:s, s:s, s:s}", "name", "applier-1", "role", "applier", "addr", "h:1")));
    json_decref(call(c, "operate-source", json_pack("{s:s, s:[s]}", "op", "create", "configs", SOURCE_YAML)));
    json_t *r = call(c, "start-task", json_pack("{s:s}", "task", TASK_YAML));
    assert_true(result_of(r));
    json_decref(r);
}

static const char *first_msg(json_t *r)
{
    const char *m = json_string_value(json_object_get(r, "msg"));
    if (m && *m && !json_object_get(r, "sources"))
        return m;
    return json_string_value(json_object_get(json_array_get(json_object_get(r, "sources"), 0), "msg"));
}

static void test_pause_stop_wait(void **state)
{
    (void)state;
    controller *c = open_ctl_waits(3000, -1);
    fake_applier f;
    json_t *r;
    start_one(c);
    fake_applier_start(&f, c, "applier-1");

    // pause-task replies once the applier reports the subtask Paused: query-status agrees at once.
    int64_t t0 = real_ms();
    expect(c, "pause-task", json_pack("{s:s}", "name", "t"), true);
    assert_true(real_ms() - t0 < 2000);
    r = call(c, "query-status", json_pack("{s:s}", "name", "t"));
    assert_string_equal(sub_field(r, "stage"), "Paused");
    json_decref(r);

    // stop-task replies once the applier no longer runs it; a start-task right after is seen.
    json_decref(call(c, "resume-task", json_pack("{s:s}", "name", "t")));
    expect(c, "stop-task", json_pack("{s:s}", "name", "t"), true);
    expect(c, "query-status", json_pack("{s:s}", "name", "t"), false);
    expect(c, "start-task", json_pack("{s:s}", "task", TASK_YAML), true);
    fake_applier_stop(&f);

    // An applier that keeps running the subtask: stop-task times out with a message, the
    // subtask stays visible with the applier's stage, start-task (with remove-meta too) is
    // refused until the applier reports it gone.
    // Restart with a short op wait; state is whole.
    controller_destroy(c);
    c = open_ctl_waits(300, -1);
    json_decref(keepalive(c, "applier-1", report("Running", 1, 0)));
    json_decref(keepalive(c, "applier-1", report("Running", 1, 0)));
    r = call(c, "stop-task", json_pack("{s:s}", "name", "t"));
    assert_false(result_of(r));
    assert_non_null(strstr(first_msg(r), "worker applier-1 has not reported the subtask of task t for source s1 stopped"));
    assert_string_equal(json_string_value(json_object_get(r, "msg")), "some subtasks did not stop in time; see the sources' msg");
    json_decref(r);
    r = keepalive(c, "applier-1", report("Running", 1, 0));
    assert_int_equal(json_array_size(json_object_get(r, "subtasks")), 0); // told to stop it
    json_decref(r);
    json_decref(keepalive(c, "applier-1", report("Running", 1, 0)));
    r = call(c, "query-status", json_pack("{s:s}", "name", "t"));
    assert_true(result_of(r));
    assert_string_equal(sub_field(r, "stage"), "Running");
    json_decref(r);
    r = call(c, "start-task", json_pack("{s:s, s:b}", "task", TASK_YAML, "remove_meta", 1));
    assert_false(result_of(r));
    assert_non_null(strstr(first_msg(r), "still stopping on worker applier-1"));
    json_decref(r);
    expect(c, "resume-task", json_pack("{s:s}", "name", "t"), false);

    // The applier reports it gone: removed with the task.
    json_decref(keepalive(c, "applier-1", NULL));
    expect(c, "query-status", json_pack("{s:s}", "name", "t"), false);

    // A subtask of t still reported by a live applier (no longer desired): start-task and
    // remove-meta are refused until it is gone.
    json_decref(keepalive(c, "applier-1", report("Running", 1, 0)));
    r = call(c, "start-task", json_pack("{s:s}", "task", TASK_YAML));
    assert_false(result_of(r));
    assert_non_null(strstr(first_msg(r), "still running on worker applier-1"));
    json_decref(r);
    json_decref(keepalive(c, "applier-1", report("Paused", 1, 0)));
    expect(c, "start-task", json_pack("{s:s, s:b}", "task", TASK_YAML, "remove_meta", 1), false);
    json_decref(keepalive(c, "applier-1", NULL));
    expect(c, "start-task", json_pack("{s:s}", "task", TASK_YAML), true);
    // remove-meta while another subtask of the task exists is refused before any connection.
    expect(c, "start-task", json_pack("{s:s, s:b}", "task", TASK_YAML, "remove_meta", 1), false);

    // An offline applier does not hold stop-task up.
    fake_now += 3500;
    controller_tick(c);
    t0 = real_ms();
    expect(c, "stop-task", json_pack("{s:s}", "name", "t"), true);
    assert_true(real_ms() - t0 < 250);
    controller_destroy(c);
}

typedef struct late_keepalive {
    controller *c;
    pthread_t th;
} late_keepalive;

static void *late_keepalive_main(void *arg)
{
    late_keepalive *k = arg;
    struct timespec ts = {0, 200 * 1000000L};
    nanosleep(&ts, NULL);
    json_t *out = NULL;
    json_t *p = json_pack("{s:s, s:s, s:o}", "name", "applier-1", "role", "applier", "status", report("Running", 1, 0));
    controller_call(&out, k->c, "keepalive", p, NULL);
    json_decref(out);
    json_decref(p);
    return NULL;
}

// After a restart query-status waits (bounded) for the bound applier's first report.
static void test_restart_status(void **state)
{
    (void)state;
    controller *c = open_ctl();
    json_t *r;
    start_one(c);
    json_decref(keepalive(c, "applier-1", report("Running", 1, 0)));
    controller_destroy(c);

    c = open_ctl_waits(300, 3000);
    late_keepalive k = {.c = c};
    assert_int_equal(pthread_create(&k.th, NULL, late_keepalive_main, &k), 0);
    int64_t t0 = real_ms();
    r = call(c, "query-status", json_pack("{s:s}", "name", "t"));
    int64_t took = real_ms() - t0;
    pthread_join(k.th, NULL);
    assert_string_equal(sub_field(r, "stage"), "Running");
    assert_true(took >= 150 && took < 2500);
    json_decref(r);
    controller_destroy(c);

    // An applier that does not report: the wait is bounded.
    c = open_ctl_waits(300, 300);
    t0 = real_ms();
    r = call(c, "query-status", json_object());
    took = real_ms() - t0;
    assert_true(result_of(r));
    assert_true(took >= 250 && took < 2000);
    json_decref(r);
    controller_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, ctl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(test_pause_stop_wait, setup, ctl_test_dir_teardown),
        cmocka_unit_test_setup_teardown(test_restart_status, setup, ctl_test_dir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
