// DESIGN: the same level-triggered loop as applierd's worker: every keepalive reply is the
// whole desired set, and reconcile moves the local sources toward it. Sources are appended
// to a fixed array and never removed while running, so RPC workers (which may long-poll a
// source's segments for a minute) never see a source freed under them; an unassigned
// source is only paused.
#include "relay_join.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "dm_log.h"
#include "dm_mysql.h"
#include "relay_rpc.h"

#define COMP "relay-join"
#define CTL_ERR_NAME_TAKEN 38010     // controller.h: name alive at another address
#define CTL_ERR_NOT_REGISTERED 38011 // controller.h: keepalive from an unknown member

typedef struct jsource {
    config_source *cfg;
    bool assigned;   // in the last desired set
    char stage[16];  // the stage last applied: "Running" or "Paused"
} jsource;

struct relay_join {
    relay_join_opts o;
    char *name, *addr, *relay_dir, *join;
    pthread_mutex_t mu;
    relay_source *src[RELAY_JOIN_MAX_SOURCES];
    jsource js[RELAY_JOIN_MAX_SOURCES];
    size_t n;
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

void relay_join_source_opts(relay_source_opts *o, const config_source *cs, const char *relay_dir)
{
    memset(o, 0, sizeof(*o));
    o->source_id = cs->source_id;
    o->relay_dir = relay_dir;
    dm_mysql_params_from_config(&o->conn, &cs->from);
    o->server_id = cs->server_id;
    o->start_file = cs->relay_binlog_name;
    o->start_gtid = cs->relay_binlog_gtid;
    o->purge_interval_s = cs->purge.interval > 0 ? (unsigned)cs->purge.interval : 0;
    o->purge_expires_hours = (double)cs->purge.expires;
    o->purge_remain_space_gb = (double)cs->purge.remain_space;
}

int relay_join_create(relay_join **out, const relay_join_opts *opts, dm_err *err)
{
    *out = NULL;
    if (!opts || !opts->name || !opts->addr || !opts->relay_dir || !opts->join)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "relayd --join needs --name, --addr and --relay-dir");
    relay_join *j = calloc(1, sizeof(*j));
    if (!j)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    j->o = *opts;
    j->name = strdup(opts->name);
    j->addr = strdup(opts->addr);
    j->relay_dir = strdup(opts->relay_dir);
    j->join = strdup(opts->join);
    pthread_mutex_init(&j->mu, NULL);
    pthread_mutex_init(&j->stop_mu, NULL);
    pthread_cond_init(&j->stop_cv, NULL);
    if (!j->name || !j->addr || !j->relay_dir || !j->join) {
        relay_join_destroy(j);
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    }
    *out = j;
    return 0;
}

void relay_join_destroy(relay_join *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n; i++) {
        relay_source_destroy(j->src[i]);
        config_source_destroy(j->js[i].cfg);
    }
    pthread_mutex_destroy(&j->mu);
    pthread_mutex_destroy(&j->stop_mu);
    pthread_cond_destroy(&j->stop_cv);
    free(j->name);
    free(j->addr);
    free(j->relay_dir);
    free(j->join);
    free(j);
}

void relay_join_stop(relay_join *j)
{
    pthread_mutex_lock(&j->stop_mu);
    atomic_store(&j->stop, true);
    pthread_cond_broadcast(&j->stop_cv);
    pthread_mutex_unlock(&j->stop_mu);
}

int relay_join_handle(dm_rpc_reply *out, const dm_rpc_request *req, void *arg, dm_err *err)
{
    relay_join *j = arg;
    relay_rpc rpc = {.name = j->name, .sources = j->src};
    pthread_mutex_lock(&j->mu);
    rpc.n_sources = j->n;
    pthread_mutex_unlock(&j->mu);
    return relay_rpc_handle(out, req, &rpc, err);
}

// earliest_binlog asks the upstream for its oldest binlog file (the first row of SHOW
// BINARY LOGS) into out.
static int earliest_binlog(char *out, size_t size, const relay_source_opts *o, dm_err *err)
{
    MYSQL *conn = NULL;
    char *v = NULL;
    int rc;
    if ((rc = dm_mysql_connect(&conn, &o->conn, err)) || (rc = dm_mysql_query_value(&v, conn, "SHOW BINARY LOGS", err)))
        goto done;
    snprintf(out, size, "%s", v ? v : "");
done:
    free(v);
    if (conn)
        mysql_close(conn);
    return rc;
}

