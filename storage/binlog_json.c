// binlog_json: MySQL binary JSON (the JSON column type's storage format) to JSON text, and
// partial-JSON diffs (PARTIAL_UPDATE_ROWS) to SQL.
//
// DESIGN: a recursive walk over the binary document that checks every offset, count and
// length against the bytes of its container before reading, with a depth limit, and
// writes the text form MySQL itself prints (", " and ": " separators). Opaque scalars are
// rendered as MySQL does: DECIMAL as a number, temporals as quoted strings with six
// fraction digits, other opaque types as "base64:typeNN:...".
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binlog.h"
#include "binlog_internal.h"

#define JSON_MAX_DEPTH 100

enum {
    JT_SMALL_OBJ = 0, JT_LARGE_OBJ, JT_SMALL_ARR, JT_LARGE_ARR, JT_LITERAL, JT_INT16, JT_UINT16,
    JT_INT32, JT_UINT32, JT_INT64, JT_UINT64, JT_DOUBLE, JT_STRING, JT_OPAQUE = 0x0F,
};

static int jfail(dm_err *err, const char *what)
{
    return binlog_fail(err, BINLOG_ERR_BAD_VALUE, "binary JSON: %s", what);
}

static int put_json_string(dm_buf *out, const uint8_t *s, size_t n)
{
    int rc = dm_buf_putc(out, '"');
    for (size_t i = 0; i < n && !rc; i++) {
        uint8_t c = s[i];
        switch (c) {
        case '"': rc = dm_buf_puts(out, "\\\""); break;
        case '\\': rc = dm_buf_puts(out, "\\\\"); break;
        case '\n': rc = dm_buf_puts(out, "\\n"); break;
        case '\r': rc = dm_buf_puts(out, "\\r"); break;
        case '\t': rc = dm_buf_puts(out, "\\t"); break;
        case '\b': rc = dm_buf_puts(out, "\\b"); break;
        case '\f': rc = dm_buf_puts(out, "\\f"); break;
        default:
            rc = c < 0x20 ? dm_buf_printf(out, "\\u%04x", c) : dm_buf_putc(out, (char)c);
        }
    }
    return rc ? rc : dm_buf_putc(out, '"');
}

