// row_expr_filter: DM's expression-filter rules (config.h) compiled with row_expr: the glue
// the sync unit and the start-task precheck share, so both report a bad expression the same
// way.
#include <string.h>

#include "config.h"
#include "row_expr.h"

int row_expr_compile_filter(row_expr **out, const struct config_expr_filter *f, const char *key,
                            const char *text, const char *const *names, size_t n,
                            const binlog_table_map *tm, dm_err *err)
{
    int rc;
    *out = NULL;
    if (!text || !text[0])
        return 0;
    if (!(rc = row_expr_parse(out, text, strlen(text), err)) && names)
        rc = row_expr_bind(*out, names, n, err);
    for (size_t c = 0; !rc && names && tm && c < n && c < tm->column_count; c++)
        if (tm->columns[c].n_values)
            rc = row_expr_bind_members(*out, c, tm->columns[c].values, tm->columns[c].n_values, err);
    if (rc) {
        row_expr_destroy(*out);
        *out = NULL;
        dm_err_prefix(err, "expression-filter %s (%s.%s) %s", f->name, f->schema ? f->schema : "",
                      f->table ? f->table : "", key);
    }
    return rc;
}

int row_expr_check_task(const struct config_task *t, const char *source_id, dm_err *err)
{
    for (size_t j = 0; j < t->n_instances; j++) {
        const config_instance *in = &t->instances[j];
        if (source_id && strcmp(in->source_id, source_id) != 0)
            continue;
        for (size_t i = 0; i < in->n_expression_filters; i++) {
            const config_expr_filter *f = config_task_expr_filter(t, in->expression_filters[i].name);
            if (!f)
                continue;
            const char *texts[4] = {f->insert_value_expr, f->update_old_value_expr, f->update_new_value_expr,
                                    f->delete_value_expr};
            const char *keys[4] = {"insert-value-expr", "update-old-value-expr", "update-new-value-expr",
                                   "delete-value-expr"};
            for (int k = 0; k < 4; k++) {
                row_expr *x = NULL;
                int rc = row_expr_compile_filter(&x, f, keys[k], texts[k], NULL, 0, NULL, err);
                row_expr_destroy(x);
                if (rc)
                    return rc;
            }
        }
    }
    return 0;
}
