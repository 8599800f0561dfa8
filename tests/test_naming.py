"""Output names."""

from __future__ import annotations

from pathlib import Path

import pytest

from article2podcast.naming import SLUG_MAX_CHARS, sidecar, slugify


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("John Legend Shares How He's Healing", "john-legend-shares-how-hes-healing"),
        ("Café: naïve résumé!", "cafe-naive-resume"),
        ("../../etc/passwd", "etc-passwd"),
        ("a/b\\c", "a-b-c"),
        ("😀😀", "episode"),
        ("", "episode"),
    ],
)
def test_slugs_are_safe_lowercase_ascii(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_long_slugs_are_cut_at_a_word_boundary() -> None:
    slug = slugify("word " * 40)
    assert len(slug) <= SLUG_MAX_CHARS
    assert slug.endswith("word")


def test_sidecars_sit_beside_the_episode() -> None:
    assert sidecar(Path("audio/x.y.mp3"), ".vtt") == Path("audio/x.y.vtt")
