// DESIGN: the load unit's per-chunk transaction.
//
// A chunk is read on its snapshot connection with mysql_use_result (rows stream, nothing is
// buffered beyond one INSERT) and written into the downstream as multi-row INSERTs of at
// most statement-size bytes, all inside one transaction that ends with the UPDATE marking
// the chunk finished in the loader checkpoint table. Commit makes the rows and the mark
// durable together: after a crash a chunk is either entirely there and marked, or absent
// and pending, so a resumed load never deletes and never duplicates. The UPDATE only
// matches a chunk that is not finished yet; if it changes no row, another applier finished
// the chunk first and this transaction is rolled back.
#include "load.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dm_log.h"

const char *const load_session_sql =
    "SET NAMES binary, SESSION time_zone='+00:00', "
    "SESSION sql_mode='NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION', "
    "SESSION foreign_key_checks=0, SESSION autocommit=1";

static int nomem(dm_err *err)
{
    return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
}

// Escape tables: for each byte, the letter that follows a backslash in its escaped form, or
// 0 when the byte is written as is. SQL string literals escape what ends or breaks the
// literal; LOAD DATA fields what separates fields and lines.
static const char sql_esc[256] = {['\0'] = '0', ['\''] = '\'', ['\\'] = '\\', ['\n'] = 'n',
                                  ['\r'] = 'r', ['\032'] = 'Z'};
static const char tsv_esc[256] = {['\0'] = '0', ['\\'] = '\\', ['\t'] = 't', ['\n'] = 'n',
                                  ['\r'] = 'r'};

// escape_bytes appends bytes with the escapes of table esc.
static int escape_bytes(dm_buf *out, const char *bytes, size_t len, const char *esc)
{
    int rc = dm_buf_reserve(out, len + len / 8 + 2);
    for (size_t i = 0; !rc && i < len; i++) {
        char e = esc[(unsigned char)bytes[i]];
        if (out->len + 3 > out->cap && (rc = dm_buf_reserve(out, (len - i) + 3)))
            break;
        if (e) {
            out->data[out->len++] = '\\';
            out->data[out->len++] = e;
        } else {
            out->data[out->len++] = bytes[i];
        }
    }
    if (!rc)
        out->data[out->len] = '\0';
    return rc;
}

int load_quote_bytes(dm_buf *out, const char *bytes, size_t len)
{
    int rc = dm_buf_putc(out, '\'');
    if (!rc)
        rc = escape_bytes(out, bytes, len, sql_esc);
    return rc ? rc : dm_buf_putc(out, '\'');
}

static bool is_numeric_type(enum enum_field_types type)
{
    switch (type) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
    case MYSQL_TYPE_YEAR:
        return true;
    default:
        return false;
    }
}

int load_render_value(dm_buf *out, enum enum_field_types type, const char *val, size_t len)
{
    if (!val)
        return dm_buf_puts(out, "NULL");
    // YEAR must stay a number: the string '0' would become 2000, the number 0 stays 0000.
    if (is_numeric_type(type) && len > 0)
        return dm_buf_append(out, val, len);
    return load_quote_bytes(out, val, len);
}

int load_dup_parse(load_dup *out, const char *text, dm_err *err)
{
    if (!text || !*text || !strcmp(text, "replace"))
        *out = LOAD_DUP_REPLACE;
    else if (!strcmp(text, "ignore"))
        *out = LOAD_DUP_IGNORE;
    else if (!strcmp(text, "error"))
        *out = LOAD_DUP_ERROR;
    else
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "on-duplicate-logical '%s': expected replace, ignore or error", text);
    return 0;
}

// target_qname appends `db`.`tbl` of t's downstream table (its own name when not routed).
static int target_qname(dm_buf *out, const dump_table *t)
{
    int rc = dump_quote_ident(out, t->target_schema ? t->target_schema : t->schema);
    if (!rc)
        rc = dm_buf_putc(out, '.');
    if (!rc)
        rc = dump_quote_ident(out, t->target_table ? t->target_table : t->table);
    return rc;
}

int load_insert_head(dm_buf *out, const dump_table *t, load_dup dup)
{
    int rc = dm_buf_puts(out, dup == LOAD_DUP_REPLACE  ? "REPLACE INTO "
                              : dup == LOAD_DUP_IGNORE ? "INSERT IGNORE INTO "
                                                       : "INSERT INTO ");
    if (!rc)
        rc = target_qname(out, t);
    if (!rc)
        rc = dm_buf_puts(out, " (");
    for (size_t i = 0; !rc && i < t->n_cols; i++) {
        if (i)
            rc = dm_buf_putc(out, ',');
        if (!rc)
            rc = dump_quote_ident(out, t->cols[i].name);
    }
    return rc ? rc : dm_buf_puts(out, ") VALUES ");
}

