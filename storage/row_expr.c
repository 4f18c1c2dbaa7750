// DESIGN
// The text is tokenised by sql_lex (MySQL lexical rules) and parsed by recursive descent
// with MySQL's operator precedence into a tree of rx_node. Every node is also recorded in
// row_expr.nodes so that destroy (and cleanup after a failed parse) is a flat loop. AND, OR
// and XOR chains are flattened into one n-ary node so that long "a=1 OR a=2 OR ..." lists do
// not count against the nesting limit; the tree depth is capped at ROW_EXPR_MAX_DEPTH, which
// bounds the recursion of both the parser and the evaluator.
//
// Evaluation works on rx_val: NULL, EXACT (a 128-bit mantissa with a decimal scale: integers
// and DECIMAL), DOUBLE, STRING (bytes + collation class), TEMPORAL (binlog_temporal) and
// INDEX (an ENUM index or SET bitmask, whose names binlog rows do not carry). Results that
// need new bytes (CONCAT, UPPER, number-to-string) come from a per-call arena freed at the
// end of row_expr_eval, so a bound row_expr is never written during evaluation and several
// threads may evaluate it at once.
#include "row_expr.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm_buf.h"
#include "sql_lex.h"

__extension__ typedef __int128 rx_i128;
__extension__ typedef unsigned __int128 rx_u128;

#define RX_MAX_SCALE 30                  // MySQL's largest DECIMAL scale
#define RX_DIV_INCREMENT 4               // div_precision_increment
#define RX_ARENA_MAX (16u * 1024u * 1024u) // string bytes one evaluation may create
#define RX_MSG_TEXT 200                  // expression bytes quoted in messages

// ---------------------------------------------------------------------------------------
// Values

enum { RXV_NULL, RXV_EXACT, RXV_DOUBLE, RXV_STRING, RXV_TEMPORAL, RXV_INDEX };

// String collation classes, from loosest to strictest; a comparison uses the stricter side.
enum { RXC_CI = 0, RXC_CS = 1, RXC_BINARY = 2 };

typedef struct rx_val {
    uint8_t kind;
    uint8_t scale;   // EXACT: decimal digits after the point
    bool is_dec;     // EXACT: DECIMAL (false: BIGINT, whose overflow is an error)
    bool uns;        // EXACT BIGINT: UNSIGNED (range 0..2^64-1 instead of the signed one)
    bool flt;        // DOUBLE: a FLOAT column's value (rendered with single precision)
    uint16_t bits;   // EXACT: a BIT(bits) column's value (a binary string in string context)
    uint8_t coll;    // STRING: RXC_*
    bool hex;        // STRING: a hex/bit literal (a number in numeric context)
    bool named;      // INDEX: s/len hold the member name(s), usable in string context
    int col;         // INDEX: the column slot it came from (for messages); else -1
    rx_i128 m;       // EXACT mantissa; INDEX value
    double d;        // DOUBLE
    const char *s;   // STRING bytes
    size_t len;
    binlog_temporal t;
} rx_val;

// ---------------------------------------------------------------------------------------
// Tree

enum {
    RX_LIT, RX_COL, RX_OR, RX_XOR, RX_AND, RX_NOT, RX_CMP, RX_IS, RX_BETWEEN, RX_IN, RX_LIKE,
    RX_ARITH, RX_NEG, RX_BITNOT, RX_FUNC,
};

// Comparison operators (RX_CMP) and IS targets (RX_IS).
enum { CMP_EQ, CMP_NSEQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };
enum { IS_NULL, IS_TRUE, IS_FALSE };

// Arithmetic and bit operators (RX_ARITH).
enum { AR_ADD, AR_SUB, AR_MUL, AR_DIV, AR_IDIV, AR_MOD, AR_BOR, AR_BAND, AR_BXOR, AR_SHL, AR_SHR };

enum {
    FN_LENGTH, FN_CHAR_LENGTH, FN_UPPER, FN_LOWER, FN_ABS, FN_COALESCE, FN_IFNULL, FN_IF,
    FN_CONCAT, FN_SUBSTRING, FN_TRIM, FN_LTRIM, FN_RTRIM, FN_LEFT, FN_RIGHT, FN_ROUND, FN_FLOOR,
    FN_CEIL, FN_MOD, FN_YEAR, FN_MONTH, FN_DAY, FN_HOUR, FN_MINUTE, FN_SECOND, FN_DATE,
};

typedef struct rx_func_def {
    const char *name;
    int fn;
    int min_args, max_args; // max -1: any
} rx_func_def;

static const rx_func_def rx_funcs[] = {
    {"LENGTH", FN_LENGTH, 1, 1},       {"OCTET_LENGTH", FN_LENGTH, 1, 1},
    {"CHAR_LENGTH", FN_CHAR_LENGTH, 1, 1}, {"CHARACTER_LENGTH", FN_CHAR_LENGTH, 1, 1},
    {"UPPER", FN_UPPER, 1, 1},         {"UCASE", FN_UPPER, 1, 1},
    {"LOWER", FN_LOWER, 1, 1},         {"LCASE", FN_LOWER, 1, 1},
    {"ABS", FN_ABS, 1, 1},             {"COALESCE", FN_COALESCE, 1, -1},
    {"IFNULL", FN_IFNULL, 2, 2},       {"IF", FN_IF, 3, 3},
    {"CONCAT", FN_CONCAT, 1, -1},      {"SUBSTRING", FN_SUBSTRING, 2, 3},
    {"SUBSTR", FN_SUBSTRING, 2, 3},    {"MID", FN_SUBSTRING, 3, 3},
    {"TRIM", FN_TRIM, 1, 1},           {"LTRIM", FN_LTRIM, 1, 1},
    {"RTRIM", FN_RTRIM, 1, 1},         {"LEFT", FN_LEFT, 2, 2},
    {"RIGHT", FN_RIGHT, 2, 2},         {"ROUND", FN_ROUND, 1, 2},
    {"FLOOR", FN_FLOOR, 1, 1},         {"CEIL", FN_CEIL, 1, 1},
    {"CEILING", FN_CEIL, 1, 1},        {"MOD", FN_MOD, 2, 2},
    {"YEAR", FN_YEAR, 1, 1},           {"MONTH", FN_MONTH, 1, 1},
    {"DAY", FN_DAY, 1, 1},             {"DAYOFMONTH", FN_DAY, 1, 1},
    {"HOUR", FN_HOUR, 1, 1},           {"MINUTE", FN_MINUTE, 1, 1},
    {"SECOND", FN_SECOND, 1, 1},       {"DATE", FN_DATE, 1, 1},
};

typedef struct rx_node {
    uint8_t type;    // RX_*
    uint8_t op;      // CMP_*, IS_*, AR_*, FN_*
    bool negated;    // NOT BETWEEN/IN/LIKE, IS NOT
    uint16_t depth;  // 1 + the deepest child
    size_t off;      // where it starts in the text (messages)
    size_t nkids;
    struct rx_node **kids;
    size_t col;      // RX_COL: slot in row_expr.cols
    rx_val lit;      // RX_LIT (a string points into owned)
    char *owned;
} rx_node;

typedef struct rx_col {
    char *name;
    size_t index;         // into the bound names
    binlog_str *members;  // ENUM/SET member names (row_expr_bind_members), else NULL
    size_t n_members;
    char *member_bytes;   // what members point into
} rx_col;

struct row_expr {
    char *text;
    size_t text_len;
    rx_node *root;
    rx_node **nodes;
    size_t n_nodes, cap_nodes;
    rx_col *cols;
    size_t n_cols, cap_cols;
    bool bound;
    size_t min_vals; // 1 + the largest bound index
};

// ---------------------------------------------------------------------------------------
// Small helpers

static int rx_nomem(dm_err *err)
{
    return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "expression: out of memory");
}

static int rx_text_len(const row_expr *e)
{
    return (int)(e->text_len > RX_MSG_TEXT ? RX_MSG_TEXT : e->text_len);
}

static char rx_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static char rx_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static bool rx_name_eq(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++)
        if (rx_lower(a[i]) != rx_lower(b[i]))
            return false;
    return true;
}

static const rx_i128 RX_I64_MIN = -((rx_i128)1 << 63);
static const rx_i128 RX_U64_MAX = ((rx_i128)1 << 64) - 1;

static bool rx_pow10(rx_i128 *out, int n)
{
    rx_i128 v = 1;
    if (n < 0 || n > 38)
        return false;
    for (int i = 0; i < n; i++)
        v *= 10;
    *out = v;
    return true;
}

// rx_rescale multiplies m by 10^n (n >= 0); false on overflow.
static bool rx_rescale(rx_i128 *m, int n)
{
    rx_i128 p;
    if (!rx_pow10(&p, n))
        return false;
    return !__builtin_mul_overflow(*m, p, m);
}

static double rx_exact_to_double(const rx_val *v)
{
    double d = (double)v->m;
    for (int i = 0; i < v->scale; i++)
        d /= 10.0;
    return d;
}

static void rx_set_null(rx_val *v)
{
    memset(v, 0, sizeof(*v));
    v->kind = RXV_NULL;
    v->col = -1;
}

static void rx_set_int(rx_val *v, rx_i128 m)
{
    memset(v, 0, sizeof(*v));
    v->kind = RXV_EXACT;
    v->col = -1;
    v->m = m;
}

static void rx_set_double(rx_val *v, double d)
{
    memset(v, 0, sizeof(*v));
    v->kind = RXV_DOUBLE;
    v->col = -1;
    v->d = d;
}

static void rx_set_str(rx_val *v, const char *s, size_t len, uint8_t coll)
{
    memset(v, 0, sizeof(*v));
    v->kind = RXV_STRING;
    v->col = -1;
    v->s = s;
    v->len = len;
    v->coll = coll;
}

// rx_parse_exact reads a decimal number text ("-12.50", "1e3" not accepted) into an EXACT
// value; false when it has more digits than 128 bits hold or is not plain decimal.
static bool rx_parse_exact(rx_val *out, const char *s, size_t len)
{
    rx_i128 m = 0;
    int scale = 0, digits = 0;
    bool neg = false, point = false;
    size_t i = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (i >= len)
        return false;
    for (; i < len; i++) {
        if (s[i] == '.' && !point) {
            point = true;
            continue;
        }
        if (s[i] < '0' || s[i] > '9')
            return false;
        if (digits || s[i] != '0')
            digits++;
        if (digits > 37 || (point && scale >= RX_MAX_SCALE))
            return false;
        m = m * 10 + (s[i] - '0');
        if (point)
            scale++;
    }
    rx_set_int(out, neg ? -m : m);
    out->scale = (uint8_t)scale;
    out->is_dec = point;
    return true;
}

// rx_num_prefix finds the numeric prefix MySQL reads from a string in numeric context
// (leading blanks, sign, digits, point, exponent) and converts it; "abc" is 0.
static double rx_str_to_double(const char *s, size_t len)
{
    size_t i = 0, start, end;
    char small[128];
    char *buf = small;
    double d;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    start = i;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
    size_t digits_start = i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i == digits_start || (i == digits_start + 1 && s[digits_start] == '.'))
        return 0.0;
    end = i;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < len && (s[j] == '-' || s[j] == '+'))
            j++;
        if (j < len && s[j] >= '0' && s[j] <= '9') {
            while (j < len && s[j] >= '0' && s[j] <= '9')
                j++;
            end = j;
        }
    }
    if (end - start + 1 > sizeof(small)) {
        buf = malloc(end - start + 1);
        if (!buf)
            return 0.0;
    }
    memcpy(buf, s + start, end - start);
    buf[end - start] = '\0';
    d = strtod(buf, NULL);
    if (buf != small)
        free(buf);
    return d;
}

// rx_hex_value is a hex/bit literal's value in numeric context (big-endian bytes; the
// last 8 bytes count, as longer literals do not fit a BIGINT UNSIGNED).
static rx_i128 rx_hex_value(const rx_val *v)
{
    uint64_t u = 0;
    size_t i = v->len > 8 ? v->len - 8 : 0;
    for (; i < v->len; i++)
        u = u << 8 | (unsigned char)v->s[i];
    return (rx_i128)u;
}

// ---------------------------------------------------------------------------------------
// Temporal values

static bool rx_is_datelike(const binlog_temporal *t)
{
    return t->kind == BINLOG_TEMPORAL_DATE || t->kind == BINLOG_TEMPORAL_DATETIME ||
           t->kind == BINLOG_TEMPORAL_TIMESTAMP;
}

// rx_digits reads 1..max decimal digits at s[*i].
static bool rx_digits(uint32_t *out, const char *s, size_t len, size_t *i, int max)
{
    uint32_t v = 0;
    int n = 0;
    while (*i < len && n < max && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (uint32_t)(s[*i] - '0');
        (*i)++;
        n++;
    }
    *out = v;
    return n > 0;
}

static bool rx_fraction(uint32_t *usec, const char *s, size_t len, size_t *i)
{
    uint32_t v = 0;
    int n = 0;
    if (*i >= len || s[*i] != '.')
        return true;
    (*i)++;
    while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
        if (n < 6) {
            v = v * 10 + (uint32_t)(s[*i] - '0');
            n++;
        }
        (*i)++;
    }
    for (; n < 6; n++)
        v *= 10;
    *usec = v;
    return true;
}

