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

#include <jansson.h>

#include "config.h"
#include "dm_log.h"
#include "dm_member.h"
#include "subtask.h"

#define COMP "worker"

typedef struct wsub {
    char *task, *source;
    char *relay_addr;   // the relayd it reads from; NULL = the upstream
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

// A handle-error request, kept for the life of its subtask's assignment and given again to
// each restart of it (a new subtask object starts without the old one's requests).
typedef struct whandle {
    char *task, *source, *location;
    sync_handle_op op;
    char **sqls;
    size_t n;
    struct whandle *next;
} whandle;

struct worker {
    worker_opts o;
    whandle *handles; // under mu
    char *name, *addr, *join;
    pthread_mutex_t mu;
    wsub *subs;
    dm_member *member; // the register/keepalive loop
};

static json_t *member_status(void *arg);
static void member_reconcile(void *arg, json_t *reply);
static void member_fence(void *arg);

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
    pthread_mutex_init(&w->mu, NULL);
    if (!w->name || !w->addr || !w->join) {
        worker_destroy(w);
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    }
    dm_member_opts mo = {.name = w->name, .role = "applier", .addr = w->addr, .join = w->join,
                         .keepalive_ms = opts->keepalive_ms,
                         .ops = {.status = member_status, .reconcile = member_reconcile, .fence = member_fence},
                         .arg = w};
    int rc = dm_member_create(&w->member, &mo, err);
    if (rc) {
        worker_destroy(w);
        return rc;
    }
    *out = w;
    return 0;
}

static void whandle_free(whandle *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->sqls[i]);
    free(h->sqls);
    free(h->task);
    free(h->source);
    free(h->location);
    free(h);
}

// drop_handles forgets the handle-error requests of task/source. Called with mu held.
static void drop_handles(worker *w, const char *task, const char *source)
{
    for (whandle **pp = &w->handles, *h; (h = *pp);) {
        if (strcmp(h->task, task) == 0 && strcmp(h->source, source) == 0) {
            *pp = h->next;
            whandle_free(h);
        } else {
            pp = &h->next;
        }
    }
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
    free(s->relay_addr);
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
    while (w->handles) {
        whandle *n = w->handles->next;
        whandle_free(w->handles);
        w->handles = n;
    }
    dm_member_destroy(w->member);
    pthread_mutex_destroy(&w->mu);
    free(w->name);
    free(w->addr);
    free(w->join);
    free(w);
}

