/* The log of acknowledged writes that the crash drivers keep (crash_writer.c
 * on SQLite, pg_writers.c on PostgreSQL) and what the checker expects of
 * each post from it. A writer appends an intent line "I KIND ID PARENT ROUND
 * SEQ" before each write and an acknowledgement "A KIND ID PARENT ROUND SEQ"
 * after it returned (write(2): the new post's id for an addition); KIND is
 * P (post), R (reply), E (edit), V (private entry) or D (delete), and the
 * body is rel_write_body(KIND, ROUND, SEQ), so the log names it without
 * holding it. The checker folds the acknowledgements into a model, indexed
 * by post id, and reads every post back through the store. Header-only, as
 * rel.h. */
#ifndef TESTS_RELIABILITY_WRITES_LOG_H
#define TESTS_RELIABILITY_WRITES_LOG_H

#include <fcntl.h>

#include "tests/reliability/invariants.h"

/* One line of the log: KIND is P (post), R (reply), E (edit), V (private
 * entry) or D (delete). */
struct rel_logged {
    bool ack;
    char kind;
    int64_t id;
    int64_t parent;
    int round;
    int seq;
};

/* What the parent expects of a post id. */
struct rel_expected {
    char kind;        /* the body's: P, R, E (an edit's) or V; 0: nothing known */
    bool deleted;
    int64_t parent;   /* the post it answers (0: none) */
    int round, seq;   /* of the write that made the body */
    /* A write on it that failed after the last acknowledged one (PostgreSQL:
     * the server died; its commit may have happened): an edit whose body
     * may be there instead, or a delete that may have removed it. */
    bool edit_may_hold, may_be_gone;
    int edit_round, edit_seq;
};

static inline void rel_write_body(char *out, size_t size, char kind, int round, int seq)
{
    char prefix[64];
    if (kind == 'V') {
        snprintf(out, size, "round %d private %d: fox #secret @alice", round, seq);
        return;
    }
    snprintf(prefix, sizeof prefix, "round %d %s %d —", round,
             kind == 'E' ? "edit" : kind == 'R' ? "reply" : "post", seq);
    rel_social_body(out, size, prefix,
                    (uint64_t)round * 1000003u + (uint64_t)seq * 31u + (uint64_t)kind);
}

static inline void rel_log_line(int fd, char ack, char kind, int64_t id, int64_t parent, int round,
                                int seq)
{
    char line[96];
    int n = snprintf(line, sizeof line, "%c %c %lld %lld %d %d\n", ack, kind, (long long)id,
                     (long long)parent, round, seq);
    if (write(fd, line, (size_t)n) != n)
        _exit(4);
}

/* Reads log lines after *offset into *items; a torn last line is left. */
static inline void rel_log_read(const char *log_path, off_t *offset, struct rel_logged **items,
                                size_t *count, size_t *capacity)
{
    FILE *f = fopen(log_path, "r");
    if (f == NULL)
        return;
    fseeko(f, *offset, SEEK_SET);
    char line[128];
    while (fgets(line, sizeof line, f) != NULL) {
        size_t len = strlen(line);
        if (len == 0 || line[len - 1] != '\n')
            break;
        struct rel_logged entry;
        char ack;
        long long id, parent;
        if (sscanf(line, "%c %c %lld %lld %d %d", &ack, &entry.kind, &id, &parent, &entry.round,
                   &entry.seq) != 6)
            break;
        entry.ack = ack == 'A';
        entry.id = id;
        entry.parent = parent;
        if (*count == *capacity) {
            *capacity = *capacity ? *capacity * 2 : 1024;
            *items = xreallocarray(*items, *capacity, sizeof **items);
        }
        (*items)[(*count)++] = entry;
        *offset += (off_t)len;
    }
    fclose(f);
}

/* The expectations, indexed by post id. */
struct rel_model {
    struct rel_expected *posts;
    size_t size;
};

static inline struct rel_expected *rel_model_at(struct rel_model *m, int64_t id)
{
    if ((size_t)id >= m->size) {
        size_t size = m->size ? m->size : 1024;
        while (size <= (size_t)id)
            size *= 2;
        m->posts = xreallocarray(m->posts, size, sizeof *m->posts);
        memset(m->posts + m->size, 0, (size - m->size) * sizeof *m->posts);
        m->size = size;
    }
    return &m->posts[id];
}

static inline void rel_model_apply(struct rel_model *m, const struct rel_logged *entry)
{
    struct rel_expected *e = rel_model_at(m, entry->id);
    e->edit_may_hold = e->may_be_gone = false;
    if (entry->kind == 'D') {
        e->deleted = true;
        return;
    }
    if (entry->kind != 'E')
        e->parent = entry->parent;
    e->kind = entry->kind;
    e->deleted = false;
    e->round = entry->round;
    e->seq = entry->seq;
}

/* A write that failed (no acknowledgement): it may have happened. */
static inline void rel_model_failed(struct rel_model *m, const struct rel_logged *entry)
{
    if (entry->kind != 'E' && entry->kind != 'D')
        return; /* an addition: its id is unknown, the count tells */
    struct rel_expected *e = rel_model_at(m, entry->id);
    if (entry->kind == 'D') {
        e->may_be_gone = true;
        return;
    }
    e->edit_may_hold = true;
    e->edit_round = entry->round;
    e->edit_seq = entry->seq;
}

/* Whether post id, as read on store, holds what rel_write_body(kind, round, seq)
 * wrote; *present says whether it exists at all. Fills *post. */
static inline bool rel_post_holds(struct store *store, int64_t id, char kind, int round, int seq,
                       bool *present, struct post *post)
{
    char want[200];
    rel_write_body(want, sizeof want, kind, round, seq);
    enum mb_status status = store_post_get(store, id, post);
    *present = status == MB_OK;
    return status == MB_OK && strcmp(post->body, want) == 0 && post->is_private == (kind == 'V');
}

/* Checks one expectation; describes the first problem in why. */
static inline int rel_verify_post(struct store *store, struct rel_model *m, int64_t id, char *why,
                                  size_t why_size)
{
    struct rel_expected *e = rel_model_at(m, id);
    if (e->kind == 0)
        return 0;
    struct post post = { 0 };
    bool present = false;
    int problems = 0;
    bool holds = rel_post_holds(store, id, e->kind, e->round, e->seq, &present, &post);
    if (!holds && present && e->edit_may_hold) {
        store_post_clear(&post);
        holds = rel_post_holds(store, id, 'E', e->edit_round, e->edit_seq, &present, &post);
    }
    if (!present && e->may_be_gone)
        return 0;
    if (e->deleted ? present : !holds) {
        problems++;
        snprintf(why, why_size, "post %lld (%c, round %d, seq %d%s): %.100s", (long long)id,
                 e->kind, e->round, e->seq, e->deleted ? ", deleted" : "",
                 e->deleted ? "still there" : present ? post.body : "missing");
    } else if (!e->deleted && e->parent != 0 && post.reply_to != e->parent) {
        /* The parent's deletion sets reply_to to NULL; nothing else may. */
        struct post parent = { 0 };
        bool parent_there = store_post_get(store, e->parent, &parent) == MB_OK;
        store_post_clear(&parent);
        if (parent_there || post.reply_to != 0) {
            problems++;
            snprintf(why, why_size, "reply %lld answers %lld, not %lld", (long long)id,
                     (long long)post.reply_to, (long long)e->parent);
        }
    }
    store_post_clear(&post);
    return problems;
}

#endif
