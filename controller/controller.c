// DESIGN: the controller's state is a few JSON documents kept in memory and mirrored one
// document per key in ctl_store:
//   source/<id>   {"yaml", "relay": {"worker", "stage", "start": {file,pos,gtid}}}
//                 relay.stage "" = no relay wanted; "Running"/"Paused" otherwise
//   task/<name>   {"yaml", "subtasks": {<source>: {"stage", "generation", "worker", "attempts"}}}
//   member/<name> {"role": "applier"|"relayd", "addr"}
// What members report (last keepalive, statuses, error backoff deadlines) is runtime only:
// after a restart members are given a fresh TTL and report again within a second.
//
// Desired state is level-triggered: a keepalive reply carries everything a member should
// run, so a lost reply or a controller restart loses nothing. Generations order restarts:
// an applier restarts a subtask that stopped with an error only when the generation grows
// (resume-task, auto-resume).
//
// Stopping: pause-task and stop-task change the desired state and then wait (bounded) until
// each applier reports the subtask stopped; stop-task marks a subtask "Stopped" and it is
// removed only once its applier reports it gone (or the applier is offline), so query-status
// shows a subtask that still runs and start-task cannot start or remove-meta under it.
// A report counts only when the reply to the member's previous keepalive already carried the
// change (epochs: each pause/stop bumps c->epoch; a member's "status_epoch" is the epoch its
// previous reply carried), since an applier reconciles to a reply before its next keepalive.
//
// Fencing: a member that misses its TTL is offline and its work moves only then; an
// applier measures its own TTL from the send time of its last acknowledged keepalive, which
// is earlier than the controller's receive time, so it stops its subtasks first.
#include "controller.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "binlog_client.h"
#include "config.h"
#include "ctl_sched.h"
#include "ctl_store.h"
#include "dm_log.h"
#include "dm_meta.h"
#include "dm_mysql.h"
#include "dm_time.h"
#include "row_expr.h"

#define COMP "controller"
#define TICK_MS 500

struct controller {
    controller_opts o;
    char *name, *addr;
    ctl_store *store;
    pthread_mutex_t mu;
    pthread_cond_t report_cv; // broadcast on each keepalive and tick (waits in pause/stop/query)
    json_int_t epoch;         // bumped by each pause/stop: see op_epoch_reached
    json_t *sources; // id -> document
    json_t *tasks;   // name -> document
    json_t *members; // name -> document
    json_t *live;    // member name -> {"last_seen", "alive", "status", "status_epoch", "reply_epoch"}
    json_t *subrt;   // "task\tsource" -> {"report", "retry_at", "resumed_at", "stop_epoch"}
    dm_rpc_server *srv;
    pthread_t tick_th;
    bool tick_started;
    pthread_mutex_t stop_mu;
    pthread_cond_t stop_cv;
    bool stopping;
};

static int64_t mono_ms(void *arg)
{
    (void)arg;
    return dm_time_mono_ms();
}

static int64_t now_ms(controller *c)
{
    return c->o.clock(c->o.clock_arg);
}

static int nomem(dm_err *err)
{
    return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
}

// ---- small JSON helpers ---------------------------------------------------------------

static const char *jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static json_int_t jint(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static json_t *reply_msg(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static json_t *reply_msg(bool ok, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return json_pack("{s:b, s:s}", "result", ok, "msg", msg);
}

static json_t *source_entry(bool ok, const char *msg, const char *source, const char *worker)
{
    return json_pack("{s:b, s:s, s:s, s:s}", "result", ok, "msg", msg ? msg : "", "source", source,
                     "worker", worker ? worker : "");
}

// str_list reads params[key] as an array of strings into a new JSON array (empty when absent).
static int str_list(json_t **out, json_t *params, const char *key, dm_err *err)
{
    json_t *a = json_object_get(params, key);
    *out = NULL;
    if (a && !json_is_array(a) && !json_is_null(a))
        return dm_err_set(err, CTL_ERR_BAD_PARAMS, DM_ERR_SCOPE_INTERNAL, "params.%s must be a list of strings", key);
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (!json_is_string(v)) return dm_err_set(
        err, CTL_ERR_BAD_PARAMS, DM_ERR_SCOPE_INTERNAL, "params.%s[%zu] is not a string", key, i);
    *out = a ? json_incref(a) : json_array();
    return *out ? 0 : nomem(err);
}

static bool list_has(json_t *list, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) if (strcmp(json_string_value(v), s) == 0) return true;
    return false;
}

// mask_yaml copies yaml with the value of every `password:` key replaced by ******, the way
// DM prints configurations.
static char *mask_yaml(const char *yaml)
{
    dm_buf b;
    dm_buf_init(&b);
    for (const char *p = yaml; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
        const char *k = p;
        while (k < p + len && (*k == ' ' || *k == '\t'))
            k++;
        if (strncmp(k, "password:", 9) == 0) {
            dm_buf_append(&b, p, (size_t)(k - p));
            dm_buf_puts(&b, "password: '******'\n");
        } else {
            dm_buf_append(&b, p, len);
        }
        p += len;
    }
    return dm_buf_detach(&b);
}

// ---- persistence ----------------------------------------------------------------------

static int persist(controller *c, const char *kind, const char *name, json_t *doc, dm_err *err)
{
    char key[600];
    snprintf(key, sizeof(key), "%s/%s", kind, name);
    return doc ? ctl_store_put(c->store, key, doc, err) : ctl_store_del(c->store, key, err);
}

static json_t *subrt_get(controller *c, const char *task, const char *source, bool create)
{
    char key[600];
    snprintf(key, sizeof(key), "%s\t%s", task, source);
    json_t *r = json_object_get(c->subrt, key);
    if (!r && create) {
        r = json_object();
        json_object_set_new(c->subrt, key, r);
    }
    return r;
}

static void subrt_del(controller *c, const char *task, const char *source)
{
    char key[600];
    snprintf(key, sizeof(key), "%s\t%s", task, source);
    json_object_del(c->subrt, key);
}

// ---- membership -----------------------------------------------------------------------

// find_report returns applier w's latest report of subtask tn/sn (NULL when it reports none).
static json_t *find_report(controller *c, const char *w, const char *tn, const char *sn)
{
    size_t i;
    json_t *r;
    json_t *ls = json_object_get(json_object_get(c->live, w), "status");
    json_array_foreach(json_object_get(ls, "subtasks"), i, r) if (strcmp(jstr(r, "task"), tn) == 0 &&
                                                                   strcmp(jstr(r, "source"), sn) == 0) return r;
    return NULL;
}

static bool member_alive(controller *c, const char *name);

// sub_stopped tells whether subtask tn/sn (desired document st) is stopped on its applier
// by a report that reflects epoch: gone from the report (need_gone) or reported Paused or
// Finished. An unbound subtask or one on an offline applier counts as stopped. mu held.
static bool sub_stopped(controller *c, const char *tn, const char *sn, json_t *st, json_int_t epoch, bool need_gone)
{
    const char *w = jstr(st, "worker");
    if (!*w || !member_alive(c, w))
        return true;
    json_t *l = json_object_get(c->live, w);
    if (!json_object_get(l, "status") || jint(l, "status_epoch") < epoch)
        return false;
    json_t *r = find_report(c, w, tn, sn);
    if (!r)
        return true;
    const char *stage = jstr(r, "stage");
    return !need_gone && (strcmp(stage, "Paused") == 0 || strcmp(stage, "Finished") == 0);
}

// running_elsewhere finds a live applier that reports a subtask of task tn (for source sn,
// or any source when sn is NULL) that is not the desired subtask bound to it: a subtask
// still running after a stop. Returns the applier's name and sets *src. mu held.
static const char *running_elsewhere(controller *c, const char *tn, const char *sn, const char **src)
{
    const char *w;
    json_t *l;
    json_object_foreach(c->live, w, l) {
        if (!json_is_true(json_object_get(l, "alive")))
            continue;
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(json_object_get(l, "status"), "subtasks"), i, r) {
            if (strcmp(jstr(r, "task"), tn) != 0 || (sn && strcmp(jstr(r, "source"), sn) != 0))
                continue;
            *src = jstr(r, "source");
            return w;
        }
    }
    return NULL;
}

// reap removes the Stopped subtasks their appliers no longer run (and tasks left empty).
// Called with mu held.
static void reap(controller *c)
{
    const char *tn, *sn;
    json_t *t, *st, *tmp, *tmp2;
    dm_err e;
    dm_err_clear(&e);
    json_object_foreach_safe(c->tasks, tmp, tn, t) {
        json_t *subs = json_object_get(t, "subtasks");
        bool changed = false;
        json_object_foreach_safe(subs, tmp2, sn, st) {
            if (strcmp(jstr(st, "stage"), "Stopped") != 0)
                continue;
            json_t *rt = subrt_get(c, tn, sn, false);
            json_int_t ep = jint(rt, "stop_epoch");
            if (!sub_stopped(c, tn, sn, st, ep ? ep : 1, true))
                continue;
            dm_info(COMP, "subtask %s/%s stopped on applier '%s': removed", tn, sn, jstr(st, "worker"));
            subrt_del(c, tn, sn);
            json_object_del(subs, sn);
            changed = true;
        }
        if (!changed)
            continue;
        if (json_object_size(subs) == 0) {
            if (persist(c, "task", tn, NULL, &e) == 0)
                json_object_del(c->tasks, tn);
            else
                dm_error(COMP, "removing task %s: %s", tn, e.message);
        } else if (persist(c, "task", tn, t, &e)) {
            dm_error(COMP, "saving task %s: %s", tn, e.message);
        }
    }
}

// wait_report waits on report_cv for at most slice_ms (real time). mu held.
static void wait_report(controller *c, int64_t slice_ms)
{
    struct timespec ts = dm_time_deadline_ms(slice_ms);
    pthread_cond_timedwait(&c->report_cv, &c->mu, &ts);
}

static bool member_alive(controller *c, const char *name)
{
    json_t *l = json_object_get(c->live, name);
    return l && json_is_true(json_object_get(l, "alive"));
}

static const char *member_addr(controller *c, const char *name)
{
    return jstr(json_object_get(c->members, name), "addr");
}

// applier_load counts the subtasks bound to each applier.
static unsigned applier_load(controller *c, const char *name)
{
    unsigned n = 0;
    const char *tn, *sn;
    json_t *t, *st;
    json_object_foreach(c->tasks, tn, t) json_object_foreach(json_object_get(t, "subtasks"), sn, st)
        if (strcmp(jstr(st, "worker"), name) == 0) n++;
    return n;
}

