"""Find the header row of a table and which column holds each field.

Exports of other systems sometimes start with a title line or two, so the header row is the
first of the first ten non-blank rows that holds every required field's header. Headers are
compared after NFKC (全角/半角), case folding and removing spaces.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from zaiko_xl.adapters.cells import to_text
from zaiko_xl.adapters.schemas import TableSchema

HEADER_SEARCH_ROWS = 10


def normalise_header(text: str) -> str:
    """``商品 ｺｰﾄﾞ`` and ``商品コード`` compare equal; so do ``SKU`` and ``sku``."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True)
class HeaderMatch:
    """Where each field's column is in one header row.

    Attributes:
        row: the header's row number (as the user sees it).
        texts: header cell texts by column position.
        positions: field name -> column position (first matching column).
        doubles: field name -> later columns with the same header (ignored, warned about).
        missing: required fields with no column.
    """

    row: int
    texts: tuple[str, ...]
    positions: dict[str, int]
    doubles: dict[str, list[int]]
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def match_headers(row: int, texts: Sequence[str], schema: TableSchema) -> HeaderMatch:
    """Map the fields of ``schema`` onto one row of header texts."""
    by_text: dict[str, list[int]] = {}
    for position, text in enumerate(texts):
        if text.strip():
            by_text.setdefault(normalise_header(text), []).append(position)
    positions: dict[str, int] = {}
    doubles: dict[str, list[int]] = {}
    for field in schema.fields:  # headers in order of preference: the first one present wins
        found = next((by_text[h] for h in map(normalise_header, field.headers) if h in by_text), None)
        if found:
            positions[field.name] = found[0]
            if len(found) > 1:  # the same header twice
                doubles[field.name] = found[1:]
    missing = tuple(f.name for f in schema.fields if f.required and f.name not in positions)
    return HeaderMatch(row, tuple(texts), positions, doubles, missing)


def find_header(cells: pd.DataFrame, schema: TableSchema,
                alternatives: Sequence[TableSchema] = ()) -> tuple[HeaderMatch, TableSchema | None]:
    """The header row for ``schema``, or for the first alternative whose headers fit instead.

    Returns:
        (match for ``schema``, None) when the schema fits (or nothing fits better), else
        (match for ``schema`` on the best row, the alternative that fits completely).
    """
    candidates = _candidate_rows(cells)
    if not candidates:
        return HeaderMatch(int(cells.index[0]), (), {}, {}, tuple(f.name for f in schema.fields if f.required)), None
    matches = [match_headers(row, texts, schema) for row, texts in candidates]
    for match in matches:
        if match.complete:
            return match, None
    best = max(matches, key=lambda m: len(m.positions))  # max() keeps the first of equals
    for other in alternatives:
        if any(match_headers(row, texts, other).complete for row, texts in candidates):
            return best, other
    return best, None


def _candidate_rows(cells: pd.DataFrame) -> list[tuple[int, tuple[str, ...]]]:
    found: list[tuple[int, tuple[str, ...]]] = []
    for row in cells.index[: HEADER_SEARCH_ROWS * 5]:
        texts = tuple(to_text(cells.loc[row]).tolist())
        if any(texts):
            found.append((int(row), texts))
        if len(found) == HEADER_SEARCH_ROWS:
            break
    return found
