// dmctl rules: show what the rules of a task do to one upstream table, offline.
//
//   dmctl rules TASK_FILE --source SOURCE_ID SCHEMA[.TABLE] [EVENT] [--sql STATEMENT]
//               [--source-config SOURCE_FILE]
//
// Prints one JSON object: the block/allow decision and its reason, the routed target (or
// {"error": ...} when two route rules match), and for an EVENT (a DM event name such as
// "insert" or "truncate table"; "" with --sql for a statement of no known type) the binlog
// event filter's decision and the rule behind it.
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dmctl.h"
#include "rules.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: dmctl rules TASK_FILE --source SOURCE_ID SCHEMA[.TABLE] [EVENT] [--sql STATEMENT]\n"
            "                   [--source-config SOURCE_FILE]\n"
            "\n"
            "Evaluate the block-allow-list, routes and filters that TASK_FILE gives SOURCE_ID\n"
            "on SCHEMA.TABLE (SCHEMA alone for a schema statement) and print one JSON object:\n"
            "  {\"schema\", \"table\", \"migrated\", \"reason\", \"target\": {\"schema\", \"table\"} or\n"
            "   {\"error\"}, \"event\", \"event_action\": \"do\"|\"ignore\"|null, \"filter_rule\"}\n"
            "EVENT is a DM event name (insert, update, delete, create table, truncate table, ...);\n"
            "--sql gives the statement text checked against sql-pattern. --source-config adds the\n"
            "source file's own filters after the task's, as DM does.\n");
}

