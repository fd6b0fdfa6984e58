import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto_lstm.errors import WindowingError
from crypto_lstm.feed import WindowFeed


def _feed(n_ends=10, batch_size=4, **kwargs):
    features = np.arange(60, dtype=np.float32).reshape(30, 2)
    labels = np.arange(30) % 3
    ends = np.arange(5, 5 + n_ends)
    return WindowFeed(
        features, labels, ends, window_size=3, batch_size=batch_size, **kwargs
    )


def test_batch_holds_window_and_label_of_end():
    feed = _feed(shuffle=False)

    windows, labels = feed[0]

    assert windows.shape == (4, 3, 2)
    assert windows.dtype == np.float32
    # The window ending at row 5 contains rows 3, 4 and 5 and takes label[5].
    np.testing.assert_array_equal(windows[0], [[6, 7], [8, 9], [10, 11]])
    assert labels.tolist() == [5 % 3, 6 % 3, 7 % 3, 8 % 3]


def test_last_partial_batch_kept():
    feed = _feed(n_ends=10, batch_size=4)

    # 10 ends in batches of 4: expect 3 batches of 4, 4 and 2.
    assert len(feed) == 3
    assert [len(feed[i][1]) for i in range(len(feed))] == [4, 4, 2]


def test_drop_remainder_serves_full_batches_only():
    feed = _feed(n_ends=10, batch_size=4, drop_remainder=True, shuffle=True, seed=1)

    # 10 ends in batches of 4: expect 2 full batches; 2 ends sit out each epoch.
    assert len(feed) == 2
    skipped = []
    for _ in range(3):
        assert [len(feed[i][1]) for i in range(len(feed))] == [4, 4]
        served = np.concatenate([feed.batch_ends(i) for i in range(len(feed))])
        skipped.append(sorted(set(range(5, 15)) - set(served.tolist())))
        feed.on_epoch_end()
    assert all(len(ends) == 2 for ends in skipped)


def test_drop_remainder_without_a_full_batch_rejected():
    with pytest.raises(WindowingError, match=r"3 window ends make no full batch"):
        _feed(n_ends=3, batch_size=4, drop_remainder=True)


def test_epoch_sees_every_end_once_when_shuffled():
    feed = _feed(n_ends=10, batch_size=4, shuffle=True, seed=1)

    for _ in range(3):
        seen = np.concatenate([feed.batch_ends(i) for i in range(len(feed))])
        assert sorted(seen.tolist()) == list(range(5, 15))
        feed.on_epoch_end()


def test_shuffle_changes_per_epoch_and_repeats_with_seed():
    first = _feed(n_ends=10, shuffle=True, seed=7)
    second = _feed(n_ends=10, shuffle=True, seed=7)

    epoch_one = first.batch_ends(0).tolist()
    assert epoch_one == second.batch_ends(0).tolist()
    first.on_epoch_end()
    assert first.batch_ends(0).tolist() != epoch_one


def test_unshuffled_feed_keeps_time_order():
    feed = _feed(n_ends=10, batch_size=4)

    feed.on_epoch_end()

    assert feed.batch_ends(0).tolist() == [5, 6, 7, 8]


@settings(max_examples=100)
@given(
    n_ends=st.integers(1, 200),
    batch_size=st.integers(1, 64),
    seed=st.integers(0, 1000),
)
def test_epoch_covers_every_end_once(n_ends, batch_size, seed):
    features = np.zeros((n_ends + 4, 2), dtype=np.float32)
    ends = np.arange(4, n_ends + 4)
    feed = WindowFeed(
        features,
        np.zeros(len(features)),
        ends,
        window_size=5,
        batch_size=batch_size,
        shuffle=True,
        seed=seed,
    )

    for _ in range(2):
        seen = np.concatenate([feed.batch_ends(i) for i in range(len(feed))])
        assert len(seen) == n_ends
        assert sorted(seen.tolist()) == ends.tolist()
        assert len(feed[len(feed) - 1][1]) == n_ends - (len(feed) - 1) * batch_size
        feed.on_epoch_end()
