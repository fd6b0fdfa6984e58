import io

import numpy as np
import pandas as pd

from crypto_lstm.labels import HOLD, LONG, SHORT
from crypto_lstm.pipelines.data_processing.nodes import (
    fit_feature_scaler,
    split_rows,
    undersample_training_windows,
)
from crypto_lstm.scaling import scale_rows

NAMES = ["close_change", "volume_change", "price_to_ma30"]


def _features(n=600) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "timestamp": pd.date_range("2024-01-01", periods=n, freq="1min", tz="UTC"),
            "segment": np.zeros(n, dtype="int32"),
            "close_change": rng.normal(0, 0.1, n),
            "volume_change": rng.normal(0, 30, n),
            "price_to_ma30": rng.normal(1, 0.01, n),
            "label": rng.choice([SHORT, HOLD, LONG], size=n, p=[0.2, 0.6, 0.2]).astype(
                "int8"
            ),
        }
    )
    return frame


def _through_parquet(frame: pd.DataFrame) -> pd.DataFrame:
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return pd.read_parquet(io.BytesIO(buffer.getvalue()))


def _process(features: pd.DataFrame):
    parameters = {"train_ratio": 0.8, "embargo": None}
    train, validation = split_rows(features, parameters, future_window=10)
    scaler = fit_feature_scaler(train, NAMES, "robust")
    train_rows = scale_rows(train, scaler)
    validation_rows = scale_rows(validation, scaler)
    ends = undersample_training_windows(train_rows, 20, {"min_samples": 50}, seed=1)
    return scaler, train_rows, validation_rows, ends


def test_reordered_feature_columns_give_identical_results():
    features = _features()
    reordered = features[
        [
            "label",
            "price_to_ma30",
            "timestamp",
            "close_change",
            "segment",
            "volume_change",
        ]
    ]

    scaler, train_rows, validation_rows, ends = _process(_through_parquet(features))
    scaler2, train_rows2, validation_rows2, ends2 = _process(
        _through_parquet(reordered)
    )

    np.testing.assert_array_equal(scaler.center_, scaler2.center_)
    np.testing.assert_array_equal(scaler.scale_, scaler2.scale_)
    assert list(scaler2.feature_names_in_) == NAMES
    pd.testing.assert_frame_equal(train_rows[NAMES], train_rows2[NAMES])
    pd.testing.assert_frame_equal(validation_rows[NAMES], validation_rows2[NAMES])
    pd.testing.assert_frame_equal(ends, ends2)


def test_embargo_defaults_to_label_horizon():
    features = _features(100)

    train, validation = split_rows(
        features, {"train_ratio": 0.5, "embargo": None}, future_window=7
    )

    assert len(train) == 50
    assert validation["timestamp"].iloc[0] == features["timestamp"].iloc[57]
