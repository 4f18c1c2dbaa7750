// Unit tests of dmctl's cluster side: duration and argument parsing, global flags and the
// config file, and every cluster command run against a dm_rpc stub controller (an inproc
// dm_rpc server that records each request and answers canned results), so the exact
// request each command sends, its output and its exit status are checked without a cluster.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dm_rpc.h"
#include "dmctl.h"

#define STUB_URL "inproc://dmctl-stub"

static const char *data_dir(void)
{
    const char *d = getenv("DM_TEST_DATA_DIR");
    return d ? d : DM_TEST_DATA_DIR;
}

static char *data_path(const char *name)
{
    static char buf[4][1024];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, 1024, "%s/dmctl/%s", data_dir(), name);
    return p;
}

// ---------------------------------------------------------------------------------------
// Durations.

static void test_duration(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int64_t ms;
    } ok[] = {{"30s", 30000},  {"10m", 600000}, {"1h30m", 5400000}, {"1.5s", 1500},
              {"500ms", 500},  {"2h", 7200000}, {"500us", 1},       {"1ns", 1},
              {"0", 0},        {"1m30s", 90000}, {".5s", 500},      {"1s500ms", 1500},
              {"0s", 0},       {"3\xc2\xb5s", 1}};
    static const char *bad[] = {"", "5", "5x", "-5s", "+5s", "1e3s", "s", "1h-", "ms", "1.5",
                                "10 m", "0x10s", "inf", "1h 2m"};
    dm_err err;
    int64_t ms;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(dmctl_parse_duration(&ms, ok[i].text, &err), 0);
        assert_int_equal(ms, ok[i].ms);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        dm_err_clear(&err);
        assert_int_equal(dmctl_parse_duration(&ms, bad[i], &err), DMCTL_ERR_ARGS);
        assert_non_null(strstr(err.message, "invalid duration"));
        assert_non_null(strstr(err.message, bad[i]));
    }
    assert_int_equal(dmctl_parse_duration(&ms, "999999999999h", &err), DMCTL_ERR_ARGS);
    assert_non_null(strstr(err.message, "overflows"));
}

// ---------------------------------------------------------------------------------------
// Lists, line splitting, option parsing.

static void test_strlist_csv(void **state)
{
    (void)state;
    dmctl_strlist l = {0};
    assert_int_equal(dmctl_strlist_add_csv(&l, "a,b"), 0);
    assert_int_equal(dmctl_strlist_add_csv(&l, " c , a,,"), 0);
    assert_int_equal(dmctl_strlist_add_csv(&l, ""), 0);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.items[0], "a");
    assert_string_equal(l.items[1], "b");
    assert_string_equal(l.items[2], "c");
    assert_true(dmctl_strlist_contains(&l, "b"));
    assert_false(dmctl_strlist_contains(&l, "d"));
    json_t *j = dmctl_json_strlist(&l);
    char *s = json_dumps(j, JSON_COMPACT);
    assert_string_equal(s, "[\"a\",\"b\",\"c\"]");
    free(s);
    json_decref(j);
    dmctl_strlist_fini(&l);
    dmctl_strlist_fini(NULL);
}

