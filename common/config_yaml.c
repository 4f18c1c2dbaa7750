// DESIGN: the YAML-with-positions reader under the config loaders.
//
// libyaml loads the whole document into a node array (yaml_parser_load); every node keeps its
// start mark, so any key or value can be reported at its line and column. Aliases become
// shared node indexes, which can form cycles (`&a [*a]`) or exponential trees. The decoders
// only descend along the known schema, so cycles cannot recurse; every visited node is
// charged against a budget so exponential trees stop early. A scanner pre-pass refuses the
// inputs libyaml itself handles in quadratic time (deep flow nesting, many anchors).
//
// Scalars are typed the way gopkg.in/yaml.v2 types them for DM: a string field accepts any
// scalar (`port: 3306` into a string is fine), an integer or boolean field accepts only a
// plain (unquoted) scalar of that type, and null leaves the default in place.
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_int.h"
#include "dm_buf.h"

// ---------------------------------------------------------------------------------------
// Diagnostics.

void config_diag_init(config_diag *d)
{
    memset(d, 0, sizeof(*d));
}

static void entry_fini(config_diag_entry *e)
{
    free(e->file);
    free(e->key);
    free(e->message);
}

void config_diag_fini(config_diag *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->n_errors; i++)
        entry_fini(&d->errors[i]);
    for (size_t i = 0; i < d->n_warnings; i++)
        entry_fini(&d->warnings[i]);
    free(d->errors);
    free(d->warnings);
    memset(d, 0, sizeof(*d));
}

static int diag_vadd(config_diag *d, int code, const char *file, config_pos pos, const char *key,
                     const char *fmt, va_list ap)
{
    bool warning = code >= CONFIG_WARN_FIRST && code <= CONFIG_WARN_LAST;
    config_diag_entry **arr = warning ? &d->warnings : &d->errors;
    size_t *n = warning ? &d->n_warnings : &d->n_errors;
    size_t *cap = warning ? &d->cap_warnings : &d->cap_errors;
    config_diag_entry e;
    dm_buf msg;
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        config_diag_entry *na = realloc(*arr, ncap * sizeof(*na));
        if (na == NULL)
            return DM_ERR_NOMEM;
        *arr = na;
        *cap = ncap;
    }
    dm_buf_init(&msg);
    if (dm_buf_vprintf(&msg, fmt, ap) != 0) {
        dm_buf_fini(&msg);
        return DM_ERR_NOMEM;
    }
    e.code = code;
    e.line = pos.line;
    e.col = pos.col;
    e.file = strdup(file ? file : "");
    e.key = strdup(key ? key : "");
    e.message = dm_buf_detach(&msg);
    if (e.file == NULL || e.key == NULL || e.message == NULL) {
        entry_fini(&e);
        return DM_ERR_NOMEM;
    }
    (*arr)[(*n)++] = e;
    return 0;
}

int config_diag_add(config_diag *d, int code, const char *file, config_pos pos, const char *key,
                    const char *fmt, ...)
{
    va_list ap;
    int rc;
    if (d == NULL)
        return 0;
    va_start(ap, fmt);
    rc = diag_vadd(d, code, file, pos, key, fmt, ap);
    va_end(ap);
    return rc;
}

char *config_diag_entry_format(char *out, size_t size, const config_diag_entry *e, bool warning)
{
    const char *kind = warning ? "warning: " : "";
    if (size == 0)
        return out;
    if (e->key[0] != '\0')
        snprintf(out, size, "%s:%d:%d: %s%s: %s", e->file, e->line, e->col, kind, e->key,
                 e->message);
    else
        snprintf(out, size, "%s:%d:%d: %s%s", e->file, e->line, e->col, kind, e->message);
    return out;
}

