// dump: the dump unit of applierd. It takes one consistent snapshot of the upstream across N
// connections at a known binlog position and GTID set, describes the tables to migrate
// (columns, chunking key, CREATE statements) and cuts every table into chunks, each a key
// range read from a snapshot connection by the load unit.
//
// Threading: a dump_snapshot is used by one thread per connection: connection i only from
// the thread that owns it (dump_snapshot_conn). Plans and table descriptions are plain data,
// built by one thread and read-only afterwards.
//
// Error codes (dump class, 32001-33999):
//   DUMP_ERR_SNAPSHOT 32001   the consistent snapshot could not be taken (FTWRL, START
//                             TRANSACTION WITH CONSISTENT SNAPSHOT, position read failed) or
//                             the connections disagree on the position
//   DUMP_ERR_TABLE    32002   a table could not be described (columns, keys, SHOW CREATE)
//   DUMP_ERR_PLAN     32003   a table could not be cut into chunks (key bounds query failed,
//                             a stored plan does not fit the table any more)
//   DUMP_ERR_READ     32004   reading a chunk's rows failed
#ifndef DUMP_H
#define DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mysql.h>

#include "dm_buf.h"
#include "dm_err.h"
#include "dm_mysql.h"

#define DUMP_ERR_SNAPSHOT 32001
#define DUMP_ERR_TABLE 32002
#define DUMP_ERR_PLAN 32003
#define DUMP_ERR_READ 32004

// A binlog location: file, position and the GTID set executed up to it.
typedef struct dump_pos {
    char file[256];
    uint64_t pos;
    char *gtid; // owned; "" when the server has no GTID
} dump_pos;

// dump_pos_fini frees p's GTID and clears p. p may be NULL.
void dump_pos_fini(dump_pos *p);

// ---------------------------------------------------------------------------------------
// Snapshot

typedef struct dump_snapshot dump_snapshot;

// dump_snapshot_open connects n (>= 1) connections to the upstream and starts one
// consistent snapshot on all of them: a control connection takes FLUSH TABLES WITH READ LOCK,
// reads the binlog position (SHOW MASTER STATUS) and GTID set (@@gtid_binlog_pos on
// MariaDB, @@gtid_executed on MySQL), every connection runs START TRANSACTION WITH
// CONSISTENT SNAPSHOT (REPEATABLE READ), then the lock is released. On MariaDB each
// connection's Binlog_snapshot_file/position is checked against the position read under the
// lock. Data connections use character set binary and time_zone '+00:00' so values come
// back as stored. *out receives the snapshot (caller destroys). Errors: DM_ERR_DB_CONNECT,
// DUMP_ERR_SNAPSHOT, DM_ERR_DB_RETRYABLE, DM_ERR_NOMEM; the lock is never left held.
int dump_snapshot_open(dump_snapshot **out, const dm_mysql_params *params, size_t n, dm_err *err);

// dump_snapshot_tables gives the base tables outside the system schemas as they were at the
// snapshot (listed by dump_list_tables under the snapshot's lock): *out is an array of 2*n
// strings (schema, table), borrowed from s.
void dump_snapshot_tables(const char *const **out, size_t *n, const dump_snapshot *s);

// dump_snapshot_destroy closes every connection. s may be NULL.
void dump_snapshot_destroy(dump_snapshot *s);

// dump_snapshot_count returns the number of connections.
size_t dump_snapshot_count(const dump_snapshot *s);

// dump_snapshot_conn returns connection i (borrowed), NULL when out of range.
MYSQL *dump_snapshot_conn(dump_snapshot *s, size_t i);

// dump_snapshot_pos returns the snapshot's position (borrowed; connection i may have been
// reopened at a later position: see dump_snapshot_conn_pos).
const dump_pos *dump_snapshot_pos(const dump_snapshot *s);

// dump_snapshot_conn_pos returns the position connection i reads at.
const dump_pos *dump_snapshot_conn_pos(const dump_snapshot *s, size_t i);

// dump_snapshot_reopen replaces connection i (after it was lost) by a new connection with a
// new snapshot, taken with the same lock protocol; its position is later than the
// snapshot's and is what dump_snapshot_conn_pos(i) returns afterwards. Only the thread
// owning connection i may call it. Errors: as dump_snapshot_open.
int dump_snapshot_reopen(dump_snapshot *s, size_t i, dm_err *err);

// dump_snapshot_is_mariadb tells the upstream flavour.
bool dump_snapshot_is_mariadb(const dump_snapshot *s);

// ---------------------------------------------------------------------------------------
// Tables

typedef enum dump_col_read {
    DUMP_COL_PLAIN = 0, // selected as is
    DUMP_COL_FLOAT,     // FLOAT: selected as CAST(c AS DOUBLE), whose text round-trips
    DUMP_COL_BIT,       // BIT: selected as c+0 (an unsigned integer)
} dump_col_read;

typedef struct dump_column {
    char *name;
    char *data_type; // information_schema DATA_TYPE, lower case ("int", "varchar", ...)
    char *charset;   // CHARACTER_SET_NAME, NULL for non-string columns
    bool is_unsigned;
    bool auto_increment;
    dump_col_read read;
} dump_column;

typedef enum dump_key_kind {
    DUMP_KEY_NONE = 0, // no usable key: the table is one chunk
    DUMP_KEY_INT,      // one integer column: chunks are integer ranges
    DUMP_KEY_ORDERED,  // any other primary/unique NOT NULL key: ordered ranges
} dump_key_kind;