void worker_stop(worker *w)
{
    dm_member_stop(w->member);
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
    const char *raddr = json_string_value(json_object_get(d, "relay_addr"));
    if (raddr && !(s->relay_addr = strdup(raddr))) {
        s->rc = dm_err_set(&s->err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        atomic_store(&s->done, true);
        goto done;
    }
    subtask_opts so = {.applier_id = w->name, .load_method = w->o.load_method, .relay_addr = raddr};
    if ((s->rc = subtask_create(&s->st, s->sc, s->tc, &so, &s->err))) {
        atomic_store(&s->done, true);
        goto done;
    }
    for (whandle *h = w->handles; h; h = h->next) {
        dm_err he;
        if (strcmp(h->task, s->task) == 0 && strcmp(h->source, s->source) == 0 &&
            subtask_handle_error(s->st, h->location, h->op, (const char *const *)h->sqls, h->n, &he))
            dm_warn(COMP, "subtask %s/%s: handle-error at %s no longer applies: %s", s->task, s->source, h->location,
                    he.message);
    }
    if (pthread_create(&s->th, NULL, sub_main, s) != 0) {
        s->rc = dm_err_set(&s->err, DM_ERR_INTERNAL, DM_ERR_SCOPE_INTERNAL, "cannot start a subtask thread");
        atomic_store(&s->done, true);
        goto done;
    }
    s->started = true;
    dm_info(COMP, "subtask %s/%s generation %lld started (binlog from %s%s)", s->task, s->source, (long long)s->gen,
            raddr ? "relayd at " : "the upstream", raddr ? raddr : "");
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

static bool relay_same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
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
            if (!fenced)
                drop_handles(w, s->task, s->source);
        } else if (stage && strcmp(stage, "Running") != 0) {
            sub_stop(s, "paused");
        } else if (!relay_same(s->relay_addr, json_string_value(json_object_get(d, "relay_addr"))) &&
                   !atomic_load(&s->done)) {
            // The source's relay moved (or appeared, or went): read from where it is now.
            sub_stop(s, "the relay moved");
            s->remove = true;
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
        bool done = atomic_load(&s->done);
        // A subtask told to go is reported until its thread has returned: the controller
        // answers stop-task (and lets start-task --remove-meta run) only once it is gone.
        if (s->remove && done)
            continue;
        json_t *st = s->st ? subtask_status_json(s->st) : NULL;
        const char *stage = json_string_value(json_object_get(st, "stage"));
        const char *unit = json_string_value(json_object_get(st, "unit"));
        json_t *e = json_null();
        // Paused/Finished mean "stopped" to the controller: not before the thread returned.
        if (!done && stage && (strcmp(stage, "Paused") == 0 || strcmp(stage, "Finished") == 0))
            stage = "Running";
        if (done) {
            // An rc caused by our own stop request is no error.
            bool failed = s->rc && !(s->stop_asked && (s->rc == SUBTASK_ERR_STOPPED || s->rc == DM_ERR_CANCELLED));
            stage = failed || s->stop_asked ? "Paused" : "Finished";
            if (failed)
                e = dm_err_to_json(&s->err);
        }
        json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:s, s:s, s:o, s:o}", "task", s->task, "source",
                                             s->source, "generation", s->gen, "stage", stage ? stage : "New",
                                             "unit", unit ? unit : "", "status", st ? st : json_object(), "error",
                                             e ? e : json_null()));
    }
    pthread_mutex_unlock(&w->mu);
    return json_pack("{s:o}", "subtasks", arr);
}

static json_t *member_status(void *arg)
{
    return status_json(arg);
}

static void member_reconcile(void *arg, json_t *reply)
{
    reconcile(arg, json_object_get(reply, "subtasks"), false);
}

// member_fence stops every subtask: the controller may hand them to another applier now.
static void member_fence(void *arg)
{
    reconcile(arg, NULL, true);
}

// error_location finds "file:pos" of the error the subtask task/source stopped on (the sync
// unit's messages carry "startLocation: [position: (file, pos)"). Returns false when none.
static bool error_location(char *out, size_t size, worker *w, const char *task, const char *source)
{
    static const char key[] = "startLocation: [position: (";
    bool found = false;
    pthread_mutex_lock(&w->mu);
    for (wsub *s = w->subs; s && !found; s = s->next) {
        if (s->remove || strcmp(s->task, task) || strcmp(s->source, source) || !atomic_load(&s->done) || !s->rc)
            continue;
        const char *p = strstr(s->err.message, key), *comma, *close;
        if (!p || !(comma = strstr(p += sizeof(key) - 1, ", ")) || !(close = strchr(comma, ')')))
            continue;
        snprintf(out, size, "%.*s:%.*s", (int)(comma - p), p, (int)(close - comma - 2), comma + 2);
        found = true;
    }
    pthread_mutex_unlock(&w->mu);
    return found;
}

