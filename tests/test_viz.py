"""The kedro-viz lineage site that `make viz` builds, read as files and in Chromium.

One site is built per module, in a throw-away copy of the project that contains
a few saved datasets, so that previews have something to show.
"""

from __future__ import annotations

import base64
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
import yaml
from kedro.framework.startup import bootstrap_project
from kedro.io.core import generate_timestamp
from kedro.pipeline import Pipeline
from matplotlib.figure import Figure

from crypto_lstm.pipeline_registry import register_pipelines
from scripts import lineage_site
from scripts.lineage_site import build_site, pipeline_url, run_chromium, serve_site
from tests.kedro_project import REPOSITORY, VERSIONED_OUTPUTS, copy_project

matplotlib.use("Agg")

# Layers in the order a full run passes through them.
LAYERS = [
    "raw",
    "intermediate",
    "feature",
    "model_input",
    "models",
    "model_output",
    "reporting",
]
# Catalog datasets whose layer is not named by a data/0N_<layer>/ folder.
LAYER_EXCEPTIONS = {
    # Saved in 06_models, but train_rows are made from it. As `models` it would
    # close a layer cycle, and kedro-viz would then draw no layers.
    "scaler": "model_input",
    # Kept in memory, so it has no folder.
    "untrained_model": "models",
}
FOLDER_LAYER = re.compile(r"data/0\d_(\w+)/")
PREVIEW_ROWS = 10
SAVED_CANDLE_ROWS = 20
REQUIRE_BROWSER = "CRYPTO_LSTM_REQUIRE_BROWSER"


def is_parameter(dataset: str) -> bool:
    return dataset == "parameters" or dataset.startswith("params:")


def saved_path(root: Path, dataset: str, version: str) -> Path:
    """Return where a versioned dataset of the catalog keeps ``version``."""
    folder = root / VERSIONED_OUTPUTS[dataset]
    return folder / version / folder.name


def save_preview_inputs(root: Path) -> dict:
    """Save one version each of a Parquet, a JSON and a PNG dataset."""
    version = generate_timestamp()

    candles = pd.DataFrame(
        {
            "timestamp": pd.date_range(
                "2024-01-01", periods=SAVED_CANDLE_ROWS, freq="min"
            ),
            "close": [100.0 + i for i in range(SAVED_CANDLE_ROWS)],
            "segment": 0,
        }
    )
    candles_path = saved_path(root, "candles", version)
    candles_path.parent.mkdir(parents=True)
    candles.to_parquet(candles_path)

    metrics = {"accuracy": 0.5, "classes": ["SHORT", "HOLD", "LONG"]}
    metrics_path = saved_path(root, "validation_metrics", version)
    metrics_path.parent.mkdir(parents=True)
    metrics_path.write_text(json.dumps(metrics), encoding="utf-8")

    plot_path = saved_path(root, "confusion_matrix_plot", version)
    plot_path.parent.mkdir(parents=True)
    figure = Figure(figsize=(1, 1))
    figure.add_subplot().plot([0, 1], [1, 0])
    figure.savefig(plot_path)

    return {
        "candles": candles,
        "validation_metrics": metrics,
        "confusion_matrix_plot": plot_path.read_bytes(),
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("viz_project"))


@pytest.fixture(scope="module")
def saved(project) -> dict:
    return save_preview_inputs(project)


@pytest.fixture(scope="module")
def site(project, saved) -> Path:
    return build_site(project)


@pytest.fixture(scope="module")
def registry(project) -> dict[str, Pipeline]:
    bootstrap_project(project)
    return register_pipelines()


def read_api(site: Path, *parts: str) -> dict:
    return json.loads(site.joinpath("api", *parts).read_text(encoding="utf-8"))


def catalog_entries() -> dict:
    path = REPOSITORY / "conf" / "base" / "catalog.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def expected_layer(name: str, entry: dict) -> str:
    if name in LAYER_EXCEPTIONS:
        return LAYER_EXCEPTIONS[name]
    location = entry.get("filepath") or entry.get("path") or ""
    match = FOLDER_LAYER.search(location)
    assert match, f"{name}: no data/0N_<layer>/ folder in {location!r}"
    return match.group(1)


def node_details(site: Path, main: dict, name: str) -> dict:
    """Return the api/nodes/<id> file of the node called ``name``."""
    (node,) = [node for node in main["nodes"] if node["name"] == name]
    return read_api(site, "nodes", node["id"])


def test_catalog_layer_for_every_dataset():
    for name, entry in catalog_entries().items():
        viz = entry.get("metadata", {}).get("kedro-viz", {})

        assert viz.get("layer") == expected_layer(name, entry), name
        assert viz["layer"] in LAYERS, name
        if entry["type"] == "pandas.ParquetDataset":
            assert viz.get("preview_args") == {"nrows": PREVIEW_ROWS}, name


def test_site_lists_every_pipeline(site, registry):
    main = read_api(site, "main")
    listed = {pipeline["id"] for pipeline in main["pipelines"]}

    assert listed == set(registry)
    assert {"__default__", "feature_engineering", "data_processing"} <= listed
    assert {"modelling", "reporting"} <= listed
    assert main["selected_pipeline"] == "__default__"


