"""All four pipelines on a synthetic series, through Kedro's session and catalog."""

from html.parser import HTMLParser

import keras
import numpy as np
import pytest
from kedro.io.core import DatasetError

from crypto_lstm.errors import CryptoLSTMError, WindowingError
from crypto_lstm.labels import HOLD, NO_LABEL
from crypto_lstm.windows import window_ends
from tests.invariants import check_data_path
from tests.kedro_project import (
    VERSIONED_OUTPUTS,
    copy_project,
    load_latest,
    run_project,
    versions,
)
from tests.synthetic import SHORT_PERIOD_FEATURES, random_candles, write_klines

WINDOW = 16


class ReportPage(HTMLParser):
    """Collect the image sources and the text of an HTML page."""

    def __init__(self):
        super().__init__()
        self.sources: list[str] = []
        self.text = ""

    @property
    def images(self) -> int:
        return len(self.sources)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources.append(dict(attrs)["src"])

    def handle_data(self, data):
        self.text += data


def quick_params(raw_dir, backup_dir) -> dict:
    return {
        "raw_dir": str(raw_dir),
        "window_size": WINDOW,
        "feature_engineering": {
            "features": SHORT_PERIOD_FEATURES,
            "labels": {
                "future_window": 20,
                "take_profit_pct": 0.5,
                "stop_loss_pct": 0.25,
            },
        },
        "data_processing": {"undersampling": {"min_samples": 100}},
        "modelling": {
            "lstm_units": [4, 4],
            "dense_units": [4],
            "batch_size": 64,
            # 64 windows of 16 rows are twice this: train in 2 micro-batches.
            "max_batch_rows": 512,
            "epochs": 2,
            "backup_dir": str(backup_dir),
        },
        "reporting": {"batch_size": 256},
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("project"))
    raw = root / "raw"
    raw.mkdir()
    candles = random_candles(3 * 1440 + 600, seed=5)
    # Day 1 with a header, day 2 without, then a 2-hour gap and a zipped rest.
    write_klines(candles.iloc[:1440], raw / "SYNUSDT-1m-2024-03-01.csv")
    write_klines(
        candles.iloc[1440:2880], raw / "SYNUSDT-1m-2024-03-02.csv", header=False
    )
    write_klines(candles.iloc[3000:], raw / "SYNUSDT-1m-2024-03-03.zip")
    (raw / ".gitkeep").touch()

    params = quick_params(raw, root / "backup")
    run_project(root, params)
    return root, params


def test_full_run_writes_every_dataset(project):
    root, _ = project

    for dataset in VERSIONED_OUTPUTS:
        assert len(versions(root, dataset)) == 1, dataset


def test_candles_have_gap_segment(project):
    root, _ = project
    candles = load_latest(root, "candles")

    assert len(candles) == 3 * 1440 + 600 - 120
    assert candles["segment"].max() == 1
    assert candles["timestamp"].is_monotonic_increasing


def test_features_labelled_and_finite(project):
    root, params = project
    features = load_latest(root, "features")
    names = params["feature_engineering"]["features"]

    assert list(features.columns) == ["timestamp", "segment", *names, "label"]
    assert np.isfinite(features[names].to_numpy()).all()
    assert NO_LABEL not in set(features["label"])
    # Segment 0 has 2,880 candles, minus 239 warm-up rows and 20 without a horizon.
    assert (features["segment"] == 0).sum() == 2880 - 239 - 20


def test_split_keeps_embargo(project):
    root, _ = project
    features = load_latest(root, "features")
    train = load_latest(root, "train_rows")
    validation = load_latest(root, "validation_rows")

    n_train = int(len(features) * 0.8)
    assert len(train) == n_train
    assert len(validation) == len(features) - n_train - 20
    assert validation["timestamp"].iloc[0] == features["timestamp"].iloc[n_train + 20]


def test_reloaded_datasets_obey_data_rules(project):
    root, params = project

    reloaded = check_data_path(root, params)

    gaps = reloaded["data_quality"]["candles"]["gaps"]
    assert gaps["count"] == 1
    assert gaps["first"] == [
        {
            "last_before": "2024-03-02 23:59:00+00:00",
            "first_after": "2024-03-03 02:00:00+00:00",
            "missing_candles": 120,
        }
    ]
    assert sorted(reloaded["data_quality"]["raw_files"]) == [
        "SYNUSDT-1m-2024-03-01.csv",
        "SYNUSDT-1m-2024-03-02.csv",
        "SYNUSDT-1m-2024-03-03.zip",
    ]


