// ctl_store: documents survive close/reopen, listing by kind, deletes, bad input.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_store.h"
#include "ctl_test_dir.h"



static void test_roundtrip(void **state)
{
    (void)state;
    ctl_store *s = NULL;
    dm_err e;
    json_t *doc = json_pack("{s:s, s:i}", "yaml", "name: t\n", "n", 3), *got = NULL, *all = NULL;
    assert_int_equal(ctl_store_open(&s, dir, &e), 0);
    assert_int_equal(ctl_store_put(s, "task/t1", doc, &e), 0);
    assert_int_equal(ctl_store_put(s, "task/t2", doc, &e), 0);
    assert_int_equal(ctl_store_put(s, "tasks/x", doc, &e), 0); // another kind sharing a prefix
    assert_int_equal(ctl_store_put(s, "source/s1", doc, &e), 0);
    ctl_store_close(s);

    assert_int_equal(ctl_store_open(&s, dir, &e), 0);
    assert_int_equal(ctl_store_get(&got, s, "task/t1", &e), 0);
    assert_true(json_equal(got, doc));
    json_decref(got);
    assert_int_equal(ctl_store_list(&all, s, "task", &e), 0);
    assert_int_equal(json_object_size(all), 2);
    assert_non_null(json_object_get(all, "t1"));
    assert_non_null(json_object_get(all, "t2"));
    json_decref(all);
    assert_int_equal(ctl_store_del(s, "task/t1", &e), 0);
    assert_int_equal(ctl_store_del(s, "task/none", &e), 0);
    assert_int_equal(ctl_store_get(&got, s, "task/t1", &e), 0);
    assert_null(got);
    assert_int_equal(ctl_store_list(&all, s, "member", &e), 0);
    assert_int_equal(json_object_size(all), 0);
    json_decref(all);

    json_t *arr = json_array();
    assert_int_equal(ctl_store_put(s, "task/bad", arr, &e), DM_ERR_INVALID_ARG);
    assert_int_equal(ctl_store_put(s, "", doc, &e), DM_ERR_INVALID_ARG);
    json_decref(arr);
    ctl_store_close(s);
    ctl_store_close(NULL);
    json_decref(doc);
}

static void test_bad_dir(void **state)
{
    (void)state;
    ctl_store *s = NULL;
    dm_err e;
    assert_int_not_equal(ctl_store_open(&s, "/proc/nonexistent/x", &e), 0);
    assert_null(s);
    assert_true(strlen(e.message) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roundtrip, ctl_test_dir_setup, ctl_test_dir_teardown),
        cmocka_unit_test(test_bad_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
