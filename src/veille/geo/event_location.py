"""Where an event happened: the place attached to its trigger by a locative phrase.

`locate_event(doc, start, end)` looks at the place mentions of the trigger's sentence (doc.places,
filled by the geo stage) and keeps those that

1. are introduced by a locative preposition (à, au, aux, dans, en, sur, chez, près de, au nord de…)
   — found on the place's own `case` dependents or, failing that, in the words just before it; a
   place introduced by "de"/"depuis" is an origin ("arrivé de Moscou"), never the location; a generic
   place, building or street noun in between passes the location on ("dans la ville russe de
   Komsomolsk-sur-l'Amour", "au cosmodrome de Vostotchny", "au nord de Kiev", "dans plusieurs rues
   de Tunis", "devant une école de Rouen");
2. hang from the trigger in the dependency parse without crossing another verb (obl/nmod/advmod
   chains, which also tolerates the parser's attachment slips such as "mercredi au cosmodrome" under
   "mercredi"), or from a venue verb whose subject is the trigger ("la rencontre a eu lieu à …"),
   or from the verb whose object the trigger is ("a mené des frappes sur …"), or are the antecedent
   of a relative "où" that introduces the trigger's clause ("à Vladivostok, où il a rencontré …").
   "sur X" after a topic word ("un accord sur la Corée") is a topic, not a place. The direct object
   of a verb that acts on a place ("frappent Bruxelles", "a visité Pyongyang") is where it happened.

Among the places kept, the most precise wins (site > city > admin2 > admin1 > region > country: "au
cosmodrome de Vostotchny, dans la région de l'Amour"), then the closest attachment, then the nearest
to the trigger. None when the text does not say. A proper noun
that is attached the same way but unknown to the gazetteer is returned with its name only.
Cue words come from `data/<lang>/geo_cues.tsv`.
"""

from __future__ import annotations

from functools import lru_cache

from ..models import Document, Location, PlaceMention, fold
from ..nlp import TokenColumns
from ..resources import LexiconDir, data_path, read_tsv

PRECISION_RANK = {"site": 6, "city": 5, "admin2": 4, "admin1": 3, "region": 2, "country": 1}
VERBAL = {"VERB", "AUX"}


@lru_cache(maxsize=4)
def _cues(lang: str, lexicon_dir: str | None = None) -> dict[str, frozenset[str]]:
    """The cue words of `lang` (keyed on the user's lexicon folder too: two settings, two entries)."""
    if not data_path(lang, "geo_cues.tsv").is_file():
        lang = "fr"
    out: dict[str, set[str]] = {}
    for row in read_tsv(lang, "geo_cues.tsv", lexicon_dir=lexicon_dir):
        out.setdefault(row["kind"], set()).add(fold(row["word"]))
    return {k: frozenset(v) for k, v in out.items()}


