"""Kedro project settings."""

import os
import warnings

from crypto_lstm.hooks import (
    DatasetVersionsHooks,
    ParameterValidationHooks,
    RunMetricsHooks,
)

# Kedro imports these settings before TensorFlow: hide TensorFlow's C++ start-up
# notices (oneDNN, CPU instruction sets) unless the user asked for them, and a
# deprecation warning that Kedro 1.7 raises inside OmegaConf on every run.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
warnings.filterwarnings("ignore", message=r"register_new_resolver\(\) is deprecated")

HOOKS = (ParameterValidationHooks(), DatasetVersionsHooks(), RunMetricsHooks())

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
}
