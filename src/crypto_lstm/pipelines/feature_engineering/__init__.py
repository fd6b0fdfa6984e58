"""Raw Binance kline files to validated candles, features and labels."""

from crypto_lstm.pipelines.feature_engineering.pipeline import create_pipeline

__all__ = ["create_pipeline"]
