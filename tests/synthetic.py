"""Small candle series made in code for the tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from crypto_lstm.candles import KLINE_COLUMNS

MINUTE_MS = 60_000

# The eight default feature kinds with moving-average periods short enough for
# series of a few hundred or thousand candles.
SHORT_PERIOD_FEATURES = [
    "high_change",
    "low_change",
    "close_change",
    "volume_change",
    "price_to_ma30",
    "price_to_ma240",
    "volume_to_ma30",
    "volume_to_ma240",
]
START = pd.Timestamp("2024-03-01", tz="UTC")


def random_candles(
    n: int, *, seed: int = 0, start: pd.Timestamp = START, volatility: float = 0.002
) -> pd.DataFrame:
    """Return a geometric random walk of n consistent 1-minute candles."""
    rng = np.random.default_rng(seed)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, volatility, n)))
    open_ = np.concatenate([[100.0], close[:-1]])
    body_high = np.maximum(open_, close)
    body_low = np.minimum(open_, close)
    high = body_high * (1 + np.abs(rng.normal(0.0, volatility / 2, n)))
    low = body_low * (1 - np.abs(rng.normal(0.0, volatility / 2, n)))
    volume = rng.gamma(2.0, 50.0, n)
    return pd.DataFrame(
        {
            "timestamp": pd.date_range(start, periods=n, freq="1min"),
            "open": open_,
            "high": high,
            "low": low,
            "close": close,
            "volume": volume,
        }
    )


def to_klines(candles: pd.DataFrame, *, microseconds: bool = False) -> pd.DataFrame:
    """Return candles in Binance's 12-column kline layout."""
    open_time = (candles["timestamp"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(
        "1ms"
    )
    scale = 1000 if microseconds else 1
    klines = pd.DataFrame(
        {
            "open_time": open_time * scale,
            "open": candles["open"],
            "high": candles["high"],
            "low": candles["low"],
            "close": candles["close"],
            "volume": candles["volume"],
            "close_time": (open_time + MINUTE_MS - 1) * scale,
            "quote_volume": candles["volume"] * candles["close"],
            "count": 10,
            "taker_buy_volume": candles["volume"] / 2,
            "taker_buy_quote_volume": candles["volume"] * candles["close"] / 2,
            "ignore": 0,
        }
    )
    return klines.loc[:, list(KLINE_COLUMNS)]


def write_klines(
    candles: pd.DataFrame,
    path: Path,
    *,
    header: bool = True,
    microseconds: bool = False,
) -> Path:
    """Write candles as a Binance kline CSV, or a zipped CSV for a .zip path."""
    klines = to_klines(candles, microseconds=microseconds)
    if path.suffix == ".zip":
        compression = {"method": "zip", "archive_name": path.with_suffix(".csv").name}
    else:
        compression = None
    klines.to_csv(path, index=False, header=header, compression=compression)
    return path
