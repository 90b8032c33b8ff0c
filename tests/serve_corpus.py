"""A small hand-made store for the web app's tests: four articles, six events, two stories.

One article is hostile: markup, a `javascript:` link, template syntax and an event handler in
its text, title, outlet, URL and actor names, all of which must come out as plain text.
"""

from __future__ import annotations

from veille.models import (
    Actor,
    ActorMention,
    Contradiction,
    DateValue,
    Document,
    Entity,
    Event,
    EventMention,
    Location,
    Published,
    Quote,
    RemovedLine,
    Story,
    Timex,
)
from veille.pipeline import article_id_for
from veille.store import SQLiteStore, open_store

KIM = Actor("act_kim", "Kim Jong Un", aliases=["Kim"], kind="person", country="PRK", sector="GOV",
            role="head of state")
PUTIN = Actor("act_putin", "Vladimir Poutine", aliases=["Poutine"], kind="person", country="RUS", sector="GOV",
              role="head of state")
SEOUL = Actor("act_seoul", "Corée du Sud", aliases=["Séoul"], kind="state", country="KOR", sector="GOV")
USA = Actor("act_usa", "États-Unis", aliases=["Washington"], kind="state", country="USA", sector="GOV")
HOSTILE_ACTOR = Actor("act_evil", "<svg onload=alert(5)>", kind="group", country="FRA", sector="CVL")

VOSTOCHNY = Location("Vostotchny", "RUS", 51.88, 128.33, precision="site")
VLADIVOSTOK = Location("Vladivostok", "RUS", 43.12, 131.9, geonames_id=2013348, precision="city")
SEOUL_LOC = Location("Séoul", "KOR", 37.57, 126.98, precision="city")
PARIS = Location("Paris", "FRA", 48.85, 2.35, precision="city")

TEXT_A = ("Kim Jong Un a rencontré Vladimir Poutine mercredi au cosmodrome de Vostotchny.\n"
          "Les deux dirigeants ont parlé pendant quatre heures. Aucun accord d'armement n'a été signé, "
          "selon le Kremlin.")
TEXT_B = ("Le dirigeant nord-coréen Kim Jong Un et Vladimir Poutine se sont entretenus mercredi à Vladivostok.\n"
          "Séoul accuse Pyongyang de fournir des munitions à Moscou.")
TEXT_C = ("Washington pourrait imposer de nouvelles sanctions à la Corée du Nord, a prévenu la Maison Blanche.\n"
          "Une aide alimentaire serait envisagée.")
TEXT_EVIL = ("Des manifestants ont défilé à Paris. <script>alert(1)</script>\n"
             "Cliquez ici : javascript:alert(2) et <img src=x onerror=alert(3)> puis {{ 7*7 }} et {% raw %}.\n"
             "<a href=\"javascript:alert(6)\">lien</a>")


def _span(text: str, needle: str, start: int = 0) -> tuple[int, int]:
    i = text.index(needle, start)
    return i, i + len(needle)


def _sentence(text: str, needle: str) -> tuple[int, int, str]:
    i = text.index(needle)
    s = max(text.rfind(". ", 0, i) + 2 if text.rfind(". ", 0, i) >= 0 else 0, text.rfind("\n", 0, i) + 1)
    e = min(x for x in (text.find(".", i) + 1, len(text)) if x > 0)
    return s, e, text[s:e]


def _mention(doc: Document, mid: str, typ: str, trigger: str, **kw) -> EventMention:
    s, e, sent = _sentence(doc.text, trigger)
    ts, te = _span(doc.text, trigger)
    return EventMention(mention_id=mid, article_id=doc.article_id, type=typ, trigger=trigger, sentence=sent,
                        char_start=s, char_end=e, trigger_start=ts, trigger_end=te, **kw)


def _doc(text: str, source: str, title: str, outlet: str, published: str, url: str | None = None) -> Document:
    return Document(article_id=article_id_for(text), source_path=source, text=text, title=title, outlet=outlet,
                    url=url, language="fr", published=Published(published, "day", "metadata"))


