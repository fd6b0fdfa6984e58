"""Training loop settings: callbacks, class weights and resumption."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from pathlib import Path

import keras
import numpy as np
from sklearn.utils.class_weight import compute_class_weight

from crypto_lstm.errors import TrainingConfigError
from crypto_lstm.feed import WindowFeed
from crypto_lstm.labels import CLASS_NAMES

logger = logging.getLogger(__name__)

# Early stopping and learning-rate reduction follow the validation loss.
MONITOR = "val_loss"


def micro_batches(
    batch_size: int, window_size: int, max_batch_rows: int | None
) -> tuple[int, int]:
    """Split a batch into micro-batches of at most ``max_batch_rows`` window rows.

    Backpropagation through time keeps every timestep's activations, so the
    memory of one training step grows with batch_size x window_size. Above
    ``max_batch_rows`` the batch is trained as k micro-batches whose gradients
    the optimizer accumulates, which keeps the effective batch (micro x k,
    rounded up to a multiple of k) and bounds the memory.

    Returns:
        The micro-batch size and k, the number of micro-batches per update.
    """
    rows = batch_size * window_size
    if max_batch_rows is None or rows <= max_batch_rows:
        return batch_size, 1
    steps = math.ceil(rows / max_batch_rows)
    return math.ceil(batch_size / steps), steps


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


def logged_metric_names(model: keras.Model, with_validation: bool) -> set[str]:
    """Return the names that ``fit`` will log for a compiled model.

    The loss, each compiled metric by its name, the learning rate, and with
    validation data the same names prefixed with ``val_``.
    """
    metrics = model.get_compile_config().get("metrics") or []
    names = {"loss"} | {
        metric if isinstance(metric, str) else metric["config"]["name"]
        for metric in metrics
    }
    if with_validation:
        names |= {f"val_{name}" for name in names}
    return names | {"learning_rate"}


class MonitorCheck(keras.callbacks.Callback):
    """Raise at the start of training if a monitored metric will never be logged.

    Keras' EarlyStopping and ReduceLROnPlateau only warn, once per epoch, about
    a monitor that does not exist, and then silently never act.
    """

    def __init__(self, monitors: Sequence[str], with_validation: bool):
        super().__init__()
        self.monitors = list(monitors)
        self.with_validation = with_validation

    def on_train_begin(self, logs=None):
        available = logged_metric_names(self.model, self.with_validation)
        missing = [monitor for monitor in self.monitors if monitor not in available]
        if missing:
            raise TrainingConfigError(
                f"Training failed: the monitored metric(s) {missing} are not logged. "
                f"Use one of {sorted(available)}."
            )


class ThroughputCallback(keras.callbacks.Callback):
    """Record training sequences per second of each epoch.

    The time runs from the start of an epoch to the end of its last training
    batch, so validation is not counted. Each batch contains ``batch_size``
    windows except the feed's last one.
    """

    def __init__(self, feed: WindowFeed, steps_per_epoch: int | None):
        super().__init__()
        steps = (
            len(feed) if steps_per_epoch is None else min(steps_per_epoch, len(feed))
        )
        self.sequences_per_epoch = min(steps * feed.batch_size, len(feed.ends))
        self.sequences_per_second: list[float] = []
        self._epoch_started = 0.0
        self._last_batch_ended = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_started = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self._last_batch_ended = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        seconds = self._last_batch_ended - self._epoch_started
        rate = self.sequences_per_epoch / seconds if seconds > 0 else 0.0
        self.sequences_per_second.append(rate)
        logger.info("Epoch %d: %.0f training sequences per second", epoch + 1, rate)


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
        MonitorCheck([MONITOR], with_validation=True),
        keras.callbacks.BackupAndRestore(str(backup_dir)),
        keras.callbacks.EarlyStopping(
            monitor=MONITOR,
            patience=early_stopping_patience,
            restore_best_weights=True,
        ),
        keras.callbacks.ReduceLROnPlateau(
            monitor=MONITOR, factor=reduce_lr_factor, patience=reduce_lr_patience
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
