"""Past-only candle features.

Every feature of candle t uses candle t and earlier candles of the same segment
only. A value whose inputs are not all inside one segment is NaN: the first
candle of a segment has no change, and its first ``period - 1`` candles have no
moving average. Such rows are dropped later, never filled.

Feature names carry their definition:

- ``high_change``, ``low_change``, ``close_change``: (x_t - close_{t-1}) /
  close_{t-1} * 100 for x = high, low, close;
- ``volume_change``: (volume_t - volume_{t-1}) / volume_{t-1} * 100;
- ``price_to_ma<N>``: close_t / mean(close over the last N candles);
- ``volume_to_ma<N>``: volume_t / mean(volume over the last N candles).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from crypto_lstm.errors import FeatureError

DEFAULT_FEATURES = (
    "high_change",
    "low_change",
    "close_change",
    "volume_change",
    "price_to_ma1440",
    "price_to_ma43200",
    "volume_to_ma1440",
    "volume_to_ma43200",
)
CHANGE_SOURCES = {
    "high_change": "high",
    "low_change": "low",
    "close_change": "close",
}
MOVING_AVERAGE_PATTERN = re.compile(r"^(price|volume)_to_ma(\d+)$")


def parse_feature(name: str) -> tuple[str, int]:
    """Return the kind of a feature and its moving-average period (1 if none).

    Raises:
        FeatureError: If the name is not one of the supported forms.
    """
    if name in CHANGE_SOURCES or name == "volume_change":
        return name, 1
    match = MOVING_AVERAGE_PATTERN.match(name)
    if match is None or int(match.group(2)) < 1:
        raise FeatureError(
            f"Feature engineering failed: unknown feature {name!r}. Use high_change, "
            "low_change, close_change, volume_change, price_to_ma<N> or "
            "volume_to_ma<N> with a period N of at least 1."
        )
    return f"{match.group(1)}_to_ma", int(match.group(2))


def positions_in_segment(segments: np.ndarray) -> np.ndarray:
    """Return each row's 0-based position inside its contiguous segment."""
    rows = np.arange(len(segments))
    starts = np.ones(len(segments), dtype=bool)
    starts[1:] = segments[1:] != segments[:-1]
    first_row_of_segment = np.maximum.accumulate(np.where(starts, rows, 0))
    return rows - first_row_of_segment


def _previous(values: np.ndarray, position: np.ndarray) -> np.ndarray:
    previous = np.full(len(values), np.nan)
    previous[1:] = values[:-1]
    previous[position < 1] = np.nan
    return previous


def _moving_average(
    values: np.ndarray, period: int, position: np.ndarray
) -> np.ndarray:
    # pandas' rolling mean runs over the whole column in O(n); the rows whose
    # period reaches into an earlier segment are masked afterwards.
    average = (
        pd.Series(values).rolling(period, min_periods=period).mean().to_numpy(copy=True)
    )
    average[position < period - 1] = np.nan
    return average


def _volume_change(
    volume: np.ndarray, previous: np.ndarray, zero_previous_volume_change: float
) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (volume - previous) / previous * 100.0
    after_zero = previous == 0
    change[after_zero & (volume == 0)] = 0.0
    change[after_zero & (volume > 0)] = zero_previous_volume_change
    return change


def _volume_ratio(
    volume: np.ndarray, average: np.ndarray, zero_mean_volume_ratio: float
) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = volume / average
    ratio[average == 0] = zero_mean_volume_ratio
    return ratio


def compute_features(
    candles: pd.DataFrame,
    feature_names: Sequence[str] = DEFAULT_FEATURES,
    *,
    zero_previous_volume_change: float = 100.0,
    zero_mean_volume_ratio: float = 1.0,
) -> pd.DataFrame:
    """Compute past-only features for every candle.

    Args:
        candles: Validated candles with ``timestamp``, ``high``, ``low``,
            ``close``, ``volume`` and ``segment``.
        feature_names: Features to compute, in output order.
        zero_previous_volume_change: ``volume_change`` when the previous volume
            is 0 and the current one is positive. When both are 0 it is 0.
        zero_mean_volume_ratio: ``volume_to_ma<N>`` when the mean volume is 0,
            which happens only when the current volume is 0 too.

    Returns:
        ``timestamp``, ``segment`` and one float64 column per feature, with NaN
        where the feature's inputs are not all inside the candle's segment.
    """
    segments = candles["segment"].to_numpy()
    position = positions_in_segment(segments)
    close = candles["close"].to_numpy(dtype="float64")
    volume = candles["volume"].to_numpy(dtype="float64")
    previous_close = _previous(close, position)

    features = candles.loc[:, ["timestamp", "segment"]].copy()
    for name in feature_names:
        kind, period = parse_feature(name)
        if kind in CHANGE_SOURCES:
            source = candles[CHANGE_SOURCES[kind]].to_numpy(dtype="float64")
            values = (source - previous_close) / previous_close * 100.0
        elif kind == "volume_change":
            previous_volume = _previous(volume, position)
            values = _volume_change(
                volume, previous_volume, zero_previous_volume_change
            )
        elif kind == "price_to_ma":
            values = close / _moving_average(close, period, position)
        else:
            average = _moving_average(volume, period, position)
            values = _volume_ratio(volume, average, zero_mean_volume_ratio)
        features[name] = values
    return features
