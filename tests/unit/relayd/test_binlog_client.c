// binlog_client_decode on crafted stream packets: fake vs real ROTATE, re-sent FDE, CRC
// checks, 64-bit positions (past 4 GiB and across holes), heartbeats of both layouts, EOF,
// and malformed packets. The live protocol is covered by tests/integration/test_relay_client.sh.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <zlib.h>

#include "binlog_client.h"

static uint8_t pkt[4096];

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

// ev builds "0x00 + event" in pkt and returns the packet length.
static size_t ev(uint8_t type, uint16_t flags, uint32_t ts, uint32_t log_pos, const void *body, size_t blen,
                 bool crc)
{
    size_t n = 19 + blen + (crc ? 4 : 0);
    pkt[0] = 0;
    uint8_t *e = pkt + 1;
    put32(e, ts);
    e[4] = type;
    put32(e + 5, 77);
    put32(e + 9, (uint32_t)n);
    put32(e + 13, log_pos);
    e[17] = (uint8_t)flags;
    e[18] = (uint8_t)(flags >> 8);
    memcpy(e + 19, body, blen);
    if (crc)
        put32(e + 19 + blen, (uint32_t)crc32(0, e, (uInt)(19 + blen)));
    return n + 1;
}

static size_t rotate(uint64_t pos, const char *name, bool artificial, uint32_t log_pos, bool crc)
{
    uint8_t b[300];
    put64(b, pos);
    memcpy(b + 8, name, strlen(name));
    return ev(4, artificial ? 0x20 : 0, artificial ? 0 : 1700000000, log_pos, b, 8 + strlen(name), crc);
}

static size_t fde(uint32_t log_pos, uint8_t alg)
{
    uint8_t b[57 + 40 + 1];
    memset(b, 0, sizeof(b));
    b[0] = 4;
    memcpy(b + 2, "10.11.6-MariaDB-log", 19);
    b[56] = 19;
    b[sizeof(b) - 1] = alg;
    // The FDE always carries the 4-byte checksum field; with alg OFF it is still there.
    size_t n = ev(15, 0, 1700000000, log_pos, b, sizeof(b), true);
    return n;
}

static void test_position_tracking(void **state)
{
    (void)state;
    binlog_client_state st = {.fake_crc32 = true, .crc32 = true, .non_block = true};
    binlog_client_event e;
    dm_err err;
    size_t n;

    n = rotate(4, "binlog.000007", true, 0, true);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), 0);
    assert_int_equal(e.kind, BINLOG_CLIENT_FAKE_ROTATE);
    assert_string_equal(e.file, "binlog.000007");
    assert_int_equal(e.pos, 4);

    n = fde(4 + 19 + 98 + 4, 1);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), 0);
    assert_int_equal(e.kind, BINLOG_CLIENT_EVENT);
    assert_false(e.format_resend);
    assert_true(e.checksum_crc32);
    assert_int_equal(e.pos, 4);
    assert_int_equal(e.next_pos, 4 + 121);
    assert_string_equal(e.file, "binlog.000007");

    // A query-like event: next = pos + size.
    uint8_t body[50] = {0};
    n = ev(2, 0, 1700000000, 125 + 19 + 50 + 4, body, sizeof(body), true);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), 0);
    assert_int_equal(e.pos, 125);
    assert_int_equal(e.next_pos, 125 + 73);
    assert_ptr_equal(e.data, pkt + 1);
    assert_int_equal(e.len, 73);
    assert_int_equal(e.server_id, 77);

    // A hole (the server skipped groups): log_pos moves the position forward.
    n = ev(2, 0, 1700000000, 5000, body, sizeof(body), true);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), 0);
    assert_int_equal(e.pos, 5000 - 73);
    assert_int_equal(e.next_pos, 5000);

    // Past 4 GiB the 32-bit log_pos wraps; the tracked position keeps the high bits.
    st.pos = (1ull << 32) - 30;
    n = ev(2, 0, 1700000000, (uint32_t)((1ull << 32) - 30 + 73), body, sizeof(body), true);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), 0);
    assert_int_equal(e.pos, (1ull << 32) - 30);
    assert_int_equal(e.next_pos, (1ull << 32) + 43);
    n = ev(2, 0, 1700000000, 43 + 73, body, sizeof(body), true);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), 0);
    assert_int_equal(e.pos, (1ull << 32) + 43);
    // log_pos 0 is never taken as a position.
    n = ev(2, 0, 1700000000, 0, body, sizeof(body), true);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), 0);
    assert_int_equal(e.pos, (1ull << 32) + 116);

    // A real ROTATE is data; the stream then continues in the named file.
    st.pos = 900;
    n = rotate(4, "binlog.000008", false, 900 + 19 + 8 + 13 + 4, true);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), 0);
    assert_int_equal(e.kind, BINLOG_CLIENT_EVENT);
    assert_string_equal(e.file, "binlog.000007");
    assert_int_equal(e.pos, 900);
    assert_string_equal(st.file, "binlog.000008");
    assert_int_equal(st.pos, 4);

    // EOF ends a non-blocking dump.
    uint8_t eof[5] = {0xFE, 0, 0, 2, 0};
    assert_int_equal(binlog_client_decode(&e, &st, eof, sizeof(eof), &err), 0);
    assert_int_equal(e.kind, BINLOG_CLIENT_EOF);
    st.non_block = false;
    assert_int_equal(binlog_client_decode(&e, &st, eof, sizeof(eof), &err), BINLOG_CLIENT_ERR_DISCONNECTED);
}

