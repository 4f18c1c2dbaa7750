// DESIGN: the table-schema model mirrors what MariaDB 10.11 stores for a table, so that
// printing it gives SHOW CREATE TABLE's text. Definitions (what a statement says) are turned
// into stored form once, when a column or key enters the table: display widths and lengths
// are filled in, charsets and collations resolved, default literals rewritten to the
// server's canonical text. Everything after that (printing, JSON, comparison) works on
// stored form only.
//
// ALTER TABLE follows mysql_prepare_alter_table: a new column list is built from the old one
// (dropped columns left out, changed ones replaced in place unless they move), then added
// and moved columns are placed in statement order, then keys are rebuilt: old keys keep
// their order, follow renamed columns, lose dropped columns, and new keys are appended. The
// result goes through the same key pass as CREATE TABLE (mysql_prepare_create_table):
// generated names, NOT NULL for primary key columns, and the key order of sort_keys(). Work
// happens on a copy that replaces the table only when every step succeeded.
#include "schema.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema_internal.h"
#include "tracker.h"

// ---------------------------------------------------------------------------------------
// Small helpers

char *schema_strdup(const char *s, bool *oom)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    if (d == NULL)
        *oom = true;
    return d;
}

bool schema_name_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcasecmp(a, b) == 0;
}

static bool str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static void lower_in_place(char *s)
{
    for (; s != NULL && *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static void upper_in_place(char *s)
{
    for (; s != NULL && *s; s++)
        *s = (char)toupper((unsigned char)*s);
}

static int nomem(dm_err *err)
{
    return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
}

int schema_err_server_code(int code)
{
    switch (code) {
    case SCHEMA_ERR_DUP_COLUMN: return 1060;
    case SCHEMA_ERR_UNKNOWN_COLUMN: return 1054;
    case SCHEMA_ERR_CANT_DROP: return 1091;
    case SCHEMA_ERR_DUP_KEY: return 1061;
    case SCHEMA_ERR_MULTI_PK: return 1068;
    case SCHEMA_ERR_KEY_COLUMN: return 1072;
    case SCHEMA_ERR_DROP_ALL_COLUMNS: return 1090;
    case SCHEMA_ERR_BAD_DEFAULT: return 1067;
    case SCHEMA_ERR_AUTO_KEY: return 1075;
    case SCHEMA_ERR_UNKNOWN_KEY: return 1176;
    case SCHEMA_ERR_NO_COLUMNS: return 1113;
    case SCHEMA_ERR_DUP_CONSTRAINT: return 1826;
    case SCHEMA_ERR_BAD_CHARSET: return 1115;
    case SCHEMA_ERR_BAD_PREFIX: return 1089;
    case SCHEMA_ERR_TOO_LONG: return 1074;
    case SCHEMA_ERR_BLOB_KEY: return 1170;
    case SCHEMA_ERR_INVISIBLE: return 4108;
    case SCHEMA_ERR_KEY_TOO_LONG: return 1071;
    case SCHEMA_ERR_CONFLICT: return 1302;
    case SCHEMA_ERR_BAD_EXPR: return 1901;
    case SCHEMA_ERR_FULLTEXT: return 1283;
    case TRACKER_ERR_UNKNOWN_DB: return 1049;
    case TRACKER_ERR_DB_EXISTS: return 1007;
    case TRACKER_ERR_DROP_DB: return 1008;
    case TRACKER_ERR_TABLE_EXISTS: return 1050;
    case TRACKER_ERR_UNKNOWN_TABLE: return 1051;
    case TRACKER_ERR_NO_SUCH_TABLE: return 1146;
    case TRACKER_ERR_NOT_UNIQUE: return 1066;
    case TRACKER_ERR_NO_DB: return 1046;
    default: return 0;
    }
}

static int fail(dm_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(dm_err *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dm_err_vset(err, code, DM_ERR_SCOPE_INTERNAL, fmt, ap);
    va_end(ap);
    return code;
}

// ---------------------------------------------------------------------------------------
// Charsets: the ones MariaDB 10.11 ships, with their default collation and the longest
// character in bytes (needed for TEXT(n) sizing and CONVERT TO CHARACTER SET).

typedef struct cs_info {
    const char *name;
    const char *def_coll;
    int mbmaxlen;
} cs_info;

static const cs_info charsets[] = {
    {"armscii8", "armscii8_general_ci", 1}, {"ascii", "ascii_general_ci", 1},
    {"big5", "big5_chinese_ci", 2},         {"binary", "binary", 1},
    {"cp1250", "cp1250_general_ci", 1},     {"cp1251", "cp1251_general_ci", 1},
    {"cp1256", "cp1256_general_ci", 1},     {"cp1257", "cp1257_general_ci", 1},
    {"cp850", "cp850_general_ci", 1},       {"cp852", "cp852_general_ci", 1},
    {"cp866", "cp866_general_ci", 1},       {"cp932", "cp932_japanese_ci", 2},
    {"dec8", "dec8_swedish_ci", 1},         {"eucjpms", "eucjpms_japanese_ci", 3},
    {"euckr", "euckr_korean_ci", 2},        {"gb2312", "gb2312_chinese_ci", 2},
    {"gbk", "gbk_chinese_ci", 2},           {"geostd8", "geostd8_general_ci", 1},
    {"greek", "greek_general_ci", 1},       {"hebrew", "hebrew_general_ci", 1},
    {"hp8", "hp8_english_ci", 1},           {"keybcs2", "keybcs2_general_ci", 1},
    {"koi8r", "koi8r_general_ci", 1},       {"koi8u", "koi8u_general_ci", 1},
    {"latin1", "latin1_swedish_ci", 1},     {"latin2", "latin2_general_ci", 1},
    {"latin5", "latin5_turkish_ci", 1},     {"latin7", "latin7_general_ci", 1},
    {"macce", "macce_general_ci", 1},       {"macroman", "macroman_general_ci", 1},
    {"sjis", "sjis_japanese_ci", 2},        {"swe7", "swe7_swedish_ci", 1},
    {"tis620", "tis620_thai_ci", 1},        {"ucs2", "ucs2_general_ci", 2},
    {"ujis", "ujis_japanese_ci", 3},        {"utf16", "utf16_general_ci", 4},
    {"utf16le", "utf16le_general_ci", 4},   {"utf32", "utf32_general_ci", 4},
    {"utf8mb3", "utf8mb3_general_ci", 3},   {"utf8mb4", "utf8mb4_general_ci", 4},
};

static const cs_info *find_charset(const char *name)
{
    if (name == NULL)
        return NULL;
    if (strcasecmp(name, "utf8") == 0)
        name = "utf8mb3";
    for (size_t i = 0; i < sizeof(charsets) / sizeof(charsets[0]); i++)
        if (strcasecmp(charsets[i].name, name) == 0)
            return &charsets[i];
    return NULL;
}

const char *schema_charset_default_collation(const char *charset)
{
    const cs_info *cs = find_charset(charset);
    return cs != NULL ? cs->def_coll : NULL;
}

int schema_charset_mbmaxlen(const char *charset)
{
    const cs_info *cs = find_charset(charset);
    return cs != NULL ? cs->mbmaxlen : 1;
}

// collation_info finds the charset a collation belongs to: the longest charset name that
// prefixes it followed by '_' ("utf8mb4" for "utf8mb4_bin"; "utf8_bin" means utf8mb3).
static const cs_info *collation_info(const char *coll)
{
    const cs_info *best = NULL;
    if (coll == NULL)
        return NULL;
    if (strcasecmp(coll, "binary") == 0)
        return find_charset("binary");
    if (strncasecmp(coll, "utf8_", 5) == 0)
        return find_charset("utf8mb3");
    for (size_t i = 0; i < sizeof(charsets) / sizeof(charsets[0]); i++) {
        size_t n = strlen(charsets[i].name);
        if (strncasecmp(coll, charsets[i].name, n) == 0 && coll[n] == '_' &&
            (best == NULL || strlen(best->name) < n))
            best = &charsets[i];
    }
    return best;
}

int schema_collation_charset(char *out, size_t size, const char *collation, dm_err *err)
{
    const cs_info *cs = collation_info(collation);
    if (cs == NULL)
        return fail(err, SCHEMA_ERR_BAD_CHARSET, "Unknown collation: '%s'",
                    collation ? collation : "");
    snprintf(out, size, "%s", cs->name);
    return 0;
}

// canonical_collation returns a new lower-case collation name with utf8_ spelled utf8mb3_.
static char *canonical_collation(const char *coll, bool *oom)
{
    char *c;
    if (strncasecmp(coll, "utf8_", 5) == 0) {
        size_t n = strlen(coll) + 4;
        c = malloc(n);
        if (c == NULL) {
            *oom = true;
            return NULL;
        }
        snprintf(c, n, "utf8mb3_%s", coll + 5);
    } else {
        c = schema_strdup(coll, oom);
    }
    lower_in_place(c);
    return c;
}

// resolve_charset picks the stored charset/collation pair for what a statement says:
// charset and/or collation (either may be NULL), falling back to the inherited pair.
// binary_attr asks for the charset's _bin collation. *out_cs/*out_coll are new strings.
static int resolve_charset(char **out_cs, char **out_coll, const char *charset,
                           const char *collation, bool binary_attr, const char *inh_cs,
                           const char *inh_coll, dm_err *err)
{
    bool oom = false;
    const cs_info *cs = NULL;
    char *coll = NULL;
    *out_cs = *out_coll = NULL;
    if (charset != NULL) {
        cs = find_charset(charset);
        if (cs == NULL)
            return fail(err, SCHEMA_ERR_BAD_CHARSET, "Unknown character set: '%s'", charset);
    }
    if (collation != NULL) {
        const cs_info *ccs = collation_info(collation);
        if (ccs == NULL)
            return fail(err, SCHEMA_ERR_BAD_CHARSET, "Unknown collation: '%s'", collation);
        if (cs != NULL && cs != ccs)
            return fail(err, SCHEMA_ERR_BAD_CHARSET,
                        "COLLATION '%s' is not valid for CHARACTER SET '%s'", collation,
                        cs->name);
        cs = ccs;
        coll = canonical_collation(collation, &oom);
    } else if (cs != NULL) {
        if (binary_attr && strcmp(cs->name, "binary") != 0) {
            size_t n = strlen(cs->name) + 5;
            coll = malloc(n);
            if (coll != NULL)
                snprintf(coll, n, "%s_bin", cs->name);
            else
                oom = true;
        } else {
            coll = schema_strdup(cs->def_coll, &oom);
        }
    } else {
        cs = find_charset(inh_cs);
        if (binary_attr && cs != NULL && strcmp(cs->name, "binary") != 0) {
            size_t n = strlen(cs->name) + 5;
            coll = malloc(n);
            if (coll != NULL)
                snprintf(coll, n, "%s_bin", cs->name);
            else
                oom = true;
        } else {
            coll = schema_strdup(inh_coll, &oom);
        }
        *out_cs = schema_strdup(cs != NULL ? cs->name : inh_cs, &oom);
        *out_coll = coll;
        if (oom) {
            free(*out_cs);
            free(*out_coll);
            *out_cs = *out_coll = NULL;
            return nomem(err);
        }
        return 0;
    }
    *out_cs = schema_strdup(cs->name, &oom);
    *out_coll = coll;
    if (oom) {
        free(*out_cs);
        free(*out_coll);
        *out_cs = *out_coll = NULL;
        return nomem(err);
    }
    return 0;
}

// ---------------------------------------------------------------------------------------
// Types

static const char *type_names[SCHEMA_TYPE_COUNT_] = {
    [SCHEMA_TYPE_TINYINT] = "tinyint",     [SCHEMA_TYPE_SMALLINT] = "smallint",
    [SCHEMA_TYPE_MEDIUMINT] = "mediumint", [SCHEMA_TYPE_INT] = "int",
    [SCHEMA_TYPE_BIGINT] = "bigint",       [SCHEMA_TYPE_DECIMAL] = "decimal",
    [SCHEMA_TYPE_FLOAT] = "float",         [SCHEMA_TYPE_DOUBLE] = "double",
    [SCHEMA_TYPE_BIT] = "bit",             [SCHEMA_TYPE_DATE] = "date",
    [SCHEMA_TYPE_TIME] = "time",           [SCHEMA_TYPE_DATETIME] = "datetime",
    [SCHEMA_TYPE_TIMESTAMP] = "timestamp", [SCHEMA_TYPE_YEAR] = "year",
    [SCHEMA_TYPE_CHAR] = "char",           [SCHEMA_TYPE_VARCHAR] = "varchar",
    [SCHEMA_TYPE_BINARY] = "binary",       [SCHEMA_TYPE_VARBINARY] = "varbinary",
    [SCHEMA_TYPE_TINYTEXT] = "tinytext",   [SCHEMA_TYPE_TEXT] = "text",
    [SCHEMA_TYPE_MEDIUMTEXT] = "mediumtext", [SCHEMA_TYPE_LONGTEXT] = "longtext",
    [SCHEMA_TYPE_TINYBLOB] = "tinyblob",   [SCHEMA_TYPE_BLOB] = "blob",
    [SCHEMA_TYPE_MEDIUMBLOB] = "mediumblob", [SCHEMA_TYPE_LONGBLOB] = "longblob",
    [SCHEMA_TYPE_ENUM] = "enum",           [SCHEMA_TYPE_SET] = "set",
    [SCHEMA_TYPE_JSON] = "json",           [SCHEMA_TYPE_GEOMETRY] = "geometry",
    [SCHEMA_TYPE_POINT] = "point",         [SCHEMA_TYPE_LINESTRING] = "linestring",
    [SCHEMA_TYPE_POLYGON] = "polygon",     [SCHEMA_TYPE_MULTIPOINT] = "multipoint",
    [SCHEMA_TYPE_MULTILINESTRING] = "multilinestring",
    [SCHEMA_TYPE_MULTIPOLYGON] = "multipolygon",
    [SCHEMA_TYPE_GEOMETRYCOLLECTION] = "geometrycollection",
    [SCHEMA_TYPE_INET4] = "inet4",         [SCHEMA_TYPE_INET6] = "inet6",
    [SCHEMA_TYPE_UUID] = "uuid",
};

const char *schema_type_name(schema_base_type t)
{
    if ((int)t < 0 || t >= SCHEMA_TYPE_COUNT_)
        return "unknown";
    return type_names[t];
}

int schema_type_from_json_name(schema_base_type *out, const char *name)
{
    for (int i = 0; i < SCHEMA_TYPE_COUNT_; i++)
        if (type_names[i] != NULL && strcmp(type_names[i], name) == 0) {
            *out = (schema_base_type)i;
            return 0;
        }
    return -1;
}

bool schema_type_is_integer(schema_base_type t)
{
    return t >= SCHEMA_TYPE_TINYINT && t <= SCHEMA_TYPE_BIGINT;
}

bool schema_type_is_numeric(schema_base_type t)
{
    return t >= SCHEMA_TYPE_TINYINT && t <= SCHEMA_TYPE_BIT;
}

bool schema_type_is_string(schema_base_type t)
{
    return t == SCHEMA_TYPE_CHAR || t == SCHEMA_TYPE_VARCHAR ||
           (t >= SCHEMA_TYPE_TINYTEXT && t <= SCHEMA_TYPE_LONGTEXT) || t == SCHEMA_TYPE_ENUM ||
           t == SCHEMA_TYPE_SET || t == SCHEMA_TYPE_JSON;
}

bool schema_type_is_blob(schema_base_type t)
{
    return t >= SCHEMA_TYPE_TINYTEXT && t <= SCHEMA_TYPE_LONGBLOB;
}

bool schema_type_is_temporal(schema_base_type t)
{
    return t >= SCHEMA_TYPE_DATE && t <= SCHEMA_TYPE_YEAR;
}

static bool is_text(schema_base_type t)
{
    return t >= SCHEMA_TYPE_TINYTEXT && t <= SCHEMA_TYPE_LONGTEXT;
}

// blob_cap is the byte capacity of TINY/-/MEDIUM/LONG TEXT or BLOB (0..3).
static uint64_t blob_cap(int level)
{
    static const uint64_t caps[] = {255, 65535, 16777215, 4294967295u};
    return caps[level];
}

static int blob_level(schema_base_type t)
{
    if (is_text(t))
        return (int)(t - SCHEMA_TYPE_TINYTEXT);
    return (int)(t - SCHEMA_TYPE_TINYBLOB);
}

static int level_for_bytes(uint64_t bytes)
{
    for (int l = 0; l < 3; l++)
        if (bytes <= blob_cap(l))
            return l;
    return 3;
}

static bool can_have_prefix(schema_base_type t)
{
    return t == SCHEMA_TYPE_CHAR || t == SCHEMA_TYPE_VARCHAR || t == SCHEMA_TYPE_BINARY ||
           t == SCHEMA_TYPE_VARBINARY || schema_type_is_blob(t) ||
           (t >= SCHEMA_TYPE_GEOMETRY && t <= SCHEMA_TYPE_GEOMETRYCOLLECTION);
}

static bool is_sized_string(schema_base_type t)
{
    return t == SCHEMA_TYPE_CHAR || t == SCHEMA_TYPE_VARCHAR || t == SCHEMA_TYPE_BINARY ||
           t == SCHEMA_TYPE_VARBINARY;
}

// ---------------------------------------------------------------------------------------
// Freeing and copying parts

void schema_type_fini(schema_type *t)
{
    for (size_t i = 0; i < t->n_elems; i++)
        free(t->elems[i]);
    free(t->elems);
    free(t->charset);
    free(t->collation);
    memset(t, 0, sizeof(*t));
}

void schema_column_fini(schema_column *c)
{
    free(c->name);
    schema_type_fini(&c->type);
    free(c->default_text);
    free(c->on_update);
    free(c->generated_expr);
    free(c->comment);
    free(c->check);
    memset(c, 0, sizeof(*c));
}

void schema_index_fini(schema_index *x)
{
    for (size_t i = 0; i < x->n_parts; i++)
        free(x->parts[i].column);
    free(x->parts);
    free(x->name);
    free(x->using_type);
    free(x->comment);
    memset(x, 0, sizeof(*x));
}

void schema_check_fini(schema_check *c)
{
    free(c->name);
    free(c->expr);
    memset(c, 0, sizeof(*c));
}

static void options_fini(schema_table_options *o)
{
    free(o->engine);
    free(o->charset);
    free(o->collation);
    free(o->comment);
    free(o->row_format);
    for (size_t i = 0; i < o->n_other; i++) {
        free(o->other[i].key);
        free(o->other[i].value);
    }
    free(o->other);
    free(o->partition);
    memset(o, 0, sizeof(*o));
}

int schema_type_copy(schema_type *d, const schema_type *s)
{
    bool oom = false;
    *d = *s;
    d->elems = NULL;
    d->n_elems = 0;
    d->charset = schema_strdup(s->charset, &oom);
    d->collation = schema_strdup(s->collation, &oom);
    if (s->n_elems > 0) {
        d->elems = calloc(s->n_elems, sizeof(char *));
        if (d->elems == NULL)
            oom = true;
        else {
            d->n_elems = s->n_elems;
            for (size_t i = 0; i < s->n_elems; i++)
                d->elems[i] = schema_strdup(s->elems[i], &oom);
        }
    }
    if (oom) {
        schema_type_fini(d);
        return DM_ERR_NOMEM;
    }
    return 0;
}

int schema_column_copy(schema_column *d, const schema_column *s)
{
    bool oom = false;
    *d = *s;
    memset(&d->type, 0, sizeof(d->type));
    d->name = schema_strdup(s->name, &oom);
    d->default_text = schema_strdup(s->default_text, &oom);
    d->on_update = schema_strdup(s->on_update, &oom);
    d->generated_expr = schema_strdup(s->generated_expr, &oom);
    d->comment = schema_strdup(s->comment, &oom);
    d->check = schema_strdup(s->check, &oom);
    if (!oom && schema_type_copy(&d->type, &s->type) != 0)
        oom = true;
    if (oom) {
        schema_column_fini(d);
        return DM_ERR_NOMEM;
    }
    return 0;
}

int schema_index_copy(schema_index *d, const schema_index *s)
{
    bool oom = false;
    *d = *s;
    d->parts = NULL;
    d->n_parts = 0;
    d->name = schema_strdup(s->name, &oom);
    d->using_type = schema_strdup(s->using_type, &oom);
    d->comment = schema_strdup(s->comment, &oom);
    if (s->n_parts > 0) {
        d->parts = calloc(s->n_parts, sizeof(*d->parts));
        if (d->parts == NULL)
            oom = true;
        else {
            d->n_parts = s->n_parts;
            for (size_t i = 0; i < s->n_parts; i++) {
                d->parts[i] = s->parts[i];
                d->parts[i].column = schema_strdup(s->parts[i].column, &oom);
            }
        }
    }
    if (oom) {
        schema_index_fini(d);
        return DM_ERR_NOMEM;
    }
    return 0;
}

static int check_copy(schema_check *d, const schema_check *s)
{
    bool oom = false;
    d->name = schema_strdup(s->name, &oom);
    d->expr = schema_strdup(s->expr, &oom);
    if (oom) {
        schema_check_fini(d);
        return DM_ERR_NOMEM;
    }
    return 0;
}

static int options_copy(schema_table_options *d, const schema_table_options *s)
{
    bool oom = false;
    memset(d, 0, sizeof(*d));
    d->engine = schema_strdup(s->engine, &oom);
    d->charset = schema_strdup(s->charset, &oom);
    d->collation = schema_strdup(s->collation, &oom);
    d->comment = schema_strdup(s->comment, &oom);
    d->auto_increment = s->auto_increment;
    d->row_format = schema_strdup(s->row_format, &oom);
    d->partition = schema_strdup(s->partition, &oom);
    if (s->n_other > 0) {
        d->other = calloc(s->n_other, sizeof(*d->other));
        if (d->other == NULL)
            oom = true;
        else {
            d->n_other = s->n_other;
            for (size_t i = 0; i < s->n_other; i++) {
                d->other[i].key = schema_strdup(s->other[i].key, &oom);
                d->other[i].value = schema_strdup(s->other[i].value, &oom);
            }
        }
    }
    if (oom) {
        options_fini(d);
        return DM_ERR_NOMEM;
    }
    return 0;
}

// Growable arrays of the table's parts.
static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 8;
    while (nc < need)
        nc *= 2;
    void *p = realloc(*arr, nc * elem);
    if (p == NULL)
        return DM_ERR_NOMEM;
    *arr = p;
    *cap = nc;
    return 0;
}

void schema_table_free_parts(schema_table *t)
{
    for (size_t i = 0; i < t->n_cols; i++)
        schema_column_fini(&t->cols[i]);
    free(t->cols);
    for (size_t i = 0; i < t->n_idx; i++)
        schema_index_fini(&t->idx[i]);
    free(t->idx);
    for (size_t i = 0; i < t->n_checks; i++)
        schema_check_fini(&t->checks[i]);
    free(t->checks);
    options_fini(&t->opt);
    free(t->name);
    memset(t, 0, sizeof(*t));
}

void schema_table_destroy(schema_table *t)
{
    if (t == NULL)
        return;
    schema_table_free_parts(t);
    free(t);
}

int schema_table_push_column(schema_table *t, schema_column *c)
{
    if (grow((void **)&t->cols, &t->cap_cols, t->n_cols + 1, sizeof(*t->cols)))
        return DM_ERR_NOMEM;
    t->cols[t->n_cols++] = *c;
    memset(c, 0, sizeof(*c));
    return 0;
}

int schema_table_push_index(schema_table *t, schema_index *x)
{
    if (grow((void **)&t->idx, &t->cap_idx, t->n_idx + 1, sizeof(*t->idx)))
        return DM_ERR_NOMEM;
    t->idx[t->n_idx++] = *x;
    memset(x, 0, sizeof(*x));
    return 0;
}

int schema_table_push_check(schema_table *t, schema_check *c)
{
    if (grow((void **)&t->checks, &t->cap_checks, t->n_checks + 1, sizeof(*t->checks)))
        return DM_ERR_NOMEM;
    t->checks[t->n_checks++] = *c;
    memset(c, 0, sizeof(*c));
    return 0;
}

int schema_table_clone(schema_table **out, const schema_table *t, dm_err *err)
{
    bool oom = false;
    schema_table *c = calloc(1, sizeof(*c));
    *out = NULL;
    if (c == NULL)
        return nomem(err);
    c->name = schema_strdup(t->name, &oom);
    if (oom || options_copy(&c->opt, &t->opt) != 0)
        goto oom;
    for (size_t i = 0; i < t->n_cols; i++) {
        schema_column col;
        if (schema_column_copy(&col, &t->cols[i]) != 0)
            goto oom;
        if (schema_table_push_column(c, &col) != 0) {
            schema_column_fini(&col);
            goto oom;
        }
    }
    for (size_t i = 0; i < t->n_idx; i++) {
        schema_index x;
        if (schema_index_copy(&x, &t->idx[i]) != 0)
            goto oom;
        if (schema_table_push_index(c, &x) != 0) {
            schema_index_fini(&x);
            goto oom;
        }
    }
    for (size_t i = 0; i < t->n_checks; i++) {
        schema_check k;
        if (check_copy(&k, &t->checks[i]) != 0)
            goto oom;
        if (schema_table_push_check(c, &k) != 0) {
            schema_check_fini(&k);
            goto oom;
        }
    }
    *out = c;
    return 0;
oom:
    schema_table_destroy(c);
    return nomem(err);
}

// ---------------------------------------------------------------------------------------
// Quoting

int schema_quote_ident(dm_buf *out, const char *name)
{
    if (dm_buf_putc(out, '`'))
        return DM_ERR_NOMEM;
    for (const char *p = name; *p; p++) {
        if (*p == '`' && dm_buf_putc(out, '`'))
            return DM_ERR_NOMEM;
        if (dm_buf_putc(out, *p))
            return DM_ERR_NOMEM;
    }
    return dm_buf_putc(out, '`') ? DM_ERR_NOMEM : 0;
}

static int quote_bytes(dm_buf *out, const char *s, size_t n)
{
    if (dm_buf_putc(out, '\''))
        return DM_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *esc = NULL;
        switch (s[i]) {
        case '\'': esc = "''"; break;
        case '\\': esc = "\\\\"; break;
        case '\0': esc = "\\0"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\032': esc = "\\Z"; break;
        default: break;
        }
        if (esc != NULL ? dm_buf_puts(out, esc) : dm_buf_putc(out, s[i]))
            return DM_ERR_NOMEM;
    }
    return dm_buf_putc(out, '\'') ? DM_ERR_NOMEM : 0;
}

int schema_quote_string(dm_buf *out, const char *text)
{
    return quote_bytes(out, text, strlen(text));
}

// ---------------------------------------------------------------------------------------
// Default values: turning a literal as written into the server's canonical text.

typedef enum { LIT_NUM, LIT_STR, LIT_BITS } lit_kind;

typedef struct literal {
    lit_kind kind;
    dm_buf bytes; // LIT_STR: decoded bytes; LIT_NUM: number text; LIT_BITS: '0'/'1' digits
} literal;

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

// parse_literal decodes one SQL literal. Returns 0, DM_ERR_NOMEM, or -1 when text is not a
// literal this model understands (the caller reports it as an invalid default).
static int parse_literal(literal *lit, const char *text)
{
    const char *p = text;
    dm_buf_init(&lit->bytes);
    while (isspace((unsigned char)*p))
        p++;
    // A character set introducer (_utf8mb4'x') or N'x' does not change the stored value.
    if (*p == '_') {
        const char *q = p + 1;
        while (isalnum((unsigned char)*q) || *q == '_')
            q++;
        while (isspace((unsigned char)*q))
            q++;
        if (*q == '\'' || *q == '"')
            p = q;
    } else if ((*p == 'N' || *p == 'n') && p[1] == '\'') {
        p++;
    }
    if (*p == '\'' || *p == '"') {
        char qc = *p;
        lit->kind = LIT_STR;
        for (p++; *p; p++) {
            char c = *p;
            if (c == qc) {
                if (p[1] == qc) {
                    p++;
                } else {
                    p++;
                    // Adjacent string literals are concatenated.
                    while (isspace((unsigned char)*p))
                        p++;
                    if (*p == '\'' || *p == '"') {
                        qc = *p;
                        continue;
                    }
                    return *p == '\0' ? 0 : -1;
                }
            } else if (c == '\\' && p[1]) {
                p++;
                switch (*p) {
                case 'n': c = '\n'; break;
                case 't': c = '\t'; break;
                case 'r': c = '\r'; break;
                case 'b': c = '\b'; break;
                case '0': c = '\0'; break;
                case 'Z': c = '\032'; break;
                default: c = *p; break;
                }
            }
            if (dm_buf_putc(&lit->bytes, c))
                return DM_ERR_NOMEM;
        }
        return -1;
    }
    if ((p[0] == 'b' || p[0] == 'B') && p[1] == '\'') {
        lit->kind = LIT_BITS;
        for (p += 2; *p == '0' || *p == '1'; p++)
            if (dm_buf_putc(&lit->bytes, *p))
                return DM_ERR_NOMEM;
        return (*p == '\'' && p[1] == '\0') ? 0 : -1;
    }
    if (p[0] == '0' && p[1] == 'b') {
        lit->kind = LIT_BITS;
        for (p += 2; *p == '0' || *p == '1'; p++)
            if (dm_buf_putc(&lit->bytes, *p))
                return DM_ERR_NOMEM;
        return *p == '\0' ? 0 : -1;
    }
    if (((p[0] == 'x' || p[0] == 'X') && p[1] == '\'') || (p[0] == '0' && p[1] == 'x')) {
        bool quoted = p[1] == '\'';
        lit->kind = LIT_STR;
        p += 2;
        const char *s = p;
        while (hexval((unsigned char)*p) >= 0)
            p++;
        size_t n = (size_t)(p - s);
        if (quoted ? (*p != '\'' || p[1] != '\0' || n % 2) : *p != '\0')
            return -1;
        size_t i = 0;
        if (n % 2) { // 0xABC: an odd count is left-padded with a zero nibble
            if (dm_buf_putc(&lit->bytes, (char)hexval((unsigned char)s[0])))
                return DM_ERR_NOMEM;
            i = 1;
        }
        for (; i < n; i += 2)
            if (dm_buf_putc(&lit->bytes, (char)(hexval((unsigned char)s[i]) * 16 +
                                                 hexval((unsigned char)s[i + 1]))))
                return DM_ERR_NOMEM;
        return 0;
    }
    if (strcasecmp(p, "TRUE") == 0 || strcasecmp(p, "FALSE") == 0) {
        lit->kind = LIT_NUM;
        return dm_buf_puts(&lit->bytes, (p[0] == 't' || p[0] == 'T') ? "1" : "0") ? DM_ERR_NOMEM
                                                                                   : 0;
    }
    // A number, possibly with a sign and spaces after the sign ("- 1").
    lit->kind = LIT_NUM;
    for (; *p; p++) {
        if (isspace((unsigned char)*p))
            continue;
        if (!(isdigit((unsigned char)*p) || *p == '.' || *p == '-' || *p == '+' || *p == 'e' ||
              *p == 'E'))
            return -1;
        if (dm_buf_putc(&lit->bytes, *p))
            return DM_ERR_NOMEM;
    }
    if (lit->bytes.len == 0)
        return -1;
    return 0;
}

// Decimal number text as sign, integer digits, fraction digits (no exponent).
typedef struct decnum {
    bool neg;
    char ip[128];
    char fp[128];
} decnum;

static bool parse_decnum(decnum *d, const char *s)
{
    memset(d, 0, sizeof(*d));
    while (isspace((unsigned char)*s))
        s++;
    // Signs may repeat ("- -1", "+-1"): each minus flips.
    while (*s == '-' || *s == '+' || isspace((unsigned char)*s)) {
        if (*s == '-')
            d->neg = !d->neg;
        s++;
    }
    if (strpbrk(s, "eE") != NULL) {
        // Scientific notation: go through double, enough for defaults.
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (end == s || *end != '\0' || errno || !isfinite(v) || fabs(v) >= 1e60)
            return false;
        char tmp[256];
        snprintf(tmp, sizeof(tmp), "%.30f", v);
        s = tmp;
        size_t i = 0, j = 0;
        while (isdigit((unsigned char)*s) && i + 1 < sizeof(d->ip))
            d->ip[i++] = *s++;
        if (*s == '.')
            for (s++; isdigit((unsigned char)*s) && j + 1 < sizeof(d->fp);)
                d->fp[j++] = *s++;
        return true;
    }
    size_t i = 0, j = 0;
    while (isdigit((unsigned char)*s)) {
        if (i + 1 >= sizeof(d->ip))
            return false;
        d->ip[i++] = *s++;
    }
    if (*s == '.') {
        s++;
        while (isdigit((unsigned char)*s)) {
            if (j + 1 >= sizeof(d->fp))
                return false;
            d->fp[j++] = *s++;
        }
    }
    if (*s != '\0' || (i == 0 && j == 0))
        return false;
    return true;
}

// decnum_round keeps scale fraction digits, rounding half away from zero.
static void decnum_round(decnum *d, int scale)
{
    size_t fl = strlen(d->fp);
    if ((size_t)scale >= fl) {
        while (strlen(d->fp) < (size_t)scale)
            d->fp[strlen(d->fp)] = '0';
        return;
    }
    bool up = d->fp[scale] >= '5';
    d->fp[scale] = '\0';
    if (!up)
        return;
    for (int k = scale - 1; k >= 0; k--) {
        if (d->fp[k] == '9') {
            d->fp[k] = '0';
        } else {
            d->fp[k]++;
            return;
        }
    }
    size_t il = strlen(d->ip);
    for (size_t k = il; k > 0; k--) {
        if (d->ip[k - 1] == '9') {
            d->ip[k - 1] = '0';
        } else {
            d->ip[k - 1]++;
            return;
        }
    }
    memmove(d->ip + 1, d->ip, il + 1);
    d->ip[0] = '1';
}

static const char *decnum_int(const decnum *d)
{
    const char *p = d->ip;
    while (*p == '0' && p[1])
        p++;
    return *p ? p : "0";
}

static bool decnum_is_zero(const decnum *d)
{
    for (const char *p = d->ip; *p; p++)
        if (*p != '0')
            return false;
    for (const char *p = d->fp; *p; p++)
        if (*p != '0')
            return false;
    return true;
}

static void int_range(schema_base_type t, bool uns, const char **min, const char **max)
{
    static const char *smax[] = {"127", "32767", "8388607", "2147483647", "9223372036854775807"};
    static const char *smin[] = {"128", "32768", "8388608", "2147483648", "9223372036854775808"};
    static const char *umax[] = {"255", "65535", "16777215", "4294967295",
                                 "18446744073709551615"};
    int k = (int)(t - SCHEMA_TYPE_TINYINT);
    *max = uns ? umax[k] : smax[k];
    *min = uns ? "0" : smin[k];
}

static int numcmp(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return la < lb ? -1 : 1;
    return strcmp(a, b);
}

static int bad_default(dm_err *err, const char *col)
{
    return fail(err, SCHEMA_ERR_BAD_DEFAULT, "Invalid default value for '%s'", col);
}

// literal_as_number gives the numeric text of a literal for numeric columns (strings are
// read as numbers, as strict mode accepts '3' for an INT).
static bool literal_as_number(decnum *d, literal *lit)
{
    if (lit->kind == LIT_BITS) {
        uint64_t v = 0;
        for (size_t i = 0; i < lit->bytes.len; i++)
            v = v * 2 + (uint64_t)(lit->bytes.data[i] - '0');
        char tmp[32];
        snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
        return parse_decnum(d, tmp);
    }
    return parse_decnum(d, lit->bytes.data ? lit->bytes.data : "");
}

static int norm_number(dm_buf *out, const schema_column *c, literal *lit, dm_err *err)
{
    decnum d;
    const schema_type *ty = &c->type;
    if (!literal_as_number(&d, lit))
        return bad_default(err, c->name);
    if (schema_type_is_integer(ty->base) || ty->base == SCHEMA_TYPE_YEAR) {
        decnum_round(&d, 0);
        const char *iv = decnum_int(&d);
        bool neg = d.neg && strcmp(iv, "0") != 0;
        if (ty->base == SCHEMA_TYPE_YEAR) {
            long y = strtol(iv, NULL, 10);
            if (neg || (y != 0 && (y < 1901 || y > 2155)) || strlen(iv) > 4)
                return bad_default(err, c->name);
            return dm_buf_printf(out, "%04ld", y) ? DM_ERR_NOMEM : 0;
        }
        const char *min, *max;
        int_range(ty->base, ty->is_unsigned, &min, &max);
        if (neg ? numcmp(iv, min) > 0 || ty->is_unsigned : numcmp(iv, max) > 0)
            return bad_default(err, c->name);
        return dm_buf_printf(out, "%s%s", neg ? "-" : "", iv) ? DM_ERR_NOMEM : 0;
    }
    if (ty->base == SCHEMA_TYPE_DECIMAL) {
        decnum_round(&d, ty->scale);
        const char *iv = decnum_int(&d);
        if ((int64_t)strlen(iv) > ty->length - ty->scale && strcmp(iv, "0") != 0)
            return bad_default(err, c->name);
        bool neg = d.neg && !decnum_is_zero(&d);
        if (neg && ty->is_unsigned)
            return bad_default(err, c->name);
        return dm_buf_printf(out, "%s%s%s%s", neg ? "-" : "", iv, ty->scale > 0 ? "." : "",
                             d.fp) ? DM_ERR_NOMEM : 0;
    }
    // FLOAT/DOUBLE: the shortest text that reads back as the stored value.
    char tmp[300];
    snprintf(tmp, sizeof(tmp), "%s%s%s%s", d.neg ? "-" : "", d.ip[0] ? d.ip : "0",
             d.fp[0] ? "." : "", d.fp);
    double v = strtod(tmp, NULL);
    if (ty->is_unsigned && v < 0)
        return bad_default(err, c->name);
    if (ty->scale >= 0) {
        snprintf(tmp, sizeof(tmp), "%.*f", ty->scale, v);
    } else if (ty->base == SCHEMA_TYPE_FLOAT) {
        float f = (float)v;
        int prec;
        for (prec = 1; prec < 10; prec++) {
            snprintf(tmp, sizeof(tmp), "%.*g", prec, (double)f);
            if ((float)strtod(tmp, NULL) == f)
                break;
        }
    } else {
        int prec;
        for (prec = 1; prec < 18; prec++) {
            snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
            if (strtod(tmp, NULL) == v)
                break;
        }
    }
    return dm_buf_puts(out, tmp) ? DM_ERR_NOMEM : 0;
}

static int norm_bits(dm_buf *out, const schema_column *c, literal *lit, dm_err *err)
{
    uint64_t v = 0;
    if (lit->kind == LIT_BITS) {
        if (lit->bytes.len > 64)
            return bad_default(err, c->name);
        for (size_t i = 0; i < lit->bytes.len; i++)
            v = v * 2 + (uint64_t)(lit->bytes.data[i] - '0');
    } else if (lit->kind == LIT_STR) {
        if (lit->bytes.len > 8)
            return bad_default(err, c->name);
        for (size_t i = 0; i < lit->bytes.len; i++)
            v = v * 256 + (unsigned char)lit->bytes.data[i];
    } else {
        decnum d;
        if (!parse_decnum(&d, lit->bytes.data) || d.neg || d.fp[0] || strlen(d.ip) > 20)
            return bad_default(err, c->name);
        v = strtoull(d.ip[0] ? d.ip : "0", NULL, 10);
    }
    if (c->type.length < 64 && (v >> c->type.length) != 0)
        return bad_default(err, c->name);
    char digits[65];
    int n = 0;
    do {
        digits[n++] = (char)('0' + (v & 1));
        v >>= 1;
    } while (v);
    if (dm_buf_puts(out, "b'"))
        return DM_ERR_NOMEM;
    while (n > 0)
        if (dm_buf_putc(out, digits[--n]))
            return DM_ERR_NOMEM;
    return dm_buf_putc(out, '\'') ? DM_ERR_NOMEM : 0;
}

static size_t utf8_chars(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    return count;
}

// parse_uint reads up to maxd digits at *p; false when there are none.
static bool parse_uint(const char **p, int maxd, int *out)
{
    int n = 0, v = 0;
    while (n < maxd && isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *out = v;
    return n > 0;
}

// norm_temporal checks a DATE/TIME/DATETIME/TIMESTAMP literal and writes it the way the
// server stores it: zero-padded fields and exactly fsp fraction digits.
static int norm_temporal(dm_buf *out, const schema_column *c, literal *lit, dm_err *err)
{
    const char *p = lit->bytes.data ? lit->bytes.data : "";
    schema_base_type b = c->type.base;
    int fsp = (b != SCHEMA_TYPE_DATE && c->type.length > 0) ? (int)c->type.length : 0;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    char frac[7] = "000000";
    bool neg = false;
    if (lit->kind == LIT_NUM) {
        decnum dn;
        if (!parse_decnum(&dn, p) || !decnum_is_zero(&dn))
            return bad_default(err, c->name);
        goto print; // 0 is the zero value of every temporal type
    }
    if (lit->kind != LIT_STR)
        return bad_default(err, c->name);
    if (b != SCHEMA_TYPE_TIME) {
        if (!parse_uint(&p, 4, &y) || *p++ != '-' || !parse_uint(&p, 2, &mo) || *p++ != '-' ||
            !parse_uint(&p, 2, &d))
            return bad_default(err, c->name);
        bool zero = y == 0 && mo == 0 && d == 0;
        if (!zero && (mo < 1 || mo > 12 || d < 1 || d > 31))
            return bad_default(err, c->name);
        if (b == SCHEMA_TYPE_TIMESTAMP && !zero && (y < 1970 || y > 2038))
            return bad_default(err, c->name);
        if (b == SCHEMA_TYPE_DATE) {
            if (*p != '\0')
                return bad_default(err, c->name);
            goto print;
        }
        if (*p == '\0')
            goto print;
        if (*p != ' ' && *p != 'T')
            return bad_default(err, c->name);
        p++;
    } else if (*p == '-') {
        neg = true;
        p++;
    }
    if (!parse_uint(&p, b == SCHEMA_TYPE_TIME ? 3 : 2, &h) || *p++ != ':' ||
        !parse_uint(&p, 2, &mi) || mi > 59)
        return bad_default(err, c->name);
    if (*p == ':') {
        p++;
        if (!parse_uint(&p, 2, &se) || se > 59)
            return bad_default(err, c->name);
    }
    if (b != SCHEMA_TYPE_TIME && h > 23)
        return bad_default(err, c->name);
    if (*p == '.') {
        p++;
        for (int i = 0; i < 6 && isdigit((unsigned char)*p); i++)
            frac[i] = *p++;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p != '\0')
        return bad_default(err, c->name);
print:
    if (b == SCHEMA_TYPE_DATE)
        return dm_buf_printf(out, "'%04d-%02d-%02d'", y, mo, d) ? DM_ERR_NOMEM : 0;
    if (b == SCHEMA_TYPE_TIME) {
        if (dm_buf_printf(out, "'%s%02d:%02d:%02d", neg ? "-" : "", h, mi, se))
            return DM_ERR_NOMEM;
    } else if (dm_buf_printf(out, "'%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, se)) {
        return DM_ERR_NOMEM;
    }
    if (fsp > 0 && dm_buf_printf(out, ".%.*s", fsp, frac))
        return DM_ERR_NOMEM;
    return dm_buf_putc(out, '\'') ? DM_ERR_NOMEM : 0;
}

// quote_set appends the SET members selected by mask, in definition order, quoted.
static int quote_set(dm_buf *out, const schema_type *ty, uint64_t mask)
{
    dm_buf tmp;
    dm_buf_init(&tmp);
    for (size_t i = 0; i < ty->n_elems && i < 64; i++)
        if (mask & (1ull << i))
            if ((tmp.len && dm_buf_putc(&tmp, ',')) || dm_buf_puts(&tmp, ty->elems[i])) {
                dm_buf_fini(&tmp);
                return DM_ERR_NOMEM;
            }
    int rc = quote_bytes(out, tmp.data ? tmp.data : "", tmp.len);
    dm_buf_fini(&tmp);
    return rc;
}

static int norm_enum(dm_buf *out, const schema_column *c, literal *lit, dm_err *err)
{
    const schema_type *ty = &c->type;
    const char *s = lit->bytes.data ? lit->bytes.data : "";
    if (lit->kind == LIT_NUM) {
        decnum d;
        if (!parse_decnum(&d, s) || d.neg || d.fp[0])
            return bad_default(err, c->name);
        unsigned long k = strtoul(d.ip, NULL, 10);
        if (ty->base == SCHEMA_TYPE_ENUM) {
            if (k < 1 || k > ty->n_elems)
                return bad_default(err, c->name);
            return schema_quote_string(out, ty->elems[k - 1]);
        }
        return quote_set(out, ty, (uint64_t)k);
    }
    if (ty->base == SCHEMA_TYPE_ENUM) {
        for (size_t i = 0; i < ty->n_elems; i++)
            if (strcasecmp(ty->elems[i], s) == 0)
                return schema_quote_string(out, ty->elems[i]);
        return bad_default(err, c->name);
    }
    // SET: every comma-separated member must be a value; they print in definition order.
    uint64_t mask = 0;
    const char *p = s;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        size_t i;
        for (i = 0; i < ty->n_elems; i++)
            if (strlen(ty->elems[i]) == n && strncasecmp(ty->elems[i], p, n) == 0)
                break;
        if (i == ty->n_elems || i >= 64)
            return bad_default(err, c->name);
        mask |= 1ull << i;
        p = e ? e + 1 : p + n;
    }
    return quote_set(out, ty, mask);
}

// is_now_expr recognises CURRENT_TIMESTAMP, NOW(), LOCALTIME, LOCALTIMESTAMP with an optional
// (n) and stores n (or -1 when not given) in *fsp.
static bool is_now_expr(const char *text, int *fsp)
{
    static const char *names[] = {"current_timestamp", "now", "localtime", "localtimestamp"};
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t n = strlen(names[i]);
        if (strncasecmp(p, names[i], n) != 0)
            continue;
        const char *q = p + n;
        while (isspace((unsigned char)*q))
            q++;
        *fsp = -1;
        if (*q == '\0')
            return i != 1; // NOW needs parentheses
        if (*q != '(')
            continue;
        q++;
        while (isspace((unsigned char)*q))
            q++;
        if (isdigit((unsigned char)*q)) {
            *fsp = (int)strtol(q, (char **)&q, 10);
            while (isspace((unsigned char)*q))
                q++;
        }
        if (*q != ')')
            continue;
        q++;
        while (isspace((unsigned char)*q))
            q++;
        if (*q == '\0')
            return true;
    }
    return false;
}

static int now_text(char **out, int fsp)
{
    char tmp[40];
    if (fsp > 0)
        snprintf(tmp, sizeof(tmp), "current_timestamp(%d)", fsp);
    else
        snprintf(tmp, sizeof(tmp), "current_timestamp()");
    *out = strdup(tmp);
    return *out ? 0 : DM_ERR_NOMEM;
}

// strip_parens returns a copy of the text inside one pair of parentheses enclosing all of
// text, or NULL when text is not of that form.
static char *strip_parens(const char *text, bool *oom)
{
    size_t n = strlen(text);
    while (n && isspace((unsigned char)text[n - 1]))
        n--;
    while (isspace((unsigned char)*text)) {
        text++;
        n--;
    }
    if (n < 2 || text[0] != '(' || text[n - 1] != ')')
        return NULL;
    int depth = 0;
    char q = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = text[i];
        if (q) {
            if (ch == q)
                q = 0;
            continue;
        }
        if (ch == '\'' || ch == '"' || ch == '`')
            q = ch;
        else if (ch == '(')
            depth++;
        else if (ch == ')' && --depth == 0 && i != n - 1)
            return NULL;
    }
    char *r = malloc(n - 1);
    if (r == NULL) {
        *oom = true;
        return NULL;
    }
    memcpy(r, text + 1, n - 2);
    r[n - 2] = '\0';
    return r;
}

