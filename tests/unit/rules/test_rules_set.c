// Unit tests for rules_set_create: the rules a task gives one source, from a loaded task.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "rules.h"

static const char task_text[] =
    "name: t\n"
    "task-mode: all\n"
    "case-sensitive: false\n"
    "target-database: {host: 127.0.0.1, port: 4000, user: root, password: \"\"}\n"
    "mysql-instances:\n"
    "  - source-id: s1\n"
    "    block-allow-list: ba\n"
    "    route-rules: [r-table, r-schema]\n"
    "    filter-rules: [f-drop]\n"
    "  - source-id: s2\n"
    "block-allow-list:\n"
    "  ba:\n"
    "    do-dbs: [\"shop_*\"]\n"
    "routes:\n"
    "  r-table: {schema-pattern: \"shop_*\", table-pattern: \"orders_*\", target-schema: shop, "
    "target-table: orders}\n"
    "  r-schema: {schema-pattern: \"shop_*\", target-schema: shop}\n"
    "filters:\n"
    "  f-drop: {schema-pattern: \"shop_*\", table-pattern: \"*\", events: [\"drop table\"], "
    "action: Ignore}\n";

static config_task *load(void)
{
    config_task *t = NULL;
    config_diag diag;
    config_diag_init(&diag);
    int rc = config_task_from_string(&t, task_text, strlen(task_text), "task.yaml", NULL, &diag);
    if (rc != 0) {
        char line[1024];
        fail_msg("task does not load: %s",
                 diag.n_errors ? config_diag_entry_format(line, sizeof(line), &diag.errors[0], false)
                               : "?");
    }
    config_diag_fini(&diag);
    return t;
}

static void test_instance_rules(void **state)
{
    (void)state;
    config_task *t = load();
    rules_set *s = NULL;
    dm_err err;
    assert_int_equal(rules_set_create(&s, t, "s1", NULL, &err), 0);
    config_task_destroy(t); // the set keeps its own copies
    rules_decision d;
    assert_int_equal(rules_balist_match(&d, s->balist, "SHOP_1", "x", NULL), 0);
    assert_true(d.migrated);
    assert_int_equal(rules_balist_match(&d, s->balist, "other", "x", NULL), 0);
    assert_false(d.migrated);
    rules_route_result r;
    assert_int_equal(rules_route(&r, s->router, "shop_1", "orders_7", &err), 0);
    assert_string_equal(r.target_schema, "shop");
    assert_string_equal(r.target_table, "orders");
    assert_int_equal(rules_route(&r, s->router, "shop_1", "users", &err), 0);
    assert_string_equal(r.target_table, "users");
    rules_filter_result f;
    assert_int_equal(rules_filter_event(&f, s->filter, "shop_1", "users", RULES_EVENT_DROP_TABLE,
                                        "DROP TABLE users", &err), 0);
    assert_int_equal(f.action, RULES_ACTION_IGNORE);
    assert_string_equal(f.rule_name, "f-drop");
    rules_set_destroy(s);
}

static void test_source_without_rules_and_source_filters(void **state)
{
    (void)state;
    config_task *t = load();
    rules_set *s = NULL;
    dm_err err;
    // s2 lists no rules: everything migrates under its own name, every event applies.
    assert_int_equal(rules_set_create(&s, t, "s2", NULL, &err), 0);
    rules_decision d;
    assert_int_equal(rules_balist_match(&d, s->balist, "any", "t", NULL), 0);
    assert_true(d.migrated);
    rules_route_result r;
    assert_int_equal(rules_route(&r, s->router, "shop_1", "orders_1", &err), 0);
    assert_string_equal(r.target_schema, "shop_1");
    rules_filter_result f;
    assert_int_equal(rules_filter_event(&f, s->filter, "a", "b", RULES_EVENT_DELETE, NULL, &err), 0);
    assert_int_equal(f.action, RULES_ACTION_DO);
    rules_set_destroy(s);

    // Source-level filters are appended to the task's.
    char *ev[] = {"delete"};
    rules_def_filter sf = {.name = "filter-0", .schema_pattern = "*", .table_pattern = "*",
                           .events = ev, .n_events = 1};
    config_source src = {.filters = &sf, .n_filters = 1};
    assert_int_equal(rules_set_create(&s, t, "s2", &src, &err), 0);
    assert_int_equal(rules_filter_event(&f, s->filter, "a", "b", RULES_EVENT_DELETE, NULL, &err), 0);
    assert_int_equal(f.action, RULES_ACTION_IGNORE);
    assert_string_equal(f.rule_name, "filter-0");
    rules_set_destroy(s);

    assert_int_equal(rules_set_create(&s, t, "nope", NULL, &err), DM_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "\"nope\""));
    assert_null(s);
    assert_int_equal(rules_set_create(&s, NULL, "s1", NULL, &err), DM_ERR_INVALID_ARG);
    rules_set_destroy(NULL);
    config_task_destroy(t);
}

// The task's online-DDL rules (DM's defaults here): gh-ost and pt-osc tables classified with
// the real table's name; none when online-ddl is off; a bad regex named.
static void test_online_rules(void **state)
{
    (void)state;
    config_task *t = load();
    rules_set *s = NULL;
    dm_err err;
    char real[64];
    assert_int_equal(rules_set_create(&s, t, "s1", NULL, &err), 0);
    assert_non_null(s->online);
    assert_int_equal(rules_online_classify(s->online, "_orders_gho", real, sizeof real), RULES_TABLE_GHOST);
    assert_string_equal(real, "orders");
    assert_int_equal(rules_online_classify(s->online, "_orders_new", real, sizeof real), RULES_TABLE_GHOST);
    assert_string_equal(real, "orders");
    assert_int_equal(rules_online_classify(s->online, "_a_b_del", real, sizeof real), RULES_TABLE_TRASH);
    assert_string_equal(real, "a_b");
    assert_int_equal(rules_online_classify(s->online, "_orders_ghc", real, sizeof real), RULES_TABLE_TRASH);
    assert_int_equal(rules_online_classify(s->online, "_orders_old", real, sizeof real), RULES_TABLE_TRASH);
    assert_int_equal(rules_online_classify(s->online, "orders", real, sizeof real), RULES_TABLE_REAL);
    assert_string_equal(real, "");
    assert_int_equal(rules_online_classify(s->online, "_orders_gho_x", real, sizeof real), RULES_TABLE_REAL);
    // a real name that does not fit is given as "" (the table is still a ghost)
    char tiny[3];
    assert_int_equal(rules_online_classify(s->online, "_orders_gho", tiny, sizeof tiny), RULES_TABLE_GHOST);
    assert_string_equal(tiny, "");
    assert_int_equal(rules_online_classify(NULL, "_orders_gho", real, sizeof real), RULES_TABLE_REAL);
    rules_set_destroy(s);
    t->online_ddl = false;
    assert_int_equal(rules_set_create(&s, t, "s1", NULL, &err), 0);
    assert_null(s->online);
    rules_set_destroy(s);
    config_task_destroy(t);

    rules_online *o = NULL;
    const char *bad[] = {"^_(.+_gho$"};
    assert_int_equal(rules_online_create(&o, bad, 1, NULL, 0, &err), RULES_ERR_REGEX);
    assert_null(o);
    assert_non_null(strstr(err.message, "shadow-table rule"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_instance_rules),
        cmocka_unit_test(test_source_without_rules_and_source_filters),
        cmocka_unit_test(test_online_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
