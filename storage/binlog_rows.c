// binlog_rows: TABLE_MAP, ROWS events and the typed values of row images.
//
// DESIGN: a table map is decoded once into a self-contained object (it copies the event
// bytes it points into, since the applier keeps maps across many events). Column metadata
// is normalised per type (max length, pack length, precision/scale, fsp, bit width) and
// validated there, so the row decoder can trust it: decimal precision/scale limits, fsp
// <= 6, bit width <= 64, pack lengths 1..4. A rows event is decoded into a light view
// (header, bitmaps, row data; compressed MariaDB rows are inflated into the caller's
// scratch buffer), and binlog_rows_next walks one row at a time with the table map,
// bounding every value by the remaining bytes. Values point into the event bytes, except
// decimal and JSON text, which are rendered into the row's own buffer and linked once the
// row is complete (the buffer may move while it grows).
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "binlog.h"
#include "binlog_internal.h"

#define DECIMAL_MAX_PRECISION 65
#define DECIMAL_MAX_SCALE 38

// is_numeric: the column types with a bit in SIGNEDNESS. MariaDB 10.11 counts YEAR (a
// signed BIGINT after a YEAR column read as unsigned otherwise; found by
// test_row_expr_mariadb.sh), as go-mysql does for MySQL; the shared reference's list omits
// it, the server wins. Old DECIMAL is counted as go-mysql does.
static bool is_numeric(uint8_t t)
{
    switch (t) {
    case BINLOG_TYPE_DECIMAL:
    case BINLOG_TYPE_YEAR:
    case BINLOG_TYPE_TINY:
    case BINLOG_TYPE_SHORT:
    case BINLOG_TYPE_INT24:
    case BINLOG_TYPE_LONG:
    case BINLOG_TYPE_LONGLONG:
    case BINLOG_TYPE_NEWDECIMAL:
    case BINLOG_TYPE_FLOAT:
    case BINLOG_TYPE_DOUBLE:
        return true;
    default:
        return false;
    }
}

// is_character: the columns DEFAULT_CHARSET / COLUMN_CHARSET count (real types). MariaDB's
// writer also counts GEOMETRY (checked against a 10.11 server).
static bool is_character(const binlog_column *c, binlog_flavor flavor)
{
    switch (c->real_type) {
    case BINLOG_TYPE_STRING:
    case BINLOG_TYPE_VAR_STRING:
    case BINLOG_TYPE_VARCHAR:
    case BINLOG_TYPE_BLOB:
        return true;
    case BINLOG_TYPE_GEOMETRY:
        return flavor == BINLOG_FLAVOR_MARIADB;
    default:
        return false;
    }
}

static bool is_enum_set(const binlog_column *c)
{
    return c->real_type == BINLOG_TYPE_ENUM || c->real_type == BINLOG_TYPE_SET;
}

static const uint8_t dig2bytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

size_t binlog_decimal_size(unsigned precision, unsigned scale)
{
    if (precision == 0 || precision > DECIMAL_MAX_PRECISION || scale > DECIMAL_MAX_SCALE ||
        scale > precision)
        return 0;
    unsigned intg = precision - scale;
    return (intg / 9) * 4 + dig2bytes[intg % 9] + (scale / 9) * 4 + dig2bytes[scale % 9];
}

int binlog_decimal_to_text(dm_buf *out, const uint8_t *data, size_t size, unsigned precision,
                           unsigned scale, dm_err *err)
{
    uint8_t b[40];
    static const uint32_t pow10[10] = {1,      10,      100,      1000,      10000,
                                       100000, 1000000, 10000000, 100000000, 1000000000};
    size_t want = binlog_decimal_size(precision, scale);
    if (want == 0 || want != size || size > sizeof b)
        return binlog_fail(err, BINLOG_ERR_BAD_VALUE, "DECIMAL(%u,%u): invalid precision/scale",
                           precision, scale);
    memcpy(b, data, size);
    uint8_t mask = (b[0] & 0x80) ? 0 : 0xFF;
    b[0] ^= 0x80;
    unsigned intg = precision - scale;
    unsigned groups_i = intg / 9, rem_i = intg % 9, groups_f = scale / 9, rem_f = scale % 9;
    char digits[DECIMAL_MAX_PRECISION + 8];
    size_t nd = 0, pos = 0;
    // Integer part: leading partial group then full groups, printed zero-padded and the
    // leading zeros dropped at the end.
    struct {
        unsigned bytes, ndig;
    } parts[16];
    size_t np = 0;
    if (rem_i)
        parts[np].bytes = dig2bytes[rem_i], parts[np++].ndig = rem_i;
    for (unsigned i = 0; i < groups_i; i++)
        parts[np].bytes = 4, parts[np++].ndig = 9;
    size_t int_parts = np;
    for (unsigned i = 0; i < groups_f; i++)
        parts[np].bytes = 4, parts[np++].ndig = 9;
    if (rem_f)
        parts[np].bytes = dig2bytes[rem_f], parts[np++].ndig = rem_f;
    size_t int_digits = 0;
    for (size_t k = 0; k < np; k++) {
        uint32_t v = 0;
        for (unsigned j = 0; j < parts[k].bytes; j++)
            v = (v << 8) | (uint8_t)(b[pos++] ^ mask);
        if (v >= pow10[parts[k].ndig])
            return binlog_fail(err, BINLOG_ERR_BAD_VALUE,
                               "DECIMAL(%u,%u): digit group %u out of range", precision, scale, v);
        for (unsigned j = parts[k].ndig; j > 0; j--)
            digits[nd++] = (char)('0' + (v / pow10[j - 1]) % 10);
        if (k + 1 == int_parts)
            int_digits = nd;
    }
    if (int_parts == 0)
        int_digits = 0;
    size_t first = 0;
    while (first + 1 < int_digits && digits[first] == '0')
        first++;
    bool zero = true;
    for (size_t k = 0; k < nd; k++)
        if (digits[k] != '0')
            zero = false;
    int rc = 0;
    if (mask && !zero)
        rc |= dm_buf_putc(out, '-');
    if (int_digits == 0)
        rc |= dm_buf_putc(out, '0');
    else
        rc |= dm_buf_append(out, digits + first, int_digits - first);
    if (scale) {
        rc |= dm_buf_putc(out, '.');
        rc |= dm_buf_append(out, digits + int_digits, nd - int_digits);
    }
    if (rc)
        return binlog_fail(err, DM_ERR_NOMEM, "DECIMAL: out of memory");
    return 0;
}

// ---------------------------------------------------------------------------------------
// Table map

