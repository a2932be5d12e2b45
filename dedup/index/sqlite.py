"""The default index store: one embedded SQLite file, safe to share between processes.

WAL journal so readers never block; every batch of decisions is one
``BEGIN IMMEDIATE`` transaction (lookups, verification, inserts), which takes
the write lock before reading, so two filter processes cannot both miss each
other's copy. A batch is what the stream had ready (at most a few dozen
records): one commit for it instead of one per record. A process killed
mid-stream loses at most the batch it had not committed, none of which it had
handed on; the next run opens the file as it was after the last commit.

Band keys are random 64-bit numbers, so inserting a document's 32 of them into
the ``bands`` B-tree dirties 32 pages far apart, and every commit wrote those
pages out again: 20 GB written for 100,000 documents. So the band rows of
recent documents live in memory (a temporary table of this connection) and go
to ``bands`` in bulk, sorted, once ``flush_rows`` of them have gathered, and
when the store is closed. Nothing is lost when a process dies first: the
documents' rows, with their signatures, were committed, ``meta`` says up to
which document ``bands`` is complete (``bands_through``), and every
connection rebuilds the band rows of the documents after that from their
signatures, also those another process added, before each batch.
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
LAYOUT = 2
"""How the file holds band rows: 2 holds recent ones back (``meta`` ``layout``; an index without
it is layout 1, every row in ``bands``). A file of a later layout is refused, not misread.
Layout 1 code does not know this marker: every process that writes or expires an index must run
a version that knows layout 2."""
FLUSH_ROWS = 1_000_000
"""Band rows held in memory before they are written to ``bands``: about 40 MB, 31,000 documents."""
_PENDING = """
CREATE TEMP TABLE pending (
    key INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (key, seq)
) WITHOUT ROWID
"""
_CANDIDATES = (
    "SELECT id, shingles FROM docs WHERE seq IN (SELECT seq FROM bands WHERE key IN ({0}) "
    "UNION SELECT seq FROM temp.pending WHERE key IN ({0}))"
)
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

    def __init__(
        self, path: str | Path, params: IndexParams | None, flush_rows: int = FLUSH_ROWS
    ) -> None:
        self.where = str(path)
        self.flush_rows = flush_rows
        # What temp.pending mirrors: (generation, bands_through) of ``meta`` when it was
        # rebuilt (None: rebuild before the next use), the last document read into it, and
        # how many rows it holds.
        self._view: tuple[int, int] | None = None
        self._synced = 0
        self._pending_rows = 0
        self._writer = False  # decided or expired something: close() writes the held rows
        if params is None and (self.where == MEMORY or not Path(path).is_file()):
            raise IndexStoreError(f"{self.where}: no such index")
        try:
            self._db = sqlite3.connect(
                self.where, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except sqlite3.DatabaseError as err:
            raise IndexStoreError(f"{self.where}: not a usable dedup index ({err})") from None
        try:
            self._refuse_foreign()
            if self.where != MEMORY:
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA temp_store=MEMORY")
            self._db.execute(_PENDING)
            self.params = self._open(params)
        except sqlite3.DatabaseError as err:
            self._db.close()
            raise IndexStoreError(f"{self.where}: not a usable dedup index ({err})") from None
        except IndexStoreError:
            self._db.close()
            raise

    def _refuse_foreign(self) -> None:
        """Refuse, before changing anything (not even the journal mode), a database that holds
        tables but no dedup parameters: someone else's file (a browser's has a ``meta`` table)."""
        tables = {
            name
            for (name,) in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if not tables:
            return
        ours = (
            "meta" in tables
            and self._db.execute("SELECT 1 FROM meta WHERE key = 'params'").fetchone()
        )
        if not ours:
            raise IndexStoreError(
                f"{self.where}: not a dedup index (it holds other tables: "
                f"{', '.join(sorted(tables)[:3])})"
            )

    def _open(self, params: IndexParams | None) -> IndexParams:
        with self._write():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            row = self._db.execute("SELECT value FROM meta WHERE key = 'params'").fetchone()
            created = row is None
            if created:
                if params is None:
                    raise IndexStoreError(f"{self.where}: not a dedup index (no parameters)")
                self._db.execute(
                    "INSERT INTO meta (key, value) VALUES ('params', ?)", (params.to_json(),)
                )
        if created and params is not None:
            return params
        layout = self._db.execute("SELECT value FROM meta WHERE key = 'layout'").fetchone()
        if layout is not None and int(layout[0]) > LAYOUT:
            raise IndexStoreError(
                f"{self.where}: index layout {layout[0]} is newer than this dedup's ({LAYOUT}); "
                "upgrade dedup"
            )
        stored = IndexParams.from_json(row[0], self.where)
        if params is not None:
            params.check(stored, self.where)
        return stored

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction; the lock is taken before the first read."""
        with self._transaction("BEGIN IMMEDIATE"):
            yield

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[None]:
        self._db.execute(begin)
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:  # a failed COMMIT (disk full) leaves it open
                self._db.execute("ROLLBACK")
            self._view = None  # the rollback also undid temp.pending's changes
            raise

    def _sync(self) -> None:
        """Bring temp.pending up to date with ``docs`` (inside a transaction).

        It holds the band rows of the kept documents after ``bands_through``.
        When another connection has flushed them or expired documents since,
        it is rebuilt; otherwise only documents added since are read.
        """
        view = self._meta_view()
        if view != self._view:
            self._db.execute("DELETE FROM temp.pending")
            self._view, self._synced, self._pending_rows = view, view[1], 0
            if self.where == MEMORY:  # every row is in ``bands`` already: nothing to rebuild
                self._synced = self._db.execute(
                    "SELECT COALESCE(MAX(seq), 0) FROM docs"
                ).fetchone()[0]
        rows = self._db.execute(
            "SELECT seq, signature FROM docs WHERE seq > ? ORDER BY seq", (self._synced,)
        ).fetchall()
        for seq, signature in rows:
            if signature is not None:
                self._hold(self._stored_keys(signature), seq)
            self._synced = seq

    def _stored_keys(self, signature: bytes) -> list[int]:
        """A stored signature's band keys; none for an unreadable one (a damaged file), whose
        document then is no candidate, as if expired, instead of every decision failing."""
        try:
            return band_keys(from_bytes(signature), self.params)
        except IndexStoreError:
            return []

    def _meta_view(self) -> tuple[int, int]:
        """``(generation, bands_through)``; an index written before band rows were held back
        (no such rows in ``meta``) has every row in ``bands``."""
        meta = dict(
            self._db.execute(
                "SELECT key, value FROM meta WHERE key IN ('bands_through', 'generation')"
            )
        )
        if "bands_through" not in meta:
            meta["bands_through"] = self._db.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM docs"
            ).fetchone()[0]
        return int(meta.get("generation", 0)), int(meta["bands_through"])

    def _start_writing(self) -> None:
        """Record the held-rows state in ``meta`` if it is not there yet, then sync (in a write
        transaction). Only writers record it, so opening an index to read it writes nothing."""
        generation, through = self._meta_view()
        self._db.executemany(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
            [("bands_through", str(through)), ("generation", str(generation))],
        )
        self._db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('layout', ?)", (LAYOUT,))
        self._writer = True
        self._sync()

    def _hold(self, keys: list[int], seq: int) -> None:
        """Hold a document's band rows back; an in-memory index has no pages to spare, so
        its rows go straight to ``bands``."""
        rows = [(k, seq) for k in keys]
        if self.where == MEMORY:
            self._db.executemany("INSERT OR IGNORE INTO bands (key, seq) VALUES (?, ?)", rows)
            return
        self._db.executemany("INSERT OR IGNORE INTO temp.pending (key, seq) VALUES (?, ?)", rows)
        self._pending_rows += len(keys)

    def _flush(self) -> None:
        """Write the held band rows to ``bands`` in key order (inside a write transaction)."""
        self._db.execute(
            "INSERT OR IGNORE INTO bands (key, seq) SELECT key, seq FROM temp.pending ORDER BY key"
        )
        self._db.execute(
            "UPDATE meta SET value = ? WHERE key = 'bands_through'", (str(self._synced),)
        )
        self._db.execute("DELETE FROM temp.pending")
        assert self._view is not None
        self._view, self._pending_rows = (self._view[0], self._synced), 0

    def decide(self, entry: Entry, judge: Judge, now: float | None = None) -> Decision:
        return self.decide_many([entry], judge, now)[0]

    def decide_many(
        self, entries: Sequence[Entry], judge: Judge, now: float | None = None
    ) -> list[Decision]:
        if not entries:  # no transaction, so no wait for another process's write lock
            return []
        try:
            with self._write():
                self._start_writing()
                decisions = [self._decide(entry, judge, now) for entry in entries]
                if self._pending_rows >= self.flush_rows:
                    self._flush()
                return decisions
        except sqlite3.Error as err:
            raise IndexStoreError(f"{self.where}: {err}") from None

    def lookup(self, entry: Entry, judge: Judge) -> Decision:
        try:
            with self._transaction("BEGIN"):
                self._sync()
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
        found = self._db.execute(_CANDIDATES.format(marks), keys + keys).fetchall()
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
            cursor = self._db.execute(
                "INSERT INTO docs (id, status, dup_of, similarity, added) "
                "VALUES (?, 'duplicate', ?, ?, ?)",
                (entry.id, decision.dup_of, decision.similarity, added),
            )
            self._synced = cursor.lastrowid or self._synced
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
        assert seq is not None
        self._hold(keys, seq)
        self._synced = seq
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
            # All band rows go to ``bands`` first, so each expired document's can be deleted
            # there; ``bands_through`` then ends at the last document left, below any new one
            # (the numbers of deleted last documents are given out again).
            self._start_writing()
            self._flush()
            old = self._db.execute(
                "SELECT seq, signature FROM docs WHERE added < ? AND signature IS NOT NULL",
                (cutoff,),
            ).fetchall()
            self._db.executemany(
                "DELETE FROM bands WHERE key = ? AND seq = ?",
                [(key, seq) for seq, sig in old for key in self._stored_keys(sig)],
            )
            gone = self._db.execute("DELETE FROM docs WHERE added < ?", (cutoff,)).rowcount
            self._db.execute(
                "UPDATE meta SET value = (SELECT COALESCE(MAX(seq), 0) FROM docs) "
                "WHERE key = 'bands_through'"
            )
            # Every connection rebuilds what it holds: some of those documents are gone, and
            # ``bands_through`` may be back where a connection last saw it, with numbers reused.
            self._db.execute(
                "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"
            )
            self._view = None
            return gone

    def compact(self) -> dict[str, Any]:
        before = self._file_bytes()
        self._db.execute("VACUUM")
        if self.where != MEMORY:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return {"index": self.where, "bytes_before": before, "bytes_after": self._file_bytes()}

    def close(self) -> None:
        """Write the held band rows out (if this store decided anything), then close; if that
        fails, the next writer rebuilds them."""
        try:
            if self._writer:
                with self._write():
                    self._start_writing()
                    assert self._view is not None
                    if self._pending_rows or self._synced > self._view[1]:
                        self._flush()
        except (sqlite3.Error, IndexStoreError):
            pass
        self._db.close()
