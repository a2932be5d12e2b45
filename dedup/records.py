"""The values that flow between the pipeline's layers.

Each layer takes and returns plain dataclasses so the stages can run in worker
processes (they pickle cheaply) and the library API stays free of CLI concerns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Record:
    """One input document as read, before cleaning.

    ``source`` says where it came from (``FILE`` or ``FILE:line N``) so every
    warning and report row can point back at the input.
    """

    id: str
    source: str
    html: str | None = None
    text: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    given_id: int | None = None
    """The id as the input wrote it, when that was a JSON integer (``id`` is its string)."""


@dataclass(slots=True, frozen=True)
class Problem:
    """An input that could not be read, with the reason, for warnings and the summary.

    ``ignored`` marks files skipped on purpose (unsupported types found while
    walking a directory): counted in the summary, but not warnings.
    """

    source: str
    reason: str
    ignored: bool = False

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(slots=True)
class CleanDoc:
    """A document after chrome removal: ``text`` is the article, title first when known.

    ``removed`` lists the chrome lines taken out (:class:`dedup.clean.chrome.Removal`).
    """

    id: str
    source: str
    text: str
    url: str | None = None
    title: str | None = None
    published: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    removed: list[Any] = field(default_factory=list)


@dataclass(slots=True)
class Assignment:
    """Where clustering put one document; field names are the CLI's output contract.

    ``story`` and ``story_score`` are set by the story level (``stories=``).
    """

    id: str
    cluster: str | None
    kept: bool
    dup_of: str | None
    similarity: float | None
    status: str
    story: str | None = None
    story_score: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "cluster": self.cluster,
            "kept": self.kept,
            "dup_of": self.dup_of,
            "similarity": self.similarity,
            "status": self.status,
        }
