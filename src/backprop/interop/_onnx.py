"""ONNX: ``to_onnx(net, path)`` writes Gemm + activation nodes; ``from_onnx`` reads such graphs."""

from __future__ import annotations

import os

import numpy as np

from backprop._extras import require
from backprop.activations import LEAKY_SLOPE
from backprop.network import Network

from ._layers import affine, default_cost, join, network_functions, split

__all__ = ["to_onnx", "from_onnx", "OPSET", "IR_VERSION"]

# Opset 17 / IR 8 (ONNX 1.12, 2022): old enough for every current onnxruntime.
OPSET = 17
IR_VERSION = 8

_OPS = {
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "relu": "Relu",
    "leaky_relu": "LeakyRelu",
    "identity": "Identity",
    "softmax": "Softmax",
}
_NAMES = {op: name for name, op in _OPS.items()}
_SUPPORTED_TEXT = "Gemm, MatMul (+ Add), " + ", ".join(_OPS.values()) + ", PRelu(0.01)"


def _onnx():
    return require("onnx", "onnx", "ONNX interchange")


def to_onnx(net: Network, path: str | os.PathLike | None = None, *, scaler=None):
    """An ONNX model computing ``net.predict``; written to ``path`` if given, and returned.

    Input ``"input"`` (batch, n0), output ``"output"`` (batch, nL). Layer l is the node
    ``Gemm(a^(l-1), W_l, b_l, transB=1)``, i.e. A^(l-1) W^(l)ᵀ of eqs. (1)–(4), with
    ``W_l = W^(l)[:, :-1]`` and ``b_l = W^(l)[:, -1]``, then its activation node
    (``Identity`` for a linear layer; ``Softmax(axis=-1)``; ``LeakyRelu(alpha=0.01)`` in
    float32 and ``PRelu`` with a float64 slope tensor 0.01 in float64, as LeakyRelu's
    alpha is a float32 attribute).
    Tensors are float32 or float64 as the network is. Opset 17, IR version 8; the cost's
    name is kept in the metadata ``backprop.cost``.

    ``scaler``: an input scaler of ``backprop.preprocessing`` (a model file's); the graph
    then starts with ``Sub(offset)`` and ``Div(scale)`` nodes and takes raw inputs, as
    ``model.predict`` does. Its kind is kept in the metadata ``backprop.scaler``.
    """
    onnx = _onnx()
    helper, numpy_helper, TensorProto = onnx.helper, onnx.numpy_helper, onnx.TensorProto
    elem = TensorProto.FLOAT if net.dtype == np.float32 else TensorProto.DOUBLE
    nodes, initializers = [], []
    current = "input"
    properties = {"backprop.cost": net.cost_function.name}
    pair = affine(scaler, net.sizes[0])
    if pair is not None:
        offset, scale = pair
        initializers += [
            numpy_helper.from_array(offset.astype(net.dtype), "scaler_offset"),
            numpy_helper.from_array(scale.astype(net.dtype), "scaler_scale"),
        ]
        nodes += [
            helper.make_node("Sub", ["input", "scaler_offset"], ["shifted"], name="scaler_sub"),
            helper.make_node("Div", ["shifted", "scaler_scale"], ["scaled"], name="scaler_div"),
        ]
        current = "scaled"
        properties["backprop.scaler"] = scaler.to_dict()["kind"] if hasattr(scaler, "to_dict") else "standard"
    for l, (W, f) in enumerate(zip(net.weights, net.activations), start=1):
        if f.name not in _OPS:
            raise ValueError(f"activation {f.name!r} has no ONNX operator; supported: {', '.join(_OPS)}")
        weight, bias = split(W)
        initializers += [
            numpy_helper.from_array(np.ascontiguousarray(weight), f"W{l}"),
            numpy_helper.from_array(np.ascontiguousarray(bias), f"b{l}"),
        ]
        gemm = helper.make_node("Gemm", [current, f"W{l}", f"b{l}"], [f"z{l}"], name=f"layer{l}", transB=1)
        nodes.append(gemm)
        out = "output" if l == net.L else f"a{l}"
        op, inputs, attributes = _OPS[f.name], [f"z{l}"], {}
        if f.name == "softmax":
            attributes = {"axis": -1}
        elif f.name == "leaky_relu" and net.dtype == np.float32:
            attributes = {"alpha": LEAKY_SLOPE}
        elif f.name == "leaky_relu":
            # LeakyRelu's alpha is a float32 attribute (0.01 ≈ 0.00999999978); PRelu
            # takes the slope as a tensor, so float64 keeps 0.01 exactly.
            op = "PRelu"
            inputs.append(f"slope{l}")
            initializers.append(numpy_helper.from_array(np.array([LEAKY_SLOPE]), f"slope{l}"))
        nodes.append(helper.make_node(op, inputs, [out], name=f"{f.name}{l}", **attributes))
        current = out
    graph = helper.make_graph(
        nodes,
        "backprop",
        [helper.make_tensor_value_info("input", elem, ["batch", net.sizes[0]])],
        [helper.make_tensor_value_info("output", elem, ["batch", net.sizes[-1]])],
        initializer=initializers,
        doc_string=f"backprop network {net.sizes}",
    )
    model = helper.make_model(
        graph,
        producer_name="backprop",
        opset_imports=[helper.make_opsetid("", OPSET)],
        ir_version=IR_VERSION,
    )
    helper.set_model_props(model, properties)
    onnx.checker.check_model(model)
    if path is not None:
        onnx.save(model, os.fspath(path))
    return model


