#include "dm_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm_err.h"

void dm_buf_init(dm_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void dm_buf_fini(dm_buf *b)
{
    if (b == NULL)
        return;
    free(b->data);
    dm_buf_init(b);
}

void dm_buf_reset(dm_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

int dm_buf_reserve(dm_buf *b, size_t extra)
{
    size_t want, cap;
    char *p;
    if (extra > SIZE_MAX - b->len - 1)
        return DM_ERR_NOMEM;
    want = b->len + extra;
    if (want <= b->cap && b->data != NULL)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < want)
        cap = cap > SIZE_MAX / 2 ? want : cap * 2;
    p = realloc(b->data, cap + 1);
    if (p == NULL)
        return DM_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    b->data[b->len] = '\0';
    return 0;
}

int dm_buf_append(dm_buf *b, const void *p, size_t n)
{
    int rc;
    if ((rc = dm_buf_reserve(b, n)) != 0)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int dm_buf_puts(dm_buf *b, const char *s)
{
    return dm_buf_append(b, s, strlen(s));
}

int dm_buf_putc(dm_buf *b, char c)
{
    return dm_buf_append(b, &c, 1);
}

int dm_buf_vprintf(dm_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n, rc;
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return DM_ERR_INVALID_ARG;
    if ((rc = dm_buf_reserve(b, (size_t)n)) != 0)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int dm_buf_printf(dm_buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = dm_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *dm_buf_detach(dm_buf *b)
{
    char *p = b->data;
    if (p == NULL)
        p = calloc(1, 1);
    dm_buf_init(b);
    return p;
}
