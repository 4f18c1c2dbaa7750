// DESIGN: schema comparison and join for optimistic shard merge, following the lattice of
// DM's schemacmp. A table is a tuple (charset, collation, columns, indexes); columns and
// indexes are maps keyed by lower-case name. Every component is ordered ("a contains b"
// means a accepts every row b accepts):
//   - column type: same type, or integers ordered TINYINT < SMALLINT < MEDIUMINT < INT <
//     BIGINT, or TEXT types by size, or BLOB types by size; any other pair conflicts;
//     length (display width, char length, fsp) and scale ordered by size, except DECIMAL
//     whose precision and scale must be equal; UNSIGNED, ZEROFILL and ON UPDATE must be
//     equal; nullable contains NOT NULL; "has a default" contains "has none", and an
//     AUTO_INCREMENT column differs from a column with a default; charset and collation
//     must be equal; ENUM/SET values: a list contains its prefixes.
//   - default value: none < a value; two distinct values conflict.
//   - generated expression and STORED must be equal.
//   - a column missing on one side: the side having it is more general if the column has a
//     default (or is nullable), otherwise they conflict. Joining keeps the column; a NOT NULL
//     column without default then gets the type's zero value as default.
//   - an index: non-unique contains unique contains primary; columns must be equal; a table
//     without an index contains the table with it. Joining keeps only the indexes both sides
//     have and can join; an AUTO_INCREMENT column must still start a key.
// Comparing combines the component orders; two components ordered opposite ways conflict.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema_internal.h"

typedef struct cmpctx {
    int res;        // -1 a < b, 0 equal, 1 a > b
    bool conflict;
    char *reason;
    size_t reason_size;
} cmpctx;

static void conflict(cmpctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void conflict(cmpctx *c, const char *fmt, ...)
{
    if (c->conflict)
        return;
    c->conflict = true;
    if (c->reason != NULL && c->reason_size > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->reason, c->reason_size, fmt, ap);
        va_end(ap);
    }
}

static void combine(cmpctx *c, int r, const char *what)
{
    if (c->conflict || r == 0)
        return;
    if (c->res == 0) {
        c->res = r;
        return;
    }
    if (c->res != r)
        conflict(c, "%s: combining contradicting orders", what);
}