// handle_error serves DM's handle-error for one subtask: {task, source, op, binlog_pos,
// sqls}. The request goes to the running subtask and is kept for its restarts.
static int handle_error(dm_rpc_reply *out, worker *w, json_t *p, dm_err *err)
{
    const char *task = json_string_value(json_object_get(p, "task"));
    const char *source = json_string_value(json_object_get(p, "source"));
    const char *ops = json_string_value(json_object_get(p, "op"));
    const char *pos = json_string_value(json_object_get(p, "binlog_pos"));
    json_t *sqls = json_object_get(p, "sqls");
    sync_handle_op op = ops && !strcmp(ops, "skip")      ? SYNC_HANDLE_SKIP
                        : ops && !strcmp(ops, "replace") ? SYNC_HANDLE_REPLACE
                        : ops && !strcmp(ops, "revert")  ? SYNC_HANDLE_REVERT
                                                         : 0;
    int rc = 0;
    if (!task || !source || !op)
        return dm_err_set(err, WORKER_ERR_HANDLE, DM_ERR_SCOPE_INTERNAL,
                          "handle-error needs task, source and op skip|replace|revert (got op '%s')", ops ? ops : "");
    char cur[320];
    if ((!pos || !*pos) && error_location(cur, sizeof(cur), w, task, source))
        pos = cur; // as DM: without -b, the location of the error the subtask stopped on
    if (!pos || !*pos) {
        dm_err_set(err, WORKER_ERR_HANDLE, DM_ERR_SCOPE_INTERNAL,
                   "handle-error for %s/%s needs a binlog position: the subtask has no error with one", task, source);
        dm_err_workaround(err, "pass -b FILE:POS: the failing DDL's location, as the subtask's error message gives it");
        return WORKER_ERR_HANDLE;
    }
    whandle *h = calloc(1, sizeof(*h));
    size_t n = json_array_size(sqls);
    if (!h || !(h->task = strdup(task)) || !(h->source = strdup(source)) || !(h->location = strdup(pos)) ||
        (n && !(h->sqls = calloc(n, sizeof(char *))))) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto fail;
    }
    h->op = op;
    for (size_t i = 0; i < n; i++) {
        const char *q = json_string_value(json_array_get(sqls, i));
        if (!q || !(h->sqls[h->n++] = strdup(q))) {
            rc = dm_err_set(err, WORKER_ERR_HANDLE, DM_ERR_SCOPE_INTERNAL, "handle-error sqls[%zu] is not a string", i);
            goto fail;
        }
    }
    pthread_mutex_lock(&w->mu);
    wsub *s;
    for (s = w->subs; s; s = s->next)
        if (!s->remove && !strcmp(s->task, task) && !strcmp(s->source, source))
            break;
    if (!s)
        rc = dm_err_set(err, WORKER_ERR_HANDLE, DM_ERR_SCOPE_INTERNAL, "applier %s does not run subtask %s/%s", w->name,
                        task, source);
    else if (s->st)
        rc = subtask_handle_error(s->st, h->location, h->op, (const char *const *)h->sqls, h->n, err);
    if (!rc) {
        h->next = w->handles;
        w->handles = h;
        h = NULL;
        dm_info(COMP, "subtask %s/%s: handle-error %s at %s", task, source, ops, pos);
    }
    pthread_mutex_unlock(&w->mu);
    if (rc)
        goto fail;
    out->result = json_pack("{s:b}", "result", 1);
    return 0;
fail:
    if (h)
        whandle_free(h);
    return rc;
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
    if (strcmp(req->method, "handle-error") == 0)
        return handle_error(out, w, req->params, err);
    return dm_err_set(err, DM_RPC_ERR_UNKNOWN_METHOD, DM_ERR_SCOPE_INTERNAL,
                      "applierd --join has no method '%s' (it serves: status, handle-error)", req->method);
}

int worker_run(worker *w, dm_err *err)
{
    char url[512];
    dm_rpc_server *srv = NULL;
    int rc;
    if ((rc = dm_rpc_url(url, sizeof(url), w->addr, err)) ||
        (rc = dm_rpc_server_start(&srv, url, 4, worker_rpc_handler, w, err)))
        goto done;
    dm_info(COMP, "applier %s serving on %s, joining %s", w->name, url, w->join);
    rc = dm_member_run(w->member, err);
    if (rc == DM_MEMBER_ERR_NAME_TAKEN)
        rc = dm_err_set(err, WORKER_ERR_REGISTER, DM_ERR_SCOPE_INTERNAL, "the controller refused applier %s: %s",
                        w->name, err ? err->message : "name taken");
done:
    // Stop and wait for every subtask (they finish their chunks in flight).
    pthread_mutex_lock(&w->mu);
    for (wsub *s = w->subs; s; s = s->next)
        sub_stop(s, "applierd is stopping");
    pthread_mutex_unlock(&w->mu);
    dm_rpc_server_stop(srv);
    return rc;
}
