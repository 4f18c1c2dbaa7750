// DESIGN: GTID sets of both flavours, kept always canonical so that printing, equality and
// encoding are plain walks.
//
// MySQL: an array of sids sorted by uuid bytes (lowercase hex text sorts the same way), each
// with an array of inclusive [lo, hi] intervals, sorted, disjoint and non-adjacent (adjacent
// intervals are merged on insertion). The relay store adds one GTID per transaction, almost
// always the gno right after the last interval, so that case is a constant-time extension.
// MariaDB: an array of (domain, server, seq) sorted by (domain, server), one entry per pair.
//
// Operations that can fail half-way (union, subtract, assign) build the result in a scratch
// set and swap it in, so a failed call leaves the destination unchanged.
#include "gtid.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define GTID_GNO_MAX ((uint64_t)INT64_MAX - 1) // MySQL: gno < GNO_END = INT64_MAX

typedef struct gtid_ival {
    uint64_t lo, hi; // inclusive
} gtid_ival;

typedef struct gtid_sid {
    uint8_t uuid[16];
    gtid_ival *iv;
    size_t n, cap;
} gtid_sid;

typedef struct gtid_md {
    uint32_t domain, server;
    uint64_t seq;
} gtid_md;

struct gtid_set {
    gtid_flavor flavor;
    gtid_sid *sids;
    size_t nsids, capsids;
    gtid_md *md;
    size_t nmd, capmd;
};

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;
    void *p;
    if (need <= *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 4;
    while (ncap < need)
        ncap *= 2;
    p = realloc(*arr, ncap * elem);
    if (p == NULL)
        return DM_ERR_NOMEM;
    *arr = p;
    *cap = ncap;
    return 0;
}

static int nomem(dm_err *err)
{
    return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "gtid: out of memory");
}

const char *gtid_flavor_name(gtid_flavor flavor)
{
    switch (flavor) {
    case GTID_FLAVOR_MYSQL:
        return "mysql";
    case GTID_FLAVOR_MARIADB:
        return "mariadb";
    default:
        return "none";
    }
}

int gtid_flavor_parse(gtid_flavor *out, const char *text, dm_err *err)
{
    if (text != NULL && strcasecmp(text, "mysql") == 0) {
        *out = GTID_FLAVOR_MYSQL;
        return 0;
    }
    if (text != NULL && strcasecmp(text, "mariadb") == 0) {
        *out = GTID_FLAVOR_MARIADB;
        return 0;
    }
    return dm_err_set(err, GTID_ERR_FLAVOR, DM_ERR_SCOPE_INTERNAL,
                      "unknown GTID flavour \"%s\" (expected mysql or mariadb)",
                      text ? text : "(null)");
}

static bool flavor_ok(gtid_flavor f)
{
    return f == GTID_FLAVOR_MYSQL || f == GTID_FLAVOR_MARIADB;
}

// ---- text scanning ----------------------------------------------------------------------

typedef struct scan {
    const char *text;
    size_t off;
    dm_err *err;
} scan;

static void skip_ws(scan *s)
{
    while (s->text[s->off] != '\0' && isspace((unsigned char)s->text[s->off]))
        s->off++;
}

static int scan_fail(scan *s, int code, const char *what)
{
    return dm_err_set(s->err, code, DM_ERR_SCOPE_INTERNAL,
                      "GTID text: %s at offset %zu in \"%.300s\" (near \"%.40s\")", what, s->off,
                      s->text, s->text + s->off);
}

