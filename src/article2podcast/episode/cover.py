"""Cover: the episode's square artwork, made from the headline (`user_cover` reads the user's).

Podcast apps want a square RGB image (no transparency) of 1400 to 3000 px, PNG or JPEG, that
still reads as a 200 px thumbnail: so the headline is set large and bold in warm white on a
dark colour from a small palette, picked by a stable hash of the title, with the show's name
below in the palette's accent colour. The same title, show, size, font and Pillow give the same
bytes.

The type is DejaVu Sans Bold when it is installed (Debian: fonts-dejavu-core; it covers Latin,
Greek and Cyrillic), else Pillow's built-in Aileron Regular (ASCII and a few typographic marks
only; other letters come out as boxes), thickened with a stroke since it has no bold weight.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import MissingDependencyError

if TYPE_CHECKING:
    from PIL.ImageDraw import ImageDraw
    from PIL.ImageFont import FreeTypeFont

RGB = tuple[int, int, int]

MIN_SIDE = 1400
"""The smallest cover podcast directories accept, in pixels."""
MAX_SIDE = 3000
"""The largest."""
SQUARE_TOLERANCE = 0.01
"""How far from square a user's cover may be, as a fraction of its longer side."""

PALETTE: tuple[tuple[RGB, RGB], ...] = (
    ((0x1B, 0x26, 0x3B), (0xF2, 0xB1, 0x34)),  # midnight navy, amber
    ((0x0B, 0x4F, 0x4A), (0xFF, 0xB4, 0x8F)),  # deep teal, peach
    ((0x3D, 0x1A, 0x4A), (0x9A, 0xE6, 0xB4)),  # aubergine, mint
    ((0x6B, 0x1E, 0x2E), (0xF6, 0xD5, 0x8E)),  # oxblood, sand
    ((0x1F, 0x4D, 0x2E), (0xF4, 0xC9, 0x5D)),  # forest, gold
    ((0x2C, 0x3E, 0x70), (0x8F, 0xD3, 0xFF)),  # slate blue, sky
    ((0x26, 0x26, 0x2B), (0xFF, 0x7A, 0x6B)),  # charcoal, tomato
    ((0x7A, 0x35, 0x10), (0xFF, 0xE8, 0xC2)),  # burnt umber, cream
)
"""(background, accent) pairs; the headline is TEXT on the background, the show the accent."""
TEXT: RGB = (0xFB, 0xF8, 0xF1)
"""The headline's colour: a warm white."""

FONT_PATHS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),  # Debian, Ubuntu
    Path("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf"),  # Fedora
    Path("/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),  # Arch
    Path("/Library/Fonts/DejaVuSans-Bold.ttf"),  # macOS, when installed
)
"""Where to look for the cover's typeface, in order; Pillow's own font is the last resort."""

# The layout, as fractions of the cover's side, so that every size looks the same.
MARGIN = 0.09
BAR_WIDTH, BAR_HEIGHT = 0.13, 0.022
HEADLINE_SIZES = (0.15, 0.045)
SHOW_SIZES = (0.056, 0.032)
GAP_BELOW_BAR, GAP_ABOVE_SHOW = 0.055, 0.06
LEADING = 1.12
ELLIPSIS = "…"
LONGEST_TITLE = 1000
"""More characters than fit at the smallest size (11 lines of 55 narrow letters): the rest of a
longer title is not even measured."""

@dataclass(frozen=True)
class Cover:
    """A cover image ready to embed in the episode (an ID3 APIC frame wants both fields)."""

    data: bytes
    """The image file's bytes: a PNG or a JPEG, square, RGB or greyscale, 1400-3000 px."""
    mime: str
    """Their MIME type: 'image/png' or 'image/jpeg'."""


@dataclass(frozen=True)
class Typeface:
    """The scalable font the cover is set in."""

    path: Path | None
    """The font file; None for Pillow's built-in Aileron Regular, thickened for want of a bold."""

    def font(self, size: int) -> FreeTypeFont:
        """The face at `size` pixels."""
        from PIL import ImageFont

        if self.path is not None:
            return ImageFont.truetype(str(self.path), size)
        try:
            font = ImageFont.load_default(size=size)
        except ImportError as exc:  # Pillow built without FreeType cannot scale any font
            raise MissingDependencyError(
                "Pillow has no FreeType support, needed to draw the cover; "
                "reinstall it: pip install --force-reinstall pillow"
            ) from exc
        assert isinstance(font, ImageFont.FreeTypeFont)  # it is, whenever a size is given
        return font

    def stroke(self, size: int) -> int:
        """The outline that thickens the strokes: none for a real bold face."""
        return 0 if self.path is not None else max(1, round(size * 0.02))


@dataclass(frozen=True)
class TextBlock:
    """Text set to fit a box: its lines and their size."""

    lines: tuple[str, ...]
    """The lines, top to bottom; the last ends in an ellipsis when the text had to be cut."""
    size: int
    """The font size, in pixels."""


