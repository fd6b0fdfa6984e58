import keras
import numpy as np
import pytest
from sklearn.metrics import precision_score, recall_score

from crypto_lstm.labels import CLASS_NAMES
from crypto_lstm.metrics import ClassPrecision, ClassRecall, per_class_metrics


@pytest.mark.parametrize("seed", range(5))
def test_per_class_metrics_equal_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, 500)
    probabilities = rng.dirichlet(np.ones(3), 500).astype(np.float32)
    predicted = probabilities.argmax(axis=1)

    for metric in per_class_metrics():
        # Two updates, as over two batches.
        metric.update_state(labels[:200], probabilities[:200])
        metric.update_state(labels[200:], probabilities[200:])
        scorer = precision_score if isinstance(metric, ClassPrecision) else recall_score
        expected = scorer(
            labels, predicted, labels=[metric.class_id], average=None, zero_division=0
        )[0]
        assert float(metric.result()) == pytest.approx(expected, abs=1e-6)


def test_never_predicted_class_has_zero_precision():
    metric = ClassPrecision(2)

    metric.update_state(np.array([2, 2, 0]), np.eye(3, dtype=np.float32)[[0, 1, 0]])

    assert float(metric.result()) == 0.0


def test_names_are_stable():
    names = [metric.name for metric in per_class_metrics()]

    assert names == [
        f"{kind}_{name}" for name in CLASS_NAMES for kind in ("precision", "recall")
    ]


def test_metrics_survive_save_and_load(tmp_path):
    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(inputs))
    model.compile(loss="sparse_categorical_crossentropy", metrics=[ClassRecall(1)])
    model.fit(np.ones((4, 2)), np.array([0, 1, 2, 1]), verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)

    loaded = keras.models.load_model(path)
    logs = loaded.evaluate(
        np.ones((4, 2)), np.array([0, 1, 2, 1]), verbose=0, return_dict=True
    )

    assert "recall_HOLD" in logs
