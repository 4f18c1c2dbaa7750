// DESIGN: the operations DM needs on a parsed statement. Classification and table listing
// read the AST; rename rewrites the names in place (new strings go to the statement's
// arena); split prints each part as its own statement and parses it again, so every
// resulting statement owns its memory and is exactly what its SQL text says.
#include <stdlib.h>
#include <string.h>

#include "ddl_internal.h"

static const char *const kind_names[DDL_STMT__COUNT] = {
    [DDL_STMT_UNKNOWN] = "UNKNOWN",
    [DDL_STMT_CREATE_DATABASE] = "CREATE DATABASE",
    [DDL_STMT_ALTER_DATABASE] = "ALTER DATABASE",
    [DDL_STMT_DROP_DATABASE] = "DROP DATABASE",
    [DDL_STMT_CREATE_TABLE] = "CREATE TABLE",
    [DDL_STMT_ALTER_TABLE] = "ALTER TABLE",
    [DDL_STMT_RENAME_TABLE] = "RENAME TABLE",
    [DDL_STMT_DROP_TABLE] = "DROP TABLE",
    [DDL_STMT_TRUNCATE_TABLE] = "TRUNCATE TABLE",
    [DDL_STMT_CREATE_INDEX] = "CREATE INDEX",
    [DDL_STMT_DROP_INDEX] = "DROP INDEX",
    [DDL_STMT_CREATE_VIEW] = "CREATE VIEW",
    [DDL_STMT_ALTER_VIEW] = "ALTER VIEW",
    [DDL_STMT_DROP_VIEW] = "DROP VIEW",
    [DDL_STMT_CREATE_TRIGGER] = "CREATE TRIGGER",
    [DDL_STMT_DROP_TRIGGER] = "DROP TRIGGER",
    [DDL_STMT_CREATE_PROCEDURE] = "CREATE PROCEDURE",
    [DDL_STMT_ALTER_PROCEDURE] = "ALTER PROCEDURE",
    [DDL_STMT_DROP_PROCEDURE] = "DROP PROCEDURE",
    [DDL_STMT_CREATE_FUNCTION] = "CREATE FUNCTION",
    [DDL_STMT_ALTER_FUNCTION] = "ALTER FUNCTION",
    [DDL_STMT_DROP_FUNCTION] = "DROP FUNCTION",
    [DDL_STMT_CREATE_EVENT] = "CREATE EVENT",
    [DDL_STMT_ALTER_EVENT] = "ALTER EVENT",
    [DDL_STMT_DROP_EVENT] = "DROP EVENT",
    [DDL_STMT_CREATE_SEQUENCE] = "CREATE SEQUENCE",
    [DDL_STMT_ALTER_SEQUENCE] = "ALTER SEQUENCE",
    [DDL_STMT_DROP_SEQUENCE] = "DROP SEQUENCE",
    [DDL_STMT_BEGIN] = "BEGIN",
    [DDL_STMT_COMMIT] = "COMMIT",
    [DDL_STMT_ROLLBACK] = "ROLLBACK",
    [DDL_STMT_SAVEPOINT] = "SAVEPOINT",
    [DDL_STMT_XA] = "XA",
    [DDL_STMT_GRANT] = "GRANT",
    [DDL_STMT_REVOKE] = "REVOKE",
    [DDL_STMT_CREATE_USER] = "CREATE USER",
    [DDL_STMT_DROP_USER] = "DROP USER",
    [DDL_STMT_ALTER_USER] = "ALTER USER",
    [DDL_STMT_RENAME_USER] = "RENAME USER",
    [DDL_STMT_CREATE_ROLE] = "CREATE ROLE",
    [DDL_STMT_DROP_ROLE] = "DROP ROLE",
    [DDL_STMT_SET] = "SET",
    [DDL_STMT_FLUSH] = "FLUSH",
    [DDL_STMT_TABLE_MAINT] = "TABLE MAINTENANCE",
    [DDL_STMT_INSERT] = "INSERT",
    [DDL_STMT_REPLACE] = "REPLACE",
    [DDL_STMT_UPDATE] = "UPDATE",
    [DDL_STMT_DELETE] = "DELETE",
    [DDL_STMT_LOCK_TABLES] = "LOCK TABLES",
    [DDL_STMT_UNLOCK_TABLES] = "UNLOCK TABLES",
    [DDL_STMT_USE] = "USE",
    [DDL_STMT_OTHER] = "OTHER",
};