// rx_minutes_seconds reads 'MM[:SS[.f]]' (after the hour's colon).
static bool rx_minutes_seconds(uint32_t *mi, uint32_t *sec, uint32_t *usec, const char *s,
                               size_t len, size_t *i)
{
    if (!rx_digits(mi, s, len, i, 2))
        return false;
    if (*i < len && s[*i] == ':') {
        (*i)++;
        if (!rx_digits(sec, s, len, i, 2))
            return false;
        rx_fraction(usec, s, len, i);
    }
    return true;
}

// rx_parse_datetime reads 'Y-M-D[( |T)H:M[:S[.f]]]' (any of - / . as date separator,
// 2-digit years as MySQL maps them) or 'YYYYMMDD[HHMMSS[.f]]', with blanks around.
static bool rx_parse_datetime(binlog_temporal *out, const char *s, size_t len)
{
    uint32_t y, mo, d, h = 0, mi = 0, sec = 0, usec = 0;
    size_t i = 0, ystart;
    memset(out, 0, sizeof(*out));
    while (len > 0 && s[len - 1] == ' ')
        len--;
    while (i < len && s[i] == ' ')
        i++;
    size_t ndig = 0;
    while (i + ndig < len && s[i + ndig] >= '0' && s[i + ndig] <= '9')
        ndig++;
    if ((ndig == 6 || ndig == 8 || ndig == 12 || ndig == 14) &&
        (i + ndig == len || s[i + ndig] == '.')) {
        size_t j = i;
        bool short_year = ndig == 6 || ndig == 12;
        rx_digits(&y, s, len, &j, short_year ? 2 : 4);
        if (short_year)
            y += y < 70 ? 2000 : 1900;
        rx_digits(&mo, s, len, &j, 2);
        rx_digits(&d, s, len, &j, 2);
        if (ndig == 12 || ndig == 14) {
            rx_digits(&h, s, len, &j, 2);
            rx_digits(&mi, s, len, &j, 2);
            rx_digits(&sec, s, len, &j, 2);
            rx_fraction(&usec, s, len, &j);
        }
        if (j != len)
            return false;
        i = j;
        out->kind = ndig >= 12 ? BINLOG_TEMPORAL_DATETIME : BINLOG_TEMPORAL_DATE;
    } else {
        ystart = i;
        if (!rx_digits(&y, s, len, &i, 4))
            return false;
        if (i - ystart <= 2)
            y += y < 70 ? 2000 : 1900;
        if (i >= len || (s[i] != '-' && s[i] != '/' && s[i] != '.'))
            return false;
        i++;
        if (!rx_digits(&mo, s, len, &i, 2))
            return false;
        if (i >= len || (s[i] != '-' && s[i] != '/' && s[i] != '.'))
            return false;
        i++;
        if (!rx_digits(&d, s, len, &i, 2))
            return false;
        out->kind = BINLOG_TEMPORAL_DATE;
        if (i < len && (s[i] == ' ' || s[i] == 'T')) {
            while (i < len && (s[i] == ' ' || s[i] == 'T'))
                i++;
            if (!rx_digits(&h, s, len, &i, 2) || i >= len || s[i] != ':')
                return false;
            i++;
            if (!rx_minutes_seconds(&mi, &sec, &usec, s, len, &i))
                return false;
            out->kind = BINLOG_TEMPORAL_DATETIME;
        }
        if (i != len)
            return false;
    }
    if (mo > 12 || d > 31 || h > 23 || mi > 59 || sec > 59)
        return false;
    if (mo >= 1 && d > 28) {
        static const uint8_t dim[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        if (d > dim[mo - 1] || (mo == 2 && d == 29 && !leap))
            return false;
    }
    out->year = (uint16_t)y;
    out->month = (uint8_t)mo;
    out->day = (uint8_t)d;
    out->hour = h;
    out->minute = (uint8_t)mi;
    out->second = (uint8_t)sec;
    out->usec = usec;
    return true;
}

// rx_parse_time reads '[-][D ]H:M[:S[.f]]' or '[-]HHMMSS[.f]' as a TIME.
static bool rx_parse_time(binlog_temporal *out, const char *s, size_t len)
{
    uint32_t h = 0, mi = 0, sec = 0, usec = 0, days = 0;
    size_t i = 0;
    memset(out, 0, sizeof(*out));
    out->kind = BINLOG_TEMPORAL_TIME;
    while (len > 0 && s[len - 1] == ' ')
        len--;
    while (i < len && s[i] == ' ')
        i++;
    if (i < len && s[i] == '-') {
        out->negative = true;
        i++;
    }
    size_t start = i;
    if (!rx_digits(&h, s, len, &i, 7))
        return false;
    if (i < len && s[i] == ' ') {
        days = h;
        i++;
        if (!rx_digits(&h, s, len, &i, 3))
            return false;
    }
    if (i < len && s[i] == ':') {
        i++;
        if (!rx_minutes_seconds(&mi, &sec, &usec, s, len, &i))
            return false;
    } else if (days == 0) {
        uint32_t v = h;
        if (i - start > 7)
            return false;
        h = v / 10000;
        mi = v / 100 % 100;
        sec = v % 100;
        rx_fraction(&usec, s, len, &i);
    } else {
        return false;
    }
    if (i != len || mi > 59 || sec > 59 || days > 34 || h > 838 || days * 24 + h > 838)
        return false;
    out->hour = days * 24 + h;
    out->minute = (uint8_t)mi;
    out->second = (uint8_t)sec;
    out->usec = usec;
    return true;
}

// rx_temporal_cmp orders two temporals of compatible kinds (a DATE counts as midnight).
static int rx_temporal_cmp(const binlog_temporal *a, const binlog_temporal *b)
{
    int64_t ka, kb;
    if (a->kind == BINLOG_TEMPORAL_TIME) {
        ka = ((int64_t)a->hour * 3600 + a->minute * 60 + a->second) * 1000000 + a->usec;
        kb = ((int64_t)b->hour * 3600 + b->minute * 60 + b->second) * 1000000 + b->usec;
        if (a->negative)
            ka = -ka;
        if (b->negative)
            kb = -kb;
    } else {
        ka = ((((int64_t)a->year * 13 + a->month) * 32 + a->day) * 24 + a->hour) * 3600 +
             a->minute * 60 + a->second;
        kb = ((((int64_t)b->year * 13 + b->month) * 32 + b->day) * 24 + b->hour) * 3600 +
             b->minute * 60 + b->second;
        if (ka == kb) {
            ka = a->usec;
            kb = b->usec;
        }
    }
    return ka < kb ? -1 : ka > kb;
}

// rx_temporal_render writes t as MySQL displays it ('YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS[.f]',
// '[-]HH:MM:SS[.f]') into buf (at least 40 bytes); returns the length.
static size_t rx_temporal_render(char *buf, const binlog_temporal *t)
{
    int n;
    unsigned fsp = t->fsp > 6 ? 6 : t->fsp;
    if (t->kind == BINLOG_TEMPORAL_DATE)
        return (size_t)snprintf(buf, 40, "%04u-%02u-%02u", t->year, t->month, t->day);
    if (t->kind == BINLOG_TEMPORAL_TIME)
        n = snprintf(buf, 40, "%s%02u:%02u:%02u", t->negative ? "-" : "", (unsigned)t->hour,
                     t->minute, t->second);
    else
        n = snprintf(buf, 40, "%04u-%02u-%02u %02u:%02u:%02u", t->year, t->month, t->day,
                     (unsigned)t->hour, t->minute, t->second);
    if (fsp > 0) {
        unsigned f = t->usec % 1000000;
        for (unsigned k = fsp; k < 6; k++)
            f /= 10;
        n += snprintf(buf + n, (size_t)(40 - n), ".%0*u", (int)fsp, f);
    }
    return (size_t)n;
}

// rx_temporal_number is a temporal in numeric context: YYYYMMDD, YYYYMMDDHHMMSS[.f], HHMMSS[.f].
static void rx_temporal_number(rx_val *out, const binlog_temporal *t)
{
    rx_i128 m;
    if (t->kind == BINLOG_TEMPORAL_DATE) {
        rx_set_int(out, (rx_i128)t->year * 10000 + t->month * 100 + t->day);
        return;
    }
    if (t->kind == BINLOG_TEMPORAL_TIME)
        m = (rx_i128)t->hour * 10000 + t->minute * 100 + t->second;
    else
        m = (((rx_i128)t->year * 10000 + t->month * 100 + t->day) * 1000000) +
            (rx_i128)t->hour * 10000 + t->minute * 100 + t->second;
    rx_set_int(out, m);
    if (t->fsp > 0) {
        unsigned fsp = t->fsp > 6 ? 6 : t->fsp;
        unsigned f = t->usec % 1000000;
        for (unsigned k = fsp; k < 6; k++)
            f /= 10;
        rx_i128 p;
        rx_pow10(&p, (int)fsp);
        out->m = m * p + f;
        out->scale = (uint8_t)fsp;
        out->is_dec = true;
    }
    if (t->kind == BINLOG_TEMPORAL_TIME && t->negative)
        out->m = -out->m;
}

// ---------------------------------------------------------------------------------------
// Parser

typedef struct rx_parser {
    row_expr *e;
    sql_lex lx;
    sql_token tok;      // current token
    int depth;          // recursion depth of the descent
    dm_err *err;
    dm_buf scratch;
} rx_parser;

static int rx_syntax(rx_parser *p, size_t off, const char *what)
{
    const row_expr *e = p->e;
    size_t near = e->text_len - off;
    if (near > 40)
        near = 40;
    if (off >= e->text_len)
        return dm_err_set(p->err, ROW_EXPR_ERR_SYNTAX, DM_ERR_SCOPE_INTERNAL,
                          "expression '%.*s': %s at offset %zu (end of text)", rx_text_len(e),
                          e->text, what, off);
    return dm_err_set(p->err, ROW_EXPR_ERR_SYNTAX, DM_ERR_SCOPE_INTERNAL,
                      "expression '%.*s': %s at offset %zu near '%.*s'", rx_text_len(e), e->text,
                      what, off, (int)near, e->text + off);
}

static int rx_unsupported(rx_parser *p, size_t off, const char *what, size_t wlen)
{
    return dm_err_set(p->err, ROW_EXPR_ERR_UNSUPPORTED, DM_ERR_SCOPE_INTERNAL,
                      "expression '%.*s': %.*s (offset %zu) is not supported by expression-filter",
                      rx_text_len(p->e), p->e->text, (int)wlen, what, off);
}

static int rx_unsupported_s(rx_parser *p, size_t off, const char *what)
{
    return rx_unsupported(p, off, what, strlen(what));
}

static int rx_too_deep(rx_parser *p, size_t off)
{
    return dm_err_set(p->err, ROW_EXPR_ERR_TOO_LARGE, DM_ERR_SCOPE_INTERNAL,
                      "expression '%.*s': nesting deeper than %d at offset %zu", rx_text_len(p->e),
                      p->e->text, ROW_EXPR_MAX_DEPTH, off);
}

static int rx_next(rx_parser *p)
{
    int rc = sql_lex_next(&p->tok, &p->lx, p->err);
    if (rc) {
        // Re-code the lexer's error into this module's range, keeping its message.
        char msg[sizeof(p->err->message)];
        if (!p->err)
            return ROW_EXPR_ERR_SYNTAX;
        snprintf(msg, sizeof(msg), "%s", p->err->message);
        return dm_err_set(p->err, ROW_EXPR_ERR_SYNTAX, DM_ERR_SCOPE_INTERNAL, "expression '%.*s': %s",
                          rx_text_len(p->e), p->e->text, msg);
    }
    return 0;
}

static bool rx_is_op(rx_parser *p, const char *op)
{
    return sql_lex_is_op(&p->lx, &p->tok, op);
}

static bool rx_is_word(rx_parser *p, const char *w)
{
    return sql_lex_is_word(&p->lx, &p->tok, w);
}

static int rx_node_new(rx_node **out, rx_parser *p, uint8_t type, size_t off)
{
    row_expr *e = p->e;
    rx_node *n;
    *out = NULL;
    if (e->n_nodes == e->cap_nodes) {
        size_t cap = e->cap_nodes ? e->cap_nodes * 2 : 16;
        rx_node **nn = realloc(e->nodes, cap * sizeof(*nn));
        if (!nn)
            return rx_nomem(p->err);
        e->nodes = nn;
        e->cap_nodes = cap;
    }
    n = calloc(1, sizeof(*n));
    if (!n)
        return rx_nomem(p->err);
    n->type = type;
    n->off = off;
    n->depth = 1;
    n->lit.col = -1;
    e->nodes[e->n_nodes++] = n;
    *out = n;
    return 0;
}

static int rx_add_kid(rx_parser *p, rx_node *n, rx_node *kid)
{
    if ((n->nkids & (n->nkids - 1)) == 0) {
        size_t cap = n->nkids ? n->nkids * 2 : 1;
        rx_node **k = realloc(n->kids, cap * sizeof(*k));
        if (!k)
            return rx_nomem(p->err);
        n->kids = k;
    }
    n->kids[n->nkids++] = kid;
    if (kid->depth + 1 > n->depth)
        n->depth = (uint16_t)(kid->depth + 1);
    if (n->depth > ROW_EXPR_MAX_DEPTH)
        return rx_too_deep(p, n->off);
    return 0;
}

// rx_binary builds a node of type/op over a and b.
static int rx_binary(rx_node **out, rx_parser *p, uint8_t type, uint8_t op, rx_node *a, rx_node *b)
{
    int rc;
    rx_node *n;
    if ((rc = rx_node_new(&n, p, type, a->off)) != 0)
        return rc;
    n->op = op;
    if ((rc = rx_add_kid(p, n, a)) != 0 || (rc = rx_add_kid(p, n, b)) != 0)
        return rc;
    *out = n;
    return 0;
}

static int rx_parse_expr(rx_node **out, rx_parser *p);
static int rx_parse_bitor(rx_node **out, rx_parser *p);
static int rx_parse_unary(rx_node **out, rx_parser *p);

static int rx_enter(rx_parser *p)
{
    if (++p->depth > ROW_EXPR_MAX_DEPTH)
        return rx_too_deep(p, p->tok.off);
    return 0;
}

static int rx_expect(rx_parser *p, const char *op)
{
    if (!rx_is_op(p, op)) {
        char what[32];
        snprintf(what, sizeof(what), "expected '%s'", op);
        return rx_syntax(p, p->tok.off, what);
    }
    return rx_next(p);
}

static int rx_add_column(size_t *out, rx_parser *p, const char *name, size_t len)
{
    row_expr *e = p->e;
    for (size_t i = 0; i < e->n_cols; i++)
        if (rx_name_eq(name, len, e->cols[i].name)) {
            *out = i;
            return 0;
        }
    if (e->n_cols == e->cap_cols) {
        size_t cap = e->cap_cols ? e->cap_cols * 2 : 4;
        rx_col *c = realloc(e->cols, cap * sizeof(*c));
        if (!c)
            return rx_nomem(p->err);
        e->cols = c;
        e->cap_cols = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return rx_nomem(p->err);
    memcpy(copy, name, len);
    copy[len] = '\0';
    memset(&e->cols[e->n_cols], 0, sizeof(e->cols[0]));
    e->cols[e->n_cols].name = copy;
    *out = e->n_cols++;
    return 0;
}

// rx_decode_token decodes the current token's value into p->scratch.
static int rx_decode_token(rx_parser *p)
{
    dm_buf_reset(&p->scratch);
    if (sql_lex_decode(&p->scratch, &p->lx, &p->tok) != 0)
        return rx_nomem(p->err);
    return 0;
}

// rx_lit_string makes a literal node owning a copy of bytes.
static int rx_lit_string(rx_node **out, rx_parser *p, const char *s, size_t len, uint8_t coll,
                         bool hex)
{
    int rc;
    rx_node *n;
    if ((rc = rx_node_new(&n, p, RX_LIT, p->tok.off)) != 0)
        return rc;
    n->owned = malloc(len + 1);
    if (!n->owned)
        return rx_nomem(p->err);
    if (len)
        memcpy(n->owned, s, len);
    n->owned[len] = '\0';
    rx_set_str(&n->lit, n->owned, len, coll);
    n->lit.hex = hex;
    *out = n;
    return 0;
}

static int rx_parse_number(rx_node **out, rx_parser *p)
{
    int rc;
    rx_node *n;
    const char *s = p->e->text + p->tok.off;
    size_t len = p->tok.len;
    bool is_double = memchr(s, 'e', len) || memchr(s, 'E', len);
    if ((rc = rx_node_new(&n, p, RX_LIT, p->tok.off)) != 0)
        return rc;
    if (is_double || !rx_parse_exact(&n->lit, s, len)) {
        rx_set_double(&n->lit, rx_str_to_double(s, len));
    } else if (!n->lit.is_dec && n->lit.m > RX_U64_MAX) {
        // Integer literals beyond BIGINT UNSIGNED are DECIMAL in MySQL.
        n->lit.is_dec = true;
    } else if (!n->lit.is_dec && n->lit.m > (rx_i128)INT64_MAX) {
        n->lit.uns = true;
    }
    *out = n;
    return rx_next(p);
}

static int rx_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    return rx_lower(c) - 'a' + 10;
}

// rx_parse_hexbit turns X'..', 0x.., B'..', 0b.. into a binary string literal.
static int rx_parse_hexbit(rx_node **out, rx_parser *p)
{
    int rc;
    const char *s = p->e->text + p->tok.off;
    size_t len = p->tok.len, i;
    bool quoted = s[1] == '\'';
    const char *digits = s + 2;
    size_t nd = len - 2 - (quoted ? 1 : 0);
    size_t nbytes = p->tok.kind == SQL_TOK_HEX ? (nd + 1) / 2 : (nd + 7) / 8;
    dm_buf_reset(&p->scratch);
    if (dm_buf_reserve(&p->scratch, nbytes + 1) != 0)
        return rx_nomem(p->err);
    memset(p->scratch.data, 0, nbytes);
    p->scratch.len = nbytes;
    // Digits fill the bytes from the right, so an odd hex or partial bit group is left-padded.
    for (i = 0; i < nd; i++) {
        unsigned char *byte;
        if (p->tok.kind == SQL_TOK_HEX) {
            byte = (unsigned char *)p->scratch.data + nbytes - 1 - i / 2;
            *byte |= (unsigned char)(rx_hex_digit(digits[nd - 1 - i]) << (4 * (i % 2)));
        } else {
            byte = (unsigned char *)p->scratch.data + nbytes - 1 - i / 8;
            *byte |= (unsigned char)((digits[nd - 1 - i] - '0') << (i % 8));
        }
    }
    if ((rc = rx_lit_string(out, p, p->scratch.data ? p->scratch.data : "", p->scratch.len,
                            RXC_BINARY, true)) != 0)
        return rc;
    return rx_next(p);
}

static int rx_parse_string(rx_node **out, rx_parser *p)
{
    int rc;
    uint8_t coll = RXC_CI;
    size_t prefix = p->tok.body_off - 1 - p->tok.off;
    const char *s = p->e->text + p->tok.off;
    if (prefix >= 7 && rx_name_eq(s, 7, "_binary"))
        coll = RXC_BINARY;
    if ((rc = rx_decode_token(p)) != 0)
        return rc;
    if ((rc = rx_lit_string(out, p, p->scratch.data ? p->scratch.data : "", p->scratch.len, coll,
                            false)) != 0)
        return rc;
    if ((rc = rx_next(p)) != 0)
        return rc;
    // Adjacent string literals concatenate ('a' 'b' is 'ab').
    while (p->tok.kind == SQL_TOK_STRING && p->tok.body_off - 1 == p->tok.off) {
        rx_node *n = *out;
        if ((rc = rx_decode_token(p)) != 0)
            return rc;
        char *grown = realloc(n->owned, n->lit.len + p->scratch.len + 1);
        if (!grown)
            return rx_nomem(p->err);
        memcpy(grown + n->lit.len, p->scratch.data ? p->scratch.data : "", p->scratch.len);
        n->lit.len += p->scratch.len;
        grown[n->lit.len] = '\0';
        n->owned = grown;
        n->lit.s = grown;
        if ((rc = rx_next(p)) != 0)
            return rc;
    }
    return 0;
}

// Words that start a construct this module does not evaluate.
static const char *const rx_unsupported_words[] = {
    "CASE", "EXISTS", "SELECT", "INTERVAL", "BINARY", "ROW", "MATCH", "DEFAULT", "VALUES",
    "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP",
    "UTC_DATE", "UTC_TIME", "UTC_TIMESTAMP", "CURRENT_USER", NULL,
};

// Operator words that cannot start an operand.
static const char *const rx_operator_words[] = {
    "AND", "OR", "XOR", "NOT", "IS", "IN", "LIKE", "BETWEEN", "DIV", "MOD", "ESCAPE", "FROM",
    "REGEXP", "RLIKE", NULL,
};

static int rx_parse_function(rx_node **out, rx_parser *p, const char *name, size_t nlen, size_t off)
{
    int rc;
    const rx_func_def *def = NULL;
    rx_node *n;
    for (size_t i = 0; i < sizeof(rx_funcs) / sizeof(rx_funcs[0]); i++)
        if (rx_name_eq(name, nlen, rx_funcs[i].name))
            def = &rx_funcs[i];
    if (!def) {
        char what[160];
        snprintf(what, sizeof(what), "function %.*s()", (int)(nlen > 100 ? 100 : nlen), name);
        return rx_unsupported(p, off, what, strlen(what));
    }
    if ((rc = rx_node_new(&n, p, RX_FUNC, off)) != 0)
        return rc;
    n->op = (uint8_t)def->fn;
    if ((rc = rx_next(p)) != 0) // '('
        return rc;
    if (def->fn == FN_TRIM && (rx_is_word(p, "BOTH") || rx_is_word(p, "LEADING") ||
                               rx_is_word(p, "TRAILING")))
        return rx_unsupported_s(p, p->tok.off, "TRIM(BOTH|LEADING|TRAILING ... FROM ...)");
    if (rx_is_op(p, ")")) {
        if (def->min_args > 0)
            goto bad_args;
    } else {
        for (;;) {
            rx_node *arg;
            if ((rc = rx_parse_expr(&arg, p)) != 0)
                return rc;
            if ((rc = rx_add_kid(p, n, arg)) != 0)
                return rc;
            if (def->fn == FN_TRIM && rx_is_word(p, "FROM"))
                return rx_unsupported_s(p, p->tok.off, "TRIM(remstr FROM str)");
            if (def->fn == FN_SUBSTRING && (rx_is_word(p, "FROM") || rx_is_word(p, "FOR")))
                return rx_unsupported_s(p, p->tok.off, "SUBSTRING(str FROM pos FOR len)");
            if (!rx_is_op(p, ","))
                break;
            if ((rc = rx_next(p)) != 0)
                return rc;
        }
    }
    if ((int)n->nkids < def->min_args || (def->max_args >= 0 && (int)n->nkids > def->max_args))
        goto bad_args;
    if ((rc = rx_expect(p, ")")) != 0)
        return rc;
    *out = n;
    return 0;
bad_args:
    return dm_err_set(p->err, ROW_EXPR_ERR_SYNTAX, DM_ERR_SCOPE_INTERNAL,
                      "expression '%.*s': wrong number of arguments to %s() at offset %zu",
                      rx_text_len(p->e), p->e->text, def->name, off);
}

static int rx_parse_primary(rx_node **out, rx_parser *p)
{
    int rc;
    size_t off = p->tok.off;
    rx_node *n;
    switch (p->tok.kind) {
    case SQL_TOK_NUMBER:
        return rx_parse_number(out, p);
    case SQL_TOK_HEX:
    case SQL_TOK_BIT:
        return rx_parse_hexbit(out, p);
    case SQL_TOK_STRING:
        return rx_parse_string(out, p);
    case SQL_TOK_VAR:
        return rx_unsupported_s(p, off, "a variable");
    case SQL_TOK_PARAM:
        return rx_unsupported_s(p, off, "a '?' parameter");
    case SQL_TOK_EOF:
        return rx_syntax(p, off, "expected an operand");
    case SQL_TOK_OP:
        if (!rx_is_op(p, "("))
            return rx_syntax(p, off, "expected an operand");
        if ((rc = rx_next(p)) != 0)
            return rc;
        if (rx_is_word(p, "SELECT"))
            return rx_unsupported_s(p, p->tok.off, "a subquery");
        if ((rc = rx_parse_expr(out, p)) != 0)
            return rc;
        if (rx_is_op(p, ","))
            return rx_unsupported_s(p, off, "a row constructor (a, b)");
        return rx_expect(p, ")");
    case SQL_TOK_IDENT:
    case SQL_TOK_QIDENT:
        break;
    }
    if (p->tok.kind == SQL_TOK_IDENT) {
        sql_token word = p->tok;
        const char *w = p->e->text + word.off;
        if (rx_is_word(p, "NULL") || rx_is_word(p, "TRUE") || rx_is_word(p, "FALSE")) {
            if ((rc = rx_node_new(&n, p, RX_LIT, off)) != 0)
                return rc;
            if (rx_is_word(p, "NULL"))
                rx_set_null(&n->lit);
            else
                rx_set_int(&n->lit, rx_is_word(p, "TRUE"));
            *out = n;
            return rx_next(p);
        }
        for (int i = 0; rx_unsupported_words[i]; i++)
            if (rx_is_word(p, rx_unsupported_words[i]))
                return rx_unsupported(p, off, w, word.len);
        if ((rc = rx_next(p)) != 0)
            return rc;
        if (rx_is_op(p, "("))
            return rx_parse_function(out, p, w, word.len, off);
        for (int i = 0; rx_operator_words[i]; i++)
            if (rx_name_eq(w, word.len, rx_operator_words[i]))
                return rx_syntax(p, off, "expected an operand");
        if ((rx_name_eq(w, word.len, "DATE") || rx_name_eq(w, word.len, "TIME") ||
             rx_name_eq(w, word.len, "TIMESTAMP")) &&
            p->tok.kind == SQL_TOK_STRING)
            return rx_unsupported_s(p, off, "a typed literal (DATE/TIME/TIMESTAMP '...')");
    } else if ((rc = rx_next(p)) != 0) {
        return rc;
    }
    // Column reference: name, t.name or db.t.name (the qualifiers are ignored). The current
    // token is the one after the first name.
    {
        sql_token last = p->tok;
        int parts = 1;
        size_t name_off = off;
        while (rx_is_op(p, ".") && !p->tok.gap_before) {
            if ((rc = rx_next(p)) != 0)
                return rc;
            if ((p->tok.kind != SQL_TOK_IDENT && p->tok.kind != SQL_TOK_QIDENT) || ++parts > 3)
                return rx_syntax(p, p->tok.off, "expected a column name after '.'");
            name_off = p->tok.off;
            last = p->tok;
            if ((rc = rx_next(p)) != 0)
                return rc;
        }
        if (rx_is_op(p, "("))
            return rx_syntax(p, p->tok.off, "unexpected '(' after a column name");
        if ((rc = rx_node_new(&n, p, RX_COL, off)) != 0)
            return rc;
        {
            // Decode the last name part: re-lex it from its offset.
            sql_lex sub;
            sql_token nt;
            sql_lex_init(&sub, p->e->text, p->e->text_len, 0, 0);
            sub.pos = name_off;
            if ((rc = sql_lex_next(&nt, &sub, NULL)) != 0)
                return rx_syntax(p, name_off, "bad column name");
            dm_buf_reset(&p->scratch);
            if (sql_lex_decode(&p->scratch, &sub, &nt) != 0)
                return rx_nomem(p->err);
            (void)last;
        }
        if (p->scratch.len == 0)
            return rx_syntax(p, off, "empty column name");
        if ((rc = rx_add_column(&n->col, p, p->scratch.data, p->scratch.len)) != 0)
            return rc;
        *out = n;
        return 0;
    }
}

static int rx_parse_unary(rx_node **out, rx_parser *p)
{
    int rc;
    size_t off = p->tok.off;
    uint8_t type;
    rx_node *n, *kid;
    if (rx_is_op(p, "-"))
        type = RX_NEG;
    else if (rx_is_op(p, "~"))
        type = RX_BITNOT;
    else if (rx_is_op(p, "!"))
        type = RX_NOT;
    else if (rx_is_op(p, "+"))
        type = RX_LIT; // unary plus: no node
    else {
        if ((rc = rx_parse_primary(out, p)) != 0)
            return rc;
        if (rx_is_word(p, "COLLATE"))
            return rx_unsupported_s(p, p->tok.off, "COLLATE");
        if (rx_is_op(p, "->") || rx_is_op(p, "->>"))
            return rx_unsupported_s(p, p->tok.off, "JSON operator ->/->>");
        return 0;
    }
    if ((rc = rx_enter(p)) != 0 || (rc = rx_next(p)) != 0 || (rc = rx_parse_unary(&kid, p)) != 0)
        return rc;
    p->depth--;
    if (type == RX_LIT) {
        *out = kid;
        return 0;
    }
    if ((rc = rx_node_new(&n, p, type, off)) != 0 || (rc = rx_add_kid(p, n, kid)) != 0)
        return rc;
    *out = n;
    return 0;
}

// Binary levels from the bit-xor level up to bit-or: each entry names its operators.
typedef struct rx_binop {
    const char *tok; // operator text or word
    bool word;
    uint8_t op;
} rx_binop;

static const rx_binop rx_lvl_bxor[] = {{"^", false, AR_BXOR}, {NULL, false, 0}};
static const rx_binop rx_lvl_mul[] = {{"*", false, AR_MUL}, {"/", false, AR_DIV},
                                      {"DIV", true, AR_IDIV}, {"%", false, AR_MOD},
                                      {"MOD", true, AR_MOD},  {NULL, false, 0}};
static const rx_binop rx_lvl_add[] = {{"+", false, AR_ADD}, {"-", false, AR_SUB}, {NULL, false, 0}};
static const rx_binop rx_lvl_shift[] = {{"<<", false, AR_SHL}, {">>", false, AR_SHR}, {NULL, false, 0}};
static const rx_binop rx_lvl_band[] = {{"&", false, AR_BAND}, {NULL, false, 0}};
static const rx_binop rx_lvl_bor[] = {{"|", false, AR_BOR}, {NULL, false, 0}};
static const rx_binop *const rx_levels[] = {rx_lvl_bor, rx_lvl_band, rx_lvl_shift, rx_lvl_add,
                                            rx_lvl_mul, rx_lvl_bxor};
#define RX_N_LEVELS ((int)(sizeof(rx_levels) / sizeof(rx_levels[0])))

static int rx_parse_level(rx_node **out, rx_parser *p, int level)
{
    int rc;
    rx_node *left, *right;
    if (level == RX_N_LEVELS)
        return rx_parse_unary(out, p);
    if ((rc = rx_parse_level(&left, p, level + 1)) != 0)
        return rc;
    for (;;) {
        const rx_binop *b = rx_levels[level];
        while (b->tok && !(b->word ? rx_is_word(p, b->tok) : rx_is_op(p, b->tok)))
            b++;
        if (!b->tok)
            break;
        if ((rc = rx_next(p)) != 0 || (rc = rx_parse_level(&right, p, level + 1)) != 0)
            return rc;
        if ((rc = rx_binary(&left, p, RX_ARITH, b->op, left, right)) != 0)
            return rc;
    }
    *out = left;
    return 0;
}

static int rx_parse_bitor(rx_node **out, rx_parser *p)
{
    return rx_parse_level(out, p, 0);
}

static int rx_cmp_op(rx_parser *p)
{
    static const struct {
        const char *op;
        int cmp;
    } ops[] = {{"=", CMP_EQ}, {"<=>", CMP_NSEQ}, {"<>", CMP_NE}, {"!=", CMP_NE}, {"<", CMP_LT},
               {"<=", CMP_LE}, {">", CMP_GT},    {">=", CMP_GE}};
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (rx_is_op(p, ops[i].op))
            return ops[i].cmp;
    return -1;
}

// rx_parse_predicate: bit_expr followed by comparisons, IS, [NOT] BETWEEN/IN/LIKE.
static int rx_parse_predicate(rx_node **out, rx_parser *p)
{
    int rc, cmp;
    rx_node *left, *right, *n;
    if ((rc = rx_parse_bitor(&left, p)) != 0)
        return rc;
    for (;;) {
        size_t off = p->tok.off;
        bool neg = false;
        if ((cmp = rx_cmp_op(p)) >= 0) {
            if ((rc = rx_next(p)) != 0)
                return rc;
            if (rx_is_word(p, "ANY") || rx_is_word(p, "SOME") || rx_is_word(p, "ALL"))
                return rx_unsupported_s(p, p->tok.off, "a subquery comparison (ANY/SOME/ALL)");
            if ((rc = rx_parse_bitor(&right, p)) != 0)
                return rc;
            if ((rc = rx_binary(&left, p, RX_CMP, (uint8_t)cmp, left, right)) != 0)
                return rc;
            continue;
        }
        if (rx_is_word(p, "IS")) {
            if ((rc = rx_next(p)) != 0)
                return rc;
            if (rx_is_word(p, "NOT")) {
                neg = true;
                if ((rc = rx_next(p)) != 0)
                    return rc;
            }
            uint8_t what;
            if (rx_is_word(p, "NULL") || rx_is_word(p, "UNKNOWN"))
                what = IS_NULL;
            else if (rx_is_word(p, "TRUE"))
                what = IS_TRUE;
            else if (rx_is_word(p, "FALSE"))
                what = IS_FALSE;
            else
                return rx_syntax(p, p->tok.off, "expected NULL, TRUE, FALSE or UNKNOWN after IS");
            if ((rc = rx_next(p)) != 0 || (rc = rx_node_new(&n, p, RX_IS, left->off)) != 0)
                return rc;
            n->op = what;
            n->negated = neg;
            if ((rc = rx_add_kid(p, n, left)) != 0)
                return rc;
            left = n;
            continue;
        }
        if (rx_is_word(p, "NOT")) {
            // NOT here only as part of NOT BETWEEN/IN/LIKE; otherwise it ends the predicate.
            sql_lex save_lx = p->lx;
            sql_token save_tok = p->tok;
            if ((rc = rx_next(p)) != 0)
                return rc;
            if (!rx_is_word(p, "BETWEEN") && !rx_is_word(p, "IN") && !rx_is_word(p, "LIKE") &&
                !rx_is_word(p, "REGEXP") && !rx_is_word(p, "RLIKE")) {
                p->lx = save_lx;
                p->tok = save_tok;
                break;
            }
            neg = true;
        }
        if (rx_is_word(p, "REGEXP") || rx_is_word(p, "RLIKE") || rx_is_word(p, "SOUNDS") ||
            rx_is_word(p, "MEMBER"))
            return rx_unsupported(p, p->tok.off, p->e->text + p->tok.off, p->tok.len);
        if (rx_is_word(p, "BETWEEN")) {
            rx_node *lo, *hi;
            if ((rc = rx_next(p)) != 0 || (rc = rx_parse_bitor(&lo, p)) != 0)
                return rc;
            if (!rx_is_word(p, "AND"))
                return rx_syntax(p, p->tok.off, "expected AND in BETWEEN");
            if ((rc = rx_next(p)) != 0 || (rc = rx_parse_bitor(&hi, p)) != 0)
                return rc;
            if ((rc = rx_node_new(&n, p, RX_BETWEEN, left->off)) != 0 ||
                (rc = rx_add_kid(p, n, left)) != 0 || (rc = rx_add_kid(p, n, lo)) != 0 ||
                (rc = rx_add_kid(p, n, hi)) != 0)
                return rc;
            n->negated = neg;
            left = n;
            continue;
        }
        if (rx_is_word(p, "IN")) {
            if ((rc = rx_next(p)) != 0)
                return rc;
            if (!rx_is_op(p, "("))
                return rx_syntax(p, p->tok.off, "expected '(' after IN");
            if ((rc = rx_next(p)) != 0)
                return rc;
            if (rx_is_word(p, "SELECT"))
                return rx_unsupported_s(p, p->tok.off, "a subquery");
            if ((rc = rx_node_new(&n, p, RX_IN, left->off)) != 0 || (rc = rx_add_kid(p, n, left)) != 0)
                return rc;
            n->negated = neg;
            for (;;) {
                rx_node *item;
                if ((rc = rx_parse_expr(&item, p)) != 0 || (rc = rx_add_kid(p, n, item)) != 0)
                    return rc;
                if (!rx_is_op(p, ","))
                    break;
                if ((rc = rx_next(p)) != 0)
                    return rc;
            }
            if ((rc = rx_expect(p, ")")) != 0)
                return rc;
            left = n;
            continue;
        }
        if (rx_is_word(p, "LIKE")) {
            rx_node *pat;
            if ((rc = rx_next(p)) != 0 || (rc = rx_parse_bitor(&pat, p)) != 0)
                return rc;
            if ((rc = rx_node_new(&n, p, RX_LIKE, left->off)) != 0 ||
                (rc = rx_add_kid(p, n, left)) != 0 || (rc = rx_add_kid(p, n, pat)) != 0)
                return rc;
            n->negated = neg;
            if (rx_is_word(p, "ESCAPE")) {
                size_t eoff;
                if ((rc = rx_next(p)) != 0)
                    return rc;
                eoff = p->tok.off;
                if (p->tok.kind != SQL_TOK_STRING)
                    return rx_unsupported_s(p, eoff, "an ESCAPE that is not a string literal");
                rx_node *esc;
                if ((rc = rx_parse_string(&esc, p)) != 0)
                    return rc;
                if (esc->lit.len > 1)
                    return rx_syntax(p, eoff, "ESCAPE needs a single character");
                if ((rc = rx_add_kid(p, n, esc)) != 0)
                    return rc;
            }
            left = n;
            continue;
        }
        if (neg)
            return rx_syntax(p, off, "expected BETWEEN, IN or LIKE after NOT");
        break;
    }
    *out = left;
    return 0;
}

static int rx_parse_not(rx_node **out, rx_parser *p)
{
    int rc;
    rx_node *kid, *n;
    size_t off = p->tok.off;
    if (!rx_is_word(p, "NOT"))
        return rx_parse_predicate(out, p);
    if ((rc = rx_enter(p)) != 0 || (rc = rx_next(p)) != 0 || (rc = rx_parse_not(&kid, p)) != 0)
        return rc;
    p->depth--;
    if ((rc = rx_node_new(&n, p, RX_NOT, off)) != 0 || (rc = rx_add_kid(p, n, kid)) != 0)
        return rc;
    *out = n;
    return 0;
}

// rx_parse_chain parses the n-ary AND / XOR / OR levels (level 0 = OR).
static int rx_parse_chain(rx_node **out, rx_parser *p, int level)
{
    static const uint8_t types[] = {RX_OR, RX_XOR, RX_AND};
    int rc;
    rx_node *first, *n = NULL, *kid;
    if ((rc = level == 2 ? rx_parse_not(&first, p) : rx_parse_chain(&first, p, level + 1)) != 0)
        return rc;
    for (;;) {
        bool match = level == 0   ? (rx_is_word(p, "OR") || rx_is_op(p, "||"))
                     : level == 1 ? rx_is_word(p, "XOR")
                                  : (rx_is_word(p, "AND") || rx_is_op(p, "&&"));
        if (!match)
            break;
        if (!n) {
            if ((rc = rx_node_new(&n, p, types[level], first->off)) != 0 ||
                (rc = rx_add_kid(p, n, first)) != 0)
                return rc;
        }
        if ((rc = rx_next(p)) != 0)
            return rc;
        if ((rc = level == 2 ? rx_parse_not(&kid, p) : rx_parse_chain(&kid, p, level + 1)) != 0)
            return rc;
        if ((rc = rx_add_kid(p, n, kid)) != 0)
            return rc;
    }
    *out = n ? n : first;
    return 0;
}

static int rx_parse_expr(rx_node **out, rx_parser *p)
{
    int rc;
    if ((rc = rx_enter(p)) != 0)
        return rc;
    if ((rc = rx_parse_chain(out, p, 0)) != 0)
        return rc;
    if (rx_is_op(p, ":="))
        return rx_unsupported_s(p, p->tok.off, "assignment :=");
    p->depth--;
    return 0;
}

void row_expr_destroy(row_expr *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n_nodes; i++) {
        free(e->nodes[i]->kids);
        free(e->nodes[i]->owned);
        free(e->nodes[i]);
    }
    free(e->nodes);
    for (size_t i = 0; i < e->n_cols; i++) {
        free(e->cols[i].name);
        free(e->cols[i].members);
        free(e->cols[i].member_bytes);
    }
    free(e->cols);
    free(e->text);
    free(e);
}

