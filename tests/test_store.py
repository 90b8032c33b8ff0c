"""SQLite store: idempotent writes, sources, search, merge output, integrity."""

from __future__ import annotations

import sqlite3

import pytest

from veille.models import (
    Actor,
    ActorMention,
    ActorRef,
    DateValue,
    Document,
    Event,
    EventMention,
    Published,
    Quote,
    Story,
)
from veille.pipeline import article_id_for
from veille.store import open_store


def make_doc(text: str, source: str = "a.txt", event_type: str = "CONSULT") -> Document:
    doc = Document(article_id=article_id_for(text), source_path=source, text=text, title="Titre",
                   published=Published("2023-09-13", "day", "metadata"))
    kim = Actor("act_kim", "Kim Jong Un", aliases=["Kim"], kind="person", country="PRK", sector="GOV",
                role="head of state")
    doc.actors = {kim.actor_id: kim}
    doc.actor_mentions = [ActorMention(0, 11, "Kim Jong Un", "act_kim"), ActorMention(20, 23, "Kim", "act_kim")]
    doc.mentions = [EventMention(mention_id=f"men_{doc.article_id}", article_id=doc.article_id, type=event_type,
                                 trigger="rencontré", sentence=text, char_start=0, char_end=len(text),
                                 source=[kim.ref()], date=DateValue("2023-09-13", "day"))]
    doc.quotes = [Quote(f"quo_{doc.article_id}", doc.article_id, "Nous sommes prêts", True, 0, 5,
                        speaker=kim.ref())]
    return doc


def test_store_add_document_is_idempotent_and_counts_actor_mentions_once():
    store = open_store(":memory:")
    doc = make_doc("Kim Jong Un a rencontré Vladimir Poutine au cosmodrome de Vostotchny.")
    assert store.add_document(doc, b"\x00" * 8) is True
    assert store.add_document(doc, b"\x00" * 8) is False
    assert store.stats() == {"articles": 1, "sources": 1, "mentions": 1, "events": 0, "actors": 1,
                             "quotes": 1, "stories": 0}
    assert store.get_actor("act_kim").n_mentions == 2
    other = make_doc("Kim Jong Un est reparti vers Pyongyang à bord de son train blindé.", "b.txt")
    store.add_document(other)
    assert store.get_actor("act_kim").n_mentions == 4


def test_store_roundtrips_documents_with_all_layers():
    store = open_store(":memory:")
    doc = make_doc("Kim Jong Un a rencontré Vladimir Poutine.")
    store.add_document(doc)
    back = store.get_document(doc.article_id)
    assert back.to_dict() == doc.to_dict()
    assert [m.to_dict() for m in store.iter_mentions()] == [m.to_dict() for m in doc.mentions]


def test_store_reads_documents_with_only_the_fields_asked_for():
    store = open_store(":memory:")
    doc = make_doc("Kim Jong Un a rencontré Vladimir Poutine.")
    store.add_document(doc)
    [light] = store.iter_documents(fields=("title", "mentions"))
    assert (light.article_id, light.text, light.title) == (doc.article_id, doc.text, "Titre")
    assert [m.to_dict() for m in light.mentions] == [m.to_dict() for m in doc.mentions]
    assert (light.quotes, light.actors, light.published.value) == ([], {}, None)  # not decoded


def test_store_writes_compact_utf8_json_that_sqlite_json_functions_read():
    store = open_store(":memory:")
    doc = make_doc("Kim Jong Un a rencontré Vladimir Poutine à l'Élysée.")
    store.add_document(doc)
    raw = store.query("SELECT json FROM mentions")[0]["json"]
    assert raw.startswith('{"mention_id":"men_') and "rencontré" in raw  # not \u-escaped
    assert store.query("SELECT json_extract(json, '$.trigger') AS t FROM mentions")[0]["t"] == "rencontré"


def test_store_full_text_search_accents_insensitive_and_bad_syntax_safe():
    store = open_store(":memory:")
    store.add_document(make_doc("Kim Jong Un est arrivé à Vladivostok mardi soir."))
    assert [r["title"] for r in store.search("vladivostok")] == ["Titre"]
    assert len(store.search("arrive")) == 1  # diacritics removed in the index
    assert store.search('"unbalanced AND (') == []


