// DESIGN: one keepalive loop owns every decision; subtask threads only run subtask_run and
// publish their outcome (rc, error, done flag). The loop never waits for a subtask to stop
// (a load stops after its chunks in flight, which can take seconds): it asks, marks the
// record, and joins the thread on a later round once the done flag is set, so keepalives
// keep flowing while subtasks wind down. The records list is guarded by one mutex, which is
// never held across a call to the controller.
#include "worker.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "config.h"
#include "dm_log.h"
#include "subtask.h"

#define COMP "worker"
#define CTL_ERR_NOT_REGISTERED 38011 // controller.h: keepalive from an unknown member
#define CTL_ERR_NAME_TAKEN 38010     // controller.h: name alive at another address

typedef struct wsub {
    char *task, *source;
    json_int_t gen;
    config_task *tc;
    config_source *sc;
    subtask *st;
    pthread_t th;
    bool started;       // th runs (or ran) subtask_run
    atomic_bool done;   // subtask_run returned (or never started: create failed)
    int rc;             // its outcome, valid once done
    dm_err err;
    bool stop_asked;    // paused, unassigned or fenced: an rc after it is no error
    bool remove;        // drop the record once done
    struct wsub *next;
} wsub;

struct worker {
    worker_opts o;
    char *name, *addr, *join;
    pthread_mutex_t mu;
    wsub *subs;
    int64_t ttl_ms;
    atomic_bool stop;
    pthread_mutex_t stop_mu;
    pthread_cond_t stop_cv;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int worker_create(worker **out, const worker_opts *opts, dm_err *err)
{
    *out = NULL;
    if (!opts || !opts->name || !opts->addr || !opts->join)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "applierd --join needs --name and --addr");
    worker *w = calloc(1, sizeof(*w));
    if (!w)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    w->o = *opts;
    w->name = strdup(opts->name);
    w->addr = strdup(opts->addr);
    w->join = strdup(opts->join);
    if (!w->o.keepalive_ms)
        w->o.keepalive_ms = 1000;
    w->ttl_ms = 10000;
    pthread_mutex_init(&w->mu, NULL);
    pthread_mutex_init(&w->stop_mu, NULL);
    pthread_cond_init(&w->stop_cv, NULL);
    if (!w->name || !w->addr || !w->join) {
        worker_destroy(w);
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    }
    *out = w;
    return 0;
}

static void wsub_free(wsub *s)
{
    if (!s)
        return;
    if (s->started)
        pthread_join(s->th, NULL);
    subtask_destroy(s->st);
    config_task_destroy(s->tc);
    config_source_destroy(s->sc);
    free(s->task);
    free(s->source);
    free(s);
}

void worker_destroy(worker *w)
{
    if (!w)
        return;
    while (w->subs) {
        wsub *n = w->subs->next;
        wsub_free(w->subs);
        w->subs = n;
    }
    pthread_mutex_destroy(&w->mu);
    pthread_mutex_destroy(&w->stop_mu);
    pthread_cond_destroy(&w->stop_cv);
    free(w->name);
    free(w->addr);
    free(w->join);
    free(w);
}

void worker_stop(worker *w)
{
    pthread_mutex_lock(&w->stop_mu);
    atomic_store(&w->stop, true);
    pthread_cond_broadcast(&w->stop_cv);
    pthread_mutex_unlock(&w->stop_mu);
}

static void *sub_main(void *arg)
{
    wsub *s = arg;
    dm_err e;
    dm_err_clear(&e);
    int rc = subtask_run(s->st, &e);
    s->err = e;
    s->rc = rc;
    atomic_store(&s->done, true);
    if (rc)
        dm_warn(COMP, "subtask %s/%s stopped: %s", s->task, s->source, e.message);
    else
        dm_info(COMP, "subtask %s/%s returned", s->task, s->source);
    return NULL;
}