def build_documents() -> tuple[list[Document], list[Event], list[Story]]:
    a = _doc(TEXT_A, "pages/a.txt", "Kim Jong Un rencontre Poutine", "Le Monde", "2023-09-13",
             "https://example.org/kim-poutine")
    a.actors = {x.actor_id: x for x in (KIM, PUTIN)}
    a.actor_mentions = [ActorMention(*_span(TEXT_A, "Kim Jong Un"), "Kim Jong Un", "act_kim"),
                        ActorMention(*_span(TEXT_A, "Vladimir Poutine"), "Vladimir Poutine", "act_putin")]
    a.timexes = [Timex(*_span(TEXT_A, "mercredi"), "mercredi", value="2023-09-13", date="2023-09-13",
                       precision="day")]
    a.places = []
    a.entities = [Entity(*_span(TEXT_A, "Kremlin"), "Kremlin", "ORG")]
    a.removed_lines = [RemovedLine("Accueil > Monde > Asie", "breadcrumb"),
                       RemovedLine("Abonnez-vous à notre newsletter", "newsletter")]
    a.mentions = [
        _mention(a, "men_a1", "CONSULT", "rencontré", source=[KIM.ref()], target=[PUTIN.ref()],
                 date=DateValue("2023-09-13", "day"), location=VOSTOCHNY, event_id="ev_meet"),
        _mention(a, "men_a2", "AGREE", "accord", source=[KIM.ref()], target=[PUTIN.ref()], factuality="negated",
                 date=DateValue("2023-09-13", "day"), event_id="ev_deal"),
    ]
    a.quotes = [Quote("quo_a1", a.article_id, "Aucun accord d'armement n'a été signé", False,
                      *_span(TEXT_A, "Aucun accord d'armement n'a été signé"))]

    b = _doc(TEXT_B, "pages/b.txt", "Sommet à l'Est", "RFI", "2023-09-14")
    b.actors = {x.actor_id: x for x in (KIM, PUTIN, SEOUL)}
    b.actor_mentions = [ActorMention(*_span(TEXT_B, "Kim Jong Un"), "Kim Jong Un", "act_kim"),
                        ActorMention(*_span(TEXT_B, "Séoul"), "Séoul", "act_seoul")]
    b.mentions = [
        _mention(b, "men_b1", "CONSULT", "entretenus", source=[KIM.ref()], target=[PUTIN.ref()],
                 date=DateValue("2023-09-13", "day"), location=VLADIVOSTOK, event_id="ev_meet"),
        _mention(b, "men_b2", "ACCUSE", "accuse", source=[SEOUL.ref()], target=[KIM.ref()], factuality="claimed",
                 claimed_by=SEOUL.ref(), date=DateValue("2023-09-14", "day"), location=SEOUL_LOC,
                 event_id="ev_accuse"),
    ]

    c = _doc(TEXT_C, "pages/c.txt", "Menace de sanctions", "Le Figaro", "2023-09-20")
    c.actors = {USA.actor_id: USA}
    c.actor_mentions = [ActorMention(*_span(TEXT_C, "Washington"), "Washington", "act_usa")]
    c.mentions = [
        _mention(c, "men_c1", "SANCTION", "sanctions", source=[USA.ref()], target=[KIM.ref()],
                 factuality="hypothetical", date=DateValue("2023-10", "month"), event_id="ev_sanction"),
        _mention(c, "men_c2", "AID", "aide", factuality="hypothetical", event_id="ev_aid"),
    ]

    evil = _doc(TEXT_EVIL, "pages/evil.txt", "<b>Titre</b> {{ 7*7 }} <script>alert(7)</script>",
                "<script>alert(8)</script>", "2023-09-15", "javascript:alert(4)")
    evil.actors = {HOSTILE_ACTOR.actor_id: HOSTILE_ACTOR}
    evil.actor_mentions = [ActorMention(*_span(TEXT_EVIL, "manifestants"), "manifestants", "act_evil")]
    evil.removed_lines = [RemovedLine("<script>alert(9)</script>", "script-like")]
    evil.mentions = [_mention(evil, "men_e1", "PROTEST", "défilé", source=[HOSTILE_ACTOR.ref()],
                              date=DateValue("2023-09-15", "day"), location=PARIS, event_id="ev_protest")]

    docs = [a, b, c, evil]
    events = [
        Event("ev_meet", "CONSULT", mode="visit", source=[KIM.ref()], target=[PUTIN.ref()],
              date=DateValue("2023-09-13", "day"), location=VOSTOCHNY, confidence=0.9, n_mentions=2, n_sources=2,
              first_reported="2023-09-13", story_id="sto_kim", mention_ids=["men_a1", "men_b1"],
              contradictions=[Contradiction("location", ["Vostotchny", "Vladivostok"], ["men_a1", "men_b1"])]),
        Event("ev_deal", "AGREE", source=[KIM.ref()], target=[PUTIN.ref()], date=DateValue("2023-09-13", "day"),
              factuality="negated", story_id="sto_kim", mention_ids=["men_a2"], first_reported="2023-09-13"),
        Event("ev_accuse", "ACCUSE", source=[SEOUL.ref()], target=[KIM.ref()], date=DateValue("2023-09-14", "day"),
              location=SEOUL_LOC, factuality="claimed", claimed_by=SEOUL.ref(), story_id="sto_kim",
              mention_ids=["men_b2"], first_reported="2023-09-14"),
        Event("ev_sanction", "SANCTION", source=[USA.ref()], target=[KIM.ref()], date=DateValue("2023-10", "month"),
              factuality="hypothetical", story_id="sto_kim", mention_ids=["men_c1"], first_reported="2023-09-20"),
        Event("ev_aid", "AID", factuality="hypothetical", story_id="sto_kim", mention_ids=["men_c2"]),
        Event("ev_protest", "PROTEST", source=[HOSTILE_ACTOR.ref()], date=DateValue("2023-09-15", "day"),
              location=PARIS, story_id="sto_evil", mention_ids=["men_e1"], first_reported="2023-09-15"),
    ]
    stories = [
        Story("sto_kim", "Kim Jong Un en Russie", article_ids=[a.article_id, b.article_id, c.article_id],
              event_ids=["ev_meet", "ev_deal", "ev_accuse", "ev_sanction", "ev_aid"], start="2023-09-13",
              end="2023-10", actors=["Kim Jong Un", "Vladimir Poutine", "Corée du Sud", "États-Unis"]),
        Story("sto_evil", "<script>alert(10)</script> {{ 7*7 }}", article_ids=[evil.article_id],
              event_ids=["ev_protest"], start="2023-09-15", end="2023-09-15", actors=["<svg onload=alert(5)>"]),
    ]
    for d in docs:
        d.story_id = "sto_evil" if d is evil else "sto_kim"
    return docs, events, stories


def build_store(path: str = ":memory:") -> SQLiteStore:
    store = open_store(path)
    docs, events, stories = build_documents()
    for d in docs:
        store.add_document(d)
    mention_events = {m.mention_id: m.event_id for d in docs for m in d.mentions}
    article_stories = {d.article_id: d.story_id for d in docs}
    store.replace_merge_output(events, stories, mention_events, article_stories)
    return store


def article_ids() -> dict[str, str]:
    docs, _, _ = build_documents()
    return {name: d.article_id for name, d in zip(("a", "b", "c", "evil"), docs, strict=True)}
