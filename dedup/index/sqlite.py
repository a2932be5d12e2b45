"""The default index store: one embedded SQLite file, safe to share between processes.

WAL journal so readers never block; every batch of decisions is one
``BEGIN IMMEDIATE`` transaction (lookups, verification, inserts), which takes
the write lock before reading, so two filter processes cannot both miss each
other's copy. A batch is what the stream had ready (at most a few dozen
records): one commit for it instead of one per record. On 20,000 documents
that halves what is written to disk; at a million, band keys land on random
pages and it saves a tenth. A process killed mid-stream loses at most the
batch it had not committed, none of which it had handed on; the next run
opens the file as it was after the last commit.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dedup.index.store import (
    Candidate,
    Decision,
    Entry,
    IndexParams,
    IndexStore,
    IndexStoreError,
    Judge,
    band_keys,
    from_bytes,
    to_bytes,
)

MEMORY = ":memory:"
_BUSY_TIMEOUT_S = 120
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    dup_of TEXT,
    similarity REAL NOT NULL,
    added REAL NOT NULL,
    words INTEGER,
    url TEXT,
    title TEXT,
    published TEXT,
    signature BLOB,
    shingles BLOB
);
CREATE INDEX IF NOT EXISTS docs_added ON docs (added);
CREATE TABLE IF NOT EXISTS bands (
    key INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (key, seq)
) WITHOUT ROWID;
"""


