"""Pages: an episode's read-along page and the folder's index, as self-contained HTML.

Pure: from manifests to text. A page needs nothing from outside its folder (no CDN, no web
font): the styles and the script are inline, and the audio and cover are the files beside it.
The transcript has one element per sentence with its timing (`data-start`, `data-end`, in
seconds); as the audio plays, the sentence being spoken is highlighted (and announced to
screen readers as the current one) and scrolled into view; activating a sentence or a chapter
(click, Enter or Space) plays from there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..scripting.framing import framing, shared_language
from .notes import clock

GENERATOR = "article2podcast"
"""The `<meta name="generator">` of every page we write: how we know a page is ours."""

_STYLE = """
:root { color-scheme: light dark; --accent: #b3541e; --mark: #ffe08a; --ink: #1d1d1f;
  --word: #f2b600; }
@media (prefers-color-scheme: dark) { :root { --mark: #5b4a00; --ink: #f2f2f2;
  --word: #9a7300; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 46rem; padding: 1rem; font: 1.125rem/1.6 system-ui,
  -apple-system, "Segoe UI", sans-serif; color: var(--ink); }
a { color: var(--accent); }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; }
header { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
header img { width: 8rem; height: 8rem; border-radius: .5rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .2rem 0; }
.meta { margin: 0; opacity: .8; }
.player { position: sticky; top: 0; padding: .5rem 0; background: Canvas; z-index: 1; }
audio { width: 100%; }
.chapters ol { list-style: none; padding: 0; margin: 0; }
.chapters button { font: inherit; background: none; border: 0; padding: .25rem 0; width: 100%;
  display: grid; grid-template-columns: 4.5em 1fr; gap: .5rem; align-items: baseline;
  color: var(--accent); cursor: pointer; text-align: left; }
.chapters button span { text-decoration: underline; overflow-wrap: anywhere; }
.chapters button time { color: var(--ink); opacity: .8; }
button:focus-visible, a:focus-visible, audio:focus-visible {
  outline: 3px solid var(--accent); outline-offset: 2px; }
h1, h2, p { overflow-wrap: anywhere; }
.episodes { list-style: none; padding: 0; }
.episodes li { display: flex; gap: .75rem; margin: 0 0 1.25rem; align-items: flex-start; }
.episodes li > div { flex: 1; min-width: 0; }
.episodes img { flex: none; width: 5rem; height: 5rem; border-radius: .4rem; }
.episodes h2 { font-size: 1.15rem; line-height: 1.3; margin: 0 0 .2rem; }
.episodes audio { margin-top: .4rem; }
@media (prefers-reduced-motion: reduce) { * { scroll-behavior: auto !important; }
  .w { transition: none !important; } }
.segment { margin: 0 0 1rem; }
.segment.heading, .segment.title { font-weight: 700; font-size: 1.25rem; }
.segment.quote { margin-left: 1.2rem; font-style: italic; }
.part.quote { font-style: italic; } .part.paragraph { font-style: normal; }
.segment.intro, .segment.outro { opacity: .75; }
.s { cursor: pointer; border-radius: .2rem; }
.s:hover { text-decoration: underline dotted; }
.s:focus { outline: 3px solid var(--accent); outline-offset: 2px; }
.s.now { background: var(--mark); }
.w { border-radius: .15rem; transition: background-color .12s ease-out; }
.s.now .w.wnow { background: var(--word); }
time { font-variant-numeric: tabular-nums; }
"""

_SCRIPT = """
(() => {
  const audio = document.getElementById('audio');
  const spans = Array.from(document.querySelectorAll('.s'));
  const starts = spans.map(s => parseFloat(s.dataset.start));
  const calm = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  let current = null, word = null;
  function at(t) {
    let lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) { const mid = (lo + hi) >> 1;
      if (starts[mid] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; } }
    if (found < 0) return null;
    const span = spans[found];
    return t < parseFloat(span.dataset.end) + 0.6 ? span : null;
  }
  function showWord(t) {
    let found = null;
    for (const w of current ? current.querySelectorAll('.w') : []) {
      if (parseFloat(w.dataset.start) > t) break;
      found = w;
    }
    if (found && t >= parseFloat(found.dataset.end) + 0.25) found = null;
    if (found === word) return;
    if (word) word.classList.remove('wnow');
    word = found;
    if (word) word.classList.add('wnow');
  }
  function show() {
    const span = at(audio.currentTime);
    if (span !== current) showSentence(span);
    showWord(audio.currentTime);
  }
  function tick() { show(); if (!audio.paused) requestAnimationFrame(tick); }
  function showSentence(span) {
    if (current) { current.classList.remove('now'); current.removeAttribute('aria-current'); }
    current = span;
    if (span) {
      span.classList.add('now'); span.setAttribute('aria-current', 'true');
      span.scrollIntoView({block: 'nearest', behavior: calm ? 'auto' : 'smooth'});
    }
  }
  function play(seconds) { audio.currentTime = seconds; audio.play(); show(); }
  audio.addEventListener('timeupdate', show);
  audio.addEventListener('play', () => requestAnimationFrame(tick));
  audio.addEventListener('seeked', show);
  for (const el of document.querySelectorAll('[data-seek]')) {
    const go = e => { e.stopPropagation(); play(parseFloat(el.dataset.seek)); };
    el.addEventListener('click', go);
    el.addEventListener('keydown', e => {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go(e); } });
  }
})();
"""


def episode_page(manifest: Mapping[str, Any], *, cover: str | None) -> str:
    """The read-along page of an episode, from its manifest (its files are beside it)."""
    title = str(manifest["title"])
    page = manifest.get("page") or {}
    language = page_language(manifest)
    words = framing(language)
    given = str(manifest.get("source") or "")
    local = words.standard_input if given == "-" else Path(given).name
    source = page.get("url") or page.get("site") or local
    meta = [escape(str(manifest.get("show", "")))]
    if page.get("author"):
        meta.append(escape(words.by.format(author=page["author"])))
    if _date(manifest):
        meta.append(f"<time>{escape(_date(manifest))}</time>")
    meta.append(f"<time>{clock(int(manifest['duration_ms']))}</time>")
    read_from = escape(words.read_from)
    source_line = (
        f'<p class="meta">{read_from} <a href="{escape(str(source))}">{escape(str(source))}</a></p>'
        if str(source).startswith(("http://", "https://"))
        else (f'<p class="meta">{read_from} {escape(str(source))}</p>' if source else "")
    )
    alt = escape(words.cover_art.format(title=title))
    image = f'<img src="{_link(cover)}" alt="{alt}" width="256" height="256">' if cover else ""
    chapters = "".join(
        f'<li><button type="button" data-seek="{c["start_ms"] / 1000:.3f}">'
        f"<time>{clock(int(c['start_ms']))}</time><span>{escape(str(c['title']))}</span>"
        "</button></li>"
        for c in manifest.get("chapters", [])
    )
    transcript = "\n".join(_block(block) for block in _blocks(manifest["segments"]))
    return _document(
        title,
        escape(language),
        f"""<a class="skip" href="#transcript">{escape(words.skip)}</a>
