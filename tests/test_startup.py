"""The episode command's fixed costs: it imports only what making an episode needs, and what it
needs only later (the producer, numpy) not before planning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import article2podcast

ROOT = Path(__file__).parents[1]

NEVER = [
    # Other input formats: a plain-text article reads none of them.
    "markdown_it",
    "trafilatura",
    "lxml",
    "charset_normalizer",
    "httpx",
    "article2podcast.reading.html",
    "article2podcast.reading.markdown",
    # The library, its feeds and its web app.
    "feedparser",
    "starlette",
    "uvicorn",
    "dask",
    "distributed",
    "sqlite3",
    "article2podcast.batch",
    "article2podcast.webapp",
    "article2podcast.publishing",
    "article2podcast.cli_commands",
    "article2podcast.cli_library",
    # Asked of the package's metadata (the version is written in the package).
    "importlib.metadata",
    # The cover is drawn by the producer, not the planner.
    "PIL",
    # English is told without the language model.
    "py3langid",
]
"""Not imported by importing the command, nor by planning a plain-text English article."""
NOT_BEFORE_PRODUCING = ["article2podcast.producing", "numpy", "scipy", "mutagen", "tqdm"]
"""Not imported by importing the command (planning an article may import some)."""


def _modules_after(code: str, cwd: Path) -> set[str]:
    environ = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
        env=environ,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def _loaded(modules: set[str], names: list[str]) -> list[str]:
    return [n for n in names if any(m == n or m.startswith(n + ".") for m in modules)]


def test_importing_the_command_imports_nothing_heavy(tmp_path: Path) -> None:
    modules = _modules_after("import article2podcast.cli", tmp_path)
    assert "article2podcast.cli" in modules
    assert _loaded(modules, NEVER + NOT_BEFORE_PRODUCING) == []


def test_planning_a_plain_text_article_imports_nothing_heavy(
    tmp_path: Path, short_article: Path
) -> None:
    code = (
        "import contextlib, io\n"
        "from article2podcast.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    assert main(['--plan', {str(short_article)!r}, '--engine', 'fake']) == 0\n"
        "assert '\"segments\"' in out.getvalue()\n"
    )
    modules = _modules_after(code, tmp_path)
    assert "article2podcast.planning" in modules
    assert _loaded(modules, NEVER) == []


def test_the_version_is_the_projects() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert article2podcast.__version__ == project["version"]


@pytest.mark.slow
def test_an_espeak_ng_worker_narrates_and_checks_a_clip_without_numpy() -> None:
    """The worker's path (synthesize, then the clip's check): numpy's import cost the first
    clip of every worker 0.1 s, on a warm run's critical path (issue 19)."""
    code = (
        "import sys; from article2podcast.narration.engines import create_engine;"
        "from article2podcast.narration.clips import narrate;"
        "from article2podcast.model import VoiceSettings;"
        "e = create_engine('pyttsx3');"
        "said = 'The library stayed open until midnight.';"
        "timed = narrate(e, said, VoiceSettings(rate=160), 160);"
        "print(len(timed.words), 'numpy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-2:] == ["6", "False"]