static void test_resend_heartbeat_checksum(void **state)
{
    (void)state;
    binlog_client_state st = {.fake_crc32 = true, .crc32 = true};
    binlog_client_event e;
    dm_err err;
    size_t n;

    n = rotate(1234, "mysql-bin.000002", true, 0, true);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), 0);
    assert_int_equal(st.pos, 1234);
    // The FDE re-sent for a start past 4 has log_pos 0 and occupies no stream bytes.
    n = fde(0, 1);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), 0);
    assert_true(e.format_resend);
    assert_int_equal(e.pos, 1234);
    assert_int_equal(st.pos, 1234);

    // Heartbeat: position from log_pos, file from the body.
    n = ev(27, 0, 0, 2000, "mysql-bin.000002", 16, true);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), 0);
    assert_int_equal(e.kind, BINLOG_CLIENT_HEARTBEAT);
    assert_null(e.data);
    assert_string_equal(e.file, "mysql-bin.000002");
    assert_int_equal(e.pos, 2000);
    assert_int_equal(st.pos, 1234);
    // MariaDB past 4 GiB: log_pos 0, a u64 position before the name.
    uint8_t hb[8 + 16];
    put64(hb, 5ull << 32);
    memcpy(hb + 8, "mysql-bin.000002", 16);
    n = ev(27, 0, 0, 0, hb, sizeof(hb), true);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), 0);
    assert_int_equal(e.pos, 5ull << 32);
    assert_string_equal(e.file, "mysql-bin.000002");

    // MariaDB's fake GTID_LIST at a GTID start: artificial, no position, not data.
    uint8_t gl[4] = {0};
    n = ev(163, 0x20, 0, 1300, gl, sizeof(gl), true);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), 0);
    assert_int_equal(e.kind, BINLOG_CLIENT_ARTIFICIAL);
    assert_int_equal(e.type, 163);
    assert_int_equal(e.pos, 1234);
    assert_int_equal(st.pos, 1234);

    // A flipped bit fails the CRC check and names the position.
    uint8_t body[30] = {1, 2, 3};
    n = ev(16, 0, 1700000000, 1234 + 53, body, sizeof(body), true);
    pkt[25] ^= 1;
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), BINLOG_CLIENT_ERR_CHECKSUM);
    assert_non_null(strstr(err.message, "mysql-bin.000002:1234"));

    // An FDE with checksum OFF: later events carry no CRC.
    n = fde(0, 0);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), 0);
    assert_false(st.crc32);
    n = ev(16, 0, 1700000000, 1234 + 49, body, sizeof(body), false);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), 0);
    assert_false(e.checksum_crc32);
}

