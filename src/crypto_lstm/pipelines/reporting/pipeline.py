"""reporting: model + validation rows -> predictions, metrics and plots."""

from kedro.pipeline import Node, Pipeline

from crypto_lstm.pipelines.reporting.nodes import (
    evaluate_predictions,
    plot_confusion_matrix,
    predict_validation,
    predict_with_baselines,
    simulate_signal_trades,
    summarise_trading,
)
from crypto_lstm.plots import (
    plot_class_balance,
    plot_equity_curves,
    plot_learning_curves,
    plot_probability_histograms,
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
                func=simulate_signal_trades,
                inputs=[
                    "validation_predictions",
                    "baseline_predictions",
                    "candles",
                    "params:feature_engineering.labels",
                    "params:reporting.trading",
                ],
                outputs="signal_trades",
                name="simulate_signal_trades_node",
            ),
            Node(
                func=summarise_trading,
                inputs=[
                    "signal_trades",
                    "params:feature_engineering.labels",
                    "params:reporting.trading",
                ],
                outputs="trading_metrics",
                name="summarise_trading_node",
            ),
            Node(
                func=plot_equity_curves,
                inputs=["signal_trades", "params:reporting.trading.fee_pct"],
                outputs="equity_curves_plot",
                name="plot_equity_curves_node",
            ),
            Node(
                func=plot_confusion_matrix,
                inputs="validation_metrics",
                outputs="confusion_matrix_plot",
                name="plot_confusion_matrix_node",
            ),
            Node(
                func=plot_learning_curves,
                inputs="training_history",
                outputs="learning_curves_plot",
                name="plot_learning_curves_node",
            ),
            Node(
                func=plot_class_balance,
                inputs="validation_metrics",
                outputs="class_balance_plot",
                name="plot_class_balance_node",
            ),
            Node(
                func=plot_probability_histograms,
                inputs="validation_predictions",
                outputs="probability_histograms_plot",
                name="plot_probability_histograms_node",
            ),
        ]
    )
