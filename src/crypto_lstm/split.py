"""Chronological split of labelled rows with an embargo."""

from __future__ import annotations

import pandas as pd

from crypto_lstm.errors import SplitError


def chronological_split(
    rows: pd.DataFrame, *, train_ratio: float, embargo: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split time-ordered rows into a training part and a later validation part.

    The first ``floor(len(rows) * train_ratio)`` rows form the training part.
    The validation part starts ``embargo`` rows after the last training row is
    followed, so with ``embargo >= future_window`` no training label looks at a
    price inside the validation part. Nothing is shuffled.

    Args:
        rows: Labelled rows sorted by ``timestamp``.
        train_ratio: Share of rows in the training part, in (0, 1).
        embargo: Rows skipped between the two parts, at least 0.

    Returns:
        The training part and the validation part, each with a fresh 0-based index.

    Raises:
        SplitError: If a parameter is out of range or a part would be empty.
    """
    if not 0 < train_ratio < 1:
        raise SplitError(
            "Split failed: train_ratio must lie strictly between 0 and 1. "
            f"Received: train_ratio={train_ratio}."
        )
    if embargo < 0:
        raise SplitError(
            "Split failed: embargo must be a number of rows >= 0. "
            f"Received: embargo={embargo}."
        )
    if not rows["timestamp"].is_monotonic_increasing:
        raise SplitError(
            "Split failed: rows must be sorted by timestamp. Re-run "
            "feature_engineering, which writes them in time order."
        )

    n_train = int(len(rows) * train_ratio)
    validation_start = n_train + embargo
    if n_train == 0 or validation_start >= len(rows):
        raise SplitError(
            f"Split failed: {len(rows)} labelled rows with train_ratio={train_ratio} "
            f"and embargo={embargo} leave an empty part ({n_train} training rows, "
            f"{max(len(rows) - validation_start, 0)} validation rows). Add candle "
            "files, or lower the embargo or the moving-average periods."
        )

    train = rows.iloc[:n_train].reset_index(drop=True)
    validation = rows.iloc[validation_start:].reset_index(drop=True)
    return train, validation
