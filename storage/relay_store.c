// DESIGN: the relay store's writer side: environment, append, group commit, epochs, purge.
//
// Databases of the LMDB environment (keys big-endian so cursors walk them in order):
//   meta      "version" u32, "flavor" u8, "epoch" u32, "durable" record, "stats" record,
//             "E"+epoch: label of the upstream of that epoch
//   seg       id u64 → the stored segment (relay_store_seg.c)
//   segmeta   id u64 → epoch, fileno, first/end pos, counts, created, flags, file, GTID set
//             before the first event
//   pos       epoch u32 | fileno u32 | first_pos u64 → id (a seek is one MDB_SET_RANGE)
//   files     epoch u32 | fileno u32 → u16 name length, name, last FDE of the file
//   fnames    epoch u32 | name → fileno u32 (file numbers follow first appearance, so
//             names need not sort)
//   readers   name → u32 epoch, u64 pos, file: registered lowest positions
//
// Visibility and durability: segment ids only grow. The "durable" record names the last
// visible segment; it is written in the same write transaction as the segments it makes
// visible, and every commit is synced (the environment is opened without MDB_NOSYNC), so
// when mdb_txn_commit returns the data is on disk, and only then is the new position
// published to relay_store_durable_pos and to waiting readers. Segments with a higher id
// are the pending area: the part of a transaction too large to buffer (more than
// segment_bytes) is sealed and committed there, and becomes visible when a later commit
// moves the durable record past it; on open, and when a partial transaction is
// discarded, segments above the durable record are deleted.
//
// Group commit runs on a committer thread: the writer seals and compresses segments into
// one batch while the committer writes and fsyncs the previous one (at most one batch in
// flight; the writer waits when it would start a second). relay_store_flush waits for the
// committer, so when it returns the data is durable. A failed commit is sticky: every
// later writer call returns its error, and the caller reopens the store (which resumes at
// the durable position).
//
// Memory: the segment being built (≤ segment_bytes + one event) plus two batches of sealed
// segments (each ≤ commit_bytes + one segment), whatever the transaction size. A commit that hits MDB_MAP_FULL is aborted, the map doubled with
// mdb_env_set_mapsize (under the exclusive side of resize_lock, since LMDB allows it only
// with no transaction active in the process) and the commit retried.
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "dm_log.h"
#include "relay_store_int.h"

#define RS_FULL (-1) // internal: an LMDB call returned MDB_MAP_FULL
#define RS_PURGE_BATCH 16
#define RS_CLEAN_BATCH 64

static void batch_fini(rs_batch *b);
static void *committer_main(void *arg);

static int nomem(dm_err *err)
{
    return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "relay store: out of memory");
}

static int lmdb_rc(dm_err *err, int rc, const char *what)
{
    if (rc == MDB_MAP_FULL)
        return RS_FULL;
    return rs_lmdb_err(err, rc, what);
}

static int mput(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kl, const void *v, size_t vl,
                unsigned flags, dm_err *err, const char *what)
{
    MDB_val key = {kl, (void *)k}, val = {vl, (void *)v};
    int rc = mdb_put(txn, dbi, &key, &val, flags);
    if (rc == MDB_KEYEXIST && (flags & MDB_NOOVERWRITE))
        return 0;
    return rc ? lmdb_rc(err, rc, what) : 0;
}

static int mget(MDB_val *out, MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kl)
{
    MDB_val key = {kl, (void *)k};
    return mdb_get(txn, dbi, &key, out);
}

static int mdel(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kl, dm_err *err,
                const char *what)
{
    MDB_val key = {kl, (void *)k};
    int rc = mdb_del(txn, dbi, &key, NULL);
    if (rc == MDB_NOTFOUND)
        return 0;
    return rc ? lmdb_rc(err, rc, what) : 0;
}

int rs_read_begin(MDB_txn **out, relay_store *s, dm_err *err)
{
    int rc;
    pthread_rwlock_rdlock(&s->resize_lock);
    rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, out);
    if (rc) {
        pthread_rwlock_unlock(&s->resize_lock);
        return rs_lmdb_err(err, rc, "beginning a read transaction");
    }
    return 0;
}

void rs_read_end(relay_store *s, MDB_txn *txn)
{
    mdb_txn_abort(txn);
    pthread_rwlock_unlock(&s->resize_lock);
}

int rs_lookup_fileno(uint32_t *out, MDB_txn *txn, relay_store *s, uint32_t epoch,
                     const char *file)
{
    uint8_t k[4 + RELAY_STORE_FILE_MAX];
    size_t kl;
    MDB_val v;
    int rc;
    if (rs_key_fname(k, &kl, epoch, file))
        return MDB_NOTFOUND;
    if ((rc = mget(&v, txn, s->db_fnames, k, kl)))
        return rc;
    if (v.mv_size != 4)
        return MDB_NOTFOUND;
    *out = rs_get_u32(v.mv_data);
    return 0;
}

// grow_map doubles the map size; no transaction of this process may be active.
static int grow_map(relay_store *s, dm_err *err)
{
    MDB_envinfo info;
    int rc;
    pthread_rwlock_wrlock(&s->resize_lock);
    mdb_env_info(s->env, &info);
    rc = mdb_env_set_mapsize(s->env, info.me_mapsize * 2);
    pthread_rwlock_unlock(&s->resize_lock);
    if (rc)
        return rs_lmdb_err(err, rc, "growing the map");
    dm_info("relay", "relay store %s: map full, grown to %zu MiB", s->dir,
            (size_t)(info.me_mapsize * 2 >> 20));
    return 0;
}

typedef int (*rs_write_fn)(MDB_txn *txn, relay_store *s, void *ctx, dm_err *err);

// store_write runs fn in a write transaction and commits it (synced), growing the map and
// retrying when it is full. fn must only change the database, so a retry is safe.
static int store_write(relay_store *s, rs_write_fn fn, void *ctx, dm_err *err)
{
    for (int attempt = 0;; attempt++) {
        MDB_txn *txn = NULL;
        int rc;
        pthread_rwlock_rdlock(&s->resize_lock);
        rc = mdb_txn_begin(s->env, NULL, 0, &txn);
        if (rc) {
            pthread_rwlock_unlock(&s->resize_lock);
            return rs_lmdb_err(err, rc, "beginning a write transaction");
        }
        rc = fn(txn, s, ctx, err);
        if (rc == 0) {
            rc = mdb_txn_commit(txn);
            if (rc)
                rc = lmdb_rc(err, rc, "committing");
        } else {
            mdb_txn_abort(txn);
        }
        pthread_rwlock_unlock(&s->resize_lock);
        if (rc != RS_FULL)
            return rc;
        if (attempt >= 16)
            return dm_err_set(err, RELAY_STORE_ERR_LMDB, DM_ERR_SCOPE_INTERNAL,
                              "relay store %s: map still full after growing", s->dir);
        if ((rc = grow_map(s, err)))
            return rc;
    }
}

// ---- stats and durable records ----------------------------------------------------------

typedef struct rs_counts {
    uint64_t segments, stored, raw, events;
} rs_counts;

static void counts_load(rs_counts *c, MDB_txn *txn, relay_store *s)
{
    MDB_val v;
    memset(c, 0, sizeof(*c));
    if (mget(&v, txn, s->db_meta, "stats", 5) == 0 && v.mv_size == 32) {
        const uint8_t *p = v.mv_data;
        c->segments = rs_get_u64(p);
        c->stored = rs_get_u64(p + 8);
        c->raw = rs_get_u64(p + 16);
        c->events = rs_get_u64(p + 24);
    }
}

