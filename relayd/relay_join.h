// relay_join: relayd --join, a relay daemon that relays the sources a controller assigns.
//
// The member registers with the controller (role relayd), sends a keepalive every second
// with the status of each source it relays, and reconciles to the reply: it creates and
// starts a relay_source for a newly assigned source, pauses or resumes it as the stage says,
// and pauses a source that is no longer assigned (its store stays readable and locked until
// the daemon exits; reassigning it resumes it). It serves relayd's RPC methods (relay_rpc.h:
// status, pause, resume, purge, segments) over the sources it has, so the controller's
// purge-relay and the appliers' segment stream reach it.
//
// Where a new relay starts when its store is empty: the start the controller sends (the
// lowest sync checkpoint of the source's subtasks, else relay-binlog-gtid/-name), else the
// upstream's earliest binlog file (SHOW BINARY LOGS), never the current one: no gap.
//
// Threading: relay_join_run blocks (the keepalive loop); relay_join_stop and
// relay_join_handle may be called from any thread. Sources are only ever added while the
// daemon runs (never freed before relay_join_destroy), so RPC workers use them unlocked.
//
// Error codes (relay class, relayd 29201-29299):
//   RELAY_JOIN_ERR_REGISTER  29201  the controller refused the registration (name taken)
//   RELAY_JOIN_ERR_FULL      29202  more assigned sources than RELAY_JOIN_MAX_SOURCES
#ifndef RELAY_JOIN_H
#define RELAY_JOIN_H

#include <stddef.h>

#include "config.h"
#include "dm_rpc.h"
#include "relay_source.h"

#define RELAY_JOIN_ERR_REGISTER 29201
#define RELAY_JOIN_ERR_FULL 29202
#define RELAY_JOIN_MAX_SOURCES 64

typedef struct relay_join relay_join;

typedef struct relay_join_opts {
    const char *name;      // required
    const char *addr;      // required: HOST:PORT served and reported
    const char *relay_dir; // required
    const char *join;      // required: controller HOST:PORT
    int zstd_level;        // relay_source_opts tuning, 0 = defaults
    unsigned commit_ms;
    size_t commit_bytes;
} relay_join_opts;

// relay_join_source_opts fills a relay source's options from a DM source file (strings
// point into cs, which must outlive the call to relay_source_create).
void relay_join_source_opts(relay_source_opts *o, const config_source *cs, const char *relay_dir);

// relay_join_create copies opts. Errors: DM_ERR_INVALID_ARG, DM_ERR_NOMEM.
int relay_join_create(relay_join **out, const relay_join_opts *opts, dm_err *err);

// relay_join_run serves on opts->addr and runs the keepalive/reconcile loop until
// relay_join_stop. Errors: DM_ERR_NET, RELAY_JOIN_ERR_REGISTER.
int relay_join_run(relay_join *j, dm_err *err);

// relay_join_stop asks relay_join_run to return. Thread-safe.
void relay_join_stop(relay_join *j);

// relay_join_destroy stops every relay (flushing its store) and frees j. j may be NULL.
void relay_join_destroy(relay_join *j);

// relay_join_handle is the dm_rpc handler (arg: the relay_join): relay_rpc's methods over
// the sources this member has. Thread-safe.
int relay_join_handle(dm_rpc_reply *out, const dm_rpc_request *req, void *arg, dm_err *err);

#endif
