// fuzz_tracker: arbitrary DDL through the schema tracker. The input is split into lines;
// each line is one statement applied with tracker_exec (errors are expected and ignored).
// After every accepted statement each table is printed and sent through a JSON round trip,
// and the whole catalog is saved and restored at the end. Nothing may crash or leak.
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tracker.h"

static void check_tables(const tracker *t)
{
    char **dbs = NULL, **tabs = NULL;
    size_t nd = 0, nt = 0;
    if (tracker_list_databases(&dbs, &nd, t, NULL) != 0)
        return;
    for (size_t i = 0; i < nd; i++) {
        if (tracker_list_tables(&tabs, &nt, t, dbs[i], NULL) != 0)
            continue;
        for (size_t k = 0; k < nt; k++) {
            const schema_table *st = tracker_get_table(t, dbs[i], tabs[k]);
            dm_buf b;
            dm_buf_init(&b);
            schema_table_print(&b, st, NULL);
            dm_buf_fini(&b);
            json_t *j = schema_table_to_json(st);
            schema_table *back = NULL;
            if (j != NULL && schema_table_from_json(&back, j, NULL) == 0) {
                schema_table *joined = NULL;
                if (schema_join(&joined, st, back, NULL) == 0)
                    schema_table_destroy(joined);
                schema_table_destroy(back);
            }
            json_decref(j);
        }
        tracker_free_names(tabs, nt);
    }
    tracker_free_names(dbs, nd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tracker *t = NULL;
    char *text = malloc(size + 1);
    if (text == NULL || tracker_create(&t, NULL, NULL) != 0) {
        free(text);
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    tracker_exec(t, "CREATE DATABASE d", NULL, NULL);
    char *line = text;
    int statements = 0;
    while (line != NULL && *line && statements < 64) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        if (tracker_exec(t, line, "d", NULL) == 0)
            check_tables(t);
        statements++;
        line = nl ? nl + 1 : NULL;
    }
    json_t *j = tracker_to_json(t);
    tracker *u = NULL;
    if (j != NULL && tracker_from_json(&u, j, NULL) == 0)
        tracker_destroy(u);
    json_decref(j);
    tracker_destroy(t);
    free(text);
    return 0;
}
