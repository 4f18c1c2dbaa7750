// sync: the incremental sync unit (DM's syncer).
//
// sync_run reads the upstream's binlog from a start location (evsource), decodes row events
// (binlog.h; column names from the table map's FULL metadata, else from the downstream
// table), applies the block/allow list, binlog event filter and routes of the task
// (rules_set_create), turns rows into DML (dml.h) dispatched by key (causality.h) to
// syncers.worker-count workers that commit batches of up to syncers.batch changes on their
// own downstream connections, executes DDL (rewritten by routes) as a barrier, and keeps
// checkpoints in the downstream meta schema (checkpoint.h). See docs/sync.md.
//
// Start location: the global checkpoint when one exists; else opts->start (the load's
// snapshot location in `all` mode); else the task instance's meta (binlog-name/pos). Safe
// mode (idempotent REPLACE / DELETE+REPLACE) is on while events are at or before the
// furthest applied location (after a crash), before opts->safe_until (after a load), and
// always with syncers.safe-mode.
//
// Threading: sync_run runs on the caller's thread (the binlog reader) and starts the worker
// threads itself; it returns when *opts->stop becomes true, sync_stop is called, or on an
// error. sync_stop and sync_handle_error may be called from any thread while sync_run runs.
//
// Error codes (sync class):
//   SYNC_ERR_NO_START   36002  no checkpoint, no start location and no task meta
//   SYNC_ERR_EXEC       36003  a DML statement failed downstream with a non-transient error;
//                              the message carries the event's start and end location
//   SYNC_ERR_DDL        36004  a DDL failed (parse or downstream execution); message carries
//                              the location and statement; resolve with sync_handle_error
//   SYNC_ERR_SCHEMA     36005  a table's columns cannot be known (no FULL metadata and the
//                              downstream table differs or is missing)
//   SYNC_ERR_DECODE     36006  an event cannot be decoded (location, event type)
//   SYNC_ERR_HANDLE     36007  a bad sync_handle_error request
//   SYNC_ERR_CONFIG     36008  the task has no instance for the source, or bad settings
// Plus DML_ERR_BAD_ROW (dml.h), CHECKPOINT_ERR_* (checkpoint.h), the evsource's errors,
// DM_ERR_DB*, DM_ERR_NOMEM.
#ifndef SYNC_H
#define SYNC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "checkpoint.h"
#include "dm_err.h"

#define SYNC_ERR_NO_START 36002
#define SYNC_ERR_EXEC 36003
#define SYNC_ERR_DDL 36004
#define SYNC_ERR_SCHEMA 36005
#define SYNC_ERR_DECODE 36006
#define SYNC_ERR_HANDLE 36007
#define SYNC_ERR_CONFIG 36008

struct config_task;
struct config_source;

typedef struct sync_opts {
    const struct config_task *task;     // required; kept by reference while the unit lives
    const struct config_source *source; // required (upstream connection, source filters)
    const checkpoint_loc *start;        // start when no checkpoint exists; NULL = task meta
    const checkpoint_loc *safe_until;   // safe mode up to here (load snapshot); may be NULL
    atomic_bool *stop;                  // may be NULL; sync_run returns once it is true
    unsigned replica_server_id;         // server id to register upstream; 0 = derived
    const char *relay_addr;             // read relayd's segment stream there (kept by
                                        // reference); NULL = the upstream's binlog directly
} sync_opts;

typedef struct sync_unit sync_unit;

// sync_create checks the options and compiles the task's rules for the source (also its
// expression filters: row_expr_check_task). Nothing connects yet. Errors:
// SYNC_ERR_CONFIG, the rules' and row_expr's errors, DM_ERR_NOMEM.
int sync_create(sync_unit **out, const sync_opts *opts, dm_err *err);


// sync_run replicates until stopped (returns 0) or an error (returns its code, details in
// err, the checkpoint left at the last consistent location). It may be called again after
// it returned (resume), e.g. after sync_handle_error. Errors: see above.
int sync_run(sync_unit *s, dm_err *err);

// sync_stop asks a running sync_run to return. Thread-safe, idempotent.
void sync_stop(sync_unit *s);

typedef enum sync_handle_op {
    SYNC_HANDLE_SKIP = 1, // do not execute the DDL at the location
    SYNC_HANDLE_REPLACE,  // execute the given statements instead
    SYNC_HANDLE_REVERT,   // forget an earlier skip/replace for the location
} sync_handle_op;

// sync_handle_error registers what to do with the DDL event starting (or ending) at
// location "file:pos" the next time the unit reaches it (DM's handle-error). sqls/n are the
// replacement statements for REPLACE (copied). Thread-safe. Errors: SYNC_ERR_HANDLE (bad
// location, REPLACE without statements, REVERT of nothing), DM_ERR_NOMEM.
int sync_handle_error(sync_unit *s, const char *location, sync_handle_op op,
                      const char *const *sqls, size_t n, dm_err *err);

// sync_status_json returns a new object (caller owns) with DM's query-status sync block:
// totalEvents, totalTps, recentTps (transactions per second since sync_run began),
// masterBinlog (end of the last event read, "(file, pos)"), syncerBinlog and
// syncerBinlogGtid (the last global checkpoint), blockingDDLs, unresolvedGroups (empty: no
// shard DDL coordination yet), synced (caught up and checkpointed), binlogType ("remote":
// the upstream; "local": relayd), secondsBehindMaster (0 when synced). Thread-safe. NULL when
// out of memory.
struct json_t *sync_status_json(sync_unit *s);

// sync_location copies the last checkpointed location into *out. Thread-safe.
void sync_location(checkpoint_loc *out, sync_unit *s);

// sync_destroy frees s (not while sync_run runs). NULL accepted.
void sync_destroy(sync_unit *s);

#endif