static int counts_store(MDB_txn *txn, relay_store *s, const rs_counts *c, dm_err *err)
{
    uint8_t b[32];
    rs_put_u64(b, c->segments);
    rs_put_u64(b + 8, c->stored);
    rs_put_u64(b + 16, c->raw);
    rs_put_u64(b + 24, c->events);
    return mput(txn, s->db_meta, "stats", 5, b, 32, 0, err, "writing stats");
}

static int durable_put(MDB_txn *txn, relay_store *s, dm_buf *scratch, uint64_t visible,
                       const relay_store_pos *p, const gtid_set *g, dm_err *err)
{
    uint8_t h[22];
    size_t flen = strlen(p->file);
    int rc;
    dm_buf_reset(scratch);
    rs_put_u64(h, visible);
    rs_put_u32(h + 8, p->epoch);
    rs_put_u64(h + 12, p->pos);
    rs_put_u16(h + 20, (uint16_t)flen);
    if (dm_buf_append(scratch, h, 22) || dm_buf_append(scratch, p->file, flen) ||
        dm_buf_append(scratch, "\0\0\0\0", 4))
        return nomem(err);
    if ((rc = gtid_set_encode(scratch, g, err)))
        return rc;
    rs_put_u32((uint8_t *)scratch->data + 22 + flen, (uint32_t)(scratch->len - 26 - flen));
    return mput(txn, s->db_meta, "durable", 7, scratch->data, scratch->len, 0, err,
                "writing the durable record");
}

static int durable_get(uint64_t *visible, relay_store_pos *p, gtid_set **g, MDB_txn *txn,
                       relay_store *s, dm_err *err)
{
    MDB_val v;
    const uint8_t *d;
    size_t flen, glen;
    if (mget(&v, txn, s->db_meta, "durable", 7) != 0) {
        *visible = 0;
        memset(p, 0, sizeof(*p));
        return gtid_set_create(g, s->flavor, err);
    }
    d = v.mv_data;
    if (v.mv_size < 26)
        goto bad;
    flen = rs_get_u16(d + 20);
    if (flen >= RELAY_STORE_FILE_MAX || 26 + flen > v.mv_size)
        goto bad;
    glen = rs_get_u32(d + 22 + flen);
    if (glen != v.mv_size - 26 - flen)
        goto bad;
    *visible = rs_get_u64(d);
    p->epoch = rs_get_u32(d + 8);
    p->pos = rs_get_u64(d + 12);
    memcpy(p->file, d + 22, flen);
    p->file[flen] = '\0';
    if (gtid_set_decode(g, s->flavor, d + 26 + flen, glen, err))
        return dm_err_prefix(err, "relay store %s: durable record", s->dir);
    return 0;
bad:
    return dm_err_set(err, RELAY_STORE_ERR_CORRUPT, DM_ERR_SCOPE_INTERNAL,
                      "relay store %s: the durable record is malformed", s->dir);
}

// del_segment removes segment id and its index entries; c is adjusted.
static int del_segment(MDB_txn *txn, relay_store *s, uint64_t id, rs_counts *c, dm_err *err)
{
    uint8_t k[8], pk[16];
    MDB_val v;
    rs_segmeta m;
    int rc;
    rs_put_be64(k, id);
    if (mget(&v, txn, s->db_segmeta, k, 8) == 0 &&
        rs_segmeta_decode(&m, v.mv_data, v.mv_size, id, NULL) == 0) {
        rs_key_pos(pk, m.epoch, m.fileno, m.first_pos);
        if ((rc = mdel(txn, s->db_pos, pk, 16, err, "deleting a position key")))
            return rc;
        if (c->segments)
            c->segments--;
        c->stored -= c->stored >= m.stored_len ? m.stored_len : c->stored;
        c->raw -= c->raw >= m.raw_len ? m.raw_len : c->raw;
        c->events -= c->events >= m.events ? m.events : c->events;
    }
    if ((rc = mdel(txn, s->db_segmeta, k, 8, err, "deleting a segment index record")))
        return rc;
    return mdel(txn, s->db_seg, k, 8, err, "deleting a segment");
}

// ---- open / close -----------------------------------------------------------------------

static int mkdir_p(const char *dir, dm_err *err)
{
    char path[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof(path))
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "relay store: bad directory \"%s\"", dir);
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        path[i] = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return dm_err_from_errno(err, errno, "relay store: cannot create %s", path);
        path[i] = i == n ? '\0' : '/';
    }
    return 0;
}

// sync_dir fsyncs a directory so that entries created in it (the environment's files, the
// source's directory) survive a power loss.
static int sync_dir(const char *dir, dm_err *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;
    if (fd < 0 || fsync(fd) != 0)
        rc = dm_err_from_errno(err, errno, "relay store: fsync directory %s", dir);
    if (fd >= 0)
        close(fd);
    return rc;
}

typedef struct open_ctx {
    const relay_store_opts *opts;
} open_ctx;

static int open_dbs(MDB_txn *txn, relay_store *s, void *vctx, dm_err *err)
{
    open_ctx *ctx = vctx;
    struct {
        const char *name;
        MDB_dbi *dbi;
    } dbs[] = {{"meta", &s->db_meta},       {"seg", &s->db_seg},   {"segmeta", &s->db_segmeta},
               {"pos", &s->db_pos},         {"files", &s->db_files}, {"fnames", &s->db_fnames},
               {"readers", &s->db_readers}};
    MDB_val v;
    uint8_t b[4];
    int rc;
    for (size_t i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++)
        if ((rc = mdb_dbi_open(txn, dbs[i].name, MDB_CREATE, dbs[i].dbi)))
            return lmdb_rc(err, rc, "opening a database");
    if (mget(&v, txn, s->db_meta, "version", 7) == 0) {
        if (v.mv_size != 4 || rs_get_u32(v.mv_data) != RS_FORMAT_VERSION)
            return dm_err_set(err, RELAY_STORE_ERR_VERSION, DM_ERR_SCOPE_INTERNAL,
                              "relay store %s: unknown format version", s->dir);
        if (mget(&v, txn, s->db_meta, "flavor", 6) != 0 || v.mv_size != 1)
            return dm_err_set(err, RELAY_STORE_ERR_CORRUPT, DM_ERR_SCOPE_INTERNAL,
                              "relay store %s: no flavour recorded", s->dir);
        s->flavor = (gtid_flavor)((uint8_t *)v.mv_data)[0];
        if (ctx->opts && ctx->opts->flavor != GTID_FLAVOR_NONE && ctx->opts->flavor != s->flavor)
            return dm_err_set(err, RELAY_STORE_ERR_STATE, DM_ERR_SCOPE_INTERNAL,
                              "relay store %s holds %s GTIDs, opened as %s", s->dir,
                              gtid_flavor_name(s->flavor), gtid_flavor_name(ctx->opts->flavor));
        if (mget(&v, txn, s->db_meta, "epoch", 5) == 0 && v.mv_size == 4)
            s->epoch = rs_get_u32(v.mv_data);
        return 0;
    }
    if (ctx->opts == NULL || (ctx->opts->flavor != GTID_FLAVOR_MYSQL &&
                              ctx->opts->flavor != GTID_FLAVOR_MARIADB))
        return dm_err_set(err, RELAY_STORE_ERR_STATE, DM_ERR_SCOPE_INTERNAL,
                          "relay store %s is new: a GTID flavour is needed to create it", s->dir);
    s->flavor = ctx->opts->flavor;
    rs_put_u32(b, RS_FORMAT_VERSION);
    if ((rc = mput(txn, s->db_meta, "version", 7, b, 4, 0, err, "writing the version")))
        return rc;
    b[0] = (uint8_t)s->flavor;
    return mput(txn, s->db_meta, "flavor", 6, b, 1, 0, err, "writing the flavour");
}

