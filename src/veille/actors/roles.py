"""Role phrases ("porte-parole du Kremlin", "le ministre sud-coréen des Affaires étrangères"): the
roles.tsv pattern, demonyms in and after it, and what its "de …" complement names."""

from __future__ import annotations

from .state import Rules, _Cand, _RoleInfo
from .tables import _key, _name_key


class RoleReader(Rules):
    """Role phrases ("porte-parole du Kremlin", "le ministre sud-coréen des Affaires étrangères"): the"""

    def match_role(self, i: int, blocked: set[int]) -> tuple[int, dict[str, str], list[str]] | None:
        """Longest roles.tsv pattern starting at token i, skipping demonyms inside: (end, row, demonyms)."""
        res = self.res
        if self.keys[i] not in res.role_first:
            return None
        seq: list[int] = []
        t = i
        while t < self.n and len(seq) < res.role_max + 3:
            if t in blocked:
                break
            if t != i and t in self.demonym:
                t += 1
                continue
            if self.keys[t] or self.texts[t] in ("'", "’"):
                if self.keys[t]:
                    seq.append(t)
            t += 1
        best = None
        for L in range(min(len(seq), res.role_max), 0, -1):
            row = res.roles.get(tuple(self.keys[x] for x in seq[:L]))
            if row is not None:
                best = (seq[L - 1] + 1, row)
                break
        if best is None:
            return None
        end, row = best
        dems = [self.demonym[x] for x in range(i, end) if x in self.demonym]
        return end, row, dems

    def role_phrases(self, cands: list[_Cand]) -> list[tuple[_Cand, _RoleInfo]]:
        blocked: set[int] = set()
        cand_at: dict[int, _Cand] = {}
        for c in cands:
            for t in range(c.i, c.j):
                if c.type not in ("demonym", "orgent"):
                    blocked.add(t)
                cand_at[t] = c
        out: list[tuple[_Cand, _RoleInfo]] = []
        i = 0
        while i < self.n:
            if i in blocked or self.pos[i] in ("PROPN",) and self.texts[i][:1].isupper() \
                    and self.keys[i] not in ("president", "premier", "general"):
                i += 1
                continue
            m = self.match_role(i, blocked)
            if m is None or (self.pos[i] == "ADJ" and i > 0 and self.pos[i - 1] == "NOUN"):
                i += 1  # "l'intérêt général" is no general
                continue
            end, row, dems = m
            info = self.role_info(i, end, row, dems)
            if info is not None and info.kind == "person" and self._predicative(i, end):
                self.predicates.append((i, info))
                info = None
            if info is None:
                i = end
                continue
            end = info.end
            out.append((_Cand(i, end, "role", label=row["pattern"]), info))
            for t in range(i, end):
                blocked.add(t)
            i = end
        return out

    def _predicative(self, i: int, end: int | None = None) -> bool:
        """A role used as a predicate or a post ("élu président", "comme Premier ministre", "le poste de
        ministre"), which names no one."""
        tok = self.st.head_of(i, end or i + 1)
        if tok.dep_ in ("xcomp", "attr") or any(c.dep_ == "cop" for c in tok.children):
            return True
        if tok.dep_ in ("obj", "obl", "obl:arg") and _key(tok.head.lemma_ or "") in self.words.predicate_verb \
                and _key(tok.head.lemma_ or "") not in ("etre",):
            return True
        p = i - 1
        while p >= 0 and (self.keys[p] in self.words.article or self.keys[p] in self.words.skip_modifier or self.keys[p] in
                          ("un", "une", "plus", "son", "sa", "nouveau")):
            p -= 1
        if p < 0:
            return False
        prev = self.toks[p]
        if self.keys[p] in ("comme", "en", "qualite"):
            return True
        if self.keys[p] in self.words.de and p > 0 and self.keys[p - 1] in self.words.office_noun:
            return True
        return _key(prev.lemma_) in self.words.predicate_verb or self.keys[p] in self.words.predicate_verb

    def role_info(self, i: int, end: int, row: dict[str, str], dems: list[str]) -> _RoleInfo | None:
        """What the role phrase at tokens [i, end) says: its pattern's row, the demonyms inside and
        after it, its "de …" complement and the words before it ("ancien", "son", "un")."""
        former, b = self._modifiers_before(i)
        country = dems[0] if dems else None
        t = end  # trailing demonyms directly after the pattern
        while t < self.n and t in self.demonym:
            country = country or self.demonym[t]
            t += 1
        info = _RoleInfo(row, row["kind"], row["role"], row["sector"] or None, country, None, None, former,
                         False, False, end=t)
        if t < self.n and self.keys[t] in self.words.de:  # "de/du/des/d'" complement
            u = t + 1
            while u < self.n and self.keys[u] in self.words.article:
                u += 1
            comp = self._complement(u)
            if comp is not None:
                self._read_complement(info, comp)
            elif row["kind"] == "person" and u < self.n and self.pos[u] in ("NOUN", "PROPN", "ADJ", "X"):
                self._unread_complement(info, u)
        if row["kind"] == "person" and info.role == "secretary of state" and info.country == "USA":
            info.role = "foreign minister"
        if row["kind"] == "person" and info.role in ("head of state",) and info.org:
            info.role = row["org_role"] or "president"
        info.country = info.country or (row["country"] or None)
        if row["kind"] == "state" and not info.country:
            return None
        info.phrase = _name_key(self.st.span_text(i, info.end))
        info.possessive = b >= 0 and self.keys[b] in ("son", "sa", "ses", "leur", "leurs")
        info.indefinite = b >= 0 and self.keys[b] in ("un", "une")
        return info

    def _modifiers_before(self, i: int) -> tuple[bool, int]:
        """(whether "ancien"/"ex-" is said, the token before the modifiers) of a role at token i."""
        former = False
        b = i - 1
        while b >= 0 and (self.keys[b] in self.words.skip_modifier or self.keys[b] in self.words.former or self.keys[b] == ""):
            if self.keys[b] in self.words.former:
                former = True
            if self.texts[b] in (",", ".", ";", ":", "(", "«", "»"):
                break
            b -= 1
        return former, b

    def _read_complement(self, info: _RoleInfo, comp: tuple) -> None:
        """A complement the tables read (`_complement`): its country, seat, organisation or locality."""
        cend, ctype, cref, csector, ccountry, crole = comp
        row, person = info.row, info.row["kind"] == "person"
        info.end = cend
        if ctype in ("country", "capital", "person"):
            info.country = info.country or ccountry
        elif ctype == "seat":
            seat = self.res.seats[cref]
            info.country = info.country or seat["country"]
            if seat["kind"] == "state":
                info.seat_state = True
                info.seat_term = cref  # "porte-parole du Kremlin": the Kremlin's, not the ministry's
            else:
                info.org, info.sector = seat["name"] or cref, seat["sector"] or info.sector
            if person and info.role == "leader" and seat["leader_role"]:
                info.role = seat["leader_role"]
        elif ctype in ("org", "group"):
            info.org, info.org_country = cref, ccountry
            info.country = info.country or ccountry
            if csector:
                info.sector = csector
            if row["org_role"]:
                info.role = row["org_role"]
            if crole and person and info.role == "leader" and crole == "junta":
                info.role = "head of state"
            if not ccountry and crole:
                info.coll_role = crole
        elif ctype == "local":
            info.local = True

    def _unread_complement(self, info: _RoleInfo, u: int) -> None:
        """A complement we cannot read ("du conseil départemental des Landes", "du Conseil de sécurité
        nationale de la Maison Blanche"): the phrase runs to the end of the noun phrase; it names an
        office of its own (never a head of state); a country or seat inside still gives the country."""
        v = u
        while v < self.n and v - u < 12 and self.texts[v] not in (",", ".", ";", ":", "(", ")", "«", "»") \
                and self.pos[v] not in ("VERB", "AUX", "CCONJ", "PRON", "SCONJ") \
                and not any(c.type == "person" for c in self.cands_at.get(v, [])):
            v += 1
        if v == u:
            return
        info.opaque = True
        info.end = v
        info.role = info.row["org_role"] or info.role
        for x in range(u, v):  # "l'avocat de l'assassin du préfet de Corse": the last role inside
            m = self.match_role(x, set()) if self.keys[x] in self.res.role_first else None
            if m is not None and m[1]["kind"] == "person":
                info.inner = x
        for x in range(u, v):
            for c in self.cands_at.get(x, []) + self.gaz_at.get(x, []):
                if c.entry is None or info.country:
                    continue
                if c.type in ("country", "capital"):
                    info.country = c.entry.ref
                elif c.type == "seat":
                    info.country = self.res.seats[c.entry.ref]["country"]
                elif c.type == "org":
                    info.country = self.res.orgs[c.entry.ref]["country"] or None

    def _complement(self, u: int):
        """What a "de …" complement starting at token u names: (end, type, ref, sector, country, role)."""
        if u >= self.n:
            return None
        # a gazetteer item starting here
        for c in self.cands_at.get(u, []) + self.gaz_at.get(u, []):
            if c.type in ("country", "capital") and c.entry:
                return c.j, c.type, c.entry.ref, "GOV", c.entry.ref, None
            if c.type == "seat" and c.entry:
                return c.j, "seat", c.entry.ref, None, self.res.seats[c.entry.ref]["country"], None
            if c.type == "org" and c.entry:
                o = self.res.orgs[c.entry.ref]
                return c.j, "org", o["name"], o["sector"], o["country"], None
            if c.type == "person":
                # "ministre de François Hollande": the person's country, if the table knows it
                p = self.res.persons.get(c.entry.ref) if c.entry else None
                return c.j, "person", None, None, (p["country"] or None) if p else None, None
            if c.type == "orgent":
                sector, country = self.st.guess_org(c.i, c.j)
                return c.j, "org", self.st.span_text(c.i, c.j), sector, country, None
        # a collective noun ("la junte malienne", "l'armée", "la diplomatie russe")
        m = self.match_role(u, set())
        if m is not None:
            end, row, dems = m
            if row["kind"] in ("organisation", "group", "state"):
                t = end
                country = dems[0] if dems else None
                while t < self.n and t in self.demonym:
                    country = country or self.demonym[t]
                    t += 1
                if row["kind"] == "state":
                    return t, "country", None, "GOV", country, row["role"]
                return t, "group", row["pattern"], row["sector"], country, row["role"]
        # a locality: "de la région de Koursk", "de l'oblast de Donetsk"
        if self.keys[u] in self.words.locality_noun:
            t = u + 1
            if t < self.n and self.keys[t] in self.words.de:
                t += 1
                while t < self.n and self.keys[t] in self.words.article:
                    t += 1
                s = t
                while t < self.n and self.texts[t][:1].isupper() or (t > s and self.texts[t] == "-"):
                    t += 1
                if t > s:
                    return t, "local", None, "GOV", None, None
            return None
        return None
