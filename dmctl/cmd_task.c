// dmctl task commands: check-task, start-task, stop-task, pause-task, resume-task, query-status and
// handle-error. Each parses DM's syntax, calls the controller method of the same name with
// the parameters of the cluster API contract and prints the result.
//
// check-task and start-task check the task file locally before anything is sent: the configuration (every
// key, DM's adjust checks) and each instance's rules compile, and -s names only instances of
// the task. A failure prints DM's reply shape {"result": false, "msg": "[code=...] ..."} and
// every problem as `file:line:col: key: message` on stderr, without calling the controller.
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dm_buf.h"
#include "dmctl.h"
#include "rules.h"
#include "sql_lex.h"

// check_task loads and checks the task file at path; on success *out_text holds its text.
static int check_task(char **out_text, dmctl_ctx *c, const char *path, const dmctl_strlist *sources,
                      dm_err *err)
{
    config_task *task = NULL;
    rules_set *set = NULL;
    char *text = NULL;
    int rc;
    *out_text = NULL;
    if ((rc = dmctl_load_file(&text, &task, NULL, c, path, err)) != 0)
        goto done;
    for (size_t i = 0; i < task->n_instances; i++) {
        if ((rc = rules_set_create(&set, task, task->instances[i].source_id, NULL, err)) != 0) {
            dm_err_prefix(err, "task file %s, mysql-instances[%zu] (source %s)", path, i,
                          task->instances[i].source_id);
            goto done;
        }
        rules_set_destroy(set);
        set = NULL;
    }
    for (size_t i = 0; i < sources->n; i++) {
        if (!config_task_instance(task, sources->items[i])) {
            rc = dm_err_set(err, DMCTL_ERR_TASK_CHECK, DM_ERR_SCOPE_INTERNAL,
                            "source %s is not in task %s's mysql-instances", sources->items[i],
                            task->name);
            dm_err_workaround(err, "give with -s only source ids listed in the task file");
            goto done;
        }
    }
    *out_text = text;
    text = NULL;
done:
    rules_set_destroy(set);
    config_task_destroy(task);
    free(text);
    return rc;
}

// task_file_args checks the one task-file argument of a command and its -s list (option
// index src): on success *text holds the checked file's text and it returns -1; otherwise
// the exit status, after printing the failure.
static int task_file_args(char **text, dmctl_strlist *sources, dmctl_ctx *c, const dmctl_args *a, const char *cmd,
                          size_t src)
{
    dm_err err;
    dm_err_clear(&err);
    if (a->n_pos != 1)
        return dmctl_cmd_bad_args(c, cmd, "give exactly one task file");
    if (dmctl_cmd_sources(sources, c, a, src) != 0)
        return DMCTL_EXIT_FAIL;
    if (check_task(text, c, a->pos[0], sources, &err) != 0)
        return dmctl_print_failure(c, &err);
    return -1;
}

int dmctl_cmd_start_task(dmctl_ctx *c, int argc, char **argv)
{
    static const dmctl_opt opts[] = {{"remove-meta", 0, DMCTL_OPT_BOOL},
                                     {"source", 's', DMCTL_OPT_LIST}};
    dmctl_args a;
    dmctl_strlist sources = {0};
    char *text = NULL;
    json_t *params = NULL;
    int rc = dmctl_cmd_parse(&a, c, opts, 2, argc, argv);
    if (rc >= 0)
        return rc;
    if ((rc = task_file_args(&text, &sources, c, &a, argv[0], 1)) >= 0)
        goto done;
    params = json_pack("{s:s,s:o,s:b}", "task", text, "sources", dmctl_json_strlist(&sources),
                       "remove_meta", a.set[0]);
    rc = dmctl_call_print(c, "start-task", params);
done:
    free(text);
    dmctl_strlist_fini(&sources);
    dmctl_args_fini(&a);
    return rc;
}

