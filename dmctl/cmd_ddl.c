// dmctl ddl: preview, offline, how DDL statements are classified, split and routed, and
// what they do to table schemas.
//
//   dmctl ddl [--schema FILE] [--task TASK_FILE --source SOURCE_ID] [--db DEFAULT_DB]
//             [--ansi-quotes] SQL...
//
// Each SQL argument is one statement. For each, one JSON object is printed (one per line):
//   {"sql", "type", "tables": [{"schema","table"}], "split": [...], "routed": [...],
//    "error", "schemas": {"db.table": "CREATE TABLE ..."}}
// "type" is DM's binlog-event-filter event name ("" when the statement has none), "split"
// the single-specification statements DM would execute, "routed" those statements with the
// task's routes applied (null without --task). With --schema, the statements of FILE seed a
// schema tracker, every SQL argument is applied to it in order, and "schemas" shows every
// table afterwards; "error" is the parse or tracker error (null when none).
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ddl.h"
#include "dm_buf.h"
#include "dmctl.h"
#include "rules.h"
#include "schema.h"
#include "sql_lex.h"
#include "tracker.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: dmctl ddl [--schema FILE] [--task TASK_FILE --source SOURCE_ID] [--db DB]\n"
            "                 [--ansi-quotes] SQL...\n"
            "\n"
            "Parse each SQL argument (one statement each) and print one JSON object per line:\n"
            "  {\"sql\", \"type\", \"tables\", \"split\", \"routed\", \"error\", \"schemas\"}\n"
            "  type     DM binlog event filter name (\"create table\", \"alter table\", ...)\n"
            "  tables   the tables the statement touches, unqualified names in --db\n"
            "  split    the statement split into single-specification statements\n"
            "  routed   split statements renamed by the task's routes for SOURCE_ID\n"
            "  schemas  with --schema: CREATE TABLE of every table after this statement\n"
            "--schema FILE holds CREATE DATABASE/TABLE statements separated by ';' that seed\n"
            "the schema tracker. Exit status: 0 when every statement parsed and applied.\n");
}

typedef struct ddl_ctx {
    rules_set *rules;  // NULL without --task
    char db[RULES_NAME_MAX];
    char table[RULES_NAME_MAX];
} ddl_ctx;

// route_name is the ddl_rename callback: it maps one table reference through the routes.
static int route_name(void *vctx, const char *db, const char *table, const char **new_db,
                      const char **new_table, dm_err *err)
{
    ddl_ctx *ctx = vctx;
    rules_route_result res;
    int rc = rules_route(&res, ctx->rules->router, db, table, err);
    if (rc != 0)
        return rc;
    if (!res.routed)
        return 0;
    snprintf(ctx->db, sizeof(ctx->db), "%s", res.target_schema);
    snprintf(ctx->table, sizeof(ctx->table), "%s", res.target_table);
    *new_db = ctx->db;
    if (table != NULL && table[0] != '\0')
        *new_table = ctx->table;
    return 0;
}

static json_t *err_json(const dm_err *e)
{
    char buf[2048];
    return json_string(dm_err_format(buf, sizeof(buf), e));
}

// print_stmt returns the SQL text of s as a new JSON string, or NULL when out of memory.
static json_t *print_stmt(const ddl_stmt *s, dm_err *err)
{
    dm_buf b;
    json_t *j = NULL;
    dm_buf_init(&b);
    if (ddl_print(&b, s, err) == 0)
        j = json_stringn(b.data ? b.data : "", b.len);
    dm_buf_fini(&b);
    return j;
}

// schemas_json lists every table of t as {"db.table": "CREATE TABLE ..."}.
static json_t *schemas_json(const tracker *t, dm_err *err)
{
    json_t *out = json_object();
    char **dbs = NULL, **tbls = NULL;
    size_t n_dbs = 0, n_tbls = 0;
    dm_buf b;
    dm_buf_init(&b);
    if (out == NULL || tracker_list_databases(&dbs, &n_dbs, t, err) != 0)
        goto fail;
    for (size_t i = 0; i < n_dbs; i++) {
        if (tracker_list_tables(&tbls, &n_tbls, t, dbs[i], err) != 0)
            goto fail;
        for (size_t j = 0; j < n_tbls; j++) {
            const schema_table *st = tracker_get_table(t, dbs[i], tbls[j]);
            char key[2 * RULES_NAME_MAX + 2];
            dm_buf_reset(&b);
            if (st == NULL || schema_table_print(&b, st, err) != 0)
                goto fail;
            snprintf(key, sizeof(key), "%s.%s", dbs[i], tbls[j]);
            json_object_set_new(out, key, json_stringn(b.data ? b.data : "", b.len));
        }
        tracker_free_names(tbls, n_tbls);
        tbls = NULL;
        n_tbls = 0;
    }
    tracker_free_names(dbs, n_dbs);
    dm_buf_fini(&b);
    return out;
fail:
    tracker_free_names(tbls, n_tbls);
    tracker_free_names(dbs, n_dbs);
    dm_buf_fini(&b);
    json_decref(out);
    return NULL;
}