// put_double appends the shortest text that reads back as the same double.
static int put_double(dm_buf *out, double d)
{
    char tmp[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    return dm_buf_puts(out, tmp);
}

// read_varlen reads the 7-bits-per-byte length of strings and opaque values.
static bool read_varlen(const uint8_t *p, size_t n, size_t *off, uint64_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < 5; i++) {
        if (*off >= n)
            return false;
        uint8_t c = p[(*off)++];
        v |= (uint64_t)(c & 0x7F) << (7 * i);
        if (!(c & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int put_base64(dm_buf *out, const uint8_t *p, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char q[4] = {b64[(v >> 18) & 63], b64[(v >> 12) & 63], i + 1 < n ? b64[(v >> 6) & 63] : '=',
                     i + 2 < n ? b64[v & 63] : '='};
        rc = dm_buf_append(out, q, 4);
    }
    return rc;
}

static int put_opaque(dm_buf *out, uint8_t ftype, const uint8_t *p, size_t n, dm_err *err)
{
    int rc;
    if (ftype == BINLOG_TYPE_NEWDECIMAL) {
        if (n < 2)
            return jfail(err, "opaque DECIMAL is truncated");
        size_t sz = binlog_decimal_size(p[0], p[1]);
        if (sz == 0 || sz != n - 2)
            return jfail(err, "opaque DECIMAL has a bad precision/scale/size");
        return binlog_decimal_to_text(out, p + 2, sz, p[0], p[1], err);
    }
    if (ftype == BINLOG_TYPE_DATE || ftype == BINLOG_TYPE_TIME || ftype == BINLOG_TYPE_DATETIME ||
        ftype == BINLOG_TYPE_TIMESTAMP || ftype == BINLOG_TYPE_DATETIME2 ||
        ftype == BINLOG_TYPE_TIMESTAMP2 || ftype == BINLOG_TYPE_TIME2) {
        if (n < 8)
            return jfail(err, "opaque temporal is truncated");
        int64_t packed = (int64_t)binlog_le(p, 8);
        bool neg = packed < 0;
        uint64_t a = neg ? (uint64_t)0 - (uint64_t)packed : (uint64_t)packed;
        uint32_t usec = (uint32_t)(a & 0xFFFFFF);
        uint64_t ip = a >> 24;
        if (usec > 999999)
            return jfail(err, "opaque temporal fraction is out of range");
        if (ftype == BINLOG_TYPE_TIME || ftype == BINLOG_TYPE_TIME2)
            return dm_buf_printf(out, "\"%s%02u:%02u:%02u.%06u\"", neg ? "-" : "",
                                 (unsigned)((ip >> 12) & 0x3FF), (unsigned)((ip >> 6) & 63),
                                 (unsigned)(ip & 63), usec);
        uint64_t ymd = ip >> 17, ym = ymd >> 5, hms = ip & 0x1FFFF;
        if (ftype == BINLOG_TYPE_DATE)
            return dm_buf_printf(out, "\"%04u-%02u-%02u\"", (unsigned)(ym / 13 % 10000),
                                 (unsigned)(ym % 13), (unsigned)(ymd & 31));
        return dm_buf_printf(out, "\"%04u-%02u-%02u %02u:%02u:%02u.%06u\"",
                             (unsigned)(ym / 13 % 10000), (unsigned)(ym % 13),
                             (unsigned)(ymd & 31), (unsigned)(hms >> 12),
                             (unsigned)((hms >> 6) & 63), (unsigned)(hms & 63), usec);
    }
    if ((rc = dm_buf_printf(out, "\"base64:type%u:", ftype)) || (rc = put_base64(out, p, n)))
        return rc;
    return dm_buf_putc(out, '"');
}

static int put_value(dm_buf *out, uint8_t type, const uint8_t *p, size_t n, int depth, dm_err *err);

// put_scalar_or_ref renders the value of an entry (type byte + inline value or offset) of a
// container spanning [base, base + size).
static int put_entry(dm_buf *out, const uint8_t *entry, bool large, const uint8_t *base, size_t size,
                     int depth, dm_err *err)
{
    uint8_t t = entry[0];
    const uint8_t *v = entry + 1;
    switch (t) {
    case JT_LITERAL:
        switch (v[0]) {
        case 0: return dm_buf_puts(out, "null");
        case 1: return dm_buf_puts(out, "true");
        case 2: return dm_buf_puts(out, "false");
        default: return jfail(err, "unknown literal");
        }
    case JT_INT16:
        return dm_buf_printf(out, "%d", (int16_t)binlog_le(v, 2));
    case JT_UINT16:
        return dm_buf_printf(out, "%u", (unsigned)binlog_le(v, 2));
    case JT_INT32:
        if (large)
            return dm_buf_printf(out, "%d", (int32_t)binlog_le(v, 4));
        break;
    case JT_UINT32:
        if (large)
            return dm_buf_printf(out, "%u", (uint32_t)binlog_le(v, 4));
        break;
    default:
        break;
    }
    uint64_t off = binlog_le(v, large ? 4 : 2);
    if (off >= size)
        return jfail(err, "value offset points outside its container");
    return put_value(out, t, base + off, size - (size_t)off, depth, err);
}

static int put_container(dm_buf *out, bool obj, bool large, const uint8_t *p, size_t n, int depth,
                         dm_err *err)
{
    unsigned w = large ? 4 : 2;
    int rc = 0;
    if (depth > JSON_MAX_DEPTH)
        return jfail(err, "nesting is deeper than 100");
    if (n < 2 * w)
        return jfail(err, "container header is truncated");
    uint64_t count = binlog_le(p, w), size = binlog_le(p + w, w);
    if (size > n || size < 2 * w)
        return jfail(err, "container size exceeds its bytes");
    uint64_t key_entries = obj ? count * (w + 2) : 0, val_entries = count * (1 + w);
    if (count > size || 2 * w + key_entries + val_entries > size)
        return jfail(err, "container entries exceed its size");
    if ((rc = dm_buf_putc(out, obj ? '{' : '[')))
        return rc;
    for (uint64_t i = 0; i < count; i++) {
        if (i && (rc = dm_buf_puts(out, ", ")))
            return rc;
        if (obj) {
            const uint8_t *ke = p + 2 * w + i * (w + 2);
            uint64_t koff = binlog_le(ke, w), klen = binlog_le(ke + w, 2);
            if (koff > size || klen > size - koff)
                return jfail(err, "key outside its object");
            if ((rc = put_json_string(out, p + koff, (size_t)klen)) || (rc = dm_buf_puts(out, ": ")))
                return rc;
        }
        const uint8_t *ve = p + 2 * w + key_entries + i * (1 + w);
        if ((rc = put_entry(out, ve, large, p, (size_t)size, depth + 1, err)))
            return rc;
    }
    return dm_buf_putc(out, obj ? '}' : ']');
}

static int put_value(dm_buf *out, uint8_t type, const uint8_t *p, size_t n, int depth, dm_err *err)
{
    size_t off = 0;
    uint64_t len;
    double d;
    switch (type) {
    case JT_SMALL_OBJ:
    case JT_LARGE_OBJ:
    case JT_SMALL_ARR:
    case JT_LARGE_ARR:
        return put_container(out, type <= JT_LARGE_OBJ, type == JT_LARGE_OBJ || type == JT_LARGE_ARR,
                             p, n, depth, err);
    case JT_LITERAL:
        if (n < 1)
            return jfail(err, "literal is truncated");
        {
            uint8_t e[5] = {JT_LITERAL, p[0], 0, 0, 0};
            return put_entry(out, e, false, p, n, depth, err);
        }
    case JT_INT16:
    case JT_UINT16:
        if (n < 2)
            return jfail(err, "int16 is truncated");
        return type == JT_INT16 ? dm_buf_printf(out, "%d", (int16_t)binlog_le(p, 2))
                                : dm_buf_printf(out, "%u", (unsigned)binlog_le(p, 2));
    case JT_INT32:
    case JT_UINT32:
        if (n < 4)
            return jfail(err, "int32 is truncated");
        return type == JT_INT32 ? dm_buf_printf(out, "%d", (int32_t)binlog_le(p, 4))
                                : dm_buf_printf(out, "%u", (uint32_t)binlog_le(p, 4));
    case JT_INT64:
    case JT_UINT64:
        if (n < 8)
            return jfail(err, "int64 is truncated");
        return type == JT_INT64 ? dm_buf_printf(out, "%lld", (long long)binlog_le(p, 8))
                                : dm_buf_printf(out, "%llu", (unsigned long long)binlog_le(p, 8));
    case JT_DOUBLE:
        if (n < 8)
            return jfail(err, "double is truncated");
        memcpy(&d, p, 8);
        return put_double(out, d);
    case JT_STRING:
        if (!read_varlen(p, n, &off, &len) || len > n - off)
            return jfail(err, "string is truncated");
        return put_json_string(out, p + off, (size_t)len);
    case JT_OPAQUE:
        if (n < 1)
            return jfail(err, "opaque is truncated");
        off = 1;
        if (!read_varlen(p, n, &off, &len) || len > n - off)
            return jfail(err, "opaque value is truncated");
        return put_opaque(out, p[0], p + off, (size_t)len, err);
    default:
        return jfail(err, "unknown value type");
    }
}

int binlog_json_to_text(dm_buf *out, const void *data, size_t len, dm_err *err)
{
    const uint8_t *p = data;
    if (len < 1)
        return jfail(err, "empty document");
    int rc = put_value(out, p[0], p + 1, len - 1, 0, err);
    if (rc == DM_ERR_NOMEM)
        return binlog_fail(err, DM_ERR_NOMEM, "binary JSON: out of memory");
    return rc;
}

// put_sql_text appends s as a utf8mb4 SQL string that survives any sql_mode.
static int put_sql_text(dm_buf *out, const char *s, size_t n)
{
    int rc = dm_buf_puts(out, "_utf8mb4 0x");
    for (size_t i = 0; i < n && !rc; i++)
        rc = dm_buf_printf(out, "%02x", (uint8_t)s[i]);
    return rc;
}

int binlog_json_diff_to_sql(dm_buf *out, const binlog_value *v, const char *col_sql, dm_err *err)
{
    dm_buf expr, tmp;
    int rc = 0;
    dm_buf_init(&expr);
    dm_buf_init(&tmp);
    if (v->kind != BINLOG_VALUE_JSON_DIFF) {
        rc = binlog_fail(err, DM_ERR_INVALID_ARG, "value is not a partial-JSON diff");
        goto done;
    }
    if ((rc = dm_buf_puts(&expr, col_sql)))
        goto nomem;
    br r = br_make(v->str.ptr, v->str.len);
    if (br_left(&r) == 0) {
        rc = binlog_fail(err, BINLOG_ERR_BAD_VALUE, "partial JSON: no diff");
        goto done;
    }
    while (br_left(&r) > 0) {
        uint8_t op;
        uint64_t plen, vlen = 0;
        const uint8_t *path, *val = NULL;
        br_u8(&r, &op);
        if (op > 2 || !br_lenenc(&r, &plen) || plen > br_left(&r) ||
            !br_bytes(&r, (size_t)plen, &path) ||
            (op != 2 && (!br_lenenc(&r, &vlen) || vlen > br_left(&r) ||
                         !br_bytes(&r, (size_t)vlen, &val)))) {
            rc = binlog_fail(err, BINLOG_ERR_BAD_VALUE,
                             "partial JSON: diff at offset %zu is malformed or truncated", r.off);
            goto done;
        }
        const char *fn = op == 0 ? "JSON_REPLACE" : op == 2 ? "JSON_REMOVE"
                       : (plen > 0 && path[plen - 1] == ']') ? "JSON_ARRAY_INSERT" : "JSON_INSERT";
        dm_buf_reset(&tmp);
        if ((rc = dm_buf_printf(&tmp, "%s(", fn)) || (rc = dm_buf_append(&tmp, expr.data, expr.len)) ||
            (rc = dm_buf_puts(&tmp, ", ")) || (rc = put_sql_text(&tmp, (const char *)path, (size_t)plen)))
            goto nomem;
        if (op != 2) {
            dm_buf js;
            dm_buf_init(&js);
            rc = binlog_json_to_text(&js, val, (size_t)vlen, err);
            if (!rc && ((rc = dm_buf_puts(&tmp, ", CAST(")) ||
                        (rc = put_sql_text(&tmp, js.data, js.len)) ||
                        (rc = dm_buf_puts(&tmp, " AS JSON)"))))
                rc = DM_ERR_NOMEM;
            dm_buf_fini(&js);
            if (rc == DM_ERR_NOMEM)
                goto nomem;
            if (rc)
                goto done;
        }
        if ((rc = dm_buf_putc(&tmp, ')')))
            goto nomem;
        dm_buf_reset(&expr);
        if ((rc = dm_buf_append(&expr, tmp.data, tmp.len)))
            goto nomem;
    }
    if ((rc = dm_buf_append(out, expr.data, expr.len)))
        goto nomem;
    goto done;
nomem:
    rc = binlog_fail(err, DM_ERR_NOMEM, "partial JSON: out of memory");
done:
    dm_buf_fini(&expr);
    dm_buf_fini(&tmp);
    return rc;
}
