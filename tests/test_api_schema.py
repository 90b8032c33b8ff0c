"""Property test over the JSON API's OpenAPI schema (schemathesis): generated requests, valid and
invalid, to every /api/ operation never make the server fail (no 5xx), and answers use the status
codes and content types the schema declares."""

from __future__ import annotations

import warnings

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from schemathesis import GenerationMode
from schemathesis.checks import content_type_conformance, not_a_server_error, status_code_conformance

from veille import api
from veille.config import Settings
from veille.serve import create_app
from veille.store import open_store

from .serve_corpus import build_store

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import fastapi.testclient  # noqa: F401 - starlette's httpx warning, once


def _operations():
    # no per-document stage: ingest/annotate run the real library calls (and the merge pass) without
    # loading language models on every generated request; tests/test_serve.py runs them with clean
    settings = Settings(db=":memory:", stages=())
    api.ingest_text("Un texte pour charger une fois ce que la fusion importe.", open_store(":memory:"), settings)
    app = create_app(settings, build_store(), max_body=64 * 1024)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    return {f"{op.method.upper()} {op.path}": op for op in (r.ok() for r in schema.get_all_operations())}


@pytest.fixture(scope="module")
def operations():
    return _operations()


API_OPERATIONS = sorted(_operations())


def test_api_schema_covers_every_api_route():
    assert API_OPERATIONS == [
        "GET /api/actors", "GET /api/actors/{actor_id}", "GET /api/articles", "GET /api/articles/{article_id}",
        "GET /api/events", "GET /api/events/{event_id}", "GET /api/mentions", "GET /api/search",
        "GET /api/stories", "GET /api/stories/{story_id}", "POST /api/annotate", "POST /api/ingest",
    ]


# an id in the path is any string: there is no invalid one to generate
CASES = [(name, GenerationMode.POSITIVE) for name in API_OPERATIONS] + [
    (name, GenerationMode.NEGATIVE) for name in API_OPERATIONS if not name.endswith("}")]


@pytest.mark.parametrize(("name", "mode"), CASES, ids=[f"{n}-{m.value}" for n, m in CASES])
def test_api_schema_no_server_error(operations, name, mode):
    op = operations[name]

    @given(case=op.as_strategy(generation_mode=mode))
    @hsettings(max_examples=20, deadline=None, derandomize=True, database=None,
               suppress_health_check=list(HealthCheck))
    def run(case):
        # a loopback Host: the server takes writes from loopback names only
        case.call_and_validate(base_url="http://127.0.0.1", checks=[not_a_server_error, status_code_conformance,
                                                                     content_type_conformance])

    run()
