"""Realistic syndicated copies: real article bodies re-published in other real sites' chrome.

A wire story reaches many sites. Each wraps it in its own menus, sidebars and
footers and edits it a little: a dateline, a new headline, a trimmed ending.
Hand-made test pages miss most of that, so this module rebuilds it from
labelled real pages: the known body of one page goes into the article slot of
another page, with seeded random edits, and the labels say which copies share
a story. Near-duplicate precision and recall can then be measured on pages
whose chrome is real and shared between different stories.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import json
import math
import random
import re
import sys
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from lxml import etree
from lxml import html as lhtml
from lxml.html import HtmlElement

MIN_WORDS = 150
"""Shortest story body, in words: wire copy is longer, and short texts share few shingles."""
MIN_HOST_WORDS = 50
"""Shortest host body: below it the article slot cannot be told from chrome."""
MIN_COVERAGE = 0.6
"""Share of the host's body words the article slot must hold."""
MAX_FOREIGN = 0.3
"""Largest share of the slot's words that may be something other than the body."""
MAX_LEAK = 0.15
"""Largest share of the host's body words that may stay outside the slot (teasers, captions)."""
SCRIPT_LEAK = 0.05
"""Scripts holding this share of the host's body words are dropped from its copies."""
MARK_NGRAM = 3
"""A page word counts as body text when a body word n-gram of this size covers it."""

EDIT_PARAMS: dict[str, dict[str, Any]] = {
    "count": {"range": (1, 4)},
    "headline": {
        "modes": ("prefix", "drop", "replace"),
        "prefixes": ("UPDATE: ", "UPDATED: ", "Analysis: ", "EXCLUSIVE: ", "WATCH: "),
        "words": (1, 2),
    },
    "reword": {"modes": ("swap", "swap", "drop_clause"), "words": (2, 4), "min_words": 8},
    "reflow": {"modes": ("split", "merge"), "min_split_words": 30},
    "trim": {"max_share": 0.2, "many_paragraphs": 8, "max_paragraphs": 2},
    "dateline": {
        "templates": (
            "{CITY} ({agency}) - ",
            "{CITY}, {month} {day} ({agency}) \u2014 ",
            "{city} ({agency}) -- ",
            "{CITY} \u2014 ",
        ),
        "cities": ("London", "New York", "Washington", "Paris", "Berlin", "Tokyo", "Sydney"),
        "agencies": ("Reuters", "AP", "AFP", "Bloomberg"),
        "months": ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept."),
    },
    "insert": {
        "lines": (
            "Advertisement",
            "ADVERTISEMENT",
            "Story continues below advertisement",
            "Photo: {agency}",
            "(Photo: {name}/{agency})",
        ),
        "names": ("Jane Doe", "Alex Kim", "Sam Patel", "Maria Lopez"),
        "agencies": ("Reuters", "AP", "Getty Images", "AFP"),
    },
    "footer": {
        "templates": (
            "Read more: {headline}",
            "This article originally appeared on {site}.",
            "This story was first published by {site}.",
        ),
    },
}
"""Every random choice a syndication edit makes, in one place so a corpus is documented.

Each copy gets ``count`` edits, run in the order of ``EDITS``; one that cannot
change a given story is not recorded. A mode listed twice is twice as likely.
``trim`` never removes more than ``max_share`` of the words, and removes up to
``max_paragraphs`` paragraphs only when the story has at least
``many_paragraphs``. ``typography`` has no parameters: it straightens curly
quotes and dashes when the story has any, and curls straight ones otherwise.
"""

