// Unit tests for the block/allow list, reproducing the worked examples of
// https://docs.pingcap.com/tidb/stable/dm-block-allow-table-lists
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rules.h"

static rules_balist *make(const rules_def_balist *def, bool cs)
{
    rules_balist *b = NULL;
    dm_err err;
    int rc = rules_balist_create(&b, def, cs, &err);
    if (rc != 0)
        fail_msg("rules_balist_create: %s", err.message);
    return b;
}

static bool migrated(const rules_balist *b, const char *schema, const char *table,
                     const char *reason_part)
{
    rules_decision d;
    assert_int_equal(rules_balist_match(&d, b, schema, table, NULL), 0);
    if (reason_part != NULL && strstr(d.reason, reason_part) == NULL)
        fail_msg("reason for %s.%s is \"%s\", expected it to contain \"%s\"", schema,
                 table ? table : "", d.reason, reason_part);
    return d.migrated;
}

// Doc section "Usage examples": bw-rule applied to the eight upstream tables; every row of
// the doc's result table.
static void test_doc_usage_example(void **state)
{
    (void)state;
    char *do_dbs[] = {"forum_backup_2018", "forum"};
    char *ignore_dbs[] = {"~^forum_backup_"};
    rules_def_table do_tables[] = {
        {.db_name = "logs", .tbl_name = "~_2018$"},
        {.db_name = "~^forum.*", .tbl_name = "messages"},
    };
    rules_def_table ignore_tables[] = {{.db_name = "~.*", .tbl_name = "^messages.*"}};
    rules_def_balist def = {
        .name = "bw-rule",
        .do_dbs = do_dbs, .n_do_dbs = 2,
        .ignore_dbs = ignore_dbs, .n_ignore_dbs = 1,
        .do_tables = do_tables, .n_do_tables = 2,
        .ignore_tables = ignore_tables, .n_ignore_tables = 1,
    };
    rules_balist *b = make(&def, false);
    // "The schema logs does not match any do-dbs."
    assert_false(migrated(b, "logs", "messages_2016", "schema `logs` matches no do-dbs"));
    assert_false(migrated(b, "logs", "messages_2017", "matches no do-dbs"));
    assert_false(migrated(b, "logs", "messages_2018", "matches no do-dbs"));
    assert_false(migrated(b, "forum_backup_2016", "messages", "matches no do-dbs"));
    assert_false(migrated(b, "forum_backup_2017", "messages", "matches no do-dbs"));
    // "The schema forum matches do-dbs ... the schema and table do not match any of
    // do-tables and ignore-tables and do-tables is not empty."
    assert_false(migrated(b, "forum", "users", "matches no do-tables nor ignore-tables"));
    // "The table messages is in the db-name: "~^forum.*",tbl-name: "messages" of do-tables."
    assert_true(migrated(b, "forum", "messages",
                         "matches do-tables {db-name: \"~^forum.*\", tbl-name: \"messages\"}"));
    assert_true(migrated(b, "forum_backup_2018", "messages",
                         "schema `forum_backup_2018` matches do-dbs \"forum_backup_2018\""));
    // Note: "To check whether the schema should be filtered, you only need to filter at the
    // schema level."
    assert_true(migrated(b, "forum", NULL, "schema-level check only"));
    assert_true(migrated(b, "forum_backup_2018", "", NULL));
    assert_false(migrated(b, "logs", NULL, "matches no do-dbs"));
    // Case-insensitive by default.
    assert_true(migrated(b, "FORUM", "Messages", NULL));
    rules_balist_destroy(b);

    // Case-sensitive: FORUM matches no do-dbs.
    b = make(&def, true);
    assert_false(migrated(b, "FORUM", "messages", "matches no do-dbs"));
    rules_balist_destroy(b);
}

// Doc section "Configure the block and allow lists": rule-1 and rule-2 with their comments
// ("test[123]" matches test1, test2 and test3; "t[1-5]" matches t1..t5).
static void test_doc_configuration_example(void **state)
{
    (void)state;
    char *do1[] = {"test*"};
    rules_def_table dt1[] = {
        {.db_name = "test[123]", .tbl_name = "t[1-5]"},
        {.db_name = "test", .tbl_name = "t"},
    };
    rules_def_balist r1 = {.name = "rule-1", .do_dbs = do1, .n_do_dbs = 1, .do_tables = dt1,
                           .n_do_tables = 2};
    rules_balist *b = make(&r1, false);
    assert_true(migrated(b, "test1", "t3", NULL));
    assert_true(migrated(b, "test3", "t5", NULL));
    assert_false(migrated(b, "test4", "t1", "matches no do-tables"));
    assert_false(migrated(b, "test2", "t6", NULL));
    assert_true(migrated(b, "test", "t", NULL));
    assert_false(migrated(b, "other", "t", "matches no do-dbs"));
    rules_balist_destroy(b);

    char *do2[] = {"~^test.*"};
    char *ig2[] = {"mysql"};
    rules_def_table dt2[] = {
        {.db_name = "~^test.*", .tbl_name = "~^t.*"},
        {.db_name = "test", .tbl_name = "t*"},
    };
    rules_def_table it2[] = {{.db_name = "test", .tbl_name = "log"}};
    rules_def_balist r2 = {.name = "rule-2", .do_dbs = do2, .n_do_dbs = 1, .ignore_dbs = ig2,
                           .n_ignore_dbs = 1, .do_tables = dt2, .n_do_tables = 2,
                           .ignore_tables = it2, .n_ignore_tables = 1};
    b = make(&r2, false);
    assert_true(migrated(b, "test_a", "tab", NULL));
    assert_false(migrated(b, "test", "log", "matches ignore-tables {db-name: \"test\""));
    assert_false(migrated(b, "test", "xyz", "matches no do-tables"));
    rules_balist_destroy(b);
}

