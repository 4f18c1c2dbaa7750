// Unit tests of the SQL lexer and of the DDL parser's AST, errors and operations.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddl.h"
#include "sql_lex.h"

// ---------------------------------------------------------------------------------------
// helpers

static ddl_stmt *parse_ok(const char *sql)
{
    ddl_stmt *s = NULL;
    dm_err e;
    if (ddl_parse(&s, sql, strlen(sql), NULL, &e) != 0)
        fail_msg("does not parse: %s: %s", sql, e.message);
    return s;
}

static ddl_stmt *parse_opts(const char *sql, const ddl_parse_opts *o)
{
    ddl_stmt *s = NULL;
    dm_err e;
    if (ddl_parse(&s, sql, strlen(sql), o, &e) != 0)
        fail_msg("does not parse: %s: %s", sql, e.message);
    return s;
}

static char *printed(const ddl_stmt *s)
{
    dm_buf b;
    dm_buf_init(&b);
    assert_int_equal(ddl_print(&b, s, NULL), 0);
    return dm_buf_detach(&b);
}

static void assert_prints(const char *sql, const char *want)
{
    ddl_stmt *s = parse_ok(sql);
    char *p = printed(s);
    assert_string_equal(p, want);
    free(p);
    ddl_stmt_destroy(s);
}

static void assert_error(const char *sql, int code, const char *needle)
{
    ddl_stmt *s = (ddl_stmt *)1;
    dm_err e;
    assert_int_equal(ddl_parse(&s, sql, strlen(sql), NULL, &e), code);
    assert_null(s);
    assert_int_equal(e.code, code);
    if (needle && strstr(e.message, needle) == NULL)
        fail_msg("error message '%s' lacks '%s'", e.message, needle);
}

// ---------------------------------------------------------------------------------------
// lexer

typedef struct expect_tok {
    sql_tok_kind kind;
    const char *text;   // source text of the token
    const char *value;  // decoded value, NULL to skip
} expect_tok;

static void lex_expect(const char *src, unsigned flags, const expect_tok *want, size_t n)
{
    sql_lex lx;
    sql_token t;
    dm_buf v;
    dm_buf_init(&v);
    sql_lex_init(&lx, src, strlen(src), flags, 0);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(sql_lex_next(&t, &lx, NULL), 0);
        if (t.kind != want[i].kind)
            fail_msg("%s: token %zu kind %d, want %d", src, i, t.kind, want[i].kind);
        if (strlen(want[i].text) != t.len || memcmp(src + t.off, want[i].text, t.len) != 0)
            fail_msg("%s: token %zu is '%.*s', want '%s'", src, i, (int)t.len, src + t.off, want[i].text);
        if (want[i].value) {
            dm_buf_reset(&v);
            assert_int_equal(sql_lex_decode(&v, &lx, &t), 0);
            assert_string_equal(v.data ? v.data : "", want[i].value);
        }
    }
    assert_int_equal(sql_lex_next(&t, &lx, NULL), 0);
    assert_int_equal(t.kind, SQL_TOK_EOF);
    dm_buf_fini(&v);
}

