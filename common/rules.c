// DESIGN: the block/allow list, router and binlog event filter, compiled from rules_def.
//
// Each object is a flat array of compiled rules (rules_pattern) scanned in definition
// order. DM's trie selector also returns *every* matching rule and leaves precedence to
// its users, so a scan gives the same answers; it also lets each answer name the item that
// decided it, which dmctl prints. Rule counts are small (tens); appliers that need more
// speed cache decisions per table id.
//
// Decisions mirror the Go code:
// - block/allow list: tidb-tools pkg/filter (filterOnSchemas, then filterOnTables), plus
//   DM syncer's unconditional skip of system schemas (filter.IsSystemSchema);
// - router: pkg/regexpr-router (each rule a do-dbs/do-tables filter; table-level rules win;
//   two matches at the deciding level are an error);
// - filter: pkg/binlog-filter Filter() (Ignore wins; a Do rule ignores what it does not
//   list).
// Nothing is mutated after _create, so the objects are shared across threads freely.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dm_buf.h"
#include "rules.h"

static int nomem(dm_err *err)
{
    return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
}

static bool empty(const char *s)
{
    return s == NULL || s[0] == '\0';
}

// reason_set formats a reason into a fixed buffer (truncating very long patterns).
static void reason_set(char *dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reason_set(char *dst, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, RULES_REASON_MAX, fmt, ap);
    va_end(ap);
}

static unsigned pattern_flags(bool case_sensitive, bool regex)
{
    return (case_sensitive ? RULES_PATTERN_CASE_SENSITIVE : 0u) | (regex ? RULES_PATTERN_REGEX : 0u);
}

static bool pmatch(const rules_pattern *p, const char *name)
{
    return rules_pattern_match(p, name, strlen(name));
}

// ---------------------------------------------------------------------------------------
// Block/allow list

typedef struct ba_table {
    rules_pattern *db;
    rules_pattern *tbl;
} ba_table;

struct rules_balist {
    bool defined;
    rules_pattern **do_dbs;
    size_t n_do_dbs;
    rules_pattern **ignore_dbs;
    size_t n_ignore_dbs;
    ba_table *do_tables;
    size_t n_do_tables;
    ba_table *ignore_tables;
    size_t n_ignore_tables;
};

static int ba_compile_dbs(rules_pattern ***out, char *const *src, size_t n, const char *list,
                          const rules_def_balist *def, bool cs, dm_err *err)
{
    if (n == 0)
        return 0;
    *out = calloc(n, sizeof(**out));
    if (*out == NULL)
        return nomem(err);
    for (size_t i = 0; i < n; i++) {
        if (empty(src[i]))
            return dm_err_set(err, RULES_ERR_BALIST, DM_ERR_SCOPE_INTERNAL,
                              "block-allow-list rule \"%s\" (line %d): %s item %zu is empty",
                              def->name ? def->name : "", def->line, list, i + 1);
        int rc = rules_pattern_compile(&(*out)[i], src[i], pattern_flags(cs, true), err);
        if (rc != 0)
            return dm_err_prefix(err, "block-allow-list rule \"%s\" (line %d) %s",
                                 def->name ? def->name : "", def->line, list);
    }
    return 0;
}

static int ba_compile_tables(ba_table **out, const rules_def_table *src, size_t n,
                             const char *list, const rules_def_balist *def, bool cs,
                             dm_err *err)
{
    if (n == 0)
        return 0;
    *out = calloc(n, sizeof(**out));
    if (*out == NULL)
        return nomem(err);
    for (size_t i = 0; i < n; i++) {
        int line = src[i].line ? src[i].line : def->line;
        if (empty(src[i].db_name) || empty(src[i].tbl_name))
            return dm_err_set(err, RULES_ERR_BALIST, DM_ERR_SCOPE_INTERNAL,
                              "block-allow-list rule \"%s\" (line %d): %s item %zu needs both "
                              "db-name and tbl-name",
                              def->name ? def->name : "", line, list, i + 1);
        int rc = rules_pattern_compile(&(*out)[i].db, src[i].db_name, pattern_flags(cs, true), err);
        if (rc == 0)
            rc = rules_pattern_compile(&(*out)[i].tbl, src[i].tbl_name, pattern_flags(cs, true),
                                       err);
        if (rc != 0)
            return dm_err_prefix(err, "block-allow-list rule \"%s\" (line %d) %s",
                                 def->name ? def->name : "", line, list);
    }
    return 0;
}

