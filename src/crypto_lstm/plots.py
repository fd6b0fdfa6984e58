"""Report figures. Each function returns a matplotlib Figure for the catalog.

Figures are built with ``matplotlib.figure.Figure`` rather than pyplot, so no
figure stays registered in pyplot after the catalog has saved it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from crypto_lstm.labels import CLASS_NAMES
from crypto_lstm.trading import equity_curve


def plot_confusion_matrix(validation_metrics: dict) -> Figure:
    """Draw the model's validation confusion matrix with counts and row shares."""
    matrix = np.asarray(validation_metrics["model"]["confusion_matrix"])
    row_totals = matrix.sum(axis=1, keepdims=True)
    shares = np.divide(
        matrix, row_totals, out=np.zeros(matrix.shape), where=row_totals > 0
    )

    figure = Figure(figsize=(5.5, 4.5), layout="constrained")
    axes = figure.subplots()
    image = axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
    figure.colorbar(image, ax=axes, label="share of the true class")
    ticks = range(len(CLASS_NAMES))
    axes.set_xticks(ticks, CLASS_NAMES)
    axes.set_yticks(ticks, CLASS_NAMES)
    axes.set_xlabel("predicted class")
    axes.set_ylabel("true class")
    axes.set_title(
        f"Validation confusion matrix ({validation_metrics['validation_windows']} windows)"
    )
    for i in ticks:
        for j in ticks:
            colour = "white" if shares[i, j] > 0.5 else "black"
            axes.text(
                j,
                i,
                f"{matrix[i, j]}\n{shares[i, j]:.1%}",
                ha="center",
                va="center",
                color=colour,
            )
    return figure


def plot_learning_curves(training_history: dict) -> Figure:
    """Draw loss, accuracy, per-class validation recall and the learning rate per epoch."""
    history = training_history["history"]
    epochs = np.arange(1, len(history["loss"]) + 1)
    figure = Figure(figsize=(10, 7), layout="constrained")
    (loss, accuracy), (recall, rate) = figure.subplots(2, 2)

    for axes, metric, title in (
        (loss, "loss", "Loss"),
        (accuracy, "accuracy", "Accuracy"),
    ):
        axes.plot(epochs, history[metric], marker="o", label="training")
        if f"val_{metric}" in history:
            axes.plot(epochs, history[f"val_{metric}"], marker="o", label="validation")
        axes.set_title(title)
        axes.legend()
    loss.set_ylabel("sparse categorical cross-entropy")
    accuracy.set_ylabel("share of windows")

    for name in CLASS_NAMES:
        key = f"val_recall_{name}"
        if key in history:
            recall.plot(epochs, history[key], marker="o", label=name)
    recall.set_title("Validation recall per class")
    recall.set_ylabel("recall")
    recall.legend()

    rate.plot(epochs, history.get("learning_rate", [np.nan] * len(epochs)), marker="o")
    rate.set_title("Learning rate")
    rate.set_yscale("log")

    for axes in (loss, accuracy, recall, rate):
        axes.set_xlabel("epoch")
        axes.set_xticks(epochs)
    figure.suptitle(
        f"Learning curves ({len(epochs)} epoch{'' if len(epochs) == 1 else 's'})"
    )
    return figure


def plot_class_balance(validation_metrics: dict) -> Figure:
    """Draw window counts per class before and after undersampling, and in validation."""
    counts = pd.DataFrame(validation_metrics["class_counts"]).loc[list(CLASS_NAMES)]
    labels = {
        "train_windows_before_undersampling": "training, before undersampling",
        "train_windows_after_undersampling": "training, after undersampling",
        "validation_windows": "validation (all windows)",
    }
    figure = Figure(figsize=(8, 4.5), layout="constrained")
    axes = figure.subplots()
    positions = np.arange(len(CLASS_NAMES))
    width = 0.8 / len(labels)
    for offset, (column, label) in enumerate(labels.items()):
        bars = axes.bar(positions + offset * width, counts[column], width, label=label)
        axes.bar_label(bars, fmt="{:,.0f}", fontsize=8)
    axes.set_xticks(positions + width, CLASS_NAMES)
    axes.set_ylabel("windows")
    axes.set_title("Class balance of training and validation windows")
    axes.legend()
    return figure


