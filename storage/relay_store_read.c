// DESIGN: the relay store's reader side: seeks, iteration, long-poll, segment export.
//
// A reader holds no LMDB transaction between calls: each segment is loaded in one short
// read transaction (find it with MDB_SET_RANGE, verify its checksum, decompress it into the
// reader's buffer) and the transaction ends before the events are handed out. Only
// segments up to the published visible id are read, so a reader never sees a partial
// transaction or a segment committed after the position was published. A reader waits for
// new data on the store's condition variable, never inside a transaction.
//
// Seeks: by position, one MDB_SET_RANGE on the pos index (epoch | fileno | first_pos) and
// one MDB_PREV give the segment holding the position; by GTID set, a binary search over
// segment ids (each probe one MDB_SET_RANGE on segmeta) finds the last segment whose
// "GTID set before" the given set contains (that predicate is monotonic since the store's
// set only grows), then events are skipped up to the first transaction not contained.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "relay_store_int.h"

enum { SKIP_NONE = 0, SKIP_POS, SKIP_GTID };

struct relay_store_reader {
    relay_store *s;
    relay_store_segment_iter it;
    bool loaded;
    uint64_t next_seg; // next segment id to load
    bool strict;       // next_seg must exist: a gap means it was purged
    int skip;
    relay_store_pos target;
    gtid_set *skip_set;
    bool skipping; // inside a transaction being skipped
};

static uint64_t visible_now(relay_store *s)
{
    uint64_t v;
    pthread_mutex_lock(&s->mu);
    v = s->visible_last;
    pthread_mutex_unlock(&s->mu);
    return v;
}

int relay_store_reader_create(relay_store_reader **out, relay_store *s, dm_err *err)
{
    relay_store_reader *r = calloc(1, sizeof(*r));
    if (r == NULL)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "relay store: out of memory");
    r->s = s;
    *out = r;
    return 0;
}

void relay_store_reader_destroy(relay_store_reader *r)
{
    if (r == NULL)
        return;
    relay_store_segment_iter_fini(&r->it);
    gtid_set_destroy(r->skip_set);
    free(r);
}

static void reader_reset(relay_store_reader *r)
{
    r->loaded = false;
    r->skip = SKIP_NONE;
    r->skipping = false;
    gtid_set_destroy(r->skip_set);
    r->skip_set = NULL;
}

static int seg_meta(rs_segmeta *m, MDB_txn *txn, relay_store *s, uint64_t id, dm_err *err)
{
    uint8_t k[8];
    MDB_val key = {8, k}, val;
    int rc;
    rs_put_be64(k, id);
    if ((rc = mdb_get(txn, s->db_segmeta, &key, &val)))
        return rc == MDB_NOTFOUND
                   ? dm_err_set(err, RELAY_STORE_ERR_CORRUPT, DM_ERR_SCOPE_INTERNAL,
                                "relay store: segment %llu has no index record",
                                (unsigned long long)id)
                   : rs_lmdb_err(err, rc, "reading a segment index record");
    return rs_segmeta_decode(m, val.mv_data, val.mv_size, id, err);
}

