// DESIGN: password encryption with AES-256-GCM (OpenSSL EVP) under a local key file.
//
// GCM gives confidentiality and integrity; the 12-byte nonce is random per encryption (the
// number of passwords encrypted under one key is tiny, far from the 2^32 random-nonce bound).
// The version byte is fed as AAD so it cannot be swapped. Base64 is checked strictly here
// before OpenSSL's lenient decoder sees it, so "looks encrypted" has a precise meaning.
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIN_RAW (1 + SECRET_NONCE_LEN + SECRET_TAG_LEN)

void secret_key_wipe(secret_key *k)
{
    if (k != NULL)
        OPENSSL_cleanse(k->bytes, sizeof(k->bytes));
}

int secret_key_path_default(char *out, size_t size, dm_err *err)
{
    const char *env = getenv("DM_SECRET_KEY_PATH");
    const char *home = getenv("HOME");
    int n;
    if (env != NULL && env[0] != '\0')
        n = snprintf(out, size, "%s", env);
    else if (home != NULL && home[0] != '\0')
        n = snprintf(out, size, "%s/.dmigrate/secret.key", home);
    else
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "no secret key path: set --secret-key-path, DM_SECRET_KEY_PATH or HOME");
    if (n < 0 || (size_t)n >= size)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "secret key path too long");
    return 0;
}

int secret_key_load(secret_key *out, const char *path, dm_err *err)
{
    struct stat st;
    unsigned char buf[SECRET_KEY_LEN + 1];
    ssize_t n;
    size_t got = 0;
    int fd, rc = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return dm_err_set(err, SECRET_ERR_KEY_MISSING, DM_ERR_SCOPE_INTERNAL,
                              "secret key file %s does not exist (run `dmctl encrypt` to create "
                              "one, or pass --secret-key-path)",
                              path);
        return dm_err_from_errno(err, errno, "cannot open secret key file %s", path);
    }
    if (fstat(fd, &st) != 0) {
        rc = dm_err_from_errno(err, errno, "cannot stat secret key file %s", path);
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = dm_err_set(err, SECRET_ERR_KEY_INVALID, DM_ERR_SCOPE_INTERNAL,
                        "secret key file %s is not a regular file", path);
        goto done;
    }
    if ((st.st_mode & 077) != 0) {
        rc = dm_err_set(err, SECRET_ERR_KEY_INVALID, DM_ERR_SCOPE_INTERNAL,
                        "secret key file %s has mode %03o; it must be readable by its owner only "
                        "(chmod 600)",
                        path, (unsigned)(st.st_mode & 0777));
        goto done;
    }
    while (got < sizeof(buf)) {
        n = read(fd, buf + got, sizeof(buf) - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = dm_err_from_errno(err, errno, "cannot read secret key file %s", path);
            goto done;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    if (got != SECRET_KEY_LEN) {
        rc = dm_err_set(err, SECRET_ERR_KEY_INVALID, DM_ERR_SCOPE_INTERNAL,
                        "secret key file %s must hold exactly %d bytes", path, SECRET_KEY_LEN);
        goto done;
    }
    memcpy(out->bytes, buf, SECRET_KEY_LEN);
done:
    OPENSSL_cleanse(buf, sizeof(buf));
    close(fd);
    return rc;
}

// mkdir_parents creates the directories leading to path's last component (mode 0700).
static int mkdir_parents(const char *path, dm_err *err)
{
    char dir[PATH_MAX];
    size_t len = strlen(path);
    if (len >= sizeof(dir))
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "path too long: %s",
                          path);
    memcpy(dir, path, len + 1);
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        if (strchr(p + 1, '/') == NULL && p[1] == '\0')
            break;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return dm_err_from_errno(err, errno, "cannot create directory %s", dir);
        *p = '/';
    }
    return 0;
}

