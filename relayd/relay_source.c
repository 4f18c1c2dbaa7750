// DESIGN: one thread per source owns the replica connection and is the relay store's only
// writer. Everything else (RPC workers asking for status, segments, pause, purge) talks to it
// through the source's mutex and condition variable:
// - status and segment reads use the store's thread-safe reader functions directly;
// - pause/stop set a flag and interrupt the blocked stream read (binlog_client_interrupt);
// - purge is a writer operation, so it is queued and run by the relay thread, which looks at
//   its queue after every stream item and at least every 200 ms (and while it waits in a
//   backoff or a pause).
// While streaming, a reader thread pulls packets from the upstream into a bounded queue
// (8 MiB) and the relay thread parses, appends (compression happens there) and commits, so
// that network and compression overlap.
// Each stream run: connect a status connection (checks, master position), open the store on
// first use (its flavour is the upstream's), decide the epoch and the start position, then
// pull events: real events are appended (the store group-commits by bytes/time; the relay
// thread wakes up to flush when the time bound expires even if nothing arrives), artificial
// events and heartbeats are not.
// Any error ends the run; retryable ones (connection lost, upstream restarting) come back
// after an exponential backoff, the others pause the source with the error kept for status.
#include "relay_source.h"
#include "dm_time.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "binlog.h"
#include "binlog_client.h"
#include "dm_log.h"
#include "gtid.h"
#include "relay_store.h"

#define COMP "relay"
#define NAME_MAX_LEN 512

typedef enum { STAGE_STOPPED = 0, STAGE_RUNNING, STAGE_PAUSED } stage_t;

static const char *stage_name(stage_t st)
{
    return st == STAGE_RUNNING ? "Running" : st == STAGE_PAUSED ? "Paused" : "Stopped";
}

// hold is what the source remembers of a remote reader's registration.
typedef struct hold {
    char *name;
    uint64_t seen_ms;   // last request (now_ms)
    uint64_t written_ms;
    relay_store_pos pos; // last registered
} hold;

struct relay_source {
    // Immutable after create.
    char *source_id, *relay_dir, *store_dir, *state_path;
    char *host, *user, *password, *ssl_ca, *ssl_cert, *ssl_key;
    char *start_gtid, *start_file;
    dm_mysql_params conn;
    uint32_t server_id_opt;
    unsigned heartbeat_ms, commit_ms, backoff_max_ms, purge_interval_s;
    size_t commit_bytes;
    int zstd_level;
    double expires_hours, remain_space_gb;

    pthread_t thread;
    bool started;
    int lock_fd;        // holds RELAY_SOURCE_LOCK_FILE while the source lives
    relay_store *store; // set once by the relay thread (under mu), closed by destroy

    pthread_mutex_t mu;
    pthread_cond_t cond; // stage/command changes and new stored data
    // Guarded by mu.
    stage_t stage;
    bool stopping, pause_req;
    binlog_client *client;
    bool has_error;
    dm_err last_error;
    uint32_t server_id;
    char upstream[128];         // identity of the upstream of the current epoch
    char master_file[NAME_MAX_LEN];
    uint64_t master_pos;
    char master_gtid[4096];
    uint32_t epoch;
    uint64_t data_version;      // bumped whenever stored data may have become visible
    bool purge_pending, purge_done;
    char purge_file[NAME_MAX_LEN]; // copied: the caller may give up waiting
    int purge_rc;
    dm_err purge_err;
    json_t *purge_result;
    hold *holds; // remote readers' holds
    size_t n_holds;
    unsigned reader_ttl_s;
};

static uint64_t now_ms(void) { return (uint64_t)dm_time_mono_ms(); }

static char *dup_or_null(const char *s, bool *ok)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *ok = false;
    return d;
}

int relay_source_create(relay_source **out, const relay_source_opts *o, dm_err *err)
{
    int rc = 0;
    bool ok = true;
    relay_source *s = NULL;

    *out = NULL;
    if (!o->source_id || !*o->source_id || !o->relay_dir || !*o->relay_dir)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "a relay source needs a source id and a relay directory");
    if (strchr(o->source_id, '/') || strcmp(o->source_id, ".") == 0 || strcmp(o->source_id, "..") == 0)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "source id '%s' cannot name a directory (no '/', '.' or '..')", o->source_id);
    s = calloc(1, sizeof(*s));
    if (!s)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cond, NULL);
    s->lock_fd = -1;
    s->source_id = dup_or_null(o->source_id, &ok);
    s->relay_dir = dup_or_null(o->relay_dir, &ok);
    s->host = dup_or_null(o->conn.host, &ok);
    s->user = dup_or_null(o->conn.user, &ok);
    s->password = dup_or_null(o->conn.password, &ok);
    s->ssl_ca = dup_or_null(o->conn.ssl_ca, &ok);
    s->ssl_cert = dup_or_null(o->conn.ssl_cert, &ok);
    s->ssl_key = dup_or_null(o->conn.ssl_key, &ok);
    s->start_gtid = o->start_gtid && *o->start_gtid ? dup_or_null(o->start_gtid, &ok) : NULL;
    s->start_file = o->start_file && *o->start_file ? dup_or_null(o->start_file, &ok) : NULL;
    if (ok && (asprintf(&s->store_dir, "%s/%s", o->relay_dir, o->source_id) < 0 ||
               asprintf(&s->state_path, "%s/%s/relayd-state.json", o->relay_dir, o->source_id) < 0)) {
        s->store_dir = s->state_path = NULL;
        ok = false;
    }
    if (!ok) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto done;
    }
    s->conn = o->conn;
    s->conn.host = s->host;
    s->conn.user = s->user;
    s->conn.password = s->password;
    s->conn.ssl_ca = s->ssl_ca;
    s->conn.ssl_cert = s->ssl_cert;
    s->conn.ssl_key = s->ssl_key;
    s->conn.charset = NULL;
    s->server_id_opt = o->server_id;
    s->heartbeat_ms = o->heartbeat_ms ? o->heartbeat_ms : 1000;
    s->commit_ms = o->commit_ms;
    s->commit_bytes = o->commit_bytes;
    s->zstd_level = o->zstd_level ? o->zstd_level : RELAY_SOURCE_ZSTD_LEVEL;
    s->backoff_max_ms = o->backoff_max_ms ? o->backoff_max_ms : 30000;
    s->purge_interval_s = o->purge_interval_s ? o->purge_interval_s : 3600;
    s->reader_ttl_s = o->reader_ttl_s ? o->reader_ttl_s : 86400;
    s->expires_hours = o->purge_expires_hours;
    s->remain_space_gb = o->purge_remain_space_gb;
    s->stage = STAGE_STOPPED;
    *out = s;
    s = NULL;
done:
    relay_source_destroy(s);
    return rc;
}

const char *relay_source_id(const relay_source *s) { return s->source_id; }

// ---- persisted state (server id, upstream identity) ------------------------------------