int dmctl_cmd_check_task(dmctl_ctx *c, int argc, char **argv)
{
    static const dmctl_opt opts[] = {{"error", 'e', DMCTL_OPT_STR}, {"warn", 'w', DMCTL_OPT_STR},
                                     {"source", 's', DMCTL_OPT_LIST}};
    dmctl_args a;
    dmctl_strlist sources = {0};
    char *text = NULL;
    int rc = dmctl_cmd_parse(&a, c, opts, 3, argc, argv);
    if (rc >= 0)
        return rc;
    for (int i = 0; i < 2; i++) {
        char *end = NULL;
        if (a.str[i] && (strtol(a.str[i], &end, 10) < 0 || !end || *end || end == a.str[i])) {
            rc = dmctl_cmd_bad_args(c, argv[0], i ? "--warn takes a count" : "--error takes a count");
            goto done;
        }
    }
    if ((rc = task_file_args(&text, &sources, c, &a, argv[0], 2)) >= 0)
        goto done;
    rc = dmctl_call_print(c, "check-task",
                          json_pack("{s:s,s:o}", "task", text, "sources", dmctl_json_strlist(&sources)));
done:
    free(text);
    dmctl_strlist_fini(&sources);
    dmctl_args_fini(&a);
    return rc;
}

// field returns a new reference to o[key], or dflt (a new value) when o has no such key.
static json_t *field(json_t *o, const char *key, json_t *dflt)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return dflt;
    json_decref(dflt);
    return json_incref(v);
}

// op_all_tasks_of_source runs method on every task of source (DM's `stop-task -s SOURCE`):
// the task list comes from query-status, each task is operated on for that source only.
static int op_all_tasks_of_source(dmctl_ctx *c, const char *method, const char *op,
                                  const char *source)
{
    json_t *qs = NULL, *out = NULL, *list;
    dm_err err;
    int rc = DMCTL_EXIT_OK;
    size_t i;
    json_t *t;
    dm_err_clear(&err);
    if (dmctl_call(&qs, c, "query-status", json_pack("{s:s,s:[s],s:b}", "name", "", "sources", source, "more", 0), &err) != 0) {
        dmctl_print_dm_err(c, &err);
        return DMCTL_EXIT_FAIL;
    }
    if (!json_is_true(json_object_get(qs, "result"))) {
        out = json_pack("{s:b,s:o,s:[]}", "result", 0, "msg", field(qs, "msg", json_string("")),
                        "tasks");
        rc = DMCTL_EXIT_FAIL;
        goto print;
    }
    out = json_pack("{s:b,s:s,s:[]}", "result", 1, "msg", "", "tasks");
    list = json_object_get(out, "tasks");
    json_array_foreach(json_object_get(qs, "tasks"), i, t) {
        const char *name = json_string_value(json_object_get(t, "taskName"));
        json_t *srcs = json_object_get(t, "sources"), *s, *res = NULL, *entry;
        bool has = !json_is_array(srcs);
        size_t j;
        json_array_foreach(srcs, j, s) if (json_is_string(s) && strcmp(json_string_value(s), source) == 0) has = true;
        if (!name || !has)
            continue;
        dm_err_clear(&err);
        if (dmctl_call(&res, c, method, json_pack("{s:s,s:[s]}", "name", name, "sources", source), &err) != 0) {
            char text[4096];
            entry = json_pack("{s:s,s:s,s:b,s:s,s:[]}", "task", name, "op", op, "result", 0, "msg",
                              dm_err_format(text, sizeof(text), &err), "sources");
        } else {
            entry = json_pack("{s:s,s:o,s:o,s:o,s:o}", "task", name, "op", field(res, "op", json_string(op)),
                              "result", field(res, "result", json_false()), "msg",
                              field(res, "msg", json_string("")), "sources",
                              field(res, "sources", json_array()));
        }
        if (!json_is_true(json_object_get(entry, "result")))
            rc = DMCTL_EXIT_FAIL;
        json_array_append_new(list, entry);
        json_decref(res);
    }
print:
    if (out)
        dmctl_print_json(c, out);
    json_decref(out);
    json_decref(qs);
    return rc;
}

