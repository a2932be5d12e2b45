"""The README stays true: every command and code example in it is run here."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from dedup.config import load_chrome_settings, load_params
from dedup.story import load_story_params
from tests.conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
SH_BLOCKS = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
PY_BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)
COMMANDS = [line.strip() for block in SH_BLOCKS for line in block.splitlines() if line.strip()]
INSTALL = "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/dedup cluster samples/"


def test_readme_has_exactly_the_two_setup_commands_first():
    assert COMMANDS[:2] == [INSTALL, "./scripts/test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "exec ./scripts/test\n" in ci


def test_quick_start_main_job_runs_on_samples():
    result = run_cli(*shlex.split(INSTALL.rsplit(".venv/bin/dedup ", 1)[1]))
    assert result.returncode == 0, result.stderr.decode()
    assert b'"kept":false' in result.stdout and b"duplicates" in result.stderr


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for all README commands, run in README order: later ones use earlier files."""
    return tmp_path_factory.mktemp("readme")


@pytest.mark.parametrize("command", [c for c in COMMANDS[2:]])
def test_every_dedup_command_in_readme_runs(command, workdir: Path):
    args = shlex.split(command)
    assert args[0] == "dedup", f"README command not covered by a test: {command}"
    redirect = args.index(">") if ">" in args else None
    if redirect is not None:
        args = args[:redirect]
    args = [str(ROOT / a) if a.startswith("samples") else a for a in args[1:]]
    result = run_cli(*args, cwd=workdir)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.count(b"\n") > 0


@pytest.mark.parametrize("code", PY_BLOCKS)
def test_python_examples_run_as_scripts(code: str, tmp_path: Path):
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stderr.decode()


TOML_BLOCKS = re.findall(r"```toml\n(.*?)```", README, flags=re.S)


@pytest.mark.parametrize("text", TOML_BLOCKS)
def test_config_examples_load(text: str, tmp_path: Path):
    path = tmp_path / "dedup.toml"
    path.write_text(text, encoding="utf-8")
    load_params(path)
    load_chrome_settings(path)
    load_story_params(path)
