// binlog_event: common header, FORMAT_DESCRIPTION, checksums and the control events.
//
// DESIGN: every decoder works on a binlog_event view made by binlog_event_parse, which has
// already bounded the event (event_size against the buffer, header + post-header + CRC
// against event_size) and located the region after the common header. Fields are then read
// through the bounded cursor of binlog_internal.h, so a short or lying event ends in a
// TRUNCATED/BAD_EVENT error that names the event type, its position and the field, never in
// an over-read. Decoded structs point into the event; only decompression (QUERY_COMPRESSED,
// TRANSACTION_PAYLOAD) writes into a caller-owned scratch buffer, and only the GTID arrays
// are heap-allocated (the caller frees them with the matching _fini).
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#include <zstd.h>

#include "binlog.h"
#include "binlog_internal.h"

int binlog_fail(dm_err *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dm_err_vset(err, code, DM_ERR_SCOPE_UPSTREAM, fmt, ap);
    va_end(ap);
    return code;
}

static const char *const type_names[256] = {
    [0] = "UNKNOWN", [1] = "START_V3", [2] = "QUERY", [3] = "STOP", [4] = "ROTATE",
    [5] = "INTVAR", [6] = "LOAD", [7] = "SLAVE", [8] = "CREATE_FILE", [9] = "APPEND_BLOCK",
    [10] = "EXEC_LOAD", [11] = "DELETE_FILE", [12] = "NEW_LOAD", [13] = "RAND",
    [14] = "USER_VAR", [15] = "FORMAT_DESCRIPTION", [16] = "XID", [17] = "BEGIN_LOAD_QUERY",
    [18] = "EXECUTE_LOAD_QUERY", [19] = "TABLE_MAP", [20] = "PRE_GA_WRITE_ROWS",
    [21] = "PRE_GA_UPDATE_ROWS", [22] = "PRE_GA_DELETE_ROWS", [23] = "WRITE_ROWS_V1",
    [24] = "UPDATE_ROWS_V1", [25] = "DELETE_ROWS_V1", [26] = "INCIDENT", [27] = "HEARTBEAT",
    [28] = "IGNORABLE", [29] = "ROWS_QUERY", [30] = "WRITE_ROWS", [31] = "UPDATE_ROWS",
    [32] = "DELETE_ROWS", [33] = "GTID", [34] = "ANONYMOUS_GTID", [35] = "PREVIOUS_GTIDS",
    [36] = "TRANSACTION_CONTEXT", [37] = "VIEW_CHANGE", [38] = "XA_PREPARE",
    [39] = "PARTIAL_UPDATE_ROWS", [40] = "TRANSACTION_PAYLOAD", [41] = "HEARTBEAT_V2",
    [42] = "GTID_TAGGED", [160] = "ANNOTATE_ROWS", [161] = "BINLOG_CHECKPOINT",
    [162] = "MARIADB_GTID", [163] = "GTID_LIST", [164] = "START_ENCRYPTION",
    [165] = "QUERY_COMPRESSED", [166] = "WRITE_ROWS_COMPRESSED_V1",
    [167] = "UPDATE_ROWS_COMPRESSED_V1", [168] = "DELETE_ROWS_COMPRESSED_V1",
    [169] = "WRITE_ROWS_COMPRESSED", [170] = "UPDATE_ROWS_COMPRESSED",
    [171] = "DELETE_ROWS_COMPRESSED",
};

const char *binlog_event_type_name(uint8_t type)
{
    return type_names[type] ? type_names[type] : "UNKNOWN_TYPE";
}

const char *binlog_where(char *buf, size_t size, const binlog_event *ev)
{
    if (ev->pos)
        snprintf(buf, size, "%s event (type %u) at position %llu",
                 binlog_event_type_name(ev->header.type), ev->header.type,
                 (unsigned long long)ev->pos);
    else
        snprintf(buf, size, "%s event (type %u, end position %u)",
                 binlog_event_type_name(ev->header.type), ev->header.type, ev->header.log_pos);
    return buf;
}

#define WHERE(ev) binlog_where(where_buf, sizeof where_buf, (ev))

int binlog_header_peek(binlog_header *out, const void *buf, size_t len, dm_err *err)
{
    const uint8_t *p = buf;
    if (len < BINLOG_HEADER_LEN)
        return binlog_fail(err, BINLOG_ERR_TRUNCATED,
                           "binlog event header needs 19 bytes, only %zu available", len);
    out->timestamp = (uint32_t)binlog_le(p, 4);
    out->type = p[4];
    out->server_id = (uint32_t)binlog_le(p + 5, 4);
    out->event_size = (uint32_t)binlog_le(p + 9, 4);
    out->log_pos = (uint32_t)binlog_le(p + 13, 4);
    out->flags = (uint16_t)binlog_le(p + 17, 2);
    if (out->event_size < BINLOG_HEADER_LEN)
        return binlog_fail(err, BINLOG_ERR_BAD_EVENT,
                           "%s event declares event_size %u, less than the 19-byte header",
                           binlog_event_type_name(out->type), out->event_size);
    return 0;
}

// MariaDB 10.11's own FDE list (types 1..171), taken from a real server.
static const uint8_t mariadb_post_header[171] = {
    56, 13, 0, 8, 0, 18, 0, 4, 4, 4, 4, 18, 0, 0, 228, 0, 4, 26, 8, 0, 0, 0, 8, 8, 8, 2, 0, 0,
    0, 10, 10, 10, 0, 0, 0, 0, 0, 0, 10, 10, 10, [159] = 0, 4, 19, 4, 0, 13, 8, 8, 8, 10, 10,
    10};

void binlog_fde_init_default(binlog_fde *out, binlog_flavor flavor, uint8_t checksum_alg)
{
    memset(out, 0, sizeof *out);
    out->binlog_version = 4;
    out->header_len = BINLOG_HEADER_LEN;
    out->checksum_alg = checksum_alg;
    out->flavor = flavor;
    if (flavor == BINLOG_FLAVOR_MARIADB) {
        for (int i = 0; i < 171; i++)
            out->post_header_len[i + 1] = mariadb_post_header[i];
        out->n_post_header = 171;
        snprintf(out->server_version, sizeof out->server_version, "10.11.0-MariaDB");
        out->version_num = 101100;
        return;
    }
    static const uint8_t mysql[] = {
        [BINLOG_START_EVENT_V3] = 56, [BINLOG_QUERY_EVENT] = 13, [BINLOG_ROTATE_EVENT] = 8,
        [6] = 18, [8] = 4, [9] = 4, [10] = 4, [11] = 4, [12] = 18, [17] = 4, [18] = 26,
        [BINLOG_TABLE_MAP_EVENT] = 8, [23] = 8, [24] = 8, [25] = 8, [BINLOG_INCIDENT_EVENT] = 2,
        [30] = 10, [31] = 10, [32] = 10, [BINLOG_GTID_EVENT] = 42,
        [BINLOG_ANONYMOUS_GTID_EVENT] = 42, [36] = 18, [37] = 52,
        [BINLOG_PARTIAL_UPDATE_ROWS_EVENT] = 10};
    memcpy(out->post_header_len, mysql, sizeof mysql);
    out->n_post_header = 41;
    snprintf(out->server_version, sizeof out->server_version, "8.0.0");
    out->version_num = 80000;
}

