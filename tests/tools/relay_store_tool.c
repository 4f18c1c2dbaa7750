// relay_store_tool: drives the relay store from outside the unit tests.
//
//   relay_store_tool write DIR SEED      append a deterministic synthetic stream forever,
//                                        flushing at random points and printing
//                                        "durable SEQ FILE POS" after each flush; resumes
//                                        from the store's durable position (crash test)
//   relay_store_tool verify DIR MIN_SEQ  read everything back and check it is exactly a
//                                        prefix of that stream, ends at a transaction end,
//                                        matches the durable position and holds at least
//                                        MIN_SEQ transactions; prints "ok SEQ EVENTS"
//   relay_store_tool bench DIR [LEVEL] BINLOG...  append real binlog files (MariaDB), print
//                                        throughput, compression ratio and peak RSS
//   relay_store_tool bench-synthetic DIR MB [LEVEL]  the same on synthetic row events
//
// The synthetic stream is a pure function of the event index: files of 40 transactions
// (FDE first, ROTATE last); transaction n has a GTID event, rows, and an XID; every 23rd
// transaction is larger than a segment so the pending area is exercised.
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "relay_store.h"
#include "store_test_util.h"

#define TRX_PER_FILE 40
#define SEG_BYTES (64 << 10)

typedef struct gen {
    int fileno;
    uint64_t pos;
    uint64_t seq;      // last transaction started
    int trx_in_file;   // transactions completed in this file
    int phase;         // 0 FDE, 1 GTID, 2 rows, 3 XID, 4 after a transaction
    int row, nrows;
    size_t rowsize;
} gen;

typedef struct genev {
    char file[32];
    uint64_t pos, next_pos;
    uint8_t type;
    size_t size;
    bool has_gtid, trx_end;
    uint64_t seq;
} genev;

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

static void gen_init(gen *g)
{
    memset(g, 0, sizeof(*g));
    g->fileno = 1;
    g->pos = 4;
}

static void gen_next(gen *g, genev *e)
{
    memset(e, 0, sizeof(*e));
    snprintf(e->file, sizeof(e->file), "crash-bin.%06d", g->fileno);
    e->pos = g->pos;
    switch (g->phase) {
    case 0:
        e->type = EV_FDE;
        e->size = 120;
        e->trx_end = true;
        g->phase = 1;
        break;
    case 1:
        g->seq++;
        e->type = EV_GTID_MDB;
        e->size = 42;
        g->row = 0;
        g->nrows = g->seq % 23 == 0 ? 150 : 1 + (int)(mix(g->seq) % 5);
        g->rowsize = g->seq % 23 == 0 ? 4000 : 100 + mix(g->seq + 7) % 900;
        g->phase = 2;
        break;
    case 2:
        e->type = EV_WRITE_ROWS;
        e->size = g->rowsize;
        if (++g->row == g->nrows)
            g->phase = 3;
        break;
    case 3:
        e->type = EV_XID;
        e->size = 31;
        e->trx_end = true;
        g->trx_in_file++;
        g->phase = 4;
        break;
    default:
        if (g->trx_in_file == TRX_PER_FILE) {
            e->type = EV_ROTATE;
            e->size = 40;
            e->trx_end = true;
            e->next_pos = e->pos + e->size;
            g->fileno++;
            g->pos = 4;
            g->trx_in_file = 0;
            g->phase = 0;
            return;
        }
        g->phase = 1;
        gen_next(g, e);
        return;
    }
    if (e->type == EV_GTID_MDB || e->type == EV_WRITE_ROWS || e->type == EV_XID) {
        e->has_gtid = true;
        e->seq = g->seq;
    }
    e->next_pos = e->pos + e->size;
    g->pos = e->next_pos;
}

static uint64_t ev_seed(const genev *e)
{
    return mix((uint64_t)e->type << 56 ^ e->pos ^ (uint64_t)e->size << 40 ^ e->seq << 20);
}

