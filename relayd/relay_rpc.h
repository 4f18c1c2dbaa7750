// relay_rpc: relayd's RPC methods on top of dm_rpc (see docs/relayd.md for the JSON):
//   status    {source?}                 -> {"name", "sources": [status...]}
//   pause     {source}                  -> {"source", "stage"}
//   resume    {source}                  -> {"source", "stage"}
//   purge     {source, file}            -> {"segments", "bytes", "held"}
//   segments  {source, after_segment | epoch+file+pos | gtid, wait_ms} -> segment + bytes
//   fde       {source, file, epoch?}    -> {"file", "epoch"} + the file's FDE event bytes
// `source` may be left out when the daemon relays exactly one source.
//
// Threading: relay_rpc_handle is a dm_rpc_handler; it runs on any number of RPC workers at
// once. The relay_rpc object is immutable after creation.
//
// Error codes: RELAY_RPC_ERR_NO_SOURCE (the daemon does not relay that source, or not yet: a
// relay being handed to it), DM_RPC_ERR_UNKNOWN_METHOD, DM_ERR_INVALID_ARG, and those of
// relay_source.h.
#ifndef RELAY_RPC_H
#define RELAY_RPC_H

#include <stddef.h>

#include "dm_rpc.h"
#include "relay_source.h"

#define RELAY_RPC_ERR_NO_SOURCE 29201

typedef struct relay_rpc {
    const char *name;          // the daemon's --name
    relay_source **sources;    // borrowed; must outlive the RPC server
    size_t n_sources;
} relay_rpc;

// relay_rpc_handle serves one request for the relay_rpc passed as arg.
int relay_rpc_handle(dm_rpc_reply *out, const dm_rpc_request *req, void *arg, dm_err *err);

#endif
