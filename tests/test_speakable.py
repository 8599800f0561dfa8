"""Speakable text: what the engine is given for what the article says."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from article2podcast.scripting.speakable import has_words, speak, speakable
from article2podcast.scripting.speakable.lexicon import Lexicon

CASES = {
    "numbers": [
        ("37 million followers", "thirty-seven million followers"),
        ("37,000 people", "thirty-seven thousand people"),
        ("3.5 times", "three point five times"),
        ("It was -5 outside.", "It was minus five outside."),
        ("the 24th and the 1st", "the twenty-fourth and the first"),
        ("pages 10-15", "pages ten to fifteen"),
        ("1/2 and 3/4 and 2/3", "one half and three quarters and two thirds"),
        ("Call 555-123-4567.", "Call five five five, one two three, four five six seven."),
        ("version 1.8.3 is out", "version one point eight point three is out"),
        ("up to 2^28 entries", "up to two to the power of twenty-eight entries"),
        ("the 1,000th visitor", "the one thousandth visitor"),
        ("9/11 and 24/7", "nine eleven and twenty-four seven"),
    ],
    "years": [
        ("In 1980 it began.", "In nineteen eighty it began."),
        ("There were 1980 people.", "There were one thousand nine hundred eighty people."),
        ("1980 was a good year.", "nineteen eighty was a good year."),
        ("the 2020s and the '90s", "the twenty twenties and the nineties"),
        ("from 2019-2021", "from twenty nineteen to twenty twenty-one"),
        ("since 2005", "since two thousand five"),
        ("a 2019 study found", "a twenty nineteen study found"),
        ("the 2008 financial crisis", "the two thousand eight financial crisis"),
        ("about 2000 miles", "about two thousand miles"),
    ],
    "dates and times": [
        ("Sept. 15, 2020", "September fifteenth, twenty twenty"),
        ("on March 3rd", "on March third"),
        ("15/09/2020", "September fifteenth, twenty twenty"),
        ("09/15/2020", "September fifteenth, twenty twenty"),
        ("at 8:33 a.m.", "at eight thirty-three a m"),
        ("at 9:05 PM", "at nine oh five p m"),
        ("at 14:00", "at fourteen hundred"),
        ("at 8 AM and 10pm", "at eight a m and ten p m"),
    ],
    "money and units": [
        ("$10", "ten dollars"),
        ("$1", "one dollar"),
        ("$2.50", "two dollars fifty cents"),
        ("$150K", "one hundred fifty thousand dollars"),
        ("$1.5 billion", "one point five billion dollars"),
        ("$0.99", "ninety-nine cents"),
        ("US$5 and $5 Million", "five dollars and five million dollars"),
        ("lost -$5", "lost minus five dollars"),
        ("fell -2%", "fell minus two percent"),
        ("hit -10°C", "hit minus ten degrees Celsius"),
        ("€20 and £5", "twenty euros and five pounds"),
        ("EUR 30", "thirty euros"),
        ("10-15% more", "ten to fifteen percent more"),
        ("a 5% rise", "a five percent rise"),
        ("3.5 km at 60 mph", "three point five kilometers at sixty miles per hour"),
        ("1 kg", "one kilogram"),
        ("it was 30°C", "it was thirty degrees Celsius"),
    ],
    "abbreviations and acronyms": [
        ("Mr. Smith and Dr. Jones", "Mister Smith and Doctor Jones"),
        ("Gov. Newsom and Sen. Warren", "Governor Newsom and Senator Warren"),
        ("St. Paul's is on Main St.", "Saint Paul's is on Main Street."),
        ("apples, pears, etc.", "apples, pears, et cetera."),
        ("cats vs. dogs, e.g. mine", "cats versus dogs, for example mine"),
        ("the U.S. and the U.K.", "the U S and the U K"),
        ("the FBI and the BBC", "the F B I and the B B C"),
        ("NASA and NATO", "Nasa and Nato"),
        ("BREAKING NEWS TODAY", "BREAKING NEWS TODAY"),
    ],
    "Roman numerals": [
        ("World War II", "World War two"),
        ("Henry VIII and Louis XIV", "Henry the eighth and Louis the fourteenth"),
        ("Chapter IV", "Chapter four"),
        ("Rocky II", "Rocky two"),
        ("Malcolm X and Generation X", "Malcolm X and Generation X"),
        ("I said I would.", "I said I would."),
        ("Then I left.", "Then I left."),
    ],
    "symbols and noise": [
        ("Tom & Jerry", "Tom and Jerry"),
        ("see https://www.example.com/a/b?c=1 now", "see example dot com now"),
        ("mail jo.doe@example.org today", "mail jo dot doe at example dot org today"),
        ("#MeToo grew", "hashtag MeToo grew"),
        ("ask @jack", "ask at jack"),
        ("wait… what — really", "wait, what, really"),
        ("great 😀 news ✨", "great news"),
        ("“quoted” and ‘single’", "\"quoted\" and 'single'"),
        ("say \x0112S this", "say 12S this"),
    ],
}


@pytest.mark.parametrize(
    ("written", "said"),
    [case for cases in CASES.values() for case in cases],
    ids=[f"{group}: {written}" for group, cases in CASES.items() for written, _ in cases],
)
def test_the_engine_is_given_what_a_reader_would_say(written: str, said: str) -> None:
    assert speakable(written) == said


def test_every_change_is_recorded_with_its_rule() -> None:
    _, changes = speak("Mr. Lee paid $10 in 2020.")
    assert {(c.written, c.said, c.rule) for c in changes} == {
        ("Mr.", "Mister", "abbreviation"),
        ("$10", "ten dollars", "money"),
        ("2020", "twenty twenty", "year"),
    }


def test_the_lexicon_comes_first_and_is_left_alone() -> None:
    lexicon = Lexicon({"Teigen": "TY-gin", "nato": "nay toe", "NY": "New York"})
    said, changes = speak("Teigen met NATO in NY.", lexicon)
    assert said == "TY-gin met nay toe in New York."
    assert [c.rule for c in changes] == ["lexicon"] * 3


def test_a_capitalised_lexicon_key_matches_only_as_written() -> None:
    lexicon = Lexicon({"Polish": "POH-lish"})
    assert speakable("Polish the polish.", lexicon) == "POH-lish the polish."


def test_longer_lexicon_entries_win() -> None:
    lexicon = Lexicon({"Chrissy Teigen": "KRIS-ee TY-gin", "Teigen": "TAY-gen"})
    assert speakable("Chrissy Teigen and Teigen", lexicon) == "KRIS-ee TY-gin and TAY-gen"


text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",))
    | st.sampled_from(list("$€£%°/:.,-'0123456789")),
    max_size=80,
)


@given(text)
def test_normalisation_never_raises_and_never_empties_a_sentence_with_words(sentence: str) -> None:
    """... unless its words were all inside markup or a 60-character run (not words)."""
    said, changes = speak(sentence)
    if has_words(sentence) and not any(change.said == "" for change in changes):
        assert has_words(said)
    assert "\x01" not in said
    assert not {"<", ">", "[[", "]]"} & {*said, *(said[i : i + 2] for i in range(len(said)))}


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ('<speak>Hello <break time="10s"/> world.</speak>', "Hello world."),
        ("Say [[h@l'oU]] now.", "Say h@l'oU now."),
        ('said <emphasis level="strong">she</emphasis>.', "said she."),
        ("<!-- a comment --> Text.", "Text."),
        ("if x < 5 and y > 2", "if x less than five and y greater than two"),
        ("a <-> b, c->d", "a - b, c- d"),
        ("a" * 5000, ""),
        ("The hash " + "0f" * 40 + " is here.", "The hash is here."),
    ],
    ids=[
        "ssml",
        "espeak phonemes",
        "emphasis",
        "comment",
        "comparison",
        "arrows",
        "5000 letters",
        "hash",
    ],
)
def test_engine_commands_are_read_as_text_never_obeyed(written: str, said: str) -> None:
    assert speakable(written) == said


@given(
    st.lists(
        st.sampled_from(
            [
                "$",
                "10",
                "1980",
                "3.5",
                "%",
                "km",
                " ",
                "-",
                "/",
                "Mr.",
                "II",
                "FBI",
                "St.",
                ",",
                "12:30",
                "a.m.",
            ]
        ),
        max_size=12,
    ).map("".join)
)
def test_tricky_token_soup_never_raises(sentence: str) -> None:
    speakable(sentence)


def test_a_number_too_long_to_name_is_read_digit_by_digit() -> None:
    said = speakable("The number " + "9" * 400 + " is big.")
    assert said.startswith("The number nine nine nine")
    assert said.endswith(" is big.")
