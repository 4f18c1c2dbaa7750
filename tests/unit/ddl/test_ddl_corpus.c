// The DDL corpus: every entry of tests/data/ddl/corpus/*.sql (entries are separated by blank
// lines) must parse; printing it and parsing the result must give the same AST (compared
// through ddl_dump); splitting and renaming it must give statements that print and re-parse
// the same way too.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ddl.h"

// When DDL_CORPUS_EXPORT names a file, every CREATE TABLE entry is also written there as one
// JSON object per line (its SQL printed after moving every table into a database of its
// own), for tests/integration/test_ddl_corpus_mariadb.sh to run on a real server.
static FILE *export_file;
static int export_seq;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
            buf[n] = '\0';
            *len = (size_t)n;
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

static char *printed_sql(const ddl_stmt *s)
{
    dm_buf b;
    dm_buf_init(&b);
    assert_int_equal(ddl_print(&b, s, NULL), 0);
    return dm_buf_detach(&b);
}

// roundtrip checks parse(print(s)) == s and returns the printed SQL (caller frees).
static char *roundtrip(const ddl_stmt *s, const char *what)
{
    dm_buf printed, d1, d2;
    ddl_stmt *s2 = NULL;
    dm_err e;
    dm_buf_init(&printed);
    dm_buf_init(&d1);
    dm_buf_init(&d2);
    assert_int_equal(ddl_print(&printed, s, NULL), 0);
    assert_int_equal(ddl_dump(&d1, s, NULL), 0);
    if (ddl_parse(&s2, printed.data, printed.len, NULL, &e) != 0)
        fail_msg("%s: printed SQL does not parse: %s\nprinted: %s", what, e.message, printed.data);
    assert_int_equal(ddl_dump(&d2, s2, NULL), 0);
    if (strcmp(d1.data, d2.data) != 0)
        fail_msg("%s: AST changed after print + parse\nprinted: %s\nbefore:\n%safter:\n%s", what, printed.data,
                 d1.data, d2.data);
    ddl_stmt_destroy(s2);
    dm_buf_fini(&d1);
    dm_buf_fini(&d2);
    return dm_buf_detach(&printed);
}

static int prefix_rename(void *ctx, const char *db, const char *table, const char **new_db,
                         const char **new_table, dm_err *err)
{
    static char bdb[512], btb[512];
    (void)ctx;
    (void)err;
    snprintf(bdb, sizeof(bdb), "r_%s", db);
    snprintf(btb, sizeof(btb), "%s%s", *table ? "x_" : "", table);
    *new_db = bdb;
    *new_table = *table ? btb : NULL;
    return 0;
}

static int export_rename(void *ctx, const char *db, const char *table, const char **new_db,
                         const char **new_table, dm_err *err)
{
    (void)db;
    (void)table;
    (void)new_table;
    (void)err;
    *new_db = ctx;
    return 0;
}

// export_entry writes one CREATE TABLE entry for the real-server check. An entry that holds
// "-- mariadb-skip: reason" is exported with that reason so the check lists it.
static void export_entry(const char *where, const char *sql, size_t len)
{
    ddl_stmt *s = NULL;
    char db[32], *p;
    const char *skip;
    json_t *o;
    char *line;
    if (export_file == NULL || ddl_parse(&s, sql, len, NULL, NULL) != 0)
        return;
    if (s->kind != DDL_STMT_CREATE_TABLE) {
        ddl_stmt_destroy(s);
        return;
    }
    snprintf(db, sizeof(db), "ddlc_%d", ++export_seq);
    assert_int_equal(ddl_rename(s, db, export_rename, db, NULL), 0);
    p = printed_sql(s);
    o = json_object();
    json_object_set_new(o, "where", json_string(where));
    json_object_set_new(o, "db", json_string(db));
    json_object_set_new(o, "sql", json_string(p));
    if (s->u.create_table.has_like)
        json_object_set_new(o, "like", json_string(s->u.create_table.like.name));
    skip = memmem(sql, len, "-- mariadb-skip:", 16);
    if (skip) {
        const char *e = memchr(skip, '\n', len - (size_t)(skip - sql));
        size_t n = e ? (size_t)(e - skip) : len - (size_t)(skip - sql);
        json_object_set_new(o, "skip", json_stringn(skip + 16, n - 16));
    }
    line = json_dumps(o, JSON_COMPACT);
    fprintf(export_file, "%s\n", line);
    free(line);
    json_decref(o);
    free(p);
    ddl_stmt_destroy(s);
}

