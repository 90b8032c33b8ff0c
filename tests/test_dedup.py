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
