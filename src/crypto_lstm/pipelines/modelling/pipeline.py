"""modelling: window index -> DualWindowLSTM -> trained model and history."""

from kedro.pipeline import Node, Pipeline

from crypto_lstm.pipelines.modelling.nodes import (
    build_model,
    index_windows,
    train_model,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=index_windows,
                inputs=[
                    "train_rows",
                    "validation_rows",
                    "train_window_ends",
                    "params:window_size",
                ],
                outputs="window_index",
                name="index_windows_node",
            ),
            Node(
                func=build_model,
                inputs=[
                    "scaler",
                    "params:window_size",
                    "params:modelling",
                    "params:seed",
                ],
                outputs="untrained_model",
                name="build_model_node",
            ),
            Node(
                func=train_model,
                inputs=[
                    "untrained_model",
                    "train_rows",
                    "validation_rows",
                    "window_index",
                    "scaler",
                    "params:window_size",
                    "params:modelling",
                    "params:seed",
                ],
                outputs=["model", "training_history"],
                name="train_model_node",
            ),
        ]
    )
