"""``dedup check``: find duplicates and chrome in a corpus, and fix them in place.

It runs as a pre-commit hook over the whole corpus (``pass_filenames: false``):
cross-file duplicates need every document, and pre-commit splits big commits
into several batches of file names, so a hook that only saw its batch would
miss copies in other batches. A baseline file lists groups of documents a team
accepts as copies; only new duplicates fail.

Chrome is reported for text documents (``.txt`` files and JSONL records with
``text``), where it is the corpus's own problem; HTML pages carry their page
chrome by nature, and extraction removes it, so for them only duplicates count.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dedup import api
from dedup.clean import ChromeSettings
from dedup.cluster.online import judge_for
from dedup.config import ConfigError, Params
from dedup.index.store import Entry, IndexStore, Judge
from dedup.io import JsonlWriter
from dedup.io.readers import file_kind, read_inputs
from dedup.pipeline import DocSketcher
from dedup.records import CleanDoc, Problem, Record

BASELINE_VERSION = 1
_LINE = ":line "


@dataclass(slots=True)
class Finding:
    """A duplicate document (``dup_of`` is the copy kept) or a text document with chrome."""

    kind: str
    id: str
    source: str
    dup_of: str | None = None
    similarity: float | None = None
    removed: list[str] = field(default_factory=list)
    accepted: bool = False

    def as_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {"kind": self.kind, "id": self.id, "source": self.source}
        if self.kind == "duplicate":
            row.update(dup_of=self.dup_of, similarity=self.similarity)
        else:
            row["removed"] = self.removed
        if self.accepted:
            row["accepted"] = True
        return row

    def __str__(self) -> str:
        if self.kind == "duplicate":
            similarity = "unknown" if self.similarity is None else self.similarity
            return f"{self.source}: duplicate of {self.dup_of} (similarity {similarity})"
        return f"{self.source}: {len(self.removed)} chrome line(s), e.g. {self.removed[0]!r}"


@dataclass(slots=True)
class Baseline:
    """Groups of document ids accepted as copies of each other."""

    groups: list[frozenset[str]] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            groups = data["accepted"]
            if data.get("version") != BASELINE_VERSION or not all(
                isinstance(g, list) and all(isinstance(i, str) for i in g) for g in groups
            ):
                raise ValueError("expected {'version': 1, 'accepted': [[id, ...], ...]}")
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise ConfigError(f"baseline {path}: {err}") from None
        return cls([frozenset(g) for g in groups])

    def accepts(self, a: str, b: str) -> bool:
        return any(a in group and b in group for group in self.groups)

    def save(self, path: Path, clusters: Iterable[Iterable[str]]) -> None:
        groups = sorted(sorted(c) for c in clusters)
        text = json.dumps({"version": BASELINE_VERSION, "accepted": groups}, indent=2) + "\n"
        write_atomic(path, text)


@dataclass
class CheckResult:
    findings: list[Finding]
    clusters: list[list[str]]
    problems: list[Problem]
    documents: int


def check(
    items: Iterable[Record | Problem],
    params: Params,
    settings: ChromeSettings,
    baseline: Baseline,
    *,
    index: IndexStore | None = None,
    workers: int | None = None,
) -> CheckResult:
    """Cluster the whole corpus and list what is wrong with it, in input order.

    With an ``index`` (read, never written), a document the corpus keeps is
    also a duplicate when it copies a document kept in the index under
    another id: new files can be checked against a corpus indexed before.
    """
    text_ids: set[str] = set()

    def note_text(stream: Iterable[Record | Problem]) -> Iterator[Record | Problem]:
        for item in stream:
            if isinstance(item, Record) and item.html is None:
                text_ids.add(item.id)
            yield item

    result = api.cluster(note_text(items), params, settings, workers=workers)
    sketch, judge = DocSketcher(params), judge_for(params)
    findings: list[Finding] = []
    members: dict[str, list[str]] = defaultdict(list)

    def duplicate(doc: CleanDoc, dup_of: str, similarity: float | None) -> None:
        members[dup_of].append(doc.id)
        accepted = baseline.accepts(doc.id, dup_of)
        findings.append(
            Finding("duplicate", doc.id, doc.source, dup_of, similarity, accepted=accepted)
        )

    indexed: dict[str, tuple[str, float | None]] = {}
    if index is not None:
        kept = (
            d for d, a in zip(result.docs, result.assignments, strict=True) if a.status == "kept"
        )
        for doc in kept:
            found = _indexed_copy(doc, index, sketch, judge)
            if found is not None:
                indexed[doc.id] = found
    for doc, assignment in zip(result.docs, result.assignments, strict=True):
        if assignment.status == "duplicate" and assignment.dup_of in indexed:
            duplicate(doc, *_via_index(doc, indexed[assignment.dup_of], index, sketch, judge))
        elif assignment.status == "duplicate" and assignment.dup_of is not None:
            duplicate(doc, assignment.dup_of, assignment.similarity)
        elif doc.id in indexed:
            duplicate(doc, *indexed[doc.id])
        elif doc.id in text_ids and doc.removed:
            findings.append(Finding("chrome", doc.id, doc.source, removed=_lines(doc)))
    clusters = [[rep, *dups] for rep, dups in members.items()]
    return CheckResult(findings, clusters, result.problems, len(result.docs))


def _indexed_copy(
    doc: CleanDoc, index: IndexStore, sketch: DocSketcher, judge: Judge
) -> tuple[str, float] | None:
    """The id and similarity of a document kept in ``index`` that ``doc`` copies."""
    sketched = sketch(doc)
    entry = Entry(doc.id, sketched.signature, sketched.shingles, sketched.words)
    decision = index.lookup(entry, judge)
    if decision.status != "duplicate" or decision.dup_of in (None, doc.id):
        return None
    return decision.dup_of, decision.similarity


def _via_index(
    doc: CleanDoc,
    target: tuple[str, float | None],
    index: IndexStore,
    sketch: DocSketcher,
    judge: Judge,
) -> tuple[str, float | None]:
    """Where a copy of a document that copies the index points: the indexed copy, not its peer.

    Its peer is removed too, so naming it would point at a deleted file. The
    similarity is the document's own to the indexed copy when the index finds
    it, and unknown (None) when only its peer matched.
    """
    own = _indexed_copy(doc, index, sketch, judge)
    if own is not None and own[0] == target[0]:
        return own
    return target[0], None


def _lines(doc: CleanDoc) -> list[str]:
    return [removal.line for removal in doc.removed]


FIX_ROUNDS = 3


@dataclass
class Report:
    """The first check's findings, what ``--fix`` changed, and what is still open after it."""

    first: CheckResult
    changes: list[Change]
    remaining: list[Finding]


