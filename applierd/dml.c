// DESIGN: a change is one allocation: the struct, 2n+1 offsets and the literals of both
// images back to back. Rendering happens on the worker threads, so the reader only pays for
// value rendering and a copy; statements are built straight into the worker's buffer.
// Grouping rules are conservative: only consecutive changes of one kind on one table with
// the same column presence merge, so the row order the binlog gave is kept per statement.
#include "dml.h"

#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "schema.h"

#define BAD_ROW(err, ...) dm_err_set(err, DML_ERR_BAD_ROW, DM_ERR_SCOPE_INTERNAL, __VA_ARGS__)

int dml_key_select(const dml_key_cand *cands, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cands[i].primary && cands[i].n_cols && !cands[i].has_prefix)
            return (int)i;
    for (size_t i = 0; i < n; i++)
        if (cands[i].unique && !cands[i].primary && cands[i].all_not_null &&
            !cands[i].has_prefix && cands[i].n_cols)
            return (int)i;
    return -1;
}

static int copy_ukey(dml_ukey *out, const dml_key_cand *k, uint32_t n_cols, dm_err *err)
{
    out->n_cols = k->n_cols;
    out->cols = calloc(k->n_cols ? k->n_cols : 1, sizeof *out->cols);
    if (!out->cols)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "dml: out of memory");
    for (size_t i = 0; i < k->n_cols; i++) {
        if (k->cols[i] >= n_cols)
            return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                              "dml: key column %u out of range (%u columns)", k->cols[i], n_cols);
        out->cols[i] = k->cols[i];
    }
    return 0;
}

int dml_table_create(dml_table **out, const char *schema, const char *table, uint32_t n_cols,
                     const char *const *names, const dml_key_cand *keys, size_t n_keys,
                     dm_err *err)
{
    int rc = 0;
    dm_buf b;
    dm_buf_init(&b);
    *out = NULL;
    dml_table *t = calloc(1, sizeof *t);
    if (!t || !(t->schema = strdup(schema)) || !(t->table = strdup(table)) ||
        !(t->cols = calloc(n_cols ? n_cols : 1, sizeof *t->cols)) ||
        !(t->ukeys = calloc(n_keys ? n_keys : 1, sizeof *t->ukeys))) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "dml: out of memory");
        goto done;
    }
    t->n_cols = n_cols;
    if ((rc = schema_quote_ident(&b, schema)) || (rc = dm_buf_putc(&b, '.')) ||
        (rc = schema_quote_ident(&b, table)) || !(t->qname = dm_buf_detach(&b)))
        goto nomem;
    for (uint32_t i = 0; i < n_cols; i++) {
        if ((rc = schema_quote_ident(&b, names[i])) || !(t->cols[i] = dm_buf_detach(&b)))
            goto nomem;
    }
    int h = dml_key_select(keys, n_keys);
    if (h >= 0) {
        t->key_kind = keys[h].primary ? DML_KEY_PRIMARY : DML_KEY_UNIQUE;
        if ((rc = copy_ukey(&t->key, &keys[h], n_cols, err)) ||
            (rc = copy_ukey(&t->ukeys[t->n_ukeys++], &keys[h], n_cols, err)))
            goto done;
    }
    for (size_t i = 0; i < n_keys; i++) {
        if ((int)i == h || !(keys[i].primary || keys[i].unique) || !keys[i].n_cols)
            continue;
        if ((rc = copy_ukey(&t->ukeys[t->n_ukeys++], &keys[i], n_cols, err)))
            goto done;
    }
    goto done;
nomem:
    rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "dml: out of memory");
done:
    dm_buf_fini(&b);
    if (rc) {
        dml_table_destroy(t);
        return rc;
    }
    *out = t;
    return 0;
}

void dml_table_destroy(dml_table *t)
{
    if (!t)
        return;
    for (uint32_t i = 0; t->cols && i < t->n_cols; i++)
        free(t->cols[i]);
    for (size_t i = 0; t->ukeys && i < t->n_ukeys; i++)
        free(t->ukeys[i].cols);
    free(t->ukeys);
    free(t->key.cols);
    free(t->cols);
    free(t->qname);
    free(t->schema);
    free(t->table);
    free(t);
}

