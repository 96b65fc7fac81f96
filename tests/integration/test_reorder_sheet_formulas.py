"""The 発注 sheet of a real workbook recomputes identically: the batch writer puts the plan of 30 SKUs into a
copy of the template; the `formulas` library evaluates the sheet's array formulas with our ZAIKO_ functions
registered and gets the cached values Python wrote (30 rows: formulas is slow)."""

from datetime import date

import formulas
import numpy as np
import openpyxl
import pandas as pd
import pytest
import schedula

from tests.fakes import FakeHolidaySource
from tests.reorder_shop import daily_orders, shop
from tests.unit.test_leadtime import HOLIDAYS_2026
from zaiko_xl.adapters.columns import REORDER
from zaiko_xl.adapters.sheet_frames import array_formula
from zaiko_xl.adapters.workbook_file import write_sheets
from zaiko_xl.entrypoints import excel_udfs
from zaiko_xl.services.reorder import ReorderParams, plan_reorder
from zaiko_xl.services.reorder_sheet import reorder_rows

AS_OF = date(2026, 12, 25)


def _plan_of_30_skus() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    skus = [f"SKU-{i:02d}" for i in range(30)]
    orders = pd.concat([daily_orders(s, list(rng.poisson(rng.uniform(0, 6), 400)), date(2026, 12, 24)) for s in skus])
    item_rows = [(s, "S9" if i == 7 else "S1", "", 100 + i, 300 + i, False) for i, s in enumerate(skus)]
    on_hand = {s: int(rng.integers(0, 60)) for s in skus}
    inputs = shop(orders, item_rows, [("S1", 3, 1.0, 10, 6)], on_hand)
    params = ReorderParams(review_days=0, lot="cover", cover_days=14)
    plan = plan_reorder(inputs, params, FakeHolidaySource(HOLIDAYS_2026), AS_OF).plan
    # mix in periodic rows, a fixed-lot row, a fill-rate row and a zero-demand row
    plan.loc[0:9, "review_days"] = 7.0
    plan.loc[10, "order_rule"] = "fixed_lot"
    plan.loc[11, "service_type"] = "fill_rate"
    plan.loc[12, ["demand_mean", "demand_std"]] = 0.0
    return plan


def _register_udfs() -> None:
    functions = formulas.get_functions()
    for func in excel_udfs.UDFS:
        functions[func.__name__] = formulas.functions.wrap_func(_as_excel_calls(func))


def _as_excel_calls(func):
    """Call the UDF once with whole columns, as Excel + xlwings (ndim=2) do."""
    def cell(v):
        if v is schedula.EMPTY:
            return None
        return v.item() if isinstance(v, np.generic) else v

    def call(*args):
        values = [[[cell(v) for v in row] for row in np.asarray(a, dtype=object).tolist()]
                  if isinstance(a, np.ndarray) else cell(a) for a in args]
        out = func(*values)
        return np.asarray(out if isinstance(out, list) else [[out]], dtype=object)
    return call


def test_formulas_recomputes_the_sheet_to_the_cached_values(workbook):
    rows = reorder_rows(_plan_of_30_skus())
    write_sheets(workbook, {"発注": rows}, backups=0)
    _register_udfs()
    solution = formulas.ExcelModel().loads(str(workbook)).finish().calculate()
    book = openpyxl.load_workbook(workbook, data_only=True)["発注"]
    checked = 0
    for column in REORDER.columns:
        if column.formula is None:
            continue
        _, ref = array_formula(REORDER, column.formula, len(rows))
        computed = np.asarray(solution[f"'[{workbook.name}]発注'!{ref}"].value, dtype=object).ravel().tolist()
        stored = [row[0].value for row in book[ref]]
        for computed_value, cached, in_file in zip(computed, rows[column.field], stored, strict=True):
            if isinstance(cached, float):
                assert computed_value == pytest.approx(cached, rel=1e-12, abs=1e-12), column.field
                assert in_file == pytest.approx(cached, rel=1e-12, abs=1e-12)
            else:
                assert computed_value == cached and (in_file or "") == cached, column.field
            checked += 1
    assert checked == 5 * 30
    texts = [v for v in rows["safety_stock"] if isinstance(v, str)]
    assert texts == ["#E261 「lead_time」が空か数値でない / 'lead_time' is empty or not a number"]  # the S9 row
    assert [i for i, v in enumerate(rows["reorder_point"]) if v == ""] == [0, 1, 2, 3, 4, 5, 6, 8, 9]  # periodic
    formula_cells = openpyxl.load_workbook(workbook)["発注"]
    top = formula_cells[f"{REORDER.letter('safety_stock')}5"].value
    assert top.ref == f"{REORDER.letter('safety_stock')}5:{REORDER.letter('safety_stock')}34"
    assert top.text.startswith(f"=ZAIKO_SAFETY_STOCK({REORDER.letter('demand_mean')}5:{REORDER.letter('demand_mean')}34,")
