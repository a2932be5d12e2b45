"""The ``dedup`` command: a thin shell over :mod:`dedup.api`.

Data goes to stdout (JSON Lines); warnings, progress and the summary go to
stderr. Exit codes: 0 ok, 2 usage or input error (``--strict`` makes any input
warning an error).
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from dedup import api
from dedup.clean import ChromeSettings
from dedup.config import (
    SIMILARITY_MEASURES,
    ConfigError,
    Params,
    load_chrome_settings,
    load_params,
)
from dedup.io import JsonlWriter, read_inputs
from dedup.output import clean_row, cluster_row, kept_row, problem_row
from dedup.report import Reporter

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
    typer.Option(help="TOML file with parameters and a [clean] table (or pyproject [tool.dedup])."),
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
    return 2 if strict and reporter.warnings else 0


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
    reporter.info(f"dedup: cleaned {out.count} documents")
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
    strict: Strict = False,
    fast: Fast = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Group near-duplicates: one JSON line per document with its cluster and whether it is kept."""
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
            )
        out = JsonlWriter(sys.stdout)
        for doc, assignment, error in zip(
            result.docs, result.assignments, result.errors, strict=True
        ):
            if error:
                reporter.no_text(doc.source, error)
            row = cluster_row(doc, assignment, error, with_text=text)
            out.write(row)
            if report_out:
                report_out.write(row)
            if dropped_out and not assignment.kept:
                dropped_out.write(row)
            if kept_out and assignment.kept:
                kept_out.write(kept_row(doc, assignment))
        if report_out:
            for problem in result.problems:
                report_out.write(problem_row(problem))
    reporter.summary(result.stats)
    raise typer.Exit(_exit_code(reporter, strict))


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
    spec = suite.BenchSpec(
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
