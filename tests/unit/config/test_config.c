// Unit tests of the DM-compatible config loader: defaults, every error kind (each names its
// key and line), alias and unsupported-key warnings, the DM example files, JSON masking.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "config_int.h"
#include "dm_buf.h"
#include "secret.h"

static const char *data_dir(void)
{
    const char *d = getenv("DM_TEST_DATA_DIR");
    return d ? d : DM_TEST_DATA_DIR;
}

static int task_str(config_task **out, const char *yaml, config_diag *d)
{
    config_diag_init(d);
    return config_task_from_string(out, yaml, strlen(yaml), "t.yaml", NULL, d);
}

static int source_str(config_source **out, const char *yaml, config_diag *d)
{
    config_diag_init(d);
    return config_source_from_string(out, yaml, strlen(yaml), "s.yaml", NULL, d);
}

static void dump_diag(const config_diag *d)
{
    char line[2048];
    for (size_t i = 0; i < d->n_errors; i++)
        fprintf(stderr, "  error %d %s\n", d->errors[i].code,
                config_diag_entry_format(line, sizeof(line), &d->errors[i], false));
    for (size_t i = 0; i < d->n_warnings; i++)
        fprintf(stderr, "  warning %d %s\n", d->warnings[i].code,
                config_diag_entry_format(line, sizeof(line), &d->warnings[i], true));
}

// find_entry returns the entry with code whose key contains key (and at line when > 0).
static const config_diag_entry *find_entry(const config_diag *d, bool errors, int code,
                                           const char *key, int line)
{
    const config_diag_entry *arr = errors ? d->errors : d->warnings;
    size_t n = errors ? d->n_errors : d->n_warnings;
    for (size_t i = 0; i < n; i++)
        if (arr[i].code == code && strstr(arr[i].key, key) != NULL &&
            (line <= 0 || arr[i].line == line))
            return &arr[i];
    return NULL;
}

// expect_error asserts an error with code, naming key, at line; the formatted message must
// carry the file, the line and the key.
static void expect_error(const config_diag *d, int code, const char *key, int line)
{
    const config_diag_entry *e = find_entry(d, true, code, key, line);
    char buf[2048], want[256];
    if (e == NULL) {
        fprintf(stderr, "missing error %d key=%s line=%d; got:\n", code, key, line);
        dump_diag(d);
    }
    assert_non_null(e);
    config_diag_entry_format(buf, sizeof(buf), e, false);
    snprintf(want, sizeof(want), ":%d:", line);
    assert_non_null(strstr(buf, want));
    assert_non_null(strstr(buf, key));
    assert_true(strncmp(buf, e->file, strlen(e->file)) == 0);
}

static const char *MIN_TASK = "name: t1\n"
                              "task-mode: all\n"
                              "target-database:\n"
                              "  host: 127.0.0.1\n"
                              "  user: root\n"
                              "mysql-instances:\n"
                              "  - source-id: s1\n";

static void test_task_defaults(void **state)
{
    config_task *t = NULL;
    config_diag d;
    config_instance *in;
    (void)state;
    assert_int_equal(task_str(&t, MIN_TASK, &d), 0);
    assert_int_equal(d.n_errors, 0);
    assert_int_equal(d.n_warnings, 0);
    assert_string_equal(t->name, "t1");
    assert_int_equal(t->task_mode, CONFIG_TASK_MODE_ALL);
    assert_int_equal(t->shard_mode, CONFIG_SHARD_MODE_NONE);
    assert_string_equal(t->meta_schema, "dm_meta");
    assert_true(t->online_ddl);
    assert_true(t->clean_dump_file);
    assert_string_equal(t->collation_compatible, "loose");
    assert_int_equal(t->n_shadow_table_rules, 1);
    assert_string_equal(t->shadow_table_rules[0], "^_(.+)_(?:new|gho)$");
    assert_string_equal(t->trash_table_rules[0], "^_(.+)_(?:ghc|del|old)$");
    assert_int_equal(t->target_db.port, 3306);
    assert_string_equal(t->target_db.password, "");
    assert_int_equal(t->n_instances, 1);
    in = &t->instances[0];
    assert_string_equal(in->source_id, "s1");
    assert_null(in->meta);
    assert_null(in->block_allow_list);
    assert_int_equal(in->mydumper.threads, 4);
    assert_string_equal(in->mydumper.chunk_filesize, "64");
    assert_true(in->mydumper.skip_tz_utc);
    assert_int_equal(in->loader.pool_size, 16);
    assert_string_equal(in->loader.import_mode, "logical");
    assert_string_equal(in->loader.on_duplicate_logical, "replace");
    assert_int_equal(in->syncer.worker_count, 16);
    assert_int_equal(in->syncer.batch, 100);
    assert_int_equal(in->syncer.queue_size, 1024);
    assert_int_equal(in->syncer.checkpoint_flush_interval, 30);
    assert_string_equal(in->syncer.safe_mode_duration, "60s");
    assert_int_equal(in->syncer.safe_mode_duration_ms, 60000);
    assert_string_equal(in->validator.mode, "none");
    config_task_destroy(t);
    config_diag_fini(&d);
}

