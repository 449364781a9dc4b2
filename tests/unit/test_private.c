/* Unit tests for the private entries of core/crypto (issue 12): a body
 * sealed under a passphrase opens with that passphrase and author only; a
 * wrong passphrase, another author's id, any changed, cut or lengthened
 * byte and a key of another salt are MB_AUTH; an unknown version or a text
 * that is no sealed entry is MB_INVALID; another post's id is MB_AUTH (two
 * entries of one author swapped, or an old one replayed onto another row); a hostile cost in a header is
 * refused before Argon2id runs; neither the plaintext nor the passphrase
 * appears in the sealed text, decoded or not; the text is padded to 64-byte
 * blocks (version 2) and entries of version 1 still open. Keys use
 * CRYPTO_STRENGTH_MINIMUM so that the suite stays fast. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <time.h>

#include "core/crypto.h"
#include "core/xalloc.h"

#define PREFIX "mbp2:"
#define PREFIX_LENGTH (sizeof PREFIX - 1)
/* The header after decoding: salt, passes, memory KiB, nonce. */
#define SALT_BYTES 16
#define HEADER_BYTES (16 + 8 + 24)
#define TAG_BYTES 16

static const char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The tests' own base64 (unpadded, standard alphabet), so that they read
 * and forge headers without trusting the code under test. */
static unsigned char *base64_decode(const char *text, size_t *length)
{
    size_t n = strlen(text);
    unsigned char *out = xmalloc(n * 3 / 4 + 1);
    unsigned accumulator = 0, bits = 0;

    *length = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = strchr(base64_alphabet, text[i]);
        assert_true(p != NULL && text[i] != '\0');
        accumulator = (accumulator << 6) | (unsigned)(p - base64_alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[(*length)++] = (unsigned char)(accumulator >> bits);
        }
    }
    return out;
}

static char *base64_encode(const unsigned char *data, size_t length)
{
    char *out = xmalloc(length * 4 / 3 + 4);
    unsigned accumulator = 0, bits = 0;
    size_t n = 0;

    for (size_t i = 0; i < length; i++) {
        accumulator = (accumulator << 8) | data[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[n++] = base64_alphabet[(accumulator >> bits) & 63];
        }
    }
    if (bits > 0)
        out[n++] = base64_alphabet[(accumulator << (6 - bits)) & 63];
    out[n] = '\0';
    return out;
}