static int tm_fail(const binlog_event *ev, dm_err *err, int code, const char *what)
{
    char where_buf[128];
    return binlog_fail(err, code, "%s: %s", binlog_where(where_buf, sizeof where_buf, ev), what);
}

// column_meta reads the metadata of column c from r and normalises it.
static int column_meta(binlog_column *c, br *r, const binlog_event *ev, uint32_t idx, dm_err *err)
{
    char where_buf[128];
    uint8_t a = 0, b = 0;
    uint16_t m = 0;
    c->real_type = c->type;
    switch (c->type) {
    case BINLOG_TYPE_FLOAT:
    case BINLOG_TYPE_DOUBLE:
    case BINLOG_TYPE_BLOB:
    case BINLOG_TYPE_BLOB_COMPRESSED:
    case BINLOG_TYPE_GEOMETRY:
    case BINLOG_TYPE_JSON:
    case BINLOG_TYPE_TIMESTAMP2:
    case BINLOG_TYPE_DATETIME2:
    case BINLOG_TYPE_TIME2:
        if (!br_u8(r, &a))
            goto short_meta;
        c->meta = a;
        break;
    case BINLOG_TYPE_VARCHAR:
    case BINLOG_TYPE_VARCHAR_COMPRESSED:
    case BINLOG_TYPE_VAR_STRING:
        if (!br_u16(r, &m))
            goto short_meta;
        c->meta = m;
        break;
    case BINLOG_TYPE_BIT:
    case BINLOG_TYPE_NEWDECIMAL:
    case BINLOG_TYPE_STRING:
    case BINLOG_TYPE_ENUM:
    case BINLOG_TYPE_SET:
        // Two bytes in written order (not a LE integer): see each case below.
        if (!br_u8(r, &a) || !br_u8(r, &b))
            goto short_meta;
        c->meta = (uint16_t)(a << 8 | b);
        break;
    case BINLOG_TYPE_TYPED_ARRAY: {
        // Element type then its own metadata; not decodable as row values.
        uint8_t et;
        if (!br_u8(r, &et))
            goto short_meta;
        binlog_column inner = {.type = et};
        if (et == BINLOG_TYPE_TYPED_ARRAY)
            return binlog_fail(err, BINLOG_ERR_BAD_EVENT, "%s: nested TYPED_ARRAY at column %u",
                               binlog_where(where_buf, sizeof where_buf, ev), idx);
        return column_meta(&inner, r, ev, idx, err);
    }
    default:
        break;
    }
    switch (c->type) {
    case BINLOG_TYPE_FLOAT:
    case BINLOG_TYPE_DOUBLE:
        c->pack_len = a;
        if (a != (c->type == BINLOG_TYPE_FLOAT ? 4 : 8))
            goto bad_meta;
        break;
    case BINLOG_TYPE_BLOB:
    case BINLOG_TYPE_BLOB_COMPRESSED:
    case BINLOG_TYPE_GEOMETRY:
    case BINLOG_TYPE_JSON:
        c->pack_len = a;
        if (a < 1 || a > 4)
            goto bad_meta;
        break;
    case BINLOG_TYPE_TIMESTAMP2:
    case BINLOG_TYPE_DATETIME2:
    case BINLOG_TYPE_TIME2:
        c->fsp = a;
        if (a > 6)
            goto bad_meta;
        break;
    case BINLOG_TYPE_VARCHAR:
    case BINLOG_TYPE_VARCHAR_COMPRESSED:
    case BINLOG_TYPE_VAR_STRING:
        c->max_len = m;
        break;
    case BINLOG_TYPE_BIT:
        // byte0 = bits % 8, byte1 = bits / 8
        if (a > 7 || b > 8 || (b == 8 && a != 0) || (a == 0 && b == 0))
            goto bad_meta;
        c->bits = (uint16_t)(b * 8 + a);
        break;
    case BINLOG_TYPE_NEWDECIMAL:
        c->precision = a;
        c->scale = b;
        if (binlog_decimal_size(a, b) == 0)
            return binlog_fail(err, BINLOG_ERR_BAD_EVENT,
                               "%s: column %u DECIMAL(%u,%u) is outside precision 1..65, "
                               "scale 0..38 <= precision",
                               binlog_where(where_buf, sizeof where_buf, ev), idx, a, b);
        break;
    case BINLOG_TYPE_STRING:
    case BINLOG_TYPE_ENUM:
    case BINLOG_TYPE_SET:
        // byte0 = real_type ^ ((len & 0x300) >> 4), byte1 = len & 0xFF
        if ((a & 0x30) != 0x30) {
            c->real_type = (uint8_t)(a | 0x30);
            c->max_len = (uint32_t)b | ((uint32_t)((a & 0x30) ^ 0x30) << 4);
        } else {
            c->real_type = a;
            c->max_len = b;
        }
        if (c->real_type == BINLOG_TYPE_ENUM || c->real_type == BINLOG_TYPE_SET) {
            c->pack_len = b;
            c->max_len = 0;
            if (b < 1 || b > (c->real_type == BINLOG_TYPE_ENUM ? 2 : 8))
                goto bad_meta;
        } else if (c->real_type != BINLOG_TYPE_STRING) {
            goto bad_meta;
        }
        break;
    default:
        break;
    }
    return 0;
short_meta:
    return binlog_fail(err, BINLOG_ERR_TRUNCATED,
                       "%s: metadata block ends inside column %u's metadata (type %u)",
                       binlog_where(where_buf, sizeof where_buf, ev), idx, c->type);
bad_meta:
    return binlog_fail(err, BINLOG_ERR_BAD_EVENT,
                       "%s: column %u (type %u) has invalid metadata 0x%04x",
                       binlog_where(where_buf, sizeof where_buf, ev), idx, c->type, c->meta);
}

// nth_of: index of the n-th column (0-based) matching pred, or -1.
typedef bool (*col_pred)(const binlog_column *c, binlog_flavor f);
static bool pred_numeric(const binlog_column *c, binlog_flavor f)
{
    (void)f;
    return is_numeric(c->real_type);
}
static bool pred_char(const binlog_column *c, binlog_flavor f) { return is_character(c, f); }
static bool pred_enum_set(const binlog_column *c, binlog_flavor f)
{
    (void)f;
    return is_enum_set(c);
}
static bool pred_set(const binlog_column *c, binlog_flavor f)
{
    (void)f;
    return c->real_type == BINLOG_TYPE_SET;
}
static bool pred_enum(const binlog_column *c, binlog_flavor f)
{
    (void)f;
    return c->real_type == BINLOG_TYPE_ENUM;
}
static bool pred_geom(const binlog_column *c, binlog_flavor f)
{
    (void)f;
    return c->real_type == BINLOG_TYPE_GEOMETRY;
}

