"""Chronological split, scaling and undersampling of training window ends."""

from crypto_lstm.pipelines.data_processing.pipeline import create_pipeline

__all__ = ["create_pipeline"]