static uint32_t u32le(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static struct crypto_private_key *new_key(const char *passphrase)
{
    struct crypto_private_key *key = NULL;
    assert_int_equal(crypto_private_key_new(passphrase, CRYPTO_STRENGTH_MINIMUM, &key), MB_OK);
    assert_non_null(key);
    return key;
}

static char *seal(const struct crypto_private_key *key, int64_t author_id, int64_t post_id,
                  const char *plaintext)
{
    char *sealed = NULL;
    assert_int_equal(crypto_private_seal(key, author_id, post_id, plaintext, &sealed), MB_OK);
    assert_non_null(sealed);
    return sealed;
}

/* Opens and returns the status; *out is NULL unless MB_OK. */
static enum mb_status open_sealed(const struct crypto_private_key *key, int64_t author_id,
                                  int64_t post_id, const char *sealed, char **out)
{
    *out = (char *)"untouched";
    enum mb_status status = crypto_private_open(key, author_id, post_id, sealed, out);
    if (status != MB_OK)
        assert_null(*out);
    return status;
}

static void assert_round_trip(const struct crypto_private_key *key, int64_t author_id,
                              int64_t post_id, const char *plaintext)
{
    char *sealed = seal(key, author_id, post_id, plaintext);
    char *opened = NULL;
    assert_true(crypto_private_is_sealed(sealed));
    assert_memory_equal(sealed, PREFIX, PREFIX_LENGTH);
    assert_int_equal(open_sealed(key, author_id, post_id, sealed, &opened), MB_OK);
    assert_string_equal(opened, plaintext);
    crypto_wipe(opened, strlen(opened));
    free(opened);
    free(sealed);
}

static int setup(void **state)
{
    (void)state;
    return crypto_init() == MB_OK ? 0 : -1;
}

static void test_round_trip(void **state)
{
    (void)state;
    struct crypto_private_key *key = new_key("correct horse");
    assert_round_trip(key, 7, 1, "dear diary, today I wrote a test");
    assert_round_trip(key, 7, 1, "two\nlines and a tab\t and ünïcödé");
    assert_round_trip(key, 0, 1, "author 0");
    assert_round_trip(key, -1, 1, "a negative id binds too");
    assert_round_trip(key, INT64_MAX, 1, "the largest author id");
    assert_round_trip(key, 7, INT64_MAX, "the largest post id");

    /* The same body sealed twice differs (a fresh nonce each time) but
     * shares the key's salt, so one derivation opens both. */
    char *a = seal(key, 7, 1, "same body");
    char *b = seal(key, 7, 1, "same body");
    assert_string_not_equal(a, b);
    assert_true(crypto_private_key_fits(key, a));
    assert_true(crypto_private_key_fits(key, b));

    /* A key derived again from the passphrase and a sealed entry (what the
     * store does on unlock) opens every entry of that salt. */
    struct crypto_private_key *again = NULL;
    assert_int_equal(crypto_private_key_derive("correct horse", a, &again), MB_OK);
    assert_true(crypto_private_key_fits(again, b));
    char *opened = NULL;
    assert_int_equal(open_sealed(again, 7, 1, b, &opened), MB_OK);
    assert_string_equal(opened, "same body");
    free(opened);
    crypto_private_key_free(again);
    free(a);
    free(b);
    crypto_private_key_free(key);
}

static void test_wrong_passphrase(void **state)
{
    (void)state;
    struct crypto_private_key *key = new_key("correct horse");
    char *sealed = seal(key, 7, 1, "secret");
    char *opened = NULL;
    static const char *const wrong[] = {"correct hors", "correct horse ", "Correct horse", ""};

    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        struct crypto_private_key *guess = NULL;
        assert_int_equal(crypto_private_key_derive(wrong[i], sealed, &guess), MB_OK);
        /* Same salt and cost: it fits, and only opening tells. */
        assert_true(crypto_private_key_fits(guess, sealed));
        assert_int_equal(open_sealed(guess, 7, 1, sealed, &opened), MB_AUTH);
        crypto_private_key_free(guess);
    }

    /* The right passphrase under another salt is another key. */
    struct crypto_private_key *other_salt = new_key("correct horse");
    assert_false(crypto_private_key_fits(other_salt, sealed));
    assert_int_equal(open_sealed(other_salt, 7, 1, sealed, &opened), MB_AUTH);
    crypto_private_key_free(other_salt);

    /* The empty passphrase is a passphrase like any other. */
    struct crypto_private_key *empty = new_key("");
    assert_round_trip(empty, 7, 1, "under the empty passphrase");
    crypto_private_key_free(empty);

    free(sealed);
    crypto_private_key_free(key);
}