def test_store_replace_merge_output_links_mentions_and_stories(tmp_path):
    store = open_store(str(tmp_path / "s.db"))
    doc = make_doc("Kim Jong Un a rencontré Vladimir Poutine.")
    store.add_document(doc)
    mention_id = doc.mentions[0].mention_id
    event = Event("ev_1", "CONSULT", source=[ActorRef("Kim Jong Un", "PRK")], mention_ids=[mention_id],
                  date=DateValue("2023-09-13", "day"), story_id="sto_1")
    story = Story("sto_1", "Kim en Russie", article_ids=[doc.article_id], event_ids=["ev_1"])
    store.replace_merge_output([event], [story], {mention_id: "ev_1"}, {doc.article_id: "sto_1"})
    assert [m.event_id for m in store.iter_mentions()] == ["ev_1"]
    assert [e.event_id for e in store.iter_events()] == ["ev_1"]
    assert store.get_document(doc.article_id).story_id == "sto_1"
    assert store.integrity_check() == "ok"
    store.close()
    # a second connection (another process, e.g. the web server) sees the same data
    reader = open_store(str(tmp_path / "s.db"), read_only=True)
    assert reader.get_story("sto_1").title == "Kim en Russie"


def test_store_replace_merge_output_moves_drops_and_keeps_article_stories(tmp_path):
    store = open_store(str(tmp_path / "s.db"))
    docs = [make_doc(t, f"{i}.txt") for i, t in enumerate(("Kim Jong Un a rencontré Poutine.", "Kim est parti.",
                                                            "Poutine est rentré."))]
    for d in docs:
        store.add_document(d)
    a, b, c = (d.article_id for d in docs)
    store.replace_merge_output([], [], {}, {a: "sto_1", b: "sto_1", c: "sto_2"})
    store.replace_merge_output([], [], {}, {a: "sto_1", c: "sto_3"})  # b in no story now, c moved
    assert {d: store.get_document(d).story_id for d in (a, b, c)} == {a: "sto_1", b: None, c: "sto_3"}
    rows = store.query("SELECT story_id, article_id FROM articles INDEXED BY articles_story_id"
                       " WHERE story_id IS NOT NULL ORDER BY story_id")
    assert [(r["story_id"], r["article_id"]) for r in rows] == [("sto_1", a), ("sto_3", c)]


def test_nested_transactions_join_the_outer_one_and_roll_back_together(tmp_path):
    from veille.store import open_store

    store = open_store(str(tmp_path / "t.db"))
    try:
        with store.transaction():
            with store.transaction() as c:  # joins: no second BEGIN
                c.execute("INSERT INTO sources(source_path, article_id) VALUES ('a', 'x')")
            raise RuntimeError("abort the batch")
    except RuntimeError:
        pass
    assert store.query("SELECT COUNT(*) AS n FROM sources")[0]["n"] == 0
    with store.transaction():
        with store.transaction() as c:
            c.execute("INSERT INTO sources(source_path, article_id) VALUES ('a', 'x')")
    assert store.query("SELECT COUNT(*) AS n FROM sources")[0]["n"] == 1
    store.close()


def test_record_fields_encode_to_the_same_json_as_to_dict():
    import orjson

    doc = make_doc("Kim Jong Un a rencontré Vladimir Poutine à l'Élysée.")
    assert list(doc.record_fields()) == list(doc.to_dict())
    assert orjson.dumps(doc.record_fields()) == orjson.dumps(doc.to_dict())
    assert orjson.dumps(doc.mentions[0]) == orjson.dumps(doc.mentions[0].to_dict())


def test_a_full_merge_builds_the_index_lookups_once_at_the_end_even_when_it_fails(tmp_path):
    from veille.store import merge_index, story_index

    lookups = sorted({*merge_index.LOOKUPS, *story_index.LOOKUPS})
    store = open_store(str(tmp_path / "s.db"))

    def present() -> list[str]:
        return sorted(r["name"] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'index'")
                      if r["name"] in lookups)

    store.set_meta("merge_index", "4")
    assert present() == lookups
    with store.index_lookups_rebuilt():
        assert present() == [] and store.get_meta("merge_index") is None  # (the index is incomplete meanwhile)
    assert present() == lookups
    with pytest.raises(RuntimeError), store.index_lookups_rebuilt():
        raise RuntimeError("killed")
    assert present() == lookups
    store.close()
    with sqlite3.connect(tmp_path / "s.db") as conn:  # a merge killed before its end left them dropped
        for name in lookups:
            conn.execute(f"DROP INDEX {name}")
    store = open_store(str(tmp_path / "s.db"))  # the schema builds them at the next open
    assert present() == lookups
