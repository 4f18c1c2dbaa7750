// fuzz_binlog_client: the replica client's packet decoder (binlog_client_decode) on
// arbitrary stream packets. Input: one flags byte (bit 0: fake ROTATE/heartbeats carry a
// CRC, bit 1: the file's events do, bit 2: non-blocking dump), then packets as
// [u16 little-endian length][bytes], decoded in order against one stream state.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "binlog_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    binlog_client_state st;
    binlog_client_event ev;
    dm_err err;

    if (size < 1)
        return 0;
    memset(&st, 0, sizeof(st));
    st.fake_crc32 = data[0] & 1;
    st.crc32 = data[0] & 2;
    st.non_block = data[0] & 4;
    size_t off = 1;
    while (off + 2 <= size) {
        size_t len = (size_t)data[off] | (size_t)data[off + 1] << 8;
        off += 2;
        if (len > size - off)
            len = size - off;
        // A copy of exactly len bytes lets ASan catch any read past the packet.
        uint8_t *pkt = len ? __builtin_malloc(len) : NULL;
        if (len && !pkt)
            return 0;
        if (len)
            memcpy(pkt, data + off, len);
        int rc = binlog_client_decode(&ev, &st, pkt, len, &err);
        if (rc == 0 && ev.data && (ev.data < pkt || ev.data + ev.len > pkt + len))
            __builtin_trap();
        __builtin_free(pkt);
        off += len;
        if (rc)
            break;
    }
    return 0;
}
