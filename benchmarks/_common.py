"""Shared helpers of the benchmark scripts: timing, medians and JSON output."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPOSITORY.parent / "shared" / "data" / "binance-futures-1m"
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))

# Benchmarks import helpers from tests/ (the throw-away project copy).
sys.path.insert(0, str(REPOSITORY))


def data_folder() -> Path:
    """Return the folder with FILUSDT/ and NEARUSDT/ monthly kline files."""
    return Path(os.environ.get("CRYPTO_LSTM_E2E_DATA", DEFAULT_DATA))


def median_seconds(run: Callable[[], object], repeats: int = REPEATS) -> float:
    """Return the median wall time of ``repeats`` calls of ``run``."""
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def emit(
    benchmark: str,
    value: float,
    unit: str,
    baseline: str,
    baseline_value: float,
    *,
    lower_is_better: bool = False,
    **extra,
) -> None:
    """Print one result line; ratio > 1 means the project beats the baseline."""
    ratio = baseline_value / value if lower_is_better else value / baseline_value
    record = {
        "benchmark": benchmark,
        "value": round(value, 3),
        "unit": unit,
        "baseline": baseline,
        "baseline_value": round(baseline_value, 3),
        "ratio": round(ratio, 3),
        **extra,
    }
    print(json.dumps(record), flush=True)