def test_train_window_ends_are_valid_positions(project):
    root, _ = project
    train = load_latest(root, "train_rows")
    ends = load_latest(root, "train_window_ends")

    assert list(ends.columns) == ["end"]
    assert ends["end"].dtype == np.int64
    assert np.isin(ends["end"], window_ends(train["timestamp"], WINDOW)).all()
    assert ends["end"].is_monotonic_increasing


def test_metrics_cover_all_validation_windows(project):
    root, _ = project
    validation = load_latest(root, "validation_rows")
    metrics = load_latest(root, "validation_metrics")
    predictions = load_latest(root, "validation_predictions")

    expected = len(window_ends(validation["timestamp"], WINDOW))
    assert metrics["validation_windows"] == expected
    assert len(predictions) == expected
    assert sum(metrics["class_counts"]["validation_windows"].values()) == expected
    assert np.asarray(metrics["model"]["confusion_matrix"]).sum() == expected
    before = metrics["class_counts"]["train_windows_before_undersampling"]
    assert metrics["baselines"]["majority"]["predicted_class"] == max(
        before, key=before.get
    )
    assert set(metrics["baselines"]) == {
        "majority",
        "logistic_regression",
        "gradient_boosting",
    }
    for name, baseline in metrics["baselines"].items():
        assert np.asarray(baseline["confusion_matrix"]).sum() == expected, name
        beats = metrics["model_beats_macro_f1"][name]
        assert beats == (metrics["model"]["macro_f1"] > baseline["macro_f1"])
    assert metrics["parameters"]["window_size"] == WINDOW
    assert metrics["dataset_versions"]["model"] == {
        "access": "written",
        "version": versions(root, "model")[-1],
    }
    np.testing.assert_allclose(
        predictions[["prob_short", "prob_hold", "prob_long"]].sum(axis=1),
        1.0,
        rtol=1e-5,
    )


def test_trading_view_trades_every_signal_once(project):
    root, _ = project
    predictions = load_latest(root, "validation_predictions")
    trades = load_latest(root, "signal_trades")
    trading = load_latest(root, "trading_metrics")
    candles = load_latest(root, "candles")

    strategies = trading["strategies"]
    assert list(strategies) == [
        "model",
        "majority",
        "logistic_regression",
        "gradient_boosting",
        "every_candle_long",
        "every_candle_short",
    ]
    signals = (predictions["prediction"] != HOLD).sum()
    assert strategies["model"]["trades"] == signals
    for name in ("every_candle_long", "every_candle_short"):
        assert strategies[name]["trades"] == len(predictions)
    model_trades = trades[trades["strategy"] == "model"]
    assert (
        model_trades["entry_time"].tolist()
        == predictions.loc[predictions["prediction"] != HOLD, "timestamp"].tolist()
    )

    # The entry price is the close of the window's last candle.
    closes = candles.set_index("timestamp")["close"]
    every_long = trades[trades["strategy"] == "every_candle_long"]
    np.testing.assert_array_equal(
        every_long["entry_price"], closes.loc[every_long["entry_time"]]
    )
    net = every_long["net_return"].sum() * 100
    assert strategies["every_candle_long"]["total_return_pct"] == pytest.approx(net)
    assert trading["fee_pct_per_side"] == 0.04
    assert "not a backtest" in trading["note"]


def test_report_shows_metrics_trading_view_figures_and_versions(project):
    root, params = project
    html = load_latest(root, "run_report").read_text()
    metrics = load_latest(root, "validation_metrics")
    trading = load_latest(root, "trading_metrics")

    page = ReportPage()
    page.feed(html)
    assert page.images == 5
    assert all(source.startswith("data:image/png;base64,") for source in page.sources)
    assert f"<td>model</td><td>{metrics['model']['accuracy']:,.4f}</td>" in html
    for name in ("majority", "logistic_regression", "gradient_boosting"):
        assert f"<td>{name}</td>" in html
    assert trading["note"] in page.text
    total = trading["strategies"]["every_candle_short"]["total_return_pct"]
    assert f"{total:,.2f}" in html
    # The run wrote every versioned dataset with one version, the page's.
    version = versions(root, "validation_metrics")[-1]
    assert f"Run version {version}" in html
    assert f"<td>validation_metrics</td><td>written</td><td>{version}</td>" in html
    assert f'"window_size": {params["window_size"]}' in page.text


