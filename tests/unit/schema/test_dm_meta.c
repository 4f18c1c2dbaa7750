// dm_meta table definitions: names, quoting, every table keyed by a PRIMARY KEY, bad names.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dm_meta.h"

static void test_names(void **state)
{
    (void)state;
    dm_buf b;
    dm_buf_init(&b);
    assert_int_equal(dm_meta_qualified_name(&b, DM_META_SYNCER_CHECKPOINT, "dm_meta", "task1", NULL), 0);
    assert_string_equal(b.data, "`dm_meta`.`task1_syncer_checkpoint`");
    dm_buf_reset(&b);
    assert_int_equal(dm_meta_qualified_name(&b, DM_META_LOADER_CHECKPOINT, "m`x", "t`1", NULL), 0);
    assert_string_equal(b.data, "`m``x`.`t``1_loader_checkpoint`");
    dm_buf_reset(&b);
    assert_int_equal(dm_meta_table_name(&b, DM_META_ONLINEDDL, "t", NULL), 0);
    assert_string_equal(b.data, "t_onlineddl");
    dm_buf_reset(&b);
    assert_int_equal(dm_meta_table_name(&b, DM_META_SHARDING_META, "t", NULL), 0);
    assert_string_equal(b.data, "t_syncer_sharding_meta");
    dm_buf_fini(&b);
}

static void test_all_have_primary_keys(void **state)
{
    (void)state;
    char **sql = NULL;
    size_t n = 0;
    assert_int_equal(dm_meta_create_all(&sql, &n, "dm_meta", "task", NULL), 0);
    assert_int_equal(n, 1 + DM_META_TABLE_COUNT);
    assert_string_equal(sql[0], "CREATE DATABASE IF NOT EXISTS `dm_meta`");
    for (size_t i = 1; i < n; i++) {
        assert_non_null(strstr(sql[i], "CREATE TABLE IF NOT EXISTS `dm_meta`.`task_"));
        assert_non_null(strstr(sql[i], "PRIMARY KEY ("));
        assert_null(strstr(sql[i], "UNIQUE KEY"));
    }
    assert_non_null(strstr(sql[1], "table_info JSON NOT NULL"));
    assert_non_null(strstr(sql[1], "exit_safe_binlog_gtid TEXT"));
    assert_non_null(strstr(sql[2], "chunk_id INT UNSIGNED NOT NULL"));
    for (size_t i = 0; i < n; i++)
        free(sql[i]);
    free(sql);
}

static void test_bad_names(void **state)
{
    (void)state;
    dm_buf b;
    dm_err err;
    char **sql = NULL;
    size_t n = 0;
    dm_buf_init(&b);
    assert_int_equal(dm_meta_create_table_sql(&b, DM_META_ONLINEDDL, "", "t", &err),
                     DM_META_ERR_BAD_NAME);
    assert_non_null(strstr(err.message, "meta schema"));
    assert_int_equal(dm_meta_create_table_sql(&b, DM_META_ONLINEDDL, "m", NULL, &err),
                     DM_META_ERR_BAD_NAME);
    char longtask[80];
    memset(longtask, 'x', 60);
    longtask[60] = '\0';
    assert_int_equal(dm_meta_table_name(&b, DM_META_SYNCER_CHECKPOINT, longtask, &err),
                     DM_META_ERR_BAD_NAME);
    assert_non_null(strstr(err.message, "longer than 64"));
    assert_int_equal(dm_meta_table_name(&b, DM_META_TABLE_COUNT, "t", &err), DM_ERR_INVALID_ARG);
    assert_int_equal(dm_meta_create_all(&sql, &n, "m", longtask, &err), DM_META_ERR_BAD_NAME);
    assert_null(sql);
    assert_int_equal(n, 0);
    dm_buf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_all_have_primary_keys),
        cmocka_unit_test(test_bad_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