static void test_lex_literals(void **state)
{
    (void)state;
    {
        expect_tok w[] = {{SQL_TOK_QIDENT, "`a``b`", "a`b"},
                          {SQL_TOK_STRING, "'it''s'", "it's"},
                          {SQL_TOK_STRING, "\"d\\\"q\\n\"", "d\"q\n"},
                          {SQL_TOK_STRING, "_utf8mb4'x'", "x"},
                          {SQL_TOK_STRING, "N'nat'", "nat"},
                          {SQL_TOK_HEX, "X'0A'", NULL},
                          {SQL_TOK_HEX, "0x1f", NULL},
                          {SQL_TOK_BIT, "B'01'", NULL},
                          {SQL_TOK_BIT, "0b11", NULL},
                          {SQL_TOK_NUMBER, "12", NULL},
                          {SQL_TOK_NUMBER, "1.5e-3", NULL},
                          {SQL_TOK_NUMBER, ".5", NULL},
                          {SQL_TOK_IDENT, "1abc", NULL},
                          {SQL_TOK_IDENT, "0xyz", NULL}};
        lex_expect("`a``b` 'it''s' \"d\\\"q\\n\" _utf8mb4'x' N'nat' X'0A' 0x1f B'01' 0b11 12 1.5e-3 .5 1abc 0xyz", 0,
                   w, sizeof(w) / sizeof(w[0]));
    }
    {
        // qualified names: a word after a glued dot is an identifier even if it starts with a digit
        expect_tok w[] = {{SQL_TOK_IDENT, "db", NULL}, {SQL_TOK_OP, ".", NULL}, {SQL_TOK_IDENT, "1t", NULL},
                          {SQL_TOK_OP, ".", NULL},     {SQL_TOK_IDENT, "c", NULL}};
        lex_expect("db.1t.c", 0, w, 5);
    }
    {
        expect_tok w[] = {{SQL_TOK_OP, "<=>", NULL}, {SQL_TOK_OP, "->>", NULL}, {SQL_TOK_OP, ":=", NULL},
                          {SQL_TOK_VAR, "@@global.x", NULL}, {SQL_TOK_VAR, "@'u'", NULL}, {SQL_TOK_PARAM, "?", NULL}};
        lex_expect("<=> ->> := @@global.x @'u' ?", 0, w, 6);
    }
    {
        // ANSI_QUOTES: "x" is an identifier; NO_BACKSLASH_ESCAPES: \ is plain
        expect_tok w[] = {{SQL_TOK_QIDENT, "\"a\"\"b\"", "a\"b"}, {SQL_TOK_STRING, "'c\\'", "c\\"}};
        lex_expect("\"a\"\"b\" 'c\\'", SQL_LEX_ANSI_QUOTES | SQL_LEX_NO_BACKSLASH_ESCAPES, w, 2);
    }
}

static void test_lex_comments(void **state)
{
    (void)state;
    {
        expect_tok w[] = {{SQL_TOK_IDENT, "a", NULL}, {SQL_TOK_IDENT, "b", NULL}, {SQL_TOK_IDENT, "c", NULL},
                          {SQL_TOK_IDENT, "d", NULL}, {SQL_TOK_OP, "-", NULL},    {SQL_TOK_OP, "-", NULL},
                          {SQL_TOK_NUMBER, "1", NULL}};
        lex_expect("a # x\nb -- y\n c /* z */ /*+ hint */ d --1", 0, w, 7);
    }
    {
        // executable comments are code; versions above the server's are comments
        expect_tok w[] = {{SQL_TOK_IDENT, "a", NULL}, {SQL_TOK_IDENT, "b", NULL}, {SQL_TOK_IDENT, "c", NULL},
                          {SQL_TOK_IDENT, "e", NULL}};
        sql_lex lx;
        sql_token t;
        const char *src = "/*! a */ /*!50100 b*/ /*M!100100 c */ /*!100700 d */ e";
        lex_expect("/*! a */ /*!50100 b*/ /*M!100100 c */ e", 0, w, 4);
        sql_lex_init(&lx, src, strlen(src), 0, 100600);
        for (int i = 0; i < 4; i++) {
            assert_int_equal(sql_lex_next(&t, &lx, NULL), 0);
            assert_true(t.kind == SQL_TOK_IDENT);
            assert_true(src[t.off] != 'd');
        }
        // MySQL skips MariaDB-only comments
        src = "/*M! a */ /*!M100100 b */ c";
        sql_lex_init(&lx, src, strlen(src), SQL_LEX_MYSQL, 0);
        assert_int_equal(sql_lex_next(&t, &lx, NULL), 0);
        assert_int_equal(src[t.off], 'c');
    }
}

static void test_lex_errors(void **state)
{
    const char *bad[] = {"'abc", "`abc", "/* abc", "X'0G'", "X'0'", "B'012'", "\"abc", "a \x01 b"};
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        sql_lex lx;
        sql_token t;
        dm_err e;
        int rc = 0;
        sql_lex_init(&lx, bad[i], strlen(bad[i]), 0, 0);
        do {
            rc = sql_lex_next(&t, &lx, &e);
        } while (rc == 0 && t.kind != SQL_TOK_EOF);
        if (rc != SQL_LEX_ERR)
            fail_msg("'%s' lexed without error", bad[i]);
        assert_non_null(strstr(e.message, "offset"));
    }
    {
        // NUL bytes cannot be represented in values
        const char src[] = "CREATE TABLE t (a INT COMMENT 'x\0y')";
        ddl_stmt *s = NULL;
        dm_err e;
        assert_int_equal(ddl_parse(&s, src, sizeof(src) - 1, NULL, &e), DDL_ERR_LEX);
        assert_non_null(strstr(e.message, "NUL"));
    }
}

