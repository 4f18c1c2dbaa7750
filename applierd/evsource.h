// evsource: where the sync unit's binlog events come from.
//
// An evsource delivers the upstream's binlog events in order, one at a time, each with the
// binlog file it belongs to, its start and end offsets, and flags telling events that are
// not data (an FDE the server re-sends when a dump starts past offset 4). Notifications
// (fake ROTATE) are consumed inside; a heartbeat returns an `idle` item so a reader
// waiting for events can look at its stop flag.
//
// Implementations:
// - upstream: reads the replication stream straight from the upstream with binlog_client
//   (DM's behaviour when relay is disabled).
// - relay: reads relayd's segment stream (storage/relay_remote.h), checking that the relay
//   holds the start position, and handing the file's FDE first for a mid-file start.
//
// An evsource is single-threaded, except evsource_interrupt, which any thread may call.
//
// Error codes: those of binlog_client.h (BINLOG_CLIENT_ERR_*, DM_ERR_DB_*) or
// relay_remote.h (RELAY_REMOTE_ERR_*, relayd's, DM_ERR_TIMEOUT/DM_ERR_NET), DM_ERR_CANCELLED
// after evsource_interrupt, DM_ERR_INVALID_ARG, DM_ERR_NOMEM. evsource_is_transient tells
// which are worth reopening the source for.
#ifndef EVSOURCE_H
#define EVSOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dm_err.h"
#include "dm_mysql.h"

#define EVSOURCE_FILE_MAX 512

typedef struct evsource evsource;

typedef struct evsource_event {
    const uint8_t *data;  // the whole event (header .. CRC); valid until the next read
    size_t len;
    uint8_t type;
    char file[EVSOURCE_FILE_MAX]; // binlog file of the event
    uint64_t pos;         // start offset of the event in file
    uint64_t next_pos;    // offset after it
    bool format_resend;   // an FDE re-sent by the server: describes file, is not at pos
    bool idle;            // no event: the upstream has nothing new (a heartbeat); data NULL
} evsource_event;

typedef struct evsource_upstream_opts {
    dm_mysql_params conn;        // the upstream
    uint32_t replica_server_id;  // unique among the upstream's replicas, not 0
    const char *start_file;      // required
    uint64_t start_pos;          // 0 = 4
    uint32_t heartbeat_ms;       // 0 = 1000
} evsource_upstream_opts;

// evsource_open_upstream connects to the upstream and starts a dump at (start_file,
// start_pos). *out receives the source (evsource_destroy). Errors: binlog_client_open's.
int evsource_open_upstream(evsource **out, const evsource_upstream_opts *o, dm_err *err);

typedef struct evsource_relay_opts {
    const char *addr;       // relayd's address (HOST:PORT or nng URL)
    const char *source_id;  // the source in relayd (its source-id)
    const char *start_file; // required
    uint64_t start_pos;     // 0 = 4
    unsigned idle_ms;       // long-poll per request; an idle item after it; 0 = 1000
    const char *reader;     // name of the reader's hold in relayd (see evsource_hold); may be NULL
} evsource_relay_opts;

// evsource_open_relay makes a source reading relayd's segment stream from (start_file,
// start_pos); nothing is requested before the first read. A relay that does not hold the
// start (it began later, or purged it) fails the first read with RELAY_REMOTE_ERR_GAP.
// Errors: relay_remote_open's.
int evsource_open_relay(evsource **out, const evsource_relay_opts *o, dm_err *err);

// evsource_hold tells the source the lowest position its reader may come back to (its
// checkpoint): relayd keeps that from being purged. The start position holds until the
// first call. No-op for the upstream source.
void evsource_hold(evsource *s, const char *file, uint64_t pos);

// evsource_is_transient tells whether an evsource error is worth reopening the source
// (a lost connection to the upstream or relayd, which may come back).
bool evsource_is_transient(int code);

// evsource_read blocks for the next event of the binlog and fills *out. Errors:
// BINLOG_CLIENT_ERR_DISCONNECTED (reopen from the last position), other BINLOG_CLIENT_ERR_*,
// DM_ERR_CANCELLED after evsource_interrupt. After an error the source is unusable.
int evsource_read(evsource_event *out, evsource *s, dm_err *err);

// evsource_interrupt makes a blocked or later evsource_read return DM_ERR_CANCELLED.
// Thread-safe; s must stay alive until the reader is done with it.
void evsource_interrupt(evsource *s);

// evsource_destroy closes the source and frees s. s may be NULL.
void evsource_destroy(evsource *s);

#endif
