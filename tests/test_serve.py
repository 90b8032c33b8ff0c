"""The web app over a hand-made store: every page and API route, filters, pagination, errors,
request guards (413, token rule, cross-origin writes) and escaping of a hostile article."""

from __future__ import annotations

import re
import threading
import warnings
from pathlib import Path

import pytest

from veille.config import Settings
from veille.models import Document, Published
from veille.pipeline import article_id_for
from veille.serve import create_app
from veille.serve.app import safe_url
from veille.serve.pages import upload_label
from veille.store import SQLiteStore, open_store

from .serve_corpus import TEXT_A, article_ids, build_documents, build_store

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

CLEAN_ONLY = Settings(db=":memory:", stages=("clean",))
IDS = article_ids()
ARTICLE_TEXT = ("Accueil > Monde > Europe\n"
                "Le président français a rencontré le chancelier allemand mardi à Berlin pour parler de "
                "l'Ukraine et des sanctions contre la Russie.\n"
                "Les deux dirigeants ont promis une aide militaire supplémentaire à Kiev dans les prochains mois.\n"
                "Partager sur Facebook")


@pytest.fixture(scope="module")
def client() -> TestClient:
    """Read-only tests share one app over the hand-made store."""
    return TestClient(create_app(CLEAN_ONLY, build_store()))


def fresh_client(**kw) -> TestClient:
    """Tests that write get their own store (an ingest re-runs the merge over the whole store)."""
    return TestClient(create_app(CLEAN_ONLY, build_store(), **kw), base_url="http://127.0.0.1")


def ids_of(response) -> list[str]:
    return [item["event_id"] for item in response.json()["items"]]


# --------------------------------------------------------------------------- pages

PAGES = ["/", "/stories", "/stories/sto_kim", "/stories/sto_evil", "/timeline", "/events", "/events/ev_meet",
         "/events/ev_protest", "/events/ev_aid", "/map", "/articles", f"/articles/{IDS['a']}",
         f"/articles/{IDS['evil']}", "/actors", "/actors/act_kim", "/actors/act_evil", "/search?q=Poutine",
         "/ingest", "/timeline?type=CONSULT", "/map?country=RUS", "/events?q=Vladivostok"]


@pytest.mark.parametrize("url", PAGES)
def test_serve_pages_render_with_csp_and_only_local_assets(client, url):
    r = client.get(url)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    # every script, style, icon and image comes from the app itself
    for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
        for value in re.findall(rf"<{tag}\b[^>]*\b{attr}=\"([^\"]*)\"", r.text):
            assert value.startswith("/"), (url, value)
    assert "<script>" not in r.text and "<style" not in r.text  # no inline script or style at all


def test_serve_static_assets_and_layer_colours_are_shipped(client):
    for path in ("/static/style.css", "/static/app.js", "/static/favicon.svg", "/static/world-110m.json",
                 "/static/NOTICE.world-atlas.txt"):
        assert client.get(path).status_code == 200, path
    css = client.get("/assets/layers.css")
    assert css.headers["content-type"].startswith("text/css")
    assert "mark.trigger{background:#ffc9c9}" in css.text


def test_serve_index_lists_stories(client):
    html = client.get("/").text
    assert 'href="/stories/sto_kim"' in html and "Kim Jong Un en Russie" in html
    assert "4 articles · 6 events from 7 mentions" in html


def test_serve_story_page_draws_its_events_on_the_timeline(client):
    html = client.get("/stories/sto_kim").text
    svg = re.search(r"<svg class=\"timeline\".*?</svg>", html, re.S).group(0)
    # four dated events of the story (the undated AID is not drawn), each a link to its page
    assert sorted(re.findall(r'<a href="/events/(ev_\w+)" class="ev"', svg)) == [
        "ev_accuse", "ev_deal", "ev_meet", "ev_sanction"]
    assert "ev_protest" not in svg


