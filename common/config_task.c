// DESIGN: the task file loader (DM dm/config/task.go TaskConfig.adjust, with the rule checks
// DM runs when it builds subtasks).
//
// Decoding fills config_task through cfield tables; validation then runs DM's adjust checks
// in DM's order but reports every failure instead of returning at the first. Each instance
// ends up with effective mydumper/loader/syncer/validator configs: the named config it
// references (or its inline block, or DM's defaults) with the *-thread shortcuts applied.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

#define DEFAULT_SHADOW_RULE "^_(.+)_(?:new|gho)$"
#define DEFAULT_TRASH_RULE "^_(.+)_(?:ghc|del|old)$"

// ---------------------------------------------------------------------------------------
// Unit configurations.

static const cfield mydumper_fields[] = {
    {"mydumper-path", CF_STR, CS_IGNORED, offsetof(config_mydumper, mydumper_path), 0, NULL,
     "the dump unit is built in; no mydumper binary is run"},
    {"threads", CF_INT, CS_OK, offsetof(config_mydumper, threads), 0, NULL, NULL},
    {"chunk-filesize", CF_STR, CS_OK, offsetof(config_mydumper, chunk_filesize), 0, NULL, NULL},
    {"statement-size", CF_U64, CS_OK, offsetof(config_mydumper, statement_size), 0, NULL, NULL},
    {"rows", CF_U64, CS_OK, offsetof(config_mydumper, rows), 0, NULL, NULL},
    {"where", CF_STR, CS_OK, offsetof(config_mydumper, where), 0, NULL, NULL},
    {"skip-tz-utc", CF_BOOL, CS_OK, offsetof(config_mydumper, skip_tz_utc), 0, NULL, NULL},
    {"extra-args", CF_STR, CS_UNSUPPORTED, offsetof(config_mydumper, extra_args), 0, NULL,
     "mydumper/dumpling command-line arguments do not apply to the built-in dump"},
};

static const cfield loader_fields[] = {
    {"pool-size", CF_INT, CS_OK, offsetof(config_loader, pool_size), 0, NULL, NULL},
    {"dir", CF_URL, CS_IGNORED, offsetof(config_loader, dir), 0, NULL,
     "dumped data is streamed into the downstream, not written to a directory"},
    {"sorting-dir-physical", CF_URL, CS_UNSUPPORTED,
     offsetof(config_loader, sorting_dir_physical), 0, NULL, "physical import (TiDB Lightning)"},
    {"import-mode", CF_STR, CS_OK, offsetof(config_loader, import_mode), 0, NULL, NULL},
    {"on-duplicate", CF_STR, CS_DEPRECATED, offsetof(config_loader, on_duplicate), 0, NULL,
     "use on-duplicate-logical"},
    {"on-duplicate-logical", CF_STR, CS_OK, offsetof(config_loader, on_duplicate_logical), 0,
     NULL, NULL},
    {"on-duplicate-physical", CF_STR, CS_UNSUPPORTED,
     offsetof(config_loader, on_duplicate_physical), 0, NULL, "physical import (TiDB Lightning)"},
    {"disk-quota-physical", CF_STR, CS_UNSUPPORTED, offsetof(config_loader, disk_quota_physical),
     0, NULL, "physical import (TiDB Lightning)"},
    {"checksum-physical", CF_STR, CS_UNSUPPORTED, offsetof(config_loader, checksum_physical), 0,
     NULL, "physical import (TiDB Lightning)"},
    {"analyze", CF_STR, CS_UNSUPPORTED, offsetof(config_loader, analyze), 0, NULL,
     "physical import (TiDB Lightning)"},
    {"range-concurrency", CF_INT, CS_UNSUPPORTED, offsetof(config_loader, range_concurrency), 0,
     NULL, "physical import (TiDB Lightning)"},
    {"compress-kv-pairs", CF_STR, CS_UNSUPPORTED, offsetof(config_loader, compress_kv_pairs), 0,
     NULL, "physical import (TiDB Lightning)"},
    {"pd-addr", CF_STR, CS_UNSUPPORTED, offsetof(config_loader, pd_addr), 0, NULL,
     "physical import (TiDB Lightning)"},
};

static const cfield syncer_fields[] = {
    {"meta-file", CF_STR, CS_IGNORED, offsetof(config_syncer, meta_file), 0, NULL,
     "checkpoints live in the downstream dm_meta schema"},
    {"worker-count", CF_INT, CS_OK, offsetof(config_syncer, worker_count), 0, NULL, NULL},
    {"batch", CF_INT, CS_OK, offsetof(config_syncer, batch), 0, NULL, NULL},
    {"queue-size", CF_INT, CS_OK, offsetof(config_syncer, queue_size), 0, NULL, NULL},
    {"checkpoint-flush-interval", CF_INT, CS_OK, offsetof(config_syncer, checkpoint_flush_interval),
     0, NULL, NULL},
    {"compact", CF_BOOL, CS_OK, offsetof(config_syncer, compact), 0, NULL, NULL},
    {"multiple-rows", CF_BOOL, CS_OK, offsetof(config_syncer, multiple_rows), 0, NULL, NULL},
    {"max-retry", CF_INT, CS_DEPRECATED, offsetof(config_syncer, max_retry), 0, NULL,
     "DM no longer uses it"},
    {"auto-fix-gtid", CF_BOOL, CS_DEPRECATED, offsetof(config_syncer, auto_fix_gtid), 0, NULL,
     "DM no longer uses it"},
    {"enable-gtid", CF_BOOL, CS_DEPRECATED, offsetof(config_syncer, enable_gtid), 0, NULL,
     "set enable-gtid in the source file"},
    {"disable-detect", CF_BOOL, CS_DEPRECATED, offsetof(config_syncer, disable_detect), 0, NULL,
     "causality detection is always on"},
    {"safe-mode", CF_BOOL, CS_OK, offsetof(config_syncer, safe_mode), 0, NULL, NULL},
    {"safe-mode-duration", CF_STR, CS_OK, offsetof(config_syncer, safe_mode_duration), 0, NULL,
     NULL},
    {"enable-ansi-quotes", CF_BOOL, CS_DEPRECATED, offsetof(config_syncer, enable_ansi_quotes), 0,
     NULL, "ANSI_QUOTES is discovered from the upstream sql_mode"},
};

static const cfield validator_fields[] = {
    {"mode", CF_STR, CS_OK, offsetof(config_validator, mode), 0, NULL, NULL},
    {"worker-count", CF_INT, CS_OK, offsetof(config_validator, worker_count), 0, NULL, NULL},
    {"validate-interval", CF_DUR, CS_OK, offsetof(config_validator, validate_interval_ms), 0, NULL,
     NULL},
    {"check-interval", CF_DUR, CS_OK, offsetof(config_validator, check_interval_ms), 0, NULL, NULL},
    {"row-error-delay", CF_DUR, CS_OK, offsetof(config_validator, row_error_delay_ms), 0, NULL,
     NULL},
    {"meta-flush-interval", CF_DUR, CS_OK, offsetof(config_validator, meta_flush_interval_ms), 0,
     NULL, NULL},
    {"batch-query-size", CF_INT, CS_OK, offsetof(config_validator, batch_query_size), 0, NULL,
     NULL},
    {"max-pending-row-size", CF_STR, CS_OK, offsetof(config_validator, max_pending_row_size), 0,
     NULL, NULL},
    {"max-pending-row-count", CF_INT, CS_OK, offsetof(config_validator, max_pending_row_count), 0,
     NULL, NULL},
};

static void mydumper_defaults(cw *w, config_mydumper *m)
{
    m->mydumper_path = cw_strdup(w, "./bin/mydumper");
    m->threads = 4;
    m->chunk_filesize = cw_strdup(w, "64");
    m->skip_tz_utc = true;
}

static void loader_defaults(cw *w, config_loader *l)
{
    l->pool_size = 16;
    l->dir = cw_strdup(w, "./dumped_data");
    l->import_mode = cw_strdup(w, "logical");
    l->on_duplicate_logical = cw_strdup(w, "replace");
}

static void syncer_defaults(config_syncer *s)
{
    s->worker_count = 16;
    s->batch = 100;
    s->queue_size = 1024;
    s->checkpoint_flush_interval = 30;
}

static void mydumper_fini(config_mydumper *m)
{
    free(m->name);
    cf_fini(mydumper_fields, CF_COUNT(mydumper_fields), m);
}

static void loader_fini(config_loader *l)
{
    free(l->name);
    cf_fini(loader_fields, CF_COUNT(loader_fields), l);
}

static void syncer_fini(config_syncer *s)
{
    free(s->name);
    cf_fini(syncer_fields, CF_COUNT(syncer_fields), s);
}

static void validator_fini(config_validator *v)
{
    free(v->name);
    cf_fini(validator_fields, CF_COUNT(validator_fields), v);
}

// ---------------------------------------------------------------------------------------
// Rules.

typedef struct table_raw {
    char *db_name;
    char *tbl_name;
} table_raw;

static const cfield table_fields[] = {
    {"db-name", CF_STR, CS_OK, offsetof(table_raw, db_name), 0, NULL, NULL},
    {"tbl-name", CF_STR, CS_OK, offsetof(table_raw, tbl_name), 0, NULL, NULL},
};

static void tables_decode(cw *w, yaml_node_t *v, const char *path, rules_def_table **out,
                          size_t *n_out)
{
    size_t cap = *n_out;
    if (cw_is_null(v))
        return;
    if (v->type != YAML_SEQUENCE_NODE) {
        cw_error(w, CONFIG_ERR_TYPE, v, path,
                 "expected a list of {db-name, tbl-name}, got %s", cw_kind_name(v));
        return;
    }
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *e = yaml_document_get_node(&w->doc, *it);
        char ipath[512], kpath[600];
        table_raw t = {NULL, NULL};
        config_pos seen[CF_COUNT(table_fields)];
        rules_def_table *na;
        if (e == NULL || !cw_spend(w, e, 3))
            return;
        cw_keypath(ipath, sizeof(ipath), "%s[%zu]", path, *n_out);
        cw_decode_map(w, e, ipath, table_fields, CF_COUNT(table_fields), &t, seen);
        if (t.db_name == NULL || t.db_name[0] == '\0')
            cw_error(w, CONFIG_ERR_MISSING, e, ipath, "db-name is required");
        cw_keypath(kpath, sizeof(kpath), "%s.db-name", ipath);
        config_check_pattern(w, seen[0].line ? seen[0] : cw_pos(e), kpath, t.db_name);
        cw_keypath(kpath, sizeof(kpath), "%s.tbl-name", ipath);
        config_check_pattern(w, seen[1].line ? seen[1] : cw_pos(e), kpath, t.tbl_name);
        na = cw_grow(w, *out, &cap, *n_out + 1, sizeof(*na));
        if (na == NULL) {
            free(t.db_name);
            free(t.tbl_name);
            return;
        }
        *out = na;
        na[*n_out].db_name = t.db_name;
        na[*n_out].tbl_name = t.tbl_name;
        na[*n_out].line = cw_pos(e).line;
        (*n_out)++;
    }
}

static int ba_do_tables(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    rules_def_balist *b = obj;
    tables_decode(w, v, path, &b->do_tables, &b->n_do_tables);
    return 0;
}

static int ba_ignore_tables(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    rules_def_balist *b = obj;
    tables_decode(w, v, path, &b->ignore_tables, &b->n_ignore_tables);
    return 0;
}

