"""Pacing: the silence before each utterance, chosen by the script's structure.

Broadcast readers leave about a third of a second between sentences, most of a second
between paragraphs, and set headings apart with longer pauses on both sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Script, Segment, SegmentKind, Utterance

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass(frozen=True, kw_only=True)
class Pauses:
    """Silence lengths in milliseconds."""

    lead_in: int = 400
    """Before the first word of the episode."""
    tail: int = 1200
    """After the last word of the episode."""
    clause: int = 150
    """Between the pieces of a sentence that was split at a clause boundary."""
    sentence: int = 380
    """Between sentences of a segment."""
    paragraph: int = 800
    """Between paragraphs (and quotes)."""
    before_heading: int = 1300
    """Before a subheading."""
    after_heading: int = 700
    """After a subheading."""
    after_intro: int = 500
    """Between the intro and the headline."""
    after_title: int = 1400
    """After the headline, before the article starts."""
    voice_change: int = 250
    """Between a quotation and its attribution inside a paragraph (at a comma)."""
    before_outro: int = 1600
    """After the article, before the outro."""


def pause_between(previous: Segment, following: Segment, pauses: Pauses) -> int:
    """The silence between the last sentence of one segment and the first of the next."""
    if following.continues:
        ends_sentence = _SENTENCE_END.search(previous.text) is not None
        return pauses.sentence if ends_sentence else pauses.voice_change
    return _pause_between_kinds(previous.kind, following.kind, pauses)


def _pause_between_kinds(previous: SegmentKind, following: SegmentKind, pauses: Pauses) -> int:
    if following == "outro":
        return pauses.before_outro
    if previous == "intro":
        return pauses.after_intro
    if previous == "title":
        return pauses.after_title
    if following == "heading":
        return pauses.before_heading
    if previous == "heading":
        return pauses.after_heading
    return pauses.paragraph


def plan_utterances(script: Script, pauses: Pauses = Pauses()) -> list[Utterance]:
    """Every engine call of the episode in order, each with the silence to put before it."""
    utterances: list[Utterance] = []
    previous: Segment | None = None
    for s_index, segment in enumerate(script.segments):
        for t_index, sentence in enumerate(segment.sentences):
            for p_index, piece in enumerate(sentence.pieces):
                if p_index:
                    pause = pauses.clause
                elif t_index:
                    pause = pauses.sentence
                elif previous is None:
                    pause = pauses.lead_in
                else:
                    pause = pause_between(previous, segment, pauses)
                utterances.append(Utterance(s_index, t_index, piece, pause, segment.role))
        previous = segment
    return utterances
