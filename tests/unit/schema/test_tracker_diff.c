// Differential test of the schema tracker against a real MariaDB.
//
// A seeded generator writes reproducible sequences of CREATE/ALTER/RENAME/DROP/TRUNCATE/
// CREATE INDEX/DROP INDEX statements (mostly valid, some deliberately wrong: unknown or
// duplicate tables, columns and keys). Every statement goes to the tracker (parsed by
// ddl_parse) and, when DM_TRACKER_MARIADB_PORT names a server (tests/integration/
// test_tracker_mariadb.sh sets it), to the server as well:
//   - when the server rejects a statement the tracker must reject it too, with the
//     matching MariaDB error number when the tracker's code mirrors one;
//   - after every statement, the tracker's tables must be the server's (SHOW TABLES) and
//     each printed table must equal SHOW CREATE TABLE after normalisation: only
//     " AUTO_INCREMENT=N" is removed from both (the server shows the next counter value).
// Without a server (the plain unit run) the same sequences check the tracker alone: every
// table survives a JSON round trip, and re-parsing its printed CREATE TABLE gives the same
// text (printing is a fixed point).
// DM_TRACKER_DIFF_SEQUENCES (default 100) and DM_TRACKER_DIFF_SEED (default 1) choose the
// sequences; a failure names the seed and statement.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddl.h"
#include "dm_meta.h"
#include "tracker.h"

typedef struct gen {
    uint64_t s;
} gen;

static uint64_t next(gen *g)
{
    g->s ^= g->s << 13;
    g->s ^= g->s >> 7;
    g->s ^= g->s << 17;
    return g->s;
}

static int rnd(gen *g, int n)
{
    return (int)(next(g) % (uint64_t)n);
}

static bool chance(gen *g, int percent)
{
    return rnd(g, 100) < percent;
}

typedef struct stats {
    int sequences, statements, server_rejected, tracker_rejected, compared;
} stats;

typedef struct ctx {
    MYSQL *db;       // NULL: tracker-only mode
    tracker *tr;
    gen g;
    char dba[64], dbb[64];
    stats *st;
    unsigned long seed;
} ctx;

// ---------------------------------------------------------------------------------------
// Generator

typedef enum { K_INT, K_DEC, K_STR, K_TEXT, K_DT, K_TS, K_DATE, K_ENUM, K_DBL, K_BIT, K_YEAR,
               K_TIME, K_SET } kind;

static kind gen_type(ctx *c, dm_buf *b, int *len)
{
    gen *g = &c->g;
    *len = 0;
    switch (rnd(g, 20)) {
    case 0: dm_buf_puts(b, "INT"); return K_INT;
    case 1: dm_buf_puts(b, "INT UNSIGNED"); return K_INT;
    case 2: dm_buf_puts(b, "BIGINT"); return K_INT;
    case 3: dm_buf_puts(b, "TINYINT"); return K_INT;
    case 4: dm_buf_puts(b, "SMALLINT UNSIGNED"); return K_INT;
    case 5: {
        int p = 5 + rnd(g, 8), s = rnd(g, 4);
        dm_buf_printf(b, "DECIMAL(%d,%d)", p, s);
        return K_DEC;
    }
    case 6: case 7: {
        static const int l[] = {10, 20, 50, 100};
        *len = l[rnd(g, 4)];
        dm_buf_printf(b, "VARCHAR(%d)", *len);
        return K_STR;
    }
    case 8: *len = 1 + rnd(g, 10); dm_buf_printf(b, "CHAR(%d)", *len); return K_STR;
    case 9: dm_buf_puts(b, "TEXT"); return K_TEXT;
    case 10: dm_buf_puts(b, "DATETIME"); return K_DT;
    case 11: dm_buf_puts(b, "DATE"); return K_DATE;
    case 12: dm_buf_puts(b, "ENUM('a','b','c')"); return K_ENUM;
    case 13: dm_buf_puts(b, "DOUBLE"); return K_DBL;
    case 14: dm_buf_puts(b, "TIMESTAMP NULL"); return K_TS;
    case 15: *len = 20; dm_buf_puts(b, "VARCHAR(20) CHARACTER SET latin1"); return K_STR;
    case 16: *len = 30; dm_buf_puts(b, "VARCHAR(30) COLLATE utf8mb4_bin"); return K_STR;
    case 17: dm_buf_printf(b, "BIT(%d)", 1 + rnd(g, 8)); return K_BIT;
    case 18: dm_buf_puts(b, "YEAR"); return K_YEAR;
    default:
        if (chance(g, 50)) {
            dm_buf_puts(b, "TIME(2)");
            return K_TIME;
        }
        dm_buf_puts(b, "SET('x','y')");
        return K_SET;
    }
}

