"""The exploration notebook, executed top to bottom on a small synthetic run."""

import json
import os
import re
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

import crypto_lstm
from tests.kedro_project import (
    REPOSITORY,
    VERSIONED_OUTPUTS,
    copy_project,
    run_project,
    versions,
)
from tests.pipelines.test_pipelines import quick_params
from tests.synthetic import random_candles, write_klines

NOTEBOOK = REPOSITORY / "notebooks" / "exploration.ipynb"
GENERATED_CANDLES = 3 * 1440 + 600
# Rows 2,880 to 2,999 are left out of the raw files, which makes a 2-hour gap.
GAP = slice(2880, 3000)
CANDLES = GENERATED_CANDLES - (GAP.stop - GAP.start)
CELL_TIMEOUT_SECONDS = 180

# This cell is appended to the executed copy only. It prints what the notebook
# computed, so the tests compare values instead of parsing rendered tables.
EXPORT_CELL = """\
import json

print(json.dumps({
    "candles": len(candles),
    "segments": int(candles["segment"].nunique()),
    "feature_names": feature_names,
    "class_balance": class_balance.to_dict(),
    "scores": scores.to_dict(orient="index"),
    "confusion": confusion.to_numpy().tolist(),
    "trades": trading["trades"].to_dict(),
}, default=int))
"""

# Kernel arguments per variant. A plain IPython kernel gets Kedro's extension
# from the notebook's first cell. The kernel that `kedro jupyter lab` installs
# loads it at start, as these arguments do.
KERNEL_ARGUMENTS = {
    "ipykernel": [],
    "kedro-kernel": ["--ext", "kedro.ipython"],
}
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("project"))
    raw = root / "raw"
    raw.mkdir()
    candles = random_candles(GENERATED_CANDLES, seed=11)
    write_klines(candles.iloc[: GAP.start], raw / "SYNUSDT-1m-2024-03-01.csv")
    write_klines(candles.iloc[GAP.stop :], raw / "SYNUSDT-1m-2024-03-03.csv")

    run_project(root, quick_params(raw, root / "backup"))
    return root, candles


def _kernel_manager(folder: Path, arguments: list[str]) -> AsyncKernelManager:
    """Return a manager for an IPython kernel of this interpreter and package."""
    package_parent = str(Path(crypto_lstm.__file__).resolve().parents[1])
    python_path = os.pathsep.join(
        filter(None, [package_parent, os.environ.get("PYTHONPATH")])
    )
    spec_folder = folder / "kernels" / "crypto_lstm_test"
    spec_folder.mkdir(parents=True)
    spec = {
        "argv": [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            *arguments,
        ],
        "display_name": "crypto_lstm test",
        "language": "python",
        "env": {
            "PYTHONPATH": python_path,
            "KEDRO_DISABLE_TELEMETRY": "true",
            "DO_NOT_TRACK": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
        },
    }
    (spec_folder / "kernel.json").write_text(json.dumps(spec))
    specs = KernelSpecManager(kernel_dirs=[str(folder / "kernels")])
    return AsyncKernelManager(kernel_name="crypto_lstm_test", kernel_spec_manager=specs)


@pytest.fixture(scope="module", params=sorted(KERNEL_ARGUMENTS))
def executed(request, project, tmp_path_factory):
    root, _ = project
    notebooks = root / "notebooks"
    notebooks.mkdir(exist_ok=True)
    path = notebooks / f"exploration-{request.param}.ipynb"
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(EXPORT_CELL))
    nbformat.write(notebook, path)

    kernel = _kernel_manager(
        tmp_path_factory.mktemp("kernel"), KERNEL_ARGUMENTS[request.param]
    )
    client = NotebookClient(
        notebook,
        km=kernel,
        timeout=CELL_TIMEOUT_SECONDS,
        resources={"metadata": {"path": str(notebooks)}},
    )
    # nbclient 0.11 leaves the kernel of a kernel manager passed to it running
    # unless cleanup_kc is True.
    client.execute(cleanup_kc=True)
    return notebook