static void expect_words(const char *line, size_t n, const char **words)
{
    dmctl_strlist l = {0};
    dm_err err;
    assert_int_equal(dmctl_split_line(&l, line, &err), 0);
    assert_int_equal(l.n, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(l.items[i], words[i]);
    dmctl_strlist_fini(&l);
}

static void test_split_line(void **state)
{
    (void)state;
    expect_words("  query-status   test\n", 2, (const char *[]){"query-status", "test"});
    expect_words("handle-error t replace \"ALTER TABLE `a` ADD c INT; \" -s 's 1'", 6,
                 (const char *[]){"handle-error", "t", "replace", "ALTER TABLE `a` ADD c INT; ", "-s", "s 1"});
    expect_words("a\\ b \"x\\\"y\" 'it''s' \"\"", 4, (const char *[]){"a b", "x\"y", "its", ""});
    expect_words("", 0, NULL);
    expect_words(" \t ", 0, NULL);
    static const char *bad[] = {"a 'b", "a \"b", "a\\"};
    for (size_t i = 0; i < 3; i++) {
        dmctl_strlist l = {0};
        dm_err err;
        dm_err_clear(&err);
        assert_int_equal(dmctl_split_line(&l, bad[i], &err), DMCTL_ERR_ARGS);
        assert_non_null(strstr(err.message, "column"));
        dmctl_strlist_fini(&l);
    }
}

static const dmctl_opt test_opts[] = {{"remove-meta", 0, DMCTL_OPT_BOOL},
                                      {"source", 's', DMCTL_OPT_LIST},
                                      {"file", 'f', DMCTL_OPT_STR},
                                      {"leader", 'l', DMCTL_OPT_BOOL},
                                      {"master", 'm', DMCTL_OPT_BOOL}};

static int parse(dmctl_args *a, dm_err *err, int argc, char **argv)
{
    dm_err_clear(err);
    return dmctl_args_parse(a, test_opts, 5, argc, argv, err);
}

static void test_args_parse(void **state)
{
    (void)state;
    dmctl_args a;
    dm_err err;
    char *v1[] = {"cmd", "-s", "a", "x.yaml", "--source=b,c", "-sd", "-s=e", "--remove-meta",
                  "y", "-f", "F1", "--file=F2", "-lm", "--", "-s", NULL};
    assert_int_equal(parse(&a, &err, 15, v1), 0);
    assert_false(a.help);
    assert_true(a.set[0]);
    assert_int_equal(a.list[1].n, 5);
    assert_string_equal(a.list[1].items[4], "e");
    assert_string_equal(a.str[2], "F2");
    assert_true(a.set[3] && a.set[4]);
    assert_int_equal(a.n_pos, 3);
    assert_string_equal(a.pos[0], "x.yaml");
    assert_string_equal(a.pos[1], "y");
    assert_string_equal(a.pos[2], "-s");
    dmctl_args_fini(&a);

    char *v2[] = {"cmd", "--remove-meta=false", "-h", "-", NULL};
    assert_int_equal(parse(&a, &err, 4, v2), 0);
    assert_false(a.set[0]);
    assert_true(a.help);
    assert_int_equal(a.n_pos, 1);
    dmctl_args_fini(&a);

    char *v3[] = {"cmd", "--nope", NULL};
    assert_int_equal(parse(&a, &err, 2, v3), DMCTL_ERR_ARGS);
    assert_non_null(strstr(err.message, "unknown flag: --nope"));
    char *v4[] = {"cmd", "-s", NULL};
    assert_int_equal(parse(&a, &err, 2, v4), DMCTL_ERR_ARGS);
    assert_non_null(strstr(err.message, "needs an argument"));
    char *v5[] = {"cmd", "--file", NULL};
    assert_int_equal(parse(&a, &err, 2, v5), DMCTL_ERR_ARGS);
    assert_non_null(strstr(err.message, "--file"));
    char *v6[] = {"cmd", "--remove-meta=maybe", NULL};
    assert_int_equal(parse(&a, &err, 2, v6), DMCTL_ERR_ARGS);
    assert_non_null(strstr(err.message, "maybe"));
    char *v7[] = {"cmd", "-x", NULL};
    assert_int_equal(parse(&a, &err, 2, v7), DMCTL_ERR_ARGS);
    assert_non_null(strstr(err.message, "'x'"));
    char *v8[] = {"cmd", "--remove", NULL}; // a prefix is not accepted
    assert_int_equal(parse(&a, &err, 2, v8), DMCTL_ERR_ARGS);
    char *v9[] = {"cmd", NULL};
    assert_int_equal(parse(&a, &err, 1, v9), 0);
    assert_int_equal(a.n_pos, 0);
    dmctl_args_fini(&a);
}

// ---------------------------------------------------------------------------------------
// Global flags and the config file.

static char tmpdir[256];

static char *write_tmp(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_global_flags(void **state)
{
    (void)state;
    dmctl_ctx c;
    dm_err err;
    int idx;
    bool help;
    unsetenv("DM_MASTER_ADDR");

    dmctl_ctx_init(&c);
    char *v1[] = {"dmctl", "--master-addr", "127.0.0.1:8261", "--rpc-timeout=30s", "-s", "a,b",
                  "--source", "c", "query-status", "-s", "x", NULL};
    assert_int_equal(dmctl_global_parse(&idx, &help, &c, 11, v1, &err), 0);
    assert_int_equal(idx, 8);
    assert_false(help);
    assert_string_equal(c.master_addr, "127.0.0.1:8261");
    assert_int_equal(c.rpc_timeout_ms, 30000);
    assert_int_equal(c.sources.n, 3);
    dmctl_ctx_fini(&c);

    // DM's single-dash long flags; defaults; env for the address.
    setenv("DM_MASTER_ADDR", "10.0.0.1:8261", 1);
    dmctl_ctx_init(&c);
    char *v2[] = {"dmctl", "-master-addr=h:1", "-h", NULL};
    assert_int_equal(dmctl_global_parse(&idx, &help, &c, 3, v2, &err), 0);
    assert_int_equal(idx, 3);
    assert_true(help);
    assert_string_equal(c.master_addr, "h:1");
    assert_int_equal(c.rpc_timeout_ms, DMCTL_DEFAULT_RPC_TIMEOUT_MS);
    dmctl_ctx_fini(&c);
    dmctl_ctx_init(&c);
    char *v3[] = {"dmctl", "list-member", NULL};
    assert_int_equal(dmctl_global_parse(&idx, &help, &c, 2, v3, &err), 0);
    assert_string_equal(c.master_addr, "10.0.0.1:8261");
    dmctl_ctx_fini(&c);

    // The config file fills what flags left unset; flags win; the env comes last.
    char *cfg = strdup(write_tmp("dmctl.toml", "# dmctl config\nmaster-addr = \"cfg:8261\" # comment\n"
                                              "rpc-timeout = '1m'\n\n"));
    dmctl_ctx_init(&c);
    char *v4[] = {"dmctl", "--config", cfg, "query-status", NULL};
    assert_int_equal(dmctl_global_parse(&idx, &help, &c, 4, v4, &err), 0);
    assert_string_equal(c.master_addr, "cfg:8261");
    assert_int_equal(c.rpc_timeout_ms, 60000);
    dmctl_ctx_fini(&c);
    dmctl_ctx_init(&c);
    char *v5[] = {"dmctl", "--rpc-timeout", "5s", "--config", cfg, "--master-addr", "flag:1", NULL};
    assert_int_equal(dmctl_global_parse(&idx, &help, &c, 7, v5, &err), 0);
    assert_string_equal(c.master_addr, "flag:1");
    assert_int_equal(c.rpc_timeout_ms, 5000);
    dmctl_ctx_fini(&c);
    unsetenv("DM_MASTER_ADDR");

    // Bad input: each error names the problem.
    static const struct {
        const char *text;
        const char *needle;
    } bad_cfg[] = {{"master-addr\n", ":1: expected `key = value`"},
                   {"ssl-ca = \"x\"\n", "unknown key \"ssl-ca\""},
                   {"\nrpc-timeout = \"10\"\n", ":2: rpc-timeout: invalid duration"}};
    for (size_t i = 0; i < 3; i++) {
        char *p = write_tmp("bad.toml", bad_cfg[i].text);
        char *v[] = {"dmctl", "--config", p, NULL};
        dmctl_ctx_init(&c);
        dm_err_clear(&err);
        assert_int_equal(dmctl_global_parse(&idx, &help, &c, 3, v, &err), DMCTL_ERR_CONFIG);
        assert_non_null(strstr(err.message, bad_cfg[i].needle));
        dmctl_ctx_fini(&c);
    }
    char *v6[] = {"dmctl", "--config", "/nonexistent/dmctl.toml", NULL};
    dmctl_ctx_init(&c);
    assert_int_equal(dmctl_global_parse(&idx, &help, &c, 3, v6, &err), DMCTL_ERR_CONFIG);
    assert_non_null(strstr(err.message, "/nonexistent/dmctl.toml"));
    dmctl_ctx_fini(&c);
    static char *bad_flags[][3] = {{"dmctl", "--rpc-timeout", "0"},
                                   {"dmctl", "--rpc-timeout", "ten"},
                                   {"dmctl", "--bogus", "x"}};
    for (size_t i = 0; i < 3; i++) {
        dmctl_ctx_init(&c);
        assert_int_equal(dmctl_global_parse(&idx, &help, &c, 3, bad_flags[i], &err), DMCTL_ERR_ARGS);
        dmctl_ctx_fini(&c);
    }
    char *v7[] = {"dmctl", "--master-addr", NULL};
    dmctl_ctx_init(&c);
    assert_int_equal(dmctl_global_parse(&idx, &help, &c, 2, v7, &err), DMCTL_ERR_ARGS);
    dmctl_ctx_fini(&c);
    free(cfg);
}

// ---------------------------------------------------------------------------------------
// The stub controller.

typedef struct stub {
    pthread_mutex_t mu;
    json_t *calls;   // [{"method", "params"}] in order
    json_t *replies; // method -> result object to send (absent: {"result":true,"msg":""})
} stub;

static stub S;
static dm_rpc_server *server;

static int stub_handler(dm_rpc_reply *out, const dm_rpc_request *req, void *arg, dm_err *err)
{
    (void)arg;
    pthread_mutex_lock(&S.mu);
    json_array_append_new(S.calls, json_pack("{s:s,s:O}", "method", req->method, "params", req->params));
    json_t *r = json_object_get(S.replies, req->method);
    if (r && json_is_string(r)) {
        pthread_mutex_unlock(&S.mu);
        return dm_err_set(err, DM_ERR_INTERNAL, DM_ERR_SCOPE_INTERNAL, "%s", json_string_value(r));
    }
    out->result = r ? json_deep_copy(r) : json_pack("{s:b,s:s}", "result", 1, "msg", "");
    pthread_mutex_unlock(&S.mu);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    dm_err err;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/dmctl-unit.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    pthread_mutex_init(&S.mu, NULL);
    S.calls = json_array();
    S.replies = json_object();
    return dm_rpc_server_start(&server, STUB_URL, 2, stub_handler, NULL, &err);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    dm_rpc_server_stop(server);
    json_decref(S.calls);
    json_decref(S.replies);
    pthread_mutex_destroy(&S.mu);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void stub_reset(void)
{
    json_array_clear(S.calls);
    json_object_clear(S.replies);
}

static void stub_reply(const char *method, const char *json)
{
    json_object_set_new(S.replies, method, json_loads(json, 0, NULL));
}

// call_params returns the params of the i-th recorded call as compact JSON (static).
static const char *call_params(size_t i, const char *method)
{
    static char buf[8192];
    json_t *call = json_array_get(S.calls, i);
    assert_non_null(call);
    assert_string_equal(json_string_value(json_object_get(call, "method")), method);
    char *s = json_dumps(json_object_get(call, "params"), JSON_COMPACT | JSON_SORT_KEYS);
    snprintf(buf, sizeof(buf), "%s", s);
    free(s);
    return buf;
}

typedef struct run_result {
    int status;
    char out[16384];
    char err[16384];
} run_result;

static void slurp(char *dst, size_t size, FILE *f)
{
    size_t n;
    rewind(f);
    n = fread(dst, 1, size - 1, f);
    dst[n] = '\0';
    fclose(f);
}

// run executes one dmctl command line (split like the interactive mode) against the stub.
static run_result *run(const char *line)
{
    static run_result r;
    dmctl_ctx c;
    dmctl_strlist words = {0};
    dm_err err;
    dmctl_ctx_init(&c);
    c.master_addr = strdup(STUB_URL);
    c.out = tmpfile();
    c.err = tmpfile();
    assert_int_equal(dmctl_split_line(&words, line, &err), 0);
    r.status = dmctl_run(&c, (int)words.n, words.items);
    slurp(r.out, sizeof(r.out), c.out);
    slurp(r.err, sizeof(r.err), c.err);
    dmctl_strlist_fini(&words);
    dmctl_ctx_fini(&c);
    return &r;
}

static void test_query_status(void **state)
{
    (void)state;
    stub_reset();
    stub_reply("query-status", "{\"result\":true,\"msg\":\"\",\"tasks\":[{\"taskName\":\"t\","
                               "\"taskStatus\":\"Running\",\"sources\":[\"s1\",\"s2\"]}]}");
    run_result *r = run("query-status");
    assert_int_equal(r->status, 0);
    assert_string_equal(call_params(0, "query-status"), "{\"more\":false,\"name\":\"\",\"sources\":[]}");
    // DM's layout: 4-space indents, the controller's key order.
    assert_string_equal(r->out, "{\n    \"result\": true,\n    \"msg\": \"\",\n    \"tasks\": [\n"
                                "        {\n            \"taskName\": \"t\",\n"
                                "            \"taskStatus\": \"Running\",\n"
                                "            \"sources\": [\n                \"s1\",\n"
                                "                \"s2\"\n            ]\n        }\n    ]\n}\n");
    char line[1200];
    snprintf(line, sizeof(line), "query-status %s --more -s s2,s1", data_path("task.yaml"));
    r = run(line);
    assert_int_equal(r->status, 0);
    assert_string_equal(call_params(1, "query-status"),
                        "{\"more\":true,\"name\":\"test\",\"sources\":[\"s2\",\"s1\"]}");
    stub_reply("query-status", "{\"result\":false,\"msg\":\"task nope not found\"}");
    r = run("query-status nope");
    assert_int_equal(r->status, 1);
    assert_non_null(strstr(r->out, "\"msg\": \"task nope not found\""));
    r = run("query-status a b");
    assert_int_equal(r->status, 2);
    assert_non_null(strstr(r->err, "Usage: dmctl query-status"));
    assert_int_equal(json_array_size(S.calls), 3);
    r = run("query-status -h");
    assert_int_equal(r->status, 0);
    assert_non_null(strstr(r->out, "Usage: dmctl query-status"));
}

static void test_start_task(void **state)
{
    (void)state;
    char line[1200];
    stub_reset();
    snprintf(line, sizeof(line), "start-task --remove-meta -s s2 %s", data_path("task.yaml"));
    run_result *r = run(line);
    assert_int_equal(r->status, 0);
    json_t *p = json_object_get(json_array_get(S.calls, 0), "params");
    assert_true(json_is_true(json_object_get(p, "remove_meta")));
    assert_non_null(strstr(json_string_value(json_object_get(p, "task")), "name: \"test\""));
    assert_int_equal(json_array_size(json_object_get(p, "sources")), 1);

    // An invalid file: DM's failure shape, every problem on stderr, no call.
    snprintf(line, sizeof(line), "start-task %s", data_path("bad-task.yaml"));
    r = run(line);
    assert_int_equal(r->status, 1);
    assert_non_null(strstr(r->out, "\"result\": false"));
    assert_non_null(strstr(r->out, "[code=20006:class=config"));
    assert_non_null(strstr(r->err, "bad-task.yaml:3:1: task-mode"));
    assert_non_null(strstr(r->err, "bad-task.yaml:10:5: mysql-instances[0].block-allow-list"));
    // -s naming a source the task does not have.
    snprintf(line, sizeof(line), "start-task -s s9 %s", data_path("task.yaml"));
    r = run(line);
    assert_int_equal(r->status, 1);
    assert_non_null(strstr(r->out, "source s9 is not in task test's mysql-instances"));
    r = run("start-task /nonexistent/task.yaml");
    assert_int_equal(r->status, 1);
    assert_non_null(strstr(r->out, "/nonexistent/task.yaml"));
    r = run("start-task");
    assert_int_equal(r->status, 2);
    assert_int_equal(json_array_size(S.calls), 1);
}

static void test_operate_task(void **state)
{
    (void)state;
    char line[1200];
    stub_reset();
    stub_reply("pause-task", "{\"op\":\"Pause\",\"result\":true,\"msg\":\"\",\"sources\":[]}");
    snprintf(line, sizeof(line), "stop-task %s", data_path("task.yaml"));
    run_result *r = run(line);
    assert_int_equal(r->status, 0);
    assert_string_equal(call_params(0, "stop-task"), "{\"name\":\"test\",\"sources\":[]}");
    r = run("resume-task -s s1 other.yml");
    assert_int_equal(r->status, 0);
    assert_string_equal(call_params(1, "resume-task"), "{\"name\":\"other.yml\",\"sources\":[\"s1\"]}");

    // Without a task: every task of the one source, found with query-status.
    stub_reply("query-status", "{\"result\":true,\"msg\":\"\",\"tasks\":["
                               "{\"taskName\":\"a\",\"taskStatus\":\"Running\",\"sources\":[\"s1\",\"s2\"]},"
                               "{\"taskName\":\"b\",\"taskStatus\":\"Running\",\"sources\":[\"s2\"]},"
                               "{\"taskName\":\"c\",\"taskStatus\":\"Running\",\"sources\":[\"s1\"]}]}");
    r = run("pause-task -s s1");
    assert_int_equal(r->status, 0);
    assert_int_equal(json_array_size(S.calls), 5);
    assert_string_equal(call_params(3, "pause-task"), "{\"name\":\"a\",\"sources\":[\"s1\"]}");
    assert_string_equal(call_params(4, "pause-task"), "{\"name\":\"c\",\"sources\":[\"s1\"]}");
    json_t *out = json_loads(r->out, 0, NULL);
    assert_non_null(out);
    assert_int_equal(json_array_size(json_object_get(out, "tasks")), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(out, "tasks"), 1), "task")), "c");
    json_decref(out);
    r = run("pause-task");
    assert_int_equal(r->status, 2);
    assert_non_null(strstr(r->err, "must give one source-name"));
    r = run("pause-task -s s1,s2");
    assert_int_equal(r->status, 2);
    r = run("stop-task a b");
    assert_int_equal(r->status, 2);
    assert_int_equal(json_array_size(S.calls), 5);
}

