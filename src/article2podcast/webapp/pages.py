"""The home page (add a URL or a file, the queue live, the episodes, the feed address with a
copy button and a QR code), the web app manifest with its share target, and the share page.

The page is self-contained (no CDN, no web font): its styles and script are inline, under a
strict Content-Security-Policy that lets only that script (by its nonce) run. Its script
builds everything an item says with `textContent`, and calls the JSON API (`api`). The forms
post to `/share` too, so adding works without the script. Nothing is ever added on a GET:
`/share?url=...` (what a phone's share sheet opens) asks first.
"""

from __future__ import annotations

import json
import re
import secrets
from html import escape
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import quote, urlencode

import segno
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ..errors import InputError

_ASSETS = files(__package__) / "assets"
NAME = "Listening queue"
"""What the installed web app is called (on a phone's home screen and share sheet)."""
_ICON = "data:image/svg+xml," + quote(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96">'
    '<rect width="96" height="96" rx="20" fill="#b3541e"/>'
    '<path d="M30 62V34a18 18 0 0 1 36 0v28" fill="none" stroke="#fff" stroke-width="7"/>'
    '<rect x="22" y="52" width="14" height="22" rx="5" fill="#fff"/>'
    '<rect x="60" y="52" width="14" height="22" rx="5" fill="#fff"/></svg>'
)
"""The app's icon (headphones), for when the library has no show cover yet."""
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def feed_address(base_url: str, key: str | None) -> str:
    """The address a podcast app subscribes to."""
    return keyed(base_url + "feed.xml", key)


def keyed(address: str, key: str | None) -> str:
    """`address` with the key every request needs, when there is one."""
    if not key:
        return address
    return address + ("&" if "?" in address else "?") + urlencode({"key": key})


def bookmarklet(base_url: str, key: str | None) -> str:
    """A `javascript:` link that opens the share page for the page being read."""
    start = keyed(base_url + "share", key) + ("&" if key else "?") + "url="
    # A javascript: URL is percent-decoded before it runs: a '%' must stay one.
    script = f"void(window.open({json.dumps(start)}+encodeURIComponent(location.href)))"
    return "javascript:" + script.replace("%", "%25")


def qr_svg(address: str) -> str:
    """`address` as a QR code, an inline SVG (no style attribute: the page's CSP allows none)."""
    code = segno.make(address, error="m")
    return str(code.svg_inline(scale=4, border=2, omitsize=True, title="QR code of " + address))


def home_html(*, feed: str, base_url: str, key: str | None, nonce: str) -> str:
    """The home page; the queue and the episodes are filled in by its script."""
    values = {
        "nonce": nonce,
        "key": key or "",
        "manifest": keyed("/manifest.webmanifest", key),
        "share": keyed("/share", key),
        "index": keyed("/index.html", key),
        "feed": feed,
        "bookmarklet": bookmarklet(base_url, key),
    }
    page = Template(_asset("home.html")).substitute(
        {name: escape(value) for name, value in values.items()}
        | {"qr": qr_svg(feed), "style": _asset("home.css"), "script": _asset("home.js")}
    )
    return page


def content_security_policy(nonce: str) -> str:
    """Only our own inline script and style run; everything else is this origin's files."""
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'nonce-{nonce}'",
            f"style-src 'nonce-{nonce}'",
            "img-src 'self' data:",
            "media-src 'self'",
            "connect-src 'self'",
            "manifest-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


def _page(html: str, nonce: str, status: int = 200) -> HTMLResponse:
    headers = {
        "Content-Security-Policy": content_security_policy(nonce),
        "Referrer-Policy": "same-origin",  # the key may be in the address; Origin stays
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }
    return HTMLResponse(html, status_code=status, headers=headers)


async def home(request: Request) -> Response:
    config = request.app.state.config
    nonce = secrets.token_urlsafe(16)
    feed = feed_address(config.base_url, config.key)
    return _page(home_html(feed=feed, base_url=config.base_url, key=config.key, nonce=nonce), nonce)


