// relay_remote against a real relay_source serving a real store over dm_rpc (inproc): the
// whole stored stream in order, a start at an event boundary (with the file's FDE handed
// first), a start right after a ROTATE, a start inside an event (a gap: refused, naming both
// positions), relayd unreachable (transient), interrupt, a reader's hold stopping a purge.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../store/store_test_util.h"
#include "dm_rpc.h"
#include "relay_remote.h"
#include "relay_rpc.h"
#include "relay_source.h"

#define URL "inproc://test-relay-remote"

static char dir[256];
static relay_source *src;
static relay_rpc rpc;
static dm_rpc_server *srv;

typedef struct wpos {
    char file[32];
    uint64_t pos;
} wpos;

// The stream written: binlog.000002 (FDE, 20 transactions, ROTATE), binlog.000003 (FDE, 5
// transactions). trx_start[i] is where transaction i of binlog.000002 begins.
static uint64_t trx_start[20];
static uint64_t rotate_end;
static size_t n_events;

static void append(relay_store *s, wpos *w, uint8_t type, size_t size, const gtid *g, bool end)
{
    uint8_t *b = malloc(size);
    dm_err e;
    relay_store_event_meta m = {w->file, w->pos, w->pos + size, g, end};
    make_event(b, size, type, w->pos + size, 0, w->pos);
    if (relay_store_append(s, b, size, &m, &e))
        fail_msg("append: %s", e.message);
    free(b);
    w->pos += size;
    n_events++;
}

static void write_store(void)
{
    char sdir[300];
    relay_store *s = NULL;
    relay_store_opts o = {.flavor = GTID_FLAVOR_MARIADB, .segment_bytes = 4096,
                          .commit_bytes = 1 << 20, .commit_ms = 60000};
    dm_err e;
    uint32_t ep;
    snprintf(sdir, sizeof sdir, "%s/src-a", dir);
    assert_int_equal(relay_store_open(&s, sdir, &o, &e), 0);
    assert_int_equal(relay_store_begin_epoch(&ep, s, "1", NULL, &e), 0);
    wpos w = {"binlog.000002", 4};
    append(s, &w, EV_FDE, 120, NULL, true);
    uint64_t seq = 0;
    for (int t = 0; t < 25; t++) {
        if (t == 20) {
            append(s, &w, EV_ROTATE, 40, NULL, true);
            rotate_end = w.pos;
            snprintf(w.file, sizeof w.file, "binlog.000003");
            w.pos = 4;
            append(s, &w, EV_FDE, 120, NULL, true);
        }
        if (t < 20)
            trx_start[t] = w.pos;
        gtid g = {.flavor = GTID_FLAVOR_MARIADB, .domain = 0, .server = 1, .seq = ++seq};
        append(s, &w, EV_GTID_MDB, 42, &g, false);
        for (int r = 0; r < 3; r++)
            append(s, &w, EV_WRITE_ROWS, 300, &g, false);
        append(s, &w, EV_XID, 31, &g, true);
    }
    assert_int_equal(relay_store_flush(s, &e), 0);
    relay_store_close(s);
}