// sub_start creates and starts the subtask described by d (a keepalive entry). A record is
// always returned (NULL only without memory): when it cannot start, it is done with the error.
static wsub *sub_start(worker *w, json_t *d)
{
    wsub *s = calloc(1, sizeof(*s));
    config_diag diag;
    if (!s)
        return NULL;
    s->task = strdup(json_string_value(json_object_get(d, "task")));
    s->source = strdup(json_string_value(json_object_get(d, "source")));
    s->gen = json_integer_value(json_object_get(d, "generation"));
    const char *ty = json_string_value(json_object_get(d, "task_config"));
    const char *sy = json_string_value(json_object_get(d, "source_config"));
    config_diag_init(&diag);
    if (!s->task || !s->source) {
        free(s->task);
        free(s->source);
        free(s);
        return NULL;
    }
    if (!ty || !sy || config_source_from_string(&s->sc, sy, strlen(sy), "source.yaml", NULL, &diag) ||
        config_task_from_string(&s->tc, ty, strlen(ty), "task.yaml", NULL, &diag)) {
        char line[1024] = "missing configuration";
        if (diag.n_errors)
            config_diag_entry_format(line, sizeof(line), &diag.errors[0], false);
        s->rc = dm_err_set(&s->err, WORKER_ERR_CONFIG, DM_ERR_SCOPE_INTERNAL,
                           "subtask %s/%s: the assigned configuration does not load: %s", s->task, s->source, line);
        atomic_store(&s->done, true);
        goto done;
    }
    subtask_opts so = {.applier_id = w->name, .load_method = w->o.load_method};
    if ((s->rc = subtask_create(&s->st, s->sc, s->tc, &so, &s->err))) {
        atomic_store(&s->done, true);
        goto done;
    }
    if (pthread_create(&s->th, NULL, sub_main, s) != 0) {
        s->rc = dm_err_set(&s->err, DM_ERR_INTERNAL, DM_ERR_SCOPE_INTERNAL, "cannot start a subtask thread");
        atomic_store(&s->done, true);
        goto done;
    }
    s->started = true;
    const char *raddr = json_string_value(json_object_get(d, "relay_addr"));
    dm_info(COMP, "subtask %s/%s generation %lld started (%s)", s->task, s->source, (long long)s->gen,
            raddr ? "the relay is served by a relayd, this build reads the upstream directly"
                  : "reading the upstream directly");
done:
    config_diag_fini(&diag);
    return s;
}

static void sub_stop(wsub *s, const char *why)
{
    if (s->stop_asked)
        return;
    s->stop_asked = true;
    if (s->st && !atomic_load(&s->done)) {
        dm_info(COMP, "subtask %s/%s: stopping (%s)", s->task, s->source, why);
        subtask_stop(s->st);
    }
}

static json_t *find_desired(json_t *desired, const char *task, const char *source)
{
    size_t i;
    json_t *d;
    json_array_foreach(desired, i, d) {
        const char *t = json_string_value(json_object_get(d, "task"));
        const char *so = json_string_value(json_object_get(d, "source"));
        if (t && so && strcmp(t, task) == 0 && strcmp(so, source) == 0)
            return d;
    }
    return NULL;
}

// reconcile moves the local subtasks toward desired (the keepalive reply's "subtasks");
// desired NULL means fenced: stop everything.
static void reconcile(worker *w, json_t *desired, bool fenced)
{
    wsub **pp, *s;
    pthread_mutex_lock(&w->mu);
    for (s = w->subs; s; s = s->next) {
        json_t *d = fenced ? NULL : find_desired(desired, s->task, s->source);
        const char *stage = json_string_value(json_object_get(d, "stage"));
        json_int_t gen = json_integer_value(json_object_get(d, "generation"));
        if (!d) {
            sub_stop(s, fenced ? "controller unreachable for the keepalive TTL" : "no longer assigned");
            s->remove = true;
        } else if (stage && strcmp(stage, "Running") != 0) {
            sub_stop(s, "paused");
        } else if (gen > s->gen) {
            if (atomic_load(&s->done) || s->stop_asked) {
                sub_stop(s, "restart on a new generation");
                s->remove = true;
            } else {
                s->gen = gen; // resumed while running: nothing to restart
            }
        }
    }
    for (pp = &w->subs; (s = *pp);) {
        if (s->remove && atomic_load(&s->done)) {
            *pp = s->next;
            wsub_free(s);
        } else {
            pp = &s->next;
        }
    }
    size_t i;
    json_t *d;
    if (!fenced) {
        json_array_foreach(desired, i, d) {
            const char *task = json_string_value(json_object_get(d, "task"));
            const char *source = json_string_value(json_object_get(d, "source"));
            const char *stage = json_string_value(json_object_get(d, "stage"));
            if (!task || !source || !stage || strcmp(stage, "Running") != 0)
                continue;
            bool have = false;
            for (s = w->subs; s; s = s->next)
                have = have || (strcmp(s->task, task) == 0 && strcmp(s->source, source) == 0);
            if (have)
                continue;
            wsub *n = sub_start(w, d);
            if (n) {
                n->next = w->subs;
                w->subs = n;
            }
        }
    }
    pthread_mutex_unlock(&w->mu);
}

