/* Messages for the status codes and the helpers that fill an mb_error. */
#include "core/status.h"

#include <stdio.h>

static const char *const status_messages[] = {
#define MB_STATUS_MESSAGE(name, message) [MB_##name] = message,
    MB_STATUS_LIST(MB_STATUS_MESSAGE)
#undef MB_STATUS_MESSAGE
};

const char *mb_status_message(enum mb_status status)
{
    if ((size_t)status >= sizeof status_messages / sizeof status_messages[0])
        return "unknown status";
    return status_messages[status];
}

enum mb_status mb_vfail(struct mb_error *err, enum mb_status status,
                        const char *format, va_list args)
{
    if (err != NULL)
        vsnprintf(err->message, sizeof err->message, format, args);
    return status;
}

enum mb_status mb_fail(struct mb_error *err, enum mb_status status,
                       const char *format, ...)
{
    va_list args;
    va_start(args, format);
    mb_vfail(err, status, format, args);
    va_end(args);
    return status;
}
