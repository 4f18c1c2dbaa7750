// relay_remote: a reader of relayd's segment stream over the network.
//
// It pulls stored segments one request at a time from relayd's `segments` method (flow
// control by pull, long-poll when caught up), verifies and decodes each with
// relay_store_segment_iter and hands their events in order, skipping those before the start
// position inside the first segment. See docs/relayd.md for the wire format.
//
// Start positions: (epoch, file, pos) or a GTID set, or the first stored event. With
// `exact` set, the reader checks that the relay really holds the start position: the first
// event handed must start at it, or the event before it must end there (a file's start, 4,
// is held when the file's first event is stored). Otherwise the relay began later (or was
// purged) and reading on would silently skip changes: RELAY_REMOTE_ERR_GAP instead.
// With `with_fde` and a start inside a file (pos > 4), the file's FORMAT_DESCRIPTION event
// is handed first with format_resend set, as a server re-sends it to a replica starting
// mid-file, so the reader can decode the events that follow.
//
// Threading: a relay_remote is used by one thread; relay_remote_interrupt may be called from
// any thread.
//
// Error codes:
//   RELAY_REMOTE_ERR_GAP    28101  the relay does not hold the start position (begins after it)
//   RELAY_REMOTE_ERR_REPLY  28102  relayd's reply is not a segment description
// plus DM_ERR_TIMEOUT / DM_ERR_NET (relayd unreachable: transient, reopen and retry),
// relayd's own errors (RELAY_STORE_ERR_PURGED, RELAY_STORE_ERR_CORRUPT,
// RELAY_SOURCE_ERR_NOT_OPEN 29101 and RELAY_RPC_ERR_NO_SOURCE 29201, both transient), DM_ERR_CANCELLED after relay_remote_interrupt,
// DM_ERR_INVALID_ARG, DM_ERR_NOMEM.
#ifndef RELAY_REMOTE_H
#define RELAY_REMOTE_H

#include <stdbool.h>
#include <stdint.h>

#include "dm_err.h"
#include "relay_store.h"

#define RELAY_REMOTE_ERR_GAP 28101
#define RELAY_REMOTE_ERR_REPLY 28102

typedef struct relay_remote relay_remote;

typedef struct relay_remote_opts {
    const char *addr;      // relayd's --addr (HOST:PORT or an nng URL); required
    const char *source_id; // the source to read; NULL when relayd relays exactly one
    uint32_t epoch;        // epoch of file/pos; 0 = 1
    const char *file;      // start at the first event at/after (file, pos) ...
    uint64_t pos;          // 0 = 4
    const char *gtid;      // ... or at the first transaction not in this GTID set (text)
    unsigned wait_ms;      // long-poll per request when caught up; 0 = return at once
    unsigned timeout_ms;   // reply timeout beyond wait_ms; 0 = 10000
    bool exact;            // fail with RELAY_REMOTE_ERR_GAP when the start is not held
    bool with_fde;         // hand the file's FDE first when starting inside a file
    const char *reader;    // with relay_remote_hold: the name relayd registers the hold under
} relay_remote_opts;

// relay_remote_open makes a reader (no request is sent yet: relayd may be down). Strings in
// o are copied. *out receives it (relay_remote_close). Errors: DM_ERR_INVALID_ARG (no addr,
// bad url), DM_ERR_NET, DM_ERR_NOMEM.
int relay_remote_open(relay_remote **out, const relay_remote_opts *o, dm_err *err);

// relay_remote_next hands the next event in *out (valid until the next call or close);
// *format_resend is set for an FDE handed before a mid-file start (it is not at its pos in
// the stream). Returns RELAY_STORE_END when nothing newer is stored (after waiting up to
// wait_ms): call again later. After any other error the reader is unusable: close it and
// open a new one after the last event handled. Errors: see the header comment.
int relay_remote_next(relay_store_event *out, bool *format_resend, relay_remote *r, dm_err *err);

// relay_remote_hold sets the lowest position the reader may come back to (its checkpoint);
// the next requests carry it, and relayd keeps purges from removing it (see relayd's
// docs). Needs opts.reader. The epoch is the start's. Strings are copied.
void relay_remote_hold(relay_remote *r, const char *file, uint64_t pos);

// relay_remote_interrupt makes the current or next relay_remote_next return
// DM_ERR_CANCELLED (a pending long-poll ends within its wait_ms). Thread-safe.
void relay_remote_interrupt(relay_remote *r);

// relay_remote_is_transient tells whether an error of relay_remote_next is worth a retry
// with a new reader (relayd unreachable or restarting, its store not open yet).
bool relay_remote_is_transient(int code);

// relay_remote_close frees r. r may be NULL.
void relay_remote_close(relay_remote *r);

#endif
