// Unit tests for table routing, reproducing the worked examples of
// https://docs.pingcap.com/tidb/stable/dm-table-routing
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules.h"

static rules_router *make(const rules_def_route *defs, size_t n, bool cs)
{
    rules_router *r = NULL;
    dm_err err;
    if (rules_router_create(&r, defs, n, cs, &err) != 0)
        fail_msg("rules_router_create: %s", err.message);
    return r;
}

static void expect(const rules_router *r, const char *schema, const char *table,
                   const char *ts, const char *tt)
{
    rules_route_result res;
    dm_err err;
    if (rules_route(&res, r, schema, table, &err) != 0)
        fail_msg("route %s.%s: %s", schema, table ? table : "", err.message);
    assert_string_equal(res.target_schema, ts);
    assert_string_equal(res.target_table, tt);
}

// Doc "Merge sharded schemas and tables": rule-1 routes test_*.t_* to test.t, rule-2
// routes the schemas (CREATE/DROP SCHEMA) to test.
static void test_doc_merge_schemas_and_tables(void **state)
{
    (void)state;
    rules_def_route defs[] = {
        {.name = "rule-1", .schema_pattern = "test_*", .table_pattern = "t_*",
         .target_schema = "test", .target_table = "t"},
        {.name = "rule-2", .schema_pattern = "test_*", .target_schema = "test"},
    };
    rules_router *r = make(defs, 2, false);
    expect(r, "test_1", "t_1", "test", "t");
    expect(r, "test_2", "t_3", "test", "t");
    expect(r, "test_1", NULL, "test", "");
    expect(r, "test_1", "other", "test", "other");
    expect(r, "prod", "t_1", "prod", "t_1");
    // Case-insensitive by default; the kept names keep their case.
    expect(r, "TEST_1", "T_1", "test", "t");
    expect(r, "TEST_1", "Other", "test", "Other");
    rules_route_result res;
    assert_int_equal(rules_route(&res, r, "test_1", "t_9", NULL), 0);
    assert_true(res.routed);
    assert_string_equal(res.rule_name, "rule-1");
    assert_int_equal(rules_route(&res, r, "prod", "x", NULL), 0);
    assert_false(res.routed);
    assert_null(res.rule_name);
    rules_router_destroy(r);

    r = make(defs, 2, true);
    expect(r, "TEST_1", "T_1", "TEST_1", "T_1");
    rules_router_destroy(r);
}

