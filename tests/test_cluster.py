import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.cluster import Sketched, cluster_sketches, set_similarity
from dedup.config import Params
from dedup.sketch import Sketcher

PARAMS = Params(shingle_size=3, num_perm=128, threshold=0.7, lsh_threshold=0.3, min_words=5)
SKETCHER = Sketcher(PARAMS.shingle_size, PARAMS.num_perm, PARAMS.seed)
VOCAB = [f"w{i}" for i in range(5000)]


def words(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(VOCAB) for _ in range(n)]


def doc(doc_id: str, tokens: list[str], published: str | None = None) -> Sketched:
    shingles, count = SKETCHER.shingles(" ".join(tokens))
    return Sketched(doc_id, count, published, shingles, SKETCHER.signature(shingles), bool(tokens))


def by_id(docs, params=PARAMS):
    return {a.id: a for a in cluster_sketches(docs, params)}


def test_copies_join_and_the_longest_is_kept():
    rng = random.Random(1)
    base = words(rng, 300)
    docs = [doc("short", base[:280]), doc("full", base), doc("other", words(rng, 300))]
    out = by_id(docs)
    assert out["full"].kept and out["full"].cluster == "full" and out["full"].dup_of is None
    assert out["short"].dup_of == "full" and not out["short"].kept
    assert out["short"].cluster == "full" and out["short"].similarity == 1.0
    assert out["other"].kept and out["other"].cluster == "other"


def test_no_chaining_through_a_bridge_document():
    rng = random.Random(2)
    a_part, shared, c_part = words(rng, 100), words(rng, 200), words(rng, 100)
    a = doc("a", a_part + shared)
    b = doc("b", a_part[50:] + shared + c_part[:50])
    c = doc("c", shared + c_part)
    params = Params(shingle_size=3, threshold=0.6, lsh_threshold=0.3, similarity="jaccard")
    sims = {
        pair: set_similarity(x.shingles, y.shingles, "jaccard")
        for pair, x, y in (("ab", a, b), ("bc", b, c), ("ac", a, c))
    }
    assert sims["ab"] >= 0.6 and sims["bc"] >= 0.6 and sims["ac"] < 0.6
    out = by_id([a, b, c], params)
    assert out["a"].cluster != out["c"].cluster
    for member in out.values():
        if member.dup_of:
            rep = {"a": a, "b": b, "c": c}[member.dup_of]
            mine = {"a": a, "b": b, "c": c}[member.id]
            assert set_similarity(mine.shingles, rep.shingles, "jaccard") >= 0.6


def test_representative_policy_length_then_date_then_id():
    rng = random.Random(3)
    body = words(rng, 200)
    docs = [
        doc("z-early", body, "2024-01-01T00:00:00Z"),
        doc("a-late", body, "2024-06-01T00:00:00+00:00"),
        doc("b-nodate", body),
    ]
    out = by_id(docs)
    assert [d for d, a in out.items() if a.kept] == ["z-early"]
    same_date = [doc("y", body, "2024-01-01"), doc("x", body, "2024-01-01")]
    assert by_id(same_date)["x"].kept


def test_empty_and_short_texts_are_never_clustered():
    docs = [doc("e1", []), doc("e2", []), doc("s1", ["hi", "there"]), doc("s2", ["hi", "there"])]
    out = by_id(docs)
    assert out["e1"].status == out["e2"].status == "no_text"
    assert out["e1"].cluster is None and not out["e1"].kept
    assert out["s1"].status == "too_short" and out["s1"].kept and out["s2"].kept
    assert out["s1"].cluster != out["s2"].cluster


def corpus(seed: int) -> list[Sketched]:
    rng = random.Random(seed)
    docs = []
    for story in range(6):
        base = words(rng, rng.randint(60, 200))
        for copy in range(rng.randint(1, 4)):
            edited = list(base)
            for _ in range(rng.randint(0, 6)):
                edited[rng.randrange(len(edited))] = rng.choice(VOCAB)
            if rng.random() < 0.5:
                edited = edited[: int(len(edited) * 0.9)]
            docs.append(doc(f"s{story}c{copy}", edited))
    return docs


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.randoms(use_true_random=False))
def test_same_clusters_and_representatives_in_any_order(seed, rnd):
    docs = corpus(seed)
    shuffled = list(docs)
    rnd.shuffle(shuffled)
    first = {a.id: (a.cluster, a.kept, a.dup_of) for a in cluster_sketches(docs, PARAMS)}
    second = {a.id: (a.cluster, a.kept, a.dup_of) for a in cluster_sketches(shuffled, PARAMS)}
    assert first == second
    clusters = {}
    for cluster_id, kept, _ in first.values():
        clusters.setdefault(cluster_id, []).append(kept)
    assert all(sum(flags) == 1 for flags in clusters.values())


def test_similarity_measures():
    a = np.array([1, 2, 3, 4], dtype=np.uint32)
    b = np.array([3, 4, 5, 6, 7, 8], dtype=np.uint32)
    assert set_similarity(a, b, "jaccard") == 2 / 8
    assert set_similarity(a, b, "containment") == 2 / 4
    assert set_similarity(a, np.empty(0, dtype=np.uint32), "containment") == 0.0


def test_shingle_sets_asked_for_only_when_a_band_is_shared_give_the_same_clusters():
    full = corpus(7)
    alone = doc("alone", words(random.Random(99), 80))
    docs = [*full, alone]
    sets = {i: d.shingles for i, d in enumerate(docs)}
    lazy = [Sketched(d.id, d.words, d.published, None, d.signature, d.has_text) for d in docs]
    asked: list[int] = []

    def shingles_of(i: int) -> np.ndarray:
        asked.append(i)
        return sets[i]

    got = cluster_sketches(lazy, PARAMS, release=True, shingles_of=shingles_of)
    assert got == cluster_sketches(docs, PARAMS)
    assert len(docs) - 1 not in asked  # a document sharing no band never needs its set
    assert len(asked) == len(set(asked)) and asked


def test_lazy_shingle_sets_need_a_source():
    lazy = [Sketched(d.id, d.words, d.published, None, d.signature, d.has_text) for d in corpus(3)]
    with pytest.raises(ValueError, match="shingles_of"):
        cluster_sketches(lazy, PARAMS)
