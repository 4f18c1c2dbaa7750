// DESIGN: nng req/rep with JSON bodies.
//
// The server owns one rep0 socket and N worker threads; each worker has its own nng context
// and runs receive -> handle -> send synchronously, so a handler that blocks (a long-poll for
// new relay data) holds only its worker while the others keep serving. Stopping closes the
// socket, which fails every pending receive with NNG_ECLOSED and ends the workers.
//
// The client is a req0 socket dialled in the background (nng redials on its own), with
// request resend disabled: a method such as `purge` must not run twice because a reply was
// slow, and a long-poll would otherwise be re-sent while the first still waits.
#include "dm_rpc.h"
#include "dm_log.h"
#include "dm_time.h"

#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>

#define SERVER_MAX_REQUEST (64u * 1024 * 1024)
#define WORKER_POLL_MS 200 // how often an idle worker looks at the stop flag

struct dm_rpc_server {
    nng_socket sock;
    dm_rpc_handler handler;
    void *arg;
    unsigned nworkers;
    pthread_t *threads;
    unsigned started;
    atomic_bool stopping;
};

struct dm_rpc_client {
    nng_socket sock;
    char url[512];
};

static int net_error(dm_err *err, int nrv, const char *fmt, const char *url)
{
    dm_err_set(err, DM_ERR_NET, DM_ERR_SCOPE_INTERNAL, fmt, url);
    dm_err_cause(err, "%s", nng_strerror(nrv));
    return DM_ERR_NET;
}

// split_body finds the JSON part and the attachment of a message body.
static int split_body(json_t **out, const uint8_t **data, size_t *len, const void *body, size_t n,
                      dm_err *err)
{
    const uint8_t *b = body;
    const uint8_t *nul = memchr(b, '\0', n);
    size_t jlen = nul ? (size_t)(nul - b) : n;
    json_error_t je;
    *out = json_loadb((const char *)b, jlen, 0, &je);
    if (!*out || !json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        dm_err_set(err, DM_RPC_ERR_BAD_MESSAGE, DM_ERR_SCOPE_INTERNAL,
                   "rpc message is not a JSON object (%zu bytes)", jlen);
        return dm_err_cause(err, "%s at line %d column %d", je.text, je.line, je.column);
    }
    *data = nul ? nul + 1 : NULL;
    *len = nul ? n - jlen - 1 : 0;
    return 0;
}

// make_msg builds a message from a JSON object and an optional attachment.
static int make_msg(nng_msg **out, json_t *obj, const void *data, size_t len, dm_err *err)
{
    int rc = 0;
    char *text = json_dumps(obj, JSON_COMPACT);
    nng_msg *m = NULL;
    *out = NULL;
    if (!text || nng_msg_alloc(&m, 0) != 0 || nng_msg_append(m, text, strlen(text)) != 0 ||
        ((data || len) && (nng_msg_append(m, "", 1) != 0 || nng_msg_append(m, data, len) != 0))) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory building an rpc message");
        goto done;
    }
    *out = m;
    m = NULL;
done:
    if (m)
        nng_msg_free(m);
    free(text);
    return rc;
}

// error_reply is the reply body for a failed request.
static json_t *error_reply(const dm_err *e)
{
    return json_pack("{s:o}", "error", dm_err_to_json(e));
}

// serve turns one request message into a reply message.
static nng_msg *serve(dm_rpc_server *s, nng_msg *req)
{
    dm_err err;
    json_t *obj = NULL, *reply = NULL;
    dm_rpc_request rq;
    dm_rpc_reply rp;
    nng_msg *out = NULL;
    int rc;

    dm_err_clear(&err);
    memset(&rp, 0, sizeof(rp));
    dm_buf_init(&rp.data);
    memset(&rq, 0, sizeof(rq));
    if ((rc = split_body(&obj, &rq.data, &rq.len, nng_msg_body(req), nng_msg_len(req), &err)))
        goto reply;
    json_t *method = json_object_get(obj, "method");
    json_t *params = json_object_get(obj, "params");
    if (!json_is_string(method) || (params && !json_is_object(params))) {
        rc = dm_err_set(&err, DM_RPC_ERR_BAD_MESSAGE, DM_ERR_SCOPE_INTERNAL,
                        "rpc request needs a string \"method\" and an object \"params\"");
        goto reply;
    }
    rq.method = json_string_value(method);
    rq.params = params ? json_incref(params) : json_object();
    rc = s->handler(&rp, &rq, s->arg, &err);
    json_decref(rq.params);
    if (rc && !err.code)
        dm_err_set(&err, rc, DM_ERR_SCOPE_INTERNAL, "method %s failed", rq.method);
reply:
    if (rc)
        reply = error_reply(&err);
    else
        reply = json_pack("{s:o}", "result", rp.result ? rp.result : json_object());
    if (!rc)
        rp.result = NULL;
    if (reply && make_msg(&out, reply, rc ? NULL : rp.data.data, rc ? 0 : rp.data.len, &err) != 0) {
        // The attachment could not be built: answer with that error instead.
        json_decref(reply);
        reply = error_reply(&err);
        if (reply)
            make_msg(&out, reply, NULL, 0, NULL);
    }
    json_decref(rp.result);
    json_decref(reply);
    json_decref(obj);
    dm_buf_fini(&rp.data);
    return out;
}