// normalize_default_now rewrites c's default (given as written) into stored form.
static int normalize_default_now(schema_column *c, dm_err *err)
{
    int rc = 0;
    literal lit;
    dm_buf out;
    bool oom = false;
    dm_buf_init(&out);
    dm_buf_init(&lit.bytes);
    if (c->default_kind == SCHEMA_DEFAULT_EXPR) {
        // A parenthesised literal is stored as the literal itself.
        char *inner = strip_parens(c->default_text, &oom);
        if (oom)
            return nomem(err);
        if (inner != NULL) {
            literal probe;
            int prc = parse_literal(&probe, inner);
            dm_buf_fini(&probe.bytes);
            int fsp;
            if (prc == 0 || is_now_expr(inner, &fsp) || strcasecmp(inner, "NULL") == 0) {
                free(c->default_text);
                c->default_text = inner;
                c->default_kind = strcasecmp(inner, "NULL") == 0 ? SCHEMA_DEFAULT_NULL
                                  : prc == 0                     ? SCHEMA_DEFAULT_LITERAL
                                                                 : SCHEMA_DEFAULT_EXPR;
                if (c->default_kind == SCHEMA_DEFAULT_NULL) {
                    free(c->default_text);
                    c->default_text = NULL;
                }
            } else {
                free(inner);
            }
        }
    }
    if (c->default_kind == SCHEMA_DEFAULT_NONE)
        return 0;
    if (c->auto_increment || c->generated_expr != NULL)
        return bad_default(err, c->name);
    if (c->default_kind == SCHEMA_DEFAULT_NULL) {
        if (c->not_null)
            return bad_default(err, c->name);
        free(c->default_text);
        c->default_text = NULL;
        return 0;
    }
    if (c->default_kind == SCHEMA_DEFAULT_EXPR) {
        int fsp;
        if (is_now_expr(c->default_text, &fsp)) {
            if (c->type.base != SCHEMA_TYPE_DATETIME && c->type.base != SCHEMA_TYPE_TIMESTAMP)
                return bad_default(err, c->name);
            int colfsp = c->type.length > 0 ? (int)c->type.length : 0;
            if (fsp > colfsp)
                return bad_default(err, c->name);
            free(c->default_text);
            c->default_text = NULL;
            return now_text(&c->default_text, fsp) ? nomem(err) : 0;
        }
        return 0;
    }
    rc = parse_literal(&lit, c->default_text ? c->default_text : "");
    if (rc == DM_ERR_NOMEM) {
        rc = nomem(err);
        goto done;
    }
    if (rc != 0) {
        rc = bad_default(err, c->name);
        goto done;
    }
    schema_base_type b = c->type.base;
    if (b == SCHEMA_TYPE_BIT)
        rc = norm_bits(&out, c, &lit, err);
    else if (schema_type_is_numeric(b) || b == SCHEMA_TYPE_YEAR)
        rc = norm_number(&out, c, &lit, err);
    else if (b == SCHEMA_TYPE_DATE || b == SCHEMA_TYPE_TIME || b == SCHEMA_TYPE_DATETIME ||
             b == SCHEMA_TYPE_TIMESTAMP)
        rc = norm_temporal(&out, c, &lit, err);
    else if (b == SCHEMA_TYPE_ENUM || b == SCHEMA_TYPE_SET)
        rc = norm_enum(&out, c, &lit, err);
    else {
        // Character and binary strings; numbers are stored as their text.
        const char *s = lit.bytes.data ? lit.bytes.data : "";
        size_t n = lit.bytes.len;
        if (lit.kind == LIT_BITS) {
            rc = bad_default(err, c->name);
            goto done;
        }
        if (is_sized_string(b)) {
            size_t len = (b == SCHEMA_TYPE_BINARY || b == SCHEMA_TYPE_VARBINARY)
                             ? n
                             : utf8_chars(s, n);
            if ((int64_t)len > c->type.length) {
                rc = bad_default(err, c->name);
                goto done;
            }
        }
        if (b == SCHEMA_TYPE_BINARY) {
            // BINARY(n) values are padded with zero bytes to n.
            while ((int64_t)lit.bytes.len < c->type.length)
                if (dm_buf_putc(&lit.bytes, '\0')) {
                    rc = nomem(err);
                    goto done;
                }
            s = lit.bytes.data;
            n = lit.bytes.len;
        }
        rc = quote_bytes(&out, s, n);
    }
    if (rc == DM_ERR_NOMEM)
        rc = nomem(err);
    if (rc == 0) {
        char *t = dm_buf_detach(&out);
        if (t == NULL) {
            rc = nomem(err);
            goto done;
        }
        free(c->default_text);
        c->default_text = t;
    }
done:
    dm_buf_fini(&lit.bytes);
    dm_buf_fini(&out);
    return rc;
}

