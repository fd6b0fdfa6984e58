import numpy as np
from matplotlib.figure import Figure

from crypto_lstm.evaluation import classification_metrics
from crypto_lstm.report import flatten, render_report


def _inputs(parameters):
    y_true = np.array([0, 1, 1, 2, 1])
    model = classification_metrics(y_true, np.array([0, 1, 2, 2, 1]))
    majority = classification_metrics(y_true, np.ones(5, dtype=int))
    part = {"rows": 5, "first_row": "2024-03-01", "last_row": "2024-03-02"}
    strategy = {
        "trades": 2,
        "long_trades": 1,
        "short_trades": 1,
        "hit_rate": None,
        "mean_return_pct": None,
        "total_return_pct": -0.08,
        "max_drawdown_pct": 0.08,
        "exits": {"take_profit": 0, "stop_loss": 0, "horizon": 2},
        "same_candle_exits": 0,
        "one_at_a_time": {
            "trades": 1,
            "hit_rate": 0.0,
            "mean_return_pct": -0.08,
            "total_return_pct": -0.08,
            "max_drawdown_pct": 0.08,
        },
    }
    return {
        "parameters": parameters,
        "dataset_versions": {
            "features": {"access": "read", "version": "2024-03-01T00.00.00.000Z"},
            "model": {"access": "written", "version": "2024-03-02T00.00.00.000Z"},
        },
        "data_quality": {
            "raw_files": {},
            "candles": {"candles": 10, "gaps": {"count": 0, "first": []}},
            "features": {"labelled_rows": 5},
            "parts": {"train": part, "validation": part},
        },
        "scaling_stats": {"close_change": {"validation_outside_training_range": 3}},
        "training_history": {
            "feature_names": ["close_change"],
            "window_size": 2,
            "epochs_run": 2,
            "history": {"loss": [1.0, 0.9], "val_loss": [1.1, 1.2]},
        },
        "validation_metrics": {
            "validation_windows": 5,
            "model": model,
            "baselines": {"majority": majority},
            "model_beats_macro_f1": {"majority": True},
            "class_counts": {"validation_windows": {"SHORT": 1, "HOLD": 3, "LONG": 1}},
        },
        "trading_metrics": {
            "note": "Research simulation.",
            "fee_pct_per_side": 0.04,
            "same_candle": "stop_loss",
            "take_profit_pct": 1.0,
            "stop_loss_pct": 0.5,
            "future_window": 3,
            "strategies": {"model": strategy, "every_candle_long": strategy},
            "model_beats_total_return": {"every_candle_long": False},
        },
        "figures": {"Empty figure": Figure(figsize=(1, 1))},
    }


def test_report_escapes_values_and_embeds_figures():
    html = render_report(**_inputs({"raw_dir": "<script>alert(1)</script>"}))

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert html.count('src="data:image/png;base64,') == 1
    assert "Run version 2024-03-02T00.00.00.000Z" in html
    assert "<td>features</td><td>read</td><td>2024-03-01T00.00.00.000Z</td>" in html
    # The best epoch is the one with the lowest validation loss.
    assert "<th>best_epoch (lowest val_loss)</th><td>1</td>" in html
    assert "<tr><th>close_change</th><td>3</td></tr>" in html


def test_flatten_joins_keys_and_counts_lists():
    assert flatten({"a": {"b": 1, "c": {"d": 2}}, "e": [1, 2, 3]}) == {
        "a.b": 1,
        "a.c.d": 2,
        "e (entries)": 3,
    }
