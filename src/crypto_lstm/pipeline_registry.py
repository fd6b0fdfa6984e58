"""Project pipelines."""

from __future__ import annotations

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline


def register_pipelines() -> dict[str, Pipeline]:
    """Register the pipelines found under ``crypto_lstm.pipelines``.

    ``__default__`` joins them; Kedro runs its nodes in dependency order, so
    feature_engineering, data_processing, modelling and reporting run in turn.
    When one pipeline is requested, Kedro loads only that one.
    """
    pipelines = find_pipelines(raise_errors=True)
    pipelines["__default__"] = sum(pipelines.values())
    return pipelines
