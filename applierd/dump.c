// DESIGN: the dump unit.
//
// Consistency protocol. A control connection takes FLUSH TABLES WITH READ LOCK, which
// waits for running writes and blocks new commits. Under the lock it reads the binlog
// position (SHOW MASTER STATUS) and the GTID set, then each data connection runs START
// TRANSACTION WITH CONSISTENT SNAPSHOT: since nothing can commit while the lock is held, all
// N snapshots see exactly the state at that position. The lock is released right after (it
// is held for the time of N statements). On MariaDB each connection also reports
// Binlog_snapshot_file/position, the position its snapshot corresponds to; they must equal
// the position read under the lock, which is checked. On MySQL the lock alone gives the
// guarantee. A connection lost later is replaced by a new one with its own snapshot, taken
// with the same protocol, and its own (later) position: the load records per chunk the
// position its rows were read at.
//
// Chunking. A table is cut along its primary key (else the first unique key of NOT NULL
// columns). One integer column: the [MIN, MAX] range is split into equal parts. Other keys:
// the key value found every rows-per-chunk rows in key order starts the next chunk, and
// ranges compare lexicographically in the column's collation (string literals carry the
// column's character set introducer, so the column's collation decides). The first chunk
// has no lower bound and the last no upper bound.
#include "dump.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dm_log.h"

struct dump_snapshot {
    dm_mysql_params params;
    bool mariadb;
    size_t n;
    MYSQL **conns;
    dump_pos pos;       // position of the snapshot taken by dump_snapshot_open
    dump_pos *conn_pos; // per connection (differs after a reopen)
    char **tables;      // schema, table pairs listed under the snapshot's lock
    size_t n_tables;
};

void dump_pos_fini(dump_pos *p)
{
    if (!p)
        return;
    free(p->gtid);
    memset(p, 0, sizeof(*p));
}

static int nomem(dm_err *err)
{
    return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
}

static int pos_copy(dump_pos *dst, const dump_pos *src, dm_err *err)
{
    char *g = strdup(src->gtid ? src->gtid : "");
    if (!g)
        return nomem(err);
    dump_pos_fini(dst);
    memcpy(dst->file, src->file, sizeof(dst->file));
    dst->pos = src->pos;
    dst->gtid = g;
    return 0;
}

void dump_strv_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

bool dump_is_system_schema(const char *schema)
{
    static const char *sys[] = {"mysql", "information_schema", "performance_schema", "sys"};
    for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++)
        if (strcasecmp(schema, sys[i]) == 0)
            return true;
    return false;
}

int dump_quote_ident(dm_buf *out, const char *name)
{
    int rc = dm_buf_putc(out, '`');
    for (const char *p = name; !rc && *p; p++)
        rc = *p == '`' ? dm_buf_puts(out, "``") : dm_buf_putc(out, *p);
    return rc ? rc : dm_buf_putc(out, '`');
}

// str_lit appends 'text' with the characters the server's lexer treats specially escaped.
static int str_lit(dm_buf *out, const char *s)
{
    int rc = dm_buf_putc(out, '\'');
    for (const char *p = s; !rc && *p; p++) {
        if (*p == '\'' || *p == '\\')
            rc = dm_buf_putc(out, '\\');
        if (!rc)
            rc = dm_buf_putc(out, *p);
    }
    return rc ? rc : dm_buf_putc(out, '\'');
}

// ---------------------------------------------------------------------------------------
// Snapshot

