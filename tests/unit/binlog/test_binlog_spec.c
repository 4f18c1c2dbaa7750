// Events built byte by byte from the format reference (docs/binlog.md,
// shared/reference/BINLOG.md) for what a MariaDB server cannot produce: MySQL GTID events
// with their 8.0 tails, PREVIOUS_GTIDS, v2 rows with extra info, binary JSON, partial JSON,
// TRANSACTION_PAYLOAD, HEARTBEAT v2, MariaDB's 64-bit heartbeat and fake ROTATE, every
// QUERY status variable; plus malformed variants that must give clear errors.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "binlog.h"
#include "binlog_test_util.h"
#include "dm_buf.h"

// bb: a byte builder over dm_buf.
static void put(dm_buf *b, const void *p, size_t n) { assert_int_equal(dm_buf_append(b, p, n), 0); }
static void u8(dm_buf *b, uint8_t v) { put(b, &v, 1); }
static void le(dm_buf *b, uint64_t v, unsigned n)
{
    uint8_t t[8];
    bt_put_le(t, v, n);
    put(b, t, n);
}
static void lenenc(dm_buf *b, uint64_t v)
{
    if (v < 251) {
        u8(b, (uint8_t)v);
    } else if (v < 65536) {
        u8(b, 0xFC);
        le(b, v, 2);
    } else if (v < (1u << 24)) {
        u8(b, 0xFD);
        le(b, v, 3);
    } else {
        u8(b, 0xFE);
        le(b, v, 8);
    }
}
static void str(dm_buf *b, const char *s) { put(b, s, strlen(s)); }

typedef struct evbuf {
    uint8_t *data;
    size_t len;
    binlog_event ev;
} evbuf;

static binlog_fde mysql_fde;

// mk builds and parses an event of type from b (freed by drop).
static void mk(evbuf *e, uint8_t type, dm_buf *b, uint32_t log_pos, uint16_t flags, int crc)
{
    e->data = bt_event(type, b->data, b->len, log_pos, flags, crc, &e->len);
    binlog_fde f = mysql_fde;
    f.checksum_alg = crc ? BINLOG_CHECKSUM_CRC32 : BINLOG_CHECKSUM_OFF;
    dm_err err;
    if (binlog_event_parse(&e->ev, &f, e->data, e->len, 100, BINLOG_PARSE_VERIFY_CHECKSUM, &err))
        fail_msg("%s", err.message);
    dm_buf_reset(b);
}
static void drop(evbuf *e) { free(e->data); }

static int setup(void **state)
{
    (void)state;
    // A MySQL 8.0 FDE from the spec: version, 50-byte server version, created, header
    // length, post-header lengths, checksum algorithm, CRC.
    dm_buf b;
    dm_buf_init(&b);
    binlog_fde def;
    binlog_fde_init_default(&def, BINLOG_FLAVOR_MYSQL, BINLOG_CHECKSUM_OFF);
    le(&b, 4, 2);
    char ver[50] = "8.0.36";
    put(&b, ver, 50);
    le(&b, 0, 4);
    u8(&b, 19);
    put(&b, def.post_header_len + 1, 41);
    u8(&b, BINLOG_CHECKSUM_CRC32);
    size_t len;
    uint8_t *e = bt_event(BINLOG_FORMAT_DESCRIPTION_EVENT, b.data, b.len, 0, 0, 1, &len);
    assert_int_equal(binlog_fde_decode(&mysql_fde, e, len, NULL), 0);
    free(e);
    dm_buf_fini(&b);
    return 0;
}

static void test_mysql_fde(void **state)
{
    (void)state;
    assert_int_equal(mysql_fde.flavor, BINLOG_FLAVOR_MYSQL);
    assert_int_equal(mysql_fde.checksum_alg, BINLOG_CHECKSUM_CRC32);
    assert_int_equal(mysql_fde.n_post_header, 41);
    assert_int_equal(mysql_fde.post_header_len[BINLOG_GTID_EVENT], 42);
    assert_int_equal(mysql_fde.post_header_len[BINLOG_WRITE_ROWS_EVENT], 10);
    assert_int_equal(mysql_fde.version_num, 80036);
    assert_string_equal(mysql_fde.server_version, "8.0.36");
}

static void test_mysql_gtid(void **state)
{
    (void)state;
    dm_buf b;
    dm_buf_init(&b);
    evbuf e;
    binlog_mysql_gtid_event g;
    uint8_t sid[16];
    for (int i = 0; i < 16; i++)
        sid[i] = (uint8_t)(0xA0 + i);
    // 8.0 with every tail: commit timestamps with the "original follows" bit, a 2-byte
    // lenenc transaction length, server versions with the "original follows" bit
    u8(&b, 1);
    put(&b, sid, 16);
    le(&b, 5, 8);
    u8(&b, 2);
    le(&b, 7, 8);
    le(&b, 8, 8);
    le(&b, 1700000000123456ull | (1ull << 55), 7);
    le(&b, 1700000000000001ull, 7);
    lenenc(&b, 300);
    le(&b, 80036u | 0x80000000u, 4);
    le(&b, 80030, 4);
    mk(&e, BINLOG_GTID_EVENT, &b, 500, 0, 1);
    assert_int_equal(binlog_mysql_gtid_decode(&g, &e.ev, NULL), 0);
    assert_false(g.anonymous);
    assert_memory_equal(g.sid, sid, 16);
    assert_int_equal(g.gno, 5);
    assert_int_equal(g.last_committed, 7);
    assert_int_equal(g.sequence_number, 8);
    assert_true(g.has_commit_ts);
    assert_int_equal(g.immediate_commit_ts, 1700000000123456ull);
    assert_int_equal(g.original_commit_ts, 1700000000000001ull);
    assert_true(g.has_trx_length);
    assert_int_equal(g.transaction_length, 300);
    assert_int_equal(g.immediate_server_version, 80036);
    assert_int_equal(g.original_server_version, 80030);
    drop(&e);

    // 5.7: the post-header only; ANONYMOUS_GTID
    u8(&b, 1);
    put(&b, (uint8_t[16]){0}, 16);
    le(&b, 0, 8);
    u8(&b, 2);
    le(&b, 3, 8);
    le(&b, 4, 8);
    mk(&e, BINLOG_ANONYMOUS_GTID_EVENT, &b, 600, 0, 0);
    assert_int_equal(binlog_mysql_gtid_decode(&g, &e.ev, NULL), 0);
    assert_true(g.anonymous);
    assert_int_equal(g.gno, 0);
    assert_false(g.has_commit_ts);
    assert_int_equal(g.sequence_number, 4);
    drop(&e);

    // original commit timestamp announced but missing
    u8(&b, 1);
    put(&b, sid, 16);
    le(&b, 5, 8);
    u8(&b, 2);
    le(&b, 7, 8);
    le(&b, 8, 8);
    le(&b, 1ull << 55, 7);
    mk(&e, BINLOG_GTID_EVENT, &b, 500, 0, 0);
    dm_err err;
    assert_int_equal(binlog_mysql_gtid_decode(&g, &e.ev, &err), BINLOG_ERR_TRUNCATED);
    assert_non_null(strstr(err.message, "original_commit_timestamp"));
    assert_non_null(strstr(err.message, "GTID event"));
    drop(&e);
    dm_buf_fini(&b);
}

