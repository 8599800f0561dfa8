"""Private by default: the key every request needs (when there is one), protection against
cross-site requests, and a rate limit on adds.

SCAFFOLD: the helper owning this module implements it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


class Guard:
    """ASGI middleware: refuses what is not allowed before the app sees it."""

    def __init__(self, app: ASGIApp, key: str | None) -> None:
        self.app = app
        self.key = key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
