"""Producing an episode: the pipeline from an article to an MP3 with its captions and manifest.

read -> script -> pace -> narrate -> mix -> encode -> verify -> rename into place
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib
import itertools
import json
import os
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from . import music as show_music
from .captions import render_srt, render_vtt
from .chapters import chapters_for, podcasting20
from .cover import Cover, make_cover, read_cover
from .errors import ExportError, InputError
from .exporting import FORMATS, format_for, probe_duration_ms, render_master
from .fetching import is_url
from .manifest import build_manifest
from .mastering import master
from .mixing import Mixer, Music, PcmFormat, mix, segment_timings, sentence_timings
from .model import Article, Role, Script, Utterance
from .naming import DEFAULT_FOLDER, default_episode_path, sidecar
from .narrating import EngineProcess, narrate, resolve_voices
from .notes import render_notes
from .pacing import plan_utterances
from .programs import require
from .readers import STDIN, read_article
from .scripting import script_article
from .settings import Settings
from .speakable import BUILTIN_LEXICON
from .speakable.lexicon import Lexicon, default_lexicon
from .staging import Staging
from .tagging import Tags, finish_tags, write_mp3_tags

SIDECARS = (".vtt", ".srt", ".json", ".chapters.json", ".md", ".png")
"""What is written beside the episode `<stem>.<format>` (the cover only when generated)."""
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
    lexicon: Lexicon = BUILTIN_LEXICON
    """The pronunciation lexicon the script was made with."""


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
    lexicon = default_lexicon(settings.lexicon)  # a broken lexicon fails before reading
    article = read_article(source)
    script = script_article(
        article, show=settings.show, max_chars=settings.max_utterance_chars, lexicon=lexicon
    )
    return Plan(article, script, tuple(plan_utterances(script, settings.pauses)), lexicon)


def plan_manifest(plan: Plan, settings: Settings) -> dict[str, Any]:
    """The manifest of a plan: segments as they would be read (in which voice), no timings."""
    with EngineProcess(settings.engine) as engine:
        voices = resolve_voices(engine, settings.requested_voices())
    return build_manifest(
        plan.script, None, duration_ms=None, details=_details(plan, settings, voices), voices=voices
    )


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
        from_file = plan.article.source != STDIN and not is_url(plan.article.source)
        source_name = Path(plan.article.source).stem if from_file else ""
        return default_episode_path(
            default_folder,
            plan.script.title,
            source_name,
            lambda path: path.exists() and not _is_episode_of(path, plan.script.title),
        )
    path = Path(requested)
    if path.is_dir():
        raise InputError(f"-o {requested} is a folder; give a file name such as episode.mp3")
    if path.suffix.lower() not in FORMATS:
        raise InputError(
            f"-o {requested}: unsupported format {path.suffix or '(none)'!r}; end the name in "
            f"one of {', '.join(FORMATS)}"
        )
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"-o {requested}: folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK):
        raise InputError(f"-o {requested}: folder {folder} is not writable; choose another")
    source = plan.article.source
    from_file = source != STDIN and not is_url(source)
    for target in (path, *(sidecar(path, suffix) for suffix in SIDECARS)):
        if from_file and target.exists() and target.samefile(source):
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
    """Narrate, mix and master `plan` into `destination`, with its sidecar files."""
    require("ffmpeg")
    require("ffprobe")
    cover = _cover(plan, settings)  # a bad --cover fails before any narration
    # The clip levelling needs pyloudnorm, whose scipy import takes most of a second: start
    # it now, while the engine's worker starts.
    threading.Thread(target=importlib.import_module, args=("pyloudnorm",), daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="article2podcast-") as scratch_name:
        scratch = Path(scratch_name)
        master_file = scratch / "master.flac"
        with EngineProcess(settings.engine) as engine:
            voices = resolve_voices(engine, settings.requested_voices())
            clips = narrate(engine, plan.script, plan.utterances, voices, settings.rate, on_clip)
            try:
                first = next(clips)
                mixer = Mixer(PcmFormat(sample_rate=first.frame_rate))
                music = _music(first.frame_rate) if settings.music else None
                pcm = mix(
                    itertools.chain([first], clips),
                    plan.utterances,
                    mixer,
                    settings.pauses.tail,
                    music=music,
                )
                master_loudness = render_master(pcm, mixer.format, master_file)
            finally:
                clips.close()
        mixdown = mixer.mixdown()
        timings = sentence_timings(plan.script, plan.utterances, mixdown.utterances)
        chapters = chapters_for(plan.script, segment_timings(timings), mixdown.duration_ms)
        tags = _tags(plan, settings)
        with Staging() as staging:
            audio = staging.path_for(destination)  # staged first, renamed into place last
            loudness = master(
                master_file,
                audio,
                scratch,
                source_loudness=master_loudness,
                target_lufs=settings.loudness,
                metadata=tags.as_metadata(),
                chapters=[(c.start_ms, c.end_ms, c.title) for c in chapters],
            )
            if format_for(destination).ffmpeg_tags:
                if destination.suffix.lower() != ".wav":
                    finish_tags(audio, cover, chapters)
            else:
                write_mp3_tags(audio, tags, chapters, cover)
            _verify_duration(audio, mixdown.duration_ms)
            details = _details(plan, settings, voices) | {
                "audio": destination.name,
                "loudness": {
                    "target_lufs": settings.loudness,
                    "integrated_lufs": loudness.integrated_lufs,
                    "true_peak_dbtp": loudness.true_peak_dbtp,
                    "range_lu": loudness.range_lu,
                },
                "chapters": [
                    {"start_ms": c.start_ms, "end_ms": c.end_ms, "title": c.title} for c in chapters
                ],
            }
            manifest = build_manifest(
                plan.script,
                timings,
                duration_ms=mixdown.duration_ms,
                details=details,
                voices=voices,
            )
            cues = [
                (timing, sentence.text)
                for segment, segment_timings_ in zip(plan.script.segments, timings, strict=True)
                for sentence, timing in zip(segment.sentences, segment_timings_, strict=True)
            ]
            staging.write_text(sidecar(destination, ".vtt"), render_vtt(cues))
            staging.write_text(sidecar(destination, ".srt"), render_srt(cues))
            staging.write_json(sidecar(destination, ".chapters.json"), podcasting20(chapters))
            staging.write_text(
                sidecar(destination, ".md"),
                render_notes(
                    plan.article, chapters, show=settings.show, duration_ms=mixdown.duration_ms
                ),
            )
            if settings.cover is None:
                staging.write_bytes(sidecar(destination, ".png"), cover.data)
            staging.write_json(sidecar(destination, ".json"), manifest)
    return Episode(
        path=destination,
        captions=sidecar(destination, ".vtt"),
        manifest=sidecar(destination, ".json"),
        duration_ms=mixdown.duration_ms,
        size_bytes=destination.stat().st_size,
    )


def _music(sample_rate: int) -> Music:
    sting = show_music.sting(sample_rate)
    return Music(
        opening=sting,
        closing=sting,
        bed=show_music.bed,
        duck=lambda bed, spans: show_music.duck(bed, spans),
    )


def _cover(plan: Plan, settings: Settings) -> Cover:
    if settings.cover is not None:
        return read_cover(settings.cover)
    return make_cover(plan.script.title, settings.show)


def _verify_duration(audio: Path, expected_ms: int) -> None:
    actual = probe_duration_ms(audio)
    if abs(actual - expected_ms) > _DURATION_TOLERANCE_MS:
        raise ExportError(
            f"the encoded episode lasts {actual} ms but the mix lasts {expected_ms} ms; "
            "nothing was written"
        )


def _tags(plan: Plan, settings: Settings) -> Tags:
    page = plan.article.page
    source = "standard input" if plan.article.source == STDIN else Path(plan.article.source).name
    if page and page.url:
        source = page.url
    return Tags(
        title=plan.script.title,
        artist=page.author if page and page.author else settings.show,
        album=settings.show,
        date=datetime.date.today().isoformat(),
        comment=f"Read aloud from {source} by article2podcast {__version__}",
    )


def _details(plan: Plan, settings: Settings, voices: Mapping[Role, str | None]) -> dict[str, Any]:
    return {
        "source": plan.article.source,
        "page": dataclasses.asdict(plan.article.page) if plan.article.page else None,
        "show": settings.show,
        "engine": settings.engine,
        "voice": voices.get("narrator"),
        "voices": dict(voices),
        "rate": settings.rate,
    }
