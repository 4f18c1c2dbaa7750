#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gtid.h"

#define U1 "3e11fa47-71ca-11e1-9e33-c80aa9429562"
#define U2 "8c2e1d2a-0000-11ee-8000-000000000001"

static gtid_set *P(gtid_flavor f, const char *text)
{
    gtid_set *s = NULL;
    dm_err e;
    int rc = gtid_set_parse(&s, f, text, &e);
    if (rc != 0)
        fail_msg("parse \"%s\": %s", text, e.message);
    return s;
}

// fmt returns the canonical text of s (static buffer, one at a time).
static const char *fmt(const gtid_set *s)
{
    static char out[4096];
    dm_buf b;
    dm_buf_init(&b);
    assert_int_equal(gtid_set_format(&b, s, NULL), 0);
    snprintf(out, sizeof(out), "%s", b.data ? b.data : "");
    dm_buf_fini(&b);
    return out;
}

static void expect_canon(gtid_flavor f, const char *in, const char *want)
{
    gtid_set *s = P(f, in);
    assert_string_equal(fmt(s), want);
    gtid_set_destroy(s);
}

static void test_mysql_parse_canonical(void **st)
{
    (void)st;
    expect_canon(GTID_FLAVOR_MYSQL, "", "");
    expect_canon(GTID_FLAVOR_MYSQL, "  ", "");
    expect_canon(GTID_FLAVOR_MYSQL, U1 ":1-5", U1 ":1-5");
    // uppercase, unsorted, overlapping and adjacent intervals, repeated uuid, blanks
    expect_canon(GTID_FLAVOR_MYSQL,
                 "8C2E1D2A-0000-11EE-8000-000000000001:7:1-3 ,\n " U1 ":10-12:4-5:6,"
                 U1 ":1-3:9",
                 U1 ":1-6:9-12," U2 ":1-3:7");
    expect_canon(GTID_FLAVOR_MYSQL, "3e11fa4771ca11e19e33c80aa9429562:5", U1 ":5");
    expect_canon(GTID_FLAVOR_MYSQL, U1 ":1-3:2-9:20-20", U1 ":1-9:20");
}

static void expect_parse_error(gtid_flavor f, const char *in, int code, const char *needle)
{
    gtid_set *s = NULL;
    dm_err e;
    dm_err_clear(&e);
    assert_int_equal(gtid_set_parse(&s, f, in, &e), code);
    assert_null(s);
    if (strstr(e.message, needle) == NULL)
        fail_msg("error for \"%s\" lacks \"%s\": %s", in, needle, e.message);
}

static void test_parse_errors(void **st)
{
    (void)st;
    expect_parse_error(GTID_FLAVOR_MYSQL, U1, GTID_ERR_PARSE, "offset 36");
    expect_parse_error(GTID_FLAVOR_MYSQL, U1 ":", GTID_ERR_PARSE, "offset 37");
    expect_parse_error(GTID_FLAVOR_MYSQL, U1 ":0", GTID_ERR_RANGE, "gno 0");
    expect_parse_error(GTID_FLAVOR_MYSQL, U1 ":5-3", GTID_ERR_RANGE, "below its start");
    expect_parse_error(GTID_FLAVOR_MYSQL, U1 ":1-9223372036854775807", GTID_ERR_RANGE,
                       "interval end");
    expect_parse_error(GTID_FLAVOR_MYSQL, "3e11fa47-71ca-11e1-9e33-c80aa942956:1",
                       GTID_ERR_PARSE, "uuid");
    expect_parse_error(GTID_FLAVOR_MYSQL, U1 ":1,", GTID_ERR_PARSE, "uuid");
    expect_parse_error(GTID_FLAVOR_MYSQL, U1 ":1;x", GTID_ERR_PARSE, "near \";x\"");
    expect_parse_error(GTID_FLAVOR_MYSQL, U1 ":tag:1-5", GTID_ERR_UNSUPPORTED, "tagged");
    expect_parse_error(GTID_FLAVOR_MARIADB, "0-1", GTID_ERR_PARSE, "after the server id");
    expect_parse_error(GTID_FLAVOR_MARIADB, "0-1-x", GTID_ERR_PARSE, "sequence number");
    expect_parse_error(GTID_FLAVOR_MARIADB, "4294967296-1-1", GTID_ERR_RANGE, "domain id");
    expect_parse_error(GTID_FLAVOR_MARIADB, "0-1-18446744073709551616", GTID_ERR_RANGE,
                       "sequence");
    expect_parse_error(GTID_FLAVOR_MARIADB, "0-1-5,0-1-6", GTID_ERR_PARSE, "twice");
    expect_parse_error(GTID_FLAVOR_MARIADB, "0-1-5 1-1-6", GTID_ERR_PARSE, "offset 6");
    expect_parse_error(GTID_FLAVOR_NONE, "", GTID_ERR_FLAVOR, "flavour");
}

