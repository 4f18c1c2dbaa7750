#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <lmdb.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store_test_util.h"

// ---- a synthetic upstream ---------------------------------------------------------------

typedef struct stream {
    relay_store *s;
    gtid_flavor flavor;
    char file[64];
    uint64_t pos;
    uint64_t seq;
    uint64_t seed;
} stream;

static uint64_t ev_seed(const char *file, uint64_t pos)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *p = file; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    return h ^ pos;
}

static int st_event_rc(stream *w, uint8_t type, size_t size, const gtid *g, bool end, dm_err *e)
{
    uint8_t *b = malloc(size);
    relay_store_event_meta m = {w->file, w->pos, w->pos + size, g, end};
    int rc;
    make_event(b, size, type, w->pos + size, 0, ev_seed(w->file, w->pos));
    rc = relay_store_append(w->s, b, size, &m, e);
    if (rc == 0)
        w->pos += size;
    free(b);
    return rc;
}

static void st_event(stream *w, uint8_t type, size_t size, const gtid *g, bool end)
{
    dm_err e;
    int rc = st_event_rc(w, type, size, g, end, &e);
    if (rc)
        fail_msg("append: %s", e.message);
}

static gtid st_gtid(stream *w, uint64_t seq)
{
    gtid g;
    memset(&g, 0, sizeof(g));
    g.flavor = w->flavor;
    g.seq = seq;
    if (w->flavor == GTID_FLAVOR_MARIADB) {
        g.domain = 0;
        g.server = 1;
    } else {
        memset(g.uuid, 0xab, 16);
    }
    return g;
}

// st_trx appends one transaction of nrows rows events of rowsize bytes; leaves it open when
// finish is false.
static void st_trx(stream *w, int nrows, size_t rowsize, bool finish)
{
    gtid g = st_gtid(w, ++w->seq);
    st_event(w, EV_GTID_MDB, 42, &g, false);
    for (int i = 0; i < nrows; i++)
        st_event(w, EV_WRITE_ROWS, rowsize, &g, false);
    if (finish)
        st_event(w, EV_XID, 31, &g, true);
}

static void st_new_file(stream *w, const char *file)
{
    if (w->file[0])
        st_event(w, EV_ROTATE, 40, NULL, true);
    snprintf(w->file, sizeof(w->file), "%s", file);
    w->pos = 4;
    st_event(w, EV_FDE, 120, NULL, true);
}

static relay_store *open_store(const char *dir, gtid_flavor f, size_t seg, size_t commit)
{
    relay_store *s = NULL;
    relay_store_opts o;
    dm_err e;
    memset(&o, 0, sizeof(o));
    o.flavor = f;
    o.segment_bytes = seg;
    o.commit_bytes = commit;
    o.commit_ms = 60000;
    if (relay_store_open(&s, dir, &o, &e) != 0)
        fail_msg("open %s: %s", dir, e.message);
    return s;
}

static void begin(relay_store *s, const char *label)
{
    uint32_t ep;
    dm_err e;
    if (relay_store_begin_epoch(&ep, s, label, NULL, &e) != 0)
        fail_msg("begin_epoch: %s", e.message);
}

// check_event verifies that ev carries the bytes st_event generated for its position.
static void check_event(const relay_store_event *ev)
{
    uint8_t *b = malloc(ev->len);
    assert_true(ev->len >= 19);
    make_event(b, ev->len, ev->data[4], ev->next_pos, 0, ev_seed(ev->file, ev->pos));
    assert_memory_equal(b, ev->data, ev->len);
    assert_int_equal(ev->next_pos, ev->pos + ev->len);
    free(b);
}

// read_all reads every durable event from r; returns the count; checks continuity.
static int read_all(relay_store_reader *r, uint64_t *last_seq, int *trx_ends)
{
    relay_store_event ev;
    dm_err e;
    int n = 0, rc;
    while ((rc = relay_store_reader_next(&ev, r, &e)) == 0) {
        check_event(&ev);
        if (ev.trx_end && ev.has_gtid) {
            if (last_seq)
                *last_seq = ev.gtid.seq;
            if (trx_ends)
                (*trx_ends)++;
        }
        n++;
    }
    if (rc != RELAY_STORE_END)
        fail_msg("reader: %s", e.message);
    return n;
}

// ---- tests ------------------------------------------------------------------------------

static void test_append_read_reopen(void **st)
{
    char dir[256];
    stream w = {0};
    relay_store_reader *r = NULL;
    relay_store_durable d;
    relay_store_event ev;
    dm_buf txt;
    uint64_t last = 0;
    int ends = 0;
    (void)st;
    test_dir(dir, sizeof(dir), "basic");
    w.s = open_store(dir, GTID_FLAVOR_MARIADB, 0, 0);
    w.flavor = GTID_FLAVOR_MARIADB;
    assert_int_equal(relay_store_flavor(w.s), GTID_FLAVOR_MARIADB);
    begin(w.s, "server-1");
    st_new_file(&w, "mysql-bin.000001");
    for (int i = 0; i < 10; i++)
        st_trx(&w, 3, 200, true);
    // nothing durable before the flush (bounds not reached)
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    assert_int_equal(relay_store_reader_next(&ev, r, NULL), RELAY_STORE_END);
    assert_true(relay_store_flush_due_ms(w.s) >= 0);
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    assert_int_equal(relay_store_flush_due_ms(w.s), -1);
    assert_int_equal(read_all(r, &last, &ends), 1 + 10 * 5);
    assert_int_equal(last, 10);
    assert_int_equal(ends, 10);
    assert_int_equal(relay_store_durable_pos(&d, w.s, NULL), 0);
    assert_int_equal(d.pos.epoch, 1);
    assert_string_equal(d.pos.file, "mysql-bin.000001");
    assert_int_equal(d.pos.pos, w.pos);
    dm_buf_init(&txt);
    gtid_set_format(&txt, d.gtids, NULL);
    assert_string_equal(txt.data, "0-1-10");
    dm_buf_fini(&txt);
    relay_store_durable_fini(&d);
    relay_store_reader_destroy(r);
    relay_store_close(w.s);

    // reopen without options: flavour and content persist; appends resume at the end
    assert_int_equal(relay_store_open(&w.s, dir, NULL, NULL), 0);
    assert_int_equal(relay_store_durable_pos(&d, w.s, NULL), 0);
    assert_int_equal(d.pos.pos, w.pos);
    relay_store_durable_fini(&d);
    st_trx(&w, 1, 100, true);
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    last = 0;
    assert_int_equal(read_all(r, &last, NULL), 1 + 10 * 5 + 3);
    assert_int_equal(last, 11);
    relay_store_reader_destroy(r);
    relay_store_close(w.s);
    rm_dir(dir);
}