// task_name_args reads the optional task name (or task file, which stands for its name) of
// stop/pause/resume-task and query-status, and its -s list (option index src). Returns -1 on
// success, else the exit status after printing the problem.
static int task_name_args(char **name, dmctl_strlist *sources, dmctl_ctx *c, const dmctl_args *a, const char *cmd,
                          size_t src)
{
    if (a->n_pos > 1)
        return dmctl_cmd_bad_args(c, cmd, "give at most one task name or task file");
    if (dmctl_cmd_sources(sources, c, a, src) != 0 || dmctl_task_name(name, a->n_pos ? a->pos[0] : "") != 0)
        return DMCTL_EXIT_FAIL;
    return -1;
}

int dmctl_cmd_operate_task(dmctl_ctx *c, int argc, char **argv)
{
    static const dmctl_opt opts[] = {{"source", 's', DMCTL_OPT_LIST}};
    const char *op = strcmp(argv[0], "stop-task") == 0    ? "Stop"
                     : strcmp(argv[0], "pause-task") == 0 ? "Pause"
                                                          : "Resume";
    dmctl_args a;
    dmctl_strlist sources = {0};
    char *name = NULL;
    int rc = dmctl_cmd_parse(&a, c, opts, 1, argc, argv);
    if (rc >= 0)
        return rc;
    if ((rc = task_name_args(&name, &sources, c, &a, argv[0], 0)) >= 0)
        goto done;
    if (a.n_pos == 0) {
        if (sources.n != 1) {
            rc = dmctl_cmd_bad_args(c, argv[0], sources.n == 0
                                                    ? "must give one source-name when task-name/task-conf is not specified"
                                                    : "can give only one source-name when task-name/task-conf is not specified");
            goto done;
        }
        rc = op_all_tasks_of_source(c, argv[0], op, sources.items[0]);
        goto done;
    }
    rc = dmctl_call_print(c, argv[0], json_pack("{s:s,s:o}", "name", name, "sources", dmctl_json_strlist(&sources)));
done:
    free(name);
    dmctl_strlist_fini(&sources);
    dmctl_args_fini(&a);
    return rc;
}

int dmctl_cmd_query_status(dmctl_ctx *c, int argc, char **argv)
{
    static const dmctl_opt opts[] = {{"more", 0, DMCTL_OPT_BOOL}, {"source", 's', DMCTL_OPT_LIST}};
    dmctl_args a;
    dmctl_strlist sources = {0};
    char *name = NULL;
    int rc = dmctl_cmd_parse(&a, c, opts, 2, argc, argv);
    if (rc >= 0)
        return rc;
    if ((rc = task_name_args(&name, &sources, c, &a, argv[0], 1)) >= 0)
        goto done;
    rc = dmctl_call_print(c, "query-status", json_pack("{s:s,s:o,s:b}", "name", name, "sources",
                                                       dmctl_json_strlist(&sources), "more", a.set[0]));
done:
    free(name);
    dmctl_strlist_fini(&sources);
    dmctl_args_fini(&a);
    return rc;
}

// split_sqls splits text into statements at the `;` tokens (quotes and comments respected)
// and appends each non-empty, trimmed statement to out.
static int split_sqls(dmctl_strlist *out, const char *text, dm_err *err)
{
    sql_lex lx;
    sql_token t;
    size_t start = 0;
    int rc;
    sql_lex_init(&lx, text, strlen(text), 0, 0);
    for (;;) {
        if ((rc = sql_lex_next(&t, &lx, err)) != 0)
            return rc;
        bool end = t.kind == SQL_TOK_EOF;
        if (end || sql_lex_is_op(&lx, &t, ";")) {
            size_t a = start, b = end ? strlen(text) : t.off;
            while (a < b && isspace((unsigned char)text[a]))
                a++;
            while (b > a && isspace((unsigned char)text[b - 1]))
                b--;
            if (b > a) {
                char *s = strndup(text + a, b - a);
                rc = s ? dmctl_strlist_push(out, s) : DM_ERR_NOMEM;
                free(s);
                if (rc)
                    return dm_err_set(err, rc, DM_ERR_SCOPE_INTERNAL, "out of memory");
            }
            if (end)
                return 0;
            start = t.off + t.len;
        }
    }
}