def plot_probability_histograms(validation_predictions: pd.DataFrame) -> Figure:
    """Draw, per predicted class, the histogram of its probability by true class."""
    figure = Figure(figsize=(12, 4), layout="constrained")
    bins = np.linspace(0.0, 1.0, 26)
    for column, axes in zip(
        CLASS_NAMES, figure.subplots(1, len(CLASS_NAMES)), strict=True
    ):
        probabilities = validation_predictions[f"prob_{column.lower()}"]
        for label, name in enumerate(CLASS_NAMES):
            axes.hist(
                probabilities[validation_predictions["label"] == label],
                bins=bins,
                histtype="step",
                linewidth=1.5,
                label=f"true {name}",
            )
        axes.set_title(f"P({column})")
        axes.set_xlabel("predicted probability")
        axes.set_ylabel("validation windows")
        axes.legend()
    figure.suptitle("Predicted probabilities on the validation windows, by true class")
    return figure


def plot_equity_curves(signal_trades: pd.DataFrame, fee_pct: float) -> Figure:
    """Draw the cumulative net return of each strategy's trades over time.

    The "every candle" references trade on every window and lose mostly to
    fees, so they get their own panel. On a shared axis they would flatten the
    curves of the model and the baselines.
    """
    figure = Figure(figsize=(13, 7.5), layout="constrained")
    signals, references = figure.subplots(2, 1, sharex=True)
    for strategy, trades in signal_trades.groupby(
        "strategy", observed=False, sort=True
    ):
        axes = references if strategy.startswith("every_candle") else signals
        curve = equity_curve(trades)
        axes.step(
            curve.index,
            curve.to_numpy(),
            where="post",
            label=f"{strategy} ({len(trades):,} trades, {curve.iloc[-1]:+.2f} %)"
            if len(curve)
            else f"{strategy} (no trade)",
        )

    signals.set_title("Model and baselines")
    references.set_title("Reference: trade every validation candle")
    for axes in (signals, references):
        axes.axhline(0.0, color="grey", linewidth=0.8)
        axes.set_ylabel("cumulative net return, % of one stake")
        # Outside the axes, so the legend never covers the start of a curve.
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        axes.set_xlabel("exit time (UTC)")
        axes.tick_params(labelbottom=True)
    figure.suptitle(
        f"Equity curves of the validation signals, fee {fee_pct:g} % per side "
        "(research simulation)"
    )
    return figure


def plot_walk_forward(walk_forward_results: pd.DataFrame) -> Figure:
    """Draw macro F1 (model and majority baseline) and net trading return per fold."""
    figure = Figure(figsize=(10, 4.5), layout="constrained")
    scores, returns = figure.subplots(1, 2)
    folds = walk_forward_results["fold"].to_numpy()

    width = 0.38
    for offset, (column, label) in enumerate(
        (("macro_f1", "model"), ("majority_macro_f1", "majority baseline"))
    ):
        bars = scores.bar(
            folds + (offset - 0.5) * width,
            walk_forward_results[column],
            width,
            label=label,
        )
        scores.bar_label(bars, fmt="{:.3f}", fontsize=8)
    # Headroom above the bars keeps the legend clear of the bar labels.
    top = walk_forward_results[["macro_f1", "majority_macro_f1"]].to_numpy().max()
    scores.set_ylim(0.0, max(top, 0.01) * 1.3)
    scores.set_ylabel("macro F1")
    scores.set_title("Validation macro F1 per fold")
    scores.legend(loc="upper center", ncols=2)

    bars = returns.bar(folds, walk_forward_results["total_return_pct"])
    returns.bar_label(
        bars,
        labels=[
            f"{total:+.2f} %\n{trades:,} trades"
            for total, trades in zip(
                walk_forward_results["total_return_pct"],
                walk_forward_results["trades"],
                strict=True,
            )
        ],
        fontsize=8,
    )
    returns.axhline(0.0, color="grey", linewidth=0.8)
    totals = walk_forward_results["total_return_pct"].to_numpy()
    low, high = min(totals.min(), 0.0), max(totals.max(), 0.0)
    span = (high - low) or 1.0
    returns.set_ylim(low - 0.15 * span, high + 0.15 * span)
    returns.set_ylabel("total net return, % of one stake")
    returns.set_title("Model's signals, research simulation with fees")

    for axes in (scores, returns):
        axes.set_xticks(folds, [f"fold {fold}" for fold in folds])
    figure.suptitle(f"Walk-forward evaluation on {len(folds)} expanding folds")
    return figure
