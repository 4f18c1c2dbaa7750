// DESIGN: ddl_print turns an AST back into SQL in one canonical shape: identifiers always
// back-quoted, keywords upper-case, one blank between parts, column attributes in a fixed
// order that MySQL and MariaDB both accept, source-text parts copied as they are. Because
// the parser records exactly the fields printed here, parse(print(x)) has the same
// ddl_dump as x. ddl_dump writes every field of the AST, one node per line, so two ASTs are
// equal exactly when their dumps are.
#include <stdio.h>
#include <string.h>

#include "ddl_internal.h"

#define P(x)                       \
    do {                           \
        if ((rc = (x)) != 0)       \
            goto done;             \
    } while (0)

int ddl_print_ident(dm_buf *out, const char *name)
{
    int rc;
    if ((rc = dm_buf_putc(out, '`')) != 0)
        return rc;
    for (const char *p = name; *p; p++) {
        if (*p == '`' && (rc = dm_buf_putc(out, '`')) != 0)
            return rc;
        if ((rc = dm_buf_putc(out, *p)) != 0)
            return rc;
    }
    return dm_buf_putc(out, '`');
}

int ddl_print_name(dm_buf *out, const ddl_name *n)
{
    int rc;
    if (n->db) {
        if ((rc = ddl_print_ident(out, n->db)) != 0 || (rc = dm_buf_putc(out, '.')) != 0)
            return rc;
    }
    return ddl_print_ident(out, n->name);
}

// print_string writes a single-quoted literal that reads back as s under the default
// sql_mode (quote doubled, backslash and control bytes escaped).
static int print_string(dm_buf *out, const char *s)
{
    int rc;
    if ((rc = dm_buf_putc(out, '\'')) != 0)
        return rc;
    for (const char *p = s; *p; p++) {
        const char *esc = NULL;
        switch (*p) {
        case '\'': esc = "''"; break;
        case '\\':
            // \% and \_ were kept with their backslash by the lexer; print them as they came
            esc = (p[1] == '%' || p[1] == '_') ? "\\" : "\\\\";
            break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\032': esc = "\\Z"; break;
        default: break;
        }
        rc = esc ? dm_buf_puts(out, esc) : dm_buf_putc(out, *p);
        if (rc != 0)
            return rc;
    }
    return dm_buf_putc(out, '\'');
}

// print_word writes an option value that was an identifier or number: as is when it reads
// back as the same single token (a plain word or a decimal number), back-quoted otherwise.
static int print_word(dm_buf *out, const char *v)
{
    bool word = *v != '\0', number = *v != '\0';
    int dots = 0;
    for (const char *p = v; *p; p++) {
        unsigned char c = (unsigned char)*p;
        bool digit = c >= '0' && c <= '9';
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || digit || c == '_' || c == '$' || c >= 0x80))
            word = false;
        if (c == '.')
            dots++;
        else if (!digit)
            number = false;
    }
    if (dots > 1 || strcmp(v, ".") == 0)
        number = false;
    // a reserved word would not read back as a name (DEFAULT is the keyword value itself)
    if (word && ddl_is_reserved_word(v) && strcmp(v, "DEFAULT") != 0)
        word = false;
    return word || number ? dm_buf_puts(out, v) : ddl_print_ident(out, v);
}

// print_option_name writes an option name as is when it reads back as the same unquoted
// word (word characters, not starting with a digit), back-quoted otherwise.
static int print_option_name(dm_buf *out, const char *name)
{
    bool plain = *name != '\0' && !(*name >= '0' && *name <= '9');
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
              c >= 0x80))
            plain = false;
    }
    return plain ? dm_buf_puts(out, name) : ddl_print_ident(out, name);
}

// print_keyword_word writes a keyword and a value read by word_value.
static int print_keyword_word(dm_buf *out, const char *keyword, const char *v)
{
    int rc = dm_buf_puts(out, keyword);
    return rc ? rc : print_word(out, v);
}

static const char *const type_names[DDL_TYPE__COUNT] = {
    [DDL_TYPE_NONE] = "", [DDL_TYPE_TINYINT] = "TINYINT", [DDL_TYPE_SMALLINT] = "SMALLINT",
    [DDL_TYPE_MEDIUMINT] = "MEDIUMINT", [DDL_TYPE_INT] = "INT", [DDL_TYPE_BIGINT] = "BIGINT",
    [DDL_TYPE_DECIMAL] = "DECIMAL", [DDL_TYPE_FLOAT] = "FLOAT", [DDL_TYPE_DOUBLE] = "DOUBLE",
    [DDL_TYPE_BIT] = "BIT", [DDL_TYPE_DATE] = "DATE", [DDL_TYPE_TIME] = "TIME",
    [DDL_TYPE_DATETIME] = "DATETIME", [DDL_TYPE_TIMESTAMP] = "TIMESTAMP", [DDL_TYPE_YEAR] = "YEAR",
    [DDL_TYPE_CHAR] = "CHAR", [DDL_TYPE_VARCHAR] = "VARCHAR", [DDL_TYPE_BINARY] = "BINARY",
    [DDL_TYPE_VARBINARY] = "VARBINARY", [DDL_TYPE_TINYBLOB] = "TINYBLOB", [DDL_TYPE_BLOB] = "BLOB",
    [DDL_TYPE_MEDIUMBLOB] = "MEDIUMBLOB", [DDL_TYPE_LONGBLOB] = "LONGBLOB",
    [DDL_TYPE_TINYTEXT] = "TINYTEXT", [DDL_TYPE_TEXT] = "TEXT", [DDL_TYPE_MEDIUMTEXT] = "MEDIUMTEXT",
    [DDL_TYPE_LONGTEXT] = "LONGTEXT", [DDL_TYPE_ENUM] = "ENUM", [DDL_TYPE_SET] = "SET",
    [DDL_TYPE_JSON] = "JSON", [DDL_TYPE_GEOMETRY] = "GEOMETRY", [DDL_TYPE_POINT] = "POINT",
    [DDL_TYPE_LINESTRING] = "LINESTRING", [DDL_TYPE_POLYGON] = "POLYGON",
    [DDL_TYPE_MULTIPOINT] = "MULTIPOINT", [DDL_TYPE_MULTILINESTRING] = "MULTILINESTRING",
    [DDL_TYPE_MULTIPOLYGON] = "MULTIPOLYGON", [DDL_TYPE_GEOMETRYCOLLECTION] = "GEOMETRYCOLLECTION",
    [DDL_TYPE_INET4] = "INET4", [DDL_TYPE_INET6] = "INET6", [DDL_TYPE_UUID] = "UUID",
};

