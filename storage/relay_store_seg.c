// DESIGN: the segment format, shared by the store (which writes and reads it) and the
// receiving side of the segment stream (which only reads it).
//
// A stored segment value is self-describing so that relayd can ship it as it is:
//   0  "DMRS"   4 version  5 compression (1 = zstd)  6 flavour  7 flags (RS_SEG_F_*)
//   8  u64 id   16 u32 epoch   20 u32 events   24 u64 first_pos   32 u64 end_pos
//   40 u32 raw_len   44 u32 compressed_len   48 u16 file_len   50..55 zero
//   56 u64 xxh64 of bytes [0, 56) and [64, end)
//   64 file name, then the zstd frame of the records.
// All integers little-endian. A record is: u8 flags (RS_REC_*), u64 pos, u64 next_pos,
// the transaction's GTID when RS_REC_GTID (MySQL 16-byte uuid + u64 gno; MariaDB u32
// domain, u32 server, u64 seq), u32 event length, the event bytes. RS_REC_GTID is set on
// the first record of every transaction and on the first record of every segment, so each
// segment can be read alone.
//
// The checksum covers the header and the file name too, so any flipped byte is detected
// before zstd sees the data; the iterator checks it before decompressing.
#include <string.h>
#include <time.h>
#define XXH_STATIC_LINKING_ONLY // XXH64_state_t on the stack
#include <xxhash.h>

#include "relay_store_int.h"

void rs_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void rs_put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void rs_put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

uint16_t rs_get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t rs_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t rs_get_u64(const uint8_t *p)
{
    return (uint64_t)rs_get_u32(p) | (uint64_t)rs_get_u32(p + 4) << 32;
}

void rs_put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (24 - 8 * i));
}

void rs_put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

uint32_t rs_get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

uint64_t rs_get_be64(const uint8_t *p)
{
    return (uint64_t)rs_get_be32(p) << 32 | rs_get_be32(p + 4);
}

int64_t rs_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int rs_lmdb_err(dm_err *err, int rc, const char *what)
{
    dm_err_set(err, RELAY_STORE_ERR_LMDB, DM_ERR_SCOPE_INTERNAL, "relay store: %s failed", what);
    dm_err_cause(err, "%s", mdb_strerror(rc));
    return RELAY_STORE_ERR_LMDB;
}

void rs_key_pos(uint8_t k[16], uint32_t epoch, uint32_t fileno, uint64_t pos)
{
    rs_put_be32(k, epoch);
    rs_put_be32(k + 4, fileno);
    rs_put_be64(k + 8, pos);
}

int rs_key_fname(uint8_t *k, size_t *klen, uint32_t epoch, const char *file)
{
    size_t n = strlen(file);
    if (n >= RELAY_STORE_FILE_MAX)
        return -1;
    rs_put_be32(k, epoch);
    memcpy(k + 4, file, n);
    *klen = 4 + n;
    return 0;
}

// seg_checksum hashes a stored segment (header h, then rest bytes after the header)
// leaving out the checksum field itself.
static uint64_t seg_checksum(const uint8_t *h, size_t rest)
{
    XXH64_state_t st;
    XXH64_reset(&st, 0);
    XXH64_update(&st, h, RS_SEG_CSUM_OFF);
    XXH64_update(&st, h + RS_SEG_HDR, rest);
    return XXH64_digest(&st);
}

static size_t gtid_rec_len(gtid_flavor f)
{
    return f == GTID_FLAVOR_MYSQL ? 24 : 16;
}

int rs_rec_append(dm_buf *raw, uint8_t flags, uint64_t pos, uint64_t next_pos, const gtid *g,
                  const void *ev, size_t len)
{
    uint8_t h[RS_REC_FIXED + 24 + 4];
    size_t n = RS_REC_FIXED;
    h[0] = flags;
    rs_put_u64(h + 1, pos);
    rs_put_u64(h + 9, next_pos);
    if (flags & RS_REC_GTID) {
        if (g->flavor == GTID_FLAVOR_MYSQL) {
            memcpy(h + n, g->uuid, 16);
            rs_put_u64(h + n + 16, g->seq);
            n += 24;
        } else {
            rs_put_u32(h + n, g->domain);
            rs_put_u32(h + n + 4, g->server);
            rs_put_u64(h + n + 8, g->seq);
            n += 16;
        }
    }
    rs_put_u32(h + n, (uint32_t)len);
    n += 4;
    if (dm_buf_reserve(raw, n + len))
        return DM_ERR_NOMEM;
    dm_buf_append(raw, h, n);
    dm_buf_append(raw, ev, len);
    return 0;
}

