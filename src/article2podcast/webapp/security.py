"""Private by default: the key every request needs (when there is one), protection against
cross-site requests and DNS rebinding, a rate limit on adds, and a cap on request bodies.

The key comes as `?key=`, as `Authorization: Bearer KEY`, or as the cookie this app sets when
a valid `?key=` is given (so that a page opened from the printed address can load its audio
and captions by their relative links). Podcast apps cannot log in: the feed's links carry
`?key=` (see `publishing.feed.Channel.key`).
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "article2podcast_key"
"""The cookie that carries the key in a browser."""
COOKIE_SECONDS = 400 * 24 * 3600
"""How long a browser keeps it (the most browsers allow): a phone's home-screen app stays in."""
MAX_BODY = 6 * 1024**2
"""Bytes a request body may have: an upload within the 5 MB text limit, and its form."""
ADDS_PER_MINUTE = 30
"""Adds one client may make in a minute (a burst of as many, then one every two seconds)."""
ADDS = frozenset({("POST", "/api/items"), ("POST", "/share")})
"""The requests that add an article: rate-limited."""
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
"""Methods that change something: refused from another site."""
KEY_FORM = re.compile(r"[A-Za-z0-9._~-]{16,200}")
"""What a key may be: long enough not to be guessed, and safe in a URL and a cookie."""


def new_key() -> str:
    """A key no one guesses: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address) is this machine only."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class RateLimit:
    """A token bucket per client address: `per_minute` at once, refilled at that rate."""

    per_minute: int = ADDS_PER_MINUTE
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def wait(self, client: str, now: float | None = None) -> float:
        """Take a token for `client`: 0 when it may go on, else the seconds until it may."""
        now = time.monotonic() if now is None else now
        rate = self.per_minute / 60.0
        tokens, then = self._buckets.get(client, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - then) * rate)
        if tokens < 1.0:
            self._buckets[client] = (tokens, now)
            return (1.0 - tokens) / rate
        if len(self._buckets) > 10_000:  # forget full buckets: they are the default anyway
            self._buckets = {c: b for c, b in self._buckets.items() if b[0] < self.per_minute}
        self._buckets[client] = (tokens - 1.0, now)
        return 0.0


class _TooLarge(Exception):
    """The request's body went past MAX_BODY."""


class Guard:
    """ASGI middleware: refuses what is not allowed before the app sees it."""

    def __init__(
        self,
        app: ASGIApp,
        key: str | None,
        *,
        adds: RateLimit | None = None,
        max_body: int = MAX_BODY,
    ) -> None:
        self.app = app
        self.key = key
        self.adds = adds or RateLimit()
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await _refuse(scope, send, *refusal)
            return
        if self.key is not None and _secret_matches(_query_key(scope), self.key):
            send = _setting_cookie(send, self.key)
        await self._within_size(scope, receive, send)

    def _refusal(self, scope: Scope, headers: Headers) -> tuple[int, str, float] | None:
        """(status, why, retry-after) when the request is refused, else None."""
        method, path = scope["method"], scope["path"]
        if self.key is None and not _host_is_loopback(headers.get("host", "")):
            # No key, so only this machine may ask; a page elsewhere could otherwise reach us
            # through a name it points at 127.0.0.1 (DNS rebinding).
            return 421, "this server answers only to localhost or 127.0.0.1", 0.0
        if self.key is not None and not self._has_key(scope, headers):
            return 401, "a key is needed: open the address serve printed (with ?key=)", 0.0
        if method in UNSAFE and _cross_site(scope, headers):
            return 403, "refused: a request from another site", 0.0
        if (method, path.rstrip("/") or "/") in ADDS:
            client = scope.get("client")
            wait = self.adds.wait(client[0] if client else "")
            if wait:
                return 429, "too many adds: wait a little and try again", wait
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return 413, f"too large: a request may carry {self.max_body // 1024**2} MB", 0.0
        return None

    def _has_key(self, scope: Scope, headers: Headers) -> bool:
        assert self.key is not None
        scheme, _, token = headers.get("authorization", "").partition(" ")
        given = [_query_key(scope), token.strip() if scheme.lower() == "bearer" else None]
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a cookie header we cannot read: as if none
            cookie = SimpleCookie()
        if COOKIE in cookie:
            given.append(cookie[COOKIE].value)
        return any(_secret_matches(one, self.key) for one in given)

    async def _within_size(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app, with a body that may not grow past `max_body` (a body sent without a
        length is counted as it comes)."""
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                why = f"too large: a request may carry {self.max_body // 1024**2} MB"
                await _refuse(scope, send, 413, why, 0.0)


def _query_key(scope: Scope) -> str | None:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    found = query.get("key")
    return found[0] if found else None


def _secret_matches(given: str | None, key: str) -> bool:
    return given is not None and secrets.compare_digest(given.encode(), key.encode())


def _host_is_loopback(host: str) -> bool:
    """Whether a Host header names this machine (with or without a port)."""
    host = host.strip().lower()
    if host.startswith("[") and "]" in host:
        name = host[1 : host.index("]")]
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return is_loopback(name)


def _cross_site(scope: Scope, headers: Headers) -> bool:
    """Whether an unsafe request comes from a page of another site (a request with no Origin
    and no Referer, from a script, is not: it still needs the key)."""
    if headers.get("sec-fetch-site", "").lower() == "cross-site":
        return True
    origin = headers.get("origin")
    if origin is None:
        referer = headers.get("referer")
        if referer is None:
            return False
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    ours = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
    return origin.lower() != ours.lower()


def _setting_cookie(send: Send, key: str) -> Send:
    """`send`, adding the key's cookie to the answer."""
    cookie = (
        f"{COOKIE}={key}; Max-Age={COOKIE_SECONDS}; Path=/; HttpOnly; SameSite=Strict"
    ).encode("latin-1")

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
        await send(message)

    return sending


async def _refuse(scope: Scope, send: Send, status: int, why: str, retry: float) -> None:
    """Answer `status` with one line (JSON for the API), and nothing more."""
    if scope["path"].startswith("/api/"):
        body, kind = json.dumps({"error": why}).encode(), b"application/json"
    else:
        body, kind = (why + "\n").encode(), b"text/plain; charset=utf-8"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="article2podcast"'))
    if retry:
        headers.append((b"retry-after", str(max(1, round(retry + 0.5))).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