def locate_event(doc: Document, start: int, end: int, *, lang: str | None = None,
                 lexicon_dir: LexiconDir = None) -> Location | None:
    """The place where the event whose trigger is doc.text[start:end] happened, or None.
    `lexicon_dir`: the user lexicons overlaying `geo_cues.tsv` (`Settings.lexicon_dir`)."""
    cues = _cues(lang or doc.language or "fr", str(lexicon_dir) if lexicon_dir else None)
    sent = doc.sentence_at(start)
    s_start, s_end = (sent.start, sent.end) if sent else (0, len(doc.text))
    places = [p for p in doc.places if s_start <= p.start and p.end <= s_end
              and not (p.start < end and start < p.end)]
    sdoc = doc.spacy_doc
    if sdoc is None:
        return _fallback(doc, start, end, places, cues)
    trig_span = sdoc.char_span(start, end, alignment_mode="expand")
    if trig_span is None or len(trig_span) == 0:
        return None
    trigger = trig_span.root
    targets = _targets(trigger, cues)
    if doc.token_columns is None:  # a parse not made by the nlp stage: read it once, keep it
        doc.token_columns = TokenColumns(sdoc, doc.text)
    cols = doc.token_columns
    candidates: list[tuple[int, int, int, Location]] = []
    for pm in places:
        ok = _attached(sdoc, pm.start, pm.end, trigger, targets, cues, cols) or _named_after(sdoc, pm, trigger, cues,
                                                                                             cols)
        if ok is None:
            continue
        strength, _prep = ok
        loc = _location(pm)
        rank = PRECISION_RANK.get(loc.precision or "", 0)
        candidates.append((rank, strength, -abs(pm.start - start), loc))
    # unknown proper nouns attached as locatives
    covered = [(p.start, p.end) for p in doc.places]
    for i in range(cols.sent_start[trigger.i], cols.sent_end[trigger.i]):
        if cols.pos[i] != "PROPN" or i == trigger.i or cols.dep[i].startswith("flat") \
                or not cols.text[i][:1].isupper() or any(a <= cols.idx[i] < b for a, b in covered):
            continue
        tok = sdoc[i]
        span_end = max(t.idx + len(t.text) for t in [tok, *[c for c in tok.children if c.dep_.startswith("flat")]])
        ok = _attached(sdoc, tok.idx, span_end, trigger, targets, cues, cols)
        if ok is None or ok[0] < 2:
            continue
        raw = doc.text[tok.idx:span_end]
        candidates.append((0, ok[0] - 1, -abs(tok.idx - start), Location(name=raw, raw=raw)))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1], c[2]), reverse=True)
    return candidates[0][3]


def _named_after(sdoc, pm: PlaceMention, trigger, cues, cols: TokenColumns) -> tuple[int, str] | None:
    """An event noun's "de" complement naming a town or a site: "l'attentat de Nice", "les
    bombardements d'Alep", "le massacre de Srebrenica" happened there (a country or a region there
    is who acted or suffered it: "les frappes de la Russie")."""
    if trigger.pos_ != "NOUN" or pm.location is None or pm.location.precision not in ("city", "site"):
        return None
    a = _anchor(sdoc, pm.start, pm.end)
    if a is None or a.head.i != trigger.i or a.dep_ != "nmod":
        return None
    prep = _prep_of(a, cues, cols)
    return (2, prep) if prep in ("de", "d'", "du", "des") else None


def _location(pm: PlaceMention) -> Location:
    if pm.location is not None:
        loc = Location.from_dict(pm.location.to_dict())
        loc.raw = pm.text
        return loc
    return Location(name=pm.text, raw=pm.text)


def _targets(trigger, cues) -> set[int]:
    """Tokens whose locatives count for the trigger: itself, the verb it is the subject of (unless
    a reporting verb), the light verb it is the object of."""
    out = {trigger.i}
    head = trigger.head
    if trigger.pos_ in ("NOUN", "PROPN") and head.i != trigger.i and head.pos_ in VERBAL:
        lemma = fold(head.lemma_)
        if trigger.dep_ == "obj" and lemma in cues.get("light_verb", frozenset()):
            out.add(head.i)  # "a mené des frappes sur …", "ont signé un accord à …"
        elif trigger.dep_.startswith("nsubj"):
            # "la rencontre a eu lieu à …", "l'attentat a tué douze personnes dans …": the verb's
            # locative is the event's, unless the verb reports on it ("… a été revendiqué à Paris")
            if lemma not in cues.get("report_verb", frozenset()):
                out.add(head.i)
    return out


def _anchor(sdoc, start: int, end: int):
    span = sdoc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.root


def _prep_of(tok, cues, cols: TokenColumns) -> str | None:
    """The preposition introducing tok's phrase ('a', 'dans', 'pres de', 'de'…), folded."""
    i, texts, pos = tok.i, cols.text, cols.pos
    sent_start = cols.sent_start[i]
    case = [c for c in cols.children(i) if c < i and cols.dep[c] in ("case", "mark")]
    if case:
        words = [fold(texts[c]) for c in case]
        first = case[0]
        if words[0] in ("de", "d'", "du", "des") and first > sent_start and fold(texts[first - 1]) in cues.get("de_locative_head", frozenset()):
            return "pres de"
        return " ".join(words)
    # no case dependent: the word before the phrase, skipping determiners and adjectives
    i = tok.left_edge.i - 1
    while i >= sent_start and (pos[i] in ("DET", "ADJ", "NUM") or texts[i] in "«\"" and tok.doc[i].is_punct):
        i -= 1
    if i < sent_start:
        return None
    w = fold(texts[i])
    if w in ("de", "d'", "du", "des") and i - 1 >= sent_start and fold(texts[i - 1]) in cues.get("de_locative_head", frozenset()):
        return "pres de"
    if pos[i] == "ADP":
        return w
    return None