static const cfield balist_fields[] = {
    {"do-dbs", CF_STRV, CS_OK, offsetof(rules_def_balist, do_dbs),
     offsetof(rules_def_balist, n_do_dbs), NULL, NULL},
    {"ignore-dbs", CF_STRV, CS_OK, offsetof(rules_def_balist, ignore_dbs),
     offsetof(rules_def_balist, n_ignore_dbs), NULL, NULL},
    {"do-tables", CF_SUB, CS_OK, 0, 0, ba_do_tables, NULL},
    {"ignore-tables", CF_SUB, CS_OK, 0, 0, ba_ignore_tables, NULL},
};

static void balist_decode(cw *w, yaml_node_t *v, void *elem, const char *path, config_pos kp)
{
    rules_def_balist *b = elem;
    config_pos seen[CF_COUNT(balist_fields)];
    char kpath[600];
    b->line = kp.line;
    cw_decode_map(w, v, path, balist_fields, CF_COUNT(balist_fields), b, seen);
    for (size_t i = 0; i < b->n_do_dbs; i++) {
        cw_keypath(kpath, sizeof(kpath), "%s.do-dbs[%zu]", path, i);
        config_check_pattern(w, seen[0], kpath, b->do_dbs[i]);
    }
    for (size_t i = 0; i < b->n_ignore_dbs; i++) {
        cw_keypath(kpath, sizeof(kpath), "%s.ignore-dbs[%zu]", path, i);
        config_check_pattern(w, seen[1], kpath, b->ignore_dbs[i]);
    }
}

typedef struct extract_raw {
    char *target_column;
    char *regex;
} extract_raw;

static const cfield extract_table_fields[] = {
    {"table-regexp", CF_STR, CS_OK, offsetof(extract_raw, regex), 0, NULL, NULL},
    {"target-column", CF_STR, CS_OK, offsetof(extract_raw, target_column), 0, NULL, NULL},
};
static const cfield extract_schema_fields[] = {
    {"schema-regexp", CF_STR, CS_OK, offsetof(extract_raw, regex), 0, NULL, NULL},
    {"target-column", CF_STR, CS_OK, offsetof(extract_raw, target_column), 0, NULL, NULL},
};
static const cfield extract_source_fields[] = {
    {"source-regexp", CF_STR, CS_OK, offsetof(extract_raw, regex), 0, NULL, NULL},
    {"target-column", CF_STR, CS_OK, offsetof(extract_raw, target_column), 0, NULL, NULL},
};

static void extract_decode(cw *w, yaml_node_t *v, const char *path, const cfield *f,
                           rules_def_extract *x)
{
    extract_raw r = {NULL, NULL};
    config_pos seen[2];
    char kpath[600];
    if (cw_is_null(v))
        return;
    cw_decode_map(w, v, path, f, 2, &r, seen);
    if (r.target_column == NULL || r.target_column[0] == '\0')
        cw_error(w, CONFIG_ERR_MISSING, v, path, "target-column is required");
    cw_keypath(kpath, sizeof(kpath), "%s.%s", path, f[0].key);
    config_check_regex(w, seen[0].line ? seen[0] : cw_pos(v), kpath, r.regex ? r.regex : "",
                       NULL);
    free(x->target_column);
    free(x->regex);
    x->target_column = r.target_column ? r.target_column : cw_strdup(w, "");
    x->regex = r.regex ? r.regex : cw_strdup(w, "");
}

static int route_extract_table(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    extract_decode(w, v, path, extract_table_fields, &((rules_def_route *)obj)->extract_table);
    return 0;
}

static int route_extract_schema(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    extract_decode(w, v, path, extract_schema_fields, &((rules_def_route *)obj)->extract_schema);
    return 0;
}

static int route_extract_source(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    extract_decode(w, v, path, extract_source_fields, &((rules_def_route *)obj)->extract_source);
    return 0;
}

static const cfield route_fields[] = {
    {"schema-pattern", CF_STR, CS_OK, offsetof(rules_def_route, schema_pattern), 0, NULL, NULL},
    {"table-pattern", CF_STR, CS_OK, offsetof(rules_def_route, table_pattern), 0, NULL, NULL},
    {"target-schema", CF_STR, CS_OK, offsetof(rules_def_route, target_schema), 0, NULL, NULL},
    {"target-table", CF_STR, CS_OK, offsetof(rules_def_route, target_table), 0, NULL, NULL},
    {"extract-table", CF_SUB, CS_OK, 0, 0, route_extract_table, NULL},
    {"extract-schema", CF_SUB, CS_OK, 0, 0, route_extract_schema, NULL},
    {"extract-source", CF_SUB, CS_OK, 0, 0, route_extract_source, NULL},
};

static void route_decode(cw *w, yaml_node_t *v, void *elem, const char *path, config_pos kp)
{
    rules_def_route *r = elem;
    config_pos seen[CF_COUNT(route_fields)];
    char kpath[600];
    r->line = kp.line;
    cw_decode_map(w, v, path, route_fields, CF_COUNT(route_fields), r, seen);
    if (r->schema_pattern == NULL || r->schema_pattern[0] == '\0')
        cw_error_at(w, CONFIG_ERR_MISSING, kp, path, "schema-pattern is required");
    if (r->target_schema == NULL || r->target_schema[0] == '\0')
        cw_error_at(w, CONFIG_ERR_MISSING, kp, path, "target-schema is required");
    cw_keypath(kpath, sizeof(kpath), "%s.schema-pattern", path);
    config_check_pattern(w, seen[0], kpath, r->schema_pattern);
    cw_keypath(kpath, sizeof(kpath), "%s.table-pattern", path);
    config_check_pattern(w, seen[1], kpath, r->table_pattern);
}

static void filter_elem_decode(cw *w, yaml_node_t *v, void *elem, const char *path, config_pos kp)
{
    rules_def_filter *f = elem;
    config_filter_decode(w, v, f, path);
    f->line = kp.line;
}

static const cfield expr_fields[] = {
    {"schema", CF_STR, CS_OK, offsetof(config_expr_filter, schema), 0, NULL, NULL},
    {"table", CF_STR, CS_OK, offsetof(config_expr_filter, table), 0, NULL, NULL},
    {"insert-value-expr", CF_STR, CS_OK, offsetof(config_expr_filter, insert_value_expr), 0, NULL,
     NULL},
    {"update-old-value-expr", CF_STR, CS_OK, offsetof(config_expr_filter, update_old_value_expr),
     0, NULL, NULL},
    {"update-new-value-expr", CF_STR, CS_OK, offsetof(config_expr_filter, update_new_value_expr),
     0, NULL, NULL},
    {"delete-value-expr", CF_STR, CS_OK, offsetof(config_expr_filter, delete_value_expr), 0, NULL,
     NULL},
};

static void expr_decode(cw *w, yaml_node_t *v, void *elem, const char *path, config_pos kp)
{
    config_expr_filter *e = elem;
    int kinds = 0;
    e->line = kp.line;
    cw_decode_map(w, v, path, expr_fields, CF_COUNT(expr_fields), e, NULL);
    if (e->schema == NULL || e->schema[0] == '\0')
        cw_error_at(w, CONFIG_ERR_MISSING, kp, path, "schema is required");
    if (e->table == NULL || e->table[0] == '\0')
        cw_error_at(w, CONFIG_ERR_MISSING, kp, path, "table is required");
    kinds += e->insert_value_expr && e->insert_value_expr[0];
    kinds += (e->update_old_value_expr && e->update_old_value_expr[0]) ||
             (e->update_new_value_expr && e->update_new_value_expr[0]);
    kinds += e->delete_value_expr && e->delete_value_expr[0];
    if (kinds > 1)
        cw_error_at(w, CONFIG_ERR_CONFLICT, kp, path,
                    "a rule holds expressions for one kind of event only: set insert-value-expr, "
                    "update-*-value-expr or delete-value-expr, not several");
}

static const cfield column_mapping_fields[] = {
    {"schema-pattern", CF_ANY, CS_OK, 0, 0, NULL, NULL},
    {"table-pattern", CF_ANY, CS_OK, 0, 0, NULL, NULL},
    {"source-column", CF_ANY, CS_OK, 0, 0, NULL, NULL},
    {"target-column", CF_ANY, CS_OK, 0, 0, NULL, NULL},
    {"expression", CF_ANY, CS_OK, 0, 0, NULL, NULL},
    {"arguments", CF_ANY, CS_OK, 0, 0, NULL, NULL},
    {"create-table-query", CF_ANY, CS_OK, 0, 0, NULL, NULL},
};

static void column_mapping_decode(cw *w, yaml_node_t *v, void *elem, const char *path,
                                  config_pos kp)
{
    (void)elem;
    (void)kp;
    cw_decode_map(w, v, path, column_mapping_fields, CF_COUNT(column_mapping_fields), NULL, NULL);
}

// Named unit configs: the same tables as the inline blocks.
static void mydumper_decode(cw *w, yaml_node_t *v, void *elem, const char *path, config_pos kp)
{
    config_mydumper *m = elem;
    m->pos = kp;
    mydumper_defaults(w, m);
    cw_decode_map(w, v, path, mydumper_fields, CF_COUNT(mydumper_fields), m, NULL);
}

static void loader_decode(cw *w, yaml_node_t *v, void *elem, const char *path, config_pos kp)
{
    config_loader *l = elem;
    l->pos = kp;
    loader_defaults(w, l);
    cw_decode_map(w, v, path, loader_fields, CF_COUNT(loader_fields), l, NULL);
}

static void syncer_decode(cw *w, yaml_node_t *v, void *elem, const char *path, config_pos kp)
{
    config_syncer *s = elem;
    s->pos = kp;
    syncer_defaults(s);
    cw_decode_map(w, v, path, syncer_fields, CF_COUNT(syncer_fields), s, NULL);
}

static void validator_decode(cw *w, yaml_node_t *v, void *elem, const char *path, config_pos kp)
{
    config_validator *x = elem;
    x->pos = kp;
    cw_decode_map(w, v, path, validator_fields, CF_COUNT(validator_fields), x, NULL);
}

typedef void (*elem_fn)(cw *w, yaml_node_t *v, void *elem, const char *path, config_pos kp);

// decode_named decodes a mapping of name -> definition into an array of elem_size elements
// whose name (char *) is at name_off.
static void decode_named(cw *w, yaml_node_t *map, const char *path, size_t elem_size,
                         size_t name_off, elem_fn fn, void **arr, size_t *n)
{
    cw_pair *pairs;
    size_t np, cap = *n;
    if (cw_map_pairs(w, map, path, &pairs, &np) != 0)
        return;
    for (size_t i = 0; i < np; i++) {
        char kpath[512];
        char *elem;
        void *na;
        if (!cw_spend(w, pairs[i].val, 2))
            break;
        na = cw_grow(w, *arr, &cap, *n + 1, elem_size);
        if (na == NULL)
            break;
        *arr = na;
        elem = (char *)na + *n * elem_size;
        *(char **)(elem + name_off) = cw_strdup(w, pairs[i].name);
        (*n)++;
        cw_keypath(kpath, sizeof(kpath), "%s.%s", path, pairs[i].name);
        fn(w, pairs[i].val, elem, kpath, cw_pos(pairs[i].key));
    }
    free(pairs);
}

// ---------------------------------------------------------------------------------------
// Instances.

typedef struct inst_raw {
    config_instance inst;
    char *bw_list;
    config_pos bw_pos;
    config_mydumper *mydumper;
    config_loader *loader;
    config_syncer *syncer;
    config_pos mydumper_pos, loader_pos, syncer_pos;
    config_pos seen_names[4]; // positions of the *-config-name keys
    int n_column_mapping_rules;
    config_pos column_mapping_pos;
} inst_raw;

