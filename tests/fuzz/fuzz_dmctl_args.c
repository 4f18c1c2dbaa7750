// fuzz_dmctl_args: dmctl's command-line handling on arbitrary text: the interactive line
// splitter, then the option parser (every option kind) on the words it produced, and the
// duration parser on each word. Invariants: every call returns 0 or a dmctl/functional
// error code, positional arguments come from the input words, and a parsed duration is
// never negative.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dmctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const dmctl_opt opts[] = {{"remove-meta", 0, DMCTL_OPT_BOOL},
                                     {"source", 's', DMCTL_OPT_LIST},
                                     {"file", 'f', DMCTL_OPT_STR},
                                     {"leader", 'l', DMCTL_OPT_BOOL}};
    dmctl_strlist words = {0};
    dmctl_args a;
    dm_err err;
    char *line = malloc(size + 1);
    if (!line)
        return 0;
    memcpy(line, data, size);
    line[size] = '\0';
    int rc = dmctl_split_line(&words, line, &err);
    if (rc != 0 && rc != DMCTL_ERR_ARGS && rc != DM_ERR_NOMEM)
        __builtin_trap();
    if (rc == 0 && words.n > 0) {
        rc = dmctl_args_parse(&a, opts, 4, (int)words.n, words.items, &err);
        if (rc == 0) {
            for (size_t i = 0; i < a.n_pos; i++) {
                bool found = false;
                for (size_t k = 1; k < words.n && !found; k++)
                    found = a.pos[i] == words.items[k];
                if (!found)
                    __builtin_trap();
            }
            dmctl_args_fini(&a);
        } else if (rc != DMCTL_ERR_ARGS && rc != DM_ERR_NOMEM) {
            __builtin_trap();
        }
        for (size_t k = 0; k < words.n; k++) {
            int64_t ms = -1;
            rc = dmctl_parse_duration(&ms, words.items[k], &err);
            if ((rc == 0 && ms < 0) || (rc != 0 && rc != DMCTL_ERR_ARGS))
                __builtin_trap();
        }
    }
    dmctl_strlist_fini(&words);
    free(line);
    return 0;
}