// next_of advances *i to the next column matching pred; false at the end.
static bool next_of(binlog_table_map *m, col_pred pred, binlog_flavor f, uint32_t *i)
{
    while (*i < m->column_count && !pred(&m->columns[*i], f))
        (*i)++;
    return *i < m->column_count;
}

static int charset_tlv(binlog_table_map *m, br *v, bool is_default, col_pred pred, binlog_flavor f,
                       const binlog_event *ev, dm_err *err)
{
    uint64_t x, idx;
    if (is_default) {
        if (!br_lenenc(v, &x))
            return tm_fail(ev, err, BINLOG_ERR_TRUNCATED, "DEFAULT_CHARSET metadata is truncated");
        for (uint32_t i = 0; i < m->column_count; i++)
            if (pred(&m->columns[i], f))
                m->columns[i].charset = (uint32_t)x;
        while (br_left(v) > 0) {
            if (!br_lenenc(v, &idx) || !br_lenenc(v, &x))
                return tm_fail(ev, err, BINLOG_ERR_TRUNCATED,
                               "DEFAULT_CHARSET metadata pair is truncated");
            uint32_t i = 0;
            uint64_t k = 0;
            while (next_of(m, pred, f, &i) && k < idx) {
                i++;
                k++;
            }
            if (i >= m->column_count)
                return tm_fail(ev, err, BINLOG_ERR_BAD_EVENT,
                               "DEFAULT_CHARSET metadata names a column past the last one");
            m->columns[i].charset = (uint32_t)x;
        }
        return 0;
    }
    uint32_t i = 0;
    while (br_left(v) > 0) {
        if (!br_lenenc(v, &x))
            return tm_fail(ev, err, BINLOG_ERR_TRUNCATED, "COLUMN_CHARSET metadata is truncated");
        if (!next_of(m, pred, f, &i))
            return tm_fail(ev, err, BINLOG_ERR_BAD_EVENT,
                           "COLUMN_CHARSET metadata has more entries than character columns");
        m->columns[i++].charset = (uint32_t)x;
    }
    return 0;
}

static int str_values_tlv(binlog_table_map *m, br *v, col_pred pred, const binlog_event *ev,
                          dm_err *err)
{
    uint32_t i = 0;
    while (br_left(v) > 0) {
        uint64_t n, len;
        if (!br_lenenc(v, &n) || n > br_left(v))
            return tm_fail(ev, err, BINLOG_ERR_TRUNCATED, "ENUM/SET value list is truncated");
        if (!next_of(m, pred, 0, &i))
            return tm_fail(ev, err, BINLOG_ERR_BAD_EVENT,
                           "ENUM/SET value lists outnumber the ENUM/SET columns");
        binlog_column *c = &m->columns[i++];
        free(c->values);
        c->values = n ? calloc((size_t)n, sizeof *c->values) : NULL;
        c->n_values = 0;
        if (n && !c->values)
            return tm_fail(ev, err, DM_ERR_NOMEM, "out of memory for ENUM/SET values");
        for (uint64_t k = 0; k < n; k++) {
            const uint8_t *p;
            if (!br_lenenc(v, &len) || len > br_left(v) || !br_bytes(v, (size_t)len, &p))
                return tm_fail(ev, err, BINLOG_ERR_TRUNCATED, "ENUM/SET value is truncated");
            c->values[k].ptr = (const char *)p;
            c->values[k].len = (size_t)len;
            c->n_values = (uint32_t)k + 1;
        }
    }
    return 0;
}

static int optional_metadata(binlog_table_map *m, br *r, binlog_flavor f, const binlog_event *ev,
                             dm_err *err)
{
    int rc;
    while (br_left(r) > 0) {
        uint8_t type;
        uint64_t len;
        const uint8_t *p;
        br_u8(r, &type);
        if (!br_lenenc(r, &len) || len > br_left(r) || !br_bytes(r, (size_t)len, &p))
            return tm_fail(ev, err, BINLOG_ERR_TRUNCATED,
                           "optional metadata field runs past the event");
        br v = br_make(p, (size_t)len);
        uint64_t x;
        switch (type) {
        case 1: { // SIGNEDNESS, MSB-first over numeric columns
            uint32_t i = 0, k = 0;
            while (next_of(m, pred_numeric, f, &i)) {
                if ((k >> 3) >= len)
                    return tm_fail(ev, err, BINLOG_ERR_TRUNCATED,
                                   "SIGNEDNESS bitmap is shorter than the numeric columns");
                m->columns[i++].is_unsigned = (p[k >> 3] >> (7 - (k & 7))) & 1;
                k++;
            }
            m->has_signedness = true;
            break;
        }
        case 2:
        case 3:
            if ((rc = charset_tlv(m, &v, type == 2, pred_char, f, ev, err)))
                return rc;
            m->has_charsets = true;
            break;
        case 10:
        case 11:
            if ((rc = charset_tlv(m, &v, type == 10, pred_enum_set, f, ev, err)))
                return rc;
            break;
        case 4: { // COLUMN_NAME
            uint32_t i = 0;
            while (br_left(&v) > 0) {
                uint8_t n;
                const uint8_t *s;
                if (!br_u8(&v, &n) || !br_bytes(&v, n, &s))
                    return tm_fail(ev, err, BINLOG_ERR_TRUNCATED, "COLUMN_NAME is truncated");
                if (i >= m->column_count)
                    return tm_fail(ev, err, BINLOG_ERR_BAD_EVENT,
                                   "COLUMN_NAME lists more names than columns");
                m->columns[i].name.ptr = (const char *)s;
                m->columns[i++].name.len = n;
            }
            m->has_names = true;
            break;
        }
        case 5:
            if ((rc = str_values_tlv(m, &v, pred_set, ev, err)))
                return rc;
            break;
        case 6:
            if ((rc = str_values_tlv(m, &v, pred_enum, ev, err)))
                return rc;
            break;
        case 7: {
            uint32_t i = 0;
            while (br_left(&v) > 0) {
                if (!br_lenenc(&v, &x))
                    return tm_fail(ev, err, BINLOG_ERR_TRUNCATED, "GEOMETRY_TYPE is truncated");
                if (!next_of(m, pred_geom, f, &i))
                    return tm_fail(ev, err, BINLOG_ERR_BAD_EVENT,
                                   "GEOMETRY_TYPE lists more types than GEOMETRY columns");
                m->columns[i++].geometry_type = (uint32_t)x;
            }
            break;
        }
        case 8:
        case 9:
            while (br_left(&v) > 0) {
                uint64_t prefix = 0;
                if (!br_lenenc(&v, &x) || (type == 9 && !br_lenenc(&v, &prefix)))
                    return tm_fail(ev, err, BINLOG_ERR_TRUNCATED, "PRIMARY_KEY is truncated");
                if (x >= m->column_count)
                    return tm_fail(ev, err, BINLOG_ERR_BAD_EVENT,
                                   "PRIMARY_KEY names a column past the last one");
                m->columns[x].in_pk = true;
                m->columns[x].pk_prefix = (uint32_t)prefix;
            }
            m->has_pk = true;
            break;
        case 12:
            for (uint32_t i = 0; i < m->column_count; i++) {
                if ((i >> 3) >= len)
                    return tm_fail(ev, err, BINLOG_ERR_TRUNCATED,
                                   "COLUMN_VISIBILITY bitmap is shorter than the columns");
                m->columns[i].visible = (p[i >> 3] >> (7 - (i & 7))) & 1;
            }
            break;
        default:
            break; // unknown TLV types are skipped by length
        }
    }
    return 0;
}

