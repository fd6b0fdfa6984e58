"""Reading and validating Binance kline files.

Binance's public data archive publishes klines as CSV, or as a ``.zip`` that
contains one CSV, with the columns of ``KLINE_COLUMNS``. Some files start with a
header line and some do not. ``open_time`` is milliseconds since the epoch,
except in spot files from 2025-01-01 on, which use microseconds.

``validate_candles`` turns the files into one table of candles with the columns
``CANDLE_COLUMNS``, sorted by time, with a ``segment`` id that changes after
every missing candle so that nothing downstream reaches across a gap.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from crypto_lstm.errors import CandleValidationError

logger = logging.getLogger(__name__)

KLINE_COLUMNS = (
    "open_time",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "close_time",
    "quote_volume",
    "count",
    "taker_buy_volume",
    "taker_buy_quote_volume",
    "ignore",
)
PRICE_COLUMNS = ("open", "high", "low", "close")
VALUE_COLUMNS = (*PRICE_COLUMNS, "volume")
CANDLE_COLUMNS = ("timestamp", *VALUE_COLUMNS, "segment")

# Timestamps of 1e14 and above are microseconds: in milliseconds they would lie
# after the year 5000, and in microseconds anything below lies before 1973.
MICROSECOND_THRESHOLD = 10**14
EARLIEST_TIMESTAMP = pd.Timestamp("2009-01-01", tz="UTC")
LATEST_TIMESTAMP = pd.Timestamp("2100-01-01", tz="UTC")

# Conflicting timestamps quoted in an error, and gaps listed in a quality report.
MAX_NAMED_TIMESTAMPS = 5
MAX_LISTED_GAPS = 20


def _first_line(path: Path) -> str:
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            names = [name for name in archive.namelist() if not name.endswith("/")]
            if len(names) != 1:
                raise CandleValidationError(
                    f"Reading candles failed: {path} must hold exactly one CSV file, "
                    f"but contains {names}. Unpack it and keep one kline CSV per file."
                )
            with archive.open(names[0]) as handle:
                return handle.readline().decode("utf-8", errors="replace")
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        return handle.readline()


def read_kline_file(path: str | Path) -> pd.DataFrame:
    """Read one Binance kline CSV or ``.zip`` file, with or without a header line.

    Args:
        path: Path to a ``.csv`` file or a ``.zip`` that contains one CSV file.

    Returns:
        The file's rows with the columns ``open_time`` (in the file's unit,
        as float64 so that a missing value stays NaN) and ``open``, ``high``,
        ``low``, ``close``, ``volume`` (float64).

    Raises:
        CandleValidationError: If the file has another column layout.
    """
    path = Path(path)
    first_field = _first_line(path).split(",", 1)[0].strip()
    has_header = not first_field.lstrip("-").replace(".", "", 1).isdigit()

    frame = pd.read_csv(
        path,
        header=None,
        skiprows=1 if has_header else 0,
        usecols=range(6),
        names=list(KLINE_COLUMNS[:6]),
        dtype={"open_time": "float64", **dict.fromkeys(VALUE_COLUMNS, "float64")},
        compression="infer",
    )
    if has_header and first_field != "open_time":
        raise CandleValidationError(
            f"Reading candles failed: {path} starts with the header field "
            f"{first_field!r}, expected 'open_time'. Use kline files from "
            "Binance's public data archive, whose columns are "
            f"{', '.join(KLINE_COLUMNS)}."
        )
    return frame


def _timestamps_from_open_time(open_time: pd.Series, source: str) -> pd.Series:
    """Convert ``open_time`` to UTC timestamps, deciding ms or µs row by row."""
    missing = open_time.isna()
    if missing.any():
        row = int(np.flatnonzero(missing.to_numpy())[0])
        raise CandleValidationError(
            f"Candle validation failed in {source}: data row {row} has no "
            "open_time. Re-download the file from Binance's data archive."
        )

    values = open_time.to_numpy(dtype="float64")
    milliseconds = np.where(values >= MICROSECOND_THRESHOLD, values / 1000.0, values)
    timestamps = pd.to_datetime(milliseconds, unit="ms", utc=True)

    out_of_range = (timestamps < EARLIEST_TIMESTAMP) | (timestamps >= LATEST_TIMESTAMP)
    if out_of_range.any():
        row = int(np.flatnonzero(out_of_range)[0])
        raise CandleValidationError(
            f"Candle validation failed in {source}: data row {row} has "
            f"open_time={values[row]:.0f}, which is {timestamps[row]} in neither "
            "milliseconds nor microseconds lies between 2009 and 2100. "
            "Check that the first column is Binance's open_time."
        )
    return pd.Series(timestamps, index=open_time.index, name="timestamp")


def _raise_at_first(mask: np.ndarray, frame: pd.DataFrame, source: str, problem: str):
    row = int(np.flatnonzero(mask)[0])
    raise CandleValidationError(
        f"Candle validation failed in {source}: the candle at "
        f"{frame['timestamp'].iloc[row]} (data row {row}) {problem}. "
        "Fix or remove that row, or re-download the file from Binance's data archive."
    )


def validate_file_candles(
    frame: pd.DataFrame, source: str, interval: pd.Timedelta
) -> pd.DataFrame:
    """Check one file's rows and return them as candles without a segment id.

    Args:
        frame: Rows as returned by ``read_kline_file``.
        source: File name used in error messages.
        interval: Candle interval, for example one minute.

    Returns:
        A frame with ``timestamp`` (UTC) and the value columns, in file order.

    Raises:
        CandleValidationError: On a missing, infinite or negative value, on
            ``low`` above or ``high`` below the body of the candle, or on a
            timestamp that is not on the interval grid.
    """
    candles = pd.DataFrame(
        {"timestamp": _timestamps_from_open_time(frame["open_time"], source)}
    )
    for column in VALUE_COLUMNS:
        candles[column] = frame[column].to_numpy(dtype="float64")

    for column in VALUE_COLUMNS:
        values = candles[column].to_numpy()
        if np.isnan(values).any():
            _raise_at_first(np.isnan(values), candles, source, f"has no {column}")
        if np.isinf(values).any():
            _raise_at_first(
                np.isinf(values), candles, source, f"has an infinite {column}"
            )
        if (values < 0).any():
            negative = values < 0
            value = values[negative][0]
            _raise_at_first(
                negative, candles, source, f"has a negative {column} ({value})"
            )

    body_low = np.minimum(candles["open"], candles["close"]).to_numpy()
    body_high = np.maximum(candles["open"], candles["close"]).to_numpy()
    low_above = candles["low"].to_numpy() > body_low
    if low_above.any():
        _raise_at_first(
            low_above, candles, source, "has column low above min(open, close)"
        )
    high_below = candles["high"].to_numpy() < body_high
    if high_below.any():
        _raise_at_first(
            high_below, candles, source, "has column high below max(open, close)"
        )

    off_grid = (
        candles["timestamp"].dt.floor(interval) != candles["timestamp"]
    ).to_numpy()
    if off_grid.any():
        _raise_at_first(
            off_grid,
            candles,
            source,
            f"has column timestamp off the {interval} grid of whole intervals",
        )
    return candles


def _drop_duplicate_candles(candles: pd.DataFrame) -> pd.DataFrame:
    identical = candles.duplicated(subset=["timestamp", *VALUE_COLUMNS], keep="first")
    if identical.any():
        logger.info(
            "Dropped %d identical duplicate candles (overlapping files)",
            int(identical.sum()),
        )
        candles = candles.loc[~identical]

    conflicting = candles["timestamp"].duplicated(keep=False)
    if conflicting.any():
        clashes = candles.loc[conflicting].groupby("timestamp", sort=True)
        described = [
            _describe_clash(timestamp, rows)
            for timestamp, rows in list(clashes)[:MAX_NAMED_TIMESTAMPS]
        ]
        raise CandleValidationError(
            "Candle validation failed: "
            f"{clashes.ngroups} timestamps appear more than once with different "
            f"values, first {'; '.join(described)}. Keep one file per period, "
            "or re-download the files that disagree."
        )
    return candles


def _describe_clash(timestamp: pd.Timestamp, rows: pd.DataFrame) -> str:
    differing = [column for column in VALUE_COLUMNS if rows[column].nunique() > 1]
    sources = ", ".join(sorted(set(rows["source"])))
    return f"{timestamp} in {sources} (differing column {', '.join(differing)})"


def assign_segments(timestamps: pd.Series, interval: pd.Timedelta) -> np.ndarray:
    """Number contiguous runs of candles: the id grows by one after each gap."""
    steps = timestamps.diff().to_numpy()
    starts_segment = np.ones(len(timestamps), dtype=bool)
    starts_segment[1:] = steps[1:] != np.timedelta64(interval)
    return np.cumsum(starts_segment).astype("int32") - 1


def validate_candles(
    files: Mapping[str, pd.DataFrame], interval: str = "1min"
) -> pd.DataFrame:
    """Validate raw kline files and combine them into one sorted candle table.

    Args:
        files: Raw rows per file name, as returned by ``read_kline_file``.
        interval: Candle interval as a pandas offset string.

    Returns:
        Candles with the columns ``CANDLE_COLUMNS``, sorted by ``timestamp``,
        without duplicates, with a ``segment`` id that starts at 0 and grows by
        one after every missing candle.

    Raises:
        CandleValidationError: On any broken rule, naming the file, the
            timestamp and the column.
    """
    step = pd.Timedelta(interval)
    parts = []
    for source in sorted(files):
        candles = validate_file_candles(files[source], source, step)
        candles["source"] = source
        parts.append(candles)
        logger.info("Read %d candles from %s", len(candles), source)
    candles = pd.concat(parts, ignore_index=True)
    if candles.empty:
        raise CandleValidationError(
            f"Candle validation failed: the files {sorted(files)} hold no candles. "
            "Download kline files with data rows from Binance's data archive."
        )

    if not candles["timestamp"].is_monotonic_increasing:
        logger.warning(
            "Candles are not in time order across or within files; sorting them "
            "by timestamp (stable sort)"
        )
        candles = candles.sort_values("timestamp", kind="stable", ignore_index=True)

    candles = _drop_duplicate_candles(candles).reset_index(drop=True)
    candles["segment"] = assign_segments(candles["timestamp"], step)

    logger.info(
        "Validated %d candles from %s to %s in %d contiguous segments",
        len(candles),
        candles["timestamp"].iloc[0],
        candles["timestamp"].iloc[-1],
        int(candles["segment"].iloc[-1]) + 1,
    )
    return candles.loc[:, list(CANDLE_COLUMNS)]


def describe_gaps(
    timestamps: pd.Series, interval: pd.Timedelta, max_listed: int = MAX_LISTED_GAPS
) -> dict:
    """Count the gaps in sorted, unique timestamps and list the first ones.

    Returns:
        ``count``, ``longest_missing_candles`` and ``first``: up to
        ``max_listed`` gaps with the last candle before, the first candle
        after and the number of missing candles.
    """
    times = pd.Series(timestamps.to_numpy())
    steps = times.diff()
    gap_rows = np.flatnonzero((steps > interval).to_numpy())
    missing = (steps.iloc[gap_rows] // interval - 1).astype("int64").to_numpy()
    listed = [
        {
            "last_before": str(times.iloc[row - 1]),
            "first_after": str(times.iloc[row]),
            "missing_candles": int(count),
        }
        for row, count in zip(gap_rows[:max_listed], missing[:max_listed], strict=True)
    ]
    return {
        "count": len(gap_rows),
        "longest_missing_candles": int(missing.max()) if len(missing) else 0,
        "first": listed,
    }


def describe_candles(
    files: Mapping[str, pd.DataFrame], candles: pd.DataFrame, interval: str = "1min"
) -> dict:
    """Summarise raw files and validated candles for the data quality report.

    Identical duplicates are counted against the later file in name order,
    the same rows that ``validate_candles`` drops.

    Args:
        files: Raw rows per file name that ``validate_candles`` accepted.
        candles: The validated candles.
        interval: Candle interval as a pandas offset string.

    Returns:
        ``files``: per file its rows, identical duplicates dropped, gaps and
        segments; ``combined``: the same for all candles together.
    """
    step = pd.Timedelta(interval)
    sources = sorted(files)
    timestamps = {
        source: _timestamps_from_open_time(files[source]["open_time"], source)
        for source in sources
    }
    all_times = pd.concat([timestamps[source] for source in sources], ignore_index=True)
    origin = np.repeat(sources, [len(timestamps[source]) for source in sources])
    repeated = all_times.duplicated(keep="first").to_numpy()

    per_file = {}
    for source in sources:
        unique_times = timestamps[source].drop_duplicates().sort_values()
        gaps = describe_gaps(unique_times, step)
        per_file[source] = {
            "rows": len(timestamps[source]),
            "identical_duplicates_dropped": int(repeated[origin == source].sum()),
            "first_candle": str(unique_times.iloc[0]) if len(unique_times) else None,
            "last_candle": str(unique_times.iloc[-1]) if len(unique_times) else None,
            "gaps": gaps,
            "segments": gaps["count"] + 1 if len(unique_times) else 0,
        }

    combined_gaps = describe_gaps(candles["timestamp"], step)
    return {
        "files": per_file,
        "combined": {
            "rows_read": len(all_times),
            "identical_duplicates_dropped": int(repeated.sum()),
            "candles": len(candles),
            "first_candle": str(candles["timestamp"].iloc[0]),
            "last_candle": str(candles["timestamp"].iloc[-1]),
            "gaps": combined_gaps,
            "segments": int(candles["segment"].iloc[-1]) + 1,
        },
    }