SYNONYMS: dict[str, str] = {
    "said": "stated",
    "says": "states",
    "told": "informed",
    "big": "large",
    "large": "big",
    "small": "little",
    "show": "reveal",
    "shows": "reveals",
    "help": "assist",
    "buy": "purchase",
    "start": "begin",
    "started": "began",
    "begin": "start",
    "end": "finish",
    "people": "individuals",
    "children": "kids",
    "use": "employ",
    "used": "employed",
    "also": "additionally",
    "important": "significant",
    "new": "fresh",
    "make": "create",
    "get": "obtain",
    "percent": "per cent",
    "many": "numerous",
    "fast": "quick",
    "quickly": "rapidly",
    "often": "frequently",
    "need": "require",
    "needs": "requires",
    "try": "attempt",
    "about": "roughly",
    "company": "firm",
    "government": "administration",
    "city": "town",
    "major": "key",
    "plan": "proposal",
    "plans": "proposals",
    "think": "believe",
    "week": "week's time",
    "year": "twelve months",
    "job": "role",
    "jobs": "roles",
}
"""Word swaps a sub-editor might make; other words get a filler from ``FILLERS``."""
FILLERS = ("key", "local", "several", "recent", "major", "notable", "wider")

_WORD = re.compile(r"\w+")
_LOWER_WORD = re.compile(r"\b[a-z]+\b")
_SENTENCE_END = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?][\"\u201d\u2019)]))\s+(?=[\"\u201c\u2018(]?[A-Z0-9])"
)
_CLAUSE = re.compile(r",[^,]{4,80}?,(?= )")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_TITLE_SEPARATOR = re.compile(r"\s+[|\u2013\u2014-]\s+")
_PAGE_SUFFIX = re.compile(r"\.(?:s?html?|php|aspx?)$", re.I)
_CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_INVISIBLE = frozenset(
    {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}
)
_CONTAINERS = frozenset({"div", "article", "section", "main", "td", "blockquote", "center", "form"})
_KNOWN_TAGS = frozenset(lhtml.defs.tags) | {"main", "svg", "path", "picture", "source", "time"}
_PARSER = lhtml.HTMLParser(encoding="utf-8", huge_tree=True)


@dataclass(frozen=True)
class Page:
    """One real page with its known article body (paragraphs separated by newlines)."""

    id: str
    url: str
    html: str
    body: str


@dataclass(frozen=True)
class Copy:
    """One page of a corpus and its label: ``story`` groups copies, ``host`` gave the chrome."""

    id: str
    story: str
    host: str
    url: str
    html: str
    edits: tuple[str, ...]


@dataclass(frozen=True)
class _Host:
    """A parsed page whose article slot was found; copies are deep copies of ``root``."""

    page: Page
    root: HtmlElement
    slot: tuple[int, ...]
    stale: tuple[tuple[int, ...], ...]
    doctype: str | None


@dataclass(frozen=True)
class _Draft:
    """A story as one copy will print it, plus what the footer edits may cite."""

    headline: str
    paragraphs: tuple[str, ...]
    site: str
    other_headline: str


# ---------------------------------------------------------------- loading


def load_pages(data_dir: Path) -> list[Page]:
    """Both labelled datasets under ``data_dir``, in a fixed order, so seeds reproduce corpora."""
    pages = [*_load_aeb(data_dir / "scrapinghub-aeb"), *_load_wcxb(data_dir / "wcxb-dev-articles")]
    if not pages:
        raise FileNotFoundError(f"no labelled pages under {data_dir}")
    return pages


def _load_aeb(root: Path) -> Iterator[Page]:
    truth_file = root / "ground-truth.json"
    if not truth_file.is_file():
        return
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    for key in sorted(truth):
        html = _read_html(root / "html" / f"{key}.html.gz")
        yield Page(f"aeb-{key[:16]}", truth[key]["url"], html, truth[key]["articleBody"] or "")


def _load_wcxb(root: Path) -> Iterator[Page]:
    for truth_file in sorted((root / "ground-truth").glob("*.json")):
        record = json.loads(truth_file.read_text(encoding="utf-8"))
        body = record["ground_truth"].get("main_content") or ""
        html = _read_html(root / "html" / f"{truth_file.stem}.html.gz")
        yield Page(f"wcxb-{truth_file.stem}", record.get("url") or "", html, body)


