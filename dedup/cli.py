"""The ``dedup`` command: a thin shell over :mod:`dedup.api`.

Data goes to stdout (JSON Lines); warnings, progress and the summary go to
stderr. Exit codes: 0 ok, 2 usage or input error (``--strict`` makes any input
warning an error).
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from dedup import api
from dedup.check import Baseline, check_paths
from dedup.clean import ChromeSettings
from dedup.config import (
    SIMILARITY_MEASURES,
    ConfigError,
    Params,
    load_chrome_settings,
    load_params,
)
from dedup.index.opener import open_index
from dedup.index.store import IndexParams, IndexStore, IndexStoreError, parse_age
from dedup.io import JsonlWriter, read_inputs
from dedup.output import (
    clean_row,
    cluster_row,
    filter_row,
    index_stats_row,
    kept_row,
    problem_row,
)
from dedup.report import Reporter, count
from dedup.story import KEEP_MODES, StoryParams, load_story_params, parse_window
from dedup.story.explain import explain_files
from dedup.story.output import add_story_fields
from dedup.stream import FilterStats, Outcome, timed

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Strip chrome from scraped news and keep one copy of each story.",
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

Paths = Annotated[
    list[str],
    typer.Argument(
        help="Files or directories (.html .htm .txt .jsonl .warc, optionally .gz); - reads JSONL "
        "from stdin.",
        show_default=False,
    ),
]
Workers = Annotated[
    int | None,
    typer.Option("--workers", "-w", min=1, help="Worker processes [default: all cores]."),
]
Strict = Annotated[bool, typer.Option(help="Exit 2 if any input could not be read.")]
Fast = Annotated[
    bool, typer.Option(help="Skip trafilatura's fallback extractors: faster, slightly worse.")
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No summary or progress on stderr.")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Also list ignored files.")]
Config = Annotated[
    Path | None,
    typer.Option(
        help="TOML file with parameters and [clean] / [story] tables (or pyproject [tool.dedup])."
    ),
]


def _repeatable(flag: str, help_text: str) -> Any:
    return typer.Option(flag, help=f"{help_text}; repeatable.", show_default=False)


def _switch(name: str, help_text: str) -> Any:
    return typer.Option(
        f"--{name}/--no-{name}", help=f"{help_text} [default: on].", show_default=False
    )


ChromePatterns = Annotated[
    list[str] | None,
    _repeatable("--chrome-pattern", "Regular expression (searched, any case) for chrome lines"),
]
Protect = Annotated[
    list[str] | None, _repeatable("--protect", "Regular expression for lines never removed")
]
Chrome = Annotated[bool | None, _switch("chrome", "Text-level chrome removal")]
Model = Annotated[bool | None, _switch("model", "The learned line model")]
Repetition = Annotated[
    bool | None, _switch("repetition", "Remove lines repeated across a site's documents")
]
ModelThreshold = Annotated[
    float | None,
    typer.Option(help="Line-model score at which a line is chrome [default: the model's]."),
]


def _exit_code(reporter: Reporter, strict: bool) -> int:
    if strict and reporter.warnings:
        reporter.error(f"{count(reporter.warnings, 'unreadable input')} (--strict)")
        return 2
    return 0


@app.command()
def clean(
    paths: Paths,
    workers: Workers = None,
    explain: Annotated[
        bool,
        typer.Option(help="Add `removed`: each line taken out and why (rule, model score, count)."),
    ] = False,
    config: Config = None,
    chrome_pattern: ChromePatterns = None,
    protect: Protect = None,
    chrome: Chrome = None,
    model: Model = None,
    model_threshold: ModelThreshold = None,
    repetition: Repetition = None,
    strict: Strict = False,
    fast: Fast = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Clean only: one JSON line per document with its article text."""
    settings = _settings(
        config, chrome_pattern, protect, chrome, model, model_threshold, repetition
    )
    reporter = Reporter(quiet=quiet, verbose=verbose)
    out = JsonlWriter(sys.stdout)
    items = read_inputs(paths)
    cleaned = api.clean(items, settings, workers=workers, fast=fast, on_problem=reporter.problem)
    for doc, error in cleaned:
        if error:
            reporter.no_text(doc.source, error)
        out.write(clean_row(doc, error, explain=explain))
    unreadable = f", {count(reporter.warnings, 'unreadable input')}" if reporter.warnings else ""
    reporter.info(f"dedup: cleaned {count(out.count, 'document')}{unreadable}")
    raise typer.Exit(_exit_code(reporter, strict))