static void test_thread_shortcuts_and_named_configs(void **state)
{
    const char *y = "name: t\ntask-mode: incremental\nshard-mode: optimistic\n"
                    "target-database: {host: h}\n"
                    "syncers:\n  g:\n    worker-count: 8\n    checkpoint-flush-interval: 10\n"
                    "mydumpers:\n  m:\n    threads: 2\n"
                    "mysql-instances:\n"
                    "  - source-id: a\n    syncer-config-name: g\n    mydumper-config-name: m\n"
                    "    meta: {binlog-gtid: '0-1-5'}\n"
                    "  - source-id: b\n    syncer-config-name: g\n    syncer-thread: 3\n"
                    "    mydumper-thread: 7\n    meta: {binlog-name: mysql-bin.000002, binlog-pos: 4}\n";
    config_task *t = NULL;
    config_diag d;
    (void)state;
    assert_int_equal(task_str(&t, y, &d), 0);
    assert_int_equal(t->task_mode, CONFIG_TASK_MODE_INCREMENTAL);
    assert_int_equal(t->shard_mode, CONFIG_SHARD_MODE_OPTIMISTIC);
    assert_int_equal(t->instances[0].syncer.worker_count, 8);
    assert_string_equal(t->instances[0].syncer.safe_mode_duration, "20s");
    assert_int_equal(t->instances[0].mydumper.threads, 2);
    assert_int_equal(t->instances[1].syncer.worker_count, 3);
    assert_int_equal(t->instances[1].mydumper.threads, 7);
    assert_string_equal(t->instances[1].meta->binlog_name, "mysql-bin.000002");
    assert_int_equal(t->instances[1].meta->binlog_pos, 4);
    config_task_destroy(t);
    config_diag_fini(&d);
}

static void test_source_defaults(void **state)
{
    config_source *s = NULL;
    config_diag d;
    (void)state;
    assert_int_equal(source_str(&s, "source-id: m1\nfrom:\n  host: h\n  port: 3307\n", &d), 0);
    assert_int_equal(d.n_errors + d.n_warnings, 0);
    assert_string_equal(s->source_id, "m1");
    assert_true(s->enable);
    assert_false(s->enable_gtid);
    assert_false(s->enable_relay);
    assert_string_equal(s->relay_dir, "relay-dir");
    assert_string_equal(s->flavor, "");
    assert_int_equal(s->purge.interval, 3600);
    assert_int_equal(s->purge.expires, 0);
    assert_int_equal(s->purge.remain_space, 15);
    assert_true(s->checker.check_enable);
    assert_int_equal(s->checker.backoff_rollback_ms, 300000);
    assert_int_equal(s->checker.backoff_max_ms, 300000);
    assert_int_equal(s->checker.backoff_min_ms, 1000);
    assert_int_equal(s->from.port, 3307);
    assert_string_equal(s->from.user, "");
    assert_int_equal(s->source_id_pos.line, 1);
    config_source_destroy(s);
    config_diag_fini(&d);
}

static void load_file(const char *name, bool task, config_diag *d, void **out)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/config/%s", data_dir(), name);
    config_diag_init(d);
    if (task)
        assert_int_equal(config_task_load((config_task **)out, path, d), 0);
    else
        assert_int_equal(config_source_load((config_source **)out, path, d), 0);
}

static void assert_only_benign_warnings(const config_diag *d)
{
    for (size_t i = 0; i < d->n_warnings; i++) {
        int c = d->warnings[i].code;
        assert_true(c == CONFIG_WARN_UNSUPPORTED || c == CONFIG_WARN_DEPRECATED ||
                    c == CONFIG_WARN_IGNORED || c == CONFIG_WARN_NOTICE);
        assert_true(d->warnings[i].line > 0);
        assert_true(d->warnings[i].key[0] != '\0');
    }
}

