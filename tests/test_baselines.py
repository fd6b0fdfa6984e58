import numpy as np

from crypto_lstm.baselines import last_rows, predict_baselines
from crypto_lstm.labels import HOLD, LONG, SHORT


def test_last_rows_flattens_window_tail():
    features = np.arange(20, dtype=np.float32).reshape(10, 2)

    flat = last_rows(features, np.array([4, 9]), 2)

    np.testing.assert_array_equal(flat, [[6, 7, 8, 9], [16, 17, 18, 19]])


def test_baselines_learn_a_separable_rule():
    # The label is decided by the sign of feature 0 on the window's last row.
    rng = np.random.default_rng(0)
    features = rng.normal(size=(3000, 3)).astype(np.float32)
    labels = np.where(
        features[:, 0] > 0.5, LONG, np.where(features[:, 0] < -0.5, SHORT, HOLD)
    )
    train_ends = np.arange(10, 2000)
    validation_ends = np.arange(2000, 3000)

    predictions = predict_baselines(
        features,
        labels,
        train_ends,
        features,
        validation_ends,
        majority_class=HOLD,
        boosting_rows=3,
        seed=0,
    )

    truth = labels[validation_ends]
    assert (predictions["majority"] == HOLD).all()
    assert (predictions["logistic_regression"] == truth).mean() > 0.9
    assert (predictions["gradient_boosting"] == truth).mean() > 0.9
    assert all(len(values) == len(validation_ends) for values in predictions.values())