def _params(config: Path | None, **overrides: object) -> Params:
    try:
        return load_params(config).updated(**overrides)
    except ConfigError as err:
        raise _usage_error(str(err)) from None


def _settings(
    config: Path | None,
    patterns: list[str] | None,
    protect: list[str] | None,
    chrome: bool | None,
    model: bool | None,
    model_threshold: float | None,
    repetition: bool | None,
) -> ChromeSettings:
    try:
        return load_chrome_settings(
            config,
            patterns=tuple(patterns or ()),
            protect=tuple(protect or ()),
            enabled=chrome,
            use_model=model,
            model_threshold=model_threshold,
            use_repetition=repetition,
        )
    except ConfigError as err:
        raise _usage_error(str(err)) from None


def _usage_error(message: str) -> typer.Exit:
    Reporter().error(message)
    return typer.Exit(2)


def _open_output(stack: ExitStack, path: Path | None) -> JsonlWriter | None:
    if path is None:
        return None
    try:
        stream: TextIO = stack.enter_context(path.open("w", encoding="utf-8"))
    except OSError as err:
        raise _usage_error(f"cannot write {path}: {err.strerror}") from None
    return JsonlWriter(stream)


@app.command()
def cluster(
    paths: Paths,
    workers: Workers = None,
    threshold: Annotated[
        float | None, typer.Option(help="Similarity needed to join a cluster [default: 0.7].")
    ] = None,
    similarity: Annotated[
        str | None,
        typer.Option(help=f"Measure: {' or '.join(SIMILARITY_MEASURES)} [default: containment]."),
    ] = None,
    shingle_size: Annotated[
        int | None, typer.Option(help="Words per shingle [default: 5].")
    ] = None,
    num_perm: Annotated[
        int | None, typer.Option(help="MinHash permutations [default: 128].")
    ] = None,
    lsh_threshold: Annotated[
        float | None,
        typer.Option(help="LSH candidate threshold, below --threshold [default: 0.4]."),
    ] = None,
    min_words: Annotated[
        int | None, typer.Option(help="Shorter texts are never clustered [default: 20].")
    ] = None,
    config: Config = None,
    chrome_pattern: ChromePatterns = None,
    protect: Protect = None,
    chrome: Chrome = None,
    model: Model = None,
    model_threshold: ModelThreshold = None,
    repetition: Repetition = None,
    kept: Annotated[
        Path | None, typer.Option(help="Write kept documents (cleaned) as JSONL here.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write the full cluster report (every input) as JSONL here.")
    ] = None,
    dropped: Annotated[
        Path | None, typer.Option(help="Write dropped documents with the reason as JSONL here.")
    ] = None,
    text: Annotated[
        bool, typer.Option("--text", help="Include cleaned text in stdout rows.")
    ] = False,
    stories: StoriesFlag = False,
    keep: Keep = None,
    story_threshold: StoryThreshold = None,
    story_window: StoryWindow = None,
    strict: Strict = False,
    fast: Fast = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Group near-duplicates: one JSON line per document with its cluster and whether it is kept."""
    story_params = _story_params(config, stories, keep, story_threshold, story_window)
    params = _params(
        config,
        threshold=threshold,
        similarity=similarity,
        shingle_size=shingle_size,
        num_perm=num_perm,
        lsh_threshold=lsh_threshold,
        min_words=min_words,
    )
    settings = _settings(
        config, chrome_pattern, protect, chrome, model, model_threshold, repetition
    )
    reporter = Reporter(quiet=quiet, verbose=verbose)
    with ExitStack() as stack:
        kept_out = _open_output(stack, kept)
        report_out = _open_output(stack, report)
        dropped_out = _open_output(stack, dropped)
        with reporter.progress("clustering") as tick:
            result = api.cluster(
                read_inputs(paths),
                params,
                settings,
                workers=workers,
                fast=fast,
                on_problem=reporter.problem,
                on_progress=tick,
                stories=story_params or False,
            )
        out = JsonlWriter(sys.stdout)
        for doc, assignment, error in zip(
            result.docs, result.assignments, result.errors, strict=True
        ):
            if error:
                reporter.no_text(doc.source, error)
            row = cluster_row(doc, assignment, error, with_text=text)
            if story_params:
                row = add_story_fields(row, assignment)
            out.write(row)
            if report_out:
                report_out.write(row)
            if dropped_out and not assignment.kept:
                dropped_out.write(row)
            if kept_out and assignment.kept:
                kept_out.write(
                    kept_row(doc, assignment)
                    | ({"story": assignment.story} if story_params else {})
                )
        if report_out:
            for problem in result.problems:
                report_out.write(problem_row(problem))
    reporter.summary(result.stats)
    raise typer.Exit(_exit_code(reporter, strict))


# --- dedup filter / dedup index / dedup check: the persistent index (issue 5) ---

IndexOption = Annotated[
    str | None,
    typer.Option(
        "--index",
        help="Index of documents seen before: a SQLite file (created if missing) or "
        "redis://HOST:PORT/DB[?prefix=NAME] [default: in memory, this run only].",
    ),
]
Threshold = Annotated[
    float | None, typer.Option(help="Similarity needed to be a copy [default: 0.7].")
]
Similarity = Annotated[
    str | None,
    typer.Option(help=f"Measure: {' or '.join(SIMILARITY_MEASURES)} [default: containment]."),
]
ShingleSize = Annotated[int | None, typer.Option(help="Words per shingle [default: 5].")]
NumPerm = Annotated[int | None, typer.Option(help="MinHash permutations [default: 128].")]
LshThreshold = Annotated[
    float | None, typer.Option(help="LSH candidate threshold, below --threshold [default: 0.4].")
]
MinWords = Annotated[
    int | None, typer.Option(help="Shorter texts are kept, never indexed [default: 20].")
]


def _open_index(spec: str | None, params: Params | None) -> IndexStore:
    try:
        return open_index(spec, None if params is None else IndexParams.from_params(params))
    except IndexStoreError as err:
        raise _usage_error(str(err)) from None


@app.command("filter")
def filter_(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="JSONL files (or any input dedup reads); - or none: stdin.", show_default=False
        ),
    ] = None,
    index: IndexOption = None,
    dropped: Annotated[
        Path | None,
        typer.Option(help="Write dropped records (reason, dup_of) and unreadable lines here."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Worker processes for cleaning.")
    ] = 1,
    threshold: Threshold = None,
    similarity: Similarity = None,
    shingle_size: ShingleSize = None,
    num_perm: NumPerm = None,
    lsh_threshold: LshThreshold = None,
    min_words: MinWords = None,
    config: Config = None,
    chrome_pattern: ChromePatterns = None,
    protect: Protect = None,
    chrome: Chrome = None,
    model: Model = None,
    model_threshold: ModelThreshold = None,
    strict: Strict = False,
    fast: Fast = False,
    quiet: Quiet = False,
) -> None:
    """Stream filter: write the records not seen before (cleaned) to stdout, in input order."""
    params = _params(
        config,
        threshold=threshold,
        similarity=similarity,
        shingle_size=shingle_size,
        num_perm=num_perm,
        lsh_threshold=lsh_threshold,
        min_words=min_words,
    )
    settings = _settings(config, chrome_pattern, protect, chrome, model, model_threshold, False)
    reporter = Reporter(quiet=quiet)
    stats = FilterStats()
    with ExitStack() as stack:
        store = stack.enter_context(_open_index(index, params))
        dropped_out = _open_output(stack, dropped)
        out = JsonlWriter(sys.stdout, flush_each=True)
        items = read_inputs(paths or ["-"])
        outcomes = api.filter_stream(items, store, params, settings, workers=workers, fast=fast)
        try:
            for outcome in timed(outcomes, stats):
                _write_outcome(outcome, out, dropped_out, reporter)
        except IndexStoreError as err:
            raise _usage_error(str(err)) from None
    reporter.info(
        f"dedup: {count(stats.records, 'record')}, {stats.kept} kept, "
        f"{count(stats.duplicates, 'duplicate')}, "
        f"{stats.no_text} without text, {stats.problems} unreadable, {stats.replayed} decided "
        f"before, {stats.seconds:.2f}s"
    )
    raise typer.Exit(_exit_code(reporter, strict))


def _write_outcome(
    outcome: Outcome, out: JsonlWriter, dropped: JsonlWriter | None, reporter: Reporter
) -> None:
    if outcome.problem is not None:
        reporter.problem(outcome.problem)
        if dropped and not outcome.problem.ignored:
            dropped.write(problem_row(outcome.problem))
        return
    assert outcome.record and outcome.doc and outcome.assignment
    if outcome.error:
        reporter.no_text(outcome.doc.source, outcome.error)
    if outcome.assignment.kept:
        out.write(filter_row(outcome.record, outcome.doc, outcome.assignment, outcome.fields))
    elif dropped:
        row = cluster_row(outcome.doc, outcome.assignment, outcome.error)
        if outcome.replayed:  # the decision was read back, not made again for this text
            row["replayed"] = True
            row["reason"] = f"{row['reason']}, as decided before for this id"
        dropped.write(row)


index_app = typer.Typer(
    help="Look after a persistent index: stats, expiry, compaction.", no_args_is_help=True
)
app.add_typer(index_app, name="index")
IndexSpec = Annotated[str, typer.Argument(help="A SQLite index file or redis://... URL.")]


@index_app.command("stats")
def index_stats(spec: IndexSpec) -> None:
    """Documents, decisions, size and parameters of an index, as one JSON line."""
    with _open_index(spec, None) as store:
        JsonlWriter(sys.stdout).write(index_stats_row(store.stats()))


@index_app.command("expire")
def index_expire(
    spec: IndexSpec,
    older_than: Annotated[
        str, typer.Option(help="Forget decisions older than this: 30d, 12h, 90m, 45s, 2w.")
    ],
) -> None:
    """Forget documents and decisions older than a window: old stories stop being copies."""
    try:
        age = parse_age(older_than)
    except ValueError as err:
        raise _usage_error(str(err)) from None
    with _open_index(spec, None) as store:
        removed = store.expire(time.time() - age)
        JsonlWriter(sys.stdout).write({"index": spec, "expired": removed})


@index_app.command("compact")
def index_compact(spec: IndexSpec) -> None:
    """Give the space of expired entries back to the file system."""
    with _open_index(spec, None) as store:
        JsonlWriter(sys.stdout).write(store.compact())


@app.command()
def check(
    paths: Paths,
    fix: Annotated[
        bool, typer.Option(help="Remove duplicate documents and strip chrome, file by file.")
    ] = False,
    move_to: Annotated[
        Path | None, typer.Option(help="With --fix: move duplicates under this folder instead.")
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(help="JSON file of accepted duplicate groups; only new ones fail."),
    ] = None,
    write_baseline: Annotated[
        bool, typer.Option(help="Accept every duplicate found now: write them to --baseline.")
    ] = False,
    index: Annotated[
        str | None,
        typer.Option(
            help="Also report copies of documents kept in this index (SQLite or redis://), "
            "e.g. one built by dedup filter over the committed corpus; read only."
        ),
    ] = None,
    workers: Workers = None,
    threshold: Threshold = None,
    config: Config = None,
    chrome_pattern: ChromePatterns = None,
    protect: Protect = None,
    chrome: Chrome = None,
    model: Model = None,
    model_threshold: ModelThreshold = None,
    repetition: Repetition = None,
    quiet: Quiet = False,
) -> None:
    """Check a corpus for duplicates and chrome: exit 1 when found, 0 when clean (pre-commit)."""
    params = _params(config, threshold=threshold)
    settings = _settings(
        config, chrome_pattern, protect, chrome, model, model_threshold, repetition
    )
    if write_baseline and (baseline is None or fix):
        raise _usage_error("--write-baseline needs --baseline FILE, and does not go with --fix")
    if move_to is not None and not fix:
        raise _usage_error("--move-to goes with --fix")
    try:
        accepted = Baseline.load(baseline) if baseline and not write_baseline else Baseline()
    except ConfigError as err:
        raise _usage_error(str(err)) from None
    reporter = Reporter(quiet=quiet)
    with ExitStack() as stack:
        store = stack.enter_context(_open_index(index, params)) if index else None
        try:
            report = check_paths(
                paths,
                params,
                settings,
                accepted,
                fix_it=fix,
                move_to=move_to,
                index=store,
                workers=workers,
            )
        except (IndexStoreError, ConfigError) as err:
            raise _usage_error(str(err)) from None
    result = report.first
    for problem in result.problems:
        reporter.problem(problem)
    out = JsonlWriter(sys.stdout)
    for finding in result.findings:
        out.write(finding.as_dict())
        if not finding.accepted:
            reporter.info(f"dedup: {finding}")
    for change in report.changes:
        out.write(change.as_dict())
    remaining = report.remaining
    if write_baseline and baseline is not None:
        accepted.save(baseline, result.clusters)
        reporter.info(f"dedup: accepted {len(result.clusters)} duplicate groups in {baseline}")
        remaining = [f for f in remaining if f.kind != "duplicate"]
    if fix:
        for finding in remaining:
            reporter.info(f"dedup: still open after --fix: {finding}")
    dups = sum(f.kind == "duplicate" for f in remaining)
    summary = {
        "kind": "summary",
        "documents": result.documents,
        "accepted": sum(f.accepted for f in result.findings),
        "files_changed": len(report.changes),
        "duplicates": dups,
        "chrome": len(remaining) - dups,
    }
    unreadable = sum(not p.ignored for p in result.problems)
    summary["unreadable"] = unreadable
    out.write(summary)
    reporter.info(
        f"dedup check: {count(result.documents, 'document')}; "
        f"{count(len(report.changes), 'file')} changed; "
        f"open: {count(dups, 'duplicate')}, {len(remaining) - dups} with chrome"
        + (f"; {count(unreadable, 'unreadable input')}" if unreadable else "")
    )
    if unreadable:
        raise typer.Exit(2)
    raise typer.Exit(1 if remaining else 0)


StoriesFlag = Annotated[
    bool, typer.Option("--stories", help="Also group rewrites of one event: adds `story`.")
]
Keep = Annotated[
    str | None,
    typer.Option(
        help=f"Keep one document {' or '.join(KEEP_MODES)} (per-story implies --stories) "
        "[default: per-copy]."
    ),
]
StoryThreshold = Annotated[
    float | None,
    typer.Option(help=f"Story score needed to join a story [default: {StoryParams().threshold}]."),
]
StoryWindow = Annotated[
    str | None,
    typer.Option(
        help="Most time between dated documents of one story: 7d, 36h, 2w or none [default: 7d]."
    ),
]


def _story_params(
    config: Path | None,
    stories: bool,
    keep: str | None,
    threshold: float | None,
    window: str | None,
) -> StoryParams | None:
    """Story parameters from the ``[story]`` table and the options; ``None`` when stories are off."""
    try:
        enabled, params = load_story_params(config, keep=keep, threshold=threshold)
        if window is not None:
            params = dataclasses.replace(params, window=parse_window(window))
    except ConfigError as err:
        raise _usage_error(str(err)) from None
    return params if stories or enabled or params.keep != "per-copy" else None


@app.command("explain-story")
def explain_story(
    first: Annotated[str, typer.Argument(help="A document (any input type; first record).")],
    second: Annotated[str, typer.Argument(help="Another document.")],
    story_threshold: StoryThreshold = None,
    config: Config = None,
    fast: Fast = False,
) -> None:
    """Why two documents do or do not tell one story: shared terms, names, figures, score."""
    try:
        params = load_story_params(config, threshold=story_threshold)[1]
        row = explain_files(first, second, params, fast=fast)
    except (ConfigError, ValueError) as err:
        raise _usage_error(str(err)) from None
    JsonlWriter(sys.stdout).write(row)


@app.command()
def bench(
    quick: Annotated[
        bool, typer.Option(help="A small run in seconds (1 run, few documents): a smoke test.")
    ] = False,
    runs: Annotated[int | None, typer.Option(min=1, help="Runs per figure [default: 3].")] = None,
    docs: Annotated[
        int | None, typer.Option(min=10, help="Generated text documents [default: 20000].")
    ] = None,
    pages: Annotated[
        int | None, typer.Option(min=1, help="Real pages at most [default: all].")
    ] = None,
    workers: Workers = None,
    data: Annotated[
        Path | None,
        typer.Option(help="Shared data set [default: $DEDUP_SHARED_DATA or ../shared/data]."),
    ] = None,
) -> None:
    """Throughput and memory next to trafilatura alone and a naive datasketch pipeline."""
    from dedup import bench as suite

    data = data or Path(os.environ.get("DEDUP_SHARED_DATA", "../shared/data"))
    base = suite.BenchSpec.quick() if quick else suite.BenchSpec()
    spec = dataclasses.replace(
        base,
        runs=runs or base.runs,
        docs=docs or base.docs,
        pages=pages or base.pages,
        workers=workers or 0,
        data=data,
        index_docs=min(base.index_docs, docs or base.index_docs),
    )
    suite.run(spec)


def main() -> None:
    """Console entry point: never a traceback (set DEDUP_DEBUG=1 to see one)."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("dedup: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (`dedup ... | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except Exception as err:
        if os.environ.get("DEDUP_DEBUG"):
            raise
        sys.stderr.write(
            f"dedup: internal error: {type(err).__name__}: {err} (DEDUP_DEBUG=1 shows more)\n"
        )
        sys.exit(70)
