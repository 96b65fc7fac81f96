"""The sample shop's catalogue: products with size/colour variants, sets, suppliers, codes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Category:
    prefix: str
    group: str
    names: tuple[str, ...]
    shape: str  # sized | coloured | single
    price: tuple[int, int]
    peak_day: int  # day of the year with the most demand
    amplitude: float  # seasonal swing (0: flat)
    share: float  # share of products
    food: bool = False  # has lots and best-before dates
    supplier: int = 0  # index of the preferred supplier among the first five


CATEGORIES = (
    Category("TS", "Tシャツ", ("オーガニックコットンTシャツ", "ドライメッシュTシャツ", "ポケットTシャツ", "ボーダーTシャツ"),
             "sized", (2480, 4980), 196, 0.5, 0.18),
    Category("PK", "パーカー", ("スウェットパーカー", "ジップパーカー", "裏起毛パーカー"), "sized", (5480, 8980), 15, 0.6, 0.12),
    Category("SK", "ソックス", ("リブソックス", "スニーカーソックス", "5本指ソックス"), "sized", (780, 1980), 0, 0.1, 0.12),
    Category("TW", "タオル", ("今治フェイスタオル", "今治バスタオル", "ガーゼハンカチ"), "coloured", (980, 3980), 196, 0.4, 0.15,
             supplier=1),
    Category("MG", "マグカップ", ("波佐見焼マグ", "ステンレスマグ", "ペアマグ"), "coloured", (1680, 3480), 350, 0.35, 0.12,
             supplier=2),
    Category("BG", "バッグ", ("帆布トートバッグ", "エコバッグ", "サコッシュ"), "coloured", (1980, 5980), 100, 0.1, 0.11,
             supplier=4),
    Category("CF", "コーヒー", ("ドリップバッグコーヒー", "コーヒー豆 200g", "カフェインレスコーヒー"), "single", (980, 2980), 20,
             0.3, 0.10, food=True, supplier=3),
    Category("TE", "紅茶", ("ダージリン茶葉", "ティーバッグ アソート"), "single", (880, 2480), 20, 0.3, 0.10, food=True,
             supplier=3),
)
SET_GROUP = "セット"
SET_NAMES = ("ギフトセット", "お試しセット", "ペアセット", "福袋")
COLOURS = (("BK", "ブラック"), ("WH", "ホワイト"), ("NV", "ネイビー"), ("RD", "レッド"), ("GR", "グリーン"),
           ("BE", "ベージュ"), ("GY", "グレー"), ("PK", "ピンク"))
SIZES = ("S", "M", "L", "XL")
SIZE_WEIGHT = {"S": 0.2, "M": 0.35, "L": 0.3, "XL": 0.15}
# variant shapes: variants per product -> (colours, sizes)
SIZED = {3: (1, 3), 4: (1, 4), 6: (2, 3), 8: (2, 4)}
SIZED_P = (0.35, 0.25, 0.25, 0.15)
COLOURED = {1: (1, 0), 2: (2, 0), 3: (3, 0)}
COLOURED_P = (0.5, 0.3, 0.2)
SUPPLIER_NAMES = ("東和繊維株式会社", "今治タオル工房", "波佐見陶器商会", "北浜珈琲商会", "みなと雑貨卸")
PACKS = ((12, 6), (24, 12), (10, 1), (50, 10), (6, 6))  # (MOQ, case pack)
LEAD_TIMES = (5, 7, 10, 14, 20)  # business days


@dataclass(frozen=True)
class Catalog:
    """The catalogue frames plus per-SKU facts the simulation needs (aligned with ``items``)."""

    items: pd.DataFrame
    bom: pd.DataFrame
    set_rules: pd.DataFrame
    suppliers: pd.DataFrame
    assignments: pd.DataFrame
    mapping: pd.DataFrame
    category: np.ndarray  # index into CATEGORIES; len(CATEGORIES) for sets
    product: np.ndarray  # product number (siblings share it)
    popularity: np.ndarray  # relative demand weight within the category


def build_catalog(skus: int, rng: np.random.Generator, closed_years: range) -> Catalog:
    """Items (singles + sets), set structure and rules, suppliers and their assignment."""
    n_sets = max(2, round(skus * 0.06))
    singles = _singles(skus - n_sets, rng)
    n_suppliers = max(5, round(skus / 100))
    suppliers = _suppliers(n_suppliers, rng, closed_years)
    _assign_suppliers(singles, n_suppliers, rng)
    sets, bom, set_rules = _sets(n_sets, singles, rng)
    items = pd.concat([singles, sets], ignore_index=True)
    items["jan"] = _jan_codes(len(items), rng)
    mapping = _mapping(items, rng)
    alt_cost = items.pop("_alt_cost").to_numpy(np.int64)
    category = items.pop("_category").to_numpy(np.int64)
    product = items.pop("_product").to_numpy(np.int64)
    popularity = items.pop("_popularity").to_numpy(np.float64)
    items = items[["sku", "manage_number", "variant_id", "warehouse_code", "jan", "name", "variant_label", "group",
                   "supplier", "alt_supplier", "unit_cost", "price", "is_set"]]
    assignments = pd.DataFrame({"sku": items["sku"], "preferred": items["supplier"],
                                "alternative": items["alt_supplier"], "unit_cost": items["unit_cost"],
                                "alt_unit_cost": alt_cost})
    assignments = assignments[~items["is_set"].to_numpy()].reset_index(drop=True)
    return Catalog(items, bom, set_rules, suppliers, assignments, mapping, category, product, popularity)


def _singles(count: int, rng: np.random.Generator) -> pd.DataFrame:
    """Products with variants until ``count`` single SKUs exist (random draws made up front)."""
    draws = _ProductDraws.draw(count, rng)
    rows: list[tuple] = []
    numbers = [0] * len(CATEGORIES)
    width = max(4, len(str(count)))
    product = 0
    while len(rows) < count:
        cat_index = int(draws.category[product])
        cat = CATEGORIES[cat_index]
        numbers[cat_index] += 1
        code = f"{cat.prefix}-{numbers[cat_index]:0{width}d}"
        name = f"{cat.names[draws.name[product] % len(cat.names)]} No.{numbers[cat_index]}"
        price = int(round(cat.price[0] + draws.price[product] * (cat.price[1] - cat.price[0]), -2)) - 20
        for suffix, label, weight in _variants(cat, draws.shape[product], draws.colours[product]):
            rows.append((code + suffix, code.lower(), name, label, cat.group, price, cat_index, product,
                         draws.appeal[product] * weight))
        product += 1
    frame = pd.DataFrame(rows[:count], columns=["sku", "manage_number", "name", "variant_label", "group", "price",
                                                 "_category", "_product", "_popularity"])
    frame["variant_id"] = frame["sku"]
    frame["warehouse_code"] = frame["sku"]
    frame["is_set"] = False
    return frame


@dataclass(frozen=True)
class _ProductDraws:
    """Random choices for up to ``count`` products, drawn in a few vectorised calls."""

    category: np.ndarray
    name: np.ndarray
    price: np.ndarray
    appeal: np.ndarray
    shape: np.ndarray  # uniform 0..1, turned into a variant count per category shape
    colours: np.ndarray  # a random order of the palette per product

    @classmethod
    def draw(cls, count: int, rng: np.random.Generator) -> _ProductDraws:
        shares = np.array([c.share for c in CATEGORIES])
        return cls(category=rng.choice(len(CATEGORIES), size=count, p=shares),
                   name=rng.integers(0, 1 << 30, size=count), price=rng.random(count),
                   appeal=rng.lognormal(0.0, 1.0, size=count), shape=rng.random(count),
                   colours=np.argsort(rng.random((count, len(COLOURS))), axis=1))


def _variants(cat: Category, shape_draw: float, palette: np.ndarray) -> list[tuple[str, str, float]]:
    """(code suffix, label, demand weight) of each variant of one product."""
    if cat.shape == "single":
        return [("", "", 1.0)]
    table, probs = (SIZED, SIZED_P) if cat.shape == "sized" else (COLOURED, COLOURED_P)
    colours, sizes = table[list(table)[int(np.searchsorted(np.cumsum(probs), shape_draw * sum(probs)))]]
    picked = [COLOURS[i] for i in palette[:colours]]
    colour_weight = np.array([0.6, 0.4, 0.3][:colours]) / sum([0.6, 0.4, 0.3][:colours])
    out = []
    for (code, label), cw in zip(picked, colour_weight, strict=True):
        colour_suffix = f"-{code}" if colours > 1 or sizes == 0 else ""
        colour_label = label if colours > 1 or sizes == 0 else ""
        if sizes == 0:
            out.append((colour_suffix, colour_label, float(cw)))
            continue
        for size in SIZES[:sizes]:
            text = f"{colour_label} / {size}" if colour_label else size
            out.append((f"{colour_suffix}-{size}", text, float(cw * SIZE_WEIGHT[size])))
    return out


def _suppliers(count: int, rng: np.random.Generator, closed_years: range) -> pd.DataFrame:
    from zaiko_xl.domain.model import ClosedPeriod
    from zaiko_xl.domain.suppliers import format_closed_periods

    rows = []
    for i in range(count):
        moq, pack = PACKS[i % len(PACKS)] if i < len(PACKS) else PACKS[int(rng.integers(len(PACKS)))]
        lead = LEAD_TIMES[i] if i < len(LEAD_TIMES) else int(rng.choice(LEAD_TIMES))
        new_year_end = 4 if i % 2 == 0 else 5
        periods = []
        for year in closed_years:
            periods.append(ClosedPeriod(pd.Timestamp(year - 1, 12, 29).date(), pd.Timestamp(year, 1, new_year_end).date(),
                                        "年末年始"))
            if i % 5 != 2:
                periods.append(ClosedPeriod(pd.Timestamp(year, 8, 13).date(), pd.Timestamp(year, 8, 16).date(), "お盆"))
        name = SUPPLIER_NAMES[i] if i < len(SUPPLIER_NAMES) else f"仕入先{i + 1:04d}"
        rows.append((f"SUP{i + 1:03d}", name, lead, round(float(rng.uniform(0.5, 3.0)), 1), moq, pack,
                     format_closed_periods(sorted(periods, key=lambda p: p.start))))
    frame = pd.DataFrame(rows, columns=["supplier", "name", "lead_time_days", "lead_time_std_days", "moq", "case_pack",
                                        "closed"])
    return frame.astype({"lead_time_days": "int64", "moq": "int64", "case_pack": "int64"})


def _assign_suppliers(singles: pd.DataFrame, n_suppliers: int, rng: np.random.Generator) -> None:
    """Preferred + alternative supplier per product, costs per SKU (in place)."""
    products = singles.groupby("_product", sort=True)["_category"].first()
    affinity = np.array([CATEGORIES[c].supplier for c in products.to_numpy()])
    blocks = max(1, n_suppliers // 5)
    preferred = (affinity + 5 * rng.integers(0, blocks, size=len(products))) % n_suppliers
    alternative = (preferred + 1 + rng.integers(0, n_suppliers - 1, size=len(products))) % n_suppliers
    codes = np.array([f"SUP{i + 1:03d}" for i in range(n_suppliers)], dtype=object)
    at = singles["_product"].to_numpy()
    singles["supplier"] = codes[preferred[at]]
    singles["alt_supplier"] = codes[alternative[at]]
    cost = np.round(singles["price"].to_numpy() * rng.uniform(0.35, 0.5, size=len(products))[at], -1)
    singles["unit_cost"] = cost.astype(np.int64)
    singles["_alt_cost"] = np.round(cost * rng.uniform(1.05, 1.2, size=len(products))[at], -1).astype(np.int64)


def _sets(count: int, singles: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                                   pd.DataFrame]:
    """Set items, their structure (some nested, many sharing components) and their rules."""
    pool_size = min(len(singles), max(4, count))
    pool = rng.choice(len(singles), size=pool_size, replace=False)
    codes = [f"ST-{i + 1:0{max(4, len(str(count)))}d}" for i in range(count)]
    price_of = dict(zip(singles["sku"], singles["price"], strict=True))
    bom_rows, set_rows = [], []
    for i, code in enumerate(codes):
        parts = [(singles["sku"].iat[j], int(rng.choice([1, 1, 1, 2])))
                 for j in rng.choice(pool, size=int(rng.integers(2, 4)), replace=False)]
        if i >= 3 and rng.random() < 0.15:
            parts = [(codes[int(rng.integers(0, i))], 1), *parts[:-1]]
        bom_rows.extend((code, sku, q) for sku, q in parts)
        price_of[code] = int(round(sum(price_of[sku] * q for sku, q in parts) * 0.9, -2)) - 20
        name = f"{SET_NAMES[i % len(SET_NAMES)]} No.{i + 1}"
        set_rows.append((code, code.lower(), name, price_of[code], float(rng.lognormal(-0.7, 0.8))))
    sets = pd.DataFrame(set_rows, columns=["sku", "manage_number", "name", "price", "_popularity"])
    sets = sets.assign(variant_id=sets["sku"], warehouse_code=pd.Series(np.nan, index=sets.index, dtype="str"),
                       variant_label="", group=SET_GROUP, is_set=True, _category=len(CATEGORIES),
                       _product=singles["_product"].max() + 1 + np.arange(count),
                       supplier=pd.Series(np.nan, index=sets.index, dtype="str"),
                       alt_supplier=pd.Series(np.nan, index=sets.index, dtype="str"),
                       unit_cost=_set_costs(bom_rows, singles), _alt_cost=0)
    bom = pd.DataFrame(bom_rows, columns=["set_sku", "component_sku", "quantity"]).astype({"quantity": "int64"})
    capped = rng.random(count) < 0.4
    caps = pd.array(rng.choice([3, 5, 10, 20], size=count), dtype="Int64")
    caps[~capped] = pd.NA
    rules = pd.DataFrame({"set_sku": codes, "priority": rng.permutation(count) + 1, "cap": caps})
    rules = rules.astype({"priority": "int64"})
    return sets, bom, rules


def _set_costs(bom_rows: list[tuple[str, str, int]], singles: pd.DataFrame) -> np.ndarray:
    cost = dict(zip(singles["sku"], singles["unit_cost"], strict=True))
    totals: dict[str, int] = {}
    for set_sku, sku, q in bom_rows:  # nested sets come after the sets they contain
        totals[set_sku] = totals.get(set_sku, 0) + q * (totals[sku] if sku in totals else cost[sku])
    return np.array(list(totals.values()), dtype=np.int64)


def _jan_codes(count: int, rng: np.random.Generator) -> np.ndarray:
    """Unique 13-digit JAN codes (prefix 45/49) with a valid check digit."""
    start = int(rng.integers(0, 10**10))
    body = 45 * 10**10 + (np.arange(count, dtype=np.int64) * 7_919 + start) % 10**10  # 7919 is prime: unique
    digits = (body[:, None] // 10 ** np.arange(11, -1, -1)) % 10
    weighted = (digits[:, 0::2].sum(axis=1) + 3 * digits[:, 1::2].sum(axis=1)) % 10
    check = (10 - weighted) % 10
    return np.array([f"{b:012d}{c}" for b, c in zip(body.tolist(), check.tolist(), strict=True)], dtype=object)


def _mapping(items: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Give some products numeric RMS variant ids or legacy warehouse codes; list them (対応表)."""
    singles = items[~items["is_set"]]
    per_product = singles["manage_number"].value_counts()
    multi = np.sort(per_product.index[per_product > 1].to_numpy(dtype=object))
    numeric = rng.choice(multi, size=max(1, round(len(multi) * 0.08)), replace=False) if len(multi) else []
    products = np.sort(singles["manage_number"].unique().to_numpy(dtype=object))
    legacy = rng.choice(products, size=max(1, round(len(products) * 0.01)), replace=False)
    is_numeric = items["manage_number"].isin(numeric)
    items.loc[is_numeric, "variant_id"] = (items[is_numeric].groupby("manage_number").cumcount() + 1).astype(str)
    is_legacy = items["manage_number"].isin(legacy) & ~items["is_set"]
    serial = (np.arange(int(is_legacy.sum())) * 7_919 + int(rng.integers(0, 9_000_000))) % 9_000_000 + 1_000_000
    items.loc[is_legacy, "warehouse_code"] = [f"W{n:07d}" for n in serial.tolist()]
    listed = items[is_numeric | is_legacy]
    return listed[["sku", "manage_number", "variant_id", "warehouse_code", "jan"]].reset_index(drop=True)
