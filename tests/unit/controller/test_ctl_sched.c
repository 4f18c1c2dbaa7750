// ctl_sched: least-loaded choices, backoff, retryable codes, DM task status rules and the
// relay start of a relayd without a store.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ctl_sched.h"
#include "dm_err.h"

static void test_pick(void **state)
{
    (void)state;
    ctl_sched_member m[] = {
        {"applier-3", true, 1}, {"applier-1", false, 0}, {"applier-2", true, 1}, {"applier-4", true, 2}};
    assert_int_equal(ctl_sched_pick(m, 4), 2); // the offline member with 0 is skipped; tie by name
    m[1].alive = true;
    assert_int_equal(ctl_sched_pick(m, 4), 1);
    for (int i = 0; i < 4; i++)
        m[i].alive = false;
    assert_int_equal(ctl_sched_pick(m, 4), -1);
    assert_int_equal(ctl_sched_pick(m, 0), -1);
}

static void test_pick_free(void **state)
{
    (void)state;
    ctl_sched_member m[] = {{"relayd-b", true, 0}, {"relayd-a", true, 1}, {"relayd-c", false, 0}};
    assert_int_equal(ctl_sched_pick_free(m, 3, false), 0);
    m[0].load = 2;
    assert_int_equal(ctl_sched_pick_free(m, 3, false), -1);
    assert_int_equal(ctl_sched_pick_free(m, 3, true), 1);
}

static void test_backoff(void **state)
{
    (void)state;
    assert_int_equal(ctl_sched_backoff_ms(0, 1000, 300000, 2), 1000);
    assert_int_equal(ctl_sched_backoff_ms(1, 1000, 300000, 2), 2000);
    assert_int_equal(ctl_sched_backoff_ms(3, 1000, 300000, 2), 8000);
    assert_int_equal(ctl_sched_backoff_ms(40, 1000, 300000, 2), 300000);
    assert_int_equal(ctl_sched_backoff_ms(100000, 0, 0, 0), 300000); // defaults: 1 s .. 5 m
    assert_int_equal(ctl_sched_backoff_ms(0, 0, 0, 0), 1000);
}

static void test_retryable(void **state)
{
    (void)state;
    assert_true(ctl_sched_retryable(DM_ERR_DB_RETRYABLE));
    assert_true(ctl_sched_retryable(DM_ERR_DB_CONNECT));
    assert_true(ctl_sched_retryable(DM_ERR_NET));
    assert_false(ctl_sched_retryable(DM_ERR_DB));
    assert_false(ctl_sched_retryable(36004)); // a DDL error needs a person
    assert_false(ctl_sched_retryable(0));
}

static void test_task_status(void **state)
{
    (void)state;
    char out[256];
    const char *run2[] = {"Running", "Running"}, *mix[] = {"Running", "Finished"}, *p[] = {"Running", "Paused"},
               *fin[] = {"Finished", "Finished"}, *newr[] = {"New", "Running"};
    bool no[] = {false, false}, err1[] = {false, true};
    assert_string_equal(ctl_sched_task_status(out, sizeof(out), "t", run2, no, 2), "Running");
    assert_string_equal(ctl_sched_task_status(out, sizeof(out), "t", mix, no, 2), "Running");
    assert_string_equal(ctl_sched_task_status(out, sizeof(out), "t", p, no, 2), "Paused");
    assert_string_equal(ctl_sched_task_status(out, sizeof(out), "t", fin, no, 2), "Finished");
    assert_string_equal(ctl_sched_task_status(out, sizeof(out), "t", newr, no, 2), "Running");
    assert_string_equal(ctl_sched_task_status(out, sizeof(out), "t", p, err1, 2),
                        "Error - Some error occurred in subtask. Please run `query-status t` to get more details.");
    assert_string_equal(ctl_sched_task_status(out, sizeof(out), "t", NULL, NULL, 0), "Stopped");
}

static void test_relay_start(void **state)
{
    (void)state;
    ctl_sched_loc out;
    ctl_sched_loc ck[] = {{"mysql-bin.000010", 900, ""}, {"mysql-bin.000009", 12345, ""}, {"", 0, ""},
                          {"mysql-bin.000100", 4, ""}};
    ctl_sched_loc cfg = {"mysql-bin.000001", 4, "0-1-5"};
    ctl_sched_relay_start(&out, ck, 4, &cfg);
    // The lowest checkpoint wins (numeric suffix order, not text), from its file's start.
    assert_string_equal(out.file, "mysql-bin.000009");
    assert_int_equal(out.pos, 4);
    assert_null(out.gtid);
    ctl_sched_relay_start(&out, ck + 2, 1, &cfg);
    assert_string_equal(out.gtid, "0-1-5");
    assert_null(out.file);
    cfg.gtid = "";
    ctl_sched_relay_start(&out, NULL, 0, &cfg);
    assert_string_equal(out.file, "mysql-bin.000001");
    ctl_sched_relay_start(&out, NULL, 0, NULL);
    assert_null(out.file);
    assert_null(out.gtid);
    ctl_sched_loc a = {"b.000002", 4, NULL}, b = {"b.000010", 4, NULL};
    assert_true(ctl_sched_loc_cmp(&a, &b) < 0);
    b.file = "b.000002";
    b.pos = 5;
    assert_true(ctl_sched_loc_cmp(&a, &b) < 0);
    assert_int_equal(ctl_sched_loc_cmp(&a, &a), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pick),         cmocka_unit_test(test_pick_free),
        cmocka_unit_test(test_backoff),      cmocka_unit_test(test_retryable),
        cmocka_unit_test(test_task_status),  cmocka_unit_test(test_relay_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