static void test_handle_error(void **state)
{
    (void)state;
    stub_reset();
    run_result *r = run("handle-error t -s s1 -b mysql-bin.000003:3270 replace "
                        "\"ALTER TABLE a ADD c INT; ALTER TABLE b COMMENT 'x;y';\"");
    assert_int_equal(r->status, 0);
    assert_string_equal(call_params(0, "handle-error"),
                        "{\"binlog_pos\":\"mysql-bin.000003:3270\",\"name\":\"t\",\"op\":\"replace\","
                        "\"sources\":[\"s1\"],\"sqls\":[\"ALTER TABLE a ADD c INT\","
                        "\"ALTER TABLE b COMMENT 'x;y'\"]}");
    r = run("handle-error t skip");
    assert_int_equal(r->status, 0);
    assert_string_equal(call_params(1, "handle-error"),
                        "{\"binlog_pos\":\"\",\"name\":\"t\",\"op\":\"skip\",\"sources\":[],\"sqls\":[]}");
    static const struct {
        const char *line;
        const char *needle;
    } bad[] = {{"handle-error t", "give a task and an operation"},
               {"handle-error t fix", "invalid operation 'fix'"},
               {"handle-error t skip \"DROP TABLE x\"", "can not be used for 'skip/revert'"},
               {"handle-error t replace", "must specify the replace-sqls"},
               {"handle-error t replace ';;'", "no valid SQLs"},
               {"handle-error t replace \"SELECT 'x\"", "invalid sql"},
               {"handle-error t -b nopos skip", "invalid --binlog-pos"},
               {"handle-error t -b f:12x skip", "invalid --binlog-pos"}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = run(bad[i].line);
        assert_int_equal(r->status, 2);
        assert_non_null(strstr(r->err, bad[i].needle));
    }
    assert_int_equal(json_array_size(S.calls), 2);
}

