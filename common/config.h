// config: DM-compatible source and task configuration files.
//
// A DM user's source file (`operate-source create source.yaml`) and task file
// (`start-task task.yaml`) load unchanged: every key of DM's schema is known, including the
// legacy and deprecated ones. Loading parses the YAML (libyaml), applies DM's defaults and
// DM's `adjust` checks, and collects every problem into a config_diag instead of stopping at
// the first one. Each problem names the file, line, column and key (a dotted path such as
// `mysql-instances[1].meta.binlog-pos`).
//
// Keys whose feature this project does not have yet are accepted and reported as warnings
// (CONFIG_WARN_UNSUPPORTED); DM's deprecated keys are accepted with CONFIG_WARN_DEPRECATED.
// Unknown keys are errors.
//
// Passwords (`from.password`, `target-database.password`) may be plaintext or the output of
// `dmctl encrypt` (see secret.h); a value that decodes as our ciphertext format is decrypted
// with the key file, any other value is used as plaintext, as DM does. Loaded structs hold
// the plaintext; config_*_to_json never prints it (it shows "******").
//
// Ownership: a loaded config_source / config_task owns every string and array in it and is
// freed with config_*_destroy. Threading: loading is reentrant (no global state besides the
// environment read for the key path); a loaded config is immutable by convention and may be
// read from many threads at once. A config_diag is single-threaded.
#ifndef CONFIG_H
#define CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dm_err.h"
#include "rules_def.h"

// Error codes (config class): 20001-20099 loader errors, 20100-20199 loader warnings,
// 20200-20299 secret.h.
#define CONFIG_ERR_INVALID 20001        // the file has errors; details are in the config_diag
#define CONFIG_ERR_YAML 20002           // YAML syntax error
#define CONFIG_ERR_UNKNOWN_KEY 20003    // a key that neither DM nor this project knows
#define CONFIG_ERR_TYPE 20004           // wrong value type (string where an integer is expected...)
#define CONFIG_ERR_MISSING 20005        // a required key is missing or empty
#define CONFIG_ERR_ENUM 20006           // a value outside the allowed set
#define CONFIG_ERR_RULE_NOT_FOUND 20007 // an instance references a rule/config not defined
#define CONFIG_ERR_RULE_UNUSED 20008    // a rule/config is defined but never referenced
#define CONFIG_ERR_DUP_SOURCE 20009     // two mysql-instances with one source-id
#define CONFIG_ERR_SOURCE_ID_LEN 20010  // source-id longer than 32 bytes
#define CONFIG_ERR_REGEX 20011          // a regular expression that does not compile
#define CONFIG_ERR_CONFLICT 20012       // two keys that cannot be set together
#define CONFIG_ERR_VALUE 20013          // a malformed value (duration, size, range, GTID...)
#define CONFIG_ERR_DUP_KEY 20014        // a key repeated in one mapping
#define CONFIG_ERR_DUP_REF 20015        // an instance lists the same rule twice
#define CONFIG_ERR_META 20016           // meta set without binlog-name nor binlog-gtid
#define CONFIG_ERR_DEPRECATED 20017     // a removed DM feature DM itself rejects (column-mappings)
#define CONFIG_ERR_KIND 20018           // neither a task nor a source file
#define CONFIG_ERR_TOO_LARGE 20019      // input larger than CONFIG_MAX_INPUT or nested too deep
#define CONFIG_ERR_UNSUPPORTED 20020    // a valid DM feature this build does not run yet

// Warning codes (diag entries in config_diag.warnings).
#define CONFIG_WARN_UNSUPPORTED 20100 // accepted, but the feature does not exist here yet
#define CONFIG_WARN_DEPRECATED 20101  // a DM deprecated key or alias: accepted, see message
#define CONFIG_WARN_IGNORED 20102     // accepted and has no effect (DM ignores it as well)
#define CONFIG_WARN_PASSWORD 20103    // looked encrypted but could not be decrypted: plaintext used
#define CONFIG_WARN_NOTICE 20104      // DM's adjust-time warnings (meta unused in mode all, ...)
#define CONFIG_WARN_FIRST 20100
#define CONFIG_WARN_LAST 20199

#define CONFIG_MAX_INPUT (16u * 1024u * 1024u)
#define CONFIG_MAX_SOURCE_ID_LEN 32

// A position in a file, 1-based; line 0 means "no position" (e.g. a missing key).
typedef struct config_pos {
    int line;
    int col;
} config_pos;

typedef struct config_diag_entry {
    int code;
    char *file;    // file name or the name given to *_from_string
    int line;
    int col;
    char *key;     // dotted key path, e.g. "mysql-instances[0].source-id"; "" for the file
    char *message;
} config_diag_entry;

