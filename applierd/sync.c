// DESIGN: one reader thread (the caller of sync_run) and N worker threads.
//
// The reader pulls events from the evsource, keeps the FDE, the table maps and the
// transaction state (binlog_trx), filters and routes, renders each row into a dml_change
// (the change owns its literals, so events are released at once) and hands it through
// causality to one worker's bounded queue. Memory is bounded by the queues
// (syncers.queue-size per worker) and by each worker's batch: a transaction of any size
// streams through and is committed downstream in several batches when it is large.
//
// Workers commit a batch (up to syncers.batch changes, or less when their queue runs dry)
// in one downstream transaction together with their progress row (the end location of the
// last change, checkpoint.h), so the furthest applied location survives a crash exactly.
//
// Checkpoints: at a transaction end, when checkpoint-flush-interval has passed, the reader
// puts a marker carrying that location into every worker queue and goes on reading. Each
// worker commits what it holds when it meets the marker; the last one to pass it writes the
// global checkpoint. The reader never waits for that. A DDL, a causality conflict and a stop
// use a waiting marker (a barrier): the reader waits until every worker has committed.
//
// Recovery: sync resumes at the global checkpoint; events up to the largest progress row are
// replayed in safe mode (REPLACE, DELETE+REPLACE), which is idempotent per row, then exact
// mode. A batch retried after a transient error is also rendered in safe mode, because a
// lost connection during COMMIT leaves unknown whether it was applied.

#include "sync.h"
#include "dm_time.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <uthash.h>
#include <xxhash.h>

#include "binlog.h"
#include "binlog_client.h"
#include "causality.h"
#include "config.h"
#include "ddl.h"
#include "dm_log.h"
#include "dm_mysql.h"
#include "dml.h"
#include "evsource.h"
#include "gtid.h"
#include "row_expr.h"
#include "rules.h"
#include "schema.h"
#include "tracker.h"

#define LOGC "sync"
#define CAUSALITY_MAX_KEYS 200000
#define STMT_MAX_BYTES (4u << 20)
#define RETRY_BUDGET_S 120.0 // how long transient database errors are retried
#define RETRY_BACKOFF_MAX_US 2000000u
#define MULTI_MAX_BYTES (8u << 20)

// MariaDB/MySQL sql_mode bits that change how statements are lexed.
#define SQL_MODE_ANSI_QUOTES (1ull << 2)
#define SQL_MODE_NO_BACKSLASH_ESCAPES (1ull << 20)

typedef struct marker {
    atomic_uint remaining;
    checkpoint_loc loc;
    uint64_t epoch;
    bool wait; // the reader waits for it (a barrier); it frees the marker
    bool done;
    char *table_info; // the tracker's JSON at loc (malloc'ed), NULL when empty
} marker;

static void marker_free(marker *m)
{
    if (m)
        free(m->table_info);
    free(m);
}

typedef struct qnode {
    struct qnode *next;
    dml_change *change; // or
    marker *mark;       // or neither: exit
} qnode;

typedef struct worker {
    sync_unit *s;
    unsigned id;
    pthread_t th;
    bool started;
    MYSQL *conn;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    qnode *head, *tail;
    size_t qlen;
    dml_change **batch;
    size_t nbatch;
    dm_buf sql;
    dm_buf aux;
    dm_buf multi;  // statements of one round trip
    size_t *off;   // their offsets in multi
    size_t *first; // the batch index of each one's first change (SIZE_MAX: none)
    size_t nst, cap_st;
} worker;

// One expression-filter rule bound to a table's columns: a row change is discarded when the
// rule's expression for its kind is TRUE (an update: old AND new when both are set).
typedef struct xrule {
    row_expr *ins, *uold, *unew, *del;
} xrule;

typedef struct tentry {
    UT_hash_handle hh;
    uint64_t table_id;
    binlog_table_map *tm;
    dml_table *dt;
    bool skip;
    int filter[3]; // per dml_kind - 1: -1 unknown, 0 apply, 1 ignore
    xrule *xr;     // the expression filters of this table
    size_t n_xr;
} tentry;

typedef struct handle_op {
    struct handle_op *next;
    checkpoint_loc loc;
    sync_handle_op op;
    char **sqls;
    size_t n;
} handle_op;

struct sync_unit {
    const config_task *task;
    const config_source *source;
    const config_instance *inst;
    sync_opts opts;
    rules_set *rules;
    checkpoint *cp;
    unsigned n_workers, batch, queue_size, flush_interval;
    bool always_safe;
    bool no_compact; // syncer `compact` off (DM's default)
    char reader_name[300]; // "task:source", the hold this unit keeps in relayd
    dm_mysql_params down, up;

    // run state
    worker *workers;
    MYSQL *ctl;
    evsource *src;
    causality *caus;
    tentry *tables;
    char **files;
    size_t n_files;
    binlog_fde fde;
    binlog_trx trx;
    dm_buf scratch, rowbuf, keys;
    dm_buf payload; // an inflated TRANSACTION_PAYLOAD
    binlog_row row;
    checkpoint_loc safe_until; // safe mode while loc <= this
    checkpoint_loc trx_end;    // end of the last complete transaction (resume point)
    gtid_set *gtids;
    gtid pending_gtid;
    bool has_pending_gtid;
    uint64_t epoch;
    struct timespec last_marker;
    checkpoint_loc marked; // location of the last marker sent
    bool ddl_done;  // a DDL ran in the current transaction: checkpoint at its end
    // Online DDL (gh-ost / pt-osc): per ghost table ("db" US "table"), the DDLs recorded on it,
    // rewritten onto the real table: [{"loc", "sql"}], kept in dm_meta (<task>_onlineddl).
    json_t *online;
    char *online_finish; // the ghost whose DDLs the current statement runs: forget it after
    tracker *trk;   // upstream schemas at the reader's position
    char *trk_text; // its JSON, refreshed after each change (checkpoints carry it)
    marker *orphan; // a barrier abandoned by a failed run, freed after the workers exit

    pthread_mutex_t mu; // guards the fields below
    pthread_cond_t cv;
    atomic_bool stop;
    atomic_bool failed;
    dm_err fail_err;
    int fail_rc;
    checkpoint_loc saved; // last global checkpoint written
    atomic_uint_fast64_t committed; // epochs below this are committed everywhere
    handle_op *ops;
    // status (query-status' sync block), under mu
    checkpoint_loc read_loc;  // end of the last event read
    uint64_t total_events;
    uint64_t total_trx;
    uint32_t last_ts;         // header timestamp of the last data event read
    bool caught_up;           // the source had nothing newer at the last read
    double run_started;       // dm_time_mono_s() when sync_run began
};

// ---------------------------------------------------------------------------------------
// helpers

// loc_set_file copies a binlog file name into a location (names longer than the column
// cannot come from a server: MariaDB limits them to 255 bytes, the column to 128).
static void loc_set_file(checkpoint_loc *l, const char *file)
{
    size_t n = strnlen(file, sizeof l->file - 1);
    memcpy(l->file, file, n);
    l->file[n] = 0;
}

static int nomem(dm_err *err) { return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "sync: out of memory"); }

