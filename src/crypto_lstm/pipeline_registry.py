"""Project pipelines."""

from __future__ import annotations

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

# Pipelines left out of ``__default__``.
ON_REQUEST = ("walk_forward",)


def register_pipelines() -> dict[str, Pipeline]:
    """Register the pipelines found under ``crypto_lstm.pipelines``.

    ``__default__`` joins all but walk_forward; Kedro runs its nodes in
    dependency order, so feature_engineering, data_processing, modelling and
    reporting run in turn. walk_forward trains one model per fold and runs
    only when asked for: ``kedro run --pipelines=walk_forward``.
    """
    pipelines = find_pipelines(raise_errors=True)
    # Kedro loads only the pipelines a run requests, so the sum can be empty.
    pipelines["__default__"] = sum(
        (pipeline for name, pipeline in pipelines.items() if name not in ON_REQUEST),
        start=Pipeline([]),
    )
    return pipelines
