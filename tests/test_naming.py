"""Output names."""

from __future__ import annotations

from pathlib import Path

import pytest

from article2podcast.episode.naming import SLUG_MAX_CHARS, default_episode_path, sidecar, slugify


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


def test_the_default_name_is_the_slug_in_the_folder() -> None:
    path = default_episode_path(Path("audio"), "Big News", "a", lambda p: False)
    assert path == Path("audio/big-news.mp3")


def test_a_name_taken_by_another_articles_episode_gets_a_number() -> None:
    taken = {Path("audio/big-news.mp3"), Path("audio/big-news-2.mp3")}
    path = default_episode_path(Path("audio"), "Big News", "a", lambda p: p in taken)
    assert path == Path("audio/big-news-3.mp3")


def test_a_title_without_latin_letters_is_named_after_its_file() -> None:
    path = default_episode_path(Path("audio"), "Новости дня", "novosti", lambda p: False)
    assert path == Path("audio/novosti.mp3")