static const char *const ref_actions[] = {"", "RESTRICT", "CASCADE", "SET NULL", "NO ACTION", "SET DEFAULT"};

// print_type writes a type; MariaDB wants COMPRESSED right after the length.
static int print_type(dm_buf *out, const ddl_type *t, bool compressed)
{
    int rc = 0;
    P(dm_buf_puts(out, type_names[t->id]));
    if (t->n_values) {
        P(dm_buf_putc(out, '('));
        for (size_t i = 0; i < t->n_values; i++) {
            if (i)
                P(dm_buf_putc(out, ','));
            P(print_string(out, t->values[i]));
        }
        P(dm_buf_putc(out, ')'));
    } else if (t->length >= 0) {
        P(dm_buf_printf(out, "(%lld", t->length));
        if (t->scale >= 0)
            P(dm_buf_printf(out, ",%lld", t->scale));
        P(dm_buf_putc(out, ')'));
    }
    if (compressed)
        P(dm_buf_puts(out, " COMPRESSED"));
    if (t->is_unsigned)
        P(dm_buf_puts(out, " UNSIGNED"));
    if (t->zerofill)
        P(dm_buf_puts(out, " ZEROFILL"));
    if (t->binary)
        P(dm_buf_puts(out, " BINARY"));
    if (t->charset) {
        P(dm_buf_puts(out, " CHARACTER SET "));
        P(print_word(out, t->charset));
    }
    if (t->collate) {
        P(dm_buf_puts(out, " COLLATE "));
        P(print_word(out, t->collate));
    }
done:
    return rc;
}

static int print_reference(dm_buf *out, const ddl_reference *r)
{
    int rc = 0;
    P(dm_buf_puts(out, "REFERENCES "));
    P(ddl_print_name(out, &r->table));
    if (r->n_columns) {
        P(dm_buf_puts(out, " ("));
        for (size_t i = 0; i < r->n_columns; i++) {
            if (i)
                P(dm_buf_puts(out, ", "));
            P(ddl_print_ident(out, r->columns[i]));
        }
        P(dm_buf_putc(out, ')'));
    }
    if (r->match)
        P(dm_buf_printf(out, " MATCH %s", r->match));
    if (r->on_delete)
        P(dm_buf_printf(out, " ON DELETE %s", ref_actions[r->on_delete]));
    if (r->on_update)
        P(dm_buf_printf(out, " ON UPDATE %s", ref_actions[r->on_update]));
done:
    return rc;
}

static int print_enforced(dm_buf *out, int enforced)
{
    if (enforced == 1)
        return dm_buf_puts(out, " ENFORCED");
    if (enforced == 0)
        return dm_buf_puts(out, " NOT ENFORCED");
    return 0;
}

static int print_column(dm_buf *out, const ddl_column *c)
{
    int rc = 0;
    P(ddl_print_ident(out, c->name));
    P(dm_buf_putc(out, ' '));
    P(print_type(out, &c->type, c->compressed));
    if (c->generated) {
        P(dm_buf_printf(out, " GENERATED ALWAYS AS (%s) %s", c->generated_expr,
                        c->generated == DDL_GENERATED_STORED ? "STORED" : "VIRTUAL"));
    }
    if (c->nullability == DDL_NULL_NOT_NULL)
        P(dm_buf_puts(out, " NOT NULL"));
    else if (c->nullability == DDL_NULL_NULL)
        P(dm_buf_puts(out, " NULL"));
    if (c->default_kind)
        P(dm_buf_printf(out, " DEFAULT %s", c->default_value));
    if (c->on_update)
        P(dm_buf_printf(out, " ON UPDATE %s", c->on_update));
    if (c->auto_increment)
        P(dm_buf_puts(out, " AUTO_INCREMENT"));
    if (c->invisible)
        P(dm_buf_puts(out, " INVISIBLE"));
    if (c->unique_key)
        P(dm_buf_puts(out, " UNIQUE KEY"));
    if (c->primary_key)
        P(dm_buf_puts(out, " PRIMARY KEY"));
    if (c->comment) {
        P(dm_buf_puts(out, " COMMENT "));
        P(print_string(out, c->comment));
    }
    if (c->column_format)
        P(dm_buf_printf(out, " COLUMN_FORMAT %s", c->column_format));
    if (c->storage)
        P(dm_buf_printf(out, " STORAGE %s", c->storage));
    if (c->srid)
        P(print_keyword_word(out, " SRID ", c->srid));
    for (size_t i = 0; i < c->n_checks; i++) {
        if (c->checks[i].name) {
            P(dm_buf_puts(out, " CONSTRAINT "));
            P(ddl_print_ident(out, c->checks[i].name));
        }
        P(dm_buf_printf(out, " CHECK (%s)", c->checks[i].expr));
        P(print_enforced(out, c->checks[i].enforced));
    }
    if (c->reference) {
        P(dm_buf_putc(out, ' '));
        P(print_reference(out, c->reference));
    }
done:
    return rc;
}

