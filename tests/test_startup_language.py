"""Language detection without its fixed cost: plain English never loads the model; the model
is unpacked once per machine and kept, and a kept copy that does not check out is made again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from article2podcast.reading import language_model, read_article
from article2podcast.reading.language import (
    MIN_CONFIDENCE,
    MIN_LETTERS,
    _identifier,
    detect_language,
    find_language,
    plainly_english,
)

DATA = Path(__file__).parent / "data"  # the saved pages and the six sample articles
PAGES = [*sorted(DATA.glob("*.html")), *sorted(DATA.glob("*.txt"))]
FRENCH = (
    "Le gouvernement a présenté lundi un nouveau projet de loi sur la protection des données, "
    "qui doit entrer en vigueur l'an prochain. Les entreprises auront un an pour s'adapter."
)


@pytest.fixture(autouse=True)
def fresh_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A machine cache of this test's own, and no model loaded in this process yet."""
    monkeypatch.setenv("ARTICLE2PODCAST_CACHE_DIR", str(tmp_path / "machine" / "clips"))
    _identifier.cache_clear()
    yield tmp_path / "machine" / "article2podcast-machine"
    _identifier.cache_clear()


def _text(path: Path) -> str:
    article = read_article(str(path))
    return "\n".join([article.title, *(block.text for block in article.blocks)])


def _kept(folder: Path) -> list[Path]:
    return sorted(folder.glob("language-model-*.bin"))


def test_plain_english_does_not_load_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_model() -> None:
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(language_model, "load_identifier", no_model)
    found = find_language(read_article(str(DATA / "john-legend.txt")))
    assert (found.tag, found.source) == ("en", "detected")


def test_another_language_loads_the_model_unpacked_once(fresh_model: Path) -> None:
    before = language_model.loads
    assert detect_language(FRENCH) == "fr"
    assert language_model.loads == before + 1
    assert len(_kept(fresh_model)) == 1
    _identifier.cache_clear()  # as a new run would
    assert detect_language(FRENCH) == "fr"
    assert language_model.loads == before + 1, "the second run unpacked the model again"


@pytest.mark.parametrize("damage", ["truncated", "flipped", "garbage", "empty"])
def test_a_damaged_kept_model_is_made_again(fresh_model: Path, damage: str) -> None:
    assert detect_language(FRENCH) == "fr"
    (kept,) = _kept(fresh_model)
    data = bytearray(kept.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "flipped":
        data[-1000] ^= 0xFF
    elif damage == "garbage":
        data[:100] = b"x" * 100
    else:
        data = bytearray()
    kept.write_bytes(bytes(data))
    _identifier.cache_clear()
    before = language_model.loads
    assert detect_language(FRENCH) == "fr"
    assert language_model.loads == before + 1, "the damaged copy was used"
    (again,) = _kept(fresh_model)
    assert again.read_bytes() != bytes(data), "the damaged copy was left"
    _identifier.cache_clear()
    assert detect_language(FRENCH) == "fr"
    assert language_model.loads == before + 1, "the copy made again was not used"


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.name)
def test_plain_english_is_said_only_where_the_model_says_english(path: Path) -> None:
    """Every page and sample, whole and in windows of 40 to 400 words: wherever the quick
    check says English, the model says English with confidence."""
    words = _text(path).split()
    checked = 0
    for size in (40, 60, 100, 200, 400, len(words)):
        for start in range(0, max(1, len(words) - size + 1), max(size // 2, 1)):
            chunk = " ".join(words[start : start + size])
            letters = [char for char in chunk if char.isalpha()]
            if len(letters) < MIN_LETTERS or not plainly_english(chunk, letters):
                continue
            checked += 1
            language, confidence = _identifier().classify(chunk)
            assert (language, confidence >= MIN_CONFIDENCE) == ("en", True), chunk[:80]
    english = path.name not in {"heise.html", "lemonde-1.html", "la-nacion.html", "folha.html"}
    assert (checked > 0) == english


@pytest.mark.parametrize(
    ("name", "tag"),
    [
        ("heise.html", "de"),
        ("lemonde-1.html", "fr"),
        ("la-nacion.html", "es"),
        ("folha.html", "pt"),
        ("wikipedia-mozilla.html", "en"),
        *[(f"{name}.txt", "en") for name in ("ars-1", "bbc-1", "guardian-1", "john-legend")],
        *[(f"{name}.txt", "en") for name in ("nytimes-1", "tmz-1")],
    ],
)
def test_the_study_inputs_are_detected_as_before(name: str, tag: str) -> None:
    assert detect_language(_text(DATA / name)) == tag
