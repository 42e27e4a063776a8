"""nnviz: a small multilayer perceptron in NumPy that trains step by step and shows its work."""

from . import metrics  # confusion matrix, per-class accuracy, R², RMSE
from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from .errors import DataError, TrainingDiverged
from .gradcheck import gradient_check, gradient_details
from .history import History
from .initializers import INITS
from .landscape import LossLandscape, loss_landscape
from .losses import LOSSES
from .network import BackpropTrace, LayerTrace, Network
from .optimizers import OPTIMIZERS
from .trainer import StepRecord, StepTrace, Trainer

__all__ = [
    "ACTIVATIONS",
    "HIDDEN_ACTIVATIONS",
    "INITS",
    "LOSSES",
    "OPTIMIZERS",
    "OUTPUT_ACTIVATIONS",
    "BackpropTrace",
    "DataError",
    "History",
    "LayerTrace",
    "LossLandscape",
    "Network",
    "StepRecord",
    "StepTrace",
    "Trainer",
    "TrainingDiverged",
    "gradient_check",
    "gradient_details",
    "loss_landscape",
    "metrics",
]

__version__ = "0.1.0"
