// ddl_internal: what the files of the ddl module share (not a public header): the arena
// every statement allocates from and the bookkeeping of verbatim statements.
#ifndef DDL_INTERNAL_H
#define DDL_INTERNAL_H

#include <stddef.h>

#include "ddl.h"

typedef struct ddl_chunk {
    struct ddl_chunk *next;
    size_t used;
    size_t cap;
    max_align_t data[];
} ddl_chunk;

// Where, in ddl_other.text, a table reference was written: [start, end) is replaced by the
// reference's current name when the statement is printed. index is into ddl_other.tables.
typedef struct ddl_span {
    size_t start;
    size_t end;
    size_t index;
} ddl_span;

struct ddl_priv {
    ddl_chunk *chunks;
    ddl_span *spans;  // sorted by start; in the arena
    size_t n_spans;
    ddl_parse_opts opts;  // how the statement was parsed (ddl_split re-parses with them)
};

// ddl_alloc returns zeroed memory of n bytes from s's arena, or NULL when out of memory.
void *ddl_alloc(ddl_stmt *s, size_t n);

// ddl_strndup copies p[0..n) as a NUL-terminated string into s's arena (NULL on no memory).
char *ddl_strndup(ddl_stmt *s, const char *p, size_t n);

// ddl_stmt_new returns an empty statement with its arena, or NULL when out of memory.
ddl_stmt *ddl_stmt_new(void);

// ddl_is_reserved_word tells whether w (any case) cannot be an unquoted identifier.
bool ddl_is_reserved_word(const char *w);

// ddl_print_ident appends name back-quoted (backquotes doubled).
int ddl_print_ident(dm_buf *out, const char *name);

// ddl_print_name appends [`db`.]`name`.
int ddl_print_name(dm_buf *out, const ddl_name *n);

// ddl_print_alter_spec appends one ALTER TABLE specification.
int ddl_print_alter_spec(dm_buf *out, const ddl_alter_spec *sp);

#endif