static int scan_u64(scan *s, uint64_t *out, uint64_t max, const char *what)
{
    uint64_t v = 0;
    size_t start = s->off;
    while (isdigit((unsigned char)s->text[s->off])) {
        unsigned d = (unsigned)(s->text[s->off] - '0');
        if (v > (max - d) / 10) {
            s->off = start;
            return scan_fail(s, GTID_ERR_RANGE, what);
        }
        v = v * 10 + d;
        s->off++;
    }
    if (s->off == start)
        return scan_fail(s, GTID_ERR_PARSE, what);
    *out = v;
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int scan_uuid(scan *s, uint8_t uuid[16])
{
    const char *p = s->text + s->off;
    size_t i = 0, nhex = 0;
    // 36-char hyphenated form, or 32 plain hex digits (MySQL accepts both).
    while (nhex < 32) {
        int h, l;
        if (p[i] == '-' && (i == 8 || i == 13 || i == 18 || i == 23)) {
            i++;
            continue;
        }
        h = hexval((unsigned char)p[i]);
        l = h < 0 ? -1 : hexval((unsigned char)p[i + 1]);
        if (h < 0 || l < 0)
            return scan_fail(s, GTID_ERR_PARSE, "expected a uuid");
        uuid[nhex / 2] = (uint8_t)(h << 4 | l);
        nhex += 2;
        i += 2;
    }
    if (i != 32 && i != 36)
        return scan_fail(s, GTID_ERR_PARSE, "expected a uuid with hyphens at 8, 13, 18, 23");
    s->off += i;
    return 0;
}

// ---- single GTIDs -----------------------------------------------------------------------

static int parse_md_triplet(scan *s, gtid *g)
{
    uint64_t d, sv, n;
    int rc;
    if ((rc = scan_u64(s, &d, UINT32_MAX, "expected a domain id (0..4294967295)")))
        return rc;
    if (s->text[s->off] != '-')
        return scan_fail(s, GTID_ERR_PARSE, "expected '-' after the domain id");
    s->off++;
    if ((rc = scan_u64(s, &sv, UINT32_MAX, "expected a server id (0..4294967295)")))
        return rc;
    if (s->text[s->off] != '-')
        return scan_fail(s, GTID_ERR_PARSE, "expected '-' after the server id");
    s->off++;
    if ((rc = scan_u64(s, &n, UINT64_MAX, "expected a sequence number")))
        return rc;
    memset(g, 0, sizeof(*g));
    g->flavor = GTID_FLAVOR_MARIADB;
    g->domain = (uint32_t)d;
    g->server = (uint32_t)sv;
    g->seq = n;
    return 0;
}

int gtid_parse(gtid *out, gtid_flavor flavor, const char *text, dm_err *err)
{
    scan s = {text ? text : "", 0, err};
    gtid g;
    int rc;
    if (!flavor_ok(flavor))
        return dm_err_set(err, GTID_ERR_FLAVOR, DM_ERR_SCOPE_INTERNAL, "gtid_parse: no flavour");
    skip_ws(&s);
    if (flavor == GTID_FLAVOR_MARIADB) {
        if ((rc = parse_md_triplet(&s, &g)))
            return rc;
    } else {
        memset(&g, 0, sizeof(g));
        g.flavor = GTID_FLAVOR_MYSQL;
        if ((rc = scan_uuid(&s, g.uuid)))
            return rc;
        skip_ws(&s);
        if (s.text[s.off] != ':')
            return scan_fail(&s, GTID_ERR_PARSE, "expected ':' after the uuid");
        s.off++;
        skip_ws(&s);
        if ((rc = scan_u64(&s, &g.seq, GTID_GNO_MAX, "expected a gno (1..2^63-2)")))
            return rc;
        if (g.seq == 0)
            return scan_fail(&s, GTID_ERR_RANGE, "gno 0 is not a valid GTID");
    }
    skip_ws(&s);
    if (s.text[s.off] != '\0')
        return scan_fail(&s, GTID_ERR_PARSE, "unexpected text after the GTID");
    *out = g;
    return 0;
}

static void format_uuid(char *b, const uint8_t u[16])
{
    static const char hx[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            b[o++] = '-';
        b[o++] = hx[u[i] >> 4];
        b[o++] = hx[u[i] & 15];
    }
    b[o] = '\0';
}

char *gtid_format(char *buf, size_t size, const gtid *g)
{
    char u[37];
    if (size == 0)
        return buf;
    if (g->flavor == GTID_FLAVOR_MYSQL) {
        format_uuid(u, g->uuid);
        snprintf(buf, size, "%s:%llu", u, (unsigned long long)g->seq);
    } else if (g->flavor == GTID_FLAVOR_MARIADB) {
        snprintf(buf, size, "%u-%u-%llu", g->domain, g->server, (unsigned long long)g->seq);
    } else {
        snprintf(buf, size, "(no gtid)");
    }
    return buf;
}

bool gtid_equal(const gtid *a, const gtid *b)
{
    if (a->flavor != b->flavor)
        return false;
    if (a->flavor == GTID_FLAVOR_MYSQL)
        return a->seq == b->seq && memcmp(a->uuid, b->uuid, 16) == 0;
    return a->domain == b->domain && a->server == b->server && a->seq == b->seq;
}

// ---- set basics -------------------------------------------------------------------------

int gtid_set_create(gtid_set **out, gtid_flavor flavor, dm_err *err)
{
    gtid_set *s;
    if (!flavor_ok(flavor))
        return dm_err_set(err, GTID_ERR_FLAVOR, DM_ERR_SCOPE_INTERNAL,
                          "gtid_set_create: unknown flavour %d", (int)flavor);
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return nomem(err);
    s->flavor = flavor;
    *out = s;
    return 0;
}

void gtid_set_clear(gtid_set *s)
{
    for (size_t i = 0; i < s->nsids; i++)
        free(s->sids[i].iv);
    s->nsids = 0;
    s->nmd = 0;
}

void gtid_set_destroy(gtid_set *s)
{
    if (s == NULL)
        return;
    gtid_set_clear(s);
    free(s->sids);
    free(s->md);
    free(s);
}

gtid_flavor gtid_set_flavor(const gtid_set *s)
{
    return s->flavor;
}

bool gtid_set_is_empty(const gtid_set *s)
{
    return s->nsids == 0 && s->nmd == 0;
}

static void set_swap(gtid_set *a, gtid_set *b)
{
    gtid_set t = *a;
    *a = *b;
    *b = t;
}

int gtid_set_copy(gtid_set **out, const gtid_set *s, dm_err *err)
{
    gtid_set *c = NULL;
    int rc;
    if ((rc = gtid_set_create(&c, s->flavor, err)))
        return rc;
    if (s->nmd) {
        c->md = malloc(s->nmd * sizeof(gtid_md));
        if (c->md == NULL)
            goto fail;
        memcpy(c->md, s->md, s->nmd * sizeof(gtid_md));
        c->nmd = c->capmd = s->nmd;
    }
    if (s->nsids) {
        c->sids = calloc(s->nsids, sizeof(gtid_sid));
        if (c->sids == NULL)
            goto fail;
        c->capsids = s->nsids;
        for (size_t i = 0; i < s->nsids; i++) {
            gtid_sid *d = &c->sids[i];
            memcpy(d->uuid, s->sids[i].uuid, 16);
            d->iv = malloc(s->sids[i].n * sizeof(gtid_ival));
            if (d->iv == NULL)
                goto fail;
            memcpy(d->iv, s->sids[i].iv, s->sids[i].n * sizeof(gtid_ival));
            d->n = d->cap = s->sids[i].n;
            c->nsids++;
        }
    }
    *out = c;
    return 0;
fail:
    gtid_set_destroy(c);
    return nomem(err);
}

int gtid_set_assign(gtid_set *dst, const gtid_set *src, dm_err *err)
{
    gtid_set *c = NULL;
    int rc;
    if (dst->flavor != src->flavor)
        return dm_err_set(err, GTID_ERR_FLAVOR, DM_ERR_SCOPE_INTERNAL,
                          "gtid_set_assign: %s set into a %s set", gtid_flavor_name(src->flavor),
                          gtid_flavor_name(dst->flavor));
    if ((rc = gtid_set_copy(&c, src, err)))
        return rc;
    set_swap(dst, c);
    gtid_set_destroy(c);
    return 0;
}

// ---- MySQL internals --------------------------------------------------------------------

// find_sid returns the index of uuid, or -(insertion point) - 1.
static long find_sid(const gtid_set *s, const uint8_t uuid[16])
{
    size_t lo = 0, hi = s->nsids;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(s->sids[mid].uuid, uuid, 16);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -(long)lo - 1;
}

static int get_sid(gtid_sid **out, gtid_set *s, const uint8_t uuid[16])
{
    long i = find_sid(s, uuid);
    size_t at;
    if (i >= 0) {
        *out = &s->sids[i];
        return 0;
    }
    at = (size_t)(-i - 1);
    if (grow((void **)&s->sids, &s->capsids, s->nsids + 1, sizeof(gtid_sid)))
        return DM_ERR_NOMEM;
    memmove(&s->sids[at + 1], &s->sids[at], (s->nsids - at) * sizeof(gtid_sid));
    memset(&s->sids[at], 0, sizeof(gtid_sid));
    memcpy(s->sids[at].uuid, uuid, 16);
    s->nsids++;
    *out = &s->sids[at];
    return 0;
}

// sid_add_interval inserts [lo, hi] and merges overlapping or adjacent intervals.
static int sid_add_interval(gtid_sid *d, uint64_t lo, uint64_t hi)
{
    size_t a, b, l, h;
    if (d->n > 0) {
        gtid_ival *last = &d->iv[d->n - 1];
        if (lo > last->hi && lo - last->hi == 1) { // the common append of the next gno
            last->hi = hi;
            return 0;
        }
    }
    if (d->n == 0 || lo > d->iv[d->n - 1].hi + 1) {
        if (grow((void **)&d->iv, &d->cap, d->n + 1, sizeof(gtid_ival)))
            return DM_ERR_NOMEM;
        d->iv[d->n].lo = lo;
        d->iv[d->n].hi = hi;
        d->n++;
        return 0;
    }
    // a = first interval whose hi + 1 >= lo (it may touch or overlap the new one).
    l = 0;
    h = d->n;
    while (l < h) {
        size_t m = l + (h - l) / 2;
        if (d->iv[m].hi + 1 < lo)
            l = m + 1;
        else
            h = m;
    }
    a = l;
    // b = one past the last interval whose lo <= hi + 1.
    b = a;
    while (b < d->n && d->iv[b].lo <= hi + 1)
        b++;
    if (a == b) {
        if (grow((void **)&d->iv, &d->cap, d->n + 1, sizeof(gtid_ival)))
            return DM_ERR_NOMEM;
        memmove(&d->iv[a + 1], &d->iv[a], (d->n - a) * sizeof(gtid_ival));
        d->iv[a].lo = lo;
        d->iv[a].hi = hi;
        d->n++;
        return 0;
    }
    if (d->iv[a].lo < lo)
        lo = d->iv[a].lo;
    if (d->iv[b - 1].hi > hi)
        hi = d->iv[b - 1].hi;
    d->iv[a].lo = lo;
    d->iv[a].hi = hi;
    memmove(&d->iv[a + 1], &d->iv[b], (d->n - b) * sizeof(gtid_ival));
    d->n -= b - a - 1;
    return 0;
}

static bool sid_has(const gtid_sid *d, uint64_t gno)
{
    size_t l = 0, h = d->n;
    while (l < h) {
        size_t m = l + (h - l) / 2;
        if (d->iv[m].hi < gno)
            l = m + 1;
        else
            h = m;
    }
    return l < d->n && d->iv[l].lo <= gno;
}

// sid_covers tells whether a's intervals cover [lo, hi].
static bool sid_covers(const gtid_sid *a, uint64_t lo, uint64_t hi)
{
    size_t l = 0, h = a->n;
    while (l < h) {
        size_t m = l + (h - l) / 2;
        if (a->iv[m].hi < lo)
            l = m + 1;
        else
            h = m;
    }
    return l < a->n && a->iv[l].lo <= lo && a->iv[l].hi >= hi;
}

static void drop_empty_sids(gtid_set *s)
{
    size_t o = 0;
    for (size_t i = 0; i < s->nsids; i++) {
        if (s->sids[i].n == 0) {
            free(s->sids[i].iv);
            continue;
        }
        s->sids[o++] = s->sids[i];
    }
    s->nsids = o;
}

// ---- MariaDB internals ------------------------------------------------------------------

static int md_cmp(uint32_t d1, uint32_t s1, uint32_t d2, uint32_t s2)
{
    if (d1 != d2)
        return d1 < d2 ? -1 : 1;
    if (s1 != s2)
        return s1 < s2 ? -1 : 1;
    return 0;
}

static long find_md(const gtid_set *s, uint32_t domain, uint32_t server)
{
    size_t lo = 0, hi = s->nmd;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = md_cmp(s->md[mid].domain, s->md[mid].server, domain, server);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -(long)lo - 1;
}

// md_put sets (domain, server) to max(old, seq).
static int md_put(gtid_set *s, uint32_t domain, uint32_t server, uint64_t seq)
{
    long i = find_md(s, domain, server);
    size_t at;
    if (i >= 0) {
        if (s->md[i].seq < seq)
            s->md[i].seq = seq;
        return 0;
    }
    at = (size_t)(-i - 1);
    if (grow((void **)&s->md, &s->capmd, s->nmd + 1, sizeof(gtid_md)))
        return DM_ERR_NOMEM;
    memmove(&s->md[at + 1], &s->md[at], (s->nmd - at) * sizeof(gtid_md));
    s->md[at].domain = domain;
    s->md[at].server = server;
    s->md[at].seq = seq;
    s->nmd++;
    return 0;
}

static bool md_domain_has(const gtid_set *s, uint32_t domain, uint64_t seq)
{
    long i = find_md(s, domain, 0);
    size_t at = i >= 0 ? (size_t)i : (size_t)(-i - 1);
    for (; at < s->nmd && s->md[at].domain == domain; at++)
        if (s->md[at].seq >= seq)
            return true;
    return false;
}

// ---- parse and format -------------------------------------------------------------------

static int parse_mysql(gtid_set *set, scan *s)
{
    int rc;
    for (;;) {
        uint8_t uuid[16];
        gtid_sid *d;
        bool any = false;
        skip_ws(s);
        if ((rc = scan_uuid(s, uuid)))
            return rc;
        if (get_sid(&d, set, uuid))
            return nomem(s->err);
        for (;;) {
            uint64_t lo, hi;
            skip_ws(s);
            if (s->text[s->off] != ':')
                break;
            s->off++;
            skip_ws(s);
            if (isalpha((unsigned char)s->text[s->off]) || s->text[s->off] == '_')
                return scan_fail(s, GTID_ERR_UNSUPPORTED,
                                 "tagged GTIDs (MySQL 8.3+) are not supported");
            if ((rc = scan_u64(s, &lo, GTID_GNO_MAX, "expected a gno (1..2^63-2)")))
                return rc;
            hi = lo;
            skip_ws(s);
            if (s->text[s->off] == '-') {
                s->off++;
                skip_ws(s);
                if ((rc = scan_u64(s, &hi, GTID_GNO_MAX, "expected an interval end")))
                    return rc;
            }
            if (lo == 0)
                return scan_fail(s, GTID_ERR_RANGE, "gno 0 is not a valid GTID");
            if (hi < lo)
                return scan_fail(s, GTID_ERR_RANGE, "interval end is below its start");
            if (sid_add_interval(d, lo, hi))
                return nomem(s->err);
            any = true;
        }
        if (!any)
            return scan_fail(s, GTID_ERR_PARSE, "expected ':' and an interval after the uuid");
        if (s->text[s->off] == '\0')
            break;
        if (s->text[s->off] != ',')
            return scan_fail(s, GTID_ERR_PARSE, "expected ',' or ':'");
        s->off++;
    }
    drop_empty_sids(set);
    return 0;
}

static int parse_mariadb(gtid_set *set, scan *s)
{
    int rc;
    for (;;) {
        gtid g;
        size_t at;
        skip_ws(s);
        at = s->off;
        if ((rc = parse_md_triplet(s, &g)))
            return rc;
        if (find_md(set, g.domain, g.server) >= 0) {
            s->off = at;
            return scan_fail(s, GTID_ERR_PARSE, "the same domain-server appears twice");
        }
        if (md_put(set, g.domain, g.server, g.seq))
            return nomem(s->err);
        skip_ws(s);
        if (s->text[s->off] == '\0')
            break;
        if (s->text[s->off] != ',')
            return scan_fail(s, GTID_ERR_PARSE, "expected ',' after a D-S-N entry");
        s->off++;
    }
    return 0;
}

int gtid_set_parse(gtid_set **out, gtid_flavor flavor, const char *text, dm_err *err)
{
    scan s = {text ? text : "", 0, err};
    gtid_set *set = NULL;
    int rc;
    if ((rc = gtid_set_create(&set, flavor, err)))
        return rc;
    skip_ws(&s);
    if (s.text[s.off] != '\0') {
        rc = flavor == GTID_FLAVOR_MYSQL ? parse_mysql(set, &s) : parse_mariadb(set, &s);
        if (rc)
            goto done;
    }
    *out = set;
    set = NULL;
done:
    gtid_set_destroy(set);
    return rc;
}

int gtid_set_format(dm_buf *out, const gtid_set *s, dm_err *err)
{
    char u[37];
    int rc = 0;
    for (size_t i = 0; i < s->nsids && rc == 0; i++) {
        format_uuid(u, s->sids[i].uuid);
        rc = dm_buf_printf(out, "%s%s", i ? "," : "", u);
        for (size_t j = 0; j < s->sids[i].n && rc == 0; j++) {
            const gtid_ival *v = &s->sids[i].iv[j];
            if (v->lo == v->hi)
                rc = dm_buf_printf(out, ":%llu", (unsigned long long)v->lo);
            else
                rc = dm_buf_printf(out, ":%llu-%llu", (unsigned long long)v->lo,
                                   (unsigned long long)v->hi);
        }
    }
    for (size_t i = 0; i < s->nmd && rc == 0; i++)
        rc = dm_buf_printf(out, "%s%u-%u-%llu", i ? "," : "", s->md[i].domain, s->md[i].server,
                           (unsigned long long)s->md[i].seq);
    return rc ? nomem(err) : 0;
}

int gtid_set_format_position(dm_buf *out, const gtid_set *s, dm_err *err)
{
    int rc = 0;
    bool first = true;
    if (s->flavor == GTID_FLAVOR_MYSQL)
        return gtid_set_format(out, s, err);
    for (size_t i = 0; i < s->nmd && rc == 0;) {
        size_t best = i, j = i;
        for (; j < s->nmd && s->md[j].domain == s->md[i].domain; j++)
            if (s->md[j].seq > s->md[best].seq)
                best = j;
        rc = dm_buf_printf(out, "%s%u-%u-%llu", first ? "" : ",", s->md[best].domain,
                           s->md[best].server, (unsigned long long)s->md[best].seq);
        first = false;
        i = j;
    }
    return rc ? nomem(err) : 0;
}

// ---- queries ----------------------------------------------------------------------------

bool gtid_set_contains_gtid(const gtid_set *s, const gtid *g)
{
    long i;
    if (g->flavor != s->flavor)
        return false;
    if (s->flavor == GTID_FLAVOR_MARIADB)
        return md_domain_has(s, g->domain, g->seq);
    i = find_sid(s, g->uuid);
    return i >= 0 && sid_has(&s->sids[i], g->seq);
}

bool gtid_set_contains(const gtid_set *a, const gtid_set *b)
{
    if (a->flavor != b->flavor)
        return false;
    for (size_t i = 0; i < b->nmd; i++)
        if (!md_domain_has(a, b->md[i].domain, b->md[i].seq))
            return false;
    for (size_t i = 0; i < b->nsids; i++) {
        long k = find_sid(a, b->sids[i].uuid);
        if (k < 0)
            return false;
        for (size_t j = 0; j < b->sids[i].n; j++)
            if (!sid_covers(&a->sids[k], b->sids[i].iv[j].lo, b->sids[i].iv[j].hi))
                return false;
    }
    return true;
}

bool gtid_set_equal(const gtid_set *a, const gtid_set *b)
{
    if (a->flavor != b->flavor || a->nsids != b->nsids || a->nmd != b->nmd)
        return false;
    if (a->nmd && memcmp(a->md, b->md, a->nmd * sizeof(gtid_md)) != 0)
        return false;
    for (size_t i = 0; i < a->nsids; i++) {
        if (memcmp(a->sids[i].uuid, b->sids[i].uuid, 16) != 0 || a->sids[i].n != b->sids[i].n)
            return false;
        if (memcmp(a->sids[i].iv, b->sids[i].iv, a->sids[i].n * sizeof(gtid_ival)) != 0)
            return false;
    }
    return true;
}

// ---- updates ----------------------------------------------------------------------------

static int flavor_mismatch(dm_err *err, const char *fn, gtid_flavor want, gtid_flavor got)
{
    return dm_err_set(err, GTID_ERR_FLAVOR, DM_ERR_SCOPE_INTERNAL, "%s: %s GTID for a %s set", fn,
                      gtid_flavor_name(got), gtid_flavor_name(want));
}

int gtid_set_add(gtid_set *s, const gtid *g, dm_err *err)
{
    gtid_sid *d;
    char t[GTID_TEXT_MAX];
    if (g->flavor != s->flavor)
        return flavor_mismatch(err, "gtid_set_add", s->flavor, g->flavor);
    if (s->flavor == GTID_FLAVOR_MARIADB)
        return md_put(s, g->domain, g->server, g->seq) ? nomem(err) : 0;
    if (g->seq == 0 || g->seq > GTID_GNO_MAX)
        return dm_err_set(err, GTID_ERR_RANGE, DM_ERR_SCOPE_INTERNAL,
                          "gtid_set_add: gno out of range in %s", gtid_format(t, sizeof(t), g));
    if (get_sid(&d, s, g->uuid))
        return nomem(err);
    if (sid_add_interval(d, g->seq, g->seq)) {
        drop_empty_sids(s);
        return nomem(err);
    }
    return 0;
}

int gtid_set_union(gtid_set *dst, const gtid_set *src, dm_err *err)
{
    gtid_set *c = NULL;
    int rc;
    if (dst->flavor != src->flavor)
        return flavor_mismatch(err, "gtid_set_union", dst->flavor, src->flavor);
    if ((rc = gtid_set_copy(&c, dst, err)))
        return rc;
    for (size_t i = 0; i < src->nmd; i++)
        if (md_put(c, src->md[i].domain, src->md[i].server, src->md[i].seq))
            goto fail;
    for (size_t i = 0; i < src->nsids; i++) {
        gtid_sid *d;
        if (get_sid(&d, c, src->sids[i].uuid))
            goto fail;
        for (size_t j = 0; j < src->sids[i].n; j++)
            if (sid_add_interval(d, src->sids[i].iv[j].lo, src->sids[i].iv[j].hi))
                goto fail;
    }
    set_swap(dst, c);
    gtid_set_destroy(c);
    return 0;
fail:
    gtid_set_destroy(c);
    return nomem(err);
}

// ival_subtract writes a − b (both sorted, disjoint) into out.
static int ival_subtract(gtid_sid *out, const gtid_sid *a, const gtid_sid *b)
{
    size_t j = 0;
    for (size_t i = 0; i < a->n; i++) {
        uint64_t lo = a->iv[i].lo, hi = a->iv[i].hi;
        bool empty = false;
        while (j < b->n && b->iv[j].hi < lo)
            j++;
        for (size_t k = j; k < b->n && b->iv[k].lo <= hi; k++) {
            if (b->iv[k].lo > lo) {
                if (grow((void **)&out->iv, &out->cap, out->n + 1, sizeof(gtid_ival)))
                    return DM_ERR_NOMEM;
                out->iv[out->n].lo = lo;
                out->iv[out->n].hi = b->iv[k].lo - 1;
                out->n++;
            }
            if (b->iv[k].hi >= hi) {
                empty = true;
                break;
            }
            lo = b->iv[k].hi + 1;
        }
        if (!empty) {
            if (grow((void **)&out->iv, &out->cap, out->n + 1, sizeof(gtid_ival)))
                return DM_ERR_NOMEM;
            out->iv[out->n].lo = lo;
            out->iv[out->n].hi = hi;
            out->n++;
        }
    }
    return 0;
}

int gtid_set_subtract(gtid_set *dst, const gtid_set *src, dm_err *err)
{
    gtid_set *c = NULL;
    int rc;
    if (dst->flavor != src->flavor)
        return flavor_mismatch(err, "gtid_set_subtract", dst->flavor, src->flavor);
    if ((rc = gtid_set_create(&c, dst->flavor, err)))
        return rc;
    for (size_t i = 0; i < dst->nmd; i++) {
        if (md_domain_has(src, dst->md[i].domain, dst->md[i].seq))
            continue;
        if (md_put(c, dst->md[i].domain, dst->md[i].server, dst->md[i].seq))
            goto fail;
    }
    for (size_t i = 0; i < dst->nsids; i++) {
        long k = find_sid(src, dst->sids[i].uuid);
        gtid_sid *d;
        if (get_sid(&d, c, dst->sids[i].uuid))
            goto fail;
        if (k < 0) {
            for (size_t j = 0; j < dst->sids[i].n; j++)
                if (sid_add_interval(d, dst->sids[i].iv[j].lo, dst->sids[i].iv[j].hi))
                    goto fail;
        } else if (ival_subtract(d, &dst->sids[i], &src->sids[k])) {
            goto fail;
        }
    }
    drop_empty_sids(c);
    set_swap(dst, c);
    gtid_set_destroy(c);
    return 0;
fail:
    gtid_set_destroy(c);
    return nomem(err);
}

// ---- binary forms -----------------------------------------------------------------------

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const uint8_t *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

int gtid_set_encode(dm_buf *out, const gtid_set *s, dm_err *err)
{
    uint8_t b[16];
    int rc = 0;
    if (s->flavor == GTID_FLAVOR_MARIADB) {
        put_u32(b, (uint32_t)s->nmd);
        rc = dm_buf_append(out, b, 4);
        for (size_t i = 0; i < s->nmd && rc == 0; i++) {
            put_u32(b, s->md[i].domain);
            put_u32(b + 4, s->md[i].server);
            put_u64(b + 8, s->md[i].seq);
            rc = dm_buf_append(out, b, 16);
        }
        return rc ? nomem(err) : 0;
    }
    put_u64(b, s->nsids);
    rc = dm_buf_append(out, b, 8);
    for (size_t i = 0; i < s->nsids && rc == 0; i++) {
        rc = dm_buf_append(out, s->sids[i].uuid, 16);
        put_u64(b, s->sids[i].n);
        rc = rc ? rc : dm_buf_append(out, b, 8);
        for (size_t j = 0; j < s->sids[i].n && rc == 0; j++) {
            put_u64(b, s->sids[i].iv[j].lo);
            put_u64(b + 8, s->sids[i].iv[j].hi + 1);
            rc = dm_buf_append(out, b, 16);
        }
    }
    return rc ? nomem(err) : 0;
}

static int decode_fail(dm_err *err, int code, size_t off, size_t len, const char *what)
{
    return dm_err_set(err, code, DM_ERR_SCOPE_INTERNAL,
                      "encoded GTID set: %s at byte %zu of %zu", what, off, len);
}

int gtid_set_decode(gtid_set **out, gtid_flavor flavor, const void *data, size_t len,
                    dm_err *err)
{
    const uint8_t *p = data;
    gtid_set *set = NULL;
    size_t off = 0;
    int rc;
    if ((rc = gtid_set_create(&set, flavor, err)))
        return rc;
    if (flavor == GTID_FLAVOR_MARIADB) {
        uint32_t count;
        if (len < 4) {
            rc = decode_fail(err, GTID_ERR_DECODE, 0, len, "truncated count");
            goto done;
        }
        count = get_u32(p) & 0x0fffffffu;
        off = 4;
        if ((len - off) / 16 < count || len - off != (size_t)count * 16) {
            rc = decode_fail(err, GTID_ERR_DECODE, off, len, "length does not match the count");
            goto done;
        }
        for (uint32_t i = 0; i < count; i++, off += 16)
            if (md_put(set, get_u32(p + off), get_u32(p + off + 4), get_u64(p + off + 8))) {
                rc = nomem(err);
                goto done;
            }
    } else {
        uint64_t nsids;
        if (len < 8) {
            rc = decode_fail(err, GTID_ERR_DECODE, 0, len, "truncated sid count");
            goto done;
        }
        nsids = get_u64(p);
        off = 8;
        if (nsids >> 56) {
            rc = decode_fail(err, GTID_ERR_UNSUPPORTED, 0, len,
                             "tagged GTID set format (MySQL 8.3+) is not supported");
            goto done;
        }
        if (nsids > (len - off) / 24) {
            rc = decode_fail(err, GTID_ERR_DECODE, off, len, "sid count exceeds the data");
            goto done;
        }
        for (uint64_t i = 0; i < nsids; i++) {
            gtid_sid *d;
            uint64_t niv;
            if (len - off < 24) {
                rc = decode_fail(err, GTID_ERR_DECODE, off, len, "truncated sid");
                goto done;
            }
            if (get_sid(&d, set, p + off)) {
                rc = nomem(err);
                goto done;
            }
            niv = get_u64(p + off + 16);
            off += 24;
            if (niv > (len - off) / 16) {
                rc = decode_fail(err, GTID_ERR_DECODE, off - 8, len,
                                 "interval count exceeds the data");
                goto done;
            }
            for (uint64_t j = 0; j < niv; j++, off += 16) {
                uint64_t lo = get_u64(p + off), end = get_u64(p + off + 8);
                if (lo == 0 || end <= lo || end > (uint64_t)INT64_MAX) {
                    rc = decode_fail(err, GTID_ERR_RANGE, off, len, "invalid interval");
                    goto done;
                }
                if (sid_add_interval(d, lo, end - 1)) {
                    rc = nomem(err);
                    goto done;
                }
            }
        }
        if (off != len) {
            rc = decode_fail(err, GTID_ERR_DECODE, off, len, "trailing bytes");
            goto done;
        }
        drop_empty_sids(set);
    }
    *out = set;
    set = NULL;
done:
    gtid_set_destroy(set);
    return rc;
}
