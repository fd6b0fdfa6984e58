"""A research simulation of trading the predicted signals, with fees.

Each LONG or SHORT prediction opens one trade at the close of the window's last
candle. The trade closes at the label's take-profit or stop-loss, whichever the
following candles touch first, or at the close of the last candle of the label
horizon. A fee is paid on each side, in percent of the traded notional.

Trades are independent and may overlap: every signal gets the same stake, and
returns are summed, not compounded. The summary also reports the trades that
one position at a time could take, skipping signals while a trade is open.

This is not a backtest with order-book fills. There is no spread, slippage,
funding or position limit, and a level fills at its own price, or at the
candle's open when the candle opens beyond it. When one candle touches both the
take-profit and the stop-loss, the order inside the candle is unknown:
``same_candle`` decides, and the default ``stop_loss`` assumes the worse case.
The labels decide such a candle for the take-profit, so a LONG label can be a
losing trade here.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from crypto_lstm.errors import TradingError
from crypto_lstm.labels import LONG, SHORT, block_extremes, first_touch

SIMULATION_NOTE = (
    "Research simulation, not a backtest with order-book fills: every LONG or "
    "SHORT signal opens one fixed-stake trade at the candle's close, exits at the "
    "label's take-profit, stop-loss or horizon, pays the fee on both sides, and "
    "ignores spread, slippage, funding and position limits. Trades may overlap; "
    "returns are summed, not compounded. The one-position-at-a-time figures "
    "skip signals while a trade is open."
)
SAME_CANDLE_RULES = ("stop_loss", "take_profit")
EXIT_REASONS = ("take_profit", "stop_loss", "horizon")


def signal_directions(predictions: np.ndarray) -> np.ndarray:
    """Map predicted classes to trade directions: +1 LONG, -1 SHORT, 0 HOLD."""
    predictions = np.asarray(predictions)
    return np.where(predictions == LONG, 1, np.where(predictions == SHORT, -1, 0))


def entry_positions(candles: pd.DataFrame, timestamps: pd.Series) -> np.ndarray:
    """Find the row position in ``candles`` of each entry timestamp.

    Raises:
        TradingError: If a timestamp is not a candle, which happens when the
            candles and the predictions come from different runs.
    """
    positions = pd.DatetimeIndex(candles["timestamp"]).get_indexer(timestamps)
    found = positions >= 0
    if not found.all():
        missing = pd.Series(timestamps)[~found]
        raise TradingError(
            f"Trading simulation failed: {len(missing)} signal timestamps are not in "
            f"candles, the first is {missing.iloc[0]}. The candles and the "
            "predictions come from different runs; re-run feature_engineering and "
            "the later pipelines on the same raw files."
        )
    return positions


def _check_inputs(candles, entries, future_window, fee_pct, same_candle) -> None:
    if not 0 <= fee_pct < 50:
        raise TradingError(
            "Trading simulation failed: fee_pct must be a percentage in [0, 50). "
            f"Received: fee_pct={fee_pct!r}."
        )
    if same_candle not in SAME_CANDLE_RULES:
        raise TradingError(
            f"Trading simulation failed: same_candle must be one of "
            f"{SAME_CANDLE_RULES}. Received: same_candle={same_candle!r}."
        )

    segment = candles["segment"].to_numpy()
    last = entries + future_window
    inside = last < len(candles)
    inside[inside] = segment[last[inside]] == segment[entries[inside]]
    if not inside.all():
        first = int(entries[~inside][0])
        raise TradingError(
            f"Trading simulation failed: the trade entered at "
            f"{candles['timestamp'].iloc[first]} has fewer than future_window="
            f"{future_window} contiguous candles after it. Entries must be labelled "
            "candles of the same run."
        )


def _fill_prices(
    open_: np.ndarray, exit_rows: np.ndarray, level: np.ndarray, beyond
) -> np.ndarray:
    """Fill at the level, or at the candle's open when it opens beyond the level."""
    opening = open_[exit_rows]
    return np.where(beyond(opening, level), opening, level)


