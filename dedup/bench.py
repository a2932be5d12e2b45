"""``dedup bench``: throughput and memory next to baselines measured in the same run.

Every figure is a median of ``runs`` runs, printed next to its baseline from
the same run, so a busy machine shifts both alike (ratios stay meaningful when
absolute times do not). Baselines:

- **trafilatura alone** on one core: read, gunzip and extract every page,
  the floor of any pipeline that extracts articles from HTML;
- **naive datasketch**: what a user writes first, trafilatura (for HTML), a
  set of word shingles, ``MinHash.update`` per shingle and ``MinHashLSH`` at
  the decision threshold, on one core;
- **1 worker** against all workers.

Real pages come from the shared data set (skipped with a message when it is
absent); the text corpus is generated (:mod:`dedup.synth.corpus`).

One-core rows are measured side by side: the input is cut into slices, and
every configuration runs on each slice in turn before the next slice starts.
On a shared machine speed drifts by a fifth within seconds, so whole runs
taken one after the other compare different machines; configurations that
take turns on the same slice see the same one. All-worker rows are whole runs,
each next to a whole run of its baseline.
"""

from __future__ import annotations

import gzip
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO, TypeVar

import numpy as np
import trafilatura
from datasketch import LeanMinHash, MinHash, MinHashLSH

from dedup.api import cluster
from dedup.clean import ChromeSettings
from dedup.cluster import Sketched, cluster_sketches
from dedup.config import Params
from dedup.index.bands import BandBuckets, band_hashes, lsh_shape
from dedup.io import JsonlWriter, read_inputs
from dedup.parallel import default_workers
from dedup.pipeline import DocSketcher
from dedup.records import CleanDoc
from dedup.sketch.minhash import HASH_SCHEME
from dedup.synth.corpus import CorpusSpec, generate

T = TypeVar("T")

PAGE_SETS = ("scrapinghub-aeb/html", "wcxb-dev-articles/html")
_PLAIN = ChromeSettings(enabled=False)
"""Text-level chrome removal off (``--no-chrome``): what the rest of the pipeline costs."""
_RULES_ONLY = ChromeSettings(use_model=False)
"""The cleaner without its line model (``--no-model``): rules and the repetition pass."""


@dataclass(frozen=True, slots=True)
class BenchSpec:
    """What to run: ``docs`` generated text documents, at most ``pages`` real pages."""

    runs: int = 3
    docs: int = 20_000
    pages: int | None = None
    workers: int = 0
    data: Path | None = None
    index_docs: int = 10_000
    slice_pages: int = 20
    slice_docs: int = 1_000

    @classmethod
    def quick(cls, data: Path | None = None, workers: int = 0) -> BenchSpec:
        return cls(
            runs=1, docs=200, pages=4, workers=workers, data=data, index_docs=200, slice_docs=100
        )


@dataclass(slots=True)
class Timing:
    """Median wall and CPU seconds (this process and children it reaped) of several runs."""

    wall: float
    cpu: float


def measure(fn: Callable[[], object], runs: int) -> Timing:
    walls, cpus = [], []
    for _ in range(runs):
        before = _cpu_seconds()
        started = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - started)
        cpus.append(_cpu_seconds() - before)
    return Timing(statistics.median(walls), statistics.median(cpus))


