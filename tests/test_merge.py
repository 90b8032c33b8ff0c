"""The merge pass on hand-built documents and mentions (independent of extraction quality)."""

from __future__ import annotations

import json
import re

import pytest

from veille.config import Settings
from veille.merge import Merger
from veille.merge.coref import cluster
from veille.merge.dating import published_interval
from veille.merge.features import ArticleInfo, view
from veille.models import (
    Actor,
    ActorRef,
    DateValue,
    Document,
    EventMention,
    Location,
    Published,
    Sentence,
    Timex,
    stable_id,
)
from veille.store import open_store

KIM = ActorRef("Kim Jong-un", "PRK", "GOV", "head of state", "Q56226", "act_kim")
PUTIN = ActorRef("Vladimir Poutine", "RUS", "GOV", "head of state", "Q7747", "act_putin")
XI = ActorRef("Xi Jinping", "CHN", "GOV", "head of state", None, "act_xi")
KREMLIN = ActorRef("Kremlin", "RUS", "GOV", None, None, "act_kremlin")
RUSSIA_MIL = ActorRef("armée russe", "RUS", "MIL", None, None, "act_rus_mil")
UKRAINE = ActorRef("Ukraine", "UKR", "GOV", None, None, "act_ukr")
VOSTOCHNY = Location("cosmodrome de Vostochny", "RUS", 51.884, 128.334, None, "site")
VLADIVOSTOK = Location("Vladivostok", "RUS", 43.106, 131.874, 2013348, "city")
PYONGYANG = Location("Pyongyang", "PRK", 39.034, 125.754, 1871859, "city")
ODESSA = Location("Odessa", "UKR", 46.477, 30.733, 698740, "city")


def make_doc(name: str, text: str, published: str | None, outlet: str | None = None,
             title: str | None = None, duplicate_of: str | None = None) -> Document:
    doc = Document(article_id=f"art_{name}", source_path=f"{name}.txt", text=text, outlet=outlet,
                   title=title, duplicate_of=duplicate_of,
                   published=Published(published, "day", "metadata") if published else Published())
    doc.sentences = [Sentence(m.start(), m.end(), m.group()) for m in re.finditer(r"[^.]+\.?", text)]
    return doc


def add_actors(doc: Document, *refs: ActorRef) -> None:
    for r in refs:
        doc.actors[r.actor_id] = Actor(r.actor_id, r.name, kind="person", country=r.country, sector=r.sector)


def mention(doc: Document, trigger: str, type_: str, *, source=(), target=(), date: str | None = None,
            precision: str = "day", location: Location | None = None, factuality: str = "asserted",
            numbers: dict | None = None, mode: str | None = None, occurrence: int = 0) -> EventMention:
    starts = [m.start() for m in re.finditer(re.escape(trigger), doc.text)]
    ts = starts[occurrence]
    sent = doc.sentence_at(ts)
    m = EventMention(
        mention_id=stable_id("men", doc.article_id, ts), article_id=doc.article_id, type=type_,
        trigger=trigger, sentence=sent.text, char_start=sent.start, char_end=sent.end, trigger_start=ts,
        trigger_end=ts + len(trigger), mode=mode, source=list(source), target=list(target),
        date=DateValue(date, precision) if date else None, location=location, factuality=factuality,
        confidence=0.8, numbers=dict(numbers or {}))
    doc.mentions.append(m)
    return m