typedef struct clean_ctx {
    uint64_t from;
    bool more;
    uint64_t removed;
} clean_ctx;

// clean_pending deletes up to RS_CLEAN_BATCH segments with id >= ctx->from.
static int clean_pending(MDB_txn *txn, relay_store *s, void *vctx, dm_err *err)
{
    clean_ctx *ctx = vctx;
    MDB_cursor *cur = NULL;
    uint64_t ids[RS_CLEAN_BATCH];
    size_t n = 0;
    uint8_t k[8];
    MDB_val key = {8, k}, val;
    rs_counts c;
    int rc;
    rs_put_be64(k, ctx->from);
    if ((rc = mdb_cursor_open(txn, s->db_seg, &cur)))
        return lmdb_rc(err, rc, "opening a cursor");
    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    while (rc == 0 && n < RS_CLEAN_BATCH) {
        ids[n++] = rs_get_be64(key.mv_data);
        rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT);
    }
    mdb_cursor_close(cur);
    if (rc && rc != MDB_NOTFOUND)
        return lmdb_rc(err, rc, "walking segments");
    ctx->more = rc == 0;
    counts_load(&c, txn, s);
    for (size_t i = 0; i < n; i++)
        if ((rc = del_segment(txn, s, ids[i], &c, err)))
            return rc;
    ctx->removed += n;
    return n ? counts_store(txn, s, &c, err) : 0;
}

static int drop_pending(relay_store *s, dm_err *err)
{
    clean_ctx c = {s->visible_last + 1, true, 0};
    int rc;
    while (c.more)
        if ((rc = store_write(s, clean_pending, &c, err)))
            return rc;
    if (c.removed)
        dm_info("relay", "relay store %s: dropped %llu pending segment(s) of an unfinished "
                "transaction", s->dir, (unsigned long long)c.removed);
    s->next_seg_id = s->visible_last + 1;
    return 0;
}

static int load_state(relay_store *s, dm_err *err)
{
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    uint8_t k[8];
    MDB_val key = {8, k}, val;
    int rc;
    if ((rc = rs_read_begin(&txn, s, err)))
        return rc;
    if ((rc = durable_get(&s->visible_last, &s->durable, &s->durable_gtids, txn, s, err)))
        goto done;
    if ((rc = gtid_set_copy(&s->running, s->durable_gtids, err)))
        goto done;
    s->end_pos = s->durable;
    // The current file is the durable position's; max_fileno the epoch's highest number.
    if (s->epoch) {
        rs_put_be32(k, s->epoch + 1);
        rs_put_be32(k + 4, 0);
        if ((rc = mdb_cursor_open(txn, s->db_files, &cur))) {
            rc = rs_lmdb_err(err, rc, "opening a cursor");
            goto done;
        }
        rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
        rc = mdb_cursor_get(cur, &key, &val, rc == 0 ? MDB_PREV : MDB_LAST);
        if (rc == 0 && key.mv_size == 8 && rs_get_be32(key.mv_data) == s->epoch)
            s->max_fileno = rs_get_be32((uint8_t *)key.mv_data + 4);
        rc = 0;
        if (s->durable.epoch == s->epoch && s->durable.file[0] &&
            rs_lookup_fileno(&s->fileno, txn, s, s->epoch, s->durable.file) == 0) {
            memcpy(s->file, s->durable.file, sizeof(s->file));
            s->last_next_pos = s->durable.pos;
        }
    }
done:
    if (cur)
        mdb_cursor_close(cur);
    rs_read_end(s, txn);
    return rc;
}

int relay_store_open(relay_store **out, const char *dir, const relay_store_opts *opts,
                     dm_err *err)
{
    relay_store *s = calloc(1, sizeof(*s));
    pthread_rwlockattr_t rwa;
    pthread_condattr_t ca;
    open_ctx octx = {opts};
    int rc;
    if (s == NULL)
        return nomem(err);
    pthread_rwlockattr_init(&rwa);
    pthread_rwlockattr_setkind_np(&rwa, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&s->resize_lock, &rwa);
    pthread_rwlockattr_destroy(&rwa);
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&s->cmu, NULL);
    pthread_cond_init(&s->c_wake, NULL);
    pthread_cond_init(&s->c_done, NULL);
    if (opts)
        s->opts = *opts;
    if (s->opts.map_size == 0)
        s->opts.map_size = (uint64_t)16 << 30;
    if (s->opts.segment_bytes == 0)
        s->opts.segment_bytes = 1 << 20;
    if (s->opts.commit_bytes == 0)
        s->opts.commit_bytes = 4 << 20;
    if (s->opts.commit_ms == 0)
        s->opts.commit_ms = 100;
    if (s->opts.zstd_level == 0)
        s->opts.zstd_level = 3;
    if (s->opts.segment_bytes > RS_SEGMENT_MAX) {
        // A segment holds at most this plus one event (≤ 1 GiB): its size fits in 32 bits.
        rc = dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                        "relay store: segment_bytes %zu exceeds %zu", s->opts.segment_bytes,
                        RS_SEGMENT_MAX);
        goto fail;
    }
    s->dir = strdup(dir ? dir : "");
    if (s->dir == NULL) {
        rc = nomem(err);
        goto fail;
    }
    if ((rc = mkdir_p(s->dir, err)))
        goto fail;
    if ((rc = mdb_env_create(&s->env))) {
        rc = rs_lmdb_err(err, rc, "creating the environment");
        goto fail;
    }
    mdb_env_set_maxdbs(s->env, 8);
    mdb_env_set_mapsize(s->env, (size_t)s->opts.map_size);
    // MDB_NOTLS: read transactions belong to reader objects, not threads. No MDB_NOSYNC:
    // every commit is fsynced before it returns.
    if ((rc = mdb_env_open(s->env, s->dir, MDB_NOTLS, 0644))) {
        rc = rs_lmdb_err(err, rc, "opening the environment");
        dm_err_prefix(err, "%s", s->dir);
        goto fail;
    }
    mdb_reader_check(s->env, NULL); // reader slots left by a killed process
    if ((rc = store_write(s, open_dbs, &octx, err)))
        goto fail;
    {
        char parent[4096];
        char *slash;
        snprintf(parent, sizeof(parent), "%s", s->dir);
        slash = strrchr(parent, '/');
        if (slash && slash != parent)
            *slash = '\0';
        else
            snprintf(parent, sizeof(parent), "%s", slash ? "/" : ".");
        if ((rc = sync_dir(s->dir, err)) || (rc = sync_dir(parent, err)))
            goto fail;
    }
    if ((rc = load_state(s, err)))
        goto fail;
    if ((rc = drop_pending(s, err)))
        goto fail;
    s->cctx = ZSTD_createCCtx();
    if (s->cctx == NULL) {
        rc = nomem(err);
        goto fail;
    }
    if ((rc = gtid_set_create(&s->fill.running, s->flavor, err)) ||
        (rc = gtid_set_create(&s->flight.running, s->flavor, err)))
        goto fail;
    if (pthread_create(&s->committer, NULL, committer_main, s) != 0) {
        rc = dm_err_set(err, DM_ERR_INTERNAL, DM_ERR_SCOPE_INTERNAL,
                        "relay store: cannot start the commit thread");
        goto fail;
    }
    s->c_started = true;
    *out = s;
    return 0;
