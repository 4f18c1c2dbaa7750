// DESIGN: the source file loader (DM dm/config/source_config.go).
//
// Defaults are DM's newSourceConfig + adjust: enable true, purge {3600, 0, 15}, checker
// {true, 5m, 5m} with the unexposed checker values forced to DM's constants. Verify checks
// source-id (required, at most 32 bytes), relay-binlog-name (a plain file name),
// relay-binlog-gtid (syntax per flavor), the filters, and backoff-max >= backoff-min.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

static int from_decode(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    config_source *s = obj;
    return config_db_decode(w, v, &s->from, path);
}

static int filters_decode(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    config_source *s = obj;
    size_t cap = s->n_filters;
    if (cw_is_null(v))
        return 0;
    if (v->type != YAML_SEQUENCE_NODE) {
        cw_error(w, CONFIG_ERR_TYPE, v, path, "expected a list of filter rules, got %s",
                 cw_kind_name(v));
        return -1;
    }
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *e = yaml_document_get_node(&w->doc, *it);
        char ipath[512], name[32];
        rules_def_filter *na;
        if (e == NULL || !cw_spend(w, e, 2))
            break;
        cw_keypath(ipath, sizeof(ipath), "%s[%zu]", path, s->n_filters);
        na = cw_grow(w, s->filters, &cap, s->n_filters + 1, sizeof(*na));
        if (na == NULL)
            return -1;
        s->filters = na;
        snprintf(name, sizeof(name), "filter-%zu", s->n_filters);
        na[s->n_filters].name = cw_strdup(w, name);
        config_filter_decode(w, e, &na[s->n_filters], ipath);
        s->n_filters++;
    }
    return 0;
}

static const cfield purge_fields[] = {
    {"interval", CF_I64, CS_OK, offsetof(config_purge, interval), 0, NULL, NULL},
    {"expires", CF_I64, CS_OK, offsetof(config_purge, expires), 0, NULL, NULL},
    {"remain-space", CF_I64, CS_OK, offsetof(config_purge, remain_space), 0, NULL, NULL},
};

static const cfield checker_fields[] = {
    {"check-enable", CF_BOOL, CS_OK, offsetof(config_checker, check_enable), 0, NULL, NULL},
    {"backoff-rollback", CF_DUR, CS_OK, offsetof(config_checker, backoff_rollback_ms), 0, NULL,
     NULL},
    {"backoff-max", CF_DUR, CS_OK, offsetof(config_checker, backoff_max_ms), 0, NULL, NULL},
    {"check-interval", CF_DUR, CS_IGNORED, offsetof(config_checker, check_interval_ms), 0, NULL,
     "DM resets it to 5s"},
    {"backoff-min", CF_DUR, CS_IGNORED, offsetof(config_checker, backoff_min_ms), 0, NULL,
     "DM resets it to 1s"},
    {"backoff-jitter", CF_BOOL, CS_IGNORED, offsetof(config_checker, backoff_jitter), 0, NULL,
     "DM resets it to true"},
    {"backoff-factor", CF_DOUBLE, CS_IGNORED, offsetof(config_checker, backoff_factor), 0, NULL,
     "DM resets it to 2"},
};

static int purge_decode(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    config_source *s = obj;
    return cw_decode_map(w, v, path, purge_fields, CF_COUNT(purge_fields), &s->purge, NULL);
}

static int checker_decode(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    config_source *s = obj;
    return cw_decode_map(w, v, path, checker_fields, CF_COUNT(checker_fields), &s->checker, NULL);
}

