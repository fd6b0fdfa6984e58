"""Project hooks."""

from __future__ import annotations

from kedro.framework.hooks import hook_impl

from crypto_lstm.parameters import validate_parameters


class ParameterValidationHooks:
    """Validate the run's parameters before any node reads data."""

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog) -> None:
        validate_parameters(catalog.load("parameters"))