static void test_mariadb_parse_canonical(void **st)
{
    (void)st;
    expect_canon(GTID_FLAVOR_MARIADB, "", "");
    expect_canon(GTID_FLAVOR_MARIADB, "1-2-30, 0-1-10,0-3-5 ", "0-1-10,0-3-5,1-2-30");
    expect_canon(GTID_FLAVOR_MARIADB, "0-4294967295-18446744073709551615",
                 "0-4294967295-18446744073709551615");
}

static void test_single_gtid(void **st)
{
    gtid g, h;
    char buf[GTID_TEXT_MAX];
    dm_err e;
    (void)st;
    assert_int_equal(gtid_parse(&g, GTID_FLAVOR_MYSQL, " " U1 ":42 ", NULL), 0);
    assert_string_equal(gtid_format(buf, sizeof(buf), &g), U1 ":42");
    assert_int_equal(gtid_parse(&h, GTID_FLAVOR_MARIADB, "0-10-7", NULL), 0);
    assert_string_equal(gtid_format(buf, sizeof(buf), &h), "0-10-7");
    assert_false(gtid_equal(&g, &h));
    assert_true(gtid_equal(&g, &g));
    assert_int_equal(gtid_parse(&g, GTID_FLAVOR_MYSQL, U1 ":1-2", &e), GTID_ERR_PARSE);
    assert_int_equal(gtid_parse(&g, GTID_FLAVOR_MARIADB, "0-1-2,0-1-3", &e), GTID_ERR_PARSE);
}

static void test_mysql_contains_add(void **st)
{
    gtid_set *a = P(GTID_FLAVOR_MYSQL, U1 ":1-10:20-30," U2 ":5");
    gtid_set *b = P(GTID_FLAVOR_MYSQL, U1 ":2-9:25");
    gtid_set *c = P(GTID_FLAVOR_MYSQL, U1 ":2-11");
    gtid_set *e = P(GTID_FLAVOR_MYSQL, "");
    gtid g;
    (void)st;
    assert_true(gtid_set_contains(a, b));
    assert_false(gtid_set_contains(b, a));
    assert_false(gtid_set_contains(a, c));
    assert_true(gtid_set_contains(a, e));
    assert_true(gtid_set_contains(a, a));
    gtid_parse(&g, GTID_FLAVOR_MYSQL, U1 ":20", NULL);
    assert_true(gtid_set_contains_gtid(a, &g));
    g.seq = 15;
    assert_false(gtid_set_contains_gtid(a, &g));
    // adding fills holes and merges
    for (uint64_t i = 11; i <= 19; i++) {
        g.seq = i;
        assert_int_equal(gtid_set_add(a, &g, NULL), 0);
    }
    assert_string_equal(fmt(a), U1 ":1-30," U2 ":5");
    g.seq = 31;
    assert_int_equal(gtid_set_add(a, &g, NULL), 0);
    g.seq = 100;
    assert_int_equal(gtid_set_add(a, &g, NULL), 0);
    g.seq = 50;
    assert_int_equal(gtid_set_add(a, &g, NULL), 0);
    assert_string_equal(fmt(a), U1 ":1-31:50:100," U2 ":5");
    g.seq = 0;
    assert_int_equal(gtid_set_add(a, &g, NULL), GTID_ERR_RANGE);
    gtid_parse(&g, GTID_FLAVOR_MARIADB, "0-1-1", NULL);
    assert_int_equal(gtid_set_add(a, &g, NULL), GTID_ERR_FLAVOR);
    assert_false(gtid_set_contains_gtid(a, &g));
    gtid_set_destroy(a);
    gtid_set_destroy(b);
    gtid_set_destroy(c);
    gtid_set_destroy(e);
}

