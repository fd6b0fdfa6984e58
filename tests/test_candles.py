import logging
import re
import zipfile

import numpy as np
import pandas as pd
import pytest

from crypto_lstm.candles import CANDLE_COLUMNS, read_kline_file, validate_candles
from crypto_lstm.errors import CandleValidationError, CryptoLSTMError
from tests.synthetic import random_candles, to_klines, write_klines


def _raw(candles: pd.DataFrame) -> pd.DataFrame:
    return to_klines(candles).iloc[:, :6].astype({"open_time": "float64"})


class TestReadKlineFile:
    def test_header_headerless_and_zip_read_alike(self, tmp_path):
        candles = random_candles(50)
        with_header = read_kline_file(write_klines(candles, tmp_path / "a.csv"))
        without = read_kline_file(
            write_klines(candles, tmp_path / "b.csv", header=False)
        )
        zipped = read_kline_file(
            write_klines(candles, tmp_path / "c.zip", header=False)
        )

        assert list(with_header.columns) == [
            "open_time",
            "open",
            "high",
            "low",
            "close",
            "volume",
        ]
        assert len(with_header) == 50
        pd.testing.assert_frame_equal(with_header, without)
        pd.testing.assert_frame_equal(with_header, zipped)

    def test_unknown_header_rejected(self, tmp_path):
        path = tmp_path / "odd.csv"
        path.write_text("date,open,high,low,close,volume\n")

        with pytest.raises(CandleValidationError, match="header field 'date'"):
            read_kline_file(path)

    def test_zip_with_two_files_rejected(self, tmp_path):
        path = tmp_path / "two.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("a.csv", "1,2\n")
            archive.writestr("b.csv", "1,2\n")

        with pytest.raises(CandleValidationError, match="exactly one CSV"):
            read_kline_file(path)


class TestValidateCandles:
    def test_columns_order_and_segment(self):
        candles = validate_candles({"a.csv": _raw(random_candles(10))})

        assert tuple(candles.columns) == CANDLE_COLUMNS
        assert candles["segment"].tolist() == [0] * 10
        assert str(candles["timestamp"].dt.tz) == "UTC"

    def test_microseconds_give_same_dates(self, tmp_path):
        candles = random_candles(20)
        millis = read_kline_file(write_klines(candles, tmp_path / "ms.csv"))
        micros = read_kline_file(
            write_klines(candles, tmp_path / "us.csv", microseconds=True)
        )

        from_ms = validate_candles({"ms.csv": millis})
        from_us = validate_candles({"us.csv": micros})

        pd.testing.assert_frame_equal(from_ms, from_us)
        assert from_us["timestamp"].iloc[0] == pd.Timestamp("2024-03-01", tz="UTC")

    def test_unit_switch_inside_file(self):
        raw = _raw(random_candles(10))
        raw.loc[5:, "open_time"] *= 1000

        candles = validate_candles({"mixed.csv": raw})

        expected = pd.date_range("2024-03-01", periods=10, freq="1min", tz="UTC")
        assert candles["timestamp"].tolist() == expected.tolist()

    def test_missing_close_names_file_row_and_column(self):
        raw = _raw(random_candles(30))
        raw.loc[7, "close"] = np.nan

        with pytest.raises(CandleValidationError) as error:
            validate_candles({"BTCUSDT-1m-2024-03.csv": raw})

        message = str(error.value)
        assert "BTCUSDT-1m-2024-03.csv" in message
        assert "2024-03-01 00:07:00+00:00" in message
        assert "data row 7" in message
        assert "has no close" in message

    def test_negative_volume_named(self):
        raw = _raw(random_candles(30))
        raw.loc[3, "volume"] = -1.5

        with pytest.raises(
            CandleValidationError, match=r"00:03:00.*negative volume \(-1\.5\)"
        ):
            validate_candles({"f.csv": raw})

    def test_infinite_price_named(self):
        raw = _raw(random_candles(30))
        raw.loc[4, "high"] = np.inf

        with pytest.raises(CandleValidationError, match="infinite high"):
            validate_candles({"f.csv": raw})

    def test_low_above_close_named(self):
        raw = _raw(random_candles(30))
        raw.loc[12, "low"] = max(raw.loc[12, "open"], raw.loc[12, "close"]) * 1.01
        raw.loc[12, "high"] = raw.loc[12, "low"] * 1.01

        with pytest.raises(CandleValidationError, match=r"00:12:00.*column low above"):
            validate_candles({"f.csv": raw})

    def test_high_below_open_named(self):
        raw = _raw(random_candles(30))
        raw.loc[2, "high"] = min(raw.loc[2, "open"], raw.loc[2, "close"]) * 0.999

        with pytest.raises(CandleValidationError, match=r"00:02:00.*column high below"):
            validate_candles({"f.csv": raw})

    def test_timestamp_off_minute_grid(self):
        raw = _raw(random_candles(30))
        raw.loc[9, "open_time"] += 30_000

        with pytest.raises(CandleValidationError, match=r"00:09:30.*data row 9.*grid"):
            validate_candles({"f.csv": raw})

    def test_date_outside_2009_to_2100_rejected(self):
        raw = _raw(random_candles(5))
        raw.loc[1, "open_time"] = 1_000

        with pytest.raises(
            CandleValidationError, match="data row 1 has open_time=1000"
        ):
            validate_candles({"f.csv": raw})

    def test_overlapping_identical_files_deduplicated(self, caplog):
        candles = random_candles(3 * 1440)
        first = _raw(candles.iloc[: 2 * 1440])
        second = _raw(candles.iloc[1440:])

        with caplog.at_level(logging.INFO, logger="crypto_lstm.candles"):
            result = validate_candles({"first.csv": first, "second.csv": second})

        assert len(result) == 3 * 1440
        assert result["timestamp"].is_unique
        assert "Dropped 1440 identical duplicate candles" in caplog.text

    def test_conflicting_duplicate_named(self):
        raw = _raw(random_candles(20))
        clash = raw.iloc[[4]].copy()
        clash["close"] = clash["close"] * 1.0001
        clash["high"] = clash[["high", "close"]].max(axis=1)

        with pytest.raises(CandleValidationError) as error:
            validate_candles({"a.csv": raw, "b.csv": clash})

        message = str(error.value)
        assert "1 timestamps appear more than once with different values" in message
        assert "2024-03-01 00:04:00+00:00 in a.csv, b.csv" in message

    def test_unsorted_rows_sorted_with_warning(self, caplog):
        raw = _raw(random_candles(20)).sample(frac=1.0, random_state=3)

        with caplog.at_level(logging.WARNING, logger="crypto_lstm.candles"):
            candles = validate_candles({"f.csv": raw})

        assert candles["timestamp"].is_monotonic_increasing
        assert candles["segment"].tolist() == [0] * 20
        assert "not in time order" in caplog.text

    def test_gap_starts_new_segment(self):
        candles = random_candles(100)
        raw = _raw(candles.drop(index=range(40, 100 - 30)))

        result = validate_candles({"f.csv": raw})

        assert len(result) == 70
        assert result["segment"].tolist() == [0] * 40 + [1] * 30

    def test_errors_share_project_base_class(self):
        assert issubclass(CandleValidationError, CryptoLSTMError)

    def test_empty_files_rejected(self):
        empty = _raw(random_candles(1)).iloc[:0]

        with pytest.raises(CandleValidationError, match=re.escape("hold no candles")):
            validate_candles({"empty.csv": empty})
