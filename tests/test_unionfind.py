"""The merge's union-find (veille.merge.unionfind)."""

from __future__ import annotations

from veille.merge.unionfind import MinRootForest


def test_sets_are_named_by_their_smallest_id_whatever_the_order_of_unions():
    pairs = [("d", "c"), ("b", "e"), ("c", "b"), ("x", "y")]
    for order in (pairs, list(reversed(pairs))):
        forest = MinRootForest()
        assert [forest.union(a, b) for a, b in order].count(True) == 4
        assert {x: forest.find(x) for x in "bcdexy"} == {"b": "b", "c": "b", "d": "b", "e": "b", "x": "x", "y": "x"}


def test_an_id_no_union_touched_is_its_own_set_and_is_stored_only_when_given():
    forest = MinRootForest(["a"])
    assert forest.find("z") == "z" and "z" not in forest
    assert forest.union("a", "b") and not forest.union("b", "a")
    assert sorted(forest) == ["a", "b"]