static void test_mysql_union_subtract_equal(void **st)
{
    gtid_set *a = P(GTID_FLAVOR_MYSQL, U1 ":1-10:20-30");
    gtid_set *b = P(GTID_FLAVOR_MYSQL, U1 ":5-25," U2 ":1-3");
    gtid_set *c = NULL;
    (void)st;
    assert_int_equal(gtid_set_copy(&c, a, NULL), 0);
    assert_true(gtid_set_equal(a, c));
    assert_int_equal(gtid_set_union(c, b, NULL), 0);
    assert_string_equal(fmt(c), U1 ":1-30," U2 ":1-3");
    assert_int_equal(gtid_set_subtract(c, b, NULL), 0);
    assert_string_equal(fmt(c), U1 ":1-4:26-30");
    assert_int_equal(gtid_set_assign(c, a, NULL), 0);
    assert_int_equal(gtid_set_subtract(c, a, NULL), 0);
    assert_true(gtid_set_is_empty(c));
    assert_string_equal(fmt(c), "");
    assert_int_equal(gtid_set_assign(c, b, NULL), 0);
    assert_int_equal(gtid_set_subtract(c, a, NULL), 0);
    assert_string_equal(fmt(c), U1 ":11-19," U2 ":1-3");
    assert_false(gtid_set_equal(a, b));
    gtid_set_destroy(c);
    c = P(GTID_FLAVOR_MARIADB, "0-1-1");
    assert_int_equal(gtid_set_union(a, c, NULL), GTID_ERR_FLAVOR);
    assert_int_equal(gtid_set_subtract(a, c, NULL), GTID_ERR_FLAVOR);
    assert_false(gtid_set_contains(a, c));
    assert_false(gtid_set_equal(a, c));
    gtid_set_destroy(a);
    gtid_set_destroy(b);
    gtid_set_destroy(c);
}

