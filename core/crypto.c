/* Passwords and checksums: the only file that includes <sodium.h>, so that
 * the choice of library and of Argon2id parameters lives in one place.
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

/* Skips "$" and one or more characters of the unpadded base64 alphabet.
 * libsodium 1.0.18 decodes a byte >= 0x80 as if it were one of the 64
 * (the byte is sign-extended), so a hash damaged that way could still
 * verify: the alphabet is checked here. */
static bool skip_base64_field(const char **p)
{
    const char *s = *p;
    size_t n = 0;

    if (*s++ != '$')
        return false;
    while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
           (*s >= '0' && *s <= '9') || *s == '+' || *s == '/') {
        s++;
        n++;
    }
    *p = s;
    return n > 0;
}

/* True when hash is a NUL-terminated Argon2id hash string whose parameters
 * are within what this program ever produces, with a salt and a digest in
 * base64; libsodium checks their lengths and padding bits itself. */
static bool hash_is_acceptable(const char *hash)
{
    static const char prefix[] = crypto_pwhash_argon2id_STRPREFIX "v=19$";
    const struct strength_limits *strongest = &strength_limits[CRYPTO_STRENGTH_SENSITIVE];
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
    return memory_kib <= strongest->memlimit / 1024 && passes >= 1 &&
           passes <= strongest->opslimit && lanes == 1;
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
         * terminal is restored before the signal takes effect. */
        caught_signals[watched_signals[i]] = 0;
        sigaction(watched_signals[i], &action, &previous[i]);
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
