"""reporting: model + validation rows -> predictions, metrics and plots."""

from kedro.pipeline import Node, Pipeline

from crypto_lstm.pipelines.reporting.nodes import (
    evaluate_predictions,
    plot_confusion_matrix,
    predict_validation,
    predict_with_baselines,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=predict_validation,
                inputs=[
                    "model",
                    "validation_rows",
                    "scaler",
                    "params:window_size",
                    "params:reporting.batch_size",
                    "params:modelling.max_batch_rows",
                ],
                outputs="validation_predictions",
                name="predict_validation_node",
            ),
            Node(
                func=predict_with_baselines,
                inputs=[
                    "validation_predictions",
                    "train_rows",
                    "train_window_ends",
                    "validation_rows",
                    "scaler",
                    "params:window_size",
                    "params:reporting.boosting_rows",
                    "params:seed",
                ],
                outputs="baseline_predictions",
                name="predict_with_baselines_node",
            ),
            Node(
                func=evaluate_predictions,
                inputs=[
                    "validation_predictions",
                    "baseline_predictions",
                    "train_rows",
                    "train_window_ends",
                    "params:window_size",
                ],
                outputs="validation_metrics",
                name="evaluate_predictions_node",
            ),
            Node(
                func=plot_confusion_matrix,
                inputs="validation_metrics",
                outputs="confusion_matrix_plot",
                name="plot_confusion_matrix_node",
            ),
        ]
    )
