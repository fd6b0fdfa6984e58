import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from crypto_lstm.errors import ScalingError
from crypto_lstm.scaling import describe_scaling, fit_scaler, scale_rows
from crypto_lstm.split import chronological_split

NAMES = ["a", "b"]


def _part(seed: int, n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "timestamp": pd.date_range("2024-01-01", periods=n, freq="1min", tz="UTC"),
            "a": rng.normal(5, 2, n),
            "b": rng.exponential(3, n),
            "label": rng.integers(0, 3, n),
        }
    )


def test_robust_scaler_statistics_are_training_only():
    train = _part(0)

    scaler = fit_scaler(train, NAMES, "robust")

    np.testing.assert_array_equal(scaler.center_, np.median(train[NAMES], axis=0))
    q25, q75 = np.percentile(train[NAMES], [25, 75], axis=0)
    np.testing.assert_allclose(scaler.scale_, q75 - q25)
    assert list(scaler.feature_names_in_) == NAMES


@pytest.mark.parametrize(
    ("kind", "cls"), [("standard", StandardScaler), ("minmax", MinMaxScaler)]
)
def test_other_scalers(kind, cls):
    scaler = fit_scaler(_part(0), NAMES, kind)

    assert isinstance(scaler, cls)


def test_scaling_uses_columns_by_name():
    train = _part(0)
    scaler = fit_scaler(train, NAMES, "robust")

    reordered = train[["label", "b", "a"]]
    scaled = scale_rows(reordered, scaler)

    expected = (train["a"] - scaler.center_[0]) / scaler.scale_[0]
    np.testing.assert_allclose(scaled["a"], expected.astype("float32"), rtol=1e-6)
    assert scaled["a"].dtype == np.float32
    assert scaled["label"].tolist() == train["label"].tolist()


def test_zero_iqr_column_named():
    train = _part(0)
    train["b"] = 1.0
    train.loc[:5, "b"] = 2.0  # variance > 0, interquartile range 0

    with pytest.raises(ScalingError, match=r"\['b'\] have zero interquartile range"):
        fit_scaler(train, NAMES, "robust")


def test_zero_variance_column_named():
    train = _part(0)
    train["a"] = 3.0

    with pytest.raises(ScalingError, match=r"\['a'\] have zero variance"):
        fit_scaler(train, NAMES, "standard")


def test_unknown_scaler_rejected():
    with pytest.raises(ScalingError, match="unknown scaler 'quantile'"):
        fit_scaler(_part(0), NAMES, "quantile")


def test_describe_scaling_reports_both_parts():
    train, validation = _part(0), _part(1)
    scaler = fit_scaler(train, NAMES, "robust")

    stats = describe_scaling(
        train,
        validation,
        scale_rows(train, scaler),
        scale_rows(validation, scaler),
        NAMES,
    )

    assert set(stats) == set(NAMES)
    assert stats["a"]["train_scaled"]["median"] == pytest.approx(0.0, abs=1e-6)
    assert stats["a"]["validation_raw"]["max"] == validation["a"].max()


@settings(max_examples=60)
@given(
    seed=st.integers(0, 10_000),
    kind=st.sampled_from(["robust", "standard", "minmax"]),
    row=st.integers(200, 299),
    column=st.sampled_from(NAMES),
    value=st.floats(-1e6, 1e6),
)
def test_validation_values_never_change_scaler(seed, kind, row, column, value):
    # 300 rows, 60 % for training and an embargo of 20: validation is 200..299.
    features = _part(seed, n=300)
    changed = features.copy()
    changed.loc[row, column] = value

    train, _ = chronological_split(features, train_ratio=0.6, embargo=20)
    changed_train, changed_validation = chronological_split(
        changed, train_ratio=0.6, embargo=20
    )
    scaler = fit_scaler(train, NAMES, kind)
    again = fit_scaler(changed_train, NAMES, kind)

    assert changed_validation[column].iloc[row - 200] == value
    for attribute in ("center_", "scale_", "mean_", "data_min_", "data_max_"):
        if hasattr(scaler, attribute):
            np.testing.assert_array_equal(
                getattr(scaler, attribute), getattr(again, attribute)
            )


@settings(max_examples=60)
@given(
    seed=st.integers(0, 10_000),
    column=st.sampled_from(NAMES),
    kind=st.sampled_from(["robust", "standard", "minmax"]),
)
def test_flat_training_column_named(seed, column, kind):
    train = _part(seed)
    train[column] = 7.5

    with pytest.raises(ScalingError, match=rf"\['{column}'\] have zero"):
        fit_scaler(train, NAMES, kind)
