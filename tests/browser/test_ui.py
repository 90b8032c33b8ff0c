"""The web UI in a real headless Chromium: timeline, filters, event evidence, hostile content, upload."""

from __future__ import annotations

import re

import pytest

from ..serve_corpus import article_ids

pytestmark = pytest.mark.slow  # a headless Chromium: `pytest -m "not slow"` leaves it to CI

IDS = article_ids()


def test_browser_timeline_filter_then_event_evidence(page, live_server, tmp_path):
    page.goto(f"{live_server}/timeline")
    markers = page.locator("svg.timeline a.ev")
    assert markers.count() == 5  # six events, one undated
    page.screenshot(path=str(tmp_path / "timeline.png"), full_page=True)
    # the type drop-down applies the filter at once (app.js), no button press
    with page.expect_navigation():
        page.select_option("form.filters select[name=type]", "CONSULT")
    assert re.search(r"[?&]type=CONSULT", page.url)
    assert markers.count() == 1
    assert page.locator("svg.timeline a.ev title").first.text_content().startswith("2023-09-13 CONSULT/visit")
    # the SVG marker is a link to the event page
    with page.expect_navigation():
        markers.first.locator(".mk").click()
    assert page.url.endswith("/events/ev_meet")
    evidence = page.locator("#m-men_a1")
    assert evidence.text_content() == "Kim Jong Un a rencontré Vladimir Poutine mercredi au cosmodrome de Vostotchny."
    assert evidence.locator("mark.trigger").text_content() == "rencontré"
    # the shipped stylesheet is applied: the evidence and the trigger are visibly highlighted
    assert evidence.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 242, 168)"
    trigger_bg = evidence.locator("mark.trigger").evaluate("e => getComputedStyle(e).backgroundColor")
    assert trigger_bg == "rgb(255, 201, 201)"  # render.LAYER_COLOURS["trigger"] via /assets/layers.css
    assert page.locator("section.contradiction .side .value").all_text_contents() == ["Vostotchny", "Vladivostok"]
    page.screenshot(path=str(tmp_path / "event.png"), full_page=True)
    assert (tmp_path / "event.png").stat().st_size > 10_000
    assert all(u.startswith(live_server) for u in page.requests), page.requests  # nothing from the network
    assert page.console_errors == []  # no CSP violation, no missing asset


def test_browser_event_table_filters_paginates_and_rows_open_events(page, live_server):
    page.goto(f"{live_server}/events?limit=2")
    assert page.locator("#events tbody tr").count() == 2
    with page.expect_navigation():
        page.click("a[rel=next]")
    assert page.locator(".pager span").text_content() == "3–4 of 6"
    page.fill("form.filters input[name=actor]", "Poutine")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    rows = page.locator("#events tbody tr")
    assert rows.count() == 2
    # a click on a row (not on its link) opens the event (app.js)
    with page.expect_navigation():
        rows.nth(1).locator("td").nth(7).click()  # the plain "reports" cell
    assert page.url.endswith("/events/ev_meet")


def test_browser_hostile_article_runs_no_script(page, live_server, tmp_path):
    page.add_init_script("window.__pwned = 0;")
    page.goto(f"{live_server}/articles/{IDS['evil']}")
    page.wait_for_load_state("load")
    page.locator("details.removed summary").click()  # open the folded boilerplate too
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert page.evaluate("document.querySelectorAll('article.text script, article.text img').length") == 0
    text = page.locator("#article-text").inner_text()
    assert "<script>alert(1)</script>" in text and "{{ 7*7 }}" in text and "<img src=x onerror=alert(3)>" in text
    assert page.locator("h1").inner_text() == "<b>Titre</b> {{ 7*7 }} <script>alert(7)</script>"
    assert page.evaluate("[...document.links].filter(a => a.protocol === 'javascript:').length") == 0
    assert "<script>alert(9)</script>" in page.locator("details.removed").inner_text()
    page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)


def test_browser_pasted_hostile_article_is_ingested_and_shown_as_text(page, live_server, tmp_path):
    page.goto(f"{live_server}/ingest")
    body = ("Les forces de sécurité ont dispersé une manifestation devant le parlement jeudi soir.\n"
            "<script>alert('paste')</script> <img src=x onerror=alert('img')> {{ 7*7 }}\n"
            "Plusieurs centaines de personnes avaient répondu à l'appel des syndicats de la capitale.")
    page.fill("textarea[name=text]", body)
    page.fill("input[name=outlet]", "<b>Outlet</b>")
    with page.expect_navigation():
        page.click("form.ingest button[type=submit]")
    assert re.search(r"/articles/art_[0-9a-f]+$", page.url), page.locator("main").inner_text()
    page.locator("details.removed summary").click()
    page.wait_for_timeout(300)
    assert page.dialogs == []
    shown = page.locator("main").inner_text()
    assert "<script>alert('paste')</script>" in shown and "{{ 7*7 }}" in shown and "<b>Outlet</b>" in shown
    page.screenshot(path=str(tmp_path / "ingested.png"), full_page=True)


def test_browser_map_dots_link_to_events(page, live_server):
    page.goto(f"{live_server}/map")
    assert page.locator("svg.map path.land").count() == 177
    dots = page.locator("svg.map g.dots a.ev")
    assert dots.count() >= 1
    with page.expect_navigation():
        dots.first.locator(".mk").click()
    assert "/events/ev_" in page.url
    assert page.console_errors == []