int binlog_table_map_decode(binlog_table_map **out, const binlog_fde *fde, const binlog_event *ev,
                            dm_err *err)
{
    char where_buf[128];
    int rc = 0;
    binlog_table_map *m = NULL;
    *out = NULL;
    if (ev->header.type != BINLOG_TABLE_MAP_EVENT)
        return binlog_fail(err, BINLOG_ERR_WRONG_TYPE, "TABLE_MAP decoder given a %s event",
                           binlog_event_type_name(ev->header.type));
    if (ev->post_len != 6 && ev->post_len != 8)
        return tm_fail(ev, err, BINLOG_ERR_BAD_EVENT, "post-header length is not 6 or 8");
    m = calloc(1, sizeof *m);
    size_t total = ev->post_len + ev->body_len;
    if (!m || !(m->raw_ = malloc(total ? total : 1))) {
        rc = tm_fail(ev, err, DM_ERR_NOMEM, "out of memory");
        goto fail;
    }
    memcpy(m->raw_, ev->post, total);
    br r = br_make(m->raw_, total);
    uint64_t v = 0;
    br_uint(&r, ev->post_len == 6 ? 4 : 6, &m->table_id);
    br_u16(&r, &m->flags);
    uint8_t n;
    const uint8_t *s;
    if (!br_u8(&r, &n) || !br_bytes(&r, n, &s) || !br_has(&r, 1) || *br_cur(&r) != 0) {
        rc = tm_fail(ev, err, BINLOG_ERR_TRUNCATED, "database name is truncated");
        goto fail;
    }
    br_skip(&r, 1);
    m->schema.ptr = (const char *)s;
    m->schema.len = n;
    if (!br_u8(&r, &n) || !br_bytes(&r, n, &s) || !br_has(&r, 1) || *br_cur(&r) != 0) {
        rc = tm_fail(ev, err, BINLOG_ERR_TRUNCATED, "table name is truncated");
        goto fail;
    }
    br_skip(&r, 1);
    m->table.ptr = (const char *)s;
    m->table.len = n;
    if (!br_lenenc(&r, &v) || v == 0 || v > br_left(&r)) {
        rc = binlog_fail(err, BINLOG_ERR_BAD_EVENT,
                         "%s: column count %llu is 0 or beyond the event's %zu remaining bytes",
                         binlog_where(where_buf, sizeof where_buf, ev), (unsigned long long)v,
                         br_left(&r));
        goto fail;
    }
    m->column_count = (uint32_t)v;
    m->columns = calloc(m->column_count, sizeof *m->columns);
    if (!m->columns) {
        rc = tm_fail(ev, err, DM_ERR_NOMEM, "out of memory for columns");
        goto fail;
    }
    for (uint32_t i = 0; i < m->column_count; i++) {
        binlog_column *c = &m->columns[i];
        br_u8(&r, &c->type);
        c->is_unsigned = -1;
        c->visible = -1;
    }
    uint64_t meta_len;
    const uint8_t *meta;
    if (!br_lenenc(&r, &meta_len) || meta_len > br_left(&r) ||
        !br_bytes(&r, (size_t)meta_len, &meta)) {
        rc = tm_fail(ev, err, BINLOG_ERR_TRUNCATED, "metadata block runs past the event");
        goto fail;
    }
    br mr = br_make(meta, (size_t)meta_len);
    for (uint32_t i = 0; i < m->column_count; i++)
        if ((rc = column_meta(&m->columns[i], &mr, ev, i, err)))
            goto fail;
    if (br_left(&mr) != 0) {
        rc = binlog_fail(err, BINLOG_ERR_BAD_EVENT,
                         "%s: metadata block has %zu bytes the column types do not use",
                         binlog_where(where_buf, sizeof where_buf, ev), br_left(&mr));
        goto fail;
    }
    const uint8_t *nulls;
    if (!br_bytes(&r, binlog_bitmap_len(m->column_count), &nulls)) {
        rc = tm_fail(ev, err, BINLOG_ERR_TRUNCATED, "null bitmap runs past the event");
        goto fail;
    }
    for (uint32_t i = 0; i < m->column_count; i++)
        m->columns[i].nullable = binlog_bitmap_bit(nulls, i);
    binlog_flavor f = fde ? fde->flavor : BINLOG_FLAVOR_MYSQL;
    if ((rc = optional_metadata(m, &r, f, ev, err)))
        goto fail;
    *out = m;
    return 0;
fail:
    binlog_table_map_destroy(m);
    return rc;
}

void binlog_table_map_destroy(binlog_table_map *m)
{
    if (!m)
        return;
    if (m->columns)
        for (uint32_t i = 0; i < m->column_count; i++)
            free(m->columns[i].values);
    free(m->columns);
    free(m->raw_);
    free(m->names_);
    free(m);
}

