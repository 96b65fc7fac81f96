"""`zaiko-xl export-rms-csv`: stock rows -> RMS bulk-edit normal-item.csv for manual upload.

For when the API is down: every row is checked first (codes as RMS accepts them, stock
0..99999, no SKU twice); any problem stops the export with all problems listed (E210)
and no file written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.rms_codes import absolute_quantity_problem, manage_number_problem, rms_key, variant_id_problem
from zaiko_xl.domain.rms_csv import NORMAL_ITEM_HEADER, normal_item_rows
from zaiko_xl.errors import BadValue, DuplicateSku, InputError, InputProblems, where
from zaiko_xl.ports import RmsCsvSink, StockTableSource


@dataclass(frozen=True)
class CsvExportResult:
    path: str
    products: int
    skus: int


def export_rms_csv(source: StockTableSource, sink: RmsCsvSink) -> CsvExportResult:
    """Check every row of ``source``, then write normal-item.csv through ``sink``."""
    table, place = source.read()
    stock, problems, seen = [], [], {}
    headers = table.attrs.get("headers", {})
    for row in table.itertuples(index=False):
        key, quantity, row_problems = _check_row(place, row, headers)
        if key is not None and key in seen:
            row_problems.append(DuplicateSku(sku=str(key), detail_ja=f"{seen[key]}行目と重複",
                                             detail_en=f"same as row {seen[key]}", **where(file=place, row=row.row)))
        if not row_problems and key is not None:
            seen[key] = row.row
            stock.append((key.manage_number, key.variant_id, quantity))
        problems += row_problems
    if problems:
        raise InputProblems(file=place, count=len(problems), problems=problems)
    rows = normal_item_rows(stock)
    path = sink.write(NORMAL_ITEM_HEADER, rows)
    return CsvExportResult(path, products=len(rows) - len(stock), skus=len(stock))


def _check_row(place: str, row: Any, headers: dict[str, str]) -> tuple[RmsSkuKey | None, int, list[InputError]]:
    problems: list[InputError] = []
    key = rms_key(_text(row.manage_number), _text(row.variant_id))
    for column, problem in (("manage_number", manage_number_problem(key.manage_number)),
                            ("variant_id", variant_id_problem(key.variant_id))):
        if problem:
            problems.append(BadValue(value=getattr(row, column), detail_ja=problem.detail_ja,
                                     detail_en=problem.detail_en,
                                     **where(file=place, row=row.row, column=headers.get(column, column))))
    quantity = _integer(row.quantity)
    problem = absolute_quantity_problem(quantity) if quantity is not None else None
    if quantity is None or problem:
        problems.append(BadValue(value=row.quantity, detail_ja=problem.detail_ja if problem else "整数ではありません",
                                 detail_en=problem.detail_en if problem else "not a whole number",
                                 **where(file=place, row=row.row, column=headers.get("quantity", "quantity"))))
    return (None if problems else key), quantity or 0, problems


def _text(value: Any) -> str:
    return "" if value is None or value != value else str(value).strip()


def _integer(value: Any) -> int | None:
    """Whole numbers as text ("12", "12.0") or numbers; None for anything else."""
    text = _text(value)
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None
