"""Walk-forward evaluation: train and evaluate on expanding chronological folds."""

from crypto_lstm.pipelines.walk_forward.pipeline import create_pipeline

__all__ = ["create_pipeline"]