int rules_balist_create(rules_balist **out, const rules_def_balist *def, bool case_sensitive,
                        dm_err *err)
{
    rules_balist *b = NULL;
    int rc = 0;
    if (out == NULL) {
        rc = dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                        "rules_balist_create: NULL out");
        goto fail;
    }
    *out = NULL;
    b = calloc(1, sizeof(*b));
    if (b == NULL) {
        rc = nomem(err);
        goto fail;
    }
    if (def != NULL) {
        b->defined = true;
        if ((rc = ba_compile_dbs(&b->do_dbs, def->do_dbs, def->n_do_dbs, "do-dbs", def,
                                 case_sensitive, err)))
            goto fail;
        b->n_do_dbs = def->n_do_dbs;
        if ((rc = ba_compile_dbs(&b->ignore_dbs, def->ignore_dbs, def->n_ignore_dbs,
                                 "ignore-dbs", def, case_sensitive, err)))
            goto fail;
        b->n_ignore_dbs = def->n_ignore_dbs;
        if ((rc = ba_compile_tables(&b->do_tables, def->do_tables, def->n_do_tables,
                                    "do-tables", def, case_sensitive, err)))
            goto fail;
        b->n_do_tables = def->n_do_tables;
        if ((rc = ba_compile_tables(&b->ignore_tables, def->ignore_tables,
                                    def->n_ignore_tables, "ignore-tables", def, case_sensitive,
                                    err)))
            goto fail;
        b->n_ignore_tables = def->n_ignore_tables;
    }
    *out = b;
    return 0;
fail:
    // Partially filled arrays are freed by destroy: the counts cover the allocations.
    if (b != NULL && def != NULL) {
        b->n_do_dbs = b->do_dbs ? def->n_do_dbs : 0;
        b->n_ignore_dbs = b->ignore_dbs ? def->n_ignore_dbs : 0;
        b->n_do_tables = b->do_tables ? def->n_do_tables : 0;
        b->n_ignore_tables = b->ignore_tables ? def->n_ignore_tables : 0;
    }
    rules_balist_destroy(b);
    return rc;
}

static void free_pattern_list(rules_pattern **v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        rules_pattern_destroy(v[i]);
    free(v);
}

static void free_table_list(ba_table *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++) {
        rules_pattern_destroy(v[i].db);
        rules_pattern_destroy(v[i].tbl);
    }
    free(v);
}

void rules_balist_destroy(rules_balist *b)
{
    if (b == NULL)
        return;
    free_pattern_list(b->do_dbs, b->n_do_dbs);
    free_pattern_list(b->ignore_dbs, b->n_ignore_dbs);
    free_table_list(b->do_tables, b->n_do_tables);
    free_table_list(b->ignore_tables, b->n_ignore_tables);
    free(b);
}

// DM's syncer never migrates these schemas, whatever the lists say (case-insensitive).
static const char *const system_schemas[] = {
    "dm_heartbeat", "sys", "mysql", "information_schema", "inspection_schema",
    "performance_schema", "metrics_schema",
};

static bool is_system_schema(const char *schema)
{
    for (size_t i = 0; i < sizeof(system_schemas) / sizeof(system_schemas[0]); i++)
        if (strcasecmp(schema, system_schemas[i]) == 0)
            return true;
    return false;
}

static const rules_pattern *find_db(rules_pattern *const *v, size_t n, const char *schema)
{
    for (size_t i = 0; i < n; i++)
        if (pmatch(v[i], schema))
            return v[i];
    return NULL;
}