def summit_corpus() -> dict[str, Document]:
    """Four outlets on the Kim–Poutine summit (13 Sept. 2023), an attack on Odessa, a 2024 follow-up."""
    a1 = make_doc("a1", "Kim Jong-un et Vladimir Poutine se sont rencontrés mercredi au cosmodrome de Vostochny. "
                  "Les deux dirigeants ont signé un accord de coopération militaire, selon Pyongyang.",
                  "2023-09-13", "Le Quotidien", "Sommet Kim-Poutine au cosmodrome de Vostochny")
    add_actors(a1, KIM, PUTIN)
    mention(a1, "rencontrés", "CONSULT", source=[KIM], target=[PUTIN], date="2023-09-13", location=VOSTOCHNY)
    mention(a1, "signé", "AGREE", source=[KIM, PUTIN], date="2023-09-13")
    a2 = make_doc("a2", "Le dirigeant nord-coréen Kim Jong-un a rencontré mercredi 13 septembre Vladimir Poutine "
                  "au cosmodrome de Vostochny. La rencontre entre Kim et Poutine a duré quatre heures. "
                  "Le Kremlin a démenti que le moindre accord ait été signé.",
                  "2023-09-14", "La Gazette", "Poutine reçoit Kim Jong-un à Vostochny")
    add_actors(a2, KIM, PUTIN, KREMLIN)
    mention(a2, "rencontré", "CONSULT", source=[KIM], target=[PUTIN], date="2023-09-13", location=VOSTOCHNY)
    mention(a2, "rencontre", "CONSULT", source=[KIM, PUTIN], occurrence=0)
    mention(a2, "signé", "AGREE", source=[KREMLIN], factuality="negated")
    a3 = make_doc("a3", "Kim Jong-un et Vladimir Poutine se sont rencontrés mercredi dernier à Vladivostok. "
                  "Le dirigeant nord-coréen a ensuite visité une usine d'avions de chasse.",
                  None, "L'Écho", "Ce que Kim Jong-un est venu chercher chez Vladimir Poutine")
    add_actors(a3, KIM, PUTIN)
    mention(a3, "rencontrés", "CONSULT", source=[KIM], target=[PUTIN], location=VLADIVOSTOK)
    wed = a3.text.index("mercredi dernier")
    a3.timexes = [Timex(wed, wed + len("mercredi dernier"), "mercredi dernier", "DATE", "XXXX-WXX-3",
                        rule="weekday", direction="past")]
    # a wire copy of a1 picked up by another site: same source, must not add corroboration
    a1_copy = make_doc("a1copy", a1.text + " Avec AFP.", "2023-09-13", None, a1.title, duplicate_of="art_a1")
    add_actors(a1_copy, KIM, PUTIN)
    mention(a1_copy, "rencontrés", "CONSULT", source=[KIM], target=[PUTIN], date="2023-09-13",
            location=VOSTOCHNY)
    # the same week, Kim meets someone else: never the same meeting
    x1 = make_doc("x1", "Xi Jinping a rencontré mercredi Kim Jong-un, affirme une agence sud-coréenne.",
                  "2023-09-13", "Le Quotidien", "Xi et Kim")
    add_actors(x1, XI, KIM)
    mention(x1, "rencontré", "CONSULT", source=[XI], target=[KIM], date="2023-09-13")
    b1 = make_doc("b1", "Une frappe de drones de l'armée russe a tué 12 civils lundi à Odessa, en Ukraine. "
                  "Les secours fouillent les décombres du port.",
                  "2023-07-17", "Le Quotidien", "Frappe meurtrière sur le port d'Odessa")
    add_actors(b1, RUSSIA_MIL, UKRAINE)
    mention(b1, "frappe", "ASSAULT", source=[RUSSIA_MIL], target=[UKRAINE], date="2023-07-17", location=ODESSA,
            numbers={"killed": 12}, mode="drone")
    b2 = make_doc("b2", "Le bilan de la frappe russe de lundi sur le port d'Odessa s'élève à 15 morts, "
                  "annoncent les secours ukrainiens fouillant les décombres.",
                  "2023-07-18", "La Gazette", "Odessa : le bilan de la frappe s'alourdit")
    add_actors(b2, RUSSIA_MIL, UKRAINE)
    mention(b2, "frappe", "ASSAULT", source=[RUSSIA_MIL], target=[UKRAINE], date="2023-07-17", location=ODESSA,
            numbers={"killed": 15})
    c1 = make_doc("c1", "Vladimir Poutine a rencontré Kim Jong-un mercredi à Pyongyang, neuf mois après le sommet "
                  "du cosmodrome de Vostochny. Les deux dirigeants ont signé un accord de partenariat militaire.",
                  "2024-06-19", "La Gazette", "Poutine à Pyongyang, le retour de la visite de Kim")
    add_actors(c1, KIM, PUTIN)
    mention(c1, "rencontré", "CONSULT", source=[PUTIN], target=[KIM], date="2024-06-19", location=PYONGYANG)
    mention(c1, "signé", "AGREE", source=[PUTIN, KIM], date="2024-06-19")
    # an English report of the summit: no shared vocabulary, the same actors
    e1 = make_doc("e1", "Russian President Vladimir Putin hosted North Korean leader Kim Jong Un at the remote "
                  "Vostochny spaceport on Wednesday.", "2023-09-13", "Pacific Ledger", "Putin hosts Kim")
    e1.language = "en"
    add_actors(e1, KIM, PUTIN)
    for d in (a1, a2, a3, a1_copy, x1, b1, b2, c1):
        d.language = "fr"
    return {d.article_id: d for d in (a1, a2, a3, a1_copy, x1, b1, b2, c1, e1)}


