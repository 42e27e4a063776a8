"""Exceptions that nnviz raises with messages meant for the person using it."""


class DataError(ValueError):
    """A table cannot be turned into training data.

    The message names the row, the column and the offending value, so the
    app can show it next to the table as it is.
    """


class TrainingDiverged(ArithmeticError):
    """A training step would have made the loss or a weight non-finite.

    The step was not applied: the network keeps its last finite weights.
    """
