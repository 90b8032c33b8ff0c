"""One owner of dates: the article's own date and the date of each event, the same at ingest and in
the merge.

The article date (`Document.published`), in order of trust, and its `method`:
1. `metadata`: the page's or feed's date, or the `dct` a caller passes (`metadata_date`);
2. `metadata` too for a dateline the cleaner finds in a plain-text page ("22 mai 2012. -",
   `dateline_date`), since the page states it as its own date;
3. `text`: inferred by the timex stage from the first lines (`TimexTagger._infer_published`);
4. `cross-document`: another article that reports the same events (`veille.merge.dating`), applied
   with `redate`.

An event's date (`attach_date`) comes from the parse at ingest: the timex whose head chain reaches its
trigger, else one of its sentence whose time agrees with its tense, else the day the paragraph's
narrative is at, else the reporting article's week (`basis: "reported"`). What the parse says about a
trigger (its tense, the timexes attached to it) is kept on the document (`Document.date_links`), so that
`redate` — an undated article dated later from other articles — picks the same expressions without
parsing again: the merge dates events the way ingest does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from .dates import normalise_iso_date, precision_of_iso
from .models import DateLink, DateValue, Document, Published, Timex, fold


def metadata_date(value: str | None) -> Published:
    """The article date a page, a feed or a caller states ('2023-09-19T10:00' -> day 2023-09-19)."""
    iso = normalise_iso_date(value)
    return Published(iso, precision_of_iso(iso), "metadata") if iso else Published()


def dateline_date(day: str) -> Published:
    """The article date of a plain-text page's dateline ("22 mai 2012. - …"): the page's own date."""
    return Published(day, "day", "metadata")


def anchor_of(published: Published) -> str | None:
    """The day relative expressions resolve against: the article's day (or week), the first of its
    month; None for a year or no date."""
    if published.precision in ("day", "week"):
        return published.value
    return published.value + "-01" if published.precision == "month" and published.value else None


def redate(doc: Document, published: Published, tagger) -> Document:
    """Give `doc` a date found later (the merge's cross-document dating): its relative expressions are
    resolved again against it and its mentions' dates rebuilt from the links the parse left
    (`Document.date_links`), as at ingest. `tagger` is the `TimexTagger` to re-resolve with."""
    doc.published = published
    anchor = anchor_of(published)
    if not anchor:
        return doc
    tagger.tag(doc, anchor=anchor)
    for m in doc.mentions:
        start, end = (m.trigger_start, m.trigger_end) if m.trigger_start >= 0 else (m.char_start, m.char_end)
        m.date = tagger.event_date(doc, start, end)
    return doc


_CLAUSE_BREAK = re.compile(
    r"[;:()«»\n]|\b(?:mais|alors que|tandis que|car|puis|lorsque|quand|après que|avant que|bien que|si bien que)\b"
    r"|,\s{0,3}(?:qui|que|dont|où|et|selon|a-t-il|a-t-elle)\b")


#: a temporal clause opening just after a date: its events are at that date ("le 26 septembre dernier
#: lorsque 59 % craignaient …", "le 11 septembre, quand les tours sont tombées")
_WHEN_CLAUSE = re.compile(r"\s{0,3},?\s{0,3}(?:lorsqu'|lorsqu’|lorsque\b|quand\b|au moment où\b)", re.IGNORECASE)


def timex_date(t: Timex) -> DateValue | None:
    """The event date a timex gives (None for durations, sets and unresolved values)."""
    if t.type not in ("DATE", "TIME") or not t.date:
        return None
    return DateValue(value=t.date, precision=t.precision or precision_of_iso(t.date), end=t.end_date)


def attach_date(doc: Document, start: int, end: int, *,
                continuations: frozenset[str] = frozenset(), own_times: frozenset[str] = frozenset()
                ) -> DateValue | None:
    """The date of an event whose trigger is `doc.text[start:end]`.

    1. A timex whose dependency head chain reaches the trigger (same clause), the closest in the chain
       (through a noun only when it agrees with the trigger's tense); the parse is read through the
       trigger's `DateLink`, recorded on the document the first time (see `date_link`);
    2. else the nearest timex of the same sentence with no clause boundary between it and the trigger
       and whose time agrees with the trigger's tense (a past verb is not dated by a coming day, nor a
       future one by a past day); a temporal clause opening just after a date ("le 26 septembre
       lorsque …", "mardi, quand …") is no boundary: its events are at that date;
    3. else the date the paragraph's narrative is at: the last day-precise timex of the one or two
       sentences before it in the same paragraph, when it is a day of the article's week ("Hier,
       l'armée a frappé Kiev. Les frappes ont visé …", "ont-ils souligné" after the dated sentence);
       a clause that says it continues the narrative (one of `continuations` before its trigger: "puis",
       "ensuite", from the timex lexicon; the timex stage binds them, `TimexTagger.event_date`) takes
       that date however old it is ("Le 3 mars 1999, X a été arrêté. Il a ensuite été inculpé"); a
       sentence with one of `own_times` ("récemment", "autrefois": it places itself in time, vaguely)
       takes none;
    4. else the article date, marked as a fallback by a coarser precision: a day-precise publication
       date becomes `DateValue(value=<published day>, precision="week")` (the event is reported that
       week, on or before that day); month/year-precise publication dates keep their precision;
       its `basis` is "reported" (the text gives no date), where 1–2 give "text" and 3 "context";
    5. None when the article has no date.
    Durations and sets never become event dates.
    """
    usable = [t for t in doc.timexes if timex_date(t) is not None]
    s_lo, s_hi = _sentence_bounds(doc, start)
    in_sent = [t for t in usable if t.start >= s_lo and t.end <= s_hi and not (t.start < end and start < t.end)]
    link = date_link(doc, start, end, (s_lo, s_hi))
    tense = link.tense if link is not None else None
    pub_day = _iso_day(doc.published.value if doc.published else None)
    if in_sent and link is not None:
        found = _attached(link, in_sent, lambda t: _tense_agrees(tense, t, pub_day))
        if found is not None:
            return _based(timex_date(found), "text")
    best: tuple[int, Timex] | None = None
    for t in in_sent:
        lo, hi = (t.end, start) if t.end <= start else (end, t.start)
        gap = doc.text[lo:hi]
        if t.end <= start and (when := _WHEN_CLAUSE.match(gap)):
            gap = gap[when.end():]  # "celle du 26 septembre lorsque 59 % craignaient": that day's clause
        if _CLAUSE_BREAK.search(gap):
            continue
        if not _tense_agrees(tense, t, pub_day):
            continue  # "a annoncé qu'il se rendra à Moscou le 20": a past act is not dated by a coming day
        dist = hi - lo
        if best is None or dist < best[0]:
            best = (dist, t)
    if best is not None:
        return _based(timex_date(best[1]), "text")
    continued = _holds_phrase(doc.text[s_lo:end], continuations)
    # "… ont eu lieu récemment": a sentence that places itself in time, however vaguely, does not
    # continue the narrative of the one before
    own_time = not continued and _holds_phrase(doc.text[s_lo:s_hi], own_times)
    carried = None if own_time else _paragraph_date(doc, usable, s_lo, continued=continued)
    if carried is not None:
        return _based(carried, "context")
    pub = doc.published
    if not pub or not pub.value:
        return None
    precision = pub.precision or precision_of_iso(pub.value)
    return DateValue(value=pub.value, precision="week" if precision == "day" else precision, end=None,
                     basis="reported")


def _based(dv: DateValue | None, basis: str) -> DateValue | None:
    return None if dv is None else replace(dv, basis=basis)


#: how many sentences back a paragraph's date carries over to an undated event
CARRY_SENTENCES = 2


def _holds_phrase(text: str, phrases: frozenset[str]) -> bool:
    """Whether `text` holds one of the lexicon's `phrases` as whole words (a continuation word of the
    clause, "puis"; a vague time of the sentence, "récemment")."""
    if not phrases:
        return False
    words = fold(text).replace("'", "' ").split()
    padded = " " + " ".join(w.strip(",;:") for w in words) + " "
    return any(f" {c} " in padded for c in phrases)


def _paragraph_date(doc: Document, usable: list[Timex], sent_start: int, *,
                    continued: bool = False) -> DateValue | None:
    """The last day-precise date of the previous sentences of the same paragraph (none across a line
    break), if one of the `CARRY_SENTENCES` sentences just before holds one; a date of the news cycle
    only, unless the clause says it `continued` the narrative."""
    before = [s for s in doc.sentences if s.end <= sent_start]
    for s in reversed(before[-CARRY_SENTENCES:]):
        if "\n" in doc.text[s.end:sent_start]:
            return None  # another paragraph
        dated = [t for t in usable if s.start <= t.start < s.end]
        if dated:
            # the nearest dated sentence decides: "Depuis 2000, le pays a changé." stops "mardi" before it
            if dated[-1].precision != "day" or dated[-1].type not in ("DATE", "TIME"):
                return None
            dv = timex_date(dated[-1])
            # only the news cycle's own days carry over: a background date ("où Merah a tué le 19 mars
            # dernier") or a coming one ("auront lieu du 27 juillet …") frames its own clause only
            return dv if dv is not None and (continued or _recent(dv, doc)) else None
    return None


#: days before the article date within which a narrative date carries to the next sentences
CARRY_DAYS = 7


def _recent(dv: DateValue, doc: Document) -> bool:
    pub, day = _iso_day(doc.published.value if doc.published else None), _iso_day(dv.value)
    return pub is not None and day is not None and 0 <= (pub - day).days <= CARRY_DAYS


def _fallback_sentence(text: str, offset: int) -> tuple[int, int]:
    lo = max(text.rfind(".", 0, offset), text.rfind("\n", 0, offset)) + 1
    hi_candidates = [i for i in (text.find(".", offset), text.find("\n", offset)) if i >= 0]
    return lo, (min(hi_candidates) + 1 if hi_candidates else len(text))


def _iso_day(value: str | None) -> date | None:
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _trigger_tense(sdoc, start: int, end: int) -> str | None:
    """"past" or "future" for the verb of the trigger's clause (the trigger itself, or the verb a
    nominal trigger depends on), from the parse's morphology; None when it says nothing."""
    trig = sdoc.char_span(start, end, alignment_mode="expand")
    if trig is None or len(trig) == 0:
        return None
    verb = trig.root
    if verb.pos_ not in ("VERB", "AUX") and verb.head.pos_ in ("VERB", "AUX"):
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    forms = [verb, *(c for c in verb.children if c.dep_ in ("aux:tense", "aux:pass"))]
    tenses = {t for f in forms for t in f.morph.get("Tense")}
    if "Fut" in tenses:
        return "future"
    if any(c.dep_ == "aux:tense" for c in verb.children) or tenses & {"Past", "Imp"} and "Part" not in \
            verb.morph.get("VerbForm"):
        return "past"
    return None