int binlog_table_map_apply_schema(binlog_table_map *m, const uint8_t *is_unsigned,
                                  const char *const *names, size_t n, dm_err *err)
{
    if (!m || n != m->column_count)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "table map %s.%s has %u columns, the schema gave %zu",
                          m ? m->schema.ptr : "?", m ? m->table.ptr : "?",
                          m ? m->column_count : 0, n);
    if (is_unsigned && !m->has_signedness)
        for (size_t i = 0; i < n; i++)
            if (is_numeric(m->columns[i].real_type))
                m->columns[i].is_unsigned = is_unsigned[i] ? 1 : 0;
    if (names && !m->has_names) {
        size_t total = 0;
        for (size_t i = 0; i < n; i++)
            total += names[i] ? strlen(names[i]) + 1 : 1;
        char *buf = malloc(total ? total : 1);
        if (!buf)
            return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL,
                              "out of memory for column names");
        char *p = buf;
        for (size_t i = 0; i < n; i++) {
            size_t l = names[i] ? strlen(names[i]) : 0;
            memcpy(p, names[i] ? names[i] : "", l);
            p[l] = '\0';
            m->columns[i].name.ptr = names[i] ? p : NULL;
            m->columns[i].name.len = l;
            p += l + 1;
        }
        free(m->names_);
        m->names_ = buf;
    }
    return 0;
}

// ---------------------------------------------------------------------------------------
// Rows events

int binlog_rows_decode(binlog_rows *out, const binlog_fde *fde, const binlog_event *ev,
                       dm_buf *scratch, dm_err *err)
{
    char where_buf[128];
    int rc;
    uint8_t t = ev->header.type;
    memset(out, 0, sizeof *out);
    out->partition_id = out->source_partition_id = -1;
    switch (t) {
    case BINLOG_WRITE_ROWS_EVENT_V1: case BINLOG_UPDATE_ROWS_EVENT_V1: case BINLOG_DELETE_ROWS_EVENT_V1:
        out->kind = (binlog_rows_kind)(t - BINLOG_WRITE_ROWS_EVENT_V1 + 1);
        out->version = 1;
        break;
    case BINLOG_WRITE_ROWS_EVENT: case BINLOG_UPDATE_ROWS_EVENT: case BINLOG_DELETE_ROWS_EVENT:
        out->kind = (binlog_rows_kind)(t - BINLOG_WRITE_ROWS_EVENT + 1);
        out->version = 2;
        break;
    case BINLOG_PARTIAL_UPDATE_ROWS_EVENT:
        out->kind = BINLOG_ROWS_PARTIAL_UPDATE;
        out->version = 2;
        break;
    case BINLOG_WRITE_ROWS_COMPRESSED_EVENT_V1: case BINLOG_UPDATE_ROWS_COMPRESSED_EVENT_V1:
    case BINLOG_DELETE_ROWS_COMPRESSED_EVENT_V1:
        out->kind = (binlog_rows_kind)(t - BINLOG_WRITE_ROWS_COMPRESSED_EVENT_V1 + 1);
        out->version = 1;
        out->compressed = true;
        break;
    case BINLOG_WRITE_ROWS_COMPRESSED_EVENT: case BINLOG_UPDATE_ROWS_COMPRESSED_EVENT:
    case BINLOG_DELETE_ROWS_COMPRESSED_EVENT:
        out->kind = (binlog_rows_kind)(t - BINLOG_WRITE_ROWS_COMPRESSED_EVENT + 1);
        out->version = 2;
        out->compressed = true;
        break;
    default:
        return binlog_fail(err, BINLOG_ERR_WRONG_TYPE, "rows decoder given a %s event (type %u)",
                           binlog_event_type_name(t), t);
    }
    (void)fde;
    size_t need = out->version == 2 ? 10 : 8;
    if (ev->post_len != need && ev->post_len != need - 2)
        return binlog_fail(err, BINLOG_ERR_BAD_EVENT, "%s: post-header of %zu bytes, expected %zu",
                           binlog_where(where_buf, sizeof where_buf, ev), ev->post_len, need);
    br ph = br_make(ev->post, ev->post_len);
    br_uint(&ph, ev->post_len == need ? 6 : 4, &out->table_id);
    br_u16(&ph, &out->flags);
    br r = br_make(ev->body, ev->body_len);
    if (out->version == 2) {
        uint16_t extra_len = 0;
        br_u16(&ph, &extra_len);
        if (extra_len < 2 || !br_bytes(&r, extra_len - 2u, &out->extra))
            return binlog_fail(err, BINLOG_ERR_BAD_EVENT,
                               "%s: extra row info length %u is invalid for the event",
                               binlog_where(where_buf, sizeof where_buf, ev), extra_len);
        out->extra_len = extra_len - 2u;
        if (out->extra_len == 0)
            out->extra = NULL;
        br x = br_make(out->extra, out->extra_len);
        while (br_left(&x) > 0) {
            uint8_t type, l;
            uint16_t pid;
            br_u8(&x, &type);
            if (type == 0) { // NDB: length (counting itself), format, data
                if (!br_u8(&x, &l) || l < 2 || !br_skip(&x, l - 1u))
                    return tm_fail(ev, err, BINLOG_ERR_TRUNCATED, "NDB extra info is truncated");
            } else if (type == 1) {
                if (!br_u16(&x, &pid))
                    return tm_fail(ev, err, BINLOG_ERR_TRUNCATED, "partition info is truncated");
                out->partition_id = pid;
                if (out->kind == BINLOG_ROWS_UPDATE || out->kind == BINLOG_ROWS_PARTIAL_UPDATE) {
                    if (!br_u16(&x, &pid))
                        return tm_fail(ev, err, BINLOG_ERR_TRUNCATED,
                                       "source partition info is truncated");
                    out->source_partition_id = pid;
                }
            } else {
                break; // unknown extra info: ignored
            }
        }
    }
    uint64_t cols = 0;
    if (!br_lenenc(&r, &cols) || cols == 0 || cols > 8 * (uint64_t)br_left(&r))
        return binlog_fail(err, BINLOG_ERR_BAD_EVENT,
                           "%s: column count %llu does not fit the event",
                           binlog_where(where_buf, sizeof where_buf, ev), (unsigned long long)cols);
    out->column_count = (uint32_t)cols;
    size_t bl = binlog_bitmap_len(out->column_count);
    const uint8_t *b1, *b2 = NULL;
    if (!br_bytes(&r, bl, &b1))
        return tm_fail(ev, err, BINLOG_ERR_TRUNCATED, "columns-present bitmap is truncated");
    if (out->kind == BINLOG_ROWS_UPDATE || out->kind == BINLOG_ROWS_PARTIAL_UPDATE) {
        if (!br_bytes(&r, bl, &b2))
            return tm_fail(ev, err, BINLOG_ERR_TRUNCATED,
                           "after-image columns-present bitmap is truncated");
    }
    switch (out->kind) {
    case BINLOG_ROWS_WRITE:
        out->present_after = b1;
        break;
    case BINLOG_ROWS_DELETE:
        out->present_before = b1;
        break;
    default:
        out->present_before = b1;
        out->present_after = b2;
        break;
    }
    if (out->compressed) {
        if (!scratch)
            return tm_fail(ev, err, DM_ERR_INVALID_ARG, "a scratch buffer is needed");
        dm_buf_reset(scratch);
        if ((rc = binlog_inflate_block(scratch, br_cur(&r), br_left(&r),
                                       binlog_where(where_buf, sizeof where_buf, ev), NULL, err)))
            return rc;
        out->data = (const uint8_t *)scratch->data;
        out->len = scratch->len;
    } else {
        out->data = br_cur(&r);
        out->len = br_left(&r);
    }
    return 0;
}

