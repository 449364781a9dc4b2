/* Passwords, private entries and checksums: the only file that includes
 * <sodium.h>, so that the choice of library and of Argon2id parameters
 * lives in one place (the private entry format is described in crypto.h).
 * Stored hashes are checked before libsodium sees them (NUL-terminated,
 * "$argon2id$v=19$m=..,t=..,p=..$" with parameters no stronger than
 * CRYPTO_STRENGTH_SENSITIVE): a garbled or hostile hash in the database
 * must fail verification, not crash or make us allocate gigabytes. Reading
 * a password turns terminal echo off and restores it on every path,
 * including the signals that would end or stop the process (the technique
 * of OpenBSD's readpassphrase: the handler only records the signal, which
 * is re-raised once the terminal is back as it was). */
#include "core/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "core/xalloc.h"

_Static_assert(CRYPTO_HASH_MAX >= crypto_pwhash_argon2id_STRBYTES,
               "CRYPTO_HASH_MAX must hold a libsodium password hash");

static const struct strength_limits {
    unsigned long long opslimit;
    size_t memlimit;
} strength_limits[] = {
    [CRYPTO_STRENGTH_MINIMUM] = {
        .opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN,
        .memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN,
    },
    [CRYPTO_STRENGTH_INTERACTIVE] = {
        .opslimit = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
        .memlimit = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE,
    },
    [CRYPTO_STRENGTH_MODERATE] = {
        .opslimit = crypto_pwhash_argon2id_OPSLIMIT_MODERATE,
        .memlimit = crypto_pwhash_argon2id_MEMLIMIT_MODERATE,
    },
    [CRYPTO_STRENGTH_SENSITIVE] = {
        .opslimit = crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE,
        .memlimit = crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE,
    },
};

#define STRENGTH_COUNT (sizeof strength_limits / sizeof strength_limits[0])

enum mb_status crypto_init(void)
{
    return sodium_init() < 0 ? MB_IO : MB_OK;
}

enum mb_status crypto_password_hash(const char *password,
                                    enum crypto_strength strength,
                                    char out[CRYPTO_HASH_MAX])
{
    if (password == NULL || (size_t)strength >= STRENGTH_COUNT)
        return MB_INVALID;
    if (crypto_init() != MB_OK)
        return MB_IO;
    const struct strength_limits *limits = &strength_limits[strength];
    if (crypto_pwhash_argon2id_str(out, password, strlen(password),
                                   limits->opslimit, limits->memlimit) != 0)
        return MB_NOMEM; /* libsodium's only failure here is the allocation */
    return MB_OK;
}

/* Reads a decimal parameter of at most 10 digits at *p, advancing *p. */
static bool parse_parameter(const char **p, const char *name, unsigned long long *value)
{
    size_t name_len = strlen(name);
    const char *s = *p;
    unsigned long long v = 0;
    size_t digits = 0;

    if (strncmp(s, name, name_len) != 0)
        return false;
    s += name_len;
    while (*s >= '0' && *s <= '9' && digits < 10) {
        v = v * 10 + (unsigned long long)(*s - '0');
        s++;
        digits++;
    }
    if (digits == 0 || (*s >= '0' && *s <= '9'))
        return false;
    *p = s;
    *value = v;
    return true;
}

/* How many characters of the base64 alphabet s starts with. libsodium
 * 1.0.18 decodes a byte >= 0x80 as if it were one of the 64 (the byte is
 * sign-extended), so text damaged that way could still decode: the
 * alphabet is checked here before libsodium sees it. */
static size_t base64_span(const char *s)
{
    size_t n = 0;

    while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
           (s[n] >= '0' && s[n] <= '9') || s[n] == '+' || s[n] == '/')
        n++;
    return n;
}

/* Skips "$" and one or more characters of the unpadded base64 alphabet. */
static bool skip_base64_field(const char **p)
{
    const char *s = *p;
    size_t n;

    if (*s++ != '$')
        return false;
    n = base64_span(s);
    *p = s + n;
    return n > 0;
}

/* True when an Argon2id cost lies within what this program ever produces
 * (CRYPTO_STRENGTH_MINIMUM..SENSITIVE): the one rule for stored password
 * hashes and sealed private entries alike. */