static void gen_default(ctx *c, dm_buf *b, kind k, int len, bool not_null)
{
    gen *g = &c->g;
    if (!not_null && chance(g, 20)) {
        dm_buf_puts(b, " DEFAULT NULL");
        return;
    }
    if (chance(g, 3)) {
        // Deliberately invalid for most types.
        dm_buf_puts(b, " DEFAULT 'not a value for this column'");
        return;
    }
    switch (k) {
    case K_INT: dm_buf_printf(b, chance(g, 30) ? " DEFAULT '%d'" : " DEFAULT %d", rnd(g, 100)); break;
    case K_DEC: dm_buf_puts(b, chance(g, 50) ? " DEFAULT 1.5" : " DEFAULT 0"); break;
    case K_STR: dm_buf_puts(b, len >= 2 ? " DEFAULT 'ab'" : " DEFAULT 'z'"); break;
    case K_TEXT: dm_buf_puts(b, " DEFAULT 'x'"); break;
    case K_DT:
        dm_buf_puts(b, chance(g, 50) ? " DEFAULT CURRENT_TIMESTAMP" : " DEFAULT '2020-01-02 03:04:05'");
        break;
    case K_TS:
        dm_buf_puts(b, chance(g, 50) ? " DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"
                                     : " DEFAULT '2021-01-01 00:00:00'");
        break;
    case K_DATE: dm_buf_puts(b, " DEFAULT '2021-02-03'"); break;
    case K_ENUM: dm_buf_puts(b, " DEFAULT 'b'"); break;
    case K_DBL: dm_buf_puts(b, chance(g, 50) ? " DEFAULT 2.5" : " DEFAULT 3"); break;
    case K_BIT: dm_buf_puts(b, " DEFAULT b'1'"); break;
    case K_YEAR: dm_buf_puts(b, " DEFAULT 2001"); break;
    case K_TIME: dm_buf_puts(b, " DEFAULT '10:11:12'"); break;
    case K_SET: dm_buf_puts(b, " DEFAULT 'y'"); break;
    }
}

// gen_column writes a column definition (without the name).
static kind gen_column(ctx *c, dm_buf *b, int *len)
{
    gen *g = &c->g;
    kind k = gen_type(c, b, len);
    bool nn = chance(g, 30);
    if (nn)
        dm_buf_puts(b, " NOT NULL");
    if (chance(g, 45))
        gen_default(c, b, k, *len, nn);
    if (chance(g, 10))
        dm_buf_puts(b, " COMMENT 'col''s note'");
    if (chance(g, 4))
        dm_buf_puts(b, " INVISIBLE");
    return k;
}

static const char *col_names[] = {"c1", "c2", "c3", "c4", "c5", "c6", "C7", "id"};
static const char *tab_names[] = {"t1", "t2", "t3", "t4"};

// fresh_column prefers a name the table does not have yet.
static const char *fresh_column(ctx *c, const schema_table *t)
{
    for (int tries = 0; tries < 8; tries++) {
        const char *n = col_names[rnd(&c->g, 7)];
        if (t == NULL || schema_table_find_column(t, n, NULL) == NULL || chance(&c->g, 5))
            return n;
    }
    return col_names[rnd(&c->g, 7)];
}

static const schema_table *pick_table(ctx *c, const char **name)
{
    char **names = NULL;
    size_t n = 0;
    const schema_table *t = NULL;
    static char buf[64];
    *name = tab_names[rnd(&c->g, 4)];
    if (tracker_list_tables(&names, &n, c->tr, c->dba, NULL) == 0 && n > 0 && chance(&c->g, 90)) {
        snprintf(buf, sizeof(buf), "%s", names[rnd(&c->g, (int)n)]);
        *name = buf;
        t = tracker_get_table(c->tr, c->dba, buf);
    }
    tracker_free_names(names, n);
    return t;
}