static bool seq_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static int cmp_int(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

typedef enum { FAM_SAME, FAM_INT, FAM_TEXT, FAM_BLOB, FAM_NONE } family;

static family type_family(schema_base_type t)
{
    if (schema_type_is_integer(t))
        return FAM_INT;
    if (t >= SCHEMA_TYPE_TINYTEXT && t <= SCHEMA_TYPE_LONGTEXT)
        return FAM_TEXT;
    if (t >= SCHEMA_TYPE_TINYBLOB && t <= SCHEMA_TYPE_LONGBLOB)
        return FAM_BLOB;
    return FAM_NONE;
}

static bool has_default(const schema_column *c)
{
    return c->auto_increment || c->generated_expr != NULL || (!c->not_null && !c->no_default) ||
           c->default_kind == SCHEMA_DEFAULT_LITERAL || c->default_kind == SCHEMA_DEFAULT_EXPR;
}

static const char *default_value(const schema_column *c)
{
    if (c->default_kind == SCHEMA_DEFAULT_LITERAL || c->default_kind == SCHEMA_DEFAULT_EXPR)
        return c->default_text;
    return NULL;
}

// compare_columns orders two definitions of the same column.
static void compare_columns(cmpctx *c, const schema_column *a, const schema_column *b)
{
    const schema_type *ta = &a->type, *tb = &b->type;
    const char *n = a->name;
    const char *da = default_value(a), *db = default_value(b);
    if (da == NULL || db == NULL)
        combine(c, da ? 1 : db ? -1 : 0, n);
    else if (strcmp(da, db) != 0)
        conflict(c, "column `%s`: distinct default values (%s vs %s)", n, da, db);
    if (!seq_eq(a->generated_expr, b->generated_expr) || a->generated_stored != b->generated_stored)
        conflict(c, "column `%s`: distinct generated expressions", n);
    if (ta->base != tb->base) {
        family fa = type_family(ta->base), fb = type_family(tb->base);
        if (fa == FAM_NONE || fa != fb)
            conflict(c, "column `%s`: incompatible mysql type (%s vs %s)", n,
                     schema_type_name(ta->base), schema_type_name(tb->base));
        else
            combine(c, ta->base < tb->base ? -1 : 1, n);
    }
    if (ta->base == SCHEMA_TYPE_DECIMAL && tb->base == SCHEMA_TYPE_DECIMAL) {
        if (ta->length != tb->length || ta->scale != tb->scale)
            conflict(c, "column `%s`: distinct DECIMAL precision/scale", n);
    } else {
        combine(c, cmp_int(ta->length, tb->length), n);
        combine(c, cmp_int(ta->scale, tb->scale), n);
    }
    if (ta->is_unsigned != tb->is_unsigned || ta->zerofill != tb->zerofill ||
        !seq_eq(a->on_update, b->on_update))
        conflict(c, "column `%s`: distinct flags (UNSIGNED/ZEROFILL/ON UPDATE)", n);
    combine(c, cmp_int(!a->not_null, !b->not_null), n);
    bool ha = has_default(a), hb = has_default(b);
    if (ha && hb) {
        if (a->auto_increment != b->auto_increment)
            conflict(c, "column `%s`: AUTO_INCREMENT on one side only", n);
    } else {
        combine(c, cmp_int(ha, hb), n);
    }
    if (!seq_eq(ta->charset, tb->charset))
        conflict(c, "column `%s`: distinct charsets (%s vs %s)", n, ta->charset ? ta->charset : "",
                 tb->charset ? tb->charset : "");
    if (!seq_eq(ta->collation, tb->collation))
        conflict(c, "column `%s`: distinct collations (%s vs %s)", n,
                 ta->collation ? ta->collation : "", tb->collation ? tb->collation : "");
    size_t m = ta->n_elems < tb->n_elems ? ta->n_elems : tb->n_elems;
    for (size_t i = 0; i < m; i++)
        if (strcmp(ta->elems[i], tb->elems[i]) != 0) {
            conflict(c, "column `%s`: at value list index %zu: distinct values ('%s' vs '%s')",
                     n, i, ta->elems[i], tb->elems[i]);
            break;
        }
    combine(c, cmp_int((int64_t)ta->n_elems, (int64_t)tb->n_elems), n);
}

static bool parts_equal(const schema_index *a, const schema_index *b)
{
    if (a->n_parts != b->n_parts)
        return false;
    for (size_t i = 0; i < a->n_parts; i++)
        if (strcasecmp(a->parts[i].column, b->parts[i].column) != 0 ||
            a->parts[i].prefix != b->parts[i].prefix)
            return false;
    return true;
}

static int kind_rank_unique(schema_index_kind k)
{
    return k == SCHEMA_INDEX_PRIMARY || k == SCHEMA_INDEX_UNIQUE;
}

static int index_type_class(const schema_index *x)
{
    // FULLTEXT and SPATIAL are distinct index types; the rest differ by USING only.
    return x->kind == SCHEMA_INDEX_FULLTEXT ? 1 : x->kind == SCHEMA_INDEX_SPATIAL ? 2 : 0;
}

static void compare_indexes(cmpctx *c, const schema_index *a, const schema_index *b)
{
    if (!parts_equal(a, b)) {
        conflict(c, "index `%s`: distinct columns", a->name);
        return;
    }
    if (index_type_class(a) != index_type_class(b) || !seq_eq(a->using_type, b->using_type)) {
        conflict(c, "index `%s`: distinct index types", a->name);
        return;
    }
    combine(c, cmp_int(!kind_rank_unique(a->kind), !kind_rank_unique(b->kind)), a->name);
    combine(c, cmp_int(a->kind != SCHEMA_INDEX_PRIMARY, b->kind != SCHEMA_INDEX_PRIMARY),
            a->name);
}

schema_cmp_result schema_compare(const schema_table *a, const schema_table *b, char *reason,
                                 size_t reason_size)
{
    cmpctx c = {.reason = reason, .reason_size = reason_size};
    if (reason != NULL && reason_size > 0)
        reason[0] = '\0';
    if (!seq_eq(a->opt.charset, b->opt.charset) || !seq_eq(a->opt.collation, b->opt.collation))
        conflict(&c, "distinct table charset/collation (%s vs %s)",
                 a->opt.collation ? a->opt.collation : "", b->opt.collation ? b->opt.collation : "");
    for (size_t i = 0; i < a->n_cols && !c.conflict; i++) {
        const schema_column *ca = &a->cols[i];
        const schema_column *cb = schema_table_find_column(b, ca->name, NULL);
        if (cb != NULL)
            compare_columns(&c, ca, cb);
        else if (has_default(ca))
            combine(&c, 1, ca->name);
        else
            conflict(&c, "column `%s`: column with no default value cannot be missing", ca->name);
    }
    for (size_t i = 0; i < b->n_cols && !c.conflict; i++) {
        const schema_column *cb = &b->cols[i];
        if (schema_table_find_column(a, cb->name, NULL) != NULL)
            continue;
        if (has_default(cb))
            combine(&c, -1, cb->name);
        else
            conflict(&c, "column `%s`: column with no default value cannot be missing", cb->name);
    }
    for (size_t i = 0; i < a->n_idx && !c.conflict; i++) {
        const schema_index *xb = schema_table_find_index(b, a->idx[i].name);
        if (xb != NULL)
            compare_indexes(&c, &a->idx[i], xb);
        else
            combine(&c, -1, a->idx[i].name);
    }
    for (size_t i = 0; i < b->n_idx && !c.conflict; i++)
        if (schema_table_find_index(a, b->idx[i].name) == NULL)
            combine(&c, 1, b->idx[i].name);
    if (c.conflict)
        return SCHEMA_CMP_CONFLICT;
    return c.res == 0 ? SCHEMA_CMP_EQUAL : c.res > 0 ? SCHEMA_CMP_A_CONTAINS_B
                                                     : SCHEMA_CMP_B_CONTAINS_A;
}

// standard_default is the value a NOT NULL column gets when it is kept for shards lacking it.
static int standard_default(schema_column *c)
{
    char buf[64];
    const schema_type *t = &c->type;
    int fsp = t->length > 0 ? (int)t->length : 0;
    switch (t->base) {
    case SCHEMA_TYPE_DECIMAL:
        if (t->scale > 0) {
            snprintf(buf, sizeof(buf), "0.%0*d", t->scale, 0);
            break;
        }
        snprintf(buf, sizeof(buf), "0");
        break;
    case SCHEMA_TYPE_BIT:
        snprintf(buf, sizeof(buf), "b'0'");
        break;
    case SCHEMA_TYPE_DATE:
        snprintf(buf, sizeof(buf), "'0000-00-00'");
        break;
    case SCHEMA_TYPE_DATETIME: case SCHEMA_TYPE_TIMESTAMP:
        snprintf(buf, sizeof(buf), "'0000-00-00 00:00:00%s%.*s'", fsp ? "." : "", fsp, "000000");
        break;
    case SCHEMA_TYPE_TIME:
        snprintf(buf, sizeof(buf), "'00:00:00%s%.*s'", fsp ? "." : "", fsp, "000000");
        break;
    case SCHEMA_TYPE_YEAR:
        snprintf(buf, sizeof(buf), "0000");
        break;
    default:
        if (schema_type_is_numeric(t->base)) {
            snprintf(buf, sizeof(buf), "0");
        } else if (t->base == SCHEMA_TYPE_ENUM && t->n_elems > 0) {
            dm_buf b;
            dm_buf_init(&b);
            if (schema_quote_string(&b, t->elems[0])) {
                dm_buf_fini(&b);
                return DM_ERR_NOMEM;
            }
            free(c->default_text);
            c->default_text = dm_buf_detach(&b);
            c->default_kind = SCHEMA_DEFAULT_LITERAL;
            return c->default_text ? 0 : DM_ERR_NOMEM;
        } else {
            snprintf(buf, sizeof(buf), "''");
        }
        break;
    }
    free(c->default_text);
    c->default_text = strdup(buf);
    c->default_kind = SCHEMA_DEFAULT_LITERAL;
    return c->default_text ? 0 : DM_ERR_NOMEM;
}

static int join_fail(dm_err *err, const char *reason)
{
    return dm_err_set(err, SCHEMA_ERR_JOIN_CONFLICT, DM_ERR_SCOPE_INTERNAL,
                      "shard schemas cannot be joined: %s", reason);
}

// join_column replaces *out (a copy of a) by the join of a and b.
static int join_column(schema_column *out, const schema_column *b, dm_err *err)
{
    cmpctx c = {0};
    char reason[512];
    c.reason = reason;
    c.reason_size = sizeof(reason);
    // Only conflicts matter here; the orders of components may differ (that is a join).
    const schema_type *tb = &b->type;
    schema_type *ta = &out->type;
    const char *da = default_value(out), *db = default_value(b);
    if (da != NULL && db != NULL && strcmp(da, db) != 0)
        conflict(&c, "column `%s`: distinct default values (%s vs %s)", out->name, da, db);
    if (!seq_eq(out->generated_expr, b->generated_expr) ||
        out->generated_stored != b->generated_stored)
        conflict(&c, "column `%s`: distinct generated expressions", out->name);
    if (ta->base != tb->base) {
        family fa = type_family(ta->base), fb = type_family(tb->base);
        if (fa == FAM_NONE || fa != fb)
            conflict(&c, "column `%s`: incompatible mysql type (%s vs %s)", out->name,
                     schema_type_name(ta->base), schema_type_name(tb->base));
    }
    if (ta->base == SCHEMA_TYPE_DECIMAL && tb->base == SCHEMA_TYPE_DECIMAL &&
        (ta->length != tb->length || ta->scale != tb->scale))
        conflict(&c, "column `%s`: distinct DECIMAL precision/scale", out->name);
    if (ta->is_unsigned != tb->is_unsigned || ta->zerofill != tb->zerofill ||
        !seq_eq(out->on_update, b->on_update))
        conflict(&c, "column `%s`: distinct flags (UNSIGNED/ZEROFILL/ON UPDATE)", out->name);
    if (has_default(out) && has_default(b) && out->auto_increment != b->auto_increment)
        conflict(&c, "column `%s`: AUTO_INCREMENT on one side only", out->name);
    if (!seq_eq(ta->charset, tb->charset) || !seq_eq(ta->collation, tb->collation))
        conflict(&c, "column `%s`: distinct charsets/collations", out->name);
    size_t m = ta->n_elems < tb->n_elems ? ta->n_elems : tb->n_elems;
    for (size_t i = 0; i < m; i++)
        if (strcmp(ta->elems[i], tb->elems[i]) != 0)
            conflict(&c, "column `%s`: distinct ENUM/SET values", out->name);
    if (c.conflict)
        return join_fail(err, reason);
    if (tb->base > ta->base)
        ta->base = tb->base;
    if (tb->length > ta->length)
        ta->length = tb->length;
    if (tb->scale > ta->scale)
        ta->scale = tb->scale;
    if (!b->not_null)
        out->not_null = false;
    if (da == NULL && db != NULL) {
        free(out->default_text);
        out->default_text = strdup(db);
        out->default_kind = b->default_kind;
        if (out->default_text == NULL)
            return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    }
    if (tb->n_elems > ta->n_elems) {
        schema_type tmp;
        if (schema_type_copy(&tmp, tb) != 0)
            return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        tmp.base = ta->base;
        tmp.length = ta->length;
        tmp.scale = ta->scale;
        schema_type_fini(ta);
        *ta = tmp;
    }
    return 0;
}

static int join_missing(schema_column *c, dm_err *err)
{
    if (c->not_null && !has_default(c) && standard_default(c) != 0)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    return 0;
}

int schema_join(schema_table **out, const schema_table *a, const schema_table *b, dm_err *err)
{
    int rc;
    schema_table *j = NULL;
    *out = NULL;
    if (!seq_eq(a->opt.charset, b->opt.charset) || !seq_eq(a->opt.collation, b->opt.collation))
        return join_fail(err, "distinct table charset/collation");
    if ((rc = schema_table_clone(&j, a, err)) != 0)
        return rc;
    for (size_t i = 0; i < j->n_cols; i++) {
        const schema_column *cb = schema_table_find_column(b, j->cols[i].name, NULL);
        rc = cb ? join_column(&j->cols[i], cb, err) : join_missing(&j->cols[i], err);
        if (rc)
            goto fail;
    }
    for (size_t i = 0; i < b->n_cols; i++) {
        if (schema_table_find_column(a, b->cols[i].name, NULL) != NULL)
            continue;
        schema_column c;
        if (schema_column_copy(&c, &b->cols[i]) != 0) {
            rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
            goto fail;
        }
        if ((rc = join_missing(&c, err)) != 0 || (rc = schema_table_push_column(j, &c)) != 0) {
            schema_column_fini(&c);
            if (rc == DM_ERR_NOMEM)
                rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
            goto fail;
        }
    }
    // Indexes: keep those both sides have with equal columns and type; relax uniqueness.
    size_t kept = 0;
    for (size_t i = 0; i < j->n_idx; i++) {
        schema_index *x = &j->idx[i];
        const schema_index *xb = schema_table_find_index(b, x->name);
        if (xb == NULL || !parts_equal(x, xb) || index_type_class(x) != index_type_class(xb) ||
            !seq_eq(x->using_type, xb->using_type)) {
            schema_index_fini(x);
            continue;
        }
        if (x->kind == SCHEMA_INDEX_PRIMARY && xb->kind != SCHEMA_INDEX_PRIMARY)
            x->kind = xb->kind;
        if (x->kind == SCHEMA_INDEX_UNIQUE && !kind_rank_unique(xb->kind))
            x->kind = SCHEMA_INDEX_PLAIN;
        j->idx[kept++] = *x;
    }
    j->n_idx = kept;
    for (size_t i = 0; i < j->n_cols; i++) {
        if (!j->cols[i].auto_increment)
            continue;
        bool keyed = false;
        for (size_t k = 0; k < j->n_idx && !keyed; k++)
            keyed = schema_name_eq(j->idx[k].parts[0].column, j->cols[i].name);
        if (!keyed) {
            char reason[300];
            snprintf(reason, sizeof(reason), "column `%s`: auto type but not defined as a key",
                     j->cols[i].name);
            rc = join_fail(err, reason);
            goto fail;
        }
    }
    *out = j;
    return 0;
fail:
    schema_table_destroy(j);
    return rc;
}
