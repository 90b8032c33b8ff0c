"""The streamed stories of a full merge (veille.merge.story_stream) equal StoryBuilder's, all in memory."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest

from veille.config import Settings
from veille.merge import Merger, story_stream
from veille.merge.merger import EventStage
from veille.merge.stories import StoryBuilder
from veille.merge.streamed import StreamedCoref
from veille.models import Actor, ActorRef, DateValue, Document, EventMention, Published, Sentence, Story
from veille.store import open_store

TOPICS = [
    ("sommet", "Kim Jong-un", "PRK", "rencontre dirigeants cosmodrome coopération spatiale armement visite".split()),
    ("frappe", "armée russe", "RUS", "frappe drones port décombres secours bilan civils".split()),
    ("putsch", "Abdourahamane Tiani", "NER", "putsch junte président renversé garde présidentielle Niamey".split()),
    ("grève", "CGT", "FRA", "grève cheminots retraites manifestation syndicats cortège réforme".split()),
]
COMMON = "selon agence mardi mercredi semaine pays gouvernement déclaration officiel".split()


def topic_corpus(seed: int, n: int = 90) -> list[Document]:
    """Articles on four topics over five months (some undated, a few in English), each with one
    report of its topic's event on the article's day or the day before: events and shared
    vocabulary link them, gaps of weeks split them into episodes."""
    rnd = random.Random(seed)
    docs = []
    for i in range(n):
        name, actor_name, country, words = TOPICS[rnd.randrange(len(TOPICS))]
        day = date(2023, 6, 1) + timedelta(days=rnd.choice((0, 3, 5, 40, 44, 90, 120)) + rnd.randrange(4))
        english = rnd.random() < 0.1
        body = " ".join(rnd.choice(words + COMMON) for _ in range(40))
        text = f"{actor_name} {body}." if not english else f"{actor_name} met leaders at the summit on Tuesday."
        published = None if rnd.random() < 0.12 else day.isoformat()
        doc = Document(article_id=f"art_{i:03d}", source_path=f"{i}.txt", text=text, outlet=f"o{i % 6}",
                       title=None if rnd.random() < 0.2 else f"{name} {i}", language="en" if english else "fr",
                       published=Published(published, "day", "metadata") if published else Published())
        doc.sentences = [Sentence(0, len(text), text)]
        actor = ActorRef(actor_name, country, "GOV", None, None, f"act_{name}")
        doc.mentions.append(EventMention(
            f"men_{i:03d}", doc.article_id, "CONSULT" if name == "sommet" else "ASSAULT", name, "", 0, len(text),
            trigger_start=0, trigger_end=3, source=[actor],
            date=DateValue((day - timedelta(days=rnd.randrange(2))).isoformat(), "day")))
        docs.append(doc)
    return docs


def both(docs: list[Document], **overrides):
    """(StoryBuilder.build's result, StoryStream.run's) on the same store, events and profiles."""
    store = open_store(":memory:")
    for d in docs:
        store.add_document(d)
    merger = Merger(Settings(), **overrides)
    articles = merger.read_infos(store)
    co = StreamedCoref(merger.cfg).run(store, articles, write_index=False)
    titles = store.article_titles(sorted(articles))  # (the full pass reads them story by story)
    titled = {a: replace(info, title=titles[a]) for a, info in articles.items()}
    expected = StoryBuilder(merger.cfg).build(titled, merger.read_profiles(store), co.events, {},
                                              event_articles=co.event_articles)
    stage = EventStage(store)
    for e in co.events:
        stage(e, co.event_articles[e.event_id])
    stage.flush()
    stories, article_story = story_stream.StoryStream(merger).run(store, articles)
    staged = store.query("SELECT event_id, story_id FROM stage_events WHERE story_id IS NOT NULL")
    return expected, (stories, article_story, {r["event_id"]: r["story_id"] for r in staged}), store


def as_comparable(result):
    stories, article_story, event_story = result
    return [s.to_dict() for s in stories], article_story, event_story


@pytest.mark.parametrize("seed,overrides", [(1, {}), (2, {}), (3, {"story_neighbours": 2}),
                                            (4, {"story_neighbours": 3, "story_window_days": 3})])
def test_streamed_stories_equal_the_in_memory_builder(seed, overrides, monkeypatch):
    monkeypatch.setattr(story_stream, "PRUNE_EVERY", 4)  # prune often: what is dropped must be out of reach
    monkeypatch.setattr(story_stream, "READ_BATCH", 5)
    expected, got, _store = both(topic_corpus(seed), **overrides)
    stories = expected[0]
    assert len(stories) >= 8 and max(len(s.article_ids) for s in stories) >= 5  # not vacuous
    assert any(s.follows for s in stories)
    assert as_comparable(got) == as_comparable(expected)


def test_streamed_stories_write_the_story_index(monkeypatch):
    monkeypatch.setattr(story_stream, "WRITE_BATCH", 7)
    docs = topic_corpus(5, n=30)
    _expected, _got, store = both(docs)
    assert store.query("SELECT COUNT(*) AS n FROM story_profiles")[0]["n"] == 30
    undated = {d.article_id for d in docs if not d.published.value}
    rows = list(store.iter_story_profiles(batch=4))
    assert [a for a, _day, _p in rows[-len(undated):]] == sorted(undated)  # the undated last, by id
    days = [day for _a, day, _p in rows[:-len(undated)]]
    assert days == sorted(days) and None not in days
    terms = {t for _a, _d, p in rows for t in p["terms"]}
    df = store.story_df(sorted(terms))
    assert df["cosmodrome"] == sum(1 for _a, _d, p in rows if "cosmodrome" in p["terms"])
    assert store.query("SELECT COUNT(DISTINCT article_id) AS n FROM story_keys")[0]["n"] == 30


@pytest.mark.parametrize("neighbours", [1, 2])
def test_streamed_stories_compare_only_the_last_neighbours_of_a_key(neighbours, monkeypatch):
    """One index key over alternating reports of two topics (no word or actor in common) on one day:
    with one neighbour per key a report meets only the other topic's (no link), with two its own."""
    import veille.merge.stories as stories_module

    monkeypatch.setattr(stories_module, "index_keys", lambda p, vec: {"t:one"})
    monkeypatch.setattr(story_stream, "index_keys", stories_module.index_keys)
    docs = []
    for i in range(8):
        _name, _actor, _country, words = TOPICS[i % 2]
        text = " ".join(words * 3) + "."
        doc = Document(article_id=f"art_{i:03d}", source_path=f"{i}.txt", text=text, title=f"t{i}",
                       published=Published("2023-09-13", "day", "metadata"), language="fr")
        doc.actors[f"act_{i % 2}"] = Actor(f"act_{i % 2}", f"X{i % 2}", kind="organisation")
        docs.append(doc)
    expected, got, _store = both(docs, story_neighbours=neighbours)
    assert as_comparable(got) == as_comparable(expected)
    assert len(expected[0]) == (8 if neighbours == 1 else 2)