// ---------------------------------------------------------------------------------------
// parser: AST details

static void test_create_table_ast(void **state)
{
    ddl_stmt *s;
    const ddl_create_table *ct;
    (void)state;
    s = parse_ok("CREATE TABLE IF NOT EXISTS `db`.t (id BIGINT(20) UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'pk',"
                 " name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT '' NOT NULL,"
                 " price DECIMAL(10,2) DEFAULT -1.5, e ENUM('a','b''c') DEFAULT 'a',"
                 " ts TIMESTAMP(3) NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),"
                 " g INT AS (id + 1) STORED, b BOOL, s SERIAL, n NATIONAL VARCHAR(5),"
                 " PRIMARY KEY (id), UNIQUE KEY uk (name(10) DESC), CONSTRAINT fk FOREIGN KEY (id) REFERENCES p.q (x)"
                 " ON DELETE CASCADE ON UPDATE SET NULL, CHECK (price > 0))"
                 " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='t' PARTITION BY HASH(id) PARTITIONS 4;");
    assert_int_equal(s->kind, DDL_STMT_CREATE_TABLE);
    ct = &s->u.create_table;
    assert_true(ct->if_not_exists);
    assert_string_equal(ct->table.db, "db");
    assert_string_equal(ct->table.name, "t");
    assert_int_equal(ct->n_columns, 9);
    assert_int_equal(ct->columns[0].type.id, DDL_TYPE_BIGINT);
    assert_int_equal(ct->columns[0].type.length, 20);
    assert_true(ct->columns[0].type.is_unsigned);
    assert_int_equal(ct->columns[0].nullability, DDL_NULL_NOT_NULL);
    assert_true(ct->columns[0].auto_increment);
    assert_string_equal(ct->columns[0].comment, "pk");
    assert_string_equal(ct->columns[1].type.charset, "utf8mb4");
    assert_string_equal(ct->columns[1].type.collate, "utf8mb4_bin");
    assert_int_equal(ct->columns[1].default_kind, DDL_DEFAULT_LITERAL);
    assert_string_equal(ct->columns[1].default_value, "''");
    assert_int_equal(ct->columns[2].type.scale, 2);
    assert_string_equal(ct->columns[2].default_value, "-1.5");
    assert_int_equal(ct->columns[3].type.n_values, 2);
    assert_string_equal(ct->columns[3].type.values[1], "b'c");
    assert_int_equal(ct->columns[4].default_kind, DDL_DEFAULT_EXPR);
    assert_string_equal(ct->columns[4].on_update, "CURRENT_TIMESTAMP(3)");
    assert_int_equal(ct->columns[4].nullability, DDL_NULL_NULL);
    assert_int_equal(ct->columns[5].generated, DDL_GENERATED_STORED);
    assert_string_equal(ct->columns[5].generated_expr, "id + 1");
    assert_int_equal(ct->columns[6].type.id, DDL_TYPE_TINYINT);
    assert_int_equal(ct->columns[6].type.length, 1);
    assert_int_equal(ct->columns[7].type.id, DDL_TYPE_BIGINT);
    assert_true(ct->columns[7].unique_key && ct->columns[7].auto_increment);
    assert_string_equal(ct->columns[8].type.charset, "utf8");
    assert_int_equal(ct->n_constraints, 4);
    assert_int_equal(ct->constraints[0].kind, DDL_CONSTRAINT_PRIMARY);
    assert_int_equal(ct->constraints[1].kind, DDL_CONSTRAINT_UNIQUE);
    assert_string_equal(ct->constraints[1].index_name, "uk");
    assert_int_equal(ct->constraints[1].parts[0].length, 10);
    assert_int_equal(ct->constraints[1].parts[0].order, 2);
    assert_int_equal(ct->constraints[2].kind, DDL_CONSTRAINT_FOREIGN);
    assert_string_equal(ct->constraints[2].symbol, "fk");
    assert_string_equal(ct->constraints[2].reference->table.db, "p");
    assert_int_equal(ct->constraints[2].reference->on_delete, DDL_REF_CASCADE);
    assert_int_equal(ct->constraints[2].reference->on_update, DDL_REF_SET_NULL);
    assert_string_equal(ct->constraints[3].check_expr, "price > 0");
    assert_int_equal(ct->n_options, 3);
    assert_string_equal(ct->options[1].name, "CHARACTER SET");
    assert_true(ct->options[1].with_default);
    assert_string_equal(ct->options[2].value, "t");
    assert_true(ct->options[2].quoted);
    assert_string_equal(ct->partition, "PARTITION BY HASH(id) PARTITIONS 4");
    assert_int_equal(ddl_classify(s), DDL_EVENT_CREATE_TABLE);
    assert_string_equal(ddl_event_name(ddl_classify(s)), "create table");
    assert_true(ddl_is_ddl(s));
    ddl_stmt_destroy(s);
}

