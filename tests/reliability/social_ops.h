/* The writes of issues 11 and 12 for the concurrency drivers (concurrent.c
 * on SQLite, pg_writers.c on PostgreSQL): one process's random mix of
 * posts with @mentions and #tags (rel_social_body), replies to random
 * existing posts, edits of its own posts, private entries (a test-strength
 * key: rel_options), deletes, follows and unfollows, mutes and unmutes,
 * read marks and last seen, all through the store API. Each process writes
 * as its own user, so it knows exactly what its follows, mutes, read mark
 * and own posts' bodies must be afterwards (rel_social_verify reads them
 * back); a reply to a post another process deleted meanwhile is the one
 * refusal expected (counted, not an error). Header-only, as rel.h. */
#ifndef TESTS_RELIABILITY_SOCIAL_OPS_H
#define TESTS_RELIABILITY_SOCIAL_OPS_H

#include "tests/reliability/invariants.h"

#define REL_OWN_POSTS 32

struct rel_social_tally {
    int64_t posts;       /* posts committed: plain, replies and private entries */
    int64_t replies, edits, privates, deletes;
    int64_t follows, mutes, marks, seen;  /* each way counted */
    int64_t refused;     /* replies to a post deleted meanwhile */
    int64_t mismatches;  /* own state read back differs from what was written */
    int64_t busy, errors;
    /* PostgreSQL's deadlocks (known bug 4, fixed: tagged writes take
     * tag_count's rows in one order; the store does not run a write
     * again after one): counted apart, a failure of the load. */
    int64_t deadlocks;
    char first_error[200];
    char first_deadlock[200];
};

struct rel_own_post {
    int64_t id;
    char body[160];
};

struct rel_social {
    struct store *store;
    int64_t own;                          /* only this process writes as it */
    int64_t names[REL_NAME_COUNT];
    struct rel_own_post posts[REL_OWN_POSTS]; /* own posts that are not private */
    size_t post_count;
    int64_t private_id;                   /* the newest own private entry */
    char private_text[160];
    unsigned follows, mutes;              /* bit n: own follows / mutes names[n] */
    struct post_cursor mark;
    uint64_t seed;
    int64_t sequence;
    const char *label;                    /* "writer 3": in every body */
};

static inline void rel_social_fail(struct rel_social_tally *t, enum mb_status status,
                                   const char *what, const char *message)
{
    if (strstr(message, "deadlock detected") != NULL) {
        if (t->deadlocks++ == 0)
            snprintf(t->first_deadlock, sizeof t->first_deadlock, "%.40s: %.150s", what, message);
        return;
    }
    if (status == MB_BUSY)
        t->busy++;
    else
        t->errors++;
    if (t->first_error[0] == '\0')
        snprintf(t->first_error, sizeof t->first_error, "%.40s: %.150s", what, message);
}

