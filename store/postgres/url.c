/* A PostgreSQL URL as it may be shown (store/postgres/url.h): the password
 * of postgresql://user:password@host/... and of a ?password=... parameter
 * replaced by ***, read the way libpq reads the URL (the user information
 * ends at the first '@' or '/'), and the scrubbing of a secret out of
 * messages that libpq may have built from the connection string. */
#include "store/postgres/url.h"

#include <stdbool.h>
#include <string.h>

#include "core/xalloc.h"

static const char *const prefixes[] = {"postgresql://", "postgres://"};

/* Appends len bytes of text to out (sized for the whole input plus room
 * for each "***"). */
static void append(char *out, size_t *used, const char *text, size_t len)
{
    memcpy(out + *used, text, len);
    *used += len;
    out[*used] = '\0';
}

char *store_postgres_display_url(const char *url)
{
    size_t prefix = 0;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(url, prefixes[i], strlen(prefixes[i])) == 0)
            prefix = strlen(prefixes[i]);
    if (prefix == 0)
        return xstrdup(url);
    /* At most one "***" per byte of input: enough room, whatever it holds. */
    size_t length = strlen(url);
    char *out = xmalloc(length * 4 + 8);
    size_t used = 0;
    out[0] = '\0';
    append(out, &used, url, prefix);
    const char *p = url + prefix;
    /* libpq: the user information runs to the first '@', unless a '/'
     * comes first (then there is none). */
    const char *at = p;
    while (*at != '\0' && *at != '@' && *at != '/')
        at++;
    if (*at == '@') {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        if (colon != NULL) {
            append(out, &used, p, (size_t)(colon - p) + 1);
            append(out, &used, "***", 3);
        } else {
            append(out, &used, p, (size_t)(at - p));
        }
        p = at;
    }
    const char *query = strchr(p, '?');
    if (query == NULL) {
        append(out, &used, p, strlen(p));
        return out;
    }
    append(out, &used, p, (size_t)(query - p) + 1);
    p = query + 1;
    while (*p != '\0') {
        const char *end = strchr(p, '&');
        size_t span = end != NULL ? (size_t)(end - p) : strlen(p);
        const char *equals = memchr(p, '=', span);
        bool secret = equals != NULL && (size_t)(equals - p) == strlen("password") &&
                      strncmp(p, "password", strlen("password")) == 0;
        if (secret) {
            append(out, &used, p, strlen("password="));
            append(out, &used, "***", 3);
        } else {
            append(out, &used, p, span);
        }
        p += span;
        if (*p == '&') {
            append(out, &used, "&", 1);
            p++;
        }
    }
    return out;
}

void store_postgres_scrub(char *text, size_t size, const char *secret)
{
    if (secret == NULL || secret[0] == '\0' || text == NULL)
        return;
    size_t secret_length = strlen(secret);
    char *found;
    char *from = text;
    while ((found = strstr(from, secret)) != NULL) {
        size_t tail = strlen(found + secret_length);
        size_t offset = (size_t)(found - text);
        /* Replace by "***", cutting the tail if it no longer fits. */
        if (offset + 3 + tail + 1 > size)
            tail = size > offset + 4 ? size - offset - 4 : 0;
        if (offset + 3 >= size) {
            text[offset] = '\0';
            return;
        }
        memmove(found + 3, found + secret_length, tail);
        memcpy(found, "***", 3);
        found[3 + tail] = '\0';
        from = found + 3;
    }
}

char *store_postgres_url_password(const char *url)
{
    const char *p = NULL;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(url, prefixes[i], strlen(prefixes[i])) == 0)
            p = url + strlen(prefixes[i]);
    if (p == NULL)
        return NULL;
    const char *at = p;
    while (*at != '\0' && *at != '@' && *at != '/')
        at++;
    const char *colon = *at == '@' ? memchr(p, ':', (size_t)(at - p)) : NULL;
    if (colon == NULL || colon + 1 == at)
        return NULL;
    return xstrndup(colon + 1, (size_t)(at - colon - 1));
}