class SqliteStore(IndexStore):
    """An index in a SQLite file (or in memory for one run with ``:memory:``).

    ``params=None`` opens an existing index with its own parameters (for
    maintenance); otherwise a new index records ``params`` and an existing
    one must have been built with the same.
    """

    def __init__(self, path: str | Path, params: IndexParams | None) -> None:
        self.where = str(path)
        if params is None and (self.where == MEMORY or not Path(path).is_file()):
            raise IndexStoreError(f"{self.where}: no such index")
        try:
            self._db = sqlite3.connect(
                self.where, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            if self.where != MEMORY:
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self.params = self._open(params)
        except sqlite3.DatabaseError as err:
            raise IndexStoreError(f"{self.where}: not a usable dedup index ({err})") from None

    def _open(self, params: IndexParams | None) -> IndexParams:
        with self._write():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            row = self._db.execute("SELECT value FROM meta WHERE key = 'params'").fetchone()
            if row is None:
                if params is None:
                    raise IndexStoreError(f"{self.where}: not a dedup index (no parameters)")
                self._db.execute(
                    "INSERT INTO meta (key, value) VALUES ('params', ?)", (params.to_json(),)
                )
                return params
        stored = IndexParams.from_json(row[0], self.where)
        if params is not None:
            params.check(stored, self.where)
        return stored

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction; the lock is taken before the first read."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:  # a failed COMMIT (disk full) leaves it open
                self._db.execute("ROLLBACK")
            raise

    def decide(self, entry: Entry, judge: Judge, now: float | None = None) -> Decision:
        return self.decide_many([entry], judge, now)[0]

    def decide_many(
        self, entries: Sequence[Entry], judge: Judge, now: float | None = None
    ) -> list[Decision]:
        if not entries:  # no transaction, so no wait for another process's write lock
            return []
        try:
            with self._write():
                return [self._decide(entry, judge, now) for entry in entries]
        except sqlite3.Error as err:
            raise IndexStoreError(f"{self.where}: {err}") from None

    def lookup(self, entry: Entry, judge: Judge) -> Decision:
        try:
            return self._previous(entry.id) or self._verdict(entry, judge)[0]
        except sqlite3.Error as err:
            raise IndexStoreError(f"{self.where}: {err}") from None

    def _previous(self, doc_id: str) -> Decision | None:
        row = self._db.execute(
            "SELECT status, dup_of, similarity FROM docs WHERE id = ?", (doc_id,)
        ).fetchone()
        return None if row is None else Decision(doc_id, row[0], row[1], row[2], replayed=True)

    def _verdict(self, entry: Entry, judge: Judge) -> tuple[Decision, list[int]]:
        """What the index says of a new entry (not stored), and the entry's band keys."""
        keys = band_keys(entry.signature, self.params)
        marks = ",".join("?" * len(keys))
        found = self._db.execute(
            f"SELECT id, shingles FROM docs WHERE seq IN "
            f"(SELECT seq FROM bands WHERE key IN ({marks}))",
            keys,
        ).fetchall()
        match = judge(entry.shingles, [Candidate(i, from_bytes(s)) for i, s in found])
        if match is None:
            return Decision(entry.id, "kept", None, 1.0), keys
        return Decision(entry.id, "duplicate", match[0], match[1]), keys

    def _decide(self, entry: Entry, judge: Judge, now: float | None) -> Decision:
        """One decision inside the caller's write transaction."""
        previous = self._previous(entry.id)
        if previous is not None:
            return previous
        decision, keys = self._verdict(entry, judge)
        added = time.time() if now is None else now
        if decision.status == "duplicate":
            self._db.execute(
                "INSERT INTO docs (id, status, dup_of, similarity, added) "
                "VALUES (?, 'duplicate', ?, ?, ?)",
                (entry.id, decision.dup_of, decision.similarity, added),
            )
            return decision
        cursor = self._db.execute(
            "INSERT INTO docs (id, status, similarity, added, words, url, title, published,"
            " signature, shingles) VALUES (?, 'kept', 1.0, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.id,
                added,
                entry.words,
                entry.url,
                entry.title,
                entry.published,
                to_bytes(entry.signature),
                to_bytes(entry.shingles),
            ),
        )
        seq = cursor.lastrowid
        self._db.executemany(
            "INSERT OR IGNORE INTO bands (key, seq) VALUES (?, ?)", [(k, seq) for k in keys]
        )
        return decision

    def stats(self) -> dict[str, Any]:
        counts = dict(self._db.execute("SELECT status, COUNT(*) FROM docs GROUP BY status"))
        oldest, newest = self._db.execute("SELECT MIN(added), MAX(added) FROM docs").fetchone()
        page_size = self._db.execute("PRAGMA page_size").fetchone()[0]
        pages = self._db.execute("PRAGMA page_count").fetchone()[0]
        free = self._db.execute("PRAGMA freelist_count").fetchone()[0]
        return {
            "index": self.where,
            "store": "sqlite",
            "kept": counts.get("kept", 0),
            "duplicates": counts.get("duplicate", 0),
            "decisions": sum(counts.values()),
            "bytes": self._file_bytes(),
            "free_bytes": free * page_size,
            "database_bytes": pages * page_size,
            "oldest": oldest,
            "newest": newest,
            "params": self.params.as_dict(),
        }

    def _file_bytes(self) -> int:
        if self.where == MEMORY:
            return 0
        paths = [Path(self.where + suffix) for suffix in ("", "-wal", "-shm")]
        return sum(p.stat().st_size for p in paths if p.exists())

    def expire(self, cutoff: float) -> int:
        with self._write():
            old = self._db.execute(
                "SELECT seq, signature FROM docs WHERE added < ? AND signature IS NOT NULL",
                (cutoff,),
            ).fetchall()
            self._db.executemany(
                "DELETE FROM bands WHERE key = ? AND seq = ?",
                [(key, seq) for seq, sig in old for key in band_keys(from_bytes(sig), self.params)],
            )
            return self._db.execute("DELETE FROM docs WHERE added < ?", (cutoff,)).rowcount

    def compact(self) -> dict[str, Any]:
        before = self._file_bytes()
        self._db.execute("VACUUM")
        if self.where != MEMORY:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return {"index": self.where, "bytes_before": before, "bytes_after": self._file_bytes()}

    def close(self) -> None:
        self._db.close()