static unsigned relayd_load(controller *c, const char *name)
{
    unsigned n = 0;
    const char *id;
    json_t *s;
    json_object_foreach(c->sources, id, s) {
        json_t *r = json_object_get(s, "relay");
        if (*jstr(r, "stage") && strcmp(jstr(r, "worker"), name) == 0)
            n++;
    }
    return n;
}

// pick_member chooses the live member of role with the smallest load ("" when none).
static const char *pick_member(controller *c, const char *role, bool free_first)
{
    size_t n = json_object_size(c->members), k = 0;
    ctl_sched_member *m = calloc(n ? n : 1, sizeof(*m));
    const char *name, *chosen = "";
    json_t *doc;
    if (!m)
        return "";
    json_object_foreach(c->members, name, doc) {
        if (strcmp(jstr(doc, "role"), role) != 0)
            continue;
        m[k].name = name;
        m[k].alive = member_alive(c, name);
        m[k].load = strcmp(role, "applier") == 0 ? applier_load(c, name) : relayd_load(c, name);
        k++;
    }
    int i = free_first ? ctl_sched_pick_free(m, k, true) : ctl_sched_pick(m, k);
    if (i >= 0)
        chosen = m[i].name;
    free(m);
    return chosen;
}

// parse_paren_loc reads "(file, pos)" as a load/sync status prints it.
static bool parse_paren_loc(char *file, size_t size, uint64_t *pos, const char *text)
{
    const char *comma;
    if (!text || text[0] != '(' || !(comma = strchr(text, ',')))
        return false;
    snprintf(file, size, "%.*s", (int)(comma - text - 1), text + 1);
    *pos = strtoull(comma + 1, NULL, 10);
    return file[0] != '\0';
}

// relay_start_for computes where a relay of source id must start on a relayd without a
// store (ctl_sched_relay_start over the subtasks' reported locations). Called with mu held.
static json_t *relay_start_for(controller *c, const char *id, json_t *src)
{
    enum { MAXC = 64 };
    char files[MAXC][256];
    ctl_sched_loc locs[MAXC], cfg = {0}, out;
    size_t n = 0;
    const char *tn;
    json_t *t;
    json_object_foreach(c->tasks, tn, t) {
        if (n >= MAXC || !json_object_get(json_object_get(t, "subtasks"), id))
            continue;
        json_t *rt = subrt_get(c, tn, id, false);
        json_t *st = json_object_get(json_object_get(rt, "report"), "status");
        json_t *sync = json_object_get(st, "sync");
        json_t *load = json_object_get(st, "load");
        const char *text = sync ? jstr(sync, "syncerBinlog") : load ? jstr(load, "metaBinlog") : "";
        uint64_t pos = 0;
        if (parse_paren_loc(files[n], sizeof(files[n]), &pos, text)) {
            locs[n] = (ctl_sched_loc){.file = files[n], .pos = pos};
            n++;
        }
    }
    config_source *cs = NULL;
    const char *yaml = jstr(src, "yaml");
    if (config_source_from_string(&cs, yaml, strlen(yaml), id, NULL, NULL) == 0) {
        cfg.file = cs->relay_binlog_name;
        cfg.gtid = cs->relay_binlog_gtid;
    }
    ctl_sched_relay_start(&out, locs, n, &cfg);
    json_t *r = json_pack("{s:s, s:I, s:s}", "file", out.file ? out.file : "", "pos", (json_int_t)out.pos,
                          "gtid", out.gtid ? out.gtid : "");
    config_source_destroy(cs);
    return r;
}

// relay_rebind binds the relay of source id (doc s, relay r) to relayd to. A relayd without
// the source's store starts where ctl_sched_relay_start says; "from" remembers the previous
// relayd, which keeps the source from the new one until it stops relaying it (two relays of
// one source share its server-id, and the upstream would kick one for the other). Called
// with mu held.
static void relay_rebind(controller *c, const char *id, json_t *s, json_t *r, const char *to)
{
    if (strcmp(jstr(r, "worker"), to) == 0)
        return;
    json_object_set_new(r, "from", json_string(jstr(r, "worker")));
    json_object_set_new(r, "worker", json_string(to));
    json_object_set_new(r, "start", relay_start_for(c, id, s));
}

// relay_reported tells whether relayd name is alive and its last keepalive listed source id
// (running, when running is set). Called with mu held.
static bool relay_reported(controller *c, const char *name, const char *id, bool running)
{
    if (!*name || !member_alive(c, name))
        return false;
    json_t *st = json_object_get(json_object_get(c->live, name), "status");
    size_t i;
    json_t *rs;
    json_array_foreach(json_object_get(st, "sources"), i, rs) if (strcmp(jstr(rs, "source"), id) == 0 &&
                                                                   (!running || strcmp(jstr(rs, "stage"), "Running") == 0)) return true;
    return false;
}

// relay_handoff_pending tells whether the relayd the relay r of source id moved from is alive
// and still reported relaying it. Called with mu held.
static bool relay_handoff_pending(controller *c, const char *id, json_t *r)
{
    const char *from = jstr(r, "from");
    return strcmp(from, jstr(r, "worker")) != 0 && relay_reported(c, from, id, true);
}

// relay_serving_addr is the address appliers read the relay of source id from: its relayd once
// that reports the source; until then the live relayd it moved from, which still serves what
// it stored; else its relayd, if alive (an applier retries until the relayd has the source);
// NULL when no relayd serves it (appliers read the upstream). Called with mu held.
static const char *relay_serving_addr(controller *c, const char *id, json_t *r)
{
    const char *w = jstr(r, "worker"), *from = jstr(r, "from");
    if (!*jstr(r, "stage") || !*w || !member_alive(c, w))
        return NULL;
    if (relay_reported(c, w, id, false))
        return member_addr(c, w);
    if (*from && strcmp(from, w) != 0 && member_alive(c, from))
        return member_addr(c, from);
    return member_addr(c, w);
}

// schedule binds unbound work and moves work off offline members. Called with mu held.
static void schedule(controller *c)
{
    const char *tn, *sn, *id;
    json_t *t, *st, *s;
    dm_err e;
    dm_err_clear(&e);
    json_object_foreach(c->tasks, tn, t) {
        bool changed = false;
        json_object_foreach(json_object_get(t, "subtasks"), sn, st) {
            const char *w = jstr(st, "worker");
            if ((*w && member_alive(c, w)) || strcmp(jstr(st, "stage"), "Stopped") == 0)
                continue;
            const char *to = pick_member(c, "applier", false);
            if (!*to || strcmp(to, w) == 0)
                continue;
            dm_info(COMP, "subtask %s/%s: %s%s -> applier %s", tn, sn, *w ? "moved from offline " : "bound",
                    w, to);
            json_object_set_new(st, "worker", json_string(to));
            subrt_del(c, tn, sn);
            changed = true;
        }
        if (changed && persist(c, "task", tn, t, &e))
            dm_error(COMP, "saving task %s: %s", tn, e.message);
    }
    json_object_foreach(c->sources, id, s) {
        json_t *r = json_object_get(s, "relay");
        const char *w = jstr(r, "worker");
        if (!*jstr(r, "stage") || (*w && member_alive(c, w)))
            continue;
        const char *to = pick_member(c, "relayd", true);
        if (!*to || strcmp(to, w) == 0)
            continue;
        dm_info(COMP, "relay of source %s: %s%s -> relayd %s", id, *w ? "moved from offline " : "bound", w, to);
        relay_rebind(c, id, s, r, to);
        json_t *start = json_object_get(r, "start");
        dm_info(COMP, "relay of source %s: a new store on %s starts at %s:%lld gtid '%s'", id, to,
                jstr(start, "file"), (long long)jint(start, "pos"), jstr(start, "gtid"));
        if (persist(c, "source", id, s, &e))
            dm_error(COMP, "saving source %s: %s", id, e.message);
    }
}

void controller_tick(controller *c)
{
    int64_t now = now_ms(c);
    const char *name, *tn, *sn;
    json_t *l, *t, *st;
    dm_err e;
    dm_err_clear(&e);
    pthread_mutex_lock(&c->mu);
    json_object_foreach(c->live, name, l) {
        bool alive = now - jint(l, "last_seen") <= c->o.keepalive_ttl_ms;
        if (!alive && json_is_true(json_object_get(l, "alive")))
            dm_warn(COMP, "member %s missed its keepalive TTL (%lld ms): offline", name,
                    (long long)c->o.keepalive_ttl_ms);
        json_object_set_new(l, "alive", json_boolean(alive));
    }
    // Auto-resume: a due retry bumps the generation the applier restarts on.
    json_object_foreach(c->tasks, tn, t) {
        bool changed = false;
        json_object_foreach(json_object_get(t, "subtasks"), sn, st) {
            json_t *rt = subrt_get(c, tn, sn, false);
            json_int_t at = jint(rt, "retry_at");
            if (!at || at > now || strcmp(jstr(st, "stage"), "Running") != 0)
                continue;
            json_int_t gen = jint(st, "generation") + 1;
            dm_info(COMP, "subtask %s/%s: auto-resume after a retryable error, generation %lld", tn, sn,
                    (long long)gen);
            json_object_set_new(st, "generation", json_integer(gen));
            json_object_set_new(st, "attempts", json_integer(jint(st, "attempts") + 1));
            json_object_del(rt, "retry_at");
            json_object_set_new(rt, "resumed_at", json_integer(now));
            changed = true;
        }
        if (changed && persist(c, "task", tn, t, &e))
            dm_error(COMP, "saving task %s: %s", tn, e.message);
    }
    reap(c);
    schedule(c);
    pthread_cond_broadcast(&c->report_cv);
    pthread_mutex_unlock(&c->mu);
}

static void *tick_main(void *arg)
{
    controller *c = arg;
    pthread_mutex_lock(&c->stop_mu);
    while (!c->stopping) {
        struct timespec ts = dm_time_deadline_ms(TICK_MS);
        pthread_cond_timedwait(&c->stop_cv, &c->stop_mu, &ts);
        if (c->stopping)
            break;
        pthread_mutex_unlock(&c->stop_mu);
        controller_tick(c);
        pthread_mutex_lock(&c->stop_mu);
    }
    pthread_mutex_unlock(&c->stop_mu);
    return NULL;
}

// ---- member methods -------------------------------------------------------------------