const char *ddl_stmt_kind_name(ddl_stmt_kind kind)
{
    if ((int)kind < 0 || kind >= DDL_STMT__COUNT || kind_names[kind] == NULL)
        return "UNKNOWN";
    return kind_names[kind];
}

static const char *const event_names[] = {
    [DDL_EVENT_NONE] = "",
    [DDL_EVENT_CREATE_DATABASE] = "create database",
    [DDL_EVENT_DROP_DATABASE] = "drop database",
    [DDL_EVENT_ALTER_DATABASE] = "alter database",
    [DDL_EVENT_CREATE_TABLE] = "create table",
    [DDL_EVENT_DROP_TABLE] = "drop table",
    [DDL_EVENT_TRUNCATE_TABLE] = "truncate table",
    [DDL_EVENT_RENAME_TABLE] = "rename table",
    [DDL_EVENT_CREATE_INDEX] = "create index",
    [DDL_EVENT_DROP_INDEX] = "drop index",
    [DDL_EVENT_CREATE_VIEW] = "create view",
    [DDL_EVENT_DROP_VIEW] = "drop view",
    [DDL_EVENT_ALTER_TABLE] = "alter table",
    [DDL_EVENT_ADD_TABLE_PARTITION] = "add table partition",
    [DDL_EVENT_DROP_TABLE_PARTITION] = "drop table partition",
    [DDL_EVENT_TRUNCATE_TABLE_PARTITION] = "truncate table partition",
    [DDL_EVENT_INSERT] = "insert",
    [DDL_EVENT_UPDATE] = "update",
    [DDL_EVENT_DELETE] = "delete",
};

const char *ddl_event_name(ddl_event ev)
{
    if ((int)ev < 0 || (size_t)ev >= sizeof(event_names) / sizeof(event_names[0]))
        return "";
    return event_names[ev];
}

ddl_event ddl_classify(const ddl_stmt *s)
{
    switch (s->kind) {
    case DDL_STMT_CREATE_DATABASE: return DDL_EVENT_CREATE_DATABASE;
    case DDL_STMT_DROP_DATABASE: return DDL_EVENT_DROP_DATABASE;
    case DDL_STMT_ALTER_DATABASE: return DDL_EVENT_ALTER_DATABASE;
    case DDL_STMT_CREATE_TABLE: return DDL_EVENT_CREATE_TABLE;
    case DDL_STMT_DROP_TABLE: return DDL_EVENT_DROP_TABLE;
    case DDL_STMT_TRUNCATE_TABLE: return DDL_EVENT_TRUNCATE_TABLE;
    case DDL_STMT_RENAME_TABLE: return DDL_EVENT_RENAME_TABLE;
    case DDL_STMT_CREATE_INDEX: return DDL_EVENT_CREATE_INDEX;
    case DDL_STMT_DROP_INDEX: return DDL_EVENT_DROP_INDEX;
    case DDL_STMT_CREATE_VIEW:
    case DDL_STMT_ALTER_VIEW: return DDL_EVENT_CREATE_VIEW;
    case DDL_STMT_DROP_VIEW: return DDL_EVENT_DROP_VIEW;
    case DDL_STMT_ALTER_TABLE: {
        const ddl_alter_table *at = &s->u.alter_table;
        // as DM: a lone partition operation has its own event type
        if (at->n_specs == 1 && at->specs[0].kind == DDL_ALTER_PARTITION) {
            switch (at->specs[0].partition_op) {
            case DDL_PART_ADD: return DDL_EVENT_ADD_TABLE_PARTITION;
            case DDL_PART_DROP: return DDL_EVENT_DROP_TABLE_PARTITION;
            case DDL_PART_TRUNCATE: return DDL_EVENT_TRUNCATE_TABLE_PARTITION;
            default: break;
            }
        }
        return DDL_EVENT_ALTER_TABLE;
    }
    case DDL_STMT_INSERT:
    case DDL_STMT_REPLACE: return DDL_EVENT_INSERT;
    case DDL_STMT_UPDATE: return DDL_EVENT_UPDATE;
    case DDL_STMT_DELETE: return DDL_EVENT_DELETE;
    default: return DDL_EVENT_NONE;
    }
}

