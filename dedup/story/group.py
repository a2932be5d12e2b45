"""Group documents into stories without chaining, in an order that ignores input order.

Like the copy level, documents are visited in representative order (longest
text, then earliest ``published``, then smallest id), and each one joins the
best candidate story it is linked to, or starts a story. The link is its score
with the story's leader (``leader``), the mean of its scores with every member
(``average``) or the lowest of them (``complete``): never a score with one
arbitrary member, so A~B and B~C cannot join A to an unrelated C. A story also
never spans more than ``window`` seconds between its dated members.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from dedup.cluster.leader import published_ts
from dedup.story.candidates import CandidateIndex
from dedup.story.params import StoryParams
from dedup.story.verify import Vector, score

_NO_DATE = float("inf")


@dataclass(slots=True)
class StoryDoc:
    """What story grouping needs of one document (a copy cluster's representative)."""

    id: str
    words: int
    published: str | None
    vector: Vector


@dataclass(slots=True, frozen=True)
class StoryMembership:
    """A document's story (its leader's id) and its score with that leader."""

    story: str
    score: float


@dataclass(slots=True)
class _Story:
    leader: int
    members: list[int] = field(default_factory=list)
    first: float = _NO_DATE
    last: float = -_NO_DATE

    def add(self, doc: int, when: float) -> None:
        self.members.append(doc)
        if when != _NO_DATE:
            self.first, self.last = min(self.first, when), max(self.last, when)

    def fits(self, when: float, window: float | None) -> bool:
        if window is None or when == _NO_DATE or self.first == _NO_DATE:
            return True
        return max(self.last, when) - min(self.first, when) <= window


def _order_key(doc: StoryDoc) -> tuple[int, float, str]:
    return (-doc.words, published_ts(doc.published), doc.id)


class _Grouper:
    def __init__(self, docs: Sequence[StoryDoc], params: StoryParams) -> None:
        self.docs = docs
        self.params = params
        self.index = CandidateIndex([d.vector for d in docs], params)
        self.stories: list[_Story] = []
        self.story_of: dict[int, int] = {}

    def link(self, doc: int, story: _Story) -> float:
        vector = self.docs[doc].vector
        if self.params.link == "leader":
            return score(vector, self.docs[story.leader].vector)
        scores = [score(vector, self.docs[m].vector) for m in story.members]
        if self.params.link == "average":
            return sum(scores) / len(scores)
        return min(scores)

    def best_story(self, doc: int, when: float) -> int | None:
        candidates = sorted({self.story_of[key] for key in self.index.candidates(doc)})
        best, best_link = None, 0.0
        for number in candidates:
            story = self.stories[number]
            if not story.fits(when, self.params.window):
                continue
            linked = self.link(doc, story)
            if linked >= self.params.threshold and linked > best_link:
                best, best_link = number, linked
        return best

    def visit(self, doc: int) -> None:
        when = published_ts(self.docs[doc].published)
        number = self.best_story(doc, when) if self.docs[doc].vector else None
        if number is None:
            number = len(self.stories)
            self.stories.append(_Story(leader=doc))
        self.stories[number].add(doc, when)
        self.story_of[doc] = number
        self.index.add(doc)


def group_stories(docs: Sequence[StoryDoc], params: StoryParams) -> list[StoryMembership]:
    """Each document's story, in the order of ``docs``; the same whatever that order is."""
    grouper = _Grouper(docs, params)
    for i in sorted(range(len(docs)), key=lambda i: _order_key(docs[i])):
        grouper.visit(i)
    result = []
    for i, doc in enumerate(docs):
        leader = grouper.stories[grouper.story_of[i]].leader
        similarity = 1.0 if leader == i else round(score(doc.vector, docs[leader].vector), 4)
        result.append(StoryMembership(docs[leader].id, similarity))
    return result
