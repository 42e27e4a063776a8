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
and the intermediates of a step live in preallocated work arrays (a
``Workspace``): a training step allocates nothing.

The training interface a trainer uses: ``check_inputs``/``check_targets`` (arrays
as the network wants them), ``workspace(n_rows)`` (work arrays for a batch size),
``backprop(X, Y, loss, work)`` (forward, loss and backward pass into ``grad``),
``unflatten(flat)`` (a flat vector as W and b views), and the vectors ``params``
and ``grad``.
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


@dataclass(slots=True, eq=False)
class LayerArrays:
    """The arrays one layer's forward and backward pass touch, for one batch size.

    ``W, b, dW, db`` are views into the network's ``params`` and ``grad``; ``Z, A,
    dA, dAdZ, dZ`` are work arrays (n_rows, size_l). The links to the layer below,
    ``A_prev_T`` (A_{l-1}ᵀ), ``W_T`` (W_lᵀ) and ``dA_prev`` (dA_{l-1}), are None for
    layer 1, whose input X comes with each pass.
    """

    f: Activation
    W: np.ndarray
    b: np.ndarray
    Z: np.ndarray
    A: np.ndarray
    dA: np.ndarray | None = None  # dL/dA_l (backward workspaces only, like the four below)
    dAdZ: np.ndarray | None = None  # dA_l/dZ_l
    dZ: np.ndarray | None = None  # dL/dZ_l
    dW: np.ndarray | None = None
    db: np.ndarray | None = None
    A_prev_T: np.ndarray | None = None
    W_T: np.ndarray | None = None
    dA_prev: np.ndarray | None = None


