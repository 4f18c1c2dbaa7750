// row_expr: SQL expressions over binlog row images, for DM's expression-filter
// (insert-value-expr, update-old-value-expr, update-new-value-expr, delete-value-expr).
//
// A row_expr is compiled from the text of a MySQL expression (row_expr_parse), bound to a
// table's column names (row_expr_bind), then evaluated over decoded rows (row_expr_eval)
// with MySQL's three-valued logic: the row matches only when the result is TRUE.
// What is supported and the semantics are in docs/expression-filter.md.
//
// Threading: parse and bind mutate the object; once bound, a row_expr is immutable and
// row_expr_eval may run on it from several threads at once.
#ifndef ROW_EXPR_H
#define ROW_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "binlog.h"
#include "dm_err.h"

// Error codes (relay class sub-range 28201-28299).
#define ROW_EXPR_ERR_SYNTAX 28201      // the text is not a valid expression (offset, near text)
#define ROW_EXPR_ERR_UNSUPPORTED 28202 // a valid MySQL function or construct this module lacks
#define ROW_EXPR_ERR_TOO_LARGE 28203   // text longer than ROW_EXPR_MAX_TEXT or nesting too deep
#define ROW_EXPR_ERR_COLUMN 28204      // bind: the expression names a column the table lacks
#define ROW_EXPR_ERR_EVAL 28205        // a value that cannot be evaluated, or a result out of range

#define ROW_EXPR_MAX_TEXT (64u * 1024u) // longest expression text accepted
#define ROW_EXPR_MAX_DEPTH 64           // deepest nesting of operators/functions accepted

typedef struct row_expr row_expr;

// row_expr_parse compiles text[0..len) (a MySQL expression; NUL bytes are not allowed) into
// a new *out that the caller frees with row_expr_destroy. Errors: ROW_EXPR_ERR_SYNTAX
// (message quotes the text, the byte offset and the text near the problem),
// ROW_EXPR_ERR_UNSUPPORTED (names the function or construct), ROW_EXPR_ERR_TOO_LARGE,
// DM_ERR_INVALID_ARG (out or text NULL), DM_ERR_NOMEM. *out is NULL on error.
int row_expr_parse(row_expr **out, const char *text, size_t len, dm_err *err);

// row_expr_destroy frees e. e may be NULL.
void row_expr_destroy(row_expr *e);

// row_expr_text returns the expression text as given to row_expr_parse (NUL-terminated,
// owned by e).
const char *row_expr_text(const row_expr *e);

// row_expr_column_count returns the number of distinct column names e references (names
// compared case-insensitively; qualifiers dropped).
size_t row_expr_column_count(const row_expr *e);

// row_expr_column_name returns the i-th distinct column name (in order of first use), owned
// by e, or NULL when i is out of range.
const char *row_expr_column_name(const row_expr *e, size_t i);

// row_expr_bind resolves e's column references to indexes in names[0..n) (ASCII
// case-insensitive, as MySQL column names); a later bind replaces an earlier one. Not
// thread-safe against a concurrent eval of the same e. Errors: ROW_EXPR_ERR_COLUMN (names
// the unknown column and the expression; e is left unbound), DM_ERR_INVALID_ARG.
int row_expr_bind(row_expr *e, const char *const *names, size_t n, dm_err *err);

// row_expr_bind_members gives the member names of the ENUM or SET column at index col of the
// names last given to row_expr_bind (members[0] is ENUM index 1 / SET bit 0; e.g. a
// binlog_column's values from TABLE_MAP metadata), so that its values can be compared with
// strings and used as strings, as in MySQL. The names are copied; a later row_expr_bind
// forgets them. A col the expression does not reference is accepted and ignored. Errors:
// DM_ERR_INVALID_ARG (e not bound), DM_ERR_NOMEM.
int row_expr_bind_members(row_expr *e, size_t col, const binlog_str *members, size_t n,
                          dm_err *err);

// row_expr_eval evaluates the bound e over vals[0..n) (one row image, in the column order
// given to row_expr_bind) and sets *out to true only when the result is TRUE (non-NULL and
// non-zero), as a WHERE clause does. Values are only read. Errors: ROW_EXPR_ERR_EVAL (a
// referenced value is ABSENT, JSON_DIFF or GEOMETRY, an ENUM/SET used as a string without
// row_expr_bind_members, an integer result out of the BIGINT range, a string result over
// 16 MiB; names the column or operation), DM_ERR_INVALID_ARG (e not bound, n smaller than the bound column list),
// DM_ERR_NOMEM. *out is false on error. Thread-safe on a bound e.
int row_expr_eval(bool *out, const row_expr *e, const binlog_value *vals, size_t n, dm_err *err);

// ---- expression-filter rules of a task (config.h) ----
struct config_task;
struct config_expr_filter;

// row_expr_compile_filter compiles text, the expression of key ("insert-value-expr",
// "update-old-value-expr", "update-new-value-expr" or "delete-value-expr") of
// expression-filter f, into *out (NULL when text is NULL or empty). With names it is bound
// to the table's n columns, and to the ENUM/SET member names of tm's columns when tm is not
// NULL and has them (binlog_row_metadata=FULL); without names it is only parsed. Errors: those
// of row_expr_parse, row_expr_bind and row_expr_bind_members, the message prefixed with
// "expression-filter NAME (SCHEMA.TABLE) KEY". *out is NULL on error.
int row_expr_compile_filter(row_expr **out, const struct config_expr_filter *f, const char *key,
                            const char *text, const char *const *names, size_t n,
                            const binlog_table_map *tm, dm_err *err);

// row_expr_check_task parses every expression of the expression filters that the task's
// instance for source_id lists (every instance's when source_id is NULL), so a bad one is
// reported before anything runs; columns are bound later, per table. Errors: as
// row_expr_compile_filter. Pure; thread-safe.
int row_expr_check_task(const struct config_task *t, const char *source_id, dm_err *err);

#endif
