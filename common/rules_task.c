// DESIGN: glue between a loaded task (config.h) and the rules engine. A task defines
// rules by name at the top level and each mysql-instances entry picks some of them; the
// compiled set for one source is built from shallow copies of the referenced definitions
// (the engine copies what it keeps, so no ownership moves).
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "rules.h"

static const config_instance *find_instance(const config_task *t, const char *source_id)
{
    for (size_t i = 0; i < t->n_instances; i++)
        if (t->instances[i].source_id != NULL && strcmp(t->instances[i].source_id, source_id) == 0)
            return &t->instances[i];
    return NULL;
}

static int not_found(dm_err *err, const char *kind, const char *name, const char *source_id)
{
    return dm_err_set(err, DM_ERR_NOT_FOUND, DM_ERR_SCOPE_INTERNAL,
                      "%s rule \"%s\" referenced by source \"%s\" is not defined in the task",
                      kind, name, source_id);
}

static int build_balist(rules_set *s, const config_task *t, const config_instance *in,
                        dm_err *err)
{
    const rules_def_balist *def = NULL;
    if (in->block_allow_list != NULL && in->block_allow_list[0] != '\0') {
        for (size_t i = 0; i < t->n_balists && def == NULL; i++)
            if (t->balists[i].name != NULL && strcmp(t->balists[i].name, in->block_allow_list) == 0)
                def = &t->balists[i];
        if (def == NULL)
            return not_found(err, "block-allow-list", in->block_allow_list, in->source_id);
    }
    return rules_balist_create(&s->balist, def, t->case_sensitive, err);
}

static int build_router(rules_set *s, const config_task *t, const config_instance *in,
                        dm_err *err)
{
    rules_def_route *defs = NULL;
    int rc = 0;
    if (in->n_route_rules > 0 && (defs = calloc(in->n_route_rules, sizeof(*defs))) == NULL) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < in->n_route_rules; i++) {
        const rules_def_route *d = NULL;
        for (size_t k = 0; k < t->n_routes && d == NULL; k++)
            if (t->routes[k].name != NULL && strcmp(t->routes[k].name, in->route_rules[i].name) == 0)
                d = &t->routes[k];
        if (d == NULL) {
            rc = not_found(err, "route", in->route_rules[i].name, in->source_id);
            goto done;
        }
        defs[i] = *d;
    }
    rc = rules_router_create(&s->router, defs, in->n_route_rules, t->case_sensitive, err);
done:
    free(defs);
    return rc;
}

static int build_filter(rules_set *s, const config_task *t, const config_instance *in,
                        const config_source *src, dm_err *err)
{
    size_t n_src = src ? src->n_filters : 0;
    size_t n = in->n_filter_rules + n_src;
    rules_def_filter *defs = NULL;
    int rc = 0;
    if (n > 0 && (defs = calloc(n, sizeof(*defs))) == NULL) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < in->n_filter_rules; i++) {
        const rules_def_filter *d = NULL;
        for (size_t k = 0; k < t->n_filters && d == NULL; k++)
            if (t->filters[k].name != NULL &&
                strcmp(t->filters[k].name, in->filter_rules[i].name) == 0)
                d = &t->filters[k];
        if (d == NULL) {
            rc = not_found(err, "filter", in->filter_rules[i].name, in->source_id);
            goto done;
        }
        defs[i] = *d;
    }
    for (size_t i = 0; i < n_src; i++)
        defs[in->n_filter_rules + i] = src->filters[i];
    rc = rules_filter_create(&s->filter, defs, n, t->case_sensitive, err);
done:
    free(defs);
    return rc;
}

int rules_set_create(rules_set **out, const config_task *task, const char *source_id,
                     const config_source *source, dm_err *err)
{
    rules_set *s = NULL;
    int rc = 0;
    if (out == NULL || task == NULL || source_id == NULL) {
        rc = dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                        "rules_set_create: NULL argument");
        goto fail;
    }
    *out = NULL;
    const config_instance *in = find_instance(task, source_id);
    if (in == NULL) {
        rc = dm_err_set(err, DM_ERR_NOT_FOUND, DM_ERR_SCOPE_INTERNAL,
                        "task \"%s\" has no mysql-instances entry with source-id \"%s\"",
                        task->name ? task->name : "", source_id);
        goto fail;
    }
    s = calloc(1, sizeof(*s));
    if (s == NULL) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto fail;
    }
    s->case_sensitive = task->case_sensitive;
    if ((rc = build_balist(s, task, in, err)) || (rc = build_router(s, task, in, err)) ||
        (rc = build_filter(s, task, in, source, err)))
        goto fail;
    if (task->online_ddl &&
        (rc = rules_online_create(&s->online, (const char *const *)task->shadow_table_rules,
                                  task->n_shadow_table_rules, (const char *const *)task->trash_table_rules,
                                  task->n_trash_table_rules, err)))
        goto fail;
    *out = s;
    return 0;
fail:
    rules_set_destroy(s);
    return rc;
}

void rules_set_destroy(rules_set *s)
{
    if (s == NULL)
        return;
    rules_balist_destroy(s->balist);
    rules_router_destroy(s->router);
    rules_filter_destroy(s->filter);
    rules_online_destroy(s->online);
    free(s);
}
