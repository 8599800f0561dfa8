"""The library's published files: feed, pages, audio (HEAD and byte ranges), covers.

Only what we publish leaves the folder: a regular file named at its top level whose real path
(links resolved) is still inside the folder, with nothing hidden on the way (so never the
library's `.article2podcast/` nor the `.part` file of an episode being made) and an extension
we write. No listings. Starlette's FileResponse answers HEAD and `Range: bytes=` (206 with
Content-Range, 416 past the end, Accept-Ranges on every answer).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from ..audio.formats import mime_types

MEDIA_TYPES = {
    **mime_types(),  # the episodes' audio, from the formats table
    ".html": "text/html", ".xml": "application/rss+xml", ".json": "application/json",
    ".vtt": "text/vtt", ".srt": "application/srt", ".md": "text/markdown",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
}  # fmt: skip
"""The Content-Type of each extension we write."""
SERVED_SUFFIXES = frozenset(MEDIA_TYPES)
"""What a folder of episodes holds that we made: audio, pages, feed, manifests, captions,
notes, covers."""


async def published(request: Request) -> Response:
    """The published file the path names, else 404 (400 for a path that is not one)."""
    found = published_file(request.app.state.config.folder, request.scope.get("raw_path", b""))
    if isinstance(found, int):
        return PlainTextResponse("bad request\n" if found == 400 else "not found\n", found)
    path, facts = found
    return FileResponse(path, stat_result=facts, media_type=MEDIA_TYPES[_suffix(path)])


def published_file(folder: Path, raw_path: bytes) -> tuple[str, os.stat_result] | int:
    """The file `raw_path` (as the request line gives it) names in `folder` and its facts,
    or the HTTP status that answers it instead."""
    try:
        name = unquote(raw_path.decode("ascii"), errors="strict")
    except UnicodeDecodeError:
        return 400
    if "\0" in name or not name.startswith("/"):
        return 400
    name = name[1:]
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return 404  # a folder, something hidden
    if _suffix(name) not in SERVED_SUFFIXES:
        return 404  # a file we do not make
    root = os.path.realpath(folder)
    real = os.path.realpath(os.path.join(root, name))
    if os.path.commonpath([root, real]) != root:
        return 404  # a link out of the folder
    if any(part.startswith(".") for part in os.path.relpath(real, root).split(os.sep)):
        return 404  # a link into something hidden in it
    if _suffix(real) not in SERVED_SUFFIXES:
        return 404  # a link to a file we do not make
    try:
        facts = os.stat(real)
    except OSError:
        return 404
    if not stat.S_ISREG(facts.st_mode):
        return 404  # a folder, a pipe, a device
    return real, facts


def _suffix(name: str) -> str:
    return os.path.splitext(name)[1].lower()
