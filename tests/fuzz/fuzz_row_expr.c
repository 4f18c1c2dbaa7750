// fuzz_row_expr: row_expr_parse on arbitrary text, then bind to a fixed column list and
// evaluate over a few fixed rows holding every value kind. Nothing may crash, leak or
// recurse without bound; errors are fine.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "row_expr.h"

static const char *const fz_names[] = {"a", "b", "s", "bs", "d", "f", "dt", "dd", "tm", "e",
                                       "st", "j", "ab", "g", "u", "n", "bt", "jd"};
#define FZ_NCOLS (sizeof(fz_names) / sizeof(fz_names[0]))

static void fz_str(binlog_value *v, const char *s, uint32_t charset)
{
    v->kind = BINLOG_VALUE_STRING;
    v->charset = charset;
    v->str.ptr = s;
    v->str.len = strlen(s);
}

static void fz_row(binlog_value *r, int variant)
{
    memset(r, 0, sizeof(*r) * FZ_NCOLS);
    r[0].kind = BINLOG_VALUE_INT, r[0].i = variant == 0 ? 5 : variant == 1 ? INT64_MIN : 0;
    r[1].kind = BINLOG_VALUE_INT, r[1].i = variant == 2 ? INT64_MAX : -3;
    fz_str(&r[2], variant == 1 ? "" : "Hello wor\xc3\xa9ld %_\\", 45);
    fz_str(&r[3], "\x00\xff\x80z", 63);
    r[3].str.len = 4;
    r[4].kind = BINLOG_VALUE_DECIMAL;
    r[4].str.ptr = variant == 2 ? "-99999999999999999999999999999999999999999999999.123456789" : "12.50";
    r[4].str.len = strlen(r[4].str.ptr);
    r[5].kind = BINLOG_VALUE_DOUBLE, r[5].d = variant == 1 ? -1e308 : 1.5;
    r[6].kind = BINLOG_VALUE_TEMPORAL;
    r[6].t = (binlog_temporal){.kind = BINLOG_TEMPORAL_DATETIME, .year = 2024, .month = 2,
                               .day = 29, .hour = 23, .minute = 59, .second = 59,
                               .usec = 999999, .fsp = 6};
    r[7].kind = BINLOG_VALUE_TEMPORAL;
    r[7].t = (binlog_temporal){.kind = BINLOG_TEMPORAL_DATE, .year = 0, .month = 0, .day = 0};
    r[8].kind = BINLOG_VALUE_TEMPORAL;
    r[8].t = (binlog_temporal){.kind = BINLOG_TEMPORAL_TIME, .negative = true, .hour = 838,
                               .minute = 59, .second = 59, .fsp = 2, .usec = 990000};
    r[9].kind = BINLOG_VALUE_ENUM, r[9].u = 3;
    r[10].kind = BINLOG_VALUE_SET, r[10].u = UINT64_MAX;
    r[11].kind = BINLOG_VALUE_JSON, r[11].str.ptr = "[1, \"x\"]", r[11].str.len = 8;
    r[12].kind = variant == 0 ? BINLOG_VALUE_ABSENT : BINLOG_VALUE_NULL;
    r[13].kind = BINLOG_VALUE_GEOMETRY, r[13].str.ptr = "\0\0\0\0\1", r[13].str.len = 5;
    r[14].kind = BINLOG_VALUE_UINT, r[14].u = variant == 1 ? 0 : UINT64_MAX;
    r[15].kind = BINLOG_VALUE_NULL;
    r[16].kind = BINLOG_VALUE_BIT, r[16].u = 0x3ff, r[16].bits = 10;
    r[17].kind = BINLOG_VALUE_JSON_DIFF, r[17].str.ptr = "", r[17].str.len = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    row_expr *e = NULL;
    dm_err err;
    binlog_value row[FZ_NCOLS];
    if (row_expr_parse(&e, (const char *)data, size, &err) != 0)
        return 0;
    for (size_t i = 0; i < row_expr_column_count(e); i++)
        if (!row_expr_column_name(e, i))
            __builtin_trap();
    if (row_expr_bind(e, fz_names, FZ_NCOLS, &err) == 0) {
        static const binlog_str members[] = {{"one", 3}, {"", 0}, {"Three", 5}, {"x y", 3}};
        for (int pass = 0; pass < 2; pass++) {
            // Second pass: ENUM e and SET st get member names (SET bits beyond them error).
            if (pass == 1 && (row_expr_bind_members(e, 9, members, 4, &err) != 0 ||
                              row_expr_bind_members(e, 10, members, 4, &err) != 0))
                break;
            for (int v = 0; v < 3; v++) {
                bool r;
                fz_row(row, v);
                if (pass == 1 && v == 2)
                    row[10].u = 5;
                (void)row_expr_eval(&r, e, row, FZ_NCOLS, &err);
            }
        }
    }
    row_expr_destroy(e);
    return 0;
}