static void test_print_canonical(void **state)
{
    (void)state;
    assert_prints("create table t (a int not null default 0, key (a)) engine=innodb",
                  "CREATE TABLE `t` (`a` INT NOT NULL DEFAULT 0, KEY (`a`)) ENGINE=innodb");
    assert_prints("alter table db.t add column b varchar(10) after a, drop index i, algorithm=inplace",
                  "ALTER TABLE `db`.`t` ADD COLUMN `b` VARCHAR(10) AFTER `a`, DROP INDEX `i`, ALGORITHM=inplace");
    assert_prints("CREATE TABLE t (c INT COMMENT 'a''b\\\\c')", "CREATE TABLE `t` (`c` INT COMMENT 'a''b\\\\c')");
    assert_prints("create table `a``b` (x integer(11), y double precision, z numeric(5,2))",
                  "CREATE TABLE `a``b` (`x` INT(11), `y` DOUBLE, `z` DECIMAL(5,2))");
    assert_prints("create index i on t (a(3), b desc) using btree",
                  "CREATE INDEX `i` ON `t` (`a`(3), `b` DESC) USING BTREE");
    assert_prints("drop table if exists a, b.c", "DROP TABLE IF EXISTS `a`, `b`.`c`");
    assert_prints("rename table a to b, c to d", "RENAME TABLE `a` TO `b`, `c` TO `d`");
    assert_prints("truncate t", "TRUNCATE `t`");
    assert_prints("create database if not exists d default character set utf8mb4",
                  "CREATE DATABASE IF NOT EXISTS `d` DEFAULT CHARACTER SET=utf8mb4");
    assert_prints("CREATE TABLE t (id INT) /*!50100 PARTITION BY HASH (id) */",
                  "CREATE TABLE `t` (`id` INT) PARTITION BY HASH (id)");
    assert_prints("insert into t values (1) -- trailing", "insert into `t` values (1)");
    assert_prints("create view v as select 1", "create view `v` as select 1");
}

static void test_system_versioning(void **state)
{
    ddl_stmt *s;
    (void)state;
    s = parse_ok("CREATE TABLE t (x INT) ENGINE=InnoDB WITH SYSTEM VERSIONING");
    assert_int_equal(s->u.create_table.n_options, 2);
    assert_string_equal(s->u.create_table.options[1].name, "WITH SYSTEM VERSIONING");
    assert_null(s->u.create_table.options[1].value);
    assert_null(s->u.create_table.select);
    ddl_stmt_destroy(s);
    assert_prints("create table t (x int) with system versioning",
                  "CREATE TABLE `t` (`x` INT) WITH SYSTEM VERSIONING");
    // a procedure body keeps its ';'
    s = parse_ok("CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END");
    assert_int_equal(s->kind, DDL_STMT_CREATE_PROCEDURE);
    assert_string_equal(s->u.other.object.name, "p");
    ddl_stmt_destroy(s);
}

static void test_ansi_quotes(void **state)
{
    ddl_parse_opts o = {.ansi_quotes = true};
    ddl_stmt *s;
    char *p;
    (void)state;
    s = parse_opts("CREATE TABLE \"my t\" (\"c\" INT DEFAULT 1 COMMENT 'x')", &o);
    assert_string_equal(s->u.create_table.table.name, "my t");
    assert_string_equal(s->u.create_table.columns[0].name, "c");
    p = printed(s);
    assert_string_equal(p, "CREATE TABLE `my t` (`c` INT DEFAULT 1 COMMENT 'x')");
    free(p);
    ddl_stmt_destroy(s);
}

