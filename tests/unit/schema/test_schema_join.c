// Schema comparison and join for optimistic shard merge (DM's schemacmp rules), including the
// examples of DM's "Merge and Migrate Data from Sharded Tables in Optimistic Mode".
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

static schema_column col(const char *name, schema_base_type b)
{
    schema_column c;
    memset(&c, 0, sizeof(c));
    c.name = (char *)name;
    c.type.base = b;
    c.type.length = -1;
    c.type.scale = -1;
    return c;
}

// base_table: CREATE TABLE name (id INT PRIMARY KEY, name VARCHAR(20))
static schema_table *base_table(const char *name)
{
    schema_column c[] = {col("id", SCHEMA_TYPE_INT), col("name", SCHEMA_TYPE_VARCHAR)};
    c[0].inline_primary = true;
    c[1].type.length = 20;
    schema_create_def def = {.columns = c, .n_columns = 2};
    schema_table *t = NULL;
    assert_int_equal(schema_table_build(&t, name, &def, NULL, NULL, NULL, NULL), 0);
    return t;
}

static void add_column(schema_table *t, schema_column c)
{
    schema_alter_spec s = {.kind = SCHEMA_ALTER_ADD_COLUMN, .column = c};
    dm_err err;
    if (schema_table_alter(t, &s, 1, &err) != 0)
        fail_msg("alter: %s", err.message);
}

static void drop_column(schema_table *t, const char *name)
{
    schema_alter_spec s = {.kind = SCHEMA_ALTER_DROP_COLUMN, .name = name};
    assert_int_equal(schema_table_alter(t, &s, 1, NULL), 0);
}

static void modify_column(schema_table *t, schema_column c)
{
    schema_alter_spec s = {.kind = SCHEMA_ALTER_CHANGE_COLUMN, .name = c.name, .column = c};
    assert_int_equal(schema_table_alter(t, &s, 1, NULL), 0);
}

static schema_column int_default(const char *name, const char *def)
{
    schema_column c = col(name, SCHEMA_TYPE_INT);
    c.default_kind = SCHEMA_DEFAULT_LITERAL;
    c.default_text = (char *)def;
    return c;
}

static char *print(const schema_table *t)
{
    static char out[8192];
    dm_buf b;
    dm_buf_init(&b);
    assert_int_equal(schema_table_print(&b, t, NULL), 0);
    snprintf(out, sizeof(out), "%s", b.data);
    dm_buf_fini(&b);
    return out;
}

static void expect_cmp(const schema_table *a, const schema_table *b, schema_cmp_result r,
                       const char *reason_part)
{
    char reason[512];
    schema_cmp_result got = schema_compare(a, b, reason, sizeof(reason));
    if (got != r)
        fail_msg("compare: got %d, want %d (%s)", got, r, reason);
    if (reason_part != NULL && strstr(reason, reason_part) == NULL)
        fail_msg("reason '%s' lacks '%s'", reason, reason_part);
    // The order is antisymmetric.
    schema_cmp_result rev = schema_compare(b, a, NULL, 0);
    schema_cmp_result want = r == SCHEMA_CMP_A_CONTAINS_B   ? SCHEMA_CMP_B_CONTAINS_A
                             : r == SCHEMA_CMP_B_CONTAINS_A ? SCHEMA_CMP_A_CONTAINS_B
                                                            : r;
    assert_int_equal(rev, want);
}

static void test_equal(void **state)
{
    (void)state;
    schema_table *a = base_table("tbl00"), *b = base_table("tbl01"), *j = NULL;
    expect_cmp(a, b, SCHEMA_CMP_EQUAL, NULL);
    assert_int_equal(schema_join(&j, a, b, NULL), 0);
    expect_cmp(j, a, SCHEMA_CMP_EQUAL, NULL);
    schema_table_destroy(j);
    schema_table_destroy(a);
    schema_table_destroy(b);
}

// DM's optimistic example: shards add `Age INT DEFAULT -1` one after another; the joined
// schema has the column as soon as one shard has it, and every shard's schema is contained.
static void test_dm_add_column_example(void **state)
{
    (void)state;
    schema_table *s[3] = {base_table("tbl00"), base_table("tbl01"), base_table("tbl02")};
    schema_table *j = NULL, *j2 = NULL;
    add_column(s[0], int_default("Age", "-1"));
    expect_cmp(s[0], s[1], SCHEMA_CMP_A_CONTAINS_B, NULL);
    assert_int_equal(schema_join(&j, s[0], s[1], NULL), 0);
    assert_int_equal(schema_join(&j2, j, s[2], NULL), 0);
    assert_non_null(schema_table_find_column(j2, "Age", NULL));
    for (int i = 0; i < 3; i++)
        assert_int_not_equal(schema_compare(j2, s[i], NULL, 0), SCHEMA_CMP_CONFLICT);
    add_column(s[1], int_default("Age", "-1"));
    add_column(s[2], int_default("Age", "-1"));
    for (int i = 0; i < 3; i++)
        expect_cmp(j2, s[i], SCHEMA_CMP_EQUAL, NULL);
    schema_table_destroy(j);
    schema_table_destroy(j2);
    for (int i = 0; i < 3; i++)
        schema_table_destroy(s[i]);
}