static void test_tampered_bytes(void **state)
{
    (void)state;
    struct crypto_private_key *key = new_key("pw");
    char *sealed = seal(key, 7, 1, "tamper with me");
    size_t length = strlen(sealed);
    char *opened = NULL;

    /* Every byte value at every position: the prefix makes it no sealed
     * entry or another version (MB_INVALID), anything after it MB_AUTH --
     * bytes >= 0x80 and the unused bits of the last character included. */
    char *changed = xstrdup(sealed);
    for (size_t i = 0; i < length; i++) {
        for (unsigned byte = 1; byte < 256; byte++) {
            if ((unsigned char)sealed[i] == byte)
                continue;
            changed[i] = (char)byte;
            enum mb_status status = open_sealed(key, 7, 1, changed, &opened);
            if (status == MB_OK)
                fail_msg("opened with byte %zu changed to 0x%02x", i, byte);
            if (i >= PREFIX_LENGTH && status != MB_AUTH)
                fail_msg("byte %zu changed to 0x%02x: status %d, not MB_AUTH", i, byte,
                         (int)status);
        }
        changed[i] = sealed[i];
    }
    free(changed);

    /* Cut short anywhere, or one character longer. */
    for (size_t cut = 0; cut < length; cut++) {
        char *truncated = xstrndup(sealed, cut);
        assert_int_not_equal(open_sealed(key, 7, 1, truncated, &opened), MB_OK);
        free(truncated);
    }
    for (size_t i = 0; i < sizeof base64_alphabet - 1; i++) {
        char *longer = xasprintf("%s%c", sealed, base64_alphabet[i]);
        assert_int_equal(open_sealed(key, 7, 1, longer, &opened), MB_AUTH);
        free(longer);
    }

    /* A header re-encoded with one bit of the ciphertext flipped (valid
     * base64, right length). */
    size_t data_length;
    unsigned char *data = base64_decode(sealed + PREFIX_LENGTH, &data_length);
    for (size_t i = HEADER_BYTES; i < data_length; i++) {
        data[i] ^= 0x01;
        char *body = base64_encode(data, data_length);
        char *flipped = xasprintf(PREFIX "%s", body);
        assert_int_equal(open_sealed(key, 7, 1, flipped, &opened), MB_AUTH);
        free(flipped);
        free(body);
        data[i] ^= 0x01;
    }
    free(data);
    free(sealed);
    crypto_private_key_free(key);
}

static void test_other_author_id(void **state)
{
    (void)state;
    struct crypto_private_key *key = new_key("pw");
    char *sealed = seal(key, 7, 1, "mine only");
    char *opened = NULL;
    /* Ids differing in the low half, the high half and the sign. */
    static const int64_t others[] = {8, 6, 0, -7, INT64_C(7) + (INT64_C(1) << 32), INT64_MIN + 7};

    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        assert_int_equal(open_sealed(key, others[i], 1, sealed, &opened), MB_AUTH);
    assert_int_equal(open_sealed(key, 7, 1, sealed, &opened), MB_OK);
    free(opened);
    free(sealed);
    crypto_private_key_free(key);
}

static void test_other_post_id(void **state)
{
    (void)state;
    struct crypto_private_key *key = new_key("pw");
    char *monday = seal(key, 7, 41, "monday");
    char *tuesday = seal(key, 7, 42, "tuesday");
    char *opened = NULL;

    /* Swapped between two rows of the same author, same key: neither opens. */
    assert_int_equal(open_sealed(key, 7, 42, monday, &opened), MB_AUTH);
    assert_int_equal(open_sealed(key, 7, 41, tuesday, &opened), MB_AUTH);
    static const int64_t others[] = {0, 40, -41, INT64_C(41) + (INT64_C(1) << 32), INT64_MIN + 41};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        assert_int_equal(open_sealed(key, 7, others[i], monday, &opened), MB_AUTH);
    /* Author and post ids are not interchangeable. */
    char *crossed = seal(key, 41, 7, "crossed");
    assert_int_equal(open_sealed(key, 7, 41, crossed, &opened), MB_AUTH);

    assert_int_equal(open_sealed(key, 7, 41, monday, &opened), MB_OK);
    assert_string_equal(opened, "monday");
    free(opened);
    free(crossed);
    free(tuesday);
    free(monday);
    crypto_private_key_free(key);
}

