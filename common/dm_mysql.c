// DESIGN: a thin layer over libmariadb. Handles stay plain MYSQL pointers so callers can use
// any libmariadb call; what this file adds is one way to connect from parameters and one
// mapping from client/server errors to dm_err (code by retryability, cause with the server's
// errno, SQLSTATE and text), so every daemon reports database errors alike.
#include "dm_mysql.h"

#include "config.h"

#include <errmsg.h>
#include <mysqld_error.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

// mysql_library_init is not thread-safe; mysql_init calls it implicitly, so run it once
// before any thread creates a handle.
static void lib_init(void) { mysql_library_init(0, NULL, NULL); }

bool dm_mysql_is_retryable(unsigned errnum)
{
    switch (errnum) {
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case ER_CON_COUNT_ERROR:
    case ER_SERVER_SHUTDOWN:
    case ER_NET_READ_ERROR:
    case ER_NET_READ_INTERRUPTED:
    case ER_NET_ERROR_ON_WRITE:
    case ER_NET_WRITE_INTERRUPTED:
    case ER_TOO_MANY_USER_CONNECTIONS:
    case ER_LOCK_WAIT_TIMEOUT:
    case ER_LOCK_DEADLOCK:
    case ER_CONNECTION_KILLED: // MariaDB: KILL CONNECTION or shutdown
        return true;
    default:
        return false;
    }
}

int dm_mysql_error(dm_err *err, MYSQL *conn, int code, const char *what)
{
    unsigned n = conn ? mysql_errno(conn) : 0;
    if (n && dm_mysql_is_retryable(n))
        code = DM_ERR_DB_RETRYABLE;
    dm_err_set(err, code, DM_ERR_SCOPE_NOT_SET, "%s", what);
    if (conn && n)
        dm_err_cause(err, "errno %u (%s): %s", n, mysql_sqlstate(conn), mysql_error(conn));
    return code;
}

// describe writes "what: <sql>" shortened to a readable length into out.
static const char *describe(char *out, size_t size, const char *what, const char *sql)
{
    snprintf(out, size, "%s: %.200s%s", what, sql, strlen(sql) > 200 ? "..." : "");
    return out;
}

int dm_mysql_connect(MYSQL **out, const dm_mysql_params *p, dm_err *err)
{
    int rc = 0;
    MYSQL *m = NULL;
    const char *host = p && p->host && *p->host ? p->host : "127.0.0.1";
    const char *user = p && p->user ? p->user : "root";
    unsigned port = p && p->port ? p->port : 3306;
    char what[512];

    *out = NULL;
    if (!p) {
        rc = dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "dm_mysql_connect: no parameters");
        goto done;
    }
    pthread_once(&lib_once, lib_init);
    m = mysql_init(NULL);
    if (!m) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "mysql_init: out of memory");
        goto done;
    }
    unsigned ct = p->connect_timeout_s ? p->connect_timeout_s : 10;
    mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
    if (p->read_timeout_s)
        mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &p->read_timeout_s);
    if (p->write_timeout_s)
        mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &p->write_timeout_s);
    unsigned long map = p->max_allowed_packet ? p->max_allowed_packet : 1024UL * 1024 * 1024;
    mysql_optionsv(m, MYSQL_OPT_MAX_ALLOWED_PACKET, &map);
    mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, p->charset ? p->charset : "utf8mb4");
    bool tls = p->ssl_required || p->ssl_ca || p->ssl_cert || p->ssl_key;
    if (tls) {
        if (mysql_ssl_set(m, p->ssl_key, p->ssl_cert, p->ssl_ca, NULL, NULL)) {
            rc = dm_err_set(err, DM_MYSQL_ERR_TLS, DM_ERR_SCOPE_INTERNAL,
                            "cannot set TLS options for %s:%u", host, port);
            goto done;
        }
        my_bool enforce = p->ssl_required;
        mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &enforce);
        my_bool verify = p->ssl_verify_server_cert;
        mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    }
    if (!mysql_real_connect(m, host, user, p->password && *p->password ? p->password : NULL,
                            NULL, port, NULL, CLIENT_MULTI_RESULTS)) {
        snprintf(what, sizeof(what), "cannot connect to %s:%u as user '%s'", host, port, user);
        dm_mysql_error(err, m, DM_ERR_DB_CONNECT, what);
        // Every connect failure keeps the connect code (a caller retries those with backoff),
        // even when the client error is in the transient list.
        if (err)
            err->code = DM_ERR_DB_CONNECT;
        rc = DM_ERR_DB_CONNECT;
        if (tls && p->ssl_required)
            dm_err_workaround(err, "check that the server has TLS enabled and the CA/cert/key files");
        goto done;
    }
    *out = m;
    m = NULL;
