import copy

import pytest
from kedro.config import OmegaConfigLoader

from crypto_lstm.errors import (
    FeatureError,
    LabelingError,
    ScalingError,
    SplitError,
    TradingError,
    TrainingConfigError,
    UndersamplingError,
    WalkForwardError,
    WindowingError,
)
from crypto_lstm.parameters import (
    PARAMETER_KEYS,
    check_trained_shape,
    validate_parameters,
)
from tests.kedro_project import REPOSITORY


@pytest.fixture(scope="module")
def defaults() -> dict:
    loader = OmegaConfigLoader(
        conf_source=str(REPOSITORY / "conf"), base_env="base", default_run_env="base"
    )
    return loader["parameters"]


def _with(defaults: dict, key: str, value) -> dict:
    parameters = copy.deepcopy(defaults)
    *parents, last = key.split(".")
    target = parameters
    for part in parents:
        target = target[part]
    target[last] = value
    return parameters


def test_defaults_match_documented_values(defaults):
    assert defaults["window_size"] == 120
    assert defaults["seed"] == 42
    assert defaults["feature_engineering"]["labels"] == {
        "future_window": 120,
        "take_profit_pct": 1.0,
        "stop_loss_pct": 0.5,
    }
    assert defaults["data_processing"]["train_ratio"] == 0.8
    assert defaults["data_processing"]["embargo"] is None
    assert defaults["data_processing"]["scaler"] == "robust"
    assert defaults["data_processing"]["undersampling"]["min_samples"] == 50000
    modelling = defaults["modelling"]
    assert modelling["lstm_units"] == [128, 64, 32]
    assert modelling["dense_units"] == [32, 16]
    assert (modelling["dropout_rate"], modelling["learning_rate"]) == (0.3, 0.001)
    assert (modelling["batch_size"], modelling["epochs"]) == (256, 50)
    assert modelling["steps_per_epoch"] is None


def test_defaults_are_valid(defaults):
    validate_parameters(defaults)


@pytest.mark.parametrize(
    ("key", "value", "error", "message"),
    [
        ("window_size", 0, WindowingError, "window_size must be an integer >= 1"),
        ("seed", -1, TrainingConfigError, "seed=-1"),
        ("feature_engineering.features", [], FeatureError, "non-empty list"),
        (
            "feature_engineering.features",
            ["rsi"],
            FeatureError,
            "unknown feature 'rsi'",
        ),
        (
            "feature_engineering.features",
            ["close_change", "close_change"],
            FeatureError,
            r"repeated: \['close_change'\]",
        ),
        ("feature_engineering.interval", "soon", FeatureError, "interval='soon'"),
        (
            "feature_engineering.labels.future_window",
            0,
            LabelingError,
            "future_window=0",
        ),
        (
            "feature_engineering.labels.take_profit_pct",
            0,
            LabelingError,
            "take_profit_pct=0",
        ),
        ("data_processing.train_ratio", 1.5, SplitError, "train_ratio=1.5"),
        ("data_processing.embargo", 60, SplitError, r">= future_window \(120\)"),
        ("data_processing.scaler", "quantile", ScalingError, "scaler='quantile'"),
        (
            "data_processing.undersampling.min_samples",
            0,
            UndersamplingError,
            "min_samples=0",
        ),
        ("modelling.lstm_units", [], TrainingConfigError, "at least one entry"),
        ("modelling.dense_units", [0], TrainingConfigError, r"dense_units=\[0\]"),
        ("modelling.dropout_rate", 1.0, TrainingConfigError, "dropout_rate=1.0"),
        ("modelling.learning_rate", 0, TrainingConfigError, "learning_rate=0"),
        ("modelling.batch_size", "256", TrainingConfigError, "batch_size='256'"),
        ("modelling.epochs", 0, TrainingConfigError, "epochs=0"),
        ("modelling.steps_per_epoch", 0, TrainingConfigError, "steps_per_epoch=0"),
        (
            "modelling.reduce_lr_factor",
            1.0,
            TrainingConfigError,
            "reduce_lr_factor=1.0",
        ),
        ("reporting.batch_size", -1, TrainingConfigError, "batch_size=-1"),
        ("modelling.precision", "half", TrainingConfigError, "precision='half'"),
        (
            "modelling.gradient_accumulation_steps",
            1,
            TrainingConfigError,
            "gradient_accumulation_steps=1",
        ),
        ("modelling.distribution", "tpu", TrainingConfigError, "distribution='tpu'"),
        ("modelling.feed_workers", 0, TrainingConfigError, "feed_workers=0"),
        ("modelling.max_batch_rows", 0, TrainingConfigError, "max_batch_rows=0"),
        ("modelling.threads.intra_op", 0, TrainingConfigError, "intra_op=0"),
        ("walk_forward.folds", 1, WalkForwardError, r"folds=1"),
        ("reporting.trading.fee_pct", -0.04, TradingError, r"fee_pct=-0.04"),
        (
            "reporting.trading.same_candle",
            "open",
            TradingError,
            r"same_candle='open'",
        ),
    ],
)
def test_invalid_value_named(defaults, key, value, error, message):
    with pytest.raises(error, match=message):
        validate_parameters(_with(defaults, key, value))


def test_missing_key_named(defaults):
    parameters = copy.deepcopy(defaults)
    del parameters["modelling"]["epochs"]

    with pytest.raises(TrainingConfigError, match="modelling.epochs is missing"):
        validate_parameters(parameters)


def test_embargo_above_horizon_accepted(defaults):
    validate_parameters(_with(defaults, "data_processing.embargo", 240))


def _leaf_keys(parameters: dict, prefix: str = ""):
    for key, value in parameters.items():
        if isinstance(value, dict) and value:
            yield from _leaf_keys(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}"


def test_known_keys_match_conf_base(defaults):
    assert set(_leaf_keys(defaults)) == PARAMETER_KEYS - {"raw_dir"}


@pytest.mark.parametrize(
    ("key", "value", "error", "message"),
    [
        (
            "modelling.epoch",
            1,
            TrainingConfigError,
            r"modelling.epoch is not a parameter .* Did you mean modelling.epochs\?",
        ),
        (
            "feature_engineering.labels.take_profit",
            2,
            FeatureError,
            r"Did you mean feature_engineering.labels.take_profit_pct\?",
        ),
        ("walk_forward.fold", 3, WalkForwardError, r"Received: walk_forward.fold=3"),
    ],
)
def test_unknown_key_named_with_closest_match(defaults, key, value, error, message):
    with pytest.raises(error, match=message):
        validate_parameters(_with(defaults, key, value))


def test_group_given_a_value_named(defaults):
    parameters = {**defaults, "reporting": 5}

    with pytest.raises(TrainingConfigError, match=r"reporting must be a group of keys"):
        validate_parameters(parameters)


def test_runtime_raw_dir_and_class_weight_mapping_accepted(defaults):
    parameters = _with(
        defaults, "modelling.class_weight", {"SHORT": 2.0, "HOLD": 1.0, "LONG": 2.0}
    )
    parameters["raw_dir"] = "/data/FILUSDT"

    validate_parameters(parameters)


def test_trained_shape_mismatch_named(defaults):
    history = {
        "window_size": 120,
        "feature_names": defaults["feature_engineering"]["features"][:7],
    }

    check_trained_shape(
        {**history, "feature_names": defaults["feature_engineering"]["features"]},
        defaults,
    )
    with pytest.raises(WindowingError, match=r"--params=window_size=120"):
        check_trained_shape(history, defaults)
