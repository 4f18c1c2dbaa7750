// Unit tests of the table-schema model through its API: building, printing in MariaDB
// 10.11's SHOW CREATE TABLE style (expected texts captured from a real server), ALTER
// semantics and errors, JSON round trip, helpers.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

static schema_column col(const char *name, schema_base_type b)
{
    schema_column c;
    memset(&c, 0, sizeof(c));
    c.name = (char *)name;
    c.type.base = b;
    c.type.length = -1;
    c.type.scale = -1;
    return c;
}

static schema_column col_len(const char *name, schema_base_type b, int64_t len)
{
    schema_column c = col(name, b);
    c.type.length = len;
    return c;
}

static schema_column with_default(schema_column c, schema_default_kind k, const char *text)
{
    c.default_kind = k;
    c.default_text = (char *)text;
    return c;
}

static schema_index_part P(const char *c)
{
    schema_index_part p = {.column = (char *)c, .prefix = 0, .desc = false};
    return p;
}

static char *read_file(const char *name)
{
    char path[1024];
    const char *dir = getenv("DM_TEST_DATA_DIR");
    snprintf(path, sizeof(path), "%s/schema/%s", dir ? dir : DM_TEST_DATA_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n'))
        buf[--n] = '\0';
    return buf;
}

static char *print(const schema_table *t)
{
    static char out[65536];
    dm_buf b;
    dm_buf_init(&b);
    assert_int_equal(schema_table_print(&b, t, NULL), 0);
    snprintf(out, sizeof(out), "%s", b.data);
    dm_buf_fini(&b);
    return out;
}

// The table from the server probe (see tests/data/schema/show_create_types.sql).
static schema_table *build_types_table(void)
{
    schema_column c[32];
    int n = 0;
    c[n] = col("id", SCHEMA_TYPE_INT);
    c[n].auto_increment = true;
    c[n++].inline_primary = true;
    c[n++] = col_len("a", SCHEMA_TYPE_VARCHAR, 10);
    c[n] = with_default(col_len("b", SCHEMA_TYPE_DECIMAL, 10), SCHEMA_DEFAULT_LITERAL, "1.5");
    c[n].type.scale = 2;
    c[n++].not_null = true;
    c[n++] = col("c", SCHEMA_TYPE_TIMESTAMP);
    c[n] = with_default(col("d", SCHEMA_TYPE_ENUM), SCHEMA_DEFAULT_LITERAL, "'x'");
    char *xy[] = {"x", "y"};
    c[n].type.elems = xy;
    c[n++].type.n_elems = 2;
    c[n++] = col("e", SCHEMA_TYPE_TEXT);
    c[n] = col_len("f", SCHEMA_TYPE_INT, 10);
    c[n].type.is_unsigned = true;
    c[n++].type.zerofill = true;
    c[n++] = col_len("g", SCHEMA_TYPE_TINYINT, 1);
    c[n] = col_len("h", SCHEMA_TYPE_FLOAT, 7);
    c[n++].type.scale = 3;
    c[n++] = col("i", SCHEMA_TYPE_DOUBLE);
    c[n] = with_default(col_len("j", SCHEMA_TYPE_DATETIME, 3), SCHEMA_DEFAULT_EXPR,
                        "CURRENT_TIMESTAMP(3)");
    c[n++].on_update = "current_timestamp(3)";
    c[n++] = col("k", SCHEMA_TYPE_CHAR);
    c[n++] = col("l", SCHEMA_TYPE_BIT);
    c[n++] = col("m", SCHEMA_TYPE_YEAR);
    c[n] = col_len("n", SCHEMA_TYPE_VARCHAR, 5);
    c[n++].type.charset = "latin1";
    c[n] = col_len("o", SCHEMA_TYPE_VARCHAR, 5);
    c[n++].type.collation = "utf8mb4_bin";
    c[n] = col("p", SCHEMA_TYPE_BIGINT);
    c[n].type.is_unsigned = true;
    c[n++].not_null = true;
    c[n] = col("q", SCHEMA_TYPE_TINYINT);
    c[n++].type.is_unsigned = true;
    c[n++] = col("r", SCHEMA_TYPE_DECIMAL);
    c[n] = with_default(col("s", SCHEMA_TYPE_INT), SCHEMA_DEFAULT_NULL, NULL);
    c[n++].comment = "hi'x";
    c[n++] = col("t", SCHEMA_TYPE_BLOB);
    c[n++] = with_default(col_len("u", SCHEMA_TYPE_VARCHAR, 3), SCHEMA_DEFAULT_LITERAL, "'a''b'");
    c[n] = col("v", SCHEMA_TYPE_INT);
    c[n++].invisible = true;
    c[n] = col("w", SCHEMA_TYPE_INT);
    c[n++].generated_expr = "`p` + 1";
    c[n] = col("x", SCHEMA_TYPE_INT);
    c[n].generated_expr = "`p` * 2";
    c[n++].generated_stored = true;
    c[n++] = col_len("y", SCHEMA_TYPE_BINARY, 3);
    c[n] = col("z", SCHEMA_TYPE_SET);
    char *ab[] = {"a", "b"};
    c[n].type.elems = ab;
    c[n].type.n_elems = 2;
    c[n++].not_null = true;
    c[n++] = col("aa", SCHEMA_TYPE_TIME);
    c[n++] = with_default(col("ab", SCHEMA_TYPE_DATE), SCHEMA_DEFAULT_LITERAL, "'2020-01-01'");
    c[n++] = with_default(col("ac", SCHEMA_TYPE_FLOAT), SCHEMA_DEFAULT_LITERAL, "1");
    c[n++] = with_default(col_len("ad", SCHEMA_TYPE_BIT, 3), SCHEMA_DEFAULT_LITERAL, "b'101'");
    c[n] = col_len("ae", SCHEMA_TYPE_DOUBLE, 5);
    c[n].type.scale = 2;
    c[n++].type.is_unsigned = true;

    schema_index_part pa[] = {P("a")}, pa2[] = {P("a"), P("e")}, pb[] = {P("b")}, pe[] = {P("e")},
                      pp[] = {P("p")}, pq[] = {P("q")};
    pa2[1].prefix = 10;
    pb[0].desc = true;
    schema_index ix[] = {
        {.kind = SCHEMA_INDEX_PLAIN, .parts = pa, .n_parts = 1},
        {.kind = SCHEMA_INDEX_UNIQUE, .parts = pp, .n_parts = 1},
        {.kind = SCHEMA_INDEX_PLAIN, .parts = pa2, .n_parts = 2},
        {.kind = SCHEMA_INDEX_FULLTEXT, .parts = pe, .n_parts = 1},
        {.kind = SCHEMA_INDEX_UNIQUE, .parts = pq, .n_parts = 1},
        {.kind = SCHEMA_INDEX_PLAIN, .name = "k2", .parts = pb, .n_parts = 1},
    };
    schema_option opts[] = {{"COMMENT", "tc"}, {"ROW_FORMAT", "dynamic"},
                            {"AUTO_INCREMENT", "5"}, {"KEY_BLOCK_SIZE", "0"},
                            {"ENGINE", "myisam"}};
    schema_create_def def = {.columns = c, .n_columns = (size_t)n, .indexes = ix,
                             .n_indexes = 6, .options = opts, .n_options = 5};
    schema_table *t = NULL;
    dm_err err;
    int rc = schema_table_build(&t, "t", &def, NULL, NULL, NULL, &err);
    if (rc)
        fail_msg("build: %s", err.message);
    return t;
}

static void test_print_matches_server(void **state)
{
    (void)state;
    schema_table *t = build_types_table();
    assert_string_equal(print(t), read_file("show_create_types.sql"));
    schema_table_destroy(t);
}

static void test_json_round_trip(void **state)
{
    (void)state;
    schema_table *t = build_types_table(), *u = NULL;
    json_t *j = schema_table_to_json(t);
    assert_non_null(j);
    char *text = json_dumps(j, JSON_COMPACT);
    json_t *j2 = json_loads(text, 0, NULL);
    assert_int_equal(schema_table_from_json(&u, j2, NULL), 0);
    char expect[65536];
    snprintf(expect, sizeof(expect), "%s", print(t));
    assert_string_equal(print(u), expect);
    assert_int_equal(schema_compare(t, u, NULL, 0), SCHEMA_CMP_EQUAL);
    free(text);
    json_decref(j);
    json_decref(j2);
    schema_table_destroy(u);
    schema_table_destroy(t);
}

static void test_json_bad_input(void **state)
{
    (void)state;
    const char *bad[] = {
        "[]",
        "{}",
        "{\"name\":\"t\",\"columns\":[],\"options\":{\"engine\":\"InnoDB\"}}",
        "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"nosuch\"}],\"options\":{\"engine\":\"x\"}}",
        "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"int\",\"length\":\"x\"}],\"options\":{\"engine\":\"x\"}}",
        "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"int\"}],\"indexes\":[{\"kind\":\"plain\",\"name\":\"k\",\"parts\":[{\"column\":\"zz\"}]}],\"options\":{\"engine\":\"x\"}}",
        "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"int\",\"default_kind\":\"literal\"}],\"options\":{\"engine\":\"x\"}}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *j = json_loads(bad[i], 0, NULL);
        schema_table *t = NULL;
        dm_err err;
        assert_non_null(j);
        assert_int_equal(schema_table_from_json(&t, j, &err), SCHEMA_ERR_BAD_JSON);
        assert_null(t);
        assert_non_null(strstr(err.message, "member"));
        json_decref(j);
    }
}

// a int, b int, c varchar(20): a small table for ALTER tests.
static schema_table *small_table(void)
{
    schema_column c[] = {col("a", SCHEMA_TYPE_INT), col("b", SCHEMA_TYPE_INT),
                         col_len("c", SCHEMA_TYPE_VARCHAR, 20)};
    schema_index_part pab[] = {P("a"), P("b")}, pcb[] = {P("c"), P("b")}, pc[] = {P("c")};
    pcb[0].prefix = 5;
    schema_index ix[] = {{.kind = SCHEMA_INDEX_PLAIN, .parts = pab, .n_parts = 2},
                         {.kind = SCHEMA_INDEX_PLAIN, .name = "k2", .parts = pcb, .n_parts = 2},
                         {.kind = SCHEMA_INDEX_UNIQUE, .parts = pc, .n_parts = 1}};
    schema_create_def def = {.columns = c, .n_columns = 3, .indexes = ix, .n_indexes = 3};
    schema_table *t = NULL;
    assert_int_equal(schema_table_build(&t, "d1", &def, NULL, NULL, NULL, NULL), 0);
    return t;
}

static void test_alter_drop_and_change(void **state)
{
    (void)state;
    schema_table *t = small_table();
    schema_alter_spec drop = {.kind = SCHEMA_ALTER_DROP_COLUMN, .name = "b"};
    assert_int_equal(schema_table_alter(t, &drop, 1, NULL), 0);
    assert_string_equal(print(t),
                        "CREATE TABLE `d1` (\n"
                        "  `a` int(11) DEFAULT NULL,\n"
                        "  `c` varchar(20) DEFAULT NULL,\n"
                        "  UNIQUE KEY `c` (`c`),\n"
                        "  KEY `a` (`a`),\n"
                        "  KEY `k2` (`c`(5))\n"
                        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci");
    schema_alter_spec chg = {.kind = SCHEMA_ALTER_CHANGE_COLUMN, .name = "c",
                             .column = col("cc", SCHEMA_TYPE_INT)};
    assert_int_equal(schema_table_alter(t, &chg, 1, NULL), 0);
    assert_string_equal(print(t),
                        "CREATE TABLE `d1` (\n"
                        "  `a` int(11) DEFAULT NULL,\n"
                        "  `cc` int(11) DEFAULT NULL,\n"
                        "  UNIQUE KEY `c` (`cc`),\n"
                        "  KEY `a` (`a`),\n"
                        "  KEY `k2` (`cc`)\n"
                        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci");
    // DROP a, ADD a FIRST: the key on `a` follows the new column of that name.
    schema_alter_spec two[] = {{.kind = SCHEMA_ALTER_DROP_COLUMN, .name = "a"},
                               {.kind = SCHEMA_ALTER_ADD_COLUMN, .column = col("a", SCHEMA_TYPE_INT),
                                .pos = SCHEMA_POS_FIRST}};
    assert_int_equal(schema_table_alter(t, two, 2, NULL), 0);
    assert_non_null(strstr(print(t), "KEY `a` (`a`)"));
    // ADD z, ADD y AFTER z.
    schema_alter_spec add2[] = {{.kind = SCHEMA_ALTER_ADD_COLUMN, .column = col("z", SCHEMA_TYPE_INT)},
                                {.kind = SCHEMA_ALTER_ADD_COLUMN, .column = col("y", SCHEMA_TYPE_INT),
                                 .pos = SCHEMA_POS_AFTER, .after = "z"}};
    assert_int_equal(schema_table_alter(t, add2, 2, NULL), 0);
    size_t pos;
    assert_non_null(schema_table_find_column(t, "Y", &pos));
    assert_int_equal(pos, 3);
    schema_table_destroy(t);
}

static void expect_alter_error(schema_table *t, const schema_alter_spec *s, size_t n, int code,
                               int server, const char *msg)
{
    dm_err err;
    dm_buf before;
    dm_buf_init(&before);
    schema_table_print(&before, t, NULL);
    assert_int_equal(schema_table_alter(t, s, n, &err), code);
    assert_int_equal(schema_err_server_code(code), server);
    assert_string_equal(err.message, msg);
    assert_string_equal(print(t), before.data); // unchanged
    dm_buf_fini(&before);
}

static void test_alter_errors(void **state)
{
    (void)state;
    schema_table *t = small_table();
    schema_alter_spec s1[] = {{.kind = SCHEMA_ALTER_ADD_COLUMN, .column = col("x", SCHEMA_TYPE_INT)},
                              {.kind = SCHEMA_ALTER_DROP_COLUMN, .name = "x"}};
    expect_alter_error(t, s1, 2, SCHEMA_ERR_CANT_DROP, 1091,
                       "Can't DROP COLUMN `x`; check that it exists");
    schema_alter_spec s2[] = {{.kind = SCHEMA_ALTER_ADD_COLUMN, .column = col("y", SCHEMA_TYPE_INT),
                               .pos = SCHEMA_POS_AFTER, .after = "z"},
                              {.kind = SCHEMA_ALTER_ADD_COLUMN, .column = col("z", SCHEMA_TYPE_INT)}};
    expect_alter_error(t, s2, 2, SCHEMA_ERR_UNKNOWN_COLUMN, 1054, "Unknown column 'z' in 'd1'");
    schema_alter_spec s3 = {.kind = SCHEMA_ALTER_ADD_COLUMN, .column = col("A", SCHEMA_TYPE_INT)};
    expect_alter_error(t, &s3, 1, SCHEMA_ERR_DUP_COLUMN, 1060, "Duplicate column name 'A'");
    schema_alter_spec s4[] = {{.kind = SCHEMA_ALTER_DROP_COLUMN, .name = "a"},
                              {.kind = SCHEMA_ALTER_DROP_COLUMN, .name = "b"},
                              {.kind = SCHEMA_ALTER_DROP_COLUMN, .name = "c"}};
    expect_alter_error(t, s4, 3, SCHEMA_ERR_DROP_ALL_COLUMNS, 1090,
                       "You can't delete all columns with ALTER TABLE; use DROP TABLE instead");
    schema_alter_spec s5 = {.kind = SCHEMA_ALTER_DROP_INDEX, .name = "nosuch"};
    expect_alter_error(t, &s5, 1, SCHEMA_ERR_CANT_DROP, 1091,
                       "Can't DROP INDEX `nosuch`; check that it exists");
    schema_alter_spec s6 = {.kind = SCHEMA_ALTER_RENAME_INDEX, .name = "nosuch", .new_name = "zz"};
    expect_alter_error(t, &s6, 1, SCHEMA_ERR_UNKNOWN_KEY, 1176,
                       "Key 'nosuch' doesn't exist in table 'd1'");
    schema_index_part pz[] = {P("nosuch")};
    schema_alter_spec s7 = {.kind = SCHEMA_ALTER_ADD_INDEX,
                            .index = {.kind = SCHEMA_INDEX_PLAIN, .parts = pz, .n_parts = 1}};
    expect_alter_error(t, &s7, 1, SCHEMA_ERR_KEY_COLUMN, 1072,
                       "Key column 'nosuch' doesn't exist in table");
    schema_index_part pa[] = {P("a")};
    schema_alter_spec s8 = {.kind = SCHEMA_ALTER_ADD_INDEX,
                            .index = {.kind = SCHEMA_INDEX_PLAIN, .name = "K2", .parts = pa,
                                      .n_parts = 1}};
    expect_alter_error(t, &s8, 1, SCHEMA_ERR_DUP_KEY, 1061, "Duplicate key name 'K2'");
    schema_alter_spec s9[] = {{.kind = SCHEMA_ALTER_ADD_INDEX,
                               .index = {.kind = SCHEMA_INDEX_PRIMARY, .parts = pa, .n_parts = 1}},
                              {.kind = SCHEMA_ALTER_ADD_INDEX,
                               .index = {.kind = SCHEMA_INDEX_PRIMARY, .parts = pa, .n_parts = 1}}};
    expect_alter_error(t, s9, 2, SCHEMA_ERR_MULTI_PK, 1068, "Multiple primary key defined");
    schema_alter_spec s10 = {.kind = SCHEMA_ALTER_SET_DEFAULT, .name = "nosuch",
                             .default_kind = SCHEMA_DEFAULT_LITERAL, .default_text = "1"};
    expect_alter_error(t, &s10, 1, SCHEMA_ERR_UNKNOWN_COLUMN, 1054,
                       "Unknown column 'nosuch' in 'd1'");
    schema_alter_spec s11 = {.kind = SCHEMA_ALTER_SET_DEFAULT, .name = "a",
                             .default_kind = SCHEMA_DEFAULT_LITERAL, .default_text = "'x'"};
    expect_alter_error(t, &s11, 1, SCHEMA_ERR_BAD_DEFAULT, 1067, "Invalid default value for 'a'");
    schema_column ai = col("n", SCHEMA_TYPE_INT);
    ai.auto_increment = true;
    schema_alter_spec s12 = {.kind = SCHEMA_ALTER_ADD_COLUMN, .column = ai};
    expect_alter_error(t, &s12, 1, SCHEMA_ERR_AUTO_KEY, 1075,
                       "Incorrect table definition; there can be only one auto column and it "
                       "must be defined as a key");
    schema_table_destroy(t);
}

static void test_unique_multi_column_drop(void **state)
{
    (void)state;
    schema_column c[] = {col("a", SCHEMA_TYPE_INT), col("b", SCHEMA_TYPE_INT)};
    schema_index_part pab[] = {P("a"), P("b")};
    schema_index ix[] = {{.kind = SCHEMA_INDEX_UNIQUE, .name = "u", .parts = pab, .n_parts = 2}};
    schema_create_def def = {.columns = c, .n_columns = 2, .indexes = ix, .n_indexes = 1};
    schema_table *t = NULL;
    assert_int_equal(schema_table_build(&t, "t", &def, NULL, NULL, NULL, NULL), 0);
    schema_alter_spec d = {.kind = SCHEMA_ALTER_DROP_COLUMN, .name = "b"};
    expect_alter_error(t, &d, 1, SCHEMA_ERR_KEY_COLUMN, 1072,
                       "Key column 'b' doesn't exist in table");
    schema_table_destroy(t);
}

static void test_pk_promotion_and_key_order(void **state)
{
    (void)state;
    // create table c4 (a int, b int, unique(a), unique(b)); modify b not null; add pk(a)
    schema_column c[] = {col("a", SCHEMA_TYPE_INT), col("b", SCHEMA_TYPE_INT)};
    schema_index_part pa[] = {P("a")}, pb[] = {P("b")};
    schema_index ix[] = {{.kind = SCHEMA_INDEX_UNIQUE, .parts = pa, .n_parts = 1},
                         {.kind = SCHEMA_INDEX_UNIQUE, .parts = pb, .n_parts = 1}};
    schema_create_def def = {.columns = c, .n_columns = 2, .indexes = ix, .n_indexes = 2};
    schema_table *t = NULL;
    assert_int_equal(schema_table_build(&t, "c4", &def, NULL, NULL, NULL, NULL), 0);
    schema_column bnn = col("b", SCHEMA_TYPE_INT);
    bnn.not_null = true;
    schema_alter_spec m = {.kind = SCHEMA_ALTER_CHANGE_COLUMN, .name = "b", .column = bnn};
    assert_int_equal(schema_table_alter(t, &m, 1, NULL), 0);
    schema_alter_spec pk = {.kind = SCHEMA_ALTER_ADD_INDEX,
                            .index = {.kind = SCHEMA_INDEX_PRIMARY, .parts = pa, .n_parts = 1}};
    assert_int_equal(schema_table_alter(t, &pk, 1, NULL), 0);
    assert_string_equal(print(t),
                        "CREATE TABLE `c4` (\n"
                        "  `a` int(11) NOT NULL,\n"
                        "  `b` int(11) NOT NULL,\n"
                        "  PRIMARY KEY (`a`),\n"
                        "  UNIQUE KEY `b` (`b`),\n"
                        "  UNIQUE KEY `a` (`a`)\n"
                        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci");
    const schema_index *hk = schema_table_handle_key(t);
    assert_non_null(hk);
    assert_int_equal(hk->kind, SCHEMA_INDEX_PRIMARY);
    schema_alter_spec multi[] = {
        {.kind = SCHEMA_ALTER_RENAME_INDEX, .name = "b", .new_name = "bb"},
        {.kind = SCHEMA_ALTER_SET_DEFAULT, .name = "a", .default_kind = SCHEMA_DEFAULT_LITERAL,
         .default_text = "5"},
        {.kind = SCHEMA_ALTER_CHANGE_COLUMN, .name = "b", .column = col("bx", SCHEMA_TYPE_BIGINT),
         .pos = SCHEMA_POS_FIRST}};
    assert_int_equal(schema_table_alter(t, multi, 3, NULL), 0);
    assert_string_equal(print(t),
                        "CREATE TABLE `c4` (\n"
                        "  `bx` bigint(20) DEFAULT NULL,\n"
                        "  `a` int(11) NOT NULL DEFAULT 5,\n"
                        "  PRIMARY KEY (`a`),\n"
                        "  UNIQUE KEY `bb` (`bx`),\n"
                        "  UNIQUE KEY `a` (`a`)\n"
                        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci");
    schema_alter_spec dd = {.kind = SCHEMA_ALTER_DROP_DEFAULT, .name = "a"};
    assert_int_equal(schema_table_alter(t, &dd, 1, NULL), 0);
    assert_non_null(strstr(print(t), "`a` int(11) NOT NULL,\n"));
    schema_table_destroy(t);
}

static void test_convert_charset(void **state)
{
    (void)state;
    schema_column c[] = {col("a", SCHEMA_TYPE_TEXT), col_len("b", SCHEMA_TYPE_VARCHAR, 10),
                         col("c", SCHEMA_TYPE_TINYTEXT), col("e", SCHEMA_TYPE_MEDIUMTEXT),
                         col_len("f", SCHEMA_TYPE_CHAR, 3), col("g", SCHEMA_TYPE_BLOB)};
    schema_option o[] = {{"CHARACTER SET", "latin1"}};
    schema_create_def def = {.columns = c, .n_columns = 6, .options = o, .n_options = 1};
    schema_table *t = NULL;
    assert_int_equal(schema_table_build(&t, "c1", &def, NULL, NULL, NULL, NULL), 0);
    schema_alter_spec cv = {.kind = SCHEMA_ALTER_CONVERT_CHARSET, .charset = "utf8mb4"};
    assert_int_equal(schema_table_alter(t, &cv, 1, NULL), 0);
    assert_string_equal(print(t),
                        "CREATE TABLE `c1` (\n"
                        "  `a` mediumtext DEFAULT NULL,\n"
                        "  `b` varchar(10) DEFAULT NULL,\n"
                        "  `c` text DEFAULT NULL,\n"
                        "  `e` longtext DEFAULT NULL,\n"
                        "  `f` char(3) DEFAULT NULL,\n"
                        "  `g` blob DEFAULT NULL\n"
                        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci");
    // Changing only the default charset keeps the columns' own charset, shown explicitly.
    schema_alter_spec op = {.kind = SCHEMA_ALTER_OPTION, .option = {"DEFAULT CHARSET", "latin1"}};
    assert_int_equal(schema_table_alter(t, &op, 1, NULL), 0);
    assert_non_null(strstr(print(t), "`b` varchar(10) CHARACTER SET utf8mb4 COLLATE "
                                     "utf8mb4_general_ci DEFAULT NULL"));
    const schema_column *b = schema_table_find_column(t, "b", NULL);
    schema_binlog_info bi;
    schema_column_binlog_info(&bi, b);
    assert_int_equal(bi.field_type, 15);
    assert_int_equal(bi.max_bytes, 40);
    schema_table_destroy(t);
}

static void test_default_normalisation(void **state)
{
    (void)state;
    struct {
        schema_column c;
        const char *expect;
    } cases[] = {
        {with_default(col("a", SCHEMA_TYPE_INT), SCHEMA_DEFAULT_LITERAL, "'3'"), "DEFAULT 3"},
        {with_default(col("a", SCHEMA_TYPE_INT), SCHEMA_DEFAULT_LITERAL, "-0"), "DEFAULT 0"},
        {with_default(col("a", SCHEMA_TYPE_INT), SCHEMA_DEFAULT_EXPR, "(7)"), "DEFAULT 7"},
        {with_default(col("a", SCHEMA_TYPE_INT), SCHEMA_DEFAULT_LITERAL, "TRUE"), "DEFAULT 1"},
        {with_default(col_len("a", SCHEMA_TYPE_VARCHAR, 5), SCHEMA_DEFAULT_LITERAL, "12"),
         "DEFAULT '12'"},
        {with_default(col_len("a", SCHEMA_TYPE_VARCHAR, 5), SCHEMA_DEFAULT_LITERAL, "'a\\\\b'"),
         "DEFAULT 'a\\\\b'"},
        {with_default(col_len("a", SCHEMA_TYPE_DATETIME, 2), SCHEMA_DEFAULT_LITERAL,
                      "'2020-01-01 10:00:00'"),
         "DEFAULT '2020-01-01 10:00:00.00'"},
        {with_default(col("a", SCHEMA_TYPE_TIMESTAMP), SCHEMA_DEFAULT_EXPR, "now()"),
         "DEFAULT current_timestamp()"},
        {with_default(col_len("a", SCHEMA_TYPE_BIT, 8), SCHEMA_DEFAULT_LITERAL, "5"),
         "DEFAULT b'101'"},
        {with_default(col("a", SCHEMA_TYPE_DOUBLE), SCHEMA_DEFAULT_LITERAL, "2.50"),
         "DEFAULT 2.5"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        schema_create_def def = {.columns = &cases[i].c, .n_columns = 1};
        schema_table *t = NULL;
        dm_err err;
        int rc = schema_table_build(&t, "t", &def, NULL, NULL, NULL, &err);
        if (rc)
            fail_msg("case %zu: %s", i, err.message);
        if (strstr(print(t), cases[i].expect) == NULL)
            fail_msg("case %zu: expected %s in %s", i, cases[i].expect, print(t));
        schema_table_destroy(t);
    }
    schema_column bad[] = {
        with_default(col("a", SCHEMA_TYPE_TINYINT), SCHEMA_DEFAULT_LITERAL, "300"),
        with_default(col("a", SCHEMA_TYPE_INT), SCHEMA_DEFAULT_EXPR, "current_timestamp"),
        with_default(col_len("a", SCHEMA_TYPE_CHAR, 1), SCHEMA_DEFAULT_LITERAL, "'toolong'"),
        with_default(col("a", SCHEMA_TYPE_ENUM), SCHEMA_DEFAULT_LITERAL, "'z'"),
    };
    char *xy[] = {"x", "y"};
    bad[3].type.elems = xy;
    bad[3].type.n_elems = 2;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        schema_create_def def = {.columns = &bad[i], .n_columns = 1};
        schema_table *t = NULL;
        dm_err err;
        assert_int_equal(schema_table_build(&t, "t", &def, NULL, NULL, NULL, &err),
                         SCHEMA_ERR_BAD_DEFAULT);
        assert_string_equal(err.message, "Invalid default value for 'a'");
        assert_null(t);
    }
    schema_column nn = with_default(col("a", SCHEMA_TYPE_INT), SCHEMA_DEFAULT_NULL, NULL);
    nn.not_null = true;
    schema_create_def def = {.columns = &nn, .n_columns = 1};
    schema_table *t = NULL;
    assert_int_equal(schema_table_build(&t, "t", &def, NULL, NULL, NULL, NULL),
                     SCHEMA_ERR_BAD_DEFAULT);
}

static void test_build_errors(void **state)
{
    (void)state;
    schema_column dup[] = {col("a", SCHEMA_TYPE_INT), col("A", SCHEMA_TYPE_INT)};
    schema_create_def d1 = {.columns = dup, .n_columns = 2};
    schema_table *t = NULL;
    dm_err err;
    assert_int_equal(schema_table_build(&t, "t", &d1, NULL, NULL, NULL, &err),
                     SCHEMA_ERR_DUP_COLUMN);
    assert_string_equal(err.message, "Duplicate column name 'A'");
    schema_create_def d2 = {.columns = dup, .n_columns = 0};
    assert_int_equal(schema_table_build(&t, "t", &d2, NULL, NULL, NULL, &err),
                     SCHEMA_ERR_NO_COLUMNS);
    schema_column v = col("v", SCHEMA_TYPE_VARCHAR);
    schema_create_def d3 = {.columns = &v, .n_columns = 1};
    assert_int_equal(schema_table_build(&t, "t", &d3, NULL, NULL, NULL, &err),
                     SCHEMA_ERR_BAD_DEFINITION);
    schema_column cs = col_len("v", SCHEMA_TYPE_VARCHAR, 3);
    cs.type.charset = "klingon";
    schema_create_def d4 = {.columns = &cs, .n_columns = 1};
    assert_int_equal(schema_table_build(&t, "t", &d4, NULL, NULL, NULL, &err),
                     SCHEMA_ERR_BAD_CHARSET);
    assert_string_equal(err.message, "Unknown character set: 'klingon'");
    schema_column tx = col("t", SCHEMA_TYPE_TEXT);
    schema_index_part pt[] = {P("t")};
    schema_index ix = {.kind = SCHEMA_INDEX_PRIMARY, .parts = pt, .n_parts = 1};
    schema_create_def d5 = {.columns = &tx, .n_columns = 1, .indexes = &ix, .n_indexes = 1};
    assert_int_equal(schema_table_build(&t, "t", &d5, NULL, NULL, NULL, &err),
                     SCHEMA_ERR_BLOB_KEY);
    assert_null(t);
}

static void test_json_type_is_longtext(void **state)
{
    (void)state;
    schema_column j = col("j", SCHEMA_TYPE_JSON);
    schema_create_def def = {.columns = &j, .n_columns = 1};
    schema_table *t = NULL;
    assert_int_equal(schema_table_build(&t, "t", &def, NULL, NULL, NULL, NULL), 0);
    assert_non_null(strstr(print(t), "`j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin "
                                     "DEFAULT NULL CHECK (json_valid(`j`))"));
    schema_table_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_print_matches_server),
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_json_bad_input),
        cmocka_unit_test(test_alter_drop_and_change),
        cmocka_unit_test(test_alter_errors),
        cmocka_unit_test(test_unique_multi_column_drop),
        cmocka_unit_test(test_pk_promotion_and_key_order),
        cmocka_unit_test(test_convert_charset),
        cmocka_unit_test(test_default_normalisation),
        cmocka_unit_test(test_build_errors),
        cmocka_unit_test(test_json_type_is_longtext),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
