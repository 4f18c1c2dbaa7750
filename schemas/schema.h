// schema: the table-schema model.
//
// A schema_table holds what MariaDB keeps for a table: columns (type, charset/collation,
// nullability, default, ON UPDATE, AUTO_INCREMENT, generated expression, INVISIBLE, comment,
// ENUM/SET values), indexes (primary, unique, plain, fulltext, spatial; parts with prefix
// length and order), CHECK constraints, table options and partitioning text (verbatim).
//
// Tables are built from a schema_create_def (what CREATE TABLE says) and changed by a list of
// schema_alter_spec (what one ALTER TABLE says), applying MariaDB 10.11's rules: implicit
// display widths, NOT NULL for primary key columns, generated index names (`a`, `a_2`), the
// key order of SHOW CREATE TABLE, columns dropped from keys, CONVERT TO CHARACTER SET
// promoting TEXT types, and the same errors. schema_table_print writes the table the way
// SHOW CREATE TABLE does on MariaDB 10.11, so the two can be compared.
//
// Column and index structs are public so callers (the applier) can read them; they are owned
// by the table and must not be changed except through this API. A schema_table is not
// thread-safe; a const table may be read from several threads at once.
//
// Error codes (schema class, 44500-44599 used by this module and tracker.h):
#ifndef SCHEMA_H
#define SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dm_buf.h"
#include "dm_err.h"

#define SCHEMA_ERR_BAD_DEFINITION 44500   // invalid column/index/table definition (bad type, length)
#define SCHEMA_ERR_DUP_COLUMN 44501       // ER_DUP_FIELDNAME 1060: duplicate column name
#define SCHEMA_ERR_UNKNOWN_COLUMN 44502   // ER_BAD_FIELD_ERROR 1054: unknown column
#define SCHEMA_ERR_CANT_DROP 44503        // ER_CANT_DROP_FIELD_OR_KEY 1091: drop of a missing column/key
#define SCHEMA_ERR_DUP_KEY 44504          // ER_DUP_KEYNAME 1061: duplicate key name
#define SCHEMA_ERR_MULTI_PK 44505         // ER_MULTIPLE_PRI_KEY 1068: multiple primary key defined
#define SCHEMA_ERR_KEY_COLUMN 44506       // ER_KEY_COLUMN_DOES_NOT_EXITS 1072: key column missing
#define SCHEMA_ERR_DROP_ALL_COLUMNS 44507 // ER_CANT_REMOVE_ALL_FIELDS 1090
#define SCHEMA_ERR_BAD_DEFAULT 44508      // ER_INVALID_DEFAULT 1067: invalid default value
#define SCHEMA_ERR_AUTO_KEY 44509         // ER_WRONG_AUTO_KEY 1075: auto column must be a key
#define SCHEMA_ERR_UNKNOWN_KEY 44510      // ER_KEY_DOES_NOT_EXISTS 1176: renamed key missing
#define SCHEMA_ERR_NO_COLUMNS 44511       // ER_TABLE_MUST_HAVE_COLUMNS 1113 (also: none visible)
#define SCHEMA_ERR_BAD_JSON 44512         // a saved schema (JSON) is malformed
#define SCHEMA_ERR_JOIN_CONFLICT 44513    // two shard schemas cannot be joined
#define SCHEMA_ERR_DUP_CONSTRAINT 44514   // ER_DUP_CONSTRAINT_NAME 1826
#define SCHEMA_ERR_BAD_CHARSET 44515      // ER_UNKNOWN_CHARACTER_SET 1115 / ER_UNKNOWN_COLLATION 1273
#define SCHEMA_ERR_BAD_PREFIX 44516       // ER_WRONG_SUB_KEY 1089: bad index prefix length
#define SCHEMA_ERR_TOO_LONG 44517         // ER_TOO_BIG_FIELDLENGTH 1074 / ER_TOO_BIG_DISPLAYWIDTH 1439
#define SCHEMA_ERR_INVISIBLE 44519        // ER_INVISIBLE_NOT_NULL_WITHOUT_DEFAULT 4108
#define SCHEMA_ERR_BAD_EXPR 44523         // ER_GENERATED_COLUMN_FUNCTION_IS_NOT_ALLOWED 1901:
                                          // a CHECK on an AUTO_INCREMENT column