static void test_alter_ast(void **state)
{
    ddl_stmt *s;
    const ddl_alter_table *at;
    (void)state;
    s = parse_ok("ALTER ONLINE IGNORE TABLE t ADD COLUMN IF NOT EXISTS a INT FIRST, DROP COLUMN IF EXISTS b,"
                 " CHANGE c d BIGINT AFTER a, RENAME COLUMN e TO f, ALTER COLUMN g SET DEFAULT 5,"
                 " ALTER g DROP DEFAULT, ADD UNIQUE INDEX u (a), DROP PRIMARY KEY, DROP FOREIGN KEY fk,"
                 " RENAME INDEX i TO j, RENAME TO db2.t2, CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,"
                 " ENGINE=InnoDB ROW_FORMAT=DYNAMIC, LOCK=NONE, ALGORITHM=INPLACE, FORCE, ORDER BY a, DISABLE KEYS");
    at = &s->u.alter_table;
    assert_true(at->online && at->ignore);
    assert_int_equal(at->n_specs, 18);
    assert_int_equal(at->specs[0].kind, DDL_ALTER_ADD_COLUMN);
    assert_true(at->specs[0].if_not_exists);
    assert_int_equal(at->specs[0].position, DDL_POS_FIRST);
    assert_int_equal(at->specs[1].kind, DDL_ALTER_DROP_COLUMN);
    assert_string_equal(at->specs[1].name, "b");
    assert_int_equal(at->specs[2].kind, DDL_ALTER_CHANGE_COLUMN);
    assert_string_equal(at->specs[2].name, "c");
    assert_string_equal(at->specs[2].columns[0].name, "d");
    assert_string_equal(at->specs[2].after, "a");
    assert_int_equal(at->specs[3].kind, DDL_ALTER_RENAME_COLUMN);
    assert_string_equal(at->specs[3].new_name, "f");
    assert_int_equal(at->specs[4].kind, DDL_ALTER_SET_DEFAULT);
    assert_string_equal(at->specs[4].value, "5");
    assert_int_equal(at->specs[5].kind, DDL_ALTER_DROP_DEFAULT);
    assert_int_equal(at->specs[6].kind, DDL_ALTER_ADD_CONSTRAINT);
    assert_int_equal(at->specs[6].constraint->kind, DDL_CONSTRAINT_UNIQUE);
    assert_int_equal(at->specs[7].kind, DDL_ALTER_DROP_PRIMARY_KEY);
    assert_int_equal(at->specs[8].kind, DDL_ALTER_DROP_FOREIGN_KEY);
    assert_int_equal(at->specs[9].kind, DDL_ALTER_RENAME_INDEX);
    assert_int_equal(at->specs[10].kind, DDL_ALTER_RENAME_TABLE);
    assert_string_equal(at->specs[10].new_table.db, "db2");
    assert_int_equal(at->specs[11].kind, DDL_ALTER_CONVERT_CHARSET);
    assert_string_equal(at->specs[11].collate, "utf8mb4_bin");
    assert_int_equal(at->specs[12].kind, DDL_ALTER_OPTIONS);
    assert_int_equal(at->specs[12].n_options, 2);
    assert_int_equal(at->specs[13].kind, DDL_ALTER_LOCK);
    assert_int_equal(at->specs[14].kind, DDL_ALTER_ALGORITHM);
    assert_int_equal(at->specs[15].kind, DDL_ALTER_FORCE);
    assert_int_equal(at->specs[16].kind, DDL_ALTER_ORDER_BY);
    assert_int_equal(at->specs[17].kind, DDL_ALTER_DISABLE_KEYS);
    ddl_stmt_destroy(s);

    s = parse_ok("ALTER TABLE t ORDER BY a, b DESC, ADD COLUMN c INT");
    assert_int_equal(s->u.alter_table.n_specs, 2);
    assert_string_equal(s->u.alter_table.specs[0].value, "a, b DESC");
    assert_int_equal(s->u.alter_table.specs[1].kind, DDL_ALTER_ADD_COLUMN);
    ddl_stmt_destroy(s);

    s = parse_ok("ALTER TABLE t DROP PARTITION p0, p1");
    assert_int_equal(s->u.alter_table.n_specs, 1);
    assert_int_equal(s->u.alter_table.specs[0].partition_op, DDL_PART_DROP);
    assert_string_equal(s->u.alter_table.specs[0].value, "DROP PARTITION p0, p1");
    assert_int_equal(ddl_classify(s), DDL_EVENT_DROP_TABLE_PARTITION);
    ddl_stmt_destroy(s);
    s = parse_ok("ALTER TABLE t ADD PARTITION (PARTITION p3 VALUES LESS THAN (30))");
    assert_string_equal(ddl_event_name(ddl_classify(s)), "add table partition");
    ddl_stmt_destroy(s);
    s = parse_ok("ALTER TABLE t TRUNCATE PARTITION p3");
    assert_string_equal(ddl_event_name(ddl_classify(s)), "truncate table partition");
    ddl_stmt_destroy(s);
}

