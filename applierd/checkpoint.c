// DESIGN: the global row moves only when every change before its location is committed
// (the sync unit writes it after all workers passed a marker); progress rows move with each
// worker's commits, inside the same transaction. Nothing here keeps state besides names, so
// any thread can write through its own connection. The table definition mirrors
// schemas/dm_meta.h's syncer checkpoint table.
#include "checkpoint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm_mysql.h"
#include "dm_meta.h"
#include "schema.h"

struct checkpoint {
    char *meta_schema, *task;
    char *qtable;    // `meta`.`task_syncer_checkpoint`
    char *source_id; // SQL string literal, quoted
};

static int split_file(const char *f, size_t *base_len, uint64_t *num)
{
    const char *dot = strrchr(f, '.');
    if (!dot || !dot[1])
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(dot + 1, &end, 10);
    if (*end || errno)
        return -1;
    *base_len = (size_t)(dot - f);
    *num = v;
    return 0;
}

int checkpoint_loc_cmp(const checkpoint_loc *a, const checkpoint_loc *b)
{
    if (!a->file[0] || !b->file[0])
        return (a->file[0] != 0) - (b->file[0] != 0);
    size_t la, lb;
    uint64_t na, nb;
    if (!split_file(a->file, &la, &na) && !split_file(b->file, &lb, &nb) && la == lb &&
        !memcmp(a->file, b->file, la)) {
        if (na != nb)
            return na < nb ? -1 : 1;
    } else {
        int c = strcmp(a->file, b->file);
        if (c)
            return c < 0 ? -1 : 1;
    }
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

int checkpoint_loc_parse(checkpoint_loc *out, const char *text, dm_err *err)
{
    memset(out, 0, sizeof *out);
    const char *colon = text ? strrchr(text, ':') : NULL;
    if (!colon || colon == text || (size_t)(colon - text) >= sizeof out->file || !colon[1])
        return dm_err_set(err, CHECKPOINT_ERR_BAD_LOC, DM_ERR_SCOPE_INTERNAL,
                          "binlog location \"%s\" is not file:pos", text ? text : "(null)");
    char *end;
    errno = 0;
    unsigned long long v = strtoull(colon + 1, &end, 10);
    if (*end || errno || colon[1] == '-')
        return dm_err_set(err, CHECKPOINT_ERR_BAD_LOC, DM_ERR_SCOPE_INTERNAL,
                          "binlog location \"%s\": position is not a number", text);
    memcpy(out->file, text, (size_t)(colon - text));
    out->pos = v;
    return 0;
}

bool checkpoint_needs_safe_mode(const checkpoint_loc *loc, const checkpoint_loc *exit_safe)
{
    return exit_safe->file[0] && checkpoint_loc_cmp(loc, exit_safe) <= 0;
}

// quote_str writes a string literal valid with and without NO_BACKSLASH_ESCAPES: bytes
// other than plain printable ASCII go as a hex literal.
static int quote_str(dm_buf *b, const char *s)
{
    bool plain = true;
    for (const char *p = s; *p; p++)
        if (*p == '\'' || *p == '\\' || (unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            plain = false;
    if (plain)
        return dm_buf_printf(b, "'%s'", s);
    if (!*s)
        return dm_buf_puts(b, "''");
    int rc = dm_buf_puts(b, "0x");
    for (const char *p = s; !rc && *p; p++)
        rc = dm_buf_printf(b, "%02x", (unsigned char)*p);
    return rc;
}

int checkpoint_create(checkpoint **out, const char *meta_schema, const char *task,
                      const char *source_id, dm_err *err)
{
    *out = NULL;
    if (!meta_schema || !*meta_schema || !task || !*task || !source_id || !*source_id ||
        strlen(task) + strlen("_syncer_checkpoint") > 64 || strlen(meta_schema) > 64 ||
        strlen(source_id) > 32)
        return dm_err_set(err, CHECKPOINT_ERR_NAME, DM_ERR_SCOPE_INTERNAL,
                          "checkpoint: meta schema \"%s\", task \"%s\" or source \"%s\" is empty "
                          "or too long", meta_schema ? meta_schema : "", task ? task : "",
                          source_id ? source_id : "");
    checkpoint *cp = calloc(1, sizeof *cp);
    dm_buf b;
    dm_buf_init(&b);
    int rc = !cp || !(cp->meta_schema = strdup(meta_schema)) || !(cp->task = strdup(task));
    if (!rc && (rc = dm_meta_qualified_name(&b, DM_META_SYNCER_CHECKPOINT, meta_schema, task, err))) {
        dm_buf_fini(&b);
        checkpoint_destroy(cp);
        return rc == DM_ERR_NOMEM ? rc : dm_err_set(err, CHECKPOINT_ERR_NAME, DM_ERR_SCOPE_INTERNAL,
                                                  "checkpoint: %s", err ? err->message : "bad name");
    }
    if (!rc && !(cp->qtable = dm_buf_detach(&b)))
        rc = 1;
    if (!rc)
        rc = quote_str(&b, source_id);
    if (!rc && !(cp->source_id = dm_buf_detach(&b)))
        rc = 1;
    dm_buf_fini(&b);
    if (rc) {
        checkpoint_destroy(cp);
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "checkpoint: out of memory");
    }
    *out = cp;
    return 0;
}

void checkpoint_destroy(checkpoint *cp)
{
    if (!cp)
        return;
    free(cp->qtable);
    free(cp->meta_schema);
    free(cp->task);
    free(cp->source_id);
    free(cp);
}

int checkpoint_prepare(const checkpoint *cp, MYSQL *conn, dm_err *err)
{
    dm_buf b;
    dm_buf_init(&b);
    int rc = dm_meta_create_schema_sql(&b, cp->meta_schema, err);
    if (!rc && !(rc = dm_mysql_exec(conn, b.data, err))) {
        dm_buf_reset(&b);
        if (!(rc = dm_meta_create_table_sql(&b, DM_META_SYNCER_CHECKPOINT, cp->meta_schema,
                                            cp->task, err)))
            rc = dm_mysql_exec(conn, b.data, err);
    }
    dm_buf_fini(&b);
    return rc;
}

static int row_loc(checkpoint_loc *out, const char *file, const char *pos, const char *gtid,
                   dm_err *err)
{
    memset(out, 0, sizeof *out);
    if (!file || !*file)
        return 0;
    if (strlen(file) >= sizeof out->file || (gtid && strlen(gtid) >= sizeof out->gtid))
        return dm_err_set(err, CHECKPOINT_ERR_BAD_ROW, DM_ERR_SCOPE_DOWNSTREAM,
                          "checkpoint row: binlog name or gtid too long");
    char *end;
    errno = 0;
    unsigned long long v = strtoull(pos ? pos : "", &end, 10);
    if (!pos || *end || errno)
        return dm_err_set(err, CHECKPOINT_ERR_BAD_ROW, DM_ERR_SCOPE_DOWNSTREAM,
                          "checkpoint row: bad position \"%s\" for %s", pos ? pos : "NULL", file);
    snprintf(out->file, sizeof out->file, "%s", file);
    out->pos = v;
    if (gtid)
        snprintf(out->gtid, sizeof out->gtid, "%s", gtid);
    return 0;
}

int checkpoint_load(checkpoint_state *out, const checkpoint *cp, MYSQL *conn, dm_err *err)
{
    memset(out, 0, sizeof *out);
    dm_buf b;
    dm_buf_init(&b);
    MYSQL_RES *res = NULL;
    int rc = dm_buf_printf(&b,
                           "SELECT is_global, binlog_name, binlog_pos, binlog_gtid, "
                           "exit_safe_binlog_name, exit_safe_binlog_pos, table_info FROM %s "
                           "WHERE id = %s",
                           cp->qtable, cp->source_id);
    if (rc) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "checkpoint: out of memory");
        goto done;
    }
    if ((rc = dm_mysql_query(&res, conn, b.data, err)))
        goto done;
    MYSQL_ROW row;
    while (res && (row = mysql_fetch_row(res))) {
        checkpoint_loc l;
        if (row[0] && atoi(row[0])) {
            if ((rc = row_loc(&out->global, row[1], row[2], row[3], err)))
                goto done;
            out->found = out->global.file[0] != 0;
            l = out->global;
            free(out->table_info);
            out->table_info = NULL;
            if (row[6] && strcmp(row[6], "{}") && !(out->table_info = strdup(row[6]))) {
                rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "checkpoint: out of memory");
                goto done;
            }
        } else if ((rc = row_loc(&l, row[4], row[5], NULL, err))) {
            goto done;
        }
        if (checkpoint_loc_cmp(&l, &out->exit_safe) > 0)
            out->exit_safe = l;
    }
