"""The incremental merge gives what a full merge gives on the same store (veille.merge.incremental)."""

from __future__ import annotations

import random

import pytest

from veille.config import Settings
from veille.merge import IncrementalMerger, Merger
from veille.merge.index import INDEX_VERSION
from veille.models import Document, stable_id
from veille.store import open_store

from .test_merge import summit_corpus


def snapshot(store) -> dict:
    return {
        "events": sorted((e.to_dict() for e in store.iter_events()), key=lambda e: e["event_id"]),
        "mentions": sorted((m.mention_id, m.event_id) for m in store.iter_mentions()),
        "stories": [s.to_dict() for s in store.iter_stories()],
        "articles": sorted((d.article_id, d.published.value, d.published.precision, d.published.method, d.story_id)
                           for d in store.iter_documents()),
    }


def copy(doc: Document) -> Document:
    return Document.from_dict(doc.to_dict())


def run_batches(batches: list[list[Document]], incremental: bool) -> tuple[dict, list[dict]]:
    counts = []
    with open_store(":memory:") as store:
        for batch in batches:
            for doc in batch:
                store.add_document(copy(doc))
            merger = IncrementalMerger(Settings(), full_ratio=100.0) if incremental else Merger(Settings())
            counts.append(merger.run(store))
        return snapshot(store), counts


def split(docs: list[Document], cuts: list[int]) -> list[list[Document]]:
    return [docs[i:j] for i, j in zip([0, *cuts], [*cuts, len(docs)], strict=True)]


def test_incremental_equals_full_after_each_batch():
    docs = list(summit_corpus().values())
    for cuts in ([3, 6], [1, 2, 3, 4, 5, 6, 7, 8], [8]):
        inc, counts = run_batches(split(docs, cuts), incremental=True)
        full, _ = run_batches(split(docs, cuts), incremental=False)
        assert inc == full
        assert "incremental" not in counts[0]  # no index yet: the first merge is a full one
        assert all(c["incremental"] == 1 for c in counts[1:])


def test_incremental_equals_full_in_any_order_and_batching():
    docs = list(summit_corpus().values())
    rng = random.Random(7)
    for _ in range(12):
        order = docs[:]
        rng.shuffle(order)
        cuts = sorted(rng.sample(range(1, len(order)), rng.randint(1, 5)))
        inc, _ = run_batches(split(order, cuts), incremental=True)
        full, _ = run_batches(split(order, cuts), incremental=False)
        assert inc == full


def test_incremental_in_batches_equals_one_full_merge():
    """On this corpus cross-document dating needs no later article, so batches change nothing."""
    docs = list(summit_corpus().values())
    inc, _ = run_batches(split(docs, [2, 5, 7]), incremental=True)
    once, _ = run_batches([docs], incremental=False)
    assert inc == once
    undated = next(a for a in inc["articles"] if a[0] == "art_a3")
    assert undated[3] == "cross-document"


def test_undated_article_waits_for_its_partners():
    """An undated article merged alone keeps its events through unrelated batches, then is dated
    by the batch that brings the reports it shares."""
    docs = summit_corpus()
    first = [docs["art_a3"]]
    unrelated = [docs["art_b1"], docs["art_b2"]]
    rest = [d for n, d in docs.items() if n not in ("art_a3", "art_b1", "art_b2")]
    inc, _ = run_batches([first, unrelated, rest], incremental=True)
    full, _ = run_batches([first, unrelated, rest], incremental=False)
    assert inc == full
    partial, _ = run_batches([first, unrelated], incremental=True)
    assert {m for m, e in partial["mentions"] if e is None} == set()
    assert len(partial["events"]) == len({e for _m, e in partial["mentions"]})


def test_incremental_nothing_new_is_a_no_op():
    docs = list(summit_corpus().values())
    with open_store(":memory:") as store:
        for doc in docs:
            store.add_document(copy(doc))
        Merger(Settings()).run(store)
        before = snapshot(store)
        counts = IncrementalMerger(Settings()).run(store)
        assert counts["incremental"] == 1 and counts["events"] == 0
        assert snapshot(store) == before


def test_incremental_reads_only_touched_components():
    """A new report of the Odessa strike loads that event's component, not the summit's mentions."""
    docs = summit_corpus()
    with open_store(":memory:") as store:
        for name, doc in docs.items():
            if name != "art_b2":
                store.add_document(copy(doc))
        Merger(Settings()).run(store)
        store.add_document(copy(docs["art_b2"]))
        counts = IncrementalMerger(Settings(), full_ratio=100.0).run(store)
        total = store.count("mentions")
        assert counts["incremental"] == 1
        assert counts["mentions"] < total / 2
        b2_events = {m.event_id for m in store.iter_mentions("art_b2")}
        b1_events = {m.event_id for m in store.iter_mentions("art_b1")}
        assert b2_events & b1_events


