"""Scaler choice, fitting on the training part only, and scaling statistics."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

from crypto_lstm.errors import ScalingError

SCALERS = {
    "robust": RobustScaler,
    "standard": StandardScaler,
    "minmax": MinMaxScaler,
}


def _flat_columns(train: pd.DataFrame, kind: str) -> list[str]:
    values = train.to_numpy(dtype="float64")
    if kind == "robust":
        q25, q75 = np.percentile(values, [25, 75], axis=0)
        flat = q75 - q25 == 0
    else:
        flat = np.ptp(values, axis=0) == 0
    return [
        column for column, is_flat in zip(train.columns, flat, strict=True) if is_flat
    ]


def fit_scaler(train: pd.DataFrame, feature_names: Sequence[str], kind: str):
    """Fit a scikit-learn scaler on the training rows' features only.

    The scaler is fitted on a DataFrame, so it keeps the feature names in order
    (``feature_names_in_``). A pickled scikit-learn estimator also stores the
    scikit-learn version, and loading it under another version warns.

    Raises:
        ScalingError: If ``kind`` is unknown, or a training column has zero
            interquartile range (robust) or zero variance (standard, minmax).
    """
    if kind not in SCALERS:
        raise ScalingError(
            f"Scaling failed: unknown scaler {kind!r}. Use one of {sorted(SCALERS)} "
            "in data_processing.scaler."
        )
    columns = train.loc[:, list(feature_names)]
    flat = _flat_columns(columns, kind)
    if flat:
        spread = "interquartile range" if kind == "robust" else "variance"
        raise ScalingError(
            f"Scaling failed: the training part's column(s) {flat} have zero {spread}, "
            f"so the {kind} scaler would divide by zero. Drop the feature from "
            "feature_engineering.features, or use more candles."
        )
    return SCALERS[kind]().fit(columns)


def scale_rows(rows: pd.DataFrame, scaler) -> pd.DataFrame:
    """Return the rows with their feature columns scaled to float32.

    Columns are selected by the scaler's feature names, so their order in
    ``rows`` does not matter.
    """
    feature_names = list(scaler.feature_names_in_)
    scaled = scaler.transform(rows.loc[:, feature_names]).astype("float32")
    result = rows.copy()
    result[feature_names] = scaled
    return result


def describe_scaling(
    train: pd.DataFrame,
    validation: pd.DataFrame,
    train_scaled: pd.DataFrame,
    validation_scaled: pd.DataFrame,
    feature_names: Sequence[str],
) -> dict:
    """Return per-feature statistics of both parts before and after scaling.

    ``validation_outside_training_range`` counts validation values below the
    training minimum or above the training maximum: values the scaler never
    saw, which a model may treat unpredictably.
    """

    def stats(frame: pd.DataFrame, name: str) -> dict:
        values = frame[name].to_numpy(dtype="float64")
        q25, median, q75 = np.percentile(values, [25, 50, 75])
        return {
            "mean": float(values.mean()),
            "std": float(values.std()),
            "min": float(values.min()),
            "q25": float(q25),
            "median": float(median),
            "q75": float(q75),
            "max": float(values.max()),
        }

    def outside_training_range(name: str) -> int:
        values = validation[name].to_numpy()
        below = values < train[name].min()
        above = values > train[name].max()
        return int((below | above).sum())

    return {
        name: {
            "train_raw": stats(train, name),
            "validation_raw": stats(validation, name),
            "train_scaled": stats(train_scaled, name),
            "validation_scaled": stats(validation_scaled, name),
            "validation_outside_training_range": outside_training_range(name),
        }
        for name in feature_names
    }
