"""Nodes of the walk_forward pipeline.

Each fold goes through the same steps as a full run, by calling the nodes of
data_processing, modelling and reporting on the fold's rows, so a fold differs
from the main run only in where its parts start and stop.
"""

from __future__ import annotations

import logging
from pathlib import Path

import keras
import numpy as np
import pandas as pd

from crypto_lstm.evaluation import classification_metrics
from crypto_lstm.pipelines.data_processing.nodes import (
    fit_feature_scaler,
    resolve_embargo,
    undersample_training_windows,
)
from crypto_lstm.pipelines.modelling.nodes import (
    build_model,
    index_windows,
    train_model,
)
from crypto_lstm.pipelines.reporting.nodes import majority_class, predict_validation
from crypto_lstm.scaling import scale_rows
from crypto_lstm.split import expanding_folds
from crypto_lstm.trading import (
    entry_positions,
    signal_directions,
    summarise_trades,
    trade_signals,
)

logger = logging.getLogger(__name__)

# Per-fold figures that the summary reports as mean and standard deviation.
SUMMARISED = (
    "macro_f1",
    "majority_macro_f1",
    "accuracy",
    "total_return_pct",
    "hit_rate",
    "max_drawdown_pct",
)


def define_folds(
    features: pd.DataFrame, folds: int, data_processing: dict, future_window: int
) -> pd.DataFrame:
    """Cut the labelled rows into expanding folds with the run's embargo.

    Returns:
        Per fold the row positions of ``expanding_folds`` and the first and
        last timestamp of its training and validation parts.
    """
    embargo = resolve_embargo(data_processing.get("embargo"), future_window)
    bounds = expanding_folds(features, folds=folds, embargo=embargo)

    timestamps = features["timestamp"].array
    bounds["train_first"] = timestamps[np.zeros(len(bounds), dtype=np.int64)]
    bounds["train_last"] = timestamps[bounds["train_stop"] - 1]
    bounds["validation_first"] = timestamps[bounds["validation_start"]]
    bounds["validation_last"] = timestamps[bounds["validation_stop"] - 1]
    for fold in bounds.itertuples():
        logger.info(
            "Fold %d: training rows 0-%d (to %s), validation rows %d-%d (%s to %s)",
            fold.fold,
            fold.train_stop - 1,
            fold.train_last,
            fold.validation_start,
            fold.validation_stop - 1,
            fold.validation_first,
            fold.validation_last,
        )
    return bounds


def _fold_parameters(modelling: dict, fold: int) -> dict:
    """Give each fold its own training backup, so no fold resumes another's."""
    if modelling["backup_dir"] is None:
        return modelling
    backup_dir = Path(modelling["backup_dir"]) / "walk_forward" / f"fold_{fold}"
    return {**modelling, "backup_dir": str(backup_dir)}


def _train_and_predict(
    train: pd.DataFrame,
    validation: pd.DataFrame,
    parameters: dict,
    fold: int,
) -> tuple[pd.DataFrame, int, int]:
    """Scale, undersample, train and predict one fold as a full run does.

    Returns:
        The validation predictions, the majority class of the training window
        ends before undersampling, and the number of epochs trained.
    """
    window_size, seed = parameters["window_size"], parameters["seed"]
    modelling = _fold_parameters(parameters["modelling"], fold)

    scaler = fit_feature_scaler(
        train,
        parameters["feature_engineering"]["features"],
        parameters["data_processing"]["scaler"],
    )
    train_rows, validation_rows = (
        scale_rows(train, scaler),
        scale_rows(validation, scaler),
    )
    train_window_ends = undersample_training_windows(
        train_rows, window_size, parameters["data_processing"]["undersampling"], seed
    )
    window_index = index_windows(
        train_rows, validation_rows, train_window_ends, window_size
    )

    model = build_model(scaler, window_size, modelling, seed)
    model, history = train_model(
        model,
        train_rows,
        validation_rows,
        window_index,
        scaler,
        window_size,
        modelling,
        seed,
    )
    predictions = predict_validation(
        model,
        validation_rows,
        scaler,
        window_size,
        parameters["reporting"]["batch_size"],
        modelling["max_batch_rows"],
    )
    # Each fold builds a new model; drop the previous graph and its memory.
    keras.backend.clear_session()

    majority, _ = majority_class(train_rows, window_size)
    return predictions, majority, history["epochs_run"]