static int mkdir_p(const char *path, dm_err *err)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return dm_err_from_errno(err, errno, "cannot create directory %s", tmp);
        *p = '/';
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
        return dm_err_from_errno(err, errno, "cannot create directory %s", tmp);
    return 0;
}

int relay_source_lock(int *fd_out, const char *dir, dm_err *err)
{
    int rc, fd;
    char path[4200];
    *fd_out = -1;
    if ((rc = mkdir_p(dir, err)))
        return rc;
    snprintf(path, sizeof(path), "%s/%s", dir, RELAY_SOURCE_LOCK_FILE);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return dm_err_from_errno(err, errno, "cannot open %s", path);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        if (e != EWOULDBLOCK)
            return dm_err_from_errno(err, e, "cannot lock %s", path);
        dm_err_set(err, RELAY_SOURCE_ERR_LOCKED, DM_ERR_SCOPE_INTERNAL,
                   "the relay store %s is in use by another process (%s is locked)", dir, path);
        return dm_err_workaround(err, "stop the other relayd, or inspect through it with --addr");
    }
    *fd_out = fd;
    return 0;
}

// load_state reads relayd-state.json; a missing file leaves the outputs unchanged.
static int load_state(relay_source *s, uint32_t *server_id, char *upstream, size_t up_size, dm_err *err)
{
    json_error_t je;
    json_t *o = json_load_file(s->state_path, 0, &je);
    if (!o) {
        if (access(s->state_path, F_OK) != 0)
            return 0;
        dm_err_set(err, RELAY_SOURCE_ERR_STATE_FILE, DM_ERR_SCOPE_INTERNAL, "cannot read %s", s->state_path);
        return dm_err_cause(err, "%s at line %d", je.text, je.line);
    }
    json_t *id = json_object_get(o, "server_id");
    const char *up = json_string_value(json_object_get(o, "upstream"));
    if (json_is_integer(id))
        *server_id = (uint32_t)json_integer_value(id);
    if (up)
        snprintf(upstream, up_size, "%s", up);
    json_decref(o);
    return 0;
}

// save_state writes relayd-state.json durably: temp file, fsync, rename, fsync directory.
static int save_state(relay_source *s, uint32_t server_id, const char *upstream, dm_err *err)
{
    int rc = 0, fd = -1;
    char tmp[4200];
    char *text = NULL;
    json_t *o = json_pack("{s:I, s:s}", "server_id", (json_int_t)server_id, "upstream", upstream);

    snprintf(tmp, sizeof(tmp), "%s.tmp", s->state_path);
    if (!o || !(text = json_dumps(o, JSON_INDENT(2)))) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto done;
    }
    size_t len = strlen(text);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || fsync(fd) != 0) {
        rc = dm_err_from_errno(err, errno, "cannot write %s", tmp);
        goto done;
    }
    close(fd);
    fd = -1;
    if (rename(tmp, s->state_path) != 0) {
        rc = dm_err_from_errno(err, errno, "cannot rename %s", tmp);
        goto done;
    }
    fd = open(s->store_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0)
        fsync(fd);
done:
    if (rc && err)
        err->code = rc = RELAY_SOURCE_ERR_STATE_FILE;
    if (fd >= 0)
        close(fd);
    free(text);
    json_decref(o);
    return rc;
}

// pick_server_id returns the configured id, else the persisted one, else a new random id in
// [2^30, 2^31) that is persisted before first use so it stays stable across restarts.
static int pick_server_id(relay_source *s, dm_err *err)
{
    int rc;
    uint32_t id = 0;
    char up[128] = "";

    if ((rc = mkdir_p(s->store_dir, err)))
        return rc;
    if ((rc = load_state(s, &id, up, sizeof(up), err)))
        return rc;
    if (s->server_id_opt)
        id = s->server_id_opt;
    if (!id) {
        uint32_t r = 0;
        if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
            r = (uint32_t)time(NULL) ^ (uint32_t)getpid();
        id = (1u << 30) | (r & ((1u << 30) - 1));
    }
    if ((rc = save_state(s, id, up, err)))
        return rc;
    pthread_mutex_lock(&s->mu);
    s->server_id = id;
    snprintf(s->upstream, sizeof(s->upstream), "%s", up);
    pthread_mutex_unlock(&s->mu);
    return 0;
}

// ---- the relay thread -------------------------------------------------------------------

static bool is_retryable(int code)
{
    return code == BINLOG_CLIENT_ERR_DISCONNECTED || code == DM_ERR_DB_CONNECT ||
           code == DM_ERR_DB_RETRYABLE || code == DM_ERR_TIMEOUT || code == DM_ERR_DB;
}

static void bump_data(relay_source *s)
{
    pthread_mutex_lock(&s->mu);
    s->data_version++;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
}

// run_purge executes a purge on the writer thread.
static int run_purge(json_t **out, relay_source *s, const char *file, dm_err *err)
{
    relay_store_purge_result res;
    relay_store_purge_opts po;
    int rc;

    *out = NULL;
    memset(&po, 0, sizeof(po));
    pthread_mutex_lock(&s->mu);
    uint32_t epoch = s->epoch;
    pthread_mutex_unlock(&s->mu);
    if (s->store && !epoch) {
        // Not connected to the upstream yet: the store's last epoch.
        relay_store_durable d;
        if (relay_store_durable_pos(&d, s->store, NULL) == 0) {
            epoch = d.pos.epoch;
            relay_store_durable_fini(&d);
        }
    }
    if (!s->store || !epoch)
        return dm_err_set(err, RELAY_SOURCE_ERR_NOT_OPEN, DM_ERR_SCOPE_INTERNAL,
                          "source %s: the relay store holds nothing yet", s->source_id);
    po.before = true;
    po.before_epoch = epoch;
    po.before_file = file;
    if ((rc = relay_store_purge(&res, s->store, &po, err)))
        return rc;
    dm_info(COMP, "source %s: purged %" PRIu64 " segments (%" PRIu64 " bytes) before %s%s", s->source_id,
            res.segments, res.bytes, file, res.held ? ", held back by a reader" : "");
    *out = json_pack("{s:I, s:I, s:b}", "segments", (json_int_t)res.segments, "bytes", (json_int_t)res.bytes,
                     "held", res.held);
    return *out ? 0 : dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
}

// serve_commands runs a queued purge. Called by the relay thread without mu held.
static void serve_commands(relay_source *s)
{
    char file[NAME_MAX_LEN];
    pthread_mutex_lock(&s->mu);
    bool pending = s->purge_pending;
    snprintf(file, sizeof(file), "%s", s->purge_file);
    pthread_mutex_unlock(&s->mu);
    if (!pending)
        return;
    dm_err e;
    json_t *res = NULL;
    dm_err_clear(&e);
    int rc = run_purge(&res, s, file, &e);
    pthread_mutex_lock(&s->mu);
    s->purge_pending = false;
    s->purge_done = true;
    s->purge_rc = rc;
    s->purge_err = e;
    s->purge_result = res;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
}

