// ddl: a recursive-descent parser for MySQL/MariaDB DDL and for the other statements found in
// binlog QUERY events, its AST, and the operations DM needs on it: classify into binlog event
// filter names, list the tables a statement touches, rename tables, print SQL back, split
// multi-part statements.
//
// Ownership: ddl_parse returns one ddl_stmt that owns every string and array reachable from
// it (they live in an arena freed by ddl_stmt_destroy). Callers read the AST and must not
// modify it except through the functions declared here (ddl_rename). A ddl_stmt is a plain
// value after parsing: distinct statements may be used from distinct threads; one statement
// is not safe to modify and read concurrently.
//
// Strings: identifiers are decoded (no quotes, escapes resolved) and NUL-terminated. A char *
// that is NULL means "not given". Expression-like parts (DEFAULT values, CHECK, generated
// columns, PARTITION BY clauses, view/trigger/routine bodies) are kept as source text: the
// statement's tokens joined as written, with any run of whitespace/comments between two
// tokens replaced by one space, so printing and re-parsing gives the same text.
//
// Type names are normalised the way the server stores them: INTEGER -> INT, BOOL/BOOLEAN ->
// TINYINT(1), REAL/DOUBLE PRECISION -> DOUBLE, NUMERIC/DEC/FIXED -> DECIMAL, NCHAR/NATIONAL
// CHAR -> CHAR CHARACTER SET utf8, LONG VARCHAR -> MEDIUMTEXT, SERIAL -> BIGINT UNSIGNED NOT
// NULL AUTO_INCREMENT UNIQUE KEY, ... (docs/ddl.md lists them all).
//
// Error codes (schema class, 44001-44499):
//   44001 DDL_ERR_SYNTAX        the statement does not parse; message quotes the text near
//                               the failing byte ("near '...' at line N, offset M")
//   44002 DDL_ERR_LEX           a lexical error: unterminated string/identifier/comment,
//                               bad hex/bit literal
//   44003 DDL_ERR_EMPTY         the input holds no statement (only blanks/comments)
//   44004 DDL_ERR_RENAME        a rename callback failed or returned an invalid name
//   44005 DDL_ERR_TOO_DEEP      nesting (parentheses) deeper than DDL_MAX_DEPTH
// plus DM_ERR_NOMEM / DM_ERR_INVALID_ARG from dm_err.h.
#ifndef DDL_H
#define DDL_H

#include <stdbool.h>
#include <stddef.h>

#include "dm_buf.h"
#include "dm_err.h"

#define DDL_ERR_SYNTAX 44001
#define DDL_ERR_LEX 44002
#define DDL_ERR_EMPTY 44003
#define DDL_ERR_RENAME 44004
#define DDL_ERR_TOO_DEEP 44005

// Maximum parenthesis nesting accepted in a statement.
#define DDL_MAX_DEPTH 256

// ---------------------------------------------------------------------------------------
// Names

// A table (or view, trigger, routine, sequence) name, optionally qualified. db is NULL when
// the statement did not qualify the name (the session's default database applies).
typedef struct ddl_name {
    char *db;
    char *name;
} ddl_name;

// ---------------------------------------------------------------------------------------
// Column types

