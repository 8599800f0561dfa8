"""Producing an episode: claim the name -> narrate -> mix -> encode (master again if off
target) -> tag -> verify -> write the sidecars -> rename into place."""

from __future__ import annotations

import contextlib
import datetime
import importlib
import itertools
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .audio.ffmpeg import (
    Delivered,
    encode,
    encode_stream,
    measure_delivered,
    probe_duration_ms,
    render_master,
)
from .audio.formats import format_for
from .audio.loudness import Loudness
from .audio.mastering import ceiling_for, master, on_target, predicted_gain
from .audio.mixing import (
    Mixdown,
    PcmFormat,
    segment_timings,
    sentence_timings,
    sentence_words,
)
from .audio.verifying import check_episode
from .episode.chapters import Chapter, chapters_for
from .episode.cover import Cover, make_cover
from .episode.manifest import build_manifest
from .episode.naming import SIDECARS as SIDECARS  # where the episode's files were first listed
from .episode.naming import public_article, sidecar
from .episode.ownership import article_id, check, choose, claim, episode_files
from .episode.sidecars import Sidecars, write_sidecars
from .episode.staging import Staging, clean_abandoned
from .episode.tagging import Tags, finish_tags, mp3_length_ms, write_mp3_tags
from .episode.user_cover import read_cover
from .errors import ExportError
from .narration.clipcache import ClipCache
from .narration.listenback import listener_for, sentence_heard
from .narration.narrator import Narrator, Voices
from .planning import Plan, details
from .planning import make_plan as make_plan  # where the plan was first made
from .programs import require
from .progress import OnProgress, Progress, ignore
from .reading import STDIN
from .rendering import Rendering, render_whole
from .scratch import scratch_folder
from .scripting.speakable import has_words
from .settings import Settings

# The encoded file may differ from the mix by the encoder's padding, never by more.
_DURATION_TOLERANCE_MS = 150


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
    clips: int = 0
    """How many clips the episode is made of."""
    narrated: int = 0
    """How many of them the engine spoke this time (the rest came from the cache)."""
    redone: int = 0
    """How many clips were narrated again after listening back (`--verify`)."""
    parts: int = 0
    """How many parts the audio is joined from (0: encoded in one pass; see `rendering`)."""
    encoded: int = 0
    """How many of them were encoded this time (the rest were kept from an earlier run)."""


@dataclass(frozen=True)
class _Run:
    """An episode being made: where it goes and what makes it."""

    destination: Path
    """The episode's final path."""
    files: list[Path]
    """Its audio and sidecars."""
    scratch: Path
    """This run's temporary folder."""
    narrator: Narrator
    """The engine workers."""
    voices: Voices
    """The voice of each role."""
    staging: Staging
    """Where its files are written before they are renamed into place."""
    audio: Path
    """The staged audio file, renamed into place last."""
    encoded: Path
    """Where the encoder writes (the staged audio, or a scratch file to be tagged)."""


def produce(
    plan: Plan,
    destination: Path,
    settings: Settings,
    on_progress: OnProgress = ignore,
    *,
    named: bool = True,
) -> Episode:
    """Narrate, mix and master `plan` into `destination`, with its sidecar files.

    `on_progress` is told of each segment narrated and each stage after. `named`: the user
    named `destination`; otherwise it was proposed by `output_path`, and the default name is
    picked again now, atomically with the other runs in its folder (the episode's path says
    which it is).
    """
    require("ffmpeg")
    require("ffprobe")
    # numpy (the music, the levelling) takes a tenth of a second to import: meanwhile, the
    # cover is drawn and the engine's worker starts.
    threading.Thread(target=importlib.import_module, args=("numpy",), daemon=True).start()
    drawn = _cover(plan, settings)  # a bad --cover fails before any narration
    clean_abandoned(destination.parent)  # what killed runs left
    with contextlib.ExitStack() as stack:
        run = _start(stack, plan, destination, settings, named=named)
        mixdown, loudness, silences, (parts, encoded) = _narrate(run, plan, settings, on_progress)
        cover = drawn.result()
        narrated = run.narrator.narrated
        on_progress(Progress("writing", 0, 1))
        timings = sentence_timings(plan.script, plan.utterances, mixdown.utterances)
        chapters = chapters_for(plan.script, segment_timings(timings), mixdown.duration_ms)
        _tag(run, plan, settings, cover, chapters)
        _check(run, plan, settings, mixdown, silences)
        manifest = build_manifest(
            plan.script,
            timings,
            duration_ms=mixdown.duration_ms,
            details=_details(run, plan, settings, loudness, chapters),
            voices=run.voices,
            sentence_words=sentence_words(plan.script, plan.utterances, mixdown),
            heard=sentence_heard(plan.script, plan.utterances, run.narrator.listener),
        )
        data = Sidecars(
            script=plan.script,
            timings=timings,
            chapters=chapters,
            article=public_article(plan.article),
            show=settings.show,
            duration_ms=mixdown.duration_ms,
            manifest=manifest,
            cover=cover if settings.cover is None else None,
        )
        write_sidecars(run.staging, run.destination, data)
    destination = run.destination
    from .publishing.library import write_index  # here: the feed's imports, for this alone

    write_index(destination.parent)  # the folder's index page lists the new episode
    on_progress(Progress("writing", 1, 1))
    return Episode(
        path=destination,
        captions=sidecar(destination, ".vtt"),
        manifest=sidecar(destination, ".json"),
        duration_ms=mixdown.duration_ms,
        size_bytes=destination.stat().st_size,
        clips=sum(1 for utterance in plan.utterances if has_words(utterance.text)),
        narrated=narrated,
        redone=run.narrator.redone,
        parts=parts,
        encoded=encoded,
    )


