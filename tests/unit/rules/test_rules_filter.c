// Unit tests for the binlog event filter, reproducing the worked examples of
// https://docs.pingcap.com/tidb/stable/dm-binlog-event-filter and the decision table of
// DM's binlog-filter Filter().
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rules.h"

static rules_filter *make(const rules_def_filter *defs, size_t n, bool cs)
{
    rules_filter *f = NULL;
    dm_err err;
    if (rules_filter_create(&f, defs, n, cs, &err) != 0)
        fail_msg("rules_filter_create: %s", err.message);
    return f;
}

static rules_action act(const rules_filter *f, const char *schema, const char *table,
                        rules_event_type ev, const char *sql, const char *rule)
{
    rules_filter_result res;
    dm_err err;
    if (rules_filter_event(&res, f, schema, table, ev, sql, &err) != 0)
        fail_msg("filter %s.%s: %s", schema, table ? table : "", err.message);
    if (rule != NULL) {
        assert_non_null(res.rule_name);
        assert_string_equal(res.rule_name, rule);
    }
    if (res.action == RULES_ACTION_DO)
        assert_null(res.rule_name);
    return res.action;
}

#define DO RULES_ACTION_DO
#define IGN RULES_ACTION_IGNORE

// Doc "Filter all sharding deletion operations".
static void test_doc_filter_deletions(void **state)
{
    (void)state;
    char *ev_t[] = {"truncate table", "drop table", "delete"};
    char *ev_s[] = {"drop database"};
    rules_def_filter defs[] = {
        {.name = "filter-table-rule", .schema_pattern = "test_*", .table_pattern = "t_*",
         .events = ev_t, .n_events = 3, .action_do = false},
        {.name = "filter-schema-rule", .schema_pattern = "test_*", .events = ev_s,
         .n_events = 1, .action_do = false},
    };
    rules_filter *f = make(defs, 2, false);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_TRUNCATE_TABLE, "TRUNCATE TABLE t_1",
                         "filter-table-rule"), IGN);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_DROP_TABLE, "DROP TABLE t_1",
                         "filter-table-rule"), IGN);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_DELETE, NULL, "filter-table-rule"), IGN);
    assert_int_equal(act(f, "test_1", NULL, RULES_EVENT_DROP_DATABASE, "DROP DATABASE test_1",
                         "filter-schema-rule"), IGN);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_INSERT, NULL, NULL), DO);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_UPDATE, NULL, NULL), DO);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_CREATE_TABLE, "CREATE TABLE t_1 (a int)",
                         NULL), DO);
    assert_int_equal(act(f, "test_1", NULL, RULES_EVENT_CREATE_DATABASE, "CREATE DATABASE test_1",
                         NULL), DO);
    // Tables outside test_*.t_* keep their deletes.
    assert_int_equal(act(f, "test_1", "users", RULES_EVENT_DELETE, NULL, NULL), DO);
    assert_int_equal(act(f, "prod", "t_1", RULES_EVENT_DELETE, NULL, NULL), DO);
    rules_filter_destroy(f);
}

// Doc "Only migrate sharding DML statements". Filter() consults every matching rule, and a
// schema-level rule (no table-pattern) matches every table of its schemas: do-schema-rule,
// whose events list only "create database", therefore also ignores the DML and CREATE TABLE
// of test_*.t_*. DM's code decides so (docs/rules.md discusses it); the schema-level events
// behave as the doc describes.
static void test_doc_only_dml(void **state)
{
    (void)state;
    char *ev_t[] = {"create table", "all dml"};
    char *ev_s[] = {"create database"};
    rules_def_filter defs[] = {
        {.name = "do-table-rule", .schema_pattern = "test_*", .table_pattern = "t_*",
         .events = ev_t, .n_events = 2, .action_do = true},
        {.name = "do-schema-rule", .schema_pattern = "test_*", .events = ev_s, .n_events = 1,
         .action_do = true},
    };
    rules_filter *f = make(defs, 2, false);
    assert_int_equal(act(f, "test_1", NULL, RULES_EVENT_CREATE_DATABASE, "CREATE DATABASE test_1",
                         NULL), DO);
    assert_int_equal(act(f, "test_1", NULL, RULES_EVENT_DROP_DATABASE, "DROP DATABASE test_1",
                         "do-schema-rule"), IGN);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_INSERT, NULL, "do-schema-rule"), IGN);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_DROP_TABLE, "DROP TABLE t_1",
                         "do-schema-rule"), IGN);
    rules_filter_destroy(f);

    // With only do-table-rule, the table-level part of the example holds exactly.
    f = make(defs, 1, false);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_INSERT, NULL, NULL), DO);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_UPDATE, NULL, NULL), DO);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_DELETE, NULL, NULL), DO);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_CREATE_TABLE, "CREATE TABLE t_1 (a int)",
                         NULL), DO);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_DROP_TABLE, "DROP TABLE t_1",
                         "do-table-rule"), IGN);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_TRUNCATE_TABLE, "TRUNCATE t_1",
                         "do-table-rule"), IGN);
    assert_int_equal(act(f, "other", "t_1", RULES_EVENT_DROP_TABLE, "DROP TABLE t_1", NULL), DO);
    rules_filter_destroy(f);
}