def test_serve_timeline_colour_shape_and_size_encode_quad_factuality_and_sources(client):
    svg = re.search(r"<svg class=\"timeline\".*?</svg>", client.get("/timeline").text, re.S).group(0)
    meet = re.search(r'<a href="/events/ev_meet"[^>]*>(.*?)</a>', svg, re.S).group(1)
    assert 'fill="#5fae3d"' in meet  # verbal cooperation
    assert 'r="6.2"' in meet  # two sources: larger than one source (r=4.0)
    deal = re.search(r'<a href="/events/ev_deal"[^>]*>(.*?)</a>', svg, re.S).group(1)
    assert "<path" in deal and 'fill="#fff"' in deal  # negated: crossed-out hollow circle
    accuse = re.search(r'<a href="/events/ev_accuse"[^>]*>(.*?)</a>', svg, re.S).group(1)
    assert "<polygon" in accuse and 'fill="#f08c2e"' in accuse  # claimed verbal conflict: diamond
    protest = re.search(r'<a href="/events/ev_protest"[^>]*>(.*?)</a>', svg, re.S).group(1)
    assert 'fill="#c8271d"' in protest and 'r="4.0"' in protest


def test_serve_timeline_lists_undated_events_apart(client):
    html = client.get("/timeline").text
    assert "6 events, 1 without a calendar date" in html
    assert 'href="/events/ev_aid"' in html.split("Events without a calendar date")[1]


def test_serve_map_draws_the_world_outline_and_located_events(client):
    html = client.get("/map").text
    assert "3 of 6 events have a place with coordinates." in html
    svg = re.search(r"<svg class=\"map\".*?</svg>", html, re.S).group(0)
    assert svg.count('<path class="land"') == 177  # Natural Earth 110m countries
    assert "<title>France</title>" in svg
    assert sorted(re.findall(r'<a href="/events/(ev_\w+)" class="ev">', svg)) == ["ev_accuse", "ev_meet", "ev_protest"]
    # Paris at lon 2.35, lat 48.85 in a 960×480 equirectangular frame
    assert 'cx="486.3" cy="109.7"' in svg
    only_russia = client.get("/map?country=RUS").text
    assert "1 of 2 events have a place with coordinates." in only_russia


def test_serve_event_page_shows_each_mention_with_highlighted_evidence_and_contradictions(client):
    html = client.get("/events/ev_meet").text
    assert "Mentions (2)" in html
    evidence = re.findall(r'<mark class="evidence" id="m-(men_\w+)">(.*?)</mark>\s*(?=…|<)', html, re.S)
    assert {mid for mid, _ in evidence} == {"men_a1", "men_b1"}
    assert ('<mark class="evidence" id="m-men_a1">Kim Jong Un a <mark class="trigger" '
            'title="CONSULT [asserted] «rencontré»">rencontré</mark> Vladimir Poutine mercredi au cosmodrome de '
            'Vostotchny.</mark>') in html
    assert "Sources disagree" in html and "location: Vostotchny vs Vladivostok" in html
    sides = re.findall(r'<div class="side">\s*<p class="value">([^<]*)</p>', html)
    assert sides == ["Vostotchny", "Vladivostok"]
    assert "Le Monde, RFI" in html
    assert 'href="https://example.org/kim-poutine"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_serve_article_page_highlights_layers_and_folds_boilerplate(client):
    html = client.get(f"/articles/{IDS['a']}").text
    assert '<mark class="actor" title="Kim Jong Un · PRK GOV head of state">Kim Jong Un</mark>' in html
    assert '<mark class="timex" title="DATE 2023-09-13 (day)">mercredi</mark>' in html
    assert '<mark class="trigger" title="CONSULT  [asserted]">rencontré</mark>' in html
    assert '<mark class="actor" title="ORG (entity)">Kremlin</mark>' in html
    details = re.search(r"<details class=\"removed\">.*?</details>", html, re.S).group(0)
    assert "Removed boilerplate (2 lines)" in details and "Abonnez-vous à notre newsletter" in details
    assert 'href="/events/ev_meet"' in html and 'href="/stories/sto_kim"' in html
    assert "Aucun accord d&#39;armement n&#39;a été signé" in html  # the quote


def test_serve_actor_page_shows_role_country_and_events_over_time(client):
    html = client.get("/actors/act_kim").text
    assert "head of state" in html and "PRK" in html and "Events over time (4)" in html
    rows = re.findall(r'<tr><td><a href="/events/(ev_\w+)">.*?</td>.*?</td>\s*<td>.*?</td><td>([a-z,]+)</td>', html, re.S)
    assert [r[0] for r in rows] == ["ev_deal", "ev_meet", "ev_accuse", "ev_sanction"]
    assert dict(rows)["ev_accuse"] == "target"