static int fsync_dir_of(const char *path, dm_err *err)
{
    char dir[PATH_MAX];
    char *slash;
    int fd, rc = 0;
    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return dm_err_from_errno(err, errno, "cannot open directory %s", dir);
    if (fsync(fd) != 0)
        rc = dm_err_from_errno(err, errno, "cannot fsync directory %s", dir);
    close(fd);
    return rc;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int key_create(secret_key *out, const char *path, bool *created, dm_err *err)
{
    char tmp[PATH_MAX];
    secret_key k;
    int fd = -1, rc = 0;
    bool tmp_exists = false;
    if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "path too long: %s",
                          path);
    if ((rc = mkdir_parents(path, err)) != 0)
        return rc;
    if (RAND_bytes(k.bytes, sizeof(k.bytes)) != 1)
        return dm_err_set(err, SECRET_ERR_CRYPTO, DM_ERR_SCOPE_INTERNAL,
                          "cannot draw random bytes for a new secret key");
    fd = mkostemp(tmp, O_CLOEXEC); // mode 0600, a unique name even across threads
    if (fd < 0) {
        rc = dm_err_from_errno(err, errno, "cannot create %s", tmp);
        goto done;
    }
    tmp_exists = true;
    if (write_all(fd, k.bytes, sizeof(k.bytes)) != 0 || fsync(fd) != 0) {
        rc = dm_err_from_errno(err, errno, "cannot write %s", tmp);
        goto done;
    }
    close(fd);
    fd = -1;
    // link() publishes the file under its final name only if no key exists there, so a
    // key made concurrently by another process is never replaced (ciphertexts depend on it).
    if (link(tmp, path) != 0) {
        if (errno == EEXIST) {
            rc = secret_key_load(out, path, err);
            if (rc == 0 && created)
                *created = false;
            goto done;
        }
        if (rename(tmp, path) != 0) {
            rc = dm_err_from_errno(err, errno, "cannot install secret key %s", path);
            goto done;
        }
        tmp_exists = false;
    }
    if ((rc = fsync_dir_of(path, err)) != 0)
        goto done;
    *out = k;
    if (created)
        *created = true;
done:
    if (fd >= 0)
        close(fd);
    if (tmp_exists)
        unlink(tmp);
    secret_key_wipe(&k);
    return rc;
}

int secret_key_load_or_create(secret_key *out, const char *path, bool *created, dm_err *err)
{
    int rc = secret_key_load(out, path, err);
    if (rc != SECRET_ERR_KEY_MISSING) {
        if (rc == 0 && created)
            *created = false;
        return rc;
    }
    dm_err_clear(err);
    return key_create(out, path, created, err);
}

// b64_decoded_len validates text as strict padded base64 and returns the decoded length, or
// -1 when it is not.
static long b64_decoded_len(const char *text, size_t len)
{
    size_t pad = 0;
    if (len == 0 || len % 4 != 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '+' || c == '/';
        if (c == '=' && i >= len - 2) {
            pad++;
            continue;
        }
        if (!alpha || pad > 0)
            return -1;
    }
    return (long)(len / 4 * 3 - pad);
}

static unsigned char *b64_decode(const char *text, size_t *out_len)
{
    size_t len = strlen(text);
    long dl = b64_decoded_len(text, len);
    unsigned char *buf;
    if (dl < 0)
        return NULL;
    buf = malloc(len / 4 * 3 + 1);
    if (buf == NULL)
        return NULL;
    if (EVP_DecodeBlock(buf, (const unsigned char *)text, (int)len) < 0) {
        free(buf);
        return NULL;
    }
    *out_len = (size_t)dl;
    return buf;
}

bool secret_looks_encrypted(const char *text)
{
    size_t len = strlen(text);
    long dl = b64_decoded_len(text, len);
    unsigned char first[3];
    if (dl < MIN_RAW || len > 1u << 20)
        return false;
    if (EVP_DecodeBlock(first, (const unsigned char *)text, 4) != 3)
        return false;
    return first[0] == SECRET_VERSION;
}

