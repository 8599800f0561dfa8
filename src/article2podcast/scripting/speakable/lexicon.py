"""The pronunciation lexicon: words and phrases, and how to say them.

A lexicon is a TOML file of `written = "said"` pairs, such as `Teigen = "TY-gin"` or
`"Chrissy Teigen" = "KRIS-ee TY-gin"`. Whole words and phrases only. A key written all in
lower case matches any capitalisation ("nato" matches "NATO" and "Nato"); a key with a capital
letter matches only as written. Longer keys win over shorter ones. The said form is passed to
the engine untouched by the other rules (only cleaned of markup and control characters, as the
article is): respellings with capitals and hyphens read well in espeak-ng ("TY-gin" is
[t'aIdZ'In]).

Entries can be given per language, in a table named for its BCP 47 tag: `[de]` then
`Teigen = "Tei-gen"`. A `[pt]` table applies to pt-BR and pt-PT, a `[pt-BR]` table (winning)
only to pt-BR, a `["*"]` table to every language. The entries outside any table apply to
English articles only: respellings are written for a voice's sounds ("TY-gin" is English
spelling; a German voice reads it otherwise), and every lexicon written before articles had a
language was written for the English voice. The built-in entries are English too.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import InputError

BUILTIN = {
    "article2podcast": "article to podcast",
    "COVID-19": "covid nineteen",
    "iOS": "eye oh ess",
    "macOS": "mac oh ess",
    "GitHub": "git hub",
    "YouTube": "you tube",
    "LinkedIn": "linked in",
    "Wi-Fi": "why fye",
    "9/11": "nine eleven",
    "24/7": "twenty-four seven",
    "50/50": "fifty fifty",
}


@dataclass(frozen=True)
class Lexicon:
    """Written forms and how to say them."""

    entries: Mapping[str, str] = field(default_factory=dict)
    """written -> said, for English articles."""
    by_language: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """A language tag in lower case ("de", "pt-br", "*" for all) -> its entries."""

    def merged(self, other: Lexicon) -> Lexicon:
        """This lexicon with `other`'s entries added (and winning)."""
        tables = {**self.by_language}
        for tag, entries in other.by_language.items():
            tables[tag] = {**tables.get(tag, {}), **entries}
        return Lexicon({**self.entries, **other.entries}, tables)

    def for_language(self, language: str) -> Lexicon:
        """The entries that apply to an article in `language` (a BCP 47 tag)."""
        tag = language.lower().replace("_", "-")
        if tag not in self._views:
            primary = tag.split("-")[0]
            if primary == "en" and not self.by_language:
                return self  # the common case keeps its index
            entries = dict(self.by_language.get("*", {}))
            if primary == "en":
                entries.update(self.entries)
            for key in dict.fromkeys((primary, tag)):
                entries.update(self.by_language.get(key, {}))
            self._views[tag] = Lexicon(entries)
        return self._views[tag]

    @functools.cached_property
    def _views(self) -> dict[str, Lexicon]:
        # One view per language, built once: each has its own index.
        return {}

    def apply(self, text: str, say: Callable[[str, str], str]) -> str:
        """`text` with every entry replaced by `say(written, said)`."""
        if not self.entries:
            return text
        return self._index.apply(text, say)

    @functools.cached_property
    def _index(self) -> _Index:
        # Built once per lexicon, not once per sentence: a 50,000-entry lexicon takes a
        # noticeable fraction of a second to index.
        return _Index(self.entries)


# Where an entry can start: not inside a word nor at a space. An entry's "head" is its first
# word, or its first character when that is not a word character ("9/11" starts with "9",
# ".NET" with ".").
_START = re.compile(r"(?<!\w)(?:\w+|[^\w\s])")
_WORD_CHARACTER = re.compile(r"\w")


class _Index:
    """The entries by head and length, so finding the entry at a place in the text costs a few
    dictionary look-ups however many entries there are (one regular expression alternating
    between 50,000 entries tries every one of them at every word)."""

    def __init__(self, entries: Mapping[str, str]) -> None:
        self.exact: dict[str, str] = {}
        self.folded: dict[str, str] = {}  # keys written in lower case match any capitalisation
        lengths: defaultdict[str, set[int]] = defaultdict(set)
        for written, said in entries.items():
            head = _START.match(written)
            if head is None:
                continue  # empty, or starting with a space: never found in a text
            (self.folded if written == written.lower() else self.exact)[written] = said
            lengths[head.group().lower()].add(len(written))
        self.lengths = {head: sorted(found, reverse=True) for head, found in lengths.items()}

    def apply(self, text: str, say: Callable[[str, str], str]) -> str:
        pieces: list[str] = []
        done = position = 0
        while (start := _START.search(text, position)) is not None:
            found = self._entry_at(text, start.start(), start.group())
            if found is None:
                position = start.end()
                continue
            written, said = found
            pieces += [text[done : start.start()], say(written, said)]
            done = position = start.start() + len(written)
        pieces.append(text[done:])
        return "".join(pieces)

    def _entry_at(self, text: str, start: int, head: str) -> tuple[str, str] | None:
        """The longest entry written at `start` and ending where a word does."""
        for length in self.lengths.get(head.lower(), ()):
            end = start + length
            if end > len(text) or _WORD_CHARACTER.match(text, end):
                continue
            written = text[start:end]
            if written in self.exact:
                return written, self.exact[written]
            if written.lower() in self.folded:
                return written, self.folded[written.lower()]
        return None


def load_lexicon(path: Path) -> Lexicon:
    """Read a lexicon file; a mistake in it is an InputError naming the file and the fix."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"lexicon {path}: no such file; check the path") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"lexicon {path}: cannot read it ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            f'lexicon {path}: not valid TOML ({exc}); write one entry per line: Word = "say it"'
        ) from exc
    tables: dict[str, dict[str, str]] = {}
    for tag, table in data.items():
        if isinstance(table, dict):
            if not _TAG.fullmatch(tag):
                raise InputError(
                    f"lexicon {path}: [{tag}] is not a language tag; an entry must be a "
                    'word = "how to say it" string, or sit in a table named for its language, '
                    'such as [de] or [pt-BR] (["*"] for every language)'
                )
            tables[tag.lower()] = _entries(path, table)
    entries = _entries(path, {k: v for k, v in data.items() if not isinstance(v, dict)})
    return Lexicon(entries, tables)


_TAG = re.compile(r"\*|[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


def _entries(path: Path, data: Mapping[str, object]) -> dict[str, str]:
    entries: dict[str, str] = {}
    for written, said in data.items():
        if not isinstance(said, str) or not said.strip() or not written.strip():
            raise InputError(
                f'lexicon {path}: entry {written!r} must be a word = "how to say it" string'
            )
        entries[written.strip()] = said.strip()
    return entries


def user_lexicon_path() -> Path:
    """Where the user's own lexicon lives (used when it exists)."""
    from platformdirs import user_config_path

    return user_config_path("article2podcast") / "lexicon.toml"


def default_lexicon(extra: Path | None = None) -> Lexicon:
    """The built-in lexicon, then the user's (if it exists), then `extra` (--lexicon)."""
    lexicon = Lexicon(BUILTIN)
    user = user_lexicon_path()
    if user.is_file():
        lexicon = lexicon.merged(load_lexicon(user))
    if extra is not None:
        lexicon = lexicon.merged(load_lexicon(extra))
    return lexicon
