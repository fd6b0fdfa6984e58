"""Window ends and the batch gather over one part of the rows.

A window ending at row e contains rows e-W+1 ... e of one part (training or
validation) and is paired with label[e]: the candle whose label is predicted is
the last row the model sees. A row can end a window only if all W rows are
consecutive candles, which rules out windows across a gap or a split boundary.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from crypto_lstm.errors import WindowingError


def window_end_mask(
    timestamps: pd.Series, window_size: int, interval: str = "1min"
) -> np.ndarray:
    """Return a boolean per row: True where the row can end a full window.

    Args:
        timestamps: Sorted, unique row timestamps of one part.
        window_size: W, the number of rows in a window.
        interval: Candle interval as a pandas offset string.

    Raises:
        WindowingError: If ``window_size`` is not a positive integer.
    """
    if window_size < 1:
        raise WindowingError(
            "Windowing failed: window_size must be a positive number of rows. "
            f"Received: window_size={window_size}."
        )

    times = timestamps.to_numpy()
    mask = np.zeros(len(times), dtype=bool)
    if len(times) < window_size:
        return mask

    # Timestamps are sorted and unique, so a span of exactly (W - 1) intervals
    # from the window's first row to its last means no candle is missing.
    span = times[window_size - 1 :] - times[: len(times) - window_size + 1]
    expected = np.timedelta64(pd.Timedelta(interval)) * (window_size - 1)
    mask[window_size - 1 :] = span == expected
    return mask


def window_ends(
    timestamps: pd.Series, window_size: int, interval: str = "1min"
) -> np.ndarray:
    """Return the 0-based positions of all rows that can end a full window."""
    return np.flatnonzero(window_end_mask(timestamps, window_size, interval))


def check_window_ends(ends: np.ndarray, valid_mask: np.ndarray, part: str) -> None:
    """Raise WindowingError unless every end is a valid window end of the part."""
    ends = np.asarray(ends)
    outside = (ends < 0) | (ends >= len(valid_mask))
    if outside.any():
        raise WindowingError(
            f"Windowing failed: {part} window end {int(ends[outside][0])} lies "
            f"outside the part's {len(valid_mask)} rows. Re-run data_processing so "
            "that the window ends match the rows."
        )
    invalid = ~valid_mask[ends]
    if invalid.any():
        raise WindowingError(
            f"Windowing failed: {part} window end {int(ends[invalid][0])} has no "
            "full window of consecutive candles before it. Re-run data_processing "
            "with the same window_size as modelling."
        )


def window_view(features: np.ndarray, window_size: int) -> np.ndarray:
    """Return a zero-copy (rows - W + 1, W, F) view of every window of ``features``.

    Row i of the view is the window that starts at row i. ``sliding_window_view``
    over both axes makes each window one contiguous block of the C-contiguous
    (rows, F) array, so indexing the view copies whole blocks.
    """
    return sliding_window_view(features, (window_size, features.shape[1]))[:, 0]


def gather_windows(
    features: np.ndarray, ends: np.ndarray, window_size: int
) -> np.ndarray:
    """Gather the windows that end at ``ends`` into one (batch, W, F) array.

    Args:
        features: A C-contiguous (rows, F) array of one part.
        ends: Window end positions, each at least W - 1.
        window_size: W.
    """
    return window_view(features, window_size)[np.asarray(ends) - (window_size - 1)]