static void fail(sync_unit *s, int rc, const dm_err *e)
{
    pthread_mutex_lock(&s->mu);
    if (!atomic_load(&s->failed)) {
        if (e)
            s->fail_err = *e;
        s->fail_rc = rc;
        atomic_store(&s->failed, true);
    }
    if (s->src)
        evsource_interrupt(s->src);
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

static bool stopping(sync_unit *s)
{
    return atomic_load(&s->stop) || (s->opts.stop && atomic_load(s->opts.stop));
}

static int connect_down(MYSQL **out, sync_unit *s, dm_err *err)
{
    MYSQL *c = NULL;
    int rc = dm_mysql_connect(&c, &s->down, err);
    if (rc)
        return rc;
    // Values are rendered as UTC literals (binlog_value_to_sql); keys are checked upstream.
    // Workers send a batch's statements in one round trip.
    if (mysql_set_server_option(c, MYSQL_OPTION_MULTI_STATEMENTS_ON)) {
        rc = dm_mysql_error(err, c, DM_ERR_DB, "cannot enable multi-statements");
        mysql_close(c);
        return rc;
    }
    // Rows carry final values: an explicit 0 in an AUTO_INCREMENT column stays 0, and dates
    // the upstream accepted are not refused by a strict mode.
    if ((rc = dm_mysql_exec(c, "SET SESSION time_zone = '+00:00', foreign_key_checks = 0, "
                               "sql_mode = 'NO_AUTO_VALUE_ON_ZERO,ALLOW_INVALID_DATES'",
                            err))) {
        mysql_close(c);
        return rc;
    }
    *out = c;
    return 0;
}

// retry_after decides, after attempt `attempt` (0-based, begun at `since` by now_s) of
// `who` failed with rc and e, whether to try again. Only transient errors are retried: a
// lost or refused connection (a downstream restarting or overloaded), a deadlock or lock
// wait timeout. It logs the error, closes the connection (the next attempt reconnects) and
// sleeps with exponential backoff up to RETRY_BACKOFF_MAX_US, for at most RETRY_BUDGET_S.
static bool retry_after(sync_unit *s, MYSQL **conn, int rc, const dm_err *e, const char *who,
                        unsigned attempt, double since)
{
    if (rc != DM_ERR_DB_RETRYABLE && rc != DM_ERR_DB_CONNECT)
        return false;
    if (stopping(s) || dm_time_mono_s() - since >= RETRY_BUDGET_S)
        return false;
    char buf[2048];
    dm_warn(LOGC, "%s: transient error, retrying (attempt %u): %s", who, attempt + 1,
            dm_err_format(buf, sizeof buf, e));
    if (*conn) {
        mysql_close(*conn);
        *conn = NULL;
    }
    unsigned us = 50000u << (attempt < 6 ? attempt : 6);
    usleep(us < RETRY_BACKOFF_MAX_US ? us : RETRY_BACKOFF_MAX_US);
    return true;
}

// connect_or_reuse makes sure the control connection is open.
static int connect_or_reuse(sync_unit *s, dm_err *err)
{
    return s->ctl ? 0 : connect_down(&s->ctl, s, err);
}

static uint32_t file_id(sync_unit *s, const char *file, dm_err *err, int *rc)
{
    if (s->n_files && !strcmp(s->files[s->n_files - 1], file))
        return (uint32_t)(s->n_files - 1);
    for (size_t i = 0; i < s->n_files; i++)
        if (!strcmp(s->files[i], file))
            return (uint32_t)i;
    char **f = realloc(s->files, (s->n_files + 1) * sizeof *f);
    if (!f || !(f[s->n_files] = strdup(file))) {
        if (f)
            s->files = f;
        *rc = nomem(err);
        return 0;
    }
    s->files = f;
    return (uint32_t)s->n_files++;
}

static void change_loc(checkpoint_loc *out, const sync_unit *s, const dml_change *c, bool start)
{
    memset(out, 0, sizeof *out);
    snprintf(out->file, sizeof out->file, "%s", s->files[c->loc_file]);
    out->pos = start ? c->loc_start : c->loc_pos;
}

// ---------------------------------------------------------------------------------------
// workers

static void marker_pass(worker *w, marker *m)
{
    sync_unit *s = w->s;
    if (atomic_fetch_sub(&m->remaining, 1) != 1)
        return;
    // The last worker through: every change before m is committed downstream.
    pthread_mutex_lock(&s->mu);
    bool write = !atomic_load(&s->failed) && m->loc.file[0] &&
                 checkpoint_loc_cmp(&m->loc, &s->saved) > 0;
    pthread_mutex_unlock(&s->mu);
    if (write && w->conn) {
        dm_err e;
        dm_err_clear(&e);
        if (checkpoint_save_global(s->cp, w->conn, &m->loc, m->table_info, &e)) {
            char buf[2048];
            dm_warn(LOGC, "checkpoint at %s:%" PRIu64 " not saved (next one will be): %s",
                    m->loc.file, m->loc.pos, dm_err_format(buf, sizeof buf, &e));
        } else {
            pthread_mutex_lock(&s->mu);
            if (checkpoint_loc_cmp(&m->loc, &s->saved) > 0)
                s->saved = m->loc;
            pthread_mutex_unlock(&s->mu);
        }
    }
    uint64_t c = atomic_load(&s->committed);
    while (c < m->epoch + 1 && !atomic_compare_exchange_weak(&s->committed, &c, m->epoch + 1))
        ;
    pthread_mutex_lock(&s->mu);
    if (m->wait) {
        m->done = true;
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
        return;
    }
    pthread_mutex_unlock(&s->mu);
    marker_free(m);
}

// send_multi sends the statements gathered in w->multi in one round trip (the connection
// has multi-statements on) and reads every result; a failing statement stops the rest.
static int send_multi(worker *w, size_t *failed_at, dm_err *err)
{
    MYSQL *c = w->conn;
    size_t k = 0;
    int st = mysql_real_query(c, w->multi.data, w->multi.len) ? 1 : 0;
    for (;;) {
        if (st > 0) {
            if (w->first[k] != SIZE_MAX)
                *failed_at = w->first[k];
            size_t end = k + 1 < w->nst ? w->off[k + 1] - 1 : w->multi.len;
            char what[400];
            snprintf(what, sizeof what, "query failed: %.*s",
                     (int)(end - w->off[k] < 300 ? end - w->off[k] : 300), w->multi.data + w->off[k]);
            return dm_mysql_error(err, c, DM_ERR_DB, what);
        }
        MYSQL_RES *r = mysql_store_result(c);
        if (r)
            mysql_free_result(r);
        k++;
        if ((st = mysql_next_result(c)) == -1)
            break;
    }
    w->nst = 0;
    dm_buf_reset(&w->multi);
    return 0;
}

static int add_stmt(worker *w, const char *sql, size_t len, size_t first, dm_err *err)
{
    if (w->nst && dm_buf_putc(&w->multi, ';'))
        return nomem(err);
    w->off[w->nst] = w->multi.len;
    w->first[w->nst++] = first;
    if (dm_buf_append(&w->multi, sql, len))
        return nomem(err);
    return 0;
}

// exec_batch applies the batch in one downstream transaction together with the worker's
// progress row, sending statements in as few round trips as the packet bound allows.
static int exec_batch(worker *w, bool force_safe, dm_err *err, size_t *failed_at)
{
    sync_unit *s = w->s;
    w->nst = 0;
    dm_buf_reset(&w->multi);
    int rc = add_stmt(w, "BEGIN", 5, SIZE_MAX, err);
    size_t i = 0;
    bool half = false;
    while (!rc && i < w->nbatch) {
        bool safe = force_safe || w->batch[i]->safe;
        size_t run = i + 1;
        while (run < w->nbatch && (force_safe || w->batch[run]->safe) == safe)
            run++;
        size_t used;
        *failed_at = i;
        if ((rc = dml_render(&w->sql, &used, &half, w->batch + i, run - i, safe, STMT_MAX_BYTES,
                             err)) ||
            (rc = add_stmt(w, w->sql.data, w->sql.len, i, err)))
            break;
        i += used;
        if (w->multi.len >= MULTI_MAX_BYTES || w->nst + 3 > w->cap_st)
            rc = send_multi(w, failed_at, err);
    }
    if (!rc) {
        checkpoint_loc l;
        change_loc(&l, s, w->batch[w->nbatch - 1], false);
        dm_buf_reset(&w->aux);
        if (!(rc = checkpoint_progress_sql(&w->aux, s->cp, w->id, &l, err)) &&
            !(rc = add_stmt(w, w->aux.data, w->aux.len, SIZE_MAX, err)) &&
            !(rc = add_stmt(w, "COMMIT", 6, SIZE_MAX, err)))
            rc = send_multi(w, failed_at, err);
    }
    if (rc && w->conn)
        mysql_rollback(w->conn);
    return rc;
}

static int flush_batch(worker *w)
{
    sync_unit *s = w->s;
    if (!w->nbatch)
        return 0;
    dm_err e;
    int rc = 0;
    double since = dm_time_mono_s();
    // Merging changes of one row is an optimisation: out of memory leaves the batch as it is.
    if (!w->s->no_compact)
        (void)dml_compact(w->batch, &w->nbatch, NULL);
    for (unsigned attempt = 0;; attempt++) {
        dm_err_clear(&e);
        size_t at = 0;
        if (atomic_load(&s->failed)) {
            rc = DM_ERR_CANCELLED;
            break;
        }
        if (w->conn || !(rc = connect_down(&w->conn, s, &e))) {
            if (!(rc = exec_batch(w, attempt > 0, &e, &at)))
                break;
            if (rc != DM_ERR_DB_RETRYABLE && rc != DM_ERR_DB_CONNECT) {
                checkpoint_loc a, b;
                change_loc(&a, s, w->batch[at], true);
                change_loc(&b, s, w->batch[at], false);
                dm_err_prefix(&e, "startLocation: [position: (%s, %" PRIu64 ")], endLocation: "
                                  "[position: (%s, %" PRIu64 ")]",
                              a.file, a.pos, b.file, b.pos);
                e.code = rc == DM_ERR_DB ? SYNC_ERR_EXEC : rc;
                e.scope = DM_ERR_SCOPE_DOWNSTREAM;
                fail(s, e.code, &e);
                break;
            }
        }
        char who[64];
        snprintf(who, sizeof who, "worker %u (batch replayed in safe mode)", w->id);
        if (!retry_after(s, &w->conn, rc, &e, who, attempt, since)) {
            fail(s, rc, &e);
            break;
        }
    }
    for (size_t i = 0; i < w->nbatch; i++)
        free(w->batch[i]);
    w->nbatch = 0;
    return rc;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    sync_unit *s = w->s;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (!w->head && !w->nbatch)
            pthread_cond_wait(&w->cv, &w->mu);
        qnode *n = w->head;
        if (n) {
            w->head = n->next;
            if (!w->head)
                w->tail = NULL;
            w->qlen--;
            pthread_cond_broadcast(&w->cv);
        }
        pthread_mutex_unlock(&w->mu);
        if (!n) {
            flush_batch(w); // the queue ran dry: commit what is held
            continue;
        }
        if (n->change) {
            if (atomic_load(&s->failed))
                free(n->change);
            else {
                w->batch[w->nbatch++] = n->change;
                if (w->nbatch >= s->batch)
                    flush_batch(w);
            }
            free(n);
            continue;
        }
        marker *m = n->mark;
        free(n);
        flush_batch(w);
        if (!m)
            break;
        marker_pass(w, m);
    }
    flush_batch(w);
    return NULL;
}

static int enqueue(sync_unit *s, unsigned wi, dml_change *c, marker *m, dm_err *err)
{
    worker *w = &s->workers[wi];
    qnode *n = malloc(sizeof *n);
    if (!n) {
        free(c);
        return nomem(err);
    }
    n->next = NULL;
    n->change = c;
    n->mark = m;
    pthread_mutex_lock(&w->mu);
    // Markers and the exit item never wait for room: they must not deadlock a failed run.
    while (c && w->qlen >= s->queue_size && !atomic_load(&s->failed))
        pthread_cond_wait(&w->cv, &w->mu);
    if (w->tail)
        w->tail->next = n;
    else
        w->head = n;
    w->tail = n;
    w->qlen++;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return 0;
}

static void checkpoint_loc_now(checkpoint_loc *out, sync_unit *s)
{
    *out = s->trx_end;
    // Until the first GTID event the set is not built (its flavour comes from that event):
    // the start location's text stands.
    if (s->gtids)
        out->gtid[0] = 0;
    if (s->gtids && !gtid_set_is_empty(s->gtids)) {
        dm_buf b;
        dm_buf_init(&b);
        if (!gtid_set_format(&b, s->gtids, NULL) && b.len < sizeof out->gtid)
            memcpy(out->gtid, b.data, b.len + 1);
        dm_buf_fini(&b);
    }
}

// send_marker puts a marker at the last transaction end into every queue; with wait it
// blocks until every worker has committed everything before it (a barrier).
static int send_marker(sync_unit *s, bool wait, dm_err *err)
{
    marker *m = calloc(1, sizeof *m);
    if (!m || (s->trk_text && !(m->table_info = strdup(s->trk_text)))) {
        free(m);
        return nomem(err);
    }
    atomic_init(&m->remaining, s->n_workers);
    checkpoint_loc_now(&m->loc, s);
    m->epoch = s->epoch++;
    m->wait = wait;
    clock_gettime(CLOCK_MONOTONIC, &s->last_marker);
    for (unsigned i = 0; i < s->n_workers; i++) {
        int rc = enqueue(s, i, NULL, m, err);
        if (rc) {
            // workers already holding it will decrement; make it complete for them
            atomic_fetch_sub(&m->remaining, s->n_workers - i);
            return rc;
        }
    }
    if (!wait)
        return 0;
    pthread_mutex_lock(&s->mu);
    while (!m->done && !atomic_load(&s->failed))
        pthread_cond_wait(&s->cv, &s->mu);
    bool done = m->done;
    pthread_mutex_unlock(&s->mu);
    if (!done) {
        // Workers still hold it: freed once they are joined.
        s->orphan = m;
        return s->fail_rc ? s->fail_rc : DM_ERR_CANCELLED;
    }
    marker_free(m);
    causality_reset(s->caus);
    return 0;
}

// ---------------------------------------------------------------------------------------
// schema tracker

static int show_table(MYSQL_RES **out, sync_unit *s, const char *what, const char *db,
                      const char *tb, dm_err *err);

// trk_refresh serialises the tracker for the next checkpoints.
static int trk_refresh(sync_unit *s, dm_err *err)
{
    json_t *j = tracker_to_json(s->trk);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!text)
        return nomem(err);
    free(s->trk_text);
    s->trk_text = text;
    return 0;
}

static int trk_open(sync_unit *s, const char *saved, dm_err *err)
{
    if (saved) {
        json_error_t je;
        json_t *j = json_loads(saved, 0, &je);
        if (!j)
            return dm_err_set(err, CHECKPOINT_ERR_BAD_ROW, DM_ERR_SCOPE_DOWNSTREAM,
                              "checkpoint table_info is not JSON: %s (line %d)", je.text, je.line);
        int rc = tracker_from_json(&s->trk, j, err);
        json_decref(j);
        if (rc)
            return rc;
    } else {
        int rc = tracker_create(&s->trk, NULL, err);
        if (rc)
            return rc;
    }
    return trk_refresh(s, err);
}

// trk_forget drops a table the tracker could not follow: it is seeded again from the
// downstream the next time its rows need it.
static void trk_forget(sync_unit *s, const char *db, const char *tb)
{
    dm_buf b;
    dm_buf_init(&b);
    if (!dm_buf_puts(&b, "DROP TABLE IF EXISTS ") && !schema_quote_ident(&b, db) &&
        !dm_buf_putc(&b, '.') && !schema_quote_ident(&b, tb))
        tracker_exec(s->trk, b.data, NULL, NULL);
    dm_buf_fini(&b);
}

typedef struct seed_ctx {
    const char *db, *tb;
} seed_ctx;

static int seed_rename(void *ctx, const char *db, const char *table, const char **new_db,
                       const char **new_table, dm_err *err)
{
    (void)db;
    (void)table;
    (void)err;
    seed_ctx *c = ctx;
    *new_db = c->db;
    *new_table = c->tb;
    return 0;
}

// trk_seed learns upstream table db.tb from its downstream copy tdb.ttb (SHOW CREATE TABLE):
// at the first rows of a table the tracker does not know, the downstream holds the table as
// of this binlog position (DDL are barriers), which the upstream itself may not any more.
static void trk_seed(sync_unit *s, const char *db, const char *tb, const char *tdb,
                     const char *ttb)
{
    MYSQL_RES *res = NULL;
    ddl_stmt *st = NULL;
    dm_err e;
    dm_err_clear(&e);
    if (show_table(&res, s, "SHOW CREATE TABLE ", tdb, ttb, &e) || !res)
        goto done;
    MYSQL_ROW row = mysql_fetch_row(res);
    unsigned long *len = row ? mysql_fetch_lengths(res) : NULL;
    seed_ctx c = {db, tb};
    if (!row || !row[1] || ddl_parse(&st, row[1], len[1], NULL, &e) ||
        ddl_rename(st, db, seed_rename, &c, &e))
        goto done;
    tracker_create_database(s->trk, db, NULL, NULL, true, NULL);
    if (tracker_apply(s->trk, st, db, NULL, &e))
        goto done;
    if (!trk_refresh(s, &e))
        dm_debug(LOGC, "schema of %s.%s seeded from downstream %s.%s", db, tb, tdb, ttb);
done:
    if (e.code)
        dm_warn(LOGC, "cannot seed the schema of %s.%s from %s.%s: %s", db, tb, tdb, ttb,
                e.message);
    ddl_stmt_destroy(st);
    if (res)
        mysql_free_result(res);
}

