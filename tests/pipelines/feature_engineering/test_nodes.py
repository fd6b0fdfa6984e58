import numpy as np
import pandas as pd

from crypto_lstm.labels import HOLD, LONG, NO_LABEL, SHORT
from crypto_lstm.pipelines.feature_engineering.nodes import assemble_features


def test_rows_without_history_or_horizon_dropped_not_filled():
    times = pd.date_range("2024-01-01", periods=6, freq="1min", tz="UTC")
    candle_features = pd.DataFrame(
        {
            "timestamp": times,
            "segment": [0, 0, 0, 0, 1, 1],
            "close_change": [np.nan, 0.1, 0.2, 0.3, np.nan, 0.5],
            "price_to_ma2": [np.nan, np.nan, 1.0, 1.1, np.nan, np.nan],
        }
    )
    candle_labels = pd.DataFrame(
        {"label": [HOLD, LONG, SHORT, NO_LABEL, HOLD, NO_LABEL]}
    )

    features, quality = assemble_features(candle_features, candle_labels)

    # Row 2 alone has every feature and a label.
    assert features["timestamp"].tolist() == [times[2]]
    assert features["label"].tolist() == [SHORT]
    assert features.index.tolist() == [0]
    assert quality == {
        "candles": 6,
        "dropped_incomplete_feature_history": 4,
        "dropped_missing_label_horizon": 1,
        "labelled_rows": 1,
        "label_counts": {"SHORT": 1, "HOLD": 0, "LONG": 0},
    }