static void test_mariadb_semantics(void **st)
{
    gtid_set *a = P(GTID_FLAVOR_MARIADB, "0-1-100,0-2-90,1-1-5");
    gtid_set *b = P(GTID_FLAVOR_MARIADB, "0-2-100");
    gtid_set *c = NULL;
    dm_buf buf;
    gtid g;
    (void)st;
    // domain 0 reached 100 (via server 1): 0-2-100 is contained, 0-2-101 is not
    assert_true(gtid_set_contains(a, b));
    gtid_parse(&g, GTID_FLAVOR_MARIADB, "0-3-50", NULL);
    assert_true(gtid_set_contains_gtid(a, &g));
    gtid_parse(&g, GTID_FLAVOR_MARIADB, "0-2-101", NULL);
    assert_false(gtid_set_contains_gtid(a, &g));
    gtid_parse(&g, GTID_FLAVOR_MARIADB, "2-1-1", NULL);
    assert_false(gtid_set_contains_gtid(a, &g));
    assert_false(gtid_set_contains(b, a));
    // add keeps the highest per (domain, server)
    gtid_parse(&g, GTID_FLAVOR_MARIADB, "0-2-95", NULL);
    assert_int_equal(gtid_set_add(a, &g, NULL), 0);
    gtid_parse(&g, GTID_FLAVOR_MARIADB, "0-2-93", NULL);
    assert_int_equal(gtid_set_add(a, &g, NULL), 0);
    gtid_parse(&g, GTID_FLAVOR_MARIADB, "5-7-1", NULL);
    assert_int_equal(gtid_set_add(a, &g, NULL), 0);
    assert_string_equal(fmt(a), "0-1-100,0-2-95,1-1-5,5-7-1");
    // position: one entry per domain, the highest
    dm_buf_init(&buf);
    assert_int_equal(gtid_set_format_position(&buf, a, NULL), 0);
    assert_string_equal(buf.data, "0-1-100,1-1-5,5-7-1");
    dm_buf_fini(&buf);
    // union and subtract
    assert_int_equal(gtid_set_copy(&c, a, NULL), 0);
    assert_int_equal(gtid_set_union(c, b, NULL), 0);
    assert_string_equal(fmt(c), "0-1-100,0-2-100,1-1-5,5-7-1");
    gtid_set_destroy(b);
    b = P(GTID_FLAVOR_MARIADB, "0-9-100,1-1-4");
    assert_int_equal(gtid_set_subtract(c, b, NULL), 0);
    assert_string_equal(fmt(c), "1-1-5,5-7-1");
    assert_false(gtid_set_equal(a, c));
    gtid_set_destroy(a);
    gtid_set_destroy(b);
    gtid_set_destroy(c);
}

static void roundtrip_encoded(gtid_flavor f, const char *text)
{
    gtid_set *a = P(f, text), *b = NULL;
    dm_buf buf;
    dm_buf_init(&buf);
    assert_int_equal(gtid_set_encode(&buf, a, NULL), 0);
    assert_int_equal(gtid_set_decode(&b, f, buf.data, buf.len, NULL), 0);
    assert_true(gtid_set_equal(a, b));
    dm_buf_fini(&buf);
    gtid_set_destroy(a);
    gtid_set_destroy(b);
}

static void test_encode_decode(void **st)
{
    static const uint8_t one[] = {
        1, 0, 0, 0, 0, 0, 0, 0,                                     // n_sids
        0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1,             // uuid
        0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62, 2, 0, 0, 0, // n_intervals = 2
        0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, // [1, 6)
        7, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0,             // [7, 8)
    };
    gtid_set *s = NULL;
    dm_buf buf;
    dm_err e;
    uint8_t bad[sizeof(one)];
    (void)st;
    // the §1.4 example: uuid:1-5:7 is [1,6) and [7,8)
    assert_int_equal(gtid_set_decode(&s, GTID_FLAVOR_MYSQL, one, sizeof(one), &e), 0);
    assert_string_equal(fmt(s), U1 ":1-5:7");
    dm_buf_init(&buf);
    assert_int_equal(gtid_set_encode(&buf, s, NULL), 0);
    assert_int_equal(buf.len, sizeof(one));
    assert_memory_equal(buf.data, one, sizeof(one));
    dm_buf_fini(&buf);
    gtid_set_destroy(s);
    s = NULL;
    roundtrip_encoded(GTID_FLAVOR_MYSQL, "");
    roundtrip_encoded(GTID_FLAVOR_MYSQL, U1 ":1-5:7:9-1000," U2 ":3");
    roundtrip_encoded(GTID_FLAVOR_MARIADB, "");
    roundtrip_encoded(GTID_FLAVOR_MARIADB, "0-1-10,0-2-5,7-1-18446744073709551615");
    // truncations and bad values
    for (size_t n = 0; n < sizeof(one); n++)
        assert_int_not_equal(gtid_set_decode(&s, GTID_FLAVOR_MYSQL, one, n, &e), 0);
    memcpy(bad, one, sizeof(one));
    bad[7] = 1; // tagged-format marker in the top byte
    assert_int_equal(gtid_set_decode(&s, GTID_FLAVOR_MYSQL, bad, sizeof(bad), &e),
                     GTID_ERR_UNSUPPORTED);
    memcpy(bad, one, sizeof(one));
    bad[40] = 0; // end (exclusive) 0 < start
    assert_int_equal(gtid_set_decode(&s, GTID_FLAVOR_MYSQL, bad, sizeof(bad), &e),
                     GTID_ERR_RANGE);
    memcpy(bad, one, sizeof(one));
    bad[24] = 200; // interval count beyond the data
    assert_int_equal(gtid_set_decode(&s, GTID_FLAVOR_MYSQL, bad, sizeof(bad), &e),
                     GTID_ERR_DECODE);
    assert_non_null(strstr(e.message, "byte 24"));
    assert_int_equal(gtid_set_decode(&s, GTID_FLAVOR_MARIADB, one, 3, &e), GTID_ERR_DECODE);
    assert_int_equal(gtid_set_decode(&s, GTID_FLAVOR_MARIADB, one, 21, &e), GTID_ERR_DECODE);
    assert_null(s);
}

