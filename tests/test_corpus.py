"""The generated scale corpus: deterministic by seed, prefix-stable, about 20% copies that cluster."""

import io
import json

import dedup
from dedup.records import Record
from dedup.synth.corpus import CorpusSpec, generate, write_jsonl


def test_same_seed_same_corpus_and_prefixes_agree():
    first = list(generate(CorpusSpec(1200, seed=3)))
    assert first == list(generate(CorpusSpec(1200, seed=3)))
    assert first[:700] == list(generate(CorpusSpec(700, seed=3)))
    assert first != list(generate(CorpusSpec(1200, seed=4)))
    assert len({r["id"] for r in first}) == 1200


def test_news_length_texts_with_a_fifth_copies():
    records = list(generate(CorpusSpec(1000)))
    copies = sum(r["story"] != r["id"] for r in records)
    assert 150 <= copies <= 250
    words = [len(r["text"].split()) for r in records]
    assert min(words) >= 200 and max(words) <= 900


def test_copies_cluster_with_their_story():
    records = list(generate(CorpusSpec(300, seed=5)))
    result = dedup.cluster(
        [Record(id=r["id"], source="gen", text=r["text"], url=r["url"]) for r in records],
        workers=1,
    )
    story = {r["id"]: r["story"] for r in records}
    assert all(story[a.id] == story[a.cluster] for a in result.assignments)
    stories = len(set(story.values()))
    assert stories <= result.stats.clusters <= stories * 1.05


def test_jsonl_output_is_one_record_per_line():
    out = io.StringIO()
    assert write_jsonl(CorpusSpec(50), out) == 50
    lines = out.getvalue().split("\n")
    assert lines[-1] == ""
    assert [json.loads(x)["id"] for x in lines[:2]] == ["d0000000", "d0000001"]
