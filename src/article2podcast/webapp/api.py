"""The JSON API the page uses, for scripts and phone shortcuts too.

SCAFFOLD: the helper owning this module implements it (see issue 16 item 2).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response


async def list_items(request: Request) -> Response:
    raise NotImplementedError  # SCAFFOLD


async def add_item(request: Request) -> Response:
    raise NotImplementedError  # SCAFFOLD


async def get_item(request: Request) -> Response:
    raise NotImplementedError  # SCAFFOLD


async def delete_item(request: Request) -> Response:
    raise NotImplementedError  # SCAFFOLD


async def retry_item(request: Request) -> Response:
    raise NotImplementedError  # SCAFFOLD


async def events(request: Request) -> Response:
    raise NotImplementedError  # SCAFFOLD