// normalize_default: as normalize_default_now, but a value the column cannot hold is
// reported later when late is not NULL (the server checks values after keys): the first
// such error goes to late.
static int normalize_default(schema_column *c, dm_err *err, schema_late_err *late)
{
    dm_err tmp;
    // ENUM/SET values are looked up when the column is prepared, before keys.
    bool immediate = c->auto_increment || c->generated_expr != NULL ||
                     (c->default_kind == SCHEMA_DEFAULT_NULL && c->not_null) ||
                     c->type.base == SCHEMA_TYPE_ENUM || c->type.base == SCHEMA_TYPE_SET;
    if (late == NULL || immediate)
        return normalize_default_now(c, err);
    int rc = normalize_default_now(c, &tmp);
    if (rc != SCHEMA_ERR_BAD_DEFAULT) {
        if (rc && err != NULL)
            *err = tmp;
        return rc;
    }
    if (late->rc == 0) {
        late->rc = rc;
        late->err = tmp;
    }
    // The column keeps the default as written: the statement fails anyway, and checks made
    // before the late error still see a column that has a default.
    return 0;
}

static int late_result(schema_late_err *late, dm_err *err)
{
    if (late->rc != 0 && err != NULL)
        *err = late->err;
    return late->rc;
}

// ---------------------------------------------------------------------------------------
// Columns: definition -> stored form