static void test_operate_source(void **state)
{
    (void)state;
    char line[2400];
    stub_reset();
    stub_reply("operate-source", "{\"result\":true,\"msg\":\"\",\"sources\":[{\"result\":true,"
                                 "\"msg\":\"\",\"source\":\"s1\",\"worker\":\"relayd-1\"}]}");
    snprintf(line, sizeof(line), "operate-source create %s", data_path("source.yaml"));
    run_result *r = run(line);
    assert_int_equal(r->status, 0);
    json_t *p = json_object_get(json_array_get(S.calls, 0), "params");
    assert_string_equal(json_string_value(json_object_get(p, "op")), "create");
    assert_non_null(strstr(json_string_value(json_array_get(json_object_get(p, "configs"), 0)),
                           "password: \"secret\""));
    assert_non_null(strstr(r->out, "\"worker\": \"relayd-1\""));
    // stop by file (its source-id) and by id; show with -p.
    snprintf(line, sizeof(line), "operate-source stop %s s7", data_path("source.yaml"));
    r = run(line);
    assert_int_equal(r->status, 0);
    assert_string_equal(call_params(1, "operate-source"),
                        "{\"configs\":[],\"op\":\"stop\",\"print_config\":false,\"sources\":[\"s1\",\"s7\"]}");
    r = run("operate-source show -p -s s1");
    assert_int_equal(r->status, 0);
    assert_string_equal(call_params(2, "operate-source"),
                        "{\"configs\":[],\"op\":\"show\",\"print_config\":true,\"sources\":[\"s1\"]}");
    snprintf(line, sizeof(line), "operate-source create %s %s", data_path("source.yaml"),
             data_path("bad-source.yaml"));
    r = run(line);
    assert_int_equal(r->status, 1);
    assert_non_null(strstr(r->out, "bad-source.yaml is invalid"));
    assert_non_null(strstr(r->err, "bad-source.yaml:2:1: source-id"));
    r = run("operate-source create");
    assert_int_equal(r->status, 2);
    r = run("operate-source update x");
    assert_int_equal(r->status, 2);
    assert_non_null(strstr(r->err, "invalid operate 'update'"));
    r = run("operate-source stop");
    assert_int_equal(r->status, 2);
    r = run("operate-source");
    assert_int_equal(r->status, 2);
    assert_int_equal(json_array_size(S.calls), 3);
}

