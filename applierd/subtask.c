// DESIGN: running one subtask's full phase.
//
//   1. Downstream: create the meta schema and the loader checkpoint table; read the stored
//      chunk plan of this source, if any.
//   2. Everything finished already: done, nothing is dumped again.
//   3. Dump: take one consistent snapshot on W connections (W = min(mydumper threads,
//      loader pool-size): each worker reads on its own snapshot connection and writes on its
//      own downstream connection).
//   4. No stored plan: list the upstream tables, keep those the block/allow list selects,
//      describe them, cut them into chunks. Stored plan: describe the tables it names and
//      reuse its chunks as they are (same ranges, same ids).
//   5. Create the target databases and tables (routed; shards routed to one table create it
//      once) from SHOW CREATE DATABASE / TABLE renamed through the DDL parser; then store a
//      new plan (all chunks pending, one transaction).
//   6. Workers take pending chunks from a shared queue and load each in one downstream
//      transaction that also marks it finished with the snapshot position it was read at.
//      Transient errors are retried (the failing connection is reopened: upstream with a
//      new snapshot); any other error stops the subtask after the chunks in flight.
#include "subtask.h"
#include "dm_time.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ddl.h"
#include "dm_buf.h"
#include "dm_log.h"
#include "dm_meta.h"
#include "dm_mysql.h"
#include "dm_rpc.h"
#include "dump.h"
#include "load.h"
#include "row_expr.h"
#include "rules.h"
#include "sync.h"

#define MAX_RETRIES 10

typedef enum stage { STAGE_NEW = 0, STAGE_RUNNING, STAGE_FINISHED, STAGE_PAUSED } stage;

// handle_req is one handle-error request, kept to be given to the sync unit when it starts.
typedef struct handle_req {
    char *location;
    sync_handle_op op;
    char **sqls;
    size_t n;
    struct handle_req *next;
} handle_req;

struct subtask {
    const config_source *source;
    const config_task *task;
    const config_instance *inst;
    rules_set *rules;
    char applier_id[64];
    unsigned log_interval_s;
    load_method method;
    load_dup dup; // loader on-duplicate-logical

    dm_mysql_params up, down;
    char *ckpt_table; // quoted `meta`.`task_loader_checkpoint`
    load_checkpoint cp;

    // Plan (built before the workers start, read-only while they run except `finished`,
    // which only the worker loading a chunk writes, under mu).
    dump_table *tables;
    size_t n_tables, cap_tables;
    dump_chunk *chunks;
    size_t n_chunks, cap_chunks;
    size_t *queue; // pending chunk indexes in load order
    size_t n_queue, next;
    dump_snapshot *snap;
    size_t statement_size;
    bool unique_checks;

    pthread_mutex_t mu;
    pthread_cond_t cv;
    stage st;
    bool is_dump; // unit shown in status
    bool stop;
    size_t running;
    dm_err first_err;
    uint64_t total_bytes, finished_bytes, run_start_bytes;
    size_t finished_chunks;
    struct timespec started;
    dump_pos meta_pos;     // earliest snapshot position of a finished chunk (sync starts here)
    dump_pos meta_pos_end; // latest one (safe mode until passed)
    atomic_bool sync_stop; // the incremental phase (sync unit) polls it
    char *relay_addr;      // read the relay there in the incremental phase; NULL = upstream
    sync_unit *sync;       // the running sync unit (under mu), NULL outside the phase
    bool in_sync;          // the incremental phase began (unit "Sync")
    handle_req *handles;   // handle-error requests for the sync unit (under mu)
};

static int nomem(dm_err *err)
{
    return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
}

int subtask_create(subtask **out, const config_source *source, const config_task *task,
                   const subtask_opts *opts, dm_err *err)
{
    int rc = 0;
    subtask *s = NULL;
    const config_instance *inst = NULL;

    *out = NULL;
    if ((rc = config_task_unsupported(err, task)) ||
        (rc = row_expr_check_task(task, source->source_id, err)))
        goto done;
    for (size_t i = 0; i < task->n_instances; i++)
        if (!strcmp(task->instances[i].source_id, source->source_id))
            inst = &task->instances[i];
    if (!inst) {
        rc = dm_err_set(err, SUBTASK_ERR_NO_INSTANCE, DM_ERR_SCOPE_INTERNAL,
                        "task '%s' (%s) has no mysql-instances entry with source-id '%s' (%s)",
                        task->name, task->file ? task->file : "", source->source_id,
                        source->file ? source->file : "");
        goto done;
    }
    if (!(s = calloc(1, sizeof(*s)))) {
        rc = nomem(err);
        goto done;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->source = source;
    s->task = task;
    s->inst = inst;
    snprintf(s->applier_id, sizeof(s->applier_id), "%s",
             opts && opts->applier_id ? opts->applier_id : "applierd");
    s->log_interval_s = opts && opts->log_interval_s ? opts->log_interval_s : 10;
    s->method = opts ? (load_method)opts->load_method : LOAD_METHOD_LOAD_DATA;
    if (opts && opts->relay_addr && opts->relay_addr[0] && !(s->relay_addr = strdup(opts->relay_addr))) {
        rc = nomem(err);
        goto done;
    }
    if ((rc = load_dup_parse(&s->dup, inst->loader.on_duplicate_logical, err))) {
        dm_err_prefix(err, "task '%s' loader", task->name);
        goto done;
    }
    if ((rc = rules_set_create(&s->rules, task, source->source_id, source, err)))
        goto done;
    dm_mysql_params_from_config(&s->up, &source->from);
    dm_mysql_params_from_config(&s->down, &task->target_db);
    *out = s;
    s = NULL;
done:
    subtask_destroy(s);
    return rc;
}

static void handle_req_free(handle_req *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->sqls[i]);
    free(h->sqls);
    free(h->location);
    free(h);
}

