"""Exception types, one per pipeline stage, under one project base class.

Every message names the stage, the value that was received and what to do next,
so a failed ``kedro run`` can be fixed without reading the code.
"""


class CryptoLSTMError(Exception):
    """Base class of every error that this project raises on purpose."""


class RawCandlesNotFoundError(CryptoLSTMError):
    """The raw candle folder is missing or contains no kline files."""


class CandleValidationError(CryptoLSTMError):
    """A raw candle file breaks a rule of the candle format."""


class FeatureError(CryptoLSTMError):
    """A feature definition or its input is invalid."""


class LabelingError(CryptoLSTMError):
    """The take-profit / stop-loss labelling cannot run on its input."""


class SplitError(CryptoLSTMError):
    """The chronological split with its embargo cannot be made."""


class ScalingError(CryptoLSTMError):
    """The scaler cannot be fitted on the training part."""


class WindowingError(CryptoLSTMError):
    """Window ends or window batches are invalid."""


class UndersamplingError(CryptoLSTMError):
    """The training window ends cannot be undersampled."""


class TrainingConfigError(CryptoLSTMError):
    """A model or training parameter is invalid."""


class TradingError(CryptoLSTMError):
    """The trading simulation of the signals cannot run on its input."""


class WalkForwardError(CryptoLSTMError):
    """The walk-forward folds cannot be made from the rows."""