static void test_dm_full_task_example(void **state)
{
    config_task *t = NULL;
    config_diag d;
    json_t *j;
    char *s;
    (void)state;
    load_file("dm-task-full.yaml", true, &d, (void **)&t);
    assert_int_equal(d.n_errors, 0);
    assert_only_benign_warnings(&d);
    assert_non_null(find_entry(&d, false, CONFIG_WARN_UNSUPPORTED, "validators", 188));
    assert_non_null(find_entry(&d, false, CONFIG_WARN_DEPRECATED, "online-ddl-scheme", 14));
    assert_int_equal(t->shard_mode, CONFIG_SHARD_MODE_PESSIMISTIC);
    assert_int_equal(t->n_routes, 2);
    assert_string_equal(t->routes[0].name, "route-rule-1");
    assert_int_equal(t->routes[0].line, 39);
    assert_string_equal(t->routes[0].target_table, "t");
    assert_null(t->routes[1].table_pattern);
    assert_int_equal(t->n_filters, 2);
    assert_int_equal(t->filters[0].n_events, 2);
    assert_string_equal(t->filters[0].events[1], "drop table");
    assert_false(t->filters[0].action_do);
    assert_true(t->filters[1].action_do);
    assert_int_equal(t->n_balists, 2);
    assert_int_equal(t->balists[0].n_do_dbs, 2);
    assert_string_equal(t->balists[0].do_dbs[0], "~^test.*");
    assert_int_equal(t->balists[0].n_do_tables, 2);
    assert_string_equal(t->balists[0].do_tables[1].tbl_name, "information");
    assert_int_equal(t->balists[1].n_ignore_tables, 1);
    assert_int_equal(t->n_expr_filters, 1);
    assert_string_equal(t->expr_filters[0].insert_value_expr, "c % 2 = 0");
    assert_int_equal(t->n_instances, 2);
    assert_string_equal(t->instances[0].block_allow_list, "bw-rule-1");
    assert_int_equal(t->instances[0].n_route_rules, 2);
    assert_string_equal(t->instances[0].validator.mode, "full");
    assert_int_equal(t->instances[0].validator.row_error_delay_ms, 30 * 60 * 1000);
    assert_int_equal(t->instances[1].syncer.worker_count, 16);
    assert_string_equal(t->target_db.session[0].name, "sql_mode");
    // Lookups the daemons use to resolve an instance's rules.
    assert_ptr_equal(config_task_instance(t, "mysql-replica-02"), &t->instances[1]);
    assert_null(config_task_instance(t, "nope"));
    assert_ptr_equal(config_task_route(t, t->instances[0].route_rules[1].name), &t->routes[1]);
    assert_ptr_equal(config_task_filter(t, "filter-rule-2"), &t->filters[1]);
    assert_ptr_equal(config_task_balist(t, t->instances[0].block_allow_list), &t->balists[0]);
    assert_ptr_equal(config_task_expr_filter(t, "even_c"), &t->expr_filters[0]);
    assert_null(config_task_route(t, "even_c"));
    assert_string_equal(t->target_db.security->ssl_ca, "/path/to/ca.pem");
    // The normalized JSON masks the password.
    j = config_task_to_json(t);
    assert_non_null(j);
    s = json_dumps(j, JSON_COMPACT);
    assert_null(strstr(s, "/Q7B9DizNLLTTfiZHv9WoEAKamfpIUs="));
    assert_non_null(strstr(s, "\"password\":\"******\""));
    free(s);
    json_decref(j);
    config_task_destroy(t);
    config_diag_fini(&d);
}

static void test_dm_source_examples(void **state)
{
    config_source *s = NULL;
    config_diag d;
    json_t *j;
    char *txt;
    (void)state;
    load_file("dm-source-full.yaml", false, &d, (void **)&s);
    assert_int_equal(d.n_errors, 0);
    assert_only_benign_warnings(&d);
    assert_non_null(find_entry(&d, false, CONFIG_WARN_DEPRECATED, "tracer", 53));
    assert_int_equal(s->server_id, 101);
    assert_string_equal(s->flavor, "mysql");
    assert_int_equal(s->n_filters, 1);
    assert_string_equal(s->filters[0].sql_patterns[0], "alter table .* add column `aaa` int");
    assert_int_equal(s->filters[0].line, 43);
    assert_string_equal(s->from.session[0].value, "+00:00");
    j = config_source_to_json(s);
    txt = json_dumps(j, JSON_COMPACT);
    assert_null(strstr(txt, "ZqMLjZ2j5khNelDEfDoUhkD5aV5fIJOe0fiog9w="));
    assert_non_null(strstr(txt, "\"password\":\"******\""));
    free(txt);
    json_decref(j);
    config_source_destroy(s);
    config_diag_fini(&d);

    load_file("dm-source-sample.yaml", false, &d, (void **)&s);
    assert_int_equal(d.n_errors + d.n_warnings, 0);
    assert_string_equal(s->from.password, "123456");
    config_source_destroy(s);
    config_diag_fini(&d);
}

static void test_unknown_key_and_types(void **state)
{
    const char *y = "name: t\n"                       // 1
                    "task-mode: all\n"                // 2
                    "bogus-key: 1\n"                  // 3
                    "target-database:\n"              // 4
                    "  host: h\n"                     // 5
                    "  port: \"4000\"\n"              // 6 quoted: a string, not an int
                    "  pasword: x\n"                  // 7
                    "case-sensitive: maybe\n"         // 8
                    "online-ddl: [1]\n"               // 9
                    "mysql-instances:\n"              // 10
                    "  - source-id: s\n"              // 11
                    "    syncer-thread: many\n";      // 12
    config_task *t = NULL;
    config_diag d;
    (void)state;
    assert_int_equal(task_str(&t, y, &d), CONFIG_ERR_INVALID);
    assert_null(t);
    expect_error(&d, CONFIG_ERR_UNKNOWN_KEY, "bogus-key", 3);
    expect_error(&d, CONFIG_ERR_TYPE, "target-database.port", 6);
    expect_error(&d, CONFIG_ERR_UNKNOWN_KEY, "target-database.pasword", 7);
    expect_error(&d, CONFIG_ERR_TYPE, "case-sensitive", 8);
    expect_error(&d, CONFIG_ERR_TYPE, "online-ddl", 9);
    expect_error(&d, CONFIG_ERR_TYPE, "mysql-instances[0].syncer-thread", 12);
    // Every problem is reported, not only the first.
    assert_int_equal(d.n_errors, 6);
    config_diag_fini(&d);
}

