"""A multilayer perceptron in plain NumPy, written the way the seed tutorials write it.

Row-major batches: X is (n, d), one row per example. For layer l = 1 … L::

    Z_l = A_{l-1} @ W_l + b_l        (n, size_{l-1}) @ (size_{l-1}, size_l) + (size_l,)
    A_l = f_l(Z_l)                   A_0 = X, ŷ = A_L

Backpropagation, from the output back (the seeds' "steps 1–8")::

    dA_L = dL/dŷ                     error_d_a2
    dZ_l = dA_l ⊙ f_l'(Z_l)          error_d_a2 * a2_d_z2
    dW_l = A_{l-1}ᵀ @ dZ_l           delta_w2 = np.dot(a1.T, ...)
    db_l = Σ_rows dZ_l               delta_b2 (one per neuron here)
    dA_{l-1} = dZ_l @ W_lᵀ           z2_d_a1 = w2

Every weight and bias lives in one flat float64 vector ``params`` (weights first,
then biases); ``weights[i]`` and ``biases[i]`` are views into it. An optimizer
updates all parameters with a couple of vector operations whatever the depth,
and the intermediates of a step live in preallocated work arrays: a training
step allocates nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from .activations import Activation, get_activation
from .initializers import get_init
from .losses import Loss, get_loss

MAX_LAYER_WIDTH = 4096


class _ParamList(list):
    """A list of views into the flat parameter vector.

    ``net.weights[i] = array`` copies the values into place (shape checked), so
    the views stay connected to the vector the optimizer updates.
    """

    def __init__(self, views, kind):
        super().__init__(views)
        self._kind = kind

    def __setitem__(self, i, value):
        if isinstance(i, slice):
            raise TypeError(f"assign {self._kind} one layer at a time")
        view = list.__getitem__(self, i)
        arr = np.asarray(value, dtype=np.float64)
        if arr.shape != view.shape:
            raise ValueError(
                f"{self._kind}[{i}] has shape {view.shape}; got an array of shape {arr.shape}"
            )
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{self._kind}[{i}] must be finite numbers")
        view[...] = arr

    def copy_values(self):
        return [v.copy() for v in self]


@dataclass
class _Workspace:
    """Preallocated arrays for one batch size: Z, A, dL/dA, dA/dZ, dZ per layer.

    ``forward_plan`` and ``backward_plan`` bundle, per layer, the arrays one pass
    touches, so the loops below do no indexing.
    """

    Z: list
    A: list
    dA: list = field(default_factory=list)
    dAdZ: list = field(default_factory=list)
    dZ: list = field(default_factory=list)
    forward_plan: list = field(default_factory=list)
    backward_plan: list = field(default_factory=list)


@dataclass
class LayerTrace:
    """Every named intermediate of one layer for one step (copies, safe to keep)."""

    layer: int  # 1-based, as the seeds number them
    activation: str
    A_prev: np.ndarray  # input of the layer (X for layer 1)
    W: np.ndarray
    b: np.ndarray
    Z: np.ndarray
    A: np.ndarray
    dA: np.ndarray  # dL/dA
    dAdZ: np.ndarray  # dA/dZ (a Jacobian per row for softmax)
    dZ: np.ndarray  # dL/dZ
    dW: np.ndarray  # dL/dW
    db: np.ndarray  # dL/db

    QUANTITIES = ("A_prev", "W", "b", "Z", "A", "dA", "dAdZ", "dZ", "dW", "db")

    def shapes(self) -> dict[str, tuple]:
        return {q: tuple(getattr(self, q).shape) for q in self.QUANTITIES}

    def seed_names(self, n_layers: int) -> dict[str, str]:
        """The names seeds 000/001 give these matrices (``a2_d_z2``, ``delta_w1`` …)."""
        k = self.layer
        prev = f"a{k - 1}" if k > 1 else "inputs"
        names = {
            "A_prev": prev,
            "W": f"w{k}",
            "b": f"b{k}",
            "Z": f"z{k}",
            "A": f"a{k}",
            "dA": f"error_d_a{k}" if k == n_layers else f"delta @ z{k + 1}_d_a{k}.T",
            "dAdZ": f"a{k}_d_z{k}",
            "dZ": f"error_d_z{k}",
            "dW": f"delta_w{k}",
            "db": f"delta_b{k}",
        }
        return names


@dataclass
class BackpropTrace:
    """One forward and backward pass with all its intermediates."""

    loss: float
    loss_name: str
    X: np.ndarray
    Y: np.ndarray
    layers: list[LayerTrace]

    def shapes(self) -> list[dict[str, tuple]]:
        return [layer.shapes() for layer in self.layers]


class Network:
    """A fully connected network ``layer_sizes[0] → … → layer_sizes[-1]``.

    >>> net = Network([2, 3, 1], seed=0)
    >>> [w.shape for w in net.weights]
    [(2, 3), (3, 1)]
    """

    def __init__(
        self,
        layer_sizes,
        activation: str = "sigmoid",
        output_activation: str = "sigmoid",
        bias: bool = True,
        init: str = "normal",
        seed: int | None = None,
    ):
        sizes = tuple(int(s) for s in layer_sizes)
        if len(sizes) < 2:
            raise ValueError("layer_sizes needs at least an input and an output size")
        if any(s < 1 or s > MAX_LAYER_WIDTH for s in sizes):
            raise ValueError(f"every layer size must be between 1 and {MAX_LAYER_WIDTH}: {sizes}")
        self.layer_sizes = sizes
        self.activation = get_activation(activation).name
        self.output_activation = get_activation(output_activation, output=True).name
        self.bias = bool(bias)
        self.init = init
        get_init(init)  # validate the name now
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1)[0])
        self.seed = int(seed)

        L = len(sizes) - 1
        self._acts: list[Activation] = [get_activation(self.activation)] * (L - 1) + [
            get_activation(self.output_activation, output=True)
        ]
        w_sizes = [sizes[i] * sizes[i + 1] for i in range(L)]
        self.n_weights = sum(w_sizes)
        self.n_params = self.n_weights + sum(sizes[1:])
        self.params = np.zeros(self.n_params)  # weights first, then biases
        self.grad = np.zeros(self.n_params)  # same layout: dW, then db
        self._W, self._b = self._views(self.params)
        self._dW, self._db = self._views(self.grad)
        self._weights = _ParamList(self._W, "weights")
        self._biases = _ParamList(self._b, "biases")
        self._workspaces: OrderedDict = OrderedDict()
        self.initialize(self.seed)

    # ------------------------------------------------------------------ parameters
    def _views(self, flat):
        sizes = self.layer_sizes
        W, b, pos = [], [], 0
        for i in range(len(sizes) - 1):
            n = sizes[i] * sizes[i + 1]
            W.append(flat[pos : pos + n].reshape(sizes[i], sizes[i + 1]))
            pos += n
        for i in range(len(sizes) - 1):
            b.append(flat[pos : pos + sizes[i + 1]])
            pos += sizes[i + 1]
        return W, b

    def initialize(self, seed: int | None = None) -> None:
        """Draw new weights with the network's init (the same seed gives the same weights)."""
        if seed is not None:
            self.seed = int(seed)
        rng = np.random.default_rng(self.seed)
        init = get_init(self.init)
        for i, W in enumerate(self._W):
            W[...] = init(rng, self.layer_sizes[i], self.layer_sizes[i + 1])
        for b in self._b:
            b[...] = 0.0

    @property
    def weights(self) -> list[np.ndarray]:
        """W_l of shape (layer_sizes[l], layer_sizes[l+1]); edit in place or assign."""
        return self._weights

    @weights.setter
    def weights(self, values) -> None:
        values = list(values)
        if len(values) != len(self._W):
            raise ValueError(f"expected {len(self._W)} weight matrices, got {len(values)}")
        for i, v in enumerate(values):
            self._weights[i] = v

    @property
    def biases(self) -> list[np.ndarray]:
        """b_l of shape (layer_sizes[l+1],); stays 0 when ``bias=False``."""
        return self._biases

    @biases.setter
    def biases(self, values) -> None:
        values = list(values)
        if len(values) != len(self._b):
            raise ValueError(f"expected {len(self._b)} bias vectors, got {len(values)}")
        for i, v in enumerate(values):
            self._biases[i] = v

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + the output layer)."""
        return len(self.layer_sizes) - 1

    @property
    def activations(self) -> list[str]:
        return [a.name for a in self._acts]

    def get_params(self) -> np.ndarray:
        return self.params.copy()

    def set_params(self, flat) -> None:
        flat = np.asarray(flat, dtype=np.float64)
        if flat.shape != self.params.shape:
            raise ValueError(f"expected {self.params.shape[0]} parameters, got {flat.shape}")
        self.params[...] = flat

    def copy(self) -> Network:
        other = Network(**self.config())
        other.params[...] = self.params
        return other

    def config(self) -> dict:
        return {
            "layer_sizes": list(self.layer_sizes),
            "activation": self.activation,
            "output_activation": self.output_activation,
            "bias": self.bias,
            "init": self.init,
            "seed": self.seed,
        }

    def __repr__(self) -> str:
        arch = "-".join(map(str, self.layer_sizes))
        return (
            f"Network({arch}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r}, bias={self.bias}, "
            f"params={self.n_params})"
        )

    # ------------------------------------------------------------------ work arrays
    def _workspace(self, n: int, backward: bool) -> _Workspace:
        key = (n, backward)
        ws = self._workspaces.get(key)
        if ws is not None:
            self._workspaces.move_to_end(key)
            return ws
        shapes = [(n, s) for s in self.layer_sizes[1:]]
        ws = _Workspace(Z=[np.empty(s) for s in shapes], A=[np.empty(s) for s in shapes])
        ws.forward_plan = list(zip(self._W, self._b, self._acts, ws.Z, ws.A))
        if backward:
            ws.dA = [np.empty(s) for s in shapes]
            ws.dAdZ = [np.empty(s) for s in shapes]
            ws.dZ = [np.empty(s) for s in shapes]
            # from the output back: (f, Z, A, dA, dA/dZ, dZ, A_prevᵀ, dW, db, Wᵀ, dA_prev)
            L = len(shapes)
            ws.backward_plan = [
                (
                    self._acts[l], ws.Z[l], ws.A[l], ws.dA[l], ws.dAdZ[l], ws.dZ[l],
                    ws.A[l - 1].T if l else None, self._dW[l], self._db[l],
                    self._W[l].T if l else None, ws.dA[l - 1] if l else None,
                )
                for l in range(L - 1, -1, -1)
            ]
        self._workspaces[key] = ws
        while len(self._workspaces) > 4:
            self._workspaces.popitem(last=False)
        return ws

    # ------------------------------------------------------------------ maths
    def _forward(self, X: np.ndarray, ws: _Workspace) -> np.ndarray:
        """Z_l = A_{l-1} @ W_l + b_l;  A_l = f(Z_l). Call under np.errstate(all="ignore")."""
        A = X
        bias = self.bias
        for W, b, act, Z, A_out in ws.forward_plan:
            np.dot(A, W, out=Z)
            if bias:
                np.add(Z, b, out=Z)
            A = act.forward(Z, out=A_out)
        return A

    def _backward(self, X, Y, loss: Loss, ws: _Workspace, trace: bool = False) -> float:
        """Forward, loss and backward pass; fills ``self.grad`` (dW, db). Returns L.

        Call under np.errstate(all="ignore"); the caller checks that L is finite.
        """
        A_L = self._forward(X, ws)
        out_act, Z_L, _, dA_L, dAdZ_L, dZ_L = ws.backward_plan[0][:6]
        if out_act.name in loss.fused_with:
            # dL/dZ straight from the logits: dL/dŷ and dŷ/dZ cancel into (ŷ − y)/N for
            # sigmoid + bce and softmax + cross_entropy, exact for saturated outputs
            value = loss.fused_value_and_dZ(Z_L, A_L, Y, dZ_L, out_act.name)
            if trace:
                loss.value_and_grad(A_L, Y, dA_L)
                if out_act.elementwise:
                    out_act.derivative(Z_L, A_L, out=dAdZ_L)
        else:
            value = loss.value_and_grad(A_L, Y, dA_L)  # dA_L = dL/dŷ  (error_d_a2)
            out_act.backward(dA_L, Z_L, A_L, dZ_L, dAdZ_L)  # dZ_L = dA_L ⊙ f'(Z_L)
        bias = self.bias
        output_layer = True
        for act, Z, A, dA, dAdZ, dZ, A_prev_T, dW, db, W_T, dA_prev in ws.backward_plan:
            if output_layer:
                output_layer = False
            else:
                act.backward(dA, Z, A, dZ, dAdZ)  # dZ_l = dA_l ⊙ f'(Z_l)
            np.dot(X.T if A_prev_T is None else A_prev_T, dZ, out=dW)  # dW_l = A_{l-1}ᵀ @ dZ_l
            if bias:
                np.add.reduce(dZ, axis=0, out=db)  # db_l = Σ_rows dZ_l
            if W_T is not None:
                np.dot(dZ, W_T, out=dA_prev)  # dA_{l-1} = dZ_l @ W_lᵀ
        return value

    # ------------------------------------------------------------------ public maths
    def _check_X(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X.reshape(1, -1) if X.shape[0] == self.layer_sizes[0] else X.reshape(-1, 1)
        if X.ndim != 2 or X.shape[1] != self.layer_sizes[0]:
            raise ValueError(
                f"X must have {self.layer_sizes[0]} columns (one per input); got shape {X.shape}"
            )
        return np.ascontiguousarray(X)

    def _check_Y(self, Y, n: int) -> np.ndarray:
        Y = np.asarray(Y, dtype=np.float64)
        k = self.layer_sizes[-1]
        if Y.ndim == 1:
            Y = Y.reshape(-1, k) if k > 1 else Y.reshape(-1, 1)
        if Y.shape != (n, k):
            raise ValueError(f"y must have shape ({n}, {k}); got {Y.shape}")
        return np.ascontiguousarray(Y)

    def forward(self, X) -> np.ndarray:
        """ŷ = A_L for the rows of X: an array (n_rows, n_outputs)."""
        X = self._check_X(X)
        with np.errstate(all="ignore"):
            return self._forward(X, self._workspace(X.shape[0], False)).copy()

    predict = forward

    def forward_layers(self, X) -> list[np.ndarray]:
        """[A_1, …, A_L]: every layer's activation for the rows of X (copies)."""
        X = self._check_X(X)
        ws = self._workspace(X.shape[0], False)
        with np.errstate(all="ignore"):
            self._forward(X, ws)
        return [A.copy() for A in ws.A]

    def loss(self, X, y, loss="half_sse") -> float:
        """The loss of the current weights on (X, y), as training measures it."""
        X = self._check_X(X)
        Y = self._check_Y(y, X.shape[0])
        loss = self._loss_for_output(loss)
        ws = self._workspace(X.shape[0], False)
        with np.errstate(all="ignore"):
            A = self._forward(X, ws)
            if self.output_activation in loss.fused_with:
                return loss.fused_value_and_dZ(ws.Z[-1], A, Y, np.empty_like(A),
                                               self.output_activation)
            return loss.value(A, Y)

    def _loss_for_output(self, loss) -> Loss:
        loss = get_loss(loss)
        loss.check_output(self.output_activation)
        return loss

    def loss_and_gradients(self, X, y, loss="half_sse"):
        """(L, dW, db): the loss and its exact gradient, lists shaped like weights/biases.

        With ``bias=False`` every db is zero.
        """
        X = self._check_X(X)
        Y = self._check_Y(y, X.shape[0])
        loss = self._loss_for_output(loss)
        self.grad[...] = 0.0
        with np.errstate(all="ignore"):
            value = self._backward(X, Y, loss, self._workspace(X.shape[0], True))
        return value, [g.copy() for g in self._dW], [g.copy() for g in self._db]

    def backprop_trace(self, X, y, loss="half_sse") -> BackpropTrace:
        """Every intermediate of one forward and backward pass, per layer, with shapes."""
        X = self._check_X(X)
        Y = self._check_Y(y, X.shape[0])
        loss = self._loss_for_output(loss)
        self.grad[...] = 0.0
        ws = self._workspace(X.shape[0], True)
        with np.errstate(all="ignore"):
            value = self._backward(X, Y, loss, ws, trace=True)
            layers = []
            for l, act in enumerate(self._acts):
                dAdZ = ws.dAdZ[l] if act.elementwise else act.derivative(ws.Z[l], ws.A[l])
                layers.append(
                    LayerTrace(
                        layer=l + 1,
                        activation=act.name,
                        A_prev=(X if l == 0 else ws.A[l - 1]).copy(),
                        W=self._W[l].copy(),
                        b=self._b[l].copy(),
                        Z=ws.Z[l].copy(),
                        A=ws.A[l].copy(),
                        dA=ws.dA[l].copy(),
                        dAdZ=np.array(dAdZ, copy=True),
                        dZ=ws.dZ[l].copy(),
                        dW=self._dW[l].copy(),
                        db=self._db[l].copy(),
                    )
                )
        return BackpropTrace(loss=value, loss_name=loss.name, X=X.copy(), Y=Y.copy(), layers=layers)
