/* Mentions (store/mentions.c): the users a post's body names as @name,
 * recorded in the post's own write so they are never parsed again on
 * reading. Only the store's own .c files include this. */
#ifndef STORE_MENTIONS_H
#define STORE_MENTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/internal.h"

/* At most this many users are recorded for one post. */
#define STORE_MENTIONS_MAX 16

/* Inside the write of post post_id (at timestamp): records, once each, the
 * existing users its body mentions; with replace (an edit), first forgets
 * those recorded before. A name that is no user is ignored. */
enum mb_status store_mentions_record(struct store *store, int64_t post_id, int64_t timestamp,
                                     const char *body, bool replace);

#endif
