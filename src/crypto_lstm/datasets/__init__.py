"""Kedro datasets for the raw candle files."""

from crypto_lstm.datasets.binance import (
    BinanceKlinesDataset,
    BinanceKlinesFolderDataset,
)

__all__ = ["BinanceKlinesDataset", "BinanceKlinesFolderDataset"]