static uint32_t parse_version(const char *s)
{
    unsigned v[3] = {0, 0, 0};
    int i = 0;
    const char *p = s;
    while (i < 3 && isdigit((unsigned char)*p)) {
        unsigned x = 0;
        while (isdigit((unsigned char)*p) && x < 100000)
            x = x * 10 + (unsigned)(*p++ - '0');
        v[i++] = x;
        if (*p != '.')
            break;
        p++;
    }
    if (i == 0 || v[0] > 99 || v[1] > 99 || v[2] > 99)
        return 0;
    return v[0] * 10000 + v[1] * 100 + v[2];
}

// fde_has_checksum_field: servers with checksum support (MySQL >= 5.6.1, MariaDB >= 5.3)
// end their FDE with the algorithm byte and a 4-byte checksum field.
static bool fde_has_checksum_field(uint32_t version_num, bool mariadb)
{
    return mariadb ? version_num >= 50300 : version_num >= 50601;
}

static uint32_t crc_of(const uint8_t *p, size_t n)
{
    uLong c = crc32(0L, Z_NULL, 0);
    while (n > 0) {
        uInt chunk = n > 0x40000000u ? 0x40000000u : (uInt)n;
        c = crc32(c, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return (uint32_t)c;
}

static int check_crc(const uint8_t *p, size_t size, uint64_t pos, dm_err *err)
{
    uint32_t stored = (uint32_t)binlog_le(p + size - 4, 4);
    uint32_t computed = crc_of(p, size - 4);
    if (stored == computed)
        return 0;
    if (pos)
        return binlog_fail(err, BINLOG_ERR_CHECKSUM,
                           "CRC32 mismatch in %s event (type %u) at position %llu: stored 0x%08x, "
                           "computed 0x%08x",
                           binlog_event_type_name(p[4]), p[4], (unsigned long long)pos, stored,
                           computed);
    return binlog_fail(err, BINLOG_ERR_CHECKSUM,
                       "CRC32 mismatch in %s event (type %u, end position %u): stored 0x%08x, "
                       "computed 0x%08x",
                       binlog_event_type_name(p[4]), p[4], (uint32_t)binlog_le(p + 13, 4), stored,
                       computed);
}

int binlog_fde_decode(binlog_fde *out, const void *buf, size_t len, dm_err *err)
{
    binlog_header h;
    const uint8_t *p = buf;
    int rc;
    if ((rc = binlog_header_peek(&h, buf, len, err)))
        return rc;
    if (h.type != BINLOG_FORMAT_DESCRIPTION_EVENT)
        return binlog_fail(err, BINLOG_ERR_WRONG_TYPE,
                           "expected a FORMAT_DESCRIPTION event, got %s (type %u)",
                           binlog_event_type_name(h.type), h.type);
    if (len < h.event_size)
        return binlog_fail(err, BINLOG_ERR_TRUNCATED,
                           "FORMAT_DESCRIPTION event of %u bytes, only %zu available",
                           h.event_size, len);
    if (h.event_size < BINLOG_HEADER_LEN + 57)
        return binlog_fail(err, BINLOG_ERR_BAD_FDE,
                           "FORMAT_DESCRIPTION event of %u bytes is shorter than its fixed part "
                           "(76 bytes)", h.event_size);
    memset(out, 0, sizeof *out);
    const uint8_t *b = p + BINLOG_HEADER_LEN;
    out->binlog_version = (uint16_t)binlog_le(b, 2);
    memcpy(out->server_version, b + 2, 50);
    out->server_version[50] = '\0';
    out->created = (uint32_t)binlog_le(b + 52, 4);
    out->header_len = b[56];
    if (out->binlog_version != 4)
        return binlog_fail(err, BINLOG_ERR_BAD_FDE,
                           "FORMAT_DESCRIPTION: binlog version %u is not supported (only v4)",
                           out->binlog_version);
    if (out->header_len != BINLOG_HEADER_LEN)
        return binlog_fail(err, BINLOG_ERR_BAD_FDE,
                           "FORMAT_DESCRIPTION: common header length %u, expected 19",
                           out->header_len);
    out->flavor = strstr(out->server_version, "MariaDB") ? BINLOG_FLAVOR_MARIADB
                                                         : BINLOG_FLAVOR_MYSQL;
    out->version_num = parse_version(out->server_version);
    size_t n = h.event_size - BINLOG_HEADER_LEN - 57;
    if (fde_has_checksum_field(out->version_num, out->flavor == BINLOG_FLAVOR_MARIADB)) {
        if (n < 5)
            return binlog_fail(err, BINLOG_ERR_BAD_FDE,
                               "FORMAT_DESCRIPTION of server %s lacks the checksum fields",
                               out->server_version);
        n -= 5;
        out->checksum_alg = p[h.event_size - 5];
        if (out->checksum_alg != BINLOG_CHECKSUM_OFF &&
            out->checksum_alg != BINLOG_CHECKSUM_CRC32 &&
            out->checksum_alg != BINLOG_CHECKSUM_UNDEF)
            return binlog_fail(err, BINLOG_ERR_BAD_FDE,
                               "FORMAT_DESCRIPTION: unknown checksum algorithm %u",
                               out->checksum_alg);
        if (out->checksum_alg == BINLOG_CHECKSUM_UNDEF)
            out->checksum_alg = BINLOG_CHECKSUM_OFF;
    } else {
        out->checksum_alg = BINLOG_CHECKSUM_OFF;
    }
    if (n > 255)
        return binlog_fail(err, BINLOG_ERR_BAD_FDE,
                           "FORMAT_DESCRIPTION lists %zu post-header lengths (at most 255)", n);
    out->n_post_header = (uint16_t)n;
    for (size_t i = 0; i < n; i++)
        out->post_header_len[i + 1] = b[57 + i];
    if (out->checksum_alg == BINLOG_CHECKSUM_CRC32)
        return check_crc(p, h.event_size, 0, err);
    return 0;
}

int binlog_event_verify_checksum(const binlog_fde *fde, const void *buf, size_t len, uint64_t pos,
                                 dm_err *err)
{
    binlog_event ev;
    return binlog_event_parse(&ev, fde, buf, len, pos, BINLOG_PARSE_VERIFY_CHECKSUM, err);
}

int binlog_event_parse(binlog_event *out, const binlog_fde *fde, const void *buf, size_t len,
                       uint64_t pos, unsigned flags, dm_err *err)
{
    const uint8_t *p = buf;
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = binlog_header_peek(&out->header, buf, len, err)))
        return rc;
    const binlog_header *h = &out->header;
    out->pos = pos;
    if (len < h->event_size)
        return binlog_fail(err, BINLOG_ERR_TRUNCATED,
                           "%s event at position %llu declares %u bytes, only %zu available",
                           binlog_event_type_name(h->type), (unsigned long long)pos,
                           h->event_size, len);
    out->data = p;
    out->size = h->event_size;
    bool crc_verify = false;
    if (flags & BINLOG_PARSE_NO_CHECKSUM) {
        out->has_checksum = false;
    } else if (h->type == BINLOG_FORMAT_DESCRIPTION_EVENT) {
        // An FDE is bounded by its own algorithm: decode it to find out.
        binlog_fde own;
        dm_err tmp;
        rc = binlog_fde_decode(&own, p, h->event_size, &tmp);
        if (rc && rc != BINLOG_ERR_CHECKSUM) {
            if (err)
                *err = tmp;
            return rc;
        }
        if (rc == BINLOG_ERR_CHECKSUM && (flags & BINLOG_PARSE_VERIFY_CHECKSUM))
            return check_crc(p, h->event_size, pos, err);
        out->has_checksum = fde_has_checksum_field(own.version_num,
                                                   own.flavor == BINLOG_FLAVOR_MARIADB);
        crc_verify = false; // already verified by binlog_fde_decode
    } else {
        out->has_checksum = fde->checksum_alg == BINLOG_CHECKSUM_CRC32;
        crc_verify = out->has_checksum && (flags & BINLOG_PARSE_VERIFY_CHECKSUM);
    }
    size_t crc_len = out->has_checksum ? 4 : 0;
    size_t post_len = h->type == BINLOG_FORMAT_DESCRIPTION_EVENT ? 0 : fde->post_header_len[h->type];
    if ((size_t)h->event_size < BINLOG_HEADER_LEN + post_len + crc_len)
        return binlog_fail(err, BINLOG_ERR_TRUNCATED,
                           "%s event at position %llu: event_size %u is less than header (19) + "
                           "post-header (%zu) + checksum (%zu)",
                           binlog_event_type_name(h->type), (unsigned long long)pos,
                           h->event_size, post_len, crc_len);
    if (crc_verify && (rc = check_crc(p, h->event_size, pos, err)))
        return rc;
    out->post = p + BINLOG_HEADER_LEN;
    out->post_len = post_len;
    out->body = out->post + post_len;
    out->body_len = h->event_size - BINLOG_HEADER_LEN - post_len - crc_len;
    return 0;
}

