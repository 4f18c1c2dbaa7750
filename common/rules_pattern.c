// DESIGN: DM's table-selector wildcards and `~` regular expressions.
//
// DM stores wildcard patterns in a trie (tidb-tools table-rule-selector) and returns every
// rule whose pattern matches a name; precedence between rules is decided by the callers
// (block/allow list, router, filter), never by the trie. So a compiled pattern here is a
// flat array of one-byte elements (literal byte, `?`, character class) plus a flag for a
// trailing `*`, and matching is a single left-to-right pass: O(len) and no backtracking.
// Character classes are parsed exactly as the trie does (first `]` closes, `a-c` ranges,
// `!` negates, `[!]` is a literal `!`, a `[` without `]` is a literal) into a 256-bit set.
// Case-insensitivity lowercases the pattern at compile time and each name byte at match
// time, which is what DM's ToLower of patterns and names amounts to.
//
// Regexes use PCRE2 (DM uses Go's regexp; the common syntax is the same). The compiled
// code and the match context are read-only after creation, and match data is allocated per
// call, so concurrent matching needs no lock. A match limit bounds pathological patterns.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

enum { EL_LIT = 0, EL_ANY, EL_CLASS };

typedef struct pat_elem {
    uint8_t kind;
    uint8_t byte;   // EL_LIT
    uint32_t cls;   // EL_CLASS: index into classes
} pat_elem;

typedef struct pat_class {
    uint8_t bits[32];
} pat_class;

struct rules_pattern {
    char *text;          // as written
    bool ci;             // case-insensitive
    bool is_regex;
    bool star;           // trailing `*`
    pat_elem *elems;
    size_t n_elems;
    pat_class *classes;
    size_t n_classes;
    pcre2_code *re;
    pcre2_match_context *mctx;
};

static void class_set(pat_class *c, uint8_t lo, uint8_t hi)
{
    for (unsigned v = lo; v <= hi; v++)
        c->bits[v >> 3] |= (uint8_t)(1u << (v & 7));
}

static bool class_has(const pat_class *c, uint8_t v)
{
    return (c->bits[v >> 3] >> (v & 7)) & 1u;
}

// parse_class reads the class starting at p[0] == '[' (len bytes available). Returns the
// number of bytes consumed, or 0 when there is no closing `]` (the `[` is then literal).
static size_t parse_class(pat_class *c, const char *p, size_t len)
{
    size_t close = 0;
    for (size_t i = 1; i < len; i++) {
        if (p[i] == ']') {
            close = i;
            break;
        }
    }
    if (close == 0)
        return 0;
    memset(c, 0, sizeof(*c));
    size_t start = 1;
    bool neg = false;
    if (p[start] == '!') {
        start++;
        neg = true;
    }
    bool any = false;
    for (size_t i = start; i < close; i++) {
        if (p[i + 1] == '-' && i + 2 < close) {
            class_set(c, (uint8_t)p[i], (uint8_t)p[i + 2]);
            i += 2;
        } else {
            class_set(c, (uint8_t)p[i], (uint8_t)p[i]);
        }
        any = true;
    }
    if (!any && neg) {
        // DM reads `[!]` as the one-character class `!`.
        class_set(c, '!', '!');
        neg = false;
    }
    if (neg) {
        for (size_t i = 0; i < sizeof(c->bits); i++)
            c->bits[i] = (uint8_t)~c->bits[i];
    }
    return close + 1;
}

static int compile_wildcard(rules_pattern *p, const char *text, dm_err *err)
{
    size_t len = strlen(text);
    char *low = NULL;
    int rc = 0;
    const char *src = text;
    if (p->ci) {
        low = malloc(len + 1);
        if (low == NULL) {
            rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
            goto done;
        }
        for (size_t i = 0; i <= len; i++)
            low[i] = (char)tolower((unsigned char)text[i]);
        src = low;
    }
    p->elems = calloc(len ? len : 1, sizeof(*p->elems));
    p->classes = calloc(len ? len : 1, sizeof(*p->classes));
    if (p->elems == NULL || p->classes == NULL) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < len; i++) {
        if (p->star) {
            rc = dm_err_set(err, RULES_ERR_PATTERN, DM_ERR_SCOPE_INTERNAL,
                            "pattern \"%s\" is invalid: wildcard '*' may only be the last "
                            "character (offset %zu)",
                            text, i - 1);
            goto done;
        }
        pat_elem *e = &p->elems[p->n_elems];
        switch (src[i]) {
        case '*':
            p->star = true;
            continue;
        case '?':
            e->kind = EL_ANY;
            break;
        case '[': {
            size_t used = parse_class(&p->classes[p->n_classes], src + i, len - i);
            if (used == 0) {
                e->kind = EL_LIT;
                e->byte = '[';
            } else {
                e->kind = EL_CLASS;
                e->cls = (uint32_t)p->n_classes++;
                i += used - 1;
            }
            break;
        }
        default:
            e->kind = EL_LIT;
            e->byte = (uint8_t)src[i];
            break;
        }
        p->n_elems++;
    }