static int64_t int_width(schema_base_type b, bool uns)
{
    static const int64_t s[] = {4, 6, 9, 11, 20}, u[] = {3, 5, 8, 10, 20};
    int k = (int)(b - SCHEMA_TYPE_TINYINT);
    return uns ? u[k] : s[k];
}

// resolve_column copies def into *c in stored form. tcs/tcoll are the table defaults the
// column inherits.
int schema_resolve_column(schema_column *c, const schema_column *def, const char *tcs,
                          const char *tcoll, schema_late_err *late, dm_err *err)
{
    int rc;
    bool oom = false;
    schema_type *ty;
    if (schema_column_copy(c, def) != 0)
        return nomem(err);
    ty = &c->type;
    if (c->name == NULL || c->name[0] == '\0') {
        rc = fail(err, SCHEMA_ERR_BAD_DEFINITION, "a column has no name");
        goto fail;
    }
    if ((int)ty->base < 0 || ty->base >= SCHEMA_TYPE_COUNT_) {
        rc = fail(err, SCHEMA_ERR_BAD_DEFINITION, "column '%s' has no valid type", c->name);
        goto fail;
    }
    if (ty->zerofill)
        ty->is_unsigned = true;
    if (ty->base == SCHEMA_TYPE_JSON) {
        // MariaDB's JSON is an alias: LONGTEXT in utf8mb4_bin checked by json_valid().
        dm_buf chk;
        dm_buf_init(&chk);
        ty->base = SCHEMA_TYPE_LONGTEXT;
        free(ty->charset);
        free(ty->collation);
        ty->charset = schema_strdup("utf8mb4", &oom);
        ty->collation = schema_strdup("utf8mb4_bin", &oom);
        if (dm_buf_puts(&chk, "json_valid(") || schema_quote_ident(&chk, c->name) ||
            dm_buf_putc(&chk, ')'))
            oom = true;
        if (c->check == NULL && !oom) {
            c->check = dm_buf_detach(&chk);
            if (c->check == NULL)
                oom = true;
        }
        dm_buf_fini(&chk);
        if (oom) {
            rc = nomem(err);
            goto fail;
        }
    }
    switch (ty->base) {
    case SCHEMA_TYPE_TINYINT: case SCHEMA_TYPE_SMALLINT: case SCHEMA_TYPE_MEDIUMINT:
    case SCHEMA_TYPE_INT: case SCHEMA_TYPE_BIGINT:
        if (ty->length > 255) {
            rc = fail(err, SCHEMA_ERR_TOO_LONG,
                      "Display width out of range for '%s' (max = 255)", c->name);
            goto fail;
        }
        if (ty->length < 0)
            ty->length = int_width(ty->base, ty->is_unsigned);
        ty->scale = -1;
        break;
    case SCHEMA_TYPE_DECIMAL:
        if (ty->length < 0)
            ty->length = 10;
        if (ty->scale < 0)
            ty->scale = 0;
        if (ty->length > 65 || ty->scale > 38 || ty->scale > ty->length) {
            rc = fail(err, SCHEMA_ERR_TOO_LONG, "invalid precision/scale for DECIMAL '%s'",
                      c->name);
            goto fail;
        }
        break;
    case SCHEMA_TYPE_FLOAT:
        if (ty->length >= 0 && ty->scale < 0) {
            // FLOAT(p): a precision only chooses between FLOAT and DOUBLE.
            if (ty->length > 53) {
                rc = fail(err, SCHEMA_ERR_TOO_LONG, "Too-big precision for '%s'", c->name);
                goto fail;
            }
            if (ty->length > 24)
                ty->base = SCHEMA_TYPE_DOUBLE;
            ty->length = -1;
        }
        break;
    case SCHEMA_TYPE_DOUBLE:
        if (ty->scale < 0)
            ty->length = -1;
        break;
    case SCHEMA_TYPE_BIT:
        if (ty->length < 0)
            ty->length = 1;
        if (ty->length > 64) {
            rc = fail(err, SCHEMA_ERR_TOO_LONG, "Column length too big for column '%s' (max = 64)",
                      c->name);
            goto fail;
        }
        break;
    case SCHEMA_TYPE_TIME: case SCHEMA_TYPE_DATETIME: case SCHEMA_TYPE_TIMESTAMP:
        if (ty->length < 0)
            ty->length = 0;
        if (ty->length > 6) {
            rc = fail(err, SCHEMA_ERR_TOO_LONG,
                      "Too big precision %" PRId64 " specified for '%s'. Maximum is 6",
                      ty->length, c->name);
            goto fail;
        }
        break;
    case SCHEMA_TYPE_YEAR:
        ty->length = 4;
        break;
    case SCHEMA_TYPE_CHAR: case SCHEMA_TYPE_BINARY:
        if (ty->length < 0)
            ty->length = 1;
        if (ty->length > 255) {
            rc = fail(err, SCHEMA_ERR_TOO_LONG,
                      "Column length too big for column '%s' (max = 255)", c->name);
            goto fail;
        }
        break;
    case SCHEMA_TYPE_VARCHAR: case SCHEMA_TYPE_VARBINARY:
        if (ty->length < 0) {
            rc = fail(err, SCHEMA_ERR_BAD_DEFINITION, "column '%s': %s needs a length",
                      c->name, schema_type_name(ty->base));
            goto fail;
        }
        break;
    case SCHEMA_TYPE_ENUM: case SCHEMA_TYPE_SET:
        if (ty->n_elems == 0) {
            rc = fail(err, SCHEMA_ERR_BAD_DEFINITION, "column '%s': %s needs values", c->name,
                      schema_type_name(ty->base));
            goto fail;
        }
        ty->length = -1;
        break;
    default:
        break;
    }
    if (schema_type_is_string(ty->base)) {
        char *cs, *coll;
        rc = resolve_charset(&cs, &coll, ty->charset, ty->collation, ty->binary_attr, tcs,
                             tcoll, err);
        if (rc)
            goto fail;
        free(ty->charset);
        free(ty->collation);
        ty->charset = cs;
        ty->collation = coll;
        ty->binary_attr = false;
        if (strcmp(cs, "binary") == 0) {
            // A string type in the binary charset is the matching binary type.
            if (ty->base == SCHEMA_TYPE_CHAR)
                ty->base = SCHEMA_TYPE_BINARY;
            else if (ty->base == SCHEMA_TYPE_VARCHAR)
                ty->base = SCHEMA_TYPE_VARBINARY;
            else if (is_text(ty->base))
                ty->base = (schema_base_type)(SCHEMA_TYPE_TINYBLOB + blob_level(ty->base));
            if (!schema_type_is_string(ty->base)) {
                free(ty->charset);
                free(ty->collation);
                ty->charset = ty->collation = NULL;
            }
        }
    } else {
        free(ty->charset);
        free(ty->collation);
        ty->charset = ty->collation = NULL;
        ty->binary_attr = false;
    }
    if (schema_type_is_blob(ty->base) && ty->length >= 0) {
        // TEXT(n)/BLOB(n) choose the smallest type holding n characters/bytes.
        uint64_t bytes = (uint64_t)ty->length *
                         (uint64_t)(is_text(ty->base) ? schema_charset_mbmaxlen(ty->charset) : 1);
        int lvl = level_for_bytes(bytes);
        ty->base = (schema_base_type)((is_text(ty->base) ? SCHEMA_TYPE_TINYTEXT
                                                         : SCHEMA_TYPE_TINYBLOB) + lvl);
    }
    if (schema_type_is_blob(ty->base) ||
        (ty->base >= SCHEMA_TYPE_DATE && ty->base <= SCHEMA_TYPE_DATE) ||
        (ty->base >= SCHEMA_TYPE_GEOMETRY))
        ty->length = -1;
    if (c->auto_increment || c->inline_primary)
        c->not_null = true;
    if (c->generated_expr != NULL)
        c->not_null = false;
    if ((rc = normalize_default(c, err, late)) != 0)
        goto fail;
    if (c->on_update != NULL) {
        int fsp;
        if (!is_now_expr(c->on_update, &fsp) ||
            (ty->base != SCHEMA_TYPE_DATETIME && ty->base != SCHEMA_TYPE_TIMESTAMP)) {
            rc = fail(err, SCHEMA_ERR_BAD_DEFAULT, "Invalid ON UPDATE clause for '%s' column",
                      c->name);
            goto fail;
        }
        free(c->on_update);
        c->on_update = NULL;
        if (now_text(&c->on_update, fsp)) {
            rc = nomem(err);
            goto fail;
        }
    }
    c->null_given = false;
    return 0;
fail:
    schema_column_fini(c);
    return rc;
}

// ---------------------------------------------------------------------------------------
// Keys: the pass of mysql_prepare_create_table over the final column list.

typedef struct key_work {
    schema_index ix;
    bool is_new;     // name must be generated when NULL
    bool null_part;  // some part was nullable when the key was processed
    bool partial;    // some part is a prefix
    bool long_hash;  // UNIQUE over a whole BLOB/TEXT: MariaDB's long unique (USING HASH)
    size_t order;    // position before sorting
} key_work;

static bool is_unique_kind(schema_index_kind k)
{
    return k == SCHEMA_INDEX_PRIMARY || k == SCHEMA_INDEX_UNIQUE;
}

static int key_cmp(const void *pa, const void *pb)
{
    const key_work *a = pa, *b = pb;
    bool au = is_unique_kind(a->ix.kind), bu = is_unique_kind(b->ix.kind);
    if (au && !bu)
        return -1;
    if (!au && bu)
        return 1;
    if (au) {
        if (a->long_hash != b->long_hash)
            return a->long_hash ? 1 : -1;
        if (a->null_part != b->null_part)
            return a->null_part ? 1 : -1;
        bool ap = a->ix.kind == SCHEMA_INDEX_PRIMARY, bp = b->ix.kind == SCHEMA_INDEX_PRIMARY;
        if (ap != bp)
            return ap ? -1 : 1;
        if (a->partial != b->partial)
            return a->partial ? 1 : -1;
    } else {
        bool af = a->ix.kind == SCHEMA_INDEX_FULLTEXT, bf = b->ix.kind == SCHEMA_INDEX_FULLTEXT;
        if (af != bf)
            return af ? 1 : -1;
    }
    return a->order < b->order ? -1 : a->order > b->order;
}

static bool key_name_used(key_work *keys, size_t n, const char *name)
{
    if (strcasecmp(name, "PRIMARY") == 0)
        return true;
    for (size_t i = 0; i < n; i++)
        if (keys[i].ix.name != NULL && strcasecmp(keys[i].ix.name, name) == 0)
            return true;
    return false;
}

static schema_column *find_col(schema_column *cols, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (schema_name_eq(cols[i].name, name))
            return &cols[i];
    return NULL;
}

// check_visible: some column must be visible (else ER_TABLE_MUST_HAVE_COLUMNS, as the server
// reports it, before looking at keys).
static int check_visible(const schema_table *t, dm_err *err)
{
    for (size_t i = 0; i < t->n_cols; i++)
        if (!t->cols[i].invisible)
            return 0;
    return fail(err, SCHEMA_ERR_NO_COLUMNS, "A table must have at least 1 column");
}

// check_invisible_defaults: an invisible NOT NULL column needs a default (checked last).
static int check_invisible_defaults(const schema_table *t, dm_err *err)
{
    for (size_t i = 0; i < t->n_cols; i++) {
        const schema_column *c = &t->cols[i];
        if (c->invisible && c->not_null && c->default_kind == SCHEMA_DEFAULT_NONE &&
            !c->auto_increment && c->generated_expr == NULL)
            return fail(err, SCHEMA_ERR_INVISIBLE,
                        "Invisible column `%s` must have a default value", c->name);
    }
    return 0;
}

// part_bytes is the length a key part takes in an index, as the server sums it to check
// the maximum key length.
static int64_t part_bytes(const schema_column *c, int64_t prefix)
{
    const schema_type *ty = &c->type;
    int mb = schema_type_is_string(ty->base) ? schema_charset_mbmaxlen(ty->charset) : 1;
    int fsp = ty->length > 0 ? (int)ty->length : 0;
    switch (ty->base) {
    case SCHEMA_TYPE_TINYINT: case SCHEMA_TYPE_YEAR: return 1;
    case SCHEMA_TYPE_SMALLINT: return 2;
    case SCHEMA_TYPE_MEDIUMINT: case SCHEMA_TYPE_DATE: return 3;
    case SCHEMA_TYPE_INT: case SCHEMA_TYPE_FLOAT: return 4;
    case SCHEMA_TYPE_BIGINT: case SCHEMA_TYPE_DOUBLE: return 8;
    case SCHEMA_TYPE_DECIMAL: return (ty->length + 1) / 2 + 1;
    case SCHEMA_TYPE_BIT: return (ty->length + 7) / 8;
    case SCHEMA_TYPE_TIME: return 3 + (fsp + 1) / 2;
    case SCHEMA_TYPE_DATETIME: return 5 + (fsp + 1) / 2;
    case SCHEMA_TYPE_TIMESTAMP: return 4 + (fsp + 1) / 2;
    case SCHEMA_TYPE_ENUM: return ty->n_elems > 255 ? 2 : 1;
    case SCHEMA_TYPE_SET: return (int64_t)(ty->n_elems + 7) / 8;
    case SCHEMA_TYPE_INET4: return 4;
    case SCHEMA_TYPE_INET6: case SCHEMA_TYPE_UUID: return 16;
    default:
        if (prefix > 0)
            return prefix * mb;
        if (is_sized_string(ty->base))
            return ty->length * mb;
        return 0;
    }
}

static bool primary_like(const key_work *k)
{
    return k->ix.kind == SCHEMA_INDEX_PRIMARY ||
           (k->ix.kind == SCHEMA_INDEX_UNIQUE && !k->null_part && !k->partial && !k->long_hash);
}