@pytest.fixture()
def merged():
    store = open_store(":memory:")
    for doc in summit_corpus().values():
        store.add_document(doc)
    counts = Merger(Settings()).run(store)
    yield store, counts
    store.close()


def event_of(store, article: str, trigger: str):
    for m in store.iter_mentions(f"art_{article}"):
        if m.trigger == trigger:
            return store.get_event(m.event_id)
    raise AssertionError(f"no mention {trigger!r} in {article}")


def test_merge_coreference_across_articles(merged):
    store, counts = merged
    ev = event_of(store, "a1", "rencontrés")
    assert ev.type == "CONSULT"
    assert ev.n_mentions == 5  # a1, its wire copy, a2 (twice: "rencontré" + "La rencontre"), a3
    # a1 and its near-duplicate are one source; a2 and a3 are two more
    assert ev.n_sources == 3
    assert ev.first_reported == "2023-09-13"
    assert ev.date.value == "2023-09-13" and ev.date.precision == "day"
    assert ev.location.name == "cosmodrome de Vostochny"
    assert [a.name for a in ev.source + ev.target] == ["Kim Jong-un", "Vladimir Poutine"]
    assert event_of(store, "a2", "rencontre").event_id == ev.event_id
    assert event_of(store, "a3", "rencontrés").event_id == ev.event_id
    # Xi meeting Kim the same day is another event
    assert event_of(store, "x1", "rencontré").event_id != ev.event_id
    # the 2024 meeting in Pyongyang is another event
    assert event_of(store, "c1", "rencontré").event_id != ev.event_id
    assert counts["events"] == 6
    assert counts["mentions"] == 12


def test_merge_denial_kept_with_factuality_contradiction(merged):
    store, _ = merged
    ev = event_of(store, "a1", "signé")
    assert event_of(store, "a2", "signé").event_id == ev.event_id
    assert ev.factuality == "asserted"
    facts = [c for c in ev.contradictions if c.field == "factuality"]
    assert len(facts) == 1
    assert sorted(facts[0].values) == ["asserted", "negated"]
    assert len(facts[0].mention_ids) == 2
    assert ev.confidence < 0.8 * 1.0  # lowered by the denial


def test_merge_casualty_number_contradiction(merged):
    store, _ = merged
    ev = event_of(store, "b1", "frappe")
    assert ev.n_sources == 2
    assert ev.mode == "drone"
    nums = [c for c in ev.contradictions if c.field == "numbers.killed"]
    assert len(nums) == 1
    assert nums[0].values == [12, 15]
    # earliest report first: b1 (17 July) then b2 (18 July)
    assert nums[0].mention_ids == [next(store.iter_mentions("art_b1")).mention_id,
                                   next(store.iter_mentions("art_b2")).mention_id]


def test_merge_place_contradiction(merged):
    store, _ = merged
    ev = event_of(store, "a1", "rencontrés")
    places = [c for c in ev.contradictions if c.field == "location"]
    assert len(places) == 1
    assert sorted(set(places[0].values)) == ["Vladivostok", "cosmodrome de Vostochny"]
    a3_mention = next(store.iter_mentions("art_a3")).mention_id
    assert places[0].values[places[0].mention_ids.index(a3_mention)] == "Vladivostok"


