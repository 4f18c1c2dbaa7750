// ctl_http: the controller's HTTP endpoints on nng's HTTP server (--http-addr):
//   GET /apis/v1alpha1/status          query-status of every task (the dm_rpc result JSON)
//   GET /apis/v1alpha1/status/<task>   query-status of one task
//   GET /metrics                       Prometheus text format (controller_metrics)
//
// Threading: requests are served on nng's threads; the controller is thread-safe.
//
// Error codes: DM_ERR_NET (the address cannot be served; cause is the nng error),
// DM_ERR_INVALID_ARG (bad address), DM_ERR_NOMEM.
#ifndef CTL_HTTP_H
#define CTL_HTTP_H

#include "controller.h"
#include "dm_err.h"

typedef struct ctl_http ctl_http;

// ctl_http_start serves c on addr ("HOST:PORT" or "http://HOST:PORT"). c must outlive the
// server. Errors: see above.
int ctl_http_start(ctl_http **out, controller *c, const char *addr, dm_err *err);

// ctl_http_stop stops serving and frees h. h may be NULL.
void ctl_http_stop(ctl_http *h);

#endif
