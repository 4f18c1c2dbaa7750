// rules: DM's table rules compiled from their plain definitions (rules_def.h): table-name
// patterns, the block/allow list, table routing and the binlog event filter.
//
// Semantics follow DM (tidb-tools pkg/table-rule-selector, pkg/filter, pkg/regexpr-router,
// pkg/binlog-filter); docs/rules.md lists them and the few places where this engine
// deliberately differs.
//
// Ownership and threading: every compiled object (rules_pattern, rules_balist,
// rules_router, rules_filter) is immutable after its _create returns; any number of threads
// may call the matching functions on one object at the same time without locking. The
// object copies what it needs from the definitions, which the caller may free right after
// _create. _destroy accepts NULL and must not race with users of the object.
//
// Case: with case_sensitive false (DM's default), schema and table names match
// case-insensitively (ASCII letters), as DM does by lowercasing patterns and names.
//
// Error codes (config class, this module's range 20500-20999):
#ifndef RULES_H
#define RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "dm_err.h"
#include "rules_def.h"

#define RULES_ERR_PATTERN 20500    // invalid wildcard pattern (`*` not last, empty pattern)
#define RULES_ERR_REGEX 20501      // a `~` regex, sql-pattern or extract regex does not compile
#define RULES_ERR_BALIST 20502     // invalid block-allow-list rule (empty db-name/tbl-name)
#define RULES_ERR_ROUTE 20503      // invalid route rule (empty schema-pattern/target-schema)
#define RULES_ERR_ROUTE_DUP 20504  // a table matches more than one route rule of one level
#define RULES_ERR_FILTER 20505     // invalid filter rule (empty schema-pattern, duplicate patterns)
#define RULES_ERR_EVENT 20506      // unknown or unusable binlog event type name
#define RULES_ERR_MATCH 20507      // a regex failed at match time (match limit exceeded)

// Size of the reason/message strings carried in results.
#define RULES_REASON_MAX 768

// ---------------------------------------------------------------------------------------
// Patterns (DM's table selector wildcards, plus `~regex` where the rule kind allows it)

// Pattern syntax (DM): `*` matches zero or more characters and may only be the last
// character; `?` matches exactly one character; `[abc]`, `[a-z]`, `[!a-z]` match one
// character in / not in the class (a `[` without a closing `]` is a literal `[`); every other
// byte matches itself. With RULES_PATTERN_REGEX, a pattern starting with `~` is a
// PCRE2 regular expression (the rest of the text) searched in the name (unanchored, as Go's
// MatchString); DM's block/allow lists and routes allow this, binlog filters do not.
typedef struct rules_pattern rules_pattern;

enum {
    RULES_PATTERN_REGEX = 1u << 0,          // `~` prefix introduces a regular expression
    RULES_PATTERN_CASE_SENSITIVE = 1u << 1, // match names as written
};

// rules_pattern_compile compiles text (NUL-terminated) into *out (caller owns; free with
// rules_pattern_destroy). flags is a mask of RULES_PATTERN_*. Errors: RULES_ERR_PATTERN
// naming the pattern (`*` not last, empty text), RULES_ERR_REGEX with PCRE2's message and
// offset, DM_ERR_NOMEM.
int rules_pattern_compile(rules_pattern **out, const char *text, unsigned flags, dm_err *err);

// rules_pattern_destroy frees p. p may be NULL.
void rules_pattern_destroy(rules_pattern *p);

// rules_pattern_match tells whether name (len bytes, need not be NUL-terminated) matches p.
// Wildcards compare bytes (`?` and classes consume one byte). A regex that hits PCRE2's
// match limit counts as no match. Thread-safe.
bool rules_pattern_match(const rules_pattern *p, const char *name, size_t len);

// rules_pattern_text returns the pattern as written (borrowed, lives as long as p).
const char *rules_pattern_text(const rules_pattern *p);

// rules_pattern_is_regex tells whether p is a `~` regular expression.
bool rules_pattern_is_regex(const rules_pattern *p);

// ---------------------------------------------------------------------------------------
// Block/allow list (DM "block-allow-list": do-dbs, ignore-dbs, do-tables, ignore-tables)

typedef struct rules_balist rules_balist;

typedef struct rules_decision {
    bool migrated;                 // true: the table (or schema) is migrated
    char reason[RULES_REASON_MAX]; // which list/item decided, for people
} rules_decision;

