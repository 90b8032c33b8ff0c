"""Server-rendered pages: stories, timeline, events, articles, actors, map, search, ingest."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from markupsafe import Markup

from .. import api
from ..errors import VeilleError
from ..render import LAYER_COLOURS
from ..store import AnyStore, require_writable
from . import queries
from .app import source_name
from .queries import EventFilter
from .security import check_write_token
from .svg import legend_svg, parse_iso, timeline_svg
from .views import article_html, event_details, valid_date

router = APIRouter(include_in_schema=False)

Limit = Annotated[int, Query(ge=1, le=queries.MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]
Text = Annotated[str | None, Query(max_length=500)]


def _store(request: Request) -> AnyStore:
    return request.app.state.store


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    context.setdefault("nav", name.removesuffix(".html"))
    context.setdefault("needs_token", bool(request.app.state.token) or not request.app.state.loopback)
    context.setdefault("args", dict(request.query_params))
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)


def _filter(actor: str | None, country: str | None, type: str | None, factuality: str | None,
            date_from: str | None, date_to: str | None, q: str | None, story_id: str | None
            ) -> tuple[EventFilter, list[str]]:
    notes = []
    for label, value in (("from", date_from), ("to", date_to)):
        if value and not valid_date(value):
            notes.append(f"ignored the '{label}' date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    f = EventFilter(actor=actor or None, country=country or None, type=type or None,
                    factuality=factuality or None, date_from=valid_date(date_from), date_to=valid_date(date_to),
                    q=q or None, story_id=story_id or None)
    return f, notes


@router.get("/assets/layers.css")
def layers_css() -> Response:
    """Highlight colours of the article layers, from render.LAYER_COLOURS (one source of truth)."""
    css = "".join(f"mark.{k}{{background:{v}}}\n" for k, v in LAYER_COLOURS.items())
    return PlainTextResponse(css, media_type="text/css")


@router.get("/", response_class=HTMLResponse)
def index(request: Request, limit: Limit = 50, offset: Offset = 0) -> HTMLResponse:
    store = _store(request)
    stories = queries.list_stories(store, limit=limit, offset=offset)
    events = [] if stories.total else queries.all_events(store, EventFilter())
    return _page(request, "index.html", {
        "stories": stories, "stats": store.stats(),
        "timeline": Markup(timeline_svg(events)) if events else None, "legend": Markup(legend_svg()),
        "nav": "stories"})


@router.get("/stories", response_class=HTMLResponse)
def stories_page(request: Request, limit: Limit = 50, offset: Offset = 0) -> HTMLResponse:
    return index(request, limit, offset)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> HTMLResponse:
    store = _store(request)
    story = store.get_story(story_id)
    if story is None:
        raise HTTPException(404, f"no story {story_id}")
    events = queries.all_events(store, EventFilter(story_id=story_id))
    if not events and story.event_ids:
        events = [e for e in (store.get_event(i) for i in story.event_ids) if e is not None]
    articles = queries.article_meta(store, story.article_ids)
    return _page(request, "story.html", {
        "story": story, "events": events, "articles": [articles[a] for a in story.article_ids if a in articles],
        "timeline": Markup(timeline_svg(events)), "legend": Markup(legend_svg()), "nav": "stories"})


def _event_list_context(request: Request, actor, country, type, factuality, date_from, date_to, q, story_id,
                        limit: int, offset: int) -> dict[str, Any]:
    store = _store(request)
    f, notes = _filter(actor, country, type, factuality, date_from, date_to, q, story_id)
    page = queries.list_events(store, f, limit=limit, offset=offset)
    return {"filter": f, "notes": notes, "page": page, "facets": queries.facet_values(store),
            "args": {**f.query_args(), "limit": limit}}


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, actor: Text = None, country: Text = None, type: Text = None,
                factuality: Text = None, date_from: Text = None, date_to: Text = None, q: Text = None,
                story_id: Text = None, limit: Limit = 50, offset: Offset = 0) -> HTMLResponse:
    ctx = _event_list_context(request, actor, country, type, factuality, date_from, date_to, q, story_id,
                              limit, offset)
    return _page(request, "events.html", ctx)


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request, actor: Text = None, country: Text = None, type: Text = None,
                  factuality: Text = None, date_from: Text = None, date_to: Text = None, q: Text = None,
                  story_id: Text = None) -> HTMLResponse:
    store = _store(request)
    f, notes = _filter(actor, country, type, factuality, date_from, date_to, q, story_id)
    events = queries.all_events(store, f)
    undated = [e for e in events if parse_iso(e.date.value if e.date else None) is None]  # not drawn
    return _page(request, "timeline.html", {
        "filter": f, "notes": notes, "events": events, "undated": undated, "facets": queries.facet_values(store),
        "timeline": Markup(timeline_svg(events)), "legend": Markup(legend_svg()), "args": f.query_args()})


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, actor: Text = None, country: Text = None, type: Text = None,
             factuality: Text = None, date_from: Text = None, date_to: Text = None, q: Text = None,
             story_id: Text = None) -> HTMLResponse:
    store = _store(request)
    f, notes = _filter(actor, country, type, factuality, date_from, date_to, q, story_id)
    events = queries.all_events(store, f)
    located = [e for e in events if e.location and e.location.lat is not None and e.location.lon is not None]
    return _page(request, "map.html", {
        "filter": f, "notes": notes, "events": events, "located": located, "facets": queries.facet_values(store),
        "map": Markup(request.app.state.world.svg(events)), "legend": Markup(legend_svg()),
        "args": f.query_args()})


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str) -> HTMLResponse:
    store = _store(request)
    ev = store.get_event(event_id)
    if ev is None:
        raise HTTPException(404, f"no event {event_id}")
    mentions, contradictions = event_details(store, ev)
    outlets = sorted({(v.article.get("outlet") or source_name(v.article.get("source_path")) or "?") for v in mentions})
    story = store.get_story(ev.story_id) if ev.story_id else None
    return _page(request, "event.html", {"event": ev, "mentions": mentions, "contradictions": contradictions,
                                         "outlets": outlets, "story": story, "nav": "events"})


@router.get("/articles", response_class=HTMLResponse)
def articles_page(request: Request, limit: Limit = 50, offset: Offset = 0, story_id: Text = None) -> HTMLResponse:
    page = queries.list_articles(_store(request), limit=limit, offset=offset, story_id=story_id or None)
    return _page(request, "articles.html", {"page": page, "args": {"story_id": story_id, "limit": limit}})


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    store = _store(request)
    doc = store.get_document(article_id)
    if doc is None:
        raise HTTPException(404, f"no article {article_id}")
    event_ids = set(queries.events_of_article(store, article_id))
    return _page(request, "article.html", {
        "doc": doc, "body": article_html(doc), "quotes": list(store.iter_quotes(article_id)),
        "event_ids": event_ids, "story": store.get_story(doc.story_id) if doc.story_id else None,
        "nav": "articles"})


@router.get("/actors", response_class=HTMLResponse)
def actors_page(request: Request, q: Text = None, country: Text = None, limit: Limit = 50,
                offset: Offset = 0) -> HTMLResponse:
    page = queries.list_actors(_store(request), limit=limit, offset=offset, q=q or None, country=country or None)
    return _page(request, "actors.html", {"page": page, "args": {"q": q, "country": country, "limit": limit}})


@router.get("/actors/{actor_id}", response_class=HTMLResponse)
def actor_page(request: Request, actor_id: str) -> HTMLResponse:
    store = _store(request)
    actor = store.get_actor(actor_id)
    if actor is None:
        raise HTTPException(404, f"no actor {actor_id}")
    events = queries.actor_events(store, actor_id)
    return _page(request, "actor.html", {
        "actor": actor, "events": events, "articles": queries.actor_articles(store, actor_id),
        "timeline": Markup(timeline_svg([e for e, _ in events])), "legend": Markup(legend_svg()),
        "nav": "actors"})


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: Text = None, limit: Limit = 20, offset: Offset = 0) -> HTMLResponse:
    page = queries.search(_store(request), q or "", limit=limit, offset=offset)
    return _page(request, "search.html", {"q": q or "", "page": page, "args": {"q": q, "limit": limit}})


# --------------------------------------------------------------------------- ingest (write)


SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def upload_label(filename: str | None) -> str:
    """A label for an uploaded file (stored as its source); no file is ever written from it."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = SAFE_NAME.sub("_", base).strip("._")[:80]
    return f"upload:{base or 'text'}"