// worker serves requests on its own context until the server stops. Stopping never closes
// the socket under a worker: nng 1.5 may crash when a context of a closed socket is used
// (a reply sent while the socket closes). Instead an idle worker wakes every WORKER_POLL_MS
// to look at the stop flag, a busy one finishes its request and sends the reply, and the
// socket is closed once every worker has left.
static void *worker(void *p)
{
    dm_rpc_server *s = p;
    nng_ctx ctx;
    nng_aio *aio = NULL;

    if (nng_ctx_open(&ctx, s->sock) != 0)
        return NULL;
    if (nng_aio_alloc(&aio, NULL, NULL) != 0)
        goto done;
    while (!atomic_load(&s->stopping)) {
        nng_aio_set_timeout(aio, WORKER_POLL_MS);
        nng_ctx_recv(ctx, aio);
        nng_aio_wait(aio);
        int r = nng_aio_result(aio);
        if (r == NNG_ECLOSED)
            break;
        if (r != 0)
            continue; // a timeout: look at the stop flag
        nng_msg *req = nng_aio_get_msg(aio);
        nng_msg *rep = serve(s, req);
        nng_msg_free(req);
        if (!rep)
            continue;
        nng_aio_set_msg(aio, rep);
        nng_aio_set_timeout(aio, 5000);
        nng_ctx_send(ctx, aio);
        nng_aio_wait(aio);
        if (nng_aio_result(aio) != 0)
            nng_msg_free(rep);
        if (nng_aio_result(aio) == NNG_ECLOSED)
            break;
    }
done:
    nng_aio_free(aio);
    nng_ctx_close(ctx);
    return NULL;
}

int dm_rpc_server_start(dm_rpc_server **out, const char *url, unsigned workers,
                        dm_rpc_handler handler, void *arg, dm_err *err)
{
    int rc = 0, nrv;
    dm_rpc_server *s = calloc(1, sizeof(*s));

    *out = NULL;
    if (!s || !(s->threads = calloc(workers ? workers : 1, sizeof(pthread_t)))) {
        free(s);
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    }
    s->handler = handler;
    s->arg = arg;
    s->nworkers = workers ? workers : 1;
    if ((nrv = nng_rep0_open(&s->sock)) != 0) {
        free(s->threads);
        free(s);
        return net_error(err, nrv, "cannot open an rpc socket for %s", url);
    }
    nng_socket_set_size(s->sock, NNG_OPT_RECVMAXSZ, SERVER_MAX_REQUEST);
    if ((nrv = nng_listen(s->sock, url, NULL, 0)) != 0) {
        rc = net_error(err, nrv, "cannot listen on %s", url);
        goto done;
    }
    for (; s->started < s->nworkers; s->started++) {
        if (pthread_create(&s->threads[s->started], NULL, worker, s) != 0) {
            rc = dm_err_set(err, DM_ERR_INTERNAL, DM_ERR_SCOPE_INTERNAL, "cannot start rpc worker threads");
            goto done;
        }
    }
    *out = s;
    s = NULL;
done:
    dm_rpc_server_stop(s);
    return rc;
}

// close_bounded closes sock, waiting at most CLOSE_WAIT_MS. nng 1.5.2 (Debian 12's) can
// deadlock in nng_close when a peer's pipe closes at the same moment (nanomsg/nng#1543,
// #1813; fixed upstream later): a daemon stopping must not hang on it. The close then goes
// on in its thread and the socket is abandoned; the process is about to exit.
#define CLOSE_WAIT_MS 3000
typedef struct closer {
    nng_socket sock;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done, abandoned;
} closer;