def _cells(notebook) -> dict:
    return {cell["id"]: cell for cell in notebook.cells}


def _plain_text(output) -> str:
    """Return an output's text/plain without the colour codes of rich."""
    return ANSI_ESCAPE.sub("", output["data"]["text/plain"])


def _exported(notebook) -> dict:
    export = notebook.cells[-1]
    streams = [out for out in export.outputs if out["output_type"] == "stream"]
    stdout = "".join(out["text"] for out in streams if out["name"] == "stdout")
    return json.loads(stdout)


def _latest(root: Path, dataset: str) -> Path:
    folder = root / VERSIONED_OUTPUTS[dataset]
    return folder / versions(root, dataset)[-1] / folder.name


def test_committed_notebook_has_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell["cell_type"] == "code"]

    nbformat.validate(notebook)
    assert code_cells[0]["source"] == "%load_ext kedro.ipython"
    for cell in code_cells:
        assert cell["outputs"] == [], cell["id"]
        assert cell["execution_count"] is None, cell["id"]


def test_notebook_runs_every_cell(executed):
    for cell in executed.cells:
        if cell["cell_type"] != "code":
            continue
        assert cell["execution_count"] is not None, cell["id"]
        errors = [out for out in cell.outputs if out["output_type"] == "error"]
        assert errors == [], cell["id"]


def test_notebook_shows_candle_summary(executed, project):
    _, generated = project
    results = [
        out
        for out in _cells(executed)["candle-summary"].outputs
        if out["output_type"] == "execute_result"
    ]

    assert len(results) == 1
    summary = " ".join(_plain_text(results[0]).split())
    first = generated["timestamp"].iloc[0]
    last = generated["timestamp"].iloc[-1]
    assert f"0 {CANDLES} {first} {last} 2" in summary


def test_notebook_loads_latest_run(executed, project):
    root, _ = project
    exported = _exported(executed)
    metrics = json.loads(_latest(root, "validation_metrics").read_text())
    features = pd.read_parquet(_latest(root, "features"))

    assert exported["candles"] == CANDLES
    assert exported["segments"] == 2
    assert exported["feature_names"] == list(features.columns[2:-1])
    assert exported["confusion"] == metrics["model"]["confusion_matrix"]
    assert list(exported["scores"]) == [
        "model",
        "majority",
        "logistic_regression",
        "gradient_boosting",
    ]
    assert exported["scores"]["model"]["macro F1"] == metrics["model"]["macro_f1"]
    for name, baseline in metrics["baselines"].items():
        assert exported["scores"][name]["macro F1"] == baseline["macro_f1"], name


def test_notebook_trading_table_matches_metrics(executed, project):
    root, _ = project
    trades = _exported(executed)["trades"]
    trading = json.loads(_latest(root, "trading_metrics").read_text())

    assert trades == {
        name: summary["trades"] for name, summary in trading["strategies"].items()
    }


def test_notebook_class_balance_matches_metrics(executed, project):
    root, _ = project
    balance = _exported(executed)["class_balance"]
    counts = json.loads(_latest(root, "validation_metrics").read_text())["class_counts"]
    features = pd.read_parquet(_latest(root, "features"))

    assert sum(balance["labelled rows"].values()) == len(features)
    assert (
        balance["training windows before undersampling"]
        == counts["train_windows_before_undersampling"]
    )
    assert (
        balance["training windows after undersampling"]
        == counts["train_windows_after_undersampling"]
    )
    assert balance["validation windows"] == counts["validation_windows"]


def test_notebook_draws_plots(executed):
    cells = _cells(executed)

    for cell_id in ("close-plot", "feature-histograms", "class-shares"):
        images = [
            out for out in cells[cell_id].outputs if "image/png" in out.get("data", {})
        ]
        assert len(images) == 1, cell_id