static bool cost_is_acceptable(unsigned long long passes, unsigned long long memory_kib)
{
    const struct strength_limits *weakest = &strength_limits[CRYPTO_STRENGTH_MINIMUM];
    const struct strength_limits *strongest = &strength_limits[CRYPTO_STRENGTH_SENSITIVE];

    return passes >= weakest->opslimit && passes <= strongest->opslimit &&
           memory_kib >= weakest->memlimit / 1024 && memory_kib <= strongest->memlimit / 1024;
}

/* True when hash is a NUL-terminated Argon2id hash string whose parameters
 * are within what this program ever produces, with a salt and a digest in
 * base64; libsodium checks their lengths and padding bits itself. */
static bool hash_is_acceptable(const char *hash)
{
    static const char prefix[] = crypto_pwhash_argon2id_STRPREFIX "v=19$";
    unsigned long long memory_kib, passes, lanes;
    const char *p;

    if (hash == NULL || memchr(hash, '\0', crypto_pwhash_argon2id_STRBYTES) == NULL)
        return false;
    if (strncmp(hash, prefix, sizeof prefix - 1) != 0)
        return false;
    p = hash + sizeof prefix - 1;
    if (!parse_parameter(&p, "m=", &memory_kib) || !parse_parameter(&p, ",t=", &passes) ||
        !parse_parameter(&p, ",p=", &lanes))
        return false;
    if (!skip_base64_field(&p) || !skip_base64_field(&p) || *p != '\0')
        return false;
    return cost_is_acceptable(passes, memory_kib) && lanes == 1;
}

bool crypto_password_verify(const char *hash, const char *password)
{
    if (password == NULL || !hash_is_acceptable(hash) || crypto_init() != MB_OK)
        return false;
    return crypto_pwhash_argon2id_str_verify(hash, password, strlen(password)) == 0;
}

bool crypto_password_needs_rehash(const char *hash, enum crypto_strength strength)
{
    /* A hash we would not verify cannot be kept either. */
    if (!hash_is_acceptable(hash) || (size_t)strength >= STRENGTH_COUNT ||
        crypto_init() != MB_OK)
        return true;
    const struct strength_limits *limits = &strength_limits[strength];
    return crypto_pwhash_argon2id_str_needs_rehash(hash, limits->opslimit,
                                                   limits->memlimit) != 0;
}

/* Private entries. The sealed layout (after "mbp2:" and base64) is the
 * header -- salt, cost, nonce -- then the ciphertext and its tag. Version
 * 2 pads the text (ISO/IEC 7816-4, sodium_pad) to a multiple of
 * PRIVATE_PAD_BLOCK bytes before sealing, so that the sealed length tells
 * the text's length only to the block; version 1 (unpadded, written before)
 * still opens. Both prefixes have the same length. */
#define PRIVATE_PREFIX "mbp2:"
#define PRIVATE_PREFIX_V1 "mbp1:"
#define PRIVATE_PAD_BLOCK 64
#define PRIVATE_SALT_BYTES crypto_pwhash_argon2id_SALTBYTES
#define PRIVATE_COST_BYTES 8 /* passes and memory KiB, u32 little-endian each */
#define PRIVATE_NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define PRIVATE_HEADER_BYTES (PRIVATE_SALT_BYTES + PRIVATE_COST_BYTES + PRIVATE_NONCE_BYTES)
#define PRIVATE_TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define PRIVATE_BASE64 sodium_base64_VARIANT_ORIGINAL_NO_PADDING
/* What the associated data binds: the prefix, the author and post ids,
 * salt and cost. */
#define PRIVATE_AD_BYTES (sizeof PRIVATE_PREFIX - 1 + 16 + PRIVATE_SALT_BYTES + PRIVATE_COST_BYTES)

struct crypto_private_key {
    unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
    unsigned char salt[PRIVATE_SALT_BYTES];
    uint32_t passes;
    uint32_t memory_kib;
};

