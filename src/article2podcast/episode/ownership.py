"""Which files are ours to replace, and which article an episode is of.

We only ever replace files we made: the `<stem>.json` beside an episode is ours when it is one
of our manifests for that stem, and it names the episode's audio and sidecars (`sidecars`,
recorded since this field was added; a manifest without it made every sidecar of `SIDECARS`).
Anything else at one of an episode's names is in the way.

Two different articles never share an episode: each manifest records its article's identity
(`article_id`), and a run claims its stem, under the folder's lock, before it starts, so two
runs at once cannot pick the same name (see `claim`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..audio.formats import FORMATS
from ..errors import ExportError, InputError
from ..files import read_regular
from ..locking import folder_lock, hold, is_held, release
from ..model import Article
from ..reading.fetching import is_url
from .manifest import read_manifest
from .naming import SIDECARS, STDIN, default_episode_path, public_url, sidecar

# `.<stem>.<8 characters of mkstemp>.claim`: a live run's claim on a stem.
_CLAIM = re.compile(r"\..+\.[a-z0-9_]{8}\.claim")
_CLAIM_MAX_BYTES = 64 * 1024


def article_id(article: Article) -> str:
    """Who the article is, whatever its headline: a file by where it is (so an edited file is
    the same article, and its episode is replaced), a web page by its public address, standard
    input by its text (nothing else tells two pages on standard input apart).

    A hash, so that the manifest, which is published, does not tell where the file is."""
    source = article.source
    if source == STDIN:
        text = "\n".join([article.title, *(block.text for block in article.blocks)])
        return _hashed("text:" + text)
    return _source_id(source)


def _source_id(source: str) -> str:
    if source.lower().startswith(("http://", "https://")):
        return _hashed("url:" + public_url(source))
    return _hashed("file:" + os.path.realpath(source))


def _hashed(identity: str) -> str:
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _legacy_id(manifest: dict[str, object]) -> str | None:
    """The article identity of a manifest written before `article_id` was recorded, from the
    source it named then (a file by its whole path, or an address), so that upgrading does not
    turn a user's episode into `<slug>-2`; standard input then had no identity: None."""
    source = manifest.get("source")
    if not isinstance(source, str) or source in ("", STDIN) or "\0" in source:
        return None
    if not source.lower().startswith(("http://", "https://")) and not os.path.isabs(source):
        return None  # a bare file name (as manifests record now) says nothing about where
    return _source_id(source)


def episode_files(episode: Path, *, cover_generated: bool) -> list[Path]:
    """Every file a run writes for `episode`: the audio, then its sidecars."""
    suffixes = [s for s in SIDECARS if cover_generated or s != ".png"]
    return [episode, *(sidecar(episode, suffix) for suffix in suffixes)]


@dataclass(frozen=True)
class _Owned:
    """What the manifest at a stem says is ours."""

    names: frozenset[str]
    """The names of the files we made there."""
    article: str | None
    """The identity of their article (None: unknown, as for standard input before it was
    recorded)."""


def _owned(episode: Path) -> _Owned:
    manifest = read_manifest(sidecar(episode, ".json"))
    if manifest is None:
        return _Owned(frozenset(), None)
    audio = str(manifest["audio"])
    if Path(audio).name != audio or Path(audio).stem != episode.stem:
        return _Owned(frozenset(), None)  # a manifest of ours, but not of this stem
    listed = manifest.get("sidecars")
    if isinstance(listed, list):
        names = {name for name in listed if isinstance(name, str)}
    else:
        names = {episode.stem + suffix for suffix in SIDECARS}
    article = manifest.get("article_id")
    return _Owned(
        frozenset({*names, audio, episode.stem + ".json"}),
        article if isinstance(article, str) else _legacy_id(manifest),
    )


def in_the_way(episode: Path, files: Sequence[Path], *, article: str | None) -> Path | None:
    """The first of `files` (the names of `episode`) that is there and not ours to replace,
    or None. With `article`, our files must also be of that article (a name we choose
    ourselves); without it, of any article (a name the user gave)."""
    owned: _Owned | None = None
    for path in files:
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        except OSError:
            return path
        if owned is None:
            owned = _owned(episode)
        ours = stat.S_ISREG(info.st_mode) and path.name in owned.names
        if not ours or (article is not None and owned.article != article):
            return path
    return None


def claimed_by_another(episode: Path, article: str) -> bool:
    """Whether a live run is making an episode of another article under `episode`'s stem.

    Claims of runs that are over (killed ones included) are removed on the way."""
    for stem, claimant in _claims(episode.parent):
        if stem == episode.stem and claimant != article:
            return True
    return False


def _claims(folder: Path) -> Iterator[tuple[str, str]]:
    try:
        names = [entry.name for entry in os.scandir(folder) if _CLAIM.fullmatch(entry.name)]
    except OSError:
        return
    for name in names:
        path = folder / name
        if not is_held(path):
            with contextlib.suppress(OSError):
                path.unlink()  # a claim of a run that is over
            continue
        claim = _read_claim(path)
        if claim is not None:
            yield claim


