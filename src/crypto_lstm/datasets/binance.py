"""Kedro datasets that read Binance kline files.

No dataset of kedro-datasets reads these files, because they come with or
without a header line, as CSV or zipped CSV. The folder dataset also explains
how to download files when there are none. The folder is a ``PartitionedDataset`` with one
``BinanceKlinesDataset`` per file.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
from kedro.io import AbstractDataset
from kedro.io.core import DatasetError
from kedro_datasets.partitions import PartitionedDataset

from crypto_lstm.candles import read_kline_file
from crypto_lstm.errors import RawCandlesNotFoundError

KLINE_SUFFIXES = (".csv", ".zip")

DOWNLOAD_HINT = (
    "Download 1-minute kline files from Binance's public data archive, for example "
    "https://data.binance.vision/data/futures/um/monthly/klines/NEARUSDT/1m/"
    "NEARUSDT-1m-2024-06.zip, into that folder (CSV or .zip, with or without a "
    "header line), or point the run at another folder with "
    "`kedro run --params=raw_dir=PATH`."
)


class BinanceKlinesDataset(AbstractDataset[None, pd.DataFrame]):
    """One Binance kline file (CSV or ``.zip``), read-only.

    Loads the columns ``open_time``, ``open``, ``high``, ``low``, ``close``
    and ``volume``; validation happens in the feature_engineering pipeline.
    """

    def __init__(self, *, filepath: str, metadata: dict[str, Any] | None = None):
        self._filepath = PurePosixPath(filepath)
        self.metadata = metadata

    def load(self) -> pd.DataFrame:
        return read_kline_file(Path(self._filepath))

    def save(self, data: None) -> None:
        raise DatasetError(
            f"{type(self).__name__} is read-only: raw kline files come from Binance "
            f"and are never written by the pipeline ({self._filepath})."
        )

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}


class BinanceKlinesFolderDataset(PartitionedDataset):
    """A folder of Binance kline files, one partition per ``.csv`` or ``.zip``.

    Other files in the folder, such as ``.gitkeep`` or checksum files, are
    skipped. An empty or missing folder raises ``RawCandlesNotFoundError``
    with download instructions.
    """

    def __init__(self, *, path: str, **kwargs: Any):
        kwargs.setdefault("dataset", BinanceKlinesDataset)
        super().__init__(path=path, **kwargs)

    def load(self) -> dict[str, Any]:
        try:
            partitions = super().load()
        except DatasetError:
            partitions = {}

        klines = {
            partition: loader
            for partition, loader in partitions.items()
            if partition.lower().endswith(KLINE_SUFFIXES)
        }
        if not klines:
            folder = Path(self._path).resolve()
            state = (
                "does not exist"
                if not folder.exists()
                else "contains no .csv or .zip files"
            )
            raise RawCandlesNotFoundError(
                f"Reading raw candles failed: the folder {folder} {state}. "
                f"{DOWNLOAD_HINT}"
            )
        return klines

    def save(self, data: dict[str, Any]) -> None:
        raise DatasetError(
            f"{type(self).__name__} is read-only: the pipeline never writes into "
            f"the raw candle folder {self._path}."
        )