// load reads the next segment into the reader's iterator.
static int load(relay_store_reader *r, dm_err *err)
{
    relay_store *s = r->s;
    uint64_t visible = visible_now(s), id;
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    uint8_t k[8];
    MDB_val key = {8, k}, val;
    int rc;
    if ((rc = rs_read_begin(&txn, s, err)))
        return rc;
    if ((rc = mdb_cursor_open(txn, s->db_seg, &cur))) {
        rc = rs_lmdb_err(err, rc, "opening a cursor");
        goto done;
    }
    rs_put_be64(k, r->next_seg);
    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    if (rc && rc != MDB_NOTFOUND) {
        rc = rs_lmdb_err(err, rc, "reading a segment");
        goto done;
    }
    id = rc == 0 ? rs_get_be64(key.mv_data) : UINT64_MAX;
    // A wanted segment that was visible and is gone was purged; one not yet visible is
    // simply not there yet.
    if (r->strict && id != r->next_seg && r->next_seg <= visible) {
        rc = dm_err_set(err, RELAY_STORE_ERR_PURGED, DM_ERR_SCOPE_INTERNAL,
                        "relay store: segment %llu the reader needs was purged",
                        (unsigned long long)r->next_seg);
        goto done;
    }
    if (id > visible) {
        rc = RELAY_STORE_END;
        goto done;
    }
    rc = relay_store_segment_iter_init(&r->it, val.mv_data, val.mv_size, err);
    if (rc == RELAY_STORE_ERR_CORRUPT) {
        rs_segmeta m;
        if (seg_meta(&m, txn, s, id, NULL) == 0)
            dm_err_prefix(err, "stored segment %llu at epoch %u %s:%llu",
                          (unsigned long long)id, m.epoch, m.file,
                          (unsigned long long)m.first_pos);
        dm_err_workaround(err, "the relay must re-pull from this position; the segment is "
                               "not served");
    }
    if (rc == 0 && r->it.id != id) {
        rc = dm_err_set(err, RELAY_STORE_ERR_CORRUPT, DM_ERR_SCOPE_INTERNAL,
                        "relay store: segment %llu holds the header of segment %llu",
                        (unsigned long long)id, (unsigned long long)r->it.id);
    }
    if (rc == 0) {
        r->loaded = true;
        r->next_seg = id;
    }
done:
    if (cur)
        mdb_cursor_close(cur);
    rs_read_end(s, txn);
    return rc;
}

// pass tells whether ev ends the seek's skipping; starts tells whether ev begins a
// transaction (or stands alone).
static bool pass(relay_store_reader *r, const relay_store_event *ev, bool starts)
{
    if (r->skip == SKIP_POS) {
        // Before the target: an earlier epoch, an earlier file of its epoch (a target in a
        // file not stored yet), or an earlier position in its file.
        int fc = strcmp(ev->file, r->target.file);
        if (ev->epoch < r->target.epoch ||
            (ev->epoch == r->target.epoch && (fc < 0 || (fc == 0 && ev->pos < r->target.pos))))
            return false;
    } else if (r->skip == SKIP_GTID) {
        if (starts)
            r->skipping = ev->has_gtid ? gtid_set_contains_gtid(r->skip_set, &ev->gtid) : true;
        if (r->skipping)
            return false;
        gtid_set_destroy(r->skip_set);
        r->skip_set = NULL;
    }
    r->skip = SKIP_NONE;
    return true;
}

int relay_store_reader_next(relay_store_event *out, relay_store_reader *r, dm_err *err)
{
    int rc;
    for (;;) {
        if (r->loaded) {
            bool starts = !r->it.in_trx;
            rc = relay_store_segment_iter_next(out, &r->it, err);
            if (rc == 0) {
                if (r->skip != SKIP_NONE && !pass(r, out, starts))
                    continue;
                return 0;
            }
            if (rc != RELAY_STORE_END)
                return rc;
            r->loaded = false;
            r->next_seg = r->it.id + 1;
            r->strict = true;
        }
        if ((rc = load(r, err)))
            return rc;
    }
}