int row_expr_parse(row_expr **out, const char *text, size_t len, dm_err *err)
{
    int rc = 0;
    row_expr *e = NULL;
    rx_parser p;
    memset(&p, 0, sizeof(p));
    dm_buf_init(&p.scratch);
    if (!out || (!text && len)) {
        rc = dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                        "row_expr_parse: out and text must not be NULL");
        goto done;
    }
    *out = NULL;
    if (len > ROW_EXPR_MAX_TEXT) {
        rc = dm_err_set(err, ROW_EXPR_ERR_TOO_LARGE, DM_ERR_SCOPE_INTERNAL,
                        "expression of %zu bytes is longer than the %u-byte limit", len,
                        ROW_EXPR_MAX_TEXT);
        goto done;
    }
    if (!(e = calloc(1, sizeof(*e))) || !(e->text = malloc(len + 1))) {
        rc = rx_nomem(err);
        goto done;
    }
    if (len)
        memcpy(e->text, text, len);
    e->text[len] = '\0';
    e->text_len = len;
    p.e = e;
    p.err = err;
    if (memchr(e->text, '\0', len)) {
        rc = rx_syntax(&p, (size_t)((const char *)memchr(e->text, '\0', len) - e->text),
                       "NUL byte");
        goto done;
    }
    sql_lex_init(&p.lx, e->text, len, 0, 0);
    if ((rc = rx_next(&p)) != 0)
        goto done;
    if (p.tok.kind == SQL_TOK_EOF) {
        rc = rx_syntax(&p, 0, "empty expression");
        goto done;
    }
    if ((rc = rx_parse_expr(&e->root, &p)) != 0)
        goto done;
    if (p.tok.kind != SQL_TOK_EOF) {
        rc = rx_syntax(&p, p.tok.off, "unexpected text");
        goto done;
    }