// add_source creates and starts the relay of one newly assigned source. Called with mu held
// (the upstream query for an empty store's start is short and bounded by its timeout).
static void add_source(relay_join *j, json_t *d)
{
    const char *yaml = json_string_value(json_object_get(d, "config"));
    json_t *start = json_object_get(d, "start");
    const char *sfile = json_string_value(json_object_get(start, "file"));
    const char *sgtid = json_string_value(json_object_get(start, "gtid"));
    config_source *cs = NULL;
    relay_source *rs = NULL;
    config_diag diag;
    relay_source_opts o;
    char store[1200], early[256] = "";
    struct stat sb;
    dm_err e;
    dm_err_clear(&e);
    config_diag_init(&diag);
    if (j->n >= RELAY_JOIN_MAX_SOURCES) {
        dm_error(COMP, "cannot relay more than %d sources (code %d)", RELAY_JOIN_MAX_SOURCES, RELAY_JOIN_ERR_FULL);
        goto done;
    }
    if (!yaml || config_source_from_string(&cs, yaml, strlen(yaml), "source.yaml", NULL, &diag)) {
        char line[1024] = "no config";
        if (diag.n_errors)
            config_diag_entry_format(line, sizeof(line), &diag.errors[0], false);
        dm_error(COMP, "assigned source %s does not load: %s",
                 json_string_value(json_object_get(d, "source")) ? json_string_value(json_object_get(d, "source")) : "?",
                 line);
        goto done;
    }
    relay_join_source_opts(&o, cs, j->relay_dir);
    o.zstd_level = j->o.zstd_level;
    o.commit_ms = j->o.commit_ms;
    o.commit_bytes = j->o.commit_bytes;
    // Only an empty store uses the start; a store that has data resumes from it.
    if (sgtid && *sgtid) {
        o.start_gtid = sgtid;
        o.start_file = NULL;
    } else if (sfile && *sfile) {
        o.start_file = sfile;
        o.start_gtid = NULL;
    }
    snprintf(store, sizeof(store), "%s/%s", j->relay_dir, cs->source_id);
    if (!(o.start_file && *o.start_file) && !(o.start_gtid && *o.start_gtid) && stat(store, &sb) != 0) {
        if (earliest_binlog(early, sizeof(early), &o, &e) == 0 && early[0])
            o.start_file = early;
        else
            dm_warn(COMP, "source %s: cannot read the upstream's earliest binlog (%s); the relay starts at its "
                          "current file",
                    cs->source_id, e.message);
    }
    if (relay_source_create(&rs, &o, &e) || relay_source_start(rs, &e)) {
        dm_error(COMP, "source %s: cannot start the relay: %s", cs->source_id, e.message);
        relay_source_destroy(rs);
        goto done;
    }
    dm_info(COMP, "source %s: relaying into %s (an empty store starts at %s%s)", cs->source_id, store,
            o.start_gtid && *o.start_gtid ? "GTID " : "", o.start_gtid && *o.start_gtid ? o.start_gtid
                                                          : o.start_file && *o.start_file ? o.start_file
                                                                                          : "the current binlog");
    j->js[j->n].cfg = cs;
    j->js[j->n].assigned = true;
    snprintf(j->js[j->n].stage, sizeof(j->js[j->n].stage), "Running");
    cs = NULL;
    j->src[j->n] = rs;
    j->n++;
done:
    config_source_destroy(cs);
    config_diag_fini(&diag);
}

// apply_stage pauses or resumes source i to stage ("Running"/"Paused"). Called with mu held.
static void apply_stage(relay_join *j, size_t i, const char *stage)
{
    dm_err e;
    dm_err_clear(&e);
    if (strcmp(j->js[i].stage, stage) == 0)
        return;
    int rc = strcmp(stage, "Running") == 0 ? relay_source_resume(j->src[i], &e) : relay_source_pause(j->src[i], &e);
    if (rc && rc != RELAY_SOURCE_ERR_STAGE)
        dm_warn(COMP, "source %s: %s: %s", relay_source_id(j->src[i]), stage, e.message);
    else
        dm_info(COMP, "source %s: %s", relay_source_id(j->src[i]), stage);
    snprintf(j->js[i].stage, sizeof(j->js[i].stage), "%s", stage);
}