def test_merge_cross_document_dating(merged):
    store, counts = merged
    assert counts["redated"] == 1
    doc = store.get_document("art_a3")
    # "mercredi dernier" = Wednesday 13 Sept. → written between Thursday 14 and Wednesday 20
    assert doc.published.to_dict() == {"value": "2023-09-14", "precision": "week", "method": "cross-document"}
    m = next(store.iter_mentions("art_a3"))
    assert m.date.value == "2023-09-13" and m.date.precision == "day"
    assert store.list_articles(limit=20)[0]["published"]  # the article row was updated too


def test_published_interval_rules():
    t = Timex(0, 16, "mercredi dernier", "DATE", "XXXX-WXX-3", rule="weekday", direction="past")
    from datetime import date

    assert published_interval(t, date(2023, 9, 13), {"hier": -1}) == (date(2023, 9, 14), date(2023, 9, 20))
    assert published_interval(t, date(2023, 9, 12), {"hier": -1}) is None  # a Tuesday: no evidence
    hier = Timex(0, 4, "hier", "DATE", "XXXX-XX-XX", rule="relday", direction="past")
    assert published_interval(hier, date(2023, 9, 13), {"hier": -1}) == (date(2023, 9, 14), date(2023, 9, 14))


def test_merge_stories_and_follow_up(merged):
    store, counts = merged
    stories = {s.story_id: s for s in store.iter_stories()}
    by_article = {a["article_id"]: a["story_id"] for a in store.list_articles(limit=50)}
    summit = by_article["art_a1"]
    assert {a for a, s in by_article.items() if s == summit} == {"art_a1", "art_a2", "art_a3", "art_a1copy",
                                                                 "art_e1"}
    assert by_article["art_x1"] != summit  # Xi meeting Kim: shares one actor, not the story
    assert by_article["art_b1"] == by_article["art_b2"] != summit
    follow = stories[by_article["art_c1"]]
    assert follow.story_id != summit
    assert follow.follows == summit
    assert stories[summit].start == "2023-09-13" and stories[summit].end == "2023-09-14"
    assert stories[summit].actors[:2] == ["Kim Jong-un", "Vladimir Poutine"]
    assert stories[by_article["art_b1"]].follows is None
    assert counts["stories"] == 4
    ev = event_of(store, "a1", "rencontrés")
    assert ev.story_id == summit


def test_merge_is_deterministic():
    outputs = []
    for order in (1, -1):
        store = open_store(":memory:")
        for doc in list(summit_corpus().values())[::order]:
            store.add_document(doc)
        Merger(Settings()).run(store)
        Merger(Settings()).run(store)
        outputs.append(json.dumps({
            "events": [e.to_dict() for e in store.iter_events()],
            "stories": [s.to_dict() for s in store.iter_stories()],
            "mentions": sorted((m.mention_id, m.event_id) for m in store.iter_mentions()),
        }, sort_keys=True))
        store.close()
    assert outputs[0] == outputs[1]


def test_merge_clusters_never_chain_different_days():
    """An undated mention compatible with two meetings on different days joins only one of them."""
    info = {"d": ArticleInfo("d", "2023-09-14"), "u": ArticleInfo("u", None)}

    def mk(mid, art, date):
        return view(EventMention(mid, art, "CONSULT", "rencontre", "", 0, 1, source=[KIM], target=[PUTIN],
                                 date=DateValue(date, "day") if date else None), info[art], 10, 1, 90)

    views = [mk("m1", "d", "2023-09-12"), mk("m2", "d", "2023-09-13"), mk("m3", "u", None)]
    from veille.merge.config import MergeConfig

    clusters = cluster(views, MergeConfig(date_tolerance_days=0))
    assert sorted(len(c) for c in clusters) == [1, 2]