static int m_register(json_t **out, controller *c, json_t *p, dm_err *err)
{
    const char *name = jstr(p, "name"), *role = jstr(p, "role"), *addr = jstr(p, "addr");
    int rc = 0;
    if (!*name || !*addr || (strcmp(role, "applier") != 0 && strcmp(role, "relayd") != 0))
        return dm_err_set(err, CTL_ERR_BAD_PARAMS, DM_ERR_SCOPE_INTERNAL,
                          "register needs name, addr and role applier|relayd (got name '%s' role '%s' addr '%s')",
                          name, role, addr);
    pthread_mutex_lock(&c->mu);
    json_t *doc = json_object_get(c->members, name);
    if (doc && member_alive(c, name) && strcmp(jstr(doc, "addr"), addr) != 0) {
        rc = dm_err_set(err, CTL_ERR_NAME_TAKEN, DM_ERR_SCOPE_INTERNAL,
                        "member name %s is already registered and alive at %s (this one is at %s)", name,
                        jstr(doc, "addr"), addr);
        dm_err_workaround(err, "give each member its own --name");
        goto done;
    }
    json_t *nd = json_pack("{s:s, s:s}", "role", role, "addr", addr);
    if (!nd || (rc = persist(c, "member", name, nd, err))) {
        json_decref(nd);
        rc = rc ? rc : nomem(err);
        goto done;
    }
    json_object_set_new(c->members, name, nd);
    json_object_set_new(c->live, name, json_pack("{s:I, s:b}", "last_seen", (json_int_t)now_ms(c), "alive", 1));
    dm_info(COMP, "member %s (%s) registered from %s", name, role, addr);
    *out = json_pack("{s:I}", "keepalive_ttl_ms", (json_int_t)c->o.keepalive_ttl_ms);
done:
    pthread_mutex_unlock(&c->mu);
    return rc;
}

// source_rollback_ms is the source's checker.backoff-rollback (DM's default 5 m).
static int64_t source_rollback_ms(controller *c, const char *id)
{
    config_source *cs = NULL;
    const char *yaml = jstr(json_object_get(c->sources, id), "yaml");
    int64_t ms = 5 * 60 * 1000;
    if (config_source_from_string(&cs, yaml, strlen(yaml), id, NULL, NULL) == 0 && cs->checker.backoff_rollback_ms > 0)
        ms = cs->checker.backoff_rollback_ms;
    config_source_destroy(cs);
    return ms;
}

// note_applier_status records what an applier reports about its subtasks and arms the
// auto-resume of a subtask paused by a retryable error. Called with mu held.
static void note_applier_status(controller *c, const char *name, json_t *status, int64_t now)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(status, "subtasks"), i, r) {
        const char *tn = jstr(r, "task"), *sn = jstr(r, "source");
        json_t *t = json_object_get(c->tasks, tn);
        json_t *st = json_object_get(json_object_get(t, "subtasks"), sn);
        if (!st || strcmp(jstr(st, "worker"), name) != 0)
            continue;
        json_t *rt = subrt_get(c, tn, sn, true);
        json_object_set(rt, "report", r);
        if (jint(r, "generation") != jint(st, "generation"))
            continue;
        json_t *e = json_object_get(r, "error");
        int code = (int)jint(e, "ErrCode");
        if (strcmp(jstr(r, "stage"), "Paused") == 0 && code && strcmp(jstr(st, "stage"), "Running") == 0 &&
            !jint(rt, "retry_at")) {
            if (!ctl_sched_retryable(code))
                continue;
            config_source *cs = NULL;
            json_t *sdoc = json_object_get(c->sources, sn);
            const char *yaml = jstr(sdoc, "yaml");
            int64_t min = c->o.resume_min_ms, max = 0;
            double factor = 2;
            if (config_source_from_string(&cs, yaml, strlen(yaml), sn, NULL, NULL) == 0) {
                if (!cs->checker.check_enable) {
                    config_source_destroy(cs);
                    continue;
                }
                max = cs->checker.backoff_max_ms;
                factor = cs->checker.backoff_factor;
                config_source_destroy(cs);
            }
            int64_t wait = ctl_sched_backoff_ms((unsigned)jint(st, "attempts"), min, max, factor);
            json_object_set_new(rt, "retry_at", json_integer(now + wait));
            dm_info(COMP, "subtask %s/%s paused by retryable error %d: auto-resume in %lld ms", tn, sn, code,
                    (long long)wait);
        } else if (strcmp(jstr(r, "stage"), "Running") == 0 && jint(st, "attempts") > 0 &&
                   now - jint(rt, "resumed_at") > source_rollback_ms(c, sn)) {
            // Running steadily for checker.backoff-rollback after a resume: later errors start
            // the backoff over (DM's rollback of the backoff).
            json_object_set_new(st, "attempts", json_integer(0));
        }
    }
}

static json_t *desired_applier(controller *c, const char *name)
{
    json_t *subs = json_array();
    const char *tn, *sn;
    json_t *t, *st;
    json_object_foreach(c->tasks, tn, t) json_object_foreach(json_object_get(t, "subtasks"), sn, st)
    {
        if (strcmp(jstr(st, "worker"), name) != 0 || strcmp(jstr(st, "stage"), "Stopped") == 0)
            continue;
        json_t *src = json_object_get(c->sources, sn);
        json_t *relay = json_object_get(src, "relay");
        // A paused relay still serves what it stored: appliers keep reading it and wait.
        const char *ra = relay_serving_addr(c, sn, relay);
        json_t *raddr = ra ? json_string(ra) : json_null();
        json_array_append_new(subs, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:o}", "task", tn, "source", sn,
                                              "task_config", jstr(t, "yaml"), "source_config", jstr(src, "yaml"),
                                              "stage", jstr(st, "stage"), "generation", jint(st, "generation"),
                                              "relay_addr", raddr));
    }
    return json_pack("{s:o}", "subtasks", subs);
}

static json_t *desired_relayd(controller *c, const char *name)
{
    json_t *srcs = json_array();
    const char *id;
    json_t *s;
    json_object_foreach(c->sources, id, s) {
        json_t *r = json_object_get(s, "relay");
        if (!*jstr(r, "stage") || strcmp(jstr(r, "worker"), name) != 0 || relay_handoff_pending(c, id, r))
            continue;
        json_t *start = json_object_get(r, "start");
        json_array_append_new(srcs, json_pack("{s:s, s:s, s:s, s:O}", "source", id, "config", jstr(s, "yaml"),
                                              "stage", jstr(r, "stage"), "start",
                                              start ? start : json_null()));
    }
    return json_pack("{s:o}", "sources", srcs);
}

static int m_keepalive(json_t **out, controller *c, json_t *p, dm_err *err)
{
    const char *name = jstr(p, "name");
    int rc = 0;
    int64_t now = now_ms(c);
    pthread_mutex_lock(&c->mu);
    json_t *doc = json_object_get(c->members, name);
    if (!doc) {
        rc = dm_err_set(err, CTL_ERR_NOT_REGISTERED, DM_ERR_SCOPE_INTERNAL,
                        "keepalive from %s, which is not registered", name);
        dm_err_workaround(err, "register again");
        goto done;
    }
    json_t *l = json_object_get(c->live, name);
    if (!l) {
        l = json_object();
        json_object_set_new(c->live, name, l);
    }
    if (!json_is_true(json_object_get(l, "alive")))
        dm_info(COMP, "member %s is back", name);
    json_object_set_new(l, "last_seen", json_integer(now));
    json_object_set_new(l, "alive", json_true());
    json_t *status = json_object_get(p, "status");
    json_object_set_new(l, "status", json_is_object(status) ? json_incref(status) : json_object());
    // This status reflects what the previous reply carried (the member reconciled to it).
    json_object_set_new(l, "status_epoch", json_integer(jint(l, "reply_epoch")));
    json_object_set_new(l, "reply_epoch", json_integer(c->epoch));
    if (strcmp(jstr(doc, "role"), "applier") == 0) {
        note_applier_status(c, name, status, now);
        reap(c);
        *out = desired_applier(c, name);
    } else {
        *out = desired_relayd(c, name);
    }
    pthread_cond_broadcast(&c->report_cv);
    if (!*out)
        rc = nomem(err);
done:
    pthread_mutex_unlock(&c->mu);
    return rc;
}

// ---- sources --------------------------------------------------------------------------

static bool source_used(controller *c, const char *id, const char **task)
{
    const char *tn;
    json_t *t;
    json_object_foreach(c->tasks, tn, t) if (json_object_get(json_object_get(t, "subtasks"), id))
    {
        *task = tn;
        return true;
    }
    return false;
}

static const char *source_worker(controller *c, const char *id)
{
    return jstr(json_object_get(json_object_get(c->sources, id), "relay"), "worker");
}

static void diag_text(char *out, size_t size, const config_diag *d)
{
    size_t off = 0;
    out[0] = '\0';
    for (size_t i = 0; i < d->n_errors && off + 1 < size; i++) {
        char line[1024];
        off += (size_t)snprintf(out + off, size - off, "%s%s", i ? "; " : "",
                                config_diag_entry_format(line, sizeof(line), &d->errors[i], false));
    }
}