done:
    free(low);
    return rc;
}

static int compile_regex(rules_pattern *p, const char *re_text, dm_err *err)
{
    int errcode = 0;
    PCRE2_SIZE erroff = 0;
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    if (p->ci)
        opts |= PCRE2_CASELESS;
    p->re = pcre2_compile((PCRE2_SPTR)re_text, PCRE2_ZERO_TERMINATED, opts, &errcode, &erroff,
                          NULL);
    if (p->re == NULL) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        return dm_err_set(err, RULES_ERR_REGEX, DM_ERR_SCOPE_INTERNAL,
                          "regular expression \"%s\" is invalid at offset %zu: %s", re_text,
                          (size_t)erroff, (const char *)msg);
    }
    p->mctx = pcre2_match_context_create(NULL);
    if (p->mctx == NULL)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    // Names are short; a limit keeps a catastrophic pattern from stalling an applier.
    pcre2_set_match_limit(p->mctx, 100000);
    pcre2_set_depth_limit(p->mctx, 10000);
    return 0;
}

int rules_pattern_compile(rules_pattern **out, const char *text, unsigned flags, dm_err *err)
{
    rules_pattern *p = NULL;
    int rc = 0;
    if (out == NULL || text == NULL) {
        rc = dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                        "rules_pattern_compile: NULL argument");
        goto fail;
    }
    *out = NULL;
    if (text[0] == '\0') {
        rc = dm_err_set(err, RULES_ERR_PATTERN, DM_ERR_SCOPE_INTERNAL, "pattern is empty");
        goto fail;
    }
    p = calloc(1, sizeof(*p));
    if (p == NULL || (p->text = strdup(text)) == NULL) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto fail;
    }
    p->ci = !(flags & RULES_PATTERN_CASE_SENSITIVE);
    if ((flags & RULES_PATTERN_REGEX) && text[0] == '~') {
        p->is_regex = true;
        rc = compile_regex(p, text + 1, err);
    } else {
        rc = compile_wildcard(p, text, err);
    }
    if (rc != 0)
        goto fail;
    *out = p;
    return 0;
fail:
    rules_pattern_destroy(p);
    return rc;
}

void rules_pattern_destroy(rules_pattern *p)
{
    if (p == NULL)
        return;
    free(p->text);
    free(p->elems);
    free(p->classes);
    pcre2_code_free(p->re);
    pcre2_match_context_free(p->mctx);
    free(p);
}

static bool match_regex(const rules_pattern *p, const char *name, size_t len)
{
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    if (md == NULL)
        return false;
    int rc = pcre2_match(p->re, (PCRE2_SPTR)name, len, 0, 0, md, p->mctx);
    pcre2_match_data_free(md);
    return rc >= 0;
}

bool rules_pattern_match(const rules_pattern *p, const char *name, size_t len)
{
    if (p == NULL || (name == NULL && len > 0))
        return false;
    if (p->is_regex)
        return match_regex(p, name ? name : "", len);
    if (p->star ? len < p->n_elems : len != p->n_elems)
        return false;
    for (size_t i = 0; i < p->n_elems; i++) {
        uint8_t c = (uint8_t)name[i];
        if (p->ci)
            c = (uint8_t)tolower(c);
        const pat_elem *e = &p->elems[i];
        switch (e->kind) {
        case EL_LIT:
            if (c != e->byte)
                return false;
            break;
        case EL_CLASS:
            if (!class_has(&p->classes[e->cls], c))
                return false;
            break;
        default:
            break;
        }
    }
    return true;
}

const char *rules_pattern_text(const rules_pattern *p)
{
    return p ? p->text : "";
}

bool rules_pattern_is_regex(const rules_pattern *p)
{
    return p != NULL && p->is_regex;
}
