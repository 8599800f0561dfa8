"""The web app's pages read back with html.parser: the home page, the manifest with its share
target, the share page (nothing added on a GET), and the phone-ready episode pages."""

from __future__ import annotations

import asyncio
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from article2podcast.episode.pages import episode_page, index_page
from article2podcast.errors import InputError
from article2podcast.settings import Settings
from article2podcast.webapp import pages
from article2podcast.webapp.app import Config, make_app
from article2podcast.webapp.queue import ItemState

BASE = "http://192.168.1.20:8765/"


class Page(HTMLParser):
    """Every element with its attributes, the text of each, and the labels' targets."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[int, str] = {}
        self._open: list[int] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "img", "br", "link", "input", "path"):
            self._open.append(len(self.tags) - 1)

    def handle_endtag(self, tag: str) -> None:
        while self._open and self.tags[self._open.pop()][0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        for index in self._open:
            self.text[index] = self.text.get(index, "") + data

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    def texts(self, tag: str, **attrs: str) -> list[str]:
        return [
            self.text.get(i, "")
            for i, (name, a) in enumerate(self.tags)
            if name == tag and all(a.get(k) == v for k, v in attrs.items())
        ]

    def by_id(self, ident: str) -> dict[str, str | None]:
        (found,) = [a for _, a in self.tags if a.get("id") == ident]
        return found


class FakeProducer:
    """What the share page calls, remembered; `refuse` makes each add an InputError."""

    def __init__(self, refuse: str | None = None) -> None:
        self.added: list[tuple[str, ...]] = []
        self.refuse = refuse

    def add_url(self, url: str) -> ItemState:
        if self.refuse:
            raise InputError(self.refuse)
        self.added.append(("url", url))
        return ItemState(id=1, title=url, source=url, status="queued")

    def add_file(self, name: str, data: bytes) -> ItemState:
        self.added.append(("file", name, data.decode()))
        return ItemState(id=2, title=name, source=name, status="queued")


def call(
    method: str, path: str, *, key: str | None = None, folder: Path = Path("."), **kw: Any
) -> tuple[httpx.Response, FakeProducer]:
    """One request to the app (run in process, as ASGI), with a fake producer behind it."""
    app = make_app(Config(folder=folder, base_url=BASE, key=key, settings=Settings(engine="fake")))
    producer = FakeProducer(kw.pop("refuse", None))
    app.state.producer = producer

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1:8765", headers=headers
        ) as client:
            return await client.request(method, path, **kw)

    return asyncio.run(send()), producer


class TestHomePage:
    def test_each_field_is_a_form_with_a_label(self) -> None:
        page = Page(call("GET", "/")[0].text)
        forms = {a["id"]: a for a in page.all("form")}
        assert forms["add-url"]["action"] == forms["add-file"]["action"] == "/share"
        assert forms["add-file"]["enctype"] == "multipart/form-data"
        labelled = {a["for"] for a in page.all("label")}
        fields = [a for a in page.all("input") if a.get("type") in ("url", "file")]
        assert [f["name"] for f in fields] == ["url", "file"]
        assert {f["id"] for f in fields} <= labelled
        assert ".md" in (page.by_id("file")["accept"] or "")

    def test_it_has_landmarks_and_a_polite_live_queue(self) -> None:
        page = Page(call("GET", "/")[0].text)
        assert page.all("main") and page.all("header")
        assert page.by_id("queue")["aria-live"] == "polite"
        assert {a["aria-labelledby"] for a in page.all("section")} == {
            "add-heading", "queue-heading", "episodes-heading", "feed-heading", "share-heading"
        }  # fmt: skip
        assert all(a.get("type") in ("submit", "button") for a in page.all("button"))

    @pytest.mark.parametrize(
        ("key", "address"), [(None, BASE + "feed.xml"), ("k 1&", BASE + "feed.xml?key=k+1%26")]
    )
    def test_the_feed_address_is_shown_with_a_copy_button_and_a_qr_code(
        self, key: str | None, address: str
    ) -> None:
        page = Page(call("GET", "/", key=key)[0].text)
        assert page.by_id("feed")["value"] == address
        assert page.by_id("copy")["type"] == "button"
        assert len(page.all("svg")) == 1
        assert page.texts("title")[-1] == "QR code of " + address
        assert all("style" not in a for _, a in page.tags)  # the CSP allows no style attribute

    def test_only_its_own_script_runs_under_a_fresh_nonce(self) -> None:
        first, second = call("GET", "/")[0], call("GET", "/")[0]
        policy = first.headers["content-security-policy"]
        (script,) = Page(first.text).all("script")
        assert f"script-src 'nonce-{script['nonce']}'" in policy
        assert "default-src 'none'" in policy and "unsafe-inline" not in policy
        assert Page(second.text).all("script")[0]["nonce"] != script["nonce"]
        assert first.headers["referrer-policy"] == "same-origin"

    def test_nothing_comes_from_elsewhere(self) -> None:
        page = Page(call("GET", "/")[0].text)
        addresses = [a.get(n) or "" for _, a in page.tags for n in ("src", "href")]
        outside = [a for a in addresses if "//" in a and not a.startswith("javascript:")]
        assert outside == []

    def test_the_script_never_writes_markup(self) -> None:
        """Item texts are untrusted: the script builds the DOM with textContent only."""
        script = (Path(pages.__file__).parent / "assets" / "home.js").read_text()
        assert "textContent" in script
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in script

    def test_with_a_key_every_address_of_the_page_carries_it(self) -> None:
        page = Page(call("GET", "/", key="sekrit")[0].text)
        assert page.by_id("main")["data-key"] == "sekrit"
        assert page.all("link")[0]["href"] == "/manifest.webmanifest?key=sekrit"
        assert {a["action"] for a in page.all("form")} == {"/share?key=sekrit"}


@pytest.mark.parametrize(("key", "query"), [(None, "?url="), ("a%b", "?key=a%25b&url=")])
def test_the_bookmarklet_opens_the_share_page_for_the_page_being_read(
    key: str | None, query: str
) -> None:
    link = Page(call("GET", "/", key=key)[0].text).all("a")[-2]["href"] or ""
    assert link.startswith("javascript:")
    script = unquote(link.removeprefix("javascript:"))  # as the browser runs it
    assert script == (f'void(window.open("{BASE}share{query}"+encodeURIComponent(location.href)))')


def test_the_manifest_makes_an_installable_share_target(tmp_path: Path) -> None:
    answer, _ = call("GET", "/manifest.webmanifest", key="k", folder=tmp_path)
    assert answer.headers["content-type"] == "application/manifest+json"
    manifest = answer.json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/?key=k"
    assert manifest["share_target"] == {
        "action": "/share", "method": "GET",
        "params": {"url": "url", "text": "text", "title": "title"},
    }  # fmt: skip
    assert [i["type"] for i in manifest["icons"]] == ["image/svg+xml"]


def test_the_manifest_uses_the_show_cover_when_there_is_one(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (1400, 1400), "teal").save(tmp_path / "cover.png")
    icons = call("GET", "/manifest.webmanifest", folder=tmp_path)[0].json()["icons"]
    assert icons[0] == {"src": "/cover.png", "sizes": "1400x1400", "type": "image/png"}


@pytest.mark.parametrize(
    ("url", "text", "title", "found"),
    [
        ("https://a.example/x", "whatever", None, "https://a.example/x"),
        (None, "Read this: https://news.example/story?id=4.", "A story",
         "https://news.example/story?id=4"),
        ("", None, "https://t.example/p", "https://t.example/p"),
        (None, "no address here", "nor here", ""),
        (None, "ftp://files.example/a", None, ""),
    ],
)  # fmt: skip
def test_the_shared_address_is_found_where_phones_put_it(
    url: str | None, text: str | None, title: str | None, found: str
) -> None:
    assert pages.shared_url(url, text, title) == found


class TestSharePage:
    def test_a_get_asks_and_adds_nothing(self) -> None:
        answer, producer = call("GET", "/share", params={"text": "see https://n.example/a"})
        page = Page(answer.text)
        assert answer.status_code == 200 and producer.added == []
        (form,) = page.all("form")
        assert (form["method"], form["action"]) == ("post", "/share")
        assert page.by_id("url")["value"] == "https://n.example/a"

    def test_a_hostile_address_is_text(self) -> None:
        hostile = 'https://x.example/"><script>alert(1)</script>'
        page = Page(call("GET", "/share", params={"url": hostile})[0].text)
        assert page.all("script") == [] and page.by_id("url")["value"] == hostile
        assert hostile in page.texts("p", **{"class": "url"})

    def test_a_post_adds_the_address_and_goes_home(self) -> None:
        answer, producer = call("POST", "/share", key="k", data={"url": " https://n.example/a "})
        assert producer.added == [("url", "https://n.example/a")]
        assert answer.status_code == 303 and answer.headers["location"] == "/?key=k"

    def test_a_post_adds_a_file(self) -> None:
        files = {"file": ("notes.md", b"# Title\n\nText.", "text/markdown")}
        answer, producer = call("POST", "/share", files=files)
        assert producer.added == [("file", "notes.md", "# Title\n\nText.")]
        assert answer.status_code == 303

    @pytest.mark.parametrize(
        ("data", "refuse", "message"),
        [({"url": "ftp://x"}, "only http(s) <addresses>", "only http(s) <addresses>"),
         ({"url": ""}, None, "nothing to add")],
    )  # fmt: skip
    def test_a_refused_add_is_one_line_on_the_page(
        self, data: dict[str, str], refuse: str | None, message: str
    ) -> None:
        answer, producer = call("POST", "/share", data=data, refuse=refuse)
        assert answer.status_code == 400 and producer.added == []
        (alert,) = Page(answer.text).texts("p", role="alert")
        assert alert.startswith("Not added: " + message) and "\n" not in alert


def manifest(title: str = "Story", **changes: Any) -> dict[str, Any]:
    return {
        "title": title, "audio": "story one.mp3", "duration_ms": 125_000, "show": "Reads",
        "source": "a.txt", "page": None, "produced": "2024-05-06T07:08:09+00:00",
        "chapters": [{"start_ms": 0, "title": "Intro"}, {"start_ms": 62_000, "title": title}],
        "segments": [],
    } | changes  # fmt: skip


def test_a_chapter_s_time_and_title_are_apart_so_a_narrow_screen_cannot_misalign_them() -> None:
    page = Page(episode_page(manifest("A very long chapter title " * 6), cover=None))
    assert page.texts("time")[-2:] == ["0:00", "1:02"]
    assert page.texts("span")[-1].startswith("A very long chapter title")
    assert "list-style: none" in page.texts("style")[0]


def test_the_index_shows_each_episode_with_cover_date_length_and_a_player() -> None:
    episodes = [("one.html", manifest("One")), ("two.html", manifest("Two <b>"))]
    page = Page(index_page("Reads", episodes, covers={"one.html": "one cover.png"}))
    assert page.texts("h2") == ["One", "Two <b>"]
    assert [a["src"] for a in page.all("img")] == ["one%20cover.png"]
    assert [(a["src"], a["preload"]) for a in page.all("audio")] == [
        ("story%20one.mp3", "none")
    ] * 2
    assert all("controls" in a for a in page.all("audio"))
    assert page.texts("time") == ["2024-05-06", "2:05"] * 2