static const cfield meta_fields[] = {
    {"binlog-name", CF_STR, CS_OK, offsetof(config_meta, binlog_name), 0, NULL, NULL},
    {"binlog-pos", CF_U32, CS_OK, offsetof(config_meta, binlog_pos), 0, NULL, NULL},
    {"binlog-gtid", CF_STR, CS_OK, offsetof(config_meta, binlog_gtid), 0, NULL, NULL},
};

static int inst_meta(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    inst_raw *r = obj;
    if (cw_is_null(v))
        return 0;
    if (r->inst.meta == NULL) {
        r->inst.meta = calloc(1, sizeof(*r->inst.meta));
        if (r->inst.meta == NULL) {
            w->nomem = true;
            return -1;
        }
    }
    r->inst.meta->pos = cw_pos(v);
    return cw_decode_map(w, v, path, meta_fields, CF_COUNT(meta_fields), r->inst.meta, NULL);
}

static void refs_decode(cw *w, yaml_node_t *v, const char *path, config_rule_ref **out,
                        size_t *n_out)
{
    size_t cap = *n_out;
    if (cw_is_null(v))
        return;
    if (v->type != YAML_SEQUENCE_NODE) {
        cw_error(w, CONFIG_ERR_TYPE, v, path, "expected a list of rule names, got %s",
                 cw_kind_name(v));
        return;
    }
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *e = yaml_document_get_node(&w->doc, *it);
        char ipath[512];
        char *s = NULL;
        config_rule_ref *na;
        if (e == NULL || !cw_spend(w, e, 3))
            return;
        cw_keypath(ipath, sizeof(ipath), "%s[%zu]", path,
                 (size_t)(it - v->data.sequence.items.start));
        if (cw_str(w, e, ipath, &s) != 0)
            continue;
        if (s == NULL)
            s = cw_strdup(w, "");
        na = cw_grow(w, *out, &cap, *n_out + 1, sizeof(*na));
        if (na == NULL || s == NULL) {
            free(s);
            return;
        }
        *out = na;
        na[*n_out].name = s;
        na[*n_out].pos = cw_pos(e);
        (*n_out)++;
    }
}

static int inst_routes(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    inst_raw *r = obj;
    refs_decode(w, v, path, &r->inst.route_rules, &r->inst.n_route_rules);
    return 0;
}

static int inst_filters(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    inst_raw *r = obj;
    refs_decode(w, v, path, &r->inst.filter_rules, &r->inst.n_filter_rules);
    return 0;
}

static int inst_exprs(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    inst_raw *r = obj;
    refs_decode(w, v, path, &r->inst.expression_filters, &r->inst.n_expression_filters);
    return 0;
}

static int inst_column_mapping_rules(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    inst_raw *r = obj;
    config_rule_ref *refs = NULL;
    size_t n = 0;
    refs_decode(w, v, path, &refs, &n);
    r->n_column_mapping_rules = (int)n;
    r->column_mapping_pos = cw_pos(v);
    for (size_t i = 0; i < n; i++)
        free(refs[i].name);
    free(refs);
    return 0;
}

static int inst_mydumper(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    inst_raw *r = obj;
    if (cw_is_null(v) || r->mydumper != NULL)
        return 0;
    r->mydumper = calloc(1, sizeof(*r->mydumper));
    if (r->mydumper == NULL) {
        w->nomem = true;
        return -1;
    }
    mydumper_decode(w, v, r->mydumper, path, cw_pos(v));
    r->mydumper_pos = cw_pos(v);
    return 0;
}

static int inst_loader(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    inst_raw *r = obj;
    if (cw_is_null(v) || r->loader != NULL)
        return 0;
    r->loader = calloc(1, sizeof(*r->loader));
    if (r->loader == NULL) {
        w->nomem = true;
        return -1;
    }
    loader_decode(w, v, r->loader, path, cw_pos(v));
    r->loader_pos = cw_pos(v);
    return 0;
}

static int inst_syncer(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    inst_raw *r = obj;
    if (cw_is_null(v) || r->syncer != NULL)
        return 0;
    r->syncer = calloc(1, sizeof(*r->syncer));
    if (r->syncer == NULL) {
        w->nomem = true;
        return -1;
    }
    syncer_decode(w, v, r->syncer, path, cw_pos(v));
    r->syncer_pos = cw_pos(v);
    return 0;
}

#define IO(m) offsetof(inst_raw, inst.m)
static const cfield inst_fields[] = {
    {"source-id", CF_STR, CS_OK, IO(source_id), 0, NULL, NULL},
    {"meta", CF_SUB, CS_OK, 0, 0, inst_meta, NULL},
    {"filter-rules", CF_SUB, CS_OK, 0, 0, inst_filters, NULL},
    {"column-mapping-rules", CF_SUB, CS_DEPRECATED, 0, 0, inst_column_mapping_rules,
     "column mapping was removed from DM; the list is ignored"},
    {"route-rules", CF_SUB, CS_OK, 0, 0, inst_routes, NULL},
    {"expression-filters", CF_SUB, CS_OK, 0, 0, inst_exprs, NULL},
    {"black-white-list", CF_STR, CS_DEPRECATED, offsetof(inst_raw, bw_list), 0, NULL,
     "alias of block-allow-list"},
    {"block-allow-list", CF_STR, CS_OK, IO(block_allow_list), 0, NULL, NULL},
    {"mydumper-config-name", CF_STR, CS_OK, IO(mydumper_config_name), 0, NULL, NULL},
    {"mydumper", CF_SUB, CS_OK, 0, 0, inst_mydumper, NULL},
    {"mydumper-thread", CF_INT, CS_OK, IO(mydumper_thread), 0, NULL, NULL},
    {"loader-config-name", CF_STR, CS_OK, IO(loader_config_name), 0, NULL, NULL},
    {"loader", CF_SUB, CS_OK, 0, 0, inst_loader, NULL},
    {"loader-thread", CF_INT, CS_OK, IO(loader_thread), 0, NULL, NULL},
    {"syncer-config-name", CF_STR, CS_OK, IO(syncer_config_name), 0, NULL, NULL},
    {"syncer", CF_SUB, CS_OK, 0, 0, inst_syncer, NULL},
    {"syncer-thread", CF_INT, CS_OK, IO(syncer_thread), 0, NULL, NULL},
    {"validator-config-name", CF_STR, CS_UNSUPPORTED, IO(validator_config_name), 0, NULL,
     "continuous data validation"},
};
#undef IO

static void inst_raw_fini(inst_raw *r)
{
    free(r->bw_list);
    if (r->mydumper) {
        mydumper_fini(r->mydumper);
        free(r->mydumper);
    }
    if (r->loader) {
        loader_fini(r->loader);
        free(r->loader);
    }
    if (r->syncer) {
        syncer_fini(r->syncer);
        free(r->syncer);
    }
}

// ---------------------------------------------------------------------------------------
// The task.

typedef struct task_raw {
    config_task t;
    char *task_mode;
    char *shard_mode;
    rules_def_balist *bwlists; // black-white-list, used when block-allow-list is empty
    size_t n_bwlists;
    size_t n_column_mappings;
    inst_raw *insts;
    size_t n_insts;
    bool has_target_db;
} task_raw;

static int t_target_db(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    task_raw *r = obj;
    if (cw_is_null(v))
        return 0;
    r->has_target_db = true;
    return config_db_decode(w, v, &r->t.target_db, path);
}

static int t_instances(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    task_raw *r = obj;
    size_t cap = r->n_insts;
    if (cw_is_null(v))
        return 0;
    if (v->type != YAML_SEQUENCE_NODE) {
        cw_error(w, CONFIG_ERR_TYPE, v, path, "expected a list of instances, got %s",
                 cw_kind_name(v));
        return -1;
    }
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *e = yaml_document_get_node(&w->doc, *it);
        char ipath[512];
        config_pos seen[CF_COUNT(inst_fields)];
        inst_raw *na, *ir;
        if (e == NULL || !cw_spend(w, e, 2))
            break;
        na = cw_grow(w, r->insts, &cap, r->n_insts + 1, sizeof(*na));
        if (na == NULL)
            return -1;
        r->insts = na;
        ir = &na[r->n_insts++];
        ir->inst.pos = cw_pos(e);
        cw_keypath(ipath, sizeof(ipath), "%s[%zu]", path, r->n_insts - 1);
        cw_decode_map(w, e, ipath, inst_fields, CF_COUNT(inst_fields), ir, seen);
        ir->inst.source_id_pos = seen[0].line ? seen[0] : ir->inst.pos;
        ir->bw_pos = seen[6];
        ir->inst.block_allow_list_pos = seen[7].line ? seen[7] : seen[6];
        ir->seen_names[0] = seen[8];
        ir->seen_names[1] = seen[11];
        ir->seen_names[2] = seen[14];
        ir->seen_names[3] = seen[17];
    }
    return 0;
}

static int t_routes(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    task_raw *r = obj;
    decode_named(w, v, path, sizeof(rules_def_route), offsetof(rules_def_route, name), route_decode,
                 (void **)&r->t.routes, &r->t.n_routes);
    return 0;
}

static int t_filters(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    task_raw *r = obj;
    decode_named(w, v, path, sizeof(rules_def_filter), offsetof(rules_def_filter, name),
                 filter_elem_decode, (void **)&r->t.filters, &r->t.n_filters);
    return 0;
}

static int t_balist(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    task_raw *r = obj;
    decode_named(w, v, path, sizeof(rules_def_balist), offsetof(rules_def_balist, name),
                 balist_decode, (void **)&r->t.balists, &r->t.n_balists);
    return 0;
}

static int t_bwlist(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    task_raw *r = obj;
    decode_named(w, v, path, sizeof(rules_def_balist), offsetof(rules_def_balist, name),
                 balist_decode, (void **)&r->bwlists, &r->n_bwlists);
    return 0;
}

static int t_exprs(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    task_raw *r = obj;
    decode_named(w, v, path, sizeof(config_expr_filter), offsetof(config_expr_filter, name),
                 expr_decode, (void **)&r->t.expr_filters, &r->t.n_expr_filters);
    return 0;
}

static int t_column_mappings(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    task_raw *r = obj;
    cw_pair *pairs;
    size_t np;
    if (cw_map_pairs(w, v, path, &pairs, &np) != 0)
        return -1;
    for (size_t i = 0; i < np; i++) {
        char kpath[512];
        cw_keypath(kpath, sizeof(kpath), "%s.%s", path, pairs[i].name);
        column_mapping_decode(w, pairs[i].val, NULL, kpath, cw_pos(pairs[i].key));
    }
    r->n_column_mappings = np;
    free(pairs);
    return 0;
}

static int t_mydumpers(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    task_raw *r = obj;
    decode_named(w, v, path, sizeof(config_mydumper), offsetof(config_mydumper, name),
                 mydumper_decode, (void **)&r->t.mydumpers, &r->t.n_mydumpers);
    return 0;
}

static int t_loaders(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    task_raw *r = obj;
    decode_named(w, v, path, sizeof(config_loader), offsetof(config_loader, name), loader_decode,
                 (void **)&r->t.loaders, &r->t.n_loaders);
    return 0;
}

static int t_syncers(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    task_raw *r = obj;
    decode_named(w, v, path, sizeof(config_syncer), offsetof(config_syncer, name), syncer_decode,
                 (void **)&r->t.syncers, &r->t.n_syncers);
    return 0;
}

static int t_validators(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    task_raw *r = obj;
    decode_named(w, v, path, sizeof(config_validator), offsetof(config_validator, name),
                 validator_decode, (void **)&r->t.validators, &r->t.n_validators);
    return 0;
}

