"""``backprop demo``: the note's example, one step in full, then trained to its target."""

from __future__ import annotations

import argparse

from ..examples import EXAMPLES, get_example
from ..training import train_until_close
from ._format import matrix, number, vector


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "demo",
        help="the note's example: one backpropagation step in full, then training",
        description="Work the note's example network [2, 2, 2] (input (0.1, 0.9), target "
        "(0.3, 0.4), the project's documented initial weights): the forward pass, the "
        "cost, the δ's, the change matrices and the updated weights, then train until "
        "every output is within the tolerance of its target.",
    )
    p.add_argument("--preset", default="note", choices=EXAMPLES.names(), help="the worked example (default: note)")
    p.add_argument("--learning-rate", type=float, default=None, help="γ (default: the example's, 0.5)")
    p.add_argument("--tolerance", type=float, default=0.01, help="stop when every output is this close to its target (default: 0.01)")
    p.add_argument("--every", type=int, default=10, help="print the cost every N steps (default: 10)")
    p.add_argument("--precision", type=int, default=6, help="decimals printed (default: 6)")
    return p


def run(args: argparse.Namespace) -> int:
    example = get_example(args.preset)
    gamma = example.learning_rate if args.learning_rate is None else args.learning_rate
    if args.every < 1:
        raise ValueError(f"--every must be a positive integer; got {args.every}")
    p = args.precision
    net = example.network()
    out = []
    out.append(f"The network {net.sizes}: {example.description}, γ = {gamma}")
    out.append("")
    out.append("Initial weights (row j = end neuron j; last column = bias node):")
    for l, W in enumerate(net.weights, start=1):
        out.append(f"  W^({l}) =")
        out.append(matrix(W, precision=p))
    out.append("")
    result = net.backpropagate(example.x, example.t)
    out.append("Forward pass, eqs. (1)-(4):")
    out.append(f"  a^(0) = {vector(result.a[0], p)}")
    for l in range(1, net.L + 1):
        out.append(f"  z^({l}) = A^({l - 1}) W^({l})ᵀ = {vector(result.z[l - 1], p)}")
        out.append(f"  a^({l}) = σ(z^({l}))     = {vector(result.a[l], p)}")
    out.append(f"  T     = {vector(example.t, p)}")
    out.append("")
    out.append(f"Cost, eq. (5): C = ½ Σ_j (a_j^({net.L}) − T_j)² = {number(result.cost, p)}")
    out.append("")
    out.append("Backpropagation:")
    for l in range(net.L, 0, -1):
        if l == net.L:
            formula = f"(a^({l}) − T) ⊙ a^({l})(1 − a^({l}))"
        else:
            formula = f"a^({l})(1 − a^({l})) ⊙ W^({l + 1})ᵀ δ^({l + 1})"
        out.append(f"  δ^({l}) = {formula} = {vector(result.deltas[l - 1], p)}")
        out.append(f"  dC/dW^({l}) = δ^({l}) A^({l - 1}) =")
        out.append(matrix(result.change_matrices[l - 1], precision=p))
    out.append("")
    net.step(example.x, example.t, gamma)
    out.append(f"Updated weights, W ← W − γ dC/dW (all changes computed first), γ = {gamma}:")
    for l, W in enumerate(net.weights, start=1):
        out.append(f"  W^({l}) =")
        out.append(matrix(W, precision=p))
    out.append("")
    print("\n".join(out))

    net = example.network()
    costs = train_until_close(net, example.x, example.t, args.tolerance, gamma)
    print(f"Training until every output is within {args.tolerance} of its target:")
    for step in range(0, len(costs), args.every):
        print(f"  step {step:5d}   C = {number(costs[step], p)}")
    final = net.predict(example.x)
    print(f"  step {len(costs):5d}   C = {number(net.cost(example.x, example.t), p)}")
    print(f"Done in {len(costs)} steps: a^({net.L}) = {vector(final, p)}, T = {vector(example.t, p)}")
    return 0
