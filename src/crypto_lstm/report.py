"""The run's HTML report: one self-contained page a person opens in a browser.

The page is rendered with a Jinja2 template (templates/report.html.j2) with
autoescaping on, and the figures are embedded as base64 PNG data, so the file
can be moved or mailed without the folders of the versioned plots.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Mapping

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape
from matplotlib.figure import Figure

from crypto_lstm.labels import CLASS_NAMES

_ENVIRONMENT = Environment(
    loader=PackageLoader("crypto_lstm", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def figure_data_uri(figure: Figure, dpi: int = 100) -> str:
    """Encode a figure as a PNG ``data:`` URI for an ``<img>`` tag."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def flatten(record: Mapping, prefix: str = "") -> dict[str, object]:
    """Flatten nested dicts to dotted keys; lists are shown as their length."""
    flat: dict[str, object] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[f"{name} (entries)"] = len(value)
        else:
            flat[name] = value
    return flat


def _classification_rows(validation_metrics: dict) -> list[dict]:
    rows = []
    scored = {"model": validation_metrics["model"], **validation_metrics["baselines"]}
    for name, metrics in scored.items():
        per_class = metrics["per_class"]
        rows.append(
            {
                "name": name,
                "accuracy": metrics["accuracy"],
                "macro_f1": metrics["macro_f1"],
                "precision": [per_class[c]["precision"] for c in CLASS_NAMES],
                "recall": [per_class[c]["recall"] for c in CLASS_NAMES],
                "model_beats": validation_metrics["model_beats_macro_f1"].get(name),
            }
        )
    return rows


def _training_summary(training_history: dict) -> dict:
    history = training_history["history"]
    summary = {
        "epochs_run": training_history["epochs_run"],
        "window_size": training_history["window_size"],
        "features": ", ".join(training_history["feature_names"]),
    }
    if history.get("val_loss"):
        best = int(np.argmin(history["val_loss"]))
        summary["best_epoch (lowest val_loss)"] = best + 1
        for key in ("val_loss", "val_accuracy", "loss", "accuracy"):
            if key in history:
                summary[f"{key} at best epoch"] = history[key][best]
    speeds = training_history.get("sequences_per_second") or []
    if speeds:
        summary["training sequences per second (mean of epochs)"] = float(
            np.mean(speeds)
        )
    return summary


def render_report(
    *,
    parameters: dict,
    dataset_versions: dict,
    data_quality: dict,
    scaling_stats: dict,
    training_history: dict,
    validation_metrics: dict,
    trading_metrics: dict,
    figures: Mapping[str, Figure],
) -> str:
    """Render the run's report as one HTML page.

    Args:
        parameters: All parameters of the run.
        dataset_versions: Per versioned dataset, ``access`` (read or written)
            and ``version``.
        data_quality: The data_quality report of data_processing.
        scaling_stats: Per-feature statistics of the scaler.
        training_history: The modelling pipeline's history record.
        validation_metrics: Scores of the model and the baselines.
        trading_metrics: The trading simulation's summary.
        figures: Title -> figure, shown in this order.

    Returns:
        The HTML text.
    """
    template = _ENVIRONMENT.get_template("report.html.j2")
    run_versions = sorted(
        {v["version"] for v in dataset_versions.values() if v["access"] == "written"}
    )
    return template.render(
        class_names=CLASS_NAMES,
        run_versions=run_versions,
        validation_windows=validation_metrics["validation_windows"],
        validation_part=data_quality["parts"]["validation"],
        classification=_classification_rows(validation_metrics),
        class_counts=validation_metrics["class_counts"],
        trading=trading_metrics,
        training=_training_summary(training_history),
        candles=flatten(data_quality["candles"]),
        features=flatten(data_quality["features"]),
        parts={name: flatten(part) for name, part in data_quality["parts"].items()},
        raw_files=data_quality["raw_files"],
        outside_range={
            name: stats["validation_outside_training_range"]
            for name, stats in scaling_stats.items()
        },
        figures={title: figure_data_uri(figure) for title, figure in figures.items()},
        parameters=json.dumps(parameters, indent=2, sort_keys=True, default=str),
        dataset_versions=dataset_versions,
    )
