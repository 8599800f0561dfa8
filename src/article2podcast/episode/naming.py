"""Output names: the slug of a title, where an episode and its sidecars go, and how the
article's source is named in what we publish."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from ..model import Article

ExistsCheck = Callable[[Path], bool]

STDIN = "-"
SIDECARS = (".vtt", ".srt", ".json", ".chapters.json", ".md", ".png", ".html")
"""What is written beside the episode `<stem>.<format>` (the cover only when generated)."""
# Query keys whose values are secrets, matched against the key lower-cased with everything but
# letters and digits removed ("X-Amz-Signature" -> "xamzsignature"). Dropping a harmless key
# only shortens a link; keeping a secret one publishes it.
_SECRET_PARTS = (
    "token", "secret", "passw", "signature", "session", "sessid", "credential", "bearer",
    "jwt", "apikey", "privatekey",
)  # fmt: skip
_SECRET_ENDINGS = ("key", "sig", "auth", "sid", "pass", "pwd")
# `user:password@` before a host name.
_USERINFO = re.compile(r"[^\s/@:]+:[^\s/@]*@(?=[\w\[])")
_SECRET_KEYS = frozenset({"code", "pw", "otp", "ticket", "nonce", "hash", "cred", "creds"})

SLUG_MAX_CHARS = 60
DEFAULT_FOLDER = Path("audio")


def slugify(title: str, fallback: str = "episode") -> str:
    """A file-name-safe, lower-case ASCII slug of `title` (`fallback` when nothing is left)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    ascii_title = ascii_title.replace("'", "").replace("’", "")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > SLUG_MAX_CHARS:
        cut = slug.rfind("-", 0, SLUG_MAX_CHARS + 1)
        slug = slug[: cut if cut > 0 else SLUG_MAX_CHARS]
    return slug or fallback


def default_episode_path(folder: Path, title: str, source_name: str, exists: ExistsCheck) -> Path:
    """`<slug>.mp3` in `folder`, or `<slug>-2.mp3`, `-3`... when the name is taken by another
    article's episode (`exists(path)` says whether an episode of a *different* article is there).

    A title with no Latin letters (Cyrillic, Greek, CJK...) is named after its file instead.
    """
    stem = slugify(title, fallback=slugify(source_name))
    path = folder / f"{stem}.mp3"
    number = 2
    while exists(path):
        path = folder / f"{stem}-{number}.mp3"
        number += 1
    return path


def sidecar(episode: Path, suffix: str) -> Path:
    """The path of a file that goes with `episode`: `<stem><suffix>` beside it."""
    return episode.with_name(episode.stem + suffix)


def public_url(url: str) -> str:
    """`url` as it may be published: without a user name or password, without query
    parameters that look secret (tokens, keys, signatures, sessions...) and without a fragment
    (where sign-in flows put tokens)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    host = parts.netloc.rpartition("@")[2]
    # The kept parameters stay as written (decoding and encoding again could change them).
    query = "&".join(
        piece
        for piece in parts.query.split("&")
        if piece and not _is_secret(unquote_plus(piece.partition("=")[0]))
    )
    return urlunsplit((parts.scheme, host, parts.path, query, ""))


def _is_secret(key: str) -> bool:
    plain = re.sub(r"[^a-z0-9]", "", key.lower())
    return (
        plain in _SECRET_KEYS
        or plain.endswith(_SECRET_ENDINGS)
        or any(part in plain for part in _SECRET_PARTS)
    )


def _public_site(site: str) -> str:
    if "@" in site and not any(char.isspace() for char in site):
        return site.rpartition("@")[2]  # an address's host with its user name
    return _USERINFO.sub("", site)


def public_source(source: str) -> str:
    """How the article's source is recorded in what we publish: a web address without its
    secrets (see `public_url`), a local file by its name alone ('-' for standard input)."""
    if source == STDIN:
        return STDIN
    if source.lower().startswith(("http://", "https://")):
        return public_url(source)
    return Path(source).name


def public_article(article: Article) -> Article:
    """`article` with everything that names where it came from made public: the one place
    every writer (manifest, notes, tags, page, feed) takes the source from."""
    page = article.page
    if page is not None:
        page = dataclasses.replace(
            page,
            url=public_url(page.url) or None if page.url else page.url,
            image=public_url(page.image) or None if page.image else page.image,
            # A page without a site name is named after its address's host, user name and
            # password included.
            site=_public_site(page.site) if page.site else page.site,
            author=_USERINFO.sub("", page.author) if page.author else page.author,
        )
    return dataclasses.replace(article, source=public_source(article.source), page=page)
