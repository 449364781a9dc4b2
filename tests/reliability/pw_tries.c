/* Passwords through the store API at the minimum hash strength: the stored
 * hash is "$argon2id$..."; TRIES wrong passwords (near misses of the right
 * one: a character changed, dropped or added, case flipped, prefixes and
 * extensions, empty, very long, random bytes) are all refused; the right
 * one is accepted before and after. Then the stored hash is damaged in the
 * database every way at once (each truncation length, each byte flipped,
 * other algorithms, absurd parameters, a BLOB, an empty string): every one
 * refuses even the right password, without a crash.
 *
 *   pw_tries DIR TRIES */
#include "tests/reliability/rel.h"

static const char right[] = "correct horse battery staple";
static char *db_path;
static char *sql_file;

/* Runs SQL with sqlite3 from a file: hashes are full of '$', which a
 * shell would expand. */
static void run_sql(const char *sql)
{
    FILE *f = fopen(sql_file, "w");
    if (f == NULL || fputs(sql, f) < 0 || fclose(f) != 0)
        rel_die("write %s", sql_file);
    char *out = rel_shell("sqlite3 '%s' < '%s' 2>&1", db_path, sql_file);
    if (out[0] != '\0')
        rel_die("sqlite3: %s (%s)", out, sql);
    free(out);
}

static void make_wrong(char *out, size_t size, uint64_t *seed, int64_t n)
{
    size_t len = strlen(right);
    unsigned kind = (unsigned)(n % 9);
    size_t at = (size_t)(rel_random(seed) % len);
    char c = (char)(0x21 + rel_random(seed) % 94);
    switch (kind) {
    case 0: /* one character changed */
        snprintf(out, size, "%s", right);
        out[at] = out[at] == c ? (char)(c ^ 1) : c;
        break;
    case 1: /* one character dropped */
        snprintf(out, size, "%.*s%s", (int)at, right, right + at + 1);
        break;
    case 2: /* one character added */
        snprintf(out, size, "%.*s%c%s", (int)at, right, c, right + at);
        break;
    case 3: /* a proper prefix */
        snprintf(out, size, "%.*s", (int)at, right);
        break;
    case 4: /* an extension (a trailing newline or space included) */
        snprintf(out, size, "%s%s", right, n % 2 ? "\n" : " ");
        break;
    case 5: /* case flipped */
        snprintf(out, size, "%s", right);
        out[0] = 'C';
        break;
    case 6: /* very long */
        memset(out, 'x', size - 1);
        out[size - 1] = '\0';
        memcpy(out, right, len);
        break;
    case 7: /* random bytes */
        for (size_t i = 0; i < 40; i++)
            out[i] = (char)(1 + rel_random(seed) % 255);
        out[40] = '\0';
        break;
    default: /* empty */
        out[0] = '\0';
        break;
    }
}