<header>
{image}
<div>
<h1>{escape(title)}</h1>
<p class="meta">{" · ".join(meta)}</p>
{source_line}
</div>
</header>
<div class="player">
<audio id="audio" controls preload="metadata" src="{_link(str(manifest["audio"]))}"
  aria-label="{escape(words.episode_audio)}"></audio>
</div>
<nav class="chapters" aria-labelledby="chapters-heading">
<h2 id="chapters-heading">{escape(words.chapters)}</h2>
<ol>{chapters}</ol>
</nav>
<main id="transcript" aria-labelledby="transcript-heading">
<h2 id="transcript-heading">{escape(words.transcript)}</h2>
<p class="meta">{escape(words.how_to)}</p>
{transcript}
</main>
<script>{_SCRIPT}</script>""",
    )


def _blocks(segments: Sequence[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """Segments grouped as the article has them: one that continues the previous one (a
    quotation inside a paragraph, its attribution) joins its block."""
    blocks: list[list[Mapping[str, Any]]] = []
    for segment in segments:
        if segment.get("continues") and blocks:
            blocks[-1].append(segment)
        else:
            blocks.append([segment])
    return blocks


def _block(segments: Sequence[Mapping[str, Any]]) -> str:
    first = segments[0]
    tag = "blockquote" if first["kind"] == "quote" else "p"
    parts = " ".join(
        f'<span class="part {escape(str(segment["kind"]))}">{_sentences(segment)}</span>'
        if len(segments) > 1
        else _sentences(segment)
        for segment in segments
    )
    return f'<{tag} class="segment {escape(str(first["kind"]))}">{parts}</{tag}>'


def _sentences(segment: Mapping[str, Any]) -> str:
    return " ".join(
        f'<span class="s" tabindex="0" role="button" data-start="{s["start_ms"] / 1000:.3f}" '
        f'data-end="{s["end_ms"] / 1000:.3f}" data-seek="{s["start_ms"] / 1000:.3f}">'
        f"{_words(s)}</span>"
        for s in segment["sentences"]
    )


def _words(sentence: Mapping[str, Any]) -> str:
    """A sentence's written text, each word the manifest places in it (`at`) a span with its
    time (spoken words that share a written one, "twenty" "six" for "26", share its span)."""
    text = str(sentence["text"])
    groups: list[list[int]] = []  # [first char, end char, start ms, end ms]
    for word in sentence.get("words") or ():
        at = word.get("at")
        if not at:
            continue
        first, end = int(at[0]), int(at[1])
        if groups and first < groups[-1][1]:
            groups[-1][1], groups[-1][3] = max(groups[-1][1], end), int(word["end_ms"])
        else:
            groups.append([first, end, int(word["start_ms"]), int(word["end_ms"])])
    parts, done = [], 0
    for first, end, start_ms, end_ms in groups:
        parts.append(escape(text[done:first]))
        parts.append(
            f'<span class="w" data-start="{start_ms / 1000:.3f}" data-end="{end_ms / 1000:.3f}" '
            f'data-seek="{start_ms / 1000:.3f}">{escape(text[first:end])}</span>'
        )
        done = end
    return "".join(parts) + escape(text[done:])


def index_page(
    title: str,
    episodes: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    covers: Mapping[str, str] | None = None,
) -> str:
    """A folder's index: each episode (page file name, manifest), newest first, with its
    cover (`covers`: the cover file by page name), date, length and a player. It is in the
    episodes' language when they share one, else in English; an episode in another language
    than the page's says so (`lang`)."""
    languages = [page_language(manifest) for _, manifest in episodes]
    language = shared_language(languages)
    items = "\n".join(
        _index_entry(name, m, (covers or {}).get(name), language, own)
        for (name, m), own in zip(episodes, languages, strict=True)
    )
    return _document(
        title,
        escape(language),
        f"""<main class="{_INDEX}">
<h1>{escape(title)}</h1>
<p class="meta"><a href="feed.xml">{escape(framing(language).podcast_feed)}</a></p>
<ul class="episodes">
{items}
</ul>
</main>""",
    )


