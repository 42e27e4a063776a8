"""nnviz.metrics: confusion matrix, per-class accuracy, R² and RMSE."""

from __future__ import annotations

import numpy as np
import pytest

import nnviz
from nnviz import metrics
from nnviz.data import load_preset, prepare


def test_confusion_matrix_of_one_hot_targets_by_hand():
    Y = np.eye(3)[[0, 0, 1, 1, 1, 2]]
    A = np.array(
        [
            [0.7, 0.2, 0.1],  # 0 → 0
            [0.1, 0.8, 0.1],  # 0 → 1
            [0.2, 0.5, 0.3],  # 1 → 1
            [0.1, 0.3, 0.6],  # 1 → 2
            [0.3, 0.4, 0.3],  # 1 → 1
            [0.6, 0.1, 0.3],  # 2 → 0
        ]
    )
    C = metrics.confusion_matrix(Y, A)
    assert C.tolist() == [[1, 1, 0], [0, 2, 1], [1, 0, 0]]  # rows: true, columns: predicted
    assert C.dtype.kind == "i"
    np.testing.assert_allclose(metrics.per_class_accuracy(Y, A), [1 / 2, 2 / 3, 0.0])
    assert metrics.accuracy(Y, A) == 3 / 6


def test_binary_labels_zero_one_and_plus_minus_one():
    A = np.array([[0.9], [0.4], [0.5], [0.2], [0.7]])
    Y01 = np.array([[1], [1], [0], [0], [0]])
    C = metrics.confusion_matrix(Y01, A)
    # true 0: rows 2, 3, 4 → predicted 1 (0.5 ≥ 0.5), 0, 1; true 1: rows 0, 1 → 1, 0
    assert C.tolist() == [[1, 2], [1, 1]]
    assert metrics.confusion_matrix(Y01, A, threshold=0.8).tolist() == [[3, 0], [1, 1]]
    Ypm = 2 * Y01 - 1  # tanh targets: −1 / +1, threshold 0
    T = np.array([[0.9], [-0.1], [0.0], [-0.8], [0.3]])
    assert metrics.confusion_matrix(Ypm, T).tolist() == [[1, 2], [1, 1]]
    np.testing.assert_allclose(metrics.per_class_accuracy(Ypm, T), [1 / 3, 1 / 2])
    assert metrics.default_threshold(Ypm) == 0.0 and metrics.default_threshold(Y01) == 0.5


def test_confusion_matrix_against_a_direct_count():
    rng = np.random.default_rng(0)
    k, n = 4, 200
    true = rng.integers(0, k, n)
    A = rng.random((n, k))
    C = metrics.confusion_matrix(np.eye(k)[true], A)
    predicted = A.argmax(axis=1)
    for i in range(k):
        for j in range(k):
            assert C[i, j] == np.sum((true == i) & (predicted == j))
    assert C.sum() == n
    assert metrics.accuracy(np.eye(k)[true], A) == np.mean(true == predicted)
    per_class = metrics.per_class_accuracy(np.eye(k)[true], A)
    for i in range(k):
        assert per_class[i] == np.mean(predicted[true == i] == i)


def test_a_class_without_rows_has_no_accuracy():
    Y = np.eye(3)[[0, 0, 1]]
    A = np.eye(3)[[0, 2, 1]]
    acc = metrics.per_class_accuracy(Y, A)
    assert acc[0] == 0.5 and acc[1] == 1.0 and np.isnan(acc[2])


@pytest.mark.parametrize(
    "Y, A, message",
    [
        (np.array([[0.3], [1.0]]), np.array([[0.2], [0.9]]), "class labels 0/1 or −1/\\+1"),
        (np.array([[1, 1, 0], [0, 1, 0]]), np.zeros((2, 3)), "Row 0 of the targets is not one-hot"),
        (np.eye(2), np.zeros((2, 3)), "one row per example"),
        (np.zeros((0, 1)), np.zeros((0, 1)), "no rows"),
        (np.array([[1.0]]), np.array([[np.nan]]), "finite"),
    ],
)
def test_bad_classification_inputs(Y, A, message):
    with pytest.raises(ValueError, match=message):
        metrics.confusion_matrix(Y, A)


def test_r2_and_rmse_by_hand():
    y = np.array([[1.0], [2.0], [3.0], [4.0]])
    p = np.array([[1.5], [2.0], [2.5], [5.0]])
    # residuals 0.25 + 0 + 0.25 + 1 = 1.5; spread around 2.5: 2.25 + 0.25 + 0.25 + 2.25 = 5
    assert metrics.r2_score(y, p) == pytest.approx(1 - 1.5 / 5)
    assert metrics.rmse(y, p) == pytest.approx(np.sqrt(1.5 / 4))
    assert metrics.r2_score(y, y) == 1.0 and metrics.rmse(y, y) == 0.0
    assert metrics.r2_score(y, np.full_like(y, 2.5)) == 0.0  # predicting the mean
    assert np.isnan(metrics.r2_score(np.ones((3, 1)), np.zeros((3, 1))))  # nothing to explain


def test_r2_and_rmse_against_the_direct_formula_with_several_outputs():
    rng = np.random.default_rng(1)
    Y = rng.standard_normal((50, 3)) * [1.0, 10.0, 0.1]
    A = Y + rng.standard_normal((50, 3)) * 0.3
    r2 = metrics.r2_score(Y, A, per_output=True)
    for j in range(3):
        expected = 1 - np.sum((Y[:, j] - A[:, j]) ** 2) / np.sum((Y[:, j] - Y[:, j].mean()) ** 2)
        assert r2[j] == pytest.approx(expected, rel=1e-12)
    assert metrics.r2_score(Y, A) == pytest.approx(r2.mean(), rel=1e-12)
    per = metrics.rmse(Y, A, per_output=True)
    np.testing.assert_allclose(per, np.sqrt(np.mean((Y - A) ** 2, axis=0)), rtol=1e-12)
    assert metrics.rmse(Y, A) == pytest.approx(np.sqrt(np.mean((Y - A) ** 2)), rel=1e-12)


def test_rmse_in_the_users_units_with_the_scalers_inverse():
    data = prepare(
        load_preset("exam_scores"),
        ["hours_studied", "hours_slept"],
        ["test_score"],
        scaling="max",
        target_max=100,
    )
    net = nnviz.Network([2, 3, 1], bias=False, seed=0)
    nnviz.Trainer(net, data.X_train, data.y_train, learning_rate=1.0).run(300)
    pred = net.forward(data.X_train)
    scaled = metrics.rmse(data.y_train, pred)
    points = metrics.rmse(data.y_train, pred, inverse=data.scaler.inverse_y)
    assert points == pytest.approx(100 * scaled, rel=1e-12)  # y / 100 in training: ×100 back
    truth = np.array([[92.0], [86.0], [89.0]])
    direct = np.sqrt(np.mean((truth - data.scaler.inverse_y(pred)) ** 2))
    assert points == pytest.approx(direct, rel=1e-12)
    # R² does not change under the target's scale and shift
    assert metrics.r2_score(data.y_train, pred, inverse=data.scaler.inverse_y) == pytest.approx(
        metrics.r2_score(data.y_train, pred), rel=1e-9
    )


def test_regression_shapes_must_match():
    with pytest.raises(ValueError, match="one row per example"):
        metrics.rmse(np.zeros((3, 1)), np.zeros((4, 1)))
    assert metrics.rmse([1.0, 2.0], [1.0, 4.0]) == pytest.approx(np.sqrt(2.0))  # 1-D: one column
