"""Tunable parameters, their measured defaults, and loading them from a TOML file.

Defaults come from the measurements in ``bench/`` (see README, "Tuning"). A config
file may be a ``dedup.toml`` with top-level keys or a ``pyproject.toml`` with a
``[tool.dedup]`` table; command-line options override it. Settings of the text
cleaner live in a ``[clean]`` table (``[tool.dedup.clean]``), those of the story
level in a ``[story]`` table (read by :func:`dedup.story.load_story_params`).
"""

from __future__ import annotations

import datetime
import json
import types
import typing
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import tomllib

from dedup.clean.chrome import ChromeSettings
from dedup.clean.model import ChromeModel

SIMILARITY_MEASURES = ("jaccard", "containment")
# Sub-tables of the config file, each read by its own loader.
TABLES = ("clean", "story")


class ConfigError(ValueError):
    """A parameter or config file the user must fix (exit 2)."""


@dataclass(frozen=True, slots=True)
class Params:
    """Everything that decides which documents are copies of which."""

    shingle_size: int = 5
    num_perm: int = 128
    threshold: float = 0.7
    lsh_threshold: float = 0.4
    similarity: str = "containment"
    min_words: int = 20
    seed: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.shingle_size <= 16:
            raise ConfigError(f"shingle_size must be 1..16, got {self.shingle_size}")
        if not 16 <= self.num_perm <= 1024:
            raise ConfigError(f"num_perm must be 16..1024, got {self.num_perm}")
        if not 0.0 < self.threshold <= 1.0:
            raise ConfigError(f"threshold must be in (0, 1], got {self.threshold}")
        if not 0.0 < self.lsh_threshold <= self.threshold:
            raise ConfigError(
                f"lsh_threshold must be in (0, threshold={self.threshold}], got {self.lsh_threshold}"
            )
        if self.similarity not in SIMILARITY_MEASURES:
            raise ConfigError(
                f"similarity must be one of {', '.join(SIMILARITY_MEASURES)}, got {self.similarity!r}"
            )
        if self.min_words < 1:
            raise ConfigError(f"min_words must be >= 1, got {self.min_words}")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, **changes: Any) -> Params:
        """A copy with the given fields changed; ``None`` values are ignored."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def read_config(path: Path | None) -> dict[str, Any]:
    """The dedup table of a config file (top level, or ``[tool.dedup]`` of a pyproject)."""
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read config {path}: {err}") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from err
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("dedup", {})
    known = {f.name for f in fields(Params)} | set(TABLES)
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(unknown)}")
    for table in TABLES:
        if table in data and not isinstance(data[table], dict):
            raise ConfigError(f"{path}: {table} must be a table ([{table}])")
    return data


# What a TOML value must be for a field of each type, and how to say so.
_TYPE_NAMES = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}


def check_types(values: dict[str, Any], cls: type, where: str) -> None:
    """Refuse a config value of the wrong TOML type for its field of ``cls`` (a dataclass).

    Without this, ``threshold = "high"`` fails deep inside with a Python
    message, and ``enabled = "no"`` reads as true. Fields whose type is not a
    plain scalar (lists, parsed strings) are checked by their loaders.
    """
    hints = typing.get_type_hints(cls)
    for name, value in values.items():
        wanted = _scalar_type(hints.get(name))
        if wanted is None:
            continue
        accepted = int | float if wanted is float else wanted  # an integer is a number
        # bool is an int in Python, but true is no number in a config file
        ok = isinstance(value, accepted) and (wanted is bool or not isinstance(value, bool))
        if not ok:
            shown = _as_toml(value)
            raise ConfigError(f"{where} {name} must be {_TYPE_NAMES[wanted]}, got {shown}")


def _as_toml(value: Any) -> str:
    """A value as the config file wrote it: true, "high", 1979-05-27."""
    if isinstance(value, datetime.date | datetime.time):  # datetime is a date
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)


def _scalar_type(hint: Any) -> type | None:
    """bool, int, float or str for a field annotated so (also ``X | None``; a Path is a str)."""
    options = [a for a in typing.get_args(hint) if a is not type(None)]
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        hint = options[0] if len(options) == 1 else None
    if hint is Path:
        return str
    return hint if hint in _TYPE_NAMES else None


def load_params(path: Path | None) -> Params:
    """Read parameters from ``path`` (or defaults when ``None``), rejecting unknown keys."""
    data = {k: v for k, v in read_config(path).items() if k not in TABLES}
    check_types(data, Params, f"{path}:")
    try:
        return Params(**data)
    except (TypeError, ConfigError) as err:
        raise ConfigError(f"{path}: {err}") from err


_LIST_SETTINGS = ("patterns", "protect")


def load_chrome_settings(
    path: Path | None,
    *,
    patterns: tuple[str, ...] = (),
    protect: tuple[str, ...] = (),
    **overrides: Any,
) -> ChromeSettings:
    """Cleaner settings from the ``[clean]`` table; ``patterns``/``protect`` add to the file's,
    other overrides replace its values (``None`` leaves them alone)."""
    table = dict(read_config(path).get("clean", {}))
    known = {f.name for f in fields(ChromeSettings) if f.init}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown [clean] setting(s): {', '.join(unknown)}")
    check_types(table, ChromeSettings, f"{path}: [clean]")
    for name in _LIST_SETTINGS:
        value = table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: [clean] {name} must be a list of regular expressions")
    table["patterns"] = (*table.get("patterns", []), *patterns)
    table["protect"] = (*table.get("protect", []), *protect)
    table.update({k: v for k, v in overrides.items() if v is not None})
    try:
        settings = ChromeSettings(**table)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"{path or 'options'}: {err}") from err
    if settings.use_model and settings.model_path is not None:
        _check_model(path, settings.model_path)
    return settings


def _check_model(config: Path | None, model_path: str) -> None:
    """Fail early, in the main process, on a model file the workers could not load."""
    try:
        ChromeModel.load(model_path)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ConfigError(f"{config or 'options'}: [clean] model_path: {err}") from err