def _read_html(path: Path) -> str:
    return decode_html(gzip.decompress(path.read_bytes()))


def decode_html(data: bytes) -> str:
    """UTF-8 if the bytes are valid UTF-8, else the page's declared charset, else cp1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(data[:4096])
    if match:
        try:
            return data.decode(match.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return data.decode("cp1252", errors="replace")


# ---------------------------------------------------------------- text helpers


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _paragraphs(body: str) -> tuple[str, ...]:
    return tuple(" ".join(line.split()) for line in body.splitlines() if line.strip())


def _sentences(paragraph: str) -> list[str]:
    return _SENTENCE_END.split(paragraph)


def _domain(url: str) -> str:
    return urlsplit(url).netloc.lower().removeprefix("www.")


# ---------------------------------------------------------------- finding the article slot


def _parse(html: str) -> HtmlElement | None:
    try:
        return lhtml.document_fromstring(html.encode("utf-8", errors="replace"), parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


def _text_chunks(root: HtmlElement) -> Iterator[tuple[str, HtmlElement]]:
    """Visible text in document order, each piece with the element it sits directly in."""
    stack: list = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, tuple):
            yield node
            continue
        if node.tail and node is not root:
            stack.append((node.tail, node.getparent()))
        if isinstance(node.tag, str) and node.tag not in _INVISIBLE:
            stack.extend(reversed(node))
            if node.text:
                stack.append((node.text, node))


def _body_marks(root: HtmlElement, body: str) -> tuple[list[HtmlElement], list[bool]]:
    """Owner of each visible page word, and whether the word is part of the known body.

    A word is body text when it sits inside a body n-gram, so common words in
    menus ("the", "news") do not count as body just for appearing in it.
    """
    page: list[str] = []
    owners: list[HtmlElement] = []
    for text, owner in _text_chunks(root):
        found = _tokens(text)
        page.extend(found)
        owners.extend([owner] * len(found))
    return owners, _marks(page, _grams(_tokens(body)))


def _grams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + MARK_NGRAM]) for i in range(len(words) - MARK_NGRAM + 1)}


def _marks(words: list[str], grams: set[tuple[str, ...]]) -> list[bool]:
    """Whether each word sits inside one of ``grams``."""
    marks = [False] * len(words)
    for i in range(len(words) - MARK_NGRAM + 1):
        if tuple(words[i : i + MARK_NGRAM]) in grams:
            marks[i : i + MARK_NGRAM] = [True] * MARK_NGRAM
    return marks


def _is_container(element: HtmlElement) -> bool:
    """Block elements that may hold ``<p>`` children (custom elements included)."""
    tag = element.tag
    return isinstance(tag, str) and (tag in _CONTAINERS or tag not in _KNOWN_TAGS)


def body_container(root: HtmlElement, body: str) -> HtmlElement | None:
    """The element holding ``body`` and little else, or ``None`` when no element does.

    Each element scores its body words minus its other words; the best one must
    hold ``MIN_COVERAGE`` of the body, be at most ``MAX_FOREIGN`` other text, and
    leave at most ``MAX_LEAK`` of the body outside, or the copy would show
    pieces of the host's own article.
    """
    total = len(_tokens(body))
    if total < MIN_HOST_WORDS:
        return None
    owners, marks = _body_marks(root, body)
    elements = list(root.iter())
    index = {element: i for i, element in enumerate(elements)}
    inside, other = [0] * len(elements), [0] * len(elements)
    for owner, mark in zip(owners, marks, strict=True):
        (inside if mark else other)[index[owner]] += 1
    for i in range(len(elements) - 1, 0, -1):
        parent = index[elements[i].getparent()]
        inside[parent] += inside[i]
        other[parent] += other[i]
    best = max(
        (i for i in range(len(elements) - 1, 0, -1) if _is_container(elements[i])),
        key=lambda i: inside[i] - other[i],
        default=None,
    )
    if best is None:
        return None
    held = inside[best]
    fits = (
        min(held, total) >= MIN_COVERAGE * total
        and other[best] <= MAX_FOREIGN * (held + other[best])
        and inside[0] - held <= MAX_LEAK * total
    )
    return elements[best] if fits else None


def _child_path(root: HtmlElement, element: HtmlElement) -> tuple[int, ...]:
    """Child indexes from ``root`` to ``element``: they survive a deep copy, unlike the element."""
    path: list[int] = []
    while element is not root:
        parent = element.getparent()
        path.append(parent.index(element))
        element = parent
    return tuple(reversed(path))


def headline_of(page: Page) -> str:
    """The page's headline: ``og:title``, else ``<h1>``, else ``<title>``, else the first words.

    Site names are cut off (the longest part between separators is kept) and
    candidates under three words are passed over, since those are mostly logos.
    """
    root = _parse(page.html)
    found: list[str] = []
    if root is not None:
        found = root.xpath("//meta[@property='og:title']/@content")
        found += [el.text_content() for tag in ("h1", "title") for el in root.iter(tag)]
    for text in found:
        parts = _TITLE_SEPARATOR.split(" ".join(text.split()))
        headline = max(parts, key=len) if parts else ""
        if len(headline.split()) >= 3:
            return headline
    return " ".join(page.body.split()[:10])


def _host(page: Page) -> _Host | None:
    root = _parse(page.html)
    if root is None:
        return None
    slot = body_container(root, page.body)
    if slot is None:
        return None
    doctype = root.getroottree().docinfo.doctype or None
    stale = tuple(_child_path(root, script) for script in _stale_scripts(root, slot, page.body))
    return _Host(page, root, _child_path(root, slot), stale, doctype)


def _stale_scripts(root: HtmlElement, slot: HtmlElement, body: str) -> list[HtmlElement]:
    """Scripts outside the slot that describe the host's article: JSON-LD and hydration data.

    A copy keeping them would carry two articles, which no syndicated page does.
    """
    words = _tokens(body)
    grams, inside = _grams(words), set(slot.iter())
    return [
        script
        for script in root.iter("script")
        if script not in inside
        and (
            (script.get("type") or "").lower() == "application/ld+json"
            or sum(_marks(_tokens(script.text or ""), grams)) >= SCRIPT_LEAK * len(words)
        )
    ]


def _host_pool(pages: Sequence[Page], size: int, rng: random.Random) -> list[_Host]:
    """Up to ``size`` usable hosts in random order; pages are parsed only until enough are found."""
    candidates = [p for p in pages if _domain(p.url) and len(_tokens(p.body)) >= MIN_HOST_WORDS]
    rng.shuffle(candidates)
    pool: list[_Host] = []
    for page in candidates:
        host = _host(page)
        if host is not None:
            pool.append(host)
            if len(pool) == size:
                break
    return pool


# ---------------------------------------------------------------- syndication edits


def _swap_words(sentence: str, count: int, rng: random.Random) -> str:
    """Replace ``count`` lower-case words (never names): synonyms where known, else fillers."""
    matches = list(_LOWER_WORD.finditer(sentence))
    known = [m for m in matches if m.group() in SYNONYMS]
    rest = [m for m in matches if len(m.group()) >= 5 and m.group() not in SYNONYMS]
    chosen = rng.sample(known, min(count, len(known)))
    chosen += rng.sample(rest, min(count - len(chosen), len(rest)))
    for match in sorted(chosen, key=lambda m: m.start(), reverse=True):
        new = SYNONYMS.get(match.group()) or rng.choice(FILLERS)
        sentence = sentence[: match.start()] + new + sentence[match.end() :]
    return sentence


def _edit_headline(draft: _Draft, rng: random.Random) -> _Draft:
    """Drop or swap a few headline words; a prefix when that changes nothing (Title Case)."""
    params = EDIT_PARAMS["headline"]
    mode, words = rng.choice(params["modes"]), draft.headline.split()
    count = rng.randint(*params["words"])
    headline = draft.headline
    if mode == "drop" and len(words) > count + 3:
        for _ in range(count):
            del words[rng.randrange(1, len(words))]
        headline = " ".join(words)
    elif mode == "replace":
        headline = _swap_words(headline, count, rng)
    if headline == draft.headline:
        headline = rng.choice(params["prefixes"]) + headline
    return replace(draft, headline=headline)


def _edit_reword(draft: _Draft, rng: random.Random) -> _Draft | None:
    """Change one sentence: swap a few words or drop a clause set off by commas."""
    params = EDIT_PARAMS["reword"]
    spots = [
        (p, s)
        for p, paragraph in enumerate(draft.paragraphs)
        for s, sentence in enumerate(_sentences(paragraph))
        if len(sentence.split()) >= params["min_words"]
    ]
    if not spots:
        return None
    p, s = rng.choice(spots)
    sentences = _sentences(draft.paragraphs[p])
    clause = _CLAUSE.search(sentences[s])
    if rng.choice(params["modes"]) == "drop_clause" and clause:
        sentences[s] = sentences[s][: clause.start()] + sentences[s][clause.end() :]
    else:
        sentences[s] = _swap_words(sentences[s], rng.randint(*params["words"]), rng)
    return _with_paragraph(draft, p, " ".join(sentences))


def _with_paragraph(draft: _Draft, index: int, *new: str) -> _Draft:
    paragraphs = (*draft.paragraphs[:index], *new, *draft.paragraphs[index + 1 :])
    return replace(draft, paragraphs=paragraphs)


def _edit_reflow(draft: _Draft, rng: random.Random) -> _Draft | None:
    """Split one long paragraph at a sentence boundary, or merge two neighbours."""
    paragraphs = draft.paragraphs
    long = [
        i
        for i, text in enumerate(paragraphs)
        if len(text.split()) >= EDIT_PARAMS["reflow"]["min_split_words"]
        and len(_sentences(text)) > 1
    ]
    if long and (rng.choice(EDIT_PARAMS["reflow"]["modes"]) == "split" or len(paragraphs) < 3):
        i = rng.choice(long)
        sentences = _sentences(paragraphs[i])
        cut = rng.randrange(1, len(sentences))
        return _with_paragraph(draft, i, " ".join(sentences[:cut]), " ".join(sentences[cut:]))
    if len(paragraphs) < 3:
        return None
    i = rng.randrange(len(paragraphs) - 1)
    merged = (*paragraphs[:i], f"{paragraphs[i]} {paragraphs[i + 1]}", *paragraphs[i + 2 :])
    return replace(draft, paragraphs=merged)


def _edit_trim(draft: _Draft, rng: random.Random) -> _Draft | None:
    """Cut the ending: whole paragraphs when they fit the word budget, else final sentences."""
    params = EDIT_PARAMS["trim"]
    paragraphs = list(draft.paragraphs)
    budget = params["max_share"] * sum(len(p.split()) for p in paragraphs)
    wanted = 1
    if len(paragraphs) >= params["many_paragraphs"]:
        wanted = rng.randint(1, params["max_paragraphs"])
    for _ in range(wanted):
        if len(paragraphs) < 3 or len(paragraphs[-1].split()) > budget:
            break
        budget -= len(paragraphs.pop().split())
    if len(paragraphs) < len(draft.paragraphs):
        return replace(draft, paragraphs=tuple(paragraphs))
    sentences = _sentences(paragraphs[-1])
    if len(sentences) < 2 or len(sentences[-1].split()) > budget:
        return None
    return _with_paragraph(draft, len(paragraphs) - 1, " ".join(sentences[:-1]))


def _edit_dateline(draft: _Draft, rng: random.Random) -> _Draft:
    """A wire-service dateline before the first paragraph."""
    params = EDIT_PARAMS["dateline"]
    city = rng.choice(params["cities"])
    dateline = rng.choice(params["templates"]).format(
        city=city,
        CITY=city.upper(),
        agency=rng.choice(params["agencies"]),
        month=rng.choice(params["months"]),
        day=rng.randint(1, 28),
    )
    return _with_paragraph(draft, 0, dateline + draft.paragraphs[0])


def _edit_insert(draft: _Draft, rng: random.Random) -> _Draft | None:
    """An advertisement marker or photo caption between two paragraphs."""
    params = EDIT_PARAMS["insert"]
    if len(draft.paragraphs) < 2:
        return None
    line = rng.choice(params["lines"]).format(
        name=rng.choice(params["names"]), agency=rng.choice(params["agencies"])
    )
    at = rng.randrange(1, len(draft.paragraphs))
    return replace(draft, paragraphs=(*draft.paragraphs[:at], line, *draft.paragraphs[at:]))


def _edit_footer(draft: _Draft, rng: random.Random) -> _Draft:
    """A closing "Read more" link or a credit to the site that first ran the story."""
    line = rng.choice(EDIT_PARAMS["footer"]["templates"])
    text = line.format(headline=draft.other_headline, site=draft.site)
    return replace(draft, paragraphs=(*draft.paragraphs, text))


def _straighten(text: str) -> str:
    return text.translate(_CURLY).replace("\u2014", "--").replace("\u2013", "-")


def _curl(text: str) -> str:
    text = re.sub(r"(^|[\s(\[])\"", "\\1\u201c", text).replace('"', "\u201d")
    text = re.sub(r"(^|[\s(\[])'", "\\1\u2018", text).replace("'", "\u2019")
    return re.sub(r" --? ", " \u2014 ", text)


def _edit_typography(draft: _Draft, rng: random.Random) -> _Draft | None:
    """Straight quotes and hyphens where the story has curly ones and dashes, or the reverse."""
    text = "\n".join((draft.headline, *draft.paragraphs))
    curly = any(ch in text for ch in "\u2018\u2019\u201c\u201d\u2014\u2013")
    change = _straighten if curly else _curl
    headline, *paragraphs = change(text).split("\n")
    if headline == draft.headline and tuple(paragraphs) == draft.paragraphs:
        return None
    return replace(draft, headline=headline, paragraphs=tuple(paragraphs))


EDITS: dict[str, Callable[[_Draft, random.Random], _Draft | None]] = {
    "headline": _edit_headline,
    "reword": _edit_reword,
    "reflow": _edit_reflow,
    "trim": _edit_trim,
    "dateline": _edit_dateline,
    "insert": _edit_insert,
    "footer": _edit_footer,
    "typography": _edit_typography,
}
"""Edit name -> edit, in the order they are applied (trim before footer, typography last)."""


def _syndicate(draft: _Draft, rng: random.Random) -> tuple[_Draft, tuple[str, ...]]:
    """Apply 1-4 randomly chosen edits; names of the ones that changed something are returned."""
    chosen = set(rng.sample(sorted(EDITS), rng.randint(*EDIT_PARAMS["count"]["range"])))
    applied: list[str] = []
    for name, edit in EDITS.items():
        edited = edit(draft, rng) if name in chosen else None
        if edited is not None:
            draft = edited
            applied.append(name)
    if not applied:
        draft, applied = _edit_footer(draft, rng), ["footer"]
    return draft, tuple(applied)


# ---------------------------------------------------------------- rendering a copy


def _set_meta(root: HtmlElement, names: Collection[str], value: str) -> None:
    for meta in root.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() in names:
            meta.set("content", value)


def _retitle(root: HtmlElement, draft: _Draft) -> None:
    """Give the page the copy's headline and lead, and declare the UTF-8 it is written in."""
    lead = " ".join(" ".join(draft.paragraphs).split()[:30])
    for title in root.iter("title"):
        title.text = draft.headline
    _set_meta(root, {"og:title", "twitter:title", "title"}, draft.headline)
    _set_meta(root, {"description", "og:description", "twitter:description"}, lead)
    for meta in root.iter("meta"):
        if meta.get("charset"):
            meta.set("charset", "utf-8")
        elif (meta.get("http-equiv") or "").lower() == "content-type":
            meta.set("content", "text/html; charset=utf-8")


