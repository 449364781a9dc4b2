/* Writes the benchmark's posts as JSON Lines, the format `posts --json`
 * prints and `microblog-tui import` reads: N posts by U users, oldest
 * first, identical on every machine for the same arguments (a fixed
 * xorshift generator, no libc rand, no clock, no locale). Bodies are 1 to
 * 140 code points of words from a small vocabulary, about one in eight
 * holding non-ASCII words (accents, CJK, an emoji) so that validation and
 * width code do the work they do on real text; timestamps advance 0-59
 * seconds per post, so equal timestamps occur and (timestamp, id) order is
 * exercised.
 *
 *   gen_posts POSTS [USERS]  > posts.jsonl */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t state = 0x9E3779B97F4A7C15ULL;

static uint64_t next_random(void)
{
    /* xorshift64*: deterministic and the same everywhere. */
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1DULL;
}

static unsigned below(unsigned n)
{
    return (unsigned)(next_random() % n);
}

static const char *const ascii_words[] = {
    "the", "a", "microblog", "post", "today", "terminal", "journal", "sqlite", "index",
    "keyset", "page", "first", "my", "coffee", "morning", "evening", "ssh", "tmux", "shell",
    "write", "read", "scroll", "quiet", "night", "train", "rain", "sun", "notes", "idea",
    "small", "fast", "slow", "cache", "bench", "build", "test", "again", "finally", "works",
    "why", "how", "what", "and", "or", "but", "with", "without", "because", "lunch", "walk",
};
static const char *const other_words[] = {
    "café", "naïve", "größe", "日本語", "東京", "한국어", "😀", "Ωmega", "façade", "über",
};

/* Code points in a UTF-8 string (the generator only writes valid UTF-8). */
static size_t code_points(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: gen_posts POSTS [USERS]\n");
        return 2;
    }
    long posts = strtol(argv[1], NULL, 10);
    long users = argc > 2 ? strtol(argv[2], NULL, 10) : 1000;
    if (posts < 1 || users < 1 || users > 99999) {
        fprintf(stderr, "gen_posts: POSTS >= 1 and 1 <= USERS <= 99999\n");
        return 2;
    }
    static char buffer[1 << 16];
    setvbuf(stdout, buffer, _IOFBF, sizeof buffer);

    int64_t timestamp = 1420070400; /* 2015-01-01T00:00:00Z */
    size_t ascii_count = sizeof ascii_words / sizeof *ascii_words;
    size_t other_count = sizeof other_words / sizeof *other_words;
    for (long i = 1; i <= posts; i++) {
        char body[1024];
        size_t length = 0, points = 0;
        size_t target = 1 + below(140);
        bool mixed = below(8) == 0;
        body[0] = '\0';
        while (points < target) {
            const char *word = mixed && below(4) == 0 ? other_words[below((unsigned)other_count)]
                                                     : ascii_words[below((unsigned)ascii_count)];
            size_t word_points = code_points(word) + (points > 0);
            if (points + word_points > target) {
                if (points > 0)
                    break;
                word = "x";
                word_points = 1;
            }
            length += (size_t)snprintf(body + length, sizeof body - length, "%s%s",
                                       points > 0 ? " " : "", word);
            points += word_points;
        }
        timestamp += below(60);
        time_t seconds = (time_t)timestamp;
        struct tm tm;
        gmtime_r(&seconds, &tm);
        char when[32];
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        printf("{\"id\":%ld,\"author\":\"user%04u\",\"timestamp\":\"%s\",\"body\":\"%s\"}\n", i,
               1 + below((unsigned)users), when, body);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("gen_posts");
        return 1;
    }
    return 0;
}