static gtid md_gtid(uint64_t seq)
{
    gtid g;
    memset(&g, 0, sizeof(g));
    g.flavor = GTID_FLAVOR_MARIADB;
    g.server = 1;
    g.seq = seq;
    return g;
}

// open_or_die opens the store; small = 64 KiB segments (crash test: many segments and
// pending transactions), else the defaults.
static relay_store *open_or_die(const char *dir, bool small, int level)
{
    relay_store *s = NULL;
    relay_store_opts o = {0};
    dm_err e;
    o.flavor = GTID_FLAVOR_MARIADB;
    o.segment_bytes = small ? SEG_BYTES : 0;
    o.commit_bytes = small ? 4 * SEG_BYTES : 0;
    o.commit_ms = 20;
    o.zstd_level = level;
    if (relay_store_open(&s, dir, &o, &e) != 0) {
        fprintf(stderr, "open %s: %s\n", dir, e.message);
        exit(2);
    }
    return s;
}

// ---- crash writer ------------------------------------------------------------------------

static int cmd_write(const char *dir, unsigned seed)
{
    relay_store *s = open_or_die(dir, true, 0);
    relay_store_durable d;
    gen g;
    genev ev;
    uint8_t *buf = malloc(8192);
    dm_err e;
    int until_flush, flushes = 0;
    gen_init(&g);
    if (relay_store_durable_pos(&d, s, &e) != 0)
        return 2;
    if (d.pos.epoch == 0) {
        uint32_t ep;
        if (relay_store_begin_epoch(&ep, s, "crash-upstream", NULL, &e) != 0) {
            fprintf(stderr, "begin_epoch: %s\n", e.message);
            return 2;
        }
    } else if (d.pos.file[0]) {
        // Replay the generator up to the durable position: the next event resumes there.
        for (;;) {
            gen_next(&g, &ev);
            if (ev.trx_end && ev.next_pos == d.pos.pos && strcmp(ev.file, d.pos.file) == 0)
                break;
            if (g.fileno > 1000000) {
                fprintf(stderr, "durable position %s:%llu is not in the stream\n", d.pos.file,
                        (unsigned long long)d.pos.pos);
                return 3;
            }
        }
        {
            gtid last = md_gtid(g.seq);
            if (g.seq && !gtid_set_contains_gtid(d.gtids, &last)) {
                fprintf(stderr, "durable GTID set lacks 0-1-%llu\n", (unsigned long long)g.seq);
                return 3;
            }
        }
    }
    relay_store_durable_fini(&d);
    printf("resume %llu\n", (unsigned long long)g.seq);
    fflush(stdout);
    srand(seed);
    until_flush = 1 + rand() % 20;
    for (;;) {
        relay_store_event_meta m;
        gtid gt;
        gen_next(&g, &ev);
        make_event(buf, ev.size, ev.type, ev.next_pos, 0, ev_seed(&ev));
        gt = md_gtid(ev.seq);
        m = (relay_store_event_meta){ev.file, ev.pos, ev.next_pos, ev.has_gtid ? &gt : NULL,
                                     ev.trx_end};
        if (relay_store_append(s, buf, ev.size, &m, &e) != 0) {
            fprintf(stderr, "append %s:%llu: %s\n", ev.file, (unsigned long long)ev.pos,
                    e.message);
            return 2;
        }
        if (ev.type == EV_XID && --until_flush == 0) {
            if (relay_store_flush(s, &e) != 0) {
                fprintf(stderr, "flush: %s\n", e.message);
                return 2;
            }
            relay_store_durable_pos(&d, s, NULL);
            printf("durable %llu %s %llu\n", (unsigned long long)ev.seq, d.pos.file,
                   (unsigned long long)d.pos.pos);
            fflush(stdout);
            relay_store_durable_fini(&d);
            until_flush = 1 + rand() % 20;
            // Purge whole old files now and then: a kill may land inside a purge too.
            if (++flushes % 8 == 0 && g.fileno > 3) {
                relay_store_purge_opts po = {0};
                relay_store_purge_result pr;
                char before[32];
                snprintf(before, sizeof(before), "crash-bin.%06d", g.fileno - 3);
                po.before = true;
                po.before_epoch = 1;
                po.before_file = before;
                if (relay_store_purge(&pr, s, &po, &e) != 0) {
                    fprintf(stderr, "purge: %s\n", e.message);
                    return 2;
                }
                printf("purged %llu before %s\n", (unsigned long long)pr.segments, before);
                fflush(stdout);
            }
        }
    }
}

