"""Kedro project settings."""

from crypto_lstm.hooks import ParameterValidationHooks, RunMetricsHooks

HOOKS = (ParameterValidationHooks(), RunMetricsHooks())

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
}
