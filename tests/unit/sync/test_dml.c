// Unit tests for dml: key selection, every value type through SQL literals into INSERT,
// UPDATE and DELETE, multi-row merging, safe mode, keyless tables and bad rows.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dml.h"

static void test_key_select(void **state)
{
    (void)state;
    uint32_t a[] = {0}, b[] = {1, 2}, c[] = {3};
    dml_key_cand k1[] = {
        {.unique = true, .all_not_null = false, .n_cols = 1, .cols = a},
        {.unique = true, .all_not_null = true, .n_cols = 2, .cols = b},
        {.primary = true, .unique = true, .all_not_null = true, .n_cols = 1, .cols = c},
    };
    assert_int_equal(dml_key_select(k1, 3), 2); // primary wins wherever it is
    assert_int_equal(dml_key_select(k1, 2), 1); // first NOT NULL unique key
    assert_int_equal(dml_key_select(k1, 1), -1); // nullable unique key: unusable
    dml_key_cand k2[] = {
        {.unique = true, .all_not_null = true, .has_prefix = true, .n_cols = 1, .cols = a},
        {.unique = false, .all_not_null = true, .n_cols = 1, .cols = a},
    };
    assert_int_equal(dml_key_select(k2, 2), -1); // prefix key and plain index: unusable
    assert_int_equal(dml_key_select(NULL, 0), -1);
}

static dml_table *mk_table(const char *const *names, uint32_t n, const dml_key_cand *keys,
                           size_t nk)
{
    dml_table *t = NULL;
    dm_err e;
    assert_int_equal(dml_table_create(&t, "db", "t`x", n, names, keys, nk, &e), 0);
    return t;
}

static dml_change *mk(const dml_table *t, dml_kind k, const binlog_value *b,
                      const binlog_value *a)
{
    dml_change *c = NULL;
    dm_buf scratch;
    dm_buf_init(&scratch);
    dm_err e;
    assert_int_equal(dml_change_create(&c, t, k, t->n_cols, b, a, NULL, &scratch, &e), 0);
    dm_buf_fini(&scratch);
    return c;
}

static binlog_value vint(int64_t i) { return (binlog_value){.kind = BINLOG_VALUE_INT, .type = BINLOG_TYPE_LONG, .i = i}; }
static binlog_value vstr(const char *s)
{
    return (binlog_value){.kind = BINLOG_VALUE_STRING, .type = BINLOG_TYPE_VARCHAR,
                          .charset = 45, .str = {s, strlen(s)}};
}
static binlog_value vnull(void) { return (binlog_value){.kind = BINLOG_VALUE_NULL}; }

static char *render_all(dml_change **ch, size_t n, bool safe)
{
    dm_buf out, all;
    dm_buf_init(&out);
    dm_buf_init(&all);
    dm_err e;
    size_t i = 0;
    bool half = false;
    while (i < n) {
        size_t used;
        assert_int_equal(dml_render(&out, &used, &half, ch + i, n - i, safe, 1 << 20, &e), 0);
        dm_buf_printf(&all, "%s;\n", out.data);
        i += used;
    }
    assert_false(half);
    dm_buf_fini(&out);
    return dm_buf_detach(&all);
}

