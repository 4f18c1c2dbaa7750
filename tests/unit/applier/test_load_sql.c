// Unit tests of the load unit's SQL generation: value literals (every byte value), INSERT
// heads, chunk bounds as JSON and the checkpoint statements.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "load.h"

// unescape reverses load_quote_bytes the way the server's lexer reads a quoted string.
static size_t unescape(char *out, const char *lit, size_t len)
{
    size_t n = 0;
    assert_true(len >= 2 && lit[0] == '\'' && lit[len - 1] == '\'');
    for (size_t i = 1; i + 1 < len; i++) {
        char c = lit[i];
        assert_true(c != '\'' && c != '\0' && c != '\n' && c != '\r' && c != '\032');
        if (c == '\\') {
            char e = lit[++i];
            switch (e) {
            case '0': c = '\0'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 'Z': c = '\032'; break;
            case '\\': c = '\\'; break;
            case '\'': c = '\''; break;
            default: fail_msg("unexpected escape \\%c", e);
            }
        }
        out[n++] = c;
    }
    return n;
}

static void test_quote_every_byte(void **state)
{
    (void)state;
    char in[512], back[512];
    for (int i = 0; i < 512; i++)
        in[i] = (char)(i & 0xff);
    dm_buf b;
    dm_buf_init(&b);
    assert_int_equal(load_quote_bytes(&b, in, sizeof(in)), 0);
    assert_int_equal(strlen(b.data), b.len); // no raw NUL in the statement
    size_t n = unescape(back, b.data, b.len);
    assert_int_equal(n, sizeof(in));
    assert_memory_equal(back, in, n);
    dm_buf_reset(&b);
    assert_int_equal(load_quote_bytes(&b, "", 0), 0);
    assert_string_equal(b.data, "''");
    dm_buf_fini(&b);
}

static void test_render_value(void **state)
{
    (void)state;
    dm_buf b;
    dm_buf_init(&b);
    assert_int_equal(load_render_value(&b, MYSQL_TYPE_LONG, NULL, 0), 0);
    assert_string_equal(b.data, "NULL");
    dm_buf_reset(&b);
    assert_int_equal(load_render_value(&b, MYSQL_TYPE_LONGLONG, "18446744073709551615", 20), 0);
    assert_string_equal(b.data, "18446744073709551615");
    dm_buf_reset(&b);
    assert_int_equal(load_render_value(&b, MYSQL_TYPE_NEWDECIMAL, "-0.000000000000000000000000000001", 33), 0);
    assert_string_equal(b.data, "-0.000000000000000000000000000001");
    dm_buf_reset(&b);
    // YEAR 0000 must stay a number (the string '0000' would be read as 0000 too, but '0'
    // becomes 2000): it is never quoted.
    assert_int_equal(load_render_value(&b, MYSQL_TYPE_YEAR, "0000", 4), 0);
    assert_string_equal(b.data, "0000");
    dm_buf_reset(&b);
    assert_int_equal(load_render_value(&b, MYSQL_TYPE_DOUBLE, "1.7976931348623157e308", 22), 0);
    assert_string_equal(b.data, "1.7976931348623157e308");
    dm_buf_reset(&b);
    assert_int_equal(load_render_value(&b, MYSQL_TYPE_TIME, "-838:59:59.000000", 17), 0);
    assert_string_equal(b.data, "'-838:59:59.000000'");
    dm_buf_reset(&b);
    assert_int_equal(load_render_value(&b, MYSQL_TYPE_BLOB, "a'b\\c\0d", 7), 0);
    assert_string_equal(b.data, "'a\\'b\\\\c\\0d'");
    dm_buf_reset(&b);
    assert_int_equal(load_render_value(&b, MYSQL_TYPE_VAR_STRING, "", 0), 0);
    assert_string_equal(b.data, "''");
    dm_buf_fini(&b);
}

static dump_column cols2[2] = {{.name = "id", .data_type = "int"}, {.name = "v`", .data_type = "text", .charset = "utf8mb4"}};
static size_t key0[1] = {0};

