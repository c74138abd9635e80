"""Networks in and out of other libraries: PyTorch, ONNX, scikit-learn.

``to_torch(net)`` / ``from_torch(module)``: a ``torch.nn.Sequential`` of ``Linear`` layers
and activations. ``to_onnx(net, path)`` / ``from_onnx(path)``: an ONNX graph of ``Gemm``
and activation nodes. ``from_sklearn(mlp)``: the weights of a fitted ``MLPClassifier`` or
``MLPRegressor``. ``to_json`` / ``from_json``: plain JSON, one weight matrix, bias and
activation per layer. Every ``from_*`` returns a ``backprop.Network`` that can be trained on.

The note's W^(l), shape (n_l, n_{l-1} + 1) with the biases in the last column, is a
``Linear`` layer's ``weight`` (n_l, n_{l-1}) beside its ``bias`` (n_l,), and the
transpose of scikit-learn's ``coefs_[l - 1]``. Each needs its optional package, imported
only when called (``pip install 'backprop[torch]'``, ``'backprop[onnx]'``,
``'backprop[sklearn]'``).
"""

from ._json import from_json, to_json
from ._onnx import from_onnx, to_onnx
from ._sklearn import from_sklearn
from ._torch import from_torch, to_torch

__all__ = ["to_torch", "from_torch", "to_onnx", "from_onnx", "from_sklearn", "to_json", "from_json"]