// session_setup prepares a data connection: values read exactly as stored.
static int session_setup(MYSQL *c, dm_err *err)
{
    int rc = dm_mysql_exec(c,
                           "SET SESSION time_zone='+00:00', SESSION net_write_timeout=7200, "
                           "SESSION net_read_timeout=7200, SESSION wait_timeout=28800",
                           err);
    return rc ? rc : dm_mysql_exec(c, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", err);
}

// read_master_pos reads the binlog position and GTID set (under the lock).
static int read_master_pos(dump_pos *out, MYSQL *ctl, bool mariadb, dm_err *err)
{
    int rc;
    MYSQL_RES *r = NULL;
    char *g = NULL;
    if ((rc = dm_mysql_query(&r, ctl, "SHOW MASTER STATUS", err)))
        goto done;
    MYSQL_ROW row = r ? mysql_fetch_row(r) : NULL;
    memset(out->file, 0, sizeof(out->file));
    out->pos = 0;
    if (row && row[0] && row[1]) {
        snprintf(out->file, sizeof(out->file), "%s", row[0]);
        out->pos = strtoull(row[1], NULL, 10);
    } else {
        dm_warn("dump", "the upstream has no binary log (SHOW MASTER STATUS is empty): the "
                        "snapshot has no position for a later incremental phase");
    }
    rc = dm_mysql_query_value(&g, ctl,
                              mariadb ? "SELECT @@GLOBAL.gtid_binlog_pos" : "SELECT @@GLOBAL.gtid_executed",
                              err);
    if (rc)
        goto done;
    free(out->gtid);
    out->gtid = g ? g : strdup("");
    g = NULL;
    if (!out->gtid)
        rc = nomem(err);
done:
    free(g);
    if (r)
        mysql_free_result(r);
    return rc;
}

// start_snapshots runs the lock protocol for connections idx[0..k) of s and stores the
// position in *pos (and in conn_pos of each).
static int start_snapshots(dump_snapshot *s, const size_t *idx, size_t k, dump_pos *pos, dm_err *err)
{
    int rc;
    MYSQL *ctl = NULL;
    MYSQL_RES *r = NULL;
    dm_mysql_params cp = s->params;
    cp.charset = "binary";

    for (size_t j = 0; j < k; j++) {
        size_t i = idx[j];
        if (s->conns[i]) {
            mysql_close(s->conns[i]);
            s->conns[i] = NULL;
        }
        if ((rc = dm_mysql_connect(&s->conns[i], &cp, err)))
            goto done;
        if ((rc = session_setup(s->conns[i], err)))
            goto done;
    }
    if ((rc = dm_mysql_connect(&ctl, &s->params, err)))
        goto done;
    if ((rc = dm_mysql_exec(ctl, "FLUSH TABLES WITH READ LOCK", err))) {
        dm_err_prefix(err, "taking the snapshot lock");
        dm_err_workaround(err, "the dump needs the RELOAD privilege for FLUSH TABLES WITH READ LOCK");
        goto done;
    }
    if ((rc = read_master_pos(pos, ctl, s->mariadb, err)))
        goto done;
    // The table list must be the snapshot's: information_schema is not transactional, and a
    // table created after the snapshot (the sync phase replays its CREATE) or renamed away
    // must not be planned. Under the lock no DDL runs, so this list is exactly that state.
    if (pos == &s->pos && (rc = dump_list_tables(&s->tables, &s->n_tables, ctl, err)))
        goto done;
    for (size_t j = 0; j < k; j++) {
        size_t i = idx[j];
        if ((rc = dm_mysql_exec(s->conns[i], "START TRANSACTION WITH CONSISTENT SNAPSHOT", err)))
            goto done;
        if (s->mariadb && pos->file[0]) {
            // The snapshot's own position must be the one read under the lock.
            if ((rc = dm_mysql_query(&r, s->conns[i], "SHOW STATUS LIKE 'binlog_snapshot_%'", err)))
                goto done;
            char file[256] = "";
            uint64_t p = 0;
            MYSQL_ROW row;
            while ((row = mysql_fetch_row(r))) {
                if (!row[0] || !row[1])
                    continue;
                if (strcasecmp(row[0], "Binlog_snapshot_file") == 0)
                    snprintf(file, sizeof(file), "%s", row[1]);
                else if (strcasecmp(row[0], "Binlog_snapshot_position") == 0)
                    p = strtoull(row[1], NULL, 10);
            }
            mysql_free_result(r);
            r = NULL;
            if (strcmp(file, pos->file) != 0 || p != pos->pos) {
                rc = dm_err_set(err, DUMP_ERR_SNAPSHOT, DM_ERR_SCOPE_UPSTREAM,
                                "snapshot connection %zu is at (%s, %" PRIu64
                                ") but the lock was taken at (%s, %" PRIu64 ")",
                                i, file, p, pos->file, pos->pos);
                goto done;
            }
        }
        if ((rc = pos_copy(&s->conn_pos[i], pos, err)))
            goto done;
    }
    rc = dm_mysql_exec(ctl, "UNLOCK TABLES", err);
done:
    if (r)
        mysql_free_result(r);
    // Closing the control connection releases the lock even when UNLOCK was not reached.
    if (ctl)
        mysql_close(ctl);
    if (rc && err && err->scope == DM_ERR_SCOPE_NOT_SET)
        err->scope = DM_ERR_SCOPE_UPSTREAM;
    return rc;
}

int dump_snapshot_open(dump_snapshot **out, const dm_mysql_params *params, size_t n, dm_err *err)
{
    int rc = 0;
    dump_snapshot *s = NULL;
    size_t *idx = NULL;
    char *ver = NULL;
    MYSQL *probe = NULL;

    *out = NULL;
    if (!params || n == 0) {
        rc = dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "dump_snapshot_open: no connections asked");
        goto done;
    }
    s = calloc(1, sizeof(*s));
    idx = calloc(n, sizeof(*idx));
    if (!s || !idx || !(s->conns = calloc(n, sizeof(MYSQL *))) ||
        !(s->conn_pos = calloc(n, sizeof(dump_pos)))) {
        rc = nomem(err);
        goto done;
    }
    s->params = *params;
    s->n = n;
    if ((rc = dm_mysql_connect(&probe, params, err)))
        goto done;
    if ((rc = dm_mysql_query_value(&ver, probe, "SELECT VERSION()", err)))
        goto done;
    s->mariadb = ver && strstr(ver, "MariaDB") != NULL;
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    if ((rc = start_snapshots(s, idx, n, &s->pos, err)))
        goto done;
    dm_info("dump", "consistent snapshot on %zu connections at (%s, %" PRIu64 ") GTID '%s'", n,
            s->pos.file, s->pos.pos, s->pos.gtid);
    *out = s;
    s = NULL;
done:
    if (probe)
        mysql_close(probe);
    free(ver);
    free(idx);
    dump_snapshot_destroy(s);
    return rc;
}

