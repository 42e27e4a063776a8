"""The three tutorials' networks, reproduced: their loops are written here from their text."""

import numpy as np
import pytest

import nnviz
from nnviz.data import load_preset, prepare


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def seed002_data():
    # X = (hours studying, hours sleeping), y = score on test
    X = np.array(([2, 9], [1, 5], [3, 6]), dtype=float)
    y = np.array(([92], [86], [89]), dtype=float)
    X = X / np.amax(X, axis=0)  # maximum of X array
    y = y / 100  # max test score is 100
    return X, y


class Seed002Network:
    """Seed 002's Neural_Network, as the tutorial writes it (Python 3 prints aside)."""

    def __init__(self, W1, W2):
        self.W1, self.W2 = W1.copy(), W2.copy()

    def forward(self, X):
        self.z = np.dot(X, self.W1)
        self.z2 = self.sigmoid(self.z)
        self.z3 = np.dot(self.z2, self.W2)
        o = self.sigmoid(self.z3)
        return o

    def sigmoid(self, s):
        return 1 / (1 + np.exp(-s))

    def sigmoidPrime(self, s):
        return s * (1 - s)

    def backward(self, X, y, o):
        self.o_error = y - o
        self.o_delta = self.o_error * self.sigmoidPrime(o)
        self.z2_error = self.o_delta.dot(self.W2.T)
        self.z2_delta = self.z2_error * self.sigmoidPrime(self.z2)
        self.W1 += X.T.dot(self.z2_delta)
        self.W2 += self.z2.T.dot(self.o_delta)

    def train(self, X, y):
        o = self.forward(X)
        self.backward(X, y, o)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_seed002_run_reproduced_exactly(seed):
    X, y = seed002_data()
    rng = np.random.default_rng(seed)
    W1, W2 = rng.standard_normal((2, 3)), rng.standard_normal((3, 1))
    NN = Seed002Network(W1, W2)
    printed_loss = []
    for _ in range(1000):  # trains the NN 1,000 times
        printed_loss.append(np.mean(np.square(y - NN.forward(X))))  # mean sum squared loss
        NN.train(X, y)

    # The seed's update is gradient descent on ½·Σ(y − o)² with learning rate 1, no biases.
    net = nnviz.Network([2, 3, 1], bias=False)
    net.weights = [W1, W2]
    trainer = nnviz.Trainer(net, X, y, loss="half_sse", learning_rate=1.0)
    mse = []
    for _ in range(1000):
        mse.append(net.loss(X, y, "mse"))
        trainer.step()

    assert np.max(np.abs(net.weights[0] - NN.W1)) < 1e-10
    assert np.max(np.abs(net.weights[1] - NN.W2)) < 1e-10
    assert np.allclose(mse, printed_loss, rtol=1e-9, atol=0)
    # what the trainer records is the ½·SSE of each step's forward pass
    assert np.allclose(trainer.history.train_loss, 1.5 * np.array(printed_loss), rtol=1e-9)


def test_seed002_prediction_in_user_units():
    df = load_preset("exam_scores")
    data = prepare(
        df, ["hours_studied", "hours_slept"], ["test_score"], scaling="max", target_max=100
    )
    X, y = seed002_data()
    assert np.array_equal(data.X_train, X) and np.array_equal(data.y_train, y)
    net = nnviz.Network([2, 3, 1], bias=False, seed=3)
    trainer = nnviz.Trainer(net, data.X_train, data.y_train, learning_rate=1.0)
    trainer.run(20_000)
    assert trainer.history.train_loss[-1] < 1e-4 * trainer.history.train_loss[0]
    new_row = data.scaler.transform_X([[4, 8]])  # 4 h studied, 8 h slept
    score = data.scaler.inverse_y(net.forward(new_row))[0, 0]
    assert 85 < score < 100  # about 90 points, in the user's units — not 0.9
    fitted = data.scaler.inverse_y(net.forward(data.X_train))
    assert np.allclose(fitted, [[92], [86], [89]], atol=1.0)