// ensure_db creates the databases that a seeding CREATE TABLE names but the file never
// created, so a schema file may hold only CREATE TABLE statements.
static int ensure_db(tracker *t, const ddl_stmt *s, const char *default_db, dm_err *err)
{
    ddl_table_ref *refs = NULL;
    size_t n = 0;
    int rc;
    if (s->kind != DDL_STMT_CREATE_TABLE)
        return 0;
    if ((rc = ddl_tables(&refs, &n, s, default_db, err)) != 0)
        return rc;
    if (n > 0 && refs[0].db[0] != '\0' && !tracker_has_database(t, refs[0].db))
        rc = tracker_create_database(t, refs[0].db, NULL, NULL, true, err);
    free(refs);
    return rc;
}

// seed_tracker applies every ';'-separated statement of path to t.
static int seed_tracker(tracker *t, const char *path, const char *default_db,
                        const ddl_parse_opts *popts, dm_err *err)
{
    char *text = NULL;
    size_t len = 0, start = 0;
    sql_lex lx;
    sql_token tok;
    int rc;
    if ((rc = config_read_file(&text, &len, path, err)) != 0)
        return rc;
    sql_lex_init(&lx, text, len, popts->ansi_quotes ? SQL_LEX_ANSI_QUOTES : 0, 0);
    for (;;) {
        bool end;
        if ((rc = sql_lex_next(&tok, &lx, err)) != 0)
            goto done;
        end = tok.kind == SQL_TOK_EOF;
        if (end || sql_lex_is_op(&lx, &tok, ";")) {
            size_t stop = end ? len : tok.off;
            ddl_stmt *s = NULL;
            size_t i = start;
            while (i < stop && strchr(" \t\r\n", text[i]) != NULL)
                i++;
            if (i < stop) {
                rc = ddl_parse(&s, text + start, stop - start, popts, err);
                if (rc == 0)
                    rc = ensure_db(t, s, default_db, err);
                if (rc == 0)
                    rc = tracker_apply(t, s, default_db, NULL, err);
                ddl_stmt_destroy(s);
                if (rc != 0) {
                    dm_err_prefix(err, "%s", path);
                    goto done;
                }
            }
            start = tok.off + tok.len;
            if (end)
                break;
        }
    }
done:
    free(text);
    return rc;
}

// tables_json lists the tables s touches as [{"schema","table"}].
static json_t *tables_json(const ddl_stmt *s, const char *default_db, dm_err *err)
{
    ddl_table_ref *refs = NULL;
    size_t n = 0;
    json_t *arr;
    if (ddl_tables(&refs, &n, s, default_db, err) != 0)
        return NULL;
    arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s}", "schema", refs[i].db, "table",
                                             refs[i].table));
    free(refs);
    return arr;
}