static void test_previous_gtids(void **state)
{
    (void)state;
    dm_buf b;
    dm_buf_init(&b);
    evbuf e;
    binlog_mysql_gtid_set s;
    le(&b, 2, 8);
    put(&b, "0123456789abcdef", 16);
    le(&b, 2, 8);
    le(&b, 1, 8);
    le(&b, 6, 8);
    le(&b, 7, 8);
    le(&b, 8, 8);
    put(&b, "ABCDEFGHIJKLMNOP", 16);
    le(&b, 1, 8);
    le(&b, 1, 8);
    le(&b, 101, 8);
    mk(&e, BINLOG_PREVIOUS_GTIDS_EVENT, &b, 200, 0, 1);
    assert_int_equal(binlog_previous_gtids_decode(&s, &e.ev, NULL), 0);
    assert_int_equal(s.n_sids, 2);
    assert_memory_equal(s.sids[0].sid, "0123456789abcdef", 16);
    assert_int_equal(s.sids[0].n_intervals, 2);
    assert_int_equal(s.sids[0].intervals[0].start, 1);
    assert_int_equal(s.sids[0].intervals[0].end, 6);
    assert_int_equal(s.sids[0].intervals[1].start, 7);
    assert_int_equal(s.sids[1].intervals[0].end, 101);
    binlog_mysql_gtid_set_fini(&s);
    drop(&e);

    // a count that cannot fit, an empty interval, a tagged set
    dm_err err;
    le(&b, 1000000, 8);
    mk(&e, BINLOG_PREVIOUS_GTIDS_EVENT, &b, 200, 0, 0);
    assert_int_equal(binlog_previous_gtids_decode(&s, &e.ev, &err), BINLOG_ERR_TRUNCATED);
    assert_non_null(strstr(err.message, "PREVIOUS_GTIDS"));
    binlog_mysql_gtid_set_fini(&s);
    drop(&e);
    le(&b, 1, 8);
    put(&b, "0123456789abcdef", 16);
    le(&b, 1, 8);
    le(&b, 5, 8);
    le(&b, 5, 8);
    mk(&e, BINLOG_PREVIOUS_GTIDS_EVENT, &b, 200, 0, 0);
    assert_int_equal(binlog_previous_gtids_decode(&s, &e.ev, &err), BINLOG_ERR_BAD_EVENT);
    binlog_mysql_gtid_set_fini(&s);
    drop(&e);
    le(&b, 1ull << 56 | 1, 8);
    mk(&e, BINLOG_PREVIOUS_GTIDS_EVENT, &b, 200, 0, 0);
    assert_int_equal(binlog_previous_gtids_decode(&s, &e.ev, &err), BINLOG_ERR_UNSUPPORTED);
    binlog_mysql_gtid_set_fini(&s);
    drop(&e);
    dm_buf_fini(&b);
}

// json_doc: {"a": [1, 2.5, "x"], "b": null} in MySQL binary JSON (small object).
static const uint8_t json_doc[] = {
    0x00, 0x02, 0x00, 0x2B, 0x00,                   // object: count 2, size 43
    0x12, 0x00, 0x01, 0x00, 0x13, 0x00, 0x01, 0x00, // keys at 18 and 19, length 1
    0x02, 0x14, 0x00, 0x04, 0x00, 0x00,             // a: small array at 20; b: literal null
    'a', 'b',
    0x03, 0x00, 0x17, 0x00,                         // array: count 3, size 23
    0x05, 0x01, 0x00, 0x0B, 0x0D, 0x00, 0x0C, 0x15, 0x00, // int16 1; double at 13; string at 21
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x40, // 2.5
    0x01, 'x'};

static void test_binary_json(void **state)
{
    (void)state;
    dm_buf out;
    dm_buf_init(&out);
    dm_err err;
    assert_int_equal(binlog_json_to_text(&out, json_doc, sizeof json_doc, NULL), 0);
    assert_string_equal(out.data, "{\"a\": [1, 2.5, \"x\"], \"b\": null}");

    // opaque DECIMAL(4,2) 12.34 and DATETIME 2024-01-02 03:04:05.000006, a string with
    // characters to escape, int64 and uint64, true/false, in a large array
    uint64_t ymd = ((2024ull * 13 + 1) << 5) | 2, hms = (3u << 12) | (4u << 6) | 5;
    uint64_t packed = ((ymd << 17) | hms) << 24 | 6;
    dm_buf b;
    dm_buf_init(&b);
    u8(&b, 0x03); // large array
    le(&b, 6, 4);
    size_t size_at = b.len;
    le(&b, 0, 4);
    size_t entries = b.len;
    for (int i = 0; i < 6; i++) {
        u8(&b, 0);
        le(&b, 0, 4);
    }
    uint8_t *base = NULL;
    size_t offs[6];
    offs[0] = b.len - 1;
    u8(&b, 246);
    u8(&b, 4);
    put(&b, (uint8_t[]){4, 2, 0x8C, 0x22}, 4);
    offs[1] = b.len - 1;
    u8(&b, 12);
    u8(&b, 8);
    le(&b, packed, 8);
    offs[2] = b.len - 1;
    u8(&b, 5);
    put(&b, "q\"\\\n\x01", 5);
    offs[3] = b.len - 1;
    le(&b, (uint64_t)-5, 8);
    offs[4] = b.len - 1;
    le(&b, UINT64_MAX, 8);
    base = (uint8_t *)b.data;
    uint8_t types[6] = {0x0F, 0x0F, 0x0C, 0x09, 0x0A, 0x04};
    for (int i = 0; i < 6; i++) {
        base[entries + i * 5] = types[i];
        bt_put_le(base + entries + i * 5 + 1, i == 5 ? 1 : offs[i], 4);
    }
    bt_put_le(base + size_at, b.len - 1, 4);
    dm_buf_reset(&out);
    assert_int_equal(binlog_json_to_text(&out, b.data, b.len, &err), 0);
    assert_string_equal(strstr(out.data, "["),
                        "[12.34, \"2024-01-02 03:04:05.000006\", \"q\\\"\\\\\\n\\u0001\", -5, "
                        "18446744073709551615, true]");

    // broken: offsets past the container, truncated, too deep
    dm_buf_reset(&out);
    uint8_t bad[sizeof json_doc];
    memcpy(bad, json_doc, sizeof bad);
    bad[14] = 0x7F;
    assert_int_equal(binlog_json_to_text(&out, bad, sizeof bad, &err), BINLOG_ERR_BAD_VALUE);
    assert_non_null(strstr(err.message, "binary JSON"));
    for (size_t n = 0; n < sizeof json_doc; n++) {
        dm_buf_reset(&out);
        assert_int_not_equal(binlog_json_to_text(&out, json_doc, n, NULL), 0);
    }
    // 200 nested arrays: each level holds one entry pointing just past its header
    dm_buf_reset(&b);
    u8(&b, 0x02);
    for (int k = 0; k < 200; k++) {
        le(&b, 1, 2);
        le(&b, 7 * (200 - k) + 1, 2);
        put(&b, (uint8_t[]){0x02, 0x07, 0x00}, 3);
    }
    u8(&b, 0);
    assert_int_equal(binlog_json_to_text(&out, b.data, b.len, &err), BINLOG_ERR_BAD_VALUE);
    assert_non_null(strstr(err.message, "deeper than 100"));
    dm_buf_fini(&b);
    dm_buf_fini(&out);
}

