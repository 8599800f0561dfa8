"""Issue 18's measure: our episode of a foreign-language article against raw espeak-ng reading
the same text, by a multilingual recogniser told the language.

`scripts/language_study.py [--pages NAME ...] [--json FILE]`

For each saved page (tests/data: heise (de), lemonde-1 (fr), la-nacion (es), folha (pt-BR)):
1. **ours**: `article2podcast PAGE -o ours.wav --no-music --cache-dir FRESH` (the language as
   the page declares it or as it is detected; its voices, rules and framing);
2. **raw**: the same article text (the manifest's title, headings, paragraphs and quotations,
   as written, one per line) through `espeak-ng -v LANG -w raw.wav -f text.txt`, with its
   defaults (175 words per minute);
3. paragraph by paragraph (each of the manifest's article segments: the intro and outro are our
   framing, which raw has none of): ours is cut from the episode at the segment's times (150 ms
   of margin, never past the middle of the pause to a neighbour), raw is `espeak-ng -v LANG`
   reading that paragraph alone; each is transcribed by Whisper base (the `[verify]` model,
   faster-whisper, CPU int8, beam 1, no previous-text conditioning, told the language, with
   faster-whisper's temperature fallback: at temperature 0 alone, whole articles fell into
   repetition loops, "und die und die ...");
4. the word error rate of each against the written text, pooled over the paragraphs (all
   errors over all words), both normalised as `--verify` normalises them in that language
   (numbers said by that language's rules).

Printed: a table of the two WERs per page (target: ours at most raw's), with the language and
the voices used.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import wave
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"heise": "de", "lemonde-1": "fr", "la-nacion": "es", "folha": "pt"}
ESPEAK_VOICES = {"de": "de", "fr": "fr", "es": "es", "pt": "pt-br", "it": "it"}
PROGRAM = [sys.executable, "-m", "article2podcast"]
ENV = os.environ | {
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
}
FRAMING = ("intro", "outro")


def ours(page: Path, work: Path) -> dict[str, Any]:
    out = work / "ours.wav"
    command = [*PROGRAM, str(page), "-o", str(out), "--no-music", "--cache-dir", str(work / "c")]
    done = subprocess.run(command, capture_output=True, text=True, env=ENV, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)}: {done.stderr.strip()}")
    manifest: dict[str, Any] = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    return manifest


def paragraphs(manifest: dict[str, Any]) -> list[tuple[str, int, int]]:
    """Each article segment's written text and its stretch of the episode (ms), widened by
    150 ms but never past the middle of the pause to its neighbours."""
    segments = manifest["segments"]
    found = []
    for i, segment in enumerate(segments):
        if segment["kind"] in FRAMING:
            continue
        before = segments[i - 1]["end_ms"] if i else 0
        after = segments[i + 1]["start_ms"] if i + 1 < len(segments) else manifest["duration_ms"]
        start = max(segment["start_ms"] - 150, (before + segment["start_ms"]) // 2)
        end = min(segment["end_ms"] + 150, (segment["end_ms"] + after) // 2)
        found.append((segment["text"], start, end))
    return found


def raw(text: str, language: str, out: Path) -> Path:
    source = out.with_suffix(".txt")
    source.write_text(text, encoding="utf-8")
    voice = ESPEAK_VOICES.get(language, language)
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(out), "-f", str(source)], check=True)
    return out


def samples(path: Path, span: tuple[int, int] | None = None) -> Any:
    from faster_whisper import decode_audio

    audio = decode_audio(str(path), sampling_rate=16000)
    if span is not None:
        audio = audio[span[0] * 16 : span[1] * 16]
    return audio


def transcribe(model: Any, audio: Any, language: str) -> str:
    segments, _ = model.transcribe(
        audio, language=language, beam_size=1, condition_on_previous_text=False
    )
    return " ".join(segment.text.strip() for segment in segments)


def errors(meant: str, heard: str, language: str) -> tuple[int, int]:
    """Word errors of `heard` against `meant`, and the words meant."""
    from article2podcast.narration.scoring import normalise, word_errors

    reference = normalise(meant, language)
    return word_errors(reference, normalise(heard, language)), len(reference)


def seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as audio:
        return audio.getnframes() / audio.getframerate()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="+", default=list(PAGES), choices=list(PAGES))
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from faster_whisper import WhisperModel

    from article2podcast.narration.listening import model_folder

    model = WhisperModel(
        str(model_folder()), device="cpu", compute_type="int8", cpu_threads=os.cpu_count() or 1
    )
    rows = []
    print("| page | language | voices (narrator, quote, host) | words | WER ours | WER raw "
          "espeak-ng |\n|---|---|---|---|---|---|", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="a2p-language-") as tmp:
        for name in args.pages:
            work = Path(tmp) / name
            work.mkdir()
            manifest = ours(ROOT / "tests" / "data" / f"{name}.html", work)
            language = str(manifest.get("language", PAGES[name])).split("-")[0].lower()
            episode = samples(work / "ours.wav")
            totals = {"ours": [0, 0], "raw": [0, 0]}
            seconds_raw = 0.0
            for k, (text, start, end) in enumerate(paragraphs(manifest)):
                heard = transcribe(model, episode[start * 16 : end * 16], language)
                made = errors(text, heard, language)
                totals["ours"] = [totals["ours"][0] + made[0], totals["ours"][1] + made[1]]
                spoken = raw(text, language, work / f"raw-{k}.wav")
                seconds_raw += seconds(spoken)
                made = errors(text, transcribe(model, samples(spoken), language), language)
                totals["raw"] = [totals["raw"][0] + made[0], totals["raw"][1] + made[1]]
            row = {
                "page": name,
                "language": manifest.get("language"),
                "voices": manifest.get("voices"),
                "words": totals["ours"][1],
                "wer_ours": totals["ours"][0] / max(1, totals["ours"][1]),
                "wer_raw": totals["raw"][0] / max(1, totals["raw"][1]),
                "seconds_raw": seconds_raw,
            }
            rows.append(row)
            voices = row["voices"] or {}
            print(
                f"| {name} | {row['language']} | {voices.get('narrator')}, {voices.get('quote')}, "
                f"{voices.get('host')} | {row['words']} | {row['wer_ours']:.1%} | "
                f"{row['wer_raw']:.1%} |",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