// find_hold returns the hold of reader name, adding one (seen now) when add is set; NULL
// when absent or out of memory. Called with mu held.
static hold *find_hold(relay_source *s, const char *name, bool add)
{
    for (size_t i = 0; i < s->n_holds; i++)
        if (!strcmp(s->holds[i].name, name))
            return &s->holds[i];
    if (!add)
        return NULL;
    hold *g = realloc(s->holds, (s->n_holds + 1) * sizeof *g);
    if (!g)
        return NULL;
    s->holds = g;
    hold *h = &g[s->n_holds];
    memset(h, 0, sizeof *h);
    if (!(h->name = strdup(name)))
        return NULL;
    h->seen_ms = now_ms();
    s->n_holds++;
    return h;
}

// note_hold registers a remote reader's hold (see relay_source_segment). A failed write is
// logged: the next request tries again.
static void note_hold(relay_source *s, relay_store *store, json_t *params)
{
    const char *name = json_string_value(json_object_get(params, "reader"));
    json_t *h = json_object_get(params, "hold");
    const char *file = json_string_value(json_object_get(h, "file"));
    if (!name || !name[0] || !file || !file[0])
        return;
    relay_store_pos p;
    memset(&p, 0, sizeof p);
    json_int_t ep = json_integer_value(json_object_get(h, "epoch"));
    p.epoch = ep > 0 ? (uint32_t)ep : 1;
    snprintf(p.file, sizeof p.file, "%s", file);
    p.pos = (uint64_t)json_integer_value(json_object_get(h, "pos"));
    uint64_t now = now_ms();
    pthread_mutex_lock(&s->mu);
    hold *x = find_hold(s, name, true);
    bool write = false;
    if (x) {
        x->seen_ms = now;
        write = x->pos.epoch != p.epoch || strcmp(x->pos.file, p.file) != 0 ||
                (x->pos.pos != p.pos && now - x->written_ms >= 5000);
        if (write) {
            x->pos = p;
            x->written_ms = now;
        }
    }
    pthread_mutex_unlock(&s->mu);
    dm_err e;
    if (write && relay_store_register_reader(store, name, &p, &e)) {
        char msg[1024];
        dm_warn(COMP, "source %s: cannot register reader %s: %s", s->source_id, name,
                dm_err_format(msg, sizeof msg, &e));
    }
}

// expire_holds drops the holds of readers silent for reader_ttl_s. Registrations found in
// the store but not seen since this process started count from now. Relay thread.
static void expire_holds(relay_source *s)
{
    char **names = NULL;
    dm_err e;
    if (relay_store_readers(&names, s->store, &e))
        return;
    uint64_t now = now_ms();
    for (char **n = names; *n; n++) {
        pthread_mutex_lock(&s->mu);
        hold *h = find_hold(s, *n, true);
        bool stale = h && now - h->seen_ms > (uint64_t)s->reader_ttl_s * 1000;
        if (stale) {
            free(h->name);
            *h = s->holds[--s->n_holds];
        }
        pthread_mutex_unlock(&s->mu);
        if (stale) {
            dm_warn(COMP, "source %s: reader %s has not asked for %u s: its hold on the relay "
                          "is dropped",
                    s->source_id, *n, s->reader_ttl_s);
            relay_store_unregister_reader(s->store, *n, NULL);
        }
        free(*n);
    }
    free(names);
}

static void policy_purge(relay_source *s)
{
    relay_store_purge_opts po;
    relay_store_purge_result res;
    dm_err e;
    if (s->store)
        expire_holds(s);
    if (!s->store || (s->expires_hours <= 0 && s->remain_space_gb <= 0))
        return;
    memset(&po, 0, sizeof(po));
    po.expires_hours = s->expires_hours;
    po.remain_space_gb = s->remain_space_gb;
    if (relay_store_purge(&res, s->store, &po, &e) != 0) {
        char msg[2048];
        dm_warn(COMP, "source %s: purge by policy failed: %s", s->source_id, dm_err_format(msg, sizeof(msg), &e));
    } else if (res.segments) {
        dm_info(COMP, "source %s: purge by policy removed %" PRIu64 " segments (%" PRIu64 " bytes)", s->source_id,
                res.segments, res.bytes);
    }
}

// refresh_master reads the upstream's current position over the status connection.
static void refresh_master(relay_source *s, MYSQL *q)
{
    char file[NAME_MAX_LEN], gtext[4096];
    uint64_t pos;
    dm_err e;
    if (binlog_client_master_status(file, sizeof(file), &pos, gtext, sizeof(gtext), q, &e) != 0)
        return;
    pthread_mutex_lock(&s->mu);
    snprintf(s->master_file, sizeof(s->master_file), "%s", file);
    s->master_pos = pos;
    snprintf(s->master_gtid, sizeof(s->master_gtid), "%s", gtext);
    pthread_mutex_unlock(&s->mu);
}

static gtid_flavor store_flavor(binlog_client_flavor f)
{
    return f == BINLOG_CLIENT_MYSQL ? GTID_FLAVOR_MYSQL : GTID_FLAVOR_MARIADB;
}

// open_store opens the source's store; flavor NONE opens an existing one whatever its
// flavour (and fails on a missing one).
static int open_store(relay_source *s, gtid_flavor flavor, dm_err *err)
{
    relay_store_opts so;
    relay_store *st = NULL;
    int rc;
    memset(&so, 0, sizeof(so));
    so.flavor = flavor;
    so.commit_ms = s->commit_ms;
    so.commit_bytes = s->commit_bytes;
    so.zstd_level = s->zstd_level;
    if ((rc = relay_store_open(&st, s->store_dir, &so, err))) {
        dm_err_prefix(err, "source %s: opening the relay store in %s", s->source_id, s->store_dir);
        return rc;
    }
    pthread_mutex_lock(&s->mu);
    s->store = st;
    pthread_mutex_unlock(&s->mu);
    return 0;
}

// ensure_store opens the store on first contact with the upstream (a new store takes the
// upstream's flavour) and refuses an upstream of the other flavour.
static int ensure_store(relay_source *s, binlog_client_flavor flavor, dm_err *err)
{
    if (!s->store)
        return open_store(s, store_flavor(flavor), err);
    if (relay_store_flavor(s->store) != store_flavor(flavor)) {
        dm_err_set(err, RELAY_SOURCE_ERR_UPSTREAM, DM_ERR_SCOPE_UPSTREAM,
                   "source %s: the relay store holds %s events but the upstream is %s", s->source_id,
                   gtid_flavor_name(relay_store_flavor(s->store)), gtid_flavor_name(store_flavor(flavor)));
        return dm_err_workaround(err, "point the source at the server it relayed before, or use a new relay directory");
    }
    return 0;
}

// The start of one stream run: where to ask the upstream to begin.
typedef struct start_plan {
    char file[NAME_MAX_LEN];
    uint64_t pos;
    dm_buf gtid; // MariaDB GTID position when not empty
} start_plan;

