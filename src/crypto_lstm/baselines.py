"""Baseline classifiers scored on the same validation windows as the model.

- majority: always the most frequent class of the training windows before
  undersampling;
- logistic_regression: scikit-learn's LogisticRegression on the last row of
  each window (the current candle's features);
- gradient_boosting: scikit-learn's HistGradientBoostingClassifier on the last
  ``last_rows`` rows of each window, flattened.

The two fitted baselines train on the same (undersampled) training window ends
as the model.
"""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from crypto_lstm.windows import gather_windows

BASELINES = ("majority", "logistic_regression", "gradient_boosting")


def last_rows(features: np.ndarray, ends: np.ndarray, rows: int) -> np.ndarray:
    """Return the last ``rows`` rows of each window, flattened to one vector."""
    return gather_windows(features, ends, rows).reshape(len(ends), -1)


def predict_baselines(
    train_features: np.ndarray,
    train_labels: np.ndarray,
    train_ends: np.ndarray,
    validation_features: np.ndarray,
    validation_ends: np.ndarray,
    *,
    majority_class: int,
    boosting_rows: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """Fit the baselines on the training ends and predict every validation end.

    Returns:
        Predicted classes per baseline name, aligned with ``validation_ends``.
    """
    targets = train_labels[train_ends]

    logistic = LogisticRegression(max_iter=1000)
    logistic.fit(last_rows(train_features, train_ends, 1), targets)

    boosting = HistGradientBoostingClassifier(random_state=seed)
    boosting.fit(last_rows(train_features, train_ends, boosting_rows), targets)

    return {
        "majority": np.full(len(validation_ends), majority_class, dtype=np.int64),
        "logistic_regression": logistic.predict(
            last_rows(validation_features, validation_ends, 1)
        ),
        "gradient_boosting": boosting.predict(
            last_rows(validation_features, validation_ends, boosting_rows)
        ),
    }