typedef enum ddl_type_id {
    DDL_TYPE_NONE = 0,  // no type (e.g. a column of ALTER ... ALTER COLUMN)
    DDL_TYPE_TINYINT,
    DDL_TYPE_SMALLINT,
    DDL_TYPE_MEDIUMINT,
    DDL_TYPE_INT,
    DDL_TYPE_BIGINT,
    DDL_TYPE_DECIMAL,
    DDL_TYPE_FLOAT,
    DDL_TYPE_DOUBLE,
    DDL_TYPE_BIT,
    DDL_TYPE_DATE,
    DDL_TYPE_TIME,
    DDL_TYPE_DATETIME,
    DDL_TYPE_TIMESTAMP,
    DDL_TYPE_YEAR,
    DDL_TYPE_CHAR,
    DDL_TYPE_VARCHAR,
    DDL_TYPE_BINARY,
    DDL_TYPE_VARBINARY,
    DDL_TYPE_TINYBLOB,
    DDL_TYPE_BLOB,
    DDL_TYPE_MEDIUMBLOB,
    DDL_TYPE_LONGBLOB,
    DDL_TYPE_TINYTEXT,
    DDL_TYPE_TEXT,
    DDL_TYPE_MEDIUMTEXT,
    DDL_TYPE_LONGTEXT,
    DDL_TYPE_ENUM,
    DDL_TYPE_SET,
    DDL_TYPE_JSON,
    DDL_TYPE_GEOMETRY,
    DDL_TYPE_POINT,
    DDL_TYPE_LINESTRING,
    DDL_TYPE_POLYGON,
    DDL_TYPE_MULTIPOINT,
    DDL_TYPE_MULTILINESTRING,
    DDL_TYPE_MULTIPOLYGON,
    DDL_TYPE_GEOMETRYCOLLECTION,
    DDL_TYPE_INET4,  // MariaDB 10.10+
    DDL_TYPE_INET6,  // MariaDB 10.5+
    DDL_TYPE_UUID,   // MariaDB 10.7+
    DDL_TYPE__COUNT
} ddl_type_id;

typedef struct ddl_type {
    ddl_type_id id;
    long long length;   // (M) of INT(M), CHAR(M), DECIMAL(M,D), TIME(fsp) ...; -1 when absent
    long long scale;    // D of DECIMAL(M,D)/FLOAT(M,D)/DOUBLE(M,D); -1 when absent
    bool is_unsigned;   // UNSIGNED (SIGNED is the default and is not recorded)
    bool zerofill;
    bool binary;        // the BINARY attribute of a character type (binary collation)
    char *charset;      // CHARACTER SET/CHARSET name (ASCII -> latin1, UNICODE -> ucs2), lower-case
    char *collate;      // COLLATE name given in the type or among the column attributes
    char **values;      // ENUM/SET members, decoded
    size_t n_values;
} ddl_type;

// ---------------------------------------------------------------------------------------
// Columns

typedef enum ddl_nullability {
    DDL_NULL_UNSPECIFIED = 0,
    DDL_NULL_NULL,      // NULL
    DDL_NULL_NOT_NULL,  // NOT NULL
} ddl_nullability;

typedef enum ddl_default_kind {
    DDL_DEFAULT_NONE = 0,  // no DEFAULT clause
    DDL_DEFAULT_NULL,      // DEFAULT NULL
    DDL_DEFAULT_LITERAL,   // a number, string, hex/bit literal, TRUE/FALSE, signed number
    DDL_DEFAULT_EXPR,      // CURRENT_TIMESTAMP[(n)], NOW(), a (parenthesised expression), ...
} ddl_default_kind;

typedef enum ddl_generated_kind {
    DDL_GENERATED_NONE = 0,
    DDL_GENERATED_VIRTUAL,  // AS (expr) [VIRTUAL] -- VIRTUAL is the default
    DDL_GENERATED_STORED,   // STORED or MariaDB PERSISTENT
} ddl_generated_kind;

typedef enum ddl_ref_action {
    DDL_REF_NONE = 0,  // clause absent
    DDL_REF_RESTRICT,
    DDL_REF_CASCADE,
    DDL_REF_SET_NULL,
    DDL_REF_NO_ACTION,
    DDL_REF_SET_DEFAULT,
} ddl_ref_action;

// REFERENCES tbl (cols) [MATCH ...] [ON DELETE ...] [ON UPDATE ...]
typedef struct ddl_reference {
    ddl_name table;
    char **columns;
    size_t n_columns;
    char *match;  // "FULL", "PARTIAL", "SIMPLE" or NULL
    ddl_ref_action on_delete;
    ddl_ref_action on_update;
} ddl_reference;

// A column-level CHECK.
typedef struct ddl_check {
    char *name;  // CONSTRAINT name, may be NULL
    char *expr;  // the expression inside the parentheses, as source text
    int enforced;  // 1 ENFORCED, 0 NOT ENFORCED, -1 not said (MySQL 8 syntax)
} ddl_check;

