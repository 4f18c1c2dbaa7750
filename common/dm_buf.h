// dm_buf: a growable byte buffer, the one used across the project for building SQL, wire
// messages and output text.
//
// A dm_buf is embedded by value (dm_buf_init / dm_buf_fini). The bytes are always followed
// by a NUL that is not counted in len, so data can be used as a C string when it holds text.
// Not thread-safe.
#ifndef DM_BUF_H
#define DM_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct dm_buf {
    char *data;  // NULL until the first append; owned by the buffer
    size_t len;  // bytes in use
    size_t cap;  // bytes allocated (excluding the trailing NUL's slot)
} dm_buf;

// dm_buf_init makes b empty; it allocates nothing.
void dm_buf_init(dm_buf *b);
// dm_buf_fini frees b's memory and leaves it empty and reusable. b may be NULL.
void dm_buf_fini(dm_buf *b);
// dm_buf_reset sets len to 0, keeping the allocation.
void dm_buf_reset(dm_buf *b);
// dm_buf_reserve ensures room for extra more bytes. Errors: DM_ERR_NOMEM.
int dm_buf_reserve(dm_buf *b, size_t extra);
// dm_buf_append copies n bytes. Errors: DM_ERR_NOMEM (b is unchanged).
int dm_buf_append(dm_buf *b, const void *p, size_t n);
// dm_buf_puts appends a C string (without its NUL). Errors: DM_ERR_NOMEM.
int dm_buf_puts(dm_buf *b, const char *s);
// dm_buf_putc appends one byte. Errors: DM_ERR_NOMEM.
int dm_buf_putc(dm_buf *b, char c);
// dm_buf_printf appends formatted text. Errors: DM_ERR_NOMEM.
int dm_buf_printf(dm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int dm_buf_vprintf(dm_buf *b, const char *fmt, va_list ap);
// dm_buf_detach hands the bytes to the caller (free() them) and leaves b empty. Returns a
// valid empty string when nothing was appended, or NULL when out of memory.
char *dm_buf_detach(dm_buf *b);

#endif
