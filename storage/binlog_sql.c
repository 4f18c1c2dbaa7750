// binlog_sql: rendering decoded values as SQL literals for the applier's DML.
//
// DESIGN: a literal must give back exactly the upstream value whatever the session's
// sql_mode, so backslash escapes are never used: text is quoted only when it is valid
// UTF-8 in a UTF-8 collation and has no backslash or control byte (quotes are doubled);
// any other text is a `_utf8mb4 0x..` literal (a utf8mb4 string that JSON columns accept
// too), and bytes of a binary or unknown charset are a plain `0x..` literal, which the
// server stores byte for byte. Numbers are exact: decimals as decoded, floats as the
// shortest text that reads back to the same value.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binlog.h"
#include "binlog_internal.h"

// utf8_collation: collation ids of utf8mb3/utf8mb4 (MySQL and MariaDB).
static bool utf8_collation(uint32_t id)
{
    return id == 33 || id == 83 || (id >= 192 && id <= 215) || id == 223 || id == 45 ||
           id == 46 || (id >= 224 && id <= 247) || (id >= 255 && id <= 323) ||
           (id >= 576 && id <= 578) || (id >= 608 && id <= 610);
}

static bool valid_utf8_printable(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7F || c == '\\')
                return false;
            i++;
            continue;
        }
        size_t k;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0)
            k = 1, cp = c & 0x1F;
        else if ((c & 0xF0) == 0xE0)
            k = 2, cp = c & 0x0F;
        else if ((c & 0xF8) == 0xF0)
            k = 3, cp = c & 0x07;
        else
            return false;
        if (n - i <= k)
            return false;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += k + 1;
    }
    return true;
}

static bool is_ascii(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 0x80)
            return false;
    return true;
}

static int put_hex(dm_buf *out, const char *prefix, const uint8_t *s, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    if (n == 0)
        return dm_buf_puts(out, "''"); // 0x with no digits is not valid SQL
    int rc = dm_buf_puts(out, prefix);
    if (!rc)
        rc = dm_buf_reserve(out, 2 * n);
    for (size_t i = 0; i < n && !rc; i++) {
        out->data[out->len++] = hx[s[i] >> 4];
        out->data[out->len++] = hx[s[i] & 15];
    }
    if (!rc)
        out->data[out->len] = '\0';
    return rc;
}

static int put_text(dm_buf *out, const uint8_t *s, size_t n, bool utf8)
{
    if (!utf8)
        return put_hex(out, "0x", s, n);
    if (!valid_utf8_printable(s, n))
        return put_hex(out, "_utf8mb4 0x", s, n);
    int rc = dm_buf_reserve(out, 2 * n + 2);
    if (rc)
        return rc;
    char *p = out->data + out->len;
    *p++ = '\'';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'')
            *p++ = '\'';
        *p++ = (char)s[i];
    }
    *p++ = '\'';
    out->len = (size_t)(p - out->data);
    out->data[out->len] = '\0';
    return 0;
}

static int put_float(dm_buf *out, double d, bool single)
{
    char tmp[40];
    if (single) {
        float f = (float)d;
        for (int prec = 6; prec <= 9; prec++) {
            snprintf(tmp, sizeof tmp, "%.*g", prec, (double)f);
            if (strtof(tmp, NULL) == f)
                break;
        }
    } else {
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(tmp, sizeof tmp, "%.*g", prec, d);
            if (strtod(tmp, NULL) == d)
                break;
        }
    }
    return dm_buf_puts(out, tmp);
}

// fmt_uint writes v in decimal, zero-padded to at least width digits, and returns the end.
// The applier renders every value of every row, so this avoids printf on the hot path.
static char *fmt_uint(char *p, uint64_t v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        tmp[n++] = '0';
    while (n)
        *p++ = tmp[--n];
    return p;
}

static int put_int(dm_buf *out, int64_t v)
{
    char buf[24], *p = buf;
    if (v < 0) {
        *p++ = '-';
        p = fmt_uint(p, (uint64_t)0 - (uint64_t)v, 1);
    } else {
        p = fmt_uint(p, (uint64_t)v, 1);
    }
    return dm_buf_append(out, buf, (size_t)(p - buf));
}

