import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto_lstm.errors import WindowingError
from crypto_lstm.windows import (
    check_window_ends,
    gather_windows,
    window_end_mask,
    window_ends,
)


def _times(*runs: tuple[str, int]) -> pd.Series:
    parts = [
        pd.date_range(start, periods=n, freq="1min", tz="UTC") for start, n in runs
    ]
    return pd.Series(np.concatenate([p.to_numpy() for p in parts]))


def test_window_ends_skip_warm_up_and_gaps():
    # 6 consecutive minutes, a gap, then 4 more.
    times = _times(("2024-01-01 00:00", 6), ("2024-01-01 01:00", 4))

    # W = 3: rows 2..5 end windows in the first run, rows 8..9 in the second.
    assert window_ends(times, 3).tolist() == [2, 3, 4, 5, 8, 9]


def test_window_count_per_segment():
    times = _times(("2024-01-01 00:00", 10), ("2024-01-02 00:00", 2), ("2024-01-03", 7))

    # max(0, rows - W + 1) per segment: 7 + 0 + 4.
    assert len(window_ends(times, 4)) == 11


def test_part_shorter_than_window_has_no_end():
    assert window_ends(_times(("2024-01-01", 3)), 4).tolist() == []


def test_invalid_window_size_rejected():
    with pytest.raises(WindowingError, match="window_size=0"):
        window_end_mask(_times(("2024-01-01", 3)), 0)


def test_gather_returns_exact_rows():
    features = np.arange(20, dtype=np.float32).reshape(10, 2)

    batch = gather_windows(features, np.array([2, 9]), 3)

    assert batch.shape == (2, 3, 2)
    np.testing.assert_array_equal(batch[0], [[0, 1], [2, 3], [4, 5]])
    np.testing.assert_array_equal(batch[1], [[14, 15], [16, 17], [18, 19]])
    assert batch.flags["C_CONTIGUOUS"]


def test_gather_equals_loop_copy():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(500, 8)).astype(np.float32)
    ends = rng.integers(29, 500, size=64)

    batch = gather_windows(features, ends, 30)

    expected = np.stack([features[end - 29 : end + 1] for end in ends])
    np.testing.assert_array_equal(batch, expected)


def test_check_window_ends_names_bad_end():
    mask = window_end_mask(_times(("2024-01-01", 5), ("2024-01-02", 5)), 3)

    check_window_ends(np.array([2, 4, 7]), mask, "training")
    with pytest.raises(
        WindowingError, match="training window end 6 has no full window"
    ):
        check_window_ends(np.array([2, 6]), mask, "training")
    with pytest.raises(WindowingError, match="window end 10 lies outside"):
        check_window_ends(np.array([10]), mask, "training")


@st.composite
def part_with_gaps(draw):
    """Timestamps of one part: runs of consecutive minutes separated by gaps."""
    runs = draw(st.lists(st.integers(1, 60), min_size=1, max_size=6))
    gaps = draw(st.lists(st.integers(2, 500), min_size=len(runs), max_size=len(runs)))
    start = pd.Timestamp("2024-01-01", tz="UTC")
    times = []
    for run, gap in zip(runs, gaps, strict=True):
        times.extend(start + pd.Timedelta(minutes=minute) for minute in range(run))
        start = times[-1] + pd.Timedelta(minutes=gap)
    return pd.Series(times), runs


@settings(max_examples=300)
@given(part=part_with_gaps(), window_size=st.integers(1, 30), seed=st.integers(0, 1000))
def test_window_properties(part, window_size, seed):
    times, runs = part
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(len(times), 3)).astype(np.float32)

    ends = window_ends(times, window_size)

    # Per run of consecutive candles: max(0, rows - W + 1) windows.
    assert len(ends) == sum(max(0, run - window_size + 1) for run in runs)
    if len(ends) == 0:
        return
    batch = gather_windows(features, ends, window_size)
    for row, end in enumerate(ends):
        np.testing.assert_array_equal(
            batch[row], features[end - window_size + 1 : end + 1]
        )
        span = times.iloc[end] - times.iloc[end - window_size + 1]
        assert span == pd.Timedelta(minutes=window_size - 1)