int dml_change_create(dml_change **out, const dml_table *t, dml_kind kind, uint32_t n,
                      const binlog_value *before, const binlog_value *after,
                      const binlog_column *cols, dm_buf *scratch, dm_err *err)
{
    *out = NULL;
    if (n != t->n_cols)
        return BAD_ROW(err, "row of %u columns for %s, which has %u", n, t->qname, t->n_cols);
    size_t noff = 2 * (size_t)n + 1;
    uint32_t *off = malloc(noff * sizeof *off);
    if (!off)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "dml: out of memory");
    dm_buf_reset(scratch);
    int rc = 0;
    for (int img = 0; img < 2 && !rc; img++) {
        const binlog_value *v = img ? after : before;
        for (uint32_t i = 0; i < n && !rc; i++) {
            off[img * n + i] = (uint32_t)scratch->len;
            if (!v || v[i].kind == BINLOG_VALUE_ABSENT)
                continue;
            if (v[i].kind == BINLOG_VALUE_JSON_DIFF) {
                rc = BAD_ROW(err, "partial JSON update of %s column %u is not supported",
                             t->qname, i + 1);
                break;
            }
            rc = binlog_value_to_sql(scratch, &v[i], cols ? &cols[i] : NULL, err);
            if (rc)
                dm_err_prefix(err, "%s column %u", t->qname, i + 1);
        }
    }
    if (!rc && scratch->len > UINT32_MAX)
        rc = BAD_ROW(err, "row of %s is larger than 4 GiB", t->qname);
    if (rc) {
        free(off);
        return rc;
    }
    off[2 * n] = (uint32_t)scratch->len;
    dml_change *c = malloc(sizeof *c + noff * sizeof *off + scratch->len + 1);
    if (!c) {
        free(off);
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "dml: out of memory");
    }
    memset(c, 0, sizeof *c);
    c->table = t;
    c->kind = kind;
    c->n = n;
    c->off_ = (uint32_t *)(c + 1);
    memcpy(c->off_, off, noff * sizeof *off);
    c->text_ = (char *)(c->off_ + noff);
    memcpy(c->text_, scratch->data ? scratch->data : "", scratch->len);
    c->text_[scratch->len] = 0;
    free(off);
    *out = c;
    return 0;
}

const char *dml_change_value(const dml_change *c, bool after, uint32_t i, size_t *len)
{
    uint32_t k = (after ? c->n : 0) + i;
    *len = c->off_[k + 1] - c->off_[k];
    return *len ? c->text_ + c->off_[k] : NULL;
}

static bool is_null_lit(const char *v, size_t len) { return len == 4 && !memcmp(v, "NULL", 4); }

bool dml_change_key(dm_buf *out, const dml_change *c, size_t k, bool after, int *rc)
{
    const dml_ukey *key = &c->table->ukeys[k];
    size_t start = out->len;
    for (size_t i = 0; i < key->n_cols; i++) {
        size_t len;
        const char *v = dml_change_value(c, after, key->cols[i], &len);
        if (!v || is_null_lit(v, len)) {
            out->len = start;
            if (out->data)
                out->data[start] = 0;
            return false;
        }
    }
    *rc = dm_buf_printf(out, "%s#%zu", c->table->qname, k);
    for (size_t i = 0; !*rc && i < key->n_cols; i++) {
        size_t len;
        const char *v = dml_change_value(c, after, key->cols[i], &len);
        if (!(*rc = dm_buf_putc(out, 0x1f)))
            *rc = dm_buf_append(out, v, len);
    }
    return !*rc;
}

bool dml_change_key_changed(const dml_change *c)
{
    const dml_table *t = c->table;
    uint32_t n = t->key_kind == DML_KEY_NONE ? c->n : (uint32_t)t->key.n_cols;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t col = t->key_kind == DML_KEY_NONE ? i : t->key.cols[i];
        size_t lb, la;
        const char *b = dml_change_value(c, false, col, &lb);
        const char *a = dml_change_value(c, true, col, &la);
        if (!a)
            continue; // an absent after value keeps the old one
        if (!b || lb != la || memcmp(a, b, la))
            return true;
    }
    return false;
}