// trk_ddl applies an upstream DDL to the tracker. A statement the tracker cannot follow
// (a table it never saw, CREATE ... SELECT) drops the tables it names instead.
// trk_table_rows writes the per-table checkpoint rows of the tables a DDL named: their
// tracked schema after it at its end location, or no row when the table is gone. Best
// effort: the rows describe, they are not read back to resume.
static void trk_table_rows(sync_unit *s, const ddl_table_ref *refs, size_t nr,
                           const evsource_event *ev)
{
    checkpoint_loc l = {.pos = ev->next_pos};
    loc_set_file(&l, ev->file);
    dm_buf b;
    dm_buf_init(&b);
    for (size_t i = 0; s->ctl && i < nr; i++) {
        if (!refs[i].db[0] || !refs[i].table[0])
            continue;
        const schema_table *tt = tracker_get_table(s->trk, refs[i].db, refs[i].table);
        json_t *j = tt ? schema_table_to_json(tt) : NULL;
        char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        dm_buf_reset(&b);
        dm_err e;
        dm_err_clear(&e);
        if ((!tt || text) &&
            !checkpoint_table_sql(&b, s->cp, refs[i].db, refs[i].table, &l, text, &e))
            dm_mysql_exec(s->ctl, b.data, &e);
        if (e.code)
            dm_warn(LOGC, "table checkpoint of %s.%s not written: %s", refs[i].db,
                    refs[i].table, e.message);
        free(text);
    }
    dm_buf_fini(&b);
}

static int trk_ddl(sync_unit *s, const ddl_stmt *st, const char *db, const char *text,
                   const evsource_event *ev, dm_err *err)
{
    ddl_table_ref *refs = NULL;
    size_t nr = 0;
    int rc = ddl_tables(&refs, &nr, st, db, err);
    if (rc)
        return rc;
    bool dbstmt = st->kind == DDL_STMT_CREATE_DATABASE || st->kind == DDL_STMT_DROP_DATABASE ||
                  st->kind == DDL_STMT_ALTER_DATABASE;
    for (size_t i = 0; !dbstmt && i < nr; i++)
        if (refs[i].db[0])
            tracker_create_database(s->trk, refs[i].db, NULL, NULL, true, NULL);
    dm_err e;
    dm_err_clear(&e);
    // The tracker keeps UTF-8 (its state is JSON); a statement written in another charset
    // with other bytes is not applied, its tables are seeded again from the downstream.
    json_t *utf8 = json_string(text);
    bool ok = utf8 != NULL;
    json_decref(utf8);
    if (!ok)
        dm_err_set(&e, DM_ERR_UNSUPPORTED, DM_ERR_SCOPE_INTERNAL, "statement is not UTF-8");
    if (!ok || tracker_apply(s->trk, st, db, text, &e)) {
        dm_debug(LOGC, "schema tracker: %s; forgetting the tables of the statement", e.message);
        for (size_t i = 0; i < nr; i++)
            if (refs[i].db[0] && refs[i].table[0])
                trk_forget(s, refs[i].db, refs[i].table);
    }
    trk_table_rows(s, refs, nr, ev);
    free(refs);
    return trk_refresh(s, err);
}

// ---------------------------------------------------------------------------------------
// tables

static bool system_schema(const sync_unit *s, const char *db)
{
    static const char *const sys[] = {"mysql", "information_schema", "performance_schema", "sys"};
    for (size_t i = 0; i < sizeof sys / sizeof *sys; i++)
        if (!strcasecmp(db, sys[i]))
            return true;
    return !strcasecmp(db, s->task->meta_schema ? s->task->meta_schema : "dm_meta");
}

// tentry_free frees e with its table map, description and filters. e may be NULL.
static void tentry_free(tentry *e)
{
    if (!e)
        return;
    binlog_table_map_destroy(e->tm);
    dml_table_destroy(e->dt);
    for (size_t i = 0; i < e->n_xr; i++) {
        row_expr_destroy(e->xr[i].ins);
        row_expr_destroy(e->xr[i].uold);
        row_expr_destroy(e->xr[i].unew);
        row_expr_destroy(e->xr[i].del);
    }
    free(e->xr);
    free(e);
}

static void tables_clear(sync_unit *s)
{
    tentry *e, *tmp;
    HASH_ITER(hh, s->tables, e, tmp)
    {
        HASH_DEL(s->tables, e);
        tentry_free(e);
    }
}

// show_table runs `what` `db`.`tb` (SHOW ... FROM) on the control connection, retrying
// transient errors. A missing table
// gives *out NULL and 0.
static int show_table(MYSQL_RES **out, sync_unit *s, const char *what, const char *db,
                      const char *tb, dm_err *err)
{
    dm_buf b;
    dm_buf_init(&b);
    *out = NULL;
    int rc = dm_buf_puts(&b, what);
    if (!rc)
        rc = schema_quote_ident(&b, db);
    if (!rc)
        rc = dm_buf_putc(&b, '.');
    if (!rc)
        rc = schema_quote_ident(&b, tb);
    if (rc) {
        dm_buf_fini(&b);
        return nomem(err);
    }
    double since = dm_time_mono_s();
    for (unsigned attempt = 0;; attempt++) {
        if (!(rc = connect_or_reuse(s, err))) {
            rc = dm_mysql_query(out, s->ctl, b.data, err);
            if (rc && (mysql_errno(s->ctl) == 1146 || mysql_errno(s->ctl) == 1049)) {
                dm_err_clear(err);
                rc = 0;
            }
        }
        if (!rc || !retry_after(s, &s->ctl, rc, err, "table lookup", attempt, since))
            break;
    }
    dm_buf_fini(&b);
    return rc;
}

static int find_name(const char *const *names, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (names[i] && !strcasecmp(names[i], name))
            return (int)i;
    return -1;
}

static int entry_from_tracker(tentry *e, const schema_table *tt, const rules_route_result *rr,
                              dm_err *err);

// build_entry decides whether the table of e->tm is replicated and, if so, describes its
// downstream table: column names (table map FULL metadata, else the downstream's columns),
// signedness when the binlog lacks it, and the keys (downstream indexes, or the table map's
// primary key when the downstream table cannot be read).
static int build_entry(sync_unit *s, tentry *e, const evsource_event *ev, dm_err *err)
{
    binlog_table_map *tm = e->tm;
    const char *db = tm->schema.ptr, *tb = tm->table.ptr;
    int rc = 0;
    MYSQL_RES *cols = NULL, *idx = NULL;
    char **dnames = NULL, **tnames = NULL;
    uint8_t *dunsigned = NULL;
    const char **names = NULL;
    uint8_t *uns = NULL;
    dml_key_cand *cands = NULL;
    uint32_t *candcols = NULL;
    size_t ncands = 0, nd = 0;
    e->skip = true;
    if (system_schema(s, db))
        return 0;
    // The rows a gh-ost/pt-osc run copies into its ghost table (and its changelog) are the
    // real table's: they are not replicated; the recorded DDLs are replayed at the cut-over.
    char real[256];
    if (rules_online_classify(s->rules->online, tb, real, sizeof real) != RULES_TABLE_REAL)
        return 0;
    rules_decision d;
    if ((rc = rules_balist_match(&d, s->rules->balist, db, tb, err)))
        return rc;
    if (!d.migrated)
        return 0;
    rules_route_result rr;
    if ((rc = rules_route(&rr, s->rules->router, db, tb, err)))
        return rc;
    e->skip = false;
    uint32_t n = tm->column_count;
    if (!tm->has_names) {
        // No names in the binlog: the tracker knows the table as the binlog was written.
        const schema_table *tt = tracker_get_table(s->trk, db, tb);
        if (!tt) {
            trk_seed(s, db, tb, rr.target_schema, rr.target_table);
            tt = tracker_get_table(s->trk, db, tb);
        }
        if (tt && schema_table_column_count(tt) == n)
            return entry_from_tracker(e, tt, &rr, err);
        if (tt)
            dm_warn(LOGC, "tracked schema of %s.%s has %zu columns, the binlog %u: using the "
                          "downstream table",
                    db, tb, schema_table_column_count(tt), n);
    }
    if ((rc = show_table(&cols, s, "SHOW COLUMNS FROM ", rr.target_schema, rr.target_table, err)) ||
        (rc = show_table(&idx, s, "SHOW INDEX FROM ", rr.target_schema, rr.target_table, err)))
        goto done;
    nd = cols ? (size_t)mysql_num_rows(cols) : 0;
    dnames = calloc(nd + 1, sizeof *dnames);
    dunsigned = calloc(nd + 1, 1);
    names = calloc(n + 1, sizeof *names);
    uns = calloc(n + 1, 1);
    if (!dnames || !dunsigned || !names || !uns) {
        rc = nomem(err);
        goto done;
    }
    MYSQL_ROW row;
    for (size_t i = 0; cols && (row = mysql_fetch_row(cols)); i++) {
        if (!(dnames[i] = strdup(row[0] ? row[0] : ""))) {
            rc = nomem(err);
            goto done;
        }
        dunsigned[i] = row[1] && strstr(row[1], "unsigned") != NULL;
    }
    if (!tm->has_names && nd != n) {
        rc = dm_err_set(err, SYNC_ERR_SCHEMA, DM_ERR_SCOPE_DOWNSTREAM,
                        "table %s.%s: the binlog carries %u columns without names "
                        "(binlog_row_metadata is not FULL) and downstream %s.%s has %zu; "
                        "startLocation: [position: (%s, %" PRIu64 ")]",
                        db, tb, n, rr.target_schema, rr.target_table, nd, ev->file, ev->pos);
        dm_err_workaround(err, "set binlog_row_metadata=FULL upstream, or make the downstream "
                               "table's columns equal to the upstream's");
        goto done;
    }
    tnames = calloc(n + 1, sizeof *tnames);
    if (!tnames) {
        rc = nomem(err);
        goto done;
    }
    for (uint32_t i = 0; i < n; i++) {
        // table-map names are not NUL-terminated
        if (tm->has_names &&
            !(tnames[i] = strndup(tm->columns[i].name.ptr, tm->columns[i].name.len))) {
            rc = nomem(err);
            goto done;
        }
        names[i] = tm->has_names ? tnames[i] : dnames[i];
        int k = find_name((const char *const *)dnames, (uint32_t)nd, names[i]);
        uns[i] = k >= 0 ? dunsigned[k] : (tm->columns[i].is_unsigned > 0);
    }
    if ((!tm->has_signedness || !tm->has_names) &&
        (rc = binlog_table_map_apply_schema(tm, tm->has_signedness ? NULL : uns,
                                            tm->has_names ? NULL : names, n, err)))
        goto done;
    // keys
    size_t nidx = idx ? (size_t)mysql_num_rows(idx) : 0;
    cands = calloc(nidx + 1, sizeof *cands);
    candcols = calloc(nidx + n + 1, sizeof *candcols);
    if (!cands || !candcols) {
        rc = nomem(err);
        goto done;
    }
    size_t used = 0;
    char last[256] = "";
    bool bad = false;
    while (idx && (row = mysql_fetch_row(idx))) {
        // Table, Non_unique, Key_name, Seq_in_index, Column_name, Collation, Cardinality,
        // Sub_part, Packed, Null, ...
        const char *kname = row[2] ? row[2] : "";
        if (strcmp(kname, last)) {
            if (ncands && bad)
                ncands--; // drop a key with a column the binlog does not have
            snprintf(last, sizeof last, "%s", kname);
            dml_key_cand *c = &cands[ncands++];
            c->primary = !strcmp(kname, "PRIMARY");
            c->unique = row[1] && !strcmp(row[1], "0");
            c->all_not_null = true;
            c->cols = candcols + used;
            bad = false;
        }
        dml_key_cand *c = &cands[ncands - 1];
        int k = find_name(names, n, row[4] ? row[4] : "");
        if (k < 0) {
            bad = true;
            continue;
        }
        candcols[used++] = (uint32_t)k;
        c->n_cols++;
        if (row[7])
            c->has_prefix = true;
        if (row[9] && !strcmp(row[9], "YES"))
            c->all_not_null = false;
    }
    if (ncands && bad)
        ncands--;
    if (!idx && tm->has_pk) {
        dml_key_cand *c = &cands[ncands++];
        c->primary = c->unique = c->all_not_null = true;
        c->cols = candcols + used;
        for (uint32_t i = 0; i < n; i++)
            if (tm->columns[i].in_pk && !tm->columns[i].pk_prefix) {
                candcols[used++] = i;
                c->n_cols++;
            }
    }
    rc = dml_table_create(&e->dt, rr.target_schema, rr.target_table, n, names, cands, ncands,
                          err);
done:
    if (cols)
        mysql_free_result(cols);
    if (idx)
        mysql_free_result(idx);
    for (size_t i = 0; dnames && i < nd; i++)
        free(dnames[i]);
    free(dnames);
    for (uint32_t i = 0; tnames && i < tm->column_count; i++)
        free(tnames[i]);
    free(tnames);
    free(dunsigned);
    free(names);
    free(uns);
    free(cands);
    free(candcols);
    return rc;
}

