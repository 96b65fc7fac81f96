"""Run one case in this process and print its metrics (plus peak RSS) as one JSON line.

``python -m bench.run_one NAME [--smoke]``
"""

from __future__ import annotations

import json
import resource
import sys

from bench.registry import load_cases


def main(name: str, *, smoke: bool = False) -> None:
    metrics = load_cases()[name].run(smoke=smoke)
    metrics["_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(metrics, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv[1], smoke="--smoke" in sys.argv[2:])
