// relay_inspect: print what a relay store holds, one line per stored event:
//   epoch file:pos type server_id gtid length
// with the event type named as SHOW BINLOG EVENTS / mysqlbinlog name it (Query, Xid, Gtid,
// Table_map, Write_rows_v1, ...) and "-" for an event outside any GTID transaction.
//
// Error codes: RELAY_SOURCE_ERR_LOCKED, those of relay_store.h (RELAY_STORE_ERR_CORRUPT for a segment that fails its
// checks, RELAY_STORE_ERR_UNKNOWN_POS, RELAY_STORE_ERR_PURGED), gtid.h (bad --gtid text),
// DM_ERR_INVALID_ARG (bad --from), DM_ERR_IO.
#ifndef RELAY_INSPECT_H
#define RELAY_INSPECT_H

#include <stdint.h>
#include <stdio.h>

#include "dm_err.h"

typedef struct relay_inspect_opts {
    const char *relay_dir;  // required
    const char *source_id;  // required: the store is relay_dir/source_id
    const char *from;       // "FILE:POS" to start at (NULL = the first stored event)
    uint32_t epoch;         // epoch of `from`; 0 = the store's last epoch
    const char *gtid;       // start after this GTID set instead (NULL = none)
    long long limit;        // print at most this many events; < 0 = all
    // Read through a running relayd's segment stream at this address instead of opening
    // the store (NULL = open relay_dir/source_id, which needs the store's lock).
    const char *addr;
} relay_inspect_opts;

// relay_event_type_name returns the SHOW BINLOG EVENTS name of an event type code
// ("Unknown" for codes no server writes). The string is static.
const char *relay_event_type_name(uint8_t type);

// relay_inspect_run prints the store's durable events to out. Locally it takes the store's
// lock first (opening a store recovers it, which must not race a running relayd): a store in
// use is RELAY_SOURCE_ERR_LOCKED (relay_source.h); with o->addr it pulls the stored segments
// from that relayd (verifying each one) and prints their events, up to the durable end.
// Errors: see above, and the RPC errors of dm_rpc.h.
int relay_inspect_run(FILE *out, const relay_inspect_opts *o, dm_err *err);

#endif
