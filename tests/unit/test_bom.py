"""Set products: explosion, cycles, buildable quantity, the set rule, order-line explosion."""

import numpy as np
import pandas as pd
import pytest

from zaiko_xl.domain.bom import buildable, explode_bom, explode_order_lines, split_sellable
from zaiko_xl.errors import BomCycle, BomInvalid


def frame(rows):
    return pd.DataFrame(rows, columns=["set_sku", "component_sku", "quantity"])


def rules(rows):
    return pd.DataFrame(rows, columns=["set_sku", "priority", "cap"]).astype({"cap": "Int64"})


GIFT = frame([("GIFT", "MUG", 2), ("GIFT", "COFFEE", 1),
              ("DELUXE", "GIFT", 1), ("DELUXE", "TOWEL", 1),
              ("GRAND", "DELUXE", 2), ("GRAND", "MUG", 1)])


def test_explode_bom_multiplies_quantities_through_nested_sets():
    leaves = explode_bom(GIFT)
    got = {(r.set_sku, r.component_sku): r.quantity for r in leaves.itertuples()}
    assert got == {("GIFT", "MUG"): 2, ("GIFT", "COFFEE"): 1,
                   ("DELUXE", "MUG"): 2, ("DELUXE", "COFFEE"): 1, ("DELUXE", "TOWEL"): 1,
                   ("GRAND", "MUG"): 5, ("GRAND", "COFFEE"): 2, ("GRAND", "TOWEL"): 2}
    assert leaves["quantity"].dtype == "int64"


@pytest.mark.parametrize(("rows", "cycle"), [
    ([("A", "A", 1)], "A -> A"),
    ([("A", "B", 1), ("B", "A", 1)], "A -> B -> A"),
    ([("A", "B", 1), ("B", "C", 2), ("C", "A", 1), ("C", "X", 1)], "A -> B -> C -> A"),
])
def test_a_set_that_contains_itself_is_a_clear_error(rows, cycle):
    with pytest.raises(BomCycle) as caught:
        explode_bom(frame(rows))
    assert caught.value.code == "E450"
    text = caught.value.render("en")
    assert "The set structure is circular" in text
    assert set(cycle.split(" -> ")) == set(caught.value.context["cycle"].split(" -> "))
    first, *_ = caught.value.context["cycle"].split(" -> ")
    assert caught.value.context["cycle"].endswith(first)


@pytest.mark.parametrize(("rows", "detail"), [
    ([("A", "B", 0)], "quantity 0 is not a positive whole number"),
    ([("A", "B", -1)], "quantity -1 is not a positive whole number"),
    ([("A", "B", 1.5)], "quantity 1.5 is not a positive whole number"),
    ([("A", "B", "x")], "quantity x is not a positive whole number"),
    ([("A", None, 1)], "a code is empty"),
])
def test_bad_set_rows_are_refused_with_the_row_named(rows, detail):
    with pytest.raises(BomInvalid) as caught:
        explode_bom(frame(rows))
    assert caught.value.code == "E451"
    assert detail in caught.value.render("en")


def test_buildable_is_the_scarcest_component_over_its_quantity():
    stock = pd.Series({"MUG": 11, "COFFEE": 4, "TOWEL": 1})
    assert buildable(GIFT, stock).to_dict() == {"DELUXE": 1, "GIFT": 4, "GRAND": 0}


def test_buildable_counts_missing_and_negative_stock_as_zero():
    stock = pd.Series({"MUG": -3})
    assert buildable(frame([("S", "MUG", 1), ("T", "NONE", 1)]), stock).to_dict() == {"S": 0, "T": 0}


def test_sets_take_shared_components_in_priority_order_and_singles_get_the_rest():
    bom = frame([("PAIR", "MUG", 2), ("BREAKFAST", "MUG", 1), ("BREAKFAST", "COFFEE", 1)])
    sellable = pd.Series({"MUG": 7, "COFFEE": 2, "TOWEL": 5})
    split = split_sellable(sellable, bom, rules([("BREAKFAST", 1, None), ("PAIR", 2, None)]))
    assert split.sets.to_dict() == {"BREAKFAST": 2, "PAIR": 2}
    assert split.singles.to_dict() == {"COFFEE": 0, "MUG": 1, "TOWEL": 5}
    assert split.quantities().to_dict() == {"COFFEE": 0, "MUG": 1, "TOWEL": 5, "BREAKFAST": 2, "PAIR": 2}
    assert split.used_by_sets(sellable).to_dict() == {"COFFEE": 2, "MUG": 6, "TOWEL": 0}