static void test_gtid_list_body(void **st)
{
    // A GTID_LIST body with flag bits set in the count word: flags are ignored.
    static const uint8_t body[] = {
        2, 0, 0, 0x10,                           // count 2, flags 1
        0, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, // 0-1-9
        3, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, // 3-2-4
    };
    gtid_set *s = NULL;
    (void)st;
    assert_int_equal(gtid_set_decode(&s, GTID_FLAVOR_MARIADB, body, sizeof(body), NULL), 0);
    assert_string_equal(fmt(s), "0-1-9,3-2-4");
    gtid_set_destroy(s);
}

static void test_flavor_names(void **st)
{
    gtid_flavor f;
    dm_err e;
    (void)st;
    assert_int_equal(gtid_flavor_parse(&f, "MariaDB", NULL), 0);
    assert_int_equal(f, GTID_FLAVOR_MARIADB);
    assert_int_equal(gtid_flavor_parse(&f, "mysql", NULL), 0);
    assert_int_equal(f, GTID_FLAVOR_MYSQL);
    assert_int_equal(gtid_flavor_parse(&f, "tidb", &e), GTID_ERR_FLAVOR);
    assert_non_null(strstr(e.message, "tidb"));
    assert_string_equal(gtid_flavor_name(GTID_FLAVOR_MYSQL), "mysql");
    gtid_set_destroy(NULL);
}

static void test_many_adds_random(void **st)
{
    // Adding random gnos one by one equals parsing their merged text.
    gtid_set *a = NULL, *b = NULL;
    uint8_t seen[2000] = {0};
    gtid g;
    dm_buf t;
    (void)st;
    srand(7);
    assert_int_equal(gtid_set_create(&a, GTID_FLAVOR_MYSQL, NULL), 0);
    gtid_parse(&g, GTID_FLAVOR_MYSQL, U1 ":1", NULL);
    for (int i = 0; i < 3000; i++) {
        g.seq = 1 + (uint64_t)(rand() % 1999);
        seen[g.seq] = 1;
        assert_int_equal(gtid_set_add(a, &g, NULL), 0);
    }
    dm_buf_init(&t);
    dm_buf_puts(&t, U1);
    for (int i = 1; i < 2000; i++)
        if (seen[i])
            dm_buf_printf(&t, ":%d", i);
    b = P(GTID_FLAVOR_MYSQL, t.data);
    assert_true(gtid_set_equal(a, b));
    {
        char *fa = strdup(fmt(a));
        assert_string_equal(fa, fmt(b));
        free(fa);
    }
    dm_buf_fini(&t);
    gtid_set_destroy(a);
    gtid_set_destroy(b);
}

// A model of MySQL sets over 2 uuids × gnos 1..120: a bitmap.
#define MG 121
typedef struct model {
    uint8_t b[2][MG];
} model;