// table_map_ij: TABLE_MAP for db.t (id INT UNSIGNED NOT NULL, j JSON, d DECIMAL(4,2)) with
// SIGNEDNESS and COLUMN_NAME optional metadata.
static void table_map_ij(dm_buf *b, uint64_t id)
{
    le(b, id, 6);
    le(b, 1, 2);
    u8(b, 2);
    str(b, "db");
    u8(b, 0);
    u8(b, 1);
    str(b, "t");
    u8(b, 0);
    lenenc(b, 3);
    put(b, (uint8_t[]){BINLOG_TYPE_LONG, BINLOG_TYPE_JSON, BINLOG_TYPE_NEWDECIMAL}, 3);
    lenenc(b, 3);
    put(b, (uint8_t[]){4, 4, 2}, 3);
    u8(b, 0x06); // j and d nullable
    u8(b, 1);    // SIGNEDNESS: id unsigned, d signed (MSB first over numeric columns)
    lenenc(b, 1);
    u8(b, 0x80);
    u8(b, 4); // COLUMN_NAME
    lenenc(b, 7);
    put(b, "\x02" "id" "\x01" "j" "\x01" "d", 7);
}

static void test_rows_v2_json(void **state)
{
    (void)state;
    dm_buf b, sql;
    dm_buf_init(&b);
    dm_buf_init(&sql);
    evbuf e;
    binlog_table_map *tm;
    dm_err err;
    table_map_ij(&b, 42);
    mk(&e, BINLOG_TABLE_MAP_EVENT, &b, 300, 0, 1);
    if (binlog_table_map_decode(&tm, &mysql_fde, &e.ev, &err))
        fail_msg("%s", err.message);
    drop(&e);
    assert_int_equal(tm->columns[0].is_unsigned, 1);
    assert_int_equal(tm->columns[2].is_unsigned, 0);
    assert_int_equal(tm->columns[1].name.len, 1);
    assert_false(tm->columns[0].nullable);

    // WRITE_ROWS v2 with partition extra info: (4294967295, json_doc, -1.50), (1, NULL, 0.00)
    le(&b, 42, 6);
    le(&b, 1, 2);
    le(&b, 2 + 3, 2);
    u8(&b, 1);
    le(&b, 3, 2);
    lenenc(&b, 3);
    u8(&b, 0x07);
    u8(&b, 0x00);
    le(&b, 4294967295u, 4);
    le(&b, sizeof json_doc, 4);
    put(&b, json_doc, sizeof json_doc);
    put(&b, (uint8_t[]){0x7E, 0xCD}, 2); // -1.50: 1 byte integer part, 1 byte fraction
    u8(&b, 0x02);
    le(&b, 1, 4);
    put(&b, (uint8_t[]){0x80, 0x00}, 2);
    mk(&e, BINLOG_WRITE_ROWS_EVENT, &b, 400, 0, 1);
    binlog_rows rows;
    assert_int_equal(binlog_rows_decode(&rows, &mysql_fde, &e.ev, NULL, &err), 0);
    assert_int_equal(rows.version, 2);
    assert_int_equal(rows.partition_id, 3);
    assert_int_equal(rows.kind, BINLOG_ROWS_WRITE);
    binlog_row row;
    binlog_row_init(&row);
    bool end;
    assert_int_equal(binlog_rows_next(&row, &end, &rows, tm, &err), 0);
    assert_false(end);
    assert_int_equal(row.after[0].kind, BINLOG_VALUE_UINT);
    assert_int_equal(row.after[0].u, 4294967295u);
    assert_int_equal(row.after[1].kind, BINLOG_VALUE_JSON);
    assert_int_equal(binlog_value_to_sql(&sql, &row.after[1], NULL, NULL), 0);
    assert_string_equal(sql.data, "'{\"a\": [1, 2.5, \"x\"], \"b\": null}'");
    assert_int_equal(row.after[2].kind, BINLOG_VALUE_DECIMAL);
    assert_int_equal(row.after[2].str.len, 5);
    assert_memory_equal(row.after[2].str.ptr, "-1.50", 5);
    assert_int_equal(binlog_rows_next(&row, &end, &rows, tm, &err), 0);
    assert_int_equal(row.after[1].kind, BINLOG_VALUE_NULL);
    assert_memory_equal(row.after[2].str.ptr, "0.00", 4);
    assert_int_equal(binlog_rows_next(&row, &end, &rows, tm, &err), 0);
    assert_true(end);
    drop(&e);

    // PARTIAL_UPDATE_ROWS: before image (1, json_doc, NULL); after: value_options
    // PARTIAL_JSON, j partial with a REPLACE of $.a by 5 and a REMOVE of $.b
    le(&b, 42, 6);
    le(&b, 1, 2);
    le(&b, 2, 2);
    lenenc(&b, 3);
    u8(&b, 0x07);
    u8(&b, 0x03);
    u8(&b, 0x04);
    le(&b, 1, 4);
    le(&b, sizeof json_doc, 4);
    put(&b, json_doc, sizeof json_doc);
    lenenc(&b, 1);
    u8(&b, 0x01);
    u8(&b, 0x00);
    le(&b, 1, 4);
    le(&b, 1 + 1 + 3 + 1 + 3 + 1 + 1 + 3, 4);
    put(&b, (uint8_t[]){0, 3, '$', '.', 'a', 3, 0x05, 0x05, 0x00}, 9);
    put(&b, (uint8_t[]){2, 3, '$', '.', 'b'}, 5);
    mk(&e, BINLOG_PARTIAL_UPDATE_ROWS_EVENT, &b, 500, 0, 1);
    assert_int_equal(binlog_rows_decode(&rows, &mysql_fde, &e.ev, NULL, &err), 0);
    assert_int_equal(rows.kind, BINLOG_ROWS_PARTIAL_UPDATE);
    if (binlog_rows_next(&row, &end, &rows, tm, &err))
        fail_msg("%s", err.message);
    assert_int_equal(row.value_options, 1);
    assert_int_equal(row.before[1].kind, BINLOG_VALUE_JSON);
    assert_int_equal(row.before[2].kind, BINLOG_VALUE_NULL);
    assert_int_equal(row.after[2].kind, BINLOG_VALUE_ABSENT);
    assert_int_equal(row.after[1].kind, BINLOG_VALUE_JSON_DIFF);
    dm_buf_reset(&sql);
    assert_int_equal(binlog_json_diff_to_sql(&sql, &row.after[1], "`j`", &err), 0);
    assert_string_equal(sql.data, "JSON_REMOVE(JSON_REPLACE(`j`, _utf8mb4 0x242e61, CAST(_utf8mb4 "
                                  "0x35 AS JSON)), _utf8mb4 0x242e62)");
    assert_int_equal(binlog_value_to_sql(&sql, &row.after[1], NULL, &err), DM_ERR_INVALID_ARG);
    drop(&e);

    // a broken binary JSON value: the error names the row, the column and the JSON problem
    le(&b, 42, 6);
    le(&b, 1, 2);
    le(&b, 2, 2);
    lenenc(&b, 3);
    u8(&b, 0x07);
    u8(&b, 0x04);
    le(&b, 1, 4);
    le(&b, 3, 4);
    put(&b, (uint8_t[]){0x00, 0x05, 0x00}, 3);
    mk(&e, BINLOG_WRITE_ROWS_EVENT, &b, 400, 0, 1);
    assert_int_equal(binlog_rows_decode(&rows, &mysql_fde, &e.ev, NULL, &err), 0);
    assert_int_equal(binlog_rows_next(&row, &end, &rows, tm, &err), BINLOG_ERR_BAD_VALUE);
    assert_non_null(strstr(err.message, "row of db.t, column 2 `j`"));
    assert_non_null(strstr(err.message, "binary JSON: container header is truncated"));
    drop(&e);

    // a rows event for another table id, or with another column count
    le(&b, 43, 6);
    le(&b, 1, 2);
    le(&b, 2, 2);
    lenenc(&b, 3);
    u8(&b, 0x07);
    u8(&b, 0x06);
    le(&b, 1, 4);
    mk(&e, BINLOG_WRITE_ROWS_EVENT, &b, 400, 0, 1);
    assert_int_equal(binlog_rows_decode(&rows, &mysql_fde, &e.ev, NULL, &err), 0);
    assert_int_equal(binlog_rows_next(&row, &end, &rows, tm, &err), BINLOG_ERR_TABLE_MAP);
    assert_non_null(strstr(err.message, "table id 43"));
    drop(&e);

    binlog_row_fini(&row);
    binlog_table_map_destroy(tm);
    dm_buf_fini(&b);
    dm_buf_fini(&sql);
}

