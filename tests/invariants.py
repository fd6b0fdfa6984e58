"""Checks that every dataset of a finished run obeys the data rules.

They reload the datasets through the run's Kedro catalog and recompute
features, labels, the split and the scaler from the persisted candles, so a
dataset that was written by a different rule fails here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

from crypto_lstm.candles import CANDLE_COLUMNS
from crypto_lstm.features import compute_features
from crypto_lstm.labels import NO_LABEL, label_candles
from crypto_lstm.scaling import fit_scaler
from crypto_lstm.windows import window_end_mask


def load_run(root, runtime_params: dict) -> tuple[dict, Callable[[str], Any]]:
    """Return the run's parameters and a loader of its latest datasets."""
    bootstrap_project(root)
    with KedroSession.create(
        project_path=root, runtime_params=runtime_params
    ) as session:
        catalog = session.load_context().catalog
    return catalog.load("parameters"), catalog.load


def check_candles(candles: pd.DataFrame) -> None:
    assert tuple(candles.columns) == CANDLE_COLUMNS
    times = candles["timestamp"]
    assert times.is_monotonic_increasing
    assert times.is_unique
    assert (times.dt.floor("1min") == times).all()
    values = candles[["open", "high", "low", "close", "volume"]].to_numpy()
    assert np.isfinite(values).all()
    assert (values >= 0).all()
    assert (candles["low"] <= candles[["open", "close"]].min(axis=1)).all()
    assert (candles["high"] >= candles[["open", "close"]].max(axis=1)).all()
    new_segment = (times.diff() != pd.Timedelta("1min")).to_numpy()
    np.testing.assert_array_equal(
        candles["segment"].to_numpy(), np.cumsum(new_segment) - 1
    )


def check_features(
    candles: pd.DataFrame, features: pd.DataFrame, parameters: dict
) -> None:
    engineering = parameters["feature_engineering"]
    names = list(engineering["features"])
    assert list(features.columns) == ["timestamp", "segment", *names, "label"]
    assert np.isfinite(features[names].to_numpy()).all()
    assert set(np.unique(features["label"])) <= {0, 1, 2}

    expected = compute_features(candles, names, **engineering.get("rules", {}))
    expected["label"] = label_candles(candles, **engineering["labels"])
    complete = expected[names].notna().all(axis=1) & (expected["label"] != NO_LABEL)
    expected = expected.loc[complete].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        features.reset_index(drop=True), expected, check_dtype=False
    )


def check_split_and_scaling(
    features: pd.DataFrame,
    train_rows: pd.DataFrame,
    validation_rows: pd.DataFrame,
    scaler,
    parameters: dict,
) -> None:
    names = list(parameters["feature_engineering"]["features"])
    future_window = parameters["feature_engineering"]["labels"]["future_window"]
    processing = parameters["data_processing"]
    embargo = (
        processing["embargo"] if processing["embargo"] is not None else future_window
    )
    n_train = int(len(features) * processing["train_ratio"])

    assert (
        train_rows["timestamp"].tolist()
        == features["timestamp"].iloc[:n_train].tolist()
    )
    assert (
        validation_rows["timestamp"].tolist()
        == features["timestamp"].iloc[n_train + embargo :].tolist()
    )
    # Positions in the labelled rows: each training label ends before validation starts.
    assert (n_train - 1) + future_window < n_train + embargo

    refitted = fit_scaler(features.iloc[:n_train], names, processing["scaler"])
    assert list(scaler.feature_names_in_) == names
    for attribute in ("center_", "scale_", "mean_", "data_min_", "data_max_"):
        if hasattr(refitted, attribute):
            np.testing.assert_allclose(
                getattr(scaler, attribute), getattr(refitted, attribute)
            )
    expected = scaler.transform(features.iloc[:n_train][names]).astype(np.float32)
    np.testing.assert_allclose(
        train_rows[names].to_numpy(), expected, rtol=1e-6, atol=1e-6
    )


def check_window_ends(
    train_rows: pd.DataFrame, ends: pd.DataFrame, window_size: int
) -> None:
    positions = ends["end"].to_numpy()
    assert list(ends.columns) == ["end"]
    assert np.all(np.diff(positions) > 0)
    valid = window_end_mask(train_rows["timestamp"], window_size)
    assert valid[positions].all()

    labels = train_rows["label"].to_numpy()
    before = np.bincount(labels[valid], minlength=3)
    after = np.bincount(labels[positions], minlength=3)
    assert (after <= before).all()


def check_data_quality(
    quality: dict,
    candles: pd.DataFrame,
    features: pd.DataFrame,
    train_rows,
    validation_rows,
) -> None:
    combined = quality["candles"]
    assert combined["candles"] == len(candles)
    assert combined["segments"] == int(candles["segment"].max()) + 1
    assert combined["gaps"]["count"] == combined["segments"] - 1
    assert (
        sum(entry["rows"] for entry in quality["raw_files"].values())
        == combined["rows_read"]
    )
    assert combined["rows_read"] - combined["identical_duplicates_dropped"] == len(
        candles
    )

    dropped = quality["features"]
    assert dropped["dropped_incomplete_feature_history"] + dropped[
        "dropped_missing_label_horizon"
    ] + dropped["labelled_rows"] == len(candles)
    assert dropped["labelled_rows"] == len(features)
    assert quality["parts"]["train"]["rows"] == len(train_rows)
    assert quality["parts"]["validation"]["rows"] == len(validation_rows)
    assert sum(quality["parts"]["train"]["row_labels"].values()) == len(train_rows)


def check_data_path(root, runtime_params: dict) -> dict:
    """Reload the data datasets of a run and check every rule; return them."""
    parameters, load = load_run(root, runtime_params)
    candles = load("candles")
    features = load("features")
    train_rows = load("train_rows")
    validation_rows = load("validation_rows")

    check_candles(candles)
    check_features(candles, features, parameters)
    check_split_and_scaling(
        features, train_rows, validation_rows, load("scaler"), parameters
    )
    check_window_ends(train_rows, load("train_window_ends"), parameters["window_size"])
    check_data_quality(
        load("data_quality"), candles, features, train_rows, validation_rows
    )
    return {"parameters": parameters, "data_quality": load("data_quality")}
