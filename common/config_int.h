// config_int: internals shared by the config_*.c files (not a public header).
//
// cw ("config walker") wraps a parsed libyaml document, the diagnostics it fills and the
// secret key used to decrypt passwords. cfield tables describe a YAML mapping: each entry
// names a key, the C type it decodes into (by offset in the target struct), and whether the
// key is supported here. The same table drives decoding, copying, freeing and JSON output,
// so a key is described once.
#ifndef CONFIG_INT_H
#define CONFIG_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "config.h"
#include "secret.h"

#define CW_MAX_DEPTH 64
#define CW_NODE_BUDGET 1000000
#define CW_MAX_ANCHORS 1024

typedef struct cw {
    yaml_document_t doc;
    bool loaded;
    const char *file;
    config_diag *diag;
    config_diag own_diag; // used when the caller passed no diag
    bool nomem;
    size_t budget;
    const char *key_path; // NULL = default
    int key_state;        // 0 untried, 1 loaded, -1 failed
    secret_key key;
    char key_error[512];
} cw;

typedef struct cw_pair {
    yaml_node_t *key;
    yaml_node_t *val;
    const char *name; // key text
} cw_pair;

// cw_open parses text (YAML 1.1, one document). Returns 0, or CONFIG_ERR_YAML /
// CONFIG_ERR_TOO_LARGE with a diag entry. cw_close releases everything (safe after a failed
// cw_open).
int cw_open(cw *w, const char *text, size_t len, const char *file, const config_load_opts *opts,
            config_diag *diag);
void cw_close(cw *w);
yaml_node_t *cw_root(cw *w);
config_pos cw_pos(const yaml_node_t *n);

