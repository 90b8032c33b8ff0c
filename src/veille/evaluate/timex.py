"""Scorer for the timex stage (eval/timex/).

Each document is `NAME.txt` (the text) plus `NAME.tsv`: `#` comment lines, of which `# dct<TAB>DATE`
gives the article date used as anchor (and `# published<TAB>VALUE|none|-` the date expected from
text-only inference, default the dct, `-` = not scored), then a header `text occurrence type value note`
where `occurrence` is the 0-based index of that string among its occurrences in the text.

Metrics: detection precision / recall / F1 with relaxed (overlap) one-to-one matching; on the
matched pairs, `value_accuracy` (exact ISO-TimeML value, which fixes the precision too) and
`type_accuracy`; `published_accuracy`: the article date inferred with no metadata.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..config import Settings
from ..errors import EvalError
from ..models import Document, Published, Timex
from . import prf

log = logging.getLogger("veille.evaluate.timex")


def load_gold(folder: Path) -> list[tuple[str, str, str, str | None, list[Timex]]]:
    """[(name, text, dct, expected_published, gold timexes)] for every NAME.tsv with its NAME.txt."""
    docs = []
    for tsv in sorted(Path(folder).glob("*.tsv")):
        txt = tsv.with_suffix(".txt")
        if not txt.is_file():
            raise EvalError(f"{tsv.name}: missing {txt.name}")
        text = txt.read_text(encoding="utf-8")
        dct: str | None = None
        published: str | None = "="
        gold: list[Timex] = []
        header_seen = False
        for line in tsv.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            if line.startswith("#"):
                parts = line[1:].strip().split("\t")
                if parts[0] == "dct" and len(parts) > 1:
                    dct = parts[1].strip()
                elif parts[0] == "published" and len(parts) > 1:
                    published = parts[1].strip()
                continue
            if not header_seen:
                header_seen = True
                continue
            cols = line.split("\t")
            span, occ, typ, value = cols[0], int(cols[1]), cols[2], cols[3]
            start = -1
            for _ in range(occ + 1):
                start = text.find(span, start + 1)
                if start < 0:
                    raise EvalError(f"{tsv.name}: {span!r} occurrence {occ} not in text")
            gold.append(Timex(start, start + len(span), span, typ, value))
        if published == "=":
            published = dct
        docs.append((tsv.stem, text, dct or "", published, gold))
    if not docs:
        raise EvalError(f"no timex gold documents in {folder}")
    return docs


def match(gold: list[Timex], pred: list[Timex]) -> list[tuple[Timex, Timex]]:
    """Relaxed one-to-one matching: overlapping spans, largest overlap first."""
    pairs = []
    for g in gold:
        for p in pred:
            ov = min(g.end, p.end) - max(g.start, p.start)
            if ov > 0:
                pairs.append((ov, g, p))
    pairs.sort(key=lambda x: -x[0])
    used_g, used_p, out = set(), set(), []
    for _ov, g, p in pairs:
        if id(g) in used_g or id(p) in used_p:
            continue
        used_g.add(id(g))
        used_p.add(id(p))
        out.append((g, p))
    return out


def _parser(settings: Settings):
    try:
        from ..nlp import SpacyParser

        return SpacyParser(settings)
    except Exception as err:  # noqa: BLE001 - scoring still works without a parse (regex fallback)
        log.warning("no spaCy parse for timex scoring: %s", err)
        return None


def score(folder: Path, settings: Settings) -> dict[str, float]:
    from ..timex import TimexTagger

    docs = load_gold(folder)
    tagger = TimexTagger(settings)
    parser = _parser(settings)
    tp = fp = fn = 0
    n_val = n_type = n_pairs = 0
    pub_ok = pub_n = 0
    for name, text, dct, expected_pub, gold in docs:
        doc = Document(name, name, text)
        doc.published = Published(dct, "day", "metadata")
        if parser is not None:
            parser(doc)
        tagger(doc)
        pairs = match(gold, doc.timexes)
        tp += len(pairs)
        fp += len(doc.timexes) - len(pairs)
        fn += len(gold) - len(pairs)
        for g, p in pairs:
            n_pairs += 1
            n_val += int(g.value == p.value)
            n_type += int(g.type == p.type)
        if expected_pub and expected_pub != "-":
            bare = Document(name, name, text, spacy_doc=doc.spacy_doc, sentences=doc.sentences)
            tagger(bare)
            got = bare.published.value or "none"
            pub_n += 1
            pub_ok += int(got == expected_pub)
    det = prf(tp, fp, fn)
    return {
        "detection_precision": det["precision"],
        "detection_recall": det["recall"],
        "detection_f1": det["f1"],
        "value_accuracy": round(n_val / n_pairs, 4) if n_pairs else 0.0,
        "type_accuracy": round(n_type / n_pairs, 4) if n_pairs else 0.0,
        "published_accuracy": round(pub_ok / pub_n, 4) if pub_n else 0.0,
        "n_gold": float(tp + fn),
        "n_docs": float(len(docs)),
    }
