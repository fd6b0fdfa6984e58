"""Keras input that builds training batches from window ends on the fly.

Only the (rows, F) float32 feature array of a part and an integer array of
window ends are kept in memory; each batch is one vectorised gather into a
(batch, W, F) array. Memory therefore stays at the feature array plus a few
batches, whatever the number of windows.
"""

from __future__ import annotations

import math
import time

import numpy as np
from keras.utils import PyDataset

from crypto_lstm.errors import WindowingError
from crypto_lstm.windows import window_view


class WindowFeed(PyDataset):
    """Batches of (windows, labels) for the window ends of one part.

    Args:
        features: (rows, F) feature array of one part.
        labels: Label per row of the same part.
        ends: Window end positions; the label of a window is ``labels[end]``.
        window_size: W.
        batch_size: Windows per batch. The last batch contains the remainder, so
            one epoch sees every window end exactly once.
        drop_remainder: Serve full batches only; the fewer than
            ``batch_size`` ends left over are skipped in that epoch (with
            shuffling, different ones each epoch).
        shuffle: Shuffle the ends at the start of every epoch.
        seed: Seed of the shuffling; the same seed gives the same epoch orders.
    """

    def __init__(
        self,
        features: np.ndarray,
        labels: np.ndarray,
        ends: np.ndarray,
        *,
        window_size: int,
        batch_size: int,
        drop_remainder: bool = False,
        shuffle: bool = False,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if drop_remainder and len(ends) < batch_size:
            raise WindowingError(
                f"Windowing failed: {len(ends)} window ends make no full batch of "
                f"batch_size={batch_size}, and full batches are required here "
                "(drop_remainder, set under a distribution strategy). Lower "
                "modelling.batch_size or add candle files."
            )
        self.features = np.ascontiguousarray(features, dtype=np.float32)
        self._windows = window_view(self.features, window_size)
        self.labels = np.asarray(labels)
        self.ends = np.asarray(ends, dtype=np.int64)
        self.window_size = window_size
        self.batch_size = batch_size
        self.drop_remainder = drop_remainder
        self.shuffle = shuffle
        self._rng = np.random.default_rng(seed)
        self._order = self.ends.copy()
        if shuffle:
            self._rng.shuffle(self._order)
        self.sequences_served = 0
        self.gather_seconds = 0.0

    def __len__(self) -> int:
        if self.drop_remainder:
            return len(self.ends) // self.batch_size
        return math.ceil(len(self.ends) / self.batch_size)

    def batch_ends(self, index: int) -> np.ndarray:
        """Return the window ends of batch ``index`` in the current epoch order."""
        return self._order[index * self.batch_size : (index + 1) * self.batch_size]

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        started = time.perf_counter()
        ends = self.batch_ends(index)
        windows = self._windows[ends - (self.window_size - 1)]
        labels = self.labels[ends]
        self.gather_seconds += time.perf_counter() - started
        self.sequences_served += len(ends)
        return windows, labels

    @property
    def sequences_per_second(self) -> float | None:
        """Windows gathered per second of gathering so far, None before any."""
        if self.gather_seconds == 0:
            return None
        return self.sequences_served / self.gather_seconds

    def on_epoch_end(self) -> None:
        if self.shuffle:
            self._order = self.ends.copy()
            self._rng.shuffle(self._order)