bool ddl_is_ddl(const ddl_stmt *s)
{
    return s->kind >= DDL_STMT_CREATE_DATABASE && s->kind <= DDL_STMT_DROP_SEQUENCE;
}

// ---------------------------------------------------------------------------------------
// Tables

typedef struct table_list {
    ddl_table_ref *v;
    size_t n, cap;
    const char *default_db;
} table_list;

static int tl_add(table_list *tl, const char *db, const char *table)
{
    if (tl->n == tl->cap) {
        size_t cap = tl->cap ? tl->cap * 2 : 4;
        ddl_table_ref *v = realloc(tl->v, cap * sizeof(*v));
        if (v == NULL)
            return DM_ERR_NOMEM;
        tl->v = v;
        tl->cap = cap;
    }
    tl->v[tl->n].db = db ? db : (tl->default_db ? tl->default_db : "");
    tl->v[tl->n].table = table;
    tl->n++;
    return 0;
}

static int tl_name(table_list *tl, const ddl_name *n)
{
    return tl_add(tl, n->db, n->name);
}

int ddl_tables(ddl_table_ref **out, size_t *n_out, const ddl_stmt *s, const char *default_db, dm_err *err)
{
    table_list tl = {NULL, 0, 0, default_db};
    int rc = 0;
    *out = NULL;
    *n_out = 0;
    switch (s->kind) {
    case DDL_STMT_CREATE_DATABASE:
    case DDL_STMT_ALTER_DATABASE:
    case DDL_STMT_DROP_DATABASE:
        rc = tl_add(&tl, s->u.database.name, "");
        break;
    case DDL_STMT_CREATE_TABLE:
        rc = tl_name(&tl, &s->u.create_table.table);
        if (rc == 0 && s->u.create_table.has_like)
            rc = tl_name(&tl, &s->u.create_table.like);
        break;
    case DDL_STMT_ALTER_TABLE:
        rc = tl_name(&tl, &s->u.alter_table.table);
        for (size_t i = 0; rc == 0 && i < s->u.alter_table.n_specs; i++)
            if (s->u.alter_table.specs[i].kind == DDL_ALTER_RENAME_TABLE)
                rc = tl_name(&tl, &s->u.alter_table.specs[i].new_table);
        break;
    case DDL_STMT_RENAME_TABLE:
        for (size_t i = 0; rc == 0 && i < s->u.rename_table.n_pairs; i++) {
            rc = tl_name(&tl, &s->u.rename_table.pairs[i].from);
            if (rc == 0)
                rc = tl_name(&tl, &s->u.rename_table.pairs[i].to);
        }
        break;
    case DDL_STMT_DROP_TABLE:
        for (size_t i = 0; rc == 0 && i < s->u.drop_table.n_tables; i++)
            rc = tl_name(&tl, &s->u.drop_table.tables[i]);
        break;
    case DDL_STMT_TRUNCATE_TABLE: rc = tl_name(&tl, &s->u.truncate_table.table); break;
    case DDL_STMT_CREATE_INDEX: rc = tl_name(&tl, &s->u.create_index.table); break;
    case DDL_STMT_DROP_INDEX: rc = tl_name(&tl, &s->u.drop_index.table); break;
    default:
        for (size_t i = 0; rc == 0 && i < s->u.other.n_tables; i++)
            rc = tl_name(&tl, &s->u.other.tables[i]);
        break;
    }
    if (rc != 0) {
        free(tl.v);
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory listing tables");
    }
    *out = tl.v;
    *n_out = tl.n;
    return 0;
}