// entry_from_tracker describes a table whose binlog carries no column names from the
// tracker's schema: names, signedness and keys (primary, then unique keys).
static int entry_from_tracker(tentry *e, const schema_table *tt, const rules_route_result *rr,
                              dm_err *err)
{
    binlog_table_map *tm = e->tm;
    uint32_t n = tm->column_count;
    size_t nidx = schema_table_index_count(tt), nparts = 0;
    for (size_t i = 0; i < nidx; i++)
        nparts += schema_table_index(tt, i)->n_parts;
    const char **names = calloc(n + 1, sizeof *names);
    uint8_t *uns = calloc(n + 1, 1);
    dml_key_cand *cands = calloc(nidx + 1, sizeof *cands);
    uint32_t *cols = calloc(nparts + 1, sizeof *cols);
    int rc = 0;
    if (!names || !uns || !cands || !cols) {
        rc = nomem(err);
        goto done;
    }
    for (uint32_t i = 0; i < n; i++) {
        const schema_column *c = schema_table_column(tt, i);
        names[i] = c->name;
        uns[i] = c->type.is_unsigned;
    }
    if ((rc = binlog_table_map_apply_schema(tm, tm->has_signedness ? NULL : uns, names, n, err)))
        goto done;
    size_t nc = 0, used = 0;
    for (size_t i = 0; i < nidx; i++) {
        const schema_index *x = schema_table_index(tt, i);
        if (x->kind != SCHEMA_INDEX_PRIMARY && x->kind != SCHEMA_INDEX_UNIQUE)
            continue;
        dml_key_cand *k = &cands[nc];
        *k = (dml_key_cand){.primary = x->kind == SCHEMA_INDEX_PRIMARY, .unique = true,
                            .all_not_null = true, .cols = cols + used};
        bool ok = true;
        for (size_t j = 0; j < x->n_parts && ok; j++) {
            size_t pos;
            const schema_column *c = schema_table_find_column(tt, x->parts[j].column, &pos);
            if (!c || pos >= n) {
                ok = false;
                break;
            }
            cols[used + k->n_cols++] = (uint32_t)pos;
            k->has_prefix |= x->parts[j].prefix != 0;
            k->all_not_null &= c->not_null;
        }
        if (ok) {
            used += k->n_cols;
            nc++;
        }
    }
    rc = dml_table_create(&e->dt, rr->target_schema, rr->target_table, n, names, cands, nc, err);
done:
    free(names);
    free(uns);
    free(cands);
    free(cols);
    return rc;
}

static bool same_map(const binlog_table_map *a, const binlog_table_map *b)
{
    if (a->column_count != b->column_count || strcmp(a->schema.ptr, b->schema.ptr) ||
        strcmp(a->table.ptr, b->table.ptr))
        return false;
    for (uint32_t i = 0; i < a->column_count; i++)
        if (a->columns[i].type != b->columns[i].type || a->columns[i].meta != b->columns[i].meta)
            return false;
    return true;
}

// build_xrules compiles the instance's expression filters that name e's upstream table
// (schema and table exactly, case-insensitively unless the task is case-sensitive) against the
// table's columns in binlog order.
static int build_xrules(sync_unit *s, tentry *e, dm_err *err)
{
    const char *db = e->tm->schema.ptr, *tb = e->tm->table.ptr;
    const config_instance *in = s->inst;
    int (*eq)(const char *, const char *) = s->task->case_sensitive ? strcmp : strcasecmp;
    char **names = NULL;
    size_t n = e->dt->n_cols;
    int rc = 0;
    for (size_t i = 0; i < in->n_expression_filters; i++) {
        const config_expr_filter *f = config_task_expr_filter(s->task, in->expression_filters[i].name);
        if (!f || !f->schema || !f->table || eq(f->schema, db) != 0 || eq(f->table, tb) != 0)
            continue;
        if (!names) {
            // dml_table keeps the names quoted for SQL; expressions name columns unquoted.
            if (!(names = calloc(n + 1, sizeof *names))) {
                rc = nomem(err);
                goto done;
            }
            for (size_t c = 0; c < n; c++) {
                const char *q = e->dt->cols[c];
                size_t len = strlen(q);
                char *u = malloc(len + 1), *w = u;
                if (!u) {
                    rc = nomem(err);
                    goto done;
                }
                for (size_t k = 1; k + 1 < len; k++) {
                    *w++ = q[k];
                    if (q[k] == '`' && q[k + 1] == '`')
                        k++;
                }
                *w = '\0';
                names[c] = u;
            }
        }
        xrule *grown = realloc(e->xr, (e->n_xr + 1) * sizeof *grown);
        if (!grown) {
            rc = nomem(err);
            goto done;
        }
        e->xr = grown;
        xrule *r = &e->xr[e->n_xr++];
        memset(r, 0, sizeof *r);
        const char *const *cn = (const char *const *)names;
        if ((rc = row_expr_compile_filter(&r->ins, f, "insert-value-expr", f->insert_value_expr, cn, n, e->tm, err)) ||
            (rc = row_expr_compile_filter(&r->uold, f, "update-old-value-expr", f->update_old_value_expr, cn, n, e->tm, err)) ||
            (rc = row_expr_compile_filter(&r->unew, f, "update-new-value-expr", f->update_new_value_expr, cn, n, e->tm, err)) ||
            (rc = row_expr_compile_filter(&r->del, f, "delete-value-expr", f->delete_value_expr, cn, n, e->tm, err)))
            goto done;
    }
done:
    for (size_t c = 0; names && c < n; c++)
        free(names[c]);
    free(names);
    return rc;
}

// xfiltered tells (in *out) whether an expression filter of e discards the change of kind
// kind with the row's images.
static int xfiltered(bool *out, const tentry *e, dml_kind kind, const binlog_row *row, dm_err *err)
{
    *out = false;
    for (size_t i = 0; i < e->n_xr && !*out; i++) {
        const xrule *r = &e->xr[i];
        bool m = false;
        int rc = 0;
        if (kind == DML_INSERT && r->ins)
            rc = row_expr_eval(&m, r->ins, row->after, row->column_count, err);
        else if (kind == DML_DELETE && r->del)
            rc = row_expr_eval(&m, r->del, row->before, row->column_count, err);
        else if (kind == DML_UPDATE && (r->uold || r->unew)) {
            m = true;
            if (r->uold)
                rc = row_expr_eval(&m, r->uold, row->before, row->column_count, err);
            if (!rc && m && r->unew)
                rc = row_expr_eval(&m, r->unew, row->after, row->column_count, err);
        }
        if (rc)
            return rc;
        *out = m;
    }
    return 0;
}

static int on_table_map(sync_unit *s, const binlog_event *bev, const evsource_event *ev,
                        dm_err *err)
{
    binlog_table_map *tm;
    int rc = binlog_table_map_decode(&tm, &s->fde, bev, err);
    if (rc)
        return rc;
    tentry *e;
    HASH_FIND(hh, s->tables, &tm->table_id, sizeof tm->table_id, e);
    if (e && same_map(e->tm, tm)) {
        binlog_table_map_destroy(tm);
        return 0;
    }
    if (e) {
        // The id now names another table or shape: changes already queued may point to the
        // old description, so flush before replacing it.
        if ((rc = send_marker(s, true, err))) {
            binlog_table_map_destroy(tm);
            return rc;
        }
        HASH_DEL(s->tables, e);
        tentry_free(e);
    }
    e = calloc(1, sizeof *e);
    if (!e) {
        binlog_table_map_destroy(tm);
        return nomem(err);
    }
    e->table_id = tm->table_id;
    e->tm = tm;
    e->filter[0] = e->filter[1] = e->filter[2] = -1;
    if ((rc = build_entry(s, e, ev, err)) || (!e->skip && (rc = build_xrules(s, e, err)))) {
        tentry_free(e);
        return rc;
    }
    HASH_ADD(hh, s->tables, table_id, sizeof e->table_id, e);
    return 0;
}

// ---------------------------------------------------------------------------------------
// rows

static int dispatch(sync_unit *s, dml_change *c, dm_err *err)
{
    const dml_table *t = c->table;
    size_t nk = 0, cap = 2 * t->n_ukeys;
    size_t offs[64], lens_local[32];
    const char *ptrs_local[32];
    size_t *off = cap <= 32 ? offs : malloc(2 * cap * sizeof *off);
    size_t *lens = cap <= 32 ? lens_local : off + cap;
    const char **ptrs = cap <= 32 ? ptrs_local : malloc((cap + 1) * sizeof *ptrs);
    int rc = 0;
    if (!off || !ptrs) {
        rc = nomem(err);
        goto done;
    }
    dm_buf_reset(&s->keys);
    for (size_t k = 0; k < t->n_ukeys; k++)
        for (int img = 0; img < 2; img++) {
            if ((img == 0 && c->kind == DML_INSERT) || (img == 1 && c->kind == DML_DELETE))
                continue;
            size_t start = s->keys.len;
            if (dml_change_key(&s->keys, c, k, img == 1, &rc)) {
                off[nk] = start;
                lens[nk++] = s->keys.len - start;
            } else if (rc) {
                rc = nomem(err);
                goto done;
            }
        }
    for (size_t i = 0; i < nk; i++)
        ptrs[i] = s->keys.data + off[i];
    unsigned wi = 0;
    for (int tries = 0;; tries++) {
        bool conflict;
        if ((rc = causality_assign(&wi, &conflict, s->caus, ptrs, lens, nk, t->qname,
                                   strlen(t->qname), s->epoch, atomic_load(&s->committed), err)))
            goto done;
        if (!conflict)
            break;
        if ((rc = send_marker(s, true, err)))
            goto done;
    }
    rc = enqueue(s, wi, c, NULL, err);
    c = NULL;
    if (!rc && causality_size(s->caus) > CAUSALITY_MAX_KEYS &&
        causality_prune(s->caus, atomic_load(&s->committed)) > CAUSALITY_MAX_KEYS / 2)
        rc = send_marker(s, true, err);
done:
    free(c);
    if (off != offs)
        free(off);
    if (ptrs != ptrs_local)
        free(ptrs);
    return rc;
}

static int on_rows(sync_unit *s, const binlog_event *bev, const evsource_event *ev, dm_err *err)
{
    binlog_rows rows;
    int rc = binlog_rows_decode(&rows, &s->fde, bev, &s->scratch, err);
    if (rc)
        return rc;
    tentry *e;
    HASH_FIND(hh, s->tables, &rows.table_id, sizeof rows.table_id, e);
    if (!e)
        return dm_err_set(err, SYNC_ERR_DECODE, DM_ERR_SCOPE_UPSTREAM,
                          "rows event at (%s, %" PRIu64 ") for table id %" PRIu64
                          " without a table map",
                          ev->file, ev->pos, rows.table_id);
    if (e->skip)
        return 0;
    dml_kind kind = rows.kind == BINLOG_ROWS_WRITE    ? DML_INSERT
                    : rows.kind == BINLOG_ROWS_DELETE ? DML_DELETE
                                                      : DML_UPDATE;
    if (e->filter[kind - 1] < 0) {
        rules_filter_result fr;
        rules_event_type et = kind == DML_INSERT   ? RULES_EVENT_INSERT
                              : kind == DML_DELETE ? RULES_EVENT_DELETE
                                                   : RULES_EVENT_UPDATE;
        if ((rc = rules_filter_event(&fr, s->rules->filter, e->tm->schema.ptr, e->tm->table.ptr,
                                     et, NULL, err)))
            return rc;
        e->filter[kind - 1] = fr.action == RULES_ACTION_IGNORE;
    }
    if (e->filter[kind - 1])
        return 0;
    uint32_t fid = file_id(s, ev->file, err, &rc);
    if (rc)
        return rc;
    checkpoint_loc end = {.pos = ev->next_pos};
    loc_set_file(&end, ev->file);
    bool safe = s->always_safe || checkpoint_needs_safe_mode(&end, &s->safe_until);
    for (;;) {
        bool last;
        if ((rc = binlog_rows_next(&s->row, &last, &rows, e->tm, err)))
            break;
        if (last)
            break;
        if (e->n_xr) {
            bool drop;
            if ((rc = xfiltered(&drop, e, kind, &s->row, err)))
                break;
            if (drop)
                continue;
        }
        dml_change *c;
        if ((rc = dml_change_create(&c, e->dt, kind, s->row.column_count, s->row.before,
                                    s->row.after, e->tm->columns, &s->rowbuf, err)))
            break;
        c->loc_file = fid;
        c->loc_start = ev->pos;
        c->loc_pos = ev->next_pos;
        c->safe = safe;
        if ((rc = dispatch(s, c, err)))
            break;
    }
    if (rc && !atomic_load(&s->failed))
        dm_err_prefix(err, "startLocation: [position: (%s, %" PRIu64 ")], endLocation: "
                           "[position: (%s, %" PRIu64 ")]",
                      ev->file, ev->pos, ev->file, ev->next_pos);
    return rc;
}