// Doc section "Filtering process", each branch of the two levels.
static void test_doc_filtering_process(void **state)
{
    (void)state;
    // do-dbs empty, ignore-dbs set: a match filters, otherwise go on to the table level.
    char *ig[] = {"skip_*"};
    rules_def_table it[] = {{.db_name = "app", .tbl_name = "tmp_*"}};
    rules_def_balist d1 = {.name = "r", .ignore_dbs = ig, .n_ignore_dbs = 1,
                           .ignore_tables = it, .n_ignore_tables = 1};
    rules_balist *b = make(&d1, false);
    assert_false(migrated(b, "skip_me", "t", "matches ignore-dbs \"skip_*\""));
    assert_false(migrated(b, "skip_me", NULL, "matches ignore-dbs"));
    assert_false(migrated(b, "app", "tmp_1", "matches ignore-tables"));
    assert_true(migrated(b, "app", "orders", "matches no ignore-tables"));
    assert_true(migrated(b, "app", NULL, "schema `app` matches no ignore-dbs"));
    rules_balist_destroy(b);

    // Both schema lists empty and both table lists empty: everything migrates.
    rules_def_balist d2 = {.name = "empty"};
    b = make(&d2, false);
    assert_true(migrated(b, "any", "thing", "do-tables and ignore-tables are empty"));
    rules_balist_destroy(b);

    // do-dbs wins over ignore-dbs: ignore-dbs is not consulted when do-dbs is set.
    char *dd[] = {"a*"};
    char *ii[] = {"ab"};
    rules_def_balist d3 = {.name = "r3", .do_dbs = dd, .n_do_dbs = 1, .ignore_dbs = ii,
                           .n_ignore_dbs = 1};
    b = make(&d3, false);
    assert_true(migrated(b, "ab", "t", "matches do-dbs \"a*\""));
    rules_balist_destroy(b);

    // No block-allow-list at all, and DM's system schemas.
    b = make(NULL, false);
    assert_true(migrated(b, "x", "y", "no block-allow-list"));
    assert_false(migrated(b, "mysql", "user", "system schema"));
    assert_false(migrated(b, "INFORMATION_SCHEMA", NULL, "system schema"));
    rules_balist_destroy(b);
}

static void test_errors(void **state)
{
    (void)state;
    rules_balist *b = NULL;
    dm_err err;
    char *bad_wild[] = {"te*st"};
    rules_def_balist d1 = {.name = "bad", .line = 7, .do_dbs = bad_wild, .n_do_dbs = 1};
    assert_int_equal(rules_balist_create(&b, &d1, false, &err), RULES_ERR_PATTERN);
    assert_null(b);
    assert_non_null(strstr(err.message, "te*st"));
    assert_non_null(strstr(err.message, "\"bad\" (line 7) do-dbs"));

    char *bad_re[] = {"~[oops"};
    rules_def_balist d2 = {.name = "bad2", .ignore_dbs = bad_re, .n_ignore_dbs = 1};
    assert_int_equal(rules_balist_create(&b, &d2, false, &err), RULES_ERR_REGEX);

    char *empty_db[] = {""};
    rules_def_balist d3 = {.name = "bad3", .do_dbs = empty_db, .n_do_dbs = 1};
    assert_int_equal(rules_balist_create(&b, &d3, false, &err), RULES_ERR_BALIST);

    rules_def_table half[] = {{.db_name = "db", .tbl_name = NULL, .line = 12}};
    rules_def_balist d4 = {.name = "bad4", .do_tables = half, .n_do_tables = 1};
    assert_int_equal(rules_balist_create(&b, &d4, false, &err), RULES_ERR_BALIST);
    assert_non_null(strstr(err.message, "line 12"));

    rules_def_table badt[] = {{.db_name = "db", .tbl_name = "~(x"}};
    rules_def_balist d5 = {.name = "bad5", .ignore_tables = badt, .n_ignore_tables = 1};
    assert_int_equal(rules_balist_create(&b, &d5, false, &err), RULES_ERR_REGEX);

    rules_decision dec;
    assert_int_equal(rules_balist_match(&dec, NULL, "a", "b", NULL), DM_ERR_INVALID_ARG);
    rules_balist_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doc_usage_example),
        cmocka_unit_test(test_doc_configuration_example),
        cmocka_unit_test(test_doc_filtering_process),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