static void test_partial_transaction_invisible(void **st)
{
    char dir[256];
    stream w = {0};
    relay_store_reader *r = NULL;
    relay_store_durable d;
    uint64_t last = 0, end_after_5;
    (void)st;
    test_dir(dir, sizeof(dir), "partial");
    w.s = open_store(dir, GTID_FLAVOR_MARIADB, 4096, 16384);
    w.flavor = GTID_FLAVOR_MARIADB;
    begin(w.s, "s1");
    st_new_file(&w, "bin.000001");
    for (int i = 0; i < 5; i++)
        st_trx(&w, 2, 300, true);
    end_after_5 = w.pos;
    // a transaction larger than the segment and commit bounds: it goes to the pending area
    st_trx(&w, 100, 1000, false);
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    assert_int_equal(read_all(r, &last, NULL), 1 + 5 * 4);
    assert_int_equal(last, 5);
    assert_int_equal(relay_store_durable_pos(&d, w.s, NULL), 0);
    assert_int_equal(d.pos.pos, end_after_5);
    relay_store_durable_fini(&d);
    relay_store_reader_destroy(r);
    // "crash": close without finishing; reopen drops the pending data
    relay_store_close(w.s);
    w.s = open_store(dir, GTID_FLAVOR_MARIADB, 4096, 16384);
    assert_int_equal(relay_store_durable_pos(&d, w.s, NULL), 0);
    assert_int_equal(d.pos.pos, end_after_5);
    relay_store_durable_fini(&d);
    // resume from the durable position: the whole transaction again, then finish it
    w.pos = end_after_5;
    w.seq = 5;
    st_trx(&w, 100, 1000, true);
    st_trx(&w, 1, 30, true);
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    assert_int_equal(read_all(r, &last, NULL), 1 + 5 * 4 + 102 + 3);
    assert_int_equal(last, 7);
    relay_store_reader_destroy(r);
    relay_store_close(w.s);
    rm_dir(dir);
}

static void test_discard_partial(void **st)
{
    char dir[256];
    stream w = {0};
    relay_store_reader *r = NULL;
    relay_store_stats stats;
    uint64_t last = 0, end_ok;
    (void)st;
    test_dir(dir, sizeof(dir), "discard");
    w.s = open_store(dir, GTID_FLAVOR_MARIADB, 4096, 8192);
    w.flavor = GTID_FLAVOR_MARIADB;
    begin(w.s, "s1");
    st_new_file(&w, "bin.000001");
    st_trx(&w, 2, 100, true);
    end_ok = w.pos;
    st_trx(&w, 50, 1000, false); // pending segments committed
    assert_int_equal(relay_store_discard_partial(w.s, NULL), 0);
    assert_int_equal(relay_store_stats_get(&stats, w.s, NULL), 0);
    assert_true(stats.raw_bytes < 2000); // only the visible part remains
    // the connection resumes at end_ok with the same transaction, complete this time
    w.pos = end_ok;
    w.seq = 1;
    st_trx(&w, 3, 100, true);
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    assert_int_equal(read_all(r, &last, NULL), 1 + 4 + 5);
    assert_int_equal(last, 2);
    relay_store_reader_destroy(r);
    relay_store_close(w.s);
    rm_dir(dir);
}

static void test_append_validation(void **st)
{
    char dir[256];
    stream w = {0};
    uint8_t ev[64];
    relay_store_event_meta m;
    gtid g;
    dm_err e;
    (void)st;
    test_dir(dir, sizeof(dir), "valid");
    w.s = open_store(dir, GTID_FLAVOR_MARIADB, 0, 0);
    w.flavor = GTID_FLAVOR_MARIADB;
    make_event(ev, 40, EV_QUERY, 44, 0, 1);
    m = (relay_store_event_meta){"bin.000001", 4, 44, NULL, true};
    assert_int_equal(relay_store_append(w.s, ev, 40, &m, &e), RELAY_STORE_ERR_STATE);
    begin(w.s, "s1");
    assert_int_equal(relay_store_append(w.s, ev, 39, &m, &e), RELAY_STORE_ERR_EVENT);
    assert_non_null(strstr(e.message, "bin.000001:4"));
    m.next_pos = 45;
    assert_int_equal(relay_store_append(w.s, ev, 40, &m, &e), RELAY_STORE_ERR_EVENT);
    assert_non_null(strstr(e.message, "log_pos"));
    m.next_pos = 4;
    assert_int_equal(relay_store_append(w.s, ev, 40, &m, &e), RELAY_STORE_ERR_EVENT);
    make_event(ev, 40, EV_ROTATE, 0, 0x20, 1); // artificial
    m.next_pos = 44;
    assert_int_equal(relay_store_append(w.s, ev, 40, &m, &e), RELAY_STORE_ERR_EVENT);
    assert_non_null(strstr(e.message, "ARTIFICIAL"));
    make_event(ev, 40, 27, 44, 0, 1); // heartbeat
    assert_int_equal(relay_store_append(w.s, ev, 40, &m, &e), RELAY_STORE_ERR_EVENT);
    m.file = "";
    make_event(ev, 40, EV_QUERY, 44, 0, 1);
    assert_int_equal(relay_store_append(w.s, ev, 40, &m, &e), RELAY_STORE_ERR_EVENT);
    gtid_parse(&g, GTID_FLAVOR_MYSQL, "3e11fa47-71ca-11e1-9e33-c80aa9429562:1", NULL);
    m = (relay_store_event_meta){"bin.000001", 4, 44, &g, true};
    assert_int_equal(relay_store_append(w.s, ev, 40, &m, &e), RELAY_STORE_ERR_EVENT);
    assert_non_null(strstr(e.message, "mysql GTID"));
    // valid stream, then errors on position and file changes
    st_new_file(&w, "bin.000001");
    st_trx(&w, 1, 50, false);
    w.pos -= 10;
    assert_int_equal(st_event_rc(&w, EV_WRITE_ROWS, 50, NULL, false, &e), RELAY_STORE_ERR_EVENT);
    assert_non_null(strstr(e.message, "goes back"));
    w.pos += 10;
    g = st_gtid(&w, 99);
    assert_int_equal(st_event_rc(&w, EV_XID, 31, &g, true, &e), RELAY_STORE_ERR_EVENT);
    assert_non_null(strstr(e.message, "GTID changed"));
    snprintf(w.file, sizeof(w.file), "bin.000002");
    assert_int_equal(st_event_rc(&w, EV_XID, 31, NULL, true, &e), RELAY_STORE_ERR_EVENT);
    assert_non_null(strstr(e.message, "inside a transaction"));
    relay_store_close(w.s);
    // a store opened with the other flavour is refused
    {
        relay_store *s2 = NULL;
        relay_store_opts o = {0};
        o.flavor = GTID_FLAVOR_MYSQL;
        assert_int_equal(relay_store_open(&s2, dir, &o, &e), RELAY_STORE_ERR_STATE);
        assert_null(s2);
    }
    rm_dir(dir);
    {
        relay_store *s2 = NULL;
        assert_int_equal(relay_store_open(&s2, dir, NULL, &e), RELAY_STORE_ERR_STATE);
        assert_non_null(strstr(e.message, "flavour"));
    }
    rm_dir(dir);
}

