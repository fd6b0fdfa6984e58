"""Labelling 200,000 candles: the vectorised labeller against a per-row loop."""

from __future__ import annotations

import numpy as np

from _common import emit, median_seconds
from crypto_lstm.labels import label_candles
from tests.synthetic import random_candles
from tests.test_labels import reference_labels

CANDLES = 200_000
LABELS = {"future_window": 120, "take_profit_pct": 1.0, "stop_loss_pct": 0.5}


def main() -> None:
    candles = random_candles(CANDLES, seed=0, volatility=0.001).assign(segment=0)
    vectorised = label_candles(candles, **LABELS)
    if not np.array_equal(vectorised, reference_labels(candles, **LABELS)):
        raise AssertionError("vectorised labels differ from the reference loop")

    fast = median_seconds(lambda: label_candles(candles, **LABELS))
    slow = median_seconds(lambda: reference_labels(candles, **LABELS), repeats=1)
    emit(
        "labelling",
        CANDLES / fast,
        "candles/s",
        "python per-row loop",
        CANDLES / slow,
    )


if __name__ == "__main__":
    main()