int rs_seg_seal(rs_sealed *q, ZSTD_CCtx *cctx, int level, gtid_flavor flavor, const void *raw,
                size_t len, dm_err *err)
{
    size_t flen = strlen(q->file), bound = ZSTD_compressBound(len), clen;
    uint8_t *h;
    int rc = 0;
    dm_buf_reset(&q->value);
    if (dm_buf_reserve(&q->value, RS_SEG_HDR + flen + bound)) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "relay store: out of memory");
        goto done;
    }
    h = (uint8_t *)q->value.data;
    memset(h, 0, RS_SEG_HDR);
    memcpy(h, RS_SEG_MAGIC, 4);
    h[4] = RS_FORMAT_VERSION;
    h[5] = 1;
    h[6] = (uint8_t)flavor;
    h[7] = q->flags;
    rs_put_u64(h + 8, q->id);
    rs_put_u32(h + 16, q->epoch);
    rs_put_u32(h + 20, q->events);
    rs_put_u64(h + 24, q->first_pos);
    rs_put_u64(h + 32, q->end_pos);
    rs_put_u32(h + 40, (uint32_t)len);
    rs_put_u16(h + 48, (uint16_t)flen);
    memcpy(h + RS_SEG_HDR, q->file, flen);
    clen = ZSTD_compressCCtx(cctx, h + RS_SEG_HDR + flen, bound, raw, len, level);
    if (ZSTD_isError(clen)) {
        rc = dm_err_set(err, RELAY_STORE_ERR_ZSTD, DM_ERR_SCOPE_INTERNAL,
                        "relay store: compressing segment %llu: %s", (unsigned long long)q->id,
                        ZSTD_getErrorName(clen));
        goto done;
    }
    rs_put_u32(h + 44, (uint32_t)clen);
    q->value.len = RS_SEG_HDR + flen + clen;
    rs_put_u64(h + RS_SEG_CSUM_OFF, seg_checksum(h, flen + clen));
    q->raw_len = (uint32_t)len;
done:
    return rc;
}

int rs_segmeta_encode(dm_buf *out, const rs_sealed *q, uint32_t stored_len)
{
    uint8_t h[47];
    size_t flen = strlen(q->file);
    rs_put_u32(h, q->epoch);
    rs_put_u32(h + 4, q->fileno);
    rs_put_u64(h + 8, q->first_pos);
    rs_put_u64(h + 16, q->end_pos);
    rs_put_u32(h + 24, q->events);
    rs_put_u32(h + 28, q->raw_len);
    rs_put_u32(h + 32, stored_len);
    rs_put_u64(h + 36, (uint64_t)q->created);
    h[44] = q->flags;
    rs_put_u16(h + 45, (uint16_t)flen);
    dm_buf_reset(out);
    if (dm_buf_append(out, h, 47) || dm_buf_append(out, q->file, flen))
        return DM_ERR_NOMEM;
    rs_put_u32(h, (uint32_t)q->gtids.len);
    if (dm_buf_append(out, h, 4) || dm_buf_append(out, q->gtids.data, q->gtids.len))
        return DM_ERR_NOMEM;
    return 0;
}

int rs_segmeta_decode(rs_segmeta *out, const void *data, size_t len, uint64_t id, dm_err *err)
{
    const uint8_t *p = data;
    size_t flen;
    if (len < 51)
        goto bad;
    out->epoch = rs_get_u32(p);
    out->fileno = rs_get_u32(p + 4);
    out->first_pos = rs_get_u64(p + 8);
    out->end_pos = rs_get_u64(p + 16);
    out->events = rs_get_u32(p + 24);
    out->raw_len = rs_get_u32(p + 28);
    out->stored_len = rs_get_u32(p + 32);
    out->created = (int64_t)rs_get_u64(p + 36);
    out->flags = p[44];
    flen = rs_get_u16(p + 45);
    if (flen >= RELAY_STORE_FILE_MAX || 47 + flen + 4 > len)
        goto bad;
    memcpy(out->file, p + 47, flen);
    out->file[flen] = '\0';
    out->gtids_len = rs_get_u32(p + 47 + flen);
    out->gtids = p + 51 + flen;
    if (out->gtids_len != len - 51 - flen)
        goto bad;
    return 0;
bad:
    return dm_err_set(err, RELAY_STORE_ERR_CORRUPT, DM_ERR_SCOPE_INTERNAL,
                      "relay store: index record of segment %llu is malformed (%zu bytes)",
                      (unsigned long long)id, len);
}

// ---- iterator ---------------------------------------------------------------------------

static int corrupt(dm_err *err, const relay_store_segment_iter *it, const char *what)
{
    return dm_err_set(err, RELAY_STORE_ERR_CORRUPT, DM_ERR_SCOPE_INTERNAL,
                      "relay segment %llu (epoch %u, file %s): %s", (unsigned long long)it->id,
                      it->epoch, it->file[0] ? it->file : "?", what);
}