static void test_get_config(void **state)
{
    (void)state;
    char line[1200], path[600], buf[256];
    stub_reset();
    stub_reply("get-config", "{\"result\":true,\"msg\":\"\",\"cfg\":\"name: t\\n\"}");
    run_result *r = run("get-config task t");
    assert_int_equal(r->status, 0);
    assert_string_equal(call_params(0, "get-config"), "{\"name\":\"t\",\"type\":\"task\"}");
    assert_non_null(strstr(r->out, "\"cfg\": \"name: t\\n\""));
    snprintf(path, sizeof(path), "%s/t.yaml", tmpdir);
    snprintf(line, sizeof(line), "get-task-config t -f %s", path);
    r = run(line);
    assert_int_equal(r->status, 0);
    assert_non_null(strstr(r->out, "succeed"));
    assert_non_null(strstr(r->out, "\"cfg\": \"\""));
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
    fclose(f);
    assert_string_equal(buf, "name: t\n");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    r = run("get-config relay x");
    assert_int_equal(r->status, 2);
    assert_non_null(strstr(r->err, "invalid config type 'relay'"));
    r = run("get-config task");
    assert_int_equal(r->status, 2);
}

static void test_members_relay_transfer(void **state)
{
    (void)state;
    stub_reset();
    assert_int_equal(run("list-member --worker -n a,b --name c")->status, 0);
    assert_string_equal(call_params(0, "list-member"),
                        "{\"leader\":false,\"master\":false,\"names\":[\"a\",\"b\",\"c\"],\"worker\":true}");
    assert_int_equal(run("list-member -l")->status, 0);
    assert_string_equal(call_params(1, "list-member"),
                        "{\"leader\":true,\"master\":false,\"names\":[],\"worker\":false}");
    assert_int_equal(run("offline-member --worker --name w1")->status, 0);
    assert_string_equal(call_params(2, "offline-member"), "{\"name\":\"w1\",\"type\":\"worker\"}");
    assert_int_equal(run("start-relay -s s1 relayd-1 relayd-2")->status, 0);
    assert_string_equal(call_params(3, "operate-relay"),
                        "{\"op\":\"start\",\"sources\":[\"s1\"],\"workers\":[\"relayd-1\",\"relayd-2\"]}");
    assert_int_equal(run("pause-relay -s s1,s2")->status, 0);
    assert_string_equal(call_params(4, "operate-relay"),
                        "{\"op\":\"pause\",\"sources\":[\"s1\",\"s2\"],\"workers\":[]}");
    assert_int_equal(run("purge-relay -s s1 -f '\"mysql-bin.000006\"'")->status, 0);
    assert_string_equal(call_params(5, "purge-relay"), "{\"filename\":\"mysql-bin.000006\",\"source\":\"s1\"}");
    assert_int_equal(run("transfer-source s1 relayd-2")->status, 0);
    assert_string_equal(call_params(6, "transfer-source"), "{\"source\":\"s1\",\"worker\":\"relayd-2\"}");
    static const char *bad[] = {"list-member x", "offline-member --name w1", "offline-member -m -w -n x",
                                "offline-member --worker", "start-relay", "stop-relay -s a,b",
                                "resume-relay", "pause-relay -s s1 w1", "purge-relay -s s1",
                                "purge-relay -f x", "purge-relay -s a,b -f x", "transfer-source s1",
                                "list-member --bogus"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        run_result *r = run(bad[i]);
        assert_int_equal(r->status, 2);
        assert_non_null(strstr(r->err, "Usage: dmctl"));
    }
    assert_int_equal(json_array_size(S.calls), 7);
    // A result false exits 1; a dm_rpc error is printed DM-style.
    stub_reply("offline-member", "{\"result\":false,\"msg\":\"worker w1 is online\"}");
    assert_int_equal(run("offline-member -w -n w1")->status, 1);
    json_object_set_new(S.replies, "transfer-source", json_string("boom"));
    run_result *r = run("transfer-source s1 w");
    assert_int_equal(r->status, 1);
    assert_non_null(strstr(r->err, "Error: [code=11004:class=functional"));
    assert_non_null(strstr(r->err, "boom"));
}

