// Unit tests of password encryption: round trip, tamper detection, fresh nonces, key files.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "secret.h"

typedef struct fixture {
    char dir[64];
    char key_path[128];
    secret_key key;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/dm-secret-test.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->key_path, sizeof(f->key_path), "%s/sub/dir/secret.key", f->dir);
    if (secret_key_load_or_create(&f->key, f->key_path, NULL, NULL) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void test_round_trip(void **state)
{
    fixture *f = *state;
    const char *inputs[] = {"", "a", "123456", "p@ss w0rd with spaces and ünïcode",
                            "0123456789012345678901234567890123456789012345678901234567890123"};
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        char *ct = NULL, *pt = NULL;
        size_t n = 0;
        assert_int_equal(secret_encrypt(&ct, &f->key, inputs[i], strlen(inputs[i]), NULL), 0);
        assert_true(secret_looks_encrypted(ct));
        assert_int_equal(secret_decrypt(&pt, &n, &f->key, ct, NULL), 0);
        assert_int_equal(n, strlen(inputs[i]));
        assert_string_equal(pt, inputs[i]);
        free(ct);
        free(pt);
    }
}

static void test_fresh_nonce(void **state)
{
    fixture *f = *state;
    char *a = NULL, *b = NULL;
    unsigned char ra[64], rb[64];
    assert_int_equal(secret_encrypt(&a, &f->key, "same", 4, NULL), 0);
    assert_int_equal(secret_encrypt(&b, &f->key, "same", 4, NULL), 0);
    assert_string_not_equal(a, b);
    // The 12 nonce bytes after the version byte differ.
    EVP_DecodeBlock(ra, (const unsigned char *)a, (int)strlen(a));
    EVP_DecodeBlock(rb, (const unsigned char *)b, (int)strlen(b));
    assert_int_equal(ra[0], SECRET_VERSION);
    assert_memory_not_equal(ra + 1, rb + 1, SECRET_NONCE_LEN);
    free(a);
    free(b);
}

// flip changes bit 0 of raw byte i of a base64 ciphertext, re-encoding it.
static char *flip(const char *ct, size_t i)
{
    unsigned char raw[256];
    int n = EVP_DecodeBlock(raw, (const unsigned char *)ct, (int)strlen(ct));
    size_t len = strlen(ct);
    char *out = malloc(len + 4);
    int pad = (len >= 1 && ct[len - 1] == '=') + (len >= 2 && ct[len - 2] == '=');
    raw[i] ^= 1;
    EVP_EncodeBlock((unsigned char *)out, raw, n - pad);
    return out;
}

static void test_tamper_detected(void **state)
{
    fixture *f = *state;
    char *ct = NULL, *pt = NULL;
    size_t n;
    dm_err err;
    // version byte is covered by secret_looks_encrypted; nonce, ciphertext and tag by GCM.
    size_t positions[] = {1, 6, 12, 13, 15, 13 + 6 + 1, 13 + 6 + 15};
    assert_int_equal(secret_encrypt(&ct, &f->key, "secret", 6, NULL), 0);
    for (size_t i = 0; i < sizeof(positions) / sizeof(positions[0]); i++) {
        char *bad = flip(ct, positions[i]);
        dm_err_clear(&err);
        assert_int_equal(secret_decrypt(&pt, &n, &f->key, bad, &err), SECRET_ERR_AUTH);
        assert_null(pt);
        assert_non_null(strstr(err.message, "authentication failed"));
        free(bad);
    }
    {
        char *bad = flip(ct, 0);
        assert_int_equal(secret_decrypt(&pt, &n, &f->key, bad, NULL), SECRET_ERR_FORMAT);
        free(bad);
    }
    // Truncated text is not our format.
    ct[8] = '\0';
    assert_int_equal(secret_decrypt(&pt, &n, &f->key, ct, NULL), SECRET_ERR_FORMAT);
    free(ct);
}

static void test_wrong_key(void **state)
{
    fixture *f = *state;
    secret_key other;
    char *ct = NULL, *pt = NULL;
    size_t n;
    memcpy(&other, &f->key, sizeof(other));
    other.bytes[31] ^= 0x80;
    assert_int_equal(secret_encrypt(&ct, &f->key, "x", 1, NULL), 0);
    assert_int_equal(secret_decrypt(&pt, &n, &other, ct, NULL), SECRET_ERR_AUTH);
    free(ct);
}

