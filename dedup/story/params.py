"""Parameters of the story level, with their measured defaults (see bench/stories.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from dedup.config import ConfigError, check_types, read_config
from dedup.story.idf import load_background

LINKS = ("leader", "average", "complete")
KEEP_MODES = ("per-copy", "per-story")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_WINDOW = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.IGNORECASE)


def parse_window(text: str) -> float | None:
    """Seconds in a window such as ``7d``, ``36h`` or ``2w`` (bare numbers are days);
    ``none`` or ``0`` means dates are ignored."""
    if text.strip().lower() in ("none", "off", "0"):
        return None
    match = _WINDOW.match(text)
    if not match:
        raise ConfigError(f"story window must look like 7d, 36h or 2w (or none), got {text!r}")
    return float(match.group(1)) * _UNITS[(match.group(2) or "d").lower()]


@dataclass(frozen=True, slots=True)
class StoryParams:
    """What decides which copy clusters tell the same story.

    ``threshold`` applies to the verification score (:mod:`dedup.story.verify`);
    ``window`` is the most two dated documents of one story may lie apart, in
    seconds (``None``: ignore dates). ``link`` says whom a document must reach
    the threshold with: the story's leader, the average of its members, or every
    member. Each document is its ``score_terms`` heaviest features, taken after
    removing word runs of ``shared_run`` words that another document also has
    (:mod:`dedup.story.shared`; ``None`` keeps them). A document with fewer than
    ``min_features`` features stays a story of its own: a headline names an
    event, a line of two words does not.
    """

    threshold: float = 0.25
    window: float | None = 7 * 86400.0
    name_weight: float = 1.0
    number_weight: float = 1.0
    link: str = "average"
    score_terms: int = 60
    shared_run: int | None = 8
    top_terms: int = 40
    min_features: int = 5
    lsh_threshold: float = 0.05
    num_perm: int = 128
    keep: str = "per-copy"
    background: Path | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ConfigError(f"story threshold must be in (0, 1], got {self.threshold}")
        if self.window is not None and self.window <= 0:
            raise ConfigError(f"story window must be positive, got {self.window}")
        if self.name_weight < 0 or self.number_weight < 0:
            raise ConfigError("story name and number weights must be >= 0")
        if self.link not in LINKS:
            raise ConfigError(f"story link must be one of {', '.join(LINKS)}, got {self.link!r}")
        if self.keep not in KEEP_MODES:
            raise ConfigError(f"keep must be one of {', '.join(KEEP_MODES)}, got {self.keep!r}")
        if self.score_terms < 1 or (self.shared_run is not None and self.shared_run < 2):
            raise ConfigError("story score_terms must be >= 1 and shared_run >= 2 (or None)")
        if self.top_terms < 1 or not 0.0 < self.lsh_threshold < 1.0:
            raise ConfigError("story top_terms must be >= 1 and lsh_threshold in (0, 1)")
        if self.min_features < 1:
            raise ConfigError(f"story min_features must be >= 1, got {self.min_features}")

    def updated(self, **changes: Any) -> StoryParams:
        """A copy with the given fields changed; ``None`` values are ignored."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_TABLE_ONLY = {"enabled"}


def load_story_params(path: Path | None, **overrides: Any) -> tuple[bool, StoryParams]:
    """(stories on?, parameters) from the ``[story]`` table of a config file.

    ``enabled = true`` turns the story level on as ``--stories`` does;
    ``window`` is a string like ``--story-window`` (``"7d"``, ``"none"``).
    ``overrides`` (command-line options; ``None`` leaves a value alone) win.
    """
    table = dict(read_config(path).get("story", {}))
    known = {f.name for f in fields(StoryParams)} | _TABLE_ONLY
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown [story] setting(s): {', '.join(unknown)}")
    enabled = table.pop("enabled", False)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{path}: [story] enabled must be true or false")
    check_types({k: v for k, v in table.items() if k != "window"}, StoryParams, f"{path}: [story]")
    if "window" in table and not isinstance(table["window"], str):
        raise ConfigError(f'{path}: [story] window must be a string such as "7d" or "none"')
    try:
        if "window" in table:
            table["window"] = parse_window(table["window"])
        if "background" in table:
            table["background"] = Path(table["background"])
        params = StoryParams(**table)
        if params.background is not None:
            _check_background(params.background)
    except (TypeError, ConfigError) as err:
        raise ConfigError(f"{path}: [story]: {err}") from err
    return enabled, params.updated(**overrides)


def _check_background(path: Path) -> None:
    """Fail early, with one line, on a background IDF model that cannot be read."""
    try:
        load_background(path)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ConfigError(f"background {path}: {err}") from err
