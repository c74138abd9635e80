"""backprop: the neural network of the note "Back propagation in a simple neural net".

The note's network, exact, for any layer sizes: layers 0 … L, the bias node's weights
in the last column of each W^(l), sigmoid, the quadratic cost, δ's with Hadamard
products, change matrices δ A, and W ← W − γ dC/dW with every change computed before
any weight changes.

>>> import backprop
>>> net = backprop.Network.from_weights(backprop.NOTE.weights)
>>> round(net.cost([0.1, 0.9], [0.3, 0.4]), 6)
0.189842
"""

from .activations import ACTIVATIONS
from .callbacks import EarlyStopping, StopAtTarget, TrainingDiverged
from .core import Pass
from .costs import COSTS
from .datasets import DATASETS, Dataset, load_dataset
from .examples import EXAMPLES, MAZUR, NOTE
from .explain import explain
from .initializers import INITIALIZERS
from .modelfile import Model, load_model, save_model
from .network import Network
from .optimizers import OPTIMIZERS, get_optimizer
from .training import History, train

__version__ = "0.1.0"

__all__ = [
    "Network",
    "History",
    "Pass",
    "train",
    "explain",
    "Dataset",
    "load_dataset",
    "Model",
    "save_model",
    "load_model",
    "get_optimizer",
    "EarlyStopping",
    "StopAtTarget",
    "TrainingDiverged",
    "DATASETS",
    "ACTIVATIONS",
    "COSTS",
    "INITIALIZERS",
    "OPTIMIZERS",
    "EXAMPLES",
    "NOTE",
    "MAZUR",
    "__version__",
]