static void test_rotation_epochs_seek_pos(void **st)
{
    char dir[256];
    stream w = {0};
    relay_store_reader *r = NULL;
    relay_store_event ev;
    relay_store_pos p;
    uint64_t trx_pos[3][20];
    dm_err e;
    const char *files[3] = {"bin.000001", "bin.000002", "bin.000003"};
    uint32_t ep;
    (void)st;
    test_dir(dir, sizeof(dir), "rotate");
    w.s = open_store(dir, GTID_FLAVOR_MARIADB, 2048, 8192);
    w.flavor = GTID_FLAVOR_MARIADB;
    begin(w.s, "s1");
    for (int f = 0; f < 3; f++) {
        st_new_file(&w, files[f]);
        for (int i = 0; i < 20; i++) {
            trx_pos[f][i] = w.pos;
            st_trx(&w, 2, 150, true);
        }
    }
    // epoch 2: the new upstream's files restart at bin.000001
    assert_int_equal(relay_store_begin_epoch(&ep, w.s, "s2", NULL, &e), 0);
    assert_int_equal(ep, 2);
    w.file[0] = '\0';
    st_new_file(&w, "bin.000001");
    st_trx(&w, 1, 100, true);
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    // every transaction start is reachable by position
    for (int f = 0; f < 3; f++)
        for (int i = 0; i < 20; i += 3) {
            memset(&p, 0, sizeof(p));
            p.epoch = 1;
            snprintf(p.file, sizeof(p.file), "%s", files[f]);
            p.pos = trx_pos[f][i];
            assert_int_equal(relay_store_reader_seek_pos(r, &p, NULL), 0);
            assert_int_equal(relay_store_reader_next(&ev, r, NULL), 0);
            assert_int_equal(ev.epoch, 1);
            assert_string_equal(ev.file, files[f]);
            assert_int_equal(ev.pos, trx_pos[f][i]);
            assert_int_equal(ev.data[4], EV_GTID_MDB);
            assert_true(ev.has_gtid);
            assert_int_equal(ev.gtid.seq, (uint64_t)(f * 20 + i + 1));
        }
    // a position inside an event's range starts at the next event
    p.epoch = 1;
    snprintf(p.file, sizeof(p.file), "%s", files[1]);
    p.pos = trx_pos[1][5] + 1;
    assert_int_equal(relay_store_reader_seek_pos(r, &p, NULL), 0);
    assert_int_equal(relay_store_reader_next(&ev, r, NULL), 0);
    assert_int_equal(ev.pos, trx_pos[1][5] + 42);
    // ordering: from the end of epoch 1 the reader walks into epoch 2
    p.pos = 4;
    snprintf(p.file, sizeof(p.file), "%s", files[2]);
    assert_int_equal(relay_store_reader_seek_pos(r, &p, NULL), 0);
    {
        int n = 0;
        uint32_t last_epoch = 0;
        uint64_t prev_pos = 0;
        while (relay_store_reader_next(&ev, r, NULL) == 0) {
            check_event(&ev);
            if (ev.epoch == last_epoch && strcmp(ev.file, files[2]) == 0 && ev.epoch == 1)
                assert_true(ev.pos > prev_pos);
            assert_true(ev.epoch >= last_epoch);
            last_epoch = ev.epoch;
            prev_pos = ev.pos;
            n++;
        }
        assert_int_equal(last_epoch, 2);
        assert_int_equal(n, 1 + 20 * 4 + 1 + 3); // file 3, then epoch 2's FDE and trx
    }
    // epoch 2 position
    p.epoch = 2;
    snprintf(p.file, sizeof(p.file), "bin.000001");
    p.pos = 4;
    assert_int_equal(relay_store_reader_seek_pos(r, &p, NULL), 0);
    assert_int_equal(relay_store_reader_next(&ev, r, NULL), 0);
    assert_int_equal(ev.epoch, 2);
    assert_int_equal(ev.data[4], EV_FDE);
    // a file never stored, before stored ones: unknown
    p.epoch = 1;
    snprintf(p.file, sizeof(p.file), "bin.000000");
    assert_int_equal(relay_store_reader_seek_pos(r, &p, &e), RELAY_STORE_ERR_UNKNOWN_POS);
    assert_non_null(strstr(e.message, "bin.000000"));
    p.epoch = 2;
    // past the end: END now, the event once appended
    p.epoch = 2;
    snprintf(p.file, sizeof(p.file), "bin.000001");
    p.pos = w.pos;
    assert_int_equal(relay_store_reader_seek_pos(r, &p, NULL), 0);
    assert_int_equal(relay_store_reader_next(&ev, r, NULL), RELAY_STORE_END);
    st_trx(&w, 1, 100, true);
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    assert_int_equal(relay_store_reader_next(&ev, r, NULL), 0);
    assert_int_equal(ev.pos, p.pos);
    // a file after every stored one: not reached yet; what comes before it is skipped
    snprintf(p.file, sizeof(p.file), "bin.000009");
    p.pos = 4;
    assert_int_equal(relay_store_reader_seek_pos(r, &p, NULL), 0);
    assert_int_equal(relay_store_reader_next(&ev, r, NULL), RELAY_STORE_END);
    st_trx(&w, 1, 100, true);
    st_new_file(&w, "bin.000009");
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    assert_int_equal(relay_store_reader_next(&ev, r, NULL), 0);
    assert_string_equal(ev.file, "bin.000009");
    assert_int_equal(ev.pos, 4);
    assert_int_equal(ev.data[4], EV_FDE);
    // the FDE of a file
    {
        dm_buf fde;
        dm_buf_init(&fde);
        assert_int_equal(relay_store_file_fde(&fde, w.s, 1, files[1], NULL), 0);
        assert_int_equal(fde.len, 120);
        assert_int_equal((uint8_t)fde.data[4], EV_FDE);
        assert_int_equal(relay_store_file_fde(&fde, w.s, 1, "nope", &e),
                         RELAY_STORE_ERR_UNKNOWN_POS);
        dm_buf_fini(&fde);
    }
    relay_store_reader_destroy(r);
    relay_store_close(w.s);
    rm_dir(dir);
}