static const char *pick_column(ctx *c, const schema_table *t)
{
    if (t != NULL && chance(&c->g, 85))
        return schema_table_column(t, (size_t)rnd(&c->g, (int)schema_table_column_count(t)))->name;
    return col_names[rnd(&c->g, 8)];
}

static void gen_key_parts(ctx *c, dm_buf *b, const schema_table *t, const char **defcols,
                          const int *deflens, const kind *defkinds, int ndef)
{
    int parts = 1 + (chance(&c->g, 30) ? rnd(&c->g, 2) + 1 : 0);
    int start = rnd(&c->g, 8);
    dm_buf_putc(b, '(');
    for (int i = 0; i < parts; i++) {
        if (i)
            dm_buf_putc(b, ',');
        const char *name;
        int len = 0;
        kind k = K_INT;
        if (defcols != NULL) {
            int j = (rnd(&c->g, ndef) + i) % ndef;
            name = defcols[j];
            len = deflens[j];
            k = defkinds[j];
        } else {
            size_t nc = t ? schema_table_column_count(t) : 0;
            name = nc > 0 && chance(&c->g, 90)
                       ? schema_table_column(t, (size_t)(start + i) % nc)->name
                       : pick_column(c, t);
            const schema_column *col = t ? schema_table_find_column(t, name, NULL) : NULL;
            if (col != NULL && (col->type.base == SCHEMA_TYPE_VARCHAR || col->type.base == SCHEMA_TYPE_CHAR)) {
                k = K_STR;
                len = (int)col->type.length;
            } else if (col != NULL && schema_type_is_blob(col->type.base)) {
                k = K_TEXT;
            }
        }
        dm_buf_printf(b, "`%s`", name);
        if ((k == K_STR && len > 3 && chance(&c->g, 40)) || (k == K_TEXT && chance(&c->g, 90)))
            dm_buf_printf(b, "(%d)", k == K_TEXT ? 10 : 1 + rnd(&c->g, len - 1));
        if (chance(&c->g, 5))
            dm_buf_puts(b, " DESC");
    }
    dm_buf_putc(b, ')');
}

