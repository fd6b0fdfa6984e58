"""Project pipelines."""

from __future__ import annotations

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

PIPELINE_ORDER = ("feature_engineering", "data_processing", "modelling", "reporting")


def register_pipelines() -> dict[str, Pipeline]:
    """Register the four pipelines; ``__default__`` runs all of them in order."""
    pipelines = find_pipelines(raise_errors=True)
    pipelines["__default__"] = sum(pipelines[name] for name in PIPELINE_ORDER)
    return pipelines