static const cfield experimental_fields[] = {
    {"async-checkpoint-flush", CF_BOOL, CS_OK, offsetof(config_task, async_checkpoint_flush), 0,
     NULL, NULL},
};

static int t_experimental(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    task_raw *r = obj;
    return cw_decode_map(w, v, path, experimental_fields, CF_COUNT(experimental_fields), &r->t,
                         NULL);
}

static const cfield mariadb2tidb_fields[] = {
    {"mode", CF_ANY, CS_OK, 0, 0, NULL, NULL},
    {"enabled-rules", CF_ANY, CS_OK, 0, 0, NULL, NULL},
    {"disabled-rules", CF_ANY, CS_OK, 0, 0, NULL, NULL},
    {"strict-mode", CF_ANY, CS_OK, 0, 0, NULL, NULL},
};

static int t_mariadb2tidb(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    (void)obj;
    return cw_decode_map(w, v, path, mariadb2tidb_fields, CF_COUNT(mariadb2tidb_fields), NULL,
                         NULL);
}

#define TO(m) offsetof(task_raw, t.m)
static const cfield task_fields[] = {
    {"name", CF_STR, CS_OK, TO(name), 0, NULL, NULL},
    {"task-mode", CF_STR, CS_OK, offsetof(task_raw, task_mode), 0, NULL, NULL},
    {"is-sharding", CF_BOOL, CS_DEPRECATED, TO(is_sharding), 0, NULL,
     "use shard-mode; true means shard-mode \"pessimistic\""},
    {"shard-mode", CF_STR, CS_OK, offsetof(task_raw, shard_mode), 0, NULL, NULL},
    {"strict-optimistic-shard-mode", CF_BOOL, CS_OK, TO(strict_optimistic_shard_mode), 0, NULL,
     NULL},
    {"ignore-checking-items", CF_STRV, CS_OK, TO(ignore_checking_items),
     TO(n_ignore_checking_items), NULL, NULL},
    {"meta-schema", CF_STR, CS_OK, TO(meta_schema), 0, NULL, NULL},
    {"enable-heartbeat", CF_BOOL, CS_DEPRECATED, TO(enable_heartbeat), 0, NULL,
     "heartbeat was removed from DM; the value is ignored"},
    {"heartbeat-update-interval", CF_INT, CS_DEPRECATED, TO(heartbeat_update_interval), 0, NULL,
     "heartbeat was removed from DM; the value is ignored"},
    {"heartbeat-report-interval", CF_INT, CS_DEPRECATED, TO(heartbeat_report_interval), 0, NULL,
     "heartbeat was removed from DM; the value is ignored"},
    {"timezone", CF_STR, CS_OK, TO(timezone), 0, NULL, NULL},
    {"case-sensitive", CF_BOOL, CS_OK, TO(case_sensitive), 0, NULL, NULL},
    {"collation_compatible", CF_STR, CS_OK, TO(collation_compatible), 0, NULL, NULL},
    {"mariadb2tidb", CF_SUB, CS_UNSUPPORTED, 0, 0, t_mariadb2tidb,
     "MariaDB-to-TiDB schema conversion rules"},
    {"target-database", CF_SUB, CS_OK, 0, 0, t_target_db, NULL},
    {"mysql-instances", CF_SUB, CS_OK, 0, 0, t_instances, NULL},
    {"online-ddl", CF_BOOL, CS_OK, TO(online_ddl), 0, NULL, NULL},
    {"shadow-table-rules", CF_STRV, CS_OK, TO(shadow_table_rules), TO(n_shadow_table_rules), NULL,
     NULL},
    {"trash-table-rules", CF_STRV, CS_OK, TO(trash_table_rules), TO(n_trash_table_rules), NULL,
     NULL},
    {"online-ddl-scheme", CF_STR, CS_DEPRECATED, TO(online_ddl_scheme), 0, NULL,
     "use online-ddl: true (gh-ost and pt are both handled)"},
    {"routes", CF_SUB, CS_OK, 0, 0, t_routes, NULL},
    {"filters", CF_SUB, CS_OK, 0, 0, t_filters, NULL},
    {"column-mappings", CF_SUB, CS_DEPRECATED, 0, 0, t_column_mappings,
     "column mapping was removed from DM; use the extract-* options of routes"},
    {"expression-filter", CF_SUB, CS_OK, 0, 0, t_exprs, NULL},
    {"black-white-list", CF_SUB, CS_DEPRECATED, 0, 0, t_bwlist, "alias of block-allow-list"},
    {"block-allow-list", CF_SUB, CS_OK, 0, 0, t_balist, NULL},
    {"mydumpers", CF_SUB, CS_OK, 0, 0, t_mydumpers, NULL},
    {"loaders", CF_SUB, CS_OK, 0, 0, t_loaders, NULL},
    {"syncers", CF_SUB, CS_OK, 0, 0, t_syncers, NULL},
    {"validators", CF_SUB, CS_UNSUPPORTED, 0, 0, t_validators, "continuous data validation"},
    {"clean-dump-file", CF_BOOL, CS_IGNORED, TO(clean_dump_file), 0, NULL,
     "the dump is streamed into the downstream; there are no dump files"},
    {"ansi-quotes", CF_BOOL, CS_DEPRECATED, TO(ansi_quotes), 0, NULL,
     "ANSI_QUOTES is discovered from the upstream sql_mode"},
    {"remove-meta", CF_BOOL, CS_DEPRECATED, TO(remove_meta), 0, NULL,
     "use `start-task --remove-meta`"},
    {"experimental", CF_SUB, CS_UNSUPPORTED, 0, 0, t_experimental,
     "experimental.async-checkpoint-flush"},
};
#undef TO

// The scalar top-level fields printed by config_task_to_json, relative to config_task.
#define CT(m) offsetof(config_task, m)
static const cfield task_json_fields[] = {
    {"name", CF_STR, CS_OK, CT(name), 0, NULL, NULL},
    {"is-sharding", CF_BOOL, CS_OK, CT(is_sharding), 0, NULL, NULL},
    {"strict-optimistic-shard-mode", CF_BOOL, CS_OK, CT(strict_optimistic_shard_mode), 0, NULL,
     NULL},
    {"ignore-checking-items", CF_STRV, CS_OK, CT(ignore_checking_items),
     CT(n_ignore_checking_items), NULL, NULL},
    {"meta-schema", CF_STR, CS_OK, CT(meta_schema), 0, NULL, NULL},
    {"enable-heartbeat", CF_BOOL, CS_OK, CT(enable_heartbeat), 0, NULL, NULL},
    {"heartbeat-update-interval", CF_INT, CS_OK, CT(heartbeat_update_interval), 0, NULL, NULL},
    {"heartbeat-report-interval", CF_INT, CS_OK, CT(heartbeat_report_interval), 0, NULL, NULL},
    {"timezone", CF_STR, CS_OK, CT(timezone), 0, NULL, NULL},
    {"case-sensitive", CF_BOOL, CS_OK, CT(case_sensitive), 0, NULL, NULL},
    {"collation_compatible", CF_STR, CS_OK, CT(collation_compatible), 0, NULL, NULL},
    {"online-ddl", CF_BOOL, CS_OK, CT(online_ddl), 0, NULL, NULL},
    {"online-ddl-scheme", CF_STR, CS_OK, CT(online_ddl_scheme), 0, NULL, NULL},
    {"shadow-table-rules", CF_STRV, CS_OK, CT(shadow_table_rules), CT(n_shadow_table_rules), NULL,
     NULL},
    {"trash-table-rules", CF_STRV, CS_OK, CT(trash_table_rules), CT(n_trash_table_rules), NULL,
     NULL},
    {"clean-dump-file", CF_BOOL, CS_OK, CT(clean_dump_file), 0, NULL, NULL},
    {"ansi-quotes", CF_BOOL, CS_OK, CT(ansi_quotes), 0, NULL, NULL},
    {"remove-meta", CF_BOOL, CS_OK, CT(remove_meta), 0, NULL, NULL},
};
#undef CT

const char *config_task_mode_name(config_task_mode m)
{
    static const char *const names[] = {"all", "full", "incremental", "dump", "load", "load&sync"};
    return (unsigned)m < sizeof(names) / sizeof(names[0]) ? names[m] : "";
}

const char *config_shard_mode_name(config_shard_mode m)
{
    switch (m) {
    case CONFIG_SHARD_MODE_PESSIMISTIC:
        return "pessimistic";
    case CONFIG_SHARD_MODE_OPTIMISTIC:
        return "optimistic";
    default:
        return "";
    }
}

static void instance_fini(config_instance *in)
{
    free(in->source_id);
    free(in->meta ? in->meta->binlog_name : NULL);
    free(in->meta ? in->meta->binlog_gtid : NULL);
    free(in->meta);
    for (size_t i = 0; i < in->n_route_rules; i++)
        free(in->route_rules[i].name);
    for (size_t i = 0; i < in->n_filter_rules; i++)
        free(in->filter_rules[i].name);
    for (size_t i = 0; i < in->n_expression_filters; i++)
        free(in->expression_filters[i].name);
    free(in->route_rules);
    free(in->filter_rules);
    free(in->expression_filters);
    free(in->block_allow_list);
    free(in->mydumper_config_name);
    free(in->loader_config_name);
    free(in->syncer_config_name);
    free(in->validator_config_name);
    mydumper_fini(&in->mydumper);
    loader_fini(&in->loader);
    syncer_fini(&in->syncer);
    validator_fini(&in->validator);
}

static void task_fini(config_task *t)
{
    free(t->file);
    cf_fini(task_json_fields, CF_COUNT(task_json_fields), t);
    config_db_fini(&t->target_db);
    for (size_t i = 0; i < t->n_routes; i++)
        rules_def_route_fini(&t->routes[i]);
    for (size_t i = 0; i < t->n_filters; i++)
        rules_def_filter_fini(&t->filters[i]);
    for (size_t i = 0; i < t->n_balists; i++)
        rules_def_balist_fini(&t->balists[i]);
    for (size_t i = 0; i < t->n_expr_filters; i++) {
        free(t->expr_filters[i].name);
        cf_fini(expr_fields, CF_COUNT(expr_fields), &t->expr_filters[i]);
    }
    for (size_t i = 0; i < t->n_mydumpers; i++)
        mydumper_fini(&t->mydumpers[i]);
    for (size_t i = 0; i < t->n_loaders; i++)
        loader_fini(&t->loaders[i]);
    for (size_t i = 0; i < t->n_syncers; i++)
        syncer_fini(&t->syncers[i]);
    for (size_t i = 0; i < t->n_validators; i++)
        validator_fini(&t->validators[i]);
    for (size_t i = 0; i < t->n_instances; i++)
        instance_fini(&t->instances[i]);
    free(t->routes);
    free(t->filters);
    free(t->balists);
    free(t->expr_filters);
    free(t->mydumpers);
    free(t->loaders);
    free(t->syncers);
    free(t->validators);
    free(t->instances);
}

void config_task_destroy(config_task *t)
{
    if (t == NULL)
        return;
    task_fini(t);
    free(t);
}

static void task_raw_fini(task_raw *r)
{
    free(r->task_mode);
    free(r->shard_mode);
    for (size_t i = 0; i < r->n_bwlists; i++)
        rules_def_balist_fini(&r->bwlists[i]);
    free(r->bwlists);
    for (size_t i = 0; i < r->n_insts; i++) {
        instance_fini(&r->insts[i].inst);
        inst_raw_fini(&r->insts[i]);
    }
    free(r->insts);
}