def simulate_trades(
    candles: pd.DataFrame,
    entries: np.ndarray,
    directions: np.ndarray,
    *,
    future_window: int,
    take_profit_pct: float,
    stop_loss_pct: float,
    fee_pct: float,
    same_candle: str = "stop_loss",
) -> pd.DataFrame:
    """Trade each entry candle in its direction and return one row per trade.

    Args:
        candles: Candles with ``timestamp``, ``open``, ``high``, ``low``,
            ``close`` and ``segment``, in time order.
        entries: Row positions in ``candles`` of the entry candles.
        directions: +1 (long) or -1 (short) per entry; 0 entries are skipped.
        future_window: Candles after the entry within which the trade closes.
        take_profit_pct: Take-profit distance in percent of the entry price.
        stop_loss_pct: Stop-loss distance in percent of the entry price.
        fee_pct: Fee per side in percent of the notional.
        same_candle: ``stop_loss`` or ``take_profit``: which level fills when
            one candle touches both and its open is beyond neither.

    Returns:
        ``entry_time``, ``exit_time``, ``direction``, ``entry_price``,
        ``exit_price``, ``exit_reason``, ``same_candle`` (True where the rule
        decided), ``gross_return`` and ``net_return`` (fractions of the stake),
        in the order of ``entries``.

    Raises:
        TradingError: If the fee or the rule is out of range, or an entry has
            fewer than ``future_window`` contiguous candles after it.
    """
    entries = np.asarray(entries, dtype=np.int64)
    directions = np.asarray(directions)
    traded = directions != 0
    entries, directions = entries[traded], directions[traded]
    _check_inputs(candles, entries, future_window, fee_pct, same_candle)

    open_ = candles["open"].to_numpy(dtype="float64")
    high = candles["high"].to_numpy(dtype="float64")
    low = candles["low"].to_numpy(dtype="float64")
    close = candles["close"].to_numpy(dtype="float64")
    entry_price = close[entries]
    is_long = directions > 0

    # Long: the take-profit lies above and the stop-loss below; short: mirrored.
    sign = np.where(is_long, 1.0, -1.0)
    take_level = entry_price * (1 + sign * take_profit_pct / 100)
    stop_level = entry_price * (1 - sign * stop_loss_pct / 100)
    highest = block_extremes(high, future_window, np.maximum)
    lowest = block_extremes(low, future_window, np.minimum)
    take_at = np.empty(len(entries), dtype=np.int64)
    stop_at = np.empty(len(entries), dtype=np.int64)
    for side, up in ((is_long, True), (~is_long, False)):
        rows = entries[side]
        take_at[side] = first_touch(
            highest if up else lowest, rows, take_level[side], future_window, not up
        )
        stop_at[side] = first_touch(
            lowest if up else highest, rows, stop_level[side], future_window, up
        )

    def beyond(price, level):
        return np.where(is_long, price >= level, price <= level)

    def beyond_stop(price, level):
        return np.where(is_long, price <= level, price >= level)

    # On a candle that touches both levels, an open beyond one of them shows
    # which came first. Otherwise the rule decides.
    never = future_window + 1
    both = (take_at == stop_at) & (take_at < never)
    both_rows = entries + np.minimum(take_at, future_window)
    opening = open_[both_rows]
    opens_at_take = beyond(opening, take_level)
    opens_at_stop = beyond_stop(opening, stop_level)
    rule_decides = both & ~opens_at_take & ~opens_at_stop
    takes = (take_at < stop_at) | (both & opens_at_take)
    takes |= rule_decides & (same_candle == "take_profit")
    stops = (stop_at < take_at) | (both & opens_at_stop)
    stops |= rule_decides & (same_candle == "stop_loss")

    offset = np.where(takes, take_at, np.where(stops, stop_at, future_window))
    exit_rows = entries + offset
    exit_price = close[exit_rows].copy()
    exit_price[takes] = _fill_prices(open_, exit_rows, take_level, beyond)[takes]
    exit_price[stops] = _fill_prices(open_, exit_rows, stop_level, beyond_stop)[stops]

    ratio = exit_price / entry_price
    gross = sign * (ratio - 1)
    fee = fee_pct / 100
    timestamps = candles["timestamp"].array
    return pd.DataFrame(
        {
            "entry_time": timestamps[entries],
            "exit_time": timestamps[exit_rows],
            "direction": directions.astype("int8"),
            "entry_price": entry_price,
            "exit_price": exit_price,
            "exit_reason": pd.Categorical(
                np.where(takes, "take_profit", np.where(stops, "stop_loss", "horizon")),
                categories=EXIT_REASONS,
            ),
            "same_candle": rule_decides,
            "gross_return": gross,
            # The entry fee is on the entry notional, the exit fee on the exit's.
            "net_return": gross - fee * (1 + ratio),
        }
    )


