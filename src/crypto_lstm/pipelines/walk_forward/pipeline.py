"""walk_forward: features + candles -> per-fold and mean +/- std metrics.

Not part of ``__default__``: it trains one model per fold. Run it with
``kedro run --pipelines=walk_forward``.
"""

from kedro.pipeline import Node, Pipeline

from crypto_lstm.pipelines.walk_forward.nodes import (
    define_folds,
    evaluate_folds,
    summarise_folds,
)
from crypto_lstm.plots import plot_walk_forward


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=define_folds,
                inputs=[
                    "features",
                    "params:walk_forward.folds",
                    "params:data_processing",
                    "params:feature_engineering.labels.future_window",
                ],
                outputs="walk_forward_folds",
                name="define_folds_node",
            ),
            Node(
                func=evaluate_folds,
                inputs=["features", "candles", "walk_forward_folds", "parameters"],
                outputs="walk_forward_results",
                name="evaluate_folds_node",
            ),
            Node(
                func=summarise_folds,
                inputs=["walk_forward_results", "params:walk_forward.folds"],
                outputs="walk_forward_metrics",
                name="summarise_folds_node",
            ),
            Node(
                func=plot_walk_forward,
                inputs="walk_forward_results",
                outputs="walk_forward_plot",
                name="plot_walk_forward_node",
            ),
        ]
    )
