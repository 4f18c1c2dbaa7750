// checkpoint: the sync unit's progress in the downstream meta schema.
//
// Table `<meta-schema>`.`<task>_syncer_checkpoint` (defined by schemas/dm_meta.h) holds, per source id:
// - the global row (cp_schema = cp_table = '', is_global = 1): binlog_name/pos/gtid, the
//   location up to which every event is applied downstream. Sync resumes there.
// - one progress row per worker (cp_schema = '', cp_table = '#worker-N', is_global = 0):
//   exit_safe_binlog_name/pos, the end of the last event whose change that worker committed;
//   it is written in the same downstream transaction as the change, so after a crash the
//   largest of them is the furthest location ever applied. Between the global checkpoint
//   and that location replay must be idempotent (safe mode).
// The global row's table_info holds the schema tracker's state (tracker_to_json) at that
// location, so a resumed run decodes rows with the schemas the binlog was written with.
// - one row per upstream table changed by a DDL (cp_schema, cp_table, is_global = 0): the
//   DDL's end location and the table's tracked schema (schema_table_to_json) after it.
//
// Locations compare by binlog file (same base name, numeric extension) then offset.
//
// A checkpoint object is immutable after checkpoint_create and may be shared by threads;
// each thread passes its own MYSQL connection.
//
// Error codes (checkpoint class):
//   CHECKPOINT_ERR_BAD_LOC   24001  a location text is malformed ("file:pos" expected)
//   CHECKPOINT_ERR_BAD_ROW   24002  a stored checkpoint row is malformed
//   CHECKPOINT_ERR_NAME      24003  meta schema, task or source id empty or too long
// Also DM_ERR_DB, DM_ERR_DB_RETRYABLE from the downstream, DM_ERR_NOMEM.
#ifndef CHECKPOINT_H
#define CHECKPOINT_H

#include <stdbool.h>
#include <stdint.h>

#include <mysql.h>

#include "dm_buf.h"
#include "dm_err.h"

#define CHECKPOINT_ERR_BAD_LOC 24001
#define CHECKPOINT_ERR_BAD_ROW 24002
#define CHECKPOINT_ERR_NAME 24003

#define CHECKPOINT_FILE_MAX 128
#define CHECKPOINT_GTID_MAX 1024

typedef struct checkpoint_loc {
    char file[CHECKPOINT_FILE_MAX]; // "" = no location
    uint64_t pos;
    char gtid[CHECKPOINT_GTID_MAX]; // executed GTID set text, may be ""
} checkpoint_loc;

// checkpoint_loc_cmp orders two locations: <0, 0, >0. An empty location is before any other.
// Files compare by base name, then by the number after the last '.', then as text.
int checkpoint_loc_cmp(const checkpoint_loc *a, const checkpoint_loc *b);

// checkpoint_loc_parse reads "file:pos" (pos decimal) into *out (gtid cleared).
// Errors: CHECKPOINT_ERR_BAD_LOC naming the text.
int checkpoint_loc_parse(checkpoint_loc *out, const char *text, dm_err *err);

typedef struct checkpoint checkpoint;

// checkpoint_create names the table for task/source_id in meta_schema. Errors:
// CHECKPOINT_ERR_NAME, DM_ERR_NOMEM.
int checkpoint_create(checkpoint **out, const char *meta_schema, const char *task,
                      const char *source_id, dm_err *err);
// checkpoint_destroy frees cp; NULL accepted.
void checkpoint_destroy(checkpoint *cp);

// checkpoint_prepare creates the meta schema and table when missing. Errors: DM_ERR_DB*.
int checkpoint_prepare(const checkpoint *cp, MYSQL *conn, dm_err *err);

typedef struct checkpoint_state {
    bool found;                // a global row exists
    checkpoint_loc global;     // its location
    checkpoint_loc exit_safe;  // the furthest applied location (max of the progress rows and
                               // the global row); empty when none
    char *table_info;          // the global row's table_info (malloc'ed), NULL when empty/{}
} checkpoint_state;

// checkpoint_load reads the source's rows into *out (free with checkpoint_state_fini).
// Errors: CHECKPOINT_ERR_BAD_ROW, DM_ERR_DB*, DM_ERR_NOMEM.
int checkpoint_load(checkpoint_state *out, const checkpoint *cp, MYSQL *conn, dm_err *err);
// checkpoint_state_fini frees st's table_info; st may be NULL.
void checkpoint_state_fini(checkpoint_state *st);

// checkpoint_global_sql appends the upsert of the global row at loc, with table_info (JSON
// text) when not NULL (NULL keeps the stored one). checkpoint_progress_sql appends the upsert
// of worker's progress row at loc. Errors: DM_ERR_NOMEM.
int checkpoint_global_sql(dm_buf *out, const checkpoint *cp, const checkpoint_loc *loc,
                          const char *table_info, dm_err *err);
int checkpoint_progress_sql(dm_buf *out, const checkpoint *cp, unsigned worker,
                            const checkpoint_loc *loc, dm_err *err);

// checkpoint_table_sql appends the upsert of upstream table db.table's row at loc with
// table_info (JSON text); with table_info NULL it appends the DELETE of that row (the table
// was dropped). Errors: DM_ERR_NOMEM.
int checkpoint_table_sql(dm_buf *out, const checkpoint *cp, const char *db, const char *table,
                         const checkpoint_loc *loc, const char *table_info, dm_err *err);

// checkpoint_save_global writes the global row at loc (autocommit), with table_info as in
// checkpoint_global_sql. Errors: DM_ERR_DB*, DM_ERR_NOMEM.
int checkpoint_save_global(const checkpoint *cp, MYSQL *conn, const checkpoint_loc *loc,
                           const char *table_info, dm_err *err);

// Online DDL (gh-ost / pt-osc) state: table `<meta-schema>`.`<task>_onlineddl`, one row per
// ghost table of the source with the DDL statements recorded for it (JSON text, the sync
// unit's format).
typedef int (*checkpoint_online_fn)(void *arg, const char *schema, const char *table, const char *ddls,
                                    dm_err *err);

// checkpoint_online_load creates the table if missing, then calls fn for each of the
// source's rows. Errors: DM_ERR_DB*, DM_ERR_NOMEM, fn's (which stop the walk).
int checkpoint_online_load(const checkpoint *cp, MYSQL *conn, checkpoint_online_fn fn, void *arg, dm_err *err);

// checkpoint_online_sql appends the statement that stores ddls for ghost table schema.table
// (REPLACE), or deletes its row when ddls is NULL. Errors: DM_ERR_NOMEM.
int checkpoint_online_sql(dm_buf *out, const checkpoint *cp, const char *schema, const char *table, const char *ddls,
                          dm_err *err);

// checkpoint_clear deletes every row of the source (a task restarted from scratch).
// Errors: DM_ERR_DB*.
int checkpoint_clear(const checkpoint *cp, MYSQL *conn, dm_err *err);

// checkpoint_needs_safe_mode tells whether an event ending at loc lies in the replay window
// (loc <= exit_safe), where changes may already be applied downstream.
bool checkpoint_needs_safe_mode(const checkpoint_loc *loc, const checkpoint_loc *exit_safe);

#endif