// A dropped column leaves the joined schema only when every shard dropped it.
static void test_dm_drop_column_example(void **state)
{
    (void)state;
    schema_table *a = base_table("tbl00"), *b = base_table("tbl01"), *j = NULL;
    drop_column(a, "name");
    expect_cmp(a, b, SCHEMA_CMP_B_CONTAINS_A, NULL);
    assert_int_equal(schema_join(&j, a, b, NULL), 0);
    assert_non_null(schema_table_find_column(j, "name", NULL));
    schema_table_destroy(j);
    drop_column(b, "name");
    assert_int_equal(schema_join(&j, a, b, NULL), 0);
    assert_null(schema_table_find_column(j, "name", NULL));
    schema_table_destroy(j);
    schema_table_destroy(a);
    schema_table_destroy(b);
}

// DM's unsupported cases: the same column added with different defaults or types.
static void test_dm_conflicts(void **state)
{
    (void)state;
    schema_table *a = base_table("tbl00"), *b = base_table("tbl01"), *j = NULL;
    dm_err err;
    add_column(a, int_default("Age", "-1"));
    add_column(b, int_default("Age", "0"));
    expect_cmp(a, b, SCHEMA_CMP_CONFLICT, "distinct default values");
    assert_int_equal(schema_join(&j, a, b, &err), SCHEMA_ERR_JOIN_CONFLICT);
    assert_non_null(strstr(err.message, "`Age`"));
    assert_null(j);
    schema_table_destroy(a);
    schema_table_destroy(b);

    a = base_table("tbl00");
    b = base_table("tbl01");
    add_column(a, col("c", SCHEMA_TYPE_INT));
    schema_column v = col("c", SCHEMA_TYPE_VARCHAR);
    v.type.length = 10;
    add_column(b, v);
    expect_cmp(a, b, SCHEMA_CMP_CONFLICT, "incompatible mysql type (int vs varchar)");
    assert_int_equal(schema_join(&j, a, b, &err), SCHEMA_ERR_JOIN_CONFLICT);
    schema_table_destroy(a);
    schema_table_destroy(b);

    // A NOT NULL column without default cannot be missing on another shard.
    a = base_table("tbl00");
    b = base_table("tbl01");
    schema_column nn = col("lvl", SCHEMA_TYPE_INT);
    nn.not_null = true;
    add_column(a, nn);
    expect_cmp(a, b, SCHEMA_CMP_CONFLICT, "no default value cannot be missing");
    // Joining still keeps it, with the type's zero value as default (schemacmp).
    assert_int_equal(schema_join(&j, a, b, NULL), 0);
    assert_non_null(strstr(print(j), "`lvl` int(11) NOT NULL DEFAULT 0"));
    schema_table_destroy(j);
    schema_table_destroy(a);
    schema_table_destroy(b);
}

static void test_type_lattice(void **state)
{
    (void)state;
    schema_table *a = base_table("a"), *b = base_table("b"), *j = NULL;
    // INT vs BIGINT: BIGINT contains INT.
    modify_column(b, col("id", SCHEMA_TYPE_BIGINT));
    schema_column idb = col("id", SCHEMA_TYPE_BIGINT);
    idb.not_null = true;
    modify_column(b, idb);
    expect_cmp(a, b, SCHEMA_CMP_B_CONTAINS_A, NULL);
    assert_int_equal(schema_join(&j, a, b, NULL), 0);
    assert_non_null(strstr(print(j), "`id` bigint(20) NOT NULL"));
    schema_table_destroy(j);
    // VARCHAR(20) vs VARCHAR(40) plus the bigger int on the same side: still ordered.
    schema_column v = col("name", SCHEMA_TYPE_VARCHAR);
    v.type.length = 40;
    modify_column(b, v);
    expect_cmp(a, b, SCHEMA_CMP_B_CONTAINS_A, NULL);
    // A column only a has, with a default: a > b on that, b > a on types: contradiction.
    add_column(a, int_default("x", "1"));
    expect_cmp(a, b, SCHEMA_CMP_CONFLICT, "contradicting orders");
    assert_int_equal(schema_join(&j, a, b, NULL), 0); // the join still exists
    expect_cmp(j, a, SCHEMA_CMP_A_CONTAINS_B, NULL);
    expect_cmp(j, b, SCHEMA_CMP_A_CONTAINS_B, NULL);
    schema_table_destroy(j);
    schema_table_destroy(a);
    schema_table_destroy(b);

    // DECIMAL precision must be equal; TEXT < MEDIUMTEXT; ENUM prefix lists.
    a = base_table("a");
    b = base_table("b");
    schema_column d1 = col("d", SCHEMA_TYPE_DECIMAL), d2 = col("d", SCHEMA_TYPE_DECIMAL);
    d1.type.length = 10;
    d2.type.length = 12;
    add_column(a, d1);
    add_column(b, d2);
    expect_cmp(a, b, SCHEMA_CMP_CONFLICT, "DECIMAL");
    schema_table_destroy(a);
    schema_table_destroy(b);
    a = base_table("a");
    b = base_table("b");
    add_column(a, col("t", SCHEMA_TYPE_TEXT));
    add_column(b, col("t", SCHEMA_TYPE_MEDIUMTEXT));
    expect_cmp(a, b, SCHEMA_CMP_B_CONTAINS_A, NULL);
    schema_table_destroy(a);
    schema_table_destroy(b);
    a = base_table("a");
    b = base_table("b");
    schema_column e1 = col("e", SCHEMA_TYPE_ENUM), e2 = col("e", SCHEMA_TYPE_ENUM);
    char *v1[] = {"x", "y"}, *v2[] = {"x", "y", "z"}, *v3[] = {"x", "q"};
    e1.type.elems = v1;
    e1.type.n_elems = 2;
    e2.type.elems = v2;
    e2.type.n_elems = 3;
    add_column(a, e1);
    add_column(b, e2);
    expect_cmp(a, b, SCHEMA_CMP_B_CONTAINS_A, NULL);
    assert_int_equal(schema_join(&j, a, b, NULL), 0);
    assert_non_null(strstr(print(j), "enum('x','y','z')"));
    schema_table_destroy(j);
    e2.type.elems = v3;
    e2.type.n_elems = 2;
    modify_column(b, e2);
    expect_cmp(a, b, SCHEMA_CMP_CONFLICT, "distinct values");
    schema_table_destroy(a);
    schema_table_destroy(b);
}

