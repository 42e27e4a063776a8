"""What a user chooses: one frozen ``Settings`` for the data, the network and training.

The field names are the widgets' keys and the shareable link's parameters. Settings
know which of their changes rebuild the network (``network_key``) and which a running
trainer takes as it goes (learning rate, optimizer, batch size, momentum, L1/L2).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

from ..data import PRESETS, PreparedData

MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 16


@dataclass(frozen=True)
class Settings:
    """Everything a user chooses; the same names feed the widgets and the URL."""

    dataset: str = "exam_scores"
    inputs: tuple = ("hours_studied", "hours_slept")
    targets: tuple = ("test_score",)
    scaling: str = "max"
    target_max: float | None = 100.0
    hidden: tuple = (3,)
    activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    bias: bool = True
    init: str = "normal"
    seed: int = 0
    loss: str = "half_sse"
    optimizer: str = "sgd"
    learning_rate: float = 1.0
    batch_size: int | None = None  # None: every training row in each step
    momentum: float = 0.9
    l1: float = 0.0
    l2: float = 0.0

    @classmethod
    def for_preset(cls, name: str, **overrides) -> Settings:
        """The settings a preset was made for (seed 002's network for exam_scores)."""
        p = PRESETS[name]
        seeds = name in ("three_bits", "exam_scores")
        base = cls(
            dataset=name,
            inputs=tuple(p.inputs),
            targets=tuple(p.targets),
            scaling=p.scaling,
            target_max=p.target_max,
            hidden=tuple(p.hidden),
            activation="sigmoid" if seeds else "tanh",
            output_activation=p.output_activation,
            bias=name != "exam_scores",  # seed 002's network has no biases
            init="normal" if seeds else "xavier",
            loss=p.loss,
            learning_rate=p.learning_rate,
        )
        if name == "spiral":  # plain sgd needs many thousands of steps here
            base = replace(base, optimizer="adam", learning_rate=0.01)
        return replace(base, **overrides)

    @property
    def layer_sizes(self) -> tuple:
        return (len(self.inputs), *self.hidden, -1)  # -1: the output width comes from the data

    def data_key(self) -> tuple:
        return (self.inputs, self.targets, self.scaling, self.target_max, self.output_activation)

    def network_key(self) -> tuple:
        return (self.dataset, *self.data_key(), self.hidden, self.activation, self.bias,
                self.init, self.seed, self.loss)

    def check(self) -> None:
        """Raise ValueError for settings no widget should produce."""
        if not 0 <= len(self.hidden) <= MAX_HIDDEN_LAYERS:
            raise ValueError(f"0 to {MAX_HIDDEN_LAYERS} hidden layers; got {len(self.hidden)}")
        if any(not 1 <= int(h) <= MAX_NEURONS for h in self.hidden):
            raise ValueError(f"1 to {MAX_NEURONS} neurons per layer; got {self.hidden}")

    def to_dict(self) -> dict:
        return asdict(self)



def why_rebuilt(old: Settings, new: Settings) -> str:
    if new.dataset != old.dataset:
        title = PRESETS[new.dataset].title if new.dataset in PRESETS else "your table"
        return f"new data set: {title}"
    if new.data_key() != old.data_key():
        return "new input/target columns or scaling"
    if new.seed != old.seed:
        return f"new seed {new.seed}"
    return "the network changed"


def check_hot_settings(s: Settings, data: PreparedData) -> None:
    """Raise ValueError for settings a running trainer would refuse."""
    for name in ("l1", "l2"):
        value = getattr(s, name)
        if not (value >= 0 and math.isfinite(value)):
            raise ValueError(f"{name} must be a number >= 0; got {value}")
    if not (s.learning_rate > 0 and math.isfinite(s.learning_rate)):
        raise ValueError(f"The learning rate must be a positive number; got {s.learning_rate}")
    if s.batch_size is not None and s.batch_size < 1:
        raise ValueError(f"The batch size must be at least 1; got {s.batch_size}")
    if not 0 <= s.momentum < 1:
        raise ValueError(f"Momentum must be in [0, 1); got {s.momentum}")