static void seek_gtid_flavor(gtid_flavor f)
{
    char dir[256];
    stream w = {0};
    relay_store_reader *r = NULL;
    relay_store_event ev;
    gtid_set *set = NULL, *base = NULL;
    uint32_t ep;
    dm_err e;
    test_dir(dir, sizeof(dir), f == GTID_FLAVOR_MYSQL ? "gtid-my" : "gtid-md");
    w.s = open_store(dir, f, 2048, 8192);
    w.flavor = f;
    // the upstream starts after seq 1..10 (the base set)
    assert_int_equal(gtid_set_create(&base, f, NULL), 0);
    for (uint64_t i = 1; i <= 10; i++) {
        gtid g = st_gtid(&w, i);
        gtid_set_add(base, &g, NULL);
    }
    assert_int_equal(relay_store_begin_epoch(&ep, w.s, "s1", base, &e), 0);
    w.seq = 10;
    st_new_file(&w, "bin.000001");
    for (int i = 0; i < 60; i++)
        st_trx(&w, i % 7 == 0 ? 12 : 1, 300, true); // some transactions span segments
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    for (uint64_t k = 10; k <= 70; k++) {
        assert_int_equal(gtid_set_create(&set, f, NULL), 0);
        for (uint64_t i = 1; i <= k; i++) {
            gtid g = st_gtid(&w, i);
            gtid_set_add(set, &g, NULL);
        }
        if (relay_store_reader_seek_gtid(r, set, &e) != 0)
            fail_msg("seek_gtid %llu: %s", (unsigned long long)k, e.message);
        if (k == 70) {
            assert_int_equal(relay_store_reader_next(&ev, r, NULL), RELAY_STORE_END);
        } else {
            assert_int_equal(relay_store_reader_next(&ev, r, NULL), 0);
            assert_int_equal(ev.data[4], EV_GTID_MDB);
            assert_true(ev.has_gtid);
            assert_int_equal(ev.gtid.seq, k + 1);
        }
        gtid_set_destroy(set);
    }
    // a set lacking the base's GTIDs cannot be served
    assert_int_equal(gtid_set_create(&set, f, NULL), 0);
    assert_int_equal(relay_store_reader_seek_gtid(r, set, &e), RELAY_STORE_ERR_PURGED);
    gtid_set_destroy(set);
    // a set with holes: MySQL serves the first missing transaction
    if (f == GTID_FLAVOR_MYSQL) {
        assert_int_equal(gtid_set_create(&set, f, NULL), 0);
        for (uint64_t i = 1; i <= 40; i++) {
            gtid g = st_gtid(&w, i);
            if (i != 25)
                gtid_set_add(set, &g, NULL);
        }
        assert_int_equal(relay_store_reader_seek_gtid(r, set, NULL), 0);
        assert_int_equal(relay_store_reader_next(&ev, r, NULL), 0);
        assert_int_equal(ev.gtid.seq, 25);
        gtid_set_destroy(set);
    }
    assert_int_equal(gtid_set_create(&set, f == GTID_FLAVOR_MYSQL ? GTID_FLAVOR_MARIADB
                                                                  : GTID_FLAVOR_MYSQL,
                                     NULL),
                     0);
    assert_int_equal(relay_store_reader_seek_gtid(r, set, &e), GTID_ERR_FLAVOR);
    gtid_set_destroy(set);
    gtid_set_destroy(base);
    relay_store_reader_destroy(r);
    relay_store_close(w.s);
    rm_dir(dir);
}

static void test_seek_gtid_mariadb(void **st)
{
    (void)st;
    seek_gtid_flavor(GTID_FLAVOR_MARIADB);
}

static void test_seek_gtid_mysql(void **st)
{
    (void)st;
    seek_gtid_flavor(GTID_FLAVOR_MYSQL);
}

// flip_stored_byte flips one byte of stored segment `id` directly through LMDB.
static void flip_stored_byte(const char *dir, uint64_t id, size_t off)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    MDB_val k, v;
    uint8_t key[8], *copy;
    for (int i = 0; i < 8; i++)
        key[i] = (uint8_t)(id >> (56 - 8 * i));
    assert_int_equal(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 8);
    assert_int_equal(mdb_env_open(env, dir, 0, 0644), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, "seg", 0, &dbi), 0);
    k.mv_size = 8;
    k.mv_data = key;
    assert_int_equal(mdb_get(txn, dbi, &k, &v), 0);
    assert_true(off < v.mv_size);
    copy = malloc(v.mv_size);
    memcpy(copy, v.mv_data, v.mv_size);
    copy[off] ^= 0x01;
    v.mv_data = copy;
    assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    free(copy);
    mdb_env_close(env);
}

static void test_corruption_detected(void **st)
{
    char dir[256];
    stream w = {0};
    relay_store_reader *r = NULL;
    relay_store_event ev;
    dm_err e;
    int n = 0, rc;
    (void)st;
    test_dir(dir, sizeof(dir), "corrupt");
    w.s = open_store(dir, GTID_FLAVOR_MARIADB, 2048, 8192);
    w.flavor = GTID_FLAVOR_MARIADB;
    begin(w.s, "s1");
    st_new_file(&w, "bin.000001");
    for (int i = 0; i < 30; i++)
        st_trx(&w, 2, 300, true);
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    relay_store_close(w.s);
    flip_stored_byte(dir, 3, 200); // inside segment 3's compressed bytes
    w.s = open_store(dir, GTID_FLAVOR_MARIADB, 2048, 8192);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    while ((rc = relay_store_reader_next(&ev, r, &e)) == 0) {
        assert_true(ev.segment < 3); // nothing of segment 3 is served
        n++;
    }
    assert_int_equal(rc, RELAY_STORE_ERR_CORRUPT);
    assert_non_null(strstr(e.message, "segment 3"));
    assert_non_null(strstr(e.message, "bin.000001:"));
    assert_non_null(strstr(e.message, "checksum"));
    assert_true(n > 0);
    // the reader stays before it
    assert_int_equal(relay_store_reader_next(&ev, r, &e), RELAY_STORE_ERR_CORRUPT);
    relay_store_reader_destroy(r);
    relay_store_close(w.s);
    // a flipped header byte is caught too
    flip_stored_byte(dir, 3, 200);
    flip_stored_byte(dir, 2, 30);
    w.s = open_store(dir, GTID_FLAVOR_MARIADB, 2048, 8192);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    while ((rc = relay_store_reader_next(&ev, r, &e)) == 0)
        assert_true(ev.segment < 2);
    assert_int_equal(rc, RELAY_STORE_ERR_CORRUPT);
    assert_non_null(strstr(e.message, "segment 2"));
    relay_store_reader_destroy(r);
    relay_store_close(w.s);
    rm_dir(dir);
}

