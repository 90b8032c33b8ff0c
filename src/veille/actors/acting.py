"""Whether a place name (country, capital, seat of power) stands for an actor here, from the
parse: "Moscou accuse", "par Washington" act; "à Moscou", "de Russie" are places."""

from __future__ import annotations

from .state import DocState, Rules, _Cand
from .tables import _key


class PlaceActing(Rules):
    """Whether a place name (country, capital, seat of power) stands for an actor here, from the"""

    def __init__(self, st: DocState):
        super().__init__(st)
        self.cache: dict[int, bool] = {}  # first token of a place -> whether it acts

    def acting(self, c: _Cand) -> bool:
        """Whether a place name (country/capital/seat) stands for an actor here, from the parse."""
        if c.i in self.cache:
            return self.cache[c.i]
        # in a list ("entre l'Iran, l'Irak, la Syrie et le Liban") an item reads like the item before it
        p = c.i - 1
        while p >= 0 and self.keys[p] in self.words.article:
            p -= 1
        if p > 0 and self.texts[p] in (",", "et", "ou") and c.type != "seat" \
                and not any(self.toks[t].dep_.startswith("nsubj") for t in range(c.i, c.j)):
            q = p - 1
            prev_item = next((x for x in self.cands_at_end.get(q + 1, []) if x.type in ("country", "capital")), None)
            if prev_item is not None:
                out = self.acting(prev_item)
                self.cache[c.i] = out
                return out
        out = self._acting_here(c)
        self.cache[c.i] = out
        return out

    def _acting_here(self, c: _Cand) -> bool:
        toks = self.toks
        head = toks[c.i]
        for t in range(c.i, c.j):
            if toks[t].head.i < c.i or toks[t].head.i >= c.j:
                head = toks[t]
                break
        p = c.i - 1
        while p >= 0 and self.keys[p] in self.words.article:
            p -= 1
        has_article = p < c.i - 1
        prev = self.keys[p] if p >= 0 else ""
        prev_is_prep = p >= 0 and (toks[p].pos_ == "ADP" or prev in self.words.loc_prep or prev in self.words.de
                                   or prev in self.words.actor_prep or prev == "par")
        if c.j < self.n and self.texts[c.j] == ":" and (c.i == 0 or "\n" in toks[c.i - 1].text_with_ws):
            return False  # a headline label: "Ukraine : Kiev revendique …"
        if head.dep_ == "conj":
            # "entre l'Iran, l'Irak, la Syrie et le Liban": the first conjunct's preposition decides
            h0 = head
            while h0.dep_ == "conj" and h0.head.i < h0.i:
                h0 = h0.head
            q = h0.i - 1
            while q >= 0 and self.keys[q] in self.words.article:
                q -= 1
            if q >= 0 and toks[q].pos_ == "ADP" and self.keys[q] not in self.words.actor_prep and self.keys[q] != "par":
                return False
        if prev == "par" and head.dep_ in ("obl:agent",):
            return True
        if prev == "a" and has_article and c.type == "country":
            return True  # "livrer des armes à la Russie": a recipient ("en Russie" is the place)
        if prev in self.words.loc_prep:
            return False
        if c.type == "seat":
            return True
        dep = head.dep_
        h = head
        hops = 0
        while dep == "conj" and hops < 4:
            h = h.head
            dep = h.dep_
            hops += 1
        if dep in ("nsubj", "nsubj:pass", "obl:agent", "csubj"):
            return True
        if prev in self.words.actor_prep:
            return True
        if prev in self.words.de:
            gov = head.head
            gk, gl = _key(gov.text), _key(gov.lemma_ or "")
            if gk in self.words.locative_noun or gl in self.words.locative_noun:
                return False
            if c.type == "capital":
                return gk in self.words.actor_noun or gl in self.words.actor_noun
            return has_article or prev in ("du", "des")
        if c.type == "capital":
            # "Moscou accuse Kiev de …": the object of a verb aimed at an actor
            if dep in ("obj", "iobj") and _key(h.head.lemma_ or "") in self.words.actor_verb:
                return True
            # sentence-initial "Washington suspecte …" that the parser misreads
            nxt = toks[c.j] if c.j < self.n else None
            start = c.i == 0 or toks[c.i].is_sent_start or toks[c.i - 1].text in (",", ";", ":", "«", "\"")
            return bool(start and nxt is not None and nxt.text[:1].islower()
                        and nxt.pos_ not in ("ADP", "DET", "PUNCT", "CCONJ", "ADJ", "SCONJ", "PRON"))
        # country names: without a preposition they are the state when they take an article or are objects,
        # except as the object of a verb of movement ("desservir les États-Unis", "quitter la Russie")
        if dep in ("obj", "conj") and _key(h.head.lemma_ or "") in self.words.place_verb:
            return False
        if not prev_is_prep:
            return has_article or dep in ("obj", "iobj", "nsubj", "nsubj:pass")
        return False