void subtask_destroy(subtask *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_chunks; i++)
        dump_chunk_fini(&s->chunks[i], s->tables[s->chunks[i].table].n_key);
    for (size_t i = 0; i < s->n_tables; i++)
        dump_table_fini(&s->tables[i]);
    free(s->chunks);
    free(s->tables);
    free(s->queue);
    free(s->ckpt_table);
    free(s->relay_addr);
    while (s->handles) {
        handle_req *h = s->handles;
        s->handles = h->next;
        handle_req_free(h);
    }
    dump_snapshot_destroy(s->snap);
    rules_set_destroy(s->rules);
    dump_pos_fini(&s->meta_pos);
    dump_pos_fini(&s->meta_pos_end);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}

void subtask_stop(subtask *s)
{
    atomic_store(&s->sync_stop, true);
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

// ---------------------------------------------------------------------------------------
// Positions

// pos_cmp orders binlog positions (file names of one server sort by their number).
static int pos_cmp(const dump_pos *a, const dump_pos *b)
{
    int c = strcmp(a->file, b->file);
    if (c)
        return c;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

// note_pos widens [meta_pos, meta_pos_end] with p. Called with mu held.
static void note_pos(subtask *s, const dump_pos *p)
{
    if (!p->file[0] && !(p->gtid && *p->gtid))
        return;
    bool have = s->meta_pos.file[0] || (s->meta_pos.gtid && *s->meta_pos.gtid);
    if (!have || pos_cmp(p, &s->meta_pos) < 0) {
        char *g = strdup(p->gtid ? p->gtid : "");
        if (g) {
            free(s->meta_pos.gtid);
            s->meta_pos = *p;
            s->meta_pos.gtid = g;
        }
    }
    if (!have || pos_cmp(p, &s->meta_pos_end) > 0) {
        char *g = strdup(p->gtid ? p->gtid : "");
        if (g) {
            free(s->meta_pos_end.gtid);
            s->meta_pos_end = *p;
            s->meta_pos_end.gtid = g;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Status

char *subtask_progress_text(char *out, size_t size, subtask *s)
{
    pthread_mutex_lock(&s->mu);
    double pct = s->total_bytes ? 100.0 * (double)s->finished_bytes / (double)s->total_bytes : 0;
    double el = s->started.tv_sec ? dm_time_mono_s() - ((double)s->started.tv_sec + (double)s->started.tv_nsec / 1e9) : 0;
    double bps = el > 0 ? (double)(s->finished_bytes - s->run_start_bytes) / el : 0;
    double eta = bps > 0 ? (double)(s->total_bytes - s->finished_bytes) / bps : -1;
    snprintf(out, size,
             "load progress: finishedBytes=%" PRIu64 " totalBytes=%" PRIu64
             " progress=%.2f %% chunks=%zu/%zu bps=%.0f eta=%.0fs metaBinlog=(%s, %" PRIu64 ")",
             s->finished_bytes, s->total_bytes, pct, s->finished_chunks, s->n_chunks, bps, eta,
             s->meta_pos.file, s->meta_pos.pos);
    pthread_mutex_unlock(&s->mu);
    return out;
}

json_t *subtask_status_json(subtask *s)
{
    static const char *stages[] = {"New", "Running", "Finished", "Paused"};
    char buf[320];
    json_t *o = json_object(), *load = json_object();
    if (!o || !load) {
        json_decref(o);
        json_decref(load);
        return NULL;
    }
    pthread_mutex_lock(&s->mu);
    double el = s->started.tv_sec ? dm_time_mono_s() - ((double)s->started.tv_sec + (double)s->started.tv_nsec / 1e9) : 0;
    double bps = el > 0 ? (double)(s->finished_bytes - s->run_start_bytes) / el : 0;
    double eta = bps > 0 ? (double)(s->total_bytes - s->finished_bytes) / bps : -1;
    if (s->st == STAGE_FINISHED)
        eta = 0;
    json_object_set_new(o, "name", json_string(s->task->name));
    json_object_set_new(o, "sourceID", json_string(s->source->source_id));
    json_object_set_new(o, "stage", json_string(stages[s->st]));
    json_object_set_new(o, "unit", json_string(s->in_sync ? "Sync" : s->is_dump ? "Dump" : "Load"));
    if (s->sync) {
        json_t *sy = sync_status_json(s->sync);
        if (sy)
            json_object_set_new(o, "sync", sy);
    }
    json_object_set_new(load, "finishedBytes", json_integer((json_int_t)s->finished_bytes));
    json_object_set_new(load, "totalBytes", json_integer((json_int_t)s->total_bytes));
    snprintf(buf, sizeof(buf), "%.2f %%",
             s->total_bytes ? 100.0 * (double)s->finished_bytes / (double)s->total_bytes : 0.0);
    json_object_set_new(load, "progress", json_string(buf));
    snprintf(buf, sizeof(buf), "(%s, %" PRIu64 ")", s->meta_pos.file, s->meta_pos.pos);
    json_object_set_new(load, "metaBinlog", json_string(buf));
    json_object_set_new(load, "metaBinlogGTID", json_string(s->meta_pos.gtid ? s->meta_pos.gtid : ""));
    snprintf(buf, sizeof(buf), "(%s, %" PRIu64 ")", s->meta_pos_end.file, s->meta_pos_end.pos);
    json_object_set_new(load, "safeModeExitBinlog", json_string(buf));
    json_object_set_new(load, "bps", json_integer((json_int_t)bps));
    json_object_set_new(load, "finishedChunks", json_integer((json_int_t)s->finished_chunks));
    json_object_set_new(load, "totalChunks", json_integer((json_int_t)s->n_chunks));
    json_object_set_new(load, "eta", json_integer((json_int_t)eta));
    json_object_set_new(o, "load", load);
    if (s->st == STAGE_PAUSED && s->first_err.code) {
        json_t *e = dm_err_to_json(&s->first_err);
        if (e)
            json_object_set_new(o, "errors", json_pack("[o]", e));
    }
    pthread_mutex_unlock(&s->mu);
    return o;
}

int subtask_rpc_handler(dm_rpc_reply *out, const dm_rpc_request *req, void *arg, dm_err *err)
{
    subtask *s = arg;
    if (strcmp(req->method, "status") != 0)
        return dm_err_set(err, DM_RPC_ERR_UNKNOWN_METHOD, DM_ERR_SCOPE_INTERNAL,
                          "applierd has no method '%s' (it serves: status)", req->method);
    json_t *subs = json_array();
    json_t *st = s ? subtask_status_json(s) : NULL;
    if (!subs || (s && (!st || json_array_append_new(subs, st)))) {
        json_decref(subs);
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    }
    out->result = json_pack("{s:o}", "subtasks", subs);
    return out->result ? 0 : dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
}

// ---------------------------------------------------------------------------------------
// Downstream helpers

static int down_connect(MYSQL **out, subtask *s, bool data, dm_err *err)
{
    dm_mysql_params p = s->down;
    p.charset = data ? "binary" : "utf8mb4";
    int rc = dm_mysql_connect(out, &p, err);
    if (rc)
        goto done;
    if (data) {
        rc = dm_mysql_exec(*out, load_session_sql, err);
        if (!rc && !s->unique_checks)
            rc = dm_mysql_exec(*out, "SET SESSION unique_checks=0", err);
    } else {
        rc = dm_mysql_exec(*out,
                           "SET SESSION time_zone='+00:00', SESSION foreign_key_checks=0, "
                           "SESSION sql_mode='NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'",
                           err);
    }
done:
    if (rc) {
        if (err)
            err->scope = DM_ERR_SCOPE_DOWNSTREAM;
        if (*out)
            mysql_close(*out);
        *out = NULL;
    }
    return rc;
}

static int exists_downstream(bool *out, MYSQL *down, const char *schema, const char *table, dm_err *err)
{
    dm_buf q;
    MYSQL_RES *r = NULL;
    int rc;
    dm_buf_init(&q);
    rc = table ? dm_buf_puts(&q, "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ")
               : dm_buf_puts(&q, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ");
    if (!rc)
        rc = load_quote_bytes(&q, schema, strlen(schema));
    if (!rc && table) {
        rc = dm_buf_puts(&q, " AND TABLE_NAME = ");
        if (!rc)
            rc = load_quote_bytes(&q, table, strlen(table));
    }
    if (rc) {
        rc = nomem(err);
        goto done;
    }
    if ((rc = dm_mysql_query(&r, down, q.data, err)))
        goto done;
    *out = r && mysql_num_rows(r) > 0;
done:
    if (r)
        mysql_free_result(r);
    dm_buf_fini(&q);
    return rc;
}

typedef struct rename_ctx {
    subtask *s;
    const char *fixed_db; // databases: the target name
    rules_route_result res;
} rename_ctx;

static int rename_cb(void *ctx, const char *db, const char *table, const char **new_db,
                     const char **new_table, dm_err *err)
{
    rename_ctx *c = ctx;
    if (!table || !*table) {
        *new_db = c->fixed_db;
        return 0;
    }
    int rc = rules_route(&c->res, c->s->rules->router, db, table, err);
    if (rc)
        return rc;
    *new_db = c->res.target_schema;
    *new_table = c->res.target_table;
    return 0;
}

// create_renamed parses upstream DDL text, renames it to the target and runs it downstream.
static int create_renamed(subtask *s, MYSQL *down, const char *sql, size_t len, const char *default_db,
                          const char *fixed_db, const char *what, dm_err *err)
{
    int rc;
    ddl_stmt *st = NULL;
    dm_buf out;
    rename_ctx ctx = {.s = s, .fixed_db = fixed_db};
    dm_buf_init(&out);
    if ((rc = ddl_parse(&st, sql, len, NULL, err)) || (rc = ddl_rename(st, default_db, rename_cb, &ctx, err)) ||
        (rc = ddl_print(&out, st, err))) {
        dm_err_prefix(err, "rewriting the upstream definition of %s", what);
        goto done;
    }
    if ((rc = dm_mysql_exec(down, out.data, err))) {
        if (rc != DM_ERR_DB_RETRYABLE) {
            if (err)
                err->code = SUBTASK_ERR_SCHEMA;
            rc = SUBTASK_ERR_SCHEMA;
        }
        dm_err_prefix(err, "creating %s downstream", what);
        if (err)
            err->scope = DM_ERR_SCOPE_DOWNSTREAM;
    }
done:
    ddl_stmt_destroy(st);
    dm_buf_fini(&out);
    return rc;
}

// create_targets creates each target database and table once.
static int create_targets(subtask *s, MYSQL *up, MYSQL *down, dm_err *err)
{
    int rc = 0;
    dm_buf ddl;
    char what[600];
    dm_buf_init(&ddl);
    for (size_t i = 0; i < s->n_tables; i++) {
        const dump_table *t = &s->tables[i];
        bool seen = false, exists = false;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(s->tables[j].target_schema, t->target_schema) &&
                !strcmp(s->tables[j].target_table, t->target_table))
                seen = true;
        if (seen)
            continue;
        if ((rc = exists_downstream(&exists, down, t->target_schema, NULL, err)))
            goto done;
        if (!exists) {
            dm_buf_reset(&ddl);
            if ((rc = dump_show_create_database(&ddl, up, t->schema, err)))
                goto done;
            snprintf(what, sizeof(what), "database `%s`", t->target_schema);
            if ((rc = create_renamed(s, down, ddl.data, ddl.len, t->schema, t->target_schema, what, err)))
                goto done;
            dm_info("load", "created database `%s`", t->target_schema);
        }
        if ((rc = exists_downstream(&exists, down, t->target_schema, t->target_table, err)))
            goto done;
        if (exists)
            continue;
        dm_buf_reset(&ddl);
        if ((rc = dump_show_create_table(&ddl, up, t->schema, t->table, err)))
            goto done;
        snprintf(what, sizeof(what), "table `%s`.`%s` (from `%s`.`%s`)", t->target_schema,
                 t->target_table, t->schema, t->table);
        if ((rc = create_renamed(s, down, ddl.data, ddl.len, t->schema, t->target_schema, what, err)))
            goto done;
        dm_info("load", "created %s", what);
    }
done:
    dm_buf_fini(&ddl);
    return rc;
}

// ---------------------------------------------------------------------------------------
// Plan

static int add_table(subtask *s, MYSQL *up, const char *schema, const char *table, dm_err *err)
{
    int rc;
    rules_route_result res;
    if (s->n_tables == s->cap_tables) {
        size_t nc = s->cap_tables ? 2 * s->cap_tables : 16;
        dump_table *g = realloc(s->tables, nc * sizeof(*g));
        if (!g)
            return nomem(err);
        s->tables = g;
        s->cap_tables = nc;
    }
    dump_table *t = &s->tables[s->n_tables];
    if ((rc = dump_describe_table(t, up, schema, table, err)))
        return rc;
    s->n_tables++;
    if ((rc = rules_route(&res, s->rules->router, schema, table, err)))
        return rc;
    if (!(t->target_schema = strdup(res.target_schema)) || !(t->target_table = strdup(res.target_table)))
        return nomem(err);
    return 0;
}

static size_t find_table(const subtask *s, const char *schema, const char *table)
{
    for (size_t i = 0; i < s->n_tables; i++)
        if (!strcmp(s->tables[i].schema, schema) && !strcmp(s->tables[i].table, table))
            return i;
    return s->n_tables;
}

// read_plan loads the stored chunk plan (tables are described on up). *have tells whether
// one exists. Finished chunks count toward the progress and the meta positions.
static int read_plan(bool *have, subtask *s, MYSQL *down, MYSQL *up, dm_err *err)
{
    int rc = 0;
    dm_buf q;
    MYSQL_RES *r = NULL;
    MYSQL_ROW row;

    *have = false;
    dm_buf_init(&q);
    if (dm_buf_printf(&q, "SELECT cp_schema, cp_table, chunk_id, range_lower, range_upper, status, "
                          "snapshot_binlog_name, snapshot_binlog_pos, snapshot_binlog_gtid FROM %s "
                          "WHERE id = ",
                      s->ckpt_table) ||
        load_quote_bytes(&q, s->source->source_id, strlen(s->source->source_id)) ||
        dm_buf_puts(&q, " ORDER BY cp_schema, cp_table, chunk_id")) {
        rc = nomem(err);
        goto done;
    }
    if ((rc = dm_mysql_query(&r, down, q.data, err)))
        goto done;
    while (r && (row = mysql_fetch_row(r))) {
        if (!row[0] || !row[1] || !row[2] || !row[5]) {
            rc = dm_err_set(err, LOAD_ERR_CHECKPOINT, DM_ERR_SCOPE_DOWNSTREAM,
                            "malformed row in %s (NULL key or status)", s->ckpt_table);
            goto done;
        }
        *have = true;
        bool finished = !strcmp(row[5], "finished");
        size_t ti = find_table(s, row[0], row[1]);
        if (ti == s->n_tables) {
            if (!up) {
                // Everything may be finished: describe lazily only when needed.
                if (s->n_tables == s->cap_tables) {
                    size_t nc = s->cap_tables ? 2 * s->cap_tables : 16;
                    dump_table *g = realloc(s->tables, nc * sizeof(*g));
                    if (!g) {
                        rc = nomem(err);
                        goto done;
                    }
                    s->tables = g;
                    s->cap_tables = nc;
                }
                dump_table *t = &s->tables[s->n_tables];
                memset(t, 0, sizeof(*t));
                if (!(t->schema = strdup(row[0])) || !(t->table = strdup(row[1]))) {
                    rc = nomem(err);
                    goto done;
                }
                s->n_tables++;
            } else if ((rc = add_table(s, up, row[0], row[1], err))) {
                goto done;
            }
        }
        const dump_table *t = &s->tables[ti];
        dump_chunk c = {.table = ti, .chunk_id = (uint32_t)strtoul(row[2], NULL, 10), .finished = finished};
        if (up && ((rc = load_bound_from_json(&c.lower, row[3], t->n_key, err)) ||
                   (rc = load_bound_from_json(&c.upper, row[4], t->n_key, err)))) {
            dump_chunk_fini(&c, t->n_key);
            dm_err_prefix(err, "the stored plan of `%s`.`%s` does not fit the table's key any more",
                          t->schema, t->table);
            goto done;
        }
        if (s->n_chunks == s->cap_chunks) {
            size_t nc = s->cap_chunks ? 2 * s->cap_chunks : 64;
            dump_chunk *g = realloc(s->chunks, nc * sizeof(*g));
            if (!g) {
                dump_chunk_fini(&c, t->n_key);
                rc = nomem(err);
                goto done;
            }
            s->chunks = g;
            s->cap_chunks = nc;
        }
        s->chunks[s->n_chunks++] = c;
        if (finished) {
            dump_pos p = {.pos = row[7] ? strtoull(row[7], NULL, 10) : 0, .gtid = row[8]};
            snprintf(p.file, sizeof(p.file), "%s", row[6] ? row[6] : "");
            note_pos(s, &p);
        }
    }
done:
    if (r)
        mysql_free_result(r);
    dm_buf_fini(&q);
    return rc;
}

static void spread_estimates(subtask *s)
{
    for (size_t ti = 0; ti < s->n_tables; ti++) {
        size_t n = 0;
        for (size_t i = 0; i < s->n_chunks; i++)
            n += s->chunks[i].table == ti;
        for (size_t i = 0; i < s->n_chunks; i++)
            if (s->chunks[i].table == ti)
                s->chunks[i].est_bytes = n ? (s->tables[ti].est_bytes ? s->tables[ti].est_bytes : 1) / n : 0;
    }
    s->total_bytes = s->finished_bytes = 0;
    s->finished_chunks = 0;
    for (size_t i = 0; i < s->n_chunks; i++) {
        s->total_bytes += s->chunks[i].est_bytes;
        if (s->chunks[i].finished) {
            s->finished_bytes += s->chunks[i].est_bytes;
            s->finished_chunks++;
        }
    }
}

static int new_plan(subtask *s, MYSQL *up, dm_err *err)
{
    int rc;
    const char *const *names = NULL;
    size_t n = 0;
    rules_decision d;
    size_t threads = dump_snapshot_count(s->snap);

    dump_snapshot_tables(&names, &n, s->snap);
    for (size_t i = 0; i < n; i++) {
        if ((rc = rules_balist_match(&d, s->rules->balist, names[2 * i], names[2 * i + 1], err)))
            goto done;
        if (!d.migrated) {
            dm_debug("dump", "`%s`.`%s` not migrated: %s", names[2 * i], names[2 * i + 1], d.reason);
            continue;
        }
        char real[256];
        if (rules_online_classify(s->rules->online, names[2 * i + 1], real, sizeof real) != RULES_TABLE_REAL) {
            dm_warn("dump", "`%s`.`%s` not migrated: a gh-ost/pt-osc table (online-ddl); a run in progress must "
                            "be restarted after the full phase for its DDL to reach `%s`",
                    names[2 * i], names[2 * i + 1], real);
            continue;
        }
        if ((rc = add_table(s, up, names[2 * i], names[2 * i + 1], err)))
            goto done;
    }
    for (size_t ti = 0; ti < s->n_tables; ti++)
        if ((rc = dump_plan_table(&s->chunks, &s->n_chunks, &s->cap_chunks, up, &s->tables[ti], ti,
                                  s->inst->mydumper.rows, threads, err)))
            goto done;
    dm_info("dump", "planned %zu chunks over %zu tables", s->n_chunks, s->n_tables);
done:
    return rc;
}

static int store_plan(subtask *s, MYSQL *down, dm_err *err)
{
    int rc = 0;
    dm_buf q;
    dm_buf_init(&q);
    if ((rc = dm_mysql_exec(down, "START TRANSACTION", err)))
        goto done;
    for (size_t i = 0; i < s->n_chunks; i += 500) {
        size_t k = s->n_chunks - i < 500 ? s->n_chunks - i : 500;
        dm_buf_reset(&q);
        if (load_checkpoint_plan_sql(&q, &s->cp, s->tables, s->chunks + i, k)) {
            rc = nomem(err);
            goto done;
        }
        if ((rc = dm_mysql_exec(down, q.data, err)))
            goto done;
    }
    rc = dm_mysql_exec(down, "COMMIT", err);
done:
    if (rc) {
        mysql_real_query(down, "ROLLBACK", 8);
        dm_err_prefix(err, "storing the chunk plan in %s", s->ckpt_table);
        if (err)
            err->scope = DM_ERR_SCOPE_DOWNSTREAM;
    }
    dm_buf_fini(&q);
    return rc;
}

// build_queue orders pending chunks by chunk id, then table, so parallel workers start on
// different tables.
static int build_queue(subtask *s, dm_err *err)
{
    free(s->queue);
    s->n_queue = s->next = 0;
    if (!(s->queue = calloc(s->n_chunks ? s->n_chunks : 1, sizeof(size_t))))
        return nomem(err);
    uint32_t max_id = 0;
    for (size_t i = 0; i < s->n_chunks; i++)
        if (s->chunks[i].chunk_id > max_id)
            max_id = s->chunks[i].chunk_id;
    for (uint32_t id = 0; id <= max_id; id++)
        for (size_t i = 0; i < s->n_chunks; i++)
            if (s->chunks[i].chunk_id == id && !s->chunks[i].finished)
                s->queue[s->n_queue++] = i;
    return 0;
}

// ---------------------------------------------------------------------------------------
// Workers

typedef struct worker {
    subtask *s;
    size_t idx;
    pthread_t th;
} worker;

static void fail(subtask *s, const dm_err *e)
{
    pthread_mutex_lock(&s->mu);
    if (!s->first_err.code)
        s->first_err = *e;
    s->stop = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    subtask *s = w->s;
    MYSQL *down = NULL;
    dm_err e;
    load_opts lo = {.method = s->method, .dup = s->dup, .statement_size = s->statement_size, .checkpoint = &s->cp};

    dm_err_clear(&e);
    for (;;) {
        size_t ci;
        pthread_mutex_lock(&s->mu);
        bool stop = s->stop || s->next >= s->n_queue;
        ci = stop ? 0 : s->queue[s->next++];
        pthread_mutex_unlock(&s->mu);
        if (stop)
            break;
        dump_chunk *c = &s->chunks[ci];
        const dump_table *t = &s->tables[c->table];
        load_result res;
        int rc = 0;
        bool reopen = false;
        for (int attempt = 0;; attempt++) {
            rc = 0;
            if (reopen && (rc = dump_snapshot_reopen(s->snap, w->idx, &e)) == 0)
                reopen = false;
            if (!rc && !down)
                rc = down_connect(&down, s, true, &e);
            if (!rc)
                rc = load_chunk(&res, dump_snapshot_conn(s->snap, w->idx), down, t, c,
                                dump_snapshot_conn_pos(s->snap, w->idx), &lo, &e);
            if (!rc || rc == LOAD_ERR_TAKEN)
                break;
            bool retry = (rc == DM_ERR_DB_RETRYABLE || rc == DM_ERR_DB_CONNECT) && attempt < MAX_RETRIES;
            pthread_mutex_lock(&s->mu);
            retry = retry && !s->stop;
            pthread_mutex_unlock(&s->mu);
            if (!retry)
                break;
            char msg[2600];
            dm_warn("load", "worker %zu: `%s`.`%s` chunk %" PRIu32 " failed (attempt %d), retrying: %s",
                    w->idx, t->schema, t->table, c->chunk_id, attempt + 1, dm_err_format(msg, sizeof(msg), &e));
            sleep((unsigned)(attempt < 5 ? attempt + 1 : 5));
            if (e.scope == DM_ERR_SCOPE_UPSTREAM) {
                reopen = true;
            } else if (down) {
                mysql_close(down);
                down = NULL;
            }
        }
        bool taken = rc == LOAD_ERR_TAKEN;
        if (taken) {
            // Finished by another applier at a position we do not know: not noted here.
            dm_warn("load", "%s", e.message);
            res.rows = 0;
        } else if (rc) {
            fail(s, &e);
            break;
        }
        pthread_mutex_lock(&s->mu);
        c->finished = true;
        s->finished_bytes += c->est_bytes;
        s->finished_chunks++;
        if (!taken)
            note_pos(s, dump_snapshot_conn_pos(s->snap, w->idx));
        pthread_mutex_unlock(&s->mu);
        dm_debug("load", "worker %zu: `%s`.`%s` chunk %" PRIu32 " loaded, %" PRIu64 " rows", w->idx,
                 t->schema, t->table, c->chunk_id, res.rows);
    }
    if (down)
        mysql_close(down);
    pthread_mutex_lock(&s->mu);
    s->running--;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static int run_workers(subtask *s, dm_err *err)
{
    int rc = 0;
    size_t n = dump_snapshot_count(s->snap);
    worker *ws = calloc(n, sizeof(worker));
    size_t started = 0;
    char line[512];
    if (!ws)
        return nomem(err);
    pthread_mutex_lock(&s->mu);
    clock_gettime(CLOCK_MONOTONIC, &s->started);
    s->run_start_bytes = s->finished_bytes;
    s->is_dump = false;
    pthread_mutex_unlock(&s->mu);
    for (size_t i = 0; i < n; i++) {
        ws[i] = (worker){.s = s, .idx = i};
        pthread_mutex_lock(&s->mu);
        s->running++;
        pthread_mutex_unlock(&s->mu);
        if (pthread_create(&ws[i].th, NULL, worker_main, &ws[i])) {
            pthread_mutex_lock(&s->mu);
            s->running--;
            pthread_mutex_unlock(&s->mu);
            dm_err e;
            dm_err_set(&e, DM_ERR_INTERNAL, DM_ERR_SCOPE_INTERNAL, "cannot start load worker %zu", i);
            fail(s, &e);
            break;
        }
        started++;
    }
    pthread_mutex_lock(&s->mu);
    while (s->running > 0) {
        struct timespec dl = dm_time_deadline_ms((int64_t)s->log_interval_s * 1000);
        if (pthread_cond_timedwait(&s->cv, &s->mu, &dl) != 0 && s->running > 0) {
            pthread_mutex_unlock(&s->mu);
            dm_info("load", "%s", subtask_progress_text(line, sizeof(line), s));
            pthread_mutex_lock(&s->mu);
        }
    }
    pthread_mutex_unlock(&s->mu);
    for (size_t i = 0; i < started; i++)
        pthread_join(ws[i].th, NULL);
    free(ws);
    pthread_mutex_lock(&s->mu);
    if (s->first_err.code) {
        if (err)
            *err = s->first_err;
        rc = s->first_err.code;
    } else if (s->stop && s->finished_chunks < s->n_chunks) {
        rc = dm_err_set(err, SUBTASK_ERR_STOPPED, DM_ERR_SCOPE_INTERNAL,
                        "subtask stopped with %zu of %zu chunks loaded", s->finished_chunks, s->n_chunks);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

// ---------------------------------------------------------------------------------------
// Run

static int prepare_meta(subtask *s, MYSQL *down, dm_err *err)
{
    int rc;
    dm_buf q;
    dm_buf_init(&q);
    if ((rc = dm_meta_create_schema_sql(&q, s->task->meta_schema, err)) ||
        (rc = dm_mysql_exec(down, q.data, err)))
        goto done;
    dm_buf_reset(&q);
    if ((rc = dm_meta_create_table_sql(&q, DM_META_LOADER_CHECKPOINT, s->task->meta_schema, s->task->name, err)) ||
        (rc = dm_mysql_exec(down, q.data, err)))
        goto done;
    dm_buf_reset(&q);
    if ((rc = dm_meta_qualified_name(&q, DM_META_LOADER_CHECKPOINT, s->task->meta_schema, s->task->name, err)))
        goto done;
    free(s->ckpt_table);
    s->ckpt_table = dm_buf_detach(&q);
    if (!s->ckpt_table)
        rc = nomem(err);
    s->cp = (load_checkpoint){.table = s->ckpt_table, .source_id = s->source->source_id,
                              .applier_id = s->applier_id};
done:
    if (rc) {
        dm_err_prefix(err, "preparing the meta schema `%s`", s->task->meta_schema);
        if (err && err->scope == DM_ERR_SCOPE_NOT_SET)
            err->scope = DM_ERR_SCOPE_DOWNSTREAM;
    }
    dm_buf_fini(&q);
    return rc;
}

static void set_stage(subtask *s, stage st)
{
    pthread_mutex_lock(&s->mu);
    s->st = st;
    pthread_mutex_unlock(&s->mu);
}

static int full_phase(subtask *s, dm_err *err)
{
    int rc;
    MYSQL *ctl = NULL;
    bool have_plan = false, all_done = true;
    char *map = NULL;

    if ((rc = down_connect(&ctl, s, false, err)))
        goto done;
    if ((rc = prepare_meta(s, ctl, err)))
        goto done;
    if ((rc = read_plan(&have_plan, s, ctl, NULL, err)))
        goto done;
    for (size_t i = 0; i < s->n_chunks; i++)
        all_done = all_done && s->chunks[i].finished;
    if (have_plan && all_done) {
        spread_estimates(s);
        dm_info("load", "the stored plan of %zu chunks is fully loaded; nothing to do", s->n_chunks);
        goto done;
    }
    // Start again from the stored rows with the tables described on the snapshot.
    for (size_t i = 0; i < s->n_chunks; i++)
        dump_chunk_fini(&s->chunks[i], s->tables[s->chunks[i].table].n_key);
    for (size_t i = 0; i < s->n_tables; i++)
        dump_table_fini(&s->tables[i]);
    s->n_chunks = s->n_tables = 0;

    size_t threads = (size_t)(s->inst->mydumper.threads > 0 ? s->inst->mydumper.threads : 4);
    size_t pool = (size_t)(s->inst->loader.pool_size > 0 ? s->inst->loader.pool_size : 16);
    size_t w = threads < pool ? threads : pool;
    pthread_mutex_lock(&s->mu);
    s->is_dump = true;
    pthread_mutex_unlock(&s->mu);
    if ((rc = dump_snapshot_open(&s->snap, &s->up, w, err)))
        goto done;
    MYSQL *up = dump_snapshot_conn(s->snap, 0);
    if (have_plan) {
        if ((rc = read_plan(&have_plan, s, ctl, up, err)))
            goto done;
        dm_info("load", "resuming the stored plan: %zu chunks over %zu tables", s->n_chunks, s->n_tables);
    } else if ((rc = new_plan(s, up, err))) {
        goto done;
    }
    // Shards merged into one table keep unique checks: their keys may collide.
    s->unique_checks = false;
    for (size_t i = 0; i < s->n_tables; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(s->tables[i].target_schema, s->tables[j].target_schema) &&
                !strcmp(s->tables[i].target_table, s->tables[j].target_table))
                s->unique_checks = true;
    if ((rc = create_targets(s, up, ctl, err)))
        goto done;
    if (!have_plan && (rc = store_plan(s, ctl, err)))
        goto done;
    if ((rc = dm_mysql_query_value(&map, ctl, "SELECT @@max_allowed_packet", err)))
        goto done;
    if (s->method == LOAD_METHOD_LOAD_DATA) {
        // A downstream that refuses LOAD DATA LOCAL (local_infile OFF) gets INSERTs instead of
        // a failure on the first chunk. A server without the variable is assumed to accept it.
        char *li = NULL;
        dm_err ignore;
        if (dm_mysql_query_value(&li, ctl, "SELECT @@GLOBAL.local_infile", &ignore) == 0 && li &&
            (!strcmp(li, "0") || !strcasecmp(li, "OFF"))) {
            dm_warn("load", "the downstream has local_infile=OFF: loading with INSERT statements");
            s->method = LOAD_METHOD_INSERT;
        }
        free(li);
    }
    uint64_t mx = map ? strtoull(map, NULL, 10) : 4u << 20;
    uint64_t ss = s->inst->mydumper.statement_size ? s->inst->mydumper.statement_size : 1000000;
    if (mx > 4096 && ss > mx - 4096)
        ss = mx - 4096;
    s->statement_size = (size_t)ss;
    pthread_mutex_lock(&s->mu);
    spread_estimates(s);
    pthread_mutex_unlock(&s->mu);
    if ((rc = build_queue(s, err)))
        goto done;
    mysql_close(ctl);
    ctl = NULL;
    dm_info("load", "loading %zu pending chunks of %zu with %zu workers (%s, statement size %zu bytes)",
            s->n_queue, s->n_chunks, w, s->method == LOAD_METHOD_LOAD_DATA ? "LOAD DATA LOCAL" : "INSERT",
            s->statement_size);
    rc = run_workers(s, err);
done:
    free(map);
    if (ctl)
        mysql_close(ctl);
    dump_snapshot_destroy(s->snap);
    s->snap = NULL;
    return rc;
}

// run_sync runs the incremental phase (applierd/sync.h) until subtask_stop or an error:
// from its checkpoint, else start (the load's snapshot, safe mode until safe_until), else
// the task's meta.
static int run_sync(subtask *s, const dump_pos *start, const dump_pos *safe_until, dm_err *err)
{
    checkpoint_loc from = {0}, until = {0};
    if (start && start->file[0]) {
        snprintf(from.file, sizeof(from.file), "%.*s", (int)sizeof(from.file) - 1, start->file);
        from.pos = start->pos;
        snprintf(from.gtid, sizeof(from.gtid), "%s", start->gtid ? start->gtid : "");
    }
    if (safe_until && safe_until->file[0]) {
        snprintf(until.file, sizeof(until.file), "%.*s", (int)sizeof(until.file) - 1,
                 safe_until->file);
        until.pos = safe_until->pos;
    }
    sync_opts o = {.task = s->task,
                   .source = s->source,
                   .start = from.file[0] ? &from : NULL,
                   .safe_until = until.file[0] ? &until : NULL,
                   .stop = &s->sync_stop,
                   .relay_addr = s->relay_addr};
    sync_unit *u = NULL;
    set_stage(s, STAGE_RUNNING);
    int rc = sync_create(&u, &o, err);
    pthread_mutex_lock(&s->mu);
    s->in_sync = true;
    for (handle_req *h = s->handles; h && !rc; h = h->next)
        rc = sync_handle_error(u, h->location, h->op, (const char *const *)h->sqls, h->n, err);
    if (!rc)
        s->sync = u;
    pthread_mutex_unlock(&s->mu);
    if (!rc)
        rc = sync_run(u, err);
    pthread_mutex_lock(&s->mu);
    s->sync = NULL;
    s->st = rc ? STAGE_PAUSED : STAGE_FINISHED;
    if (rc && err && !s->first_err.code)
        s->first_err = *err;
    pthread_mutex_unlock(&s->mu);
    sync_destroy(u);
    return rc;
}

int subtask_handle_error(subtask *s, const char *location, sync_handle_op op,
                         const char *const *sqls, size_t n, dm_err *err)
{
    int rc = 0;
    handle_req *h = calloc(1, sizeof *h);
    if (!h || !(h->location = strdup(location ? location : "")) ||
        (n && !(h->sqls = calloc(n, sizeof *h->sqls)))) {
        rc = nomem(err);
        goto done;
    }
    h->op = op;
    for (; h->n < n; h->n++)
        if (!(h->sqls[h->n] = strdup(sqls[h->n]))) {
            rc = nomem(err);
            goto done;
        }
    pthread_mutex_lock(&s->mu);
    if (s->sync)
        rc = sync_handle_error(s->sync, location, op, sqls, n, err);
    else if (op == SYNC_HANDLE_REPLACE && !n)
        rc = dm_err_set(err, SYNC_ERR_HANDLE, DM_ERR_SCOPE_INTERNAL,
                        "handle-error replace at %s needs the statements to run instead", h->location);
    if (!rc) {
        handle_req **tail = &s->handles;
        while (*tail)
            tail = &(*tail)->next;
        *tail = h;
        h = NULL;
    }
    pthread_mutex_unlock(&s->mu);
done:
    if (h)
        handle_req_free(h);
    return rc;
}

int subtask_run(subtask *s, dm_err *err)
{
    int rc = 0;
    config_task_mode mode = s->task->task_mode;
    char line[512];

    if (mode == CONFIG_TASK_MODE_INCREMENTAL)
        return run_sync(s, NULL, NULL, err);
    set_stage(s, STAGE_RUNNING);
    rc = full_phase(s, err);
    if (rc) {
        pthread_mutex_lock(&s->mu);
        s->st = STAGE_PAUSED;
        if (!s->first_err.code && err)
            s->first_err = *err;
        pthread_mutex_unlock(&s->mu);
        return rc;
    }
    set_stage(s, STAGE_FINISHED);
    dm_info("load", "%s", subtask_progress_text(line, sizeof(line), s));
    dm_info("load", "full phase finished: %zu chunks; the incremental phase must start at (%s, %" PRIu64
                    ") GTID '%s' in safe mode until (%s, %" PRIu64 ")",
            s->n_chunks, s->meta_pos.file, s->meta_pos.pos, s->meta_pos.gtid ? s->meta_pos.gtid : "",
            s->meta_pos_end.file, s->meta_pos_end.pos);
    if (mode == CONFIG_TASK_MODE_ALL)
        rc = run_sync(s, &s->meta_pos, &s->meta_pos_end, err);
    return rc;
}
