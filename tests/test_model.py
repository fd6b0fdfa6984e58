import keras
import numpy as np
import pytest

from crypto_lstm.errors import TrainingConfigError
from crypto_lstm.model import MODEL_NAME, build_dual_window_lstm
from crypto_lstm.training import class_weights


@pytest.fixture(scope="module")
def model():
    keras.utils.set_random_seed(0)
    return build_dual_window_lstm(
        window_size=10,
        n_features=8,
        lstm_units=[6, 5, 4],
        dense_units=[4, 3],
        dropout_rate=0.3,
        learning_rate=0.001,
    )


def test_layers_in_order(model):
    lstm = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    dropout = [
        layer for layer in model.layers if isinstance(layer, keras.layers.Dropout)
    ]

    assert model.name == MODEL_NAME
    assert [layer.units for layer in lstm] == [6, 5, 4]
    assert [layer.return_sequences for layer in lstm] == [True, True, False]
    assert [layer.units for layer in dense] == [4, 3, 3]
    assert [layer.rate for layer in dropout] == [0.3, 0.3]
    assert model.input_shape == (None, 10, 8)


def test_lstm_layers_keep_cudnn_settings(model):
    for layer in model.layers:
        if isinstance(layer, keras.layers.LSTM):
            assert layer.cell.activation is keras.activations.tanh
            assert layer.cell.recurrent_activation is keras.activations.sigmoid
            assert layer.cell.recurrent_dropout == 0
            assert layer.cell.use_bias
            assert not layer.unroll


def test_softmax_output_in_float32(model):
    batch = np.random.default_rng(0).normal(size=(5, 10, 8)).astype(np.float32)

    probabilities = model.predict(batch, verbose=0)

    assert probabilities.shape == (5, 3)
    assert probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert model.layers[-1].dtype_policy.compute_dtype == "float32"


def test_compiled_with_clipped_adam(model):
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert model.optimizer.clipnorm == 1.0
    assert isinstance(model.loss, keras.losses.SparseCategoricalCrossentropy)


def test_balanced_class_weights():
    labels = np.array([0] * 10 + [1] * 70 + [2] * 20)

    weights = class_weights("balanced", labels)

    assert weights == pytest.approx({0: 100 / 30, 1: 100 / 210, 2: 100 / 60})


def test_named_class_weights():
    assert class_weights({"SHORT": 2, "HOLD": 1, "LONG": 3}, np.array([0])) == {
        0: 2.0,
        1: 1.0,
        2: 3.0,
    }
    assert class_weights(None, np.array([0])) is None


def test_unknown_class_weight_rejected():
    with pytest.raises(TrainingConfigError, match="class_weight='equal'"):
        class_weights("equal", np.array([0]))
