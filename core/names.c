/* Lookalike usernames through ICU: the NFKC_Casefold normaliser and the
 * spoof checker's confusable skeleton (Unicode TS #39). Both keys are
 * case-folded, and the skeleton is taken of the name as written (before
 * folding), since folding first would turn a capital I into an i and hide
 * that it looks like an l. This is the only file that includes ICU. */
#include "core/names.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uclean.h>
#include <unicode/udata.h>
#include <unicode/uversion.h>
#include <unicode/uset.h>
#include <unicode/unorm2.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>

#include "core/xalloc.h"

/* ICU is loaded when a name is first compared, not when the program starts:
 * linked directly, it (and libstdc++) cost every command about a
 * millisecond of start-up, and most commands add no user. Each function is
 * found by its versioned name (ICU renames u_strFromUTF8 to
 * u_strFromUTF8_72 in its headers) in the library of the same version. */
#define ICU_FUNCTIONS(X) \
    X(u_errorName) \
    X(u_strFromUTF8) \
    X(u_strToUTF8) \
    X(udata_setFileAccess) \
    X(unorm2_getNFKCCasefoldInstance) \
    X(unorm2_normalize) \
    X(uset_addAll) \
    X(uset_addRange) \
    X(uset_close) \
    X(uset_openEmpty) \
    X(uspoof_check2UTF8) \
    X(uspoof_clone) \
    X(uspoof_close) \
    X(uspoof_getInclusionSet) \
    X(uspoof_getRecommendedSet) \
    X(uspoof_getSkeleton) \
    X(uspoof_open) \
    X(uspoof_setAllowedChars) \
    X(uspoof_setChecks)

static struct {
#define ICU_MEMBER(name) __typeof__(name) *name;
    ICU_FUNCTIONS(ICU_MEMBER)
#undef ICU_MEMBER
} icu;

#define ICU_STRING(x) #x
#define ICU_NAME(x) ICU_STRING(x)
#define ICU_LIBRARY "libicui18n.so." ICU_NAME(U_ICU_VERSION_MAJOR_NUM)

/* MB_OK once every function was found (in the i18n library and the
 * common one it depends on); MB_UNSUPPORTED with the reason otherwise. */
static enum mb_status icu_load(struct mb_error *err)
{
    static void *handle;
    if (handle != NULL)
        return MB_OK;
    void *opened = dlopen(ICU_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (opened == NULL)
        return mb_fail(err, MB_UNSUPPORTED, "cannot compare usernames: %s", dlerror());
#define ICU_FIND(name)                                                                       \
    if ((*(void **)&icu.name = dlsym(opened, ICU_NAME(name))) == NULL) {                   \
        dlclose(opened);                                                                     \
        return mb_fail(err, MB_UNSUPPORTED, "cannot compare usernames: %s has no %s",       \
                       ICU_LIBRARY, ICU_NAME(name));                                         \
    }
    ICU_FUNCTIONS(ICU_FIND)
#undef ICU_FIND
    handle = opened;
    return MB_OK;
}

/* Usernames are at most 64 code points; NFKC can grow a code point to 18
 * (U+FDFA), and a skeleton to a few: this is room enough, and longer
 * results are an error, not a truncation. */
#define UNITS_MAX 4096

static enum mb_status icu_failed(struct mb_error *err, const char *what, UErrorCode code)
{
    return mb_fail(err, MB_INVALID, "cannot compare usernames (%s: %s)", what,
                   icu.u_errorName(code));
}

/* NFKC_Casefold of UTF-16 text, back into UTF-8 (newly allocated). */
static enum mb_status fold_utf16(const UChar *text, int32_t length, char **out,
                                 struct mb_error *err)
{
    UErrorCode code = U_ZERO_ERROR;
    const UNormalizer2 *fold = icu.unorm2_getNFKCCasefoldInstance(&code);
    UChar *folded = xmalloc(UNITS_MAX * sizeof *folded);
    char *utf8 = xmalloc(UNITS_MAX * 3 + 1);
    enum mb_status status = MB_OK;
    if (U_FAILURE(code)) {
        status = icu_failed(err, "NFKC_Casefold", code);
        goto out;
    }
    int32_t folded_length = icu.unorm2_normalize(fold, text, length, folded, UNITS_MAX, &code);
    if (U_FAILURE(code)) {
        status = icu_failed(err, "NFKC_Casefold", code);
        goto out;
    }
    int32_t utf8_length = 0;
    icu.u_strToUTF8(utf8, UNITS_MAX * 3 + 1, &utf8_length, folded, folded_length, &code);
    if (U_FAILURE(code)) {
        status = icu_failed(err, "UTF-8", code);
        goto out;
    }
    utf8[utf8_length] = '\0';
    *out = utf8;
    utf8 = NULL;
out:
    free(folded);
    free(utf8);
    return status;
}

/* The spoof checker, opened once (ICU caches its data; a process asks for
 * keys only when it adds users). */
static USpoofChecker *checker(UErrorCode *code)
{
    static USpoofChecker *shared;
    if (shared == NULL) {
        /* ICU's data comes from its own library, never from a file an
         * environment variable (ICU_DATA) names: this runs with the shared
         * group held when a person's row is created. */
        icu.udata_setFileAccess(UDATA_NO_FILES, code);
        shared = icu.uspoof_open(code);
    }
    return shared;
}

enum mb_status names_keys(const char *name, struct name_keys *out, struct mb_error *err)
{
    *out = (struct name_keys){ 0 };
    enum mb_status loaded = icu_load(err);
    if (loaded != MB_OK)
        return loaded;
    UErrorCode code = U_ZERO_ERROR;
    UChar *text = xmalloc(UNITS_MAX * sizeof *text);
    UChar *skeleton = xmalloc(UNITS_MAX * sizeof *skeleton);
    int32_t length = 0;
    enum mb_status status = MB_OK;