def test_site_lists_every_node(site, registry):
    for name, pipeline in registry.items():
        graph = read_api(site, "pipelines", name)
        tasks = {node["name"] for node in graph["nodes"] if node["type"] == "task"}
        datasets = {
            node["name"]
            for node in graph["nodes"]
            if node["type"] in ("data", "parameters")
        }

        assert tasks == {node.name for node in pipeline.nodes}, name
        assert datasets == set(pipeline.datasets()), name

    modelling = read_api(site, "pipelines", "modelling")
    names = {node["name"] for node in modelling["nodes"]}
    assert {"index_windows_node", "build_model_node", "train_model_node"} <= names
    assert {"model", "training_history", "params:window_size"} <= names


def test_site_has_details_of_every_node(site):
    main = read_api(site, "main")

    for node in main["nodes"]:
        assert (site / "api" / "nodes" / node["id"]).is_file(), node["name"]

    details = node_details(site, main, "train_model_node")
    assert details["outputs"] == ["model", "training_history"]
    assert details["run_command"] == "kedro run --to-nodes='train_model_node'"


def test_site_draws_layers_by_folder(site):
    main = read_api(site, "main")
    catalog = catalog_entries()

    assert main["layers"] == LAYERS
    for node in main["nodes"]:
        if node["type"] != "data":
            continue
        if node["name"] in catalog:
            expected = expected_layer(node["name"], catalog[node["name"]])
            assert node["layer"] == expected, node["name"]
        else:
            assert node["layer"] is None, node["name"]


def test_site_previews_saved_datasets(site, saved):
    main = read_api(site, "main")

    candles = node_details(site, main, "candles")
    assert candles["preview_type"] == "TablePreview"
    assert candles["preview"]["columns"] == list(saved["candles"].columns)
    assert len(candles["preview"]["data"]) == PREVIEW_ROWS

    metrics = node_details(site, main, "validation_metrics")
    assert metrics["preview_type"] == "JSONPreview"
    assert json.loads(metrics["preview"]) == saved["validation_metrics"]

    plot = node_details(site, main, "confusion_matrix_plot")
    assert plot["preview_type"] == "ImagePreview"
    assert base64.b64decode(plot["preview"]) == saved["confusion_matrix_plot"]

    # Nothing was saved for features, so there is nothing to preview.
    assert node_details(site, main, "features")["preview"] is None


def test_site_links_no_other_host(site):
    index = (site / "index.html").read_text(encoding="utf-8")

    assert re.findall(r"(?:src|href)=\"(?:https?:)?//[^\"]*\"", index) == []
    # kedro-viz adds Heap analytics to index.html when telemetry is on.
    assert "heap" not in index


class FlowchartParser(HTMLParser):
    """Parser of the node labels and layer names that the flowchart draws."""

    def __init__(self):
        super().__init__()
        self.labels: list[str] = []
        self.layers: list[str] = []
        self._target: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "text" and "pipeline-node__text" in classes:
            self._target = self.labels
        elif "pipeline-layer-name" in classes:
            self._target = self.layers

    def handle_data(self, data):
        if self._target is not None:
            self._target.append(data.strip())
            self._target = None


def page_requests(netlog: Path, origin: str) -> list[str]:
    """List the URLs that the page of ``origin`` requested, from a net-log."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start_job
        and event.get("params", {}).get("initiator") == origin
    ]


def require_chromium() -> None:
    """Skip without Chromium, or fail when CRYPTO_LSTM_REQUIRE_BROWSER=1."""
    if lineage_site.CHROMIUM.exists():
        return
    message = (
        f"{lineage_site.CHROMIUM} not found: install it with "
        "`apt-get install chromium` to run the browser test"
    )
    if os.environ.get(REQUIRE_BROWSER) == "1":
        pytest.fail(f"{message} ({REQUIRE_BROWSER}=1 requires it)")
    pytest.skip(message)


def test_missing_chromium_skips_unless_required(monkeypatch, tmp_path):
    monkeypatch.setattr(lineage_site, "CHROMIUM", tmp_path / "chromium")

    monkeypatch.delenv(REQUIRE_BROWSER, raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        require_chromium()

    monkeypatch.setenv(REQUIRE_BROWSER, "1")
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        require_chromium()


def test_browser_draws_every_pipeline(site, registry, tmp_path):
    require_chromium()
    main = read_api(site, "main")

    with serve_site(site) as base_url:
        origin = base_url.rstrip("/")
        for name, pipeline in registry.items():
            netlog = tmp_path / f"{name}.netlog.json"
            dom = run_chromium(
                pipeline_url(base_url, name),
                tmp_path / f"profile-{name}",
                "--dump-dom",
                f"--log-net-log={netlog}",
            )
            flowchart = FlowchartParser()
            flowchart.feed(dom)
            # kedro-viz 12.5 shows raw node names unless "Pretty name" is on,
            # and hides parameters until the Parameters filter is checked.
            expected = {node.name for node in pipeline.nodes} | {
                dataset for dataset in pipeline.datasets() if not is_parameter(dataset)
            }
            requests = page_requests(netlog, origin)

            assert set(flowchart.labels) == expected, name
            assert len(flowchart.labels) == len(expected), name
            assert f"{base_url}api/main" in requests, name
            assert [url for url in requests if not url.startswith(base_url)] == [], name

            if name == "__default__":
                assert flowchart.layers == main["layers"]
            if name == "modelling":
                assert "train_model_node" in flowchart.labels
                assert "training_history" in flowchart.labels
