"""RNN (the single-step basic RNN, float32) against LiteRT: h = act(b + W x + R h) per invoke,
every activation, odd and size-1 sizes, batch > 1, and the hidden state carried from one invoke
to the next and reset. Float tolerance: check_op's. The hybrid kernel (INT8 weights) over
activations, sizes, both asymmetric_quantize_inputs values and zero rows and steps, against
TFLite's hybrid kernels, and its type checks."""

import numpy as np
import pytest

from op_testing import ACTIVATIONS, F32, assert_rejected, check_op
from recurrent_cases import check_uint8_weights_refused
from recurrent_cases import (RNN_WEIGHTS, check_hybrid_invokes, check_invokes, hybrid_operands,
                             int8_per_tensor, random_invokes, state, weights, zero_rows)

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


# --- hybrid kernel (float input and state, INT8 weights) -------------------------------------

def hybrid_case(batch=3, n_input=5, units=6, invokes=4, seed=1):
    """Hybrid operands and one-step invokes: one all-zero step (every row) and one zero row."""
    ops = hybrid_operands(operands(batch, n_input, units), RNN_WEIGHTS)
    x = random_invokes(ops[0][0], invokes, seed=seed)
    return ops, zero_rows(x, [(1, slice(None)), (2, 0)])


@pytest.mark.parametrize("asymmetric", [False, True])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_hybrid_activations(activation, asymmetric):
    ops, x = hybrid_case()
    check_hybrid_invokes(OP, ops, x, dict(fused_activation_function=activation,
                                          asymmetric_quantize_inputs=asymmetric),
                         reset_before=(3,))


@pytest.mark.parametrize("asymmetric", [False, True])
@pytest.mark.parametrize("sizes", [(1, 1, 1), (3, 7, 3), (1, 28, 20), (4, 40, 33)],
                         ids=lambda s: "x".join(map(str, s)))
def test_hybrid_sizes(sizes, asymmetric):
    ops, x = hybrid_case(*sizes, invokes=3)
    check_hybrid_invokes(OP, ops, x, dict(fused_activation_function="TANH",
                                          asymmetric_quantize_inputs=asymmetric))


@pytest.mark.parametrize("change, match", [
    (lambda ops: ops.__setitem__(2, weights((6, 6), 2)),
     r"recurrent weights \(input 2\) has type FLOAT32; the hybrid RNN"),
    (lambda ops: ops.__setitem__(1, np.ones((6, 5), np.int8)),
     r"input weights \(input 1\) has no quantization parameters"),
    (lambda ops: ops.__setitem__(2, (np.ones((6, 6), np.int8),
                                     dict(scale=[0.01] * 6, zero_point=[0] * 6,
                                          quantized_dimension=0))),
     r"\(input 2\) has 6 scales; TFLite's hybrid RNN reads one scale"),
    (lambda ops: ops.__setitem__(3, int8_per_tensor(weights((6,), 3))),
     r"bias \(input 3\) has type INT8"),
], ids=["float_recurrent", "no_scale", "per_channel", "int8_bias"])
def test_hybrid_inconsistent_types_are_rejected(change, match):
    ops = hybrid_operands(operands(), RNN_WEIGHTS)
    change(ops)
    assert_rejected(OP, ops, match=match)


def test_float_rnn_with_int8_recurrent_weights_is_rejected():
    ops = operands()
    ops[2] = int8_per_tensor(ops[2])
    assert_rejected(OP, ops, match=r"input 2\) has type INT8, but the input weights are FLOAT32")


def test_inconsistent_state_is_rejected():
    ops = operands()
    ops[4] = state((3, 6))
    assert_rejected(OP, ops, match="hidden state .* expected 12 elements", litert_rejects=True)


def test_rank_3_input_is_rejected():
    ops = operands()
    ops[0] = ((1, 2, 5), F32)
    assert_rejected(OP, ops, match="expected rank 2")


def test_hybrid_uint8_weights_are_refused():
    # LiteRT runs them but reads the bytes as INT8 (zero point 128 ignored).
    ops, x = hybrid_case()
    check_uint8_weights_refused(OP, ops, RNN_WEIGHTS, x, dict(fused_activation_function="TANH"))
