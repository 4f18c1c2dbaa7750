// A 200 MB transaction goes through the relay store with bounded memory: it is committed
// to the pending area as it arrives, is invisible until its last event, is read back in
// full, and the process's peak RSS (VmHWM) stays well under 256 MiB.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "store_test_util.h"

// Keep ASan's quarantine of freed blocks small so VmHWM measures the store, not ASan.
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "quarantine_size_mb=16";
}

#define ROW 8192
#define TRX_BYTES (200u << 20)

static void test_200mb_transaction(void **st)
{
    char dir[256];
    relay_store *s = NULL;
    relay_store_reader *r = NULL;
    relay_store_opts o = {0};
    relay_store_event_meta m;
    relay_store_event ev;
    relay_store_durable d;
    relay_store_stats stats;
    uint8_t *row = malloc(ROW);
    uint64_t pos = 4, n_rows = TRX_BYTES / ROW, seen = 0, bytes = 0, x = 88172645463325252ull;
    uint32_t ep;
    gtid g = {0};
    long hwm_before, hwm_write, hwm;
    dm_err e;
    (void)st;
    test_dir(dir, sizeof(dir), "bigtrx");
    o.flavor = GTID_FLAVOR_MARIADB;
    o.zstd_level = 1;
    assert_int_equal(relay_store_open(&s, dir, &o, &e), 0);
    assert_int_equal(relay_store_begin_epoch(&ep, s, "s1", NULL, NULL), 0);
    hwm_before = peak_rss_kib();
    g.flavor = GTID_FLAVOR_MARIADB;
    g.server = 1;
    g.seq = 1;
    make_event(row, 42, EV_GTID_MDB, pos + 42, 0, 1);
    m = (relay_store_event_meta){"bin.000001", pos, pos + 42, &g, false};
    assert_int_equal(relay_store_append(s, row, 42, &m, NULL), 0);
    pos += 42;
    make_event(row, ROW, EV_WRITE_ROWS, 0, 0, 2);
    for (uint64_t i = 0; i < n_rows; i++) {
        put32(row + 13, (uint32_t)(pos + ROW));
        // A quarter of each row is random, so zstd has real work and output.
        for (size_t k = 64; k + 8 <= 64 + ROW / 4; k += 8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            memcpy(row + k, &x, 8);
        }
        m = (relay_store_event_meta){"bin.000001", pos, pos + ROW, &g, false};
        if (relay_store_append(s, row, ROW, &m, &e) != 0)
            fail_msg("append row %llu: %s", (unsigned long long)i, e.message);
        pos += ROW;
    }
    // all of it is in the pending area: nothing visible, nothing durable
    assert_int_equal(relay_store_flush(s, NULL), 0);
    assert_int_equal(relay_store_reader_create(&r, s, NULL), 0);
    assert_int_equal(relay_store_reader_next(&ev, r, NULL), RELAY_STORE_END);
    assert_int_equal(relay_store_durable_pos(&d, s, NULL), 0);
    assert_int_equal(d.segment, 0);
    relay_store_durable_fini(&d);
    make_event(row, 31, EV_XID, pos + 31, 0, 3);
    m = (relay_store_event_meta){"bin.000001", pos, pos + 31, &g, true};
    assert_int_equal(relay_store_append(s, row, 31, &m, NULL), 0);
    pos += 31;
    assert_int_equal(relay_store_flush(s, NULL), 0);
    assert_int_equal(relay_store_durable_pos(&d, s, NULL), 0);
    assert_int_equal(d.pos.pos, pos);
    relay_store_durable_fini(&d);
    hwm_write = peak_rss_kib();
    // read it all back
    while (relay_store_reader_next(&ev, r, NULL) == 0) {
        assert_true(ev.has_gtid);
        assert_int_equal(ev.gtid.seq, 1);
        seen++;
        bytes += ev.len;
    }
    assert_int_equal(seen, n_rows + 2);
    assert_int_equal(bytes, pos - 4);
    assert_int_equal(relay_store_stats_get(&stats, s, NULL), 0);
    hwm = peak_rss_kib();
    print_message("200 MB transaction: %llu segments, %.1f MB stored, VmHWM %ld MiB after "
                  "writing, %ld MiB after reading it back (mapped file pages count), %ld "
                  "MiB before\n",
                  (unsigned long long)stats.segments, (double)stats.stored_bytes / 1e6,
                  hwm_write / 1024, hwm / 1024, hwm_before / 1024);
    assert_true(hwm_write - hwm_before < 64 * 1024);
    assert_true(hwm > 0);
    assert_true(hwm < 256 * 1024);
    assert_true(hwm - hwm_before < 128 * 1024);
    relay_store_reader_destroy(r);
    relay_store_close(s);
    free(row);
    rm_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_200mb_transaction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