typedef struct ddl_column {
    char *name;
    ddl_type type;
    ddl_nullability nullability;
    ddl_default_kind default_kind;
    char *default_value;   // source text of the DEFAULT value (string literals keep quotes)
    char *on_update;       // source text after ON UPDATE (e.g. "CURRENT_TIMESTAMP(3)")
    bool auto_increment;
    bool primary_key;      // PRIMARY KEY or KEY as a column attribute
    bool unique_key;       // UNIQUE [KEY] as a column attribute
    char *comment;         // decoded COMMENT string
    ddl_generated_kind generated;
    char *generated_expr;  // expression inside AS ( ... )
    bool invisible;        // INVISIBLE (MariaDB 10.3+/MySQL 8.0.23+)
    ddl_check *checks;
    size_t n_checks;
    ddl_reference *reference;  // inline REFERENCES, NULL when absent
    char *column_format;   // FIXED/DYNAMIC/DEFAULT/COMPRESSED, upper-case
    char *storage;         // DISK/MEMORY/DEFAULT, upper-case
    char *srid;            // SRID value (MySQL 8) as text
    bool compressed;       // MariaDB COMPRESSED attribute
} ddl_column;

// ---------------------------------------------------------------------------------------
// Indexes and table constraints

typedef enum ddl_constraint_kind {
    DDL_CONSTRAINT_PRIMARY = 1,
    DDL_CONSTRAINT_UNIQUE,
    DDL_CONSTRAINT_INDEX,  // KEY / INDEX
    DDL_CONSTRAINT_FULLTEXT,
    DDL_CONSTRAINT_SPATIAL,
    DDL_CONSTRAINT_FOREIGN,
    DDL_CONSTRAINT_CHECK,
} ddl_constraint_kind;

typedef struct ddl_key_part {
    char *column;       // NULL for a functional key part
    char *expr;         // MySQL 8 functional key part "(expr)", source text; else NULL
    long long length;   // prefix length col(N), -1 when absent
    int order;          // 0 unspecified, 1 ASC, 2 DESC
} ddl_key_part;

typedef struct ddl_constraint {
    ddl_constraint_kind kind;
    char *symbol;       // CONSTRAINT symbol, may be NULL
    char *index_name;   // index name (for PRIMARY always NULL), may be NULL
    bool if_not_exists; // MariaDB ALTER ... ADD INDEX IF NOT EXISTS
    char *using_type;   // "BTREE", "HASH", "RTREE" (USING ... before or after the parts)
    ddl_key_part *parts;
    size_t n_parts;
    // index options
    char *key_block_size;  // text of the value
    char *comment;         // decoded
    char *parser;          // WITH PARSER name
    int visibility;        // 0 unspecified, 1 VISIBLE, 2 INVISIBLE, 3 IGNORED, 4 NOT IGNORED
    // FOREIGN KEY
    ddl_reference *reference;
    // CHECK
    char *check_expr;
    int enforced;  // 1 ENFORCED, 0 NOT ENFORCED, -1 not said
} ddl_constraint;

// ---------------------------------------------------------------------------------------
// Table options: ENGINE=InnoDB, DEFAULT CHARSET=utf8mb4, COMMENT='x', ...

typedef struct ddl_option {
    char *name;     // canonical upper-case name: "ENGINE", "CHARACTER SET" (also for CHARSET
                    // and CHAR SET), "COLLATE", "AUTO_INCREMENT", "COMMENT", "ROW_FORMAT",
                    // "UNION", or any other `name` as written, upper-cased
    char *value;    // identifier/number as written, decoded string for quoted values, for
                    // UNION the parenthesised list as text; NULL for the valueless
                    // "WITH SYSTEM VERSIONING" (MariaDB)
    bool quoted;    // value was a string literal (printed quoted)
    bool with_default;  // DEFAULT CHARACTER SET / DEFAULT COLLATE
} ddl_option;

// ---------------------------------------------------------------------------------------
// Statements