static void test_every_type(void **state)
{
    (void)state;
    // One column per value kind; the literal each renders to is checked in the INSERT.
    const char *names[] = {"i", "u", "f", "d", "dec", "date", "dt", "ts", "tm", "yr", "s",
                           "bin", "bit", "en", "set", "js", "geo", "n"};
    uint32_t n = sizeof names / sizeof *names;
    uint32_t pk[] = {0};
    dml_key_cand keys[] = {{.primary = true, .unique = true, .all_not_null = true, .n_cols = 1, .cols = pk}};
    dml_table *t = mk_table(names, n, keys, 1);
    assert_string_equal(t->qname, "`db`.`t``x`");
    binlog_value v[18];
    memset(v, 0, sizeof v);
    v[0] = vint(-5);
    v[1] = (binlog_value){.kind = BINLOG_VALUE_UINT, .type = BINLOG_TYPE_LONGLONG, .u = UINT64_MAX};
    v[2] = (binlog_value){.kind = BINLOG_VALUE_FLOAT, .type = BINLOG_TYPE_FLOAT, .d = 1.5};
    v[3] = (binlog_value){.kind = BINLOG_VALUE_DOUBLE, .type = BINLOG_TYPE_DOUBLE, .d = -0.1};
    v[4] = (binlog_value){.kind = BINLOG_VALUE_DECIMAL, .type = BINLOG_TYPE_NEWDECIMAL, .str = {"-12.3400", 8}};
    v[5] = (binlog_value){.kind = BINLOG_VALUE_TEMPORAL, .type = BINLOG_TYPE_NEWDATE,
                          .t = {.kind = BINLOG_TEMPORAL_DATE, .year = 2024, .month = 2, .day = 29}};
    v[6] = (binlog_value){.kind = BINLOG_VALUE_TEMPORAL, .type = BINLOG_TYPE_DATETIME2,
                          .t = {.kind = BINLOG_TEMPORAL_DATETIME, .year = 2024, .month = 1, .day = 1,
                                .hour = 12, .minute = 34, .second = 56, .usec = 123456, .fsp = 6}};
    v[7] = (binlog_value){.kind = BINLOG_VALUE_TEMPORAL, .type = BINLOG_TYPE_TIMESTAMP2,
                          .t = {.kind = BINLOG_TEMPORAL_TIMESTAMP, .year = 1970, .month = 1, .day = 1,
                                .second = 1, .usec = 250000, .fsp = 2, .epoch = 1}};
    v[8] = (binlog_value){.kind = BINLOG_VALUE_TEMPORAL, .type = BINLOG_TYPE_TIME2,
                          .t = {.kind = BINLOG_TEMPORAL_TIME, .negative = true, .hour = 838,
                                .minute = 59, .second = 59, .usec = 999000, .fsp = 3}};
    v[9] = (binlog_value){.kind = BINLOG_VALUE_TEMPORAL, .type = BINLOG_TYPE_YEAR,
                          .t = {.kind = BINLOG_TEMPORAL_YEAR, .year = 2155}};
    v[10] = vstr("it's");
    v[11] = (binlog_value){.kind = BINLOG_VALUE_STRING, .type = BINLOG_TYPE_STRING, .charset = 63, .str = {"\x00\xff", 2}};
    v[12] = (binlog_value){.kind = BINLOG_VALUE_BIT, .type = BINLOG_TYPE_BIT, .bits = 13, .u = 5461};
    v[13] = (binlog_value){.kind = BINLOG_VALUE_ENUM, .type = BINLOG_TYPE_ENUM, .u = 2};
    v[14] = (binlog_value){.kind = BINLOG_VALUE_SET, .type = BINLOG_TYPE_SET, .u = 5};
    v[15] = (binlog_value){.kind = BINLOG_VALUE_JSON, .type = BINLOG_TYPE_JSON, .str = {"{\"a\":1}", 7}};
    v[16] = (binlog_value){.kind = BINLOG_VALUE_GEOMETRY, .type = BINLOG_TYPE_GEOMETRY, .str = {"\x00\x00\x00\x00\x01", 5}};
    v[17] = vnull();
    dml_change *c = mk(t, DML_INSERT, NULL, v);
    char *sql = render_all(&c, 1, false);
    assert_string_equal(sql,
        "INSERT INTO `db`.`t``x` (`i`,`u`,`f`,`d`,`dec`,`date`,`dt`,`ts`,`tm`,`yr`,`s`,`bin`,`bit`,"
        "`en`,`set`,`js`,`geo`,`n`) VALUES (-5,18446744073709551615,1.5,-0.1,-12.3400,"
        "'2024-02-29','2024-01-01 12:34:56.123456','1970-01-01 00:00:01.25','-838:59:59.999',"
        "2155,'it''s',0x00ff,5461,2,5,'{\"a\":1}',0x0000000001,NULL);\n");
    free(sql);
    sql = render_all(&c, 1, true);
    assert_true(!strncmp(sql, "REPLACE INTO `db`.`t``x` (", 26));
    free(sql);
    // DELETE and UPDATE by the primary key
    dml_change *d = mk(t, DML_DELETE, v, NULL);
    sql = render_all(&d, 1, false);
    assert_string_equal(sql, "DELETE FROM `db`.`t``x` WHERE `i`=-5 LIMIT 1;\n");
    free(sql);
    binlog_value w[18];
    memcpy(w, v, sizeof w);
    w[10] = vstr("new");
    dml_change *u = mk(t, DML_UPDATE, v, w);
    sql = render_all(&u, 1, false);
    assert_non_null(strstr(sql, "UPDATE `db`.`t``x` SET `i`=-5,"));
    assert_non_null(strstr(sql, "`s`='new',"));
    assert_non_null(strstr(sql, " WHERE `i`=-5 LIMIT 1;\n"));
    free(sql);
    // safe mode, key unchanged: one REPLACE
    assert_false(dml_change_key_changed(u));
    sql = render_all(&u, 1, true);
    assert_true(!strncmp(sql, "REPLACE INTO", 12));
    assert_ptr_equal(strchr(sql, '\n') + 1, sql + strlen(sql)); // one statement only
    free(sql);
    // safe mode, key changed: DELETE old key, REPLACE new row
    w[0] = vint(7);
    dml_change *u2 = mk(t, DML_UPDATE, v, w);
    assert_true(dml_change_key_changed(u2));
    sql = render_all(&u2, 1, true);
    assert_true(!strncmp(sql, "DELETE FROM `db`.`t``x` WHERE `i`=-5 LIMIT 1;\nREPLACE INTO", 57));
    assert_non_null(strstr(sql, "VALUES (7,"));
    free(sql);
    free(c);
    free(d);
    free(u);
    free(u2);
    dml_table_destroy(t);
}