// ---------------------------------------------------------------------------------------
// DDL

typedef struct route_ctx {
    sync_unit *s;
    rules_route_result rr;
} route_ctx;

static int route_cb(void *ctx, const char *db, const char *table, const char **new_db,
                    const char **new_table, dm_err *err)
{
    route_ctx *r = ctx;
    int rc = rules_route(&r->rr, r->s->rules->router, db, table, err);
    if (rc)
        return rc;
    *new_db = r->rr.target_schema;
    *new_table = table && table[0] ? r->rr.target_table : NULL;
    return 0;
}

static bool ddl_kind_applied(ddl_stmt_kind k)
{
    switch (k) {
    case DDL_STMT_CREATE_DATABASE:
    case DDL_STMT_ALTER_DATABASE:
    case DDL_STMT_DROP_DATABASE:
    case DDL_STMT_CREATE_TABLE:
    case DDL_STMT_ALTER_TABLE:
    case DDL_STMT_RENAME_TABLE:
    case DDL_STMT_DROP_TABLE:
    case DDL_STMT_TRUNCATE_TABLE:
    case DDL_STMT_CREATE_INDEX:
    case DDL_STMT_DROP_INDEX:
        return true;
    default:
        return false;
    }
}

// already_applied tells whether a DDL error means the statement's effect is already there,
// which happens when a DDL is replayed after a crash between its execution and the
// checkpoint that follows it.
static bool already_applied(unsigned errnum)
{
    switch (errnum) {
    case 1007: // database exists
    case 1008: // database doesn't exist (drop)
    case 1050: // table exists
    case 1051: // unknown table (drop)
    case 1060: // duplicate column
    case 1061: // duplicate key name
    case 1091: // can't drop: doesn't exist
    case 1146: // table doesn't exist (rename/alter of a renamed/dropped table)
    case 1054: // unknown column (drop/rename of a dropped column)
    case 1068: // multiple primary key
        return true;
    default:
        return false;
    }
}

static handle_op *find_op(sync_unit *s, const evsource_event *ev)
{
    pthread_mutex_lock(&s->mu);
    handle_op *o = s->ops;
    for (; o; o = o->next)
        if (!strcmp(o->loc.file, ev->file) && (o->loc.pos == ev->pos || o->loc.pos == ev->next_pos))
            break;
    pthread_mutex_unlock(&s->mu);
    return o;
}

