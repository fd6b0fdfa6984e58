import numpy as np
import pandas as pd
import pytest

from crypto_lstm.errors import FeatureError
from crypto_lstm.features import compute_features, parse_feature, positions_in_segment

NAMES = [
    "high_change",
    "low_change",
    "close_change",
    "volume_change",
    "price_to_ma3",
    "volume_to_ma3",
]


def _hand_candles() -> pd.DataFrame:
    # Seven candles, a one-hour gap, then three more: the gap starts segment 1.
    times = list(pd.date_range("2024-01-01", periods=7, freq="1min", tz="UTC"))
    times += list(pd.date_range("2024-01-01 01:00", periods=3, freq="1min", tz="UTC"))
    values = pd.DataFrame(
        {
            "open": [10, 10, 11, 12, 11, 10, 10, 13, 13, 13],
            "high": [10.5, 11.5, 12, 12, 11, 10.2, 12.5, 13.2, 13.1, 14],
            "low": [9.5, 10, 11, 10.8, 9.9, 9.8, 10, 12.8, 12.9, 13],
            "close": [10, 11, 12, 11, 10, 10, 12, 13, 13, 14],
            "volume": [100, 200, 0, 0, 0, 50, 100, 10, 10, 20],
        },
        dtype="float64",
    )
    return values.assign(timestamp=times, segment=np.array([0] * 7 + [1] * 3, "int32"))


def test_features_match_hand_computed_values():
    features = compute_features(_hand_candles(), NAMES)
    nan = np.nan
    expected = np.array(
        [
            # high_ch, low_ch, close_ch, vol_ch, price/ma3, volume/ma3
            [nan, nan, nan, nan, nan, nan],
            [15.0, 0.0, 10.0, 100.0, nan, nan],
            [100 / 11, 0.0, 100 / 11, -100.0, 12 / 11, 0.0],
            [0.0, -10.0, -100 / 12, 0.0, 11 / (34 / 3), 0.0],
            [0.0, -10.0, -100 / 11, 0.0, 10 / 11, 1.0],  # mean volume 0 -> 1.0
            [2.0, -2.0, 0.0, 100.0, 10 / (31 / 3), 3.0],  # volume after 0 -> 100
            [25.0, 0.0, 20.0, 100.0, 12 / (32 / 3), 2.0],
            [nan, nan, nan, nan, nan, nan],  # first candle after the gap
            [100 * 0.1 / 13, 100 * -0.1 / 13, 0.0, 0.0, nan, nan],
            [100 / 13, 0.0, 100 / 13, 100.0, 14 / (40 / 3), 20 / (40 / 3)],
        ]
    )

    np.testing.assert_allclose(
        features[NAMES].to_numpy(), expected, rtol=1e-12, atol=1e-12
    )
    assert list(features.columns) == ["timestamp", "segment", *NAMES]


def test_zero_volume_rules_are_parameters():
    features = compute_features(
        _hand_candles(),
        ["volume_change", "volume_to_ma3"],
        zero_previous_volume_change=500.0,
        zero_mean_volume_ratio=0.0,
    )

    assert features["volume_change"].iloc[5] == 500.0
    assert features["volume_change"].iloc[3] == 0.0
    assert features["volume_to_ma3"].iloc[4] == 0.0


def test_moving_average_never_crosses_gap():
    candles = _hand_candles()
    features = compute_features(candles, ["price_to_ma2"])

    # Row 7 opens segment 1; its 2-candle average would include row 6.
    assert np.isnan(features["price_to_ma2"].iloc[7])
    assert features["price_to_ma2"].iloc[8] == 1.0


def test_positions_in_segment():
    segments = np.array([0, 0, 0, 1, 1, 2])

    assert positions_in_segment(segments).tolist() == [0, 1, 2, 0, 1, 0]


@pytest.mark.parametrize("name", ["rsi", "price_to_ma0", "price_to_maX", "close"])
def test_unknown_feature_rejected(name):
    with pytest.raises(FeatureError, match=f"unknown feature '{name}'"):
        parse_feature(name)


def test_parse_feature_reads_period():
    assert parse_feature("volume_to_ma43200") == ("volume_to_ma", 43200)
    assert parse_feature("close_change") == ("close_change", 1)