static int print_constraint(dm_buf *out, const ddl_constraint *c)
{
    int rc = 0;
    static const char *const vis[] = {"", " VISIBLE", " INVISIBLE", " IGNORED", " NOT IGNORED"};
    if (c->symbol) {
        P(dm_buf_puts(out, "CONSTRAINT "));
        P(ddl_print_ident(out, c->symbol));
        P(dm_buf_putc(out, ' '));
    }
    switch (c->kind) {
    case DDL_CONSTRAINT_CHECK:
        P(dm_buf_printf(out, "CHECK (%s)", c->check_expr));
        P(print_enforced(out, c->enforced));
        goto done;
    case DDL_CONSTRAINT_PRIMARY: P(dm_buf_puts(out, "PRIMARY KEY")); break;
    case DDL_CONSTRAINT_UNIQUE: P(dm_buf_puts(out, "UNIQUE KEY")); break;
    case DDL_CONSTRAINT_INDEX: P(dm_buf_puts(out, "KEY")); break;
    case DDL_CONSTRAINT_FULLTEXT: P(dm_buf_puts(out, "FULLTEXT KEY")); break;
    case DDL_CONSTRAINT_SPATIAL: P(dm_buf_puts(out, "SPATIAL KEY")); break;
    case DDL_CONSTRAINT_FOREIGN: P(dm_buf_puts(out, "FOREIGN KEY")); break;
    }
    if (c->if_not_exists)
        P(dm_buf_puts(out, " IF NOT EXISTS"));
    if (c->index_name) {
        P(dm_buf_putc(out, ' '));
        P(ddl_print_ident(out, c->index_name));
    }
    P(dm_buf_puts(out, " ("));
    for (size_t i = 0; i < c->n_parts; i++) {
        const ddl_key_part *kp = &c->parts[i];
        if (i)
            P(dm_buf_puts(out, ", "));
        if (kp->expr)
            P(dm_buf_printf(out, "(%s)", kp->expr));
        else
            P(ddl_print_ident(out, kp->column));
        if (kp->length >= 0)
            P(dm_buf_printf(out, "(%lld)", kp->length));
        if (kp->order == 1)
            P(dm_buf_puts(out, " ASC"));
        else if (kp->order == 2)
            P(dm_buf_puts(out, " DESC"));
    }
    P(dm_buf_putc(out, ')'));
    if (c->reference) {
        P(dm_buf_putc(out, ' '));
        P(print_reference(out, c->reference));
    }
    if (c->using_type)
        P(dm_buf_printf(out, " USING %s", c->using_type));
    if (c->key_block_size)
        P(print_keyword_word(out, " KEY_BLOCK_SIZE=", c->key_block_size));
    if (c->parser) {
        P(dm_buf_puts(out, " WITH PARSER "));
        P(ddl_print_ident(out, c->parser));
    }
    if (c->comment) {
        P(dm_buf_puts(out, " COMMENT "));
        P(print_string(out, c->comment));
    }
    P(dm_buf_puts(out, vis[c->visibility]));
done:
    return rc;
}

static int print_option(dm_buf *out, const ddl_option *o)
{
    int rc = 0;
    if (o->with_default)
        P(dm_buf_puts(out, "DEFAULT "));
    if (strcmp(o->name, "CHARACTER SET") == 0 || strcmp(o->name, "DATA DIRECTORY") == 0 ||
        strcmp(o->name, "INDEX DIRECTORY") == 0 || o->value == NULL)
        P(dm_buf_puts(out, o->name));
    else
        P(print_option_name(out, o->name));
    if (o->value == NULL)
        goto done;  // WITH SYSTEM VERSIONING
    if (strcmp(o->name, "UNION") == 0) {
        P(dm_buf_printf(out, "=%s", o->value));
        goto done;
    }
    P(dm_buf_putc(out, '='));
    if (o->quoted)
        P(print_string(out, o->value));
    else
        P(print_word(out, o->value));
done:
    return rc;
}

static int print_options(dm_buf *out, const ddl_option *opts, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        P(dm_buf_putc(out, ' '));
        P(print_option(out, &opts[i]));
    }
done:
    return rc;
}

static int print_position(dm_buf *out, const ddl_alter_spec *sp)
{
    int rc = 0;
    if (sp->position == DDL_POS_FIRST)
        P(dm_buf_puts(out, " FIRST"));
    else if (sp->position == DDL_POS_AFTER) {
        P(dm_buf_puts(out, " AFTER "));
        P(ddl_print_ident(out, sp->after));
    }
done:
    return rc;
}

