// tracker: the schema tracker, a catalog of databases and tables that follows the DDL of an
// upstream server.
//
// The applier feeds every DDL statement it replicates, in binlog order, to tracker_apply
// (parsed by ddl_parse) or tracker_exec (text). The tracker changes its catalog exactly as
// the server did, or rejects the statement with the error the server would have raised
// (unknown database, unknown table, table exists, duplicate column name, can't DROP ...;
// see the codes below and in schema.h, and schema_err_server_code for the MariaDB number).
// A rejected statement changes nothing, except DROP TABLE, which drops the tables that exist
// before reporting the missing ones, as the server does.
//
// Names: with lower_case_table_names = 0 database and table names are case-sensitive; with
// 1 they are stored in lower case and compared ignoring case; with 2 they are stored as
// given and compared ignoring case (the server's semantics). Column and index names always
// compare ignoring case.
//
// State can be saved to JSON (tracker_to_json, stored in dm_meta by the applier) and restored
// (tracker_from_json). A tracker is not thread-safe; callers serialise access.
//
// Error codes (schema class):
#ifndef TRACKER_H
#define TRACKER_H

#include <stdbool.h>
#include <stddef.h>

#include "dm_err.h"
#include "schema.h"

#define TRACKER_ERR_UNKNOWN_DB 44530    // ER_BAD_DB_ERROR 1049: Unknown database 'x'
#define TRACKER_ERR_DB_EXISTS 44531     // ER_DB_CREATE_EXISTS 1007: database exists
#define TRACKER_ERR_DROP_DB 44532       // ER_DB_DROP_EXISTS 1008: database doesn't exist
#define TRACKER_ERR_TABLE_EXISTS 44533  // ER_TABLE_EXISTS_ERROR 1050: Table 'x' already exists
#define TRACKER_ERR_UNKNOWN_TABLE 44534 // ER_BAD_TABLE_ERROR 1051: Unknown table 'db.x' (DROP)
#define TRACKER_ERR_NO_SUCH_TABLE 44535 // ER_NO_SUCH_TABLE 1146: Table 'db.x' doesn't exist
#define TRACKER_ERR_BAD_STATE 44536     // saved tracker JSON is malformed
#define TRACKER_ERR_NO_DB 44539         // ER_NO_DB_ERROR 1046: No database selected
#define TRACKER_ERR_NOT_UNIQUE 44538    // ER_NONUNIQ_TABLE 1066: CREATE TABLE t LIKE t
#define TRACKER_ERR_UNSUPPORTED 44537   // a statement whose effect cannot be derived from its
                                        // text (CREATE TABLE ... SELECT, functional key parts)

typedef struct tracker_options {
    int lower_case_table_names;   // 0, 1 or 2, as the upstream's variable
    const char *server_charset;   // character_set_server; NULL = "utf8mb4"
    const char *server_collation; // collation_server; NULL = the charset's default
    const char *default_engine;   // default_storage_engine; NULL = "InnoDB"
} tracker_options;

typedef struct tracker tracker;
struct ddl_stmt;

// tracker_create makes an empty catalog (no databases). opts may be NULL (defaults above).
// Errors: DM_ERR_INVALID_ARG (bad lower_case_table_names or charset), DM_ERR_NOMEM.
int tracker_create(tracker **out, const tracker_options *opts, dm_err *err);

// tracker_destroy frees t and every table in it. t may be NULL.
void tracker_destroy(tracker *t);

// tracker_apply applies one parsed statement. current_db is the session's default database
// (the QUERY event's schema; may be NULL). sql, when not NULL, is quoted in err->cause so the
// error carries the statement. Statements without schema effect (DML, views, routines,
// transactions, TRUNCATE of an existing table, CREATE TEMPORARY TABLE) succeed unchanged.
// Errors: TRACKER_ERR_*, SCHEMA_ERR_*, DM_ERR_NOMEM; t is unchanged on error (but see DROP
// TABLE above).
int tracker_apply(tracker *t, const struct ddl_stmt *stmt, const char *current_db,
                  const char *sql, dm_err *err);

// tracker_exec parses sql (one statement, MariaDB syntax) with ddl_parse and applies it as
// tracker_apply does. Errors: the parser's DDL_ERR_* codes plus those of tracker_apply.
int tracker_exec(tracker *t, const char *sql, const char *current_db, dm_err *err);

// tracker_create_database adds a database (charset/collation may be NULL = server default).
// Errors: TRACKER_ERR_DB_EXISTS unless if_not_exists, SCHEMA_ERR_BAD_CHARSET, DM_ERR_NOMEM.
int tracker_create_database(tracker *t, const char *db, const char *charset,
                            const char *collation, bool if_not_exists, dm_err *err);

// tracker_drop_database removes a database and its tables.
// Errors: TRACKER_ERR_DROP_DB unless if_exists.
int tracker_drop_database(tracker *t, const char *db, bool if_exists, dm_err *err);

// tracker_put_table stores table in db, replacing a table of the same name; on success the
// tracker owns table (on error the caller keeps it). Errors: TRACKER_ERR_UNKNOWN_DB,
// DM_ERR_NOMEM.
int tracker_put_table(tracker *t, const char *db, schema_table *table, dm_err *err);

// tracker_get_table returns the table or NULL. The pointer stays valid until the next
// change of the tracker.
const schema_table *tracker_get_table(const tracker *t, const char *db, const char *table);

// tracker_has_database tells whether db exists.
bool tracker_has_database(const tracker *t, const char *db);

// tracker_list_databases / tracker_list_tables return new arrays of names (sorted; free each
// string and the array, or use tracker_free_names). Errors: TRACKER_ERR_UNKNOWN_DB,
// DM_ERR_NOMEM.
int tracker_list_databases(char ***out, size_t *n_out, const tracker *t, dm_err *err);
int tracker_list_tables(char ***out, size_t *n_out, const tracker *t, const char *db,
                        dm_err *err);
void tracker_free_names(char **names, size_t n);

// tracker_to_json returns a new JSON object with the whole catalog (caller owns the
// reference), or NULL when out of memory or when a name or text is not valid UTF-8 (JSON
// cannot hold it).
struct json_t *tracker_to_json(const tracker *t);

// tracker_from_json makes a new tracker from tracker_to_json's output. The options stored in
// the JSON win over opts for lower_case_table_names. Errors: TRACKER_ERR_BAD_STATE naming the
// bad member, SCHEMA_ERR_BAD_JSON, DM_ERR_NOMEM.
int tracker_from_json(tracker **out, const struct json_t *json, dm_err *err);

#endif