def test_serve_events_page_filters_and_paginates(client):
    html = client.get("/events?type=CONSULT").text
    assert re.findall(r'<tr data-href="/events/(ev_\w+)">', html) == ["ev_meet"]
    html = client.get("/events?limit=2").text
    assert re.findall(r'<tr data-href="/events/(ev_\w+)">', html) == ["ev_deal", "ev_meet"]
    assert '<a rel="next" href="/events?limit=2&amp;offset=2">' in html and "1–2 of 6" in html
    html = client.get("/events?limit=2&offset=4&factuality=").text
    assert re.findall(r'<tr data-href="/events/(ev_\w+)">', html) == ["ev_sanction", "ev_aid"]
    assert '<a rel="prev" href="/events?limit=2&amp;offset=2">' in html and "5–6 of 6" in html
    assert 'rel="next"' not in html
    html = client.get("/events?factuality=hypothetical&limit=1").text
    assert '<a rel="next" href="/events?factuality=hypothetical&amp;limit=1&amp;offset=1">' in html
    html = client.get("/events?date_from=sept").text
    assert "ignored the &#39;from&#39; date" in html


def test_serve_search_page_finds_articles(client):
    html = client.get("/search?q=vladivostok").text
    assert f'href="/articles/{IDS["b"]}"' in html and "[Vladivostok]" in html
    assert "No match." in client.get("/search?q=zzzunknownzzz").text


def test_serve_unknown_ids_are_404_pages(client):
    for url in ("/events/nope", "/articles/nope", "/actors/nope", "/stories/nope"):
        r = client.get(url)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert "404" in r.text
    assert client.get("/nowhere").status_code == 404


# --------------------------------------------------------------------------- JSON API


def test_serve_api_lists_have_pages(client):
    for path in ("/api/articles", "/api/events", "/api/mentions", "/api/actors", "/api/stories",
                 "/api/search?q=Kim"):
        body = client.get(path).json()
        assert set(body) == {"items", "total", "limit", "offset"}, path
    assert client.get("/api/articles").json()["total"] == 4
    assert client.get("/api/mentions").json()["total"] == 7
    assert client.get("/api/actors").json()["total"] == 5
    assert client.get("/api/stories").json()["total"] == 2
    page = client.get("/api/events?limit=2&offset=2").json()
    assert (page["total"], page["limit"], page["offset"]) == (6, 2, 2)
    assert [e["event_id"] for e in page["items"]] == ["ev_accuse", "ev_protest"]
    assert ids_of(client.get("/api/events?limit=200&offset=5")) == ["ev_aid"]
    assert client.get("/api/events?offset=50").json()["items"] == []


@pytest.mark.parametrize("query", ["limit=201", "limit=0", "offset=-1", "date_from=13/09/2023", "limit=abc"])
def test_serve_api_rejects_bad_paging_and_dates(client, query):
    r = client.get(f"/api/events?{query}")
    assert r.status_code == 422


def test_serve_api_event_filters(client):
    assert ids_of(client.get("/api/events?type=consult")) == ["ev_meet"]
    assert ids_of(client.get("/api/events?factuality=hypothetical")) == ["ev_sanction", "ev_aid"]
    assert ids_of(client.get("/api/events?actor=act_seoul")) == ["ev_accuse"]
    assert ids_of(client.get("/api/events?actor=poutine")) == ["ev_deal", "ev_meet"]
    assert ids_of(client.get("/api/events?country=USA")) == ["ev_sanction"]
    assert ids_of(client.get("/api/events?country=fra")) == ["ev_protest"]  # actor or place country
    assert ids_of(client.get("/api/events?date_from=2023-09-14&date_to=2023-09-15")) == ["ev_accuse", "ev_protest"]
    assert ids_of(client.get("/api/events?date_from=2023-10")) == ["ev_sanction"]
    assert ids_of(client.get("/api/events?date_to=2023-10")) == ["ev_deal", "ev_meet", "ev_accuse", "ev_protest",
                                                                   "ev_sanction"]
    assert ids_of(client.get("/api/events?q=Vladivostok")) == ["ev_meet", "ev_accuse"]
    assert ids_of(client.get("/api/events?q=nothingmatches")) == []
    assert ids_of(client.get("/api/events?story_id=sto_evil")) == ["ev_protest"]
    assert ids_of(client.get("/api/events?type=CONSULT&country=KOR")) == []


