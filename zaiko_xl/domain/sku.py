"""SKU identity across systems: code normalisation, RMS code rules, vectorised matching.

Every source names a SKU in its own way (data-contracts.md §1). This module resolves a
column of raw codes to the shop's own code ``sku`` in three steps, in this order:

1. ``exact``: the raw code is a master SKU, character for character;
2. ``mapping``: the mapping sheet (対応表) or another alias table names it;
3. ``normalised``: it equals a master SKU (or alias) after :func:`normalise_code`
   (NFKC, every dash and long-vowel mark to ``-``, no spaces, case-folded).

Every resolved row records how it was matched. Keys that two different master SKUs share
after normalisation are ambiguous: they never match, and are reported as collisions.
Normalisation runs once per unique value, so 100,000 rows take a fraction of a second.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import numpy as np
import pandas as pd

RMS_CODE_MAX_BYTES = 32
RMS_KEY_SEPARATOR = ":"  # allowed in neither manageNumber nor variantId

# Dashes, minus signs and long-vowel marks that people and programs put into codes.
# (NFKC has already turned full-width ー/－ into these or into '-'.)
_DASHES = ("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\u02d7\u2796\ufe58\ufe63\uff0d"
           "\u30fc\uff70\u2500\u2501\u058a\u1806\u2e3a\u2e3b")
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"  # soft hyphen, zero-width characters, BOM
_TRANSLATION = {**{ord(c): "-" for c in _DASHES}, **{ord(c): None for c in _INVISIBLE}}

# Both fields: a-z A-Z 0-9 - _ (RMS folds an upper-case manageNumber instead of refusing it).
_RMS_CHARS = re.compile(r"[A-Za-z0-9_-]*")


class Match(StrEnum):
    """How a raw code was resolved to ``sku``."""

    EXACT = "exact"
    MAPPING = "mapping"
    NORMALISED = "normalised"
    UNMATCHED = "unmatched"


class RmsField(StrEnum):
    MANAGE_NUMBER = "manage_number"
    VARIANT_ID = "variant_id"


class CodeProblem(StrEnum):
    """Why RMS would refuse a code."""

    EMPTY = "empty"
    BAD_CHARACTERS = "bad_characters"
    TOO_LONG = "too_long"


# ------------------------------------------------------------------ normalisation
def normalise_code(code: str, *, fold_case: bool = True) -> str:
    """One code in its comparable form.

    NFKC (全角 -> 半角), every hyphen, dash, minus and long-vowel mark -> ``-``, zero-width
    characters and all whitespace (surrounding and inner) removed; lower case when
    ``fold_case`` (use ``fold_case=False`` for RMS ``variantId``, which is case-sensitive).

    Args:
        code: a raw code as a source wrote it.
        fold_case: fold to lower case.

    Returns:
        The normalised code ("" for a code of only spaces).
    """
    return _normalise(code, fold_case)


@lru_cache(maxsize=1 << 18)
def _normalise(code: str, fold_case: bool) -> str:
    if not code.isascii():  # ASCII has nothing for NFKC or the dash table to change
        code = unicodedata.normalize("NFKC", code).translate(_TRANSLATION)
    text = "".join(code.split())
    return text.lower() if fold_case else text


def normalise_codes(codes: pd.Series, *, fold_case: bool = True) -> pd.Series:
    """:func:`normalise_code` over a column, once per unique value; missing stays missing.

    Args:
        codes: raw codes (any dtype; values are turned into ``str``).
        fold_case: fold to lower case.

    Returns:
        A ``str`` Series with the index of ``codes``.
    """
    positions, uniques = pd.factorize(codes, use_na_sentinel=True)
    normed = [_normalise(u if isinstance(u, str) else str(u), fold_case) for u in np.asarray(uniques, dtype=object)]
    table = np.array([*normed, np.nan], dtype=object)
    return pd.Series(table[positions], index=codes.index, dtype="str", name=codes.name)


def rms_key(manage_number: str, variant_id: str) -> str:
    """The one-string form of an RMS SKU key: normalised (folded) manageNumber + ':' + variantId as is."""
    return f"{normalise_code(manage_number)}{RMS_KEY_SEPARATOR}{variant_id}"


def rms_keys(manage_numbers: pd.Series, variant_ids: pd.Series) -> pd.Series:
    """:func:`rms_key` over two aligned columns."""
    folded = normalise_codes(manage_numbers.astype("str"))
    return folded + RMS_KEY_SEPARATOR + variant_ids.astype("str")


# ------------------------------------------------------------------ RMS code rules
def rms_code_problem(code: str | None, field: RmsField) -> CodeProblem | None:
    """Why RMS would refuse ``code`` as ``field``, or None when it accepts it.

    ``manageNumber``: ``a-z 0-9 - _`` (upper case is accepted and folded), <= 32 bytes;
    ``variantId``: ``a-z A-Z 0-9 - _`` (case kept), <= 32 bytes.
    """
    if code is None or (isinstance(code, float) and np.isnan(code)) or code == "":
        return CodeProblem.EMPTY
    if not _RMS_CHARS.fullmatch(code):
        return CodeProblem.BAD_CHARACTERS
    if len(code.encode("utf-8")) > RMS_CODE_MAX_BYTES:
        return CodeProblem.TOO_LONG
    return None


def rms_code_problems(frame: pd.DataFrame) -> pd.DataFrame:
    """Every code in ``frame`` (columns ``manage_number``, ``variant_id``) that RMS would refuse.

    Returns:
        One row per refused code: ``row`` (the frame's index label), ``field``, ``code``,
        ``problem`` (a :class:`CodeProblem` value). Empty when all codes are acceptable.
    """
    parts = []
    for field in RmsField:
        codes = frame[field.value].astype("str")
        empty = codes.isna() | (codes == "")
        bad = ~empty & ~codes.str.fullmatch(_RMS_CHARS.pattern).fillna(False).astype(bool)
        long_ = ~empty & ~bad & (codes.str.len() > RMS_CODE_MAX_BYTES)
        problem = np.select([empty, bad, long_], [CodeProblem.EMPTY, CodeProblem.BAD_CHARACTERS,
                                                  CodeProblem.TOO_LONG], default="")
        hit = problem != ""
        parts.append(pd.DataFrame({"row": frame.index[hit], "field": field.value,
                                   "code": codes[hit].to_numpy(), "problem": problem[hit]}))
    return pd.concat(parts, ignore_index=True).astype({"field": "str", "problem": "str"})


# ------------------------------------------------------------------ matching
@dataclass(frozen=True)
class CodeMatch:
    """The outcome of resolving one source's codes to ``sku``.

    Attributes:
        resolved: index of the input; ``code`` (raw), ``sku`` (NaN when unmatched), ``match``.
        collisions: ``side`` ('source': different raw codes that resolve or normalise to one
            key; 'master': different master SKUs / aliases sharing one normalised key;
            'mapping': one alias naming two SKUs), ``key``, ``codes`` (tuple of the codes),
            ``skus`` (tuple of the SKUs concerned).
        unmatched_codes: ``code``, ``key`` (normalised), ``rows`` (how many input rows).
        unmatched_skus: master SKUs that no input row resolved to.
    """

    resolved: pd.DataFrame
    collisions: pd.DataFrame
    unmatched_codes: pd.DataFrame
    unmatched_skus: pd.Series

    def counts(self) -> dict[str, int]:
        """Rows per :class:`Match` value (every value present, zero included)."""
        found = self.resolved["match"].value_counts()
        return {m.value: int(found.get(m.value, 0)) for m in Match}


def match_codes(codes: pd.Series, skus: pd.Series, aliases: pd.DataFrame | None = None, *,
                fold_case: bool = True) -> CodeMatch:
    """Resolve raw codes to master SKUs: exact, then aliases (mapping), then normalised.

    Args:
        codes: raw codes of one source (e.g. warehouse codes), any index.
        skus: the master SKUs (the item master's ``sku``), unique.
        aliases: optional alias table with columns ``code`` and ``sku`` (the mapping sheet's
            column for this source); rows with a missing code are ignored.
        fold_case: compare case-insensitively in the normalised step.

    Returns:
        A :class:`CodeMatch`.
    """
    table = _alias_table(aliases)
    norm_targets = pd.concat([pd.DataFrame({"code": skus.to_numpy(), "sku": skus.to_numpy()}), table],
                             ignore_index=True)
    return _resolve(_Lookup(codes, codes, codes, codes), skus, table, norm_targets, fold_case)


def match_warehouse_codes(codes: pd.Series, skus: pd.Series, mapping: pd.DataFrame | None = None) -> CodeMatch:
    """Resolve warehouse (WMS) codes; ``mapping`` is any frame with ``sku`` and ``warehouse_code``.

    The item master itself may be passed as ``mapping`` (its ``warehouse_code`` column).
    """
    aliases = None
    if mapping is not None:
        aliases = mapping.loc[:, ["warehouse_code", "sku"]].rename(columns={"warehouse_code": "code"})
    return match_codes(codes, skus, aliases, fold_case=True)


def match_rms_keys(manage_numbers: pd.Series, variant_ids: pd.Series, skus: pd.Series,
                   mapping: pd.DataFrame | None = None) -> CodeMatch:
    """Resolve RMS SKU keys (``manage_number`` + ``variant_id``, aligned) to master SKUs.

    exact: ``variant_id`` is a master SKU, case and all; mapping: the pair (manageNumber
    folded, variantId as is) is in ``mapping`` (columns ``sku``, ``manage_number``,
    ``variant_id``); normalised: ``variant_id`` equals a master SKU after normalisation
    (case-insensitive). The ``code`` of the result is :func:`rms_key`.
    """
    pair = rms_keys(manage_numbers, variant_ids)
    table = None
    if mapping is not None:
        known = mapping.dropna(subset=["manage_number", "variant_id"])
        table = pd.DataFrame({"code": rms_keys(known["manage_number"], known["variant_id"]).to_numpy(),
                              "sku": known["sku"].to_numpy()})
    table = _alias_table(table)
    norm_targets = pd.DataFrame({"code": skus.to_numpy(), "sku": skus.to_numpy()})
    return _resolve(_Lookup(pair, variant_ids.astype("str"), pair, variant_ids.astype("str")), skus, table,
                    norm_targets, fold_case=True)


@dataclass(frozen=True)
class _Lookup:
    """The raw column as shown, and the column used by each step (aligned)."""

    shown: pd.Series
    exact: pd.Series
    alias: pd.Series
    norm: pd.Series


def _alias_table(aliases: pd.DataFrame | None) -> pd.DataFrame:
    if aliases is None:
        return pd.DataFrame({"code": pd.Series([], dtype="str"), "sku": pd.Series([], dtype="str")})
    table = aliases.loc[:, ["code", "sku"]].dropna().astype("str")
    return table[table["code"] != table["sku"]].drop_duplicates()


def _unique_lookup(keys: pd.Series, skus: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
    """key -> sku for keys naming exactly one SKU, and the keys naming several."""
    pairs = pd.DataFrame({"key": keys.to_numpy(), "sku": skus.to_numpy()}).dropna().drop_duplicates()
    pairs = pairs[pairs["key"] != ""]
    dup = pairs["key"].duplicated(keep=False)
    single = pairs[~dup]
    return pd.Series(single["sku"].to_numpy(), index=single["key"].to_numpy()), pairs[dup]


def _resolve(raw: _Lookup, skus: pd.Series, aliases: pd.DataFrame, norm_targets: pd.DataFrame,
             fold_case: bool) -> CodeMatch:
    n = len(raw.shown)
    sku = np.full(n, np.nan, dtype=object)
    how = np.full(n, Match.UNMATCHED.value, dtype=object)

    exact = raw.exact.isin(pd.Index(skus)).to_numpy()
    sku[exact], how[exact] = raw.exact.to_numpy()[exact], Match.EXACT.value

    alias_map, alias_clash = _unique_lookup(aliases["code"], aliases["sku"])
    via_alias = raw.alias.map(alias_map).to_numpy()
    take = ~exact & pd.notna(via_alias)
    sku[take], how[take] = via_alias[take], Match.MAPPING.value

    norm_targets = norm_targets[~norm_targets["code"].isin(alias_clash["key"])]  # reported once, as 'mapping'
    norm_keys = normalise_codes(norm_targets["code"], fold_case=fold_case)
    norm_map, norm_clash = _unique_lookup(norm_keys, norm_targets["sku"])
    raw_norm = normalise_codes(raw.norm, fold_case=fold_case)
    via_norm = raw_norm.map(norm_map).to_numpy()
    take = (how == Match.UNMATCHED.value) & pd.notna(via_norm)
    sku[take], how[take] = via_norm[take], Match.NORMALISED.value

    resolved = pd.DataFrame({"code": raw.shown.to_numpy(), "sku": pd.array(sku, dtype="str"),
                             "match": pd.array(how, dtype="str")}, index=raw.shown.index)
    collisions = pd.concat([_source_collisions(resolved, raw_norm), _master_collisions(norm_clash, "master"),
                            _master_collisions(alias_clash, "mapping")], ignore_index=True)
    return CodeMatch(resolved, collisions, _unmatched_codes(resolved, raw_norm),
                     _unmatched_skus(skus, resolved["sku"]))


_COLLISION_COLUMNS = ["side", "key", "codes", "skus"]


def _source_collisions(resolved: pd.DataFrame, raw_norm: pd.Series) -> pd.DataFrame:
    """Different raw codes resolved to one SKU, or (unmatched) sharing one normalised key."""
    frame = pd.DataFrame({"code": resolved["code"].to_numpy(), "sku": resolved["sku"].to_numpy(),
                          "key": raw_norm.to_numpy()}).dropna(subset=["code"])
    resolved_to = frame["sku"].notna()
    frame["key"] = frame["sku"].where(resolved_to, frame["key"])  # a resolved group is keyed by its SKU
    frame["group"] = frame["sku"].where(resolved_to, "\x00" + frame["key"].astype("str"))
    distinct = frame.drop_duplicates(["group", "code"])
    many = distinct[distinct["group"].duplicated(keep=False)]
    if many.empty:
        return pd.DataFrame(columns=_COLLISION_COLUMNS)
    grouped = many.groupby("group", sort=True)
    out = pd.DataFrame({"side": "source", "key": grouped["key"].first(),
                        "codes": grouped["code"].agg(lambda s: tuple(sorted(s))),
                        "skus": grouped["sku"].agg(lambda s: tuple(sorted(s.dropna().unique())))})
    return out.reset_index(drop=True)


def _master_collisions(clash: pd.DataFrame, side: str) -> pd.DataFrame:
    if clash.empty:
        return pd.DataFrame(columns=_COLLISION_COLUMNS)
    grouped = clash.groupby("key", sort=True)["sku"]
    out = pd.DataFrame({"side": side, "codes": grouped.agg(lambda s: tuple(sorted(s))),
                        "skus": grouped.agg(lambda s: tuple(sorted(s)))})
    return out.rename_axis("key").reset_index()[_COLLISION_COLUMNS]


def _unmatched_codes(resolved: pd.DataFrame, raw_norm: pd.Series) -> pd.DataFrame:
    miss = (resolved["match"] == Match.UNMATCHED.value).to_numpy()
    frame = pd.DataFrame({"code": resolved["code"].to_numpy()[miss], "key": raw_norm.to_numpy()[miss]})
    counted = frame.groupby(["code", "key"], sort=True, dropna=False).size().rename("rows").reset_index()
    return counted.astype({"rows": "int64"})


def _unmatched_skus(skus: pd.Series, resolved_skus: pd.Series) -> pd.Series:
    missing = skus[~skus.isin(pd.Index(resolved_skus.dropna().unique()))]
    return missing.reset_index(drop=True).rename("sku")