static void put_u32le(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32le(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Derives into a new key under salt and cost; the rule on the cost is
 * checked by the callers. */
static enum mb_status derive_key(const char *passphrase, const unsigned char *salt,
                                 uint32_t passes, uint32_t memory_kib,
                                 struct crypto_private_key **out)
{
    struct crypto_private_key *key;

    *out = NULL;
    if (passphrase == NULL)
        return MB_INVALID;
    if (crypto_init() != MB_OK)
        return MB_IO;
    /* Guarded, mlocked where the limit allows, and wiped by sodium_free. */
    key = sodium_malloc(sizeof *key);
    if (key == NULL)
        return MB_NOMEM;
    memcpy(key->salt, salt, sizeof key->salt);
    key->passes = passes;
    key->memory_kib = memory_kib;
    if (crypto_pwhash(key->key, sizeof key->key, passphrase, strlen(passphrase), key->salt,
                      passes, (size_t)memory_kib * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        sodium_free(key);
        return MB_NOMEM; /* the cost was checked: only the allocation is left */
    }
    *out = key;
    return MB_OK;
}

enum mb_status crypto_private_key_new(const char *passphrase, enum crypto_strength strength,
                                      struct crypto_private_key **out)
{
    unsigned char salt[PRIVATE_SALT_BYTES];

    *out = NULL;
    if ((size_t)strength >= STRENGTH_COUNT)
        return MB_INVALID;
    if (crypto_init() != MB_OK)
        return MB_IO;
    randombytes_buf(salt, sizeof salt);
    const struct strength_limits *limits = &strength_limits[strength];
    return derive_key(passphrase, salt, (uint32_t)limits->opslimit,
                      (uint32_t)(limits->memlimit / 1024), out);
}

bool crypto_private_is_sealed(const char *text)
{
    size_t digits = 0;

    if (text == NULL || strncmp(text, "mbp", 3) != 0)
        return false;
    while (text[3 + digits] >= '0' && text[3 + digits] <= '9')
        digits++;
    return digits >= 1 && digits <= 3 && text[3 + digits] == ':';
}

/* Decodes a sealed entry of a version this program reads (1 or 2, in
 * *padded: 2) into a new buffer holding the header and the ciphertext
 * (caller frees). MB_INVALID when sealed is not one; MB_AUTH when it is
 * one but damaged. */
static enum mb_status decode_sealed(const char *sealed, unsigned char **data, size_t *length,
                                    bool *padded)
{
    const char *base64;
    size_t base64_length, capacity;

    *data = NULL;
    *length = 0;
    if (!crypto_private_is_sealed(sealed))
        return MB_INVALID;
    *padded = strncmp(sealed, PRIVATE_PREFIX, sizeof PRIVATE_PREFIX - 1) == 0;
    if (!*padded && strncmp(sealed, PRIVATE_PREFIX_V1, sizeof PRIVATE_PREFIX_V1 - 1) != 0)
        return MB_INVALID;
    if (crypto_init() != MB_OK)
        return MB_IO;
    base64 = sealed + sizeof PRIVATE_PREFIX - 1;
    base64_length = strlen(base64);
    if (base64_span(base64) != base64_length)
        return MB_AUTH;
    capacity = base64_length / 4 * 3 + 3;
    *data = xmalloc(capacity);
    if (sodium_base642bin(*data, capacity, base64, base64_length, NULL, length, NULL,
                          PRIVATE_BASE64) != 0 ||
        *length < PRIVATE_HEADER_BYTES + PRIVATE_TAG_BYTES) {
        free(*data);
        *data = NULL;
        *length = 0;
        return MB_AUTH;
    }
    return MB_OK;
}

enum mb_status crypto_private_key_derive(const char *passphrase, const char *sealed,
                                         struct crypto_private_key **out)
{
    unsigned char *data = NULL;
    size_t length;
    bool padded;
    enum mb_status status;

    *out = NULL;
    status = decode_sealed(sealed, &data, &length, &padded);
    if (status == MB_AUTH)
        status = MB_INVALID; /* no salt or cost can be read from it */
    if (status != MB_OK)
        goto out;
    uint32_t passes = get_u32le(data + PRIVATE_SALT_BYTES);
    uint32_t memory_kib = get_u32le(data + PRIVATE_SALT_BYTES + 4);
    if (!cost_is_acceptable(passes, memory_kib)) {
        status = MB_INVALID;
        goto out;
    }
    status = derive_key(passphrase, data, passes, memory_kib, out);
out:
    free(data);
    return status;
}

bool crypto_private_key_fits(const struct crypto_private_key *key, const char *sealed)
{
    unsigned char *data = NULL;
    size_t length;
    bool fits = false, padded;

    if (key != NULL && decode_sealed(sealed, &data, &length, &padded) == MB_OK)
        fits = memcmp(data, key->salt, PRIVATE_SALT_BYTES) == 0 &&
               get_u32le(data + PRIVATE_SALT_BYTES) == key->passes &&
               get_u32le(data + PRIVATE_SALT_BYTES + 4) == key->memory_kib;
    free(data);
    return fits;
}

bool crypto_private_key_below(const struct crypto_private_key *key,
                              enum crypto_strength strength)
{
    if (key == NULL || (size_t)strength >= STRENGTH_COUNT)
        return true;
    const struct strength_limits *limits = &strength_limits[strength];
    return key->passes < limits->opslimit || key->memory_kib < limits->memlimit / 1024;
}

void crypto_private_key_free(struct crypto_private_key *key)
{
    if (key != NULL)
        sodium_free(key);
}

/* The associated data: prefix (of the entry's version), author id and
 * post id (u64 little-endian each), salt, cost. */
static void associated_data(bool padded, int64_t author_id, int64_t post_id,
                            const unsigned char *salt_and_cost,
                            unsigned char ad[PRIVATE_AD_BYTES])
{
    const uint64_t ids[2] = {(uint64_t)author_id, (uint64_t)post_id};
    unsigned char *p = ad + sizeof PRIVATE_PREFIX - 1;

    _Static_assert(sizeof PRIVATE_PREFIX == sizeof PRIVATE_PREFIX_V1, "one prefix length");
    memcpy(ad, padded ? PRIVATE_PREFIX : PRIVATE_PREFIX_V1, sizeof PRIVATE_PREFIX - 1);
    for (size_t i = 0; i < 2; i++, p += 8) {
        put_u32le(p, ids[i] & 0xffffffffu);
        put_u32le(p + 4, ids[i] >> 32);
    }
    memcpy(p, salt_and_cost, PRIVATE_SALT_BYTES + PRIVATE_COST_BYTES);
}

enum mb_status crypto_private_seal(const struct crypto_private_key *key, int64_t author_id,
                                   int64_t post_id, const char *plaintext, char **out)
{
    unsigned char ad[PRIVATE_AD_BYTES];
    unsigned char *data = NULL, *padded = NULL;
    size_t plaintext_length, padded_capacity, padded_length, length, base64_size;
    unsigned long long ciphertext_length;
    enum mb_status status = MB_OK;

    *out = NULL;
    if (key == NULL || plaintext == NULL)
        return MB_INVALID;
    if (crypto_init() != MB_OK)
        return MB_IO;
    plaintext_length = strlen(plaintext);
    /* At least one byte of padding: a full block more at worst. */
    padded_capacity = (plaintext_length / PRIVATE_PAD_BLOCK + 1) * PRIVATE_PAD_BLOCK;
    padded = xmalloc(padded_capacity);
    memcpy(padded, plaintext, plaintext_length);
    if (sodium_pad(&padded_length, padded, plaintext_length, PRIVATE_PAD_BLOCK,
                   padded_capacity) != 0) {
        status = MB_INVALID; /* cannot happen: the capacity is enough */
        goto out;
    }
    length = PRIVATE_HEADER_BYTES + padded_length + PRIVATE_TAG_BYTES;
    data = xmalloc(length);
    memcpy(data, key->salt, PRIVATE_SALT_BYTES);
    put_u32le(data + PRIVATE_SALT_BYTES, key->passes);
    put_u32le(data + PRIVATE_SALT_BYTES + 4, key->memory_kib);
    randombytes_buf(data + PRIVATE_SALT_BYTES + PRIVATE_COST_BYTES, PRIVATE_NONCE_BYTES);
    associated_data(true, author_id, post_id, data, ad);
    if (crypto_aead_xchacha20poly1305_ietf_encrypt(
            data + PRIVATE_HEADER_BYTES, &ciphertext_length, padded, padded_length, ad,
            sizeof ad, NULL, data + PRIVATE_SALT_BYTES + PRIVATE_COST_BYTES, key->key) != 0) {
        status = MB_INVALID; /* only a message beyond the cipher's limit */
        goto out;
    }
    base64_size = sodium_base64_ENCODED_LEN(length, PRIVATE_BASE64);
    *out = xmalloc(sizeof PRIVATE_PREFIX - 1 + base64_size);
    memcpy(*out, PRIVATE_PREFIX, sizeof PRIVATE_PREFIX - 1);
    sodium_bin2base64(*out + sizeof PRIVATE_PREFIX - 1, base64_size, data, length,
                      PRIVATE_BASE64);
out:
    crypto_wipe(padded, padded_capacity);
    free(padded);
    free(data);
    return status;
}

enum mb_status crypto_private_open(const struct crypto_private_key *key, int64_t author_id,
                                   int64_t post_id, const char *sealed, char **out)
{
    unsigned char ad[PRIVATE_AD_BYTES];
    unsigned char *data = NULL;
    char *plaintext = NULL;
    size_t length, ciphertext_length = 0;
    unsigned long long plaintext_length = 0;
    bool padded;
    enum mb_status status;

    *out = NULL;
    if (key == NULL)
        return MB_INVALID;
    status = decode_sealed(sealed, &data, &length, &padded);
    if (status != MB_OK)
        goto out;
    /* A key of another salt or cost needs no check of its own: the key
     * differs and the associated data names both, so the tag fails. */
    ciphertext_length = length - PRIVATE_HEADER_BYTES;
    plaintext = xmalloc(ciphertext_length - PRIVATE_TAG_BYTES + 1);
    associated_data(padded, author_id, post_id, data, ad);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            (unsigned char *)plaintext, &plaintext_length, NULL, data + PRIVATE_HEADER_BYTES,
            ciphertext_length, ad, sizeof ad, data + PRIVATE_SALT_BYTES + PRIVATE_COST_BYTES,
            key->key) != 0) {
        status = MB_AUTH;
        goto out;
    }
    if (padded) {
        size_t unpadded_length;
        /* Authentic, so padded by us: a bad padding is a damaged entry. */
        if (sodium_unpad(&unpadded_length, (unsigned char *)plaintext, (size_t)plaintext_length,
                         PRIVATE_PAD_BLOCK) != 0) {
            status = MB_AUTH;
            goto out;
        }
        plaintext_length = unpadded_length;
    }
    plaintext[plaintext_length] = '\0';
    *out = plaintext; /* ownership passes to the caller */
    plaintext = NULL;
out:
    if (plaintext != NULL) {
        crypto_wipe(plaintext, ciphertext_length - PRIVATE_TAG_BYTES + 1);
        free(plaintext);
    }
    free(data);
    return status;
}

void crypto_wipe(void *p, size_t len)
{
    if (p != NULL && len > 0)
        sodium_memzero(p, len);
}

void crypto_checksum_hex(const void *data, size_t len, char out[65])
{
    unsigned char digest[crypto_hash_sha256_BYTES];

    (void)crypto_init(); /* SHA-256 itself needs no initialisation */
    crypto_hash_sha256(digest, data, len);
    sodium_bin2hex(out, 65, digest, sizeof digest);
}

void crypto_disable_core_dumps(void)
{
    const struct rlimit none = {.rlim_cur = 0, .rlim_max = 0};

    (void)setrlimit(RLIMIT_CORE, &none);
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* The signals that would end or stop the process while echo is off. */
static const int watched_signals[] = {
    SIGALRM, SIGHUP, SIGINT, SIGPIPE, SIGQUIT, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU,
};
#define WATCHED_COUNT (sizeof watched_signals / sizeof watched_signals[0])

static volatile sig_atomic_t caught_signals[NSIG];

static void record_signal(int signo)
{
    caught_signals[signo] = 1;
}

static bool any_signal_caught(void)
{
    for (size_t i = 0; i < WATCHED_COUNT; i++)
        if (caught_signals[watched_signals[i]])
            return true;
    return false;
}

static void write_all(int fd, const char *s, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, s, len);
        if (n < 0 && errno == EINTR && !any_signal_caught())
            continue;
        if (n <= 0)
            return;
        s += n;
        len -= (size_t)n;
    }
}

