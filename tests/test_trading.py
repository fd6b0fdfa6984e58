import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto_lstm.errors import TradingError
from crypto_lstm.labels import HOLD, LONG, SHORT, label_candles
from crypto_lstm.trading import (
    entry_positions,
    equity_curve,
    max_drawdown_pct,
    one_position_at_a_time,
    signal_directions,
    simulate_trades,
    summarise_trades,
)
from tests.synthetic import START, random_candles

H = 3
TP = 1.0
SL = 0.5
FEE = 0.04


def make_candles(rows, segment=None) -> pd.DataFrame:
    """Candles from (open, high, low, close) tuples, one minute apart."""
    frame = pd.DataFrame(rows, columns=["open", "high", "low", "close"])
    frame.insert(0, "timestamp", pd.date_range(START, periods=len(rows), freq="1min"))
    frame["segment"] = 0 if segment is None else segment
    return frame


def trade(candles, direction, same_candle="stop_loss", fee_pct=FEE):
    trades = simulate_trades(
        candles,
        np.array([0]),
        np.array([direction]),
        future_window=H,
        take_profit_pct=TP,
        stop_loss_pct=SL,
        fee_pct=fee_pct,
        same_candle=same_candle,
    )
    assert len(trades) == 1
    return trades.iloc[0]


# Entry at close 100: long take-profit 101, long stop-loss 99.5;
# short take-profit 99, short stop-loss 100.5.
QUIET = (100.0, 100.2, 99.8, 100.0)


def test_long_take_profit_pays_both_fees():
    candles = make_candles([QUIET, QUIET, (100.0, 101.2, 99.9, 101.1), QUIET, QUIET])

    row = trade(candles, 1)

    assert row["exit_reason"] == "take_profit"
    assert row["exit_time"] == candles["timestamp"][2]
    assert row["exit_price"] == pytest.approx(101.0)
    assert row["gross_return"] == pytest.approx(0.01)
    # Entry fee on 100, exit fee on 101, both 0.04 %.
    assert row["net_return"] == pytest.approx(0.01 - 0.0004 * 2.01)


def test_long_stop_loss_fills_at_the_stop_price():
    candles = make_candles([QUIET, (100.0, 100.1, 99.4, 99.6), QUIET, QUIET])

    row = trade(candles, 1)

    assert row["exit_reason"] == "stop_loss"
    assert row["exit_price"] == pytest.approx(99.5)
    assert row["net_return"] == pytest.approx(-0.005 - 0.0004 * 1.995)


def test_gap_past_stop_fills_at_open():
    candles = make_candles([QUIET, (99.0, 99.2, 98.8, 99.1), QUIET, QUIET])

    row = trade(candles, 1)

    assert row["exit_reason"] == "stop_loss"
    assert row["exit_price"] == pytest.approx(99.0)


def test_no_level_touched_exits_at_the_horizon_close():
    candles = make_candles([QUIET, QUIET, QUIET, (100.0, 100.3, 99.9, 100.3), QUIET])

    row = trade(candles, 1)

    assert row["exit_reason"] == "horizon"
    assert row["exit_time"] == candles["timestamp"][H]
    assert row["exit_price"] == pytest.approx(100.3)


def test_short_mirrors_long():
    candles = make_candles([QUIET, (100.0, 100.1, 98.9, 99.0), QUIET, QUIET])

    row = trade(candles, -1)

    assert row["exit_reason"] == "take_profit"
    assert row["exit_price"] == pytest.approx(99.0)
    assert row["gross_return"] == pytest.approx(0.01)
    assert row["net_return"] == pytest.approx(0.01 - 0.0004 * 1.99)


@pytest.mark.parametrize(
    ("same_candle", "reason", "price"),
    [("stop_loss", "stop_loss", 99.5), ("take_profit", "take_profit", 101.0)],
)
def test_same_candle_rule_picks_level(same_candle, reason, price):
    candles = make_candles([QUIET, (100.0, 101.5, 99.0, 100.0), QUIET, QUIET])

    row = trade(candles, 1, same_candle=same_candle)

    assert row["exit_reason"] == reason
    assert row["exit_price"] == pytest.approx(price)
    assert row["same_candle"]


def test_open_past_level_decides_candle():
    # Opens above the long take-profit, then falls through the stop-loss.
    candles = make_candles([QUIET, (101.2, 101.3, 99.0, 99.2), QUIET, QUIET])

    row = trade(candles, 1, same_candle="stop_loss")

    assert row["exit_reason"] == "take_profit"
    assert row["exit_price"] == pytest.approx(101.2)
    assert not row["same_candle"]