// same_presence tells whether two changes carry the same columns in the image used.
static bool same_presence(const dml_change *a, const dml_change *b, bool after)
{
    for (uint32_t i = 0; i < a->n; i++) {
        size_t la, lb;
        bool pa = dml_change_value(a, after, i, &la) != NULL;
        bool pb = dml_change_value(b, after, i, &lb) != NULL;
        if (pa != pb)
            return false;
    }
    return true;
}

// where appends the row-identifying condition on image `after` of c.
static int where(dm_buf *out, const dml_change *c, bool after, dm_err *err)
{
    const dml_table *t = c->table;
    bool keyed = t->key_kind != DML_KEY_NONE;
    uint32_t n = keyed ? (uint32_t)t->key.n_cols : c->n;
    int rc = dm_buf_puts(out, " WHERE ");
    bool first = true;
    for (uint32_t i = 0; !rc && i < n; i++) {
        uint32_t col = keyed ? t->key.cols[i] : i;
        size_t len;
        const char *v = dml_change_value(c, after, col, &len);
        if (!v) {
            if (keyed)
                return BAD_ROW(err, "%s: key column %s missing from the row image", t->qname,
                               t->cols[col]);
            continue;
        }
        if (!first)
            rc = dm_buf_puts(out, " AND ");
        first = false;
        if (!rc)
            rc = dm_buf_puts(out, t->cols[col]);
        if (!rc && is_null_lit(v, len))
            rc = dm_buf_puts(out, " IS NULL");
        else if (!rc && !(rc = dm_buf_putc(out, '=')))
            rc = dm_buf_append(out, v, len);
    }
    if (!rc && first)
        return BAD_ROW(err, "%s: the row image has no column to identify the row", t->qname);
    if (!rc)
        rc = dm_buf_puts(out, " LIMIT 1");
    return rc ? dm_err_set(err, rc, DM_ERR_SCOPE_INTERNAL, "dml: out of memory") : 0;
}

static int row_values(dm_buf *out, const dml_change *c)
{
    int rc = dm_buf_putc(out, '(');
    bool first = true;
    for (uint32_t i = 0; !rc && i < c->n; i++) {
        size_t len;
        const char *v = dml_change_value(c, true, i, &len);
        if (!v)
            continue;
        if (!first)
            rc = dm_buf_putc(out, ',');
        first = false;
        if (!rc)
            rc = dm_buf_append(out, v, len);
    }
    return rc ? rc : dm_buf_putc(out, ')');
}

// insert_rows writes INSERT/REPLACE of the after images of changes[0..] that can merge.
static int insert_rows(dm_buf *out, size_t *consumed, dml_change *const *ch, size_t n,
                       bool replace, size_t max_bytes, bool allow_merge, dm_err *err)
{
    const dml_change *c = ch[0];
    int rc = dm_buf_printf(out, "%s INTO %s (", replace ? "REPLACE" : "INSERT", c->table->qname);
    bool first = true;
    for (uint32_t i = 0; !rc && i < c->n; i++) {
        size_t len;
        if (!dml_change_value(c, true, i, &len))
            continue;
        if (!first)
            rc = dm_buf_putc(out, ',');
        first = false;
        if (!rc)
            rc = dm_buf_puts(out, c->table->cols[i]);
    }
    if (!rc && first)
        return BAD_ROW(err, "%s: the row image has no column to write", c->table->qname);
    if (!rc)
        rc = dm_buf_puts(out, ") VALUES ");
    if (!rc)
        rc = row_values(out, c);
    size_t k = 1;
    while (!rc && allow_merge && k < n && out->len < max_bytes && ch[k]->kind == DML_INSERT &&
           ch[k]->table == c->table && same_presence(ch[k], c, true)) {
        if (!(rc = dm_buf_putc(out, ',')))
            rc = row_values(out, ch[k]);
        k++;
    }
    *consumed = k;
    return rc ? dm_err_set(err, rc, DM_ERR_SCOPE_INTERNAL, "dml: out of memory") : 0;
}