typedef struct dump_table {
    char *schema;         // upstream names
    char *table;
    char *target_schema;  // downstream names after routing
    char *target_table;
    dump_column *cols;    // columns that hold data (generated columns are left out)
    size_t n_cols;
    size_t *key;          // indexes into cols of the chunking key's columns
    size_t n_key;
    dump_key_kind key_kind;
    uint64_t est_rows;    // information_schema TABLE_ROWS (an estimate)
    uint64_t est_bytes;   // DATA_LENGTH (an estimate)
} dump_table;

// dump_table_fini frees t's contents. t may be NULL.
void dump_table_fini(dump_table *t);

// dump_describe_table fills *out for schema.table from information_schema on conn: data
// columns in order (generated columns skipped), the chunking key (the primary key, else the
// first unique key whose columns are all NOT NULL) and size estimates. target names are left
// NULL. Errors: DUMP_ERR_TABLE (no such table, no columns), DM_ERR_DB*, DM_ERR_NOMEM.
int dump_describe_table(dump_table *out, MYSQL *conn, const char *schema, const char *table,
                        dm_err *err);

// dump_list_tables returns in *out (array of 2*n strings: schema, table; free with
// dump_strv_free(*out, 2 * *n)) the base tables of the upstream outside the system schemas
// (mysql, information_schema, performance_schema, sys), ordered by schema and table.
// Errors: DM_ERR_DB*, DM_ERR_NOMEM.
int dump_list_tables(char ***out, size_t *n, MYSQL *conn, dm_err *err);

// dump_is_system_schema tells whether a schema is never migrated.
bool dump_is_system_schema(const char *schema);

// dump_show_create_table appends the upstream's SHOW CREATE TABLE text. Errors:
// DUMP_ERR_TABLE, DM_ERR_DB*, DM_ERR_NOMEM.
int dump_show_create_table(dm_buf *out, MYSQL *conn, const char *schema, const char *table,
                           dm_err *err);

// dump_show_create_database appends SHOW CREATE DATABASE text. Errors: as above.
int dump_show_create_database(dm_buf *out, MYSQL *conn, const char *schema, dm_err *err);

// dump_strv_free frees n strings of v and v itself. v may be NULL.
void dump_strv_free(char **v, size_t n);

// ---------------------------------------------------------------------------------------
// Chunks

// A chunk: rows of one table whose key lies in [lower, upper). A bound is an array of
// n_key SQL literals (one per key column, rendered for comparison in the column's
// collation) or NULL for "unbounded"; the first chunk of a table has no lower bound and
// the last no upper bound, so a plan always covers the whole key space, rows added later
// included.
typedef struct dump_chunk {
    size_t table;     // index into the plan's tables
    uint32_t chunk_id;
    char **lower;     // n_key literals, or NULL
    char **upper;
    bool finished;    // loaded already (read from the checkpoint)
    uint64_t est_bytes;
} dump_chunk;

// dump_chunk_fini frees c's bounds (n_key literals each). c may be NULL.
void dump_chunk_fini(dump_chunk *c, size_t n_key);

// dump_default_chunk_rows picks the rows per chunk when mydumpers.rows is 0: enough
// chunks for every thread to have two per table, never under 10,000 nor over 200,000 rows,
// so a chunk is a short downstream transaction and a resume redoes little.
uint64_t dump_default_chunk_rows(uint64_t table_rows, size_t threads);

// dump_split_int computes the boundaries that cut the integer range [min, max] into n
// (>= 1) equal parts: *out receives n-1 ascending boundaries (caller frees), each the first
// value of a part after the first. Signed values are passed as their int64 bit pattern with
// is_unsigned false. Errors: DM_ERR_INVALID_ARG (min > max, n == 0), DM_ERR_NOMEM.
int dump_split_int(uint64_t **out, size_t *n_out, uint64_t min, uint64_t max, bool is_unsigned,
                   size_t n, dm_err *err);

// dump_plan_table cuts table t into chunks read on conn (inside the snapshot): integer keys
// by MIN/MAX and the row count (the statistics' estimate for tables estimated at over two
// chunks, else COUNT(*)) and dump_split_int, other keys by the key values found every
// rows_per_chunk rows in key order, keyless tables as one chunk. rows_per_chunk 0 means
// dump_default_chunk_rows(row count, threads). The chunks are appended to *chunks (growing
// *n/*cap) with table index table_index and chunk ids 0, 1, .... Errors: DUMP_ERR_PLAN,
// DM_ERR_DB*, DM_ERR_NOMEM.
int dump_plan_table(dump_chunk **chunks, size_t *n, size_t *cap, MYSQL *conn, const dump_table *t,
                    size_t table_index, uint64_t rows_per_chunk, size_t threads, dm_err *err);

// dump_quote_ident appends `name` with backquotes doubled. Errors: DM_ERR_NOMEM.
int dump_quote_ident(dm_buf *out, const char *name);

// dump_render_key_literal appends the SQL literal for a key value read in text form (len
// bytes) from column c: numbers as they are, strings as _charset X'hex' (so the comparison
// uses the column's collation), binary strings as X'hex', temporal values quoted.
// Errors: DM_ERR_NOMEM.
int dump_render_key_literal(dm_buf *out, const dump_column *c, const char *val, size_t len);

// dump_range_where appends the condition "key >= lower AND key < upper" for a chunk of t
// (lexicographic over a composite key, expanded so the server can use the index), or "1"
// when both bounds are NULL. Errors: DM_ERR_NOMEM.
int dump_range_where(dm_buf *out, const dump_table *t, char *const *lower, char *const *upper);

// dump_select_sql appends the SELECT that reads chunk c of t: the data columns (FLOAT and
// BIT through their exact readings) filtered by dump_range_where. Errors: DM_ERR_NOMEM.
int dump_select_sql(dm_buf *out, const dump_table *t, const dump_chunk *c);

#endif
