"""A fast generator of synthetic news feeds (JSONL records) with known copies.

Stories are sentences of words drawn from a fixed vocabulary, so any number
of distinct stories can be made in milliseconds, without shared data; each
story may have syndicated copies (a changed word per paragraph, a dateline,
an added credit line) under other ids and hosts. For tests and the filter
benchmark; the realistic copies are :mod:`dedup.synth.syndicate`'s.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

_WORDS = """
council harbour board vote fund flood barrier storm surge homes quay chair said cost
million years build work spring residents meeting decision plan streets market design
hearing approval bakery bread prize rye grain owners oven apprentices school students
police station fire crew road bridge river rail line train station passengers delay
hospital nurses doctors patients ward budget minister election party leader campaign
voters poll result court judge trial jury verdict appeal company shares profit loss
workers union strike wages talks port ships cargo container crane automation weather
rain snow heat wave drought farmers crops harvest prices inflation bank rates loans
housing rent tenants landlord museum exhibition artist painting festival music concert
team coach season match goal league cup players fans stadium city town village region
north south east west coast island mountain valley lake forest park garden library
report study researchers university data survey found increase decrease growth new old
first last early late major minor local national public private small large long short
"""
_VOCAB = tuple(_WORDS.split())
_HOSTS = ("harborledger", "valleytimes", "coastpost", "metrowire", "dailyquay", "northstar")


@dataclass(frozen=True, slots=True)
class FeedRecord:
    """One record and the story it tells (for scoring)."""

    record: dict[str, str]
    story: str


def _sentence(rng: random.Random) -> str:
    words = rng.choices(_VOCAB, k=rng.randint(10, 18))
    return " ".join(words).capitalize() + "."


def story_text(rng: random.Random, paragraphs: int = 4) -> str:
    return "\n\n".join(
        " ".join(_sentence(rng) for _ in range(rng.randint(3, 5))) for _ in range(paragraphs)
    )


def syndicate(text: str, rng: random.Random) -> str:
    """A copy as another site runs it: one word changed per paragraph, a dateline, a credit."""
    paragraphs = text.split("\n\n")
    edited = []
    for paragraph in paragraphs:
        words = paragraph.split(" ")
        i = rng.randrange(len(words))
        words[i] = rng.choice(_VOCAB)
        edited.append(" ".join(words))
    edited[0] = f"{rng.choice(('LONDON', 'OSLO', 'LIMA'))} - {edited[0]}"
    return "\n\n".join([*edited, "(Additional reporting by the newsroom.)"])


def make_feed(
    stories: int, copies: int = 0, *, seed: int = 0, prefix: str = "doc"
) -> list[FeedRecord]:
    """``stories`` distinct stories, each followed later by ``copies`` syndicated copies.

    Copies are spread through the feed (shuffled with ``seed``), originals first.
    """
    rng = random.Random(seed)
    out: list[FeedRecord] = []
    for s in range(stories):
        text = story_text(rng)
        story = f"{prefix}-{s}"
        for c in range(copies + 1):
            host = _HOSTS[(s + c) % len(_HOSTS)]
            record = {
                "id": f"{story}-{c}",
                "url": f"https://{host}.example/news/{story}",
                "text": text if c == 0 else syndicate(text, rng),
            }
            out.append(FeedRecord(record, story))
    originals = [r for r in out if r.record["id"].endswith("-0")]
    rest = [r for r in out if not r.record["id"].endswith("-0")]
    rng.shuffle(rest)
    return originals + rest