def check_paths(
    paths: list[str],
    params: Params,
    settings: ChromeSettings,
    baseline: Baseline,
    *,
    fix_it: bool = False,
    move_to: Path | None = None,
    index: IndexStore | None = None,
    workers: int | None = None,
) -> Report:
    """Check ``paths``; with ``fix_it``, fix and check again until clean (at most FIX_ROUNDS).

    Removing chrome changes a line's neighbours, which the line model looks
    at, so one round may reveal a line the next removes; the hook should not
    fail again on the corpus it just fixed.
    """
    if fix_it and move_to is not None:
        refuse_move_into_checked(move_to, paths)
    first = check(read_inputs(paths), params, settings, baseline, index=index, workers=workers)
    remaining = [f for f in first.findings if not f.accepted]
    changes: list[Change] = []
    for _ in range(FIX_ROUNDS if fix_it else 0):
        done, unfixable = fix(remaining, move_to)
        changes.extend(done)
        if not done:
            break
        again = check(read_inputs(paths), params, settings, baseline, index=index, workers=workers)
        remaining = [f for f in again.findings if not f.accepted]
        if len(remaining) == len(unfixable):
            break
    return Report(first, changes, remaining)


# --- fixing -----------------------------------------------------------------


@dataclass(slots=True)
class Change:
    """What ``--fix`` did to one file."""

    file: str
    action: str
    records_removed: int = 0
    lines_removed: int = 0
    moved_to: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": "change", **{k: v for k, v in asdict(self).items() if v not in (None, 0)}}


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``.

    A crash at any point leaves ``path`` either as it was or fully new.
    """
    tmp = path.with_name(f".{path.name}.dedup-{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def strip_lines(text: str, removed: list[str]) -> str:
    """``text`` without the removed lines; every other line, blank ones too, as it was.

    Removed lines are matched after the cleaner's normalisation (NFC, folded
    spaces); a blank line left doubled by a removal is dropped.
    """
    pending = Counter(removed)
    out: list[str] = []
    for line in text.split("\n"):
        key = " ".join(unicodedata.normalize("NFC", line).split())
        if key and pending[key] > 0:
            pending[key] -= 1
            continue
        if not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def _location(source: str) -> tuple[str, int | None]:
    if _LINE in source:
        path, number = source.rsplit(_LINE, 1)
        return path, int(number)
    return source, None


def fix(findings: list[Finding], move_to: Path | None) -> tuple[list[Change], list[Finding]]:
    """Apply the findings not accepted by the baseline, one file at a time, atomically.

    Returns the changes and the findings that cannot be fixed in place
    (in gzipped or WARC files).
    """
    by_file: dict[str, dict[int | None, Finding]] = defaultdict(dict)
    for finding in findings:
        if not finding.accepted:
            path, number = _location(finding.source)
            by_file[path][number] = finding
    changes: list[Change] = []
    unfixable: list[Finding] = []
    for name in sorted(by_file):
        path = Path(name)
        kind = file_kind(path)
        rewrites = kind == "jsonl" or any(f.kind == "chrome" for f in by_file[name].values())
        if name.endswith(".gz") or kind not in ("text", "html", "jsonl"):
            unfixable.extend(by_file[name].values())
            continue
        if rewrites and not _is_utf8(path):  # rewriting would change its encoding
            unfixable.extend(by_file[name].values())
            continue
        if kind == "jsonl":
            changes.append(_fix_jsonl(path, by_file[name], move_to))
        else:
            changes.append(_fix_document(path, by_file[name][None], move_to))
    return changes, unfixable


def refuse_move_into_checked(move_to: Path, paths: Iterable[str]) -> None:
    """Raise :class:`ConfigError` when ``move_to`` lies in a checked folder: the next round
    would check the moved copies again (and move them deeper)."""
    target = move_to.resolve()
    for name in paths:
        if name == "-":
            continue
        folder = Path(name).resolve()
        if folder.is_dir() and target.is_relative_to(folder):
            raise ConfigError(f"--move-to {move_to} is inside the checked folder {name}")


def _is_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _moved_path(path: Path, move_to: Path) -> Path:
    """Where a moved file goes: its path below the working directory, or its whole absolute
    path, under ``move_to``, so two checked files never share a target."""
    resolved = path.resolve()
    try:
        relative = resolved.relative_to(Path.cwd().resolve())
    except ValueError:
        relative = resolved.relative_to(resolved.anchor)
    return move_to / relative


def _free(target: Path) -> Path:
    """``target``, or ``name.2.ext``, ``name.3.ext``... when a file moved before holds it."""
    number = 2
    free = target
    while free.exists():
        free = target.with_name(f"{target.stem}.{number}{target.suffix}")
        number += 1
    return free


def _fix_document(path: Path, finding: Finding, move_to: Path | None) -> Change:
    if finding.kind == "chrome":
        text = path.read_bytes().decode("utf-8")  # not read_text: CRLF stays CRLF
        write_atomic(path, strip_lines(text, finding.removed))
        return Change(str(path), "rewritten", lines_removed=len(finding.removed))
    if move_to is None:
        path.unlink()
        return Change(str(path), "removed", records_removed=1)
    target = _free(_moved_path(path, move_to))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.dedup-{os.getpid()}.tmp")
    shutil.copy2(path, tmp)
    os.replace(tmp, target)
    path.unlink()
    return Change(str(path), "moved", records_removed=1, moved_to=str(target))


def _json_line(obj: dict[str, Any]) -> str:
    buffer = io.StringIO()
    JsonlWriter(buffer).write(obj)
    return buffer.getvalue()


def _fix_jsonl(path: Path, findings: dict[int | None, Finding], move_to: Path | None) -> Change:
    kept: list[str] = []
    moved: list[str] = []
    lines_removed = 0
    lines = path.read_bytes().decode("utf-8").split("\n")
    if lines[-1] == "":
        lines.pop()
    for number, line in enumerate((line + "\n" for line in lines), start=1):
        finding = findings.get(number)
        if finding is None:
            kept.append(line)
        elif finding.kind == "duplicate":
            moved.append(line)
        else:
            obj = json.loads(line)
            obj["text"] = strip_lines(obj["text"], finding.removed)
            lines_removed += len(finding.removed)
            rewritten = _json_line(obj)
            kept.append(rewritten[:-1] + "\r\n" if line.endswith("\r\n") else rewritten)
    change = Change(str(path), "rewritten", len(moved), lines_removed)
    if move_to is not None and moved:
        target = _moved_path(path, move_to)
        target.parent.mkdir(parents=True, exist_ok=True)
        previous = target.read_bytes().decode("utf-8") if target.exists() else ""
        write_atomic(target, previous + "".join(moved))
        change.moved_to = str(target)
    write_atomic(path, "".join(kept))
    return change