#define SCHEMA_ERR_FULLTEXT 44524         // ER_BAD_FT_COLUMN 1283: column type not for FULLTEXT
#define SCHEMA_ERR_CONFLICT 44522         // ER_CONFLICTING_DECLARATIONS 1302: two charsets given
#define SCHEMA_ERR_KEY_TOO_LONG 44521     // ER_TOO_LONG_KEY 1071: key over the engine's maximum
#define SCHEMA_ERR_BLOB_KEY 44518         // ER_BLOB_KEY_WITHOUT_LENGTH 1170: BLOB key without length

// schema_err_server_code returns the MariaDB error number a SCHEMA_ERR_* / TRACKER_ERR_* code
// mirrors (1060 for SCHEMA_ERR_DUP_COLUMN, ...), or 0 when it mirrors none.
int schema_err_server_code(int code);

typedef enum schema_base_type {
    SCHEMA_TYPE_TINYINT,
    SCHEMA_TYPE_SMALLINT,
    SCHEMA_TYPE_MEDIUMINT,
    SCHEMA_TYPE_INT,
    SCHEMA_TYPE_BIGINT,
    SCHEMA_TYPE_DECIMAL,
    SCHEMA_TYPE_FLOAT,
    SCHEMA_TYPE_DOUBLE,
    SCHEMA_TYPE_BIT,
    SCHEMA_TYPE_DATE,
    SCHEMA_TYPE_TIME,
    SCHEMA_TYPE_DATETIME,
    SCHEMA_TYPE_TIMESTAMP,
    SCHEMA_TYPE_YEAR,
    SCHEMA_TYPE_CHAR,
    SCHEMA_TYPE_VARCHAR,
    SCHEMA_TYPE_BINARY,
    SCHEMA_TYPE_VARBINARY,
    SCHEMA_TYPE_TINYTEXT,
    SCHEMA_TYPE_TEXT,
    SCHEMA_TYPE_MEDIUMTEXT,
    SCHEMA_TYPE_LONGTEXT,
    SCHEMA_TYPE_TINYBLOB,
    SCHEMA_TYPE_BLOB,
    SCHEMA_TYPE_MEDIUMBLOB,
    SCHEMA_TYPE_LONGBLOB,
    SCHEMA_TYPE_ENUM,
    SCHEMA_TYPE_SET,
    SCHEMA_TYPE_JSON, // input only: stored as LONGTEXT utf8mb4_bin CHECK (json_valid(col))
    SCHEMA_TYPE_GEOMETRY,
    SCHEMA_TYPE_POINT,
    SCHEMA_TYPE_LINESTRING,
    SCHEMA_TYPE_POLYGON,
    SCHEMA_TYPE_MULTIPOINT,
    SCHEMA_TYPE_MULTILINESTRING,
    SCHEMA_TYPE_MULTIPOLYGON,
    SCHEMA_TYPE_GEOMETRYCOLLECTION,
    SCHEMA_TYPE_INET4,
    SCHEMA_TYPE_INET6,
    SCHEMA_TYPE_UUID,
    SCHEMA_TYPE_COUNT_
} schema_base_type;

// schema_type_name returns the lowercase name SHOW CREATE TABLE uses ("int", "varchar").
const char *schema_type_name(schema_base_type t);

// Type categories.
bool schema_type_is_integer(schema_base_type t);
bool schema_type_is_numeric(schema_base_type t); // integers, DECIMAL, FLOAT, DOUBLE, BIT
bool schema_type_is_string(schema_base_type t);  // has a charset: CHAR..LONGTEXT, ENUM, SET
bool schema_type_is_blob(schema_base_type t);    // TINYTEXT..LONGBLOB
bool schema_type_is_temporal(schema_base_type t);

typedef struct schema_type {
    schema_base_type base;
    int64_t length;   // M: display width, char/byte length, precision, fsp; -1 = not given
    int scale;        // D of DECIMAL/FLOAT/DOUBLE; -1 = not given
    bool is_unsigned;
    bool zerofill;
    bool binary_attr; // CHAR(n) BINARY: use the charset's _bin collation (input only)
    char **elems;     // ENUM/SET values, unquoted
    size_t n_elems;
    char *charset;    // string types: resolved charset; NULL in a definition = inherit
    char *collation;  // string types: resolved collation; NULL in a definition = inherit
} schema_type;

