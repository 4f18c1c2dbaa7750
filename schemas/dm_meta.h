// dm_meta: the downstream tables appliers keep their progress in.
//
// Every applier writes its state into the downstream database, in a meta schema named by
// the task configuration (DM's `meta-schema`, default "dm_meta"), so that any applier can
// resume any subtask. The tables follow DM's names and columns where DM has them
// (dm/syncer/checkpoint.go, dm/loader/checkpoint.go, dm/syncer/onlineddl, the sharding
// meta), adapted to this design; every table has a PRIMARY KEY (DM uses UNIQUE KEYs) so that
// the downstream, TiDB included, can upsert rows by key.
//
// <task>_syncer_checkpoint: one global row (is_global = 1, cp_schema = cp_table = '') per
//   source with the position the sync unit has durably applied up to, and one row per
//   upstream table with that table's position and tracked schema.
//   id                     source id (DM: the checkpoint id is the source id)
//   cp_schema, cp_table    upstream table; '' and '' in the global row
//   binlog_name/_pos/_gtid the location up to which every event is applied downstream
//                          (pos is BIGINT: binlog files larger than 4 GiB must work)
//   binlog_epoch           relay epoch of that location (upstream failover starts a new one)
//   exit_safe_binlog_*     the furthest location applied before a stop: until the sync unit
//                          passes it again it runs in safe mode (DM's safe-mode exit point)
//   table_info             the table's schema as tracked (schema_table_to_json); in the
//                          global row the whole tracker (tracker_to_json) so that a resumed
//                          applier knows databases and tables without any per-table row
//   is_global              1 for the global row
//   create_time/update_time bookkeeping, as DM
// <task>_loader_checkpoint: one row per dump chunk, so a load resumes chunk-exactly on any
//   applier (DM's loader kept one row per dump file with an offset).
//   id                     source id
//   cp_schema, cp_table    upstream table of the chunk
//   chunk_id               ordinal of the chunk within the table
//   range_lower/upper      the chunk's key range as JSON arrays of key values, lower
//                          inclusive, upper exclusive; NULL means unbounded
//   status                 pending, loading, finished
//   rows_loaded            rows written downstream when the chunk finished
//   snapshot_binlog_*      the consistent-snapshot location the chunk was dumped at: sync
//                          runs in safe mode until it passes the newest of them
//   applier_id             the applier loading the chunk (taken over when it dies)
// <task>_onlineddl: gh-ost/pt-osc state per ghost table, as DM.
//   id                     source id
//   ghost_schema/table     the ghost (or origin) table
//   ddls                   the DDL statements recorded for it, JSON
// <task>_syncer_sharding_meta: pessimistic shard-DDL state per (target, source) table, as
//   DM. Optimistic shard-DDL state lives in the controller, as DM keeps it in etcd.
//   source_id, target_table_id, source_table_id  key; table ids are `schema`.`table`
//   active_index           index of the DDL sequence item being coordinated
//   is_global              1 for the row describing the whole sharding group
//   data                   the DDL sequence, JSON
//
// Error codes (schema class):
#ifndef DM_META_H
#define DM_META_H

#include <stddef.h>

#include "dm_buf.h"
#include "dm_err.h"

#define DM_META_ERR_BAD_NAME 44560 // empty meta schema/task name, or a table name over 64 chars

typedef enum dm_meta_table {
    DM_META_SYNCER_CHECKPOINT,
    DM_META_LOADER_CHECKPOINT,
    DM_META_ONLINEDDL,
    DM_META_SHARDING_META,
    DM_META_TABLE_COUNT
} dm_meta_table;

// dm_meta_table_name appends the unquoted table name ("<task>_syncer_checkpoint").
// Errors: DM_META_ERR_BAD_NAME, DM_ERR_INVALID_ARG (which out of range), DM_ERR_NOMEM.
int dm_meta_table_name(dm_buf *out, dm_meta_table which, const char *task, dm_err *err);

// dm_meta_qualified_name appends `meta_schema`.`<task>_...` with backquotes escaped.
// Errors: as dm_meta_table_name.
int dm_meta_qualified_name(dm_buf *out, dm_meta_table which, const char *meta_schema,
                           const char *task, dm_err *err);

// dm_meta_create_schema_sql appends CREATE DATABASE IF NOT EXISTS `meta_schema`.
// Errors: DM_META_ERR_BAD_NAME, DM_ERR_NOMEM.
int dm_meta_create_schema_sql(dm_buf *out, const char *meta_schema, dm_err *err);

// dm_meta_create_table_sql appends CREATE TABLE IF NOT EXISTS for one table.
// Errors: as dm_meta_table_name.
int dm_meta_create_table_sql(dm_buf *out, dm_meta_table which, const char *meta_schema,
                             const char *task, dm_err *err);

// dm_meta_create_all returns a new array of *n_out new statements: the CREATE DATABASE then
// every CREATE TABLE, in dm_meta_table order (free each and the array). Errors: as above.
int dm_meta_create_all(char ***out, size_t *n_out, const char *meta_schema, const char *task,
                       dm_err *err);

#endif