def _headline_outside(slot: HtmlElement) -> HtmlElement | None:
    """The ``<h1>`` nearest before the slot (a logo ``<h1>`` comes earlier), else the next one."""
    found = slot.xpath("preceding::h1")[-1:] or slot.xpath("following::h1")[:1]
    return found[0] if found else None


def _fill(slot: HtmlElement, draft: _Draft) -> None:
    """Put the story in the slot, headed by an ``<h1>`` when the host's headline sat inside it."""
    heading = next(slot.iter("h1"), None) is not None
    slot[:] = []
    slot.text = None
    h1 = etree.SubElement(slot, "h1") if heading else _headline_outside(slot)
    if h1 is not None:
        h1[:] = []
        h1.text = draft.headline
    for text in draft.paragraphs:
        etree.SubElement(slot, "p").text = text


def _at(root: HtmlElement, path: tuple[int, ...]) -> HtmlElement:
    for i in path:
        root = root[i]
    return root


def _render(host: _Host, draft: _Draft) -> str:
    root = copy.deepcopy(host.root)
    slot, stale = _at(root, host.slot), [_at(root, path) for path in host.stale]
    for script in stale:
        script.drop_tree()
    _fill(slot, draft)
    _retitle(root, draft)
    return lhtml.tostring(root, encoding="unicode", doctype=host.doctype)


