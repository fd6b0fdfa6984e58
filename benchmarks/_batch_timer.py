"""Shared pieces of the training benchmarks: a batch timer and the plain model."""

from __future__ import annotations

import time

import keras

from crypto_lstm.model import build_dual_window_lstm


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


def plain_model(window_size: int, n_features: int, learning_rate: float) -> keras.Model:
    """Build the default DualWindowLSTM architecture in float32, seeded with 0."""
    keras.mixed_precision.set_global_policy("float32")
    keras.utils.set_random_seed(0)
    return build_dual_window_lstm(
        window_size=window_size,
        n_features=n_features,
        lstm_units=[128, 64, 32],
        dense_units=[32, 16],
        dropout_rate=0.3,
        learning_rate=learning_rate,
    )