def test_api_merge_is_incremental_after_an_ingest():
    """`api.merge` with the ingest's new ids folds them in; without, it re-merges everything."""
    from veille import api

    docs = list(summit_corpus().values())
    settings = Settings(extra={"merge": {"story_rebuild_max": 2, "incremental_full_ratio": 1.0}})
    with open_store(":memory:") as store, open_store(":memory:") as ref:
        for s in (store, ref):
            s.add_documents([copy(d) for d in docs[:5]])
        assert "incremental" not in api.merge(store, settings, new_article_ids=[d.article_id for d in docs[:5]])
        api.merge(ref, settings)
        for s in (store, ref):
            s.add_documents([copy(d) for d in docs[5:]])
        counts = api.merge(store, settings, new_article_ids=[d.article_id for d in docs[5:]])
        assert counts["incremental"] == 1 and counts["new_articles"] == 4
        assert store.get_meta("merge_seq") == str(store.max_article_seq())
        assert "incremental" not in api.merge(ref, settings)
        a, b = snapshot(store), snapshot(ref)
        assert a["events"] == b["events"] and a["mentions"] == b["mentions"]


def test_store_without_index_falls_back_to_full_merge():
    docs = list(summit_corpus().values())
    with open_store(":memory:") as store:
        for doc in docs:
            store.add_document(copy(doc))
        counts = IncrementalMerger(Settings()).run(store)
        assert "incremental" not in counts
        assert store.get_meta("merge_index") == INDEX_VERSION


def test_many_new_articles_run_the_full_merge():
    docs = list(summit_corpus().values())
    with open_store(":memory:") as store:
        store.add_document(copy(docs[0]))
        Merger(Settings()).run(store)
        for doc in docs[1:]:
            store.add_document(copy(doc))
        counts = IncrementalMerger(Settings(), full_ratio=0.25).run(store)
        assert "incremental" not in counts


def _synthetic_with_undated(n: int, *, seed: int, every: int, offset: int) -> list[Document]:
    """`n` articles cloned from the summit corpus (bench/incremental.py's generator), article i
    undated when i % every == offset."""
    from bench.incremental import synthetic
    from veille.models import Published

    docs = list(synthetic(n, list(summit_corpus().values()), seed=seed))
    for i, doc in enumerate(docs):
        if i % every == offset:
            doc.published = Published()
    return docs


def _merged_stores(stores, docs: list[Document]) -> None:
    """Each store given copies of `docs` and a full merge (the incremental index included)."""
    for store in stores:
        store.add_documents([copy(d) for d in docs])
        Merger(Settings()).run(store)


def _assert_events_as_full_merge(inc, full) -> dict:
    """Events (story ids aside), mentions and article dates of `inc` equal `full`'s; returns
    `inc`'s snapshot (stories are checked apart: rebuilt locally, a documented approximation)."""
    a, b = snapshot(inc), snapshot(full)
    for snap in (a, b):
        for e in snap["events"]:
            e.pop("story_id")
    assert a["events"] == b["events"]
    assert a["mentions"] == b["mentions"]
    assert [x[:4] for x in a["articles"]] == [x[:4] for x in b["articles"]]
    return a


@pytest.mark.slow
@pytest.mark.parametrize("story_rebuild_max", [300, 4])
def test_incremental_events_exact_on_a_dense_synthetic_store(story_rebuild_max):
    """Hundreds of articles cloned from the summit corpus (bench/incremental.py's generator), one in
    13 undated: after each incremental batch, events, their members, contradictions and article
    dates equal a full merge's; stories are rebuilt locally (documented approximation)."""
    docs = _synthetic_with_undated(260, seed=3, every=13, offset=5)
    with open_store(":memory:") as inc, open_store(":memory:") as full:
        _merged_stores((inc, full), docs[:180])
        redated = 0
        for start in range(180, 260, 20):
            for store in (inc, full):
                store.add_documents([copy(d) for d in docs[start:start + 20]])
            counts = IncrementalMerger(Settings(), full_ratio=100.0, story_rebuild_max=story_rebuild_max).run(inc)
            Merger(Settings()).run(full)
            assert counts["incremental"] == 1
            redated += counts["redated"]
            a = _assert_events_as_full_merge(inc, full)
            stories = {s["story_id"]: s for s in a["stories"]}
            assert all(x[4] in stories and x[0] in stories[x[4]]["article_ids"] for x in a["articles"])
            assert all(sid in {stable_id("st", x) for x in s["article_ids"]} for sid, s in stories.items())
            # every article in one story, every event in a story that lists it
            assert sorted(a for s in stories.values() for a in s["article_ids"]) == sorted(x[0] for x in a["articles"])
            listed = {e: sid for sid, s in stories.items() for e in s["event_ids"]}
            assert all(listed.get(e.event_id) == e.story_id for e in inc.iter_events())
            assert all(s["follows"] is None or s["follows"] in stories for s in stories.values())
        assert redated > 0


