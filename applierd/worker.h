// worker: applierd --join, an applier that runs the subtasks a controller assigns to it.
//
// The worker registers with the controller, sends a keepalive every second carrying the
// status of each of its subtasks, and reconciles to the desired state in the reply: a thread
// per assigned Running subtask (subtask_create + subtask_run), subtask_stop when a subtask
// is Paused or no longer assigned, and a restart of a subtask that stopped (with an error or
// not) only when the controller's generation for it grows. Fencing: when no keepalive has
// been acknowledged for the controller's TTL (measured from the send time of the last one
// acknowledged), the worker stops every subtask, so that the controller may hand them to
// another applier once the TTL has passed on its side.
//
// Threading: worker_run blocks on the caller's thread (the keepalive loop); worker_stop and
// worker_rpc_handler may be called from any thread.
//
// Error codes (applierd worker, 40101-40199):
//   WORKER_ERR_REGISTER   40101  the controller refused the registration (name taken)
//   WORKER_ERR_CONFIG     40102  an assigned task or source configuration does not load
//   WORKER_ERR_HANDLE     40103  a bad handle-error request (no op; no position given and no
//                                error with one) or
//                                one for a subtask this worker does not run
#ifndef WORKER_H
#define WORKER_H

#include "dm_err.h"
#include "dm_rpc.h"

#define WORKER_ERR_REGISTER 40101
#define WORKER_ERR_CONFIG 40102
#define WORKER_ERR_HANDLE 40103

typedef struct worker worker;

typedef struct worker_opts {
    const char *name;      // required: member name
    const char *addr;      // required: HOST:PORT it serves status on (and reports)
    const char *join;      // required: controller HOST:PORT
    int load_method;       // a load_method (load.h); 0 = default
    unsigned keepalive_ms; // 0 = 1000
} worker_opts;

// worker_create copies opts. Errors: DM_ERR_INVALID_ARG, DM_ERR_NOMEM.
int worker_create(worker **out, const worker_opts *opts, dm_err *err);

// worker_run serves dm_rpc on opts->addr and runs the keepalive/reconcile loop until
// worker_stop; then stops every subtask and waits for them. Errors: DM_ERR_NET (the
// address cannot be served), WORKER_ERR_REGISTER (name taken: the loop does not start).
int worker_run(worker *w, dm_err *err);

// worker_stop asks worker_run to return. Thread-safe, async-signal-unsafe.
void worker_stop(worker *w);

// worker_destroy frees w (after worker_run returned). w may be NULL.
void worker_destroy(worker *w);

// worker_rpc_handler serves "status" ({"name", "subtasks": [...] as in the keepalive}) and
// "handle-error" ({task, source, op: skip|replace|revert, binlog_pos: "file:pos" or "" for
// the location of the error the subtask stopped on, sqls}:
// given to the running subtask (subtask_handle_error) and kept for its later restarts until
// it is unassigned; result {"result": true}; errors WORKER_ERR_HANDLE, SYNC_ERR_HANDLE).
// arg: the worker. Thread-safe.
int worker_rpc_handler(dm_rpc_reply *out, const dm_rpc_request *req, void *arg, dm_err *err);

#endif