static void test_segment_export(void **st)
{
    char dir[256];
    stream w = {0};
    relay_store_reader *r = NULL;
    relay_store_event ev, ev2;
    relay_store_segment_info info;
    relay_store_segment_iter it = {0};
    dm_buf seg;
    dm_err e;
    uint64_t id = 0;
    int shipped = 0, direct;
    (void)st;
    test_dir(dir, sizeof(dir), "export");
    w.s = open_store(dir, GTID_FLAVOR_MARIADB, 2048, 8192);
    w.flavor = GTID_FLAVOR_MARIADB;
    begin(w.s, "s1");
    st_new_file(&w, "bin.000001");
    for (int i = 0; i < 20; i++)
        st_trx(&w, 2, 300, true);
    st_trx(&w, 30, 300, false); // pending segments are never exported
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    dm_buf_init(&seg);
    for (;;) {
        dm_buf_reset(&seg);
        int rc = relay_store_segment_get(&seg, &info, w.s, id, &e);
        if (rc == RELAY_STORE_END)
            break;
        assert_int_equal(rc, 0);
        assert_true(info.id >= id);
        assert_string_equal(info.file, "bin.000001");
        assert_int_equal(info.stored_bytes, seg.len);
        assert_non_null(info.gtids_before);
        gtid_set_destroy(info.gtids_before);
        assert_int_equal(relay_store_segment_iter_init(&it, seg.data, seg.len, &e), 0);
        assert_int_equal(it.id, info.id);
        while ((rc = relay_store_segment_iter_next(&ev, &it, &e)) == 0) {
            assert_int_equal(relay_store_reader_next(&ev2, r, NULL), 0);
            assert_int_equal(ev.len, ev2.len);
            assert_memory_equal(ev.data, ev2.data, ev.len);
            assert_int_equal(ev.pos, ev2.pos);
            assert_int_equal(ev.has_gtid, ev2.has_gtid);
            check_event(&ev);
            shipped++;
        }
        assert_int_equal(rc, RELAY_STORE_END);
        id = info.id + 1;
        // corrupted in transit: refused
        seg.data[seg.len / 2] ^= 0x40;
        assert_int_equal(relay_store_segment_iter_init(&it, seg.data, seg.len, &e),
                         RELAY_STORE_ERR_CORRUPT);
        assert_int_equal(relay_store_segment_iter_next(&ev, &it, &e), RELAY_STORE_END);
        assert_int_equal(relay_store_segment_iter_init(&it, seg.data, 10, &e),
                         RELAY_STORE_ERR_CORRUPT);
    }
    direct = 1 + 20 * 4;
    assert_int_equal(shipped, direct);
    assert_int_equal(relay_store_reader_next(&ev2, r, NULL), RELAY_STORE_END);
    relay_store_segment_iter_fini(&it);
    dm_buf_fini(&seg);
    relay_store_reader_destroy(r);
    relay_store_close(w.s);
    rm_dir(dir);
}