def _read_claim(path: Path) -> tuple[str, str] | None:
    raw = read_regular(path, _CLAIM_MAX_BYTES, follow=False)
    if raw is None:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
        return str(data["stem"]), str(data["article"])
    except (ValueError, KeyError, TypeError):
        return None


@contextlib.contextmanager
def claim(
    proposed: Path,
    article: str,
    *,
    choose: Callable[[], Path] | None,
    cover_generated: bool,
) -> Iterator[Path]:
    """Claim the name of an episode for as long as the block runs; yields the episode's path.

    With `choose` (a name we pick), the name is picked again under the folder's lock: the first
    whose files are free or this article's, and that no live run claims for another article.
    Without it (`proposed` is the user's), the run stops if another article's episode is being
    made under that name right now. Files in the way are checked again when they are renamed
    into place (see `check`)."""
    folder = proposed.parent
    with folder_lock(folder):
        if choose is not None:
            episode = choose()
        else:
            episode = proposed
            if claimed_by_another(episode, article):
                raise InputError(
                    f"-o {proposed}: an episode of another article is being made under this "
                    "name right now; wait for it to finish or choose another name"
                )
        try:
            handle, name = tempfile.mkstemp(prefix=f".{episode.stem}.", suffix=".claim", dir=folder)
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump({"stem": episode.stem, "article": article}, file)
            held = hold(Path(name))
        except OSError as exc:
            raise ExportError(f"cannot write in {folder}: {exc.strerror}") from exc
    try:
        yield episode
    finally:
        with contextlib.suppress(OSError):
            Path(name).unlink()
        release(held)


def check(episode: Path, files: Sequence[Path], *, article: str | None) -> None:
    """Raise if a file not ours appeared at one of `files` while the episode was made (run
    under the folder's lock, just before the files are renamed into place)."""
    blocker = in_the_way(episode, files, article=article)
    if blocker is not None:
        raise ExportError(
            f"{blocker} appeared while the episode was made, and article2podcast did not make "
            "it, so it is not replaced; nothing was written: move it away and run again"
        )


def output_path(
    requested: str | None,
    article: Article,
    title: str,
    default_folder: Path,
    *,
    cover_generated: bool = True,
) -> Path:
    """Where the episode of `article` goes; checks that it can be written there, before any
    work is done.

    Without a requested path: `<slug-of-title>.mp3` in `default_folder` (created), or
    `<slug>-2.mp3`... when one of its files is in the way (not ours, or of another article);
    the producer picks it again when it starts. A requested path is the user's: the episode
    replaces what is there, its sidecars only files of ours (not `cover_generated`: no cover
    is written beside it).
    """
    if requested is None:
        try:
            default_folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                f"cannot create the output folder {default_folder} ({exc.strerror}); "
                "choose another with --output-dir or -o"
            ) from exc
        return choose(default_folder, article, title, cover_generated=cover_generated)
    path = Path(requested)
    if path.is_dir():
        raise InputError(f"-o {requested} is a folder; give a file name such as episode.mp3")
    if path.suffix.lower() not in FORMATS:
        raise InputError(
            f"-o {requested}: unsupported format {path.suffix or '(none)'!r}; end the name in "
            f"one of {', '.join(FORMATS)}"
        )
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"-o {requested}: folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK):
        raise InputError(f"-o {requested}: folder {folder} is not writable; choose another")
    files = episode_files(path, cover_generated=cover_generated)
    for target in files:
        if _is_the_article(target, article):
            raise InputError(f"-o {requested} would overwrite the article itself; choose another")
        if target.is_dir():
            raise InputError(f"-o {requested}: {target} is a folder; choose another name")
    blocker = in_the_way(path, files[1:], article=None)
    if blocker is not None:
        raise InputError(
            f"-o {requested}: {blocker} is in the way (article2podcast did not make it, so it "
            "is not replaced); move it away or choose another name"
        )
    return path


def choose(
    folder: Path, article: Article, title: str, *, cover_generated: bool, claims: bool = False
) -> Path:
    """The first default name in `folder` whose files are all free or this article's (and,
    with `claims`, that no live run is making another article's episode under)."""
    identity = article_id(article)
    from_file = article.source != STDIN and not is_url(article.source)
    source_name = Path(article.source).stem if from_file else ""

    def taken(episode: Path) -> bool:
        files = episode_files(episode, cover_generated=cover_generated)
        return (
            any(_is_the_article(path, article) for path in files)
            or in_the_way(episode, files, article=identity) is not None
            or (claims and claimed_by_another(episode, identity))
        )

    return default_episode_path(folder, title, source_name, taken)


def _is_the_article(path: Path, article: Article) -> bool:
    if article.source == STDIN or is_url(article.source):
        return False
    try:
        return path.exists() and path.samefile(article.source)
    except OSError:
        return False
