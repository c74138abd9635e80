"""``backprop export MODEL --format onnx|torch|json --out FILE``: a model file for other runtimes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = ("onnx", "torch", "json")


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "export",
        help="write a saved model as ONNX, a PyTorch state_dict or plain JSON",
        description="Convert a model file (from `backprop train --out`) for other runtimes. "
        "onnx: an ONNX graph (Gemm + activation nodes; the input scaler as Sub/Div nodes) "
        "that onnxruntime runs on raw inputs; needs backprop[onnx]. "
        "torch: torch.save of the state_dict of the equivalent torch.nn.Sequential "
        "(Linear + activation modules; the input scaler folded into the first Linear); "
        "the command prints the Sequential to build before load_state_dict; needs PyTorch. "
        "json: one weight matrix, bias and activation per layer, with the scaler and labels.",
    )
    p.add_argument("model", metavar="MODEL", help="a model file written by `backprop train --out`")
    p.add_argument("--format", required=True, choices=FORMATS, help="what to write")
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    p.add_argument("--no-scaler", action="store_true", help="export the network alone, for inputs scaled already")
    return p


def _torch_code(module) -> str:
    """The Python expression that rebuilds ``module`` (a Sequential of plain modules)."""
    parts = []
    for child in module:
        text = repr(child)
        if type(child).__name__ == "Linear":
            dtype = ", dtype=torch.float64" if str(child.weight.dtype) == "torch.float64" else ""
            text = f"Linear({child.in_features}, {child.out_features}{dtype})"
        parts.append("nn." + text)
    return "nn.Sequential(" + ", ".join(parts) + ")"


def run(args: argparse.Namespace) -> int:
    from ..modelfile import load_model

    if Path(args.out).resolve() == Path(args.model).resolve():
        raise ValueError(f"--out {args.out} is the model file itself; choose another file")
    model = load_model(args.model)
    net = model.network
    scaler = None if args.no_scaler else model.scaler
    if args.format == "onnx":
        from ..interop import to_onnx
        from ..interop._onnx import OPSET

        to_onnx(net, args.out, scaler=scaler)
        n0, nL = net.sizes[0], net.sizes[-1]
        print(f"wrote {args.out}: ONNX opset {OPSET}, input 'input' (batch, {n0}), output 'output' (batch, {nL})")
    elif args.format == "torch":
        from .._extras import require
        from ..interop import to_torch

        torch = require("torch", "torch", "export --format torch")
        module = to_torch(net, scaler=scaler)
        torch.save(module.state_dict(), args.out)
        print(f"wrote {args.out}: torch.save of a state_dict; load it with")
        print(f"  module = {_torch_code(module)}")
        print(f"  module.load_state_dict(torch.load({args.out!r}, weights_only=True))")
    else:
        from ..interop import to_json

        to_json(net, args.out, scaler=scaler, labels=model.labels)
        print(f"wrote {args.out}: JSON, {net.L} layers (weight, bias, activation)")
    if scaler is not None and getattr(scaler, "kind", "none") != "none":
        how = {
            "onnx": "the graph's first nodes (Sub, Div)",
            "torch": "folded into the first Linear layer",
            "json": "stored under 'scaler'",
        }
        print(f"the export takes raw inputs: the model's {scaler.kind} input scaler is {how[args.format]}", file=sys.stderr)
    return 0
