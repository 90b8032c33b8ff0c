"""The JSON API under /api/: the store's records in the shapes of docs/contract.md.

Every list takes `limit` (1..200) and `offset` and answers `{items, total, limit, offset}`;
an unknown id answers 404 `{"error": {"status": 404, "message": …}}`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from .. import api
from ..errors import InputError, VeilleError
from ..models import EVENT_TYPES, FACTUALITIES
from ..render import annotation_dict
from ..store import AnyStore, require_writable
from . import queries
from .queries import EventFilter
from .security import check_write_token

ISO = r"^\d{4}(-\d{2}(-\d{2})?)?$"
DAY = r"^\d{4}-\d{2}-\d{2}$"
Limit = Annotated[int, Query(ge=1, le=queries.MAX_LIMIT, description="page size (at most 200)")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]
Text = Annotated[str | None, Query(max_length=500)]
Date = Annotated[str | None, Query(pattern=ISO, description="YYYY, YYYY-MM or YYYY-MM-DD")]


class ErrorBody(BaseModel):
    status: int
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


class PageOut(BaseModel):
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


class IngestIn(BaseModel):
    text: str = Field(min_length=1, max_length=2_000_000)
    title: str | None = Field(None, max_length=500)
    url: str | None = Field(None, max_length=2000)
    outlet: str | None = Field(None, max_length=200)
    published: str | None = Field(None, pattern=DAY)


class IngestOut(BaseModel):
    read: int
    added: int
    unchanged: int
    near_duplicates: int
    skipped: list[dict[str, str]]
    article_ids: list[str]


class AnnotateIn(BaseModel):
    text: str = Field(min_length=1, max_length=2_000_000)
    dct: str | None = Field(None, pattern=DAY, description="document creation date, YYYY-MM-DD")


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "unknown id"}}
router = APIRouter(prefix="/api", tags=["api"])


def _store(request: Request) -> AnyStore:
    return request.app.state.store


def _page(page: queries.Page, convert) -> dict[str, Any]:
    return {"items": [convert(x) for x in page.items], "total": page.total, "limit": page.limit,
            "offset": page.offset}


@router.get("/articles", response_model=PageOut)
def articles(request: Request, limit: Limit = 50, offset: Offset = 0, story_id: Text = None) -> dict[str, Any]:
    """Articles (without their text), newest first."""
    return _page(queries.list_articles(_store(request), limit=limit, offset=offset, story_id=story_id), dict)


@router.get("/articles/{article_id}", responses=NOT_FOUND)
def article(request: Request, article_id: str) -> dict[str, Any]:
    """One article as in articles.jsonl, with its event mentions and quotes."""
    store = _store(request)
    doc = store.get_document(article_id)
    if doc is None:
        raise HTTPException(404, f"no article {article_id}")
    out = doc.article_dict()
    out["mentions"] = [m.to_dict() for m in store.iter_mentions(article_id)]
    out["quotes"] = [q.to_dict() for q in store.iter_quotes(article_id)]
    return out


@router.get("/events", response_model=PageOut)
def events(request: Request, actor: Text = None, country: Text = None,
           type: Annotated[str | None, Query(description=", ".join(EVENT_TYPES), max_length=20)] = None,
           factuality: Annotated[str | None, Query(description=", ".join(FACTUALITIES), max_length=20)] = None,
           date_from: Date = None, date_to: Date = None, q: Text = None, story_id: Text = None,
           limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Events (after cross-document merge) by date, filtered by actor (id or name), country (ISO3),
    PLOVER type, factuality, date range and a full-text query over their articles."""
    f = EventFilter(actor=actor, country=country, type=type, factuality=factuality, date_from=date_from,
                    date_to=date_to, q=q, story_id=story_id)
    return _page(queries.list_events(_store(request), f, limit=limit, offset=offset), lambda e: e.to_dict())


@router.get("/events/{event_id}", responses=NOT_FOUND)
def event(request: Request, event_id: str) -> dict[str, Any]:
    """One event as in events.jsonl, with its mentions (mentions.jsonl records)."""
    store = _store(request)
    ev = store.get_event(event_id)
    if ev is None:
        raise HTTPException(404, f"no event {event_id}")
    out = ev.to_dict()
    out["mentions"] = [m.to_dict() for m in store.mentions_of_event(event_id)]
    return out