// valid_binlog_pos checks DM's "binlog-file:position" form (position: decimal digits).
static bool valid_binlog_pos(const char *pos)
{
    const char *colon = strrchr(pos, ':');
    if (!colon || colon == pos || !colon[1])
        return false;
    for (const char *p = colon + 1; *p; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    return true;
}

int dmctl_cmd_handle_error(dmctl_ctx *c, int argc, char **argv)
{
    static const dmctl_opt opts[] = {{"binlog-pos", 'b', DMCTL_OPT_STR}, {"source", 's', DMCTL_OPT_LIST}};
    dmctl_args a;
    dmctl_strlist sources = {0}, sqls = {0};
    dm_buf joined;
    char *name = NULL;
    const char *op, *pos;
    dm_err err;
    int rc = dmctl_cmd_parse(&a, c, opts, 2, argc, argv);
    if (rc >= 0)
        return rc;
    dm_buf_init(&joined);
    dm_err_clear(&err);
    if (a.n_pos < 2) {
        rc = dmctl_cmd_bad_args(c, argv[0], "give a task and an operation (skip, replace or revert)");
        goto done;
    }
    op = a.pos[1];
    pos = a.set[0] ? a.str[0] : "";
    if (strcmp(op, "skip") != 0 && strcmp(op, "replace") != 0 && strcmp(op, "revert") != 0) {
        rc = dmctl_cmd_bad_args(c, argv[0], "invalid operation '%s', please use `skip`, `replace` or `revert`", op);
        goto done;
    }
    if (strcmp(op, "replace") != 0 && a.n_pos > 2) {
        rc = dmctl_cmd_bad_args(c, argv[0], "replace-sqls can not be used for 'skip/revert' operation");
        goto done;
    }
    if (strcmp(op, "replace") == 0) {
        if (a.n_pos <= 2) {
            rc = dmctl_cmd_bad_args(c, argv[0], "must specify the replace-sqls for replace operation");
            goto done;
        }
        for (size_t i = 2; i < a.n_pos; i++)
            dm_buf_printf(&joined, "%s%s", i > 2 ? " " : "", a.pos[i]);
        if (split_sqls(&sqls, joined.data ? joined.data : "", &err) != 0) {
            rc = dmctl_cmd_bad_args(c, argv[0], "invalid sql '%s': %s", joined.data, err.message);
            goto done;
        }
        if (sqls.n == 0) {
            rc = dmctl_cmd_bad_args(c, argv[0], "no valid SQLs");
            goto done;
        }
    }
    if (*pos && !valid_binlog_pos(pos)) {
        rc = dmctl_cmd_bad_args(c, argv[0], "invalid --binlog-pos \"%s\": expected binlog-file:position, e.g. mysql-bin.000003:3270", pos);
        goto done;
    }
    if (dmctl_cmd_sources(&sources, c, &a, 1) != 0 || dmctl_task_name(&name, a.pos[0]) != 0) {
        rc = DMCTL_EXIT_FAIL;
        goto done;
    }
    rc = dmctl_call_print(c, "handle-error",
                          json_pack("{s:s,s:o,s:s,s:s,s:o}", "name", name, "sources", dmctl_json_strlist(&sources),
                                    "op", op, "binlog_pos", pos, "sqls", dmctl_json_strlist(&sqls)));
done:
    free(name);
    dm_buf_fini(&joined);
    dmctl_strlist_fini(&sqls);
    dmctl_strlist_fini(&sources);
    dmctl_args_fini(&a);
    return rc;
}
