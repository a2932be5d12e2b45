"""dedup check: duplicates and chrome in a corpus, --fix, baseline, and the real pre-commit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dedup.check import strip_lines
from dedup.synth.newsfeed import make_feed
from tests.conftest import ROOT, run_cli

CHROME = "Subscribe to our newsletter for the latest news."


def write_corpus(root: Path) -> dict[str, str]:
    """Three stories as .txt files, one copied under another name, one with chrome; a feed."""
    items = make_feed(4, 1, seed=2)
    texts = {r.record["id"]: r.record["text"] for r in items}
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(texts["doc-0-0"] + "\n")
    (corpus / "a-copy.txt").write_text(texts["doc-0-1"] + "\n")
    (corpus / "b.txt").write_text(texts["doc-1-0"] + "\n\n" + CHROME + "\n")
    feed = [{"id": "f1", "text": texts["doc-2-0"]}, {"id": "f2", "text": texts["doc-2-1"]}]
    feed.append({"id": "f3", "text": texts["doc-3-0"], "lang": "en"})
    (corpus / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in feed))
    return texts


def findings(stdout: bytes) -> list[dict]:
    rows = [json.loads(x) for x in stdout.decode().split("\n") if x]
    assert rows[-1]["kind"] == "summary"
    return [r for r in rows if r["kind"] in ("duplicate", "chrome")]


def check(root: Path, *args: str):
    return run_cli("check", "corpus", "-w", "1", *args, cwd=root)


def test_check_reports_duplicates_and_chrome_and_exits_1(tmp_path: Path):
    write_corpus(tmp_path)
    result = check(tmp_path)
    assert result.returncode == 1, result.stderr.decode()
    found = findings(result.stdout)
    dups = {f["id"]: f["dup_of"] for f in found if f["kind"] == "duplicate"}
    assert len(dups) == 2
    assert {frozenset(pair) for pair in dups.items()} == {
        frozenset({"corpus/a.txt", "corpus/a-copy.txt"}),
        frozenset({"f1", "f2"}),
    }
    chrome = [f for f in found if f["kind"] == "chrome"]
    assert [(f["id"], f["removed"]) for f in chrome] == [("corpus/b.txt", [CHROME])]
    assert "duplicate of" in result.stderr.decode()


def test_fix_removes_duplicates_strips_chrome_and_then_check_is_clean(tmp_path: Path):
    texts = write_corpus(tmp_path)
    before = check(tmp_path)
    dup_files = {f["id"] for f in findings(before.stdout) if f["id"].endswith(".txt")} - {
        "corpus/b.txt"
    }
    fixed = check(tmp_path, "--fix", "--move-to", "attic")
    assert fixed.returncode == 0, fixed.stderr.decode()
    changes = [json.loads(x) for x in fixed.stdout.decode().split("\n") if '"change"' in x]
    assert {c["file"] for c in changes} == {"corpus/b.txt", "corpus/feed.jsonl", *dup_files}
    (moved,) = dup_files
    assert not (tmp_path / moved).exists() and (tmp_path / "attic" / moved).exists()
    assert (tmp_path / "corpus" / "b.txt").read_text() == texts["doc-1-0"] + "\n"
    feed = (tmp_path / "corpus" / "feed.jsonl").read_text().split("\n")
    assert len([x for x in feed if x]) == 2
    assert '"lang": "en"' in feed[0] + feed[1], "untouched records stay byte for byte"
    assert len((tmp_path / "attic" / "corpus" / "feed.jsonl").read_text().split("\n")) == 2
    again = check(tmp_path)
    assert again.returncode == 0 and findings(again.stdout) == []
    assert not list(tmp_path.rglob("*.tmp")), "no temporary files left behind"


def test_fix_leaves_a_file_it_cannot_rewrite_in_its_own_encoding(tmp_path: Path):
    texts = write_corpus(tmp_path)
    latin = tmp_path / "corpus" / "b.txt"
    latin.write_bytes((texts["doc-1-0"] + " Zürich.\n\n" + CHROME + "\n").encode("latin-1"))
    before = latin.read_bytes()
    fixed = check(tmp_path, "--fix")
    assert fixed.returncode == 1, fixed.stderr.decode()  # open: the chrome in b.txt
    assert latin.read_bytes() == before and "internal error" not in fixed.stderr.decode()
    left = [(tmp_path / "corpus" / n).exists() for n in ("a.txt", "a-copy.txt")]
    assert sorted(left) == [False, True]  # the duplicate elsewhere was still fixed


def test_fix_keeps_crlf_line_endings(tmp_path: Path):
    texts = write_corpus(tmp_path)
    crlf = tmp_path / "corpus" / "b.txt"
    crlf.write_bytes((texts["doc-1-0"] + "\n\n" + CHROME + "\n").replace("\n", "\r\n").encode())
    feed = tmp_path / "corpus" / "feed.jsonl"
    lines = feed.read_text().split("\n")[:-1]
    chrome = json.dumps(
        {"id": "f4", "text": texts["doc-3-0"].replace("\n", "\n\n" + CHROME + "\n", 1)}
    )
    feed.write_bytes("".join(x + "\r\n" for x in [*lines, chrome]).encode())
    assert check(tmp_path, "--fix").returncode == 0
    fixed = crlf.read_bytes().decode()
    assert CHROME not in fixed and fixed.count("\r\n") == fixed.count("\n") > 0
    rows = feed.read_bytes().decode()
    assert CHROME not in rows and rows.count("\r\n") == rows.count("\n") > 0


def test_move_to_keeps_every_moved_file(tmp_path: Path):
    texts = write_corpus(tmp_path)
    for folder in ("s1", "s2", "s3"):
        (tmp_path / "corpus" / folder).mkdir()
        (tmp_path / "corpus" / folder / "story.txt").write_text(texts["doc-1-0"] + "\n")
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    attic = elsewhere / "attic"
    (attic / str(tmp_path.resolve()).lstrip("/") / "corpus" / "s2").mkdir(parents=True)
    (attic / str(tmp_path.resolve()).lstrip("/") / "corpus" / "s2" / "story.txt").write_text("old")
    args = ("check", str(tmp_path / "corpus"), "-w", "1", "--fix", "--move-to", "attic")
    assert run_cli(*args, cwd=elsewhere).returncode == 0
    moved = sorted(p.read_text() for p in attic.rglob("*.txt"))
    assert moved.count(texts["doc-1-0"] + "\n") == 3 and "old" in moved  # b, s2, s3 (or s1)


def test_baseline_accepts_known_duplicates_only(tmp_path: Path):
    texts = write_corpus(tmp_path)
    (tmp_path / "corpus" / "b.txt").write_text(texts["doc-1-0"] + "\n")
    wrote = check(tmp_path, "--baseline", "base.json", "--write-baseline")
    assert wrote.returncode == 0, wrote.stderr.decode()
    assert len(json.loads((tmp_path / "base.json").read_text())["accepted"]) == 2
    accepted = check(tmp_path, "--baseline", "base.json")
    assert accepted.returncode == 0
    summary = json.loads(accepted.stdout.decode().split("\n")[-2])
    assert (summary["accepted"], summary["duplicates"], summary["chrome"]) == (2, 0, 0)
    (tmp_path / "corpus" / "b-copy.txt").write_text(texts["doc-1-1"] + "\n")
    new = check(tmp_path, "--baseline", "base.json")
    assert new.returncode == 1
    open_ = [f for f in findings(new.stdout) if not f.get("accepted")]
    assert {frozenset((f["id"], f["dup_of"])) for f in open_} == {
        frozenset({"corpus/b.txt", "corpus/b-copy.txt"})
    }


@pytest.mark.parametrize(
    "args",
    [
        ("--baseline", "nope.json", "--write-baseline", "--fix"),
        ("--move-to", "x"),
        ("--bogus",),
        ("--fix", "--move-to", "corpus/attic"),
        ("--fix", "--move-to", "corpus"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...]):
    write_corpus(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert check(tmp_path, *args).returncode == 2
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_bad_baseline_and_missing_input_exit_2(tmp_path: Path):
    write_corpus(tmp_path)
    (tmp_path / "bad.json").write_text("[1, 2]")
    result = check(tmp_path, "--baseline", "bad.json")
    assert result.returncode == 2 and "baseline bad.json" in result.stderr.decode()
    missing = run_cli("check", "nowhere", cwd=tmp_path)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr.decode()


def test_strip_lines_keeps_everything_else_as_it_was():
    text = "Title\n\nPara one.\n  Share  this  \n\nPara two.\r\nShare this\n"
    assert strip_lines(text, ["Share this"]) == "Title\n\nPara one.\n\nPara two.\r\nShare this\n"
    assert strip_lines("a\n\nX\n\nb", ["X"]) == "a\n\nb"


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.invalid",
    )
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, check=False, timeout=600
    )


def test_the_real_pre_commit_runs_the_shipped_hook(tmp_path: Path):
    """pre-commit clones a hooks repo holding this project's .pre-commit-hooks.yaml (no network:
    the `-system` hooks use the dedup installed here) and runs it on a corpus repository."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    shutil.copy(ROOT / ".pre-commit-hooks.yaml", hooks)
    assert _git(hooks, "init", "-q").returncode == 0
    _git(hooks, "add", ".")
    assert _git(hooks, "commit", "-qm", "hooks").returncode == 0
    rev = _git(hooks, "rev-parse", "HEAD").stdout.decode().strip()
    repo = tmp_path / "repo"
    repo.mkdir()
    texts = write_corpus(repo)
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hooks}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: dedup-check-system\n"
        "        files: ^corpus/\n"
        "        args: [corpus/, -w, '1', --baseline, .dedup-baseline.json]\n"
    )
    _git(repo, "init", "-q")
    bin_dir = Path(sys.executable).parent
    env = dict(
        os.environ,
        PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        PRE_COMMIT_HOME=str(tmp_path / "cache"),
    )

    def pre_commit(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(bin_dir / "pre-commit"), *args],
            cwd=repo,
            env=env,
            capture_output=True,
            check=False,
            timeout=600,
        )

    _git(repo, "add", ".")
    failed = pre_commit("run", "--all-files")
    out = failed.stdout.decode()
    assert failed.returncode == 1, out
    assert "dedup check" in out and "Failed" in out and "duplicate of" in out
    assert run_cli("check", "corpus", "-w", "1", "--fix", cwd=repo).returncode == 0
    _git(repo, "add", "-A")
    passed = pre_commit("run", "--all-files")
    assert passed.returncode == 0, passed.stdout.decode()
    assert "Passed" in passed.stdout.decode()
    (repo / "corpus" / "b-copy.txt").write_text(texts["doc-1-1"] + "\n")
    _git(repo, "add", "-A")
    assert pre_commit("run", "--all-files").returncode == 1
    accepted = run_cli(
        "check",
        "corpus",
        "-w",
        "1",
        "--baseline",
        ".dedup-baseline.json",
        "--write-baseline",
        cwd=repo,
    )
    assert accepted.returncode == 0, accepted.stderr.decode()
    _git(repo, "add", "-A")
    assert pre_commit("run", "--all-files").returncode == 0
    skipped = pre_commit("run", "--files", ".pre-commit-config.yaml")
    assert skipped.returncode == 0 and "Skipped" in skipped.stdout.decode()


