"""The extraction-quality metric (ScrapingHub shingle metric) and the WCXB snippet checks."""

from __future__ import annotations

from collections import Counter

import pytest

from dedup.quality import (
    ShingleScore,
    aggregate,
    contains_snippet,
    match_counts,
    mean_fraction,
    normalise_for_match,
    score,
    shingles,
    snippet_score,
    tokenize,
)

TRUTH = "a b c d e f"  # shingles: abcd bcde cdef


def test_tokenize_keeps_case_and_splits_on_non_word_characters() -> None:
    assert tokenize("Hello, world! It's 2019_v2.") == ["Hello", "world", "It", "s", "2019_v2"]
    assert tokenize("café naïve 東京") == ["café", "naïve", "東京"]
    assert tokenize(None) == []
    assert tokenize(" ,.;\n") == []


def test_shingles_are_word_4grams_counted_as_a_multiset() -> None:
    assert shingles(TRUTH) == Counter(
        {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1, ("c", "d", "e", "f"): 1}
    )
    assert shingles("a b c d a b c d")[("a", "b", "c", "d")] == 2
    # fewer than 4 tokens: one short shingle of all of them; no tokens: none
    assert shingles("a b") == Counter({("a", "b"): 1})
    assert shingles("") == Counter()


def test_perfect_match_is_one_one_one() -> None:
    s = score(TRUTH, "a, b. c\nd  e f")  # punctuation and spacing do not matter
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    assert (s.tp, s.fp, s.fn) == (1.0, 0.0, 0.0)
    agg = aggregate([s, score("x y", "x y")])
    assert (agg.precision, agg.recall, agg.f1, agg.documents) == (1.0, 1.0, 1.0, 2)


def test_partial_overlap_hand_computed() -> None:
    # pred shingles abcd bcde cdex: tp 2, fp 1, fn 1 -> normalised by 4
    assert match_counts(TRUTH, "a b c d e x") == (0.5, 0.25, 0.25)
    s = score(TRUTH, "a b c d e x")
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 3)
    # extra text: pred has 5 shingles, 3 of them true -> P 3/5, R 1
    s = score(TRUTH, "a b c d e f g h")
    assert s.precision == pytest.approx(0.6)
    assert s.recall == 1.0
    assert s.f1 == pytest.approx(0.75)


def test_matching_is_case_sensitive_like_the_original() -> None:
    s = score("The Cat sat down", "the cat sat down")
    assert (s.precision, s.recall) == (0.0, 0.0)


def test_empty_prediction_counts_for_recall_only() -> None:
    s = score(TRUTH, "")
    assert (s.tp, s.fp, s.fn) == (0.0, 0.0, 1.0)
    assert not s.counts_for_precision
    assert s.counts_for_recall
    assert s.recall == 0.0
    assert s.f1 == 0.0
    # left out of the precision mean, drags recall down
    agg = aggregate([score(TRUTH, TRUTH), s])
    assert agg.precision == 1.0
    assert agg.recall == 0.5
    assert agg.f1 == pytest.approx(2 / 3)


def test_empty_truth_counts_for_precision_only() -> None:
    s = score("", "some extracted text here")
    assert (s.tp, s.fp, s.fn) == (0.0, 1.0, 0.0)
    assert s.counts_for_precision
    assert not s.counts_for_recall
    assert s.precision == 0.0
    agg = aggregate([score(TRUTH, TRUTH), s])
    assert agg.precision == 0.5
    assert agg.recall == 1.0


def test_both_empty_is_left_out_of_both_means() -> None:
    s = score("", "  ")
    assert (s.tp, s.fp, s.fn) == (0.0, 0.0, 0.0)
    assert not s.counts_for_precision and not s.counts_for_recall
    agg = aggregate([s, score(TRUTH, "a b c d e x")])
    assert agg.precision == pytest.approx(2 / 3)
    assert agg.recall == pytest.approx(2 / 3)
    nothing = aggregate([s])
    assert (nothing.precision, nothing.recall, nothing.f1) == (0.0, 0.0, 0.0)
    assert aggregate([]).documents == 0


def test_repeated_text_is_credited_only_as_often_as_in_the_truth() -> None:
    # pred shingles: abcd x2, bcda, cdab, dabc; truth: abcd -> tp 1, fp 4
    s = score("a b c d", "a b c d a b c d")
    assert s.precision == pytest.approx(0.2)  # a set-based metric would give 1/4
    assert s.recall == 1.0
    # the other way round: truth repeats, prediction has it once
    s = score("x y z w x y z w", "x y z w")
    assert s.precision == 1.0
    assert s.recall == pytest.approx(0.2)


