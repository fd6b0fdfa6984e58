"""Nodes of the reporting pipeline."""

from __future__ import annotations

import logging

import keras
import numpy as np
import pandas as pd

from crypto_lstm.baselines import BASELINES, predict_baselines
from crypto_lstm.errors import WindowingError
from crypto_lstm.evaluation import classification_metrics
from crypto_lstm.feed import WindowFeed
from crypto_lstm.labels import CLASS_NAMES, class_counts

# Importing the metrics registers them, so that the catalog can load a model
# compiled with them when reporting runs alone.
from crypto_lstm.metrics import ClassPrecision  # noqa: F401
from crypto_lstm.plots import (
    plot_class_balance,
    plot_confusion_matrix,
    plot_equity_curves,
    plot_learning_curves,
    plot_probability_histograms,
)
from crypto_lstm.report import render_report
from crypto_lstm.trading import (
    SIMULATION_NOTE,
    entry_positions,
    signal_directions,
    summarise_trades,
    trade_signals,
)
from crypto_lstm.training import micro_batches
from crypto_lstm.windows import window_ends

logger = logging.getLogger(__name__)


def predict_validation(
    model: keras.Model,
    validation_rows: pd.DataFrame,
    scaler,
    window_size: int,
    batch_size: int,
    max_batch_rows: int | None,
) -> pd.DataFrame:
    """Predict class probabilities for every validation window.

    Batches are cut to at most ``max_batch_rows`` window rows, the limit of a
    training step, because each LSTM layer that returns sequences outputs a
    (batch, window, units) output.

    Returns:
        One row per validation window: ``end`` (row position), ``timestamp``,
        ``label``, ``prob_short``, ``prob_hold``, ``prob_long`` and
        ``prediction`` (the argmax).
    """
    feature_names = list(scaler.feature_names_in_)
    _, trained_window, trained_features = model.input_shape
    if (trained_window, trained_features) != (window_size, len(feature_names)):
        raise WindowingError(
            f"Reporting failed: the model was trained on windows of {trained_window} "
            f"rows x {trained_features} features, but this run uses window_size="
            f"{window_size} and {len(feature_names)} features. Re-run modelling with "
            f"the current parameters, or pass --params=window_size={trained_window}."
        )

    ends = window_ends(validation_rows["timestamp"], window_size)
    feed = WindowFeed(
        validation_rows.loc[:, feature_names].to_numpy(dtype=np.float32),
        validation_rows["label"].to_numpy(dtype=np.int64),
        ends,
        window_size=window_size,
        batch_size=micro_batches(batch_size, window_size, max_batch_rows)[0],
    )
    probabilities = model.predict(feed, verbose=0)

    predictions = pd.DataFrame(
        {
            "end": ends,
            "timestamp": validation_rows["timestamp"].to_numpy()[ends],
            "label": validation_rows["label"].to_numpy()[ends],
        }
    )
    for k, name in enumerate(CLASS_NAMES):
        predictions[f"prob_{name.lower()}"] = probabilities[:, k]
    predictions["prediction"] = probabilities.argmax(axis=1).astype("int8")
    logger.info("Predicted %d validation windows", len(predictions))
    return predictions


def majority_class(
    train_rows: pd.DataFrame, window_size: int
) -> tuple[int, np.ndarray]:
    """Find the most frequent class of the training window ends before undersampling.

    Returns:
        That class and the labels of all training window ends.
    """
    train_labels = train_rows["label"].to_numpy()
    labels_before = train_labels[window_ends(train_rows["timestamp"], window_size)]
    return int(
        np.bincount(labels_before, minlength=len(CLASS_NAMES)).argmax()
    ), labels_before


def predict_with_baselines(
    validation_predictions: pd.DataFrame,
    train_rows: pd.DataFrame,
    train_window_ends: pd.DataFrame,
    validation_rows: pd.DataFrame,
    scaler,
    window_size: int,
    boosting_rows: int,
    seed: int,
) -> pd.DataFrame:
    """Predict every validation window with the three baselines.

    Returns:
        ``end`` and one column of predicted classes per baseline, in the row
        order of ``validation_predictions``.
    """
    feature_names = list(scaler.feature_names_in_)
    majority, _ = majority_class(train_rows, window_size)
    ends = validation_predictions["end"].to_numpy()
    predictions = predict_baselines(
        train_rows.loc[:, feature_names].to_numpy(dtype=np.float32),
        train_rows["label"].to_numpy(),
        train_window_ends["end"].to_numpy(),
        validation_rows.loc[:, feature_names].to_numpy(dtype=np.float32),
        ends,
        majority_class=majority,
        boosting_rows=min(boosting_rows, window_size),
        seed=seed,
    )
    return pd.DataFrame({"end": ends, **predictions})


