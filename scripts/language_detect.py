"""Language detectors compared on our pages: accuracy on the six English sample articles and the
German, French, Spanish and Portuguese news pages (whole text, title, first 20 words) and on
one sentence in each of eight languages; the confidence py3langid gives each; load and time.

    .venv/bin/python scripts/language_detect.py [py3langid|lingua|lingua-low|langdetect]

Only py3langid is a dependency; pip install the others to compare.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
from article2podcast.reading import read_article  # noqa: E402

DATA = ROOT / "tests" / "data"
PAGES = {"heise.html": "de", "lemonde-1.html": "fr", "la-nacion.html": "es", "folha.html": "pt"}
SENTENCES = {
    "de": "Die Regierung hat am Montag neue Regeln für den Datenschutz beschlossen, die ab dem "
    "kommenden Jahr für alle Unternehmen gelten sollen.",
    "fr": "Le gouvernement a présenté lundi un nouveau projet de loi sur la protection des "
    "données, qui doit entrer en vigueur l'an prochain.",
    "es": "El gobierno presentó el lunes un nuevo proyecto de ley sobre la protección de datos, "
    "que entrará en vigor el próximo año.",
    "pt": "O governo apresentou na segunda-feira um novo projeto de lei sobre a proteção de "
    "dados, que deve entrar em vigor no próximo ano.",
    "it": "Il governo ha presentato lunedì un nuovo disegno di legge sulla protezione dei dati, "
    "che entrerà in vigore il prossimo anno.",
    "en": "The government presented a new bill on data protection on Monday, which is due to "
    "come into force next year for all companies.",
    "ru": "Правительство в понедельник представило новый законопроект о защите данных.",
    "el": "Η κυβέρνηση παρουσίασε τη Δευτέρα ένα νέο νομοσχέδιο για την προστασία των δεδομένων.",
}


def detector(which: str) -> Callable[[str], tuple[str, float]]:
    if which == "py3langid":
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return lambda text: identifier.classify(text)
    if which.startswith("lingua"):
        from lingua import LanguageDetectorBuilder

        builder = LanguageDetectorBuilder.from_all_languages()
        if which == "lingua-low":
            builder = builder.with_low_accuracy_mode()
        lingua = builder.build()

        def detect(text: str) -> tuple[str, float]:
            found = lingua.detect_language_of(text)
            return (found.iso_code_639_1.name.lower() if found else "?", 1.0)

        return detect
    from langdetect import DetectorFactory, detect_langs

    DetectorFactory.seed = 0
    return lambda text: (lambda best: (best.lang, best.prob))(detect_langs(text)[0])


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "py3langid"
    texts: dict[str, tuple[str, str]] = {}
    for path in sorted(DATA.glob("*.txt")) + [DATA / name for name in PAGES]:
        article = read_article(str(path))
        body = "\n".join(block.text for block in article.blocks)
        language = PAGES.get(path.name, "en")
        texts[path.name] = (language, f"{article.title}\n{body}")
        texts[f"{path.name} title"] = (language, article.title)
        texts[f"{path.name} 20 words"] = (language, " ".join(body.split()[:20]))
    texts.update({f"sentence {lang}": (lang, text) for lang, text in SENTENCES.items()})
    start = time.perf_counter()
    detect = detector(which)
    detect("Ein kurzer Satz, damit das Modell geladen ist.")
    loaded = time.perf_counter() - start
    right, times = 0, []
    for name, (language, text) in texts.items():
        began = time.perf_counter()
        found, confidence = detect(text)
        if "title" not in name and "words" not in name and "sentence" not in name:
            times.append(time.perf_counter() - began)
        right += found == language
        mark = "ok  " if found == language else "MISS"
        print(f"{mark} {name:28} {language} {found} {confidence:.2f}")
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        f"{which}: {right}/{len(texts)} right; loaded in {loaded:.2f} s; "
        f"{1000 * sum(times) / len(times):.1f} ms an article; {memory} MB at most"
    )


if __name__ == "__main__":
    main()