// describe fills obj for one statement; returns 0, or an error code with err set (the
// caller reports it in "error").
static int describe(json_t *obj, const char *sql, ddl_ctx *ctx, tracker *trk,
                    const char *default_db, const ddl_parse_opts *popts, dm_err *err)
{
    ddl_stmt *s = NULL;
    ddl_stmt **parts = NULL;
    size_t n_parts = 0;
    json_t *split, *routed = NULL, *tables;
    int rc;
    if ((rc = ddl_parse(&s, sql, strlen(sql), popts, err)) != 0)
        goto done;
    json_object_set_new(obj, "type", json_string(ddl_event_name(ddl_classify(s))));
    if ((tables = tables_json(s, default_db, err)) == NULL) {
        rc = DM_ERR_NOMEM;
        goto done;
    }
    json_object_set_new(obj, "tables", tables);
    if ((rc = ddl_split(&parts, &n_parts, s, err)) != 0)
        goto done;
    split = json_array();
    json_object_set_new(obj, "split", split);
    if (ctx->rules != NULL) {
        routed = json_array();
        json_object_set_new(obj, "routed", routed);
    }
    for (size_t i = 0; i < n_parts; i++) {
        json_array_append_new(split, print_stmt(parts[i], err));
        if (routed == NULL)
            continue;
        if ((rc = ddl_rename(parts[i], default_db, route_name, ctx, err)) != 0)
            goto done;
        json_array_append_new(routed, print_stmt(parts[i], err));
    }
    if (trk != NULL)
        rc = tracker_apply(trk, s, default_db, sql, err);
done:
    ddl_stmts_free(parts, n_parts);
    ddl_stmt_destroy(s);
    return rc;
}

// load_rules builds the routes of task_file for source_id.
static int load_rules(rules_set **out, const char *task_file, const char *source_id)
{
    config_task *task = NULL;
    config_diag diag;
    dm_err err;
    int rc;
    config_diag_init(&diag);
    dm_err_clear(&err);
    rc = config_task_load(&task, task_file, &diag);
    if (rc != 0) {
        dmctl_print_diag(&diag, 0);
        fprintf(stderr, "dmctl ddl: cannot load task file %s\n", task_file);
        goto done;
    }
    if ((rc = rules_set_create(out, task, source_id, NULL, &err)) != 0)
        dmctl_print_err("ddl", &err);
done:
    config_task_destroy(task);
    config_diag_fini(&diag);
    return rc;
}

int dmctl_cmd_ddl(int argc, char **argv)
{
    static const struct option longopts[] = {{"schema", required_argument, NULL, 'S'},
                                             {"task", required_argument, NULL, 't'},
                                             {"source", required_argument, NULL, 's'},
                                             {"db", required_argument, NULL, 'd'},
                                             {"ansi-quotes", no_argument, NULL, 'a'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *schema_file = NULL, *task_file = NULL, *source_id = NULL, *default_db = NULL;
    ddl_parse_opts popts = {0};
    ddl_ctx ctx = {0};
    tracker *trk = NULL;
    dm_err err;
    int c, status = DMCTL_EXIT_USAGE;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'S':
            schema_file = optarg;
            break;
        case 't':
            task_file = optarg;
            break;
        case 's':
            source_id = optarg;
            break;
        case 'd':
            default_db = optarg;
            break;
        case 'a':
            popts.ansi_quotes = true;
            break;
        case 'h':
            usage(stdout);
            return DMCTL_EXIT_OK;
        default:
            usage(stderr);
            return DMCTL_EXIT_USAGE;
        }
    }
    if (optind >= argc || (task_file == NULL) != (source_id == NULL)) {
        fprintf(stderr, "dmctl ddl: %s\n",
                optind >= argc ? "no SQL statement given"
                               : "--task and --source go together");
        usage(stderr);
        return DMCTL_EXIT_USAGE;
    }
    status = DMCTL_EXIT_FAIL;
    dm_err_clear(&err);
    if (task_file != NULL && load_rules(&ctx.rules, task_file, source_id) != 0)
        goto done;
    if (schema_file != NULL) {
        if (tracker_create(&trk, NULL, &err) != 0 ||
            seed_tracker(trk, schema_file, default_db, &popts, &err) != 0) {
            dmctl_print_err("ddl", &err);
            goto done;
        }
    }
    status = DMCTL_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        json_t *obj = json_pack("{s:s, s:s, s:[], s:[], s:n, s:n}", "sql", argv[i], "type", "",
                                "tables", "split", "routed", "error");
        char *text;
        dm_err_clear(&err);
        if (obj == NULL)
            goto done;
        if (describe(obj, argv[i], &ctx, trk, default_db, &popts, &err) != 0) {
            json_object_set_new(obj, "error", err_json(&err));
            status = DMCTL_EXIT_FAIL;
        }
        if (trk != NULL) {
            json_t *sch = schemas_json(trk, &err);
            json_object_set_new(obj, "schemas", sch ? sch : json_null());
        }
        text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (text != NULL)
            printf("%s\n", text);
        free(text);
        json_decref(obj);
    }
done:
    tracker_destroy(trk);
    rules_set_destroy(ctx.rules);
    return status;
}