bool binlog_event_is_ignorable(const binlog_event *ev)
{
    if (ev->header.flags & BINLOG_F_IGNORABLE)
        return true;
    switch (ev->header.type) {
    case BINLOG_IGNORABLE_EVENT:
    case BINLOG_TRANSACTION_CONTEXT_EVENT:
    case BINLOG_VIEW_CHANGE_EVENT:
    case BINLOG_HEARTBEAT_EVENT:
    case BINLOG_HEARTBEAT_EVENT_V2:
    case BINLOG_ROWS_QUERY_EVENT:
    case BINLOG_ANNOTATE_ROWS_EVENT:
    case BINLOG_BINLOG_CHECKPOINT_EVENT:
    case BINLOG_STOP_EVENT:
        return true;
    default:
        return false;
    }
}

// region: the bytes after the common header up to the CRC (post-header and body together);
// several events define fields across the post-header/body split.
static br region(const binlog_event *ev)
{
    return br_make(ev->post, ev->post_len + ev->body_len);
}

static int want_type(const binlog_event *ev, uint8_t a, uint8_t b, const char *what, dm_err *err)
{
    if (ev->header.type == a || ev->header.type == b)
        return 0;
    return binlog_fail(err, BINLOG_ERR_WRONG_TYPE, "%s decoder given a %s event (type %u)", what,
                       binlog_event_type_name(ev->header.type), ev->header.type);
}

static int short_field(const binlog_event *ev, const char *field, dm_err *err)
{
    char where_buf[128];
    return binlog_fail(err, BINLOG_ERR_TRUNCATED, "%s: truncated at %s", WHERE(ev), field);
}

int binlog_rotate_decode(binlog_rotate *out, const binlog_event *ev, dm_err *err)
{
    int rc;
    if ((rc = want_type(ev, BINLOG_ROTATE_EVENT, BINLOG_ROTATE_EVENT, "ROTATE", err)))
        return rc;
    br r = region(ev);
    if (!br_u64(&r, &out->position))
        return short_field(ev, "position", err);
    out->next_file.ptr = (const char *)br_cur(&r);
    out->next_file.len = br_left(&r);
    out->artificial = (ev->header.flags & BINLOG_F_ARTIFICIAL) != 0;
    return 0;
}

int binlog_inflate_block(dm_buf *scratch, const uint8_t *data, size_t len, const char *what,
                         size_t *consumed, dm_err *err)
{
    if (len < 1)
        return binlog_fail(err, BINLOG_ERR_TRUNCATED, "%s: empty compressed block", what);
    uint8_t h = data[0];
    unsigned lenlen = h & 0x07, algo = (h >> 4) & 0x07;
    if (!(h & 0x80) || lenlen < 1 || lenlen > 4)
        return binlog_fail(err, BINLOG_ERR_BAD_EVENT,
                           "%s: bad compressed block header byte 0x%02x", what, h);
    if (algo != 0)
        return binlog_fail(err, BINLOG_ERR_UNSUPPORTED,
                           "%s: compression algorithm %u is not supported (only zlib)", what, algo);
    if (len < 1 + lenlen)
        return binlog_fail(err, BINLOG_ERR_TRUNCATED, "%s: truncated compressed block length",
                           what);
    uint64_t ulen = binlog_be(data + 1, lenlen);
    if (ulen > BINLOG_MAX_DECOMPRESSED)
        return binlog_fail(err, BINLOG_ERR_TOO_LARGE,
                           "%s: uncompressed length %llu exceeds the 1 GiB limit", what,
                           (unsigned long long)ulen);
    int rc;
    if ((rc = dm_buf_reserve(scratch, (size_t)ulen + 1)))
        return binlog_fail(err, rc, "%s: no memory for %llu uncompressed bytes", what,
                           (unsigned long long)ulen);
    uLongf dlen = (uLongf)ulen;
    size_t srclen = len - 1 - lenlen;
    int zrc = uncompress((Bytef *)scratch->data + scratch->len, &dlen, data + 1 + lenlen,
                         (uLong)srclen);
    if (zrc != Z_OK || dlen != ulen)
        return binlog_fail(err, BINLOG_ERR_DECOMPRESS,
                           "%s: zlib data is corrupt (zlib %d, %lu of %llu bytes)", what, zrc,
                           (unsigned long)dlen, (unsigned long long)ulen);
    scratch->len += (size_t)ulen;
    scratch->data[scratch->len] = '\0';
    if (consumed)
        *consumed = len;
    return 0;
}

static bool read_lstr(br *r, binlog_str *s)
{
    uint8_t n;
    const uint8_t *p;
    if (!br_u8(r, &n) || !br_bytes(r, n, &p))
        return false;
    s->ptr = (const char *)p;
    s->len = n;
    return true;
}

