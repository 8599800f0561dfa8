"""The plan of an episode: what it will say, in which voice, before any audio exists.

read -> check the language -> script -> pace
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .episode.manifest import build_manifest
from .episode.naming import public_article
from .errors import InputError
from .model import Article, Role, Script, Segment, Utterance
from .reading import STDIN, read_article
from .reading.alphabets import dominant_script
from .reading.language import Language, find_language, language_name, primary
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
    language = find_language(article, settings.language)
    warnings = _check_language(article, language, name, settings)
    script = script_article(
        article,
        show=settings.show,
        max_chars=settings.max_utterance_chars,
        lexicon=lexicon,
        language=language.tag,
    )
    utterances = tuple(plan_utterances(script, settings.pauses))
    if not any(has_words(u.text) for u in utterances if u.role != "host"):
        raise InputError(
            f"{name} has nothing to read aloud (only markup, symbols or runs of characters "
            "that are not words); give an article with some text in it"
        )
    return Plan(article, script, utterances, lexicon, warnings)


def _check_language(
    article: Article, language: Language, name: str, settings: Settings
) -> tuple[str, ...]:
    """Refuse an article its voices cannot read; say when its language could not be told.

    The default voices speak the article's language (resolve_voices refuses one the engine has
    no voice for, naming it); English voices would read Arabic or Chinese letter by letter, by
    name, so text in another script taken for English is refused.
    """
    _check_piper(language.tag, name, settings)
    if settings.voice is not None or settings.piper.model is not None:
        return ()  # the user's choice of voice
    if primary(language.tag) == "en":
        script = dominant_script("\n".join([article.title, *(b.text for b in article.blocks)]))
        if script not in ("Latin", ""):
            raise InputError(
                f"{name} is written in {script} script, but its language was "
                f"{_TAKEN[language.source]} English; give its language with --language CODE "
                "(or a voice with --voice; list them with --voices)"
            )
    if language.source == "default":
        return (
            f"could not tell the language of {name} (too little text, or too mixed), so it is "
            "read in English; give --language CODE if it is in another language",
        )
    return ()


_TAKEN = {
    "asked": "given as",
    "declared": "declared as",
    "detected": "detected as",
    "default": "taken as",
}


def _check_piper(language: str, name: str, settings: Settings) -> None:
    """Piper speaks the language of its voice file: the bundled voice English, a user's voice
    what its .onnx.json says (`language.code`, else `espeak.voice`)."""
    if settings.engine != "piper":
        return
    model = settings.piper.model
    spoken = "en" if model is None else _piper_voice_language(model)
    if spoken is None or primary(spoken) == primary(language):
        return
    voice = "the bundled Piper voice" if model is None else f"the Piper voice {model.name}"
    wanted = language_name(language)
    raise InputError(
        f"{name} is in {wanted}, but {voice} speaks {language_name(primary(spoken))}; give "
        f"--piper-voice with a {wanted} voice (.onnx), or use the default engine, which has one"
    )


def _piper_voice_language(model: Path) -> str | None:
    """The language a Piper voice file's config names, or None if it cannot be read (the
    engine then says what is wrong with it)."""
    try:
        config = json.loads(model.with_name(model.name + ".json").read_text(encoding="utf-8"))
        code = (config.get("language") or {}).get("code") or (config.get("espeak") or {})["voice"]
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return None
    return str(code) if code else None


def plan_manifest(plan: Plan, settings: Settings) -> dict[str, Any]:
    """The manifest of a plan: segments as they would be read (in which voice), no timings."""
    from .narration.proxy import EngineProcess
    from .narration.voices import resolve_voices

    with EngineProcess(settings.engine, settings.engine_settings()) as engine:
        voices = resolve_voices(engine, settings.requested_voices(), plan.script.language)
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
