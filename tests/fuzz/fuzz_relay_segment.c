// fuzz_relay_segment: the receiving side of the segment stream decodes bytes from the
// network. Two paths: the input as a shipped segment (header, checksum, zstd frame), and
// the input as the decompressed records of a segment sealed with a valid checksum (what a
// buggy or hostile sender with a correct checksum could send). Nothing may crash; every
// event handed out must lie inside the decoded buffer and carry a consistent header size.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relay_store_int.h"

static void drain(relay_store_segment_iter *it)
{
    relay_store_event ev;
    while (relay_store_segment_iter_next(&ev, it, NULL) == 0) {
        const uint8_t *lo = (const uint8_t *)it->raw.data;
        if (ev.data < lo || ev.data + ev.len > lo + it->raw.len || ev.len < 19)
            abort();
        if (((uint32_t)ev.data[9] | (uint32_t)ev.data[10] << 8 | (uint32_t)ev.data[11] << 16 |
             (uint32_t)ev.data[12] << 24) != ev.len)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    relay_store_segment_iter it;
    rs_sealed q;
    ZSTD_CCtx *cctx;
    memset(&it, 0, sizeof(it));
    if (relay_store_segment_iter_init(&it, data, size, NULL) == 0)
        drain(&it);
    if (size < 1)
        goto done;
    memset(&q, 0, sizeof(q));
    q.id = 7;
    q.epoch = 1;
    memcpy(q.file, "fuzz-bin.000001", 16);
    q.flags = data[0] & 3;
    cctx = ZSTD_createCCtx();
    if (cctx && rs_seg_seal(&q, cctx, 1, (data[0] & 4) ? GTID_FLAVOR_MYSQL : GTID_FLAVOR_MARIADB,
                            data + 1, size - 1, NULL) == 0 &&
        relay_store_segment_iter_init(&it, q.value.data, q.value.len, NULL) == 0)
        drain(&it);
    ZSTD_freeCCtx(cctx);
    dm_buf_fini(&q.value);
done:
    relay_store_segment_iter_fini(&it);
    return 0;
}
