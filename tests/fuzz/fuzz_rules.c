// fuzz_rules: selector patterns and names. Input: one flags byte, then a pattern, then
// names, separated by '\n'. The pattern is compiled as a wildcard/regex pattern and used in
// a block/allow list, a route and a filter rule; every name is matched against all of them
// and parsed as an event name.
// Compiling may fail (bad patterns are expected); nothing may crash or leak.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned flags = data[0] & (RULES_PATTERN_REGEX | RULES_PATTERN_CASE_SENSITIVE);
    bool cs = (flags & RULES_PATTERN_CASE_SENSITIVE) != 0;
    char *text = malloc(size);
    if (text == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    // Embedded NULs end the strings; '\n' separates the pattern from the names.
    char *names = strchr(text, '\n');
    if (names != NULL)
        *names++ = '\0';

    rules_pattern *p = NULL;
    rules_balist *b = NULL;
    rules_router *r = NULL;
    rules_filter *f = NULL;
    (void)rules_pattern_compile(&p, text, flags, NULL);

    char *dbs[] = {text};
    rules_def_table tbl[] = {{.db_name = text, .tbl_name = text}};
    rules_def_balist bdef = {.name = "f", .do_dbs = dbs, .n_do_dbs = 1, .ignore_tables = tbl,
                             .n_ignore_tables = 1};
    (void)rules_balist_create(&b, &bdef, cs, NULL);
    rules_def_route rdef = {.name = "f", .schema_pattern = text, .table_pattern = text,
                            .target_schema = "t",
                            .extract_table = {.target_column = "c", .regex = "(.)(.)?"}};
    (void)rules_router_create(&r, &rdef, 1, cs, NULL);
    char *sqlp[] = {text};
    char *events[] = {"all dml", "drop table"};
    rules_def_filter fdef = {.name = "f", .schema_pattern = text, .events = events,
                             .n_events = 2, .sql_patterns = sqlp, .n_sql_patterns = 1};
    (void)rules_filter_create(&f, &fdef, 1, cs, NULL);

    char *save = NULL;
    for (char *name = names ? strtok_r(names, "\n", &save) : NULL; name != NULL;
         name = strtok_r(NULL, "\n", &save)) {
        if (p != NULL)
            (void)rules_pattern_match(p, name, strlen(name));
        rules_event_type ev;
        if (rules_event_parse(&ev, name, NULL) == 0)
            (void)rules_event_name(ev);
        if (b != NULL) {
            rules_decision d;
            (void)rules_balist_match(&d, b, name, name, NULL);
            (void)rules_balist_match(&d, b, name, NULL, NULL);
        }
        if (r != NULL) {
            rules_route_result res;
            if (rules_route(&res, r, name, name, NULL) == 0 && res.routed) {
                char *cols[3], *vals[3];
                size_t n = 0;
                if (rules_route_extract(cols, vals, &n, r, &res, name, name, name, NULL) == 0)
                    for (size_t i = 0; i < n; i++) {
                        free(cols[i]);
                        free(vals[i]);
                    }
            }
        }
        if (f != NULL) {
            rules_filter_result fr;
            (void)rules_filter_event(&fr, f, name, name, RULES_EVENT_INSERT, NULL, NULL);
            (void)rules_filter_event(&fr, f, name, NULL, RULES_EVENT_NULL, name, NULL);
        }
    }
    rules_pattern_destroy(p);
    rules_balist_destroy(b);
    rules_router_destroy(r);
    rules_filter_destroy(f);
    free(text);
    return 0;
}