static int put_uint(dm_buf *out, uint64_t v)
{
    char buf[24];
    return dm_buf_append(out, buf, (size_t)(fmt_uint(buf, v, 1) - buf));
}

static int put_temporal(dm_buf *out, const binlog_temporal *t)
{
    static const uint32_t div[7] = {1000000, 100000, 10000, 1000, 100, 10, 1};
    char buf[64], *p = buf;
    if (t->kind == BINLOG_TEMPORAL_YEAR)
        return put_uint(out, t->year);
    *p++ = '\'';
    if (t->kind == BINLOG_TEMPORAL_TIME) {
        if (t->negative)
            *p++ = '-';
        p = fmt_uint(p, t->hour, 2);
    } else {
        p = fmt_uint(p, t->year, 4);
        *p++ = '-';
        p = fmt_uint(p, t->month, 2);
        *p++ = '-';
        p = fmt_uint(p, t->day, 2);
        if (t->kind == BINLOG_TEMPORAL_DATE) {
            *p++ = '\'';
            return dm_buf_append(out, buf, (size_t)(p - buf));
        }
        *p++ = ' ';
        p = fmt_uint(p, t->hour, 2);
    }
    *p++ = ':';
    p = fmt_uint(p, t->minute, 2);
    *p++ = ':';
    p = fmt_uint(p, t->second, 2);
    if (t->fsp) {
        unsigned fsp = t->fsp > 6 ? 6 : t->fsp;
        *p++ = '.';
        p = fmt_uint(p, t->usec / div[fsp] % 1000000, (int)fsp);
    }
    *p++ = '\'';
    return dm_buf_append(out, buf, (size_t)(p - buf));
}

int binlog_value_to_sql(dm_buf *out, const binlog_value *v, const binlog_column *col, dm_err *err)
{
    int rc;
    switch (v->kind) {
    case BINLOG_VALUE_NULL:
        rc = dm_buf_puts(out, "NULL");
        break;
    case BINLOG_VALUE_INT:
        rc = put_int(out, v->i);
        break;
    case BINLOG_VALUE_UINT:
    case BINLOG_VALUE_BIT:
    case BINLOG_VALUE_SET:
        rc = put_uint(out, v->u);
        break;
    case BINLOG_VALUE_ENUM:
        // By name when the name reads the same in the connection's utf8mb4: a UTF-8
        // collation, or plain ASCII; otherwise by index, which is exact too.
        if (col && v->u >= 1 && v->u <= col->n_values &&
            (utf8_collation(col->charset) ||
             is_ascii((const uint8_t *)col->values[v->u - 1].ptr, col->values[v->u - 1].len)))
            rc = put_text(out, (const uint8_t *)col->values[v->u - 1].ptr,
                          col->values[v->u - 1].len, true);
        else
            rc = put_uint(out, v->u);
        break;
    case BINLOG_VALUE_FLOAT:
    case BINLOG_VALUE_DOUBLE:
        rc = put_float(out, v->d, v->kind == BINLOG_VALUE_FLOAT);
        break;
    case BINLOG_VALUE_DECIMAL:
        rc = dm_buf_append(out, v->str.ptr, v->str.len);
        break;
    case BINLOG_VALUE_TEMPORAL:
        rc = put_temporal(out, &v->t);
        break;
    case BINLOG_VALUE_STRING:
        rc = put_text(out, (const uint8_t *)v->str.ptr, v->str.len,
                      v->charset != BINLOG_CHARSET_BINARY && utf8_collation(v->charset));
        break;
    case BINLOG_VALUE_JSON:
        rc = put_text(out, (const uint8_t *)v->str.ptr, v->str.len, true);
        break;
    case BINLOG_VALUE_GEOMETRY:
        rc = put_hex(out, "0x", (const uint8_t *)v->str.ptr, v->str.len);
        break;
    default:
        return binlog_fail(err, DM_ERR_INVALID_ARG,
                           "value of kind %d has no SQL literal (absent column or JSON diff)",
                           (int)v->kind);
    }
    if (rc)
        return binlog_fail(err, DM_ERR_NOMEM, "out of memory rendering a SQL literal");
    return 0;
}