def trade_signals(
    candles: pd.DataFrame,
    entries: np.ndarray,
    directions: np.ndarray,
    labels: Mapping,
    trading: Mapping,
) -> pd.DataFrame:
    """Run ``simulate_trades`` with the run's parameters.

    Args:
        candles, entries, directions: As for ``simulate_trades``.
        labels: The ``feature_engineering.labels`` parameters, whose
            take-profit, stop-loss and horizon the trades use.
        trading: The ``reporting.trading`` parameters (fee and same-candle rule).
    """
    return simulate_trades(
        candles,
        entries,
        directions,
        future_window=labels["future_window"],
        take_profit_pct=labels["take_profit_pct"],
        stop_loss_pct=labels["stop_loss_pct"],
        fee_pct=trading["fee_pct"],
        same_candle=trading["same_candle"],
    )


def equity_curve(trades: pd.DataFrame) -> pd.Series:
    """Cumulative net return in percent of one stake, booked at each exit time."""
    ordered = trades.sort_values(["exit_time", "entry_time"], kind="stable")
    return pd.Series(
        ordered["net_return"].cumsum().to_numpy() * 100,
        index=pd.DatetimeIndex(ordered["exit_time"]),
        name="equity_pct",
    )


def max_drawdown_pct(equity_pct: pd.Series) -> float:
    """Largest fall of the equity curve from its running peak, the start (0) included."""
    values = np.concatenate([[0.0], equity_pct.to_numpy(dtype="float64")])
    return float((np.maximum.accumulate(values) - values).max())


def one_position_at_a_time(trades: pd.DataFrame) -> np.ndarray:
    """Mark the trades a single position could take: skip signals while one is open.

    Walks the trades in entry order and keeps a trade only when it enters at
    or after the exit of the last kept one. A plain loop: each choice depends
    on the previous one, so there is nothing to vectorise.
    """
    order = np.argsort(trades["entry_time"].to_numpy(), kind="stable")
    entry = trades["entry_time"].to_numpy()[order]
    exit_ = trades["exit_time"].to_numpy()[order]
    kept = np.zeros(len(trades), dtype=bool)
    free_from = None
    for k in range(len(order)):
        if free_from is None or entry[k] >= free_from:
            kept[order[k]] = True
            free_from = exit_[k]
    return kept


def _returns_summary(trades: pd.DataFrame) -> dict:
    net = trades["net_return"].to_numpy(dtype="float64")
    count = len(net)
    return {
        "trades": count,
        "hit_rate": float((net > 0).mean()) if count else None,
        "mean_return_pct": float(net.mean() * 100) if count else None,
        "total_return_pct": float(net.sum() * 100),
        "max_drawdown_pct": max_drawdown_pct(equity_curve(trades)),
    }


def summarise_trades(trades: pd.DataFrame) -> dict:
    """Count the trades and sum up their returns.

    Returns:
        - ``trades``, ``long_trades`` and ``short_trades``;
        - ``hit_rate``, the share of trades with a positive net return;
        - ``mean_return_pct``, ``total_return_pct`` and ``max_drawdown_pct``,
          net, in percent of one stake;
        - ``exits`` per reason and ``same_candle_exits``;
        - ``one_at_a_time``: the return figures of the trades that one
          position at a time could take.

        Rates and means are None when there is no trade.
    """
    exits = trades["exit_reason"].value_counts()
    summary = _returns_summary(trades)
    summary.update(
        {
            "long_trades": int((trades["direction"] > 0).sum()),
            "short_trades": int((trades["direction"] < 0).sum()),
            "exits": {reason: int(exits.get(reason, 0)) for reason in EXIT_REASONS},
            "same_candle_exits": int(trades["same_candle"].sum()),
            "one_at_a_time": _returns_summary(trades[one_position_at_a_time(trades)]),
        }
    )
    return summary