def test_training_history_records_epochs(project):
    root, params = project
    history = load_latest(root, "training_history")

    assert history["epochs_run"] == 2
    assert history["feature_names"] == params["feature_engineering"]["features"]
    assert len(history["history"]["val_loss"]) == 2
    assert len(history["history"]["val_precision_SHORT"]) == 2
    assert len(history["history"]["recall_LONG"]) == 2


def test_benchmarks_record_nodes_and_speed(project):
    root, _ = project
    benchmarks = load_latest(root, "benchmarks")

    assert set(benchmarks["nodes"]) >= {
        "validate_raw_candles_node",
        "undersample_training_windows_node",
        "train_model_node",
        "plot_confusion_matrix_node",
    }
    for node in benchmarks["nodes"].values():
        assert node["wall_seconds"] >= 0
        assert node["peak_rss_mb"] > 0
    assert benchmarks["peak_rss_mb"] == max(
        n["peak_rss_mb"] for n in benchmarks["nodes"].values()
    )
    speeds = benchmarks["training"]["sequences_per_second_per_epoch"]
    assert len(speeds) == 2
    assert all(speed > 0 for speed in speeds)
    assert benchmarks["training"]["feed_sequences_per_second"] > 0


def test_long_batches_train_as_accumulated_micro_batches(project):
    root, _ = project
    model = keras.models.load_model(load_latest(root, "model"))

    assert model.optimizer.gradient_accumulation_steps == 2


def test_second_run_adds_versions_and_keeps_first(project):
    root, params = project
    first = {name: versions(root, name)[0] for name in VERSIONED_OUTPUTS}
    first_bytes = (
        root / VERSIONED_OUTPUTS["features"] / first["features"] / "features.parquet"
    ).read_bytes()

    run_project(root, params)

    for dataset in VERSIONED_OUTPUTS:
        saved = versions(root, dataset)
        assert len(saved) >= 2, dataset
        assert saved[0] == first[dataset]
    path = root / VERSIONED_OUTPUTS["features"] / first["features"] / "features.parquet"
    assert path.read_bytes() == first_bytes


def test_modelling_runs_alone_from_persisted_outputs(project):
    root, params = project
    before = {name: len(versions(root, name)) for name in VERSIONED_OUTPUTS}

    run_project(root, params, pipeline_names=["modelling"])

    assert len(versions(root, "model")) == before["model"] + 1
    assert len(versions(root, "training_history")) == before["training_history"] + 1
    assert len(versions(root, "features")) == before["features"]


def test_missing_raw_folder_stops_run_before_training(project, tmp_path):
    root, params = project
    before = {name: len(versions(root, name)) for name in VERSIONED_OUTPUTS}
    missing = tmp_path / "no-such-folder"

    with pytest.raises(DatasetError) as error:
        run_project(root, {**params, "raw_dir": str(missing)})

    assert str(missing) in str(error.value)
    assert "does not exist" in str(error.value)
    assert "data.binance.vision" in str(error.value)
    assert {name: len(versions(root, name)) for name in VERSIONED_OUTPUTS} == before


def test_reporting_with_other_window_size_named(project):
    root, params = project
    before = {name: len(versions(root, name)) for name in VERSIONED_OUTPUTS}

    with pytest.raises(
        WindowingError, match=r"trained on windows of 16 rows .* window_size=20"
    ):
        run_project(root, {**params, "window_size": 20}, pipeline_names=["reporting"])

    # The check runs before the first node, so no dataset gets a new version.
    assert {name: len(versions(root, name)) for name in VERSIONED_OUTPUTS} == before


def test_invalid_parameter_stops_run_before_reading(project):
    root, params = project
    broken = {**params, "data_processing": {"train_ratio": 1.5}}

    with pytest.raises(CryptoLSTMError, match="data_processing.train_ratio=1.5"):
        run_project(root, broken)