def _two_reports(date_b: str, location_b: Location | None = VOSTOCHNY, mode_b: str | None = None,
                 mode_a: str | None = None):
    a = make_doc("r1", "Kim Jong-un a rencontré Vladimir Poutine mercredi.", "2023-09-14", "Le Quotidien")
    mention(a, "rencontré", "CONSULT", source=[KIM], target=[PUTIN], date="2023-09-13", location=VOSTOCHNY,
            mode=mode_a)
    b = make_doc("r2", "Vladimir Poutine a reçu Kim Jong-un jeudi.", "2023-09-15", "La Gazette")
    mention(b, "reçu", "CONSULT", source=[PUTIN], target=[KIM], date=date_b, location=location_b, mode=mode_b)
    store = open_store(":memory:")
    for d in (a, b):
        store.add_document(d)
    Merger(Settings()).run(store)
    return store, list(store.iter_events())


def test_merge_date_contradiction_one_day_apart_same_place():
    store, events = _two_reports("2023-09-14")
    assert len(events) == 1
    assert [(c.field, c.values) for c in events[0].contradictions] == [("date", ["2023-09-13", "2023-09-14"])]
    store.close()


def test_merge_keeps_apart_distant_days_and_phone_calls():
    store, events = _two_reports("2023-09-16")
    assert len(events) == 2
    store.close()
    store, events = _two_reports("2023-09-13", None, "phone", "visit")
    assert len(events) == 2  # a phone call is not the visit
    store.close()
    store, events = _two_reports("2023-09-13", None, "phone")
    assert len(events) == 1  # an unspecified CONSULT may be the call
    store.close()
    store, events = _two_reports("2023-09-14", None)
    assert len(events) == 2  # a day apart without the same place: two meetings
    store.close()


def test_merge_blocking_is_not_all_pairs():
    """500 reports of the same two actors on 500 different days: only date neighbours are compared."""
    from datetime import date, timedelta

    from veille.merge.config import MergeConfig
    from veille.merge.coref import candidate_pairs

    info = ArticleInfo("a", "2023-01-01")
    views = [view(EventMention(f"m{i:04d}", "a", "CONSULT", "rencontre", "", 0, 1, source=[KIM], target=[PUTIN],
                               date=DateValue((date(2020, 1, 1) + timedelta(days=3 * i)).isoformat(), "day")),
                  info, 10, 1, 90) for i in range(500)]
    calls = []
    import veille.merge.coref as coref

    original = coref.link
    coref.link = lambda a, b, cfg: calls.append(1) or original(a, b, cfg)
    try:
        pairs = candidate_pairs(views, MergeConfig())
    finally:
        coref.link = original
    assert pairs == []  # three days apart: never the same meeting
    assert len(calls) == 0  # the sweep stops before any pair (all-pairs would be 124,750)
    assert len(cluster(views, MergeConfig())) == 500


def test_merge_settings_override_and_unknown_key():
    from veille.errors import ConfigError
    from veille.merge.config import MergeConfig

    assert MergeConfig.from_settings(Settings(extra={"merge": {"story_window_days": 7}})).story_window_days == 7
    with pytest.raises(ConfigError):
        MergeConfig.from_settings(Settings(extra={"merge": {"nope": 1}}))


def test_merge_never_joins_reports_nine_months_apart():
    """Two reports with no date of their own, from articles nine months apart, stay two events even
    when a report from an undated article could join either."""
    info = {"a": ArticleInfo("a", "2023-09-14"), "b": ArticleInfo("b", "2024-06-19"), "u": ArticleInfo("u", None)}

    def mk(mid, art):
        return view(EventMention(mid, art, "CONSULT", "visite", "", 0, 1, source=[KIM], target=[PUTIN],
                                 date=None), info[art], 10, 1, 90)

    from veille.merge.config import MergeConfig

    clusters = cluster([mk("m1", "a"), mk("m2", "b"), mk("m3", "u")], MergeConfig())
    assert not any({"m1", "m2"} <= {v.id for v in c} for c in clusters)


