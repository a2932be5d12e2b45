"""The numpy band buckets give exactly the clusters of the datasketch MinHashLSH version."""

import importlib
import random
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.cluster import Sketched, cluster_sketches
from dedup.cluster.leader import priority_key
from dedup.cluster.verify import shared_count
from dedup.config import Params
from dedup.index.bands import BandBuckets, band_hashes, lsh_shape
from dedup.records import Assignment
from dedup.sketch import Sketcher
from dedup.sketch.minhash import HASH_SCHEME
from dedup.story import StoryParams
from dedup.story.candidates import CandidateIndex, feature_hashes
from dedup.story.verify import top_features

PARAMS = Params(shingle_size=3, num_perm=64, threshold=0.6, lsh_threshold=0.3, min_words=5)
SKETCHER = Sketcher(PARAMS.shingle_size, PARAMS.num_perm, PARAMS.seed)


class DatasketchIndex:
    """datasketch's MinHashLSH over integer keys: the reference the band buckets must equal."""

    def __init__(self, threshold: float, num_perm: int, seed: int = 1) -> None:
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._seed = seed

    def _sketch(self, signature: np.ndarray):
        from datasketch import LeanMinHash

        return LeanMinHash(seed=self._seed, hashvalues=signature, scheme=HASH_SCHEME)

    def insert(self, key: int, signature: np.ndarray) -> None:
        self._lsh.insert(key, self._sketch(signature), check_duplication=False)

    def query(self, signature: np.ndarray) -> list[int]:
        return sorted(self._lsh.query(self._sketch(signature)))


def reference(docs: list[Sketched], params: Params) -> list[Assignment]:
    """The previous implementation: datasketch MinHashLSH, np.intersect1d verification."""
    index = DatasketchIndex(params.lsh_threshold, params.num_perm, params.seed)
    order = sorted(range(len(docs)), key=lambda i: priority_key(docs[i]))
    out: dict[int, Assignment] = {}
    for rank, i in enumerate(order):
        doc = docs[i]
        if not doc.has_text:
            out[i] = Assignment(doc.id, None, False, None, None, "no_text")
            continue
        if doc.words < params.min_words:
            out[i] = Assignment(doc.id, doc.id, True, None, 1.0, "too_short")
            continue
        best, best_sim = -1, 0.0
        for key in index.query(doc.signature):
            other = docs[order[key]].shingles
            inter = np.intersect1d(doc.shingles, other, assume_unique=True).size
            if params.similarity == "jaccard":
                sim = inter / (doc.shingles.size + other.size - inter)
            else:
                sim = inter / min(doc.shingles.size, other.size)
            if sim >= params.threshold and (sim > best_sim or (sim == best_sim and key < best)):
                best, best_sim = key, sim
        if best < 0:
            index.insert(rank, doc.signature)
            out[i] = Assignment(doc.id, doc.id, True, None, 1.0, "kept")
        else:
            rep = docs[order[best]].id
            out[i] = Assignment(doc.id, rep, False, rep, round(best_sim, 4), "duplicate")
    return [out[i] for i in range(len(docs))]


def make(doc_id: str, tokens: list[str]) -> Sketched:
    shingles, count = SKETCHER.shingles(" ".join(tokens))
    return Sketched(doc_id, count, None, shingles, SKETCHER.signature(shingles), bool(tokens))


