"""The library's published files: feed, pages, audio (HEAD and byte ranges), covers.

SCAFFOLD: the helper owning this module implements it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response


async def published(request: Request) -> Response:
    raise NotImplementedError  # SCAFFOLD
