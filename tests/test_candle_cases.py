"""Raw inputs with a known defect each, read from files, and their exact outcome."""

import logging

import numpy as np
import pandas as pd
import pytest

from crypto_lstm.candles import read_kline_file, validate_candles
from crypto_lstm.datasets import BinanceKlinesFolderDataset
from crypto_lstm.errors import CandleValidationError, CryptoLSTMError
from crypto_lstm.features import compute_features
from crypto_lstm.labels import NO_LABEL, label_candles
from crypto_lstm.windows import window_ends
from tests.synthetic import SHORT_PERIOD_FEATURES, random_candles, write_klines


def _validate_files(*paths):
    return validate_candles({path.name: read_kline_file(path) for path in paths})


class TestZeroVolumeAndMissingClose:
    @pytest.fixture
    def candles(self):
        candles = random_candles(300, seed=1)
        candles.loc[[250, 251, 270], "volume"] = 0.0
        return candles

    def test_missing_close_names_row(self, tmp_path, candles):
        broken = candles.copy()
        broken.loc[123, "close"] = np.nan
        path = write_klines(broken, tmp_path / "X-1m-2024-03-01.csv")

        with pytest.raises(CandleValidationError) as error:
            _validate_files(path)

        assert isinstance(error.value, CryptoLSTMError)
        message = str(error.value)
        assert "X-1m-2024-03-01.csv" in message
        assert "2024-03-01 02:03:00+00:00 (data row 123)" in message
        assert "has no close" in message

    def test_fixed_file_gives_finite_features(self, tmp_path, candles):
        path = write_klines(candles, tmp_path / "X-1m-2024-03-01.csv")

        features = compute_features(_validate_files(path), SHORT_PERIOD_FEATURES)

        # The 240-candle averages start at row 239; every later value is finite.
        assert features[SHORT_PERIOD_FEATURES].iloc[:239].isna().any(axis=1).all()
        assert np.isfinite(features[SHORT_PERIOD_FEATURES].iloc[239:].to_numpy()).all()
        # Volume 0 after a positive volume: -100 %; 0 after 0: 0 %; positive
        # after 0: the documented +100 %.
        assert features["volume_change"].iloc[250] == -100.0
        assert features["volume_change"].iloc[251] == 0.0
        assert features["volume_change"].iloc[252] == 100.0
        assert features["volume_change"].iloc[270] == -100.0
        assert features["volume_change"].iloc[271] == 100.0
        assert features["volume_to_ma30"].iloc[[250, 251, 270]].tolist() == [0.0] * 3


def test_shuffled_duplicates_sorted_counted_and_conflict_named(tmp_path, caplog):
    candles = random_candles(100, seed=2)
    duplicated = candles.iloc[[10, 20, 30]].copy()
    # A close between the low and the old close keeps the candle consistent.
    duplicated.loc[30, "close"] = (
        duplicated.loc[30, "close"] + duplicated.loc[30, "low"]
    ) / 2
    shuffled = pd.concat([candles, duplicated]).sample(frac=1.0, random_state=4)
    path = write_klines(shuffled, tmp_path / "X-1m-2024-03-01.csv")

    with caplog.at_level(logging.INFO, logger="crypto_lstm.candles"):
        with pytest.raises(CandleValidationError) as error:
            _validate_files(path)

    assert "sorting them by timestamp (stable sort)" in caplog.text
    assert "Dropped 2 identical duplicate candles" in caplog.text
    message = str(error.value)
    assert "1 timestamps appear more than once with different values" in message
    assert "2024-03-01 00:30:00+00:00 in X-1m-2024-03-01.csv" in message
    assert "differing column close" in message


def test_one_month_files_overlapping_by_a_day(tmp_path):
    month = random_candles(31 * 1440, seed=3)
    first = write_klines(month.iloc[: 16 * 1440], tmp_path / "X-1m-2024-03-a.csv")
    second = write_klines(month.iloc[15 * 1440 :], tmp_path / "X-1m-2024-03-b.csv")

    candles = _validate_files(first, second)

    assert len(candles) == 44640
    assert candles["segment"].max() == 0