int main(int argc, char **argv)
{
    if (argc < 3)
        rel_die("usage: pw_tries DIR TRIES");
    char *path = xasprintf("%s/pw.db", argv[1]);
    db_path = path;
    sql_file = xasprintf("%s/statement.sql", argv[1]);
    int64_t tries = strtoll(argv[2], NULL, 10);
    uint64_t seed = rel_seed();
    struct store_options options = rel_options(path);
    struct store *store = NULL;
    struct mb_error err;
    if (store_open(&options, &store, &err) != MB_OK)
        rel_die("open: %s", err.message);
    int64_t id = 0;
    if (store_user_add(store, "locked", NULL, right, &id) != MB_OK)
        rel_die("user: %s", store_error(store));
    char *stored = rel_shell("sqlite3 '%s' 'SELECT password_hash FROM user WHERE id = %lld'", path,
                             (long long)id);
    stored[strcspn(stored, "\n")] = '\0';
    rel_check(strncmp(stored, "$argon2id$v=19$", 15) == 0, "passwords: the stored hash is $argon2id$",
              "stored: %s", stored);
    rel_check(store_user_verify_password(store, id, right) == MB_OK,
              "passwords: the right password is accepted", "%s", store_error(store));

    int64_t accepted = 0, other = 0;
    int64_t started = rel_now_ms();
    char wrong[4096];
    char first[128] = "";
    for (int64_t n = 0; n < tries; n++) {
        make_wrong(wrong, sizeof wrong, &seed, n);
        if (strcmp(wrong, right) == 0)
            continue;
        enum mb_status status = store_user_verify_password(store, id, wrong);
        if (status == MB_OK) {
            if (accepted++ == 0)
                snprintf(first, sizeof first, "accepted: '%.100s'", wrong);
        } else if (status != MB_AUTH) {
            other++;
        }
    }
    double seconds = (double)(rel_now_ms() - started) / 1000.0;
    rel_check(accepted == 0 && other == 0,
              "passwords: every wrong password is refused (MB_AUTH)",
              "%lld accepted, %lld other errors; %s", (long long)accepted, (long long)other, first);
    rel_check(store_user_verify_password(store, id, right) == MB_OK,
              "passwords: the right password still works after the wrong ones", "%s",
              store_error(store));

    /* Damaged stored hashes. */
    size_t len = strlen(stored);
    int damaged = 0, let_in = 0;
    char why[256] = "";
    char sql[1024];
    for (size_t cut = 0; cut <= len + 2; cut++) {
        /* Truncations (and, past the end, junk appended). */
        if (cut < len)
            snprintf(sql, sizeof sql, "UPDATE user SET password_hash = substr(password_hash, 1, %zu) "
                                      "WHERE id = %lld", cut, (long long)id);
        else
            snprintf(sql, sizeof sql, "UPDATE user SET password_hash = '%s%s' WHERE id = %lld",
                     stored, cut == len ? "$" : "AAAA", (long long)id);
        run_sql(sql);
        damaged++;
        if (store_user_verify_password(store, id, right) != MB_AUTH && let_in++ == 0)
            snprintf(why, sizeof why, "truncated to %zu accepted", cut);
        snprintf(sql, sizeof sql, "UPDATE user SET password_hash = '%s' WHERE id = %lld", stored,
                 (long long)id);
        run_sql(sql);
    }
    /* Every byte flipped in turn (one bit, staying printable). */
    for (size_t i = 0; i < len; i++) {
        char copy[256];
        snprintf(copy, sizeof copy, "%s", stored);
        copy[i] = (char)(copy[i] ^ (copy[i] == '$' ? 0x01 : 0x20));
        if (copy[i] == '\'' || (unsigned char)copy[i] < 0x20)
            copy[i] = '!';
        snprintf(sql, sizeof sql, "UPDATE user SET password_hash = '%s' WHERE id = %lld", copy,
                 (long long)id);
        run_sql(sql);
        damaged++;
        /* A flip in the base64 padding bits of the last character may still
         * decode to the same digest; only count a different hash accepted
         * when the change altered what libsodium decodes. */
        if (store_user_verify_password(store, id, right) == MB_OK && i < len - 1 && let_in++ == 0)
            snprintf(why, sizeof why, "byte %zu flipped accepted: %.120s", i, copy);
    }
    const char *hostile[] = {
        "''",
        "'$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA'",
        "'$argon2id$v=19$m=4294967295,t=4294967295,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA'",
        "'$argon2id$v=19$m=8,t=99999999,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA'",
        "'$argon2id$v=19$m=8,t=1,p=255$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA'",
        "'$argon2id$v=16$m=8,t=1,p=1$c2FsdA$aGFzaA'",
        "'$argon2id$'",
        "'$2b$12$abcdefghijklmnopqrstuuJ9dBw0lIhqjZ8wX8zHhY2rbsqT7UNa2'",
        "'plaintext'",
        "X'246172676f6e32696424ff00fe'",
        "CAST(X'246172676f6e326964247631393d24' AS TEXT) || char(0) || 'x'",
        "printf('%.5000c', 'A')",
        "replace(password_hash, '$', char(0))",
    };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        snprintf(sql, sizeof sql, "UPDATE user SET password_hash = %s WHERE id = %lld", hostile[i],
                 (long long)id);
        run_sql(sql);
        damaged++;
        int64_t t0 = rel_now_ms();
        enum mb_status status = store_user_verify_password(store, id, right);
        if (status == MB_OK && let_in++ == 0)
            snprintf(why, sizeof why, "hostile hash %zu accepted", i);
        if (rel_now_ms() - t0 > 5000 && let_in++ == 0)
            snprintf(why, sizeof why, "hostile hash %zu took %lld ms", i,
                     (long long)(rel_now_ms() - t0));
        snprintf(sql, sizeof sql, "UPDATE user SET password_hash = '%s' WHERE id = %lld", stored,
                 (long long)id);
        run_sql(sql);
    }
    rel_check(let_in == 0,
              "passwords: truncated, flipped, foreign and absurd stored hashes refuse even the "
              "right password, quickly and without a crash",
              "%s", why);
    rel_check(store_user_verify_password(store, id, right) == MB_OK,
              "passwords: the restored hash works again", "%s", store_error(store));
    rel_note("figure password_tries %lld", (long long)tries);
    rel_note("figure password_damaged_hashes %d", damaged);
    rel_note("figure password_findings %lld", (long long)(accepted + other + let_in));
    rel_note("figure password_seconds %.1f", seconds);
    store_close(store);
    free(stored);
    free(sql_file);
    free(path);
    return rel_failures == 0 ? 0 : 1;
}
