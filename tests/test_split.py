import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crypto_lstm.errors import SplitError, WalkForwardError
from crypto_lstm.split import chronological_split, expanding_folds


def _rows(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "timestamp": pd.date_range("2024-01-01", periods=n, freq="1min", tz="UTC"),
            "row": range(n),
        }
    )


def test_split_boundary_with_embargo():
    train, validation = chronological_split(_rows(100), train_ratio=0.8, embargo=5)

    assert train["row"].tolist() == list(range(80))
    assert validation["row"].tolist() == list(range(85, 100))
    assert validation.index.tolist() == list(range(15))


def test_no_training_label_reaches_validation():
    future_window = 7
    train, validation = chronological_split(
        _rows(200), train_ratio=0.5, embargo=future_window
    )

    last_train_label_end = train["row"].iloc[-1] + future_window
    assert last_train_label_end < validation["row"].iloc[0]


@pytest.mark.parametrize(
    ("ratio", "embargo", "message"),
    [
        (0.0, 1, "train_ratio=0.0"),
        (1.0, 1, "train_ratio=1.0"),
        (0.5, -1, "embargo=-1"),
        (0.9, 10, r"leave an empty part \(18 training rows, 0 validation rows\)"),
    ],
)
def test_invalid_split_rejected(ratio, embargo, message):
    with pytest.raises(SplitError, match=message):
        chronological_split(_rows(20), train_ratio=ratio, embargo=embargo)


def test_unsorted_rows_rejected():
    with pytest.raises(SplitError, match="sorted by timestamp"):
        chronological_split(_rows(20).iloc[::-1], train_ratio=0.5, embargo=1)


@settings(max_examples=300)
@given(
    n=st.integers(2, 2000),
    train_ratio=st.floats(0.05, 0.95),
    future_window=st.integers(1, 200),
    extra_embargo=st.integers(0, 50),
)
def test_split_properties(n, train_ratio, future_window, extra_embargo):
    embargo = future_window + extra_embargo
    rows = _rows(n)
    n_train = int(n * train_ratio)
    assume(n_train > 0 and n_train + embargo < n)

    train, validation = chronological_split(
        rows, train_ratio=train_ratio, embargo=embargo
    )

    first_validation = validation["row"].iloc[0]
    # Every training label's horizon ends before the first validation row.
    assert (train["row"] + future_window < first_validation).all()
    assert set(train["row"]).isdisjoint(validation["row"])
    assert train["timestamp"].is_monotonic_increasing
    assert validation["timestamp"].is_monotonic_increasing
    assert train["timestamp"].iloc[-1] < validation["timestamp"].iloc[0]
    assert len(train) + embargo + len(validation) == n


def test_expanding_folds_boundaries():
    # 103 rows in 5 blocks: the first block takes the remainder (23 rows),
    # the others 20; 5 embargo rows end each training part early.
    folds = expanding_folds(_rows(103), folds=4, embargo=5)

    assert folds.to_dict(orient="list") == {
        "fold": [1, 2, 3, 4],
        "train_stop": [18, 38, 58, 78],
        "validation_start": [23, 43, 63, 83],
        "validation_stop": [43, 63, 83, 103],
    }


def test_last_fold_matches_the_default_split():
    rows = _rows(1000)
    train, validation = chronological_split(rows, train_ratio=0.8, embargo=10)

    last = expanding_folds(rows, folds=4, embargo=10).iloc[-1]

    # The embargo sits before the validation block instead of after training.
    assert last["train_stop"] == len(train) - 10
    assert last["validation_start"] == validation["row"].iloc[0] - 10
    assert last["validation_stop"] == 1000


@settings(max_examples=200)
@given(n=st.integers(3, 2000), folds=st.integers(2, 8), embargo=st.integers(0, 50))
def test_folds_expand_and_never_overlap(n, folds, embargo):
    assume(n // (folds + 1) > embargo)

    bounds = expanding_folds(_rows(n), folds=folds, embargo=embargo)

    assert len(bounds) == folds
    assert (bounds["validation_start"] - bounds["train_stop"] == embargo).all()
    assert (bounds["train_stop"] > 0).all()
    assert bounds["train_stop"].is_monotonic_increasing
    assert (
        bounds["validation_start"].iloc[1:].to_numpy()
        == bounds["validation_stop"].iloc[:-1].to_numpy()
    ).all()
    assert bounds["validation_stop"].iloc[-1] == n


@pytest.mark.parametrize(
    ("n", "folds", "embargo", "message"),
    [
        (100, 1, 0, r"Received: folds=1"),
        (100, 4, 20, r"100 labelled rows in 5 blocks of 20 rows .* embargo of 20"),
    ],
)
def test_expanding_folds_refuse_too_few_rows(n, folds, embargo, message):
    with pytest.raises(WalkForwardError, match=message):
        expanding_folds(_rows(n), folds=folds, embargo=embargo)