def test_a_cap_limits_a_set_and_leaves_the_rest_to_later_claimants():
    bom = frame([("PAIR", "MUG", 2), ("BREAKFAST", "MUG", 1), ("BREAKFAST", "COFFEE", 1)])
    split = split_sellable(pd.Series({"MUG": 7, "COFFEE": 9}), bom,
                           rules([("PAIR", 1, 1), ("BREAKFAST", 2, 3)]))
    assert split.sets.to_dict() == {"BREAKFAST": 3, "PAIR": 1}
    assert split.singles.to_dict() == {"COFFEE": 6, "MUG": 2}


def test_ties_in_priority_go_by_set_code_and_sets_without_a_rule_come_last():
    bom = frame([("B", "X", 1), ("A", "X", 1), ("C", "X", 1)])
    split = split_sellable(pd.Series({"X": 3}), bom, rules([("B", 1, 2), ("A", 1, 2)]))
    assert split.sets.to_dict() == {"A": 2, "B": 1, "C": 0}
    split = split_sellable(pd.Series({"X": 3}), bom, None)
    assert split.sets.to_dict() == {"A": 3, "B": 0, "C": 0}


def test_a_zero_cap_gives_a_set_nothing():
    split = split_sellable(pd.Series({"X": 3}), frame([("S", "X", 1)]), rules([("S", 1, 0)]))
    assert split.sets.to_dict() == {"S": 0} and split.singles.to_dict() == {"X": 3}


def test_negative_sellable_units_count_as_zero():
    split = split_sellable(pd.Series({"X": -4, "Y": 2}), frame([("S", "X", 1), ("S", "Y", 1)]))
    assert split.sets.to_dict() == {"S": 0} and split.singles.to_dict() == {"X": 0, "Y": 2}


def test_nested_sets_are_split_on_their_leaf_components():
    split = split_sellable(pd.Series({"MUG": 12, "COFFEE": 3, "TOWEL": 2}), GIFT,
                           rules([("GRAND", 1, None), ("DELUXE", 2, None), ("GIFT", 3, None)]))
    # GRAND needs MUG 5, COFFEE 2, TOWEL 2 -> 1; DELUXE then: MUG 7/2, COFFEE 1, TOWEL 0 -> 0; GIFT: MUG 7/2, COFFEE 1
    assert split.sets.to_dict() == {"DELUXE": 0, "GIFT": 1, "GRAND": 1}
    assert split.singles.to_dict() == {"COFFEE": 0, "MUG": 5, "TOWEL": 0}


