import keras
import numpy as np
import pytest

from crypto_lstm.errors import TrainingConfigError
from crypto_lstm.feed import WindowFeed
from crypto_lstm.model import build_dual_window_lstm
from crypto_lstm.training import (
    MonitorCheck,
    fit_model,
    logged_metric_names,
    micro_batches,
)

WINDOW = 5


class InterruptAtEpoch(keras.callbacks.Callback):
    def __init__(self, epoch: int):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError("interrupted")


def _feeds():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(200, 3)).astype(np.float32)
    labels = rng.integers(0, 3, 200)
    ends = np.arange(WINDOW - 1, 200)
    train = WindowFeed(
        features,
        labels,
        ends[:150],
        window_size=WINDOW,
        batch_size=32,
        shuffle=True,
        seed=0,
    )
    validation = WindowFeed(
        features, labels, ends[150:], window_size=WINDOW, batch_size=32
    )
    return train, validation


def _model():
    keras.utils.set_random_seed(0)
    return build_dual_window_lstm(
        window_size=WINDOW,
        n_features=3,
        lstm_units=[2],
        dense_units=[],
        dropout_rate=0.0,
        learning_rate=0.01,
    )


def _fit(model, backup_dir, epochs, callbacks=()):
    train, validation = _feeds()
    return fit_model(
        model,
        train,
        validation,
        epochs=epochs,
        steps_per_epoch=None,
        early_stopping_patience=10,
        reduce_lr_patience=10,
        reduce_lr_factor=0.5,
        class_weight=None,
        backup_dir=backup_dir,
        extra_callbacks=callbacks,
    )


def test_history_has_one_entry_per_epoch(tmp_path):
    history = _fit(_model(), tmp_path / "backup", epochs=3)

    assert len(history["loss"]) == 3
    assert len(history["val_loss"]) == 3
    assert set(history) >= {
        "loss",
        "accuracy",
        "val_loss",
        "val_accuracy",
        "learning_rate",
    }
    assert not (tmp_path / "backup").exists()


def test_interrupted_run_resumes_after_last_finished_epoch(tmp_path):
    backup = tmp_path / "backup"
    with pytest.raises(RuntimeError, match="interrupted"):
        _fit(_model(), backup, epochs=4, callbacks=[InterruptAtEpoch(2)])
    assert backup.exists()

    history = _fit(_model(), backup, epochs=4)

    # Epochs 0 and 1 finished before the interruption; only 2 and 3 run again.
    assert len(history["loss"]) == 2
    assert not backup.exists()


def test_micro_batches_within_row_limit():
    assert micro_batches(256, 120, 30720) == (256, 1)
    assert micro_batches(256, 120, None) == (256, 1)


def test_micro_batches_split_long_windows():
    # 256 windows of 480 rows are 4x the limit: 4 micro-batches of 64.
    assert micro_batches(256, 480, 30720) == (64, 4)
    # 100 windows of 50 rows, limit 1,500: 4 micro-batches of 25.
    assert micro_batches(100, 50, 1500) == (25, 4)
    # Uneven: 3 micro-batches of 34, an effective batch of 102.
    assert micro_batches(100, 30, 1000) == (34, 3)


def test_unknown_monitor_raises_before_training():
    model = _model()
    train, validation = _feeds()

    with pytest.raises(TrainingConfigError, match=r"\['val_f1'\] are not logged"):
        model.fit(
            train,
            validation_data=validation,
            epochs=1,
            verbose=0,
            callbacks=[MonitorCheck(["val_f1"], with_validation=True)],
        )

    # No batch ran: the optimizer never stepped.
    assert int(model.optimizer.iterations.numpy()) == 0


def test_logged_names_include_per_class_metrics():
    names = logged_metric_names(_model(), with_validation=True)

    assert {
        "loss",
        "val_loss",
        "accuracy",
        "val_precision_SHORT",
        "recall_LONG",
    } <= names