static void test_missing_required(void **state)
{
    config_task *t = NULL;
    config_source *s = NULL;
    config_diag d;
    (void)state;
    assert_int_equal(task_str(&t, "task-mode: all\nmeta-schema: x\n", &d), CONFIG_ERR_INVALID);
    expect_error(&d, CONFIG_ERR_MISSING, "name", 1);
    expect_error(&d, CONFIG_ERR_MISSING, "target-database", 1);
    expect_error(&d, CONFIG_ERR_MISSING, "mysql-instances", 1);
    config_diag_fini(&d);
    assert_int_equal(task_str(&t,
                              "name: x\ntask-mode: all\ntarget-database: {host: h}\n"
                              "mysql-instances:\n  - route-rules: []\n",
                              &d),
                     CONFIG_ERR_INVALID);
    expect_error(&d, CONFIG_ERR_MISSING, "mysql-instances[0]", 5);
    config_diag_fini(&d);
    assert_int_equal(task_str(&t, "name: x\ntarget-database: {host: h}\n"
                                  "mysql-instances: [{source-id: a}]\n",
                              &d),
                     CONFIG_ERR_INVALID);
    expect_error(&d, CONFIG_ERR_MISSING, "task-mode", 1);
    config_diag_fini(&d);
    assert_int_equal(source_str(&s, "enable-gtid: true\n", &d), CONFIG_ERR_INVALID);
    expect_error(&d, CONFIG_ERR_MISSING, "source-id", 1);
    expect_error(&d, CONFIG_ERR_MISSING, "from", 1);
    config_diag_fini(&d);
}

static void test_bad_enums(void **state)
{
    const char *y = "name: x\n"
                    "task-mode: everything\n"    // 2
                    "shard-mode: sometimes\n"    // 3
                    "online-ddl-scheme: osc\n"   // 4
                    "collation_compatible: lax\n" // 5
                    "ignore-checking-items: [version, nope]\n" // 6
                    "target-database: {host: h}\n"
                    "filters:\n"
                    "  f:\n"                      // 9
                    "    schema-pattern: s\n"
                    "    events: [\"insert\", \"explode\"]\n" // 11
                    "    action: Maybe\n"         // 12
                    "mysql-instances: [{source-id: a, filter-rules: [f]}]\n";
    config_task *t = NULL;
    config_diag d;
    (void)state;
    assert_int_equal(task_str(&t, y, &d), CONFIG_ERR_INVALID);
    expect_error(&d, CONFIG_ERR_ENUM, "task-mode", 2);
    expect_error(&d, CONFIG_ERR_ENUM, "shard-mode", 3);
    expect_error(&d, CONFIG_ERR_ENUM, "online-ddl-scheme", 4);
    expect_error(&d, CONFIG_ERR_ENUM, "collation_compatible", 5);
    expect_error(&d, CONFIG_ERR_ENUM, "ignore-checking-items[1]", 6);
    expect_error(&d, CONFIG_ERR_ENUM, "filters.f.events[1]", 11);
    expect_error(&d, CONFIG_ERR_ENUM, "filters.f.action", 12);
    assert_non_null(strstr(find_entry(&d, true, CONFIG_ERR_ENUM, "task-mode", 2)->message,
                           "everything"));
    config_diag_fini(&d);
}

static void test_rule_references(void **state)
{
    const char *y = "name: x\ntask-mode: all\ntarget-database: {host: h}\n" // 1-3
                    "routes:\n"                                             // 4
                    "  r1: {schema-pattern: a, target-schema: b}\n"         // 5
                    "  unused-route: {schema-pattern: a, target-schema: c}\n" // 6
                    "filters:\n"                                            // 7
                    "  lonely: {schema-pattern: a, events: [all], action: Do}\n" // 8
                    "syncers:\n"                                            // 9
                    "  s1: {worker-count: 2}\n"                             // 10
                    "block-allow-list:\n"                                   // 11
                    "  ba: {do-dbs: [a]}\n"                                 // 12
                    "mysql-instances:\n"                                    // 13
                    "  - source-id: a\n"                                    // 14
                    "    route-rules: [r1, missing-route, r1]\n"            // 15
                    "    filter-rules: [nofilter]\n"                        // 16
                    "    block-allow-list: nolist\n"                        // 17
                    "    syncer-config-name: nosyncer\n"                    // 18
                    "    expression-filters: [noexpr]\n";                   // 19
    config_task *t = NULL;
    config_diag d;
    (void)state;
    assert_int_equal(task_str(&t, y, &d), CONFIG_ERR_INVALID);
    expect_error(&d, CONFIG_ERR_RULE_NOT_FOUND, "mysql-instances[0].route-rules[1]", 15);
    expect_error(&d, CONFIG_ERR_DUP_REF, "mysql-instances[0].route-rules[2]", 15);
    expect_error(&d, CONFIG_ERR_RULE_NOT_FOUND, "mysql-instances[0].filter-rules[0]", 16);
    expect_error(&d, CONFIG_ERR_RULE_NOT_FOUND, "mysql-instances[0].block-allow-list", 17);
    expect_error(&d, CONFIG_ERR_RULE_NOT_FOUND, "mysql-instances[0].syncer-config-name", 18);
    expect_error(&d, CONFIG_ERR_RULE_NOT_FOUND, "mysql-instances[0].expression-filters[0]", 19);
    expect_error(&d, CONFIG_ERR_RULE_UNUSED, "routes.unused-route", 6);
    expect_error(&d, CONFIG_ERR_RULE_UNUSED, "filters.lonely", 8);
    expect_error(&d, CONFIG_ERR_RULE_UNUSED, "syncers.s1", 10);
    // An unused block-allow-list rule is not an error (DM does not check it).
    assert_null(find_entry(&d, true, CONFIG_ERR_RULE_UNUSED, "block-allow-list", 0));
    config_diag_fini(&d);
}

