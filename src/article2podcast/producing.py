"""Producing an episode: the pipeline from an article to an MP3 with its captions and manifest.

read -> script -> pace -> narrate -> mix -> encode -> verify -> rename into place
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import importlib
import itertools
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from . import __version__
from .audio import music as show_music
from .audio.ffmpeg import (
    FORMATS,
    Delivered,
    encode,
    encode_stream,
    format_for,
    measure_delivered,
    probe_duration_ms,
    render_master,
)
from .audio.loudness import Loudness
from .audio.mastering import ceiling_for, master, on_target, predicted_gain
from .audio.mixing import (
    Mixdown,
    Mixer,
    Music,
    PcmFormat,
    mix,
    segment_timings,
    sentence_timings,
)
from .audio.verifying import check_episode
from .episode.captions import render_srt, render_vtt
from .episode.chapters import chapters_for, podcasting20
from .episode.cover import Cover, make_cover
from .episode.manifest import build_manifest
from .episode.naming import (
    DEFAULT_FOLDER,
    default_episode_path,
    public_article,
    sidecar,
)
from .episode.naming import SIDECARS as SIDECARS  # where the episode's files were first listed
from .episode.notes import render_notes
from .episode.ownership import (
    article_id,
    check,
    claim,
    claimed_by_another,
    episode_files,
    in_the_way,
)
from .episode.pages import episode_page
from .episode.staging import Staging, clean_abandoned
from .episode.tagging import Tags, finish_tags, write_mp3_tags
from .episode.user_cover import read_cover
from .errors import ExportError, InputError, NarrationError
from .model import Article, Clip, Role, Script, Utterance
from .narration.clipcache import ClipCache
from .narration.narrator import EngineProcess, Narrator, Voices, resolve_voices
from .programs import require
from .publishing.library import write_index
from .reading import STDIN, read_article
from .reading.alphabets import dominant_script
from .reading.fetching import is_url
from .scratch import scratch_folder
from .scripting.pacing import plan_utterances
from .scripting.segments import script_article
from .scripting.speakable import BUILTIN_LEXICON, has_words
from .scripting.speakable.lexicon import Lexicon, default_lexicon
from .settings import Settings

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
    warnings: tuple[str, ...] = ()
    """What the user should know before the episode is made (one line each)."""


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


def make_plan(source: str, settings: Settings) -> Plan:
    """Read and script the article at `source` (a path, or '-' for standard input)."""
    lexicon = default_lexicon(settings.lexicon)  # a broken lexicon fails before reading
    article = read_article(source)
    name = "standard input" if source == STDIN else source
    warnings = _check_language(article, name, settings)
    script = script_article(
        article, show=settings.show, max_chars=settings.max_utterance_chars, lexicon=lexicon
    )
    utterances = tuple(plan_utterances(script, settings.pauses))
    if not any(has_words(u.text) for u in utterances if u.role != "host"):
        raise InputError(
            f"{name} has nothing to read aloud (only markup, symbols or runs of characters "
            "that are not words); give an article with some text in it"
        )
    return Plan(article, script, utterances, lexicon, warnings)


def _check_language(article: Article, name: str, settings: Settings) -> tuple[str, ...]:
    """Refuse an article the default (English) voices cannot read; warn of one they would
    read badly. With a voice of the user's choice (or voice file), the choice is theirs."""
    if settings.voice is not None or settings.piper_voice is not None:
        return ()
    text = "\n".join([article.title, *(block.text for block in article.blocks)])
    script = dominant_script(text)
    if script not in ("Latin", ""):
        raise InputError(
            f"{name} is written in {script} script, which the default English voices cannot "
            "read; choose a voice for its language with --voice (list them with --voices)"
        )
    language = (article.page.language or "") if article.page else ""
    if language and not language.lower().startswith("en"):
        return (
            f"the page says it is in {language!r}, but the default voices read English; "
            "choose a voice for its language with --voice (list them with --voices)",
        )
    return ()


def plan_manifest(plan: Plan, settings: Settings) -> dict[str, Any]:
    """The manifest of a plan: segments as they would be read (in which voice), no timings."""
    with EngineProcess(settings.engine, settings.engine_options()) as engine:
        voices = resolve_voices(engine, settings.requested_voices())
    return build_manifest(
        plan.script, None, duration_ms=None, details=_details(plan, settings, voices), voices=voices
    )


