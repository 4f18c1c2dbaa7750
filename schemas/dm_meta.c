// DESIGN: the dm_meta definitions are static SQL bodies with the qualified table name put in
// front, so the text is easy to compare with DM's and needs no formatting logic. Names are
// validated here (MySQL identifiers are at most 64 characters) because a name that the
// downstream would truncate or reject must fail before a task starts.
#include "dm_meta.h"

#include <stdlib.h>
#include <string.h>

#include "schema.h"

static const char *suffixes[DM_META_TABLE_COUNT] = {
    [DM_META_SYNCER_CHECKPOINT] = "_syncer_checkpoint",
    [DM_META_LOADER_CHECKPOINT] = "_loader_checkpoint",
    [DM_META_ONLINEDDL] = "_onlineddl",
    [DM_META_SHARDING_META] = "_syncer_sharding_meta",
};

static const char *bodies[DM_META_TABLE_COUNT] = {
    [DM_META_SYNCER_CHECKPOINT] =
        " (\n"
        "  id VARCHAR(32) NOT NULL,\n"
        "  cp_schema VARCHAR(128) NOT NULL,\n"
        "  cp_table VARCHAR(128) NOT NULL,\n"
        "  binlog_name VARCHAR(128),\n"
        "  binlog_pos BIGINT UNSIGNED,\n"
        "  binlog_gtid TEXT,\n"
        "  binlog_epoch INT UNSIGNED NOT NULL DEFAULT 0,\n"
        "  exit_safe_binlog_name VARCHAR(128) DEFAULT '',\n"
        "  exit_safe_binlog_pos BIGINT UNSIGNED DEFAULT 0,\n"
        "  exit_safe_binlog_gtid TEXT,\n"
        "  table_info JSON NOT NULL,\n"
        "  is_global BOOLEAN,\n"
        "  create_time TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
        "  update_time TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
        "  PRIMARY KEY (id, cp_schema, cp_table)\n"
        ")",
    [DM_META_LOADER_CHECKPOINT] =
        " (\n"
        "  id VARCHAR(32) NOT NULL,\n"
        "  cp_schema VARCHAR(128) NOT NULL,\n"
        "  cp_table VARCHAR(128) NOT NULL,\n"
        "  chunk_id INT UNSIGNED NOT NULL,\n"
        "  range_lower TEXT,\n"
        "  range_upper TEXT,\n"
        "  status VARCHAR(16) NOT NULL DEFAULT 'pending' COMMENT 'pending,loading,finished',\n"
        "  rows_loaded BIGINT UNSIGNED NOT NULL DEFAULT 0,\n"
        "  snapshot_binlog_name VARCHAR(128),\n"
        "  snapshot_binlog_pos BIGINT UNSIGNED,\n"
        "  snapshot_binlog_gtid TEXT,\n"
        "  applier_id VARCHAR(64),\n"
        "  create_time TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
        "  update_time TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
        "  PRIMARY KEY (id, cp_schema, cp_table, chunk_id)\n"
        ")",
    [DM_META_ONLINEDDL] =
        " (\n"
        "  id VARCHAR(32) NOT NULL,\n"
        "  ghost_schema VARCHAR(128) NOT NULL,\n"
        "  ghost_table VARCHAR(128) NOT NULL,\n"
        "  ddls TEXT,\n"
        "  update_time TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
        "  PRIMARY KEY (id, ghost_schema, ghost_table)\n"
        ")",
    [DM_META_SHARDING_META] =
        " (\n"
        "  source_id VARCHAR(32) NOT NULL COMMENT 'replica source id, defined in task.yaml',\n"
        "  target_table_id VARCHAR(144) NOT NULL,\n"
        "  source_table_id VARCHAR(144) NOT NULL,\n"
        "  active_index INT,\n"
        "  is_global BOOLEAN,\n"
        "  data JSON,\n"
        "  create_time TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
        "  update_time TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
        "  PRIMARY KEY (source_id, target_table_id, source_table_id)\n"
        ")",
};

static int check_name(const char *what, const char *name, dm_err *err)
{
    if (name == NULL || name[0] == '\0')
        return dm_err_set(err, DM_META_ERR_BAD_NAME, DM_ERR_SCOPE_INTERNAL,
                          "dm_meta: the %s name is empty", what);
    if (strlen(name) > 64)
        return dm_err_set(err, DM_META_ERR_BAD_NAME, DM_ERR_SCOPE_INTERNAL,
                          "dm_meta: the %s name '%s' is longer than 64 characters", what, name);
    return 0;
}

int dm_meta_table_name(dm_buf *out, dm_meta_table which, const char *task, dm_err *err)
{
    if ((int)which < 0 || which >= DM_META_TABLE_COUNT)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "dm_meta: unknown table %d", (int)which);
    if (task == NULL || task[0] == '\0')
        return check_name("task", task, err);
    if (strlen(task) + strlen(suffixes[which]) > 64)
        return dm_err_set(err, DM_META_ERR_BAD_NAME, DM_ERR_SCOPE_INTERNAL,
                          "dm_meta: table name '%s%s' is longer than 64 characters", task,
                          suffixes[which]);
    if (dm_buf_puts(out, task) || dm_buf_puts(out, suffixes[which]))
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    return 0;
}

int dm_meta_qualified_name(dm_buf *out, dm_meta_table which, const char *meta_schema,
                           const char *task, dm_err *err)
{
    dm_buf name;
    int rc;
    if ((rc = check_name("meta schema", meta_schema, err)))
        return rc;
    dm_buf_init(&name);
    if ((rc = dm_meta_table_name(&name, which, task, err)) == 0) {
        if (schema_quote_ident(out, meta_schema) || dm_buf_putc(out, '.') ||
            schema_quote_ident(out, name.data))
            rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    }
    dm_buf_fini(&name);
    return rc;
}

int dm_meta_create_schema_sql(dm_buf *out, const char *meta_schema, dm_err *err)
{
    int rc;
    if ((rc = check_name("meta schema", meta_schema, err)))
        return rc;
    if (dm_buf_puts(out, "CREATE DATABASE IF NOT EXISTS ") || schema_quote_ident(out, meta_schema))
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    return 0;
}

int dm_meta_create_table_sql(dm_buf *out, dm_meta_table which, const char *meta_schema,
                             const char *task, dm_err *err)
{
    int rc;
    if (dm_buf_puts(out, "CREATE TABLE IF NOT EXISTS "))
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    if ((rc = dm_meta_qualified_name(out, which, meta_schema, task, err)))
        return rc;
    if (dm_buf_puts(out, bodies[which]))
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    return 0;
}

int dm_meta_create_all(char ***out, size_t *n_out, const char *meta_schema, const char *task,
                       dm_err *err)
{
    int rc = 0;
    size_t n = 0;
    char **v = calloc(DM_META_TABLE_COUNT + 1, sizeof(char *));
    *out = NULL;
    *n_out = 0;
    if (v == NULL)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    for (int i = -1; i < DM_META_TABLE_COUNT; i++) {
        dm_buf b;
        dm_buf_init(&b);
        rc = i < 0 ? dm_meta_create_schema_sql(&b, meta_schema, err)
                   : dm_meta_create_table_sql(&b, (dm_meta_table)i, meta_schema, task, err);
        if (rc == 0 && (v[n] = dm_buf_detach(&b)) == NULL)
            rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        dm_buf_fini(&b);
        if (rc)
            break;
        n++;
    }
    if (rc) {
        for (size_t i = 0; i < n; i++)
            free(v[i]);
        free(v);
        return rc;
    }
    *out = v;
    *n_out = n;
    return 0;
}
