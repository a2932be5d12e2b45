import numpy as np
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.sketch import Sketcher, shingle_hashes, tokenize
from dedup.sketch.shingles import token_bytes

words = st.lists(
    st.sampled_from(
        ["the", "a", "port", "strike", "wage", "union", "city", "vote", "rain", "2025", "$10", "ü"]
    )
)


def test_signature_equals_datasketch_affine32_update_batch():
    sketcher = Sketcher(shingle_size=5, num_perm=128, seed=1)
    hashes, _ = sketcher.shingles("Dock workers in the port walked out on Monday over pay. " * 8)
    reference = MinHash(num_perm=128, seed=1, scheme="affine32", hashfunc=lambda x: x)
    reference.update_batch(hashes.tolist())
    assert np.array_equal(sketcher.signature(hashes), reference.hashvalues)


def test_tokens_ignore_case_and_punctuation():
    assert tokenize("“Scale AI,” said Meta—again!") == tokenize('"scale ai" said meta again')


@given(words, st.integers(min_value=1, max_value=6))
def test_shingle_hashes_are_sorted_unique_uint32(tokens, size):
    hashes = shingle_hashes(tokens, size)
    assert hashes.dtype == np.uint32
    assert np.all(np.diff(hashes.astype(np.int64)) > 0)
    expected = len({tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1))})
    assert hashes.size == (expected if tokens else 0)


@settings(max_examples=50)
@given(words, words)
def test_estimated_jaccard_tracks_exact(a, b):
    sketcher = Sketcher(shingle_size=2, num_perm=256)
    ha, hb = shingle_hashes(a, 2), shingle_hashes(b, 2)
    if ha.size == 0 or hb.size == 0:
        return
    inter = np.intersect1d(ha, hb).size
    exact = inter / (ha.size + hb.size - inter)
    estimate = np.mean(sketcher.signature(ha) == sketcher.signature(hb))
    assert abs(estimate - exact) < 0.25


def test_same_text_same_sketch_across_instances():
    text = "A wire story republished by fifty sites keeps its sentences."
    one, two = Sketcher(5, 64), Sketcher(5, 64)
    assert np.array_equal(
        one.signature(one.shingles(text)[0]), two.signature(two.shingles(text)[0])
    )


@given(
    st.text(alphabet=st.sampled_from("ab Z\u00e9\u2019\u201c\u201d\u2014_9.,\u00a0\u00df\u0130\n-"))
)
def test_token_bytes_are_the_regex_tokens(text):
    assert token_bytes(text) == [t.encode() for t in tokenize(text)]


@given(st.integers(min_value=1, max_value=512), st.integers(min_value=0, max_value=2**32 - 1))
@settings(max_examples=50)
def test_permutations_are_drawn_as_datasketch_draws_them(num_perm, seed):
    from dedup.sketch.minhash import affine32_permutations

    a, b = affine32_permutations(num_perm, seed)
    reference = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    assert a.dtype == b.dtype == reference.dtype == np.uint32
    assert np.array_equal(a, reference[0]) and np.array_equal(b, reference[1])
