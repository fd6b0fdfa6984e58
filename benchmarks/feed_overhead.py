"""`model.fit` sequences per second through WindowFeed against the same
windows materialised as one array: same default model, batch 256, same
shuffled windows. The ratio shows what on-the-fly gathering costs in training.
"""

from __future__ import annotations

import statistics

import numpy as np

from _batch_timer import BatchTimer, plain_model
from _common import emit
from crypto_lstm.feed import WindowFeed
from crypto_lstm.windows import gather_windows

ROWS, FEATURES, WINDOW, BATCH = 200_000, 8, 120, 256
STEPS = 24
REPEATS = 3


def main() -> None:
    rng = np.random.default_rng(0)
    features = rng.normal(size=(ROWS, FEATURES)).astype(np.float32)
    labels = rng.integers(0, 3, ROWS)
    ends = np.sort(
        rng.choice(np.arange(WINDOW - 1, ROWS), STEPS * BATCH, replace=False)
    )
    feed = WindowFeed(
        features,
        labels,
        ends,
        window_size=WINDOW,
        batch_size=BATCH,
        shuffle=True,
        seed=0,
    )
    windows = gather_windows(features, ends, WINDOW)

    model = plain_model(WINDOW, FEATURES, learning_rate=0.001)
    feed_timer, array_timer = BatchTimer(), BatchTimer()
    # One epoch each first, so that both fits trace their graphs untimed.
    model.fit(feed, epochs=1, verbose=0)
    model.fit(windows, labels[ends], batch_size=BATCH, epochs=1, verbose=0)
    for _ in range(REPEATS):
        model.fit(feed, epochs=1, verbose=0, callbacks=[feed_timer])
        model.fit(
            windows,
            labels[ends],
            batch_size=BATCH,
            shuffle=True,
            epochs=1,
            verbose=0,
            callbacks=[array_timer],
        )

    feed_rate = BATCH / statistics.median(feed_timer.intervals)
    array_rate = BATCH / statistics.median(array_timer.intervals)
    emit(
        "feed_overhead",
        feed_rate,
        "sequences/s",
        "model.fit on materialised windows",
        array_rate,
        repeats=REPEATS,
        steps=STEPS,
    )


if __name__ == "__main__":
    main()
