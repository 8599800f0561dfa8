"""The README tells the truth: its help text is the real one, its commands are CI's."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_quoted_help_is_the_real_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "article2podcast", "--help"],
        capture_output=True, text=True, check=True, env={**os.environ, "COLUMNS": "100"},
    )  # fmt: skip
    assert done.stdout.strip() in README


def test_ci_runs_the_readmes_test_command() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "scripts/produce" in quick_start
    assert "scripts/test" in quick_start
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "exec scripts/test" in ci
