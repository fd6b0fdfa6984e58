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

Each "first candle that touches a level" is found for all rows at once by
binary lifting over a sparse table of block maxima (or minima): O(rows * log H)
work and memory, with no loop over rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crypto_lstm.errors import LabelingError

SHORT, HOLD, LONG = 0, 1, 2
CLASS_NAMES = ("SHORT", "HOLD", "LONG")
NO_LABEL = -1


def block_extremes(values: np.ndarray, horizon: int, reduce) -> list[np.ndarray]:
    """Return tables T_j with T_j[i] = reduce(values[i : i + 2**j]), 2**j <= horizon.

    Near the end of the array a block is cut short, and one padding element
    makes position len(values) readable; callers only use blocks that lie
    inside a row's label horizon.
    """
    tables = [np.append(values, values[-1])]
    size = 1
    while size * 2 <= horizon:
        previous = tables[-1]
        table = previous.copy()
        table[:-size] = reduce(previous[:-size], previous[size:])
        tables.append(table)
        size *= 2
    return tables


def first_touch(
    tables: list[np.ndarray],
    rows: np.ndarray,
    level: np.ndarray,
    horizon: int,
    below: bool,
) -> np.ndarray:
    """Return per row the first offset 1..H whose candle touches ``level``, else H+1.

    Binary lifting: starting at candle row + 1, skip every block of 2**j
    candles (largest first) whose extreme does not touch the level. What is
    left is the longest untouched prefix of the horizon.
    """
    position = rows + 1
    remaining = np.full(len(rows), horizon)
    for power in range(len(tables) - 1, -1, -1):
        size = 1 << power
        extreme = tables[power][position]
        skip = remaining >= size
        skip &= extreme > level if below else extreme < level
        step = size * skip
        position += step
        remaining -= step
    return np.where(remaining > 0, position - rows, horizon + 1)


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

    horizon_end = np.arange(n_rows) + future_window
    has_horizon = horizon_end < n_rows
    has_horizon[has_horizon] = segment[horizon_end[has_horizon]] == segment[has_horizon]
    labels = np.full(n_rows, NO_LABEL, dtype=np.int8)
    rows = np.flatnonzero(has_horizon)
    if len(rows) == 0:
        return labels

    entry = close[rows]
    highest = block_extremes(high, future_window, np.maximum)
    lowest = block_extremes(low, future_window, np.minimum)

    def first_high_at_least(level):
        return first_touch(highest, rows, level, future_window, below=False)

    def first_low_at_most(level):
        return first_touch(lowest, rows, level, future_window, below=True)

    long_win = first_high_at_least(entry * (1 + take_profit_pct / 100))
    long_stop = first_low_at_most(entry * (1 - stop_loss_pct / 100))
    short_win = first_low_at_most(entry * (1 - take_profit_pct / 100))
    short_stop = first_high_at_least(entry * (1 + stop_loss_pct / 100))

    never = future_window + 1
    long_event = np.where(long_win <= long_stop, long_win, never)
    short_event = np.where(short_win <= short_stop, short_win, never)

    row_labels = np.full(len(rows), HOLD, dtype=np.int8)
    row_labels[(short_event < never) & (short_event < long_event)] = SHORT
    row_labels[(long_event < never) & (long_event <= short_event)] = LONG
    labels[rows] = row_labels
    return labels


def class_counts(labels: np.ndarray) -> dict[str, int]:
    """Count labels per class name, zero for an absent class."""
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=len(CLASS_NAMES))
    return dict(zip(CLASS_NAMES, counts.tolist(), strict=True))
