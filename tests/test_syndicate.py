"""Syndicated copies built from the shared real pages: labels, bodies, chrome and edits.

Tests that need the shared data skip when it is absent; the decoding and
slot-finding tests use inline pages and always run.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
import trafilatura

from dedup.synth import syndicate as syn
from tests.conftest import SHARED as DATA

STORIES, COPIES, SEED = 8, 4, 7


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + size]) for i in range(len(w) - size + 1)}


def containment(part: set, whole: set) -> float:
    return len(part & whole) / len(part) if part else 1.0


def parse(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(
        html.encode(), parser=lxml.html.HTMLParser(encoding="utf-8")
    )


def visible_text(root: lxml.html.HtmlElement) -> str:
    for element in root.xpath("//script|//style|//noscript|//template|//head"):
        element.drop_tree()
    return " ".join(root.itertext())


@pytest.fixture(scope="module")
def pages() -> list[syn.Page]:
    if not (DATA / "scrapinghub-aeb").is_dir() or not (DATA / "wcxb-dev-articles").is_dir():
        pytest.skip(f"shared data not found at {DATA}")
    return syn.load_pages(DATA)


@pytest.fixture(scope="module")
def by_id(pages: list[syn.Page]) -> dict[str, syn.Page]:
    return {page.id: page for page in pages}


@pytest.fixture(scope="module")
def copies(pages: list[syn.Page]) -> list[syn.Copy]:
    return syn.make_copies(pages, STORIES, COPIES, seed=SEED)


@pytest.fixture(scope="module")
def syndicated(copies: list[syn.Copy]) -> list[syn.Copy]:
    """The copies that were re-hosted (not the original pages)."""
    return [c for c in copies if c.edits]


# ---------------------------------------------------------------- no data needed


def test_decode_html_prefers_utf8_then_declared_charset_then_cp1252() -> None:
    assert syn.decode_html("caf\u00e9 \u2014 ok".encode()) == "caf\u00e9 \u2014 ok"
    cyrillic = '<meta charset="windows-1251"><p>\u041f\u0440\u0438\u0432\u0435\u0442</p>'
    assert syn.decode_html(cyrillic.encode("cp1251")) == cyrillic
    assert syn.decode_html(b"<p>\x93quoted\x94 \x81</p>") == "<p>\u201cquoted\u201d \ufffd</p>"


def test_body_container_finds_the_article_and_refuses_a_scattered_body() -> None:
    body = "\n".join(
        f"Paragraph {i} tells the story of the harbour and its {i} boats." for i in range(8)
    )
    paragraphs = "".join(f"<p>{line}</p>" for line in body.splitlines())
    nav = "<nav>Home News Sport Weather Contact us Subscribe today</nav>"
    page = f"<html><body>{nav}<div id='main'><div id='story'>{paragraphs}</div><aside>Most read</aside></div></body></html>"
    found = syn.body_container(lxml.html.document_fromstring(page), body)
    assert found is not None and found.get("id") == "story"
    menu = "<div>" + "menu " * 12 + "</div>"
    scattered = "".join(f"<div><p>{line}</p></div>{menu}" for line in body.splitlines())
    root = lxml.html.document_fromstring(f"<html><body>{scattered}</body></html>")
    assert syn.body_container(root, body) is None


# ---------------------------------------------------------------- real pages


def test_load_pages_reads_both_datasets_in_a_fixed_order(pages: list[syn.Page]) -> None:
    assert len(pages) == 974
    assert len({page.id for page in pages}) == len(pages)
    assert sum(page.id.startswith("aeb-") for page in pages) == 181
    assert [page.id for page in pages] == [page.id for page in syn.load_pages(DATA)]
    assert sum(bool(page.body) for page in pages) >= 970
    assert all("<" in page.html for page in pages)


def test_same_seed_gives_identical_corpus(
    pages: list[syn.Page], copies: list[syn.Copy], tmp_path: Path
) -> None:
    again = syn.make_copies(pages, STORIES, COPIES, seed=SEED)
    assert again == copies
    syn.write_corpus(copies, tmp_path / "a")
    syn.write_corpus(again, tmp_path / "b")
    for name in ("corpus.jsonl", "labels.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    other = syn.make_copies(pages, STORIES, COPIES, seed=SEED + 1)
    assert [c.html for c in other] != [c.html for c in copies]


def test_labels_are_consistent(copies: list[syn.Copy], by_id: dict[str, syn.Page]) -> None:
    assert len(copies) == STORIES * COPIES
    assert len({c.id for c in copies}) == len(copies)
    per_story = Counter(c.story for c in copies)
    assert len(per_story) == STORIES and set(per_story.values()) == {COPIES}
    for c in copies:
        story, host = by_id[c.story], by_id[c.host]
        assert len(words(story.body)) >= syn.MIN_WORDS
        assert re.fullmatch(r"syn-\d{4}-c\d", c.id)
        if not c.edits:  # the original page, unchanged
            assert (c.host, c.url, c.html) == (c.story, story.url, story.html)
            assert c.id.endswith("-c0")
            continue
        assert urlsplit(c.url).netloc == urlsplit(host.url).netloc
        assert urlsplit(host.url).netloc != urlsplit(story.url).netloc
    hosts_of = defaultdict(list)
    for c in copies:
        hosts_of[c.story].append(c.host)
    assert all(len(set(hosts)) == len(hosts) for hosts in hosts_of.values())


def test_edits_are_recorded_and_named(syndicated: list[syn.Copy]) -> None:
    order = list(syn.EDITS)
    low, high = syn.EDIT_PARAMS["count"]["range"]
    for c in syndicated:
        assert low <= len(c.edits) <= high
        assert [order.index(name) for name in c.edits] == sorted(
            order.index(name) for name in c.edits
        )
    used = Counter(name for c in syndicated for name in c.edits)
    assert len(used) >= 6, used


def test_hosts_are_shared_between_stories(pages: list[syn.Page]) -> None:
    many = syn.make_copies(pages, 12, 3, seed=1)
    stories_per_host = defaultdict(set)
    for c in many:
        if c.edits:
            stories_per_host[c.host].add(c.story)
    assert max(len(stories) for stories in stories_per_host.values()) >= 2
    assert sum(not c.edits for c in many) >= 1  # some originals are mixed in


def test_copy_holds_the_source_body_and_not_the_hosts(
    syndicated: list[syn.Copy], by_id: dict[str, syn.Page]
) -> None:
    for c in syndicated:
        shown = shingles(visible_text(parse(c.html)))
        assert containment(shingles(by_id[c.story].body), shown) >= 0.6, c.id
        host_only = shingles(by_id[c.host].body) - shingles(by_id[c.story].body)
        assert containment(host_only, shown) <= 0.2, c.id


def test_copy_keeps_the_hosts_chrome(
    syndicated: list[syn.Copy], by_id: dict[str, syn.Page]
) -> None:
    for c in syndicated:
        host = by_id[c.host]
        root = parse(host.html)
        slot = syn.body_container(root, host.body)
        assert slot is not None
        slot.drop_tree()
        for h1 in root.iter("h1"):
            h1.drop_tree()
        chrome = shingles(visible_text(root)) - shingles(host.body)
        assert len(chrome) >= 5, c.host
        assert containment(chrome, shingles(visible_text(parse(c.html)))) >= 0.8, c.id


def test_copy_carries_its_own_headline(
    syndicated: list[syn.Copy], by_id: dict[str, syn.Page]
) -> None:
    for c in syndicated:
        title = parse(c.html).findtext(".//title") or ""
        original = set(words(syn.headline_of(by_id[c.story])))
        assert len(set(words(title)) & original) >= 0.5 * len(original), (c.id, title)
        assert title != parse(by_id[c.host].html).findtext(".//title"), c.id


def test_trafilatura_recovers_the_story_from_a_copy(
    syndicated: list[syn.Copy], by_id: dict[str, syn.Page]
) -> None:
    """Most of the story comes back, and what comes back is mostly the story (edits are small)."""
    recovered, on_topic = [], []
    for c in syndicated:
        text = shingles(
            trafilatura.extract(c.html, include_comments=False, deduplicate=False) or ""
        )
        story = shingles(by_id[c.story].body)
        recovered.append(containment(story, text))
        on_topic.append(containment(text, story))
    assert sum(score >= 0.7 for score in recovered) >= 0.9 * len(recovered), recovered
    assert sum(score >= 0.7 for score in on_topic) >= 0.9 * len(on_topic), on_topic


def test_trim_never_cuts_more_than_its_share(pages: list[syn.Page]) -> None:
    budget = syn.EDIT_PARAMS["trim"]["max_share"]
    for page in pages[:400]:
        if len(words(page.body)) < syn.MIN_WORDS:
            continue
        draft = syn._Draft("Headline", syn._paragraphs(page.body), "example.com", "Other")
        trimmed = syn._edit_trim(draft, random.Random(page.id))
        if trimmed is None:
            continue
        before, after = (
            len(" ".join(draft.paragraphs).split()),
            len(" ".join(trimmed.paragraphs).split()),
        )
        assert 0 < before - after <= budget * before, page.id


def test_distinct_pages_are_unchanged_and_exclude_stories(
    pages: list[syn.Page], copies: list[syn.Copy], by_id: dict[str, syn.Page]
) -> None:
    stories = {c.story for c in copies}
    distinct = syn.make_distinct(pages, 30, seed=SEED, exclude=stories)
    assert len(distinct) == 30 and len({d.story for d in distinct}) == 30
    for d in distinct:
        assert d.story not in stories and d.story == d.host and d.edits == ()
        assert d.html == by_id[d.story].html


def test_command_line_writes_corpus_and_labels(tmp_path: Path, pages: list[syn.Page]) -> None:
    out = tmp_path / "corpus"
    argv = [
        "--data",
        str(DATA),
        "--out",
        str(out),
        "--stories",
        "3",
        "--copies",
        "2",
        "--distinct",
        "4",
    ]
    assert syn.main(argv) == 0
    rows = [
        json.loads(line) for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    labels = [
        json.loads(line) for line in (out / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(rows) == len(labels) == 3 * 2 + 4
    assert [r["id"] for r in rows] == [label["id"] for label in labels]
    assert all(set(r) == {"id", "url", "html"} for r in rows)
    assert all(set(label) == {"id", "story", "host", "edits"} for label in labels)
    assert len({label["story"] for label in labels}) == 3 + 4
