"""Dev-half report for the real-page boilerplate set: per-page scores, the errors by family, the
main block chosen vs the gold article span, and a leave-one-page-out figure. Reads only the pages
that split.tsv marks `dev` (the held-out half is measured by `veille eval`, never read for errors).

    PYTHONPATH=src python eval/webpages/dev_report.py [--errors] [--page STEM] [--no-lopo]

Leave-one-page-out: the lexicon rows were written while reading the dev pages, so the dev figure
flatters the cleaner. Each dev page is scored again by a cleaner whose lexicon lacks the rows that
fire on that page and on no other page (no other dev page, no page of the invented-template set
eval/boilerplate): the rows that page alone can have prompted. Feature weights and structural
rules are few and hand-set; they are not refitted, so the figure is still an upper bound.

Island stress test: each dev page with an article of six lines or more again, with N lines of its
own furniture (the longest run of `remove` lines above the article) put in the middle of the
article, as a box, a gallery or a "lire aussi" list sits in a real one (N = 10 and 25). The
structure of held-out pages is not known; this measures whether the main block survives a split.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
from pathlib import Path

from veille.clean import Cleaner, Lexicon, Line, Rule
from veille.evaluate import prf
from veille.evaluate.boilerplate import read_gold

HERE = Path(__file__).resolve().parent
KEYS = ("removed_f1", "kept_precision", "kept_recall", "kept_f1", "title_accuracy", "byline_accuracy",
        "body_exact")


def dev_pages() -> list[Path]:
    rows = [r.split("\t") for r in (HERE / "split.tsv").read_text(encoding="utf-8").splitlines()
            if r.strip() and not r.startswith("#")]
    return [HERE / "pages" / f"{stem}.labels" for stem, split in rows if split.strip() == "dev"]


def scores(runs: list[tuple[list[tuple[str, str]], list[Line]]]) -> dict[str, float]:
    """Micro-averaged line scores as `veille.evaluate.boilerplate.score_pages` computes them."""
    tp = fp = fn = tn = exact = 0
    roles = {"title": [0, 0], "byline": [0, 0]}
    for gold, lines in runs:
        ok = True
        for ln, (g, _) in zip(lines, gold, strict=True):
            gr = g != "keep"
            tp += ln.removed and gr
            fp += ln.removed and not gr
            fn += gr and not ln.removed
            tn += not gr and not ln.removed
            ok &= ln.removed == gr
        exact += ok
        for role, c in roles.items():
            idx = [i for i, (g, _) in enumerate(gold) if g == role]
            if idx:
                c[1] += 1
                c[0] += all(lines[i].role == role for i in idx)
    out = {"removed_f1": prf(tp, fp, fn)["f1"]}
    out.update({f"kept_{k}": v for k, v in prf(tn, fn, fp).items()})
    out.update({f"{r}_accuracy": round(h / t, 4) if t else 0.0 for r, (h, t) in roles.items()})
    out["body_exact"] = round(exact / len(runs), 4)
    return {k: out[k] for k in KEYS}


def _fires(rule: Rule, lines: list[Line]) -> bool:
    return any(rule.search(ln.text.replace("’", "'"), ln.folded, ln.tokens) for ln in lines)


def leave_one_page_out(pages: list[Path]) -> tuple[dict[str, float], dict[str, int]]:
    base = Lexicon.load()
    texts = {p: Cleaner._lines(p.with_suffix(".txt").read_text(encoding="utf-8")) for p in pages}
    others = [Cleaner._lines(p.read_text(encoding="utf-8")) for p in sorted((HERE.parent / "boilerplate").rglob("*.txt"))]
    elsewhere = {k for k, r in enumerate(base.rules) if any(_fires(r, ls) for ls in others)}
    fires = {k: {p for p, ls in texts.items() if _fires(r, ls)} for k, r in enumerate(base.rules)}
    runs, dropped = [], {}
    for p in pages:
        own = {k for k in fires if fires[k] == {p} and k not in elsewhere}
        lex = Lexicon.load()
        lex.rules = [r for k, r in enumerate(lex.rules) if k not in own]
        lex.build_screens()
        dropped[p.stem] = len(own)
        runs.append((read_gold(p), Cleaner(lexicon=lex).classify(p.with_suffix(".txt").read_text(encoding="utf-8"))))
    return scores(runs), dropped


def with_island(labels: Path, n: int) -> tuple[str, list[tuple[str, str]]] | None:
    gold = read_gold(labels)
    text = [t for t in labels.with_suffix(".txt").read_text(encoding="utf-8").split("\n") if t.strip()]
    keep = [i for i, (g, _) in enumerate(gold) if g == "keep"]
    if len(keep) < 6:
        return None
    runs: list[list[int]] = [[]]
    for i, (g, _) in enumerate(gold[:keep[0]]):
        if g == "remove":
            runs[-1].append(i)
        elif runs[-1]:
            runs.append([])
    run = max(runs, key=len)[:n]
    if not run:
        return None
    at = keep[len(keep) // 2]
    return ("\n".join(text[:at] + [text[i] for i in run] + text[at:]),
            gold[:at] + [("remove", "inserted")] * len(run) + gold[at:])


NAMES = ("Marc Dubois", "lebrec jacques", "Sophie L.", "un citoyen", "Karim B", "anonyme", "Julie Martin", "Paul")


def with_items(labels: Path, pages: list[Path], style: str, k: int = 8) -> tuple[str, list[tuple[str, str]]]:
    def rows(p: Path) -> list[tuple[str, tuple[str, str]]]:
        text = [t for t in p.with_suffix(".txt").read_text(encoding="utf-8").split("\n") if t.strip()]
        return list(zip(text, read_gold(p), strict=True))

    other = [t for q in pages if q != labels for t, (g, _) in rows(q) if g == "keep" and len(t.split()) >= 12]
    rnd = random.Random(labels.stem)
    items: list[str] = []
    for j in range(k):
        body = rnd.choice(other)
        if style == "comments":
            items += [f"{NAMES[j % len(NAMES)]} Le {j + 3} mars 2020 à 12:{10 + j}", body, "Répondre"]
        else:
            items += [" ".join(rnd.choice(other).split()[:8]).rstrip(".,;:"), body, f"{j + 3} mars 2020"]
    page = rows(labels)
    at = max(i for i, (_, (g, _)) in enumerate(page) if g == "keep") + 1
    text = [t for t, _ in page]
    gold = [g for _, g in page]
    return "\n".join(text[:at] + items + text[at:]), gold[:at] + [("remove", style)] * len(items) + gold[at:]


PROSE_FAMILIES = ("site-about", "newsletter", "share-form", "site-help", "comment-form", "sidebar", "author-box",
                  "author-bio", "footer-nav", "theme-notice")


def _rows(p: Path) -> list[tuple[str, tuple[str, str]]]:
    text = [t for t in p.with_suffix(".txt").read_text(encoding="utf-8").split("\n") if t.strip()]
    return list(zip(text, read_gold(p), strict=True))


def furniture_prose(p: Path) -> list[str]:
    """The page's furniture written as sentences (site blurbs, newsletter pitches, form help, bios)."""
    seen: list[str] = []
    for t, (g, fam) in _rows(p):
        if g == "remove" and fam in PROSE_FAMILIES and len(t.split()) >= 10 and t.rstrip()[-1:] in ".!…" \
                and t not in seen:
            seen.append(t)
    return seen


