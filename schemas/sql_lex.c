// DESIGN: sql_lex is a hand-written scanner over a byte buffer following the rules of
// MySQL's sql_lex.cc. It never allocates: tokens are (offset, length) spans, and values are
// decoded on demand by sql_lex_decode. Executable comments are handled by remembering that
// we are inside one (in_exec) and treating its closing `*/` as a blank; everything between is
// lexed as ordinary code, so offsets of such tokens still point into the original text.
#include "sql_lex.h"

#include <stdio.h>
#include <string.h>

static bool is_word_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || c >= 0x80;
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void sql_lex_init(sql_lex *lx, const char *src, size_t len, unsigned flags,
                  unsigned long server_version)
{
    memset(lx, 0, sizeof(*lx));
    lx->src = src;
    lx->len = len;
    lx->flags = flags;
    lx->server_version = server_version;
}

static int lex_error(sql_lex *lx, dm_err *err, size_t at, const char *what)
{
    size_t n = lx->len - at;
    if (n > 40)
        n = 40;
    dm_err_set(err, SQL_LEX_ERR, DM_ERR_SCOPE_INTERNAL, "%s at offset %zu near '%.*s'", what, at,
               (int)n, lx->src + at);
    lx->pos = lx->len;
    return SQL_LEX_ERR;
}

// peek returns the byte at pos+k or 0 past the end.
static unsigned char peek(const sql_lex *lx, size_t k)
{
    return lx->pos + k < lx->len ? (unsigned char)lx->src[lx->pos + k] : 0;
}

// open_exec_comment handles the text right after "/*" when it starts an executable comment;
// returns true (pos past the marker and version) when the comment is code.
static bool open_exec_comment(sql_lex *lx)
{
    size_t p = lx->pos + 2;  // after "/*"
    bool mariadb_only = false;
    unsigned long ver = 0;
    int digits = 0;
    if (p < lx->len && lx->src[p] == '!') {
        p++;
        if (p < lx->len && lx->src[p] == 'M') {
            mariadb_only = true;
            p++;
        }
    } else if (p + 1 < lx->len && lx->src[p] == 'M' && lx->src[p + 1] == '!') {
        mariadb_only = true;
        p += 2;
    } else {
        return false;
    }
    while (p < lx->len && is_digit((unsigned char)lx->src[p]) && digits < 6) {
        ver = ver * 10 + (unsigned long)(lx->src[p] - '0');
        p++;
        digits++;
    }
    // Five-digit versions are MySQL's; a sixth digit only counts when another digit could not
    // follow (MariaDB writes /*!100100 ...*/ and /*M!100500 ...*/).
    if (digits == 6 && !mariadb_only && p < lx->len && !is_space((unsigned char)lx->src[p])) {
        p--;
        ver /= 10;
    }
    if (mariadb_only && (lx->flags & SQL_LEX_MYSQL))
        return false;
    if (ver != 0 && lx->server_version != 0 && ver > lx->server_version)
        return false;
    lx->pos = p;
    return true;
}

// skip_blanks skips whitespace and comments; returns true when anything was skipped.
static int skip_blanks(sql_lex *lx, bool *skipped, dm_err *err)
{
    *skipped = false;
    for (;;) {
        unsigned char c = peek(lx, 0);
        if (lx->pos >= lx->len)
            return 0;
        if (is_space(c)) {
            lx->pos++;
        } else if (c == '#' || (c == '-' && peek(lx, 1) == '-' &&
                                (lx->pos + 2 >= lx->len || peek(lx, 2) <= ' '))) {
            while (lx->pos < lx->len && lx->src[lx->pos] != '\n')
                lx->pos++;
        } else if (c == '/' && peek(lx, 1) == '*') {
            size_t start = lx->pos;
            if (!lx->in_exec && open_exec_comment(lx)) {
                lx->in_exec = true;
            } else {
                const char *end;
                lx->pos += 2;
                end = NULL;
                for (size_t i = lx->pos; i + 1 < lx->len; i++) {
                    if (lx->src[i] == '*' && lx->src[i + 1] == '/') {
                        end = lx->src + i;
                        break;
                    }
                }
                if (end == NULL)
                    return lex_error(lx, err, start, "unterminated comment");
                lx->pos = (size_t)(end - lx->src) + 2;
            }
        } else if (lx->in_exec && c == '*' && peek(lx, 1) == '/') {
            lx->in_exec = false;
            lx->pos += 2;
        } else {
            return 0;
        }
        *skipped = true;
    }
}

