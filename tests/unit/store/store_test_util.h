// store_test_util: synthetic binlog events for the relay store tests (v4 19-byte header,
// body of pseudo-random, partly compressible bytes). Header-only: each test includes it.
#ifndef STORE_TEST_UTIL_H
#define STORE_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay_store.h"

#define EV_QUERY 2
#define EV_ROTATE 4
#define EV_FDE 15
#define EV_XID 16
#define EV_WRITE_ROWS 30
#define EV_GTID_MDB 162

static inline void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

// make_event fills buf (size bytes) with an event of the given type whose header log_pos is
// next_pos (low 32 bits) and whose body derives from seed.
static inline void make_event(uint8_t *buf, size_t size, uint8_t type, uint64_t next_pos,
                              uint16_t flags, uint64_t seed)
{
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    put32(buf, 1700000000u);
    buf[4] = type;
    put32(buf + 5, 1);
    put32(buf + 9, (uint32_t)size);
    put32(buf + 13, (uint32_t)next_pos);
    buf[17] = (uint8_t)flags;
    buf[18] = (uint8_t)(flags >> 8);
    for (size_t i = 19; i < size; i++) {
        if ((i & 15) < 10) { // partly compressible, like row images
            buf[i] = (uint8_t)('a' + (i % 7));
            continue;
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (uint8_t)x;
    }
}

// test_dir makes a fresh directory under /tmp and returns it (static buffer per call site
// is not needed: the caller copies it).
static inline void test_dir(char *out, size_t n, const char *name)
{
    char cmd[512];
    snprintf(out, n, "/tmp/dm-store-test-%s-%d", name, (int)getpid());
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", out);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot clean %s\n", out);
}

static inline void rm_dir(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

// peak_rss_kib reads VmHWM from /proc/self/status.
static inline long peak_rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "VmHWM: %ld", &v) == 1)
            break;
    fclose(f);
    return v;
}

#endif