done:
    if (m)
        mysql_close(m);
    return rc;
}

int dm_mysql_exec(MYSQL *conn, const char *sql, dm_err *err)
{
    char what[512];
    if (mysql_real_query(conn, sql, strlen(sql)))
        return dm_mysql_error(err, conn, DM_ERR_DB, describe(what, sizeof(what), "query failed", sql));
    // Drain every result (multi-statement text or a procedure call) so the handle is reusable.
    do {
        MYSQL_RES *r = mysql_store_result(conn);
        if (r)
            mysql_free_result(r);
        else if (mysql_field_count(conn) != 0)
            return dm_mysql_error(err, conn, DM_ERR_DB, describe(what, sizeof(what), "reading result failed", sql));
    } while (mysql_next_result(conn) == 0);
    if (mysql_errno(conn))
        return dm_mysql_error(err, conn, DM_ERR_DB, describe(what, sizeof(what), "query failed", sql));
    return 0;
}

int dm_mysql_query(MYSQL_RES **out, MYSQL *conn, const char *sql, dm_err *err)
{
    char what[512];
    *out = NULL;
    if (mysql_real_query(conn, sql, strlen(sql)))
        return dm_mysql_error(err, conn, DM_ERR_DB, describe(what, sizeof(what), "query failed", sql));
    MYSQL_RES *r = mysql_store_result(conn);
    if (!r && mysql_field_count(conn) != 0)
        return dm_mysql_error(err, conn, DM_ERR_DB, describe(what, sizeof(what), "reading result failed", sql));
    *out = r;
    return 0;
}

int dm_mysql_query_value(char **out, MYSQL *conn, const char *sql, dm_err *err)
{
    int rc;
    MYSQL_RES *r = NULL;
    char what[512];

    *out = NULL;
    if ((rc = dm_mysql_query(&r, conn, sql, err)))
        goto done;
    MYSQL_ROW row = r ? mysql_fetch_row(r) : NULL;
    if (!row) {
        rc = dm_err_set(err, DM_MYSQL_ERR_NO_ROW, DM_ERR_SCOPE_NOT_SET, "%s",
                        describe(what, sizeof(what), "query returned no row", sql));
        goto done;
    }
    if (row[0]) {
        unsigned long *len = mysql_fetch_lengths(r);
        char *v = malloc(len[0] + 1);
        if (!v) {
            rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory reading a value");
            goto done;
        }
        memcpy(v, row[0], len[0]);
        v[len[0]] = '\0';
        *out = v;
    }
done:
    if (r)
        mysql_free_result(r);
    return rc;
}

static const char *nonempty(const char *v) { return v && *v ? v : NULL; }

void dm_mysql_params_from_config(dm_mysql_params *p, const config_db *db)
{
    memset(p, 0, sizeof(*p));
    p->host = nonempty(db->host);
    p->port = db->port > 0 ? (unsigned)db->port : 3306;
    p->user = nonempty(db->user);
    p->password = db->password;
    if (db->security) {
        p->ssl_ca = nonempty(db->security->ssl_ca);
        p->ssl_cert = nonempty(db->security->ssl_cert);
        p->ssl_key = nonempty(db->security->ssl_key);
    }
}