static const cfield source_fields[] = {
    {"source-id", CF_STR, CS_OK, offsetof(config_source, source_id), 0, NULL, NULL},
    {"enable", CF_BOOL, CS_OK, offsetof(config_source, enable), 0, NULL, NULL},
    {"enable-gtid", CF_BOOL, CS_OK, offsetof(config_source, enable_gtid), 0, NULL, NULL},
    {"enable-relay", CF_BOOL, CS_OK, offsetof(config_source, enable_relay), 0, NULL, NULL},
    {"relay-binlog-name", CF_STR, CS_OK, offsetof(config_source, relay_binlog_name), 0, NULL,
     NULL},
    {"relay-binlog-gtid", CF_STR, CS_OK, offsetof(config_source, relay_binlog_gtid), 0, NULL,
     NULL},
    {"relay-dir", CF_STR, CS_OK, offsetof(config_source, relay_dir), 0, NULL, NULL},
    {"flavor", CF_STR, CS_OK, offsetof(config_source, flavor), 0, NULL, NULL},
    {"server-id", CF_U32, CS_OK, offsetof(config_source, server_id), 0, NULL, NULL},
    {"from", CF_SUB, CS_OK, 0, 0, from_decode, NULL},
    {"purge", CF_SUB, CS_OK, 0, 0, purge_decode, NULL},
    {"checker", CF_SUB, CS_OK, 0, 0, checker_decode, NULL},
    {"case-sensitive", CF_BOOL, CS_OK, offsetof(config_source, case_sensitive), 0, NULL, NULL},
    {"filters", CF_SUB, CS_OK, 0, 0, filters_decode, NULL},
    {"auto-fix-gtid", CF_ANY, CS_DEPRECATED, 0, 0, NULL, "DM overwrites it to false"},
    {"meta-dir", CF_ANY, CS_DEPRECATED, 0, 0, NULL, "not used since DM v2.0"},
    {"charset", CF_ANY, CS_DEPRECATED, 0, 0, NULL, "the connection charset is utf8mb4"},
    {"tracer", CF_ANY, CS_DEPRECATED, 0, 0, NULL, "the DM tracer was removed"},
    {"collation_compatible", CF_ANY, CS_IGNORED, 0, 0, NULL,
     "a task-file key; it has no effect in a source file"},
};

// The scalar fields printed by config_source_to_json (the blocks are printed by hand).
static const cfield source_json_fields[] = {
    {"source-id", CF_STR, CS_OK, offsetof(config_source, source_id), 0, NULL, NULL},
    {"enable", CF_BOOL, CS_OK, offsetof(config_source, enable), 0, NULL, NULL},
    {"enable-gtid", CF_BOOL, CS_OK, offsetof(config_source, enable_gtid), 0, NULL, NULL},
    {"enable-relay", CF_BOOL, CS_OK, offsetof(config_source, enable_relay), 0, NULL, NULL},
    {"relay-binlog-name", CF_STR, CS_OK, offsetof(config_source, relay_binlog_name), 0, NULL,
     NULL},
    {"relay-binlog-gtid", CF_STR, CS_OK, offsetof(config_source, relay_binlog_gtid), 0, NULL,
     NULL},
    {"relay-dir", CF_STR, CS_OK, offsetof(config_source, relay_dir), 0, NULL, NULL},
    {"flavor", CF_STR, CS_OK, offsetof(config_source, flavor), 0, NULL, NULL},
    {"server-id", CF_U32, CS_OK, offsetof(config_source, server_id), 0, NULL, NULL},
    {"case-sensitive", CF_BOOL, CS_OK, offsetof(config_source, case_sensitive), 0, NULL, NULL},
};

void config_source_destroy(config_source *s)
{
    if (s == NULL)
        return;
    free(s->file);
    cf_fini(source_json_fields, CF_COUNT(source_json_fields), s);
    config_db_fini(&s->from);
    for (size_t i = 0; i < s->n_filters; i++)
        rules_def_filter_fini(&s->filters[i]);
    free(s->filters);
    free(s);
}

// gtid_syntax_ok checks a GTID set's shape: MySQL "uuid:1-5:7,uuid:3" or MariaDB
// "domain-server-seq,..." (flavor "" accepts either).
static bool gtid_syntax_ok(const char *flavor, const char *g)
{
    bool mariadb_ok = true, mysql_ok = true;
    const char *p;
    // MariaDB: comma-separated d-s-n triples of decimal numbers.
    p = g;
    while (*p && mariadb_ok) {
        for (int part = 0; part < 3; part++) {
            const char *st = p;
            while (isdigit((unsigned char)*p))
                p++;
            if (p == st || (part < 2 && *p != '-')) {
                mariadb_ok = false;
                break;
            }
            if (part < 2)
                p++; // the '-' (never past the terminator)
        }
        while (mariadb_ok && *p == ' ')
            p++;
        if (mariadb_ok && *p == ',')
            p++;
        else if (mariadb_ok && *p != '\0')
            mariadb_ok = false;
    }
    // MySQL: comma-separated uuid(:interval)+ where interval is n or n-m.
    p = g;
    while (*p && mysql_ok) {
        int hex = 0;
        while (*p == ' ' || *p == '\n')
            p++;
        for (; *p && *p != ':'; p++) {
            if (isxdigit((unsigned char)*p))
                hex++;
            else if (*p != '-')
                break;
        }
        if (hex != 32 || *p != ':') {
            mysql_ok = false;
            break;
        }
        while (*p == ':') {
            const char *st = ++p;
            while (isdigit((unsigned char)*p))
                p++;
            if (p == st) {
                mysql_ok = false;
                break;
            }
            if (*p == '-') {
                st = ++p;
                while (isdigit((unsigned char)*p))
                    p++;
                if (p == st) {
                    mysql_ok = false;
                    break;
                }
            }
        }
        if (mysql_ok && *p == ',')
            p++;
        else if (mysql_ok && *p != '\0')
            mysql_ok = false;
    }
    if (strcmp(flavor, "mariadb") == 0)
        return mariadb_ok;
    if (strcmp(flavor, "mysql") == 0)
        return mysql_ok;
    return mariadb_ok || mysql_ok;
}