typedef enum ddl_stmt_kind {
    DDL_STMT_UNKNOWN = 0,
    // database
    DDL_STMT_CREATE_DATABASE,
    DDL_STMT_ALTER_DATABASE,
    DDL_STMT_DROP_DATABASE,
    // tables (fully parsed)
    DDL_STMT_CREATE_TABLE,
    DDL_STMT_ALTER_TABLE,
    DDL_STMT_RENAME_TABLE,
    DDL_STMT_DROP_TABLE,
    DDL_STMT_TRUNCATE_TABLE,
    DDL_STMT_CREATE_INDEX,
    DDL_STMT_DROP_INDEX,
    // other DDL: recognised, head parsed, body verbatim (ddl_other)
    DDL_STMT_CREATE_VIEW,
    DDL_STMT_ALTER_VIEW,
    DDL_STMT_DROP_VIEW,
    DDL_STMT_CREATE_TRIGGER,
    DDL_STMT_DROP_TRIGGER,
    DDL_STMT_CREATE_PROCEDURE,
    DDL_STMT_ALTER_PROCEDURE,
    DDL_STMT_DROP_PROCEDURE,
    DDL_STMT_CREATE_FUNCTION,
    DDL_STMT_ALTER_FUNCTION,
    DDL_STMT_DROP_FUNCTION,
    DDL_STMT_CREATE_EVENT,
    DDL_STMT_ALTER_EVENT,
    DDL_STMT_DROP_EVENT,
    DDL_STMT_CREATE_SEQUENCE,
    DDL_STMT_ALTER_SEQUENCE,
    DDL_STMT_DROP_SEQUENCE,
    // non-DDL statements seen in QUERY events: classified, not deeply parsed (ddl_other)
    DDL_STMT_BEGIN,      // BEGIN, START TRANSACTION, BEGIN WORK
    DDL_STMT_COMMIT,
    DDL_STMT_ROLLBACK,   // ROLLBACK, ROLLBACK TO SAVEPOINT
    DDL_STMT_SAVEPOINT,  // SAVEPOINT, RELEASE SAVEPOINT
    DDL_STMT_XA,
    DDL_STMT_GRANT,
    DDL_STMT_REVOKE,
    DDL_STMT_CREATE_USER,
    DDL_STMT_DROP_USER,
    DDL_STMT_ALTER_USER,
    DDL_STMT_RENAME_USER,
    DDL_STMT_CREATE_ROLE,
    DDL_STMT_DROP_ROLE,
    DDL_STMT_SET,        // SET ..., SET PASSWORD, SET ROLE ...
    DDL_STMT_FLUSH,
    DDL_STMT_TABLE_MAINT,  // ANALYZE/OPTIMIZE/REPAIR/CHECK TABLE
    DDL_STMT_INSERT,
    DDL_STMT_REPLACE,
    DDL_STMT_UPDATE,
    DDL_STMT_DELETE,
    DDL_STMT_LOCK_TABLES,
    DDL_STMT_UNLOCK_TABLES,
    DDL_STMT_USE,
    DDL_STMT_OTHER,      // any other statement (kept verbatim, no tables)
    DDL_STMT__COUNT
} ddl_stmt_kind;

// CREATE/ALTER/DROP DATABASE|SCHEMA
typedef struct ddl_database {
    char *name;          // NULL for ALTER DATABASE without a name (the default database)
    bool if_exists;      // DROP ... IF EXISTS
    bool if_not_exists;  // CREATE ... IF NOT EXISTS
    bool or_replace;     // MariaDB CREATE OR REPLACE DATABASE
    bool schema_keyword; // written as SCHEMA (printed back as such)
    ddl_option *options; // CHARACTER SET, COLLATE, COMMENT, ...
    size_t n_options;
} ddl_database;

// CREATE TABLE
typedef struct ddl_create_table {
    ddl_name table;
    bool temporary;
    bool if_not_exists;
    bool or_replace;       // MariaDB CREATE OR REPLACE TABLE
    ddl_column *columns;
    size_t n_columns;
    ddl_constraint *constraints;
    size_t n_constraints;
    ddl_option *options;
    size_t n_options;
    char *partition;       // "PARTITION BY ..." source text, NULL when absent
    bool has_like;         // CREATE TABLE t LIKE src / (LIKE src)
    ddl_name like;
    char *select;          // "[IGNORE|REPLACE] [AS] SELECT ..." tail as source text
} ddl_create_table;