static int key_tuple(dm_buf *out, const dml_change *c)
{
    const dml_ukey *k = &c->table->key;
    int rc = dm_buf_putc(out, '(');
    for (size_t i = 0; !rc && i < k->n_cols; i++) {
        size_t len;
        const char *v = dml_change_value(c, false, k->cols[i], &len);
        if (i)
            rc = dm_buf_putc(out, ',');
        if (!rc)
            rc = dm_buf_append(out, v, len);
    }
    return rc ? rc : dm_buf_putc(out, ')');
}

static bool key_present(const dml_change *c)
{
    for (size_t i = 0; i < c->table->key.n_cols; i++) {
        size_t len;
        if (!dml_change_value(c, false, c->table->key.cols[i], &len))
            return false;
    }
    return true;
}

static int delete_rows(dm_buf *out, size_t *consumed, dml_change *const *ch, size_t n,
                       size_t max_bytes, dm_err *err)
{
    const dml_change *c = ch[0];
    const dml_table *t = c->table;
    size_t k = 1;
    if (t->key_kind != DML_KEY_NONE && key_present(c))
        while (k < n && ch[k]->kind == DML_DELETE && ch[k]->table == t && key_present(ch[k]))
            k++;
    int rc;
    if (k == 1) {
        *consumed = 1;
        if ((rc = dm_buf_printf(out, "DELETE FROM %s", t->qname)))
            return dm_err_set(err, rc, DM_ERR_SCOPE_INTERNAL, "dml: out of memory");
        return where(out, c, false, err);
    }
    rc = dm_buf_printf(out, "DELETE FROM %s WHERE (", t->qname);
    for (size_t i = 0; !rc && i < t->key.n_cols; i++)
        rc = dm_buf_printf(out, "%s%s", i ? "," : "", t->cols[t->key.cols[i]]);
    if (!rc)
        rc = dm_buf_puts(out, ") IN (");
    size_t i = 0;
    for (; !rc && i < k && (i == 0 || out->len < max_bytes); i++) {
        if (i)
            rc = dm_buf_putc(out, ',');
        if (!rc)
            rc = key_tuple(out, ch[i]);
    }
    if (!rc)
        rc = dm_buf_putc(out, ')');
    *consumed = i;
    return rc ? dm_err_set(err, rc, DM_ERR_SCOPE_INTERNAL, "dml: out of memory") : 0;
}

static int update_row(dm_buf *out, const dml_change *c, dm_err *err)
{
    const dml_table *t = c->table;
    int rc = dm_buf_printf(out, "UPDATE %s SET ", t->qname);
    bool first = true;
    for (uint32_t i = 0; !rc && i < c->n; i++) {
        size_t len;
        const char *v = dml_change_value(c, true, i, &len);
        if (!v)
            continue;
        rc = dm_buf_printf(out, "%s%s=", first ? "" : ",", t->cols[i]);
        first = false;
        if (!rc)
            rc = dm_buf_append(out, v, len);
    }
    if (!rc && first)
        return BAD_ROW(err, "%s: the update's after image has no column", t->qname);
    if (rc)
        return dm_err_set(err, rc, DM_ERR_SCOPE_INTERNAL, "dml: out of memory");
    return where(out, c, false, err);
}