// rules_balist_create compiles def into *out (caller owns). def == NULL builds a list that
// migrates everything (DM with no block-allow-list). Every value allows wildcards and `~`
// regexes. Errors: RULES_ERR_BALIST (empty do-dbs/ignore-dbs item, empty db-name or
// tbl-name) and RULES_ERR_PATTERN/RULES_ERR_REGEX naming the rule, list and line;
// DM_ERR_NOMEM.
int rules_balist_create(rules_balist **out, const rules_def_balist *def, bool case_sensitive,
                        dm_err *err);

// rules_balist_destroy frees b. b may be NULL.
void rules_balist_destroy(rules_balist *b);

// rules_balist_match applies DM's two-level filtering to schema.table and fills *out with
// the decision and the item that decided it. table NULL or "" asks about the schema alone
// (CREATE/DROP DATABASE): only the schema level applies. Thread-safe.
// Errors: DM_ERR_INVALID_ARG when b, schema or out is NULL.
int rules_balist_match(rules_decision *out, const rules_balist *b, const char *schema,
                       const char *table, dm_err *err);

// ---------------------------------------------------------------------------------------
// Table routing (DM "routes")

typedef struct rules_router rules_router;

#define RULES_NAME_MAX 256

typedef struct rules_route_result {
    bool routed;                        // a rule matched (false: target = source names)
    char target_schema[RULES_NAME_MAX]; // downstream schema (source schema when no rule)
    char target_table[RULES_NAME_MAX];  // downstream table; "" when table was ""
    const char *rule_name;              // matched rule name (borrowed from the router), or NULL
    size_t rule_index;                  // index of the matched rule in the definitions
} rules_route_result;

// rules_router_create compiles n route definitions (defs may be NULL when n is 0) into *out
// (caller owns). Patterns allow wildcards and `~` regexes; extract regexes must compile.
// Errors: RULES_ERR_ROUTE (empty schema-pattern or target-schema, extract block without
// target-column or regex), RULES_ERR_PATTERN/RULES_ERR_REGEX naming the rule and line;
// DM_ERR_NOMEM.
int rules_router_create(rules_router **out, const rules_def_route *defs, size_t n,
                        bool case_sensitive, dm_err *err);

// rules_router_destroy frees r. r may be NULL.
void rules_router_destroy(rules_router *r);

// rules_route resolves where schema.table goes downstream. table NULL or "" routes a
// schema (only schema-level rules, those without table-pattern, apply). Otherwise
// table-level rules beat schema-level ones; an empty target-table keeps the table name.
// Errors: RULES_ERR_ROUTE_DUP when two rules of the deciding level match (the message names
// both rules and their lines, as DM's "matches more than one rule"); RULES_ERR_ROUTE when a
// target name is longer than RULES_NAME_MAX-1; DM_ERR_INVALID_ARG for NULL arguments.
// Thread-safe.
int rules_route(rules_route_result *out, const rules_router *r, const char *schema,
                const char *table, dm_err *err);

// rules_route_extract computes DM's extract-table/extract-schema/extract-source columns of
// the rule that rules_route chose (res->routed must be true). For each present block, in
// the order table, schema, source, it appends the target column name to cols and the value
// to vals: the concatenation of every capture group of the regex's first match in the
// table name / schema name / source id ("" when the regex does not match). Each output
// array has room for 3 entries; *n receives the count. Strings are new (free() each).
// Errors: DM_ERR_INVALID_ARG, DM_ERR_NOMEM (nothing is returned then).
int rules_route_extract(char **cols, char **vals, size_t *n, const rules_router *r,
                        const rules_route_result *res, const char *schema, const char *table,
                        const char *source_id, dm_err *err);

// ---------------------------------------------------------------------------------------
// Binlog event filter (DM "filters")

