"""Random writes through SQLite's own interface (as another program on the
box would make them, sqlite3 or Python) against revision 0006's triggers,
on a copy of a database the binary made, checking after every write:
- every post that is not private has one search key, private ones none, no
  key names a missing post;
- each key lies in its post's second (the integer part of the timestamp,
  clamped to +-2^43), and within a second the keys follow the ids;
- each word's matches, read through search_key, are the posts whose body
  holds it; the index's terms (fts5vocab) are the bodies' words; FTS5's
  integrity-check passes;
- post_count equals count(*) per author and in all (REPLACE deletes
  without delete triggers);
- search_key_renumber is empty.
The writes: inserts with and without ids (ids 2^20 apart: one slot), plain
and OR REPLACE / OR IGNORE / ON CONFLICT DO NOTHING / DO UPDATE; deletes;
edits of body, timestamp (extremes, text, fractions), private, id (plain
and OR REPLACE, through id, rowid, _rowid_ or oid; id -1 too); a multi-row
edit; every other seed with PRAGMA recursive_triggers on. Seen failing on each of the trigger
bugs fixed on 2026-11-29 (a second's third post refused, REPLACE's stale
entry and count, text timestamps losing their key, a moved id's note, an
id changed through rowid).

usage: python3 search_triggers.py BASE.db FIRST_SEED LAST_SEED STEPS
prints "ok N" (N writes checked) or the first failure, and exits 1."""
import random
import sqlite3
import sys

LIMIT = 1 << 43
WORDS = ['red', 'blue', 'green', 'cyan']


def clamp(t):
    return max(min(t, LIMIT - 1), -LIMIT)


def second_of(t):
    """The second SQLite's CAST(t AS INTEGER) gives."""
    if isinstance(t, int):
        return clamp(t)
    if isinstance(t, float):
        return clamp(int(t))
    digits = ''
    for c in t.strip():
        if c.isdigit() or (c in '+-' and digits == ''):
            digits += c
        else:
            break
    return clamp(int(digits)) if digits not in ('', '+', '-') else 0


def write(db, rnd):
    ids = [r[0] for r in db.execute("SELECT id FROM post")]
    op = rnd.random()
    text = ' '.join(rnd.sample(WORDS, rnd.randint(1, 3)))
    ts = rnd.choice([1000, 1001, 1002, -5, LIMIT - 1, LIMIT + 5, -LIMIT, -LIMIT - 7,
                     2**63 - 1, -2**63, 1000.5, 'abc', '77'])
    user = rnd.randint(1, 2)
    private = int(rnd.random() < 0.1)
    if op < 0.35 or not ids:
        if ids and rnd.random() < 0.4:
            moved = rnd.choice(ids) + rnd.choice([1, -1, 2]) * (1 << 20) * rnd.randint(1, 3)
            db.execute("INSERT INTO post (id, body, timestamp, private, user_id) "
                       "VALUES (?, ?, ?, ?, ?)", (moved, text, ts, private, user))
        else:
            db.execute("INSERT INTO post (body, timestamp, private, user_id) "
                       "VALUES (?, ?, ?, ?)", (text, ts, private, user))
    elif op < 0.45:
        db.execute("DELETE FROM post WHERE id = ?", (rnd.choice(ids),))
    elif op < 0.6:
        db.execute("UPDATE post SET body = ? WHERE id = ?", (text, rnd.choice(ids)))
    elif op < 0.7:
        db.execute("UPDATE post SET timestamp = ? WHERE id = ?", (ts, rnd.choice(ids)))
    elif op < 0.78:
        db.execute("UPDATE post SET private = 1 - private WHERE id = ?", (rnd.choice(ids),))
    elif op < 0.84:
        # id, or the rowid under another name (UPDATE OF id does not see it)
        db.execute("UPDATE post SET %s = ? WHERE id = ?" % rnd.choice(['id', 'rowid', '_rowid_']),
                   (rnd.choice([rnd.randint(-5, 5000000), -1]), rnd.choice(ids)))
    elif op < 0.88:
        db.execute(rnd.choice([
            "INSERT OR IGNORE INTO post (id, body, timestamp, private, user_id) "
            "VALUES (?, ?, ?, 0, 2)",
            "INSERT INTO post (id, body, timestamp, private, user_id) VALUES (?, ?, ?, 0, 2) "
            "ON CONFLICT DO NOTHING",
            "INSERT INTO post (id, body, timestamp, private, user_id) VALUES (?, ?, ?, 0, 2) "
            "ON CONFLICT (id) DO UPDATE SET body = excluded.body, "
            "timestamp = excluded.timestamp"]), (rnd.choice(ids), text, ts))
    elif op < 0.9:
        db.execute("UPDATE OR REPLACE post SET %s = ? WHERE id = ?" % rnd.choice(['id', 'oid']),
                   (rnd.choice(ids), rnd.choice(ids)))
    elif op < 0.96:
        db.execute("INSERT OR REPLACE INTO post (id, body, timestamp, private, user_id) "
                   "VALUES (?, ?, ?, 0, ?)", (rnd.choice(ids + [-1]), text, ts, user))
    else:
        db.execute("UPDATE post SET body = body || ' red' WHERE timestamp = ?", (ts,))


