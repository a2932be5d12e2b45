"""The story level: rewrites of one event form one story; copies, time and order behave."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedup
from dedup.config import ConfigError
from dedup.records import CleanDoc
from dedup.story import StoryParams, parse_window
from dedup.story.assign import story_docs
from dedup.story.group import group_stories
from dedup.story.terms import features, names, numbers
from tests.conftest import ROOT, run_cli

SEEDS = sorted((ROOT / "samples" / "seeds").glob("*.txt"))
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]
OTHER_TEXTS = [
    json.loads(line)["text"]
    for line in (ROOT / "samples" / "feed.jsonl").read_text(encoding="utf-8").split("\n")
    if line.strip() and "text" in json.loads(line)
]


DEFAULTS = StoryParams()


def ready(texts, dates=None, params=DEFAULTS):
    dates = dates or [None] * len(texts)
    docs = [
        CleanDoc(id=f"d{i}", source="t", text=t, published=d)
        for i, (t, d) in enumerate(zip(texts, dates, strict=True))
    ]
    return story_docs(docs, [len(t.split()) for t in texts], params)


def stories(docs, params=DEFAULTS):
    return {d.id: m.story for d, m in zip(docs, group_stories(docs, params), strict=True)}


def test_figures_are_normalised_across_spellings():
    assert numbers("$10 billion") == numbers("10bn") == numbers("$10B") == ["n:1e+10"]
    assert numbers("5 percent") == numbers("5%") == ["n:5%"]
    assert numbers("1,200 jobs and 3 ships") == ["n:1200"]


def test_names_are_mid_sentence_capitals_not_headlines_or_sentence_starts():
    text = (
        "Meta Considers Record Investment In Scale\nThe deal helps Meta. Founded here, Wang leads."
    )
    assert names(text) == {"meta", "wang"}
    assert "e:meta" in features(text) and "e:founded" not in features(text)


def test_the_five_seeds_form_one_story_and_other_news_stays_apart():
    out = stories(ready(SEED_TEXTS + OTHER_TEXTS))
    seeds = {out[f"d{i}"] for i in range(len(SEED_TEXTS))}
    assert len(seeds) == 1
    others = [out[f"d{i}"] for i in range(len(SEED_TEXTS), len(out))]
    assert seeds.isdisjoint(others)


def test_seeds_stay_apart_from_shared_benchmark_articles(shared_data):
    bodies = []
    for path in sorted((shared_data / "wcxb-dev-articles" / "ground-truth").glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))["ground_truth"]
        bodies.append(f"{truth.get('title') or ''}\n{truth.get('main_content') or ''}")
    truth = json.loads((shared_data / "scrapinghub-aeb" / "ground-truth.json").read_text("utf-8"))
    bodies += [truth[k]["articleBody"] for k in sorted(truth)]
    assert len(bodies) == 793 + 181
    seeds = [p.read_text(encoding="utf-8") for p in sorted((shared_data / "seeds").glob("*"))]
    out = stories(ready(seeds + bodies))
    seed_stories = {out[f"d{i}"] for i in range(len(seeds))}
    assert len(seed_stories) == 1
    assert sum(story in seed_stories for story in out.values()) == len(seeds)


def test_dates_further_apart_than_the_window_split_a_story():
    texts = SEED_TEXTS[:2]
    far = ["2025-06-09T10:00:00Z", "2025-07-20T10:00:00Z"]
    near = ["2025-06-09T10:00:00Z", "2025-06-12T10:00:00Z"]
    assert len(set(stories(ready(texts, far)).values())) == 2
    assert len(set(stories(ready(texts, near)).values())) == 1
    no_window = replace(StoryParams(), window=None)
    assert len(set(stories(ready(texts, far), no_window).values())) == 1
    rss = ["Mon, 09 Jun 2025 10:00:00 GMT", "Sun, 20 Jul 2025 12:00:00 +0200"]  # RSS pubDate
    assert len(set(stories(ready(texts, rss)).values())) == 2


def test_a_story_never_spans_more_than_the_window():
    dates = ["2025-06-01", "2025-06-05", "2025-06-09", "2025-06-13", "2025-06-17"]
    docs = ready(SEED_TEXTS, dates)
    out = stories(docs)
    for story in set(out.values()):
        days = sorted(
            int(d[-2:]) for d, doc in zip(dates, docs, strict=True) if out[doc.id] == story
        )
        assert days[-1] - days[0] <= 7


@settings(max_examples=20, deadline=None)
@given(st.randoms(use_true_random=False))
def test_same_stories_in_any_order(rnd):
    docs = ready(SEED_TEXTS + OTHER_TEXTS)
    shuffled = list(docs)
    rnd.shuffle(shuffled)
    assert stories(docs) == stories(shuffled)


def _jsonl(records) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def _seed_records():
    records = [{"id": f"seed{i}", "text": t} for i, t in enumerate(SEED_TEXTS)]
    cut = SEED_TEXTS[1].rsplit("\n", 2)[0]
    records.append({"id": "copy-of-seed1", "text": cut, "published": "2030-01-01T00:00:00Z"})
    records.append({"id": "empty", "text": ""})
    return records


def test_cli_stories_fields_and_copies_share_a_story():
    result = run_cli("cluster", "-", "--stories", "-w", "1", stdin=_jsonl(_seed_records()))
    assert result.returncode == 0, result.stderr.decode()
    rows = {r["id"]: r for r in map(json.loads, result.stdout.decode().split("\n")[:-1])}
    assert rows["copy-of-seed1"]["status"] == "duplicate"
    assert rows["copy-of-seed1"]["story"] == rows["seed1"]["story"]
    assert {rows[f"seed{i}"]["story"] for i in range(5)} == {rows["seed1"]["story"]}
    assert rows["empty"]["story"] is None and rows["empty"]["status"] == "no_text"
    assert all(
        {"cluster", "kept", "dup_of", "similarity", "status", "story"} <= set(r)
        for r in rows.values()
    )
    assert sum(r["kept"] for r in rows.values()) == 5


def test_a_headline_too_short_for_copies_joins_its_story_and_a_fragment_stays_alone():
    records = [{"id": f"seed{i}", "text": t} for i, t in enumerate(SEED_TEXTS)]
    records.append({"id": "headline", "text": "Meta in talks to invest $10 billion in Scale AI"})
    title = "Meta In Talks For Potential $10B Investment In Scale AI To Strengthen AI Capabilities"
    assert title in SEED_TEXTS[3]  # a headline that repeats an article's title word for word
    records += [{"id": f"title{n}", "text": title} for n in range(3)]
    records.append({"id": "fragment", "text": "Scale AI and Meta"})
    result = run_cli("cluster", "-", "--stories", "-w", "1", stdin=_jsonl(records))
    assert result.returncode == 0, result.stderr.decode()
    rows = {r["id"]: r for r in map(json.loads, result.stdout.decode().split("\n")[:-1])}
    assert rows["headline"]["status"] == rows["fragment"]["status"] == "too_short"
    assert rows["headline"]["story"] == rows["seed1"]["story"] != "headline"
    assert {rows[f"title{n}"]["story"] for n in range(3)} == {rows["seed1"]["story"]}
    assert rows["fragment"]["story"] == "fragment"


def test_min_features_is_checked_and_configurable():
    texts = [*SEED_TEXTS, "Meta in talks to invest $10 billion in Scale AI"]
    strict = ready(texts, params=replace(DEFAULTS, min_features=50))
    assert strict[-1].vector == {}
    assert stories(strict)["d5"] == "d5"
    assert stories(ready(texts))["d5"] == stories(ready(texts))["d0"]
    with pytest.raises(ConfigError, match="min_features"):
        StoryParams(min_features=0)


def test_cli_keep_per_story_keeps_one_representative():
    result = run_cli(
        "cluster", "-", "--keep", "per-story", "-w", "1", stdin=_jsonl(_seed_records())
    )
    assert result.returncode == 0, result.stderr.decode()
    rows = [json.loads(line) for line in result.stdout.decode().split("\n")[:-1]]
    kept = [r for r in rows if r["kept"]]
    assert len(kept) == 1
    story = kept[0]["id"]
    dropped = [r for r in rows if not r["kept"] and r["status"] != "no_text"]
    assert {r["status"] for r in dropped} == {"same_story", "duplicate"}
    assert all(r["dup_of"] == story and r["story"] == story and r["reason"] for r in dropped)


def test_library_api_gives_story_on_assignments():
    records = [dedup.Record(id=f"s{i}", source="t", text=t) for i, t in enumerate(SEED_TEXTS)]
    result = dedup.cluster(records, stories=True, workers=1)
    assert len({a.story for a in result.assignments}) == 1 == result.stats.stories
    assert result.stats.clusters == 5


def test_story_features_found_in_workers_give_the_same_stories():
    texts = SEED_TEXTS + OTHER_TEXTS
    records = [dedup.Record(id=f"d{i}", source="t", text=t) for i, t in enumerate(texts)]
    one, two = (dedup.cluster(records, stories=True, workers=w) for w in (1, 2))
    stories = [(a.story, a.story_score) for a in one.assignments]
    assert stories == [(a.story, a.story_score) for a in two.assignments]
    assert len({a.story for a in one.assignments[:5]}) == 1


def test_explain_story_shows_shared_names_figures_and_score():
    result = run_cli("explain-story", str(SEEDS[0]), str(SEEDS[3]))
    assert result.returncode == 0, result.stderr.decode()
    row = json.loads(result.stdout)
    assert row["same_story"] and row["score"] >= row["threshold"]
    assert {"scale", "meta"} <= {n["term"] for n in row["shared_names"]}
    assert row["shared_numbers"] and row["score_by_kind"]["numbers"] > 0
    total = sum(row["score_by_kind"].values())
    assert abs(total - row["score"]) < 1e-3


def test_explain_story_of_unrelated_documents(tmp_path):
    other = tmp_path / "other.txt"
    other.write_text(OTHER_TEXTS[1], encoding="utf-8")
    row = json.loads(run_cli("explain-story", str(SEEDS[0]), str(other)).stdout)
    assert not row["same_story"] and row["score"] < row["threshold"]


def test_explain_story_says_when_a_text_has_too_few_features(tmp_path):
    fragment = tmp_path / "fragment.txt"
    fragment.write_text("Scale AI and Meta", encoding="utf-8")
    row = json.loads(run_cli("explain-story", str(SEEDS[0]), str(fragment)).stdout)
    assert not row["same_story"] and "min_features (5)" in row["why_not"]


def test_bad_story_options_are_one_line_usage_errors():
    for args in (["--story-window", "soon"], ["--keep", "per-site"], ["--story-threshold", "2"]):
        result = run_cli("cluster", str(SEEDS[0]), *args)
        assert result.returncode == 2
        assert result.stderr.decode().count("\n") == 1 and b"Traceback" not in result.stderr


def test_story_table_in_the_config_turns_stories_on_and_options_win(tmp_path):
    config = tmp_path / "dedup.toml"
    config.write_text('[story]\nenabled = true\nthreshold = 0.99\nwindow = "none"\n')
    stdin = _jsonl(_seed_records())
    rows = _rows(run_cli("cluster", "-", "--config", str(config), "-w", "1", stdin=stdin))
    seeds = [r for r in rows if r["id"].startswith("seed")]
    assert len({r["story"] for r in seeds}) == 5  # at 0.99 no two rewrites share a story
    args = ["--config", str(config), "--story-threshold", "0.25", "-w", "1"]
    rows = _rows(run_cli("cluster", "-", *args, stdin=stdin))
    assert len({r["story"] for r in rows if r["id"].startswith("seed")}) == 1


def test_story_table_keep_per_story_and_its_errors(tmp_path):
    config = tmp_path / "dedup.toml"
    config.write_text('[story]\nkeep = "per-story"\n')
    rows = _rows(
        run_cli("cluster", "-", "--config", str(config), "-w", "1", stdin=_jsonl(_seed_records()))
    )
    assert sum(r["kept"] for r in rows) == 1
    for table in (
        "colour = 1",
        "window = 7",
        'window = "soon"',
        "threshold = 'high'",
        "enabled = 1",
        'background = "missing-idf.json"',
    ):
        config.write_text(f"[story]\n{table}\n")
        result = run_cli("cluster", str(SEEDS[0]), "--config", str(config))
        assert result.returncode == 2, table
        assert result.stderr.decode().count("\n") == 1 and b"Traceback" not in result.stderr
        assert b"[story]" in result.stderr, result.stderr


def _rows(result):
    assert result.returncode == 0, result.stderr.decode()
    return [json.loads(line) for line in result.stdout.decode().split("\n")[:-1]]


def test_window_parsing():
    assert parse_window("7d") == parse_window("1w") == 7 * 86400
    assert parse_window("36h") == 36 * 3600 and parse_window("none") is None
    assert parse_window("2") == 2 * 86400


def test_semeval_mojibake_repair_round_trips_only():
    from bench.semeval import repair_mojibake

    assert repair_mojibake("Meta\u2019s deal".encode().decode("cp1252")) == "Meta\u2019s deal"
    assert repair_mojibake("Moïse and Ã alone") == "Moïse and Ã alone"


def test_semeval_folds_keep_pairs_sharing_a_document_together():
    from bench.semeval import Pair, components, folds

    pairs = [
        Pair("a", "b", True),
        Pair("b", "c", False),
        Pair("d", "e", True),
        Pair("f", "g", False),
    ]
    assert sorted(map(sorted, components(pairs))) == [[0, 1], [2], [3]]
    fold = folds(pairs, 3)
    assert fold[0] == fold[1] and sorted(set(fold)) == [0, 1, 2]


def test_bootstrap_interval_holds_the_difference_and_is_zero_for_equal_predictions():
    from bench.semeval import Pair, bootstrap_difference

    pairs = [Pair(f"a{i}", f"b{i}", i % 2 == 0) for i in range(40)]
    truth = [p.same for p in pairs]
    noisy = [same != (i % 5 == 0) for i, same in enumerate(truth)]
    gap, low, high = bootstrap_difference(pairs, truth, noisy, resamples=500)
    assert gap > 0 and low <= gap <= high and high <= 1.0
    assert bootstrap_difference(pairs, noisy, noisy, resamples=200) == (0.0, 0.0, 0.0)


def test_kept_file_carries_the_story(tmp_path):
    kept = tmp_path / "kept.jsonl"
    stdin = _jsonl(_seed_records())
    result = run_cli("cluster", "-", "--keep", "per-story", "--kept", str(kept), stdin=stdin)
    assert result.returncode == 0, result.stderr.decode()
    rows = [json.loads(line) for line in kept.read_text(encoding="utf-8").split("\n")[:-1]]
    assert len(rows) == 1 and rows[0]["story"] == rows[0]["id"] and rows[0]["text"]
    assert b", 1 story," in result.stderr


def test_whole_story_level_ignores_input_order():
    """IDF counts and the shared-run table are built from the whole set, so order cannot leak."""
    texts = SEED_TEXTS + OTHER_TEXTS + [OTHER_TEXTS[0][:400] + " " + SEED_TEXTS[0][:400]]
    entries = [(f"d{i}", t) for i, t in enumerate(texts)]
    results = []
    for seed in range(4):
        order = list(entries)
        random.Random(seed).shuffle(order)
        docs = [CleanDoc(id=k, source="t", text=t) for k, t in order]
        ready_docs = story_docs(docs, [len(t.split()) for _, t in order], DEFAULTS)
        memberships = group_stories(ready_docs, DEFAULTS)
        results.append(
            {d.id: (m.story, m.score) for d, m in zip(ready_docs, memberships, strict=True)}
        )
    assert all(r == results[0] for r in results)


def test_the_story_bench_groups_as_a_pipeline_run_does():
    from bench.semeval import Pair
    from bench.stories import grouped_same
    from dedup.clean import ChromeSettings
    from dedup.config import Params
    from dedup.pipeline import prepare_all

    texts = SEED_TEXTS + OTHER_TEXTS
    records = [dedup.Record(id=f"d{i}", source="t", text=t) for i, t in enumerate(texts)]
    records += [dedup.Record(id=f"copy{i}", source="t", text=t) for i, t in enumerate(texts[:3])]
    records.append(dedup.Record(id="empty", source="t", text=""))
    ids = [r.id for r in records]
    pairs = [Pair(a, b, False) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    prepared = prepare_all(records, Params(), ChromeSettings(), workers=1)
    bench = grouped_same(prepared, pairs, DEFAULTS)[DEFAULTS.threshold]
    run = {a.id: a.story for a in dedup.cluster(records, stories=DEFAULTS, workers=1).assignments}
    expected = [run[p.a] is not None and run[p.a] == run[p.b] for p in pairs]
    assert bench == expected
    assert sum(expected) >= len(SEEDS) * (len(SEEDS) - 1) // 2 + 3  # the seeds and the copies


def test_stop_words_read_without_importing_sklearn_are_sklearns():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from dedup.story.terms import _sklearn_stop_words

    assert _sklearn_stop_words() == ENGLISH_STOP_WORDS
