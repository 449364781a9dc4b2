/* The store: the only module that speaks SQL. It owns one database (a
 * SQLite file or a PostgreSQL server) of users, posts and what connects
 * them (follows, replies, mentions, mutes, read positions) and its schema
 * revisions, and decides who may do what (store/authz.c). This header
 * exposes no engine types (store/backend.h is the seam).
 *
 * Conventions: every function that can fail returns an enum mb_status and
 * fills out-parameters only on MB_OK; store_error() then holds a one-line
 * explanation of the last failure on that handle. Strings inside returned
 * structs are owned by the struct and released by the matching *_clear or
 * *_free function. Times are seconds since the Unix epoch, UTC. */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/crypto.h"
#include "core/status.h"

#define STORE_USERNAME_MAX 64   /* code points */
#define STORE_EMAIL_MAX    120  /* code points */
#define STORE_BODY_MAX     140  /* code points */

/* ---- revisions ------------------------------------------------------- */

struct migration {
    int revision;          /* 1, 2, ... contiguous */
    const char *name;      /* "users table" */
    const char *up_sql;
    const char *down_sql;
};

struct migration_set {
    const struct migration *items;
    size_t count;
};

/* The revisions compiled into the binary from migrations/sqlite/ and
 * migrations/postgres/ (static): the same numbers and names. */
const struct migration_set *migrations_builtin(void);
const struct migration_set *migrations_builtin_postgres(void);

/* Reads NNNN_name.up.sql / NNNN_name.down.sql from dir into a new set
 * (caller frees with migration_set_free). MB_INVALID when a revision is
 * missing its pair or numbers are not contiguous from 1. */
enum mb_status migration_set_load_dir(const char *dir, struct migration_set **out,
                                      struct mb_error *err);
void migration_set_free(struct migration_set *set);

/* Writes the next numbered empty pair into dir; stores the two new paths
 * (caller frees both). */
enum mb_status migration_new(const char *dir, const char *message,
                             char **up_path, char **down_path,
                             struct mb_error *err);

/* ---- opening --------------------------------------------------------- */

enum store_migrate_policy {
    STORE_MIGRATE_AUTO,    /* behind head: back up, then upgrade to head */
    STORE_MIGRATE_REFUSE,  /* behind head: MB_BEHIND ("run db upgrade") */
    STORE_MIGRATE_NONE,    /* open as it is (the db commands) */
};

/* Who the store acts for (shared/ARCHITECTURE.md, "Who you are"). In
 * personal mode everything is allowed; in the shared modes the store knows
 * the person and checks every write itself (store/authz.c). */
enum store_mode {
    STORE_MODE_PERSONAL,   /* your own file: every command is allowed */
    STORE_MODE_SHARED,     /* setgid shared box: the person is the real uid's login */
    STORE_MODE_RESTRICTED, /* SSH forced command: the person is --user NAME */
};

struct store_options {
    const char *path;
    enum store_mode mode;
    const char *person;    /* shared modes: the person's username (created on
                            * first use); ignored in personal mode */
    bool person_is_admin;  /* shared modes: may manage users, import, migrate */
    int busy_timeout_ms;
    enum store_migrate_policy migrate;
    enum crypto_strength password_strength;
    const struct migration_set *migrations;  /* NULL: migrations_builtin() */
    bool read_only;        /* open SQLITE_OPEN_READONLY, never create */
    int cache_kib;         /* SQLite page cache in KiB; 0: SQLite's default */
    /* Testing only (the negative control of the concurrency test): begin
     * writes DEFERRED instead of IMMEDIATE, which lets "database is locked"
     * reach the caller when two writers meet. */
    bool deferred_writes;
    /* After each commit, move it into the database file and empty the -wal
     * (best effort, never waiting), so that frames of this session never
     * outlive a deletion or replacement of the file (the faces set it; the
     * throughput tests do not). */
    bool checkpoint_after_write;
    /* Set up store_change_fd while opening (the TUI): on SQLite an inotify
     * watch, made while a shared box's group is still held. Only for who
     * waits for changes: closing one costs the process ~10 ms (the kernel
     * waits for an RCU grace period), every command's exit included. */
    bool watch_changes;
    /* Called with one line for the user, e.g. the backup path written before
     * an automatic upgrade; may be NULL. */
    void (*notice)(void *context, const char *message);
    void *notice_context;
};

