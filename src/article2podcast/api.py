"""The library's face: one call makes an episode, one call plans it.

    episode = produce("article.md", Settings(show="Morning Reads"))
    print(episode.audio, episode.duration)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .planning import Plan as Plan  # the type `plan` returns
from .planning import make_plan
from .progress import OnProgress, Progress, ignore
from .settings import Settings


@dataclass(frozen=True)
class Episode:
    """A finished episode on disk."""

    audio: Path
    """The audio file."""
    duration: float
    """Its length in seconds."""
    files: dict[str, Path] = field(default_factory=dict)
    """Every file beside it, by kind: manifest, vtt, srt, chapters, notes, page, and cover
    when one was generated."""
    manifest: dict[str, Any] = field(default_factory=dict)
    """The manifest, as written to `files["manifest"]`."""
    size: int = 0
    """The audio file's size in bytes."""
    clips: int = 0
    """How many clips the episode is made of."""
    narrated: int = 0
    """How many of them the engine spoke this time (the rest came from the cache)."""
    redone: int = 0
    """How many clips were narrated again after listening back (`--verify`)."""
    parts: int = 0
    """How many parts the audio is joined from (MP3; 0: encoded in one pass)."""
    encoded: int = 0
    """How many of those parts were encoded this time (the rest were kept from before)."""


def plan(source: str | Path, settings: Settings | None = None) -> Plan:
    """What the episode of `source` (a file, an http(s) URL, or '-' for standard input) will
    say, before any audio exists."""
    return make_plan(str(source), settings or Settings())


def produce(
    source: str | Path | Plan,
    settings: Settings | None = None,
    *,
    output: str | Path | None = None,
    on_progress: OnProgress | None = None,
) -> Episode:
    """Make the episode of `source` (a file, an http(s) URL, '-' for standard input, or a
    plan already made): `output` if given (its extension sets the format), else
    `<slug-of-title>.mp3` in `settings.output_dir`. `on_progress` is told how far it is."""
    from .narration.prestart import prestarted

    settings = settings or Settings()
    if isinstance(source, Plan):
        return _produce(source, settings, output, on_progress or ignore)
    # The engine's worker starts while the article is read and planned.
    with prestarted(settings.engine, settings.engine_settings(), settings.jobs):
        tell = on_progress or ignore
        tell(Progress("reading", 0, 1))
        the_plan = plan(source, settings)
        tell(Progress("reading", 1, 1))
        return _produce(the_plan, settings, output, tell)


def _produce(
    the_plan: Plan, settings: Settings, output: str | Path | None, tell: OnProgress
) -> Episode:
    import json

    # Imported here: planning needs none of the audio, narration and episode files' modules.
    from . import producing
    from .episode.ownership import output_path
    from .episode.sidecars import sidecar_files

    destination = output_path(
        None if output is None else str(output),
        the_plan.article,
        the_plan.script.title,
        settings.output_dir,
        cover_generated=settings.cover is None,
    )
    made = producing.produce(the_plan, destination, settings, tell, named=output is not None)
    tell(Progress("done", 1, 1))
    files = sidecar_files(made.path, cover_generated=settings.cover is None)
    return Episode(
        audio=made.path,
        duration=made.duration_ms / 1000,
        files=files,
        manifest=json.loads(files["manifest"].read_text(encoding="utf-8")),
        size=made.size_bytes,
        clips=made.clips,
        narrated=made.narrated,
        redone=made.redone,
        parts=made.parts,
        encoded=made.encoded,
    )
