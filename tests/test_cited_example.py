"""The step-by-step example the note cites as reference [1], to its published figures.

The figures are published with 8 or 9 decimals. Each is compared to the core's value
within half a unit of its last printed digit (5e-10 for 9 decimals, 5e-9 for 8), i.e.
the core's value, rounded as the publication rounds, is the published figure.
"""

import pytest

from backprop import MAZUR


def assert_rounds_to(values, published: list[str]):
    for value, text in zip(values, published):
        decimals = len(text.split(".")[1])
        assert abs(value - float(text)) <= 0.5 * 10.0**-decimals + 1e-15, (value, text)


def test_forward_values_and_cost():
    result = MAZUR.network().backpropagate(MAZUR.input, MAZUR.target)
    assert_rounds_to(result.a[1][0], ["0.593269992", "0.596884378"])
    assert_rounds_to(result.a[2][0], ["0.75136507", "0.772928465"])
    assert_rounds_to([result.cost], ["0.298371109"])


def test_eight_weights_after_one_step():
    net = MAZUR.network()
    net.step(MAZUR.input, MAZUR.target, learning_rate=0.5)
    W1, W2 = net.weights
    w1_to_w8 = [W1[0, 0], W1[0, 1], W1[1, 0], W1[1, 1], W2[0, 0], W2[0, 1], W2[1, 0], W2[1, 1]]
    assert_rounds_to(
        w1_to_w8,
        ["0.149780716", "0.19956143", "0.24975114", "0.29950229",
         "0.35891648", "0.408666186", "0.511301270", "0.561370121"],
    )


def test_the_check_itself_rejects_a_wrong_figure():
    with pytest.raises(AssertionError):
        assert_rounds_to([0.149780716 + 2e-9], ["0.149780716"])