// ---------------------------------------------------------------------------------------
// classification and tables

static void test_classify(void **state)
{
    static const struct {
        const char *sql;
        ddl_stmt_kind kind;
        const char *event;
        bool ddl;
    } cases[] = {
        {"CREATE DATABASE d", DDL_STMT_CREATE_DATABASE, "create database", true},
        {"CREATE SCHEMA d", DDL_STMT_CREATE_DATABASE, "create database", true},
        {"DROP DATABASE d", DDL_STMT_DROP_DATABASE, "drop database", true},
        {"ALTER DATABASE d CHARACTER SET utf8", DDL_STMT_ALTER_DATABASE, "alter database", true},
        {"CREATE TABLE t (a INT)", DDL_STMT_CREATE_TABLE, "create table", true},
        {"DROP TABLE t", DDL_STMT_DROP_TABLE, "drop table", true},
        {"TRUNCATE TABLE t", DDL_STMT_TRUNCATE_TABLE, "truncate table", true},
        {"RENAME TABLE a TO b", DDL_STMT_RENAME_TABLE, "rename table", true},
        {"CREATE INDEX i ON t (a)", DDL_STMT_CREATE_INDEX, "create index", true},
        {"DROP INDEX i ON t", DDL_STMT_DROP_INDEX, "drop index", true},
        {"ALTER TABLE t ADD c INT", DDL_STMT_ALTER_TABLE, "alter table", true},
        {"CREATE VIEW v AS SELECT 1", DDL_STMT_CREATE_VIEW, "create view", true},
        {"CREATE OR REPLACE VIEW v AS SELECT 1", DDL_STMT_CREATE_VIEW, "create view", true},
        {"DROP VIEW v", DDL_STMT_DROP_VIEW, "drop view", true},
        {"CREATE TRIGGER g AFTER INSERT ON t FOR EACH ROW SET @a = 1", DDL_STMT_CREATE_TRIGGER, "", true},
        {"DROP PROCEDURE p", DDL_STMT_DROP_PROCEDURE, "", true},
        {"CREATE SEQUENCE s", DDL_STMT_CREATE_SEQUENCE, "", true},
        {"BEGIN", DDL_STMT_BEGIN, "", false},
        {"COMMIT", DDL_STMT_COMMIT, "", false},
        {"XA START 'x'", DDL_STMT_XA, "", false},
        {"GRANT ALL ON *.* TO u", DDL_STMT_GRANT, "", false},
        {"CREATE USER u", DDL_STMT_CREATE_USER, "", false},
        {"SET @a = 1", DDL_STMT_SET, "", false},
        {"FLUSH TABLES", DDL_STMT_FLUSH, "", false},
        {"OPTIMIZE TABLE t", DDL_STMT_TABLE_MAINT, "", false},
        {"INSERT INTO t VALUES (1)", DDL_STMT_INSERT, "insert", false},
        {"REPLACE INTO t VALUES (1)", DDL_STMT_REPLACE, "insert", false},
        {"UPDATE t SET a = 1", DDL_STMT_UPDATE, "update", false},
        {"DELETE FROM t", DDL_STMT_DELETE, "delete", false},
        {"LOCK TABLES t WRITE", DDL_STMT_LOCK_TABLES, "", false},
        {"UNLOCK TABLES", DDL_STMT_UNLOCK_TABLES, "", false},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ddl_stmt *s = parse_ok(cases[i].sql);
        if (s->kind != cases[i].kind)
            fail_msg("%s: kind %s", cases[i].sql, ddl_stmt_kind_name(s->kind));
        assert_string_equal(ddl_event_name(ddl_classify(s)), cases[i].event);
        assert_int_equal(ddl_is_ddl(s), cases[i].ddl);
        ddl_stmt_destroy(s);
    }
}

