/* The words of a post that are recorded (store/words.c): the users its
 * body mentions as @name and the tags it carries as #word, written in the
 * post's own write so that they are never parsed again on reading, and the
 * one rule that turns a word into a tag (store_tag_fold, store.h). Only the store's own .c files include this. */
#ifndef STORE_WORDS_H
#define STORE_WORDS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/internal.h"

/* At most this many users and this many tags are recorded for one post. */
#define STORE_MENTIONS_MAX 16
#define STORE_TAGS_MAX 16
/* A tag, folded, is at most this many code points. */
#define STORE_TAG_CODEPOINTS_MAX 64

/* Inside the write of post post_id by author_id (at timestamp): records,
 * once each, the existing users its body mentions (never the author: a
 * note to yourself is no mention) and its tags; with replace (an edit),
 * in place of those recorded before (a tag it keeps keeps its row). A
 * name that is no user is ignored. Tag rows are written in byte order of
 * the tags (the lock order of tagged writes, store_tags_lock), a new
 * post's in a batch at its commit (store_tags_defer). Never
 * called for a private entry (nothing of its text is recorded). */
enum mb_status store_words_record(struct store *store, int64_t post_id, int64_t author_id,
                                  int64_t timestamp, const char *body, bool replace);

/* Inside the write, just before deleting post post_id or (post_id 0) user
 * user_id with all their posts, whose cascades delete tag rows in no
 * particular order: on PostgreSQL, locks the rows the deletion will
 * change in the one order of tagged writes (store/tag_locks.c); nothing
 * on SQLite (one writer at a time). */
enum mb_status store_tags_lock(struct store *store, int64_t user_id, int64_t post_id);


/* Inside a batch (an import: many posts in one transaction, which would
 * take tag_count's rows post after post, out of order), on PostgreSQL,
 * store_words_record puts a new post's tag rows off to here:
 * store_tags_defer keeps one (in a temporary table), store_tags_flush
 * (store_batch_commit, or an edit or a deletion in the batch) writes them
 * all in byte order of the tags and forgets them; store_tags_forget
 * forgets them unwritten (a rollback, a close). */
enum mb_status store_tags_defer(struct store *store, const char *tag, int64_t timestamp,
                                int64_t post_id);
enum mb_status store_tags_flush(struct store *store);
void store_tags_forget(struct store *store);

/* A search is at most this many bytes and this many words (a repeat
 * counts): each word is one more index walk (FTS5) or tsquery term, and a
 * query of thousands of words cost minutes of CPU on both engines. */
#define STORE_SEARCH_BYTES_MAX 1024
#define STORE_SEARCH_WORDS_MAX 16

/* A person's search query (`posts --search`) as an FTS5 expression that
 * can never be a syntax error: each run of characters between spaces that
 * holds a letter or a digit becomes a quoted string ("don't" stays one, its
 * quotes doubled), the strings joined by spaces, which FTS5 reads as AND;
 * its tokenizer splits each string into the words of a phrase, as it split
 * the bodies. No operators, no prefixes: every word must be there; a word
 * given twice is looked for once. MB_OK
 * with *out newly allocated (caller frees), or MB_INVALID ("the search has
 * no words", or more than STORE_SEARCH_BYTES_MAX bytes or
 * STORE_SEARCH_WORDS_MAX words) with the reason in err. PostgreSQL reads the query itself
 * (plainto_tsquery: the same AND of words, never an error) but is refused
 * the same queries, through this. */
enum mb_status store_search_expression(const char *query, char **out, struct mb_error *err);

#endif
