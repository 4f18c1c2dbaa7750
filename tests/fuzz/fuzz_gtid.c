// fuzz_gtid: GTID set text and binary forms from untrusted bytes.
// Byte 0 picks the flavour (bit 0) and the form (bit 1: binary, else text); the rest is the
// input. Properties: parsing never crashes; a parsed set prints canonically, and its text
// parses back to an equal set that prints the same; encode/decode round-trips; the set
// contains itself and its union with itself is equal to it; subtracting itself empties it.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gtid.h"

static void check(const gtid_set *s)
{
    gtid_flavor f = gtid_set_flavor(s);
    gtid_set *t = NULL, *u = NULL, *c = NULL;
    dm_buf a, b, enc;
    dm_buf_init(&a);
    dm_buf_init(&b);
    dm_buf_init(&enc);
    if (gtid_set_format(&a, s, NULL) != 0)
        goto done;
    if (gtid_set_parse(&t, f, a.data ? a.data : "", NULL) != 0)
        abort(); // canonical text must parse
    if (!gtid_set_equal(s, t))
        abort();
    if (gtid_set_format(&b, t, NULL) != 0)
        goto done;
    if (a.len != b.len || (a.len && memcmp(a.data, b.data, a.len) != 0))
        abort(); // printing is idempotent
    if (gtid_set_encode(&enc, s, NULL) != 0)
        goto done;
    if (gtid_set_decode(&u, f, enc.data, enc.len, NULL) != 0 || !gtid_set_equal(s, u))
        abort();
    if (!gtid_set_contains(s, t) || !gtid_set_contains(t, s))
        abort();
    if (gtid_set_union(u, t, NULL) == 0 && !gtid_set_equal(u, s))
        abort();
    if (gtid_set_copy(&c, s, NULL) == 0 && gtid_set_subtract(c, t, NULL) == 0 &&
        !gtid_set_is_empty(c))
        abort();
done:
    gtid_set_destroy(t);
    gtid_set_destroy(u);
    gtid_set_destroy(c);
    dm_buf_fini(&a);
    dm_buf_fini(&b);
    dm_buf_fini(&enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gtid_flavor f;
    gtid_set *s = NULL;
    char *text;
    gtid g;
    if (size < 1)
        return 0;
    f = (data[0] & 1) ? GTID_FLAVOR_MARIADB : GTID_FLAVOR_MYSQL;
    if (data[0] & 2) {
        if (gtid_set_decode(&s, f, data + 1, size - 1, NULL) == 0)
            check(s);
        gtid_set_destroy(s);
        return 0;
    }
    text = malloc(size);
    if (text == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    if (gtid_set_parse(&s, f, text, NULL) == 0) {
        check(s);
        // adding a GTID parsed from the same text (when it is one) keeps the set equal
        if (gtid_parse(&g, f, text, NULL) == 0) {
            if (gtid_set_add(s, &g, NULL) == 0 && !gtid_set_contains_gtid(s, &g))
                abort();
        }
    }
    gtid_set_destroy(s);
    free(text);
    return 0;
}
