"""A Keras callback that times training batches, shared by the training benchmarks."""

from __future__ import annotations

import time

import keras


class BatchTimer(keras.callbacks.Callback):
    """Intervals between the ends of consecutive training batches.

    The median interval is robust to bursts of load from other processes on a
    shared machine, which move a whole epoch's average by up to 2x. Intervals
    of the first ``skip_epochs`` epochs (graph tracing) are not kept.
    """

    def __init__(self, skip_epochs: int = 0):
        super().__init__()
        self.skip_epochs = skip_epochs
        self.intervals: list[float] = []
        self._previous = None
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._previous = None

    def on_train_batch_end(self, batch, logs=None):
        now = time.perf_counter()
        if self._previous is not None and self._epoch >= self.skip_epochs:
            self.intervals.append(now - self._previous)
        self._previous = now
