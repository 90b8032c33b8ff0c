"""The `clean` stage: take web furniture out of plain-text pages, line by line.

Every line of the page gets a score from a small linear model,

    score(line) = bias + Σ weight(feature) · feature(line) + Σ weight(pattern hit)

and is removed when the score is above zero. The weights and the furniture lexicon live in
`data/<lang>/boilerplate.tsv` (kind `feature` rows are the model's weights, `pattern`/`vocab`
rows the lexicon), so the classifier generalises to furniture it has never seen through its
line features: length, final punctuation, share of function words, capitals and digits,
link-likeness, the line's place relative to the article body, repetition of a line or of the
title, and a trailing run of short title-like lines (teasers for other articles). The article's
body is the page's densest run of prose (groups of prose lines worth their words times their
density, bridged across boxes when both sides outweigh the lines between); a run of dated items
(comments, teasers) ends it, and its headline is the title-like line a byline or a date stamps.

Title, byline and credit lines are split off into `doc.title` / `doc.byline` / `doc.credit`
and recorded in `doc.removed_lines` with the reasons "title", "byline", "credit", so nothing
is lost. Every removed line carries a stable reason code ("pattern:share",
"feature:short-nonsentence", "repeated-title", "trailing-teasers", "social-embed", …).
The language of the kept body is identified once per document with `langid`.

A page's own date line ("Publié le 12/09/2023 à 09h41", "September 13, 2023") is furniture, but
when the document has no metadata date the first such line in the page gives `doc.published`
(method "metadata": it is the page's publication stamp, not a date read in the article text).

Text already extracted from HTML by trafilatura (`RawDocument.is_html_extract`) is only
touched by the high-precision lexicon rules, never by the feature model.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .config import Settings
from .dating import dateline_date
from .errors import ConfigError, EmptyInputError
from .models import Document, RemovedLine, fold
from .pipeline import article_id_for
from .regex_source import top_level_alternatives
from .resources import read_tsv
from .stages import CleanConfig

#: Languages `langid` may answer (ISO 639-1); override with `[stage.clean] languages = [...]`.
DEFAULT_LANGUAGES = ("fr", "en", "de", "es", "it", "pt", "nl", "ar", "ru", "uk", "pl", "ro", "tr")
#: Patterns look at most this many characters of a line (furniture lines are short).
MAX_MATCH_CHARS = 400

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_LINKLIKE = re.compile(r"https?://|www\.|\.(?:com|fr|org|net|info|ru|be|ch)(?:/|\b)|(?:^|\s)[@#]\w|\S@\S+\.\w")
_SEPARATORS = re.compile(r"\s[|•·›»/]\s|\s[|•·›»]|[|•·›»]\s")
_QUOTED = re.compile(r"«[^«»]{0,400}»")
_FINAL = frozenset(".!?…»\"”;")
#: A prose paragraph ends with a full stop, not a question mark (headlines often do) nor a bare quote.
_PROSE_END = re.compile(r"[.!…](?:\s?[»\"”)])?$")
_NAME = re.compile(r"^[A-ZÉÈÀÂÎÔ][\w'’.-]{1,25}(?: (?:[A-ZÉÈÀÂÎÔ][\w'’.-]{1,25}|de|du|van|von|da|le|la)){1,3}$")
_MONTHS = {m: i for i, m in enumerate(
    ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
     "novembre", "decembre"), 1)} | {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"), 1)}
_DATE_NUM = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_DATE_FR = re.compile(r"\b(\d{1,2})(?:er)? ([a-z]{3,9}) (\d{4})\b")
#: a date (and time) as comments and teasers carry one: "Le 11 septembre 2018 à 12:57", "02/11/2023", "il y a 3 jours"
_STAMP = re.compile(
    r"(?:\ble )?\b\d{1,2}(?:er)? (?:janv?|fevr?|feb|mars?|avr|apr|mai|may|juin|jun|juil|jul|aout|aug|sept?|oct|nov|dec)"
    r"[a-z]{0,6}\.?,? \d{4}(?:,? (?:a |at )?\d{1,2} ?[h:] ?\d{0,2})?"
    r"|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}(?: ?(?:a |-|,)? ?\d{1,2}[h:]\d{2})?"
    r"|\bil y a \d{1,3} (?:min|minutes?|heures?|h|jours?|mois|ans?)\b")
_DATE_EN = re.compile(r"\b([a-z]{3,9}) (\d{1,2}),? (\d{4})\b")
#: a footnote or glossary entry ("* trans : …", "(1) …", "[2] …"), never a headline
_FOOTNOTE = re.compile(r"^(?:\*|\(\d{1,2}\)|\[\d{1,2}\]|\d{1,2}\))\s?")
_ANY_QUOTE = re.compile(r"«[^«»]{0,400}»|\"[^\"]{0,400}\"|“[^“”]{0,400}”")
_WEEKDAY = re.compile(r"(?:le |publie le )?(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b")
_BYLINE_WORD = re.compile(r"(?:Par|By|De|Avec)\b")
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


@dataclass
class Rule:
    """One row of the furniture lexicon."""

    kind: str  # pattern | vocab | byline | credit
    reason: str
    weight: float
    precision: str  # high | low
    scope: str  # line | next | prev | rest
    on: str  # fold | text
    regex: re.Pattern[str] | None = None
    words: frozenset[str] = frozenset()
    anchored: bool = False  # the whole pattern starts with "^"
    screen: re.Pattern[str] | None = None  # a looser pattern tried first (see Lexicon.load)

    def search(self, text: str, folded: str, tokens: list[str]) -> re.Match[str] | bool | None:
        if self.kind == "vocab":
            return bool(tokens) and all(t in self.words for t in tokens)
        if self.regex is None:
            return None
        target = folded if self.on == "fold" else text
        return self.regex.search(target[:MAX_MATCH_CHARS])


def _anchored(pattern: str) -> bool:
    """True when the whole pattern is anchored at the start ("^a|b" is not: only its first branch)."""
    return pattern.startswith("^") and len(top_level_alternatives(pattern)) == 1


@dataclass
class Lexicon:
    """The parsed boilerplate data file: rules, model weights and function words."""

    rules: list[Rule] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    stopwords: frozenset[str] = frozenset()
    #: folded word beginnings of a site talking about itself, and words addressing the reader
    site_talk: tuple[str, ...] = ()
    address: frozenset[str] = frozenset()
    #: per target ("fold" | "text"): the rules anchored at the line start as one alternation, so
    #: a line that none of them matches (most body lines) costs one regex call, not one per rule
    screens: dict[str, re.Pattern[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, lang: str = "fr", filename: str = "boilerplate.tsv", *, lexicon_dir: str | None = None) -> Lexicon:
        lex = cls()
        try:
            rows = list(read_tsv(lang, filename, lexicon_dir=lexicon_dir))
        except FileNotFoundError as err:
            raise ConfigError(f"no boilerplate lexicon for language {lang!r}: {err}") from err
        for n, row in enumerate(rows, start=1):
            kind = row["kind"]
            if kind == "feature":
                lex.weights[row["reason"]] = float(row["weight"])
            elif kind == "stopwords":
                # lines are matched as folded tokens ("été" -> "ete"): fold the list the same way
                lex.stopwords = frozenset(fold(w) for w in row["pattern"].split("|"))
            elif kind == "site-talk":
                lex.site_talk = tuple(fold(w) for w in row["pattern"].split("|"))
            elif kind == "address":
                lex.address = frozenset(fold(w) for w in row["pattern"].split("|"))
            elif kind in ("pattern", "vocab", "byline", "credit"):
                rule = Rule(kind, row["reason"], float(row["weight"]), row["precision"], row["scope"],
                            row["on"])
                if kind == "vocab":
                    rule.words = frozenset(row["pattern"].split("|"))
                else:
                    try:
                        rule.regex = re.compile(row["pattern"])
                    except re.error as err:
                        raise ConfigError(f"bad regex in {filename} row {n}: {err}") from err
                lex.rules.append(rule)
            else:
                raise ConfigError(f"unknown row kind {kind!r} in {filename} row {n}")
        lex.build_screens()
        return lex

    def build_screens(self) -> None:
        """Per target, the rules anchored at the line start as one alternation (see `screens`)."""
        self.screens = {}
        for on in ("fold", "text"):
            anchored = []
            for r in self.rules:
                if r.regex is not None and r.on == on:
                    pattern = _NAMED_GROUP.sub("(?:", r.regex.pattern)
                    if _anchored(pattern):
                        r.anchored = True
                        anchored.append(pattern[1:])
                    elif pattern.startswith("\\b"):
                        # a screen may match more than its rule, never less: without the leading
                        # word boundary the engine jumps between the first letters' occurrences
                        r.screen = re.compile(pattern[2:])
            if anchored:
                self.screens[on] = re.compile("|".join(f"(?:{p})" for p in anchored))


@dataclass
class Line:
    """One non-blank line of the page and what the classifier found about it."""

    index: int
    text: str
    folded: str
    tokens: list[str]  # folded word tokens
    hits: list[Rule] = field(default_factory=list)
    role: str | None = None  # title | byline | credit
    value: str | None = None  # byline/credit value
    forced: str | None = None  # reason forced by a scoped rule or a structural decision
    contributions: dict[str, float] = field(default_factory=dict)
    removed: bool = False
    reason: str | None = None

    @property
    def n_words(self) -> int:
        return len(self.tokens)


def _shingles(tokens: list[str], n: int = 3) -> list[tuple[str, ...]]:
    return [tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))]


def _has_letters(text: str, n: int) -> bool:
    """Whether `text` holds at least `n` letters (stops counting at the n-th)."""
    for c in text:
        if c.isalpha():
            n -= 1
            if n <= 0:
                return True
    return n <= 0


class LineModel:
    """The scored part of the line classifier: each line's features, their weights from the data
    file, the keep cues and block effects around the article, and the keep/remove decision with
    its reason (configured once with the lexicon)."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.weights = lexicon.weights

    def is_prose(self, ln: Line) -> bool:
        if ln.hits or ln.role or ln.forced:
            return False
        if ln.n_words >= 20 and not ln.text.endswith("?"):
            return True
        return ln.n_words >= 10 and bool(_PROSE_END.search(ln.text) or ln.text.endswith(":")) \
            and self.function_ratio(ln) >= 0.15

    @staticmethod
    def ends_sentence(text: str) -> bool:
        return bool(text) and text[-1] in _FINAL

    def function_ratio(self, ln: Line) -> float:
        if not ln.tokens:
            return 0.0
        return sum(t in self.lexicon.stopwords for t in ln.tokens) / len(ln.tokens)

    def features(self, ln: Line, first: int, last: int, counts: dict[str, int],
                 island: bool = False) -> dict[str, float]:
        """The line's feature values (0/1 or ratios); the weights come from the data file."""
        n = ln.n_words
        words = _WORD.findall(ln.text[:2000])
        caps = [w for w in words if w[0].isupper()]
        letters = sum(map(str.isalpha, ln.text))
        digits = sum(map(str.isdigit, ln.text))
        f: dict[str, float] = {"bias": 1.0}
        f["short"] = float(n <= 3)
        f["medium_short"] = float(4 <= n <= 7)
        f["long"] = float(n >= 16)
        f["very_long"] = float(n >= 30)
        f["final_punct"] = float(self.ends_sentence(ln.text))
        ratio = self.function_ratio(ln)
        f["sentence_like"] = float(ratio >= 0.2 and n >= 3)
        f["no_function_words"] = float(n >= 1 and ratio == 0.0)
        f["title_case"] = float(len(words) >= 2 and len(caps) / len(words) > 0.6)
        f["all_caps"] = float(letters >= 3 and ln.text.upper() == ln.text)
        f["digits"] = float(digits / max(1, letters + digits) > 0.25)
        f["link_like"] = float(bool(_LINKLIKE.search(ln.text[:MAX_MATCH_CHARS])))
        f["separators"] = float(len(_SEPARATORS.findall(_QUOTED.sub("", ln.text[:MAX_MATCH_CHARS]))) >= 2)
        inside = first <= ln.index <= last and not island  # (a box set inside the article is not it)
        f["outside_body"] = float(not inside)
        f["inside_body"] = float(inside)
        # (a box set inside the article is furniture as the page head is)
        f["head_nonsentence"] = float((ln.index < first or island) and not self.ends_sentence(ln.text))
        # sentences away from the article's main block: a site blurb, a form's help text, the
        # summaries of other articles, comments (length and punctuation must not save them)
        away = first - ln.index if ln.index < first else ln.index - last
        f["prose_away"] = float(not inside and away > 2 and (n >= 8 or (n >= 4 and _PROSE_END.search(ln.text) is not None)))
        f["duplicate"] = float(counts.get(ln.folded, 0) >= 2 and n <= 12)
        return f

    def score(self, ln: Line, first: int, last: int, counts: dict[str, int], island: bool = False) -> None:
        for name, value in self.features(ln, first, last, counts, island).items():
            if value:
                ln.contributions[name] = self.weights.get(name, 0.0) * value
        for rule in ln.hits:
            key = f"hit:{rule.reason}"
            ln.contributions[key] = max(ln.contributions.get(key, 0.0), rule.weight)
        if ln.forced:
            # text the page repeats (a blurb, a caption, a pull quote) outweighs a sentence's features
            key = {"repeated-title": "repeated_title", "repeated-text": "repeated_text",
                   "pull-quote": "repeated_text", "trailing-prose": "trailing_prose"}.get(ln.forced, "scoped_rule")
            ln.contributions[f"forced:{ln.forced}"] = self.weights.get(key, 6.0)

    def keep_cues(self, lines: list[Line], first: int, last: int) -> None:
        """Article lines that the line features alone would take for furniture: the lede between
        the headline and the main block, sub-headings inside it (a short line between paragraphs,
        "Richard Ferrand") and the items of a list that a paragraph ending with ":" introduces."""
        w = self.weights.get("keep_cue", -4.0)

        def free(ln: Line) -> bool:
            return not (ln.hits or ln.forced or ln.role)

        title_at = next((ln.index for ln in lines if ln.role == "title"), None)
        if title_at is not None and title_at < first:
            for ln in lines[title_at + 1: min(first, title_at + 4)]:
                if free(ln) and ln.n_words >= 8 and _PROSE_END.search(ln.text):
                    ln.contributions["keep:lede"] = -ln.contributions.get("prose_away", 0.0) + w
                    break
        def heading(ln: Line) -> bool:
            return free(ln) and 1 <= ln.n_words <= 12 and not ln.text.endswith((".", ":")) \
                and not _SEPARATORS.search(ln.text)

        i = first + 1
        while i < last:
            j = i
            while j < last and j - i < 3 and heading(lines[j]):
                j += 1
            if j > i and self.is_prose(lines[i - 1]) and self.is_prose(lines[j]):
                for ln in lines[i:j]:
                    ln.contributions["keep:subhead"] = w
            i = max(j, i + 1)
        for ln in lines[first: last]:
            if not (self.is_prose(ln) and ln.text.endswith(":")):
                continue
            for item in lines[ln.index + 1: min(last, ln.index + 16)]:
                if self.is_prose(item) or not free(item) or item.n_words > 15:
                    break
                item.contributions["keep:list"] = w

    def trailing_teasers(self, lines: list[Line], last: int) -> None:
        """A run of ≥2 short title-like lines after the article body: teasers for other articles."""
        run: list[Line] = []
        for ln in reversed(lines):
            if ln.index <= last:
                break
            if ln.role or ln.hits or ln.forced or sum(ln.contributions.values()) > 0:
                continue  # furniture already recognised (footer links, copyright): look past it  # furniture already recognised: look past it
            # headlines may end with "!" or "?", never with a full stop
            title_like = 3 <= ln.n_words <= 25 and not ln.text.endswith((".", ";", ":", "»", '"', "”")) \
                and (ln.text[0].isupper() or ln.text[0].isdigit() or ln.text[0] in "«\"")
            if not title_like:
                break
            run.append(ln)
        if len(run) >= 2:
            for ln in run:
                ln.contributions["trailing_teasers"] = self.weights.get("trailing_teasers", 3.0)

    def neighbours(self, lines: list[Line]) -> None:
        """A line between removed lines leans towards removal (furniture comes in blocks)."""
        first_pass = [sum(ln.contributions.values()) > 0 for ln in lines]
        w = self.weights.get("neighbours", 1.5)
        for i, ln in enumerate(lines):
            if ln.role:
                continue
            around = [first_pass[j] for j in (i - 1, i + 1) if 0 <= j < len(lines)]
            if around:
                share = sum(around) / 2
                if share:
                    ln.contributions["neighbours"] = w * share

    @staticmethod
    def _decide_roles(ln: Line) -> bool:
        if ln.role in ("title", "byline", "credit"):
            ln.removed, ln.reason = True, ln.role
            return True
        return False

    def decide_from_rules(self, ln: Line) -> None:
        """HTML extracts: high-precision lexicon rules and structural decisions only."""
        if self._decide_roles(ln):
            return
        if ln.forced:
            ln.removed, ln.reason = True, ln.forced
        elif ln.hits:
            ln.removed, ln.reason = True, max(ln.hits, key=lambda r: r.weight).reason

    def decide(self, ln: Line) -> None:
        if self._decide_roles(ln):
            return
        score = sum(ln.contributions.values())
        if score <= 0:
            return
        ln.removed = True
        if ln.forced:
            ln.reason = ln.forced
        elif ln.hits:
            ln.reason = max(ln.hits, key=lambda r: r.weight).reason
        elif "trailing_teasers" in ln.contributions:
            ln.reason = "trailing-teasers"
        elif "after_end_marker" in ln.contributions:
            # under a "related articles" header: headline-like lines are teasers
            ln.reason = "feature:after-end-marker" if self.ends_sentence(ln.text) or ln.n_words < 3 \
                else "trailing-teasers"
        else:
            ln.reason = self._feature_reason(ln)

    @staticmethod
    def _feature_reason(ln: Line) -> str:
        c = ln.contributions
        if c.get("link_like", 0) > 0:
            return "feature:link-like"
        if c.get("duplicate", 0) > 0:
            return "feature:duplicate-line"
        if c.get("separators", 0) > 0:
            return "feature:separators"
        if c.get("prose_away", 0) > 0:
            return "feature:prose-away"
        if c.get("digits", 0) > 0 and ln.n_words <= 3:
            return "feature:digits"
        if c.get("short", 0) > 0 or c.get("medium_short", 0) > 0:
            return "feature:short-nonsentence"
        if c.get("neighbours", 0) > 0:
            return "feature:furniture-block"
        return "feature:nonsentence"