fail:
    relay_store_close(s);
    return rc;
}

void relay_store_close(relay_store *s)
{
    if (s == NULL)
        return;
    if (s->c_started) {
        // A batch in flight is finished (it may already be reported durable to nobody,
        // but it is consistent either way); then the thread exits.
        pthread_mutex_lock(&s->cmu);
        s->c_stop = true;
        pthread_cond_signal(&s->c_wake);
        pthread_mutex_unlock(&s->cmu);
        pthread_join(s->committer, NULL);
    }
    pthread_mutex_lock(&s->mu);
    s->closed = true;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
    if (s->env)
        mdb_env_close(s->env);
    batch_fini(&s->fill);
    batch_fini(&s->flight);
    dm_buf_fini(&s->cur.raw);
    dm_buf_fini(&s->cur.gtids);
    dm_buf_fini(&s->scratch);
    gtid_set_destroy(s->running);
    gtid_set_destroy(s->durable_gtids);
    ZSTD_freeCCtx(s->cctx);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->c_wake);
    pthread_cond_destroy(&s->c_done);
    pthread_mutex_destroy(&s->cmu);
    pthread_rwlock_destroy(&s->resize_lock);
    free(s->dir);
    free(s);
}

gtid_flavor relay_store_flavor(const relay_store *s)
{
    return s->flavor;
}

// ---- sealing and commit -----------------------------------------------------------------

// seal moves cur's first len bytes (events records, ending at end_pos) into a new queued
// segment.
static int seal(relay_store *s, size_t len, uint32_t events, uint64_t end_pos, bool trx_end,
                dm_err *err)
{
    rs_sealed *q;
    int rc;
    rs_batch *b = &s->fill;
    if (b->n == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 8;
        rs_sealed *nq = realloc(b->segs, ncap * sizeof(*nq));
        if (nq == NULL)
            return nomem(err);
        memset(nq + b->cap, 0, (ncap - b->cap) * sizeof(*nq));
        b->segs = nq;
        b->cap = ncap;
    }
    q = &b->segs[b->n];
    q->id = s->next_seg_id;
    q->epoch = s->cur.epoch;
    q->fileno = s->cur.fileno;
    memcpy(q->file, s->cur.file, sizeof(q->file));
    q->first_pos = s->cur.first_pos;
    q->end_pos = end_pos;
    q->events = events;
    q->created = (int64_t)time(NULL);
    q->flags = (uint8_t)((s->cur.mid_trx ? RS_SEG_F_MID_TRX : 0) |
                         (trx_end ? RS_SEG_F_TRX_END : 0));
    dm_buf_reset(&q->gtids);
    if (dm_buf_append(&q->gtids, s->cur.gtids.data, s->cur.gtids.len))
        return nomem(err);
    if ((rc = rs_seg_seal(q, s->cctx, s->opts.zstd_level, s->flavor, s->cur.raw.data, len, err)))
        return rc;
    b->n++;
    s->next_seg_id++;
    s->queued_raw += len;
    return 0;
}

// seal_complete seals cur up to its last transaction end; the tail (a transaction in
// progress) becomes the start of the next segment.
static int seal_complete(relay_store *s, dm_err *err)
{
    rs_building *b = &s->cur;
    size_t tail;
    int rc;
    if (b->complete_len == 0)
        return 0;
    if ((rc = seal(s, b->complete_len, b->complete_events, b->complete_end, true, err)))
        return rc;
    tail = b->raw.len - b->complete_len;
    memmove(b->raw.data, b->raw.data + b->complete_len, tail);
    b->raw.len = tail;
    b->events -= b->complete_events;
    b->first_pos = b->tail_pos;
    b->mid_trx = false; // the tail begins with a transaction's first record
    b->complete_len = 0;
    b->complete_events = 0;
    // The GTID set before the tail is the set after the last transaction end.
    dm_buf_reset(&b->gtids);
    return tail ? gtid_set_encode(&b->gtids, s->running, err) : 0;
}

// seal_pending seals all of cur (a transaction in progress) into the pending area.
static int seal_pending(relay_store *s, dm_err *err)
{
    int rc = seal(s, s->cur.raw.len, s->cur.events, s->cur.end_pos, false, err);
    if (rc)
        return rc;
    dm_buf_reset(&s->cur.raw);
    s->cur.events = 0;
    return 0;
}

typedef struct commit_ctx {
    uint64_t visible;
    bool publish;
} commit_ctx;

// commit_txn writes the batch in flight (committer thread).
static int commit_txn(MDB_txn *txn, relay_store *s, void *vctx, dm_err *err)
{
    commit_ctx *ctx = vctx;
    rs_batch *b = &s->flight;
    rs_counts c;
    uint8_t k[8], pk[16], fk[4 + RELAY_STORE_FILE_MAX], fv[4];
    size_t fkl;
    int rc;
    counts_load(&c, txn, s);
    for (size_t i = 0; i < b->n; i++) {
        rs_sealed *q = &b->segs[i];
        rs_put_be64(k, q->id);
        if ((rc = mput(txn, s->db_seg, k, 8, q->value.data, q->value.len, 0, err,
                       "writing a segment")))
            return rc;
        if (rs_segmeta_encode(&b->scratch, q, (uint32_t)q->value.len))
            return nomem(err);
        if ((rc = mput(txn, s->db_segmeta, k, 8, b->scratch.data, b->scratch.len, 0, err,
                       "writing a segment index record")))
            return rc;
        rs_key_pos(pk, q->epoch, q->fileno, q->first_pos);
        if ((rc = mput(txn, s->db_pos, pk, 16, k, 8, 0, err, "writing a position key")))
            return rc;
        // Register the file (its number and name) once.
        rs_put_be32(pk, q->epoch);
        rs_put_be32(pk + 4, q->fileno);
        dm_buf_reset(&b->scratch);
        rs_put_u16(fv, (uint16_t)strlen(q->file));
        if (dm_buf_append(&b->scratch, fv, 2) || dm_buf_puts(&b->scratch, q->file))
            return nomem(err);
        if ((rc = mput(txn, s->db_files, pk, 8, b->scratch.data, b->scratch.len,
                       MDB_NOOVERWRITE, err, "registering a file")))
            return rc;
        rs_key_fname(fk, &fkl, q->epoch, q->file);
        rs_put_u32(fv, q->fileno);
        if ((rc = mput(txn, s->db_fnames, fk, fkl, fv, 4, MDB_NOOVERWRITE, err,
                       "registering a file name")))
            return rc;
        c.segments++;
        c.stored += q->value.len;
        c.raw += q->raw_len;
        c.events += q->events;
        if (q->flags & RS_SEG_F_TRX_END)
            ctx->visible = q->id;
    }
    if (b->fde_dirty) {
        rs_put_be32(pk, b->fde_epoch);
        rs_put_be32(pk + 4, b->fde_fileno);
        dm_buf_reset(&b->scratch);
        rs_put_u16(fv, (uint16_t)strlen(b->fde_file));
        if (dm_buf_append(&b->scratch, fv, 2) || dm_buf_puts(&b->scratch, b->fde_file) ||
            dm_buf_append(&b->scratch, b->fde.data, b->fde.len))
            return nomem(err);
        if ((rc = mput(txn, s->db_files, pk, 8, b->scratch.data, b->scratch.len, 0, err,
                       "storing a file's FDE")))
            return rc;
        rs_key_fname(fk, &fkl, b->fde_epoch, b->fde_file);
        rs_put_u32(fv, b->fde_fileno);
        if ((rc = mput(txn, s->db_fnames, fk, fkl, fv, 4, MDB_NOOVERWRITE, err,
                       "registering a file name")))
            return rc;
    }
    if (ctx->visible != s->visible_last) {
        ctx->publish = true;
        if ((rc = durable_put(txn, s, &b->scratch, ctx->visible, &b->end_pos, b->running, err)))
            return rc;
    }
    return b->n ? counts_store(txn, s, &c, err) : 0;
}