// ---- verifier ---------------------------------------------------------------------------

static int cmd_verify(const char *dir, uint64_t min_seq)
{
    relay_store *s = open_or_die(dir, true, 0);
    relay_store_reader *r = NULL;
    relay_store_event ev;
    relay_store_durable d;
    gen g;
    genev want;
    uint8_t *buf = malloc(8192);
    uint64_t n = 0, last_seq = 0;
    bool last_end = true;
    char last_file[64] = "";
    uint64_t last_next = 0;
    dm_err e;
    int rc;
    gen_init(&g);
    relay_store_reader_create(&r, s, NULL);
    while ((rc = relay_store_reader_next(&ev, r, &e)) == 0) {
        gen_next(&g, &want);
        // Old data may have been purged (a kill inside a purge may leave part of a file):
        // the stored stream must then start at the start of a transaction.
        if (n == 0) {
            bool unit_start = true;
            while (strcmp(want.file, ev.file) < 0 ||
                   (strcmp(want.file, ev.file) == 0 && want.pos < ev.pos)) {
                unit_start = want.trx_end;
                gen_next(&g, &want);
            }
            if (!unit_start) {
                fprintf(stderr, "the stored stream starts inside a transaction at %s:%llu\n",
                        ev.file, (unsigned long long)ev.pos);
                return 1;
            }
        }
        if (strcmp(ev.file, want.file) != 0 || ev.pos != want.pos || ev.len != want.size ||
            ev.next_pos != want.next_pos || ev.trx_end != want.trx_end ||
            ev.has_gtid != want.has_gtid || (ev.has_gtid && ev.gtid.seq != want.seq)) {
            fprintf(stderr, "event %llu: got %s:%llu (%zu bytes) want %s:%llu (%zu bytes)\n",
                    (unsigned long long)n, ev.file, (unsigned long long)ev.pos, ev.len,
                    want.file, (unsigned long long)want.pos, want.size);
            return 1;
        }
        make_event(buf, want.size, want.type, want.next_pos, 0, ev_seed(&want));
        if (memcmp(buf, ev.data, ev.len) != 0) {
            fprintf(stderr, "event %llu at %s:%llu: bytes differ\n", (unsigned long long)n,
                    ev.file, (unsigned long long)ev.pos);
            return 1;
        }
        if (ev.trx_end && ev.has_gtid)
            last_seq = ev.gtid.seq;
        last_end = ev.trx_end;
        snprintf(last_file, sizeof(last_file), "%s", ev.file);
        last_next = ev.next_pos;
        n++;
    }
    if (rc != RELAY_STORE_END) {
        fprintf(stderr, "reader: %s\n", e.message);
        return 1;
    }
    if (!last_end) {
        fprintf(stderr, "the stored stream ends inside a transaction\n");
        return 1;
    }
    relay_store_durable_pos(&d, s, NULL);
    if (n && (strcmp(d.pos.file, last_file) != 0 || d.pos.pos != last_next)) {
        fprintf(stderr, "durable position %s:%llu but the last event ends at %s:%llu\n",
                d.pos.file, (unsigned long long)d.pos.pos, last_file,
                (unsigned long long)last_next);
        return 1;
    }
    if (last_seq < min_seq) {
        fprintf(stderr, "only %llu transactions stored, %llu were reported durable\n",
                (unsigned long long)last_seq, (unsigned long long)min_seq);
        return 1;
    }
    {
        gtid lg = md_gtid(last_seq + 1);
        if (gtid_set_contains_gtid(d.gtids, &lg)) {
            fprintf(stderr, "durable GTID set is ahead of the stored transactions\n");
            return 1;
        }
    }
    relay_store_durable_fini(&d);
    printf("ok %llu %llu\n", (unsigned long long)last_seq, (unsigned long long)n);
    relay_store_reader_destroy(r);
    relay_store_close(s);
    free(buf);
    return 0;
}