json_t *config_diag_to_json(const config_diag *d, bool errors)
{
    const config_diag_entry *arr = errors ? d->errors : d->warnings;
    size_t n = errors ? d->n_errors : d->n_warnings;
    json_t *a = json_array();
    if (a == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:i,s:s,s:i,s:i,s:s,s:s}", "code", arr[i].code, "file", arr[i].file,
                              "line", arr[i].line, "col", arr[i].col, "key", arr[i].key, "message",
                              arr[i].message);
        if (o == NULL || json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

config_pos cw_pos(const yaml_node_t *n)
{
    config_pos p = {0, 0};
    if (n != NULL) {
        p.line = (int)n->start_mark.line + 1;
        p.col = (int)n->start_mark.column + 1;
    }
    return p;
}

static void cw_vdiag(cw *w, int code, config_pos pos, const char *key, const char *fmt, va_list ap)
{
    if (diag_vadd(w->diag, code, w->file, pos, key, fmt, ap) != 0)
        w->nomem = true;
}

void cw_error(cw *w, int code, const yaml_node_t *n, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cw_vdiag(w, code, cw_pos(n), key, fmt, ap);
    va_end(ap);
}

void cw_error_at(cw *w, int code, config_pos pos, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cw_vdiag(w, code, pos, key, fmt, ap);
    va_end(ap);
}

void cw_warn(cw *w, int code, const yaml_node_t *n, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cw_vdiag(w, code, cw_pos(n), key, fmt, ap);
    va_end(ap);
}

void cw_warn_at(cw *w, int code, config_pos pos, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cw_vdiag(w, code, pos, key, fmt, ap);
    va_end(ap);
}

size_t cw_error_count(const cw *w)
{
    return w->diag->n_errors;
}

// ---------------------------------------------------------------------------------------
// Document.

// prescan runs libyaml's scanner alone over the text to refuse what would make the loader
// slow: libyaml's scanner is quadratic in the depth of flow collections (`[[[[...`) and its
// loader in anchors times aliases. Stopping at a bound keeps the scan itself linear. Syntax
// errors are left to the loader, which reports them with their position.
static int prescan(cw *w, const char *text, size_t len)
{
    yaml_parser_t p;
    yaml_token_t tok;
    int depth = 0, rc = 0;
    size_t anchors = 0, aliases = 0;
    if (!yaml_parser_initialize(&p)) {
        w->nomem = true;
        return DM_ERR_NOMEM;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    while (rc == 0 && yaml_parser_scan(&p, &tok)) {
        yaml_token_type_t type = tok.type;
        config_pos pos = {(int)tok.start_mark.line + 1, (int)tok.start_mark.column + 1};
        if (type == YAML_FLOW_SEQUENCE_START_TOKEN || type == YAML_FLOW_MAPPING_START_TOKEN) {
            if (++depth > CW_MAX_DEPTH) {
                cw_error_at(w, CONFIG_ERR_TOO_LARGE, pos, "",
                            "flow collections nested more than %d deep", CW_MAX_DEPTH);
                rc = CONFIG_ERR_TOO_LARGE;
            }
        } else if (type == YAML_FLOW_SEQUENCE_END_TOKEN || type == YAML_FLOW_MAPPING_END_TOKEN) {
            depth--;
        } else if ((type == YAML_ANCHOR_TOKEN && ++anchors > CW_MAX_ANCHORS) ||
                   (type == YAML_ALIAS_TOKEN && ++aliases > CW_MAX_ANCHORS)) {
            cw_error_at(w, CONFIG_ERR_TOO_LARGE, pos, "", "more than %d anchors or aliases",
                        CW_MAX_ANCHORS);
            rc = CONFIG_ERR_TOO_LARGE;
        }
        yaml_token_delete(&tok);
        if (type == YAML_STREAM_END_TOKEN)
            break;
    }
    if (p.error == YAML_MEMORY_ERROR) {
        w->nomem = true;
        rc = DM_ERR_NOMEM;
    }
    yaml_parser_delete(&p);
    return rc;
}

int cw_open(cw *w, const char *text, size_t len, const char *file, const config_load_opts *opts,
            config_diag *diag)
{
    yaml_parser_t parser;
    int rc = 0;
    memset(w, 0, sizeof(*w));
    config_diag_init(&w->own_diag);
    w->diag = diag ? diag : &w->own_diag;
    w->file = file ? file : "<string>";
    w->budget = CW_NODE_BUDGET;
    w->key_path = opts ? opts->secret_key_path : NULL;
    if (len > CONFIG_MAX_INPUT) {
        config_pos p = {0, 0};
        cw_error_at(w, CONFIG_ERR_TOO_LARGE, p, "", "file is %zu bytes, more than the %u allowed",
                    len, CONFIG_MAX_INPUT);
        return CONFIG_ERR_TOO_LARGE;
    }
    if ((rc = prescan(w, text, len)) != 0)
        return rc;
    if (!yaml_parser_initialize(&parser)) {
        w->nomem = true;
        return DM_ERR_NOMEM;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &w->doc)) {
        config_pos p = {(int)parser.problem_mark.line + 1, (int)parser.problem_mark.column + 1};
        if (parser.error == YAML_MEMORY_ERROR) {
            w->nomem = true;
            rc = DM_ERR_NOMEM;
        } else {
            cw_error_at(w, CONFIG_ERR_YAML, p, "", "YAML syntax error: %s%s%s",
                        parser.problem ? parser.problem : "cannot parse",
                        parser.context ? " " : "", parser.context ? parser.context : "");
            rc = CONFIG_ERR_YAML;
        }
        goto done;
    }
    w->loaded = true;
done:
    yaml_parser_delete(&parser);
    return rc;
}

void cw_close(cw *w)
{
    if (w->loaded)
        yaml_document_delete(&w->doc);
    w->loaded = false;
    secret_key_wipe(&w->key);
    config_diag_fini(&w->own_diag);
}

yaml_node_t *cw_root(cw *w)
{
    return w->loaded ? yaml_document_get_root_node(&w->doc) : NULL;
}

bool cw_spend(cw *w, const yaml_node_t *n, int depth)
{
    if (w->budget == 0)
        return false;
    if (depth > CW_MAX_DEPTH || --w->budget == 0) {
        w->budget = 0;
        cw_error(w, CONFIG_ERR_TOO_LARGE, n, "",
                 "document nested too deep or too large to walk (aliases?)");
        return false;
    }
    return true;
}

bool cw_is_null(const yaml_node_t *n)
{
    const char *v;
    if (n == NULL)
        return true;
    if (n->type != YAML_SCALAR_NODE)
        return false;
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return n->data.scalar.length == 0 && n->tag && strcmp((char *)n->tag, YAML_NULL_TAG) == 0;
    v = (const char *)n->data.scalar.value;
    return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
           strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

const char *cw_scalar(const yaml_node_t *n)
{
    if (n == NULL || n->type != YAML_SCALAR_NODE)
        return NULL;
    return (const char *)n->data.scalar.value;
}

const char *cw_kind_name(const yaml_node_t *n)
{
    if (n == NULL)
        return "nothing";
    switch (n->type) {
    case YAML_MAPPING_NODE:
        return "a mapping";
    case YAML_SEQUENCE_NODE:
        return "a list";
    default:
        return "a scalar";
    }
}

void cw_keypath(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, size, fmt, ap);
    va_end(ap);
}

char *cw_strdup(cw *w, const char *s)
{
    char *d = strdup(s ? s : "");
    if (d == NULL)
        w->nomem = true;
    return d;
}

void *cw_grow(cw *w, void *arr, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;
    void *na;
    if (need <= *cap)
        return arr;
    ncap = *cap ? *cap : 4;
    while (ncap < need)
        ncap *= 2;
    na = realloc(arr, ncap * elem);
    if (na == NULL) {
        w->nomem = true;
        return NULL;
    }
    memset((char *)na + *cap * elem, 0, (ncap - *cap) * elem);
    *cap = ncap;
    return na;
}

// ---------------------------------------------------------------------------------------
// Mappings.

static int pair_name_cmp(const void *a, const void *b)
{
    const cw_pair *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c != 0)
        return c;
    // Keep file order among equal names so the second occurrence is the one reported.
    return (x->key->start_mark.index > y->key->start_mark.index) -
           (x->key->start_mark.index < y->key->start_mark.index);
}

