from veille.regex_source import first_group_end, required_literals, top_level_alternatives


def test_top_level_alternatives_skip_groups_classes_and_escapes():
    assert top_level_alternatives("a|(b|c)|[|]d|\\|e") == ["a", "(b|c)", "[|]d", "\\|e"]
    assert top_level_alternatives("[]|]x|[^]|]y") == ["[]|]x", "[^]|]y"]
    assert top_level_alternatives("abc") == ["abc"]


def test_first_group_end_is_after_the_opening_groups_closing_paren():
    assert first_group_end("(?:a|(b))?c") == 9
    assert first_group_end("(?P<x>[)])z") == 10
    assert first_group_end("(a") is None


def test_required_literals_spell_out_runs_groups_and_alternatives():
    assert required_literals(r"(?<![\w-])(?P<rom>[ivxl]{1,7})\s?(?:e|eme)\s{1,3}siecle(?![\w-])") == ("siecle",)
    # a run with alternatives is spelt out (the parser factors "j" out of the alternatives)
    assert required_literals(r"(?:janvier|fevrier)\s{1,3}20\d\d") == ("fevrier", "janvier")
    assert required_literals(r"(?:jan|juin|juil)\s{1,3}(?:fin|debut)") is None  # "jan", "fin": too short
    assert required_literals(r"le (?:premier|second) trimestre", min_length=3) == (
        "le premier trimestre", "le second trimestre")
    assert required_literals(r"(?:siecle|annees)\d") == ("annees", "siecle")
    # repeated at least once: still required; optional: not
    assert required_literals(r"(?:trimestre)+") == ("trimestre",)
    assert required_literals(r"(?:trimestre)?x") is None


def test_required_literals_give_up_when_no_selective_set_exists():
    assert required_literals(r"abc|x") is None  # a branch without a requirement
    assert required_literals(r"\d{4}") is None
    assert required_literals(r"(?i)siecle") is None  # case-blind literals
    assert required_literals(r"x(?i:siecle)") is None
    assert required_literals(r"(?:a|b|c|d|e)(?:f|g|h|i|j)(?:k|l|m|n|o)") is None  # too many strings
    assert required_literals(r"(unclosed") is None


def test_every_timex_rule_match_contains_one_of_its_required_strings():
    from pathlib import Path

    from veille.config import Settings
    from veille.timex import TimexTagger, fold_same_length

    tagger = TimexTagger(Settings())
    pages = Path(__file__).resolve().parents[1] / "src" / "veille" / "sample" / "pages"
    texts = [fold_same_length(p.read_text(encoding="utf-8")) for p in sorted(pages.glob("*.txt"))]
    texts.append("au xxe siecle, le premier trimestre 2019, les annees 90, la fete du travail, apres-demain, "
                 "hier soir, le lendemain matin, a midi, chaque semaine, dans trois jours, fin de l'annee, "
                 "depuis quelques semaines, la veille, cet apres-midi, a la mi-journee, next week")
    checked = 0
    for _priority, timex_rule, rule in tagger.scanners:
        name = timex_rule.name
        if rule.required is None:
            continue
        for text in texts:
            for m in rule.regex.finditer(text):
                assert any(s in m.group(0) for s in rule.required), (name, m.group(0))
                checked += 1
    assert checked >= 20