int ddl_print_alter_spec(dm_buf *out, const ddl_alter_spec *sp)
{
    int rc = 0;
    const char *col = sp->column_keyword ? " COLUMN" : "";
    const char *ife = sp->if_exists ? " IF EXISTS" : "";
    switch (sp->kind) {
    case DDL_ALTER_ADD_COLUMN:
        P(dm_buf_printf(out, "ADD%s%s ", col, sp->if_not_exists ? " IF NOT EXISTS" : ""));
        if (sp->n_columns == 1) {
            P(print_column(out, &sp->columns[0]));
            P(print_position(out, sp));
        } else {
            P(dm_buf_putc(out, '('));
            for (size_t i = 0; i < sp->n_columns; i++) {
                if (i)
                    P(dm_buf_puts(out, ", "));
                P(print_column(out, &sp->columns[i]));
            }
            P(dm_buf_putc(out, ')'));
        }
        break;
    case DDL_ALTER_DROP_COLUMN:
        P(dm_buf_printf(out, "DROP%s%s ", col, ife));
        P(ddl_print_ident(out, sp->name));
        if (sp->behavior)
            P(dm_buf_printf(out, " %s", sp->behavior));
        break;
    case DDL_ALTER_MODIFY_COLUMN:
    case DDL_ALTER_CHANGE_COLUMN:
        P(dm_buf_printf(out, "%s%s%s ", sp->kind == DDL_ALTER_MODIFY_COLUMN ? "MODIFY" : "CHANGE", col, ife));
        if (sp->kind == DDL_ALTER_CHANGE_COLUMN) {
            P(ddl_print_ident(out, sp->name));
            P(dm_buf_putc(out, ' '));
        }
        P(print_column(out, &sp->columns[0]));
        P(print_position(out, sp));
        break;
    case DDL_ALTER_RENAME_COLUMN:
    case DDL_ALTER_RENAME_INDEX:
        P(dm_buf_printf(out, "RENAME %s%s ", sp->kind == DDL_ALTER_RENAME_COLUMN ? "COLUMN" : "INDEX", ife));
        P(ddl_print_ident(out, sp->name));
        P(dm_buf_puts(out, " TO "));
        P(ddl_print_ident(out, sp->new_name));
        break;
    case DDL_ALTER_SET_DEFAULT:
    case DDL_ALTER_DROP_DEFAULT:
    case DDL_ALTER_COLUMN_VISIBILITY:
        P(dm_buf_printf(out, "ALTER%s%s ", col, ife));
        P(ddl_print_ident(out, sp->name));
        if (sp->kind == DDL_ALTER_SET_DEFAULT)
            P(dm_buf_printf(out, " SET DEFAULT %s", sp->value));
        else if (sp->kind == DDL_ALTER_DROP_DEFAULT)
            P(dm_buf_puts(out, " DROP DEFAULT"));
        else
            P(dm_buf_printf(out, " SET %s", sp->value));
        break;
    case DDL_ALTER_ADD_CONSTRAINT:
        P(dm_buf_puts(out, "ADD "));
        P(print_constraint(out, sp->constraint));
        break;
    case DDL_ALTER_DROP_INDEX:
    case DDL_ALTER_DROP_FOREIGN_KEY:
    case DDL_ALTER_DROP_CONSTRAINT:
    case DDL_ALTER_DROP_CHECK:
        P(dm_buf_printf(out, "DROP %s%s ",
                        sp->kind == DDL_ALTER_DROP_INDEX         ? "INDEX"
                        : sp->kind == DDL_ALTER_DROP_FOREIGN_KEY ? "FOREIGN KEY"
                        : sp->kind == DDL_ALTER_DROP_CONSTRAINT  ? "CONSTRAINT"
                                                                 : "CHECK",
                        ife));
        P(ddl_print_ident(out, sp->name));
        if (sp->behavior)
            P(dm_buf_printf(out, " %s", sp->behavior));
        break;
    case DDL_ALTER_DROP_PRIMARY_KEY: P(dm_buf_puts(out, "DROP PRIMARY KEY")); break;
    case DDL_ALTER_INDEX_VISIBILITY:
        P(dm_buf_puts(out, "ALTER INDEX "));
        P(ddl_print_ident(out, sp->name));
        P(dm_buf_printf(out, " %s", sp->value));
        break;
    case DDL_ALTER_RENAME_TABLE:
        P(dm_buf_puts(out, "RENAME TO "));
        P(ddl_print_name(out, &sp->new_table));
        break;
    case DDL_ALTER_CONVERT_CHARSET:
        P(dm_buf_puts(out, "CONVERT TO CHARACTER SET "));
        P(print_word(out, sp->charset));
        if (sp->collate) {
            P(dm_buf_puts(out, " COLLATE "));
            P(print_word(out, sp->collate));
        }
        break;
    case DDL_ALTER_OPTIONS:
        for (size_t i = 0; i < sp->n_options; i++) {
            if (i)
                P(dm_buf_putc(out, ' '));
            P(print_option(out, &sp->options[i]));
        }
        break;
    case DDL_ALTER_ALGORITHM: P(print_keyword_word(out, "ALGORITHM=", sp->value)); break;
    case DDL_ALTER_LOCK: P(print_keyword_word(out, "LOCK=", sp->value)); break;
    case DDL_ALTER_FORCE: P(dm_buf_puts(out, "FORCE")); break;
    case DDL_ALTER_ORDER_BY: P(dm_buf_printf(out, "ORDER BY %s", sp->value)); break;
    case DDL_ALTER_ENABLE_KEYS: P(dm_buf_puts(out, "ENABLE KEYS")); break;
    case DDL_ALTER_DISABLE_KEYS: P(dm_buf_puts(out, "DISABLE KEYS")); break;
    case DDL_ALTER_PARTITION: P(dm_buf_puts(out, sp->value)); break;
    case DDL_ALTER_DISCARD_TABLESPACE: P(dm_buf_puts(out, "DISCARD TABLESPACE")); break;
    case DDL_ALTER_IMPORT_TABLESPACE: P(dm_buf_puts(out, "IMPORT TABLESPACE")); break;
    case DDL_ALTER_VALIDATION: P(dm_buf_printf(out, "%s VALIDATION", sp->value)); break;
    }
done:
    return rc;
}

