"""BIDIRECTIONAL_SEQUENCE_LSTM (float32) against LiteRT: forward and backward cells (peephole,
projection, CIFG), separate and merged outputs, both layouts, batch > 1, activations, the states
across invokes, and the auxiliary input as the backward cell's input. Float tolerance:
check_op's. The hybrid kernel (INT8 weights in both cells) over the same variants and layouts,
both asymmetric_quantize_inputs values, zero rows and steps, against TFLite's hybrid kernels."""

import numpy as np
import pytest

from op_testing import ACTIVATIONS, F32, assert_rejected, check_op
from recurrent_cases import check_uint8_weights_refused
from recurrent_cases import (BIDI_LSTM_WEIGHTS, LSTM_WEIGHTS, check_hybrid_invokes,
                             check_invokes, hybrid_operands, lstm_operands, random_invokes, state,
                             weights, zero_rows)

OP = "BIDIRECTIONAL_SEQUENCE_LSTM"


def operands(batch=2, time=4, n_input=5, n_cell=6, time_major=True, aux=False, **variant):
    """The 48 inputs: each cell's tensors from lstm_operands (other seeds for the backward
    cell), the four states, and no auxiliary weights."""
    shape = (time, batch, n_input) if time_major else (batch, time, n_input)
    fw = lstm_operands(shape, batch, n_cell, seed=1, **variant)
    bw = lstm_operands(shape, batch, n_cell, seed=2, **variant)
    ops = [fw[0], *fw[1:18], *bw[1:18], fw[18], fw[19], bw[18], bw[19]] + [None] * 9
    if aux:
        ops[39] = (shape, F32)
    return ops


VARIANTS = {
    "plain": {},
    "peephole": dict(peephole=True),
    "projection": dict(projection=True, n_output=3),
    "cifg_peephole_projection": dict(cifg=True, peephole=True, projection=True, n_output=4),
}


def options(merge, time_major, activation="TANH", **more):
    return dict(merge_outputs=merge, time_major=time_major, fused_activation_function=activation,
                **more)


@pytest.mark.parametrize("merge", [False, True])
@pytest.mark.parametrize("time_major", [True, False])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_cell_variants(variant, time_major, merge):
    # Batch-major merged outputs only with batch 1: with more rows TFLite's state offsets run
    # past its state tensors (see ops/bidirectional_sequence_lstm.cc).
    batch = 1 if merge and not time_major else 3
    outputs = 1 if merge else 2
    check_op(OP, operands(batch=batch, time_major=time_major, **VARIANTS[variant]),
             options=options(merge, time_major), output_dtype=[F32] * outputs)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activations(activation):
    check_op(OP, operands(peephole=True), options=options(True, True, activation),
             output_dtype=[F32])


def test_clipping():
    ops = [o * 4 if isinstance(o, np.ndarray) else o
           for o in operands(projection=True, n_output=3)]
    check_op(OP, ops, options=options(False, True, cell_clip=0.3, proj_clip=0.2),
             output_dtype=[F32, F32])


@pytest.mark.parametrize("time_major", [True, False])
def test_auxiliary_input_feeds_the_backward_cell(time_major):
    check_op(OP, operands(time_major=time_major, aux=True), options=options(False, time_major),
             output_dtype=[F32, F32])


@pytest.mark.parametrize("merge", [False, True])
def test_states_carry_across_invokes_and_reset(merge):
    ops = operands()
    invokes = random_invokes(ops[0][0], 3, seed=9)
    invokes[2] = invokes[0]
    check_invokes(OP, ops, invokes, options(merge, True), reset_before=(2,),
                  outputs=1 if merge else 2)


def test_activation_none_with_zero_steps():
    ops = operands()
    invokes = random_invokes(ops[0][0], 2, seed=4)
    invokes[0][0][1] = 0
    invokes[1][0][3] = 0
    check_invokes(OP, ops, invokes, options(False, True, "NONE"), outputs=2)


