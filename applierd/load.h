// load: the load unit of applierd. It writes chunks read from a dump snapshot into the
// downstream, each chunk in one downstream transaction that also marks the chunk finished in
// the meta schema's loader checkpoint table, so a restarted load skips exactly the chunks
// that were committed and redoes the others without duplicates.
//
// Values are read with the text protocol on a connection whose character set is binary and
// written as SQL literals on a downstream connection whose character set is binary too:
// numbers unquoted (exact text), everything else as an escaped byte string, which the
// server stores into the column unchanged (no character set conversion anywhere).
//
// Threading: functions here take the connections they use; one chunk is loaded by one
// thread at a time. The rendering functions are pure.
//
// Error codes (load class, 34001-35999):
//   LOAD_ERR_EXEC       34001  the downstream rejected a statement for a table (the
//                              message names the table and the statement, truncated)
//   LOAD_ERR_CHECKPOINT 34002  the loader checkpoint could not be read or written, or holds
//                              a malformed row
//   LOAD_ERR_TAKEN      34003  the chunk was finished by someone else meanwhile (its
//                              transaction was rolled back)
#ifndef LOAD_H
#define LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mysql.h>

#include "dm_buf.h"
#include "dm_err.h"
#include "dump.h"

#define LOAD_ERR_EXEC 34001
#define LOAD_ERR_CHECKPOINT 34002
#define LOAD_ERR_TAKEN 34003

// load_quote_bytes appends 'bytes' (len bytes, any value) as a string literal with \0, ',
// \\, \n, \r and \x1a escaped. The downstream session must not use NO_BACKSLASH_ESCAPES
// (load_session_sql does not). Errors: DM_ERR_NOMEM.
int load_quote_bytes(dm_buf *out, const char *bytes, size_t len);

// load_render_value appends the literal for one value read with the text protocol: NULL
// when val is NULL; numeric column types (integers, DECIMAL, FLOAT, DOUBLE, YEAR)
// unquoted; anything else quoted with load_quote_bytes. Errors: DM_ERR_NOMEM.
int load_render_value(dm_buf *out, enum enum_field_types type, const char *val, size_t len);

// What a loaded row does when its key already exists downstream (the loader's
// `on-duplicate-logical`, DM's default `replace`).
typedef enum load_dup {
    LOAD_DUP_REPLACE = 0, // the loaded row replaces it
    LOAD_DUP_IGNORE,      // the existing row stays
    LOAD_DUP_ERROR,       // the load fails with the server's duplicate-key error
} load_dup;

// load_dup_parse reads "replace", "ignore" or "error" (NULL or "" = replace). Errors:
// DM_ERR_INVALID_ARG naming text.
int load_dup_parse(load_dup *out, const char *text, dm_err *err);

// load_insert_head appends "INSERT INTO `db`.`tbl` (`c1`,...) VALUES " for the target
// table of t ("REPLACE INTO" for LOAD_DUP_REPLACE, "INSERT IGNORE INTO" for
// LOAD_DUP_IGNORE). Errors: DM_ERR_NOMEM.
int load_insert_head(dm_buf *out, const dump_table *t, load_dup dup);

// load_session_sql is the downstream session setup for data connections: binary character
// set, UTC time zone (TIMESTAMP exact), sql_mode NO_AUTO_VALUE_ON_ZERO only: not strict, so
// every value the upstream holds is accepted as it is (an ENUM's '' error value, zero
// dates), no NO_BACKSLASH_ESCAPES; foreign_key_checks=0.
extern const char *const load_session_sql;

// load_bound_to_json appends a chunk bound (n SQL literals) as a JSON array of strings, or
// nothing (the caller writes SQL NULL) when lits is NULL. Errors: DM_ERR_NOMEM.
int load_bound_to_json(dm_buf *out, char *const *lits, size_t n);