static void test_purge_and_registrations(void **st)
{
    char dir[256];
    stream w = {0};
    relay_store_reader *r = NULL;
    relay_store_event ev;
    relay_store_purge_opts po;
    relay_store_purge_result res;
    relay_store_stats stats;
    relay_store_pos reg;
    uint64_t file2_trx10 = 0;
    dm_err e;
    (void)st;
    test_dir(dir, sizeof(dir), "purge");
    w.s = open_store(dir, GTID_FLAVOR_MARIADB, 2048, 8192);
    w.flavor = GTID_FLAVOR_MARIADB;
    begin(w.s, "s1");
    for (int f = 1; f <= 3; f++) {
        char name[32];
        snprintf(name, sizeof(name), "bin.00000%d", f);
        st_new_file(&w, name);
        for (int i = 0; i < 20; i++) {
            if (f == 2 && i == 10)
                file2_trx10 = w.pos;
            st_trx(&w, 2, 300, true);
        }
    }
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    assert_int_equal(relay_store_stats_get(&stats, w.s, NULL), 0);
    assert_false(stats.empty);
    assert_true(stats.segments > 10);
    assert_true(stats.raw_bytes > stats.stored_bytes);
    assert_int_equal(stats.events, 3 * (1 + 20 * 4) + 2);
    assert_string_equal(stats.first.file, "bin.000001");
    assert_int_equal(stats.first.pos, 4);
    assert_int_equal(stats.last_end.pos, w.pos);
    assert_true(stats.fs_free_bytes > 0);
    assert_true(stats.file_bytes > 0);

    // a reader registered inside bin.000002 holds purge there, across a restart
    memset(&reg, 0, sizeof(reg));
    reg.epoch = 1;
    snprintf(reg.file, sizeof(reg.file), "bin.000002");
    reg.pos = file2_trx10;
    assert_int_equal(relay_store_register_reader(w.s, "task-a", &reg, NULL), 0);
    reg.pos = 4;
    snprintf(reg.file, sizeof(reg.file), "bin.000003");
    assert_int_equal(relay_store_register_reader(w.s, "task-b", &reg, NULL), 0);
    assert_int_equal(relay_store_register_reader(w.s, "", &reg, &e), DM_ERR_INVALID_ARG);
    relay_store_close(w.s);
    w.s = open_store(dir, GTID_FLAVOR_MARIADB, 2048, 8192);

    // nothing matches: nothing goes
    memset(&po, 0, sizeof(po));
    po.expires_hours = 1;
    assert_int_equal(relay_store_purge(&res, w.s, &po, NULL), 0);
    assert_int_equal(res.segments, 0);
    // purge before bin.000003: stops at task-a's position in bin.000002
    memset(&po, 0, sizeof(po));
    po.before = true;
    po.before_epoch = 1;
    po.before_file = "bin.000003";
    assert_int_equal(relay_store_purge(&res, w.s, &po, NULL), 0);
    assert_true(res.segments > 0);
    assert_true(res.held);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    reg.epoch = 1;
    snprintf(reg.file, sizeof(reg.file), "bin.000002");
    reg.pos = file2_trx10;
    assert_int_equal(relay_store_reader_seek_pos(r, &reg, &e), 0);
    assert_int_equal(relay_store_reader_next(&ev, r, &e), 0);
    assert_int_equal(ev.pos, file2_trx10);
    reg.pos = 4;
    snprintf(reg.file, sizeof(reg.file), "bin.000001");
    assert_int_equal(relay_store_reader_seek_pos(r, &reg, &e), RELAY_STORE_ERR_PURGED);
    // the oldest event left is at or before task-a's position
    assert_int_equal(relay_store_stats_get(&stats, w.s, NULL), 0);
    assert_string_equal(stats.first.file, "bin.000002");
    assert_true(stats.first.pos <= file2_trx10);
    // task-a moves on; expires (with a clock 2 hours ahead) then purges up to task-b
    assert_int_equal(relay_store_unregister_reader(w.s, "task-a", NULL), 0);
    assert_int_equal(relay_store_unregister_reader(w.s, "task-a", NULL), 0);
    memset(&po, 0, sizeof(po));
    po.expires_hours = 1;
    po.now = (int64_t)time(NULL) + 7200;
    assert_int_equal(relay_store_purge(&res, w.s, &po, NULL), 0);
    assert_true(res.held);
    assert_int_equal(relay_store_stats_get(&stats, w.s, NULL), 0);
    assert_true(strcmp(stats.first.file, "bin.000003") == 0 ||
                strcmp(stats.first.file, "bin.000002") == 0);
    // a reader whose next segment was purged gets PURGED
    assert_int_equal(relay_store_reader_seek_pos(r, &stats.first, &e), 0);
    assert_int_equal(relay_store_reader_next(&ev, r, &e), 0);
    memset(&po, 0, sizeof(po));
    po.remain_space_gb = 1e9; // never enough space: purge all that registrations allow
    assert_int_equal(relay_store_unregister_reader(w.s, "task-b", NULL), 0);
    assert_int_equal(relay_store_purge(&res, w.s, &po, NULL), 0);
    assert_false(res.held);
    assert_int_equal(relay_store_stats_get(&stats, w.s, NULL), 0);
    assert_true(stats.empty);
    assert_int_equal(stats.segments, 0);
    {
        int rc;
        while ((rc = relay_store_reader_next(&ev, r, &e)) == 0)
            ;
        assert_int_equal(rc, RELAY_STORE_ERR_PURGED);
    }
    // purge by an unknown file
    memset(&po, 0, sizeof(po));
    po.before = true;
    po.before_epoch = 1;
    po.before_file = "bin.000042";
    assert_int_equal(relay_store_purge(&res, w.s, &po, &e), RELAY_STORE_ERR_UNKNOWN_POS);
    // the store keeps working after everything was purged
    st_trx(&w, 1, 100, true);
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    relay_store_reader_destroy(r);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    assert_int_equal(read_all(r, NULL, NULL), 3);
    relay_store_reader_destroy(r);
    relay_store_close(w.s);
    rm_dir(dir);
}

typedef struct waiter {
    relay_store_reader *r;
    int rc;
    int got;
} waiter;

static void *wait_thread(void *arg)
{
    waiter *wt = arg;
    relay_store_event ev;
    wt->rc = relay_store_reader_wait(wt->r, 5000, NULL);
    while (relay_store_reader_next(&ev, wt->r, NULL) == 0)
        wt->got++;
    return NULL;
}

static void test_wait(void **st)
{
    char dir[256];
    stream w = {0};
    relay_store_reader *r = NULL;
    relay_store_event ev;
    pthread_t th;
    waiter wt = {0};
    dm_err e;
    (void)st;
    test_dir(dir, sizeof(dir), "wait");
    w.s = open_store(dir, GTID_FLAVOR_MARIADB, 0, 0);
    w.flavor = GTID_FLAVOR_MARIADB;
    begin(w.s, "s1");
    st_new_file(&w, "bin.000001");
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    while (relay_store_reader_next(&ev, r, NULL) == 0)
        ;
    assert_int_equal(relay_store_reader_wait(r, 50, &e), DM_ERR_TIMEOUT);
    wt.r = r;
    pthread_create(&th, NULL, wait_thread, &wt);
    usleep(100 * 1000);
    st_trx(&w, 2, 100, true);
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    pthread_join(th, NULL);
    assert_int_equal(wt.rc, 0);
    assert_int_equal(wt.got, 4);
    relay_store_reader_destroy(r);
    relay_store_close(w.s);
    rm_dir(dir);
}

static void test_group_commit_bounds(void **st)
{
    char dir[256];
    stream w = {0};
    relay_store_reader *r = NULL;
    relay_store_opts o = {0};
    relay_store_event ev;
    (void)st;
    test_dir(dir, sizeof(dir), "group");
    o.flavor = GTID_FLAVOR_MARIADB;
    o.commit_ms = 30;
    o.commit_bytes = 1 << 20;
    assert_int_equal(relay_store_open(&w.s, dir, &o, NULL), 0);
    w.flavor = GTID_FLAVOR_MARIADB;
    begin(w.s, "s1");
    st_new_file(&w, "bin.000001");
    st_trx(&w, 1, 100, true);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    assert_int_equal(relay_store_reader_next(&ev, r, NULL), RELAY_STORE_END);
    assert_true(relay_store_flush_due_ms(w.s) <= 30);
    usleep(40 * 1000);
    assert_int_equal(relay_store_flush_due_ms(w.s), 0);
    st_trx(&w, 1, 100, true); // the time bound passed: its first append commits trx 1
    assert_int_equal(relay_store_reader_wait(r, 5000, NULL), 0);
    assert_int_equal(read_all(r, NULL, NULL), 1 + 3);
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    assert_int_equal(relay_store_flush_due_ms(w.s), -1);
    assert_int_equal(read_all(r, NULL, NULL), 3);
    // the byte bound
    for (int i = 0; i < 400; i++)
        st_trx(&w, 3, 1000, true);
    assert_int_equal(relay_store_reader_wait(r, 5000, NULL), 0);
    {
        int n = read_all(r, NULL, NULL);
        if (n <= 100)
            fail_msg("byte bound: only %d events visible", n);
    }
    relay_store_reader_destroy(r);
    relay_store_close(w.s);
    rm_dir(dir);
}