// publish makes a committed durable point visible to durable_pos callers and wakes readers.
static int publish(relay_store *s, uint64_t visible, const relay_store_pos *end,
                   const gtid_set *running, dm_err *err)
{
    gtid_set *g = NULL;
    int rc;
    if ((rc = gtid_set_copy(&g, running, err)))
        return rc;
    pthread_mutex_lock(&s->mu);
    s->visible_last = visible;
    s->durable = *end;
    gtid_set_destroy(s->durable_gtids);
    s->durable_gtids = g;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->mu);
    return 0;
}

static void batch_fini(rs_batch *b)
{
    for (size_t i = 0; i < b->cap; i++) {
        dm_buf_fini(&b->segs[i].value);
        dm_buf_fini(&b->segs[i].gtids);
    }
    free(b->segs);
    dm_buf_fini(&b->fde);
    dm_buf_fini(&b->scratch);
    gtid_set_destroy(b->running);
    memset(b, 0, sizeof(*b));
}

// committer_main writes one batch at a time: the LMDB transaction and its fsync happen
// here while the writer goes on compressing the next batch (the Redis bio.c pattern: a
// worker, an explicit hand-off, a stop request).
static void *committer_main(void *arg)
{
    relay_store *s = arg;
    pthread_mutex_lock(&s->cmu);
    for (;;) {
        commit_ctx ctx;
        dm_err e;
        int rc;
        while (!s->c_pending && !s->c_stop)
            pthread_cond_wait(&s->c_wake, &s->cmu);
        if (!s->c_pending)
            break;
        pthread_mutex_unlock(&s->cmu);
        dm_err_clear(&e);
        ctx.visible = s->visible_last;
        ctx.publish = false;
        rc = store_write(s, commit_txn, &ctx, &e);
        if (rc == 0 && ctx.publish)
            rc = publish(s, ctx.visible, &s->flight.end_pos, s->flight.running, &e);
        s->flight.n = 0;
        s->flight.fde_dirty = false;
        pthread_mutex_lock(&s->cmu);
        if (rc && s->c_rc == 0) {
            s->c_rc = rc;
            s->c_err = e;
            dm_error("relay", "relay store %s: commit failed, the store stops accepting "
                     "writes: %s", s->dir, e.message);
        }
        s->c_pending = false;
        pthread_cond_broadcast(&s->c_done);
    }
    pthread_mutex_unlock(&s->cmu);
    return NULL;
}

// wait_idle waits until no batch is in flight and returns the sticky commit error, if any.
static int wait_idle(relay_store *s, dm_err *err)
{
    int rc;
    pthread_mutex_lock(&s->cmu);
    while (s->c_pending)
        pthread_cond_wait(&s->c_done, &s->cmu);
    rc = s->c_rc;
    if (rc && err)
        *err = s->c_err;
    pthread_mutex_unlock(&s->cmu);
    return rc;
}

// commit seals cur up to its last transaction end and hands the batch to the committer
// (after the previous batch is done: at most one in flight). It returns before the fsync;
// relay_store_flush waits for it.
static int commit(relay_store *s, dm_err *err)
{
    rs_batch t;
    int rc;
    if ((rc = seal_complete(s, err)))
        return rc;
    s->first_wait_ms = 0;
    if (s->fill.n == 0 && !s->fill.fde_dirty)
        return 0;
    if ((rc = wait_idle(s, err)))
        return rc;
    s->fill.end_pos = s->end_pos;
    if ((rc = gtid_set_assign(s->fill.running, s->running, err)))
        return rc;
    t = s->fill;
    s->fill = s->flight;
    s->flight = t;
    s->queued_raw = 0;
    pthread_mutex_lock(&s->cmu);
    s->c_pending = true;
    pthread_cond_signal(&s->c_wake);
    pthread_mutex_unlock(&s->cmu);
    return 0;
}

int relay_store_flush(relay_store *s, dm_err *err)
{
    int rc = commit(s, err);
    return rc ? rc : wait_idle(s, err);
}

long relay_store_flush_due_ms(const relay_store *s)
{
    int64_t left;
    if (s->first_wait_ms == 0)
        return -1;
    left = s->first_wait_ms + (int64_t)s->opts.commit_ms - rs_now_ms();
    return left > 0 ? (long)left : 0;
}

// ---- append -----------------------------------------------------------------------------

