/* The PostgreSQL backend's names, as they may be shown: a connection URL
 * with its password replaced by ***. Every message of the backend names
 * the server this way, so that a password never reaches a terminal, a log
 * or an error; this header needs no libpq, so the rest of the program can
 * use it too. */
#ifndef STORE_POSTGRES_URL_H
#define STORE_POSTGRES_URL_H

#include <stddef.h>

/* A newly allocated copy of url (postgresql://... or postgres://...) with
 * the password of its user information and any password=... query
 * parameter replaced by "***" (caller frees). Anything else is kept as it
 * is; a string that is not a URL is returned unchanged. */
char *store_postgres_display_url(const char *url);

/* The password as written in url's user information (still
 * percent-encoded), newly allocated, or NULL when it has none. */
char *store_postgres_url_password(const char *url);

/* Replaces, in place, every occurrence of secret (when not NULL or empty)
 * in text with "***" (text keeps its NUL within size bytes). For messages
 * that come from libpq, which may quote a malformed connection string. */
void store_postgres_scrub(char *text, size_t size, const char *secret);

#endif