struct store;

/* Opens (creating when missing, 0600, new files start at head) the
 * database. A file that is not SQLite, or SQLite that is not ours, is
 * MB_FOREIGN and is not written to. A database newer than the known head
 * is MB_NEWER unless migrate is STORE_MIGRATE_NONE (then only the
 * read-only revision queries work; everything that writes refuses). On
 * failure *out is NULL and err says why; on success free with
 * store_close(). Sets WAL, foreign_keys=ON and the busy timeout. */
enum mb_status store_open(const struct store_options *options, struct store **out,
                          struct mb_error *err);

/* Closes the handle; NULL is a no-op. */
void store_close(struct store *store);

/* The message of the last failure on this handle (never NULL). */
const char *store_error(const struct store *store);

/* The path the store was opened with (a server's URL without its
 * password). */
const char *store_path(const struct store *store);

/* The revisions this store runs: options->migrations, else the engine's
 * built-in set (migrations_builtin or migrations_builtin_postgres). */
const struct migration_set *store_migration_set(const struct store *store);

/* MB_OK while the file at the store's path is the one that was opened;
 * MB_REPLACED (with the message) once it was deleted or replaced (another
 * file renamed over it). Every write checks this first, so nothing is ever
 * written into a file nobody will read, nor through its old -wal. */
enum mb_status store_file_check(struct store *store);

/* ---- who the store acts for (store/authz.c) ---------------------------- */

struct user;

enum store_mode store_mode(const struct store *store);

/* The person of a shared mode (NULL in personal mode) and their user id
 * (0 until the database has a user table, e.g. a db command on a new file). */
const char *store_person(const struct store *store);
int64_t store_person_id(const struct store *store);
bool store_person_is_admin(const struct store *store);

/* Actions only some people may take; store_authorize says whether the
 * store's person may, MB_OK or MB_DENIED with a one-line reason such as
 * "only an admin may delete other people's posts". owner_id is the user
 * the action is on (0: none). Every write below calls it itself; the faces
 * may call it early to refuse before asking for input. */
enum store_action {
    STORE_ACTION_POST_AS,       /* write a post as owner_id */
    STORE_ACTION_POST_DELETE,   /* delete a post of owner_id */
    STORE_ACTION_USER_ADD,
    STORE_ACTION_USER_DELETE,
    STORE_ACTION_USER_PASSWORD, /* set or remove owner_id's password */
    STORE_ACTION_IMPORT,        /* posts for anyone, at any time */
    STORE_ACTION_MIGRATE,       /* db upgrade / downgrade / stamp */
    STORE_ACTION_PROFILE,       /* edit owner_id's profile (own; admins: anyone's) */
    STORE_ACTION_ACT_AS,        /* follow, mute, read marks as owner_id (own only) */
};
enum mb_status store_authorize(struct store *store, enum store_action action,
                               int64_t owner_id);

/* Who a post is written as: the one home of that rule for every face.
 * Shared modes: the person (name NULL or the person's own name); anyone
 * else is MB_DENIED. Personal mode: name (NULL: default_name); when it does
 * not exist it is created without a password if create_missing is set,
 * else MB_NOT_FOUND ("no user 'X'"). A user with a password needs it:
 * with password NULL that is MB_PASSWORD, unless it was verified on this
 * handle before (store_user_verify_password); a wrong one is MB_AUTH.
 * *created (may be NULL) says whether the user was created. Fills *out
 * (free with store_user_clear). */
enum mb_status store_author_resolve(struct store *store, const char *name,
                                    const char *default_name, bool create_missing,
                                    const char *password, struct user *out,
                                    bool *created);