@router.get("/ingest", response_class=HTMLResponse)
def ingest_form(request: Request) -> HTMLResponse:
    return _page(request, "ingest.html", {"form": {}})


@router.post("/ingest", response_class=HTMLResponse)
def ingest_submit(
    request: Request,
    text: Annotated[str, Form(max_length=2_000_000)] = "",
    title: Annotated[str, Form(max_length=500)] = "",
    url: Annotated[str, Form(max_length=2000)] = "",
    outlet: Annotated[str, Form(max_length=200)] = "",
    published: Annotated[str, Form(max_length=10)] = "",
    token: Annotated[str, Form(max_length=500)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    check_write_token(request, token or None)
    try:
        require_writable(_store(request))
    except VeilleError as err:
        return _page(request, "ingest.html", {"errors": [str(err)], "form": {}}, status_code=409)
    source = "upload:pasted"
    if file is not None and file.filename:
        data = file.file.read()
        if not text.strip():
            text = data.decode("utf-8", errors="replace")
        source = upload_label(file.filename)
    form = {"title": title, "url": url, "outlet": outlet, "published": published, "text": text}
    errors = []
    if published and not valid_date(published):
        errors.append("the date must be YYYY-MM-DD")
    if not text.strip():
        errors.append("paste a text or choose a .txt file")
    if errors:
        return _page(request, "ingest.html", {"errors": errors, "form": form},
                     status_code=422)
    meta = {k: v.strip() for k, v in (("title", title), ("url", url), ("outlet", outlet),
                                      ("published", published)) if v.strip()}
    try:
        with request.app.state.pipelines.checkout() as pipeline:
            report = api.ingest_text(text, _store(request), request.app.state.settings, source_path=source,
                                     pipeline=pipeline, **meta)
    except VeilleError as err:
        return _page(request, "ingest.html", {"errors": [str(err)], "form": form},
                     status_code=422)
    if len(report.article_ids) == 1:
        return RedirectResponse(f"/articles/{report.article_ids[0]}", status_code=303)
    status = 422 if report.skipped and not report.added and not report.unchanged else 200
    return _page(request, "ingest.html", {"report": report, "form": {} if status == 200 else form,
                                          "errors": [s.reason for s in report.skipped]},
                 status_code=status)