int secret_encrypt(char **out, const secret_key *key, const char *plaintext, size_t len,
                   dm_err *err)
{
    EVP_CIPHER_CTX *ctx = NULL;
    unsigned char *raw = NULL;
    char *b64 = NULL;
    size_t raw_len;
    int n, rc = 0;
    unsigned char version = SECRET_VERSION;
    *out = NULL;
    if (len > (1u << 16))
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "plaintext too long (%zu bytes)", len);
    raw_len = MIN_RAW + len;
    raw = malloc(raw_len);
    b64 = malloc((raw_len + 2) / 3 * 4 + 1);
    ctx = EVP_CIPHER_CTX_new();
    if (raw == NULL || b64 == NULL || ctx == NULL) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto done;
    }
    raw[0] = version;
    if (RAND_bytes(raw + 1, SECRET_NONCE_LEN) != 1 ||
        EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, SECRET_NONCE_LEN, NULL) != 1 ||
        EVP_EncryptInit_ex(ctx, NULL, NULL, key->bytes, raw + 1) != 1 ||
        EVP_EncryptUpdate(ctx, NULL, &n, &version, 1) != 1 ||
        (len > 0 && EVP_EncryptUpdate(ctx, raw + 1 + SECRET_NONCE_LEN, &n,
                                      (const unsigned char *)plaintext, (int)len) != 1) ||
        EVP_EncryptFinal_ex(ctx, raw + 1 + SECRET_NONCE_LEN + len, &n) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SECRET_TAG_LEN,
                            raw + 1 + SECRET_NONCE_LEN + len) != 1) {
        rc = dm_err_set(err, SECRET_ERR_CRYPTO, DM_ERR_SCOPE_INTERNAL, "AES-256-GCM encryption failed");
        goto done;
    }
    EVP_EncodeBlock((unsigned char *)b64, raw, (int)raw_len);
    *out = b64;
    b64 = NULL;
done:
    EVP_CIPHER_CTX_free(ctx);
    if (raw != NULL)
        OPENSSL_cleanse(raw, raw_len);
    free(raw);
    free(b64);
    return rc;
}

int secret_decrypt(char **out, size_t *out_len, const secret_key *key, const char *text,
                   dm_err *err)
{
    EVP_CIPHER_CTX *ctx = NULL;
    unsigned char *raw = NULL;
    char *plain = NULL;
    size_t raw_len = 0, ct_len;
    int n, rc = 0;
    *out = NULL;
    *out_len = 0;
    if (!secret_looks_encrypted(text))
        return dm_err_set(err, SECRET_ERR_FORMAT, DM_ERR_SCOPE_INTERNAL,
                          "not a `dmctl encrypt` ciphertext (expected base64 of version %d, "
                          "nonce, ciphertext and tag)",
                          SECRET_VERSION);
    raw = b64_decode(text, &raw_len);
    if (raw == NULL)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    ct_len = raw_len - MIN_RAW;
    plain = malloc(ct_len + 1);
    ctx = EVP_CIPHER_CTX_new();
    if (plain == NULL || ctx == NULL) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto done;
    }
    if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, SECRET_NONCE_LEN, NULL) != 1 ||
        EVP_DecryptInit_ex(ctx, NULL, NULL, key->bytes, raw + 1) != 1 ||
        EVP_DecryptUpdate(ctx, NULL, &n, raw, 1) != 1 ||
        (ct_len > 0 && EVP_DecryptUpdate(ctx, (unsigned char *)plain, &n,
                                         raw + 1 + SECRET_NONCE_LEN, (int)ct_len) != 1) ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SECRET_TAG_LEN,
                            raw + 1 + SECRET_NONCE_LEN + ct_len) != 1) {
        rc = dm_err_set(err, SECRET_ERR_CRYPTO, DM_ERR_SCOPE_INTERNAL, "AES-256-GCM setup failed");
        goto done;
    }
    if (EVP_DecryptFinal_ex(ctx, (unsigned char *)plain + ct_len, &n) != 1) {
        rc = dm_err_set(err, SECRET_ERR_AUTH, DM_ERR_SCOPE_INTERNAL,
                        "ciphertext authentication failed: wrong secret key or tampered text");
        goto done;
    }
    plain[ct_len] = '\0';
    *out = plain;
    *out_len = ct_len;
    plain = NULL;
done:
    EVP_CIPHER_CTX_free(ctx);
    if (plain != NULL) {
        OPENSSL_cleanse(plain, ct_len + 1);
        free(plain);
    }
    if (raw != NULL)
        OPENSSL_cleanse(raw, raw_len);
    free(raw);
    return rc;
}