static int query_status(binlog_query_status *st, const binlog_event *ev, const uint8_t *p,
                        size_t len, dm_err *err)
{
    char where_buf[128];
    br r = br_make(p, len);
    memset(st, 0, sizeof *st);
    while (br_left(&r) > 0) {
        uint8_t code;
        uint64_t v = 0;
        bool ok = true;
        br_u8(&r, &code);
        switch (code) {
        case 0:
            ok = br_uint(&r, 4, &v);
            st->flags2 = (uint32_t)v;
            st->present |= BINLOG_QS_FLAGS2;
            break;
        case 1:
            ok = br_u64(&r, &st->sql_mode);
            st->present |= BINLOG_QS_SQL_MODE;
            break;
        case 2: // length, name, NUL
            ok = read_lstr(&r, &st->catalog) && br_skip(&r, 1);
            st->present |= BINLOG_QS_CATALOG;
            break;
        case 3:
            ok = br_u16(&r, &st->auto_increment_increment) &&
                 br_u16(&r, &st->auto_increment_offset);
            st->present |= BINLOG_QS_AUTO_INCREMENT;
            break;
        case 4:
            ok = br_u16(&r, &st->charset_client) && br_u16(&r, &st->collation_connection) &&
                 br_u16(&r, &st->collation_server);
            st->present |= BINLOG_QS_CHARSET;
            break;
        case 5:
            ok = read_lstr(&r, &st->time_zone);
            st->present |= BINLOG_QS_TIME_ZONE;
            break;
        case 6:
            ok = read_lstr(&r, &st->catalog);
            st->present |= BINLOG_QS_CATALOG;
            break;
        case 7:
            ok = br_u16(&r, &st->lc_time_names);
            st->present |= BINLOG_QS_LC_TIME_NAMES;
            break;
        case 8:
            ok = br_u16(&r, &st->charset_database);
            st->present |= BINLOG_QS_CHARSET_DATABASE;
            break;
        case 9:
            ok = br_u64(&r, &st->table_map_for_update);
            st->present |= BINLOG_QS_TABLE_MAP_FOR_UPDATE;
            break;
        case 10:
            ok = br_u32(&r, &st->master_data_written);
            st->present |= BINLOG_QS_MASTER_DATA_WRITTEN;
            break;
        case 11:
            ok = read_lstr(&r, &st->invoker_user) && read_lstr(&r, &st->invoker_host);
            st->present |= BINLOG_QS_INVOKER;
            break;
        case 12: {
            uint8_t n;
            ok = br_u8(&r, &n);
            if (!ok)
                break;
            st->present |= BINLOG_QS_UPDATED_DB_NAMES;
            if (n == 254) {
                st->updated_dbs_over_max = true;
                break;
            }
            if (n > BINLOG_QUERY_MAX_UPDATED_DBS)
                return binlog_fail(err, BINLOG_ERR_BAD_EVENT,
                                   "%s: Q_UPDATED_DB_NAMES count %u exceeds 16", WHERE(ev), n);
            for (uint8_t i = 0; i < n && ok; i++) {
                const uint8_t *s = br_cur(&r);
                const uint8_t *nul = memchr(s, 0, br_left(&r));
                if (!nul) {
                    ok = false;
                    break;
                }
                st->updated_dbs[i].ptr = (const char *)s;
                st->updated_dbs[i].len = (size_t)(nul - s);
                br_skip(&r, (size_t)(nul - s) + 1);
                st->n_updated_dbs = i + 1;
            }
            break;
        }
        case 13:
            ok = br_uint(&r, 3, &v);
            st->microseconds = (uint32_t)v;
            st->present |= BINLOG_QS_MICROSECONDS;
            break;
        case 16:
            ok = br_u8(&r, &st->explicit_defaults_for_timestamp);
            st->present |= BINLOG_QS_EXPLICIT_DEFAULTS_TS;
            break;
        case 17:
            ok = br_u64(&r, &st->ddl_xid);
            st->present |= BINLOG_QS_DDL_LOGGED_WITH_XID;
            break;
        case 18:
            ok = br_u16(&r, &st->default_collation_for_utf8mb4);
            st->present |= BINLOG_QS_DEFAULT_COLLATION_UTF8MB4;
            break;
        case 19:
            ok = br_u8(&r, &st->sql_require_primary_key);
            st->present |= BINLOG_QS_SQL_REQUIRE_PRIMARY_KEY;
            break;
        case 20:
            ok = br_u8(&r, &st->default_table_encryption);
            st->present |= BINLOG_QS_DEFAULT_TABLE_ENCRYPTION;
            break;
        case 128:
            ok = br_uint(&r, 3, &v);
            st->hrnow_usec = (uint32_t)v;
            st->present |= BINLOG_QS_HRNOW;
            break;
        case 129:
            ok = br_u64(&r, &st->xid);
            st->present |= BINLOG_QS_XID;
            break;
        case 130:
            ok = br_u8(&r, &st->gtid_flags3);
            if (ok && (st->gtid_flags3 &
                       (BINLOG_MDB_FLX_COMMIT_ALTER | BINLOG_MDB_FLX_ROLLBACK_ALTER)))
                ok = br_u64(&r, &st->sa_seq_no);
            st->present |= BINLOG_QS_GTID_FLAGS3;
            break;
        default:
            // Unknown code: its length is unknown, so the rest of the block is skipped.
            st->present |= BINLOG_QS_STOPPED_AT_UNKNOWN;
            return 0;
        }
        if (!ok)
            return binlog_fail(err, BINLOG_ERR_TRUNCATED,
                               "%s: status variable %u runs past the status block (%zu bytes)",
                               WHERE(ev), code, len);
    }
    return 0;
}

int binlog_query_decode(binlog_query *out, const binlog_event *ev, dm_buf *scratch, dm_err *err)
{
    char where_buf[128];
    int rc;
    if ((rc = want_type(ev, BINLOG_QUERY_EVENT, BINLOG_QUERY_COMPRESSED_EVENT, "QUERY", err)))
        return rc;
    memset(out, 0, sizeof *out);
    if (ev->post_len < 13)
        return binlog_fail(err, BINLOG_ERR_BAD_EVENT,
                           "%s: post-header of %zu bytes, need 13", WHERE(ev), ev->post_len);
    br ph = br_make(ev->post, ev->post_len);
    uint8_t db_len;
    uint16_t status_len;
    br_u32(&ph, &out->thread_id);
    br_u32(&ph, &out->exec_time);
    br_u8(&ph, &db_len);
    br_u16(&ph, &out->error_code);
    br_u16(&ph, &status_len);
    br r = br_make(ev->body, ev->body_len);
    const uint8_t *status, *db;
    if (!br_bytes(&r, status_len, &status))
        return binlog_fail(err, BINLOG_ERR_TRUNCATED,
                           "%s: status variables (%u bytes) run past the event", WHERE(ev),
                           status_len);
    if (!br_bytes(&r, db_len, &db) || !br_skip(&r, 1))
        return binlog_fail(err, BINLOG_ERR_TRUNCATED, "%s: database name (%u bytes) runs past "
                           "the event", WHERE(ev), db_len);
    out->db.ptr = (const char *)db;
    out->db.len = db_len;
    if ((rc = query_status(&out->status, ev, status, status_len, err)))
        return rc;
    if (ev->header.type == BINLOG_QUERY_COMPRESSED_EVENT) {
        if (scratch == NULL)
            return binlog_fail(err, DM_ERR_INVALID_ARG, "%s: a scratch buffer is needed",
                               WHERE(ev));
        dm_buf_reset(scratch);
        if ((rc = binlog_inflate_block(scratch, br_cur(&r), br_left(&r), WHERE(ev), NULL, err)))
            return rc;
        // MariaDB counts the query's terminating NUL in the compressed length.
        size_t n = scratch->len;
        if (n > 0 && scratch->data[n - 1] == '\0')
            n--;
        out->query.ptr = scratch->data;
        out->query.len = n;
    } else {
        out->query.ptr = (const char *)br_cur(&r);
        out->query.len = br_left(&r);
    }
    return 0;
}

