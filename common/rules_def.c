#include "rules_def.h"

#include <stdlib.h>
#include <string.h>

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void free_tables(rules_def_table *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(t[i].db_name);
        free(t[i].tbl_name);
    }
    free(t);
}

void rules_def_balist_fini(rules_def_balist *d)
{
    if (d == NULL)
        return;
    free(d->name);
    free_strv(d->do_dbs, d->n_do_dbs);
    free_strv(d->ignore_dbs, d->n_ignore_dbs);
    free_tables(d->do_tables, d->n_do_tables);
    free_tables(d->ignore_tables, d->n_ignore_tables);
    memset(d, 0, sizeof(*d));
}

static void extract_fini(rules_def_extract *x)
{
    free(x->target_column);
    free(x->regex);
}

void rules_def_route_fini(rules_def_route *d)
{
    if (d == NULL)
        return;
    free(d->name);
    free(d->schema_pattern);
    free(d->table_pattern);
    free(d->target_schema);
    free(d->target_table);
    extract_fini(&d->extract_table);
    extract_fini(&d->extract_schema);
    extract_fini(&d->extract_source);
    memset(d, 0, sizeof(*d));
}

void rules_def_filter_fini(rules_def_filter *d)
{
    if (d == NULL)
        return;
    free(d->name);
    free(d->schema_pattern);
    free(d->table_pattern);
    free_strv(d->events, d->n_events);
    free_strv(d->sql_patterns, d->n_sql_patterns);
    memset(d, 0, sizeof(*d));
}
