/* What the readers of posts ask of the private entries (store/private.c):
 * opening, on a page just read, the entries of the author whose key is
 * unlocked on this handle, and forgetting that key when the handle closes.
 * Only the store's own .c files and its tests include this. */
#ifndef STORE_PRIVATE_H
#define STORE_PRIVATE_H

#include "store/internal.h"

/* Replaces the placeholder body of each private entry in list written by
 * the author unlocked on this handle (store_private_unlock) with its
 * opened text (wiped when the post is cleared); an entry that does not
 * open with the key says so in its body instead. Every other post is left
 * as it is. MB_OK, or a failure to read (the list is then unchanged in
 * the entries not yet opened; the caller frees it as always). */
enum mb_status store_private_open_posts(struct store *store, struct post_list *list);

/* store_private_forget (store.h) also runs at store_close. */

#endif