// Doc "Filter out the SQL statements that TiDB does not support" (PROCEDURE statements).
static void test_doc_sql_pattern_procedure(void **state)
{
    (void)state;
    char *sqlp[] = {"^DROP\\s+PROCEDURE", "^CREATE\\s+PROCEDURE"};
    rules_def_filter defs[] = {
        {.name = "filter-procedure-rule", .schema_pattern = "test_*", .table_pattern = "t_*",
         .sql_patterns = sqlp, .n_sql_patterns = 2, .action_do = false},
    };
    rules_filter *f = make(defs, 1, false);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_NULL, "DROP PROCEDURE p1",
                         "filter-procedure-rule"), IGN);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_NULL, "create   procedure p2() begin end",
                         "filter-procedure-rule"), IGN);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_NULL, "CREATE FUNCTION f1", NULL), DO);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_ALTER_TABLE,
                         "ALTER TABLE t_1 ADD c int", NULL), DO);
    assert_int_equal(act(f, "test_1", "t_1", RULES_EVENT_INSERT, NULL, NULL), DO);
    // Other tables are not covered by the rule.
    assert_int_equal(act(f, "prod", "t_1", RULES_EVENT_NULL, "DROP PROCEDURE p1", NULL), DO);
    rules_filter_destroy(f);
}

// Doc "Filter out the SQL statements that the TiDB parser does not support": a global rule.
static void test_doc_sql_pattern_partition(void **state)
{
    (void)state;
    char *sqlp[] = {"ALTER\\s+TABLE[\\s\\S]*ADD\\s+PARTITION",
                    "ALTER\\s+TABLE[\\s\\S]*DROP\\s+PARTITION"};
    rules_def_filter defs[] = {
        {.name = "filter-partition-rule", .schema_pattern = "*", .sql_patterns = sqlp,
         .n_sql_patterns = 2, .action_do = false},
    };
    rules_filter *f = make(defs, 1, false);
    assert_int_equal(act(f, "any", "t", RULES_EVENT_NULL,
                         "ALTER TABLE t ADD PARTITION (PARTITION p3 VALUES LESS THAN (30))",
                         "filter-partition-rule"), IGN);
    assert_int_equal(act(f, "db", NULL, RULES_EVENT_NULL,
                         "alter table db.t\n  drop partition p1", "filter-partition-rule"), IGN);
    assert_int_equal(act(f, "db", "t", RULES_EVENT_ALTER_TABLE, "ALTER TABLE t ADD COLUMN c int",
                         NULL), DO);
    assert_int_equal(act(f, "", "", RULES_EVENT_NULL, "ALTER TABLE t DROP PARTITION p", NULL), IGN);
    rules_filter_destroy(f);
}

