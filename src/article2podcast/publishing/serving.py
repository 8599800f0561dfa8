"""Serving a folder of episodes over HTTP, with byte ranges so that players can seek.

Only what we publish leaves the folder: a regular file named at its top level whose real path
(links resolved) is still inside the folder, with nothing hidden on the way (so never the
`.part` file of an episode being made) and an extension we write. No listings: `/` is the
index page, any other folder is not found.
"""

from __future__ import annotations

import email.utils
import http.server
import logging
import os
import re
import shutil
import socket
import stat
import sys
import threading
from datetime import UTC, datetime
from functools import partial
from typing import Any, BinaryIO
from urllib.parse import unquote

from ..audio.formats import FORMATS, mime_types
from ..environment import environment

_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
SERVED_SUFFIXES = frozenset(
    {*FORMATS, ".html", ".xml", ".json", ".vtt", ".srt", ".md", ".png", ".jpg", ".jpeg"}
)
"""What a folder of episodes holds that we made: audio, pages, feed, manifests, captions,
notes, covers."""
IDLE_TIMEOUT = 30.0
"""Seconds a connection may stay silent (or not read) before it is closed."""
MAX_CONNECTIONS = 64
"""Connections answered at once; more are closed at once (a player tries again)."""

log = logging.getLogger(__package__)


class RangeRequestHandler(http.server.SimpleHTTPRequestHandler):
    """The standard file handler, confined to the folder's published files, answering
    `Range: bytes=a-b` with 206 and those bytes."""

    _remaining: int | None = None
    extensions_map = {  # noqa: RUF012 - the base class's own attribute, extended
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        **mime_types(),  # the episodes' audio, from the formats table
        ".vtt": "text/vtt", ".srt": "application/srt", ".xml": "application/rss+xml",
        ".json": "application/json", ".md": "text/markdown",
    }  # fmt: skip

    def setup(self) -> None:
        # The socket's timeout: a client that stops sending (or reading) no longer holds a
        # thread for ever.
        super().setup()
        self.connection.settimeout(getattr(self.server, "idle_timeout", IDLE_TIMEOUT))

    def send_head(self) -> Any:
        found = self._published_file()
        if isinstance(found, int):
            self.send_error(found)
            return None
        path, handle = found
        try:
            return self._answer(path, handle)
        except BaseException:
            handle.close()
            raise

    def _answer(self, path: str, handle: BinaryIO) -> BinaryIO | None:
        facts = os.fstat(handle.fileno())
        size = facts.st_size
        header = self.headers.get("Range")
        match = _RANGE.match(header.strip()) if header else None
        if match is None or match.groups() == ("", ""):
            # No range, or a form we do not serve: the whole file, as allowed.
            if self._not_modified(facts.st_mtime):
                handle.close()
                self.send_response(304)
                self.end_headers()
                return None
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(path))
            self.send_header("Content-Length", str(size))
            self.send_header("Last-Modified", self.date_time_string(int(facts.st_mtime)))
            self.end_headers()
            return handle
        first, last = match.groups()
        if first == "":  # the last N bytes
            start, end = max(0, size - int(last)), size - 1
        else:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        if start >= size or start > end:
            handle.close()
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        handle.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self._remaining = end - start + 1
        return handle

    def _published_file(self) -> tuple[str, BinaryIO] | int:
        """The file the request names, open, or the HTTP status that answers it instead."""
        name = self.path.split("?", 1)[0].split("#", 1)[0]
        try:
            name = unquote(name, errors="strict")
        except UnicodeDecodeError:
            return 400
        if "\0" in name or not name.startswith("/"):
            return 400
        name = name[1:] or "index.html"
        if "/" in name or name.startswith(".") or _suffix(name) not in SERVED_SUFFIXES:
            return 404  # a folder, something hidden, or a file we do not make
        root = os.path.realpath(self.directory)
        real = os.path.realpath(os.path.join(root, name))
        inside = os.path.relpath(real, root).split(os.sep)
        if os.path.commonpath([root, real]) != root or any(p.startswith(".") for p in inside):
            return 404  # a link out of the folder, or into something hidden in it
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        try:
            handle = os.open(real, flags)
        except OSError:
            return 404
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            os.close(handle)
            return 404
        return real, os.fdopen(handle, "rb")

    def _not_modified(self, mtime: float) -> bool:
        given = self.headers.get("If-Modified-Since")
        if not given or self.headers.get("If-None-Match"):
            return False
        try:
            since = email.utils.parsedate_to_datetime(given)
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return datetime.fromtimestamp(int(mtime), UTC) <= since

    def copyfile(self, source: Any, outputfile: Any) -> None:
        remaining = getattr(self, "_remaining", None)
        if remaining is None:
            shutil.copyfileobj(source, outputfile)
            return
        while remaining > 0:
            chunk = source.read(min(64 * 1024, remaining))
            if not chunk:
                break
            outputfile.write(chunk)
            remaining -= len(chunk)
        self._remaining = None

    def list_directory(self, path: Any) -> None:
        self.send_error(404)  # never a listing (send_head does not ask; this says so)

    def end_headers(self) -> None:
        if not self.headers.get("Range"):
            self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        if environment().serve_log:
            super().log_message(format, *args)


def _suffix(name: str) -> str:
    return os.path.splitext(name)[1].lower()


class EpisodeServer(http.server.ThreadingHTTPServer):
    """A threaded server with a bound on its connections, quiet about clients that leave."""

    def __init__(
        self, address: tuple[str, int], handler: Any, *, idle_timeout: float = IDLE_TIMEOUT
    ) -> None:
        # An IPv6 address listens on IPv6; a name or an IPv4 address on IPv4.
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.idle_timeout = idle_timeout
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return  # a player that seeks drops its connection; an idle one is closed: normal
        log.warning(
            "serve: could not answer %s: %s: %s", client_address[0], type(error).__name__, error
        )


def make_server(
    folder: os.PathLike[str] | str, host: str, port: int, *, idle_timeout: float = IDLE_TIMEOUT
) -> EpisodeServer:
    """A server for `folder` on host:port (port 0: any free port); a connection silent for
    `idle_timeout` seconds is closed."""
    handler = partial(RangeRequestHandler, directory=os.fspath(folder))
    return EpisodeServer((host, port), handler, idle_timeout=idle_timeout)