static int print_create_table(dm_buf *out, const ddl_create_table *ct)
{
    int rc = 0;
    size_t k = 0;
    P(dm_buf_printf(out, "CREATE %s%sTABLE %s", ct->or_replace ? "OR REPLACE " : "",
                    ct->temporary ? "TEMPORARY " : "", ct->if_not_exists ? "IF NOT EXISTS " : ""));
    P(ddl_print_name(out, &ct->table));
    if (ct->has_like) {
        P(dm_buf_puts(out, " LIKE "));
        P(ddl_print_name(out, &ct->like));
        goto done;
    }
    if (ct->n_columns || ct->n_constraints) {
        P(dm_buf_puts(out, " ("));
        for (size_t i = 0; i < ct->n_columns; i++, k++) {
            if (k)
                P(dm_buf_puts(out, ", "));
            P(print_column(out, &ct->columns[i]));
        }
        for (size_t i = 0; i < ct->n_constraints; i++, k++) {
            if (k)
                P(dm_buf_puts(out, ", "));
            P(print_constraint(out, &ct->constraints[i]));
        }
        P(dm_buf_putc(out, ')'));
    }
    P(print_options(out, ct->options, ct->n_options));
    if (ct->partition)
        P(dm_buf_printf(out, " %s", ct->partition));
    if (ct->select)
        P(dm_buf_printf(out, " %s", ct->select));
done:
    return rc;
}

static int print_wait(dm_buf *out, const char *wait)
{
    return wait ? dm_buf_printf(out, " %s", wait) : 0;
}

static int print_other(dm_buf *out, const ddl_stmt *s)
{
    const ddl_other *o = &s->u.other;
    const struct ddl_priv *pv = s->priv;
    size_t at = 0;
    int rc = 0;
    for (size_t i = 0; i < pv->n_spans; i++) {
        const ddl_span *sp = &pv->spans[i];
        P(dm_buf_append(out, o->text + at, sp->start - at));
        // a back-quote glued to the new name would merge with its quotes
        if (sp->start > 0 && o->text[sp->start - 1] == '`')
            P(dm_buf_putc(out, ' '));
        P(ddl_print_name(out, &o->tables[sp->index]));
        if (o->text[sp->end] == '`')
            P(dm_buf_putc(out, ' '));
        at = sp->end;
    }
    P(dm_buf_puts(out, o->text + at));
done:
    return rc;
}

static int print_database(dm_buf *out, const ddl_stmt *s)
{
    const ddl_database *d = &s->u.database;
    const char *what = d->schema_keyword ? "SCHEMA" : "DATABASE";
    int rc = 0;
    switch (s->kind) {
    case DDL_STMT_CREATE_DATABASE:
        P(dm_buf_printf(out, "CREATE %s%s %s", d->or_replace ? "OR REPLACE " : "", what,
                        d->if_not_exists ? "IF NOT EXISTS " : ""));
        break;
    case DDL_STMT_DROP_DATABASE:
        P(dm_buf_printf(out, "DROP %s %s", what, d->if_exists ? "IF EXISTS " : ""));
        break;
    default: P(dm_buf_printf(out, "ALTER %s", what)); break;
    }
    if (d->name) {
        if (s->kind == DDL_STMT_ALTER_DATABASE)
            P(dm_buf_putc(out, ' '));
        P(ddl_print_ident(out, d->name));
    }
    P(print_options(out, d->options, d->n_options));
done:
    return rc;
}

