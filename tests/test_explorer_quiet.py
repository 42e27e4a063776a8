"""What the explorer reads off a network stays quiet however huge the weights grow."""

import warnings

import numpy as np
import pytest

from nnviz.app.explorer import Explorer
from nnviz.app.settings import Settings


@pytest.mark.parametrize("preset", ["plane", "sine", "exam_scores", "circle", "blobs3"])
@pytest.mark.parametrize("size", [1e200, 1e300])
def test_huge_weights_give_no_numpy_warning(preset, size):
    ex = Explorer(settings=Settings.for_preset(preset))
    net = ex.network
    net.weights = [np.full(W.shape, size) for W in net.weights]
    net.biases = [np.full(b.shape, -size) for b in net.biases]
    row = ex.data.X_train[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        metrics = ex.metrics()
        table = ex.predictions()
        prediction = ex.predict_row(ex.data.scaler.inverse_X(row[None, :])[0])
    assert len(table) == len(ex.data.index) and np.shape(prediction)
    if ex.task == "regression" and ex.settings.output_activation == "linear":
        assert metrics.train_score == np.inf  # the RMSE of outputs near 1e300+ overflows
