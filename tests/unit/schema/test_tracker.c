// Schema tracker: statements through the parser, MariaDB's errors (with the statement in the
// cause), atomic RENAME TABLE, DROP TABLE of several tables, lower_case_table_names, JSON
// state, bad input.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracker.h"

static tracker *new_tracker(int lctn)
{
    tracker *t = NULL;
    tracker_options o = {.lower_case_table_names = lctn};
    assert_int_equal(tracker_create(&t, &o, NULL), 0);
    return t;
}

static void ok(tracker *t, const char *sql, const char *db)
{
    dm_err err;
    dm_err_clear(&err);
    if (tracker_exec(t, sql, db, &err) != 0)
        fail_msg("[%s]: %s", sql, err.message);
}

static void bad(tracker *t, const char *sql, const char *db, int code, int server,
                const char *msg)
{
    dm_err err;
    dm_err_clear(&err);
    int rc = tracker_exec(t, sql, db, &err);
    if (rc != code)
        fail_msg("[%s]: got %d (%s), want %d", sql, rc, err.message, code);
    assert_int_equal(schema_err_server_code(rc), server);
    assert_string_equal(err.message, msg);
    assert_non_null(strstr(err.cause, sql)); // the error carries the statement
}

static char *show(tracker *t, const char *db, const char *table)
{
    static char out[8192];
    const schema_table *st = tracker_get_table(t, db, table);
    assert_non_null(st);
    dm_buf b;
    dm_buf_init(&b);
    assert_int_equal(schema_table_print(&b, st, NULL), 0);
    snprintf(out, sizeof(out), "%s", b.data);
    dm_buf_fini(&b);
    return out;
}

static void test_errors_like_mariadb(void **state)
{
    (void)state;
    tracker *t = new_tracker(0);
    bad(t, "CREATE TABLE nodb.x (a INT)", NULL, TRACKER_ERR_UNKNOWN_DB, 1049,
        "Unknown database 'nodb'");
    ok(t, "CREATE DATABASE d", NULL);
    bad(t, "CREATE DATABASE d", NULL, TRACKER_ERR_DB_EXISTS, 1007,
        "Can't create database 'd'; database exists");
    ok(t, "CREATE DATABASE IF NOT EXISTS d", NULL);
    bad(t, "DROP DATABASE e", NULL, TRACKER_ERR_DROP_DB, 1008,
        "Can't drop database 'e'; database doesn't exist");
    ok(t, "CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10))", "d");
    bad(t, "CREATE TABLE t (b INT)", "d", TRACKER_ERR_TABLE_EXISTS, 1050,
        "Table 't' already exists");
    ok(t, "CREATE TABLE IF NOT EXISTS t (b INT)", "d");
    assert_null(schema_table_find_column(tracker_get_table(t, "d", "t"), "b", NULL));
    bad(t, "ALTER TABLE u ADD b INT", "d", TRACKER_ERR_NO_SUCH_TABLE, 1146,
        "Table 'd.u' doesn't exist");
    bad(t, "ALTER TABLE t ADD a INT", "d", SCHEMA_ERR_DUP_COLUMN, 1060,
        "Duplicate column name 'a'");
    bad(t, "ALTER TABLE t DROP COLUMN zz", "d", SCHEMA_ERR_CANT_DROP, 1091,
        "Can't DROP COLUMN `zz`; check that it exists");
    bad(t, "ALTER TABLE t DROP INDEX zz", "d", SCHEMA_ERR_CANT_DROP, 1091,
        "Can't DROP INDEX `zz`; check that it exists");
    bad(t, "DROP INDEX zz ON t", "d", SCHEMA_ERR_CANT_DROP, 1091,
        "Can't DROP INDEX `zz`; check that it exists");
    bad(t, "TRUNCATE TABLE nope", "d", TRACKER_ERR_NO_SUCH_TABLE, 1146,
        "Table 'd.nope' doesn't exist");
    bad(t, "CREATE TABLE t2 LIKE t2", "d", TRACKER_ERR_NOT_UNIQUE, 1066,
        "Not unique table/alias: 't2'");
    bad(t, "CREATE TABLE t (a INT)", NULL, TRACKER_ERR_NO_DB, 1046, "No database selected");
    ok(t, "TRUNCATE TABLE t", "d");
    // Statements without schema effect pass.
    ok(t, "INSERT INTO t VALUES (1, 'x')", "d");
    ok(t, "CREATE VIEW v AS SELECT 1", "d");
    // Parse errors come from the parser.
    dm_err err;
    assert_true(tracker_exec(t, "ALTER TABLE t ADD", "d", &err) != 0);
    tracker_destroy(t);
}

