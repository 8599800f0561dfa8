"""Serving the web app over HTTP: uvicorn on a socket we bind ourselves (so that a wrong host
or a taken port is one line, and port 0 tells the port it got), with a bound on connections
and an end to silent ones.

uvicorn closes a connection that stays silent after a response (its keep-alive timeout), but
not one that never sends a request or stops halfway through its headers, nor one that stops
reading what it asked for: our protocol closes those too, so a client can never hold a
connection for ever.
"""

from __future__ import annotations

import asyncio
import errno
import signal
import socket
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..environment import environment
from ..errors import InputError

IDLE_TIMEOUT = 30
"""Seconds a connection may stay silent (or not read) before it is closed."""
MAX_CONNECTIONS = 64
"""Connections answered at once; a request beyond them is answered 503 (a player retries)."""


class _Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with a timer on silence before and within a request and on
    a client that stops reading."""

    _stalled: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._wait_for_request()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.cycle is None or self.cycle.response_complete:
            self._wait_for_request()  # still reading a request: its bytes must keep coming

    def _wait_for_request(self) -> None:
        if self.transport.is_closing():
            return
        self._unset_keepalive_if_required()
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )

    def pause_writing(self) -> None:
        super().pause_writing()
        self._stalled = self.loop.call_later(self.timeout_keep_alive, self.transport.abort)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._stalled is not None:
            self._stalled.cancel()
            self._stalled = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._stalled is not None:
            self._stalled.cancel()
        super().connection_lost(exc)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free port); a host that is not an address
    of this machine, or a port in use, is our InputError in one line."""
    listening = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
        listening.listen(128)
        return listening
    except (OSError, ValueError) as exc:
        listening.close()
        # A name that does not resolve, an address that is not this machine's, a host with a
        # NUL or a bad international name: the host is wrong, not the port.
        if isinstance(exc, ValueError | socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
            raise InputError(
                f"cannot listen on --host {host!r}: it is not an address of this machine; "
                "give one such as 127.0.0.1 (this machine only) or 0.0.0.0 (all its networks)"
            ) from exc
        raise InputError(
            f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port"
        ) from exc


def make_server(
    app: Any,
    *,
    idle_timeout: int = IDLE_TIMEOUT,
    limit_concurrency: int = MAX_CONNECTIONS,
) -> uvicorn.Server:
    """A uvicorn server for the ASGI `app`; run it with `.run(sockets=[bind(...)])`."""
    quiet = not environment().serve_log
    config = uvicorn.Config(
        app,
        http=_Protocol,
        lifespan="on",
        log_level="warning" if quiet else "info",
        access_log=not quiet,
        timeout_keep_alive=idle_timeout,
        limit_concurrency=limit_concurrency,
        proxy_headers=False,  # a client must not name its own address (the rate limit's key)
        server_header=False,
        timeout_graceful_shutdown=5,
    )
    return uvicorn.Server(config)


def port_of(server_socket: socket.socket) -> int:
    """The port a bound socket listens on."""
    return int(server_socket.getsockname()[1])


def run_until_stopped(server: uvicorn.Server, listening: socket.socket) -> bool:
    """Run `server` until Ctrl-C or SIGTERM (True) or until it cannot go on (False).

    uvicorn answers the signal itself (a graceful shutdown) and then raises it again for
    whoever handled it before: that is a quiet note here, not an exception thrown into the
    shutdown (which uvicorn would log as a traceback)."""
    stopped: list[int] = []

    def stop(number: int, _: object) -> None:
        stopped.append(number)
        server.should_exit = True  # (a signal before uvicorn took them over stops it too)

    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, stop) for number in signals}
    try:
        server.run(sockets=[listening])
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return bool(stopped)
