// DESIGN: pieces shared by the source and task loaders: database connection blocks, binlog
// event filter rules, regex checks (PCRE2, as the rules engine compiles them), file reading
// and kind detection.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "config_int.h"

// ---------------------------------------------------------------------------------------
// Regexes.

void config_check_regex(cw *w, config_pos pos, const char *path, const char *regex,
                        int *capture_count)
{
    int errcode = 0;
    PCRE2_SIZE off = 0;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &errcode,
                                   &off, NULL);
    if (re == NULL) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        cw_error_at(w, CONFIG_ERR_REGEX, pos, path,
                 "regular expression \"%s\" does not compile: %s at offset %zu", regex,
                 (const char *)msg, (size_t)off);
        return;
    }
    if (capture_count != NULL) {
        uint32_t cc = 0;
        pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &cc);
        *capture_count = (int)cc;
    }
    pcre2_code_free(re);
}

void config_check_pattern(cw *w, config_pos pos, const char *path, const char *pattern)
{
    if (pattern != NULL && pattern[0] == '~')
        config_check_regex(w, pos, path, pattern + 1, NULL);
}

// ---------------------------------------------------------------------------------------
// Database blocks.

static int sec_decode(cw *w, yaml_node_t *v, void *obj, const char *path);
static int session_decode(cw *w, yaml_node_t *v, void *obj, const char *path);

static const cfield security_fields[] = {
    {"ssl-ca", CF_STR, CS_OK, offsetof(config_security, ssl_ca), 0, NULL, NULL},
    {"ssl-cert", CF_STR, CS_OK, offsetof(config_security, ssl_cert), 0, NULL, NULL},
    {"ssl-key", CF_STR, CS_OK, offsetof(config_security, ssl_key), 0, NULL, NULL},
    {"cert-allowed-cn", CF_STRV, CS_UNSUPPORTED, offsetof(config_security, cert_allowed_cn),
     offsetof(config_security, n_cert_allowed_cn), NULL,
     "certificate CN checks apply to DM's own components; kept but not enforced"},
    {"ssl-ca-bytes", CF_ANY, CS_UNSUPPORTED, 0, 0, NULL, "inline certificates; use ssl-ca"},
    {"ssl-cert-bytes", CF_ANY, CS_UNSUPPORTED, 0, 0, NULL, "inline certificates; use ssl-cert"},
    {"ssl-key-bytes", CF_ANY, CS_UNSUPPORTED, 0, 0, NULL, "inline keys; use ssl-key"},
    {"ssl-ca-base64", CF_ANY, CS_UNSUPPORTED, 0, 0, NULL, "inline certificates; use ssl-ca"},
    {"ssl-cert-base64", CF_ANY, CS_UNSUPPORTED, 0, 0, NULL, "inline certificates; use ssl-cert"},
    {"ssl-key-base64", CF_ANY, CS_UNSUPPORTED, 0, 0, NULL, "inline keys; use ssl-key"},
};

static const cfield db_fields[] = {
    {"host", CF_STR, CS_OK, offsetof(config_db, host), 0, NULL, NULL},
    {"port", CF_INT, CS_OK, offsetof(config_db, port), 0, NULL, NULL},
    {"user", CF_STR, CS_OK, offsetof(config_db, user), 0, NULL, NULL},
    {"password", CF_SECRET, CS_OK, offsetof(config_db, password),
     offsetof(config_db, password_encrypted), NULL, NULL},
    {"max-allowed-packet", CF_I64, CS_DEPRECATED, offsetof(config_db, max_allowed_packet), 0, NULL,
     "max_allowed_packet is read from the server since DM v2.0; the value is ignored"},
    {"session", CF_SUB, CS_OK, 0, 0, session_decode, NULL},
    {"security", CF_SUB, CS_OK, 0, 0, sec_decode, NULL},
};

static int sec_decode(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    config_db *db = obj;
    if (cw_is_null(v))
        return 0;
    if (db->security == NULL) {
        db->security = calloc(1, sizeof(*db->security));
        if (db->security == NULL) {
            w->nomem = true;
            return -1;
        }
    }
    return cw_decode_map(w, v, path, security_fields, CF_COUNT(security_fields), db->security,
                         NULL);
}