// ---------------------------------------------------------------------------------------
// Validation (DM's TaskConfig.adjust and the subtask checks).

static const config_pos *tseen(const config_pos *seen, const char *key)
{
    return cf_seen(task_fields, CF_COUNT(task_fields), seen, key);
}

static config_pos tpos(cw *w, const config_pos *seen, const char *key)
{
    const config_pos *p = tseen(seen, key);
    return p ? *p : cw_pos(cw_root(w));
}

static bool lower_in(char *s, const char *const *allowed, size_t n)
{
    for (char *p = s; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, allowed[i]) == 0)
            return true;
    return false;
}

static void check_enum(cw *w, config_pos pos, const char *path, char **val, const char *def,
                       const char *const *allowed, size_t n, const char *list)
{
    if (*val == NULL || (*val)[0] == '\0') {
        free(*val);
        *val = cw_strdup(w, def);
        return;
    }
    if (!lower_in(*val, allowed, n))
        cw_error_at(w, CONFIG_ERR_ENUM, pos, path, "\"%s\" must be one of %s", *val, list);
}

static void loader_adjust(cw *w, config_loader *l, config_pos pos, const char *path)
{
    static const char *const modes[] = {"logical", "physical", "sql", "loader"};
    static const char *const dup_l[] = {"replace", "error", "ignore"};
    static const char *const dup_p[] = {"none", "manual"};
    static const char *const ops[] = {"required", "optional", "off"};
    char kpath[600];
    cw_keypath(kpath, sizeof(kpath), "%s.import-mode", path);
    check_enum(w, pos, kpath, &l->import_mode, "logical", modes, 4, "logical, physical");
    if (l->import_mode && (strcmp(l->import_mode, "sql") == 0 ||
                           strcmp(l->import_mode, "loader") == 0)) {
        free(l->import_mode);
        l->import_mode = cw_strdup(w, "logical");
    }
    if (l->import_mode && strcmp(l->import_mode, "physical") == 0)
        cw_warn_at(w, CONFIG_WARN_UNSUPPORTED, pos, kpath,
                   "not yet supported by this project: physical import (TiDB Lightning); "
                   "the logical import is used");
    if ((l->on_duplicate_logical == NULL || l->on_duplicate_logical[0] == '\0') &&
        l->on_duplicate != NULL && l->on_duplicate[0] != '\0') {
        free(l->on_duplicate_logical);
        l->on_duplicate_logical = cw_strdup(w, l->on_duplicate);
    }
    cw_keypath(kpath, sizeof(kpath), "%s.on-duplicate-logical", path);
    check_enum(w, pos, kpath, &l->on_duplicate_logical, "replace", dup_l, 3,
               "replace, error, ignore");
    cw_keypath(kpath, sizeof(kpath), "%s.on-duplicate-physical", path);
    check_enum(w, pos, kpath, &l->on_duplicate_physical, "none", dup_p, 2, "none, manual");
    cw_keypath(kpath, sizeof(kpath), "%s.checksum-physical", path);
    check_enum(w, pos, kpath, &l->checksum_physical, "required", ops, 3, "required, optional, off");
    cw_keypath(kpath, sizeof(kpath), "%s.analyze", path);
    check_enum(w, pos, kpath, &l->analyze, "optional", ops, 3, "required, optional, off");
    if (l->pool_size == 0)
        l->pool_size = 16;
    if (l->pool_size < 0) {
        cw_keypath(kpath, sizeof(kpath), "%s.pool-size", path);
        cw_error_at(w, CONFIG_ERR_VALUE, pos, kpath, "pool-size %d must be positive", l->pool_size);
    }
}

static void syncer_adjust(cw *w, config_syncer *s, config_pos pos, const char *path)
{
    char kpath[600];
    if (s->queue_size == 0)
        s->queue_size = 1024;
    if (s->checkpoint_flush_interval == 0)
        s->checkpoint_flush_interval = 30;
    if (s->safe_mode_duration == NULL || s->safe_mode_duration[0] == '\0') {
        char buf[32];
        snprintf(buf, sizeof(buf), "%ds", 2 * s->checkpoint_flush_interval);
        free(s->safe_mode_duration);
        s->safe_mode_duration = cw_strdup(w, buf);
    }
    cw_keypath(kpath, sizeof(kpath), "%s.safe-mode-duration", path);
    if (s->safe_mode_duration != NULL &&
        config_parse_duration(s->safe_mode_duration, &s->safe_mode_duration_ms) != 0)
        cw_error_at(w, CONFIG_ERR_VALUE, pos, kpath,
                    "invalid duration \"%s\" (expected Go syntax such as \"60s\" or \"1m30s\")",
                    s->safe_mode_duration);
    else if (s->safe_mode && s->safe_mode_duration_ms == 0)
        cw_error_at(w, CONFIG_ERR_CONFLICT, pos, kpath,
                    "safe-mode: true conflicts with safe-mode-duration \"0s\"");
    if (s->worker_count < 0 || s->batch < 0 || s->queue_size < 0 ||
        s->checkpoint_flush_interval < 0)
        cw_error_at(w, CONFIG_ERR_VALUE, pos, path,
                    "worker-count, batch, queue-size and checkpoint-flush-interval must be positive");
}

static void validator_adjust(cw *w, config_validator *v, config_pos pos, const char *path)
{
    static const char *const modes[] = {"none", "fast", "full"};
    char kpath[600];
    cw_keypath(kpath, sizeof(kpath), "%s.mode", path);
    check_enum(w, pos, kpath, &v->mode, "none", modes, 3, "none, fast, full");
    if (v->worker_count <= 0)
        v->worker_count = 4;
    if (v->validate_interval_ms == 0)
        v->validate_interval_ms = 10000;
    if (v->check_interval_ms == 0)
        v->check_interval_ms = 5000;
    if (v->row_error_delay_ms == 0)
        v->row_error_delay_ms = 30 * 60 * 1000;
    if (v->meta_flush_interval_ms == 0)
        v->meta_flush_interval_ms = 5 * 60 * 1000;
    if (v->batch_query_size == 0)
        v->batch_query_size = 100;
    if (v->max_pending_row_size == NULL || v->max_pending_row_size[0] == '\0') {
        free(v->max_pending_row_size);
        v->max_pending_row_size = cw_strdup(w, "500m");
    }
    if (v->max_pending_row_count == 0)
        v->max_pending_row_count = 2147483647;
}

// size_ok accepts a size like DM's ParseFileSize / units.RAMInBytes: a number with an
// optional unit (k, m, g, t, p, with optional i and b, any case).
static bool size_ok(const char *s)
{
    const char *p = s;
    while (*p == ' ')
        p++;
    if (!isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p))
            p++;
    }
    while (*p == ' ')
        p++;
    if (*p && strchr("kKmMgGtTpPbB", *p)) {
        if (*p == 'b' || *p == 'B')
            return p[1] == '\0';
        p++;
        if (*p == 'i' || *p == 'I')
            p++;
        if (*p == 'b' || *p == 'B')
            p++;
    }
    return *p == '\0';
}

static bool timezone_ok(const char *tz)
{
    // "+08:00" / "-05:30" offsets, "SYSTEM", "UTC" or an IANA name ("Asia/Shanghai").
    if ((tz[0] == '+' || tz[0] == '-') && isdigit((unsigned char)tz[1]) &&
        isdigit((unsigned char)tz[2]) && tz[3] == ':' && isdigit((unsigned char)tz[4]) &&
        isdigit((unsigned char)tz[5]) && tz[6] == '\0')
        return true;
    if (!isalpha((unsigned char)tz[0]))
        return false;
    for (const char *p = tz; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
            return false;
    return strstr(tz, "..") == NULL;
}

static const char *const checking_items[] = {
    "all", "dump_privilege", "replication_privilege", "version", "server_id", "binlog_enable",
    "binlog_format", "binlog_row_image", "table_schema", "schema_of_shard_tables",
    "auto_increment_ID", "online_ddl", "binlog_db", "meta_position", "conn_number",
    "target_privilege", "empty_region", "region_distribution", "downstream_version",
    "free_space", "downstream_mutex_features",
};

static void online_rules_adjust(cw *w, config_pos pos, const char *key, char ***rules, size_t *n,
                                const char *def)
{
    if (*n == 0) {
        char **v = calloc(1, sizeof(*v));
        if (v == NULL || (v[0] = cw_strdup(w, def)) == NULL) {
            free(v);
            w->nomem = true;
            return;
        }
        free(*rules);
        *rules = v;
        *n = 1;
        return;
    }
    for (size_t i = 0; i < *n; i++) {
        char *r = (*rules)[i];
        size_t len = strlen(r);
        bool anchor_start = r[0] == '^', anchor_end = len > 0 && r[len - 1] == '$';
        char *adj = malloc(len + 3);
        char kpath[128];
        int caps = -1;
        if (adj == NULL) {
            w->nomem = true;
            return;
        }
        snprintf(adj, len + 3, "%s%s%s", anchor_start ? "" : "^", r, anchor_end ? "" : "$");
        free(r);
        (*rules)[i] = adj;
        cw_keypath(kpath, sizeof(kpath), "%s[%zu]", key, i);
        config_check_regex(w, pos, kpath, adj, &caps);
        if (caps >= 0 && caps != 1)
            cw_error_at(w, CONFIG_ERR_REGEX, pos, kpath,
                        "regular expression \"%s\" must hold exactly one capture group (the "
                        "original table name), it has %d",
                        adj, caps);
    }
}

static int find_named(const void *arr, size_t n, size_t elem, size_t name_off, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = *(char *const *)((const char *)arr + i * elem + name_off);
        if (s != NULL && strcmp(s, name) == 0)
            return (int)i;
    }
    return -1;
}

static void check_refs(cw *w, const config_rule_ref *refs, size_t n, const char *ipath,
                       const char *key, const void *arr, size_t n_arr, size_t elem,
                       size_t name_off, const char *section, int *used)
{
    for (size_t i = 0; i < n; i++) {
        char kpath[600];
        int idx = find_named(arr, n_arr, elem, name_off, refs[i].name);
        cw_keypath(kpath, sizeof(kpath), "%s.%s[%zu]", ipath, key, i);
        if (idx < 0)
            cw_error_at(w, CONFIG_ERR_RULE_NOT_FOUND, refs[i].pos, kpath,
                        "rule \"%s\" is not defined in %s", refs[i].name, section);
        else
            used[idx]++;
        for (size_t j = 0; j < i; j++)
            if (strcmp(refs[j].name, refs[i].name) == 0) {
                cw_error_at(w, CONFIG_ERR_DUP_REF, refs[i].pos, kpath,
                            "rule \"%s\" is listed twice", refs[i].name);
                break;
            }
    }
}

static void report_unused(cw *w, const char *section, const void *arr, size_t n, size_t elem,
                          size_t name_off, const int *used, config_pos (*pos_of)(const void *))
{
    for (size_t i = 0; i < n; i++) {
        const void *e = (const char *)arr + i * elem;
        const char *name = *(char *const *)((const char *)e + name_off);
        char kpath[512];
        if (used[i] > 0)
            continue;
        cw_keypath(kpath, sizeof(kpath), "%s.%s", section, name);
        cw_error_at(w, CONFIG_ERR_RULE_UNUSED, pos_of(e), kpath,
                    "\"%s\" is defined but no mysql-instance uses it (DM rejects unused %s)", name,
                    section);
    }
}

