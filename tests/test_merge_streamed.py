"""The streamed full-merge clustering (veille.merge.streamed) equals clustering every mention at once."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from veille.config import Settings
from veille.merge import Merger, streamed
from veille.merge.aggregate import build_event
from veille.merge.config import MergeConfig
from veille.merge.coref import block_keys, candidate_pairs, cluster, pair_order
from veille.merge.features import view
from veille.merge.merger import EventStage
from veille.models import ActorRef, DateValue, Document, EventMention, Location, Published, Sentence
from veille.store import open_store

ACTORS = [ActorRef("Kim Jong-un", "PRK", "GOV", None, "Q56226", "act_kim"),
          ActorRef("Vladimir Poutine", "RUS", "GOV", None, "Q7747", "act_putin"),
          ActorRef("armée russe", "RUS", "MIL", None, None, "act_rus_mil"),
          ActorRef("Ukraine", "UKR", "GOV", None, None, "act_ukr"),
          ActorRef("les manifestants", None, None, None, None, None)]
PLACES = [None, Location("Odessa", "UKR", 46.477, 30.733, 698740, "city"),
          Location("Vladivostok", "RUS", 43.106, 131.874, 2013348, "city")]


def random_corpus(seed: int, n_articles: int = 60) -> list[Document]:
    """Articles over two months, a few undated, each with 1-4 mentions of three types: own dates
    to the day, month or year, no own date, planned and hypothetical reports, places, counts."""
    rnd = random.Random(seed)
    docs = []
    for i in range(n_articles):
        day = date(2023, 9, 1) + timedelta(days=rnd.randrange(60))
        published = None if rnd.random() < 0.15 else day.isoformat()
        text = "Un texte. " * 8
        doc = Document(article_id=f"art_{i:03d}", source_path=f"{i}.txt", text=text, outlet=f"o{i % 5}",
                       title=f"Titre {i}",
                       published=Published(published, "day", "metadata") if published else Published())
        doc.sentences = [Sentence(k * 10, k * 10 + 9, "Un texte.") for k in range(8)]
        for j in range(rnd.randint(1, 4)):
            own = day + timedelta(days=rnd.choice((0, 0, -1, -3, 2)))
            shape = rnd.random()
            value = (None if shape < 0.3 else own.isoformat()[:7] if shape < 0.4 else own.isoformat()[:4]
                     if shape < 0.45 else own.isoformat())
            precision = {4: "year", 7: "month"}.get(len(value or ""), "day")
            doc.mentions.append(EventMention(
                f"men_{i:03d}_{j}", doc.article_id, rnd.choice(("CONSULT", "ASSAULT", "PROTEST")), "x", "",
                j * 10, j * 10 + 9, trigger_start=j * 10, trigger_end=j * 10 + 1,
                source=rnd.sample(ACTORS, rnd.randint(0, 2)), target=rnd.sample(ACTORS, rnd.randint(0, 1)),
                date=DateValue(value, precision) if value else None, location=rnd.choice(PLACES),
                factuality=rnd.choice(("asserted", "asserted", "claimed", "planned", "hypothetical")),
                numbers=rnd.choice(({}, {}, {"killed": 3}, {"killed": 4}))))
        docs.append(doc)
    return docs


def stored(docs: list[Document]):
    store = open_store(":memory:")
    for d in docs:
        store.add_document(d)
    return store


def corpus_views(seed: int):
    """(docs, config, store, article infos, every mention's view) of `random_corpus(seed)`."""
    docs = random_corpus(seed)
    cfg = MergeConfig()
    store = stored(docs)
    articles = Merger.read_infos(store)
    views = [view(m, articles[m.article_id], cfg.before_days, cfg.after_days, cfg.planned_days)
             for d in docs for m in d.mentions]
    return docs, cfg, store, articles, views


def streamed_pairs(streamer: streamed.StreamedCoref, store, articles) -> list[tuple[float, str, str]]:
    """The pairs of every event type, as `StreamedCoref.run` finds them type by type."""
    streamer._sort_keys(store, articles, streamed.StreamedPass())
    return [p for t in store.staged_sweep_types()
            for p in streamer._pairs(store, articles, store.iter_staged_sweep(t, dated=True),
                                     store.iter_staged_sweep(t, dated=False))]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_streamed_sweep_compares_exactly_the_pairs_of_the_block_sweep(seed, monkeypatch):
    """Every pair the blocking sweep proposes links (link patched): the streamed sweep proposes the
    same pairs, in the same orientation, and no other."""
    import veille.merge.coref as coref

    monkeypatch.setattr(coref, "link", lambda a, b, cfg: 1.0 if a.m.mention_id < b.m.mention_id else 2.0)
    _docs, cfg, store, articles, views = corpus_views(seed)
    got = streamed_pairs(streamed.StreamedCoref(cfg), store, articles)
    expected = candidate_pairs(views, cfg)
    assert len(expected) > 200 and {s for s, _a, _b in expected} == {1.0, 2.0}
    assert sorted(got, key=pair_order) == expected


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_streamed_pairs_and_events_equal_the_all_at_once_clustering(seed):
    docs, cfg, store, articles, views = corpus_views(seed)
    pairs = candidate_pairs(views, cfg)
    expected = sorted((build_event(c, articles, cfg) for c in cluster(views, cfg, pairs)), key=lambda e: e.event_id)

    streamer = streamed.StreamedCoref(cfg)
    got_pairs = streamed_pairs(streamer, store, articles)
    assert len(pairs) > 20  # the corpus links reports: the comparison is not vacuous
    assert sorted(got_pairs, key=pair_order) == pairs

    result = streamer.run(store, articles, write_index=False)
    assert result.n_mentions == len(views)
    assert sorted(result.events, key=lambda e: e.event_id) == expected
    assert any(len(e.mention_ids) > 2 for e in expected)
    article_of = {m.mention_id: m.article_id for d in docs for m in d.mentions}
    for e in result.events:
        assert result.event_articles[e.event_id] == sorted({article_of[mid] for mid in e.mention_ids})
    undated = {a for a, info in articles.items() if not info.published}
    assert set(result.undated_keys) == {tuple(e.mention_ids) for e in expected
                                        if any(a in undated for a in result.event_articles[e.event_id])}


def test_streamed_sweep_forgets_mentions_past_the_date_window(monkeypatch):
    """A store a year long: the sweep's window of earlier mentions is pruned as it moves on."""
    cfg = MergeConfig()
    docs = []
    for i in range(400):
        day = date(2022, 1, 1) + timedelta(days=i)
        doc = Document(article_id=f"art_{i:03d}", source_path=f"{i}.txt", text="x", title="t",
                       published=Published(day.isoformat(), "day", "metadata"))
        doc.mentions.append(EventMention(f"men_{i:03d}_0", doc.article_id, "CONSULT", "x", "", 0, 1,
                                         source=[ACTORS[0]], target=[ACTORS[1]],
                                         date=DateValue(day.isoformat(), "day")))
        docs.append(doc)
    store = stored(docs)
    articles = Merger.read_infos(store)
    largest = []
    original = streamed._prune

    def watch(active, lo, tol):
        left = original(active, lo, tol)
        largest.append(left)
        return left

    monkeypatch.setattr(streamed, "_prune", watch)
    monkeypatch.setattr(streamed.StreamedCoref, "PRUNE_EVERY", 50)
    result = streamed.StreamedCoref(cfg).run(store, articles, write_index=False)
    assert len(result.events) == 400  # one meeting a day: never one event
    keys = len(block_keys(view(docs[0].mentions[0], articles["art_000"], 0, 0, 0)))
    # what is left after a prune: the reports of the last `date_tolerance_days` days, under each key
    assert largest and max(largest) <= keys * (cfg.date_tolerance_days + 1) < 400


def test_full_merge_index_written_in_batches_equals_one_write(monkeypatch):
    docs = random_corpus(7)

    def index_rows(store):
        return (store.query("SELECT key, lo, hi, mention_id FROM merge_blocks ORDER BY key, lo, hi, mention_id"),
                store.query("SELECT a, b, score, merged FROM merge_pairs ORDER BY a, b"))

    one = stored(docs)
    Merger(Settings()).run(one)
    monkeypatch.setattr(streamed, "WRITE_BATCH", 7)
    monkeypatch.setattr(streamed, "READ_BATCH", 3)
    monkeypatch.setattr(EventStage, "BATCH", 4)
    batched = stored(docs)
    Merger(Settings()).run(batched)
    blocks, pairs = index_rows(one)
    assert len(blocks) > 100 and len(pairs) > 20
    assert [tuple(r) for r in index_rows(batched)[0]] == [tuple(r) for r in blocks]
    assert [tuple(r) for r in index_rows(batched)[1]] == [tuple(r) for r in pairs]
    assert [e.to_dict() for e in batched.iter_events()] == [e.to_dict() for e in one.iter_events()]
