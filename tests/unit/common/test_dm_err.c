#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dm_buf.h"
#include "dm_err.h"
#include "dm_log.h"

static void test_class_by_range(void **state)
{
    (void)state;
    assert_string_equal(dm_err_class_name(10001), "database");
    assert_string_equal(dm_err_class_name(11004), "functional");
    assert_string_equal(dm_err_class_name(20001), "config");
    assert_string_equal(dm_err_class_name(21999), "config");
    assert_string_equal(dm_err_class_name(22001), "binlog-op");
    assert_string_equal(dm_err_class_name(28010), "relay");
    assert_string_equal(dm_err_class_name(36001), "sync");
    assert_string_equal(dm_err_class_name(44002), "schema");
    assert_string_equal(dm_err_class_name(48001), "dmctl");
    assert_string_equal(dm_err_class_name(0), "not-set");
    assert_string_equal(dm_err_class_name(50000), "not-set");
    assert_string_equal(dm_err_class_name(9999), "not-set");
}

static void test_format_like_dm(void **state)
{
    dm_err e;
    char out[4096];
    (void)state;
    dm_err_clear(&e);
    assert_int_equal(dm_err_set(&e, 20005, DM_ERR_SCOPE_INTERNAL, "bad key %s", "x"), 20005);
    assert_string_equal(dm_err_format(out, sizeof(out), &e),
                        "[code=20005:class=config:scope=internal:level=high], Message: bad key x");
    dm_err_cause(&e, "errno %d", 2);
    dm_err_workaround(&e, "fix the file");
    dm_err_level_set(&e, DM_ERR_LEVEL_MEDIUM);
    dm_err_prefix(&e, "task.yaml");
    assert_string_equal(dm_err_format(out, sizeof(out), &e),
                        "[code=20005:class=config:scope=internal:level=medium], Message: task.yaml: "
                        "bad key x, RawCause: errno 2, Workaround: fix the file");
    // A small buffer truncates but stays terminated.
    dm_err_format(out, 10, &e);
    assert_int_equal(strlen(out), 9);
    // A NULL error object is allowed everywhere and still returns the code.
    assert_int_equal(dm_err_set(NULL, DM_ERR_IO, DM_ERR_SCOPE_NOT_SET, "x"), DM_ERR_IO);
}

static void test_json_fields(void **state)
{
    dm_err e;
    json_t *o;
    (void)state;
    dm_err_set(&e, 10002, DM_ERR_SCOPE_UPSTREAM, "cannot connect");
    dm_err_cause(&e, "Access denied");
    o = dm_err_to_json(&e);
    assert_non_null(o);
    assert_int_equal(json_integer_value(json_object_get(o, "ErrCode")), 10002);
    assert_string_equal(json_string_value(json_object_get(o, "ErrClass")), "database");
    assert_string_equal(json_string_value(json_object_get(o, "ErrScope")), "upstream");
    assert_string_equal(json_string_value(json_object_get(o, "ErrLevel")), "high");
    assert_string_equal(json_string_value(json_object_get(o, "RawCause")), "Access denied");
    json_decref(o);
}

static void test_errno(void **state)
{
    dm_err e;
    (void)state;
    assert_int_equal(dm_err_from_errno(&e, 2, "open %s", "/x"), DM_ERR_IO);
    assert_string_equal(e.message, "open /x");
    assert_string_equal(e.cause, "No such file or directory");
}

static void test_buf(void **state)
{
    dm_buf b;
    char *s;
    (void)state;
    dm_buf_init(&b);
    assert_int_equal(dm_buf_puts(&b, "abc"), 0);
    assert_int_equal(dm_buf_printf(&b, "-%d-", 42), 0);
    assert_int_equal(dm_buf_putc(&b, 'z'), 0);
    assert_string_equal(b.data, "abc-42-z");
    assert_int_equal(b.len, 8);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(dm_buf_append(&b, "0123456789", 10), 0);
    assert_int_equal(b.len, 10008);
    assert_int_equal(b.data[b.len], '\0');
    dm_buf_reset(&b);
    assert_int_equal(b.len, 0);
    s = dm_buf_detach(&b);
    assert_string_equal(s, "");
    free(s);
    s = dm_buf_detach(&b);  // never appended: still a valid empty string
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    dm_buf_fini(&b);
    dm_buf_fini(NULL);
}

static void test_log_levels(void **state)
{
    dm_log_level l;
    dm_err e;
    char path[] = "/tmp/dm-log-test-XXXXXX";
    char line[512];
    FILE *f;
    int fd;
    (void)state;
    assert_int_equal(dm_log_parse_level(&l, "WARN", NULL), 0);
    assert_int_equal(l, DM_LOG_WARN);
    assert_int_equal(dm_log_parse_level(&l, "loud", &e), DM_ERR_INVALID_ARG);
    assert_non_null(strstr(e.message, "loud"));

    fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(dm_log_open(path, DM_LOG_WARN, true, NULL), 0);
    dm_info("t", "hidden");
    dm_warn("t", "shown %d", 7);
    dm_log_close();
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof(line), f));
    assert_non_null(strstr(line, "\"level\":\"warn\""));
    assert_non_null(strstr(line, "\"msg\":\"shown 7\""));
    assert_null(fgets(line, sizeof(line), f));
    fclose(f);
    unlink(path);
    assert_int_equal(dm_log_open("/nonexistent-dir/x.log", DM_LOG_INFO, false, &e), DM_ERR_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_class_by_range), cmocka_unit_test(test_format_like_dm),
        cmocka_unit_test(test_json_fields),    cmocka_unit_test(test_errno),
        cmocka_unit_test(test_buf),            cmocka_unit_test(test_log_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
