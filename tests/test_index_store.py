"""The index stores as a library: atomic decisions, replay, expiry by time, parameters."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.cluster.online import judge_for
from dedup.config import Params
from dedup.index.opener import open_index
from dedup.index.store import (
    Entry,
    IndexMismatch,
    IndexParams,
    IndexStoreError,
    band_keys,
    from_bytes,
    parse_age,
    to_bytes,
)
from dedup.sketch import Sketcher
from dedup.synth.newsfeed import make_feed

PARAMS = Params()
INDEX_PARAMS = IndexParams.from_params(PARAMS)
SKETCHER = Sketcher(PARAMS.shingle_size, PARAMS.num_perm, PARAMS.seed)


def entry(doc_id: str, text: str) -> Entry:
    shingles, words = SKETCHER.shingles(text)
    return Entry(doc_id, SKETCHER.signature(shingles), shingles, words)


def test_decide_keeps_first_copy_replays_ids_and_expires_by_time(tmp_path: Path):
    original, copy = (r.record["text"] for r in make_feed(1, 1))
    judge = judge_for(PARAMS)
    with open_index(str(tmp_path / "i.sqlite"), INDEX_PARAMS) as store:
        assert store.decide(entry("a", original), judge, now=100.0).status == "kept"
        dup = store.decide(entry("b", copy), judge, now=200.0)
        assert (dup.status, dup.dup_of, dup.replayed) == ("duplicate", "a", False)
        assert 0.7 <= dup.similarity < 1.0
        again = store.decide(entry("b", "entirely different words now"), judge)
        assert (again.status, again.dup_of, again.replayed) == ("duplicate", "a", True)
        assert store.expire(150.0) == 1
        stats = store.stats()
        assert (stats["kept"], stats["duplicates"]) == (0, 1)
        assert store.decide(entry("c", copy), judge).status == "kept"


def test_a_batch_decides_as_one_by_one_would_and_sees_its_own_earlier_entries(tmp_path: Path):
    feed = [r.record for r in make_feed(6, 2, seed=11)]
    entries = [entry(r["id"], r["text"]) for r in feed] + [entry(feed[0]["id"], "replayed id")]
    judge = judge_for(PARAMS)
    with open_index(str(tmp_path / "one.sqlite"), INDEX_PARAMS) as store:
        one_by_one = [store.decide(e, judge, now=1.0) for e in entries]
    with open_index(str(tmp_path / "batch.sqlite"), INDEX_PARAMS) as store:
        batched = store.decide_many(entries, judge, now=1.0)
    assert batched == one_by_one
    assert {d.status for d in batched} == {"kept", "duplicate"} and batched[-1].replayed


def test_a_batch_that_fails_part_way_stores_none_of_it(tmp_path: Path):
    original, copy = (r.record["text"] for r in make_feed(1, 1))
    judge = judge_for(PARAMS)

    def failing(shingles, candidates):
        if candidates:
            raise RuntimeError("judge failed")
        return judge(shingles, candidates)

    with open_index(str(tmp_path / "i.sqlite"), INDEX_PARAMS) as store:
        with pytest.raises(RuntimeError, match="judge failed"):
            store.decide_many([entry("a", original), entry("b", copy)], failing)
        assert store.stats()["decisions"] == 0
        assert store.decide(entry("b", copy), judge).status == "kept"


def test_a_commit_that_fails_is_rolled_back_and_the_store_stays_usable(tmp_path: Path):
    import sqlite3

    original, copy = (r.record["text"] for r in make_feed(1, 1))
    judge = judge_for(PARAMS)

    class FailingCommit:
        """The store's connection, except that the first COMMIT fails as on a full disk."""

        def __init__(self, db: sqlite3.Connection) -> None:
            self.db, self.failed = db, False

        def execute(self, sql: str, *args):
            if sql == "COMMIT" and not self.failed:
                self.failed = True
                raise sqlite3.OperationalError("database or disk is full")
            return self.db.execute(sql, *args)

        def __getattr__(self, name: str):
            return getattr(self.db, name)

    with open_index(str(tmp_path / "i.sqlite"), INDEX_PARAMS) as store:
        store._db = FailingCommit(store._db)  # type: ignore[assignment]
        with pytest.raises(IndexStoreError, match="disk is full"):
            store.decide(entry("a", original), judge)
        assert store.stats()["decisions"] == 0
        assert store.decide(entry("a", original), judge).status == "kept"
        assert store.decide(entry("b", copy), judge).dup_of == "a"


