// row_expr: parse errors, bind errors, and a table of expressions evaluated over one row
// image holding every value kind, each with its expected MySQL result (TRUE, FALSE or NULL).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "row_expr.h"

enum { T = 1, F = 0, N = -1 };

// The test row: names and values, in table order.
static const char *const cols[] = {
    "a",  "b",  "u",  "s",   "bs", "cs",   "d",  "f",     "n",     "dt", "dd",  "tm", "e",
    "st", "bt", "j",  "ab",  "g",  "ts",   "yr", "name",  "state", "c",  "neg", "big", "sp",
    "zero", "fl", "jd", "pct", "ustr", "sdec", "dneg",
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static binlog_value row[NCOLS];

static void set_str(binlog_value *v, const char *s, uint32_t charset)
{
    v->kind = BINLOG_VALUE_STRING;
    v->charset = charset;
    v->str.ptr = s;
    v->str.len = strlen(s);
}

static void setup_row(void)
{
    memset(row, 0, sizeof(row));
    row[0].kind = BINLOG_VALUE_INT, row[0].i = 5;                      // a
    row[1].kind = BINLOG_VALUE_INT, row[1].i = 10;                     // b
    row[2].kind = BINLOG_VALUE_UINT, row[2].u = UINT64_MAX;            // u
    set_str(&row[3], "Hello", 45);                                     // s (utf8mb4_general_ci)
    set_str(&row[4], "Hello", 63);                                     // bs (binary)
    set_str(&row[5], "Hello", 46);                                     // cs (utf8mb4_bin)
    row[6].kind = BINLOG_VALUE_DECIMAL, row[6].str.ptr = "12.50", row[6].str.len = 5; // d
    row[7].kind = BINLOG_VALUE_DOUBLE, row[7].d = 1.5;                 // f
    row[8].kind = BINLOG_VALUE_NULL;                                   // n
    row[9].kind = BINLOG_VALUE_TEMPORAL;                               // dt
    row[9].t = (binlog_temporal){.kind = BINLOG_TEMPORAL_DATETIME, .year = 2024, .month = 1,
                                 .day = 5, .hour = 10, .minute = 20, .second = 30};
    row[10].kind = BINLOG_VALUE_TEMPORAL;                              // dd
    row[10].t = (binlog_temporal){.kind = BINLOG_TEMPORAL_DATE, .year = 2024, .month = 1, .day = 5};
    row[11].kind = BINLOG_VALUE_TEMPORAL;                              // tm
    row[11].t = (binlog_temporal){.kind = BINLOG_TEMPORAL_TIME, .negative = true, .hour = 100,
                                  .minute = 2, .second = 3};
    row[12].kind = BINLOG_VALUE_ENUM, row[12].u = 2;                   // e
    row[13].kind = BINLOG_VALUE_SET, row[13].u = 5;                    // st
    row[14].kind = BINLOG_VALUE_BIT, row[14].u = 5, row[14].bits = 3;  // bt
    row[15].kind = BINLOG_VALUE_JSON, row[15].str.ptr = "{\"a\": 1}", row[15].str.len = 8; // j
    row[16].kind = BINLOG_VALUE_ABSENT;                                // ab
    row[17].kind = BINLOG_VALUE_GEOMETRY, row[17].str.ptr = "\0\0\0\0", row[17].str.len = 4; // g
    row[18].kind = BINLOG_VALUE_TEMPORAL;                              // ts
    row[18].t = (binlog_temporal){.kind = BINLOG_TEMPORAL_TIMESTAMP, .year = 2023, .month = 12,
                                  .day = 31, .hour = 23, .minute = 59, .second = 59,
                                  .usec = 250000, .fsp = 3, .epoch = 1704067199};
    row[19].kind = BINLOG_VALUE_TEMPORAL;                              // yr
    row[19].t = (binlog_temporal){.kind = BINLOG_TEMPORAL_YEAR, .year = 2024};
    set_str(&row[20], "abc", 45);                                      // name
    set_str(&row[21], "closed", 45);                                   // state
    row[22].kind = BINLOG_VALUE_INT, row[22].i = 4;                    // c
    row[23].kind = BINLOG_VALUE_INT, row[23].i = -7;                   // neg
    row[24].kind = BINLOG_VALUE_INT, row[24].i = INT64_MAX;            // big
    set_str(&row[25], "ab  ", 45);                                     // sp (trailing blanks)
    row[26].kind = BINLOG_VALUE_INT, row[26].i = 0;                    // zero
    row[27].kind = BINLOG_VALUE_FLOAT, row[27].d = (double)1.1f;       // fl
    row[28].kind = BINLOG_VALUE_JSON_DIFF, row[28].str.ptr = "x", row[28].str.len = 1; // jd
    set_str(&row[29], "50%_off", 45);                                  // pct
    set_str(&row[30], "h\xc3\xa9llo", 45);                             // ustr (héllo)
    set_str(&row[31], "10", 45);                                       // sdec
    row[32].kind = BINLOG_VALUE_DECIMAL, row[32].str.ptr = "-0.001", row[32].str.len = 6; // dneg
}

// eval3 compiles, binds and evaluates text, returning T, F or N (NULL, told apart from FALSE
// by evaluating "(text) IS NULL").
static int eval3(const char *text)
{
    row_expr *e = NULL, *isnull = NULL;
    dm_err err;
    bool r = false, rn = false;
    char buf[4096];
    int rc = row_expr_parse(&e, text, strlen(text), &err);
    if (rc) {
        print_message("parse '%s': %s\n", text, err.message);
        fail();
    }
    assert_int_equal(row_expr_bind(e, cols, NCOLS, &err), 0);
    rc = row_expr_eval(&r, e, row, NCOLS, &err);
    if (rc) {
        print_message("eval '%s': %s\n", text, err.message);
        fail();
    }
    snprintf(buf, sizeof(buf), "(%s\n) IS NULL", text);
    assert_int_equal(row_expr_parse(&isnull, buf, strlen(buf), &err), 0);
    assert_int_equal(row_expr_bind(isnull, cols, NCOLS, &err), 0);
    assert_int_equal(row_expr_eval(&rn, isnull, row, NCOLS, &err), 0);
    row_expr_destroy(e);
    row_expr_destroy(isnull);
    assert_false(r && rn);
    return r ? T : rn ? N : F;
}

typedef struct eval_case {
    const char *text;
    int want;
} eval_case;

static const eval_case cases[] = {
    // DM documentation examples
    {"c % 2 = 0", T},
    {"c % 2 = 1", F},
    {"state = 'closed'", T},
    {"c > 1 AND name LIKE 'a%'", T},
    {"c > 1 AND name LIKE 'b%'", F},
    // literals
    {"1", T}, {"0", F}, {"NULL", N}, {"TRUE", T}, {"FALSE", F}, {"'abc'", F}, {"'1abc'", T},
    {"0.0", F}, {"0.5", T}, {"1e3 = 1000", T}, {".5 = 0.5", T}, {"1.50 = 1.5", T},
    {"0x41 = 'A'", T}, {"X'4142' = 'AB'", T}, {"0x0A = 10", T}, {"0xA + 0 = 10", T},
    {"b'101' = 5", T}, {"0b101 = 5", T}, {"'it''s' = \"it's\"", T}, {"'a\\'b' = 'a''b'", T},
    {"'a\\nb' = CONCAT('a', '\\n', 'b')", T}, {"'ab' 'cd' = 'abcd'", T},
    {"_utf8mb4'x' = 'X'", T}, {"_binary'x' = 'X'", F}, {"N'x' = 'x'", T},
    {"18446744073709551615 > 0", T}, {"u = 18446744073709551615", T}, {"u > 0", T},
    {"u > 18446744073709551614", T}, {"99999999999999999999 > u", T},
    {"-9223372036854775808 < 0", T},
    // column references
    {"`a` = 5", T}, {"t.a = 5", T}, {"db.t.a = 5", T}, {"`t`.`a` = 5", T}, {"A = 5", T},
    // comparison operators
    {"a = 5", T}, {"a <> 5", F}, {"a != 4", T}, {"a < 6", T}, {"a <= 5", T}, {"a > 5", F},
    {"a >= 5", T}, {"a < b", T}, {"a = NULL", N}, {"NULL = NULL", N}, {"NULL <=> NULL", T},
    {"a <=> NULL", F}, {"n <=> NULL", T}, {"a <=> 5", T}, {"n = 1", N}, {"n <> 1", N},
    {"1 = 1 = 1", T}, {"(a = 5) = 1", T},
    // logic and three-valued logic
    {"NULL AND FALSE", F}, {"NULL AND TRUE", N}, {"NULL OR TRUE", T}, {"NULL OR FALSE", N},
    {"NOT NULL", N}, {"NOT 0", T}, {"!1", F}, {"NULL XOR 1", N}, {"1 XOR 1", F},
    {"1 XOR 0", T}, {"1 XOR 1 XOR 1", T}, {"1 && 0", F}, {"1 || 0", T}, {"a = 5 && b = 10", T},
    {"NOT a = 4", T}, {"!a = 0", T}, {"a = 1 OR a = 2 OR a = 5", T},
    {"a = 5 AND b = 10 OR a = 1", T}, {"a = 1 OR a = 5 AND b = 1", F},
    {"TRUE OR FALSE AND FALSE", T}, {"n IS NULL AND a = 5", T},
    // IS
    {"n IS NULL", T}, {"a IS NULL", F}, {"a IS NOT NULL", T}, {"n IS NOT NULL", F},
    {"n IS UNKNOWN", T}, {"a IS TRUE", T}, {"zero IS TRUE", F}, {"zero IS FALSE", T},
    {"n IS FALSE", F}, {"n IS NOT TRUE", T}, {"(n = 1) IS NULL", T}, {"a IS NOT FALSE", T},
    // BETWEEN
    {"a BETWEEN 1 AND 5", T}, {"a BETWEEN 6 AND 9", F}, {"a NOT BETWEEN 6 AND 9", T},
    {"a BETWEEN NULL AND 9", N}, {"a BETWEEN NULL AND 1", F}, {"n BETWEEN 1 AND 2", N},
    {"a BETWEEN 1 AND 5 AND b = 10", T}, {"'b' BETWEEN 'A' AND 'C'", T},
    {"dd BETWEEN '2024-01-01' AND '2024-01-31'", T},
    // IN
    {"a IN (1, 5, 7)", T}, {"a IN (1, 2)", F}, {"a NOT IN (1, 2)", T}, {"a IN (1, NULL)", N},
    {"a IN (5, NULL)", T}, {"a NOT IN (1, NULL)", N}, {"a NOT IN (5, NULL)", F},
    {"n IN (1, 2)", N}, {"s IN ('x', 'hello')", T}, {"a IN ('5', 6)", T},
    {"a IN (b - 5, 0)", T},
    // LIKE
    {"name LIKE 'a%'", T}, {"name LIKE 'A%'", T}, {"name LIKE 'a_c'", T}, {"name LIKE 'a_'", F},
    {"name LIKE '%'", T}, {"name LIKE '%c'", T}, {"name LIKE '%b%'", T}, {"name LIKE 'abc'", T},
    {"name LIKE 'ab'", F}, {"name NOT LIKE 'x%'", T}, {"n LIKE 'a'", N}, {"name LIKE NULL", N},
    {"pct LIKE '50\\%%'", T}, {"pct LIKE '5\\%%'", F}, {"pct LIKE '50!%!_off' ESCAPE '!'", T},
    {"pct LIKE '50%\\_off'", T}, {"'50x' LIKE '50\\_'", F}, {"'a%' LIKE 'a|%' ESCAPE '|'", T},
    {"bs LIKE 'hello'", F}, {"bs LIKE 'Hello'", T}, {"cs LIKE 'hello'", F},
    {"ustr LIKE 'h_llo'", T}, {"bs LIKE 'H%o'", T}, {"a LIKE '5'", T}, {"d LIKE '12.5%'", T},
    {"'aaa' LIKE '%a%a%a%'", T}, {"'aa' LIKE '%a%a%a%'", F}, {"'' LIKE '%'", T},
    {"'' LIKE '_'", F}, {"'ab ' LIKE 'ab'", F},
    // arithmetic
    {"a + b = 15", T}, {"b - a = 5", T}, {"a * b = 50", T}, {"b / a = 2", T},
    {"a / b = 0.5", T}, {"1 / 3 = 0.3333", T}, {"2 / 3 = 0.6667", T}, {"7 DIV 2 = 3", T},
    {"-7 DIV 2 = -3", T}, {"7 % 3 = 1", T}, {"-7 % 3 = -1", T}, {"7 MOD -3 = 1", T},
    {"neg % 3 = -1", T}, {"a / 0", N}, {"a / zero IS NULL", T}, {"a DIV 0", N}, {"a % 0", N},
    {"1.5 % 1 = 0.5", T}, {"-a = -5", T}, {"- -a = 5", T}, {"+a = 5", T}, {"a + NULL", N},
    {"1 + 2 * 3 = 7", T}, {"(1 + 2) * 3 = 9", T}, {"10 - 2 - 3 = 5", T}, {"2 * 3 % 4 = 2", T},
    {"0.1 + 0.2 = 0.3", T}, {"f + 0.5 = 2", T}, {"f * 2 = 3", T}, {"1e0 / 3 > 0.33", T},
    {"'10' + 5 = 15", T}, {"'abc' + 1 = 1", T}, {"5.0 / 2 = 2.5", T},
    {"u - 1 = 18446744073709551614", T}, {"d * 2 = 25", T}, {"d + 0.005 = 12.505", T},
    {"dneg < 0", T}, {"dneg * 1000 = -1", T}, {"ROUND(2 / 3, 2) = 0.67", T},
    // bit operators
    {"5 | 2 = 7", T}, {"5 & 4 = 4", T}, {"5 ^ 1 = 4", T}, {"1 << 3 = 8", T}, {"16 >> 2 = 4", T},
    {"~0 = 18446744073709551615", T}, {"1 << 64 = 0", T}, {"bt & 1", T}, {"bt = 5", T},
    {"st & 4 = 4", T}, {"1 | 2 = 3 AND 6 & 3 = 2", T}, {"-1 & 1 = 1", T},
    // string / number coercion and collations
    {"'10' = 10", T}, {"'abc' = 0", T}, {"'10abc' = 10", T}, {"' 10' = 10", T}, {"'1e1' = 10", T},
    {"sdec = 10", T}, {"sdec = '10.0'", F}, {"sdec + 0 = 10.0", T}, {"s = 'hello'", T},
    {"s = 'HELLO  '", T}, {"bs = 'Hello'", T}, {"bs = 'hello'", F}, {"bs = 'Hello '", F},
    {"cs = 'hello'", F}, {"cs = 'Hello  '", T}, {"sp = 'ab'", T}, {"sp = 'AB'", T},
    {"'a' < 'B'", T}, {"'a' < 'b '", T}, {"'a\\t' < 'a'", T}, {"s > 'hellm'", T},
    {"s = 0", T}, {"j = '{\"a\": 1}'", T}, {"j LIKE '%\"a\"%'", T},
    {"ustr = 'HéLLO'", T}, {"ustr = 'HÉLLO'", F},
    // temporal values
    {"dt = '2024-01-05 10:20:30'", T}, {"dt = '2024-1-5 10:20:30'", T},
    {"dt > '2024-01-05'", T}, {"dt < '2024-01-06'", T}, {"dt = '2024-01-05 10:20:30.000'", T},
    {"dt = '2024-01-05T10:20:30'", T}, {"dt = '20240105102030'", T},
    {"dt = 20240105102030", T}, {"dd = '2024-01-05'", T}, {"dd = '2024-1-5'", T},
    {"dd = '2024/01/05'", T}, {"dd = '24-01-05'", T}, {"dd = '20240105'", T},
    {"dd = 20240105", T}, {"dt > 20240105", T}, {"dd < 20240105000001", T},
    {"20240106 > dt", T}, {"dd < 20240105.5", F}, {"dt < 20240105102030.5", T}, {"dd = '2024-01-05 00:00:00'", T}, {"dd < dt", T},
    {"dd = '2024-01-05 00:00:01'", F}, {"dd = 'not a date'", F}, {"dd LIKE '2024-01%'", T},
    {"ts = '2023-12-31 23:59:59.25'", T}, {"ts > '2023-12-31 23:59:59'", T},
    {"ts LIKE '%59.250'", T}, {"tm = '-100:02:03'", T}, {"tm < '00:00:00'", T},
    {"tm = '-4 04:02:03'", T}, {"yr = 2024", T}, {"yr = '2024'", T},
    {"YEAR(dt) = 2024", T}, {"MONTH(dt) = 1", T}, {"DAY(dt) = 5", T}, {"DAYOFMONTH(dd) = 5", T},
    {"HOUR(dt) = 10", T}, {"MINUTE(dt) = 20", T}, {"SECOND(dt) = 30", T},
    {"HOUR(tm) = 100", T}, {"DATE(dt) = '2024-01-05'", T}, {"DATE(dt) = dd", T},
    {"YEAR('2020-02-03') = 2020", T}, {"YEAR('junk')", N}, {"MONTH(20240105) = 1", T},
    {"DATE(ts) = '2023-12-31'", T}, {"HOUR('10:11:12') = 10", T}, {"YEAR(n)", N},
    // ENUM / SET by index
    {"e = 2", T}, {"e IN (1, 2)", T}, {"e > 1", T}, {"e + 0 = 2", T}, {"st = 5", T},
    // FLOAT keeps single precision, as MySQL compares it
    {"fl = 1.1", F}, {"fl > 1.09", T},
    // functions
    {"LENGTH(name) = 3", T}, {"LENGTH(ustr) = 6", T}, {"CHAR_LENGTH(ustr) = 5", T},
    {"CHARACTER_LENGTH(bs) = 5", T}, {"length(n)", N}, {"LENGTH(123) = 3", T},
    {"UPPER(name) = 'ABC'", T}, {"UCASE(name) LIKE 'AB%'", T},
    {"LOWER(cs) = 'hello'", T}, {"LCASE('ABC') = 'abc'", T}, {"UPPER(bs) = bs", T},
    {"ABS(neg) = 7", T}, {"ABS(-1.5) = 1.5", T}, {"ABS(n)", N},
    {"COALESCE(n, a) = 5", T}, {"COALESCE(n, NULL)", N}, {"COALESCE(n, n, 3) = 3", T},
    {"IFNULL(n, 2) = 2", T}, {"IFNULL(a, 2) = 5", T}, {"IF(a > 1, 'y', 'n') = 'y'", T},
    {"IF(n, 'y', 'n') = 'n'", T}, {"IF(0, 1, NULL)", N},
    {"CONCAT(name, '-', a) = 'abc-5'", T}, {"CONCAT(name, n)", N}, {"CONCAT(d) = '12.50'", T},
    {"CONCAT(dt) = '2024-01-05 10:20:30'", T}, {"CONCAT(1.5e0) = '1.5'", T},
    {"SUBSTRING(name, 2) = 'bc'", T}, {"SUBSTRING(name, 2, 1) = 'b'", T},
    {"SUBSTR(name, -2) = 'bc'", T}, {"SUBSTRING(name, 0) = ''", T},
    {"SUBSTRING(name, 5) = ''", T}, {"SUBSTRING(name, 1, 0) = ''", T},
    {"SUBSTRING(ustr, 2, 1) = 'é'", T}, {"SUBSTRING(name, -5) = ''", T},
    {"TRIM('  x  ') = 'x'", T}, {"LENGTH(TRIM('  x  ')) = 1", T}, {"LENGTH(LTRIM('  x ')) = 2", T},
    {"LENGTH(RTRIM('  x ')) = 3", T}, {"LEFT(name, 2) = 'ab'", T}, {"RIGHT(name, 2) = 'bc'", T},
    {"LEFT(name, 0) = ''", T}, {"RIGHT(name, 10) = 'abc'", T}, {"LEFT(ustr, 2) = 'hé'", T},
    {"ROUND(1.5) = 2", T}, {"ROUND(-1.5) = -2", T}, {"ROUND(1.25, 1) = 1.3", T},
    {"ROUND(1234, -2) = 1200", T}, {"ROUND(d) = 13", T},
    {"ROUND(1.2345e0, 2) = 1.23", T}, {"FLOOR(1.7) = 1", T}, {"FLOOR(-1.2) = -2", T},
    {"CEIL(1.2) = 2", T}, {"CEILING(-1.7) = -1", T}, {"FLOOR(f) = 1", T}, {"CEIL(f) = 2", T},
    {"MOD(10, 3) = 1", T}, {"MOD(a, 0)", N}, {"mod(c, 2) = 0", T},
    {"MID(name, 2, 1) = 'b'", T}, {"OCTET_LENGTH(ustr) = 6", T},
    // result rendering and result types checked against MariaDB
    {"CONCAT(1e15) = '1e15'", T}, {"CONCAT(1e14) = '100000000000000'", T},
    {"CONCAT(1.5e-7) = '0.00000015'", T}, {"CONCAT(-2.5e16) = '-2.5e16'", T},
    {"CONCAT(1.1e0 * 3) = '3.3000000000000003'", T}, {"CONCAT(fl) = '1.1'", T},
    {"CONCAT(fl * 2) = '2.200000047683716'", T}, {"CONCAT(bt) = 0x05", T},
    {"CONCAT(bt) = '5'", F}, {"CONCAT(-bt) = '-5'", T}, {"CONCAT(ABS(bt)) = '5'", T},
    {"CONCAT(ABS(fl)) = '1.100000023841858'", T}, {"bt = '5'", T}, {"IFNULL(zero, 'x') = 'x'", F},
    {"IFNULL(zero, 'x') = '0'", T}, {"IF(a, 5, 'x') = '5.0'", F}, {"IF(a, 5, 6) = '5.0'", T},
    {"COALESCE(d, 'x') = '12.50'", T}, {"IFNULL(n, s) = 'hello'", T},
    {"DAY('2023-02-29')", N}, {"DAY('2024-02-29') = 29", T}, {"dd = '2024-02-30'", F},
    {"YEAR(240105) = 2024", T}, {"YEAR('240105') = 2024", T}, {"DATE(tm)", N},
    // nesting and whitespace
    {" ( ( a ) ) = 5 ", T}, {"a=5/*comment*/", T}, {"a = 5 -- trailing comment", T},
};

static void test_eval_table(void **state)
{
    (void)state;
    setup_row();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = eval3(cases[i].text);
        if (got != cases[i].want) {
            print_message("'%s': got %d, want %d\n", cases[i].text, got, cases[i].want);
            fail();
        }
    }
}