int relay_store_segment_iter_init(relay_store_segment_iter *it, const void *bytes, size_t len,
                                  dm_err *err)
{
    const uint8_t *h = bytes;
    size_t flen, clen, rlen, got;
    uint64_t sum;
    int rc = 0;
    dm_buf keep = it->raw; // an iterator may be re-initialised: keep its buffer
    memset(it, 0, sizeof(*it));
    it->raw = keep;
    dm_buf_reset(&it->raw);
    if (len < RS_SEG_HDR || memcmp(h, RS_SEG_MAGIC, 4) != 0) {
        rc = corrupt(err, it, "bad magic or truncated header");
        goto done;
    }
    it->id = rs_get_u64(h + 8);
    it->epoch = rs_get_u32(h + 16);
    flen = rs_get_u16(h + 48);
    clen = rs_get_u32(h + 44);
    rlen = rs_get_u32(h + 40);
    if (flen >= RELAY_STORE_FILE_MAX || len != RS_SEG_HDR + flen + clen) {
        rc = corrupt(err, it, "lengths in the header do not match the segment size");
        goto done;
    }
    sum = seg_checksum(h, flen + clen);
    if (sum != rs_get_u64(h + RS_SEG_CSUM_OFF)) {
        rc = corrupt(err, it, "checksum mismatch");
        dm_err_cause(err, "xxh64 stored %016llx, computed %016llx",
                     (unsigned long long)rs_get_u64(h + RS_SEG_CSUM_OFF),
                     (unsigned long long)sum);
        goto done;
    }
    memcpy(it->file, h + RS_SEG_HDR, flen);
    it->file[flen] = '\0';
    if (h[4] != RS_FORMAT_VERSION || h[5] != 1 ||
        (h[6] != GTID_FLAVOR_MYSQL && h[6] != GTID_FLAVOR_MARIADB)) {
        rc = corrupt(err, it, "unknown version, compression or flavour");
        goto done;
    }
    it->flavor = (gtid_flavor)h[6];
    it->in_trx = (h[7] & RS_SEG_F_MID_TRX) != 0;
    if (dm_buf_reserve(&it->raw, rlen)) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL,
                        "relay store: out of memory for a %zu-byte segment", rlen);
        goto done;
    }
    got = ZSTD_decompress(it->raw.data, rlen, h + RS_SEG_HDR + flen, clen);
    if (ZSTD_isError(got) || got != rlen) {
        rc = corrupt(err, it, "zstd frame does not decode to the recorded size");
        goto done;
    }
    it->raw.len = rlen;
done:
    if (rc)
        dm_buf_reset(&it->raw);
    return rc;
}

int relay_store_segment_iter_next(relay_store_event *out, relay_store_segment_iter *it,
                                  dm_err *err)
{
    const uint8_t *p = (const uint8_t *)it->raw.data + it->off;
    size_t left = it->raw.len - it->off, n = RS_REC_FIXED, evlen;
    uint8_t flags;
    if (left == 0)
        return RELAY_STORE_END;
    if (left < RS_REC_FIXED + 4)
        return corrupt(err, it, "truncated record");
    flags = p[0];
    memset(out, 0, sizeof(*out));
    out->pos = rs_get_u64(p + 1);
    out->next_pos = rs_get_u64(p + 9);
    if (flags & RS_REC_GTID) {
        size_t gl = gtid_rec_len(it->flavor);
        if (left < n + gl + 4)
            return corrupt(err, it, "truncated record GTID");
        memset(&it->cur_gtid, 0, sizeof(it->cur_gtid));
        it->cur_gtid.flavor = it->flavor;
        if (it->flavor == GTID_FLAVOR_MYSQL) {
            memcpy(it->cur_gtid.uuid, p + n, 16);
            it->cur_gtid.seq = rs_get_u64(p + n + 16);
        } else {
            it->cur_gtid.domain = rs_get_u32(p + n);
            it->cur_gtid.server = rs_get_u32(p + n + 4);
            it->cur_gtid.seq = rs_get_u64(p + n + 8);
        }
        it->has_cur_gtid = true;
        n += gl;
    } else if (!it->in_trx) {
        it->has_cur_gtid = false; // a transaction without GTID starts here
    }
    evlen = rs_get_u32(p + n);
    n += 4;
    if (evlen > left - n || evlen < RS_EV_HEADER || rs_get_u32(p + n + 9) != evlen)
        return corrupt(err, it, "record length does not match its event");
    out->data = p + n;
    out->len = evlen;
    out->epoch = it->epoch;
    out->file = it->file;
    out->trx_end = (flags & RS_REC_TRX_END) != 0;
    out->has_gtid = it->has_cur_gtid;
    if (out->has_gtid)
        out->gtid = it->cur_gtid;
    out->segment = it->id;
    it->in_trx = !out->trx_end;
    it->off += n + evlen;
    return 0;
}

void relay_store_segment_iter_fini(relay_store_segment_iter *it)
{
    if (it == NULL)
        return;
    dm_buf_fini(&it->raw);
}