def _start(
    stack: contextlib.ExitStack, plan: Plan, destination: Path, settings: Settings, *, named: bool
) -> _Run:
    """Claim the episode's name, start the engine workers and the staging."""
    article = article_id(plan.article)
    cover_generated = settings.cover is None

    def again() -> Path:
        return choose(
            destination.parent,
            plan.article,
            plan.script.title,
            cover_generated=cover_generated,
            claims=True,
        )

    destination = stack.enter_context(
        claim(
            destination,
            article,
            choose=None if named else again,
            cover_generated=cover_generated,
        )
    )
    files = episode_files(destination, cover_generated=cover_generated)
    scratch = stack.enter_context(scratch_folder())
    cache = (
        ClipCache(settings.cache_dir, settings.cache_max_bytes)
        if settings.cache_dir is not None
        else ClipCache(scratch / "clips")  # for this run only (a second mastering pass)
    )
    cache.prepare()
    if settings.cache_dir is not None:
        stack.callback(_prune, cache)
    narrator = stack.enter_context(
        Narrator(settings.engine, settings.jobs, cache, settings.engine_settings(),
                 listener_for(settings))
    )  # fmt: skip
    voices = narrator.resolve_voices(settings.requested_voices(), plan.script.language)
    staging = stack.enter_context(
        Staging(
            # Named: the episode replaces what is there; its sidecars only files of ours.
            check=lambda: check(
                destination, files[1:] if named else files, article=None if named else article
            )
        )
    )
    audio = staging.path_for(destination)  # staged first, renamed into place last
    # ffmpeg writes the tags and chapters of the formats it tags, once they are known.
    fmt = format_for(destination)
    encoded = scratch / f"encoded{destination.suffix.lower()}" if fmt.ffmpeg_tags else audio
    return _Run(destination, files, scratch, narrator, voices, staging, audio, encoded)


def _narrate(
    run: _Run, plan: Plan, settings: Settings, on_progress: OnProgress
) -> tuple[Mixdown, Loudness, list[tuple[float, float]], tuple[int, int]]:
    """Narrate, mix and encode the episode at its loudness target: predicted, else mastered
    again from the clips just narrated. Also says how many parts the file is joined from and
    how many of them were encoded now (0 and 0: it was encoded in one pass)."""
    fmt = format_for(run.destination)
    total = len(plan.script.segments)
    narrated = itertools.count(1)
    on_progress(Progress("narrating", 0, total))

    def on_segment() -> None:
        on_progress(Progress("narrating", min(next(narrated), total), total))

    def encode_stream_(pcm: Iterable[bytes], pcm_format: PcmFormat) -> Delivered:
        gain = predicted_gain(settings.loudness, fmt)
        return encode_stream(
            pcm, pcm_format, run.encoded, gain_db=gain, ceiling_dbtp=ceiling_for(fmt)
        )

    rendered, started, parts = None, None, (0, 0)
    if fmt.muxer == "mp3":  # in parts, each kept encoded (see `rendering`)
        rendering = Rendering(plan, settings, run.narrator, run.voices, fmt)
        rendered = rendering.render_on_target(run.encoded, run.scratch, on_segment)
        started = rendering.unused  # not in parts after all: the clips under way
        if rendered is not None:
            parts = (len(rendering.parts), rendering.encoded)
    mixdown, delivered = rendered or render_whole(
        plan, settings, run.narrator, run.voices, fmt, encode_stream_, on_segment, started
    )
    on_progress(Progress("mastering", 0, 1))
    loudness, silences = delivered.loudness, delivered.silences
    if not on_target(loudness, settings.loudness):
        # The prediction missed (an unusual voice or article): master the mix the careful
        # way, from the clips just narrated (all in the cache now).
        master_file = run.scratch / "master.flac"

        def render_master_(pcm: Iterable[bytes], pcm_format: PcmFormat) -> Loudness:
            return render_master(pcm, pcm_format, master_file)

        mixdown, source = render_whole(
            plan, settings, run.narrator, run.voices, fmt, render_master_
        )
        loudness = master(
            master_file,
            run.encoded,
            run.scratch,
            source_loudness=source,
            target_lufs=settings.loudness,
            metadata={},
            chapters=[],
        )
        silences = measure_delivered(run.encoded).silences
        parts = (0, 0)  # the file is the careful master's, encoded in one pass
    on_progress(Progress("mastering", 1, 1))
    return mixdown, loudness, silences, parts


