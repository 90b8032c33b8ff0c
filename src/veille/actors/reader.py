"""One document's pass: candidates, role phrases, resolution into actors, then the output layers."""

from __future__ import annotations

from bisect import bisect_left

from ..models import Actor, ActorMention, stable_id
from .acting import PlaceActing
from .candidates import Candidates
from .filler import RoleFiller
from .persons import Persons
from .roles import RoleReader
from .state import DocState, Rules, _Cand, _Cluster, _RoleInfo
from .tables import _name_key


class DocReader(Rules):
    """One document's pass: candidates, role phrases, resolution into actors, then the output layers."""

    def __init__(self, st: DocState):
        super().__init__(st)
        self.cands = Candidates(st)
        self.roles = RoleReader(st)
        self.acting = PlaceActing(st)
        self.filler = RoleFiller(st)
        self.persons = Persons(st, self.roles, self.filler)

    def run(self) -> None:
        gaz = self.cands.gazetteer()
        cands = self.cands.merge_entities(gaz)
        for c in cands:
            self.cands_at.setdefault(c.i, []).append(c)
            self.cands_at_end.setdefault(c.j, []).append(c)
        roles = self.roles.role_phrases(cands)
        self._resolve(cands, roles)
        self._emit()

    def _resolve(self, cands: list[_Cand], roles: list[tuple[_Cand, _RoleInfo]]) -> None:
        res = self.res
        role_at_start = {rc.i: (rc, info) for rc, info in roles}
        role_at_end = {rc.j: (rc, info) for rc, info in roles}
        linked_roles: set[int] = set()
        in_role: set[int] = set()
        for rc, _info in roles:
            in_role.update(range(rc.i, rc.j))

        # places and organisations inside role complements are still mentions of their own
        todo: list[_Cand] = []
        for c in cands:
            if c.entry is None and (c.i in in_role or c.type == "orgent" and (c.j - 1) in in_role):
                # spaCy's ORG/PER inside a role phrase ("ministre de l'Intérieur"): keep what it hid
                todo.extend(g for g in c.displaced if g.type != "region")
                continue
            todo.append(c)
        todo.sort(key=lambda c: c.i)
        # collectives first ("la Cour constitutionnelle sud-coréenne"): person roles may borrow their country
        for rc, info in roles:
            if info.kind != "person":
                self.filler.unnamed_role(rc, info)
        for c in todo:
            text_start, text_end = self.st.chars(c.i, c.j)
            if c.type == "demonym":
                tok = self.toks[c.i]
                if c.known.ref in res.countries and tok.text[:1].isupper() and c.i > 0 \
                        and self.keys[c.i - 1] in ("les", "des", "aux") \
                        and tok.text.lower().endswith(("s", "x")):
                    self.st.mention(text_start, text_end, self.st.state_key(c.known.ref), "demonym")
                continue
            if c.type in ("country", "capital", "seat"):
                if not self.acting.acting(c):
                    continue
                if c.type == "seat":
                    seat = res.seats[c.known.ref]
                    key = self.st.state_key(seat["country"]) if seat["kind"] == "state" else self.st.org_key(
                        seat["name"] or seat["term"])
                    self.st.mention(text_start, text_end, key, "metonymy")
                elif c.type == "capital":
                    self.st.mention(text_start, text_end, self.st.state_key(c.known.ref), "metonymy")
                else:
                    self.st.mention(text_start, text_end, self.st.state_key(c.known.ref),
                                  "name" if c.known.canonical else "alias")
                continue
            if c.type == "org":
                key = self.st.org_key(c.known.ref)
                self.clusters[key].aliases.append(self.st.span_text(c.i, c.j))
                self.st.mention(text_start, text_end, key, "name" if c.known.canonical else "alias")
                continue
            media = self.persons.media_before(c.i, role_at_end) if c.entry is None else None
            if c.type == "orgent" and media is None and self.persons.is_person_name(c):
                c.type = "person"  # "l'administration Obama": spaCy's ORG is a person's name
            if c.type == "person" and media is None:
                self.persons.person(c, role_at_start, role_at_end, linked_roles)
                continue
            if c.type == "orgent" or media is not None:
                text = self.st.span_text(c.i, c.j)
                if len(text) < 2:
                    continue
                key = "orgent:" + _name_key(text)
                if key not in self.clusters:
                    sector, country = self.st.guess_org(c.i, c.j)
                    self.clusters[key] = _Cluster("organisation", text, country, sector)
                if media is not None:
                    cl = self.clusters[key]
                    cl.sector = "MED"
                    cl.country = cl.country or media.country
                self.st.mention(text_start, text_end, key, "name")
                continue

        # role descriptions not joined to a name
        self.filler.read_predicates()
        for rc, info in roles:
            if rc.i in linked_roles or info.kind != "person":
                continue
            self.filler.unnamed_role(rc, info)
        # surnames spaCy missed or mislabelled ("Kim" → LOC)
        self._surname_sweep()

    def _surname_sweep(self) -> None:
        covered = sorted((s, e) for s, e, _k, _h in self.mentions)
        starts = [s for s, _e in covered]
        surnames: dict[str, str] = {}
        for k, cl in self.clusters.items():
            if cl.kind == "person" and len(cl.tokens) > 1:
                for t in (cl.tokens[0], cl.tokens[-1]):
                    if len(t) >= 3:
                        surnames.setdefault(t, k)
        if not surnames:
            return
        for i in range(self.n):
            if self.keys[i] not in surnames or not self.texts[i][:1].isupper():
                continue
            tok = self.toks[i]
            if i + 1 < self.n and self.texts[i + 1][:1].isupper() and self.pos[i + 1] == "PROPN":
                continue
            s, e = tok.idx, tok.idx + len(tok.text)
            p = bisect_left(starts, e)
            if p > 0 and covered[p - 1][1] > s:
                continue
            if p < len(covered) and covered[p][0] < e:
                continue
            self.st.mention(s, e, surnames[self.keys[i]], "surname")

    def _emit(self) -> None:
        doc = self.doc
        ids: dict[str, str] = {}
        actors: dict[str, Actor] = {}
        seen: set[tuple[int, int]] = set()
        out: list[ActorMention] = []
        for s, e, k, how in sorted(self.mentions, key=lambda m: (m[0], -m[1])):
            if (s, e) in seen:
                continue
            seen.add((s, e))
            cl = self.clusters[k]
            if k not in ids:
                canon = cl.name
                aid = stable_id("act", cl.kind, cl.country, _name_key(canon))
                ids[k] = aid
                if aid not in actors:
                    actors[aid] = Actor(aid, canon, [], cl.kind, cl.country, cl.sector, cl.role, cl.wikidata, 0)
            a = actors[ids[k]]
            text = doc.text[s:e]
            a.n_mentions += 1
            if text != a.name and text not in a.aliases and how in ("name", "alias", "surname", "metonymy"):
                a.aliases.append(text)
            out.append(ActorMention(s, e, text, ids[k], how))
        doc.actors = actors
        doc.actor_mentions = out
