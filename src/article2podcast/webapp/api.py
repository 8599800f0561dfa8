"""The JSON API the page uses, for scripts and phone shortcuts too.

    POST   /api/items              {"url": ...} or a multipart `file`: 202 {"id", "status", ...}
    GET    /api/items              every item, newest first
    GET    /api/items/{id}         one item: status, progress, error, audio_url, page_url
    DELETE /api/items/{id}         204: the item and its episode's files are gone
    POST   /api/items/{id}/retry   202: a failed item is queued again
    GET    /api/events             server-sent events: an item's state each time it changes

Bad input is answered 400 with `{"error": one line}`; no such item, 404; a body larger than
an upload may be, 413 (refused before it is read).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.types import Message

from ..errors import InputError
from ..reading.limits import TEXT
from .queue import ItemState, Producer

MAX_BODY = TEXT.most + 64 * 1024
"""The largest request body: an article at the text limit, and a multipart envelope."""
HEARTBEAT_S = 15.0
"""How often an idle event stream says it is alive (a comment), so proxies keep it open."""


class _TooLarge(Exception):
    pass


def episode_url(request: Request, name: str) -> str:
    """Where the library's file `name` is served, from the app's root (`/x.mp3`)."""
    return f"{request.scope.get('root_path', '')}/{quote(name)}"


def item_json(request: Request, state: ItemState) -> dict[str, Any]:
    """An item as the API gives it."""
    return {
        "id": state.id,
        "title": state.title,
        "source": state.source,
        "status": state.status,
        "stage": state.stage,
        "step": state.done,
        "steps": state.total,
        "progress": state.progress,
        "error": state.error,
        "audio_url": episode_url(request, state.audio) if state.audio else None,
        "page_url": episode_url(request, state.page) if state.page else None,
    }


def _producer(request: Request) -> Producer:
    producer: Producer = request.app.state.producer
    return producer


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _not_found(item_id: int) -> JSONResponse:
    return _error(404, f"there is no item {item_id}; GET /api/items lists them")


async def list_items(request: Request) -> Response:
    states = await run_in_threadpool(_producer(request).items)
    return JSONResponse([item_json(request, state) for state in states])


async def add_item(request: Request) -> Response:
    """Queue a URL (`{"url": ...}`, or a form's `url` field) or an uploaded `file`."""
    try:
        body = await _read_body(request)
    except _TooLarge:
        megabytes = TEXT.most // 1024**2
        return _error(413, f"the request is too large; upload articles of up to {megabytes} MB")
    except ClientDisconnect:
        return Response(status_code=400)
    producer = _producer(request)
    try:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/json":
            state = await run_in_threadpool(producer.add_url, _json_url(body))
        elif kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
            state = await _add_form(producer, _replayed(request, body))
        else:
            raise InputError('send JSON {"url": "https://..."} or a multipart form with a file')
    except InputError as exc:
        return _error(400, str(exc))
    location = f"{request.scope.get('root_path', '')}/api/items/{state.id}"
    return JSONResponse(item_json(request, state), status_code=202, headers={"Location": location})


async def get_item(request: Request) -> Response:
    item_id = int(request.path_params["id"])
    state = await run_in_threadpool(_producer(request).item, item_id)
    if state is None:
        return _not_found(item_id)
    return JSONResponse(item_json(request, state))


async def delete_item(request: Request) -> Response:
    item_id = int(request.path_params["id"])
    if not await run_in_threadpool(_producer(request).remove, item_id):
        return _not_found(item_id)
    return Response(status_code=204)


async def retry_item(request: Request) -> Response:
    item_id = int(request.path_params["id"])
    producer = _producer(request)
    if not await run_in_threadpool(producer.retry, item_id):
        if await run_in_threadpool(producer.item, item_id) is None:
            return _not_found(item_id)
        return _error(409, f"item {item_id} has not failed; only failed items are retried")
    state = await run_in_threadpool(producer.item, item_id)
    return JSONResponse(item_json(request, state) if state else {"id": item_id}, status_code=202)


async def events(request: Request) -> Response:
    """Each item's state as it changes, as server-sent events (`data: {item json}`)."""
    return StreamingResponse(
        _event_stream(request),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _event_stream(request: Request) -> AsyncIterator[str]:
    changes = _producer(request).changes()
    following: asyncio.Task[ItemState] | None = None
    try:
        yield ": article2podcast\n\n"  # headers out at once, so the client knows it is on
        while not await request.is_disconnected():
            if following is None:
                following = asyncio.ensure_future(anext(changes))
            done, _ = await asyncio.wait({following}, timeout=HEARTBEAT_S)
            if not done:
                yield ": alive\n\n"
                continue
            state, following = following.result(), None
            yield f"data: {json.dumps(item_json(request, state))}\n\n"
    finally:
        if following is not None:  # its end first: a generator cannot close while it runs
            following.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await following
        await changes.aclose()


async def _read_body(request: Request) -> bytes:
    """The request's body, refused (`_TooLarge`) as soon as it is over `MAX_BODY`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise _TooLarge
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > MAX_BODY:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _replayed(request: Request, body: bytes) -> Request:
    """`request` again, its body read from `body` (already read and checked)."""

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


def _json_url(body: bytes) -> str:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f'the body is not JSON ({exc}); send {{"url": "https://..."}}') from exc
    url = data.get("url") if isinstance(data, dict) else None
    if not isinstance(url, str):
        raise InputError('give the article\'s address: {"url": "https://..."}')
    return url


async def _add_form(producer: Producer, request: Request) -> ItemState:
    try:
        form = await request.form(max_files=1, max_fields=10, max_part_size=MAX_BODY)
    except HTTPException as exc:  # a malformed form
        raise InputError(
            f"the form could not be read ({exc.detail}); send a file or a url"
        ) from exc
    try:
        upload = form.get("file")
        url = form.get("url")
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read()
            return await run_in_threadpool(producer.add_file, upload.filename, data)
        if isinstance(url, str) and url.strip():
            return await run_in_threadpool(producer.add_url, url)
        raise InputError("give an article: a `url` field or a `file` (.txt, .md or .html)")
    finally:
        await form.close()
