// dm_rpc: request/reply messages between the daemons and dmctl, over nng req/rep sockets.
//
// A message is a JSON object, optionally followed by one binary attachment:
//   request  {"method": "status", "params": {...}}            [NUL byte, attachment bytes]
//   reply    {"result": {...}}  or  {"error": {DM error object}} [NUL byte, attachment bytes]
// The error object has DM's query-status fields (ErrCode, ErrClass, ErrScope, ErrLevel,
// Message, RawCause, Workaround, see dm_err_to_json), so a caller gets the remote dm_err back
// with its original code. JSON text never holds a NUL byte, so the first NUL ends the JSON.
// Attachments carry bulk bytes (relay segments) without base64.
//
// Addresses: "tcp://host:port", "ipc:///path", "inproc://name"; dm_rpc_url turns a daemon's
// "--addr HOST:PORT" into "tcp://HOST:PORT".
//
// Codes of this module (besides the shared ones in dm_err.h):
//   DM_RPC_ERR_BAD_MESSAGE     11150  a message is not a valid dm_rpc request/reply
//   DM_RPC_ERR_UNKNOWN_METHOD  11151  the server has no such method
#ifndef DM_RPC_H
#define DM_RPC_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dm_buf.h"
#include "dm_err.h"

#define DM_RPC_ERR_BAD_MESSAGE 11150
#define DM_RPC_ERR_UNKNOWN_METHOD 11151

typedef struct dm_rpc_request {
    const char *method;  // never NULL
    json_t *params;      // a JSON object (empty when the caller sent none); borrowed
    const uint8_t *data; // attachment, NULL when none; borrowed
    size_t len;
} dm_rpc_request;

typedef struct dm_rpc_reply {
    json_t *result;      // set by the handler (a new reference the server takes); NULL = {}
    dm_buf data;         // optional attachment, filled by the handler (initialised empty)
} dm_rpc_reply;

// dm_rpc_handler serves one request. It fills out->result (and optionally out->data) and
// returns 0, or returns an error code with err filled; the error is sent to the caller.
// Handlers run on the server's worker threads, several at once: they must be thread-safe.
// A handler may block (long-poll), holding one worker while it does.
typedef int (*dm_rpc_handler)(dm_rpc_reply *out, const dm_rpc_request *req, void *arg, dm_err *err);

typedef struct dm_rpc_server dm_rpc_server;

// dm_rpc_server_start listens on url and serves requests with `workers` threads (at least 1;
// use more than the number of requests that may block at once). *out receives the server.
// Errors: DM_ERR_NET (message names the url, cause the nng error), DM_ERR_NOMEM.
int dm_rpc_server_start(dm_rpc_server **out, const char *url, unsigned workers,
                        dm_rpc_handler handler, void *arg, dm_err *err);

// dm_rpc_server_stop stops taking requests, lets the workers finish the ones they serve
// (replies are sent) and joins them (an idle worker notices within 200 ms), then closes the
// socket. Handlers that block must be woken by the application first, or stop waits for
// them. s may be NULL.
void dm_rpc_server_stop(dm_rpc_server *s);

typedef struct dm_rpc_client dm_rpc_client;

// dm_rpc_client_open makes a client for url; the connection is made (and remade) in the
// background, so opening succeeds while the server is down. A client is single-threaded.
// Errors: DM_ERR_NET, DM_ERR_INVALID_ARG (bad url).
int dm_rpc_client_open(dm_rpc_client **out, const char *url, dm_err *err);

// dm_rpc_client_call sends method with params (borrowed, may be NULL) and the optional
// attachment (data, len), and waits up to timeout_ms (<= 0: 10 s) for the reply. On success
// *out receives the result (caller owns the reference) and, when out_data is not NULL, the
// attachment is appended to out_data. Errors: the remote error's own code with err filled
// from the reply; DM_ERR_TIMEOUT (no reply in time: server down, slow or unreachable);
// DM_ERR_NET; DM_RPC_ERR_BAD_MESSAGE.
int dm_rpc_client_call(json_t **out, dm_buf *out_data, dm_rpc_client *c, const char *method,
                       json_t *params, const void *data, size_t len, int timeout_ms, dm_err *err);

// dm_rpc_client_close closes c. c may be NULL.
void dm_rpc_client_close(dm_rpc_client *c);

// dm_rpc_call is a one-shot dm_rpc_client_open + call + close, without attachments.
int dm_rpc_call(json_t **out, const char *url, const char *method, json_t *params, int timeout_ms,
                dm_err *err);

// dm_rpc_url writes the nng url for addr into out: addr unchanged when it has a scheme
// ("tcp://...", "ipc://..."), else "tcp://" + addr. Errors: DM_ERR_INVALID_ARG when addr is
// empty, has no port, or does not fit.
int dm_rpc_url(char *out, size_t size, const char *addr, dm_err *err);

#endif