static void test_nullability_and_indexes(void **state)
{
    (void)state;
    schema_table *a = base_table("a"), *b = base_table("b"), *j = NULL;
    schema_column nn = col("name", SCHEMA_TYPE_VARCHAR);
    nn.type.length = 20;
    nn.not_null = true;
    modify_column(a, nn);
    // NULL contains NOT NULL (and "has a default" contains "has none").
    expect_cmp(a, b, SCHEMA_CMP_B_CONTAINS_A, NULL);
    schema_table_destroy(a);
    a = base_table("a");
    // An index on one side: the table without it is more general; the join drops it.
    schema_index_part p = {.column = "name"};
    schema_alter_spec ai = {.kind = SCHEMA_ALTER_ADD_INDEX,
                            .index = {.kind = SCHEMA_INDEX_UNIQUE, .name = "k", .parts = &p,
                                      .n_parts = 1}};
    assert_int_equal(schema_table_alter(a, &ai, 1, NULL), 0);
    expect_cmp(a, b, SCHEMA_CMP_B_CONTAINS_A, NULL);
    assert_int_equal(schema_join(&j, a, b, NULL), 0);
    assert_null(schema_table_find_index(j, "k"));
    schema_table_destroy(j);
    // The same index, unique on one side and plain on the other: plain is more general.
    ai.index.kind = SCHEMA_INDEX_PLAIN;
    assert_int_equal(schema_table_alter(b, &ai, 1, NULL), 0);
    expect_cmp(a, b, SCHEMA_CMP_B_CONTAINS_A, NULL);
    assert_int_equal(schema_join(&j, a, b, NULL), 0);
    assert_int_equal(schema_table_find_index(j, "k")->kind, SCHEMA_INDEX_PLAIN);
    schema_table_destroy(j);
    schema_table_destroy(a);
    schema_table_destroy(b);
    // An AUTO_INCREMENT column must still start a key after the join.
    a = base_table("a");
    b = base_table("b");
    schema_alter_spec dpk = {.kind = SCHEMA_ALTER_DROP_INDEX, .name = "PRIMARY"};
    schema_column ai_col = col("seq", SCHEMA_TYPE_INT);
    ai_col.auto_increment = true;
    schema_index_part ps = {.column = "seq"};
    schema_alter_spec addai[] = {
        {.kind = SCHEMA_ALTER_ADD_COLUMN, .column = ai_col},
        {.kind = SCHEMA_ALTER_ADD_INDEX,
         .index = {.kind = SCHEMA_INDEX_PLAIN, .name = "ks", .parts = &ps, .n_parts = 1}}};
    assert_int_equal(schema_table_alter(a, addai, 2, NULL), 0);
    assert_int_equal(schema_table_alter(b, &dpk, 1, NULL), 0);
    dm_err err;
    assert_int_equal(schema_join(&j, a, b, &err), SCHEMA_ERR_JOIN_CONFLICT);
    assert_non_null(strstr(err.message, "auto type but not defined as a key"));
    schema_table_destroy(a);
    schema_table_destroy(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal),
        cmocka_unit_test(test_dm_add_column_example),
        cmocka_unit_test(test_dm_drop_column_example),
        cmocka_unit_test(test_dm_conflicts),
        cmocka_unit_test(test_type_lattice),
        cmocka_unit_test(test_nullability_and_indexes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
