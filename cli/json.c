/* JSON for every listing of the command line: one string escaper, and
 * the one shape of a post and of a user that `posts`, `mentions`, `post
 * show`, `export`, `user show`, `followers`, `following` and `muted`
 * print with --json (JSON Lines, one object a line; `import` reads posts
 * back). */
#include "cli/cli.h"

#include <string.h>

#include "core/text.h"

/* Strings go through core/text's decoder and list: every dangerous code
 * point (text_danger, all classes) is escaped, so what validation refuses
 * in a name and what a terminal would act on never appears raw; U+2028 and
 * U+2029 also end lines in JavaScript. Each maximal ill-formed subsequence
 * becomes one \ufffd, as on a terminal. */
void cli_print_json_string(FILE *out, const char *s)
{
    size_t n = strlen(s);
    putc('"', out);
    while (n > 0) {
        int32_t cp;
        size_t length = text_decode(s, n, &cp);
        switch (cp) {
        case -1: fputs("\\ufffd", out); break;
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        default:
            if (text_danger(cp) != TEXT_SAFE)
                fprintf(out, "\\u%04x", (unsigned)cp);
            else
                fwrite(s, 1, length, out);
        }
        s += length, n -= length;
    }
    putc('"', out);
}

static void print_time_or_null(FILE *out, int64_t seconds)
{
    char stamp[32];
    if (seconds == 0) {
        fputs("null", out);
        return;
    }
    cli_format_utc_time(seconds, stamp, sizeof stamp);
    fprintf(out, "\"%s\"", stamp);
}

/* A reply's target and an edit's time only on the posts that have them,
 * so a plain post prints as it always did. */
void cli_print_post_json(FILE *out, const struct post *post)
{
    char stamp[32];
    cli_format_utc_time(post->timestamp, stamp, sizeof stamp);
    fprintf(out, "{\"id\":%lld,\"author\":", (long long)post->id);
    cli_print_json_string(out, post->author ? post->author : "");
    fprintf(out, ",\"timestamp\":\"%s\",\"body\":", stamp);
    cli_print_json_string(out, post->body ? post->body : "");
    if (post->reply_to != 0) {
        fprintf(out, ",\"reply_to\":%lld,\"reply_to_author\":", (long long)post->reply_to);
        cli_print_json_string(out, post->reply_to_author ? post->reply_to_author : "");
    }
    if (post->edited_at != 0) {
        fputs(",\"edited_at\":", out);
        print_time_or_null(out, post->edited_at);
    }
    if (post->is_private)
        fputs(",\"private\":true", out);
    fputs("}\n", out);
}

void cli_print_user_json(FILE *out, const struct user *user,
                         const struct cli_follow_counts *counts)
{
    fprintf(out, "{\"id\":%lld,\"username\":", (long long)user->id);
    cli_print_json_string(out, user->username ? user->username : "");
    fputs(",\"about\":", out);
    if (user->about != NULL)
        cli_print_json_string(out, user->about);
    else
        fputs("null", out);
    fputs(",\"joined\":", out);
    print_time_or_null(out, user->created_at);
    fputs(",\"last_seen\":", out);
    print_time_or_null(out, user->last_seen);
    fprintf(out, ",\"posts\":%lld", (long long)user->post_count);
    if (counts != NULL)
        fprintf(out, ",\"followers\":%lld,\"following\":%lld", (long long)counts->followers,
                (long long)counts->following);
    fputs("}\n", out);
}
