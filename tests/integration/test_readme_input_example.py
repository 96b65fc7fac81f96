"""The README's example of an input error report is what zaiko-xl really prints for that file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zaiko_xl.adapters.readers import read_warehouse
from zaiko_xl.entrypoints.console import CliExit, cli_errors

ROOT = Path(__file__).parent.parent.parent
MARKER = "<!-- input-error-example: tests/data/ingest/wh_many_problems.csv -->"


def test_the_readme_example_report_matches_the_real_output(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(re.escape(MARKER) + r"\n```text\n(.*?)\n```", readme, re.DOTALL)
    assert shown, "the example block is missing from the README"
    with pytest.raises(CliExit) as caught, cli_errors():
        read_warehouse(ROOT / "tests/data/ingest/wh_many_problems.csv")
    assert caught.value.code == 4
    assert capsys.readouterr().err.rstrip("\n") == shown[1]
