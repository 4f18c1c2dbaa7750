// subtask: one DM subtask (a task's mysql-instance for one source) run by applierd: the
// full phase (dump + load) with a chunk-exact, resumable checkpoint in the downstream.
//
// Lifecycle: subtask_create (configs are copied as needed; the caller may free them after
// subtask_run returns), subtask_run (blocking, from one thread), subtask_destroy.
// subtask_status_json, subtask_handle_error and subtask_stop may be called from any thread
// while subtask_run runs. A subtask runs once: to resume after a pause or an error, create
// a new one (the downstream checkpoints make it continue where the last run stopped).
//
// Error codes (applier class, 40001-41999):
//   SUBTASK_ERR_NO_INSTANCE 40001  the task has no mysql-instance for the source's id
//   SUBTASK_ERR_SCHEMA      40003  a database or table could not be created downstream
//                                  (message names it and the statement)
//   SUBTASK_ERR_STOPPED     40004  subtask_stop was called before the load finished
// plus the dump (32001-) and load (34001-) codes, DM_ERR_DB*, config/rules errors.
#ifndef SUBTASK_H
#define SUBTASK_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "dm_err.h"
#include "sync.h"

#define SUBTASK_ERR_NO_INSTANCE 40001
#define SUBTASK_ERR_SCHEMA 40003
#define SUBTASK_ERR_STOPPED 40004

typedef struct subtask subtask;

typedef struct subtask_opts {
    const char *applier_id;  // recorded in the checkpoint; NULL = "applierd"
    unsigned log_interval_s; // progress log period; 0 = 10 s
    int load_method;         // a load_method (load.h); 0 = LOAD_METHOD_LOAD_DATA
    const char *relay_addr;  // relayd's address: the incremental phase reads the relay's
                             // segment stream (copied); NULL = the upstream's binlog
} subtask_opts;

// subtask_create prepares the subtask of task for source (the mysql-instance whose
// source-id is source->source_id): compiles its block/allow list and routes. task and
// source must outlive the subtask. Errors: CONFIG_ERR_UNSUPPORTED (a feature this build
// does not run: config_task_unsupported), SUBTASK_ERR_NO_INSTANCE, the rules' errors,
// DM_ERR_NOMEM.
int subtask_create(subtask **out, const config_source *source, const config_task *task,
                   const subtask_opts *opts, dm_err *err);

// subtask_destroy frees s. s may be NULL. Not while subtask_run runs.
void subtask_destroy(subtask *s);

// subtask_run runs the subtask: the full phase (`full`, `all`), then for `all` and
// `incremental` the sync unit (applierd/sync.h) until subtask_stop. Returns 0 when the load
// is finished and the task-mode is `full`, or when a running sync unit was stopped;
// otherwise the error that stopped it (the
// subtask is then Paused: chunks already loaded stay, a new run resumes; the sync unit
// resumes from its checkpoint).
int subtask_run(subtask *s, dm_err *err);

// subtask_handle_error registers DM's handle-error for the DDL at location ("file:pos")
// with the sync unit: now when it runs, else when it starts (requests are kept for the
// subtask's life, in order, so a sync restarted from an older checkpoint honours them
// again). Thread-safe. Errors: sync_handle_error's (SYNC_ERR_HANDLE), DM_ERR_NOMEM.
int subtask_handle_error(subtask *s, const char *location, sync_handle_op op,
                         const char *const *sqls, size_t n, dm_err *err);

// subtask_stop asks a running subtask to stop after the chunks being loaded. Thread-safe.
void subtask_stop(subtask *s);

// subtask_status_json returns a new jansson object (caller owns) with the subtask's stage
// ("Running", "Finished", "Paused"), unit ("Dump"/"Load") and DM's load status block:
// finishedBytes, totalBytes, progress ("45.67 %"), metaBinlog ("(file, pos)"),
// metaBinlogGTID, bps, plus finishedChunks, totalChunks, eta (seconds, -1 unknown) and the
// error when Paused. Thread-safe. NULL when out of memory.
struct json_t *subtask_status_json(subtask *s);

struct dm_rpc_reply;
struct dm_rpc_request;

// subtask_rpc_handler is applierd's dm_rpc handler (arg: the running subtask, or NULL when
// none). Method "status" returns {"subtasks": [subtask_status_json(arg)]} ([] for NULL);
// other methods fail with DM_RPC_ERR_UNKNOWN_METHOD. Thread-safe.
int subtask_rpc_handler(struct dm_rpc_reply *out, const struct dm_rpc_request *req, void *arg,
                        dm_err *err);

// subtask_progress_text formats the load progress as one log line into out. Thread-safe.
char *subtask_progress_text(char *out, size_t size, subtask *s);

#endif