int load_bound_to_json(dm_buf *out, char *const *lits, size_t n)
{
    if (!lits)
        return 0;
    json_t *a = json_array();
    int rc = a ? 0 : DM_ERR_NOMEM;
    for (size_t i = 0; !rc && i < n; i++)
        if (json_array_append_new(a, json_string(lits[i])))
            rc = DM_ERR_NOMEM;
    char *s = rc ? NULL : json_dumps(a, JSON_COMPACT);
    if (!rc && !s)
        rc = DM_ERR_NOMEM;
    if (!rc)
        rc = dm_buf_puts(out, s);
    free(s);
    json_decref(a);
    return rc;
}

int load_bound_from_json(char ***out, const char *text, size_t n, dm_err *err)
{
    int rc = 0;
    json_error_t je;
    json_t *a = NULL;
    char **v = NULL;

    *out = NULL;
    if (!text)
        return 0;
    a = json_loads(text, 0, &je);
    if (!a || !json_is_array(a) || json_array_size(a) != n || n == 0) {
        rc = dm_err_set(err, LOAD_ERR_CHECKPOINT, DM_ERR_SCOPE_DOWNSTREAM,
                        "malformed chunk bound '%.200s' in the loader checkpoint (want a JSON "
                        "array of %zu strings)",
                        text, n);
        goto done;
    }
    if (!(v = calloc(n, sizeof(char *)))) {
        rc = nomem(err);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(a, i);
        if (!json_is_string(s)) {
            rc = dm_err_set(err, LOAD_ERR_CHECKPOINT, DM_ERR_SCOPE_DOWNSTREAM,
                            "malformed chunk bound '%.200s': item %zu is not a string", text, i);
            goto done;
        }
        if (!(v[i] = strdup(json_string_value(s)))) {
            rc = nomem(err);
            goto done;
        }
    }
    *out = v;
    v = NULL;
done:
    dump_strv_free(v, n);
    json_decref(a);
    return rc;
}

// chunk_ids appends sep[0] 'source id' sep[1] 'schema' sep[2] 'table': the checkpoint row's
// key columns, as a WHERE condition or a VALUES prefix.
static int chunk_ids(dm_buf *out, const load_checkpoint *cp, const dump_table *t, const char *const sep[3])
{
    const char *v[3] = {cp->source_id, t->schema, t->table};
    int rc = 0;
    for (int i = 0; !rc && i < 3; i++) {
        rc = dm_buf_puts(out, sep[i]);
        if (!rc)
            rc = load_quote_bytes(out, v[i], strlen(v[i]));
    }
    return rc;
}

static int chunk_key(dm_buf *out, const load_checkpoint *cp, const dump_table *t, uint32_t chunk_id)
{
    static const char *const sep[3] = {" WHERE id = ", " AND cp_schema = ", " AND cp_table = "};
    int rc = chunk_ids(out, cp, t, sep);
    return rc ? rc : dm_buf_printf(out, " AND chunk_id = %" PRIu32, chunk_id);
}

int load_checkpoint_finish_sql(dm_buf *out, const load_checkpoint *cp, const dump_table *t,
                               const dump_chunk *c, uint64_t rows, const dump_pos *pos)
{
    const char *gtid = pos && pos->gtid ? pos->gtid : "";
    const char *file = pos ? pos->file : "";
    int rc = dm_buf_printf(out, "UPDATE %s SET status = 'finished', rows_loaded = %" PRIu64
                                ", snapshot_binlog_name = ",
                           cp->table, rows);
    if (!rc)
        rc = load_quote_bytes(out, file, strlen(file));
    if (!rc)
        rc = dm_buf_printf(out, ", snapshot_binlog_pos = %" PRIu64 ", snapshot_binlog_gtid = ",
                           pos ? pos->pos : 0);
    if (!rc)
        rc = load_quote_bytes(out, gtid, strlen(gtid));
    if (!rc)
        rc = dm_buf_puts(out, ", applier_id = ");
    if (!rc)
        rc = load_quote_bytes(out, cp->applier_id ? cp->applier_id : "", strlen(cp->applier_id ? cp->applier_id : ""));
    if (!rc)
        rc = chunk_key(out, cp, t, c->chunk_id);
    if (!rc)
        rc = dm_buf_puts(out, " AND status <> 'finished'");
    return rc;
}

