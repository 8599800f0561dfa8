"""The cover: a square RGB PNG that shows the headline and the show, or the user's own image."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from article2podcast.episode import cover as cover_module
from article2podcast.episode.cover import (
    MARGIN,
    PALETTE,
    TEXT,
    Cover,
    fit_text,
    make_cover,
    palette_for,
    typeface,
)
from article2podcast.episode.user_cover import read_cover
from article2podcast.errors import InputError

SAMPLE_TITLE = "John Legend Shares How He's Healing After His And Chrissy Teigen's Sad Loss"
LONG_TITLE = (
    "Why the Long, Winding, and Frequently Misunderstood History of the Municipal Water Supply "
    "in Nineteenth-Century European Cities Still Shapes How We Think About Public Health, "
    "Infrastructure and Trust."
)
CYRILLIC_TITLE = "Жители Москвы встретили первый снег: «Это было неожиданно», — говорят очевидцы"
RGB = tuple[int, int, int]


def open_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def margin_colours(image: Image.Image) -> set[object]:
    """Every colour in the band between the cover's edge and its layout margin."""
    side = image.width
    band = round(side * MARGIN)
    boxes = [(0, 0, side, band), (0, side - band, side, side), (0, 0, band, side),
             (side - band, 0, side, side)]  # fmt: skip
    return {colour for box in boxes for _, colour in image.crop(box).getcolors(side * band) or []}


def count(image: Image.Image, colour: RGB) -> int:
    return sum(n for n, c in image.getcolors(image.width * image.height) or [] if c == colour)


def contrast(a: RGB, b: RGB) -> float:
    """The WCAG contrast ratio of two colours."""

    def luminance(rgb: RGB) -> float:
        linear = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in
                  (c / 255 for c in rgb)]  # fmt: skip
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# --- the generated cover ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [1400, 2000, 3000])
def test_the_cover_is_a_square_rgb_png_of_the_requested_size(size: int) -> None:
    cover = make_cover(SAMPLE_TITLE, "article2podcast", size=size)
    image = open_image(cover.data)
    assert (image.format, image.mode, image.size) == ("PNG", "RGB", (size, size))
    assert cover.mime == "image/png"


def test_the_default_size_is_the_smallest_podcast_apps_accept() -> None:
    assert open_image(make_cover(SAMPLE_TITLE, "article2podcast").data).size == (1400, 1400)


@pytest.mark.parametrize("size", [200, 1399, 3001])
def test_a_size_podcast_apps_refuse_is_a_programming_error(size: int) -> None:
    with pytest.raises(ValueError, match="1400 to 3000 px"):
        make_cover(SAMPLE_TITLE, "article2podcast", size=size)


def test_the_same_inputs_give_the_same_bytes() -> None:
    assert make_cover(SAMPLE_TITLE, "Show").data == make_cover(SAMPLE_TITLE, "Show").data


def test_the_background_is_the_palette_colour_of_the_title() -> None:
    image = open_image(make_cover(SAMPLE_TITLE, "Show").data)
    assert image.getpixel((0, 0)) == palette_for(SAMPLE_TITLE)[0]


def test_different_titles_get_different_colours() -> None:
    """The colour follows a stable hash of the title, so a feed of episodes is not monochrome."""
    titles = [f"Episode {n}: what happened this week" for n in range(40)]
    assert {palette_for(title) for title in titles} == set(PALETTE)
    rain, snow = (open_image(make_cover(title, "Show").data) for title in ("Rain", "Snow"))
    assert rain.getpixel((0, 0)) != snow.getpixel((0, 0))


@pytest.mark.parametrize("background, accent", PALETTE)
def test_every_palette_colour_contrasts_strongly(background: RGB, accent: RGB) -> None:
    """WCAG AAA (7:1) for the headline, AA (4.5:1) for the show name."""
    assert contrast(TEXT, background) >= 7
    assert contrast(accent, background) >= 4.5