static int m_operate_source(json_t **out, controller *c, json_t *p, dm_err *err)
{
    const char *op = jstr(p, "op");
    bool print = json_is_true(json_object_get(p, "print_config"));
    json_t *names = NULL, *configs = NULL, *list = json_array();
    int rc = 0;
    size_t i;
    json_t *v;
    char msg[4096];
    if (!list)
        return nomem(err);
    if ((rc = str_list(&names, p, "sources", err)) || (rc = str_list(&configs, p, "configs", err)))
        goto fail;
    pthread_mutex_lock(&c->mu);
    if (strcmp(op, "create") == 0) {
        json_array_foreach(configs, i, v) {
            config_source *cs = NULL;
            config_diag d;
            const char *yaml = json_string_value(v);
            config_diag_init(&d);
            if (config_source_from_string(&cs, yaml, strlen(yaml), "source.yaml", NULL, &d)) {
                diag_text(msg, sizeof(msg), &d);
                json_array_append_new(list, source_entry(false, msg, "", ""));
            } else if (json_object_get(c->sources, cs->source_id)) {
                snprintf(msg, sizeof(msg), "source %s already exists", cs->source_id);
                json_array_append_new(list, source_entry(false, msg, cs->source_id, ""));
            } else {
                json_t *doc = json_pack("{s:s, s:{s:s, s:s}}", "yaml", yaml, "relay", "worker", "", "stage",
                                        cs->enable_relay ? "Running" : "");
                if (!doc || persist(c, "source", cs->source_id, doc, err)) {
                    json_decref(doc);
                    json_array_append_new(list, source_entry(false, err ? err->message : "cannot save",
                                                             cs->source_id, ""));
                } else {
                    json_object_set_new(c->sources, cs->source_id, doc);
                    dm_info(COMP, "source %s created", cs->source_id);
                }
            }
            config_diag_fini(&d);
            config_source_destroy(cs);
        }
        schedule(c);
        // Successes are listed after schedule so that they show the relayd just bound.
        json_array_foreach(configs, i, v) {
            config_source *cs = NULL;
            const char *yaml = json_string_value(v);
            if (config_source_from_string(&cs, yaml, strlen(yaml), "source.yaml", NULL, NULL) == 0) {
                bool listed = false;
                size_t j;
                json_t *e;
                json_array_foreach(list, j, e) if (strcmp(jstr(e, "source"), cs->source_id) == 0) listed = true;
                if (!listed)
                    json_array_append_new(list, source_entry(true, "", cs->source_id, source_worker(c, cs->source_id)));
            }
            config_source_destroy(cs);
        }
    } else if (strcmp(op, "stop") == 0) {
        json_array_foreach(names, i, v) {
            const char *id = json_string_value(v), *task = NULL;
            if (!json_object_get(c->sources, id)) {
                snprintf(msg, sizeof(msg), "source %s not found", id);
                json_array_append_new(list, source_entry(false, msg, id, ""));
            } else if (source_used(c, id, &task)) {
                snprintf(msg, sizeof(msg), "source %s is used by task %s; stop the task first", id, task);
                json_array_append_new(list, source_entry(false, msg, id, source_worker(c, id)));
            } else if (persist(c, "source", id, NULL, err)) {
                json_array_append_new(list, source_entry(false, err ? err->message : "cannot save", id, ""));
            } else {
                json_array_append_new(list, source_entry(true, "", id, source_worker(c, id)));
                json_object_del(c->sources, id);
                dm_info(COMP, "source %s removed", id);
            }
        }
    } else if (strcmp(op, "show") == 0) {
        const char *id;
        json_t *s;
        json_object_foreach(c->sources, id, s) {
            if (json_array_size(names) && !list_has(names, id))
                continue;
            json_t *e = source_entry(true, "", id, source_worker(c, id));
            if (print) {
                char *m = mask_yaml(jstr(s, "yaml"));
                json_object_set_new(e, "config", json_string(m ? m : ""));
                free(m);
            }
            json_array_append_new(list, e);
        }
        json_array_foreach(names, i, v) if (!json_object_get(c->sources, json_string_value(v)))
        {
            snprintf(msg, sizeof(msg), "source %s not found", json_string_value(v));
            json_array_append_new(list, source_entry(false, msg, json_string_value(v), ""));
        }
    } else {
        pthread_mutex_unlock(&c->mu);
        *out = reply_msg(false, "unknown operate-source op '%s' (create, stop, show)", op);
        goto done;
    }
    pthread_mutex_unlock(&c->mu);
    bool all_ok = true;
    json_array_foreach(list, i, v) all_ok = all_ok && json_is_true(json_object_get(v, "result"));
    *out = json_pack("{s:b, s:s, s:O}", "result", all_ok, "msg", "", "sources", list);
done:
    json_decref(names);
    json_decref(configs);
    json_decref(list);
    return *out ? 0 : nomem(err);
fail:
    json_decref(names);
    json_decref(configs);
    json_decref(list);
    return rc;
}

static int m_get_config(json_t **out, controller *c, json_t *p, dm_err *err)
{
    const char *type = jstr(p, "type"), *name = jstr(p, "name");
    char *text = NULL;
    pthread_mutex_lock(&c->mu);
    if (strcmp(type, "task") == 0 && json_object_get(c->tasks, name)) {
        text = mask_yaml(jstr(json_object_get(c->tasks, name), "yaml"));
    } else if (strcmp(type, "source") == 0 && json_object_get(c->sources, name)) {
        text = mask_yaml(jstr(json_object_get(c->sources, name), "yaml"));
    } else if (strcmp(type, "master") == 0 && strcmp(name, c->name) == 0) {
        dm_buf b;
        dm_buf_init(&b);
        dm_buf_printf(&b, "name: %s\naddr: %s\ndata-dir: %s\nkeepalive-ttl: %lldms\n", c->name, c->addr,
                      c->o.data_dir, (long long)c->o.keepalive_ttl_ms);
        text = dm_buf_detach(&b);
    } else if (strcmp(type, "worker") == 0 && json_object_get(c->members, name)) {
        json_t *m = json_object_get(c->members, name);
        dm_buf b;
        dm_buf_init(&b);
        dm_buf_printf(&b, "name: %s\naddr: %s\nrole: %s\njoin: %s\n", name, jstr(m, "addr"), jstr(m, "role"), c->addr);
        text = dm_buf_detach(&b);
    }
    pthread_mutex_unlock(&c->mu);
    if (text)
        *out = json_pack("{s:b, s:s, s:s}", "result", 1, "msg", "", "cfg", text);
    else if (strcmp(type, "task") && strcmp(type, "source") && strcmp(type, "master") && strcmp(type, "worker"))
        *out = reply_msg(false, "invalid config type '%s' (task, source, master, worker)", type);
    else
        *out = reply_msg(false, "%s %s not found", type, name);
    free(text);
    return *out ? 0 : nomem(err);
}

// ---- tasks ----------------------------------------------------------------------------

// precheck runs, for start-task, the checks that can be run from here, as DM's precheck does:
// the task must not ask for a feature this build does not run (config_task_unsupported) and
// its expression filters must parse (row_expr_check_task);
// (checker items binlog_enable, binlog_format, binlog_row_image, server_id, version): each
// selected source's upstream must be replicable (binlog_client_check_upstream) for the
// incremental phase, and the downstream must accept connections. A definite failure (a
// reachable server that is misconfigured, a refused login) is written to fail; a server that
// cannot be reached now is only noted in notes (the subtask pauses and is auto-resumed when
// it comes back). yamls are the sources' files, ids their ids, n their number.
static void precheck(char *fail, size_t fsize, char *notes, size_t nsize, const config_task *t,
                     const char *const *ids, const char *const *yamls, size_t n)
{
    size_t nl = 0;
    fail[0] = notes[0] = '\0';
    dm_err ue;
    char utext[1500];
    if (config_task_unsupported(&ue, t) || row_expr_check_task(t, NULL, &ue)) {
        snprintf(fail, fsize, "precheck: %s", dm_err_format(utext, sizeof utext, &ue));
        return;
    }
    bool needs_binlog = t->task_mode == CONFIG_TASK_MODE_ALL ||
                        t->task_mode == CONFIG_TASK_MODE_INCREMENTAL;
    for (size_t i = 0; i <= n && !fail[0]; i++) {
        dm_mysql_params p;
        config_source *cs = NULL;
        config_diag d;
        config_diag_init(&d);
        const char *what;
        if (i < n) {
            if (config_source_from_string(&cs, yamls[i], strlen(yamls[i]), "source.yaml", NULL, &d)) {
                config_diag_fini(&d);
                continue; // checked when the source was created
            }
            dm_mysql_params_from_config(&p, &cs->from);
            what = ids[i];
        } else {
            dm_mysql_params_from_config(&p, &t->target_db);
            what = "the downstream";
        }
        config_diag_fini(&d);
        p.connect_timeout_s = 5;
        MYSQL *m = NULL;
        dm_err e;
        char text[1500];
        if (dm_mysql_connect(&m, &p, &e)) {
            if (e.code == DM_ERR_DB_CONNECT && strstr(e.cause, "(28000)"))
                snprintf(fail, fsize, "precheck: %s: %s", what, dm_err_format(text, sizeof text, &e));
            else if (nl < nsize)
                nl += (size_t)snprintf(notes + nl, nsize - nl, "%s%s is not reachable now (%s)",
                                       nl ? "; " : "", what, e.message);
        } else if (i < n && needs_binlog) {
            binlog_client_upstream u;
            if (binlog_client_check_upstream(&u, m, &e) && e.code == BINLOG_CLIENT_ERR_UPSTREAM_CHECK)
                snprintf(fail, fsize, "precheck: source %s: %s", what, dm_err_format(text, sizeof text, &e));
        }
        if (m)
            mysql_close(m);
        config_source_destroy(cs);
    }
}

// remove_meta drops the task's dm_meta tables downstream (start-task --remove-meta), so
// every subtask starts from scratch. Runs without the controller's lock.
static int remove_meta(const config_task *t, dm_err *err)
{
    dm_mysql_params p;
    MYSQL *conn = NULL;
    dm_buf sql;
    int rc;
    dm_buf_init(&sql);
    dm_mysql_params_from_config(&p, &t->target_db);
    if ((rc = dm_mysql_connect(&conn, &p, err)))
        goto done;
    for (int w = 0; w < DM_META_TABLE_COUNT; w++) {
        dm_buf_reset(&sql);
        dm_buf_puts(&sql, "DROP TABLE IF EXISTS ");
        if ((rc = dm_meta_qualified_name(&sql, (dm_meta_table)w, t->meta_schema, t->name, err)) ||
            (rc = dm_mysql_exec(conn, sql.data, err)))
            goto done;
    }
    dm_info(COMP, "task %s: removed its tables in meta schema %s", t->name, t->meta_schema);
done:
    if (conn)
        mysql_close(conn);
    dm_buf_fini(&sql);
    return rc;
}

// task_prechecks runs precheck for the instances of t selected by only (all when empty)
// whose source exists, copying the sources' files under the lock and checking without it.
// fail and notes as precheck's.
static void task_prechecks(controller *c, const config_task *t, json_t *only, char *fail, size_t fsize,
                           char *notes, size_t nsize)
{
    const char *ids[64], *yamls[64];
    size_t n = 0;
    char **copies = calloc(t->n_instances ? t->n_instances : 1, sizeof *copies);
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; copies && i < t->n_instances && n < 64; i++) {
        const char *id = t->instances[i].source_id;
        json_t *sd = json_object_get(c->sources, id);
        if ((json_array_size(only) && !list_has(only, id)) || !sd)
            continue;
        if (!(copies[n] = strdup(jstr(sd, "yaml"))))
            continue;
        ids[n] = id;
        yamls[n] = copies[n];
        n++;
    }
    pthread_mutex_unlock(&c->mu);
    precheck(fail, fsize, notes, nsize, t, ids, yamls, n);
    for (size_t i = 0; i < n; i++)
        free(copies[i]);
    free(copies);
}

