// DESIGN: JSON form of a stored table for dm_meta. Every stored field is written (false and
// absent values are left out to keep rows small) so that from_json(to_json(t)) prints the
// same CREATE TABLE and compares equal. Reading checks every member's JSON type and names
// the bad one; unknown members are ignored so newer writers stay readable.
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "schema_internal.h"

static const char *default_kind_names[] = {"none", "null", "literal", "expr"};
static const char *index_kind_names[] = {"primary", "unique", "plain", "fulltext", "spatial"};

static int set_str(json_t *o, const char *k, const char *v)
{
    if (v == NULL)
        return 0;
    return json_object_set_new(o, k, json_string(v));
}

static int set_bool(json_t *o, const char *k, bool v)
{
    if (!v)
        return 0;
    return json_object_set_new(o, k, json_true());
}

static json_t *column_json(const schema_column *c)
{
    json_t *o = json_object();
    int rc = 0;
    if (o == NULL)
        return NULL;
    rc |= set_str(o, "name", c->name);
    rc |= set_str(o, "type", schema_type_name(c->type.base));
    if (c->type.length >= 0)
        rc |= json_object_set_new(o, "length", json_integer(c->type.length));
    if (c->type.scale >= 0)
        rc |= json_object_set_new(o, "scale", json_integer(c->type.scale));
    rc |= set_bool(o, "unsigned", c->type.is_unsigned);
    rc |= set_bool(o, "zerofill", c->type.zerofill);
    if (c->type.n_elems > 0) {
        json_t *a = json_array();
        rc |= json_object_set_new(o, "elems", a);
        for (size_t i = 0; a != NULL && i < c->type.n_elems; i++)
            rc |= json_array_append_new(a, json_string(c->type.elems[i]));
    }
    rc |= set_str(o, "charset", c->type.charset);
    rc |= set_str(o, "collation", c->type.collation);
    rc |= set_bool(o, "not_null", c->not_null);
    if (c->default_kind != SCHEMA_DEFAULT_NONE)
        rc |= set_str(o, "default_kind", default_kind_names[c->default_kind]);
    rc |= set_str(o, "default", c->default_text);
    rc |= set_bool(o, "no_default", c->no_default);
    rc |= set_str(o, "on_update", c->on_update);
    rc |= set_bool(o, "auto_increment", c->auto_increment);
    rc |= set_str(o, "generated", c->generated_expr);
    rc |= set_bool(o, "stored", c->generated_stored);
    rc |= set_bool(o, "invisible", c->invisible);
    rc |= set_str(o, "comment", c->comment);
    rc |= set_str(o, "check", c->check);
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *index_json(const schema_index *x)
{
    json_t *o = json_object(), *parts = json_array();
    int rc = 0;
    if (o == NULL || parts == NULL) {
        json_decref(o);
        json_decref(parts);
        return NULL;
    }
    rc |= set_str(o, "kind", index_kind_names[x->kind]);
    rc |= set_str(o, "name", x->name);
    rc |= json_object_set_new(o, "parts", parts);
    for (size_t i = 0; i < x->n_parts; i++) {
        json_t *p = json_object();
        if (p == NULL) {
            rc = -1;
            break;
        }
        rc |= set_str(p, "column", x->parts[i].column);
        if (x->parts[i].prefix > 0)
            rc |= json_object_set_new(p, "prefix", json_integer(x->parts[i].prefix));
        rc |= set_bool(p, "desc", x->parts[i].desc);
        rc |= json_array_append_new(parts, p);
    }
    rc |= set_str(o, "using", x->using_type);
    rc |= set_str(o, "comment", x->comment);
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *schema_table_to_json(const schema_table *t)
{
    json_t *o = json_object(), *cols = json_array(), *idx = json_array(), *checks = json_array(),
           *opt = json_object(), *other = json_object();
    int rc = 0;
    if (o == NULL || cols == NULL || idx == NULL || checks == NULL || opt == NULL ||
        other == NULL) {
        json_decref(o);
        json_decref(cols);
        json_decref(idx);
        json_decref(checks);
        json_decref(opt);
        json_decref(other);
        return NULL;
    }
    rc |= set_str(o, "name", t->name);
    rc |= json_object_set_new(o, "columns", cols);
    rc |= json_object_set_new(o, "indexes", idx);
    rc |= json_object_set_new(o, "checks", checks);
    rc |= json_object_set_new(o, "options", opt);
    for (size_t i = 0; i < t->n_cols; i++) {
        json_t *c = column_json(&t->cols[i]);
        rc |= c ? json_array_append_new(cols, c) : -1;
    }
    for (size_t i = 0; i < t->n_idx; i++) {
        json_t *x = index_json(&t->idx[i]);
        rc |= x ? json_array_append_new(idx, x) : -1;
    }
    for (size_t i = 0; i < t->n_checks; i++) {
        json_t *c = json_pack("{s:s,s:s}", "name", t->checks[i].name, "expr", t->checks[i].expr);
        rc |= c ? json_array_append_new(checks, c) : -1;
    }
    const schema_table_options *op = &t->opt;
    rc |= set_str(opt, "engine", op->engine);
    rc |= set_str(opt, "charset", op->charset);
    rc |= set_str(opt, "collation", op->collation);
    rc |= set_str(opt, "comment", op->comment);
    if (op->auto_increment > 0)
        rc |= json_object_set_new(opt, "auto_increment", json_integer((json_int_t)op->auto_increment));
    rc |= set_str(opt, "row_format", op->row_format);
    rc |= set_str(opt, "partition", op->partition);
    // Kept as an array of pairs: the order is the print order.
    json_decref(other);
    json_t *oa = json_array();
    rc |= oa ? json_object_set_new(opt, "other", oa) : -1;
    for (size_t i = 0; oa != NULL && i < op->n_other; i++) {
        json_t *p = json_pack("[s,s]", op->other[i].key, op->other[i].value);
        rc |= p ? json_array_append_new(oa, p) : -1;
    }
    if (rc) {
        json_decref(o);
        return NULL;
    }
    return o;
}

// Reading helpers: each returns 0 or fills err naming the member.
static int bad(dm_err *err, const char *what)
{
    return dm_err_set(err, SCHEMA_ERR_BAD_JSON, DM_ERR_SCOPE_INTERNAL,
                      "saved table schema: member %s is missing or malformed", what);
}

static int get_str(char **out, const json_t *o, const char *k, bool required, dm_err *err)
{
    const json_t *v = json_object_get(o, k);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return required ? bad(err, k) : 0;
    if (!json_is_string(v))
        return bad(err, k);
    *out = strdup(json_string_value(v));
    if (*out == NULL)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    return 0;
}

static int get_bool(bool *out, const json_t *o, const char *k, dm_err *err)
{
    const json_t *v = json_object_get(o, k);
    *out = false;
    if (v == NULL)
        return 0;
    if (!json_is_boolean(v))
        return bad(err, k);
    *out = json_is_true(v);
    return 0;
}

static int get_int(int64_t *out, const json_t *o, const char *k, int64_t def, dm_err *err)
{
    const json_t *v = json_object_get(o, k);
    *out = def;
    if (v == NULL)
        return 0;
    if (!json_is_integer(v))
        return bad(err, k);
    *out = (int64_t)json_integer_value(v);
    return 0;
}

static int enum_of(int *out, const char *s, const char **names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0) {
            *out = i;
            return 0;
        }
    return -1;
}

static int column_from_json(schema_column *c, const json_t *o, dm_err *err)
{
    int rc;
    char *s = NULL;
    int64_t v;
    memset(c, 0, sizeof(*c));
    if (!json_is_object(o))
        return bad(err, "columns[]");
    if ((rc = get_str(&c->name, o, "name", true, err)))
        goto fail;
    if ((rc = get_str(&s, o, "type", true, err)))
        goto fail;
    if (schema_type_from_json_name(&c->type.base, s) != 0) {
        rc = bad(err, "type");
        goto fail;
    }
    free(s);
    s = NULL;
    if ((rc = get_int(&c->type.length, o, "length", -1, err)) ||
        (rc = get_int(&v, o, "scale", -1, err)))
        goto fail;
    c->type.scale = (int)v;
    if ((rc = get_bool(&c->type.is_unsigned, o, "unsigned", err)) ||
        (rc = get_bool(&c->type.zerofill, o, "zerofill", err)))
        goto fail;
    const json_t *elems = json_object_get(o, "elems");
    if (elems != NULL) {
        if (!json_is_array(elems)) {
            rc = bad(err, "elems");
            goto fail;
        }
        size_t n = json_array_size(elems);
        c->type.elems = calloc(n ? n : 1, sizeof(char *));
        if (c->type.elems == NULL) {
            rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < n; i++) {
            const json_t *e = json_array_get(elems, i);
            if (!json_is_string(e)) {
                rc = bad(err, "elems[]");
                goto fail;
            }
            c->type.elems[i] = strdup(json_string_value(e));
            if (c->type.elems[i] == NULL) {
                rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
                goto fail;
            }
            c->type.n_elems++;
        }
    }
    if ((rc = get_str(&c->type.charset, o, "charset", false, err)) ||
        (rc = get_str(&c->type.collation, o, "collation", false, err)) ||
        (rc = get_bool(&c->not_null, o, "not_null", err)) ||
        (rc = get_str(&s, o, "default_kind", false, err)))
        goto fail;
    if (s != NULL) {
        int k;
        if (enum_of(&k, s, default_kind_names, 4) != 0) {
            rc = bad(err, "default_kind");
            goto fail;
        }
        c->default_kind = (schema_default_kind)k;
        free(s);
        s = NULL;
    }
    if ((rc = get_str(&c->default_text, o, "default", false, err)) ||
        (rc = get_bool(&c->no_default, o, "no_default", err)) ||
        (rc = get_str(&c->on_update, o, "on_update", false, err)) ||
        (rc = get_bool(&c->auto_increment, o, "auto_increment", err)) ||
        (rc = get_str(&c->generated_expr, o, "generated", false, err)) ||
        (rc = get_bool(&c->generated_stored, o, "stored", err)) ||
        (rc = get_bool(&c->invisible, o, "invisible", err)) ||
        (rc = get_str(&c->comment, o, "comment", false, err)) ||
        (rc = get_str(&c->check, o, "check", false, err)))
        goto fail;
    if ((c->default_kind == SCHEMA_DEFAULT_LITERAL || c->default_kind == SCHEMA_DEFAULT_EXPR) &&
        c->default_text == NULL) {
        rc = bad(err, "default");
        goto fail;
    }
    return 0;
fail:
    free(s);
    schema_column_fini(c);
    return rc;
}

static int index_from_json(schema_index *x, const json_t *o, dm_err *err)
{
    int rc;
    char *s = NULL;
    memset(x, 0, sizeof(*x));
    if (!json_is_object(o))
        return bad(err, "indexes[]");
    if ((rc = get_str(&s, o, "kind", true, err)))
        goto fail;
    int k;
    if (enum_of(&k, s, index_kind_names, 5) != 0) {
        rc = bad(err, "kind");
        goto fail;
    }
    x->kind = (schema_index_kind)k;
    if ((rc = get_str(&x->name, o, "name", true, err)) ||
        (rc = get_str(&x->using_type, o, "using", false, err)) ||
        (rc = get_str(&x->comment, o, "comment", false, err)))
        goto fail;
    const json_t *parts = json_object_get(o, "parts");
    if (!json_is_array(parts) || json_array_size(parts) == 0) {
        rc = bad(err, "parts");
        goto fail;
    }
    x->parts = calloc(json_array_size(parts), sizeof(*x->parts));
    if (x->parts == NULL) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < json_array_size(parts); i++) {
        const json_t *p = json_array_get(parts, i);
        schema_index_part *pp = &x->parts[i];
        if (!json_is_object(p)) {
            rc = bad(err, "parts[]");
            goto fail;
        }
        x->n_parts++;
        if ((rc = get_str(&pp->column, p, "column", true, err)) ||
            (rc = get_int(&pp->prefix, p, "prefix", 0, err)) ||
            (rc = get_bool(&pp->desc, p, "desc", err)))
            goto fail;
    }
    free(s);
    return 0;
fail:
    free(s);
    schema_index_fini(x);
    return rc;
}