// ---------------------------------------------------------------------------------------
// Rename

typedef struct renamer {
    ddl_stmt *s;
    const char *default_db;
    ddl_rename_fn fn;
    void *ctx;
    dm_err *err;
} renamer;

static int rn_name(renamer *r, ddl_name *n)
{
    const char *db = n->db ? n->db : (r->default_db ? r->default_db : "");
    const char *nd = NULL, *nt = NULL;
    char *cdb, *ctb;
    int rc;
    if (n->name == NULL)
        return 0;
    if ((rc = r->fn(r->ctx, db, n->name, &nd, &nt, r->err)) != 0)
        return rc;
    if (nt != NULL && *nt == '\0')
        return dm_err_set(r->err, DDL_ERR_RENAME, DM_ERR_SCOPE_INTERNAL,
                          "table rename of `%s`.`%s` returned an empty table name", db, n->name);
    if (nd == NULL)
        nd = db;
    if (nt == NULL)
        nt = n->name;
    cdb = *nd ? ddl_strndup(r->s, nd, strlen(nd)) : NULL;
    ctb = ddl_strndup(r->s, nt, strlen(nt));
    if ((*nd && cdb == NULL) || ctb == NULL)
        return dm_err_set(r->err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory renaming tables");
    n->db = cdb;
    n->name = ctb;
    return 0;
}

static int rn_ref(renamer *r, ddl_reference *ref)
{
    return ref ? rn_name(r, &ref->table) : 0;
}

static int rn_columns(renamer *r, ddl_column *cols, size_t n)
{
    int rc;
    for (size_t i = 0; i < n; i++)
        if ((rc = rn_ref(r, cols[i].reference)) != 0)
            return rc;
    return 0;
}

static int rn_database(renamer *r, ddl_database *d)
{
    const char *db = d->name ? d->name : r->default_db;
    const char *nd = NULL, *nt = NULL;
    int rc;
    if (db == NULL || *db == '\0')
        return 0;
    if ((rc = r->fn(r->ctx, db, "", &nd, &nt, r->err)) != 0)
        return rc;
    if (nd == NULL)
        nd = db;
    if (*nd == '\0')
        return dm_err_set(r->err, DDL_ERR_RENAME, DM_ERR_SCOPE_INTERNAL,
                          "database rename of `%s` returned an empty name", db);
    d->name = ddl_strndup(r->s, nd, strlen(nd));
    if (d->name == NULL)
        return dm_err_set(r->err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory renaming tables");
    return 0;
}

int ddl_rename(ddl_stmt *s, const char *default_db, ddl_rename_fn fn, void *ctx, dm_err *err)
{
    renamer r = {s, default_db, fn, ctx, err};
    int rc = 0;
    if (fn == NULL)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "ddl_rename: no rename function");
    switch (s->kind) {
    case DDL_STMT_CREATE_DATABASE:
    case DDL_STMT_ALTER_DATABASE:
    case DDL_STMT_DROP_DATABASE: rc = rn_database(&r, &s->u.database); break;
    case DDL_STMT_CREATE_TABLE: {
        ddl_create_table *ct = &s->u.create_table;
        if ((rc = rn_name(&r, &ct->table)) != 0)
            break;
        if (ct->has_like && (rc = rn_name(&r, &ct->like)) != 0)
            break;
        if ((rc = rn_columns(&r, ct->columns, ct->n_columns)) != 0)
            break;
        for (size_t i = 0; rc == 0 && i < ct->n_constraints; i++)
            rc = rn_ref(&r, ct->constraints[i].reference);
        break;
    }
    case DDL_STMT_ALTER_TABLE: {
        ddl_alter_table *at = &s->u.alter_table;
        if ((rc = rn_name(&r, &at->table)) != 0)
            break;
        for (size_t i = 0; rc == 0 && i < at->n_specs; i++) {
            ddl_alter_spec *sp = &at->specs[i];
            if (sp->kind == DDL_ALTER_RENAME_TABLE)
                rc = rn_name(&r, &sp->new_table);
            else if (sp->constraint)
                rc = rn_ref(&r, sp->constraint->reference);
            else
                rc = rn_columns(&r, sp->columns, sp->n_columns);
        }
        break;
    }
    case DDL_STMT_RENAME_TABLE:
        for (size_t i = 0; rc == 0 && i < s->u.rename_table.n_pairs; i++) {
            rc = rn_name(&r, &s->u.rename_table.pairs[i].from);
            if (rc == 0)
                rc = rn_name(&r, &s->u.rename_table.pairs[i].to);
        }
        break;
    case DDL_STMT_DROP_TABLE:
        for (size_t i = 0; rc == 0 && i < s->u.drop_table.n_tables; i++)
            rc = rn_name(&r, &s->u.drop_table.tables[i]);
        break;
    case DDL_STMT_TRUNCATE_TABLE: rc = rn_name(&r, &s->u.truncate_table.table); break;
    case DDL_STMT_CREATE_INDEX: rc = rn_name(&r, &s->u.create_index.table); break;
    case DDL_STMT_DROP_INDEX: rc = rn_name(&r, &s->u.drop_index.table); break;
    default: {
        ddl_other *o = &s->u.other;
        for (size_t i = 0; rc == 0 && i < o->n_tables; i++)
            rc = rn_name(&r, &o->tables[i]);
        // a view's or sequence's own name is its first table reference
        if (rc == 0 && o->n_tables &&
            (s->kind == DDL_STMT_CREATE_VIEW || s->kind == DDL_STMT_ALTER_VIEW || s->kind == DDL_STMT_DROP_VIEW ||
             s->kind == DDL_STMT_CREATE_SEQUENCE || s->kind == DDL_STMT_ALTER_SEQUENCE ||
             s->kind == DDL_STMT_DROP_SEQUENCE))
            o->object = o->tables[0];
        break;
    }
    }
    return rc;
}

// ---------------------------------------------------------------------------------------
// Split

typedef struct stmt_list {
    ddl_stmt **v;
    size_t n, cap;
} stmt_list;

// reparse parses sql into a new statement appended to sl, with the options of orig.
static int reparse(stmt_list *sl, const ddl_stmt *orig, const dm_buf *sql, dm_err *err)
{
    ddl_stmt *st;
    ddl_parse_opts opts = orig->priv->opts;
    int rc;
    // printed strings use backslash escapes
    opts.no_backslash_escapes = false;
    if (sl->n == sl->cap) {
        size_t cap = sl->cap ? sl->cap * 2 : 4;
        ddl_stmt **v = realloc(sl->v, cap * sizeof(*v));
        if (v == NULL)
            return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory splitting a statement");
        sl->v = v;
        sl->cap = cap;
    }
    if ((rc = ddl_parse(&st, sql->data, sql->len, &opts, err)) != 0)
        return dm_err_prefix(err, "re-parsing a split statement");
    sl->v[sl->n++] = st;
    return 0;
}

static int alter_head(dm_buf *b, const ddl_alter_table *at)
{
    int rc;
    dm_buf_reset(b);
    if ((rc = dm_buf_printf(b, "ALTER %s%sTABLE %s", at->online ? "ONLINE " : "", at->ignore ? "IGNORE " : "",
                            at->if_exists ? "IF EXISTS " : "")) != 0 ||
        (rc = ddl_print_name(b, &at->table)) != 0)
        return rc;
    if (at->wait && (rc = dm_buf_printf(b, " %s", at->wait)) != 0)
        return rc;
    return dm_buf_putc(b, ' ');
}

static int split_alter(stmt_list *sl, const ddl_stmt *s, dm_buf *b, dm_err *err)
{
    const ddl_alter_table *at = &s->u.alter_table;
    int rc = 0;
    for (size_t i = 0; i < at->n_specs; i++) {
        const ddl_alter_spec *sp = &at->specs[i];
        size_t parts = sp->kind == DDL_ALTER_ADD_COLUMN ? sp->n_columns : 1;
        for (size_t k = 0; k < parts; k++) {
            ddl_alter_spec one = *sp;
            if (sp->kind == DDL_ALTER_ADD_COLUMN) {
                one.columns = &sp->columns[k];
                one.n_columns = 1;
            }
            if ((rc = alter_head(b, at)) != 0 || (rc = ddl_print_alter_spec(b, &one)) != 0)
                return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory splitting a statement");
            if ((rc = reparse(sl, s, b, err)) != 0)
                return rc;
        }
    }
    return 0;
}

int ddl_split(ddl_stmt ***out, size_t *n_out, const ddl_stmt *s, dm_err *err)
{
    stmt_list sl = {NULL, 0, 0};
    dm_buf b;
    int rc = 0;
    dm_buf_init(&b);
    *out = NULL;
    *n_out = 0;
    if (s->kind == DDL_STMT_ALTER_TABLE && s->u.alter_table.n_specs > 0) {
        rc = split_alter(&sl, s, &b, err);
    } else if (s->kind == DDL_STMT_DROP_TABLE && s->u.drop_table.n_tables > 1) {
        const ddl_drop_table *dt = &s->u.drop_table;
        for (size_t i = 0; rc == 0 && i < dt->n_tables; i++) {
            dm_buf_reset(&b);
            if (dm_buf_printf(&b, "DROP %sTABLE %s", dt->temporary ? "TEMPORARY " : "",
                              dt->if_exists ? "IF EXISTS " : "") != 0 ||
                ddl_print_name(&b, &dt->tables[i]) != 0 || (dt->wait && dm_buf_printf(&b, " %s", dt->wait) != 0) ||
                (dt->behavior && dm_buf_printf(&b, " %s", dt->behavior) != 0)) {
                rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory splitting a statement");
                break;
            }
            rc = reparse(&sl, s, &b, err);
        }
    } else if (s->kind == DDL_STMT_RENAME_TABLE && s->u.rename_table.n_pairs > 1) {
        const ddl_rename_table *rt = &s->u.rename_table;
        for (size_t i = 0; rc == 0 && i < rt->n_pairs; i++) {
            dm_buf_reset(&b);
            if (dm_buf_printf(&b, "RENAME TABLE %s", rt->if_exists ? "IF EXISTS " : "") != 0 ||
                ddl_print_name(&b, &rt->pairs[i].from) != 0 || dm_buf_puts(&b, " TO ") != 0 ||
                ddl_print_name(&b, &rt->pairs[i].to) != 0) {
                rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory splitting a statement");
                break;
            }
            rc = reparse(&sl, s, &b, err);
        }
    } else {
        if ((rc = ddl_print(&b, s, err)) == 0)
            rc = reparse(&sl, s, &b, err);
    }
    dm_buf_fini(&b);
    if (rc != 0) {
        ddl_stmts_free(sl.v, sl.n);
        return rc;
    }
    *out = sl.v;
    *n_out = sl.n;
    return 0;
}

void ddl_stmts_free(ddl_stmt **stmts, size_t n)
{
    if (stmts == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        ddl_stmt_destroy(stmts[i]);
    free(stmts);
}