static void test_rename_atomic_and_across_dbs(void **state)
{
    (void)state;
    tracker *t = new_tracker(0);
    ok(t, "CREATE DATABASE a", NULL);
    ok(t, "CREATE DATABASE b", NULL);
    ok(t, "CREATE TABLE a.t1 (x INT)", NULL);
    ok(t, "CREATE TABLE a.t2 (y INT)", NULL);
    // The second pair fails: nothing is renamed.
    bad(t, "RENAME TABLE t1 TO t3, nosuch TO t4", "a", TRACKER_ERR_NO_SUCH_TABLE, 1146,
        "Table 'a.nosuch' doesn't exist");
    assert_non_null(tracker_get_table(t, "a", "t1"));
    assert_null(tracker_get_table(t, "a", "t3"));
    // Swapping names through a temporary one works.
    ok(t, "RENAME TABLE t1 TO tmp, t2 TO t1, tmp TO t2", "a");
    assert_non_null(schema_table_find_column(tracker_get_table(t, "a", "t1"), "y", NULL));
    assert_non_null(schema_table_find_column(tracker_get_table(t, "a", "t2"), "x", NULL));
    bad(t, "RENAME TABLE t1 TO t2", "a", TRACKER_ERR_TABLE_EXISTS, 1050,
        "Table 't2' already exists");
    ok(t, "ALTER TABLE a.t1 ADD z INT, RENAME TO b.moved", NULL);
    assert_null(tracker_get_table(t, "a", "t1"));
    assert_non_null(strstr(show(t, "b", "moved"), "CREATE TABLE `moved`"));
    assert_non_null(schema_table_find_column(tracker_get_table(t, "b", "moved"), "z", NULL));
    bad(t, "ALTER TABLE b.moved RENAME TO nodb.x", NULL, TRACKER_ERR_UNKNOWN_DB, 1049,
        "Unknown database 'nodb'");
    // CREATE TABLE LIKE copies the schema.
    ok(t, "CREATE TABLE b.copy LIKE b.moved", NULL);
    assert_non_null(strstr(show(t, "b", "copy"), "`z` int(11) DEFAULT NULL"));
    // DROP DATABASE drops its tables.
    ok(t, "DROP DATABASE b", NULL);
    assert_null(tracker_get_table(t, "b", "copy"));
    tracker_destroy(t);
}

static void test_drop_several(void **state)
{
    (void)state;
    tracker *t = new_tracker(0);
    ok(t, "CREATE DATABASE d", NULL);
    ok(t, "CREATE TABLE t1 (a INT)", "d");
    ok(t, "CREATE TABLE t2 (a INT)", "d");
    // Existing tables are dropped even though the statement fails, as on the server.
    bad(t, "DROP TABLE t1, nosuch, t2, other", "d", TRACKER_ERR_UNKNOWN_TABLE, 1051,
        "Unknown table 'd.nosuch,d.other'");
    assert_null(tracker_get_table(t, "d", "t1"));
    assert_null(tracker_get_table(t, "d", "t2"));
    ok(t, "DROP TABLE IF EXISTS t1, nosuch", "d");
    bad(t, "DROP TABLE x, x", "d", TRACKER_ERR_NOT_UNIQUE, 1066, "Not unique table/alias: 'x'");
    tracker_destroy(t);
}

static void test_create_index_and_options(void **state)
{
    (void)state;
    tracker *t = new_tracker(0);
    ok(t, "CREATE DATABASE d CHARACTER SET latin1", NULL);
    ok(t, "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT, name VARCHAR(20), body TEXT, "
          "PRIMARY KEY (id)) ENGINE=InnoDB COMMENT='c'",
       "d");
    ok(t, "CREATE UNIQUE INDEX u_name ON t (name(8))", "d");
    ok(t, "CREATE FULLTEXT INDEX ft ON t (body)", "d");
    ok(t, "ALTER TABLE t ADD COLUMN j JSON, ALGORITHM=INPLACE, LOCK=NONE", "d");
    assert_string_equal(show(t, "d", "t"),
                        "CREATE TABLE `t` (\n"
                        "  `id` int(11) NOT NULL AUTO_INCREMENT,\n"
                        "  `name` varchar(20) DEFAULT NULL,\n"
                        "  `body` text DEFAULT NULL,\n"
                        "  `j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL "
                        "CHECK (json_valid(`j`)),\n"
                        "  PRIMARY KEY (`id`),\n"
                        "  UNIQUE KEY `u_name` (`name`(8)),\n"
                        "  FULLTEXT KEY `ft` (`body`)\n"
                        ") ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci "
                        "COMMENT='c'");
    ok(t, "DROP INDEX u_name ON t", "d");
    ok(t, "ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, name)", "d");
    const schema_index *pk = schema_table_handle_key(tracker_get_table(t, "d", "t"));
    assert_non_null(pk);
    assert_int_equal(pk->n_parts, 2);
    tracker_destroy(t);
}

