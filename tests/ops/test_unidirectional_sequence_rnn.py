"""UNIDIRECTIONAL_SEQUENCE_RNN (float32) against LiteRT: h_t = act(b + W x_t + R h_{t-1}) over
both layouts, batch > 1, every activation, odd and size-1 sizes, and the hidden state carried
across invokes and reset. Float tolerance: check_op's. The hybrid kernel (INT8 weights) over
activations, layouts, sizes, both asymmetric_quantize_inputs values and zero rows and steps,
against TFLite's hybrid kernels."""

import numpy as np
import pytest

from op_testing import ACTIVATIONS, F32, assert_rejected, check_op
from recurrent_cases import check_uint8_weights_refused
from recurrent_cases import (RNN_WEIGHTS, check_hybrid_invokes, check_invokes, hybrid_operands,
                             random_invokes, state, weights, zero_rows)

OP = "UNIDIRECTIONAL_SEQUENCE_RNN"


def operands(batch=2, time=4, n_input=5, units=6, time_major=False, seed=0):
    shape = (time, batch, n_input) if time_major else (batch, time, n_input)
    return [(shape, F32), weights((units, n_input), seed + 1), weights((units, units), seed + 2),
            weights((units,), seed + 3), state((batch, units))]


@pytest.mark.parametrize("time_major", [False, True])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activations(activation, time_major):
    check_op(OP, operands(time_major=time_major),
             options=dict(time_major=time_major, fused_activation_function=activation))


@pytest.mark.parametrize("time_major", [False, True])
@pytest.mark.parametrize("sizes", [(1, 1, 1, 1), (3, 5, 7, 3), (1, 16, 28, 20), (2, 3, 40, 33)],
                         ids=lambda s: "x".join(map(str, s)))
def test_sizes(sizes, time_major):
    check_op(OP, operands(*sizes, time_major=time_major),
             options=dict(time_major=time_major, fused_activation_function="TANH"))


@pytest.mark.parametrize("time_major", [False, True])
def test_state_carries_across_invokes_and_resets(time_major):
    ops = operands(time_major=time_major)
    invokes = random_invokes(ops[0][0], 4, seed=1)
    invokes[2] = invokes[0]
    check_invokes(OP, ops, invokes, dict(time_major=time_major, fused_activation_function="TANH"),
                  reset_before=(2,))


# --- hybrid kernel (float input and state, INT8 weights) -------------------------------------

def hybrid_case(batch=3, time=4, n_input=5, units=6, time_major=False, invokes=3, seed=1):
    """Hybrid operands and invokes with one zero step (all rows) and one zero row."""
    ops = hybrid_operands(operands(batch, time, n_input, units, time_major), RNN_WEIGHTS)
    x = random_invokes(ops[0][0], invokes, seed=seed)
    t0, t1 = time // 2, time - 1
    whole, row = ((t0,), (t1, 0)) if time_major else ((slice(None), t0), (0, t1))
    return ops, zero_rows(x, [(0, whole), (invokes - 1, row)])


@pytest.mark.parametrize("asymmetric", [False, True])
@pytest.mark.parametrize("time_major", [False, True])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_hybrid_activations(activation, time_major, asymmetric):
    ops, x = hybrid_case(time_major=time_major)
    check_hybrid_invokes(OP, ops, x, dict(time_major=time_major, fused_activation_function=activation,
                                          asymmetric_quantize_inputs=asymmetric),
                         reset_before=(2,))


@pytest.mark.parametrize("asymmetric", [False, True])
@pytest.mark.parametrize("time_major", [False, True])
@pytest.mark.parametrize("sizes", [(1, 1, 1, 1), (3, 5, 7, 3), (1, 16, 28, 20), (2, 3, 40, 33)],
                         ids=lambda s: "x".join(map(str, s)))
def test_hybrid_sizes(sizes, time_major, asymmetric):
    ops, x = hybrid_case(*sizes, time_major=time_major, invokes=2)
    check_hybrid_invokes(OP, ops, x, dict(time_major=time_major, fused_activation_function="TANH",
                                          asymmetric_quantize_inputs=asymmetric))


def test_hybrid_per_channel_weights_are_rejected():
    ops = hybrid_operands(operands(), RNN_WEIGHTS)
    ops[1] = (ops[1][0], dict(scale=[0.01] * 6, zero_point=[0] * 6, quantized_dimension=0))
    assert_rejected(OP, ops, match=r"\(input 1\) has 6 scales; TFLite's hybrid RNN reads one")


@pytest.mark.parametrize("change, match", [
    (lambda ops: ops.__setitem__(2, weights((6, 5), 1)), r"recurrent weights .* expected \[6, 6\]"),
    (lambda ops: ops.__setitem__(3, weights((5,), 1)), r"bias .* expected \[6\]"),
    (lambda ops: ops.__setitem__(4, state((3, 6))), "hidden state .* expected 12 elements"),
    (lambda ops: ops.__setitem__(4, ((2, 6), F32)), "must be a variable tensor"),
], ids=["recurrent_shape", "bias_shape", "state_shape", "state_not_variable"])
def test_inconsistent_operands_are_rejected(change, match):
    ops = operands()
    change(ops)
    assert_rejected(OP, ops, match=match)


def test_rank_2_input_is_rejected():
    ops = operands()
    ops[0] = ((2, 5), F32)
    assert_rejected(OP, ops, match="expected rank 3")


def test_hybrid_uint8_weights_are_refused():
    # LiteRT runs them but reads the bytes as INT8 (zero point 128 ignored).
    ops, x = hybrid_case()
    check_uint8_weights_refused(OP, ops, RNN_WEIGHTS, x, dict(fused_activation_function="TANH"))