typedef enum ddl_alter_kind {
    DDL_ALTER_ADD_COLUMN = 1,   // columns[0..n_columns) (parenthesised form: n_columns > 1)
    DDL_ALTER_DROP_COLUMN,      // name
    DDL_ALTER_MODIFY_COLUMN,    // columns[0]
    DDL_ALTER_CHANGE_COLUMN,    // name -> columns[0] (its name is the new name)
    DDL_ALTER_RENAME_COLUMN,    // name -> new_name
    DDL_ALTER_SET_DEFAULT,      // ALTER [COLUMN] name SET DEFAULT value (value: source text)
    DDL_ALTER_DROP_DEFAULT,     // ALTER [COLUMN] name DROP DEFAULT
    DDL_ALTER_COLUMN_VISIBILITY,// ALTER [COLUMN] name SET VISIBLE|INVISIBLE (value)
    DDL_ALTER_ADD_CONSTRAINT,   // constraint (index, key, PK, unique, FK, check)
    DDL_ALTER_DROP_INDEX,       // DROP INDEX|KEY name
    DDL_ALTER_DROP_PRIMARY_KEY,
    DDL_ALTER_DROP_FOREIGN_KEY, // name
    DDL_ALTER_DROP_CONSTRAINT,  // name (DROP CONSTRAINT)
    DDL_ALTER_DROP_CHECK,       // name (MySQL DROP CHECK)
    DDL_ALTER_RENAME_INDEX,     // RENAME INDEX|KEY name TO new_name
    DDL_ALTER_INDEX_VISIBILITY, // ALTER INDEX name VISIBLE|INVISIBLE|IGNORED|NOT IGNORED (value)
    DDL_ALTER_RENAME_TABLE,     // RENAME [TO|AS] new_table
    DDL_ALTER_CONVERT_CHARSET,  // CONVERT TO CHARACTER SET charset [COLLATE collate]
    DDL_ALTER_OPTIONS,          // table options (incl. [DEFAULT] CHARACTER SET / COLLATE)
    DDL_ALTER_ALGORITHM,        // ALGORITHM [=] value
    DDL_ALTER_LOCK,             // LOCK [=] value
    DDL_ALTER_FORCE,
    DDL_ALTER_ORDER_BY,         // value: the list after ORDER BY, source text
    DDL_ALTER_ENABLE_KEYS,
    DDL_ALTER_DISABLE_KEYS,
    DDL_ALTER_PARTITION,        // a partition operation; value holds its full source text
                                // (e.g. "ADD PARTITION (PARTITION p3 VALUES LESS THAN (30))")
    DDL_ALTER_DISCARD_TABLESPACE,
    DDL_ALTER_IMPORT_TABLESPACE,
    DDL_ALTER_VALIDATION,       // WITH|WITHOUT VALIDATION (value)
} ddl_alter_kind;

// Which partition operation a DDL_ALTER_PARTITION holds (for event classification).
typedef enum ddl_partition_op {
    DDL_PART_OTHER = 0,
    DDL_PART_BY,          // PARTITION BY ... (repartition)
    DDL_PART_ADD,
    DDL_PART_DROP,
    DDL_PART_TRUNCATE,
    DDL_PART_COALESCE,
    DDL_PART_REORGANIZE,
    DDL_PART_EXCHANGE,
    DDL_PART_ANALYZE,
    DDL_PART_CHECK,
    DDL_PART_OPTIMIZE,
    DDL_PART_REBUILD,
    DDL_PART_REPAIR,
    DDL_PART_REMOVE,      // REMOVE PARTITIONING
    DDL_PART_DISCARD,     // DISCARD PARTITION ... TABLESPACE
    DDL_PART_IMPORT,      // IMPORT PARTITION ... TABLESPACE
    DDL_PART_CONVERT,     // MariaDB CONVERT PARTITION/TABLE
} ddl_partition_op;