// finish_keys validates and names keys (owned by keys[], moved into t on success), makes
// primary key columns NOT NULL, and stores the keys in SHOW CREATE TABLE order.
// keep_first >= 0 (ALTER without added or dropped keys) tells whether the first key acted
// as the primary key before: the server then keeps the old key order unless that changes
// (observed on 10.11: making a column of a later UNIQUE key NOT NULL does not move it).
static int finish_keys(schema_table *t, key_work *keys, size_t n, int keep_first, dm_err *err)
{
    int rc = 0;
    bool have_pk = false;
    bool oom = false;
    const char *invisible_pk = NULL; // an invisible column the primary key made NOT NULL
    bool second_pk = false;
    // More than one AUTO_INCREMENT column is found with the columns, before any key.
    int autos = 0;
    for (size_t i = 0; i < t->n_cols; i++)
        autos += t->cols[i].auto_increment;
    if (autos > 1)
        return fail(err, SCHEMA_ERR_AUTO_KEY,
                    "Incorrect table definition; there can be only one auto column and it "
                    "must be defined as a key");
    // Keys are checked one after the other, each for its parts, then for a second primary
    // key, then for a name used before; columns repeated in a key are reported only after
    // all keys (the order in which MariaDB reports these errors).
    for (size_t i = 0; i < n; i++) {
        key_work *k = &keys[i];
        schema_index *ix = &k->ix;
        k->order = i;
        if (ix->kind == SCHEMA_INDEX_PRIMARY) {
            free(ix->name);
            ix->name = schema_strdup("PRIMARY", &oom);
            if (oom)
                return nomem(err);
        }
        int64_t key_bytes = 0;
        if (ix->n_parts == 0)
            return fail(err, SCHEMA_ERR_BAD_DEFINITION, "key '%s' has no columns",
                        ix->name ? ix->name : "");
        for (size_t p = 0; p < ix->n_parts; p++) {
            const schema_column *pc = find_col(t->cols, t->n_cols, ix->parts[p].column);
            if (pc == NULL)
                return fail(err, SCHEMA_ERR_KEY_COLUMN, "Key column '%s' doesn't exist in table",
                            ix->parts[p].column);
            schema_base_type pb = pc->type.base;
            if (ix->kind == SCHEMA_INDEX_FULLTEXT &&
                !(pb == SCHEMA_TYPE_CHAR || pb == SCHEMA_TYPE_VARCHAR || is_text(pb)))
                return fail(err, SCHEMA_ERR_FULLTEXT,
                            "Column '%s' cannot be part of FULLTEXT index", pc->name);
        }
        if (ix->kind != SCHEMA_INDEX_PRIMARY && ix->name != NULL)
            for (size_t j = 0; j < i; j++)
                if (keys[j].ix.kind != SCHEMA_INDEX_PRIMARY && keys[j].ix.name != NULL &&
                    strcasecmp(keys[j].ix.name, ix->name) == 0)
                    return fail(err, SCHEMA_ERR_DUP_KEY, "Duplicate key name '%s'", ix->name);
        for (size_t p = 0; p < ix->n_parts; p++) {
            schema_index_part *part = &ix->parts[p];
            schema_column *col = find_col(t->cols, t->n_cols, part->column);
            if (col == NULL)
                return fail(err, SCHEMA_ERR_KEY_COLUMN, "Key column '%s' doesn't exist in table",
                            part->column);
            if (strcmp(part->column, col->name) != 0) {
                char *nm = schema_strdup(col->name, &oom);
                if (oom)
                    return nomem(err);
                free(part->column);
                part->column = nm;
            }
            schema_base_type b = col->type.base;
            if (ix->kind == SCHEMA_INDEX_FULLTEXT) {
                if (!(b == SCHEMA_TYPE_CHAR || b == SCHEMA_TYPE_VARCHAR || is_text(b)))
                    return fail(err, SCHEMA_ERR_FULLTEXT,
                                "Column '%s' cannot be part of FULLTEXT index", col->name);
                part->prefix = 0;
            } else if (part->prefix > 0) {
                if (!can_have_prefix(b) ||
                    (is_sized_string(b) && part->prefix > col->type.length))
                    return fail(err, SCHEMA_ERR_BAD_PREFIX,
                                "Incorrect prefix key; the used key part isn't a string, the "
                                "used length is longer than the key part, or the storage "
                                "engine doesn't support unique prefix keys");
                if (is_sized_string(b) && part->prefix == col->type.length)
                    part->prefix = 0;
            } else if (schema_type_is_blob(b) && ix->kind != SCHEMA_INDEX_SPATIAL) {
                if (ix->kind == SCHEMA_INDEX_UNIQUE) {
                    k->long_hash = true;
                } else if (ix->kind == SCHEMA_INDEX_PLAIN) {
                    // A plain key on a whole BLOB/TEXT indexes the longest prefix the engine
                    // allows (InnoDB 3072 bytes, others 1000); the server only warns.
                    int64_t max = (t->opt.engine && strcasecmp(t->opt.engine, "InnoDB") != 0)
                                      ? 1000 : 3072;
                    part->prefix = max / (is_text(b) ? schema_charset_mbmaxlen(col->type.charset)
                                                     : 1);
                } else {
                    return fail(err, SCHEMA_ERR_BLOB_KEY,
                                "BLOB/TEXT column '%s' used in key specification without a "
                                "key length",
                                col->name);
                }
            }
            if (part->prefix > 0)
                k->partial = true;
            if (ix->kind != SCHEMA_INDEX_FULLTEXT && !k->long_hash)
                key_bytes += part_bytes(col, part->prefix);
            if (ix->kind == SCHEMA_INDEX_PRIMARY) {
                if (!col->not_null && col->invisible && !col->auto_increment &&
                    (col->default_kind == SCHEMA_DEFAULT_NONE ||
                     col->default_kind == SCHEMA_DEFAULT_NULL) && invisible_pk == NULL)
                    invisible_pk = col->name;
                col->not_null = true;
                if (col->default_kind == SCHEMA_DEFAULT_NULL)
                    col->default_kind = SCHEMA_DEFAULT_NONE;
            }
            if (!col->not_null)
                k->null_part = true;
        }
        int64_t max_key = (t->opt.engine && strcasecmp(t->opt.engine, "InnoDB") != 0) ? 1000
                                                                                        : 3072;
        if (key_bytes > max_key)
            return fail(err, SCHEMA_ERR_KEY_TOO_LONG,
                        "Specified key was too long; max key length is %" PRId64 " bytes",
                        max_key);
        if (ix->kind == SCHEMA_INDEX_PRIMARY) {
            if (have_pk)
                second_pk = true;
            have_pk = true;
        }
        if (k->long_hash && ix->using_type == NULL) {
            ix->using_type = schema_strdup("HASH", &oom);
            if (oom)
                return nomem(err);
        }
        if (ix->name == NULL) {
            // make_unique_key_name: the first column's name, else name_2, name_3, ...
            const char *base = ix->parts[0].column;
            char buf[256];
            if (!key_name_used(keys, i, base)) {
                snprintf(buf, sizeof(buf), "%s", base);
            } else {
                for (int s = 2;; s++) {
                    snprintf(buf, sizeof(buf), "%s_%d", base, s);
                    if (!key_name_used(keys, i, buf))
                        break;
                }
            }
            ix->name = schema_strdup(buf, &oom);
            if (oom)
                return nomem(err);
        }
    }
    if (second_pk)
        return fail(err, SCHEMA_ERR_MULTI_PK, "Multiple primary key defined");
    for (size_t i = 0; i < n; i++)
        for (size_t p = 1; p < keys[i].ix.n_parts; p++)
            for (size_t q = 0; q < p; q++)
                if (schema_name_eq(keys[i].ix.parts[q].column, keys[i].ix.parts[p].column))
                    return fail(err, SCHEMA_ERR_DUP_COLUMN, "Duplicate column name '%s'",
                                keys[i].ix.parts[p].column);
    if (invisible_pk != NULL)
        return fail(err, SCHEMA_ERR_INVISIBLE, "Invisible column `%s` must have a default value",
                    invisible_pk);
    if (keep_first < 0 || n == 0 || primary_like(&keys[0]) != (keep_first == 1))
        qsort(keys, n, sizeof(*keys), key_cmp);
    // Auto-increment: one column at most, and it must start some key.
    const schema_column *autocol = NULL;
    for (size_t i = 0; i < t->n_cols; i++)
        if (t->cols[i].auto_increment)
            autocol = &t->cols[i];
    if (autocol != NULL) {
        bool keyed = false;
        for (size_t i = 0; i < n && !keyed; i++)
            keyed = keys[i].ix.kind != SCHEMA_INDEX_FULLTEXT &&
                    schema_name_eq(keys[i].ix.parts[0].column, autocol->name);
        if (!keyed)
            return fail(err, SCHEMA_ERR_AUTO_KEY,
                        "Incorrect table definition; there can be only one auto column and it "
                        "must be defined as a key");
    }
    for (size_t i = 0; i < n; i++) {
        if ((rc = schema_table_push_index(t, &keys[i].ix)) != 0)
            return nomem(err);
    }
    return 0;
}

static void free_keys(key_work *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        schema_index_fini(&keys[i].ix);
    free(keys);
}

// ---------------------------------------------------------------------------------------
// Table options

static const char *canonical_engine(const char *e)
{
    static const char *known[] = {"InnoDB", "MyISAM", "Aria", "MEMORY", "CSV", "ARCHIVE",
                                  "BLACKHOLE", "MRG_MyISAM", "SEQUENCE", "CONNECT", "ROCKSDB",
                                  "SPIDER", "FEDERATED", "S3"};
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcasecmp(known[i], e) == 0)
            return known[i];
    if (strcasecmp(e, "HEAP") == 0)
        return "MEMORY";
    if (strcasecmp(e, "MERGE") == 0 || strcasecmp(e, "MRG_MYISAM") == 0)
        return "MRG_MyISAM";
    return e;
}

// Options SHOW CREATE TABLE prints between COLLATE and COMMENT, in its order.
static const char *option_order[] = {
    "MIN_ROWS", "MAX_ROWS", "AVG_ROW_LENGTH", "CHECKSUM", "PAGE_CHECKSUM", "PACK_KEYS",
    "STATS_PERSISTENT", "STATS_AUTO_RECALC", "STATS_SAMPLE_PAGES", "DELAY_KEY_WRITE",
    "ROW_FORMAT", "TRANSACTIONAL", "KEY_BLOCK_SIZE", "UNION", "INSERT_METHOD",
    "DATA DIRECTORY", "INDEX DIRECTORY"};

static size_t option_rank(const char *key)
{
    size_t n = sizeof(option_order) / sizeof(option_order[0]);
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(option_order[i], key) == 0)
            return i;
    return n;
}

static int set_other_option(schema_table_options *o, const char *key, const char *value)
{
    bool oom = false;
    size_t i;
    for (i = 0; i < o->n_other; i++)
        if (strcasecmp(o->other[i].key, key) == 0)
            break;
    // Zero/DEFAULT values of numeric options are not shown by the server.
    bool remove = value == NULL || strcasecmp(value, "DEFAULT") == 0 ||
                  (strcasecmp(key, "KEY_BLOCK_SIZE") == 0 && strcmp(value, "0") == 0);
    if (i < o->n_other) {
        if (remove) {
            free(o->other[i].key);
            free(o->other[i].value);
            memmove(&o->other[i], &o->other[i + 1], (o->n_other - i - 1) * sizeof(*o->other));
            o->n_other--;
            return 0;
        }
        char *v = schema_strdup(value, &oom);
        if (oom)
            return DM_ERR_NOMEM;
        free(o->other[i].value);
        o->other[i].value = v;
        return 0;
    }
    if (remove)
        return 0;
    schema_option *na = realloc(o->other, (o->n_other + 1) * sizeof(*na));
    if (na == NULL)
        return DM_ERR_NOMEM;
    o->other = na;
    size_t at = o->n_other;
    size_t rank = option_rank(key);
    while (at > 0 && option_rank(o->other[at - 1].key) > rank)
        at--;
    memmove(&o->other[at + 1], &o->other[at], (o->n_other - at) * sizeof(*na));
    o->other[at].key = schema_strdup(key, &oom);
    o->other[at].value = schema_strdup(value, &oom);
    o->n_other++;
    upper_in_place(o->other[at].key);
    return oom ? DM_ERR_NOMEM : 0;
}

static bool key_is(const char *key, const char *a)
{
    return strcasecmp(key, a) == 0;
}

// apply_option sets one table option. Charset options change only the table default.
static int apply_option(schema_table_options *o, const schema_option *op, const char *db_cs,
                        const char *db_coll, dm_err *err)
{
    bool oom = false;
    const char *key = op->key ? op->key : "";
    const char *val = op->value ? op->value : "";
    if (key_is(key, "ENGINE") || key_is(key, "TYPE")) {
        char *e = schema_strdup(canonical_engine(val), &oom);
        if (oom)
            return nomem(err);
        free(o->engine);
        o->engine = e;
        return 0;
    }
    if (key_is(key, "CHARACTER SET") || key_is(key, "CHARSET") ||
        key_is(key, "DEFAULT CHARACTER SET") || key_is(key, "DEFAULT CHARSET")) {
        char *cs, *coll;
        int rc;
        if (strcasecmp(val, "DEFAULT") == 0)
            rc = resolve_charset(&cs, &coll, db_cs, db_coll, false, db_cs, db_coll, err);
        else
            rc = resolve_charset(&cs, &coll, val, NULL, false, NULL, NULL, err);
        if (rc)
            return rc;
        free(o->charset);
        free(o->collation);
        o->charset = cs;
        o->collation = coll;
        return 0;
    }
    if (key_is(key, "COLLATE") || key_is(key, "DEFAULT COLLATE")) {
        char *cs, *coll;
        int rc;
        if (strcasecmp(val, "DEFAULT") == 0) {
            rc = resolve_charset(&cs, &coll, o->charset, NULL, false, NULL, NULL, err);
        } else {
            rc = resolve_charset(&cs, &coll, NULL, val, false, NULL, NULL, err);
        }
        if (rc)
            return rc;
        free(o->charset);
        free(o->collation);
        o->charset = cs;
        o->collation = coll;
        return 0;
    }
    if (key_is(key, "COMMENT")) {
        char *c = val[0] ? schema_strdup(val, &oom) : NULL;
        if (oom)
            return nomem(err);
        free(o->comment);
        o->comment = c;
        return 0;
    }
    if (key_is(key, "AUTO_INCREMENT")) {
        o->auto_increment = strtoull(val, NULL, 10);
        return 0;
    }
    if (key_is(key, "ROW_FORMAT")) {
        char *r = strcasecmp(val, "DEFAULT") == 0 ? NULL : schema_strdup(val, &oom);
        if (oom)
            return nomem(err);
        upper_in_place(r);
        free(o->row_format);
        o->row_format = r;
        return 0;
    }
    return set_other_option(o, key, val) ? nomem(err) : 0;
}

// next_ident finds the next back-quoted identifier in expression text, skipping string
// literals; stores it (unquoted) in buf and its source span in *start/*end. Expressions are
// the parser's source text, so only back-quoted names are recognised as column references.
static bool next_ident(const char **p, char *buf, size_t size, const char **start,
                       const char **end)
{
    const char *s = *p;
    while (*s) {
        if (*s == '\'' || *s == '"') {
            char q = *s++;
            while (*s && !(*s == q && s[1] != q)) {
                if (*s == '\\' && s[1])
                    s++;
                else if (*s == q)
                    s++;
                s++;
            }
            if (*s)
                s++;
            continue;
        }
        if (*s == '`') {
            size_t n = 0;
            *start = s++;
            while (*s && !(*s == '`' && s[1] != '`')) {
                if (*s == '`')
                    s++;
                if (n + 1 < size)
                    buf[n++] = *s;
                s++;
            }
            buf[n] = '\0';
            if (*s)
                s++;
            *end = s;
            *p = s;
            return true;
        }
        s++;
    }
    *p = s;
    return false;
}

// check_unknown_ref reports the first back-quoted name in expr that is no column of cols.
static int check_unknown_ref(const char *expr, const schema_column *cols, size_t n, dm_err *err)
{
    char name[256];
    const char *p = expr, *a, *b;
    while (next_ident(&p, name, sizeof(name), &a, &b)) {
        size_t i;
        for (i = 0; i < n; i++)
            if (schema_name_eq(cols[i].name, name))
                break;
        if (i == n)
            return fail(err, SCHEMA_ERR_UNKNOWN_COLUMN, "Unknown column '%s' in 'CHECK'", name);
        if (cols[i].auto_increment)
            return fail(err, SCHEMA_ERR_BAD_EXPR,
                        "Function or expression 'AUTO_INCREMENT' cannot be used in the CHECK "
                        "clause of `%s`",
                        cols[i].name);
    }
    return 0;
}