def _opset(model) -> int:
    versions = [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")]
    return max(versions) if versions else OPSET


def _attribute(node, name: str, default):
    for attr in node.attribute:
        if attr.name == name:
            return _onnx().helper.get_attribute_value(attr)
    return default


def from_onnx(model, *, cost: str | None = None, with_scaler: bool = False):
    """A ``Network`` from an ONNX model (a path or a ``ModelProto``) that is a chain of
    ``Gemm`` (or ``MatMul`` then ``Add``) nodes with constant weights, each optionally
    followed by one of Sigmoid, Tanh, Relu, LeakyRelu(alpha=0.01), Identity, Softmax
    (last axis): what ``to_onnx`` writes, and what common exporters write for an MLP.

    ``cost`` defaults to the one stored by ``to_onnx``, else cross-entropy for a softmax
    output and the quadratic cost otherwise. Anything else raises ``ValueError`` naming
    the first unsupported node by index, operator and name.

    A graph that starts with ``Sub`` and ``Div`` by constants (an input scaler, as
    ``to_onnx(..., scaler=)`` writes) is read with ``with_scaler=True``, which returns
    ``(network, scaler)`` (the scaler ``None`` when the graph has none).
    """
    onnx = _onnx()
    if not isinstance(model, onnx.ModelProto):
        model = onnx.load(os.fspath(model))
    graph = model.graph
    constants = {t.name: onnx.numpy_helper.to_array(t) for t in graph.initializer}
    inputs = [i.name for i in graph.input if i.name not in constants]
    if len(inputs) != 1:
        raise ValueError(f"the ONNX graph must have exactly one input; it has {inputs}")
    current = inputs[0]
    layers: list[list] = []  # [weight (n_out, n_in), bias or None, activation name or None]
    dtypes = set()
    offset = scale = None

    def unsupported(index, node, why):
        label = f"node {index} ({node.op_type}{' ' + repr(node.name) if node.name else ''})"
        return ValueError(f"{label} {why}; from_onnx reads a chain of {_SUPPORTED_TEXT}")

    def constant(index, node, name):
        if name not in constants:
            raise unsupported(index, node, f"takes {name!r}, which is not a constant initializer")
        dtypes.add(constants[name].dtype)
        return constants[name].astype(np.float64)

    for index, node in enumerate(graph.node):
        data = [name for name in node.input if name not in constants and name]
        if data != [current]:
            raise unsupported(index, node, f"does not continue the chain from {current!r}")
        op = node.op_type
        if op == "Sub" and index == 0 and node.input[0] == current:
            offset = constant(index, node, node.input[1]).reshape(-1)
        elif op == "Div" and index == 1 and offset is not None and node.input[0] == current:
            scale = constant(index, node, node.input[1]).reshape(-1)
        elif op == "Gemm":
            if _attribute(node, "transA", 0):
                raise unsupported(index, node, "has transA=1")
            B = constant(index, node, node.input[1])
            B = B.T if _attribute(node, "transB", 0) else B  # (n_in, n_out)
            weight = _attribute(node, "alpha", 1.0) * B.T
            bias = None
            if len(node.input) > 2 and node.input[2]:
                C = constant(index, node, node.input[2])
                if C.ndim == 2 and C.shape[0] == 1:  # a row (1, n_out), as some exporters write
                    C = C[0]
                if C.ndim > 1 or C.size not in (1, weight.shape[0]):
                    raise unsupported(index, node, f"has a bias C of shape {C.shape}, not ({weight.shape[0]},)")
                bias = _attribute(node, "beta", 1.0) * np.broadcast_to(C, weight.shape[:1])
            layers.append([weight, bias, None])
        elif op == "MatMul":
            if node.input[0] != current:
                raise unsupported(index, node, "multiplies the weights from the left")
            layers.append([constant(index, node, node.input[1]).T, None, None])
        elif op == "Add" and layers and layers[-1][1] is None and layers[-1][2] is None:
            other = [name for name in node.input if name != current][0]
            bias = constant(index, node, other).reshape(-1)
            layers[-1][1] = np.broadcast_to(bias, layers[-1][0].shape[:1])
        elif op == "PRelu" and layers and layers[-1][2] is None:
            slope = constant(index, node, node.input[1])
            if not np.allclose(slope, LEAKY_SLOPE, rtol=1e-6, atol=0):
                raise unsupported(index, node, f"has slopes other than {LEAKY_SLOPE}")
            layers[-1][2] = "leaky_relu"
        elif op in _NAMES:
            name = _NAMES[op]
            alpha = _attribute(node, "alpha", 0.01)
            if name == "leaky_relu" and not np.isclose(alpha, LEAKY_SLOPE, rtol=1e-6):
                raise unsupported(index, node, f"has alpha {alpha}, not {LEAKY_SLOPE}")
            if name == "softmax":
                # Softmax's default axis is -1 from opset 13 on, 1 before (2-D: the same).
                if _attribute(node, "axis", -1 if _opset(model) >= 13 else 1) not in (-1, 1):
                    raise unsupported(index, node, "is not over the last axis")
            if not layers or layers[-1][2] is not None:
                if name != "identity":
                    raise unsupported(index, node, "does not follow a Gemm or MatMul layer")
            else:
                layers[-1][2] = name
        else:
            raise unsupported(index, node, "is not supported")
        current = node.output[0]
    if not layers:
        raise ValueError("the ONNX graph has no Gemm or MatMul layer; nothing to import")
    outputs = [o.name for o in graph.output]
    if outputs != [current]:
        raise ValueError(f"the graph's output {outputs} is not the end of the chain {current!r}")
    if offset is not None and scale is None:
        raise ValueError("the ONNX graph starts with Sub but no Div: not an input scaler (x − offset) / scale")
    if offset is not None and not with_scaler:
        raise ValueError(
            "the ONNX graph scales its inputs first (Sub, Div); read it with "
            "from_onnx(..., with_scaler=True), which returns (network, scaler)"
        )
    names = [name or "identity" for _, _, name in layers]
    hidden, output = network_functions(names, lambda l: f"layer {l}")
    if cost is None:
        stored = {p.key: p.value for p in model.metadata_props}.get("backprop.cost")
        cost = stored if stored is not None else default_cost(output)
    dtype = np.float64 if dtypes == {np.dtype(np.float64)} else np.float32
    net = Network.from_weights(
        [join(w, b) for w, b, _ in layers], dtype, activation=hidden, output_activation=output, cost=cost
    )
    if not with_scaler:
        return net
    scaler = None
    if offset is not None:
        from backprop.preprocessing import scaler_from_dict

        n0 = net.sizes[0]
        kind = {p.key: p.value for p in model.metadata_props}.get("backprop.scaler", "standard")
        scaler = scaler_from_dict(
            {
                "kind": kind,
                "offset": np.broadcast_to(offset, (n0,)).tolist(),
                "scale": np.broadcast_to(scale, (n0,)).tolist(),
            }
        )
    return net, scaler
