"""The article's language in every format's own field, as ffprobe and mutagen read it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ARTICLE = "Ein Titel\n\nDas ist ein kurzer Absatz auf Deutsch, damit etwas gelesen wird.\n"


@pytest.mark.slow
@pytest.mark.parametrize("extension", ["mp3", "m4a", "ogg", "flac"])
def test_a_german_episode_says_so_in_its_file(tmp_path: Path, extension: str) -> None:
    article = tmp_path / "artikel.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    episode = tmp_path / f"folge.{extension}"
    subprocess.run(
        [sys.executable, "-m", "article2podcast", str(article), "-o", str(episode),
         "--engine", "fake", "--no-cache", "--language", "de", "-q"],
        check=True,
    )  # fmt: skip
    if extension == "mp3":
        from mutagen.id3 import ID3

        assert ID3(episode)["TLAN"].text == ["deu"]
        return
    probe = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "quiet", "-print_format", "json", "-show_streams",
             "-show_format", str(episode)],
            capture_output=True, check=True, text=True,
        ).stdout
    )  # fmt: skip
    audio = next(s for s in probe["streams"] if s["codec_type"] == "audio")
    tags = {k.lower(): v for k, v in (audio.get("tags") or {}).items()}
    tags |= {k.lower(): v for k, v in (probe["format"].get("tags") or {}).items()}
    assert tags.get("language") == "deu"