def test_serve_api_records_follow_the_contract(client):
    ev = client.get("/api/events/ev_meet").json()
    assert ev["type"] == "CONSULT" and ev["n_sources"] == 2
    assert ev["contradictions"] == [{"field": "location", "values": ["Vostotchny", "Vladivostok"],
                                     "mention_ids": ["men_a1", "men_b1"]}]
    assert [m["mention_id"] for m in ev["mentions"]] == ["men_a1", "men_b1"]
    art = client.get(f"/api/articles/{IDS['a']}").json()
    assert art["text"] == TEXT_A and art["published"] == {"value": "2023-09-13", "precision": "day",
                                                          "method": "metadata"}
    assert [m["mention_id"] for m in art["mentions"]] == ["men_a1", "men_a2"]
    actor = client.get("/api/actors/act_seoul").json()
    assert actor["country"] == "KOR" and actor["events"] == [
        {"event_id": "ev_accuse", "side": "source", "type": "ACCUSE",
         "date": {"value": "2023-09-14", "precision": "day", "end": None, "basis": None}}]
    story = client.get("/api/stories/sto_kim").json()
    assert [e["event_id"] for e in story["events"]] == ["ev_deal", "ev_meet", "ev_accuse", "ev_sanction", "ev_aid"]
    assert client.get("/api/mentions?event_id=ev_meet").json()["total"] == 2
    assert client.get(f"/api/mentions?article_id={IDS['c']}").json()["total"] == 2
    assert [a["actor_id"] for a in client.get("/api/actors?q=Séoul").json()["items"]] == ["act_seoul"]
    hits = client.get("/api/search?q=Poutine").json()
    assert hits["total"] == 2 and {h["article_id"] for h in hits["items"]} == {IDS["a"], IDS["b"]}


def test_serve_api_unknown_ids_are_404_json(client):
    for path in ("/api/articles/x", "/api/events/x", "/api/actors/x", "/api/stories/x"):
        r = client.get(path)
        assert r.status_code == 404
        assert r.json()["error"]["status"] == 404 and r.json()["error"]["message"].startswith("no ")


def test_serve_api_has_an_openapi_schema_and_no_cdn_docs(client):
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/articles", "/api/articles/{article_id}", "/api/events", "/api/events/{event_id}",
                 "/api/mentions", "/api/actors", "/api/actors/{actor_id}", "/api/stories",
                 "/api/stories/{story_id}", "/api/search", "/api/ingest", "/api/annotate"):
        assert path in schema["paths"], path
    assert not any(p.startswith("/events") for p in schema["paths"])  # pages stay out of the API schema
    assert client.get("/docs").status_code == 404  # Swagger UI would load from a CDN


def test_serve_api_ingest_calls_the_library_and_is_idempotent():
    c = fresh_client()
    r = c.post("/api/ingest", json={"text": ARTICLE_TEXT, "title": "Sommet", "outlet": "AFP",
                                    "published": "2023-09-19"})
    assert r.status_code == 201
    body = r.json()
    assert body["added"] == 1 and body["skipped"] == []
    art = c.get(f"/api/articles/{body['article_ids'][0]}").json()
    assert art["outlet"] == "AFP" and art["source_path"] == "upload:api"
    assert "le chancelier allemand mardi à Berlin" in art["text"]
    again = c.post("/api/ingest", json={"text": ARTICLE_TEXT})
    assert again.status_code == 200 and again.json()["unchanged"] == 1
    assert c.post("/api/ingest", json={"text": ""}).status_code == 422
    assert c.post("/api/ingest", json={"text": "x", "published": "hier"}).status_code == 422


def test_serve_api_annotate_returns_the_annotation_dict(client):
    r = client.post("/api/annotate", json={"text": ARTICLE_TEXT, "dct": "2023-09-19"})
    assert r.status_code == 200
    body = r.json()
    assert body["published"]["value"] == "2023-09-19"
    for key in ("text", "sentences", "entities", "actors", "timexes", "places", "mentions", "quotes",
                "removed_lines"):
        assert key in body
    assert client.post("/api/annotate", json={"text": "x", "dct": "19/09/2023"}).status_code == 422