typedef enum ddl_position_kind {
    DDL_POS_NONE = 0,
    DDL_POS_FIRST,
    DDL_POS_AFTER,  // after names the column
} ddl_position_kind;

typedef struct ddl_alter_spec {
    ddl_alter_kind kind;
    bool if_exists;       // MariaDB DROP ... IF EXISTS, CHANGE/MODIFY IF EXISTS, RENAME ... IF EXISTS
    bool if_not_exists;   // MariaDB ADD ... IF NOT EXISTS
    bool column_keyword;  // COLUMN was written (ADD COLUMN / DROP COLUMN ...); printing keeps it
    char *name;           // the column/index/constraint the spec acts on
    char *new_name;       // RENAME COLUMN/INDEX target
    ddl_column *columns;  // ADD/MODIFY/CHANGE
    size_t n_columns;
    ddl_position_kind position;
    char *after;          // column of AFTER
    ddl_constraint *constraint;  // ADD_CONSTRAINT
    ddl_name new_table;   // RENAME_TABLE
    char *charset;        // CONVERT_CHARSET ("DEFAULT" allowed)
    char *collate;        // CONVERT_CHARSET
    ddl_option *options;  // OPTIONS
    size_t n_options;
    char *value;          // ALGORITHM/LOCK value as written, SET DEFAULT text, ORDER BY
                          // text, partition text, visibility word
    char *behavior;       // DROP COLUMN/CONSTRAINT ... RESTRICT|CASCADE, NULL when absent
    ddl_partition_op partition_op;
} ddl_alter_spec;

// ALTER [ONLINE] [IGNORE] TABLE t [WAIT n|NOWAIT] spec, spec, ... [partition_options]
typedef struct ddl_alter_table {
    ddl_name table;
    bool online;
    bool ignore;
    bool if_exists;   // MariaDB ALTER TABLE IF EXISTS
    char *wait;       // "WAIT n" / "NOWAIT" as text, NULL when absent
    ddl_alter_spec *specs;
    size_t n_specs;
} ddl_alter_table;

// RENAME TABLE a TO b, c TO d, ...
typedef struct ddl_rename_pair {
    ddl_name from;
    ddl_name to;
} ddl_rename_pair;

typedef struct ddl_rename_table {
    ddl_rename_pair *pairs;
    size_t n_pairs;
    bool if_exists;   // MariaDB 10.5+ RENAME TABLE IF EXISTS
    char *wait;
} ddl_rename_table;

// DROP [TEMPORARY] TABLE [IF EXISTS] a, b [RESTRICT|CASCADE]
typedef struct ddl_drop_table {
    ddl_name *tables;
    size_t n_tables;
    bool temporary;
    bool if_exists;
    char *wait;
    char *behavior;  // "RESTRICT", "CASCADE" or NULL
} ddl_drop_table;

// TRUNCATE [TABLE] t
typedef struct ddl_truncate_table {
    ddl_name table;
    bool table_keyword;
    char *wait;
} ddl_truncate_table;

// CREATE [OR REPLACE] [ONLINE] [UNIQUE|FULLTEXT|SPATIAL] INDEX [IF NOT EXISTS] name
//   [USING t] ON tbl (parts) [options] [ALGORITHM=..] [LOCK=..]
typedef struct ddl_create_index {
    ddl_name table;
    ddl_constraint index;  // kind INDEX/UNIQUE/FULLTEXT/SPATIAL; index_name set
    bool or_replace;
    bool online;
    char *algorithm;  // ALGORITHM value as written, or NULL
    char *lock;
    char *wait;
} ddl_create_index;

// DROP INDEX [IF EXISTS] name ON tbl [ALGORITHM=..] [LOCK=..]
typedef struct ddl_drop_index {
    ddl_name table;
    char *name;
    bool if_exists;
    bool online;
    char *algorithm;
    char *lock;
    char *wait;
} ddl_drop_index;