// Event type names, exactly DM's (binlog-filter). The first group are pseudo events that
// only appear in a rule's events list; the others are what an applier classifies a row
// event or DDL into. RULES_EVENT_NULL is DM's empty event: a statement of no known type,
// checked against sql-pattern only.
typedef enum rules_event_type {
    RULES_EVENT_NULL = 0,
    RULES_EVENT_ALL,
    RULES_EVENT_ALL_DML,
    RULES_EVENT_ALL_DDL,
    RULES_EVENT_NONE,
    RULES_EVENT_NONE_DDL,
    RULES_EVENT_NONE_DML,
    RULES_EVENT_INCOMPATIBLE_DDL_CHANGES,
    // DML
    RULES_EVENT_INSERT,
    RULES_EVENT_UPDATE,
    RULES_EVENT_DELETE,
    // DDL
    RULES_EVENT_CREATE_DATABASE,
    RULES_EVENT_DROP_DATABASE,
    RULES_EVENT_ALTER_DATABASE,
    RULES_EVENT_CREATE_TABLE,
    RULES_EVENT_DROP_TABLE,
    RULES_EVENT_TRUNCATE_TABLE,
    RULES_EVENT_RENAME_TABLE,
    RULES_EVENT_CREATE_INDEX,
    RULES_EVENT_DROP_INDEX,
    RULES_EVENT_CREATE_VIEW,
    RULES_EVENT_DROP_VIEW,
    RULES_EVENT_ALTER_TABLE,
    RULES_EVENT_ADD_TABLE_PARTITION,
    RULES_EVENT_DROP_TABLE_PARTITION,
    RULES_EVENT_TRUNCATE_TABLE_PARTITION,
    RULES_EVENT_ADD_FOREIGN_KEY,
    RULES_EVENT_DROP_FOREIGN_KEY,
    RULES_EVENT_VALUE_RANGE_DECREASE,
    RULES_EVENT_PRECISION_DECREASE,
    RULES_EVENT_MODIFY_COLUMN,
    RULES_EVENT_RENAME_COLUMN,
    RULES_EVENT_RENAME_INDEX,
    RULES_EVENT_DROP_COLUMN,
    RULES_EVENT_DROP_PRIMARY_KEY,
    RULES_EVENT_DROP_UNIQUE_KEY,
    RULES_EVENT_MODIFY_DEFAULT_VALUE,
    RULES_EVENT_MODIFY_CONSTRAINT,
    RULES_EVENT_MODIFY_COLUMNS_ORDER,
    RULES_EVENT_MODIFY_CHARSET,
    RULES_EVENT_MODIFY_COLLATION,
    RULES_EVENT_REMOVE_AUTO_INCREMENT,
    RULES_EVENT_MODIFY_STORAGE_ENGINE,
    RULES_EVENT_REORGANIZE_TABLE_PARTITION,
    RULES_EVENT_REBUILD_TABLE_PARTITION,
    RULES_EVENT_COALESCE_TABLE_PARTITION,
    RULES_EVENT_SPLIT_TABLE_PARTITION,
    RULES_EVENT_EXCHANGE_TABLE_PARTITION,
    RULES_EVENT_MODIFY_SCHEMA_CHARSET_AND_COLLATE,
    RULES_EVENT_MODIFY_TABLE_CHARSET_AND_COLLATE,
    RULES_EVENT_MODIFY_TABLE_COMMENT,
    RULES_EVENT_RECOVER_TABLE,
    RULES_EVENT_ALTER_TABLE_PARTITIONING,
    RULES_EVENT_REMOVE_TABLE_PARTITIONING,
    RULES_EVENT_ADD_COLUMN,
    RULES_EVENT_SET_DEFAULT_VALUE,
    RULES_EVENT_REBASE_AUTO_ID,
    RULES_EVENT_ADD_PRIMARY_KEY,
    RULES_EVENT_ALTER_INDEX_VISIBILITY,
    RULES_EVENT_ALTER_TTL_INFO,
    RULES_EVENT_ALTER_TTL_REMOVE,
    RULES_EVENT_MULTI_SCHEMA_CHANGE,
    RULES_EVENT_COUNT_
} rules_event_type;

// The class DM gives an event (binlog-filter ClassifyEvent).
typedef enum rules_event_class {
    RULES_EVENT_CLASS_NONE = 0,         // RULES_EVENT_NULL
    RULES_EVENT_CLASS_PSEUDO,           // all, none ddl, incompatible ddl changes...
    RULES_EVENT_CLASS_DML,
    RULES_EVENT_CLASS_DDL,
    RULES_EVENT_CLASS_INCOMPATIBLE_DDL, // a DDL that may lose data (drop table, ...)
} rules_event_class;

// rules_event_parse reads a DM event name, case-insensitively ("Insert", "ALL DML"),
// including DM's aliases "create schema", "drop schema" and "alter schema"; "" is
// RULES_EVENT_NULL. Errors: RULES_ERR_EVENT naming the text.
int rules_event_parse(rules_event_type *out, const char *text, dm_err *err);

// rules_event_name returns DM's name of e ("truncate table"); "" for RULES_EVENT_NULL and
// "invalid event" for a value outside the enum. Static string.
const char *rules_event_name(rules_event_type e);

// rules_event_classify returns DM's class of e (CLASS_PSEUDO also for values outside the
// enum).
rules_event_class rules_event_classify(rules_event_type e);

typedef struct rules_filter rules_filter;

typedef enum rules_action {
    RULES_ACTION_DO = 0,
    RULES_ACTION_IGNORE,
} rules_action;

typedef struct rules_filter_result {
    rules_action action;           // DO: apply the event; IGNORE: skip it
    const char *rule_name;         // rule that made it IGNORE (borrowed), NULL when DO
    char reason[RULES_REASON_MAX]; // why, for people
} rules_filter_result;