// task_param reads a request's "sources" into *only and its "task" file into *t; a file that
// does not load leaves *t NULL and sets *out to the reply naming the problems.
static int task_param(config_task **t, json_t **only, json_t **out, json_t *p, dm_err *err)
{
    const char *yaml = jstr(p, "task");
    config_diag d;
    char msg[4096];
    int rc;
    *t = NULL;
    config_diag_init(&d);
    if (!(rc = str_list(only, p, "sources", err)) &&
        config_task_from_string(t, yaml, strlen(yaml), "task.yaml", NULL, &d)) {
        diag_text(msg, sizeof(msg), &d);
        *out = reply_msg(false, "%s", msg);
        rc = *out ? 0 : nomem(err);
    }
    config_diag_fini(&d);
    return rc;
}

// m_check_task runs start-task's prechecks without starting anything (DM's check-task).
static int m_check_task(json_t **out, controller *c, json_t *p, dm_err *err)
{
    json_t *only = NULL;
    config_task *t = NULL;
    char msg[4096] = "", notes[2048] = "";
    int rc;
    if ((rc = task_param(&t, &only, out, p, err)) || !t)
        goto done;
    task_prechecks(c, t, only, msg, sizeof msg, notes, sizeof notes);
    if (msg[0])
        *out = reply_msg(false, "%s", msg);
    else if (notes[0])
        *out = reply_msg(true, "pre-check is passed, with warnings: %s", notes);
    else
        *out = reply_msg(true, "%s", "pre-check is passed");
done:
    json_decref(only);
    config_task_destroy(t);
    return rc ? rc : *out ? 0 : nomem(err);
}

static int m_start_task(json_t **out, controller *c, json_t *p, dm_err *err)
{
    const char *yaml = jstr(p, "task");
    json_t *only = NULL, *list = NULL;
    config_task *t = NULL;
    char msg[4096];
    int rc;
    if ((rc = task_param(&t, &only, out, p, err)) || !t)
        goto done;
    bool rm = json_is_true(json_object_get(p, "remove_meta"));
    // Prechecks first, without the lock: they talk to the databases.
    char notes[2048] = "";
    task_prechecks(c, t, only, msg, sizeof msg, notes, sizeof notes);
    if (msg[0]) {
        *out = json_pack("{s:b, s:s, s:[], s:s}", "result", 0, "msg", msg, "sources", "checkResult", msg);
        rc = *out ? 0 : nomem(err);
        goto done;
    }
    pthread_mutex_lock(&c->mu);
    msg[0] = '\0';
    json_t *old_subs = json_object_get(json_object_get(c->tasks, t->name), "subtasks");
    for (size_t i = 0; i < t->n_instances && !msg[0]; i++) {
        const char *id = t->instances[i].source_id, *src = NULL, *w;
        json_t *old = json_object_get(old_subs, id);
        if (json_array_size(only) && !list_has(only, id))
            continue;
        if (!json_object_get(c->sources, id))
            snprintf(msg, sizeof(msg), "source %s of task %s not found; create it with operate-source create", id,
                     t->name);
        else if (old && strcmp(jstr(old, "stage"), "Stopped") == 0)
            snprintf(msg, sizeof(msg),
                     "subtask of task %s for source %s is still stopping on worker %s; wait until query-status "
                     "no longer shows it",
                     t->name, id, jstr(old, "worker"));
        else if (old)
            snprintf(msg, sizeof(msg), "subtask of task %s for source %s has already been started", t->name, id);
        else if ((w = running_elsewhere(c, t->name, id, &src)))
            snprintf(msg, sizeof(msg), "subtask of task %s for source %s is still running on worker %s; wait for it to stop",
                     t->name, id, w);
    }
    // remove-meta drops the checkpoints of every source: no subtask of the task may run.
    const char *sn0, *src = NULL, *w;
    json_t *st0;
    if (rm && !msg[0]) {
        json_object_foreach(old_subs, sn0, st0) if (!msg[0]) snprintf(
            msg, sizeof(msg), "cannot remove the meta of task %s: its subtask for source %s still exists (%s on worker %s)",
            t->name, sn0, jstr(st0, "stage"), jstr(st0, "worker"));
        if (!msg[0] && (w = running_elsewhere(c, t->name, NULL, &src)))
            snprintf(msg, sizeof(msg), "cannot remove the meta of task %s: its subtask for source %s still runs on worker %s",
                     t->name, src, w);
    }
    pthread_mutex_unlock(&c->mu);
    if (msg[0]) {
        *out = reply_msg(false, "%s", msg);
        goto done;
    }
    if (rm) {
        dm_err me;
        dm_err_clear(&me);
        if (remove_meta(t, &me)) {
            char text[3000];
            *out = reply_msg(false, "remove-meta: %s", dm_err_format(text, sizeof(text), &me));
            goto done;
        }
    }
    pthread_mutex_lock(&c->mu);
    json_t *doc = json_object_get(c->tasks, t->name);
    if (!doc) {
        doc = json_pack("{s:s, s:{}}", "yaml", yaml, "subtasks");
        json_object_set_new(c->tasks, t->name, doc);
    } else {
        json_object_set_new(doc, "yaml", json_string(yaml));
    }
    json_t *subs = json_object_get(doc, "subtasks");
    for (size_t i = 0; i < t->n_instances; i++) {
        const char *id = t->instances[i].source_id;
        if (json_array_size(only) && !list_has(only, id))
            continue;
        json_object_set_new(subs, id, json_pack("{s:s, s:i, s:s, s:i}", "stage", "Running", "generation", 1,
                                                "worker", "", "attempts", 0));
        subrt_del(c, t->name, id);
    }
    schedule(c);
    rc = persist(c, "task", t->name, doc, err);
    list = json_array();
    const char *sn;
    json_t *st;
    json_object_foreach(subs, sn, st) if (!json_array_size(only) || list_has(only, sn))
        json_array_append_new(list, source_entry(true, "", sn, jstr(st, "worker")));
    pthread_mutex_unlock(&c->mu);
    if (rc)
        goto done;
    dm_info(COMP, "task %s started (%s)", t->name, config_task_mode_name(t->task_mode));
    *out = json_pack("{s:b, s:s, s:O, s:s}", "result", 1, "msg", "", "sources", list, "checkResult",
                     notes[0] ? notes : "pre-check is passed");
    if (!*out)
        rc = nomem(err);
done:
    json_decref(only);
    json_decref(list);
    config_task_destroy(t);
    return rc;
}

// still_running tells whether a stop (or pause) of subtask tn/sn at epoch still waits for
// its applier. st NULL: stopped and removed. A subtask started (resumed) again meanwhile is
// no longer waited for. mu held.
static bool still_running(controller *c, const char *tn, const char *sn, json_t *st, json_int_t epoch, bool stop)
{
    if (!st || strcmp(jstr(st, "stage"), stop ? "Stopped" : "Paused") != 0)
        return false;
    return !sub_stopped(c, tn, sn, st, epoch, stop);
}

// wait_stopped waits (op_wait_ms, real time) until every subtask listed (list: source
// entries of task tn) is stopped on its applier by a report reflecting epoch: gone for
// stop, Paused/Finished for pause. Entries still running when time is up get result false
// and a message. Returns whether all stopped. mu held (released while waiting).
static bool wait_stopped(controller *c, const char *tn, json_t *list, json_int_t epoch, bool stop)
{
    int64_t deadline = mono_ms(NULL) + c->o.op_wait_ms;
    for (;;) {
        reap(c);
        json_t *subs = json_object_get(json_object_get(c->tasks, tn), "subtasks");
        size_t i, pending = 0;
        json_t *e;
        json_array_foreach(list, i, e) {
            const char *sn = jstr(e, "source");
            json_t *st = json_object_get(subs, sn);
            if (json_is_true(json_object_get(e, "result")) && still_running(c, tn, sn, st, epoch, stop))
                pending++;
        }
        int64_t left = deadline - mono_ms(NULL);
        if (!pending)
            return true;
        if (left <= 0)
            break;
        wait_report(c, left < 100 ? left : 100);
    }
    json_t *subs = json_object_get(json_object_get(c->tasks, tn), "subtasks");
    size_t i;
    json_t *e;
    bool ok = true;
    json_array_foreach(list, i, e) {
        const char *sn = jstr(e, "source");
        json_t *st = json_object_get(subs, sn);
        if (!json_is_true(json_object_get(e, "result")) || !still_running(c, tn, sn, st, epoch, stop))
            continue;
        char m[800];
        snprintf(m, sizeof(m),
                 "worker %s has not reported the subtask of task %s for source %s %s within %lld ms; it is "
                 "told to, query-status shows when it has",
                 jstr(st, "worker"), tn, sn, stop ? "stopped" : "paused", (long long)c->o.op_wait_ms);
        json_object_set_new(e, "result", json_false());
        json_object_set_new(e, "msg", json_string(m));
        ok = false;
    }
    return ok;
}

// m_operate_task serves stop-task, pause-task and resume-task.
static int m_operate_task(json_t **out, controller *c, json_t *p, const char *op, dm_err *err)
{
    const char *name = jstr(p, "name");
    json_t *only = NULL, *list = json_array();
    int rc;
    if (!list)
        return nomem(err);
    if ((rc = str_list(&only, p, "sources", err))) {
        json_decref(list);
        return rc;
    }
    pthread_mutex_lock(&c->mu);
    json_t *t = json_object_get(c->tasks, name);
    if (!t) {
        pthread_mutex_unlock(&c->mu);
        *out = json_pack("{s:s, s:b, s:s, s:[]}", "op", op, "result", 0, "msg", "", "sources");
        char m[600];
        snprintf(m, sizeof(m), "task %s not found", name);
        json_object_set_new(*out, "msg", json_string(m));
        goto done;
    }
    json_t *subs = json_object_get(t, "subtasks");
    const char *sn;
    json_t *st, *tmp;
    bool ok = true;
    bool stop = strcmp(op, "Stop") == 0, pause = strcmp(op, "Pause") == 0;
    json_int_t epoch = stop || pause ? ++c->epoch : 0;
    json_object_foreach_safe(subs, tmp, sn, st) {
        if (json_array_size(only) && !list_has(only, sn))
            continue;
        json_array_append_new(list, source_entry(true, "", sn, jstr(st, "worker")));
        if (stop) {
            // Removed once its applier reports it gone (reap).
            json_t *rt = subrt_get(c, name, sn, true);
            json_object_set_new(st, "stage", json_string("Stopped"));
            json_object_del(rt, "retry_at");
            json_object_set_new(rt, "stop_epoch", json_integer(epoch));
        } else if (pause) {
            if (strcmp(jstr(st, "stage"), "Stopped") != 0)
                json_object_set_new(st, "stage", json_string("Paused"));
        } else if (strcmp(jstr(st, "stage"), "Stopped") == 0) {
            char m[600];
            snprintf(m, sizeof(m), "subtask of task %s for source %s is being stopped", name, sn);
            json_array_set_new(list, json_array_size(list) - 1, source_entry(false, m, sn, jstr(st, "worker")));
            ok = false;
        } else {
            json_object_set_new(st, "stage", json_string("Running"));
            json_object_set_new(st, "generation", json_integer(jint(st, "generation") + 1));
            json_object_set_new(st, "attempts", json_integer(0));
            json_object_del(subrt_get(c, name, sn, true), "retry_at");
        }
    }
    size_t i;
    json_t *v;
    json_array_foreach(only, i, v) if (!json_object_get(subs, json_string_value(v)) && strcmp(op, "Stop"))
    {
        char m[600];
        snprintf(m, sizeof(m), "task %s has no subtask for source %s", name, json_string_value(v));
        json_array_append_new(list, source_entry(false, m, json_string_value(v), ""));
        ok = false;
    }
    rc = persist(c, "task", name, t, err);
    bool stopped = rc || !(stop || pause) || wait_stopped(c, name, list, epoch, stop);
    pthread_mutex_unlock(&c->mu);
    if (rc)
        goto done;
    dm_info(COMP, "task %s: %s%s", name, op, stopped ? "" : " (not all stopped in time)");
    *out = json_pack("{s:s, s:b, s:s, s:O}", "op", op, "result", ok && stopped, "msg",
                     stopped ? "" : "some subtasks did not stop in time; see the sources' msg", "sources", list);
done:
    json_decref(only);
    json_decref(list);
    return rc ? rc : *out ? 0 : nomem(err);
}

