// dm_mysql: the MySQL/MariaDB connection helper every daemon shares.
//
// Connects with libmariadb from plain parameters (host, port, user, password, TLS files,
// timeouts), runs statements, fetches rows or one value, and turns client/server errors into
// dm_err objects: code DM_ERR_DB_CONNECT (connect failed), DM_ERR_DB_RETRYABLE (a transient
// error: lost connection, deadlock, lock wait timeout, server shutdown...) or DM_ERR_DB
// (anything else), with "errno NNNN (SQLSTATE): server message" as the raw cause.
//
// A MYSQL handle is single-threaded: one per thread. The functions here keep no global state
// beyond libmariadb's own (mysql_library_init is called once, thread-safely, on first use).
//
// Codes of this module (besides the shared ones in dm_err.h):
//   DM_MYSQL_ERR_NO_ROW 11101   a query that must return a row returned none
//   DM_MYSQL_ERR_TLS    11102   TLS was required but could not be set up
#ifndef DM_MYSQL_H
#define DM_MYSQL_H

#include <stdbool.h>
#include <stdint.h>

#include <mysql.h>

#include "dm_err.h"

#define DM_MYSQL_ERR_NO_ROW 11101
#define DM_MYSQL_ERR_TLS 11102

typedef struct dm_mysql_params {
    const char *host;     // NULL = "127.0.0.1"
    unsigned port;        // 0 = 3306
    const char *user;     // NULL = "root"
    const char *password; // NULL or "" = none
    // TLS: any of ssl_ca/ssl_cert/ssl_key set, or ssl_required, turns TLS on; with
    // ssl_required a server without TLS is an error (DM_MYSQL_ERR_TLS).
    const char *ssl_ca;
    const char *ssl_cert;
    const char *ssl_key;
    bool ssl_required;
    bool ssl_verify_server_cert;
    unsigned connect_timeout_s; // 0 = 10
    unsigned read_timeout_s;    // 0 = libmariadb's default (none)
    unsigned write_timeout_s;   // 0 = libmariadb's default (none)
    unsigned long max_allowed_packet; // 0 = 1 GiB (binlog events can be that large)
    const char *charset;        // NULL = "utf8mb4"
} dm_mysql_params;

// dm_mysql_connect opens a connection; *out receives a handle the caller closes with
// mysql_close(). Errors: DM_ERR_DB_CONNECT (message names host:port and user, cause is the
// client/server error), DM_MYSQL_ERR_TLS, DM_ERR_NOMEM, DM_ERR_INVALID_ARG.
int dm_mysql_connect(MYSQL **out, const dm_mysql_params *p, dm_err *err);

// dm_mysql_exec runs one statement and discards any result. Errors: DM_ERR_DB or
// DM_ERR_DB_RETRYABLE, with the statement (shortened) in the message.
int dm_mysql_exec(MYSQL *conn, const char *sql, dm_err *err);

// dm_mysql_query runs a statement that returns rows; *out receives the whole (stored)
// result, which the caller frees with mysql_free_result(). A statement without a result set
// yields *out = NULL and 0. Errors: as dm_mysql_exec.
int dm_mysql_query(MYSQL_RES **out, MYSQL *conn, const char *sql, dm_err *err);

// dm_mysql_query_value runs a statement and copies the first column of its first row into
// *out (caller frees; NULL when the value is SQL NULL). Errors: as dm_mysql_exec, and
// DM_MYSQL_ERR_NO_ROW when there is no row.
int dm_mysql_query_value(char **out, MYSQL *conn, const char *sql, dm_err *err);

// dm_mysql_error fills err from the last error on conn: code DM_ERR_DB_RETRYABLE when
// dm_mysql_is_retryable says so, else `code`; cause "errno N (STATE): message"; message
// "what". Returns the code set. Use it after any failed libmariadb call.
int dm_mysql_error(dm_err *err, MYSQL *conn, int code, const char *what);

struct config_db;

// dm_mysql_params_from_config fills p from a DM configuration's database entry (source
// `from`, task `target-database`): host (NULL when empty), port, user, password, and the
// `security` TLS files (with any of them the connection uses TLS). p borrows db's strings: db must
// outlive p's use. Other fields are zero (defaults).
void dm_mysql_params_from_config(dm_mysql_params *p, const struct config_db *db);

// dm_mysql_is_retryable tells whether a client or server errno is transient: the
// connection was lost or refused, the server is shutting down or restarting, a deadlock or
// lock wait timeout, too many connections.
bool dm_mysql_is_retryable(unsigned errnum);

#endif
