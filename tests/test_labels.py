import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto_lstm.errors import LabelingError
from crypto_lstm.labels import HOLD, LONG, NO_LABEL, SHORT, label_candles

H = 5
TP = 1.0
SL = 0.5


def reference_labels(
    candles: pd.DataFrame, future_window, take_profit_pct, stop_loss_pct
):
    """Plain per-row loop over the labelling rules, kept as the test oracle."""
    high, low, close = (candles[c].to_numpy() for c in ("high", "low", "close"))
    segment = candles["segment"].to_numpy()
    labels = np.full(len(close), NO_LABEL, dtype=np.int8)
    for t in range(len(close)):
        end = t + future_window
        if end >= len(close) or segment[end] != segment[t]:
            continue
        entry = close[t]
        long_tp, long_sl = (
            entry * (1 + take_profit_pct / 100),
            entry * (1 - stop_loss_pct / 100),
        )
        short_tp, short_sl = (
            entry * (1 - take_profit_pct / 100),
            entry * (1 + stop_loss_pct / 100),
        )
        long_active = short_active = True
        label = HOLD
        for k in range(t + 1, end + 1):
            if long_active and high[k] >= long_tp:
                label = LONG
                break
            if short_active and low[k] <= short_tp:
                label = SHORT
                break
            if low[k] <= long_sl:
                long_active = False
            if high[k] >= short_sl:
                short_active = False
            if not long_active and not short_active:
                break
        labels[t] = label
    return labels


def _series(path: list[tuple[float, float]], entry: float = 100.0) -> pd.DataFrame:
    """Entry candle at close 100, then (high, low) per following candle."""
    highs = [entry] + [high for high, _ in path]
    lows = [entry] + [low for _, low in path]
    closes = [entry] + [(high + low) / 2 for high, low in path]
    return pd.DataFrame({"high": highs, "low": lows, "close": closes, "segment": 0})


def _first_label(path) -> int:
    labels = label_candles(
        _series(path), future_window=H, take_profit_pct=TP, stop_loss_pct=SL
    )
    return int(labels[0])


FLAT = (100.1, 99.9)


def test_long_hits_first():
    assert _first_label([FLAT, (101.0, 99.8), FLAT, (100.0, 98.0), FLAT]) == LONG


def test_short_hits_first():
    assert _first_label([FLAT, FLAT, (100.2, 99.0), (102.0, 100.0), FLAT]) == SHORT


def test_both_sides_stopped_is_hold():
    # Candle 1 stops the long side, candle 2 the short side; candle 3 would
    # reach both take-profits but no side is active any more.
    assert (
        _first_label([(100.1, 99.5), (100.5, 99.8), (102.0, 98.0), FLAT, FLAT]) == HOLD
    )


def test_stopped_long_lets_short_win():
    assert _first_label([(100.1, 99.4), FLAT, (102.0, 98.9), FLAT, FLAT]) == SHORT


def test_nothing_within_horizon_is_hold():
    assert _first_label([FLAT] * H + [(105.0, 95.0)]) == HOLD


def test_take_profit_before_own_stop_loss():
    assert _first_label([(101.0, 99.0), FLAT, FLAT, FLAT, FLAT]) == LONG


def test_both_take_profits_on_same_candle_is_long():
    assert _first_label([FLAT, (101.5, 98.5), FLAT, FLAT, FLAT]) == LONG


def test_short_future_gets_no_label():
    candles = _series([FLAT] * 7)

    labels = label_candles(
        candles, future_window=H, take_profit_pct=TP, stop_loss_pct=SL
    )

    assert labels.tolist() == [HOLD, HOLD, HOLD] + [NO_LABEL] * H


def test_horizon_never_crosses_segment():
    candles = _series([FLAT] * 11)
    candles["segment"] = [0] * 6 + [1] * 6

    labels = label_candles(
        candles, future_window=H, take_profit_pct=TP, stop_loss_pct=SL
    )

    assert labels.tolist() == [HOLD] + [NO_LABEL] * 5 + [HOLD] + [NO_LABEL] * 5


@pytest.mark.parametrize("seed", range(30))
def test_vectorised_equals_reference_loop(seed):
    rng = np.random.default_rng(seed)
    n = 300
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.004, n)))
    spread = np.abs(rng.normal(0, 0.003, (2, n)))
    candles = pd.DataFrame(
        {
            "high": close * (1 + spread[0]),
            "low": close * (1 - spread[1]),
            "close": close,
            "segment": np.repeat([0, 1, 2], [120, 100, 80]),
        }
    )
    kwargs = {"future_window": 12, "take_profit_pct": 0.8, "stop_loss_pct": 0.4}

    expected = reference_labels(candles, **kwargs)
    labels = label_candles(candles, **kwargs)

    np.testing.assert_array_equal(labels, expected)
    assert set(np.unique(expected)) == {NO_LABEL, SHORT, HOLD, LONG}


def test_invalid_future_window_rejected():
    with pytest.raises(LabelingError, match="future_window=0"):
        label_candles(
            _series([FLAT]), future_window=0, take_profit_pct=TP, stop_loss_pct=SL
        )


def test_invalid_take_profit_rejected():
    with pytest.raises(LabelingError, match="take_profit_pct=-1"):
        label_candles(
            _series([FLAT]), future_window=H, take_profit_pct=-1, stop_loss_pct=SL
        )


@st.composite
def candle_series(draw):
    """Candles on a 0.5-unit price grid around 100, so that highs and lows land
    exactly on take-profit and stop-loss levels, often both on one candle."""
    n = draw(st.integers(2, 60))
    steps = draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n))
    close = 100.0 + 0.5 * np.cumsum(steps)
    wicks = draw(
        st.lists(
            st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=n, max_size=n
        )
    )
    high = close + 0.5 * np.array([up for up, _ in wicks])
    low = close - 0.5 * np.array([down for _, down in wicks])
    cuts = (
        draw(st.lists(st.integers(1, n - 1), max_size=3, unique=True)) if n > 1 else []
    )
    segment = np.zeros(n, dtype=np.int32)
    for cut in cuts:
        segment[cut:] += 1
    return pd.DataFrame({"high": high, "low": low, "close": close, "segment": segment})


@settings(max_examples=1000)
@given(
    candles=candle_series(),
    future_window=st.integers(1, 12),
    take_profit_pct=st.sampled_from([0.5, 1.0, 1.5, 2.0]),
    stop_loss_pct=st.sampled_from([0.5, 1.0, 1.5]),
)
def test_vectorised_equals_reference_on_generated_series(
    candles, future_window, take_profit_pct, stop_loss_pct
):
    kwargs = {
        "future_window": future_window,
        "take_profit_pct": take_profit_pct,
        "stop_loss_pct": stop_loss_pct,
    }

    np.testing.assert_array_equal(
        label_candles(candles, **kwargs), reference_labels(candles, **kwargs)
    )


@settings(max_examples=200)
@given(candles=candle_series(), future_window=st.integers(1, 12))
def test_no_label_exactly_without_full_horizon(candles, future_window):
    labels = label_candles(
        candles, future_window=future_window, take_profit_pct=1.0, stop_loss_pct=0.5
    )

    segment = candles["segment"].to_numpy()
    rows = np.arange(len(segment))
    last_row_of_segment = pd.Series(rows).groupby(segment).transform("max").to_numpy()
    has_horizon = rows + future_window <= last_row_of_segment
    np.testing.assert_array_equal(labels == NO_LABEL, ~has_horizon)
