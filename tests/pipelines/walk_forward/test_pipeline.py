"""walk_forward on a synthetic series, through Kedro's session and catalog."""

import numpy as np
import pytest
from kedro.framework.project import pipelines as kedro_pipelines

from crypto_lstm.pipeline_registry import register_pipelines
from crypto_lstm.split import expanding_folds
from crypto_lstm.windows import window_ends
from tests.kedro_project import copy_project, load_latest, run_project, versions
from tests.pipelines.test_pipelines import WINDOW, quick_params
from tests.synthetic import random_candles, write_klines

FOLDS = 3


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("walk_forward"))
    raw = root / "raw"
    raw.mkdir()
    write_klines(random_candles(4 * 1440, seed=11), raw / "SYNUSDT-1m-2024-03.csv")

    params = quick_params(raw, root / "backup")
    params["modelling"]["epochs"] = 1
    params["walk_forward"] = {"folds": FOLDS}
    run_project(root, params, pipeline_names=["feature_engineering", "walk_forward"])
    return root, params


def test_folds_follow_the_expanding_split_with_the_embargo(project):
    root, params = project
    features = load_latest(root, "features")
    metrics = load_latest(root, "walk_forward_metrics")

    embargo = params["feature_engineering"]["labels"]["future_window"]
    expected = expanding_folds(features, folds=FOLDS, embargo=embargo)
    per_fold = metrics["per_fold"]
    assert [fold["fold"] for fold in per_fold] == [1, 2, 3]
    for fold, bounds in zip(per_fold, expected.itertuples(), strict=True):
        assert fold["train_stop"] == bounds.train_stop
        assert fold["validation_start"] == bounds.train_stop + embargo
        assert fold["validation_stop"] == bounds.validation_stop
        validation = features.iloc[bounds.validation_start : bounds.validation_stop]
        windows = window_ends(validation["timestamp"], WINDOW)
        assert fold["validation_windows"] == len(windows)
        assert fold["epochs_run"] == 1
    assert per_fold[-1]["validation_stop"] == len(features)


def test_summary_mean_and_sample_std(project):
    root, _ = project
    metrics = load_latest(root, "walk_forward_metrics")
    results = load_latest(root, "walk_forward_results")

    assert len(results) == FOLDS
    for column in ("macro_f1", "majority_macro_f1", "total_return_pct"):
        values = results[column].to_numpy()
        assert [fold[column] for fold in metrics["per_fold"]] == pytest.approx(values)
        assert metrics["summary"][column]["mean"] == pytest.approx(values.mean())
        assert metrics["summary"][column]["std"] == pytest.approx(values.std(ddof=1))
    assert np.all((results["macro_f1"] >= 0) & (results["macro_f1"] <= 1))


def test_every_fold_writes_one_version_and_a_plot(project):
    root, _ = project

    for dataset in (
        "walk_forward_results",
        "walk_forward_metrics",
        "walk_forward_plot",
    ):
        assert len(versions(root, dataset)) == 1, dataset
    assert load_latest(root, "walk_forward_plot").stat().st_size > 0
    # A finished training deletes its backup.
    assert not any((root / "backup" / "walk_forward").glob("fold_*/*"))


def test_default_run_excludes_walk_forward(project, monkeypatch):
    # The fixture's run asked Kedro for two pipelines, which limits what later
    # discovery in this process loads; ask for all of them again.
    monkeypatch.setattr(kedro_pipelines, "_requested_pipelines", None)
    pipelines = register_pipelines()
    default_nodes = {node.name for node in pipelines["__default__"].nodes}

    assert "evaluate_folds_node" in {
        node.name for node in pipelines["walk_forward"].nodes
    }
    assert "evaluate_folds_node" not in default_nodes
    assert "train_model_node" in default_nodes


def test_walk_forward_runs_alone_from_persisted_features(project):
    root, params = project

    run_project(root, params, pipeline_names=["walk_forward"])

    assert len(versions(root, "walk_forward_metrics")) == 2
    assert len(versions(root, "features")) == 1