int dml_render(dm_buf *out, size_t *consumed, bool *half, dml_change *const *changes, size_t n,
               bool safe, size_t max_bytes, dm_err *err)
{
    dm_buf_reset(out);
    *consumed = 0;
    if (!n)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "dml_render: no change");
    const dml_change *c = changes[0];
    int rc;
    switch (c->kind) {
    case DML_INSERT:
        return insert_rows(out, consumed, changes, n, safe, max_bytes, true, err);
    case DML_DELETE:
        return delete_rows(out, consumed, changes, n, max_bytes, err);
    case DML_UPDATE:
        if (!safe) {
            *consumed = 1;
            return update_row(out, c, err);
        }
        if (*half) {
            // second half of a key-changing update: the new row
            *half = false;
            return insert_rows(out, consumed, changes, 1, true, max_bytes, false, err);
        }
        if (c->table->key_kind == DML_KEY_NONE) {
            // without a key a row cannot be replaced by identity: update one matching row
            *consumed = 1;
            return update_row(out, c, err);
        }
        if (!dml_change_key_changed(c))
            return insert_rows(out, consumed, changes, 1, true, max_bytes, false, err);
        if ((rc = dm_buf_printf(out, "DELETE FROM %s", c->table->qname)))
            return dm_err_set(err, rc, DM_ERR_SCOPE_INTERNAL, "dml: out of memory");
        if ((rc = where(out, c, false, err)))
            return rc;
        *half = true;
        *consumed = 0;
        return 0;
    }
    return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "dml_render: bad kind %d",
                      (int)c->kind);
}

// ---------------------------------------------------------------------------------------
// compaction

typedef struct row_slot {
    UT_hash_handle hh;
    size_t idx; // the live change that last wrote the row
    char key[]; // dml_change_key text
} row_slot;

// mergeable tells whether c may take part in a merge (see dml_compact).
static bool mergeable(const dml_change *c)
{
    const dml_table *t = c->table;
    if (t->key_kind == DML_KEY_NONE || t->n_ukeys != 1)
        return false;
    if (c->kind == DML_UPDATE && dml_change_key_changed(c))
        return false;
    if (c->kind != DML_DELETE)
        for (uint32_t i = 0; i < c->n; i++) {
            size_t len;
            if (!dml_change_value(c, true, i, &len))
                return false;
        }
    return true;
}

static void slots_free(row_slot **map)
{
    row_slot *e, *tmp;
    HASH_ITER(hh, *map, e, tmp)
    {
        HASH_DEL(*map, e);
        free(e);
    }
}

int dml_compact(dml_change **changes, size_t *n, dm_err *err)
{
    int rc = 0;
    row_slot *map = NULL;
    bool *drop = calloc(*n ? *n : 1, sizeof *drop);
    dm_buf key;
    dm_buf_init(&key);
    if (!drop) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "dml_compact: out of memory");
        goto done;
    }
    for (size_t i = 0; i < *n; i++) {
        dml_change *c = changes[i];
        if (c->table->key_kind == DML_KEY_NONE)
            continue;
        bool ok = mergeable(c);
        // The row's key before this change: what an earlier change of the row left.
        if (c->kind != DML_INSERT) {
            dm_buf_reset(&key);
            if (dml_change_key(&key, c, 0, false, &rc)) {
                row_slot *e = NULL;
                HASH_FIND(hh, map, key.data, key.len, e);
                if (e) {
                    dml_change *prev = changes[e->idx];
                    if (ok) {
                        if (prev->kind == DML_INSERT && c->kind == DML_UPDATE)
                            c->kind = DML_INSERT;
                        c->safe = c->safe || prev->safe;
                        drop[e->idx] = true;
                    }
                    HASH_DEL(map, e);
                    free(e);
                }
            }
            if (rc)
                goto nomem;
        }
        if (c->kind == DML_DELETE || !ok)
            continue;
        dm_buf_reset(&key);
        if (!dml_change_key(&key, c, 0, true, &rc)) {
            if (rc)
                goto nomem;
            continue;
        }
        row_slot *e = NULL;
        HASH_FIND(hh, map, key.data, key.len, e);
        if (!e) {
            if (!(e = malloc(sizeof *e + key.len))) {
                rc = DM_ERR_NOMEM;
                goto nomem;
            }
            memcpy(e->key, key.data, key.len);
            HASH_ADD(hh, map, key, key.len, e);
        }
        e->idx = i;
    }
    size_t w = 0;
    for (size_t i = 0; i < *n; i++) {
        if (drop[i])
            free(changes[i]);
        else
            changes[w++] = changes[i];
    }
    *n = w;
    goto done;
nomem:
    rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "dml_compact: out of memory");
done:
    slots_free(&map);
    dm_buf_fini(&key);
    free(drop);
    return rc;
}