static void test_insert_head(void **state)
{
    (void)state;
    dump_table t = {.schema = "s", .table = "t", .target_schema = "d", .target_table = "all",
                    .cols = cols2, .n_cols = 2, .key = key0, .n_key = 1};
    dm_buf b;
    dm_buf_init(&b);
    assert_int_equal(load_insert_head(&b, &t, LOAD_DUP_ERROR), 0);
    assert_string_equal(b.data, "INSERT INTO `d`.`all` (`id`,`v```) VALUES ");
    dm_buf_reset(&b);
    assert_int_equal(load_insert_head(&b, &t, LOAD_DUP_REPLACE), 0);
    assert_string_equal(b.data, "REPLACE INTO `d`.`all` (`id`,`v```) VALUES ");
    dm_buf_reset(&b);
    assert_int_equal(load_insert_head(&b, &t, LOAD_DUP_IGNORE), 0);
    assert_string_equal(b.data, "INSERT IGNORE INTO `d`.`all` (`id`,`v```) VALUES ");
    load_dup d;
    dm_err e;
    assert_int_equal(load_dup_parse(&d, NULL, &e), 0);
    assert_int_equal(d, LOAD_DUP_REPLACE);
    assert_int_equal(load_dup_parse(&d, "ignore", &e), 0);
    assert_int_equal(d, LOAD_DUP_IGNORE);
    assert_int_equal(load_dup_parse(&d, "error", &e), 0);
    assert_int_equal(d, LOAD_DUP_ERROR);
    assert_int_equal(load_dup_parse(&d, "merge", &e), DM_ERR_INVALID_ARG);
    assert_non_null(strstr(e.message, "merge"));
    dm_buf_fini(&b);
}

static void test_bounds_json(void **state)
{
    (void)state;
    char *lits[2] = {"_utf8mb4 X'41'", "'2020-01-01 00:00:00.5'"};
    char **back = NULL;
    dm_buf b;
    dm_err e;
    dm_buf_init(&b);
    assert_int_equal(load_bound_to_json(&b, lits, 2), 0);
    assert_string_equal(b.data, "[\"_utf8mb4 X'41'\",\"'2020-01-01 00:00:00.5'\"]");
    assert_int_equal(load_bound_from_json(&back, b.data, 2, &e), 0);
    assert_string_equal(back[0], lits[0]);
    assert_string_equal(back[1], lits[1]);
    dump_strv_free(back, 2);
    assert_int_equal(load_bound_from_json(&back, NULL, 2, &e), 0);
    assert_null(back);
    // Wrong arity, not JSON, not strings: clear errors.
    assert_int_equal(load_bound_from_json(&back, b.data, 1, &e), LOAD_ERR_CHECKPOINT);
    assert_non_null(strstr(e.message, "1 strings"));
    assert_int_equal(load_bound_from_json(&back, "[1", 1, &e), LOAD_ERR_CHECKPOINT);
    assert_int_equal(load_bound_from_json(&back, "[1]", 1, &e), LOAD_ERR_CHECKPOINT);
    assert_non_null(strstr(e.message, "not a string"));
    assert_null(back);
    dm_buf_reset(&b);
    assert_int_equal(load_bound_to_json(&b, NULL, 2), 0);
    assert_int_equal(b.len, 0);
    dm_buf_fini(&b);
}

static void test_checkpoint_sql(void **state)
{
    (void)state;
    dump_table t = {.schema = "s'q", .table = "t", .cols = cols2, .n_cols = 2, .key = key0, .n_key = 1};
    char *lo[1] = {"100"};
    dump_chunk chunks[2] = {{.table = 0, .chunk_id = 0, .upper = lo}, {.table = 0, .chunk_id = 1, .lower = lo}};
    load_checkpoint cp = {.table = "`dm_meta`.`x_loader_checkpoint`", .source_id = "mysql-01", .applier_id = "a1"};
    dump_pos pos = {.file = "binlog.000002", .pos = 4567, .gtid = "0-1-99"};
    dm_buf b;
    dm_buf_init(&b);
    assert_int_equal(load_checkpoint_plan_sql(&b, &cp, &t, chunks, 2), 0);
    assert_string_equal(b.data, "INSERT INTO `dm_meta`.`x_loader_checkpoint` (id, cp_schema, cp_table, "
                                "chunk_id, range_lower, range_upper, status) VALUES "
                                "('mysql-01','s\\'q','t',0,NULL,'[\"100\"]','pending'),"
                                "('mysql-01','s\\'q','t',1,'[\"100\"]',NULL,'pending')");
    dm_buf_reset(&b);
    assert_int_equal(load_checkpoint_finish_sql(&b, &cp, &t, &chunks[1], 42, &pos), 0);
    assert_string_equal(b.data, "UPDATE `dm_meta`.`x_loader_checkpoint` SET status = 'finished', "
                                "rows_loaded = 42, snapshot_binlog_name = 'binlog.000002', "
                                "snapshot_binlog_pos = 4567, snapshot_binlog_gtid = '0-1-99', "
                                "applier_id = 'a1' WHERE id = 'mysql-01' AND cp_schema = 's\\'q' AND "
                                "cp_table = 't' AND chunk_id = 1 AND status <> 'finished'");
    dm_buf_fini(&b);
}

