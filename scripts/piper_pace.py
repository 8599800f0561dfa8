"""Measure the natural pace of a Piper voice: words per minute of speech at length_scale 1.

Speaks every paragraph of the six sample articles (tests/data/*.txt), trims each clip
the way the producer does, and divides words by time. The result is the engine's
NATURAL_WPM, which maps a rate in words per minute onto Piper's length_scale.

    .venv/bin/python scripts/piper_pace.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
from article2podcast.audio.mixing import trim  # noqa: E402
from article2podcast.model import VoiceSettings  # noqa: E402
from article2podcast.narration.engines.piper_engine import NATURAL_WPM, PiperEngine  # noqa: E402

SAMPLES = ROOT / "tests" / "data"  # the sample articles, kept in the repository


def main() -> None:
    engine = PiperEngine()
    words = 0
    seconds = 0.0
    for article in sorted(SAMPLES.glob("*.txt")):
        paragraphs = [p for p in article.read_text(encoding="utf-8").split("\n") if p.strip()]
        for paragraph in paragraphs:
            clip = trim(engine.synthesize(paragraph, VoiceSettings(rate=NATURAL_WPM)))
            words += len(paragraph.split())
            seconds += clip.duration_seconds
        print(f"{article.name}: {words} words so far, {words / seconds * 60:.1f} wpm")
    print(f"natural pace: {words / seconds * 60:.0f} words per minute ({words} words)")


if __name__ == "__main__":
    main()