static int setup(void **state)
{
    (void)state;
    dm_err e;
    snprintf(dir, sizeof(dir), "/tmp/dm-unit-relay-remote.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    write_store();
    relay_source_opts o = {
        .source_id = "src-a",
        .relay_dir = dir,
        // Nothing listens on port 1: the source serves its store while it retries.
        .conn = {.host = "127.0.0.1", .port = 1, .user = "root", .connect_timeout_s = 1},
        .backoff_max_ms = 200,
    };
    if (relay_source_create(&src, &o, &e) || relay_source_start(src, &e))
        return -1;
    rpc = (relay_rpc){.name = "r1", .sources = &src, .n_sources = 1};
    return dm_rpc_server_start(&srv, URL, 2, relay_rpc_handle, &rpc, &e) ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    dm_rpc_server_stop(srv);
    relay_source_destroy(src);
    rm_dir(dir);
    return 0;
}

// reader opens a reader from o (addr and source filled in) and waits for the store to open.
static relay_remote *reader(relay_remote_opts o)
{
    relay_remote *r = NULL;
    dm_err e;
    o.addr = URL;
    o.source_id = "src-a";
    assert_int_equal(relay_remote_open(&r, &o, &e), 0);
    return r;
}

// next_ok reads one event, retrying while relayd's store is still opening.
static int next_ok(relay_store_event *ev, bool *resend, relay_remote **r, relay_remote_opts o,
                   dm_err *e)
{
    for (int i = 0; i < 200; i++) {
        int rc = relay_remote_next(ev, resend, *r, e);
        if (!relay_remote_is_transient(rc))
            return rc;
        relay_remote_close(*r);
        *r = reader(o);
        usleep(20 * 1000);
    }
    return -1;
}

static void test_whole_stream(void **state)
{
    (void)state;
    relay_remote_opts o = {0};
    relay_remote *r = reader(o);
    relay_store_event ev;
    bool resend;
    dm_err e;
    size_t n = 0;
    char last_file[32] = "";
    uint64_t last_end = 0;
    int rc;
    while ((rc = next_ok(&ev, &resend, &r, o, &e)) == 0) {
        assert_false(resend);
        if (n == 0) {
            assert_string_equal(ev.file, "binlog.000002");
            assert_int_equal(ev.pos, 4);
        } else if (!strcmp(ev.file, last_file)) {
            assert_int_equal(ev.pos, last_end); // no event missing, in order
        }
        snprintf(last_file, sizeof last_file, "%s", ev.file);
        last_end = ev.next_pos;
        n++;
    }
    assert_int_equal(rc, RELAY_STORE_END);
    assert_int_equal(n, n_events);
    relay_remote_close(r);
}

static void test_exact_starts(void **state)
{
    (void)state;
    relay_store_event ev;
    bool resend;
    dm_err e;
    // At a transaction boundary inside binlog.000002: the FDE first, then that event.
    relay_remote_opts o = {.file = "binlog.000002", .pos = trx_start[13], .exact = true, .with_fde = true};
    relay_remote *r = reader(o);
    assert_int_equal(next_ok(&ev, &resend, &r, o, &e), 0);
    assert_true(resend);
    assert_int_equal(ev.data[4], EV_FDE);
    assert_int_equal(relay_remote_next(&ev, &resend, r, &e), 0);
    assert_false(resend);
    assert_string_equal(ev.file, "binlog.000002");
    assert_int_equal(ev.pos, trx_start[13]);
    assert_int_equal(ev.data[4], EV_GTID_MDB);
    relay_remote_close(r);

    // Right after the ROTATE: the next file's first event.
    o = (relay_remote_opts){.file = "binlog.000002", .pos = rotate_end, .exact = true};
    r = reader(o);
    assert_int_equal(next_ok(&ev, &resend, &r, o, &e), 0);
    assert_string_equal(ev.file, "binlog.000003");
    assert_int_equal(ev.pos, 4);
    relay_remote_close(r);

    // Inside an event: the relay does not hold that position.
    o = (relay_remote_opts){.file = "binlog.000002", .pos = trx_start[5] + 7, .exact = true};
    r = reader(o);
    assert_int_equal(next_ok(&ev, &resend, &r, o, &e), RELAY_REMOTE_ERR_GAP);
    char want[64];
    snprintf(want, sizeof want, "(binlog.000002, %llu)", (unsigned long long)(trx_start[5] + 7));
    assert_non_null(strstr(e.message, want));
    relay_remote_close(r);

    // Without `exact` the same start reads on from the next event.
    o.exact = false;
    r = reader(o);
    int rc = next_ok(&ev, &resend, &r, o, &e);
    if (rc)
        fail_msg("%d: %s", rc, e.message);
    assert_true(ev.pos > trx_start[5]);
    relay_remote_close(r);
}

static void test_unreachable_and_interrupt(void **state)
{
    (void)state;
    relay_remote *r = NULL;
    relay_store_event ev;
    bool resend;
    dm_err e;
    relay_remote_opts o = {.addr = "inproc://nobody-listens", .source_id = "src-a", .timeout_ms = 200};
    assert_int_equal(relay_remote_open(&r, &o, &e), 0);
    int rc = relay_remote_next(&ev, &resend, r, &e);
    assert_true(relay_remote_is_transient(rc));
    relay_remote_interrupt(r);
    assert_int_equal(relay_remote_next(&ev, &resend, r, &e), DM_ERR_CANCELLED);
    relay_remote_close(r);
    assert_int_equal(relay_remote_open(&r, &(relay_remote_opts){0}, &e), DM_ERR_INVALID_ARG);
}

// A reader's hold keeps purge from removing what it may read again; the purge reports it.
static void test_hold_stops_purge(void **state)
{
    (void)state;
    relay_store_event ev;
    bool resend;
    dm_err e;
    json_t *res = NULL;
    relay_remote_opts o = {.file = "binlog.000002", .pos = trx_start[13], .exact = true,
                           .reader = "task1:src-a"};
    relay_remote *r = reader(o);
    relay_remote_hold(r, "binlog.000002", trx_start[13]);
    assert_int_equal(next_ok(&ev, &resend, &r, o, &e), 0);
    relay_remote_close(r);
    int rc = relay_source_purge(&res, src, "binlog.000003", &e);
    if (rc)
        fail_msg("purge: %d %s", rc, e.message);
    assert_true(json_is_true(json_object_get(res, "held")));
    json_decref(res);
    // What the hold covers is still served, exactly.
    r = reader(o);
    assert_int_equal(next_ok(&ev, &resend, &r, o, &e), 0);
    assert_int_equal(ev.pos, trx_start[13]);
    relay_remote_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_stream),
        cmocka_unit_test(test_exact_starts),
        cmocka_unit_test(test_unreachable_and_interrupt),
        cmocka_unit_test(test_hold_stops_purge),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
