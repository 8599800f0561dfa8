"""How well web pages become articles: for each saved sample page, the words that would be
spoken (from `article2podcast --plan`) against the article as a listener should hear it (the
matching .txt): recall (share of the article's words spoken) and precision (share of the
spoken words that are the article's). With readability-lxml installed, it is measured too,
for comparison.

Run: .venv/bin/python scripts/extraction.py
"""

from __future__ import annotations

import collections
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "data"  # the sample articles, kept in the repository


def words(text: str) -> collections.Counter[str]:
    return collections.Counter(re.findall(r"[a-z0-9']+", text.lower()))


def score(spoken: str, article: str) -> tuple[float, float]:
    said, wanted = words(spoken), words(article)
    common = sum((said & wanted).values())
    return common / max(1, sum(wanted.values())), common / max(1, sum(said.values()))


def ours(page: Path) -> str:
    plan = json.loads(
        subprocess.run(
            [sys.executable, "-m", "article2podcast", str(page), "--plan", "--engine", "fake"],
            capture_output=True, text=True, check=True,
        ).stdout
    )  # fmt: skip
    return " ".join(s["text"] for s in plan["segments"] if s["kind"] not in ("intro", "outro"))


def readability(page: Path) -> str | None:
    try:
        import lxml.html
        from readability import Document
    except ImportError:
        return None
    document = Document(page.read_bytes().decode("utf-8", "replace"))
    body = lxml.html.fromstring(document.summary()).text_content()
    return f"{document.short_title()}\n{body}"


def main() -> None:
    print(
        "| page | ours (trafilatura): recall | precision | readability-lxml: recall | precision |"
    )
    print("|---|---|---|---|---|")
    for page in sorted(SAMPLES.glob("*.html")):
        article = page.with_suffix(".txt").read_text(encoding="utf-8")
        recall, precision = score(ours(page), article)
        other = readability(page)
        theirs = "| {:.3f} | {:.3f} |".format(*score(other, article)) if other else "| - | - |"
        print(f"| {page.stem} | {recall:.3f} | {precision:.3f} {theirs}")


if __name__ == "__main__":
    main()