int binlog_xid_decode(uint64_t *out, const binlog_event *ev, dm_err *err)
{
    int rc;
    if ((rc = want_type(ev, BINLOG_XID_EVENT, BINLOG_XID_EVENT, "XID", err)))
        return rc;
    br r = region(ev);
    if (!br_u64(&r, out))
        return short_field(ev, "xid", err);
    return 0;
}

int binlog_intvar_decode(binlog_intvar *out, const binlog_event *ev, dm_err *err)
{
    int rc;
    if ((rc = want_type(ev, BINLOG_INTVAR_EVENT, BINLOG_INTVAR_EVENT, "INTVAR", err)))
        return rc;
    br r = region(ev);
    if (!br_u8(&r, &out->type) || !br_u64(&r, &out->value))
        return short_field(ev, "type/value", err);
    return 0;
}

int binlog_rand_decode(binlog_rand *out, const binlog_event *ev, dm_err *err)
{
    int rc;
    if ((rc = want_type(ev, BINLOG_RAND_EVENT, BINLOG_RAND_EVENT, "RAND", err)))
        return rc;
    br r = region(ev);
    if (!br_u64(&r, &out->seed1) || !br_u64(&r, &out->seed2))
        return short_field(ev, "seeds", err);
    return 0;
}

int binlog_user_var_decode(binlog_user_var *out, const binlog_event *ev, dm_err *err)
{
    int rc;
    if ((rc = want_type(ev, BINLOG_USER_VAR_EVENT, BINLOG_USER_VAR_EVENT, "USER_VAR", err)))
        return rc;
    memset(out, 0, sizeof *out);
    br r = region(ev);
    uint32_t n, vlen;
    const uint8_t *p;
    uint8_t isnull;
    if (!br_u32(&r, &n) || !br_bytes(&r, n, &p))
        return short_field(ev, "name", err);
    out->name.ptr = (const char *)p;
    out->name.len = n;
    if (!br_u8(&r, &isnull))
        return short_field(ev, "is_null", err);
    out->is_null = isnull != 0;
    if (out->is_null)
        return 0;
    if (!br_u8(&r, &out->type) || !br_u32(&r, &out->charset) || !br_u32(&r, &vlen) ||
        !br_bytes(&r, vlen, &p))
        return short_field(ev, "value", err);
    out->value.ptr = (const char *)p;
    out->value.len = vlen;
    if (br_left(&r) > 0)
        br_u8(&r, &out->flags);
    return 0;
}

int binlog_mariadb_gtid_decode(binlog_mariadb_gtid_event *out, const binlog_event *ev, dm_err *err)
{
    char where_buf[128];
    int rc;
    if ((rc = want_type(ev, BINLOG_MARIADB_GTID_EVENT, BINLOG_MARIADB_GTID_EVENT, "MariaDB GTID",
                        err)))
        return rc;
    memset(out, 0, sizeof *out);
    br r = region(ev);
    out->gtid.server_id = ev->header.server_id;
    if (!br_u64(&r, &out->gtid.seq_no) || !br_u32(&r, &out->gtid.domain_id) ||
        !br_u8(&r, &out->flags2))
        return short_field(ev, "seq_no/domain_id/flags2", err);
    if ((out->flags2 & BINLOG_MDB_FL_GROUP_COMMIT_ID) && !br_u64(&r, &out->commit_id))
        return short_field(ev, "commit_id", err);
    if (out->flags2 & (BINLOG_MDB_FL_PREPARED_XA | BINLOG_MDB_FL_COMPLETED_XA)) {
        out->has_xid = true;
        if (!br_u32(&r, &out->xa_format_id) || !br_u8(&r, &out->xa_gtrid_len) ||
            !br_u8(&r, &out->xa_bqual_len))
            return short_field(ev, "XA xid", err);
        if (out->xa_gtrid_len > 64 || out->xa_bqual_len > 64)
            return binlog_fail(err, BINLOG_ERR_BAD_EVENT,
                               "%s: XA gtrid/bqual lengths %u/%u exceed 64", WHERE(ev),
                               out->xa_gtrid_len, out->xa_bqual_len);
        if (!br_bytes(&r, (size_t)out->xa_gtrid_len + out->xa_bqual_len, &out->xa_data))
            return short_field(ev, "XA xid data", err);
    }
    if (br_left(&r) > 0) {
        br_u8(&r, &out->flags_extra);
        if ((out->flags_extra & BINLOG_MDB_FLX_MULTI_ENGINE) && !br_u8(&r, &out->extra_engines))
            return short_field(ev, "extra_engines", err);
        if ((out->flags_extra & (BINLOG_MDB_FLX_COMMIT_ALTER | BINLOG_MDB_FLX_ROLLBACK_ALTER)) &&
            !br_u64(&r, &out->sa_seq_no))
            return short_field(ev, "sa_seq_no", err);
    }
    return 0;
}

int binlog_gtid_list_decode(binlog_gtid_list *out, const binlog_event *ev, dm_err *err)
{
    char where_buf[128];
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = want_type(ev, BINLOG_GTID_LIST_EVENT, BINLOG_GTID_LIST_EVENT, "GTID_LIST", err)))
        return rc;
    br r = region(ev);
    uint32_t w;
    if (!br_u32(&r, &w))
        return short_field(ev, "count", err);
    out->flags = (uint8_t)(w >> 28);
    uint32_t count = w & 0x0FFFFFFFu;
    if ((uint64_t)count * 16 > br_left(&r))
        return binlog_fail(err, BINLOG_ERR_TRUNCATED,
                           "%s: %u GTIDs need %llu bytes, %zu remain", WHERE(ev), count,
                           (unsigned long long)count * 16, br_left(&r));
    if (count) {
        out->gtids = calloc(count, sizeof *out->gtids);
        if (!out->gtids)
            return binlog_fail(err, DM_ERR_NOMEM, "%s: no memory for %u GTIDs", WHERE(ev), count);
    }
    for (uint32_t i = 0; i < count; i++) {
        br_u32(&r, &out->gtids[i].domain_id);
        br_u32(&r, &out->gtids[i].server_id);
        br_u64(&r, &out->gtids[i].seq_no);
    }
    out->count = count;
    return 0;
}

void binlog_gtid_list_fini(binlog_gtid_list *l)
{
    if (!l)
        return;
    free(l->gtids);
    l->gtids = NULL;
    l->count = 0;
}

