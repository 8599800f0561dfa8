"""Fetching a web page by its URL, with httpx: timeouts, a deadline, a size limit, redirects
followed."""

from __future__ import annotations

import queue
import threading
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

from .. import __version__
from ..errors import Article2PodcastError, InputError

TIMEOUT_S = 20.0
"""The longest wait for any one step: connecting, or the next bytes of the page."""
DEADLINE_S = 60.0
"""The longest wait for the whole page: a server that sends a byte now and then is given up on."""
MAX_PAGE_BYTES = 10 * 1024**2
"""The largest web page read, fetched, saved or piped: pages are mostly markup, and the
extraction of an article takes time and memory that grow faster than the page."""
HTML_TYPES = ("text/html", "application/xhtml+xml")
"""What a web page is served as: the only content types `fetch` takes unless told otherwise."""
FEED_TYPES = (
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
    "text/xml", "text/x-opml", "text/x-opml+xml", "text/plain",
)  # fmt: skip
"""What feeds and OPML files are served as (text/plain: raw files on code hosts). What they
are is told by their first bytes, not by this."""
_FIX = "save the page and give the file"


@dataclass(frozen=True)
class Fetched:
    """A page as fetched."""

    url: str
    """Where it was found, after redirects."""
    data: bytes
    """Its body."""
    charset: str | None = None
    """The character encoding the server declared for it, if it did."""


def is_url(source: str) -> bool:
    """Whether `source` names a web page rather than a file."""
    return source.lower().startswith(("http://", "https://"))


def fetch(
    url: str,
    *,
    timeout: float = TIMEOUT_S,
    deadline: float = DEADLINE_S,
    max_bytes: int = MAX_PAGE_BYTES,
    accept: Collection[str] = HTML_TYPES,
) -> Fetched:
    """The HTML page at `url`, within `deadline` seconds in all; our own errors, with the fix,
    for everything that goes wrong. A body served as a type not in `accept` is refused
    before it is read (one served with no type at all is read)."""
    _check_address(url)
    # The download runs in a thread of its own and this one waits for it, so that the deadline
    # holds at every step (name lookup, connecting, headers sent a byte at a time, the body)
    # and Ctrl-C is answered at once even while the lookup is stuck inside the C library.
    outcome: queue.SimpleQueue[Fetched | BaseException] = queue.SimpleQueue()
    stop = threading.Event()

    def work() -> None:
        try:
            outcome.put(_download(url, timeout, max_bytes, stop, accept))
        except BaseException as exc:  # raised again in the caller's thread
            outcome.put(exc)

    threading.Thread(target=work, name="article2podcast-fetch", daemon=True).start()
    try:
        result = outcome.get(timeout=deadline)
    except queue.Empty:
        raise Article2PodcastError(
            f"{url}: the page did not arrive within {deadline:g} s; try again later, or {_FIX}"
        ) from None
    finally:
        stop.set()  # the thread gives up at its next step instead of reading on
    if isinstance(result, BaseException):
        raise result
    return result


def _check_address(url: str) -> None:
    """Refuse an address that names no server, before anything is looked up."""
    problem = _address_problem(url)
    if problem:
        raise InputError(
            f"{url} is not a valid address ({problem}); give the page's full address, "
            "such as https://example.com/article"
        )


def _address_problem(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:  # "Invalid IPv6 URL"
        return "an unclosed '[' or a malformed IPv6 address"
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        return "the port must be a number from 1 to 65535"
    host = parts.hostname or ""
    if not host:
        return "it names no server"
    if any(c.isspace() or not c.isprintable() for c in host):
        return "the server's name has a space or a control character in it"
    if ":" not in host:  # an IPv6 address has no labels
        try:
            host.encode("idna")  # what the lookup does, failing late with UnicodeError
        except UnicodeError:
            return "a part of the server's name is empty or longer than 63 characters"
    return ""


def _download(
    url: str, timeout: float, max_bytes: int, stop: threading.Event, accept: Collection[str]
) -> Fetched:
    import httpx

    headers = {"User-Agent": f"article2podcast/{__version__} (+offline podcast maker)"}
    try:
        with (
            httpx.Client(follow_redirects=True, timeout=timeout, headers=headers) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise InputError(
                    f"{url}: the server answered {response.status_code} "
                    f"{response.reason_phrase}; check the address"
                )
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind and kind not in accept:
                raise InputError(
                    f"{url} is not a web page ({kind}); give the address of an article's page"
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                if stop.is_set():
                    raise Article2PodcastError(f"{url}: given up on")  # nobody waits for it
                body += chunk
                if len(body) > max_bytes:
                    raise InputError(
                        f"{url}: the page is larger than {max_bytes / 1024**2:.3g} MB; save "
                        "the article's text to a file instead"
                    )
            charset = response.charset_encoding
            return Fetched(url=str(response.url), data=bytes(body), charset=charset)
    except httpx.TimeoutException as exc:
        raise Article2PodcastError(
            f"{url}: no answer within {timeout:g} s; try again, or {_FIX}"
        ) from exc
    except httpx.TooManyRedirects as exc:
        raise InputError(f"{url}: too many redirects; give the article's final address") from exc
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise InputError(f"{url} is not a valid address ({exc})") from exc
    except httpx.HTTPError as exc:
        raise Article2PodcastError(
            f"{url}: could not fetch it ({exc}); check your connection, or {_FIX}"
        ) from exc
