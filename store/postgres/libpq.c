/* Loading libpq on first use (see libpq.h for why): dlopen of the shared
 * library Debian's libpq5 installs, and dlsym of each function the
 * backend calls. */
#include <dlfcn.h>

#define LIBPQ_LOADER
#include "store/postgres/libpq.h"

struct libpq_functions libpq;

enum mb_status libpq_load(struct mb_error *err)
{
    static void *handle;
    if (handle != NULL)
        return MB_OK;
    void *opened = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (opened == NULL)
        return mb_fail(err, MB_UNSUPPORTED, "PostgreSQL's client library is not installed "
                       "(libpq.so.5: %s)", dlerror());
    struct libpq_functions found;
#define LIBPQ_FIND(name)                                                                    \
    if ((*(void **)&found.name = dlsym(opened, #name)) == NULL) {                          \
        dlclose(opened);                                                                    \
        return mb_fail(err, MB_UNSUPPORTED, "libpq.so.5 has no %s", #name);                \
    }
    LIBPQ_FUNCTIONS(LIBPQ_FIND)
#undef LIBPQ_FIND
    libpq = found;
    handle = opened;
    return MB_OK;
}
