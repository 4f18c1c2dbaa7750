// relay_inspect pieces that need no store: event type names as SHOW BINLOG EVENTS prints
// them, and a missing store reported clearly. Listing a real store is covered by
// tests/integration/test_relay_daemon.sh and test_relay_crash.sh.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "relay_inspect.h"

static void test_type_names(void **state)
{
    (void)state;
    assert_string_equal(relay_event_type_name(2), "Query");
    assert_string_equal(relay_event_type_name(15), "Format_desc");
    assert_string_equal(relay_event_type_name(16), "Xid");
    assert_string_equal(relay_event_type_name(19), "Table_map");
    assert_string_equal(relay_event_type_name(23), "Write_rows_v1");
    assert_string_equal(relay_event_type_name(30), "Write_rows");
    assert_string_equal(relay_event_type_name(33), "Gtid");
    assert_string_equal(relay_event_type_name(162), "Gtid");
    assert_string_equal(relay_event_type_name(163), "Gtid_list");
    assert_string_equal(relay_event_type_name(161), "Binlog_checkpoint");
    assert_string_equal(relay_event_type_name(160), "Annotate_rows");
    assert_string_equal(relay_event_type_name(200), "Unknown");
}

static void test_bad_arguments(void **state)
{
    (void)state;
    dm_err err;
    relay_inspect_opts o = {.relay_dir = "/nonexistent-relay-dir", .source_id = "s1", .limit = -1};
    FILE *out = tmpfile();
    assert_non_null(out);
    assert_int_not_equal(relay_inspect_run(out, &o, &err), 0);
    assert_non_null(strstr(err.message, "/nonexistent-relay-dir/s1"));
    fclose(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