static const ba_table *find_table(const ba_table *v, size_t n, const char *schema,
                                  const char *table)
{
    for (size_t i = 0; i < n; i++)
        if (pmatch(v[i].db, schema) && pmatch(v[i].tbl, table))
            return &v[i];
    return NULL;
}

int rules_balist_match(rules_decision *out, const rules_balist *b, const char *schema,
                       const char *table, dm_err *err)
{
    if (out == NULL || b == NULL || schema == NULL)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "rules_balist_match: NULL argument");
    char schema_note[RULES_REASON_MAX / 2];
    const rules_pattern *hit;

    if (is_system_schema(schema)) {
        out->migrated = false;
        reason_set(out->reason, "schema `%s` is a system schema, which DM never migrates", schema);
        return 0;
    }
    if (!b->defined) {
        out->migrated = true;
        reason_set(out->reason, "no block-allow-list rule applies to this source");
        return 0;
    }

    // Schema level: do-dbs decides when present, otherwise ignore-dbs.
    if (b->n_do_dbs > 0) {
        hit = find_db(b->do_dbs, b->n_do_dbs, schema);
        if (hit == NULL) {
            out->migrated = false;
            reason_set(out->reason, "schema `%s` matches no do-dbs", schema);
            return 0;
        }
        snprintf(schema_note, sizeof(schema_note), "schema `%s` matches do-dbs \"%s\"", schema,
                 rules_pattern_text(hit));
    } else if (b->n_ignore_dbs > 0) {
        hit = find_db(b->ignore_dbs, b->n_ignore_dbs, schema);
        if (hit != NULL) {
            out->migrated = false;
            reason_set(out->reason, "schema `%s` matches ignore-dbs \"%s\"", schema,
                       rules_pattern_text(hit));
            return 0;
        }
        snprintf(schema_note, sizeof(schema_note), "schema `%s` matches no ignore-dbs", schema);
    } else {
        snprintf(schema_note, sizeof(schema_note), "do-dbs and ignore-dbs are empty");
    }

    if (empty(table)) {
        out->migrated = true;
        reason_set(out->reason, "%s (schema-level check only)", schema_note);
        return 0;
    }

    // Table level: a do-tables match migrates, then an ignore-tables match filters, then
    // the table is migrated only when do-tables is empty.
    const ba_table *t = find_table(b->do_tables, b->n_do_tables, schema, table);
    if (t != NULL) {
        out->migrated = true;
        reason_set(out->reason, "%s; `%s`.`%s` matches do-tables {db-name: \"%s\", tbl-name: \"%s\"}",
                   schema_note, schema, table, rules_pattern_text(t->db),
                   rules_pattern_text(t->tbl));
        return 0;
    }
    t = find_table(b->ignore_tables, b->n_ignore_tables, schema, table);
    if (t != NULL) {
        out->migrated = false;
        reason_set(out->reason,
                   "%s; `%s`.`%s` matches ignore-tables {db-name: \"%s\", tbl-name: \"%s\"}",
                   schema_note, schema, table, rules_pattern_text(t->db),
                   rules_pattern_text(t->tbl));
        return 0;
    }
    if (b->n_do_tables > 0) {
        out->migrated = false;
        reason_set(out->reason,
                   "%s; `%s`.`%s` matches no do-tables%s and do-tables is not empty",
                   schema_note, schema, table, b->n_ignore_tables ? " nor ignore-tables" : "");
        return 0;
    }
    out->migrated = true;
    reason_set(out->reason, "%s; %s", schema_note,
               b->n_ignore_tables ? "the table matches no ignore-tables"
                                  : "do-tables and ignore-tables are empty");
    return 0;
}

// ---------------------------------------------------------------------------------------
// Router

typedef struct route_extract {
    char *column;    // NULL when the block is absent
    pcre2_code *re;
} route_extract;

