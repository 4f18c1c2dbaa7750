// Unit tests of the dump unit's pure parts: integer range splitting, chunk sizes, range
// conditions, SELECT generation and key literals.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dump.h"

static void test_split_int_unsigned(void **state)
{
    (void)state;
    uint64_t *b = NULL;
    size_t n = 0;
    assert_int_equal(dump_split_int(&b, &n, 1, 100, true, 4, NULL), 0);
    assert_int_equal(n, 3);
    assert_int_equal(b[0], 26);
    assert_int_equal(b[1], 51);
    assert_int_equal(b[2], 76);
    free(b);

    // The whole unsigned range: no overflow, boundaries ascending.
    assert_int_equal(dump_split_int(&b, &n, 0, UINT64_MAX, true, 4, NULL), 0);
    assert_int_equal(n, 3);
    assert_true(b[0] == (uint64_t)1 << 62);
    assert_true(b[1] == (uint64_t)1 << 63);
    assert_true(b[2] == 3 * ((uint64_t)1 << 62));
    free(b);

    // More parts than values: one part per value.
    assert_int_equal(dump_split_int(&b, &n, 10, 12, true, 100, NULL), 0);
    assert_int_equal(n, 2);
    assert_int_equal(b[0], 11);
    assert_int_equal(b[1], 12);
    free(b);

    // One part: no boundary.
    assert_int_equal(dump_split_int(&b, &n, 5, 500, true, 1, NULL), 0);
    assert_int_equal(n, 0);
    assert_null(b);
}

static void test_split_int_signed(void **state)
{
    (void)state;
    uint64_t *b = NULL;
    size_t n = 0;
    assert_int_equal(dump_split_int(&b, &n, (uint64_t)INT64_MIN, (uint64_t)INT64_MAX, false, 2, NULL), 0);
    assert_int_equal(n, 1);
    assert_int_equal((int64_t)b[0], 0);
    free(b);

    assert_int_equal(dump_split_int(&b, &n, (uint64_t)(int64_t)-100, 99, false, 4, NULL), 0);
    assert_int_equal(n, 3);
    assert_int_equal((int64_t)b[0], -50);
    assert_int_equal((int64_t)b[1], 0);
    assert_int_equal((int64_t)b[2], 50);
    free(b);
}

