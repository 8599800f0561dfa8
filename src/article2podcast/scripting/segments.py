"""Scripting: an `Article` becomes the ordered segments of an episode, split into sentences."""

from __future__ import annotations

import functools
from collections.abc import Callable

from ..model import Article, Block, Role, Script, Segment, SegmentKind, Sentence
from .framing import framing
from .quoting import split_quotes
from .sentences import split_long, split_sentences
from .speakable import BUILTIN_LEXICON, has_words, speakable
from .speakable.lexicon import Lexicon

Say = Callable[[str], str]
Split = Callable[[str], list[str]]  # a paragraph into sentences, in the article's language

# espeak-ng reads long utterances well, but pyttsx3 crashes near 16,000 characters and a pause
# at a clause boundary sounds better than a breathless 600-character run.
MAX_UTTERANCE_CHARS = 300
DEFAULT_SHOW = "article2podcast"


def intro_text(
    show: str, title_in_text: bool, author: str | None = None, language: str = "en"
) -> str:
    """What the host says before the headline (crediting the author when the page names one),
    in `language` (English for a language we have no framing for: see `framing`)."""
    return framing(language).intro(show, title_in_text, author)


def outro_text(show: str, language: str = "en") -> str:
    """What the host says after the last paragraph, in `language`."""
    return framing(language).outro.format(show=show)


def script_article(
    article: Article,
    *,
    show: str = DEFAULT_SHOW,
    max_chars: int = MAX_UTTERANCE_CHARS,
    lexicon: Lexicon = BUILTIN_LEXICON,
    language: str = "en",
) -> Script:
    """The episode's script in `language` (BCP 47): intro, headline, the body block by
    block, outro."""
    say = functools.partial(speakable, lexicon=lexicon, language=language)
    author = article.page.author if article.page else None
    intro = intro_text(show, article.title_in_text, author, language)
    split = functools.partial(split_sentences, language=language)
    segments = [_segment("intro", intro, max_chars, say, "host", split=split)]
    if article.title_in_text:
        segments.append(_segment("title", article.title, max_chars, say, split=split))
    for block in article.blocks:
        segments.extend(_block_segments(block, max_chars, say, split))
    outro = outro_text(show, language)
    segments.append(_segment("outro", outro, max_chars, say, "host", split=split))
    return Script(
        title=article.title,
        segments=tuple(s for s in segments if s.sentences),
        language=language,
    )


def _block_segments(block: Block, max_chars: int, say: Say, split: Split) -> list[Segment]:
    if block.kind == "heading":
        return [_segment("heading", block.text, max_chars, say, split=split)]
    if block.kind == "quote":
        return [_segment("quote", block.text, max_chars, say, "quote", split=split)]
    segments: list[Segment] = []
    for run in split_quotes(block.text):
        segment = _segment(
            "quote" if run.quoted else "paragraph",
            run.text,
            max_chars,
            say,
            "quote" if run.quoted else "narrator",
            continues=bool(segments),
            split=split,
        )
        if segment.sentences:
            segments.append(segment)
    return segments


def _segment(
    kind: SegmentKind,
    text: str,
    max_chars: int,
    say: Say,
    role: Role = "narrator",
    continues: bool = False,
    split: Split = split_sentences,
) -> Segment:
    sentences = tuple(
        Sentence(text=sentence, pieces=tuple(split_long(spoken, max_chars)), spoken=spoken)
        for sentence in split(text)
        if has_words(sentence) and has_words(spoken := say(sentence))
    )
    return Segment(
        kind=kind,
        text=" ".join(text.split()),
        sentences=sentences,
        role=role,
        continues=continues,
    )