static void test_merge_and_keyless(void **state)
{
    (void)state;
    const char *names[] = {"a", "b"};
    uint32_t pk[] = {0, 1};
    dml_key_cand keys[] = {{.primary = true, .unique = true, .all_not_null = true, .n_cols = 2, .cols = pk}};
    dml_table *t = mk_table(names, 2, keys, 1);
    dml_table *nk = mk_table(names, 2, NULL, 0);
    assert_int_equal(nk->key_kind, DML_KEY_NONE);
    binlog_value r1[2] = {vint(1), vstr("x")}, r2[2] = {vint(2), vstr("y")}, r3[2] = {vint(3), vnull()};
    dml_change *ch[7] = {
        mk(t, DML_INSERT, NULL, r1), mk(t, DML_INSERT, NULL, r2), mk(nk, DML_INSERT, NULL, r3),
        mk(t, DML_DELETE, r1, NULL), mk(t, DML_DELETE, r2, NULL), mk(nk, DML_DELETE, r3, NULL),
        mk(nk, DML_UPDATE, r3, r1),
    };
    char *sql = render_all(ch, 7, false);
    assert_string_equal(sql,
        "INSERT INTO `db`.`t``x` (`a`,`b`) VALUES (1,'x'),(2,'y');\n"
        "INSERT INTO `db`.`t``x` (`a`,`b`) VALUES (3,NULL);\n"
        "DELETE FROM `db`.`t``x` WHERE (`a`,`b`) IN ((1,'x'),(2,'y'));\n"
        "DELETE FROM `db`.`t``x` WHERE `a`=3 AND `b` IS NULL LIMIT 1;\n"
        "UPDATE `db`.`t``x` SET `a`=1,`b`='x' WHERE `a`=3 AND `b` IS NULL LIMIT 1;\n");
    free(sql);
    // causality keys: NULL values give none; equal values give equal keys
    dm_buf k1, k2;
    dm_buf_init(&k1);
    dm_buf_init(&k2);
    int rc = 0;
    assert_true(dml_change_key(&k1, ch[0], 0, true, &rc));
    assert_true(dml_change_key(&k2, ch[3], 0, false, &rc));
    assert_int_equal(k1.len, k2.len);
    assert_memory_equal(k1.data, k2.data, k1.len);
    dm_buf_fini(&k1);
    dm_buf_fini(&k2);
    for (int i = 0; i < 7; i++)
        free(ch[i]);
    dml_table_destroy(t);
    dml_table_destroy(nk);
}