// split_name splits "schema.table" at the first dot; no dot means a schema alone.
static int split_name(char **schema, char **table, const char *arg)
{
    const char *dot = strchr(arg, '.');
    *schema = dot ? strndup(arg, (size_t)(dot - arg)) : strdup(arg);
    *table = strdup(dot ? dot + 1 : "");
    return (*schema != NULL && *table != NULL) ? 0 : -1;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

int dmctl_cmd_rules(int argc, char **argv)
{
    static const struct option longopts[] = {{"source", required_argument, NULL, 's'},
                                             {"sql", required_argument, NULL, 'q'},
                                             {"source-config", required_argument, NULL, 'c'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *source_id = NULL, *sql = NULL, *source_file = NULL;
    const char *pos[3] = {NULL, NULL, NULL};
    size_t n_pos = 0;
    int c, status = DMCTL_EXIT_FAIL;
    config_task *task = NULL;
    config_source *source = NULL;
    rules_set *set = NULL;
    char *schema = NULL, *table = NULL, *text = NULL;
    json_t *o = NULL;
    dm_err err;
    config_diag diag;
    config_diag_init(&diag);
    dm_err_clear(&err);

    optind = 1;
    // "+" keeps getopt from permuting, so an EVENT such as "drop table" stays positional
    // while options may still come anywhere (they are re-scanned after each positional).
    while (optind < argc) {
        if ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
            switch (c) {
            case 's':
                source_id = optarg;
                break;
            case 'q':
                sql = optarg;
                break;
            case 'c':
                source_file = optarg;
                break;
            case 'h':
                usage(stdout);
                status = DMCTL_EXIT_OK;
                goto done;
            default:
                usage(stderr);
                status = DMCTL_EXIT_USAGE;
                goto done;
            }
            continue;
        }
        if (n_pos == 3) {
            usage(stderr);
            status = DMCTL_EXIT_USAGE;
            goto done;
        }
        pos[n_pos++] = argv[optind++];
    }
    if (n_pos < 2 || source_id == NULL) {
        usage(stderr);
        status = DMCTL_EXIT_USAGE;
        goto done;
    }
    bool have_event = n_pos == 3 || sql != NULL;
    rules_event_type event = RULES_EVENT_NULL;
    if (n_pos == 3 && rules_event_parse(&event, pos[2], &err) != 0) {
        dmctl_print_err("dmctl rules", &err);
        status = DMCTL_EXIT_USAGE;
        goto done;
    }
    if (rules_event_classify(event) == RULES_EVENT_CLASS_PSEUDO) {
        fprintf(stderr, "dmctl rules: \"%s\" only names a group of events in a rule; give one "
                        "event such as \"insert\" or \"drop table\"\n",
                pos[2]);
        status = DMCTL_EXIT_USAGE;
        goto done;
    }

    if (config_task_load(&task, pos[0], &diag) != 0 ||
        (source_file != NULL && config_source_load(&source, source_file, &diag) != 0)) {
        dmctl_print_diag(&diag, 0);
        if (diag.n_errors == 0)
            fprintf(stderr, "dmctl rules: cannot load %s\n", task ? source_file : pos[0]);
        goto done;
    }
    if (source != NULL && source->source_id != NULL && strcmp(source->source_id, source_id) != 0) {
        fprintf(stderr, "dmctl rules: %s is the source file of \"%s\", not of \"%s\"\n",
                source_file, source->source_id, source_id);
        status = DMCTL_EXIT_USAGE;
        goto done;
    }
    if (rules_set_create(&set, task, source_id, source, &err) != 0) {
        dmctl_print_err("dmctl rules", &err);
        goto done;
    }
    if (split_name(&schema, &table, pos[1]) != 0) {
        fprintf(stderr, "dmctl rules: out of memory\n");
        goto done;
    }

    rules_decision dec;
    rules_route_result route;
    rules_filter_result fr;
    dm_err rerr;
    dm_err_clear(&rerr);
    if (rules_balist_match(&dec, set->balist, schema, table, NULL) != 0) {
        fprintf(stderr, "dmctl rules: block-allow-list check failed\n");
        goto done;
    }
    int route_rc = rules_route(&route, set->router, schema, table, &rerr);
    o = json_object();
    json_t *target = json_object();
    if (o == NULL || target == NULL) {
        json_decref(target);
        goto done;
    }
    json_object_set_new(o, "schema", json_string(schema));
    json_object_set_new(o, "table", json_string(table));
    json_object_set_new(o, "migrated", json_boolean(dec.migrated));
    json_object_set_new(o, "reason", json_string(dec.reason));
    if (route_rc == 0) {
        json_object_set_new(target, "schema", json_string(route.target_schema));
        json_object_set_new(target, "table", json_string(route.target_table));
        json_object_set_new(target, "rule", str_or_null(route.rule_name));
        if (route.routed) {
            char *cols[3], *vals[3];
            size_t n = 0;
            if (rules_route_extract(cols, vals, &n, set->router, &route, schema, table,
                                    source_id, NULL) == 0 && n > 0) {
                json_t *x = json_object();
                for (size_t i = 0; i < n; i++) {
                    json_object_set_new(x, cols[i], json_string(vals[i]));
                    free(cols[i]);
                    free(vals[i]);
                }
                json_object_set_new(target, "extract", x);
            }
        }
    } else {
        json_object_set_new(target, "error", json_string(rerr.message));
    }
    json_object_set_new(o, "target", target);
    if (have_event) {
        if (rules_filter_event(&fr, set->filter, schema, table, event, sql, &err) != 0) {
            dmctl_print_err("dmctl rules", &err);
            goto done;
        }
        json_object_set_new(o, "event", json_string(rules_event_name(event)));
        json_object_set_new(o, "event_action",
                            json_string(fr.action == RULES_ACTION_DO ? "do" : "ignore"));
        json_object_set_new(o, "filter_rule", str_or_null(fr.rule_name));
        json_object_set_new(o, "filter_reason", json_string(fr.reason));
    } else {
        json_object_set_new(o, "event", json_null());
        json_object_set_new(o, "event_action", json_null());
        json_object_set_new(o, "filter_rule", json_null());
    }
    text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text == NULL)
        goto done;
    printf("%s\n", text);
    status = DMCTL_EXIT_OK;
done:
    free(text);
    json_decref(o);
    free(schema);
    free(table);
    rules_set_destroy(set);
    config_task_destroy(task);
    config_source_destroy(source);
    config_diag_fini(&diag);
    return status;
}
