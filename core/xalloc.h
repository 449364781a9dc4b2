/* Allocation that never returns NULL: on exhaustion it runs the registered
 * cleanup (the TUI restores the terminal), prints one line and aborts, as
 * htop's fail() does. */
#ifndef CORE_XALLOC_H
#define CORE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* xreallocarray: like xrealloc(ptr, count * size) with overflow checked. */
void *xreallocarray(void *ptr, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string the caller frees. */
char *xasprintf(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Called before abort() on out-of-memory; NULL to unset. */
void xalloc_set_fail_hook(void (*hook)(void));

#endif