// paren_loc turns relayd's "file:pos" into DM's "(file, pos)" ("" stays "").
static json_t *paren_loc(const char *loc)
{
    const char *colon = strrchr(loc, ':');
    if (!colon)
        return json_string(loc);
    char buf[600];
    snprintf(buf, sizeof(buf), "(%.*s, %s)", (int)(colon - loc), loc, colon + 1);
    return json_string(buf);
}

// relay_status_view turns a relayd's relay_source status into DM's relayStatus block:
// masterBinlog, masterBinlogGtid, relaySubDir, relayBinlog, relayBinlogGtid,
// relayCatchUpMaster, stage, result (the relay's error, DM-style, or null).
static json_t *relay_status_view(json_t *rs, const char *source)
{
    json_t *e = json_object_get(rs, "last_error");
    json_t *result = json_is_object(e) ? json_pack("{s:b, s:[O]}", "isCanceled", 0, "errors", e) : json_null();
    return json_pack("{s:o, s:s, s:s, s:o, s:s, s:b, s:s, s:o}", "masterBinlog", paren_loc(jstr(rs, "master_binlog")),
                     "masterBinlogGtid", jstr(rs, "master_gtid"), "relaySubDir", source, "relayBinlog",
                     paren_loc(jstr(rs, "relay_binlog")), "relayBinlogGtid", jstr(rs, "relay_gtid"),
                     "relayCatchUpMaster", json_is_true(json_object_get(rs, "catch_up")), "stage", jstr(rs, "stage"),
                     "result", result);
}

// subtask_view builds one subTaskStatus entry. Called with mu held.
static json_t *subtask_view(controller *c, const char *tn, const char *sn, json_t *st)
{
    json_t *rt = subrt_get(c, tn, sn, false);
    json_t *r = json_object_get(rt, "report");
    const char *want = jstr(st, "stage");
    bool current = r && jint(r, "generation") == jint(st, "generation") && member_alive(c, jstr(st, "worker"));
    // A pause shows once the applier reports its subtask stopped (or the applier is gone).
    const char *stage = current                            ? jstr(r, "stage")
                        : strcmp(want, "Paused") == 0 ? "Paused"
                        : strcmp(want, "Stopped") == 0 ? "Stopped"
                                                       : "New";
    if (strcmp(want, "Paused") == 0 && strcmp(stage, "Finished") != 0 && strcmp(stage, "Running") != 0)
        stage = "Paused";
    if (!*stage)
        stage = "New";
    json_t *status = current ? json_object_get(r, "status") : NULL;
    const char *unit = current ? jstr(r, "unit") : "";
    json_t *o = json_pack("{s:s, s:s, s:s, s:n, s:s}", "name", tn, "stage", stage, "unit", *unit ? unit : "",
                          "result", "unresolvedDDLLockID", "");
    json_t *e = r ? json_object_get(r, "error") : NULL;
    if (e && json_is_object(e) && (strcmp(stage, "Paused") == 0 || !current)) {
        json_object_set_new(o, "result", json_pack("{s:b, s:[O]}", "isCanceled", 0, "errors", e));
    }
    if (status) {
        static const char *blocks[] = {"sync", "load", "dump"};
        for (size_t i = 0; i < 3; i++)
            if (json_object_get(status, blocks[i]))
                json_object_set(o, blocks[i], json_object_get(status, blocks[i]));
    }
    if (jint(rt, "retry_at"))
        json_object_set_new(o, "autoResumeInMs", json_integer(jint(rt, "retry_at") - now_ms(c)));
    return o;
}

static const char *view_stage(json_t *v)
{
    return jstr(v, "stage");
}

// unreported_applier tells whether a live applier bound to a subtask of task tn (all tasks
// when tn is empty; sources in only, when not empty) has sent no status since the
// controller started. mu held.
static bool unreported_applier(controller *c, const char *tn, json_t *only)
{
    const char *n, *sn;
    json_t *t, *st;
    json_object_foreach(c->tasks, n, t) {
        if (*tn && strcmp(n, tn) != 0)
            continue;
        json_object_foreach(json_object_get(t, "subtasks"), sn, st) {
            const char *w = jstr(st, "worker");
            if ((json_array_size(only) && !list_has(only, sn)) || !*w || !member_alive(c, w))
                continue;
            if (!json_object_get(json_object_get(c->live, w), "status"))
                return true;
        }
    }
    return false;
}

static int m_query_status(json_t **out, controller *c, json_t *p, dm_err *err)
{
    const char *name = jstr(p, "name");
    json_t *only = NULL;
    int rc;
    if ((rc = str_list(&only, p, "sources", err)))
        return rc;
    pthread_mutex_lock(&c->mu);
    // After a restart the statuses come with the members' next keepalives (within ~1 s):
    // wait for the live appliers bound to what is queried rather than show "New".
    int64_t deadline = mono_ms(NULL) + c->o.status_wait_ms;
    while (c->o.status_wait_ms > 0 && unreported_applier(c, name, only) && mono_ms(NULL) < deadline) {
        int64_t left = deadline - mono_ms(NULL);
        wait_report(c, left < 100 ? left : 100);
    }
    if (!*name) {
        json_t *tasks = json_array();
        const char *tn, *sn;
        json_t *t, *st;
        json_object_foreach(c->tasks, tn, t) {
            json_t *srcs = json_array();
            const char *stages[256];
            bool errs[256];
            json_t *views[256];
            size_t n = 0;
            json_object_foreach(json_object_get(t, "subtasks"), sn, st) {
                if (json_array_size(only) && !list_has(only, sn))
                    continue;
                json_array_append_new(srcs, json_string(sn));
                if (n < 256) {
                    views[n] = subtask_view(c, tn, sn, st);
                    stages[n] = view_stage(views[n]);
                    errs[n] = json_is_object(json_object_get(views[n], "result"));
                    n++;
                }
            }
            if (json_array_size(only) && !json_array_size(srcs)) {
                json_decref(srcs);
                continue;
            }
            char ts[512];
            ctl_sched_task_status(ts, sizeof(ts), tn, stages, errs, n);
            for (size_t i = 0; i < n; i++)
                json_decref(views[i]);
            json_array_append_new(tasks, json_pack("{s:s, s:s, s:o}", "taskName", tn, "taskStatus", ts, "sources", srcs));
        }
        *out = json_pack("{s:b, s:s, s:o}", "result", 1, "msg", "", "tasks", tasks);
    } else {
        json_t *t = json_object_get(c->tasks, name);
        if (!t) {
            *out = reply_msg(false, "task %s not found", name);
        } else {
            json_t *srcs = json_array();
            const char *sn;
            json_t *st;
            json_object_foreach(json_object_get(t, "subtasks"), sn, st) {
                if (json_array_size(only) && !list_has(only, sn))
                    continue;
                json_t *relay = json_object_get(json_object_get(c->sources, sn), "relay");
                const char *rw = jstr(relay, "worker");
                json_t *rstatus = json_null();
                if (*jstr(relay, "stage") && *rw) {
                    size_t i;
                    json_t *rs;
                    json_t *ls = json_object_get(json_object_get(c->live, rw), "status");
                    json_array_foreach(json_object_get(ls, "sources"), i, rs) if (strcmp(jstr(rs, "source"), sn) == 0)
                    {
                        json_decref(rstatus);
                        rstatus = relay_status_view(rs, sn);
                    }
                }
                json_array_append_new(
                    srcs, json_pack("{s:b, s:s, s:{s:s, s:s, s:n, s:o}, s:[o]}", "result", 1, "msg", "",
                                    "sourceStatus", "source", sn, "worker", jstr(st, "worker"), "result",
                                    "relayStatus", rstatus, "subTaskStatus", subtask_view(c, name, sn, st)));
            }
            *out = json_pack("{s:b, s:s, s:o}", "result", 1, "msg", "", "sources", srcs);
        }
    }
    pthread_mutex_unlock(&c->mu);
    json_decref(only);
    return *out ? 0 : nomem(err);
}

// ---- members and relays for dmctl -------------------------------------------------------