def measure_side_by_side(
    configs: dict[str, Callable[[int], object]], slices: int, runs: int
) -> dict[str, Timing]:
    """Each configuration run on slice ``0 .. slices-1`` in turn; medians over runs of the totals.

    The order of the configurations rotates from one slice (and run) to the
    next, so none always runs first, on a cold cache, or last.
    """
    names = list(configs)
    walls: dict[str, list[float]] = {name: [] for name in names}
    cpus: dict[str, list[float]] = {name: [] for name in names}
    for run in range(runs):
        wall = dict.fromkeys(names, 0.0)
        cpu = dict.fromkeys(names, 0.0)
        for number in range(slices):
            turn = (number + run) % len(names)
            for name in names[turn:] + names[:turn]:
                before = _cpu_seconds()
                started = time.perf_counter()
                configs[name](number)
                wall[name] += time.perf_counter() - started
                cpu[name] += _cpu_seconds() - before
        for name in names:
            walls[name].append(wall[name])
            cpus[name].append(cpu[name])
    return {
        name: Timing(statistics.median(walls[name]), statistics.median(cpus[name]))
        for name in names
    }


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def naive_shingles(text: str, size: int) -> set[str]:
    words = text.lower().split()
    return {" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def naive_dedup(texts: Iterator[str], params: Params) -> int:
    """The first pipeline a datasketch user writes; returns how many documents it kept."""
    lsh = MinHashLSH(threshold=params.threshold, num_perm=params.num_perm)
    kept = 0
    for number, text in enumerate(texts):
        minhash = MinHash(num_perm=params.num_perm)
        for shingle in naive_shingles(text, params.shingle_size):
            minhash.update(shingle.encode("utf-8"))
        if not lsh.query(minhash):
            lsh.insert(str(number), minhash)
            kept += 1
    return kept


def page_paths(data: Path, limit: int | None) -> list[Path]:
    paths = [p for d in PAGE_SETS for p in sorted((data / d).glob("*.html.gz"))]
    return paths[:limit] if limit else paths


def trafilatura_texts(paths: Sequence[Path | str]) -> Iterator[str]:
    for path in paths:
        html = gzip.decompress(Path(path).read_bytes())
        yield trafilatura.extract(html, include_comments=False, deduplicate=False) or ""


def _row(label: str, timing: Timing, items: int, base: Timing, cores: int = 1) -> list[str]:
    """A table row; CPU seconds only for one core (workers of a forkserver are not our children)."""
    return [
        label,
        f"{timing.wall:.2f}",
        f"{timing.cpu:.2f}" if cores == 1 else "-",
        f"{items / timing.wall:.0f}",
        f"{items / timing.wall / cores:.0f}",
        f"{items / timing.cpu:.0f}" if cores == 1 and timing.cpu > 0 else "-",
        f"{timing.wall / base.wall:.2f}",
        f"{timing.cpu / base.cpu:.2f}" if cores == 1 else "-",
    ]


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Bench:
    """Runs the sections and prints their tables to ``out``; progress goes to stderr."""

    def __init__(self, spec: BenchSpec, out: TextIO) -> None:
        self.spec = spec
        self.out = out
        self.params = Params()
        self.cores = spec.workers or default_workers()

    def run(self) -> None:
        self.say(
            f"dedup bench: medians of {self.spec.runs} run(s), {self.cores} worker(s) for "
            f"'all cores'; the machine may be shared: compare ratios, not seconds"
        )
        self.html()
        self.text()
        self.index_memory()

    def say(self, line: str = "") -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def _header(self, unit: str, base: str) -> list[str]:
        return [
            "configuration",
            "wall s",
            "cpu s",
            f"{unit}/s",
            f"{unit}/s/core",
            f"{unit}/cpu s",
            f"x {base} (wall)",
            f"x {base} (cpu)",
        ]

    def _workers(self) -> list[int]:
        return sorted({1, self.cores})

    def html(self) -> None:
        data = self.spec.data
        if data is None or not (data / PAGE_SETS[0]).is_dir():
            self.say(f"\nHTML pages: skipped (shared data not found at {data}; use --data)")
            return
        paths = page_paths(data, self.spec.pages)
        inputs = [str(p) for p in paths]
        slices = _slices(inputs, self.spec.slice_pages)
        runs = self.spec.runs
        _progress(f"HTML: {len(paths)} pages in {len(slices)} slices")
        _warm_up(paths[:2])
        one = measure_side_by_side(
            {
                "floor": lambda n: list(trafilatura_texts(slices[n])),
                "naive": lambda n: naive_dedup(trafilatura_texts(slices[n]), self.params),
                "dedup": lambda n: cluster(read_inputs(slices[n]), workers=1),
                "plain": lambda n: cluster(read_inputs(slices[n]), None, _PLAIN, workers=1),
            },
            len(slices),
            runs,
        )
        floor = one["floor"]
        rows = [
            _row("trafilatura alone, 1 core", floor, len(paths), floor),
            _row("naive datasketch pipeline, 1 core", one["naive"], len(paths), floor),
            _row(_label(1), one["dedup"], len(paths), floor),
            _row(f"{_label(1)}, --no-chrome", one["plain"], len(paths), floor),
        ]
        if self.cores > 1:
            whole = measure_side_by_side(
                {
                    "floor": lambda _: list(trafilatura_texts(inputs)),
                    "all": lambda _: cluster(read_inputs(inputs), workers=self.cores),
                },
                1,
                runs,
            )
            label = f"{_label(self.cores)} (x a whole 1-core trafilatura run)"
            rows.append(_row(label, whole["all"], len(paths), whole["floor"], self.cores))
        self.say(f"\nHTML pages: {len(paths)} real pages from {data}")
        self.say(table(rows, self._header("pages", "trafilatura")))
        results = []
        whole_one = measure(lambda: results.append(cluster(read_inputs(inputs), workers=1)), 1)
        stages = measure(lambda: self._sketch_and_cluster(results[0].docs), runs)
        self.say(
            f"MinHash + LSH + clustering: {stages.cpu:.2f} CPU s of {whole_one.cpu:.2f} for a "
            f"whole 1-worker run ({100 * stages.cpu / whole_one.cpu:.1f}%)"
        )

    def _sketch_and_cluster(self, docs: Sequence[CleanDoc]) -> None:
        sketch = DocSketcher(self.params)
        cluster_sketches([sketch(doc) for doc in docs], self.params, release=True)

    def text(self) -> None:
        spec = CorpusSpec(self.spec.docs)
        _progress(f"text: generating {spec.docs} documents")
        records = list(generate(spec))
        size = self.spec.slice_docs
        parts = _slices(records, size)
        texts = [[r["text"] for r in part] for part in parts]
        runs = self.spec.runs
        with tempfile.TemporaryDirectory(prefix="dedup-bench-") as folder:
            paths = [
                _write_jsonl(part, Path(folder) / f"part{n}.jsonl") for n, part in enumerate(parts)
            ]
            whole = _write_jsonl(records, Path(folder) / "corpus.jsonl")
            one = measure_side_by_side(
                {
                    "naive": lambda n: naive_dedup(iter(texts[n]), self.params),
                    "dedup": lambda n: cluster(read_inputs([paths[n]]), workers=1),
                    "plain": lambda n: cluster(read_inputs([paths[n]]), None, _PLAIN, workers=1),
                    "rules": lambda n: cluster(
                        read_inputs([paths[n]]), None, _RULES_ONLY, workers=1
                    ),
                },
                len(parts),
                runs,
            )
            base = one["naive"]
            rows = [
                _row("naive datasketch pipeline, 1 core", base, spec.docs, base),
                _row(_label(1), one["dedup"], spec.docs, base),
                _row(f"{_label(1)}, --no-model", one["rules"], spec.docs, base),
                _row(f"{_label(1)}, --no-chrome", one["plain"], spec.docs, base),
            ]
            if self.cores > 1:
                every = [text for part in texts for text in part]
                pair = measure_side_by_side(
                    {
                        "naive": lambda _: naive_dedup(iter(every), self.params),
                        "all": lambda _: cluster(read_inputs([whole]), workers=self.cores),
                    },
                    1,
                    runs,
                )
                label = f"{_label(self.cores)} (x a whole naive run)"
                rows.append(_row(label, pair["all"], spec.docs, pair["naive"], self.cores))
        self.say(
            f"\nText input: {spec.docs} generated news-length documents (~20% near-duplicates),"
            f" JSONL from disk, end to end, one-core rows in slices of {size}"
        )
        self.say(table(rows, self._header("docs", "naive")))

    def index_memory(self) -> None:
        """Bytes per indexed document: datasketch MinHashLSH with MinHash objects, and ours."""
        spec = CorpusSpec(self.spec.index_docs)
        _progress(f"index memory: {spec.docs} documents")
        sketch = DocSketcher(self.params)
        docs = [sketch(CleanDoc(id=r["id"], source="gen", text=r["text"])) for r in generate(spec)]
        datasketch_bytes = _traced(lambda: _datasketch_index(docs, self.params))
        ours = _traced(lambda: _band_index(docs, self.params))
        leaders = cluster_sketches(docs, self.params)
        kept = sum(a.kept for a in leaders)
        shingles = sum(d.shingles.nbytes for d, a in zip(docs, leaders, strict=True) if a.kept)
        rows = [
            ["datasketch MinHashLSH + LeanMinHash objects", f"{datasketch_bytes / spec.docs:.0f}"],
            ["dedup band buckets (numpy)", f"{ours / spec.docs:.0f}"],
            ["dedup shingle sets kept for verification", f"{shingles / spec.docs:.0f}"],
        ]
        self.say(
            f"\nIndex memory: {spec.docs} generated documents ({kept} kept), bytes per document "
            "(tracemalloc)"
        )
        self.say(table(rows, ["structure", "bytes/doc"]))
        self.say(f"peak RSS of this process so far: {_max_rss_mib():.0f} MiB")


def _warm_up(paths: Sequence[Path]) -> None:
    """Load trafilatura's and dedup's lazily built parts before anything is timed."""
    list(trafilatura_texts(paths))
    cluster(read_inputs([str(p) for p in paths]), workers=1)


def _label(workers: int) -> str:
    return f"dedup cluster, {workers} worker{'s' if workers > 1 else ''}"


def _datasketch_index(docs: Sequence[Sketched], params: Params) -> object:
    lsh = MinHashLSH(threshold=params.lsh_threshold, num_perm=params.num_perm)
    for number, doc in enumerate(docs):
        lsh.insert(
            number, LeanMinHash(seed=params.seed, hashvalues=doc.signature, scheme=HASH_SCHEME)
        )
    return lsh


def _band_index(docs: Sequence[Sketched], params: Params) -> object:
    bands, rows = lsh_shape(params.lsh_threshold, params.num_perm)
    signatures = np.stack([d.signature for d in docs])
    buckets = BandBuckets(band_hashes(signatures, bands, rows), np.ones(len(docs), dtype=bool))
    for number in range(len(docs)):
        buckets.add_leader(number)
    return buckets


def _traced(build: Callable[[], object]) -> int:
    """Bytes still allocated by what ``build`` returns (tracemalloc, while it is alive)."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = build()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    return after - before


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _slices(items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _write_jsonl(records: Sequence[dict[str, Any]], path: Path) -> str:
    with path.open("w", encoding="utf-8") as stream:
        writer = JsonlWriter(stream)
        for record in records:
            writer.write(record)
    return str(path)


def _progress(message: str) -> None:
    sys.stderr.write(f"dedup bench: {message}\n")
    sys.stderr.flush()


def run(spec: BenchSpec, out: TextIO = sys.stdout) -> None:
    """Run every section of the benchmark and print its tables."""
    Bench(spec, out).run()