void schema_table_sort_keys(schema_table *t)
{
    key_work *keys = calloc(t->n_idx ? t->n_idx : 1, sizeof(*keys));
    if (keys == NULL)
        return; // the order stays as it is; nothing is lost
    for (size_t i = 0; i < t->n_idx; i++) {
        key_work *k = &keys[i];
        k->ix = t->idx[i];
        k->order = i;
        k->long_hash = k->ix.using_type != NULL && strcmp(k->ix.using_type, "HASH") == 0 &&
                       k->ix.kind == SCHEMA_INDEX_UNIQUE;
        for (size_t p = 0; p < k->ix.n_parts; p++) {
            const schema_column *c = schema_table_find_column(t, k->ix.parts[p].column, NULL);
            if (c != NULL && !c->not_null)
                k->null_part = true;
            if (k->ix.parts[p].prefix > 0)
                k->partial = true;
        }
    }
    qsort(keys, t->n_idx, sizeof(*keys), key_cmp);
    for (size_t i = 0; i < t->n_idx; i++)
        t->idx[i] = keys[i].ix;
    free(keys);
}

// check_added_refs: the CHECK constraints an ALTER adds must name existing columns.
static int check_added_refs(const schema_table *nt, const schema_alter_spec *specs,
                            size_t n_specs, const bool *skip, dm_err *err)
{
    for (size_t i = 0; i < n_specs; i++) {
        if (skip[i] || specs[i].kind != SCHEMA_ALTER_ADD_CHECK)
            continue;
        int rc = check_unknown_ref(specs[i].check.expr ? specs[i].check.expr : "", nt->cols,
                                   nt->n_cols, err);
        if (rc)
            return rc;
    }
    return 0;
}

// ---------------------------------------------------------------------------------------
// CREATE TABLE

static int new_key_from_def(key_work *k, const schema_index *def)
{
    memset(k, 0, sizeof(*k));
    if (schema_index_copy(&k->ix, def) != 0)
        return DM_ERR_NOMEM;
    k->is_new = true;
    if (k->ix.using_type != NULL)
        upper_in_place(k->ix.using_type);
    return 0;
}

static int add_check(schema_table *t, const schema_check *def, dm_err *err)
{
    bool oom = false;
    schema_check k = {0};
    char buf[64];
    const char *name = def->name;
    if (name != NULL) {
        for (size_t i = 0; i < t->n_checks; i++)
            if (strcasecmp(t->checks[i].name, name) == 0)
                return fail(err, SCHEMA_ERR_DUP_CONSTRAINT,
                            "Duplicate CHECK constraint name '%s'", name);
    } else {
        for (int n = 1;; n++) {
            snprintf(buf, sizeof(buf), "CONSTRAINT_%d", n);
            size_t i;
            for (i = 0; i < t->n_checks; i++)
                if (strcasecmp(t->checks[i].name, buf) == 0)
                    break;
            if (i == t->n_checks)
                break;
        }
        name = buf;
    }
    k.name = schema_strdup(name, &oom);
    k.expr = schema_strdup(def->expr ? def->expr : "", &oom);
    if (oom || schema_table_push_check(t, &k) != 0) {
        schema_check_fini(&k);
        return nomem(err);
    }
    return 0;
}

int schema_table_build(schema_table **out, const char *name, const schema_create_def *def,
                       const char *db_charset, const char *db_collation,
                       const char *default_engine, dm_err *err)
{
    int rc = 0;
    bool oom = false;
    key_work *keys = NULL;
    size_t n_keys = 0;
    schema_late_err late = {0};
    schema_table *t = calloc(1, sizeof(*t));
    *out = NULL;
    if (t == NULL)
        return nomem(err);
    if (db_charset == NULL) {
        db_charset = "utf8mb4";
        db_collation = "utf8mb4_general_ci";
    }
    t->name = schema_strdup(name, &oom);
    t->opt.engine = schema_strdup(default_engine ? default_engine : "InnoDB", &oom);
    if (oom) {
        rc = nomem(err);
        goto done;
    }
    if ((rc = resolve_charset(&t->opt.charset, &t->opt.collation, db_charset, db_collation,
                              false, NULL, NULL, err)) != 0)
        goto done;
    // CHARSET and COLLATE together: apply the charset first so COLLATE refines it.
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < def->n_options; i++) {
            const char *k = def->options[i].key ? def->options[i].key : "";
            bool is_coll = key_is(k, "COLLATE") || key_is(k, "DEFAULT COLLATE");
            if ((pass == 0) == is_coll)
                continue;
            if ((rc = apply_option(&t->opt, &def->options[i], db_charset, db_collation, err)))
                goto done;
        }
    if (def->partition != NULL) {
        t->opt.partition = schema_strdup(def->partition, &oom);
        if (oom) {
            rc = nomem(err);
            goto done;
        }
    }
    if (def->n_columns == 0) {
        rc = fail(err, SCHEMA_ERR_NO_COLUMNS, "A table must have at least 1 column");
        goto done;
    }
    keys = calloc(def->n_columns + def->n_indexes + 1, sizeof(*keys));
    if (keys == NULL) {
        rc = nomem(err);
        goto done;
    }
    // Duplicate names are reported before anything wrong inside a definition.
    for (size_t i = 0; i < def->n_columns; i++)
        for (size_t j = 0; j < i; j++)
            if (schema_name_eq(def->columns[i].name, def->columns[j].name)) {
                rc = fail(err, SCHEMA_ERR_DUP_COLUMN, "Duplicate column name '%s'",
                          def->columns[i].name);
                goto done;
            }
    for (size_t i = 0; i < def->n_columns; i++) {
        schema_column c;
        const schema_column *d = &def->columns[i];
        if ((rc = schema_resolve_column(&c, d, t->opt.charset, t->opt.collation, &late, err)))
            goto done;
        if (schema_table_push_column(t, &c)) {
            schema_column_fini(&c);
            rc = nomem(err);
            goto done;
        }
        if (d->inline_primary || d->inline_unique) {
            schema_index_part part = {.column = d->name, .prefix = 0, .desc = false};
            schema_index ix = {.kind = d->inline_primary ? SCHEMA_INDEX_PRIMARY
                                                         : SCHEMA_INDEX_UNIQUE,
                               .parts = &part, .n_parts = 1};
            if (new_key_from_def(&keys[n_keys], &ix)) {
                rc = nomem(err);
                goto done;
            }
            n_keys++;
        }
    }
    for (size_t i = 0; i < def->n_indexes; i++) {
        if (new_key_from_def(&keys[n_keys], &def->indexes[i])) {
            rc = nomem(err);
            goto done;
        }
        n_keys++;
    }
    if ((rc = check_visible(t, err)) != 0 || (rc = finish_keys(t, keys, n_keys, -1, err)) != 0 ||
        (rc = check_invisible_defaults(t, err)) != 0 || (rc = late_result(&late, err)) != 0)
        goto done;
    for (size_t i = 0; i < def->n_checks; i++)
        if ((rc = add_check(t, &def->checks[i], err)) != 0)
            goto done;
    for (size_t i = 0; i < def->n_checks; i++)
        if ((rc = check_unknown_ref(def->checks[i].expr ? def->checks[i].expr : "", t->cols,
                                    t->n_cols, err)) != 0)
            goto done;
done:
    free_keys(keys, n_keys);
    if (rc) {
        schema_table_destroy(t);
        return rc;
    }
    *out = t;
    return 0;
}

int schema_table_set_name(schema_table *t, const char *name, dm_err *err)
{
    bool oom = false;
    char *n = schema_strdup(name, &oom);
    if (oom)
        return nomem(err);
    free(t->name);
    t->name = n;
    return 0;
}

// ---------------------------------------------------------------------------------------
// ALTER TABLE

typedef struct wcol {
    schema_column col;
    const char *old_name; // the column's name before the ALTER; NULL for a new column
} wcol;

typedef struct wlist {
    wcol *v;
    size_t n, cap;
} wlist;

