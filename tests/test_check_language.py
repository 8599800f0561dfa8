"""`check --language` shows the changes in that language's rules, as the episode will say them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _check(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    article = tmp_path / "artikel.txt"
    article.write_text("Ein Titel\n\nAm 08.04.2015 kostet es 5 €, z. B. in Berlin.\n", "utf-8")
    return subprocess.run(
        [sys.executable, "-m", "article2podcast", "check", str(article), *args],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_check_says_it_in_the_language_asked_for(tmp_path: Path) -> None:
    done = _check(tmp_path, "--language", "de")
    assert done.returncode == 0, done.stderr
    assert "5 € -> fünf Euro" in done.stdout and "z. B. -> zum Beispiel" in done.stdout


def test_a_language_that_is_no_language_code_is_one_line(tmp_path: Path) -> None:
    done = _check(tmp_path, "--language", "x y")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "--language must be a language code" in done.stderr