void binlog_row_init(binlog_row *r)
{
    memset(r, 0, sizeof *r);
    dm_buf_init(&r->text_);
}

void binlog_row_fini(binlog_row *r)
{
    if (!r)
        return;
    free(r->vals_);
    dm_buf_fini(&r->text_);
    memset(r, 0, sizeof *r);
}

static int val_fail(dm_err *err, int code, const binlog_table_map *tm, uint32_t col,
                    const char *what, size_t off)
{
    const binlog_column *c = &tm->columns[col];
    if (c->name.ptr)
        return binlog_fail(err, code, "row of %s.%s, column %u `%.*s` (type %u): %s at row offset %zu",
                           tm->schema.ptr, tm->table.ptr, col + 1, (int)c->name.len, c->name.ptr,
                           c->real_type, what, off);
    return binlog_fail(err, code, "row of %s.%s, column %u (type %u): %s at row offset %zu",
                       tm->schema.ptr, tm->table.ptr, col + 1, c->real_type, what, off);
}

// val_context prefixes an error from a value decoder with the row and column.
static int val_context(dm_err *err, int rc, const binlog_table_map *tm, uint32_t col, size_t off)
{
    const binlog_column *c = &tm->columns[col];
    dm_err_prefix(err, "row of %s.%s, column %u%s%.*s%s (type %u) at row offset %zu",
                  tm->schema.ptr, tm->table.ptr, col + 1, c->name.ptr ? " `" : "",
                  (int)c->name.len, c->name.ptr ? c->name.ptr : "", c->name.ptr ? "`" : "",
                  c->real_type, off);
    return rc;
}

static uint32_t frac_usec(const uint8_t *p, unsigned fsp)
{
    switch ((fsp + 1) / 2) {
    case 1:
        return (uint32_t)p[0] * 10000;
    case 2:
        return (uint32_t)binlog_be(p, 2) * 100;
    case 3:
        return (uint32_t)binlog_be(p, 3);
    default:
        return 0;
    }
}

static void from_epoch(binlog_temporal *t, int64_t sec)
{
    t->epoch = sec;
    if (sec == 0 && t->usec == 0) // the zero TIMESTAMP
        return;
    time_t tt = (time_t)sec;
    struct tm tm;
    gmtime_r(&tt, &tm);
    t->year = (uint16_t)(tm.tm_year + 1900);
    t->month = (uint8_t)(tm.tm_mon + 1);
    t->day = (uint8_t)tm.tm_mday;
    t->hour = (uint32_t)tm.tm_hour;
    t->minute = (uint8_t)tm.tm_min;
    t->second = (uint8_t)tm.tm_sec;
}

static void split_hms(binlog_temporal *t, uint64_t hms)
{
    t->hour = (uint32_t)((hms >> 12) & 0x3FF);
    t->minute = (uint8_t)((hms >> 6) & 63);
    t->second = (uint8_t)(hms & 63);
}