static int session_decode(cw *w, yaml_node_t *v, void *obj, const char *path)
{
    config_db *db = obj;
    cw_pair *pairs;
    size_t np, cap = 0;
    if (cw_map_pairs(w, v, path, &pairs, &np) != 0)
        return -1;
    for (size_t i = 0; i < np; i++) {
        char kpath[512];
        char *val = NULL;
        config_session_var *na;
        cw_keypath(kpath, sizeof(kpath), "%s.%s", path, pairs[i].name);
        if (cw_is_null(pairs[i].val))
            val = cw_strdup(w, "");
        else if (cw_str(w, pairs[i].val, kpath, &val) != 0)
            continue;
        cap = db->n_session;
        na = val ? cw_grow(w, db->session, &cap, db->n_session + 1, sizeof(*na)) : NULL;
        if (na == NULL) {
            free(val);
            break;
        }
        db->session = na;
        na[db->n_session].name = cw_strdup(w, pairs[i].name);
        na[db->n_session].value = val;
        db->n_session++;
    }
    free(pairs);
    return 0;
}

void config_db_init(config_db *db)
{
    memset(db, 0, sizeof(*db));
    db->port = 3306;
}

static void security_free(config_security *s)
{
    if (s == NULL)
        return;
    cf_fini(security_fields, CF_COUNT(security_fields), s);
    free(s);
}

void config_db_fini(config_db *db)
{
    cf_fini(db_fields, CF_COUNT(db_fields), db);
    for (size_t i = 0; i < db->n_session; i++) {
        free(db->session[i].name);
        free(db->session[i].value);
    }
    free(db->session);
    security_free(db->security);
    memset(db, 0, sizeof(*db));
}

int config_db_decode(cw *w, yaml_node_t *n, config_db *db, const char *path)
{
    int rc;
    db->pos = cw_pos(n);
    rc = cw_decode_map(w, n, path, db_fields, CF_COUNT(db_fields), db, NULL);
    if (db->host == NULL)
        db->host = cw_strdup(w, "");
    if (db->user == NULL)
        db->user = cw_strdup(w, "");
    if (db->password == NULL)
        db->password = cw_strdup(w, "");
    if (db->port < 0 || db->port > 65535) {
        cw_error_at(w, CONFIG_ERR_VALUE, db->pos, path, "port %d is outside 0-65535", db->port);
    }
    return rc;
}

json_t *config_db_to_json(const config_db *db)
{
    json_t *o = json_object(), *sess;
    if (o == NULL || cf_to_json(db_fields, CF_COUNT(db_fields), db, o) != 0)
        goto fail;
    sess = json_object();
    if (sess == NULL || json_object_set_new(o, "session", sess) != 0)
        goto fail;
    for (size_t i = 0; i < db->n_session; i++)
        if (json_object_set_new(sess, db->session[i].name, json_string(db->session[i].value)) != 0)
            goto fail;
    if (db->security != NULL) {
        json_t *s = json_object();
        if (s == NULL || json_object_set_new(o, "security", s) != 0 ||
            cf_to_json(security_fields, CF_COUNT(security_fields), db->security, s) != 0)
            goto fail;
    }
    return o;
fail:
    json_decref(o);
    return NULL;
}

// ---------------------------------------------------------------------------------------
// Binlog event filter rules.

// DM's event names (pkg/binlog-filter toEventType); matching is case-insensitive and the
// schema aliases map to the database names.
static const char *const event_names[] = {
    "all", "all ddl", "all dml", "", "none", "none ddl", "none dml", "insert", "update", "delete",
    "create database", "drop database", "alter database", "create table", "drop table",
    "truncate table", "rename table", "create index", "drop index", "create view", "drop view",
    "alter table", "add table partition", "drop table partition", "truncate table partition",
    "incompatible ddl changes", "value range decrease", "precision decrease", "modify column",
    "rename column", "rename index", "drop column", "drop primary key", "drop unique key",
    "modify default value", "modify constraint", "modify columns order", "modify charset",
    "modify collation", "remove auto increment", "modify storage engine",
    "reorganize table partition", "rebuild table partition", "coalesce table partition",
    "split table partition", "exchange table partition", "add foreign key", "drop foreign key",
    "modify schema charset and collate", "modify table charset and collate",
    "modify table comment", "recover table", "alter table partitioning",
    "remove table partitioning", "add column", "set default value", "rebase auto id",
    "add primary key", "alter index visibility", "alter ttl info", "alter ttl remove",
    "multi schema change",
};

