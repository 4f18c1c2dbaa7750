// Compiled rules are immutable and shared across threads: several threads query one
// block/allow list, router and filter at once and must all see the single-threaded answers
// (run under ASan/UBSan in the normal suite; TSan builds check the races).
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rules.h"

typedef struct shared {
    rules_balist *b;
    rules_router *r;
    rules_filter *f;
    int failures;
} shared;

static void *worker(void *arg)
{
    shared *s = arg;
    int bad = 0;
    for (int i = 0; i < 2000; i++) {
        rules_decision d;
        rules_route_result rr;
        rules_filter_result fr;
        if (rules_balist_match(&d, s->b, "forum", "messages", NULL) != 0 || !d.migrated)
            bad++;
        if (rules_balist_match(&d, s->b, "logs", "messages_2016", NULL) != 0 || d.migrated)
            bad++;
        if (rules_route(&rr, s->r, "test_7", "t_3", NULL) != 0 ||
            strcmp(rr.target_table, "t") != 0)
            bad++;
        if (rules_filter_event(&fr, s->f, "test_1", "t_1", RULES_EVENT_NULL, "DROP PROCEDURE p",
                               NULL) != 0 || fr.action != RULES_ACTION_IGNORE)
            bad++;
    }
    __atomic_add_fetch(&s->failures, bad, __ATOMIC_RELAXED);
    return NULL;
}

static void test_concurrent_queries(void **state)
{
    (void)state;
    char *do_dbs[] = {"forum"};
    rules_def_table do_tables[] = {{.db_name = "~^forum.*", .tbl_name = "messages"}};
    rules_def_balist bdef = {.name = "bw", .do_dbs = do_dbs, .n_do_dbs = 1,
                             .do_tables = do_tables, .n_do_tables = 1};
    rules_def_route rdef[] = {{.name = "r", .schema_pattern = "~^test_", .table_pattern = "t_*",
                               .target_schema = "test", .target_table = "t"}};
    char *sqlp[] = {"^DROP\\s+PROCEDURE"};
    rules_def_filter fdef[] = {{.name = "f", .schema_pattern = "test_*", .sql_patterns = sqlp,
                                .n_sql_patterns = 1}};
    shared s = {0};
    assert_int_equal(rules_balist_create(&s.b, &bdef, false, NULL), 0);
    assert_int_equal(rules_router_create(&s.r, rdef, 1, false, NULL), 0);
    assert_int_equal(rules_filter_create(&s.f, fdef, 1, false, NULL), 0);
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, worker, &s), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(s.failures, 0);
    rules_balist_destroy(s.b);
    rules_router_destroy(s.r);
    rules_filter_destroy(s.f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_concurrent_queries)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