def _copy_url(host_url: str, headline: str) -> str:
    """The host's URL with its last path segment replaced by a slug of the headline."""
    parts = urlsplit(host_url)
    slug = "-".join(_tokens(headline)[:10]) or "story"
    segments = parts.path.split("/")
    named = [i for i, segment in enumerate(segments) if segment]
    if named:
        last = segments[named[-1]]
        suffix = _PAGE_SUFFIX.search(last)
        segments[named[-1]] = slug + (suffix.group() if suffix else "")
        path = "/".join(segments)
    else:
        path = f"/{slug}"
    return urlunsplit((parts.scheme or "https", parts.netloc, path, "", ""))


# ---------------------------------------------------------------- corpora


def _pick_hosts(pool: list[_Host], source: Page, count: int, start: int) -> tuple[list[_Host], int]:
    """``count`` hosts from distinct other sites, round-robin so every host serves many stories."""
    taken: list[_Host] = []
    sites = {_domain(source.url)}
    for step in range(len(pool)):
        host = pool[(start + step) % len(pool)]
        if _domain(host.page.url) not in sites:
            taken.append(host)
            sites.add(_domain(host.page.url))
            if len(taken) == count:
                return taken, start + step + 1
    raise ValueError(f"only {len(taken)} usable hosts from other sites for {source.id}")