static config_pos route_pos(const void *e)
{
    return (config_pos){((const rules_def_route *)e)->line, 1};
}
static config_pos filter_pos(const void *e)
{
    return (config_pos){((const rules_def_filter *)e)->line, 1};
}
static config_pos expr_pos(const void *e)
{
    return (config_pos){((const config_expr_filter *)e)->line, 1};
}
static config_pos mydumper_pos(const void *e)
{
    return ((const config_mydumper *)e)->pos;
}
static config_pos loader_pos(const void *e)
{
    return ((const config_loader *)e)->pos;
}
static config_pos syncer_pos(const void *e)
{
    return ((const config_syncer *)e)->pos;
}
static config_pos validator_pos(const void *e)
{
    return ((const config_validator *)e)->pos;
}

// unit_resolve builds an instance's effective config: a copy of the named config, else the
// inline block, else defaults. Conflicts and missing names are reported by the caller.
static void unit_copy(cw *w, const cfield *f, size_t nf, void *dst, const void *src)
{
    if (cf_copy(f, nf, dst, src) != 0)
        w->nomem = true;
}

static void resolve_instance(cw *w, task_raw *r, inst_raw *ir, size_t idx, int *used[7])
{
    config_task *t = &r->t;
    config_instance *in = &ir->inst;
    char ipath[64], kpath[600];
    int k;
    cw_keypath(ipath, sizeof(ipath), "mysql-instances[%zu]", idx);

    if (in->source_id == NULL || in->source_id[0] == '\0') {
        cw_error_at(w, CONFIG_ERR_MISSING, in->pos, ipath, "source-id is required");
    } else if (strlen(in->source_id) > CONFIG_MAX_SOURCE_ID_LEN) {
        cw_keypath(kpath, sizeof(kpath), "%s.source-id", ipath);
        cw_error_at(w, CONFIG_ERR_SOURCE_ID_LEN, in->source_id_pos, kpath,
                    "source-id \"%s\" is %zu bytes, longer than %d", in->source_id,
                    strlen(in->source_id), CONFIG_MAX_SOURCE_ID_LEN);
    }
    if (in->meta != NULL) {
        cw_keypath(kpath, sizeof(kpath), "%s.meta", ipath);
        if ((in->meta->binlog_name == NULL || in->meta->binlog_name[0] == '\0') &&
            (in->meta->binlog_gtid == NULL || in->meta->binlog_gtid[0] == '\0'))
            cw_error_at(w, CONFIG_ERR_META, in->meta->pos, kpath,
                        "meta must set binlog-name (with binlog-pos) or binlog-gtid");
        if (t->task_mode != CONFIG_TASK_MODE_INCREMENTAL &&
            t->task_mode != CONFIG_TASK_MODE_LOAD_SYNC)
            cw_warn_at(w, CONFIG_WARN_NOTICE, in->meta->pos, kpath,
                       "meta is not used in task-mode %s (the dump's position is used, or "
                       "there is no incremental phase)",
                       config_task_mode_name(t->task_mode));
    } else if (t->task_mode == CONFIG_TASK_MODE_INCREMENTAL) {
        cw_warn_at(w, CONFIG_WARN_NOTICE, in->pos, ipath,
                   "no meta for task-mode incremental: replication starts at the downstream "
                   "checkpoint, else at the upstream's current position");
    }
    // Conflicts between a *-config-name and an inline block (DM ErrConfig*CfgConflict).
    if (in->mydumper_config_name && in->mydumper_config_name[0] && ir->mydumper) {
        cw_keypath(kpath, sizeof(kpath), "%s.mydumper", ipath);
        cw_error_at(w, CONFIG_ERR_CONFLICT, ir->mydumper_pos, kpath,
                    "mydumper-config-name and mydumper cannot both be set");
    }
    if (in->loader_config_name && in->loader_config_name[0] && ir->loader) {
        cw_keypath(kpath, sizeof(kpath), "%s.loader", ipath);
        cw_error_at(w, CONFIG_ERR_CONFLICT, ir->loader_pos, kpath,
                    "loader-config-name and loader cannot both be set");
    }
    if (in->syncer_config_name && in->syncer_config_name[0] && ir->syncer) {
        cw_keypath(kpath, sizeof(kpath), "%s.syncer", ipath);
        cw_error_at(w, CONFIG_ERR_CONFLICT, ir->syncer_pos, kpath,
                    "syncer-config-name and syncer cannot both be set");
    }
    // block-allow-list (black-white-list is its alias; DM prefers block-allow-list).
    if ((in->block_allow_list == NULL || in->block_allow_list[0] == '\0') && ir->bw_list &&
        ir->bw_list[0]) {
        free(in->block_allow_list);
        in->block_allow_list = ir->bw_list;
        ir->bw_list = NULL;
        in->block_allow_list_pos = ir->bw_pos;
    }
    if (in->block_allow_list != NULL && in->block_allow_list[0] == '\0') {
        free(in->block_allow_list);
        in->block_allow_list = NULL;
    }
    if (in->block_allow_list != NULL &&
        find_named(t->balists, t->n_balists, sizeof(rules_def_balist),
                   offsetof(rules_def_balist, name), in->block_allow_list) < 0) {
        cw_keypath(kpath, sizeof(kpath), "%s.block-allow-list", ipath);
        cw_error_at(w, CONFIG_ERR_RULE_NOT_FOUND, in->block_allow_list_pos, kpath,
                    "rule \"%s\" is not defined in block-allow-list", in->block_allow_list);
    }
    check_refs(w, in->route_rules, in->n_route_rules, ipath, "route-rules", t->routes, t->n_routes,
               sizeof(rules_def_route), offsetof(rules_def_route, name), "routes", used[0]);
    check_refs(w, in->filter_rules, in->n_filter_rules, ipath, "filter-rules", t->filters,
               t->n_filters, sizeof(rules_def_filter), offsetof(rules_def_filter, name), "filters",
               used[1]);
    check_refs(w, in->expression_filters, in->n_expression_filters, ipath, "expression-filters",
               t->expr_filters, t->n_expr_filters, sizeof(config_expr_filter),
               offsetof(config_expr_filter, name), "expression-filter", used[5]);

    // Effective mydumper config.
    k = -1;
    if (in->mydumper_config_name && in->mydumper_config_name[0]) {
        k = find_named(t->mydumpers, t->n_mydumpers, sizeof(config_mydumper),
                       offsetof(config_mydumper, name), in->mydumper_config_name);
        if (k < 0) {
            cw_keypath(kpath, sizeof(kpath), "%s.mydumper-config-name", ipath);
            cw_error_at(w, CONFIG_ERR_RULE_NOT_FOUND, ir->seen_names[0], kpath,
                        "\"%s\" is not defined in mydumpers", in->mydumper_config_name);
        } else {
            used[2][k]++;
        }
    }
    if (k >= 0)
        unit_copy(w, mydumper_fields, CF_COUNT(mydumper_fields), &in->mydumper, &t->mydumpers[k]);
    else if (ir->mydumper)
        unit_copy(w, mydumper_fields, CF_COUNT(mydumper_fields), &in->mydumper, ir->mydumper);
    else
        mydumper_defaults(w, &in->mydumper);
    if (in->mydumper.chunk_filesize == NULL || in->mydumper.chunk_filesize[0] == '\0') {
        free(in->mydumper.chunk_filesize);
        in->mydumper.chunk_filesize = cw_strdup(w, "64");
    }
    if (in->mydumper_thread != 0)
        in->mydumper.threads = in->mydumper_thread;

    // Effective loader config.
    k = -1;
    if (in->loader_config_name && in->loader_config_name[0]) {
        k = find_named(t->loaders, t->n_loaders, sizeof(config_loader),
                       offsetof(config_loader, name), in->loader_config_name);
        if (k < 0) {
            cw_keypath(kpath, sizeof(kpath), "%s.loader-config-name", ipath);
            cw_error_at(w, CONFIG_ERR_RULE_NOT_FOUND, ir->seen_names[1], kpath,
                        "\"%s\" is not defined in loaders", in->loader_config_name);
        } else {
            used[3][k]++;
        }
    }
    if (k >= 0)
        unit_copy(w, loader_fields, CF_COUNT(loader_fields), &in->loader, &t->loaders[k]);
    else if (ir->loader)
        unit_copy(w, loader_fields, CF_COUNT(loader_fields), &in->loader, ir->loader);
    else
        loader_defaults(w, &in->loader);
    if (k < 0) {
        cw_keypath(kpath, sizeof(kpath), "%s.loader", ipath);
        loader_adjust(w, &in->loader, ir->loader ? ir->loader_pos : in->pos, kpath);
    }
    if (in->loader_thread != 0)
        in->loader.pool_size = in->loader_thread;

    // Effective syncer config.
    k = -1;
    if (in->syncer_config_name && in->syncer_config_name[0]) {
        k = find_named(t->syncers, t->n_syncers, sizeof(config_syncer),
                       offsetof(config_syncer, name), in->syncer_config_name);
        if (k < 0) {
            cw_keypath(kpath, sizeof(kpath), "%s.syncer-config-name", ipath);
            cw_error_at(w, CONFIG_ERR_RULE_NOT_FOUND, ir->seen_names[2], kpath,
                        "\"%s\" is not defined in syncers", in->syncer_config_name);
        } else {
            used[4][k]++;
        }
    }
    if (k >= 0)
        unit_copy(w, syncer_fields, CF_COUNT(syncer_fields), &in->syncer, &t->syncers[k]);
    else if (ir->syncer)
        unit_copy(w, syncer_fields, CF_COUNT(syncer_fields), &in->syncer, ir->syncer);
    else
        syncer_defaults(&in->syncer);
    cw_keypath(kpath, sizeof(kpath), "%s.syncer", ipath);
    syncer_adjust(w, &in->syncer,
                  k >= 0 ? t->syncers[k].pos : (ir->syncer ? ir->syncer_pos : in->pos), kpath);
    if (in->syncer_thread != 0)
        in->syncer.worker_count = in->syncer_thread;

    // Effective validator config.
    k = -1;
    if (in->validator_config_name && in->validator_config_name[0]) {
        k = find_named(t->validators, t->n_validators, sizeof(config_validator),
                       offsetof(config_validator, name), in->validator_config_name);
        if (k < 0) {
            cw_keypath(kpath, sizeof(kpath), "%s.validator-config-name", ipath);
            cw_error_at(w, CONFIG_ERR_RULE_NOT_FOUND, ir->seen_names[3], kpath,
                        "\"%s\" is not defined in validators", in->validator_config_name);
        } else {
            used[6][k]++;
        }
    }
    if (k >= 0)
        unit_copy(w, validator_fields, CF_COUNT(validator_fields), &in->validator,
                  &t->validators[k]);
    else
        validator_adjust(w, &in->validator, in->pos, ipath);

    if (in->mydumper.threads < 0 || in->loader.pool_size < 0 || in->syncer.worker_count < 0)
        cw_error_at(w, CONFIG_ERR_VALUE, in->pos, ipath,
                    "thread counts (mydumper-thread, loader-thread, syncer-thread) must be "
                    "positive");
    if (!size_ok(in->mydumper.chunk_filesize)) {
        cw_keypath(kpath, sizeof(kpath), "%s.mydumper.chunk-filesize", ipath);
        cw_error_at(w, CONFIG_ERR_VALUE, in->pos, kpath,
                    "\"%s\" is not a size (e.g. 64, 64MiB)", in->mydumper.chunk_filesize);
    }
}