def evaluate_folds(
    features: pd.DataFrame,
    candles: pd.DataFrame,
    walk_forward_folds: pd.DataFrame,
    parameters: dict,
) -> pd.DataFrame:
    """Train and evaluate a model on every fold.

    Args:
        features: Labelled rows in time order, as feature_engineering wrote them.
        candles: Candles of the same run, for the trading simulation's prices.
        walk_forward_folds: Output of ``define_folds``.
        parameters: The run's parameters; a fold reads window_size, seed,
            feature_engineering, data_processing, modelling and reporting.

    Returns:
        One row per fold: its bounds, window counts, epochs trained, accuracy
        and macro F1 of the model and of the majority-class baseline, and the
        trading simulation's figures for the model's signals.
    """
    labels = parameters["feature_engineering"]["labels"]
    trading = parameters["reporting"]["trading"]
    results = []
    for fold in walk_forward_folds.itertuples(index=False):
        train = features.iloc[: fold.train_stop].reset_index(drop=True)
        validation = features.iloc[
            fold.validation_start : fold.validation_stop
        ].reset_index(drop=True)
        predictions, majority, epochs_run = _train_and_predict(
            train, validation, parameters, fold.fold
        )

        y_true = predictions["label"].to_numpy()
        model_metrics = classification_metrics(y_true, predictions["prediction"])
        majority_metrics = classification_metrics(
            y_true, np.full(len(y_true), majority)
        )
        trades = trade_signals(
            candles,
            entry_positions(candles, predictions["timestamp"]),
            signal_directions(predictions["prediction"]),
            labels,
            trading,
        )
        trading_summary = summarise_trades(trades)

        logger.info(
            "Fold %d: macro F1 %.4f (majority %.4f), %d trades, total net return "
            "%.2f %%",
            fold.fold,
            model_metrics["macro_f1"],
            majority_metrics["macro_f1"],
            trading_summary["trades"],
            trading_summary["total_return_pct"],
        )
        results.append(
            {
                **fold._asdict(),
                "validation_windows": len(y_true),
                "epochs_run": epochs_run,
                "accuracy": model_metrics["accuracy"],
                "macro_f1": model_metrics["macro_f1"],
                "majority_macro_f1": majority_metrics["macro_f1"],
                "trades": trading_summary["trades"],
                "hit_rate": trading_summary["hit_rate"],
                "total_return_pct": trading_summary["total_return_pct"],
                "max_drawdown_pct": trading_summary["max_drawdown_pct"],
            }
        )
    return pd.DataFrame(results)


def summarise_folds(walk_forward_results: pd.DataFrame, folds: int) -> dict:
    """Report every fold and the mean and standard deviation across folds.

    The standard deviation is the sample one (ddof=1). A fold without trades
    has no hit rate and is left out of that figure's mean and deviation.
    """
    summary = {}
    for column in SUMMARISED:
        values = walk_forward_results[column].astype("float64").dropna()
        summary[column] = {
            "mean": float(values.mean()) if len(values) else None,
            "std": float(values.std(ddof=1)) if len(values) > 1 else None,
        }
        logger.info(
            "Walk-forward %s: mean %s, std %s",
            column,
            summary[column]["mean"],
            summary[column]["std"],
        )

    per_fold = walk_forward_results.astype(
        {
            column: str
            for column in (
                "train_first",
                "train_last",
                "validation_first",
                "validation_last",
            )
        }
    )
    return {
        "folds": folds,
        "summary": summary,
        "per_fold": per_fold.replace({np.nan: None}).to_dict(orient="records"),
        "note": "std is the sample standard deviation across folds (ddof=1).",
    }
