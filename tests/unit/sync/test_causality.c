// Unit tests for causality: same keys go to the same worker, keys held by two workers are a
// conflict, committed epochs free keys, prune and reset bound the map, bad arguments.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "causality.h"

static unsigned put(causality *c, const char *k1, const char *k2, bool *conflict, uint64_t epoch,
                    uint64_t committed)
{
    const char *keys[2] = {k1, k2};
    size_t lens[2] = {strlen(k1), k2 ? strlen(k2) : 0};
    unsigned w = 99;
    assert_int_equal(causality_assign(&w, conflict, c, keys, lens, k2 ? 2 : 1, "t", 1, epoch,
                                      committed, NULL),
                     0);
    return w;
}

static void test_same_key_same_worker(void **state)
{
    (void)state;
    causality *c;
    assert_int_equal(causality_create(&c, 8, NULL), 0);
    bool conflict;
    unsigned w1 = put(c, "t#0\x1f" "1", NULL, &conflict, 0, 0);
    assert_false(conflict);
    assert_true(w1 < 8);
    // an update moving key 1 to key 2: both keys now on w1
    unsigned w2 = put(c, "t#0\x1f" "1", "t#0\x1f" "2", &conflict, 0, 0);
    assert_false(conflict);
    assert_int_equal(w2, w1);
    assert_int_equal(put(c, "t#0\x1f" "2", NULL, &conflict, 0, 0), w1);
    assert_int_equal(causality_size(c), 2);
    causality_destroy(c);
}

static void test_conflict(void **state)
{
    (void)state;
    causality *c;
    assert_int_equal(causality_create(&c, 64, NULL), 0);
    bool conflict;
    // find two keys that hash to different workers
    char a[32] = "k0", b[32];
    unsigned wa = put(c, a, NULL, &conflict, 0, 0), wb = wa;
    for (int i = 1; wb == wa && i < 1000; i++) {
        snprintf(b, sizeof b, "k%d", i);
        wb = put(c, b, NULL, &conflict, 0, 0);
    }
    assert_int_not_equal(wa, wb);
    size_t before = causality_size(c);
    // a change touching both (an update from a to b) cannot be placed: conflict, nothing kept
    put(c, a, b, &conflict, 0, 0);
    assert_true(conflict);
    assert_int_equal(causality_size(c), before);
    // once epoch 0 is committed everywhere the keys are free again
    unsigned w = put(c, a, b, &conflict, 1, 1);
    assert_false(conflict);
    assert_true(w < 64);
    // after a reset (a barrier) there is nothing left
    causality_reset(c);
    assert_int_equal(causality_size(c), 0);
    put(c, a, b, &conflict, 0, 0);
    assert_false(conflict);
    causality_destroy(c);
}

static void test_prune_and_fallback(void **state)
{
    (void)state;
    causality *c;
    assert_int_equal(causality_create(&c, 4, NULL), 0);
    bool conflict;
    char k[32];
    for (int i = 0; i < 100; i++) {
        snprintf(k, sizeof k, "key%d", i);
        put(c, k, NULL, &conflict, (uint64_t)(i / 50), 0);
    }
    assert_int_equal(causality_size(c), 100);
    assert_int_equal(causality_prune(c, 1), 50); // epoch 0 entries are committed
    assert_int_equal(causality_prune(c, 2), 0);
    // rows without keys follow the fallback (table name): always the same worker
    unsigned w1, w2;
    assert_int_equal(causality_assign(&w1, &conflict, c, NULL, NULL, 0, "tbl", 3, 0, 0, NULL), 0);
    assert_int_equal(causality_assign(&w2, &conflict, c, NULL, NULL, 0, "tbl", 3, 5, 0, NULL), 0);
    assert_int_equal(w1, w2);
    causality_destroy(c);
    causality_destroy(NULL);
    dm_err e;
    assert_int_equal(causality_create(&c, 0, &e), DM_ERR_INVALID_ARG);
    assert_null(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_key_same_worker),
        cmocka_unit_test(test_conflict),
        cmocka_unit_test(test_prune_and_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
