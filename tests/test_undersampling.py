import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crypto_lstm.errors import UndersamplingError
from crypto_lstm.labels import HOLD, LONG, SHORT
from crypto_lstm.undersampling import undersample_window_ends


def _candidates():
    # 1,000 HOLD ends with 100 LONG and 50 SHORT ends spread among them.
    rng = np.random.default_rng(0)
    labels = np.array([HOLD] * 1000 + [LONG] * 100 + [SHORT] * 50)
    rng.shuffle(labels)
    ends = np.arange(len(labels)) * 2 + 119
    return ends, labels


def test_counts_after_undersampling():
    ends, labels = _candidates()

    kept = undersample_window_ends(ends, labels, min_samples=200, seed=42)

    kept_labels = labels[np.searchsorted(ends, kept)]
    assert np.bincount(kept_labels, minlength=3).tolist() == [50, 200, 100]


def test_target_is_smallest_class_when_above_min_samples():
    ends, labels = _candidates()

    kept = undersample_window_ends(ends, labels, min_samples=1, seed=42)

    kept_labels = labels[np.searchsorted(ends, kept)]
    assert np.bincount(kept_labels, minlength=3).tolist() == [50, 50, 50]


def test_kept_ends_sorted_unique_and_from_candidates():
    ends, labels = _candidates()

    kept = undersample_window_ends(ends, labels, min_samples=200, seed=42)

    assert np.all(np.diff(kept) > 0)
    assert np.isin(kept, ends).all()


def test_majority_class_spread_over_time():
    ends, labels = _candidates()
    hold_ends = ends[labels == HOLD]

    kept = undersample_window_ends(ends, labels, min_samples=200, seed=42)

    kept_hold = kept[np.isin(kept, hold_ends)]
    covered = (kept_hold[-1] - kept_hold[0]) / (hold_ends[-1] - hold_ends[0])
    assert covered >= 0.9
    # Evenly spaced: every fifth HOLD end, so no gap of more than 5 HOLD ends.
    positions = np.searchsorted(hold_ends, kept_hold)
    assert np.diff(positions).max() <= 6


def test_same_seed_same_ends_other_seed_other_ends():
    ends, labels = _candidates()

    first = undersample_window_ends(ends, labels, min_samples=200, seed=1)
    again = undersample_window_ends(ends, labels, min_samples=200, seed=1)
    other = undersample_window_ends(ends, labels, min_samples=200, seed=2)

    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_missing_class_named():
    ends = np.arange(10)
    labels = np.array([HOLD] * 8 + [LONG] * 2)

    with pytest.raises(UndersamplingError, match="no window of class SHORT"):
        undersample_window_ends(ends, labels, min_samples=5, seed=0)


@st.composite
def labelled_ends(draw):
    """Window ends of one contiguous run with labels drawn class by class
    probability, the way labels spread over time in real candles."""
    n = draw(st.integers(2000, 6000))
    minority = draw(st.floats(0.1, 0.3))
    other = draw(st.floats(0.1, 0.3))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    labels = rng.choice(
        [SHORT, HOLD, LONG], size=n, p=[minority, 1 - minority - other, other]
    )
    first_end = draw(st.integers(0, 500))
    return np.arange(first_end, first_end + n), labels


@settings(max_examples=150)
@given(
    data=labelled_ends(), min_samples=st.integers(20, 800), seed=st.integers(0, 1000)
)
def test_undersampling_properties(data, min_samples, seed):
    ends, labels = data
    counts = np.bincount(labels, minlength=3)
    target = max(counts.min(), min_samples)

    kept = undersample_window_ends(ends, labels, min_samples=min_samples, seed=seed)

    kept_labels = labels[np.searchsorted(ends, kept)]
    kept_counts = np.bincount(kept_labels, minlength=3)
    assert (kept_counts <= counts).all()
    assert (kept_counts == np.minimum(counts, target)).all()
    assert np.all(np.diff(kept) > 0)
    assert np.isin(kept, ends).all()
    np.testing.assert_array_equal(
        kept, undersample_window_ends(ends, labels, min_samples=min_samples, seed=seed)
    )

    time_range = ends[-1] - ends[0]
    for label in np.flatnonzero(counts > target):
        class_kept = kept[kept_labels == label]
        assert class_kept[-1] - class_kept[0] >= 0.9 * time_range


@settings(max_examples=50)
@given(data=labelled_ends())
def test_other_seeds_give_other_ends(data):
    ends, labels = data
    counts = np.bincount(labels, minlength=3)
    assume(counts.max() >= 2 * max(counts.min(), 100))

    results = {
        tuple(undersample_window_ends(ends, labels, min_samples=100, seed=seed))
        for seed in range(10)
    }

    assert len(results) > 1


@settings(max_examples=50)
@given(data=labelled_ends(), missing=st.sampled_from([SHORT, HOLD, LONG]))
def test_absent_class_named(data, missing):
    ends, labels = data
    labels = np.where(labels == missing, (missing + 1) % 3, labels)
    names = {SHORT: "SHORT", HOLD: "HOLD", LONG: "LONG"}

    with pytest.raises(
        UndersamplingError, match=f"no window of class {names[missing]}"
    ):
        undersample_window_ends(ends, labels, min_samples=100, seed=0)