done:
    if (res)
        mysql_free_result(res);
    dm_buf_fini(&b);
    if (rc)
        checkpoint_state_fini(out);
    return rc;
}

void checkpoint_state_fini(checkpoint_state *st)
{
    if (!st)
        return;
    free(st->table_info);
    st->table_info = NULL;
}

// upsert_sql appends the upsert of row (db, table) at loc; table_info NULL writes '{}' on
// insert and keeps the stored value on update.
static int upsert_sql(dm_buf *out, const checkpoint *cp, const char *db, const char *table,
                      const checkpoint_loc *loc, const char *table_info, bool global,
                      dm_err *err)
{
    int rc = dm_buf_printf(out,
                           "INSERT INTO %s (id, cp_schema, cp_table, binlog_name, binlog_pos, "
                           "binlog_gtid, table_info, is_global) VALUES (%s, ",
                           cp->qtable, cp->source_id);
    if (!rc)
        rc = quote_str(out, db);
    if (!rc)
        rc = dm_buf_puts(out, ", ");
    if (!rc)
        rc = quote_str(out, table);
    if (!rc)
        rc = dm_buf_puts(out, ", ");
    if (!rc)
        rc = quote_str(out, loc->file);
    if (!rc)
        rc = dm_buf_printf(out, ", %llu, ", (unsigned long long)loc->pos);
    if (!rc)
        rc = quote_str(out, loc->gtid);
    if (!rc)
        rc = dm_buf_puts(out, ", ");
    if (!rc)
        rc = table_info ? quote_str(out, table_info) : dm_buf_puts(out, "'{}'");
    if (!rc)
        rc = dm_buf_printf(out, ", %d) ON DUPLICATE KEY UPDATE binlog_name = "
                                "VALUES(binlog_name), binlog_pos = VALUES(binlog_pos), "
                                "binlog_gtid = VALUES(binlog_gtid)",
                           global ? 1 : 0);
    if (!rc && table_info)
        rc = dm_buf_puts(out, ", table_info = VALUES(table_info)");
    return rc ? dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "checkpoint: out of memory")
              : 0;
}

