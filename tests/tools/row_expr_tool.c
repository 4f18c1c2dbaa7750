// row_expr_tool: evaluates expressions (row_expr) over the rows a binlog file inserted into
// one table, for the differential test against a real server
// (tests/integration/test_row_expr_mariadb.sh).
//
//   row_expr_tool BINLOG_FILE TABLE EXPR_FILE
//
// The table's column names and ENUM/SET member names come from the binlog's TABLE_MAP
// metadata (MariaDB binlog_row_metadata=FULL). For each line of EXPR_FILE it prints one line: the result of
// the expression for each inserted row of TABLE (in binlog order), separated by blanks:
// T (TRUE), F (FALSE), N (NULL) or E (an error; the message goes to stderr). A parse or bind
// error prints E for every row.
//
// Exit status: 0 on success, 1 on an error reading the binlog, 2 on usage.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binlog.h"
#include "dm_buf.h"
#include "row_expr.h"

#define TOOL_MAX_ROWS 64

typedef struct tool_rows {
    binlog_value *vals[TOOL_MAX_ROWS]; // copies of the after images
    dm_buf bytes[TOOL_MAX_ROWS];       // the bytes the copies point into
    size_t n_rows;
    size_t n_cols;
    char **names;
    binlog_str **members;  // per column: ENUM/SET member names from the TABLE_MAP
    size_t *n_members;
    dm_buf member_bytes;
} tool_rows;

static int read_file(dm_buf *out, const char *path)
{
    char chunk[65536];
    size_t n;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (dm_buf_append(out, chunk, n) != 0) {
            fclose(f);
            return -1;
        }
    fclose(f);
    return 0;
}

// keep_row copies an after image, re-pointing its byte strings into an owned buffer.
static int keep_row(tool_rows *rows, const binlog_value *vals, size_t n)
{
    size_t k = rows->n_rows;
    dm_buf *b = &rows->bytes[k];
    if (k == TOOL_MAX_ROWS)
        return -1;
    rows->vals[k] = calloc(n, sizeof(binlog_value));
    if (!rows->vals[k])
        return -1;
    dm_buf_init(b);
    for (size_t i = 0; i < n; i++)
        if (vals[i].str.len && dm_buf_append(b, vals[i].str.ptr, vals[i].str.len) != 0)
            return -1;
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        rows->vals[k][i] = vals[i];
        if (vals[i].str.len) {
            rows->vals[k][i].str.ptr = b->data + off;
            off += vals[i].str.len;
        }
    }
    rows->n_rows++;
    return 0;
}

// keep_columns copies the column names and ENUM/SET member names of tm.
static int keep_columns(tool_rows *rows, const binlog_table_map *tm, dm_err *err)
{
    size_t n = tm->column_count, total = 0, off = 0;
    rows->n_cols = n;
    rows->names = calloc(n, sizeof(char *));
    rows->members = calloc(n, sizeof(binlog_str *));
    rows->n_members = calloc(n, sizeof(size_t));
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < tm->columns[i].n_values; k++)
            total += tm->columns[i].values[k].len;
    if (!rows->names || !rows->members || !rows->n_members ||
        dm_buf_reserve(&rows->member_bytes, total + 1) != 0)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const binlog_column *col = &tm->columns[i];
        rows->names[i] = strndup(col->name.ptr ? col->name.ptr : "", col->name.len);
        if (!rows->names[i])
            return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        if (!col->n_values)
            continue;
        rows->members[i] = calloc(col->n_values, sizeof(binlog_str));
        if (!rows->members[i])
            return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        rows->n_members[i] = col->n_values;
        for (size_t k = 0; k < col->n_values; k++) {
            dm_buf_append(&rows->member_bytes, col->values[k].ptr, col->values[k].len);
            rows->members[i][k].ptr = rows->member_bytes.data + off;
            rows->members[i][k].len = col->values[k].len;
            off += col->values[k].len;
        }
    }
    return 0;
}

// bind_all binds e to the table's names and ENUM/SET members.
static int bind_all(row_expr *e, const tool_rows *rows, dm_err *err)
{
    int rc = row_expr_bind(e, (const char *const *)rows->names, rows->n_cols, err);
    for (size_t i = 0; rc == 0 && i < rows->n_cols; i++)
        if (rows->n_members[i])
            rc = row_expr_bind_members(e, i, rows->members[i], rows->n_members[i], err);
    return rc;
}