def corpus(seed: int) -> list[Sketched]:
    """Stories with edited copies, mixed stories (many leaders per bucket), short and empty texts."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(rng.choice([30, 300, 3000]))]
    docs: list[Sketched] = []
    bases = []
    for story in range(rng.randint(3, 12)):
        base = [rng.choice(vocab) for _ in range(rng.randint(20, 120))]
        bases.append(base)
        for copy in range(rng.randint(1, 5)):
            edited = list(base)
            for _ in range(rng.randint(0, len(base) // 3)):
                edited[rng.randrange(len(edited))] = rng.choice(vocab)
            docs.append(make(f"s{story}c{copy}", edited[: rng.randint(len(base) // 2, len(base))]))
    for k in range(rng.randint(0, 6)):
        a, b = rng.choice(bases), rng.choice(bases)
        docs.append(make(f"mix{k}", a[: len(a) // 2] + b[len(b) // 2 :]))
    docs += [make("empty", []), make("short", ["a", "b"])]
    return docs


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(["containment", "jaccard"]))
def test_same_assignments_as_the_datasketch_implementation(seed, similarity):
    params = Params(**{**PARAMS.as_dict(), "similarity": similarity})
    docs = corpus(seed)
    expected = reference(docs, params)
    assert cluster_sketches(docs, params) == expected
    assert cluster_sketches(docs, params, release=True) == expected


def test_release_drops_what_clustering_no_longer_needs():
    docs = corpus(7)
    out = cluster_sketches(docs, PARAMS, release=True)
    for doc, assignment in zip(docs, out, strict=True):
        assert doc.signature.size == 0
        if not assignment.kept:
            assert doc.shingles.size == 0


def test_buckets_find_the_documents_sharing_a_band():
    bands, rows = lsh_shape(0.3, 64)
    rng = np.random.default_rng(1)
    signatures = rng.integers(0, 2**32, size=(6, 64), dtype=np.uint32)
    signatures[3, :rows] = signatures[0, :rows]  # 0 and 3 share band 0
    signatures[5] = signatures[4]  # 4 and 5 share every band
    buckets = BandBuckets(band_hashes(signatures, bands, rows), np.ones(6, dtype=bool))
    assert [buckets.shares_a_band(i) for i in range(6)] == [True, False, False, True, True, True]
    assert buckets.candidates(3) == []
    buckets.add_leader(0)
    buckets.add_leader(4)
    assert buckets.candidates(3) == [0]
    assert buckets.candidates(5) == [4]
    buckets.add_leader(3)
    assert buckets.candidates(0) == [0, 3]


def test_shared_count_equals_intersect1d():
    rng = np.random.default_rng(2)
    for _ in range(50):
        a = np.unique(rng.integers(0, 200, size=rng.integers(1, 80)).astype(np.uint32))
        b = np.unique(rng.integers(0, 200, size=rng.integers(1, 80)).astype(np.uint32))
        assert shared_count(a, b) == np.intersect1d(a, b).size


def test_band_hashes_computed_in_blocks_give_the_same_clusters(monkeypatch):
    leader = importlib.import_module("dedup.cluster.leader")  # dedup.cluster is also a function
    docs = corpus(11)
    expected = reference(docs, PARAMS)
    monkeypatch.setattr(leader, "_BLOCK", 3)
    assert cluster_sketches(docs, PARAMS, release=True) == expected


@pytest.mark.parametrize("num_perm", [2, 3, 16, 64, 128])
def test_lsh_shape_is_the_shape_datasketch_chooses(num_perm):
    from datasketch import MinHashLSH

    for threshold in [0.01, 0.1, 0.25, 0.3, 0.4, 0.5, 0.6, 0.75, 0.8, 0.9, 0.95, 0.99]:
        try:
            lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        except ValueError as error:
            with pytest.raises(ValueError, match=re.escape(str(error))):
                lsh_shape(threshold, num_perm)
        else:
            assert lsh_shape(threshold, num_perm) == (lsh.b, lsh.r), threshold


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_story_candidates_are_datasketch_minhashlsh_queries(seed):
    rnd = random.Random(seed)
    vocabulary = [f"w:term{i}" for i in range(60)]
    vectors = [
        {f: rnd.random() for f in rnd.sample(vocabulary, rnd.randint(0, 12))} for _ in range(40)
    ]
    params = StoryParams()
    index = CandidateIndex(vectors, params)
    sketcher = Sketcher(1, params.num_perm, 1)
    lsh = DatasketchIndex(params.lsh_threshold, params.num_perm)
    for doc, vector in enumerate(vectors):
        if not vector:
            assert index.candidates(doc) == []
            continue
        signature = sketcher.signature(feature_hashes(top_features(vector, params.top_terms)))
        assert index.candidates(doc) == lsh.query(signature)
        index.add(doc)
        lsh.insert(doc, signature)