// rules_filter_create compiles n filter definitions into *out (caller owns). schema-pattern
// and table-pattern are wildcards only (no `~`); events are parsed with rules_event_parse;
// sql-patterns are joined into one case-insensitive alternation as DM does.
// Errors: RULES_ERR_FILTER (empty schema-pattern, two rules with the same schema/table
// patterns), RULES_ERR_EVENT, RULES_ERR_PATTERN, RULES_ERR_REGEX, each naming the rule and
// line; DM_ERR_NOMEM.
int rules_filter_create(rules_filter **out, const rules_def_filter *defs, size_t n,
                        bool case_sensitive, dm_err *err);

// rules_filter_destroy frees f. f may be NULL.
void rules_filter_destroy(rules_filter *f);

// rules_filter_event decides, as DM's binlog-filter Filter(), whether an event on
// schema.table (table NULL or "" for schema-level statements) is applied. event is the
// classified type (RULES_EVENT_NULL when the statement has no known type); sql is the
// statement text for DDL/query events (NULL or "" for row events). Every rule whose patterns
// match is consulted, schema-level rules first, then table-level ones, each in definition
// order: an Ignore rule whose events (or sql-pattern) match, or a Do rule whose events (or
// sql-pattern) do not, makes the result IGNORE; otherwise DO. rule_name names the first rule
// that said IGNORE. f == NULL means no filters (DO). Errors: RULES_ERR_EVENT when event is a
// pseudo event ("all dml"...) or out of range; DM_ERR_INVALID_ARG for NULL out/schema.
// Thread-safe.
int rules_filter_event(rules_filter_result *out, const rules_filter *f, const char *schema,
                       const char *table, rules_event_type event, const char *sql,
                       dm_err *err);

// ---------------------------------------------------------------------------------------
// Online DDL tables (gh-ost, pt-online-schema-change): the task's shadow-table-rules name the
// ghost tables a tool builds (`_t_gho`, `_t_new`), its trash-table-rules the ones it drops
// (`_t_del`, `_t_ghc`, `_t_old`); each rule's one capture group is the real table's name.

typedef enum rules_table_kind {
    RULES_TABLE_REAL = 0, // an ordinary table
    RULES_TABLE_GHOST,    // matches a shadow-table rule
    RULES_TABLE_TRASH,    // matches a trash-table rule
} rules_table_kind;

typedef struct rules_online rules_online;

// rules_online_create compiles the shadow and trash regexes (anchored, one capture group, as
// the config loader leaves them). Errors: RULES_ERR_REGEX naming the rule, DM_ERR_NOMEM.
int rules_online_create(rules_online **out, const char *const *shadow, size_t n_shadow,
                        const char *const *trash, size_t n_trash, dm_err *err);

// rules_online_destroy frees o. o may be NULL.
void rules_online_destroy(rules_online *o);

// rules_online_classify tells what table is; for a ghost or trash table the real table's name
// (the rule's capture group) is copied into real (truncated to size; "" when it does not
// fit). Shadow rules are tried first. Thread-safe.
rules_table_kind rules_online_classify(const rules_online *o, const char *table, char *real, size_t size);

// ---------------------------------------------------------------------------------------
// All rules of one source in a task (the block/allow list, routes and filters its
// mysql-instances entry references), compiled together. Used by dmctl rules and the
// appliers. Immutable after creation, shareable across threads like its parts.

struct config_task;
struct config_source;

typedef struct rules_set {
    rules_balist *balist;  // never NULL (migrates everything without a block-allow-list)
    rules_router *router;  // never NULL (keeps names without route-rules)
    rules_filter *filter;  // never NULL (does everything without filter-rules)
    rules_online *online;  // NULL when the task's online-ddl is off
    bool case_sensitive;   // the task's case-sensitive
} rules_set;

// rules_set_create compiles the rules that task's mysql-instances entry for source_id
// references, in the order it lists them; when source is not NULL its source-level filters
// (source file `filters`) are appended after the task's, as DM merges them. The task and
// source may be freed afterwards. Errors: DM_ERR_NOT_FOUND when no instance has source_id or
// a referenced rule is not defined; the create errors of the parts (the message names the
// rule); DM_ERR_INVALID_ARG; DM_ERR_NOMEM.
int rules_set_create(rules_set **out, const struct config_task *task, const char *source_id,
                     const struct config_source *source, dm_err *err);

// rules_set_destroy frees s and its parts. s may be NULL.
void rules_set_destroy(rules_set *s);

#endif