typedef struct route_rule {
    char *name;
    int line;
    rules_pattern *schema;
    rules_pattern *table; // NULL: schema-level rule
    char *target_schema;
    char *target_table;   // "" keeps the table name
    route_extract extract[3]; // table, schema, source
} route_rule;

struct rules_router {
    route_rule *rules;
    size_t n;
};

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

static int compile_extract(route_extract *x, const rules_def_extract *d, const char *what,
                           const rules_def_route *def, dm_err *err)
{
    if (empty(d->target_column) && empty(d->regex))
        return 0;
    if (empty(d->target_column) || empty(d->regex))
        return dm_err_set(err, RULES_ERR_ROUTE, DM_ERR_SCOPE_INTERNAL,
                          "route rule \"%s\" (line %d): %s needs both target-column and a "
                          "regular expression",
                          def->name ? def->name : "", def->line, what);
    x->column = strdup(d->target_column);
    if (x->column == NULL)
        return nomem(err);
    int errcode = 0;
    PCRE2_SIZE off = 0;
    x->re = pcre2_compile((PCRE2_SPTR)d->regex, PCRE2_ZERO_TERMINATED,
                          PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &off, NULL);
    if (x->re == NULL) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        return dm_err_set(err, RULES_ERR_REGEX, DM_ERR_SCOPE_INTERNAL,
                          "route rule \"%s\" (line %d): %s regular expression \"%s\" is invalid "
                          "at offset %zu: %s",
                          def->name ? def->name : "", def->line, what, d->regex, (size_t)off,
                          (const char *)msg);
    }
    return 0;
}

static void route_rule_fini(route_rule *r)
{
    free(r->name);
    rules_pattern_destroy(r->schema);
    rules_pattern_destroy(r->table);
    free(r->target_schema);
    free(r->target_table);
    for (int i = 0; i < 3; i++) {
        free(r->extract[i].column);
        pcre2_code_free(r->extract[i].re);
    }
}

static int route_rule_init(route_rule *r, const rules_def_route *d, bool cs, dm_err *err)
{
    const char *name = d->name ? d->name : "";
    if (empty(d->schema_pattern))
        return dm_err_set(err, RULES_ERR_ROUTE, DM_ERR_SCOPE_INTERNAL,
                          "route rule \"%s\" (line %d): schema-pattern is empty", name, d->line);
    if (empty(d->target_schema))
        return dm_err_set(err, RULES_ERR_ROUTE, DM_ERR_SCOPE_INTERNAL,
                          "route rule \"%s\" (line %d): target-schema is empty", name, d->line);
    r->line = d->line;
    r->name = dup_or_empty(d->name);
    r->target_schema = dup_or_empty(d->target_schema);
    r->target_table = dup_or_empty(d->target_table);
    if (r->name == NULL || r->target_schema == NULL || r->target_table == NULL)
        return nomem(err);
    int rc = rules_pattern_compile(&r->schema, d->schema_pattern, pattern_flags(cs, true), err);
    if (rc == 0 && !empty(d->table_pattern))
        rc = rules_pattern_compile(&r->table, d->table_pattern, pattern_flags(cs, true), err);
    if (rc != 0)
        return dm_err_prefix(err, "route rule \"%s\" (line %d)", name, d->line);
    if ((rc = compile_extract(&r->extract[0], &d->extract_table, "extract-table", d, err)) ||
        (rc = compile_extract(&r->extract[1], &d->extract_schema, "extract-schema", d, err)) ||
        (rc = compile_extract(&r->extract[2], &d->extract_source, "extract-source", d, err)))
        return rc;
    return 0;
}

int rules_router_create(rules_router **out, const rules_def_route *defs, size_t n,
                        bool case_sensitive, dm_err *err)
{
    rules_router *r = NULL;
    int rc = 0;
    if (out == NULL || (defs == NULL && n > 0)) {
        rc = dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                        "rules_router_create: NULL argument");
        goto fail;
    }
    *out = NULL;
    r = calloc(1, sizeof(*r));
    if (r == NULL || (n > 0 && (r->rules = calloc(n, sizeof(*r->rules))) == NULL)) {
        rc = nomem(err);
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        r->n = i + 1;
        if ((rc = route_rule_init(&r->rules[i], &defs[i], case_sensitive, err)))
            goto fail;
    }
    *out = r;
    return 0;