void dump_snapshot_tables(const char *const **out, size_t *n, const dump_snapshot *s)
{
    *out = (const char *const *)s->tables;
    *n = s->n_tables;
}

void dump_snapshot_destroy(dump_snapshot *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        if (s->conns && s->conns[i])
            mysql_close(s->conns[i]);
        if (s->conn_pos)
            dump_pos_fini(&s->conn_pos[i]);
    }
    dump_pos_fini(&s->pos);
    dump_strv_free(s->tables, 2 * s->n_tables);
    free(s->conns);
    free(s->conn_pos);
    free(s);
}

size_t dump_snapshot_count(const dump_snapshot *s) { return s ? s->n : 0; }

MYSQL *dump_snapshot_conn(dump_snapshot *s, size_t i) { return s && i < s->n ? s->conns[i] : NULL; }

const dump_pos *dump_snapshot_pos(const dump_snapshot *s) { return &s->pos; }

const dump_pos *dump_snapshot_conn_pos(const dump_snapshot *s, size_t i)
{
    return i < s->n ? &s->conn_pos[i] : &s->pos;
}

bool dump_snapshot_is_mariadb(const dump_snapshot *s) { return s->mariadb; }

int dump_snapshot_reopen(dump_snapshot *s, size_t i, dm_err *err)
{
    dump_pos p = {0};
    if (i >= s->n)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "no snapshot connection %zu", i);
    int rc = start_snapshots(s, &i, 1, &p, err);
    if (!rc)
        dm_info("dump", "snapshot connection %zu reopened at (%s, %" PRIu64 ") GTID '%s'", i, p.file,
                p.pos, p.gtid);
    dump_pos_fini(&p);
    return rc;
}

// ---------------------------------------------------------------------------------------
// Tables

void dump_table_fini(dump_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_cols; i++) {
        free(t->cols[i].name);
        free(t->cols[i].data_type);
        free(t->cols[i].charset);
    }
    free(t->cols);
    free(t->key);
    free(t->schema);
    free(t->table);
    free(t->target_schema);
    free(t->target_table);
    memset(t, 0, sizeof(*t));
}

int dump_list_tables(char ***out, size_t *n, MYSQL *conn, dm_err *err)
{
    int rc;
    MYSQL_RES *r = NULL;
    char **v = NULL;
    size_t k = 0;

    *out = NULL;
    *n = 0;
    rc = dm_mysql_query(&r, conn,
                        "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE "
                        "TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN "
                        "('mysql','information_schema','performance_schema','sys') "
                        "ORDER BY TABLE_SCHEMA, TABLE_NAME",
                        err);
    if (rc)
        goto done;
    size_t rows = r ? (size_t)mysql_num_rows(r) : 0;
    if (rows && !(v = calloc(2 * rows, sizeof(char *)))) {
        rc = nomem(err);
        goto done;
    }
    MYSQL_ROW row;
    while (r && (row = mysql_fetch_row(r))) {
        if (!row[0] || !row[1] || dump_is_system_schema(row[0]))
            continue;
        if (!(v[2 * k] = strdup(row[0])) || !(v[2 * k + 1] = strdup(row[1]))) {
            k++;
            rc = nomem(err);
            goto done;
        }
        k++;
    }
    *out = v;
    *n = k;
    v = NULL;
done:
    dump_strv_free(v, 2 * k);
    if (r)
        mysql_free_result(r);
    return rc;
}

static bool is_int_type(const char *t)
{
    return !strcmp(t, "tinyint") || !strcmp(t, "smallint") || !strcmp(t, "mediumint") ||
           !strcmp(t, "int") || !strcmp(t, "bigint");
}