def test_hold_signals_open_no_trade():
    candles = make_candles([QUIET] * 6)

    trades = simulate_trades(
        candles,
        np.array([0, 1, 2]),
        signal_directions(np.array([HOLD, LONG, SHORT])),
        future_window=H,
        take_profit_pct=TP,
        stop_loss_pct=SL,
        fee_pct=FEE,
    )

    assert trades["direction"].tolist() == [1, -1]
    assert trades["entry_time"].tolist() == candles["timestamp"][1:3].tolist()


def test_entry_without_horizon_rejected():
    candles = make_candles([QUIET] * 6, segment=[0, 0, 0, 1, 1, 1])

    with pytest.raises(TradingError, match=r"fewer than future_window=3 contiguous"):
        simulate_trades(
            candles,
            np.array([1]),
            np.array([1]),
            future_window=H,
            take_profit_pct=TP,
            stop_loss_pct=SL,
            fee_pct=FEE,
        )


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"fee_pct": -0.1}, r"Received: fee_pct=-0.1"),
        ({"same_candle": "first"}, r"Received: same_candle='first'"),
    ],
)
def test_invalid_options_rejected(option, message):
    arguments = {"fee_pct": FEE, "same_candle": "stop_loss", **option}

    with pytest.raises(TradingError, match=message):
        simulate_trades(
            make_candles([QUIET] * 5),
            np.array([0]),
            np.array([1]),
            future_window=H,
            take_profit_pct=TP,
            stop_loss_pct=SL,
            **arguments,
        )


def test_entry_positions_name_missing_timestamp():
    candles = make_candles([QUIET] * 5)

    assert entry_positions(candles, candles["timestamp"][[4, 1]]).tolist() == [4, 1]
    stranger = pd.Series([START - pd.Timedelta("1min")])
    with pytest.raises(TradingError, match=r"1 signal timestamps .* 2024-02-29 23:59"):
        entry_positions(candles, stranger)


def test_summary_books_returns_at_exit_and_measures_drawdown():
    trades = pd.DataFrame(
        {
            "entry_time": START + pd.to_timedelta([1, 2, 3], unit="min"),
            # The second trade exits last.
            "exit_time": START + pd.to_timedelta([5, 9, 7], unit="min"),
            "direction": [1, -1, 1],
            "exit_reason": pd.Categorical(["take_profit", "stop_loss", "horizon"]),
            "same_candle": [False, True, False],
            "net_return": [0.01, -0.02, 0.005],
        }
    )

    assert equity_curve(trades).tolist() == pytest.approx([1.0, 1.5, -0.5])
    summary = summarise_trades(trades)

    assert summary["trades"] == 3
    assert (summary["long_trades"], summary["short_trades"]) == (2, 1)
    assert summary["hit_rate"] == pytest.approx(2 / 3)
    assert summary["mean_return_pct"] == pytest.approx(-0.5 / 3)
    assert summary["total_return_pct"] == pytest.approx(-0.5)
    assert summary["max_drawdown_pct"] == pytest.approx(2.0)
    assert summary["exits"] == {"take_profit": 1, "stop_loss": 1, "horizon": 1}
    assert summary["same_candle_exits"] == 1


def test_one_position_skips_signals_while_open():
    minutes = pd.to_timedelta
    trades = pd.DataFrame(
        {
            # Listed out of entry order on purpose.
            "entry_time": START + minutes([4, 0, 2, 9, 5], unit="min"),
            "exit_time": START + minutes([7, 4, 3, 10, 6], unit="min"),
        }
    )

    # Enter at 0 (open until 4), skip 2, enter at 4 (open until 7), skip 5, enter at 9.
    assert one_position_at_a_time(trades).tolist() == [True, True, False, True, False]


def test_summary_adds_one_position_at_a_time_figures():
    trades = pd.DataFrame(
        {
            "entry_time": START + pd.to_timedelta([0, 1], unit="min"),
            "exit_time": START + pd.to_timedelta([5, 6], unit="min"),
            "direction": [1, 1],
            "exit_reason": pd.Categorical(["take_profit", "stop_loss"]),
            "same_candle": [False, False],
            "net_return": [0.01, -0.02],
        }
    )

    summary = summarise_trades(trades)

    assert summary["total_return_pct"] == pytest.approx(-1.0)
    assert summary["one_at_a_time"]["trades"] == 1
    assert summary["one_at_a_time"]["total_return_pct"] == pytest.approx(1.0)
    assert summary["one_at_a_time"]["max_drawdown_pct"] == 0.0