// decode_value reads one non-NULL value of column col from r into v.
static int decode_value(binlog_value *v, const binlog_table_map *tm, uint32_t col, br *r,
                        dm_buf *text, bool partial_json, dm_err *err)
{
    const binlog_column *c = &tm->columns[col];
    size_t at = r->off;
    const uint8_t *p;
    uint64_t x;
    unsigned fb;
    v->type = c->real_type;
    v->charset = c->charset;
#define NEED(n)                                                                          \
    do {                                                                                 \
        if (!br_bytes(r, (n), &p))                                                       \
            return val_fail(err, BINLOG_ERR_TRUNCATED, tm, col, "value runs past the event", at); \
    } while (0)
    switch (c->real_type) {
    case BINLOG_TYPE_TINY:
    case BINLOG_TYPE_SHORT:
    case BINLOG_TYPE_INT24:
    case BINLOG_TYPE_LONG:
    case BINLOG_TYPE_LONGLONG: {
        static const uint8_t w[] = {[BINLOG_TYPE_TINY] = 1, [BINLOG_TYPE_SHORT] = 2,
                                    [BINLOG_TYPE_LONG] = 4, [BINLOG_TYPE_LONGLONG] = 8,
                                    [BINLOG_TYPE_INT24] = 3};
        unsigned n = w[c->real_type];
        NEED(n);
        x = binlog_le(p, n);
        if (c->is_unsigned == 1) {
            v->kind = BINLOG_VALUE_UINT;
            v->u = x;
        } else {
            v->kind = BINLOG_VALUE_INT;
            if (n < 8 && (x >> (n * 8 - 1)) & 1)
                x |= ~0ull << (n * 8); // sign-extend
            v->i = (int64_t)x;
        }
        return 0;
    }
    case BINLOG_TYPE_FLOAT: {
        float f;
        NEED(4);
        memcpy(&f, p, 4); // IEEE-754 LE on every supported host
        v->kind = BINLOG_VALUE_FLOAT;
        v->d = f;
        return 0;
    }
    case BINLOG_TYPE_DOUBLE:
        NEED(8);
        memcpy(&v->d, p, 8);
        v->kind = BINLOG_VALUE_DOUBLE;
        return 0;
    case BINLOG_TYPE_NEWDECIMAL: {
        size_t n = binlog_decimal_size(c->precision, c->scale);
        NEED(n);
        v->kind = BINLOG_VALUE_DECIMAL;
        v->u = text->len;
        size_t before = text->len;
        int rc = binlog_decimal_to_text(text, p, n, c->precision, c->scale, err);
        if (rc)
            return val_context(err, rc, tm, col, at);
        v->str.len = text->len - before;
        return dm_buf_putc(text, '\0') ? val_fail(err, DM_ERR_NOMEM, tm, col, "no memory", at) : 0;
    }
    case BINLOG_TYPE_YEAR:
        NEED(1);
        v->kind = BINLOG_VALUE_TEMPORAL;
        v->t.kind = BINLOG_TEMPORAL_YEAR;
        v->t.year = p[0] ? (uint16_t)(1900 + p[0]) : 0;
        return 0;
    case BINLOG_TYPE_DATE:
    case BINLOG_TYPE_NEWDATE:
        NEED(3);
        x = binlog_le(p, 3);
        v->kind = BINLOG_VALUE_TEMPORAL;
        v->t.kind = BINLOG_TEMPORAL_DATE;
        v->t.day = (uint8_t)(x & 31);
        v->t.month = (uint8_t)((x >> 5) & 15);
        v->t.year = (uint16_t)(x >> 9);
        return 0;
    case BINLOG_TYPE_TIME: { // old TIME: signed int24 HHMMSS
        NEED(3);
        x = binlog_le(p, 3);
        int64_t s = (x & 0x800000) ? (int64_t)(x | ~0xFFFFFFull) : (int64_t)x;
        v->kind = BINLOG_VALUE_TEMPORAL;
        v->t.kind = BINLOG_TEMPORAL_TIME;
        v->t.negative = s < 0;
        uint64_t a = (uint64_t)(s < 0 ? -s : s);
        v->t.hour = (uint32_t)(a / 10000);
        v->t.minute = (uint8_t)(a / 100 % 100);
        v->t.second = (uint8_t)(a % 100);
        return 0;
    }
    case BINLOG_TYPE_DATETIME: { // old DATETIME: u64 YYYYMMDDhhmmss
        NEED(8);
        x = binlog_le(p, 8);
        v->kind = BINLOG_VALUE_TEMPORAL;
        v->t.kind = BINLOG_TEMPORAL_DATETIME;
        uint64_t d = x / 1000000, t = x % 1000000;
        v->t.year = (uint16_t)(d / 10000 % 10000);
        v->t.month = (uint8_t)(d / 100 % 100);
        v->t.day = (uint8_t)(d % 100);
        v->t.hour = (uint32_t)(t / 10000);
        v->t.minute = (uint8_t)(t / 100 % 100);
        v->t.second = (uint8_t)(t % 100);
        return 0;
    }
    case BINLOG_TYPE_TIMESTAMP:
        NEED(4);
        v->kind = BINLOG_VALUE_TEMPORAL;
        v->t.kind = BINLOG_TEMPORAL_TIMESTAMP;
        from_epoch(&v->t, (int64_t)binlog_le(p, 4));
        return 0;
    case BINLOG_TYPE_TIMESTAMP2:
        fb = (c->fsp + 1) / 2;
        NEED(4 + fb);
        v->kind = BINLOG_VALUE_TEMPORAL;
        v->t.kind = BINLOG_TEMPORAL_TIMESTAMP;
        v->t.fsp = c->fsp;
        v->t.usec = frac_usec(p + 4, c->fsp);
        from_epoch(&v->t, (int64_t)binlog_be(p, 4));
        return 0;
    case BINLOG_TYPE_DATETIME2: {
        fb = (c->fsp + 1) / 2;
        NEED(5 + fb);
        int64_t ip = (int64_t)binlog_be(p, 5) - 0x8000000000LL;
        if (ip < 0)
            return val_fail(err, BINLOG_ERR_BAD_VALUE, tm, col, "negative DATETIME", at);
        v->kind = BINLOG_VALUE_TEMPORAL;
        v->t.kind = BINLOG_TEMPORAL_DATETIME;
        v->t.fsp = c->fsp;
        uint64_t ymd = (uint64_t)ip >> 17, ym = ymd >> 5, hms = (uint64_t)ip & 0x1FFFF;
        v->t.year = (uint16_t)(ym / 13);
        v->t.month = (uint8_t)(ym % 13);
        v->t.day = (uint8_t)(ymd & 31);
        split_hms(&v->t, hms);
        v->t.usec = frac_usec(p + 5, c->fsp);
        return 0;
    }
    case BINLOG_TYPE_TIME2: {
        fb = (c->fsp + 1) / 2;
        NEED(3 + fb);
        v->kind = BINLOG_VALUE_TEMPORAL;
        v->t.kind = BINLOG_TEMPORAL_TIME;
        v->t.fsp = c->fsp;
        if (fb == 3) {
            int64_t all = (int64_t)binlog_be(p, 6) - 0x800000000000LL;
            v->t.negative = all < 0;
            uint64_t a = (uint64_t)(all < 0 ? -all : all);
            split_hms(&v->t, a >> 24);
            v->t.usec = (uint32_t)(a & 0xFFFFFF);
            if (v->t.usec > 999999)
                return val_fail(err, BINLOG_ERR_BAD_VALUE, tm, col, "TIME fraction > 999999", at);
            return 0;
        }
        int64_t ip = (int64_t)binlog_be(p, 3) - 0x800000;
        int64_t frac = 0;
        if (fb == 1) {
            frac = p[3];
            if (ip < 0 && frac) {
                ip++;
                frac -= 0x100;
            }
            frac *= 10000;
        } else if (fb == 2) {
            frac = (int64_t)binlog_be(p + 3, 2);
            if (ip < 0 && frac) {
                ip++;
                frac -= 0x10000;
            }
            frac *= 100;
        }
        v->t.negative = ip < 0 || frac < 0;
        split_hms(&v->t, (uint64_t)(ip < 0 ? -ip : ip));
        v->t.usec = (uint32_t)(frac < 0 ? -frac : frac);
        if (v->t.usec > 999999)
            return val_fail(err, BINLOG_ERR_BAD_VALUE, tm, col, "TIME fraction > 999999", at);
        return 0;
    }
    case BINLOG_TYPE_BIT: {
        unsigned n = (c->bits + 7u) / 8u;
        NEED(n);
        v->kind = BINLOG_VALUE_BIT;
        v->bits = c->bits;
        v->u = binlog_be(p, n);
        return 0;
    }
    case BINLOG_TYPE_ENUM:
    case BINLOG_TYPE_SET:
        NEED(c->pack_len);
        v->kind = c->real_type == BINLOG_TYPE_ENUM ? BINLOG_VALUE_ENUM : BINLOG_VALUE_SET;
        v->u = binlog_le(p, c->pack_len);
        return 0;
    case BINLOG_TYPE_STRING:
    case BINLOG_TYPE_VARCHAR:
    case BINLOG_TYPE_VAR_STRING: {
        unsigned lb = c->max_len > 255 ? 2 : 1;
        NEED(lb);
        x = binlog_le(p, lb);
        if (c->max_len && x > c->max_len)
            return val_fail(err, BINLOG_ERR_BAD_VALUE, tm, col,
                            "string longer than the column's maximum", at);
        NEED((size_t)x);
        v->kind = BINLOG_VALUE_STRING;
        v->str.ptr = (const char *)p;
        v->str.len = (size_t)x;
        return 0;
    }
    case BINLOG_TYPE_BLOB:
    case BINLOG_TYPE_GEOMETRY:
    case BINLOG_TYPE_JSON:
        NEED(c->pack_len);
        x = binlog_le(p, c->pack_len);
        NEED((size_t)x);
        v->str.ptr = (const char *)p;
        v->str.len = (size_t)x;
        if (c->real_type == BINLOG_TYPE_BLOB) {
            v->kind = BINLOG_VALUE_STRING;
        } else if (c->real_type == BINLOG_TYPE_GEOMETRY) {
            v->kind = BINLOG_VALUE_GEOMETRY;
        } else if (partial_json) {
            v->kind = BINLOG_VALUE_JSON_DIFF;
        } else {
            v->kind = BINLOG_VALUE_JSON;
            v->u = text->len;
            size_t before = text->len;
            int rc = x == 0 ? dm_buf_puts(text, "null")
                            : binlog_json_to_text(text, p, (size_t)x, err);
            if (rc)
                return val_context(err, rc, tm, col, at);
            v->str.len = text->len - before;
            if (dm_buf_putc(text, '\0'))
                return val_fail(err, DM_ERR_NOMEM, tm, col, "no memory", at);
        }
        return 0;
    case BINLOG_TYPE_NULL:
        v->kind = BINLOG_VALUE_NULL;
        return 0;
    default:
        return val_fail(err, BINLOG_ERR_UNSUPPORTED, tm, col,
                        "column type cannot be decoded from row images", at);
    }
#undef NEED
}

