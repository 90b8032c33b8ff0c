from veille.regex_source import first_group_end, top_level_alternatives


def test_top_level_alternatives_skip_groups_classes_and_escapes():
    assert top_level_alternatives("a|(b|c)|[|]d|\\|e") == ["a", "(b|c)", "[|]d", "\\|e"]
    assert top_level_alternatives("[]|]x|[^]|]y") == ["[]|]x", "[^]|]y"]
    assert top_level_alternatives("abc") == ["abc"]


def test_first_group_end_is_after_the_opening_groups_closing_paren():
    assert first_group_end("(?:a|(b))?c") == 9
    assert first_group_end("(?P<x>[)])z") == 10
    assert first_group_end("(a") is None