/* A number that changes whenever another connection commits a change
 * (SQLite's PRAGMA data_version; on PostgreSQL the NOTIFYs received once
 * listening): cheap enough to poll every few hundred ms. */
enum mb_status store_data_version(struct store *store, uint64_t *version);

/* A descriptor that becomes readable when another session commits (the
 * server's socket after LISTEN on PostgreSQL), or -1 when there is none
 * and store_data_version must be polled; ask again after each wake-up (it
 * changes when a lost connection comes back). store_change_drain consumes
 * what woke it. */
int store_change_fd(struct store *store);
void store_change_drain(struct store *store);

/* ---- revision commands (as `flask db ...`) ---------------------------- */

struct revision_info {
    int revision;
    const char *name;         /* points into the migration set */
    bool applied;
    int64_t applied_at;       /* 0 when not applied */
    bool checksum_changed;    /* applied SQL differs from the current file */
};

/* The current revision (0 = base) and the head revision known. */
enum mb_status store_revision(struct store *store, int *current, int *head);

/* One entry per known revision, oldest first, plus entries for applied
 * revisions this binary does not know (name "(unknown to this program)"). Caller frees
 * *out with free(). */
enum mb_status store_history(struct store *store, struct revision_info **out,
                             size_t *count);

/* Applies pending revisions up to target (-1: head), each in one
 * transaction with its version bump. When the database holds data, first
 * writes a backup beside it and stores its path in *backup_path (caller
 * frees; NULL when none was taken; backup_path may be NULL). On failure
 * the failing revision is rolled back completely; err names the revision
 * and the failing statement. */
enum mb_status store_upgrade(struct store *store, int target, char **backup_path);

/* Reverts revisions down to target (0 = base; -1: one step back). */
enum mb_status store_downgrade(struct store *store, int target, char **backup_path);

/* Records target as the current revision without running any SQL. */
enum mb_status store_stamp(struct store *store, int target);

/* Compares the live schema with the one the applied revisions produce on
 * an empty in-memory database. MB_OK when equal (*report NULL), MB_DRIFT
 * with a newly allocated list of differences in *report otherwise. Also
 * reports revisions whose SQL changed since they were applied. */
enum mb_status store_check(struct store *store, char **report);

/* Testing only: makes every later migration fail just before its
 * statement `statement` (0-based) of revision `revision`; (-1, -1) clears. */
void store_test_fail_migration(int revision, int statement);

/* ---- validation (no database needed) --------------------------------- */

/* Each returns MB_OK or MB_INVALID with the reason in err. Text must be
 * valid UTF-8 without NUL; lengths are counted in code points. */
enum mb_status store_validate_username(const char *username, struct mb_error *err);
enum mb_status store_validate_email(const char *email, struct mb_error *err);
enum mb_status store_validate_body(const char *body, struct mb_error *err);

/* ---- users ----------------------------------------------------------- */

struct user {
    int64_t id;
    char *username;
    char *email;          /* NULL when none */
    bool has_password;
    int64_t created_at;   /* joined */
    int64_t post_count;
    char *about;          /* "about me", up to 140 code points; NULL when none */
    int64_t last_seen;    /* 0: never (store_user_seen) */
};

struct user_list {
    struct user *items;
    size_t count;
};

/* Adds a user (admins only in the shared modes); password NULL means no
 * password. MB_EXISTS when the username (ignoring case) or the email is
 * taken; MB_INVALID on bad input. */
enum mb_status store_user_add(struct store *store, const char *username,
                              const char *email, const char *password,
                              int64_t *id);

/* Finds a user by name (ignoring case). MB_NOT_FOUND when none. Fills
 * *out (free with store_user_clear). */
enum mb_status store_user_get(struct store *store, const char *username,
                              struct user *out);
enum mb_status store_user_get_by_id(struct store *store, int64_t id,
                                    struct user *out);

/* A page of users ordered by username (ignoring case), ascending or
 * descending, starting after `after` (NULL: from the start), each with
 * its post_count (kept by triggers: no scan). Free with
 * store_user_list_free. */
