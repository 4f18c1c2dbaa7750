// relay_source: one upstream source relayed into its relay store by its own thread.
//
// The thread connects as a replica (binlog_client), writes every real event into the store
// at relay-dir/<source-id>/ with group commit, keeps the upstream ("master") position fresh
// from heartbeats and SHOW MASTER STATUS, reconnects with exponential backoff when the
// upstream goes away, starts a new epoch when the upstream changes (another server id or
// uuid), and pauses the source, keeping the error for status, when an error needs a person
// (purged binlog, corrupt store, server-id clash, misconfigured upstream).
//
// Where it starts: relay-binlog-gtid, else relay-binlog-name (from offset 4), else the
// store's last durable position, else the upstream's current binlog file from offset 4.
// The replica server id is the source's server-id, or one generated once and kept in
// relay-dir/<source-id>/relayd-state.json together with the upstream's identity.
//
// Threading: every function here may be called from any thread (the RPC workers); the
// object has one mutex and never holds it while it blocks on the network or the store.
//
// Error codes (relay class, relayd 29001-29999; 29001-29099 belong to binlog_client.h):
//   RELAY_SOURCE_ERR_NOT_OPEN    29101  the source's relay store is not open yet
//   RELAY_SOURCE_ERR_STATE_FILE  29102  relayd-state.json cannot be read or written
//   RELAY_SOURCE_ERR_UPSTREAM    29103  the upstream changed and the relay cannot resume
//                                       on the new one (no GTID to start from)
//   RELAY_SOURCE_ERR_STAGE       29104  the request does not fit the source's stage
//   RELAY_SOURCE_ERR_LOCKED      29105  another process (relayd, relayd inspect) holds the
//                                       source's store
#ifndef RELAY_SOURCE_H
#define RELAY_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "dm_buf.h"
#include "dm_err.h"
#include "dm_mysql.h"

#define RELAY_SOURCE_ERR_NOT_OPEN 29101
#define RELAY_SOURCE_ERR_STATE_FILE 29102
#define RELAY_SOURCE_ERR_UPSTREAM 29103
#define RELAY_SOURCE_ERR_STAGE 29104
#define RELAY_SOURCE_ERR_LOCKED 29105

// The lock file in relay-dir/<source-id>/ that the process writing a store holds (flock,
// exclusive): opening a store writes to it (recovery), so one process at a time.
#define RELAY_SOURCE_LOCK_FILE "relayd.lock"

// relay_source_lock takes the exclusive lock of the store directory dir (created if needed)
// without waiting; *fd_out receives the descriptor that holds it (close it to release).
// Errors: RELAY_SOURCE_ERR_LOCKED naming the directory, DM_ERR_IO.
int relay_source_lock(int *fd_out, const char *dir, dm_err *err);

// The default zstd level of relayd's segments. On sysbench binlogs level 3 stores about a
// third of the raw bytes, level 1 about 43% for half the CPU (bench/relay.sh, docs/relayd.md).
#define RELAY_SOURCE_ZSTD_LEVEL 3

typedef struct relay_source relay_source;

typedef struct relay_source_opts {
    const char *source_id;    // required; names the store directory
    const char *relay_dir;    // required; the store is relay_dir/source_id
    dm_mysql_params conn;     // upstream connection (strings are copied)
    uint32_t server_id;       // replica server id; 0 = generated and persisted
    const char *start_gtid;   // relay-binlog-gtid (MariaDB D-S-N list); NULL/"" = none
    const char *start_file;   // relay-binlog-name; NULL/"" = none
    unsigned heartbeat_ms;    // upstream heartbeat period; 0 = 1000
    unsigned commit_ms;       // group commit time bound; 0 = store default (100 ms)
    size_t commit_bytes;      // group commit size bound; 0 = store default
    int zstd_level;           // segment compression level; 0 = RELAY_SOURCE_ZSTD_LEVEL
    unsigned backoff_max_ms;  // reconnect backoff ceiling; 0 = 30 s
    // Purge policy (source file `purge`): every interval_s seconds, remove segments older
    // than expires_hours, or the oldest while free space is below remain_space_gb.
    unsigned purge_interval_s; // 0 = 3600
    double purge_expires_hours;
    double purge_remain_space_gb;
    // A remote reader's hold (see relay_source_segment) is dropped when the reader has not
    // asked for `reader_ttl_s` seconds; 0 = 86400 (a day).
    unsigned reader_ttl_s;
} relay_source_opts;