// plan_start decides the epoch and the start position (see the header comment).
static int plan_start(start_plan *out, relay_source *s, MYSQL *q, const binlog_client_upstream *up,
                      dm_err *err)
{
    int rc;
    relay_store_durable d;
    gtid_set *base = NULL;
    char label[128];
    char mfile[NAME_MAX_LEN];
    uint64_t mpos;
    uint32_t epoch;

    memset(&d, 0, sizeof(d));
    if (up->flavor == BINLOG_CLIENT_MYSQL)
        snprintf(label, sizeof(label), "mysql:%s", up->server_uuid);
    else
        snprintf(label, sizeof(label), "mariadb:server_id=%u", up->server_id);
    // A transaction cut by the last disconnect is pulled again whole.
    if ((rc = relay_store_discard_partial(s->store, err)))
        goto done;
    if ((rc = relay_store_durable_pos(&d, s->store, err)))
        goto done;
    pthread_mutex_lock(&s->mu);
    char known[128];
    snprintf(known, sizeof(known), "%s", s->upstream);
    uint32_t server_id = s->server_id;
    pthread_mutex_unlock(&s->mu);
    bool same = strcmp(known, label) == 0;
    bool stored = d.pos.epoch != 0 && d.pos.file[0] != '\0';

    if (stored && same) {
        snprintf(out->file, sizeof(out->file), "%s", d.pos.file);
        out->pos = d.pos.pos;
        epoch = d.pos.epoch;
    } else if (stored) {
        // Another server answers at the upstream address: a failover. Positions of the old
        // server mean nothing here; only GTIDs carry over.
        if (!d.gtids || gtid_set_is_empty(d.gtids)) {
            rc = dm_err_set(err, RELAY_SOURCE_ERR_UPSTREAM, DM_ERR_SCOPE_UPSTREAM,
                            "source %s: the upstream changed from %s to %s and the relay has no GTID "
                            "position to resume from on the new server",
                            s->source_id, known, label);
            dm_err_workaround(err, "point the source back at %s, or start a new relay directory", known);
            goto done;
        }
        if ((rc = gtid_set_format_position(&out->gtid, d.gtids, err)))
            goto done;
        if ((rc = relay_store_begin_epoch(&epoch, s->store, label, NULL, err)))
            goto done;
        dm_warn(COMP, "source %s: upstream changed from %s to %s; epoch %u starts at GTID %s", s->source_id, known,
                label, epoch, out->gtid.data);
    } else {
        // Nothing stored yet: the configured start, else the upstream's current file.
        if (s->start_gtid) {
            if ((rc = gtid_set_parse(&base, store_flavor(up->flavor), s->start_gtid, err))) {
                dm_err_prefix(err, "source %s: relay-binlog-gtid", s->source_id);
                goto done;
            }
            if ((rc = dm_buf_puts(&out->gtid, s->start_gtid)))
                goto done;
        } else if (s->start_file) {
            snprintf(out->file, sizeof(out->file), "%s", s->start_file);
            out->pos = 4;
        } else {
            if ((rc = binlog_client_master_status(mfile, sizeof(mfile), &mpos, NULL, 0, q, err)))
                goto done;
            snprintf(out->file, sizeof(out->file), "%s", mfile);
            out->pos = 4;
        }
        if (d.pos.epoch != 0 && same) {
            epoch = d.pos.epoch;
        } else if ((rc = relay_store_begin_epoch(&epoch, s->store, label, base, err))) {
            goto done;
        }
    }
    if (!same && (rc = save_state(s, server_id, label, err)))
        goto done;
    pthread_mutex_lock(&s->mu);
    snprintf(s->upstream, sizeof(s->upstream), "%s", label);
    s->epoch = epoch;
    pthread_mutex_unlock(&s->mu);
done:
    gtid_set_destroy(base);
    relay_store_durable_fini(&d);
    return rc;
}

// event_gtid extracts the GTID that a GTID event opens.
static int event_gtid(gtid *g, bool *has, const binlog_event *bev, dm_err *err)
{
    int rc = 0;
    *has = false;
    memset(g, 0, sizeof(*g));
    if (bev->header.type == BINLOG_MARIADB_GTID_EVENT) {
        binlog_mariadb_gtid_event mg;
        if ((rc = binlog_mariadb_gtid_decode(&mg, bev, err)))
            return rc;
        g->flavor = GTID_FLAVOR_MARIADB;
        g->domain = mg.gtid.domain_id;
        g->server = mg.gtid.server_id;
        g->seq = mg.gtid.seq_no;
        *has = true;
    } else if (bev->header.type == BINLOG_GTID_EVENT) {
        binlog_mysql_gtid_event my;
        if ((rc = binlog_mysql_gtid_decode(&my, bev, err)))
            return rc;
        g->flavor = GTID_FLAVOR_MYSQL;
        memcpy(g->uuid, my.sid, 16);
        g->seq = (uint64_t)my.gno;
        *has = true;
    }
    return 0;
}

// ---- the read-ahead pipe -----------------------------------------------------------------
// A reader thread pulls the stream into a bounded queue while the relay thread parses,
// compresses and commits: network and compression overlap instead of taking turns.

#define PIPE_MAX_BYTES (8u * 1024 * 1024) // queued event bytes before the reader waits

// A queued stream item. To keep the per-event cost low, the binlog file name travels only
// when it changes (and with every heartbeat), and both sides hand over whole batches.
typedef struct pipe_item {
    struct pipe_item *next;
    int rc;                   // != 0: the stream ended with this error (in read_pipe.err)
    binlog_client_kind kind;
    uint8_t type;
    bool format_resend;
    uint64_t pos, next_pos;
    const char *file;         // the file, when it changed (always for heartbeats); else NULL
    const uint8_t *data;      // the event (EVENT items)
    size_t len;
    uint8_t payload[];
} pipe_item;

typedef struct read_pipe {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pipe_item *head, *tail;
    size_t bytes;
    bool closed;           // the relay thread stopped consuming
    bool reader_waits;     // the reader waits for room
    bool consumer_waits;   // the relay thread waits for items
    binlog_client *c;
    dm_err err;            // the error of the item with rc != 0
} read_pipe;

