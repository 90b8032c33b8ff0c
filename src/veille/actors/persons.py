"""Person names: one actor per person within the document (same name, surname alone, initials,
spelling variants, the table of well-known persons), and the role phrases in apposition."""

from __future__ import annotations

from rapidfuzz import fuzz

from .filler import RoleFiller
from .roles import RoleReader
from .state import DocState, Rules, _Cand, _Cluster, _RoleInfo
from .tables import _name_key


class Persons(Rules):
    """Person names: one actor per person within the document (same name, surname alone, initials,"""

    def __init__(self, st: DocState, roles: RoleReader, filler: RoleFiller):
        super().__init__(st)
        self.roles, self.filler = roles, filler

    def is_person_name(self, c: _Cand) -> bool:
        """An ORG span that is a person's name: a surname of a person already named, or a known name."""
        nk = _name_key(self.st.span_text(c.i, c.j))
        if nk in self.res.person_keys:
            return True
        return any(cl.kind == "person" and len(cl.tokens) > 1 and nk in (cl.tokens[-1], " ".join(cl.tokens))
                   for cl in self.clusters.values())

    def person(self, c: _Cand, role_at_start, role_at_end, linked_roles: set[int]) -> None:
        """A person name: join it to the person it names in the document (or a new one), then give it
        the role phrases in apposition ("le président russe Vladimir Poutine", "Peskov, porte-parole")."""
        text = self.st.span_text(c.i, c.j)
        nk = _name_key(text)
        if not nk or not any(ch.isalpha() for ch in nk):
            return
        if c.entry is not None and c.entry.type == "person":
            key = self.st.known_key(c.entry.ref)
            how = "name" if c.entry.canonical else "alias"
        else:
            key, how = self._same_person(nk, text)
        cl = self.clusters[key]
        cl.name_keys.add(nk)
        if text not in cl.aliases:
            cl.aliases.append(text)
        s, e = self.st.chars(c.i, c.j)
        self.st.mention(s, e, key, how)
        for hit in self._roles_beside(c, cl, key, role_at_start, role_at_end):
            if hit is None:
                continue
            rc, info = hit
            if info.kind == "person" and rc.i not in linked_roles:
                linked_roles.add(rc.i)
                rs, re_ = self.st.chars(rc.i, rc.j)
                self.filler.apply_role(cl, info, min(rs, s))
                self.st.mention(rs, re_, key, "role")
        if not cl.country and not cl.known:
            cl.country = self._nationality_near(c)

    def _same_person(self, nk: str, text: str) -> tuple[str, str]:
        """(cluster key, how) of a name not in the table as written: the same name or a variant
        already in the document, a lone surname, an initial, a table alias or a close spelling;
        else a new person (who takes over the earlier lone surnames of that name)."""
        toks = nk.split()
        found = self._named_before(nk, toks)
        if found is None and len(toks) == 1:
            found = self._surname_of(nk, toks[0])
        if found is None and len(toks) > 1 and len(toks[0]) == 1:
            # an initial: "E. Macron"
            for k, cl in self.clusters.items():
                if cl.kind == "person" and len(cl.tokens) > 1 and cl.tokens[-1] == toks[-1] \
                        and cl.tokens[0][:1] == toks[0]:
                    found = k, "alias"
                    break
        if found is None and len(toks) > 1:
            found = self._variant_of(nk)
        if found is not None:
            return found
        key = "per:" + nk
        self.clusters[key] = _Cluster("person", text, name_keys={nk}, tokens=toks)
        # an earlier lone surname now gets its full name
        for k, cl in list(self.clusters.items()):
            if k != key and cl.kind == "person" and len(cl.tokens) == 1 and cl.tokens[0] in toks \
                    and not cl.known:
                self.st.merge_cluster(k, key)
        return key, "name"

    def _named_before(self, nk: str, toks: list[str]) -> tuple[str, str] | None:
        """The same name (or one of its keys) already in the document."""
        for k, cl in self.clusters.items():
            if cl.kind != "person" or not cl.tokens:
                continue
            if nk in cl.name_keys:
                return k, ("surname" if len(toks) == 1 and len(cl.tokens) > 1 else "name")
        return None

    def _surname_of(self, nk: str, word: str) -> tuple[str, str] | None:
        """A lone name: a full name of the document containing it (the surname or first name, the
        latest first), else the one well-known person whose short name it is."""
        best = None
        for k, cl in self.clusters.items():
            if cl.kind != "person" or len(cl.tokens) < 2:
                continue
            if word in cl.tokens:
                score = (cl.tokens[-1] == word or cl.tokens[0] == word, cl.last)
                if best is None or score > best[0]:
                    best = (score, k)
        if best is not None:
            return best[1], "surname"
        short = self.res.short_keys
        if nk in short and len(set(short[nk])) == 1:
            return self.st.known_key(short[nk][0]), "surname"
        return None

    def _variant_of(self, nk: str) -> tuple[str, str] | None:
        """A full name that is a table alias, or a close spelling of a name in the document or in the
        table ("Kim Jong Un" / "Kim Jong-un", transliterations)."""
        if nk in self.res.person_keys:
            return self.st.known_key(self.res.person_keys[nk]), "alias"
        for k, cl in self.clusters.items():
            if cl.kind == "person" and len(cl.tokens) > 1 and any(
                    fuzz.ratio(nk, x) >= 86 for x in cl.name_keys if " " in x):
                return k, "alias"
        hit = self.res.fuzzy_person(nk)
        return (self.st.known_key(hit), "alias") if hit else None

    def _roles_beside(self, c: _Cand, cl: _Cluster, key: str, role_at_start, role_at_end) -> tuple:
        """(the role phrase just before the name, the one just after its comma), either None."""
        p = c.i - 1
        if p >= 0 and self.texts[p] == ",":
            p -= 1
        linked = role_at_end.get(p + 1)
        if linked is not None and p + 1 == c.i and linked[1].inner is not None:
            # "l'avocat de l'assassin du préfet de Corse Claude Érignac": Érignac is the prefect
            self._inner_role(cl, key, linked[1].inner)
            linked = None
        if linked is None and c.i > 0 and self.texts[c.i - 1] == ",":
            # "l'ambassadeur de France en Afghanistan, Bernard Bajolet": skip a short place tail
            q = p
            while q >= 0 and q > c.i - 6 and (self.texts[q][:1].isupper() or self.keys[q] in self.words.article):
                q -= 1
            if q >= 0 and q < p and self.keys[q] in ("en", "a", "au", "aux"):
                linked = role_at_end.get(q)
        after = None
        q = c.j
        if q < self.n and self.texts[q] == ",":
            q += 1
            while q < self.n and (self.keys[q] in self.words.article or self.keys[q] in self.words.skip_modifier
                                  or self.keys[q] in self.words.former or self.pos[q] == "ADJ"
                                  and q + 1 < self.n and self.keys[q + 1] in self.res.role_first):
                q += 1
            after = role_at_start.get(q)
        return linked, after

    def _inner_role(self, cl: _Cluster, key: str, i: int) -> None:
        """Give a name the role said just before it inside another role's complement (token i)."""
        m = self.roles.match_role(i, set())
        if m is None:
            return
        info = self.roles.role_info(i, *m)
        if info is None or info.kind != "person":
            return
        rs, re_ = self.st.chars(i, info.end)
        self.filler.apply_role(cl, info, rs)
        self.st.mention(rs, re_, key, "role")

    def _nationality_near(self, c: _Cand) -> str | None:
        """A nationality said of a name by a plain noun beside it: "l'ex-espion russe Alexandre Litvinenko",
        "X, un physicien britannique"."""
        b = c.i - 1
        if b >= 1 and b in self.demonym and self.pos[b - 1] == "NOUN":
            return self.demonym[b]
        q = c.j
        if q + 2 < self.n and self.texts[q] == "," and self.keys[q + 1] in ("un", "une", "le", "la", "l"):
            if self.pos[q + 2] == "NOUN" and q + 3 < self.n and (q + 3) in self.demonym:
                return self.demonym[q + 3]
        return None

    def media_before(self, i: int, role_at_end) -> _RoleInfo | None:
        """The media descriptor just before token i ("le quotidien libanais", "l'agence")."""
        p = i
        while p > 0 and self.keys[p - 1] in self.words.article:
            p -= 1
        hit = role_at_end.get(p) or role_at_end.get(i)
        if hit is not None and hit[1].kind == "media":
            return hit[1]
        return None
