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
 * truncated or garbled hash is false, never a crash. Hashes whose cost
 * parameters exceed CRYPTO_STRENGTH_SENSITIVE's, or with p != 1, are
 * refused before any work is done (a tampered database must not make
 * verification allocate gigabytes). */
bool crypto_password_verify(const char *hash, const char *password);

/* True when hash was made with parameters other than strength's (also
 * true for a hash crypto_password_verify would refuse). */
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
 * newline is removed. MB_IO at end of input. prompt may be NULL (no
 * prompt). Stdin is read with read(2) one byte at a time, so nothing after
 * the line is consumed (a later fread(stdin) sees the rest), but bytes
 * already in stdio's stdin buffer are not seen. Echo is restored on every
 * path: SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGPIPE restore the
 * terminal and are then re-raised (MB_IO if the caller's handler returns);
 * after SIGTSTP/SIGTTIN/SIGTTOU and a resume, the prompt starts over. */
enum mb_status crypto_read_password(const char *prompt, char **out);

#endif