done:
    dm_buf_fini(&p.scratch);
    if (rc) {
        row_expr_destroy(e);
        return rc;
    }
    *out = e;
    return 0;
}

const char *row_expr_text(const row_expr *e)
{
    return e->text;
}

size_t row_expr_column_count(const row_expr *e)
{
    return e->n_cols;
}

const char *row_expr_column_name(const row_expr *e, size_t i)
{
    return i < e->n_cols ? e->cols[i].name : NULL;
}

int row_expr_bind(row_expr *e, const char *const *names, size_t n, dm_err *err)
{
    size_t min_vals = 0;
    if (!e || (n && !names))
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "row_expr_bind: expression and names must not be NULL");
    e->bound = false;
    for (size_t c = 0; c < e->n_cols; c++) {
        free(e->cols[c].members);
        free(e->cols[c].member_bytes);
        e->cols[c].members = NULL;
        e->cols[c].member_bytes = NULL;
        e->cols[c].n_members = 0;
    }
    for (size_t c = 0; c < e->n_cols; c++) {
        size_t i;
        for (i = 0; i < n; i++)
            if (names[i] && rx_name_eq(e->cols[c].name, strlen(e->cols[c].name), names[i]))
                break;
        if (i == n)
            return dm_err_set(err, ROW_EXPR_ERR_COLUMN, DM_ERR_SCOPE_INTERNAL,
                              "expression '%.*s': unknown column `%s` (the table has %zu columns)",
                              rx_text_len(e), e->text, e->cols[c].name, n);
        e->cols[c].index = i;
        if (i + 1 > min_vals)
            min_vals = i + 1;
    }
    e->min_vals = min_vals;
    e->bound = true;
    return 0;
}

