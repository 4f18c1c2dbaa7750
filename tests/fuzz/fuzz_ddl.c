// fuzz_ddl: lexer + parser + printer on arbitrary bytes. When the input parses, printing it
// and parsing the result must succeed and give the same AST (ddl_dump), and split, tables
// and rename must succeed; any difference aborts (a finding).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddl.h"

static int rename_cb(void *ctx, const char *db, const char *table, const char **new_db, const char **new_table,
                     dm_err *err)
{
    (void)ctx;
    (void)db;
    (void)err;
    *new_db = "fz";
    *new_table = *table ? "t`x" : NULL;
    return 0;
}

// The options of the current input: an input starting with byte 0x01 is lexed with
// ANSI_QUOTES.
static ddl_parse_opts opts;

// check_roundtrip aborts when s does not survive print + parse unchanged.
static void check_roundtrip(const ddl_stmt *s, const char *stage)
{
    dm_buf p, d1, d2;
    ddl_stmt *s2 = NULL;
    dm_err e;
    dm_buf_init(&p);
    dm_buf_init(&d1);
    dm_buf_init(&d2);
    if (ddl_print(&p, s, NULL) != 0 || ddl_dump(&d1, s, NULL) != 0)
        abort();
    if (ddl_parse(&s2, p.data, p.len, &opts, &e) != 0) {
        fprintf(stderr, "%s: printed SQL does not parse: %s\nprinted: %s\n", stage, e.message, p.data);
        abort();
    }
    if (ddl_dump(&d2, s2, NULL) != 0)
        abort();
    if (strcmp(d1.data, d2.data) != 0) {
        fprintf(stderr, "%s: AST differs after print + parse\nprinted: %s\n%s\n%s\n", stage, p.data, d1.data,
                d2.data);
        abort();
    }
    ddl_stmt_destroy(s2);
    dm_buf_fini(&p);
    dm_buf_fini(&d1);
    dm_buf_fini(&d2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ddl_stmt *s = NULL, **parts = NULL;
    size_t n_parts = 0, n_refs = 0;
    ddl_table_ref *refs = NULL;
    dm_err e;
    opts.ansi_quotes = size > 0 && data[0] == 0x01;
    if (opts.ansi_quotes) {
        data++;
        size--;
    }
    if (ddl_parse(&s, (const char *)data, size, &opts, &e) != 0) {
        if (e.code == 0 || e.message[0] == '\0')
            abort();  // every failure must say why
        return 0;
    }
    check_roundtrip(s, "parse");
    (void)ddl_classify(s);
    if (ddl_tables(&refs, &n_refs, s, "d", NULL) != 0)
        abort();
    free(refs);
    if (ddl_split(&parts, &n_parts, s, &e) != 0) {
        fprintf(stderr, "split failed: %s\n", e.message);
        abort();
    }
    for (size_t i = 0; i < n_parts; i++)
        check_roundtrip(parts[i], "split");
    ddl_stmts_free(parts, n_parts);
    if (ddl_rename(s, "d", rename_cb, NULL, NULL) != 0)
        abort();
    check_roundtrip(s, "rename");
    ddl_stmt_destroy(s);
    return 0;
}
