"""Peak resident memory of full `kedro run`s over the real FILUSDT files.

Three runs of all four pipelines with the default model and a short training
(1 epoch of 5 batches): all files with window 120, all files with window 480,
and the first half of the files (by month) with window 120. The validation
part is cut to 5 % of the rows (train_ratio 0.95) so that the two prediction
passes over it stay short; it does not change what is held in memory. Each
run is a separate `kedro run` process; its peak comes from os.wait4.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import data_folder, emit
from tests.kedro_project import copy_project

GOAL_MB = 1500
PARAMS = (
    "modelling.epochs=1,modelling.steps_per_epoch=5,data_processing.train_ratio=0.95"
)


def peak_of_run(raw_dir: Path, window_size: int) -> tuple[float, int]:
    """Run `kedro run` in a fresh project copy; return peak MB and candle count."""
    with tempfile.TemporaryDirectory(prefix="crypto-lstm-memory-") as folder:
        root = copy_project(Path(folder))
        params = (
            f"raw_dir={raw_dir},window_size={window_size},"
            f"modelling.backup_dir={root / 'backup'},{PARAMS}"
        )
        environment = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true"}
        process = subprocess.Popen(
            [sys.executable, "-m", "kedro", "run", f"--params={params}"],
            cwd=root,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        _, status, usage = os.wait4(process.pid, 0)
        if status != 0:
            raise RuntimeError(f"kedro run failed: {process.stderr.read()[-3000:]}")
        report = next((root / "data/08_reporting/data_quality.json").rglob("*.json"))
        candles = json.loads(report.read_text())["candles"]["candles"]
        # ru_maxrss is in kilobytes on Linux.
        return usage.ru_maxrss / 1024, candles


def main() -> None:
    folder = data_folder() / "FILUSDT"
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise SystemExit(f"No FILUSDT files in {folder}; set CRYPTO_LSTM_E2E_DATA")

    with tempfile.TemporaryDirectory(prefix="crypto-lstm-half-") as half:
        for path in files[: len(files) // 2]:
            shutil.copy(path, Path(half) / path.name)
        half_peak, half_candles = peak_of_run(Path(half), 120)
    full_peak, full_candles = peak_of_run(folder, 120)
    wide_peak, _ = peak_of_run(folder, 480)

    emit(
        "memory",
        full_peak,
        "MB",
        "goal for a full run over FILUSDT",
        GOAL_MB,
        lower_is_better=True,
        candles=full_candles,
    )
    emit(
        "memory_window_480",
        wide_peak,
        "MB",
        "same run with window 120",
        full_peak,
        lower_is_better=True,
        goal_ratio=round(1 / 1.05, 3),
    )
    slope = (full_peak - half_peak) / ((full_candles - half_candles) / 1e6)
    emit(
        "memory_per_million_candles",
        slope,
        "MB per million candles",
        "goal",
        400,
        lower_is_better=True,
        half_candles=half_candles,
        half_peak_mb=round(half_peak, 1),
    )


if __name__ == "__main__":
    main()