/* A password buffer that grows without leaving copies behind: the old
 * buffer is wiped before it is freed. */
struct secret {
    char *data;
    size_t length;
    size_t capacity;
};

static void secret_append(struct secret *secret, char c)
{
    if (secret->length + 1 >= secret->capacity) {
        size_t capacity = secret->capacity ? secret->capacity * 2 : 64;
        char *data = xmalloc(capacity);
        if (secret->data != NULL) {
            memcpy(data, secret->data, secret->length);
            crypto_wipe(secret->data, secret->capacity);
            free(secret->data);
        }
        secret->data = data;
        secret->capacity = capacity;
    }
    secret->data[secret->length++] = c;
}

static void secret_free(struct secret *secret)
{
    if (secret->data != NULL) {
        crypto_wipe(secret->data, secret->capacity);
        free(secret->data);
    }
    *secret = (struct secret){0};
}

/* Reads one line from fd byte by byte, so that nothing after the newline
 * is consumed (the caller may read a post body from the same stdin). */
static enum mb_status read_line(int fd, struct secret *secret)
{
    bool got_any = false;
    char c = 0;

    for (;;) {
        ssize_t n = read(fd, &c, 1);
        if (n < 0) {
            if (errno == EINTR && !any_signal_caught())
                continue;
            return MB_IO;
        }
        if (n == 0) {
            if (!got_any)
                return MB_IO;
            break;
        }
        got_any = true;
        if (c == '\n')
            break;
        secret_append(secret, c);
    }
    crypto_wipe(&c, sizeof c);
    if (secret->length > 0 && secret->data[secret->length - 1] == '\r')
        secret->length--;
    secret_append(secret, '\0');
    return MB_OK;
}