// dml_compact: changes of one row merge; other rows, keyless tables, key changes and tables
// with a second unique key are left alone.
static void test_compact(void **state)
{
    (void)state;
    const char *names[] = {"id", "v"};
    uint32_t pk[] = {0}, vk[] = {1};
    dml_key_cand keys[] = {{.primary = true, .unique = true, .all_not_null = true, .n_cols = 1, .cols = pk}};
    dml_key_cand keys2[] = {keys[0], {.unique = true, .n_cols = 1, .cols = vk}};
    dml_table *t = mk_table(names, 2, keys, 1);
    dml_table *t2 = mk_table(names, 2, keys2, 2);
    dml_table *nk = mk_table(names, 2, NULL, 0);
    binlog_value a1[2] = {vint(1), vstr("a")}, b1[2] = {vint(1), vstr("b")}, c1[2] = {vint(1), vstr("c")};
    binlog_value a2[2] = {vint(2), vstr("a")}, b2[2] = {vint(2), vstr("b")}, k9[2] = {vint(9), vstr("b")};
    binlog_value a3[2] = {vint(3), vstr("a")};
    dm_err e;

    // insert + update + update of row 1 -> one insert of the final row; row 2: update +
    // delete -> delete; row 3: insert + delete -> delete, safe carried over
    dml_change *ch[16] = {
        mk(t, DML_INSERT, NULL, a1), mk(t, DML_UPDATE, a2, b2), mk(t, DML_UPDATE, a1, b1),
        mk(t, DML_INSERT, NULL, a3), mk(t, DML_UPDATE, b1, c1), mk(t, DML_DELETE, b2, NULL),
        mk(t, DML_DELETE, a3, NULL),
    };
    ch[3]->safe = true;
    size_t n = 7;
    assert_int_equal(dml_compact(ch, &n, &e), 0);
    assert_int_equal(n, 3);
    char *sql = render_all(ch, n, false);
    assert_string_equal(sql,
        "INSERT INTO `db`.`t``x` (`id`,`v`) VALUES (1,'c');\n"
        "DELETE FROM `db`.`t``x` WHERE (`id`) IN ((2),(3));\n");
    free(sql);
    assert_true(ch[2]->safe);
    for (size_t i = 0; i < n; i++)
        free(ch[i]);

    // a key change breaks the chain: nothing merges across it
    n = 3;
    ch[0] = mk(t, DML_INSERT, NULL, a2);
    ch[1] = mk(t, DML_UPDATE, b2, k9);
    ch[2] = mk(t, DML_UPDATE, k9, k9);
    assert_int_equal(dml_compact(ch, &n, &e), 0);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        free(ch[i]);

    // a second unique key, or no key at all: left alone
    n = 4;
    ch[0] = mk(t2, DML_INSERT, NULL, a1);
    ch[1] = mk(t2, DML_UPDATE, a1, b1);
    ch[2] = mk(nk, DML_INSERT, NULL, a1);
    ch[3] = mk(nk, DML_DELETE, a1, NULL);
    assert_int_equal(dml_compact(ch, &n, &e), 0);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++)
        free(ch[i]);

    // an empty batch
    n = 0;
    assert_int_equal(dml_compact(ch, &n, &e), 0);
    assert_int_equal(n, 0);
    dml_table_destroy(t);
    dml_table_destroy(t2);
    dml_table_destroy(nk);
}

static void test_bad_rows(void **state)
{
    (void)state;
    const char *names[] = {"a", "b"};
    uint32_t pk[] = {0};
    dml_key_cand keys[] = {{.primary = true, .unique = true, .all_not_null = true, .n_cols = 1, .cols = pk}};
    dml_table *t = mk_table(names, 2, keys, 1);
    dm_buf scratch;
    dm_buf_init(&scratch);
    dm_err e;
    dml_change *c = NULL;
    binlog_value r[3] = {vint(1), vint(2), vint(3)};
    assert_int_equal(dml_change_create(&c, t, DML_INSERT, 3, NULL, r, NULL, &scratch, &e), DML_ERR_BAD_ROW);
    assert_non_null(strstr(e.message, "3 columns"));
    binlog_value jd[2] = {vint(1), {.kind = BINLOG_VALUE_JSON_DIFF}};
    assert_int_equal(dml_change_create(&c, t, DML_INSERT, 2, NULL, jd, NULL, &scratch, &e), DML_ERR_BAD_ROW);
    // a delete whose image lacks the key column cannot be rendered
    binlog_value partial[2] = {{.kind = BINLOG_VALUE_ABSENT}, vint(2)};
    assert_int_equal(dml_change_create(&c, t, DML_DELETE, 2, partial, NULL, NULL, &scratch, &e), 0);
    dm_buf out;
    dm_buf_init(&out);
    size_t used;
    bool half = false;
    assert_int_equal(dml_render(&out, &used, &half, &c, 1, false, 1024, &e), DML_ERR_BAD_ROW);
    assert_non_null(strstr(e.message, "`a`"));
    free(c);
    // a key column out of range is refused at table creation
    uint32_t bad[] = {5};
    dml_key_cand bk[] = {{.primary = true, .unique = true, .all_not_null = true, .n_cols = 1, .cols = bad}};
    dml_table *t2 = NULL;
    assert_int_equal(dml_table_create(&t2, "db", "t", 2, names, bk, 1, &e), DM_ERR_INVALID_ARG);
    assert_null(t2);
    dm_buf_fini(&out);
    dm_buf_fini(&scratch);
    dml_table_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_select),
        cmocka_unit_test(test_every_type),
        cmocka_unit_test(test_merge_and_keyless),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_compact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