fail:
    rules_router_destroy(r);
    return rc;
}

void rules_router_destroy(rules_router *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++)
        route_rule_fini(&r->rules[i]);
    free(r->rules);
    free(r);
}

static int copy_name(char *dst, const char *src, const char *what, dm_err *err)
{
    size_t len = strlen(src);
    if (len >= RULES_NAME_MAX)
        return dm_err_set(err, RULES_ERR_ROUTE, DM_ERR_SCOPE_INTERNAL,
                          "routed %s name is %zu bytes long (limit %d)", what, len,
                          RULES_NAME_MAX - 1);
    memcpy(dst, src, len + 1);
    return 0;
}

int rules_route(rules_route_result *out, const rules_router *r, const char *schema,
                const char *table, dm_err *err)
{
    if (out == NULL || r == NULL || schema == NULL)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "rules_route: NULL argument");
    if (table == NULL)
        table = "";
    memset(out, 0, sizeof(*out));
    const route_rule *tbl_hit[2] = {NULL, NULL}, *sch_hit[2] = {NULL, NULL};
    size_t n_tbl = 0, n_sch = 0;
    for (size_t i = 0; i < r->n; i++) {
        const route_rule *rule = &r->rules[i];
        if (!pmatch(rule->schema, schema))
            continue;
        if (rule->table == NULL) {
            if (n_sch < 2)
                sch_hit[n_sch] = rule;
            n_sch++;
        } else if (table[0] != '\0' && pmatch(rule->table, table)) {
            if (n_tbl < 2)
                tbl_hit[n_tbl] = rule;
            n_tbl++;
        }
    }
    const route_rule *const *hits = n_tbl > 0 ? tbl_hit : sch_hit;
    size_t n_hits = n_tbl > 0 ? n_tbl : n_sch;
    if (n_hits > 1)
        return dm_err_set(err, RULES_ERR_ROUTE_DUP, DM_ERR_SCOPE_INTERNAL,
                          "table `%s`.`%s` matches more than one rule: %zu %s-level route rules "
                          "match, among them \"%s\" (line %d) and \"%s\" (line %d)",
                          schema, table, n_hits, n_tbl > 0 ? "table" : "schema", hits[0]->name,
                          hits[0]->line, hits[1]->name, hits[1]->line);
    const char *ts = schema, *tt = table;
    if (n_hits == 1) {
        const route_rule *rule = hits[0];
        out->routed = true;
        out->rule_name = rule->name;
        out->rule_index = (size_t)(rule - r->rules);
        if (!empty(rule->target_schema))
            ts = rule->target_schema;
        if (!empty(rule->target_table))
            tt = rule->target_table;
    }
    int rc = copy_name(out->target_schema, ts, "schema", err);
    if (rc == 0)
        rc = copy_name(out->target_table, tt, "table", err);
    return rc;
}

// extract_value concatenates every capture group of re's first match in s.
static char *extract_value(const pcre2_code *re, const char *s)
{
    dm_buf b;
    dm_buf_init(&b);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    if (md == NULL)
        return NULL;
    int rc = pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);
    if (rc > 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        uint32_t pairs = pcre2_get_ovector_count(md);
        for (uint32_t g = 1; g < pairs && g < (uint32_t)rc; g++) {
            if (ov[2 * g] == PCRE2_UNSET)
                continue;
            if (dm_buf_append(&b, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]) != 0)
                goto fail;
        }
    }
    pcre2_match_data_free(md);
    return dm_buf_detach(&b);
fail:
    pcre2_match_data_free(md);
    dm_buf_fini(&b);
    return NULL;
}

