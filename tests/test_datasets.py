import pandas as pd
import pytest
from kedro.io.core import DatasetError

from crypto_lstm.datasets import BinanceKlinesDataset, BinanceKlinesFolderDataset
from crypto_lstm.errors import RawCandlesNotFoundError
from tests.synthetic import random_candles, write_klines


def test_folder_reads_only_csv_and_zip(tmp_path):
    candles = random_candles(30)
    write_klines(candles.iloc[:10], tmp_path / "X-1m-2024-01.csv")
    write_klines(candles.iloc[10:], tmp_path / "X-1m-2024-02.zip", header=False)
    (tmp_path / ".gitkeep").touch()
    (tmp_path / "X-1m-2024-02.zip.CHECKSUM").write_text("abc")

    partitions = BinanceKlinesFolderDataset(path=str(tmp_path)).load()

    assert sorted(partitions) == ["X-1m-2024-01.csv", "X-1m-2024-02.zip"]
    frames = [partitions[name]() for name in sorted(partitions)]
    assert [len(frame) for frame in frames] == [10, 20]


def test_missing_folder_named_with_download_hint(tmp_path):
    folder = tmp_path / "absent"

    with pytest.raises(DatasetError) as error:
        BinanceKlinesFolderDataset(path=str(folder)).load()

    # Kedro wraps errors of a dataset's load; the cause keeps the project type.
    assert isinstance(error.value.__cause__, RawCandlesNotFoundError)
    assert f"{folder} does not exist" in str(error.value)
    assert "data.binance.vision" in str(error.value)
    assert "--params=raw_dir=PATH" in str(error.value)


def test_folder_without_kline_files_named(tmp_path):
    (tmp_path / ".gitkeep").touch()

    with pytest.raises(DatasetError, match="contains no .csv or .zip files"):
        BinanceKlinesFolderDataset(path=str(tmp_path)).load()


def test_raw_datasets_are_read_only(tmp_path):
    with pytest.raises(DatasetError, match="read-only"):
        BinanceKlinesDataset(filepath=str(tmp_path / "a.csv")).save(pd.DataFrame())
    with pytest.raises(DatasetError, match="read-only"):
        BinanceKlinesFolderDataset(path=str(tmp_path)).save({"a": pd.DataFrame()})