static void test_source_ids(void **state)
{
    const char *y = "name: x\ntask-mode: all\ntarget-database: {host: h}\n"
                    "mysql-instances:\n"
                    "  - source-id: dup\n"                                          // 5
                    "  - source-id: dup\n"                                          // 6
                    "  - source-id: abcdefghijklmnopqrstuvwxyz0123456789\n";        // 7
    config_task *t = NULL;
    config_source *s = NULL;
    config_diag d;
    (void)state;
    assert_int_equal(task_str(&t, y, &d), CONFIG_ERR_INVALID);
    expect_error(&d, CONFIG_ERR_DUP_SOURCE, "mysql-instances[1].source-id", 6);
    expect_error(&d, CONFIG_ERR_SOURCE_ID_LEN, "mysql-instances[2].source-id", 7);
    config_diag_fini(&d);
    assert_int_equal(source_str(&s, "from: {host: h}\nsource-id: abcdefghijklmnopqrstuvwxyz0123456789\n",
                                &d),
                     CONFIG_ERR_INVALID);
    expect_error(&d, CONFIG_ERR_SOURCE_ID_LEN, "source-id", 2);
    config_diag_fini(&d);
}

static void test_regex_errors(void **state)
{
    const char *y = "name: x\ntask-mode: all\ntarget-database: {host: h}\n" // 1-3
                    "block-allow-list:\n"                                  // 4
                    "  ba:\n"                                              // 5
                    "    do-dbs: [\"~^(unclosed\"]\n"                      // 6
                    "    do-tables:\n"                                     // 7
                    "      - db-name: ok\n"                                // 8
                    "        tbl-name: \"~[z-a]\"\n"                       // 9
                    "filters:\n"                                           // 10
                    "  f:\n"                                               // 11
                    "    schema-pattern: s\n"                              // 12
                    "    sql-pattern: [\"alter (table\"]\n"                // 13
                    "    action: Ignore\n"                                 // 14
                    "routes:\n"                                            // 15
                    "  r:\n"                                               // 16
                    "    schema-pattern: \"~a{2,1}\"\n"                    // 17
                    "    target-schema: t\n"                               // 18
                    "    extract-table: {table-regexp: \"t_(.*\", target-column: c}\n" // 19
                    "shadow-table-rules: [\"_(.+)_new\", \"_(.+)_(x)\"]\n" // 20
                    "mysql-instances:\n"
                    "  - {source-id: a, block-allow-list: ba, filter-rules: [f], route-rules: [r]}\n";
    config_task *t = NULL;
    config_diag d;
    const config_diag_entry *e;
    (void)state;
    assert_int_equal(task_str(&t, y, &d), CONFIG_ERR_INVALID);
    expect_error(&d, CONFIG_ERR_REGEX, "block-allow-list.ba.do-dbs[0]", 6);
    e = find_entry(&d, true, CONFIG_ERR_REGEX, "do-dbs[0]", 6);
    assert_non_null(strstr(e->message, "^(unclosed"));
    assert_non_null(strstr(e->message, "offset"));
    expect_error(&d, CONFIG_ERR_REGEX, "block-allow-list.ba.do-tables[0].tbl-name", 9);
    expect_error(&d, CONFIG_ERR_REGEX, "filters.f.sql-pattern[0]", 13);
    expect_error(&d, CONFIG_ERR_REGEX, "routes.r.schema-pattern", 17);
    expect_error(&d, CONFIG_ERR_REGEX, "routes.r.extract-table.table-regexp", 19);
    expect_error(&d, CONFIG_ERR_REGEX, "shadow-table-rules[1]", 20);
    assert_null(find_entry(&d, true, CONFIG_ERR_REGEX, "shadow-table-rules[0]", 0));
    config_diag_fini(&d);
}

static void test_conflicts_and_meta(void **state)
{
    const char *y = "name: x\ntask-mode: incremental\ntarget-database: {host: h}\n" // 1-3
                    "strict-optimistic-shard-mode: true\n"                         // 4
                    "mydumpers:\n  m: {threads: 2}\n"                              // 5-6
                    "loaders:\n  l: {pool-size: 2}\n"                              // 7-8
                    "syncers:\n  s: {safe-mode: true, safe-mode-duration: 0s}\n"   // 9-10
                    "expression-filter:\n"                                         // 11
                    "  e: {schema: a, table: b, insert-value-expr: 'c>1', delete-value-expr: 'c<1'}\n"
                    "mysql-instances:\n"                                           // 13
                    "  - source-id: a\n"                                           // 14
                    "    mydumper-config-name: m\n"                                // 15
                    "    mydumper:\n"                                              // 16
                    "      threads: 3\n"                                           // 17
                    "    loader-config-name: l\n"                                  // 18
                    "    loader: {pool-size: 3}\n"                                 // 19
                    "    syncer-config-name: s\n"                                  // 20
                    "    expression-filters: [e]\n"                                // 21
                    "    meta: {binlog-pos: 4}\n"                                  // 22
                    "  - source-id: b\n";                                          // 23
    config_task *t = NULL;
    config_diag d;
    (void)state;
    assert_int_equal(task_str(&t, y, &d), CONFIG_ERR_INVALID);
    expect_error(&d, CONFIG_ERR_CONFLICT, "strict-optimistic-shard-mode", 4);
    expect_error(&d, CONFIG_ERR_CONFLICT, "mysql-instances[0].mydumper", 17);
    assert_non_null(strstr(find_entry(&d, true, CONFIG_ERR_CONFLICT, "mydumper", 17)->message,
                           "mydumper-config-name and mydumper cannot both be set"));
    expect_error(&d, CONFIG_ERR_CONFLICT, "mysql-instances[0].loader", 19);
    expect_error(&d, CONFIG_ERR_CONFLICT, "syncer.safe-mode-duration", 10);
    expect_error(&d, CONFIG_ERR_CONFLICT, "expression-filter.e", 12);
    expect_error(&d, CONFIG_ERR_META, "mysql-instances[0].meta", 22);
    // Incremental without meta: DM only warns (starts from the checkpoint or current position).
    assert_non_null(find_entry(&d, false, CONFIG_WARN_NOTICE, "mysql-instances[1]", 23));
    config_diag_fini(&d);
}