// is_orderable tells whether a key column's order in ORDER BY equals the order of
// comparisons with the literals dump_render_key_literal makes (ENUM, SET, BIT, floating
// point and geometry keys do not qualify: such tables are dumped whole).
static bool is_orderable(const char *t)
{
    static const char *ok[] = {"tinyint", "smallint", "mediumint", "int", "bigint", "decimal",
                               "date", "datetime", "timestamp", "time", "year", "char",
                               "varchar", "binary", "varbinary"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (!strcmp(t, ok[i]))
            return true;
    return false;
}

static int lower_dup(char **out, const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        return DM_ERR_NOMEM;
    for (char *p = d; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    *out = d;
    return 0;
}

static int where_table(dm_buf *b, const char *schema, const char *table)
{
    int rc = dm_buf_puts(b, " WHERE TABLE_SCHEMA = ");
    if (!rc)
        rc = str_lit(b, schema);
    if (!rc)
        rc = dm_buf_puts(b, " AND TABLE_NAME = ");
    if (!rc)
        rc = str_lit(b, table);
    return rc;
}

int dump_describe_table(dump_table *out, MYSQL *conn, const char *schema, const char *table,
                        dm_err *err)
{
    int rc = 0;
    dm_buf q;
    MYSQL_RES *r = NULL;
    dump_table t = {0};
    MYSQL_ROW row;

    dm_buf_init(&q);
    memset(out, 0, sizeof(*out));
    if (!(t.schema = strdup(schema)) || !(t.table = strdup(table))) {
        rc = nomem(err);
        goto done;
    }
    if (dm_buf_puts(&q, "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME, EXTRA "
                        "FROM information_schema.COLUMNS") ||
        where_table(&q, schema, table) || dm_buf_puts(&q, " ORDER BY ORDINAL_POSITION")) {
        rc = nomem(err);
        goto done;
    }
    if ((rc = dm_mysql_query(&r, conn, q.data, err)))
        goto done;
    size_t rows = r ? (size_t)mysql_num_rows(r) : 0;
    if (rows == 0) {
        rc = dm_err_set(err, DUMP_ERR_TABLE, DM_ERR_SCOPE_UPSTREAM, "table `%s`.`%s` has no columns upstream (dropped?)",
                        schema, table);
        goto done;
    }
    if (!(t.cols = calloc(rows, sizeof(dump_column)))) {
        rc = nomem(err);
        goto done;
    }
    while ((row = mysql_fetch_row(r))) {
        const char *extra = row[4] ? row[4] : "";
        if (strstr(extra, "VIRTUAL GENERATED") || strstr(extra, "STORED GENERATED") ||
            strstr(extra, "PERSISTENT GENERATED"))
            continue;
        dump_column *c = &t.cols[t.n_cols++];
        if (!(c->name = strdup(row[0] ? row[0] : "")) || lower_dup(&c->data_type, row[1]) ||
            (row[3] && !(c->charset = strdup(row[3])))) {
            rc = nomem(err);
            goto done;
        }
        c->is_unsigned = row[2] && strstr(row[2], "unsigned") != NULL;
        c->auto_increment = strstr(extra, "auto_increment") != NULL;
        if (!strcmp(c->data_type, "float"))
            c->read = DUMP_COL_FLOAT;
        else if (!strcmp(c->data_type, "bit"))
            c->read = DUMP_COL_BIT;
    }
    mysql_free_result(r);
    r = NULL;

    // The chunking key: PRIMARY first, then unique keys in name order.
    dm_buf_reset(&q);
    if (dm_buf_puts(&q, "SELECT INDEX_NAME, COLUMN_NAME, NON_UNIQUE, NULLABLE FROM information_schema.STATISTICS") ||
        where_table(&q, schema, table) ||
        dm_buf_puts(&q, " ORDER BY INDEX_NAME <> 'PRIMARY', INDEX_NAME, SEQ_IN_INDEX")) {
        rc = nomem(err);
        goto done;
    }
    if ((rc = dm_mysql_query(&r, conn, q.data, err)))
        goto done;
    if (!(t.key = calloc(t.n_cols ? t.n_cols : 1, sizeof(size_t)))) {
        rc = nomem(err);
        goto done;
    }
    {
        char cur[256] = "";
        bool usable = false, chosen = false;
        size_t nk = 0;
        while (!chosen && (row = mysql_fetch_row(r))) {
            const char *iname = row[0] ? row[0] : "";
            if (strcmp(iname, cur) != 0) {
                if (usable && nk > 0) {
                    chosen = true;
                    break;
                }
                snprintf(cur, sizeof(cur), "%s", iname);
                usable = true;
                nk = 0;
            }
            if (!usable)
                continue;
            if (!row[2] || strcmp(row[2], "0") != 0 || (row[3] && !strcmp(row[3], "YES"))) {
                usable = false;
                continue;
            }
            size_t ci = t.n_cols;
            for (size_t i = 0; i < t.n_cols; i++)
                if (row[1] && !strcmp(t.cols[i].name, row[1]))
                    ci = i;
            if (ci == t.n_cols || nk >= t.n_cols) {
                usable = false;
                continue;
            }
            t.key[nk++] = ci;
        }
        if (!chosen && usable && nk > 0)
            chosen = true;
        t.n_key = chosen ? nk : 0;
    }
    mysql_free_result(r);
    r = NULL;
    t.key_kind = DUMP_KEY_NONE;
    if (t.n_key == 1 && is_int_type(t.cols[t.key[0]].data_type)) {
        t.key_kind = DUMP_KEY_INT;
    } else if (t.n_key > 0) {
        t.key_kind = DUMP_KEY_ORDERED;
        for (size_t i = 0; i < t.n_key; i++)
            if (!is_orderable(t.cols[t.key[i]].data_type))
                t.key_kind = DUMP_KEY_NONE;
    }
    if (t.key_kind == DUMP_KEY_NONE)
        t.n_key = 0;

    dm_buf_reset(&q);
    if (dm_buf_puts(&q, "SELECT TABLE_ROWS, DATA_LENGTH FROM information_schema.TABLES") ||
        where_table(&q, schema, table)) {
        rc = nomem(err);
        goto done;
    }
    if ((rc = dm_mysql_query(&r, conn, q.data, err)))
        goto done;
    if (r && (row = mysql_fetch_row(r))) {
        t.est_rows = row[0] ? strtoull(row[0], NULL, 10) : 0;
        t.est_bytes = row[1] ? strtoull(row[1], NULL, 10) : 0;
    }
    *out = t;
    memset(&t, 0, sizeof(t));
done:
    if (rc && err && err->scope == DM_ERR_SCOPE_NOT_SET)
        err->scope = DM_ERR_SCOPE_UPSTREAM;
    if (rc && rc != DUMP_ERR_TABLE && rc != DM_ERR_DB_RETRYABLE)
        dm_err_prefix(err, "describing `%s`.`%s`", schema, table);
    if (r)
        mysql_free_result(r);
    dump_table_fini(&t);
    dm_buf_fini(&q);
    return rc;
}

static int show_create(dm_buf *out, MYSQL *conn, const char *what, const char *schema,
                       const char *table, dm_err *err)
{
    int rc;
    dm_buf q;
    MYSQL_RES *r = NULL;
    dm_buf_init(&q);
    if (dm_buf_printf(&q, "SHOW CREATE %s ", what) || dump_quote_ident(&q, schema) ||
        (table && (dm_buf_putc(&q, '.') || dump_quote_ident(&q, table)))) {
        rc = nomem(err);
        goto done;
    }
    if ((rc = dm_mysql_query(&r, conn, q.data, err)))
        goto done;
    MYSQL_ROW row = r ? mysql_fetch_row(r) : NULL;
    unsigned long *len = row ? mysql_fetch_lengths(r) : NULL;
    if (!row || !row[1]) {
        rc = dm_err_set(err, DUMP_ERR_TABLE, DM_ERR_SCOPE_UPSTREAM, "%s returned nothing", q.data);
        goto done;
    }
    if (dm_buf_append(out, row[1], len[1]))
        rc = nomem(err);
done:
    if (rc && err && err->scope == DM_ERR_SCOPE_NOT_SET)
        err->scope = DM_ERR_SCOPE_UPSTREAM;
    if (r)
        mysql_free_result(r);
    dm_buf_fini(&q);
    return rc;
}

int dump_show_create_table(dm_buf *out, MYSQL *conn, const char *schema, const char *table,
                           dm_err *err)
{
    return show_create(out, conn, "TABLE", schema, table, err);
}

int dump_show_create_database(dm_buf *out, MYSQL *conn, const char *schema, dm_err *err)
{
    return show_create(out, conn, "DATABASE", schema, NULL, err);
}

// ---------------------------------------------------------------------------------------
// Chunks

void dump_chunk_fini(dump_chunk *c, size_t n_key)
{
    if (!c)
        return;
    dump_strv_free(c->lower, c->lower ? n_key : 0);
    dump_strv_free(c->upper, c->upper ? n_key : 0);
    c->lower = c->upper = NULL;
}

uint64_t dump_default_chunk_rows(uint64_t table_rows, size_t threads)
{
    uint64_t per = table_rows / (2 * (threads ? threads : 1));
    if (per < 10000)
        per = 10000;
    if (per > 200000)
        per = 200000;
    return per;
}

int dump_split_int(uint64_t **out, size_t *n_out, uint64_t min, uint64_t max, bool is_unsigned,
                   size_t n, dm_err *err)
{
    const uint64_t flip = is_unsigned ? 0 : (uint64_t)1 << 63;
    uint64_t umin = min ^ flip, umax = max ^ flip;
    *out = NULL;
    *n_out = 0;
    if (n == 0 || umin > umax)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "dump_split_int: empty range or zero parts");
    unsigned __int128 span = (unsigned __int128)(umax - umin) + 1;
    if ((unsigned __int128)n > span)
        n = (size_t)span;
    if (n <= 1)
        return 0;
    uint64_t *b = calloc(n - 1, sizeof(uint64_t));
    if (!b)
        return nomem(err);
    for (size_t i = 1; i < n; i++)
        b[i - 1] = (umin + (uint64_t)(span * i / n)) ^ flip;
    *out = b;
    *n_out = n - 1;
    return 0;
}

static int key_list(dm_buf *b, const dump_table *t)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < t->n_key; i++) {
        if (i)
            rc = dm_buf_putc(b, ',');
        if (!rc)
            rc = dump_quote_ident(b, t->cols[t->key[i]].name);
    }
    return rc;
}

