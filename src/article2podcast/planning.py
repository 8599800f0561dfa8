"""The plan of an episode: what it will say, in which voice, before any audio exists.

read -> check the language -> script -> pace
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .episode.manifest import build_manifest
from .episode.naming import public_article
from .errors import InputError
from .model import Article, Role, Script, Segment, Utterance
from .narration.narrator import EngineProcess, resolve_voices
from .reading import STDIN, read_article
from .reading.alphabets import dominant_script
from .reading.language import article_language
from .scripting.pacing import plan_utterances
from .scripting.segments import script_article
from .scripting.speakable import BUILTIN_LEXICON, has_words
from .scripting.speakable.lexicon import Lexicon, default_lexicon
from .settings import Settings


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

    @property
    def segments(self) -> tuple[Segment, ...]:
        """The script's segments in reading order, intro first and outro last."""
        return self.script.segments

    def manifest(self, settings: Settings) -> dict[str, Any]:
        """The manifest of the episode as it would be read (in which voice), no timings."""
        return plan_manifest(self, settings)


def make_plan(source: str, settings: Settings) -> Plan:
    """Read and script the article at `source` (a path, or '-' for standard input)."""
    lexicon = default_lexicon(settings.lexicon)  # a broken lexicon fails before reading
    article = read_article(source, keep_references=settings.keep_references)
    name = "standard input" if source == STDIN else source
    warnings = _check_language(article, name, settings)
    script = script_article(
        article,
        show=settings.show,
        max_chars=settings.max_utterance_chars,
        lexicon=lexicon,
        language=article_language(article, settings.language),
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
    if settings.voice is not None or settings.piper.model is not None:
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
    with EngineProcess(settings.engine, settings.engine_settings()) as engine:
        voices = resolve_voices(engine, settings.requested_voices())
    return build_manifest(
        plan.script, None, duration_ms=None, details=details(plan, settings, voices), voices=voices
    )


def details(plan: Plan, settings: Settings, voices: Mapping[Role, str | None]) -> dict[str, Any]:
    """What the manifest says of the episode's making, planned or produced."""
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
