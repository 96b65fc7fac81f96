"""Every benchmark case still runs: each one once on tiny data (its ``smoke`` size), in this process.

A case that drifts from the code it measures (a renamed column, a changed signature) fails
here instead of on the next benchmark day. Timings are not checked: smoke figures mean nothing.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.registry import case, load_cases

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CASES = load_cases()


def _params() -> list:
    params = []
    for name, bench_case in sorted(CASES.items()):
        missing = [p for p in bench_case.programs if shutil.which(p) is None]
        marks = [pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}")] if missing else []
        if "soffice" in bench_case.programs:
            marks.append(pytest.mark.libreoffice)
        params.append(pytest.param(name, marks=marks, id=name))
    return params


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """File name -> (size, mtime in ns) of every file below ``folder``."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")
            if p.is_file()}


@pytest.fixture(scope="module", autouse=True)
def _results_untouched() -> Iterator[None]:
    """No smoke run writes into bench/results/ (latest.json, the cached KPI journal)."""
    before = _snapshot(RESULTS)
    yield
    assert _snapshot(RESULTS) == before


@pytest.mark.parametrize("name", _params())
def test_the_case_runs_on_tiny_data(name: str) -> None:
    metrics = CASES[name].run(smoke=True)
    assert isinstance(metrics["seconds"], float | int) and math.isfinite(metrics["seconds"]), metrics
    json.dumps(metrics, ensure_ascii=False, default=str)  # what bench.run_one prints


def test_the_runner_writes_a_smoke_report_where_it_is_told(tmp_path: Path) -> None:
    name = "workbook.template_build"
    proc = subprocess.run([sys.executable, "-m", "bench", "-k", name, "--smoke", "--results", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "smoke.json").read_text(encoding="utf-8"))
    assert report["smoke"] is True and [row["case"] for row in report["results"]] == [name]
    assert report["results"][0]["runs"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["smoke.json"]


def test_a_case_without_a_smoke_size_is_refused() -> None:
    def unsized() -> dict:
        return {"seconds": 0.0}

    with pytest.raises(TypeError, match="must take a `smoke` keyword"):
        case("smoke.test.unsized")(unsized)
    assert "smoke.test.unsized" not in load_cases()