class TestHourGap:
    @pytest.fixture
    def candles(self, tmp_path):
        series = random_candles(400, seed=4)
        with_gap = series.drop(index=range(200, 260))
        return _validate_files(write_klines(with_gap, tmp_path / "X-1m-2024-03-01.csv"))

    def test_gap_starts_segment(self, candles):
        assert candles["segment"].tolist() == [0] * 200 + [1] * 140
        assert candles["timestamp"].iloc[200] == pd.Timestamp(
            "2024-03-01 04:20", tz="UTC"
        )

    def test_moving_average_restarts_after_gap(self, candles):
        features = compute_features(candles, ["price_to_ma30"])

        assert features["price_to_ma30"].iloc[200:229].isna().all()
        assert features["price_to_ma30"].iloc[229:].notna().all()
        assert features["price_to_ma30"].iloc[29:200].notna().all()

    def test_label_horizon_stops_before_gap(self, candles):
        labels = label_candles(
            candles, future_window=10, take_profit_pct=1.0, stop_loss_pct=0.5
        )

        assert (labels[190:200] == NO_LABEL).all()
        assert (labels[:190] != NO_LABEL).all()
        assert (labels[200:330] != NO_LABEL).all()

    def test_no_window_across_gap(self, candles):
        ends = window_ends(candles["timestamp"], 16)

        assert ends.tolist() == list(range(15, 200)) + list(range(215, 340))


def test_milliseconds_switch_to_microseconds_in_file(tmp_path):
    candles = random_candles(10, seed=5)
    path = write_klines(candles, tmp_path / "X-1m-2024-12-31.csv")
    text = path.read_text().splitlines()
    # Rewrite the last four rows' open_time in microseconds, as Binance's spot
    # archive did from 2025-01-01 on.
    for row in range(7, 11):
        fields = text[row].split(",")
        fields[0] = str(int(fields[0]) * 1000)
        text[row] = ",".join(fields)
    path.write_text("\n".join(text) + "\n")

    result = _validate_files(path)

    assert result["timestamp"].tolist() == candles["timestamp"].tolist()


@pytest.mark.parametrize(
    ("column", "row", "value", "message"),
    [
        (
            "open_time",
            8,
            "offset",
            r"00:08:20\+00:00 \(data row 8\) has column timestamp off",
        ),
        (
            "low",
            5,
            "above_close",
            r"00:05:00\+00:00 \(data row 5\) has column low above",
        ),
        ("volume", 17, -3.0, r"00:17:00\+00:00 \(data row 17\) has a negative volume"),
    ],
)
def test_bad_row_named(tmp_path, column, row, value, message):
    candles = random_candles(30, seed=6)
    if value == "offset":
        candles.loc[row, "timestamp"] += pd.Timedelta("20s")
    elif value == "above_close":
        candles.loc[row, "open"] = candles.loc[row, "close"] * 1.002
        candles.loc[row, "high"] = candles.loc[row, "open"] * 1.001
        candles.loc[row, "low"] = candles.loc[row, "close"] * 1.001
    else:
        candles.loc[row, column] = value
    path = write_klines(candles, tmp_path / "X-1m-2024-03-01.csv")

    with pytest.raises(CandleValidationError, match=message) as error:
        _validate_files(path)

    assert "X-1m-2024-03-01.csv" in str(error.value)


def test_mixed_headers_and_zip_read_alike(tmp_path):
    candles = random_candles(3 * 1440, seed=7)
    folder = tmp_path / "raw"
    folder.mkdir()
    write_klines(candles.iloc[:1440], folder / "X-1m-2024-03-01.csv")
    write_klines(candles.iloc[1440:2880], folder / "X-1m-2024-03-02.zip", header=False)
    write_klines(candles.iloc[2880:], folder / "X-1m-2024-03-03.csv", header=False)
    single = write_klines(candles, tmp_path / "all.csv")

    partitions = BinanceKlinesFolderDataset(path=str(folder)).load()
    from_folder = validate_candles({name: load() for name, load in partitions.items()})

    pd.testing.assert_frame_equal(from_folder, _validate_files(single))