class Cleaner:
    """Pipeline stage `clean`: body text, title, byline, credit, removed lines, language."""

    name = "clean"

    def __init__(self, settings: Settings | None = None, *, lexicon: Lexicon | None = None,
                 languages: tuple[str, ...] | None = None):
        self.settings = settings or Settings()
        self.config = CleanConfig.from_settings(self.settings)
        self.lexicon = lexicon or Lexicon.load(self.settings.lang, lexicon_dir=self.settings.lexicon_dir)
        self.weights = self.lexicon.weights
        self.model = LineModel(self.lexicon)
        self.blocks = MainBlock(self.model)
        langs = languages or self.config.languages or DEFAULT_LANGUAGES
        self._langid = self._load_langid(langs)

    @staticmethod
    def _load_langid(languages: tuple[str, ...]):
        from langid.langid import LanguageIdentifier, model

        identifier = LanguageIdentifier.from_modelstring(model, norm_probs=True)
        identifier.set_languages(list(languages))
        return identifier

    # ------------------------------------------------------------------ public API

    def __call__(self, doc: Document, *, is_html_extract: bool | None = None) -> Document:
        html = bool(is_html_extract if is_html_extract is not None else doc.html_extract)
        lines = self.classify(doc.raw_text or doc.text, title=doc.title, html_extract=html)
        body: list[str] = []
        removed: list[RemovedLine] = []
        for ln in lines:
            if ln.role == "title" and not doc.title:
                doc.title = ln.text
            elif ln.role == "byline" and not doc.byline:
                doc.byline = ln.value or ln.text
                doc.credit = doc.credit or self._inline_credit(ln.text)
            elif ln.role == "credit" and not doc.credit:
                doc.credit = ln.value or ln.text
            if ln.removed:
                removed.append(RemovedLine(ln.text, ln.reason or "feature:unknown"))
            else:
                body.append(ln.text)
        if not body:
            raise EmptyInputError(
                f"no article text left after removing {len(removed)} boilerplate line(s)",
                stage=self.name, document=doc.source_path)
        doc.text = "\n".join(body)
        doc.removed_lines = removed
        if not doc.published.value:
            stamp = self.page_date(lines)
            if stamp:
                doc.published = dateline_date(stamp)
        doc.article_id = article_id_for(doc.text)
        doc.language = self.identify_language(doc.text, fallback=doc.language)
        return doc

    @staticmethod
    def page_date(lines: list[Line]) -> str | None:
        """ISO day of the page's publication line among the removed date lines and the byline, if any.

        "Publié le …" and bare date lines win over "Mis à jour le …" (an update is not the article date);
        a byline's date ("Publié le 12 mars 2024 par X", "Par X, le 12 mars 2024", "X | 12/03/2024")
        is the page's publication stamp too.
        """
        found: list[tuple[int, str]] = []
        for ln in lines:
            if not ln.removed or (ln.reason != "pattern:date-meta" and ln.role != "byline"):
                continue
            text = ln.folded
            iso = None
            if m := _DATE_NUM.search(text):
                d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
                iso = f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None
            elif (m := _DATE_FR.search(text)) and m.group(2) in _MONTHS:
                iso = f"{int(m.group(3)):04d}-{_MONTHS[m.group(2)]:02d}-{int(m.group(1)):02d}"
            elif (m := _DATE_EN.search(text)) and m.group(1) in _MONTHS:
                iso = f"{int(m.group(3)):04d}-{_MONTHS[m.group(1)]:02d}-{int(m.group(2)):02d}"
            if iso:
                update = bool(re.match(r"(?:mis|mise|maj|modifi|actualis|updated|page|article|derniere)", text))
                found.append((1 if update else 0, iso))
        return min(found, key=lambda x: x[0])[1] if found else None

    def _inline_credit(self, text: str) -> str | None:
        """A wire credit inside a byline line ("Par Jean Dupont, avec AFP" -> "AFP")."""
        norm = text.replace("’", "'")
        for rule in self.lexicon.rules:
            if rule.kind == "credit" and rule.scope == "inline" and rule.regex is not None:
                m = rule.regex.search(norm[:MAX_MATCH_CHARS])
                if m:
                    return m.group("v")
        return None

    def identify_language(self, text: str, fallback: str | None = None) -> str | None:
        """ISO 639-1 code of a document's body (decided on the whole body, never per line)."""
        sample = text[:1500]  # ~250 words decide as well as 5,000 characters, at a third of the cost
        if not _has_letters(sample, 30):
            return fallback or self.settings.lang
        lang, prob = self._langid.classify(sample)
        if prob < 0.5:  # undecided between languages: trust the metadata or the configured language
            return fallback or self.settings.lang
        return lang

    def classify(self, text: str, *, title: str | None = None, html_extract: bool = False) -> list[Line]:
        """Split `text` into non-blank lines and decide, for each, keep or remove (and why)."""
        lines = self._lines(text)
        if not lines:
            return lines
        if not html_extract:
            self._repeated_text(lines)
        self._match_rules(lines, html_extract)
        self._roles(lines, title, html_extract)
        if html_extract:
            for ln in lines:
                self.model.decide_from_rules(ln)
            return lines
        counts: dict[str, int] = {}
        for ln in lines:
            counts[ln.folded] = counts.get(ln.folded, 0) + 1
        for ln in lines:
            # a long line the page shows twice: a photo's caption under the picture and in the
            # viewer, a teaser in two lists (a repeated headline is the title, then repeated-title)
            if ln.n_words >= 8 and counts[ln.folded] >= 2 and not (ln.role or ln.forced):
                ln.forced = "repeated-text"
        first, last = self._body_span(lines)
        title_at = next((ln.index for ln in lines if ln.role == "title"), None)
        if title_at is not None and first <= title_at < last:
            first = title_at + 1  # the article starts under its headline (site help above it is not it)
        self._later_bylines(lines, first, last)
        last = self.blocks.trailing_furniture(lines, first, last)
        islands = self.blocks.islands(lines)
        for ln in lines:
            self.model.score(ln, first, last, counts, ln.index in islands)
        self.model.keep_cues(lines, first, last)
        self.model.trailing_teasers(lines, last)
        self.model.neighbours(lines)
        for ln in lines:
            self.model.decide(ln)
        return lines

    # ------------------------------------------------------------------ steps

    @staticmethod
    def _lines(text: str) -> list[Line]:
        out: list[Line] = []
        text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
        for raw in text.split("\n"):
            line = _SPACES.sub(" ", raw).strip()
            if not line:
                continue
            folded = fold(line.replace("\u00ad", ""))  # soft hyphens split words ("réac\u00adtion")
            tokens = [t.lower() for t in _WORD.findall(folded[:2000])]
            out.append(Line(len(out), line, folded, tokens))
        return out

    @staticmethod
    def _repeated_text(lines: list[Line]) -> None:
        """Prose a page shows twice is furniture: a site blurb in the header and the footer, a photo
        caption under the picture and in the viewer. A sentence quoted again from a longer line of
        the page is a pull quote (with the speaker's name on the line after it)."""
        seen: dict[str, list[Line]] = {}
        for ln in lines:
            if ln.n_words >= 13 and _PROSE_END.search(ln.text):  # sentences, not a repeated headline
                seen.setdefault(ln.folded, []).append(ln)
            half = len(ln.tokens) // 2
            if half >= 2 and len(ln.tokens) % 2 == 0 and ln.tokens[:half] == ln.tokens[half:]:
                ln.forced = ln.forced or "repeated-text"  # a widget's label shown twice: "Où nous écouter ? Où nous écouter ?"
        for same in seen.values():
            if len(same) >= 2:
                for ln in same:
                    ln.forced = ln.forced or "repeated-text"
        # shingle -> the long lines holding it (an inverted index: each candidate line is compared
        # only with the long lines that share a shingle with it, not with every long line of the page)
        sizes: list[int] = []
        long_at: list[int] = []
        holders: dict[tuple[str, ...], list[int]] = {}
        for ln in lines:
            if ln.n_words >= 20:
                grams_of_long = set(_shingles(ln.tokens))
                for g in grams_of_long:
                    holders.setdefault(g, []).append(len(sizes))
                sizes.append(len(grams_of_long))
                long_at.append(ln.index)
        for ln in lines:
            if ln.forced or not 5 <= ln.n_words <= 40:
                continue
            nxt = lines[ln.index + 1] if ln.index + 1 < len(lines) else None
            # (a byline under a headline is not a pull quote's speaker: "Par Marie Dupont")
            speaker = nxt is not None and nxt.n_words <= 4 and bool(_NAME.match(nxt.text)) \
                and not _BYLINE_WORD.match(nxt.text)
            # (a pull quote with its speaker sits inside the text: a headline over its lede, a kicker
            # under it, is above the page's first paragraph)
            speaker = speaker and bool(long_at) and long_at[0] < ln.index
            if not (speaker or _PROSE_END.search(ln.text)):
                continue  # a sub-heading taken from a quote of the text stays
            grams = _shingles(ln.tokens)
            shared: dict[int, int] = {}
            for g in grams:
                for k in holders.get(g, ()):
                    shared[k] = shared.get(k, 0) + 1
            if any(sizes[k] > len(grams) + 5 and n >= 0.7 * len(grams) for k, n in shared.items()):
                ln.forced = "pull-quote"
                if speaker and nxt is not None:  # (a speaker line is a next line)
                    nxt.forced = nxt.forced or "pull-quote"

    def _match_rules(self, lines: list[Line], html_extract: bool) -> None:
        markers: list[Line] = []
        screens = self.lexicon.screens
        for ln in lines:
            norm = ln.text.replace("’", "'")
            targets = {"fold": ln.folded[:MAX_MATCH_CHARS], "text": norm[:MAX_MATCH_CHARS]}
            anchored_possible = {on: rx.match(targets[on]) is not None for on, rx in screens.items()}
            for rule in self.lexicon.rules:
                if html_extract and rule.precision != "high":
                    continue
                if rule.anchored and not anchored_possible.get(rule.on, True) or (
                        rule.screen is not None and rule.screen.search(targets[rule.on]) is None):
                    continue
                m = rule.search(norm, ln.folded, ln.tokens)
                if not m:
                    continue
                if rule.scope == "inline":
                    continue
                if rule.weight < 0:  # a keep cue: counts in the score, never names a removal
                    ln.contributions[rule.reason] = min(ln.contributions.get(rule.reason, 0.0), rule.weight)
                    continue
                if rule.kind in ("byline", "credit"):
                    if ln.role is None and ln.n_words <= 14:
                        ln.role = rule.kind
                        ln.value = m.group("v").strip() if isinstance(m, re.Match) else ln.text
                        if rule.kind == "byline" and ln.value.islower():
                            ln.value = re.sub(r"^(?:[Pp]ar|[Bb]y) ", "", ln.text.strip())
                    continue
                ln.hits.append(rule)
                if rule.scope == "rest":
                    if not markers or markers[-1] is not ln:
                        markers.append(ln)
                elif rule.scope == "next" and ln.n_words <= 4 and ln.index + 1 < len(lines):
                    nxt = lines[ln.index + 1]
                    if nxt.n_words <= 25 and not _PROSE_END.search(nxt.text):
                        nxt.forced = nxt.forced or rule.reason
                elif rule.scope == "prev" and ln.index > 0:
                    prev = lines[ln.index - 1]
                    if len(prev.text) <= 280:
                        prev.forced = prev.forced or rule.reason
        self._rest_after_body(lines, markers, html_extract)

    def _rest_after_body(self, lines: list[Line], markers: list[Line], html_extract: bool) -> None:
        """Everything after a "related articles" / "comments" header that follows the start of the
        article's main block is furniture (a header above the article, in a toolbar or a menu, is not
        the end of anything). A run of dated items (comments, teasers: see `MainBlock.dated_items`) is such
        a header too."""
        if not html_extract:
            at = {m.index for m in markers} | {a for a, _ in self.blocks.dated_items(lines)}
            markers = [lines[i] for i in sorted(at)]
        if not markers:
            return
        block = self.blocks.main_block(lines, {m.index for m in markers})
        if block is None:
            return
        rest_from = next((m for m in markers if m.index > block[0]), None)
        if rest_from is None:
            return
        for ln in lines[rest_from.index + 1:]:
            if html_extract:
                # extracts: only headline-like lines (teasers), never a paragraph
                if ln.n_words <= 25 and not _PROSE_END.search(ln.text):
                    ln.forced = ln.forced or "trailing-teasers"
            else:
                ln.contributions["after_end_marker"] = self.weights.get("after_end_marker", 8.0)

    def _roles(self, lines: list[Line], title: str | None, html_extract: bool) -> None:
        """Title (from metadata or the page head), repeated titles; byline/credit already set."""
        title_tokens = self._title_key(title) if title else None
        if title_tokens is None and not html_extract:
            first, _ = self._body_span(lines)
            reach = int(self.weights.get("title_reach", 15))
            # a headline inside the block only when a byline or a date line follows it (a headline
            # ending with "!" passes for prose; site help above the article may open the block)
            head = [ln for ln in lines[:first + reach] if not ln.hits and ln.role is None and not ln.forced
                    and (ln.index < first or self.blocks.stamped(lines, ln.index))
                    and not any(k.startswith("keep:") for k in ln.contributions)
                    and 3 <= ln.n_words <= 35
                    # (a headline may end with a full stop when its byline or date stamps it)
                    and (not ln.text.endswith(".") or self._stopped_headline(lines, ln, first))
                    # a headline opens like a sentence; "est plein d'éloges et …" is a cut line
                    and not ln.text[:1].islower() and not _FOOTNOTE.match(ln.text)
                    and not _LINKLIKE.search(ln.text) and not _SEPARATORS.search(_QUOTED.sub("", ln.text))]
            if head:
                vocab = {t for ln in lines if self.model.is_prose(ln) for t in ln.tokens}
                best = max(head, key=lambda x: (self._title_score(x, vocab, first, lines), -x.index))
                best.role = "title"
                title_tokens = self._title_key(best.text)
        if not html_extract:
            self._name_bylines(lines)
        if not title_tokens:
            return
        seen_title = False
        for ln in lines:
            if ln.role in ("byline", "credit"):
                continue
            if ln.role == "title" or self._same_title(ln, title_tokens):
                if not seen_title and (ln.role == "title" or ln.index < 12):
                    ln.role = "title"
                    seen_title = True
                else:
                    ln.role = None
                    ln.forced = "repeated-title"

    def _stopped_headline(self, lines: list[Line], ln: Line, first: int) -> bool:
        """Whether a line ending with a full stop may still be the headline: one short sentence (at
        most `title_stop_words` words) above the main block or opening it, that a byline or a date line right under
        it stamps (a teaser's summary over its date, after the article, is not)."""
        return ln.index <= first and ln.n_words <= int(self.weights.get("title_stop_words", 16)) \
            and ". " not in ln.text and self.blocks.stamped(lines, ln.index)

    def _name_bylines(self, lines: list[Line]) -> None:
        """A bare name ("Claire Vasseur") just under the title or just after the text is a byline; so
        is, in the article's head, a name beside a date or under a label (see `_head_name`)."""
        first, last = self._body_span(lines)
        title_at = next((ln.index for ln in lines if ln.role == "title"), None)
        head = [] if title_at is None or any(ln.role == "byline" for ln in lines[max(0, title_at - 2):title_at + 6]) \
            else [ln for ln in lines[max(0, title_at - 1):title_at + 6]
                  if not (ln.role or ln.forced or ln.index == title_at or ln.n_words > 14)]
        for ln in head:  # (a name beside a date or under a label wins over a bare name under the title)
            name = self._head_name(lines, ln, title_at or 0, first)
            if name:
                ln.role, ln.value = "byline", name
                title_at = None  # (the head has its byline: no other bare name there)
                break
        for ln in lines:
            if ln.role or ln.hits or ln.forced or not _NAME.match(ln.text):
                continue
            near_title = title_at is not None and title_at < ln.index < first and ln.index - title_at <= 4
            after_text = last < ln.index <= last + 3
            if (near_title or after_text) and not any(t in self.lexicon.stopwords for t in ln.tokens[:1]):
                ln.role, ln.value = "byline", ln.text

    def _head_name(self, lines: list[Line], ln: Line, title_at: int, first: int) -> str | None:
        """The author's name on a line of the article's head when the line is a byline by its shape:
        a name set beside a date ("Marie Merlet | lundi 9 décembre 2019 à 09h08") or a bare name
        under a one-word label ("Auteur", "Texte", "By")."""
        parts = [p.strip() for p in re.split(r"\s[|•·–-]\s|[|•·]", ln.text) if p.strip()]
        if len(parts) >= 2 and _NAME.match(parts[0]) and any(
                _STAMP.search(fold(p)) or _WEEKDAY.match(fold(p)) for p in parts[1:]):
            return parts[0]
        if ln.hits or not _NAME.match(ln.text) or any(t in self.lexicon.stopwords for t in ln.tokens[:1]):
            return None
        prev = lines[ln.index - 1]
        label = prev.n_words == 1 and not prev.role and not prev.hits and not self.model.is_prose(prev)
        return ln.text if label and title_at < ln.index <= first + 3 else None

    @staticmethod
    def _later_bylines(lines: list[Line], first: int, last: int) -> None:
        """The article's byline is the one at its head: once the head has one, an author line after
        the text (a signature, an author box, the bylines of teasers for other articles) is
        furniture, not the article's byline."""
        if not any(ln.role == "byline" and first - 8 <= ln.index < first + 4 and ln.index <= last for ln in lines):
            return  # (a byline-like line far above the text is a menu or a teaser, not the head)
        for ln in lines[last + 1:]:
            if ln.role == "byline":
                ln.role, ln.value = None, None
                ln.forced = ln.forced or "other-byline"

    def _title_score(self, ln: Line, body_vocab: set[str], first: int, lines: list[Line]) -> float:
        """A headline shares its content words with the article, is fairly long and sits just above it."""
        content = [t for t in ln.tokens if len(t) > 2 and t not in self.lexicon.stopwords]
        shared = sum(t in body_vocab for t in content)
        ratio = shared / len(content) if content else 0.0
        stamp = self.weights.get("title_stamp", 4.0) if self.blocks.stamped(lines, ln.index) else 0.0
        return 1.5 * min(shared, 6) + 4.0 * ratio + 0.3 * min(ln.n_words, 25) - 0.3 * abs(first - ln.index) + stamp

    @staticmethod
    def _title_key(text: str) -> list[str]:
        return [t.lower() for t in _WORD.findall(fold(text))]

    @staticmethod
    def _same_title(ln: Line, title_tokens: list[str]) -> bool:
        if not ln.tokens or len(title_tokens) < 2:
            return False
        a, b = set(ln.tokens), set(title_tokens)
        inter = len(a & b)
        if inter / len(b) < 0.9:
            return False
        # the title, possibly with a site name or a section added (at most half again as long)
        return len(ln.tokens) <= 1.5 * len(title_tokens) + 1

    def _body_span(self, lines: list[Line]) -> tuple[int, int]:
        """First and last line of the article's main block (the whole page when it has no prose)."""
        block = self.blocks.main_block(lines)
        return block if block is not None else (0, len(lines) - 1)

