/* Status codes shared by every module, generated with their messages from
 * one X-macro list (as tig's util.h does), plus the small error buffer that
 * functions without a handle use to say exactly what went wrong. */
#ifndef CORE_STATUS_H
#define CORE_STATUS_H

#include <stdarg.h>
#include <stddef.h>

#define MB_STATUS_LIST(X) \
    X(OK,          "ok") \
    X(NOMEM,       "out of memory") \
    X(IO,          "input/output error") \
    X(INVALID,     "invalid input") \
    X(NOT_FOUND,   "not found") \
    X(EXISTS,      "already exists") \
    X(BUSY,        "database is busy") \
    X(DB,          "database error") \
    X(NEWER,       "database is newer than this program") \
    X(FOREIGN,     "not a microblog-tui database") \
    X(BEHIND,      "database schema is out of date") \
    X(AUTH,        "wrong password") \
    X(CONFIG,      "configuration error") \
    X(UNSUPPORTED, "not supported") \
    X(DRIFT,       "schema differs from the applied revisions") \
    X(DENIED,      "permission denied") \
    X(PASSWORD,    "a password is needed") \
    X(REPLACED,    "the database file was deleted or replaced")

enum mb_status {
#define MB_STATUS_ENUM(name, message) MB_##name,
    MB_STATUS_LIST(MB_STATUS_ENUM)
#undef MB_STATUS_ENUM
};

/* A human-readable explanation filled in by a failing function. */
struct mb_error {
    char message[512];
};

/* The fixed message for a status; never NULL. */
const char *mb_status_message(enum mb_status status);

/* Formats a message into err (when err is not NULL) and returns status, so
 * that callers can write `return mb_fail(err, MB_INVALID, "...", ...);`. */
enum mb_status mb_fail(struct mb_error *err, enum mb_status status,
                       const char *format, ...)
    __attribute__((format(printf, 3, 4)));
enum mb_status mb_vfail(struct mb_error *err, enum mb_status status,
                        const char *format, va_list args)
    __attribute__((format(printf, 3, 0)));

#endif