static inline void rel_social_mismatch(struct rel_social_tally *t, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
static inline void rel_social_mismatch(struct rel_social_tally *t, const char *format, ...)
{
    t->mismatches++;
    if (t->first_error[0] != '\0')
        return;
    va_list args;
    va_start(args, format);
    vsnprintf(t->first_error, sizeof t->first_error, format, args);
    va_end(args);
}

/* Finds the named users (created before the processes start) and unlocks
 * the own user's private entries. false when that failed (counted). */
static inline bool rel_social_start(struct rel_social *s, struct rel_social_tally *t)
{
    for (size_t n = 0; n < REL_NAME_COUNT; n++) {
        struct user user = { 0 };
        enum mb_status status = store_user_get(s->store, rel_names[n], &user);
        if (status != MB_OK) {
            rel_social_fail(t, status, "finding a named user", store_error(s->store));
            return false;
        }
        s->names[n] = user.id;
        store_user_clear(&user);
    }
    enum mb_status status = store_private_unlock(s->store, s->own, "a test passphrase");
    if (status != MB_OK)
        rel_social_fail(t, status, "unlock", store_error(s->store));
    return status == MB_OK;
}

static inline void rel_social_remember(struct rel_social *s, int64_t id, const char *body)
{
    if (s->post_count == REL_OWN_POSTS) {
        memmove(s->posts, s->posts + 1, (REL_OWN_POSTS - 1) * sizeof s->posts[0]);
        s->post_count--;
    }
    s->posts[s->post_count].id = id;
    snprintf(s->posts[s->post_count].body, sizeof s->posts[0].body, "%s", body);
    s->post_count++;
}

/* A post (a reply when reply_to != 0) with mentions and tags, as author
 * (the own user: remembered). Returns its id, 0 when refused or failed. */
static inline int64_t rel_social_post(struct rel_social *s, struct rel_social_tally *t,
                                      int64_t author, int64_t reply_to)
{
    char prefix[48], body[160];
    snprintf(prefix, sizeof prefix, "%s post %lld", s->label, (long long)s->sequence++);
    rel_social_body(body, sizeof body, prefix, rel_random(&s->seed));
    int64_t id = 0;
    enum mb_status status = store_post_reply(s->store, author, reply_to, body, 0, &id);
    if (status == MB_NOT_FOUND && reply_to != 0) {
        t->refused++;
        return 0;
    }
    if (status != MB_OK) {
        rel_social_fail(t, status, reply_to ? "reply" : "post", store_error(s->store));
        return 0;
    }
    t->posts++;
    t->replies += reply_to != 0;
    if (author == s->own)
        rel_social_remember(s, id, body);
    return id;
}

/* One random write of issues 11 and 12 (or the read a reply needs). */
static inline void rel_social_step(struct rel_social *s, struct rel_social_tally *t)
{
    unsigned op = (unsigned)(rel_random(&s->seed) % 100);
    size_t n = (size_t)(rel_random(&s->seed) % REL_NAME_COUNT);
    enum mb_status status = MB_OK;
    if (op < 25) {
        /* A reply to one of the newest posts, anyone's. */
        struct post_list page = { 0 };
        status = store_posts_page(s->store, NULL, NULL, PAGE_OLDER, 20, &page);
        if (status != MB_OK) {
            rel_social_fail(t, status, "reading a page to reply", store_error(s->store));
            return;
        }
        int64_t parent = page.count > 0 ? page.items[rel_random(&s->seed) % page.count].id : 0;
        store_post_list_free(&page);
        if (parent != 0)
            rel_social_post(s, t, s->own, parent);
    } else if (op < 45 && s->post_count > 0) {
        struct rel_own_post *own = &s->posts[rel_random(&s->seed) % s->post_count];
        char prefix[48], body[160];
        snprintf(prefix, sizeof prefix, "%s edit %lld", s->label, (long long)s->sequence++);
        rel_social_body(body, sizeof body, prefix, rel_random(&s->seed));
        status = store_post_edit(s->store, own->id, s->own, body);
        if (status == MB_OK) {
            t->edits++;
            snprintf(own->body, sizeof own->body, "%s", body);
        } else {
            rel_social_fail(t, status, "edit", store_error(s->store));
        }
    } else if (op < 55) {
        snprintf(s->private_text, sizeof s->private_text, "%s private %lld: fox #secret @alice",
                 s->label, (long long)s->sequence++);
        int64_t id = 0;
        status = store_post_private(s->store, s->own, s->private_text, &id);
        if (status == MB_OK) {
            t->posts++;
            t->privates++;
            s->private_id = id;
        } else {
            rel_social_fail(t, status, "private entry", store_error(s->store));
        }
    } else if (op < 58 && s->private_id != 0) {
        status = store_post_edit(s->store, s->private_id, s->own, "in the clear");
        if (status != MB_UNSUPPORTED)
            rel_social_mismatch(t, "editing a private entry: %s, not refused",
                                mb_status_message(status));
    } else if (op < 65 && s->post_count > 0) {
        size_t i = (size_t)(rel_random(&s->seed) % s->post_count);
        status = store_post_delete(s->store, s->posts[i].id);
        if (status == MB_OK) {
            t->deletes++;
            s->posts[i] = s->posts[--s->post_count];
        } else {
            rel_social_fail(t, status, "delete", store_error(s->store));
        }
    } else if (op < 75) {
        bool on = s->follows & (1u << n);
        status = on ? store_unfollow(s->store, s->own, s->names[n])
                    : store_follow(s->store, s->own, s->names[n]);
        if (status == MB_OK) {
            t->follows++;
            s->follows ^= 1u << n;
        } else {
            rel_social_fail(t, status, on ? "unfollow" : "follow", store_error(s->store));
        }
    } else if (op < 82) {
        bool on = s->mutes & (1u << n);
        status = on ? store_unmute(s->store, s->own, s->names[n])
                    : store_mute(s->store, s->own, s->names[n]);
        if (status == MB_OK) {
            t->mutes++;
            s->mutes ^= 1u << n;
        } else {
            rel_social_fail(t, status, on ? "unmute" : "mute", store_error(s->store));
        }
    } else if (op < 95) {
        struct post_list page = { 0 };
        status = store_posts_page(s->store, &(struct post_filter){ .following_of = s->own,
                                                                   .viewer_id = s->own },
                                  NULL, PAGE_OLDER, 1, &page);
        struct post_cursor at = { 0, 0 };
        if (status == MB_OK && page.count > 0)
            at = (struct post_cursor){ page.items[0].timestamp, page.items[0].id };
        store_post_list_free(&page);
        if (status == MB_OK && at.id != 0)
            status = store_read_mark_set(s->store, s->own, STORE_MARK_TIMELINE, &at);
        if (status == MB_OK) {
            t->marks++;
            if (at.timestamp > s->mark.timestamp ||
                (at.timestamp == s->mark.timestamp && at.id > s->mark.id))
                s->mark = at;
        } else {
            rel_social_fail(t, status, "read mark", store_error(s->store));
        }
    } else {
        status = store_user_seen(s->store, s->own);
        if (status == MB_OK)
            t->seen++;
        else
            rel_social_fail(t, status, "last seen", store_error(s->store));
    }
}

/* Reads back what only this process wrote: its posts' bodies, its newest
 * private entry opened, its follows, mutes and read mark. */
static inline void rel_social_verify(struct rel_social *s, struct rel_social_tally *t)
{
    for (size_t i = 0; i < s->post_count; i++) {
        struct post post = { 0 };
        enum mb_status status = store_post_get(s->store, s->posts[i].id, &post);
        if (status != MB_OK || strcmp(post.body, s->posts[i].body) != 0)
            rel_social_mismatch(t, "own post %lld: %s, '%.60s' expected",
                                (long long)s->posts[i].id,
                                status == MB_OK ? post.body : mb_status_message(status),
                                s->posts[i].body);
        store_post_clear(&post);
    }
    if (s->private_id != 0) {
        struct post post = { 0 };
        enum mb_status status = store_post_get(s->store, s->private_id, &post);
        if (status != MB_OK || !post.is_private || strcmp(post.body, s->private_text) != 0)
            rel_social_mismatch(t, "own private entry %lld does not open to its text",
                                (long long)s->private_id);
        store_post_clear(&post);
    }
    for (int which = 0; which < 2; which++) {
        struct user_list list = { 0 };
        enum mb_status status =
            which == 0 ? store_follow_list(s->store, s->own, false, NULL, 100, &list)
                       : store_mute_list(s->store, s->own, NULL, 100, &list);
        unsigned found = 0;
        for (size_t i = 0; status == MB_OK && i < list.count; i++)
            for (size_t n = 0; n < REL_NAME_COUNT; n++)
                if (list.items[i].id == s->names[n])
                    found |= 1u << n;
        unsigned want = which == 0 ? s->follows : s->mutes;
        if (status != MB_OK || found != want || list.count != (size_t)__builtin_popcount(want))
            rel_social_mismatch(t, "%s: %zu rows, mask %x, %x expected",
                                which == 0 ? "follows" : "mutes", list.count, found, want);
        store_user_list_free(&list);
    }
    struct post_cursor at = { 0, 0 };
    enum mb_status status = store_read_mark_get(s->store, s->own, STORE_MARK_TIMELINE, &at);
    if (status != MB_OK || at.timestamp != s->mark.timestamp || at.id != s->mark.id)
        rel_social_mismatch(t, "read mark (%lld, %lld), (%lld, %lld) expected",
                            (long long)at.timestamp, (long long)at.id,
                            (long long)s->mark.timestamp, (long long)s->mark.id);
}

/* Adds one process's tally into sum. */
static inline void rel_social_add(struct rel_social_tally *sum, const struct rel_social_tally *t)
{
    sum->posts += t->posts;
    sum->replies += t->replies;
    sum->edits += t->edits;
    sum->privates += t->privates;
    sum->deletes += t->deletes;
    sum->follows += t->follows;
    sum->mutes += t->mutes;
    sum->marks += t->marks;
    sum->seen += t->seen;
    sum->refused += t->refused;
    sum->mismatches += t->mismatches;
    sum->busy += t->busy;
    sum->errors += t->errors;
    sum->deadlocks += t->deadlocks;
    if (sum->first_error[0] == '\0' && t->first_error[0] != '\0')
        memcpy(sum->first_error, t->first_error, sizeof sum->first_error);
    if (sum->first_deadlock[0] == '\0' && t->first_deadlock[0] != '\0')
        memcpy(sum->first_deadlock, t->first_deadlock, sizeof sum->first_deadlock);
}

#endif
