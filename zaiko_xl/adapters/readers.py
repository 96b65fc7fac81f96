"""Read an input table (file or live-sheet DataFrame) into its contract frame: the public API.

    read_warehouse(path, preset="generic", columns={...})   -> ImportedTable (kind "warehouse")
    read_ledger(path_or_frame, sheet="社内台帳")             -> ImportedTable (kind "ledger")
    read_orders(path, preset="auto")                        -> ImportedTable (kind "orders")
    read_table("items" | "mapping" | "bom" | "set_rules" | "suppliers" | "inbound", source)
    empty_table(kind, source)                               -> ImportedTable with no rows

A ``source`` is a ``Path`` (CSV/TSV/text, or .xlsx/.xlsm/.xls/.ods read with calamine) or a
``pandas.DataFrame`` read from a sheet of the open workbook (its columns are the headers; name
the workbook and sheet so messages can point at them). Fatal problems raise InputProblems
(E210) listing all of them; warnings come back in ``ImportedTable.warnings``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from zaiko_xl.adapters import order_presets, wms_presets
from zaiko_xl.adapters.headers import find_header
from zaiko_xl.adapters.schemas import SCHEMAS, TableSchema
from zaiko_xl.adapters.tabular import RawTable, raw_from_frame, read_raw
from zaiko_xl.adapters.validate import empty_frame, validate
from zaiko_xl.domain.imported import ImportedTable
from zaiko_xl.errors import InvalidSetting

Source = Path | pd.DataFrame
AUTO = "auto"
_ORDER_PRESET_SETTING = "orders.other_channel_preset"


@dataclass(frozen=True)
class Where:
    """How to find the table inside its source and how to name it in messages."""

    sheet: str | None = None  # workbook sheet (None: the first visible one)
    encoding: str = "auto"  # text files only
    name: str | None = None  # for a DataFrame: the workbook's file name
    header_row: int = 1  # for a DataFrame: the sheet row of its headers


def read_warehouse(source: Source, *, preset: str = "generic", columns: Mapping[str, str] | None = None,
                   where: Where = Where()) -> ImportedTable:
    """The warehouse stock export -> ``warehouse`` frame (one row per WMS row: code, location, lot).

    Args:
        source: the export file or a DataFrame.
        preset: a name of :data:`wms_presets.PRESETS`, or ``auto`` to pick the layout that fits.
        columns: ``[warehouse.columns]`` of zaiko.toml: field -> header, over the preset.
        where: sheet, encoding, and names for messages.
    """
    raw = _raw(source, where)
    schemas = {name: _override(p.schema(), columns, "warehouse.columns") for name, p in wms_presets.PRESETS.items()}
    chosen = _choose(raw, schemas, preset, setting="warehouse.preset")
    frame, warnings = validate(raw, schemas[chosen], preset=chosen, preset_setting="warehouse.preset",
                               alternatives=[(n, s) for n, s in schemas.items() if n != chosen])
    return ImportedTable("warehouse", frame, raw.source, warnings, code_kind=wms_presets.PRESETS[chosen].code_kind)


def read_orders(source: Source, *, preset: str = AUTO, columns: Mapping[str, str] | None = None,
                where: Where = Where()) -> ImportedTable:
    """Another channel's order export -> ``orders`` frame (statuses mapped, times in JST)."""
    raw = _raw(source, where)
    schemas = {name: _override(p.schema(), columns, "orders.other_channel_columns")
               for name, p in order_presets.PRESETS.items()}
    chosen = _choose(raw, schemas, preset, setting=_ORDER_PRESET_SETTING)
    frame, warnings = validate(raw, schemas[chosen], preset=chosen, preset_setting=_ORDER_PRESET_SETTING,
                               alternatives=[(n, s) for n, s in schemas.items() if n != chosen])
    return ImportedTable("orders", frame, raw.source, warnings)


def read_ledger(source: Source, *, columns: Mapping[str, str] | None = None, where: Where = Where()) -> ImportedTable:
    """The ledger (社内台帳) of movements -> ``ledger`` frame."""
    return read_table("ledger", source, columns=columns, where=where)


def read_table(kind: str, source: Source, *, columns: Mapping[str, str] | None = None,
               where: Where = Where()) -> ImportedTable:
    """Any table of :data:`schemas.SCHEMAS` (no presets) -> its contract frame."""
    raw = _raw(source, where)
    frame, warnings = validate(raw, _override(SCHEMAS[kind], columns, f"{kind}.columns"))
    return ImportedTable(kind, frame, raw.source, warnings)


def empty_table(kind: str, source: str) -> ImportedTable:
    """A table of ``kind`` with no rows (e.g. the ledger sheet of a new workbook)."""
    return ImportedTable(kind, empty_frame(SCHEMAS[kind]), source)


def _raw(source: Source, where: Where) -> RawTable:
    if isinstance(source, pd.DataFrame):
        return raw_from_frame(source, source=where.name or "ブック", sheet=where.sheet, header_row=where.header_row)
    return read_raw(Path(source), encoding=where.encoding, sheet=where.sheet)


def _override(schema: TableSchema, columns: Mapping[str, str] | None, setting: str) -> TableSchema:
    """Apply a ``columns`` table of zaiko.toml: each field named there accepts only that header."""
    if not columns:
        return schema
    try:
        return schema.with_headers({field: (header,) for field, header in columns.items()})
    except KeyError as exc:
        known = ", ".join(f.name for f in schema.fields if f.name != "alt_code")
        raise InvalidSetting(key=setting, detail=f"unknown field(s) {exc.args[0]}; known: {known}") from exc


def _choose(raw: RawTable, schemas: Mapping[str, TableSchema], preset: str, *, setting: str) -> str:
    """The preset to validate with; ``auto`` takes the first whose headers fit (else the first)."""
    if preset != AUTO:
        if preset not in schemas:
            raise InvalidSetting(key=setting, detail=f"unknown preset '{preset}'; choose {', '.join(schemas)} or auto")
        return preset
    for name, schema in schemas.items():
        if find_header(raw.cells, schema)[0].complete:
            return name
    return next(iter(schemas))
