"""veille: French-first news event extraction with provenance.

    >>> import veille
    >>> doc = veille.annotate("Vladimir Poutine a rencontré Kim Jong Un mardi.", dct="2023-09-19")
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

from .api import annotate
from .config import Settings, load_settings
from .models import Actor, Document, Event, EventMention, Quote, RawDocument, Story, Timex
from .pipeline import Pipeline

try:
    __version__ = version("veille")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

logging.getLogger("veille").addHandler(logging.NullHandler())


__all__ = [
    "Actor", "Document", "Event", "EventMention", "Pipeline", "Quote", "RawDocument", "Settings",
    "Story", "Timex", "annotate", "load_settings", "__version__",
]