def check(db):
    posts = {r[0]: r[1:] for r in db.execute(
        "SELECT id, body, timestamp, private, user_id FROM post")}
    keys = dict(db.execute("SELECT post_id, key FROM search_key"))
    for pid, (body, ts, private, _) in posts.items():
        if private:
            assert pid not in keys, ('a private entry has a search key', pid)
        else:
            assert pid in keys, ('a post without a search key', pid)
            assert keys[pid] >> 20 == second_of(ts), \
                ('a key outside its second', pid, keys[pid], ts)
    assert set(keys) <= set(posts), ('a key of a missing post', set(keys) - set(posts))
    seconds = {}
    for pid, key in keys.items():
        seconds.setdefault(key >> 20, []).append((pid, key))
    for second, held in seconds.items():
        assert sorted(held) == sorted(held, key=lambda x: x[1]), \
            ('keys not in id order', second, held)
    for word in WORDS:
        got = sorted(r[0] for r in db.execute(
            "SELECT k.post_id FROM post_search s JOIN search_key k ON k.key = s.rowid "
            "WHERE post_search MATCH ?", (word,)))
        want = sorted(pid for pid, (body, _, private, _) in posts.items()
                      if not private and word in body.split())
        assert got == want, ('matches', word, got, want)
    db.execute("INSERT INTO post_search (post_search, rank) VALUES ('integrity-check', 1)")
    vocab = dict(db.execute("SELECT term, doc FROM temp.vocab"))
    want = {}
    for body, _, private, _ in posts.values():
        if not private:
            for word in set(body.split()):
                want[word] = want.get(word, 0) + 1
    assert vocab == want, ('index terms', vocab, want)
    counts = dict(db.execute("SELECT user_id, n FROM post_count"))
    real = dict(db.execute("SELECT user_id, count(*) FROM post GROUP BY user_id"))
    assert counts.get(0) == len(posts), ('post_count of all', counts.get(0), len(posts))
    for user in (1, 2):
        assert counts.get(user, 0) == real.get(user, 0), ('post_count', user, counts, real)
    assert db.execute("SELECT count(*) FROM search_key_renumber").fetchone()[0] == 0


def main():
    base, first, last, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    checked = 0
    for seed in range(first, last + 1):
        rnd = random.Random(seed)
        source = sqlite3.connect(base)
        db = sqlite3.connect(':memory:', isolation_level=None)
        source.backup(db)
        source.close()
        db.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, post_search, row)")
        # REPLACE fires the delete triggers when recursive_triggers is on
        db.execute("PRAGMA recursive_triggers = %d" % (seed % 2))
        for step in range(steps):
            try:
                write(db, rnd)
            except sqlite3.IntegrityError:
                pass  # refused whole: a plain insert or move onto a taken id
            try:
                check(db)
            except (AssertionError, sqlite3.Error) as failure:
                print('seed %d, write %d: %r' % (seed, step, failure))
                sys.exit(1)
            checked += 1
    print('ok %d' % checked)


main()
