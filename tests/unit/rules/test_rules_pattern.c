// Unit tests for rules_pattern: DM's table-selector wildcards and `~` regexes.
// Semantics: https://docs.pingcap.com/tidb/stable/table-selector and tidb-tools
// pkg/table-rule-selector.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rules.h"

static bool m(const char *pattern, unsigned flags, const char *name)
{
    rules_pattern *p = NULL;
    dm_err err;
    assert_int_equal(rules_pattern_compile(&p, pattern, flags, &err), 0);
    bool r = rules_pattern_match(p, name, strlen(name));
    rules_pattern_destroy(p);
    return r;
}

#define CS RULES_PATTERN_CASE_SENSITIVE

// Table selector doc: "doc*" matches doc and document but not dodo; "?" matches exactly one
// character.
static void test_star_and_question(void **state)
{
    (void)state;
    assert_true(m("doc*", CS, "doc"));
    assert_true(m("doc*", CS, "document"));
    assert_false(m("doc*", CS, "dodo"));
    assert_true(m("*", CS, "anything"));
    assert_true(m("*", CS, ""));
    assert_true(m("t?", CS, "t1"));
    assert_false(m("t?", CS, "t"));
    assert_false(m("t?", CS, "t12"));
    assert_true(m("t?*", CS, "t12"));
    assert_true(m("schema_*", CS, "schema_a"));
    assert_false(m("schema_*", CS, "schema"));
    assert_true(m("exact", CS, "exact"));
    assert_false(m("exact", CS, "exact1"));
    assert_false(m("exact", CS, "exac"));
}

// Block/allow doc: "test[123]" matches test1, test2 and test3; "t[1-5]" matches t1..t5.
static void test_classes(void **state)
{
    (void)state;
    assert_true(m("test[123]", CS, "test1"));
    assert_true(m("test[123]", CS, "test3"));
    assert_false(m("test[123]", CS, "test4"));
    assert_true(m("t[1-5]", CS, "t5"));
    assert_false(m("t[1-5]", CS, "t6"));
    assert_true(m("t[!1-5]", CS, "t6"));
    assert_false(m("t[!1-5]", CS, "t3"));
    // DM's class parser: `[!]` is the literal `!`; `[` without `]` is a literal `[`;
    // a trailing `-` is a member; `*` inside a class is a member, not a wildcard.
    assert_true(m("a[!]", CS, "a!"));
    assert_false(m("a[!]", CS, "ab"));
    assert_true(m("a[", CS, "a["));
    assert_true(m("a[b-", CS, "a[b-"));
    assert_true(m("x[a-]", CS, "x-"));
    assert_true(m("x[*]y", CS, "x*y"));
    assert_false(m("x[*]y", CS, "xzy"));
    assert_false(m("x[]", CS, "x]"));
}

// DM lowercases patterns and names unless case-sensitive is set.
static void test_case(void **state)
{
    (void)state;
    assert_true(m("Test_*", 0, "TEST_1"));
    assert_true(m("test_[A-C]", 0, "TEST_b"));
    assert_false(m("Test_*", CS, "test_1"));
    assert_true(m("~^Test", RULES_PATTERN_REGEX, "test_1"));
    assert_false(m("~^Test", RULES_PATTERN_REGEX | CS, "test_1"));
}

static void test_regex(void **state)
{
    (void)state;
    unsigned re = RULES_PATTERN_REGEX | CS;
    // Unanchored search, as Go's MatchString.
    assert_true(m("~_2018$", re, "messages_2018"));
    assert_false(m("~_2018$", re, "messages_2017"));
    assert_true(m("~forum", re, "my_forum_x"));
    assert_true(m("~^test.*", re, "test"));
    // Without the regex flag, `~` is an ordinary character (binlog filter patterns).
    assert_true(m("~abc", CS, "~abc"));
    assert_false(m("~abc", CS, "abc"));
    rules_pattern *p = NULL;
    assert_int_equal(rules_pattern_compile(&p, "~^a", re, NULL), 0);
    assert_true(rules_pattern_is_regex(p));
    assert_string_equal(rules_pattern_text(p), "~^a");
    rules_pattern_destroy(p);
}

