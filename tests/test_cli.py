import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

STORY = (
    "The harbour board voted on Tuesday to fund a new flood barrier after three winters of "
    "storm surges damaged homes along the eastern quay. Board chair Lena Ortiz said the "
    "barrier would cost 48 million and take four years to build, with work starting next "
    "spring. Residents who packed the meeting applauded the decision, though several warned "
    "that the plan does nothing for the low streets behind the fish market. The board will "
    "publish the full design in March and hold two public hearings before final approval."
)
OTHER = (
    "A local bakery has won the regional bread prize for the third year running, beating "
    "forty other entrants with a rye loaf made from grain grown two miles from the shop. "
    "The owners said they would spend the prize money on a second oven and hire two more "
    "apprentices from the vocational school, which has struggled to place its students."
)


def page(title: str, body: str, chrome: str) -> str:
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in body.split(".") if s.strip())
    return (
        f"<html><head><title>{title}</title></head><body><nav>{chrome}</nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article><footer>{chrome} © 2025</footer>"
        "</body></html>"
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "site-a").mkdir()
    (tmp_path / "site-b").mkdir()
    (tmp_path / "site-a" / "barrier.html").write_text(
        page("Board backs barrier", STORY, "Home News")
    )
    trimmed = STORY.rsplit(". ", 1)[0] + ". Read more: harbour news."
    (tmp_path / "site-b" / "flood.html").write_text(page("Flood plan approved", trimmed, "Menu"))
    (tmp_path / "bakery.txt").write_text(OTHER)
    feed = [
        {"id": "feed-1", "text": STORY, "url": "https://c.example/1", "published": "2025-01-02"},
        {"id": "feed-empty", "html": "<html><body><script>var x;</script></body></html>"},
    ]
    (tmp_path / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in feed) + "{oops\n")
    return tmp_path


def rows(stdout: bytes) -> list[dict]:
    return [json.loads(line) for line in stdout.decode().split("\n") if line]


def test_cluster_output_contract(corpus: Path, tmp_path: Path):
    result = run_cli("cluster", str(corpus), "--workers", "2")
    assert result.returncode == 0, result.stderr
    out = {Path(r["id"]).name: r for r in rows(result.stdout)}
    assert set(out) == {"barrier.html", "flood.html", "bakery.txt", "feed-1", "feed-empty"}
    for row in out.values():
        assert {"id", "cluster", "kept", "dup_of", "similarity"} <= set(row)
    story = [out["barrier.html"], out["flood.html"], out["feed-1"]]
    assert len({r["cluster"] for r in story}) == 1
    assert sum(r["kept"] for r in story) == 1
    kept_id = next(r["id"] for r in story if r["kept"])
    assert all(r["dup_of"] == kept_id for r in story if not r["kept"])
    assert all(r["similarity"] >= 0.7 for r in story)
    assert out["bakery.txt"]["kept"] and out["bakery.txt"]["cluster"] == out["bakery.txt"]["id"]
    assert out["feed-empty"]["status"] == "no_text" and not out["feed-empty"]["kept"]
    stderr = result.stderr.decode()
    assert "feed.jsonl:line 3: invalid JSON" in stderr
    assert "no text:" in stderr and "Traceback" not in stderr
    assert "5 documents, 2 clusters, 2 duplicates, 1 without text, 1 unreadable input" in stderr


def test_strict_turns_warnings_into_exit_2(corpus: Path):
    result = run_cli("cluster", str(corpus), "--strict", "--workers", "1")
    assert result.returncode == 2
    assert len(rows(result.stdout)) == 5


def test_kept_report_and_dropped_files(corpus: Path, tmp_path: Path):
    kept, report, dropped = tmp_path / "kept.jsonl", tmp_path / "report.jsonl", tmp_path / "d.jsonl"
    args = ["--kept", str(kept), "--report", str(report), "--dropped", str(dropped)]
    result = run_cli("cluster", str(corpus), "-w", "1", "-q", *args)
    assert result.returncode == 0 and result.stderr.decode().count("\n") == 1  # only the warning
    kept_rows, report_rows, dropped_rows = (
        rows(kept.read_bytes()),
        rows(report.read_bytes()),
        rows(dropped.read_bytes()),
    )
    assert len(kept_rows) == 2 and all(r["text"] for r in kept_rows)
    assert {r["status"] for r in dropped_rows} == {"duplicate", "no_text"}
    assert all(r["reason"] for r in dropped_rows) and len(dropped_rows) == 3
    assert len(report_rows) == 6  # five documents and the broken line
    assert report_rows[-1]["status"] == "unreadable" and report_rows[-1]["source"].endswith(
        "line 3"
    )


def test_clean_rows_have_text_title_first(corpus: Path):
    result = run_cli("clean", str(corpus / "site-a"), str(corpus / "bakery.txt"), "-w", "1")
    assert result.returncode == 0, result.stderr
    barrier, bakery = rows(result.stdout)
    assert barrier["title"] == "Board backs barrier"
    assert barrier["text"].startswith("Board backs barrier\nThe harbour board voted")
    assert "Home News" not in barrier["text"] and "©" not in barrier["text"]
    assert bakery["text"] == OTHER and set(bakery) == {"id", "text"}


def test_stdin_dash_reads_jsonl(corpus: Path):
    feed = json.dumps({"id": "x", "text": STORY}) + "\n" + json.dumps({"id": "y", "text": STORY})
    result = run_cli("cluster", "-", "-w", "1", stdin=feed.encode())
    x, y = rows(result.stdout)
    assert result.returncode == 0 and x["kept"] != y["kept"] and x["cluster"] == y["cluster"]


def test_order_of_inputs_does_not_change_results(corpus: Path):
    paths = [str(corpus / "feed.jsonl"), str(corpus / "site-b"), str(corpus / "site-a")]
    forward = rows(run_cli("cluster", *paths, "-w", "1").stdout)
    backward = rows(run_cli("cluster", *reversed(paths), "-w", "2").stdout)
    assert sorted(map(json.dumps, forward)) == sorted(map(json.dumps, backward))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--threshold", "1.5"], "threshold must be in (0, 1]"),
        (["--similarity", "cosine"], "similarity must be one of"),
        (["--lsh-threshold", "0.9"], "lsh_threshold must be in"),
    ],
)
def test_bad_parameters_exit_2_with_one_line(corpus: Path, args, message):
    result = run_cli("cluster", str(corpus), *args)
    assert result.returncode == 2
    assert (
        result.stderr.decode().strip() == f"dedup: error: {message}"
        or message in result.stderr.decode()
    )
    assert result.stderr.decode().count("\n") == 1 and result.stdout == b""


def test_config_file_sets_parameters(corpus: Path, tmp_path: Path):
    config = tmp_path / "dedup.toml"
    config.write_text("threshold = 0.99\nsimilarity = 'jaccard'\n")
    out = rows(run_cli("cluster", str(corpus), "--config", str(config), "-w", "1").stdout)
    assert sum(r["kept"] for r in out) == 4  # no copy is that close: every text is kept
    config.write_text("treshold = 0.5\n")
    result = run_cli("cluster", str(corpus), "--config", str(config))
    assert result.returncode == 2 and "unknown setting(s): treshold" in result.stderr.decode()


def test_usage_error_is_exit_2():
    result = run_cli("cluster", "--workers", "0", "x")
    assert result.returncode == 2 and "Traceback" not in result.stderr.decode()