int row_expr_bind_members(row_expr *e, size_t col, const binlog_str *members, size_t n,
                          dm_err *err)
{
    if (!e || !e->bound || (n && !members))
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "row_expr_bind_members: the expression must be bound first");
    for (size_t c = 0; c < e->n_cols; c++) {
        rx_col *rc = &e->cols[c];
        size_t total = 0, off = 0;
        if (rc->index != col)
            continue;
        for (size_t i = 0; i < n; i++)
            total += members[i].len;
        binlog_str *m = calloc(n ? n : 1, sizeof(*m));
        char *bytes = malloc(total ? total : 1);
        if (!m || !bytes) {
            free(m);
            free(bytes);
            return rx_nomem(err);
        }
        for (size_t i = 0; i < n; i++) {
            if (members[i].len)
                memcpy(bytes + off, members[i].ptr, members[i].len);
            m[i].ptr = bytes + off;
            m[i].len = members[i].len;
            off += members[i].len;
        }
        free(rc->members);
        free(rc->member_bytes);
        rc->members = m;
        rc->member_bytes = bytes;
        rc->n_members = n;
    }
    return 0;
}

// ---------------------------------------------------------------------------------------
// Evaluation

typedef struct rx_chunk {
    struct rx_chunk *next;
    char data[];
} rx_chunk;

typedef struct rx_ctx {
    const row_expr *e;
    const binlog_value *vals;
    dm_err *err;
    rx_chunk *chunks;
    size_t arena_bytes;
} rx_ctx;

static int rx_alloc(char **out, rx_ctx *c, size_t n)
{
    rx_chunk *k;
    *out = NULL;
    if (n > RX_ARENA_MAX || c->arena_bytes + n > RX_ARENA_MAX)
        return dm_err_set(c->err, ROW_EXPR_ERR_EVAL, DM_ERR_SCOPE_INTERNAL,
                          "expression '%.*s': string results exceed %u bytes", rx_text_len(c->e),
                          c->e->text, RX_ARENA_MAX);
    if (!(k = malloc(sizeof(*k) + n + 1)))
        return rx_nomem(c->err);
    k->next = c->chunks;
    c->chunks = k;
    c->arena_bytes += n;
    *out = k->data;
    return 0;
}

static int rx_eval_err(rx_ctx *c, const char *fmt, const char *arg)
{
    return dm_err_set(c->err, ROW_EXPR_ERR_EVAL, DM_ERR_SCOPE_INTERNAL,
                      "expression '%.*s': %s%s", rx_text_len(c->e), c->e->text, fmt, arg);
}

static int rx_col_err(rx_ctx *c, size_t slot, const char *why)
{
    return dm_err_set(c->err, ROW_EXPR_ERR_EVAL, DM_ERR_SCOPE_INTERNAL,
                      "expression '%.*s': column `%s` %s", rx_text_len(c->e), c->e->text,
                      c->e->cols[slot].name, why);
}

static int rx_range_err(rx_ctx *c)
{
    return rx_eval_err(c, "BIGINT value is out of range", "");
}


// rx_member_names sets the name of ENUM value v->m (0: the error value '') or the
// comma-separated names of the members in SET bitmask v->m, from the bound member list.
static int rx_member_names(rx_val *v, rx_ctx *c, size_t slot, bool is_set)
{
    const rx_col *col = &c->e->cols[slot];
    uint64_t u = (uint64_t)v->m;
    size_t total = 0, o = 0;
    char *buf;
    int rc;
    if (!is_set) {
        if (u > col->n_members)
            return rx_col_err(c, slot, "holds an ENUM index beyond its member list");
        v->s = u ? col->members[u - 1].ptr : "";
        v->len = u ? col->members[u - 1].len : 0;
        v->named = true;
        return 0;
    }
    for (size_t i = 0; i < 64; i++)
        if (u >> i & 1) {
            if (i >= col->n_members)
                return rx_col_err(c, slot, "holds a SET bit beyond its member list");
            total += col->members[i].len + 1;
        }
    if ((rc = rx_alloc(&buf, c, total)) != 0)
        return rc;
    for (size_t i = 0; i < 64; i++)
        if (u >> i & 1) {
            if (o)
                buf[o++] = ',';
            memcpy(buf + o, col->members[i].ptr, col->members[i].len);
            o += col->members[i].len;
        }
    v->s = buf;
    v->len = o;
    v->named = true;
    return 0;
}

// rx_load_column turns the row's value of column slot into an rx_val.
static int rx_load_column(rx_val *out, rx_ctx *c, size_t slot)
{
    const binlog_value *v = &c->vals[c->e->cols[slot].index];
    switch (v->kind) {
    case BINLOG_VALUE_ABSENT:
        return rx_col_err(c, slot, "is absent from the row image (binlog_row_image is not FULL?)");
    case BINLOG_VALUE_JSON_DIFF:
        return rx_col_err(c, slot, "holds a partial JSON update, whose full value is unknown");
    case BINLOG_VALUE_GEOMETRY:
        return rx_col_err(c, slot, "is a GEOMETRY value, which expressions cannot evaluate");
    case BINLOG_VALUE_NULL:
        rx_set_null(out);
        return 0;
    case BINLOG_VALUE_INT:
        rx_set_int(out, v->i);
        return 0;
    case BINLOG_VALUE_UINT:
    case BINLOG_VALUE_BIT:
        rx_set_int(out, v->u);
        out->uns = true;
        if (v->kind == BINLOG_VALUE_BIT)
            out->bits = v->bits ? (v->bits > 64 ? 64 : v->bits) : 64;
        return 0;
    case BINLOG_VALUE_FLOAT:
    case BINLOG_VALUE_DOUBLE:
        rx_set_double(out, v->d);
        out->flt = v->kind == BINLOG_VALUE_FLOAT;
        return 0;
    case BINLOG_VALUE_DECIMAL:
        if (!rx_parse_exact(out, v->str.ptr, v->str.len))
            rx_set_double(out, rx_str_to_double(v->str.ptr, v->str.len));
        else
            out->is_dec = true;
        return 0;
    case BINLOG_VALUE_TEMPORAL:
        if (v->t.kind == BINLOG_TEMPORAL_YEAR) {
            rx_set_int(out, v->t.year);
            return 0;
        }
        memset(out, 0, sizeof(*out));
        out->kind = RXV_TEMPORAL;
        out->col = -1;
        out->t = v->t;
        return 0;
    case BINLOG_VALUE_STRING: {
        // 63 = binary; known *_bin collations are case-sensitive; everything else as *_ci.
        static const uint32_t bin_colls[] = {46, 47, 65, 83, 84, 87, 309};
        uint8_t coll = RXC_CI;
        if (v->charset == 63)
            coll = RXC_BINARY;
        for (size_t i = 0; i < sizeof(bin_colls) / sizeof(bin_colls[0]); i++)
            if (v->charset == bin_colls[i])
                coll = RXC_CS;
        rx_set_str(out, v->str.ptr ? v->str.ptr : "", v->str.len, coll);
        return 0;
    }
    case BINLOG_VALUE_JSON:
        rx_set_str(out, v->str.ptr ? v->str.ptr : "", v->str.len, RXC_CS);
        return 0;
    case BINLOG_VALUE_ENUM:
    case BINLOG_VALUE_SET:
        memset(out, 0, sizeof(*out));
        out->kind = RXV_INDEX;
        out->m = v->u;
        out->col = (int)slot;
        if (c->e->cols[slot].members)
            return rx_member_names(out, c, slot, v->kind == BINLOG_VALUE_SET);
        return 0;
    }
    return rx_col_err(c, slot, "has a value kind this module does not know");
}

static int rx_index_as_string(rx_ctx *c, const rx_val *v)
{
    return rx_col_err(c, (size_t)v->col,
                      "is an ENUM or SET whose member names are not known (the binlog row "
                      "lacks them and none were bound): compare it to numbers (ENUM index, "
                      "SET bitmask) instead of strings");
}

// rx_to_numeric converts v (not NULL) to EXACT or DOUBLE in *out.
static void rx_to_numeric(rx_val *out, const rx_val *v)
{
    switch (v->kind) {
    case RXV_STRING:
        if (v->hex) {
            rx_set_int(out, rx_hex_value(v));
            out->uns = true;
        } else
            rx_set_double(out, rx_str_to_double(v->s, v->len));
        return;
    case RXV_TEMPORAL:
        rx_temporal_number(out, &v->t);
        return;
    case RXV_INDEX:
        rx_set_int(out, v->m);
        out->uns = true;
        return;
    default:
        // A number computed from a BIT or FLOAT column is a plain BIGINT/DOUBLE.
        *out = *v;
        out->bits = 0;
        out->flt = false;
        return;
    }
}

