// dml: row changes and the SQL that applies them downstream.
//
// The sync unit turns every decoded row of a rows event into a dml_change: the kind
// (insert, update, delete), the downstream table it goes to (a dml_table: quoted name,
// column names, the key rows are identified by) and each column value already rendered as a
// SQL literal (binlog_value_to_sql), so a change owns its bytes and outlives the event it
// came from. Workers then render batches of changes with dml_render:
// - INSERT INTO t (cols) VALUES (...),(...): consecutive inserts into one table merge into
//   one multi-row statement; columns are always named, so downstream tables with extra
//   nullable/default columns work.
// - UPDATE t SET every column WHERE key LIMIT 1, DELETE FROM t WHERE key LIMIT 1; consecutive
//   deletes by a key merge into DELETE ... WHERE (k...) IN ((...),(...)).
// - The key is the primary key, else the first unique key whose columns are NOT NULL, else
//   every column (NULL compared with IS NULL) with LIMIT 1 (dml_key_select).
// - Safe mode (idempotent replay): inserts become REPLACE; an update that changes the key
//   becomes DELETE of the old key then REPLACE of the new row; one that keeps it, REPLACE.
//
// A dml_table and the changes pointing to it are immutable after creation and may be read
// by several threads; the caller keeps the table alive while changes refer to it.
//
// Error codes (sync class):
//   DML_ERR_BAD_ROW 36001  a row that cannot be applied (column count differs from the
//                          table's, value missing from the image a statement needs)
#ifndef DML_H
#define DML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "binlog.h"
#include "dm_buf.h"
#include "dm_err.h"

#define DML_ERR_BAD_ROW 36001

typedef enum dml_kind {
    DML_INSERT = 1,
    DML_UPDATE,
    DML_DELETE,
} dml_kind;

typedef enum dml_key_kind {
    DML_KEY_NONE = 0, // no usable key: rows are matched on every column
    DML_KEY_PRIMARY,
    DML_KEY_UNIQUE,   // a unique key whose columns are all NOT NULL
} dml_key_kind;

// A candidate key as the schema describes it (dml_key_select input).
typedef struct dml_key_cand {
    bool primary;
    bool unique;
    bool all_not_null;  // every column of the key is NOT NULL
    bool has_prefix;    // some part is a prefix (col(10)): cannot identify a row
    size_t n_cols;
    const uint32_t *cols; // column indexes in the table
} dml_key_cand;

// dml_key_select returns the index of the key rows should be identified by: the primary
// key, else the first unique key with NOT NULL columns and no prefix parts; -1 when none.
int dml_key_select(const dml_key_cand *cands, size_t n);

typedef struct dml_ukey {
    size_t n_cols;
    uint32_t *cols;
} dml_ukey;

typedef struct dml_table {
    char *schema, *table; // downstream names, unquoted
    char *qname;          // `schema`.`table`
    uint32_t n_cols;
    char **cols;          // quoted column names, in binlog column order
    dml_key_kind key_kind;
    dml_ukey key;         // the handle key (n_cols 0 with DML_KEY_NONE)
    size_t n_ukeys;       // unique keys for causality (handle key first), NOT NULL or not
    dml_ukey *ukeys;
} dml_table;

// dml_table_create makes a table description for the downstream table schema.table with
// n_cols columns named names[i] (unquoted). keys/n_keys are the candidate keys (may be
// NULL/0); the handle key is chosen with dml_key_select and every unique key is kept for
// causality. Errors: DM_ERR_INVALID_ARG (a key column out of range), DM_ERR_NOMEM.
int dml_table_create(dml_table **out, const char *schema, const char *table, uint32_t n_cols,
                     const char *const *names, const dml_key_cand *keys, size_t n_keys,
                     dm_err *err);
// dml_table_destroy frees t; NULL accepted.
void dml_table_destroy(dml_table *t);

typedef struct dml_change {
    struct dml_change *next; // free for the caller's queues
    const dml_table *table;
    dml_kind kind;
    uint32_t n;              // columns
    // free for the caller: location tag (file id, start and end offset of the event), safe mode
    uint32_t loc_file;
    uint64_t loc_start;
    uint64_t loc_pos;
    bool safe;
    // private: 2n+1 offsets into text_ (before values, after values, end); an empty literal
    // means the column is not in that image
    uint32_t *off_;
    char *text_;
} dml_change;

// dml_change_create renders a row into a new change (free with free()). before is NULL for
// inserts, after NULL for deletes; cols (may be NULL) gives ENUM names to the renderer.
// Values of kind ABSENT stay absent. scratch is a work buffer. Errors: DML_ERR_BAD_ROW
// (n differs from t->n_cols, a JSON_DIFF value), DM_ERR_NOMEM.
int dml_change_create(dml_change **out, const dml_table *t, dml_kind kind, uint32_t n,
                      const binlog_value *before, const binlog_value *after,
                      const binlog_column *cols, dm_buf *scratch, dm_err *err);

// dml_change_value returns column i's literal of the before (after=false) or after image and
// its length in *len; NULL when absent.
const char *dml_change_value(const dml_change *c, bool after, uint32_t i, size_t *len);

// dml_change_key appends the causality key of unique key k of c's before or after image:
// qname, key number and literals. Returns false (appending nothing) when the image lacks a
// value of that key or a value is NULL (NULLs never conflict). Errors only as NOMEM via rc.
bool dml_change_key(dm_buf *out, const dml_change *c, size_t k, bool after, int *rc);

// dml_change_key_changed tells whether an update changes the values of its handle key (every
// column for keyless tables).
bool dml_change_key_changed(const dml_change *c);

// dml_compact merges, in place, the changes of one batch (applied in one downstream
// transaction, in order) that touch the same row: INSERT then UPDATE becomes an INSERT of the
// final row, UPDATE then UPDATE the last UPDATE, INSERT or UPDATE then DELETE the DELETE.
// Only rows of tables whose one unique key is the handle key (so no other change of the
// batch can conflict with the row's intermediate state), updates that keep the key, and
// changes with full after images are merged. A merged change is safe when any of its parts
// was and keeps the later change's location. Dropped changes are freed; *n is updated and
// the order of the others kept. The changes must belong to the caller alone (a merged
// UPDATE may become an INSERT). Errors: DM_ERR_NOMEM (then nothing was changed).
int dml_compact(dml_change **changes, size_t *n, dm_err *err);

// dml_render appends one statement for changes[0..n) to out (reset first) and stores how
// many changes it consumed in *consumed. *half carries the state of a safe-mode update that
// changes its key across two calls (DELETE then REPLACE): start with false. max_bytes bounds
// multi-row statements (at least one row is always written). Errors: DML_ERR_BAD_ROW (a
// value the statement needs is absent), DM_ERR_NOMEM.
int dml_render(dm_buf *out, size_t *consumed, bool *half, dml_change *const *changes, size_t n,
               bool safe, size_t max_bytes, dm_err *err);

#endif