def make_cover(title: str, show: str, *, size: int = MIN_SIDE) -> Cover:
    """A `size` x `size` PNG cover showing the headline `title` and the show's name."""
    if not MIN_SIDE <= size <= MAX_SIDE:
        raise ValueError(f"a cover is {MIN_SIDE} to {MAX_SIDE} px square, not {size}")
    from PIL import Image, ImageDraw

    background, accent = palette_for(title)
    face = typeface()
    margin = round(size * MARGIN)
    width = size - 2 * margin
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)

    bar_height = round(size * BAR_HEIGHT)
    draw.rectangle(
        (margin, margin, margin + round(size * BAR_WIDTH) - 1, margin + bar_height - 1), fill=accent
    )
    show_sizes = _sizes(size, SHOW_SIZES)
    show_block = fit_text(show, face, width, block_height(face, show_sizes[0], 1), show_sizes)
    show_top = size - margin - block_height(face, show_block.size, len(show_block.lines))
    headline_top = margin + bar_height + round(size * GAP_BELOW_BAR)
    headline_bottom = show_top - round(size * GAP_ABOVE_SHOW)
    headline = fit_text(
        title[:LONGEST_TITLE],
        face,
        width,
        headline_bottom - headline_top,
        _sizes(size, HEADLINE_SIZES),
    )
    _draw(draw, headline, face, margin, headline_top, TEXT)
    _draw(draw, show_block, face, margin, show_top, accent)

    out = io.BytesIO()
    image.save(out, format="PNG")
    return Cover(out.getvalue(), "image/png")


def palette_for(title: str) -> tuple[RGB, RGB]:
    """The (background, accent) colours for `title`: the same on every run and machine."""
    return PALETTE[zlib.crc32(title.encode("utf-8")) % len(PALETTE)]


def typeface() -> Typeface:
    """The first font of FONT_PATHS that loads, else Pillow's built-in one."""
    from PIL import ImageFont

    for path in FONT_PATHS:
        try:
            ImageFont.truetype(str(path), 12)
        except (OSError, ImportError):  # missing, unreadable, not a font; or no FreeType
            continue
        return Typeface(path)
    return Typeface(None)


def fit_text(text: str, face: Typeface, width: int, height: int, sizes: Sequence[int]) -> TextBlock:
    """Set `text` in lines no wider than `width` and a block no taller than `height`.

    It takes the largest of `sizes` (largest first) at which no word has to be broken; at the
    smallest it breaks words too long for a line and, as a last resort, cuts the text short
    with an ellipsis.
    """
    words = text.split()
    for size in sizes[:-1]:
        measure, limit = _measure(face, size), _max_lines(face, size, height)
        lines = _wrap(words, measure, width, limit, break_words=False)
        if lines is not None and len(lines) <= limit:
            return TextBlock(tuple(lines), size)
    size = sizes[-1]
    measure, limit = _measure(face, size), max(1, _max_lines(face, size, height))
    lines = _wrap(words, measure, width, limit, break_words=True) or []
    if len(lines) > limit:
        lines = [*lines[: limit - 1], _with_ellipsis(lines[limit - 1], measure, width)]
    return TextBlock(tuple(lines), size)


def block_height(face: Typeface, size: int, lines: int) -> int:
    """The height in pixels of `lines` lines set at `size`, from the top of the tallest
    accented capital to the bottom of the deepest descender."""
    ascent, descent = face.font(size).getmetrics()
    return ascent + descent + 2 * face.stroke(size) + (lines - 1) * round(size * LEADING)


def _max_lines(face: Typeface, size: int, height: int) -> int:
    """How many lines at `size` fit in `height`."""
    lines = 0
    while block_height(face, size, lines + 1) <= height:
        lines += 1
    return lines


def _sizes(side: int, bounds: tuple[float, float]) -> list[int]:
    """Font sizes from the largest to the smallest of `bounds`, in steps of about 3%."""
    largest, smallest = round(side * bounds[0]), round(side * bounds[1])
    sizes = [largest]
    while sizes[-1] > smallest:
        sizes.append(max(smallest, min(sizes[-1] - 1, round(sizes[-1] * 0.97))))
    return sizes


def _measure(face: Typeface, size: int) -> Callable[[str], int]:
    """A function giving the width of a line's ink, strokes included."""
    font, stroke = face.font(size), face.stroke(size)

    def measure(line: str) -> int:
        left, _, right, _ = font.getbbox(line, anchor="ls", stroke_width=stroke)
        return int(right - left)

    return measure


def _wrap(
    words: list[str], measure: Callable[[str], int], width: int, limit: int, *, break_words: bool
) -> list[str] | None:
    """Fill lines greedily with `words`, stopping once there are more than `limit`; None if a
    word is wider than a line and may not be broken."""
    lines: list[str] = []
    line = ""
    for word in words:
        if len(lines) > limit:
            return lines
        candidate = f"{line} {word}" if line else word
        if measure(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        if measure(word) <= width:
            line = word
        elif not break_words:
            return None
        else:
            *full, line = _break_word(word, measure, width)
            lines.extend(full)
    if line:
        lines.append(line)
    return lines


def _break_word(word: str, measure: Callable[[str], int], width: int) -> list[str]:
    """Cut a word too wide for a line into pieces that fit (at least a character each)."""
    pieces = [word[0]]
    for char in word[1:]:
        if measure(pieces[-1] + char) <= width:
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def _with_ellipsis(line: str, measure: Callable[[str], int], width: int) -> str:
    """`line` ended with an ellipsis, dropping words (or characters) until it fits."""
    while True:
        candidate = line.rstrip(" ,;:.-–—") + ELLIPSIS
        if measure(candidate) <= width or not line:
            return candidate
        line = line.rsplit(" ", 1)[0] if " " in line else line[:-1]


def _draw(
    draw: ImageDraw, block: TextBlock, face: Typeface, left: int, top: int, colour: RGB
) -> None:
    """Draw `block` with its ink flush with `left` and its block top at `top`."""
    font, stroke = face.font(block.size), face.stroke(block.size)
    baseline = top + stroke + font.getmetrics()[0]
    for line in block.lines:
        ink_left = font.getbbox(line, anchor="ls", stroke_width=stroke)[0]
        draw.text(
            (left - ink_left, baseline),
            line,
            font=font,
            fill=colour,
            anchor="ls",
            stroke_width=stroke,
            stroke_fill=colour,
        )
        baseline += round(block.size * LEADING)
