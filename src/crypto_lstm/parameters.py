"""Validation of the run's parameters, before any data is read.

Each check names the parameter key as it is written after ``--params``, the
value received and the accepted range.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import pandas as pd

from crypto_lstm.errors import (
    CryptoLSTMError,
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
from crypto_lstm.features import parse_feature
from crypto_lstm.scaling import SCALERS
from crypto_lstm.trading import SAME_CANDLE_RULES

# Accepted values of modelling.precision and modelling.distribution; kept here
# so that validating parameters does not import TensorFlow.
PRECISIONS = ("float32", "mixed", "mixed_float16", "mixed_bfloat16")
DISTRIBUTIONS = (None, "mirrored")


# Every parameter key the pipelines read, as written after --params. A test
# keeps this list equal to the keys of conf/base. raw_dir is read by the
# catalog; the value of modelling.class_weight may itself be a mapping.
PARAMETER_KEYS = frozenset(
    {
        "raw_dir",
        "window_size",
        "seed",
        "feature_engineering.interval",
        "feature_engineering.features",
        "feature_engineering.rules.zero_previous_volume_change",
        "feature_engineering.rules.zero_mean_volume_ratio",
        "feature_engineering.labels.future_window",
        "feature_engineering.labels.take_profit_pct",
        "feature_engineering.labels.stop_loss_pct",
        "data_processing.train_ratio",
        "data_processing.embargo",
        "data_processing.scaler",
        "data_processing.undersampling.min_samples",
        "modelling.lstm_units",
        "modelling.dense_units",
        "modelling.dropout_rate",
        "modelling.learning_rate",
        "modelling.batch_size",
        "modelling.epochs",
        "modelling.steps_per_epoch",
        "modelling.early_stopping_patience",
        "modelling.reduce_lr_patience",
        "modelling.reduce_lr_factor",
        "modelling.class_weight",
        "modelling.backup_dir",
        "modelling.precision",
        "modelling.gradient_accumulation_steps",
        "modelling.max_batch_rows",
        "modelling.distribution",
        "modelling.feed_workers",
        "modelling.threads.intra_op",
        "modelling.threads.inter_op",
        "reporting.batch_size",
        "reporting.boosting_rows",
        "reporting.trading.fee_pct",
        "reporting.trading.same_candle",
        "walk_forward.folds",
    }
)
_GROUPS = frozenset(
    key.rsplit(".", depth)[0]
    for key in PARAMETER_KEYS
    for depth in range(1, key.count(".") + 1)
)
# The stage whose error type reports an unknown key of a parameter group.
_GROUP_ERRORS: dict[str, type[CryptoLSTMError]] = {
    "feature_engineering": FeatureError,
    "data_processing": SplitError,
    "modelling": TrainingConfigError,
    "reporting": TrainingConfigError,
    "walk_forward": WalkForwardError,
}


def _example_key(group: str) -> str:
    return min(key for key in PARAMETER_KEYS if key.startswith(f"{group}."))


def _check_known_keys(parameters: Mapping[str, Any], prefix: str = "") -> None:
    """Raise on a key that no pipeline reads, which is most often a typo.

    Without this check Kedro would pass a misspelt key along unused, and the
    run would silently keep the default it meant to change.
    """
    for key, value in parameters.items():
        path = f"{prefix}{key}"
        if path in PARAMETER_KEYS:
            continue
        error = _GROUP_ERRORS.get(path.split(".", maxsplit=1)[0], CryptoLSTMError)
        if path in _GROUPS:
            _check(
                isinstance(value, Mapping),
                error,
                path,
                value,
                "a group of keys such as " + _example_key(path),
            )
            _check_known_keys(value, f"{path}.")
            continue

        close = difflib.get_close_matches(path, PARAMETER_KEYS, n=1)
        hint = f" Did you mean {close[0]}?" if close else ""
        raise error(
            f"Invalid parameters: {path} is not a parameter of this project."
            f"{hint} Check the key in --params and in conf/. Received: "
            f"{path}={value!r}."
        )


def _lookup(parameters: Mapping[str, Any], key: str, error: type[CryptoLSTMError]):
    value: Any = parameters
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            raise error(
                f"Invalid parameters: {key} is missing. Set it in conf/base "
                f"or pass --params={key}=VALUE."
            )
        value = value[part]
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check(condition: bool, error: type[CryptoLSTMError], key: str, value, rule: str):
    if not condition:
        raise error(
            f"Invalid parameters: {key} must be {rule}. Received: {key}={value!r}."
        )


def _check_positive_int(parameters, key: str, error: type[CryptoLSTMError]) -> int:
    value = _lookup(parameters, key, error)
    _check(_is_int(value) and value >= 1, error, key, value, "an integer >= 1")
    return value


def _check_optional_int(
    parameters, key: str, error: type[CryptoLSTMError], minimum: int, null_means: str
) -> int | None:
    value = _lookup(parameters, key, error)
    _check(
        value is None or (_is_int(value) and value >= minimum),
        error,
        key,
        value,
        f"null ({null_means}) or an integer >= {minimum}",
    )
    return value


def _check_units(parameters, key: str, allow_empty: bool) -> None:
    value = _lookup(parameters, key, TrainingConfigError)
    valid = (
        isinstance(value, list | tuple)
        and (allow_empty or len(value) > 0)
        and all(_is_int(units) and units >= 1 for units in value)
    )
    rule = "a list of integers >= 1" + (
        "" if allow_empty else " with at least one entry"
    )
    _check(valid, TrainingConfigError, key, value, rule)


def _validate_feature_engineering(parameters) -> int:
    features = _lookup(parameters, "feature_engineering.features", FeatureError)
    _check(
        isinstance(features, list | tuple) and len(features) > 0,
        FeatureError,
        "feature_engineering.features",
        features,
        "a non-empty list of feature names",
    )
    duplicates = sorted({name for name in features if list(features).count(name) > 1})
    _check(
        not duplicates,
        FeatureError,
        "feature_engineering.features",
        features,
        f"a list without repeated names (repeated: {duplicates})",
    )
    for name in features:
        parse_feature(name)

    interval = _lookup(parameters, "feature_engineering.interval", FeatureError)
    try:
        valid_interval = pd.Timedelta(interval) > pd.Timedelta(0)
    except ValueError:
        valid_interval = False
    _check(
        valid_interval,
        FeatureError,
        "feature_engineering.interval",
        interval,
        "a positive pandas offset string such as '1min'",
    )

    future_window = _check_positive_int(
        parameters, "feature_engineering.labels.future_window", LabelingError
    )
    for key in ("take_profit_pct", "stop_loss_pct"):
        full_key = f"feature_engineering.labels.{key}"
        value = _lookup(parameters, full_key, LabelingError)
        _check(
            _is_number(value) and 0 < value < 100,
            LabelingError,
            full_key,
            value,
            "a percentage strictly between 0 and 100",
        )
    return future_window


def _validate_data_processing(parameters, future_window: int) -> None:
    ratio = _lookup(parameters, "data_processing.train_ratio", SplitError)
    _check(
        _is_number(ratio) and 0 < ratio < 1,
        SplitError,
        "data_processing.train_ratio",
        ratio,
        "a number strictly between 0 and 1",
    )

    embargo = _lookup(parameters, "data_processing.embargo", SplitError)
    _check(
        embargo is None or (_is_int(embargo) and embargo >= future_window),
        SplitError,
        "data_processing.embargo",
        embargo,
        f"null (one label horizon) or an integer >= future_window ({future_window}), "
        "so that no training label looks into the validation part",
    )

    scaler = _lookup(parameters, "data_processing.scaler", ScalingError)
    _check(
        scaler in SCALERS,
        ScalingError,
        "data_processing.scaler",
        scaler,
        f"one of {sorted(SCALERS)}",
    )

    min_samples = _lookup(
        parameters, "data_processing.undersampling.min_samples", UndersamplingError
    )
    _check(
        _is_int(min_samples) and min_samples >= 1,
        UndersamplingError,
        "data_processing.undersampling.min_samples",
        min_samples,
        "an integer >= 1",
    )


def _validate_modelling(parameters) -> None:
    _check_units(parameters, "modelling.lstm_units", allow_empty=False)
    _check_units(parameters, "modelling.dense_units", allow_empty=True)

    dropout = _lookup(parameters, "modelling.dropout_rate", TrainingConfigError)
    _check(
        _is_number(dropout) and 0 <= dropout < 1,
        TrainingConfigError,
        "modelling.dropout_rate",
        dropout,
        "a number in [0, 1)",
    )
    learning_rate = _lookup(parameters, "modelling.learning_rate", TrainingConfigError)
    _check(
        _is_number(learning_rate) and learning_rate > 0,
        TrainingConfigError,
        "modelling.learning_rate",
        learning_rate,
        "a number > 0",
    )
    for key in (
        "batch_size",
        "epochs",
        "early_stopping_patience",
        "reduce_lr_patience",
    ):
        _check_positive_int(parameters, f"modelling.{key}", TrainingConfigError)

    _check_optional_int(
        parameters,
        "modelling.steps_per_epoch",
        TrainingConfigError,
        1,
        "all training windows",
    )
    precision = _lookup(parameters, "modelling.precision", TrainingConfigError)
    _check(
        precision in PRECISIONS,
        TrainingConfigError,
        "modelling.precision",
        precision,
        f"one of {list(PRECISIONS)}",
    )
    _check_optional_int(
        parameters,
        "modelling.gradient_accumulation_steps",
        TrainingConfigError,
        2,
        "no accumulation",
    )
    _check_optional_int(
        parameters, "modelling.max_batch_rows", TrainingConfigError, 1, "no limit"
    )
    distribution = _lookup(parameters, "modelling.distribution", TrainingConfigError)
    _check(
        distribution in DISTRIBUTIONS,
        TrainingConfigError,
        "modelling.distribution",
        distribution,
        "null or 'mirrored'",
    )
    _check_positive_int(parameters, "modelling.feed_workers", TrainingConfigError)
    for key in ("intra_op", "inter_op"):
        _check_optional_int(
            parameters,
            f"modelling.threads.{key}",
            TrainingConfigError,
            1,
            "TensorFlow's default",
        )

    factor = _lookup(parameters, "modelling.reduce_lr_factor", TrainingConfigError)
    _check(
        _is_number(factor) and 0 < factor < 1,
        TrainingConfigError,
        "modelling.reduce_lr_factor",
        factor,
        "a number strictly between 0 and 1",
    )


def validate_parameters(parameters: Mapping[str, Any]) -> None:
    """Check every parameter the pipelines read, raising the stage's error type.

    Raises:
        CryptoLSTMError: A stage-specific subclass naming the key, the value
            received and the accepted range.
    """
    _check_known_keys(parameters)
    _check_positive_int(parameters, "window_size", WindowingError)
    seed = _lookup(parameters, "seed", TrainingConfigError)
    _check(
        _is_int(seed) and seed >= 0,
        TrainingConfigError,
        "seed",
        seed,
        "an integer >= 0",
    )

    future_window = _validate_feature_engineering(parameters)
    _validate_data_processing(parameters, future_window)
    _validate_modelling(parameters)
    _check_positive_int(parameters, "reporting.batch_size", TrainingConfigError)
    _check_positive_int(parameters, "reporting.boosting_rows", TrainingConfigError)
    folds = _lookup(parameters, "walk_forward.folds", WalkForwardError)
    _check(
        _is_int(folds) and folds >= 2,
        WalkForwardError,
        "walk_forward.folds",
        folds,
        "an integer >= 2",
    )
    fee_pct = _lookup(parameters, "reporting.trading.fee_pct", TradingError)
    _check(
        _is_number(fee_pct) and 0 <= fee_pct < 50,
        TradingError,
        "reporting.trading.fee_pct",
        fee_pct,
        "a percentage in [0, 50)",
    )
    same_candle = _lookup(parameters, "reporting.trading.same_candle", TradingError)
    _check(
        same_candle in SAME_CANDLE_RULES,
        TradingError,
        "reporting.trading.same_candle",
        same_candle,
        f"one of {SAME_CANDLE_RULES}",
    )


def check_trained_shape(training_history: Mapping[str, Any], parameters) -> None:
    """Check that a trained model's windows and features match this run's.

    Raises:
        WindowingError: If ``window_size`` or the feature list differs from
            the one the model was trained with.
    """
    trained_window = training_history["window_size"]
    trained_features = list(training_history["feature_names"])
    window_size = parameters["window_size"]
    features = list(parameters["feature_engineering"]["features"])
    if (trained_window, trained_features) != (window_size, features):
        raise WindowingError(
            f"Invalid parameters: the latest model was trained on windows of "
            f"{trained_window} rows of {trained_features}, but this run uses "
            f"window_size={window_size} and features {features}. Re-run "
            "modelling with the current parameters, or pass the model's: "
            f"--params=window_size={trained_window}."
        )