@router.get("/mentions", response_model=PageOut)
def mentions(request: Request, article_id: Text = None, event_id: Text = None, limit: Limit = 50,
             offset: Offset = 0) -> dict[str, Any]:
    """Event mentions (one report of an event in one article's sentence)."""
    page = queries.list_mentions(_store(request), limit=limit, offset=offset, article_id=article_id,
                                 event_id=event_id)
    return _page(page, lambda m: m.to_dict())


@router.get("/actors", response_model=PageOut)
def actors(request: Request, q: Text = None, country: Text = None, limit: Limit = 50,
           offset: Offset = 0) -> dict[str, Any]:
    """Canonical actors, most mentioned first; `q` matches names and aliases."""
    page = queries.list_actors(_store(request), limit=limit, offset=offset, q=q, country=country)
    return _page(page, lambda a: a.to_dict())


@router.get("/actors/{actor_id}", responses=NOT_FOUND)
def actor(request: Request, actor_id: str) -> dict[str, Any]:
    """One actor, with the ids of its events (and its side in each) by date."""
    store = _store(request)
    a = store.get_actor(actor_id)
    if a is None:
        raise HTTPException(404, f"no actor {actor_id}")
    out = a.to_dict()
    out["events"] = [{"event_id": e.event_id, "side": side, "type": e.type,
                      "date": e.date.to_dict() if e.date else None} for e, side in queries.actor_events(store, actor_id)]
    return out


@router.get("/stories", response_model=PageOut)
def stories(request: Request, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Stories (groups of related events and articles), latest first."""
    return _page(queries.list_stories(_store(request), limit=limit, offset=offset), lambda s: s.to_dict())


@router.get("/stories/{story_id}", responses=NOT_FOUND)
def story(request: Request, story_id: str) -> dict[str, Any]:
    """One story with its events."""
    store = _store(request)
    s = store.get_story(story_id)
    if s is None:
        raise HTTPException(404, f"no story {story_id}")
    out = s.to_dict()
    out["events"] = [e.to_dict() for e in queries.all_events(store, EventFilter(story_id=story_id))]
    return out


@router.get("/search", response_model=PageOut)
def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=500)], limit: Limit = 20,
           offset: Offset = 0) -> dict[str, Any]:
    """Full-text search over articles (FTS5 syntax; plain words when the syntax is invalid)."""
    return _page(queries.search(_store(request), q, limit=limit, offset=offset), dict)


@router.post("/ingest", response_model=IngestOut, status_code=201,
             responses={200: {"model": IngestOut, "description": "already in the store"},
                        400: {"model": ErrorOut, "description": "the body is not JSON"},
                        401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 413: {"model": ErrorOut},
                        409: {"model": ErrorOut, "description": "the store is a read-only dataset (E402)"},
                        422: {"description": "nothing could be ingested"}})
def ingest(request: Request, body: IngestIn) -> Any:
    """Ingest one pasted article (veille.api.ingest_text) and re-run the merge pass."""
    check_write_token(request)
    try:
        require_writable(_store(request))
    except VeilleError as err:
        raise HTTPException(409, str(err)) from err
    meta = {k: v for k, v in (("title", body.title), ("url", body.url), ("outlet", body.outlet),
                              ("published", body.published)) if v}
    try:
        with request.app.state.pipelines.checkout() as pipeline:
            report = api.ingest_text(body.text, _store(request), request.app.state.settings,
                                     source_path="upload:api", pipeline=pipeline, **meta)
    except VeilleError as err:
        raise HTTPException(422, str(err)) from err
    out = report.to_dict()
    if report.added:
        return out
    if report.unchanged:
        return JSONResponse(out, status_code=200)
    return JSONResponse({"error": {"status": 422, "message": "; ".join(s.reason for s in report.skipped)
                                   or "nothing ingested"}, "report": out}, status_code=422)


@router.post("/annotate", responses={400: {"model": ErrorOut, "description": "the body is not JSON"},
                                     413: {"model": ErrorOut},
                                     422: {"description": "the text was rejected (e.g. nothing but boilerplate)"}})
def annotate(request: Request, body: AnnotateIn) -> dict[str, Any]:
    """Every per-document stage on one text (veille.api.annotate); nothing is stored.
    The answer is veille.render.annotation_dict: offsets index its `text`."""
    try:
        with request.app.state.pipelines.checkout() as pipeline:
            doc = api.annotate(body.text, dct=body.dct, pipeline=pipeline, offsets="clean")
    except InputError as err:
        raise HTTPException(422, str(err)) from err
    return annotation_dict(doc)