// rx_truth: -1 NULL, 0 false, 1 true.
static int rx_truth(const rx_val *v)
{
    rx_val n;
    if (v->kind == RXV_NULL)
        return -1;
    rx_to_numeric(&n, v);
    if (n.kind == RXV_EXACT)
        return n.m != 0;
    return n.d != 0.0;
}

static size_t rx_i128_text(char *buf, rx_i128 m, int scale)
{
    char tmp[64];
    size_t n = 0, o = 0;
    bool neg = m < 0;
    rx_u128 u = neg ? (rx_u128)0 - (rx_u128)m : (rx_u128)m;
    do {
        tmp[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    while ((int)n <= scale)
        tmp[n++] = '0';
    if (neg)
        buf[o++] = '-';
    while (n > 0) {
        if ((int)n == scale)
            buf[o++] = '.';
        buf[o++] = tmp[--n];
    }
    return o;
}

// rx_double_text renders d as MySQL does: the shortest digits that read back as the same
// double (float for a FLOAT column), fixed notation unless the decimal exponent is >= 15 or
// < -15, then "1.5e20" / "1e-20". buf holds at least 400 bytes.
static size_t rx_double_text(char *buf, size_t size, double d, bool is_float)
{
    char e[40], mant[24];
    int p, exp10;
    size_t m = 0;
    if (d == 0.0 || !isfinite(d)) {
        buf[0] = '0';
        buf[1] = '\0';
        return 1;
    }
    for (p = 1; p <= 17; p++) {
        snprintf(e, sizeof(e), "%.*e", p - 1, d);
        double back = strtod(e, NULL);
        if (is_float ? (float)back == (float)d : back == d)
            break;
    }
    if (p > 17)
        p = 17;
    // e is "-d.ddde+XX": collect the digits and the exponent.
    const char *q = e;
    bool neg = *q == '-';
    if (neg)
        q++;
    for (; *q && *q != 'e'; q++)
        if (*q != '.')
            mant[m++] = *q;
    exp10 = atoi(q + 1);
    while (m > 1 && mant[m - 1] == '0')
        m--;
    if (exp10 >= 15 || exp10 < -15) {
        size_t o = 0;
        if (neg)
            buf[o++] = '-';
        buf[o++] = mant[0];
        if (m > 1) {
            buf[o++] = '.';
            memcpy(buf + o, mant + 1, m - 1);
            o += m - 1;
        }
        return o + (size_t)snprintf(buf + o, size - o, "e%d", exp10);
    }
    int decimals = (int)m - 1 - exp10;
    return (size_t)snprintf(buf, size, "%.*f", decimals > 0 ? decimals : 0, d);
}

// rx_to_string gives v (not NULL) as bytes; numbers and temporals are rendered into the arena.
static int rx_to_string(rx_val *out, rx_ctx *c, const rx_val *v)
{
    int rc;
    char *buf = NULL;
    size_t n = 0;
    if (v->kind == RXV_STRING) {
        *out = *v;
        return 0;
    }
    if (v->kind == RXV_INDEX) {
        if (!v->named)
            return rx_index_as_string(c, v);
        rx_set_str(out, v->s, v->len, RXC_CI);
        return 0;
    }
    if ((rc = rx_alloc(&buf, c, 400)) != 0)
        return rc;
    if (v->kind == RXV_EXACT && v->bits) {
        // BIT(n) in string context: its (n+7)/8 bytes, big-endian, as a binary string.
        n = (size_t)(v->bits + 7) / 8;
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)(uint8_t)(v->m >> (8 * (n - 1 - i)));
        rx_set_str(out, buf, n, RXC_BINARY);
        return 0;
    }
    if (v->kind == RXV_EXACT)
        n = rx_i128_text(buf, v->m, v->scale);
    else if (v->kind == RXV_DOUBLE)
        n = rx_double_text(buf, 400, v->d, v->flt);
    else
        n = rx_temporal_render(buf, &v->t);
    rx_set_str(out, buf, n, RXC_CI);
    return 0;
}

// rx_strcmp compares two strings under collation class coll (PAD SPACE unless binary).
static int rx_strcmp(const char *a, size_t alen, const char *b, size_t blen, uint8_t coll)
{
    size_t n = alen < blen ? alen : blen, i;
    for (i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (coll == RXC_CI) {
            x = (unsigned char)rx_lower((char)x);
            y = (unsigned char)rx_lower((char)y);
        }
        if (x != y)
            return x < y ? -1 : 1;
    }
    if (coll == RXC_BINARY)
        return alen < blen ? -1 : alen > blen;
    for (; i < alen; i++)
        if ((unsigned char)a[i] != ' ')
            return (unsigned char)a[i] < ' ' ? -1 : 1;
    for (; i < blen; i++)
        if ((unsigned char)b[i] != ' ')
            return (unsigned char)b[i] < ' ' ? 1 : -1;
    return 0;
}

static int rx_exact_cmp(const rx_val *a, const rx_val *b, bool *ok)
{
    rx_i128 x = a->m, y = b->m;
    *ok = true;
    if (a->scale < b->scale)
        *ok = rx_rescale(&x, b->scale - a->scale);
    else if (b->scale < a->scale)
        *ok = rx_rescale(&y, a->scale - b->scale);
    return x < y ? -1 : x > y;
}

static int rx_double_cmp(double x, double y)
{
    return x < y ? -1 : x > y;
}

// rx_compare orders a and b (both non-NULL) by MySQL's comparison type rules.
static int rx_compare(int *out, rx_ctx *c, const rx_val *a, const rx_val *b)
{
    rx_val x, y, sa, sb;
    bool ok;
    int rc;
    // An ENUM/SET against a string, a temporal or another ENUM/SET compares by name.
    if (a->kind == RXV_INDEX && (b->kind == RXV_INDEX || (b->kind == RXV_STRING && !b->hex) ||
                                 b->kind == RXV_TEMPORAL)) {
        if ((rc = rx_to_string(&sa, c, a)) != 0)
            return rc;
        a = &sa;
    }
    if (b->kind == RXV_INDEX && ((a->kind == RXV_STRING && !a->hex) || a->kind == RXV_TEMPORAL)) {
        if ((rc = rx_to_string(&sb, c, b)) != 0)
            return rc;
        b = &sb;
    }
    if (a->kind == RXV_STRING && b->kind == RXV_STRING) {
        uint8_t coll = a->coll > b->coll ? a->coll : b->coll;
        *out = rx_strcmp(a->s, a->len, b->s, b->len, coll);
        return 0;
    }
    if (a->kind == RXV_TEMPORAL || b->kind == RXV_TEMPORAL) {
        const rx_val *t = a->kind == RXV_TEMPORAL ? a : b, *o = t == a ? b : a;
        int sign = t == a ? 1 : -1;
        binlog_temporal parsed;
        if (o->kind == RXV_TEMPORAL) {
            if (rx_is_datelike(&t->t) == rx_is_datelike(&o->t)) {
                *out = rx_temporal_cmp(&a->t, &b->t);
                return 0;
            }
        } else if (o->kind == RXV_STRING && !o->hex) {
            bool parsed_ok = rx_is_datelike(&t->t) ? rx_parse_datetime(&parsed, o->s, o->len)
                                                   : rx_parse_time(&parsed, o->s, o->len);
            if (parsed_ok) {
                *out = sign * rx_temporal_cmp(&t->t, &parsed);
                return 0;
            }
            rx_val ts;
            if ((rc = rx_to_string(&ts, c, t)) != 0)
                return rc;
            *out = sign * rx_strcmp(ts.s, ts.len, o->s, o->len, o->coll);
            return 0;
        } else if (o->kind == RXV_EXACT && o->m >= 0 && rx_is_datelike(&t->t)) {
            // A number that reads as YYYYMMDD[HHMMSS[.ffffff]] is a date, as MySQL converts
            // it (a fraction counts only after a time of day).
            char digits[48];
            size_t nd = rx_i128_text(digits, o->m, o->scale), dot = nd;
            for (size_t k = 0; k < nd; k++)
                if (digits[k] == '.')
                    dot = k;
            if (dot != 14)
                nd = dot;
            if (rx_parse_datetime(&parsed, digits, nd)) {
                *out = sign * rx_temporal_cmp(&t->t, &parsed);
                return 0;
            }
        }
    }
    rx_to_numeric(&x, a);
    rx_to_numeric(&y, b);
    if (x.kind == RXV_EXACT && y.kind == RXV_EXACT) {
        *out = rx_exact_cmp(&x, &y, &ok);
        if (ok)
            return 0;
    }
    *out = rx_double_cmp(x.kind == RXV_EXACT ? rx_exact_to_double(&x) : x.d,
                         y.kind == RXV_EXACT ? rx_exact_to_double(&y) : y.d);
    return 0;
}

static int rx_eval(rx_val *out, rx_ctx *c, const rx_node *n);

static void rx_set_bool(rx_val *out, int truth)
{
    if (truth < 0)
        rx_set_null(out);
    else
        rx_set_int(out, truth);
}

static bool rx_cmp_result(int op, int cmp)
{
    switch (op) {
    case CMP_EQ:
    case CMP_NSEQ:
        return cmp == 0;
    case CMP_NE:
        return cmp != 0;
    case CMP_LT:
        return cmp < 0;
    case CMP_LE:
        return cmp <= 0;
    case CMP_GT:
        return cmp > 0;
    default:
        return cmp >= 0;
    }
}

// rx_exact_done checks an EXACT integer result against the BIGINT [UNSIGNED] range.
static int rx_exact_done(rx_val *out, rx_ctx *c)
{
    if (out->is_dec)
        return 0;
    if (out->uns ? (out->m < 0 || out->m > RX_U64_MAX)
                 : (out->m < RX_I64_MIN || out->m > (rx_i128)INT64_MAX))
        return dm_err_set(c->err, ROW_EXPR_ERR_EVAL, DM_ERR_SCOPE_INTERNAL,
                          "expression '%.*s': BIGINT%s value is out of range", rx_text_len(c->e),
                          c->e->text, out->uns ? " UNSIGNED" : "");
    return 0;
}

// rx_round_int rounds the decimal m / 10^scale half away from zero to an integer.
static rx_i128 rx_round_int(rx_i128 m, int scale)
{
    rx_i128 p = 1, q, r;
    if (scale == 0)
        return m;
    rx_pow10(&p, scale);
    q = m / p;
    r = m % p;
    if (2 * (r < 0 ? -r : r) >= p)
        q += m < 0 ? -1 : 1;
    return q;
}

static uint64_t rx_to_u64(const rx_val *v)
{
    rx_val n;
    rx_to_numeric(&n, v);
    if (n.kind == RXV_EXACT) {
        rx_i128 m = rx_round_int(n.m, n.scale);
        if (m < RX_I64_MIN)
            return (uint64_t)INT64_MIN;
        if (m > RX_U64_MAX)
            return UINT64_MAX;
        return (uint64_t)m;
    }
    double d = rint(n.d);
    if (d != d)
        return 0;
    if (d <= -9223372036854775808.0)
        return (uint64_t)INT64_MIN;
    if (d >= 18446744073709551616.0)
        return UINT64_MAX;
    if (d < 0)
        return (uint64_t)(int64_t)d;
    return (uint64_t)d;
}

static int rx_arith(rx_val *out, rx_ctx *c, int op, const rx_val *a, const rx_val *b)
{
    rx_val x, y;
    if (a->kind == RXV_NULL || b->kind == RXV_NULL) {
        rx_set_null(out);
        return 0;
    }
    if (op >= AR_BOR) {
        uint64_t u = rx_to_u64(a), v = rx_to_u64(b), r;
        switch (op) {
        case AR_BOR: r = u | v; break;
        case AR_BAND: r = u & v; break;
        case AR_BXOR: r = u ^ v; break;
        case AR_SHL: r = v >= 64 ? 0 : u << v; break;
        default: r = v >= 64 ? 0 : u >> v; break;
        }
        rx_set_int(out, r);
        out->uns = true;
        return 0;
    }
    rx_to_numeric(&x, a);
    rx_to_numeric(&y, b);
    if (x.kind == RXV_EXACT && y.kind == RXV_EXACT) {
        rx_i128 p = x.m, q = y.m, r;
        int scale = x.scale > y.scale ? x.scale : y.scale;
        bool dec = x.is_dec || y.is_dec, ok = true, uns = x.uns || y.uns;
        if (op == AR_MUL) {
            scale = x.scale + y.scale;
            if (scale <= 38 && !__builtin_mul_overflow(p, q, &r)) {
                rx_set_int(out, r);
                out->scale = (uint8_t)scale;
                out->is_dec = dec;
                out->uns = uns;
                return rx_exact_done(out, c);
            }
            if (!dec)
                return rx_range_err(c);
            goto as_double;
        }
        if (op == AR_DIV) {
            // a/b at scale sa+4 = round(ma * 10^(sb + s - sa) / mb).
            int s = x.scale + RX_DIV_INCREMENT;
            if (s > RX_MAX_SCALE)
                s = RX_MAX_SCALE;
            if (q == 0) {
                rx_set_null(out);
                return 0;
            }
            if (!rx_rescale(&p, y.scale + s - x.scale))
                goto as_double;
            r = p / q;
            rx_i128 rem = p % q;
            if (2 * (rem < 0 ? -rem : rem) >= (q < 0 ? -q : q))
                r += ((p < 0) != (q < 0)) ? -1 : 1;
            rx_set_int(out, r);
            out->scale = (uint8_t)s;
            out->is_dec = true;
            return 0;
        }
        if (x.scale < scale)
            ok = rx_rescale(&p, scale - x.scale);
        if (y.scale < scale)
            ok = ok && rx_rescale(&q, scale - y.scale);
        if (!ok)
            goto as_double;
        switch (op) {
        case AR_ADD:
            ok = !__builtin_add_overflow(p, q, &r);
            break;
        case AR_SUB:
            ok = !__builtin_sub_overflow(p, q, &r);
            break;
        case AR_IDIV:
            if (q == 0) {
                rx_set_null(out);
                return 0;
            }
            rx_set_int(out, p / q);
            out->uns = uns;
            return rx_exact_done(out, c);
        default: // AR_MOD: the sign follows the dividend, as C's %.
            if (q == 0) {
                rx_set_null(out);
                return 0;
            }
            r = p % q;
            break;
        }
        if (!ok) {
            if (!dec)
                return rx_range_err(c);
            goto as_double;
        }
        rx_set_int(out, r);
        out->scale = (uint8_t)scale;
        out->is_dec = dec;
        out->uns = uns;
        return rx_exact_done(out, c);
    }
as_double : {
    double u = x.kind == RXV_EXACT ? rx_exact_to_double(&x) : x.d;
    double v = y.kind == RXV_EXACT ? rx_exact_to_double(&y) : y.d;
    double r;
    switch (op) {
    case AR_ADD: r = u + v; break;
    case AR_SUB: r = u - v; break;
    case AR_MUL: r = u * v; break;
    case AR_DIV:
        if (v == 0.0) {
            rx_set_null(out);
            return 0;
        }
        r = u / v;
        break;
    case AR_IDIV:
        if (v == 0.0) {
            rx_set_null(out);
            return 0;
        }
        r = trunc(u / v);
        if (!(r >= -9223372036854775808.0 && r < 18446744073709551616.0))
            return rx_range_err(c);
        rx_set_int(out, r < 0 ? (rx_i128)(int64_t)r : (rx_i128)(uint64_t)r);
        return 0;
    default:
        if (v == 0.0) {
            rx_set_null(out);
            return 0;
        }
        r = fmod(u, v);
        break;
    }
    if (isinf(r) || isnan(r))
        return rx_eval_err(c, "DOUBLE value is out of range", "");
    rx_set_double(out, r);
    return 0;
}
}

// rx_utf8_next returns the byte length of the character at s[0..len) (1 for binary).
static size_t rx_char_len(const char *s, size_t len, bool binary)
{
    size_t n = 1;
    if (binary)
        return 1;
    while (n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
        n++;
    return n;
}

static size_t rx_char_count(const char *s, size_t len, bool binary)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i += rx_char_len(s + i, len - i, binary))
        n++;
    return n;
}