int ddl_print(dm_buf *out, const ddl_stmt *s, dm_err *err)
{
    int rc = 0;
    switch (s->kind) {
    case DDL_STMT_CREATE_DATABASE:
    case DDL_STMT_ALTER_DATABASE:
    case DDL_STMT_DROP_DATABASE: P(print_database(out, s)); break;
    case DDL_STMT_CREATE_TABLE: P(print_create_table(out, &s->u.create_table)); break;
    case DDL_STMT_ALTER_TABLE: {
        const ddl_alter_table *at = &s->u.alter_table;
        P(dm_buf_printf(out, "ALTER %s%sTABLE %s", at->online ? "ONLINE " : "", at->ignore ? "IGNORE " : "",
                        at->if_exists ? "IF EXISTS " : ""));
        P(ddl_print_name(out, &at->table));
        P(print_wait(out, at->wait));
        for (size_t i = 0; i < at->n_specs; i++) {
            // partition options follow the other specifications without a comma
            P(dm_buf_puts(out, i && at->specs[i].kind != DDL_ALTER_PARTITION ? ", " : " "));
            P(ddl_print_alter_spec(out, &at->specs[i]));
        }
        break;
    }
    case DDL_STMT_RENAME_TABLE: {
        const ddl_rename_table *rt = &s->u.rename_table;
        P(dm_buf_printf(out, "RENAME TABLE %s", rt->if_exists ? "IF EXISTS " : ""));
        for (size_t i = 0; i < rt->n_pairs; i++) {
            if (i)
                P(dm_buf_puts(out, ", "));
            P(ddl_print_name(out, &rt->pairs[i].from));
            if (i == 0)
                P(print_wait(out, rt->wait));
            P(dm_buf_puts(out, " TO "));
            P(ddl_print_name(out, &rt->pairs[i].to));
        }
        break;
    }
    case DDL_STMT_DROP_TABLE: {
        const ddl_drop_table *dt = &s->u.drop_table;
        P(dm_buf_printf(out, "DROP %sTABLE %s", dt->temporary ? "TEMPORARY " : "", dt->if_exists ? "IF EXISTS " : ""));
        for (size_t i = 0; i < dt->n_tables; i++) {
            if (i)
                P(dm_buf_puts(out, ", "));
            P(ddl_print_name(out, &dt->tables[i]));
        }
        P(print_wait(out, dt->wait));
        if (dt->behavior)
            P(dm_buf_printf(out, " %s", dt->behavior));
        break;
    }
    case DDL_STMT_TRUNCATE_TABLE:
        P(dm_buf_puts(out, s->u.truncate_table.table_keyword ? "TRUNCATE TABLE " : "TRUNCATE "));
        P(ddl_print_name(out, &s->u.truncate_table.table));
        P(print_wait(out, s->u.truncate_table.wait));
        break;
    case DDL_STMT_CREATE_INDEX: {
        const ddl_create_index *ci = &s->u.create_index;
        ddl_constraint c = ci->index;
        static const char *const kinds[] = {"", "", "UNIQUE ", "", "FULLTEXT ", "SPATIAL ", "", ""};
        P(dm_buf_printf(out, "CREATE %s%s%sINDEX %s", ci->or_replace ? "OR REPLACE " : "",
                        ci->online ? "ONLINE " : "", kinds[c.kind], c.if_not_exists ? "IF NOT EXISTS " : ""));
        P(ddl_print_ident(out, c.index_name));
        P(dm_buf_puts(out, " ON "));
        P(ddl_print_name(out, &ci->table));
        P(print_wait(out, ci->wait));
        // the key parts and options print like a table index without its leading words
        c.symbol = NULL;
        c.index_name = NULL;
        c.if_not_exists = false;
        c.kind = DDL_CONSTRAINT_INDEX;
        {
            dm_buf tmp;
            dm_buf_init(&tmp);
            rc = print_constraint(&tmp, &c);
            if (rc == 0)
                rc = dm_buf_puts(out, tmp.data + 3);  // past "KEY"
            dm_buf_fini(&tmp);
            if (rc)
                goto done;
        }
        if (ci->algorithm)
            P(print_keyword_word(out, " ALGORITHM=", ci->algorithm));
        if (ci->lock)
            P(print_keyword_word(out, " LOCK=", ci->lock));
        break;
    }
    case DDL_STMT_DROP_INDEX: {
        const ddl_drop_index *di = &s->u.drop_index;
        P(dm_buf_printf(out, "DROP %sINDEX %s", di->online ? "ONLINE " : "", di->if_exists ? "IF EXISTS " : ""));
        P(ddl_print_ident(out, di->name));
        P(dm_buf_puts(out, " ON "));
        P(ddl_print_name(out, &di->table));
        P(print_wait(out, di->wait));
        if (di->algorithm)
            P(print_keyword_word(out, " ALGORITHM=", di->algorithm));
        if (di->lock)
            P(print_keyword_word(out, " LOCK=", di->lock));
        break;
    }
    default: P(print_other(out, s)); break;
    }
done:
    if (rc)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory while printing SQL");
    return 0;
}

// ---------------------------------------------------------------------------------------
// Dump

static int d_str(dm_buf *out, const char *key, const char *v)
{
    int rc;
    if ((rc = dm_buf_printf(out, " %s=", key)) != 0)
        return rc;
    if (v == NULL)
        return dm_buf_putc(out, '-');
    if ((rc = dm_buf_putc(out, '"')) != 0)
        return rc;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p < 0x20 || *p == '"' || *p == '\\' || *p == 0x7f)
            rc = dm_buf_printf(out, "\\x%02x", *p);
        else
            rc = dm_buf_putc(out, (char)*p);
        if (rc)
            return rc;
    }
    return dm_buf_putc(out, '"');
}

static int d_int(dm_buf *out, const char *key, long long v)
{
    return dm_buf_printf(out, " %s=%lld", key, v);
}

static int d_name(dm_buf *out, const char *key, const ddl_name *n)
{
    int rc;
    if ((rc = dm_buf_printf(out, " %s=", key)) != 0)
        return rc;
    if ((rc = d_str(out, "db", n->db)) != 0)
        return rc;
    return d_str(out, "name", n->name);
}

static int d_reference(dm_buf *out, const char *indent, const ddl_reference *r)
{
    int rc = 0;
    if (r == NULL)
        return 0;
    P(dm_buf_printf(out, "%sreference", indent));
    P(d_name(out, "table", &r->table));
    P(d_str(out, "match", r->match));
    P(d_int(out, "on_delete", r->on_delete));
    P(d_int(out, "on_update", r->on_update));
    P(dm_buf_putc(out, '\n'));
    for (size_t i = 0; i < r->n_columns; i++) {
        P(dm_buf_printf(out, "%s  refcol", indent));
        P(d_str(out, "name", r->columns[i]));
        P(dm_buf_putc(out, '\n'));
    }
done:
    return rc;
}

