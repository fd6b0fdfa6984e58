"""Device-dependent settings: precision policy, distribution and CPU threads."""

from __future__ import annotations

import contextlib
import logging

import keras
import tensorflow as tf

from crypto_lstm.errors import TrainingConfigError
from crypto_lstm.parameters import DISTRIBUTIONS, PRECISIONS

logger = logging.getLogger(__name__)


def has_gpu() -> bool:
    """Return True if TensorFlow lists at least one GPU device."""
    return bool(tf.config.list_physical_devices("GPU"))


def resolve_precision(setting: str) -> str:
    """Return the Keras dtype policy for the ``modelling.precision`` parameter.

    ``mixed`` picks ``mixed_float16`` when a GPU is visible (tensor cores) and
    ``mixed_bfloat16`` otherwise (CPUs with AVX512-BF16 or AMX).
    """
    if setting not in PRECISIONS:
        raise TrainingConfigError(
            f"Training failed: modelling.precision must be one of {list(PRECISIONS)}. "
            f"Received: precision={setting!r}."
        )
    if setting == "mixed":
        return "mixed_float16" if has_gpu() else "mixed_bfloat16"
    return setting


def set_precision(setting: str) -> str:
    """Set Keras' global dtype policy for the layers built next; return its name."""
    policy = resolve_precision(setting)
    keras.mixed_precision.set_global_policy(policy)
    return policy


def distribution_scope(setting: str | None):
    """Return the context in which to build the model for ``modelling.distribution``.

    ``mirrored`` builds under ``tf.distribute.MirroredStrategy``, which copies
    the model to every visible GPU (or to the logical CPU devices) and splits
    each batch between them. None builds on the default device.
    """
    if setting not in DISTRIBUTIONS:
        raise TrainingConfigError(
            "Training failed: modelling.distribution must be null or 'mirrored'. "
            f"Received: distribution={setting!r}."
        )
    if setting is None:
        return contextlib.nullcontext()
    strategy = tf.distribute.MirroredStrategy()
    logger.info(
        "Training under MirroredStrategy on %d replicas", strategy.num_replicas_in_sync
    )
    return strategy.scope()


def configure_threads(intra_op: int | None, inter_op: int | None) -> None:
    """Set TensorFlow's thread pools; None keeps TensorFlow's default.

    TensorFlow accepts this only before its runtime starts. Later calls in the
    same process (a second run in one Python session) keep the earlier setting
    and log a warning.
    """
    try:
        if intra_op is not None:
            tf.config.threading.set_intra_op_parallelism_threads(intra_op)
        if inter_op is not None:
            tf.config.threading.set_inter_op_parallelism_threads(inter_op)
    except RuntimeError as error:
        logger.warning("TensorFlow thread settings unchanged: %s", error)