static int parse_err(const char *text, dm_err *err)
{
    row_expr *e = (row_expr *)1;
    int rc = row_expr_parse(&e, text, strlen(text), err);
    assert_null(e);
    return rc;
}

static void test_parse_errors(void **state)
{
    dm_err err;
    (void)state;
    assert_int_equal(parse_err("a = ", &err), ROW_EXPR_ERR_SYNTAX);
    assert_non_null(strstr(err.message, "offset 4"));
    assert_non_null(strstr(err.message, "'a = '"));
    assert_int_equal(parse_err("a = 1 b", &err), ROW_EXPR_ERR_SYNTAX);
    assert_non_null(strstr(err.message, "offset 6 near 'b'"));
    assert_int_equal(parse_err("(a = 1", &err), ROW_EXPR_ERR_SYNTAX);
    assert_non_null(strstr(err.message, "expected ')'"));
    assert_int_equal(parse_err("a = 'x", &err), ROW_EXPR_ERR_SYNTAX);
    assert_int_equal(parse_err("", &err), ROW_EXPR_ERR_SYNTAX);
    assert_int_equal(parse_err("   ", &err), ROW_EXPR_ERR_SYNTAX);
    assert_int_equal(parse_err("a IS 5", &err), ROW_EXPR_ERR_SYNTAX);
    assert_int_equal(parse_err("a NOT 5", &err), ROW_EXPR_ERR_SYNTAX);
    assert_int_equal(parse_err("a BETWEEN 1 OR 2", &err), ROW_EXPR_ERR_SYNTAX);
    assert_int_equal(parse_err("a IN 1", &err), ROW_EXPR_ERR_SYNTAX);
    assert_int_equal(parse_err("a = AND", &err), ROW_EXPR_ERR_SYNTAX);
    assert_int_equal(parse_err("LENGTH()", &err), ROW_EXPR_ERR_SYNTAX);
    assert_non_null(strstr(err.message, "LENGTH"));
    assert_int_equal(parse_err("IF(1, 2)", &err), ROW_EXPR_ERR_SYNTAX);
    assert_int_equal(parse_err("a.", &err), ROW_EXPR_ERR_SYNTAX);
    assert_int_equal(parse_err("a.b.c.d = 1", &err), ROW_EXPR_ERR_SYNTAX);
    assert_int_equal(parse_err("name LIKE 'a' ESCAPE 'ab'", &err), ROW_EXPR_ERR_SYNTAX);
    {
        row_expr *e = NULL;
        assert_int_equal(row_expr_parse(&e, "a\0b", 3, &err), ROW_EXPR_ERR_SYNTAX);
        assert_non_null(strstr(err.message, "NUL"));
        assert_int_equal(row_expr_parse(NULL, "a", 1, &err), DM_ERR_INVALID_ARG);
        assert_int_equal(row_expr_parse(&e, "a", 1, NULL), 0);
        row_expr_destroy(e);
        assert_int_equal(row_expr_parse(&e, "a = ", 4, NULL), ROW_EXPR_ERR_SYNTAX);
    }

    assert_int_equal(parse_err("REGEXP_LIKE(a, 'x')", &err), ROW_EXPR_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.message, "REGEXP_LIKE"));
    assert_int_equal(parse_err("now() > dt", &err), ROW_EXPR_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.message, "function now()"));
    assert_int_equal(parse_err("a REGEXP 'x'", &err), ROW_EXPR_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.message, "REGEXP"));
    assert_int_equal(parse_err("CASE WHEN a THEN 1 END", &err), ROW_EXPR_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.message, "CASE"));
    assert_int_equal(parse_err("a IN (SELECT 1)", &err), ROW_EXPR_ERR_UNSUPPORTED);
    assert_int_equal(parse_err("@x = 1", &err), ROW_EXPR_ERR_UNSUPPORTED);
    assert_int_equal(parse_err("a = ?", &err), ROW_EXPR_ERR_UNSUPPORTED);
    assert_int_equal(parse_err("(a, b) = (1, 2)", &err), ROW_EXPR_ERR_UNSUPPORTED);
    assert_int_equal(parse_err("s COLLATE utf8mb4_bin = 'x'", &err), ROW_EXPR_ERR_UNSUPPORTED);
    assert_int_equal(parse_err("j->'$.a' = 1", &err), ROW_EXPR_ERR_UNSUPPORTED);
    assert_int_equal(parse_err("dt > DATE '2024-01-01'", &err), ROW_EXPR_ERR_UNSUPPORTED);
    assert_int_equal(parse_err("TRIM(LEADING 'x' FROM s)", &err), ROW_EXPR_ERR_UNSUPPORTED);
    assert_int_equal(parse_err("TRIM('x' FROM s)", &err), ROW_EXPR_ERR_UNSUPPORTED);
    assert_int_equal(parse_err("BINARY s = 'x'", &err), ROW_EXPR_ERR_UNSUPPORTED);
    assert_int_equal(parse_err("a = ANY (SELECT 1)", &err), ROW_EXPR_ERR_UNSUPPORTED);
    assert_int_equal(parse_err("CAST(a AS CHAR) = '5'", &err), ROW_EXPR_ERR_UNSUPPORTED);
    assert_non_null(strstr(err.message, "CAST"));
    assert_int_equal(parse_err("dt > CURRENT_TIMESTAMP", &err), ROW_EXPR_ERR_UNSUPPORTED);
}

