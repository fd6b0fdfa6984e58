"""A throw-away copy of the Kedro project that runs on data made in code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

REPOSITORY = Path(__file__).resolve().parents[1]

# Datasets that a full run writes as new versions.
VERSIONED_OUTPUTS = {
    "candles": "data/02_intermediate/candles.parquet",
    "candle_quality": "data/02_intermediate/candle_quality.json",
    "features": "data/04_feature/features.parquet",
    "feature_quality": "data/04_feature/feature_quality.json",
    "train_rows": "data/05_model_input/train_rows.parquet",
    "validation_rows": "data/05_model_input/validation_rows.parquet",
    "train_window_ends": "data/05_model_input/train_window_ends.parquet",
    "scaler": "data/06_models/scaler.pkl",
    "model": "data/06_models/model.keras",
    "training_history": "data/07_model_output/training_history.json",
    "validation_predictions": "data/07_model_output/validation_predictions.parquet",
    "baseline_predictions": "data/07_model_output/baseline_predictions.parquet",
    "signal_trades": "data/07_model_output/signal_trades.parquet",
    "validation_metrics": "data/08_reporting/validation_metrics.json",
    "trading_metrics": "data/08_reporting/trading_metrics.json",
    "scaling_stats": "data/08_reporting/scaling_stats.json",
    "benchmarks": "data/08_reporting/benchmarks.json",
    "data_quality": "data/08_reporting/data_quality.json",
    "confusion_matrix_plot": "data/08_reporting/confusion_matrix.png",
    "learning_curves_plot": "data/08_reporting/learning_curves.png",
    "class_balance_plot": "data/08_reporting/class_balance.png",
    "probability_histograms_plot": "data/08_reporting/probability_histograms.png",
    "equity_curves_plot": "data/08_reporting/equity_curves.png",
    "run_report": "data/08_reporting/report.html",
}

# Datasets that only `kedro run --pipelines=walk_forward` writes.
WALK_FORWARD_OUTPUTS = {
    "walk_forward_results": "data/07_model_output/walk_forward_results.parquet",
    "walk_forward_metrics": "data/08_reporting/walk_forward_metrics.json",
    "walk_forward_plot": "data/08_reporting/walk_forward.png",
}


def copy_project(root: Path) -> Path:
    """Copy pyproject.toml and conf/base into ``root``, with empty data folders."""
    shutil.copy(REPOSITORY / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPOSITORY / "conf" / "base", root / "conf" / "base")
    (root / "conf" / "local").mkdir()
    # Kedro's bootstrap checks that a source folder exists inside the project;
    # the package itself is imported from the installed checkout.
    (root / "src").mkdir()
    for folder in VERSIONED_OUTPUTS.values():
        (root / folder).parent.mkdir(parents=True, exist_ok=True)
    return root


def run_project(
    root: Path, runtime_params: dict, pipeline_names: list[str] | None = None
) -> None:
    """Run pipelines (default: all) of the copied project in a new session."""
    bootstrap_project(root)
    with KedroSession.create(
        project_path=root, runtime_params=runtime_params
    ) as session:
        session.run(pipeline_names=pipeline_names)


def versions(root: Path, dataset: str) -> list[str]:
    """List the saved versions of a dataset, oldest first."""
    folder = root / {**VERSIONED_OUTPUTS, **WALK_FORWARD_OUTPUTS}[dataset]
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def load_latest(root: Path, dataset: str):
    """Read a dataset's latest version: Parquet as a frame, JSON as a dict, else its path."""
    folder = root / {**VERSIONED_OUTPUTS, **WALK_FORWARD_OUTPUTS}[dataset]
    path = folder / versions(root, dataset)[-1] / folder.name
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".json":
        return json.loads(path.read_text())
    return path
