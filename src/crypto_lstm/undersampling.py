"""Systematic undersampling of training window ends.

Undersampling chooses among window ends; it never deletes rows, so every kept
window still contains its W consecutive candles.
"""

from __future__ import annotations

import numpy as np

from crypto_lstm.errors import UndersamplingError
from crypto_lstm.labels import CLASS_NAMES


def undersample_window_ends(
    ends: np.ndarray, end_labels: np.ndarray, *, min_samples: int, seed: int
) -> np.ndarray:
    """Keep at most ``target`` window ends per class, evenly spread over time.

    With class counts c_k the target is max(min_k c_k, min_samples). A class with
    at most ``target`` ends keeps them all. A larger class keeps exactly
    ``target`` ends at evenly spaced positions over its whole time range,
    starting at a seeded offset inside the first step, so the kept ends are
    never only the earliest ones.

    Args:
        ends: Candidate window ends, sorted by time.
        end_labels: The label of each candidate end.
        min_samples: Lower bound of the per-class target.
        seed: Seed of the offsets.

    Returns:
        The kept ends, sorted by time.

    Raises:
        UndersamplingError: If a class has no candidate window end.
    """
    ends = np.asarray(ends)
    end_labels = np.asarray(end_labels)
    counts = np.bincount(end_labels, minlength=len(CLASS_NAMES))
    if (counts == 0).any():
        missing = [CLASS_NAMES[k] for k in np.flatnonzero(counts == 0)]
        raise UndersamplingError(
            f"Undersampling failed: the training part has no window of class "
            f"{', '.join(missing)} (counts per class: "
            f"{dict(zip(CLASS_NAMES, counts.tolist(), strict=True))}). Use more "
            "candles, or labels whose take-profit is reached within future_window."
        )

    target = max(int(counts.min()), min_samples)
    rng = np.random.default_rng(seed)
    kept = []
    for label, count in enumerate(counts):
        class_ends = ends[end_labels == label]
        if count <= target:
            kept.append(class_ends)
            continue
        step = count / target
        positions = np.floor(rng.uniform(0, step) + step * np.arange(target))
        kept.append(class_ends[positions.astype(np.int64)])
    return np.sort(np.concatenate(kept))