int rules_route_extract(char **cols, char **vals, size_t *n, const rules_router *r,
                        const rules_route_result *res, const char *schema, const char *table,
                        const char *source_id, dm_err *err)
{
    if (cols == NULL || vals == NULL || n == NULL || r == NULL || res == NULL ||
        !res->routed || res->rule_index >= r->n)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "rules_route_extract: invalid argument");
    *n = 0;
    const route_rule *rule = &r->rules[res->rule_index];
    const char *inputs[3] = {table ? table : "", schema ? schema : "",
                             source_id ? source_id : ""};
    for (int i = 0; i < 3; i++) {
        if (rule->extract[i].column == NULL)
            continue;
        cols[*n] = strdup(rule->extract[i].column);
        vals[*n] = extract_value(rule->extract[i].re, inputs[i]);
        (*n)++;
        if (cols[*n - 1] == NULL || vals[*n - 1] == NULL) {
            for (size_t k = 0; k < *n; k++) {
                free(cols[k]);
                free(vals[k]);
                cols[k] = vals[k] = NULL;
            }
            *n = 0;
            return nomem(err);
        }
    }
    return 0;
}

// ---------------------------------------------------------------------------------------
// Binlog event filter

typedef struct filter_rule {
    char *name;
    int line;
    rules_pattern *schema;
    rules_pattern *table; // NULL: schema-level rule
    rules_event_type *events;
    size_t n_events;
    pcre2_code *sql;      // NULL without sql-pattern
    pcre2_match_context *mctx;
    bool action_do;
} filter_rule;

struct rules_filter {
    filter_rule *rules;
    size_t n;
    size_t *order; // schema-level rules first, then table-level, each in definition order
};

static void filter_rule_fini(filter_rule *r)
{
    free(r->name);
    rules_pattern_destroy(r->schema);
    rules_pattern_destroy(r->table);
    free(r->events);
    pcre2_code_free(r->sql);
    pcre2_match_context_free(r->mctx);
}

static int compile_sql(filter_rule *r, const rules_def_filter *d, dm_err *err)
{
    dm_buf b;
    int rc = 0;
    dm_buf_init(&b);
    for (size_t i = 0; i < d->n_sql_patterns; i++) {
        // DM joins the patterns with `|` into one case-insensitive expression.
        if ((i > 0 && dm_buf_putc(&b, '|') != 0) ||
            dm_buf_puts(&b, d->sql_patterns[i] ? d->sql_patterns[i] : "") != 0) {
            rc = nomem(err);
            goto done;
        }
    }
    int errcode = 0;
    PCRE2_SIZE off = 0;
    r->sql = pcre2_compile((PCRE2_SPTR)(b.data ? b.data : ""), b.len,
                           PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_CASELESS, &errcode, &off,
                           NULL);
    if (r->sql == NULL) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        rc = dm_err_set(err, RULES_ERR_REGEX, DM_ERR_SCOPE_INTERNAL,
                        "filter rule \"%s\" (line %d): sql-pattern \"%s\" is invalid at offset "
                        "%zu: %s",
                        d->name ? d->name : "", d->line, b.data ? b.data : "", (size_t)off,
                        (const char *)msg);
        goto done;
    }
    r->mctx = pcre2_match_context_create(NULL);
    if (r->mctx == NULL) {
        rc = nomem(err);
        goto done;
    }
    // Statements can be long; bound the work per statement, not per byte.
    pcre2_set_match_limit(r->mctx, 1000000);
    pcre2_set_depth_limit(r->mctx, 10000);
done:
    dm_buf_fini(&b);
    return rc;
}

