"""The pronunciation lexicon: words and phrases, and how to say them.

A lexicon is a TOML file of `written = "said"` pairs, such as `Teigen = "TY-gin"` or
`"Chrissy Teigen" = "KRIS-ee TY-gin"`. Whole words and phrases only. A key written all in
lower case matches any capitalisation ("nato" matches "NATO" and "Nato"); a key with a capital
letter matches only as written. Longer keys win over shorter ones. The said form is passed to
the engine untouched by the other rules: respellings with capitals and hyphens read well in
espeak-ng ("TY-gin" is [t'aIdZ'In]).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

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
    """written -> said."""

    def merged(self, other: Lexicon) -> Lexicon:
        """This lexicon with `other`'s entries added (and winning)."""
        return Lexicon({**self.entries, **other.entries})

    def apply(self, text: str, say: Callable[[str, str], str]) -> str:
        """`text` with every entry replaced by `say(written, said)`."""
        if not self.entries:
            return text
        return _pattern(tuple(self.entries)).sub(
            lambda match: say(match.group(), self._said(match.group())), text
        )

    def _said(self, written: str) -> str:
        if written in self.entries:
            return self.entries[written]
        return self.entries[written.lower()]


def _pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = [
        f"(?i:{re.escape(key)})" if key == key.lower() else re.escape(key)
        for key in sorted(keys, key=len, reverse=True)
    ]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


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
    entries: dict[str, str] = {}
    for written, said in data.items():
        if not isinstance(said, str) or not said.strip() or not written.strip():
            raise InputError(
                f'lexicon {path}: entry {written!r} must be a word = "how to say it" string'
            )
        entries[written.strip()] = said.strip()
    return Lexicon(entries)


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