@pytest.mark.parametrize(
    "title",
    [
        SAMPLE_TITLE,
        LONG_TITLE,
        CYRILLIC_TITLE,
        "jumping Jacks: Ýmir and Ångström queue for Џ",  # overhanging and accented letters
        "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt",
        "Fine " * 400,  # cut with an ellipsis
    ],
    ids=["sample", "200 characters", "cyrillic", "overhangs", "one long word", "2000 characters"],
)
def test_the_headline_fits_inside_the_margins(title: str) -> None:
    image = open_image(make_cover(title, "A Rather Long Show Name for a Podcast").data)
    background, accent = palette_for(title)
    assert margin_colours(image) == {background}
    assert count(image, TEXT) > 10_000  # the headline is drawn...
    assert count(image, accent) > 10_000  # ...and so are the accent bar and the show name


def test_a_200_character_title_is_set_whole_on_several_lines() -> None:
    assert len(LONG_TITLE) == 200
    block = fit_text(LONG_TITLE, typeface(), 1148, 900, [140, 100, 63])
    assert 1 < len(block.lines) <= 10
    assert " ".join(block.lines) == LONG_TITLE


@pytest.mark.parametrize(
    "text, expected_size, expected_lines",
    [
        ("Rain", 200, ("Rain",)),
        ("Drizzle", 100, ("Drizzle",)),
        ("Rain on Monday", 100, ("Rain on", "Monday")),
        ("Rain " * 30, 50, ("Rain Rain Rain Rain",) * 3 + ("Rain Rain Rain…",)),
        ("Regenwahrscheinlichkeit", 50, ("Regenwahrscheinlich", "keit")),
        ("", 200, ()),
    ],
    ids=["largest size", "shrinks", "wraps", "cut with an ellipsis", "breaks a word", "empty"],
)
def test_text_takes_the_largest_size_that_fits_then_breaks_words_then_is_cut(
    text: str, expected_size: int, expected_lines: tuple[str, ...]
) -> None:
    """Sizes 200, 100 and 50 px in a 600 x 250 box (one line of 200, two of 100, four of 50)."""
    block = fit_text(text, typeface(), 600, 250, [200, 100, 50])
    assert (block.size, block.lines) == (expected_size, expected_lines)


@pytest.mark.parametrize("letter", list("ДжЯйЁéßłőçøœŸ—«»…"))
def test_cyrillic_and_accented_latin_letters_have_glyphs(letter: str) -> None:
    """Pillow's own font has no such glyphs; the system's DejaVu Sans Bold does."""
    face = typeface()
    assert face.path is not None, "install DejaVu Sans: apt-get install fonts-dejavu-core"
    font = face.font(100)

    def glyph(char: str) -> bytes:
        image = Image.new("L", (150, 150))
        ImageDraw.Draw(image).text((20, 20), char, font=font, fill=255)
        return image.tobytes()

    assert glyph(letter) != glyph("\U0010fffd")  # an unassigned code point: the "missing" box


def test_without_a_system_font_pillows_own_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    monkeypatch.setattr(cover_module, "FONT_PATHS", (tmp_path / "missing.ttf", broken))
    assert typeface().path is None
    image = open_image(make_cover(LONG_TITLE, "article2podcast").data)
    assert (image.mode, image.size) == ("RGB", (1400, 1400))
    assert margin_colours(image) == {palette_for(LONG_TITLE)[0]}
    assert count(image, TEXT) > 10_000


# --- the user's own cover --------------------------------------------------------------------


