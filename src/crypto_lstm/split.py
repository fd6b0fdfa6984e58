"""Chronological split of labelled rows with an embargo."""

from __future__ import annotations

import pandas as pd
from sklearn.model_selection import TimeSeriesSplit

from crypto_lstm.errors import SplitError, WalkForwardError


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


def expanding_folds(rows: pd.DataFrame, *, folds: int, embargo: int) -> pd.DataFrame:
    """Cut time-ordered rows into expanding walk-forward folds.

    scikit-learn's ``TimeSeriesSplit`` makes the folds. It cuts the rows into
    ``folds + 1`` equal blocks, and the first block also takes the remainder.
    Fold k validates on block k + 1 and trains on everything before it except
    the last ``embargo`` rows, because their label horizon would reach into
    the validation block. With 4 folds, the last fold is close to the default
    80 / 20 split.

    Returns:
        One row per fold: ``fold`` (from 1), ``train_stop``,
        ``validation_start`` and ``validation_stop``, as row positions with
        exclusive stops; training is ``rows[:train_stop]``.

    Raises:
        WalkForwardError: If the rows are too few for the folds and the embargo.
    """
    if isinstance(folds, bool) or not isinstance(folds, int) or folds < 2:
        raise WalkForwardError(
            "Walk-forward split failed: folds must be an integer >= 2. "
            f"Received: folds={folds!r}."
        )
    block = len(rows) // (folds + 1)
    if block <= embargo:
        raise WalkForwardError(
            f"Walk-forward split failed: {len(rows)} labelled rows in {folds + 1} "
            f"blocks of {block} rows leave no training rows in the first fold after "
            f"an embargo of {embargo} rows. Add candle files, or lower "
            "walk_forward.folds or the embargo."
        )

    splitter = TimeSeriesSplit(n_splits=folds, gap=embargo)
    bounds = [
        (fold, int(train[-1]) + 1, int(validation[0]), int(validation[-1]) + 1)
        for fold, (train, validation) in enumerate(splitter.split(rows), start=1)
    ]
    return pd.DataFrame(
        bounds,
        columns=["fold", "train_stop", "validation_start", "validation_stop"],
    )