static void test_lower_case_table_names(void **state)
{
    (void)state;
    tracker *t = new_tracker(0);
    ok(t, "CREATE DATABASE D", NULL);
    ok(t, "CREATE TABLE D.T (a INT)", NULL);
    ok(t, "CREATE TABLE D.t (a INT)", NULL); // distinct when case-sensitive
    assert_null(tracker_get_table(t, "d", "T"));
    tracker_destroy(t);

    t = new_tracker(1);
    ok(t, "CREATE DATABASE D", NULL);
    ok(t, "CREATE TABLE D.T (a INT)", NULL);
    bad(t, "CREATE TABLE d.t (a INT)", NULL, TRACKER_ERR_TABLE_EXISTS, 1050,
        "Table 't' already exists");
    assert_non_null(tracker_get_table(t, "d", "T"));
    assert_string_equal(schema_table_name(tracker_get_table(t, "D", "t")), "t"); // stored lower
    char **names = NULL;
    size_t n = 0;
    assert_int_equal(tracker_list_databases(&names, &n, t, NULL), 0);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "d");
    tracker_free_names(names, n);
    tracker_destroy(t);

    t = new_tracker(2);
    ok(t, "CREATE DATABASE Db", NULL);
    ok(t, "CREATE TABLE Db.MixedCase (a INT)", NULL);
    assert_string_equal(schema_table_name(tracker_get_table(t, "db", "mixedcase")), "MixedCase");
    tracker_destroy(t);

    tracker_options o = {.lower_case_table_names = 3};
    dm_err err;
    assert_int_equal(tracker_create(&t, &o, &err), DM_ERR_INVALID_ARG);
    tracker_options o2 = {.server_charset = "nosuch"};
    assert_int_equal(tracker_create(&t, &o2, &err), DM_ERR_INVALID_ARG);
}

static void test_json_state(void **state)
{
    (void)state;
    tracker *t = new_tracker(1), *u = NULL;
    ok(t, "CREATE DATABASE d CHARACTER SET latin1", NULL);
    ok(t, "CREATE TABLE t (id INT PRIMARY KEY, e ENUM('x','y') DEFAULT 'y', "
          "ts TIMESTAMP(3) NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3))",
       "d");
    json_t *j = tracker_to_json(t);
    assert_non_null(j);
    char *text = json_dumps(j, 0);
    json_t *back = json_loads(text, 0, NULL);
    assert_int_equal(tracker_from_json(&u, back, NULL), 0);
    char expect[8192];
    snprintf(expect, sizeof(expect), "%s", show(t, "d", "t"));
    assert_string_equal(show(u, "D", "T"), expect);
    // The restored tracker keeps applying DDL with the saved options.
    ok(u, "ALTER TABLE T ADD x INT", "d");
    free(text);
    json_decref(j);
    json_decref(back);
    tracker_destroy(u);

    const char *bad_states[] = {"[]", "{}", "{\"lower_case_table_names\":0}",
                                "{\"lower_case_table_names\":0,\"databases\":[{\"name\":1}]}",
                                "{\"lower_case_table_names\":0,\"databases\":[{\"name\":\"d\","
                                "\"charset\":\"latin1\",\"collation\":\"latin1_swedish_ci\","
                                "\"tables\":[{\"name\":\"t\"}]}]}"};
    for (size_t i = 0; i < sizeof(bad_states) / sizeof(bad_states[0]); i++) {
        json_t *bj = json_loads(bad_states[i], 0, NULL);
        dm_err err;
        assert_non_null(bj);
        int rc = tracker_from_json(&u, bj, &err);
        assert_true(rc == TRACKER_ERR_BAD_STATE || rc == SCHEMA_ERR_BAD_JSON);
        assert_null(u);
        json_decref(bj);
    }
    tracker_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors_like_mariadb),
        cmocka_unit_test(test_rename_atomic_and_across_dbs),
        cmocka_unit_test(test_drop_several),
        cmocka_unit_test(test_create_index_and_options),
        cmocka_unit_test(test_lower_case_table_names),
        cmocka_unit_test(test_json_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