static void test_unknown_version_and_not_sealed(void **state)
{
    (void)state;
    struct crypto_private_key *key = new_key("pw");
    struct crypto_private_key *derived = NULL;
    char *sealed = seal(key, 7, 1, "versioned");
    char *opened = NULL;

    /* A later version: recognised as sealed, refused as unknown. */
    static const char *const versions[] = {"mbp3:", "mbp0:", "mbp01:", "mbp10:", "mbp999:"};
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        char *relabelled = xasprintf("%s%s", versions[i], sealed + PREFIX_LENGTH);
        assert_true(crypto_private_is_sealed(relabelled));
        assert_int_equal(open_sealed(key, 7, 1, relabelled, &opened), MB_INVALID);
        assert_int_equal(crypto_private_key_derive("pw", relabelled, &derived), MB_INVALID);
        assert_null(derived);
        assert_false(crypto_private_key_fits(key, relabelled));
        free(relabelled);
    }

    /* Not a sealed entry at all: plain bodies stay plain. */
    static const char *const plain[] = {
        "", "hello", "mbp", "mbp1", "mbp:", "mbpx:", "mbp1000:abc", "MBP1:abc", " mbp1:abc",
        "mb1:abc",
    };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        assert_false(crypto_private_is_sealed(plain[i]));
        assert_int_equal(open_sealed(key, 7, 1, plain[i], &opened), MB_INVALID);
        assert_int_equal(crypto_private_key_derive("pw", plain[i], &derived), MB_INVALID);
    }
    assert_false(crypto_private_is_sealed(NULL));
    assert_int_equal(open_sealed(key, 7, 1, NULL, &opened), MB_INVALID);

    /* Versions 1 and 2 but no header to read a salt from. */
    assert_int_equal(crypto_private_key_derive("pw", "mbp2:", &derived), MB_INVALID);
    assert_int_equal(crypto_private_key_derive("pw", "mbp2:AAAA", &derived), MB_INVALID);
    assert_int_equal(crypto_private_key_derive("pw", "mbp1:", &derived), MB_INVALID);
    assert_int_equal(crypto_private_key_derive("pw", "mbp1:AAAA", &derived), MB_INVALID);
    assert_int_equal(crypto_private_key_derive("pw", "mbp1:@@@@", &derived), MB_INVALID);
    assert_null(derived);

    free(sealed);
    crypto_private_key_free(key);
}

static void test_empty_and_long_bodies(void **state)
{
    (void)state;
    struct crypto_private_key *key = new_key("pw");
    assert_round_trip(key, 7, 1, "");

    /* 140 code points of 4-byte UTF-8 (U+1F600), the longest post. */
    char longest[140 * 4 + 1];
    for (size_t i = 0; i < 140; i++)
        memcpy(longest + 4 * i, "\xF0\x9F\x98\x80", 4);
    longest[140 * 4] = '\0';
    assert_round_trip(key, 7, 1, longest);
    char *sealed = seal(key, 7, 1, longest);
    /* Overhead: prefix + base64 of 48 header and 16 tag bytes, and the
     * 560 bytes padded to 576. */
    size_t expected = PREFIX_LENGTH + ((HEADER_BYTES + 576 + TAG_BYTES) * 4 + 2) / 3;
    assert_int_equal(strlen(sealed), expected);
    free(sealed);

    /* Far longer than any post (an imported journal entry). */
    size_t big = 1 << 20;
    char *huge = xmalloc(big + 1);
    for (size_t i = 0; i < big; i++)
        huge[i] = (char)('a' + i % 26);
    huge[big] = '\0';
    assert_round_trip(key, 7, 1, huge);
    free(huge);
    crypto_private_key_free(key);
}

static void test_plaintext_never_in_sealed_text(void **state)
{
    (void)state;
    static const char passphrase[] = "passphrase-marker-42";
    static const char plaintext[] = "PLAINTEXT-MARKER the body nobody else may read";
    struct crypto_private_key *key = new_key(passphrase);
    char *sealed = seal(key, 7, 1, plaintext);

    assert_null(strstr(sealed, "PLAINTEXT"));
    assert_null(strstr(sealed, "MARKER"));
    assert_null(strstr(sealed, "passphrase"));
    /* Nor in the decoded bytes, at any length of 4 or more. */
    size_t length;
    unsigned char *data = base64_decode(sealed + PREFIX_LENGTH, &length);
    assert_int_equal(length, HEADER_BYTES + 64 + TAG_BYTES); /* 47 bytes, padded */
    for (size_t i = 0; i + 4 <= strlen(plaintext); i++)
        assert_null(memmem(data, length, plaintext + i, 4));
    for (size_t i = 0; i + 4 <= strlen(passphrase); i++)
        assert_null(memmem(data, length, passphrase + i, 4));
    free(data);
    free(sealed);
    crypto_private_key_free(key);
}