def test_auxiliary_weights_are_unimplemented():
    ops = operands(aux=True)
    for k in range(41, 44):
        ops[k] = weights((6, 5), k)
    for k in range(45, 48):
        ops[k] = weights((6, 5), k)
    assert_rejected(OP, ops, options=options(False, True), output_dtypes=[F32, F32],
                    match="auxiliary input weights")


def test_cells_of_different_sizes_are_rejected():
    ops = operands()
    bw = lstm_operands((4, 2, 5), 2, 7, seed=3)
    ops[18:35] = bw[1:18]
    ops[37], ops[38] = state((2, 7)), state((2, 7))
    assert_rejected(OP, ops, options=options(False, True), output_dtypes=[F32, F32],
                    match="differ in size|expected", litert_rejects=True)


def test_output_count_must_match_merge_outputs():
    assert_rejected(OP, operands(), options=options(True, True), output_dtypes=[F32, F32],
                    match="expected 1 output", litert_rejects=True)


# --- hybrid kernel (float input and states, INT8 weights in both cells) ----------------------

def hybrid_case(variant="plain", batch=3, time_major=True, aux=False, invokes=3, seed=1):
    ops = hybrid_operands(operands(batch=batch, time_major=time_major, aux=aux,
                                   **VARIANTS[variant]), BIDI_LSTM_WEIGHTS)
    x = random_invokes(ops[0][0], invokes, seed=seed)
    whole, row = ((1,), (2, 0)) if time_major else ((slice(None), 1), (0, 2))
    zero_rows(x, [(0, whole), (invokes - 1, row)])
    if aux:  # the backward cell's own input (input 39), the model's second input
        for values, extra in zip(x, random_invokes(ops[0][0], invokes, seed + 50)):
            values.append(extra[0])
    return ops, x


@pytest.mark.parametrize("asymmetric", [False, True])
@pytest.mark.parametrize("merge", [False, True])
@pytest.mark.parametrize("time_major", [True, False])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_hybrid_cell_variants(variant, time_major, merge, asymmetric):
    batch = 1 if merge and not time_major else 3
    ops, x = hybrid_case(variant, batch, time_major)
    check_hybrid_invokes(OP, ops, x, options(merge, time_major,
                                             asymmetric_quantize_inputs=asymmetric),
                         outputs=1 if merge else 2)


@pytest.mark.parametrize("asymmetric", [False, True])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_hybrid_activations(activation, asymmetric):
    ops, x = hybrid_case("cifg_peephole_projection")
    check_hybrid_invokes(OP, ops, x, options(True, True, activation,
                                             asymmetric_quantize_inputs=asymmetric))


@pytest.mark.parametrize("asymmetric", [False, True])
def test_hybrid_auxiliary_input_feeds_the_backward_cell(asymmetric):
    ops, x = hybrid_case("peephole", aux=True)
    check_hybrid_invokes(OP, ops, x, options(False, True, cell_clip=0.5,
                                             asymmetric_quantize_inputs=asymmetric), outputs=2)


def test_hybrid_float_backward_cell_is_rejected():
    # TFLite picks the kernel from the forward weights; the backward cell must match.
    ops = operands()
    ops = hybrid_operands(ops, LSTM_WEIGHTS)
    assert_rejected(OP, ops, options=options(False, True), output_dtypes=[F32, F32],
                    match=r"input 18\) has type FLOAT32; the hybrid LSTM")


def test_hybrid_uint8_weights_are_refused():
    # LiteRT runs them but reads the bytes as INT8 (zero point 128 ignored).
    ops, x = hybrid_case()
    check_uint8_weights_refused(OP, ops, BIDI_LSTM_WEIGHTS, x, options(False, True), outputs=2)


def test_diagonal_recurrent_weights_are_rejected_like_tflite():
    # Unlike UNIDIRECTIONAL_SEQUENCE_LSTM, TFLite's bidirectional kernel requires matrices.
    ops = operands()
    for k in (5, 6, 7, 8, 22, 23, 24, 25):
        ops[k] = weights((6,), k)
    assert_rejected(OP, ops, options=options(False, True), match="must be matrices",
                    litert_rejects=True, output_dtypes=[F32, F32])
