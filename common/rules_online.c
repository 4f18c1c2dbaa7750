// rules_online: the shadow/trash table rules of online DDL (rules.h). Each rule is an
// anchored PCRE2 regex whose one capture group is the real table's name.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

struct rules_online {
    pcre2_code **re; // shadow rules first, then trash rules
    size_t n_shadow, n;
};

int rules_online_create(rules_online **out, const char *const *shadow, size_t n_shadow,
                        const char *const *trash, size_t n_trash, dm_err *err)
{
    int rc = 0;
    rules_online *o = calloc(1, sizeof *o);
    *out = NULL;
    if (!o || !(o->re = calloc(n_shadow + n_trash + 1, sizeof *o->re))) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto done;
    }
    o->n_shadow = n_shadow;
    for (size_t i = 0; i < n_shadow + n_trash; i++) {
        const char *text = i < n_shadow ? shadow[i] : trash[i - n_shadow];
        int code = 0;
        PCRE2_SIZE off = 0;
        if (!(o->re[i] = pcre2_compile((PCRE2_SPTR)text, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code, &off, NULL))) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(code, msg, sizeof msg);
            rc = dm_err_set(err, RULES_ERR_REGEX, DM_ERR_SCOPE_INTERNAL,
                            "%s-table rule \"%s\" does not compile: %s at offset %zu",
                            i < n_shadow ? "shadow" : "trash", text, (const char *)msg, (size_t)off);
            goto done;
        }
        o->n = i + 1;
    }
    *out = o;
    o = NULL;
done:
    rules_online_destroy(o);
    return rc;
}

void rules_online_destroy(rules_online *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n; i++)
        pcre2_code_free(o->re[i]);
    free(o->re);
    free(o);
}

rules_table_kind rules_online_classify(const rules_online *o, const char *table, char *real, size_t size)
{
    if (size)
        real[0] = '\0';
    if (!o || !table)
        return RULES_TABLE_REAL;
    for (size_t i = 0; i < o->n; i++) {
        pcre2_match_data *md = pcre2_match_data_create_from_pattern(o->re[i], NULL);
        if (!md)
            return RULES_TABLE_REAL;
        int m = pcre2_match(o->re[i], (PCRE2_SPTR)table, strlen(table), 0, 0, md, NULL);
        if (m > 1 && size) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            size_t len = ov[3] - ov[2];
            if (ov[2] != PCRE2_UNSET && len < size)
                snprintf(real, size, "%.*s", (int)len, table + ov[2]);
        }
        pcre2_match_data_free(md);
        if (m > 0)
            return i < o->n_shadow ? RULES_TABLE_GHOST : RULES_TABLE_TRASH;
    }
    return RULES_TABLE_REAL;
}