static void task_adjust(cw *w, task_raw *r, const config_pos *seen)
{
    static const char *const modes[] = {"all", "full", "incremental", "dump", "load", "load&sync"};
    config_task *t = &r->t;
    int *used[7] = {NULL};
    size_t n_used[7] = {t->n_routes, t->n_filters, t->n_mydumpers, t->n_loaders, t->n_syncers,
                        t->n_expr_filters, t->n_validators};

    if (t->name == NULL || t->name[0] == '\0')
        cw_error_at(w, CONFIG_ERR_MISSING, tpos(w, seen, "name"), "name",
                    "name is required (a task name unique in the cluster)");
    if (r->task_mode == NULL || r->task_mode[0] == '\0') {
        cw_error_at(w, CONFIG_ERR_MISSING, tpos(w, seen, "task-mode"), "task-mode",
                    "task-mode is required (all, full, incremental, dump, load)");
    } else {
        size_t i;
        for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
            if (strcmp(r->task_mode, modes[i]) == 0)
                break;
        if (i == sizeof(modes) / sizeof(modes[0]))
            cw_error_at(w, CONFIG_ERR_ENUM, *tseen(seen, "task-mode"), "task-mode",
                        "\"%s\" must be one of all, full, incremental, dump, load, load&sync",
                        r->task_mode);
        else
            t->task_mode = (config_task_mode)i;
    }
    if (t->meta_schema == NULL || t->meta_schema[0] == '\0') {
        free(t->meta_schema);
        t->meta_schema = cw_strdup(w, "dm_meta");
    }
    if (r->shard_mode == NULL || r->shard_mode[0] == '\0') {
        t->shard_mode = t->is_sharding ? CONFIG_SHARD_MODE_PESSIMISTIC : CONFIG_SHARD_MODE_NONE;
    } else if (strcmp(r->shard_mode, "pessimistic") == 0) {
        t->shard_mode = CONFIG_SHARD_MODE_PESSIMISTIC;
    } else if (strcmp(r->shard_mode, "optimistic") == 0) {
        t->shard_mode = CONFIG_SHARD_MODE_OPTIMISTIC;
    } else {
        cw_error_at(w, CONFIG_ERR_ENUM, *tseen(seen, "shard-mode"), "shard-mode",
                    "\"%s\" must be \"\", \"pessimistic\" or \"optimistic\"", r->shard_mode);
    }
    if (t->strict_optimistic_shard_mode && t->shard_mode != CONFIG_SHARD_MODE_OPTIMISTIC)
        cw_error_at(w, CONFIG_ERR_CONFLICT, *tseen(seen, "strict-optimistic-shard-mode"),
                    "strict-optimistic-shard-mode",
                    "strict-optimistic-shard-mode needs shard-mode \"optimistic\"");
    if (r->n_column_mappings > 0)
        cw_error_at(w, CONFIG_ERR_DEPRECATED, *tseen(seen, "column-mappings"), "column-mappings",
                    "column mapping was removed from DM and DM rejects it; use the "
                    "extract-table/extract-schema/extract-source options of routes");
    if (t->collation_compatible == NULL || t->collation_compatible[0] == '\0') {
        free(t->collation_compatible);
        t->collation_compatible = cw_strdup(w, "loose");
    } else if (strcmp(t->collation_compatible, "strict") == 0) {
        cw_warn_at(w, CONFIG_WARN_UNSUPPORTED, *tseen(seen, "collation_compatible"),
                   "collation_compatible",
                   "not yet supported by this project: \"strict\" (statements are replicated "
                   "as written, like \"loose\")");
    } else if (strcmp(t->collation_compatible, "loose") != 0) {
        cw_error_at(w, CONFIG_ERR_ENUM, *tseen(seen, "collation_compatible"),
                    "collation_compatible", "\"%s\" must be \"loose\" or \"strict\"",
                    t->collation_compatible);
    }
    for (size_t i = 0; i < t->n_ignore_checking_items; i++) {
        size_t j;
        for (j = 0; j < sizeof(checking_items) / sizeof(checking_items[0]); j++)
            if (strcmp(t->ignore_checking_items[i], checking_items[j]) == 0)
                break;
        if (j == sizeof(checking_items) / sizeof(checking_items[0])) {
            char kpath[64];
            cw_keypath(kpath, sizeof(kpath), "ignore-checking-items[%zu]", i);
            cw_error_at(w, CONFIG_ERR_ENUM, *tseen(seen, "ignore-checking-items"), kpath,
                        "unknown checking item \"%s\" (e.g. all, version, server_id, "
                        "binlog_format, table_schema)",
                        t->ignore_checking_items[i]);
        }
    }
    if (t->online_ddl_scheme != NULL && t->online_ddl_scheme[0] != '\0') {
        if (strcmp(t->online_ddl_scheme, "gh-ost") == 0 || strcmp(t->online_ddl_scheme, "pt") == 0)
            t->online_ddl = true;
        else
            cw_error_at(w, CONFIG_ERR_ENUM, *tseen(seen, "online-ddl-scheme"), "online-ddl-scheme",
                        "\"%s\" must be \"gh-ost\" or \"pt\"", t->online_ddl_scheme);
    }
    online_rules_adjust(w, tpos(w, seen, "shadow-table-rules"), "shadow-table-rules",
                        &t->shadow_table_rules, &t->n_shadow_table_rules, DEFAULT_SHADOW_RULE);
    online_rules_adjust(w, tpos(w, seen, "trash-table-rules"), "trash-table-rules",
                        &t->trash_table_rules, &t->n_trash_table_rules, DEFAULT_TRASH_RULE);
    if (!r->has_target_db)
        cw_error_at(w, CONFIG_ERR_MISSING, tpos(w, seen, "target-database"), "target-database",
                    "target-database is required");
    if (r->n_insts == 0)
        cw_error_at(w, CONFIG_ERR_MISSING, tpos(w, seen, "mysql-instances"), "mysql-instances",
                    "mysql-instances needs at least one instance");
    // black-white-list is used only when block-allow-list is empty, as in DM.
    if (t->n_balists == 0 && r->n_bwlists > 0) {
        t->balists = r->bwlists;
        t->n_balists = r->n_bwlists;
        r->bwlists = NULL;
        r->n_bwlists = 0;
    }
    for (size_t i = 0; i < t->n_validators; i++) {
        char kpath[512];
        cw_keypath(kpath, sizeof(kpath), "validators.%s", t->validators[i].name);
        validator_adjust(w, &t->validators[i], t->validators[i].pos, kpath);
        if (!size_ok(t->validators[i].max_pending_row_size))
            cw_error_at(w, CONFIG_ERR_VALUE, t->validators[i].pos, kpath,
                        "max-pending-row-size \"%s\" is not a size",
                        t->validators[i].max_pending_row_size);
    }
    for (size_t i = 0; i < t->n_loaders; i++) {
        char kpath[512];
        cw_keypath(kpath, sizeof(kpath), "loaders.%s", t->loaders[i].name);
        loader_adjust(w, &t->loaders[i], t->loaders[i].pos, kpath);
    }
    for (int i = 0; i < 7; i++) {
        used[i] = calloc(n_used[i] + 1, sizeof(int));
        if (used[i] == NULL)
            w->nomem = true;
    }
    if (w->nomem)
        goto done;

    for (size_t i = 0; i < r->n_insts; i++) {
        inst_raw *ir = &r->insts[i];
        resolve_instance(w, r, ir, i, used);
        for (size_t j = 0; j < i; j++) {
            const char *a = r->insts[j].inst.source_id, *b = ir->inst.source_id;
            if (a && b && b[0] && strcmp(a, b) == 0) {
                char kpath[64];
                cw_keypath(kpath, sizeof(kpath), "mysql-instances[%zu].source-id", i);
                cw_error_at(w, CONFIG_ERR_DUP_SOURCE, ir->inst.source_id_pos, kpath,
                            "source-id \"%s\" is already used by mysql-instances[%zu] (line %d)",
                            b, j, r->insts[j].inst.source_id_pos.line);
                break;
            }
        }
    }
    report_unused(w, "routes", t->routes, t->n_routes, sizeof(rules_def_route),
                  offsetof(rules_def_route, name), used[0], route_pos);
    report_unused(w, "filters", t->filters, t->n_filters, sizeof(rules_def_filter),
                  offsetof(rules_def_filter, name), used[1], filter_pos);
    report_unused(w, "mydumpers", t->mydumpers, t->n_mydumpers, sizeof(config_mydumper),
                  offsetof(config_mydumper, name), used[2], mydumper_pos);
    report_unused(w, "loaders", t->loaders, t->n_loaders, sizeof(config_loader),
                  offsetof(config_loader, name), used[3], loader_pos);
    report_unused(w, "syncers", t->syncers, t->n_syncers, sizeof(config_syncer),
                  offsetof(config_syncer, name), used[4], syncer_pos);
    report_unused(w, "expression-filter", t->expr_filters, t->n_expr_filters,
                  sizeof(config_expr_filter), offsetof(config_expr_filter, name), used[5],
                  expr_pos);
    report_unused(w, "validators", t->validators, t->n_validators, sizeof(config_validator),
                  offsetof(config_validator, name), used[6], validator_pos);

    if (t->timezone != NULL && t->timezone[0] != '\0' && !timezone_ok(t->timezone))
        cw_error_at(w, CONFIG_ERR_VALUE, *tseen(seen, "timezone"), "timezone",
                    "\"%s\" is not a time zone (e.g. \"+08:00\", \"UTC\", \"Asia/Shanghai\")",
                    t->timezone);
    if (t->enable_heartbeat || t->heartbeat_update_interval != 1 ||
        t->heartbeat_report_interval != 10)
        t->enable_heartbeat = false;
done:
    for (int i = 0; i < 7; i++)
        free(used[i]);
}

int config_task_from_string(config_task **out, const char *text, size_t len, const char *name,
                            const config_load_opts *opts, config_diag *diag)
{
    cw w;
    task_raw *r = NULL;
    config_task *t = NULL;
    config_pos seen[CF_COUNT(task_fields)];
    yaml_node_t *root;
    int rc;
    *out = NULL;
    memset(seen, 0, sizeof(seen));
    rc = cw_open(&w, text, len, name, opts, diag);
    if (rc != 0)
        goto done;
    r = calloc(1, sizeof(*r));
    if (r == NULL) {
        rc = DM_ERR_NOMEM;
        goto done;
    }
    r->t.meta_schema = cw_strdup(&w, "dm_meta");
    r->t.heartbeat_update_interval = 1;
    r->t.heartbeat_report_interval = 10;
    r->t.clean_dump_file = true;
    r->t.online_ddl = true;
    config_db_init(&r->t.target_db);
    r->t.file = cw_strdup(&w, w.file);
    root = cw_root(&w);
    if (root == NULL) {
        cw_error_at(&w, CONFIG_ERR_MISSING, (config_pos){1, 1}, "", "the file is empty");
    } else if (root->type != YAML_MAPPING_NODE) {
        cw_error(&w, CONFIG_ERR_TYPE, root, "", "a task file must be a mapping of keys, got %s",
                 cw_kind_name(root));
    } else {
        cw_decode_map(&w, root, "", task_fields, CF_COUNT(task_fields), r, seen);
        if (!w.nomem)
            task_adjust(&w, r, seen);
    }
    if (r->t.target_db.host == NULL)
        config_db_decode(&w, NULL, &r->t.target_db, "target-database");
    if (r->t.timezone == NULL)
        r->t.timezone = cw_strdup(&w, "");
    if (r->t.online_ddl_scheme == NULL)
        r->t.online_ddl_scheme = cw_strdup(&w, "");
    if (r->t.collation_compatible == NULL)
        r->t.collation_compatible = cw_strdup(&w, "loose");
    if (w.nomem) {
        rc = DM_ERR_NOMEM;
        goto done;
    }
    if (cw_error_count(&w) > 0) {
        rc = CONFIG_ERR_INVALID;
        goto done;
    }
    // Move the instances out of their decoding wrappers.
    t = malloc(sizeof(*t));
    if (t == NULL || (r->n_insts && (r->t.instances = calloc(r->n_insts, sizeof(config_instance))) ==
                                        NULL)) {
        rc = DM_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < r->n_insts; i++) {
        r->t.instances[i] = r->insts[i].inst;
        memset(&r->insts[i].inst, 0, sizeof(r->insts[i].inst));
    }
    r->t.n_instances = r->n_insts;
    *t = r->t;
    memset(&r->t, 0, sizeof(r->t));
    *out = t;
    t = NULL;
done:
    free(t);
    if (r != NULL) {
        task_raw_fini(r);
        task_fini(&r->t);
        free(r);
    }
    cw_close(&w);
    return rc;
}

