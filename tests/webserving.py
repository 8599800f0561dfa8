"""The web app's file serving and guard, run on the real server (uvicorn, our protocol) in a
thread: for tests of what is served, without the producer behind the full app."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from article2podcast.publishing.serving import IDLE_TIMEOUT, MAX_CONNECTIONS, bind, make_server
from article2podcast.webapp import files
from article2podcast.webapp.security import Guard


def files_app(folder: Path, key: str | None = None) -> Starlette:
    """The app's published-files route behind its guard, for `folder`."""
    app = Starlette(
        routes=[Route("/{name:path}", files.published, methods=["GET", "HEAD"])],
        middleware=[Middleware(Guard, key=key)],
    )
    app.state.config = SimpleNamespace(folder=folder)
    return app


@contextlib.contextmanager
def serving(
    folder: Path,
    *,
    key: str | None = None,
    idle_timeout: int = IDLE_TIMEOUT,
    limit_concurrency: int = MAX_CONNECTIONS,
) -> Iterator[tuple[str, int]]:
    """`folder`'s files served on 127.0.0.1 (any free port) while within; its address."""
    listening = bind("127.0.0.1", 0)
    server = make_server(
        files_app(folder, key), idle_timeout=idle_timeout, limit_concurrency=limit_concurrency
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.01)
        yield "127.0.0.1", listening.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listening.close()