def _ingest_into_both(raws, inc, full, settings: Settings, pipeline, *, first: bool) -> None:
    """Ingest `raws` into `inc` and merge it incrementally (which must be incremental after the first
    batch); add the same processed documents to `full` and merge it fully."""
    from veille.api import ingest_raw
    from veille.ingest import IngestReport

    docs: list[Document] = []
    ingest_raw(raws, inc, settings, pipeline=pipeline, report=IngestReport(), on_document=docs.append)
    for doc in docs:
        full.add_document(copy(doc))
    counts = IncrementalMerger(settings, full_ratio=100.0).run(inc)
    assert first or counts["incremental"] == 1
    Merger(settings).run(full)


@pytest.fixture(scope="module")
def pipeline():
    from veille.pipeline import Pipeline

    return Pipeline(Settings())


@pytest.mark.parametrize("where", ["sample", "eval_merge"])
def test_incremental_on_real_articles(where, pipeline):
    """Articles through the whole pipeline, stored in three batches: incremental merges after each
    batch give what full merges after each batch give."""
    from pathlib import Path

    from veille.api import sample_inputs
    from veille.ingest import IngestReport, read_inputs

    if where == "sample":
        inputs = sample_inputs()
    else:
        inputs = sorted((Path(__file__).resolve().parents[1] / "eval" / "merge" / "articles").glob("*.txt"))
    assert len(inputs) >= 3
    settings = Settings()
    with open_store(":memory:") as inc, open_store(":memory:") as full:
        for i in range(3):
            _ingest_into_both(read_inputs(inputs[i::3], settings, IngestReport()), inc, full, settings,
                              pipeline, first=i == 0)
        assert snapshot(inc) == snapshot(full)


@pytest.mark.slow
def test_incremental_exact_with_many_undated_articles_in_small_batches():
    """One article in three undated, batches of four: events, members and article dates equal a
    full merge's after each batch, and the replay reads the pairs of a small part of the store."""
    docs = _synthetic_with_undated(150, seed=11, every=3, offset=1)
    with open_store(":memory:") as inc, open_store(":memory:") as full:
        _merged_stores((inc, full), docs[:90])
        redated, read, total = 0, 0, 0
        for start in range(90, 150, 4):
            for store in (inc, full):
                store.add_documents([copy(d) for d in docs[start:start + 4]])
            counts = IncrementalMerger(Settings(), full_ratio=100.0).run(inc)
            Merger(Settings()).run(full)
            redated += counts["redated"]
            read, total = read + counts["read_mentions"], total + inc.count("mentions")
            _assert_events_as_full_merge(inc, full)
        assert redated > 0
        assert read < total / 2


def test_incremental_dates_what_an_earlier_dating_made_datable(pipeline):
    """x (undated) is dated by n's report of the summit, which re-resolves its "hier" strike to a
    day; u (undated) reports only that strike, so the *next* merge can date u from x. A full
    merge after an unrelated batch does; the incremental pass reaches u through meta
    `dating_pending` (written by the pass that dated x), not by reading every undated article."""
    from veille.models import RawDocument

    texts = {
        "x": ("Kim Jong-un et Vladimir Poutine se sont rencontrés mercredi dernier au cosmodrome de Vostochny. "
              "Hier, l'armée russe a frappé le port d'Odessa avec des drones.", None),
        "u": ("L'armée russe a frappé le port d'Odessa avec des drones, en Ukraine. Les secours fouillent les "
              "décombres.", None),
        "n": ("Kim Jong-un et Vladimir Poutine se sont rencontrés mercredi 13 septembre au cosmodrome de "
              "Vostochny.", "2023-09-14"),
        "z": ("Emmanuel Macron a rencontré Olaf Scholz mardi à Berlin.", "2023-10-03"),
    }
    settings = Settings()
    dates = []
    with open_store(":memory:") as inc, open_store(":memory:") as full:
        for i, batch in enumerate((["x", "u"], ["n"], ["z"])):
            raws = [RawDocument(source_path=f"{k}.txt", text=texts[k][0], published=texts[k][1]) for k in batch]
            _ingest_into_both(raws, inc, full, settings, pipeline, first=i == 0)
            assert snapshot(inc) == snapshot(full)
            dates.append({d.source_path: d.published.value for d in inc.iter_documents()})
    assert dates[1]["x.txt"] and not dates[1]["u.txt"]  # x dated by n; u not yet
    assert dates[2]["u.txt"]  # u dated from x's strike in the next pass


