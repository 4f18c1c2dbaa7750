// DESIGN: ddl_parse lexes the whole statement into a token array first (so the parser can
// look ahead freely and report lexical errors before anything else), then runs a
// recursive-descent parser over it. Every allocation goes to the statement's arena, so an
// error anywhere just destroys the statement. Expression-like parts are not parsed: a
// balanced-parenthesis scan finds their end and the tokens in between become source text
// (tokens joined with one blank where the source had blanks or comments). Statements that
// are only classified (views, routines, DML, ...) keep their whole text plus the token
// ranges of the table names they mention, so a rename can splice new names into the text.
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ddl_internal.h"
#include "sql_lex.h"

// ---------------------------------------------------------------------------------------
// Arena

#define CHUNK_MIN 4096

ddl_stmt *ddl_stmt_new(void)
{
    ddl_stmt *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    s->priv = calloc(1, sizeof(*s->priv));
    if (s->priv == NULL) {
        free(s);
        return NULL;
    }
    return s;
}

void *ddl_alloc(ddl_stmt *s, size_t n)
{
    ddl_chunk *c = s->priv->chunks;
    size_t a = sizeof(max_align_t);
    void *p;
    n = (n + a - 1) / a * a;
    if (n == 0)
        n = a;
    if (c == NULL || c->cap - c->used < n) {
        size_t cap = n > CHUNK_MIN ? n : CHUNK_MIN;
        c = malloc(sizeof(ddl_chunk) + cap);
        if (c == NULL)
            return NULL;
        c->cap = cap;
        c->used = 0;
        c->next = s->priv->chunks;
        s->priv->chunks = c;
    }
    p = (char *)c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *ddl_strndup(ddl_stmt *s, const char *p, size_t n)
{
    char *d = ddl_alloc(s, n + 1);
    if (d == NULL)
        return NULL;
    if (n)
        memcpy(d, p, n);
    d[n] = '\0';
    return d;
}

void ddl_stmt_destroy(ddl_stmt *s)
{
    ddl_chunk *c, *next;
    if (s == NULL)
        return;
    if (s->priv) {
        for (c = s->priv->chunks; c; c = next) {
            next = c->next;
            free(c);
        }
        free(s->priv);
    }
    free(s);
}

// ---------------------------------------------------------------------------------------
// Parser state and helpers

typedef struct ref_tok {
    size_t from, to;  // token range of the name
    size_t index;     // index into other.tables
} ref_tok;

typedef struct parser {
    sql_lex lx;
    sql_token *toks;
    size_t n;   // tokens including the final EOF
    size_t end; // index of the first trailing ';' or of EOF: the statement's last token + 1
    size_t p;
    ddl_stmt *st;
    dm_err *err;
    dm_buf tmp;
    ref_tok *refs;
    size_t n_refs, cap_refs;
} parser;

#define TRY(x)                    \
    do {                          \
        int rc_ = (x);            \
        if (rc_ != 0)             \
            return rc_;           \
    } while (0)

static const sql_token *tok(const parser *ps, size_t k)
{
    size_t i = ps->p + k;
    return &ps->toks[i < ps->end ? i : ps->end];
}

static bool at_end(const parser *ps)
{
    return ps->p >= ps->end;
}

static bool is_w(const parser *ps, size_t k, const char *w)
{
    return ps->p + k < ps->end && sql_lex_is_word(&ps->lx, tok(ps, k), w);
}

static bool is_o(const parser *ps, size_t k, const char *o)
{
    return ps->p + k < ps->end && sql_lex_is_op(&ps->lx, tok(ps, k), o);
}

static bool accept(parser *ps, const char *w)
{
    if (!is_w(ps, 0, w))
        return false;
    ps->p++;
    return true;
}

static bool accept2(parser *ps, const char *a, const char *b)
{
    if (!is_w(ps, 0, a) || !is_w(ps, 1, b))
        return false;
    ps->p += 2;
    return true;
}

static bool accept3(parser *ps, const char *a, const char *b, const char *c)
{
    if (!is_w(ps, 0, a) || !is_w(ps, 1, b) || !is_w(ps, 2, c))
        return false;
    ps->p += 3;
    return true;
}

static bool accept_op(parser *ps, const char *o)
{
    if (!is_o(ps, 0, o))
        return false;
    ps->p++;
    return true;
}

static int nomem(parser *ps)
{
    return dm_err_set(ps->err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory while parsing SQL");
}

// syntax reports a syntax error at the current token, quoting the text near it, its line
// and offset, and the start of the statement.
static int syntax(parser *ps, const char *expected)
{
    const sql_token *t = &ps->toks[ps->p < ps->n ? ps->p : ps->n - 1];
    size_t off = t->off, line = 1;
    size_t near = ps->lx.len - off;
    size_t stmt_len = ps->lx.len;
    for (size_t i = 0; i < off && i < ps->lx.len; i++)
        if (ps->lx.src[i] == '\n')
            line++;
    if (near > 40)
        near = 40;
    if (stmt_len > 200)
        stmt_len = 200;
    dm_err_set(ps->err, DDL_ERR_SYNTAX, DM_ERR_SCOPE_INTERNAL,
               "SQL syntax error: expected %s near '%.*s' at line %zu (offset %zu) in '%.*s%s'",
               expected, (int)near, ps->lx.src + off, line, off, (int)stmt_len, ps->lx.src,
               ps->lx.len > stmt_len ? "..." : "");
    return DDL_ERR_SYNTAX;
}

static int expect(parser *ps, const char *w)
{
    if (!accept(ps, w))
        return syntax(ps, w);
    return 0;
}

static int expect_op(parser *ps, const char *o)
{
    if (!accept_op(ps, o)) {
        char what[16];
        snprintf(what, sizeof(what), "'%s'", o);
        return syntax(ps, what);
    }
    return 0;
}

// Words that cannot be unquoted identifiers (MySQL/MariaDB reserved words that matter to
// the structure of the statements we parse).
static const char *const reserved[] = {
    "ADD", "ALL", "ALTER", "AND", "AS", "ASC", "BETWEEN", "BY", "CASCADE", "CASE", "CHANGE",
    "CHARACTER", "CHECK", "COLLATE", "COLUMN", "CONSTRAINT", "CONVERT", "CREATE", "CROSS",
    "DATABASE", "DEFAULT", "DELETE", "DESC", "DISTINCT", "DROP", "ELSE", "EXISTS", "FOREIGN",
    "FROM", "FULLTEXT", "GENERATED", "GROUP", "HAVING", "IF", "IGNORE", "IN", "INDEX", "INSERT",
    "INTO", "IS", "JOIN", "KEY", "KEYS", "LIKE", "LIMIT", "LOCK", "NOT", "NULL", "ON", "OR",
    "ORDER", "PARTITION", "PRIMARY", "REFERENCES", "RENAME", "REPLACE", "RESTRICT", "SELECT",
    "SET", "SPATIAL", "TABLE", "THEN", "TO", "UNION", "UNIQUE", "UNSIGNED", "UPDATE", "USING",
    "VALUES", "WHEN", "WHERE", "WITH", "ZEROFILL", "CHAR", "VARCHAR", "INT", "INTEGER", NULL};

static bool is_reserved(const parser *ps, const sql_token *t)
{
    for (int i = 0; reserved[i]; i++)
        if (sql_lex_is_word(&ps->lx, t, reserved[i]))
            return true;
    return false;
}

bool ddl_is_reserved_word(const char *w)
{
    for (int i = 0; reserved[i]; i++)
        if (strcasecmp(w, reserved[i]) == 0)
            return true;
    return false;
}

// decode copies token t's value into the arena.
static int decode(parser *ps, const sql_token *t, char **out)
{
    dm_buf_reset(&ps->tmp);
    if (sql_lex_decode(&ps->tmp, &ps->lx, t) != 0)
        return nomem(ps);
    *out = ddl_strndup(ps->st, ps->tmp.data ? ps->tmp.data : "", ps->tmp.len);
    return *out ? 0 : nomem(ps);
}

static char *upper_dup(parser *ps, const char *p, size_t n)
{
    char *d = ddl_strndup(ps->st, p, n);
    if (d)
        for (size_t i = 0; i < n; i++)
            d[i] = (char)toupper((unsigned char)d[i]);
    return d;
}

static int lower_inplace(char *s)
{
    for (; s && *s; s++)
        *s = (char)tolower((unsigned char)*s);
    return 0;
}

// ident reads an identifier (unquoted non-reserved word or quoted identifier).
static int ident(parser *ps, char **out)
{
    const sql_token *t = tok(ps, 0);
    if (at_end(ps) || (t->kind != SQL_TOK_IDENT && t->kind != SQL_TOK_QIDENT) ||
        (t->kind == SQL_TOK_IDENT && is_reserved(ps, t)))
        return syntax(ps, "an identifier");
    TRY(decode(ps, t, out));
    ps->p++;
    return 0;
}

// ident_or_string accepts an identifier or a string (charset names, engine names ...).
static int ident_or_string(parser *ps, char **out)
{
    const sql_token *t = tok(ps, 0);
    if (!at_end(ps) && (t->kind == SQL_TOK_STRING || (t->kind == SQL_TOK_IDENT && is_w(ps, 0, "BINARY")) ||
                        (t->kind == SQL_TOK_IDENT && is_w(ps, 0, "DEFAULT")))) {
        TRY(decode(ps, t, out));
        ps->p++;
        return 0;
    }
    return ident(ps, out);
}

static bool is_name_start_at(const parser *ps, size_t k)
{
    const sql_token *t = tok(ps, k);
    return ps->p + k < ps->end && (t->kind == SQL_TOK_QIDENT || (t->kind == SQL_TOK_IDENT && !is_reserved(ps, t)));
}

static bool is_name_start(const parser *ps)
{
    return is_name_start_at(ps, 0);
}

// qname reads [db.]name; a ref is recorded for verbatim statements when index != SIZE_MAX.
static int qname(parser *ps, ddl_name *out)
{
    char *a, *b;
    TRY(ident(ps, &a));
    if (is_o(ps, 0, ".") && (tok(ps, 1)->kind == SQL_TOK_IDENT || tok(ps, 1)->kind == SQL_TOK_QIDENT)) {
        const sql_token *t;
        ps->p++;
        // after a dot any word is an identifier, reserved or not
        t = tok(ps, 0);
        if (at_end(ps))
            return syntax(ps, "an identifier");
        TRY(decode(ps, t, &b));
        ps->p++;
        out->db = a;
        out->name = b;
    } else {
        out->db = NULL;
        out->name = a;
    }
    return 0;
}

static int add_ref(parser *ps, size_t from, size_t to, size_t index)
{
    if (ps->n_refs == ps->cap_refs) {
        size_t cap = ps->cap_refs ? ps->cap_refs * 2 : 8;
        ref_tok *r = realloc(ps->refs, cap * sizeof(*r));
        if (r == NULL)
            return nomem(ps);
        ps->refs = r;
        ps->cap_refs = cap;
    }
    ps->refs[ps->n_refs].from = from;
    ps->refs[ps->n_refs].to = to;
    ps->refs[ps->n_refs].index = index;
    ps->n_refs++;
    return 0;
}

// grow makes room for one more element of size sz in an arena array.
static int grow(parser *ps, void **arr, size_t n, size_t *cap, size_t sz)
{
    void *na;
    size_t ncap;
    if (n < *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 4;
    na = ddl_alloc(ps->st, ncap * sz);
    if (na == NULL)
        return nomem(ps);
    if (n)
        memcpy(na, *arr, n * sz);
    *arr = na;
    *cap = ncap;
    return 0;
}

#define PUSH(ps, arr, n, cap) grow((ps), (void **)&(arr), (n), &(cap), sizeof(*(arr)))

// join_text writes tokens [from, to) as text (one blank where the source had a gap) into
// out; offsets[i - from] receives where token i starts when offsets is not NULL.
static int join_tokens(parser *ps, dm_buf *out, size_t from, size_t to, size_t *offsets)
{
    for (size_t i = from; i < to; i++) {
        const sql_token *t = &ps->toks[i];
        // "--" glued to a blank or the end would read back as a comment: keep dashes apart
        bool dashes = i > from && sql_lex_is_op(&ps->lx, t, "-") && sql_lex_is_op(&ps->lx, &ps->toks[i - 1], "-");
        if (i > from && (t->gap_before || dashes) && dm_buf_putc(out, ' ') != 0)
            return nomem(ps);
        if (offsets)
            offsets[i - from] = out->len;
        if (dm_buf_append(out, ps->lx.src + t->off, t->len) != 0)
            return nomem(ps);
    }
    return 0;
}

static int span_text(parser *ps, size_t from, size_t to, char **out)
{
    dm_buf_reset(&ps->tmp);
    TRY(join_tokens(ps, &ps->tmp, from, to, NULL));
    *out = ddl_strndup(ps->st, ps->tmp.data ? ps->tmp.data : "", ps->tmp.len);
    return *out ? 0 : nomem(ps);
}

// skip_balanced expects '(' and moves past its matching ')'.
static int skip_balanced(parser *ps)
{
    int depth = 0;
    if (!is_o(ps, 0, "("))
        return syntax(ps, "'('");
    do {
        if (at_end(ps))
            return syntax(ps, "')'");
        if (is_o(ps, 0, "(")) {
            if (++depth > DDL_MAX_DEPTH)
                return dm_err_set(ps->err, DDL_ERR_TOO_DEEP, DM_ERR_SCOPE_INTERNAL,
                                  "SQL nests parentheses deeper than %d at offset %zu", DDL_MAX_DEPTH,
                                  tok(ps, 0)->off);
        } else if (is_o(ps, 0, ")")) {
            depth--;
        }
        ps->p++;
    } while (depth > 0);
    return 0;
}

// paren_text reads "( ... )" and stores the text inside the parentheses.
static int paren_text(parser *ps, char **out)
{
    size_t start = ps->p;
    TRY(skip_balanced(ps));
    return span_text(ps, start + 1, ps->p - 1, out);
}

// string_lit reads one or more adjacent string literals (concatenated, as MySQL does).
static int string_lit(parser *ps, char **out)
{
    if (at_end(ps) || tok(ps, 0)->kind != SQL_TOK_STRING)
        return syntax(ps, "a string");
    dm_buf_reset(&ps->tmp);
    while (!at_end(ps) && tok(ps, 0)->kind == SQL_TOK_STRING) {
        if (sql_lex_decode(&ps->tmp, &ps->lx, tok(ps, 0)) != 0)
            return nomem(ps);
        ps->p++;
    }
    *out = ddl_strndup(ps->st, ps->tmp.data ? ps->tmp.data : "", ps->tmp.len);
    return *out ? 0 : nomem(ps);
}

static int number(parser *ps, long long *out)
{
    const sql_token *t = tok(ps, 0);
    long long v = 0;
    if (at_end(ps) || t->kind != SQL_TOK_NUMBER)
        return syntax(ps, "a number");
    for (size_t i = 0; i < t->len; i++) {
        char c = ps->lx.src[t->off + i];
        if (c < '0' || c > '9')
            return syntax(ps, "an integer");
        if (v > (1LL << 53))
            return syntax(ps, "a smaller number");
        v = v * 10 + (c - '0');
    }
    *out = v;
    ps->p++;
    return 0;
}

// value_text reads one value token (number, identifier, string as source text) or a signed
// number and returns its source text.
static int word_value(parser *ps, char **out)
{
    const sql_token *t = tok(ps, 0);
    if (at_end(ps) || t->kind == SQL_TOK_OP || t->kind == SQL_TOK_STRING)
        return syntax(ps, "a value");
    if (t->kind == SQL_TOK_QIDENT)
        TRY(decode(ps, t, out));
    else
        *out = ddl_strndup(ps->st, ps->lx.src + t->off, t->len);
    if (*out == NULL)
        return nomem(ps);
    ps->p++;
    return 0;
}

// ---------------------------------------------------------------------------------------
// Expressions kept as text

// default_value reads the value after DEFAULT / ON UPDATE / SET DEFAULT.
static int default_value(parser *ps, ddl_default_kind *kind, char **text)
{
    size_t start = ps->p;
    const sql_token *t = tok(ps, 0);
    ddl_default_kind k = DDL_DEFAULT_EXPR;
    if (at_end(ps))
        return syntax(ps, "a default value");
    if (is_o(ps, 0, "(")) {
        TRY(skip_balanced(ps));
    } else if (is_o(ps, 0, "-") || is_o(ps, 0, "+")) {
        ps->p++;
        t = tok(ps, 0);
        if (at_end(ps) || (t->kind != SQL_TOK_NUMBER && t->kind != SQL_TOK_HEX && t->kind != SQL_TOK_BIT))
            return syntax(ps, "a number");
        ps->p++;
        k = DDL_DEFAULT_LITERAL;
    } else if (t->kind == SQL_TOK_STRING) {
        while (!at_end(ps) && tok(ps, 0)->kind == SQL_TOK_STRING)
            ps->p++;
        k = DDL_DEFAULT_LITERAL;
    } else if (t->kind == SQL_TOK_NUMBER || t->kind == SQL_TOK_HEX || t->kind == SQL_TOK_BIT) {
        ps->p++;
        k = DDL_DEFAULT_LITERAL;
    } else if (is_w(ps, 0, "NULL")) {
        ps->p++;
        k = DDL_DEFAULT_NULL;
    } else if (is_w(ps, 0, "TRUE") || is_w(ps, 0, "FALSE")) {
        ps->p++;
        k = DDL_DEFAULT_LITERAL;
    } else if ((is_w(ps, 0, "DATE") || is_w(ps, 0, "TIME") || is_w(ps, 0, "TIMESTAMP")) &&
               tok(ps, 1)->kind == SQL_TOK_STRING && ps->p + 1 < ps->end) {
        ps->p += 2;
        k = DDL_DEFAULT_LITERAL;
    } else if (accept3(ps, "NEXT", "VALUE", "FOR") || accept3(ps, "PREVIOUS", "VALUE", "FOR")) {
        ddl_name seq;
        TRY(qname(ps, &seq));
    } else if (t->kind == SQL_TOK_IDENT || t->kind == SQL_TOK_QIDENT || t->kind == SQL_TOK_VAR) {
        ps->p++;
        if (is_o(ps, 0, ".") && ps->p + 1 < ps->end)
            ps->p += 2;
        if (is_o(ps, 0, "("))
            TRY(skip_balanced(ps));
    } else {
        return syntax(ps, "a default value");
    }
    *kind = k;
    return span_text(ps, start, ps->p, text);
}

// ---------------------------------------------------------------------------------------
// Types

typedef struct type_word {
    const char *w;
    ddl_type_id id;
} type_word;

static const type_word type_words[] = {
    {"TINYINT", DDL_TYPE_TINYINT}, {"INT1", DDL_TYPE_TINYINT}, {"SMALLINT", DDL_TYPE_SMALLINT},
    {"INT2", DDL_TYPE_SMALLINT}, {"MEDIUMINT", DDL_TYPE_MEDIUMINT}, {"INT3", DDL_TYPE_MEDIUMINT},
    {"MIDDLEINT", DDL_TYPE_MEDIUMINT}, {"INT", DDL_TYPE_INT}, {"INTEGER", DDL_TYPE_INT},
    {"INT4", DDL_TYPE_INT}, {"BIGINT", DDL_TYPE_BIGINT}, {"INT8", DDL_TYPE_BIGINT},
    {"DECIMAL", DDL_TYPE_DECIMAL}, {"DEC", DDL_TYPE_DECIMAL}, {"NUMERIC", DDL_TYPE_DECIMAL},
    {"FIXED", DDL_TYPE_DECIMAL}, {"FLOAT", DDL_TYPE_FLOAT}, {"FLOAT4", DDL_TYPE_FLOAT},
    {"DOUBLE", DDL_TYPE_DOUBLE}, {"FLOAT8", DDL_TYPE_DOUBLE}, {"REAL", DDL_TYPE_DOUBLE},
    {"BIT", DDL_TYPE_BIT}, {"DATE", DDL_TYPE_DATE}, {"TIME", DDL_TYPE_TIME},
    {"DATETIME", DDL_TYPE_DATETIME}, {"TIMESTAMP", DDL_TYPE_TIMESTAMP}, {"YEAR", DDL_TYPE_YEAR},
    {"CHAR", DDL_TYPE_CHAR}, {"CHARACTER", DDL_TYPE_CHAR}, {"VARCHAR", DDL_TYPE_VARCHAR},
    {"VARCHARACTER", DDL_TYPE_VARCHAR}, {"BINARY", DDL_TYPE_BINARY}, {"VARBINARY", DDL_TYPE_VARBINARY},
    {"TINYBLOB", DDL_TYPE_TINYBLOB}, {"BLOB", DDL_TYPE_BLOB}, {"MEDIUMBLOB", DDL_TYPE_MEDIUMBLOB},
    {"LONGBLOB", DDL_TYPE_LONGBLOB}, {"TINYTEXT", DDL_TYPE_TINYTEXT}, {"TEXT", DDL_TYPE_TEXT},
    {"MEDIUMTEXT", DDL_TYPE_MEDIUMTEXT}, {"LONGTEXT", DDL_TYPE_LONGTEXT}, {"ENUM", DDL_TYPE_ENUM},
    {"SET", DDL_TYPE_SET}, {"JSON", DDL_TYPE_JSON}, {"GEOMETRY", DDL_TYPE_GEOMETRY},
    {"POINT", DDL_TYPE_POINT}, {"LINESTRING", DDL_TYPE_LINESTRING}, {"POLYGON", DDL_TYPE_POLYGON},
    {"MULTIPOINT", DDL_TYPE_MULTIPOINT}, {"MULTILINESTRING", DDL_TYPE_MULTILINESTRING},
    {"MULTIPOLYGON", DDL_TYPE_MULTIPOLYGON}, {"GEOMETRYCOLLECTION", DDL_TYPE_GEOMETRYCOLLECTION},
    {"GEOMCOLLECTION", DDL_TYPE_GEOMETRYCOLLECTION}, {"INET4", DDL_TYPE_INET4},
    {"INET6", DDL_TYPE_INET6}, {"UUID", DDL_TYPE_UUID}, {NULL, DDL_TYPE_NONE}};

static bool is_char_type(ddl_type_id id)
{
    return id == DDL_TYPE_CHAR || id == DDL_TYPE_VARCHAR || id == DDL_TYPE_TINYTEXT || id == DDL_TYPE_TEXT ||
           id == DDL_TYPE_MEDIUMTEXT || id == DDL_TYPE_LONGTEXT || id == DDL_TYPE_ENUM || id == DDL_TYPE_SET;
}

static int charset_name(parser *ps, char **out)
{
    TRY(ident_or_string(ps, out));
    return lower_inplace(*out);
}

// type_charset reads CHARACTER SET / CHARSET / CHAR SET x, ASCII, UNICODE, BINARY, BYTE,
// COLLATE x modifiers; returns 1 when one was read, 0 when none.
static int type_modifier(parser *ps, ddl_type *ty, int *got)
{
    *got = 1;
    if (accept2(ps, "CHARACTER", "SET") || accept2(ps, "CHAR", "SET") || accept(ps, "CHARSET"))
        return charset_name(ps, &ty->charset);
    if (accept(ps, "ASCII")) {
        ty->charset = ddl_strndup(ps->st, "latin1", 6);
        return ty->charset ? 0 : nomem(ps);
    }
    if (accept(ps, "UNICODE")) {
        ty->charset = ddl_strndup(ps->st, "ucs2", 4);
        return ty->charset ? 0 : nomem(ps);
    }
    if (is_char_type(ty->id) && (accept(ps, "BINARY") || accept(ps, "BYTE"))) {
        ty->binary = true;
        return 0;
    }
    if (accept(ps, "COLLATE"))
        return charset_name(ps, &ty->collate);
    if (accept(ps, "UNSIGNED")) {
        ty->is_unsigned = true;
        return 0;
    }
    if (accept(ps, "SIGNED"))
        return 0;
    if (accept(ps, "ZEROFILL")) {
        ty->zerofill = true;
        return 0;
    }
    *got = 0;
    return 0;
}

static int set_charset(parser *ps, ddl_type *ty, const char *cs)
{
    ty->charset = ddl_strndup(ps->st, cs, strlen(cs));
    return ty->charset ? 0 : nomem(ps);
}

// column_type reads a data type. serial is set for SERIAL.
static int column_type(parser *ps, ddl_type *ty, bool *serial)
{
    const sql_token *t = tok(ps, 0);
    int got;
    ty->length = -1;
    ty->scale = -1;
    *serial = false;
    if (at_end(ps) || t->kind != SQL_TOK_IDENT)
        return syntax(ps, "a data type");
    if (accept(ps, "SERIAL")) {
        ty->id = DDL_TYPE_BIGINT;
        ty->is_unsigned = true;
        *serial = true;
        return 0;
    } else if (accept(ps, "BOOL") || accept(ps, "BOOLEAN")) {
        ty->id = DDL_TYPE_TINYINT;
        ty->length = 1;
        return 0;
    } else if (accept2(ps, "DOUBLE", "PRECISION")) {
        ty->id = DDL_TYPE_DOUBLE;
    } else if (accept2(ps, "CHAR", "VARYING") || accept2(ps, "CHARACTER", "VARYING")) {
        ty->id = DDL_TYPE_VARCHAR;
    } else if (accept(ps, "NATIONAL")) {
        if (accept2(ps, "CHAR", "VARYING") || accept2(ps, "CHARACTER", "VARYING") || accept(ps, "VARCHAR") ||
            accept(ps, "VARCHARACTER"))
            ty->id = DDL_TYPE_VARCHAR;
        else if (accept(ps, "CHAR") || accept(ps, "CHARACTER"))
            ty->id = DDL_TYPE_CHAR;
        else
            return syntax(ps, "CHAR or VARCHAR after NATIONAL");
        TRY(set_charset(ps, ty, "utf8"));
    } else if (accept(ps, "NCHAR")) {
        ty->id = (accept(ps, "VARCHAR") || accept(ps, "VARYING") || accept(ps, "VARCHARACTER")) ? DDL_TYPE_VARCHAR
                                                                                              : DDL_TYPE_CHAR;
        TRY(set_charset(ps, ty, "utf8"));
    } else if (accept(ps, "NVARCHAR")) {
        ty->id = DDL_TYPE_VARCHAR;
        TRY(set_charset(ps, ty, "utf8"));
    } else if (accept(ps, "LONG")) {
        if (accept(ps, "VARBINARY")) {
            ty->id = DDL_TYPE_MEDIUMBLOB;
        } else {
            if (!accept(ps, "VARCHAR"))
                (void)accept2(ps, "CHAR", "VARYING");
            ty->id = DDL_TYPE_MEDIUMTEXT;
        }
    } else {
        for (int i = 0; type_words[i].w; i++) {
            if (accept(ps, type_words[i].w)) {
                ty->id = type_words[i].id;
                break;
            }
        }
        if (ty->id == DDL_TYPE_NONE)
            return syntax(ps, "a data type");
    }
    if (ty->id == DDL_TYPE_ENUM || ty->id == DDL_TYPE_SET) {
        size_t cap = 0;
        TRY(expect_op(ps, "("));
        do {
            TRY(PUSH(ps, ty->values, ty->n_values, cap));
            TRY(string_lit(ps, &ty->values[ty->n_values]));
            ty->n_values++;
        } while (accept_op(ps, ","));
        TRY(expect_op(ps, ")"));
    } else if (accept_op(ps, "(")) {
        TRY(number(ps, &ty->length));
        if (accept_op(ps, ","))
            TRY(number(ps, &ty->scale));
        TRY(expect_op(ps, ")"));
    }
    do {
        TRY(type_modifier(ps, ty, &got));
    } while (got);
    return 0;
}

// ---------------------------------------------------------------------------------------
// References, key parts, constraints

// Closed sets of words stored as their canonical upper-case spelling.
static const char *const column_formats[] = {"FIXED", "DYNAMIC", "COMPRESSED", "DEFAULT", NULL};
static const char *const storages[] = {"DISK", "MEMORY", "DEFAULT", NULL};
static const char *const matches[] = {"FULL", "PARTIAL", "SIMPLE", NULL};
static const char *const index_types[] = {"BTREE", "HASH", "RTREE", NULL};

// one_of accepts one of words (NULL-terminated) and stores the static word in *out.
static int one_of(parser *ps, const char *const *words, char **out)
{
    char expected[128] = "";
    for (size_t i = 0; words[i]; i++) {
        if (accept(ps, words[i])) {
            *out = (char *)words[i];
            return 0;
        }
        snprintf(expected + strlen(expected), sizeof(expected) - strlen(expected), "%s%s", i ? " or " : "",
                 words[i]);
    }
    return syntax(ps, expected);
}

static int ref_action(parser *ps, ddl_ref_action *out)
{
    if (accept(ps, "RESTRICT"))
        *out = DDL_REF_RESTRICT;
    else if (accept(ps, "CASCADE"))
        *out = DDL_REF_CASCADE;
    else if (accept2(ps, "SET", "NULL"))
        *out = DDL_REF_SET_NULL;
    else if (accept2(ps, "NO", "ACTION"))
        *out = DDL_REF_NO_ACTION;
    else if (accept2(ps, "SET", "DEFAULT"))
        *out = DDL_REF_SET_DEFAULT;
    else
        return syntax(ps, "RESTRICT, CASCADE, SET NULL, NO ACTION or SET DEFAULT");
    return 0;
}

static int ident_list(parser *ps, char ***arr, size_t *n)
{
    size_t cap = 0;
    TRY(expect_op(ps, "("));
    do {
        TRY(PUSH(ps, *arr, *n, cap));
        TRY(ident(ps, &(*arr)[*n]));
        (*n)++;
    } while (accept_op(ps, ","));
    return expect_op(ps, ")");
}

static int reference(parser *ps, ddl_reference **out)
{
    ddl_reference *r = ddl_alloc(ps->st, sizeof(*r));
    if (r == NULL)
        return nomem(ps);
    TRY(expect(ps, "REFERENCES"));
    TRY(qname(ps, &r->table));
    if (is_o(ps, 0, "("))
        TRY(ident_list(ps, &r->columns, &r->n_columns));
    for (;;) {
        if (accept(ps, "MATCH")) {
            TRY(one_of(ps, matches, &r->match));
        } else if (accept2(ps, "ON", "DELETE")) {
            TRY(ref_action(ps, &r->on_delete));
        } else if (accept2(ps, "ON", "UPDATE")) {
            TRY(ref_action(ps, &r->on_update));
        } else {
            break;
        }
    }
    *out = r;
    return 0;
}

static int key_parts(parser *ps, ddl_constraint *c)
{
    size_t cap = 0;
    TRY(expect_op(ps, "("));
    do {
        ddl_key_part *kp;
        TRY(PUSH(ps, c->parts, c->n_parts, cap));
        kp = &c->parts[c->n_parts++];
        kp->length = -1;
        if (is_o(ps, 0, "(")) {
            TRY(paren_text(ps, &kp->expr));
        } else {
            TRY(ident(ps, &kp->column));
            if (accept_op(ps, "(")) {
                TRY(number(ps, &kp->length));
                TRY(expect_op(ps, ")"));
            }
        }
        if (accept(ps, "ASC"))
            kp->order = 1;
        else if (accept(ps, "DESC"))
            kp->order = 2;
    } while (accept_op(ps, ","));
    return expect_op(ps, ")");
}

static int index_type(parser *ps, char **out)
{
    return one_of(ps, index_types, out);
}

// index_options reads index options after the key parts.
static int index_options(parser *ps, ddl_constraint *c)
{
    for (;;) {
        if (accept(ps, "KEY_BLOCK_SIZE")) {
            (void)accept_op(ps, "=");
            TRY(word_value(ps, &c->key_block_size));
        } else if (accept(ps, "USING")) {
            TRY(index_type(ps, &c->using_type));
        } else if (accept2(ps, "WITH", "PARSER")) {
            TRY(ident(ps, &c->parser));
        } else if (accept(ps, "COMMENT")) {
            TRY(string_lit(ps, &c->comment));
        } else if (accept(ps, "VISIBLE")) {
            c->visibility = 1;
        } else if (accept(ps, "INVISIBLE")) {
            c->visibility = 2;
        } else if (accept(ps, "IGNORED")) {
            c->visibility = 3;
        } else if (accept2(ps, "NOT", "IGNORED")) {
            c->visibility = 4;
        } else {
            return 0;
        }
    }
}

static bool is_constraint_start(const parser *ps)
{
    return is_w(ps, 0, "CONSTRAINT") || is_w(ps, 0, "PRIMARY") || is_w(ps, 0, "UNIQUE") ||
           is_w(ps, 0, "KEY") || is_w(ps, 0, "INDEX") || is_w(ps, 0, "FULLTEXT") || is_w(ps, 0, "SPATIAL") ||
           is_w(ps, 0, "FOREIGN") || is_w(ps, 0, "CHECK");
}

static int check_tail(parser *ps, int *enforced)
{
    *enforced = -1;
    if (accept(ps, "ENFORCED"))
        *enforced = 1;
    else if (accept2(ps, "NOT", "ENFORCED"))
        *enforced = 0;
    return 0;
}

// constraint reads a table constraint or index definition.
static int constraint(parser *ps, ddl_constraint *c)
{
    if (accept(ps, "CONSTRAINT")) {
        if (!is_w(ps, 0, "PRIMARY") && !is_w(ps, 0, "UNIQUE") && !is_w(ps, 0, "FOREIGN") &&
            !is_w(ps, 0, "CHECK"))
            TRY(ident(ps, &c->symbol));
        if (!is_w(ps, 0, "PRIMARY") && !is_w(ps, 0, "UNIQUE") && !is_w(ps, 0, "FOREIGN") &&
            !is_w(ps, 0, "CHECK"))
            return syntax(ps, "PRIMARY KEY, UNIQUE, FOREIGN KEY or CHECK after CONSTRAINT");
    }
    if (accept(ps, "CHECK")) {
        c->kind = DDL_CONSTRAINT_CHECK;
        TRY(paren_text(ps, &c->check_expr));
        return check_tail(ps, &c->enforced);
    }
    c->enforced = -1;
    if (accept(ps, "PRIMARY")) {
        TRY(expect(ps, "KEY"));
        c->kind = DDL_CONSTRAINT_PRIMARY;
        // MySQL accepts (and ignores) an index name after PRIMARY KEY
        if (is_name_start(ps) && !is_w(ps, 0, "USING"))
            TRY(ident(ps, &c->index_name));
    } else if (accept(ps, "FOREIGN")) {
        TRY(expect(ps, "KEY"));
        c->kind = DDL_CONSTRAINT_FOREIGN;
        if (accept3(ps, "IF", "NOT", "EXISTS"))
            c->if_not_exists = true;
        if (is_name_start(ps))
            TRY(ident(ps, &c->index_name));
        {
            char **cols = NULL;
            size_t n = 0;
            TRY(ident_list(ps, &cols, &n));
            c->parts = ddl_alloc(ps->st, (n ? n : 1) * sizeof(*c->parts));
            if (c->parts == NULL)
                return nomem(ps);
            for (size_t i = 0; i < n; i++) {
                c->parts[i].column = cols[i];
                c->parts[i].length = -1;
            }
            c->n_parts = n;
        }
        return reference(ps, &c->reference);
    } else {
        if (accept(ps, "UNIQUE"))
            c->kind = DDL_CONSTRAINT_UNIQUE;
        else if (accept(ps, "FULLTEXT"))
            c->kind = DDL_CONSTRAINT_FULLTEXT;
        else if (accept(ps, "SPATIAL"))
            c->kind = DDL_CONSTRAINT_SPATIAL;
        else if (is_w(ps, 0, "KEY") || is_w(ps, 0, "INDEX"))
            c->kind = DDL_CONSTRAINT_INDEX;
        else
            return syntax(ps, "an index or constraint");
        if (!accept(ps, "KEY"))
            (void)accept(ps, "INDEX");
        if (accept3(ps, "IF", "NOT", "EXISTS"))
            c->if_not_exists = true;
        if (is_name_start(ps) && !is_w(ps, 0, "USING"))
            TRY(ident(ps, &c->index_name));
    }
    if (accept(ps, "USING"))
        TRY(index_type(ps, &c->using_type));
    TRY(key_parts(ps, c));
    return index_options(ps, c);
}

// ---------------------------------------------------------------------------------------
// Columns

static bool column_end(const parser *ps)
{
    return at_end(ps) || is_o(ps, 0, ",") || is_o(ps, 0, ")") || is_w(ps, 0, "FIRST") ||
           is_w(ps, 0, "AFTER");
}

static int column_def(parser *ps, ddl_column *col)
{
    bool serial;
    size_t cap_checks = 0;
    TRY(ident(ps, &col->name));
    TRY(column_type(ps, &col->type, &serial));
    if (serial) {
        col->nullability = DDL_NULL_NOT_NULL;
        col->auto_increment = true;
        col->unique_key = true;
    }
    while (!column_end(ps)) {
        int got;
        TRY(type_modifier(ps, &col->type, &got));
        if (got)
            continue;
        if (accept2(ps, "NOT", "NULL")) {
            col->nullability = DDL_NULL_NOT_NULL;
        } else if (accept(ps, "NULL")) {
            col->nullability = DDL_NULL_NULL;
        } else if (accept(ps, "DEFAULT")) {
            TRY(default_value(ps, &col->default_kind, &col->default_value));
        } else if (accept2(ps, "ON", "UPDATE")) {
            ddl_default_kind k;
            TRY(default_value(ps, &k, &col->on_update));
        } else if (accept(ps, "AUTO_INCREMENT")) {
            col->auto_increment = true;
        } else if (accept3(ps, "SERIAL", "DEFAULT", "VALUE")) {
            col->nullability = DDL_NULL_NOT_NULL;
            col->auto_increment = true;
            col->unique_key = true;
        } else if (accept(ps, "UNIQUE")) {
            (void)accept(ps, "KEY");
            col->unique_key = true;
        } else if (accept2(ps, "PRIMARY", "KEY") || accept(ps, "KEY")) {
            col->primary_key = true;
        } else if (accept(ps, "COMMENT")) {
            TRY(string_lit(ps, &col->comment));
        } else if (is_w(ps, 0, "GENERATED") || is_w(ps, 0, "AS")) {
            if (accept(ps, "GENERATED"))
                TRY(expect(ps, "ALWAYS"));
            TRY(expect(ps, "AS"));
            TRY(paren_text(ps, &col->generated_expr));
            col->generated = DDL_GENERATED_VIRTUAL;
            if (accept(ps, "STORED") || accept(ps, "PERSISTENT"))
                col->generated = DDL_GENERATED_STORED;
            else
                (void)accept(ps, "VIRTUAL");
        } else if (accept(ps, "INVISIBLE")) {
            col->invisible = true;
        } else if (accept(ps, "VISIBLE")) {
            col->invisible = false;
        } else if (is_w(ps, 0, "CHECK") || is_w(ps, 0, "CONSTRAINT")) {
            ddl_check *ck;
            TRY(PUSH(ps, col->checks, col->n_checks, cap_checks));
            ck = &col->checks[col->n_checks++];
            if (accept(ps, "CONSTRAINT") && !is_w(ps, 0, "CHECK"))
                TRY(ident(ps, &ck->name));
            TRY(expect(ps, "CHECK"));
            TRY(paren_text(ps, &ck->expr));
            TRY(check_tail(ps, &ck->enforced));
        } else if (is_w(ps, 0, "REFERENCES")) {
            TRY(reference(ps, &col->reference));
        } else if (accept(ps, "COLUMN_FORMAT")) {
            TRY(one_of(ps, column_formats, &col->column_format));
        } else if (accept(ps, "STORAGE")) {
            TRY(one_of(ps, storages, &col->storage));
        } else if (accept(ps, "SRID")) {
            TRY(word_value(ps, &col->srid));
        } else if (accept(ps, "COMPRESSED")) {
            col->compressed = true;
            if (accept_op(ps, "="))
                TRY(expect(ps, "ZLIB"));
        } else {
            return syntax(ps, "a column attribute");
        }
    }
    return 0;
}

static int position(parser *ps, ddl_alter_spec *sp)
{
    if (accept(ps, "FIRST")) {
        sp->position = DDL_POS_FIRST;
    } else if (accept(ps, "AFTER")) {
        sp->position = DDL_POS_AFTER;
        TRY(ident(ps, &sp->after));
    }
    return 0;
}

// ---------------------------------------------------------------------------------------
// Table options

static bool partition_op(const parser *ps, ddl_partition_op *op);

static bool options_end(const parser *ps, bool alter)
{
    ddl_partition_op op;
    return at_end(ps) || (alter && is_o(ps, 0, ",")) || partition_op(ps, &op) || is_w(ps, 0, "PARTITION") || is_w(ps, 0, "AS") ||
           is_w(ps, 0, "SELECT") || is_w(ps, 0, "IGNORE") || is_w(ps, 0, "REPLACE") || is_o(ps, 0, "(") ||
           is_w(ps, 0, "WITH") || is_w(ps, 0, "VALUES") || is_w(ps, 0, "TABLE");
}

// Words that start other clauses where an option may stand: never option names, and not
// even when back-quoted (a printed option name is not quoted and would read as the clause).
static const char *const never_options[] = {"WAIT", "NOWAIT", NULL};
static const char *const quoted_not_options[] = {"CHARSET", "ALGORITHM", "FORCE", "ENABLE", "DISABLE", "DISCARD",
                                                 "IMPORT", "WITHOUT", "MODIFY", "REMOVE", "PARTITIONS", NULL};

static bool is_listed(const char *const *list, const char *w)
{
    for (; *list; list++)
        if (strcmp(*list, w) == 0)
            return true;
    return false;
}

// one_option reads one `name [=] value` table/database option.
static int one_option(parser *ps, ddl_option *o)
{
    const sql_token *t;
    if (accept(ps, "DEFAULT"))
        o->with_default = true;
    if (accept2(ps, "CHARACTER", "SET") || accept2(ps, "CHAR", "SET") || accept(ps, "CHARSET")) {
        o->name = "CHARACTER SET";
    } else if (accept(ps, "COLLATE")) {
        o->name = "COLLATE";
    } else if (accept2(ps, "DATA", "DIRECTORY")) {
        o->name = "DATA DIRECTORY";
    } else if (accept2(ps, "INDEX", "DIRECTORY")) {
        o->name = "INDEX DIRECTORY";
    } else if (accept(ps, "UNION")) {
        size_t start;
        o->name = "UNION";
        (void)accept_op(ps, "=");
        start = ps->p;
        TRY(skip_balanced(ps));
        return span_text(ps, start, ps->p, &o->value);
    } else {
        t = tok(ps, 0);
        if (at_end(ps) || (t->kind != SQL_TOK_IDENT && t->kind != SQL_TOK_QIDENT) ||
            (t->kind == SQL_TOK_IDENT && is_reserved(ps, t)))
            return syntax(ps, "a table option");
        // MariaDB's SHOW CREATE TABLE back-quotes engine-defined options: `PAGE_COMPRESSED`='1'
        if (t->kind == SQL_TOK_QIDENT) {
            TRY(decode(ps, t, &o->name));
            for (char *c = o->name; *c; c++)
                *c = (char)toupper((unsigned char)*c);
            // quoting does not turn a keyword into an option name
            if (ddl_is_reserved_word(o->name) || is_listed(quoted_not_options, o->name))
                return syntax(ps, "a table option");
        } else {
            o->name = upper_dup(ps, ps->lx.src + t->off, t->len);
        }
        if (o->name && is_listed(never_options, o->name))
            return syntax(ps, "a table option");
        ps->p++;
    }
    if (o->name == NULL)
        return nomem(ps);
    (void)accept_op(ps, "=");
    t = tok(ps, 0);
    if (!at_end(ps) && t->kind == SQL_TOK_STRING) {
        o->quoted = true;
        return string_lit(ps, &o->value);
    }
    TRY(word_value(ps, &o->value));
    if (strcmp(o->name, "CHARACTER SET") == 0 || strcmp(o->name, "COLLATE") == 0)
        lower_inplace(o->value);
    if (strcasecmp(o->value, "default") == 0 && !(t->kind == SQL_TOK_QIDENT))
        memcpy(o->value, "DEFAULT", 7);
    return 0;
}

// table_options reads options until the end of the list; commas separate them in CREATE,
// end them in ALTER.
static int table_options(parser *ps, ddl_option **arr, size_t *n, bool alter)
{
    size_t cap = 0;
    for (;;) {
        bool versioning = is_w(ps, 0, "WITH") && is_w(ps, 1, "SYSTEM");
        if (!versioning && options_end(ps, alter))
            break;
        TRY(PUSH(ps, *arr, *n, cap));
        if (versioning) {
            // MariaDB system-versioned tables: an option without a value
            ps->p += 2;
            TRY(expect(ps, "VERSIONING"));
            (*arr)[(*n)++].name = "WITH SYSTEM VERSIONING";
            continue;
        }
        TRY(one_option(ps, &(*arr)[*n]));
        (*n)++;
        if (!alter)
            (void)accept_op(ps, ",");
    }
    return 0;
}

// ---------------------------------------------------------------------------------------
// CREATE TABLE

static int rest_text(parser *ps, char **out)
{
    size_t start = ps->p;
    ps->p = ps->end;
    return span_text(ps, start, ps->end, out);
}

static int create_table(parser *ps, ddl_create_table *ct)
{
    size_t cap_cols = 0, cap_cons = 0;
    if (accept3(ps, "IF", "NOT", "EXISTS"))
        ct->if_not_exists = true;
    TRY(qname(ps, &ct->table));
    if (accept(ps, "LIKE")) {
        ct->has_like = true;
        return qname(ps, &ct->like);
    }
    if (is_o(ps, 0, "(") && is_w(ps, 1, "LIKE")) {
        ps->p += 2;
        ct->has_like = true;
        TRY(qname(ps, &ct->like));
        return expect_op(ps, ")");
    }
    if (is_o(ps, 0, "(") && !is_w(ps, 1, "SELECT") && !is_w(ps, 1, "WITH") && !is_o(ps, 1, "(")) {
        ps->p++;
        do {
            if (is_constraint_start(ps)) {
                TRY(PUSH(ps, ct->constraints, ct->n_constraints, cap_cons));
                TRY(constraint(ps, &ct->constraints[ct->n_constraints++]));
            } else {
                TRY(PUSH(ps, ct->columns, ct->n_columns, cap_cols));
                TRY(column_def(ps, &ct->columns[ct->n_columns++]));
            }
        } while (accept_op(ps, ","));
        TRY(expect_op(ps, ")"));
    }
    TRY(table_options(ps, &ct->options, &ct->n_options, false));
    if (is_w(ps, 0, "PARTITION")) {
        size_t start = ps->p;
        // the partition clause runs up to an AS SELECT / SELECT at depth 0, or the end
        while (!at_end(ps) && !is_w(ps, 0, "AS") && !is_w(ps, 0, "SELECT") && !is_w(ps, 0, "IGNORE") &&
               !is_w(ps, 0, "REPLACE")) {
            if (is_o(ps, 0, "("))
                TRY(skip_balanced(ps));
            else
                ps->p++;
        }
        TRY(span_text(ps, start, ps->p, &ct->partition));
    }
    if (!at_end(ps)) {
        if (!is_w(ps, 0, "AS") && !is_w(ps, 0, "SELECT") && !is_w(ps, 0, "IGNORE") && !is_w(ps, 0, "REPLACE") &&
            !is_o(ps, 0, "(") && !is_w(ps, 0, "WITH") && !is_w(ps, 0, "VALUES") && !is_w(ps, 0, "TABLE"))
            return syntax(ps, "a table option, PARTITION BY or SELECT");
        TRY(rest_text(ps, &ct->select));
    }
    if (ct->n_columns == 0 && ct->n_constraints == 0 && ct->select == NULL)
        return syntax(ps, "a column list, LIKE or SELECT");
    return 0;
}

// ---------------------------------------------------------------------------------------
// ALTER TABLE

static const struct {
    const char *w;
    ddl_partition_op op;
} part_ops[] = {
    {"ADD", DDL_PART_ADD}, {"DROP", DDL_PART_DROP}, {"TRUNCATE", DDL_PART_TRUNCATE},
    {"COALESCE", DDL_PART_COALESCE}, {"REORGANIZE", DDL_PART_REORGANIZE},
    {"EXCHANGE", DDL_PART_EXCHANGE}, {"ANALYZE", DDL_PART_ANALYZE}, {"CHECK", DDL_PART_CHECK},
    {"OPTIMIZE", DDL_PART_OPTIMIZE}, {"REBUILD", DDL_PART_REBUILD}, {"REPAIR", DDL_PART_REPAIR},
    {"DISCARD", DDL_PART_DISCARD}, {"IMPORT", DDL_PART_IMPORT}, {"CONVERT", DDL_PART_CONVERT},
    {NULL, DDL_PART_OTHER}};

// partition_op recognises a partition operation at the current token.
static bool partition_op(const parser *ps, ddl_partition_op *op)
{
    if (is_w(ps, 0, "PARTITION") && is_w(ps, 1, "BY")) {
        *op = DDL_PART_BY;
        return true;
    }
    if (is_w(ps, 0, "REMOVE") && is_w(ps, 1, "PARTITIONING")) {
        *op = DDL_PART_REMOVE;
        return true;
    }
    for (int i = 0; part_ops[i].w; i++) {
        if (is_w(ps, 0, part_ops[i].w) && (is_w(ps, 1, "PARTITION") || (part_ops[i].op == DDL_PART_CONVERT &&
                                                                          is_w(ps, 1, "TABLE")))) {
            *op = part_ops[i].op;
            return true;
        }
    }
    if (is_w(ps, 0, "PARTITIONS")) {
        *op = DDL_PART_OTHER;
        return true;
    }
    return false;
}

static int alter_add(parser *ps, ddl_alter_spec *sp)
{
    size_t cap = 0;
    if (is_constraint_start(ps)) {
        sp->kind = DDL_ALTER_ADD_CONSTRAINT;
        sp->constraint = ddl_alloc(ps->st, sizeof(*sp->constraint));
        if (sp->constraint == NULL)
            return nomem(ps);
        return constraint(ps, sp->constraint);
    }
    sp->kind = DDL_ALTER_ADD_COLUMN;
    if (accept(ps, "COLUMN"))
        sp->column_keyword = true;
    if (accept3(ps, "IF", "NOT", "EXISTS"))
        sp->if_not_exists = true;
    if (accept_op(ps, "(")) {
        do {
            TRY(PUSH(ps, sp->columns, sp->n_columns, cap));
            TRY(column_def(ps, &sp->columns[sp->n_columns++]));
        } while (accept_op(ps, ","));
        return expect_op(ps, ")");
    }
    TRY(PUSH(ps, sp->columns, sp->n_columns, cap));
    TRY(column_def(ps, &sp->columns[sp->n_columns++]));
    return position(ps, sp);
}

static int if_exists(parser *ps, ddl_alter_spec *sp)
{
    if (accept2(ps, "IF", "EXISTS"))
        sp->if_exists = true;
    return 0;
}

static int drop_behavior(parser *ps, char **out)
{
    if (accept(ps, "RESTRICT"))
        *out = "RESTRICT";
    else if (accept(ps, "CASCADE"))
        *out = "CASCADE";
    return 0;
}

static int alter_drop(parser *ps, ddl_alter_spec *sp)
{
    if (accept2(ps, "PRIMARY", "KEY")) {
        sp->kind = DDL_ALTER_DROP_PRIMARY_KEY;
        return 0;
    }
    if (accept(ps, "INDEX") || accept(ps, "KEY")) {
        sp->kind = DDL_ALTER_DROP_INDEX;
    } else if (accept2(ps, "FOREIGN", "KEY")) {
        sp->kind = DDL_ALTER_DROP_FOREIGN_KEY;
    } else if (accept(ps, "CONSTRAINT")) {
        sp->kind = DDL_ALTER_DROP_CONSTRAINT;
    } else if (accept(ps, "CHECK")) {
        sp->kind = DDL_ALTER_DROP_CHECK;
    } else {
        sp->kind = DDL_ALTER_DROP_COLUMN;
        if (accept(ps, "COLUMN"))
            sp->column_keyword = true;
    }
    TRY(if_exists(ps, sp));
    TRY(ident(ps, &sp->name));
    if (sp->kind == DDL_ALTER_DROP_COLUMN || sp->kind == DDL_ALTER_DROP_CONSTRAINT)
        TRY(drop_behavior(ps, &sp->behavior));
    return 0;
}

// Specifications made of fixed words: {first word, second word or NULL, kind, value}.
typedef struct fixed_word_spec {
    const char *w1, *w2;
    ddl_alter_kind kind;
    const char *value;
} fixed_word_spec;

static const fixed_word_spec column_tails[] = {
    {"DROP", "DEFAULT", DDL_ALTER_DROP_DEFAULT, NULL},
    {"SET", "VISIBLE", DDL_ALTER_COLUMN_VISIBILITY, "VISIBLE"},
    {"SET", "INVISIBLE", DDL_ALTER_COLUMN_VISIBILITY, "INVISIBLE"},
    {NULL, NULL, 0, NULL}};

static const fixed_word_spec fixed_specs[] = {
    {"FORCE", NULL, DDL_ALTER_FORCE, NULL},
    {"ENABLE", "KEYS", DDL_ALTER_ENABLE_KEYS, NULL},
    {"DISABLE", "KEYS", DDL_ALTER_DISABLE_KEYS, NULL},
    {"DISCARD", "TABLESPACE", DDL_ALTER_DISCARD_TABLESPACE, NULL},
    {"IMPORT", "TABLESPACE", DDL_ALTER_IMPORT_TABLESPACE, NULL},
    {"WITH", "VALIDATION", DDL_ALTER_VALIDATION, "WITH"},
    {"WITHOUT", "VALIDATION", DDL_ALTER_VALIDATION, "WITHOUT"},
    {NULL, NULL, 0, NULL}};

// fixed_spec accepts one of the fixed-word specifications of table t.
static bool fixed_spec(parser *ps, ddl_alter_spec *sp, const fixed_word_spec *t)
{
    for (; t->w1; t++) {
        if (t->w2 ? accept2(ps, t->w1, t->w2) : accept(ps, t->w1)) {
            sp->kind = t->kind;
            sp->value = (char *)t->value;
            return true;
        }
    }
    return false;
}

static int alter_alter(parser *ps, ddl_alter_spec *sp)
{
    if (accept(ps, "INDEX") || accept(ps, "KEY")) {
        sp->kind = DDL_ALTER_INDEX_VISIBILITY;
        TRY(ident(ps, &sp->name));
        if (accept(ps, "VISIBLE"))
            sp->value = "VISIBLE";
        else if (accept(ps, "INVISIBLE"))
            sp->value = "INVISIBLE";
        else if (accept(ps, "IGNORED"))
            sp->value = "IGNORED";
        else if (accept2(ps, "NOT", "IGNORED"))
            sp->value = "NOT IGNORED";
        else
            return syntax(ps, "VISIBLE, INVISIBLE, IGNORED or NOT IGNORED");
        return 0;
    }
    if (accept(ps, "COLUMN"))
        sp->column_keyword = true;
    TRY(if_exists(ps, sp));
    TRY(ident(ps, &sp->name));
    if (accept2(ps, "SET", "DEFAULT")) {
        ddl_default_kind k;
        sp->kind = DDL_ALTER_SET_DEFAULT;
        return default_value(ps, &k, &sp->value);
    }
    if (fixed_spec(ps, sp, column_tails))
        return 0;
    return syntax(ps, "SET DEFAULT, DROP DEFAULT, SET VISIBLE or SET INVISIBLE");
}

static int alter_rename(parser *ps, ddl_alter_spec *sp)
{
    if (accept(ps, "COLUMN")) {
        sp->kind = DDL_ALTER_RENAME_COLUMN;
        TRY(if_exists(ps, sp));
        TRY(ident(ps, &sp->name));
        TRY(expect(ps, "TO"));
        return ident(ps, &sp->new_name);
    }
    if (accept(ps, "INDEX") || accept(ps, "KEY")) {
        sp->kind = DDL_ALTER_RENAME_INDEX;
        TRY(if_exists(ps, sp));
        TRY(ident(ps, &sp->name));
        TRY(expect(ps, "TO"));
        return ident(ps, &sp->new_name);
    }
    sp->kind = DDL_ALTER_RENAME_TABLE;
    if (!accept(ps, "TO"))
        (void)accept(ps, "AS");
    return qname(ps, &sp->new_table);
}

static int alter_value_word(parser *ps, char **out)
{
    (void)accept_op(ps, "=");
    return word_value(ps, out);
}

// is_spec_word tells whether token k is a word that starts an ALTER TABLE specification.
static bool is_spec_word(const parser *ps, size_t k)
{
    static const char *const words[] = {"MODIFY", "ALGORITHM", "FORCE", "ENABLE", "DISABLE", "DISCARD", "IMPORT",
                                        "WITHOUT", "REMOVE", "COALESCE", "REORGANIZE", "EXCHANGE", "ANALYZE",
                                        "OPTIMIZE", "REBUILD", "REPAIR", "TRUNCATE", "PARTITIONS", NULL};
    for (int i = 0; words[i]; i++)
        if (is_w(ps, k, words[i]))
            return true;
    return false;
}

static int alter_spec(parser *ps, ddl_alter_spec *sp)
{
    ddl_partition_op pop;
    if (partition_op(ps, &pop)) {
        sp->kind = DDL_ALTER_PARTITION;
        sp->partition_op = pop;
        return rest_text(ps, &sp->value);
    }
    if (accept(ps, "ADD"))
        return alter_add(ps, sp);
    if (accept(ps, "DROP"))
        return alter_drop(ps, sp);
    if (accept(ps, "MODIFY") || accept(ps, "CHANGE")) {
        bool change = sql_lex_is_word(&ps->lx, &ps->toks[ps->p - 1], "CHANGE");
        sp->kind = change ? DDL_ALTER_CHANGE_COLUMN : DDL_ALTER_MODIFY_COLUMN;
        if (accept(ps, "COLUMN"))
            sp->column_keyword = true;
        TRY(if_exists(ps, sp));
        if (change)
            TRY(ident(ps, &sp->name));
        sp->columns = ddl_alloc(ps->st, sizeof(*sp->columns));
        if (sp->columns == NULL)
            return nomem(ps);
        sp->n_columns = 1;
        TRY(column_def(ps, &sp->columns[0]));
        return position(ps, sp);
    }
    if (accept(ps, "ALTER"))
        return alter_alter(ps, sp);
    if (accept(ps, "RENAME"))
        return alter_rename(ps, sp);
    if (accept(ps, "CONVERT")) {
        TRY(expect(ps, "TO"));
        if (!accept2(ps, "CHARACTER", "SET") && !accept(ps, "CHARSET") && !accept2(ps, "CHAR", "SET"))
            return syntax(ps, "CHARACTER SET");
        sp->kind = DDL_ALTER_CONVERT_CHARSET;
        TRY(charset_name(ps, &sp->charset));
        if (strcmp(sp->charset, "default") == 0)
            memcpy(sp->charset, "DEFAULT", 7);
        if (accept(ps, "COLLATE"))
            TRY(charset_name(ps, &sp->collate));
        return 0;
    }
    if (accept(ps, "ALGORITHM")) {
        sp->kind = DDL_ALTER_ALGORITHM;
        return alter_value_word(ps, &sp->value);
    }
    if (accept(ps, "LOCK")) {
        sp->kind = DDL_ALTER_LOCK;
        return alter_value_word(ps, &sp->value);
    }
    if (accept2(ps, "ORDER", "BY")) {
        size_t start = ps->p;
        sp->kind = DDL_ALTER_ORDER_BY;
        for (;;) {
            ddl_name col;
            TRY(qname(ps, &col));
            if (is_o(ps, 0, ".") && ps->p + 1 < ps->end)  // db.tbl.col
                ps->p += 2;
            if (!accept(ps, "ASC"))
                (void)accept(ps, "DESC");
            // "ORDER BY a, b": a comma followed by a lone column continues the list; one
            // followed by anything else starts the next specification
            if (!is_o(ps, 0, ",") || !is_name_start_at(ps, 1) ||
                !(ps->p + 2 >= ps->end || is_o(ps, 2, ",") || is_o(ps, 2, ".") || is_w(ps, 2, "ASC") ||
                  is_w(ps, 2, "DESC")) ||
                is_spec_word(ps, 1))
                break;
            ps->p++;
        }
        return span_text(ps, start, ps->p, &sp->value);
    }
    if (fixed_spec(ps, sp, fixed_specs))
        return 0;
    sp->kind = DDL_ALTER_OPTIONS;
    TRY(table_options(ps, &sp->options, &sp->n_options, true));
    if (sp->n_options == 0)
        return syntax(ps, "an ALTER TABLE specification");
    return 0;
}

static int wait_clause(parser *ps, char **out)
{
    if (accept(ps, "NOWAIT")) {
        *out = "NOWAIT";
        return 0;
    }
    if (is_w(ps, 0, "WAIT")) {
        size_t start = ps->p++;
        const sql_token *t = tok(ps, 0);
        if (at_end(ps) || t->kind != SQL_TOK_NUMBER)
            return syntax(ps, "a number after WAIT");
        ps->p++;
        return span_text(ps, start, ps->p, out);
    }
    return 0;
}

static int alter_table(parser *ps, ddl_alter_table *at)
{
    size_t cap = 0;
    if (accept2(ps, "IF", "EXISTS"))
        at->if_exists = true;
    TRY(qname(ps, &at->table));
    TRY(wait_clause(ps, &at->wait));
    while (!at_end(ps)) {
        TRY(PUSH(ps, at->specs, at->n_specs, cap));
        TRY(alter_spec(ps, &at->specs[at->n_specs++]));
        if (accept_op(ps, ","))
            continue;
        if (at_end(ps))
            break;
        {
            ddl_partition_op pop;
            if (!partition_op(ps, &pop) && at->specs[at->n_specs - 1].kind != DDL_ALTER_OPTIONS &&
                !(tok(ps, 0)->kind == SQL_TOK_IDENT && !is_reserved(ps, tok(ps, 0)) &&
                  (is_o(ps, 1, "=") || is_w(ps, 0, "ALGORITHM") || is_w(ps, 0, "LOCK"))))
                return syntax(ps, "',' or the end of the statement");
        }
    }
    return 0;
}

// ---------------------------------------------------------------------------------------
// RENAME / DROP / TRUNCATE / INDEX / DATABASE

static int rename_table(parser *ps, ddl_rename_table *rt)
{
    size_t cap = 0;
    if (!accept(ps, "TABLE") && !accept(ps, "TABLES"))
        return syntax(ps, "TABLE");
    if (accept2(ps, "IF", "EXISTS"))
        rt->if_exists = true;
    do {
        ddl_rename_pair *pr;
        TRY(PUSH(ps, rt->pairs, rt->n_pairs, cap));
        pr = &rt->pairs[rt->n_pairs++];
        TRY(qname(ps, &pr->from));
        TRY(wait_clause(ps, &rt->wait));
        TRY(expect(ps, "TO"));
        TRY(qname(ps, &pr->to));
    } while (accept_op(ps, ","));
    return 0;
}

static int drop_table(parser *ps, ddl_drop_table *dt)
{
    size_t cap = 0;
    if (accept2(ps, "IF", "EXISTS"))
        dt->if_exists = true;
    do {
        TRY(PUSH(ps, dt->tables, dt->n_tables, cap));
        TRY(qname(ps, &dt->tables[dt->n_tables++]));
    } while (accept_op(ps, ","));
    TRY(wait_clause(ps, &dt->wait));
    return drop_behavior(ps, &dt->behavior);
}

static int algo_lock(parser *ps, char **algorithm, char **lock)
{
    for (;;) {
        if (accept(ps, "ALGORITHM")) {
            (void)accept_op(ps, "=");
            TRY(word_value(ps, algorithm));
        } else if (accept(ps, "LOCK")) {
            (void)accept_op(ps, "=");
            TRY(word_value(ps, lock));
        } else {
            return 0;
        }
    }
}

static int create_index(parser *ps, ddl_create_index *ci)
{
    ddl_constraint *c = &ci->index;
    c->enforced = -1;
    if (accept(ps, "UNIQUE"))
        c->kind = DDL_CONSTRAINT_UNIQUE;
    else if (accept(ps, "FULLTEXT"))
        c->kind = DDL_CONSTRAINT_FULLTEXT;
    else if (accept(ps, "SPATIAL"))
        c->kind = DDL_CONSTRAINT_SPATIAL;
    else
        c->kind = DDL_CONSTRAINT_INDEX;
    TRY(expect(ps, "INDEX"));
    if (accept3(ps, "IF", "NOT", "EXISTS"))
        c->if_not_exists = true;
    TRY(ident(ps, &c->index_name));
    if (accept(ps, "USING"))
        TRY(index_type(ps, &c->using_type));
    TRY(expect(ps, "ON"));
    TRY(qname(ps, &ci->table));
    TRY(wait_clause(ps, &ci->wait));
    TRY(key_parts(ps, c));
    TRY(index_options(ps, c));
    TRY(algo_lock(ps, &ci->algorithm, &ci->lock));
    return index_options(ps, c);
}

static int drop_index(parser *ps, ddl_drop_index *di)
{
    if (accept2(ps, "IF", "EXISTS"))
        di->if_exists = true;
    TRY(ident(ps, &di->name));
    TRY(expect(ps, "ON"));
    TRY(qname(ps, &di->table));
    TRY(wait_clause(ps, &di->wait));
    return algo_lock(ps, &di->algorithm, &di->lock);
}

static int database(parser *ps, ddl_database *db, bool create, bool drop)
{
    size_t cap = 0;
    if (create && accept3(ps, "IF", "NOT", "EXISTS"))
        db->if_not_exists = true;
    if (drop && accept2(ps, "IF", "EXISTS"))
        db->if_exists = true;
    if (create || drop)
        TRY(ident(ps, &db->name));
    else if (is_name_start(ps) && !is_o(ps, 1, "=") && !is_w(ps, 0, "CHARSET") && !is_w(ps, 0, "COMMENT"))
        TRY(ident(ps, &db->name));
    if (drop)
        return 0;
    while (!at_end(ps)) {
        TRY(PUSH(ps, db->options, db->n_options, cap));
        TRY(one_option(ps, &db->options[db->n_options++]));
        (void)accept_op(ps, ",");
    }
    if (!create && db->n_options == 0)
        return syntax(ps, "a database option");
    return 0;
}

// ---------------------------------------------------------------------------------------
// Statements kept as text

static int other_table(parser *ps, ddl_other *o, size_t *cap)
{
    size_t from = ps->p;
    TRY(PUSH(ps, o->tables, o->n_tables, *cap));
    TRY(qname(ps, &o->tables[o->n_tables]));
    TRY(add_ref(ps, from, ps->p, o->n_tables));
    o->n_tables++;
    return 0;
}

// table_list reads name [, name ...] into o->tables.
static int other_table_list(parser *ps, ddl_other *o, size_t *cap)
{
    do {
        TRY(other_table(ps, o, cap));
    } while (accept_op(ps, ","));
    return 0;
}

static int skip_definer(parser *ps)
{
    if (!accept(ps, "DEFINER"))
        return 0;
    TRY(expect_op(ps, "="));
    if (accept(ps, "CURRENT_USER")) {
        if (is_o(ps, 0, "(") && is_o(ps, 1, ")"))
            ps->p += 2;
        return 0;
    }
    if (at_end(ps))
        return syntax(ps, "a user");
    ps->p++;
    if (!at_end(ps) && tok(ps, 0)->kind == SQL_TOK_VAR)
        ps->p++;
    return 0;
}

// view_head skips the [ALGORITHM = x] [DEFINER = user] [SQL SECURITY x] prefix of views,
// triggers, routines and events.
static int view_head(parser *ps)
{
    char *ignored;
    for (;;) {
        if (accept(ps, "ALGORITHM")) {
            TRY(expect_op(ps, "="));
            TRY(word_value(ps, &ignored));
        } else if (is_w(ps, 0, "DEFINER")) {
            TRY(skip_definer(ps));
        } else if (accept2(ps, "SQL", "SECURITY")) {
            TRY(word_value(ps, &ignored));
        } else {
            return 0;
        }
    }
}

// other_stmt finishes a verbatim statement whose kind is known; p is after the words that
// identify the kind. It records the object and tables it can see.
static int other_stmt(parser *ps, ddl_stmt_kind kind)
{
    ddl_other *o = &ps->st->u.other;
    size_t cap = 0;
    switch (kind) {
    case DDL_STMT_CREATE_VIEW:
    case DDL_STMT_ALTER_VIEW:
        if (accept3(ps, "IF", "NOT", "EXISTS"))
            o->if_not_exists = true;
        TRY(other_table(ps, o, &cap));
        o->object = o->tables[0];
        if (is_o(ps, 0, "("))
            TRY(skip_balanced(ps));
        TRY(expect(ps, "AS"));
        break;
    case DDL_STMT_DROP_VIEW:
    case DDL_STMT_DROP_SEQUENCE:
        if (accept2(ps, "IF", "EXISTS"))
            o->if_exists = true;
        TRY(other_table_list(ps, o, &cap));
        o->object = o->tables[0];
        (void)accept(ps, "RESTRICT");
        (void)accept(ps, "CASCADE");
        if (!at_end(ps))
            return syntax(ps, "the end of the statement");
        break;
    case DDL_STMT_CREATE_SEQUENCE:
    case DDL_STMT_ALTER_SEQUENCE:
        if (accept3(ps, "IF", "NOT", "EXISTS"))
            o->if_not_exists = true;
        if (accept2(ps, "IF", "EXISTS"))
            o->if_exists = true;
        TRY(other_table(ps, o, &cap));
        o->object = o->tables[0];
        break;
    case DDL_STMT_CREATE_TRIGGER:
        if (accept3(ps, "IF", "NOT", "EXISTS"))
            o->if_not_exists = true;
        TRY(qname(ps, &o->object));
        if (!accept(ps, "BEFORE") && !accept(ps, "AFTER"))
            return syntax(ps, "BEFORE or AFTER");
        if (!accept(ps, "INSERT") && !accept(ps, "UPDATE") && !accept(ps, "DELETE"))
            return syntax(ps, "INSERT, UPDATE or DELETE");
        // MariaDB 10.? allows several events: INSERT OR UPDATE
        while (accept(ps, "OR"))
            if (!accept(ps, "INSERT") && !accept(ps, "UPDATE") && !accept(ps, "DELETE"))
                return syntax(ps, "INSERT, UPDATE or DELETE");
        TRY(expect(ps, "ON"));
        TRY(other_table(ps, o, &cap));
        TRY(expect(ps, "FOR"));
        TRY(expect(ps, "EACH"));
        TRY(expect(ps, "ROW"));
        break;
    case DDL_STMT_DROP_TRIGGER:
    case DDL_STMT_DROP_PROCEDURE:
    case DDL_STMT_DROP_FUNCTION:
    case DDL_STMT_DROP_EVENT:
        if (accept2(ps, "IF", "EXISTS"))
            o->if_exists = true;
        TRY(qname(ps, &o->object));
        if (!at_end(ps))
            return syntax(ps, "the end of the statement");
        break;
    case DDL_STMT_CREATE_PROCEDURE:
    case DDL_STMT_CREATE_FUNCTION:
    case DDL_STMT_CREATE_EVENT:
    case DDL_STMT_ALTER_PROCEDURE:
    case DDL_STMT_ALTER_FUNCTION:
    case DDL_STMT_ALTER_EVENT:
        if (accept3(ps, "IF", "NOT", "EXISTS"))
            o->if_not_exists = true;
        TRY(qname(ps, &o->object));
        if (at_end(ps) && kind != DDL_STMT_ALTER_PROCEDURE && kind != DDL_STMT_ALTER_FUNCTION)
            return syntax(ps, "a routine or event definition");
        break;
    case DDL_STMT_INSERT:
    case DDL_STMT_REPLACE:
        while (accept(ps, "LOW_PRIORITY") || accept(ps, "DELAYED") || accept(ps, "HIGH_PRIORITY") ||
               accept(ps, "IGNORE"))
            ;
        (void)accept(ps, "INTO");
        TRY(other_table(ps, o, &cap));
        break;
    case DDL_STMT_UPDATE:
        while (accept(ps, "LOW_PRIORITY") || accept(ps, "IGNORE"))
            ;
        TRY(other_table(ps, o, &cap));
        // UPDATE a, b SET ...: more plain tables before SET
        while (is_o(ps, 0, ",")) {
            size_t save = ps->p++;
            if (!is_name_start(ps)) {
                ps->p = save;
                break;
            }
            TRY(other_table(ps, o, &cap));
        }
        break;
    case DDL_STMT_DELETE:
        while (accept(ps, "LOW_PRIORITY") || accept(ps, "QUICK") || accept(ps, "IGNORE"))
            ;
        if (accept(ps, "FROM"))
            TRY(other_table(ps, o, &cap));
        break;
    case DDL_STMT_LOCK_TABLES:
        do {
            char *alias;
            TRY(other_table(ps, o, &cap));
            if (accept(ps, "AS") || (is_name_start(ps) && !is_w(ps, 0, "READ") && !is_w(ps, 0, "WRITE") &&
                                     !is_w(ps, 0, "LOW_PRIORITY")))
                TRY(ident(ps, &alias));
            while (!at_end(ps) && !is_o(ps, 0, ","))
                ps->p++;
        } while (accept_op(ps, ","));
        break;
    case DDL_STMT_TABLE_MAINT:
        (void)(accept(ps, "NO_WRITE_TO_BINLOG") || accept(ps, "LOCAL"));
        if (!accept(ps, "TABLE") && !accept(ps, "TABLES"))
            return syntax(ps, "TABLE");
        TRY(other_table_list(ps, o, &cap));
        break;
    case DDL_STMT_USE:
        TRY(ident(ps, &o->object.name));
        break;
    default:
        break;
    }
    return 0;
}

// finish_other builds the statement text and the spans of its table references.
static int finish_other(parser *ps)
{
    ddl_other *o = &ps->st->u.other;
    size_t *offs = NULL;
    int rc = 0;
    dm_buf b;
    dm_buf_init(&b);
    offs = malloc((ps->end + 1) * sizeof(*offs));
    if (offs == NULL) {
        rc = nomem(ps);
        goto done;
    }
    if ((rc = join_tokens(ps, &b, 0, ps->end, offs)) != 0)
        goto done;
    offs[ps->end] = b.len;
    o->text = ddl_strndup(ps->st, b.data ? b.data : "", b.len);
    if (o->text == NULL) {
        rc = nomem(ps);
        goto done;
    }
    if (ps->n_refs) {
        ps->st->priv->spans = ddl_alloc(ps->st, ps->n_refs * sizeof(ddl_span));
        if (ps->st->priv->spans == NULL) {
            rc = nomem(ps);
            goto done;
        }
        for (size_t i = 0; i < ps->n_refs; i++) {
            ddl_span *sp = &ps->st->priv->spans[i];
            sp->start = offs[ps->refs[i].from];
            // the end is right after the last token of the name (not the gap after it)
            sp->end = offs[ps->refs[i].to - 1] + ps->toks[ps->refs[i].to - 1].len;
            sp->index = ps->refs[i].index;
        }
        ps->st->priv->n_spans = ps->n_refs;
    }
done:
    free(offs);
    dm_buf_fini(&b);
    return rc;
}

// ---------------------------------------------------------------------------------------
// Dispatch

// Objects kept as text, by the words after CREATE/ALTER/DROP. Kinds in `bare` have no head
// worth parsing (users, roles, servers...).
typedef struct object_word {
    const char *w1, *w2;
    ddl_stmt_kind kind;
    bool bare;
} object_word;

static const object_word create_objects[] = {
    {"SEQUENCE", NULL, DDL_STMT_CREATE_SEQUENCE, false}, {"USER", NULL, DDL_STMT_CREATE_USER, true},
    {"ROLE", NULL, DDL_STMT_CREATE_ROLE, true}, {"VIEW", NULL, DDL_STMT_CREATE_VIEW, false},
    {"TRIGGER", NULL, DDL_STMT_CREATE_TRIGGER, false}, {"PROCEDURE", NULL, DDL_STMT_CREATE_PROCEDURE, false},
    {"FUNCTION", NULL, DDL_STMT_CREATE_FUNCTION, false},
    {"AGGREGATE", "FUNCTION", DDL_STMT_CREATE_FUNCTION, false}, {"EVENT", NULL, DDL_STMT_CREATE_EVENT, false},
    {"SERVER", NULL, DDL_STMT_OTHER, true}, {"TABLESPACE", NULL, DDL_STMT_OTHER, true},
    {"LOGFILE", "GROUP", DDL_STMT_OTHER, true}, {"PACKAGE", NULL, DDL_STMT_OTHER, true},
    {"RESOURCE", "GROUP", DDL_STMT_OTHER, true}, {"SPATIAL", NULL, DDL_STMT_OTHER, true},
    {NULL, NULL, DDL_STMT_UNKNOWN, false}};

static const object_word alter_objects[] = {
    {"SEQUENCE", NULL, DDL_STMT_ALTER_SEQUENCE, false}, {"USER", NULL, DDL_STMT_ALTER_USER, true},
    {"VIEW", NULL, DDL_STMT_ALTER_VIEW, false}, {"PROCEDURE", NULL, DDL_STMT_ALTER_PROCEDURE, false},
    {"FUNCTION", NULL, DDL_STMT_ALTER_FUNCTION, false}, {"EVENT", NULL, DDL_STMT_ALTER_EVENT, false},
    {"SERVER", NULL, DDL_STMT_OTHER, true}, {"TABLESPACE", NULL, DDL_STMT_OTHER, true},
    {"LOGFILE", "GROUP", DDL_STMT_OTHER, true}, {"RESOURCE", "GROUP", DDL_STMT_OTHER, true},
    {"INSTANCE", NULL, DDL_STMT_OTHER, true}, {NULL, NULL, DDL_STMT_UNKNOWN, false}};

static const object_word drop_objects[] = {
    {"VIEW", NULL, DDL_STMT_DROP_VIEW, false}, {"TRIGGER", NULL, DDL_STMT_DROP_TRIGGER, false},
    {"PROCEDURE", NULL, DDL_STMT_DROP_PROCEDURE, false}, {"FUNCTION", NULL, DDL_STMT_DROP_FUNCTION, false},
    {"EVENT", NULL, DDL_STMT_DROP_EVENT, false}, {"SEQUENCE", NULL, DDL_STMT_DROP_SEQUENCE, false},
    {"USER", NULL, DDL_STMT_DROP_USER, true}, {"ROLE", NULL, DDL_STMT_DROP_ROLE, true},
    {"SERVER", NULL, DDL_STMT_OTHER, true}, {"TABLESPACE", NULL, DDL_STMT_OTHER, true},
    {"LOGFILE", "GROUP", DDL_STMT_OTHER, true}, {"PACKAGE", NULL, DDL_STMT_OTHER, true},
    {"RESOURCE", "GROUP", DDL_STMT_OTHER, true}, {NULL, NULL, DDL_STMT_UNKNOWN, false}};

// object_stmt finishes CREATE/ALTER/DROP of an object kept as text.
static int object_stmt(parser *ps, const object_word *t, const char *expected)
{
    TRY(view_head(ps));
    for (; t->w1; t++) {
        if (t->w2 ? accept2(ps, t->w1, t->w2) : accept(ps, t->w1)) {
            ps->st->kind = t->kind;
            return t->bare ? 0 : other_stmt(ps, t->kind);
        }
    }
    return syntax(ps, expected);
}

// online_word reads ONLINE/OFFLINE and tells whether it was ONLINE.
static bool online_word(parser *ps)
{
    if (accept(ps, "ONLINE"))
        return true;
    (void)accept(ps, "OFFLINE");
    return false;
}

// database_word reads DATABASE or SCHEMA and records which.
static bool database_word(parser *ps)
{
    if (accept(ps, "DATABASE"))
        return true;
    if (!accept(ps, "SCHEMA"))
        return false;
    ps->st->u.database.schema_keyword = true;
    return true;
}

static int create_stmt(parser *ps)
{
    ddl_stmt *st = ps->st;
    bool or_replace = accept2(ps, "OR", "REPLACE");
    bool online = online_word(ps);
    bool temporary = accept(ps, "TEMPORARY");
    if (accept(ps, "TABLE")) {
        st->kind = DDL_STMT_CREATE_TABLE;
        st->u.create_table.temporary = temporary;
        st->u.create_table.or_replace = or_replace;
        return create_table(ps, &st->u.create_table);
    }
    if (is_w(ps, 0, "INDEX") || ((is_w(ps, 0, "UNIQUE") || is_w(ps, 0, "FULLTEXT") || is_w(ps, 0, "SPATIAL")) &&
                                 is_w(ps, 1, "INDEX"))) {
        st->kind = DDL_STMT_CREATE_INDEX;
        st->u.create_index.or_replace = or_replace;
        st->u.create_index.online = online;
        return create_index(ps, &st->u.create_index);
    }
    if (database_word(ps)) {
        st->kind = DDL_STMT_CREATE_DATABASE;
        st->u.database.or_replace = or_replace;
        return database(ps, &st->u.database, true, false);
    }
    return object_stmt(ps, create_objects,
                       "TABLE, INDEX, DATABASE, VIEW, TRIGGER, PROCEDURE, FUNCTION, EVENT or SEQUENCE");
}

static int alter_stmt(parser *ps)
{
    ddl_stmt *st = ps->st;
    bool online = online_word(ps);
    bool ignore = accept(ps, "IGNORE");
    if (accept(ps, "TABLE")) {
        st->kind = DDL_STMT_ALTER_TABLE;
        st->u.alter_table.online = online;
        st->u.alter_table.ignore = ignore;
        return alter_table(ps, &st->u.alter_table);
    }
    if (database_word(ps)) {
        st->kind = DDL_STMT_ALTER_DATABASE;
        return database(ps, &st->u.database, false, false);
    }
    return object_stmt(ps, alter_objects, "TABLE, DATABASE, VIEW, PROCEDURE, FUNCTION, EVENT or SEQUENCE");
}

static int drop_stmt(parser *ps)
{
    ddl_stmt *st = ps->st;
    bool online = online_word(ps);
    bool temporary = accept(ps, "TEMPORARY");
    if (accept(ps, "TABLE") || accept(ps, "TABLES")) {
        st->kind = DDL_STMT_DROP_TABLE;
        st->u.drop_table.temporary = temporary;
        return drop_table(ps, &st->u.drop_table);
    }
    if (accept(ps, "INDEX")) {
        st->kind = DDL_STMT_DROP_INDEX;
        st->u.drop_index.online = online;
        return drop_index(ps, &st->u.drop_index);
    }
    if (database_word(ps)) {
        st->kind = DDL_STMT_DROP_DATABASE;
        return database(ps, &st->u.database, false, true);
    }
    return object_stmt(ps, drop_objects,
                       "TABLE, INDEX, DATABASE, VIEW, TRIGGER, PROCEDURE, FUNCTION, EVENT or SEQUENCE");
}

static const struct {
    const char *w;
    ddl_stmt_kind kind;
} simple_leads[] = {
    {"BEGIN", DDL_STMT_BEGIN}, {"COMMIT", DDL_STMT_COMMIT}, {"ROLLBACK", DDL_STMT_ROLLBACK},
    {"SAVEPOINT", DDL_STMT_SAVEPOINT}, {"RELEASE", DDL_STMT_SAVEPOINT}, {"XA", DDL_STMT_XA},
    {"GRANT", DDL_STMT_GRANT}, {"REVOKE", DDL_STMT_REVOKE}, {"SET", DDL_STMT_SET},
    {"FLUSH", DDL_STMT_FLUSH}, {"UNLOCK", DDL_STMT_UNLOCK_TABLES},
    // statements with no tables we track
    {"SELECT", DDL_STMT_OTHER}, {"DO", DDL_STMT_OTHER}, {"CALL", DDL_STMT_OTHER},
    {"LOAD", DDL_STMT_OTHER}, {"HANDLER", DDL_STMT_OTHER}, {"INSTALL", DDL_STMT_OTHER},
    {"UNINSTALL", DDL_STMT_OTHER}, {"SHOW", DDL_STMT_OTHER}, {"KILL", DDL_STMT_OTHER},
    {"RESET", DDL_STMT_OTHER}, {"PURGE", DDL_STMT_OTHER}, {"EXECUTE", DDL_STMT_OTHER},
    {"PREPARE", DDL_STMT_OTHER}, {"DEALLOCATE", DDL_STMT_OTHER}, {"SIGNAL", DDL_STMT_OTHER},
    {"RESIGNAL", DDL_STMT_OTHER}, {"WITH", DDL_STMT_OTHER}, {"VALUES", DDL_STMT_OTHER},
    {"EXPLAIN", DDL_STMT_OTHER}, {"DESCRIBE", DDL_STMT_OTHER}, {"DESC", DDL_STMT_OTHER},
    {"HELP", DDL_STMT_OTHER}, {"CACHE", DDL_STMT_OTHER}, {"STOP", DDL_STMT_OTHER},
    {"BINLOG", DDL_STMT_OTHER}, {"SHUTDOWN", DDL_STMT_OTHER}, {"BACKUP", DDL_STMT_OTHER},
    {NULL, DDL_STMT_UNKNOWN}};

static int statement(parser *ps)
{
    ddl_stmt *st = ps->st;
    if (accept(ps, "CREATE"))
        return create_stmt(ps);
    if (accept(ps, "ALTER"))
        return alter_stmt(ps);
    if (accept(ps, "DROP"))
        return drop_stmt(ps);
    if (accept(ps, "RENAME")) {
        if (accept(ps, "USER")) {
            st->kind = DDL_STMT_RENAME_USER;
            return 0;
        }
        st->kind = DDL_STMT_RENAME_TABLE;
        return rename_table(ps, &st->u.rename_table);
    }
    if (accept(ps, "TRUNCATE")) {
        st->kind = DDL_STMT_TRUNCATE_TABLE;
        st->u.truncate_table.table_keyword = accept(ps, "TABLE");
        TRY(qname(ps, &st->u.truncate_table.table));
        return wait_clause(ps, &st->u.truncate_table.wait);
    }
    if (accept2(ps, "START", "TRANSACTION")) {
        st->kind = DDL_STMT_BEGIN;
        return 0;
    }
    if (is_w(ps, 0, "START") || is_w(ps, 0, "CHANGE")) {
        ps->p++;
        st->kind = DDL_STMT_OTHER;
        return 0;
    }
    if (accept(ps, "INSERT"))
        return other_stmt(ps, st->kind = DDL_STMT_INSERT);
    if (accept(ps, "REPLACE"))
        return other_stmt(ps, st->kind = DDL_STMT_REPLACE);
    if (accept(ps, "UPDATE"))
        return other_stmt(ps, st->kind = DDL_STMT_UPDATE);
    if (accept(ps, "DELETE"))
        return other_stmt(ps, st->kind = DDL_STMT_DELETE);
    if (accept(ps, "LOCK")) {
        if (!accept(ps, "TABLES") && !accept(ps, "TABLE"))
            return syntax(ps, "TABLES");
        return other_stmt(ps, st->kind = DDL_STMT_LOCK_TABLES);
    }
    if (accept(ps, "ANALYZE") || accept(ps, "OPTIMIZE") || accept(ps, "REPAIR") || accept(ps, "CHECK") ||
        accept(ps, "CHECKSUM"))
        return other_stmt(ps, st->kind = DDL_STMT_TABLE_MAINT);
    if (accept(ps, "USE"))
        return other_stmt(ps, st->kind = DDL_STMT_USE);
    for (int i = 0; simple_leads[i].w; i++) {
        if (accept(ps, simple_leads[i].w)) {
            st->kind = simple_leads[i].kind;
            return 0;
        }
    }
    return syntax(ps, "a statement");
}

static bool is_table_kind(ddl_stmt_kind k)
{
    return k >= DDL_STMT_CREATE_DATABASE && k <= DDL_STMT_DROP_INDEX;
}

int ddl_parse(ddl_stmt **out, const char *sql, size_t len, const ddl_parse_opts *opts, dm_err *err)
{
    parser ps;
    size_t cap = 0;
    int rc = 0;
    unsigned flags = 0;
    ddl_parse_opts none;
    memset(&ps, 0, sizeof(ps));
    memset(&none, 0, sizeof(none));
    dm_buf_init(&ps.tmp);
    *out = NULL;
    if (sql == NULL && len > 0)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "ddl_parse: NULL SQL text");
    if (opts == NULL)
        opts = &none;
    if (opts->ansi_quotes)
        flags |= SQL_LEX_ANSI_QUOTES;
    if (opts->no_backslash_escapes)
        flags |= SQL_LEX_NO_BACKSLASH_ESCAPES;
    if (opts->mysql)
        flags |= SQL_LEX_MYSQL;
    ps.err = err;
    ps.st = ddl_stmt_new();
    if (ps.st == NULL) {
        rc = nomem(&ps);
        goto done;
    }
    ps.st->priv->opts = *opts;
    sql_lex_init(&ps.lx, sql ? sql : "", len, flags, opts->server_version);
    for (;;) {
        sql_token t;
        if (ps.n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            sql_token *nt = realloc(ps.toks, ncap * sizeof(*nt));
            if (nt == NULL) {
                rc = nomem(&ps);
                goto done;
            }
            ps.toks = nt;
            cap = ncap;
        }
        if ((rc = sql_lex_next(&t, &ps.lx, err)) != 0)
            goto done;
        ps.toks[ps.n++] = t;
        if (t.kind == SQL_TOK_EOF)
            break;
    }
    ps.end = ps.n - 1;
    while (ps.end > 0 && sql_lex_is_op(&ps.lx, &ps.toks[ps.end - 1], ";"))
        ps.end--;
    if (ps.end == 0) {
        rc = dm_err_set(err, DDL_ERR_EMPTY, DM_ERR_SCOPE_INTERNAL, "no SQL statement in the input");
        goto done;
    }
    if ((rc = statement(&ps)) != 0)
        goto done;
    if (is_table_kind(ps.st->kind)) {
        if (!at_end(&ps)) {
            rc = syntax(&ps, "the end of the statement");
            goto done;
        }
    } else {
        // only compound bodies (routines, triggers, events) may hold ';'
        bool body = ps.st->kind == DDL_STMT_CREATE_PROCEDURE || ps.st->kind == DDL_STMT_CREATE_FUNCTION ||
                    ps.st->kind == DDL_STMT_CREATE_TRIGGER || ps.st->kind == DDL_STMT_CREATE_EVENT ||
                    ps.st->kind == DDL_STMT_ALTER_EVENT;
        for (size_t i = ps.p; !body && i < ps.end; i++) {
            if (sql_lex_is_op(&ps.lx, &ps.toks[i], ";")) {
                ps.p = i;
                rc = syntax(&ps, "one statement");
                goto done;
            }
        }
        if ((rc = finish_other(&ps)) != 0)
            goto done;
    }
    *out = ps.st;
    ps.st = NULL;
done:
    ddl_stmt_destroy(ps.st);
    free(ps.toks);
    free(ps.refs);
    dm_buf_fini(&ps.tmp);
    return rc;
}