static int bound_value(dm_buf *out, char *const *lits, size_t n)
{
    if (!lits)
        return dm_buf_puts(out, "NULL");
    dm_buf j;
    dm_buf_init(&j);
    int rc = load_bound_to_json(&j, lits, n);
    if (!rc)
        rc = load_quote_bytes(out, j.data, j.len);
    dm_buf_fini(&j);
    return rc;
}

int load_checkpoint_plan_sql(dm_buf *out, const load_checkpoint *cp, const dump_table *tables,
                             const dump_chunk *chunks, size_t n)
{
    int rc = dm_buf_printf(out, "INSERT INTO %s (id, cp_schema, cp_table, chunk_id, range_lower, "
                                "range_upper, status) VALUES ",
                           cp->table);
    for (size_t i = 0; !rc && i < n; i++) {
        const dump_chunk *c = &chunks[i];
        const dump_table *t = &tables[c->table];
        const char *const sep[3] = {i ? ",(" : "(", ",", ","};
        rc = chunk_ids(out, cp, t, sep);
        if (!rc)
            rc = dm_buf_printf(out, ",%" PRIu32 ",", c->chunk_id);
        if (!rc)
            rc = bound_value(out, c->lower, t->n_key);
        if (!rc)
            rc = dm_buf_putc(out, ',');
        if (!rc)
            rc = bound_value(out, c->upper, t->n_key);
        if (!rc)
            rc = dm_buf_puts(out, ",'pending')");
    }
    return rc;
}

// down_error turns a downstream failure into the error the caller sees: retryable errors
// keep their code; others name the table and the statement.
static int down_error(dm_err *err, int rc, const dump_table *t)
{
    if (rc != DM_ERR_DB_RETRYABLE && rc != DM_ERR_NOMEM) {
        if (err)
            err->code = LOAD_ERR_EXEC;
        rc = LOAD_ERR_EXEC;
        dm_err_prefix(err, "loading `%s`.`%s` into `%s`.`%s`", t->schema, t->table,
                      t->target_schema ? t->target_schema : t->schema,
                      t->target_table ? t->target_table : t->table);
        dm_err_workaround(err, "fix the downstream table (or the task's routes), then run the "
                               "subtask again: finished chunks are kept");
    }
    if (err)
        err->scope = DM_ERR_SCOPE_DOWNSTREAM;
    return rc;
}

int load_method_parse(load_method *out, const char *text, dm_err *err)
{
    if (text && !strcmp(text, "insert")) {
        *out = LOAD_METHOD_INSERT;
        return 0;
    }
    if (text && !strcmp(text, "load-data")) {
        *out = LOAD_METHOD_LOAD_DATA;
        return 0;
    }
    return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                      "unknown load method '%s' (want insert or load-data)", text ? text : "");
}

int load_tsv_field(dm_buf *out, const char *val, size_t len)
{
    return val ? escape_bytes(out, val, len, tsv_esc) : dm_buf_append(out, "\\N", 2);
}

// via_var tells whether LOAD DATA must assign column c through a user variable and SET:
// BIT columns (LOAD DATA would store the digits' bytes) and AUTO_INCREMENT columns (with a
// SET clause present, MariaDB 10.11 generates a new value for a loaded 0 even under
// NO_AUTO_VALUE_ON_ZERO; through SET the 0 is kept).
static bool via_var(const dump_column *c) { return c->read == DUMP_COL_BIT || c->auto_increment; }

int load_data_sql(dm_buf *out, const dump_table *t, load_dup dup)
{
    int rc = dm_buf_puts(out, dup == LOAD_DUP_REPLACE  ? "LOAD DATA LOCAL INFILE 'chunk' REPLACE INTO TABLE "
                              : dup == LOAD_DUP_IGNORE ? "LOAD DATA LOCAL INFILE 'chunk' IGNORE INTO TABLE "
                                                       : "LOAD DATA LOCAL INFILE 'chunk' INTO TABLE ");
    bool vars = false;
    if (!rc)
        rc = target_qname(out, t);
    if (!rc)
        rc = dm_buf_puts(out, " CHARACTER SET binary FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' "
                              "LINES TERMINATED BY '\\n' (");
    for (size_t i = 0; !rc && i < t->n_cols; i++) {
        if (i)
            rc = dm_buf_putc(out, ',');
        if (rc)
            break;
        if (via_var(&t->cols[i])) {
            rc = dm_buf_printf(out, "@v%zu", i);
            vars = true;
        } else {
            rc = dump_quote_ident(out, t->cols[i].name);
        }
    }
    if (!rc)
        rc = dm_buf_putc(out, ')');
    if (!rc && vars) {
        bool first = true;
        rc = dm_buf_puts(out, " SET ");
        for (size_t i = 0; !rc && i < t->n_cols; i++) {
            if (!via_var(&t->cols[i]))
                continue;
            if (!first)
                rc = dm_buf_putc(out, ',');
            first = false;
            if (!rc)
                rc = dump_quote_ident(out, t->cols[i].name);
            if (!rc)
                rc = t->cols[i].read == DUMP_COL_BIT ? dm_buf_printf(out, " = CAST(@v%zu AS UNSIGNED)", i)
                                                     : dm_buf_printf(out, " = @v%zu", i);
        }
    }
    return rc;
}