int relay_store_reader_wait(relay_store_reader *r, unsigned timeout_ms, dm_err *err)
{
    relay_store *s = r->s;
    uint64_t want;
    struct timespec dl;
    int rc = 0;
    if (r->loaded && r->it.off < r->it.raw.len)
        return 0;
    want = r->loaded ? r->it.id + 1 : (r->next_seg ? r->next_seg : 1);
    clock_gettime(CLOCK_MONOTONIC, &dl);
    dl.tv_sec += timeout_ms / 1000;
    dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    while (!s->closed && s->visible_last < want && rc == 0)
        rc = pthread_cond_timedwait(&s->cond, &s->mu, &dl);
    if (s->closed)
        rc = RELAY_STORE_END;
    else if (s->visible_last >= want)
        rc = 0;
    else
        rc = dm_err_set(err, DM_ERR_TIMEOUT, DM_ERR_SCOPE_INTERNAL,
                        "relay store: no new events within %u ms", timeout_ms);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

// after_every_file tells whether (pos->epoch, pos->file) sorts after every file stored (in
// any epoch): a file the relay has not reached yet, rather than one it never held.
static int after_every_file(bool *out, MDB_txn *txn, relay_store *s, const relay_store_pos *pos,
                            dm_err *err)
{
    uint8_t k[4 + RELAY_STORE_FILE_MAX];
    size_t kl;
    MDB_cursor *cur = NULL;
    *out = false;
    if (rs_key_fname(k, &kl, pos->epoch, pos->file))
        return 0;
    int mrc = mdb_cursor_open(txn, s->db_fnames, &cur);
    if (mrc)
        return rs_lmdb_err(err, mrc, "opening a cursor");
    MDB_val key = {kl, k}, val;
    mrc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    mdb_cursor_close(cur);
    if (mrc == MDB_NOTFOUND) {
        *out = true;
        return 0;
    }
    return mrc ? rs_lmdb_err(err, mrc, "reading the file index") : 0;
}

// next_segment_id gives the id the next stored segment will have.
static int next_segment_id(uint64_t *out, MDB_txn *txn, relay_store *s, dm_err *err)
{
    MDB_cursor *sc = NULL;
    MDB_val sk, sv;
    *out = 0;
    int mrc = mdb_cursor_open(txn, s->db_seg, &sc);
    if (mrc)
        return rs_lmdb_err(err, mrc, "opening a cursor");
    if (mdb_cursor_get(sc, &sk, &sv, MDB_LAST) == 0)
        *out = rs_get_be64(sk.mv_data) + 1;
    mdb_cursor_close(sc);
    if (*out == 0)
        *out = visible_now(s) + 1;
    return 0;
}

int relay_store_reader_seek_pos(relay_store_reader *r, const relay_store_pos *pos, dm_err *err)
{
    relay_store *s = r->s;
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    uint8_t k[16];
    MDB_val key = {16, k}, val;
    uint32_t fno;
    uint64_t start = 0, next_id = 0;
    bool have_start = false, have_prev = false;
    int rc, mrc;
    reader_reset(r);
    if ((rc = rs_read_begin(&txn, s, err)))
        return rc;
    if (rs_lookup_fileno(&fno, txn, s, pos->epoch, pos->file) != 0) {
        bool future = false;
        if ((rc = after_every_file(&future, txn, s, pos, err)))
            goto done;
        if (!future) {
            rc = dm_err_set(err, RELAY_STORE_ERR_UNKNOWN_POS, DM_ERR_SCOPE_INTERNAL,
                            "relay store: position epoch %u %s:%llu names a file not in the "
                            "store",
                            pos->epoch, pos->file, (unsigned long long)pos->pos);
            goto done;
        }
        // A file after every stored one: the relay has not reached it yet. Wait for it.
        if ((rc = next_segment_id(&next_id, txn, s, err)))
            goto done;
        r->next_seg = next_id;
        r->strict = true;
        r->skip = SKIP_POS;
        r->target = *pos;
        goto done;
    }
    if ((rc = mdb_cursor_open(txn, s->db_pos, &cur))) {
        rc = rs_lmdb_err(err, rc, "opening a cursor");
        goto done;
    }
    rs_key_pos(k, pos->epoch, fno, pos->pos);
    mrc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    if (mrc == 0) {
        next_id = rs_get_be64(val.mv_data);
        if (memcmp(key.mv_data, k, 16) == 0) {
            start = next_id;
            have_start = true;
        }
    }
    if (!have_start) {
        mrc = mdb_cursor_get(cur, &key, &val, mrc == 0 ? MDB_PREV : MDB_LAST);
        if (mrc == 0) {
            uint64_t pid = rs_get_be64(val.mv_data);
            rs_segmeta m;
            have_prev = true;
            if (memcmp(key.mv_data, k, 8) == 0) {
                if ((rc = seg_meta(&m, txn, s, pid, err)))
                    goto done;
                if (m.end_pos > pos->pos) {
                    start = pid;
                    have_start = true;
                }
            }
            if (!have_start && next_id == 0) {
                // Past every stored segment: wait for the next one to be written.
                MDB_cursor *sc = NULL;
                MDB_val sk, sv;
                if (mdb_cursor_open(txn, s->db_seg, &sc) == 0) {
                    if (mdb_cursor_get(sc, &sk, &sv, MDB_LAST) == 0)
                        next_id = rs_get_be64(sk.mv_data) + 1;
                    mdb_cursor_close(sc);
                }
                if (next_id == 0)
                    next_id = visible_now(s) + 1;
            }
        }
    }
    if (!have_start && !have_prev) {
        // Before every stored position: fine unless older segments were purged.
        MDB_cursor *sc = NULL;
        MDB_val sk, sv;
        uint64_t first = 0;
        if (mdb_cursor_open(txn, s->db_seg, &sc) == 0) {
            if (mdb_cursor_get(sc, &sk, &sv, MDB_FIRST) == 0)
                first = rs_get_be64(sk.mv_data);
            mdb_cursor_close(sc);
        }
        if (first > 1) {
            rc = dm_err_set(err, RELAY_STORE_ERR_PURGED, DM_ERR_SCOPE_INTERNAL,
                            "relay store: position epoch %u %s:%llu was purged", pos->epoch,
                            pos->file, (unsigned long long)pos->pos);
            goto done;
        }
        next_id = first ? first : 1;
    }
    r->next_seg = have_start ? start : next_id;
    r->strict = true;
    r->skip = SKIP_POS;
    r->target = *pos;
done:
    if (cur)
        mdb_cursor_close(cur);
    rs_read_end(s, txn);
    return rc;
}

// before_contained tells whether set contains segment id's "GTID set before"; *found is
// the id actually probed (the first at or after id).
static int before_contained(bool *out, uint64_t *found, MDB_cursor *cur, relay_store *s,
                            const gtid_set *set, uint64_t id, dm_err *err)
{
    uint8_t k[8];
    MDB_val key = {8, k}, val;
    rs_segmeta m;
    gtid_set *b = NULL;
    int rc;
    rs_put_be64(k, id);
    if ((rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE))) {
        *found = UINT64_MAX;
        return rc == MDB_NOTFOUND ? 0 : rs_lmdb_err(err, rc, "reading segment index");
    }
    *found = rs_get_be64(key.mv_data);
    if ((rc = rs_segmeta_decode(&m, val.mv_data, val.mv_size, *found, err)))
        return rc;
    if ((rc = gtid_set_decode(&b, s->flavor, m.gtids, m.gtids_len, err)))
        return dm_err_prefix(err, "relay store: segment %llu index", (unsigned long long)*found);
    *out = gtid_set_contains(set, b);
    gtid_set_destroy(b);
    return 0;
}