static void *closer_main(void *p)
{
    closer *c = p;
    nng_close(c->sock);
    pthread_mutex_lock(&c->mu);
    c->done = true;
    bool abandoned = c->abandoned;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    if (abandoned) {
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cv);
        free(c);
    }
    return NULL;
}

// abandoned_closer keeps an abandoned closer reachable (it is not a leak: its thread still
// owns it and frees it if nng_close ever returns).
static closer *_Atomic abandoned_closer;

static void close_bounded(nng_socket sock)
{
    closer *c = calloc(1, sizeof *c);
    pthread_t th;
    if (!c) {
        nng_close(sock);
        return;
    }
    c->sock = sock;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    if (pthread_create(&th, NULL, closer_main, c) != 0) {
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cv);
        free(c);
        nng_close(sock);
        return;
    }
    struct timespec until = dm_time_deadline_ms(CLOSE_WAIT_MS);
    pthread_mutex_lock(&c->mu);
    while (!c->done && pthread_cond_timedwait(&c->cv, &c->mu, &until) == 0)
        ;
    bool done = c->done;
    c->abandoned = !done;
    pthread_mutex_unlock(&c->mu);
    if (done) {
        pthread_join(th, NULL);
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cv);
        free(c);
        return;
    }
    pthread_detach(th);
    atomic_store(&abandoned_closer, c);
    dm_warn("rpc", "closing an nng socket did not finish within %d ms (nng 1.5 close deadlock); abandoning it",
            CLOSE_WAIT_MS);
}

void dm_rpc_server_stop(dm_rpc_server *s)
{
    if (!s)
        return;
    atomic_store(&s->stopping, true);
    for (unsigned i = 0; i < s->started; i++)
        pthread_join(s->threads[i], NULL);
    close_bounded(s->sock);
    free(s->threads);
    free(s);
}

int dm_rpc_client_open(dm_rpc_client **out, const char *url, dm_err *err)
{
    int rc = 0, nrv;
    dm_rpc_client *c = calloc(1, sizeof(*c));

    *out = NULL;
    if (!c)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    snprintf(c->url, sizeof(c->url), "%s", url);
    if ((nrv = nng_req0_open(&c->sock)) != 0) {
        free(c);
        return net_error(err, nrv, "cannot open an rpc socket for %s", url);
    }
    nng_socket_set_ms(c->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
    // Replies may carry a relay segment holding one huge event: no size limit from the client.
    nng_socket_set_size(c->sock, NNG_OPT_RECVMAXSZ, 0);
    nng_socket_set_ms(c->sock, NNG_OPT_RECONNMINT, 50);
    nng_socket_set_ms(c->sock, NNG_OPT_RECONNMAXT, 1000);
    if ((nrv = nng_dial(c->sock, url, NULL, NNG_FLAG_NONBLOCK)) != 0) {
        rc = nrv == NNG_EADDRINVAL || nrv == NNG_ENOTSUP
                 ? dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "invalid rpc address %s", url)
                 : net_error(err, nrv, "cannot dial %s", url);
        goto done;
    }
    *out = c;
    c = NULL;
done:
    dm_rpc_client_close(c);
    return rc;
}

void dm_rpc_client_close(dm_rpc_client *c)
{
    if (!c)
        return;
    close_bounded(c->sock);
    free(c);
}

// remote_error fills err from a reply's error object and returns its code.
static int remote_error(dm_err *err, json_t *e, const char *method, const char *url)
{
    json_t *code = json_object_get(e, "ErrCode");
    const char *scope = json_string_value(json_object_get(e, "ErrScope"));
    const char *level = json_string_value(json_object_get(e, "ErrLevel"));
    const char *msg = json_string_value(json_object_get(e, "Message"));
    const char *cause = json_string_value(json_object_get(e, "RawCause"));
    const char *work = json_string_value(json_object_get(e, "Workaround"));
    int c = json_is_integer(code) ? (int)json_integer_value(code) : 0;

    if (c <= 0)
        return dm_err_set(err, DM_RPC_ERR_BAD_MESSAGE, DM_ERR_SCOPE_INTERNAL,
                          "%s on %s: error reply without a valid ErrCode", method, url);
    dm_err_scope sc = DM_ERR_SCOPE_NOT_SET;
    for (int i = DM_ERR_SCOPE_NOT_SET; i <= DM_ERR_SCOPE_INTERNAL; i++)
        if (scope && strcmp(scope, dm_err_scope_name((dm_err_scope)i)) == 0)
            sc = (dm_err_scope)i;
    dm_err_set(err, c, sc, "%s", msg ? msg : "");
    for (int i = DM_ERR_LEVEL_LOW; i <= DM_ERR_LEVEL_HIGH; i++)
        if (level && strcmp(level, dm_err_level_name((dm_err_level)i)) == 0)
            dm_err_level_set(err, (dm_err_level)i);
    if (cause && *cause)
        dm_err_cause(err, "%s", cause);
    if (work && *work)
        dm_err_workaround(err, "%s", work);
    return c;
}