static void test_unreachable_and_help(void **state)
{
    (void)state;
    dmctl_ctx c;
    dmctl_ctx_init(&c);
    c.master_addr = strdup("127.0.0.1:1");
    c.out = tmpfile();
    c.err = tmpfile();
    char *argv[] = {"query-status", NULL};
    assert_int_equal(dmctl_run(&c, 1, argv), 1);
    char buf[4096];
    slurp(buf, sizeof(buf), c.err);
    c.err = stderr;
    assert_non_null(strstr(buf, "[code=48001:class=dmctl"));
    assert_non_null(strstr(buf, "can't connect to 127.0.0.1:1"));
    fclose(c.out);
    c.out = stdout;
    free(c.master_addr);
    c.master_addr = NULL;
    // No address at all: exit 2 with DM's message.
    c.out = tmpfile();
    c.err = tmpfile();
    assert_int_equal(dmctl_run(&c, 1, argv), 2);
    slurp(buf, sizeof(buf), c.err);
    fclose(c.out);
    assert_non_null(strstr(buf, "--master-addr not provided"));
    c.out = tmpfile();
    c.err = tmpfile();
    char *h1[] = {"help", NULL}, *h2[] = {"help", "start-task", NULL}, *h3[] = {"help", "nope", NULL},
         *h4[] = {"nope", NULL};
    assert_int_equal(dmctl_run(&c, 1, h1), 0);
    assert_int_equal(dmctl_run(&c, 2, h2), 0);
    assert_int_equal(dmctl_run(&c, 2, h3), 2);
    assert_int_equal(dmctl_run(&c, 1, h4), 2);
    slurp(buf, sizeof(buf), c.out);
    assert_non_null(strstr(buf, "Available Commands"));
    assert_non_null(strstr(buf, "Usage: dmctl start-task"));
    slurp(buf, sizeof(buf), c.err);
    assert_non_null(strstr(buf, "Unknown help topic \"nope\""));
    assert_non_null(strstr(buf, "unknown command \"nope\""));
    c.out = stdout;
    c.err = stderr;
    dmctl_ctx_fini(&c);
}

