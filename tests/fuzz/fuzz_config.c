// fuzz_config: feeds arbitrary bytes to the task and source loaders, the kind detector and the
// JSON renderer, from memory. Any crash, leak, hang or sanitizer report is a finding.
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // A key path that does not exist: encrypted-looking passwords take the plaintext path
    // without touching the user's real key.
    static const config_load_opts opts = {"/nonexistent/dm-fuzz/secret.key"};
    const char *text = (const char *)data;
    config_diag d;
    config_task *t = NULL;
    config_source *s = NULL;
    char line[512];

    config_diag_init(&d);
    if (config_task_from_string(&t, text, size, "fuzz.yaml", &opts, &d) == 0) {
        json_t *j = config_task_to_json(t);
        char *out = j ? json_dumps(j, JSON_COMPACT) : NULL;
        free(out);
        json_decref(j);
    }
    for (size_t i = 0; i < d.n_errors; i++)
        config_diag_entry_format(line, sizeof(line), &d.errors[i], false);
    config_task_destroy(t);
    config_diag_fini(&d);

    config_diag_init(&d);
    if (config_source_from_string(&s, text, size, "fuzz.yaml", &opts, &d) == 0) {
        json_t *j = config_source_to_json(s);
        json_decref(j);
    }
    config_source_destroy(s);
    config_diag_fini(&d);

    (void)config_detect_kind(text, size);
    return 0;
}