// rx_char_offset is the byte offset of character k (clamped to len).
static size_t rx_char_offset(const char *s, size_t len, size_t k, bool binary)
{
    size_t i = 0;
    while (k > 0 && i < len) {
        i += rx_char_len(s + i, len - i, binary);
        k--;
    }
    return i;
}

static bool rx_byte_eq(char a, char b, uint8_t coll)
{
    return coll == RXC_CI ? rx_lower(a) == rx_lower(b) : a == b;
}

// rx_like matches s against pattern pat with % and _ and escape byte esc (-1: none);
// iterative with one backtrack point, so it runs in O(len(s) * len(pat)) and no recursion.
static bool rx_like(const char *s, size_t slen, const char *pat, size_t plen, int esc, uint8_t coll)
{
    bool binary = coll == RXC_BINARY;
    size_t si = 0, pi = 0, star_p = 0, star_s = 0;
    bool star = false;
    while (si < slen) {
        if (pi < plen) {
            char pc = pat[pi];
            bool escaped = esc >= 0 && (unsigned char)pc == (unsigned)esc && pi + 1 < plen;
            if (pc == '%' && !escaped) {
                while (pi < plen && pat[pi] == '%')
                    pi++;
                star = true;
                star_p = pi;
                star_s = si;
                continue;
            }
            if (pc == '_' && !escaped) {
                si += rx_char_len(s + si, slen - si, binary);
                pi++;
                continue;
            }
            size_t lit = pi;
            if (escaped)
                lit = pi + 1;
            size_t cl = rx_char_len(pat + lit, plen - lit, binary);
            if (si + cl <= slen) {
                size_t k;
                for (k = 0; k < cl; k++)
                    if (!rx_byte_eq(s[si + k], pat[lit + k], coll))
                        break;
                if (k == cl) {
                    si += cl;
                    pi = lit + cl;
                    continue;
                }
            }
        }
        if (!star)
            return false;
        star_s += rx_char_len(s + star_s, slen - star_s, binary);
        si = star_s;
        pi = star_p;
    }
    while (pi < plen && pat[pi] == '%')
        pi++;
    return pi == plen;
}

static int rx_eval_kids(rx_val *vals, rx_ctx *c, const rx_node *n)
{
    int rc;
    for (size_t i = 0; i < n->nkids; i++)
        if ((rc = rx_eval(&vals[i], c, n->kids[i])) != 0)
            return rc;
    return 0;
}

static int64_t rx_to_i64(const rx_val *v)
{
    rx_val n;
    rx_to_numeric(&n, v);
    if (n.kind == RXV_EXACT) {
        rx_i128 m = rx_round_int(n.m, n.scale);
        if (m < RX_I64_MIN)
            return INT64_MIN;
        if (m > (rx_i128)INT64_MAX)
            return INT64_MAX;
        return (int64_t)m;
    }
    double d = rint(n.d);
    if (!(d > -9223372036854775808.0))
        return INT64_MIN;
    if (!(d < 9223372036854775808.0))
        return INT64_MAX;
    return (int64_t)d;
}

// rx_temporal_of reads v as a date/time for YEAR() .. DATE(); false when it is not one.
static bool rx_temporal_of(binlog_temporal *out, rx_ctx *c, const rx_val *v, bool want_time)
{
    char buf[64];
    if (v->kind == RXV_TEMPORAL) {
        *out = v->t;
        return true;
    }
    if (v->kind == RXV_STRING) {
        if (rx_parse_datetime(out, v->s, v->len))
            return true;
        return want_time && rx_parse_time(out, v->s, v->len);
    }
    if (v->kind == RXV_EXACT && v->scale == 0 && v->m >= 0) {
        size_t n = rx_i128_text(buf, v->m, 0);
        if (rx_parse_datetime(out, buf, n))
            return true;
        return want_time && rx_parse_time(out, buf, n);
    }
    return false;
}

static int rx_round_exact(rx_val *out, const rx_val *v, int64_t d, int mode)
{
    // mode 0: ROUND half away from zero, 1: FLOOR, 2: CEIL; to d digits (may be negative).
    rx_i128 m = v->m, p;
    int drop = (int)v->scale - (int)(d > 30 ? 30 : d < -38 ? -38 : d);
    *out = *v;
    if (drop <= 0)
        return 0;
    if (!rx_pow10(&p, drop)) {
        rx_set_int(out, 0);
        return 0;
    }
    rx_i128 q = m / p, r = m % p;
    if (mode == 0 && 2 * (r < 0 ? -r : r) >= p)
        q += m < 0 ? -1 : 1;
    else if (mode == 1 && r < 0)
        q -= 1;
    else if (mode == 2 && r > 0)
        q += 1;
    int keep = (int)v->scale - drop;
    if (keep < 0) {
        rx_i128 back;
        rx_pow10(&back, -keep);
        q *= back;
        keep = 0;
    }
    out->m = q;
    out->scale = (uint8_t)keep;
    if (mode != 0)
        out->is_dec = !(q >= RX_I64_MIN && q <= RX_U64_MAX);
    return 0;
}

// rx_stringy tells whether MySQL types node n as a string (for the result type of IF,
// IFNULL and COALESCE, which is a string when any branch is): string literals, string
// functions and character/BLOB/JSON/ENUM/SET columns, judged from the column's type even
// when its value is NULL.
static bool rx_stringy(const rx_ctx *c, const rx_node *n)
{
    switch (n->type) {
    case RX_LIT:
        return n->lit.kind == RXV_STRING && !n->lit.hex;
    case RX_COL: {
        const binlog_value *v = &c->vals[c->e->cols[n->col].index];
        if (v->kind == BINLOG_VALUE_STRING || v->kind == BINLOG_VALUE_JSON ||
            v->kind == BINLOG_VALUE_ENUM || v->kind == BINLOG_VALUE_SET)
            return true;
        switch (v->type) {
        case BINLOG_TYPE_VARCHAR: case BINLOG_TYPE_VARCHAR_COMPRESSED: case BINLOG_TYPE_JSON:
        case BINLOG_TYPE_ENUM: case BINLOG_TYPE_SET: case BINLOG_TYPE_TINY_BLOB:
        case BINLOG_TYPE_MEDIUM_BLOB: case BINLOG_TYPE_LONG_BLOB: case BINLOG_TYPE_BLOB:
        case BINLOG_TYPE_BLOB_COMPRESSED: case BINLOG_TYPE_VAR_STRING: case BINLOG_TYPE_STRING:
            return v->kind == BINLOG_VALUE_NULL;
        default:
            return false;
        }
    }
    case RX_FUNC:
        switch (n->op) {
        case FN_UPPER: case FN_LOWER: case FN_CONCAT: case FN_SUBSTRING: case FN_TRIM:
        case FN_LTRIM: case FN_RTRIM: case FN_LEFT: case FN_RIGHT:
            return true;
        case FN_IF:
            return rx_stringy(c, n->kids[1]) || rx_stringy(c, n->kids[2]);
        case FN_IFNULL:
        case FN_COALESCE:
            for (size_t i = 0; i < n->nkids; i++)
                if (rx_stringy(c, n->kids[i]))
                    return true;
            return false;
        default:
            return false;
        }
    default:
        return false;
    }
}

// rx_eval_choice evaluates kid k of the IF/IFNULL/COALESCE node n as its result, turned
// into a string when another branch makes the result type a string.
static int rx_eval_choice(rx_val *out, rx_ctx *c, const rx_node *n, size_t k)
{
    int rc;
    rx_val v;
    if ((rc = rx_eval(&v, c, n->kids[k])) != 0)
        return rc;
    if (v.kind == RXV_NULL || v.kind == RXV_STRING || !rx_stringy(c, n)) {
        *out = v;
        return 0;
    }
    return rx_to_string(out, c, &v);
}