// scan_quoted scans a quoted run starting at pos (on the opening quote q); doubled quotes
// and (for strings) backslash escapes stay inside. Sets the body span.
static int scan_quoted(sql_lex *lx, sql_token *t, char q, bool backslash, dm_err *err)
{
    size_t start = lx->pos;
    size_t i = lx->pos + 1;
    t->quote = q;
    t->body_off = i;
    for (;;) {
        // values are C strings, so a NUL byte cannot be represented (MySQL clients escape it)
        if (i < lx->len && lx->src[i] == '\0')
            return lex_error(lx, err, i, "NUL byte in a quoted string or identifier");
        if (i >= lx->len)
            return lex_error(lx, err, start,
                             q == '`' || (q == '"' && !backslash) ? "unterminated quoted identifier"
                                                                  : "unterminated string");
        if (backslash && lx->src[i] == '\\') {
            if (i + 1 < lx->len && lx->src[i + 1] == '\0')
                return lex_error(lx, err, i + 1, "NUL byte in a quoted string or identifier");
            i += 2;
            continue;
        }
        if (lx->src[i] == q) {
            if (i + 1 < lx->len && lx->src[i + 1] == q) {
                i += 2;
                continue;
            }
            break;
        }
        i++;
    }
    t->body_len = i - t->body_off;
    lx->pos = i + 1;
    return 0;
}

static int scan_string(sql_lex *lx, sql_token *t, dm_err *err)
{
    char q = lx->src[lx->pos];
    t->kind = SQL_TOK_STRING;
    return scan_quoted(lx, t, q, !(lx->flags & SQL_LEX_NO_BACKSLASH_ESCAPES), err);
}

// scan_number scans digits [. digits] [e [+-] digits] starting at pos; returns false (pos
// unchanged) when the run is really an identifier such as 1abc.
static bool scan_number(sql_lex *lx)
{
    size_t i = lx->pos;
    bool any = false;
    while (i < lx->len && is_digit((unsigned char)lx->src[i])) {
        i++;
        any = true;
    }
    if (i < lx->len && lx->src[i] == '.') {
        i++;
        while (i < lx->len && is_digit((unsigned char)lx->src[i])) {
            i++;
            any = true;
        }
    }
    if (!any)
        return false;
    if (i < lx->len && (lx->src[i] == 'e' || lx->src[i] == 'E')) {
        size_t j = i + 1;
        if (j < lx->len && (lx->src[j] == '+' || lx->src[j] == '-'))
            j++;
        if (j < lx->len && is_digit((unsigned char)lx->src[j])) {
            while (j < lx->len && is_digit((unsigned char)lx->src[j]))
                j++;
            i = j;
        }
    }
    if (i < lx->len && is_word_char((unsigned char)lx->src[i]) && lx->src[i - 1] != '.') {
        // 123abc is an identifier; 1.5abc lexes as 1.5 followed by abc (as MySQL does).
        size_t k = lx->pos;
        while (k < i && is_digit((unsigned char)lx->src[k]))
            k++;
        if (k == i || lx->src[k] != '.')
            return false;
    }
    lx->pos = i;
    return true;
}

static const char *const ops3[] = {"<=>", "->>", NULL};
static const char *const ops2[] = {"<=", ">=", "<>", "!=", "<<", ">>", ":=", "&&", "||", "->", NULL};