static void test_bad_table_maps(void **state)
{
    (void)state;
    dm_buf b;
    dm_buf_init(&b);
    evbuf e;
    binlog_table_map *tm;
    dm_err err;
    // DECIMAL(70, 2): beyond precision 65
    table_map_ij(&b, 1);
    b.data[6 + 2 + 4 + 3 + 1 + 3 + 1 + 1] = 70;
    mk(&e, BINLOG_TABLE_MAP_EVENT, &b, 300, 0, 0);
    assert_int_equal(binlog_table_map_decode(&tm, &mysql_fde, &e.ev, &err), BINLOG_ERR_BAD_EVENT);
    assert_null(tm);
    assert_non_null(strstr(err.message, "DECIMAL(70,2)"));
    drop(&e);
    // a column count as an 8-byte lenenc far beyond the event
    le(&b, 1, 6);
    le(&b, 0, 2);
    put(&b, "\x01" "d\x00\x01t\x00", 6);
    u8(&b, 0xFE);
    le(&b, UINT64_MAX, 8);
    mk(&e, BINLOG_TABLE_MAP_EVENT, &b, 300, 0, 0);
    assert_int_equal(binlog_table_map_decode(&tm, &mysql_fde, &e.ev, &err), BINLOG_ERR_BAD_EVENT);
    assert_non_null(strstr(err.message, "column count"));
    drop(&e);
    // SIGNEDNESS bitmap missing, COLUMN_NAME with too many names
    table_map_ij(&b, 1);
    b.len -= 9 + 3;
    u8(&b, 1);
    lenenc(&b, 0);
    mk(&e, BINLOG_TABLE_MAP_EVENT, &b, 300, 0, 0);
    assert_int_equal(binlog_table_map_decode(&tm, &mysql_fde, &e.ev, &err), BINLOG_ERR_TRUNCATED);
    assert_non_null(strstr(err.message, "SIGNEDNESS"));
    drop(&e);
    table_map_ij(&b, 1);
    b.data[b.len - 8] = 9;
    put(&b, "\x01x", 2);
    mk(&e, BINLOG_TABLE_MAP_EVENT, &b, 300, 0, 0);
    assert_int_equal(binlog_table_map_decode(&tm, &mysql_fde, &e.ev, &err), BINLOG_ERR_BAD_EVENT);
    assert_non_null(strstr(err.message, "COLUMN_NAME"));
    drop(&e);
    // BIT(65) metadata, TIME2 fsp 7
    le(&b, 1, 6);
    le(&b, 0, 2);
    put(&b, "\x01" "d\x00\x01t\x00", 6);
    lenenc(&b, 2);
    put(&b, (uint8_t[]){BINLOG_TYPE_BIT, BINLOG_TYPE_TIME2}, 2);
    lenenc(&b, 3);
    put(&b, (uint8_t[]){1, 8, 6}, 3);
    u8(&b, 0);
    mk(&e, BINLOG_TABLE_MAP_EVENT, &b, 300, 0, 0);
    assert_int_equal(binlog_table_map_decode(&tm, &mysql_fde, &e.ev, &err), BINLOG_ERR_BAD_EVENT);
    assert_non_null(strstr(err.message, "column 0 (type 16)"));
    drop(&e);
    dm_buf_fini(&b);
}

