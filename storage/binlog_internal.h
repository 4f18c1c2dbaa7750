// binlog_internal: the bounded reader shared by the binlog_*.c files (not a public header).
#ifndef BINLOG_INTERNAL_H
#define BINLOG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "binlog.h"

// br is a cursor over untrusted bytes: every read checks the remaining length first.
typedef struct br {
    const uint8_t *p;
    size_t len;
    size_t off;
} br;

static inline br br_make(const void *p, size_t len)
{
    br r = {(const uint8_t *)p, len, 0};
    return r;
}
static inline size_t br_left(const br *r) { return r->len - r->off; }
static inline bool br_has(const br *r, size_t n) { return n <= r->len - r->off; }
static inline const uint8_t *br_cur(const br *r) { return r->p + r->off; }

static inline uint64_t binlog_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i > 0; i--)
        v = (v << 8) | p[i - 1];
    return v;
}
static inline uint64_t binlog_be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

// br_uint reads an n-byte LE unsigned integer; false when fewer than n bytes remain.
static inline bool br_uint(br *r, unsigned n, uint64_t *v)
{
    if (!br_has(r, n))
        return false;
    *v = binlog_le(br_cur(r), n);
    r->off += n;
    return true;
}
static inline bool br_u8(br *r, uint8_t *v)
{
    uint64_t x;
    if (!br_uint(r, 1, &x))
        return false;
    *v = (uint8_t)x;
    return true;
}
static inline bool br_u16(br *r, uint16_t *v)
{
    uint64_t x;
    if (!br_uint(r, 2, &x))
        return false;
    *v = (uint16_t)x;
    return true;
}
static inline bool br_u32(br *r, uint32_t *v)
{
    uint64_t x;
    if (!br_uint(r, 4, &x))
        return false;
    *v = (uint32_t)x;
    return true;
}
static inline bool br_u64(br *r, uint64_t *v) { return br_uint(r, 8, v); }
static inline bool br_skip(br *r, size_t n)
{
    if (!br_has(r, n))
        return false;
    r->off += n;
    return true;
}
static inline bool br_bytes(br *r, size_t n, const uint8_t **out)
{
    if (!br_has(r, n))
        return false;
    *out = br_cur(r);
    r->off += n;
    return true;
}
// br_lenenc reads a MySQL length-encoded integer (0xFB and 0xFF are invalid here).
static inline bool br_lenenc(br *r, uint64_t *v)
{
    uint8_t c;
    if (!br_u8(r, &c))
        return false;
    if (c < 0xFB) {
        *v = c;
        return true;
    }
    switch (c) {
    case 0xFC:
        return br_uint(r, 2, v);
    case 0xFD:
        return br_uint(r, 3, v);
    case 0xFE:
        return br_uint(r, 8, v);
    default:
        return false;
    }
}

// binlog_fail records a decoding error with the upstream scope and returns code.
int binlog_fail(dm_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

// binlog_where formats "TYPE event at position P" (or "TYPE event") into buf for messages.
const char *binlog_where(char *buf, size_t size, const binlog_event *ev);

// binlog_inflate_block inflates a MariaDB compressed block (header byte, big-endian length,
// zlib stream) from data into scratch (appended). what names the event for messages.
int binlog_inflate_block(dm_buf *scratch, const uint8_t *data, size_t len, const char *what,
                         size_t *consumed, dm_err *err);

// binlog_bitmap_bit is bit i of an LSB-first bitmap.
static inline bool binlog_bitmap_bit(const uint8_t *bm, size_t i)
{
    return (bm[i >> 3] >> (i & 7)) & 1;
}
static inline size_t binlog_bitmap_len(size_t n) { return (n + 7) / 8; }

// binlog_decimal_size returns the stored size of NEWDECIMAL(p, s), 0 when p/s are invalid.
size_t binlog_decimal_size(unsigned precision, unsigned scale);
// binlog_decimal_to_text appends the exact text of a binary decimal (size bytes at data).
int binlog_decimal_to_text(dm_buf *out, const uint8_t *data, size_t size, unsigned precision,
                           unsigned scale, dm_err *err);

#endif