static const char *normalize_event(char *e)
{
    for (char *p = e; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    if (strcmp(e, "create schema") == 0)
        return "create database";
    if (strcmp(e, "drop schema") == 0)
        return "drop database";
    if (strcmp(e, "alter schema") == 0)
        return "alter database";
    for (size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
        if (strcmp(e, event_names[i]) == 0)
            return event_names[i];
    return NULL;
}

typedef struct filter_raw {
    char *schema_pattern;
    char *table_pattern;
    char **events;
    size_t n_events;
    char **sql_pattern;
    size_t n_sql_pattern;
    char *action;
} filter_raw;

static const cfield filter_fields[] = {
    {"schema-pattern", CF_STR, CS_OK, offsetof(filter_raw, schema_pattern), 0, NULL, NULL},
    {"table-pattern", CF_STR, CS_OK, offsetof(filter_raw, table_pattern), 0, NULL, NULL},
    {"events", CF_STRV, CS_OK, offsetof(filter_raw, events), offsetof(filter_raw, n_events), NULL,
     NULL},
    {"sql-pattern", CF_STRV, CS_OK, offsetof(filter_raw, sql_pattern),
     offsetof(filter_raw, n_sql_pattern), NULL, NULL},
    {"action", CF_STR, CS_OK, offsetof(filter_raw, action), 0, NULL, NULL},
};

int config_filter_decode(cw *w, yaml_node_t *n, rules_def_filter *r, const char *path)
{
    filter_raw raw;
    config_pos seen[CF_COUNT(filter_fields)];
    char kpath[512];
    const config_pos *p;
    memset(&raw, 0, sizeof(raw));
    r->line = cw_pos(n).line;
    cw_decode_map(w, n, path, filter_fields, CF_COUNT(filter_fields), &raw, seen);
    if (raw.schema_pattern == NULL || raw.schema_pattern[0] == '\0')
        cw_error(w, CONFIG_ERR_MISSING, n, path, "schema-pattern is required");
    cw_keypath(kpath, sizeof(kpath), "%s.schema-pattern", path);
    p = cf_seen(filter_fields, CF_COUNT(filter_fields), seen, "schema-pattern");
    if (p != NULL)
        config_check_pattern(w, *p, kpath, raw.schema_pattern);
    cw_keypath(kpath, sizeof(kpath), "%s.table-pattern", path);
    p = cf_seen(filter_fields, CF_COUNT(filter_fields), seen, "table-pattern");
    if (p != NULL)
        config_check_pattern(w, *p, kpath, raw.table_pattern);
    p = cf_seen(filter_fields, CF_COUNT(filter_fields), seen, "events");
    for (size_t i = 0; i < raw.n_events; i++) {
        const char *canon = normalize_event(raw.events[i]);
        cw_keypath(kpath, sizeof(kpath), "%s.events[%zu]", path, i);
        if (canon == NULL) {
            cw_error_at(w, CONFIG_ERR_ENUM, *p, kpath,
                        "unknown event type \"%s\" (e.g. \"all\", \"all dml\", \"insert\", "
                        "\"drop table\"; see DM's binlog event filter)",
                        raw.events[i]);
        } else if (strcmp(canon, raw.events[i]) != 0) {
            char *c = cw_strdup(w, canon);
            if (c != NULL) {
                free(raw.events[i]);
                raw.events[i] = c;
            }
        }
    }
    p = cf_seen(filter_fields, CF_COUNT(filter_fields), seen, "sql-pattern");
    for (size_t i = 0; i < raw.n_sql_pattern; i++) {
        cw_keypath(kpath, sizeof(kpath), "%s.sql-pattern[%zu]", path, i);
        config_check_regex(w, *p, kpath, raw.sql_pattern[i], NULL);
    }
    p = cf_seen(filter_fields, CF_COUNT(filter_fields), seen, "action");
    cw_keypath(kpath, sizeof(kpath), "%s.action", path);
    if (raw.action == NULL || raw.action[0] == '\0') {
        cw_error(w, CONFIG_ERR_MISSING, n, kpath, "action is required (Do or Ignore)");
    } else if (strcmp(raw.action, "Do") == 0) {
        r->action_do = true;
    } else if (strcmp(raw.action, "Ignore") == 0) {
        r->action_do = false;
    } else if (strcmp(raw.action, "Error") == 0) {
        cw_error_at(w, CONFIG_ERR_ENUM, *p, kpath,
                    "action \"Error\" is not supported by this project yet (use Do or Ignore)");
    } else {
        cw_error_at(w, CONFIG_ERR_ENUM, *p, kpath, "action \"%s\" must be Do or Ignore",
                    raw.action);
    }
    r->schema_pattern = raw.schema_pattern;
    r->table_pattern = raw.table_pattern;
    r->events = raw.events;
    r->n_events = raw.n_events;
    r->sql_patterns = raw.sql_pattern;
    r->n_sql_patterns = raw.n_sql_pattern;
    free(raw.action);
    return 0;
}

json_t *config_filter_to_json(const rules_def_filter *r)
{
    return json_pack("{s:s,s:s,s:o,s:o,s:s}", "schema-pattern",
                     r->schema_pattern ? r->schema_pattern : "", "table-pattern",
                     r->table_pattern ? r->table_pattern : "", "events",
                     config_strv_json(r->events, r->n_events), "sql-pattern",
                     config_strv_json(r->sql_patterns, r->n_sql_patterns), "action",
                     r->action_do ? "Do" : "Ignore");
}

// ---------------------------------------------------------------------------------------
// Files.

int config_read_file(char **out, size_t *out_len, const char *path, dm_err *err)
{
    FILE *f;
    struct stat st;
    char *buf = NULL;
    size_t n;
    int rc = 0;
    *out = NULL;
    *out_len = 0;
    f = fopen(path, "rb");
    if (f == NULL)
        return dm_err_from_errno(err, errno, "cannot open %s", path);
    if (fstat(fileno(f), &st) != 0) {
        rc = dm_err_from_errno(err, errno, "cannot stat %s", path);
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = dm_err_set(err, DM_ERR_IO, DM_ERR_SCOPE_INTERNAL, "%s is not a regular file", path);
        goto done;
    }
    if ((unsigned long long)st.st_size > CONFIG_MAX_INPUT) {
        rc = dm_err_set(err, CONFIG_ERR_TOO_LARGE, DM_ERR_SCOPE_INTERNAL,
                        "%s is %lld bytes, more than the %u allowed", path,
                        (long long)st.st_size, CONFIG_MAX_INPUT);
        goto done;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto done;
    }
    n = fread(buf, 1, (size_t)st.st_size, f);
    if (ferror(f)) {
        rc = dm_err_from_errno(err, errno, "cannot read %s", path);
        goto done;
    }
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    buf = NULL;
done:
    free(buf);
    fclose(f);
    return rc;
}

int config_read_for_load(char **text, size_t *len, const char *path, config_diag *diag)
{
    dm_err err;
    int rc;
    dm_err_clear(&err);
    rc = config_read_file(text, len, path, &err);
    if (rc != 0)
        config_diag_add(diag, rc == CONFIG_ERR_TOO_LARGE ? CONFIG_ERR_TOO_LARGE : CONFIG_ERR_INVALID,
                        path, (config_pos){0, 0}, "", "%s%s%s", err.message,
                        err.cause[0] ? ": " : "", err.cause);
    return rc;
}

config_kind config_detect_kind(const char *text, size_t len)
{
    static const char *const task_keys[] = {"name", "task-mode", "target-database",
                                            "mysql-instances"};
    static const char *const source_keys[] = {"source-id", "from"};
    cw w;
    yaml_node_t *root;
    config_kind kind = CONFIG_KIND_UNKNOWN;
    config_diag d;
    config_diag_init(&d);
    if (cw_open(&w, text, len, "", NULL, &d) != 0)
        goto done;
    root = cw_root(&w);
    if (root == NULL || root->type != YAML_MAPPING_NODE)
        goto done;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        const char *k = cw_scalar(yaml_document_get_node(&w.doc, p->key));
        if (k == NULL)
            continue;
        for (size_t i = 0; i < sizeof(task_keys) / sizeof(task_keys[0]); i++)
            if (strcmp(k, task_keys[i]) == 0)
                kind = CONFIG_KIND_TASK;
        for (size_t i = 0; kind == CONFIG_KIND_UNKNOWN && i < 2; i++)
            if (strcmp(k, source_keys[i]) == 0)
                kind = CONFIG_KIND_SOURCE;
        if (kind == CONFIG_KIND_TASK)
            break;
    }
done:
    cw_close(&w);
    config_diag_fini(&d);
    return kind;
}
