"""The check before narrating: what will be said differently from how it is written, and
which names the voice may not know, so the lexicon can be fixed before any audio is made."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from ..planning import Plan
from .speakable import Change, speak
from .speakable.english import ABBREVIATIONS
from .speakable.english_numbers import MONTHS

_CAPITALISED = re.compile(r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+)*(?:['’][a-z]+)?")
_ABBREVIATED = (
    frozenset(ABBREVIATIONS) | {"St."} | {f"{month[:n]}." for month in MONTHS for n in (3, 4)}
)
_COMMON = frozenset("I The A An And But Or He She It We They You His Her Its Our Their".split())


@dataclass(frozen=True)
class Report:
    """What `article2podcast check` found."""

    changes: list[tuple[Change, int]]
    """Each distinct change the rules and the lexicon make, with how often."""
    names: list[str]
    """Capitalised words inside sentences (names, places): the ones to listen for."""
    skipped: list[str] = field(default_factory=list)
    """What was left out as reference apparatus (`Article.skipped`), one line each."""


def _names(sentence: str) -> list[str]:
    """Capitalised words that are not capitalised for starting a sentence or a quotation
    (an abbreviation's full stop, as in "Mr. Teigen", does not end a sentence)."""
    tokens = sentence.split()
    found = []
    for previous, token in itertools.pairwise(tokens):
        ends_sentence = previous[-1] in ".!?:" and previous not in _ABBREVIATED
        if ends_sentence or not token[0].isupper() or token in _ABBREVIATED:
            continue
        match = _CAPITALISED.match(token)
        if match and match.group() not in _COMMON:
            found.append(match.group().replace("’", "'").split("'")[0])
    return found


def check(plan: Plan) -> Report:
    """The tokens at risk in a plan's script."""
    counts: Counter[Change] = Counter()
    names: dict[str, None] = {}
    for segment in plan.script.segments:
        if segment.kind in ("intro", "outro"):
            continue
        for sentence in segment.sentences:
            counts.update(speak(sentence.text, plan.lexicon, plan.script.language)[1])
            if segment.kind not in ("title", "heading"):  # Title Case says nothing
                for name in _names(sentence.text):
                    names.setdefault(name, None)
    changed = {change.written for change in counts}
    return Report(
        changes=sorted(counts.items(), key=lambda item: (item[0].rule, item[0].written)),
        names=[name for name in names if name not in changed],
        skipped=list(plan.article.skipped),
    )


def render(report: Report, pronunciations: dict[str, str]) -> str:
    """The report as text: what is skipped, the changes by rule, then the names with how the
    voice says them."""
    lines = ["Skipped (not read aloud; --keep-references reads it):"]
    lines += [f"  {part}" for part in report.skipped] or ["  nothing"]
    lines += ["", "Said differently from how it is written:"]
    for change, count in report.changes:
        times = f"  (x{count})" if count > 1 else ""
        lines.append(f"  {change.rule:<16} {change.written} -> {change.said}{times}")
    if not report.changes:
        lines.append("  nothing")
    lines += ["", "Names and other capitalised words, as the voice will say them:"]
    width = max((len(name) for name in report.names), default=0)
    for name in report.names:
        said = pronunciations.get(name)
        lines.append(f"  {name:<{width}}  /{said}/" if said else f"  {name}")
    if not report.names:
        lines.append("  none")
    lines += [
        "",
        'To change how a word is said, add a line such as  Teigen = "TY-gin"  to a lexicon',
        "(a TOML file given with --lexicon, or your own lexicon.toml; see the README).",
    ]
    return "\n".join(lines)