static bool pairs_have(const cw_pair *p, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].name, name) == 0)
            return true;
    return false;
}

static int add_pair(cw *w, cw_pair **arr, size_t *n, size_t *cap, yaml_node_t *k, yaml_node_t *v)
{
    cw_pair *na = cw_grow(w, *arr, cap, *n + 1, sizeof(**arr));
    if (na == NULL)
        return -1;
    *arr = na;
    na[*n].key = k;
    na[*n].val = v;
    na[*n].name = (const char *)k->data.scalar.value;
    (*n)++;
    return 0;
}

// merge_into appends the pairs of mapping m (a `<<` value) whose keys are not yet present.
static int merge_into(cw *w, yaml_node_t *m, const char *path, cw_pair **arr, size_t *n,
                      size_t *cap)
{
    if (m->type != YAML_MAPPING_NODE) {
        cw_error(w, CONFIG_ERR_TYPE, m, path, "merge key `<<` needs a mapping, got %s",
                 cw_kind_name(m));
        return -1;
    }
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&w->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(&w->doc, p->value);
        if (!cw_spend(w, k, 1) || k == NULL || v == NULL || k->type != YAML_SCALAR_NODE)
            continue;
        if (pairs_have(*arr, *n, (const char *)k->data.scalar.value))
            continue;
        if (add_pair(w, arr, n, cap, k, v) != 0)
            return -1;
    }
    return 0;
}