static void test_payload(void **state)
{
    (void)state;
    dm_buf inner, b, scratch;
    dm_buf_init(&inner);
    dm_buf_init(&b);
    dm_buf_init(&scratch);
    // inner events without CRC: QUERY BEGIN, TABLE_MAP, WRITE_ROWS v2, XID
    size_t n;
    uint8_t *e;
    le(&b, 1, 4);
    le(&b, 0, 4);
    u8(&b, 0);
    le(&b, 0, 2);
    le(&b, 0, 2);
    u8(&b, 0);
    str(&b, "BEGIN");
    e = bt_event(BINLOG_QUERY_EVENT, b.data, b.len, 0, 0, 0, &n);
    put(&inner, e, n);
    free(e);
    dm_buf_reset(&b);
    table_map_ij(&b, 9);
    e = bt_event(BINLOG_TABLE_MAP_EVENT, b.data, b.len, 0, 0, 0, &n);
    put(&inner, e, n);
    free(e);
    dm_buf_reset(&b);
    le(&b, 9, 6);
    le(&b, 1, 2);
    le(&b, 2, 2);
    lenenc(&b, 3);
    u8(&b, 0x07);
    u8(&b, 0x06);
    le(&b, 77, 4);
    e = bt_event(BINLOG_WRITE_ROWS_EVENT, b.data, b.len, 0, 0, 0, &n);
    put(&inner, e, n);
    free(e);
    dm_buf_reset(&b);
    le(&b, 1234, 8);
    e = bt_event(BINLOG_XID_EVENT, b.data, b.len, 0, 0, 0, &n);
    put(&inner, e, n);
    free(e);
    dm_buf_reset(&b);

    for (int compress = 0; compress < 2; compress++) {
        uint8_t z[4096];
        size_t zl = compress ? ZSTD_compress(z, sizeof z, inner.data, inner.len, 3) : inner.len;
        if (!compress)
            memcpy(z, inner.data, inner.len);
        assert_false(ZSTD_isError(zl));
        lenenc(&b, 1);
        lenenc(&b, zl < 251 ? 1 : 3);
        lenenc(&b, zl);
        lenenc(&b, 2);
        lenenc(&b, compress ? 1 : 3);
        lenenc(&b, compress ? 0 : 255);
        if (compress) {
            lenenc(&b, 3);
            lenenc(&b, inner.len < 251 ? 1 : 3);
            lenenc(&b, inner.len);
        }
        lenenc(&b, 0);
        put(&b, z, zl);
        evbuf ev;
        mk(&ev, BINLOG_TRANSACTION_PAYLOAD_EVENT, &b, 900, 0, 1);
        binlog_payload p;
        dm_err err;
        if (binlog_payload_decode(&p, &ev.ev, &scratch, &err))
            fail_msg("%s", err.message);
        assert_int_equal(p.len, inner.len);
        uint8_t types[4];
        int k = 0;
        binlog_table_map *tm = NULL;
        for (;;) {
            binlog_event in;
            bool end;
            assert_int_equal(binlog_payload_next(&in, &end, &p, &mysql_fde, 900, &err), 0);
            if (end)
                break;
            assert_true(k < 4);
            types[k++] = in.header.type;
            if (in.header.type == BINLOG_TABLE_MAP_EVENT)
                assert_int_equal(binlog_table_map_decode(&tm, &mysql_fde, &in, NULL), 0);
            if (in.header.type == BINLOG_WRITE_ROWS_EVENT) {
                binlog_rows rows;
                binlog_row row;
                bool rend;
                binlog_row_init(&row);
                assert_int_equal(binlog_rows_decode(&rows, &mysql_fde, &in, NULL, NULL), 0);
                assert_int_equal(binlog_rows_next(&row, &rend, &rows, tm, NULL), 0);
                assert_int_equal(row.after[0].u, 77);
                binlog_row_fini(&row);
            }
        }
        assert_int_equal(k, 4);
        assert_memory_equal(types, ((uint8_t[]){2, 19, 30, 16}), 4);
        binlog_table_map_destroy(tm);
        // MySQL transaction boundaries: GTID begins, the payload ends
        binlog_trx trx;
        unsigned tb;
        binlog_trx_init(&trx);
        evbuf g;
        u8(&b, 1);
        put(&b, (uint8_t[16]){1}, 16);
        le(&b, 9, 8);
        u8(&b, 2);
        le(&b, 0, 8);
        le(&b, 1, 8);
        mk(&g, BINLOG_GTID_EVENT, &b, 100, 0, 0);
        assert_int_equal(binlog_trx_feed(&tb, &trx, &g.ev, NULL), 0);
        assert_int_equal(tb, BINLOG_TRX_BEGIN);
        assert_int_equal(binlog_trx_feed(&tb, &trx, &ev.ev, NULL), 0);
        assert_int_equal(tb, BINLOG_TRX_INSIDE | BINLOG_TRX_END);
        binlog_trx_fini(&trx);
        drop(&g);
        if (compress) {
            // corrupt the zstd frame's magic number
            uint8_t *m = memmem(ev.data, ev.len, "\x28\xb5\x2f\xfd", 4);
            assert_non_null(m);
            m[0] ^= 0xFF;
            binlog_event bad;
            assert_int_equal(binlog_event_parse(&bad, &mysql_fde, ev.data, ev.len, 5, 0, NULL), 0);
            int rc = binlog_payload_decode(&p, &bad, &scratch, &err);
            assert_true(rc == BINLOG_ERR_DECOMPRESS);
            assert_non_null(strstr(err.message, "TRANSACTION_PAYLOAD"));
        }
        drop(&ev);
    }
    dm_buf_fini(&inner);
    dm_buf_fini(&b);
    dm_buf_fini(&scratch);
}