int checkpoint_global_sql(dm_buf *out, const checkpoint *cp, const checkpoint_loc *loc,
                          const char *table_info, dm_err *err)
{
    return upsert_sql(out, cp, "", "", loc, table_info, true, err);
}

int checkpoint_progress_sql(dm_buf *out, const checkpoint *cp, unsigned worker,
                            const checkpoint_loc *loc, dm_err *err)
{
    int rc = dm_buf_printf(out,
                           "INSERT INTO %s (id, cp_schema, cp_table, exit_safe_binlog_name, "
                           "exit_safe_binlog_pos, table_info, is_global) VALUES (%s, '', "
                           "'#worker-%u', ",
                           cp->qtable, cp->source_id, worker);
    if (!rc)
        rc = quote_str(out, loc->file);
    if (!rc)
        rc = dm_buf_printf(out,
                           ", %llu, '{}', 0) ON DUPLICATE KEY UPDATE exit_safe_binlog_name = "
                           "VALUES(exit_safe_binlog_name), exit_safe_binlog_pos = "
                           "VALUES(exit_safe_binlog_pos)",
                           (unsigned long long)loc->pos);
    return rc ? dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "checkpoint: out of memory")
              : 0;
}

int checkpoint_table_sql(dm_buf *out, const checkpoint *cp, const char *db, const char *table,
                         const checkpoint_loc *loc, const char *table_info, dm_err *err)
{
    if (table_info)
        return upsert_sql(out, cp, db, table, loc, table_info, false, err);
    int rc = dm_buf_printf(out, "DELETE FROM %s WHERE id = %s AND cp_schema = ", cp->qtable,
                           cp->source_id);
    if (!rc)
        rc = quote_str(out, db);
    if (!rc)
        rc = dm_buf_puts(out, " AND cp_table = ");
    if (!rc)
        rc = quote_str(out, table);
    return rc ? dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "checkpoint: out of memory")
              : 0;
}