def test_drawdown_counts_a_fall_from_the_start():
    assert max_drawdown_pct(pd.Series([-1.0, -3.0, 2.0])) == pytest.approx(3.0)


def test_summary_of_no_trades():
    trades = simulate_trades(
        make_candles([QUIET] * 5),
        np.array([0]),
        np.array([0]),
        future_window=H,
        take_profit_pct=TP,
        stop_loss_pct=SL,
        fee_pct=FEE,
    )

    summary = summarise_trades(trades)

    assert summary["trades"] == 0
    assert summary["hit_rate"] is None
    assert summary["total_return_pct"] == 0.0
    assert summary["max_drawdown_pct"] == 0.0


def reference_trade(candles, entry, direction, horizon, same_candle, fee):
    """Plain loop over the exit rules, kept as the test oracle."""
    open_, high, low, close = (
        candles[c].to_numpy() for c in ("open", "high", "low", "close")
    )
    price = close[entry]
    take = price * (1 + direction * TP / 100)
    stop = price * (1 - direction * SL / 100)
    exit_price, reason = close[entry + horizon], "horizon"
    for k in range(entry + 1, entry + horizon + 1):
        reaches_take = high[k] >= take if direction > 0 else low[k] <= take
        reaches_stop = low[k] <= stop if direction > 0 else high[k] >= stop
        opens_take = open_[k] >= take if direction > 0 else open_[k] <= take
        opens_stop = open_[k] <= stop if direction > 0 else open_[k] >= stop
        if reaches_take and reaches_stop and not (opens_take or opens_stop):
            reaches_take = same_candle == "take_profit"
            reaches_stop = not reaches_take
        if reaches_take and (opens_take or not reaches_stop):
            exit_price = open_[k] if opens_take else take
            reason = "take_profit"
            break
        if reaches_stop:
            exit_price = open_[k] if opens_stop else stop
            reason = "stop_loss"
            break
    ratio = exit_price / price
    return reason, direction * (ratio - 1) - fee * (1 + ratio)


@settings(max_examples=60)
@given(
    seed=st.integers(0, 10_000),
    same_candle=st.sampled_from(["stop_loss", "take_profit"]),
    jumpy=st.booleans(),
    # 0.002 leaves many horizon exits; 0.008 many candles touching both levels.
    volatility=st.sampled_from([0.002, 0.008]),
)
def test_simulation_equals_the_reference_loop(seed, same_candle, jumpy, volatility):
    horizon = 12
    candles = random_candles(200, seed=seed, volatility=volatility)
    if jumpy:
        # Opens away from the previous close, so some candles open past a level.
        rng = np.random.default_rng(seed)
        candles["open"] *= 1 + rng.normal(0, volatility, len(candles))
        candles["high"] = candles[["open", "high"]].max(axis=1)
        candles["low"] = candles[["open", "low"]].min(axis=1)
    candles["segment"] = 0
    rng = np.random.default_rng(seed + 1)
    entries = np.arange(len(candles) - horizon)
    directions = rng.choice([-1, 1], len(entries))

    trades = simulate_trades(
        candles,
        entries,
        directions,
        future_window=horizon,
        take_profit_pct=TP,
        stop_loss_pct=SL,
        fee_pct=FEE,
        same_candle=same_candle,
    )

    expected = [
        reference_trade(candles, e, d, horizon, same_candle, FEE / 100)
        for e, d in zip(entries, directions, strict=True)
    ]
    assert trades["exit_reason"].tolist() == [reason for reason, _ in expected]
    np.testing.assert_allclose(trades["net_return"], [net for _, net in expected])


def test_labelled_wins_exit_at_take_profit():
    candles = random_candles(3000, seed=7, volatility=0.003)
    candles["segment"] = 0
    labels = label_candles(
        candles, future_window=H * 10, take_profit_pct=TP, stop_loss_pct=SL
    )
    entries = np.flatnonzero((labels == LONG) | (labels == SHORT))
    assert len(entries) > 100

    trades = simulate_trades(
        candles,
        entries,
        signal_directions(labels[entries]),
        future_window=H * 10,
        take_profit_pct=TP,
        stop_loss_pct=SL,
        fee_pct=0.0,
        same_candle="take_profit",
    )

    # The labels break a same-candle touch for the take-profit, as this rule does.
    assert (trades["exit_reason"] == "take_profit").all()
    np.testing.assert_allclose(trades["gross_return"], TP / 100)