@pytest.mark.parametrize("gap,candidates", [(60, 3), (400, 2), (730, 20)])
def test_follow_ups_in_date_order_equal_the_in_memory_links(gap, candidates):
    """300 dated stories over two years, dominant actors from a pool of six, random centroids: the
    links made in date order, holding only the stories that ended within the gap, are
    `StoryBuilder._link_follow_ups`'s (some stories have more candidates than are scored)."""
    rnd = random.Random(gap)
    merger = Merger(Settings(), follow_max_gap_days=gap, follow_candidates=candidates, follow_threshold=0.3)
    vocabulary = [f"mot{i}" for i in range(12)]
    stories, centroids, actor_sets = [], {}, {}
    for i in range(300):
        start = date(2022, 1, 1) + timedelta(days=rnd.randrange(730))
        end = start + timedelta(days=rnd.choice((0, 0, 3, 20)))
        sid = f"sto_{rnd.randrange(10**6):06d}_{i}"
        weights = {w: rnd.random() for w in rnd.sample(vocabulary, 4)}
        norm = sum(x * x for x in weights.values()) ** 0.5
        centroids[sid] = {w: x / norm for w, x in weights.items()}
        actor_sets[sid] = set(rnd.sample([f"a:{k}" for k in "ABCDEF"], rnd.randrange(0, 3)))
        stories.append(Story(story_id=sid, title=None, article_ids=[], event_ids=[],
                             start=start.isoformat(), end=end.isoformat(), actors=[]))
    StoryBuilder(merger.cfg)._link_follow_ups(stories, centroids, actor_sets)
    expected = {s.story_id: s.follows for s in stories if s.follows}
    store = open_store(":memory:")
    store.clear_merge_stage(("stage_follow",))
    store.stage_follow((s.story_id, s.start, s.end, actor_sets[s.story_id], centroids[s.story_id]) for s in stories)
    got = story_stream.StoryStream(merger).follow_ups(store)
    assert len(expected) >= 40  # not vacuous
    assert got == expected


