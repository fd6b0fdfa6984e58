"""`kedro run` of all four pipelines on the real FILUSDT monthly files.

The folder comes from the environment variable CRYPTO_LSTM_E2E_DATA, which
.ci/run sets to the folder that contains FILUSDT/ and NEARUSDT/. The model is tiny
and trains for 20 batches, so the run takes a few minutes on two cores.
"""

import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crypto_lstm.windows import window_ends
from tests.conftest import END_TO_END_LINES
from tests.kedro_project import VERSIONED_OUTPUTS, copy_project, run_project, versions

DATA_VARIABLE = "CRYPTO_LSTM_E2E_DATA"

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def filusdt_folder() -> Path:
    root = os.environ.get(DATA_VARIABLE)
    if not root:
        pytest.skip(
            f"{DATA_VARIABLE} is not set; it names the folder that contains FILUSDT/"
        )
    folder = Path(root) / "FILUSDT"
    if not any(folder.glob("*.csv")):
        pytest.fail(f"{DATA_VARIABLE}={root} has no FILUSDT/*.csv files")
    return folder


def _month_blocks(folder: Path) -> int:
    """Count runs of consecutive months among the monthly file names."""
    months = sorted(
        int(year) * 12 + int(month) - 1
        for year, month in (
            re.search(r"(\d{4})-(\d{2})\.csv$", path.name).groups()
            for path in folder.glob("*.csv")
        )
    )
    return 1 + int(np.sum(np.diff(months) > 1))


def _latest(root: Path, dataset: str) -> Path:
    folder = root / VERSIONED_OUTPUTS[dataset]
    return folder / versions(root, dataset)[-1] / folder.name


@pytest.fixture(scope="module")
def finished_run(filusdt_folder, tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("filusdt"))
    params = {
        "raw_dir": str(filusdt_folder),
        "modelling": {
            "lstm_units": [8],
            "dense_units": [4],
            "epochs": 1,
            "steps_per_epoch": 20,
            "backup_dir": str(root / "backup"),
        },
    }
    run_project(root, params)
    return root


def test_every_dataset_written(finished_run):
    for dataset in VERSIONED_OUTPUTS:
        assert len(versions(finished_run, dataset)) == 1, dataset


def test_candles_match_files(filusdt_folder, finished_run):
    files = sorted(filusdt_folder.glob("*.csv"))
    file_rows = sum(len(pd.read_csv(path, usecols=[0])) for path in files)
    candles = pd.read_parquet(_latest(finished_run, "candles"))

    assert len(candles) == file_rows
    assert candles["timestamp"].is_unique
    assert candles["timestamp"].is_monotonic_increasing
    # Every month missing from the archive splits the series.
    segments = int(candles["segment"].max()) + 1
    assert segments >= _month_blocks(filusdt_folder)
    steps = candles["timestamp"].diff()[candles["segment"].diff() == 1]
    assert (steps > pd.Timedelta("1min")).all()

    END_TO_END_LINES.append(
        f"{len(files)} FILUSDT files, {len(candles)} candles "
        f"{candles['timestamp'].iloc[0]} .. {candles['timestamp'].iloc[-1]}, "
        f"{segments} segments"
    )


def test_metrics_on_all_validation_windows(finished_run):
    validation = pd.read_parquet(_latest(finished_run, "validation_rows"))
    metrics = json.loads(_latest(finished_run, "validation_metrics").read_text())

    expected = len(window_ends(validation["timestamp"], 120))
    assert expected > 0
    assert metrics["validation_windows"] == expected
    assert metrics["majority_baseline"]["predicted_class"] in {"SHORT", "HOLD", "LONG"}

    END_TO_END_LINES.append(
        f"validation: {expected} windows, model macro F1 "
        f"{metrics['model']['macro_f1']:.3f} vs majority baseline "
        f"{metrics['majority_baseline']['macro_f1']:.3f} (tiny model, 20 batches)"
    )