// load_bound_from_json parses what load_bound_to_json wrote: *out receives n new strings
// (free with dump_strv_free), or NULL when text is NULL. Errors: LOAD_ERR_CHECKPOINT when
// text is not a JSON array of n strings, DM_ERR_NOMEM.
int load_bound_from_json(char ***out, const char *text, size_t n, dm_err *err);

// load_checkpoint names the loader checkpoint table of a subtask and the keys of its rows.
typedef struct load_checkpoint {
    const char *table;     // `meta_schema`.`<task>_loader_checkpoint`, quoted
    const char *source_id; // the subtask's source id (the id column)
    const char *applier_id;
} load_checkpoint;

// load_checkpoint_finish_sql appends the UPDATE that marks chunk c of t finished with rows
// rows and snapshot position pos, only if it is not finished yet (the caller checks that one
// row changed). Errors: DM_ERR_NOMEM.
int load_checkpoint_finish_sql(dm_buf *out, const load_checkpoint *cp, const dump_table *t,
                               const dump_chunk *c, uint64_t rows, const dump_pos *pos);

// load_checkpoint_plan_sql appends one multi-row INSERT of the pending chunks
// chunks[0..n) (each of tables[chunk.table]). Errors: DM_ERR_NOMEM.
int load_checkpoint_plan_sql(dm_buf *out, const load_checkpoint *cp, const dump_table *tables,
                             const dump_chunk *chunks, size_t n);

// The default is LOAD DATA: bench/full.sh measured it faster than INSERT (docs/applierd.md).
typedef enum load_method {
    LOAD_METHOD_LOAD_DATA = 0, // one LOAD DATA LOCAL INFILE per chunk, fed from memory
    LOAD_METHOD_INSERT,        // multi-row INSERT statements of statement_size bytes
} load_method;

// load_method_parse reads "insert" or "load-data". Errors: DM_ERR_INVALID_ARG naming text.
int load_method_parse(load_method *out, const char *text, dm_err *err);

typedef struct load_opts {
    load_method method;
    load_dup dup;          // on-duplicate-logical
    size_t statement_size; // bytes per INSERT (capped below max_allowed_packet)
    const load_checkpoint *checkpoint;
} load_opts;

// load_tsv_field appends one value in LOAD DATA's default text format (ESCAPED BY '\\'):
// \N for NULL; backslash, tab, newline, carriage return and NUL escaped. Errors:
// DM_ERR_NOMEM.
int load_tsv_field(dm_buf *out, const char *val, size_t len);

// load_data_sql appends the LOAD DATA LOCAL INFILE statement for t's target table reading
// load_tsv_field rows (binary character set; BIT columns through a user variable and
// CAST, since LOAD DATA would store their digits' bytes), with REPLACE or IGNORE per dup
// (LOAD_DUP_ERROR: neither; note that with LOCAL the server then ignores duplicates with a
// warning). Errors: DM_ERR_NOMEM.
int load_data_sql(dm_buf *out, const dump_table *t, load_dup dup);

typedef struct load_result {
    uint64_t rows;
    uint64_t bytes; // SQL bytes sent
} load_result;

// load_chunk reads chunk c of t on the snapshot connection up (its rows as of pos) and
// writes it into the downstream on down in one transaction: batched multi-row INSERTs (or
// one LOAD DATA LOCAL INFILE streamed from the rows as they are read), then
// the checkpoint row update; commit. On failure the transaction is rolled back and nothing
// of the chunk stays downstream. The error's scope tells which side failed: upstream
// (reading; DM_ERR_DB_RETRYABLE when the connection was lost) or downstream
// (DM_ERR_DB_RETRYABLE for lost connection/deadlock/lock wait timeout, LOAD_ERR_EXEC
// naming the table and statement otherwise; LOAD_ERR_TAKEN when the chunk was finished
// elsewhere). Errors also: DUMP_ERR_READ, LOAD_ERR_CHECKPOINT, DM_ERR_NOMEM.
int load_chunk(load_result *out, MYSQL *up, MYSQL *down, const dump_table *t, const dump_chunk *c,
               const dump_pos *pos, const load_opts *opts, dm_err *err);

#endif
