/* Fuzz target: password verification against stored hashes that may be
 * truncated or garbled (a tampered database). The input is split at the
 * first NUL into a stored hash and a password; verification must answer
 * false for anything but a real hash of that password, and never crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialised;
    if (!initialised) {
        if (crypto_init() != MB_OK)
            abort();
        initialised = true;
    }
    char *copy = malloc(size + 2);
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    copy[size + 1] = '\0';
    const char *hash = copy;
    const char *password = copy + strlen(copy) + (strlen(copy) < size ? 1 : 0);
    /* Large memory costs in a garbled hash would make each run slow, not
     * unsafe; libsodium rejects what it cannot parse. */
    bool ok = crypto_password_verify(hash, password);
    if (ok && strncmp(hash, "$argon2id$", 10) != 0)
        abort();
    (void)crypto_password_needs_rehash(hash, CRYPTO_STRENGTH_INTERACTIVE);
    free(copy);
    return 0;
}
