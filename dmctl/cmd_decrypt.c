// dmctl decrypt CIPHERTEXT: print the password inside a `dmctl encrypt` ciphertext.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmctl.h"

static void decrypt_usage(FILE *f)
{
    fprintf(f, "Usage: dmctl decrypt [--secret-key-path PATH] CIPHERTEXT\n"
               "\n"
               "Decrypts a ciphertext produced by `dmctl encrypt` with the same key file\n"
               "(--secret-key-path, else $DM_SECRET_KEY_PATH, else $HOME/.dmigrate/secret.key)\n"
               "and prints the plaintext.\n");
}

int dmctl_cmd_decrypt(int argc, char **argv)
{
    const char *key_flag = NULL, *text = NULL;
    char path[4096];
    secret_key key;
    char *out = NULL;
    size_t out_len = 0;
    dm_err err;
    int rc = dmctl_parse_key_args(argc, argv, decrypt_usage, &key_flag, &text);
    if (rc >= 0)
        return rc;
    rc = DMCTL_EXIT_FAIL;
    dm_err_clear(&err);
    memset(&key, 0, sizeof(key));
    if (dmctl_key_path(path, sizeof(path), key_flag) != 0)
        return DMCTL_EXIT_FAIL;
    if (secret_key_load(&key, path, &err) != 0 ||
        secret_decrypt(&out, &out_len, &key, text, &err) != 0) {
        dmctl_print_err("dmctl decrypt", &err);
        goto done;
    }
    fwrite(out, 1, out_len, stdout);
    fputc('\n', stdout);
    rc = DMCTL_EXIT_OK;
done:
    secret_key_wipe(&key);
    if (out != NULL)
        memset(out, 0, out_len);
    free(out);
    return rc;
}
