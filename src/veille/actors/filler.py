"""What a role phrase gives an actor: its role, country and sector, completed from the document
(a possessive, a counterpart, the dominant country); roles used as predicates; role phrases
with no name beside them."""

from __future__ import annotations

from .state import Rules, _Cand, _Cluster, _RoleInfo
from .tables import HEAD_ROLES, NATIONAL_SECTORS, ROLE_FAMILY, _key, _name_key


class RoleFiller(Rules):
    """What a role phrase gives an actor: its role, country and sector, completed from the document"""

    def apply_role(self, cl: _Cluster, info: _RoleInfo, s: int) -> None:
        cl.phrases.add(info.phrase)
        self._counterpart(info, s)
        self._fill_country(info, s)
        if cl.known and cl.role:
            return
        if cl.known:  # a well-known person whose table role does not hold at this date
            cl.role = info.role
            cl.sector = info.sector or cl.sector
            return
        if not (info.country or info.org_country or info.org or cl.country) and self.national(info):
            info.country = self.st.dominant_country()
        cl.role = cl.role or info.role
        cl.country = cl.country or info.country or info.org_country
        if info.org and not cl.org:
            cl.org = info.org
        cl.sector = cl.sector or info.sector
        if cl.country in ("EU", "IGO") and cl.sector == "GOV":
            cl.sector = "IGO"

    def _fill_country(self, info: _RoleInfo, s: int) -> None:
        """Country of a role from the document: "son porte-parole" (the actor just named), "président de
        la Cour" (the court named before)."""
        if info.country:
            return
        before = sorted((m for m in self.mentions if m[0] < s), reverse=True)
        if info.possessive:
            for ms, _me, mk, how in before[:1]:
                cl = self.clusters[mk]
                info.country = cl.country
                if how == "metonymy":
                    text = self.doc.text[ms:_me]
                    seat = next((t for t in self.res.seats if _key(t) == _key(text)), None)
                    if seat and not info.org:
                        info.org = seat
            return
        if info.coll_role:
            for _ms, _me, mk, _h in before:
                cl = self.clusters[mk]
                if cl.role == info.coll_role and cl.country:
                    info.country = cl.country
                    return

    def _counterpart(self, info: _RoleInfo, s: int) -> None:
        """"son homologue ukrainien": the role of the latest role-holder named before."""
        if info.role != "counterpart":
            return
        for ms, _me, mk, _h in sorted(self.mentions, reverse=True):
            cl = self.clusters[mk]
            if ms < s and cl.kind == "person" and cl.role and cl.role != "counterpart":
                info.role, info.sector = cl.role, cl.sector or info.sector
                return

    @staticmethod
    def national(info: _RoleInfo) -> bool:
        """A national office whose country, unsaid, is the article's ("le ministre", "le député"); not an
        office defined by an unread complement ("le président du conseil du CERN")."""
        return info.sector in NATIONAL_SECTORS and not info.local and not (info.opaque and info.row.get("org_role"))

    def read_predicates(self) -> None:
        """"X a été élu président de l'Égypte", "X, qui fut premier ministre": the role is X's."""
        for i, info in self.predicates:
            tok = self.st.head_of(i, info.end or i + 1)
            subj = [c for c in tok.children if c.dep_.startswith("nsubj")]
            if not subj and tok.dep_ in ("xcomp", "obj", "obl", "obl:arg", "attr"):
                subj = [c for c in tok.head.children if c.dep_.startswith("nsubj")]
            if not subj:
                continue
            x = subj[0]
            if x.pos_ == "PRON" and x.head.dep_ == "acl:relcl":
                x = x.head.head  # "Ahmad Chafiq qui fut …"
            elif x.pos_ == "PRON":
                continue
            xs = [x] + [a for a in x.children if a.dep_ == "appos"]  # "Le Frère musulman Mohamed Morsi"
            for ms, me, mk, _h in self.mentions:
                cl = self.clusters[mk]
                if any(ms <= y.idx < me for y in xs) and cl.kind == "person":
                    if info.former:
                        cl.country = cl.country or info.country or info.org_country
                        cl.sector = cl.sector or info.sector
                    else:
                        self.apply_role(cl, info, ms)
                    break

    def unnamed_role(self, rc: _Cand, info: _RoleInfo) -> None:
        s, e = self.st.chars(rc.i, rc.j)
        if info.kind == "state":
            if info.country is None:  # _role_info gives a state role no info without its country
                raise ValueError(f"a state role without its country: {info.row.get('pattern')!r}")
            self.st.mention(s, e, self.st.state_key(info.country), "role")
            return
        if info.kind == "media":
            return
        if info.kind in ("organisation", "group"):
            if not info.country and not info.org:
                return
            label = self.res.role_label.get(info.role, info.row["pattern"])
            cname = self.res.countries.get(info.country or "", {}).get("name", info.country or "")
            name = f"{label} ({cname})" if cname else label
            key = "grp:" + _name_key(name)
            if key not in self.clusters:
                self.clusters[key] = _Cluster("group" if info.kind == "group" else "organisation", name,
                                              info.country, info.sector, info.role)
            self.st.mention(s, e, key, "role")
            return
        # a person described by a role
        if info.indefinite:
            return
        self._counterpart(info, s)
        self._fill_country(info, s)
        holder = self._holder_named_before(info, s)
        if holder is not None:
            self.st.mention(s, e, holder, "role")
            return
        self._described_person(rc, info, s, e)

    def _holder_named_before(self, info: _RoleInfo, s: int) -> str | None:
        """The document's own actor with this role (and country or organisation): the latest one
        named before the phrase first; a bare "le président" refers back, never forward."""
        country, role, org = info.country, info.role, info.org
        family = ROLE_FAMILY.get(role, (role,))
        best = None
        dominant = self.st.dominant_country()
        for k, cl in self.clusters.items():
            if cl.kind != "person" or not cl.role or cl.former:
                continue
            if info.opaque and info.phrase not in cl.phrases:
                continue  # an office of its own: only the same words name the same person
            if cl.role not in family and not (role == "leader" and cl.role in HEAD_ROLES) \
                    and not (role == "minister" and cl.role.endswith("minister")):
                continue
            if country and cl.country != country:
                continue
            if org and (not cl.org or _key(cl.org) != _key(org)):
                continue
            if not country and not org and not cl.country:
                continue
            before = [ms for ms, _me, mk, _h in self.mentions if mk == k and ms < s]
            if not before and not (country or org):
                continue  # a bare "le président" refers back, never forward
            score = (bool(before), bool(country or org) or cl.country == dominant,
                     max(before) if before else -min(ms for ms, _me, mk, _h in self.mentions if mk == k))
            if best is None or score > best[0]:
                best = (score, k)
        return best[1] if best is not None else None

    def _described_person(self, rc: _Cand, info: _RoleInfo, s: int, e: int) -> None:
        """A role phrase naming no one the document named: the table's holder of the role at the
        article's date, else a local office, else an actor made of the role (and its country)."""
        country, role, org = info.country, info.role, info.org
        if not info.former and not info.opaque and (country or org):
            row = self.res.known_for_role(role, country, org or info.seat_term, self.date)
            if row is not None:
                self.st.mention(s, e, self.st.known_key(row["name"]), "known")
                return
        if info.local and not country:
            name = " ".join(self.st.span_text(rc.i, rc.j).split())
            key = "local:" + _name_key(name)
            if key not in self.clusters:
                self.clusters[key] = _Cluster("person", name, None, info.sector, role + " (local)")
            self.st.mention(s, e, key, "role")
            return
        if not country and not org:
            country = self.st.dominant_country() if self.national(info) else None
            if not country:
                return
        cname = self.res.countries.get(country or "", {}).get("name", country or "")
        label = role + (f" of {org}" if org else "") + (f" ({cname})" if cname and not org else "")
        if info.opaque:
            label = " ".join(self.st.span_text(rc.i, rc.j).split())
        key = "role:" + ("former " if info.former else "") + label
        if key not in self.clusters:
            sector = "IGO" if country in ("EU", "IGO") and info.sector == "GOV" else info.sector
            self.clusters[key] = _Cluster("person", ("former " if info.former else "") + label, country,
                                          sector, role, org, former=info.former)
        self.clusters[key].phrases.add(info.phrase)
        self.st.mention(s, e, key, "role")