def _original(copy_id: str, page: Page) -> Copy:
    return Copy(copy_id, page.id, page.id, page.url, page.html, ())


def make_copies(
    pages: list[Page],
    n_stories: int,
    copies_per_story: int,
    seed: int = 0,
    *,
    original_share: float = 0.5,
    host_reuse: int = 3,
) -> list[Copy]:
    """``copies_per_story`` pages for each of ``n_stories`` real bodies, each in another site's chrome.

    With probability ``original_share`` a story's first copy is its real page,
    unchanged. Hosts come from a pool about ``host_reuse`` times smaller than
    the number of copies, so the same chrome wraps different stories.
    """
    rng = random.Random(seed)
    eligible = [p for p in pages if _domain(p.url) and len(_tokens(p.body)) >= MIN_WORDS]
    if n_stories > len(eligible):
        raise ValueError(f"{n_stories} stories asked for, {len(eligible)} bodies are long enough")
    sources = rng.sample(eligible, n_stories)
    headlines = [headline_of(page) for page in sources]
    size = max(copies_per_story + 2, math.ceil(n_stories * copies_per_story / host_reuse))
    pool = _host_pool(pages, size, rng)
    copies: list[Copy] = []
    cursor = 0
    for number, (source, headline) in enumerate(zip(sources, headlines, strict=True)):
        ids = [f"syn-{number:04d}-c{k}" for k in range(copies_per_story)]
        if rng.random() < original_share:
            copies.append(_original(ids.pop(0), source))
        hosts, cursor = _pick_hosts(pool, source, len(ids), cursor)
        others = [h for h in headlines if h != headline] or [headline]
        for copy_id, host in zip(ids, hosts, strict=True):
            draft = _Draft(
                headline, _paragraphs(source.body), _domain(source.url), rng.choice(others)
            )
            draft, edits = _syndicate(draft, rng)
            url = _copy_url(host.page.url, draft.headline)
            copies.append(Copy(copy_id, source.id, host.page.id, url, _render(host, draft), edits))
    return copies


