/* Passwords and checksums, the only module that includes <sodium.h>.
 * Passwords are stored as Argon2id hashes (crypto_pwhash_str). */
#ifndef CORE_CRYPTO_H
#define CORE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

/* Big enough for any crypto_pwhash_str() result plus NUL (libsodium's
 * crypto_pwhash_STRBYTES is 128). */
#define CRYPTO_HASH_MAX 128

enum crypto_strength {
    CRYPTO_STRENGTH_MINIMUM,     /* the lowest libsodium allows: tests only */
    CRYPTO_STRENGTH_INTERACTIVE, /* default */
    CRYPTO_STRENGTH_MODERATE,
    CRYPTO_STRENGTH_SENSITIVE,
};

/* Calls sodium_init(); safe to call more than once. MB_IO when libsodium
 * cannot be initialised. */
enum mb_status crypto_init(void);

/* Hashes password (NUL-terminated) into out as "$argon2id$...". MB_NOMEM
 * when the memory limit cannot be allocated. */
enum mb_status crypto_password_hash(const char *password,
                                    enum crypto_strength strength,
                                    char out[CRYPTO_HASH_MAX]);

/* True only when hash is a well-formed Argon2id hash of password. A NULL,
 * truncated or garbled hash is false, never a crash. */
bool crypto_password_verify(const char *hash, const char *password);

/* True when hash was made with parameters other than strength's. */
bool crypto_password_needs_rehash(const char *hash, enum crypto_strength strength);

/* Zeroes len bytes at p in a way the compiler cannot remove. */
void crypto_wipe(void *p, size_t len);

/* Lowercase hex SHA-256 of data into out (65 bytes with NUL). */
void crypto_checksum_hex(const void *data, size_t len, char out[65]);

/* Disables core dumps (RLIMIT_CORE = 0 and PR_SET_DUMPABLE = 0) so that a
 * password held in memory cannot end up in a core file. */
void crypto_disable_core_dumps(void);

/* Reads a password from the terminal without echo (prompt on stderr), or
 * one line from stdin when it is not a terminal. Stores a newly allocated
 * string in *out (caller wipes with crypto_wipe and frees); the trailing
 * newline is removed. MB_IO at end of input. */
enum mb_status crypto_read_password(const char *prompt, char **out);

#endif