def manifest_data(folder: Path, key: str | None) -> dict[str, Any]:
    """The web app manifest: installable, and a share target (GET, so nothing is added before
    the share page asks)."""
    icons: list[dict[str, str]] = [{"src": _ICON, "sizes": "any", "type": "image/svg+xml"}]
    size = _png_size(folder / "cover.png")
    if size:
        icons.insert(0, {"src": keyed("/cover.png", key), "sizes": size, "type": "image/png"})
    return {
        "name": NAME,
        "short_name": NAME,
        "description": "Articles read aloud, in your podcast app (article2podcast).",
        "start_url": keyed("/", key),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3541e",
        "icons": icons,
        "share_target": {
            "action": "/share",
            "method": "GET",
            "params": {"url": "url", "text": "text", "title": "title"},
        },
    }


def _png_size(path: Path) -> str | None:
    """A PNG's size as a manifest gives it ("1400x1400"), from its header; None if none."""
    try:
        with path.open("rb") as file:
            head = file.read(24)
    except OSError:
        return None
    if len(head) < 24 or not head.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    return f"{width}x{height}"


async def web_manifest(request: Request) -> Response:
    config = request.app.state.config
    return JSONResponse(
        manifest_data(config.folder, config.key), media_type="application/manifest+json"
    )


def shared_url(url: str | None, text: str | None, title: str | None) -> str:
    """The address shared: `url`, else the first one in `text` (where Android puts it) or
    `title`; "" when none was."""
    if url and url.strip():
        return url.strip()
    for words in (text, title):
        found = _URL_IN_TEXT.search(words or "")
        if found:
            return found[0].rstrip(".,;:!?)]")
    return ""


def share_html(*, url: str, action: str, home: str, error: str | None, nonce: str) -> str:
    """The page a share opens: what will be added, and a button (a same-origin POST) to add it."""
    found = (
        f'<p>Add this article to your listening queue?</p><p class="url">{escape(url)}</p>'
        if url
        else "<p>No web address came with what was shared: paste the article's address.</p>"
    )
    problem = f'<p class="bad" role="alert">Not added: {escape(error)}</p>' if error else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>Add to your listening queue</title>
<style nonce="{nonce}">{_SHARE_STYLE}</style>
</head>
<body>
<main>
<h1>Add to your listening queue</h1>
{problem}{found}
<form method="post" action="{escape(action)}">
<label for="url">Web address of the article</label>
<input id="url" name="url" type="url" required value="{escape(url)}">
<p><button type="submit">Add to the queue</button> <a href="{escape(home)}">Cancel</a></p>
</form>
</main>
</body>
</html>
"""


_SHARE_STYLE = """
:root { color-scheme: light dark; --accent: #b3541e; }
body { margin: 0 auto; max-width: 40rem; padding: 1rem; font: 1.0625rem/1.5 system-ui,
  -apple-system, "Segoe UI", sans-serif; overflow-wrap: anywhere; }
a { color: var(--accent); } .bad { color: #b00020; } .url { font-weight: 600; }
label { display: block; font-weight: 600; margin-top: 1rem; }
input { font: inherit; width: 100%; padding: .5rem; box-sizing: border-box; }
button { font: inherit; padding: .5rem 1rem; border: 0; border-radius: .4rem;
  background: var(--accent); color: #fff; min-height: 2.5rem; cursor: pointer; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
"""


async def share(request: Request) -> Response:
    """GET: the confirmation page for what was shared. POST (its form, or the home page's
    forms without their script): add the URL or the file, then back to the home page."""
    key = request.app.state.config.key
    nonce = secrets.token_urlsafe(16)
    action, home_page = keyed("/share", key), keyed("/", key)
    if request.method == "GET":
        q = request.query_params
        url = shared_url(q.get("url"), q.get("text"), q.get("title"))
        return _page(
            share_html(url=url, action=action, home=home_page, error=None, nonce=nonce), nonce
        )
    async with request.form() as form:  # (closes an upload's temporary file)
        upload, url = form.get("file"), str(form.get("url") or "").strip()
        try:
            await _add(request.app.state.producer, upload, url)
        except InputError as exc:
            html = share_html(url=url, action=action, home=home_page, error=str(exc), nonce=nonce)
            return _page(html, nonce, status=400)
    return RedirectResponse(home_page, status_code=303)


async def _add(producer: Any, upload: Any, url: str) -> None:
    """Queue the uploaded file, else the URL (InputError: neither, or refused)."""
    if isinstance(upload, UploadFile) and upload.filename:
        await run_in_threadpool(producer.add_file, upload.filename, await upload.read())
    elif url:
        await run_in_threadpool(producer.add_url, url)
    else:
        raise InputError("nothing to add: give the article's web address, or a file")