static void free_sqls(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static int push_sql(char ***v, size_t *n, const char *sql, dm_err *err)
{
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        return nomem(err);
    *v = nv;
    if (!(nv[*n] = strdup(sql)))
        return nomem(err);
    (*n)++;
    return 0;
}

static int exec_ddl(sync_unit *s, const char *sql, const evsource_event *ev, bool safe, dm_err *err);

// plan_part turns one piece of a split upstream DDL into its downstream statement: filtered
// by the block/allow list and the event filter, then routed (nothing when filtered).
static int plan_part(char ***out, size_t *n_out, sync_unit *s, ddl_stmt *part, const char *db,
                     const char *text, dm_err *err)
{
    ddl_table_ref *refs = NULL;
    size_t nr = 0;
    dm_buf b;
    dm_buf_init(&b);
    route_ctx rc_ctx = {.s = s};
    int rc = ddl_tables(&refs, &nr, part, db, err);
    bool skip = rc || !nr || system_schema(s, refs[0].db);
    if (!skip) {
        rules_decision d;
        if (!(rc = rules_balist_match(&d, s->rules->balist, refs[0].db, refs[0].table, err)))
            skip = !d.migrated;
    }
    if (!skip && !rc) {
        rules_event_type et = RULES_EVENT_NULL;
        if (rules_event_parse(&et, ddl_event_name(ddl_classify(part)), NULL))
            et = RULES_EVENT_NULL;
        rules_filter_result fr;
        if (!(rc = rules_filter_event(&fr, s->rules->filter, refs[0].db, refs[0].table, et, text, err)))
            skip = fr.action == RULES_ACTION_IGNORE;
    }
    free(refs);
    if (!skip && !rc && !(rc = ddl_rename(part, db, route_cb, &rc_ctx, err)) && !(rc = ddl_print(&b, part, err)))
        rc = push_sql(out, n_out, b.data, err);
    dm_buf_fini(&b);
    return rc;
}

// ---- online DDL ----

static void online_key(dm_buf *b, const char *db, const char *table)
{
    dm_buf_reset(b);
    dm_buf_printf(b, "%s\x1f%s", db, table);
}

static int online_loaded(void *arg, const char *schema, const char *table, const char *ddls, dm_err *err)
{
    sync_unit *s = arg;
    json_t *v = json_loads(ddls, 0, NULL);
    dm_buf k;
    dm_buf_init(&k);
    online_key(&k, schema, table);
    int rc = 0;
    if (!json_is_array(v))
        rc = dm_err_set(err, SYNC_ERR_CONFIG, DM_ERR_SCOPE_DOWNSTREAM,
                        "online DDL state of %s.%s in dm_meta is not a JSON array", schema, table);
    else if (!k.data || json_object_set_new(s->online, k.data, v))
        rc = nomem(err);
    else
        v = NULL;
    json_decref(v);
    dm_buf_fini(&k);
    return rc;
}

// online_store writes the recorded DDLs of ghost db.table to dm_meta (deletes the row when
// it has none).
static int online_store(sync_unit *s, const char *db, const char *table, const evsource_event *ev, dm_err *err)
{
    dm_buf k, b;
    dm_buf_init(&k);
    dm_buf_init(&b);
    online_key(&k, db, table);
    json_t *v = k.data ? json_object_get(s->online, k.data) : NULL;
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    int rc = k.data && (!v || text) ? 0 : nomem(err);
    if (!rc && !(rc = checkpoint_online_sql(&b, s->cp, db, table, text, err)))
        rc = exec_ddl(s, b.data, ev, false, err);
    free(text);
    dm_buf_fini(&k);
    dm_buf_fini(&b);
    return rc;
}

typedef struct online_ctx {
    const char *db, *ghost, *real;
} online_ctx;

// online_to_real renames the ghost table to the real one.
static int online_to_real(void *ctx, const char *db, const char *table, const char **new_db,
                          const char **new_table, dm_err *err)
{
    const online_ctx *o = ctx;
    (void)err;
    if (!strcmp(db, o->db) && !strcmp(table, o->ghost))
        *new_table = o->real;
    (void)new_db;
    return 0;
}

// online_part handles a piece of a DDL that involves an online-DDL tool's tables, as DM does:
// a DDL on a trash table, and the RENAME of the real table to a trash one, have no
// downstream effect; a DDL on a ghost table is recorded, rewritten onto the real table
// (CREATE/DROP of the ghost forget what was recorded); the RENAME of the ghost to the real
// table (the cut-over) becomes the recorded DDLs, planned as if the upstream had run them on
// the real table. *handled tells whether the piece was one of these.
static int online_part(char ***out, size_t *n_out, bool *handled, sync_unit *s, ddl_stmt *part,
                       const ddl_table_ref *refs, size_t nr, const char *db, const evsource_event *ev,
                       size_t idx, dm_err *err)
{
    char real0[256], real1[256];
    rules_table_kind k0 = rules_online_classify(s->rules->online, refs[0].table, real0, sizeof real0);
    rules_table_kind k1 =
        nr > 1 ? rules_online_classify(s->rules->online, refs[1].table, real1, sizeof real1) : RULES_TABLE_REAL;
    bool rename = part->kind == DDL_STMT_RENAME_TABLE && nr > 1;
    *handled = false;
    if (k0 == RULES_TABLE_REAL) {
        if (rename && k1 == RULES_TABLE_GHOST)
            return dm_err_set(err, SYNC_ERR_DDL, DM_ERR_SCOPE_INTERNAL,
                              "online DDL: renaming the real table %s.%s to the ghost table %s is not supported",
                              refs[0].db, refs[0].table, refs[1].table);
        *handled = rename && k1 == RULES_TABLE_TRASH;
        return 0;
    }
    *handled = true;
    if (k0 == RULES_TABLE_TRASH || !real0[0])
        return 0;
    dm_buf k, b;
    dm_buf_init(&k);
    dm_buf_init(&b);
    online_key(&k, refs[0].db, refs[0].table);
    int rc = k.data ? 0 : nomem(err);
    json_t *list = rc ? NULL : json_object_get(s->online, k.data);
    if (rc) {
    } else if (part->kind == DDL_STMT_CREATE_TABLE || part->kind == DDL_STMT_DROP_TABLE) {
        if (list) {
            json_object_del(s->online, k.data);
            rc = online_store(s, refs[0].db, refs[0].table, ev, err);
        }
    } else if (rename) {
        if (k1 != RULES_TABLE_REAL || strcmp(refs[1].table, real0) != 0 || strcmp(refs[1].db, refs[0].db) != 0 ||
            !list)
            goto done;
        // The cut-over: the real table gets what was done to the ghost.
        size_t i;
        json_t *d;
        json_array_foreach(list, i, d) {
            const char *sql = json_string_value(json_object_get(d, "sql"));
            ddl_stmt *st = NULL;
            if (!sql || (rc = ddl_parse(&st, sql, strlen(sql), NULL, err)) ||
                (rc = plan_part(out, n_out, s, st, refs[0].db, sql, err))) {
                ddl_stmt_destroy(st);
                if (!sql)
                    rc = dm_err_set(err, SYNC_ERR_CONFIG, DM_ERR_SCOPE_DOWNSTREAM,
                                    "online DDL state of %s.%s in dm_meta has an entry without sql", refs[0].db,
                                    refs[0].table);
                goto done;
            }
            ddl_stmt_destroy(st);
        }
        free(s->online_finish);
        if (!(s->online_finish = strdup(k.data)))
            rc = nomem(err);
        dm_info(LOGC, "online DDL: cut-over of %s.%s to %s at (%s, %" PRIu64 "): %zu recorded DDL(s)", refs[0].db,
                refs[0].table, real0, ev->file, ev->pos, json_array_size(list));
    } else {
        // A DDL on the ghost: record it on the real table, once per binlog location.
        char loc[640]; // file (up to 511 bytes), position and piece
        snprintf(loc, sizeof loc, "%s:%" PRIu64 ":%zu", ev->file, ev->pos, idx);
        size_t i;
        json_t *d;
        json_array_foreach(list, i, d)
        {
            const char *l = json_string_value(json_object_get(d, "loc"));
            if (l && !strcmp(l, loc))
                goto done;
        }
        online_ctx oc = {.db = refs[0].db, .ghost = refs[0].table, .real = real0};
        if ((rc = ddl_rename(part, db, online_to_real, &oc, err)) || (rc = ddl_print(&b, part, err)))
            goto done;
        if (!list && (!(list = json_array()) || json_object_set_new(s->online, k.data, list))) {
            rc = nomem(err);
            goto done;
        }
        if (json_array_append_new(list, json_pack("{s:s, s:s}", "loc", loc, "sql", b.data))) {
            rc = nomem(err);
            goto done;
        }
        dm_info(LOGC, "online DDL: recorded for %s.%s (ghost %s): %s", refs[0].db, real0, refs[0].table, b.data);
        rc = online_store(s, refs[0].db, refs[0].table, ev, err);
    }
done:
    dm_buf_fini(&k);
    dm_buf_fini(&b);
    return rc;
}

// online_open loads the online-DDL state of the source from dm_meta (when the task's
// online-ddl is on).
static int online_open(sync_unit *s, dm_err *err)
{
    json_decref(s->online);
    if (!(s->online = json_object()))
        return nomem(err);
    return s->rules->online ? checkpoint_online_load(s->cp, s->ctl, online_loaded, s, err) : 0;
}

// plan_ddl turns one upstream DDL into the downstream statements: split as DM does, online
// DDL tools' tables handled (online_part), each other piece planned by plan_part.
static int plan_ddl(char ***out, size_t *n_out, sync_unit *s, ddl_stmt *st, const char *db,
                    const char *text, const evsource_event *ev, dm_err *err)
{
    ddl_stmt **parts = NULL;
    size_t np = 0;
    int rc = ddl_split(&parts, &np, st, err);
    for (size_t i = 0; !rc && i < np; i++) {
        bool handled = false;
        if (s->rules->online) {
            ddl_table_ref *refs = NULL;
            size_t nr = 0;
            if (!(rc = ddl_tables(&refs, &nr, parts[i], db, err)) && nr && !system_schema(s, refs[0].db))
                rc = online_part(out, n_out, &handled, s, parts[i], refs, nr, db, ev, i, err);
            free(refs);
        }
        if (!rc && !handled)
            rc = plan_part(out, n_out, s, parts[i], db, text, err);
    }
    for (size_t i = 0; i < np; i++)
        ddl_stmt_destroy(parts[i]);
    free(parts);
    return rc;
}

static int exec_ddl(sync_unit *s, const char *sql, const evsource_event *ev, bool safe,
                    dm_err *err)
{
    double since = dm_time_mono_s();
    for (unsigned attempt = 0;; attempt++) {
        int rc = connect_or_reuse(s, err);
        if (!rc && !(rc = dm_mysql_exec(s->ctl, sql, err)))
            return 0;
        unsigned en = s->ctl ? mysql_errno(s->ctl) : 0;
        if (safe && already_applied(en)) {
            dm_warn(LOGC, "DDL at (%s, %" PRIu64 ") already applied downstream (error %u), "
                          "going on: %s",
                    ev->file, ev->pos, en, sql);
            dm_err_clear(err);
            return 0;
        }
        if (rc != DM_ERR_DB_RETRYABLE && rc != DM_ERR_DB_CONNECT) {
            dm_err_prefix(err, "startLocation: [position: (%s, %" PRIu64 ")], endLocation: "
                               "[position: (%s, %" PRIu64 ")], DDL %s",
                          ev->file, ev->pos, ev->file, ev->next_pos, sql);
            err->code = SYNC_ERR_DDL;
            err->scope = DM_ERR_SCOPE_DOWNSTREAM;
            dm_err_workaround(err, "fix the downstream, or use handle-error (skip / replace) "
                                   "at %s:%" PRIu64, ev->file, ev->pos);
            return SYNC_ERR_DDL;
        }
        if (!retry_after(s, &s->ctl, rc, err, "DDL", attempt, since))
            return rc;
    }
}

// ddl_session gives the control connection the statement's session as mysqlbinlog does:
// its character set and collations by number (the text is in that charset) and, when both
// servers are MariaDB (the bit layouts of sql_mode differ between flavours), its sql_mode.
static int ddl_session(sync_unit *s, const binlog_query_status *st, const evsource_event *ev,
                       dm_buf *b, dm_err *err)
{
    dm_buf_reset(b);
    int rc = 0;
    if (st->present & BINLOG_QS_CHARSET)
        rc = dm_buf_printf(b, "SET @@session.character_set_client = %u, "
                              "@@session.collation_connection = %u, "
                              "@@session.collation_server = %u",
                           st->charset_client, st->collation_connection, st->collation_server);
    if (!rc && (st->present & BINLOG_QS_SQL_MODE) && s->fde.flavor == BINLOG_FLAVOR_MARIADB &&
        s->ctl && strstr(mysql_get_server_info(s->ctl), "MariaDB"))
        rc = dm_buf_printf(b, "%s@@session.sql_mode = %" PRIu64, b->len ? ", " : "SET ",
                           st->sql_mode);
    if (rc)
        return nomem(err);
    return b->len ? exec_ddl(s, b->data, ev, false, err) : 0;
}

static int on_query(sync_unit *s, const binlog_event *bev, const evsource_event *ev, dm_err *err)
{
    binlog_query q;
    int rc = binlog_query_decode(&q, bev, &s->scratch, err);
    if (rc)
        return rc;
    // Every transaction of a row-based binlog opens with BEGIN: no need to parse it.
    if ((q.query.len == 5 && !strncasecmp(q.query.ptr, "BEGIN", 5)) ||
        (q.query.len == 6 && !strncasecmp(q.query.ptr, "COMMIT", 6)))
        return 0;
    char *text = strndup(q.query.ptr ? q.query.ptr : "", q.query.len);
    char *db = strndup(q.db.ptr ? q.db.ptr : "", q.db.len);
    char **sqls = NULL;
    size_t nsql = 0;
    ddl_stmt *st = NULL;
    bool track = false, ran = false;
    dm_buf b;
    dm_buf_init(&b);
    if (!text || !db) {
        rc = nomem(err);
        goto done;
    }
    ddl_parse_opts po = {
        .ansi_quotes = (q.status.present & BINLOG_QS_SQL_MODE) &&
                       (q.status.sql_mode & SQL_MODE_ANSI_QUOTES),
        .no_backslash_escapes = (q.status.present & BINLOG_QS_SQL_MODE) &&
                                (q.status.sql_mode & SQL_MODE_NO_BACKSLASH_ESCAPES),
        .server_version = s->fde.version_num,
        .mysql = s->fde.flavor == BINLOG_FLAVOR_MYSQL,
    };
    handle_op *op = find_op(s, ev);
    dm_err perr;
    dm_err_clear(&perr);
    if (ddl_parse(&st, text, strlen(text), &po, &perr)) {
        if (!op) {
            // Not every QUERY is DDL; one this parser cannot read is reported as DM does.
            rc = dm_err_set(err, SYNC_ERR_DDL, DM_ERR_SCOPE_INTERNAL,
                            "startLocation: [position: (%s, %" PRIu64 ")], endLocation: "
                            "[position: (%s, %" PRIu64 ")]: cannot parse statement: %.400s",
                            ev->file, ev->pos, ev->file, ev->next_pos, text);
            dm_err_cause(err, "%s", perr.message);
            dm_err_workaround(err, "use handle-error (skip / replace) at %s:%" PRIu64, ev->file,
                              ev->pos);
            goto done;
        }
    } else if (!ddl_is_ddl(st) || !ddl_kind_applied(st->kind)) {
        if (ddl_is_ddl(st))
            dm_info(LOGC, "(%s, %" PRIu64 ") %s not replicated: %.200s", ev->file, ev->pos,
                    ddl_stmt_kind_name(st->kind), text);
        goto done;
    } else {
        track = true; // the tracker follows the upstream, whatever runs downstream
    }
    if (op && op->op == SYNC_HANDLE_SKIP) {
        dm_info(LOGC, "handle-error: skipping DDL at (%s, %" PRIu64 "): %.200s", ev->file,
                ev->pos, text);
    } else if (op && op->op == SYNC_HANDLE_REPLACE) {
        for (size_t i = 0; !rc && i < op->n; i++)
            rc = push_sql(&sqls, &nsql, op->sqls[i], err);
    } else if ((rc = plan_ddl(&sqls, &nsql, s, st, db[0] ? db : NULL, text, ev, err))) {
        goto done;
    }
    if (rc || !nsql)
        goto done;
    // A DDL is a barrier: everything before it is committed first.
    if ((rc = send_marker(s, true, err)))
        goto done;
    checkpoint_loc end = {.pos = ev->next_pos};
    loc_set_file(&end, ev->file);
    bool safe = checkpoint_needs_safe_mode(&end, &s->safe_until);
    // Record the DDL as applied before running it: after a crash in between, the replay
    // runs in safe mode and tolerates the "already exists" errors of a DDL that did run.
    if ((rc = checkpoint_progress_sql(&b, s->cp, s->n_workers, &end, err)) ||
        (rc = exec_ddl(s, b.data, ev, false, err)))
        goto done;
    if ((rc = ddl_session(s, &q.status, ev, &b, err)))
        goto done;
    if ((q.status.present & BINLOG_QS_TIME_ZONE) && q.status.time_zone.len &&
        q.status.time_zone.len < 64 && !memchr(q.status.time_zone.ptr, '\'', q.status.time_zone.len)) {
        dm_buf_reset(&b);
        if (dm_buf_printf(&b, "SET SESSION time_zone = '%.*s'", (int)q.status.time_zone.len,
                          q.status.time_zone.ptr)) {
            rc = nomem(err);
            goto done;
        }
        if ((rc = exec_ddl(s, b.data, ev, false, err)))
            goto done;
    }
    for (size_t i = 0; !rc && i < nsql; i++) {
        dm_info(LOGC, "DDL at (%s, %" PRIu64 "): %s", ev->file, ev->pos, sqls[i]);
        rc = exec_ddl(s, sqls[i], ev, safe, err);
    }
    if (rc == SYNC_ERR_DDL && s->ctl) {
        // The DDL did not run: move the progress row back before it, so that a resumed run
        // does not take the DDL's errors for "already applied" (best effort).
        checkpoint_loc start = {.pos = ev->pos};
        loc_set_file(&start, ev->file);
        dm_buf_reset(&b);
        if (!checkpoint_progress_sql(&b, s->cp, s->n_workers, &start, NULL))
            dm_mysql_exec(s->ctl, b.data, NULL);
    }
    if (!rc && s->online_finish) {
        // The cut-over ran: what was recorded for the ghost is done (after a crash before
        // this, the replay runs it again in safe mode).
        const char *sep = strchr(s->online_finish, '\x1f');
        char *gdb = strndup(s->online_finish, (size_t)(sep - s->online_finish));
        json_object_del(s->online, s->online_finish);
        rc = gdb ? online_store(s, gdb, sep + 1, ev, err) : nomem(err);
        free(gdb);
    }
    if (!rc)
        rc = exec_ddl(s, "SET SESSION time_zone = '+00:00', sql_mode = "
                         "'NO_AUTO_VALUE_ON_ZERO,ALLOW_INVALID_DATES', NAMES utf8mb4, "
                         "collation_server = @@global.collation_server",
                      ev, false, err);
    ran = !rc;
done:
    if (!rc && (track || ran)) {
        // Table descriptions may change: every worker is drained (the DDL's barrier, or one
        // now when nothing ran downstream), then they are rebuilt from the next table maps.
        if (!ran)
            rc = send_marker(s, true, err);
        if (!rc && track)
            rc = trk_ddl(s, st, db[0] ? db : NULL, text, ev, err);
        if (!rc) {
            tables_clear(s);
            s->ddl_done = true;
        }
    }
    free(s->online_finish);
    s->online_finish = NULL;
    ddl_stmt_destroy(st);
    free_sqls(sqls, nsql);
    dm_buf_fini(&b);
    free(text);
    free(db);
    return rc;
}

// ---------------------------------------------------------------------------------------
// the reader

static int on_trx_end(sync_unit *s, const evsource_event *ev, dm_err *err)
{
    int rc = 0;
    loc_set_file(&s->trx_end, ev->file);
    s->trx_end.pos = ev->next_pos;
    if (s->has_pending_gtid && s->gtids) {
        if ((rc = gtid_set_add(s->gtids, &s->pending_gtid, err)))
            return rc;
        s->has_pending_gtid = false;
    }
    if (s->ddl_done) {
        // After a DDL every worker is idle (the DDL was a barrier): save right away.
        s->ddl_done = false;
        checkpoint_loc l;
        checkpoint_loc_now(&l, s);
        double since = dm_time_mono_s();
        for (unsigned attempt = 0;; attempt++) {
            if (!(rc = connect_or_reuse(s, err)) &&
                !(rc = checkpoint_save_global(s->cp, s->ctl, &l, s->trk_text, err)))
                break;
            if (!retry_after(s, &s->ctl, rc, err, "checkpoint", attempt, since))
                return rc;
        }
        pthread_mutex_lock(&s->mu);
        s->saved = l;
        pthread_mutex_unlock(&s->mu);
        clock_gettime(CLOCK_MONOTONIC, &s->last_marker);
        s->marked = s->trx_end;
        return 0;
    }
    return 0;
}

static void maybe_mark(sync_unit *s, dm_err *err, int *rc)
{
    if (s->trx.open || checkpoint_loc_cmp(&s->trx_end, &s->marked) <= 0)
        return;
    double last = (double)s->last_marker.tv_sec + s->last_marker.tv_nsec / 1e9;
    if (dm_time_mono_s() - last < (double)s->flush_interval)
        return;
    s->marked = s->trx_end;
    *rc = send_marker(s, false, err);
}

static bool is_rows(uint8_t t)
{
    switch (t) {
    case BINLOG_WRITE_ROWS_EVENT_V1:
    case BINLOG_UPDATE_ROWS_EVENT_V1:
    case BINLOG_DELETE_ROWS_EVENT_V1:
    case BINLOG_WRITE_ROWS_EVENT:
    case BINLOG_UPDATE_ROWS_EVENT:
    case BINLOG_DELETE_ROWS_EVENT:
    case BINLOG_PARTIAL_UPDATE_ROWS_EVENT:
    case BINLOG_WRITE_ROWS_COMPRESSED_EVENT_V1:
    case BINLOG_UPDATE_ROWS_COMPRESSED_EVENT_V1:
    case BINLOG_DELETE_ROWS_COMPRESSED_EVENT_V1:
    case BINLOG_WRITE_ROWS_COMPRESSED_EVENT:
    case BINLOG_UPDATE_ROWS_COMPRESSED_EVENT:
    case BINLOG_DELETE_ROWS_COMPRESSED_EVENT:
        return true;
    default:
        return false;
    }
}

// note_gtid records the GTID of the transaction that begins (committed to the set at its
// end). The executed set is built at the first GTID event, in that event's flavour, from
// the start location's text.
static int note_gtid(sync_unit *s, const gtid *g, dm_err *err)
{
    if (!s->gtids) {
        int rc = s->trx_end.gtid[0] ? gtid_set_parse(&s->gtids, g->flavor, s->trx_end.gtid, err)
                                    : gtid_set_create(&s->gtids, g->flavor, err);
        if (rc) {
            dm_err_prefix(err, "the executed GTID set of the start location");
            return rc;
        }
    }
    s->pending_gtid = *g;
    s->has_pending_gtid = true;
    return 0;
}

// on_parsed handles one parsed event; ev carries its location (for the inner events of a
// TRANSACTION_PAYLOAD, the outer event's: the transaction ends where the payload ends).
static int on_parsed(sync_unit *s, const binlog_event *bev, const evsource_event *ev, dm_err *err)
{
    int rc;
    uint8_t type = bev->header.type;
    unsigned trxf = 0;
    if ((rc = binlog_trx_feed(&trxf, &s->trx, bev, err)))
        return rc;
    if (type == BINLOG_MARIADB_GTID_EVENT) {
        binlog_mariadb_gtid_event g;
        if (!(rc = binlog_mariadb_gtid_decode(&g, bev, err)))
            rc = note_gtid(s,
                           &(gtid){.flavor = GTID_FLAVOR_MARIADB,
                                   .domain = g.gtid.domain_id,
                                   .server = g.gtid.server_id,
                                   .seq = g.gtid.seq_no},
                           err);
    } else if (type == BINLOG_GTID_EVENT) {
        binlog_mysql_gtid_event g;
        if (!(rc = binlog_mysql_gtid_decode(&g, bev, err)) && !g.anonymous) {
            gtid m = {.flavor = GTID_FLAVOR_MYSQL, .seq = (uint64_t)g.gno};
            memcpy(m.uuid, g.sid, sizeof m.uuid);
            rc = note_gtid(s, &m, err);
        }
    } else if (type == BINLOG_TABLE_MAP_EVENT) {
        rc = on_table_map(s, bev, ev, err);
    } else if (is_rows(type)) {
        rc = on_rows(s, bev, ev, err);
    } else if (type == BINLOG_QUERY_EVENT || type == BINLOG_QUERY_COMPRESSED_EVENT) {
        rc = on_query(s, bev, ev, err);
    }
    if (!rc && (trxf & BINLOG_TRX_END))
        rc = on_trx_end(s, ev, err);
    return rc;
}

// on_payload handles a MySQL TRANSACTION_PAYLOAD: its inner events, inflated, in order.
static int on_payload(sync_unit *s, const binlog_event *bev, const evsource_event *ev, dm_err *err)
{
    binlog_payload p;
    int rc = binlog_payload_decode(&p, bev, &s->payload, err);
    while (!rc) {
        binlog_event inner;
        bool end = false;
        if ((rc = binlog_payload_next(&inner, &end, &p, &s->fde, ev->pos, err)) || end)
            break;
        rc = on_parsed(s, &inner, ev, err);
    }
    return rc;
}

static int on_event(sync_unit *s, const evsource_event *ev, dm_err *err)
{
    int rc;
    if (ev->type == BINLOG_FORMAT_DESCRIPTION_EVENT)
        return binlog_fde_decode(&s->fde, ev->data, ev->len, err);
    binlog_event bev;
    if ((rc = binlog_event_parse(&bev, &s->fde, ev->data, ev->len, ev->pos, 0, err)))
        return rc;
    if (ev->type == BINLOG_TRANSACTION_PAYLOAD_EVENT)
        return on_payload(s, &bev, ev, err);
    return on_parsed(s, &bev, ev, err);
}

// note_read records what the status shows of the reader: where it is, how much it read,
// whether it is caught up.
static void note_read(sync_unit *s, const evsource_event *ev)
{
    pthread_mutex_lock(&s->mu);
    s->caught_up = ev->idle;
    if (!ev->idle && !ev->format_resend) {
        loc_set_file(&s->read_loc, ev->file);
        s->read_loc.pos = ev->next_pos;
        s->total_events++;
        if (ev->type == BINLOG_XID_EVENT)
            s->total_trx++;
        if (ev->len >= 4 && ev->type != BINLOG_FORMAT_DESCRIPTION_EVENT &&
            ev->type != BINLOG_ROTATE_EVENT)
            s->last_ts = (uint32_t)ev->data[0] | (uint32_t)ev->data[1] << 8 |
                         (uint32_t)ev->data[2] << 16 | (uint32_t)ev->data[3] << 24;
    }
    pthread_mutex_unlock(&s->mu);
}

static int open_source(sync_unit *s, dm_err *err)
{
    evsource *src = NULL;
    int rc;
    if (s->opts.relay_addr) {
        evsource_relay_opts o = {
            .addr = s->opts.relay_addr,
            .source_id = s->opts.source->source_id,
            .start_file = s->trx_end.file,
            .start_pos = s->trx_end.pos,
            .reader = s->reader_name,
        };
        rc = evsource_open_relay(&src, &o, err);
    } else {
        evsource_upstream_opts o = {
            .conn = s->up,
            .replica_server_id = s->opts.replica_server_id,
            .start_file = s->trx_end.file,
            .start_pos = s->trx_end.pos,
        };
        rc = evsource_open_upstream(&src, &o, err);
    }
    if (rc)
        return rc;
    pthread_mutex_lock(&s->mu);
    s->src = src;
    if (atomic_load(&s->stop) || atomic_load(&s->failed))
        evsource_interrupt(src);
    pthread_mutex_unlock(&s->mu);
    binlog_trx_fini(&s->trx);
    binlog_trx_init(&s->trx);
    s->has_pending_gtid = false;
    binlog_fde_init_default(&s->fde, BINLOG_FLAVOR_MARIADB, BINLOG_CHECKSUM_CRC32);
    return 0;
}

static void close_source(sync_unit *s)
{
    pthread_mutex_lock(&s->mu);
    evsource *src = s->src;
    s->src = NULL;
    pthread_mutex_unlock(&s->mu);
    evsource_destroy(src);
}

static int choose_start(sync_unit *s, const checkpoint_state *st, dm_err *err)
{
    memset(&s->safe_until, 0, sizeof s->safe_until);
    if (st->found) {
        s->trx_end = st->global;
        s->safe_until = st->exit_safe;
        dm_info(LOGC, "resuming from checkpoint (%s, %" PRIu64 "), safe mode until (%s, %" PRIu64
                      ")",
                st->global.file, st->global.pos, st->exit_safe.file, st->exit_safe.pos);
    } else if (s->opts.start && s->opts.start->file[0]) {
        s->trx_end = *s->opts.start;
        dm_info(LOGC, "starting at (%s, %" PRIu64 ")", s->trx_end.file, s->trx_end.pos);
    } else if (s->inst->meta && s->inst->meta->binlog_name && s->inst->meta->binlog_name[0]) {
        memset(&s->trx_end, 0, sizeof s->trx_end);
        snprintf(s->trx_end.file, sizeof s->trx_end.file, "%s", s->inst->meta->binlog_name);
        s->trx_end.pos = s->inst->meta->binlog_pos ? s->inst->meta->binlog_pos : 4;
        if (s->inst->meta->binlog_gtid)
            snprintf(s->trx_end.gtid, sizeof s->trx_end.gtid, "%s", s->inst->meta->binlog_gtid);
        dm_info(LOGC, "starting at the task's meta (%s, %" PRIu64 ")", s->trx_end.file,
                s->trx_end.pos);
    } else {
        return dm_err_set(err, SYNC_ERR_NO_START, DM_ERR_SCOPE_INTERNAL,
                          "source %s: no checkpoint in %s and no start location (meta "
                          "binlog-name/binlog-pos) for task %s",
                          s->source->source_id, s->task->meta_schema, s->task->name);
    }
    if (s->opts.safe_until && checkpoint_loc_cmp(s->opts.safe_until, &s->safe_until) > 0)
        s->safe_until = *s->opts.safe_until;
    return 0;
}


static int start_workers(sync_unit *s, dm_err *err)
{
    s->workers = calloc(s->n_workers, sizeof *s->workers);
    if (!s->workers)
        return nomem(err);
    for (unsigned i = 0; i < s->n_workers; i++) {
        worker *w = &s->workers[i];
        w->s = s;
        w->id = i;
        pthread_mutex_init(&w->mu, NULL);
        pthread_cond_init(&w->cv, NULL);
        dm_buf_init(&w->sql);
        dm_buf_init(&w->aux);
        dm_buf_init(&w->multi);
        w->cap_st = 2 * (size_t)s->batch + 8;
        if (!(w->batch = calloc(s->batch, sizeof *w->batch)) ||
            !(w->off = calloc(w->cap_st, sizeof *w->off)) ||
            !(w->first = calloc(w->cap_st, sizeof *w->first)))
            return nomem(err);
        int rc = connect_down(&w->conn, s, err);
        if (rc)
            return rc;
        if (pthread_create(&w->th, NULL, worker_main, w))
            return dm_err_set(err, DM_ERR_INTERNAL, DM_ERR_SCOPE_INTERNAL,
                              "sync: cannot start worker thread %u", i);
        w->started = true;
    }
    return 0;
}

static void stop_workers(sync_unit *s)
{
    if (!s->workers)
        return;
    for (unsigned i = 0; i < s->n_workers; i++)
        if (s->workers[i].started)
            enqueue(s, i, NULL, NULL, NULL);
    for (unsigned i = 0; i < s->n_workers; i++) {
        worker *w = &s->workers[i];
        if (w->started)
            pthread_join(w->th, NULL);
        for (qnode *n = w->head, *nx; n; n = nx) {
            nx = n->next;
            free(n->change);
            free(n);
        }
        if (w->conn)
            mysql_close(w->conn);
        free(w->batch);
        free(w->off);
        free(w->first);
        dm_buf_fini(&w->sql);
        dm_buf_fini(&w->aux);
        dm_buf_fini(&w->multi);
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
    }
    free(s->workers);
    s->workers = NULL;
    marker_free(s->orphan);
    s->orphan = NULL;
}

static void run_cleanup(sync_unit *s)
{
    close_source(s);
    stop_workers(s);
    tables_clear(s);
    causality_destroy(s->caus);
    s->caus = NULL;
    if (s->ctl)
        mysql_close(s->ctl);
    s->ctl = NULL;
    gtid_set_destroy(s->gtids);
    s->gtids = NULL;
    tracker_destroy(s->trk);
    s->trk = NULL;
    free(s->trk_text);
    s->trk_text = NULL;
    binlog_trx_fini(&s->trx);
    binlog_row_fini(&s->row);
    dm_buf_fini(&s->scratch);
    dm_buf_fini(&s->rowbuf);
    dm_buf_fini(&s->keys);
    dm_buf_fini(&s->payload);
    for (size_t i = 0; i < s->n_files; i++)
        free(s->files[i]);
    free(s->files);
    s->files = NULL;
    s->n_files = 0;
}

int sync_run(sync_unit *s, dm_err *err)
{
    int rc;
    checkpoint_state st = {0};
    atomic_store(&s->failed, false);
    s->fail_rc = 0;
    dm_err_clear(&s->fail_err);
    atomic_store(&s->committed, 0);
    s->epoch = 0;
    s->ddl_done = false;
    binlog_trx_init(&s->trx);
    binlog_row_init(&s->row);
    dm_buf_init(&s->scratch);
    dm_buf_init(&s->rowbuf);
    dm_buf_init(&s->keys);
    dm_buf_init(&s->payload);
    memset(&s->saved, 0, sizeof s->saved);
    memset(&s->marked, 0, sizeof s->marked);
    pthread_mutex_lock(&s->mu);
    memset(&s->read_loc, 0, sizeof s->read_loc);
    s->total_events = s->total_trx = 0;
    s->last_ts = 0;
    s->caught_up = false;
    s->run_started = dm_time_mono_s();
    pthread_mutex_unlock(&s->mu);
    clock_gettime(CLOCK_MONOTONIC, &s->last_marker);
    if ((rc = connect_down(&s->ctl, s, err)) || (rc = checkpoint_prepare(s->cp, s->ctl, err)) ||
        (rc = checkpoint_load(&st, s->cp, s->ctl, err)) || (rc = choose_start(s, &st, err)) ||
        (rc = online_open(s, err)) || (rc = trk_open(s, st.found ? st.table_info : NULL, err)) ||
        (rc = causality_create(&s->caus, s->n_workers, err)) || (rc = start_workers(s, err)))
        goto done;
    s->saved = st.found ? st.global : s->saved;
    s->marked = s->trx_end;
    checkpoint_loc last_seen = s->trx_end;
    // A source that cannot be opened (upstream or relayd down, a relay being handed to
    // another relayd) or a lost stream is retried with backoff for RETRY_BUDGET_S seconds
    // from the first failure; any event read resets the budget.
    unsigned reconnects = 0;
    double lost_since = 0;
    while (!stopping(s) && !atomic_load(&s->failed)) {
        evsource_event ev;
        if (!s->src) {
            if (reconnects)
                usleep((useconds_t)(100000u << (reconnects < 5 ? reconnects : 5)));
            dm_err_clear(err);
            if ((rc = open_source(s, err))) {
                if (!reconnects)
                    lost_since = dm_time_mono_s();
                if (!evsource_is_transient(rc) || dm_time_mono_s() - lost_since > RETRY_BUDGET_S)
                    goto done;
                char buf[2048];
                if (!reconnects)
                    dm_warn(LOGC, "opening the %s stream at (%s, %" PRIu64 "), retrying for %.0f s: %s",
                            s->opts.relay_addr ? "relay" : "upstream", s->trx_end.file, s->trx_end.pos,
                            RETRY_BUDGET_S, dm_err_format(buf, sizeof buf, err));
                reconnects++;
                rc = 0;
                continue;
            }
        }
        // relayd keeps what a restart from the last checkpoint would read again.
        pthread_mutex_lock(&s->mu);
        checkpoint_loc held = s->saved;
        pthread_mutex_unlock(&s->mu);
        if (held.file[0])
            evsource_hold(s->src, held.file, held.pos);
        rc = evsource_read(&ev, s->src, err);
        if (rc) {
            if (stopping(s) || atomic_load(&s->failed)) {
                rc = 0;
                break;
            }
            if (!evsource_is_transient(rc))
                goto done;
            // Resume at the last transaction end; changes of the open transaction already
            // queued will be sent again, so run in safe mode up to where the stream was.
            char buf[2048];
            dm_warn(LOGC, "%s stream lost, reconnecting at (%s, %" PRIu64 "): %s",
                    s->opts.relay_addr ? "relay" : "upstream", s->trx_end.file, s->trx_end.pos, dm_err_format(buf, sizeof buf, err));
            if (checkpoint_loc_cmp(&last_seen, &s->safe_until) > 0)
                s->safe_until = last_seen;
            close_source(s);
            reconnects = 1;
            lost_since = dm_time_mono_s();
            rc = 0;
            continue;
        }
        note_read(s, &ev);
        if (!ev.idle) {
            reconnects = 0;
            if (!ev.format_resend) {
                loc_set_file(&last_seen, ev.file);
                last_seen.pos = ev.next_pos;
            }
            if ((rc = on_event(s, &ev, err)))
                goto done;
        }
        maybe_mark(s, err, &rc);
        if (rc)
            goto done;
    }
done:
    checkpoint_state_fini(&st);
    if (atomic_load(&s->failed)) {
        // a worker's error is the one to report
        if (err)
            *err = s->fail_err;
        rc = s->fail_rc ? s->fail_rc : rc;
    } else if (!rc && s->workers) {
        // A clean stop: commit what is queued and checkpoint the last transaction end.
        s->marked = s->trx_end;
        rc = send_marker(s, true, err);
        if (atomic_load(&s->failed)) {
            if (err)
                *err = s->fail_err;
            rc = s->fail_rc;
        }
    }
    if (rc && err && err->code) {
        char buf[3072];
        dm_error(LOGC, "sync stopped: %s", dm_err_format(buf, sizeof buf, err));
    }
    run_cleanup(s);
    return rc;
}

// ---------------------------------------------------------------------------------------
// lifecycle

int sync_create(sync_unit **out, const sync_opts *opts, dm_err *err)
{
    *out = NULL;
    if (!opts || !opts->task || !opts->source || !opts->source->source_id)
        return dm_err_set(err, SYNC_ERR_CONFIG, DM_ERR_SCOPE_INTERNAL,
                          "sync: a task and a source are required");
    const config_task *t = opts->task;
    const config_instance *inst = NULL;
    for (size_t i = 0; i < t->n_instances; i++)
        if (t->instances[i].source_id && !strcmp(t->instances[i].source_id, opts->source->source_id))
            inst = &t->instances[i];
    if (!inst)
        return dm_err_set(err, SYNC_ERR_CONFIG, DM_ERR_SCOPE_INTERNAL,
                          "sync: task %s has no mysql-instances entry for source %s", t->name,
                          opts->source->source_id);
    sync_unit *s = calloc(1, sizeof *s);
    if (!s)
        return nomem(err);
    s->task = t;
    s->source = opts->source;
    s->inst = inst;
    s->opts = *opts;
    s->n_workers = inst->syncer.worker_count > 0 ? (unsigned)inst->syncer.worker_count : 16;
    s->batch = inst->syncer.batch > 0 ? (unsigned)inst->syncer.batch : 100;
    s->queue_size = inst->syncer.queue_size > 0 ? (unsigned)inst->syncer.queue_size : 1024;
    s->flush_interval = inst->syncer.checkpoint_flush_interval > 0
                            ? (unsigned)inst->syncer.checkpoint_flush_interval
                            : 30;
    s->always_safe = inst->syncer.safe_mode;
    s->no_compact = !inst->syncer.compact;
    snprintf(s->reader_name, sizeof s->reader_name, "%s:%s", t->name, opts->source->source_id);
    dm_mysql_params_from_config(&s->down, &t->target_db);
    dm_mysql_params_from_config(&s->up, &opts->source->from);
    if (!s->opts.replica_server_id) {
        char key[512];
        snprintf(key, sizeof key, "%s/%s", t->name, opts->source->source_id);
        s->opts.replica_server_id = 0x50000000u + (XXH32(key, strlen(key), 0) % 0x10000000u);
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    int rc = rules_set_create(&s->rules, t, opts->source->source_id, opts->source, err);
    if (!rc)
        rc = row_expr_check_task(t, opts->source->source_id, err);
    if (!rc)
        rc = checkpoint_create(&s->cp, t->meta_schema ? t->meta_schema : "dm_meta", t->name,
                               opts->source->source_id, err);
    if (rc) {
        sync_destroy(s);
        return rc;
    }
    *out = s;
    return 0;
}

void sync_stop(sync_unit *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    atomic_store(&s->stop, true);
    if (s->src)
        evsource_interrupt(s->src);
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

json_t *sync_status_json(sync_unit *s)
{
    char master[600], syncer[600];
    pthread_mutex_lock(&s->mu);
    snprintf(master, sizeof master, "(%s, %" PRIu64 ")", s->read_loc.file, s->read_loc.pos);
    snprintf(syncer, sizeof syncer, "(%s, %" PRIu64 ")", s->saved.file, s->saved.pos);
    double el = s->run_started > 0 ? dm_time_mono_s() - s->run_started : 0;
    json_int_t tps = el > 0 ? (json_int_t)((double)s->total_trx / el) : 0;
    bool synced = s->caught_up && checkpoint_loc_cmp(&s->saved, &s->read_loc) >= 0;
    json_int_t behind = 0;
    if (s->last_ts && !synced) {
        time_t now = time(NULL);
        behind = now > (time_t)s->last_ts ? (json_int_t)(now - (time_t)s->last_ts) : 0;
    }
    json_t *o = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:[], s:[], s:b, s:s, s:I}",
                          "totalEvents", (json_int_t)s->total_events, "totalTps", tps,
                          "recentTps", tps, "masterBinlog", master, "syncerBinlog", syncer, "syncerBinlogGtid", s->saved.gtid,
                          "blockingDDLs", "unresolvedGroups", "synced", synced,
                          "binlogType", s->opts.relay_addr ? "local" : "remote",
                          "secondsBehindMaster", behind);
    pthread_mutex_unlock(&s->mu);
    return o;
}

void sync_location(checkpoint_loc *out, sync_unit *s)
{
    pthread_mutex_lock(&s->mu);
    *out = s->saved;
    pthread_mutex_unlock(&s->mu);
}

int sync_handle_error(sync_unit *s, const char *location, sync_handle_op op,
                      const char *const *sqls, size_t n, dm_err *err)
{
    checkpoint_loc loc;
    int rc = checkpoint_loc_parse(&loc, location, err);
    if (rc)
        return dm_err_set(err, SYNC_ERR_HANDLE, DM_ERR_SCOPE_INTERNAL,
                          "handle-error: bad binlog position \"%s\" (file:pos expected)",
                          location ? location : "");
    if (op == SYNC_HANDLE_REPLACE && (!n || !sqls))
        return dm_err_set(err, SYNC_ERR_HANDLE, DM_ERR_SCOPE_INTERNAL,
                          "handle-error replace at %s needs at least one statement", location);
    pthread_mutex_lock(&s->mu);
    handle_op **pp = &s->ops;
    while (*pp && !((*pp)->loc.pos == loc.pos && !strcmp((*pp)->loc.file, loc.file)))
        pp = &(*pp)->next;
    handle_op *old = *pp;
    if (old) {
        *pp = old->next;
        free_sqls(old->sqls, old->n);
        free(old);
    }
    if (op == SYNC_HANDLE_REVERT) {
        pthread_mutex_unlock(&s->mu);
        return old ? 0
                   : dm_err_set(err, SYNC_ERR_HANDLE, DM_ERR_SCOPE_INTERNAL,
                                "handle-error revert: nothing registered at %s", location);
    }
    handle_op *o = calloc(1, sizeof *o);
    rc = !o;
    if (o) {
        o->loc = loc;
        o->op = op;
        for (size_t i = 0; !rc && op == SYNC_HANDLE_REPLACE && i < n; i++)
            rc = push_sql(&o->sqls, &o->n, sqls[i], err);
    }
    if (rc) {
        if (o)
            free_sqls(o->sqls, o->n);
        free(o);
        pthread_mutex_unlock(&s->mu);
        return nomem(err);
    }
    o->next = s->ops;
    s->ops = o;
    pthread_mutex_unlock(&s->mu);
    return 0;
}

void sync_destroy(sync_unit *s)
{
    if (!s)
        return;
    for (handle_op *o = s->ops, *n; o; o = n) {
        n = o->next;
        free_sqls(o->sqls, o->n);
        free(o);
    }
    rules_set_destroy(s->rules);
    checkpoint_destroy(s->cp);
    json_decref(s->online);
    free(s->online_finish);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}