static int bad_event(dm_err *err, const relay_store_event_meta *m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad_event(dm_err *err, const relay_store_event_meta *m, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return dm_err_set(err, RELAY_STORE_ERR_EVENT, DM_ERR_SCOPE_UPSTREAM,
                      "relay store: event at %s:%llu rejected: %s", m->file ? m->file : "?",
                      (unsigned long long)m->pos, msg);
}

// switch_file makes meta->file the current file (between transactions only).
static int switch_file(relay_store *s, const char *file, dm_err *err)
{
    MDB_txn *txn = NULL;
    uint32_t fno;
    int rc;
    if ((rc = commit(s, err)))
        return rc;
    if ((rc = rs_read_begin(&txn, s, err)))
        return rc;
    rc = rs_lookup_fileno(&fno, txn, s, s->epoch, file);
    rs_read_end(s, txn);
    if (rc == 0 && s->file[0] && fno < s->fileno)
        return dm_err_set(err, RELAY_STORE_ERR_EVENT, DM_ERR_SCOPE_UPSTREAM,
                          "relay store: file %s comes after %s but was stored before it in "
                          "epoch %u",
                          file, s->file, s->epoch);
    if (rc != 0)
        fno = ++s->max_fileno;
    else if (fno > s->max_fileno)
        s->max_fileno = fno;
    s->fileno = fno;
    snprintf(s->file, sizeof(s->file), "%s", file);
    s->last_next_pos = 0;
    return 0;
}

int relay_store_append(relay_store *s, const void *event, size_t len,
                       const relay_store_event_meta *m, dm_err *err)
{
    const uint8_t *ev = event;
    rs_building *b = &s->cur;
    uint8_t flags = 0, type;
    uint32_t logpos;
    const gtid *g = m->gtid;
    int rc;
    if (s->epoch == 0)
        return dm_err_set(err, RELAY_STORE_ERR_STATE, DM_ERR_SCOPE_INTERNAL,
                          "relay store %s: append before relay_store_begin_epoch", s->dir);
    if (m->file == NULL || m->file[0] == '\0' || strlen(m->file) >= RELAY_STORE_FILE_MAX)
        return bad_event(err, m, "missing or too long file name");
    if (len < RS_EV_HEADER || rs_get_u32(ev + 9) != len)
        return bad_event(err, m, "event size field disagrees with its %zu bytes", len);
    if (len > ((size_t)1 << 30)) // the servers' packet limit (MAX_MAX_ALLOWED_PACKET)
        return bad_event(err, m, "%zu bytes exceed 1 GiB", len);
    type = ev[4];
    logpos = rs_get_u32(ev + 13);
    if (rs_get_u16(ev + 17) & 0x0020)
        return bad_event(err, m, "ARTIFICIAL events (type %u) are never stored", type);
    if (type == 27 || type == 41)
        return bad_event(err, m, "heartbeats are never stored");
    if (m->next_pos <= m->pos)
        return bad_event(err, m, "next_pos %llu is not after pos",
                         (unsigned long long)m->next_pos);
    if (logpos != 0 && logpos != (uint32_t)m->next_pos)
        return bad_event(err, m, "header log_pos %u disagrees with next_pos %llu", logpos,
                         (unsigned long long)m->next_pos);
    if (g != NULL && g->flavor != s->flavor)
        return bad_event(err, m, "%s GTID in a %s store", gtid_flavor_name(g->flavor),
                         gtid_flavor_name(s->flavor));
    if (strcmp(m->file, s->file) != 0) {
        if (s->in_trx)
            return bad_event(err, m, "file changed from %s inside a transaction", s->file);
        if ((rc = switch_file(s, m->file, err)))
            return rc;
    }
    if (m->pos < s->last_next_pos)
        return bad_event(err, m, "position goes back (the previous event ended at %llu)",
                         (unsigned long long)s->last_next_pos);
    if (!s->in_trx) {
        s->have_trx_gtid = g != NULL;
        if (g)
            s->trx_gtid = *g;
        flags |= s->have_trx_gtid ? RS_REC_GTID : 0;
        if (b->raw.len != 0)
            b->tail_pos = m->pos;
    } else if (g != NULL) {
        if (s->have_trx_gtid && !gtid_equal(g, &s->trx_gtid))
            return bad_event(err, m, "GTID changed inside a transaction");
        if (!s->have_trx_gtid)
            flags |= RS_REC_GTID;
        s->have_trx_gtid = true;
        s->trx_gtid = *g;
    }
    if (b->raw.len == 0) {
        b->epoch = s->epoch;
        b->fileno = s->fileno;
        memcpy(b->file, s->file, sizeof(b->file));
        b->first_pos = m->pos;
        b->tail_pos = m->pos;
        b->events = 0;
        b->mid_trx = s->in_trx;
        b->complete_len = 0;
        b->complete_events = 0;
        dm_buf_reset(&b->gtids);
        if ((rc = gtid_set_encode(&b->gtids, s->running, err)))
            return rc;
        if (s->have_trx_gtid)
            flags |= RS_REC_GTID;
    }
    if (m->trx_end)
        flags |= RS_REC_TRX_END;
    if (rs_rec_append(&b->raw, flags, m->pos, m->next_pos, &s->trx_gtid, ev, len))
        return nomem(err);
    b->events++;
    b->end_pos = m->next_pos;
    s->last_next_pos = m->next_pos;
    if (type == 15) { // FORMAT_DESCRIPTION: kept per file for readers starting inside it
        dm_buf_reset(&s->fill.fde);
        if (dm_buf_append(&s->fill.fde, ev, len))
            return nomem(err);
        s->fill.fde_dirty = true;
        s->fill.fde_epoch = s->epoch;
        s->fill.fde_fileno = s->fileno;
        memcpy(s->fill.fde_file, s->file, sizeof(s->fill.fde_file));
    }
    if (m->trx_end) {
        if (s->have_trx_gtid && (rc = gtid_set_add(s->running, &s->trx_gtid, err)))
            return rc;
        s->in_trx = false;
        s->have_trx_gtid = false;
        s->end_pos.epoch = s->epoch;
        memcpy(s->end_pos.file, s->file, sizeof(s->end_pos.file));
        s->end_pos.pos = m->next_pos;
        b->complete_len = b->raw.len;
        b->complete_events = b->events;
        b->complete_end = m->next_pos;
    } else {
        s->in_trx = true;
    }
    if (s->first_wait_ms == 0)
        s->first_wait_ms = rs_now_ms();
    if (b->raw.len >= s->opts.segment_bytes) {
        if ((rc = seal_complete(s, err)))
            return rc;
        if (b->raw.len >= s->opts.segment_bytes && (rc = seal_pending(s, err)))
            return rc;
    }
    // The byte bound counts every complete byte waiting, sealed or still in cur.
    if (s->queued_raw + b->complete_len >= s->opts.commit_bytes || relay_store_flush_due_ms(s) == 0)
        return commit(s, err);
    return 0;
}

// ---- epochs and discarding --------------------------------------------------------------

static int discard_tail(relay_store *s, dm_err *err)
{
    int rc;
    if ((rc = relay_store_flush(s, err)))
        return rc;
    dm_buf_reset(&s->cur.raw);
    s->cur.events = 0;
    s->in_trx = false;
    s->have_trx_gtid = false;
    if ((rc = drop_pending(s, err)))
        return rc;
    if (strcmp(s->end_pos.file, s->file) == 0 && s->end_pos.epoch == s->epoch)
        s->last_next_pos = s->end_pos.pos;
    return 0;
}

int relay_store_discard_partial(relay_store *s, dm_err *err)
{
    return discard_tail(s, err);
}

typedef struct epoch_ctx {
    uint32_t epoch;
    const char *label;
} epoch_ctx;

static int epoch_txn(MDB_txn *txn, relay_store *s, void *vctx, dm_err *err)
{
    epoch_ctx *ctx = vctx;
    uint8_t k[5], b[4];
    int rc;
    k[0] = 'E';
    rs_put_be32(k + 1, ctx->epoch);
    rs_put_u32(b, ctx->epoch);
    if ((rc = mput(txn, s->db_meta, "epoch", 5, b, 4, 0, err, "writing the epoch")))
        return rc;
    if ((rc = mput(txn, s->db_meta, k, 5, ctx->label, strlen(ctx->label), 0, err,
                   "writing the epoch label")))
        return rc;
    return durable_put(txn, s, &s->scratch, s->visible_last, &s->end_pos, s->running, err);
}

int relay_store_begin_epoch(uint32_t *out, relay_store *s, const char *label,
                            const gtid_set *base, dm_err *err)
{
    epoch_ctx ctx = {s->epoch + 1, label ? label : ""};
    relay_store_pos saved = s->end_pos;
    int rc;
    if ((rc = discard_tail(s, err)))
        return rc;
    if (base && (rc = gtid_set_union(s->running, base, err)))
        return rc;
    memset(&s->end_pos, 0, sizeof(s->end_pos));
    s->end_pos.epoch = ctx.epoch;
    if ((rc = store_write(s, epoch_txn, &ctx, err))) {
        s->end_pos = saved;
        return rc;
    }
    s->epoch = ctx.epoch;
    s->fileno = 0;
    s->max_fileno = 0;
    s->file[0] = '\0';
    s->last_next_pos = 0;
    if ((rc = publish(s, s->visible_last, &s->end_pos, s->running, err)))
        return rc;
    *out = s->epoch;
    dm_info("relay", "relay store %s: epoch %u begins (upstream %s)", s->dir, s->epoch, ctx.label);
    return 0;
}

// ---- durable position, stats, FDE -------------------------------------------------------

int relay_store_durable_pos(relay_store_durable *out, relay_store *s, dm_err *err)
{
    int rc;
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&s->mu);
    out->pos = s->durable;
    out->segment = s->visible_last;
    rc = gtid_set_copy(&out->gtids, s->durable_gtids, err);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

void relay_store_durable_fini(relay_store_durable *d)
{
    if (d == NULL)
        return;
    gtid_set_destroy(d->gtids);
    d->gtids = NULL;
}

int relay_store_stats_get(relay_store_stats *out, relay_store *s, dm_err *err)
{
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    MDB_val key, val;
    MDB_envinfo info;
    MDB_stat st;
    struct statvfs vfs;
    struct stat fst;
    rs_counts c;
    rs_segmeta m;
    char path[4200];
    uint64_t visible;
    int rc;
    memset(out, 0, sizeof(*out));
    if ((rc = rs_read_begin(&txn, s, err)))
        return rc;
    counts_load(&c, txn, s);
    out->segments = c.segments;
    out->stored_bytes = c.stored;
    out->raw_bytes = c.raw;
    out->events = c.events;
    out->empty = true;
    if ((rc = mdb_cursor_open(txn, s->db_segmeta, &cur))) {
        rc = rs_lmdb_err(err, rc, "opening a cursor");
        goto done;
    }
    pthread_mutex_lock(&s->mu);
    visible = s->visible_last;
    pthread_mutex_unlock(&s->mu);
    if (mdb_cursor_get(cur, &key, &val, MDB_FIRST) == 0 && rs_get_be64(key.mv_data) <= visible &&
        rs_segmeta_decode(&m, val.mv_data, val.mv_size, rs_get_be64(key.mv_data), NULL) == 0) {
        out->empty = false;
        out->first.epoch = m.epoch;
        memcpy(out->first.file, m.file, sizeof(out->first.file));
        out->first.pos = m.first_pos;
    }
    mdb_env_info(s->env, &info);
    mdb_env_stat(s->env, &st);
    out->map_size = info.me_mapsize;
    pthread_mutex_lock(&s->mu);
    out->last_end = s->durable;
    pthread_mutex_unlock(&s->mu);
    if (statvfs(s->dir, &vfs) != 0) {
        rc = dm_err_from_errno(err, errno, "relay store: statvfs %s", s->dir);
        goto done;
    }
    out->fs_free_bytes = (uint64_t)vfs.f_bavail * vfs.f_frsize;
    snprintf(path, sizeof(path), "%s/data.mdb", s->dir);
    if (stat(path, &fst) == 0)
        out->file_bytes = (uint64_t)fst.st_size;
done:
    if (cur)
        mdb_cursor_close(cur);
    rs_read_end(s, txn);
    return rc;
}

int relay_store_file_fde(dm_buf *out, relay_store *s, uint32_t epoch, const char *file,
                         dm_err *err)
{
    MDB_txn *txn = NULL;
    MDB_val v;
    uint8_t k[8];
    uint32_t fno;
    size_t nl;
    int rc;
    if ((rc = rs_read_begin(&txn, s, err)))
        return rc;
    rc = rs_lookup_fileno(&fno, txn, s, epoch, file);
    if (rc == 0) {
        rs_put_be32(k, epoch);
        rs_put_be32(k + 4, fno);
        rc = mget(&v, txn, s->db_files, k, 8);
    }
    if (rc == 0) {
        nl = v.mv_size >= 2 ? rs_get_u16(v.mv_data) : 0;
        if (v.mv_size <= 2 + nl + RS_EV_HEADER)
            rc = MDB_NOTFOUND;
        else if (dm_buf_append(out, (uint8_t *)v.mv_data + 2 + nl, v.mv_size - 2 - nl))
            rc = nomem(err);
    }
    rs_read_end(s, txn);
    if (rc == MDB_NOTFOUND)
        return dm_err_set(err, RELAY_STORE_ERR_UNKNOWN_POS, DM_ERR_SCOPE_INTERNAL,
                          "relay store: no FDE stored for epoch %u file %s", epoch, file);
    return rc;
}

// ---- registrations ----------------------------------------------------------------------

typedef struct reg_ctx {
    const char *name;
    const relay_store_pos *pos;
} reg_ctx;

static int reg_txn(MDB_txn *txn, relay_store *s, void *vctx, dm_err *err)
{
    reg_ctx *ctx = vctx;
    uint8_t v[12 + RELAY_STORE_FILE_MAX];
    size_t fl;
    if (ctx->pos == NULL)
        return mdel(txn, s->db_readers, ctx->name, strlen(ctx->name), err,
                    "deleting a reader registration");
    fl = strnlen(ctx->pos->file, RELAY_STORE_FILE_MAX - 1);
    rs_put_u32(v, ctx->pos->epoch);
    rs_put_u64(v + 4, ctx->pos->pos);
    memcpy(v + 12, ctx->pos->file, fl);
    return mput(txn, s->db_readers, ctx->name, strlen(ctx->name), v, 12 + fl, 0, err,
                "writing a reader registration");
}

int relay_store_register_reader(relay_store *s, const char *name, const relay_store_pos *pos,
                                dm_err *err)
{
    reg_ctx ctx = {name, pos};
    if (name == NULL || name[0] == '\0' || strlen(name) > 400 || pos == NULL)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "relay store: a reader registration needs a name (≤ 400 bytes) and "
                          "a position");
    return store_write(s, reg_txn, &ctx, err);
}

