"""Candidate mentions: the gazetteer pass over the tokens, then spaCy's PER/ORG entities
the gazetteer does not cover."""

from __future__ import annotations

from .state import Rules, _Cand
from .tables import _NON_ALNUM, _Entry


class Candidates(Rules):
    """Candidate mentions: the gazetteer pass over the tokens, then spaCy's PER/ORG entities"""

    def _case_ok(self, i: int, j: int, entry: _Entry) -> bool:
        text = self.doc.text[self.toks[i].idx:self.toks[j - 1].idx + len(self.texts[j - 1])]
        form = entry.form
        letters = [c for c in form if c.isalpha()]
        if entry.type in ("demonym",):
            return True
        if letters and all(c.isupper() for c in letters) and len(letters) <= 6:
            return _NON_ALNUM.sub("", text) == _NON_ALNUM.sub("", form) or text.replace("-", "") == form.replace("-", "")
        if form[:1].isupper():
            return text[:1].isupper()
        return True

    def gazetteer(self) -> list[_Cand]:
        res, n = self.res, self.n
        skeys = self.name_keys
        out: list[_Cand] = []
        i = 0
        while i < n:
            if not skeys[i] or skeys[i] not in res.prefixes:
                i += 1
                continue
            acc = ""
            best: tuple[int, list[_Entry]] | None = None
            for j in range(i, min(n, i + res.max_tokens)):
                if j > i and "\n" in self.toks[j - 1].whitespace_ + self.texts[j]:
                    break
                if not skeys[j]:
                    if self.texts[j] in ("-", "'", "\u2019", "."):
                        continue
                    break
                acc = f"{acc} {skeys[j]}" if acc else skeys[j]
                if acc not in res.prefixes:
                    break
                entries = res.gaz.get(acc)
                if entries:
                    ok = [e for e in entries if self._case_ok(i, j + 1, e)]
                    if ok:
                        best = (j + 1, ok)
            if best is None:
                i += 1
                continue
            j, entries = best
            order = ("person", "org", "seat", "country", "capital", "region", "demonym")
            entries.sort(key=lambda e: order.index(e.type))
            e = entries[0]
            if e.type == "org" and j < n and self.pos[j] == "ADJ" and self.texts[j][:1].islower() \
                    and j not in self.demonym and self.name_keys[j] not in res.gaz:
                i = j  # the name goes on ("Conseil de sécurité nationale"): not this organisation
                continue
            if e.type == "demonym":
                for t in range(i, j):
                    self.demonym[t] = e.ref
            out.append(_Cand(i, j, e.type, e))
            i = j
        return out

    def merge_entities(self, gaz: list[_Cand]) -> list[_Cand]:
        taken: dict[int, _Cand] = {}
        for c in gaz:
            for t in range(c.i, c.j):
                taken[t] = c
        ents: list[_Cand] = []
        for ent in self.sdoc.ents:
            if ent.label_ not in ("PER", "ORG"):
                continue
            i, j = ent.start, ent.end
            # strip titles, determiners, punctuation at the edges
            while i < j and (self.keys[i] in self.words.title or not self.texts[i][:1].isalnum()
                             or self.texts[i][:1].islower()):
                i += 1
            while j > i and not self.texts[j - 1][:1].isalnum():
                j -= 1
            if i >= j:
                continue
            if j - i == 1 and not self.toks[i].is_upper and not (i > 0 and self.keys[i - 1] in self.words.title) \
                    and self.name_keys[i] not in self.res.short_keys:
                # a lone capitalised word spaCy calls PER/ORG is more often a place or a sentence-initial word
                # ("Tahrir", "Intervenue"); a lone surname of a person named in full is found later
                continue
            overlapping = {id(taken[t]): taken[t] for t in range(i, j) if t in taken}
            displaced: list[_Cand] = []
            if overlapping:
                gs = list(overlapping.values())
                strong = any(g.type in ("person", "org", "seat") for g in gs)
                longer = all((g.j - g.i) < (j - i) and g.i >= i and g.j <= j for g in gs)
                if strong or not longer:
                    continue
                gaz = [g for g in gaz if id(g) not in overlapping]
                displaced = gs
                for g in gs:
                    for t in range(g.i, g.j):
                        taken.pop(t, None)
            c = _Cand(i, j, "person" if ent.label_ == "PER" else "orgent", None, ent.label_)
            c.displaced = displaced
            for g in displaced:
                self.gaz_at.setdefault(g.i, []).append(g)
            ents.append(c)
            for t in range(i, j):
                taken[t] = c
        cands = [c for c in gaz if c.type not in ("region",)] + ents
        cands.sort(key=lambda c: c.i)
        return cands