static void test_heartbeats_and_rotate(void **state)
{
    (void)state;
    dm_buf b;
    dm_buf_init(&b);
    evbuf e;
    binlog_heartbeat hb;
    uint64_t big = 5ull << 30;
    // HEARTBEAT_V2: TLV file name, position (lenenc inside), end
    lenenc(&b, 1);
    lenenc(&b, 13);
    str(&b, "binlog.000042");
    lenenc(&b, 2);
    lenenc(&b, 9);
    lenenc(&b, big);
    lenenc(&b, 0);
    mk(&e, BINLOG_HEARTBEAT_EVENT_V2, &b, 0, 0, 1);
    assert_int_equal(binlog_heartbeat_decode(&hb, &e.ev, NULL), 0);
    assert_int_equal(hb.position, big);
    assert_int_equal(hb.log_file.len, 13);
    assert_memory_equal(hb.log_file.ptr, "binlog.000042", 13);
    drop(&e);
    // MariaDB v1 past 4 GiB: log_pos 0, u64 position, then the name
    le(&b, big, 8);
    str(&b, "binlog.000007");
    mk(&e, BINLOG_HEARTBEAT_EVENT, &b, 0, 0, 1);
    assert_int_equal(binlog_heartbeat_decode(&hb, &e.ev, NULL), 0);
    assert_int_equal(hb.position, big);
    assert_int_equal(hb.log_file.len, 13);
    drop(&e);
    // v1 below 4 GiB: the position is log_pos
    str(&b, "binlog.000007");
    mk(&e, BINLOG_HEARTBEAT_EVENT, &b, 1234, 0, 0);
    assert_int_equal(binlog_heartbeat_decode(&hb, &e.ev, NULL), 0);
    assert_int_equal(hb.position, 1234);
    assert_memory_equal(hb.log_file.ptr, "binlog.000007", 13);
    drop(&e);
    // fake ROTATE with a 64-bit position
    binlog_rotate rot;
    le(&b, big + 4, 8);
    str(&b, "binlog.000008");
    mk(&e, BINLOG_ROTATE_EVENT, &b, 0, BINLOG_F_ARTIFICIAL, 0);
    assert_int_equal(binlog_rotate_decode(&rot, &e.ev, NULL), 0);
    assert_true(rot.artificial);
    assert_int_equal(rot.position, big + 4);
    assert_int_equal(rot.next_file.len, 13);
    drop(&e);
    // INCIDENT and ROWS_QUERY
    binlog_incident inc;
    le(&b, 1, 2);
    u8(&b, 4);
    str(&b, "lost");
    mk(&e, BINLOG_INCIDENT_EVENT, &b, 10, 0, 1);
    assert_int_equal(binlog_incident_decode(&inc, &e.ev, NULL), 0);
    assert_int_equal(inc.incident, 1);
    assert_int_equal(inc.message.len, 4);
    drop(&e);
    binlog_str s;
    u8(&b, 8);
    str(&b, "INSERT 1");
    mk(&e, BINLOG_ROWS_QUERY_EVENT, &b, 10, 0, 1);
    assert_int_equal(binlog_rows_query_decode(&s, &e.ev, NULL), 0);
    assert_int_equal(s.len, 8);
    drop(&e);
    // an unknown type: parsed by size, ignorable only with the flag
    str(&b, "whatever");
    mk(&e, 99, &b, 10, BINLOG_F_IGNORABLE, 1);
    assert_true(binlog_event_is_ignorable(&e.ev));
    assert_int_equal(e.ev.body_len, 8);
    drop(&e);
    str(&b, "whatever");
    mk(&e, 99, &b, 10, 0, 1);
    assert_false(binlog_event_is_ignorable(&e.ev));
    dm_err err;
    assert_int_equal(binlog_xid_decode(&big, &e.ev, &err), BINLOG_ERR_WRONG_TYPE);
    drop(&e);
    dm_buf_fini(&b);
}

static void test_query_status_vars(void **state)
{
    (void)state;
    dm_buf st, b;
    dm_buf_init(&st);
    dm_buf_init(&b);
    u8(&st, 0);
    le(&st, 0x4000 | 0x80000, 4);
    u8(&st, 1);
    le(&st, 0x1122334455667788ull, 8);
    u8(&st, 3);
    le(&st, 2, 2);
    le(&st, 1, 2);
    u8(&st, 4);
    le(&st, 33, 2);
    le(&st, 45, 2);
    le(&st, 8, 2);
    u8(&st, 5);
    u8(&st, 6);
    str(&st, "+00:00");
    u8(&st, 6);
    u8(&st, 3);
    str(&st, "std");
    u8(&st, 7);
    le(&st, 1, 2);
    u8(&st, 8);
    le(&st, 224, 2);
    u8(&st, 9);
    le(&st, 0xF0, 8);
    u8(&st, 11);
    u8(&st, 4);
    str(&st, "root");
    u8(&st, 9);
    str(&st, "localhost");
    u8(&st, 12);
    u8(&st, 2);
    put(&st, "db1\0db2\0", 8);
    u8(&st, 13);
    le(&st, 999999, 3);
    u8(&st, 16);
    u8(&st, 1);
    u8(&st, 17);
    le(&st, 77, 8);
    u8(&st, 18);
    le(&st, 255, 2);
    u8(&st, 19);
    u8(&st, 1);
    u8(&st, 20);
    u8(&st, 0);
    u8(&st, 128);
    le(&st, 123456, 3);
    u8(&st, 129);
    le(&st, 88, 8);
    u8(&st, 130);
    u8(&st, BINLOG_MDB_FLX_COMMIT_ALTER);
    le(&st, 13, 8);
    u8(&st, 14); // Q_COMMIT_TS: never written, unknown here: stops the parse
    le(&st, 0, 8);
    le(&b, 5, 4);
    le(&b, 1, 4);
    u8(&b, 2);
    le(&b, 0, 2);
    le(&b, st.len, 2);
    put(&b, st.data, st.len);
    put(&b, "db\0", 3);
    str(&b, "CREATE TABLE t (a INT)");
    evbuf e;
    mk(&e, BINLOG_QUERY_EVENT, &b, 700, 0, 1);
    binlog_query q;
    dm_err err;
    if (binlog_query_decode(&q, &e.ev, NULL, &err))
        fail_msg("%s", err.message);
    const binlog_query_status *s = &q.status;
    assert_int_equal(q.thread_id, 5);
    assert_int_equal(q.db.len, 2);
    assert_int_equal(q.query.len, 22);
    assert_int_equal(s->flags2, 0x84000);
    assert_int_equal(s->sql_mode, 0x1122334455667788ull);
    assert_int_equal(s->auto_increment_increment, 2);
    assert_int_equal(s->collation_connection, 45);
    assert_int_equal(s->time_zone.len, 6);
    assert_int_equal(s->catalog.len, 3);
    assert_int_equal(s->lc_time_names, 1);
    assert_int_equal(s->charset_database, 224);
    assert_int_equal(s->table_map_for_update, 0xF0);
    assert_int_equal(s->invoker_host.len, 9);
    assert_int_equal(s->n_updated_dbs, 2);
    assert_memory_equal(s->updated_dbs[1].ptr, "db2", 3);
    assert_int_equal(s->microseconds, 999999);
    assert_int_equal(s->explicit_defaults_for_timestamp, 1);
    assert_int_equal(s->ddl_xid, 77);
    assert_int_equal(s->default_collation_for_utf8mb4, 255);
    assert_int_equal(s->sql_require_primary_key, 1);
    assert_true(s->present & BINLOG_QS_DEFAULT_TABLE_ENCRYPTION);
    assert_int_equal(s->hrnow_usec, 123456);
    assert_int_equal(s->xid, 88);
    assert_int_equal(s->sa_seq_no, 13);
    assert_true(s->present & BINLOG_QS_STOPPED_AT_UNKNOWN);
    drop(&e);

    // a status block that ends inside a variable
    le(&b, 5, 4);
    le(&b, 1, 4);
    u8(&b, 0);
    le(&b, 0, 2);
    le(&b, 3, 2);
    put(&b, "\x01\x02\x03", 3);
    put(&b, "\0", 1);
    str(&b, "BEGIN");
    mk(&e, BINLOG_QUERY_EVENT, &b, 700, 0, 1);
    assert_int_equal(binlog_query_decode(&q, &e.ev, NULL, &err), BINLOG_ERR_TRUNCATED);
    assert_non_null(strstr(err.message, "status variable 1"));
    assert_non_null(strstr(err.message, "QUERY event"));
    drop(&e);
    // status_vars_len past the event
    le(&b, 5, 4);
    le(&b, 1, 4);
    u8(&b, 0);
    le(&b, 0, 2);
    le(&b, 60000, 2);
    put(&b, "\0", 1);
    mk(&e, BINLOG_QUERY_EVENT, &b, 700, 0, 1);
    assert_int_equal(binlog_query_decode(&q, &e.ev, NULL, &err), BINLOG_ERR_TRUNCATED);
    drop(&e);
    dm_buf_fini(&st);
    dm_buf_fini(&b);
}

