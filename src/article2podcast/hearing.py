"""`check --verify`: narrate an article (from the clip cache where it can), listen back, and
list the sentences heard worst, so that the lexicon can be fixed where the voice is not
understood."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .narration.clipcache import ClipCache
from .narration.listenback import Listener, listener_for, sentence_heard
from .narration.narrator import Narrator
from .narration.scoring import THRESHOLD
from .planning import Plan
from .settings import Settings

WORST = 10
"""How many sentences the report lists."""


@dataclass(frozen=True)
class HeardSentence:
    """A sentence as the recogniser heard it."""

    score: float
    """1 - its word error rate."""
    meant: str
    """What the engine was told to say."""
    heard: str
    """What the recogniser heard."""


def hear(the_plan: Plan, settings: Settings) -> list[HeardSentence]:
    """Every spoken sentence of `the_plan` as heard, worst first."""
    settings = dataclasses.replace(settings, verify=True)
    listener = listener_for(settings)
    assert listener is not None  # verify is on
    cache = ClipCache(settings.cache_dir) if settings.cache_dir else None
    if cache is None:
        from .scratch import scratch_folder

        with scratch_folder() as scratch:
            return _hear(the_plan, settings, listener, ClipCache(scratch / "clips"))
    cache.prepare()
    return _hear(the_plan, settings, listener, cache)


def _hear(
    the_plan: Plan, settings: Settings, listener: Listener, cache: ClipCache
) -> list[HeardSentence]:
    with Narrator(
        settings.engine, settings.jobs, cache, settings.engine_settings(), listener
    ) as narrator:
        voices = narrator.resolve_voices(settings.requested_voices(), the_plan.script.language)
        for _ in narrator.clips(the_plan.script, the_plan.utterances, voices, settings.rate):
            pass
    heard = sentence_heard(the_plan.script, the_plan.utterances, listener) or []
    found = [
        HeardSentence(h.score, sentence.spoken or sentence.text, h.text)
        for segment, row in zip(the_plan.script.segments, heard, strict=True)
        for sentence, h in zip(segment.sentences, row, strict=True)
        if h is not None
    ]
    return sorted(found, key=lambda s: s.score)


def render(sentences: list[HeardSentence], threshold: float = THRESHOLD) -> str:
    """The report: how many sentences were heard below `threshold`, then the worst."""
    below = sum(1 for s in sentences if s.score < threshold)
    lines = [
        f"{len(sentences)} sentences listened to; {below} heard below {threshold:.2f} "
        f"(1 - word error rate); the {min(WORST, len(sentences))} worst:"
    ]
    for s in sentences[:WORST]:
        lines += [f"  {s.score:.2f}  meant: {s.meant}", f"        heard: {s.heard or '(nothing)'}"]
    return "\n".join(lines)


def worst_heard(the_plan: Plan, settings: Settings) -> str:
    """`check --verify`'s report for `the_plan`."""
    return render(hear(the_plan, settings))