// Diagnostics at a node (n may be NULL: no position) or at a position.
void cw_error(cw *w, int code, const yaml_node_t *n, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void cw_error_at(cw *w, int code, config_pos pos, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void cw_warn(cw *w, int code, const yaml_node_t *n, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void cw_warn_at(cw *w, int code, config_pos pos, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
size_t cw_error_count(const cw *w);

// cw_spend charges one visited node; false (with an error reported once) when the document
// is too large or too deep to walk (alias bombs, cycles).
bool cw_spend(cw *w, const yaml_node_t *n, int depth);

bool cw_is_null(const yaml_node_t *n);
const char *cw_scalar(const yaml_node_t *n); // NULL unless a scalar
const char *cw_kind_name(const yaml_node_t *n);

// cw_map_pairs flattens a mapping into (key, value) pairs, expanding `<<` merge keys (explicit
// keys win) and reporting duplicate and non-scalar keys. *out is malloc'd (free it). A null
// node yields no pairs; a non-mapping reports CONFIG_ERR_TYPE and returns -1.
int cw_map_pairs(cw *w, yaml_node_t *n, const char *path, cw_pair **out, size_t *n_out);

// Typed scalar decoding; each reports a CONFIG_ERR_TYPE/VALUE at the node and returns -1 on a
// bad value (the destination is left unchanged). A null node leaves the destination alone.
int cw_str(cw *w, yaml_node_t *n, const char *path, char **dst);
int cw_i64(cw *w, yaml_node_t *n, const char *path, int64_t *dst, int64_t min, int64_t max);
int cw_int(cw *w, yaml_node_t *n, const char *path, int *dst);
int cw_bool(cw *w, yaml_node_t *n, const char *path, bool *dst);
int cw_double(cw *w, yaml_node_t *n, const char *path, double *dst);
int cw_strv(cw *w, yaml_node_t *n, const char *path, char ***dst, size_t *n_dst);
int cw_duration(cw *w, yaml_node_t *n, const char *path, int64_t *dst_ms);
// cw_secret decodes a password: decrypts our ciphertext format, else keeps the plaintext.
int cw_secret(cw *w, yaml_node_t *n, const char *path, char **dst, bool *encrypted);

// config_parse_duration parses Go's time.ParseDuration syntax ("1h2m3.5s", "300ms", "0")
// into milliseconds (sub-millisecond parts are truncated). Returns 0 or -1.
int config_parse_duration(const char *s, int64_t *out_ms);
// config_format_duration writes ms the way Go prints a Duration ("5m0s", "1.5s", "0s").
void config_format_duration(char *out, size_t size, int64_t ms);

// cw_keypath formats a diagnostic key path into out, truncating when it does not fit (key
// paths are for people; a cut path is still useful).
void cw_keypath(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

// cw_strdup / cw_nomem: allocation helpers that record out-of-memory in w.
char *cw_strdup(cw *w, const char *s);
void *cw_grow(cw *w, void *arr, size_t *cap, size_t need, size_t elem);

typedef enum {
    CF_STR,
    CF_INT,
    CF_I64,
    CF_U32,
    CF_U64,
    CF_BOOL,
    CF_DOUBLE,
    CF_STRV,   // char ** at off, size_t count at off2
    CF_DUR,    // int64_t milliseconds at off
    CF_SECRET, // char * at off, bool "was encrypted" at off2
    CF_URL,    // char * at off: a path or URL whose credential parameters are masked in JSON
    CF_SUB,    // decoded by sub(); not copied, freed or printed generically
    CF_ANY,    // any node accepted, nothing stored
} cf_kind;

typedef enum {
    CS_OK = 0,
    CS_UNSUPPORTED, // CONFIG_WARN_UNSUPPORTED when present
    CS_DEPRECATED,  // CONFIG_WARN_DEPRECATED when present
    CS_IGNORED,     // CONFIG_WARN_IGNORED when present
} cf_status;

typedef int (*cf_sub_fn)(cw *w, yaml_node_t *val, void *obj, const char *path);

typedef struct cfield {
    const char *key;
    cf_kind kind;
    cf_status status;
    size_t off;
    size_t off2;
    cf_sub_fn sub;
    const char *note; // the warning's explanation for a non-OK status
} cfield;

#define CF_COUNT(t) (sizeof(t) / sizeof((t)[0]))

// cw_decode_map decodes mapping n into obj following table f; unknown keys are errors and
// non-OK statuses produce their warning. seen (nf entries, may be NULL) receives the position
// of each key present (line 0 for absent ones). Returns 0, or -1 when n is not a mapping.
int cw_decode_map(cw *w, yaml_node_t *n, const char *path, const cfield *f, size_t nf, void *obj,
                  config_pos *seen);
// cf_seen returns the position of key in seen, or NULL when the key was absent.
const config_pos *cf_seen(const cfield *f, size_t nf, const config_pos *seen, const char *key);

// cf_fini frees the strings and string arrays of obj described by f.
void cf_fini(const cfield *f, size_t nf, void *obj);
// cf_copy deep-copies the table's fields from src into dst (dst's own fields must be free).
// Returns 0 or DM_ERR_NOMEM (dst then holds what was copied; cf_fini frees it).
int cf_copy(const cfield *f, size_t nf, void *dst, const void *src);
// cf_to_json adds the table's fields of obj to object o (secrets masked). Returns 0 or -1.
int cf_to_json(const cfield *f, size_t nf, const void *obj, json_t *o);

// Shared decoders and helpers (config_common.c).
void config_db_init(config_db *db);
void config_db_fini(config_db *db);
int config_db_decode(cw *w, yaml_node_t *n, config_db *db, const char *path);
json_t *config_db_to_json(const config_db *db);
// config_filter_decode fills a binlog event filter rule (source `filters[i]`, task
// `filters.<name>`), checking events, action and every regex.
int config_filter_decode(cw *w, yaml_node_t *n, rules_def_filter *r, const char *path);
json_t *config_filter_to_json(const rules_def_filter *r);
// config_check_pattern reports CONFIG_ERR_REGEX when pattern is a `~regex` that PCRE2 cannot
// compile. config_check_regex does the same for a plain regex.
void config_check_pattern(cw *w, config_pos pos, const char *path, const char *pattern);
void config_check_regex(cw *w, config_pos pos, const char *path, const char *regex,
                        int *capture_count);
// config_read_for_load reads path for a *_load function, reporting a failure into diag.
int config_read_for_load(char **text, size_t *len, const char *path, config_diag *diag);
json_t *config_strv_json(char *const *v, size_t n);
void config_free_strv(char **v, size_t n);

#endif