static void test_malformed(void **state)
{
    (void)state;
    binlog_client_state st = {.fake_crc32 = false, .crc32 = false};
    binlog_client_event e;
    dm_err err;
    uint8_t body[8] = {0};
    size_t n;

    assert_int_equal(binlog_client_decode(&e, &st, pkt, 0, &err), BINLOG_CLIENT_ERR_PROTOCOL);
    uint8_t odd[3] = {0x07, 1, 2};
    assert_int_equal(binlog_client_decode(&e, &st, odd, sizeof(odd), &err), BINLOG_CLIENT_ERR_PROTOCOL);
    assert_non_null(strstr(err.message, "0x07"));
    uint8_t shorty[10] = {0};
    assert_int_equal(binlog_client_decode(&e, &st, shorty, sizeof(shorty), &err), BINLOG_CLIENT_ERR_PROTOCOL);
    // event_size disagreeing with the packet.
    n = ev(2, 0, 1, 100, body, sizeof(body), false);
    put32(pkt + 1 + 9, 500);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), BINLOG_CLIENT_ERR_PROTOCOL);
    // A fake ROTATE without a name, and one too short for its position.
    n = rotate(4, "", true, 0, false);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), BINLOG_CLIENT_ERR_PROTOCOL);
    n = ev(4, 0x20, 0, 0, body, 3, false);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), BINLOG_CLIENT_ERR_PROTOCOL);
    // A truncated FDE.
    n = ev(15, 0, 1, 0, body, sizeof(body), false);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), BINLOG_CLIENT_ERR_PROTOCOL);
    // A heartbeat with a CRC but no room for it is still a heartbeat with no file.
    st.fake_crc32 = true;
    n = ev(27, 0, 0, 10, body, 2, false);
    assert_int_equal(binlog_client_decode(&e, &st, pkt, n, &err), 0);
    assert_int_equal(e.kind, BINLOG_CLIENT_HEARTBEAT);
}

static void test_dump_gtid_encoding(void **state)
{
    (void)state;
    dm_buf b;
    dm_err err;
    dm_buf_init(&b);
    // uuid:1-5:7 is the intervals [1,6) and [7,8) (end exclusive).
    assert_int_equal(binlog_client_encode_dump_gtid(&b, 4242, "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7", false, &err), 0);
    const uint8_t *p = (const uint8_t *)b.data;
    assert_int_equal(b.len, 22 + 8 + 16 + 8 + 2 * 16);
    assert_int_equal(p[0] | p[1] << 8, 0x04);                      // THROUGH_GTID
    assert_int_equal(p[2] | p[3] << 8 | p[4] << 16 | (uint32_t)p[5] << 24, 4242);
    assert_int_equal(p[6] | p[7] << 8 | p[8] << 16 | (uint32_t)p[9] << 24, 0); // file name length
    assert_int_equal(p[10], 4);                                    // position 4 (u64)
    assert_int_equal(p[18] | p[19] << 8, 8 + 16 + 8 + 32);         // data size
    const uint8_t *d = p + 22;
    assert_int_equal(d[0], 1);                                     // one sid
    static const uint8_t uuid[16] = {0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1,
                                     0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62};
    assert_memory_equal(d + 8, uuid, 16);
    assert_int_equal(d[24], 2);                                    // two intervals
    assert_int_equal(d[32], 1);
    assert_int_equal(d[40], 6);
    assert_int_equal(d[48], 7);
    assert_int_equal(d[56], 8);
    // An empty set is allowed (size 0); non-blocking sets flag 0x01.
    dm_buf_reset(&b);
    assert_int_equal(binlog_client_encode_dump_gtid(&b, 1, "", true, &err), 0);
    assert_int_equal(((const uint8_t *)b.data)[0], 0x05);
    assert_int_equal(b.len, 22 + 8);
    dm_buf_reset(&b);
    assert_int_not_equal(binlog_client_encode_dump_gtid(&b, 1, "0-1-5", false, &err), 0);
    assert_non_null(strstr(err.message, "MySQL GTID start"));
    dm_buf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_position_tracking),
        cmocka_unit_test(test_resend_heartbeat_checksum),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_dump_gtid_encoding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