def with_prose_after(labels: Path, pages: list[Path], k: int = 3,
                     short: int | None = None) -> tuple[str, list[tuple[str, str]]] | None:
    """The page with k lines of furniture prose (its own first, then other dev pages') right after the
    article, as an author bio, a site blurb or a newsletter pitch sits under a short article; with
    `short`, the article cut to its first `short` lines (the rest of the page as it is)."""
    page = _rows(labels)
    keep = [i for i, (_, (g, _)) in enumerate(page) if g == "keep"]
    if not keep:
        return None
    prose = furniture_prose(labels)
    rnd = random.Random(labels.stem)
    other = [t for q in pages if q != labels for t in furniture_prose(q)]
    rnd.shuffle(other)
    items = (prose + other)[:k]
    drop = set(keep[short:]) if short else set()
    at = keep[-1] + 1
    text = [t for i, (t, _) in enumerate(page[:at]) if i not in drop] + items + [t for t, _ in page[at:]]
    gold = [g for i, (_, g) in enumerate(page[:at]) if i not in drop] + [("remove", "prose-after")] * len(items) \
        + [g for _, g in page[at:]]
    return "\n".join(text), gold


def with_full_stop_title(labels: Path) -> tuple[str, list[tuple[str, str]]] | None:
    """The page with its headline ending with a full stop (as some sites write them)."""
    page = _rows(labels)
    if not any(g == "title" for _, (g, _) in page):
        return None
    text = [t.rstrip(".!?") + "." if g == "title" else t for t, (g, _) in page]
    return "\n".join(text), [g for _, g in page]