def _tense_agrees(tense: str | None, t: Timex, pub: date | None) -> bool:
    day = _iso_day(t.date)
    if tense is None or pub is None or day is None or t.precision != "day":
        return True
    return not (tense == "past" and day > pub or tense == "future" and day < pub)


def date_link(doc: Document, start: int, end: int, sentence: tuple[int, int] | None = None) -> DateLink | None:
    """What the parse says about dating the trigger `doc.text[start:end]`: the tense of its clause and
    the date/time expressions of its sentence whose head chain reaches it, with their depth (resolved or
    not: an undated article's "mercredi" resolves only once the article is dated). Computed from the
    parse once and recorded in `doc.date_links`; without a parse, the recorded link or None."""
    recorded = _recorded_link(doc, start, end)
    if recorded is not None:
        return recorded
    sdoc = getattr(doc, "spacy_doc", None)
    if sdoc is None:
        return None
    s_lo, s_hi = sentence or _sentence_bounds(doc, start)
    timexes = [t for t in doc.timexes if t.type in ("DATE", "TIME") and t.start >= s_lo and t.end <= s_hi
               and not (t.start < end and start < t.end)]
    # the trigger's tense is read only when a timex of its sentence could date it
    link = DateLink(start, end, _trigger_tense(sdoc, start, end) if timexes else None,
                    [[t.start, t.end, depth] for t, depth in _chain_depths(sdoc, start, end, timexes)])
    doc.date_links.append(link)
    return link


