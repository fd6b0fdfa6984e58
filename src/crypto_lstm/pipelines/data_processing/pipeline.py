"""data_processing: features -> scaled parts, scaler and training window ends."""

from kedro.pipeline import Node, Pipeline

from crypto_lstm.pipelines.data_processing.nodes import (
    fit_feature_scaler,
    report_data_quality,
    split_rows,
    undersample_training_windows,
)
from crypto_lstm.scaling import describe_scaling, scale_rows


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=split_rows,
                inputs=[
                    "features",
                    "params:data_processing",
                    "params:feature_engineering.labels.future_window",
                ],
                outputs=["train_features", "validation_features"],
                name="split_rows_node",
            ),
            Node(
                func=fit_feature_scaler,
                inputs=[
                    "train_features",
                    "params:feature_engineering.features",
                    "params:data_processing.scaler",
                ],
                outputs="scaler",
                name="fit_scaler_node",
            ),
            Node(
                func=scale_rows,
                inputs=["train_features", "scaler"],
                outputs="train_rows",
                name="scale_train_rows_node",
            ),
            Node(
                func=scale_rows,
                inputs=["validation_features", "scaler"],
                outputs="validation_rows",
                name="scale_validation_rows_node",
            ),
            Node(
                func=describe_scaling,
                inputs=[
                    "train_features",
                    "validation_features",
                    "train_rows",
                    "validation_rows",
                    "params:feature_engineering.features",
                ],
                outputs="scaling_stats",
                name="summarise_scaling_node",
            ),
            Node(
                func=undersample_training_windows,
                inputs=[
                    "train_rows",
                    "params:window_size",
                    "params:data_processing.undersampling",
                    "params:seed",
                ],
                outputs="train_window_ends",
                name="undersample_training_windows_node",
            ),
            Node(
                func=report_data_quality,
                inputs=[
                    "candle_quality",
                    "feature_quality",
                    "train_rows",
                    "validation_rows",
                    "train_window_ends",
                    "params:window_size",
                ],
                outputs="data_quality",
                name="report_data_quality_node",
            ),
        ]
    )
