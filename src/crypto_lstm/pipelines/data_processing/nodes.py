"""Nodes of the data_processing pipeline."""

from __future__ import annotations

import logging

import pandas as pd

from crypto_lstm.labels import class_counts
from crypto_lstm.scaling import fit_scaler
from crypto_lstm.split import chronological_split
from crypto_lstm.undersampling import undersample_window_ends
from crypto_lstm.windows import window_ends

logger = logging.getLogger(__name__)


def resolve_embargo(embargo: int | None, future_window: int) -> int:
    """Return the embargo in rows; None means one label horizon."""
    return future_window if embargo is None else int(embargo)


def split_rows(
    features: pd.DataFrame, parameters: dict, future_window: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split labelled rows by time into training and validation parts.

    Args:
        features: Labelled rows in time order.
        parameters: The ``data_processing`` parameters.
        future_window: The label horizon, the default embargo.

    Returns:
        The training part and the validation part.
    """
    embargo = resolve_embargo(parameters.get("embargo"), future_window)
    train, validation = chronological_split(
        features, train_ratio=parameters["train_ratio"], embargo=embargo
    )
    for part, rows in (("training", train), ("validation", validation)):
        logger.info(
            "%s part: %d rows from %s to %s",
            part.capitalize(),
            len(rows),
            rows["timestamp"].iloc[0],
            rows["timestamp"].iloc[-1],
        )
    logger.info("Embargo: %d rows between the parts", embargo)
    return train, validation


def fit_feature_scaler(train: pd.DataFrame, feature_names: list[str], kind: str):
    """Fit the configured scaler on the training part's features only."""
    scaler = fit_scaler(train, feature_names, kind)
    logger.info("Fitted %s on %d training rows", type(scaler).__name__, len(train))
    return scaler


def undersample_training_windows(
    train_rows: pd.DataFrame, window_size: int, parameters: dict, seed: int
) -> pd.DataFrame:
    """Choose the training window ends to train on.

    Args:
        train_rows: Scaled training rows.
        window_size: W.
        parameters: The ``data_processing.undersampling`` parameters.
        seed: Seed of the evenly spaced offsets.

    Returns:
        One int64 column ``end`` with the kept window end positions, sorted.
    """
    ends = window_ends(train_rows["timestamp"], window_size)
    end_labels = train_rows["label"].to_numpy()[ends]
    kept = undersample_window_ends(
        ends, end_labels, min_samples=parameters["min_samples"], seed=seed
    )

    logger.info(
        "Training window ends per class before undersampling: %s",
        class_counts(end_labels),
    )
    logger.info(
        "Training window ends per class after undersampling: %s",
        class_counts(train_rows["label"].to_numpy()[kept]),
    )
    return pd.DataFrame({"end": kept.astype("int64")})


def report_data_quality(
    candle_quality: dict,
    feature_quality: dict,
    train_rows: pd.DataFrame,
    validation_rows: pd.DataFrame,
    train_window_ends: pd.DataFrame,
    window_size: int,
) -> dict:
    """Collect what happened to the data from raw files to training windows.

    Returns:
        Per raw file and combined: rows, identical duplicates dropped, gaps and
        segments; rows dropped for an incomplete feature history and for a
        missing label horizon; rows and windows per class of each part.
    """
    train_labels = train_rows["label"].to_numpy()
    validation_labels = validation_rows["label"].to_numpy()
    train_ends = window_ends(train_rows["timestamp"], window_size)
    validation_ends = window_ends(validation_rows["timestamp"], window_size)
    return {
        "raw_files": candle_quality["files"],
        "candles": candle_quality["combined"],
        "features": feature_quality,
        "parts": {
            "train": {
                "rows": len(train_rows),
                "first_row": str(train_rows["timestamp"].iloc[0]),
                "last_row": str(train_rows["timestamp"].iloc[-1]),
                "row_labels": class_counts(train_labels),
                "windows_before_undersampling": class_counts(train_labels[train_ends]),
                "windows_after_undersampling": class_counts(
                    train_labels[train_window_ends["end"].to_numpy()]
                ),
            },
            "validation": {
                "rows": len(validation_rows),
                "first_row": str(validation_rows["timestamp"].iloc[0]),
                "last_row": str(validation_rows["timestamp"].iloc[-1]),
                "row_labels": class_counts(validation_labels),
                "windows": class_counts(validation_labels[validation_ends]),
            },
        },
    }
