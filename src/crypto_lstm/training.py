"""Training loop settings: callbacks, class weights and resumption."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import keras
import numpy as np
from sklearn.utils.class_weight import compute_class_weight

from crypto_lstm.errors import TrainingConfigError
from crypto_lstm.feed import WindowFeed
from crypto_lstm.labels import CLASS_NAMES

logger = logging.getLogger(__name__)


def class_weights(setting, end_labels: np.ndarray) -> dict[int, float] | None:
    """Turn the ``class_weight`` parameter into Keras' ``{class: weight}`` form.

    Args:
        setting: None for no weights, "balanced" for scikit-learn's balanced
            weights on the training window ends, or a mapping from class name
            (SHORT, HOLD, LONG) to weight.
        end_labels: Labels of the training window ends.
    """
    if setting is None:
        return None
    if setting == "balanced":
        classes = np.arange(len(CLASS_NAMES))
        weights = compute_class_weight("balanced", classes=classes, y=end_labels)
        return {
            int(label): float(weight)
            for label, weight in zip(classes, weights, strict=True)
        }
    if isinstance(setting, dict) and set(setting) == set(CLASS_NAMES):
        return {
            CLASS_NAMES.index(name): float(weight) for name, weight in setting.items()
        }
    raise TrainingConfigError(
        "Training failed: modelling.class_weight must be null, 'balanced' or a "
        f"mapping with the keys {list(CLASS_NAMES)}. Received: class_weight={setting!r}."
    )


def fit_model(
    model: keras.Model,
    train_feed: WindowFeed,
    validation_feed: WindowFeed,
    *,
    epochs: int,
    steps_per_epoch: int | None,
    early_stopping_patience: int,
    reduce_lr_patience: int,
    reduce_lr_factor: float,
    class_weight: dict[int, float] | None,
    backup_dir: str | Path,
    extra_callbacks: Sequence[keras.callbacks.Callback] = (),
) -> dict:
    """Train with early stopping, learning-rate reduction and resumption.

    ``BackupAndRestore`` saves the model, the optimizer and the epoch into
    ``backup_dir`` after every finished epoch. A run that was interrupted
    resumes from the last finished epoch, and a finished run deletes the backup.

    Returns:
        The per-epoch history (loss, accuracy, their validation twins and the
        learning rate) as lists of floats.
    """
    # NOTE: a backup left by an interrupted run is restored even if the model
    # parameters changed since; delete backup_dir before training another model.
    # A relative backup_dir is resolved against the working directory.
    callbacks = [
        keras.callbacks.BackupAndRestore(str(backup_dir)),
        keras.callbacks.EarlyStopping(
            monitor="val_loss",
            patience=early_stopping_patience,
            restore_best_weights=True,
        ),
        keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss", factor=reduce_lr_factor, patience=reduce_lr_patience
        ),
        *extra_callbacks,
    ]
    history = model.fit(
        train_feed,
        validation_data=validation_feed,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        class_weight=class_weight,
        callbacks=callbacks,
        verbose=2,
    )
    return {
        name: [float(value) for value in values]
        for name, values in history.history.items()
    }
