"""`python -m bench [-k PATTERN] [--repeat N] [--smoke] [--results DIR]`: run the cases, print a table, write JSON.

``--smoke`` runs every case once on tiny data (see ``bench.registry``) and writes
``smoke.json`` instead of ``latest.json``, so the real figures are never overwritten.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.registry import load_cases

RESULTS = Path(__file__).parent / "results"


def _run_once(name: str, smoke: bool) -> tuple[dict, float]:
    """One run in a fresh interpreter; returns its metrics and its peak RSS in MB."""
    command = [sys.executable, "-m", "bench.run_one", name] + (["--smoke"] if smoke else [])
    proc = subprocess.run(command, stdout=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark {name} failed (exit {proc.returncode})")
    out = proc.stdout
    metrics = json.loads(out.decode().strip().splitlines()[-1])
    return metrics, metrics.pop("_peak_rss_mb")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("-k", dest="pattern", default="", help="run cases whose name contains this")
    parser.add_argument("--repeat", type=int, default=None, help="override each case's repeat count")
    parser.add_argument("--smoke", action="store_true", help="tiny data, one run each: does every case still run?")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON report")
    args = parser.parse_args(argv)
    cases = {n: c for n, c in sorted(load_cases().items()) if args.pattern in n}
    rows = []
    for name, case in cases.items():
        runs = [_run_once(name, args.smoke) for _ in range(args.repeat or (1 if args.smoke else case.repeat))]
        seconds = [m["seconds"] for m, _ in runs]
        extra = {k: v for k, v in runs[-1][0].items() if k != "seconds"}
        row = {"case": name, "median_s": round(statistics.median(seconds), 4), "min_s": round(min(seconds), 4),
               "runs": len(runs), "peak_rss_mb": round(max(r for _, r in runs), 1), "target": case.target, **extra}
        rows.append(row)
        print(_format_row(row), flush=True)
    report = {"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "python": platform.python_version(),
              "machine": f"{platform.machine()} {os.cpu_count()} cores", "smoke": args.smoke, "results": rows}
    args.results.mkdir(parents=True, exist_ok=True)
    out = args.results / ("smoke.json" if args.smoke else "latest.json")
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nwrote {out}")


def _format_row(row: dict) -> str:
    extra = ", ".join(f"{k}={v}" for k, v in row.items()
                      if k not in {"case", "median_s", "min_s", "runs", "peak_rss_mb", "target"})
    return (f"{row['case']:<42} median {row['median_s']:>9.3f} s  min {row['min_s']:>9.3f} s  "
            f"peak {row['peak_rss_mb']:>7.1f} MB  target: {row['target'] or '-'}" + (f"  [{extra}]" if extra else ""))


if __name__ == "__main__":
    main()
