// replay_main replays a fuzz target's corpus without libFuzzer, so every CI run checks that
// no stored input (seeds and past findings) crashes a decoder under the sanitizers.
// Usage: replay_<target> CORPUS_DIR [FILE...]. Fails when the directory holds no input.
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    long n;
    int rc = -1;
    if (f == NULL)
        goto done;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        goto done;
    data = malloc((size_t)n + 1);
    if (data == NULL || fread(data, 1, (size_t)n, f) != (size_t)n)
        goto done;
    LLVMFuzzerTestOneInput(data, (size_t)n);
    rc = 0;
done:
    if (f)
        fclose(f);
    free(data);
    if (rc != 0)
        fprintf(stderr, "replay: cannot read %s\n", path);
    return rc;
}

int main(int argc, char **argv)
{
    DIR *d;
    struct dirent *de;
    int count = 0, failed = 0;
    char path[4096];
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR [FILE...]\n", argv[0]);
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        failed |= replay_file(argv[i]) != 0;
        count++;
    }
    d = opendir(argv[1]);
    if (d == NULL) {
        fprintf(stderr, "replay: no corpus directory %s\n", argv[1]);
        return 1;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", argv[1], de->d_name);
        failed |= replay_file(path) != 0;
        count++;
    }
    closedir(d);
    if (count == 0) {
        fprintf(stderr, "replay: corpus %s is empty\n", argv[1]);
        return 1;
    }
    printf("replayed %d inputs\n", count);
    return failed;
}