static void source_verify(cw *w, config_source *s, const config_pos *seen)
{
    const config_pos *p;
    if (s->source_id == NULL || s->source_id[0] == '\0') {
        p = cf_seen(source_fields, CF_COUNT(source_fields), seen, "source-id");
        cw_error_at(w, CONFIG_ERR_MISSING, p ? *p : cw_pos(cw_root(w)), "source-id",
                    "source-id is required");
    } else if (strlen(s->source_id) > CONFIG_MAX_SOURCE_ID_LEN) {
        cw_error_at(w, CONFIG_ERR_SOURCE_ID_LEN, s->source_id_pos, "source-id",
                    "source-id \"%s\" is %zu bytes, longer than %d", s->source_id,
                    strlen(s->source_id), CONFIG_MAX_SOURCE_ID_LEN);
    }
    if (cf_seen(source_fields, CF_COUNT(source_fields), seen, "from") == NULL)
        cw_error_at(w, CONFIG_ERR_MISSING, cw_pos(cw_root(w)), "from",
                    "from (the upstream connection) is required");
    if (s->flavor[0] != '\0' && strcmp(s->flavor, "mysql") != 0 &&
        strcmp(s->flavor, "mariadb") != 0) {
        p = cf_seen(source_fields, CF_COUNT(source_fields), seen, "flavor");
        cw_error_at(w, CONFIG_ERR_ENUM, *p, "flavor",
                    "flavor \"%s\" must be \"mysql\" or \"mariadb\" (or empty to detect)",
                    s->flavor);
    }
    if (s->relay_binlog_name[0] != '\0' &&
        (strchr(s->relay_binlog_name, '/') != NULL || strcmp(s->relay_binlog_name, ".") == 0 ||
         strcmp(s->relay_binlog_name, "..") == 0)) {
        p = cf_seen(source_fields, CF_COUNT(source_fields), seen, "relay-binlog-name");
        cw_error_at(w, CONFIG_ERR_VALUE, *p, "relay-binlog-name",
                    "\"%s\" is not a binlog file name", s->relay_binlog_name);
    }
    if (s->relay_binlog_gtid[0] != '\0' && !gtid_syntax_ok(s->flavor, s->relay_binlog_gtid)) {
        p = cf_seen(source_fields, CF_COUNT(source_fields), seen, "relay-binlog-gtid");
        cw_error_at(w, CONFIG_ERR_VALUE, *p, "relay-binlog-gtid",
                    "\"%s\" is not a GTID set (MySQL uuid:1-5 or MariaDB 0-1-100)",
                    s->relay_binlog_gtid);
    }
    if (s->checker.backoff_max_ms < s->checker.backoff_min_ms) {
        p = cf_seen(source_fields, CF_COUNT(source_fields), seen, "checker");
        cw_error_at(w, CONFIG_ERR_VALUE, p ? *p : cw_pos(cw_root(w)), "checker.backoff-max",
                    "backoff-max must be at least backoff-min (1s)");
    }
    if (s->purge.interval < 0 || s->purge.expires < 0 || s->purge.remain_space < 0) {
        p = cf_seen(source_fields, CF_COUNT(source_fields), seen, "purge");
        cw_error_at(w, CONFIG_ERR_VALUE, p ? *p : cw_pos(cw_root(w)), "purge",
                    "purge interval, expires and remain-space cannot be negative");
    }
}

