"""The `events` stage: PLOVER event mentions with factuality from the French dependency parse.

See docs/events.md for the ontology, the conventions and how to extend the lexicons.
"""

from .extractor import EventExtractor
from .lexicon import EventLexicon

__all__ = ["EventExtractor", "EventLexicon"]