int cw_map_pairs(cw *w, yaml_node_t *n, const char *path, cw_pair **out, size_t *n_out)
{
    cw_pair *arr = NULL, *sorted = NULL;
    size_t cnt = 0, cap = 0;
    yaml_node_t *merges[16];
    size_t n_merges = 0;
    *out = NULL;
    *n_out = 0;
    if (cw_is_null(n))
        return 0;
    if (n->type != YAML_MAPPING_NODE) {
        cw_error(w, CONFIG_ERR_TYPE, n, path, "expected a mapping, got %s", cw_kind_name(n));
        return -1;
    }
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&w->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(&w->doc, p->value);
        if (k == NULL || v == NULL)
            continue;
        if (!cw_spend(w, k, 1))
            break;
        if (k->type != YAML_SCALAR_NODE) {
            cw_error(w, CONFIG_ERR_TYPE, k, path, "a key must be a scalar, got %s", cw_kind_name(k));
            continue;
        }
        if (k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
            strcmp((const char *)k->data.scalar.value, "<<") == 0) {
            if (n_merges < sizeof(merges) / sizeof(merges[0]))
                merges[n_merges++] = v;
            else
                cw_error(w, CONFIG_ERR_TOO_LARGE, k, path, "too many merge keys");
            continue;
        }
        if (add_pair(w, &arr, &cnt, &cap, k, v) != 0)
            goto fail;
    }
    // Duplicate keys: yaml.v2 (DM) rejects them; sort a copy to find them in O(n log n).
    if (cnt > 1) {
        sorted = malloc(cnt * sizeof(*sorted));
        if (sorted == NULL) {
            w->nomem = true;
            goto fail;
        }
        memcpy(sorted, arr, cnt * sizeof(*sorted));
        qsort(sorted, cnt, sizeof(*sorted), pair_name_cmp);
        for (size_t i = 1, ns = cnt; i < ns; i++) {
            if (strcmp(sorted[i].name, sorted[i - 1].name) == 0) {
                char key[512];
                config_pos first = cw_pos(sorted[i - 1].key);
                cw_keypath(key, sizeof(key), "%s%s%s", path, path[0] ? "." : "", sorted[i].name);
                cw_error(w, CONFIG_ERR_DUP_KEY, sorted[i].key, key,
                         "key repeated in one mapping (first at line %d)", first.line);
                // Only the first occurrence is decoded: decoders then see each key once.
                for (size_t j = 0; j < cnt; j++)
                    if (arr[j].key == sorted[i].key) {
                        memmove(&arr[j], &arr[j + 1], (cnt - j - 1) * sizeof(*arr));
                        cnt--;
                        break;
                    }
            }
        }
        free(sorted);
    }
    for (size_t i = 0; i < n_merges; i++) {
        yaml_node_t *m = merges[i];
        if (m->type == YAML_SEQUENCE_NODE) {
            for (yaml_node_item_t *it = m->data.sequence.items.start;
                 it < m->data.sequence.items.top; it++) {
                yaml_node_t *e = yaml_document_get_node(&w->doc, *it);
                if (e != NULL && cw_spend(w, e, 1))
                    merge_into(w, e, path, &arr, &cnt, &cap);
            }
        } else {
            merge_into(w, m, path, &arr, &cnt, &cap);
        }
    }
    if (w->nomem)
        goto fail;
    *out = arr;
    *n_out = cnt;
    return 0;
fail:
    free(arr);
    return -1;
}

// ---------------------------------------------------------------------------------------
// Scalars.

static bool is_plain(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static bool is_tagged(const yaml_node_t *n, const char *tag)
{
    // libyaml fills default tags; only an explicit tag (like `!!str 5`) differs from them.
    return n->tag != NULL && strcmp((const char *)n->tag, tag) == 0;
}

int cw_str(cw *w, yaml_node_t *n, const char *path, char **dst)
{
    char *s;
    if (cw_is_null(n))
        return 0;
    if (n->type != YAML_SCALAR_NODE) {
        cw_error(w, CONFIG_ERR_TYPE, n, path, "expected a string, got %s", cw_kind_name(n));
        return -1;
    }
    if (memchr(n->data.scalar.value, '\0', n->data.scalar.length) != NULL) {
        cw_error(w, CONFIG_ERR_VALUE, n, path, "value contains a NUL character");
        return -1;
    }
    s = cw_strdup(w, (const char *)n->data.scalar.value);
    if (s == NULL)
        return -1;
    free(*dst);
    *dst = s;
    return 0;
}

// parse_yaml_int parses YAML 1.1 integers as yaml.v2 does: decimal with sign and `_`
// separators, 0x hex, 0o / leading-0 octal, 0b binary.
static int parse_yaml_int(const char *s, int64_t *out)
{
    char buf[96];
    size_t j = 0;
    int base = 10;
    bool neg = false;
    const char *p = s;
    char *end;
    unsigned long long v;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    } else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
        base = 8;
        p += 2;
    } else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
        base = 2;
        p += 2;
    } else if (p[0] == '0' && p[1] != '\0') {
        base = 8;
        p += 1;
    }
    for (; *p; p++) {
        if (*p == '_')
            continue;
        if (j + 1 >= sizeof(buf))
            return -1;
        if (!isxdigit((unsigned char)*p))
            return -1;
        buf[j++] = *p;
    }
    buf[j] = '\0';
    if (j == 0)
        return -1;
    errno = 0;
    v = strtoull(buf, &end, base);
    if (errno != 0 || *end != '\0')
        return -1;
    if (neg) {
        if (v > (unsigned long long)INT64_MAX + 1ULL)
            return -1;
        *out = v == (unsigned long long)INT64_MAX + 1ULL ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (unsigned long long)INT64_MAX)
            return -1;
        *out = (int64_t)v;
    }
    return 0;
}