static int table_name(dm_buf *b, const dump_table *t)
{
    int rc = dump_quote_ident(b, t->schema);
    if (!rc)
        rc = dm_buf_putc(b, '.');
    return rc ? rc : dump_quote_ident(b, t->table);
}

static bool is_binary_string(const dump_column *c)
{
    return !c->charset && (strstr(c->data_type, "binary") || strstr(c->data_type, "blob"));
}

static bool is_numeric(const char *t)
{
    return is_int_type(t) || !strcmp(t, "decimal") || !strcmp(t, "year") || !strcmp(t, "float") ||
           !strcmp(t, "double") || !strcmp(t, "bit");
}

int dump_render_key_literal(dm_buf *out, const dump_column *c, const char *val, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    int rc = 0;
    if (is_numeric(c->data_type))
        return dm_buf_append(out, val, len);
    if (c->charset || is_binary_string(c)) {
        if (c->charset && (rc = dm_buf_printf(out, "_%s ", c->charset)))
            return rc;
        if ((rc = dm_buf_puts(out, "X'")))
            return rc;
        for (size_t i = 0; !rc && i < len; i++) {
            unsigned char ch = (unsigned char)val[i];
            char two[2] = {hex[ch >> 4], hex[ch & 15]};
            rc = dm_buf_append(out, two, 2);
        }
        return rc ? rc : dm_buf_putc(out, '\'');
    }
    // Temporal values: their text form has no quote nor backslash.
    if ((rc = dm_buf_putc(out, '\'')) || (rc = dm_buf_append(out, val, len)))
        return rc;
    return dm_buf_putc(out, '\'');
}