static void reconcile(relay_join *j, json_t *desired)
{
    pthread_mutex_lock(&j->mu);
    for (size_t i = 0; i < j->n; i++)
        j->js[i].assigned = false;
    size_t k;
    json_t *d;
    json_array_foreach(desired, k, d) {
        const char *id = json_string_value(json_object_get(d, "source"));
        const char *stage = json_string_value(json_object_get(d, "stage"));
        if (!id || !stage)
            continue;
        size_t i;
        for (i = 0; i < j->n && strcmp(relay_source_id(j->src[i]), id) != 0; i++)
            ;
        if (i == j->n) {
            add_source(j, d);
            if (i == j->n)
                continue;
        }
        j->js[i].assigned = true;
        apply_stage(j, i, stage);
    }
    for (size_t i = 0; i < j->n; i++)
        if (!j->js[i].assigned)
            apply_stage(j, i, "Paused");
    pthread_mutex_unlock(&j->mu);
}

static json_t *status_json(relay_join *j)
{
    json_t *arr = json_array();
    pthread_mutex_lock(&j->mu);
    for (size_t i = 0; i < j->n; i++) {
        if (!j->js[i].assigned)
            continue;
        json_t *st = relay_source_status(j->src[i]);
        if (st)
            json_array_append_new(arr, st);
    }
    pthread_mutex_unlock(&j->mu);
    return json_pack("{s:o}", "sources", arr);
}

static int do_register(relay_join *j, dm_rpc_client *c, dm_err *err)
{
    json_t *res = NULL;
    json_t *p = json_pack("{s:s, s:s, s:s}", "name", j->name, "role", "relayd", "addr", j->addr);
    int rc = dm_rpc_client_call(&res, NULL, c, "register", p, NULL, 0, 3000, err);
    json_decref(p);
    json_decref(res);
    if (rc == CTL_ERR_NAME_TAKEN)
        rc = dm_err_set(err, RELAY_JOIN_ERR_REGISTER, DM_ERR_SCOPE_INTERNAL, "the controller refused relayd %s: %s",
                        j->name, err ? err->message : "name taken");
    else if (rc == 0)
        dm_info(COMP, "relayd %s registered with %s", j->name, j->join);
    return rc;
}

int relay_join_run(relay_join *j, dm_err *err)
{
    char url[512], curl[512];
    dm_rpc_server *srv = NULL;
    dm_rpc_client *cli = NULL;
    bool registered = false;
    int rc;
    dm_err e;
    if ((rc = dm_rpc_url(url, sizeof(url), j->addr, err)) || (rc = dm_rpc_url(curl, sizeof(curl), j->join, err)) ||
        (rc = dm_rpc_server_start(&srv, url, 8 + 2 * RELAY_JOIN_MAX_SOURCES / 8, relay_join_handle, j, err)) ||
        (rc = dm_rpc_client_open(&cli, curl, err)))
        goto done;
    dm_info(COMP, "relayd %s serving on %s, joining %s, relay dir %s", j->name, url, curl, j->relay_dir);
    while (!atomic_load(&j->stop)) {
        int64_t sent = mono_ms();
        dm_err_clear(&e);
        if (!registered) {
            int r = do_register(j, cli, &e);
            if (r == RELAY_JOIN_ERR_REGISTER) {
                if (err)
                    *err = e;
                rc = r;
                goto done;
            }
            registered = r == 0;
            if (!registered)
                dm_warn(COMP, "register with %s: %s", j->join, e.message);
        }
        if (registered) {
            json_t *st = status_json(j), *res = NULL;
            json_t *p = json_pack("{s:s, s:s, s:o}", "name", j->name, "role", "relayd", "status", st ? st : json_object());
            int r = dm_rpc_client_call(&res, NULL, cli, "keepalive", p, NULL, 0, 3000, &e);
            json_decref(p);
            if (r == 0)
                reconcile(j, json_object_get(res, "sources"));
            else {
                if (r == CTL_ERR_NOT_REGISTERED)
                    registered = false;
                dm_warn(COMP, "keepalive to %s: %s", j->join, e.message);
            }
            json_decref(res);
        }
        int64_t wait = 1000 - (mono_ms() - sent);
        if (wait > 0) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += wait * 1000000L;
            ts.tv_sec += ts.tv_nsec / 1000000000L;
            ts.tv_nsec %= 1000000000L;
            pthread_mutex_lock(&j->stop_mu);
            if (!atomic_load(&j->stop))
                pthread_cond_timedwait(&j->stop_cv, &j->stop_mu, &ts);
            pthread_mutex_unlock(&j->stop_mu);
        }
    }
    rc = 0;
done:
    dm_rpc_server_stop(srv);
    dm_rpc_client_close(cli);
    return rc;
}