def stress(cleaner: Cleaner, pages: list[Path]) -> None:
    for n in (10, 25):
        variants = [v for v in (with_island(p, n) for p in pages) if v]
        print(f"island of {n} lines:  ", scores([(g, cleaner.classify(t)) for t, g in variants]))
    for style in ("comments", "teasers"):
        variants = [with_items(p, pages, style) for p in pages]
        print(f"8 {style} after it:  ", scores([(g, cleaner.classify(t)) for t, g in variants]))
    for label, k, short in (("3 furniture prose after", 3, None), ("article cut to 4 lines", 0, 4),
                            ("cut to 4 + 3 prose after", 3, 4)):
        variants = [v for v in (with_prose_after(p, pages, k, short) for p in pages) if v]
        print(f"{label}:", scores([(g, cleaner.classify(t)) for t, g in variants]))
    variants = [v for v in (with_full_stop_title(p) for p in pages) if v]
    print("headline with a full stop:", scores([(g, cleaner.classify(t)) for t, g in variants]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--errors", action="store_true", help="print every wrong line")
    ap.add_argument("--page", help="only this page (stem)")
    ap.add_argument("--no-lopo", action="store_true", help="skip the leave-one-page-out figure")
    args = ap.parse_args(argv)
    cleaner = Cleaner()
    pages = [p for p in dev_pages() if not args.page or p.stem == args.page]
    families: collections.Counter[tuple[str, str]] = collections.Counter()
    runs = []
    for labels in pages:
        gold = read_gold(labels)
        lines = cleaner.classify(labels.with_suffix(".txt").read_text(encoding="utf-8"))
        runs.append((gold, lines))
        keep = [i for i, (g, _) in enumerate(gold) if g == "keep"]
        block = cleaner._body_span(lines)
        lost = sum(ln.removed and g == "keep" for ln, (g, _) in zip(lines, gold, strict=True))
        kept = sum(not ln.removed and g != "keep" for ln, (g, _) in zip(lines, gold, strict=True))
        roles = " ".join(f"{r}:{'ok' if all(lines[i].role == r for i, (g, _) in enumerate(gold) if g == r) else 'NO'}"
                         for r in ("title", "byline") if any(g == r for g, _ in gold))
        print(f"{labels.stem:30} lines {len(gold):4} keep {len(keep):3} span {keep[0] if keep else '-'}-"
              f"{keep[-1] if keep else '-'} block {block[0]}-{block[1]}  lost {lost:3} kept-furn {kept:3}  {roles}")
        for ln, (g, fam) in zip(lines, gold, strict=True):
            wrong = ln.removed == (g == "keep")
            if wrong:
                families[("lost" if g == "keep" else "kept", fam)] += 1
            if args.errors and (wrong or (g in ("title", "byline") and ln.role != g)):
                what = ("LOST " + (ln.reason or "")) if ln.removed else f"KEPT {ln.role or ''}"
                print(f"   {ln.index:4} {g:7} {fam:14} {what:30} {ln.text[:100]}")
    print("errors by family:", dict(families.most_common()))
    print("dev:               ", scores(runs))
    if not args.page:
        stress(cleaner, pages)
    if not args.page and not args.no_lopo:
        lopo, dropped = leave_one_page_out(pages)
        print("leave-one-page-out:", lopo)
        print("  rows dropped per page:", dropped)
    return 0


if __name__ == "__main__":
    sys.exit(main())