// cmp_chain appends the expanded lexicographic comparison of the key with lits:
// k1 OP1 v1 OR (k1 = v1 AND (k2 OP2 v2 OR ...)), last uses op_last.
static int cmp_chain(dm_buf *b, const dump_table *t, char *const *lits, const char *op, const char *op_last)
{
    int rc = 0;
    size_t n = t->n_key;
    for (size_t i = 0; !rc && i < n; i++) {
        const char *name = t->cols[t->key[i]].name;
        bool last = i + 1 == n;
        if (!last)
            rc = dm_buf_putc(b, '(');
        if (!rc)
            rc = dump_quote_ident(b, name);
        if (!rc)
            rc = dm_buf_printf(b, " %s %s", last ? op_last : op, lits[i]);
        if (!rc && !last) {
            rc = dm_buf_puts(b, " OR (");
            if (!rc)
                rc = dump_quote_ident(b, name);
            if (!rc)
                rc = dm_buf_printf(b, " = %s AND ", lits[i]);
        }
    }
    for (size_t i = 0; !rc && i + 1 < n; i++)
        rc = dm_buf_puts(b, "))");
    return rc;
}

int dump_range_where(dm_buf *out, const dump_table *t, char *const *lower, char *const *upper)
{
    int rc = 0;
    if (!lower && !upper)
        return dm_buf_putc(out, '1');
    if (lower) {
        rc = dm_buf_putc(out, '(');
        if (!rc)
            rc = cmp_chain(out, t, lower, ">", ">=");
        if (!rc)
            rc = dm_buf_putc(out, ')');
    }
    if (!rc && lower && upper)
        rc = dm_buf_puts(out, " AND ");
    if (!rc && upper) {
        rc = dm_buf_putc(out, '(');
        if (!rc)
            rc = cmp_chain(out, t, upper, "<", "<");
        if (!rc)
            rc = dm_buf_putc(out, ')');
    }
    return rc;
}

