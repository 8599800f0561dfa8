"""Scripting: an `Article` becomes the ordered segments of an episode, split into sentences."""

from __future__ import annotations

from .model import Article, Block, Script, Segment, SegmentKind, Sentence
from .sentences import split_long, split_sentences
from .speakable import has_words

# espeak-ng reads long utterances well, but pyttsx3 crashes near 16,000 characters and a pause
# at a clause boundary sounds better than a breathless 600-character run.
MAX_UTTERANCE_CHARS = 300
DEFAULT_SHOW = "article2podcast"
_QUOTE_PAIRS = (('"', '"'), ("“", "”"), ("'", "'"), ("‘", "’"))


def intro_text(show: str, title_in_text: bool) -> str:
    """What the host says before the headline."""
    if title_in_text:
        return f"This is {show}. Today's article:"
    return f"This is {show}. Today's article."


def outro_text(show: str) -> str:
    """What the host says after the last paragraph."""
    return f"That's the end of the article. You've been listening to {show}. Thanks for listening."


def script_article(
    article: Article, *, show: str = DEFAULT_SHOW, max_chars: int = MAX_UTTERANCE_CHARS
) -> Script:
    """The episode's script: intro, headline, the body block by block, outro."""
    segments = [_segment("intro", intro_text(show, article.title_in_text), max_chars)]
    if article.title_in_text:
        segments.append(_segment("title", article.title, max_chars))
    segments.extend(
        _segment(_segment_kind(block), block.text, max_chars) for block in article.blocks
    )
    segments.append(_segment("outro", outro_text(show), max_chars))
    return Script(title=article.title, segments=tuple(s for s in segments if s.sentences))


def _segment_kind(block: Block) -> SegmentKind:
    if block.kind == "heading":
        return "heading"
    if block.kind == "quote" or _is_quoted(block.text):
        return "quote"
    return "paragraph"


def _is_quoted(text: str) -> bool:
    """A paragraph that is one quotation from end to end."""
    for open_mark, close_mark in _QUOTE_PAIRS:
        if text.startswith(open_mark) and text.rstrip(".,!?…").endswith(close_mark):
            inner = text[1:].rstrip(".,!?…")[:-1]
            if close_mark not in inner and (open_mark == close_mark or open_mark not in inner):
                return True
    return False


def _segment(kind: SegmentKind, text: str, max_chars: int) -> Segment:
    sentences = tuple(
        Sentence(text=sentence, pieces=tuple(split_long(sentence, max_chars)))
        for sentence in split_sentences(text)
        if has_words(sentence)  # a "* * *" or an emoji alone has nothing to say
    )
    return Segment(kind=kind, text=" ".join(text.split()), sentences=sentences)