// Any statement that is recognised but kept as text: views, triggers, routines, events,
// sequences and the non-DDL statements. The statement prints back as its text with the
// table references (those in tables[]) replaced by their current (possibly renamed) names.
typedef struct ddl_other {
    ddl_name object;   // the view/trigger/routine/event/sequence named by the statement;
                       // object.name NULL when the statement names none
    ddl_name *tables;  // tables the statement touches, where obvious: the view itself; a
                       // trigger's ON table; DML/LOCK/maintenance target tables; sequence
    size_t n_tables;
    bool if_exists;
    bool if_not_exists;
    char *text;        // the statement as source text (tokens joined, see top comment)
} ddl_other;

typedef struct ddl_stmt {
    ddl_stmt_kind kind;
    union {
        ddl_database database;          // CREATE/ALTER/DROP DATABASE
        ddl_create_table create_table;
        ddl_alter_table alter_table;
        ddl_rename_table rename_table;
        ddl_drop_table drop_table;
        ddl_truncate_table truncate_table;
        ddl_create_index create_index;
        ddl_drop_index drop_index;
        ddl_other other;                // every other kind
    } u;
    struct ddl_priv *priv;  // arena and source bookkeeping; not for callers
} ddl_stmt;

// ---------------------------------------------------------------------------------------
// Parsing

typedef struct ddl_parse_opts {
    bool ansi_quotes;         // sql_mode ANSI_QUOTES: "x" is an identifier, not a string
    bool no_backslash_escapes;// sql_mode NO_BACKSLASH_ESCAPES
    unsigned long server_version;  // e.g. 101106; /*!NNNNN ... */ with NNNNN > this is a
                              // comment. 0 = every executable comment is code.
    bool mysql;               // the server is MySQL: /*M! ... */ comments are skipped
} ddl_parse_opts;

// ddl_parse parses one statement (a trailing ';' is allowed) from sql[0..len) and stores a
// new statement in *out (caller frees with ddl_stmt_destroy). opts may be NULL (defaults:
// all zero). Errors: DDL_ERR_SYNTAX, DDL_ERR_LEX, DDL_ERR_EMPTY, DDL_ERR_TOO_DEEP,
// DM_ERR_NOMEM; *out is NULL then and err says what and where. Thread-safe.
int ddl_parse(ddl_stmt **out, const char *sql, size_t len, const ddl_parse_opts *opts,
              dm_err *err);

// ddl_stmt_destroy frees a statement and everything it owns. s may be NULL.
void ddl_stmt_destroy(ddl_stmt *s);

// ddl_stmt_kind_name returns a static upper-case name of a kind ("CREATE TABLE", ...).
const char *ddl_stmt_kind_name(ddl_stmt_kind kind);

// ---------------------------------------------------------------------------------------
// Operations

// DM binlog event filter event types.
typedef enum ddl_event {
    DDL_EVENT_NONE = 0,            // not a DDL (or a DDL DM has no event for): ""
    DDL_EVENT_CREATE_DATABASE,     // "create database"
    DDL_EVENT_DROP_DATABASE,       // "drop database"
    DDL_EVENT_ALTER_DATABASE,      // "alter database"
    DDL_EVENT_CREATE_TABLE,        // "create table"
    DDL_EVENT_DROP_TABLE,          // "drop table"
    DDL_EVENT_TRUNCATE_TABLE,      // "truncate table"
    DDL_EVENT_RENAME_TABLE,        // "rename table"
    DDL_EVENT_CREATE_INDEX,        // "create index"
    DDL_EVENT_DROP_INDEX,          // "drop index"
    DDL_EVENT_CREATE_VIEW,         // "create view" (CREATE VIEW, CREATE OR REPLACE, ALTER VIEW)
    DDL_EVENT_DROP_VIEW,           // "drop view"
    DDL_EVENT_ALTER_TABLE,         // "alter table"
    DDL_EVENT_ADD_TABLE_PARTITION, // "add table partition" (ALTER with one ADD PARTITION)
    DDL_EVENT_DROP_TABLE_PARTITION,     // "drop table partition"
    DDL_EVENT_TRUNCATE_TABLE_PARTITION, // "truncate table partition"
    DDL_EVENT_INSERT,              // "insert" (statement-based INSERT/REPLACE)
    DDL_EVENT_UPDATE,              // "update"
    DDL_EVENT_DELETE,              // "delete"
} ddl_event;