int config_task_load_opts(config_task **out, const char *path, const config_load_opts *opts,
                          config_diag *diag)
{
    char *text = NULL;
    size_t len = 0;
    int rc;
    *out = NULL;
    rc = config_read_for_load(&text, &len, path, diag);
    if (rc == 0)
        rc = config_task_from_string(out, text, len, path, opts, diag);
    free(text);
    return rc;
}

int config_task_load(config_task **out, const char *path, config_diag *diag)
{
    return config_task_load_opts(out, path, NULL, diag);
}

// ---------------------------------------------------------------------------------------
// Lookups.

const config_instance *config_task_instance(const config_task *t, const char *source_id)
{
    int i = find_named(t->instances, t->n_instances, sizeof(config_instance),
                       offsetof(config_instance, source_id), source_id);
    return i < 0 ? NULL : &t->instances[i];
}

const rules_def_route *config_task_route(const config_task *t, const char *name)
{
    int i = find_named(t->routes, t->n_routes, sizeof(rules_def_route),
                       offsetof(rules_def_route, name), name);
    return i < 0 ? NULL : &t->routes[i];
}

const rules_def_filter *config_task_filter(const config_task *t, const char *name)
{
    int i = find_named(t->filters, t->n_filters, sizeof(rules_def_filter),
                       offsetof(rules_def_filter, name), name);
    return i < 0 ? NULL : &t->filters[i];
}

const rules_def_balist *config_task_balist(const config_task *t, const char *name)
{
    int i = find_named(t->balists, t->n_balists, sizeof(rules_def_balist),
                       offsetof(rules_def_balist, name), name);
    return i < 0 ? NULL : &t->balists[i];
}

const config_expr_filter *config_task_expr_filter(const config_task *t, const char *name)
{
    int i = find_named(t->expr_filters, t->n_expr_filters, sizeof(config_expr_filter),
                       offsetof(config_expr_filter, name), name);
    return i < 0 ? NULL : &t->expr_filters[i];
}

// ---------------------------------------------------------------------------------------
// JSON.

static json_t *unit_json(const cfield *f, size_t nf, const void *obj)
{
    json_t *o = json_object();
    if (o != NULL && cf_to_json(f, nf, obj, o) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *refs_json(const config_rule_ref *refs, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < n; i++)
        if (json_array_append_new(a, json_string(refs[i].name)) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *tables_json(const rules_def_table *t, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < n; i++)
        if (json_array_append_new(a, json_pack("{s:s,s:s}", "db-name",
                                               t[i].db_name ? t[i].db_name : "", "tbl-name",
                                               t[i].tbl_name ? t[i].tbl_name : "")) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static int set(json_t *o, const char *k, json_t *v)
{
    return v == NULL || json_object_set_new(o, k, v) != 0 ? -1 : 0;
}

static json_t *route_json(const rules_def_route *r)
{
    json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "schema-pattern",
                          r->schema_pattern ? r->schema_pattern : "", "table-pattern",
                          r->table_pattern ? r->table_pattern : "", "target-schema",
                          r->target_schema ? r->target_schema : "", "target-table",
                          r->target_table ? r->target_table : "");
    const rules_def_extract *x[3] = {&r->extract_table, &r->extract_schema, &r->extract_source};
    static const char *const keys[3][2] = {{"extract-table", "table-regexp"},
                                           {"extract-schema", "schema-regexp"},
                                           {"extract-source", "source-regexp"}};
    for (int i = 0; o != NULL && i < 3; i++) {
        if (x[i]->target_column == NULL)
            continue;
        if (set(o, keys[i][0], json_pack("{s:s,s:s}", keys[i][1], x[i]->regex, "target-column",
                                         x[i]->target_column)) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static json_t *instance_json(const config_instance *in)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    if (set(o, "source-id", json_string(in->source_id ? in->source_id : "")) != 0)
        goto fail;
    if (in->meta != NULL) {
        if (set(o, "meta", unit_json(meta_fields, CF_COUNT(meta_fields), in->meta)) != 0)
            goto fail;
    } else if (json_object_set_new(o, "meta", json_null()) != 0) {
        goto fail;
    }
    if (set(o, "route-rules", refs_json(in->route_rules, in->n_route_rules)) != 0 ||
        set(o, "filter-rules", refs_json(in->filter_rules, in->n_filter_rules)) != 0 ||
        set(o, "expression-filters", refs_json(in->expression_filters, in->n_expression_filters)) !=
            0 ||
        set(o, "block-allow-list",
            json_string(in->block_allow_list ? in->block_allow_list : "")) != 0 ||
        set(o, "mydumper-config-name",
            json_string(in->mydumper_config_name ? in->mydumper_config_name : "")) != 0 ||
        set(o, "loader-config-name",
            json_string(in->loader_config_name ? in->loader_config_name : "")) != 0 ||
        set(o, "syncer-config-name",
            json_string(in->syncer_config_name ? in->syncer_config_name : "")) != 0 ||
        set(o, "validator-config-name",
            json_string(in->validator_config_name ? in->validator_config_name : "")) != 0 ||
        set(o, "mydumper", unit_json(mydumper_fields, CF_COUNT(mydumper_fields), &in->mydumper)) !=
            0 ||
        set(o, "loader", unit_json(loader_fields, CF_COUNT(loader_fields), &in->loader)) != 0 ||
        set(o, "syncer", unit_json(syncer_fields, CF_COUNT(syncer_fields), &in->syncer)) != 0 ||
        set(o, "validator",
            unit_json(validator_fields, CF_COUNT(validator_fields), &in->validator)) != 0)
        goto fail;
    return o;
fail:
    json_decref(o);
    return NULL;
}

json_t *config_task_to_json(const config_task *t)
{
    json_t *o = json_object(), *m;
    if (o == NULL || cf_to_json(task_json_fields, 1, t, o) != 0)
        goto fail;
    if (set(o, "task-mode", json_string(config_task_mode_name(t->task_mode))) != 0 ||
        set(o, "shard-mode", json_string(config_shard_mode_name(t->shard_mode))) != 0 ||
        cf_to_json(task_json_fields + 1, CF_COUNT(task_json_fields) - 1, t, o) != 0 ||
        set(o, "experimental",
            json_pack("{s:b}", "async-checkpoint-flush", t->async_checkpoint_flush)) != 0 ||
        set(o, "target-database", config_db_to_json(&t->target_db)) != 0)
        goto fail;
#define NAMED(key, arr, n, expr)                                                                  \
    do {                                                                                          \
        if ((m = json_object()) == NULL || json_object_set_new(o, key, m) != 0)                   \
            goto fail;                                                                            \
        for (size_t i = 0; i < (n); i++)                                                          \
            if (set(m, (arr)[i].name, (expr)) != 0)                                               \
                goto fail;                                                                        \
    } while (0)
    NAMED("routes", t->routes, t->n_routes, route_json(&t->routes[i]));
    NAMED("filters", t->filters, t->n_filters, config_filter_to_json(&t->filters[i]));
    NAMED("expression-filter", t->expr_filters, t->n_expr_filters,
          unit_json(expr_fields + 0, CF_COUNT(expr_fields), &t->expr_filters[i]));
    NAMED("block-allow-list", t->balists, t->n_balists,
          json_pack("{s:o,s:o,s:o,s:o}", "do-dbs",
                    config_strv_json(t->balists[i].do_dbs, t->balists[i].n_do_dbs), "ignore-dbs",
                    config_strv_json(t->balists[i].ignore_dbs, t->balists[i].n_ignore_dbs),
                    "do-tables", tables_json(t->balists[i].do_tables, t->balists[i].n_do_tables),
                    "ignore-tables",
                    tables_json(t->balists[i].ignore_tables, t->balists[i].n_ignore_tables)));
    NAMED("mydumpers", t->mydumpers, t->n_mydumpers,
          unit_json(mydumper_fields, CF_COUNT(mydumper_fields), &t->mydumpers[i]));
    NAMED("loaders", t->loaders, t->n_loaders,
          unit_json(loader_fields, CF_COUNT(loader_fields), &t->loaders[i]));
    NAMED("syncers", t->syncers, t->n_syncers,
          unit_json(syncer_fields, CF_COUNT(syncer_fields), &t->syncers[i]));
    NAMED("validators", t->validators, t->n_validators,
          unit_json(validator_fields, CF_COUNT(validator_fields), &t->validators[i]));
#undef NAMED
    if ((m = json_array()) == NULL || json_object_set_new(o, "mysql-instances", m) != 0)
        goto fail;
    for (size_t i = 0; i < t->n_instances; i++)
        if (json_array_append_new(m, instance_json(&t->instances[i])) != 0)
            goto fail;
    return o;
fail:
    json_decref(o);
    return NULL;
}

int config_task_unsupported(dm_err *err, const config_task *t)
{
    if (t->shard_mode != CONFIG_SHARD_MODE_NONE) {
        dm_err_set(err, CONFIG_ERR_UNSUPPORTED, DM_ERR_SCOPE_INTERNAL,
                   "task %s: shard-mode: %s (shard DDL coordination) is not supported yet", t->name,
                   config_shard_mode_name(t->shard_mode));
        dm_err_workaround(err, "remove shard-mode (and is-sharding): each shard's DDL is then applied as "
                               "it comes, and a DDL that fails downstream pauses the task for handle-error");
        return CONFIG_ERR_UNSUPPORTED;
    }
    if (t->task_mode == CONFIG_TASK_MODE_DUMP || t->task_mode == CONFIG_TASK_MODE_LOAD ||
        t->task_mode == CONFIG_TASK_MODE_LOAD_SYNC) {
        dm_err_set(err, CONFIG_ERR_UNSUPPORTED, DM_ERR_SCOPE_INTERNAL,
                   "task %s: task-mode: %s is not supported yet (the dump streams into the load)", t->name,
                   config_task_mode_name(t->task_mode));
        dm_err_workaround(err, "use task-mode full, all or incremental");
        return CONFIG_ERR_UNSUPPORTED;
    }
    for (size_t i = 0; i < t->n_instances; i++) {
        const config_instance *in = &t->instances[i];
        if (in->validator.mode && strcmp(in->validator.mode, "none") != 0 && in->validator.mode[0]) {
            dm_err_set(err, CONFIG_ERR_UNSUPPORTED, DM_ERR_SCOPE_INTERNAL,
                       "task %s: mysql-instances[%zu] (source %s): validator mode %s (continuous validation) "
                       "is not supported yet",
                       t->name, i, in->source_id, in->validator.mode);
            dm_err_workaround(err, "set the validator's mode to none");
            return CONFIG_ERR_UNSUPPORTED;
        }
    }
    return 0;
}
