"""What --verify costs and finds: scripts/verify_study.py ARTICLE [--engine NAME] [--packs].

Produces ARTICLE twice from an empty clip cache each time, without and with --verify, and
prints the score distribution of its clips, how many were redone, and the cost of listening
back in seconds per minute of audio. --packs also listens to every clip alone and compares the
scores with those heard in packs (to keep the packing honest).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from article2podcast import api
from article2podcast.narration.clipcache import ClipCache
from article2podcast.narration.clips import audio_of
from article2podcast.narration.listening import Recogniser
from article2podcast.narration.scoring import THRESHOLD, score
from article2podcast.settings import Settings


def produce(article: str, engine: str, verify: bool, folder: Path) -> tuple[float, api.Episode]:
    cache = folder / ("cache-verify" if verify else "cache-plain")
    settings = Settings(engine=engine, cache_dir=cache, verify=verify, output_dir=folder)
    started = time.perf_counter()
    episode = api.produce(article, settings, output=folder / f"{verify}.mp3")
    return time.perf_counter() - started, episode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("article")
    parser.add_argument("--engine", default="pyttsx3")
    parser.add_argument("--packs", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        Recogniser()  # the model joined (and its files read) before anything is timed
        plain_s, _ = produce(args.article, args.engine, False, folder)
        verify_s, episode = produce(args.article, args.engine, True, folder)
        minutes = episode.duration / 60
        scores = [
            s["heard"]["score"]
            for segment in episode.manifest["segments"]
            for s in segment["sentences"]
            if s.get("heard")
        ]
        deciles = statistics.quantiles(scores, n=10) if len(scores) > 1 else scores
        print(f"article {args.article}, engine {args.engine}, {episode.duration:.0f} s of audio")
        print(f"sentences {len(scores)}, clips {episode.clips}, redone {episode.redone}")
        print(f"below {THRESHOLD}: {sum(1 for s in scores if s < THRESHOLD)}")
        print(f"score min {min(scores):.2f} deciles {' '.join(f'{d:.2f}' for d in deciles)}")
        print(
            f"cold run {plain_s:.1f} s plain, {verify_s:.1f} s with --verify: "
            f"{(verify_s - plain_s) / minutes:.1f} s per minute of audio"
        )
        if args.packs:
            alone(folder / "cache-verify")


def alone(cache_dir: Path) -> None:
    """Every cached clip heard alone, against what its packed hearing scored."""
    recogniser = Recogniser()
    cache = ClipCache(cache_dir)
    differences = []
    started = time.perf_counter()
    for entry in cache.entries():
        clip = cache.get(entry.key)
        if clip is None or clip.heard is None:
            continue
        heard = recogniser.transcribe(audio_of(clip))
        differences.append(score(entry.text, heard.text) - clip.heard.score)
    print(
        f"{len(differences)} clips heard alone in {time.perf_counter() - started:.1f} s; "
        f"alone minus packed: mean {statistics.mean(differences):+.3f}, "
        f"min {min(differences):+.2f}, max {max(differences):+.2f}"
    )


if __name__ == "__main__":
    main()