static int wlist_insert(wlist *l, size_t at, wcol *c)
{
    if (grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
        return DM_ERR_NOMEM;
    memmove(&l->v[at + 1], &l->v[at], (l->n - at) * sizeof(*l->v));
    l->v[at] = *c;
    l->n++;
    return 0;
}

static void wlist_free(wlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        schema_column_fini(&l->v[i].col);
    free(l->v);
}

static bool table_has_column(const schema_table *t, const char *name)
{
    return schema_table_find_column(t, name, NULL) != NULL;
}

// apply_default changes the default of a stored column (ALTER COLUMN SET/DROP DEFAULT).
static int apply_default(schema_column *c, schema_default_kind kind, const char *text,
                         bool added, schema_late_err *late, dm_err *err)
{
    bool oom = false;
    schema_column tmp;
    // The server accepts and ignores a default on an AUTO_INCREMENT column here.
    if (c->auto_increment)
        return 0;
    if (schema_column_copy(&tmp, c) != 0)
        return nomem(err);
    free(tmp.default_text);
    tmp.default_kind = kind;
    tmp.default_text = schema_strdup(text, &oom);
    // Dropping the default of a column added by the same statement leaves it without any
    // (not even NULL); on an existing nullable column NULL stays the default.
    tmp.no_default = added && kind == SCHEMA_DEFAULT_NONE;
    // DROP DEFAULT also drops ON UPDATE CURRENT_TIMESTAMP (observed on 10.11).
    if (kind == SCHEMA_DEFAULT_NONE) {
        free(tmp.on_update);
        tmp.on_update = NULL;
    }
    if (oom) {
        schema_column_fini(&tmp);
        return nomem(err);
    }
    int rc = normalize_default(&tmp, err, late);
    if (rc) {
        schema_column_fini(&tmp);
        return rc;
    }
    schema_column_fini(c);
    *c = tmp;
    return 0;
}

// convert_column applies CONVERT TO CHARACTER SET to one stored column.
static int convert_column(schema_column *c, const char *cs, const char *coll, dm_err *err)
{
    bool oom = false;
    schema_type *ty = &c->type;
    if (!schema_type_is_string(ty->base))
        return 0;
    int old_mb = schema_charset_mbmaxlen(ty->charset), new_mb = schema_charset_mbmaxlen(cs);
    if (is_text(ty->base) && new_mb > old_mb) {
        // Keep the capacity in characters: TEXT in latin1 becomes MEDIUMTEXT in utf8mb4.
        int lvl = blob_level(ty->base);
        uint64_t chars = blob_cap(lvl) / (uint64_t)old_mb;
        int nl = level_for_bytes(chars * (uint64_t)new_mb);
        if (nl > lvl)
            ty->base = (schema_base_type)(SCHEMA_TYPE_TINYTEXT + nl);
    }
    free(ty->charset);
    free(ty->collation);
    ty->charset = schema_strdup(cs, &oom);
    ty->collation = schema_strdup(coll, &oom);
    if (oom)
        return nomem(err);
    if (strcmp(cs, "binary") == 0) {
        if (ty->base == SCHEMA_TYPE_CHAR)
            ty->base = SCHEMA_TYPE_BINARY;
        else if (ty->base == SCHEMA_TYPE_VARCHAR)
            ty->base = SCHEMA_TYPE_VARBINARY;
        else if (is_text(ty->base))
            ty->base = (schema_base_type)(SCHEMA_TYPE_TINYBLOB + blob_level(ty->base));
        if (!schema_type_is_string(ty->base)) {
            free(ty->charset);
            free(ty->collation);
            ty->charset = ty->collation = NULL;
        }
    }
    return 0;
}

static const char *drop_kind_name(schema_alter_kind k)
{
    return k == SCHEMA_ALTER_DROP_COLUMN ? "COLUMN"
           : k == SCHEMA_ALTER_DROP_INDEX ? "INDEX"
                                          : "CONSTRAINT";
}

int schema_alter_check_conflicts(const schema_alter_spec *specs, size_t n_specs, dm_err *err)
{
    // CONVERT TO and CHARSET= are separate declarations: each may appear with one charset.
    const char *declared[2] = {NULL, NULL};
    for (size_t i = 0; i < n_specs; i++) {
        const schema_alter_spec *s = &specs[i];
        const char *cs = NULL;
        int slot = s->kind == SCHEMA_ALTER_CONVERT_CHARSET ? 0 : 1;
        if (s->kind == SCHEMA_ALTER_CONVERT_CHARSET)
            cs = s->charset;
        else if (s->kind == SCHEMA_ALTER_OPTION && s->option.key != NULL &&
                 (key_is(s->option.key, "CHARACTER SET") || key_is(s->option.key, "CHARSET") ||
                  key_is(s->option.key, "DEFAULT CHARSET") ||
                  key_is(s->option.key, "DEFAULT CHARACTER SET")))
            cs = s->option.value;
        if (cs == NULL || strcasecmp(cs, "DEFAULT") == 0)
            continue;
        if (declared[slot] != NULL && find_charset(declared[slot]) != find_charset(cs))
            return fail(err, SCHEMA_ERR_CONFLICT,
                        "Conflicting declarations: 'CHARACTER SET %s' and 'CHARACTER SET %s'",
                        declared[slot], cs);
        declared[slot] = cs;
    }
    return 0;
}

int schema_table_alter(schema_table *t, const schema_alter_spec *specs, size_t n_specs,
                       dm_err *err)
{
    int rc = 0;
    bool oom = false;
    schema_table *nt = NULL;
    wlist nl = {0};
    key_work *keys = NULL;
    size_t n_keys = 0;
    bool *skip = NULL, *used = NULL;
    bool keys_changed = false;
    int old_first_primary = 0;
    schema_late_err late = {0};
    const char *conv_cs = NULL;
    char *conv_cs_buf = NULL, *conv_coll_buf = NULL;

    if (n_specs == 0)
        return 0;
    skip = calloc(n_specs, sizeof(bool));
    used = calloc(n_specs, sizeof(bool));
    if (skip == NULL || used == NULL) {
        rc = nomem(err);
        goto done;
    }
    if ((rc = schema_alter_check_conflicts(specs, n_specs, err)) != 0)
        goto done;
    // IF [NOT] EXISTS clauses turn into no-ops first (handle_if_exists_options).
    for (size_t i = 0; i < n_specs; i++) {
        const schema_alter_spec *s = &specs[i];
        switch (s->kind) {
        case SCHEMA_ALTER_ADD_COLUMN:
            if (s->if_not_exists) {
                bool exists = table_has_column(t, s->column.name);
                for (size_t j = 0; j < i && !exists; j++)
                    exists = !skip[j] && specs[j].kind == SCHEMA_ALTER_ADD_COLUMN &&
                             schema_name_eq(specs[j].column.name, s->column.name);
                skip[i] = exists;
            }
            break;
        case SCHEMA_ALTER_DROP_COLUMN:
        case SCHEMA_ALTER_CHANGE_COLUMN:
            if (s->if_exists && !table_has_column(t, s->name))
                skip[i] = true;
            // DROP ... IF EXISTS of a column an earlier spec already drops.
            for (size_t j = 0; j < i && s->if_exists && s->kind == SCHEMA_ALTER_DROP_COLUMN; j++)
                if (!skip[j] && specs[j].kind == SCHEMA_ALTER_DROP_COLUMN &&
                    schema_name_eq(specs[j].name, s->name))
                    skip[i] = true;
            break;
        case SCHEMA_ALTER_ADD_INDEX:
            if (s->if_not_exists) {
                const char *nm = s->index.kind == SCHEMA_INDEX_PRIMARY ? "PRIMARY"
                                                                       : s->index.name;
                skip[i] = nm != NULL && schema_table_find_index(t, nm) != NULL;
            }
            break;
        case SCHEMA_ALTER_DROP_INDEX:
            if (s->if_exists && schema_table_find_index(t, s->name) == NULL)
                skip[i] = true;
            for (size_t j = 0; j < i && s->if_exists; j++)
                if (!skip[j] && specs[j].kind == SCHEMA_ALTER_DROP_INDEX &&
                    schema_name_eq(specs[j].name, s->name))
                    skip[i] = true;
            break;
        case SCHEMA_ALTER_DROP_CONSTRAINT:
            if (s->if_exists) {
                bool found = schema_table_find_index(t, s->name) != NULL;
                for (size_t j = 0; j < t->n_checks && !found; j++)
                    found = strcasecmp(t->checks[j].name, s->name) == 0;
                skip[i] = !found;
            }
            break;
        default:
            break;
        }
    }

    nt = calloc(1, sizeof(*nt));
    if (nt == NULL) {
        rc = nomem(err);
        goto done;
    }
    nt->name = schema_strdup(t->name, &oom);
    if (oom || options_copy(&nt->opt, &t->opt) != 0) {
        rc = nomem(err);
        goto done;
    }
    // Table options first: added columns inherit the new default charset.
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n_specs; i++) {
            const schema_alter_spec *s = &specs[i];
            if (s->kind != SCHEMA_ALTER_OPTION)
                continue;
            const char *k = s->option.key ? s->option.key : "";
            bool is_coll = key_is(k, "COLLATE") || key_is(k, "DEFAULT COLLATE");
            if ((pass == 0) == is_coll)
                continue;
            if ((rc = apply_option(&nt->opt, &s->option, t->opt.charset, t->opt.collation,
                                   err)))
                goto done;
        }
    for (size_t i = 0; i < n_specs; i++) {
        const schema_alter_spec *s = &specs[i];
        if (s->kind != SCHEMA_ALTER_CONVERT_CHARSET)
            continue;
        free(conv_cs_buf);
        free(conv_coll_buf);
        conv_cs_buf = conv_coll_buf = NULL;
        const char *cs = s->charset;
        if (cs != NULL && strcasecmp(cs, "DEFAULT") == 0)
            cs = t->opt.charset;
        if ((rc = resolve_charset(&conv_cs_buf, &conv_coll_buf, cs, s->collation, false,
                                  nt->opt.charset, nt->opt.collation, err)))
            goto done;
        // CHARSET=/COLLATE= in the same statement set the table default; CONVERT the columns.
        bool option_wins = false;
        for (size_t j = 0; j < n_specs; j++)
            option_wins = option_wins ||
                          (specs[j].kind == SCHEMA_ALTER_OPTION && specs[j].option.key != NULL &&
                           (strcasestr(specs[j].option.key, "CHAR") != NULL ||
                            strcasestr(specs[j].option.key, "COLLATE") != NULL));
        if (!option_wins) {
            free(nt->opt.charset);
            free(nt->opt.collation);
            nt->opt.charset = schema_strdup(conv_cs_buf, &oom);
            nt->opt.collation = schema_strdup(conv_coll_buf, &oom);
        }
        if (oom) {
            free(conv_cs_buf);
            free(conv_coll_buf);
            rc = nomem(err);
            goto done;
        }
        conv_cs = conv_cs_buf;
    }

    // Columns: walk the old list.
    for (size_t ci = 0; ci < t->n_cols; ci++) {
        const schema_column *oc = &t->cols[ci];
        bool dropped = false;
        for (size_t i = 0; i < n_specs && !dropped; i++)
            if (!skip[i] && !used[i] && specs[i].kind == SCHEMA_ALTER_DROP_COLUMN &&
                schema_name_eq(specs[i].name, oc->name)) {
                used[i] = true;
                dropped = true;
            }
        if (dropped)
            continue;
        const schema_alter_spec *chg = NULL;
        size_t chg_i = 0;
        for (size_t i = 0; i < n_specs; i++)
            if (!skip[i] && !used[i] &&
                (specs[i].kind == SCHEMA_ALTER_CHANGE_COLUMN ||
                 specs[i].kind == SCHEMA_ALTER_RENAME_COLUMN) &&
                schema_name_eq(specs[i].name, oc->name)) {
                chg = &specs[i];
                chg_i = i;
                break;
            }
        wcol w = {.old_name = oc->name};
        if (chg != NULL) {
            used[chg_i] = true;
            if (chg->kind == SCHEMA_ALTER_RENAME_COLUMN) {
                if (schema_column_copy(&w.col, oc) != 0) {
                    rc = nomem(err);
                    goto done;
                }
                free(w.col.name);
                w.col.name = schema_strdup(chg->new_name, &oom);
                if (oom) {
                    schema_column_fini(&w.col);
                    rc = nomem(err);
                    goto done;
                }
            } else {
                if ((rc = schema_resolve_column(&w.col, &chg->column, nt->opt.charset,
                                                nt->opt.collation, &late, err)))
                    goto done;
                if (chg->pos != SCHEMA_POS_DEFAULT) {
                    // Placed later, with the added columns, in statement order.
                    schema_column_fini(&w.col);
                    used[chg_i] = false;
                    continue;
                }
            }
        } else {
            if (schema_column_copy(&w.col, oc) != 0) {
                rc = nomem(err);
                goto done;
            }
            for (size_t i = 0; i < n_specs; i++) {
                const schema_alter_spec *s = &specs[i];
                if (skip[i] || used[i] || !schema_name_eq(s->name, oc->name))
                    continue;
                if (s->kind == SCHEMA_ALTER_SET_DEFAULT || s->kind == SCHEMA_ALTER_DROP_DEFAULT) {
                    used[i] = true;
                    rc = apply_default(&w.col,
                                       s->kind == SCHEMA_ALTER_DROP_DEFAULT ? SCHEMA_DEFAULT_NONE
                                                                            : s->default_kind,
                                       s->kind == SCHEMA_ALTER_DROP_DEFAULT ? NULL
                                                                            : s->default_text,
                                       false, &late, err);
                    if (rc) {
                        schema_column_fini(&w.col);
                        goto done;
                    }
                    break; // a second ALTER COLUMN on it finds no column
                }
            }
        }
        if (wlist_insert(&nl, nl.n, &w)) {
            schema_column_fini(&w.col);
            rc = nomem(err);
            goto done;
        }
    }
    // Added columns and moved changed columns, in statement order.
    for (size_t i = 0; i < n_specs; i++) {
        const schema_alter_spec *s = &specs[i];
        if (skip[i] || used[i])
            continue;
        if (s->kind != SCHEMA_ALTER_ADD_COLUMN && s->kind != SCHEMA_ALTER_CHANGE_COLUMN &&
            s->kind != SCHEMA_ALTER_RENAME_COLUMN)
            continue;
        wcol w = {0};
        if (s->kind != SCHEMA_ALTER_ADD_COLUMN) {
            const schema_column *oc = schema_table_find_column(t, s->name, NULL);
            // Is the old column gone already (changed before, or dropped)?
            bool consumed = oc == NULL;
            for (size_t j = 0; !consumed && j < nl.n; j++)
                consumed = nl.v[j].old_name == oc->name;
            for (size_t j = 0; !consumed && j < n_specs; j++)
                consumed = !skip[j] && used[j] && specs[j].kind == SCHEMA_ALTER_DROP_COLUMN &&
                           schema_name_eq(specs[j].name, oc->name);
            size_t added = nl.n;
            for (size_t j = 0; consumed && j < nl.n; j++)
                if (nl.v[j].old_name == NULL && schema_name_eq(nl.v[j].col.name, s->column.name))
                    added = j;
            if (consumed && added < nl.n && s->kind == SCHEMA_ALTER_CHANGE_COLUMN) {
                // A CHANGE/MODIFY whose column is gone but whose new name is a column added
                // by the same statement redefines that column (as the server does).
                used[i] = true;
                if ((rc = schema_resolve_column(&w.col, &s->column, nt->opt.charset,
                                                nt->opt.collation, &late, err)))
                    goto done;
                size_t at = added;
                schema_column_fini(&nl.v[added].col);
                memmove(&nl.v[added], &nl.v[added + 1], (nl.n - added - 1) * sizeof(*nl.v));
                nl.n--;
                if (s->pos == SCHEMA_POS_FIRST) {
                    at = 0;
                } else if (s->pos == SCHEMA_POS_AFTER) {
                    for (at = 0; at < nl.n; at++)
                        if (schema_name_eq(nl.v[at].col.name, s->after))
                            break;
                    if (at == nl.n) {
                        schema_column_fini(&w.col);
                        rc = fail(err, SCHEMA_ERR_UNKNOWN_COLUMN, "Unknown column '%s' in '%s'",
                                  s->after ? s->after : "", t->name);
                        goto done;
                    }
                    at++;
                }
                if (wlist_insert(&nl, at, &w)) {
                    schema_column_fini(&w.col);
                    rc = nomem(err);
                    goto done;
                }
                continue;
            }
            if (oc == NULL) {
                rc = fail(err, SCHEMA_ERR_UNKNOWN_COLUMN, "Unknown column '%s' in '%s'",
                          s->name, t->name);
                goto done;
            }
            w.old_name = oc->name;
            // A column renamed or changed twice in one statement.
            bool placed = false;
            for (size_t j = 0; j < nl.n; j++)
                placed = placed || (nl.v[j].old_name == oc->name);
            // A column dropped by the same statement is gone for CHANGE/RENAME.
            for (size_t j = 0; j < n_specs && !placed; j++)
                placed = !skip[j] && used[j] && specs[j].kind == SCHEMA_ALTER_DROP_COLUMN &&
                         schema_name_eq(specs[j].name, oc->name);
            if (placed) {
                rc = fail(err, SCHEMA_ERR_UNKNOWN_COLUMN, "Unknown column '%s' in '%s'",
                          s->name, t->name);
                goto done;
            }
            used[i] = true;
        } else {
            used[i] = true;
        }
        if ((rc = schema_resolve_column(&w.col, &s->column, nt->opt.charset, nt->opt.collation, &late,
                                        err)))
            goto done;
        size_t at = nl.n;
        if (s->pos == SCHEMA_POS_FIRST) {
            at = 0;
        } else if (s->pos == SCHEMA_POS_AFTER) {
            size_t j;
            for (j = 0; j < nl.n; j++)
                if (schema_name_eq(nl.v[j].col.name, s->after))
                    break;
            if (j == nl.n) {
                schema_column_fini(&w.col);
                rc = fail(err, SCHEMA_ERR_UNKNOWN_COLUMN, "Unknown column '%s' in '%s'",
                          s->after ? s->after : "", t->name);
                goto done;
            }
            at = j + 1;
        }
        if (wlist_insert(&nl, at, &w)) {
            schema_column_fini(&w.col);
            rc = nomem(err);
            goto done;
        }
    }
    // ALTER COLUMN may name a column added by the same statement.
    for (size_t i = 0; i < n_specs; i++) {
        const schema_alter_spec *s = &specs[i];
        if (skip[i] || used[i] ||
            (s->kind != SCHEMA_ALTER_SET_DEFAULT && s->kind != SCHEMA_ALTER_DROP_DEFAULT))
            continue;
        for (size_t j = 0; j < nl.n; j++)
            if (nl.v[j].old_name == NULL && schema_name_eq(nl.v[j].col.name, s->name)) {
                used[i] = true;
                rc = apply_default(&nl.v[j].col,
                                   s->kind == SCHEMA_ALTER_DROP_DEFAULT ? SCHEMA_DEFAULT_NONE
                                                                        : s->default_kind,
                                   s->kind == SCHEMA_ALTER_DROP_DEFAULT ? NULL : s->default_text,
                                   true, &late, err);
                if (rc)
                    goto done;
                break;
            }
    }
    // Defaults changed on columns that do not exist (or were dropped/changed).
    for (size_t i = 0; i < n_specs; i++)
        if (!skip[i] && !used[i] &&
            (specs[i].kind == SCHEMA_ALTER_SET_DEFAULT ||
             specs[i].kind == SCHEMA_ALTER_DROP_DEFAULT)) {
            rc = fail(err, SCHEMA_ERR_UNKNOWN_COLUMN, "Unknown column '%s' in '%s'",
                      specs[i].name, t->name);
            goto done;
        }
    if (nl.n == 0) {
        rc = fail(err, SCHEMA_ERR_DROP_ALL_COLUMNS,
                  "You can't delete all columns with ALTER TABLE; use DROP TABLE instead");
        goto done;
    }

    // Keys: old keys in order, then new ones.
    keys = calloc(t->n_idx + n_specs + 1, sizeof(*keys));
    if (keys == NULL) {
        rc = nomem(err);
        goto done;
    }
    for (size_t ki = 0; ki < t->n_idx; ki++) {
        const schema_index *ox = &t->idx[ki];
        bool dropped = false;
        for (size_t i = 0; i < n_specs && !dropped; i++)
            if (!skip[i] && !used[i] &&
                (specs[i].kind == SCHEMA_ALTER_DROP_INDEX ||
                 specs[i].kind == SCHEMA_ALTER_DROP_CONSTRAINT) &&
                schema_name_eq(specs[i].name, ox->name)) {
                used[i] = true;
                dropped = true;
            }
        if (dropped) {
            keys_changed = true;
            continue;
        }
        key_work *k = &keys[n_keys];
        memset(k, 0, sizeof(*k));
        k->ix.kind = ox->kind;
        k->ix.name = schema_strdup(ox->name, &oom);
        k->ix.using_type = schema_strdup(ox->using_type, &oom);
        k->ix.comment = schema_strdup(ox->comment, &oom);
        k->ix.parts = calloc(ox->n_parts, sizeof(*k->ix.parts));
        n_keys++;
        if (oom || k->ix.parts == NULL) {
            rc = nomem(err);
            goto done;
        }
        for (size_t i = 0; i < n_specs; i++)
            if (!skip[i] && !used[i] && specs[i].kind == SCHEMA_ALTER_RENAME_INDEX &&
                schema_name_eq(specs[i].name, ox->name)) {
                used[i] = true;
                free(k->ix.name);
                k->ix.name = schema_strdup(specs[i].new_name, &oom);
                if (oom) {
                    rc = nomem(err);
                    goto done;
                }
                break;
            }
        const char *dropped_part = NULL;
        for (size_t p = 0; p < ox->n_parts; p++) {
            const schema_index_part *op = &ox->parts[p];
            const wcol *w = NULL;
            for (size_t j = 0; j < nl.n && w == NULL; j++) {
                const char *match = nl.v[j].old_name ? nl.v[j].old_name : nl.v[j].col.name;
                if (schema_name_eq(match, op->column))
                    w = &nl.v[j];
            }
            if (w == NULL) {
                dropped_part = op->column;
                continue;
            }
            schema_index_part *np = &k->ix.parts[k->ix.n_parts];
            np->column = schema_strdup(w->col.name, &oom);
            np->desc = op->desc;
            np->prefix = op->prefix;
            k->ix.n_parts++;
            if (oom) {
                rc = nomem(err);
                goto done;
            }
            if (np->prefix > 0 && w->old_name != NULL) {
                const schema_column *oc = schema_table_find_column(t, w->old_name, NULL);
                schema_base_type nb = w->col.type.base;
                if (!can_have_prefix(nb) || (oc != NULL && !can_have_prefix(oc->type.base)) ||
                    (is_sized_string(nb) && w->col.type.length < np->prefix))
                    np->prefix = 0;
            }
        }
        if (dropped_part != NULL && k->ix.n_parts > 0 && is_unique_kind(k->ix.kind)) {
            rc = fail(err, SCHEMA_ERR_KEY_COLUMN, "Key column '%s' doesn't exist in table",
                      dropped_part);
            goto done;
        }
        if (k->ix.n_parts == 0) {
            schema_index_fini(&k->ix);
            n_keys--;
            keys_changed = true;
        }
    }
    // Checks: drop by name, then add.
    for (size_t ci = 0; ci < t->n_checks; ci++) {
        bool dropped = false;
        for (size_t i = 0; i < n_specs && !dropped; i++)
            if (!skip[i] && !used[i] && specs[i].kind == SCHEMA_ALTER_DROP_CONSTRAINT &&
                strcasecmp(specs[i].name, t->checks[ci].name) == 0) {
                used[i] = true;
                dropped = true;
            }
        if (dropped)
            continue;
        // Column references follow renames; a check on a dropped column is dropped with it.
        dm_buf ex;
        char name[256];
        const char *p = t->checks[ci].expr, *a, *b, *from = p;
        bool gone = false;
        dm_buf_init(&ex);
        while (!gone && next_ident(&p, name, sizeof(name), &a, &b)) {
            const wcol *w = NULL;
            for (size_t j = 0; j < nl.n && w == NULL; j++)
                if (nl.v[j].old_name != NULL && schema_name_eq(nl.v[j].old_name, name))
                    w = &nl.v[j];
            if (w == NULL) {
                gone = true;
                break;
            }
            if (dm_buf_append(&ex, from, (size_t)(a - from)) || schema_quote_ident(&ex, w->col.name))
                oom = true;
            from = b;
        }
        if (!gone && dm_buf_puts(&ex, from))
            oom = true;
        schema_check k = {0};
        if (!gone && !oom) {
            k.name = schema_strdup(t->checks[ci].name, &oom);
            k.expr = dm_buf_detach(&ex);
            if (k.expr == NULL)
                oom = true;
        }
        dm_buf_fini(&ex);
        if (oom || (!gone && schema_table_push_check(nt, &k) != 0)) {
            schema_check_fini(&k);
            rc = nomem(err);
            goto done;
        }
    }
    for (size_t i = 0; i < n_specs; i++) {
        const schema_alter_spec *s = &specs[i];
        if (skip[i] || used[i])
            continue;
        if (s->kind == SCHEMA_ALTER_DROP_COLUMN || s->kind == SCHEMA_ALTER_DROP_INDEX ||
            s->kind == SCHEMA_ALTER_DROP_CONSTRAINT) {
            rc = fail(err, SCHEMA_ERR_CANT_DROP, "Can't DROP %s `%s`; check that it exists",
                      drop_kind_name(s->kind), s->name);
            goto done;
        }
    }
    for (size_t i = 0; i < n_specs; i++)
        if (!skip[i] && !used[i] && specs[i].kind == SCHEMA_ALTER_RENAME_INDEX) {
            rc = fail(err, SCHEMA_ERR_UNKNOWN_KEY, "Key '%s' doesn't exist in table '%s'",
                      specs[i].name, t->name);
            goto done;
        }
    // Duplicate names are found when the new table is prepared, after the drops.
    for (size_t i = 0; i < nl.n; i++)
        for (size_t j = 0; j < i; j++)
            if (schema_name_eq(nl.v[i].col.name, nl.v[j].col.name)) {
                rc = fail(err, SCHEMA_ERR_DUP_COLUMN, "Duplicate column name '%s'",
                          nl.v[i].col.name);
                goto done;
            }
    for (size_t i = 0; i < n_specs; i++) {
        const schema_alter_spec *s = &specs[i];
        if (skip[i] || s->kind != SCHEMA_ALTER_ADD_INDEX)
            continue;
        if (new_key_from_def(&keys[n_keys], &s->index)) {
            rc = nomem(err);
            goto done;
        }
        n_keys++;
        keys_changed = true;
    }
    if (t->n_idx > 0) {
        const schema_index *f = &t->idx[0];
        bool ok = f->kind == SCHEMA_INDEX_PRIMARY || f->kind == SCHEMA_INDEX_UNIQUE;
        for (size_t p = 0; ok && f->kind == SCHEMA_INDEX_UNIQUE && p < f->n_parts; p++) {
            const schema_column *c = schema_table_find_column(t, f->parts[p].column, NULL);
            ok = c != NULL && c->not_null && f->parts[p].prefix == 0 &&
                 !(f->using_type && strcmp(f->using_type, "HASH") == 0);
        }
        old_first_primary = ok;
    }
    // Repeated names are reported before any expression is looked at.
    for (size_t i = 0; i < n_specs; i++)
        if (!skip[i] && specs[i].kind == SCHEMA_ALTER_ADD_CHECK &&
            (rc = add_check(nt, &specs[i].check, err)) != 0)
            goto done;
    for (size_t i = 0; i < n_specs; i++) {
        const schema_alter_spec *s = &specs[i];
        if (s->kind == SCHEMA_ALTER_RENAME_TABLE && s->new_name != NULL) {
            char *nm = schema_strdup(s->new_name, &oom);
            if (oom) {
                rc = nomem(err);
                goto done;
            }
            free(nt->name);
            nt->name = nm;
        } else if (s->kind == SCHEMA_ALTER_PARTITION) {
            char *p = schema_strdup(s->partition, &oom);
            if (oom) {
                rc = nomem(err);
                goto done;
            }
            free(nt->opt.partition);
            nt->opt.partition = p;
        }
    }
    // Move the columns into the new table.
    for (size_t i = 0; i < nl.n; i++) {
        if (conv_cs != NULL &&
            (rc = convert_column(&nl.v[i].col, conv_cs, conv_coll_buf, err)) != 0)
            goto done;
        if (schema_table_push_column(nt, &nl.v[i].col)) {
            rc = nomem(err);
            goto done;
        }
    }
    nl.n = 0;
    if ((rc = check_visible(nt, err)) != 0 ||
        (rc = finish_keys(nt, keys, n_keys, keys_changed ? -1 : old_first_primary, err)) != 0 ||
        (rc = check_added_refs(nt, specs, n_specs, skip, err)) != 0 ||
        (rc = check_invisible_defaults(nt, err)) != 0 || (rc = late_result(&late, err)) != 0)
        goto done;
    // Swap the new table's parts into t.
    {
        schema_table tmp = *t;
        *t = *nt;
        *nt = tmp;
    }
done:
    free(conv_cs_buf);
    free(conv_coll_buf);
    free_keys(keys, n_keys);
    wlist_free(&nl);
    schema_table_destroy(nt);
    free(skip);
    free(used);
    return rc;
}