typedef enum schema_default_kind {
    SCHEMA_DEFAULT_NONE = 0, // no DEFAULT clause (NOT NULL columns then have no default)
    SCHEMA_DEFAULT_NULL,     // DEFAULT NULL
    SCHEMA_DEFAULT_LITERAL,  // a constant
    SCHEMA_DEFAULT_EXPR,     // an expression (CURRENT_TIMESTAMP(n), (1 + 1), ...)
} schema_default_kind;

typedef struct schema_column {
    char *name;
    schema_type type;
    bool not_null;
    bool null_given;        // definition only: NULL was written explicitly
    bool no_default;        // ALTER ... DROP DEFAULT made a nullable column default-less:
                            // no DEFAULT clause is shown (not even DEFAULT NULL)
    schema_default_kind default_kind;
    // LITERAL: in a definition the SQL literal as written ('abc', 1.5, -3, b'101', 0x41, TRUE);
    // in a table the server's canonical text (1.50, 'a''b'). EXPR: the expression text, except
    // that CURRENT_TIMESTAMP / NOW() / LOCALTIME(STAMP) [(n)] become current_timestamp(n).
    char *default_text;
    char *on_update;        // NULL or "current_timestamp()" / "current_timestamp(n)"
    bool auto_increment;
    char *generated_expr;   // NULL unless GENERATED ALWAYS AS (expr): the text inside ()
    bool generated_stored;
    bool invisible;
    char *comment;          // NULL when none (unquoted text)
    char *check;            // column CHECK (expr) text, NULL when none
    bool inline_primary;    // definition only: PRIMARY KEY written on the column
    bool inline_unique;     // definition only: UNIQUE [KEY] written on the column
} schema_column;

typedef enum schema_index_kind {
    SCHEMA_INDEX_PRIMARY,
    SCHEMA_INDEX_UNIQUE,
    SCHEMA_INDEX_PLAIN,
    SCHEMA_INDEX_FULLTEXT,
    SCHEMA_INDEX_SPATIAL,
} schema_index_kind;

typedef struct schema_index_part {
    char *column;
    int64_t prefix; // prefix length in characters (bytes for binary types); 0 = whole column
    bool desc;
} schema_index_part;

typedef struct schema_index {
    schema_index_kind kind;
    char *name;        // "PRIMARY" for the primary key; NULL in a definition = generate
    schema_index_part *parts;
    size_t n_parts;
    char *using_type;  // "BTREE" / "HASH" / "RTREE" or NULL
    char *comment;     // NULL when none
} schema_index;

typedef struct schema_check {
    char *name; // NULL in a definition = generate CONSTRAINT_n
    char *expr; // text inside CHECK ( )
} schema_check;

typedef struct schema_option {
    char *key;   // upper case (MAX_ROWS, KEY_BLOCK_SIZE, ...)
    char *value; // as printed after '='
} schema_option;

typedef struct schema_table_options {
    char *engine;      // "InnoDB"
    char *charset;     // table default charset
    char *collation;   // table default collation
    char *comment;     // NULL when none (unquoted text)
    uint64_t auto_increment; // 0 = not shown
    char *row_format;  // NULL or upper case ("DYNAMIC")
    schema_option *other;
    size_t n_other;
    char *partition;   // verbatim PARTITION BY ... text, NULL when not partitioned
} schema_table_options;

// What CREATE TABLE says. Strings are borrowed; schema_table_build copies what it keeps.
typedef struct schema_create_def {
    const schema_column *columns;
    size_t n_columns;
    const schema_index *indexes;
    size_t n_indexes;
    const schema_check *checks;
    size_t n_checks;
    const schema_option *options; // ENGINE, [DEFAULT] CHARSET, COLLATE, COMMENT, ... any case
    size_t n_options;
    const char *partition;        // verbatim, may be NULL
} schema_create_def;

typedef enum schema_position_kind {
    SCHEMA_POS_DEFAULT = 0, // at the end (ADD) or where it is (CHANGE/MODIFY)
    SCHEMA_POS_FIRST,
    SCHEMA_POS_AFTER,
} schema_position_kind;

