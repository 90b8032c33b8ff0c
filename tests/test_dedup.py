from veille.config import Settings
from veille.dedup import Deduplicator
from veille.models import Document
from veille.pipeline import article_id_for

WIRE = ("Le dirigeant nord-coréen Kim Jong Un est arrivé mardi en Russie à bord de son train blindé, "
        "a annoncé l'agence officielle KCNA. Il doit rencontrer le président russe Vladimir Poutine "
        "dans les prochains jours, selon le Kremlin, qui n'a pas précisé le lieu de la rencontre. "
        "Les États-Unis redoutent un accord sur des livraisons d'armes à Moscou.")


def doc(text: str) -> Document:
    return Document(article_id_for(text), "x", text)


def test_dedup_links_lightly_edited_wire_copy_to_first_seen():
    dd = Deduplicator(Settings())
    first, copy = doc(WIRE), doc(WIRE.replace("a annoncé", "a rapporté") + " (Avec AFP)")
    dd(first)
    dd(copy)
    assert first.duplicate_of is None
    assert copy.duplicate_of == first.article_id


def test_dedup_keeps_different_articles_apart_and_survives_reload():
    dd = Deduplicator(Settings())
    a = doc(WIRE)
    sig = dd.signature_bytes(dd(a))
    other = doc("La junte au pouvoir à Bamako a annoncé la dissolution des partis politiques, "
                "une décision condamnée par la Cédéao qui menace de nouvelles sanctions économiques.")
    dd(other)
    assert other.duplicate_of is None
    reloaded = Deduplicator(Settings())
    reloaded.load([(a.article_id, sig)])
    again = doc(WIRE + " Mise à jour.")
    reloaded(again)
    assert again.duplicate_of == a.article_id


def test_dedup_through_the_store_band_index_across_ingests_and_after_a_rebuild():
    from veille.api import ingest_raw
    from veille.models import RawDocument
    from veille.pipeline import Pipeline
    from veille.store import open_store

    settings = Settings()
    pipe = Pipeline(settings, stages=["clean"])
    store = open_store(":memory:")
    ingest_raw([RawDocument("a.txt", WIRE)], store, settings, pipeline=pipe)
    report = ingest_raw([RawDocument("b.txt", WIRE.replace("a annoncé", "a rapporté") + " (Avec AFP)"),
                         RawDocument("c.txt", WIRE + " Dernière mise à jour du récit."),
                         RawDocument("d.txt", "La junte a dissous les partis politiques à Bamako, ce que "
                                              "la Cédéao a condamné en menaçant de nouvelles sanctions.")],
                        store, settings, pipeline=pipe)
    first = store.list_articles(limit=10)
    by_source = {a["source_path"]: a for a in first}
    original = by_source["a.txt"]["article_id"]
    assert report.near_duplicates == 2
    assert by_source["b.txt"]["duplicate_of"] == original
    assert by_source["c.txt"]["duplicate_of"] == original
    assert by_source["d.txt"]["duplicate_of"] is None
    # a store whose band index was built under another layout is rebuilt once, same answers
    store.query("UPDATE meta SET value = 'old' WHERE key = 'lsh_bands'")
    store.query("DELETE FROM lsh_bands")
    dd = Deduplicator(settings)
    store.ensure_band_index(dd.band_layout, lambda sig: dd.band_keys(dd.from_bytes(sig)))
    m = dd.signature(WIRE + " Encore une version.")
    candidates = [(aid, seq, dd.from_bytes(sig)) for aid, seq, sig in store.band_candidates(dd.band_keys(m))]
    assert dd.choose_original(m, candidates) == original


def test_the_cached_band_layout_is_datasketchs_and_immutable():
    """The layout is computed once per (threshold, num_perm) and shared; what is shared cannot be
    filled (no MinHashLSH index lives in the cache)."""
    import dataclasses

    import pytest
    from datasketch import MinHashLSH

    from veille.config import Settings
    from veille.dedup import BandLayout, Deduplicator

    a, b = Deduplicator(Settings()), Deduplicator(Settings())
    assert a.lsh is b.lsh and isinstance(a.lsh, BandLayout)
    lsh = MinHashLSH(threshold=Settings().dedup_threshold, num_perm=Settings().dedup_num_perm)
    assert (a.lsh.b, a.lsh.r, [list(x) for x in a.lsh.hashranges]) == (lsh.b, lsh.r, [list(x) for x in lsh.hashranges])
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.lsh.b = 1  # type: ignore[misc]
    assert a.index is not b.index