int binlog_checkpoint_decode(binlog_str *out, const binlog_event *ev, dm_err *err)
{
    int rc;
    if ((rc = want_type(ev, BINLOG_BINLOG_CHECKPOINT_EVENT, BINLOG_BINLOG_CHECKPOINT_EVENT,
                        "BINLOG_CHECKPOINT", err)))
        return rc;
    br r = region(ev);
    uint32_t n;
    const uint8_t *p;
    if (!br_u32(&r, &n) || !br_bytes(&r, n, &p))
        return short_field(ev, "file name", err);
    out->ptr = (const char *)p;
    out->len = n;
    return 0;
}

int binlog_mysql_gtid_decode(binlog_mysql_gtid_event *out, const binlog_event *ev, dm_err *err)
{
    int rc;
    const uint8_t *p;
    uint64_t v;
    if ((rc = want_type(ev, BINLOG_GTID_EVENT, BINLOG_ANONYMOUS_GTID_EVENT, "MySQL GTID", err)))
        return rc;
    memset(out, 0, sizeof *out);
    out->anonymous = ev->header.type == BINLOG_ANONYMOUS_GTID_EVENT;
    br r = region(ev);
    if (!br_u8(&r, &out->gtid_flags) || !br_bytes(&r, 16, &p) || !br_u64(&r, &v))
        return short_field(ev, "flags/sid/gno", err);
    memcpy(out->sid, p, 16);
    out->gno = (int64_t)v;
    if (br_left(&r) == 0)
        return 0;
    br_u8(&r, &out->lc_type);
    if (out->lc_type == 2) {
        uint64_t a, b;
        if (!br_u64(&r, &a) || !br_u64(&r, &b))
            return short_field(ev, "last_committed/sequence_number", err);
        out->last_committed = (int64_t)a;
        out->sequence_number = (int64_t)b;
    }
    if (br_left(&r) < 7)
        return 0;
    br_uint(&r, 7, &v);
    out->has_commit_ts = true;
    if (v & (1ull << 55)) {
        out->immediate_commit_ts = v & ~(1ull << 55);
        if (!br_uint(&r, 7, &out->original_commit_ts))
            return short_field(ev, "original_commit_timestamp", err);
    } else {
        out->immediate_commit_ts = out->original_commit_ts = v;
    }
    if (br_left(&r) == 0)
        return 0;
    if (!br_lenenc(&r, &out->transaction_length))
        return short_field(ev, "transaction_length", err);
    out->has_trx_length = true;
    if (br_left(&r) < 4)
        return 0;
    br_u32(&r, &out->immediate_server_version);
    out->has_server_version = true;
    if (out->immediate_server_version & 0x80000000u) {
        out->immediate_server_version &= 0x7FFFFFFFu;
        if (!br_u32(&r, &out->original_server_version))
            return short_field(ev, "original_server_version", err);
    } else {
        out->original_server_version = out->immediate_server_version;
    }
    return 0;
}

int binlog_mysql_gtid_set_decode(binlog_mysql_gtid_set *out, const void *data, size_t len,
                                 dm_err *err)
{
    br r = br_make(data, len);
    uint64_t n;
    memset(out, 0, sizeof *out);
    if (!br_u64(&r, &n))
        return binlog_fail(err, BINLOG_ERR_TRUNCATED, "GTID set: truncated at n_sids");
    if (n >> 56)
        return binlog_fail(err, BINLOG_ERR_UNSUPPORTED,
                           "GTID set: tagged GTID format (marker %llu) is not supported",
                           (unsigned long long)(n >> 56));
    if (n > br_left(&r) / 24)
        return binlog_fail(err, BINLOG_ERR_TRUNCATED,
                           "GTID set: %llu sids cannot fit in %zu bytes", (unsigned long long)n,
                           br_left(&r));
    if (n) {
        out->sids = calloc((size_t)n, sizeof *out->sids);
        if (!out->sids)
            return binlog_fail(err, DM_ERR_NOMEM, "GTID set: no memory for %llu sids",
                               (unsigned long long)n);
    }
    for (uint64_t i = 0; i < n; i++) {
        binlog_mysql_sid_intervals *s = &out->sids[i];
        const uint8_t *p;
        uint64_t k;
        if (!br_bytes(&r, 16, &p) || !br_u64(&r, &k))
            return binlog_fail(err, BINLOG_ERR_TRUNCATED, "GTID set: truncated at sid %llu",
                               (unsigned long long)i);
        memcpy(s->sid, p, 16);
        out->n_sids = i + 1;
        if (k > br_left(&r) / 16)
            return binlog_fail(err, BINLOG_ERR_TRUNCATED,
                               "GTID set: sid %llu declares %llu intervals, %zu bytes remain",
                               (unsigned long long)i, (unsigned long long)k, br_left(&r));
        if (k) {
            s->intervals = calloc((size_t)k, sizeof *s->intervals);
            if (!s->intervals)
                return binlog_fail(err, DM_ERR_NOMEM, "GTID set: no memory for intervals");
        }
        s->n_intervals = k;
        for (uint64_t j = 0; j < k; j++) {
            uint64_t a = 0, b = 0;
            br_u64(&r, &a);
            br_u64(&r, &b);
            s->intervals[j].start = (int64_t)a;
            s->intervals[j].end = (int64_t)b;
            if (s->intervals[j].start < 1 || s->intervals[j].end <= s->intervals[j].start)
                return binlog_fail(err, BINLOG_ERR_BAD_EVENT,
                                   "GTID set: bad interval [%lld, %lld) for sid %llu",
                                   (long long)a, (long long)b, (unsigned long long)i);
        }
    }
    if (br_left(&r) != 0)
        return binlog_fail(err, BINLOG_ERR_BAD_EVENT, "GTID set: %zu trailing bytes",
                           br_left(&r));
    return 0;
}

int binlog_previous_gtids_decode(binlog_mysql_gtid_set *out, const binlog_event *ev, dm_err *err)
{
    char where_buf[128];
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = want_type(ev, BINLOG_PREVIOUS_GTIDS_EVENT, BINLOG_PREVIOUS_GTIDS_EVENT,
                        "PREVIOUS_GTIDS", err)))
        return rc;
    if ((rc = binlog_mysql_gtid_set_decode(out, ev->post, ev->post_len + ev->body_len, err)))
        return dm_err_prefix(err, "%s", WHERE(ev)), rc;
    return 0;
}

void binlog_mysql_gtid_set_fini(binlog_mysql_gtid_set *s)
{
    if (!s)
        return;
    for (uint64_t i = 0; i < s->n_sids; i++)
        free(s->sids[i].intervals);
    free(s->sids);
    s->sids = NULL;
    s->n_sids = 0;
}