static void test_session_sql(void **state)
{
    (void)state;
    assert_non_null(strstr(load_session_sql, "NO_AUTO_VALUE_ON_ZERO"));
    assert_non_null(strstr(load_session_sql, "time_zone='+00:00'"));
    assert_non_null(strstr(load_session_sql, "SET NAMES binary"));
    assert_non_null(strstr(load_session_sql, "foreign_key_checks=0"));
    assert_null(strstr(load_session_sql, "NO_ZERO_DATE"));
    assert_null(strstr(load_session_sql, "STRICT"));
    assert_null(strstr(load_session_sql, "NO_BACKSLASH_ESCAPES"));
}

static void test_tsv_field(void **state)
{
    (void)state;
    dm_buf b;
    dm_buf_init(&b);
    assert_int_equal(load_tsv_field(&b, NULL, 0), 0);
    assert_string_equal(b.data, "\\N");
    dm_buf_reset(&b);
    assert_int_equal(load_tsv_field(&b, "a\tb\nc\\d\re\0f\\N", 13), 0);
    assert_int_equal(b.len, 19);
    assert_memory_equal(b.data, "a\\tb\\nc\\\\d\\re\\0f\\\\N", 19);
    dm_buf_reset(&b);
    assert_int_equal(load_tsv_field(&b, "", 0), 0);
    assert_int_equal(b.len, 0);
    dm_buf_fini(&b);
}

static void test_load_data_sql(void **state)
{
    (void)state;
    dump_column cols[3] = {{.name = "id", .data_type = "bigint", .auto_increment = true},
                           {.name = "b", .data_type = "bit", .read = DUMP_COL_BIT},
                           {.name = "t", .data_type = "text", .charset = "latin1"}};
    dump_table t = {.schema = "s", .table = "t", .target_schema = "d", .target_table = "x",
                    .cols = cols, .n_cols = 3};
    dm_buf b;
    dm_buf_init(&b);
    assert_int_equal(load_data_sql(&b, &t, LOAD_DUP_REPLACE), 0);
    assert_string_equal(b.data, "LOAD DATA LOCAL INFILE 'chunk' REPLACE INTO TABLE `d`.`x` CHARACTER SET binary "
                                "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY "
                                "'\\n' (@v0,@v1,`t`) SET `id` = @v0,`b` = CAST(@v1 AS UNSIGNED)");
    cols[0].auto_increment = false;
    cols[1].read = DUMP_COL_PLAIN;
    dm_buf_reset(&b);
    assert_int_equal(load_data_sql(&b, &t, LOAD_DUP_IGNORE), 0);
    assert_non_null(strstr(b.data, "'chunk' IGNORE INTO TABLE"));
    assert_non_null(strstr(b.data, "(`id`,`b`,`t`)"));
    assert_null(strstr(b.data, ") SET "));
    dm_buf_fini(&b);
}

static void test_method_parse(void **state)
{
    (void)state;
    load_method m;
    dm_err e;
    assert_int_equal(load_method_parse(&m, "insert", &e), 0);
    assert_int_equal(m, LOAD_METHOD_INSERT);
    assert_int_equal(load_method_parse(&m, "load-data", &e), 0);
    assert_int_equal(m, LOAD_METHOD_LOAD_DATA);
    assert_int_equal(load_method_parse(&m, "copy", &e), DM_ERR_INVALID_ARG);
    assert_non_null(strstr(e.message, "'copy'"));
    assert_int_equal(load_method_parse(&m, NULL, &e), DM_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quote_every_byte), cmocka_unit_test(test_render_value),
        cmocka_unit_test(test_insert_head),      cmocka_unit_test(test_bounds_json),
        cmocka_unit_test(test_checkpoint_sql),   cmocka_unit_test(test_session_sql),
        cmocka_unit_test(test_tsv_field),        cmocka_unit_test(test_load_data_sql),
        cmocka_unit_test(test_method_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
