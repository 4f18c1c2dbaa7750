// Unit tests for checkpoint: location parsing and ordering (files by number, 64-bit
// positions), the safe-mode window, the SQL of the global and progress rows, bad names.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checkpoint.h"

static checkpoint_loc L(const char *text)
{
    checkpoint_loc l;
    assert_int_equal(checkpoint_loc_parse(&l, text, NULL), 0);
    return l;
}

static void test_loc(void **state)
{
    (void)state;
    checkpoint_loc a = L("binlog.000009:120"), b = L("binlog.000010:4");
    assert_string_equal(a.file, "binlog.000009");
    assert_int_equal(a.pos, 120);
    assert_true(checkpoint_loc_cmp(&a, &b) < 0); // by file number
    assert_true(checkpoint_loc_cmp(&b, &a) > 0);
    checkpoint_loc c = L("binlog.999999:4"), d = L("binlog.1000000:4");
    assert_true(checkpoint_loc_cmp(&c, &d) < 0); // numerically, not as text
    checkpoint_loc e = L("binlog.000010:5000000000"), f = L("binlog.000010:4294967296");
    assert_int_equal(e.pos, 5000000000ull);
    assert_true(checkpoint_loc_cmp(&f, &e) < 0);
    assert_int_equal(checkpoint_loc_cmp(&e, &e), 0);
    checkpoint_loc empty = {0};
    assert_true(checkpoint_loc_cmp(&empty, &a) < 0);
    assert_int_equal(checkpoint_loc_cmp(&empty, &empty), 0);
    dm_err err;
    checkpoint_loc x;
    assert_int_equal(checkpoint_loc_parse(&x, "binlog.000001", &err), CHECKPOINT_ERR_BAD_LOC);
    assert_non_null(strstr(err.message, "binlog.000001"));
    assert_int_equal(checkpoint_loc_parse(&x, "f:12x", &err), CHECKPOINT_ERR_BAD_LOC);
    assert_int_equal(checkpoint_loc_parse(&x, ":12", &err), CHECKPOINT_ERR_BAD_LOC);
    assert_int_equal(checkpoint_loc_parse(&x, "f:-1", &err), CHECKPOINT_ERR_BAD_LOC);
    assert_int_equal(checkpoint_loc_parse(&x, NULL, &err), CHECKPOINT_ERR_BAD_LOC);
}

static void test_safe_window(void **state)
{
    (void)state;
    checkpoint_loc furthest = L("binlog.000002:800"), none = {0};
    checkpoint_loc before = L("binlog.000001:9999"), at = L("binlog.000002:800"),
                   after = L("binlog.000002:801");
    assert_true(checkpoint_needs_safe_mode(&before, &furthest));
    assert_true(checkpoint_needs_safe_mode(&at, &furthest));
    assert_false(checkpoint_needs_safe_mode(&after, &furthest));
    assert_false(checkpoint_needs_safe_mode(&before, &none)); // nothing applied yet: exact
}

static void test_sql(void **state)
{
    (void)state;
    checkpoint *cp;
    dm_err err;
    assert_int_equal(checkpoint_create(&cp, "dm_meta", "task`1", "src'1", &err), 0);
    dm_buf b;
    dm_buf_init(&b);
    checkpoint_loc l = L("binlog.000003:1234");
    strcpy(l.gtid, "0-1-77");
    assert_int_equal(checkpoint_global_sql(&b, cp, &l, NULL, &err), 0);
    assert_string_equal(b.data,
        "INSERT INTO `dm_meta`.`task``1_syncer_checkpoint` (id, cp_schema, cp_table, binlog_name, "
        "binlog_pos, binlog_gtid, table_info, is_global) VALUES (0x7372632731, '', '', "
        "'binlog.000003', 1234, '0-1-77', '{}', 1) ON DUPLICATE KEY UPDATE binlog_name = "
        "VALUES(binlog_name), binlog_pos = VALUES(binlog_pos), binlog_gtid = VALUES(binlog_gtid)");
    dm_buf_reset(&b);
    // with the tracker's state: stored, escaped as a hex literal when it needs quoting
    assert_int_equal(checkpoint_global_sql(&b, cp, &l, "{\"a\":\"it's\"}", &err), 0);
    assert_non_null(strstr(b.data, "0x7b2261223a2269742773227d, 1)"));
    assert_non_null(strstr(b.data, ", table_info = VALUES(table_info)"));
    dm_buf_reset(&b);
    assert_int_equal(checkpoint_table_sql(&b, cp, "db", "t1", &l, "{}", &err), 0);
    assert_non_null(strstr(b.data, "VALUES (0x7372632731, 'db', 't1', 'binlog.000003', 1234, "
                                   "'0-1-77', '{}', 0) ON DUPLICATE KEY UPDATE"));
    dm_buf_reset(&b);
    assert_int_equal(checkpoint_table_sql(&b, cp, "db", "t1", &l, NULL, &err), 0);
    assert_string_equal(b.data, "DELETE FROM `dm_meta`.`task``1_syncer_checkpoint` WHERE id = "
                                "0x7372632731 AND cp_schema = 'db' AND cp_table = 't1'");
    dm_buf_reset(&b);
    assert_int_equal(checkpoint_progress_sql(&b, cp, 3, &l, &err), 0);
    assert_non_null(strstr(b.data, "'#worker-3', 'binlog.000003', 1234, '{}', 0)"));
    dm_buf_fini(&b);
    checkpoint_destroy(cp);
    checkpoint_destroy(NULL);
    assert_int_equal(checkpoint_create(&cp, "", "t", "s", &err), CHECKPOINT_ERR_NAME);
    assert_int_equal(checkpoint_create(&cp, "m",
                                       "a-task-name-that-is-far-too-long-for-a-table-name-xxxxxxx",
                                       "s", &err),
                     CHECKPOINT_ERR_NAME);
    assert_null(cp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loc),
        cmocka_unit_test(test_safe_window),
        cmocka_unit_test(test_sql),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
