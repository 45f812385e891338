"""RNN (the single-step basic RNN, float32) against LiteRT: h = act(b + W x + R h) per invoke,
every activation, odd and size-1 sizes, batch > 1, and the hidden state carried from one invoke
to the next and reset. Float tolerance: check_op's."""

import numpy as np
import pytest

from op_testing import ACTIVATIONS, F32, assert_rejected, check_op
from recurrent_cases import check_invokes, random_invokes, state, weights

OP = "RNN"


def operands(batch=2, n_input=5, units=6, seed=0):
    return [((batch, n_input), F32), weights((units, n_input), seed + 1),
            weights((units, units), seed + 2), weights((units,), seed + 3),
            state((batch, units))]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activations(activation):
    check_op(OP, operands(), options=dict(fused_activation_function=activation))


@pytest.mark.parametrize("sizes", [(1, 1, 1), (3, 7, 3), (1, 28, 20), (4, 40, 33)],
                         ids=lambda s: "x".join(map(str, s)))
def test_sizes(sizes):
    check_op(OP, operands(*sizes), options=dict(fused_activation_function="TANH"))


@pytest.mark.parametrize("activation", ["TANH", "RELU"])
def test_steps_across_invokes(activation):
    ops = operands()
    invokes = random_invokes(ops[0][0], 5, seed=2)
    invokes[3] = invokes[0]
    check_invokes(OP, ops, invokes, dict(fused_activation_function=activation),
                  reset_before=(3,))


def test_hybrid_weights_are_unimplemented():
    ops = operands()
    for k in (1, 2):
        ops[k] = (np.round(ops[k] * 100).astype(np.int8), dict(scale=0.01, zero_point=0))
    assert_rejected(OP, ops, match="INT8: hybrid")


def test_inconsistent_state_is_rejected():
    ops = operands()
    ops[4] = state((3, 6))
    assert_rejected(OP, ops, match="hidden state .* expected 12 elements", litert_rejects=True)


def test_rank_3_input_is_rejected():
    ops = operands()
    ops[0] = ((1, 2, 5), F32)
    assert_rejected(OP, ops, match="expected rank 2")
