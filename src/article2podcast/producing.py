"""Producing an episode: the pipeline from an article to an MP3 with its captions and manifest.

read -> script -> pace -> narrate -> mix -> encode -> verify -> rename into place
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .captions import render_vtt
from .errors import ExportError, InputError
from .exporting import encode_mp3, probe_duration_ms
from .manifest import build_manifest
from .mixing import Mixer, PcmFormat, mix, sentence_timings
from .model import Article, Script, Utterance, VoiceSettings
from .naming import DEFAULT_FOLDER, default_episode_path, sidecar
from .narrating import narrate
from .pacing import plan_utterances
from .programs import require
from .readers import STDIN, read_article
from .scripting import script_article
from .settings import Settings
from .staging import Staging
from .tagging import Tags, write_id3

# The encoded file may differ from the mix by the encoder's padding, never by more.
_DURATION_TOLERANCE_MS = 150


@dataclass(frozen=True)
class Plan:
    """What an episode will say, before any audio exists."""

    article: Article
    """The article as read."""
    script: Script
    """Its segments and sentences."""
    utterances: tuple[Utterance, ...]
    """Every engine call, with the pause before it."""


@dataclass(frozen=True)
class Episode:
    """A finished episode on disk."""

    path: Path
    """The MP3 file."""
    captions: Path
    """The WebVTT captions beside it."""
    manifest: Path
    """The JSON manifest beside it."""
    duration_ms: int
    """Its length."""
    size_bytes: int
    """The MP3's size."""


def make_plan(source: str, settings: Settings) -> Plan:
    """Read and script the article at `source` (a path, or '-' for standard input)."""
    article = read_article(source)
    script = script_article(article, show=settings.show, max_chars=settings.max_utterance_chars)
    return Plan(article, script, tuple(plan_utterances(script, settings.pauses)))


def plan_manifest(plan: Plan, settings: Settings) -> dict[str, Any]:
    """The manifest of a plan: segments as they would be read, without timings."""
    return build_manifest(plan.script, None, duration_ms=None, details=_details(plan, settings))


def output_path(requested: str | None, plan: Plan, default_folder: Path = DEFAULT_FOLDER) -> Path:
    """Where the episode goes; checks that it can be written there, before any work is done.

    Without a requested path: `<slug-of-title>.mp3` in `default_folder`, which is created.
    """
    if requested is None:
        try:
            default_folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                f"cannot create the output folder {default_folder} ({exc.strerror}); "
                "choose another with --output-dir or -o"
            ) from exc
        source_name = "" if plan.article.source == STDIN else Path(plan.article.source).stem
        return default_episode_path(
            default_folder,
            plan.script.title,
            source_name,
            lambda path: path.exists() and not _is_episode_of(path, plan.script.title),
        )
    path = Path(requested)
    if path.suffix.lower() != ".mp3":
        raise InputError(f"-o {requested}: the episode must be an .mp3 file; end the name in .mp3")
    if path.is_dir():
        raise InputError(f"-o {requested} is a folder; give a file name ending in .mp3")
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"-o {requested}: folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK):
        raise InputError(f"-o {requested}: folder {folder} is not writable; choose another")
    source = plan.article.source
    for target in (path, sidecar(path, ".vtt"), sidecar(path, ".json")):
        if source != STDIN and target.exists() and target.samefile(source):
            raise InputError(f"-o {requested} would overwrite the article itself; choose another")
        if target.is_dir():
            raise InputError(f"-o {requested}: {target} is a folder; choose another name")
    return path


def _is_episode_of(episode: Path, title: str) -> bool:
    """Whether the episode at `episode` was made from an article with this title (its
    manifest says so), so that producing it again may replace it."""
    try:
        manifest = json.loads(sidecar(episode, ".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("title") == title


def produce(
    plan: Plan,
    destination: Path,
    settings: Settings,
    on_clip: Callable[[], None] = lambda: None,
) -> Episode:
    """Narrate, mix and encode `plan` into `destination`, with its captions and manifest."""
    require("ffmpeg")
    require("ffprobe")
    voice = VoiceSettings(voice=settings.voice, rate=settings.rate)
    clips = narrate(plan.script, plan.utterances, settings.engine, voice, on_clip)
    try:
        first = next(clips)
        mixer = Mixer(PcmFormat(sample_rate=first.frame_rate))
        pcm = mix(itertools.chain([first], clips), plan.utterances, mixer, settings.pauses.tail)
        with Staging() as staging:
            audio = staging.path_for(destination)  # staged first, renamed into place last
            encode_mp3(pcm, mixer.format, audio, settings.bitrate)
            write_id3(audio, _tags(plan, settings))
            mixdown = mixer.mixdown()
            _verify_duration(audio, mixdown.duration_ms)
            timings = sentence_timings(plan.script, plan.utterances, mixdown.utterances)
            details = _details(plan, settings) | {"audio": destination.name}
            manifest = build_manifest(
                plan.script, timings, duration_ms=mixdown.duration_ms, details=details
            )
            cues = [
                (timing, sentence.text)
                for segment, segment_timings in zip(plan.script.segments, timings, strict=True)
                for sentence, timing in zip(segment.sentences, segment_timings, strict=True)
            ]
            staging.write_text(sidecar(destination, ".vtt"), render_vtt(cues))
            staging.write_json(sidecar(destination, ".json"), manifest)
    finally:
        clips.close()
    return Episode(
        path=destination,
        captions=sidecar(destination, ".vtt"),
        manifest=sidecar(destination, ".json"),
        duration_ms=mixdown.duration_ms,
        size_bytes=destination.stat().st_size,
    )


def _verify_duration(audio: Path, expected_ms: int) -> None:
    actual = probe_duration_ms(audio)
    if abs(actual - expected_ms) > _DURATION_TOLERANCE_MS:
        raise ExportError(
            f"the encoded episode lasts {actual} ms but the mix lasts {expected_ms} ms; "
            "nothing was written"
        )


def _tags(plan: Plan, settings: Settings) -> Tags:
    source = "standard input" if plan.article.source == STDIN else Path(plan.article.source).name
    return Tags(
        title=plan.script.title,
        artist=settings.show,
        album=settings.show,
        date=datetime.date.today().isoformat(),
        comment=f"Read aloud from {source} by article2podcast {__version__}",
    )


def _details(plan: Plan, settings: Settings) -> dict[str, Any]:
    return {
        "source": plan.article.source,
        "show": settings.show,
        "engine": settings.engine,
        "voice": settings.voice,
        "rate": settings.rate,
    }