def indexed_corpus(root: Path) -> dict[str, str]:
    """The corpus of ``write_corpus`` in ``idx.sqlite`` (by ``filter``), and an empty ``new/``."""
    texts = write_corpus(root)
    built = run_cli("filter", "corpus", "-w", "1", "--index", "idx.sqlite", cwd=root)
    assert built.returncode == 0, built.stderr.decode()
    (root / "new").mkdir()
    return texts


def test_index_catches_copies_of_documents_indexed_before(tmp_path: Path):
    texts = indexed_corpus(tmp_path)
    (tmp_path / "new" / "again.txt").write_text(texts["doc-3-1"] + "\n")
    (tmp_path / "new" / "fresh.txt").write_text(make_feed(1, 0, seed=77)[0].record["text"])
    staged = run_cli("check", "new", "-w", "1", "--index", "idx.sqlite", cwd=tmp_path)
    assert staged.returncode == 1, staged.stderr.decode()
    assert [(f["id"], f["dup_of"]) for f in findings(staged.stdout)] == [("new/again.txt", "f3")]
    # The filter met a-copy.txt first (sorted order), so the index kept it and not a.txt.
    own = run_cli("check", "corpus/a-copy.txt", "-w", "1", "--index", "idx.sqlite", cwd=tmp_path)
    assert own.returncode == 0, "a document is not a copy of itself in the index"
    known = run_cli("check", "corpus/a.txt", "-w", "1", "--index", "idx.sqlite", cwd=tmp_path)
    assert [f["dup_of"] for f in findings(known.stdout)] == ["corpus/a-copy.txt"]
    other = run_cli("check", "new", "--index", "idx.sqlite", "--shingle-size", "3", cwd=tmp_path)
    assert other.returncode == 2


def test_copies_of_an_indexed_document_all_point_at_the_index(tmp_path: Path):
    texts = indexed_corpus(tmp_path)
    (tmp_path / "new" / "again.txt").write_text(texts["doc-3-1"] + "\n")
    (tmp_path / "new" / "again-too.txt").write_text(texts["doc-3-1"] + "\nUpdated.\n")
    staged = run_cli("check", "new", "-w", "1", "--index", "idx.sqlite", cwd=tmp_path)
    assert staged.returncode == 1, staged.stderr.decode()
    rows = findings(staged.stdout)
    # Both are removed by --fix, so neither may name the other as the copy kept.
    assert sorted((f["id"], f["dup_of"]) for f in rows) == [
        ("new/again-too.txt", "f3"),
        ("new/again.txt", "f3"),
    ]
    assert all(f["similarity"] is not None for f in rows)
