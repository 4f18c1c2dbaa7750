// DESIGN: two nng HTTP handlers that call the controller in-process (controller_call and
// controller_metrics) and answer at once; no state of their own.
#include "ctl_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/supplemental/http/http.h>

#include "dm_buf.h"

#define STATUS_PATH "/apis/v1alpha1/status"

struct ctl_http {
    nng_http_server *srv;
};

static void reply(nng_aio *aio, uint16_t code, const char *type, const char *body, size_t len)
{
    nng_http_res *res = NULL;
    if (nng_http_res_alloc(&res) != 0) {
        nng_aio_finish(aio, NNG_ENOMEM);
        return;
    }
    nng_http_res_set_status(res, code);
    nng_http_res_set_header(res, "Content-Type", type);
    if (nng_http_res_copy_data(res, body, len) != 0) {
        nng_http_res_free(res);
        nng_aio_finish(aio, NNG_ENOMEM);
        return;
    }
    nng_aio_set_output(aio, 0, res);
    nng_aio_finish(aio, 0);
}

static void on_status(nng_aio *aio)
{
    nng_http_req *req = nng_aio_get_input(aio, 0);
    nng_http_handler *h = nng_aio_get_input(aio, 1);
    controller *c = nng_http_handler_get_data(h);
    const char *uri = nng_http_req_get_uri(req);
    const char *name = "";
    char task[256] = "";
    if (strncmp(uri, STATUS_PATH "/", sizeof(STATUS_PATH)) == 0) {
        snprintf(task, sizeof(task), "%s", uri + sizeof(STATUS_PATH));
        task[strcspn(task, "?#")] = '\0';
        name = task;
    }
    json_t *params = json_pack("{s:s}", "name", name), *out = NULL;
    dm_err e;
    dm_err_clear(&e);
    int rc = params ? controller_call(&out, c, "query-status", params, &e) : DM_ERR_NOMEM;
    json_decref(params);
    if (rc) {
        json_decref(out);
        out = dm_err_to_json(&e);
    }
    char *text = out ? json_dumps(out, JSON_INDENT(4)) : NULL;
    json_decref(out);
    if (!text) {
        reply(aio, 500, "text/plain", "out of memory\n", 14);
        return;
    }
    reply(aio, rc ? 500 : 200, "application/json", text, strlen(text));
    free(text);
}

static void on_metrics(nng_aio *aio)
{
    nng_http_handler *h = nng_aio_get_input(aio, 1);
    controller *c = nng_http_handler_get_data(h);
    dm_buf b;
    dm_buf_init(&b);
    if (controller_metrics(&b, c) != 0) {
        dm_buf_fini(&b);
        reply(aio, 500, "text/plain", "out of memory\n", 14);
        return;
    }
    reply(aio, 200, "text/plain; version=0.0.4", b.data ? b.data : "", b.len);
    dm_buf_fini(&b);
}

static int add(ctl_http *hs, controller *c, const char *path, void (*cb)(nng_aio *), bool tree, dm_err *err)
{
    nng_http_handler *h = NULL;
    int rv;
    if ((rv = nng_http_handler_alloc(&h, path, cb)) || (tree && (rv = nng_http_handler_set_tree(h))) ||
        (rv = nng_http_handler_set_data(h, c, NULL)) || (rv = nng_http_server_add_handler(hs->srv, h))) {
        nng_http_handler_free(h);
        dm_err_set(err, DM_ERR_NET, DM_ERR_SCOPE_INTERNAL, "HTTP handler %s cannot be registered", path);
        return dm_err_cause(err, "%s", nng_strerror(rv));
    }
    return 0;
}

int ctl_http_start(ctl_http **out, controller *c, const char *addr, dm_err *err)
{
    char url[512];
    nng_url *u = NULL;
    int rv, rc = 0;
    *out = NULL;
    ctl_http *hs = calloc(1, sizeof(*hs));
    if (!hs)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    snprintf(url, sizeof(url), "%s%s", strstr(addr, "://") ? "" : "http://", addr);
    if ((rv = nng_url_parse(&u, url))) {
        rc = dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "--http-addr %s is not a valid address", addr);
        goto fail;
    }
    if ((rv = nng_http_server_hold(&hs->srv, u))) {
        rc = dm_err_set(err, DM_ERR_NET, DM_ERR_SCOPE_INTERNAL, "cannot serve HTTP on %s", url);
        dm_err_cause(err, "%s", nng_strerror(rv));
        goto fail;
    }
    if ((rc = add(hs, c, STATUS_PATH, on_status, true, err)) || (rc = add(hs, c, "/metrics", on_metrics, false, err)))
        goto fail;
    if ((rv = nng_http_server_start(hs->srv))) {
        rc = dm_err_set(err, DM_ERR_NET, DM_ERR_SCOPE_INTERNAL, "cannot serve HTTP on %s", url);
        dm_err_cause(err, "%s", nng_strerror(rv));
        goto fail;
    }
    nng_url_free(u);
    *out = hs;
    return 0;
fail:
    if (u)
        nng_url_free(u);
    if (hs->srv)
        nng_http_server_release(hs->srv);
    free(hs);
    return rc;
}

void ctl_http_stop(ctl_http *h)
{
    if (!h)
        return;
    nng_http_server_stop(h->srv);
    nng_http_server_release(h->srv);
    free(h);
}