int cw_i64(cw *w, yaml_node_t *n, const char *path, int64_t *dst, int64_t min, int64_t max)
{
    int64_t v;
    const char *s;
    if (cw_is_null(n))
        return 0;
    s = cw_scalar(n);
    if (s == NULL || (!is_plain(n) && !is_tagged(n, YAML_INT_TAG))) {
        cw_error(w, CONFIG_ERR_TYPE, n, path, "expected an integer, got %s%s%s%s",
                 s ? "the string \"" : cw_kind_name(n), s ? s : "", s ? "\"" : "",
                 s ? " (quoted)" : "");
        return -1;
    }
    if (parse_yaml_int(s, &v) != 0) {
        cw_error(w, CONFIG_ERR_TYPE, n, path, "expected an integer, got \"%s\"", s);
        return -1;
    }
    if (v < min || v > max) {
        cw_error(w, CONFIG_ERR_VALUE, n, path, "%s is out of range [%lld, %lld]", s, (long long)min,
                 (long long)max);
        return -1;
    }
    *dst = v;
    return 0;
}

int cw_int(cw *w, yaml_node_t *n, const char *path, int *dst)
{
    int64_t v = *dst;
    if (cw_i64(w, n, path, &v, INT_MIN, INT_MAX) != 0)
        return -1;
    *dst = (int)v;
    return 0;
}

int cw_bool(cw *w, yaml_node_t *n, const char *path, bool *dst)
{
    static const char *const yes[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
                                      "on", "On", "ON"};
    static const char *const no[] = {"n", "N", "no", "No", "NO", "false", "False", "FALSE",
                                     "off", "Off", "OFF"};
    const char *s;
    if (cw_is_null(n))
        return 0;
    s = cw_scalar(n);
    if (s != NULL && (is_plain(n) || is_tagged(n, YAML_BOOL_TAG))) {
        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
            if (strcmp(s, yes[i]) == 0) {
                *dst = true;
                return 0;
            }
            if (strcmp(s, no[i]) == 0) {
                *dst = false;
                return 0;
            }
        }
    }
    cw_error(w, CONFIG_ERR_TYPE, n, path, "expected a boolean (true/false), got %s%s%s",
             s ? "\"" : cw_kind_name(n), s ? s : "", s ? "\"" : "");
    return -1;
}

int cw_double(cw *w, yaml_node_t *n, const char *path, double *dst)
{
    const char *s;
    char *end;
    double v;
    if (cw_is_null(n))
        return 0;
    s = cw_scalar(n);
    if (s == NULL || !is_plain(n) || s[0] == '\0') {
        cw_error(w, CONFIG_ERR_TYPE, n, path, "expected a number, got %s", cw_kind_name(n));
        return -1;
    }
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v)) {
        cw_error(w, CONFIG_ERR_TYPE, n, path, "expected a number, got \"%s\"", s);
        return -1;
    }
    *dst = v;
    return 0;
}

void config_free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int cw_strv(cw *w, yaml_node_t *n, const char *path, char ***dst, size_t *n_dst)
{
    char **v = NULL;
    size_t cnt = 0, cap = 0;
    int rc = 0;
    if (cw_is_null(n))
        return 0;
    if (n->type != YAML_SEQUENCE_NODE) {
        cw_error(w, CONFIG_ERR_TYPE, n, path, "expected a list of strings, got %s",
                 cw_kind_name(n));
        return -1;
    }
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *e = yaml_document_get_node(&w->doc, *it);
        char ipath[512];
        char *s = NULL;
        if (e == NULL || !cw_spend(w, e, 1)) {
            rc = -1;
            break;
        }
        cw_keypath(ipath, sizeof(ipath), "%s[%zu]", path, (size_t)(it - n->data.sequence.items.start));
        if (cw_is_null(e)) {
            s = cw_strdup(w, "");
        } else if (cw_str(w, e, ipath, &s) != 0) {
            rc = -1;
            continue;
        }
        if (s == NULL) {
            rc = -1;
            break;
        }
        {
            char **nv = cw_grow(w, v, &cap, cnt + 1, sizeof(*v));
            if (nv == NULL) {
                free(s);
                rc = -1;
                break;
            }
            v = nv;
        }
        v[cnt++] = s;
    }
    if (rc != 0) {
        config_free_strv(v, cnt);
        return -1;
    }
    config_free_strv(*dst, *n_dst);
    *dst = v;
    *n_dst = cnt;
    return 0;
}

int config_parse_duration(const char *s, int64_t *out_ms)
{
    // Go's time.ParseDuration: [-+]? (number unit)+ or "0"; units ns us µs ms s m h.
    static const struct {
        const char *u;
        double ns;
    } units[] = {{"ns", 1}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3}, {"ms", 1e6},
                 {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
    double total = 0;
    bool neg = false;
    const char *p = s;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    if (strcmp(p, "0") == 0) {
        *out_ms = 0;
        return 0;
    }
    if (*p == '\0')
        return -1;
    while (*p) {
        const char *start = p;
        double v;
        size_t best = 0, best_len = 0;
        while (isdigit((unsigned char)*p))
            p++;
        if (*p == '.') {
            p++;
            while (isdigit((unsigned char)*p))
                p++;
        }
        if (p == start || (p == start + 1 && *start == '.'))
            return -1;
        v = strtod(start, NULL);
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
            size_t l = strlen(units[i].u);
            if (strncmp(p, units[i].u, l) == 0 && l > best_len) {
                best = i;
                best_len = l;
            }
        }
        if (best_len == 0)
            return -1;
        total += v * units[best].ns;
        p += best_len;
        if (total > 9.2e18)
            return -1;
    }
    *out_ms = (int64_t)(total / 1e6) * (neg ? -1 : 1);
    return 0;
}