static void test_errors(void **state)
{
    (void)state;
    rules_pattern *p = (rules_pattern *)&p;
    dm_err err;
    assert_int_equal(rules_pattern_compile(&p, "do*c", CS, &err), RULES_ERR_PATTERN);
    assert_null(p);
    assert_non_null(strstr(err.message, "do*c"));
    assert_int_equal(rules_pattern_compile(&p, "a**", CS, &err), RULES_ERR_PATTERN);
    assert_int_equal(rules_pattern_compile(&p, "", CS, &err), RULES_ERR_PATTERN);
    assert_int_equal(rules_pattern_compile(&p, "~(unclosed", RULES_PATTERN_REGEX, &err),
                     RULES_ERR_REGEX);
    assert_non_null(strstr(err.message, "(unclosed"));
    assert_int_equal(rules_pattern_compile(NULL, "a", 0, &err), DM_ERR_INVALID_ARG);
    assert_false(rules_pattern_match(NULL, "a", 1));
    rules_pattern_destroy(NULL);
}

// Names with bytes outside ASCII and invalid UTF-8 never crash a regex.
static void test_binary_names(void **state)
{
    (void)state;
    rules_pattern *p = NULL;
    assert_int_equal(rules_pattern_compile(&p, "~^t.$", RULES_PATTERN_REGEX, NULL), 0);
    const char bad[] = {'t', (char)0xff};
    // PCRE2 skips invalid UTF-8 sequences: the 0xff byte is not a character for `.`.
    assert_false(rules_pattern_match(p, bad, sizeof(bad)));
    rules_pattern_destroy(p);
    assert_int_equal(rules_pattern_compile(&p, "t?", 0, NULL), 0);
    assert_true(rules_pattern_match(p, bad, sizeof(bad)));
    rules_pattern_destroy(p);
}

// Cases of DM's selector test suite (tidb-tools/tiflow table-rule-selector selector_test):
// which patterns match which names, including DM's reading of odd classes.
static void test_dm_selector_cases(void **state)
{
    (void)state;
    const struct {
        const char *pattern, *name;
        bool match;
    } cases[] = {
        {"?bc", "dbc", true},           {"t1_ab?", "t1_abc", true},   {"t1_abc", "t1_abc", true},
        {"a?c", "adc", true},           {"t2_ab*", "t2_abc", true},   {"ab?", "abd", true},
        {"t3_ab*", "t3_abc", true},     {"t3_ab?", "t3_abc", true},   {"ab*", "abc", true},
        {"t4_abc*", "t4_abc", true},    {"abc*", "abc", true},        {"abd", "abc", false},
        {"schema*", "schema1", true},   {"t*", "t1", true},           {"test*", "test1", true},
        {"ik[hjkl]", "ikj", true},      {"ik[!zxc]", "ikb", true},    {"ik[f-h]", "ikh", true},
        {"ik[!a-ce-g]", "iky", true},   {"ik[!a-ce-g]", "ikb", false}, {"ik[f-h]", "ikj", false},
        {"i[x-z][1-3]", "iz3", true},   {"i?[x-z]", "ixz", true},     {"ix*", "ixz", true},
        {"[!]", "!", true},             {"[a-]", "-", true},          {"[a-c-f]", "-", true},
        {"[a-c-f]", "c", true},         {"[a-c-f]", "f", true},       {"[a-c-f]", "e", false},
        {"[a-]", "c", false},           {"[!a-c!f-g]", "d", true},    {"[!a-c!f-g]", "!", false},
        {"*", "zxcv", true},            {"[]*", "d", false},          {"[]*", "", false},
        {"t1", "abc", false},           {"xxx", "abc", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (m(cases[i].pattern, CS, cases[i].name) != cases[i].match)
            fail_msg("pattern \"%s\" on \"%s\": expected %s", cases[i].pattern, cases[i].name,
                     cases[i].match ? "match" : "no match");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_star_and_question), cmocka_unit_test(test_classes),
        cmocka_unit_test(test_case),              cmocka_unit_test(test_regex),
        cmocka_unit_test(test_errors),            cmocka_unit_test(test_binary_names),
        cmocka_unit_test(test_dm_selector_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