static void test_split_int_bad(void **state)
{
    (void)state;
    uint64_t *b = NULL;
    size_t n = 0;
    dm_err e;
    assert_int_equal(dump_split_int(&b, &n, 10, 5, true, 2, &e), DM_ERR_INVALID_ARG);
    assert_int_equal(dump_split_int(&b, &n, 1, 5, true, 0, &e), DM_ERR_INVALID_ARG);
    // Signed: -1 > -5 must be accepted, 5 > -5 in signed order too.
    assert_int_equal(dump_split_int(&b, &n, (uint64_t)(int64_t)-5, (uint64_t)(int64_t)-1, false, 2, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal((int64_t)b[0], -3);
    free(b);
    assert_int_equal(dump_split_int(&b, &n, 5, (uint64_t)(int64_t)-5, false, 2, &e), DM_ERR_INVALID_ARG);
}

static void test_default_rows(void **state)
{
    (void)state;
    assert_int_equal(dump_default_chunk_rows(0, 4), 10000);
    assert_int_equal(dump_default_chunk_rows(200000, 4), 25000);
    assert_int_equal(dump_default_chunk_rows(100000000, 4), 200000);
    assert_int_equal(dump_default_chunk_rows(100000, 0), 50000);
}

static dump_column col(const char *name, const char *type, const char *charset)
{
    dump_column c = {.name = (char *)name, .data_type = (char *)type, .charset = (char *)charset};
    if (!strcmp(type, "float"))
        c.read = DUMP_COL_FLOAT;
    if (!strcmp(type, "bit"))
        c.read = DUMP_COL_BIT;
    return c;
}

static void test_range_where(void **state)
{
    (void)state;
    dump_column cols[3] = {col("a", "int", NULL), col("b`x", "varchar", "utf8mb4"), col("c", "date", NULL)};
    size_t key1[1] = {0};
    size_t key3[3] = {0, 1, 2};
    dump_table t = {.schema = "s", .table = "t", .cols = cols, .n_cols = 3, .key = key1, .n_key = 1,
                    .key_kind = DUMP_KEY_INT};
    char *lo1[1] = {"10"}, *hi1[1] = {"20"};
    dm_buf b;
    dm_buf_init(&b);
    assert_int_equal(dump_range_where(&b, &t, lo1, hi1), 0);
    assert_string_equal(b.data, "(`a` >= 10) AND (`a` < 20)");
    dm_buf_reset(&b);
    assert_int_equal(dump_range_where(&b, &t, NULL, hi1), 0);
    assert_string_equal(b.data, "(`a` < 20)");
    dm_buf_reset(&b);
    assert_int_equal(dump_range_where(&b, &t, NULL, NULL), 0);
    assert_string_equal(b.data, "1");

    t.key = key3;
    t.n_key = 3;
    t.key_kind = DUMP_KEY_ORDERED;
    char *lo3[3] = {"1", "X'61'", "'2020-01-01'"};
    dm_buf_reset(&b);
    assert_int_equal(dump_range_where(&b, &t, lo3, NULL), 0);
    assert_string_equal(b.data, "((`a` > 1 OR (`a` = 1 AND (`b``x` > X'61' OR (`b``x` = X'61' AND "
                                "`c` >= '2020-01-01')))))");
    dm_buf_reset(&b);
    assert_int_equal(dump_range_where(&b, &t, NULL, lo3), 0);
    assert_string_equal(b.data, "((`a` < 1 OR (`a` = 1 AND (`b``x` < X'61' OR (`b``x` = X'61' AND "
                                "`c` < '2020-01-01')))))");
    dm_buf_fini(&b);
}

static void test_select_sql(void **state)
{
    (void)state;
    dump_column cols[4] = {col("id", "bigint", NULL), col("f", "float", NULL), col("b", "bit", NULL),
                           col("s", "text", "latin1")};
    size_t key[1] = {0};
    dump_table t = {.schema = "db", .table = "t`1", .cols = cols, .n_cols = 4, .key = key, .n_key = 1,
                    .key_kind = DUMP_KEY_INT};
    char *lo[1] = {"-5"};
    dump_chunk c = {.lower = lo};
    dm_buf b;
    dm_buf_init(&b);
    assert_int_equal(dump_select_sql(&b, &t, &c), 0);
    assert_string_equal(b.data, "SELECT `id`,CAST(`f` AS DOUBLE),`b`+0,`s` FROM `db`.`t``1` WHERE (`id` >= -5)");
    dump_chunk whole = {0};
    dm_buf_reset(&b);
    assert_int_equal(dump_select_sql(&b, &t, &whole), 0);
    assert_string_equal(b.data, "SELECT `id`,CAST(`f` AS DOUBLE),`b`+0,`s` FROM `db`.`t``1`");
    dm_buf_fini(&b);
}

static void test_key_literals(void **state)
{
    (void)state;
    dm_buf b;
    dm_buf_init(&b);
    dump_column ci = col("a", "bigint", NULL);
    assert_int_equal(dump_render_key_literal(&b, &ci, "-42", 3), 0);
    assert_string_equal(b.data, "-42");
    dm_buf_reset(&b);
    dump_column cs = col("a", "varchar", "utf8mb4");
    assert_int_equal(dump_render_key_literal(&b, &cs, "\xf0\x9f\x98\x80'", 5), 0);
    assert_string_equal(b.data, "_utf8mb4 X'F09F988027'");
    dm_buf_reset(&b);
    dump_column cb = col("a", "varbinary", NULL);
    assert_int_equal(dump_render_key_literal(&b, &cb, "\0\xff", 2), 0);
    assert_string_equal(b.data, "X'00FF'");
    dm_buf_reset(&b);
    dump_column cd = col("a", "datetime", NULL);
    assert_int_equal(dump_render_key_literal(&b, &cd, "0000-00-00 00:00:00", 19), 0);
    assert_string_equal(b.data, "'0000-00-00 00:00:00'");
    dm_buf_reset(&b);
    assert_int_equal(dump_quote_ident(&b, "a`b"), 0);
    assert_string_equal(b.data, "`a``b`");
    dm_buf_fini(&b);
}

static void test_system_schemas(void **state)
{
    (void)state;
    assert_true(dump_is_system_schema("mysql"));
    assert_true(dump_is_system_schema("INFORMATION_SCHEMA"));
    assert_true(dump_is_system_schema("performance_schema"));
    assert_true(dump_is_system_schema("sys"));
    assert_false(dump_is_system_schema("mysql2"));
    assert_false(dump_is_system_schema("sbtest"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_int_unsigned), cmocka_unit_test(test_split_int_signed),
        cmocka_unit_test(test_split_int_bad),      cmocka_unit_test(test_default_rows),
        cmocka_unit_test(test_range_where),        cmocka_unit_test(test_select_sql),
        cmocka_unit_test(test_key_literals),       cmocka_unit_test(test_system_schemas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