static void test_interactive(void **state)
{
    (void)state;
    static char input[] = "query-status\n\n   \nquery-status 'my task' -s s1\nbad 'quote\nexit\n"
                          "query-status after-exit\n";
    dmctl_ctx c;
    char buf[8192];
    stub_reset();
    dmctl_ctx_init(&c);
    c.master_addr = strdup(STUB_URL);
    c.out = tmpfile();
    c.err = tmpfile();
    FILE *in = fmemopen(input, strlen(input), "r");
    assert_int_equal(dmctl_interactive(&c, in, true), 0);
    fclose(in);
    assert_int_equal(json_array_size(S.calls), 2);
    assert_string_equal(call_params(1, "query-status"),
                        "{\"more\":false,\"name\":\"my task\",\"sources\":[\"s1\"]}");
    slurp(buf, sizeof(buf), c.out);
    assert_non_null(strstr(buf, "\xc2\xbb "));
    slurp(buf, sizeof(buf), c.err);
    assert_non_null(strstr(buf, "fail to run: bad 'quote"));
    assert_non_null(strstr(buf, "unterminated"));
    c.out = stdout;
    c.err = stderr;
    dmctl_ctx_fini(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration),
        cmocka_unit_test(test_strlist_csv),
        cmocka_unit_test(test_split_line),
        cmocka_unit_test(test_args_parse),
        cmocka_unit_test(test_global_flags),
        cmocka_unit_test(test_query_status),
        cmocka_unit_test(test_start_task),
        cmocka_unit_test(test_operate_task),
        cmocka_unit_test(test_handle_error),
        cmocka_unit_test(test_operate_source),
        cmocka_unit_test(test_get_config),
        cmocka_unit_test(test_members_relay_transfer),
        cmocka_unit_test(test_unreachable_and_help),
        cmocka_unit_test(test_interactive),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
