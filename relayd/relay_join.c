// DESIGN: the same level-triggered loop as applierd's worker: every keepalive reply is the
// whole desired set, and reconcile moves the local sources toward it. Sources are appended
// to a fixed array and never removed while running, so RPC workers (which may long-poll a
// source's segments for a minute) never see a source freed under them; an unassigned
// source is only paused.
#include "relay_join.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "dm_log.h"
#include "dm_member.h"
#include "dm_mysql.h"
#include "relay_rpc.h"

#define COMP "relay-join"

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
    dm_member *member; // the register/keepalive loop
};

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

static json_t *member_status(void *arg);
static void member_reconcile(void *arg, json_t *reply);

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
    if (!j->name || !j->addr || !j->relay_dir || !j->join) {
        relay_join_destroy(j);
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    }
    dm_member_opts mo = {.name = j->name, .role = "relayd", .addr = j->addr, .join = j->join,
                         .ops = {.status = member_status, .reconcile = member_reconcile}, .arg = j};
    int rc = dm_member_create(&j->member, &mo, err);
    if (rc) {
        relay_join_destroy(j);
        return rc;
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
    dm_member_destroy(j->member);
    pthread_mutex_destroy(&j->mu);
    free(j->name);
    free(j->addr);
    free(j->relay_dir);
    free(j->join);
    free(j);
}

void relay_join_stop(relay_join *j)
{
    dm_member_stop(j->member);
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

static json_t *member_status(void *arg)
{
    return status_json(arg);
}

static void member_reconcile(void *arg, json_t *reply)
{
    reconcile(arg, json_object_get(reply, "sources"));
}

int relay_join_run(relay_join *j, dm_err *err)
{
    char url[512];
    dm_rpc_server *srv = NULL;
    int rc;
    if ((rc = dm_rpc_url(url, sizeof(url), j->addr, err)) ||
        (rc = dm_rpc_server_start(&srv, url, 8 + 2 * RELAY_JOIN_MAX_SOURCES / 8, relay_join_handle, j, err)))
        goto done;
    dm_info(COMP, "relayd %s serving on %s, joining %s, relay dir %s", j->name, url, j->join, j->relay_dir);
    rc = dm_member_run(j->member, err);
    if (rc == DM_MEMBER_ERR_NAME_TAKEN)
        rc = dm_err_set(err, RELAY_JOIN_ERR_REGISTER, DM_ERR_SCOPE_INTERNAL, "the controller refused relayd %s: %s",
                        j->name, err ? err->message : "name taken");
done:
    dm_rpc_server_stop(srv);
    return rc;
}