int relay_store_reader_seek_gtid(relay_store_reader *r, const gtid_set *set, dm_err *err)
{
    relay_store *s = r->s;
    uint64_t visible = visible_now(s), lo, hi, ans = 0, found;
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    MDB_val key, val;
    bool ok = false;
    int rc;
    reader_reset(r);
    if (gtid_set_flavor(set) != s->flavor)
        return dm_err_set(err, GTID_ERR_FLAVOR, DM_ERR_SCOPE_INTERNAL,
                          "relay store: seek with a %s GTID set in a %s store",
                          gtid_flavor_name(gtid_set_flavor(set)), gtid_flavor_name(s->flavor));
    if ((rc = gtid_set_copy(&r->skip_set, set, err)))
        return rc;
    if ((rc = rs_read_begin(&txn, s, err)))
        return rc;
    if ((rc = mdb_cursor_open(txn, s->db_segmeta, &cur))) {
        rc = rs_lmdb_err(err, rc, "opening a cursor");
        goto done;
    }
    if (mdb_cursor_get(cur, &key, &val, MDB_FIRST) != 0 ||
        rs_get_be64(key.mv_data) > visible) {
        // Nothing visible yet: start at the beginning and skip what the set contains.
        r->next_seg = 0;
        r->strict = false;
        goto positioned;
    }
    lo = rs_get_be64(key.mv_data);
    hi = visible;
    if ((rc = before_contained(&ok, &found, cur, s, set, lo, err)))
        goto done;
    if (!ok) {
        rc = dm_err_set(err, RELAY_STORE_ERR_PURGED, DM_ERR_SCOPE_INTERNAL,
                        "relay store: the GTID set lacks transactions stored before segment "
                        "%llu, the oldest retained",
                        (unsigned long long)lo);
        goto done;
    }
    ans = lo;
    lo++;
    while (lo <= hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if ((rc = before_contained(&ok, &found, cur, s, set, mid, err)))
            goto done;
        if (found > hi) {
            hi = mid - 1;
        } else if (ok) {
            ans = found;
            lo = found + 1;
        } else {
            hi = mid - 1;
        }
    }
    // A segment that starts inside a transaction: that transaction began earlier.
    for (;;) {
        uint8_t k[8];
        MDB_val kk = {8, k};
        rs_segmeta m;
        rs_put_be64(k, ans);
        if ((rc = mdb_cursor_get(cur, &kk, &val, MDB_SET_KEY))) {
            rc = rs_lmdb_err(err, rc, "reading segment index");
            goto done;
        }
        if ((rc = rs_segmeta_decode(&m, val.mv_data, val.mv_size, ans, err)))
            goto done;
        if (!(m.flags & RS_SEG_F_MID_TRX))
            break;
        if (mdb_cursor_get(cur, &kk, &val, MDB_PREV) != 0) {
            rc = dm_err_set(err, RELAY_STORE_ERR_PURGED, DM_ERR_SCOPE_INTERNAL,
                            "relay store: the start of the transaction in segment %llu was "
                            "purged",
                            (unsigned long long)ans);
            goto done;
        }
        ans = rs_get_be64(kk.mv_data);
    }
    r->next_seg = ans;
    r->strict = true;
positioned:
    r->skip = SKIP_GTID;
    r->skipping = true;
done:
    if (cur)
        mdb_cursor_close(cur);
    rs_read_end(s, txn);
    return rc;
}