static void gen_create(ctx *c, dm_buf *b)
{
    gen *g = &c->g;
    const char *cols[8];
    int lens[8];
    kind kinds[8];
    int n = 1 + rnd(g, 5);
    const char *tn = tab_names[rnd(g, 4)];
    for (int tries = 0; tries < 6 && tracker_get_table(c->tr, c->dba, tn) != NULL &&
                        !chance(g, 10);
         tries++)
        tn = tab_names[rnd(g, 4)];
    dm_buf_printf(b, "CREATE TABLE %s`%s` (", chance(g, 15) ? "IF NOT EXISTS " : "", tn);
    int first = chance(g, 60);
    int k = 0;
    if (first) {
        dm_buf_printf(b, "`id` INT%s NOT NULL%s", chance(g, 40) ? " UNSIGNED" : "",
                      chance(g, 50) ? " AUTO_INCREMENT PRIMARY KEY" : " PRIMARY KEY");
        cols[k] = "id";
        lens[k] = 0;
        kinds[k++] = K_INT;
    }
    int order[7] = {0, 1, 2, 3, 4, 5, 6};
    for (int i = 6; i > 0; i--) {
        int j = rnd(g, i + 1), tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
    for (int i = 0; i < n; i++) {
        // A repeated name now and then (duplicate column error).
        const char *cn = col_names[chance(g, 3) ? rnd(g, 7) : order[i]];
        if (k > 0 || first)
            dm_buf_puts(b, ", ");
        dm_buf_printf(b, "`%s` ", cn);
        kinds[k] = gen_column(c, b, &lens[k]);
        cols[k++] = cn;
    }
    int nk = rnd(g, 3);
    for (int i = 0; i < nk; i++) {
        int which = rnd(g, 10);
        dm_buf_puts(b, which < 2 && !first ? ", PRIMARY KEY " : which < 5 ? ", UNIQUE KEY " : ", KEY ");
        if (which >= 2 && chance(g, 40))
            dm_buf_printf(b, "`k%d` ", rnd(g, 3));
        gen_key_parts(c, b, NULL, cols, lens, kinds, k);
    }
    dm_buf_putc(b, ')');
    if (chance(g, 15))
        dm_buf_puts(b, " DEFAULT CHARSET=latin1");
    if (chance(g, 10))
        dm_buf_puts(b, " COMMENT='table note'");
    if (chance(g, 10))
        dm_buf_puts(b, " ENGINE=InnoDB ROW_FORMAT=DYNAMIC");
}

static void gen_position(ctx *c, dm_buf *b, const schema_table *t)
{
    int r = rnd(&c->g, 10);
    if (r == 0)
        dm_buf_puts(b, " FIRST");
    else if (r <= 2)
        dm_buf_printf(b, " AFTER `%s`", pick_column(c, t));
}

static void gen_alter_spec(ctx *c, dm_buf *b, const schema_table *t)
{
    gen *g = &c->g;
    int len;
    switch (rnd(g, 19)) {
    case 17:
        dm_buf_printf(b, "ADD CONSTRAINT `ck%d` CHECK (`%s` > 0)", rnd(g, 2), pick_column(c, t));
        break;
    case 18:
        dm_buf_printf(b, "DROP CONSTRAINT %s`ck%d`", chance(g, 20) ? "IF EXISTS " : "", rnd(g, 2));
        break;
    case 0: case 1: case 2:
        dm_buf_printf(b, "ADD COLUMN `%s` ", fresh_column(c, t));
        gen_column(c, b, &len);
        gen_position(c, b, t);
        break;
    case 3: case 4:
        dm_buf_printf(b, "DROP COLUMN %s`%s`", chance(g, 10) ? "IF EXISTS " : "", pick_column(c, t));
        break;
    case 5:
        dm_buf_printf(b, "MODIFY `%s` ", pick_column(c, t));
        gen_column(c, b, &len);
        gen_position(c, b, t);
        break;
    case 6:
        dm_buf_printf(b, "CHANGE `%s` `%s` ", pick_column(c, t), fresh_column(c, t));
        gen_column(c, b, &len);
        break;
    case 7:
        dm_buf_printf(b, "RENAME COLUMN `%s` TO `%s`", pick_column(c, t), fresh_column(c, t));
        break;
    case 8: {
        const char *cn = pick_column(c, t);
        const schema_column *col = t ? schema_table_find_column(t, cn, NULL) : NULL;
        if (chance(g, 40) || col == NULL)
            dm_buf_printf(b, "ALTER COLUMN `%s` DROP DEFAULT", cn);
        else if (schema_type_is_integer(col->type.base))
            dm_buf_printf(b, "ALTER COLUMN `%s` SET DEFAULT %d", cn, rnd(g, 50));
        else
            dm_buf_printf(b, "ALTER COLUMN `%s` SET DEFAULT 'b'", cn);
        break;
    }
    case 9: case 10:
        dm_buf_puts(b, chance(g, 10) ? "ADD FULLTEXT INDEX " : chance(g, 40) ? "ADD UNIQUE INDEX " : "ADD INDEX ");
        if (chance(g, 50))
            dm_buf_printf(b, "`k%d` ", rnd(g, 3));
        gen_key_parts(c, b, t, NULL, NULL, NULL, 0);
        break;
    case 11:
        dm_buf_puts(b, chance(g, 50) ? "ADD PRIMARY KEY " : "DROP PRIMARY KEY");
        if (b->data[b->len - 1] == ' ')
            gen_key_parts(c, b, t, NULL, NULL, NULL, 0);
        break;
    case 12: {
        const char *in = "k1";
        if (t != NULL && schema_table_index_count(t) > 0 && chance(g, 80))
            in = schema_table_index(t, (size_t)rnd(g, (int)schema_table_index_count(t)))->name;
        if (strcmp(in, "PRIMARY") == 0)
            dm_buf_puts(b, "DROP PRIMARY KEY");
        else if (chance(g, 70))
            dm_buf_printf(b, "DROP INDEX `%s`", in);
        else
            dm_buf_printf(b, "RENAME INDEX `%s` TO `k%d`", in, rnd(g, 3));
        break;
    }
    case 13:
        dm_buf_puts(b, chance(g, 50) ? "CONVERT TO CHARACTER SET latin1"
                                     : "CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        break;
    case 14:
        dm_buf_puts(b, chance(g, 50) ? "COMMENT='changed'" : "DEFAULT CHARSET=latin1");
        break;
    case 15:
        dm_buf_printf(b, "ADD COLUMN `%s` INT NOT NULL AUTO_INCREMENT UNIQUE", fresh_column(c, t));
        break;
    default:
        dm_buf_printf(b, "ENGINE=InnoDB");
        break;
    }
}

static void gen_statement(ctx *c, dm_buf *b)
{
    gen *g = &c->g;
    const char *tn;
    const schema_table *t;
    int r = rnd(g, 100);
    char **names = NULL;
    size_t ntab = 0;
    tracker_list_tables(&names, &ntab, c->tr, c->dba, NULL);
    tracker_free_names(names, ntab);
    if (ntab == 0 && chance(g, 85))
        r = 0; // an empty database mostly gets a table first
    if (r < 22) {
        gen_create(c, b);
    } else if (r < 70) {
        t = pick_table(c, &tn);
        dm_buf_printf(b, "ALTER TABLE `%s` ", tn);
        int n = 1 + (chance(g, 35) ? rnd(g, 3) : 0);
        for (int i = 0; i < n; i++) {
            if (i)
                dm_buf_puts(b, ", ");
            gen_alter_spec(c, b, t);
        }
        if (chance(g, 4))
            dm_buf_printf(b, ", RENAME TO `%s`.`%s`", chance(g, 50) ? c->dbb : c->dba,
                          tab_names[rnd(g, 4)]);
    } else if (r < 77) {
        const char *a, *bb;
        pick_table(c, &a);
        char a_copy[64];
        snprintf(a_copy, sizeof(a_copy), "%s", a);
        dm_buf_printf(b, "RENAME TABLE `%s` TO `%s`", a_copy, tab_names[rnd(g, 4)]);
        if (chance(g, 30)) {
            pick_table(c, &bb);
            dm_buf_printf(b, ", `%s` TO `%s`.`%s`", bb, chance(g, 50) ? c->dbb : c->dba,
                          tab_names[rnd(g, 4)]);
        }
    } else if (r < 83) {
        pick_table(c, &tn);
        dm_buf_printf(b, "DROP TABLE %s`%s`", chance(g, 20) ? "IF EXISTS " : "", tn);
        if (chance(g, 20))
            dm_buf_printf(b, ", `%s`", tab_names[rnd(g, 4)]);
    } else if (r < 86) {
        pick_table(c, &tn);
        dm_buf_printf(b, "TRUNCATE TABLE `%s`", tn);
    } else if (r < 92) {
        t = pick_table(c, &tn);
        char tcopy[64];
        snprintf(tcopy, sizeof(tcopy), "%s", tn);
        dm_buf_printf(b, "CREATE %sINDEX `i%d` ON `%s` ", chance(g, 30) ? "UNIQUE " : "",
                      rnd(g, 3), tcopy);
        gen_key_parts(c, b, t, NULL, NULL, NULL, 0);
    } else if (r < 96) {
        pick_table(c, &tn);
        dm_buf_printf(b, "DROP INDEX `i%d` ON `%s`", rnd(g, 3), tn);
    } else {
        pick_table(c, &tn);
        char tcopy[64];
        snprintf(tcopy, sizeof(tcopy), "%s", tn);
        dm_buf_printf(b, "CREATE TABLE `%s` LIKE `%s`", tab_names[rnd(g, 4)], tcopy);
    }
}

// ---------------------------------------------------------------------------------------
// Checking

static void strip_auto_increment(char *s)
{
    char *p = strstr(s, " AUTO_INCREMENT=");
    if (p == NULL)
        return;
    char *q = p + strlen(" AUTO_INCREMENT=");
    while (*q >= '0' && *q <= '9')
        q++;
    memmove(p, q, strlen(q) + 1);
}

static char *tracker_text(ctx *c, const char *db, const char *name)
{
    const schema_table *t = tracker_get_table(c->tr, db, name);
    dm_buf b;
    if (t == NULL)
        return NULL;
    dm_buf_init(&b);
    assert_int_equal(schema_table_print(&b, t, NULL), 0);
    char *s = dm_buf_detach(&b);
    strip_auto_increment(s);
    return s;
}

static void fail_at(ctx *c, const char *sql, const char *fmt, ...)
{
    char msg[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    // cmocka truncates long messages: the whole text goes to stderr first.
    fprintf(stderr, "seed %lu, statement [%s]: %s\n", c->seed, sql, msg);
    fail_msg("seed %lu, statement [%s]: %.300s", c->seed, sql, msg);
}

static void compare_db(ctx *c, const char *db, const char *sql)
{
    char q[256];
    char **names = NULL;
    size_t n = 0;
    snprintf(q, sizeof(q), "SHOW TABLES FROM `%s`", db);
    if (mysql_query(c->db, q) != 0)
        fail_at(c, sql, "%s: %s", q, mysql_error(c->db));
    MYSQL_RES *res = mysql_store_result(c->db);
    assert_non_null(res);
    assert_int_equal(tracker_list_tables(&names, &n, c->tr, db, NULL), 0);
    size_t server_n = (size_t)mysql_num_rows(res);
    if (server_n != n)
        fail_at(c, sql, "database %s: the server has %zu tables, the tracker %zu", db, server_n, n);
    MYSQL_ROW row;
    while ((row = mysql_fetch_row(res)) != NULL) {
        char *mine = tracker_text(c, db, row[0]);
        if (mine == NULL)
            fail_at(c, sql, "table %s.%s is missing from the tracker", db, row[0]);
        snprintf(q, sizeof(q), "SHOW CREATE TABLE `%s`.`%s`", db, row[0]);
        if (mysql_query(c->db, q) != 0)
            fail_at(c, sql, "%s: %s", q, mysql_error(c->db));
        MYSQL_RES *r2 = mysql_store_result(c->db);
        MYSQL_ROW row2 = mysql_fetch_row(r2);
        char *theirs = strdup(row2[1]);
        strip_auto_increment(theirs);
        if (strcmp(mine, theirs) != 0)
            fail_at(c, sql, "table %s.%s differs.\n--- server:\n%s\n--- tracker:\n%s", db, row[0],
                    theirs, mine);
        c->st->compared++;
        free(theirs);
        free(mine);
        mysql_free_result(r2);
    }
    mysql_free_result(res);
    tracker_free_names(names, n);
}

static int cmp_line(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

// same_lines tells whether two texts hold the same lines in any order (trailing commas
// ignored).
static bool same_lines(const char *x, const char *y)
{
    char *bx = strdup(x), *by = strdup(y);
    char *lx[512], *ly[512];
    size_t nx = 0, ny = 0;
    for (char *t = strtok(bx, "\n"); t && nx < 512; t = strtok(NULL, "\n"))
        lx[nx++] = t;
    for (char *t = strtok(by, "\n"); t && ny < 512; t = strtok(NULL, "\n"))
        ly[ny++] = t;
    bool same = nx == ny;
    for (size_t i = 0; same && i < nx; i++) {
        size_t l = strlen(lx[i]);
        if (l && lx[i][l - 1] == ',')
            lx[i][l - 1] = '\0';
        l = strlen(ly[i]);
        if (l && ly[i][l - 1] == ',')
            ly[i][l - 1] = '\0';
    }
    qsort(lx, nx, sizeof(char *), cmp_line);
    qsort(ly, ny, sizeof(char *), cmp_line);
    for (size_t i = 0; same && i < nx; i++)
        same = strcmp(lx[i], ly[i]) == 0;
    free(bx);
    free(by);
    return same;
}

// self_check: JSON round trip and print -> parse -> print fixed point, for every table.
static void self_check(ctx *c, const char *db, const char *sql)
{
    char **names = NULL;
    size_t n = 0;
    assert_int_equal(tracker_list_tables(&names, &n, c->tr, db, NULL), 0);
    for (size_t i = 0; i < n; i++) {
        const schema_table *t = tracker_get_table(c->tr, db, names[i]);
        schema_table *u = NULL;
        dm_buf a, b2;
        dm_buf_init(&a);
        dm_buf_init(&b2);
        schema_table_print(&a, t, NULL);
        json_t *j = schema_table_to_json(t);
        assert_int_equal(schema_table_from_json(&u, j, NULL), 0);
        schema_table_print(&b2, u, NULL);
        if (strcmp(a.data, b2.data) != 0)
            fail_at(c, sql, "JSON round trip changed %s:\n%s\n---\n%s", names[i], a.data, b2.data);
        json_decref(j);
        schema_table_destroy(u);
        // Re-create the printed table in a scratch database and print it again. A column
        // whose default was dropped prints without DEFAULT and re-creates with DEFAULT NULL,
        // on the server too: such tables are not a fixed point.
        bool dropped_default = false;
        for (size_t k = 0; k < schema_table_column_count(t); k++)
            dropped_default = dropped_default || schema_table_column(t, k)->no_default;
        if (dropped_default) {
            dm_buf_fini(&a);
            dm_buf_fini(&b2);
            continue;
        }
        tracker *scratch = NULL;
        dm_err err;
        assert_int_equal(tracker_create(&scratch, NULL, NULL), 0);
        assert_int_equal(tracker_exec(scratch, "CREATE DATABASE s", NULL, NULL), 0);
        if (tracker_exec(scratch, a.data, "s", &err) != 0)
            fail_at(c, sql, "printed table does not re-create: %s\n%s", err.message, a.data);
        dm_buf_reset(&b2);
        schema_table_print(&b2, tracker_get_table(scratch, "s", names[i]), NULL);
        // Re-creating may order keys differently (an ALTER can keep an order CREATE would not
        // choose; the server does the same), so lines are compared as sets.
        if (!same_lines(a.data, b2.data))
            fail_at(c, sql, "printing is not a fixed point for %s:\n%s\n---\n%s", names[i], a.data,
                    b2.data);
        tracker_destroy(scratch);
        dm_buf_fini(&a);
        dm_buf_fini(&b2);
        c->st->compared++;
    }
    tracker_free_names(names, n);
}

static void run_statement(ctx *c, const char *sql)
{
    dm_err err;
    dm_err_clear(&err);
    int rc = tracker_exec(c->tr, sql, c->dba, &err);
    c->st->statements++;
    if (rc != 0)
        c->st->tracker_rejected++;
    if (c->db != NULL) {
        int qrc = mysql_query(c->db, sql);
        unsigned server_errno = qrc ? mysql_errno(c->db) : 0;
        if (qrc) {
            c->st->server_rejected++;
            if (getenv("DM_TRACKER_DIFF_VERBOSE") != NULL)
                fprintf(stderr, "rejected %u: %s\n", server_errno, mysql_error(c->db));
            if (rc == 0)
                fail_at(c, sql, "the server rejected it (%u: %s), the tracker accepted it",
                        server_errno, mysql_error(c->db));
            int mirrored = schema_err_server_code(rc);
            if (mirrored != 0 && (unsigned)mirrored != server_errno)
                fail_at(c, sql, "error mismatch: server %u (%s), tracker %d (%s)", server_errno,
                        mysql_error(c->db), mirrored, err.message);
        } else if (rc != 0) {
            fail_at(c, sql, "the server accepted it, the tracker rejected it: %s", err.message);
        }
        compare_db(c, c->dba, sql);
        compare_db(c, c->dbb, sql);
    } else {
        self_check(c, c->dba, sql);
        self_check(c, c->dbb, sql);
    }
}

static void exec_both(ctx *c, const char *sql)
{
    if (c->db != NULL && mysql_query(c->db, sql) != 0)
        fail_msg("setup [%s]: %s", sql, mysql_error(c->db));
    dm_err err;
    if (tracker_exec(c->tr, sql, NULL, &err) != 0)
        fail_msg("setup [%s]: %s", sql, err.message);
}

static void run_sequence(MYSQL *db, unsigned long seed, stats *st)
{
    ctx c = {.db = db, .st = st, .seed = seed};
    char sql[256];
    c.g.s = seed * 0x9E3779B97F4A7C15ull + 1;
    snprintf(c.dba, sizeof(c.dba), "tdiff_%lu", seed);
    snprintf(c.dbb, sizeof(c.dbb), "tdiff_%lub", seed);
    assert_int_equal(tracker_create(&c.tr, NULL, NULL), 0);
    if (db != NULL) {
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS `%s`", c.dba);
        mysql_query(db, sql);
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS `%s`", c.dbb);
        mysql_query(db, sql);
    }
    snprintf(sql, sizeof(sql), "CREATE DATABASE `%s`", c.dba);
    exec_both(&c, sql);
    snprintf(sql, sizeof(sql), "CREATE DATABASE `%s` CHARACTER SET latin1", c.dbb);
    exec_both(&c, sql);
    if (db != NULL && mysql_select_db(db, c.dba) != 0)
        fail_msg("USE %s: %s", c.dba, mysql_error(db));
    int n = 10 + rnd(&c.g, 8);
    for (int i = 0; i < n; i++) {
        dm_buf b;
        dm_buf_init(&b);
        gen_statement(&c, &b);
        run_statement(&c, b.data);
        dm_buf_fini(&b);
    }
    // The saved state restores to the same catalog.
    json_t *j = tracker_to_json(c.tr);
    tracker *back = NULL;
    assert_non_null(j);
    assert_int_equal(tracker_from_json(&back, j, NULL), 0);
    json_t *j2 = tracker_to_json(back);
    assert_true(json_equal(j, j2));
    json_decref(j);
    json_decref(j2);
    tracker_destroy(back);
    if (db != NULL) {
        snprintf(sql, sizeof(sql), "DROP DATABASE `%s`", c.dba);
        mysql_query(db, sql);
        snprintf(sql, sizeof(sql), "DROP DATABASE `%s`", c.dbb);
        mysql_query(db, sql);
    }
    tracker_destroy(c.tr);
    st->sequences++;
}

static void test_sequences(void **state)
{
    (void)state;
    const char *port = getenv("DM_TRACKER_MARIADB_PORT");
    const char *ns = getenv("DM_TRACKER_DIFF_SEQUENCES");
    const char *sd = getenv("DM_TRACKER_DIFF_SEED");
    unsigned long n = ns ? strtoul(ns, NULL, 10) : 100, seed0 = sd ? strtoul(sd, NULL, 10) : 1;
    MYSQL *db = NULL;
    stats st = {0};
    if (port != NULL && port[0]) {
        db = mysql_init(NULL);
        assert_non_null(db);
        if (mysql_real_connect(db, "127.0.0.1", "root", "", NULL, (unsigned)atoi(port), NULL, 0) ==
            NULL)
            fail_msg("connect to 127.0.0.1:%s: %s", port, mysql_error(db));
        mysql_query(db, "SET SESSION sql_mode='STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
                        "NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION'");
    }
    for (unsigned long i = 0; i < n; i++)
        run_sequence(db, seed0 + i, &st);
    printf("tracker differential (%s): %d sequences, %d statements, %d rejected by the server, "
           "%d rejected by the tracker, %d table comparisons\n",
           db ? "against MariaDB" : "tracker only", st.sequences, st.statements, st.server_rejected,
           st.tracker_rejected, st.compared);
    if (db != NULL)
        mysql_close(db);
}

// The dm_meta tables go through the tracker (and the server, when there is one) like any
// other DDL: each has a primary key, and the tracker prints what the server shows.
static void test_dm_meta_tables(void **state)
{
    (void)state;
    const char *port = getenv("DM_TRACKER_MARIADB_PORT");
    MYSQL *db = NULL;
    stats st = {0};
    ctx c = {.st = &st, .seed = 0};
    char **sql = NULL;
    size_t n = 0;
    if (port != NULL && port[0]) {
        db = mysql_init(NULL);
        assert_non_null(mysql_real_connect(db, "127.0.0.1", "root", "", NULL,
                                           (unsigned)atoi(port), NULL, 0));
        mysql_query(db, "DROP DATABASE IF EXISTS dm_meta_check");
    }
    c.db = db;
    snprintf(c.dba, sizeof(c.dba), "dm_meta_check");
    snprintf(c.dbb, sizeof(c.dbb), "dm_meta_check");
    assert_int_equal(tracker_create(&c.tr, NULL, NULL), 0);
    assert_int_equal(dm_meta_create_all(&sql, &n, "dm_meta_check", "task", NULL), 0);
    for (size_t i = 0; i < n; i++) {
        exec_both(&c, sql[i]);
        free(sql[i]);
    }
    free(sql);
    for (int w = 0; w < DM_META_TABLE_COUNT; w++) {
        dm_buf name;
        dm_buf_init(&name);
        assert_int_equal(dm_meta_table_name(&name, (dm_meta_table)w, "task", NULL), 0);
        const schema_table *t = tracker_get_table(c.tr, "dm_meta_check", name.data);
        assert_non_null(t);
        const schema_index *pk = schema_table_handle_key(t);
        assert_non_null(pk);
        assert_int_equal(pk->kind, SCHEMA_INDEX_PRIMARY);
        dm_buf_fini(&name);
    }
    if (db != NULL) {
        compare_db(&c, "dm_meta_check", "dm_meta definitions");
        mysql_query(db, "DROP DATABASE dm_meta_check");
        mysql_close(db);
    }
    tracker_destroy(c.tr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dm_meta_tables),
        cmocka_unit_test(test_sequences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