typedef enum schema_alter_kind {
    SCHEMA_ALTER_ADD_COLUMN,     // column, pos, after, if_not_exists
    SCHEMA_ALTER_CHANGE_COLUMN,  // name (old), column (new definition, new name), pos, after
    SCHEMA_ALTER_RENAME_COLUMN,  // name, new_name
    SCHEMA_ALTER_DROP_COLUMN,    // name, if_exists
    SCHEMA_ALTER_SET_DEFAULT,    // name, default_kind, default_text
    SCHEMA_ALTER_DROP_DEFAULT,   // name
    SCHEMA_ALTER_ADD_INDEX,      // index, if_not_exists
    SCHEMA_ALTER_DROP_INDEX,     // name ("PRIMARY" for DROP PRIMARY KEY), if_exists
    SCHEMA_ALTER_RENAME_INDEX,   // name, new_name
    SCHEMA_ALTER_ADD_CHECK,      // check
    SCHEMA_ALTER_DROP_CONSTRAINT,// name, if_exists (a CHECK constraint or a unique key)
    SCHEMA_ALTER_CONVERT_CHARSET,// charset (may be NULL = keep), collation (may be NULL)
    SCHEMA_ALTER_OPTION,         // option (table option; CHARSET/COLLATE change the default)
    SCHEMA_ALTER_RENAME_TABLE,   // new_name (the tracker moves the table between databases)
    SCHEMA_ALTER_PARTITION,      // partition: new verbatim text, NULL = REMOVE PARTITIONING
    SCHEMA_ALTER_NOOP,           // ALGORITHM=, LOCK=, FORCE, ENABLE KEYS...: no schema change
} schema_alter_kind;

typedef struct schema_alter_spec {
    schema_alter_kind kind;
    const char *name;
    const char *new_name;
    schema_column column;
    schema_position_kind pos;
    const char *after;
    schema_index index;
    schema_check check;
    schema_default_kind default_kind;
    const char *default_text;
    schema_option option;
    const char *charset;
    const char *collation;
    const char *partition;
    bool if_exists;
    bool if_not_exists;
} schema_alter_spec;

typedef struct schema_table schema_table;

// schema_charset_default_collation returns the default collation of a charset (any case;
// "utf8" means utf8mb3), or NULL when the charset is unknown. Static string.
const char *schema_charset_default_collation(const char *charset);
// schema_collation_charset writes the charset of a collation into out ("utf8mb4" for
// "utf8mb4_bin"). Errors: SCHEMA_ERR_BAD_CHARSET.
int schema_collation_charset(char *out, size_t size, const char *collation, dm_err *err);

// schema_quote_ident appends `name` with backticks doubled. Errors: DM_ERR_NOMEM.
int schema_quote_ident(dm_buf *out, const char *name);
// schema_quote_string appends 'text' escaped the way SHOW CREATE TABLE does ('' for ',
// \\ for \, \n, \r, \0, \Z). Errors: DM_ERR_NOMEM.
int schema_quote_string(dm_buf *out, const char *text);

// schema_table_build creates *out, a new table named name from def. db_charset/db_collation
// are the database defaults used when def gives none (NULL = utf8mb4/utf8mb4_general_ci);
// default_engine is used when def has no ENGINE (NULL = InnoDB). The caller owns *out.
// Errors: the SCHEMA_ERR_* codes MariaDB would raise for the same statement, DM_ERR_NOMEM.
int schema_table_build(schema_table **out, const char *name, const schema_create_def *def,
                       const char *db_charset, const char *db_collation,
                       const char *default_engine, dm_err *err);

// schema_table_destroy frees t. t may be NULL.
void schema_table_destroy(schema_table *t);

// schema_table_clone creates *out, a deep copy of t. Errors: DM_ERR_NOMEM.
int schema_table_clone(schema_table **out, const schema_table *t, dm_err *err);

// schema_table_alter applies the specs of one ALTER TABLE to t, all or nothing: on error t
// is unchanged. Specs are applied as MariaDB does (drops are checked against the table as it
// was, new columns are placed after changed ones, keys follow renamed columns and lose
// dropped ones). Errors: the SCHEMA_ERR_* codes MariaDB would raise, DM_ERR_NOMEM.
int schema_table_alter(schema_table *t, const schema_alter_spec *specs, size_t n_specs,
                       dm_err *err);