int relay_store_segment_get(dm_buf *out, relay_store_segment_info *info, relay_store *s,
                            uint64_t min_id, dm_err *err)
{
    uint64_t visible = visible_now(s), id;
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    uint8_t k[8];
    MDB_val key = {8, k}, val;
    rs_segmeta m;
    int rc;
    memset(info, 0, sizeof(*info));
    if ((rc = rs_read_begin(&txn, s, err)))
        return rc;
    if ((rc = mdb_cursor_open(txn, s->db_seg, &cur))) {
        rc = rs_lmdb_err(err, rc, "opening a cursor");
        goto done;
    }
    rs_put_be64(k, min_id);
    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    if (rc == MDB_NOTFOUND || (rc == 0 && rs_get_be64(key.mv_data) > visible)) {
        rc = RELAY_STORE_END;
        goto done;
    }
    if (rc) {
        rc = rs_lmdb_err(err, rc, "reading a segment");
        goto done;
    }
    id = rs_get_be64(key.mv_data);
    if (dm_buf_append(out, val.mv_data, val.mv_size)) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "relay store: out of memory");
        goto done;
    }
    if ((rc = seg_meta(&m, txn, s, id, err)))
        goto done;
    info->id = id;
    info->epoch = m.epoch;
    memcpy(info->file, m.file, sizeof(info->file));
    info->first_pos = m.first_pos;
    info->end_pos = m.end_pos;
    info->events = m.events;
    info->raw_bytes = m.raw_len;
    info->stored_bytes = m.stored_len;
    info->created = m.created;
    rc = gtid_set_decode(&info->gtids_before, s->flavor, m.gtids, m.gtids_len, err);
done:
    if (cur)
        mdb_cursor_close(cur);
    rs_read_end(s, txn);
    return rc;
}