int relay_store_unregister_reader(relay_store *s, const char *name, dm_err *err)
{
    reg_ctx ctx = {name, NULL};
    if (name == NULL || name[0] == '\0' || strlen(name) > 400)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "relay store: bad reader name");
    return store_write(s, reg_txn, &ctx, err);
}

int relay_store_readers(char ***out, relay_store *s, dm_err *err)
{
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    MDB_val key, val;
    char **names = NULL;
    size_t n = 0;
    int rc, mrc;
    *out = NULL;
    if ((rc = rs_read_begin(&txn, s, err)))
        return rc;
    if ((mrc = mdb_cursor_open(txn, s->db_readers, &cur))) {
        rc = rs_lmdb_err(err, mrc, "opening a cursor");
        goto done;
    }
    for (mrc = mdb_cursor_get(cur, &key, &val, MDB_FIRST); mrc == 0;
         mrc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
        char **g = realloc(names, (n + 2) * sizeof *g);
        if (!g || !(g[n] = strndup(key.mv_data, key.mv_size))) {
            if (g)
                names = g;
            rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "relay store: out of memory");
            goto done;
        }
        names = g;
        names[++n] = NULL;
    }
    if (!names && !(names = calloc(1, sizeof *names))) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "relay store: out of memory");
        goto done;
    }
    *out = names;
    names = NULL;
done:
    if (cur)
        mdb_cursor_close(cur);
    rs_read_end(s, txn);
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

// ---- purge ------------------------------------------------------------------------------

typedef struct purge_ctx {
    const relay_store_purge_opts *o;
    int64_t now;
    int64_t deficit;        // bytes still to free for remain_space
    bool before;
    uint8_t before_key[8];  // epoch | fileno of before_file
    bool have_hold;
    uint8_t hold_key[16];   // lowest registered (epoch, fileno, pos)
    relay_store_purge_result *res;
    bool done;
} purge_ctx;