// schema_alter_check_conflicts reports what the server's parser rejects in a list of specs
// before looking at any table: two different character sets (CONVERT TO / CHARSET=).
// schema_table_alter runs it too. Errors: SCHEMA_ERR_CONFLICT.
int schema_alter_check_conflicts(const schema_alter_spec *specs, size_t n_specs, dm_err *err);

// schema_table_set_name renames t. Errors: DM_ERR_NOMEM.
int schema_table_set_name(schema_table *t, const char *name, dm_err *err);

// schema_table_print appends t as MariaDB 10.11's SHOW CREATE TABLE prints it (no trailing
// newline). Errors: DM_ERR_NOMEM.
int schema_table_print(dm_buf *out, const schema_table *t, dm_err *err);

// schema_table_to_json returns a new JSON object (caller owns the reference) describing t
// completely, or NULL when out of memory or when a name or text is not valid UTF-8. Returned as struct json_t * so this header does not
// need jansson.h.
struct json_t *schema_table_to_json(const schema_table *t);

// schema_table_from_json creates *out from what schema_table_to_json produced.
// Errors: SCHEMA_ERR_BAD_JSON naming the missing or malformed member, DM_ERR_NOMEM.
int schema_table_from_json(schema_table **out, const struct json_t *json, dm_err *err);

// Accessors. Pointers stay valid until t is changed or destroyed.
const char *schema_table_name(const schema_table *t);
size_t schema_table_column_count(const schema_table *t);
const schema_column *schema_table_column(const schema_table *t, size_t i);
size_t schema_table_index_count(const schema_table *t);
const schema_index *schema_table_index(const schema_table *t, size_t i);
size_t schema_table_check_count(const schema_table *t);
const schema_check *schema_table_check(const schema_table *t, size_t i);
const schema_table_options *schema_table_get_options(const schema_table *t);

// schema_table_find_column finds a column by name, ignoring case as MariaDB does; stores its
// position in *pos when pos is not NULL. Returns NULL when there is none.
const schema_column *schema_table_find_column(const schema_table *t, const char *name,
                                              size_t *pos);
// schema_table_find_index finds an index by name, ignoring case. NULL when there is none.
const schema_index *schema_table_find_index(const schema_table *t, const char *name);

// schema_table_handle_key returns the key the applier identifies rows by: the primary key, or
// else the first UNIQUE key whose columns are all NOT NULL (and not prefixes), or NULL.
const schema_index *schema_table_handle_key(const schema_table *t);

// schema_column_binlog_info describes how a column appears in a row event: its MySQL
// field type code (MYSQL_TYPE_*: 1 TINY ... 254 STRING), whether integers are unsigned, and
// the column's maximum byte length in its charset (0 when not a string).
typedef struct schema_binlog_info {
    int field_type;
    bool is_unsigned;
    int64_t max_bytes;
    int mbmaxlen;
} schema_binlog_info;
void schema_column_binlog_info(schema_binlog_info *out, const schema_column *c);

// Optimistic shard merge (DM's schemacmp rules; see docs/schema-tracker.md).
typedef enum schema_cmp_result {
    SCHEMA_CMP_EQUAL,
    SCHEMA_CMP_A_CONTAINS_B, // every row valid for b is valid for a (a is more general)
    SCHEMA_CMP_B_CONTAINS_A,
    SCHEMA_CMP_CONFLICT,
} schema_cmp_result;

// schema_compare orders two table schemas. On SCHEMA_CMP_CONFLICT the reason is written to
// reason (NUL-terminated, may be NULL). Names of the tables are not compared.
schema_cmp_result schema_compare(const schema_table *a, const schema_table *b, char *reason,
                                 size_t reason_size);

// schema_join creates *out, the least general schema containing both a and b, named like a.
// Errors: SCHEMA_ERR_JOIN_CONFLICT with the reason, DM_ERR_NOMEM.
int schema_join(schema_table **out, const schema_table *a, const schema_table *b, dm_err *err);

#endif
