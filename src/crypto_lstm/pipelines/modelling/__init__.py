"""Window index, DualWindowLSTM construction and training."""

from crypto_lstm.pipelines.modelling.pipeline import create_pipeline

__all__ = ["create_pipeline"]