def _index_entry(
    page: str, manifest: Mapping[str, Any], cover: str | None, language: str, own: str
) -> str:
    """One episode of the index (a page in `language`; the episode is in `own`): cover, title
    (its page's link), date and length, player."""
    title = escape(str(manifest["title"]))
    play = escape(framing(language).play.format(title=manifest["title"]))
    lang = f' lang="{escape(own)}"' if own.lower() != language.lower() else ""
    meta = [f"<time>{escape(_date(manifest))}</time>"] if _date(manifest) else []
    meta.append(f"<time>{clock(int(manifest['duration_ms']))}</time>")
    image = (
        f'<img src="{_link(cover)}" alt="" width="80" height="80" loading="lazy">' if cover else ""
    )
    return (
        f"<li{lang}>{image}<div>"
        f'<h2><a href="{_link(page)}">{title}</a></h2>'
        f'<p class="meta">{" · ".join(meta)}</p>'
        f'<audio controls preload="none" src="{_link(str(manifest["audio"]))}" '
        f'aria-label="{play}"></audio>'
        "</div></li>"
    )


def page_language(manifest: Mapping[str, Any]) -> str:
    """The language a page of the episode is in: the manifest's (the episode's), else the
    language the article's page declared (a manifest from before issue 18), else English."""
    page = manifest.get("page")
    for language in (manifest.get("language"), isinstance(page, Mapping) and page.get("language")):
        if isinstance(language, str) and language.strip():
            return language.strip()
    return "en"


def _date(manifest: Mapping[str, Any]) -> str:
    """The article's date if its page gave one, else the day the episode was made."""
    page = manifest.get("page") or {}
    return str(page.get("date") or str(manifest.get("produced") or "")[:10])


def _document(title: str, language: str, body: str) -> str:
    """A whole HTML document around `body`, with the shared styles."""
    return f"""<!doctype html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{GENERATOR}">
<title>{escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
{body}
</body>
</html>
"""


def _link(name: str) -> str:
    """A file name beside the page as a link: '#', '?' and spaces must not end the path."""
    return escape(quote(name, safe=""))


_MARKS_WITHIN = 64 * 1024
"""Where an index page of ours has shown its marks (its head and `<main>` take about 2 KB)."""
_INDEX = "folder-index"
"""The class of the index page's `<main>`: an episode page (of an article titled "Index")
is ours too, but is not the folder's index."""

# What the index pages of versions before the generator mark looked like, whole: a user's page
# cannot match it by chance (our stylesheet and layout, line by line).
_LEGACY_INDEX = re.compile(
    r'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    r'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    r"<title>[^<]*</title>\n<style>\n:root \{ color-scheme: light dark;[^<]*</style>\n"
    r"</head>\n<body>\n<main>\n<h1>[^<]*</h1>\n"
    r'<p class="meta"><a href="feed.xml">Podcast feed</a></p>\n<ul>\n'
    r'(?:<li><a href="[^"<]*">[^<]*</a> <span class="meta"><time>[\d:]+</time></span></li>\n)*\n?'
    r"</ul>\n</main>\n</body>\n</html>\n"
)


def is_our_index(html: str) -> bool:
    """Whether `html` is a folder index page we wrote (so writing a new one loses nothing)."""
    if _LEGACY_INDEX.fullmatch(html):
        return True
    marks = _Marks()
    try:
        # Our marks open the page; a user's large page is not parsed whole for them.
        marks.feed(html[:_MARKS_WITHIN])
    except AssertionError:  # html.parser's way of giving up on some malformed markup
        return False
    return marks.generator == GENERATOR and marks.index


class _Marks(HTMLParser):
    """The generator named in a page's head, and whether its `<main>` is a folder index."""

    def __init__(self) -> None:
        super().__init__()
        self.generator: str | None = None
        self.index = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name") == "generator" and self.generator is None:
            self.generator = values.get("content")
        elif tag == "main" and values.get("class") == _INDEX:
            self.index = True