def test_merge_never_upgrades_a_speculation_to_a_fact():
    from veille.merge.aggregate import build_event, event_factuality
    from veille.merge.config import MergeConfig

    info = {"a": ArticleInfo("a", "2023-09-14"), "b": ArticleInfo("b", "2023-09-15")}

    def mk(mid, art, factuality):
        return view(EventMention(mid, art, "AID", "livrer", "", 0, 1, source=[KIM], target=[PUTIN],
                                 factuality=factuality, confidence=0.8), info[art], 10, 1, 90)

    cfg = MergeConfig()
    views = [mk("m1", "a", "asserted"), mk("m2", "b", "hypothetical")]
    assert event_factuality(views, cfg) == "hypothetical"
    event = build_event(views, info, cfg)
    assert [(c.field, c.values) for c in event.contradictions] == [("factuality", ["asserted", "hypothetical"])]
    assert event_factuality([mk("m1", "a", "asserted"), mk("m3", "b", "planned")], cfg) == "asserted"


@pytest.mark.parametrize(("text", "interval"), [
    ("l'année dernière", ("2024-01-01", "2024-12-31")),
    ("l'an passé", ("2024-01-01", "2024-12-31")),
    ("il y a un an", ("2024-07-15", "2024-11-12")),
    ("il y a trois mois", ("2023-11-28", "2023-12-28")),
    ("cette année", ("2023-09-13", "2023-12-31")),
    ("l'an prochain", ("2022-01-01", "2022-12-31")),
])
def test_published_interval_from_years_and_months(text, interval):
    from datetime import date

    t = Timex(0, len(text), text, "DATE", None)
    assert published_interval(t, date(2023, 9, 13), {"hier": -1}) == tuple(date.fromisoformat(d) for d in interval)


def test_merge_dates_a_bare_text_from_last_years_visit():
    """A bare text that says the Vostochny summit (13 Sept. 2023) happened "l'année dernière" is of 2024,
    never of September 2023."""
    a = make_doc("a", "Kim Jong-un et Vladimir Poutine se sont rencontrés mercredi au cosmodrome de Vostochny.",
                 "2023-09-13", "Le Quotidien")
    add_actors(a, KIM, PUTIN)
    mention(a, "rencontrés", "CONSULT", source=[KIM], target=[PUTIN], date="2023-09-13", location=VOSTOCHNY)
    b = make_doc("b", "Kim Jong-un et Vladimir Poutine se sont rencontrés l'année dernière à Vostochny.", None,
                 "L'Écho")
    add_actors(b, KIM, PUTIN)
    mention(b, "rencontrés", "CONSULT", source=[KIM], target=[PUTIN], location=VOSTOCHNY)
    at = b.text.index("l'année dernière")
    b.timexes = [Timex(at, at + 16, "l'année dernière", "DATE", None, rule="relyear", direction="past")]
    store = open_store(":memory:")
    for d in (a, b):
        store.add_document(d)
    Merger(Settings()).run(store)
    assert store.get_document("art_b").published.to_dict() == {"value": "2024", "precision": "year",
                                                                "method": "cross-document"}
    store.close()


def test_stories_split_where_an_undated_article_bridged_two_episodes():
    """A bare text about both the 2023 summit and the 2024 visit cannot make them one story."""
    text_a = ("Kim Jong-un et Vladimir Poutine se sont rencontrés au cosmodrome de Vostochny pour parler de "
              "coopération militaire, de satellites et d'armement.")
    text_b = ("Vladimir Poutine et Kim Jong-un se sont rencontrés à Pyongyang pour parler de coopération "
              "militaire, de satellites et d'armement.")
    text_u = ("Kim Jong-un et Vladimir Poutine parlent de coopération militaire, de satellites et d'armement, "
              "à Vostochny comme à Pyongyang.")
    a = make_doc("a", text_a, "2023-09-13", "Le Quotidien")
    b = make_doc("b", text_b, "2024-06-19", "La Gazette")
    u = make_doc("u", text_u, None, "L'Écho")
    for d in (a, b, u):
        add_actors(d, KIM, PUTIN)
        d.language = "fr"
    store = open_store(":memory:")
    for d in (a, b, u):
        store.add_document(d)
    Merger(Settings()).run(store)
    story = {r["article_id"]: r["story_id"] for r in store.list_articles(limit=10)}
    assert story["art_a"] != story["art_b"]
    assert story["art_u"] in (story["art_a"], story["art_b"])
    store.close()
