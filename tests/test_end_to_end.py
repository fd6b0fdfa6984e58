"""`kedro run` on the real Binance monthly files.

All four pipelines run on the FILUSDT files, and feature_engineering with
data_processing on the NEARUSDT files; every dataset is then reloaded through
the catalog and checked against the data rules. The folder comes from the
environment variable CRYPTO_LSTM_E2E_DATA, which .ci/run sets to the folder
that contains FILUSDT/ and NEARUSDT/. The model is tiny and trains for 20
batches, so both runs take about a minute on two cores.
"""

import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from crypto_lstm.labels import HOLD
from crypto_lstm.windows import window_ends
from tests.conftest import END_TO_END_LINES
from tests.invariants import check_data_path
from tests.kedro_project import VERSIONED_OUTPUTS, copy_project, run_project, versions

DATA_VARIABLE = "CRYPTO_LSTM_E2E_DATA"

pytestmark = pytest.mark.e2e


def _symbol_folder(symbol: str) -> Path:
    root = os.environ.get(DATA_VARIABLE)
    if not root:
        pytest.skip(
            f"{DATA_VARIABLE} is not set; it names the folder that contains {symbol}/"
        )
    folder = Path(root) / symbol
    if not any(folder.glob("*.csv")):
        pytest.fail(f"{DATA_VARIABLE}={root} has no {symbol}/*.csv files")
    return folder


@pytest.fixture(scope="module")
def filusdt_folder() -> Path:
    return _symbol_folder("FILUSDT")


@pytest.fixture(scope="module")
def nearusdt_folder() -> Path:
    return _symbol_folder("NEARUSDT")


def _months(folder: Path) -> list[pd.Timestamp]:
    """Return the first minute of each monthly file's month, in order."""
    return sorted(
        pd.Timestamp(f"{year}-{month}-01", tz="UTC")
        for year, month in (
            re.search(r"(\d{4})-(\d{2})\.csv$", path.name).groups()
            for path in folder.glob("*.csv")
        )
    )


def _next_month(month: pd.Timestamp) -> pd.Timestamp:
    return month + pd.offsets.MonthBegin(1)


def _month_blocks(folder: Path) -> int:
    """Count runs of consecutive months among the monthly file names."""
    months = _months(folder)
    jumps = [
        later != _next_month(earlier) for earlier, later in zip(months, months[1:])
    ]
    return 1 + sum(jumps)


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
    return root, params


def test_every_dataset_written(finished_run):
    root, _ = finished_run
    for dataset in VERSIONED_OUTPUTS:
        assert len(versions(root, dataset)) == 1, dataset


def test_candles_match_files(filusdt_folder, finished_run):
    files = sorted(filusdt_folder.glob("*.csv"))
    file_rows = sum(len(pd.read_csv(path, usecols=[0])) for path in files)
    candles = pd.read_parquet(_latest(finished_run[0], "candles"))

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
    validation = pd.read_parquet(_latest(finished_run[0], "validation_rows"))
    metrics = json.loads(_latest(finished_run[0], "validation_metrics").read_text())

    expected = len(window_ends(validation["timestamp"], 120))
    assert expected > 0
    assert metrics["validation_windows"] == expected
    assert metrics["baselines"]["majority"]["predicted_class"] in {
        "SHORT",
        "HOLD",
        "LONG",
    }

    END_TO_END_LINES.append(
        f"validation: {expected} windows, model macro F1 "
        f"{metrics['model']['macro_f1']:.3f} vs majority baseline "
        f"{metrics['baselines']['majority']['macro_f1']:.3f}, logistic regression "
        f"{metrics['baselines']['logistic_regression']['macro_f1']:.3f}, gradient "
        f"boosting {metrics['baselines']['gradient_boosting']['macro_f1']:.3f} "
        "(tiny model, 20 batches)"
    )


def test_report_shows_baselines_and_trading_view(finished_run):
    root, _ = finished_run
    html = _latest(root, "run_report").read_text()
    trading = json.loads(_latest(root, "trading_metrics").read_text())
    predictions = pd.read_parquet(_latest(root, "validation_predictions"))

    for name in ("model", "majority", "logistic_regression", "gradient_boosting"):
        assert f"<td>{name}</td>" in html
    for name in trading["strategies"]:
        assert f"<td>{name}</td>" in html
    assert "Trading view with fees" in html
    assert "Fee 0.04 % per side" in html
    model = trading["strategies"]["model"]
    assert model["trades"] == int((predictions["prediction"] != HOLD).sum())
    every_long = trading["strategies"]["every_candle_long"]
    assert every_long["trades"] == len(predictions)

    END_TO_END_LINES.append(
        f"trading view, fee 0.04 %/side: model {model['trades']} trades, total "
        f"{model['total_return_pct']:+.1f} %; every candle long "
        f"{every_long['total_return_pct']:+.1f} % of one stake"
    )


def test_filusdt_datasets_obey_data_rules(finished_run):
    check_data_path(*finished_run)


@pytest.fixture(scope="module")
def nearusdt_data(nearusdt_folder, tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("nearusdt"))
    params = {"raw_dir": str(nearusdt_folder)}
    run_project(root, params, pipeline_names=["feature_engineering", "data_processing"])
    return check_data_path(root, params)


def test_nearusdt_gaps_match_missing_months(nearusdt_folder, nearusdt_data):
    gaps = nearusdt_data["data_quality"]["candles"]["gaps"]
    months = _months(nearusdt_folder)
    expected = [
        {
            "last_before": str(_next_month(earlier) - pd.Timedelta("1min")),
            "first_after": str(later),
            "missing_candles": int(
                (later - _next_month(earlier)) / pd.Timedelta("1min")
            ),
        }
        for earlier, later in zip(months, months[1:], strict=False)
        if later != _next_month(earlier)
    ]

    assert gaps["count"] == len(expected)
    assert gaps["first"] == expected[:20]
    END_TO_END_LINES.append(
        f"{len(months)} NEARUSDT files: {gaps['count']} gaps, one per run of missing "
        f"months, longest {gaps['longest_missing_candles']} candles"
    )