void config_format_duration(char *out, size_t size, int64_t ms)
{
    int64_t a = ms < 0 ? -ms : ms;
    const char *sign = ms < 0 ? "-" : "";
    int64_t h = a / 3600000, m = (a / 60000) % 60, s = (a / 1000) % 60, frac = a % 1000;
    char sec[32];
    if (a == 0) {
        snprintf(out, size, "0s");
        return;
    }
    if (a < 1000) {
        snprintf(out, size, "%s%lldms", sign, (long long)a);
        return;
    }
    if (frac != 0) {
        char f[8];
        int k;
        snprintf(f, sizeof(f), "%03lld", (long long)frac);
        for (k = 2; k > 0 && f[k] == '0'; k--)
            f[k] = '\0';
        snprintf(sec, sizeof(sec), "%lld.%ss", (long long)s, f);
    } else {
        snprintf(sec, sizeof(sec), "%llds", (long long)s);
    }
    if (h > 0)
        snprintf(out, size, "%s%lldh%lldm%s", sign, (long long)h, (long long)m, sec);
    else if (m > 0)
        snprintf(out, size, "%s%lldm%s", sign, (long long)m, sec);
    else
        snprintf(out, size, "%s%s", sign, sec);
}

int cw_duration(cw *w, yaml_node_t *n, const char *path, int64_t *dst_ms)
{
    const char *s;
    int64_t v;
    if (cw_is_null(n))
        return 0;
    s = cw_scalar(n);
    if (s == NULL) {
        cw_error(w, CONFIG_ERR_TYPE, n, path, "expected a duration such as \"5m\", got %s",
                 cw_kind_name(n));
        return -1;
    }
    if (config_parse_duration(s, &v) != 0) {
        cw_error(w, CONFIG_ERR_VALUE, n, path,
                 "invalid duration \"%s\" (expected Go syntax such as \"90s\", \"1m30s\", \"5m\")",
                 s);
        return -1;
    }
    *dst_ms = v;
    return 0;
}

int cw_secret(cw *w, yaml_node_t *n, const char *path, char **dst, bool *encrypted)
{
    char *text = NULL, *plain = NULL;
    size_t plain_len = 0;
    dm_err err;
    int rc = 0;
    if (cw_str(w, n, path, &text) != 0)
        return -1;
    if (text == NULL)
        return 0;
    if (!secret_looks_encrypted(text)) {
        free(*dst);
        *dst = text;
        *encrypted = false;
        return 0;
    }
    dm_err_clear(&err);
    if (w->key_state == 0) {
        char def[4096];
        const char *kp = w->key_path;
        if (kp == NULL && secret_key_path_default(def, sizeof(def), &err) == 0)
            kp = def;
        if (kp != NULL && secret_key_load(&w->key, kp, &err) == 0) {
            w->key_state = 1;
        } else {
            w->key_state = -1;
            cw_keypath(w->key_error, sizeof(w->key_error), "%s", err.message);
        }
    }
    if (w->key_state == 1 &&
        secret_decrypt(&plain, &plain_len, &w->key, text, &err) == 0 &&
        memchr(plain, '\0', plain_len) == NULL) {
        free(text);
        free(*dst);
        *dst = plain;
        *encrypted = true;
        return 0;
    }
    // As DM does, a value that cannot be decrypted is a plaintext password; say so, since
    // a lost or wrong key file is the likelier cause.
    cw_warn(w, CONFIG_WARN_PASSWORD, n, path,
            "value looks like a `dmctl encrypt` ciphertext but cannot be decrypted (%s); "
            "using it as a plaintext password",
            w->key_state == 1 ? (plain ? "plaintext holds a NUL byte" : err.message)
                              : w->key_error);
    if (plain != NULL) {
        memset(plain, 0, plain_len);
        free(plain);
    }
    free(*dst);
    *dst = text;
    *encrypted = false;
    return rc;
}

// ---------------------------------------------------------------------------------------
// Field tables.

#define AT(obj, off, type) ((type *)((char *)(obj) + (off)))
#define CAT(obj, off, type) ((const type *)((const char *)(obj) + (off)))

static void warn_status(cw *w, const cfield *f, const yaml_node_t *k, const char *path)
{
    switch (f->status) {
    case CS_UNSUPPORTED:
        cw_warn(w, CONFIG_WARN_UNSUPPORTED, k, path, "not yet supported by this project: %s",
                f->note ? f->note : "accepted and ignored");
        break;
    case CS_DEPRECATED:
        cw_warn(w, CONFIG_WARN_DEPRECATED, k, path, "deprecated in DM: %s",
                f->note ? f->note : "accepted and ignored");
        break;
    case CS_IGNORED:
        cw_warn(w, CONFIG_WARN_IGNORED, k, path, "has no effect: %s",
                f->note ? f->note : "accepted and ignored");
        break;
    default:
        break;
    }
}

