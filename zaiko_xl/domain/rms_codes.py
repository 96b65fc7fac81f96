"""RMS identifier rules (rms-api.md §1): what RMS accepts as manageNumber and variantId.

Pure checks shared by the RMS client (refuse before sending), the sandbox (answer as RMS
does) and the CSV export. ``manageNumber`` is case-folded by RMS; ``variantId`` is
case-sensitive and is never changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zaiko_xl.domain.model import RMS_MAX_STOCK, RmsSkuKey

# Uncertain fact (rms-api.md §10): variantId may be 32 or 40 bytes. Safe reading chosen:
# 32 bytes, the Inventory/Item API limit, so that nothing we send can be refused for length.
MAX_CODE_BYTES = 32
MAX_QUANTITY = RMS_MAX_STOCK
MAX_SKUS_PER_PRODUCT = 400

MANAGE_NUMBER_PATTERN = re.compile(r"[a-z0-9_\-]+")
VARIANT_ID_PATTERN = re.compile(r"[A-Za-z0-9_\-]+")


@dataclass(frozen=True, slots=True)
class CodeProblem:
    """Why RMS would refuse a code, in both languages."""

    field: str  # manageNumber | variantId | quantity
    detail_ja: str
    detail_en: str


def normalise_manage_number(value: str) -> str:
    """RMS folds upper case to lower case in manageNumber (and only there)."""
    return value.lower()


def _code_problem(field: str, value: str, pattern: re.Pattern[str], allowed: str) -> CodeProblem | None:
    if not value:
        return CodeProblem(field, f"{field} が空です", f"{field} is empty")
    size = len(value.encode("utf-8"))
    if size > MAX_CODE_BYTES:
        return CodeProblem(field, f"{field} が {size} バイトです (上限 {MAX_CODE_BYTES} バイト)",
                           f"{field} is {size} bytes long (limit {MAX_CODE_BYTES})")
    if not pattern.fullmatch(value):
        bad = "".join(sorted({c for c in value if not pattern.fullmatch(c)}))
        return CodeProblem(field, f"{field} に使えない文字「{bad}」があります (使える文字: {allowed})",
                           f"{field} contains characters RMS refuses: '{bad}' (allowed: {allowed})")
    return None


def manage_number_problem(value: str) -> CodeProblem | None:
    """A problem with a manageNumber as it will be sent (after case folding), or None."""
    return _code_problem("manageNumber", value, MANAGE_NUMBER_PATTERN, "a-z 0-9 - _")


def variant_id_problem(value: str) -> CodeProblem | None:
    """A problem with a variantId (case-sensitive, never folded), or None."""
    return _code_problem("variantId", value, VARIANT_ID_PATTERN, "a-z A-Z 0-9 - _")


_FAST_MANAGE_NUMBER = re.compile(rf"[a-z0-9_\-]{{1,{MAX_CODE_BYTES}}}")
_FAST_VARIANT_ID = re.compile(rf"[A-Za-z0-9_\-]{{1,{MAX_CODE_BYTES}}}")


def is_valid_key(manage_number: str, variant_id: str) -> bool:
    """Fast check of a folded pair (ASCII-only patterns, so characters == bytes)."""
    return bool(_FAST_MANAGE_NUMBER.fullmatch(manage_number) and _FAST_VARIANT_ID.fullmatch(variant_id))


def key_problem(key: RmsSkuKey) -> CodeProblem | None:
    """The first problem of a (manageNumber, variantId) pair, or None."""
    return manage_number_problem(key.manage_number) or variant_id_problem(key.variant_id)


def absolute_quantity_problem(quantity: int) -> CodeProblem | None:
    """ABSOLUTE stock must be 0..99999."""
    if 0 <= quantity <= MAX_QUANTITY:
        return None
    return CodeProblem("quantity", f"在庫数 {quantity} は 0〜{MAX_QUANTITY} の範囲外です",
                       f"quantity {quantity} is outside 0..{MAX_QUANTITY}")


def rms_key(manage_number: str, variant_id: str) -> RmsSkuKey:
    """The key as RMS stores it: manageNumber case-folded, variantId untouched."""
    return RmsSkuKey(normalise_manage_number(manage_number), variant_id)