    *out = (struct name_keys){ 0 };
    icu.u_strFromUTF8(text, UNITS_MAX, &length, name, -1, &code);
    if (U_FAILURE(code)) {
        status = icu_failed(err, "UTF-8", code);
        goto out;
    }
    USpoofChecker *spoof = checker(&code);
    if (spoof == NULL || U_FAILURE(code)) {
        status = icu_failed(err, "spoof checker", code);
        goto out;
    }
    int32_t skeleton_length = icu.uspoof_getSkeleton(spoof, 0, text, length, skeleton, UNITS_MAX,
                                                 &code);
    if (U_FAILURE(code)) {
        status = icu_failed(err, "skeleton", code);
        goto out;
    }
    status = fold_utf16(text, length, &out->fold, err);
    if (status == MB_OK)
        status = fold_utf16(skeleton, skeleton_length, &out->skeleton, err);
    if (status != MB_OK)
        names_keys_clear(out);
out:
    free(text);
    free(skeleton);
    return status;
}

enum mb_status names_check(const char *name, struct mb_error *err)
{
    enum mb_status loaded = icu_load(err);
    if (loaded != MB_OK)
        return loaded;
    UErrorCode code = U_ZERO_ERROR;
    USpoofChecker *spoof = checker(&code);
    if (spoof == NULL || U_FAILURE(code))
        return icu_failed(err, "spoof checker", code);
    /* Only the characters TS #39 recommends for identifiers (every
     * script's letters and digits; not U+1D00 small capitals, stray
     * combining marks or symbols), and no invisible repeated marks. */
    static USpoofChecker *limited;
    if (limited == NULL) {
        limited = icu.uspoof_clone(spoof, &code);
        /* Letters and digits of every script as TS #39 recommends them,
         * its inclusion set (' - . and the like), and printable ASCII,
         * which names have always been allowed. */
        USet *allowed = icu.uset_openEmpty();
        if (U_SUCCESS(code)) {
            icu.uset_addAll(allowed, icu.uspoof_getRecommendedSet(&code));
            icu.uset_addAll(allowed, icu.uspoof_getInclusionSet(&code));
            icu.uset_addRange(allowed, 0x21, 0x7E);
        }
        if (U_SUCCESS(code))
            icu.uspoof_setAllowedChars(limited, allowed, &code);
        icu.uset_close(allowed);
        if (U_SUCCESS(code))
            icu.uspoof_setChecks(limited, USPOOF_CHAR_LIMIT | USPOOF_INVISIBLE, &code);
        if (U_FAILURE(code)) {
            icu.uspoof_close(limited);
            limited = NULL;
            return icu_failed(err, "spoof checker", code);
        }
    }
    int32_t result = icu.uspoof_check2UTF8(limited, name, -1, NULL, &code);
    if (U_FAILURE(code))
        return icu_failed(err, "spoof check", code);
    if (result != 0)
        return mb_fail(err, MB_INVALID,
                       "username '%s' has characters that are not used in names (Unicode TS #39)",
                       name);
    return MB_OK;
}

void names_keys_clear(struct name_keys *keys)
{
    if (keys == NULL)
        return;
    free(keys->fold);
    free(keys->skeleton);
    keys->fold = NULL;
    keys->skeleton = NULL;
}