static void decode_field(cw *w, const cfield *f, yaml_node_t *v, void *obj, const char *path)
{
    int64_t t;
    switch (f->kind) {
    case CF_STR:
    case CF_URL:
        cw_str(w, v, path, AT(obj, f->off, char *));
        break;
    case CF_INT:
        cw_int(w, v, path, AT(obj, f->off, int));
        break;
    case CF_I64:
        cw_i64(w, v, path, AT(obj, f->off, int64_t), INT64_MIN, INT64_MAX);
        break;
    case CF_U32:
        t = *AT(obj, f->off, uint32_t);
        if (cw_i64(w, v, path, &t, 0, UINT32_MAX) == 0)
            *AT(obj, f->off, uint32_t) = (uint32_t)t;
        break;
    case CF_U64:
        t = (int64_t)*AT(obj, f->off, uint64_t);
        if (cw_i64(w, v, path, &t, 0, INT64_MAX) == 0)
            *AT(obj, f->off, uint64_t) = (uint64_t)t;
        break;
    case CF_BOOL:
        cw_bool(w, v, path, AT(obj, f->off, bool));
        break;
    case CF_DOUBLE:
        cw_double(w, v, path, AT(obj, f->off, double));
        break;
    case CF_STRV:
        cw_strv(w, v, path, AT(obj, f->off, char **), AT(obj, f->off2, size_t));
        break;
    case CF_DUR:
        cw_duration(w, v, path, AT(obj, f->off, int64_t));
        break;
    case CF_SECRET:
        cw_secret(w, v, path, AT(obj, f->off, char *), AT(obj, f->off2, bool));
        break;
    case CF_SUB:
        f->sub(w, v, obj, path);
        break;
    case CF_ANY:
        break;
    }
}

int cw_decode_map(cw *w, yaml_node_t *n, const char *path, const cfield *f, size_t nf, void *obj,
                  config_pos *seen)
{
    cw_pair *pairs;
    size_t np;
    if (seen != NULL)
        memset(seen, 0, nf * sizeof(*seen));
    if (cw_map_pairs(w, n, path, &pairs, &np) != 0)
        return -1;
    for (size_t i = 0; i < np; i++) {
        char kpath[512];
        size_t j;
        cw_keypath(kpath, sizeof(kpath), "%s%s%s", path, path[0] ? "." : "", pairs[i].name);
        for (j = 0; j < nf; j++)
            if (strcmp(f[j].key, pairs[i].name) == 0)
                break;
        if (j == nf) {
            cw_error(w, CONFIG_ERR_UNKNOWN_KEY, pairs[i].key, kpath, "unknown key");
            continue;
        }
        if (seen != NULL)
            seen[j] = cw_pos(pairs[i].key);
        warn_status(w, &f[j], pairs[i].key, kpath);
        if (!cw_spend(w, pairs[i].val, 1))
            break;
        decode_field(w, &f[j], pairs[i].val, obj, kpath);
    }
    free(pairs);
    return 0;
}

const config_pos *cf_seen(const cfield *f, size_t nf, const config_pos *seen, const char *key)
{
    for (size_t i = 0; i < nf; i++)
        if (strcmp(f[i].key, key) == 0)
            return seen[i].line > 0 ? &seen[i] : NULL;
    return NULL;
}

void cf_fini(const cfield *f, size_t nf, void *obj)
{
    for (size_t i = 0; i < nf; i++) {
        switch (f[i].kind) {
        case CF_STR:
        case CF_URL:
            free(*AT(obj, f[i].off, char *));
            *AT(obj, f[i].off, char *) = NULL;
            break;
        case CF_SECRET: {
            char *s = *AT(obj, f[i].off, char *);
            if (s != NULL)
                memset(s, 0, strlen(s));
            free(s);
            *AT(obj, f[i].off, char *) = NULL;
            break;
        }
        case CF_STRV:
            config_free_strv(*AT(obj, f[i].off, char **), *AT(obj, f[i].off2, size_t));
            *AT(obj, f[i].off, char **) = NULL;
            *AT(obj, f[i].off2, size_t) = 0;
            break;
        default:
            break;
        }
    }
}