int sql_lex_next(sql_token *out, sql_lex *lx, dm_err *err)
{
    int rc;
    bool gap;
    unsigned char c;
    bool glued_dot;
    memset(out, 0, sizeof(*out));
    if ((rc = skip_blanks(lx, &gap, err)) != 0) {
        out->off = lx->len;
        return rc;
    }
    out->gap_before = gap || lx->pos != lx->prev_end;
    out->off = lx->pos;
    glued_dot = lx->after_dot && !gap;
    lx->after_dot = false;
    if (lx->pos >= lx->len) {
        out->kind = SQL_TOK_EOF;
        out->body_off = out->off;
        return 0;
    }
    c = peek(lx, 0);
    if (c == '`' || (c == '"' && (lx->flags & SQL_LEX_ANSI_QUOTES))) {
        out->kind = SQL_TOK_QIDENT;
        if ((rc = scan_quoted(lx, out, (char)c, false, err)) != 0)
            return rc;
    } else if (c == '\'' || c == '"') {
        if ((rc = scan_string(lx, out, err)) != 0)
            return rc;
    } else if ((c == 'x' || c == 'X' || c == 'b' || c == 'B') && peek(lx, 1) == '\'') {
        size_t start = lx->pos, i;
        bool hex = c == 'x' || c == 'X';
        out->kind = hex ? SQL_TOK_HEX : SQL_TOK_BIT;
        for (i = lx->pos + 2; i < lx->len && lx->src[i] != '\''; i++) {
            unsigned char d = (unsigned char)lx->src[i];
            if (hex ? !is_hex(d) : (d != '0' && d != '1'))
                return lex_error(lx, err, start, hex ? "bad hex literal" : "bad bit literal");
        }
        if (i >= lx->len)
            return lex_error(lx, err, start, "unterminated literal");
        if (hex && (i - (lx->pos + 2)) % 2 != 0)
            return lex_error(lx, err, start, "hex literal with an odd number of digits");
        lx->pos = i + 1;
    } else if ((c == 'n' || c == 'N') && peek(lx, 1) == '\'') {
        lx->pos++;
        if ((rc = scan_string(lx, out, err)) != 0)
            return rc;
    } else if (c == '0' && (peek(lx, 1) == 'x' || peek(lx, 1) == 'b') && !glued_dot) {
        // 0x1F / 0b101 unless more word characters follow (then an identifier like 0xyz).
        bool hex = peek(lx, 1) == 'x';
        size_t i = lx->pos + 2;
        while (i < lx->len && (hex ? is_hex((unsigned char)lx->src[i])
                                   : (lx->src[i] == '0' || lx->src[i] == '1')))
            i++;
        if (i > lx->pos + 2 && (i >= lx->len || !is_word_char((unsigned char)lx->src[i]))) {
            out->kind = hex ? SQL_TOK_HEX : SQL_TOK_BIT;
            lx->pos = i;
        } else {
            while (lx->pos < lx->len && is_word_char((unsigned char)lx->src[lx->pos]))
                lx->pos++;
            out->kind = SQL_TOK_IDENT;
        }
    } else if (!glued_dot && (is_digit(c) || (c == '.' && is_digit(peek(lx, 1)) && (gap || !lx->prev_word))) &&
               scan_number(lx)) {
        out->kind = SQL_TOK_NUMBER;
    } else if (is_word_char(c)) {
        while (lx->pos < lx->len && is_word_char((unsigned char)lx->src[lx->pos]))
            lx->pos++;
        out->kind = SQL_TOK_IDENT;
        // _charset'string': an introducer glued to (or blank-separated from) a string.
        if (c == '_' && lx->pos - out->off > 1) {
            size_t save = lx->pos, save_end = lx->prev_end;
            bool g;
            bool save_exec = lx->in_exec;
            dm_err tmp;
            if (skip_blanks(lx, &g, &tmp) == 0 && lx->pos < lx->len &&
                (lx->src[lx->pos] == '\'' ||
                 (lx->src[lx->pos] == '"' && !(lx->flags & SQL_LEX_ANSI_QUOTES))) &&
                lx->in_exec == save_exec) {
                if ((rc = scan_string(lx, out, err)) != 0)
                    return rc;
            } else {
                lx->pos = save;
                lx->prev_end = save_end;
                lx->in_exec = save_exec;
            }
        }
    } else if (c == '@') {
        size_t i = lx->pos + 1;
        if (i < lx->len && lx->src[i] == '@')
            i++;
        out->kind = SQL_TOK_VAR;
        if (i < lx->len && (lx->src[i] == '\'' || lx->src[i] == '"' || lx->src[i] == '`')) {
            sql_token q;
            memset(&q, 0, sizeof(q));
            lx->pos = i;
            if ((rc = scan_quoted(lx, &q, lx->src[i], lx->src[i] != '`', err)) != 0)
                return rc;
        } else {
            while (i < lx->len && (is_word_char((unsigned char)lx->src[i]) || lx->src[i] == '.'))
                i++;
            lx->pos = i;
        }
    } else if (c == '?') {
        out->kind = SQL_TOK_PARAM;
        lx->pos++;
    } else {
        size_t n = 1;
        if (!strchr("()[]{},;.=<>!~^&|+-*/%:", (char)c) || c == '\0')
            return lex_error(lx, err, out->off, "unexpected character");
        out->kind = SQL_TOK_OP;
        for (int k = 0; ops3[k]; k++)
            if (lx->pos + 3 <= lx->len && memcmp(lx->src + lx->pos, ops3[k], 3) == 0)
                n = 3;
        if (n == 1)
            for (int k = 0; ops2[k]; k++)
                if (lx->pos + 2 <= lx->len && memcmp(lx->src + lx->pos, ops2[k], 2) == 0)
                    n = 2;
        // "*/" closing an executable comment was consumed as a blank; any other "*/" is
        // two operators.
        lx->pos += n;
    }
    out->len = lx->pos - out->off;
    if (out->kind != SQL_TOK_STRING && out->kind != SQL_TOK_QIDENT) {
        out->body_off = out->off;
        out->body_len = out->len;
    }
    if (out->kind == SQL_TOK_OP && out->len == 1 && lx->src[out->off] == '.' && !out->gap_before &&
        lx->prev_word)
        lx->after_dot = true;
    lx->prev_word = out->kind == SQL_TOK_IDENT || out->kind == SQL_TOK_QIDENT;
    lx->prev_end = lx->pos;
    return 0;
}

