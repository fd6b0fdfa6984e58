"""Per-class precision and recall for integer labels, as Keras metrics.

Keras' built-in ``Precision`` and ``Recall`` expect one-hot or binary targets;
with integer labels and softmax outputs they give wrong numbers or fail. These
metrics take the argmax of the prediction, like the reports do, and count
exactly what scikit-learn's ``precision_score`` / ``recall_score`` count with
``zero_division=0``. Sample weights (class weights in training) are ignored,
so the figures stay comparable with scikit-learn on the same predictions.
"""

from __future__ import annotations

import keras
from keras import ops

from crypto_lstm.labels import CLASS_NAMES


class _ClassRate(keras.metrics.Metric):
    """True positives of one class over its predicted or its actual count."""

    kind = ""

    def __init__(self, class_id: int, name: str | None = None, **kwargs):
        super().__init__(name=name or f"{self.kind}_{CLASS_NAMES[class_id]}", **kwargs)
        self.class_id = class_id
        self.true_positives = self.add_variable(
            shape=(), initializer="zeros", name="true_positives"
        )
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")

    def update_state(self, y_true, y_pred, sample_weight=None):
        labels = ops.reshape(ops.cast(y_true, "int32"), (-1,))
        predicted = ops.cast(ops.argmax(y_pred, axis=-1), "int32")
        is_predicted = ops.cast(ops.equal(predicted, self.class_id), "float32")
        is_actual = ops.cast(ops.equal(labels, self.class_id), "float32")
        counted = is_predicted if self.kind == "precision" else is_actual
        self.true_positives.assign_add(ops.sum(is_predicted * is_actual))
        self.total.assign_add(ops.sum(counted))

    def result(self):
        return ops.divide_no_nan(self.true_positives, self.total)

    def reset_state(self):
        self.true_positives.assign(0.0)
        self.total.assign(0.0)

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id}


@keras.saving.register_keras_serializable(package="crypto_lstm")
class ClassPrecision(_ClassRate):
    """Precision of one class: correct predictions of it over all predictions of it."""

    kind = "precision"


@keras.saving.register_keras_serializable(package="crypto_lstm")
class ClassRecall(_ClassRate):
    """Recall of one class: correct predictions of it over all windows of it."""

    kind = "recall"


def per_class_metrics() -> list[keras.metrics.Metric]:
    """Return precision and recall for every class, named like precision_SHORT."""
    return [
        metric(class_id)
        for class_id in range(len(CLASS_NAMES))
        for metric in (ClassPrecision, ClassRecall)
    ]