enum mb_status store_user_list(struct store *store, const char *after, bool descending,
                               size_t limit, struct user_list *out);

/* Finds username (ignoring case) or, when there is none, creates it
 * without a password (a journal needs no set-up); *created says which
 * (may be NULL). Fills *out (free with store_user_clear). Shared modes:
 * creates only the person, or anyone inside store_import_begin. */
enum mb_status store_user_ensure(struct store *store, const char *username,
                                 struct user *out, bool *created);

/* Sets (or, with NULL, removes) a user's password. Shared modes: your
 * own, or anyone's for an admin. */
enum mb_status store_user_set_password(struct store *store, int64_t id,
                                       const char *password);

/* MB_OK when password matches; MB_AUTH when it does not or the user has
 * none; rehashes on success when the stored parameters are outdated. On
 * success the handle remembers the user as verified (store_author_resolve). */
enum mb_status store_user_verify_password(struct store *store, int64_t id,
                                          const char *password);

/* Pairs of usernames that look alike (kept from before revision 3, which
 * refuses new ones): one line each, "usernames 'a' and 'b' look alike",
 * newly allocated in *report, or NULL when there are none. */
enum mb_status store_user_lookalikes(struct store *store, char **report);

/* Deletes a user and (ON DELETE CASCADE) their posts. Admins only in the
 * shared modes. */
enum mb_status store_user_delete(struct store *store, int64_t id);

void store_user_clear(struct user *user);
void store_user_list_free(struct user_list *list);

/* ---- posts ----------------------------------------------------------- */

struct post {
    int64_t id;
    int64_t user_id;
    char *author;
    char *body;
    int64_t timestamp;
    int64_t reply_to;        /* the post this answers; 0: none, or it was deleted */
    char *reply_to_author;   /* that post's author, NULL when reply_to is 0 */
    int64_t thread_id;       /* the conversation's first post; 0: this post starts
                              * one (or stands alone) */
    int64_t edited_at;       /* 0: never edited */
    bool is_private;         /* a private entry: body is STORE_PRIVATE_PLACEHOLDER,
                              * or its text when its author unlocked this handle
                              * (store_private_unlock) */
};

struct post_list {
    struct post *items;
    size_t count;
};

/* A position in the timeline: (timestamp, id), compared as a pair. */
struct post_cursor {
    int64_t timestamp;
    int64_t id;
};

enum page_direction {
    PAGE_OLDER,  /* posts strictly older than the cursor, newest first */
    PAGE_NEWER,  /* posts strictly newer than the cursor, newest first */
};

/* Adds a post by user_id now (timestamp 0) or at timestamp. Shared modes:
 * only as the person and only now, unless inside store_import_begin. */
enum mb_status store_post_add(struct store *store, int64_t user_id, const char *body,
                              int64_t timestamp, int64_t *id);

/* As store_post_add, answering post reply_to (0: none; MB_NOT_FOUND "no
 * post with id N" when it does not exist). Every post records the users
 * its body mentions (@name, an existing user's name ignoring case; not an
 * e-mail address's @; never its author) and its tags (#word, case-folded:
 * store/words.c has the rule), once, when written: they are never parsed
 * again on reading. */
enum mb_status store_post_reply(struct store *store, int64_t user_id, int64_t reply_to,
                                const char *body, int64_t timestamp, int64_t *id);

/* Replaces the body of post id, written by editor_id (who must be its
 * author, in every mode: an edit speaks for the author; MB_DENIED
 * otherwise), sets edited_at to now and records its mentions and tags
 * again. A private entry is MB_UNSUPPORTED ("private entries cannot be
 * edited yet"). */
enum mb_status store_post_edit(struct store *store, int64_t id, int64_t editor_id,
                               const char *body);

/* The conversation post_id belongs to: its first post and every reply in
 * it, oldest first, after cursor (NULL: from the first), at most limit
 * (a keyset page on the thread's index: a conversation of 1,000 replies
 * costs what its page costs). MB_NOT_FOUND when post_id does not exist. */