def save(path: Path, size: tuple[int, int], mode: str = "RGB", **options: Any) -> Path:
    """An image with something on it, so that it is not one flat colour."""
    image = Image.new(mode, size, "red" if mode != "RGBA" else (255, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, size[0] // 2, size[1] // 2), fill="blue")
    image.save(path, **options)
    return path


@pytest.mark.parametrize(
    "name, size, mime",
    [
        ("cover.jpg", (1400, 1400), "image/jpeg"),
        ("cover.png", (3000, 3000), "image/png"),
        ("cover.jpeg", (1410, 1400), "image/jpeg"),  # within 1% of square
        ("cover.image", (1600, 1600), "image/png"),  # the format is read, not the name
    ],
)
def test_a_good_rgb_cover_is_kept_byte_for_byte(
    tmp_path: Path, name: str, size: tuple[int, int], mime: str
) -> None:
    path = save(tmp_path / name, size, format="PNG" if mime == "image/png" else "JPEG")
    assert read_cover(path) == Cover(path.read_bytes(), mime)


@pytest.mark.parametrize(
    "name, mode, options",
    [
        ("grey.png", "L", {}),
        ("palette.png", "P", {}),
        ("transparent.png", "RGBA", {}),
        ("cmyk.jpg", "CMYK", {"quality": 90}),
    ],
)
def test_other_modes_become_rgb_in_the_same_format(
    tmp_path: Path, name: str, mode: str, options: dict[str, Any]
) -> None:
    path = save(tmp_path / name, (1400, 1400), mode, **options)
    cover = read_cover(path)
    image = open_image(cover.data)
    assert (image.mode, image.size) == ("RGB", (1400, 1400))
    assert cover.mime == ("image/jpeg" if name.endswith(".jpg") else "image/png")


def test_transparency_is_flattened_onto_white(tmp_path: Path) -> None:
    image = open_image(read_cover(save(tmp_path / "a.png", (1400, 1400), "RGBA")).data)
    assert image.getpixel((1399, 1399)) == (255, 255, 255)


def test_a_greyscale_jpeg_is_kept(tmp_path: Path) -> None:
    path = save(tmp_path / "grey.jpg", (1400, 1400), "L")
    assert read_cover(path).data == path.read_bytes()


def small_jpeg(name: str) -> Path:
    return save(Path(name), (800, 800), format="JPEG")


def wide_png(name: str) -> Path:
    return save(Path(name), (2000, 1400), format="PNG")


def huge_png(name: str) -> Path:
    return save(Path(name), (3200, 3200), format="PNG")


def gif(name: str) -> Path:
    return save(Path(name), (1400, 1400), format="GIF")


def text_file(name: str) -> Path:
    Path(name).write_text("not an image", encoding="utf-8")
    return Path(name)


def nothing(name: str) -> Path:
    return Path(name)


def folder(name: str) -> Path:
    Path(name).mkdir()
    return Path(name)


@pytest.mark.parametrize(
    "make, name, message",
    [
        (small_jpeg, "cover.jpg",
         "cover.jpg is 800x800; podcast apps need at least 1400x1400 px: give a larger image"),
        (wide_png, "wide.png",
         "wide.png is 2000x1400; podcast apps need a square cover: crop it to a square"),
        (huge_png, "huge.png",
         "huge.png is 3200x3200; podcast apps take at most 3000x3000 px: give a smaller image"),
        (gif, "cover.gif", "cover.gif is a GIF image; podcast apps take PNG or JPEG: convert it"),
        (text_file, "notes.png", "notes.png is not a PNG or JPEG image; give a PNG or JPEG cover"),
        (nothing, "missing.png", "missing.png: no such file; check the --cover path"),
        (folder, "art", "art is a directory; give a PNG or JPEG file as --cover"),
    ],
    ids=["too small", "not square", "too large", "gif", "not an image", "missing", "folder"],
)  # fmt: skip
def test_an_unusable_cover_is_refused_with_the_fix(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make: Callable[[str], Path],
    name: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as caught:
        read_cover(make(name))
    assert str(caught.value) == message


def test_a_cut_short_image_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cut.png"
    image = Image.effect_noise((1400, 1400), 64).convert("RGB")
    image.save(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(InputError, match=r"cut\.png is damaged or cut short; save the image again"):
        read_cover(path)