static int m_list_member(json_t **out, controller *c, json_t *p, dm_err *err)
{
    bool leader = json_is_true(json_object_get(p, "leader")), master = json_is_true(json_object_get(p, "master")),
         worker = json_is_true(json_object_get(p, "worker"));
    json_t *names = NULL;
    int rc;
    if ((rc = str_list(&names, p, "names", err)))
        return rc;
    if (!leader && !master && !worker)
        leader = master = worker = true;
    json_t *members = json_array();
    char url[600];
    snprintf(url, sizeof(url), "http://%s", c->addr);
    if (leader)
        json_array_append_new(members, json_pack("{s:{s:s, s:s, s:s}}", "leader", "msg", "", "name", c->name, "addr",
                                                 c->addr));
    if (master && (!json_array_size(names) || list_has(names, c->name)))
        json_array_append_new(members,
                              json_pack("{s:{s:s, s:[{s:s, s:s, s:b, s:[], s:[s]}]}}", "masters", "msg", "", "masters",
                                        "name", c->name, "memberID", "", "alive", 1, "peerURLs", "clientURLs", url));
    if (worker) {
        json_t *ws = json_array();
        const char *name;
        json_t *m;
        pthread_mutex_lock(&c->mu);
        json_object_foreach(c->members, name, m) {
            if (json_array_size(names) && !list_has(names, name))
                continue;
            bool applier = strcmp(jstr(m, "role"), "applier") == 0;
            dm_buf src;
            dm_buf_init(&src);
            const char *tn, *sn, *id;
            json_t *t, *st, *s;
            if (applier) {
                json_object_foreach(c->tasks, tn, t) json_object_foreach(json_object_get(t, "subtasks"), sn, st)
                    if (strcmp(jstr(st, "worker"), name) == 0 && !strstr(src.data ? src.data : "", sn))
                        dm_buf_printf(&src, "%s%s", src.len ? "," : "", sn);
            } else {
                json_object_foreach(c->sources, id, s) {
                    json_t *r = json_object_get(s, "relay");
                    if (*jstr(r, "stage") && strcmp(jstr(r, "worker"), name) == 0)
                        dm_buf_printf(&src, "%s%s", src.len ? "," : "", id);
                }
            }
            const char *stage = !member_alive(c, name) ? "offline" : src.len ? "bound" : "free";
            json_array_append_new(ws, json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", name, "addr", jstr(m, "addr"),
                                                "stage", stage, "source", src.data ? src.data : "", "role",
                                                applier ? "applier" : "relayd"));
            dm_buf_fini(&src);
        }
        pthread_mutex_unlock(&c->mu);
        json_array_append_new(members, json_pack("{s:{s:s, s:o}}", "workers", "msg", "", "workers", ws));
    }
    json_decref(names);
    *out = json_pack("{s:b, s:s, s:o}", "result", 1, "msg", "", "members", members);
    return *out ? 0 : nomem(err);
}

static int m_offline_member(json_t **out, controller *c, json_t *p, dm_err *err)
{
    const char *type = jstr(p, "type"), *name = jstr(p, "name");
    int rc = 0;
    if (strcmp(type, "master") == 0) {
        *out = strcmp(name, c->name) == 0 ? reply_msg(false, "master %s is the leader and alive", name)
                                          : reply_msg(false, "master %s not found", name);
        return *out ? 0 : nomem(err);
    }
    if (strcmp(type, "worker") != 0) {
        *out = reply_msg(false, "invalid member type '%s' (worker, master)", type);
        return *out ? 0 : nomem(err);
    }
    pthread_mutex_lock(&c->mu);
    if (!json_object_get(c->members, name)) {
        *out = reply_msg(false, "worker %s not found", name);
    } else if (member_alive(c, name)) {
        *out = reply_msg(false, "worker %s is still alive; stop it before offline-member", name);
    } else if (!(rc = persist(c, "member", name, NULL, err))) {
        json_object_del(c->members, name);
        json_object_del(c->live, name);
        dm_info(COMP, "member %s removed", name);
        *out = reply_msg(true, "%s", "");
    }
    pthread_mutex_unlock(&c->mu);
    return rc ? rc : *out ? 0 : nomem(err);
}

static int m_operate_relay(json_t **out, controller *c, json_t *p, dm_err *err)
{
    const char *op = jstr(p, "op");
    json_t *names = NULL, *workers = NULL, *list = json_array();
    int rc;
    size_t i;
    json_t *v;
    if ((rc = str_list(&names, p, "sources", err)) || (rc = str_list(&workers, p, "workers", err)))
        goto done;
    const char *stage = strcmp(op, "start") == 0 || strcmp(op, "resume") == 0 ? "Running"
                        : strcmp(op, "pause") == 0                            ? "Paused"
                        : strcmp(op, "stop") == 0                             ? ""
                                                                              : NULL;
    if (!stage) {
        *out = reply_msg(false, "invalid relay op '%s' (start, stop, pause, resume)", op);
        goto done;
    }
    pthread_mutex_lock(&c->mu);
    json_array_foreach(names, i, v) {
        const char *id = json_string_value(v);
        json_t *s = json_object_get(c->sources, id);
        char m[600];
        if (!s) {
            snprintf(m, sizeof(m), "source %s not found", id);
            json_array_append_new(list, source_entry(false, m, id, ""));
            continue;
        }
        json_t *r = json_object_get(s, "relay");
        if ((strcmp(op, "pause") == 0 || strcmp(op, "resume") == 0) && !*jstr(r, "stage")) {
            snprintf(m, sizeof(m), "relay of source %s is not started", id);
            json_array_append_new(list, source_entry(false, m, id, ""));
            continue;
        }
        json_object_set_new(r, "stage", json_string(stage));
        if (!*stage)
            json_object_set_new(r, "worker", json_string(""));
        if (strcmp(op, "start") == 0 && json_array_size(workers)) {
            const char *w = json_string_value(json_array_get(workers, 0));
            json_t *md = json_object_get(c->members, w);
            if (!md || strcmp(jstr(md, "role"), "relayd") != 0) {
                snprintf(m, sizeof(m), "worker %s is not a registered relayd", w);
                json_array_append_new(list, source_entry(false, m, id, ""));
                continue;
            }
            relay_rebind(c, id, s, r, w);
        }
        if ((rc = persist(c, "source", id, s, err)))
            break;
        json_array_append_new(list, source_entry(true, "", id, jstr(r, "worker")));
    }
    schedule(c);
    json_array_foreach(list, i, v) if (json_is_true(json_object_get(v, "result")))
        json_object_set_new(v, "worker", json_string(source_worker(c, jstr(v, "source"))));
    pthread_mutex_unlock(&c->mu);
    if (!rc) {
        bool ok = true;
        json_array_foreach(list, i, v) ok = ok && json_is_true(json_object_get(v, "result"));
        *out = json_pack("{s:b, s:s, s:O}", "result", ok, "msg", "", "sources", list);
    }
done:
    json_decref(names);
    json_decref(workers);
    json_decref(list);
    return rc ? rc : *out ? 0 : nomem(err);
}

static int m_transfer_source(json_t **out, controller *c, json_t *p, dm_err *err)
{
    const char *id = jstr(p, "source"), *w = jstr(p, "worker");
    int rc = 0;
    pthread_mutex_lock(&c->mu);
    json_t *s = json_object_get(c->sources, id);
    json_t *md = json_object_get(c->members, w);
    if (!s) {
        *out = reply_msg(false, "source %s not found", id);
    } else if (!md || strcmp(jstr(md, "role"), "relayd") != 0 || !member_alive(c, w)) {
        *out = reply_msg(false, "worker %s is not a live relayd", w);
    } else {
        json_t *r = json_object_get(s, "relay");
        if (!*jstr(r, "stage"))
            json_object_set_new(r, "stage", json_string("Running"));
        relay_rebind(c, id, s, r, w);
        if (!(rc = persist(c, "source", id, s, err)))
            *out = reply_msg(true, "%s", "");
    }
    pthread_mutex_unlock(&c->mu);
    return rc ? rc : *out ? 0 : nomem(err);
}

// forward calls a member's method; the reply's outcome becomes a source entry.
static json_t *forward(const char *addr, const char *method, json_t *params, const char *source,
                       const char *worker)
{
    char url[512], text[3000];
    json_t *res = NULL;
    dm_err e;
    dm_err_clear(&e);
    if (!*addr)
        return source_entry(false, "no live member serves it", source, worker);
    if (dm_rpc_url(url, sizeof(url), addr, &e) || dm_rpc_call(&res, url, method, params, 30000, &e))
        return source_entry(false, dm_err_format(text, sizeof(text), &e), source, worker);
    json_decref(res);
    return source_entry(true, "", source, worker);
}

static int m_purge_relay(json_t **out, controller *c, json_t *p, dm_err *err)
{
    const char *id = jstr(p, "source"), *file = jstr(p, "filename");
    char addr[300] = "", w[300] = "";
    pthread_mutex_lock(&c->mu);
    json_t *s = json_object_get(c->sources, id);
    json_t *r = json_object_get(s, "relay");
    if (s && *jstr(r, "stage") && member_alive(c, jstr(r, "worker"))) {
        snprintf(w, sizeof(w), "%s", jstr(r, "worker"));
        snprintf(addr, sizeof(addr), "%s", member_addr(c, w));
    }
    pthread_mutex_unlock(&c->mu);
    if (!s) {
        *out = reply_msg(false, "source %s not found", id);
        return *out ? 0 : nomem(err);
    }
    json_t *params = json_pack("{s:s, s:s}", "source", id, "file", file);
    json_t *e = forward(addr, "purge", params, id, w);
    json_decref(params);
    *out = json_pack("{s:b, s:s, s:[o]}", "result", json_is_true(json_object_get(e, "result")), "msg", "",
                     "sources", e);
    return *out ? 0 : nomem(err);
}

static int m_handle_error(json_t **out, controller *c, json_t *p, dm_err *err)
{
    const char *name = jstr(p, "name");
    json_t *only = NULL, *targets = json_array(), *list = json_array();
    int rc;
    size_t i;
    json_t *v;
    if ((rc = str_list(&only, p, "sources", err)))
        goto done;
    pthread_mutex_lock(&c->mu);
    json_t *t = json_object_get(c->tasks, name);
    const char *sn;
    json_t *st;
    json_object_foreach(json_object_get(t, "subtasks"), sn, st) {
        if (json_array_size(only) && !list_has(only, sn))
            continue;
        const char *w = jstr(st, "worker");
        json_array_append_new(targets, json_pack("{s:s, s:s, s:s}", "source", sn, "worker", w, "addr",
                                                 member_alive(c, w) ? member_addr(c, w) : ""));
    }
    pthread_mutex_unlock(&c->mu);
    if (!t) {
        *out = reply_msg(false, "task %s not found", name);
        goto done;
    }
    json_array_foreach(targets, i, v) {
        json_t *params = json_deep_copy(p);
        json_object_set_new(params, "task", json_string(name));
        json_object_set_new(params, "source", json_string(jstr(v, "source")));
        json_array_append_new(list, forward(jstr(v, "addr"), "handle-error", params, jstr(v, "source"), jstr(v, "worker")));
        json_decref(params);
    }
    // As DM does, a subtask paused by an error resumes once its error is handled: a new
    // generation makes the applier restart it, with the handled request.
    pthread_mutex_lock(&c->mu);
    json_array_foreach(list, i, v) {
        const char *src = jstr(v, "source");
        json_t *t2 = json_object_get(c->tasks, name);
        json_t *st2 = json_object_get(json_object_get(t2, "subtasks"), src);
        json_t *rep = json_object_get(subrt_get(c, name, src, false), "report");
        if (!json_is_true(json_object_get(v, "result")) || !st2 || strcmp(jstr(st2, "stage"), "Running") != 0 ||
            strcmp(jstr(rep, "stage"), "Paused") != 0 || jint(rep, "generation") != jint(st2, "generation"))
            continue;
        json_object_set_new(st2, "generation", json_integer(jint(st2, "generation") + 1));
        json_object_del(subrt_get(c, name, src, true), "retry_at");
        if ((rc = persist(c, "task", name, t2, err)))
            break;
        dm_info(COMP, "subtask %s/%s: resumed after handle-error", name, src);
    }
    pthread_mutex_unlock(&c->mu);
    if (rc)
        goto done;
    bool ok = true;
    json_array_foreach(list, i, v) ok = ok && json_is_true(json_object_get(v, "result"));
    *out = json_pack("{s:b, s:s, s:O}", "result", ok, "msg", "", "sources", list);
done:
    json_decref(only);
    json_decref(targets);
    json_decref(list);
    return rc ? rc : *out ? 0 : nomem(err);
}