int dump_select_sql(dm_buf *out, const dump_table *t, const dump_chunk *c)
{
    int rc = dm_buf_puts(out, "SELECT ");
    for (size_t i = 0; !rc && i < t->n_cols; i++) {
        const dump_column *col = &t->cols[i];
        if (i)
            rc = dm_buf_putc(out, ',');
        if (!rc && col->read == DUMP_COL_FLOAT)
            rc = dm_buf_puts(out, "CAST(");
        if (!rc)
            rc = dump_quote_ident(out, col->name);
        if (!rc && col->read == DUMP_COL_FLOAT)
            rc = dm_buf_puts(out, " AS DOUBLE)");
        else if (!rc && col->read == DUMP_COL_BIT)
            rc = dm_buf_puts(out, "+0");
    }
    if (!rc)
        rc = dm_buf_puts(out, " FROM ");
    if (!rc)
        rc = table_name(out, t);
    if (!rc && (c->lower || c->upper)) {
        rc = dm_buf_puts(out, " WHERE ");
        if (!rc)
            rc = dump_range_where(out, t, c->lower, c->upper);
    }
    return rc;
}

// ---------------------------------------------------------------------------------------
// Planning

static int strv_one(char ***out, const char *s)
{
    char **v = calloc(1, sizeof(char *));
    if (!v || !(v[0] = strdup(s))) {
        free(v);
        return DM_ERR_NOMEM;
    }
    *out = v;
    return 0;
}

static int push_chunk(dump_chunk **chunks, size_t *n, size_t *cap, const dump_chunk *c)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        dump_chunk *g = realloc(*chunks, nc * sizeof(dump_chunk));
        if (!g)
            return DM_ERR_NOMEM;
        *chunks = g;
        *cap = nc;
    }
    (*chunks)[(*n)++] = *c;
    return 0;
}

static int plan_int(dump_chunk **chunks, size_t *n, size_t *cap, MYSQL *conn, const dump_table *t,
                    size_t ti, uint64_t rows_per_chunk, size_t threads, dm_err *err)
{
    int rc;
    dm_buf q;
    MYSQL_RES *r = NULL;
    uint64_t *b = NULL;
    size_t nb = 0;
    const dump_column *k = &t->cols[t->key[0]];

    // MIN and MAX are two index lookups. The row count only sizes the chunks: the
    // statistics' estimate does for a large table, and an exact COUNT(*) (a full scan) is
    // taken only when the estimate says the table is small, where it is cheap and where a
    // stale estimate (0 for a table never analysed) would matter most.
    uint64_t per0 = rows_per_chunk ? rows_per_chunk : dump_default_chunk_rows(t->est_rows, threads);
    bool exact = t->est_rows < 2 * per0;
    dm_buf_init(&q);
    if (dm_buf_puts(&q, "SELECT MIN(") || dump_quote_ident(&q, k->name) || dm_buf_puts(&q, "), MAX(") ||
        dump_quote_ident(&q, k->name) || dm_buf_puts(&q, exact ? "), COUNT(*) FROM " : "), 1 FROM ") ||
        table_name(&q, t)) {
        rc = nomem(err);
        goto done;
    }
    if ((rc = dm_mysql_query(&r, conn, q.data, err)))
        goto done;
    MYSQL_ROW row = r ? mysql_fetch_row(r) : NULL;
    uint64_t count = exact ? (row && row[2] ? strtoull(row[2], NULL, 10) : 0) : t->est_rows;
    if (count > 0 && row && row[0] && row[1]) {
        uint64_t mn = k->is_unsigned ? strtoull(row[0], NULL, 10) : (uint64_t)strtoll(row[0], NULL, 10);
        uint64_t mx = k->is_unsigned ? strtoull(row[1], NULL, 10) : (uint64_t)strtoll(row[1], NULL, 10);
        uint64_t per = rows_per_chunk ? rows_per_chunk : dump_default_chunk_rows(count, threads);
        size_t parts = (size_t)((count + per - 1) / per);
        if ((rc = dump_split_int(&b, &nb, mn, mx, k->is_unsigned, parts ? parts : 1, err)))
            goto done;
    }
    for (size_t i = 0; i <= nb; i++) {
        dump_chunk c = {.table = ti, .chunk_id = (uint32_t)i};
        char lit[32];
        c.est_bytes = t->est_bytes / (nb + 1);
        if (i > 0) {
            if (k->is_unsigned)
                snprintf(lit, sizeof(lit), "%" PRIu64, b[i - 1]);
            else
                snprintf(lit, sizeof(lit), "%" PRId64, (int64_t)b[i - 1]);
            if (strv_one(&c.lower, lit)) {
                rc = nomem(err);
                goto done;
            }
        }
        if (i < nb) {
            if (k->is_unsigned)
                snprintf(lit, sizeof(lit), "%" PRIu64, b[i]);
            else
                snprintf(lit, sizeof(lit), "%" PRId64, (int64_t)b[i]);
            if (strv_one(&c.upper, lit)) {
                dump_chunk_fini(&c, 1);
                rc = nomem(err);
                goto done;
            }
        }
        if (push_chunk(chunks, n, cap, &c)) {
            dump_chunk_fini(&c, 1);
            rc = nomem(err);
            goto done;
        }
    }
done:
    free(b);
    if (r)
        mysql_free_result(r);
    dm_buf_fini(&q);
    return rc;
}