// ---- benchmarks -------------------------------------------------------------------------

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int report(relay_store *s, double secs, uint64_t events, uint64_t trxs)
{
    relay_store_stats st;
    dm_err e;
    if (relay_store_stats_get(&st, s, &e) != 0) {
        fprintf(stderr, "stats: %s\n", e.message);
        return 1;
    }
    printf("events %llu transactions %llu segments %llu\n", (unsigned long long)events,
           (unsigned long long)trxs, (unsigned long long)st.segments);
    printf("raw_mb %.1f stored_mb %.1f ratio %.2f\n", st.raw_bytes / 1e6, st.stored_bytes / 1e6,
           st.stored_bytes ? (double)st.raw_bytes / (double)st.stored_bytes : 0.0);
    printf("seconds %.2f append_mb_per_s %.1f\n", secs, st.raw_bytes / 1e6 / secs);
    printf("peak_rss_mib %ld\n", peak_rss_kib() / 1024);
    {
        // Read everything back: checksum, decompression and iteration, as a reader does.
        relay_store_reader *r = NULL;
        relay_store_event ev;
        uint64_t n = 0, bytes = 0;
        double t0 = now_s(), t;
        relay_store_reader_create(&r, s, NULL);
        while (relay_store_reader_next(&ev, r, &e) == 0) {
            n++;
            bytes += ev.len;
        }
        t = now_s() - t0;
        relay_store_reader_destroy(r);
        if (n != events) {
            fprintf(stderr, "read back %llu events of %llu\n", (unsigned long long)n,
                    (unsigned long long)events);
            return 1;
        }
        printf("read_seconds %.2f read_mb_per_s %.1f\n", t, bytes / 1e6 / t);
    }
    return 0;
}

// append_binlog appends one MariaDB binlog file; trx boundaries from the GTID event flags,
// XID, XA_PREPARE and QUERY "COMMIT".
static int append_binlog(relay_store *s, const char *path, uint64_t *events, uint64_t *trxs)
{
    FILE *f = fopen(path, "rb");
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    uint8_t hdr[19], *ev = NULL;
    size_t cap = 0, crc = 0;
    uint64_t pos = 4;
    bool in_trx = false, standalone = false;
    gtid g;
    dm_err e;
    if (f == NULL || fread(hdr, 1, 4, f) != 4 || memcmp(hdr, "\xfe" "bin", 4) != 0) {
        fprintf(stderr, "%s: not a binlog file\n", path);
        return 1;
    }
    while (fread(hdr, 1, 19, f) == 19) {
        uint32_t size = (uint32_t)hdr[9] | (uint32_t)hdr[10] << 8 | (uint32_t)hdr[11] << 16 |
                        (uint32_t)hdr[12] << 24;
        uint8_t type = hdr[4];
        relay_store_event_meta m;
        bool end;
        if (size < 19)
            break;
        if (size > cap) {
            cap = size;
            ev = realloc(ev, cap);
        }
        memcpy(ev, hdr, 19);
        if (fread(ev + 19, 1, size - 19, f) != size - 19)
            break; // a file still being written: stop at the last whole event
        if (type == 15)
            crc = ev[size - 5] == 1 ? 4 : 0;
        if (type == 162) {
            memset(&g, 0, sizeof(g));
            g.flavor = GTID_FLAVOR_MARIADB;
            memcpy(&g.seq, ev + 19, 8);
            memcpy(&g.domain, ev + 27, 4);
            memcpy(&g.server, ev + 5, 4);
            standalone = (ev[31] & 1) != 0;
            in_trx = true;
            end = false;
        } else if (in_trx) {
            end = standalone || type == 16 || type == 38 ||
                  (type == 2 && size >= 19 + crc + 6 &&
                   memcmp(ev + size - crc - 6, "COMMIT", 6) == 0);
        } else {
            end = true;
        }
        m = (relay_store_event_meta){name, pos, pos + size, in_trx ? &g : NULL, end};
        if (relay_store_append(s, ev, size, &m, &e) != 0) {
            fprintf(stderr, "%s:%llu: %s\n", name, (unsigned long long)pos, e.message);
            return 1;
        }
        if (in_trx && end) {
            in_trx = false;
            (*trxs)++;
        }
        (*events)++;
        pos += size;
    }
    free(ev);
    fclose(f);
    return 0;
}