/* A sealed text whose header names passes and memory_kib. */
static char *with_cost(const char *sealed, uint32_t passes, uint32_t memory_kib)
{
    size_t length;
    unsigned char *data = base64_decode(sealed + PREFIX_LENGTH, &length);
    for (int i = 0; i < 4; i++) {
        data[SALT_BYTES + i] = (unsigned char)(passes >> (8 * i));
        data[SALT_BYTES + 4 + i] = (unsigned char)(memory_kib >> (8 * i));
    }
    char *body = base64_encode(data, length);
    char *forged = xasprintf(PREFIX "%s", body);
    free(body);
    free(data);
    return forged;
}

static void test_cost_is_recorded_and_bounded(void **state)
{
    (void)state;
    struct crypto_private_key *key = new_key("pw");
    char *sealed = seal(key, 7, 1, "cost");
    size_t length;
    unsigned char *data = base64_decode(sealed + PREFIX_LENGTH, &length);
    /* libsodium's minimum for Argon2id: one pass over 8 KiB. */
    assert_int_equal(u32le(data + SALT_BYTES), 1);
    assert_int_equal(u32le(data + SALT_BYTES + 4), 8);
    free(data);

    /* A cost beyond CRYPTO_STRENGTH_SENSITIVE (4 passes, 1 GiB), or below
     * the minimum, is refused at once, before Argon2id would run. */
    static const uint32_t hostile[][2] = {
        {1, UINT32_MAX}, {UINT32_MAX, 8}, {5, 8}, {1, 1048577}, {0, 8}, {1, 7}, {1, 0},
    };
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        char *forged = with_cost(sealed, hostile[i][0], hostile[i][1]);
        struct crypto_private_key *derived = NULL;
        assert_int_equal(crypto_private_key_derive("pw", forged, &derived), MB_INVALID);
        assert_null(derived);
        /* The key that sealed it does not fit a header naming another cost. */
        char *opened = NULL;
        assert_false(crypto_private_key_fits(key, forged));
        assert_int_equal(open_sealed(key, 7, 1, forged, &opened), MB_AUTH);
        free(forged);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    assert_true(end.tv_sec - start.tv_sec < 2);

    /* A cost within bounds other than the key's is derived as written. */
    char *stronger = with_cost(sealed, 2, 16);
    struct crypto_private_key *derived = NULL;
    assert_int_equal(crypto_private_key_derive("pw", stronger, &derived), MB_OK);
    assert_true(crypto_private_key_fits(derived, stronger));
    assert_false(crypto_private_key_fits(derived, sealed));
    crypto_private_key_free(derived);
    free(stronger);
    free(sealed);
    crypto_private_key_free(key);
}

/* The text is padded to 64-byte blocks before sealing: its sealed length
 * tells the block, not the length (0 to 63 bytes seal alike; 64 takes a
 * second block: the padding is at least one byte). */
static void test_sealed_length_tells_only_the_block(void **state)
{
    (void)state;
    struct crypto_private_key *key = new_key("correct horse");
    char text[200];
    size_t first = 0;
    for (size_t n = 0; n <= 128; n++) {
        memset(text, 'a', n);
        text[n] = '\0';
        char *sealed = seal(key, 7, 1, text);
        size_t length;
        unsigned char *data = base64_decode(sealed + PREFIX_LENGTH, &length);
        assert_int_equal(length, HEADER_BYTES + (n / 64 + 1) * 64 + TAG_BYTES);
        if (n == 0)
            first = strlen(sealed);
        if (n < 64)
            assert_int_equal(strlen(sealed), first);
        char *opened = NULL;
        assert_int_equal(open_sealed(key, 7, 1, sealed, &opened), MB_OK);
        assert_string_equal(opened, text);
        free(opened);
        free(data);
        free(sealed);
    }
    crypto_private_key_free(key);
}

/* An entry sealed by the program before padding (version 1, "mbp1:",
 * written by the code of commit 1d39a05 with this passphrase, author 7,
 * post 41) still opens, and a key derived from it fits it; relabelled as
 * version 2 it does not open (the version is bound). */