static int rx_eval_func(rx_val *out, rx_ctx *c, const rx_node *n)
{
    int rc;
    rx_val a[3], s;
    char *buf;
    // Functions with lazy or variadic arguments first.
    switch (n->op) {
    case FN_COALESCE:
    case FN_IFNULL:
        for (size_t i = 0; i < n->nkids; i++) {
            if ((rc = rx_eval_choice(out, c, n, i)) != 0)
                return rc;
            if (out->kind != RXV_NULL)
                return 0;
        }
        rx_set_null(out);
        return 0;
    case FN_IF:
        if ((rc = rx_eval(&a[0], c, n->kids[0])) != 0)
            return rc;
        return rx_eval_choice(out, c, n, rx_truth(&a[0]) == 1 ? 1 : 2);
    case FN_CONCAT: {
        size_t total = 0, o = 0;
        uint8_t coll = RXC_CI;
        rx_val *parts = calloc(n->nkids, sizeof(*parts));
        if (!parts)
            return rx_nomem(c->err);
        rc = 0;
        for (size_t i = 0; i < n->nkids && !rc; i++) {
            if ((rc = rx_eval(&s, c, n->kids[i])) != 0)
                break;
            if (s.kind == RXV_NULL) {
                rx_set_null(out);
                free(parts);
                return 0;
            }
            if ((rc = rx_to_string(&parts[i], c, &s)) != 0)
                break;
            total += parts[i].len;
            if (parts[i].coll > coll)
                coll = parts[i].coll;
        }
        if (!rc)
            rc = rx_alloc(&buf, c, total);
        if (!rc) {
            for (size_t i = 0; i < n->nkids; i++) {
                if (parts[i].len)
                    memcpy(buf + o, parts[i].s, parts[i].len);
                o += parts[i].len;
            }
            rx_set_str(out, buf, total, coll);
        }
        free(parts);
        return rc;
    }
    default:
        break;
    }
    if ((rc = rx_eval_kids(a, c, n)) != 0)
        return rc;
    for (size_t i = 0; i < n->nkids; i++)
        if (a[i].kind == RXV_NULL) {
            rx_set_null(out);
            return 0;
        }
    switch (n->op) {
    case FN_LENGTH:
    case FN_CHAR_LENGTH:
        if ((rc = rx_to_string(&s, c, &a[0])) != 0)
            return rc;
        rx_set_int(out, n->op == FN_LENGTH ? s.len : rx_char_count(s.s, s.len, s.coll == RXC_BINARY));
        return 0;
    case FN_UPPER:
    case FN_LOWER:
        if ((rc = rx_to_string(&s, c, &a[0])) != 0)
            return rc;
        // Binary strings are returned unchanged, as MySQL does; only ASCII letters fold.
        if (s.coll == RXC_BINARY) {
            *out = s;
            return 0;
        }
        if ((rc = rx_alloc(&buf, c, s.len)) != 0)
            return rc;
        for (size_t i = 0; i < s.len; i++)
            buf[i] = n->op == FN_UPPER ? rx_upper(s.s[i]) : rx_lower(s.s[i]);
        rx_set_str(out, buf, s.len, s.coll);
        return 0;
    case FN_TRIM:
    case FN_LTRIM:
    case FN_RTRIM: {
        size_t b = 0, e;
        if ((rc = rx_to_string(&s, c, &a[0])) != 0)
            return rc;
        e = s.len;
        if (n->op != FN_RTRIM)
            while (b < e && s.s[b] == ' ')
                b++;
        if (n->op != FN_LTRIM)
            while (e > b && s.s[e - 1] == ' ')
                e--;
        *out = s;
        out->s = s.s + b;
        out->len = e - b;
        return 0;
    }
    case FN_SUBSTRING:
    case FN_LEFT:
    case FN_RIGHT: {
        bool binary;
        size_t chars, from, count;
        if ((rc = rx_to_string(&s, c, &a[0])) != 0)
            return rc;
        binary = s.coll == RXC_BINARY;
        chars = rx_char_count(s.s, s.len, binary);
        int64_t k = rx_to_i64(&a[1]);
        if (n->op == FN_LEFT) {
            from = 0;
            count = k <= 0 ? 0 : (uint64_t)k > chars ? chars : (size_t)k;
        } else if (n->op == FN_RIGHT) {
            count = k <= 0 ? 0 : (uint64_t)k > chars ? chars : (size_t)k;
            from = chars - count;
        } else {
            int64_t len = n->nkids == 3 ? rx_to_i64(&a[2]) : INT64_MAX;
            if (k == 0 || len <= 0 || (k > 0 && (uint64_t)k > chars) ||
                (k < 0 && (k == INT64_MIN || (uint64_t)-k > chars))) {
                from = count = 0;
            } else {
                from = k > 0 ? (size_t)(k - 1) : chars - (size_t)-k;
                count = chars - from;
                if ((uint64_t)len < count)
                    count = (size_t)len;
            }
        }
        size_t bf = rx_char_offset(s.s, s.len, from, binary);
        size_t bt = bf + rx_char_offset(s.s + bf, s.len - bf, count, binary);
        *out = s;
        out->s = s.s + bf;
        out->len = bt - bf;
        return 0;
    }
    case FN_ABS: {
        rx_val v;
        rx_to_numeric(&v, &a[0]);
        *out = v;
        if (v.kind == RXV_EXACT) {
            out->m = v.m < 0 ? -v.m : v.m;
            return rx_exact_done(out, c);
        }
        out->d = fabs(v.d);
        return 0;
    }
    case FN_ROUND:
    case FN_FLOOR:
    case FN_CEIL: {
        rx_val v;
        int64_t d = n->nkids == 2 ? rx_to_i64(&a[1]) : 0;
        rx_to_numeric(&v, &a[0]);
        if (v.kind == RXV_EXACT)
            return rx_round_exact(out, &v, d, n->op == FN_ROUND ? 0 : n->op == FN_FLOOR ? 1 : 2);
        if (n->op == FN_FLOOR)
            rx_set_double(out, floor(v.d));
        else if (n->op == FN_CEIL)
            rx_set_double(out, ceil(v.d));
        else {
            double p = pow(10.0, (double)(d > 308 ? 308 : d < -308 ? -308 : d));
            double r = d >= 0 ? rint(v.d * p) / p : rint(v.d / p) * p;
            rx_set_double(out, isfinite(r) ? r : v.d);
        }
        return 0;
    }
    case FN_MOD:
        return rx_arith(out, c, AR_MOD, &a[0], &a[1]);
    case FN_YEAR:
    case FN_MONTH:
    case FN_DAY:
    case FN_HOUR:
    case FN_MINUTE:
    case FN_SECOND:
    case FN_DATE: {
        binlog_temporal t;
        bool want_time = n->op == FN_HOUR || n->op == FN_MINUTE || n->op == FN_SECOND;
        if (a[0].kind == RXV_INDEX) {
            if ((rc = rx_to_string(&s, c, &a[0])) != 0)
                return rc;
            a[0] = s;
        }
        if (!rx_temporal_of(&t, c, &a[0], want_time) ||
            (!want_time && t.kind == BINLOG_TEMPORAL_TIME)) {
            rx_set_null(out);
            return 0;
        }
        switch (n->op) {
        case FN_YEAR: rx_set_int(out, t.year); break;
        case FN_MONTH: rx_set_int(out, t.month); break;
        case FN_DAY: rx_set_int(out, t.day); break;
        case FN_HOUR: rx_set_int(out, t.hour); break;
        case FN_MINUTE: rx_set_int(out, t.minute); break;
        case FN_SECOND: rx_set_int(out, t.second); break;
        default:
            memset(out, 0, sizeof(*out));
            out->kind = RXV_TEMPORAL;
            out->col = -1;
            out->t.kind = BINLOG_TEMPORAL_DATE;
            out->t.year = t.year;
            out->t.month = t.month;
            out->t.day = t.day;
            break;
        }
        return 0;
    }
    }
    return dm_err_set(c->err, DM_ERR_INTERNAL, DM_ERR_SCOPE_INTERNAL,
                      "expression: function code %d has no evaluator", n->op);
}

static int rx_eval_in(rx_val *out, rx_ctx *c, const rx_node *n)
{
    int rc, cmp;
    rx_val left, item;
    bool saw_null = false;
    if ((rc = rx_eval(&left, c, n->kids[0])) != 0)
        return rc;
    if (left.kind == RXV_NULL) {
        rx_set_null(out);
        return 0;
    }
    for (size_t i = 1; i < n->nkids; i++) {
        if ((rc = rx_eval(&item, c, n->kids[i])) != 0)
            return rc;
        if (item.kind == RXV_NULL) {
            saw_null = true;
            continue;
        }
        if ((rc = rx_compare(&cmp, c, &left, &item)) != 0)
            return rc;
        if (cmp == 0) {
            rx_set_bool(out, !n->negated);
            return 0;
        }
    }
    rx_set_bool(out, saw_null ? -1 : n->negated);
    return 0;
}

static int rx_eval_like(rx_val *out, rx_ctx *c, const rx_node *n)
{
    int rc, esc = '\\';
    rx_val v[3], s, pat;
    if ((rc = rx_eval_kids(v, c, n)) != 0)
        return rc;
    if (v[0].kind == RXV_NULL || v[1].kind == RXV_NULL) {
        rx_set_null(out);
        return 0;
    }
    if (n->nkids == 3)
        esc = v[2].len ? (unsigned char)v[2].s[0] : -1;
    if ((rc = rx_to_string(&s, c, &v[0])) != 0 || (rc = rx_to_string(&pat, c, &v[1])) != 0)
        return rc;
    bool m = rx_like(s.s, s.len, pat.s, pat.len, esc, s.coll > pat.coll ? s.coll : pat.coll);
    rx_set_int(out, m != n->negated);
    return 0;
}

static int rx_eval(rx_val *out, rx_ctx *c, const rx_node *n)
{
    int rc, cmp, t;
    rx_val a, b;
    switch (n->type) {
    case RX_LIT:
        *out = n->lit;
        return 0;
    case RX_COL:
        return rx_load_column(out, c, n->col);
    case RX_AND:
    case RX_OR: {
        // AND: any FALSE wins, else any NULL gives NULL; OR: any TRUE wins, likewise.
        int stop = n->type == RX_AND ? 0 : 1;
        bool saw_null = false;
        for (size_t i = 0; i < n->nkids; i++) {
            if ((rc = rx_eval(&a, c, n->kids[i])) != 0)
                return rc;
            t = rx_truth(&a);
            if (t == stop) {
                rx_set_bool(out, stop);
                return 0;
            }
            if (t < 0)
                saw_null = true;
        }
        rx_set_bool(out, saw_null ? -1 : !stop);
        return 0;
    }
    case RX_XOR: {
        int acc = 0;
        for (size_t i = 0; i < n->nkids; i++) {
            if ((rc = rx_eval(&a, c, n->kids[i])) != 0)
                return rc;
            if ((t = rx_truth(&a)) < 0) {
                rx_set_null(out);
                return 0;
            }
            acc ^= t;
        }
        rx_set_bool(out, acc);
        return 0;
    }
    case RX_NOT:
        if ((rc = rx_eval(&a, c, n->kids[0])) != 0)
            return rc;
        t = rx_truth(&a);
        rx_set_bool(out, t < 0 ? -1 : !t);
        return 0;
    case RX_IS:
        if ((rc = rx_eval(&a, c, n->kids[0])) != 0)
            return rc;
        t = rx_truth(&a);
        if (n->op == IS_NULL)
            rx_set_bool(out, (t < 0) != n->negated);
        else
            rx_set_bool(out, (t == (n->op == IS_TRUE ? 1 : 0)) != n->negated);
        return 0;
    case RX_CMP:
        if ((rc = rx_eval(&a, c, n->kids[0])) != 0 || (rc = rx_eval(&b, c, n->kids[1])) != 0)
            return rc;
        if (a.kind == RXV_NULL || b.kind == RXV_NULL) {
            if (n->op == CMP_NSEQ)
                rx_set_int(out, a.kind == b.kind);
            else
                rx_set_null(out);
            return 0;
        }
        if ((rc = rx_compare(&cmp, c, &a, &b)) != 0)
            return rc;
        rx_set_int(out, rx_cmp_result(n->op, cmp));
        return 0;
    case RX_BETWEEN: {
        rx_val v[3];
        int lo = -1, hi = -1;
        if ((rc = rx_eval_kids(v, c, n)) != 0)
            return rc;
        if (v[0].kind != RXV_NULL && v[1].kind != RXV_NULL) {
            if ((rc = rx_compare(&cmp, c, &v[0], &v[1])) != 0)
                return rc;
            lo = cmp >= 0;
        }
        if (v[0].kind != RXV_NULL && v[2].kind != RXV_NULL) {
            if ((rc = rx_compare(&cmp, c, &v[0], &v[2])) != 0)
                return rc;
            hi = cmp <= 0;
        }
        // lo AND hi under three-valued logic, then NOT when negated.
        t = (lo == 0 || hi == 0) ? 0 : (lo < 0 || hi < 0) ? -1 : 1;
        rx_set_bool(out, t < 0 ? -1 : n->negated ? !t : t);
        return 0;
    }
    case RX_IN:
        return rx_eval_in(out, c, n);
    case RX_LIKE:
        return rx_eval_like(out, c, n);
    case RX_ARITH:
        if ((rc = rx_eval(&a, c, n->kids[0])) != 0 || (rc = rx_eval(&b, c, n->kids[1])) != 0)
            return rc;
        return rx_arith(out, c, n->op, &a, &b);
    case RX_NEG:
        if ((rc = rx_eval(&a, c, n->kids[0])) != 0)
            return rc;
        if (a.kind == RXV_NULL) {
            *out = a;
            return 0;
        }
        rx_to_numeric(out, &a);
        if (out->kind == RXV_EXACT) {
            out->m = -out->m;
            out->uns = false;
            return rx_exact_done(out, c);
        }
        out->d = -out->d;
        return 0;
    case RX_BITNOT:
        if ((rc = rx_eval(&a, c, n->kids[0])) != 0)
            return rc;
        if (a.kind == RXV_NULL)
            *out = a;
        else
        {
            rx_set_int(out, ~rx_to_u64(&a));
            out->uns = true;
        }
        return 0;
    case RX_FUNC:
        return rx_eval_func(out, c, n);
    }
    return dm_err_set(c->err, DM_ERR_INTERNAL, DM_ERR_SCOPE_INTERNAL,
                      "expression: node type %d has no evaluator", n->type);
}

int row_expr_eval(bool *out, const row_expr *e, const binlog_value *vals, size_t n, dm_err *err)
{
    int rc;
    rx_val v;
    rx_ctx c;
    if (out)
        *out = false;
    if (!out || !e || (!vals && n))
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "row_expr_eval: out and e must not be NULL");
    if (!e->bound)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "expression '%.*s' is evaluated before row_expr_bind", rx_text_len(e),
                          e->text);
    if (n < e->min_vals)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "expression '%.*s': the row has %zu values, the bound columns need %zu",
                          rx_text_len(e), e->text, n, e->min_vals);
    memset(&c, 0, sizeof(c));
    c.e = e;
    c.vals = vals;
    c.err = err;
    rc = rx_eval(&v, &c, e->root);
    if (rc == 0)
        *out = rx_truth(&v) == 1;
    while (c.chunks) {
        rx_chunk *next = c.chunks->next;
        free(c.chunks);
        c.chunks = next;
    }
    return rc;
}