static void *pipe_reader(void *arg)
{
    read_pipe *p = arg;
    binlog_client_event ev;
    dm_err e;
    char last_file[BINLOG_CLIENT_FILE_MAX] = "";
    for (;;) {
        dm_err_clear(&e);
        int rc = binlog_client_read(&ev, p->c, &e);
        size_t n = rc == 0 && ev.kind == BINLOG_CLIENT_EVENT ? ev.len : 0;
        bool hb = rc == 0 && ev.kind == BINLOG_CLIENT_HEARTBEAT;
        bool new_file = rc == 0 && !hb && strcmp(ev.file, last_file) != 0;
        size_t flen = rc == 0 && (hb || new_file) ? strlen(ev.file) + 1 : 0;
        pipe_item *it = malloc(sizeof(*it) + n + flen);
        if (!it && !rc)
            rc = dm_err_set(&e, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory for a %zu-byte event", n);
        if (it) {
            it->next = NULL;
            it->rc = rc;
            it->kind = ev.kind;
            it->type = ev.type;
            it->format_resend = ev.format_resend;
            it->pos = ev.pos;
            it->next_pos = ev.next_pos;
            it->data = NULL;
            it->len = n;
            it->file = NULL;
            if (n) {
                memcpy(it->payload, ev.data, n);
                it->data = it->payload;
            }
            if (flen) {
                memcpy(it->payload + n, ev.file, flen);
                it->file = (const char *)it->payload + n;
            }
            if (new_file)
                memcpy(last_file, ev.file, flen);
        }
        pthread_mutex_lock(&p->mu);
        // An event larger than the bound is let through alone.
        while (!p->closed && p->head && p->bytes + n > PIPE_MAX_BYTES) {
            p->reader_waits = true;
            pthread_cond_wait(&p->cv, &p->mu);
        }
        p->reader_waits = false;
        if (p->closed || !it) {
            if (!p->closed)
                p->err = e; // no memory for an item: the relay thread sees the pipe closed
            p->closed = true;
            pthread_cond_broadcast(&p->cv);
            pthread_mutex_unlock(&p->mu);
            free(it);
            return NULL;
        }
        if (rc)
            p->err = e;
        if (p->tail)
            p->tail->next = it;
        else
            p->head = it;
        p->tail = it;
        p->bytes += n;
        if (p->consumer_waits)
            pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (rc)
            return NULL;
    }
}

// pipe_take takes every queued item at once, waiting up to ms when there is none. *out is
// NULL on timeout; rc is an error when the reader stopped without an error item (no memory).
static int pipe_take(pipe_item **out, read_pipe *p, unsigned ms, dm_err *err)
{
    int rc = 0;
    *out = NULL;
    pthread_mutex_lock(&p->mu);
    if (!p->head && !p->closed) {
        struct timespec ts = dm_time_deadline_ms(ms);
        p->consumer_waits = true;
        while (!p->head && !p->closed)
            if (pthread_cond_timedwait(&p->cv, &p->mu, &ts) == ETIMEDOUT)
                break;
        p->consumer_waits = false;
    }
    if (p->head) {
        *out = p->head;
        p->head = p->tail = NULL;
        p->bytes = 0;
        if (p->reader_waits)
            pthread_cond_broadcast(&p->cv);
    } else if (p->closed) {
        if (err)
            *err = p->err;
        rc = p->err.code ? p->err.code : DM_ERR_NOMEM;
    }
    pthread_mutex_unlock(&p->mu);
    return rc;
}

// stream_events relays what the reader thread queues until an error or a stop/pause
// request (which interrupts the client, so the reader queues DM_ERR_CANCELLED).
static int stream_events(relay_source *s, binlog_client *c, MYSQL *q, bool *progressed, dm_err *err)
{
    int rc = 0;
    binlog_event bev;
    binlog_fde fde;
    binlog_trx trx;
    gtid cur;
    bool has_cur = false, reader_started = false;
    uint64_t last_refresh = 0, last_purge = now_ms();
    binlog_flavor bfl = binlog_client_upstream_info(c)->flavor == BINLOG_CLIENT_MYSQL ? BINLOG_FLAVOR_MYSQL
                                                                                     : BINLOG_FLAVOR_MARIADB;
    read_pipe p;
    pthread_t reader;
    pipe_item *it = NULL, *batch = NULL;
    char cur_file[BINLOG_CLIENT_FILE_MAX] = "";

    memset(&p, 0, sizeof(p));
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    p.c = c;
    binlog_fde_init_default(&fde, bfl, binlog_client_upstream_info(c)->checksum_crc32 ? BINLOG_CHECKSUM_CRC32
                                                                                      : BINLOG_CHECKSUM_OFF);
    binlog_trx_init(&trx);
    memset(&cur, 0, sizeof(cur));
    if (pthread_create(&reader, NULL, pipe_reader, &p) != 0) {
        rc = dm_err_set(err, DM_ERR_INTERNAL, DM_ERR_SCOPE_INTERNAL, "cannot start the stream reader thread");
        goto done;
    }
    reader_started = true;
    for (;;) {
        if (!batch) {
            long due = relay_store_flush_due_ms(s->store);
            if ((rc = pipe_take(&batch, &p, due < 0 || due > 200 ? 200 : (unsigned)due, err)))
                goto done;
        }
        it = batch;
        if (it)
            batch = it->next;
        if (it && it->rc) {
            rc = it->rc;
            if (err)
                *err = p.err;
            goto done;
        }
        if (it && it->file && it->kind != BINLOG_CLIENT_HEARTBEAT)
            snprintf(cur_file, sizeof(cur_file), "%s", it->file);
        if (it && it->kind == BINLOG_CLIENT_HEARTBEAT) {
            pthread_mutex_lock(&s->mu);
            if (it->file && it->file[0]) {
                snprintf(s->master_file, sizeof(s->master_file), "%s", it->file);
                s->master_pos = it->pos;
            }
            pthread_mutex_unlock(&s->mu);
        } else if (it && it->kind == BINLOG_CLIENT_EVENT && it->format_resend) {
            if ((rc = binlog_fde_decode(&fde, it->data, it->len, err)))
                goto done;
        } else if (it && it->kind == BINLOG_CLIENT_EVENT) {
            unsigned cls = 0;
            if ((rc = binlog_event_parse(&bev, &fde, it->data, it->len, it->pos, 0, err)))
                goto done;
            if (it->type == BINLOG_FORMAT_DESCRIPTION_EVENT && (rc = binlog_fde_decode(&fde, it->data, it->len, err)))
                goto done;
            if ((rc = binlog_trx_feed(&cls, &trx, &bev, err)))
                goto done;
            if ((cls & BINLOG_TRX_BEGIN) && (rc = event_gtid(&cur, &has_cur, &bev, err)))
                goto done;
            relay_store_event_meta meta = {
                .file = cur_file,
                .pos = it->pos,
                .next_pos = it->next_pos,
                .gtid = (cls && has_cur) ? &cur : NULL,
                .trx_end = cls == 0 || (cls & BINLOG_TRX_END),
            };
            if ((rc = relay_store_append(s->store, it->data, it->len, &meta, err)))
                goto done;
            if (cls & BINLOG_TRX_END)
                has_cur = false;
            *progressed = true;
            pthread_mutex_lock(&s->mu);
            // The master is at least where its stream is.
            int fc = strcmp(cur_file, s->master_file);
            if (fc > 0 || (fc == 0 && it->next_pos > s->master_pos)) {
                if (fc)
                    snprintf(s->master_file, sizeof(s->master_file), "%s", cur_file);
                s->master_pos = it->next_pos;
            }
            s->data_version++;
            pthread_cond_broadcast(&s->cond);
            pthread_mutex_unlock(&s->mu);
        }
        free(it);
        it = NULL;
        if (relay_store_flush_due_ms(s->store) == 0) {
            if ((rc = relay_store_flush(s->store, err)))
                goto done;
            bump_data(s);
        }
        serve_commands(s);
        uint64_t now = now_ms();
        if (now - last_refresh >= 1000) {
            refresh_master(s, q);
            last_refresh = now;
        }
        if (now - last_purge >= (uint64_t)s->purge_interval_s * 1000) {
            policy_purge(s);
            last_purge = now;
        }
    }
done:
    free(it);
    while (batch) {
        it = batch;
        batch = it->next;
        free(it);
    }
    if (reader_started) {
        pthread_mutex_lock(&p.mu);
        p.closed = true;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
        // Wake the reader if it is blocked on the network.
        binlog_client_interrupt(c);
        pthread_join(reader, NULL);
    }
    while (p.head) {
        it = p.head;
        p.head = it->next;
        free(it);
    }
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
    binlog_trx_fini(&trx);
    return rc;
}

// run_stream is one connection's life: connect, plan, pull until an error.
static int run_stream(relay_source *s, bool *progressed, dm_err *err)
{
    int rc;
    MYSQL *q = NULL;
    binlog_client *c = NULL;
    binlog_client_upstream up;
    binlog_client_options o;
    start_plan plan;

    memset(&plan, 0, sizeof(plan));
    dm_buf_init(&plan.gtid);
    // The status connection must never hang the relay thread on a silent upstream.
    dm_mysql_params qp = s->conn;
    qp.read_timeout_s = qp.write_timeout_s = 10;
    if ((rc = dm_mysql_connect(&q, &qp, err)))
        goto done;
    if ((rc = binlog_client_check_upstream(&up, q, err)))
        goto done;
    refresh_master(s, q);
    if ((rc = ensure_store(s, up.flavor, err)))
        goto done;
    if ((rc = plan_start(&plan, s, q, &up, err)))
        goto done;
    memset(&o, 0, sizeof(o));
    o.conn = s->conn;
    pthread_mutex_lock(&s->mu);
    o.replica_server_id = s->server_id;
    pthread_mutex_unlock(&s->mu);
    o.start_gtid = plan.gtid.len ? plan.gtid.data : NULL;
    o.start_file = plan.file;
    o.start_pos = plan.pos;
    o.heartbeat_ms = s->heartbeat_ms;
    if ((rc = binlog_client_open(&c, &o, err)))
        goto done;
    dm_info(COMP, "source %s: relaying from %s as replica %u, starting at %s%s:%" PRIu64, s->source_id, up.version,
            o.replica_server_id, plan.gtid.len ? "GTID " : "", plan.gtid.len ? plan.gtid.data : plan.file,
            plan.gtid.len ? 0 : plan.pos);
    pthread_mutex_lock(&s->mu);
    bool cancel = s->stopping || s->pause_req;
    s->client = c;
    if (!cancel)
        s->has_error = false;
    pthread_mutex_unlock(&s->mu);
    if (cancel)
        rc = dm_err_set(err, DM_ERR_CANCELLED, DM_ERR_SCOPE_INTERNAL, "stopped");
    else
        rc = stream_events(s, c, q, progressed, err);
    pthread_mutex_lock(&s->mu);
    s->client = NULL;
    pthread_mutex_unlock(&s->mu);
done:
    // Whatever ended the run, complete transactions already received become durable.
    if (s->store) {
        dm_err ferr;
        if (relay_store_flush(s->store, &ferr) == 0)
            bump_data(s);
    }
    binlog_client_destroy(c);
    if (q)
        mysql_close(q);
    dm_buf_fini(&plan.gtid);
    return rc;
}

// wait_locked waits on the condition up to ms (0 = until woken), serving queued commands.
// Called and returns with mu held.
static void wait_locked(relay_source *s, unsigned ms)
{
    if (s->purge_pending) {
        pthread_mutex_unlock(&s->mu);
        serve_commands(s);
        pthread_mutex_lock(&s->mu);
        return;
    }
    if (ms) {
        struct timespec ts = dm_time_deadline_ms(ms);
        pthread_cond_timedwait(&s->cond, &s->mu, &ts);
    } else {
        pthread_cond_wait(&s->cond, &s->mu);
    }
}

static void *relay_thread(void *arg)
{
    relay_source *s = arg;
    unsigned backoff = 1000;
    char msg[4096];

    pthread_mutex_lock(&s->mu);
    while (!s->stopping) {
        if (s->pause_req) {
            s->pause_req = false;
            s->stage = STAGE_PAUSED;
            pthread_cond_broadcast(&s->cond);
            dm_info(COMP, "source %s: paused", s->source_id);
        }
        if (s->stage == STAGE_PAUSED) {
            wait_locked(s, 0);
            continue;
        }
        pthread_mutex_unlock(&s->mu);
        dm_err err;
        bool progressed = false;
        dm_err_clear(&err);
        int rc = run_stream(s, &progressed, &err);
        pthread_mutex_lock(&s->mu);
        if (s->stopping || rc == 0 || rc == DM_ERR_CANCELLED)
            continue;
        s->last_error = err;
        s->has_error = true;
        dm_err_format(msg, sizeof(msg), &err);
        if (!is_retryable(rc)) {
            s->stage = STAGE_PAUSED;
            pthread_cond_broadcast(&s->cond);
            dm_error(COMP, "source %s: paused on error: %s", s->source_id, msg);
            continue;
        }
        if (progressed)
            backoff = 1000;
        dm_warn(COMP, "source %s: %s; reconnecting in %u ms", s->source_id, msg, backoff);
        uint64_t until = now_ms() + backoff;
        backoff = backoff * 2 > s->backoff_max_ms ? s->backoff_max_ms : backoff * 2;
        while (!s->stopping && !s->pause_req && now_ms() < until)
            wait_locked(s, (unsigned)(until - now_ms()) + 1);
    }
    s->stage = STAGE_STOPPED;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

int relay_source_start(relay_source *s, dm_err *err)
{
    int rc;
    if (s->started)
        return dm_err_set(err, RELAY_SOURCE_ERR_STAGE, DM_ERR_SCOPE_INTERNAL, "source %s is already started",
                          s->source_id);
    if (s->lock_fd < 0 && (rc = relay_source_lock(&s->lock_fd, s->store_dir, err)))
        return rc;
    if ((rc = pick_server_id(s, err)))
        return rc;
    // An existing store opens now, so that status and readers work while the upstream is
    // unreachable; a new one waits for the upstream's flavour.
    char data_file[4200];
    snprintf(data_file, sizeof(data_file), "%s/data.mdb", s->store_dir);
    if (!s->store && access(data_file, F_OK) == 0 && (rc = open_store(s, GTID_FLAVOR_NONE, err)))
        return rc;
    s->stage = STAGE_RUNNING;
    if (pthread_create(&s->thread, NULL, relay_thread, s) != 0) {
        s->stage = STAGE_STOPPED;
        return dm_err_set(err, DM_ERR_INTERNAL, DM_ERR_SCOPE_INTERNAL, "cannot start the relay thread of %s",
                          s->source_id);
    }
    s->started = true;
    return 0;
}

void relay_source_destroy(relay_source *s)
{
    if (!s)
        return;
    if (s->started) {
        pthread_mutex_lock(&s->mu);
        s->stopping = true;
        if (s->client)
            binlog_client_interrupt(s->client);
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->thread, NULL);
    }
    relay_store_close(s->store);
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    json_decref(s->purge_result);
    for (size_t i = 0; i < s->n_holds; i++)
        free(s->holds[i].name);
    free(s->holds);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->mu);
    free(s->source_id);
    free(s->relay_dir);
    free(s->store_dir);
    free(s->state_path);
    free(s->host);
    free(s->user);
    free(s->password);
    free(s->ssl_ca);
    free(s->ssl_cert);
    free(s->ssl_key);
    free(s->start_gtid);
    free(s->start_file);
    free(s);
}

