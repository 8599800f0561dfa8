"""Reading bytes as text: encodings are detected, binary files refused."""

from __future__ import annotations

import codecs

import pytest

from article2podcast.errors import InputError
from article2podcast.reading.decoding import decode

TEXT = "Café “quoted” — it’s naïve.\nSecond line €10."


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with its BOM
        TEXT.encode("utf-32"),
        TEXT.encode("cp1252"),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16 with BOM", "utf-32 with BOM", "cp1252"],
)
def test_text_is_decoded_whatever_its_encoding(data: bytes) -> None:
    assert decode(data, "a.txt") == TEXT


def test_cyrillic_in_a_legacy_encoding_is_not_read_as_cp1252() -> None:
    text = "Привет, как дела? Это тестовая статья о погоде в Москве сегодня утром."
    assert decode(text.encode("cp1251"), "a.txt") == text


def test_short_french_in_cp1252_is_not_garbled() -> None:
    assert decode("Ça va\n\nÉté à Paris.".encode("cp1252"), "a.txt") == "Ça va\n\nÉté à Paris."


def test_terminal_colour_codes_are_dropped_not_refused() -> None:
    assert decode(b"\x1b[1;31mRed\x1b[0m headline\n\nText.", "a.txt") == "Red headline\n\nText."


def test_windows_line_ends_become_newlines() -> None:
    assert decode(b"Title\r\n\r\nBody.\r\n", "a.txt") == "Title\n\nBody.\n"


def test_stray_control_characters_are_removed() -> None:
    """espeak-ng obeys \\x01 followed by digits and a letter as a command."""
    assert decode(b"Say \x0112S this.", "a.txt") == "Say 12S this."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"  \n\t\n ", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "binary"),
        (b"text with a \x00 NUL byte", "binary"),
        (bytes(range(1, 32)) * 20, "binary"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "byte-order mark"),
    ],
    ids=["empty", "whitespace only", "png", "zip", "nul byte", "control characters", "bad utf-16"],
)
def test_unusable_bytes_are_refused_with_the_reason(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode(data, "a.txt")
