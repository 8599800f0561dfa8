"""The data that flows through the pipeline: small frozen values, one docstring line per field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["heading", "paragraph", "quote", "list_item"]
SegmentKind = Literal["intro", "title", "heading", "paragraph", "quote", "outro"]
Role = Literal["host", "narrator", "quote"]
ROLES: tuple[Role, ...] = ("narrator", "quote", "host")


@dataclass(frozen=True)
class Block:
    """One structural unit of an article's body."""

    kind: BlockKind
    """What the block is: a subheading, a paragraph, a block quote or a list item."""
    text: str
    """The block's text on one line, whitespace collapsed, markup removed."""


@dataclass(frozen=True)
class Page:
    """What a web page says about its article (None where it says nothing)."""

    author: str | None = None
    """The byline: the intro credits it, and it is the artist tag."""
    date: str | None = None
    """Publication date, YYYY-MM-DD."""
    site: str | None = None
    """The site's name."""
    url: str | None = None
    """The canonical URL (or the one it was fetched from)."""
    language: str | None = None
    """The page's language code."""
    image: str | None = None
    """The lead image's URL."""


@dataclass(frozen=True)
class Article:
    """An article as read from its source, before any narration decisions."""

    title: str
    """The headline."""
    blocks: tuple[Block, ...]
    """The body in reading order (the headline is not repeated here)."""
    title_in_text: bool = True
    """False when the source had no headline and the title was made up (e.g. from the file name)."""
    source: str = ""
    """Where the article came from (a path, or '-' for standard input)."""
    links: tuple[str, ...] = ()
    """Link targets the source marked up (Markdown links); read as their text, kept for the
    show notes."""
    page: Page | None = None
    """For a web page: its author, date, site, URL..."""
    skipped: tuple[str, ...] = ()
    """What was left out as reference apparatus (citation marks, edit links, reference
    sections), one excerpt each, for `check`; () with --keep-references."""


@dataclass(frozen=True)
class Sentence:
    """A sentence of a segment, as captioned; long ones are narrated in several pieces."""

    text: str
    """The sentence as written."""
    pieces: tuple[str, ...]
    """The utterances the engine reads: the spoken form, split at clause boundaries."""
    spoken: str = ""
    """What is said: the speakable form of `text` (numbers in words, lexicon applied...)."""


@dataclass(frozen=True)
class Segment:
    """A unit of the episode's script: the intro, the title, a heading, a paragraph..."""

    kind: SegmentKind
    """What the segment is; it decides the pauses around it."""
    text: str
    """The segment's text as written."""
    sentences: tuple[Sentence, ...]
    """The segment split into sentences."""
    role: Role = "narrator"
    """Whose voice reads it: the host (intro, outro), the narrator, or the quote voice."""
    continues: bool = False
    """True when it carries on the previous segment's paragraph (a quotation inside it, or the
    attribution after one), so only a short pause separates them."""


@dataclass(frozen=True)
class Script:
    """Everything the narrator will say, in order."""

    title: str
    """The episode title (the article's headline)."""
    segments: tuple[Segment, ...]
    """The segments in reading order, intro first and outro last."""
    language: str = "en"
    """The article's language as a BCP 47 tag ("en", "de", "pt-BR"): what is said, and how."""


@dataclass(frozen=True)
class Utterance:
    """One call to the engine: a sentence or a piece of one, with the pause before it."""

    segment: int
    """Index of the segment it belongs to."""
    sentence: int
    """Index of the sentence within that segment."""
    text: str
    """What the engine is asked to say."""
    pause_before_ms: int
    """Silence placed before this utterance in the mix."""
    role: Role = "narrator"
    """Whose voice says it."""


@dataclass(frozen=True)
class VoiceSettings:
    """How the engine should speak; None means the engine's own default."""

    voice: str | None = None
    """The engine's voice id (see --voices)."""
    rate: int | None = None
    """Speaking rate in words per minute."""


@dataclass(frozen=True)
class Voice:
    """A voice an engine offers."""

    id: str
    """The id to pass as --voice."""
    name: str
    """A human-readable name."""
    languages: tuple[str, ...] = ()
    """Language codes the voice speaks."""


@dataclass(frozen=True)
class Timing:
    """Where something sits in the finished episode, in milliseconds."""

    start_ms: int
    """Start from the beginning of the episode."""
    end_ms: int
    """End from the beginning of the episode."""


@dataclass(frozen=True)
class WordTime:
    """One spoken word and when it is heard, in milliseconds from the start of its clip (in a
    clip) or of the episode (in the manifest)."""

    text: str
    """The word as spoken (the speakable text's word, not the written one)."""
    start_ms: int
    """When the word starts."""
    end_ms: int
    """When the word ends."""


@dataclass(frozen=True)
class Heard:
    """What the recogniser heard in a clip (`--verify`), and how well it matches the text."""

    score: float
    """1 - the word error rate against the text meant, both normalised, clamped to 0..1."""
    text: str
    """The recogniser's transcript."""


@dataclass(frozen=True)
class Clip:
    """One utterance as narrated: its speech trimmed of the engine's silence, and measured."""

    pcm: bytes
    """Raw little-endian PCM, interleaved."""
    sample_rate: int
    """Frames per second."""
    sample_width: int
    """Bytes per sample."""
    channels: int
    """Interleaved channels."""
    gain_db: float | None
    """The gain that levels it to the clip loudness target (None: too short to measure)."""
    words: tuple[WordTime, ...] = ()
    """Each spoken word's time in the trimmed clip; () where neither the engine nor the
    recogniser told."""
    words_from: str = ""
    """Who timed the words: "engine", "recogniser" or "estimate" ('' for no words)."""
    heard: Heard | None = None
    """What the recogniser heard (`--verify`); None when the clip was not listened to."""

    @property
    def frames(self) -> int:
        return len(self.pcm) // (self.sample_width * self.channels)