static void test_map_grows(void **st)
{
    char dir[256];
    stream w = {0};
    relay_store_reader *r = NULL;
    relay_store_opts o = {0};
    relay_store_stats stats;
    relay_store_pos reg = {0};
    uint8_t *big;
    (void)st;
    test_dir(dir, sizeof(dir), "grow");
    o.flavor = GTID_FLAVOR_MARIADB;
    o.map_size = 256 * 1024;
    assert_int_equal(relay_store_open(&w.s, dir, &o, NULL), 0);
    w.flavor = GTID_FLAVOR_MARIADB;
    begin(w.s, "s1");
    st_new_file(&w, "bin.000001");
    // incompressible rows: 3 MiB stored in a 256 KiB map
    big = malloc(4096);
    for (int i = 0; i < 3 * 256; i++) {
        gtid g = st_gtid(&w, ++w.seq);
        relay_store_event_meta m = {w.file, w.pos, w.pos + 4096, &g, true};
        make_event(big, 4096, EV_QUERY, w.pos + 4096, 0, (uint64_t)i);
        for (int j = 19; j < 4096; j++)
            big[j] = (uint8_t)(rand() >> 3);
        assert_int_equal(relay_store_append(w.s, big, 4096, &m, NULL), 0);
        w.pos += 4096;
    }
    free(big);
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    // a registration write also works after the growth
    reg.epoch = 1;
    snprintf(reg.file, sizeof(reg.file), "bin.000001");
    assert_int_equal(relay_store_register_reader(w.s, "r", &reg, NULL), 0);
    assert_int_equal(relay_store_stats_get(&stats, w.s, NULL), 0);
    assert_true(stats.map_size > 256 * 1024);
    assert_true(stats.stored_bytes > 3 * 1000 * 1000);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    {
        relay_store_event ev;
        int n = 0;
        while (relay_store_reader_next(&ev, r, NULL) == 0)
            n++;
        assert_int_equal(n, 1 + 3 * 256);
    }
    relay_store_reader_destroy(r);
    relay_store_close(w.s);
    rm_dir(dir);
}

static void test_positions_over_4gib(void **st)
{
    char dir[256];
    stream w = {0};
    relay_store_reader *r = NULL;
    relay_store_event ev;
    relay_store_pos p = {0};
    uint64_t at[6];
    (void)st;
    test_dir(dir, sizeof(dir), "4gib");
    w.s = open_store(dir, GTID_FLAVOR_MARIADB, 2048, 8192);
    w.flavor = GTID_FLAVOR_MARIADB;
    begin(w.s, "s1");
    st_new_file(&w, "bin.000001");
    // the stream jumps (a hole, as after skipped groups) to just below 4 GiB and crosses it;
    // header log_pos holds the low 32 bits
    w.pos = 0xFFFFF000ull;
    for (int i = 0; i < 6; i++) {
        at[i] = w.pos;
        st_trx(&w, 10, 300, true);
    }
    assert_true(w.pos > 0x100000000ull);
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    p.epoch = 1;
    snprintf(p.file, sizeof(p.file), "bin.000001");
    for (int i = 0; i < 6; i++) {
        p.pos = at[i];
        assert_int_equal(relay_store_reader_seek_pos(r, &p, NULL), 0);
        assert_int_equal(relay_store_reader_next(&ev, r, NULL), 0);
        assert_int_equal(ev.pos, at[i]);
        assert_int_equal(ev.gtid.seq, (uint64_t)i + 1);
        check_event(&ev);
    }
    relay_store_reader_destroy(r);
    relay_store_close(w.s);
    rm_dir(dir);
}

static void test_open_errors_and_empty_store(void **st)
{
    char dir[256], file[300];
    relay_store *s = NULL;
    relay_store_opts o = {0};
    relay_store_stats stats;
    relay_store_durable d;
    relay_store_reader *r = NULL;
    relay_store_event ev;
    gtid_set *g = NULL;
    FILE *f;
    dm_err e;
    (void)st;
    test_dir(dir, sizeof(dir), "openerr");
    o.flavor = GTID_FLAVOR_MYSQL;
    // a regular file where the directory should be
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(file, sizeof(file), "%s/plain", dir);
    f = fopen(file, "w");
    fclose(f);
    assert_int_not_equal(relay_store_open(&s, file, &o, &e), 0);
    assert_null(s);
    assert_non_null(strstr(e.message, "plain"));
    o.segment_bytes = (size_t)1 << 30;
    assert_int_equal(relay_store_open(&s, dir, &o, &e), DM_ERR_INVALID_ARG);
    o.segment_bytes = 0;
    // an empty store: stats, durable position, readers, seeks
    assert_int_equal(relay_store_open(&s, dir, &o, &e), 0);
    assert_int_equal(relay_store_stats_get(&stats, s, NULL), 0);
    assert_true(stats.empty);
    assert_int_equal(stats.segments, 0);
    assert_int_equal(relay_store_durable_pos(&d, s, NULL), 0);
    assert_int_equal(d.pos.epoch, 0);
    assert_true(gtid_set_is_empty(d.gtids));
    relay_store_durable_fini(&d);
    relay_store_durable_fini(NULL);
    assert_int_equal(relay_store_reader_create(&r, s, NULL), 0);
    assert_int_equal(relay_store_reader_next(&ev, r, NULL), RELAY_STORE_END);
    assert_int_equal(gtid_set_create(&g, GTID_FLAVOR_MYSQL, NULL), 0);
    assert_int_equal(relay_store_reader_seek_gtid(r, g, NULL), 0);
    assert_int_equal(relay_store_reader_next(&ev, r, NULL), RELAY_STORE_END);
    // nothing stored yet: any position is still to come
    assert_int_equal(relay_store_reader_seek_pos(r, &(relay_store_pos){1, "x", 4}, &e), 0);
    assert_int_equal(relay_store_reader_next(&ev, r, NULL), RELAY_STORE_END);
    {
        dm_buf b;
        relay_store_segment_info info;
        dm_buf_init(&b);
        assert_int_equal(relay_store_segment_get(&b, &info, s, 0, NULL), RELAY_STORE_END);
        dm_buf_fini(&b);
    }
    gtid_set_destroy(g);
    relay_store_reader_destroy(r);
    relay_store_reader_destroy(NULL);
    relay_store_close(s);
    relay_store_close(NULL);
    rm_dir(dir);
}