enum mb_status store_conversation(struct store *store, int64_t post_id,
                                  const struct post_cursor *cursor, size_t limit,
                                  struct post_list *out);

enum mb_status store_post_get(struct store *store, int64_t id, struct post *out);
/* Deletes a post; in the shared modes your own, or anyone's for an admin. */
enum mb_status store_post_delete(struct store *store, int64_t id);

/* Which posts a listing shows: every field narrows it, and they combine
 * (all zero: every post). The one way a view or a command says what it
 * lists (store/post_query.c turns it into SQL for either engine). */
struct post_filter {
    int64_t author_id;     /* only this author's posts */
    int64_t following_of;  /* only posts of the people this user follows, and
                            * the user's own (the Home timeline) */
    int64_t mentioning;    /* only posts that mention this user */
    int64_t viewer_id;     /* leave out the authors this user mutes */
    int64_t since;         /* only posts at or after this time (0: no bound) */
    int64_t until;         /* only posts before this time (0: no bound) */
    const char *search;    /* only posts holding every word of this query (whole
                            * words, no operators: anything typed is words;
                            * MB_INVALID "the search has no words" without a
                            * letter or digit); private entries never match */
    const char *tag;       /* only posts tagged #tag (with or without its '#',
                            * any case: store_tag_fold; MB_INVALID otherwise) */
};

/* A keyset page of at most limit posts, newest first, that match filter
 * (NULL: every post), relative to cursor (NULL: from the newest for
 * PAGE_OLDER, from the oldest for PAGE_NEWER). Never uses OFFSET; the
 * cost of a page does not grow with the database (the following
 * timeline chooses between walking the time index and merging the
 * followed authors' own indexes). Free with store_post_list_free. */
enum mb_status store_posts_page(struct store *store, const struct post_filter *filter,
                                const struct post_cursor *cursor,
                                enum page_direction direction, size_t limit,
                                struct post_list *out);

/* How many posts matching filter are newer than `after`, counting at most
 * cap (the TUI's "N new posts": its cost grows with cap, never with the
 * database). */
enum mb_status store_posts_count_newer(struct store *store, const struct post_filter *filter,
                                       const struct post_cursor *after, int64_t cap,
                                       int64_t *count);

/* Number of posts of user_id (0: all), kept by triggers: O(1). */
enum mb_status store_post_count(struct store *store, int64_t user_id, int64_t *count);

void store_post_clear(struct post *post);
void store_post_list_free(struct post_list *list);

/* ---- the journal: tags and private entries (issue 12) ------------------ */

/* A tag (#word, store/words.c) and the number of posts that carry it. */
struct tag_count {
    char *tag;          /* case-folded, without its '#' */
    int64_t posts;
};

struct tag_list {
    struct tag_count *items;
    size_t count;
};

/* The tag a person asks for (`posts --tag WORD`, with or without its '#')
 * in the form it is stored (store/words.c has the rule): MB_OK with *out
 * newly allocated (caller frees), or MB_INVALID with the reason in err
 * when text is not one tag. No database needed. */
enum mb_status store_tag_fold(const char *text, char **out, struct mb_error *err);

/* The tags body carries, as a post with that body records them (folded,
 * each once, at most 16), in the order they come: MB_OK with *tags a
 * newly allocated array of *count newly allocated strings (caller frees
 * each and the array), or MB_NOMEM. No database needed. */
enum mb_status store_body_tags(const char *body, char ***tags, size_t *count);

/* A page of at most limit tags in byte order of their folded form, after
 * `after` (NULL or "": from the first), each with its count (kept by
 * triggers: a range of tag_count, no scan of posts). Free with
 * store_tag_list_free. */
enum mb_status store_tag_list(struct store *store, const char *after, size_t limit,
                              struct tag_list *out);
void store_tag_list_free(struct tag_list *list);

/* The body every reader sees of a private entry, and the one its author
 * sees when the key unlocked on the handle does not open it (a damaged row,
 * or one sealed under another passphrase). */