static const char *model_uuid(int u)
{
    return u ? U2 : U1;
}

static gtid_set *model_random(model *m)
{
    gtid_set *s = NULL;
    dm_buf t;
    bool first = true;
    memset(m, 0, sizeof(*m));
    dm_buf_init(&t);
    // random intervals, written in random order and possibly overlapping
    for (int k = rand() % 6; k > 0; k--) {
        int u = rand() % 2, lo = 1 + rand() % (MG - 1), hi = lo + rand() % 15;
        if (hi >= MG)
            hi = MG - 1;
        for (int i = lo; i <= hi; i++)
            m->b[u][i] = 1;
        dm_buf_printf(&t, "%s%s:%d-%d", first ? "" : ",", model_uuid(u), lo, hi);
        first = false;
    }
    s = P(GTID_FLAVOR_MYSQL, t.data ? t.data : "");
    dm_buf_fini(&t);
    return s;
}

static void model_check(const gtid_set *s, const model *m)
{
    gtid g;
    for (int u = 0; u < 2; u++) {
        char t[64];
        snprintf(t, sizeof(t), "%s:1", model_uuid(u));
        assert_int_equal(gtid_parse(&g, GTID_FLAVOR_MYSQL, t, NULL), 0);
        for (int i = 1; i < MG; i++) {
            g.seq = (uint64_t)i;
            if (gtid_set_contains_gtid(s, &g) != (m->b[u][i] != 0))
                fail_msg("gno %d of uuid %d: model %d", i, u, m->b[u][i]);
        }
    }
}

static void test_mysql_against_model(void **st)
{
    (void)st;
    srand(11);
    for (int iter = 0; iter < 400; iter++) {
        model ma, mb, mu, md;
        gtid_set *a = model_random(&ma), *b = model_random(&mb), *u = NULL, *d = NULL;
        bool sup = true, eq = true;
        model_check(a, &ma);
        for (int x = 0; x < 2; x++)
            for (int i = 1; i < MG; i++) {
                mu.b[x][i] = ma.b[x][i] | mb.b[x][i];
                md.b[x][i] = ma.b[x][i] & !mb.b[x][i];
                if (mb.b[x][i] && !ma.b[x][i])
                    sup = false;
                if (mb.b[x][i] != ma.b[x][i])
                    eq = false;
            }
        assert_int_equal(gtid_set_contains(a, b), sup);
        assert_int_equal(gtid_set_equal(a, b), eq);
        assert_int_equal(gtid_set_copy(&u, a, NULL), 0);
        assert_int_equal(gtid_set_union(u, b, NULL), 0);
        model_check(u, &mu);
        assert_int_equal(gtid_set_copy(&d, a, NULL), 0);
        assert_int_equal(gtid_set_subtract(d, b, NULL), 0);
        model_check(d, &md);
        assert_true(gtid_set_contains(u, a));
        assert_true(gtid_set_contains(u, b));
        assert_true(gtid_set_contains(a, d));
        // canonical text round trip
        {
            gtid_set *r = P(GTID_FLAVOR_MYSQL, fmt(u));
            assert_true(gtid_set_equal(r, u));
            gtid_set_destroy(r);
        }
        gtid_set_destroy(a);
        gtid_set_destroy(b);
        gtid_set_destroy(u);
        gtid_set_destroy(d);
    }
}

// A model of MariaDB sets: seq[domain][server] (0 = absent) over 3 domains × 3 servers.
typedef struct mdmodel {
    uint64_t seq[3][3];
} mdmodel;

static gtid_set *md_random(mdmodel *m)
{
    gtid_set *s = NULL;
    dm_buf t;
    memset(m, 0, sizeof(*m));
    dm_buf_init(&t);
    for (int d = 0; d < 3; d++)
        for (int v = 0; v < 3; v++)
            if (rand() % 3 == 0) {
                m->seq[d][v] = 1 + (uint64_t)(rand() % 20);
                dm_buf_printf(&t, "%s%d-%d-%llu", t.len ? "," : "", d, v + 1,
                              (unsigned long long)m->seq[d][v]);
            }
    s = P(GTID_FLAVOR_MARIADB, t.data ? t.data : "");
    dm_buf_fini(&t);
    return s;
}

