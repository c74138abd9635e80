"""The note's example worked by hand: every written-out equation, as scalars.

Each expression below is the note's, typed from the note with its misprints corrected
(see docs/notation.md): eqs. (1)–(4), the cost (5), and every entry of the change
matrices dC/dW^(2) and dC/dW^(1). They must equal the matrix results of the core.
"""

import numpy as np
import pytest

from backprop import NOTE, Network


def s(x):
    # σ(x) = 1/(1 + e^{−x}); the note prints 1/(1 − e^{−x}) (misprint 1).
    return 1.0 / (1.0 + np.exp(-x))


@pytest.fixture
def hand():
    """The note's example worked out in scalars, one symbol per variable."""
    (w1, w2) = NOTE.weights
    (w00_1, w01_1, w02_1), (w10_1, w11_1, w12_1) = w1
    (w00_2, w01_2, w02_2), (w10_2, w11_2, w12_2) = w2
    a0_0, a1_0 = NOTE.input
    T0, T1 = NOTE.target
    h = {}
    # (1) and (2); misprint 2: the bias of neuron 0 is w_02^(1), not w_12^(1).
    h["a0_1"] = a0_1 = s(w00_1 * a0_0 + w01_1 * a1_0 + w02_1)
    h["a1_1"] = a1_1 = s(w10_1 * a0_0 + w11_1 * a1_0 + w12_1)
    # (3) and (4)
    h["a0_2"] = a0_2 = s(w00_2 * a0_1 + w01_2 * a1_1 + w02_2)
    h["a1_2"] = a1_2 = s(w10_2 * a0_1 + w11_2 * a1_1 + w12_2)
    # (5)
    h["C"] = 0.5 * (a0_2 - T0) ** 2 + 0.5 * (a1_2 - T1) ** 2
    # the change matrix of layer 2, entry by entry as the note writes it
    h["dW2"] = np.array(
        [
            [
                (a0_2 - T0) * a0_2 * (1 - a0_2) * a0_1,
                (a0_2 - T0) * a0_2 * (1 - a0_2) * a1_1,
                (a0_2 - T0) * a0_2 * (1 - a0_2) * 1,
            ],
            [
                (a1_2 - T1) * a1_2 * (1 - a1_2) * a0_1,
                (a1_2 - T1) * a1_2 * (1 - a1_2) * a1_1,
                (a1_2 - T1) * a1_2 * (1 - a1_2) * 1,
            ],
        ]
    )
    d0_2 = (a0_2 - T0) * a0_2 * (1 - a0_2)
    d1_2 = (a1_2 - T1) * a1_2 * (1 - a1_2)
    h["delta2"] = np.array([d0_2, d1_2])
    # the change matrix of layer 1, the six written-out sums; misprint 4 corrected in
    # dC/dw_11^(1): a_1^(1)(1 − a_1^(1)) (w_01^(2) δ_0^(2) + w_11^(2) δ_1^(2)) a_1^(0)
    A, B = (a0_2 - T0) * a0_2 * (1 - a0_2), (a1_2 - T1) * a1_2 * (1 - a1_2)
    h["dW1"] = np.array(
        [
            [
                A * w00_2 * a0_1 * (1 - a0_1) * a0_0 + B * w10_2 * a0_1 * (1 - a0_1) * a0_0,
                A * w00_2 * a0_1 * (1 - a0_1) * a1_0 + B * w10_2 * a0_1 * (1 - a0_1) * a1_0,
                A * w00_2 * a0_1 * (1 - a0_1) * 1 + B * w10_2 * a0_1 * (1 - a0_1) * 1,
            ],
            [
                A * w01_2 * a1_1 * (1 - a1_1) * a0_0 + B * w11_2 * a1_1 * (1 - a1_1) * a0_0,
                A * w01_2 * a1_1 * (1 - a1_1) * a1_0 + B * w11_2 * a1_1 * (1 - a1_1) * a1_0,
                A * w01_2 * a1_1 * (1 - a1_1) * 1 + B * w11_2 * a1_1 * (1 - a1_1) * 1,
            ],
        ]
    )
    # δ^(1) = D^(1) w^(2)ᵀ δ^(2); misprint 3: D^(1)'s second entry is a_1^(1)(1 − a_1^(1))
    h["delta1"] = np.array(
        [
            a0_1 * (1 - a0_1) * (d0_2 * w00_2 + d1_2 * w10_2),
            a1_1 * (1 - a1_1) * (d0_2 * w01_2 + d1_2 * w11_2),
        ]
    )
    return h


def test_forward_pass_equals_equations_1_to_4(hand):
    a = NOTE.network().forward(NOTE.input)
    np.testing.assert_allclose(a[0], NOTE.input, rtol=0, atol=0)
    np.testing.assert_allclose(a[1], [hand["a0_1"], hand["a1_1"]], rtol=0, atol=1e-12)
    np.testing.assert_allclose(a[2], [hand["a0_2"], hand["a1_2"]], rtol=0, atol=1e-12)


def test_cost_equals_equation_5(hand):
    assert abs(NOTE.network().cost(NOTE.input, NOTE.target) - hand["C"]) < 1e-12


def test_change_matrices_equal_every_written_out_entry(hand):
    dW1, dW2 = NOTE.network().gradients(NOTE.input, NOTE.target)
    np.testing.assert_allclose(dW2, hand["dW2"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(dW1, hand["dW1"], rtol=0, atol=1e-12)


def test_deltas_and_outer_products(hand):
    result = NOTE.network().backpropagate(NOTE.input, NOTE.target)
    np.testing.assert_allclose(result.deltas[1][0], hand["delta2"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.deltas[0][0], hand["delta1"], rtol=0, atol=1e-12)
    # dC/dW^(l) = δ^(l) A^(l-1), an outer product with A = (a, 1)
    A0 = np.append(NOTE.input, 1.0)
    A1 = np.append(result.a[1][0], 1.0)
    np.testing.assert_allclose(result.change_matrices[1], np.outer(hand["delta2"], A1), atol=1e-15)
    np.testing.assert_allclose(result.change_matrices[0], np.outer(hand["delta1"], A0), atol=1e-15)


def test_misprinted_sigmoid_is_not_used():
    # 1/(1 − e^{−x}) would give infinity at 0 and values outside (0, 1).
    net = Network.from_weights([np.zeros((1, 2))])
    assert net.predict([0.0]) == pytest.approx([0.5], abs=0)


def test_step_is_the_documented_update(hand):
    net = NOTE.network()
    before = [W.copy() for W in net.weights]
    cost = net.step(NOTE.input, NOTE.target, 0.5)
    assert cost == pytest.approx(hand["C"], abs=1e-12)
    np.testing.assert_allclose(net.weights[1], before[1] - 0.5 * hand["dW2"], atol=1e-12)
    np.testing.assert_allclose(net.weights[0], before[0] - 0.5 * hand["dW1"], atol=1e-12)


def test_demo_values_are_pinned():
    # The numbers docs/notation.md and `backprop demo` show for the note's example.
    result = NOTE.network().backpropagate(NOTE.input, NOTE.target)
    assert result.cost == pytest.approx(0.189842, abs=5e-7)
    np.testing.assert_allclose(result.a[2][0], [0.873557, 0.625202], atol=5e-7)