// ddl_classify returns the DM event type of a statement.
ddl_event ddl_classify(const ddl_stmt *s);

// ddl_event_name returns DM's name of an event type ("create table", ...; "" for NONE).
const char *ddl_event_name(ddl_event ev);

// ddl_is_ddl tells whether the statement is DDL (database, table, index, view, trigger,
// routine, event, sequence statements) as opposed to transaction control, account
// management, SET, FLUSH, DML, maintenance and the like.
bool ddl_is_ddl(const ddl_stmt *s);

// A (schema, table) pair. table is "" for database-level statements (as in DM).
typedef struct ddl_table_ref {
    const char *db;     // "" when unqualified and no default database was given
    const char *table;
} ddl_table_ref;

// ddl_tables lists the tables a statement touches, in statement order, with default_db (may
// be NULL) applied to unqualified names, into a new array *out of *n_out entries (caller
// frees the array with free(); the strings belong to s or to default_db and stay valid while
// both live and s is not renamed). Rules follow DM: CREATE TABLE t LIKE s -> t, s; RENAME a
// TO b -> a, b per pair; ALTER t RENAME TO u -> t, u; database statements -> (db, "");
// foreign-key parent tables are not listed. Errors: DM_ERR_NOMEM. *out may be NULL when
// *n_out is 0.
int ddl_tables(ddl_table_ref **out, size_t *n_out, const ddl_stmt *s, const char *default_db,
               dm_err *err);

// ddl_rename_fn maps a table to its new name. It is called with db already defaulted
// (may be "" when no default database) and table ("" for a database-level name). It sets
// *new_db and/or *new_table to the new names (strings valid until it is called again or
// ddl_rename returns) or leaves them NULL to keep the old ones. Return 0, or an error code
// (filling err) to stop the rename.
typedef int (*ddl_rename_fn)(void *ctx, const char *db, const char *table, const char **new_db,
                             const char **new_table, dm_err *err);

// ddl_rename applies fn to every table reference of s (including LIKE sources and foreign
// key parents, and the table refs of verbatim statements) and to the database name of
// database statements. Every table reference is qualified afterwards. Errors: the callback's
// code, DDL_ERR_RENAME (empty name returned), DM_ERR_NOMEM. On error s may be partly renamed.
int ddl_rename(ddl_stmt *s, const char *default_db, ddl_rename_fn fn, void *ctx, dm_err *err);

// ddl_print appends SQL for s to out: identifiers back-quoted, keywords upper-case,
// expressions and verbatim parts as source text, no trailing ';'. Parsing the result gives a
// statement whose ddl_dump equals that of s. Errors: DM_ERR_NOMEM.
int ddl_print(dm_buf *out, const ddl_stmt *s, dm_err *err);

// ddl_dump appends a canonical, one-line-per-node description of the AST to out (used by
// tests to compare ASTs). Errors: DM_ERR_NOMEM.
int ddl_dump(dm_buf *out, const ddl_stmt *s, dm_err *err);

// ddl_split splits s the way DM's SplitDDL does: an ALTER TABLE with several specifications
// (and an ADD COLUMN (a ..., b ...)) into one ALTER TABLE per specification/column, a
// multi-table DROP TABLE into one DROP TABLE per table, a multi-pair RENAME TABLE into one
// RENAME per pair. Any other statement yields one copy of itself. On success *out is a new
// array of *n_out new statements (free each with ddl_stmt_destroy and the array with free(),
// or use ddl_stmts_free). Errors: DM_ERR_NOMEM.
int ddl_split(ddl_stmt ***out, size_t *n_out, const ddl_stmt *s, dm_err *err);

// ddl_stmts_free destroys n statements and frees the array. stmts may be NULL.
void ddl_stmts_free(ddl_stmt **stmts, size_t n);

#endif