static int filter_rule_init(filter_rule *r, const rules_def_filter *d, bool cs, dm_err *err)
{
    const char *name = d->name ? d->name : "";
    int rc;
    if (empty(d->schema_pattern))
        return dm_err_set(err, RULES_ERR_FILTER, DM_ERR_SCOPE_INTERNAL,
                          "filter rule \"%s\" (line %d): schema-pattern is empty", name, d->line);
    r->line = d->line;
    r->action_do = d->action_do;
    if ((r->name = dup_or_empty(d->name)) == NULL)
        return nomem(err);
    rc = rules_pattern_compile(&r->schema, d->schema_pattern, pattern_flags(cs, false), err);
    if (rc == 0 && !empty(d->table_pattern))
        rc = rules_pattern_compile(&r->table, d->table_pattern, pattern_flags(cs, false), err);
    if (rc != 0)
        return dm_err_prefix(err, "filter rule \"%s\" (line %d)", name, d->line);
    if (d->n_events > 0) {
        r->events = calloc(d->n_events, sizeof(*r->events));
        if (r->events == NULL)
            return nomem(err);
        for (size_t i = 0; i < d->n_events; i++) {
            if ((rc = rules_event_parse(&r->events[i], d->events[i] ? d->events[i] : "", err)))
                return dm_err_prefix(err, "filter rule \"%s\" (line %d)", name, d->line);
        }
        r->n_events = d->n_events;
    }
    if (d->n_sql_patterns > 0 && (rc = compile_sql(r, d, err)))
        return rc;
    return 0;
}

static bool same_pattern(const rules_pattern *a, const rules_pattern *b, bool cs)
{
    const char *x = a ? rules_pattern_text(a) : "";
    const char *y = b ? rules_pattern_text(b) : "";
    return cs ? strcmp(x, y) == 0 : strcasecmp(x, y) == 0;
}

int rules_filter_create(rules_filter **out, const rules_def_filter *defs, size_t n,
                        bool case_sensitive, dm_err *err)
{
    rules_filter *f = NULL;
    int rc = 0;
    if (out == NULL || (defs == NULL && n > 0)) {
        rc = dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                        "rules_filter_create: NULL argument");
        goto fail;
    }
    *out = NULL;
    f = calloc(1, sizeof(*f));
    if (f == NULL || (n > 0 && ((f->rules = calloc(n, sizeof(*f->rules))) == NULL ||
                                (f->order = calloc(n, sizeof(*f->order))) == NULL))) {
        rc = nomem(err);
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        f->n = i + 1;
        if ((rc = filter_rule_init(&f->rules[i], &defs[i], case_sensitive, err)))
            goto fail;
        // DM's selector refuses a second rule on the same schema/table patterns.
        for (size_t j = 0; j < i; j++) {
            if (same_pattern(f->rules[i].schema, f->rules[j].schema, case_sensitive) &&
                same_pattern(f->rules[i].table, f->rules[j].table, case_sensitive)) {
                rc = dm_err_set(err, RULES_ERR_FILTER, DM_ERR_SCOPE_INTERNAL,
                                "filter rule \"%s\" (line %d) has the same schema-pattern and "
                                "table-pattern as rule \"%s\" (line %d)",
                                f->rules[i].name, f->rules[i].line, f->rules[j].name,
                                f->rules[j].line);
                goto fail;
            }
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (f->rules[i].table == NULL)
            f->order[k++] = i;
    for (size_t i = 0; i < n; i++)
        if (f->rules[i].table != NULL)
            f->order[k++] = i;
    *out = f;
    return 0;
fail:
    rules_filter_destroy(f);
    return rc;
}

void rules_filter_destroy(rules_filter *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; i < f->n; i++)
        filter_rule_fini(&f->rules[i]);
    free(f->rules);
    free(f->order);
    free(f);
}