def test_reopening_checks_parameters(tmp_path: Path):
    path = str(tmp_path / "i.sqlite")
    open_index(path, INDEX_PARAMS).close()
    other = IndexParams.from_params(PARAMS.updated(num_perm=256))
    with pytest.raises(IndexMismatch, match="num_perm=128 \\(this run: 256\\)"):
        open_index(path, other)
    with open_index(path, None) as store:
        assert store.params == INDEX_PARAMS
    with pytest.raises(IndexStoreError, match="no such index"):
        open_index(str(tmp_path / "missing.sqlite"), None)


@pytest.mark.parametrize(
    "schema",
    [
        ["CREATE TABLE foo (x INTEGER)"],
        # a browser's history file has a meta table of its own
        ["CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)", "CREATE TABLE urls (url TEXT)"],
    ],
)
def test_someone_else_s_sqlite_database_is_refused_and_left_as_it_was(tmp_path: Path, schema):
    import sqlite3

    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        for statement in schema:
            db.execute(statement)
    before = path.read_bytes()
    with pytest.raises(IndexStoreError, match="not a dedup index \\(it holds other tables: "):
        open_index(str(path), INDEX_PARAMS)
    assert path.read_bytes() == before  # not even switched to WAL


def test_corrupt_bytes_are_refused_not_reinterpreted():
    with pytest.raises(IndexStoreError, match="corrupt"):
        from_bytes(b"\x80\x04\x95")


@given(st.lists(st.integers(0, 2**32 - 1), min_size=128, max_size=128))
def test_band_keys_depend_on_band_rows_only(values: list[int]):
    signature = np.array(values, dtype=np.uint32)
    assert np.array_equal(from_bytes(to_bytes(signature)), signature)
    keys = band_keys(signature, INDEX_PARAMS)
    assert len(keys) == INDEX_PARAMS.bands
    changed = signature.copy()
    changed[0] ^= 1
    other = band_keys(changed, INDEX_PARAMS)
    assert other[0] != keys[0] and other[1:] == keys[1:]


