// rules_def: the plain definitions of DM's rules as written in a task file, shared by the
// configuration loader (which fills them) and the rules engine (which compiles them).
//
// These are passive data: every string is owned by the struct that holds it and freed by
// rules_def_*_fini. They carry the source line of the definition so that the rules engine
// can report errors (a bad regex, two routes for one table) at the user's line.
#ifndef RULES_DEF_H
#define RULES_DEF_H

#include <stdbool.h>
#include <stddef.h>

// A DM table reference in a block/allow list: {db-name, tbl-name}.
typedef struct rules_def_table {
    char *db_name;
    char *tbl_name;
    int line;  // line in the task file, 0 when unknown
} rules_def_table;

// One block-allow-list rule (DM: do-dbs, ignore-dbs, do-tables, ignore-tables).
typedef struct rules_def_balist {
    char *name;
    int line;
    char **do_dbs;
    size_t n_do_dbs;
    char **ignore_dbs;
    size_t n_ignore_dbs;
    rules_def_table *do_tables;
    size_t n_do_tables;
    rules_def_table *ignore_tables;
    size_t n_ignore_tables;
} rules_def_balist;

// One table-routing rule. target_table NULL/empty means "keep the table name" (a
// schema-only rule when table_pattern is empty too). extract_* are DM's optional
// extract-table/extract-schema/extract-source blocks, kept for the rules engine.
typedef struct rules_def_extract {
    char *target_column;  // NULL when the block is absent
    char *regex;
} rules_def_extract;

typedef struct rules_def_route {
    char *name;
    int line;
    char *schema_pattern;
    char *table_pattern;  // NULL or "" for a schema-level rule
    char *target_schema;
    char *target_table;   // NULL or "" keeps the table name
    rules_def_extract extract_table;
    rules_def_extract extract_schema;
    rules_def_extract extract_source;
} rules_def_route;

// One binlog event filter rule.
typedef struct rules_def_filter {
    char *name;
    int line;
    char *schema_pattern;
    char *table_pattern;  // NULL or "" matches schema-level events only as DM does
    char **events;        // DM event names: "all dml", "insert", "truncate table", ...
    size_t n_events;
    char **sql_patterns;  // regular expressions over the statement text
    size_t n_sql_patterns;
    bool action_do;       // true for "Do", false for "Ignore"
} rules_def_filter;

void rules_def_balist_fini(rules_def_balist *d);
void rules_def_route_fini(rules_def_route *d);
void rules_def_filter_fini(rules_def_filter *d);

#endif