// DM's binlog-filter decision table (tidb-tools/tiflow filter_test TestFilter), case
// insensitive.
static void test_dm_decision_table(void **state)
{
    (void)state;
    char *e0[] = {"delete", "insert", "create index", "drop index", "drop view"};
    char *s0[] = {"^DROP\\s+PROCEDURE", "^CREATE\\s+PROCEDURE"};
    char *e1[] = {"all dml", "none ddl"};
    char *e2[] = {"ALL DML"};
    char *e4[] = {"rebase auto id"};
    rules_def_filter defs[] = {
        {.name = "r0", .schema_pattern = "Test_1_*", .table_pattern = "abc*", .events = e0,
         .n_events = 5, .sql_patterns = s0, .n_sql_patterns = 2, .action_do = false},
        {.name = "r1", .schema_pattern = "xxx_*", .table_pattern = "abc_*", .events = e1,
         .n_events = 2, .action_do = false},
        {.name = "r2", .schema_pattern = "yyy_*", .table_pattern = "abc_*", .events = e2,
         .n_events = 1, .action_do = true},
        {.name = "r4", .schema_pattern = "cdc", .table_pattern = "t1", .events = e4,
         .n_events = 1, .action_do = false},
    };
    rules_filter *f = make(defs, 4, false);
    const struct {
        const char *schema, *table;
        rules_event_type ev;
        const char *sql;
        rules_action want;
    } cases[] = {
        {"test_1_a", "abc1", RULES_EVENT_DELETE, "", IGN},
        {"test_1_a", "abc1", RULES_EVENT_INSERT, "", IGN},
        {"test_1_a", "abc1", RULES_EVENT_UPDATE, "", DO},
        {"test_1_a", "abc1", RULES_EVENT_CREATE_INDEX, "", IGN},
        {"test_1_a", "abc1", RULES_EVENT_RENAME_TABLE, "", DO},
        {"test_1_a", "abc1", RULES_EVENT_NULL, "drop procedure abc", IGN},
        {"test_1_a", "abc1", RULES_EVENT_NULL, "create procedure abc", IGN},
        {"test_1_a", "abc1", RULES_EVENT_NULL, "create function abc", DO},
        {"xxx_1", "abc_1", RULES_EVENT_NULL, "create function abc", DO},
        {"xxx_1", "abc_1", RULES_EVENT_INSERT, "", IGN},
        {"xxx_1", "abc_1", RULES_EVENT_CREATE_INDEX, "", DO},
        {"yyy_1", "abc_1", RULES_EVENT_INSERT, "", DO},
        {"yyy_1", "abc_1", RULES_EVENT_CREATE_INDEX, "", IGN},
        {"test_1_a", "abc1", RULES_EVENT_DROP_VIEW, "", IGN},
        {"cdc", "t1", RULES_EVENT_REBASE_AUTO_ID, "", IGN},
        {"xxx_a", "", RULES_EVENT_INSERT, "", DO},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rules_filter_result res;
        assert_int_equal(rules_filter_event(&res, f, cases[i].schema, cases[i].table, cases[i].ev,
                                            cases[i].sql, NULL),
                         0);
        if (res.action != cases[i].want)
            fail_msg("case %zu (%s.%s %s): got %d: %s", i, cases[i].schema, cases[i].table,
                     rules_event_name(cases[i].ev), res.action, res.reason);
    }
    rules_filter_destroy(f);

    // Case-sensitive: Test_1_* does not match test_1_a.
    f = make(defs, 2, true);
    assert_int_equal(act(f, "test_1_a", "abc1", RULES_EVENT_DELETE, NULL, NULL), DO);
    assert_int_equal(act(f, "xxx_1", "abc_1", RULES_EVENT_INSERT, NULL, "r1"), IGN);
    rules_filter_destroy(f);
}

// Event list semantics: the first deciding entry wins ("none" before "insert").
static void test_event_list_order_and_incompatible(void **state)
{
    (void)state;
    char *e0[] = {"none", "insert"};
    char *e1[] = {"incompatible ddl changes"};
    rules_def_filter defs[] = {
        {.name = "a", .schema_pattern = "a", .table_pattern = "t", .events = e0, .n_events = 2,
         .action_do = false},
        {.name = "b", .schema_pattern = "b", .events = e1, .n_events = 1, .action_do = false},
    };
    rules_filter *f = make(defs, 2, false);
    assert_int_equal(act(f, "a", "t", RULES_EVENT_INSERT, NULL, NULL), DO);
    assert_int_equal(act(f, "b", "t", RULES_EVENT_DROP_COLUMN, "ALTER TABLE t DROP c", "b"), IGN);
    assert_int_equal(act(f, "b", "t", RULES_EVENT_TRUNCATE_TABLE, "TRUNCATE t", "b"), IGN);
    assert_int_equal(act(f, "b", "t", RULES_EVENT_ADD_COLUMN, "ALTER TABLE t ADD c int", "b"), IGN);
    assert_int_equal(act(f, "b", "t", RULES_EVENT_CREATE_TABLE, "CREATE TABLE t (a int)", NULL), DO);
    assert_int_equal(act(f, "b", "t", RULES_EVENT_INSERT, NULL, NULL), DO);
    rules_filter_destroy(f);
}