def test_serve_form_paste_and_upload_ingest_without_writing_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    c = fresh_client()
    r = c.post("/ingest", data={"text": ARTICLE_TEXT, "outlet": "Le Temps"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/articles/art_")
    page = c.get(r.headers["location"])
    assert page.status_code == 200 and "Le Temps" in page.text
    other = ARTICLE_TEXT.replace("mardi", "jeudi")
    r = c.post("/ingest", files={"file": ("../../etc/cron.d/evil.txt", other.encode("utf-8"), "text/plain")},
               follow_redirects=False)
    assert r.status_code == 303
    art = c.get("/api" + r.headers["location"]).json()
    assert art["source_path"] == "upload:evil.txt"
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere from the upload
    r = c.post("/ingest", data={"text": "   "})
    assert r.status_code == 422 and "paste a text" in r.text


def test_serve_upload_label_keeps_only_a_safe_base_name():
    assert upload_label("../../etc/passwd") == "upload:passwd"
    assert upload_label("C:\\Users\\x\\article été.txt") == "upload:article_t_.txt"
    assert upload_label("..") == "upload:text"
    assert upload_label(None) == "upload:text"


# --------------------------------------------------------------------------- guards


def test_serve_body_over_the_limit_is_413():
    c = fresh_client(max_body=1000)
    r = c.post("/api/ingest", json={"text": "a" * 2000})
    assert r.status_code == 413 and r.json()["error"]["status"] == 413
    r = c.post("/ingest", data={"text": "a" * 2000})
    assert r.status_code == 413

    def chunks():  # no Content-Length: the streamed bytes are counted
        for _ in range(5):
            yield b"x" * 400

    r = c.post("/api/annotate", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert c.post("/api/ingest", json={"text": ""}).status_code == 422  # small bodies pass


def test_serve_default_body_limit_is_2_mb(client):
    r = client.post("/api/annotate", json={"text": "a" * (2 * 1024 * 1024 + 10)})
    assert r.status_code == 413


def test_serve_write_token_rule():
    body = {"text": ARTICLE_TEXT}
    # loopback without a token: writes allowed
    assert fresh_client(host="127.0.0.1", token="").post("/api/ingest", json=body).status_code == 201
    # any other address without a configured token: writes refused
    open_lan = fresh_client(host="0.0.0.0", token="")
    assert open_lan.post("/api/ingest", json=body).status_code == 403
    assert open_lan.post("/ingest", data=body).status_code == 403
    assert open_lan.get("/events").status_code == 200  # reads stay open
    # with a token: missing → 401, wrong → 403, right (header or form field) → accepted
    lan = fresh_client(host="192.0.2.10", token="s3cret")
    r = lan.post("/api/ingest", json=body)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert lan.post("/api/ingest", json=body, headers={"Authorization": "Bearer nope"}).status_code == 403
    assert lan.post("/api/ingest", json=body, headers={"Authorization": "Bearer s3cret"}).status_code == 201
    assert lan.post("/ingest", data={**body, "token": "nope"}).status_code == 403
    r = lan.post("/ingest", data={"text": ARTICLE_TEXT.replace("mardi", "lundi"), "token": "s3cret"},
                 follow_redirects=False)
    assert r.status_code == 303
    assert 'name="token"' in lan.get("/ingest").text


def test_serve_token_from_environment(monkeypatch):
    monkeypatch.setenv("VEILLE_TOKEN", "from-env")
    c = fresh_client(host="10.0.0.5")
    assert c.post("/api/ingest", json={"text": ARTICLE_TEXT}).status_code == 401
    r = c.post("/api/ingest", json={"text": ARTICLE_TEXT}, headers={"Authorization": "Bearer from-env"})
    assert r.status_code == 201


def test_serve_loopback_writes_need_a_loopback_host_header():
    app = create_app(CLEAN_ONLY, build_store())
    rebound = TestClient(app, base_url="http://evil.example:8000")  # DNS rebinding: same origin, wrong host
    r = rebound.post("/api/ingest", json={"text": ARTICLE_TEXT}, headers={"Origin": "http://evil.example:8000"})
    assert r.status_code == 403 and "loopback Host" in r.json()["error"]["message"]
    assert rebound.get("/api/events").status_code == 200  # reads are not writes
    for base, city in (("http://localhost:8000", "Vienne"), ("http://[::1]:8000", "Prague")):
        r = TestClient(app, base_url=base).post("/api/ingest", json={"text": ARTICLE_TEXT.replace("Berlin", city)})
        assert r.status_code == 201, base


def test_serve_cross_origin_writes_are_refused(client):
    r = client.post("/api/ingest", json={"text": ARTICLE_TEXT}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and "cross-origin" in r.json()["error"]["message"]
    r = client.post("/ingest", data={"text": ARTICLE_TEXT}, headers={"Origin": "null"})
    assert r.status_code == 403


# --------------------------------------------------------------------------- escaping


HOSTILE_PAGES = [f"/articles/{IDS['evil']}", "/events/ev_protest", "/stories/sto_evil", "/", "/actors",
                 "/actors/act_evil", "/events", "/timeline", "/map", "/articles", "/search?q=manifestants",
                 "/events?actor=<script>alert(11)</script>", "/search?q=<script>alert(12)</script>"]


@pytest.mark.parametrize("url", HOSTILE_PAGES)
def test_serve_hostile_text_is_escaped_everywhere(client, url):
    html = client.get(url).text
    assert not re.search(r"<script>alert", html)
    assert not re.search(r"<svg onload", html)
    assert not re.search(r"<img src=x", html)
    assert not re.search(r"""href=["']?javascript:""", html, re.I)
    assert "<b>Titre</b>" not in html


def test_serve_hostile_article_shows_markup_and_template_syntax_as_text(client):
    html = client.get(f"/articles/{IDS['evil']}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "{% raw %}" in html and not re.search(r"\b49\b", html)
    assert "&lt;img src=x onerror=alert(3)&gt;" in html
    assert "&lt;a href=&quot;javascript:alert(6)&quot;&gt;lien&lt;/a&gt;" in html
    assert "url: javascript:alert(4)" in html  # a non-http URL is shown, never linked
    assert "&lt;b&gt;Titre&lt;/b&gt; {{ 7*7 }} &lt;script&gt;alert(7)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(9)&lt;/script&gt;" in html  # removed line, folded away
    story = client.get("/stories/sto_evil").text
    assert "&lt;script&gt;alert(10)&lt;/script&gt; {{ 7*7 }}" in story


def test_serve_safe_url_links_only_http():
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" JAVASCRIPT:alert(1)") is None
    assert safe_url("data:text/html,<b>") is None
    assert safe_url("//evil.example/x") is None
    assert safe_url("http://[::1") is None
    assert safe_url(None) is None


# --------------------------------------------------------------------------- store sharing


def test_serve_reads_while_another_process_writes_the_same_file(tmp_path):
    path = str(tmp_path / "live.db")
    build_store(path).close()
    c = TestClient(create_app(Settings(db=path, stages=("clean",))))
    writer_errors: list[Exception] = []

    def write() -> None:
        try:
            with SQLiteStore(path) as writer:  # its own connection, like `veille ingest`
                for i in range(30):
                    text = f"Article numéro {i} : le ministre a annoncé un nouveau plan pour la région."
                    writer.add_document(Document(article_id=article_id_for(text), source_path=f"w{i}.txt",
                                                 text=text, title=f"Plan {i}",
                                                 published=Published("2023-09-21", "day", "metadata")))
        except Exception as err:  # noqa: BLE001 - reported below
            writer_errors.append(err)

    thread = threading.Thread(target=write)
    thread.start()
    statuses = []
    while thread.is_alive():
        statuses += [c.get("/articles").status_code, c.get("/api/events").status_code,
                     c.get("/api/search?q=plan").status_code]
    thread.join()
    assert writer_errors == []
    assert set(statuses) == {200}
    assert c.get("/api/articles").json()["total"] == 34
    assert c.get("/api/search?q=ministre").json()["total"] == 30


def test_serve_create_app_opens_and_closes_the_store_at_settings_db(tmp_path):
    path = str(tmp_path / "own.db")
    build_store(path).close()
    with TestClient(create_app(Settings(db=path))) as c:
        assert c.get("/api/stories").json()["total"] == 2


def test_serve_documents_fixture_is_consistent():
    docs, events, _ = build_documents()
    mentions = {m.mention_id: (d, m) for d in docs for m in d.mentions}
    for ev in events:
        for mid in ev.mention_ids:
            d, m = mentions[mid]
            assert d.text[m.trigger_start:m.trigger_end] == m.trigger
            assert d.text[m.char_start:m.char_end] == m.sentence
    assert isinstance(open_store(":memory:"), SQLiteStore)


# --------------------------------------------------------------------------- SVG helpers


def test_serve_parse_iso_gives_the_first_day_covered():
    from datetime import date

    from veille.serve.svg import parse_iso

    assert parse_iso("2023-09-13") == date(2023, 9, 13)
    assert parse_iso("2023-09-13T10:00") == date(2023, 9, 13)
    assert parse_iso("2023-09") == date(2023, 9, 1)
    assert parse_iso("2023") == date(2023, 1, 1)
    assert parse_iso("2023-W37") == date(2023, 9, 11)
    assert parse_iso("2023-Q4") == date(2023, 10, 1)
    for bad in (None, "", "XXXX-WXX-2", "P6D", "2023-13-01", "2023-SU", "202X"):
        assert parse_iso(bad) is None, bad


def test_serve_timeline_ticks_stay_few_and_round():
    from datetime import date

    from veille.serve.svg import _ticks

    ticks, fmt = _ticks(date(2024, 6, 13), date(2024, 6, 20))
    assert [t.strftime(fmt) for t in ticks] == ["2024-06-13", "2024-06-14", "2024-06-15", "2024-06-16",
                                                 "2024-06-17", "2024-06-18", "2024-06-19", "2024-06-20"]
    ticks, fmt = _ticks(date(2023, 9, 1), date(2024, 3, 1))
    assert [t.strftime(fmt) for t in ticks] == ["2023-09", "2023-10", "2023-11", "2023-12", "2024-01", "2024-02",
                                                 "2024-03"]
    ticks, fmt = _ticks(date(2000, 7, 1), date(2024, 6, 20))
    assert [t.strftime(fmt) for t in ticks] == ["2005", "2010", "2015", "2020"]


def test_serve_timeline_puts_far_background_events_in_a_gutter():
    from veille.models import DateValue, Event
    from veille.serve.svg import timeline_svg

    events = [Event(f"ev_{i}", "CONSULT", date=DateValue(f"2024-06-{d:02d}", "day")) for i, d in
              enumerate((13, 18, 18, 19, 19, 19, 20))]
    events.append(Event("ev_old", "AGREE", date=DateValue("2000-07", "month")))
    svg = timeline_svg(events)
    assert ">earlier</text>" in svg and ">later</text>" not in svg
    assert re.search(r'<a href="/events/ev_old"[^>]*>.*?cx="178.0"', svg, re.S)  # centre of the left gutter
    assert ">2024-06-13</text>" in svg and not re.search(r">20(00|05|10)(-07)?</text>", svg)


# --------------------------------------------------------------------------- CLI


def test_serve_cli_command_starts_uvicorn_with_the_app(tmp_path, monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    from veille.cli import app as cli_app

    path = str(tmp_path / "cli.db")
    build_store(path).close()
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    result = CliRunner().invoke(cli_app, ["serve", "--db", path, "--host", "0.0.0.0", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert f"serving {path} on http://0.0.0.0:8123/" in " ".join(result.output.split())
    (web_app, kw), = calls
    assert kw["host"] == "0.0.0.0" and kw["port"] == 8123
    assert web_app.state.loopback is False and web_app.state.store.path == path
    web_app.state.store.close()


def test_serve_demo_then_serve_shows_the_sample_timeline(tmp_path, monkeypatch):
    """`veille demo --serve`: the bundled sample corpus through the real pipeline, then the web app."""
    import uvicorn
    from typer.testing import CliRunner

    from veille.cli import app as cli_app
    from veille.serve.svg import parse_iso

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    db = str(tmp_path / "demo.db")
    result = CliRunner().invoke(cli_app, ["demo", "--db", db, "--serve", "--port", "8124"])
    assert result.exit_code == 0, result.output
    (web_app, kw), = calls
    assert (kw["host"], kw["port"]) == ("127.0.0.1", 8124)
    with TestClient(web_app) as c:
        items, total = [], None
        while total is None or len(items) < total:
            page = c.get(f"/api/events?limit=200&offset={len(items)}").json()
            items, total = items + page["items"], page["total"]
        assert total > 0
        timeline = c.get("/timeline").text
        markers = re.findall(r'<a href="/events/(ev_\w+)" class="ev"', timeline)
        dated = [e for e in items if parse_iso(e["date"]["value"] if e["date"] else None)]
        assert len(markers) == len(dated) > 0
        story = c.get("/api/stories").json()["items"][0]
        assert c.get(f"/stories/{story['story_id']}").status_code == 200
        for e in items[:10]:
            assert c.get(f"/events/{e['event_id']}").status_code == 200


@pytest.mark.parametrize("url", ["/api/search?q=%00", "/api/events?q=%00", "/events?q=%00", "/timeline?q=%00",
                                 "/map?q=%00", "/search?q=%00", "/api/actors?q=a%01b", "/%00"])
def test_serve_a_nul_in_a_query_is_a_422_with_the_security_headers(client, url):
    r = client.get(url)
    assert r.status_code == 422
    assert "NUL or control" in r.json()["error"]["message"] or "control character" in r.json()["error"]["message"]
    assert r.headers["content-security-policy"].startswith("default-src 'none'")


def test_serve_an_unhandled_error_is_a_coded_500_with_the_security_headers(monkeypatch):
    from veille.serve import queries

    def broken(*args, **kw):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(queries, "search", broken)
    c = TestClient(create_app(CLEAN_ONLY, build_store()), raise_server_exceptions=False)
    r = c.get("/api/search?q=Poutine")
    assert r.status_code == 500
    assert r.json() == {"error": {"status": 500, "message": "[E000] internal error; the server log has the details"}}
    assert r.headers["x-frame-options"] == "DENY"


def test_web_app_is_in_the_base_install():
    import tomllib

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
    base = {re.split(r"[<>=\[ ]", d)[0].lower() for d in project["dependencies"]}
    assert {"fastapi", "uvicorn", "jinja2", "python-multipart"} <= base


@pytest.mark.parametrize(("q", "names"), [("country", []), ("aliases", []), ("_", []), ("%", []),
                                          ("Washington", ["États-Unis"]), ("poutine", ["Vladimir Poutine"])])
def test_serve_actor_filter_reads_names_and_aliases_only(client, q, names):
    assert [a["name"] for a in client.get(f"/api/actors?q={q}").json()["items"]] == names


# ---------------------------------------------------------------------------- the pipeline pool


def test_serve_pipeline_pool_gives_each_concurrent_request_its_own_pipeline():
    from veille.serve.queries import PipelinePool

    pool = PipelinePool(Settings(stages=("clean",), serve_pipelines=2))
    with pool.checkout() as first, pool.checkout() as second:
        assert first is not second  # two requests at once: no stage shared between threads
    with pool.checkout() as again:
        assert again in (first, second)  # a free pipeline is reused, not rebuilt
    assert pool.made == 2


def test_serve_pipeline_pool_makes_a_request_beyond_its_size_wait():
    from veille.serve.queries import PipelinePool

    pool = PipelinePool(Settings(stages=("clean",)))  # serve_pipelines = 1
    order: list[str] = []
    held = threading.Event()

    def other():
        held.wait(10)
        with pool.checkout():
            order.append("other")

    with pool.checkout() as mine:
        thread = threading.Thread(target=other)
        thread.start()
        held.set()
        thread.join(0.3)  # it cannot get a pipeline while this request holds the only one
        order.append("mine done")
    thread.join(10)
    assert order == ["mine done", "other"]
    assert pool.made == 1
    with pool.checkout() as later:
        assert later is mine


def test_serve_pipeline_pool_refuses_a_size_below_one():
    from veille.errors import ConfigError
    from veille.serve.queries import PipelinePool

    with pytest.raises(ConfigError, match=r"\[E300\] serve_pipelines must be at least 1, not 0"):
        PipelinePool(Settings(serve_pipelines=0))
