"""Validation predictions, metrics against a baseline, and plots."""

from crypto_lstm.pipelines.reporting.pipeline import create_pipeline

__all__ = ["create_pipeline"]