static int check_entry(const char *file, int line, const char *sql, size_t len)
{
    ddl_stmt *s = NULL, **parts = NULL;
    size_t n_parts = 0;
    dm_err e;
    char what[512];
    char *printed;
    ddl_table_ref *refs = NULL;
    size_t n_refs = 0;
    snprintf(what, sizeof(what), "%s:%d", file, line);
    export_entry(what, sql, len);
    if (ddl_parse(&s, sql, len, NULL, &e) != 0)
        fail_msg("%s: does not parse: %s", what, e.message);
    assert_int_not_equal(s->kind, DDL_STMT_UNKNOWN);
    printed = roundtrip(s, what);
    free(printed);
    // tables: every listed table has a non-NULL db and table
    assert_int_equal(ddl_tables(&refs, &n_refs, s, "defdb", NULL), 0);
    for (size_t i = 0; i < n_refs; i++) {
        assert_non_null(refs[i].db);
        assert_non_null(refs[i].table);
    }
    free(refs);
    // split
    if (ddl_split(&parts, &n_parts, s, &e) != 0)
        fail_msg("%s: split failed: %s", what, e.message);
    assert_true(n_parts >= 1);
    for (size_t i = 0; i < n_parts; i++) {
        free(roundtrip(parts[i], what));
        assert_int_equal(ddl_classify(parts[i]) == DDL_EVENT_NONE, ddl_classify(s) == DDL_EVENT_NONE);
    }
    ddl_stmts_free(parts, n_parts);
    // rename, then print + parse
    if (ddl_rename(s, "defdb", prefix_rename, NULL, &e) != 0)
        fail_msg("%s: rename failed: %s", what, e.message);
    free(roundtrip(s, what));
    ddl_stmt_destroy(s);
    return 0;
}

static int check_file(const char *path, const char *name)
{
    size_t len = 0;
    char *buf = slurp(path, &len);
    int count = 0, line = 1;
    const char *p;
    assert_non_null(buf);
    p = buf;
    while (*p) {
        const char *end;
        size_t n;
        int start_line;
        while (*p == '\n') {
            p++;
            line++;
        }
        if (!*p)
            break;
        start_line = line;
        end = strstr(p, "\n\n");
        n = end ? (size_t)(end - p) : strlen(p);
        for (size_t i = 0; i < n; i++)
            if (p[i] == '\n')
                line++;
        check_entry(name, start_line, p, n);
        count++;
        p += n;
    }
    free(buf);
    return count;
}

static void test_corpus(void **state)
{
    const char *dir_env = getenv("DM_TEST_DATA_DIR");
    char dir[1024], path[2048];
    DIR *d;
    struct dirent *de;
    int total = 0;
    (void)state;
    snprintf(dir, sizeof(dir), "%s/ddl/corpus", dir_env ? dir_env : DM_TEST_DATA_DIR);
    if (getenv("DDL_CORPUS_EXPORT")) {
        export_file = fopen(getenv("DDL_CORPUS_EXPORT"), "w");
        assert_non_null(export_file);
    }
    d = opendir(dir);
    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".sql") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        total += check_file(path, de->d_name);
    }
    closedir(d);
    if (export_file)
        fclose(export_file);
    printf("ddl corpus: %d statements parsed, printed, re-parsed, split and renamed\n", total);
    assert_true(total >= 500);
}

// test_extra_corpus checks the statements of the file named by DDL_EXTRA_CORPUS the same
// way (the real-server test passes MariaDB's SHOW CREATE TABLE outputs); nothing to do when
// the variable is not set.
static void test_extra_corpus(void **state)
{
    const char *path = getenv("DDL_EXTRA_CORPUS");
    (void)state;
    if (path == NULL)
        return;
    printf("ddl extra corpus: %d statements from %s round-trip\n", check_file(path, path), path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_extra_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