static void test_purge_cuts_between_transactions(void **st)
{
    char dir[256];
    stream w = {0};
    relay_store_reader *r = NULL;
    relay_store_event ev;
    relay_store_purge_opts po;
    relay_store_purge_result res;
    relay_store_pos reg = {0};
    uint64_t big_start, inside;
    (void)st;
    test_dir(dir, sizeof(dir), "purgecut");
    w.s = open_store(dir, GTID_FLAVOR_MARIADB, 2048, 8192);
    w.flavor = GTID_FLAVOR_MARIADB;
    begin(w.s, "s1");
    st_new_file(&w, "bin.000001");
    for (int i = 0; i < 10; i++)
        st_trx(&w, 2, 300, true);
    big_start = w.pos;
    st_trx(&w, 60, 500, true); // about 15 segments, one transaction
    inside = big_start + 42 + 30 * 500;
    for (int i = 0; i < 5; i++)
        st_trx(&w, 2, 300, true);
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    // a reader needs a position inside the big transaction: purge stops before the
    // transaction, never inside it
    reg.epoch = 1;
    snprintf(reg.file, sizeof(reg.file), "bin.000001");
    reg.pos = inside;
    assert_int_equal(relay_store_register_reader(w.s, "mid", &reg, NULL), 0);
    memset(&po, 0, sizeof(po));
    po.remain_space_gb = 1e9;
    assert_int_equal(relay_store_purge(&res, w.s, &po, NULL), 0);
    assert_true(res.held);
    assert_true(res.segments > 0);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    assert_int_equal(relay_store_reader_next(&ev, r, NULL), 0);
    assert_true(ev.pos <= big_start);
    assert_int_equal(ev.data[4], EV_GTID_MDB); // a transaction's first event
    // without the registration, purge goes past the whole transaction, not into it
    assert_int_equal(relay_store_unregister_reader(w.s, "mid", NULL), 0);
    reg.pos = inside + 500;
    assert_int_equal(relay_store_register_reader(w.s, "after", &reg, NULL), 0);
    reg.pos = big_start + 42 + 60 * 500 + 31; // the end of the big transaction
    assert_int_equal(relay_store_register_reader(w.s, "after", &reg, NULL), 0);
    assert_int_equal(relay_store_purge(&res, w.s, &po, NULL), 0);
    relay_store_reader_destroy(r);
    assert_int_equal(relay_store_reader_create(&r, w.s, NULL), 0);
    assert_int_equal(relay_store_reader_next(&ev, r, NULL), 0);
    assert_int_equal(ev.data[4], EV_GTID_MDB);
    assert_true(ev.pos <= reg.pos);
    relay_store_reader_destroy(r);
    relay_store_close(w.s);
    rm_dir(dir);
}

typedef struct follower {
    relay_store *s;
    uint64_t want_seq;
    uint64_t seen_seq;
    int errors;
} follower;

// follow reads with waits until want_seq, checking that transactions arrive in order and
// whole.
static void *follow(void *arg)
{
    follower *f = arg;
    relay_store_reader *r = NULL;
    relay_store_event ev;
    bool in_trx = false;
    if (relay_store_reader_create(&r, f->s, NULL) != 0) {
        f->errors++;
        return NULL;
    }
    while (f->seen_seq < f->want_seq) {
        int rc = relay_store_reader_next(&ev, r, NULL);
        if (rc == RELAY_STORE_END) {
            if (in_trx)
                f->errors++; // a partial transaction was visible
            rc = relay_store_reader_wait(r, 5000, NULL);
            if (rc != 0) {
                f->errors++;
                break;
            }
            continue;
        }
        if (rc != 0) {
            f->errors++;
            break;
        }
        if (ev.has_gtid && ev.data[4] == EV_GTID_MDB && ev.gtid.seq != f->seen_seq + 1)
            f->errors++;
        if (ev.trx_end && ev.has_gtid)
            f->seen_seq = ev.gtid.seq;
        in_trx = !ev.trx_end;
    }
    relay_store_reader_destroy(r);
    return NULL;
}

static void test_concurrent_readers(void **st)
{
    char dir[256];
    stream w = {0};
    follower f[3];
    pthread_t th[3];
    relay_store_stats stats;
    (void)st;
    test_dir(dir, sizeof(dir), "concurrent");
    w.s = open_store(dir, GTID_FLAVOR_MARIADB, 4096, 16384);
    w.flavor = GTID_FLAVOR_MARIADB;
    begin(w.s, "s1");
    st_new_file(&w, "bin.000001");
    for (int i = 0; i < 3; i++) {
        f[i] = (follower){w.s, 300, 0, 0};
        pthread_create(&th[i], NULL, follow, &f[i]);
    }
    for (int i = 0; i < 300; i++) {
        st_trx(&w, i % 50 == 0 ? 20 : 2, 500, true);
        if (i % 7 == 0)
            assert_int_equal(relay_store_flush(w.s, NULL), 0);
        if (i % 40 == 0)
            assert_int_equal(relay_store_stats_get(&stats, w.s, NULL), 0);
    }
    assert_int_equal(relay_store_flush(w.s, NULL), 0);
    for (int i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(f[i].errors, 0);
        assert_int_equal(f[i].seen_seq, 300);
    }
    relay_store_close(w.s);
    rm_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_read_reopen),
        cmocka_unit_test(test_partial_transaction_invisible),
        cmocka_unit_test(test_discard_partial),
        cmocka_unit_test(test_append_validation),
        cmocka_unit_test(test_rotation_epochs_seek_pos),
        cmocka_unit_test(test_seek_gtid_mariadb),
        cmocka_unit_test(test_seek_gtid_mysql),
        cmocka_unit_test(test_corruption_detected),
        cmocka_unit_test(test_segment_export),
        cmocka_unit_test(test_purge_and_registrations),
        cmocka_unit_test(test_wait),
        cmocka_unit_test(test_group_commit_bounds),
        cmocka_unit_test(test_map_grows),
        cmocka_unit_test(test_concurrent_readers),
        cmocka_unit_test(test_positions_over_4gib),
        cmocka_unit_test(test_open_errors_and_empty_store),
        cmocka_unit_test(test_purge_cuts_between_transactions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
