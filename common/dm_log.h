// dm_log: leveled logs to a file or stderr, as text or JSON lines.
//
// One process-wide logger (daemons log from many threads): every function here is
// thread-safe. Before dm_log_open is called, logs go to stderr as text at INFO.
// Text line:  2026-11-24T10:00:00.123Z INFO  [relay] message
// JSON line:  {"ts":"2026-11-24T10:00:00.123Z","level":"info","component":"relay","msg":"..."}
#ifndef DM_LOG_H
#define DM_LOG_H

#include <stdbool.h>

#include "dm_err.h"

typedef enum {
    DM_LOG_DEBUG = 0,
    DM_LOG_INFO,
    DM_LOG_WARN,
    DM_LOG_ERROR,
} dm_log_level;

// dm_log_open directs logs to path (NULL or "" or "-" = stderr) at minimum level min, in
// JSON when json is true. Replaces any earlier destination. Errors: DM_ERR_IO when the
// file cannot be opened for append.
int dm_log_open(const char *path, dm_log_level min, bool json, dm_err *err);

// dm_log_close flushes and closes a log file; logs go to stderr again afterwards.
void dm_log_close(void);

// dm_log_parse_level reads "debug", "info", "warn"/"warning", "error" (any case).
// Errors: DM_ERR_INVALID_ARG naming the text.
int dm_log_parse_level(dm_log_level *out, const char *text, dm_err *err);

// dm_log_enabled tells whether a message at level would be written.
bool dm_log_enabled(dm_log_level level);

// dm_log_write writes one line; component names the subsystem ("relay", "config").
void dm_log_write(dm_log_level level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define dm_debug(comp, ...) dm_log_write(DM_LOG_DEBUG, comp, __VA_ARGS__)
#define dm_info(comp, ...) dm_log_write(DM_LOG_INFO, comp, __VA_ARGS__)
#define dm_warn(comp, ...) dm_log_write(DM_LOG_WARN, comp, __VA_ARGS__)
#define dm_error(comp, ...) dm_log_write(DM_LOG_ERROR, comp, __VA_ARGS__)

#endif