static void test_header_and_crc(void **state)
{
    (void)state;
    dm_err err;
    binlog_header h;
    uint8_t small[10] = {0};
    assert_int_equal(binlog_header_peek(&h, small, sizeof small, &err), BINLOG_ERR_TRUNCATED);
    size_t n;
    uint8_t *e = bt_event(BINLOG_XID_EVENT, "\x01\0\0\0\0\0\0\0", 8, 1000, 0, 1, &n);
    assert_int_equal(binlog_header_peek(&h, e, n, NULL), 0);
    assert_int_equal(h.type, BINLOG_XID_EVENT);
    assert_int_equal(h.event_size, 31);
    assert_int_equal(h.log_pos, 1000);
    assert_int_equal(h.server_id, 7);
    binlog_event ev;
    // shorter buffer than event_size
    assert_int_equal(binlog_event_parse(&ev, &mysql_fde, e, n - 1, 969, 0, &err), BINLOG_ERR_TRUNCATED);
    assert_non_null(strstr(err.message, "position 969"));
    // wrong CRC
    e[20] ^= 1;
    assert_int_equal(binlog_event_verify_checksum(&mysql_fde, e, n, 969, &err), BINLOG_ERR_CHECKSUM);
    assert_non_null(strstr(err.message, "XID event (type 16) at position 969"));
    // event_size below 19
    bt_put_le(e + 9, 12, 4);
    assert_int_equal(binlog_header_peek(&h, e, n, &err), BINLOG_ERR_BAD_EVENT);
    free(e);
    // an event shorter than its post-header
    e = bt_event(BINLOG_GTID_EVENT, "\x01", 1, 50, 0, 0, &n);
    binlog_fde f = mysql_fde;
    f.checksum_alg = 0;
    assert_int_equal(binlog_event_parse(&ev, &f, e, n, 4, 0, &err), BINLOG_ERR_TRUNCATED);
    assert_non_null(strstr(err.message, "post-header (42)"));
    free(e);
}

static void test_mariadb_gtid_forms(void **state)
{
    (void)state;
    binlog_fde mdb;
    binlog_fde_init_default(&mdb, BINLOG_FLAVOR_MARIADB, BINLOG_CHECKSUM_OFF);
    dm_buf b;
    dm_buf_init(&b);
    size_t n;
    binlog_event ev;
    binlog_mariadb_gtid_event g;
    dm_err err;
    // commit_id, then flags_extra MULTI_ENGINE with extra_engines, padded like the server
    le(&b, 99, 8);
    le(&b, 3, 4);
    u8(&b, BINLOG_MDB_FL_GROUP_COMMIT_ID | BINLOG_MDB_FL_TRANSACTIONAL);
    le(&b, 1234, 8);
    u8(&b, BINLOG_MDB_FLX_MULTI_ENGINE);
    u8(&b, 2);
    uint8_t *e = bt_event(BINLOG_MARIADB_GTID_EVENT, b.data, b.len, 40, BINLOG_F_SUPPRESS_USE, 0, &n);
    assert_int_equal(binlog_event_parse(&ev, &mdb, e, n, 4, 0, NULL), 0);
    assert_int_equal(binlog_mariadb_gtid_decode(&g, &ev, &err), 0);
    assert_int_equal(g.gtid.seq_no, 99);
    assert_int_equal(g.gtid.domain_id, 3);
    assert_int_equal(g.gtid.server_id, 7);
    assert_int_equal(g.commit_id, 1234);
    assert_int_equal(g.flags_extra, BINLOG_MDB_FLX_MULTI_ENGINE);
    assert_int_equal(g.extra_engines, 2);
    free(e);
    // the 19-byte minimum with zero padding: flags_extra reads as 0
    dm_buf_reset(&b);
    le(&b, 5, 8);
    le(&b, 0, 4);
    u8(&b, BINLOG_MDB_FL_STANDALONE | BINLOG_MDB_FL_DDL);
    le(&b, 0, 6);
    e = bt_event(BINLOG_MARIADB_GTID_EVENT, b.data, b.len, 40, 0, 0, &n);
    assert_int_equal(binlog_event_parse(&ev, &mdb, e, n, 4, 0, NULL), 0);
    assert_int_equal(binlog_mariadb_gtid_decode(&g, &ev, &err), 0);
    assert_int_equal(g.flags_extra, 0);
    binlog_trx trx;
    unsigned tb;
    binlog_trx_init(&trx);
    assert_int_equal(binlog_trx_feed(&tb, &trx, &ev, NULL), 0);
    assert_int_equal(tb, BINLOG_TRX_BEGIN);
    free(e);
    // a standalone DDL after it ends the group; a ROLLBACK TO SAVEPOINT does not end one
    dm_buf_reset(&b);
    le(&b, 1, 4);
    le(&b, 0, 4);
    u8(&b, 0);
    le(&b, 0, 2);
    le(&b, 0, 2);
    u8(&b, 0);
    str(&b, "CREATE TABLE t (a INT)");
    e = bt_event(BINLOG_QUERY_EVENT, b.data, b.len, 90, 0, 0, &n);
    assert_int_equal(binlog_event_parse(&ev, &mdb, e, n, 40, 0, NULL), 0);
    assert_int_equal(binlog_trx_feed(&tb, &trx, &ev, NULL), 0);
    assert_int_equal(tb, BINLOG_TRX_INSIDE | BINLOG_TRX_END);
    free(e);
    dm_buf_reset(&b);
    le(&b, 1, 4);
    le(&b, 0, 4);
    u8(&b, 0);
    le(&b, 0, 2);
    le(&b, 0, 2);
    u8(&b, 0);
    str(&b, "BEGIN");
    e = bt_event(BINLOG_QUERY_EVENT, b.data, b.len, 90, 0, 0, &n);
    assert_int_equal(binlog_event_parse(&ev, &mdb, e, n, 40, 0, NULL), 0);
    assert_int_equal(binlog_trx_feed(&tb, &trx, &ev, NULL), 0);
    assert_int_equal(tb, BINLOG_TRX_BEGIN);
    free(e);
    b.len -= 5;
    str(&b, "ROLLBACK TO SAVEPOINT s1");
    e = bt_event(BINLOG_QUERY_EVENT, b.data, b.len, 90, 0, 0, &n);
    assert_int_equal(binlog_event_parse(&ev, &mdb, e, n, 40, 0, NULL), 0);
    assert_int_equal(binlog_trx_feed(&tb, &trx, &ev, NULL), 0);
    assert_int_equal(tb, BINLOG_TRX_INSIDE);
    free(e);
    b.len -= 24;
    str(&b, "rollback");
    e = bt_event(BINLOG_QUERY_EVENT, b.data, b.len, 90, 0, 0, &n);
    assert_int_equal(binlog_event_parse(&ev, &mdb, e, n, 40, 0, NULL), 0);
    assert_int_equal(binlog_trx_feed(&tb, &trx, &ev, NULL), 0);
    assert_int_equal(tb, BINLOG_TRX_INSIDE | BINLOG_TRX_END);
    free(e);
    binlog_trx_fini(&trx);
    // GTID_LIST with flag bits above the 28-bit count, and a count past the event
    dm_buf_reset(&b);
    le(&b, 2u | (1u << 28), 4);
    for (int i = 0; i < 2; i++) {
        le(&b, (uint64_t)i, 4);
        le(&b, 100, 4);
        le(&b, 1000 + (uint64_t)i, 8);
    }
    e = bt_event(BINLOG_GTID_LIST_EVENT, b.data, b.len, 90, 0, 0, &n);
    assert_int_equal(binlog_event_parse(&ev, &mdb, e, n, 4, 0, NULL), 0);
    binlog_gtid_list gl;
    assert_int_equal(binlog_gtid_list_decode(&gl, &ev, NULL), 0);
    assert_int_equal(gl.count, 2);
    assert_int_equal(gl.flags, 1);
    assert_int_equal(gl.gtids[1].domain_id, 1);
    assert_int_equal(gl.gtids[1].seq_no, 1001);
    binlog_gtid_list_fini(&gl);
    bt_put_le(e + 19, 3, 4);
    assert_int_equal(binlog_gtid_list_decode(&gl, &ev, &err), BINLOG_ERR_TRUNCATED);
    assert_non_null(strstr(err.message, "3 GTIDs"));
    binlog_gtid_list_fini(&gl);
    free(e);
    dm_buf_fini(&b);
}