int checkpoint_save_global(const checkpoint *cp, MYSQL *conn, const checkpoint_loc *loc,
                           const char *table_info, dm_err *err)
{
    dm_buf b;
    dm_buf_init(&b);
    int rc = checkpoint_global_sql(&b, cp, loc, table_info, err);
    if (!rc)
        rc = dm_mysql_exec(conn, b.data, err);
    dm_buf_fini(&b);
    return rc;
}

int checkpoint_clear(const checkpoint *cp, MYSQL *conn, dm_err *err)
{
    dm_buf b;
    dm_buf_init(&b);
    int rc = dm_buf_printf(&b, "DELETE FROM %s WHERE id = %s", cp->qtable, cp->source_id);
    rc = rc ? dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "checkpoint: out of memory")
            : dm_mysql_exec(conn, b.data, err);
    dm_buf_fini(&b);
    return rc;
}

// online_table appends `meta`.`<task>_onlineddl`.
static int online_table(dm_buf *b, const checkpoint *cp, dm_err *err)
{
    return dm_meta_qualified_name(b, DM_META_ONLINEDDL, cp->meta_schema, cp->task, err);
}

int checkpoint_online_load(const checkpoint *cp, MYSQL *conn, checkpoint_online_fn fn, void *arg, dm_err *err)
{
    dm_buf b;
    dm_buf_init(&b);
    MYSQL_RES *res = NULL;
    int rc;
    if ((rc = dm_meta_create_table_sql(&b, DM_META_ONLINEDDL, cp->meta_schema, cp->task, err)) ||
        (rc = dm_mysql_exec(conn, b.data, err)))
        goto done;
    dm_buf_reset(&b);
    if (dm_buf_puts(&b, "SELECT ghost_schema, ghost_table, ddls FROM ") || (rc = online_table(&b, cp, err)) ||
        dm_buf_printf(&b, " WHERE id = %s", cp->source_id)) {
        rc = rc ? rc : dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "checkpoint: out of memory");
        goto done;
    }
    if ((rc = dm_mysql_query(&res, conn, b.data, err)))
        goto done;
    MYSQL_ROW row;
    while (res && (row = mysql_fetch_row(res)))
        if ((rc = fn(arg, row[0] ? row[0] : "", row[1] ? row[1] : "", row[2] ? row[2] : "[]", err)))
            goto done;
done:
    if (res)
        mysql_free_result(res);
    dm_buf_fini(&b);
    return rc;
}

int checkpoint_online_sql(dm_buf *out, const checkpoint *cp, const char *schema, const char *table, const char *ddls,
                          dm_err *err)
{
    int rc = 0;
    if (ddls) {
        if (dm_buf_puts(out, "REPLACE INTO ") || (rc = online_table(out, cp, err)) ||
            dm_buf_printf(out, " (id, ghost_schema, ghost_table, ddls) VALUES (%s, ", cp->source_id) ||
            quote_str(out, schema) || dm_buf_puts(out, ", ") || quote_str(out, table) || dm_buf_puts(out, ", ") ||
            quote_str(out, ddls) || dm_buf_puts(out, ")"))
            goto nomem;
        return 0;
    }
    if (dm_buf_puts(out, "DELETE FROM ") || (rc = online_table(out, cp, err)) ||
        dm_buf_printf(out, " WHERE id = %s AND ghost_schema = ", cp->source_id) || quote_str(out, schema) ||
        dm_buf_puts(out, " AND ghost_table = ") || quote_str(out, table))
        goto nomem;
    return 0;
nomem:
    return rc ? rc : dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "checkpoint: out of memory");
}
