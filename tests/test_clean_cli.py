"""`dedup clean` options: --explain, user patterns and protect, switches, the [clean] config table."""

import json
from pathlib import Path

import pytest

from dedup.clean import ChromeSettings, Cleaner
from dedup.records import Record
from tests.conftest import run_cli

ARTICLE = [
    "Harbour Board Backs New Flood Barrier",
    "The harbour board voted on Tuesday to fund a new flood barrier after three winters of storm surges.",
    "Board chair Lena Ortiz said the barrier would cost 48 million and take four years to build.",
    "Residents applauded, though several warned the plan does nothing for the streets behind the market.",
    "Harbor Ledger Daily Briefing",
    "The board will publish the full design in March and hold two public hearings before approval.",
    "Read more: Storm season starts early",
]


@pytest.fixture
def story(tmp_path: Path) -> Path:
    path = tmp_path / "story.txt"
    path.write_text("\n".join(ARTICLE) + "\n", encoding="utf-8")
    return path


def clean_rows(*args: str) -> tuple[int, list[dict], str]:
    result = run_cli("clean", *args, "-w", "1")
    out = [json.loads(line) for line in result.stdout.decode().split("\n") if line]
    return result.returncode, out, result.stderr.decode()


def test_explain_lists_each_removed_line_with_its_reason(story: Path):
    code, [row], _ = clean_rows(str(story), "--explain")
    assert code == 0
    assert {"line": "Read more: Storm season starts early", "reason": "rule:read-more"} in row[
        "removed"
    ]
    for removal in row["removed"]:
        assert removal["line"] not in row["text"].split("\n")
        assert removal["reason"].startswith(("rule:", "block:", "model", "repeated"))
        if removal["reason"] == "model":
            assert 0.0 <= removal["score"] <= 1.0


def test_without_explain_rows_have_no_removed_field(story: Path):
    _, [row], _ = clean_rows(str(story))
    assert "removed" not in row


def test_user_pattern_removes_and_protect_keeps(story: Path):
    _, [row], _ = clean_rows(
        str(story),
        "--explain",
        "--chrome-pattern",
        r"^harbor ledger daily",
        "--protect",
        "^Read more",
    )
    lines = row["text"].split("\n")
    assert "Harbor Ledger Daily Briefing" not in lines
    assert "Read more: Storm season starts early" in lines
    assert {
        "line": "Harbor Ledger Daily Briefing",
        "reason": "rule:user:^harbor ledger daily",
    } in row["removed"]


def test_no_chrome_keeps_every_line(story: Path):
    _, [row], _ = clean_rows(str(story), "--no-chrome", "--explain")
    assert row["text"].split("\n") == ARTICLE and row["removed"] == []


def test_no_model_leaves_only_rule_removals(story: Path):
    _, [row], _ = clean_rows(str(story), "--no-model", "--explain")
    assert all(r["reason"] != "model" for r in row["removed"])


def test_config_clean_table(story: Path, tmp_path: Path):
    config = tmp_path / "dedup.toml"
    config.write_text(
        'threshold = 0.8\n[clean]\npatterns = ["daily briefing$"]\nprotect = ["^read more"]\n',
        encoding="utf-8",
    )
    _, [row], _ = clean_rows(str(story), "--config", str(config))
    lines = row["text"].split("\n")
    assert "Harbor Ledger Daily Briefing" not in lines
    assert "Read more: Storm season starts early" in lines


def test_pyproject_clean_table(story: Path, tmp_path: Path):
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.dedup.clean]\npatterns = ["daily briefing$"]\n', encoding="utf-8")
    _, [row], _ = clean_rows(str(story), "--config", str(config))
    assert "Harbor Ledger Daily Briefing" not in row["text"].split("\n")


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        (["--chrome-pattern", "(unclosed"], None, "invalid chrome pattern"),
        (["--protect", "[z-a]"], None, "invalid protect pattern"),
        (["--model-threshold", "1.5"], None, "model_threshold"),
        ([], "[clean]\nshout = true\n", "unknown [clean] setting(s): shout"),
        ([], '[clean]\npatterns = "x"\n', "patterns must be a list"),
        ([], "clean = 3\n", "clean must be a table"),
        ([], '[clean]\nmodel_path = "no-such-model.json"\n', "model_path"),
        ([], '[clean]\nmodel_path = "bad.toml"\n', "model_path"),
    ],
)
def test_bad_clean_settings_are_one_line_usage_errors(story, tmp_path, args, config, message):
    extra = []
    if config is not None:
        path = tmp_path / "bad.toml"
        path.write_text(config, encoding="utf-8")
        extra = ["--config", str(path)]
    for command in ("clean", "cluster"):
        result = run_cli(command, str(story), *args, *extra)
        err = result.stderr.decode()
        assert result.returncode == 2 and message in err, err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_cluster_accepts_chrome_options(story: Path):
    result = run_cli("cluster", str(story), "--no-model", "--chrome-pattern", "briefing", "-w", "1")
    assert result.returncode == 0, result.stderr


def test_model_never_removes_the_headline_of_untitled_text():
    lines = ["Business News Technology", "", *ARTICLE[:4]]
    doc, _ = Cleaner(ChromeSettings(model_threshold=0.01))(
        Record(id="x", source="x.txt", text="\n".join(lines))
    )
    assert doc.text.split("\n")[0] == ARTICLE[0]


def test_a_retrained_model_file_can_replace_the_packaged_one(story: Path, tmp_path: Path):
    from importlib import resources

    from dedup.clean.model import PACKAGED

    spec = json.loads(resources.files("dedup").joinpath("data", PACKAGED).read_text("utf-8"))
    spec["threshold"] = 0.001
    model = tmp_path / "eager.json"
    model.write_text(json.dumps(spec), encoding="utf-8")
    config = tmp_path / "dedup.toml"
    config.write_text(f"[clean]\nmodel_path = {json.dumps(str(model))}\n", encoding="utf-8")
    code, [row], _ = clean_rows(str(story), "--config", str(config), "--explain")
    assert code == 0
    assert any(r["reason"] == "model" for r in row["removed"])