static void test_aliases_and_deprecations(void **state)
{
    const char *y = "name: x\ntask-mode: all\ntarget-database: {host: h}\n" // 1-3
                    "is-sharding: true\n"                                  // 4
                    "enable-heartbeat: true\n"                             // 5
                    "black-white-list:\n"                                  // 6
                    "  old: {do-dbs: [a]}\n"                               // 7
                    "mysql-instances:\n"                                   // 8
                    "  - source-id: a\n"                                   // 9
                    "    black-white-list: old\n"                          // 10
                    "    column-mapping-rules: [cm]\n";                    // 11
    config_task *t = NULL;
    config_diag d;
    (void)state;
    assert_int_equal(task_str(&t, y, &d), 0);
    assert_non_null(find_entry(&d, false, CONFIG_WARN_DEPRECATED, "black-white-list", 6));
    assert_non_null(find_entry(&d, false, CONFIG_WARN_DEPRECATED, "mysql-instances[0].black-white-list", 10));
    assert_non_null(find_entry(&d, false, CONFIG_WARN_DEPRECATED, "is-sharding", 4));
    assert_non_null(find_entry(&d, false, CONFIG_WARN_DEPRECATED, "enable-heartbeat", 5));
    assert_non_null(find_entry(&d, false, CONFIG_WARN_DEPRECATED, "column-mapping-rules", 11));
    assert_int_equal(t->shard_mode, CONFIG_SHARD_MODE_PESSIMISTIC);
    assert_false(t->enable_heartbeat);
    assert_int_equal(t->n_balists, 1);
    assert_string_equal(t->balists[0].name, "old");
    assert_string_equal(t->instances[0].block_allow_list, "old");
    config_task_destroy(t);
    config_diag_fini(&d);
    // column-mappings with rules: DM rejects it.
    assert_int_equal(task_str(&t,
                              "name: x\ntask-mode: all\ntarget-database: {host: h}\n"
                              "column-mappings:\n  cm: {schema-pattern: a, expression: add_prefix}\n"
                              "mysql-instances: [{source-id: a}]\n",
                              &d),
                     CONFIG_ERR_INVALID);
    expect_error(&d, CONFIG_ERR_DEPRECATED, "column-mappings", 4);
    config_diag_fini(&d);
}

static void test_yaml_errors_and_dup_keys(void **state)
{
    config_task *t = NULL;
    config_source *s = NULL;
    config_diag d;
    (void)state;
    assert_int_equal(task_str(&t, "name: x\ntask-mode: [all\n", &d), CONFIG_ERR_YAML);
    assert_int_equal(d.n_errors, 1);
    assert_int_equal(d.errors[0].code, CONFIG_ERR_YAML);
    assert_true(d.errors[0].line >= 2);
    config_diag_fini(&d);
    assert_int_equal(source_str(&s, "source-id: a\nfrom: {host: h}\nsource-id: b\n", &d),
                     CONFIG_ERR_INVALID);
    expect_error(&d, CONFIG_ERR_DUP_KEY, "source-id", 3);
    config_diag_fini(&d);
    assert_int_equal(source_str(&s, "- a\n- b\n", &d), CONFIG_ERR_INVALID);
    expect_error(&d, CONFIG_ERR_TYPE, "", 1);
    config_diag_fini(&d);
    assert_int_equal(source_str(&s, "", &d), CONFIG_ERR_INVALID);
    config_diag_fini(&d);
}

static void test_anchors_merge_and_bombs(void **state)
{
    const char *y = "name: x\ntask-mode: all\n"
                    "target-database: &db {host: h, port: 4000}\n"
                    "syncers:\n  base: &base {worker-count: 4, batch: 50}\n"
                    "mysql-instances:\n"
                    "  - source-id: a\n    syncer:\n      <<: *base\n      batch: 7\n"
                    "  - source-id: b\n    syncer-config-name: base\n";
    const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
                       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                       "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                       "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                       "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                       "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                       "ignore-checking-items: *g\n";
    config_task *t = NULL;
    config_diag d;
    (void)state;
    assert_int_equal(task_str(&t, y, &d), 0);
    assert_int_equal(t->target_db.port, 4000);
    assert_int_equal(t->instances[0].syncer.worker_count, 4);
    assert_int_equal(t->instances[0].syncer.batch, 7);
    assert_int_equal(t->instances[1].syncer.batch, 50);
    config_task_destroy(t);
    config_diag_fini(&d);
    // Exponential aliases are bounded (an error, quickly), not walked.
    assert_int_equal(task_str(&t, bomb, &d), CONFIG_ERR_INVALID);
    assert_true(d.n_errors > 0);
    config_diag_fini(&d);
}