def _tag(
    run: _Run, plan: Plan, settings: Settings, cover: Cover, chapters: Sequence[Chapter]
) -> None:
    """Tag the audio with its title, show, chapters and cover."""
    audio = run.audio
    tags, fmt = _tags(plan, settings), format_for(run.destination)
    if fmt.ffmpeg_tags:
        encode(
            run.encoded,
            audio,
            metadata=tags.as_metadata(),
            chapters=[(c.start_ms, c.end_ms, c.title) for c in chapters],
            copy=True,
        )
        if fmt.chapters:  # the cover and chapter frames only a tagged container holds
            finish_tags(audio, cover, chapters)
    else:
        write_mp3_tags(audio, tags, chapters, cover)


def _check(run: _Run, plan: Plan, settings: Settings, mixdown: Mixdown, silences: Any) -> None:
    """The file is as long as the mix, and every clip is where the plan put it."""
    _verify_duration(run.audio, mixdown.duration_ms)
    check_episode(
        utterances=plan.utterances,
        timings=mixdown.utterances,
        duration_ms=mixdown.duration_ms,
        rate=settings.rate or run.narrator.default_rate,
        silences=silences,
        pauses=settings.pauses,
    )


def _details(
    run: _Run, plan: Plan, settings: Settings, loudness: Loudness, chapters: Sequence[Chapter]
) -> dict[str, Any]:
    """The manifest's account of the episode's making."""
    return details(plan, settings, run.voices) | {
        "article_id": article_id(plan.article),
        "audio": run.destination.name,
        "sidecars": [path.name for path in run.files[1:]],
        "loudness": {
            "target_lufs": settings.loudness,
            "integrated_lufs": loudness.integrated_lufs,
            "true_peak_dbtp": loudness.true_peak_dbtp,
            "range_lu": loudness.range_lu,
        },
        "chapters": [
            {"start_ms": c.start_ms, "end_ms": c.end_ms, "title": c.title} for c in chapters
        ],
        "produced": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def _prune(cache: ClipCache) -> None:
    with contextlib.suppress(OSError):
        cache.prune()


def _cover(plan: Plan, settings: Settings) -> Future[Cover]:
    """The user's cover, read now; or ours, drawn on a thread of its own while the episode is
    narrated (0.4 s of Pillow, measured on the sample under cProfile: a tenth of a warm run)."""
    if settings.cover is not None:
        done: Future[Cover] = Future()
        done.set_result(read_cover(settings.cover))
        return done
    drawing: Future[Cover] = Future()

    def draw() -> None:
        try:
            drawing.set_result(make_cover(plan.script.title, settings.show))
        except BaseException as exc:  # handed to whoever waits for it
            drawing.set_exception(exc)

    threading.Thread(target=draw, name="cover", daemon=True).start()
    return drawing


def _verify_duration(audio: Path, expected_ms: int) -> None:
    # An MP3's Info frame says how long it plays: read in-process, no ffprobe to start.
    is_mp3 = format_for(audio).muxer == "mp3"
    actual = mp3_length_ms(audio) if is_mp3 else probe_duration_ms(audio)
    if abs(actual - expected_ms) > _DURATION_TOLERANCE_MS:
        raise ExportError(
            f"the encoded episode lasts {actual} ms but the mix lasts {expected_ms} ms; "
            "nothing was written"
        )


def _tags(plan: Plan, settings: Settings) -> Tags:
    article = public_article(plan.article)
    page = article.page
    source = "standard input" if article.source == STDIN else article.source
    if page and page.url:
        source = page.url
    return Tags(
        title=plan.script.title,
        artist=page.author if page and page.author else settings.show,
        album=settings.show,
        date=datetime.date.today().isoformat(),
        comment=f"Read aloud from {source} by article2podcast {__version__}",
        language=plan.script.language,
    )