def make_distinct(
    pages: list[Page], n: int, seed: int = 0, exclude: Collection[str] = ()
) -> list[Copy]:
    """``n`` real pages, unchanged, each its own story: the negatives of a corpus.

    Pages whose ids are in ``exclude`` (the stories of ``make_copies``) are
    skipped so a negative never shares a body with a copy.
    """
    candidates = [page for page in pages if page.id not in exclude]
    chosen = random.Random(seed).sample(candidates, min(n, len(candidates)))
    return [_original(f"page-{i:04d}", page) for i, page in enumerate(chosen)]


def build_corpus(
    pages: list[Page], n_stories: int, copies_per_story: int, n_distinct: int, seed: int = 0
) -> list[Copy]:
    """Syndicated copies and distinct negatives, interleaved in a seeded order like a crawl."""
    copies = make_copies(pages, n_stories, copies_per_story, seed)
    corpus = copies + make_distinct(pages, n_distinct, seed, {c.story for c in copies})
    random.Random(seed).shuffle(corpus)
    return corpus


def write_corpus(copies: list[Copy], out_dir: Path) -> None:
    """``corpus.jsonl`` (what the tool reads) and ``labels.jsonl`` (what it is scored against).

    Lines are ASCII JSON: pages hold characters such as U+2028 that some
    line readers treat as line breaks.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    corpus = ({"id": c.id, "url": c.url, "html": c.html} for c in copies)
    labels = ({"id": c.id, "story": c.story, "host": c.host, "edits": c.edits} for c in copies)
    for name, rows in (("corpus.jsonl", corpus), ("labels.jsonl", labels)):
        with (out_dir / name).open("w", encoding="ascii", newline="\n") as out:
            out.writelines(json.dumps(row) + "\n" for row in rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Write a syndication corpus: ``python -m dedup.synth.syndicate --out DIR``."""
    parser = argparse.ArgumentParser(prog="python -m dedup.synth.syndicate", description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"), help="labelled pages")
    parser.add_argument("--out", type=Path, required=True, help="directory for the two JSONL files")
    parser.add_argument("--stories", type=int, default=60, help="stories to syndicate")
    parser.add_argument("--copies", type=int, default=4, help="copies per story")
    parser.add_argument(
        "--distinct", type=int, default=100, help="unchanged real pages as negatives"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    corpus = build_corpus(
        load_pages(args.data), args.stories, args.copies, args.distinct, args.seed
    )
    write_corpus(corpus, args.out)
    print(
        f"{len(corpus)} pages ({args.stories} stories x {args.copies} copies, "
        f"{sum(c.id.startswith('page-') for c in corpus)} distinct) -> {args.out} "
        f"in {time.perf_counter() - started:.1f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