#define STORE_PRIVATE_PLACEHOLDER "(private entry)"
#define STORE_PRIVATE_UNOPENED "(private entry: it does not open with your passphrase)"

/* *exists: whether user_id has written a private entry (so that a face
 * asks a new passphrase twice only for the first). */
enum mb_status store_private_exists(struct store *store, int64_t user_id, bool *exists);

/* Unlocks user_id's private entries on this handle: derives their key from
 * passphrase and the newest of their entries, which must open with it
 * (MB_AUTH "wrong passphrase" otherwise), or, when they have none yet,
 * makes a new key (a random salt) for their first. The key stays in locked
 * memory until the handle closes or another user unlocks; then the pages
 * read on this handle show their entries opened, and store_post_private
 * seals with it. An empty passphrase is MB_INVALID. Only the author, in
 * every mode (MB_DENIED). */
enum mb_status store_private_unlock(struct store *store, int64_t user_id,
                                    const char *passphrase);

/* Locks them again: wipes and forgets the key kept on this handle (a face
 * that changes whom it acts for calls it, so that one author's entries
 * never show opened to the next). */
void store_private_forget(struct store *store);
/* Whether user_id's key is unlocked on this handle. */
bool store_private_unlocked(const struct store *store, int64_t user_id);

/* Writes a private entry of user_id now: the text (validated as a body)
 * sealed under the unlocked key (MB_PASSWORD when user_id has not
 * unlocked), the post row holding STORE_PRIVATE_PLACEHOLDER; no mentions
 * or tags are recorded and nothing of the text reaches the search index,
 * all in one write. *id (may be NULL) is the new post's. Only the author,
 * in every mode. */
enum mb_status store_post_private(struct store *store, int64_t user_id, const char *plaintext,
                                  int64_t *id);

/* ---- profiles, follows, mutes, read positions (store/social.c) -------- */

#define STORE_ABOUT_MAX 140   /* code points */

enum mb_status store_validate_about(const char *about, struct mb_error *err);

/* Sets (NULL or "": removes) a user's "about me". Shared modes: your own,
 * or anyone's for an admin. */
enum mb_status store_user_set_about(struct store *store, int64_t id, const char *about);

/* Records that the user was here now: writes only when last_seen is older
 * than a minute (so reading never becomes a write per command). Shared
 * modes: the person only (others: MB_DENIED). */
enum mb_status store_user_seen(struct store *store, int64_t id);

/* Followers and following counts of a user (range scans of the follow
 * indexes: they grow with that user's follows, never with the database). */
enum mb_status store_follow_counts(struct store *store, int64_t id, int64_t *followers,
                                   int64_t *following);

/* follower_id follows / stops following followed_id. MB_EXISTS "you
 * already follow 'b'", MB_NOT_FOUND "you do not follow 'b'", MB_INVALID
 * "you cannot follow yourself". Shared modes: only as the person. */
enum mb_status store_follow(struct store *store, int64_t follower_id, int64_t followed_id);
enum mb_status store_unfollow(struct store *store, int64_t follower_id, int64_t followed_id);
enum mb_status store_is_following(struct store *store, int64_t follower_id,
                                  int64_t followed_id, bool *yes);

/* A page of the users who follow user_id (followers true) or whom user_id
 * follows, ordered by username ignoring case, after `after` (NULL: from
 * the start). Free with store_user_list_free. */
enum mb_status store_follow_list(struct store *store, int64_t user_id, bool followers,
                                 const char *after, size_t limit, struct user_list *out);

/* user_id hides / shows again muted_id's posts in their views (the
 * post_filter's viewer_id). MB_EXISTS / MB_NOT_FOUND / MB_INVALID as
 * follows. Shared modes: only as the person. */
enum mb_status store_mute(struct store *store, int64_t user_id, int64_t muted_id);
enum mb_status store_unmute(struct store *store, int64_t user_id, int64_t muted_id);
enum mb_status store_mute_list(struct store *store, int64_t user_id, const char *after,
                               size_t limit, struct user_list *out);

