// schema_internal: the table struct and helpers shared by schema.c, schema_json.c and
// schema_join.c. Not a public header: only files implementing schema.h include it.
#ifndef SCHEMA_INTERNAL_H
#define SCHEMA_INTERNAL_H

#include "schema.h"

struct schema_table {
    char *name;
    schema_column *cols;
    size_t n_cols, cap_cols;
    schema_index *idx;
    size_t n_idx, cap_idx;
    schema_check *checks;
    size_t n_checks, cap_checks;
    schema_table_options opt;
};

// schema_late_err holds the first error the server reports only after checking keys.
typedef struct schema_late_err {
    int rc;
    dm_err err;
} schema_late_err;

char *schema_strdup(const char *s, bool *oom);
bool schema_name_eq(const char *a, const char *b);
int schema_charset_mbmaxlen(const char *charset);
int schema_type_from_json_name(schema_base_type *out, const char *name);
void schema_type_fini(schema_type *t);
void schema_column_fini(schema_column *c);
void schema_index_fini(schema_index *x);
void schema_check_fini(schema_check *c);
int schema_type_copy(schema_type *d, const schema_type *s);
int schema_column_copy(schema_column *d, const schema_column *s);
int schema_index_copy(schema_index *d, const schema_index *s);
void schema_table_free_parts(schema_table *t);
int schema_table_push_column(schema_table *t, schema_column *c);
int schema_table_push_index(schema_table *t, schema_index *x);
int schema_table_push_check(schema_table *t, schema_check *c);
// schema_table_sort_keys orders t's keys as CREATE TABLE does (CREATE TABLE ... LIKE
// re-creates the table, so its keys are sorted afresh).
void schema_table_sort_keys(schema_table *t);
int schema_resolve_column(schema_column *c, const schema_column *def, const char *tcs,
                          const char *tcoll, schema_late_err *late, dm_err *err);

#endif
