// controller: the cluster's control plane (DM's dm-master): sources, tasks, subtask stages
// and bindings, relay bindings and stages, and the members (relayd, applierd --join) that
// register and keep alive. Serves every method of docs/controller.md over dm_rpc.
//
// State lives in memory and in a ctl_store under --data-dir; every change is written
// before the reply that reports it, so a controller killed with -9 and restarted continues
// where it was. Members are given a fresh TTL at start so they can reconnect.
//
// Threading: controller_handle runs on any number of dm_rpc workers; controller_tick on one
// thread (controller_start runs it every 500 ms). One mutex guards the state; calls to
// members (purge-relay, handle-error) and to the downstream (remove-meta) run without it.
// pause-task/stop-task (until the appliers report the subtasks stopped, op_wait_ms) and
// query-status (after a restart, for the appliers' first reports, status_wait_ms) block
// their caller for a bounded real time, waiting on a condition the keepalives signal.
//
// Error codes (controller class, 38001-38999; 38001-38009 are ctl_store.h's):
//   CTL_ERR_NAME_TAKEN      38010  register: the name is alive at another address
//   CTL_ERR_NOT_REGISTERED  38011  keepalive from a member that is not registered
//   CTL_ERR_BAD_PARAMS      38012  a request's params miss a key or have a wrong type
#ifndef CONTROLLER_H
#define CONTROLLER_H

#include <stdint.h>

#include <jansson.h>

#include "dm_err.h"
#include "dm_member.h"
#include "dm_rpc.h"

#define CTL_ERR_NAME_TAKEN DM_MEMBER_ERR_NAME_TAKEN         // 38010
#define CTL_ERR_NOT_REGISTERED DM_MEMBER_ERR_NOT_REGISTERED // 38011
#define CTL_ERR_BAD_PARAMS 38012

typedef struct controller controller;

typedef struct controller_opts {
    const char *name;          // required: this controller's name
    const char *addr;          // required: HOST:PORT it serves (reported by list-member)
    const char *data_dir;      // required: the LMDB state directory
    int64_t keepalive_ttl_ms;  // 0 = 10000
    int64_t resume_min_ms;     // first auto-resume backoff when the source sets none; 0 = 1000
    // How long pause-task/stop-task wait (real time, within the call) for the appliers to
    // report the subtasks stopped; 0 = 2 x keepalive_ttl_ms.
    int64_t op_wait_ms;
    // How long query-status waits (real time) for a bound, live applier that has not reported
    // since the controller started; 0 = 3000, negative = no wait.
    int64_t status_wait_ms;
    // Clock in milliseconds (monotonic); NULL = CLOCK_MONOTONIC. Tests inject their own.
    int64_t (*clock)(void *arg);
    void *clock_arg;
} controller_opts;

// controller_create opens the state in opts->data_dir and loads it. Errors: ctl_store's,
// DM_ERR_INVALID_ARG (missing name/addr/data_dir), DM_ERR_NOMEM.
int controller_create(controller **out, const controller_opts *opts, dm_err *err);

// controller_destroy stops what controller_start started and frees c. c may be NULL.
void controller_destroy(controller *c);

// controller_start serves dm_rpc on url and runs controller_tick every 500 ms on a thread.
// Errors: DM_ERR_NET, DM_ERR_INTERNAL (thread).
int controller_start(controller *c, const char *url, dm_err *err);

// controller_handle is the dm_rpc handler (arg: the controller). Methods and JSON shapes:
// docs/controller.md. Thread-safe.
int controller_handle(dm_rpc_reply *out, const dm_rpc_request *req, void *arg, dm_err *err);

// controller_call runs one method in-process: *out receives the result (caller owns).
// For tests and tools. Errors: as the method.
int controller_call(json_t **out, controller *c, const char *method, json_t *params, dm_err *err);

// controller_metrics appends the Prometheus text exposition of the controller's state to
// out: dm_controller_member_alive{name,role}, dm_controller_subtask_stage{task,source,stage}
// (1 for the stage query-status shows), dm_controller_subtask_generation{task,source},
// dm_controller_subtask_auto_resumes{task,source} and dm_controller_relay_bound{source,
// worker,stage}. Thread-safe. Errors: DM_ERR_NOMEM.
struct dm_buf;
int controller_metrics(struct dm_buf *out, controller *c);

// controller_tick applies the time-driven rules once: members past their TTL go offline,
// their subtasks move to the least-loaded live applier and their relays to a free relayd,
// unbound work is bound, and due auto-resumes bump generations. Thread-safe.
void controller_tick(controller *c);

#endif