int relay_source_pause(relay_source *s, dm_err *err)
{
    int rc = 0;
    pthread_mutex_lock(&s->mu);
    if (s->stage != STAGE_RUNNING || s->pause_req) {
        rc = dm_err_set(err, RELAY_SOURCE_ERR_STAGE, DM_ERR_SCOPE_INTERNAL, "source %s is %s, not Running",
                        s->source_id, stage_name(s->stage));
    } else {
        s->pause_req = true;
        if (s->client)
            binlog_client_interrupt(s->client);
        pthread_cond_broadcast(&s->cond);
        // Report Paused once the thread has left the stream.
        while (s->stage == STAGE_RUNNING && s->pause_req)
            pthread_cond_wait(&s->cond, &s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int relay_source_resume(relay_source *s, dm_err *err)
{
    int rc = 0;
    pthread_mutex_lock(&s->mu);
    if (s->stage != STAGE_PAUSED) {
        rc = dm_err_set(err, RELAY_SOURCE_ERR_STAGE, DM_ERR_SCOPE_INTERNAL, "source %s is %s, not Paused",
                        s->source_id, stage_name(s->stage));
    } else {
        s->stage = STAGE_RUNNING;
        s->has_error = false;
        pthread_cond_broadcast(&s->cond);
        dm_info(COMP, "source %s: resumed", s->source_id);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int relay_source_purge(json_t **out, relay_source *s, const char *file, dm_err *err)
{
    int rc;
    *out = NULL;
    if (!file || !*file)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "purge needs a binlog file name");
    pthread_mutex_lock(&s->mu);
    if (!s->store || s->stage == STAGE_STOPPED) {
        pthread_mutex_unlock(&s->mu);
        return dm_err_set(err, RELAY_SOURCE_ERR_NOT_OPEN, DM_ERR_SCOPE_INTERNAL,
                          "source %s: the relay store is not open yet", s->source_id);
    }
    // One purge at a time: wait for a running one to finish.
    while (s->purge_pending)
        pthread_cond_wait(&s->cond, &s->mu);
    s->purge_pending = true;
    s->purge_done = false;
    snprintf(s->purge_file, sizeof(s->purge_file), "%s", file);
    pthread_cond_broadcast(&s->cond);
    struct timespec ts = dm_time_deadline_ms(60000);
    while (!s->purge_done && !s->stopping)
        if (pthread_cond_timedwait(&s->cond, &s->mu, &ts) == ETIMEDOUT)
            break;
    if (!s->purge_done) {
        s->purge_pending = false;
        rc = dm_err_set(err, DM_ERR_TIMEOUT, DM_ERR_SCOPE_INTERNAL, "source %s: purge did not run within 60 s",
                        s->source_id);
    } else {
        rc = s->purge_rc;
        if (rc && err)
            *err = s->purge_err;
        *out = s->purge_result;
        s->purge_result = NULL;
        s->purge_done = false;
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

// pos_json formats "file:pos" or null.
static json_t *pos_json(const char *file, uint64_t pos)
{
    if (!file || !*file)
        return json_null();
    char buf[NAME_MAX_LEN + 32];
    snprintf(buf, sizeof(buf), "%s:%" PRIu64, file, pos);
    return json_string(buf);
}

json_t *relay_source_status(relay_source *s)
{
    json_t *o = json_object();
    relay_store_durable d;
    relay_store_stats st;
    dm_buf g;
    dm_err e;
    bool have_d = false, have_st = false;

    if (!o)
        return NULL;
    memset(&d, 0, sizeof(d));
    dm_buf_init(&g);
    pthread_mutex_lock(&s->mu);
    relay_store *store = s->store;
    json_object_set_new(o, "source", json_string(s->source_id));
    json_object_set_new(o, "stage", json_string(stage_name(s->stage)));
    json_object_set_new(o, "server_id", json_integer(s->server_id));
    json_object_set_new(o, "upstream", json_string(s->upstream));
    json_object_set_new(o, "epoch", json_integer(s->epoch));
    json_object_set_new(o, "master_binlog", pos_json(s->master_file, s->master_pos));
    json_object_set_new(o, "master_gtid", json_string(s->master_gtid));
    json_object_set_new(o, "last_error", s->has_error ? dm_err_to_json(&s->last_error) : json_null());
    char mfile[NAME_MAX_LEN];
    snprintf(mfile, sizeof(mfile), "%s", s->master_file);
    uint64_t mpos = s->master_pos;
    pthread_mutex_unlock(&s->mu);

    // The store is set once and closed only by destroy, after the RPC server stopped.
    if (store && relay_store_durable_pos(&d, store, &e) == 0)
        have_d = true;
    if (store && relay_store_stats_get(&st, store, &e) == 0)
        have_st = true;
    if (have_d && d.gtids)
        gtid_set_format(&g, d.gtids, NULL);
    json_object_set_new(o, "relay_binlog", have_d ? pos_json(d.pos.file, d.pos.pos) : json_null());
    json_object_set_new(o, "relay_gtid", json_string(g.data ? g.data : ""));
    bool caught = have_d && d.pos.file[0] && mfile[0] && strcmp(d.pos.file, mfile) == 0 && d.pos.pos >= mpos;
    json_object_set_new(o, "catch_up", json_boolean(caught));
    if (have_st)
        json_object_set_new(o, "storage",
                            json_pack("{s:I, s:I, s:I, s:I, s:I}", "stored_bytes", (json_int_t)st.stored_bytes,
                                      "raw_bytes", (json_int_t)st.raw_bytes, "segments", (json_int_t)st.segments,
                                      "events", (json_int_t)st.events, "free_bytes", (json_int_t)st.fs_free_bytes));
    else
        json_object_set_new(o, "storage", json_null());
    relay_store_durable_fini(&d);
    dm_buf_fini(&g);
    return o;
}

// pause_on_error keeps a store error found while serving and pauses the source.
static void pause_on_error(relay_source *s, const dm_err *e)
{
    char msg[4096];
    pthread_mutex_lock(&s->mu);
    s->last_error = *e;
    s->has_error = true;
    if (s->stage == STAGE_RUNNING) {
        s->pause_req = true;
        if (s->client)
            binlog_client_interrupt(s->client);
        pthread_cond_broadcast(&s->cond);
    }
    pthread_mutex_unlock(&s->mu);
    dm_error(COMP, "source %s: %s; source paused", s->source_id, dm_err_format(msg, sizeof(msg), e));
}

// first_segment_at finds the id of the segment holding the first event at/after the
// position or GTID set given in params; RELAY_STORE_END when none is durable yet.
static int first_segment_at(uint64_t *out, relay_source *s, json_t *params, dm_err *err)
{
    int rc;
    relay_store_reader *r = NULL;
    gtid_set *set = NULL;
    relay_store_event ev;
    const char *gtext = json_string_value(json_object_get(params, "gtid"));
    const char *file = json_string_value(json_object_get(params, "file"));

    if ((rc = relay_store_reader_create(&r, s->store, err)))
        goto done;
    if (gtext) {
        if ((rc = gtid_set_parse(&set, relay_store_flavor(s->store), gtext, err)))
            goto done;
        if ((rc = relay_store_reader_seek_gtid(r, set, err)))
            goto done;
    } else if (file) {
        relay_store_pos p;
        memset(&p, 0, sizeof(p));
        p.epoch = (uint32_t)json_integer_value(json_object_get(params, "epoch"));
        snprintf(p.file, sizeof(p.file), "%s", file);
        p.pos = (uint64_t)json_integer_value(json_object_get(params, "pos"));
        if (!p.epoch)
            p.epoch = 1;
        if ((rc = relay_store_reader_seek_pos(r, &p, err)))
            goto done;
    }
    if ((rc = relay_store_reader_next(&ev, r, err)))
        goto done;
    *out = ev.segment;
done:
    gtid_set_destroy(set);
    relay_store_reader_destroy(r);
    return rc;
}

int relay_source_fde(json_t **out, dm_buf *data, relay_source *s, json_t *params, dm_err *err)
{
    *out = NULL;
    const char *file = json_string_value(json_object_get(params, "file"));
    json_int_t epoch = json_integer_value(json_object_get(params, "epoch"));
    if (!file || !file[0])
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "fde needs \"file\"");
    if (epoch <= 0)
        epoch = 1;
    pthread_mutex_lock(&s->mu);
    relay_store *store = s->store;
    pthread_mutex_unlock(&s->mu);
    if (!store)
        return dm_err_set(err, RELAY_SOURCE_ERR_NOT_OPEN, DM_ERR_SCOPE_INTERNAL,
                          "source %s: the relay store is not open yet", s->source_id);
    dm_buf_reset(data);
    int rc = relay_store_file_fde(data, store, (uint32_t)epoch, file, err);
    if (rc)
        return rc;
    *out = json_pack("{s:s, s:I}", "file", file, "epoch", epoch);
    return *out ? 0 : dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
}

int relay_source_segment(json_t **out, dm_buf *data, relay_source *s, json_t *params, dm_err *err)
{
    int rc = 0;
    relay_store_segment_info info;
    relay_store_segment_iter it;
    json_t *after = json_object_get(params, "after_segment");
    json_int_t wait_ms = json_integer_value(json_object_get(params, "wait_ms"));
    uint64_t min_id = 0;
    dm_buf gb;
    bool have_info = false;

    *out = NULL;
    memset(&info, 0, sizeof(info));
    memset(&it, 0, sizeof(it));
    dm_buf_init(&gb);
    if (wait_ms < 0)
        wait_ms = 0;
    if (wait_ms > 60000)
        wait_ms = 60000;
    pthread_mutex_lock(&s->mu);
    relay_store *store = s->store;
    pthread_mutex_unlock(&s->mu);
    if (!store) {
        rc = dm_err_set(err, RELAY_SOURCE_ERR_NOT_OPEN, DM_ERR_SCOPE_INTERNAL,
                        "source %s: the relay store is not open yet", s->source_id);
        goto done;
    }
    if (after && !json_is_integer(after)) {
        rc = dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "after_segment must be an integer");
        goto done;
    }
    note_hold(s, store, params);
    uint64_t deadline = now_ms() + (uint64_t)wait_ms;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        uint64_t version = s->data_version;
        pthread_mutex_unlock(&s->mu);
        rc = 0;
        if (after)
            min_id = (uint64_t)json_integer_value(after) + 1;
        else
            rc = first_segment_at(&min_id, s, params, err);
        if (rc == 0) {
            dm_buf_reset(data);
            rc = relay_store_segment_get(data, &info, store, min_id, err);
            have_info = rc == 0;
        }
        if (rc != RELAY_STORE_END)
            break;
        uint64_t now = now_ms();
        if (now >= deadline) {
            *out = json_pack("{s:n, s:b}", "segment", "caught_up", 1);
            rc = *out ? 0 : dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
            goto done;
        }
        // Long-poll: sleep until the relay thread stores more (or the time is up).
        pthread_mutex_lock(&s->mu);
        struct timespec ts = dm_time_deadline_ms((unsigned)(deadline - now > 500 ? 500 : deadline - now));
        if (s->data_version == version)
            pthread_cond_timedwait(&s->cond, &s->mu, &ts);
        pthread_mutex_unlock(&s->mu);
    }
    if (rc)
        goto done;
    // Visible segment ids are consecutive (the store reuses the ids of dropped pending
    // segments), so a jump means the reader's next segments were purged: it must not
    // silently skip them.
    if (after && min_id > 1 && info.id != min_id) {
        rc = dm_err_set(err, RELAY_STORE_ERR_PURGED, DM_ERR_SCOPE_INTERNAL,
                        "source %s: segments %" PRIu64 "..%" PRIu64 " after the reader's position were purged",
                        s->source_id, min_id, info.id - 1);
        dm_err_workaround(err, "restart the reader from a position or GTID set the relay still holds");
        dm_buf_reset(data);
        goto done;
    }
    // Never ship a segment that fails its checks: verify it as the reader will.
    if ((rc = relay_store_segment_iter_init(&it, data->data, data->len, err))) {
        dm_err_prefix(err, "source %s: stored segment %" PRIu64 " (%s:%" PRIu64 ")", s->source_id, info.id,
                      info.file, info.first_pos);
        if (err)
            err->code = rc = RELAY_STORE_ERR_CORRUPT;
        pause_on_error(s, err);
        dm_buf_reset(data);
        goto done;
    }
    if (info.gtids_before)
        gtid_set_format(&gb, info.gtids_before, NULL);
    *out = json_pack("{s:{s:I, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:s}}", "segment", "id", (json_int_t)info.id,
                     "epoch", (json_int_t)info.epoch, "file", info.file, "first_pos", (json_int_t)info.first_pos,
                     "end_pos", (json_int_t)info.end_pos, "events", (json_int_t)info.events, "raw_bytes",
                     (json_int_t)info.raw_bytes, "stored_bytes", (json_int_t)info.stored_bytes, "gtids_before",
                     gb.data ? gb.data : "");
    if (!*out)
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
done:
    if (have_info)
        gtid_set_destroy(info.gtids_before);
    relay_store_segment_iter_fini(&it);
    dm_buf_fini(&gb);
    return rc;
}