bool sql_lex_is_word(const sql_lex *lx, const sql_token *t, const char *w)
{
    size_t n = strlen(w);
    if (t->kind != SQL_TOK_IDENT || t->len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = lx->src[t->off + i], b = w[i];
        if (a >= 'a' && a <= 'z')
            a = (char)(a - 'a' + 'A');
        if (b >= 'a' && b <= 'z')
            b = (char)(b - 'a' + 'A');
        if (a != b)
            return false;
    }
    return true;
}

bool sql_lex_is_op(const sql_lex *lx, const sql_token *t, const char *op)
{
    size_t n = strlen(op);
    return t->kind == SQL_TOK_OP && t->len == n && memcmp(lx->src + t->off, op, n) == 0;
}

static int decode_string(dm_buf *out, const sql_lex *lx, const sql_token *t)
{
    const char *s = lx->src + t->body_off;
    size_t n = t->body_len;
    bool backslash = !(lx->flags & SQL_LEX_NO_BACKSLASH_ESCAPES);
    int rc;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (backslash && c == '\\' && i + 1 < n) {
            char e = s[++i];
            switch (e) {
            case '0': c = '\0'; break;
            case 'b': c = '\b'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'Z': c = '\032'; break;
            case '%':
            case '_':
                // kept with the backslash, as MySQL does (they matter to LIKE)
                if ((rc = dm_buf_putc(out, '\\')) != 0)
                    return rc;
                c = e;
                break;
            default: c = e; break;
            }
        } else if (c == t->quote && i + 1 < n && s[i + 1] == t->quote) {
            i++;
        }
        if ((rc = dm_buf_putc(out, c)) != 0)
            return rc;
    }
    return 0;
}

int sql_lex_decode(dm_buf *out, const sql_lex *lx, const sql_token *t)
{
    int rc;
    if (t->kind == SQL_TOK_STRING)
        return decode_string(out, lx, t);
    if (t->kind == SQL_TOK_QIDENT) {
        const char *s = lx->src + t->body_off;
        for (size_t i = 0; i < t->body_len; i++) {
            if (s[i] == t->quote && i + 1 < t->body_len && s[i + 1] == t->quote)
                i++;
            if ((rc = dm_buf_putc(out, s[i])) != 0)
                return rc;
        }
        return 0;
    }
    return dm_buf_append(out, lx->src + t->off, t->len);
}