// config_diag collects errors and warnings. Embed it and config_diag_init it; entries are
// appended in file order per check. Not thread-safe.
typedef struct config_diag {
    config_diag_entry *errors;
    size_t n_errors;
    config_diag_entry *warnings;
    size_t n_warnings;
    size_t cap_errors;
    size_t cap_warnings;
} config_diag;

// config_diag_init makes d empty. config_diag_fini frees its entries (d may be NULL).
void config_diag_init(config_diag *d);
void config_diag_fini(config_diag *d);

// config_diag_add appends an entry (a warning when code is in CONFIG_WARN_FIRST..
// CONFIG_WARN_LAST, else an error) with a printf-style message. Returns 0 or DM_ERR_NOMEM.
int config_diag_add(config_diag *d, int code, const char *file, config_pos pos, const char *key,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

// config_diag_entry_format writes "file:line:col: key: message" (no newline) to out; with
// warning true it writes "file:line:col: warning: key: message". Returns out.
char *config_diag_entry_format(char *out, size_t size, const config_diag_entry *e, bool warning);

// config_diag_to_json returns a new jansson array (caller owns it) of the entries of d
// (errors when errors is true, else warnings) as objects {code,file,line,col,key,message}.
struct json_t *config_diag_to_json(const config_diag *d, bool errors);

// Options for the loaders. NULL options mean the defaults.
typedef struct config_load_opts {
    // Key file used to decrypt passwords; NULL = $DM_SECRET_KEY_PATH, else
    // $HOME/.dmigrate/secret.key (see secret_key_path_default).
    const char *secret_key_path;
} config_load_opts;

// ---------------------------------------------------------------------------------------
// Shared pieces.

typedef struct config_security {
    char *ssl_ca;
    char *ssl_cert;
    char *ssl_key;
    char **cert_allowed_cn;
    size_t n_cert_allowed_cn;
} config_security;

typedef struct config_session_var {
    char *name;
    char *value;
} config_session_var;

// A database connection (source `from`, task `target-database`).
typedef struct config_db {
    char *host;                 // "" when absent
    int port;                   // default 3306
    char *user;                 // "" when absent
    char *password;             // plaintext (decrypted when it was encrypted); never NULL
    bool password_encrypted;    // the file held a `dmctl encrypt` ciphertext
    int64_t max_allowed_packet; // deprecated in DM; 0 when absent
    config_session_var *session;
    size_t n_session;
    config_security *security;  // NULL when absent
    config_pos pos;             // position of the block's key
} config_db;

// ---------------------------------------------------------------------------------------
// Source file.

typedef struct config_purge {
    int64_t interval;     // seconds, default 3600
    int64_t expires;      // hours, default 0 (no expiry purge)
    int64_t remain_space; // GiB, default 15
} config_purge;

typedef struct config_checker {
    bool check_enable;          // default true
    int64_t backoff_rollback_ms; // default 5m
    int64_t backoff_max_ms;      // default 5m
    int64_t check_interval_ms;   // default 5s
    int64_t backoff_min_ms;      // default 1s
    bool backoff_jitter;         // default true
    double backoff_factor;       // default 2
} config_checker;

typedef struct config_source {
    char *file;
    char *source_id;
    config_pos source_id_pos;
    bool enable;          // default true
    bool enable_gtid;
    bool enable_relay;
    char *relay_binlog_name;
    char *relay_binlog_gtid;
    char *relay_dir;      // default "relay-dir" (DM's default)
    char *flavor;         // "", "mysql" or "mariadb"; "" = detect from the server
    uint32_t server_id;   // 0 = choose one when connecting
    config_db from;
    config_purge purge;
    config_checker checker;
    bool case_sensitive;
    rules_def_filter *filters; // source-level binlog event filters (names are "filter-<i>")
    size_t n_filters;
} config_source;

// ---------------------------------------------------------------------------------------
// Task file.

typedef enum {
    CONFIG_TASK_MODE_ALL = 0,
    CONFIG_TASK_MODE_FULL,
    CONFIG_TASK_MODE_INCREMENTAL,
    CONFIG_TASK_MODE_DUMP,
    CONFIG_TASK_MODE_LOAD,
    CONFIG_TASK_MODE_LOAD_SYNC,
} config_task_mode;

typedef enum {
    CONFIG_SHARD_MODE_NONE = 0,
    CONFIG_SHARD_MODE_PESSIMISTIC,
    CONFIG_SHARD_MODE_OPTIMISTIC,
} config_shard_mode;

typedef struct config_meta {
    char *binlog_name;
    uint32_t binlog_pos;
    char *binlog_gtid;
    config_pos pos;
} config_meta;

// mydumpers.<name> / mysql-instances[i].mydumper
typedef struct config_mydumper {
    char *name; // NULL for an instance's effective config built from defaults
    config_pos pos;
    char *mydumper_path; // default "./bin/mydumper"
    int threads;         // default 4
    char *chunk_filesize; // MB, default "64"
    uint64_t statement_size;
    uint64_t rows;
    char *where;
    bool skip_tz_utc;    // default true
    char *extra_args;
} config_mydumper;

// loaders.<name> / mysql-instances[i].loader
typedef struct config_loader {
    char *name;
    config_pos pos;
    int pool_size;        // default 16
    char *dir;            // default "./dumped_data"
    char *sorting_dir_physical;
    char *import_mode;    // "logical" (default; "sql"/"loader" are aliases) or "physical"
    char *on_duplicate;   // deprecated alias of on_duplicate_logical
    char *on_duplicate_logical;  // replace (default) | error | ignore
    char *on_duplicate_physical; // none (default) | manual
    char *disk_quota_physical;
    char *checksum_physical; // required (default) | optional | off
    char *analyze;           // optional (default) | required | off
    int range_concurrency;
    char *compress_kv_pairs;
    char *pd_addr;
} config_loader;

// syncers.<name> / mysql-instances[i].syncer
typedef struct config_syncer {
    char *name;
    config_pos pos;
    char *meta_file;
    int worker_count;              // default 16
    int batch;                     // default 100
    int queue_size;                // default 1024
    int checkpoint_flush_interval; // seconds, default 30
    bool compact;
    bool multiple_rows;
    int max_retry;                 // deprecated
    bool auto_fix_gtid;            // deprecated
    bool enable_gtid;              // deprecated
    bool disable_detect;           // deprecated
    bool safe_mode;
    char *safe_mode_duration;      // default 2 * checkpoint-flush-interval, e.g. "60s"
    int64_t safe_mode_duration_ms;
    bool enable_ansi_quotes;       // deprecated
} config_syncer;

// validators.<name>
typedef struct config_validator {
    char *name;
    config_pos pos;
    char *mode;                  // none (default) | fast | full
    int worker_count;            // default 4
    int64_t validate_interval_ms; // default 10s
    int64_t check_interval_ms;    // default 5s
    int64_t row_error_delay_ms;   // default 30m
    int64_t meta_flush_interval_ms; // default 5m
    int batch_query_size;        // default 100
    char *max_pending_row_size;  // default "500m"
    int max_pending_row_count;   // default 2147483647
} config_validator;

// expression-filter.<name>: row filters by SQL expression. The expressions are kept as
// text; the applier parses them (DM checks their grammar at load; this loader does not).
typedef struct config_expr_filter {
    char *name;
    int line;
    char *schema;
    char *table;
    char *insert_value_expr;
    char *update_old_value_expr;
    char *update_new_value_expr;
    char *delete_value_expr;
} config_expr_filter;

// A rule name listed by an instance, with its position.
typedef struct config_rule_ref {
    char *name;
    config_pos pos;
} config_rule_ref;

typedef struct config_instance {
    config_pos pos;
    char *source_id;
    config_pos source_id_pos;
    config_meta *meta; // NULL when absent
    config_rule_ref *route_rules;
    size_t n_route_rules;
    config_rule_ref *filter_rules;
    size_t n_filter_rules;
    config_rule_ref *expression_filters;
    size_t n_expression_filters;
    char *block_allow_list;   // rule name (black-white-list is its alias); NULL for none
    config_pos block_allow_list_pos;
    char *mydumper_config_name;
    char *loader_config_name;
    char *syncer_config_name;
    char *validator_config_name;
    int mydumper_thread;
    int loader_thread;
    int syncer_thread;
    // Effective unit configurations after DM's adjust: the named config (or the inline
    // block, or the defaults) with the *-thread shortcuts applied.
    config_mydumper mydumper;
    config_loader loader;
    config_syncer syncer;
    config_validator validator;
} config_instance;

typedef struct config_task {
    char *file;
    char *name;
    config_task_mode task_mode;
    bool is_sharding; // deprecated; implies shard_mode pessimistic
    config_shard_mode shard_mode;
    bool strict_optimistic_shard_mode;
    char **ignore_checking_items;
    size_t n_ignore_checking_items;
    char *meta_schema;  // default "dm_meta"
    char *timezone;     // "" = downstream's
    bool case_sensitive;
    char *collation_compatible; // loose (default) | strict
    config_db target_db;
    bool online_ddl;            // default true
    char *online_ddl_scheme;    // deprecated: "", "gh-ost" or "pt"
    char **shadow_table_rules;  // default ["^_(.+)_(?:new|gho)$"]
    size_t n_shadow_table_rules;
    char **trash_table_rules;   // default ["^_(.+)_(?:ghc|del|old)$"]
    size_t n_trash_table_rules;
    bool clean_dump_file;       // default true
    bool ansi_quotes;           // deprecated
    bool remove_meta;           // deprecated
    bool enable_heartbeat;      // deprecated, always false after load
    int heartbeat_update_interval;
    int heartbeat_report_interval;
    bool async_checkpoint_flush; // experimental.async-checkpoint-flush

    rules_def_route *routes;
    size_t n_routes;
    rules_def_filter *filters;
    size_t n_filters;
    rules_def_balist *balists; // block-allow-list (or black-white-list) rules
    size_t n_balists;
    config_expr_filter *expr_filters;
    size_t n_expr_filters;
    config_mydumper *mydumpers;
    size_t n_mydumpers;
    config_loader *loaders;
    size_t n_loaders;
    config_syncer *syncers;
    size_t n_syncers;
    config_validator *validators;
    size_t n_validators;

    config_instance *instances;
    size_t n_instances;
} config_task;

// ---------------------------------------------------------------------------------------
// Loading.

// config_source_load reads, parses and validates the source file at path. On success *out
// is a new config_source (free with config_source_destroy) and 0 is returned; warnings are
// appended to diag. On failure *out is NULL and the return is CONFIG_ERR_INVALID (every
// problem is in diag), CONFIG_ERR_YAML (not YAML; position in diag), CONFIG_ERR_TOO_LARGE
// (size, nesting or anchor limits; in diag), DM_ERR_IO (the file cannot be read; in diag) or
// DM_ERR_NOMEM.
// diag may be NULL when the caller only wants the verdict.
int config_source_load(config_source **out, const char *path, config_diag *diag);
int config_source_load_opts(config_source **out, const char *path, const config_load_opts *opts,
                            config_diag *diag);
// config_source_from_string is config_source_load on text[0..len); name is used as the file
// name in diagnostics. text need not be NUL-terminated. opts may be NULL.
int config_source_from_string(config_source **out, const char *text, size_t len, const char *name,
                              const config_load_opts *opts, config_diag *diag);
// config_source_destroy frees s; NULL is allowed.
void config_source_destroy(config_source *s);

// config_task_load / config_task_load_opts / config_task_from_string / config_task_destroy:
// the same contracts for task files.
int config_task_load(config_task **out, const char *path, config_diag *diag);
int config_task_load_opts(config_task **out, const char *path, const config_load_opts *opts,
                          config_diag *diag);
int config_task_from_string(config_task **out, const char *text, size_t len, const char *name,
                            const config_load_opts *opts, config_diag *diag);
void config_task_destroy(config_task *t);

// config_task_unsupported tells whether t asks for a DM feature this build does not run yet:
// shard DDL coordination (shard-mode / is-sharding), continuous validation (a validator mode other than none), and the task modes dump, load and
// load&sync. Such a task must not start: it would replicate what the user meant to filter
// or coordinate. Returns 0 when t can run, else CONFIG_ERR_UNSUPPORTED in err naming the
// first such key (with its instance's source-id) and a workaround. Pure; thread-safe.
int config_task_unsupported(dm_err *err, const config_task *t);

typedef enum {
    CONFIG_KIND_UNKNOWN = 0,
    CONFIG_KIND_SOURCE,
    CONFIG_KIND_TASK,
} config_kind;

// config_detect_kind tells a task file (it has name, task-mode, target-database or
// mysql-instances at the top level) from a source file (source-id or from) by content.
// Returns CONFIG_KIND_UNKNOWN for anything else, including YAML that does not parse.
config_kind config_detect_kind(const char *text, size_t len);

// config_read_file reads a whole config file (at most CONFIG_MAX_INPUT bytes) into *out
// (NUL-terminated, free() it) and its length into *out_len. Errors: DM_ERR_IO,
// CONFIG_ERR_TOO_LARGE, DM_ERR_NOMEM, with details in err.
int config_read_file(char **out, size_t *out_len, const char *path, dm_err *err);

// config_task_instance / _route / _filter / _balist / _expr_filter return the instance with
// source_id, or the rule named name, or NULL. The result points into t (valid while t lives).
const config_instance *config_task_instance(const config_task *t, const char *source_id);
const rules_def_route *config_task_route(const config_task *t, const char *name);
const rules_def_filter *config_task_filter(const config_task *t, const char *name);
const rules_def_balist *config_task_balist(const config_task *t, const char *name);
const config_expr_filter *config_task_expr_filter(const config_task *t, const char *name);

// ---------------------------------------------------------------------------------------
// Rendering.

// config_source_to_json / config_task_to_json return a new jansson object (caller owns the
// reference) holding the normalized configuration with DM's key names and every default
// filled in. Passwords are printed as "******" (or "" when empty). NULL when out of memory.
struct json_t *config_source_to_json(const config_source *s);
struct json_t *config_task_to_json(const config_task *t);

// config_task_mode_name / config_shard_mode_name return DM's spelling ("all", "optimistic",
// "" for no shard mode). Static strings.
const char *config_task_mode_name(config_task_mode m);
const char *config_shard_mode_name(config_shard_mode m);

#endif