static void tables_are(const char *sql, const char *default_db, const char *want)
{
    ddl_stmt *s = parse_ok(sql);
    ddl_table_ref *refs;
    size_t n;
    dm_buf b;
    dm_buf_init(&b);
    assert_int_equal(ddl_tables(&refs, &n, s, default_db, NULL), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(dm_buf_printf(&b, "%s%s.%s", i ? " " : "", refs[i].db, refs[i].table), 0);
    if (strcmp(b.data ? b.data : "", want) != 0)
        fail_msg("%s: tables '%s', want '%s'", sql, b.data ? b.data : "", want);
    free(refs);
    dm_buf_fini(&b);
    ddl_stmt_destroy(s);
}

static void test_tables(void **state)
{
    (void)state;
    tables_are("CREATE TABLE t LIKE o.s", "d", "d.t o.s");
    tables_are("CREATE TABLE t (id INT REFERENCES p (id))", "d", "d.t");
    tables_are("RENAME TABLE a TO b, x.c TO y.d", "d", "d.a d.b x.c y.d");
    tables_are("ALTER TABLE a RENAME TO z.b", NULL, ".a z.b");
    tables_are("DROP TABLE a, b", "d", "d.a d.b");
    tables_are("CREATE DATABASE k", "d", "k.");
    tables_are("ALTER DATABASE CHARACTER SET utf8", "d", "d.");
    tables_are("CREATE INDEX i ON x.t (a)", "d", "x.t");
    tables_are("CREATE VIEW v AS SELECT * FROM t", "d", "d.v");
    tables_are("CREATE TRIGGER g BEFORE INSERT ON x.t FOR EACH ROW SET @a = 1", "d", "x.t");
    tables_are("INSERT INTO x.t VALUES (1)", "d", "x.t");
    tables_are("UPDATE a, b SET a.x = b.x", "d", "d.a d.b");
    tables_are("LOCK TABLES a READ, x.b AS bb WRITE", "d", "d.a x.b");
    tables_are("ANALYZE TABLE a, b", "d", "d.a d.b");
    tables_are("BEGIN", "d", "");
}

// ---------------------------------------------------------------------------------------
// rename, split

static int map_shard(void *ctx, const char *db, const char *table, const char **new_db, const char **new_table,
                     dm_err *err)
{
    (void)ctx;
    (void)err;
    if (strncmp(db, "shard_", 6) == 0)
        *new_db = "merged";
    if (strncmp(table, "t_", 2) == 0)
        *new_table = "t";
    return 0;
}

static void renamed_is(const char *sql, const char *want)
{
    ddl_stmt *s = parse_ok(sql);
    char *p;
    assert_int_equal(ddl_rename(s, "shard_1", map_shard, NULL, NULL), 0);
    p = printed(s);
    if (strcmp(p, want) != 0)
        fail_msg("rename of %s gave %s, want %s", sql, p, want);
    free(p);
    ddl_stmt_destroy(s);
}

static int failing_rename(void *ctx, const char *db, const char *table, const char **new_db,
                          const char **new_table, dm_err *err)
{
    (void)ctx;
    (void)db;
    (void)new_db;
    (void)new_table;
    return dm_err_set(err, DM_ERR_NOT_FOUND, DM_ERR_SCOPE_INTERNAL, "no route for %s", table);
}

static void test_rename(void **state)
{
    ddl_stmt *s;
    dm_err e;
    (void)state;
    renamed_is("ALTER TABLE t_01 ADD COLUMN c INT", "ALTER TABLE `merged`.`t` ADD COLUMN `c` INT");
    renamed_is("CREATE TABLE shard_2.t_02 LIKE t_01", "CREATE TABLE `merged`.`t` LIKE `merged`.`t`");
    renamed_is("CREATE TABLE t_3 (id INT, FOREIGN KEY (id) REFERENCES other.p (id))",
               "CREATE TABLE `merged`.`t` (`id` INT, FOREIGN KEY (`id`) REFERENCES `other`.`p` (`id`))");
    renamed_is("RENAME TABLE t_1 TO keep", "RENAME TABLE `merged`.`t` TO `merged`.`keep`");
    renamed_is("DROP DATABASE shard_9", "DROP DATABASE `merged`");
    renamed_is("INSERT INTO t_1 (a) VALUES (1)", "INSERT INTO `merged`.`t` (a) VALUES (1)");
    renamed_is("CREATE TRIGGER g AFTER INSERT ON t_1 FOR EACH ROW INSERT INTO log VALUES (1)",
               "CREATE TRIGGER g AFTER INSERT ON `merged`.`t` FOR EACH ROW INSERT INTO log VALUES (1)");
    renamed_is("CREATE VIEW t_v AS SELECT 1", "CREATE VIEW `merged`.`t` AS SELECT 1");
    s = parse_ok("DROP TABLE a");
    assert_int_equal(ddl_rename(s, NULL, failing_rename, NULL, &e), DM_ERR_NOT_FOUND);
    assert_non_null(strstr(e.message, "no route for a"));
    ddl_stmt_destroy(s);
}

static void split_is(const char *sql, const char *const *want, size_t n)
{
    ddl_stmt *s = parse_ok(sql), **parts;
    size_t np;
    assert_int_equal(ddl_split(&parts, &np, s, NULL), 0);
    assert_int_equal(np, n);
    for (size_t i = 0; i < n; i++) {
        char *p = printed(parts[i]);
        assert_string_equal(p, want[i]);
        free(p);
    }
    ddl_stmts_free(parts, np);
    ddl_stmt_destroy(s);
}

static void test_split(void **state)
{
    (void)state;
    {
        const char *w[] = {"ALTER TABLE `t` ADD COLUMN `a` INT", "ALTER TABLE `t` DROP INDEX `i`",
                           "ALTER TABLE `t` ADD `b` INT", "ALTER TABLE `t` ADD `c` INT"};
        split_is("ALTER TABLE t ADD COLUMN a INT, DROP INDEX i, ADD (b INT, c INT)", w, 4);
    }
    {
        const char *w[] = {"DROP TABLE IF EXISTS `a`", "DROP TABLE IF EXISTS `d`.`b`"};
        split_is("DROP TABLE IF EXISTS a, d.b", w, 2);
    }
    {
        const char *w[] = {"RENAME TABLE `a` TO `b`", "RENAME TABLE `c` TO `d`"};
        split_is("RENAME TABLE a TO b, c TO d", w, 2);
    }
    {
        const char *w[] = {"CREATE TABLE `t` (`a` INT)"};
        split_is("create table t (a int)", w, 1);
    }
}

// ---------------------------------------------------------------------------------------
// errors

static void test_errors(void **state)
{
    (void)state;
    assert_error("", DDL_ERR_EMPTY, "no SQL statement");
    assert_error("  -- only a comment\n ;", DDL_ERR_EMPTY, NULL);
    assert_error("CREATE TABLE t (a INT,\n b FOO)", DDL_ERR_SYNTAX, "near 'FOO)' at line 2");
    assert_error("CREATE TABLE t (a INT", DDL_ERR_SYNTAX, "CREATE TABLE t (a INT");
    assert_error("ALTER TABLE t ADD COLUMN", DDL_ERR_SYNTAX, "an identifier");
    assert_error("CREATE TABLE t (a INT) ; DROP TABLE x", DDL_ERR_SYNTAX, "near ';");
    assert_error("FROBNICATE t", DDL_ERR_SYNTAX, "a statement");
    assert_error("CREATE TABLE t (a INT COMMENT 'x)", DDL_ERR_LEX, "unterminated string");
    assert_error("DROP TABLE select", DDL_ERR_SYNTAX, "an identifier");
    assert_error("USE db; CREATE TABLE t (a INT)", DDL_ERR_SYNTAX, "one statement");
    assert_error("CREATE TABLE t (a INT) `SELECT`=1", DDL_ERR_SYNTAX, "a table option");
    {
        // the quoted statement is truncated
        char big[2000];
        memset(big, 'x', sizeof(big));
        memcpy(big, "CREATE TABLE t (a ", 18);
        big[sizeof(big) - 1] = '\0';
        assert_error(big, DDL_ERR_SYNTAX, "...");
    }
    {
        // nesting deeper than DDL_MAX_DEPTH is refused, not recursed into
        char deep[DDL_MAX_DEPTH * 2 + 64];
        size_t n = 0;
        n += (size_t)sprintf(deep, "CREATE TABLE t (a INT DEFAULT ");
        for (int i = 0; i < DDL_MAX_DEPTH + 2; i++)
            deep[n++] = '(';
        deep[n] = '\0';
        assert_error(deep, DDL_ERR_TOO_DEEP, "deeper");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lex_literals),  cmocka_unit_test(test_lex_comments),
        cmocka_unit_test(test_lex_errors),    cmocka_unit_test(test_create_table_ast),
        cmocka_unit_test(test_print_canonical), cmocka_unit_test(test_ansi_quotes),
        cmocka_unit_test(test_system_versioning),
        cmocka_unit_test(test_alter_ast),     cmocka_unit_test(test_classify),
        cmocka_unit_test(test_tables),        cmocka_unit_test(test_rename),
        cmocka_unit_test(test_split),         cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