/* Where a person has read up to, per view: the timeline (Home and All)
 * and their mentions. A position never moves back. */
enum store_mark {
    STORE_MARK_TIMELINE,
    STORE_MARK_MENTIONS,
};
/* *at is zero (timestamp 0, id 0) when nothing was read yet. */
enum mb_status store_read_mark_get(struct store *store, int64_t user_id, enum store_mark mark,
                                   struct post_cursor *at);
/* Moves the mark forward to at (an older at is ignored: MB_OK). Shared
 * modes: only the person's own. */
enum mb_status store_read_mark_set(struct store *store, int64_t user_id, enum store_mark mark,
                                   const struct post_cursor *at);
/* Mentions of user_id after their mentions mark, counting at most cap
 * (a range scan of the mention index). */
enum mb_status store_mentions_unread(struct store *store, int64_t user_id, int64_t cap,
                                     int64_t *count);

/* ---- batches --------------------------------------------------------- */

/* Groups many writes (import) into one IMMEDIATE transaction: nothing is
 * visible to others until store_batch_commit; store_batch_rollback undoes
 * them all. Writes inside a batch do not start their own transaction. */
enum mb_status store_batch_begin(struct store *store);
enum mb_status store_batch_commit(struct store *store);
void store_batch_rollback(struct store *store);

/* A batch for `import`: posts for any author, at any time, authors created
 * as needed. Admins only in the shared modes (MB_DENIED otherwise); ends
 * with store_batch_commit or store_batch_rollback. */
enum mb_status store_import_begin(struct store *store);

/* ---- copying a whole database (store/copy.c, `db copy`) --------------- */

struct copy_report {
    int64_t users;       /* rows copied (and counted on both sides) */
    int64_t posts;
    int64_t links;       /* rows of follow, mute, mention, read_mark,
                          * private_entry and tag */
    char sha256[65];     /* the rows' digest, equal on both sides */
};

/* *empty: whether neither the user nor the post table holds a row (or
 * they do not exist yet: a new file, an empty server database). */
enum mb_status store_is_empty(struct store *store, bool *empty);

/* Copies every user (hash, lookalike keys and ids included) and post of
 * `from` into `to`, keeping ids, in one write transaction on `to` (all or
 * nothing), reading `from` in keyset pages of one snapshot; then, after the
 * commit, verifies: the row counts and a SHA-256 of the rows (below) read
 * back from both sides are equal, and the post counts kept on `to` match
 * its posts. Both must be at the same head revision (MB_BEHIND: "run db
 * upgrade first"); `to` must be empty (MB_EXISTS, nothing written); only
 * an admin of `from` may (it reads every hash: MB_DENIED). Fills *out on
 * MB_OK; on failure store_error(to) says why (MB_DB when the verification
 * found a difference: the copy was committed).
 *
 * The digest: each row as one line of text, users then posts, each in id
 * order, then the rows of follow, mute, mention, read_mark, private_entry
 * and tag, each table in its primary key's order, fields separated by a
 * tab, NULL as \N, text with \ \t \n \r escaped as \\ \t \n \r:
 *     user<TAB>id<TAB>username<TAB>email<TAB>password_hash<TAB>created_at
 *         <TAB>name_fold<TAB>name_skeleton<TAB>about<TAB>last_seen<LF>
 *     post<TAB>id<TAB>user_id<TAB>timestamp<TAB>body<TAB>reply_to
 *         <TAB>thread_id<TAB>edited_at<TAB>private<LF>
 *     TABLE<TAB>each column as listed in store/copy.c's copy_tables<LF>
 * chained: d = "", then d = hex(SHA-256(d || line)) for each line (so the
 * rows are never held at once). */
enum mb_status store_copy(struct store *from, struct store *to, struct copy_report *out);

/* A database name as it may be shown: a server URL with its password
 * replaced by *** (as store_path shows an open one), anything else as it
 * is. Newly allocated; the caller frees. */
char *store_display_name(const char *name);

#endif
