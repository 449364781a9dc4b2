/* Passwords, private entries and checksums, the only module that includes
 * <sodium.h>. Passwords are stored as Argon2id hashes (crypto_pwhash_str).
 *
 * Private entries (issue 12): a body is sealed with XChaCha20-Poly1305
 * (IETF AEAD) under a 256-bit key derived with Argon2id from its author's
 * passphrase. The sealed body is text, so that it fits the TEXT body column
 * of both engines:
 *
 *     "mbp2:" base64( salt[16] | passes u32le | memory KiB u32le |
 *                     nonce[24] | ciphertext with its 16-byte tag )
 *
 * The text is padded (ISO/IEC 7816-4, libsodium's sodium_pad) to a
 * multiple of 64 bytes before it is sealed, so that the sealed length tells
 * its length only to the block. Version 1 ("mbp1:", written before padding)
 * is the same without it, and still opens; only version 2 is written.
 *
 * "mbp" and a version number first, so that the format can change and an
 * old program refuses a newer entry instead of misreading it (jrnl's
 * lesson). Each entry names the salt and Argon2id cost it was sealed with,
 * so that it opens with the passphrase alone, whatever the configured
 * strength is today. The associated data binds the version, the author's
 * id, the post's id, the salt and the cost: a sealed body copied onto
 * another author's row, or onto another entry of the same author (two
 * entries swapped, an old one replayed), does not open. Revision 0005 keeps
 * the sealed text in private_entry, written after its post row, so the id is
 * known when sealing; `db copy` keeps ids; an import that gives new ids must
 * open and seal again (it needs the passphrase anyway: author ids differ).
 *
 * Cost: one Argon2id derivation takes 87 ms and 64 MiB at
 * CRYPTO_STRENGTH_INTERACTIVE (0.6 s at MODERATE), so a key per entry would
 * make a 1,000-entry listing take 1.5 to 10 minutes; opening 1,000 entries
 * with one cached key takes 9 ms (2-core box, -O2). So the salt
 * is per author, not per entry: a key is derived once (on unlock) and kept
 * in memory (struct crypto_private_key, in mlocked memory wiped when freed);
 * sealing reuses its salt, and opening with it costs only the AEAD. The
 * store keeps one salt per author by deriving its key from that author's
 * newest sealed entry (crypto_private_key_derive), which also checks the
 * passphrase (crypto_private_open says MB_AUTH when it is wrong), and makes
 * a fresh salt only for an author's first private entry
 * (crypto_private_key_new). An entry with another salt (a changed
 * passphrase, an import) still opens: crypto_private_key_fits tells the
 * caller to derive that entry's key from the passphrase too; the cost is one
 * derivation per distinct salt, never one per entry. */
#ifndef CORE_CRYPTO_H
#define CORE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* A key for private entries: the derived key, its salt and its Argon2id
 * cost, in memory libsodium locks and wipes (sodium_malloc). */
struct crypto_private_key;

/* Derives a key from passphrase (NUL-terminated) under a fresh random salt
 * with strength's Argon2id cost, into *out (free with
 * crypto_private_key_free). MB_INVALID for a NULL passphrase or an unknown
 * strength, MB_NOMEM when Argon2id's memory cannot be had; *out is NULL on
 * failure. */
enum mb_status crypto_private_key_new(const char *passphrase, enum crypto_strength strength,
                                      struct crypto_private_key **out);

/* Derives the key that sealed (a crypto_private_seal result) was sealed
 * with: passphrase under the salt and cost its header names. Does not check
 * the passphrase (crypto_private_open does). MB_INVALID when sealed is not a
 * sealed entry of a version this program knows, or names a cost outside
 * MINIMUM..SENSITIVE (a tampered row must not make us allocate gigabytes);
 * MB_NOMEM as crypto_private_key_new. *out is NULL on failure. */
enum mb_status crypto_private_key_derive(const char *passphrase, const char *sealed,
                                         struct crypto_private_key **out);

/* True when sealed was sealed under key's salt and cost, so that key is the
 * one to open it with (whether the passphrase was right only opening says). */
bool crypto_private_key_fits(const struct crypto_private_key *key, const char *sealed);

/* True when key was derived at a cost below strength's (fewer passes or
 * less memory), or is NULL: the store refuses to seal new entries under a
 * key below its floor (store/private.c). */
bool crypto_private_key_below(const struct crypto_private_key *key,
                              enum crypto_strength strength);

/* Wipes and frees key; NULL is fine. */
void crypto_private_key_free(struct crypto_private_key *key);

/* Seals plaintext (NUL-terminated UTF-8; may be empty) for the post
 * post_id of author_id under key with a fresh random nonce, padded. Stores a newly allocated "mbp2:..." string
 * in *out (caller frees; it holds no secret). MB_INVALID for a NULL key or
 * plaintext; *out is NULL on failure. */
enum mb_status crypto_private_seal(const struct crypto_private_key *key, int64_t author_id,
                                   int64_t post_id, const char *plaintext, char **out);

/* Opens sealed, the post post_id of author_id, with key. Stores the
 * plaintext, newly allocated and NUL-terminated, in *out (caller wipes it
 * with crypto_wipe and frees it). MB_INVALID when sealed is not a sealed
 * entry or has a version this program does not know; MB_AUTH when it does
 * not open: a wrong passphrase, a key of another salt, another author's or
 * post's id, or any change to the text. *out is NULL on failure. */
enum mb_status crypto_private_open(const struct crypto_private_key *key, int64_t author_id,
                                   int64_t post_id, const char *sealed, char **out);

/* True when text has the shape of a sealed entry of any version: "mbp",
 * 1 to 3 digits, ':'. Says nothing about whether it opens. */
bool crypto_private_is_sealed(const char *text);

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