int schema_table_from_json(schema_table **out, const json_t *json, dm_err *err)
{
    int rc = 0;
    schema_table *t = calloc(1, sizeof(*t));
    *out = NULL;
    if (t == NULL)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    if (!json_is_object(json)) {
        rc = bad(err, "(table)");
        goto done;
    }
    if ((rc = get_str(&t->name, json, "name", true, err)))
        goto done;
    const json_t *cols = json_object_get(json, "columns");
    const json_t *idx = json_object_get(json, "indexes");
    const json_t *checks = json_object_get(json, "checks");
    const json_t *opt = json_object_get(json, "options");
    if (!json_is_array(cols) || json_array_size(cols) == 0) {
        rc = bad(err, "columns");
        goto done;
    }
    if (idx != NULL && !json_is_array(idx)) {
        rc = bad(err, "indexes");
        goto done;
    }
    if (checks != NULL && !json_is_array(checks)) {
        rc = bad(err, "checks");
        goto done;
    }
    if (!json_is_object(opt)) {
        rc = bad(err, "options");
        goto done;
    }
    for (size_t i = 0; i < json_array_size(cols); i++) {
        schema_column c;
        if ((rc = column_from_json(&c, json_array_get(cols, i), err)))
            goto done;
        if (schema_table_push_column(t, &c)) {
            schema_column_fini(&c);
            rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
            goto done;
        }
    }
    for (size_t i = 0; i < json_array_size(idx); i++) {
        schema_index x;
        if ((rc = index_from_json(&x, json_array_get(idx, i), err)))
            goto done;
        if (schema_table_push_index(t, &x)) {
            schema_index_fini(&x);
            rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
            goto done;
        }
    }
    for (size_t i = 0; i < json_array_size(checks); i++) {
        const json_t *c = json_array_get(checks, i);
        schema_check k = {0};
        if ((rc = get_str(&k.name, c, "name", true, err)) ||
            (rc = get_str(&k.expr, c, "expr", true, err))) {
            schema_check_fini(&k);
            goto done;
        }
        if (schema_table_push_check(t, &k)) {
            schema_check_fini(&k);
            rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
            goto done;
        }
    }
    schema_table_options *op = &t->opt;
    int64_t ai;
    if ((rc = get_str(&op->engine, opt, "engine", true, err)) ||
        (rc = get_str(&op->charset, opt, "charset", false, err)) ||
        (rc = get_str(&op->collation, opt, "collation", false, err)) ||
        (rc = get_str(&op->comment, opt, "comment", false, err)) ||
        (rc = get_int(&ai, opt, "auto_increment", 0, err)) ||
        (rc = get_str(&op->row_format, opt, "row_format", false, err)) ||
        (rc = get_str(&op->partition, opt, "partition", false, err)))
        goto done;
    op->auto_increment = (uint64_t)ai;
    const json_t *other = json_object_get(opt, "other");
    if (other != NULL) {
        if (!json_is_array(other)) {
            rc = bad(err, "options.other");
            goto done;
        }
        size_t n = json_array_size(other);
        op->other = calloc(n ? n : 1, sizeof(*op->other));
        if (op->other == NULL) {
            rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < n; i++) {
            const json_t *p = json_array_get(other, i);
            const char *k = json_string_value(json_array_get(p, 0));
            const char *v = json_string_value(json_array_get(p, 1));
            if (!json_is_array(p) || k == NULL || v == NULL) {
                rc = bad(err, "options.other[]");
                goto done;
            }
            op->other[i].key = strdup(k);
            op->other[i].value = strdup(v);
            op->n_other++;
            if (op->other[i].key == NULL || op->other[i].value == NULL) {
                rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
                goto done;
            }
        }
    }
    // Every index part must name a column of the table.
    for (size_t i = 0; i < t->n_idx; i++)
        for (size_t p = 0; p < t->idx[i].n_parts; p++)
            if (schema_table_find_column(t, t->idx[i].parts[p].column, NULL) == NULL) {
                rc = bad(err, "indexes[].parts[].column (no such column)");
                goto done;
            }
done:
    if (rc) {
        schema_table_destroy(t);
        return rc;
    }
    *out = t;
    return 0;
}
