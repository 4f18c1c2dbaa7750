// dm_member against a real controller over inproc: registration (the controller's TTL),
// keepalive replies reaching reconcile, a name taken at another address refused, no fence
// while the controller answers, and the fence callback once none answered for the TTL.
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
#include <unistd.h>

#include "controller.h"
#include "dm_member.h"
#include "ctl_test_dir.h"


typedef struct probe {
    atomic_int statuses, reconciles, fences;
    atomic_int last_subtasks;
} probe;

static json_t *st_cb(void *arg)
{
    probe *p = arg;
    atomic_fetch_add(&p->statuses, 1);
    return json_pack("{s:[]}", "subtasks");
}

static void rec_cb(void *arg, json_t *reply)
{
    probe *p = arg;
    atomic_store(&p->last_subtasks, (int)json_array_size(json_object_get(reply, "subtasks")));
    atomic_fetch_add(&p->reconciles, 1);
}

static void fence_cb(void *arg)
{
    probe *p = arg;
    atomic_fetch_add(&p->fences, 1);
}

static void *run_member(void *arg)
{
    dm_err e;
    intptr_t rc = dm_member_run(arg, &e);
    return (void *)rc;
}

static void wait_for(atomic_int *v, int at_least)
{
    for (int i = 0; i < 800 && atomic_load(v) < at_least; i++)
        usleep(10000);
    assert_true(atomic_load(v) >= at_least);
}


static void test_member(void **state)
{
    (void)state;
    controller *c = NULL;
    dm_member *m = NULL, *m2 = NULL;
    probe p = {0}, p2 = {0};
    pthread_t th;
    dm_err e;
    void *ret;
    controller_opts co = {.name = "ctl", .addr = "inproc://dm-member-test", .data_dir = dir, .keepalive_ttl_ms = 2000};
    assert_int_equal(controller_create(&c, &co, &e), 0);
    assert_int_equal(controller_start(c, "inproc://dm-member-test", &e), 0);

    dm_member_opts mo = {.name = "applier-1", .role = "applier", .addr = "h:1", .join = "inproc://dm-member-test",
                         .keepalive_ms = 50, .ops = {st_cb, rec_cb, fence_cb}, .arg = &p};
    assert_int_equal(dm_member_create(&m, &mo, &e), 0);
    assert_int_equal(pthread_create(&th, NULL, run_member, m), 0);
    wait_for(&p.reconciles, 3);
    assert_int_equal(dm_member_ttl_ms(m), 2000);
    assert_int_equal(atomic_load(&p.last_subtasks), 0);
    assert_int_equal(atomic_load(&p.fences), 0);

    // The same name from another address is refused while the first is alive.
    dm_member_opts mo2 = mo;
    mo2.addr = "h:2";
    mo2.arg = &p2;
    assert_int_equal(dm_member_create(&m2, &mo2, &e), 0);
    assert_int_equal(dm_member_run(m2, &e), DM_MEMBER_ERR_NAME_TAKEN);
    dm_member_destroy(m2);

    dm_member_stop(m);
    assert_int_equal(pthread_join(th, &ret), 0);
    assert_int_equal((intptr_t)ret, 0);
    dm_member_destroy(m);
    assert_int_equal(atomic_load(&p.fences), 0);
    // Stopped with no request in flight (nng 1.5 may panic when a server closes during a reply).
    controller_destroy(c);

    // A controller that never answers: the member fences once the TTL (here the initial one)
    // has passed since it started, and never reconciles.
    probe p3 = {0};
    dm_member_opts mo3 = mo;
    mo3.join = "inproc://dm-member-test-nobody";
    mo3.initial_ttl_ms = 800;
    mo3.arg = &p3;
    assert_int_equal(dm_member_create(&m, &mo3, &e), 0);
    assert_int_equal(dm_member_ttl_ms(m), 800);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(pthread_create(&th, NULL, run_member, m), 0);
    wait_for(&p3.fences, 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 800);
    assert_int_equal(atomic_load(&p3.reconciles), 0);
    dm_member_stop(m);
    assert_int_equal(pthread_join(th, &ret), 0);
    dm_member_destroy(m);

    // Bad options.
    dm_member_opts bad = {.name = "x"};
    assert_int_equal(dm_member_create(&m, &bad, &e), DM_ERR_INVALID_ARG);
    dm_member_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_member, ctl_test_dir_setup, ctl_test_dir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