def _story_sizes(store) -> dict[str, int]:
    return {r["story_id"]: r["n"] for r in store.query(
        "SELECT story_id, COUNT(*) AS n FROM articles WHERE story_id IS NOT NULL GROUP BY story_id")}


def _profiles_read(store, monkeypatch) -> list[str]:
    """Every article whose story profile `store` is asked for from now on."""
    asked: list[str] = []
    real = store.story_profiles

    def spy(ids):
        ids = list(ids)
        asked.extend(ids)
        return real(ids)

    monkeypatch.setattr(store, "story_profiles", spy)
    return asked


def test_large_stories_keep_a_descriptor_of_every_article_as_they_grow(monkeypatch):
    """Stories larger than `story_rebuild_max` are appended to, not rebuilt: their descriptor (the
    full merge's) gains each article that joins, once, so that it still counts every article and
    names the dominant actors of all of them; the follow-up links read it instead of the articles."""
    from datetime import date, timedelta

    from veille.merge.index import profile_from_json
    from veille.merge.stories import StoryDescriptor, dominant_actors
    from veille.models import DateValue, Published

    docs = _synthetic_with_undated(170, seed=5, every=10**6, offset=-1)
    for doc in docs[120:]:  # two months later: new stories, which may follow the large one
        doc.published = Published((date.fromisoformat(doc.published.value) + timedelta(days=60)).isoformat(),
                                  "day", "metadata")
        for m in doc.mentions:
            if m.date is not None and m.date.value:
                m.date = DateValue((date.fromisoformat(m.date.value) + timedelta(days=60)).isoformat(), "day")
    stores = open_store(":memory:"), open_store(":memory:"), open_store(":memory:")
    for store in stores:
        store.add_documents([copy(d) for d in docs[:120]])
        Merger(Settings(), story_rebuild_max=10, descriptor_min_articles=10).run(store)
    with_desc, without, full = stores
    with without.transaction() as c:
        c.execute("DELETE FROM story_descriptors")
    read = [0, 0]
    for start in range(120, 170, 10):
        asked = [_profiles_read(store, monkeypatch) for store in stores[:2]]
        for store in stores[:2]:
            store.add_documents([copy(d) for d in docs[start:start + 10]])
            assert IncrementalMerger(Settings(), full_ratio=100.0, story_rebuild_max=10,
                                     descriptor_min_articles=10).run(store)["incremental"] == 1
        full.add_documents([copy(d) for d in docs[start:start + 10]])
        Merger(Settings(), story_rebuild_max=10, descriptor_min_articles=10).run(full)
        follows = [{(st.story_id, st.follows) for st in store.iter_stories() if st.follows} for store in stores]
        assert follows[0] == follows[2] != set()  # as the full merge links them (the 10-article sample did not, once)
        assert len(asked[0]) <= len(asked[1])  # the large story's articles are not read
        read = [read[0] + len(asked[0]), read[1] + len(asked[1])]
        monkeypatch.undo()
        assert snapshot(with_desc)["events"] == snapshot(without)["events"]
        sizes = _story_sizes(with_desc)
        stored = with_desc.story_descriptors(sizes)
        assert set(stored) == {sid for sid, n in sizes.items() if n > 10} != set()
        for sid, data in stored.items():
            members = [r["article_id"] for r in with_desc.query(
                "SELECT article_id FROM articles WHERE story_id = ?", (sid,))]
            desc = StoryDescriptor.from_json(data)
            assert desc.n_articles == sizes[sid]
            profiles = [profile_from_json(a, p) for a, p in with_desc.story_profiles(members).items()]
            assert desc.actors() == dominant_actors(profiles)
    assert read[0] < read[1]
    for store in stores:
        store.close()