def _attached(sdoc, start: int, end: int, trigger, targets: set[int], cues,
              cols: TokenColumns) -> tuple[int, str] | None:
    """(strength, preposition) when the place at [start, end) locates the trigger, else None."""
    a = _anchor(sdoc, start, end)
    if a is None:
        return None
    locative = cues.get("locative", frozenset()) | {"pres de"}
    # (a building or street noun passes it on too: "dans plusieurs rues du Grand Tunis")
    place_nouns = cues.get("place_noun", frozenset()) | cues.get("site_noun", frozenset()) \
        | cues.get("building_noun", frozenset())
    topic = cues.get("topic_trigger", frozenset())
    # climb through generic place nouns: "la ville russe de X" -> "ville"
    prep = _prep_of(a, cues, cols)
    steps = 0
    while prep in ("de", "d'", "du", "des") and a.head.i != a.i and steps < 3 and (
            fold(a.head.lemma_) in place_nouns or fold(a.head.text) in place_nouns):
        a = a.head
        prep = _prep_of(a, cues, cols)
        steps += 1
    # direct object of a verb that acts on a place: "des attentats frappent Bruxelles", "a visité Pyongyang"
    if a.dep_ == "obj" and a.head.i in targets and (
            fold(a.head.lemma_) in cues.get("object_place_verb", frozenset())):
        return 2, ""
    # relative "où": "à Vladivostok, où il a rencontré Poutine"
    if _relative_where(sdoc, end, trigger, cols):
        if prep is None or prep.split()[0] in locative:
            return 3, prep or ""
    if prep is None:
        return None
    first = prep.split()[0]
    if prep != "pres de" and first not in locative:
        return None
    if first == "sur" and (fold(trigger.lemma_) in topic or fold(trigger.text) in topic):
        return None
    # walk up from the anchor to a target without crossing another verb
    node = a
    dist = 0
    while dist < 6:
        if node.i in targets:
            strength = 3 if dist <= 1 else 2
            return strength, prep
        head = node.head
        if head.i == node.i:
            break
        if head.pos_ in VERBAL and head.i not in targets and not (
                head.dep_ == "acl" and head.head.i in targets and "Part" in head.morph.get("VerbForm", [])):
            break  # (a participle qualifying the trigger passes its place on: "un blocus imposé autour de X")
        if first == "sur" and (fold(head.lemma_) in topic) and head.i != trigger.i:
            return None
        node = head
        dist += 1
    return None


def _relative_where(sdoc, place_end: int, trigger, cols: TokenColumns) -> bool:
    """True when 'où' follows the place (", où …") and heads the clause of the trigger."""
    for i in range(cols.sent_start[trigger.i], trigger.i):
        if cols.text[i].lower() != "où":
            continue
        tok = sdoc[i]
        gap = cols.doc_text[place_end:tok.idx]
        if len(gap) <= 3 and gap.strip() in ("", ","):
            # the trigger must be in the clause the relative introduces
            clause = tok.head
            return clause.i == trigger.i or trigger.i in {t.i for t in clause.subtree}
    return False


def _fallback(doc: Document, start: int, end: int, places: list[PlaceMention], cues) -> Location | None:
    """Without a parse: the nearest place after the trigger introduced by a locative preposition."""
    locative = cues.get("locative", frozenset())
    best = None
    for pm in places:
        if pm.start < end:
            continue
        before = doc.text[max(end, pm.start - 12):pm.start].replace("’", "'").split()
        if before and fold(before[-1]) in locative or len(before) >= 2 and fold(before[-2]) in locative:
            if best is None or pm.start < best.start:
                best = pm
    return _location(best) if best else None
