"""Training sequences per second: the project's default configuration against
a plain Keras fit of the same architecture, on a fixed synthetic task.

The plain fit uses TensorFlow's default threads, float32, batch 256, the
learning rate 0.001 and materialised window arrays. The project's run builds
the model with the modelling node and the parameters of conf/base, and trains
through WindowFeed. Each configuration runs in its own process, because
TensorFlow's thread pools can be set only before its runtime starts. Both
train the same number of epochs, so the validation loss shows whether the
faster configuration learns as well.

    python benchmarks/training.py                 # both, JSON lines
    python benchmarks/training.py --config JSON   # one configuration
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
from kedro.config import OmegaConfigLoader

from _batch_timer import BatchTimer, plain_model
from _common import REPOSITORY, emit
from crypto_lstm.feed import WindowFeed
from crypto_lstm.pipelines.modelling.nodes import build_model
from crypto_lstm.windows import gather_windows

ROWS, FEATURES, WINDOW = 40_000, 8, 120
TRAIN_WINDOWS, VALIDATION_WINDOWS = 8192, 4096
EPOCHS = 4
LABEL_NOISE = 0.2
PROCESSES = 2
PLAIN = {"name": "plain", "batch_size": 256, "learning_rate": 0.001}


def synthetic_task():
    """Return features, labels and train / validation ends of a learnable task.

    The label of a window is LONG, SHORT or HOLD by the mean of feature 0 over
    its last 30 rows: above 0.15, below -0.15, or in between. A fifth of the
    labels is then replaced at random, so the validation loss levels off at a
    floor and two configurations can be compared within a few percent.
    """
    rng = np.random.default_rng(123)
    features = rng.normal(size=(ROWS, FEATURES)).astype(np.float32)
    recent_mean = np.convolve(features[:, 0], np.ones(30) / 30, mode="full")[:ROWS]
    labels = np.where(recent_mean > 0.15, 2, np.where(recent_mean < -0.15, 0, 1))
    noisy = rng.random(ROWS) < LABEL_NOISE
    labels[noisy] = rng.integers(0, 3, int(noisy.sum()))
    ends = rng.permutation(np.arange(WINDOW - 1, ROWS))
    train_ends = np.sort(ends[:TRAIN_WINDOWS])
    validation_ends = np.sort(ends[TRAIN_WINDOWS : TRAIN_WINDOWS + VALIDATION_WINDOWS])
    return features, labels, train_ends, validation_ends


def modelling_defaults() -> dict:
    loader = OmegaConfigLoader(
        conf_source=str(REPOSITORY / "conf"), base_env="base", default_run_env="base"
    )
    return loader["parameters"]["modelling"]


def run_config(config: dict) -> dict:
    """Train one configuration; return its sequences per second and validation loss."""
    features, labels, train_ends, validation_ends = synthetic_task()

    if config["name"] == "plain":
        model = plain_model(WINDOW, FEATURES, learning_rate=config["learning_rate"])
        x_train = gather_windows(features, train_ends, WINDOW)
        x_validation = gather_windows(features, validation_ends, WINDOW)
        timer = BatchTimer(skip_epochs=1)
        batch_size = config["batch_size"]
        history = model.fit(
            x_train,
            labels[train_ends],
            batch_size=config["batch_size"],
            epochs=EPOCHS,
            validation_data=(x_validation, labels[validation_ends]),
            callbacks=[timer],
            verbose=0,
        )
    else:
        parameters = {**modelling_defaults(), **config.get("overrides", {})}
        scaler = SimpleNamespace(feature_names_in_=[f"f{i}" for i in range(FEATURES)])
        model = build_model(scaler, WINDOW, parameters, seed=0)
        batch_size = parameters["batch_size"]
        train_feed = WindowFeed(
            features,
            labels,
            train_ends,
            window_size=WINDOW,
            batch_size=batch_size,
            shuffle=True,
            seed=0,
            workers=parameters["feed_workers"],
        )
        validation_feed = WindowFeed(
            features, labels, validation_ends, window_size=WINDOW, batch_size=batch_size
        )
        timer = BatchTimer(skip_epochs=1)
        history = model.fit(
            train_feed,
            validation_data=validation_feed,
            epochs=EPOCHS,
            callbacks=[timer],
            verbose=0,
        )

    return {
        "name": config["name"],
        "sequences_per_second": batch_size / statistics.median(timer.intervals),
        "batch_size": batch_size,
        "val_loss": history.history["val_loss"][-1],
    }


def measure(config: dict) -> list[dict]:
    results = []
    for _ in range(PROCESSES):
        completed = subprocess.run(
            [sys.executable, __file__, "--config", json.dumps(config)],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(completed.stdout.strip().splitlines()[-1]))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--config", help="run one configuration (JSON) and print its result"
    )
    arguments = parser.parse_args()
    if arguments.config:
        print(json.dumps(run_config(json.loads(arguments.config))), flush=True)
        return

    # gpu.sh sets BENCH_PRECISION=mixed, so that a GPU trains in mixed_float16.
    overrides = {}
    if os.environ.get("BENCH_PRECISION"):
        overrides["precision"] = os.environ["BENCH_PRECISION"]
    plain = measure(PLAIN)
    project = measure({"name": "project", "overrides": overrides})
    plain_speed = statistics.median(result["sequences_per_second"] for result in plain)
    project_speed = statistics.median(
        result["sequences_per_second"] for result in project
    )
    plain_loss = statistics.median(result["val_loss"] for result in plain)
    project_loss = statistics.median(result["val_loss"] for result in project)
    emit(
        "training",
        project_speed,
        "sequences/s",
        "plain keras fit, float32, batch 256, default threads",
        plain_speed,
        val_loss=round(project_loss, 4),
        baseline_val_loss=round(plain_loss, 4),
        val_loss_change=round(project_loss / plain_loss - 1, 4),
        processes=PROCESSES,
        epochs=EPOCHS,
    )


if __name__ == "__main__":
    main()