@given(st.integers(0, 10**6), st.sampled_from("smhdw"))
def test_parse_age(value: int, unit: str):
    assert (
        parse_age(f"{value}{unit}")
        == value * {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[unit]
    )


@pytest.mark.parametrize("text", ["", "30", "d", "-1d", "1y", "1.5.5h"])
def test_parse_age_rejects(text: str):
    with pytest.raises(ValueError, match="not an age"):
        parse_age(text)


# --- band rows held in memory and written to ``bands`` in bulk -------------------------------


def _feed_entries(stories: int, copies: int, seed: int) -> list[Entry]:
    return [entry(r.record["id"], r.record["text"]) for r in make_feed(stories, copies, seed=seed)]


def _band_rows(path: Path) -> tuple[int, dict[str, str]]:
    import sqlite3

    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT COUNT(*) FROM bands").fetchone()[0]
        meta = dict(db.execute("SELECT key, value FROM meta WHERE key != 'params'"))
        return rows, meta
    finally:
        db.close()


@contextmanager
def _two_stores(path: Path, first_flush: int, second_flush: int) -> Iterator[tuple[Any, Any]]:
    """Two connections to one index file, as two filter processes would hold."""
    from dedup.index.sqlite import SqliteStore

    first = SqliteStore(path, INDEX_PARAMS, flush_rows=first_flush)
    second = SqliteStore(path, INDEX_PARAMS, flush_rows=second_flush)
    try:
        yield first, second
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("flush_rows", [1, 100, 10**9])
def test_held_band_rows_give_the_decisions_of_rows_written_at_once(tmp_path: Path, flush_rows):
    from dedup.index.sqlite import SqliteStore

    entries = _feed_entries(8, 2, seed=5)
    judge = judge_for(PARAMS)
    with open_index(None, INDEX_PARAMS) as memory:  # in memory: rows go straight to ``bands``
        expected = [memory.decide(e, judge, now=1.0) for e in entries]
    path = tmp_path / "i.sqlite"
    with SqliteStore(path, INDEX_PARAMS, flush_rows=flush_rows) as store:
        got = [
            d
            for i in range(0, len(entries), 5)
            for d in store.decide_many(entries[i : i + 5], judge, now=1.0)
        ]
    assert got == expected and {d.status for d in got} == {"kept", "duplicate"}
    kept = sum(d.status == "kept" for d in got)
    rows, meta = _band_rows(path)  # closing wrote every held row
    assert rows == kept * INDEX_PARAMS.bands and meta["bands_through"] == str(len(entries))


def test_a_second_process_sees_documents_whose_band_rows_are_still_held(tmp_path: Path):

    original, copy, other = (r.record["text"] for r in make_feed(1, 2, seed=2))
    judge = judge_for(PARAMS)
    path = tmp_path / "i.sqlite"
    with _two_stores(path, 10**9, 1) as (first, second):
        assert first.decide(entry("a", original), judge).status == "kept"
        assert _band_rows(path)[0] == 0  # held by the first connection only
        assert second.decide(entry("b", copy), judge).dup_of == "a"
        # the second connection wrote every row out; the first rebuilds what it holds
        assert _band_rows(path)[0] == INDEX_PARAMS.bands
        assert first.decide(entry("c", other), judge).dup_of == "a"
        assert first._pending_rows == 0  # rebuilt after the flush: nothing left to hold
        assert first.lookup(entry("d", copy), judge).dup_of == "a"


def test_rows_held_by_a_killed_process_are_rebuilt_from_the_signatures(tmp_path: Path):
    from dedup.index.sqlite import SqliteStore

    entries = _feed_entries(5, 1, seed=9)
    originals = [e for e in entries if e.id.endswith("-0")]
    copies = [e for e in entries if not e.id.endswith("-0")]
    judge = judge_for(PARAMS)
    path = tmp_path / "i.sqlite"
    killed = SqliteStore(path, INDEX_PARAMS, flush_rows=10**9)
    assert {d.status for d in killed.decide_many(originals, judge)} == {"kept"}
    killed._db.close()  # no close(): the held rows never reach ``bands``
    assert _band_rows(path)[0] == 0
    with SqliteStore(path, INDEX_PARAMS) as reopened:
        decisions = reopened.decide_many(copies, judge)
    assert [d.dup_of for d in decisions] == [e.id.rsplit("-", 1)[0] + "-0" for e in copies]
    assert _band_rows(path)[0] == len(originals) * INDEX_PARAMS.bands


def test_reading_an_index_with_held_rows_finds_them_and_writes_nothing(tmp_path: Path):
    """``dedup check --index`` only reads: even the rows a killed filter held stay unwritten."""
    from dedup.index.sqlite import SqliteStore

    original, copy = (r.record["text"] for r in make_feed(1, 1, seed=3))
    judge = judge_for(PARAMS)
    path = tmp_path / "i.sqlite"
    killed = SqliteStore(path, INDEX_PARAMS, flush_rows=10**9)
    killed.decide(entry("a", original), judge)
    killed._db.close()
    before = (_band_rows(path), path.read_bytes())
    with SqliteStore(path, INDEX_PARAMS) as reader:
        assert reader.lookup(entry("b", copy), judge).dup_of == "a"
        assert reader.stats()["kept"] == 1
    assert (_band_rows(path), path.read_bytes()) == before


def test_expiring_while_another_process_holds_rows(tmp_path: Path):

    (old, old_copy), (new, new_copy) = (
        [r.record["text"] for r in make_feed(1, 1, seed=s)] for s in (1, 4)
    )
    judge = judge_for(PARAMS)
    with _two_stores(tmp_path / "i.sqlite", 10**9, 10**9) as (holder, other):
        assert holder.decide(entry("old", old), judge, now=100.0).status == "kept"
        assert holder.decide(entry("new", new), judge, now=200.0).status == "kept"
        assert other.expire(150.0) == 1
        assert holder.decide(entry("old-copy", old_copy), judge).status == "kept"
        assert holder.decide(entry("new-copy", new_copy), judge).dup_of == "new"
        # documents added after the expiry are seen by the other process too
        assert other.decide(entry("old-copy-2", old_copy), judge).dup_of == "old-copy"


def test_after_expiring_the_newest_documents_their_reused_numbers_are_seen(tmp_path: Path):
    """Expiry can move ``bands_through`` back to where another process last saw it."""

    feed = make_feed(3, 1, seed=8)  # 3 originals, then a copy of each
    a, b, c = (r.record["text"] for r in feed[:3])
    copy_of_c = next(r.record["text"] for r in feed[3:] if r.story == feed[2].story)
    judge = judge_for(PARAMS)
    with _two_stores(tmp_path / "i.sqlite", 10**9, 1) as (holder, other):
        holder.decide(entry("a", a), judge, now=300.0)  # number 1, held
        other.decide(entry("x", b), judge, now=300.0)  # number 2; every row written out
        other.flush_rows = 10**9
        holder.decide(entry("b", b + " late"), judge, now=100.0)  # number 3, the oldest
        assert other.expire(200.0) == 1  # back to 2, where the holder last saw it
        assert other.decide(entry("c", c), judge, now=300.0).status == "kept"  # number 3 again
        assert holder.decide(entry("c-copy", copy_of_c), judge, now=300.0).dup_of == "c"


def test_an_index_from_before_held_rows_opens_with_all_its_rows(tmp_path: Path):
    import sqlite3

    original, copy = (r.record["text"] for r in make_feed(1, 1, seed=6))
    judge = judge_for(PARAMS)
    path = tmp_path / "i.sqlite"
    with open_index(str(path), INDEX_PARAMS) as store:
        store.decide(entry("a", original), judge)
    db = sqlite3.connect(path)
    db.execute("DELETE FROM meta WHERE key IN ('bands_through', 'generation')")
    db.commit()
    db.close()
    with open_index(str(path), INDEX_PARAMS) as store:
        assert store.decide(entry("b", copy), judge).dup_of == "a"
    rows, meta = _band_rows(path)
    assert (rows, meta) == (
        INDEX_PARAMS.bands,
        {"bands_through": "2", "generation": "0", "layout": "2"},
    )


def test_a_batch_rolled_back_leaves_no_trace_in_what_the_connection_holds(tmp_path: Path):
    """The numbers a failed batch took are given out again; the other process's document
    under one of them must still be seen."""
    feed = make_feed(3, 1, seed=12)
    x, y, s = (r.record["text"] for r in feed[:3])
    copy_of_s = next(r.record["text"] for r in feed[3:] if r.story == feed[2].story)
    judge = judge_for(PARAMS)
    calls = []

    def fails_second(shingles, candidates):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("judge failed")
        return judge(shingles, candidates)

    with _two_stores(tmp_path / "i.sqlite", 10**9, 10**9) as (first, second):
        with pytest.raises(RuntimeError):
            first.decide_many([entry("x", x), entry("y", y)], fails_second)
        assert second.decide(entry("s", s), judge).status == "kept"  # takes number 1 again
        assert first.decide(entry("s-copy", copy_of_s), judge).dup_of == "s"


def test_an_index_of_a_newer_layout_is_refused(tmp_path: Path):
    import sqlite3

    path = tmp_path / "i.sqlite"
    with open_index(str(path), INDEX_PARAMS) as store:
        store.decide(entry("a", "some words " * 20), judge_for(PARAMS))
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '3' WHERE key = 'layout'")
    db.commit()
    db.close()
    with pytest.raises(IndexStoreError, match="layout 3 is newer"):
        open_index(str(path), INDEX_PARAMS)


def test_a_damaged_signature_leaves_its_document_out_instead_of_failing(tmp_path: Path):
    import sqlite3

    from dedup.index.sqlite import SqliteStore

    (a, a_copy), (b, b_copy) = ([r.record["text"] for r in make_feed(1, 1, seed=s)] for s in (2, 7))
    judge = judge_for(PARAMS)
    path = tmp_path / "i.sqlite"
    killed = SqliteStore(path, INDEX_PARAMS, flush_rows=10**9)
    killed.decide(entry("a", a), judge, now=100.0)
    killed.decide(entry("b", b), judge, now=300.0)
    killed._db.close()  # both held, never written to ``bands``
    db = sqlite3.connect(path)
    db.execute("UPDATE docs SET signature = x'0102' WHERE id = 'a'")
    db.commit()
    db.close()
    with SqliteStore(path, INDEX_PARAMS) as store:
        assert store.decide(entry("b-copy", b_copy), judge).dup_of == "b"
        assert store.decide(entry("a-copy", a_copy), judge).status == "kept"
        assert store.expire(200.0) == 1