static int cmd_bench(const char *dir, int level, char **files, int nfiles)
{
    relay_store *s = open_or_die(dir, false, level);
    uint64_t events = 0, trxs = 0;
    uint32_t ep;
    double t0;
    dm_err e;
    int rc = 0;
    relay_store_begin_epoch(&ep, s, "bench", NULL, &e);
    t0 = now_s();
    for (int i = 0; i < nfiles && rc == 0; i++)
        rc = append_binlog(s, files[i], &events, &trxs);
    if (rc == 0 && relay_store_flush(s, &e) != 0) {
        fprintf(stderr, "flush: %s\n", e.message);
        rc = 1;
    }
    if (rc == 0)
        rc = report(s, now_s() - t0, events, trxs);
    relay_store_close(s);
    return rc;
}

static int cmd_bench_synthetic(const char *dir, uint64_t mb, int level)
{
    relay_store *s = open_or_die(dir, false, level);
    uint8_t *buf = malloc(8192);
    uint64_t events = 0, bytes = 0, x = 88172645463325252ull;
    uint32_t ep;
    gen g;
    genev ev;
    double t0;
    dm_err e;
    relay_store_begin_epoch(&ep, s, "bench", NULL, &e);
    gen_init(&g);
    t0 = now_s();
    for (bool ended = true; bytes < mb * 1000000 || !ended;) {
        relay_store_event_meta m;
        gtid gt;
        gen_next(&g, &ev);
        make_event(buf, ev.size, ev.type, ev.next_pos, 0, ev_seed(&ev));
        for (size_t k = 24; k + 8 <= ev.size / 3; k += 8) { // row-like: partly random
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            memcpy(buf + k, &x, 8);
        }
        gt = md_gtid(ev.seq);
        m = (relay_store_event_meta){ev.file, ev.pos, ev.next_pos, ev.has_gtid ? &gt : NULL,
                                     ev.trx_end};
        if (relay_store_append(s, buf, ev.size, &m, &e) != 0) {
            fprintf(stderr, "append: %s\n", e.message);
            return 1;
        }
        bytes += ev.size;
        events++;
        ended = ev.trx_end; // stop at a transaction end: readers see only whole ones
    }
    relay_store_flush(s, NULL);
    report(s, now_s() - t0, events, g.seq);
    relay_store_close(s);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "write") == 0)
        return cmd_write(argv[2], (unsigned)strtoul(argv[3], NULL, 10));
    if (argc >= 4 && strcmp(argv[1], "verify") == 0)
        return cmd_verify(argv[2], strtoull(argv[3], NULL, 10));
    if (argc >= 5 && strcmp(argv[1], "bench") == 0)
        return cmd_bench(argv[2], atoi(argv[3]), argv + 4, argc - 4);
    if (argc >= 4 && strcmp(argv[1], "bench-synthetic") == 0)
        return cmd_bench_synthetic(argv[2], strtoull(argv[3], NULL, 10),
                                   argc >= 5 ? atoi(argv[4]) : 3);
    fprintf(stderr, "usage: %s write DIR SEED | verify DIR MIN_SEQ | bench DIR LEVEL BINLOG... | "
                    "bench-synthetic DIR MB [LEVEL]\n",
            argv[0]);
    return 2;
}