int binlog_heartbeat_decode(binlog_heartbeat *out, const binlog_event *ev, dm_err *err)
{
    char where_buf[128];
    int rc;
    if ((rc = want_type(ev, BINLOG_HEARTBEAT_EVENT, BINLOG_HEARTBEAT_EVENT_V2, "HEARTBEAT", err)))
        return rc;
    memset(out, 0, sizeof *out);
    br r = region(ev);
    if (ev->header.type == BINLOG_HEARTBEAT_EVENT) {
        out->position = ev->header.log_pos;
        // MariaDB past 4 GiB: log_pos 0 and a u64 position before the name. Only a value
        // that could not fit log_pos is taken as that sub-header, so a file name is never
        // misread as a position.
        if (ev->header.log_pos == 0 && br_left(&r) >= 8 &&
            binlog_le(br_cur(&r), 8) > UINT32_MAX) {
            br_u64(&r, &out->position);
        }
        out->log_file.ptr = (const char *)br_cur(&r);
        out->log_file.len = br_left(&r);
        return 0;
    }
    while (br_left(&r) > 0) {
        uint64_t type, len;
        const uint8_t *p;
        if (!br_lenenc(&r, &type))
            return short_field(ev, "TLV type", err);
        if (type == 0)
            break;
        if (!br_lenenc(&r, &len) || len > br_left(&r) || !br_bytes(&r, (size_t)len, &p))
            return binlog_fail(err, BINLOG_ERR_TRUNCATED, "%s: TLV %llu runs past the event",
                               WHERE(ev), (unsigned long long)type);
        if (type == 1) {
            out->log_file.ptr = (const char *)p;
            out->log_file.len = (size_t)len;
        } else if (type == 2) {
            br v = br_make(p, (size_t)len);
            if (!br_lenenc(&v, &out->position))
                return short_field(ev, "position", err);
        }
    }
    return 0;
}

int binlog_xa_prepare_decode(binlog_xa_prepare *out, const binlog_event *ev, dm_err *err)
{
    char where_buf[128];
    int rc;
    if ((rc = want_type(ev, BINLOG_XA_PREPARE_EVENT, BINLOG_XA_PREPARE_EVENT, "XA_PREPARE", err)))
        return rc;
    br r = region(ev);
    uint8_t one;
    if (!br_u8(&r, &one) || !br_u32(&r, &out->format_id) || !br_u32(&r, &out->gtrid_len) ||
        !br_u32(&r, &out->bqual_len))
        return short_field(ev, "xid header", err);
    out->one_phase = one != 0;
    if (out->gtrid_len > 64 || out->bqual_len > 64)
        return binlog_fail(err, BINLOG_ERR_BAD_EVENT, "%s: gtrid/bqual lengths %u/%u exceed 64",
                           WHERE(ev), out->gtrid_len, out->bqual_len);
    if (!br_bytes(&r, (size_t)out->gtrid_len + out->bqual_len, &out->data))
        return short_field(ev, "xid data", err);
    return 0;
}

int binlog_incident_decode(binlog_incident *out, const binlog_event *ev, dm_err *err)
{
    int rc;
    if ((rc = want_type(ev, BINLOG_INCIDENT_EVENT, BINLOG_INCIDENT_EVENT, "INCIDENT", err)))
        return rc;
    br r = region(ev);
    memset(out, 0, sizeof *out);
    if (!br_u16(&r, &out->incident))
        return short_field(ev, "incident", err);
    if (br_left(&r) > 0 && !read_lstr(&r, &out->message))
        return short_field(ev, "message", err);
    return 0;
}

int binlog_rows_query_decode(binlog_str *out, const binlog_event *ev, dm_err *err)
{
    int rc;
    if ((rc = want_type(ev, BINLOG_ANNOTATE_ROWS_EVENT, BINLOG_ROWS_QUERY_EVENT,
                        "ANNOTATE_ROWS/ROWS_QUERY", err)))
        return rc;
    br r = region(ev);
    // ROWS_QUERY's length byte is truncated to 255 and ignored by the server's reader.
    if (ev->header.type == BINLOG_ROWS_QUERY_EVENT && !br_skip(&r, 1))
        return short_field(ev, "length", err);
    out->ptr = (const char *)br_cur(&r);
    out->len = br_left(&r);
    return 0;
}

static int zstd_inflate(dm_buf *scratch, const uint8_t *src, size_t n, uint64_t expect,
                        const binlog_event *ev, dm_err *err)
{
    char where_buf[128];
    int rc = 0;
    ZSTD_DStream *ds = ZSTD_createDStream();
    if (!ds)
        return binlog_fail(err, DM_ERR_NOMEM, "%s: no memory for a zstd stream", WHERE(ev));
    ZSTD_initDStream(ds);
    ZSTD_inBuffer in = {src, n, 0};
    size_t zr = 1;
    while (in.pos < in.size || zr != 0) {
        if ((rc = dm_buf_reserve(scratch, 65536))) {
            binlog_fail(err, rc, "%s: no memory while inflating", WHERE(ev));
            goto done;
        }
        ZSTD_outBuffer o = {scratch->data + scratch->len, scratch->cap - scratch->len, 0};
        zr = ZSTD_decompressStream(ds, &o, &in);
        if (ZSTD_isError(zr)) {
            rc = binlog_fail(err, BINLOG_ERR_DECOMPRESS, "%s: zstd: %s", WHERE(ev),
                             ZSTD_getErrorName(zr));
            goto done;
        }
        scratch->len += o.pos;
        if (scratch->len > BINLOG_MAX_DECOMPRESSED) {
            rc = binlog_fail(err, BINLOG_ERR_TOO_LARGE, "%s: payload inflates past 1 GiB",
                             WHERE(ev));
            goto done;
        }
        if (in.pos == in.size && o.pos == 0 && zr != 0) {
            rc = binlog_fail(err, BINLOG_ERR_DECOMPRESS, "%s: zstd frame is truncated",
                             WHERE(ev));
            goto done;
        }
    }
    scratch->data[scratch->len] = '\0';
    if (expect != UINT64_MAX && scratch->len != expect)
        rc = binlog_fail(err, BINLOG_ERR_DECOMPRESS,
                         "%s: payload inflated to %zu bytes, header says %llu", WHERE(ev),
                         scratch->len, (unsigned long long)expect);
done:
    ZSTD_freeDStream(ds);
    return rc;
}

