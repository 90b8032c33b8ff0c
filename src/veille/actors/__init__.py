"""The `actors` stage: every person, organisation, state and armed group mention → a canonical actor.

How a document is read (all tables load once, in the constructor):

1. Gazetteer pass over the spaCy tokens: at each token the longest run of tokens whose accent-, case-,
   hyphen- and space-free form is a known country name, capital, seat of power, organisation, well-known
   person or demonym (one dict lookup per token and length, pruned by a prefix set; this corrects spaCy's
   NER slips such as TASS/KCNA → MISC or "Washington" → PER).
2. spaCy PER/ORG entities not covered by the gazetteer become person / organisation candidates.
3. Role phrases ("porte-parole du Kremlin", "le ministre sud-coréen des Affaires étrangères", "le chef de
   la junte malienne", "l'armée russe") from `roles.tsv`: the role noun, demonyms inside or after it, and a
   "de …" complement naming a country, capital, seat, organisation or collective noun give role, country
   and sector.
4. Appositions join a name and a role phrase ("Dmitri Peskov, porte-parole du Kremlin", "le président
   russe Vladimir Poutine"); names cluster within the document (same name, surname alone, accent/hyphen
   variants, rapidfuzz for transliterations), then against the table of well-known actors.
5. Role descriptions with no name beside them ("le dirigeant nord-coréen") join the document's own
   actor with that role and country first, then the table's holder of the role at the document's date.
6. Capitals and seats of power that act (subject, passive agent, possessor of an actor noun, "avec/contre
   X") are the country's government (how="metonymy"); as places ("à Moscou") they are no mention.
   Country names stand for the state unless they are places ("en Russie", "de Russie", "le nord de la
   Russie").

7. Roles used as predicates ("X a été élu président de l'Égypte", "X, qui fut Premier ministre") name no
   one but give X the role. A national office with no country said ("le ministre", "le député") takes
   the article's dominant country (more than half of the country-bearing mentions so far); an office
   defined by a complement the tables do not know ("le président du conseil du CERN") does not.
8. Well-known persons keep the table's role only when the article's date (`doc.published`) falls in
   its validity; otherwise the article's own apposition gives the role.

Actor ids are `stable_id("act", kind, country, folded canonical name)`: the same actor in two articles
gets the same id (as long as both give it the same country). Data: countries.tsv (all UN member
states, French names, demonyms, capitals), demonyms_extra.tsv, seats.tsv, regions.tsv, roles.tsv,
organisations.tsv, known_actors.tsv, org_keywords.tsv and actor_words.tsv (the function words,
nouns and verbs the reading rules test) under veille/data/fr/.
"""

from .resolver import ActorResolver, actor_at

__all__ = ["ActorResolver", "actor_at"]
