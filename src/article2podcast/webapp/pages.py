"""The home page (add a URL or a file, the queue live, the episodes, the feed address with a
copy button and a QR code), the web app manifest with its share target, and the share page.

SCAFFOLD: the helper owning this module implements it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response


async def home(request: Request) -> Response:
    raise NotImplementedError  # SCAFFOLD


async def web_manifest(request: Request) -> Response:
    raise NotImplementedError  # SCAFFOLD


async def share(request: Request) -> Response:
    raise NotImplementedError  # SCAFFOLD