static void test_looks_encrypted(void **state)
{
    (void)state;
    assert_false(secret_looks_encrypted(""));
    assert_false(secret_looks_encrypted("123456"));
    assert_false(secret_looks_encrypted("root"));
    // DM's own ciphertext from its docs: valid base64 but not our version/length.
    assert_false(secret_looks_encrypted("/Q7B9DizNLLTTfiZHv9WoEAKamfpIUs="));
    assert_false(secret_looks_encrypted("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!"));
}

static void test_key_file(void **state)
{
    fixture *f = *state;
    struct stat st;
    secret_key k2;
    bool created = true;
    char path[192];
    int fd;
    dm_err err;
    assert_int_equal(stat(f->key_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, SECRET_KEY_LEN);
    // An existing key is loaded, never replaced.
    assert_int_equal(secret_key_load_or_create(&k2, f->key_path, &created, NULL), 0);
    assert_false(created);
    assert_memory_equal(k2.bytes, f->key.bytes, SECRET_KEY_LEN);
    // Missing, too open, wrong size.
    snprintf(path, sizeof(path), "%s/none.key", f->dir);
    dm_err_clear(&err);
    assert_int_equal(secret_key_load(&k2, path, &err), SECRET_ERR_KEY_MISSING);
    assert_non_null(strstr(err.message, path));
    chmod(f->key_path, 0644);
    assert_int_equal(secret_key_load(&k2, f->key_path, NULL), SECRET_ERR_KEY_INVALID);
    chmod(f->key_path, 0600);
    snprintf(path, sizeof(path), "%s/short.key", f->dir);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "short", 5), 5);
    close(fd);
    assert_int_equal(secret_key_load(&k2, path, NULL), SECRET_ERR_KEY_INVALID);
    // No temporary file is left behind by creation.
    snprintf(path, sizeof(path), "%s/sub/dir", f->dir);
    {
        char cmd[256];
        snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) -eq 1", path);
        assert_int_equal(system(cmd), 0);
    }
    secret_key_wipe(&k2);
}

// Processes racing to create the key all end up with the one key that was published.
static void test_concurrent_create(void **state)
{
    fixture *f = *state;
    char path[192];
    int fds[2];
    secret_key keys[8];
    assert_int_equal(pipe(fds), 0);
    snprintf(path, sizeof(path), "%s/race/secret.key", f->dir);
    for (int i = 0; i < 8; i++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            secret_key k;
            int ok = secret_key_load_or_create(&k, path, NULL, NULL) == 0;
            if (!ok)
                memset(&k, 0, sizeof(k));
            if (write(fds[1], &k, sizeof(k)) != (ssize_t)sizeof(k))
                _exit(2);
            _exit(ok ? 0 : 1);
        }
    }
    close(fds[1]);
    for (int i = 0; i < 8; i++)
        assert_int_equal(read(fds[0], &keys[i], sizeof(keys[i])), (ssize_t)sizeof(keys[i]));
    close(fds[0]);
    for (int i = 0; i < 8; i++) {
        int st = 0;
        assert_true(wait(&st) > 0);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    {
        secret_key on_disk;
        assert_int_equal(secret_key_load(&on_disk, path, NULL), 0);
        for (int i = 0; i < 8; i++)
            assert_memory_equal(keys[i].bytes, on_disk.bytes, SECRET_KEY_LEN);
    }
}

static void test_default_path(void **state)
{
    char out[256];
    (void)state;
    setenv("DM_SECRET_KEY_PATH", "/x/y.key", 1);
    assert_int_equal(secret_key_path_default(out, sizeof(out), NULL), 0);
    assert_string_equal(out, "/x/y.key");
    unsetenv("DM_SECRET_KEY_PATH");
    setenv("HOME", "/home/u", 1);
    assert_int_equal(secret_key_path_default(out, sizeof(out), NULL), 0);
    assert_string_equal(out, "/home/u/.dmigrate/secret.key");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fresh_nonce, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key, setup, teardown),
        cmocka_unit_test(test_looks_encrypted),
        cmocka_unit_test_setup_teardown(test_key_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_create, setup, teardown),
        cmocka_unit_test(test_default_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