class MainBlock:
    """Where the article lies in the page: its main block of prose (BTE-style densest run of prose
    groups), the boxes inside it, the runs of dated items (comments, teasers) that end it, and the
    stamped headlines that anchor it (configured once with the model's weights)."""

    def __init__(self, model: LineModel):
        self.model = model
        self.weights = model.weights
        self.is_prose = model.is_prose

    @staticmethod
    def stamped(lines: list[Line], i: int, before: bool = False) -> bool:
        """Whether a byline or a date line follows line `i` within two lines (a headline's stamp),
        or, with `before`, sits just above it ("Accueil | Par X | date" over the headline)."""
        near = lines[i + 1:i + 3] + (lines[max(0, i - 1):i] if before else [])
        return any(ln.role == "byline" or any(r.reason == "pattern:date-meta" for r in ln.hits) for ln in near)

    def main_block(self, lines: list[Line], markers: set[int] | None = None) -> tuple[int, int] | None:
        """First and last line of the page's main run of prose (see `main_groups`)."""
        groups = self.main_groups(lines, markers)
        return (groups[0][0], groups[-1][-1]) if groups else None

    def islands(self, lines: list[Line]) -> set[int]:
        """The lines between the groups of prose that make the main block: a box, a gallery or a
        menu set inside the article (not the article, though the block spans them)."""
        groups = self.main_groups(lines)
        return {i for a, b in zip(groups, groups[1:], strict=False) for i in range(a[-1] + 1, b[0])}

    def dated_items(self, lines: list[Line]) -> list[tuple[int, int]]:
        """Runs of dated items: comments ("gabriel Le 11 septembre 2018 à 12:57", the text,
        "Répondre") and teasers (a headline, a summary, a date) carry a date each, an article's
        paragraphs do not. A run is two date lines or more, each within `stamp_gap` lines of the
        next with prose between them; it spans from its first date to `stamp_gap` lines past its last."""
        gap = int(self.weights.get("stamp_gap", 8))
        stamps = []
        for ln in lines:
            if ln.n_words > 14:
                continue
            m = _STAMP.search(ln.folded[:MAX_MATCH_CHARS])
            if m and len(_WORD.findall(ln.folded[:m.start()] + " " + ln.folded[m.end():])) <= 4:
                stamps.append(ln.index)
        runs: list[list[int]] = []
        for a, b in zip(stamps, stamps[1:], strict=False):
            if b - a <= gap and any(self.is_prose(x) for x in lines[a + 1:b]):
                if runs and runs[-1][-1] == a:
                    runs[-1].append(b)
                else:
                    runs.append([a, b])
        out = []
        for run in runs:
            steps = sorted(b - a for a, b in zip(run, run[1:], strict=False))
            step = steps[len(steps) // 2]
            if len(run) >= 3 and run[1] - run[0] > step + 1:
                run = run[1:]  # the article's own date line, then the items' dates at a steady pace
            start = run[0]
            if len(run) >= 3 and all(self.is_prose(lines[i - 1]) for i in run[1:]):
                start = max(0, run[0] - step + 1)  # each date closes its item: the first item is above it
            out.append((start, run[-1] + gap))
        return out

    def anchored(self, lines: list[Line], groups: list[list[int]]) -> list[int]:
        """The groups of prose that start just under a stamped headline (a headline-like line with a
        byline or a date line right above or under it): a brief of three paragraphs is the article
        even when a longer blurb, comment or bio elsewhere on the page outweighs it."""
        reach = int(self.weights.get("title_anchor_reach", 8))
        heads = [ln.index for ln in lines if self.headline_like(ln) and self.stamped(lines, ln.index, before=True)]
        out = set()
        for h in heads:
            k = next((k for k, g in enumerate(groups) if g[0] > h), None)
            if k is not None and groups[k][0] - h <= reach:
                out.add(k)
        return sorted(out)

    @staticmethod
    def headline_like(ln: Line) -> bool:
        """A line that may be a headline: 3 to 35 words, opening like a sentence, no link, no
        separators, no lexicon hit or role, no final full stop."""
        return not ln.hits and ln.role in (None, "title") and not ln.forced and 3 <= ln.n_words <= 35 \
            and not ln.text[:1].islower() and not _FOOTNOTE.match(ln.text) and not _LINKLIKE.search(ln.text) \
            and not _SEPARATORS.search(_QUOTED.sub("", ln.text)) and not ln.text.endswith(".")

    def trailing_furniture(self, lines: list[Line], first: int, last: int) -> int:
        """Furniture prose right under the article (a site blurb, a newsletter pitch, an author bio)
        joins the main block when the article is short. Among the block's last prose lines, from the
        bottom up while each shares few content words with the article above it and its headline, the
        highest that talks about the site or its reader (or names the byline's author) is furniture,
        and so is every line under it (a line a lexicon row hit is removed on its own: a box inside
        the article, not where the furniture starts). Only on a page that goes on after the block:
        a text that ends with it is an extract or a clean article. Returns the block's new last line."""
        lex, w = self.model.lexicon, self.weights
        if last >= len(lines) - 1:
            return last  # (the text ends with the block: an extract or a clean text, no page around it)
        # (a sentence a weak lexicon row already hit is still a candidate: "recevez notre newsletter …")
        prose = [ln for ln in lines[first:last + 1] if self.is_prose(ln) or (
            not ln.role and ln.n_words >= 10 and _PROSE_END.search(ln.text))]
        names = {t for ln in lines if ln.role == "byline" and ln.value
                 for t in _WORD.findall(fold(ln.value).lower()) if len(t) > 2 and t not in lex.stopwords}
        title = [ln for ln in lines if ln.role == "title"]
        cut = None
        for j in range(len(prose) - 1, max(0, len(prose) - 1 - int(w.get("trailing_prose_lines", 3))), -1):
            ln = prose[j]
            talk: float = sum(t.startswith(lex.site_talk) for t in ln.tokens) if lex.site_talk else 0
            # (the reader addressed outside quotes: "nous avons besoin de vous" is someone speaking)
            unquoted = _WORD.findall(_ANY_QUOTE.sub(" ", ln.folded[:2000]))
            talk += 0.5 * min(2, sum(t.lower() in lex.address for t in unquoted))
            talk += w.get("trailing_prose_name_weight", 2.0) * bool(names & set(ln.tokens))
            vocab = {s for x in prose[:j] + title for s in self._stems(x)}
            own = self._stems(ln)
            if own and len(own & vocab) / len(own) >= w.get("trailing_prose_cohesion", 0.35):
                break  # the article's own words: the furniture (if any) is below
            if talk >= w.get("trailing_prose_talk", 2.0) and not ln.hits:
                cut = j  # (a line away from the article's words under a furniture line is furniture too)
        if cut is None:
            return last
        for ln in prose[cut:]:
            if ln.hits:  # (a lexicon hit names the reason; the weight pushes it over)
                ln.contributions["trailing_prose"] = w.get("trailing_prose", 10.0)
            else:
                ln.forced = ln.forced or "trailing-prose"
        return prose[cut].index - 1

    def _stems(self, ln: Line) -> set[str]:
        """The line's content words, cut to five letters (a crude stem: "migrants" ~ "migration")."""
        words = (re.split(r"['’]", t)[-1] for t in ln.tokens)  # "l'etat" -> "etat"
        return {t[:5] for t in words if len(t) >= 4 and t not in self.model.lexicon.stopwords}

    def main_groups(self, lines: list[Line], markers: set[int] | None = None) -> list[list[int]]:
        """The page's main run of prose: prose lines (before any end marker) grouped while at most
        `body_gap` other lines separate them and no "related"/"comments" header does. Each group is
        worth its words times its density (prose lines over the lines it spans: the
        article's paragraphs follow one another, the summaries of teasers or comments alternate with
        titles, names and dates); the best run of consecutive groups wins, each line between two
        groups costing `body_island_cost` words (BTE's maximum-density region: an article split by
        a box or a gallery is one block, a cookie notice, a site blurb or a list of teasers is not
        the article)."""
        if markers is None:
            markers = {ln.index for ln in lines if any(r.scope == "rest" for r in ln.hits)}
        dated = self.dated_items(lines)
        markers = markers | {a for a, _ in dated}  # (a run of dated items ends the article)
        gap = int(self.weights.get("body_gap", 8))
        gap_chars = int(self.weights.get("body_gap_chars", 300))
        line_cost = self.weights.get("body_island_cost", 4.0)
        groups: list[list[int]] = []
        words: list[int] = []
        for ln in lines:
            if not self.is_prose(ln) or "after_end_marker" in ln.contributions:
                continue
            i = ln.index
            prev = groups[-1][-1] if groups else -1
            between = lines[prev + 1:i]
            close = len(between) <= gap or (len(between) <= 3 * gap
                                            and sum(len(x.text) for x in between) <= gap_chars)
            if groups and close and not any(prev < m < i for m in markers):
                groups[-1].append(i)
                words[-1] += ln.n_words
            else:
                groups.append([i])
                words.append(ln.n_words)
        if not groups:
            return []
        power = self.weights.get("body_density_power", 1.0)
        value = [w * (len(g) / (g[-1] - g[0] + 1)) ** power for g, w in zip(groups, words, strict=True)]
        discount = self.weights.get("dated_items_factor", 0.2)
        for k in self.anchored(lines, groups):
            value[k] *= self.weights.get("title_anchor_factor", 3.0)
        for k, g in enumerate(groups):
            # a group made of dated items is a comment thread or a teaser list, not the article
            if sum(any(a <= i <= b for a, b in dated) for i in g) * 2 > len(g):
                value[k] *= discount
        # the best sum of consecutive groups' values less the lines between them (Kadane)
        best, best_span = value[0], (0, 0)
        run, start = value[0], 0
        for k in range(1, len(groups)):
            a, b = groups[k - 1][-1], groups[k][0]
            bridge = run - line_cost * (b - a - 1)
            if any(a < m < b for m in markers) or bridge < 0:
                run, start = value[k], k
            else:
                run = bridge + value[k]
            if run > best:
                best, best_span = run, (start, k)
        return groups[best_span[0]: best_span[1] + 1]


# --------------------------------------------------------------------------- offsets back to the input


@dataclass(frozen=True)
class OffsetMap:
    """Where each character of the cleaned text came from in the text as given.

    `starts[i]` / `ends[i]`: the input span of cleaned character i (a composed "é" may come from
    two input characters, a collapsed space from a run of them; the newline joining two kept lines
    maps to the input's line break)."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    input_length: int

    def start(self, i: int) -> int:
        """Input offset for a cleaned start offset `i` (past the end: the input's end)."""
        if not self.starts:
            return 0
        return self.starts[max(i, 0)] if i < len(self.starts) else self.input_length

    def end(self, i: int) -> int:
        """Input offset for a cleaned (exclusive) end offset `i`."""
        if i <= 0 or not self.ends:
            return self.start(0)
        return self.ends[min(i, len(self.ends)) - 1]


#: what the cleaner changes in a line: other spaces than one " ", runs of spaces, spaces at an end,
#: combining marks (composed by NFC)
_NOT_AS_GIVEN = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]|  |^ | $"
                           r"|[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f"
                           r"\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _needs_normalising(line: str) -> bool:
    """Whether the cleaner writes `line` otherwise than as given (most lines it keeps as they are)."""
    return bool(_NOT_AS_GIVEN.search(line)) or not unicodedata.is_normalized("NFC", line)


def _normalised_line(line: str) -> tuple[str, list[int], list[int]]:
    """`line` as the cleaner writes it (NFC, space runs collapsed, stripped) with, per output
    character, its input span within the line."""
    clusters: list[list] = []  # [text, start, end]
    for k, ch in enumerate(line):
        if unicodedata.combining(ch) and clusters:
            clusters[-1][0] += ch
            clusters[-1][2] = k + 1
            continue
        if _SPACES.fullmatch(ch):
            if clusters and clusters[-1][0] == " ":
                clusters[-1][2] = k + 1
                continue
            ch = " "
        clusters.append([ch, k, k + 1])
    while clusters and clusters[0][0] == " ":
        clusters.pop(0)
    while clusters and clusters[-1][0] == " ":
        clusters.pop()
    text: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for chunk, a, b in clusters:
        for ch in unicodedata.normalize("NFC", chunk):
            text.append(ch)
            starts.append(a)
            ends.append(b)
    return "".join(text), starts, ends


def align_to_input(raw: str, clean: str) -> OffsetMap:
    """Map the cleaned text (kept lines joined by "\n", as `Cleaner` writes `Document.text`) back to
    the text it was cleaned from, line by line. A kept line is found as a whole normalised input line,
    else inside one; a line found nowhere (the cleaner never rewrites one, so this is a guard) maps
    every character to the end of the previous kept line."""
    lines: list[tuple[int, str]] = []
    pos = 0
    for m in re.finditer(r"\r\n|\r|\n", raw):
        lines.append((pos, raw[pos:m.start()]))
        pos = m.end()
    lines.append((pos, raw[pos:]))
    normalised = [(offset, *_normalised_line(text)) if _needs_normalising(text) else (offset, text, None, None)
                  for offset, text in lines]
    starts: list[int] = []
    ends: list[int] = []
    r = 0
    for n, kept in enumerate(clean.split("\n")):
        if n:
            # the joining newline: just after the previous kept line in the input
            at = ends[-1] if ends else 0
            starts.append(at)
            ends.append(min(at + 1, len(raw)))
        found = next((k for k in range(r, len(normalised)) if normalised[k][1] == kept), None)
        if found is None:
            found = next((k for k in range(r, len(normalised)) if kept and kept in normalised[k][1]), None)
        if found is None:
            base = ends[-1] if ends else 0
            starts.extend([base] * len(kept))
            ends.extend([base] * len(kept))
            continue
        offset, text, line_starts, line_ends = normalised[found]
        shift = text.find(kept) if text != kept else 0
        if line_starts is None or line_ends is None:  # the line as given: character i is input character i
            starts.extend(range(offset + shift, offset + shift + len(kept)))
            ends.extend(range(offset + shift + 1, offset + shift + len(kept) + 1))
        else:
            for i in range(len(kept)):
                j = shift + i
                starts.append(offset + line_starts[j])
                ends.append(offset + line_ends[j])
        r = found + 1
    return OffsetMap(tuple(starts), tuple(ends), len(raw))