// ---- metrics ----------------------------------------------------------------------------

// label appends a Prometheus label value with \ and " escaped.
static void label(dm_buf *b, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            dm_buf_putc(b, '\\');
        if (*v == '\n') {
            dm_buf_puts(b, "\\n");
            continue;
        }
        dm_buf_putc(b, *v);
    }
}

int controller_metrics(dm_buf *out, controller *c)
{
    const char *name, *tn, *sn, *id;
    json_t *m, *t, *st, *s;
    dm_buf b;
    dm_buf_init(&b);
    pthread_mutex_lock(&c->mu);
    dm_buf_puts(&b, "# HELP dm_controller_member_alive Whether a member is within its keepalive TTL.\n"
                    "# TYPE dm_controller_member_alive gauge\n");
    json_object_foreach(c->members, name, m) {
        dm_buf_puts(&b, "dm_controller_member_alive{name=\"");
        label(&b, name);
        dm_buf_puts(&b, "\",role=\"");
        label(&b, jstr(m, "role"));
        dm_buf_printf(&b, "\"} %d\n", member_alive(c, name) ? 1 : 0);
    }
    static const char *series[] = {"stage", "generation", "auto_resumes"};
    static const char *help[] = {"The subtask's stage as query-status shows it (1).",
                                 "Restarts ordered by the controller (resume, auto-resume).",
                                 "Auto-resumes since the subtask last ran steadily."};
    for (size_t k = 0; k < 3; k++) {
        dm_buf_printf(&b, "# HELP dm_controller_subtask_%s %s\n# TYPE dm_controller_subtask_%s gauge\n", series[k],
                      help[k], series[k]);
        json_object_foreach(c->tasks, tn, t) json_object_foreach(json_object_get(t, "subtasks"), sn, st)
        {
            dm_buf_printf(&b, "dm_controller_subtask_%s{task=\"", series[k]);
            label(&b, tn);
            dm_buf_puts(&b, "\",source=\"");
            label(&b, sn);
            if (k == 0) {
                json_t *v = subtask_view(c, tn, sn, st);
                dm_buf_puts(&b, "\",stage=\"");
                label(&b, jstr(v, "stage"));
                dm_buf_puts(&b, "\"} 1\n");
                json_decref(v);
            } else {
                dm_buf_printf(&b, "\"} %lld\n", (long long)jint(st, k == 1 ? "generation" : "attempts"));
            }
        }
    }
    dm_buf_puts(&b, "# HELP dm_controller_relay_bound A source's relay and the relayd bound to it.\n"
                    "# TYPE dm_controller_relay_bound gauge\n");
    json_object_foreach(c->sources, id, s) {
        json_t *r = json_object_get(s, "relay");
        if (!*jstr(r, "stage"))
            continue;
        dm_buf_puts(&b, "dm_controller_relay_bound{source=\"");
        label(&b, id);
        dm_buf_puts(&b, "\",worker=\"");
        label(&b, jstr(r, "worker"));
        dm_buf_puts(&b, "\",stage=\"");
        label(&b, jstr(r, "stage"));
        dm_buf_printf(&b, "\"} %d\n", *jstr(r, "worker") ? 1 : 0);
    }
    pthread_mutex_unlock(&c->mu);
    int rc = b.data ? dm_buf_append(out, b.data, b.len) : 0;
    dm_buf_fini(&b);
    return rc;
}

// ---- dispatch ---------------------------------------------------------------------------

int controller_call(json_t **out, controller *c, const char *method, json_t *params, dm_err *err)
{
    json_t *p = params ? params : json_object();
    int rc;
    *out = NULL;
    if (!strcmp(method, "register"))
        rc = m_register(out, c, p, err);
    else if (!strcmp(method, "keepalive"))
        rc = m_keepalive(out, c, p, err);
    else if (!strcmp(method, "operate-source"))
        rc = m_operate_source(out, c, p, err);
    else if (!strcmp(method, "get-config"))
        rc = m_get_config(out, c, p, err);
    else if (!strcmp(method, "start-task"))
        rc = m_start_task(out, c, p, err);
    else if (!strcmp(method, "check-task"))
        rc = m_check_task(out, c, p, err);
    else if (!strcmp(method, "stop-task"))
        rc = m_operate_task(out, c, p, "Stop", err);
    else if (!strcmp(method, "pause-task"))
        rc = m_operate_task(out, c, p, "Pause", err);
    else if (!strcmp(method, "resume-task"))
        rc = m_operate_task(out, c, p, "Resume", err);
    else if (!strcmp(method, "query-status"))
        rc = m_query_status(out, c, p, err);
    else if (!strcmp(method, "list-member"))
        rc = m_list_member(out, c, p, err);
    else if (!strcmp(method, "offline-member"))
        rc = m_offline_member(out, c, p, err);
    else if (!strcmp(method, "operate-relay"))
        rc = m_operate_relay(out, c, p, err);
    else if (!strcmp(method, "purge-relay"))
        rc = m_purge_relay(out, c, p, err);
    else if (!strcmp(method, "transfer-source"))
        rc = m_transfer_source(out, c, p, err);
    else if (!strcmp(method, "handle-error"))
        rc = m_handle_error(out, c, p, err);
    else
        rc = dm_err_set(err, DM_RPC_ERR_UNKNOWN_METHOD, DM_ERR_SCOPE_INTERNAL, "the controller has no method '%s'",
                        method);
    if (!params)
        json_decref(p);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int controller_handle(dm_rpc_reply *out, const dm_rpc_request *req, void *arg, dm_err *err)
{
    json_t *res = NULL;
    int rc = controller_call(&res, arg, req->method, req->params, err);
    out->result = res;
    return rc;
}

// ---- life cycle -------------------------------------------------------------------------

int controller_create(controller **out, const controller_opts *opts, dm_err *err)
{
    int rc = 0;
    *out = NULL;
    if (!opts || !opts->name || !opts->addr || !opts->data_dir)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "controller needs a name, addr and data dir");
    controller *c = calloc(1, sizeof(*c));
    if (!c)
        return nomem(err);
    c->o = *opts;
    if (c->o.keepalive_ttl_ms <= 0)
        c->o.keepalive_ttl_ms = 10000;
    if (!c->o.clock)
        c->o.clock = mono_ms;
    c->name = strdup(opts->name);
    c->addr = strdup(opts->addr);
    c->o.data_dir = strdup(opts->data_dir);
    pthread_mutex_init(&c->mu, NULL);
    pthread_mutex_init(&c->stop_mu, NULL);
    pthread_cond_init(&c->stop_cv, NULL);
    pthread_cond_init(&c->report_cv, NULL);
    c->epoch = 1;
    if (c->o.op_wait_ms <= 0)
        c->o.op_wait_ms = 2 * c->o.keepalive_ttl_ms;
    if (c->o.status_wait_ms == 0)
        c->o.status_wait_ms = 3000;
    c->live = json_object();
    c->subrt = json_object();
    if (!c->name || !c->addr || !c->o.data_dir || !c->live || !c->subrt) {
        rc = nomem(err);
        goto fail;
    }
    if ((rc = ctl_store_open(&c->store, opts->data_dir, err)) || (rc = ctl_store_list(&c->sources, c->store, "source", err)) ||
        (rc = ctl_store_list(&c->tasks, c->store, "task", err)) ||
        (rc = ctl_store_list(&c->members, c->store, "member", err)))
        goto fail;
    // Members known before a restart get a fresh TTL to reconnect before their work moves.
    int64_t now = now_ms(c);
    const char *name;
    json_t *m;
    json_object_foreach(c->members, name, m)
        json_object_set_new(c->live, name, json_pack("{s:I, s:b}", "last_seen", (json_int_t)now, "alive", 1));
    dm_info(COMP, "controller %s: state in %s: %zu source(s), %zu task(s), %zu member(s)", c->name, opts->data_dir,
            json_object_size(c->sources), json_object_size(c->tasks), json_object_size(c->members));
    *out = c;
    return 0;
fail:
    controller_destroy(c);
    return rc;
}

int controller_start(controller *c, const char *url, dm_err *err)
{
    int rc;
    if ((rc = dm_rpc_server_start(&c->srv, url, 8, controller_handle, c, err)))
        return rc;
    if (pthread_create(&c->tick_th, NULL, tick_main, c) != 0)
        return dm_err_set(err, DM_ERR_INTERNAL, DM_ERR_SCOPE_INTERNAL, "cannot start the controller's tick thread");
    c->tick_started = true;
    return 0;
}

void controller_destroy(controller *c)
{
    if (!c)
        return;
    dm_rpc_server_stop(c->srv);
    if (c->tick_started) {
        pthread_mutex_lock(&c->stop_mu);
        c->stopping = true;
        pthread_cond_broadcast(&c->stop_cv);
        pthread_mutex_unlock(&c->stop_mu);
        pthread_join(c->tick_th, NULL);
    }
    json_decref(c->sources);
    json_decref(c->tasks);
    json_decref(c->members);
    json_decref(c->live);
    json_decref(c->subrt);
    ctl_store_close(c->store);
    pthread_mutex_destroy(&c->mu);
    pthread_mutex_destroy(&c->stop_mu);
    pthread_cond_destroy(&c->stop_cv);
    pthread_cond_destroy(&c->report_cv);
    free(c->name);
    free(c->addr);
    free((char *)c->o.data_dir);
    free(c);
}
