// dm_mysql without a server: error classification, a refused connection reported with the
// address and the client's errno, and bad arguments. Queries against a real server are
// covered by tests/integration/test_relay_client.sh.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errmsg.h>
#include <mysqld_error.h>
#include <string.h>

#include "dm_mysql.h"

static void test_retryable(void **state)
{
    (void)state;
    assert_true(dm_mysql_is_retryable(CR_SERVER_LOST));
    assert_true(dm_mysql_is_retryable(CR_SERVER_GONE_ERROR));
    assert_true(dm_mysql_is_retryable(ER_LOCK_DEADLOCK));
    assert_true(dm_mysql_is_retryable(ER_LOCK_WAIT_TIMEOUT));
    assert_true(dm_mysql_is_retryable(ER_SERVER_SHUTDOWN));
    assert_false(dm_mysql_is_retryable(ER_PARSE_ERROR));
    assert_false(dm_mysql_is_retryable(ER_NO_SUCH_TABLE));
    assert_false(dm_mysql_is_retryable(ER_MASTER_FATAL_ERROR_READING_BINLOG));
    assert_false(dm_mysql_is_retryable(0));
}

static void test_connect_refused(void **state)
{
    (void)state;
    MYSQL *m = (MYSQL *)1;
    dm_err err;
    // Port 1 on loopback: nothing listens there.
    dm_mysql_params p = {.host = "127.0.0.1", .port = 1, .user = "relay", .connect_timeout_s = 2};
    assert_int_equal(dm_mysql_connect(&m, &p, &err), DM_ERR_DB_CONNECT);
    assert_null(m);
    assert_non_null(strstr(err.message, "127.0.0.1:1"));
    assert_non_null(strstr(err.message, "'relay'"));
    assert_non_null(strstr(err.cause, "errno 2002"));
    assert_int_equal(dm_mysql_connect(&m, NULL, &err), DM_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retryable),
        cmocka_unit_test(test_connect_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