// plan_ordered walks the key in order, taking the key of every per-th row as a boundary.
static int plan_ordered(dump_chunk **chunks, size_t *n, size_t *cap, MYSQL *conn,
                        const dump_table *t, size_t ti, uint64_t rows_per_chunk, size_t threads,
                        dm_err *err)
{
    int rc = 0;
    dm_buf q;
    MYSQL_RES *r = NULL;
    char **prev = NULL; // lower bound of the chunk being built
    size_t first = *n;
    uint64_t per = rows_per_chunk ? rows_per_chunk : dump_default_chunk_rows(t->est_rows, threads);

    dm_buf_init(&q);
    for (uint32_t id = 0;; id++) {
        dm_buf_reset(&q);
        if (dm_buf_puts(&q, "SELECT ") || key_list(&q, t) || dm_buf_puts(&q, " FROM ") ||
            table_name(&q, t)) {
            rc = nomem(err);
            goto done;
        }
        if (prev && (dm_buf_puts(&q, " WHERE ") || dump_range_where(&q, t, prev, NULL))) {
            rc = nomem(err);
            goto done;
        }
        if (dm_buf_puts(&q, " ORDER BY ") || key_list(&q, t) ||
            dm_buf_printf(&q, " LIMIT 1 OFFSET %" PRIu64, per)) {
            rc = nomem(err);
            goto done;
        }
        if ((rc = dm_mysql_query(&r, conn, q.data, err)))
            goto done;
        MYSQL_ROW row = r ? mysql_fetch_row(r) : NULL;
        dump_chunk c = {.table = ti, .chunk_id = id, .lower = prev};
        prev = NULL;
        if (row) {
            unsigned long *len = mysql_fetch_lengths(r);
            if (!(c.upper = calloc(t->n_key, sizeof(char *)))) {
                dump_chunk_fini(&c, t->n_key);
                rc = nomem(err);
                goto done;
            }
            for (size_t i = 0; i < t->n_key; i++) {
                dm_buf lit;
                dm_buf_init(&lit);
                if (!row[i] || dump_render_key_literal(&lit, &t->cols[t->key[i]], row[i], len[i]) ||
                    !(c.upper[i] = dm_buf_detach(&lit))) {
                    dm_buf_fini(&lit);
                    dump_chunk_fini(&c, t->n_key);
                    rc = row[i] ? nomem(err)
                                : dm_err_set(err, DUMP_ERR_PLAN, DM_ERR_SCOPE_UPSTREAM,
                                             "NULL in the key of `%s`.`%s`", t->schema, t->table);
                    goto done;
                }
            }
            // The next chunk starts where this one ends.
            if (!(prev = calloc(t->n_key, sizeof(char *)))) {
                dump_chunk_fini(&c, t->n_key);
                rc = nomem(err);
                goto done;
            }
            for (size_t i = 0; i < t->n_key; i++)
                if (!(prev[i] = strdup(c.upper[i]))) {
                    dump_chunk_fini(&c, t->n_key);
                    rc = nomem(err);
                    goto done;
                }
        }
        mysql_free_result(r);
        r = NULL;
        if (push_chunk(chunks, n, cap, &c)) {
            dump_chunk_fini(&c, t->n_key);
            rc = nomem(err);
            goto done;
        }
        if (!row)
            break;
    }
    for (size_t i = first; i < *n; i++)
        (*chunks)[i].est_bytes = t->est_bytes / (*n - first);
done:
    dump_strv_free(prev, prev ? t->n_key : 0);
    if (r)
        mysql_free_result(r);
    dm_buf_fini(&q);
    return rc;
}

int dump_plan_table(dump_chunk **chunks, size_t *n, size_t *cap, MYSQL *conn, const dump_table *t,
                    size_t table_index, uint64_t rows_per_chunk, size_t threads, dm_err *err)
{
    int rc = 0;
    if (t->key_kind == DUMP_KEY_INT) {
        rc = plan_int(chunks, n, cap, conn, t, table_index, rows_per_chunk, threads, err);
    } else if (t->key_kind == DUMP_KEY_ORDERED) {
        rc = plan_ordered(chunks, n, cap, conn, t, table_index, rows_per_chunk, threads, err);
    } else {
        dump_chunk c = {.table = table_index, .chunk_id = 0, .est_bytes = t->est_bytes};
        if (push_chunk(chunks, n, cap, &c))
            rc = nomem(err);
    }
    if (rc && rc != DM_ERR_NOMEM && rc != DM_ERR_DB_RETRYABLE) {
        if (err)
            err->code = rc = DUMP_ERR_PLAN;
        dm_err_prefix(err, "cutting `%s`.`%s` into chunks", t->schema, t->table);
    }
    return rc;
}