int binlog_payload_decode(binlog_payload *out, const binlog_event *ev, dm_buf *scratch, dm_err *err)
{
    char where_buf[128];
    int rc;
    if ((rc = want_type(ev, BINLOG_TRANSACTION_PAYLOAD_EVENT, BINLOG_TRANSACTION_PAYLOAD_EVENT,
                        "TRANSACTION_PAYLOAD", err)))
        return rc;
    memset(out, 0, sizeof *out);
    br r = region(ev);
    bool have_size = false, have_usize = false;
    uint64_t comp = 0;
    for (;;) {
        uint64_t type, len;
        const uint8_t *p;
        if (!br_lenenc(&r, &type))
            return short_field(ev, "header TLV type", err);
        if (type == 0)
            break;
        if (!br_lenenc(&r, &len) || len > br_left(&r) || !br_bytes(&r, (size_t)len, &p))
            return binlog_fail(err, BINLOG_ERR_TRUNCATED, "%s: header TLV %llu runs past the event",
                               WHERE(ev), (unsigned long long)type);
        br v = br_make(p, (size_t)len);
        uint64_t x;
        if (type >= 1 && type <= 3 && !br_lenenc(&v, &x))
            return short_field(ev, "header TLV value", err);
        if (type == 1) {
            out->payload_size = x;
            have_size = true;
        } else if (type == 2) {
            comp = x;
        } else if (type == 3) {
            out->uncompressed_size = x;
            have_usize = true;
        }
    }
    if (!have_size)
        return binlog_fail(err, BINLOG_ERR_BAD_EVENT, "%s: no payload size in the header",
                           WHERE(ev));
    if (out->payload_size != br_left(&r))
        return binlog_fail(err, BINLOG_ERR_BAD_EVENT,
                           "%s: payload size %llu but %zu bytes follow the header", WHERE(ev),
                           (unsigned long long)out->payload_size, br_left(&r));
    if (comp == 255) {
        out->compression = 255;
        out->data = br_cur(&r);
        out->len = br_left(&r);
        return 0;
    }
    if (comp != 0)
        return binlog_fail(err, BINLOG_ERR_UNSUPPORTED,
                           "%s: compression type %llu is not supported (ZSTD 0, NONE 255)",
                           WHERE(ev), (unsigned long long)comp);
    if (have_usize && out->uncompressed_size > BINLOG_MAX_DECOMPRESSED)
        return binlog_fail(err, BINLOG_ERR_TOO_LARGE,
                           "%s: uncompressed size %llu exceeds the 1 GiB limit", WHERE(ev),
                           (unsigned long long)out->uncompressed_size);
    if (scratch == NULL)
        return binlog_fail(err, DM_ERR_INVALID_ARG, "%s: a scratch buffer is needed", WHERE(ev));
    dm_buf_reset(scratch);
    if ((rc = zstd_inflate(scratch, br_cur(&r), br_left(&r),
                           have_usize ? out->uncompressed_size : UINT64_MAX, ev, err)))
        return rc;
    out->compression = 0;
    out->data = (const uint8_t *)scratch->data;
    out->len = scratch->len;
    return 0;
}

int binlog_payload_next(binlog_event *out, bool *end, binlog_payload *p, const binlog_fde *fde,
                        uint64_t pos, dm_err *err)
{
    int rc;
    *end = false;
    if (p->offset >= p->len) {
        *end = true;
        return 0;
    }
    if ((rc = binlog_event_parse(out, fde, p->data + p->offset, p->len - p->offset, pos,
                                 BINLOG_PARSE_NO_CHECKSUM, err)))
        return dm_err_prefix(err, "TRANSACTION_PAYLOAD inner event at offset %zu", p->offset), rc;
    p->offset += out->size;
    return 0;
}

// ---------------------------------------------------------------------------------------
// Transaction boundaries

void binlog_trx_init(binlog_trx *t)
{
    memset(t, 0, sizeof *t);
    dm_buf_init(&t->scratch_);
}

void binlog_trx_fini(binlog_trx *t)
{
    if (t)
        dm_buf_fini(&t->scratch_);
}

// stmt_is: the statement is kw (case-insensitive), alone or followed by a space or ';'.
static bool stmt_is(binlog_str q, const char *kw)
{
    size_t i = 0, n = strlen(kw);
    while (i < q.len && isspace((unsigned char)q.ptr[i]))
        i++;
    if (q.len - i < n || strncasecmp(q.ptr + i, kw, n) != 0)
        return false;
    i += n;
    return i == q.len || isspace((unsigned char)q.ptr[i]) || q.ptr[i] == ';';
}

// skip_word drops the first word of q (and the blanks around it).
static binlog_str skip_word(binlog_str q)
{
    size_t i = 0;
    while (i < q.len && isspace((unsigned char)q.ptr[i]))
        i++;
    while (i < q.len && !isspace((unsigned char)q.ptr[i]))
        i++;
    binlog_str r = {q.ptr + i, q.len - i};
    return r;
}

int binlog_trx_feed(unsigned *out, binlog_trx *t, const binlog_event *ev, dm_err *err)
{
    int rc;
    *out = 0;
    switch (ev->header.type) {
    case BINLOG_MARIADB_GTID_EVENT: {
        binlog_mariadb_gtid_event g;
        if ((rc = binlog_mariadb_gtid_decode(&g, ev, err)))
            return rc;
        t->open = true;
        t->standalone = (g.flags2 & BINLOG_MDB_FL_STANDALONE) != 0;
        t->xa_prepare = (g.flags2 & BINLOG_MDB_FL_PREPARED_XA) != 0;
        t->mysql_first = false;
        *out = BINLOG_TRX_BEGIN;
        return 0;
    }
    case BINLOG_GTID_EVENT:
    case BINLOG_ANONYMOUS_GTID_EVENT:
        t->open = true;
        t->standalone = false;
        t->xa_prepare = false;
        t->mysql_first = true;
        *out = BINLOG_TRX_BEGIN;
        return 0;
    case BINLOG_QUERY_EVENT:
    case BINLOG_QUERY_COMPRESSED_EVENT: {
        binlog_query q;
        if ((rc = binlog_query_decode(&q, ev, &t->scratch_, err)))
            return rc;
        bool first = t->mysql_first;
        t->mysql_first = false;
        if (!t->open) {
            t->standalone = false;
            if (stmt_is(q.query, "BEGIN") || stmt_is(q.query, "XA START")) {
                t->open = true;
                *out = BINLOG_TRX_BEGIN;
            } else {
                *out = BINLOG_TRX_BEGIN | BINLOG_TRX_END;
            }
            return 0;
        }
        if (stmt_is(q.query, "BEGIN") || stmt_is(q.query, "XA START")) {
            *out = BINLOG_TRX_INSIDE;
            return 0;
        }
        if (t->standalone || (first && !stmt_is(q.query, "XA START")) ||
            stmt_is(q.query, "COMMIT") ||
            (stmt_is(q.query, "ROLLBACK") && !stmt_is(skip_word(q.query), "TO")) ||
            stmt_is(q.query, "XA COMMIT") || stmt_is(q.query, "XA ROLLBACK")) {
            t->open = false;
            t->standalone = false;
            *out = BINLOG_TRX_INSIDE | BINLOG_TRX_END;
            return 0;
        }
        *out = BINLOG_TRX_INSIDE;
        return 0;
    }
    case BINLOG_XID_EVENT:
    case BINLOG_XA_PREPARE_EVENT:
    case BINLOG_TRANSACTION_PAYLOAD_EVENT:
        *out = t->open ? (BINLOG_TRX_INSIDE | BINLOG_TRX_END) : (BINLOG_TRX_BEGIN | BINLOG_TRX_END);
        t->open = false;
        t->mysql_first = false;
        t->standalone = false;
        return 0;
    case BINLOG_FORMAT_DESCRIPTION_EVENT:
    case BINLOG_ROTATE_EVENT:
    case BINLOG_STOP_EVENT:
    case BINLOG_HEARTBEAT_EVENT:
    case BINLOG_HEARTBEAT_EVENT_V2:
    case BINLOG_GTID_LIST_EVENT:
    case BINLOG_PREVIOUS_GTIDS_EVENT:
    case BINLOG_BINLOG_CHECKPOINT_EVENT:
    case BINLOG_START_ENCRYPTION_EVENT:
    case BINLOG_INCIDENT_EVENT:
        return 0;
    default:
        *out = t->open ? BINLOG_TRX_INSIDE : 0;
        return 0;
    }
}