// match_event is binlog-filter's matchEvent: the first list entry that decides wins.
static bool match_event(rules_event_class cls, rules_event_type ev, const filter_rule *r)
{
    bool ddl = cls == RULES_EVENT_CLASS_DDL || cls == RULES_EVENT_CLASS_INCOMPATIBLE_DDL;
    for (size_t i = 0; i < r->n_events; i++) {
        rules_event_type e = r->events[i];
        if (e == RULES_EVENT_ALL)
            return true;
        if (e == RULES_EVENT_NONE)
            return false;
        if (ddl && e == RULES_EVENT_ALL_DDL)
            return true;
        if (ddl && e == RULES_EVENT_NONE_DDL)
            return false;
        if (cls == RULES_EVENT_CLASS_DML && e == RULES_EVENT_ALL_DML)
            return true;
        if (cls == RULES_EVENT_CLASS_DML && e == RULES_EVENT_NONE_DML)
            return false;
        if (cls == RULES_EVENT_CLASS_INCOMPATIBLE_DDL && e == RULES_EVENT_INCOMPATIBLE_DDL_CHANGES)
            return true;
        if (e == ev)
            return true;
    }
    return false;
}

static bool filter_rule_applies(const filter_rule *r, const char *schema, const char *table)
{
    if (!pmatch(r->schema, schema))
        return false;
    return r->table == NULL || pmatch(r->table, table);
}

int rules_filter_event(rules_filter_result *out, const rules_filter *f, const char *schema,
                       const char *table, rules_event_type event, const char *sql, dm_err *err)
{
    if (out == NULL || schema == NULL)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "rules_filter_event: NULL argument");
    if (table == NULL)
        table = "";
    if (sql == NULL)
        sql = "";
    memset(out, 0, sizeof(*out));
    out->action = RULES_ACTION_DO;
    rules_event_class cls = rules_event_classify(event);
    if (cls == RULES_EVENT_CLASS_PSEUDO)
        return dm_err_set(err, RULES_ERR_EVENT, DM_ERR_SCOPE_INTERNAL,
                          "event type \"%s\" cannot be filtered: it is only valid in a rule's "
                          "events list",
                          rules_event_name(event));
    if (f == NULL) {
        reason_set(out->reason, "no binlog event filter rules");
        return 0;
    }
    size_t matched = 0;
    for (size_t k = 0; k < f->n; k++) {
        const filter_rule *r = &f->rules[f->order[k]];
        if (!filter_rule_applies(r, schema, table))
            continue;
        matched++;
        const char *act = r->action_do ? "Do" : "Ignore";
        if (cls != RULES_EVENT_CLASS_NONE) {
            bool hit = match_event(cls, event, r);
            if (hit != r->action_do) {
                out->action = RULES_ACTION_IGNORE;
                out->rule_name = r->name;
                reason_set(out->reason, "filter rule \"%s\" (action %s): event \"%s\" %s its events",
                           r->name, act, rules_event_name(event),
                           hit ? "matches" : "does not match");
                return 0;
            }
        }
        if (sql[0] == '\0' || r->sql == NULL)
            continue;
        pcre2_match_data *md = pcre2_match_data_create(1, NULL);
        if (md == NULL)
            return nomem(err);
        int mrc = pcre2_match(r->sql, (PCRE2_SPTR)sql, strlen(sql), 0, 0, md, r->mctx);
        pcre2_match_data_free(md);
        if (mrc < 0 && mrc != PCRE2_ERROR_NOMATCH) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(mrc, msg, sizeof(msg));
            return dm_err_set(err, RULES_ERR_MATCH, DM_ERR_SCOPE_INTERNAL,
                              "filter rule \"%s\" (line %d): sql-pattern failed on the "
                              "statement: %s",
                              r->name, r->line, (const char *)msg);
        }
        bool hit = mrc >= 0;
        if (hit != r->action_do) {
            out->action = RULES_ACTION_IGNORE;
            out->rule_name = r->name;
            reason_set(out->reason, "filter rule \"%s\" (action %s): the statement %s its sql-pattern",
                       r->name, act, hit ? "matches" : "does not match");
            return 0;
        }
    }
    if (matched == 0)
        reason_set(out->reason, "no filter rule matches `%s`.`%s`", schema, table);
    else
        reason_set(out->reason, "%zu filter rule(s) match `%s`.`%s` and none ignores the event",
                   matched, schema, table);
    return 0;
}