def test_f1_is_from_averaged_precision_and_recall_not_mean_of_page_f1() -> None:
    pages = [ShingleScore(0.6, 0.4, 0.0), ShingleScore(1.0, 0.0, 0.0), ShingleScore(0.0, 0.0, 1.0)]
    agg = aggregate(pages)
    assert agg.precision == pytest.approx(0.8)  # (0.6 + 1) / 2, empty prediction left out
    assert agg.recall == pytest.approx(2 / 3)  # (1 + 1 + 0) / 3
    assert agg.f1 == pytest.approx(2 * 0.8 * (2 / 3) / (0.8 + 2 / 3))
    mean_page_f1 = sum(p.f1 for p in pages) / 3
    assert agg.f1 != pytest.approx(mean_page_f1)


def test_normalise_for_match() -> None:
    assert normalise_for_match("  The\u00a0Quick\n\tBROWN  ﬁsh ") == "the quick brown fish"
    assert normalise_for_match(None) == ""


def test_snippet_matching_normalises_whitespace_and_case_at_word_boundaries() -> None:
    text = "Welcome, homeowners!\nThe  QUICK brown fox. Go Home now."
    assert contains_snippet(text, "the quick\nbrown")
    assert contains_snippet(text, "home")  # "Home" in "Go Home now"
    assert not contains_snippet("Welcome, homeowners!", "Home")
    assert not contains_snippet(text, "quick brown cat")
    assert contains_snippet(text, "fox.")  # a snippet ending in punctuation
    assert contains_snippet("a very long home page", "home")


def test_snippet_score_fractions() -> None:
    text = "Protein dominates.\nFunctional foods trend. Sign up for our newsletter"
    s = snippet_score(
        text,
        ["protein dominates", "FUNCTIONAL  foods", "not in the text"],
        ["Login", "Sign up for our newsletter", ""],
    )
    assert (s.with_found, s.with_total) == (2, 3)
    assert (s.without_absent, s.without_total) == (1, 2)  # the empty snippet is skipped
    assert s.with_fraction == pytest.approx(2 / 3)
    assert s.without_fraction == pytest.approx(0.5)
    none = snippet_score(text, [], [])
    assert none.with_fraction is None and none.without_fraction is None
    assert mean_fraction([1.0, None, 0.5]) == pytest.approx(0.75)
    assert mean_fraction([None]) is None


def test_bench_helpers(tmp_path) -> None:
    from bench.extraction_quality import Page, drop_first_line, line_oracle, read_ids

    page = Page(
        id="p", html="", truth="The board voted to fund a barrier. It will cost 48 million."
    )
    assert drop_first_line(page, "Title\nBody one\nBody two") == "Body one\nBody two"
    assert drop_first_line(page, "Title only") == ""
    extracted = "Menu\nThe board voted to fund a barrier.\nSign up now\nIt will cost 48 million."
    assert (
        line_oracle(page, extracted)
        == "The board voted to fund a barrier.\nIt will cost 48 million."
    )
    ids = tmp_path / "ids.txt"
    ids.write_text("0001\n# comment\n\n0002.html.gz  # held out\n0003.json\n", encoding="utf-8")
    assert read_ids(ids) == {"0001", "0002", "0003"}
    assert read_ids(None) is None


def test_extraction_settings_scores_each_base_ceiling_and_leaves_out_excluded_ids(
    tmp_path, capsys
) -> None:
    import gzip
    import json

    from bench.extraction_settings import main

    story = "".join(
        f"<p>The council voted on day {n} to fund the new flood barrier along the river.</p>"
        for n in range(1, 6)
    )
    html = f"<html><body><nav>Home News</nav><article>{story}</article></body></html>"
    truth = "\n".join(
        f"The council voted on day {n} to fund the new flood barrier along the river."
        for n in range(1, 6)
    )
    sh = tmp_path / "scrapinghub-aeb"
    (sh / "html").mkdir(parents=True)
    (sh / "html" / "a1.html.gz").write_bytes(gzip.compress(html.encode()))
    (sh / "ground-truth.json").write_text(json.dumps({"a1": {"articleBody": truth}}))
    wcxb = tmp_path / "wcxb-dev-articles"
    (wcxb / "html").mkdir(parents=True)
    (wcxb / "ground-truth").mkdir()
    for page_id in ("0001", "0005"):
        (wcxb / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode()))
        entry = {"ground_truth": {"main_content": truth, "with": [], "without": []}}
        (wcxb / "ground-truth" / f"{page_id}.json").write_text(json.dumps(entry))
    held = tmp_path / "held.txt"
    held.write_text("0005\n")
    main(["--data", str(tmp_path), "--exclude-ids", str(held)])
    out = capsys.readouterr().out
    assert "WCXB dev articles (truth: main_content): 1 pages" in out
    for row in ("line oracle on trafilatura favor_recall", "dedup clean, title line removed"):
        assert sum(line.startswith(row) for line in out.split("\n")) == 2, row  # one per dataset
    listed = {line.split()[0] for line in out.split("\n") if line.startswith("   000")}
    assert listed == {"0001"}  # the worst-pages table of WCXB: the excluded page is not there
