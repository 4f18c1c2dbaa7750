// dm_err: DM-style error objects.
//
// Every fallible function in the project returns an int: 0 on success, otherwise a stable
// error code from the ranges below, and fills an optional dm_err with the details. The class
// of an error is derived from its code range, exactly as in DM, so a module only picks codes
// inside its own range (each module lists its codes in its own header).
//
// A dm_err is a plain value owned by the caller (usually on the stack); it holds no heap
// memory and needs no cleanup. Functions taking a dm_err accept NULL when the caller does not
// want details. Not thread-safe: one dm_err per thread of control.
#ifndef DM_ERR_H
#define DM_ERR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

// Code ranges (inclusive lower bound of each class). Mirrors DM's terror ranges.
#define DM_ERR_RANGE_DATABASE 10001   // errors talking to a database
#define DM_ERR_RANGE_FUNCTIONAL 11001 // generic functional errors (memory, I/O, arguments)
#define DM_ERR_RANGE_CONFIG 20001     // source/task/daemon configuration
#define DM_ERR_RANGE_BINLOG_OP 22001  // binlog event decoding, positions, GTID sets
#define DM_ERR_RANGE_CHECKPOINT 24001 // dm_meta checkpoints
#define DM_ERR_RANGE_TASK_CHECK 26001 // prechecks
#define DM_ERR_RANGE_RELAY 28001      // relay store and relayd
#define DM_ERR_RANGE_DUMP 32001       // dump unit
#define DM_ERR_RANGE_LOAD 34001       // load unit
#define DM_ERR_RANGE_SYNC 36001       // sync unit
#define DM_ERR_RANGE_CONTROLLER 38001 // controller
#define DM_ERR_RANGE_APPLIER 40001    // applierd daemon
#define DM_ERR_RANGE_SCHEMA 44001     // SQL parser, schema model, schema tracker
#define DM_ERR_RANGE_SCHEDULER 46001  // scheduling
#define DM_ERR_RANGE_DMCTL 48001      // dmctl
#define DM_ERR_RANGE_END 50000

// Codes shared by every module (functional class).
#define DM_ERR_NOMEM 11001        // out of memory
#define DM_ERR_IO 11002           // file or socket I/O failed (cause carries errno text)
#define DM_ERR_INVALID_ARG 11003  // a caller passed an invalid argument
#define DM_ERR_INTERNAL 11004     // a broken invariant detected at run time
#define DM_ERR_NOT_FOUND 11005    // a looked-up object does not exist
#define DM_ERR_TIMEOUT 11006      // an operation did not finish in time
#define DM_ERR_CANCELLED 11007    // an operation was stopped on request
#define DM_ERR_UNSUPPORTED 11008  // a valid request for something not supported
#define DM_ERR_CORRUPT 11009      // stored data failed an integrity check
#define DM_ERR_NET 11010          // an nng or socket operation failed
#define DM_ERR_DB 10001           // a database call failed (cause: server error)
#define DM_ERR_DB_CONNECT 10002   // could not connect to a database
#define DM_ERR_DB_RETRYABLE 10003 // a transient database error (lost connection, deadlock)

typedef enum {
    DM_ERR_SCOPE_NOT_SET = 0,
    DM_ERR_SCOPE_UPSTREAM,
    DM_ERR_SCOPE_DOWNSTREAM,
    DM_ERR_SCOPE_INTERNAL,
} dm_err_scope;

typedef enum {
    DM_ERR_LEVEL_LOW = 0,
    DM_ERR_LEVEL_MEDIUM,
    DM_ERR_LEVEL_HIGH,
} dm_err_level;

typedef struct dm_err {
    int code;            // 0 when no error is recorded
    dm_err_scope scope;
    dm_err_level level;
    char message[1024];  // what went wrong, for people
    char cause[1024];    // the raw cause (server message, errno text), may be empty
    char workaround[512]; // what the user can do, may be empty
} dm_err;

// dm_err_clear resets e to "no error". e may be NULL.
void dm_err_clear(dm_err *e);

// dm_err_set records code, scope and a printf-style message in e (level HIGH, cause and
// workaround cleared) and returns code, so callers can write `return dm_err_set(...)`.
// e may be NULL; the code is still returned.
int dm_err_set(dm_err *e, int code, dm_err_scope scope, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int dm_err_vset(dm_err *e, int code, dm_err_scope scope, const char *fmt, va_list ap);

// dm_err_cause / dm_err_workaround / dm_err_level_set fill the optional parts of e after
// dm_err_set. They return e->code (0 if e is NULL).
int dm_err_cause(dm_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int dm_err_workaround(dm_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int dm_err_level_set(dm_err *e, dm_err_level level);

// dm_err_prefix prepends "prefix: " to e's message (used to add context when an error
// crosses a layer). Returns e->code.
int dm_err_prefix(dm_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

// dm_err_class_name returns the DM class name of a code ("database", "config", ...), or
// "not-set" for 0 or a code outside every range. The string is static.
const char *dm_err_class_name(int code);
const char *dm_err_scope_name(dm_err_scope scope);
const char *dm_err_level_name(dm_err_level level);

// dm_err_format writes e the way DM prints errors:
//   [code=20005:class=config:scope=internal:level=high], Message: ..., RawCause: ..., Workaround: ...
// into out (always NUL-terminated when size > 0) and returns out.
char *dm_err_format(char *out, size_t size, const dm_err *e);

// dm_err_to_json returns a new jansson object (caller owns the reference) with DM's
// query-status error fields: ErrCode, ErrClass, ErrScope, ErrLevel, Message, RawCause,
// Workaround. Returns NULL when out of memory. The return type is `struct json_t *` so
// that this header does not require jansson.h.
struct json_t *dm_err_to_json(const dm_err *e);

// dm_err_from_errno fills e with DM_ERR_IO, the message given and strerror(errnum) as cause.
int dm_err_from_errno(dm_err *e, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
