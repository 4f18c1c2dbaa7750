// Helpers shared by the binlog unit tests: reading fixture files and building events.
#ifndef BINLOG_TEST_UTIL_H
#define BINLOG_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "binlog.h"

static inline uint8_t *bt_read_file(const char *name, size_t *len)
{
    const char *dir = getenv("DM_TEST_DATA_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/binlog/%s", dir ? dir : DM_TEST_DATA_DIR, name);
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n + 1);
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

static inline void bt_put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

// bt_event builds an event of type with the given post-header+body bytes; crc appends a
// CRC32. The caller frees the result; *len receives its size.
static inline uint8_t *bt_event(uint8_t type, const void *payload, size_t n, uint32_t log_pos,
                                uint16_t flags, int crc, size_t *len)
{
    size_t size = 19 + n + (crc ? 4 : 0);
    uint8_t *e = calloc(1, size);
    bt_put_le(e, 1700000000, 4);
    e[4] = type;
    bt_put_le(e + 5, 7, 4);
    bt_put_le(e + 9, size, 4);
    bt_put_le(e + 13, log_pos, 4);
    bt_put_le(e + 17, flags, 2);
    if (n)
        memcpy(e + 19, payload, n);
    if (crc)
        bt_put_le(e + size - 4, crc32(0, e, (uInt)(size - 4)), 4);
    *len = size;
    return e;
}

#endif
