"""Nodes of the modelling pipeline."""

from __future__ import annotations

import logging

import keras
import numpy as np
import pandas as pd

from crypto_lstm.devices import configure_threads, distribution_scope, set_precision
from crypto_lstm.errors import WindowingError
from crypto_lstm.feed import WindowFeed
from crypto_lstm.model import build_dual_window_lstm
from crypto_lstm.training import (
    ThroughputCallback,
    class_weights,
    fit_model,
    micro_batches,
)
from crypto_lstm.windows import check_window_ends, window_end_mask

logger = logging.getLogger(__name__)


def index_windows(
    train_rows: pd.DataFrame,
    validation_rows: pd.DataFrame,
    train_window_ends: pd.DataFrame,
    window_size: int,
) -> dict[str, np.ndarray]:
    """Check the training window ends and list every validation window end.

    Args:
        train_rows: Scaled training rows.
        validation_rows: Scaled validation rows.
        train_window_ends: The undersampled training ends (column ``end``).
        window_size: W.

    Returns:
        ``{"train": ends, "validation": ends}``; validation keeps every window.

    Raises:
        WindowingError: If a training end has no full window, or the
            validation part has no window at all.
    """
    train_ends = train_window_ends["end"].to_numpy(dtype=np.int64)
    check_window_ends(
        train_ends, window_end_mask(train_rows["timestamp"], window_size), "training"
    )

    validation_ends = np.flatnonzero(
        window_end_mask(validation_rows["timestamp"], window_size)
    )
    if len(validation_ends) == 0:
        raise WindowingError(
            f"Windowing failed: the validation part's {len(validation_rows)} rows "
            f"hold no run of window_size={window_size} consecutive candles. Add "
            "candle files or lower window_size."
        )
    logger.info(
        "Windows: %d training ends (undersampled), %d validation ends (all)",
        len(train_ends),
        len(validation_ends),
    )
    return {"train": train_ends, "validation": validation_ends}


def build_model(scaler, window_size: int, parameters: dict, seed: int) -> keras.Model:
    """Build the compiled DualWindowLSTM for the scaler's features.

    Thread pools, the dtype policy and the distribution strategy are set from
    the ``modelling`` parameters before the first layer is built.

    Args:
        scaler: The fitted scaler; its ``feature_names_in_`` fix F.
        window_size: W.
        parameters: The ``modelling`` parameters.
        seed: Seed of Python, NumPy and the backend, set before the weights
            are initialised.
    """
    threads = parameters.get("threads") or {}
    configure_threads(threads.get("intra_op"), threads.get("inter_op"))
    policy = set_precision(parameters["precision"])
    keras.utils.set_random_seed(seed)

    with distribution_scope(parameters["distribution"]):
        model = build_dual_window_lstm(
            window_size=window_size,
            n_features=len(scaler.feature_names_in_),
            lstm_units=parameters["lstm_units"],
            dense_units=parameters["dense_units"],
            dropout_rate=parameters["dropout_rate"],
            learning_rate=parameters["learning_rate"],
            gradient_accumulation_steps=_accumulation_steps(window_size, parameters),
        )
    logger.info(
        "Built %s with %d parameters, dtype policy %s",
        model.name,
        model.count_params(),
        policy,
    )
    return model


def _accumulation_steps(window_size: int, parameters: dict) -> int | None:
    """Combine the configured gradient accumulation with memory micro-batching."""
    _, micro_steps = micro_batches(
        parameters["batch_size"], window_size, parameters["max_batch_rows"]
    )
    steps = micro_steps * (parameters["gradient_accumulation_steps"] or 1)
    return steps if steps > 1 else None


def _feed(rows: pd.DataFrame, ends, feature_names, window_size, batch_size, **kwargs):
    return WindowFeed(
        rows.loc[:, feature_names].to_numpy(dtype=np.float32),
        rows["label"].to_numpy(dtype=np.int64),
        ends,
        window_size=window_size,
        batch_size=batch_size,
        **kwargs,
    )


def train_model(
    model: keras.Model,
    train_rows: pd.DataFrame,
    validation_rows: pd.DataFrame,
    window_index: dict[str, np.ndarray],
    scaler,
    window_size: int,
    parameters: dict,
    seed: int,
) -> tuple[keras.Model, dict]:
    """Train the model on the training windows, validating on all validation windows.

    Returns:
        The trained model (best validation-loss weights) and a history record
        with the feature names, the window size, the per-epoch metrics, the
        training sequences per second of each epoch and the feed's own
        sequences per second (batch gathering alone).
    """
    feature_names = list(scaler.feature_names_in_)
    batch_size, micro_steps = micro_batches(
        parameters["batch_size"], window_size, parameters["max_batch_rows"]
    )
    if micro_steps > 1:
        logger.info(
            "Training in micro-batches of %d windows, %d per update, to keep "
            "batch_size x window_size within max_batch_rows=%d",
            batch_size,
            micro_steps,
            parameters["max_batch_rows"],
        )
    steps_per_epoch = parameters["steps_per_epoch"]
    if steps_per_epoch is not None:
        steps_per_epoch *= micro_steps
    # NOTE: under MirroredStrategy a last batch that does not split evenly
    # across the replicas once failed with an AddN shape error (two logical
    # CPU devices, TensorFlow 2.21), so a distributed fit gets full batches
    # only. The reporting pipeline still predicts every validation window.
    full_batches = parameters["distribution"] is not None
    train_feed = _feed(
        train_rows,
        window_index["train"],
        feature_names,
        window_size,
        batch_size,
        drop_remainder=full_batches,
        shuffle=True,
        seed=seed,
        workers=parameters["feed_workers"],
    )
    validation_feed = _feed(
        validation_rows,
        window_index["validation"],
        feature_names,
        window_size,
        batch_size,
        drop_remainder=full_batches,
        workers=parameters["feed_workers"],
    )
    train_labels = train_rows["label"].to_numpy()[window_index["train"]]
    throughput = ThroughputCallback(train_feed, steps_per_epoch)

    history = fit_model(
        model,
        train_feed,
        validation_feed,
        epochs=parameters["epochs"],
        steps_per_epoch=steps_per_epoch,
        early_stopping_patience=parameters["early_stopping_patience"],
        reduce_lr_patience=parameters["reduce_lr_patience"],
        reduce_lr_factor=parameters["reduce_lr_factor"],
        class_weight=class_weights(parameters["class_weight"], train_labels),
        backup_dir=parameters["backup_dir"],
        extra_callbacks=[throughput],
    )
    epochs_run = len(history.get("loss", []))
    logger.info("Training ran for %d epoch(s)", epochs_run)
    record = {
        "feature_names": feature_names,
        "window_size": window_size,
        "epochs_run": epochs_run,
        "history": history,
        "sequences_per_second": throughput.sequences_per_second,
        "feed_sequences_per_second": train_feed.sequences_per_second,
    }
    return model, record