def _recorded_link(doc: Document, start: int, end: int) -> DateLink | None:
    return next((k for k in doc.date_links if k.start == start and k.end == end), None)


def _sentence_bounds(doc: Document, offset: int) -> tuple[int, int]:
    sent = doc.sentence_at(offset)
    return (sent.start, sent.end) if sent else _fallback_sentence(doc.text, offset)


def _attached(link: DateLink, timexes: list[Timex], agrees: Callable[[Timex], bool]) -> Timex | None:
    """Of `timexes`, the one whose head chain reaches the trigger, closest first; one reached through a
    noun (depth 2 or more: "a quitté Moscou pour le sommet de dimanche prochain") must agree with the
    trigger's tense."""
    depth_of = {(s, e): d for s, e, d in link.attached}
    best: tuple[int, Timex] | None = None
    for t in timexes:
        depth = depth_of.get((t.start, t.end))
        if depth is None or (depth > 1 and not agrees(t)):
            continue
        if best is None or depth < best[0]:
            best = (depth, t)
    return best[1] if best else None


def _chain_depths(sdoc, start: int, end: int, timexes: list[Timex]) -> list[tuple[Timex, int]]:
    """The timexes whose dependency head chain reaches the trigger, with the chain's length."""
    trig = sdoc.char_span(start, end, alignment_mode="expand")
    if trig is None or len(trig) == 0:
        return []
    trig_tok = trig.root
    out: list[tuple[Timex, int]] = []
    for t in timexes:
        span = sdoc.char_span(t.start, t.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        tok = span.root
        depth = 0
        while depth < 10:
            if tok.i == trig_tok.i:
                break
            if tok.head is tok:
                depth = -1
                break
            tok = tok.head
            depth += 1
        if 0 < depth < 10 and tok.i == trig_tok.i:
            out.append((t, depth))
    return out