int cf_copy(const cfield *f, size_t nf, void *dst, const void *src)
{
    for (size_t i = 0; i < nf; i++) {
        switch (f[i].kind) {
        case CF_STR:
        case CF_URL:
        case CF_SECRET: {
            const char *s = *CAT(src, f[i].off, char *);
            *AT(dst, f[i].off, char *) = s ? strdup(s) : NULL;
            if (s != NULL && *AT(dst, f[i].off, char *) == NULL)
                return DM_ERR_NOMEM;
            if (f[i].kind == CF_SECRET)
                *AT(dst, f[i].off2, bool) = *CAT(src, f[i].off2, bool);
            break;
        }
        case CF_INT:
            *AT(dst, f[i].off, int) = *CAT(src, f[i].off, int);
            break;
        case CF_I64:
        case CF_DUR:
            *AT(dst, f[i].off, int64_t) = *CAT(src, f[i].off, int64_t);
            break;
        case CF_U32:
            *AT(dst, f[i].off, uint32_t) = *CAT(src, f[i].off, uint32_t);
            break;
        case CF_U64:
            *AT(dst, f[i].off, uint64_t) = *CAT(src, f[i].off, uint64_t);
            break;
        case CF_BOOL:
            *AT(dst, f[i].off, bool) = *CAT(src, f[i].off, bool);
            break;
        case CF_DOUBLE:
            *AT(dst, f[i].off, double) = *CAT(src, f[i].off, double);
            break;
        case CF_STRV: {
            char *const *v = *(char **const *)((const char *)src + f[i].off);
            size_t n = *CAT(src, f[i].off2, size_t);
            char **nv = n ? calloc(n, sizeof(*nv)) : NULL;
            if (n && nv == NULL)
                return DM_ERR_NOMEM;
            *AT(dst, f[i].off, char **) = nv;
            *AT(dst, f[i].off2, size_t) = 0;
            for (size_t j = 0; j < n; j++) {
                nv[j] = strdup(v[j]);
                if (nv[j] == NULL)
                    return DM_ERR_NOMEM;
                *AT(dst, f[i].off2, size_t) = j + 1;
            }
            break;
        }
        default:
            break;
        }
    }
    return 0;
}

// masked_url_json returns s with the values of credential-looking query parameters
// (names containing key, secret, password or token, as in S3 URLs) replaced by "******".
static json_t *masked_url_json(const char *s)
{
    static const char *const words[] = {"key", "secret", "password", "token"};
    const char *q, *p;
    dm_buf b;
    json_t *v;
    if (s == NULL)
        return json_string("");
    q = strchr(s, '?');
    if (q == NULL)
        return json_string(s);
    dm_buf_init(&b);
    dm_buf_append(&b, s, (size_t)(q - s) + 1);
    for (p = q + 1; *p;) {
        size_t plen = strcspn(p, "&");
        const char *eq = memchr(p, '=', plen);
        bool secret = false;
        if (eq != NULL) {
            for (size_t i = 0; i < sizeof(words) / sizeof(words[0]) && !secret; i++) {
                size_t wl = strlen(words[i]);
                for (const char *k = p; k + wl <= eq && !secret; k++)
                    secret = strncasecmp(k, words[i], wl) == 0;
            }
        }
        if (secret) {
            dm_buf_append(&b, p, (size_t)(eq - p) + 1);
            dm_buf_puts(&b, "******");
        } else {
            dm_buf_append(&b, p, plen);
        }
        p += plen;
        if (*p == '&') {
            dm_buf_putc(&b, '&');
            p++;
        }
    }
    v = json_string(b.data ? b.data : "");
    dm_buf_fini(&b);
    return v;
}

json_t *config_strv_json(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < n; i++) {
        if (json_array_append_new(a, json_string(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

int cf_to_json(const cfield *f, size_t nf, const void *obj, json_t *o)
{
    for (size_t i = 0; i < nf; i++) {
        json_t *v = NULL;
        char buf[64];
        switch (f[i].kind) {
        case CF_STR: {
            const char *s = *CAT(obj, f[i].off, char *);
            v = json_string(s ? s : "");
            break;
        }
        case CF_SECRET: {
            const char *s = *CAT(obj, f[i].off, char *);
            v = json_string(s && s[0] ? "******" : "");
            break;
        }
        case CF_URL:
            v = masked_url_json(*CAT(obj, f[i].off, char *));
            break;
        case CF_INT:
            v = json_integer(*CAT(obj, f[i].off, int));
            break;
        case CF_I64:
            v = json_integer(*CAT(obj, f[i].off, int64_t));
            break;
        case CF_U32:
            v = json_integer(*CAT(obj, f[i].off, uint32_t));
            break;
        case CF_U64:
            v = json_integer((json_int_t)*CAT(obj, f[i].off, uint64_t));
            break;
        case CF_BOOL:
            v = json_boolean(*CAT(obj, f[i].off, bool));
            break;
        case CF_DOUBLE:
            v = json_real(*CAT(obj, f[i].off, double));
            break;
        case CF_DUR:
            config_format_duration(buf, sizeof(buf), *CAT(obj, f[i].off, int64_t));
            v = json_string(buf);
            break;
        case CF_STRV:
            v = config_strv_json(*(char **const *)((const char *)obj + f[i].off),
                                 *CAT(obj, f[i].off2, size_t));
            break;
        default:
            continue;
        }
        if (v == NULL || json_object_set_new(o, f[i].key, v) != 0)
            return -1;
    }
    return 0;
}
