import json
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from crypto_lstm.devices import distribution_scope, resolve_precision, set_precision
from crypto_lstm.errors import TrainingConfigError
from crypto_lstm.model import build_dual_window_lstm


@pytest.fixture
def float32_afterwards():
    yield
    keras.mixed_precision.set_global_policy("float32")


def _tiny(**kwargs):
    return build_dual_window_lstm(
        window_size=6,
        n_features=3,
        lstm_units=[4, 2],
        dense_units=[2],
        dropout_rate=0.0,
        learning_rate=0.01,
        **kwargs,
    )


def test_mixed_means_bfloat16_on_cpu():
    assert resolve_precision("mixed") == "mixed_bfloat16"
    assert resolve_precision("mixed_float16") == "mixed_float16"
    assert resolve_precision("float32") == "float32"


def test_unknown_precision_rejected():
    with pytest.raises(TrainingConfigError, match="precision='half'"):
        resolve_precision("half")


@pytest.mark.parametrize(
    ("setting", "compute"),
    [("mixed_bfloat16", "bfloat16"), ("mixed_float16", "float16")],
)
def test_mixed_precision_keeps_softmax_float32(float32_afterwards, setting, compute):
    set_precision(setting)
    model = _tiny()

    lstm = model.get_layer("lstm_0")
    assert lstm.dtype_policy.compute_dtype == compute
    assert lstm.dtype_policy.variable_dtype == "float32"
    assert model.get_layer("signal").dtype_policy.compute_dtype == "float32"
    probabilities = model.predict(np.ones((2, 6, 3), np.float32), verbose=0)
    assert probabilities.dtype == np.float32


def test_mixed_bfloat16_trains(float32_afterwards):
    set_precision("mixed_bfloat16")
    model = _tiny()
    rng = np.random.default_rng(0)

    history = model.fit(
        rng.normal(size=(64, 6, 3)).astype(np.float32),
        rng.integers(0, 3, 64),
        batch_size=16,
        epochs=1,
        verbose=0,
    )

    assert np.isfinite(history.history["loss"][0])


def test_gradient_accumulation_applies_every_k_batches():
    keras.utils.set_random_seed(0)
    model = _tiny(gradient_accumulation_steps=2)
    rng = np.random.default_rng(0)

    model.fit(
        rng.normal(size=(64, 6, 3)).astype(np.float32),
        rng.integers(0, 3, 64),
        batch_size=16,
        epochs=1,
        verbose=0,
    )

    assert model.optimizer.gradient_accumulation_steps == 2
    # 4 batches with accumulation over 2: the weights were updated twice.
    assert int(model.optimizer.iterations.numpy()) == 2


def test_unknown_distribution_rejected():
    with pytest.raises(TrainingConfigError, match="distribution='tpu'"):
        distribution_scope("tpu")


MIRRORED_SCRIPT = textwrap.dedent(
    """
    import json
    import numpy as np
    import tensorflow as tf

    # Two logical CPU devices stand in for two GPUs; this must happen before
    # TensorFlow starts its runtime, hence a separate process.
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2
    )
    import keras
    from crypto_lstm.devices import distribution_scope
    from crypto_lstm.feed import WindowFeed
    from crypto_lstm.model import build_dual_window_lstm

    with distribution_scope("mirrored"):
        strategy = tf.distribute.get_strategy()
        model = build_dual_window_lstm(
            window_size=6, n_features=3, lstm_units=[4], dense_units=[2],
            dropout_rate=0.0, learning_rate=0.01,
        )
    rng = np.random.default_rng(0)
    feed = WindowFeed(
        rng.normal(size=(100, 3)).astype(np.float32), rng.integers(0, 3, 100),
        np.arange(5, 100), window_size=6, batch_size=16, drop_remainder=True,
        shuffle=True, seed=0,
    )
    history = model.fit(feed, epochs=1, verbose=0)
    print(json.dumps({
        "replicas": strategy.num_replicas_in_sync,
        "devices": [d.split("/")[-1] for d in strategy.extended.worker_devices],
        "loss": history.history["loss"][0],
    }))
    """
)


def test_mirrored_strategy_trains_on_two_cpu_devices():
    result = subprocess.run(
        [sys.executable, "-c", MIRRORED_SCRIPT],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["replicas"] == 2
    assert len(report["devices"]) == 2
    assert np.isfinite(report["loss"])
