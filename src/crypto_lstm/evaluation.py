"""Classification metrics of predicted signals, from scikit-learn."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from crypto_lstm.labels import CLASS_NAMES

CLASSES = list(range(len(CLASS_NAMES)))


def classification_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """Return accuracy, macro F1, per-class figures and the confusion matrix.

    A class that is never predicted gets precision 0 (scikit-learn's
    ``zero_division=0``) instead of a warning.

    Returns:
        ``accuracy``, ``macro_f1``, ``per_class`` (precision, recall, f1 and
        support per class name) and ``confusion_matrix`` (rows: true class,
        columns: predicted class, in the order SHORT, HOLD, LONG).
    """
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=CLASSES, zero_division=0
    )
    per_class = {
        name: {
            "precision": float(precision[k]),
            "recall": float(recall[k]),
            "f1": float(f1[k]),
            "support": int(support[k]),
        }
        for k, name in enumerate(CLASS_NAMES)
    }
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(
            f1_score(y_true, y_pred, labels=CLASSES, average="macro", zero_division=0)
        ),
        "per_class": per_class,
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=CLASSES).tolist(),
    }
