"""Config files: a value of the wrong type is refused in one line that names file, table and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedup.config import ConfigError, load_chrome_settings, load_params
from dedup.story import load_story_params
from tests.conftest import run_cli


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('threshold = "high"', 'threshold must be a number, got "high"'),
        ("num_perm = 12.5", "num_perm must be an integer, got 12.5"),
        ("num_perm = true", "num_perm must be an integer, got true"),
        ("similarity = 3", "similarity must be a string, got 3"),
        ("threshold = 1.7", "threshold must be in (0, 1], got 1.7"),
        ('[clean]\nenabled = "no"', '[clean] enabled must be true or false, got "no"'),
        ('[clean]\nrepeat_min_docs = "x"', '[clean] repeat_min_docs must be an integer, got "x"'),
        ('[story]\nthreshold = "a"', '[story] threshold must be a number, got "a"'),
        ("[story]\nbackground = 3", "[story] background must be a string, got 3"),
    ],
)
def test_a_wrong_value_is_refused_with_its_file_and_key(tmp_path: Path, toml: str, message: str):
    config = tmp_path / "dedup.toml"
    config.write_text(toml + "\n")
    with pytest.raises(ConfigError) as caught:
        load_params(config)
        load_chrome_settings(config)
        load_story_params(config)
    assert str(caught.value) == f"{config}: {message}"


def test_numbers_of_either_kind_are_accepted_where_a_number_is_wanted(tmp_path: Path):
    config = tmp_path / "dedup.toml"
    config.write_text("threshold = 1\n[clean]\nmodel_threshold = 1\n[story]\nthreshold = 1\n")
    assert load_params(config).threshold == 1
    assert load_chrome_settings(config).model_threshold == 1
    assert load_story_params(config)[1].threshold == 1


def test_the_cli_reports_a_wrong_type_in_one_line_and_exits_2(tmp_path: Path):
    config = tmp_path / "dedup.toml"
    config.write_text('[clean]\nenabled = "no"\n')
    result = run_cli("clean", "samples/feed.jsonl", "--config", str(config), "-w", "1")
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode() == (
        f'dedup: error: {config}: [clean] enabled must be true or false, got "no"\n'
    )


def test_a_date_or_a_non_ascii_string_is_shown_as_written(tmp_path: Path):
    config = tmp_path / "dedup.toml"
    for toml, shown in [("threshold = 1979-05-27", "1979-05-27"), ('threshold = "hög"', '"hög"')]:
        config.write_text(toml + "\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=f"threshold must be a number, got {shown}$"):
            load_params(config)
