"""Fetching a web page by its URL, with httpx: timeouts, a size limit, redirects followed."""

from __future__ import annotations

from dataclasses import dataclass

from . import __version__
from .errors import Article2PodcastError, InputError

TIMEOUT_S = 20.0
MAX_BYTES = 20_000_000
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Fetched:
    """A page as fetched."""

    url: str
    """Where it was found, after redirects."""
    data: bytes
    """Its body."""


def is_url(source: str) -> bool:
    """Whether `source` names a web page rather than a file."""
    return source.lower().startswith(("http://", "https://"))


def fetch(url: str, *, timeout: float = TIMEOUT_S, max_bytes: int = MAX_BYTES) -> Fetched:
    """The HTML page at `url`; our own errors, with the fix, for everything that goes wrong."""
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
            if kind and kind not in _HTML_TYPES:
                raise InputError(
                    f"{url} is not a web page ({kind}); give the address of an article's page"
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise InputError(
                        f"{url}: the page is larger than {max_bytes / 1e6:g} MB; save the "
                        "article's text to a file instead"
                    )
            return Fetched(url=str(response.url), data=bytes(body))
    except httpx.TimeoutException as exc:
        raise Article2PodcastError(
            f"{url}: no answer within {timeout:.0f} s; try again, or save the page and give "
            "the file"
        ) from exc
    except httpx.TooManyRedirects as exc:
        raise InputError(f"{url}: too many redirects; give the article's final address") from exc
    except httpx.InvalidURL as exc:
        raise InputError(f"{url} is not a valid address ({exc})") from exc
    except httpx.HTTPError as exc:
        raise Article2PodcastError(
            f"{url}: could not fetch it ({exc}); check your connection, or save the page and "
            "give the file"
        ) from exc