int dm_rpc_client_call(json_t **out, dm_buf *out_data, dm_rpc_client *c, const char *method,
                       json_t *params, const void *data, size_t len, int timeout_ms, dm_err *err)
{
    int rc = 0, nrv;
    json_t *req = NULL, *rep = NULL;
    nng_msg *m = NULL;
    const uint8_t *att;
    size_t att_len;

    *out = NULL;
    req = json_object();
    if (!req || json_object_set_new(req, "method", json_string(method)) != 0 ||
        (params ? json_object_set(req, "params", params) : json_object_set_new(req, "params", json_object())) != 0) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto done;
    }
    if ((rc = make_msg(&m, req, data, len, err)))
        goto done;
    nng_socket_set_ms(c->sock, NNG_OPT_SENDTIMEO, timeout_ms > 0 ? timeout_ms : 10000);
    nng_socket_set_ms(c->sock, NNG_OPT_RECVTIMEO, timeout_ms > 0 ? timeout_ms : 10000);
    if ((nrv = nng_sendmsg(c->sock, m, 0)) != 0) {
        rc = nrv == NNG_ETIMEDOUT ? dm_err_set(err, DM_ERR_TIMEOUT, DM_ERR_SCOPE_INTERNAL,
                                                "%s: cannot reach %s in time", method, c->url)
                                  : net_error(err, nrv, "cannot send an rpc request to %s", c->url);
        goto done;
    }
    m = NULL;
    if ((nrv = nng_recvmsg(c->sock, &m, 0)) != 0) {
        m = NULL;
        if (nrv == NNG_ETIMEDOUT) {
            rc = dm_err_set(err, DM_ERR_TIMEOUT, DM_ERR_SCOPE_INTERNAL, "%s: no reply from %s within %d ms",
                            method, c->url, timeout_ms > 0 ? timeout_ms : 10000);
            dm_err_workaround(err, "check that the daemon at %s is running", c->url);
        } else {
            rc = net_error(err, nrv, "no rpc reply from %s", c->url);
        }
        goto done;
    }
    if ((rc = split_body(&rep, &att, &att_len, nng_msg_body(m), nng_msg_len(m), err)))
        goto done;
    json_t *e = json_object_get(rep, "error");
    if (e) {
        rc = remote_error(err, e, method, c->url);
        goto done;
    }
    json_t *res = json_object_get(rep, "result");
    if (!res) {
        rc = dm_err_set(err, DM_RPC_ERR_BAD_MESSAGE, DM_ERR_SCOPE_INTERNAL,
                        "%s on %s: reply has neither result nor error", method, c->url);
        goto done;
    }
    if (out_data && att && (rc = dm_buf_append(out_data, att, att_len))) {
        dm_err_set(err, rc, DM_ERR_SCOPE_INTERNAL, "out of memory for a %zu-byte rpc attachment", att_len);
        goto done;
    }
    *out = json_incref(res);
done:
    if (m)
        nng_msg_free(m);
    json_decref(req);
    json_decref(rep);
    return rc;
}

int dm_rpc_call(json_t **out, const char *url, const char *method, json_t *params, int timeout_ms,
                dm_err *err)
{
    dm_rpc_client *c = NULL;
    int rc = dm_rpc_client_open(&c, url, err);
    if (!rc)
        rc = dm_rpc_client_call(out, NULL, c, method, params, NULL, 0, timeout_ms, err);
    dm_rpc_client_close(c);
    return rc;
}

int dm_rpc_url(char *out, size_t size, const char *addr, dm_err *err)
{
    int n;
    if (!addr || !*addr)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "empty rpc address");
    if (strstr(addr, "://"))
        n = snprintf(out, size, "%s", addr);
    else if (!strrchr(addr, ':') || !strrchr(addr, ':')[1])
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "rpc address '%s' has no port (expected HOST:PORT)", addr);
    else
        n = snprintf(out, size, "tcp://%s", addr);
    if (n < 0 || (size_t)n >= size)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "rpc address '%.100s' is too long", addr);
    return 0;
}