# Seed 001 prints the random weights it drew:
SEED001_W1 = np.array(
    [
        [-0.77428492, 0.10287792, 0.69741541, -0.95775929, 0.50670826],
        [0.80597415, -1.80287916, -0.3028974, -0.67473998, 0.56049986],
        [-0.81735613, 2.33120242, 1.07024909, -0.66092605, 1.46534629],
    ]
)
SEED001_W2 = np.array([[-2.42478319], [0.68046428], [0.33132679], [-0.16557226], [0.59223169]])


def seed000_loop(inputs, output, w1, w2, iterations=100):
    """Seeds 000/001's training loop, from their text: scalar biases b1 = b2 = 1."""
    w1, w2 = w1.copy(), w2.copy()
    b1 = 1
    b2 = 1
    error_list = []
    for _ in range(iterations):
        z1 = np.dot(inputs, w1) + b1
        a1 = sigmoid(z1)
        z2 = np.dot(a1, w2) + b2
        a2 = sigmoid(z2)
        error = np.sum((1 / 2) * (output - a2) ** 2)
        error_d_a2 = a2 - output
        a2_d_z2 = a2 * (1 - a2)
        z2_d_w2 = a1
        z2_d_b2 = b2
        delta_w2 = error_d_a2 * a2_d_z2
        delta_w2 = np.dot(z2_d_w2.T, delta_w2)
        delta_b2 = error_d_a2 * a2_d_z2
        delta_b2 = delta_b2 * z2_d_b2
        delta_b2 = np.sum(delta_b2)
        w2 = w2 - delta_w2
        b2 = b2 - delta_b2
        z2_d_a1 = w2
        a1_d_z1 = a1 * (1 - a1)
        z1_d_b1_w = b1
        delta_w1 = error_d_a2 * a2_d_z2
        delta_w1 = np.dot(delta_w1, z2_d_a1.T)
        delta_w1 = delta_w1 * a1_d_z1
        delta_w1 = np.dot(inputs.T, delta_w1)
        delta_b1 = error_d_a2 * a2_d_z2
        delta_b1 = np.dot(delta_b1, z2_d_a1.T)
        delta_b1 = delta_b1 * a1_d_z1
        delta_b1 = delta_b1 * z1_d_b1_w
        delta_b1 = np.sum(delta_b1)
        w1 = w1 - delta_w1
        b1 = b1 - delta_b1
        error_list.append(error)
    return np.array(error_list)


def test_seed000_network_trains_and_its_error_falls_as_the_tutorial_shows():
    df = load_preset("three_bits")
    data = prepare(df, ["bit1", "bit2", "bit3"], ["output"])
    inputs = np.array([[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 0, 1]])
    output = np.array([[0], [1], [0], [1], [0], [1]])
    assert np.array_equal(data.X_train, inputs) and np.array_equal(data.y_train, output)
    assert len(data.X_test) == 2  # "the rest of the rows will be test data"

    net = nnviz.Network([3, 5, 1])  # 3 inputs, 5 hidden neurons, 1 output
    net.weights = [SEED001_W1, SEED001_W2]
    net.biases = [np.ones(5), np.ones(1)]  # b1 = 1, b2 = 1
    trainer = nnviz.Trainer(
        net,
        data.X_train,
        data.y_train,
        loss="half_sse",
        learning_rate=1.0,
        X_test=data.X_test,
        y_test=data.y_test,
    )
    trainer.run(100)  # "Update the weights times 100."
    ours = trainer.history.train_loss
    theirs = seed000_loop(inputs, output, SEED001_W1, SEED001_W2)

    # The same first forward pass: error = Σ ½(output − a2)²
    assert ours[0] == pytest.approx(theirs[0], rel=1e-12)
    # Both fall, as the tutorial's error plot shows (ours is exact gradient descent with a
    # bias per neuron; the tutorial shares one scalar bias and uses the updated w2 in step 5).
    for errors in (ours, theirs):
        assert errors[-1] < 0.5 * errors[0]
        assert np.mean(np.diff(errors) < 0) > 0.9
    # and the trained network gets the two unseen rows right (output = last bit)
    assert np.array_equal(net.forward(data.X_test).round(), data.y_test)