// ---------------------------------------------------------------------------------------
// Printing (SHOW CREATE TABLE)

static int print_type(dm_buf *b, const schema_column *c)
{
    const schema_type *ty = &c->type;
    const char *name = schema_type_name(ty->base);
    int rc = 0;
    switch (ty->base) {
    case SCHEMA_TYPE_TINYINT: case SCHEMA_TYPE_SMALLINT: case SCHEMA_TYPE_MEDIUMINT:
    case SCHEMA_TYPE_INT: case SCHEMA_TYPE_BIGINT: case SCHEMA_TYPE_BIT:
    case SCHEMA_TYPE_CHAR: case SCHEMA_TYPE_VARCHAR: case SCHEMA_TYPE_BINARY:
    case SCHEMA_TYPE_VARBINARY: case SCHEMA_TYPE_YEAR:
        rc = dm_buf_printf(b, "%s(%" PRId64 ")", name, ty->length);
        break;
    case SCHEMA_TYPE_DECIMAL:
        rc = dm_buf_printf(b, "%s(%" PRId64 ",%d)", name, ty->length, ty->scale);
        break;
    case SCHEMA_TYPE_FLOAT: case SCHEMA_TYPE_DOUBLE:
        if (ty->length >= 0 && ty->scale >= 0)
            rc = dm_buf_printf(b, "%s(%" PRId64 ",%d)", name, ty->length, ty->scale);
        else
            rc = dm_buf_puts(b, name);
        break;
    case SCHEMA_TYPE_TIME: case SCHEMA_TYPE_DATETIME: case SCHEMA_TYPE_TIMESTAMP:
        if (ty->length > 0)
            rc = dm_buf_printf(b, "%s(%" PRId64 ")", name, ty->length);
        else
            rc = dm_buf_puts(b, name);
        break;
    case SCHEMA_TYPE_ENUM: case SCHEMA_TYPE_SET:
        rc = dm_buf_printf(b, "%s(", name);
        for (size_t i = 0; i < ty->n_elems && rc == 0; i++) {
            if (i > 0)
                rc = dm_buf_putc(b, ',');
            if (rc == 0)
                rc = schema_quote_string(b, ty->elems[i]);
        }
        if (rc == 0)
            rc = dm_buf_putc(b, ')');
        break;
    default:
        rc = dm_buf_puts(b, name);
        break;
    }
    if (rc == 0 && schema_type_is_numeric(ty->base) && ty->base != SCHEMA_TYPE_BIT) {
        if (ty->is_unsigned)
            rc = dm_buf_puts(b, " unsigned");
        if (rc == 0 && ty->zerofill)
            rc = dm_buf_puts(b, " zerofill");
    }
    return rc ? DM_ERR_NOMEM : 0;
}

static int print_column(dm_buf *b, const schema_column *c, const schema_table *t)
{
    if (dm_buf_puts(b, "  ") || schema_quote_ident(b, c->name) || dm_buf_putc(b, ' ') ||
        print_type(b, c))
        return DM_ERR_NOMEM;
    if (schema_type_is_string(c->type.base) && c->type.collation != NULL &&
        !str_eq(c->type.collation, t->opt.collation))
        if (dm_buf_printf(b, " CHARACTER SET %s COLLATE %s", c->type.charset, c->type.collation))
            return DM_ERR_NOMEM;
    if (c->generated_expr != NULL) {
        if (dm_buf_printf(b, " GENERATED ALWAYS AS (%s) %s", c->generated_expr,
                          c->generated_stored ? "STORED" : "VIRTUAL"))
            return DM_ERR_NOMEM;
        if (c->invisible && dm_buf_puts(b, " INVISIBLE"))
            return DM_ERR_NOMEM;
    } else {
        if (c->not_null ? dm_buf_puts(b, " NOT NULL")
                        : (c->type.base == SCHEMA_TYPE_TIMESTAMP && dm_buf_puts(b, " NULL")))
            return DM_ERR_NOMEM;
        if (c->invisible && dm_buf_puts(b, " INVISIBLE"))
            return DM_ERR_NOMEM;
        if (!c->auto_increment) {
            if (c->default_kind == SCHEMA_DEFAULT_LITERAL || c->default_kind == SCHEMA_DEFAULT_EXPR) {
                if (dm_buf_printf(b, " DEFAULT %s", c->default_text))
                    return DM_ERR_NOMEM;
            } else if (!c->not_null && !c->no_default && dm_buf_puts(b, " DEFAULT NULL")) {
                return DM_ERR_NOMEM;
            }
        }
        if (c->on_update != NULL && dm_buf_printf(b, " ON UPDATE %s", c->on_update))
            return DM_ERR_NOMEM;
    }
    if (c->auto_increment && dm_buf_puts(b, " AUTO_INCREMENT"))
        return DM_ERR_NOMEM;
    if (c->comment != NULL && (dm_buf_puts(b, " COMMENT ") || schema_quote_string(b, c->comment)))
        return DM_ERR_NOMEM;
    if (c->check != NULL && dm_buf_printf(b, " CHECK (%s)", c->check))
        return DM_ERR_NOMEM;
    return 0;
}

static int print_index(dm_buf *b, const schema_index *x)
{
    static const char *heads[] = {"PRIMARY KEY", "UNIQUE KEY", "KEY", "FULLTEXT KEY",
                                  "SPATIAL KEY"};
    if (dm_buf_printf(b, "  %s ", heads[x->kind]))
        return DM_ERR_NOMEM;
    if (x->kind != SCHEMA_INDEX_PRIMARY && (schema_quote_ident(b, x->name) || dm_buf_putc(b, ' ')))
        return DM_ERR_NOMEM;
    if (dm_buf_putc(b, '('))
        return DM_ERR_NOMEM;
    for (size_t i = 0; i < x->n_parts; i++) {
        if ((i > 0 && dm_buf_putc(b, ',')) || schema_quote_ident(b, x->parts[i].column))
            return DM_ERR_NOMEM;
        if (x->parts[i].prefix > 0 && dm_buf_printf(b, "(%" PRId64 ")", x->parts[i].prefix))
            return DM_ERR_NOMEM;
        if (x->parts[i].desc && dm_buf_puts(b, " DESC"))
            return DM_ERR_NOMEM;
    }
    if (dm_buf_putc(b, ')'))
        return DM_ERR_NOMEM;
    if (x->using_type != NULL && dm_buf_printf(b, " USING %s", x->using_type))
        return DM_ERR_NOMEM;
    if (x->comment != NULL && (dm_buf_puts(b, " COMMENT ") || schema_quote_string(b, x->comment)))
        return DM_ERR_NOMEM;
    return 0;
}

int schema_table_print(dm_buf *b, const schema_table *t, dm_err *err)
{
    const schema_table_options *o = &t->opt;
    if (dm_buf_puts(b, "CREATE TABLE ") || schema_quote_ident(b, t->name) || dm_buf_puts(b, " (\n"))
        return nomem(err);
    bool first = true;
    for (size_t i = 0; i < t->n_cols; i++) {
        if ((!first && dm_buf_puts(b, ",\n")) || print_column(b, &t->cols[i], t))
            return nomem(err);
        first = false;
    }
    for (size_t i = 0; i < t->n_idx; i++) {
        if (dm_buf_puts(b, ",\n") || print_index(b, &t->idx[i]))
            return nomem(err);
    }
    for (size_t i = 0; i < t->n_checks; i++) {
        if (dm_buf_puts(b, ",\n  CONSTRAINT ") || schema_quote_ident(b, t->checks[i].name) ||
            dm_buf_printf(b, " CHECK (%s)", t->checks[i].expr))
            return nomem(err);
    }
    if (dm_buf_printf(b, "\n) ENGINE=%s", o->engine ? o->engine : "InnoDB"))
        return nomem(err);
    if (o->auto_increment > 1 && dm_buf_printf(b, " AUTO_INCREMENT=%" PRIu64, o->auto_increment))
        return nomem(err);
    if (o->charset != NULL && dm_buf_printf(b, " DEFAULT CHARSET=%s", o->charset))
        return nomem(err);
    if (o->collation != NULL && dm_buf_printf(b, " COLLATE=%s", o->collation))
        return nomem(err);
    size_t row_rank = option_rank("ROW_FORMAT");
    bool row_done = false;
    for (size_t i = 0; i <= o->n_other; i++) {
        if (!row_done && (i == o->n_other || option_rank(o->other[i].key) > row_rank)) {
            row_done = true;
            if (o->row_format != NULL && dm_buf_printf(b, " ROW_FORMAT=%s", o->row_format))
                return nomem(err);
        }
        if (i < o->n_other &&
            dm_buf_printf(b, " %s=%s", o->other[i].key, o->other[i].value))
            return nomem(err);
    }
    if (o->comment != NULL && (dm_buf_puts(b, " COMMENT=") || schema_quote_string(b, o->comment)))
        return nomem(err);
    if (o->partition != NULL && dm_buf_printf(b, "\n %s", o->partition))
        return nomem(err);
    return 0;
}

// ---------------------------------------------------------------------------------------
// Accessors

const char *schema_table_name(const schema_table *t) { return t->name; }
size_t schema_table_column_count(const schema_table *t) { return t->n_cols; }
const schema_column *schema_table_column(const schema_table *t, size_t i)
{
    return i < t->n_cols ? &t->cols[i] : NULL;
}
size_t schema_table_index_count(const schema_table *t) { return t->n_idx; }
const schema_index *schema_table_index(const schema_table *t, size_t i)
{
    return i < t->n_idx ? &t->idx[i] : NULL;
}
size_t schema_table_check_count(const schema_table *t) { return t->n_checks; }
const schema_check *schema_table_check(const schema_table *t, size_t i)
{
    return i < t->n_checks ? &t->checks[i] : NULL;
}
const schema_table_options *schema_table_get_options(const schema_table *t) { return &t->opt; }

const schema_column *schema_table_find_column(const schema_table *t, const char *name,
                                              size_t *pos)
{
    for (size_t i = 0; i < t->n_cols; i++)
        if (schema_name_eq(t->cols[i].name, name)) {
            if (pos != NULL)
                *pos = i;
            return &t->cols[i];
        }
    return NULL;
}

const schema_index *schema_table_find_index(const schema_table *t, const char *name)
{
    for (size_t i = 0; i < t->n_idx; i++)
        if (schema_name_eq(t->idx[i].name, name))
            return &t->idx[i];
    return NULL;
}

const schema_index *schema_table_handle_key(const schema_table *t)
{
    for (size_t i = 0; i < t->n_idx; i++)
        if (t->idx[i].kind == SCHEMA_INDEX_PRIMARY)
            return &t->idx[i];
    for (size_t i = 0; i < t->n_idx; i++) {
        const schema_index *x = &t->idx[i];
        if (x->kind != SCHEMA_INDEX_UNIQUE)
            continue;
        bool ok = true;
        for (size_t p = 0; p < x->n_parts && ok; p++) {
            const schema_column *c = schema_table_find_column(t, x->parts[p].column, NULL);
            ok = c != NULL && c->not_null && x->parts[p].prefix == 0;
        }
        if (ok)
            return x;
    }
    return NULL;
}

void schema_column_binlog_info(schema_binlog_info *out, const schema_column *c)
{
    const schema_type *ty = &c->type;
    memset(out, 0, sizeof(*out));
    out->is_unsigned = ty->is_unsigned;
    out->mbmaxlen = 1;
    switch (ty->base) {
    case SCHEMA_TYPE_TINYINT: out->field_type = 1; break;
    case SCHEMA_TYPE_SMALLINT: out->field_type = 2; break;
    case SCHEMA_TYPE_MEDIUMINT: out->field_type = 9; break;
    case SCHEMA_TYPE_INT: out->field_type = 3; break;
    case SCHEMA_TYPE_BIGINT: out->field_type = 8; break;
    case SCHEMA_TYPE_DECIMAL: out->field_type = 246; break;
    case SCHEMA_TYPE_FLOAT: out->field_type = 4; break;
    case SCHEMA_TYPE_DOUBLE: out->field_type = 5; break;
    case SCHEMA_TYPE_BIT: out->field_type = 16; break;
    case SCHEMA_TYPE_DATE: out->field_type = 10; break;
    case SCHEMA_TYPE_TIME: out->field_type = 19; break;     // TIME2
    case SCHEMA_TYPE_DATETIME: out->field_type = 18; break; // DATETIME2
    case SCHEMA_TYPE_TIMESTAMP: out->field_type = 17; break; // TIMESTAMP2
    case SCHEMA_TYPE_YEAR: out->field_type = 13; break;
    case SCHEMA_TYPE_CHAR: case SCHEMA_TYPE_BINARY: case SCHEMA_TYPE_ENUM: case SCHEMA_TYPE_SET:
    case SCHEMA_TYPE_INET4: case SCHEMA_TYPE_INET6: case SCHEMA_TYPE_UUID:
        out->field_type = 254;
        break;
    case SCHEMA_TYPE_VARCHAR: case SCHEMA_TYPE_VARBINARY: out->field_type = 15; break;
    default:
        if (schema_type_is_blob(ty->base))
            out->field_type = 252;
        else
            out->field_type = 255; // GEOMETRY
        break;
    }
    if (schema_type_is_string(ty->base)) {
        out->mbmaxlen = schema_charset_mbmaxlen(ty->charset);
    }
    if (is_sized_string(ty->base))
        out->max_bytes = ty->length * out->mbmaxlen;
    else if (schema_type_is_blob(ty->base))
        out->max_bytes = (int64_t)blob_cap(blob_level(ty->base));
    else if (ty->base == SCHEMA_TYPE_INET4)
        out->max_bytes = 4;
    else if (ty->base == SCHEMA_TYPE_INET6 || ty->base == SCHEMA_TYPE_UUID)
        out->max_bytes = 16;
}
