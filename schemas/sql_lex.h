// sql_lex: a lexer with MySQL/MariaDB lexical rules, shared by the DDL parser and anything
// else that needs to tokenise SQL (e.g. expression filters).
//
// Tokens point into the caller's source buffer (byte offsets); nothing is allocated while
// lexing. Comments are skipped: `# ...`, `-- ...` (the dashes followed by a blank or a
// control character), `/* ... */` and optimizer hints `/*+ ... */`. Executable comments
// `/*! ... */`, `/*!NNNNN ... */`, MariaDB `/*M! ... */`, `/*M!NNNNN ... */` and
// `/*!MNNNNN ... */` are lexed as code (unless the version is above the configured server
// version, or the comment is MariaDB-only and the server is MySQL).
//
// A sql_lex is a small value owned by the caller; it is not thread-safe but distinct lexers
// are independent. Errors are reported with code SQL_LEX_ERR (44002, the same value as
// DDL_ERR_LEX in ddl.h) and a message that names the offset and the offending text.
#ifndef SQL_LEX_H
#define SQL_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "dm_buf.h"
#include "dm_err.h"

#define SQL_LEX_ERR 44002

// Flags for sql_lex_init.
#define SQL_LEX_ANSI_QUOTES 0x1           // "x" is an identifier
#define SQL_LEX_NO_BACKSLASH_ESCAPES 0x2  // backslash is an ordinary character in strings
#define SQL_LEX_MYSQL 0x4                 // skip MariaDB-only /*M! ... */ comments

typedef enum sql_tok_kind {
    SQL_TOK_EOF = 0,
    SQL_TOK_IDENT,   // unquoted word: keyword or identifier
    SQL_TOK_QIDENT,  // `quoted` (or "quoted" under ANSI_QUOTES) identifier
    SQL_TOK_STRING,  // 'str', "str", N'str', _charset'str' (prefix included in the span)
    SQL_TOK_NUMBER,  // 12, 1.5, .5, 1e10, 2.5E-3
    SQL_TOK_HEX,     // X'0A', 0x0a
    SQL_TOK_BIT,     // B'01', 0b01
    SQL_TOK_VAR,     // @name, @@name, @'name', @`name`, @"name"
    SQL_TOK_PARAM,   // ?
    SQL_TOK_OP,      // punctuation/operator: ( ) , ; . = <=> := -> ->> ...
} sql_tok_kind;

typedef struct sql_token {
    sql_tok_kind kind;
    size_t off;          // first byte of the token in the source
    size_t len;          // bytes of the token in the source
    size_t body_off;     // STRING/QIDENT: first byte inside the quotes; else == off
    size_t body_len;     // STRING/QIDENT: bytes inside the quotes; else == len
    char quote;          // STRING/QIDENT: the quote character
    bool gap_before;     // blanks or comments separate this token from the previous one
} sql_token;

typedef struct sql_lex {
    const char *src;
    size_t len;
    size_t pos;
    unsigned flags;
    unsigned long server_version;  // 0: every versioned executable comment is code
    bool in_exec;       // inside an executable comment (its `*/` is skipped)
    bool after_dot;     // previous token was a '.' glued to an identifier
    bool prev_word;     // previous token was an identifier
    size_t prev_end;    // end offset of the previous token
} sql_lex;

// sql_lex_init prepares lx to lex src[0..len) (src must outlive lx) with SQL_LEX_* flags.
void sql_lex_init(sql_lex *lx, const char *src, size_t len, unsigned flags,
                  unsigned long server_version);

// sql_lex_next stores the next token in *out (SQL_TOK_EOF at the end, repeatedly).
// Errors: SQL_LEX_ERR for an unterminated string, identifier or comment, or a malformed
// hex/bit literal; lx is then positioned at the end.
int sql_lex_next(sql_token *out, sql_lex *lx, dm_err *err);

// sql_lex_is_word tells whether t is the unquoted word w (ASCII case-insensitive).
bool sql_lex_is_word(const sql_lex *lx, const sql_token *t, const char *w);

// sql_lex_is_op tells whether t is the operator op.
bool sql_lex_is_op(const sql_lex *lx, const sql_token *t, const char *op);

// sql_lex_decode appends the value of t to out: an identifier without quotes and with
// doubled quotes undone; a string without prefix and quotes, escapes resolved; any other
// token as its source text. Errors: DM_ERR_NOMEM.
int sql_lex_decode(dm_buf *out, const sql_lex *lx, const sql_token *t);

#endif