int config_source_from_string(config_source **out, const char *text, size_t len, const char *name,
                              const config_load_opts *opts, config_diag *diag)
{
    cw w;
    config_source *s = NULL;
    config_pos seen[CF_COUNT(source_fields)];
    yaml_node_t *root;
    int rc;
    *out = NULL;
    rc = cw_open(&w, text, len, name, opts, diag);
    if (rc != 0)
        goto done;
    s = calloc(1, sizeof(*s));
    if (s == NULL) {
        rc = DM_ERR_NOMEM;
        goto done;
    }
    s->enable = true;
    s->purge.interval = 3600;
    s->purge.remain_space = 15;
    s->checker.check_enable = true;
    s->checker.backoff_rollback_ms = 5 * 60 * 1000;
    s->checker.backoff_max_ms = 5 * 60 * 1000;
    config_db_init(&s->from);
    s->file = cw_strdup(&w, w.file);
    root = cw_root(&w);
    if (root == NULL) {
        cw_error_at(&w, CONFIG_ERR_MISSING, (config_pos){1, 1}, "", "the file is empty");
    } else if (root->type != YAML_MAPPING_NODE) {
        cw_error(&w, CONFIG_ERR_TYPE, root, "",
                 "a source file must be a mapping of keys, got %s", cw_kind_name(root));
    } else {
        cw_decode_map(&w, root, "", source_fields, CF_COUNT(source_fields), s, seen);
        if (seen[0].line > 0)
            s->source_id_pos = seen[0];
    }
    // DM's adjust: the unexposed checker values are constants.
    s->checker.check_interval_ms = 5000;
    s->checker.backoff_min_ms = 1000;
    s->checker.backoff_jitter = true;
    s->checker.backoff_factor = 2;
    if (s->relay_dir == NULL)
        s->relay_dir = cw_strdup(&w, "relay-dir");
    if (s->flavor == NULL)
        s->flavor = cw_strdup(&w, "");
    if (s->relay_binlog_name == NULL)
        s->relay_binlog_name = cw_strdup(&w, "");
    if (s->relay_binlog_gtid == NULL)
        s->relay_binlog_gtid = cw_strdup(&w, "");
    if (s->from.host == NULL)
        config_db_decode(&w, NULL, &s->from, "from");
    if (w.nomem) {
        rc = DM_ERR_NOMEM;
        goto done;
    }
    if (root != NULL && root->type == YAML_MAPPING_NODE)
        source_verify(&w, s, seen);
    if (w.nomem)
        rc = DM_ERR_NOMEM;
    else if (cw_error_count(&w) > 0)
        rc = CONFIG_ERR_INVALID;
done:
    if (rc == 0) {
        *out = s;
        s = NULL;
    }
    config_source_destroy(s);
    cw_close(&w);
    return rc;
}

int config_source_load_opts(config_source **out, const char *path, const config_load_opts *opts,
                            config_diag *diag)
{
    char *text = NULL;
    size_t len = 0;
    int rc;
    *out = NULL;
    rc = config_read_for_load(&text, &len, path, diag);
    if (rc == 0)
        rc = config_source_from_string(out, text, len, path, opts, diag);
    free(text);
    return rc;
}

int config_source_load(config_source **out, const char *path, config_diag *diag)
{
    return config_source_load_opts(out, path, NULL, diag);
}

json_t *config_source_to_json(const config_source *s)
{
    json_t *o = json_object(), *v, *filters;
    if (o == NULL || cf_to_json(source_json_fields, CF_COUNT(source_json_fields), s, o) != 0)
        goto fail;
    if ((v = config_db_to_json(&s->from)) == NULL || json_object_set_new(o, "from", v) != 0)
        goto fail;
    v = json_object();
    if (v == NULL || json_object_set_new(o, "purge", v) != 0 ||
        cf_to_json(purge_fields, CF_COUNT(purge_fields), &s->purge, v) != 0)
        goto fail;
    v = json_object();
    if (v == NULL || json_object_set_new(o, "checker", v) != 0 ||
        cf_to_json(checker_fields, 3, &s->checker, v) != 0)
        goto fail;
    filters = json_array();
    if (filters == NULL || json_object_set_new(o, "filters", filters) != 0)
        goto fail;
    for (size_t i = 0; i < s->n_filters; i++)
        if (json_array_append_new(filters, config_filter_to_json(&s->filters[i])) != 0)
            goto fail;
    return o;
fail:
    json_decref(o);
    return NULL;
}
