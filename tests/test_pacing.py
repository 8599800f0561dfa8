"""Pacing: pauses follow the structure of the script."""

from __future__ import annotations

from article2podcast.model import Article, Block
from article2podcast.scripting.pacing import Pauses, plan_utterances
from article2podcast.scripting.segments import script_article

PAUSES = Pauses()


def test_pauses_follow_the_structure() -> None:
    article = Article(
        "Head",
        (
            Block("paragraph", "One. Two."),
            Block("paragraph", "Three."),
            Block("heading", "Sub"),
            Block("paragraph", "Four."),
        ),
    )
    script = script_article(article, show="Show")
    pauses = [(u.text, u.pause_before_ms) for u in plan_utterances(script, PAUSES)]
    assert pauses == [
        ("This is Show.", PAUSES.lead_in),
        ("Today's article:", PAUSES.sentence),
        ("Head", PAUSES.after_intro),
        ("One.", PAUSES.after_title),
        ("Two.", PAUSES.sentence),
        ("Three.", PAUSES.paragraph),
        ("Sub", PAUSES.before_heading),
        ("Four.", PAUSES.after_heading),
        ("That's the end of the article.", PAUSES.before_outro),
        ("You've been listening to Show.", PAUSES.sentence),
        ("Thanks for listening.", PAUSES.sentence),
    ]


def test_pieces_of_a_long_sentence_get_the_short_clause_pause() -> None:
    article = Article("Head", (Block("paragraph", "alpha beta gamma, delta epsilon zeta eta."),))
    script = script_article(article, max_chars=20)
    body = [u for u in plan_utterances(script, PAUSES) if u.segment == 2]
    assert [u.pause_before_ms for u in body] == [PAUSES.after_title] + [PAUSES.clause] * (
        len(body) - 1
    )
    assert len(body) > 1


def test_the_pauses_grow_with_the_size_of_the_break() -> None:
    assert PAUSES.clause < PAUSES.sentence < PAUSES.paragraph < PAUSES.before_heading