def output_path(
    requested: str | None,
    plan: Plan,
    default_folder: Path = DEFAULT_FOLDER,
    *,
    cover: Path | None = None,
) -> Path:
    """Where the episode goes; checks that it can be written there, before any work is done.

    Without a requested path: `<slug-of-title>.mp3` in `default_folder` (created), or
    `<slug>-2.mp3`... when one of its files is in the way (not ours, or of another article);
    `produce` picks it again when it starts. A requested path is the user's: the episode
    replaces what is there, its sidecars only files of ours (`cover` given: no cover is
    written beside it).
    """
    cover_generated = cover is None
    if requested is None:
        try:
            default_folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                f"cannot create the output folder {default_folder} ({exc.strerror}); "
                "choose another with --output-dir or -o"
            ) from exc
        return _choose(default_folder, plan, cover_generated=cover_generated, claims=False)
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
    files = episode_files(path, cover_generated=cover_generated)
    for target in files:
        if _is_the_article(target, plan):
            raise InputError(f"-o {requested} would overwrite the article itself; choose another")
        if target.is_dir():
            raise InputError(f"-o {requested}: {target} is a folder; choose another name")
    blocker = in_the_way(path, files[1:], article=None)
    if blocker is not None:
        raise InputError(
            f"-o {requested}: {blocker} is in the way (article2podcast did not make it, so it "
            "is not replaced); move it away or choose another name"
        )
    return path


def _choose(folder: Path, plan: Plan, *, cover_generated: bool, claims: bool) -> Path:
    """The first default name in `folder` whose files are all free or this article's (and,
    with `claims`, that no live run is making another article's episode under)."""
    article = article_id(plan.article)
    from_file = plan.article.source != STDIN and not is_url(plan.article.source)
    source_name = Path(plan.article.source).stem if from_file else ""

    def taken(episode: Path) -> bool:
        files = episode_files(episode, cover_generated=cover_generated)
        return (
            any(_is_the_article(path, plan) for path in files)
            or in_the_way(episode, files, article=article) is not None
            or (claims and claimed_by_another(episode, article))
        )

    return default_episode_path(folder, plan.script.title, source_name, taken)


def _is_the_article(path: Path, plan: Plan) -> bool:
    source = plan.article.source
    if source == STDIN or is_url(source):
        return False
    try:
        return path.exists() and path.samefile(source)
    except OSError:
        return False


