// dmctl encrypt PLAINTEXT: print the ciphertext of a password (see secret.h for the format).
// The key file is created on first use.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmctl.h"

static void encrypt_usage(FILE *f)
{
    fprintf(f,
            "Usage: dmctl encrypt [--secret-key-path PATH] PLAINTEXT\n"
            "\n"
            "Encrypts PLAINTEXT (\"-\" reads one line from standard input) with AES-256-GCM and\n"
            "prints the base64 ciphertext to use as a password in source and task files.\n"
            "The key is read from --secret-key-path, else $DM_SECRET_KEY_PATH, else\n"
            "$HOME/.dmigrate/secret.key; it is created (32 random bytes, mode 0600) when absent.\n");
}

// read_stdin_line reads one line (without its newline) into buf.
static int read_stdin_line(char *buf, size_t size)
{
    size_t n;
    if (fgets(buf, (int)size, stdin) == NULL)
        return -1;
    n = strcspn(buf, "\r\n");
    buf[n] = '\0';
    return 0;
}

int dmctl_cmd_encrypt(int argc, char **argv)
{
    const char *key_flag = NULL, *plain = NULL;
    char path[4096], line[4096];
    secret_key key;
    char *out = NULL;
    bool created = false;
    dm_err err;
    int rc = dmctl_parse_key_args(argc, argv, encrypt_usage, &key_flag, &plain);
    if (rc >= 0)
        return rc;
    rc = DMCTL_EXIT_FAIL;
    memset(&key, 0, sizeof(key));
    if (strcmp(plain, "-") == 0) {
        if (read_stdin_line(line, sizeof(line)) != 0) {
            fprintf(stderr, "dmctl encrypt: nothing to read on standard input\n");
            return DMCTL_EXIT_FAIL;
        }
        plain = line;
    }
    dm_err_clear(&err);
    if (dmctl_key_path(path, sizeof(path), key_flag) != 0)
        return DMCTL_EXIT_FAIL;
    if (secret_key_load_or_create(&key, path, &created, &err) != 0) {
        dmctl_print_err("dmctl encrypt", &err);
        goto done;
    }
    if (created)
        fprintf(stderr, "dmctl encrypt: created secret key %s (keep it: every encrypted "
                        "password needs it)\n",
                path);
    if (secret_encrypt(&out, &key, plain, strlen(plain), &err) != 0) {
        dmctl_print_err("dmctl encrypt", &err);
        goto done;
    }
    printf("%s\n", out);
    rc = DMCTL_EXIT_OK;
done:
    secret_key_wipe(&key);
    memset(line, 0, sizeof(line));
    free(out);
    return rc;
}