static void test_limits(void **state)
{
    dm_err err;
    char *big;
    dm_buf b;
    (void)state;
    big = malloc(ROW_EXPR_MAX_TEXT + 2);
    assert_non_null(big);
    memset(big, ' ', ROW_EXPR_MAX_TEXT + 1);
    big[0] = '1';
    big[ROW_EXPR_MAX_TEXT + 1] = '\0';
    assert_int_equal(parse_err(big, &err), ROW_EXPR_ERR_TOO_LARGE);
    big[ROW_EXPR_MAX_TEXT] = '\0';
    {
        row_expr *e = NULL;
        assert_int_equal(row_expr_parse(&e, big, ROW_EXPR_MAX_TEXT, &err), 0);
        row_expr_destroy(e);
    }
    free(big);

    // 64 nested parentheses of unary minus pass; 100 do not.
    dm_buf_init(&b);
    for (int i = 0; i < 100; i++)
        assert_int_equal(dm_buf_puts(&b, "("), 0);
    assert_int_equal(dm_buf_puts(&b, "1"), 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(dm_buf_puts(&b, ")"), 0);
    assert_int_equal(parse_err(b.data, &err), ROW_EXPR_ERR_TOO_LARGE);
    assert_non_null(strstr(err.message, "nesting"));
    dm_buf_reset(&b);
    for (int i = 0; i < 200; i++)
        assert_int_equal(dm_buf_puts(&b, "-"), 0);
    assert_int_equal(dm_buf_puts(&b, "1"), 0);
    assert_int_equal(parse_err(b.data, &err), ROW_EXPR_ERR_TOO_LARGE);
    dm_buf_reset(&b);
    for (int i = 0; i < 200; i++)
        assert_int_equal(dm_buf_puts(&b, "NOT "), 0);
    assert_int_equal(dm_buf_puts(&b, "1"), 0);
    assert_int_equal(parse_err(b.data, &err), ROW_EXPR_ERR_TOO_LARGE);
    dm_buf_reset(&b);
    // A long left-deep chain is also nesting.
    assert_int_equal(dm_buf_puts(&b, "1"), 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(dm_buf_puts(&b, "+1"), 0);
    assert_int_equal(parse_err(b.data, &err), ROW_EXPR_ERR_TOO_LARGE);
    dm_buf_reset(&b);
    // AND/OR chains are flat: 1000 alternatives are fine.
    assert_int_equal(dm_buf_puts(&b, "a = 0"), 0);
    for (int i = 1; i < 1000; i++)
        assert_int_equal(dm_buf_printf(&b, " OR a = %d", i), 0);
    setup_row();
    {
        row_expr *e = NULL;
        bool r = false;
        assert_int_equal(row_expr_parse(&e, b.data, b.len, &err), 0);
        assert_int_equal(row_expr_bind(e, cols, NCOLS, &err), 0);
        assert_int_equal(row_expr_eval(&r, e, row, NCOLS, &err), 0);
        assert_true(r);
        row_expr_destroy(e);
    }
    dm_buf_reset(&b);
    // Nested CONCAT doubling its input cannot exhaust memory: the arena is capped.
    assert_int_equal(dm_buf_puts(&b, "'0123456789012345678901234567890123456789'"), 0);
    for (int i = 0; i < 30; i++) {
        dm_buf c2;
        dm_buf_init(&c2);
        assert_int_equal(dm_buf_printf(&c2, "CONCAT(%s, %s)", b.data, b.data), 0);
        if (c2.len > ROW_EXPR_MAX_TEXT) {
            dm_buf_fini(&c2);
            break;
        }
        dm_buf_reset(&b);
        assert_int_equal(dm_buf_append(&b, c2.data, c2.len), 0);
        dm_buf_fini(&c2);
    }
    {
        row_expr *e = NULL;
        bool r = true;
        assert_int_equal(row_expr_parse(&e, b.data, b.len, &err), 0);
        assert_int_equal(row_expr_bind(e, cols, NCOLS, &err), 0);
        int rc = row_expr_eval(&r, e, row, NCOLS, &err);
        assert_true(rc == 0 || rc == ROW_EXPR_ERR_EVAL);
        row_expr_destroy(e);
    }
    dm_buf_fini(&b);
}

static void test_columns_and_bind(void **state)
{
    dm_err err;
    row_expr *e = NULL;
    bool r = true;
    const char *names[] = {"ID", "Name", "state"};
    binlog_value v[3];
    (void)state;
    const char *text = "name = 'x' AND `State` <> t.Name OR id > db.t.ID";
    assert_int_equal(row_expr_parse(&e, text, strlen(text), &err), 0);
    assert_int_equal(row_expr_column_count(e), 3);
    assert_string_equal(row_expr_column_name(e, 0), "name");
    assert_string_equal(row_expr_column_name(e, 1), "State");
    assert_string_equal(row_expr_column_name(e, 2), "id");
    assert_null(row_expr_column_name(e, 3));
    assert_string_equal(row_expr_text(e), "name = 'x' AND `State` <> t.Name OR id > db.t.ID");

    // Not bound yet.
    memset(v, 0, sizeof(v));
    assert_int_equal(row_expr_eval(&r, e, v, 3, &err), DM_ERR_INVALID_ARG);
    assert_false(r);
    assert_non_null(strstr(err.message, "bind"));

    assert_int_equal(row_expr_bind(e, names, 2, &err), ROW_EXPR_ERR_COLUMN);
    assert_non_null(strstr(err.message, "`State`"));
    assert_non_null(strstr(err.message, "name = 'x'"));
    assert_int_equal(row_expr_eval(&r, e, v, 3, &err), DM_ERR_INVALID_ARG);

    assert_int_equal(row_expr_bind(e, names, 3, &err), 0);
    assert_int_equal(row_expr_eval(&r, e, v, 2, &err), DM_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "2 values"));
    v[0].kind = BINLOG_VALUE_INT, v[0].i = 1;
    set_str(&v[1], "x", 45);
    set_str(&v[2], "y", 45);
    assert_int_equal(row_expr_eval(&r, e, v, 3, &err), 0);
    assert_true(r);
    v[2].kind = BINLOG_VALUE_ABSENT;
    assert_int_equal(row_expr_eval(&r, e, v, 3, &err), ROW_EXPR_ERR_EVAL);
    assert_non_null(strstr(err.message, "`State`"));
    assert_non_null(strstr(err.message, "absent"));
    assert_int_equal(row_expr_bind(NULL, names, 3, &err), DM_ERR_INVALID_ARG);
    assert_int_equal(row_expr_eval(NULL, e, v, 3, &err), DM_ERR_INVALID_ARG);
    row_expr_destroy(e);
    row_expr_destroy(NULL);

    // An expression without columns binds to an empty table and evaluates with no values.
    assert_int_equal(row_expr_parse(&e, "1 + 1 = 2", 9, &err), 0);
    assert_int_equal(row_expr_bind(e, NULL, 0, &err), 0);
    assert_int_equal(row_expr_eval(&r, e, NULL, 0, &err), 0);
    assert_true(r);
    row_expr_destroy(e);
}

static int eval_err(const char *text, dm_err *err)
{
    row_expr *e = NULL;
    bool r = true;
    assert_int_equal(row_expr_parse(&e, text, strlen(text), err), 0);
    assert_int_equal(row_expr_bind(e, cols, NCOLS, err), 0);
    int rc = row_expr_eval(&r, e, row, NCOLS, err);
    assert_false(r);
    row_expr_destroy(e);
    return rc;
}

static void test_eval_errors(void **state)
{
    dm_err err;
    (void)state;
    setup_row();
    assert_int_equal(eval_err("ab = 1", &err), ROW_EXPR_ERR_EVAL);
    assert_non_null(strstr(err.message, "`ab`"));
    assert_int_equal(eval_err("g IS NULL", &err), ROW_EXPR_ERR_EVAL);
    assert_non_null(strstr(err.message, "GEOMETRY"));
    assert_int_equal(eval_err("jd = 'x'", &err), ROW_EXPR_ERR_EVAL);
    assert_non_null(strstr(err.message, "`jd`"));
    assert_int_equal(eval_err("e = 'b'", &err), ROW_EXPR_ERR_EVAL);
    assert_non_null(strstr(err.message, "`e`"));
    assert_non_null(strstr(err.message, "ENUM"));
    assert_int_equal(eval_err("st LIKE 'a%'", &err), ROW_EXPR_ERR_EVAL);
    assert_int_equal(eval_err("CONCAT(e, 'x') = 'bx'", &err), ROW_EXPR_ERR_EVAL);
    assert_int_equal(eval_err("e IN ('a', 'b')", &err), ROW_EXPR_ERR_EVAL);
    assert_int_equal(eval_err("big + 1 > 0", &err), ROW_EXPR_ERR_EVAL);
    assert_non_null(strstr(err.message, "BIGINT"));
    assert_int_equal(eval_err("u + u > 0", &err), ROW_EXPR_ERR_EVAL);
    assert_int_equal(eval_err("big * big > 0", &err), ROW_EXPR_ERR_EVAL);
    assert_int_equal(eval_err("c - u < 0", &err), ROW_EXPR_ERR_EVAL);
    assert_non_null(strstr(err.message, "UNSIGNED"));
    assert_int_equal(eval_err("-u < 0", &err), ROW_EXPR_ERR_EVAL);
    assert_int_equal(eval_err("1e308 * 10 > 0", &err), ROW_EXPR_ERR_EVAL);
    // Short-circuit: the absent column is never read.
    assert_int_equal(eval_err("a = 1 AND ab = 1", &err), 0);
}

static int eval_members(const char *text, int *want_rc)
{
    static const binlog_str enum_names[] = {{"small", 5}, {"Medium", 6}, {"large", 5}};
    static const binlog_str set_names[] = {{"a", 1}, {"b", 1}, {"c", 1}};
    row_expr *e = NULL;
    dm_err err;
    bool r = false;
    assert_int_equal(row_expr_parse(&e, text, strlen(text), &err), 0);
    assert_int_equal(row_expr_bind_members(e, 12, enum_names, 3, &err), DM_ERR_INVALID_ARG);
    assert_int_equal(row_expr_bind(e, cols, NCOLS, &err), 0);
    assert_int_equal(row_expr_bind_members(e, 12, enum_names, 3, &err), 0); // e
    assert_int_equal(row_expr_bind_members(e, 13, set_names, 3, &err), 0);  // st
    assert_int_equal(row_expr_bind_members(e, 0, set_names, 3, &err), 0);   // a: unused
    *want_rc = row_expr_eval(&r, e, row, NCOLS, &err);
    row_expr_destroy(e);
    return r;
}

// ENUM/SET with member names bound: string comparisons work as in MySQL.
static void test_members(void **state)
{
    static const struct {
        const char *text;
        int want;
    } mc[] = {
        {"e = 'medium'", T}, {"e = 'Medium '", T}, {"e = 2", T}, {"e = 'small'", F},
        {"e IN ('x', 'MEDIUM')", T}, {"e LIKE 'Med%'", T}, {"CONCAT(e, '!') = 'Medium!'", T},
        {"UPPER(e) = 'MEDIUM'", T}, {"st = 'a,c'", T}, {"st = 5", T}, {"st LIKE '%c'", T},
        {"e + 0 = 2", T}, {"IF(a, e, 1) = 'Medium'", T}, {"e > 'l'", T},
    };
    int rc;
    (void)state;
    setup_row();
    for (size_t i = 0; i < sizeof(mc) / sizeof(mc[0]); i++) {
        int got = eval_members(mc[i].text, &rc);
        if (rc != 0 || got != mc[i].want) {
            print_message("'%s': rc %d, got %d, want %d\n", mc[i].text, rc, got, mc[i].want);
            fail();
        }
    }
    row[12].u = 0;
    assert_int_equal(eval_members("e = ''", &rc), T);
    assert_int_equal(rc, 0);
    row[12].u = 4;
    eval_members("e = 'x'", &rc);
    assert_int_equal(rc, ROW_EXPR_ERR_EVAL);
    row[13].u = 8;
    eval_members("st = 'x'", &rc);
    assert_int_equal(rc, ROW_EXPR_ERR_EVAL);
    setup_row();
}

// Concurrent evaluation of one bound expression.
static row_expr *shared_expr;

static void *eval_thread(void *arg)
{
    bool r;
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        if (row_expr_eval(&r, shared_expr, row, NCOLS, NULL) != 0 || !r)
            return (void *)1;
    }
    return NULL;
}

static void test_threads(void **state)
{
    const char *text = "CONCAT(UPPER(name), '-', a) = 'ABC-5' AND dt > '2024-01-01' AND d = 12.5";
    pthread_t th[4];
    (void)state;
    setup_row();
    assert_int_equal(row_expr_parse(&shared_expr, text, strlen(text), NULL), 0);
    assert_int_equal(row_expr_bind(shared_expr, cols, NCOLS, NULL), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, eval_thread, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *res;
        assert_int_equal(pthread_join(th[i], &res), 0);
        assert_null(res);
    }
    row_expr_destroy(shared_expr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval_table),     cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_limits),         cmocka_unit_test(test_columns_and_bind),
        cmocka_unit_test(test_eval_errors),    cmocka_unit_test(test_threads),
        cmocka_unit_test(test_members),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