def test_staged_follow_rows_are_read_back_in_day_order_a_page_at_a_time():
    store = open_store(":memory:")
    store.clear_merge_stage(("stage_follow",))
    store.stage_follow([("s2", "2023-01-02", "2023-01-09", {"a:B", "a:A"}, {"x": 0.5, "y": 0.25}),
                        ("s1", "2023-01-05", "2023-01-05", set(), {}),
                        ("s3", "2023-01-02", "2023-01-03", {"a:C"}, {"z": 1.0})])
    assert [r[0] for r in store.iter_staged_follow("start", batch=1)] == ["s2", "s3", "s1"]
    assert list(store.iter_staged_follow("end", batch=2)) == [
        ("s3", "2023-01-02", "2023-01-03", ["a:C"], {"z": 1.0}),
        ("s1", "2023-01-05", "2023-01-05", [], {}),
        ("s2", "2023-01-02", "2023-01-09", ["a:A", "a:B"], {"x": 0.5, "y": 0.25})]


def test_full_merge_writes_the_descriptors_of_the_stories_above_the_descriptor_size(monkeypatch):
    """Each story larger than `descriptor_min_articles` (and only those) gets a descriptor in the story
    index whose centroid and dominant actors are those of all its articles, whether the story was
    described in a batch or read a chunk at a time (`READ_BATCH`)."""
    from veille.merge.index import profile_from_json
    from veille.merge.stories import StoryDescriptor, _centroid, _vector, corpus_idf, dominant_actors

    monkeypatch.setattr(story_stream, "READ_BATCH", 6)
    expected, _got, store = both(topic_corpus(1), descriptor_min_articles=3)
    sizes = {s.story_id: len(s.article_ids) for s in expected[0]}
    stored = store.story_descriptors(sizes)
    assert set(stored) == {sid for sid, n in sizes.items() if n > 3}
    assert {n > 6 for sid, n in sizes.items() if sid in stored} == {True, False}  # both paths
    profiles = {a: profile_from_json(a, p) for a, _day, p in store.iter_story_profiles()}
    idf = corpus_idf(store.story_df({t for p in profiles.values() for t in p.terms}), len(profiles))
    for story in expected[0]:
        if story.story_id not in stored:
            continue
        desc = StoryDescriptor.from_json(stored[story.story_id])
        members = sorted(story.article_ids)
        assert desc.n_articles == len(members)
        assert desc.centroid() == _centroid([_vector(profiles[a].terms, idf) for a in members])
        assert desc.actors() == dominant_actors(profiles[a] for a in members)


def test_story_descriptor_adds_up_and_keeps_its_ranked_part_when_stored():
    from collections import Counter

    from veille.merge.stories import ArticleProfile, StoryDescriptor, _centroid, dominant_actors

    vecs = [{"a": 0.6, "b": 0.8}, {"b": 0.6, "c": 0.8}, {"c": 1.0}]
    profs = [ArticleProfile(f"art_{i}", Counter(), {"k:x": "X", f"k:{i}": "Y"}, Counter({"k:x": 2}), "fr")
             for i in range(3)]
    one, two = StoryDescriptor(), StoryDescriptor()
    one.add(vecs[0], profs[0])
    for v, p in zip(vecs[1:], profs[1:], strict=True):
        two.add(v, p)
    one.absorb(StoryDescriptor.from_json(two.to_json()))
    assert one.n_articles == 3
    assert one.centroid() == _centroid(vecs)
    assert one.actors() == dominant_actors(profs) == {"k:x", "k:0", "k:1", "k:2"}
    assert dict(one.actor_counts) == {"k:x": 6, "k:0": 1, "k:1": 1, "k:2": 1}
    big = StoryDescriptor()
    big.vector_sum.update({f"t{i:04d}": 1000.0 - i for i in range(1000)})
    kept = StoryDescriptor.from_json(big.to_json())
    assert len(kept.vector_sum) == StoryDescriptor.KEEP_TERMS == 400
    assert kept.centroid() == big.centroid() and len(big.centroid()) == 200
