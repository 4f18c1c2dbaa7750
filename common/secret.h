// secret: password encryption for configuration files (`dmctl encrypt` / `dmctl decrypt`).
//
// Format of a ciphertext: base64 (standard alphabet, padded) of
//     version (1 byte, 0x01) | nonce (12 random bytes) | AES-256-GCM ciphertext | tag (16 bytes)
// The version byte is authenticated as additional data, so a tampered version, nonce,
// ciphertext or tag fails to decrypt. A fresh nonce is drawn for every encryption.
//
// The key is 32 random bytes in a key file: `--secret-key-path`, else $DM_SECRET_KEY_PATH,
// else $HOME/.dmigrate/secret.key. The file must be a regular file of exactly 32 bytes that
// only its owner can read or write (mode 0600 or stricter). secret_key_create writes it with
// write + fsync + rename (never replacing an existing key) and fsyncs the directory.
//
// Threading: every function is reentrant. A secret_key is a plain value; wipe it with
// secret_key_wipe when done.
#ifndef SECRET_H
#define SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "dm_err.h"

// Error codes (config class, 20200-20299).
#define SECRET_ERR_KEY_MISSING 20201 // the key file does not exist
#define SECRET_ERR_KEY_INVALID 20202 // the key file is not 32 bytes, not regular, or too open
#define SECRET_ERR_FORMAT 20203      // the text is not a ciphertext of this format/version
#define SECRET_ERR_AUTH 20204        // authentication failed: wrong key or tampered text
#define SECRET_ERR_CRYPTO 20205      // the crypto library or random source failed

#define SECRET_KEY_LEN 32
#define SECRET_NONCE_LEN 12
#define SECRET_TAG_LEN 16
#define SECRET_VERSION 0x01

typedef struct secret_key {
    unsigned char bytes[SECRET_KEY_LEN];
} secret_key;

// secret_key_path_default writes the default key path ($DM_SECRET_KEY_PATH, else
// $HOME/.dmigrate/secret.key) to out. Errors: DM_ERR_INVALID_ARG when neither variable is
// set or the path does not fit.
int secret_key_path_default(char *out, size_t size, dm_err *err);

// secret_key_load reads the key file at path into *out. Errors: SECRET_ERR_KEY_MISSING,
// SECRET_ERR_KEY_INVALID, DM_ERR_IO; the message names the path.
int secret_key_load(secret_key *out, const char *path, dm_err *err);

// secret_key_load_or_create loads the key at path, or creates it (and its directory, mode
// 0700) with 32 random bytes when the file does not exist. *created (may be NULL) tells
// which happened. When another process creates the key concurrently, its key is loaded.
// Errors: those of secret_key_load, DM_ERR_IO, SECRET_ERR_CRYPTO.
int secret_key_load_or_create(secret_key *out, const char *path, bool *created, dm_err *err);

// secret_encrypt encrypts plaintext[0..len) under key; *out is a new NUL-terminated base64
// string (free() it). Errors: SECRET_ERR_CRYPTO, DM_ERR_NOMEM.
int secret_encrypt(char **out, const secret_key *key, const char *plaintext, size_t len,
                   dm_err *err);

// secret_decrypt decrypts text produced by secret_encrypt; *out is a new buffer holding the
// plaintext followed by a NUL (free() it; out_len excludes the NUL). Errors:
// SECRET_ERR_FORMAT (not our format), SECRET_ERR_AUTH (wrong key or tampered), DM_ERR_NOMEM.
int secret_decrypt(char **out, size_t *out_len, const secret_key *key, const char *text,
                   dm_err *err);

// secret_looks_encrypted tells whether text decodes as our ciphertext format (valid base64,
// version byte, room for nonce and tag). It does not need the key.
bool secret_looks_encrypted(const char *text);

// secret_key_wipe overwrites k with zeros. k may be NULL.
void secret_key_wipe(secret_key *k);

#endif
