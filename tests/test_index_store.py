"""The index stores as a library: atomic decisions, replay, expiry by time, parameters."""

from __future__ import annotations

from pathlib import Path

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
