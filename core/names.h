/* When two usernames are the same name to a reader: after Unicode
 * normalisation and case folding (NFKC_Casefold: "ＡＢＣ", "ÄBC" and "äbc",
 * "alíce" precomposed and decomposed), or by their confusable skeleton
 * (Unicode TS #39, ICU's spoof checker: "alice" and "аlice" with a
 * Cyrillic а, "aIice" with a capital I). The store keeps both keys of every
 * user and refuses a new name whose key another user already has. */
#ifndef CORE_NAMES_H
#define CORE_NAMES_H

#include "core/status.h"

struct name_keys {
    char *fold;      /* NFKC_Casefold(name), UTF-8 */
    char *skeleton;  /* NFKC_Casefold(skeleton(name)), UTF-8 */
};

/* Computes both keys of name (valid UTF-8). MB_INVALID when ICU cannot
 * (with the reason in err); on success free with names_keys_clear. */
enum mb_status names_keys(const char *name, struct name_keys *out, struct mb_error *err);

void names_keys_clear(struct name_keys *keys);

/* MB_OK when name uses only characters Unicode TS #39 recommends for
 * identifiers and no invisible marks; MB_INVALID (message in err)
 * otherwise. Checked for new users, not for those already stored. */
enum mb_status names_check(const char *name, struct mb_error *err);

#endif
