"""Nodes of the feature_engineering pipeline."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pandas as pd

from crypto_lstm.candles import describe_candles, validate_candles
from crypto_lstm.features import compute_features
from crypto_lstm.labels import NO_LABEL, class_counts, label_candles

logger = logging.getLogger(__name__)


def validate_raw_candles(
    raw_candles: dict[str, Callable[[], pd.DataFrame]], interval: str
) -> tuple[pd.DataFrame, dict]:
    """Read every raw kline file and validate them into one candle table.

    Args:
        raw_candles: Loaders per file name, from the raw candle folder.
        interval: Candle interval as a pandas offset string.

    Returns:
        Sorted, de-duplicated candles with a ``segment`` id per contiguous run,
        and a summary of rows, duplicates, gaps and segments per file.
    """
    files = {name: load() for name, load in sorted(raw_candles.items())}
    candles = validate_candles(files, interval=interval)
    return candles, describe_candles(files, candles, interval=interval)


def compute_candle_features(candles: pd.DataFrame, parameters: dict) -> pd.DataFrame:
    """Compute the configured past-only features for every candle.

    Args:
        candles: Validated candles.
        parameters: The ``feature_engineering`` parameters.

    Returns:
        ``timestamp``, ``segment`` and one column per feature, NaN where a
        feature's inputs reach outside the candle's segment.
    """
    return compute_features(
        candles, parameters["features"], **parameters.get("rules", {})
    )


def compute_candle_labels(
    candles: pd.DataFrame, label_parameters: dict
) -> pd.DataFrame:
    """Label every candle with the competitive take-profit / stop-loss rule.

    Args:
        candles: Validated candles.
        label_parameters: ``future_window``, ``take_profit_pct`` and
            ``stop_loss_pct``.

    Returns:
        One int8 column ``label``; -1 where the horizon leaves the segment.
    """
    labels = label_candles(candles, **label_parameters)
    return pd.DataFrame({"label": labels})


def assemble_features(
    candle_features: pd.DataFrame, candle_labels: pd.DataFrame
) -> tuple[pd.DataFrame, dict]:
    """Join features and labels and drop rows that lack either.

    Rows in the moving-average warm-up, right after a gap, or without a full
    label horizon are dropped, never filled.

    Returns:
        ``timestamp``, ``segment``, the features and ``label``, in time order,
        and the number of rows dropped for each reason.
    """
    table = candle_features.assign(label=candle_labels["label"].to_numpy())
    feature_columns = [
        c for c in candle_features.columns if c not in ("timestamp", "segment")
    ]

    missing_feature = table[feature_columns].isna().any(axis=1).to_numpy()
    missing_label = (table["label"] == NO_LABEL).to_numpy()
    keep = ~missing_feature & ~missing_label
    features = table.loc[keep].reset_index(drop=True)

    logger.info(
        "Dropped %d rows without a full feature history and %d more without a "
        "full label horizon; %d labelled rows remain",
        int(missing_feature.sum()),
        int((missing_label & ~missing_feature).sum()),
        len(features),
    )
    label_counts = class_counts(features["label"].to_numpy())
    logger.info("Label counts: %s", label_counts)
    quality = {
        "candles": len(table),
        "dropped_incomplete_feature_history": int(missing_feature.sum()),
        "dropped_missing_label_horizon": int((missing_label & ~missing_feature).sum()),
        "labelled_rows": len(features),
        "label_counts": label_counts,
    }
    return features, quality