@dataclass(eq=False)
class Workspace:
    """Preallocated arrays for passes over ``n_rows`` rows: see ``Network.workspace``."""

    n_rows: int
    backward: bool  # holds the arrays of a backward pass too
    layers: list[LayerArrays]  # layer 1 … L
    from_output: list[LayerArrays] = field(default_factory=list)  # layer L … 1


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

    ``params`` holds every weight, then every bias, in one float64 vector (the
    weights are ``params[:n_weights]``); ``weights[i]`` and ``biases[i]`` are views
    into it. ``grad`` has the same layout and holds dL/dW, dL/db after ``backprop``.
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
        self._W, self._b = self.unflatten(self.params)
        self._dW, self._db = self.unflatten(self.grad)
        self._weights = _ParamList(self._W, "weights")
        self._biases = _ParamList(self._b, "biases")
        self._workspaces: OrderedDict = OrderedDict()
        self.initialize(self.seed)

    # ------------------------------------------------------------------ parameters
    def unflatten(self, flat: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(W list, b list): views into a vector laid out like ``params`` (no copy)."""
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

    # ------------------------------------------------------------------ training interface
    def release_workspaces(self) -> None:
        """Let go of the work arrays kept for passes (made again when next needed)."""
        self._workspaces.clear()

    def workspace(self, n_rows: int, backward: bool = True) -> Workspace:
        """Work arrays for passes over ``n_rows`` rows (``backward``: for ``backprop`` too).

        The network keeps the last few; a trainer keeps its own, so that passes over
        other row counts (test rows, a plane of points) never make it allocate again.
        """
        key = (n_rows, backward)
        ws = self._workspaces.get(key)
        if ws is not None:
            self._workspaces.move_to_end(key)
            return ws
        layers = [
            LayerArrays(f, W, b, Z=np.empty((n_rows, size)), A=np.empty((n_rows, size)))
            for f, W, b, size in zip(self._acts, self._W, self._b, self.layer_sizes[1:])
        ]
        if backward:
            for l, layer in enumerate(layers):
                shape = layer.Z.shape
                layer.dA, layer.dAdZ, layer.dZ = (np.empty(shape) for _ in range(3))
                layer.dW, layer.db = self._dW[l], self._db[l]
            for below, layer in zip(layers, layers[1:]):
                layer.A_prev_T, layer.W_T, layer.dA_prev = below.A.T, layer.W.T, below.dA
        ws = Workspace(n_rows, backward, layers, from_output=layers[::-1])
        self._workspaces[key] = ws
        while len(self._workspaces) > 4:
            self._workspaces.popitem(last=False)
        return ws

    def _forward(self, X: np.ndarray, work: Workspace) -> np.ndarray:
        """Z_l = A_{l-1} @ W_l + b_l;  A_l = f(Z_l). Call under np.errstate(all="ignore")."""
        A = X
        bias = self.bias
        for layer in work.layers:
            Z = np.dot(A, layer.W, out=layer.Z)
            if bias:
                np.add(Z, layer.b, out=Z)
            A = layer.f.forward(Z, out=layer.A)
        return A

    def backprop(
        self, X: np.ndarray, Y: np.ndarray, loss: Loss, work: Workspace, trace: bool = False
    ) -> float:
        """Forward pass, loss and backward pass: fills ``grad`` (dW, db) and returns L.

        ``X`` and ``Y`` come from ``check_inputs``/``check_targets``, ``loss`` from
        ``nnviz.losses.get_loss`` (checked against the output), ``work`` from
        ``workspace(len(X))``. Allocates nothing. The caller silences floating-point
        warnings and checks that L is finite. ``trace`` also fills dL/dA and dA/dZ of
        an output layer whose dZ comes straight from the logits, for the trace.
        """
        A_L = self._forward(X, work)
        out = work.from_output[0]
        if out.f.name in loss.fused_with:
            # dL/dZ straight from the logits: dL/dŷ and dŷ/dZ cancel into (ŷ − y)/N for
            # sigmoid + bce and softmax + cross_entropy, exact for saturated outputs
            value = loss.fused_value_and_dZ(out.Z, A_L, Y, out.dZ, out.f.name)
            if trace:
                loss.value_and_grad(A_L, Y, out.dA)
                if out.f.elementwise:
                    out.f.derivative(out.Z, A_L, out=out.dAdZ)
        else:
            value = loss.value_and_grad(A_L, Y, out.dA)  # dA_L = dL/dŷ  (error_d_a2)
            out.f.backward(out.dA, out.Z, A_L, out.dZ, out.dAdZ)  # dZ_L = dA_L ⊙ f'(Z_L)
        bias = self.bias
        for layer in work.from_output:
            if layer is not out:
                layer.f.backward(layer.dA, layer.Z, layer.A, layer.dZ, layer.dAdZ)  # dZ_l
            A_prev_T = X.T if layer.A_prev_T is None else layer.A_prev_T
            np.dot(A_prev_T, layer.dZ, out=layer.dW)  # dW_l = A_{l-1}ᵀ @ dZ_l
            if bias:
                np.add.reduce(layer.dZ, axis=0, out=layer.db)  # db_l = Σ_rows dZ_l
            if layer.W_T is not None:
                np.dot(layer.dZ, layer.W_T, out=layer.dA_prev)  # dA_{l-1} = dZ_l @ W_lᵀ
        return value

    def check_inputs(self, X) -> np.ndarray:
        """X as a C-contiguous float64 array (n_rows, n_inputs); one row may be 1-D.

        Raises ValueError naming the expected number of columns.
        """
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X.reshape(1, -1) if X.shape[0] == self.layer_sizes[0] else X.reshape(-1, 1)
        if X.ndim != 2 or X.shape[1] != self.layer_sizes[0]:
            raise ValueError(
                f"X must have {self.layer_sizes[0]} columns (one per input); got shape {X.shape}"
            )
        return np.ascontiguousarray(X)

    def check_targets(self, Y, n: int) -> np.ndarray:
        """Y as a C-contiguous float64 array (n, n_outputs); raises ValueError on a bad shape."""
        Y = np.asarray(Y, dtype=np.float64)
        k = self.layer_sizes[-1]
        if Y.ndim == 1:
            Y = Y.reshape(-1, k) if k > 1 else Y.reshape(-1, 1)
        if Y.shape != (n, k):
            raise ValueError(f"y must have shape ({n}, {k}); got {Y.shape}")
        return np.ascontiguousarray(Y)

    # ------------------------------------------------------------------ public maths
    def forward(self, X) -> np.ndarray:
        """ŷ = A_L for the rows of X: an array (n_rows, n_outputs)."""
        X = self.check_inputs(X)
        with np.errstate(all="ignore"):
            return self._forward(X, self.workspace(X.shape[0], False)).copy()

    def forward_layers(self, X) -> list[np.ndarray]:
        """[A_1, …, A_L]: every layer's activation for the rows of X (copies)."""
        return [layer.A.copy() for layer in self._forward_pass(X).layers]

    def pre_activations(self, X) -> list[np.ndarray]:
        """[Z_1, …, Z_L]: every layer's sums Z_l = A_{l-1} @ W_l + b_l for the rows of X."""
        return [layer.Z.copy() for layer in self._forward_pass(X).layers]

    def _forward_pass(self, X) -> Workspace:
        X = self.check_inputs(X)
        ws = self.workspace(X.shape[0], False)
        with np.errstate(all="ignore"):
            self._forward(X, ws)
        return ws

    def loss(self, X, y, loss="half_sse") -> float:
        """The loss of the current weights on (X, y), as training measures it."""
        X = self.check_inputs(X)
        Y = self.check_targets(y, X.shape[0])
        loss = self._loss_for_output(loss)
        ws = self.workspace(X.shape[0], False)
        with np.errstate(all="ignore"):
            A = self._forward(X, ws)
            if self.output_activation in loss.fused_with:
                return loss.fused_value_and_dZ(
                    ws.layers[-1].Z, A, Y, np.empty_like(A), self.output_activation
                )
            return loss.value(A, Y)

    def _loss_for_output(self, loss) -> Loss:
        loss = get_loss(loss)
        loss.check_output(self.output_activation)
        return loss

    def loss_and_gradients(self, X, y, loss="half_sse"):
        """(L, dW, db): the loss and its exact gradient, lists shaped like weights/biases.

        With ``bias=False`` every db is zero.
        """
        X = self.check_inputs(X)
        Y = self.check_targets(y, X.shape[0])
        loss = self._loss_for_output(loss)
        self.grad[...] = 0.0
        with np.errstate(all="ignore"):
            value = self.backprop(X, Y, loss, self.workspace(X.shape[0]))
        return value, [g.copy() for g in self._dW], [g.copy() for g in self._db]

    def backprop_trace(self, X, y, loss="half_sse") -> BackpropTrace:
        """Every intermediate of one forward and backward pass, per layer, with shapes."""
        X = self.check_inputs(X)
        Y = self.check_targets(y, X.shape[0])
        loss = self._loss_for_output(loss)
        self.grad[...] = 0.0
        ws = self.workspace(X.shape[0])
        with np.errstate(all="ignore"):
            value = self.backprop(X, Y, loss, ws, trace=True)
            layers = []
            A_prev = X
            for l, layer in enumerate(ws.layers):
                f = layer.f
                dAdZ = layer.dAdZ if f.elementwise else f.derivative(layer.Z, layer.A)
                layers.append(
                    LayerTrace(
                        layer=l + 1,
                        activation=f.name,
                        A_prev=A_prev.copy(),
                        W=layer.W.copy(),
                        b=layer.b.copy(),
                        Z=layer.Z.copy(),
                        A=layer.A.copy(),
                        dA=layer.dA.copy(),
                        dAdZ=np.array(dAdZ, copy=True),
                        dZ=layer.dZ.copy(),
                        dW=layer.dW.copy(),
                        db=layer.db.copy(),
                    )
                )
                A_prev = layer.A
        return BackpropTrace(loss=value, loss_name=loss.name, X=X.copy(), Y=Y.copy(), layers=layers)