// infile streams the rows of a chunk's result set to the server as LOAD DATA text.
typedef struct infile {
    MYSQL *up;
    MYSQL_RES *r;
    unsigned nf;
    dm_buf pending;
    size_t off;
    uint64_t rows, bytes;
    bool eof;
    int rc;         // DUMP_ERR_READ / DM_ERR_DB_RETRYABLE / DM_ERR_NOMEM when feeding failed
    dm_err err;
} infile;

static int infile_init(void **ptr, const char *name, void *userdata)
{
    *ptr = userdata;
    return 0;
}

static int infile_read(void *ptr, char *buf, unsigned int size)
{
    infile *f = ptr;
    while (f->pending.len - f->off < size && !f->eof) {
        MYSQL_ROW row = mysql_fetch_row(f->r);
        if (!row) {
            f->eof = true;
            if (mysql_errno(f->up)) {
                f->rc = dm_mysql_error(&f->err, f->up, DUMP_ERR_READ, "reading a chunk upstream");
                f->err.scope = DM_ERR_SCOPE_UPSTREAM;
                return -1;
            }
            break;
        }
        if (f->off > 0 && f->off == f->pending.len) {
            f->pending.len = f->off = 0;
        }
        unsigned long *len = mysql_fetch_lengths(f->r);
        for (unsigned i = 0; i < f->nf; i++) {
            if ((i && dm_buf_putc(&f->pending, '\t')) || load_tsv_field(&f->pending, row[i], len[i])) {
                f->rc = dm_err_set(&f->err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
                return -1;
            }
        }
        if (dm_buf_putc(&f->pending, '\n')) {
            f->rc = dm_err_set(&f->err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
            return -1;
        }
        f->rows++;
    }
    size_t n = f->pending.len - f->off;
    if (n == 0)
        return 0; // the chunk is over (an empty chunk has no buffer at all)
    if (n > size)
        n = size;
    memcpy(buf, f->pending.data + f->off, n);
    f->off += n;
    f->bytes += n;
    if (f->off == f->pending.len)
        f->pending.len = f->off = 0;
    return (int)n;
}

static void infile_end(void *ptr) { (void)ptr; }

static int infile_error(void *ptr, char *msg, unsigned int len)
{
    infile *f = ptr;
    snprintf(msg, len, "%s", f->rc ? f->err.message : "reading the chunk failed");
    return f->rc ? 2000 : 0;
}

int load_chunk(load_result *out, MYSQL *up, MYSQL *down, const dump_table *t, const dump_chunk *c,
               const dump_pos *pos, const load_opts *opts, dm_err *err)
{
    int rc = 0;
    dm_buf sel, ins;
    MYSQL_RES *r = NULL;
    bool in_txn = false;
    size_t head_len;
    size_t limit = opts && opts->statement_size ? opts->statement_size : 1000000;
    uint64_t rows = 0, bytes = 0, rows_in_stmt = 0;

    memset(out, 0, sizeof(*out));
    dm_buf_init(&sel);
    dm_buf_init(&ins);
    if (dump_select_sql(&sel, t, c) || load_insert_head(&ins, t, opts->dup)) {
        rc = nomem(err);
        goto done;
    }
    head_len = ins.len;
    if (mysql_real_query(up, sel.data, sel.len) || !(r = mysql_use_result(up))) {
        rc = dm_mysql_error(err, up, DUMP_ERR_READ, "reading a chunk upstream");
        dm_err_prefix(err, "`%s`.`%s` chunk %" PRIu32 ": %.200s", t->schema, t->table, c->chunk_id, sel.data);
        if (err)
            err->scope = DM_ERR_SCOPE_UPSTREAM;
        goto done;
    }
    unsigned nf = mysql_num_fields(r);
    MYSQL_FIELD *fields = mysql_fetch_fields(r);
    if (nf != t->n_cols) {
        rc = dm_err_set(err, DUMP_ERR_READ, DM_ERR_SCOPE_UPSTREAM,
                        "`%s`.`%s`: read %u columns, expected %zu", t->schema, t->table, nf, t->n_cols);
        goto done;
    }
    if ((rc = dm_mysql_exec(down, "START TRANSACTION", err))) {
        rc = down_error(err, rc, t);
        goto done;
    }
    in_txn = true;
    if (opts && opts->method == LOAD_METHOD_LOAD_DATA) {
        infile f = {.up = up, .r = r, .nf = nf};
        dm_buf_init(&f.pending);
        dm_buf_reset(&ins);
        if (load_data_sql(&ins, t, opts->dup)) {
            dm_buf_fini(&f.pending);
            rc = nomem(err);
            goto done;
        }
        mysql_set_local_infile_handler(down, infile_init, infile_read, infile_end, infile_error, &f);
        rc = dm_mysql_exec(down, ins.data, err);
        mysql_set_local_infile_default(down);
        dm_buf_fini(&f.pending);
        rows = f.rows;
        bytes = f.bytes;
        if (f.rc) {
            // The upstream side failed while feeding: report that, not the server's echo.
            if (err)
                *err = f.err;
            rc = f.rc;
            dm_err_prefix(err, "`%s`.`%s` chunk %" PRIu32, t->schema, t->table, c->chunk_id);
            goto done;
        }
        if (rc) {
            rc = down_error(err, rc, t);
            goto done;
        }
        goto rows_done;
    }
    MYSQL_ROW row;
    while ((row = mysql_fetch_row(r))) {
        unsigned long *len = mysql_fetch_lengths(r);
        if ((rc = dm_buf_puts(&ins, rows_in_stmt ? ",(" : "("))) {
            rc = nomem(err);
            goto done;
        }
        for (unsigned i = 0; i < nf; i++) {
            if ((i && dm_buf_putc(&ins, ',')) || load_render_value(&ins, fields[i].type, row[i], len[i])) {
                rc = nomem(err);
                goto done;
            }
        }
        if (dm_buf_putc(&ins, ')')) {
            rc = nomem(err);
            goto done;
        }
        rows++;
        rows_in_stmt++;
        if (ins.len >= limit) {
            if ((rc = dm_mysql_exec(down, ins.data, err))) {
                rc = down_error(err, rc, t);
                goto done;
            }
            bytes += ins.len;
            ins.len = head_len;
            ins.data[ins.len] = '\0';
            rows_in_stmt = 0;
        }
    }
    if (mysql_errno(up)) {
        rc = dm_mysql_error(err, up, DUMP_ERR_READ, "reading a chunk upstream");
        dm_err_prefix(err, "`%s`.`%s` chunk %" PRIu32, t->schema, t->table, c->chunk_id);
        if (err)
            err->scope = DM_ERR_SCOPE_UPSTREAM;
        goto done;
    }
    if (rows_in_stmt) {
        if ((rc = dm_mysql_exec(down, ins.data, err))) {
            rc = down_error(err, rc, t);
            goto done;
        }
        bytes += ins.len;
    }
rows_done:
    if (opts && opts->checkpoint) {
        dm_buf_reset(&ins);
        if (load_checkpoint_finish_sql(&ins, opts->checkpoint, t, c, rows, pos)) {
            rc = nomem(err);
            goto done;
        }
        // dm_mysql_exec drains results with mysql_next_result, which forgets the affected
        // row count: run this one directly.
        if (mysql_real_query(down, ins.data, ins.len)) {
            rc = dm_mysql_error(err, down, DM_ERR_DB, "marking the chunk finished failed");
            rc = down_error(err, rc, t);
            goto done;
        }
        if (mysql_affected_rows(down) != 1) {
            rc = dm_err_set(err, LOAD_ERR_TAKEN, DM_ERR_SCOPE_DOWNSTREAM,
                            "`%s`.`%s` chunk %" PRIu32 " is already finished or missing in %s",
                            t->schema, t->table, c->chunk_id, opts->checkpoint->table);
            goto done;
        }
    }
    if ((rc = dm_mysql_exec(down, "COMMIT", err))) {
        rc = down_error(err, rc, t);
        goto done;
    }
    in_txn = false;
    out->rows = rows;
    out->bytes = bytes;
done:
    if (in_txn)
        mysql_real_query(down, "ROLLBACK", 8);
    if (r)
        mysql_free_result(r);
    dm_buf_fini(&sel);
    dm_buf_fini(&ins);
    return rc;
}