def evaluate_predictions(
    validation_predictions: pd.DataFrame,
    baseline_predictions: pd.DataFrame,
    train_rows: pd.DataFrame,
    train_window_ends: pd.DataFrame,
    window_size: int,
    parameters: dict,
    dataset_versions: dict,
) -> dict:
    """Score the model and the baselines on all validation windows.

    Returns:
        Metrics of the model and of each baseline, which baselines the model's
        macro F1 beats, and window counts per class for the training part
        before and after undersampling and for the validation part, and the
        run's parameters and dataset versions, so the figures can be traced
        back to their inputs.
    """
    y_true = validation_predictions["label"].to_numpy()
    majority, labels_before = majority_class(train_rows, window_size)
    labels_after = train_rows["label"].to_numpy()[train_window_ends["end"].to_numpy()]

    model_metrics = classification_metrics(
        y_true, validation_predictions["prediction"].to_numpy()
    )
    baselines = {
        name: classification_metrics(y_true, baseline_predictions[name].to_numpy())
        for name in BASELINES
    }
    baselines["majority"]["predicted_class"] = CLASS_NAMES[majority]

    logger.info(
        "Validation on %d windows: model accuracy %.4f, macro F1 %.4f",
        len(y_true),
        model_metrics["accuracy"],
        model_metrics["macro_f1"],
    )
    for name, metrics in baselines.items():
        logger.info(
            "Baseline %s: accuracy %.4f, macro F1 %.4f",
            name,
            metrics["accuracy"],
            metrics["macro_f1"],
        )
    return {
        "validation_windows": len(y_true),
        "model": model_metrics,
        "baselines": baselines,
        "model_beats_macro_f1": {
            name: model_metrics["macro_f1"] > metrics["macro_f1"]
            for name, metrics in baselines.items()
        },
        "class_counts": {
            "train_windows_before_undersampling": class_counts(labels_before),
            "train_windows_after_undersampling": class_counts(labels_after),
            "validation_windows": class_counts(y_true),
        },
        "parameters": parameters,
        "dataset_versions": dataset_versions,
    }


# Reference strategies that trade every validation window in one direction.
EVERY_CANDLE = {"every_candle_long": 1, "every_candle_short": -1}


def simulate_signal_trades(
    validation_predictions: pd.DataFrame,
    baseline_predictions: pd.DataFrame,
    candles: pd.DataFrame,
    labels: dict,
    trading: dict,
) -> pd.DataFrame:
    """Trade the LONG and SHORT signals of the model, the baselines and the references.

    Prices come from ``candles``, matched by the timestamp of each window's
    last row, because the validation rows contain only scaled features.

    Returns:
        One row per trade (see ``crypto_lstm.trading.simulate_trades``) with
        a ``strategy`` column: model, each baseline, every_candle_long and
        every_candle_short.
    """
    entries = entry_positions(candles, validation_predictions["timestamp"])
    directions = {"model": signal_directions(validation_predictions["prediction"])}
    for name in BASELINES:
        directions[name] = signal_directions(baseline_predictions[name])
    for name, direction in EVERY_CANDLE.items():
        directions[name] = np.full(len(entries), direction)

    # One simulation over all strategies builds the price tables once.
    all_directions = np.concatenate(list(directions.values()))
    strategies = np.repeat(list(directions), len(entries))
    trades = trade_signals(
        candles, np.tile(entries, len(directions)), all_directions, labels, trading
    )
    trades.insert(
        0,
        "strategy",
        pd.Categorical(strategies[all_directions != 0], categories=list(directions)),
    )
    for name, count in trades["strategy"].value_counts(sort=False).items():
        logger.info("Simulated %d trades for %s", count, name)
    return trades


def summarise_trading(signal_trades: pd.DataFrame, labels: dict, trading: dict) -> dict:
    """Sum up the simulated trades of each strategy.

    Returns:
        The simulation's rules and its caveat, the figures of
        ``crypto_lstm.trading.summarise_trades`` per strategy, and which
        strategies the model's total net return beats.
    """
    strategies = {
        str(name): summarise_trades(trades)
        for name, trades in signal_trades.groupby("strategy", observed=False, sort=True)
    }
    model_total = strategies["model"]["total_return_pct"]
    for name, summary in strategies.items():
        logger.info(
            "Trading %s: %d trades, total net return %.2f %%, max drawdown %.2f %%",
            name,
            summary["trades"],
            summary["total_return_pct"],
            summary["max_drawdown_pct"],
        )
    return {
        "note": SIMULATION_NOTE,
        "fee_pct_per_side": trading["fee_pct"],
        "same_candle": trading["same_candle"],
        "take_profit_pct": labels["take_profit_pct"],
        "stop_loss_pct": labels["stop_loss_pct"],
        "future_window": labels["future_window"],
        "strategies": strategies,
        "model_beats_total_return": {
            name: model_total > summary["total_return_pct"]
            for name, summary in strategies.items()
            if name != "model"
        },
    }


def build_report(
    parameters: dict,
    dataset_versions: dict,
    data_quality: dict,
    scaling_stats: dict,
    training_history: dict,
    validation_metrics: dict,
    validation_predictions: pd.DataFrame,
    trading_metrics: dict,
    signal_trades: pd.DataFrame,
) -> str:
    """Render the run's HTML report with every table and figure.

    The figures are drawn again from their data rather than read back,
    because the catalog's matplotlib datasets can only be written.
    """
    figures = {
        "Confusion matrix": plot_confusion_matrix(validation_metrics),
        "Equity curves": plot_equity_curves(
            signal_trades, trading_metrics["fee_pct_per_side"]
        ),
        "Learning curves": plot_learning_curves(training_history),
        "Class balance": plot_class_balance(validation_metrics),
        "Probability histograms": plot_probability_histograms(validation_predictions),
    }
    html = render_report(
        parameters=parameters,
        dataset_versions=dataset_versions,
        data_quality=data_quality,
        scaling_stats=scaling_stats,
        training_history=training_history,
        validation_metrics=validation_metrics,
        trading_metrics=trading_metrics,
        figures=figures,
    )
    logger.info("Rendered the HTML report (%d kB)", len(html) // 1024)
    return html