// Inputs that would make libyaml quadratic are refused up front, quickly.
static void test_pathological_yaml_refused(void **state)
{
    size_t n = 100000;
    char *deep = malloc(2 * n + 64), *p;
    config_task *t = NULL;
    config_diag d;
    dm_buf b;
    (void)state;
    p = deep + sprintf(deep, "ignore-checking-items: ");
    memset(p, '[', n);
    memset(p + n, ']', n);
    p[2 * n] = '\0';
    assert_int_equal(task_str(&t, deep, &d), CONFIG_ERR_TOO_LARGE);
    expect_error(&d, CONFIG_ERR_TOO_LARGE, "", 1);
    config_diag_fini(&d);
    free(deep);
    dm_buf_init(&b);
    dm_buf_puts(&b, "x:\n");
    for (int i = 0; i < 2000; i++)
        dm_buf_printf(&b, "  - &a%d 1\n", i);
    assert_int_equal(task_str(&t, b.data, &d), CONFIG_ERR_TOO_LARGE);
    assert_non_null(strstr(d.errors[0].message, "anchors"));
    config_diag_fini(&d);
    dm_buf_fini(&b);
}

static void test_source_checks(void **state)
{
    const char *y = "source-id: s\n"
                    "flavor: oracle\n"                  // 2
                    "relay-binlog-gtid: not-a-gtid\n"   // 3
                    "relay-binlog-name: ../etc/passwd\n" // 4
                    "from: {host: h, port: 70000}\n"    // 5
                    "checker: {backoff-max: 10ms}\n"    // 6
                    "purge: {interval: x}\n"            // 7
                    "filters:\n"
                    "  - {schema-pattern: '~(', action: Do}\n"; // 9
    config_source *s = NULL;
    config_diag d;
    (void)state;
    assert_int_equal(source_str(&s, y, &d), CONFIG_ERR_INVALID);
    expect_error(&d, CONFIG_ERR_ENUM, "flavor", 2);
    expect_error(&d, CONFIG_ERR_VALUE, "relay-binlog-gtid", 3);
    expect_error(&d, CONFIG_ERR_VALUE, "relay-binlog-name", 4);
    expect_error(&d, CONFIG_ERR_VALUE, "from", 5);
    expect_error(&d, CONFIG_ERR_VALUE, "checker.backoff-max", 6);
    expect_error(&d, CONFIG_ERR_TYPE, "purge.interval", 7);
    expect_error(&d, CONFIG_ERR_REGEX, "filters[0].schema-pattern", 9);
    config_diag_fini(&d);
    assert_int_equal(source_str(&s,
                                "source-id: s\nfrom: {host: h}\nflavor: mariadb\n"
                                "relay-binlog-gtid: 0-1-100,1-2-3\nchecker: {backoff-max: 1m30s}\n",
                                &d),
                     0);
    assert_int_equal(s->checker.backoff_max_ms, 90000);
    config_source_destroy(s);
    config_diag_fini(&d);
    // A GTID cut short after a number (found by fuzz_config: the check read past the end).
    const char *short_gtids[] = {"5", "0-1", "0-", "0-1-2,3"};
    for (size_t i = 0; i < sizeof(short_gtids) / sizeof(short_gtids[0]); i++) {
        char text[128];
        snprintf(text, sizeof text, "source-id: s\nfrom: {host: h}\nrelay-binlog-gtid: \"%s\"\n", short_gtids[i]);
        assert_int_equal(source_str(&s, text, &d), CONFIG_ERR_INVALID);
        expect_error(&d, CONFIG_ERR_VALUE, "relay-binlog-gtid", 3);
        config_diag_fini(&d);
    }
}

static void test_encrypted_password(void **state)
{
    char dir[] = "/tmp/dm-config-test.XXXXXX", key_path[256], yaml[512];
    config_load_opts opts;
    secret_key key;
    char *ct = NULL;
    config_source *s = NULL;
    config_diag d;
    json_t *j;
    char *txt;
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(key_path, sizeof(key_path), "%s/secret.key", dir);
    assert_int_equal(secret_key_load_or_create(&key, key_path, NULL, NULL), 0);
    assert_int_equal(secret_encrypt(&ct, &key, "p@ss word", 9, NULL), 0);
    snprintf(yaml, sizeof(yaml), "source-id: s\nfrom:\n  host: h\n  password: %s\n", ct);
    opts.secret_key_path = key_path;
    config_diag_init(&d);
    assert_int_equal(config_source_from_string(&s, yaml, strlen(yaml), "s.yaml", &opts, &d), 0);
    assert_int_equal(d.n_warnings, 0);
    assert_string_equal(s->from.password, "p@ss word");
    assert_true(s->from.password_encrypted);
    j = config_source_to_json(s);
    txt = json_dumps(j, JSON_COMPACT);
    assert_null(strstr(txt, "p@ss word"));
    assert_null(strstr(txt, ct));
    free(txt);
    json_decref(j);
    config_source_destroy(s);
    config_diag_fini(&d);
    // Without the key: used as plaintext, as DM does, with a warning naming the key.
    snprintf(key_path, sizeof(key_path), "%s/missing.key", dir);
    config_diag_init(&d);
    assert_int_equal(config_source_from_string(&s, yaml, strlen(yaml), "s.yaml", &opts, &d), 0);
    assert_string_equal(s->from.password, ct);
    assert_non_null(find_entry(&d, false, CONFIG_WARN_PASSWORD, "from.password", 4));
    config_source_destroy(s);
    config_diag_fini(&d);
    free(ct);
    snprintf(key_path, sizeof(key_path), "%s/secret.key", dir);
    unlink(key_path);
    rmdir(dir);
}