def produce(
    plan: Plan,
    destination: Path,
    settings: Settings,
    on_segment: Callable[[], None] = lambda: None,
    *,
    named: bool = True,
) -> Episode:
    """Narrate, mix and master `plan` into `destination`, with its sidecar files.

    `on_segment` is called as each segment is narrated (for a progress bar). `named`: the user
    named `destination`; otherwise it was proposed by `output_path`, and the default name is
    picked again now, atomically with the other runs in its folder (the episode's path says
    which it is).
    """
    require("ffmpeg")
    require("ffprobe")
    # numpy (the music, the levelling) takes a tenth of a second to import: meanwhile, the
    # cover is drawn and the engine's worker starts.
    threading.Thread(target=importlib.import_module, args=("numpy",), daemon=True).start()
    cover = _cover(plan, settings)  # a bad --cover fails before any narration
    fmt = format_for(destination)
    article = article_id(plan.article)
    cover_generated = settings.cover is None
    clean_abandoned(destination.parent)  # what killed runs left
    with contextlib.ExitStack() as stack:

        def choose() -> Path:
            return _choose(destination.parent, plan, cover_generated=cover_generated, claims=True)

        destination = stack.enter_context(
            claim(
                destination,
                article,
                choose=None if named else choose,
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
            Narrator(settings.engine, settings.jobs, cache, settings.engine_options())
        )
        voices = narrator.resolve_voices(settings.requested_voices())
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
        encoded = scratch / f"encoded{destination.suffix.lower()}" if fmt.ffmpeg_tags else audio

        def encode_stream_(pcm: Iterable[bytes], pcm_format: PcmFormat) -> Delivered:
            gain = predicted_gain(settings.loudness, fmt)
            return encode_stream(
                pcm, pcm_format, encoded, gain_db=gain, ceiling_dbtp=ceiling_for(fmt)
            )

        mixdown, delivered = _render(plan, settings, narrator, voices, encode_stream_, on_segment)
        narrated = narrator.narrated
        loudness, silences = delivered.loudness, delivered.silences
        if not on_target(loudness, settings.loudness):
            # The prediction missed (an unusual voice or article): master the mix the careful
            # way, from the clips just narrated (all in the cache now).
            master_file = scratch / "master.flac"

            def render_master_(pcm: Iterable[bytes], pcm_format: PcmFormat) -> Loudness:
                return render_master(pcm, pcm_format, master_file)

            mixdown, source = _render(plan, settings, narrator, voices, render_master_)
            loudness = master(
                master_file,
                encoded,
                scratch,
                source_loudness=source,
                target_lufs=settings.loudness,
                metadata={},
                chapters=[],
            )
            silences = measure_delivered(encoded).silences
        timings = sentence_timings(plan.script, plan.utterances, mixdown.utterances)
        chapters = chapters_for(plan.script, segment_timings(timings), mixdown.duration_ms)
        tags = _tags(plan, settings)
        if fmt.ffmpeg_tags:
            encode(
                encoded,
                audio,
                metadata=tags.as_metadata(),
                chapters=[(c.start_ms, c.end_ms, c.title) for c in chapters],
                copy=True,
            )
            if destination.suffix.lower() != ".wav":
                finish_tags(audio, cover, chapters)
        else:
            write_mp3_tags(audio, tags, chapters, cover)
        _verify_duration(audio, mixdown.duration_ms)
        check_episode(
            utterances=plan.utterances,
            timings=mixdown.utterances,
            duration_ms=mixdown.duration_ms,
            rate=settings.rate or narrator.default_rate,
            silences=silences,
            pauses=settings.pauses,
        )
        details = _details(plan, settings, voices) | {
            "article_id": article,
            "audio": destination.name,
            "sidecars": [path.name for path in files[1:]],
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
                public_article(plan.article),
                chapters,
                show=settings.show,
                duration_ms=mixdown.duration_ms,
            ),
        )
        if settings.cover is None:
            staging.write_bytes(sidecar(destination, ".png"), cover.data)
        elif _ours(destination, sidecar(destination, ".png")):
            staging.remove(sidecar(destination, ".png"))  # a generated cover, now not used
        cover_name = sidecar(destination, ".png").name if settings.cover is None else None
        staging.write_text(sidecar(destination, ".html"), episode_page(manifest, cover=cover_name))
        staging.write_json(sidecar(destination, ".json"), manifest)
    write_index(destination.parent)  # the folder's index page lists the new episode
    return Episode(
        path=destination,
        captions=sidecar(destination, ".vtt"),
        manifest=sidecar(destination, ".json"),
        duration_ms=mixdown.duration_ms,
        size_bytes=destination.stat().st_size,
        clips=sum(1 for utterance in plan.utterances if has_words(utterance.text)),
        narrated=narrated,
    )


Measured = TypeVar("Measured")


def _render(
    plan: Plan,
    settings: Settings,
    narrator: Narrator,
    voices: Voices,
    sink: Callable[[Iterable[bytes], PcmFormat], Measured],
    on_segment: Callable[[], None] = lambda: None,
) -> tuple[Mixdown, Measured]:
    """Narrate and mix the episode, streaming its PCM into `sink`."""
    clips = narrator.clips(plan.script, plan.utterances, voices, settings.rate, on_segment)
    try:
        held: list[Clip | None] = []
        for clip in clips:  # the mix takes the format of the engine's first clip
            held.append(clip)
            if clip is not None:
                break
        first = next((clip for clip in held if clip is not None), None)
        if first is None:
            raise NarrationError("the article has nothing to say aloud")
        mixer = Mixer(PcmFormat(sample_rate=first.sample_rate, channels=first.channels))
        music = _music(first.sample_rate) if settings.music else None
        pcm = mix(
            itertools.chain(held, clips), plan.utterances, mixer, settings.pauses.tail, music=music
        )
        loudness = sink(pcm, mixer.format)
    finally:
        clips.close()
    return mixer.mixdown(), loudness


def _ours(episode: Path, path: Path) -> bool:
    return path.exists() and in_the_way(episode, [path], article=None) is None


def _prune(cache: ClipCache) -> None:
    with contextlib.suppress(OSError):
        cache.prune()


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
    )


def _details(plan: Plan, settings: Settings, voices: Mapping[Role, str | None]) -> dict[str, Any]:
    article = public_article(plan.article)
    return {
        "source": article.source,
        "page": dataclasses.asdict(article.page) if article.page else None,
        "show": settings.show,
        "engine": settings.engine,
        "voice": voices.get("narrator"),
        "voices": dict(voices),
        "rate": settings.rate,
    }
