"""feature_engineering: raw_candles -> candles -> features."""

from kedro.pipeline import Node, Pipeline

from crypto_lstm.pipelines.feature_engineering.nodes import (
    assemble_features,
    compute_candle_features,
    compute_candle_labels,
    validate_raw_candles,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=validate_raw_candles,
                inputs=["raw_candles", "params:feature_engineering.interval"],
                outputs=["candles", "candle_quality"],
                name="validate_raw_candles_node",
            ),
            Node(
                func=compute_candle_features,
                inputs=["candles", "params:feature_engineering"],
                outputs="candle_features",
                name="compute_candle_features_node",
            ),
            Node(
                func=compute_candle_labels,
                inputs=["candles", "params:feature_engineering.labels"],
                outputs="candle_labels",
                name="compute_candle_labels_node",
            ),
            Node(
                func=assemble_features,
                inputs=["candle_features", "candle_labels"],
                outputs=["features", "feature_quality"],
                name="assemble_features_node",
            ),
        ]
    )