static int load_rows(tool_rows *rows, const char *path, const char *table, dm_err *err)
{
    dm_buf file, scratch;
    binlog_fde fde;
    binlog_table_map *tm = NULL;
    binlog_row row;
    int rc = 0;
    size_t pos = BINLOG_MAGIC_LEN;
    dm_buf_init(&file);
    dm_buf_init(&scratch);
    binlog_row_init(&row);
    binlog_fde_init_default(&fde, BINLOG_FLAVOR_MARIADB, BINLOG_CHECKSUM_OFF);
    if (read_file(&file, path) != 0 || file.len < BINLOG_MAGIC_LEN) {
        rc = dm_err_set(err, DM_ERR_IO, DM_ERR_SCOPE_INTERNAL, "cannot read binlog %s", path);
        goto done;
    }
    while (pos < file.len) {
        binlog_event ev;
        const uint8_t *p = (const uint8_t *)file.data + pos;
        if ((rc = binlog_event_parse(&ev, &fde, p, file.len - pos, pos, 0, err)) != 0)
            goto done;
        uint8_t type = ev.header.type;
        if (type == BINLOG_FORMAT_DESCRIPTION_EVENT) {
            if ((rc = binlog_fde_decode(&fde, p, file.len - pos, err)) != 0)
                goto done;
        } else if (type == BINLOG_TABLE_MAP_EVENT) {
            binlog_table_map *m = NULL;
            if ((rc = binlog_table_map_decode(&m, &fde, &ev, err)) != 0)
                goto done;
            if (strcmp(m->table.ptr, table) == 0) {
                binlog_table_map_destroy(tm);
                tm = m;
            } else {
                binlog_table_map_destroy(m);
            }
        } else if ((type == BINLOG_WRITE_ROWS_EVENT_V1 || type == BINLOG_WRITE_ROWS_EVENT) && tm) {
            binlog_rows rs;
            bool end = false;
            if ((rc = binlog_rows_decode(&rs, &fde, &ev, &scratch, err)) != 0)
                goto done;
            if (rs.table_id == tm->table_id) {
                for (;;) {
                    if ((rc = binlog_rows_next(&row, &end, &rs, tm, err)) != 0)
                        goto done;
                    if (end)
                        break;
                    if (keep_row(rows, row.after, row.column_count) != 0) {
                        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "too many rows");
                        goto done;
                    }
                }
                if (!rows->names && (rc = keep_columns(rows, tm, err)) != 0)
                    goto done;
            }
        }
        pos += ev.size;
    }
done:
    binlog_table_map_destroy(tm);
    binlog_row_fini(&row);
    dm_buf_fini(&scratch);
    dm_buf_fini(&file);
    return rc;
}

int main(int argc, char **argv)
{
    tool_rows rows;
    dm_err err;
    FILE *f;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int status = 0;
    if (argc != 4) {
        fprintf(stderr, "usage: row_expr_tool BINLOG_FILE TABLE EXPR_FILE\n");
        return 2;
    }
    memset(&rows, 0, sizeof(rows));
    if (load_rows(&rows, argv[1], argv[2], &err) != 0) {
        fprintf(stderr, "row_expr_tool: %s\n", err.message);
        return 1;
    }
    if (!(f = fopen(argv[3], "r"))) {
        fprintf(stderr, "row_expr_tool: cannot open %s\n", argv[3]);
        return 1;
    }
    while ((len = getline(&line, &cap, f)) >= 0) {
        row_expr *e = NULL;
        int rc;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        rc = row_expr_parse(&e, line, (size_t)len, &err);
        if (rc == 0)
            rc = bind_all(e, &rows, &err);
        if (rc)
            fprintf(stderr, "%s: %s\n", line, err.message);
        for (size_t r = 0; r < rows.n_rows; r++) {
            bool out = false;
            char res = 'E';
            if (rc == 0) {
                int erc = row_expr_eval(&out, e, rows.vals[r], rows.n_cols, &err);
                if (erc)
                    fprintf(stderr, "%s (row %zu): %s\n", line, r + 1, err.message);
                else if (out)
                    res = 'T';
                else {
                    // NULL or FALSE: tell them apart with IS NULL over the same row.
                    row_expr *isnull = NULL;
                    dm_buf t;
                    bool null = false;
                    dm_buf_init(&t);
                    if (dm_buf_printf(&t, "(%s\n) IS NULL", line) == 0 &&
                        row_expr_parse(&isnull, t.data, t.len, &err) == 0 &&
                        bind_all(isnull, &rows, &err) == 0 &&
                        row_expr_eval(&null, isnull, rows.vals[r], rows.n_cols, &err) == 0)
                        res = null ? 'N' : 'F';
                    row_expr_destroy(isnull);
                    dm_buf_fini(&t);
                }
            }
            printf("%s%c", r ? " " : "", res);
        }
        printf("\n");
        row_expr_destroy(e);
    }
    free(line);
    fclose(f);
    for (size_t r = 0; r < rows.n_rows; r++) {
        free(rows.vals[r]);
        dm_buf_fini(&rows.bytes[r]);
    }
    for (size_t i = 0; i < rows.n_cols; i++) {
        free(rows.names ? rows.names[i] : NULL);
        free(rows.members ? rows.members[i] : NULL);
    }
    free(rows.names);
    free(rows.members);
    free(rows.n_members);
    dm_buf_fini(&rows.member_bytes);
    return status;
}
