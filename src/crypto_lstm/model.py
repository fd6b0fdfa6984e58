"""The DualWindowLSTM classifier."""

from __future__ import annotations

from collections.abc import Sequence

import keras

from crypto_lstm.labels import CLASS_NAMES
from crypto_lstm.metrics import per_class_metrics

MODEL_NAME = "DualWindowLSTM"


def build_dual_window_lstm(
    *,
    window_size: int,
    n_features: int,
    lstm_units: Sequence[int],
    dense_units: Sequence[int],
    dropout_rate: float,
    learning_rate: float,
    gradient_accumulation_steps: int | None = None,
) -> keras.Model:
    """Build and compile the progressive LSTM classifier.

    Input (W, F) -> one LSTM per entry of ``lstm_units``, all but the last
    returning sequences -> per entry of ``dense_units`` a ReLU Dense layer and
    Dropout -> Dense(3, softmax) in float32. The LSTM layers keep Keras' default
    activations, no recurrent dropout and no unrolling, which is what lets
    TensorFlow run them with the fused cuDNN kernel on a GPU.

    Compiled with Adam(learning_rate, clipnorm=1.0), sparse categorical
    cross-entropy, accuracy and per-class precision and recall (named like
    ``precision_SHORT``; see ``crypto_lstm.metrics``). With ``gradient_accumulation_steps`` = k the
    optimizer applies the mean gradient of k batches at once, which trains
    like a k times larger batch in the memory of one.

    Layers take Keras' global dtype policy (see ``crypto_lstm.devices``), except
    the softmax output, which stays float32 so that probabilities and the loss
    keep full precision under mixed precision.
    """
    inputs = keras.Input(shape=(window_size, n_features), name="window")
    x = inputs
    for index, units in enumerate(lstm_units):
        x = keras.layers.LSTM(
            units,
            return_sequences=index < len(lstm_units) - 1,
            name=f"lstm_{index}",
        )(x)
    for index, units in enumerate(dense_units):
        x = keras.layers.Dense(units, activation="relu", name=f"dense_{index}")(x)
        x = keras.layers.Dropout(dropout_rate, name=f"dropout_{index}")(x)
    outputs = keras.layers.Dense(
        len(CLASS_NAMES), activation="softmax", dtype="float32", name="signal"
    )(x)

    model = keras.Model(inputs, outputs, name=MODEL_NAME)
    model.compile(
        optimizer=keras.optimizers.Adam(
            learning_rate=learning_rate,
            clipnorm=1.0,
            gradient_accumulation_steps=gradient_accumulation_steps,
        ),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=["accuracy", *per_class_metrics()],
    )
    return model
