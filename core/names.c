/* Lookalike usernames through ICU: the NFKC_Casefold normaliser and the
 * spoof checker's confusable skeleton (Unicode TS #39). Both keys are
 * case-folded, and the skeleton is taken of the name as written (before
 * folding), since folding first would turn a capital I into an i and hide
 * that it looks like an l. This is the only file that includes ICU. */
#include "core/names.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/udata.h>
#include <unicode/uset.h>
#include <unicode/unorm2.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>

#include "core/xalloc.h"

/* Usernames are at most 64 code points; NFKC can grow a code point to 18
 * (U+FDFA), and a skeleton to a few: this is room enough, and longer
 * results are an error, not a truncation. */
#define UNITS_MAX 4096

static enum mb_status icu_failed(struct mb_error *err, const char *what, UErrorCode code)
{
    return mb_fail(err, MB_INVALID, "cannot compare usernames (%s: %s)", what,
                   u_errorName(code));
}

/* NFKC_Casefold of UTF-16 text, back into UTF-8 (newly allocated). */
static enum mb_status fold_utf16(const UChar *text, int32_t length, char **out,
                                 struct mb_error *err)
{
    UErrorCode code = U_ZERO_ERROR;
    const UNormalizer2 *fold = unorm2_getNFKCCasefoldInstance(&code);
    UChar *folded = xmalloc(UNITS_MAX * sizeof *folded);
    char *utf8 = xmalloc(UNITS_MAX * 3 + 1);
    enum mb_status status = MB_OK;
    if (U_FAILURE(code)) {
        status = icu_failed(err, "NFKC_Casefold", code);
        goto out;
    }
    int32_t folded_length = unorm2_normalize(fold, text, length, folded, UNITS_MAX, &code);
    if (U_FAILURE(code)) {
        status = icu_failed(err, "NFKC_Casefold", code);
        goto out;
    }
    int32_t utf8_length = 0;
    u_strToUTF8(utf8, UNITS_MAX * 3 + 1, &utf8_length, folded, folded_length, &code);
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
        udata_setFileAccess(UDATA_NO_FILES, code);
        shared = uspoof_open(code);
    }
    return shared;
}

enum mb_status names_keys(const char *name, struct name_keys *out, struct mb_error *err)
{
    UErrorCode code = U_ZERO_ERROR;
    UChar *text = xmalloc(UNITS_MAX * sizeof *text);
    UChar *skeleton = xmalloc(UNITS_MAX * sizeof *skeleton);
    int32_t length = 0;
    enum mb_status status = MB_OK;

    *out = (struct name_keys){ 0 };
    u_strFromUTF8(text, UNITS_MAX, &length, name, -1, &code);
    if (U_FAILURE(code)) {
        status = icu_failed(err, "UTF-8", code);
        goto out;
    }
    USpoofChecker *spoof = checker(&code);
    if (spoof == NULL || U_FAILURE(code)) {
        status = icu_failed(err, "spoof checker", code);
        goto out;
    }
    int32_t skeleton_length = uspoof_getSkeleton(spoof, 0, text, length, skeleton, UNITS_MAX,
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
    UErrorCode code = U_ZERO_ERROR;
    USpoofChecker *spoof = checker(&code);
    if (spoof == NULL || U_FAILURE(code))
        return icu_failed(err, "spoof checker", code);
    /* Only the characters TS #39 recommends for identifiers (every
     * script's letters and digits; not U+1D00 small capitals, stray
     * combining marks or symbols), and no invisible repeated marks. */
    static USpoofChecker *limited;
    if (limited == NULL) {
        limited = uspoof_clone(spoof, &code);
        /* Letters and digits of every script as TS #39 recommends them,
         * its inclusion set (' - . and the like), and printable ASCII,
         * which names have always been allowed. */
        USet *allowed = uset_openEmpty();
        if (U_SUCCESS(code)) {
            uset_addAll(allowed, uspoof_getRecommendedSet(&code));
            uset_addAll(allowed, uspoof_getInclusionSet(&code));
            uset_addRange(allowed, 0x21, 0x7E);
        }
        if (U_SUCCESS(code))
            uspoof_setAllowedChars(limited, allowed, &code);
        uset_close(allowed);
        if (U_SUCCESS(code))
            uspoof_setChecks(limited, USPOOF_CHAR_LIMIT | USPOOF_INVISIBLE, &code);
        if (U_FAILURE(code)) {
            uspoof_close(limited);
            limited = NULL;
            return icu_failed(err, "spoof checker", code);
        }
    }
    int32_t result = uspoof_check2UTF8(limited, name, -1, NULL, &code);
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