static void set_terminal(int fd, int when, const struct termios *termios)
{
    while (tcsetattr(fd, when, termios) != 0 && errno == EINTR)
        ;
}

enum mb_status crypto_read_password(const char *prompt, char **out)
{
    struct sigaction previous[WATCHED_COUNT];
    struct secret secret = {0};
    struct termios saved, quiet;
    enum mb_status status;
    bool is_terminal = isatty(STDIN_FILENO) != 0;
    bool echo_off;
    bool stopped, interrupted;
    int tty_fd = -1;
    int fd = STDIN_FILENO;

    *out = NULL;
    if (is_terminal) {
        tty_fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (tty_fd >= 0)
            fd = tty_fd;
    }

restart:
    echo_off = false;
    stopped = false;
    interrupted = false;
    for (size_t i = 0; i < WATCHED_COUNT; i++) {
        struct sigaction action = {.sa_handler = record_signal};
        sigemptyset(&action.sa_mask);
        /* No SA_RESTART: read() must return with EINTR so that the
         * terminal is restored before the signal takes effect. A signal
         * ignored on purpose (nohup's SIGHUP) stays ignored: it must not
         * interrupt the prompt either. */
        caught_signals[watched_signals[i]] = 0;
        sigaction(watched_signals[i], NULL, &previous[i]);
        if (previous[i].sa_handler != SIG_IGN)
            sigaction(watched_signals[i], &action, NULL);
    }
    if (is_terminal && tcgetattr(fd, &saved) == 0) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        /* TCSAFLUSH: what was typed before the prompt is not the password. */
        set_terminal(fd, TCSAFLUSH, &quiet);
        echo_off = true;
    }
    if (prompt != NULL && !any_signal_caught())
        write_all(STDERR_FILENO, prompt, strlen(prompt));

    status = any_signal_caught() ? MB_IO : read_line(fd, &secret);

    if (echo_off) {
        set_terminal(fd, TCSANOW, &saved);
        if (prompt != NULL)
            write_all(STDERR_FILENO, "\n", 1); /* the newline echo did not show */
    }
    for (size_t i = 0; i < WATCHED_COUNT; i++)
        sigaction(watched_signals[i], &previous[i], NULL);
    /* Now that the terminal is as it was, let each signal do what it
     * would have done: end the process, stop it, or run the caller's
     * handler. After a stop, start again with a fresh prompt. */
    for (size_t i = 0; i < WATCHED_COUNT; i++) {
        int signo = watched_signals[i];
        if (!caught_signals[signo])
            continue;
        caught_signals[signo] = 0;
        kill(getpid(), signo);
        if (signo == SIGTSTP || signo == SIGTTIN || signo == SIGTTOU)
            stopped = true;
        else
            interrupted = true; /* the caller's handler ran and returned */
    }
    if (interrupted) {
        status = MB_IO;
        goto out;
    }
    if (stopped && status != MB_OK) {
        secret_free(&secret);
        goto restart;
    }
    if (status != MB_OK)
        goto out;
    *out = secret.data; /* ownership passes to the caller */
    secret = (struct secret){0};
out:
    secret_free(&secret);
    if (tty_fd >= 0)
        close(tty_fd);
    return status;
}