static void test_version_1_still_opens(void **state)
{
    (void)state;
    static const char old[] =
        "mbp1:cVaqVtqBifSQC39vhLPggwEAAAAIAAAAwbbPX1El30zWijJR/3XWEn91yIIoC2mN42h30o5QED62x"
        "VZh1DJR3cXhvNcNQGG5mYxq+7Fb7cZO5U1upS0";
    struct crypto_private_key *key = NULL;
    char *opened = NULL;
    assert_int_equal(crypto_private_key_derive("old horse battery", old, &key), MB_OK);
    assert_true(crypto_private_key_fits(key, old));
    assert_int_equal(open_sealed(key, 7, 41, old, &opened), MB_OK);
    assert_string_equal(opened, "written before padding");
    free(opened);
    assert_int_equal(open_sealed(key, 7, 42, old, &opened), MB_AUTH);
    char *relabelled = xasprintf("mbp2:%s", old + 5);
    assert_int_equal(open_sealed(key, 7, 41, relabelled, &opened), MB_AUTH);
    free(relabelled);
    /* New entries under that key are version 2. */
    char *sealed = seal(key, 7, 43, "after");
    assert_memory_equal(sealed, "mbp2:", 5);
    free(sealed);
    crypto_private_key_free(key);
}

/* crypto_private_key_below compares a key's cost with a strength's. */
static void test_key_below_a_strength(void **state)
{
    (void)state;
    struct crypto_private_key *key = new_key("correct horse");
    assert_false(crypto_private_key_below(key, CRYPTO_STRENGTH_MINIMUM));
    assert_true(crypto_private_key_below(key, CRYPTO_STRENGTH_INTERACTIVE));
    assert_true(crypto_private_key_below(NULL, CRYPTO_STRENGTH_MINIMUM));
    crypto_private_key_free(key);
    assert_int_equal(crypto_private_key_new("correct horse", CRYPTO_STRENGTH_INTERACTIVE, &key),
                     MB_OK);
    assert_false(crypto_private_key_below(key, CRYPTO_STRENGTH_INTERACTIVE));
    assert_true(crypto_private_key_below(key, CRYPTO_STRENGTH_MODERATE));
    crypto_private_key_free(key);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    struct crypto_private_key *key = NULL;
    char *out = (char *)"untouched";

    assert_int_equal(crypto_private_key_new(NULL, CRYPTO_STRENGTH_MINIMUM, &key), MB_INVALID);
    assert_null(key);
    assert_int_equal(crypto_private_key_new("pw", (enum crypto_strength)42, &key), MB_INVALID);
    assert_null(key);
    key = new_key("pw");
    char *sealed = seal(key, 7, 1, "x");
    struct crypto_private_key *derived = (struct crypto_private_key *)&out;
    assert_int_equal(crypto_private_key_derive(NULL, sealed, &derived), MB_INVALID);
    assert_null(derived);
    assert_int_equal(crypto_private_seal(key, 7, 1, NULL, &out), MB_INVALID);
    assert_null(out);
    out = (char *)"untouched";
    assert_int_equal(crypto_private_seal(NULL, 7, 1, "x", &out), MB_INVALID);
    assert_null(out);
    out = (char *)"untouched";
    assert_int_equal(crypto_private_open(NULL, 7, 1, sealed, &out), MB_INVALID);
    assert_null(out);
    assert_false(crypto_private_key_fits(NULL, sealed));
    crypto_private_key_free(NULL);
    free(sealed);
    crypto_private_key_free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_wrong_passphrase),
        cmocka_unit_test(test_tampered_bytes),
        cmocka_unit_test(test_other_author_id),
        cmocka_unit_test(test_other_post_id),
        cmocka_unit_test(test_unknown_version_and_not_sealed),
        cmocka_unit_test(test_empty_and_long_bodies),
        cmocka_unit_test(test_plaintext_never_in_sealed_text),
        cmocka_unit_test(test_cost_is_recorded_and_bounded),
        cmocka_unit_test(test_sealed_length_tells_only_the_block),
        cmocka_unit_test(test_version_1_still_opens),
        cmocka_unit_test(test_key_below_a_strength),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