static int decode_image(binlog_value *vals, const binlog_table_map *tm, const uint8_t *present,
                        br *r, dm_buf *text, const uint8_t *partial_bits, dm_err *err)
{
    uint32_t n = tm->column_count, npresent = 0;
    for (uint32_t i = 0; i < n; i++)
        npresent += binlog_bitmap_bit(present, i);
    const uint8_t *nulls;
    size_t at = r->off;
    if (!br_bytes(r, binlog_bitmap_len(npresent), &nulls))
        return binlog_fail(err, BINLOG_ERR_TRUNCATED,
                           "row of %s.%s: null bitmap at row offset %zu runs past the event",
                           tm->schema.ptr, tm->table.ptr, at);
    uint32_t k = 0, json_idx = 0;
    int rc;
    for (uint32_t i = 0; i < n; i++) {
        binlog_value *v = &vals[i];
        memset(v, 0, sizeof *v);
        bool is_json = tm->columns[i].real_type == BINLOG_TYPE_JSON;
        bool partial = is_json && partial_bits && binlog_bitmap_bit(partial_bits, json_idx);
        if (is_json)
            json_idx++;
        if (!binlog_bitmap_bit(present, i)) {
            v->kind = BINLOG_VALUE_ABSENT;
            continue;
        }
        if (binlog_bitmap_bit(nulls, k++)) {
            v->kind = BINLOG_VALUE_NULL;
            v->type = tm->columns[i].real_type;
            continue;
        }
        if ((rc = decode_value(v, tm, i, r, text, partial, err)))
            return rc;
    }
    return 0;
}

static void link_text(binlog_value *vals, uint32_t n, dm_buf *text)
{
    for (uint32_t i = 0; i < n; i++)
        if (vals[i].kind == BINLOG_VALUE_DECIMAL || vals[i].kind == BINLOG_VALUE_JSON)
            vals[i].str.ptr = text->data + vals[i].u;
}

int binlog_rows_next(binlog_row *row, bool *end, binlog_rows *rows, const binlog_table_map *tm,
                     dm_err *err)
{
    int rc;
    *end = false;
    if (rows->offset >= rows->len) {
        *end = true;
        return 0;
    }
    if (tm == NULL || tm->table_id != rows->table_id || tm->column_count != rows->column_count)
        return binlog_fail(err, BINLOG_ERR_TABLE_MAP,
                           "rows event for table id %llu with %u columns does not match the "
                           "table map (id %llu, %u columns of %s.%s)",
                           (unsigned long long)rows->table_id, rows->column_count,
                           tm ? (unsigned long long)tm->table_id : 0ull,
                           tm ? tm->column_count : 0u, tm ? tm->schema.ptr : "?",
                           tm ? tm->table.ptr : "?");
    uint32_t n = tm->column_count;
    if (row->cap_ < n) {
        binlog_value *nv = realloc(row->vals_, 2 * (size_t)n * sizeof *nv);
        if (!nv)
            return binlog_fail(err, DM_ERR_NOMEM, "out of memory for %u values", n);
        row->vals_ = nv;
        row->cap_ = n;
    }
    dm_buf_reset(&row->text_);
    row->column_count = n;
    row->before = row->after = NULL;
    row->value_options = 0;
    br r = br_make(rows->data, rows->len);
    r.off = rows->offset;
    if (rows->present_before) {
        row->before = row->vals_;
        if ((rc = decode_image(row->before, tm, rows->present_before, &r, &row->text_, NULL, err)))
            return rc;
    }
    if (rows->present_after) {
        const uint8_t *partial = NULL;
        if (rows->kind == BINLOG_ROWS_PARTIAL_UPDATE) {
            if (!br_lenenc(&r, &row->value_options))
                return binlog_fail(err, BINLOG_ERR_TRUNCATED,
                                   "row of %s.%s: value_options run past the event",
                                   tm->schema.ptr, tm->table.ptr);
            if (row->value_options & 1) {
                uint32_t njson = 0;
                for (uint32_t i = 0; i < n; i++)
                    njson += tm->columns[i].real_type == BINLOG_TYPE_JSON;
                if (!br_bytes(&r, binlog_bitmap_len(njson), &partial))
                    return binlog_fail(err, BINLOG_ERR_TRUNCATED,
                                       "row of %s.%s: partial-JSON bitmap runs past the event",
                                       tm->schema.ptr, tm->table.ptr);
            }
        }
        row->after = row->vals_ + n;
        if ((rc = decode_image(row->after, tm, rows->present_after, &r, &row->text_, partial, err)))
            return rc;
    }
    if (row->before)
        link_text(row->before, n, &row->text_);
    if (row->after)
        link_text(row->after, n, &row->text_);
    if (r.off == rows->offset)
        return binlog_fail(err, BINLOG_ERR_BAD_EVENT, "row of %s.%s consumed no bytes",
                           tm->schema.ptr, tm->table.ptr);
    rows->offset = r.off;
    return 0;
}