static bool md_has(const mdmodel *m, int d, uint64_t n)
{
    for (int v = 0; v < 3; v++)
        if (m->seq[d][v] && m->seq[d][v] >= n)
            return true;
    return false;
}

static void test_mariadb_against_model(void **st)
{
    (void)st;
    srand(12);
    for (int iter = 0; iter < 400; iter++) {
        mdmodel ma, mb;
        gtid_set *a = md_random(&ma), *b = md_random(&mb), *u = NULL, *d = NULL;
        bool sup = true;
        gtid g = {0};
        g.flavor = GTID_FLAVOR_MARIADB;
        for (int x = 0; x < 3; x++)
            for (int v = 0; v < 3; v++)
                if (mb.seq[x][v] && !md_has(&ma, x, mb.seq[x][v]))
                    sup = false;
        assert_int_equal(gtid_set_contains(a, b), sup);
        assert_int_equal(gtid_set_copy(&u, a, NULL), 0);
        assert_int_equal(gtid_set_union(u, b, NULL), 0);
        assert_int_equal(gtid_set_copy(&d, a, NULL), 0);
        assert_int_equal(gtid_set_subtract(d, b, NULL), 0);
        for (int x = 0; x < 3; x++)
            for (uint64_t n = 1; n <= 21; n++) {
                g.domain = (uint32_t)x;
                g.server = 1 + (uint32_t)(n % 3); // any server: containment is per domain
                g.seq = n;
                assert_int_equal(gtid_set_contains_gtid(a, &g), md_has(&ma, x, n));
            }
        {
            // rebuild the expected union and difference as text and compare exactly
            dm_buf tu, td;
            gtid_set *eu, *ed;
            dm_buf_init(&tu);
            dm_buf_init(&td);
            for (int x = 0; x < 3; x++)
                for (int v = 0; v < 3; v++) {
                    uint64_t mu = ma.seq[x][v] > mb.seq[x][v] ? ma.seq[x][v] : mb.seq[x][v];
                    if (mu)
                        dm_buf_printf(&tu, "%s%d-%d-%llu", tu.len ? "," : "", x, v + 1,
                                      (unsigned long long)mu);
                    if (ma.seq[x][v] && !md_has(&mb, x, ma.seq[x][v]))
                        dm_buf_printf(&td, "%s%d-%d-%llu", td.len ? "," : "", x, v + 1,
                                      (unsigned long long)ma.seq[x][v]);
                }
            eu = P(GTID_FLAVOR_MARIADB, tu.data ? tu.data : "");
            ed = P(GTID_FLAVOR_MARIADB, td.data ? td.data : "");
            assert_true(gtid_set_equal(u, eu));
            assert_true(gtid_set_equal(d, ed));
            gtid_set_destroy(eu);
            gtid_set_destroy(ed);
            dm_buf_fini(&tu);
            dm_buf_fini(&td);
        }
        gtid_set_destroy(a);
        gtid_set_destroy(b);
        gtid_set_destroy(u);
        gtid_set_destroy(d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mysql_parse_canonical),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_mariadb_parse_canonical),
        cmocka_unit_test(test_single_gtid),
        cmocka_unit_test(test_mysql_contains_add),
        cmocka_unit_test(test_mysql_union_subtract_equal),
        cmocka_unit_test(test_mariadb_semantics),
        cmocka_unit_test(test_encode_decode),
        cmocka_unit_test(test_gtid_list_body),
        cmocka_unit_test(test_flavor_names),
        cmocka_unit_test(test_many_adds_random),
        cmocka_unit_test(test_mysql_against_model),
        cmocka_unit_test(test_mariadb_against_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
