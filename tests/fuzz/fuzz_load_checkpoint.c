// fuzz_load_checkpoint: the load unit's decoder of stored chunk bounds (JSON arrays read back
// from the downstream's loader checkpoint) and its value encoders, on arbitrary bytes.
// Input: byte 0 picks the key width (1..4), the rest is the stored text. A bound that
// decodes must encode back to a text that decodes to the same literals; the encoders must
// never put a raw NUL, quote or newline where the server's lexer would end the value.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t n = (size_t)(data[0] % 4) + 1;
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';

    char **lits = NULL, **again = NULL;
    dm_err e;
    dm_buf b;
    dm_buf_init(&b);
    if (load_bound_from_json(&lits, text, n, &e) == 0 && lits) {
        if (load_bound_to_json(&b, lits, n) != 0 || load_bound_from_json(&again, b.data, n, &e) != 0)
            abort();
        for (size_t i = 0; i < n; i++)
            if (strcmp(lits[i], again[i]) != 0)
                abort();
    }
    dump_strv_free(lits, lits ? n : 0);
    dump_strv_free(again, again ? n : 0);

    // Encoders over the raw bytes.
    dm_buf_reset(&b);
    if (load_quote_bytes(&b, (const char *)data, size) == 0) {
        if (strlen(b.data) != b.len || b.data[0] != '\'' || b.data[b.len - 1] != '\'')
            abort();
        for (size_t i = 1; i + 1 < b.len; i++)
            if (b.data[i] == '\\')
                i++;
            else if (b.data[i] == '\'')
                abort();
    }
    dm_buf_reset(&b);
    if (load_tsv_field(&b, (const char *)data, size) == 0) {
        if (strlen(b.data) != b.len || memchr(b.data, '\t', b.len) || memchr(b.data, '\n', b.len))
            abort();
    }
    dm_buf_fini(&b);
    free(text);
    return 0;
}
