"""Excel functions (UDFs): ``=ZAIKO_...(...)`` formulas, pure and offline.

Every ``@xw.func`` here becomes an Excel function: ``zaiko-xl template build`` generates the
VBA wrappers (module ``xlwings_udfs``) from this module with xlwings' own generator, so the
functions work without pressing "Import Functions". Rules (STYLE.md §11): names start with
``ZAIKO_``; call only domain functions (no files, no network: a UDF runs on every
recalculation); argument and return hints only of types xlwings converts (float, int, str,
bool, Any: not ``int | str``); docstrings are shown in Excel's function wizard, so keep them bilingual and
under 255 characters; bad input returns a short ``#E...`` text instead of raising.

On Linux ``xw.func`` is a no-op decorator, so these stay plain Python functions for tests.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw

from zaiko_xl import __version__
from zaiko_xl.errors import BadValue, ZaikoError, where


def udf_error(exc: ZaikoError) -> str:
    """The short text a UDF shows in its cell for a ZaikoError, e.g. ``#E205 値「x」は使えません``."""
    return f"#{exc.code} {exc.message('ja')}"[:255]


def _whole_number(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or float(value) != int(value):
        raise BadValue(**where(column=name), value=value, detail_ja="整数を入力してください", detail_en="expected a whole number")
    return int(value)


@xw.func
def ZAIKO_VERSION() -> str:
    """zaiko-xl の版 (関数が動くかの確認用) / The zaiko-xl version (checks that the functions work)."""
    return __version__


@xw.func
def ZAIKO_SELLABLE(on_hand: float, open_allocations: float, buffer: float = 0) -> Any:
    """販売可能数 = max(0, 実在庫 - 引当 - バッファ) / Sellable units = max(0, on hand - open allocations - buffer)."""
    try:
        stock = _whole_number(on_hand, "on_hand")
        allocated = _whole_number(open_allocations, "open_allocations")
        kept_back = _whole_number(buffer, "buffer")
    except ZaikoError as exc:
        return udf_error(exc)
    return max(0, stock - allocated - kept_back)
