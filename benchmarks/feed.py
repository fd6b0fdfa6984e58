"""Training batches per second: the project's WindowFeed against two references.

1,000,000 rows x 8 float32 features, window 120, batch 256, shuffled ends.
References: a Python loop that copies one window at a time into a
preallocated batch, and keras.utils.timeseries_dataset_from_array with
shuffling. Every batch of the feed is first checked to equal the loop's.
"""

from __future__ import annotations

import keras
import numpy as np

from _common import REPEATS, emit, median_seconds
from crypto_lstm.feed import WindowFeed

ROWS, FEATURES, WINDOW, BATCH = 1_000_000, 8, 120, 256
FEED_BATCHES = 400
KERAS_BATCHES = 20


def loop_batch(features: np.ndarray, ends: np.ndarray) -> np.ndarray:
    batch = np.empty((len(ends), WINDOW, FEATURES), dtype=np.float32)
    for row, end in enumerate(ends):
        batch[row] = features[end - WINDOW + 1 : end + 1]
    return batch


def main() -> None:
    rng = np.random.default_rng(0)
    features = rng.normal(size=(ROWS, FEATURES)).astype(np.float32)
    labels = rng.integers(0, 3, ROWS)
    ends = np.arange(WINDOW - 1, ROWS)
    feed = WindowFeed(
        features,
        labels,
        ends,
        window_size=WINDOW,
        batch_size=BATCH,
        shuffle=True,
        seed=0,
    )

    for index in range(20):
        windows, _ = feed[index]
        if not np.array_equal(windows, loop_batch(features, feed.batch_ends(index))):
            raise AssertionError(f"feed batch {index} differs from the loop's")

    def run_feed():
        for index in range(FEED_BATCHES):
            feed[index]

    def run_loop():
        for index in range(FEED_BATCHES):
            loop_batch(features, feed.batch_ends(index))

    feed_rate = FEED_BATCHES / median_seconds(run_feed)
    loop_rate = FEED_BATCHES / median_seconds(run_loop)
    emit("feed", feed_rate, "batches/s", "python loop copy", loop_rate, repeats=REPEATS)

    # Targets shifted so that window i is paired with the label of its last row.
    dataset = keras.utils.timeseries_dataset_from_array(
        features,
        labels[WINDOW - 1 :],
        sequence_length=WINDOW,
        batch_size=BATCH,
        shuffle=True,
        seed=0,
    )

    def run_keras():
        for _ in dataset.take(KERAS_BATCHES):
            pass

    keras_rate = KERAS_BATCHES / median_seconds(run_keras, repeats=3)
    emit(
        "feed",
        feed_rate,
        "batches/s",
        "keras timeseries_dataset_from_array (shuffle)",
        keras_rate,
        repeats=REPEATS,
    )


if __name__ == "__main__":
    main()