// Legacy temporal codes (7, 11, 12), INT24 sign extension, a 2-byte ENUM and an old-style
// VAR_STRING, decoded from a table map and row built by hand.
static void test_legacy_types(void **state)
{
    (void)state;
    dm_buf b, sql;
    dm_buf_init(&b);
    dm_buf_init(&sql);
    evbuf e;
    binlog_table_map *tm;
    le(&b, 5, 6);
    le(&b, 0, 2);
    put(&b, "\x01" "d\x00\x01t\x00", 6);
    lenenc(&b, 6);
    put(&b, (uint8_t[]){7, 11, 12, 9, 254, 253}, 6);
    lenenc(&b, 4);
    put(&b, (uint8_t[]){BINLOG_TYPE_ENUM, 2, 0x2C, 0x01}, 4);
    u8(&b, 0);
    mk(&e, BINLOG_TABLE_MAP_EVENT, &b, 300, 0, 0);
    dm_err err;
    if (binlog_table_map_decode(&tm, &mysql_fde, &e.ev, &err))
        fail_msg("%s", err.message);
    drop(&e);
    assert_int_equal(tm->columns[4].real_type, BINLOG_TYPE_ENUM);
    assert_int_equal(tm->columns[4].pack_len, 2);
    assert_int_equal(tm->columns[5].max_len, 300);
    le(&b, 5, 6);
    le(&b, 1, 2);
    lenenc(&b, 6);
    u8(&b, 0x3F);
    u8(&b, 0);
    le(&b, 1700000000, 4);                          // TIMESTAMP
    le(&b, (uint64_t)(0x1000000 - 123456), 3);      // TIME -12:34:56
    le(&b, 20240102030405ull, 8);                   // DATETIME
    le(&b, 0xFFFFFE, 3);                            // INT24 -2
    le(&b, 300, 2);                                 // ENUM index 300
    le(&b, 3, 2);
    str(&b, "abc");                                 // VAR_STRING(300): 2-byte length
    mk(&e, BINLOG_WRITE_ROWS_EVENT_V1, &b, 400, 0, 0);
    binlog_rows rows;
    binlog_row row;
    bool end;
    binlog_row_init(&row);
    assert_int_equal(binlog_rows_decode(&rows, &mysql_fde, &e.ev, NULL, &err), 0);
    if (binlog_rows_next(&row, &end, &rows, tm, &err))
        fail_msg("%s", err.message);
    for (uint32_t i = 0; i < 6; i++) {
        if (i)
            dm_buf_puts(&sql, ", ");
        assert_int_equal(binlog_value_to_sql(&sql, &row.after[i], NULL, NULL), 0);
    }
    assert_string_equal(sql.data, "'2023-11-14 22:13:20', '-12:34:56', '2024-01-02 03:04:05', -2, "
                                  "300, 0x616263");
    drop(&e);
    binlog_row_fini(&row);
    binlog_table_map_destroy(tm);
    dm_buf_fini(&b);
    dm_buf_fini(&sql);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mysql_fde),
        cmocka_unit_test(test_mysql_gtid),
        cmocka_unit_test(test_previous_gtids),
        cmocka_unit_test(test_binary_json),
        cmocka_unit_test(test_rows_v2_json),
        cmocka_unit_test(test_bad_table_maps),
        cmocka_unit_test(test_payload),
        cmocka_unit_test(test_heartbeats_and_rotate),
        cmocka_unit_test(test_query_status_vars),
        cmocka_unit_test(test_header_and_crc),
        cmocka_unit_test(test_mariadb_gtid_forms),
        cmocka_unit_test(test_legacy_types),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
