/* Allocation wrappers: out of memory is not an error a caller can handle
 * usefully here, so the program restores the terminal and stops. */
#include "core/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void (*fail_hook)(void);

void xalloc_set_fail_hook(void (*hook)(void))
{
    fail_hook = hook;
}

static void out_of_memory(void)
{
    if (fail_hook != NULL)
        fail_hook();
    fputs("microblog-tui: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p == NULL)
        out_of_memory();
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL)
        out_of_memory();
    return p;
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (p == NULL)
        out_of_memory();
    return p;
}

void *xreallocarray(void *ptr, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        out_of_memory();
    return xrealloc(ptr, count * size);
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *xasprintf(const char *format, ...)
{
    va_list args;
    char *p = NULL;
    va_start(args, format);
    int len = vasprintf(&p, format, args);
    va_end(args);
    if (len < 0)
        out_of_memory();
    return p;
}