// relay_source_create copies opts and makes a stopped source. Errors: DM_ERR_INVALID_ARG
// (missing source_id or relay_dir, a source_id that is not a plain directory name),
// DM_ERR_NOMEM.
int relay_source_create(relay_source **out, const relay_source_opts *opts, dm_err *err);

// relay_source_start takes the store's lock and starts the relay thread (stage Running).
// Errors: RELAY_SOURCE_ERR_STAGE when already started, RELAY_SOURCE_ERR_LOCKED, DM_ERR_INTERNAL
// when the thread cannot start.
int relay_source_start(relay_source *s, dm_err *err);

// relay_source_destroy stops the thread (interrupting the stream), flushes and closes the
// store, and frees s. s may be NULL.
void relay_source_destroy(relay_source *s);

// relay_source_id returns the source id (valid while s lives).
const char *relay_source_id(const relay_source *s);

// relay_source_pause stops pulling (the connection is closed; stored data stays readable).
// relay_source_resume starts pulling again from the last durable position and clears the
// kept error. Errors: RELAY_SOURCE_ERR_STAGE (pause when not Running, resume when not
// Paused).
int relay_source_pause(relay_source *s, dm_err *err);
int relay_source_resume(relay_source *s, dm_err *err);

// relay_source_purge removes the stored segments entirely before binlog `file` of the
// current epoch (never what a registered reader still needs). It runs on the relay thread;
// the call waits for it. *out receives {"segments": n, "bytes": n, "held": bool}.
// Errors: RELAY_SOURCE_ERR_NOT_OPEN, the store's errors (RELAY_STORE_ERR_UNKNOWN_POS for a
// file that is not stored), DM_ERR_TIMEOUT.
int relay_source_purge(json_t **out, relay_source *s, const char *file, dm_err *err);

// relay_source_status returns a new JSON object describing the source (see docs/relayd.md):
// source, stage, server_id, upstream, master_binlog, master_gtid, relay_binlog, relay_gtid,
// epoch, catch_up, storage {stored_bytes, raw_bytes, segments, events, free_bytes},
// last_error (DM error object or null). NULL when out of memory.
json_t *relay_source_status(relay_source *s);

// relay_source_fde serves the `fde` method: params {"file", "epoch"} (epoch 0 or absent =
// 1). *out receives {"file", "epoch"} and data the FORMAT_DESCRIPTION event stored for that
// file, which a reader starting inside the file needs (the file's first segments may have
// been purged). Errors: RELAY_SOURCE_ERR_NOT_OPEN, DM_ERR_INVALID_ARG (no file),
// RELAY_STORE_ERR_UNKNOWN_POS, the store's errors.
int relay_source_fde(json_t **out, dm_buf *data, relay_source *s, json_t *params, dm_err *err);

// relay_source_segment serves one pull of the segment stream. params selects the segment:
// {"after_segment": id} for segment id + 1 (0: the first stored one), or {"epoch", "file",
// "pos"} / {"gtid": set} for the segment holding the first event at/after that position (the
// reader skips the events before its position inside it), or none of these for the first
// stored segment. When no such segment is durable yet it
// waits up to params.wait_ms (default 0, at most 60000) for one. On success *out describes the
// segment ({"segment": {id, epoch, file, first_pos, end_pos, events, raw_bytes,
// stored_bytes, gtids_before}} or {"segment": null, "caught_up": true}) and the stored bytes
// are appended to data. A segment that fails its checks is not served: the source is paused
// with the error. Errors: RELAY_SOURCE_ERR_NOT_OPEN, RELAY_STORE_ERR_CORRUPT,
// RELAY_STORE_ERR_PURGED (also when segment id + 1 was purged: the reader would skip data),
// RELAY_STORE_ERR_UNKNOWN_POS, DM_ERR_INVALID_ARG, DM_ERR_NOMEM.
// A request may carry {"reader": NAME, "hold": {"epoch", "file", "pos"}}: the lowest
// position that reader may come back to (its checkpoint). It is registered in the store
// (relay_store_register_reader; written when it moves to another file, or at most every 5 s)
// so no purge removes what the reader still needs; a reader silent for reader_ttl_s loses its
// hold at the next policy purge.
int relay_source_segment(json_t **out, dm_buf *data, relay_source *s, json_t *params, dm_err *err);

#endif