static void test_event_names(void **state)
{
    (void)state;
    rules_event_type e;
    dm_err err;
    assert_int_equal(rules_event_parse(&e, "Insert", &err), 0);
    assert_int_equal(e, RULES_EVENT_INSERT);
    assert_int_equal(rules_event_parse(&e, "create SCHEMA", &err), 0);
    assert_int_equal(e, RULES_EVENT_CREATE_DATABASE);
    assert_int_equal(rules_event_parse(&e, "drop schema", &err), 0);
    assert_int_equal(e, RULES_EVENT_DROP_DATABASE);
    assert_int_equal(rules_event_parse(&e, "alter schema", &err), 0);
    assert_int_equal(e, RULES_EVENT_ALTER_DATABASE);
    assert_int_equal(rules_event_parse(&e, "truncate tablE parTition", &err), 0);
    assert_int_equal(e, RULES_EVENT_TRUNCATE_TABLE_PARTITION);
    assert_int_equal(rules_event_parse(&e, "", &err), 0);
    assert_int_equal(e, RULES_EVENT_NULL);
    assert_int_equal(rules_event_parse(&e, "create", &err), RULES_ERR_EVENT);
    assert_non_null(strstr(err.message, "\"create\""));
    assert_int_equal(rules_event_parse(&e, "I don't know", &err), RULES_ERR_EVENT);
    // Every name round-trips.
    for (int i = 0; i < RULES_EVENT_COUNT_; i++) {
        assert_int_equal(rules_event_parse(&e, rules_event_name((rules_event_type)i), NULL), 0);
        assert_int_equal(e, i);
    }
    assert_string_equal(rules_event_name(RULES_EVENT_COUNT_), "invalid event");
    assert_int_equal(rules_event_classify(RULES_EVENT_CREATE_VIEW), RULES_EVENT_CLASS_DDL);
    assert_int_equal(rules_event_classify(RULES_EVENT_DROP_TABLE),
                     RULES_EVENT_CLASS_INCOMPATIBLE_DDL);
    assert_int_equal(rules_event_classify(RULES_EVENT_UPDATE), RULES_EVENT_CLASS_DML);
    assert_int_equal(rules_event_classify(RULES_EVENT_ALL_DML), RULES_EVENT_CLASS_PSEUDO);
    assert_int_equal(rules_event_classify(RULES_EVENT_NULL), RULES_EVENT_CLASS_NONE);
}

static void test_errors(void **state)
{
    (void)state;
    rules_filter *f = NULL;
    dm_err err;
    char *bad_ev[] = {"wrong event"};
    rules_def_filter d1[] = {{.name = "r", .line = 4, .schema_pattern = "a", .events = bad_ev,
                              .n_events = 1}};
    assert_int_equal(rules_filter_create(&f, d1, 1, false, &err), RULES_ERR_EVENT);
    assert_non_null(strstr(err.message, "wrong event"));
    assert_non_null(strstr(err.message, "line 4"));
    char *bad_sql[] = {"(unclosed"};
    rules_def_filter d2[] = {{.name = "r", .schema_pattern = "a", .sql_patterns = bad_sql,
                              .n_sql_patterns = 1}};
    assert_int_equal(rules_filter_create(&f, d2, 1, false, &err), RULES_ERR_REGEX);
    rules_def_filter d3[] = {{.name = "r", .schema_pattern = ""}};
    assert_int_equal(rules_filter_create(&f, d3, 1, false, &err), RULES_ERR_FILTER);
    rules_def_filter d4[] = {{.name = "r", .schema_pattern = "a*b"}};
    assert_int_equal(rules_filter_create(&f, d4, 1, false, &err), RULES_ERR_PATTERN);
    rules_def_filter d5[] = {{.name = "one", .line = 1, .schema_pattern = "Db", .table_pattern = "t"},
                             {.name = "two", .line = 5, .schema_pattern = "db", .table_pattern = "T"}};
    assert_int_equal(rules_filter_create(&f, d5, 2, false, &err), RULES_ERR_FILTER);
    assert_non_null(strstr(err.message, "\"two\" (line 5)"));
    assert_non_null(strstr(err.message, "\"one\" (line 1)"));
    assert_int_equal(rules_filter_create(&f, d5, 2, true, &err), 0);
    rules_filter_destroy(f);
    // Pseudo events cannot be filtered.
    rules_filter_result res;
    assert_int_equal(rules_filter_event(&res, NULL, "a", "b", RULES_EVENT_ALL_DML, NULL, &err),
                     RULES_ERR_EVENT);
    assert_int_equal(rules_filter_event(&res, NULL, "a", "b", RULES_EVENT_INSERT, NULL, &err), 0);
    assert_int_equal(res.action, RULES_ACTION_DO);
    rules_filter_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doc_filter_deletions),
        cmocka_unit_test(test_doc_only_dml),
        cmocka_unit_test(test_doc_sql_pattern_procedure),
        cmocka_unit_test(test_doc_sql_pattern_partition),
        cmocka_unit_test(test_dm_decision_table),
        cmocka_unit_test(test_event_list_order_and_incompatible),
        cmocka_unit_test(test_event_names),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
