from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from dedup.evaluate import pair_scores


def brute(predicted, labels):
    ids = sorted(labels)
    pairs = list(combinations(ids, 2))
    same_pred = {
        (a, b) for a, b in pairs if predicted[a] is not None and predicted[a] == predicted[b]
    }
    same_gold = {(a, b) for a, b in pairs if labels[a] == labels[b]}
    return len(same_pred & same_gold), len(same_pred), len(same_gold)


@given(
    st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(["x", "y", "z", None])), max_size=12)
)
def test_counts_match_brute_force(assignments):
    labels = {str(i): gold for i, (gold, _) in enumerate(assignments)}
    predicted = {str(i): pred for i, (_, pred) in enumerate(assignments)}
    scores = pair_scores(predicted, labels)
    assert (scores.true_pos, scores.predicted, scores.actual) == brute(predicted, labels)


def test_scores():
    scores = pair_scores(
        {"1": "a", "2": "a", "3": "a", "4": "b"}, {"1": "s", "2": "s", "3": "t", "4": "t"}
    )
    assert (scores.true_pos, scores.predicted, scores.actual) == (1, 3, 2)
    assert scores.precision == 1 / 3 and scores.recall == 0.5 and abs(scores.f1 - 0.4) < 1e-9
