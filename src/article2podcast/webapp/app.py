"""The web app, wired: routes, the security middleware, and the producer's lifespan."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from ..settings import Settings
from . import api, files, pages, security
from .queue import Producer


@dataclass(frozen=True)
class Config:
    """What `serve` was asked for."""

    folder: Path
    """The library folder."""
    base_url: str
    """Where it is served, as a podcast app reaches it (`http://HOST:PORT/`)."""
    key: str | None
    """The key every request needs; None: none (loopback only)."""
    settings: Settings
    """How each episode is made."""
    workers: int = 1
    """Articles produced at once."""
    dask: str | None = None
    """A Dask scheduler to produce on instead."""


def make_app(config: Config) -> Starlette:
    """The app serving `config.folder`; its producer runs while the app does."""
    producer = Producer(config.folder, config.settings, workers=config.workers, dask=config.dask)
    routes = [
        Route("/", pages.home, methods=["GET", "HEAD"]),
        Route("/api/items", api.list_items, methods=["GET"]),
        Route("/api/items", api.add_item, methods=["POST"]),
        Route("/api/items/{id:int}", api.get_item, methods=["GET"]),
        Route("/api/items/{id:int}", api.delete_item, methods=["DELETE"]),
        Route("/api/items/{id:int}/retry", api.retry_item, methods=["POST"]),
        Route("/api/events", api.events, methods=["GET"]),
        Route("/manifest.webmanifest", pages.web_manifest, methods=["GET"]),
        Route("/share", pages.share, methods=["GET", "POST"]),
        Route("/{name:path}", files.published, methods=["GET", "HEAD"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(security.Guard, key=config.key)],
        lifespan=producer.lifespan,
    )
    app.state.config = config
    app.state.producer = producer
    return app
