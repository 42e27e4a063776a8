"""Every registry entry declares what the rest of nnviz reads from it, and it is true.

Activations declare their formulas, output range and kink; losses their formula and
gradient; optimizers their update rule. Data checks, accuracy, the charts' colour
scales, the gradient check and the inspector all read these declarations.
"""

import math
import string

import numpy as np
import pandas as pd
import pytest

import nnviz
from nnviz.activations import ACTIVATIONS, Activation
from nnviz.app.explorer import infer_task
from nnviz.app.inspector import inspect_step
from nnviz.data import prepare
from nnviz.errors import DataError
from nnviz.losses import LOSSES, Loss
from nnviz.optimizers import OPTIMIZERS, Optimizer

Z_WIDE = np.linspace(-50.0, 50.0, 2001).reshape(-1, 1)


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_every_activation_declares_its_own_facts(name):
    act = ACTIVATIONS[name]
    assert act.name == name
    own = vars(type(act))
    for attr in ("name", "formula", "derivative_formula", "output_range"):
        assert attr in own, f"{name} inherits {attr} instead of declaring it"
    assert placeholders(act.formula) <= {"Z", "A"} and "Z" in placeholders(act.formula)
    assert placeholders(act.derivative_formula) <= {"Z", "A"}
    low, high = act.output_range
    assert low < high and not math.isnan(low) and not math.isnan(high)


def test_the_base_classes_hold_no_default_a_new_entry_could_inherit_by_mistake():
    for attr in ("name", "formula", "derivative_formula", "output_range"):
        assert not hasattr(Activation, attr), attr
    for attr in ("name", "formula", "gradient_formula"):
        assert not hasattr(Loss, attr), attr
    assert not hasattr(Optimizer, "name") and not hasattr(Optimizer, "formula")


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_output_range_is_what_the_activation_produces(name):
    act = ACTIVATIONS[name]
    Z = np.hstack([Z_WIDE, -Z_WIDE]) if name == "softmax" else Z_WIDE
    out = act(Z)
    low, high = act.output_range
    assert np.all(out >= low) and np.all(out <= high)
    # and it is the tightest range: the outputs come close to both ends
    for end, closest in ((low, out.min()), (high, out.max())):
        if math.isfinite(end):
            assert closest == pytest.approx(end, abs=1e-6)
        else:
            assert abs(closest) >= 0.4  # unbounded: still growing at |z| = 50


@pytest.mark.parametrize("name", [n for n, a in ACTIVATIONS.items() if a.elementwise])
def test_kink_is_where_the_derivative_jumps(name):
    act = ACTIVATIONS[name]
    eps = 1e-9
    at = 0.0 if act.kink is None else act.kink
    Z = np.array([[at - eps, at + eps]])
    slope = act.derivative(Z, act(Z), out=np.empty_like(Z))
    jumps = abs(slope[0, 1] - slope[0, 0]) > 1e-3
    assert jumps == (act.kink is not None)


@pytest.mark.parametrize(
    "output,labels,task",
    [
        ("sigmoid", (0.0, 1.0), "binary"),
        ("tanh", (-1.0, 1.0), "binary"),
        ("tanh", (0.0, 1.0), "regression"),  # 0 is no end of tanh's range
        ("linear", (0.0, 1.0), "regression"),  # an unbounded output has no ends
    ],
)
def test_binary_labels_sit_at_the_ends_of_the_output_range(output, labels, task):
    table = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "y": [*labels, *labels]})
    data = prepare(table, ["x"], ["y"], output_activation=output)
    assert infer_task(data, output) == task


def test_a_target_outside_the_output_range_is_refused_with_that_range():
    for name, act in ACTIVATIONS.items():
        if name == "softmax" or not math.isfinite(act.output_range[1]):
            continue
        table = pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 2 * act.output_range[1]]})
        with pytest.raises(DataError, match=f"outside the {name} output's range"):
            prepare(table, ["x"], ["y"], output_activation=name)


@pytest.mark.parametrize("name", list(LOSSES))
def test_every_loss_declares_its_formula_and_gradient(name):
    loss = LOSSES[name]
    assert loss.name == name
    for attr in ("name", "formula", "gradient_formula"):
        assert attr in vars(type(loss)), f"{name} inherits {attr}"
    assert {"A", "Y"} <= placeholders(loss.formula) <= {"A", "Y"}
    assert "A" in placeholders(loss.gradient_formula)
    assert loss.equation(A="A₂").startswith("L = ") and "A₂" in loss.equation(A="A₂")


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_declares_its_update_rule(name):
    cls = OPTIMIZERS[name]
    assert cls.name == name and "formula" in vars(cls)
    assert placeholders(cls.formula) == {"W", "dW"}
    rule = cls.equation(W="W₁", dW="dW₁")
    assert "W₁ ←" in rule and "dW₁" in rule


@pytest.mark.parametrize(
    "hidden,output,loss,optimizer",
    [
        ("relu", "sigmoid", "bce", "adam"),
        ("tanh", "softmax", "cross_entropy", "momentum"),
        ("leaky_relu", "linear", "mse", "sgd"),
    ],
)
def test_the_inspector_writes_each_entry_s_own_formulas(hidden, output, loss, optimizer):
    rng = np.random.default_rng(0)
    net = nnviz.Network([2, 3, 2], activation=hidden, output_activation=output, seed=0)
    Y = np.eye(2)[rng.integers(0, 2, 4)]
    t = nnviz.Trainer(
        net, rng.normal(size=(4, 2)), Y, loss=loss, optimizer=optimizer, learning_rate=0.1
    )
    by = {(s.quantity, s.layer): s.notation for s in inspect_step(t.trace())}
    for k, name in ((1, hidden), (2, output)):
        act = ACTIVATIONS[name]
        sub = "₁₂"[k - 1]
        assert by[("A", k)] == act.equation(Z=f"Z{sub}", A=f"A{sub}")
        assert by[("dAdZ", k)] == act.derivative_equation(Z=f"Z{sub}", A=f"A{sub}")
    assert by[("loss", 0)].startswith(LOSSES[loss].equation(A="A₂", Y="Y"))
    assert by[("dA", 2)] == LOSSES[loss].gradient_equation(A="A₂", Y="Y")
    assert by[("W_new", 1)].startswith(OPTIMIZERS[optimizer].equation(W="W₁", dW="dW₁"))
    assert by[("b_new", 2)].startswith(OPTIMIZERS[optimizer].equation(W="b₂", dW="db₂"))