static int d_column(dm_buf *out, const char *indent, const ddl_column *c)
{
    const ddl_type *t = &c->type;
    int rc = 0;
    P(dm_buf_printf(out, "%scolumn", indent));
    P(d_str(out, "name", c->name));
    P(d_str(out, "type", type_names[t->id]));
    P(d_int(out, "len", t->length));
    P(d_int(out, "scale", t->scale));
    P(d_int(out, "unsigned", t->is_unsigned));
    P(d_int(out, "zerofill", t->zerofill));
    P(d_int(out, "binary", t->binary));
    P(d_str(out, "charset", t->charset));
    P(d_str(out, "collate", t->collate));
    P(d_int(out, "null", c->nullability));
    P(d_int(out, "default_kind", c->default_kind));
    P(d_str(out, "default", c->default_value));
    P(d_str(out, "on_update", c->on_update));
    P(d_int(out, "auto_inc", c->auto_increment));
    P(d_int(out, "pk", c->primary_key));
    P(d_int(out, "uk", c->unique_key));
    P(d_str(out, "comment", c->comment));
    P(d_int(out, "generated", c->generated));
    P(d_str(out, "gen_expr", c->generated_expr));
    P(d_int(out, "invisible", c->invisible));
    P(d_str(out, "column_format", c->column_format));
    P(d_str(out, "storage", c->storage));
    P(d_str(out, "srid", c->srid));
    P(d_int(out, "compressed", c->compressed));
    P(dm_buf_putc(out, '\n'));
    for (size_t i = 0; i < t->n_values; i++) {
        P(dm_buf_printf(out, "%s  value", indent));
        P(d_str(out, "v", t->values[i]));
        P(dm_buf_putc(out, '\n'));
    }
    for (size_t i = 0; i < c->n_checks; i++) {
        P(dm_buf_printf(out, "%s  check", indent));
        P(d_str(out, "name", c->checks[i].name));
        P(d_str(out, "expr", c->checks[i].expr));
        P(d_int(out, "enforced", c->checks[i].enforced));
        P(dm_buf_putc(out, '\n'));
    }
    {
        char ind[64];
        snprintf(ind, sizeof(ind), "%s  ", indent);
        P(d_reference(out, ind, c->reference));
    }
done:
    return rc;
}

static int d_constraint(dm_buf *out, const char *indent, const ddl_constraint *c)
{
    int rc = 0;
    char ind[64];
    P(dm_buf_printf(out, "%sconstraint", indent));
    P(d_int(out, "kind", c->kind));
    P(d_str(out, "symbol", c->symbol));
    P(d_str(out, "index", c->index_name));
    P(d_int(out, "if_not_exists", c->if_not_exists));
    P(d_str(out, "using", c->using_type));
    P(d_str(out, "key_block_size", c->key_block_size));
    P(d_str(out, "comment", c->comment));
    P(d_str(out, "parser", c->parser));
    P(d_int(out, "visibility", c->visibility));
    P(d_str(out, "check", c->check_expr));
    P(d_int(out, "enforced", c->enforced));
    P(dm_buf_putc(out, '\n'));
    for (size_t i = 0; i < c->n_parts; i++) {
        P(dm_buf_printf(out, "%s  part", indent));
        P(d_str(out, "column", c->parts[i].column));
        P(d_str(out, "expr", c->parts[i].expr));
        P(d_int(out, "len", c->parts[i].length));
        P(d_int(out, "order", c->parts[i].order));
        P(dm_buf_putc(out, '\n'));
    }
    snprintf(ind, sizeof(ind), "%s  ", indent);
    P(d_reference(out, ind, c->reference));
done:
    return rc;
}

static int d_options(dm_buf *out, const char *indent, const ddl_option *o, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        P(dm_buf_printf(out, "%soption", indent));
        P(d_str(out, "name", o[i].name));
        P(d_str(out, "value", o[i].value));
        P(d_int(out, "quoted", o[i].quoted));
        P(d_int(out, "default", o[i].with_default));
        P(dm_buf_putc(out, '\n'));
    }
done:
    return rc;
}

static int d_spec(dm_buf *out, const ddl_alter_spec *sp)
{
    int rc = 0;
    P(dm_buf_puts(out, "  spec"));
    P(d_int(out, "kind", sp->kind));
    P(d_int(out, "if_exists", sp->if_exists));
    P(d_int(out, "if_not_exists", sp->if_not_exists));
    P(d_int(out, "column_kw", sp->column_keyword));
    P(d_str(out, "name", sp->name));
    P(d_str(out, "new_name", sp->new_name));
    P(d_int(out, "position", sp->position));
    P(d_str(out, "after", sp->after));
    if (sp->kind == DDL_ALTER_RENAME_TABLE)
        P(d_name(out, "new_table", &sp->new_table));
    P(d_str(out, "charset", sp->charset));
    P(d_str(out, "collate", sp->collate));
    P(d_str(out, "value", sp->value));
    P(d_str(out, "behavior", sp->behavior));
    P(d_int(out, "partition_op", sp->partition_op));
    P(dm_buf_putc(out, '\n'));
    for (size_t i = 0; i < sp->n_columns; i++)
        P(d_column(out, "    ", &sp->columns[i]));
    if (sp->constraint)
        P(d_constraint(out, "    ", sp->constraint));
    P(d_options(out, "    ", sp->options, sp->n_options));
done:
    return rc;
}

