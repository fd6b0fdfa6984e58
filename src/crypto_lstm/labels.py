"""Competitive take-profit / stop-loss labels.

For candle t the entry price is close_t. Candles t+1 ... t+H are scanned in
order with both sides active. On each candle, these checks run in turn:

1. the long side wins if it is active and ``high >= close_t * (1 + tp)``;
2. the short side wins if it is active and ``low <= close_t * (1 - tp)``;
3. a side whose stop-loss is touched (``low <= close_t * (1 - sl)`` for long,
   ``high >= close_t * (1 + sl)`` for short) becomes inactive.

No win within H candles, or both sides stopped, gives HOLD.

A side's stop-loss touched on the same candle as its take-profit does not stop
it, because the take-profit is checked first. Hence the long side wins at its
first take-profit candle ``a`` exactly when its first stop-loss candle is not
before ``a``, and the same for the short side. The label is the earlier of the
two wins, LONG on a tie. Once both sides are stopped no win can follow, so the
stop events need no candle of their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crypto_lstm.errors import LabelingError

SHORT, HOLD, LONG = 0, 1, 2
CLASS_NAMES = ("SHORT", "HOLD", "LONG")
NO_LABEL = -1


def _first_touch(touched_at_offset, n_rows: int, future_window: int) -> np.ndarray:
    """Return, per row, the first offset 1..H at which a condition holds, else H+1.

    The loop runs over the H offsets, each step vectorised over all rows, so
    memory stays O(rows) instead of O(rows * H).
    """
    first = np.full(n_rows, future_window + 1, dtype=np.int32)
    for offset in range(future_window, 0, -1):
        first[touched_at_offset(offset)] = offset
    return first


def label_candles(
    candles: pd.DataFrame,
    *,
    future_window: int,
    take_profit_pct: float,
    stop_loss_pct: float,
) -> np.ndarray:
    """Label every candle SHORT (0), HOLD (1) or LONG (2), or NO_LABEL (-1).

    Args:
        candles: Candles with ``high``, ``low``, ``close`` and ``segment``, in
            time order, consecutive within each segment.
        future_window: H, the number of following candles scanned.
        take_profit_pct: Take-profit distance in percent of the entry price.
        stop_loss_pct: Stop-loss distance in percent of the entry price.

    Returns:
        An int8 array with one label per candle; NO_LABEL where the candle's
        segment has fewer than H candles after it.

    Raises:
        LabelingError: If a parameter is out of range.
    """
    if future_window < 1:
        raise LabelingError(
            "Labelling failed: future_window must be a positive number of candles. "
            f"Received: future_window={future_window}."
        )
    if not 0 < stop_loss_pct < 100 or not 0 < take_profit_pct < 100:
        raise LabelingError(
            "Labelling failed: take_profit_pct and stop_loss_pct must lie between 0 "
            f"and 100. Received: take_profit_pct={take_profit_pct}, "
            f"stop_loss_pct={stop_loss_pct}."
        )

    high = candles["high"].to_numpy(dtype="float64")
    low = candles["low"].to_numpy(dtype="float64")
    close = candles["close"].to_numpy(dtype="float64")
    segment = candles["segment"].to_numpy()
    n_rows = len(close)

    take_profit = take_profit_pct / 100.0
    stop_loss = stop_loss_pct / 100.0
    long_take_profit = close * (1 + take_profit)
    long_stop_loss = close * (1 - stop_loss)
    short_take_profit = close * (1 - take_profit)
    short_stop_loss = close * (1 + stop_loss)

    def ahead(values: np.ndarray, offset: int) -> np.ndarray:
        # values[t + offset] for each t; rows past the end compare as False.
        shifted = np.full(n_rows, np.nan)
        if offset < n_rows:
            shifted[: n_rows - offset] = values[offset:]
        return shifted

    long_win = _first_touch(
        lambda k: ahead(high, k) >= long_take_profit, n_rows, future_window
    )
    long_stop = _first_touch(
        lambda k: ahead(low, k) <= long_stop_loss, n_rows, future_window
    )
    short_win = _first_touch(
        lambda k: ahead(low, k) <= short_take_profit, n_rows, future_window
    )
    short_stop = _first_touch(
        lambda k: ahead(high, k) >= short_stop_loss, n_rows, future_window
    )

    never = future_window + 1
    long_event = np.where(long_win <= long_stop, long_win, never)
    short_event = np.where(short_win <= short_stop, short_win, never)

    labels = np.full(n_rows, HOLD, dtype=np.int8)
    labels[(short_event < never) & (short_event < long_event)] = SHORT
    labels[(long_event < never) & (long_event <= short_event)] = LONG

    horizon_end = np.arange(n_rows) + future_window
    has_horizon = horizon_end < n_rows
    has_horizon[has_horizon] = segment[horizon_end[has_horizon]] == segment[has_horizon]
    labels[~has_horizon] = NO_LABEL
    return labels


def class_counts(labels: np.ndarray) -> dict[str, int]:
    """Count labels per class name, zero for an absent class."""
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=len(CLASS_NAMES))
    return dict(zip(CLASS_NAMES, counts.tolist(), strict=True))