// status_json reports every subtask as the keepalive and `status` carry it.
static json_t *status_json(worker *w)
{
    json_t *arr = json_array();
    pthread_mutex_lock(&w->mu);
    for (wsub *s = w->subs; s; s = s->next) {
        if (s->remove)
            continue;
        bool done = atomic_load(&s->done);
        json_t *st = s->st ? subtask_status_json(s->st) : NULL;
        const char *stage = json_string_value(json_object_get(st, "stage"));
        const char *unit = json_string_value(json_object_get(st, "unit"));
        json_t *e = json_null();
        if (done) {
            // An rc caused by our own stop request is no error.
            bool failed = s->rc && !(s->stop_asked && (s->rc == SUBTASK_ERR_STOPPED || s->rc == DM_ERR_CANCELLED));
            stage = failed || s->stop_asked ? "Paused" : "Finished";
            if (failed)
                e = dm_err_to_json(&s->err);
        } else if (s->stop_asked) {
            stage = "Paused";
        }
        json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:s, s:s, s:o, s:o}", "task", s->task, "source",
                                             s->source, "generation", s->gen, "stage", stage ? stage : "New",
                                             "unit", unit ? unit : "", "status", st ? st : json_object(), "error",
                                             e ? e : json_null()));
    }
    pthread_mutex_unlock(&w->mu);
    return json_pack("{s:o}", "subtasks", arr);
}

int worker_rpc_handler(dm_rpc_reply *out, const dm_rpc_request *req, void *arg, dm_err *err)
{
    worker *w = arg;
    if (strcmp(req->method, "status") == 0) {
        json_t *st = status_json(w);
        if (st)
            json_object_set_new(st, "name", json_string(w->name));
        out->result = st;
        return st ? 0 : dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    }
    if (strcmp(req->method, "handle-error") == 0) {
        const char *task = json_string_value(json_object_get(req->params, "task"));
        const char *source = json_string_value(json_object_get(req->params, "source"));
        bool have = false;
        pthread_mutex_lock(&w->mu);
        for (wsub *s = w->subs; s; s = s->next)
            have = have || (task && source && !strcmp(s->task, task) && !strcmp(s->source, source) && !s->remove);
        pthread_mutex_unlock(&w->mu);
        if (!have)
            return dm_err_set(err, WORKER_ERR_HANDLE, DM_ERR_SCOPE_INTERNAL, "applier %s does not run subtask %s/%s",
                              w->name, task ? task : "?", source ? source : "?");
        dm_err_set(err, WORKER_ERR_HANDLE, DM_ERR_SCOPE_INTERNAL,
                   "handle-error for subtask %s/%s: a subtask run by applierd does not expose its sync unit's "
                   "handle-error yet",
                   task, source);
        return dm_err_workaround(err, "stop the task, then run the sync unit with tests/tools/sync_tool to "
                                      "skip or replace the DDL");
    }
    return dm_err_set(err, DM_RPC_ERR_UNKNOWN_METHOD, DM_ERR_SCOPE_INTERNAL,
                      "applierd --join has no method '%s' (it serves: status, handle-error)", req->method);
}