int ddl_dump(dm_buf *out, const ddl_stmt *s, dm_err *err)
{
    int rc = 0;
    P(dm_buf_printf(out, "stmt kind=%s\n", ddl_stmt_kind_name(s->kind)));
    switch (s->kind) {
    case DDL_STMT_CREATE_DATABASE:
    case DDL_STMT_ALTER_DATABASE:
    case DDL_STMT_DROP_DATABASE: {
        const ddl_database *d = &s->u.database;
        P(dm_buf_puts(out, "database"));
        P(d_str(out, "name", d->name));
        P(d_int(out, "if_exists", d->if_exists));
        P(d_int(out, "if_not_exists", d->if_not_exists));
        P(d_int(out, "or_replace", d->or_replace));
        P(d_int(out, "schema_kw", d->schema_keyword));
        P(dm_buf_putc(out, '\n'));
        P(d_options(out, "  ", d->options, d->n_options));
        break;
    }
    case DDL_STMT_CREATE_TABLE: {
        const ddl_create_table *ct = &s->u.create_table;
        P(dm_buf_puts(out, "create_table"));
        P(d_name(out, "table", &ct->table));
        P(d_int(out, "temporary", ct->temporary));
        P(d_int(out, "if_not_exists", ct->if_not_exists));
        P(d_int(out, "or_replace", ct->or_replace));
        P(d_int(out, "has_like", ct->has_like));
        if (ct->has_like)
            P(d_name(out, "like", &ct->like));
        P(d_str(out, "partition", ct->partition));
        P(d_str(out, "select", ct->select));
        P(dm_buf_putc(out, '\n'));
        for (size_t i = 0; i < ct->n_columns; i++)
            P(d_column(out, "  ", &ct->columns[i]));
        for (size_t i = 0; i < ct->n_constraints; i++)
            P(d_constraint(out, "  ", &ct->constraints[i]));
        P(d_options(out, "  ", ct->options, ct->n_options));
        break;
    }
    case DDL_STMT_ALTER_TABLE: {
        const ddl_alter_table *at = &s->u.alter_table;
        P(dm_buf_puts(out, "alter_table"));
        P(d_name(out, "table", &at->table));
        P(d_int(out, "online", at->online));
        P(d_int(out, "ignore", at->ignore));
        P(d_int(out, "if_exists", at->if_exists));
        P(d_str(out, "wait", at->wait));
        P(dm_buf_putc(out, '\n'));
        for (size_t i = 0; i < at->n_specs; i++)
            P(d_spec(out, &at->specs[i]));
        break;
    }
    case DDL_STMT_RENAME_TABLE: {
        const ddl_rename_table *rt = &s->u.rename_table;
        P(dm_buf_puts(out, "rename_table"));
        P(d_int(out, "if_exists", rt->if_exists));
        P(d_str(out, "wait", rt->wait));
        P(dm_buf_putc(out, '\n'));
        for (size_t i = 0; i < rt->n_pairs; i++) {
            P(dm_buf_puts(out, "  pair"));
            P(d_name(out, "from", &rt->pairs[i].from));
            P(d_name(out, "to", &rt->pairs[i].to));
            P(dm_buf_putc(out, '\n'));
        }
        break;
    }
    case DDL_STMT_DROP_TABLE: {
        const ddl_drop_table *dt = &s->u.drop_table;
        P(dm_buf_puts(out, "drop_table"));
        P(d_int(out, "temporary", dt->temporary));
        P(d_int(out, "if_exists", dt->if_exists));
        P(d_str(out, "wait", dt->wait));
        P(d_str(out, "behavior", dt->behavior));
        P(dm_buf_putc(out, '\n'));
        for (size_t i = 0; i < dt->n_tables; i++) {
            P(dm_buf_puts(out, "  table"));
            P(d_name(out, "name", &dt->tables[i]));
            P(dm_buf_putc(out, '\n'));
        }
        break;
    }
    case DDL_STMT_TRUNCATE_TABLE:
        P(dm_buf_puts(out, "truncate"));
        P(d_name(out, "table", &s->u.truncate_table.table));
        P(d_int(out, "table_kw", s->u.truncate_table.table_keyword));
        P(d_str(out, "wait", s->u.truncate_table.wait));
        P(dm_buf_putc(out, '\n'));
        break;
    case DDL_STMT_CREATE_INDEX: {
        const ddl_create_index *ci = &s->u.create_index;
        P(dm_buf_puts(out, "create_index"));
        P(d_name(out, "table", &ci->table));
        P(d_int(out, "or_replace", ci->or_replace));
        P(d_int(out, "online", ci->online));
        P(d_str(out, "algorithm", ci->algorithm));
        P(d_str(out, "lock", ci->lock));
        P(d_str(out, "wait", ci->wait));
        P(dm_buf_putc(out, '\n'));
        P(d_constraint(out, "  ", &ci->index));
        break;
    }
    case DDL_STMT_DROP_INDEX: {
        const ddl_drop_index *di = &s->u.drop_index;
        P(dm_buf_puts(out, "drop_index"));
        P(d_name(out, "table", &di->table));
        P(d_str(out, "name", di->name));
        P(d_int(out, "if_exists", di->if_exists));
        P(d_int(out, "online", di->online));
        P(d_str(out, "algorithm", di->algorithm));
        P(d_str(out, "lock", di->lock));
        P(d_str(out, "wait", di->wait));
        P(dm_buf_putc(out, '\n'));
        break;
    }
    default: {
        const ddl_other *o = &s->u.other;
        P(dm_buf_puts(out, "other"));
        P(d_name(out, "object", &o->object));
        P(d_int(out, "if_exists", o->if_exists));
        P(d_int(out, "if_not_exists", o->if_not_exists));
        P(dm_buf_putc(out, '\n'));
        for (size_t i = 0; i < o->n_tables; i++) {
            P(dm_buf_puts(out, "  table"));
            P(d_name(out, "name", &o->tables[i]));
            P(dm_buf_putc(out, '\n'));
        }
        P(dm_buf_puts(out, "  text"));
        {
            dm_buf t;
            dm_buf_init(&t);
            rc = print_other(&t, s);
            if (rc == 0)
                rc = d_str(out, "sql", t.data ? t.data : "");
            dm_buf_fini(&t);
            if (rc)
                goto done;
        }
        P(dm_buf_putc(out, '\n'));
        break;
    }
    }
done:
    if (rc)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory while dumping a statement");
    return 0;
}