// Doc "Extract table, schema, and source information and write into the merged table":
// the merged rows of the doc's result table (c_table, c_schema, c_source).
static void test_doc_extract(void **state)
{
    (void)state;
    rules_def_route defs[] = {
        {.name = "rule-1", .schema_pattern = "test_*", .table_pattern = "t_*",
         .target_schema = "test", .target_table = "t",
         .extract_table = {.target_column = "c_table", .regex = "t_(.*)"},
         .extract_schema = {.target_column = "c_schema", .regex = "test_(.*)"},
         .extract_source = {.target_column = "c_source", .regex = "(.*)"}},
        {.name = "rule-2", .schema_pattern = "test_*", .target_schema = "test"},
    };
    rules_router *r = make(defs, 2, false);
    const struct {
        const char *schema, *table, *source, *c_table, *c_schema;
    } rows[] = {
        {"test_11", "t_1", "mysql-01", "1", "11"},
        {"test_11", "t_2", "mysql-01", "2", "11"},
        {"test_12", "t_1", "mysql-01", "1", "12"},
        {"test_13", "t_3", "mysql-02", "3", "13"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        rules_route_result res;
        char *cols[3], *vals[3];
        size_t n = 0;
        assert_int_equal(rules_route(&res, r, rows[i].schema, rows[i].table, NULL), 0);
        assert_int_equal(rules_route_extract(cols, vals, &n, r, &res, rows[i].schema,
                                             rows[i].table, rows[i].source, NULL),
                         0);
        assert_int_equal(n, 3);
        assert_string_equal(cols[0], "c_table");
        assert_string_equal(vals[0], rows[i].c_table);
        assert_string_equal(cols[1], "c_schema");
        assert_string_equal(vals[1], rows[i].c_schema);
        assert_string_equal(cols[2], "c_source");
        assert_string_equal(vals[2], rows[i].source);
        for (size_t k = 0; k < n; k++) {
            free(cols[k]);
            free(vals[k]);
        }
    }
    // A schema-level route has no extract blocks.
    rules_route_result res;
    char *cols[3], *vals[3];
    size_t n = 9;
    assert_int_equal(rules_route(&res, r, "test_11", NULL, NULL), 0);
    assert_int_equal(rules_route_extract(cols, vals, &n, r, &res, "test_11", "", "s", NULL), 0);
    assert_int_equal(n, 0);
    rules_router_destroy(r);
}

// Doc "Merge sharded schemas": one schema rule keeps the table names.
static void test_doc_merge_schemas(void **state)
{
    (void)state;
    rules_def_route defs[] = {{.name = "rule-1", .schema_pattern = "test_*",
                               .target_schema = "test"}};
    rules_router *r = make(defs, 1, false);
    expect(r, "test_1", "t_1", "test", "t_1");
    expect(r, "test_2", "t_2", "test", "t_2");
    expect(r, "test_3", "t_3", "test", "t_3");
    rules_router_destroy(r);
}

// Doc "Incorrect table routing": test_1_bak.t_1_bak matches rule-1 and rule-2.
static void test_doc_incorrect_routing(void **state)
{
    (void)state;
    rules_def_route defs[] = {
        {.name = "rule-1", .line = 2, .schema_pattern = "test_*", .table_pattern = "t_*",
         .target_schema = "test", .target_table = "t"},
        {.name = "rule-2", .line = 7, .schema_pattern = "test_1_bak", .table_pattern = "t_1_bak",
         .target_schema = "test", .target_table = "t_bak"},
    };
    rules_router *r = make(defs, 2, false);
    rules_route_result res;
    dm_err err;
    assert_int_equal(rules_route(&res, r, "test_1_bak", "t_1_bak", &err), RULES_ERR_ROUTE_DUP);
    assert_non_null(strstr(err.message, "matches more than one rule"));
    assert_non_null(strstr(err.message, "\"rule-1\" (line 2)"));
    assert_non_null(strstr(err.message, "\"rule-2\" (line 7)"));
    // Other tables still route.
    expect(r, "test_1", "t_1", "test", "t");
    rules_router_destroy(r);

    // Two schema-level rules for one schema are an error too; a table-level rule hides them.
    rules_def_route two[] = {
        {.name = "a", .schema_pattern = "db*", .target_schema = "x"},
        {.name = "b", .schema_pattern = "db1", .target_schema = "y"},
        {.name = "c", .schema_pattern = "db1", .table_pattern = "t", .target_schema = "z"},
    };
    r = make(two, 3, false);
    assert_int_equal(rules_route(&res, r, "db1", NULL, &err), RULES_ERR_ROUTE_DUP);
    assert_int_equal(rules_route(&res, r, "db1", "u", &err), RULES_ERR_ROUTE_DUP);
    expect(r, "db1", "t", "z", "t");
    expect(r, "db2", "u", "x", "u");
    rules_router_destroy(r);
}

// Routes accept `~` regexes in schema-pattern and table-pattern.
static void test_regex_routes(void **state)
{
    (void)state;
    rules_def_route defs[] = {
        {.name = "re", .schema_pattern = "~^shard_[0-9]+$", .table_pattern = "~^orders",
         .target_schema = "all", .target_table = "orders"},
    };
    rules_router *r = make(defs, 1, false);
    expect(r, "shard_12", "orders_2020", "all", "orders");
    expect(r, "shard_x", "orders", "shard_x", "orders");
    rules_router_destroy(r);
}

static void test_errors(void **state)
{
    (void)state;
    rules_router *r = NULL;
    dm_err err;
    rules_def_route no_target[] = {{.name = "r", .line = 3, .schema_pattern = "a"}};
    assert_int_equal(rules_router_create(&r, no_target, 1, false, &err), RULES_ERR_ROUTE);
    assert_non_null(strstr(err.message, "target-schema"));
    rules_def_route no_schema[] = {{.name = "r", .target_schema = "a"}};
    assert_int_equal(rules_router_create(&r, no_schema, 1, false, &err), RULES_ERR_ROUTE);
    rules_def_route bad_wild[] = {{.name = "r", .schema_pattern = "a*b", .target_schema = "a"}};
    assert_int_equal(rules_router_create(&r, bad_wild, 1, false, &err), RULES_ERR_PATTERN);
    assert_non_null(strstr(err.message, "a*b"));
    rules_def_route bad_x[] = {{.name = "r", .schema_pattern = "a", .target_schema = "a",
                                .extract_table = {.target_column = "c", .regex = "(x"}}};
    assert_int_equal(rules_router_create(&r, bad_x, 1, false, &err), RULES_ERR_REGEX);
    rules_def_route half_x[] = {{.name = "r", .schema_pattern = "a", .target_schema = "a",
                                 .extract_source = {.regex = "(x)"}}};
    assert_int_equal(rules_router_create(&r, half_x, 1, false, &err), RULES_ERR_ROUTE);
    assert_null(r);
    rules_router_destroy(NULL);
    // No rules: every table keeps its name.
    r = make(NULL, 0, false);
    expect(r, "a", "b", "a", "b");
    rules_router_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doc_merge_schemas_and_tables),
        cmocka_unit_test(test_doc_extract),
        cmocka_unit_test(test_doc_merge_schemas),
        cmocka_unit_test(test_doc_incorrect_routing),
        cmocka_unit_test(test_regex_routes),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