def _reference_split(sellable: dict, bom_rows: list, rule_rows: list) -> tuple[dict, dict]:
    """The set rule written the slow, obvious way (recursion and dicts), to check the fast one."""
    parts: dict[str, dict[str, int]] = {}
    for s, c, q in bom_rows:
        parts.setdefault(s, {}).setdefault(c, 0)
        parts[s][c] += q

    def leaves(s: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for c, q in parts[s].items():
            for leaf, per in (leaves(c).items() if c in parts else [(c, 1)]):
                out[leaf] = out.get(leaf, 0) + q * per
        return out

    rule = {s: (p, cap) for s, p, cap in rule_rows}
    order = sorted(parts, key=lambda s: (rule.get(s, (float("inf"), None))[0], s))
    remaining = {k: max(0, v) for k, v in sellable.items()}
    given = {}
    for s in order:
        need = leaves(s)
        units = min(remaining.get(c, 0) // q for c, q in need.items())
        cap = rule.get(s, (0, None))[1]
        units = units if cap is None else min(units, cap)
        for c, q in need.items():
            remaining[c] = remaining.get(c, 0) - units * q
        given[s] = units
    return given, remaining


def _random_shop(seed: int):
    rng = np.random.default_rng(seed)
    comps = [f"C{i}" for i in range(int(rng.integers(2, 8)))]
    sets = [f"S{i}" for i in range(int(rng.integers(1, 7)))]
    rows = []
    for i, s in enumerate(sets):
        pool = comps + sets[:i]  # only earlier sets: no cycles
        for c in rng.choice(pool, size=min(len(pool), int(rng.integers(1, 4))), replace=False):
            rows.append((s, str(c), int(rng.integers(1, 4))))
    sellable = {c: int(rng.integers(-3, 30)) for c in comps}
    rule_rows = [(s, int(rng.integers(1, 4)), None if rng.random() < 0.5 else int(rng.integers(0, 6)))
                 for s in sets if rng.random() < 0.8]
    return sellable, rows, rule_rows


@pytest.mark.parametrize("seed", range(60))
def test_split_never_counts_a_unit_twice_and_agrees_with_a_plain_implementation(seed):
    sellable, rows, rule_rows = _random_shop(seed)
    split = split_sellable(pd.Series(sellable), frame(rows), rules(rule_rows) if rule_rows else None)
    expected_sets, expected_rest = _reference_split(sellable, rows, rule_rows)
    assert split.sets.to_dict() == expected_sets
    assert split.singles.to_dict() == {k: v for k, v in sorted(expected_rest.items())}
    leaves = explode_bom(frame(rows))
    used = (leaves["quantity"] * leaves["set_sku"].map(split.sets)).groupby(leaves["component_sku"]).sum()
    for component, units in sellable.items():
        assert used.get(component, 0) + split.singles[component] == max(units, 0)
        assert split.singles[component] >= 0
    caps = {s: cap for s, _, cap in rule_rows if cap is not None}
    alone = buildable(frame(rows), pd.Series(sellable))
    for set_sku, units in split.sets.items():
        assert units <= caps.get(set_sku, units) and units <= alone[set_sku]


def test_explode_order_lines_replaces_set_lines_by_their_components():
    orders = pd.DataFrame({"order_number": ["o1", "o2", "o3"], "sku": ["TOWEL", "DELUXE", "MUG"],
                           "quantity": [1, 2, 3], "status": ["unshipped"] * 3}, index=[7, 8, 9])
    out = explode_order_lines(orders, GIFT)
    assert out.index.tolist() == [7, 8, 8, 8, 9]
    assert out[["order_number", "sku", "quantity"]].values.tolist() == [
        ["o1", "TOWEL", 1], ["o2", "COFFEE", 2], ["o2", "MUG", 4], ["o2", "TOWEL", 2], ["o3", "MUG", 3]]
    assert out["set_sku"].isna().tolist() == [True, False, False, False, True]
    assert (out["set_sku"].dropna() == "DELUXE").all()


def test_explode_order_lines_without_set_lines_keeps_the_lines():
    orders = pd.DataFrame({"sku": ["MUG"], "quantity": [1]})
    out = explode_order_lines(orders, GIFT)
    assert out[["sku", "quantity"]].values.tolist() == [["MUG", 1]]


def test_split_is_fast_enough_for_a_hundred_thousand_skus():
    rng = np.random.default_rng(3)
    comps = np.array([f"C{i:06d}" for i in range(100_000)], dtype=object)
    sets = [f"S{i:05d}" for i in range(3_000)]
    rows = [(s, comps[j], 1) for s in sets for j in rng.choice(100_000, size=3, replace=False)]
    split = split_sellable(pd.Series(rng.integers(0, 50, size=100_000), index=comps), frame(rows))
    assert len(split.sets) == 3_000 and len(split.singles) == 100_000


def test_a_shop_without_sets_gives_every_unit_to_the_singles():
    empty = frame([])
    assert explode_bom(empty).empty and buildable(empty, pd.Series({"X": 1})).empty
    split = split_sellable(pd.Series({"X": 3, "Y": -1}), empty, rules([]))
    assert split.sets.empty and split.quantities().to_dict() == {"X": 3, "Y": 0}
    lines = pd.DataFrame({"sku": ["X"], "quantity": [2]})
    assert explode_order_lines(lines, empty)[["sku", "quantity"]].values.tolist() == [["X", 2]]