static void test_detect_kind_and_durations(void **state)
{
    char buf[32];
    int64_t ms;
    (void)state;
    assert_int_equal(config_detect_kind(MIN_TASK, strlen(MIN_TASK)), CONFIG_KIND_TASK);
    assert_int_equal(config_detect_kind("source-id: a\n", 13), CONFIG_KIND_SOURCE);
    assert_int_equal(config_detect_kind("x: 1\n", 5), CONFIG_KIND_UNKNOWN);
    assert_int_equal(config_detect_kind("[: bad", 6), CONFIG_KIND_UNKNOWN);
    assert_int_equal(config_parse_duration("1m30s", &ms), 0);
    assert_int_equal(ms, 90000);
    assert_int_equal(config_parse_duration("1.5h", &ms), 0);
    assert_int_equal(ms, 5400000);
    assert_int_equal(config_parse_duration("300ms", &ms), 0);
    assert_int_equal(ms, 300);
    assert_int_equal(config_parse_duration("0", &ms), 0);
    assert_int_equal(ms, 0);
    assert_int_equal(config_parse_duration("-2s", &ms), 0);
    assert_int_equal(ms, -2000);
    assert_int_equal(config_parse_duration("5", &ms), -1);
    assert_int_equal(config_parse_duration("5x", &ms), -1);
    assert_int_equal(config_parse_duration("", &ms), -1);
    assert_int_equal(config_parse_duration(".s", &ms), -1);
    config_format_duration(buf, sizeof(buf), 300000);
    assert_string_equal(buf, "5m0s");
    config_format_duration(buf, sizeof(buf), 1500);
    assert_string_equal(buf, "1.5s");
    config_format_duration(buf, sizeof(buf), 3723000);
    assert_string_equal(buf, "1h2m3s");
    config_format_duration(buf, sizeof(buf), 0);
    assert_string_equal(buf, "0s");
}

static void test_s3_credentials_masked(void **state)
{
    const char *y = "name: t\ntask-mode: full\ntarget-database: {host: h}\n"
                    "loaders:\n  g: {dir: \"s3://b/d?endpoint=e&access_key=AKID&secret_access_key=SKEY&x=1\"}\n"
                    "mysql-instances: [{source-id: a, loader-config-name: g}]\n";
    config_task *t = NULL;
    config_diag d;
    json_t *j;
    char *s;
    (void)state;
    assert_int_equal(task_str(&t, y, &d), 0);
    // The loaded value is intact for the daemons; only the rendering masks it.
    assert_non_null(strstr(t->loaders[0].dir, "SKEY"));
    j = config_task_to_json(t);
    s = json_dumps(j, JSON_COMPACT);
    assert_null(strstr(s, "AKID"));
    assert_null(strstr(s, "SKEY"));
    assert_non_null(strstr(s, "endpoint=e&access_key=******&secret_access_key=******&x=1"));
    free(s);
    json_decref(j);
    config_task_destroy(t);
    config_diag_fini(&d);
}

static void test_diag_json(void **state)
{
    config_task *t = NULL;
    config_diag d;
    json_t *a;
    (void)state;
    assert_int_equal(task_str(&t, "name: x\nwhat: 1\n", &d), CONFIG_ERR_INVALID);
    a = config_diag_to_json(&d, true);
    assert_true(json_array_size(a) >= 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "key")), "what");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(a, 0), "line")), 2);
    json_decref(a);
    config_diag_fini(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_task_defaults),
        cmocka_unit_test(test_thread_shortcuts_and_named_configs),
        cmocka_unit_test(test_source_defaults),
        cmocka_unit_test(test_dm_full_task_example),
        cmocka_unit_test(test_dm_source_examples),
        cmocka_unit_test(test_unknown_key_and_types),
        cmocka_unit_test(test_missing_required),
        cmocka_unit_test(test_bad_enums),
        cmocka_unit_test(test_rule_references),
        cmocka_unit_test(test_source_ids),
        cmocka_unit_test(test_regex_errors),
        cmocka_unit_test(test_conflicts_and_meta),
        cmocka_unit_test(test_aliases_and_deprecations),
        cmocka_unit_test(test_yaml_errors_and_dup_keys),
        cmocka_unit_test(test_anchors_merge_and_bombs),
        cmocka_unit_test(test_pathological_yaml_refused),
        cmocka_unit_test(test_source_checks),
        cmocka_unit_test(test_encrypted_password),
        cmocka_unit_test(test_detect_kind_and_durations),
        cmocka_unit_test(test_s3_credentials_masked),
        cmocka_unit_test(test_diag_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
