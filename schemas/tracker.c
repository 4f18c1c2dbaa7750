// DESIGN: the catalog is two levels of uthash tables (databases, then tables) keyed by the
// name as compared (lower-cased when lower_case_table_names is 1 or 2), holding the name as
// stored. Statements are translated from the parser's AST into the model's definitions
// (schema_create_def / schema_alter_spec, borrowing the AST's strings) and applied to
// copies: a table is altered through schema_table_alter, which is all-or-nothing, and
// multi-table statements (RENAME TABLE) record what they did so they can undo it when a
// later pair fails, which makes them atomic like the server's.
#include "tracker.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uthash.h>

#include "ddl.h"
#include "schema_internal.h"

typedef struct ttable {
    char *key;
    schema_table *t;
    UT_hash_handle hh;
} ttable;

typedef struct tdb {
    char *key;
    char *name;
    char *charset;
    char *collation;
    ttable *tables;
    UT_hash_handle hh;
} tdb;

struct tracker {
    int lctn;
    char *server_charset;
    char *server_collation;
    char *engine;
    tdb *dbs;
};

static int nomem(dm_err *err)
{
    return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
}

static int terr(dm_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int terr(dm_err *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dm_err_vset(err, code, DM_ERR_SCOPE_UPSTREAM, fmt, ap);
    va_end(ap);
    return code;
}

// name_key returns the name as compared (new string).
static char *name_key(const tracker *t, const char *name)
{
    char *k = strdup(name);
    if (k != NULL && t->lctn != 0)
        for (char *p = k; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    return k;
}

// stored_name returns the name as stored (new string).
static char *stored_name(const tracker *t, const char *name)
{
    char *k = strdup(name);
    if (k != NULL && t->lctn == 1)
        for (char *p = k; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    return k;
}

static bool same_name(const tracker *t, const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return t->lctn ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

static tdb *find_db(const tracker *t, const char *name)
{
    tdb *d = NULL;
    char *k;
    if (name == NULL)
        return NULL;
    k = name_key(t, name);
    if (k == NULL)
        return NULL;
    HASH_FIND_STR(t->dbs, k, d);
    free(k);
    return d;
}

static ttable *find_table(const tracker *t, const tdb *d, const char *name)
{
    ttable *x = NULL;
    char *k;
    if (d == NULL || name == NULL)
        return NULL;
    k = name_key(t, name);
    if (k == NULL)
        return NULL;
    HASH_FIND_STR(d->tables, k, x);
    free(k);
    return x;
}

static void free_table(ttable *x)
{
    if (x == NULL)
        return;
    schema_table_destroy(x->t);
    free(x->key);
    free(x);
}

static void free_db(tdb *d)
{
    ttable *x, *tmp;
    if (d == NULL)
        return;
    HASH_ITER(hh, d->tables, x, tmp) {
        HASH_DEL(d->tables, x);
        free_table(x);
    }
    free(d->key);
    free(d->name);
    free(d->charset);
    free(d->collation);
    free(d);
}

int tracker_create(tracker **out, const tracker_options *opts, dm_err *err)
{
    tracker_options def = {0};
    tracker *t;
    *out = NULL;
    if (opts == NULL)
        opts = &def;
    if (opts->lower_case_table_names < 0 || opts->lower_case_table_names > 2)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "lower_case_table_names must be 0, 1 or 2, not %d",
                          opts->lower_case_table_names);
    const char *cs = opts->server_charset ? opts->server_charset : "utf8mb4";
    const char *coll = opts->server_collation ? opts->server_collation
                                              : schema_charset_default_collation(cs);
    if (schema_charset_default_collation(cs) == NULL || coll == NULL)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "unknown server character set '%s'", cs);
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        return nomem(err);
    t->lctn = opts->lower_case_table_names;
    t->server_charset = strdup(cs);
    t->server_collation = strdup(coll);
    t->engine = strdup(opts->default_engine ? opts->default_engine : "InnoDB");
    if (t->server_charset == NULL || t->server_collation == NULL || t->engine == NULL) {
        tracker_destroy(t);
        return nomem(err);
    }
    *out = t;
    return 0;
}

void tracker_destroy(tracker *t)
{
    tdb *d, *tmp;
    if (t == NULL)
        return;
    HASH_ITER(hh, t->dbs, d, tmp) {
        HASH_DEL(t->dbs, d);
        free_db(d);
    }
    free(t->server_charset);
    free(t->server_collation);
    free(t->engine);
    free(t);
}

// resolve_db_charset fills *cs/*coll (new strings) from CHARACTER SET / COLLATE options.
static int resolve_db_charset(char **cs, char **coll, const char *charset, const char *collation,
                              const char *def_cs, const char *def_coll, dm_err *err)
{
    char buf[64];
    const char *c = charset, *l = collation;
    *cs = *coll = NULL;
    if (c != NULL && strcasecmp(c, "DEFAULT") == 0)
        c = def_cs;
    if (l != NULL && strcasecmp(l, "DEFAULT") == 0)
        l = NULL;
    if (c == NULL && l == NULL) {
        c = def_cs;
        l = def_coll;
    } else if (l != NULL) {
        int rc = schema_collation_charset(buf, sizeof(buf), l, err);
        if (rc)
            return rc;
        if (c != NULL && schema_charset_default_collation(c) != NULL &&
            strcasecmp(schema_charset_default_collation(c), schema_charset_default_collation(buf)) != 0)
            return terr(err, SCHEMA_ERR_BAD_CHARSET,
                        "COLLATION '%s' is not valid for CHARACTER SET '%s'", l, c);
        c = buf;
    } else {
        l = schema_charset_default_collation(c);
        if (l == NULL)
            return terr(err, SCHEMA_ERR_BAD_CHARSET, "Unknown character set: '%s'", c);
    }
    if (strcasecmp(c, "utf8") == 0)
        c = "utf8mb3";
    *cs = strdup(c);
    *coll = strdup(l);
    if (*cs == NULL || *coll == NULL) {
        free(*cs);
        free(*coll);
        *cs = *coll = NULL;
        return nomem(err);
    }
    for (char *p = *cs; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    for (char *p = *coll; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (strncmp(*coll, "utf8_", 5) == 0) {
        size_t n = strlen(*coll) + 4;
        char *x = malloc(n);
        if (x == NULL) {
            free(*cs);
            free(*coll);
            *cs = *coll = NULL;
            return nomem(err);
        }
        snprintf(x, n, "utf8mb3_%s", *coll + 5);
        free(*coll);
        *coll = x;
    }
    return 0;
}

int tracker_create_database(tracker *t, const char *db, const char *charset,
                            const char *collation, bool if_not_exists, dm_err *err)
{
    int rc;
    if (find_db(t, db) != NULL) {
        if (if_not_exists)
            return 0;
        return terr(err, TRACKER_ERR_DB_EXISTS, "Can't create database '%s'; database exists", db);
    }
    tdb *d = calloc(1, sizeof(*d));
    if (d == NULL)
        return nomem(err);
    if ((rc = resolve_db_charset(&d->charset, &d->collation, charset, collation,
                                 t->server_charset, t->server_collation, err))) {
        free_db(d);
        return rc;
    }
    d->key = name_key(t, db);
    d->name = stored_name(t, db);
    if (d->key == NULL || d->name == NULL) {
        free_db(d);
        return nomem(err);
    }
    HASH_ADD_KEYPTR(hh, t->dbs, d->key, strlen(d->key), d);
    return 0;
}

int tracker_drop_database(tracker *t, const char *db, bool if_exists, dm_err *err)
{
    tdb *d = find_db(t, db);
    if (d == NULL) {
        if (if_exists)
            return 0;
        return terr(err, TRACKER_ERR_DROP_DB, "Can't drop database '%s'; database doesn't exist",
                    db);
    }
    HASH_DEL(t->dbs, d);
    free_db(d);
    return 0;
}

int tracker_put_table(tracker *t, const char *db, schema_table *table, dm_err *err)
{
    tdb *d = find_db(t, db);
    if (d == NULL)
        return terr(err, TRACKER_ERR_UNKNOWN_DB, "Unknown database '%s'", db);
    ttable *old = find_table(t, d, schema_table_name(table));
    ttable *x = calloc(1, sizeof(*x));
    if (x == NULL)
        return nomem(err);
    x->key = name_key(t, schema_table_name(table));
    if (x->key == NULL) {
        free(x);
        return nomem(err);
    }
    if (t->lctn == 1) {
        char *sn = stored_name(t, schema_table_name(table));
        if (sn == NULL || schema_table_set_name(table, sn, err) != 0) {
            free(sn);
            free(x->key);
            free(x);
            return nomem(err);
        }
        free(sn);
    }
    if (old != NULL) {
        HASH_DEL(d->tables, old);
        free_table(old);
    }
    x->t = table;
    HASH_ADD_KEYPTR(hh, d->tables, x->key, strlen(x->key), x);
    return 0;
}

const schema_table *tracker_get_table(const tracker *t, const char *db, const char *table)
{
    ttable *x = find_table(t, find_db(t, db), table);
    return x ? x->t : NULL;
}

bool tracker_has_database(const tracker *t, const char *db)
{
    return find_db(t, db) != NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void tracker_free_names(char **names, size_t n)
{
    for (size_t i = 0; names != NULL && i < n; i++)
        free(names[i]);
    free(names);
}

int tracker_list_databases(char ***out, size_t *n_out, const tracker *t, dm_err *err)
{
    size_t n = HASH_COUNT(t->dbs), i = 0;
    char **v = calloc(n ? n : 1, sizeof(char *));
    *out = NULL;
    *n_out = 0;
    if (v == NULL)
        return nomem(err);
    for (tdb *d = t->dbs; d != NULL; d = d->hh.next) {
        v[i] = strdup(d->name);
        if (v[i++] == NULL) {
            tracker_free_names(v, i);
            return nomem(err);
        }
    }
    qsort(v, n, sizeof(char *), cmp_str);
    *out = v;
    *n_out = n;
    return 0;
}

int tracker_list_tables(char ***out, size_t *n_out, const tracker *t, const char *db,
                        dm_err *err)
{
    tdb *d = find_db(t, db);
    *out = NULL;
    *n_out = 0;
    if (d == NULL)
        return terr(err, TRACKER_ERR_UNKNOWN_DB, "Unknown database '%s'", db);
    size_t n = HASH_COUNT(d->tables), i = 0;
    char **v = calloc(n ? n : 1, sizeof(char *));
    if (v == NULL)
        return nomem(err);
    for (ttable *x = d->tables; x != NULL; x = x->hh.next) {
        v[i] = strdup(schema_table_name(x->t));
        if (v[i++] == NULL) {
            tracker_free_names(v, i);
            return nomem(err);
        }
    }
    qsort(v, n, sizeof(char *), cmp_str);
    *out = v;
    *n_out = n;
    return 0;
}

// ---------------------------------------------------------------------------------------
// AST -> model definitions. The definitions borrow the AST's strings.

static schema_base_type map_type(ddl_type_id id)
{
    switch (id) {
    case DDL_TYPE_TINYINT: return SCHEMA_TYPE_TINYINT;
    case DDL_TYPE_SMALLINT: return SCHEMA_TYPE_SMALLINT;
    case DDL_TYPE_MEDIUMINT: return SCHEMA_TYPE_MEDIUMINT;
    case DDL_TYPE_INT: return SCHEMA_TYPE_INT;
    case DDL_TYPE_BIGINT: return SCHEMA_TYPE_BIGINT;
    case DDL_TYPE_DECIMAL: return SCHEMA_TYPE_DECIMAL;
    case DDL_TYPE_FLOAT: return SCHEMA_TYPE_FLOAT;
    case DDL_TYPE_DOUBLE: return SCHEMA_TYPE_DOUBLE;
    case DDL_TYPE_BIT: return SCHEMA_TYPE_BIT;
    case DDL_TYPE_DATE: return SCHEMA_TYPE_DATE;
    case DDL_TYPE_TIME: return SCHEMA_TYPE_TIME;
    case DDL_TYPE_DATETIME: return SCHEMA_TYPE_DATETIME;
    case DDL_TYPE_TIMESTAMP: return SCHEMA_TYPE_TIMESTAMP;
    case DDL_TYPE_YEAR: return SCHEMA_TYPE_YEAR;
    case DDL_TYPE_CHAR: return SCHEMA_TYPE_CHAR;
    case DDL_TYPE_VARCHAR: return SCHEMA_TYPE_VARCHAR;
    case DDL_TYPE_BINARY: return SCHEMA_TYPE_BINARY;
    case DDL_TYPE_VARBINARY: return SCHEMA_TYPE_VARBINARY;
    case DDL_TYPE_TINYBLOB: return SCHEMA_TYPE_TINYBLOB;
    case DDL_TYPE_BLOB: return SCHEMA_TYPE_BLOB;
    case DDL_TYPE_MEDIUMBLOB: return SCHEMA_TYPE_MEDIUMBLOB;
    case DDL_TYPE_LONGBLOB: return SCHEMA_TYPE_LONGBLOB;
    case DDL_TYPE_TINYTEXT: return SCHEMA_TYPE_TINYTEXT;
    case DDL_TYPE_TEXT: return SCHEMA_TYPE_TEXT;
    case DDL_TYPE_MEDIUMTEXT: return SCHEMA_TYPE_MEDIUMTEXT;
    case DDL_TYPE_LONGTEXT: return SCHEMA_TYPE_LONGTEXT;
    case DDL_TYPE_ENUM: return SCHEMA_TYPE_ENUM;
    case DDL_TYPE_SET: return SCHEMA_TYPE_SET;
    case DDL_TYPE_JSON: return SCHEMA_TYPE_JSON;
    case DDL_TYPE_GEOMETRY: return SCHEMA_TYPE_GEOMETRY;
    case DDL_TYPE_POINT: return SCHEMA_TYPE_POINT;
    case DDL_TYPE_LINESTRING: return SCHEMA_TYPE_LINESTRING;
    case DDL_TYPE_POLYGON: return SCHEMA_TYPE_POLYGON;
    case DDL_TYPE_MULTIPOINT: return SCHEMA_TYPE_MULTIPOINT;
    case DDL_TYPE_MULTILINESTRING: return SCHEMA_TYPE_MULTILINESTRING;
    case DDL_TYPE_MULTIPOLYGON: return SCHEMA_TYPE_MULTIPOLYGON;
    case DDL_TYPE_GEOMETRYCOLLECTION: return SCHEMA_TYPE_GEOMETRYCOLLECTION;
    case DDL_TYPE_INET4: return SCHEMA_TYPE_INET4;
    case DDL_TYPE_INET6: return SCHEMA_TYPE_INET6;
    case DDL_TYPE_UUID: return SCHEMA_TYPE_UUID;
    default: return SCHEMA_TYPE_COUNT_;
    }
}

static schema_default_kind map_default(ddl_default_kind k)
{
    switch (k) {
    case DDL_DEFAULT_NULL: return SCHEMA_DEFAULT_NULL;
    case DDL_DEFAULT_LITERAL: return SCHEMA_DEFAULT_LITERAL;
    case DDL_DEFAULT_EXPR: return SCHEMA_DEFAULT_EXPR;
    default: return SCHEMA_DEFAULT_NONE;
    }
}

static int map_column(schema_column *c, const ddl_column *d, dm_err *err)
{
    memset(c, 0, sizeof(*c));
    c->name = d->name;
    c->type.base = map_type(d->type.id);
    if (c->type.base == SCHEMA_TYPE_COUNT_)
        return terr(err, SCHEMA_ERR_BAD_DEFINITION, "column '%s' has no type",
                    d->name ? d->name : "");
    c->type.length = d->type.length;
    c->type.scale = (int)d->type.scale;
    c->type.is_unsigned = d->type.is_unsigned;
    c->type.zerofill = d->type.zerofill;
    c->type.binary_attr = d->type.binary;
    c->type.charset = d->type.charset;
    c->type.collation = d->type.collate;
    c->type.elems = d->type.values;
    c->type.n_elems = d->type.n_values;
    c->not_null = d->nullability == DDL_NULL_NOT_NULL;
    c->null_given = d->nullability == DDL_NULL_NULL;
    c->default_kind = map_default(d->default_kind);
    c->default_text = d->default_value;
    c->on_update = d->on_update;
    c->auto_increment = d->auto_increment;
    c->generated_expr = d->generated != DDL_GENERATED_NONE ? d->generated_expr : NULL;
    c->generated_stored = d->generated == DDL_GENERATED_STORED;
    c->invisible = d->invisible;
    c->comment = d->comment;
    c->check = d->n_checks > 0 ? d->checks[0].expr : NULL;
    c->inline_primary = d->primary_key;
    c->inline_unique = d->unique_key;
    return 0;
}

// map_index fills x from an index constraint; parts is an array the caller frees.
static int map_index(schema_index *x, const ddl_constraint *k, dm_err *err)
{
    memset(x, 0, sizeof(*x));
    switch (k->kind) {
    case DDL_CONSTRAINT_PRIMARY: x->kind = SCHEMA_INDEX_PRIMARY; break;
    case DDL_CONSTRAINT_UNIQUE: x->kind = SCHEMA_INDEX_UNIQUE; break;
    case DDL_CONSTRAINT_FULLTEXT: x->kind = SCHEMA_INDEX_FULLTEXT; break;
    case DDL_CONSTRAINT_SPATIAL: x->kind = SCHEMA_INDEX_SPATIAL; break;
    default: x->kind = SCHEMA_INDEX_PLAIN; break;
    }
    x->name = k->index_name ? k->index_name
              : (k->kind == DDL_CONSTRAINT_UNIQUE ? k->symbol : NULL);
    x->using_type = k->using_type;
    x->comment = k->comment;
    x->parts = calloc(k->n_parts ? k->n_parts : 1, sizeof(*x->parts));
    if (x->parts == NULL)
        return nomem(err);
    for (size_t i = 0; i < k->n_parts; i++) {
        if (k->parts[i].column == NULL) {
            free(x->parts);
            x->parts = NULL;
            return terr(err, TRACKER_ERR_UNSUPPORTED,
                        "functional key parts are not supported by the schema tracker");
        }
        x->parts[i].column = k->parts[i].column;
        x->parts[i].prefix = k->parts[i].length > 0 ? k->parts[i].length : 0;
        x->parts[i].desc = k->parts[i].order == 2;
    }
    x->n_parts = k->n_parts;
    return 0;
}

static void map_option(schema_option *o, const ddl_option *d)
{
    o->key = d->name;
    o->value = d->value;
}

// Buffers the translated definitions own (arrays only; strings are the AST's).
typedef struct defbuf {
    schema_column *cols;
    schema_index *idx;
    schema_check *checks;
    schema_option *opts;
    schema_alter_spec *specs;
    size_t n_idx;
} defbuf;

static void defbuf_fini(defbuf *b)
{
    for (size_t i = 0; i < b->n_idx; i++)
        free(b->idx[i].parts);
    free(b->cols);
    free(b->idx);
    free(b->checks);
    free(b->opts);
    if (b->specs != NULL)
        free(b->specs);
    memset(b, 0, sizeof(*b));
}

static int map_create(schema_create_def *def, defbuf *b, const ddl_create_table *c, dm_err *err)
{
    int rc;
    memset(def, 0, sizeof(*def));
    b->cols = calloc(c->n_columns + 1, sizeof(*b->cols));
    b->idx = calloc(c->n_constraints + 1, sizeof(*b->idx));
    b->checks = calloc(c->n_constraints + c->n_columns + 1, sizeof(*b->checks));
    b->opts = calloc(c->n_options + 1, sizeof(*b->opts));
    if (!b->cols || !b->idx || !b->checks || !b->opts)
        return nomem(err);
    for (size_t i = 0; i < c->n_columns; i++)
        if ((rc = map_column(&b->cols[i], &c->columns[i], err)))
            return rc;
    size_t nc = 0;
    for (size_t i = 0; i < c->n_constraints; i++) {
        const ddl_constraint *k = &c->constraints[i];
        if (k->kind == DDL_CONSTRAINT_FOREIGN)
            continue;
        if (k->kind == DDL_CONSTRAINT_CHECK) {
            b->checks[nc].name = k->symbol;
            b->checks[nc++].expr = k->check_expr;
            continue;
        }
        if ((rc = map_index(&b->idx[b->n_idx], k, err)))
            return rc;
        b->n_idx++;
    }
    // Named column checks become table constraints, as the server stores them.
    for (size_t i = 0; i < c->n_columns; i++)
        for (size_t j = 0; j < c->columns[i].n_checks; j++)
            if (c->columns[i].checks[j].name != NULL || j > 0) {
                if (j == 0)
                    b->cols[i].check = NULL;
                b->checks[nc].name = c->columns[i].checks[j].name;
                b->checks[nc++].expr = c->columns[i].checks[j].expr;
            }
    for (size_t i = 0; i < c->n_options; i++)
        map_option(&b->opts[i], &c->options[i]);
    def->columns = b->cols;
    def->n_columns = c->n_columns;
    def->indexes = b->idx;
    def->n_indexes = b->n_idx;
    def->checks = b->checks;
    def->n_checks = nc;
    def->options = b->opts;
    def->n_options = c->n_options;
    def->partition = c->partition;
    return 0;
}

static schema_default_kind classify_default_text(const char *v)
{
    const char *p = v;
    while (isspace((unsigned char)*p))
        p++;
    if (strcasecmp(p, "NULL") == 0)
        return SCHEMA_DEFAULT_NULL;
    if (*p == '\'' || *p == '"' || *p == '-' || *p == '+' || *p == '.' ||
        isdigit((unsigned char)*p) || *p == '_' ||
        ((*p == 'b' || *p == 'B' || *p == 'x' || *p == 'X' || *p == 'n' || *p == 'N') &&
         p[1] == '\'') ||
        strcasecmp(p, "TRUE") == 0 || strcasecmp(p, "FALSE") == 0)
        return SCHEMA_DEFAULT_LITERAL;
    return SCHEMA_DEFAULT_EXPR;
}

// inline_key turns PRIMARY KEY / UNIQUE written on a column of ALTER ... ADD/MODIFY/CHANGE
// into the key spec k (the column spec o then only defines the column).
static int inline_key(defbuf *b, schema_alter_spec *o, schema_alter_spec *k, const ddl_column *c,
                      dm_err *err)
{
    schema_index *x = &b->idx[b->n_idx];
    x->parts = calloc(1, sizeof(*x->parts));
    if (x->parts == NULL)
        return nomem(err);
    b->n_idx++;
    x->kind = c->primary_key ? SCHEMA_INDEX_PRIMARY : SCHEMA_INDEX_UNIQUE;
    x->parts[0].column = c->name;
    x->n_parts = 1;
    o->column.inline_primary = false;
    o->column.inline_unique = false;
    if (c->primary_key)
        o->column.not_null = true;
    k->kind = SCHEMA_ALTER_ADD_INDEX;
    k->index = *x;
    return 0;
}

// map_alter translates the specs of an ALTER TABLE. *new_table receives the RENAME target.
static int map_alter(schema_alter_spec **out, size_t *n_out, defbuf *b,
                     const ddl_alter_table *a, const ddl_name **new_table, dm_err *err)
{
    int rc;
    size_t cap = 0, n = 0;
    *new_table = NULL;
    for (size_t i = 0; i < a->n_specs; i++)
        cap += a->specs[i].n_columns * 2 + a->specs[i].n_options + 1;
    b->specs = calloc(cap + 1, sizeof(*b->specs));
    b->idx = calloc(cap + 1, sizeof(*b->idx));
    if (b->specs == NULL || b->idx == NULL)
        return nomem(err);
    for (size_t i = 0; i < a->n_specs; i++) {
        const ddl_alter_spec *s = &a->specs[i];
        schema_alter_spec *o = &b->specs[n];
        o->if_exists = s->if_exists;
        o->if_not_exists = s->if_not_exists;
        switch (s->kind) {
        case DDL_ALTER_ADD_COLUMN:
            for (size_t c = 0; c < s->n_columns; c++) {
                o = &b->specs[n++];
                o->kind = SCHEMA_ALTER_ADD_COLUMN;
                o->if_not_exists = s->if_not_exists;
                if ((rc = map_column(&o->column, &s->columns[c], err)))
                    return rc;
                o->pos = s->position == DDL_POS_FIRST   ? SCHEMA_POS_FIRST
                         : s->position == DDL_POS_AFTER ? SCHEMA_POS_AFTER
                                                        : SCHEMA_POS_DEFAULT;
                o->after = s->after;
                // PRIMARY KEY / UNIQUE on an added column add a key.
                if (s->columns[c].primary_key || s->columns[c].unique_key) {
                    if ((rc = inline_key(b, o, &b->specs[n++], &s->columns[c], err)))
                        return rc;
                }
            }
            continue;
        case DDL_ALTER_MODIFY_COLUMN:
        case DDL_ALTER_CHANGE_COLUMN:
            if (s->n_columns < 1)
                return terr(err, SCHEMA_ERR_BAD_DEFINITION, "MODIFY/CHANGE without a column");
            o->kind = SCHEMA_ALTER_CHANGE_COLUMN;
            o->name = s->kind == DDL_ALTER_MODIFY_COLUMN ? s->columns[0].name : s->name;
            if ((rc = map_column(&o->column, &s->columns[0], err)))
                return rc;
            o->pos = s->position == DDL_POS_FIRST   ? SCHEMA_POS_FIRST
                     : s->position == DDL_POS_AFTER ? SCHEMA_POS_AFTER
                                                    : SCHEMA_POS_DEFAULT;
            o->after = s->after;
            if (s->columns[0].primary_key || s->columns[0].unique_key) {
                n++;
                if ((rc = inline_key(b, o, &b->specs[n], &s->columns[0], err)))
                    return rc;
            }
            break;
        case DDL_ALTER_DROP_COLUMN:
            o->kind = SCHEMA_ALTER_DROP_COLUMN;
            o->name = s->name;
            break;
        case DDL_ALTER_RENAME_COLUMN:
            o->kind = SCHEMA_ALTER_RENAME_COLUMN;
            o->name = s->name;
            o->new_name = s->new_name;
            break;
        case DDL_ALTER_SET_DEFAULT:
            o->kind = SCHEMA_ALTER_SET_DEFAULT;
            o->name = s->name;
            o->default_kind = classify_default_text(s->value ? s->value : "NULL");
            o->default_text = s->value;
            break;
        case DDL_ALTER_DROP_DEFAULT:
            o->kind = SCHEMA_ALTER_DROP_DEFAULT;
            o->name = s->name;
            break;
        case DDL_ALTER_ADD_CONSTRAINT:
            if (s->constraint == NULL || s->constraint->kind == DDL_CONSTRAINT_FOREIGN) {
                o->kind = SCHEMA_ALTER_NOOP;
                break;
            }
            if (s->constraint->kind == DDL_CONSTRAINT_CHECK) {
                o->kind = SCHEMA_ALTER_ADD_CHECK;
                o->check.name = s->constraint->symbol;
                o->check.expr = s->constraint->check_expr;
                break;
            }
            o->kind = SCHEMA_ALTER_ADD_INDEX;
            o->if_not_exists = s->if_not_exists || s->constraint->if_not_exists;
            if ((rc = map_index(&b->idx[b->n_idx], s->constraint, err)))
                return rc;
            o->index = b->idx[b->n_idx++];
            break;
        case DDL_ALTER_DROP_INDEX:
            o->kind = SCHEMA_ALTER_DROP_INDEX;
            o->name = s->name;
            break;
        case DDL_ALTER_DROP_PRIMARY_KEY:
            o->kind = SCHEMA_ALTER_DROP_INDEX;
            o->name = "PRIMARY";
            break;
        case DDL_ALTER_DROP_CONSTRAINT:
        case DDL_ALTER_DROP_CHECK:
            o->kind = SCHEMA_ALTER_DROP_CONSTRAINT;
            o->name = s->name;
            break;
        case DDL_ALTER_RENAME_INDEX:
            o->kind = SCHEMA_ALTER_RENAME_INDEX;
            o->name = s->name;
            o->new_name = s->new_name;
            break;
        case DDL_ALTER_RENAME_TABLE:
            o->kind = SCHEMA_ALTER_NOOP;
            *new_table = &s->new_table;
            break;
        case DDL_ALTER_CONVERT_CHARSET:
            o->kind = SCHEMA_ALTER_CONVERT_CHARSET;
            o->charset = s->charset;
            o->collation = s->collate;
            break;
        case DDL_ALTER_OPTIONS:
            for (size_t k = 0; k < s->n_options; k++) {
                o = &b->specs[n++];
                o->kind = SCHEMA_ALTER_OPTION;
                map_option(&o->option, &s->options[k]);
            }
            continue;
        case DDL_ALTER_PARTITION:
            if (s->partition_op == DDL_PART_BY) {
                o->kind = SCHEMA_ALTER_PARTITION;
                o->partition = s->value;
            } else if (s->partition_op == DDL_PART_REMOVE) {
                o->kind = SCHEMA_ALTER_PARTITION;
                o->partition = NULL;
            } else {
                o->kind = SCHEMA_ALTER_NOOP;
            }
            break;
        default:
            // ALGORITHM, LOCK, FORCE, ORDER BY, KEYS, tablespaces, visibility, foreign keys:
            // nothing the model keeps changes.
            o->kind = SCHEMA_ALTER_NOOP;
            break;
        }
        n++;
    }
    *out = b->specs;
    *n_out = n;
    return 0;
}

// ---------------------------------------------------------------------------------------
// Statements

static const char *qual_db(const ddl_name *n, const char *current_db)
{
    return n->db != NULL ? n->db : current_db;
}

static int need_db(const tracker *t, tdb **out, const char *db, dm_err *err)
{
    *out = NULL;
    if (db == NULL)
        return terr(err, TRACKER_ERR_NO_DB, "No database selected");
    *out = find_db(t, db);
    if (*out == NULL)
        return terr(err, TRACKER_ERR_UNKNOWN_DB, "Unknown database '%s'", db);
    return 0;
}

static int apply_create_table(tracker *t, const ddl_create_table *c, const char *current_db,
                              dm_err *err)
{
    int rc;
    tdb *d;
    schema_table *nt = NULL;
    defbuf b = {0};
    if (c->temporary)
        return 0;
    const char *db = qual_db(&c->table, current_db);
    if ((rc = need_db(t, &d, db, err)))
        return rc;
    ttable *old = find_table(t, d, c->table.name);
    if (c->has_like && same_name(t, qual_db(&c->like, current_db), db) &&
        same_name(t, c->like.name, c->table.name))
        return terr(err, TRACKER_ERR_NOT_UNIQUE, "Not unique table/alias: '%s'", c->table.name);
    if (old != NULL && !c->or_replace) {
        if (c->if_not_exists)
            return 0;
        return terr(err, TRACKER_ERR_TABLE_EXISTS, "Table '%s' already exists", c->table.name);
    }
    if (c->has_like) {
        const char *sdb = qual_db(&c->like, current_db);
        const schema_table *src = tracker_get_table(t, sdb, c->like.name);
        if (src == NULL)
            return terr(err, TRACKER_ERR_NO_SUCH_TABLE, "Table '%s.%s' doesn't exist",
                        sdb ? sdb : "", c->like.name);
        if ((rc = schema_table_clone(&nt, src, err)))
            return rc;
        schema_table_sort_keys(nt);
        if ((rc = schema_table_set_name(nt, c->table.name, err)))
            goto done;
    } else {
        schema_create_def def;
        if (c->select != NULL) {
            rc = terr(err, TRACKER_ERR_UNSUPPORTED,
                      "CREATE TABLE ... SELECT: the columns come from the query and cannot be "
                      "derived from the statement");
            goto done;
        }
        if ((rc = map_create(&def, &b, c, err)))
            goto done;
        if ((rc = schema_table_build(&nt, c->table.name, &def, d->charset, d->collation,
                                     t->engine, err)))
            goto done;
    }
    if ((rc = tracker_put_table(t, d->name, nt, err)))
        goto done;
    nt = NULL;
done:
    schema_table_destroy(nt);
    defbuf_fini(&b);
    return rc;
}

// move_table renames (db, name) to (ndb, nname). Errors as RENAME TABLE.
static int move_table(tracker *t, const char *db, const char *name, const char *ndb,
                      const char *nname, dm_err *err)
{
    int rc;
    tdb *d, *nd;
    if ((rc = need_db(t, &d, db, err)))
        return rc;
    ttable *x = find_table(t, d, name);
    if (x == NULL)
        return terr(err, TRACKER_ERR_NO_SUCH_TABLE, "Table '%s.%s' doesn't exist", db, name);
    if ((rc = need_db(t, &nd, ndb, err)))
        return rc;
    if (find_table(t, nd, nname) != NULL)
        return terr(err, TRACKER_ERR_TABLE_EXISTS, "Table '%s' already exists", nname);
    char *key = name_key(t, nname);
    if (key == NULL)
        return nomem(err);
    if ((rc = schema_table_set_name(x->t, nname, err))) {
        free(key);
        return rc;
    }
    HASH_DEL(d->tables, x);
    free(x->key);
    x->key = key;
    if (t->lctn == 1) {
        char *sn = stored_name(t, nname);
        if (sn != NULL)
            schema_table_set_name(x->t, sn, NULL);
        free(sn);
    }
    HASH_ADD_KEYPTR(hh, nd->tables, x->key, strlen(x->key), x);
    return 0;
}

static int apply_alter_table(tracker *t, const ddl_alter_table *a, const char *current_db,
                             dm_err *err)
{
    int rc;
    tdb *d;
    defbuf b = {0};
    schema_alter_spec *specs = NULL;
    size_t n = 0;
    const ddl_name *rename = NULL;
    schema_table *work = NULL;
    const char *db = qual_db(&a->table, current_db);
    ttable *x = NULL;
    if ((rc = map_alter(&specs, &n, &b, a, &rename, err)) ||
        (rc = schema_alter_check_conflicts(specs, n, err)) || (rc = need_db(t, &d, db, err)))
        goto done;
    x = find_table(t, d, a->table.name);
    if (x == NULL) {
        if (!a->if_exists)
            rc = terr(err, TRACKER_ERR_NO_SUCH_TABLE, "Table '%s.%s' doesn't exist", db,
                      a->table.name);
        goto done;
    }
    const char *ndb = NULL;
    tdb *nd = NULL;
    if (rename != NULL) {
        ndb = qual_db(rename, current_db);
        if ((rc = need_db(t, &nd, ndb, err)))
            goto done;
        ttable *y = find_table(t, nd, rename->name);
        if (y != NULL && y != x) {
            rc = terr(err, TRACKER_ERR_TABLE_EXISTS, "Table '%s' already exists", rename->name);
            goto done;
        }
    }
    if ((rc = schema_table_clone(&work, x->t, err)))
        goto done;
    if ((rc = schema_table_alter(work, specs, n, err)))
        goto done;
    schema_table_destroy(x->t);
    x->t = work;
    work = NULL;
    if (rename != NULL && find_table(t, nd, rename->name) != x)
        rc = move_table(t, d->name, schema_table_name(x->t), nd->name, rename->name, err);
done:
    schema_table_destroy(work);
    defbuf_fini(&b);
    return rc;
}

static int apply_rename(tracker *t, const ddl_rename_table *r, const char *current_db,
                        dm_err *err)
{
    int rc = 0;
    size_t done_n = 0;
    for (; done_n < r->n_pairs; done_n++) {
        const ddl_rename_pair *p = &r->pairs[done_n];
        const char *fdb = qual_db(&p->from, current_db), *tdb_ = qual_db(&p->to, current_db);
        if (r->if_exists && tracker_get_table(t, fdb, p->from.name) == NULL)
            continue;
        if ((rc = move_table(t, fdb, p->from.name, tdb_, p->to.name, err)))
            break;
    }
    if (rc == 0)
        return 0;
    // Undo the pairs already done, newest first.
    while (done_n > 0) {
        done_n--;
        const ddl_rename_pair *p = &r->pairs[done_n];
        const char *fdb = qual_db(&p->from, current_db), *tdb_ = qual_db(&p->to, current_db);
        if (tracker_get_table(t, tdb_, p->to.name) != NULL)
            move_table(t, tdb_, p->to.name, fdb, p->from.name, NULL);
    }
    return rc;
}

static int apply_drop_tables(tracker *t, const ddl_drop_table *dr, const char *current_db,
                             dm_err *err)
{
    dm_buf missing;
    int rc = 0;
    if (dr->temporary)
        return 0;
    for (size_t i = 0; i < dr->n_tables; i++)
        for (size_t j = 0; j < i; j++)
            if (same_name(t, qual_db(&dr->tables[i], current_db), qual_db(&dr->tables[j], current_db)) &&
                same_name(t, dr->tables[i].name, dr->tables[j].name))
                return terr(err, TRACKER_ERR_NOT_UNIQUE, "Not unique table/alias: '%s'",
                            dr->tables[i].name);
    dm_buf_init(&missing);
    for (size_t i = 0; i < dr->n_tables; i++) {
        const char *db = qual_db(&dr->tables[i], current_db);
        tdb *d = find_db(t, db);
        ttable *x = find_table(t, d, dr->tables[i].name);
        if (x == NULL) {
            if (!dr->if_exists &&
                dm_buf_printf(&missing, "%s%s.%s", missing.len ? "," : "", db ? db : "",
                              dr->tables[i].name)) {
                dm_buf_fini(&missing);
                return nomem(err);
            }
            continue;
        }
        HASH_DEL(d->tables, x);
        free_table(x);
    }
    if (missing.len > 0)
        rc = terr(err, TRACKER_ERR_UNKNOWN_TABLE, "Unknown table '%s'", missing.data);
    dm_buf_fini(&missing);
    return rc;
}

static int db_option(const ddl_database *d, const char **cs, const char **coll)
{
    *cs = *coll = NULL;
    for (size_t i = 0; i < d->n_options; i++) {
        const char *k = d->options[i].name ? d->options[i].name : "";
        if (strcasecmp(k, "CHARACTER SET") == 0 || strcasecmp(k, "CHARSET") == 0)
            *cs = d->options[i].value;
        else if (strcasecmp(k, "COLLATE") == 0)
            *coll = d->options[i].value;
    }
    return 0;
}

static int apply_stmt(tracker *t, const ddl_stmt *s, const char *current_db, dm_err *err)
{
    int rc;
    const char *cs, *coll;
    switch (s->kind) {
    case DDL_STMT_CREATE_DATABASE:
        db_option(&s->u.database, &cs, &coll);
        if (s->u.database.or_replace)
            tracker_drop_database(t, s->u.database.name, true, NULL);
        return tracker_create_database(t, s->u.database.name, cs, coll,
                                       s->u.database.if_not_exists, err);
    case DDL_STMT_ALTER_DATABASE: {
        const char *name = s->u.database.name ? s->u.database.name : current_db;
        tdb *d;
        char *ncs, *ncoll;
        if ((rc = need_db(t, &d, name, err)))
            return rc;
        db_option(&s->u.database, &cs, &coll);
        if (cs == NULL && coll == NULL)
            return 0;
        if ((rc = resolve_db_charset(&ncs, &ncoll, cs, coll, t->server_charset,
                                     t->server_collation, err)))
            return rc;
        free(d->charset);
        free(d->collation);
        d->charset = ncs;
        d->collation = ncoll;
        return 0;
    }
    case DDL_STMT_DROP_DATABASE:
        return tracker_drop_database(t, s->u.database.name, s->u.database.if_exists, err);
    case DDL_STMT_CREATE_TABLE:
        return apply_create_table(t, &s->u.create_table, current_db, err);
    case DDL_STMT_ALTER_TABLE:
        return apply_alter_table(t, &s->u.alter_table, current_db, err);
    case DDL_STMT_RENAME_TABLE:
        return apply_rename(t, &s->u.rename_table, current_db, err);
    case DDL_STMT_DROP_TABLE:
        return apply_drop_tables(t, &s->u.drop_table, current_db, err);
    case DDL_STMT_TRUNCATE_TABLE: {
        const char *db = qual_db(&s->u.truncate_table.table, current_db);
        tdb *d;
        if ((rc = need_db(t, &d, db, err)))
            return rc;
        if (find_table(t, d, s->u.truncate_table.table.name) == NULL)
            return terr(err, TRACKER_ERR_NO_SUCH_TABLE, "Table '%s.%s' doesn't exist", db,
                        s->u.truncate_table.table.name);
        return 0;
    }
    case DDL_STMT_CREATE_INDEX: {
        const ddl_create_index *ci = &s->u.create_index;
        ddl_alter_spec spec = {.kind = DDL_ALTER_ADD_CONSTRAINT,
                               .constraint = (ddl_constraint *)&ci->index,
                               .if_not_exists = ci->index.if_not_exists};
        ddl_alter_table a = {.table = ci->table, .specs = &spec, .n_specs = 1};
        return apply_alter_table(t, &a, current_db, err);
    }
    case DDL_STMT_DROP_INDEX: {
        const ddl_drop_index *di = &s->u.drop_index;
        ddl_alter_spec spec = {.kind = strcasecmp(di->name, "PRIMARY") == 0
                                           ? DDL_ALTER_DROP_PRIMARY_KEY
                                           : DDL_ALTER_DROP_INDEX,
                               .name = di->name,
                               .if_exists = di->if_exists};
        ddl_alter_table a = {.table = di->table, .specs = &spec, .n_specs = 1};
        return apply_alter_table(t, &a, current_db, err);
    }
    default:
        return 0;
    }
}

int tracker_apply(tracker *t, const ddl_stmt *stmt, const char *current_db, const char *sql,
                  dm_err *err)
{
    int rc = apply_stmt(t, stmt, current_db, err);
    if (rc != 0 && err != NULL && sql != NULL)
        dm_err_cause(err, "statement: %.900s", sql);
    return rc;
}

int tracker_exec(tracker *t, const char *sql, const char *current_db, dm_err *err)
{
    ddl_stmt *st = NULL;
    int rc = ddl_parse(&st, sql, strlen(sql), NULL, err);
    if (rc != 0)
        return rc;
    rc = tracker_apply(t, st, current_db, sql, err);
    ddl_stmt_destroy(st);
    return rc;
}

// ---------------------------------------------------------------------------------------
// JSON

json_t *tracker_to_json(const tracker *t)
{
    json_t *o = json_pack("{s:i,s:s,s:s,s:s}", "lower_case_table_names", t->lctn,
                          "server_charset", t->server_charset, "server_collation",
                          t->server_collation, "default_engine", t->engine);
    json_t *dbs = json_array();
    if (o == NULL || dbs == NULL || json_object_set(o, "databases", dbs)) {
        json_decref(o);
        json_decref(dbs);
        return NULL;
    }
    json_decref(dbs);
    for (tdb *d = t->dbs; d != NULL; d = d->hh.next) {
        json_t *jd = json_pack("{s:s,s:s,s:s}", "name", d->name, "charset", d->charset,
                               "collation", d->collation);
        json_t *tabs = json_array();
        if (jd == NULL || tabs == NULL || json_object_set(jd, "tables", tabs) ||
            json_array_append(dbs, jd)) {
            json_decref(jd);
            json_decref(tabs);
            json_decref(o);
            return NULL;
        }
        json_decref(jd);
        json_decref(tabs);
        for (ttable *x = d->tables; x != NULL; x = x->hh.next) {
            json_t *jt = schema_table_to_json(x->t);
            if (jt == NULL || json_array_append_new(tabs, jt)) {
                json_decref(o);
                return NULL;
            }
        }
    }
    return o;
}

static int bad_state(dm_err *err, const char *what)
{
    return dm_err_set(err, TRACKER_ERR_BAD_STATE, DM_ERR_SCOPE_INTERNAL,
                      "saved schema tracker state: %s is missing or malformed", what);
}

int tracker_from_json(tracker **out, const json_t *json, dm_err *err)
{
    int rc;
    tracker *t = NULL;
    tracker_options opts = {0};
    const json_t *dbs;
    *out = NULL;
    if (!json_is_object(json))
        return bad_state(err, "(root)");
    const json_t *l = json_object_get(json, "lower_case_table_names");
    if (!json_is_integer(l))
        return bad_state(err, "lower_case_table_names");
    opts.lower_case_table_names = (int)json_integer_value(l);
    opts.server_charset = json_string_value(json_object_get(json, "server_charset"));
    opts.server_collation = json_string_value(json_object_get(json, "server_collation"));
    opts.default_engine = json_string_value(json_object_get(json, "default_engine"));
    if ((rc = tracker_create(&t, &opts, err)))
        return rc;
    dbs = json_object_get(json, "databases");
    if (!json_is_array(dbs)) {
        rc = bad_state(err, "databases");
        goto fail;
    }
    for (size_t i = 0; i < json_array_size(dbs); i++) {
        const json_t *jd = json_array_get(dbs, i);
        const char *name = json_string_value(json_object_get(jd, "name"));
        const char *cs = json_string_value(json_object_get(jd, "charset"));
        const char *coll = json_string_value(json_object_get(jd, "collation"));
        const json_t *tabs = json_object_get(jd, "tables");
        if (name == NULL || cs == NULL || coll == NULL || !json_is_array(tabs)) {
            rc = bad_state(err, "databases[]");
            goto fail;
        }
        if ((rc = tracker_create_database(t, name, cs, coll, false, err)))
            goto fail;
        for (size_t k = 0; k < json_array_size(tabs); k++) {
            schema_table *st;
            if ((rc = schema_table_from_json(&st, json_array_get(tabs, k), err)))
                goto fail;
            if ((rc = tracker_put_table(t, name, st, err))) {
                schema_table_destroy(st);
                goto fail;
            }
        }
    }
    *out = t;
    return 0;
fail:
    tracker_destroy(t);
    return rc;
}