static int do_register(worker *w, dm_rpc_client *c, dm_err *err)
{
    json_t *res = NULL;
    json_t *p = json_pack("{s:s, s:s, s:s}", "name", w->name, "role", "applier", "addr", w->addr);
    int rc = dm_rpc_client_call(&res, NULL, c, "register", p, NULL, 0, 3000, err);
    json_decref(p);
    if (rc == 0) {
        json_int_t ttl = json_integer_value(json_object_get(res, "keepalive_ttl_ms"));
        if (ttl > 0)
            w->ttl_ms = ttl;
        dm_info(COMP, "applier %s registered with %s (keepalive TTL %lld ms)", w->name, w->join, (long long)w->ttl_ms);
    } else if (rc == CTL_ERR_NAME_TAKEN) {
        rc = dm_err_set(err, WORKER_ERR_REGISTER, DM_ERR_SCOPE_INTERNAL, "the controller refused applier %s: %s",
                        w->name, err ? err->message : "name taken");
    }
    json_decref(res);
    return rc;
}

int worker_run(worker *w, dm_err *err)
{
    char url[512], caddr[512];
    dm_rpc_server *srv = NULL;
    dm_rpc_client *cli = NULL;
    int rc;
    bool registered = false, fenced = false;
    int64_t last_ack = mono_ms(); // send time of the last acknowledged keepalive
    dm_err e;

    if ((rc = dm_rpc_url(url, sizeof(url), w->addr, err)) || (rc = dm_rpc_url(caddr, sizeof(caddr), w->join, err)) ||
        (rc = dm_rpc_server_start(&srv, url, 4, worker_rpc_handler, w, err)) ||
        (rc = dm_rpc_client_open(&cli, caddr, err)))
        goto done;
    dm_info(COMP, "applier %s serving on %s, joining %s", w->name, url, caddr);
    while (!atomic_load(&w->stop)) {
        dm_err_clear(&e);
        int64_t sent = mono_ms();
        if (!registered) {
            int r = do_register(w, cli, &e);
            if (r == WORKER_ERR_REGISTER) {
                if (err)
                    *err = e;
                rc = r;
                goto done;
            }
            registered = r == 0;
            if (!registered)
                dm_warn(COMP, "register with %s: %s", w->join, e.message);
        }
        if (registered) {
            json_t *status = status_json(w), *res = NULL;
            json_t *p = json_pack("{s:s, s:s, s:o}", "name", w->name, "role", "applier", "status",
                                  status ? status : json_object());
            int timeout = (int)(w->ttl_ms / 3 > 500 ? w->ttl_ms / 3 : 500);
            int r = dm_rpc_client_call(&res, NULL, cli, "keepalive", p, NULL, 0, timeout, &e);
            json_decref(p);
            if (r == 0) {
                last_ack = sent;
                if (fenced)
                    dm_info(COMP, "controller %s reachable again", w->join);
                fenced = false;
                reconcile(w, json_object_get(res, "subtasks"), false);
            } else {
                if (r == CTL_ERR_NOT_REGISTERED)
                    registered = false;
                dm_warn(COMP, "keepalive to %s: %s", w->join, e.message);
            }
            json_decref(res);
        }
        if (mono_ms() - last_ack > w->ttl_ms) {
            if (!fenced)
                dm_warn(COMP, "no keepalive acknowledged for %lld ms (TTL): stopping every subtask",
                        (long long)(mono_ms() - last_ack));
            fenced = true;
            reconcile(w, NULL, true);
        }
        // Sleep until the next round unless asked to stop.
        int64_t wait = (int64_t)w->o.keepalive_ms - (mono_ms() - sent);
        if (wait > 0) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += wait / 1000;
            ts.tv_nsec += (wait % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_mutex_lock(&w->stop_mu);
            if (!atomic_load(&w->stop))
                pthread_cond_timedwait(&w->stop_cv, &w->stop_mu, &ts);
            pthread_mutex_unlock(&w->stop_mu);
        }
    }
    rc = 0;
done:
    // Stop and wait for every subtask (they finish their chunks in flight).
    pthread_mutex_lock(&w->mu);
    for (wsub *s = w->subs; s; s = s->next)
        sub_stop(s, "applierd is stopping");
    pthread_mutex_unlock(&w->mu);
    dm_rpc_server_stop(srv);
    dm_rpc_client_close(cli);
    return rc;
}
