"""Output to a file, a pipe or a CI log: no 80-column guess, no table row wrapped mid-cell."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from zaiko_xl.entrypoints.console import NON_TERMINAL_WIDTH, stderr_console, stdout_console
from zaiko_xl.entrypoints.demo import print_summary

SUMMARY = [
    ("基準日時 / as of", "2026-11-16 10:00 JST"),
    ("ファイル / files", "/home/runner/work/zaiko-xl/zaiko-xl/demo-output/shop: " + ", ".join(
        f"{name}.csv" for name in ("warehouse", "ledger", "other_channel_orders", "inbound", "items", "mapping",
                                   "bom", "set_rules", "suppliers", "assignments", "sale_calendar"))),
    ("仕込んだ差異の原因 / planted causes found", "13 / 13 正しい原因 / right cause; 仕込み以外の差異 "
                                            "(サンドボックスの模擬注文など) / other differences (e.g. the sandbox's live orders) 2"),
    ("発注金額 / total amount", "176,520 円"),
]


def table_rows(output: str) -> list[str]:
    """The body lines of the printed summary table (between its top and bottom borders)."""
    lines = output.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("┌"))
    bottom = next(i for i, line in enumerate(lines) if line.startswith("└"))
    return lines[top + 1:bottom]


def assert_no_row_wrapped(output: str, labels: list[str] | None = None) -> None:
    """One line per summary row, each starting with its label (``labels`` if given; a wrapped row adds
    a line with a blank label cell), and every line of the table as wide as the others on screen
    (全角 counts two)."""
    rows = table_rows(output)
    shown = [row.split("│")[1].strip() for row in rows]
    assert shown == labels if labels is not None else all(shown), "\n".join(rows)
    table = [line for line in output.splitlines() if line[:1] in "┌│└"]
    assert len({cell_len(line) for line in table}) == 1, "\n".join(table)


@pytest.fixture(autouse=True)
def _no_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """COLUMNS not set (tests/conftest.py sets it for the other tests); capsys makes stdout a non-terminal."""
    monkeypatch.delenv("COLUMNS")


def test_output_that_is_not_a_terminal_is_wide_unless_columns_says_otherwise(capsys, monkeypatch):
    assert stdout_console().width == stderr_console().width == NON_TERMINAL_WIDTH == 120
    monkeypatch.setenv("COLUMNS", "97")
    assert stdout_console().width == 97


def test_the_demo_summary_in_a_file_has_one_line_per_row_and_aligns_japanese_text(capsys):
    print_summary(SUMMARY, stdout_console())
    output = capsys.readouterr().out
    assert_no_row_wrapped(output, [label for label, _ in SUMMARY])
    assert SUMMARY[1][1] in output and SUMMARY[2][1] in output  # whole, on one line each


def test_columns_is_honoured_even_when_rows_then_wrap(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    print_summary(SUMMARY, stdout_console())
    rows = table_rows(capsys.readouterr().out)
    assert len(rows) > len(SUMMARY) and max(cell_len(row) for row in rows) <= 80