static int purge_txn(MDB_txn *txn, relay_store *s, void *vctx, dm_err *err)
{
    purge_ctx *ctx = vctx;
    MDB_cursor *cur = NULL;
    MDB_val key, val;
    uint64_t *ids = NULL, bytes = 0, safe_bytes = 0;
    size_t n = 0, cap = 0, safe = 0;
    rs_counts c;
    int rc = 0, mrc;
    int64_t deficit = ctx->deficit, safe_deficit = deficit;
    bool held = false;
    if ((rc = mdb_cursor_open(txn, s->db_segmeta, &cur)))
        return lmdb_rc(err, rc, "opening a cursor");
    mrc = mdb_cursor_get(cur, &key, &val, MDB_FIRST);
    ctx->done = true;
    // Collect up to RS_PURGE_BATCH segments, or more to reach the end of a transaction:
    // the store is only ever cut after a segment that ends a transaction, so what remains
    // never starts inside one.
    while (mrc == 0 && (safe < RS_PURGE_BATCH || safe != n)) {
        uint64_t id = rs_get_be64(key.mv_data);
        rs_segmeta m;
        uint8_t ek[16], fk[8];
        bool go = false;
        if (id > s->visible_last)
            break;
        if ((rc = rs_segmeta_decode(&m, val.mv_data, val.mv_size, id, err)))
            goto done;
        rs_key_pos(ek, m.epoch, m.fileno, m.end_pos);
        rs_put_be32(fk, m.epoch);
        rs_put_be32(fk + 4, m.fileno);
        if (ctx->o->expires_hours > 0 &&
            (double)(ctx->now - m.created) > ctx->o->expires_hours * 3600.0)
            go = true;
        if (deficit > 0)
            go = true;
        if (ctx->before && memcmp(fk, ctx->before_key, 8) < 0)
            go = true;
        if (!go)
            break;
        if (ctx->have_hold && memcmp(ek, ctx->hold_key, 16) > 0) {
            held = true;
            break;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : RS_PURGE_BATCH;
            uint64_t *nids = realloc(ids, ncap * sizeof(*ids));
            if (nids == NULL) {
                rc = nomem(err);
                goto done;
            }
            ids = nids;
            cap = ncap;
        }
        ids[n++] = id;
        bytes += m.stored_len;
        deficit -= (int64_t)m.stored_len;
        if (m.flags & RS_SEG_F_TRX_END) {
            safe = n;
            safe_bytes = bytes;
            safe_deficit = deficit;
        }
        mrc = mdb_cursor_get(cur, &key, &val, MDB_NEXT);
    }
    mdb_cursor_close(cur);
    cur = NULL;
    if (mrc == 0 && safe == n && n >= RS_PURGE_BATCH)
        ctx->done = false; // stopped for the batch size only: another round follows
    counts_load(&c, txn, s);
    for (size_t i = 0; i < safe; i++)
        if ((rc = del_segment(txn, s, ids[i], &c, err)))
            goto done;
    if (safe && (rc = counts_store(txn, s, &c, err)))
        goto done;
    // Applied to ctx only once this transaction's work is complete (a retry redoes it).
    ctx->res->segments += safe;
    ctx->res->bytes += safe_bytes;
    ctx->res->held = ctx->res->held || held;
    ctx->deficit = safe_deficit;
done:
    if (cur)
        mdb_cursor_close(cur);
    free(ids);
    return rc;
}

// lmdb_free_bytes counts the pages on LMDB's free list (reusable without growing the file).
static uint64_t lmdb_free_bytes(MDB_txn *txn, relay_store *s)
{
    MDB_cursor *cur = NULL;
    MDB_val key, val;
    MDB_stat st;
    uint64_t pages = 0;
    if (mdb_cursor_open(txn, 0, &cur))
        return 0;
    while (mdb_cursor_get(cur, &key, &val, MDB_NEXT) == 0)
        pages += *(size_t *)val.mv_data; // each value is an ID list: count first
    mdb_cursor_close(cur);
    mdb_env_stat(s->env, &st);
    return pages * st.ms_psize;
}

static int purge_prepare(purge_ctx *ctx, relay_store *s, dm_err *err)
{
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    MDB_val key, val;
    int rc, mrc;
    if ((rc = rs_read_begin(&txn, s, err)))
        return rc;
    if (ctx->o->before) {
        uint32_t fno;
        if (ctx->o->before_file == NULL ||
            rs_lookup_fileno(&fno, txn, s, ctx->o->before_epoch, ctx->o->before_file) != 0) {
            rc = dm_err_set(err, RELAY_STORE_ERR_UNKNOWN_POS, DM_ERR_SCOPE_INTERNAL,
                            "relay store: purge before unknown file %s (epoch %u)",
                            ctx->o->before_file ? ctx->o->before_file : "(null)",
                            ctx->o->before_epoch);
            goto done;
        }
        ctx->before = true;
        rs_put_be32(ctx->before_key, ctx->o->before_epoch);
        rs_put_be32(ctx->before_key + 4, fno);
    }
    if ((rc = mdb_cursor_open(txn, s->db_readers, &cur))) {
        rc = rs_lmdb_err(err, rc, "opening a cursor");
        goto done;
    }
    for (mrc = mdb_cursor_get(cur, &key, &val, MDB_FIRST); mrc == 0;
         mrc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
        uint8_t k[16];
        char file[RELAY_STORE_FILE_MAX];
        uint32_t ep, fno = 0;
        size_t fl;
        if (val.mv_size < 12 || val.mv_size - 12 >= RELAY_STORE_FILE_MAX) {
            memset(k, 0, 16); // unreadable: hold everything
        } else {
            ep = rs_get_u32(val.mv_data);
            fl = val.mv_size - 12;
            memcpy(file, (uint8_t *)val.mv_data + 12, fl);
            file[fl] = '\0';
            // A registration in a file not stored (yet) holds from its epoch's start.
            if (rs_lookup_fileno(&fno, txn, s, ep, file) != 0)
                rs_key_pos(k, ep, 0, 0);
            else
                rs_key_pos(k, ep, fno, rs_get_u64((uint8_t *)val.mv_data + 4));
        }
        if (!ctx->have_hold || memcmp(k, ctx->hold_key, 16) < 0)
            memcpy(ctx->hold_key, k, 16);
        ctx->have_hold = true;
    }
    if (ctx->o->remain_space_gb > 0) {
        struct statvfs vfs;
        uint64_t avail, want = (uint64_t)(ctx->o->remain_space_gb * 1073741824.0);
        if (statvfs(s->dir, &vfs) != 0) {
            rc = dm_err_from_errno(err, errno, "relay store: statvfs %s", s->dir);
            goto done;
        }
        avail = (uint64_t)vfs.f_bavail * vfs.f_frsize + lmdb_free_bytes(txn, s);
        ctx->deficit = avail < want ? (int64_t)(want - avail) : 0;
    }
done:
    if (cur)
        mdb_cursor_close(cur);
    rs_read_end(s, txn);
    return rc;
}

int relay_store_purge(relay_store_purge_result *out, relay_store *s,
                      const relay_store_purge_opts *opts, dm_err *err)
{
    purge_ctx ctx;
    int rc;
    memset(out, 0, sizeof(*out));
    memset(&ctx, 0, sizeof(ctx));
    ctx.o = opts;
    ctx.res = out;
    ctx.now = opts->now ? opts->now : (int64_t)time(NULL);
    // Purge reads the visible id: let a commit in flight finish first.
    if ((rc = wait_idle(s, err)))
        return rc;
    if ((rc = purge_prepare(&ctx, s, err)))
        return rc;
    do {
        if ((rc = store_write(s, purge_txn, &ctx, err)))
            return rc;
    } while (!ctx.done && !out->held);
    if (out->segments)
        dm_info("relay", "relay store %s: purged %llu segment(s), %llu bytes%s", s->dir,
                (unsigned long long)out->segments, (unsigned long long)out->bytes,
                out->held ? " (stopped at a reader registration)" : "");
    return 0;
}
