"""LSTM (the single-step full kernel, float32) against LiteRT: cell variants, activations,
clipping, batch > 1, and above all the states carried from one invoke (one time step) to the
next and reset; plus the LSTM models of ../shared/models. Float tolerance: check_op's. The
integer kernel (int8 input) runs the cell variants bit-exactly against the reference kernels; the
hybrid one (INT8 weights) the cell variants and activations over several steps, both
asymmetric_quantize_inputs values, zero rows and steps, against TFLite's hybrid kernels."""

import numpy as np
import pytest

from op_testing import ACTIVATIONS, F32, assert_rejected, check_model_file, check_op
from recurrent_cases import check_uint8_weights_refused
from recurrent_cases import (LSTM_WEIGHTS, check_hybrid_invokes, check_int_invokes,
                             check_invokes, hybrid_operands, int_lstm_operands, lstm_operands,
                             random_int8_invokes, random_invokes, weights, zero_rows)

OP = "LSTM"


def operands(batch=2, n_input=5, n_cell=6, **variant):
    return lstm_operands((batch, n_input), batch, n_cell, **variant)


VARIANTS = {
    "plain": {},
    "peephole": dict(peephole=True),
    "projection": dict(projection=True, n_output=3),
    "cifg_peephole": dict(cifg=True, peephole=True),
    "layer_norm": dict(layer_norm=True),
    "everything": dict(layer_norm=True, peephole=True, projection=True, n_output=4),
}


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_cell_variants(variant, batch):
    check_op(OP, operands(batch=batch, **VARIANTS[variant]),
             options=dict(fused_activation_function="TANH"))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activations(activation):
    check_op(OP, operands(peephole=True), options=dict(fused_activation_function=activation))


def test_clipping():
    ops = [o * 4 if isinstance(o, np.ndarray) else o
           for o in operands(projection=True, n_output=3, seed=2)]
    check_op(OP, ops, options=dict(fused_activation_function="TANH", cell_clip=0.4, proj_clip=0.3))


@pytest.mark.parametrize("sizes", [(1, 1, 1), (1, 31, 20), (4, 8, 33)],
                         ids=lambda s: "x".join(map(str, s)))
def test_sizes(sizes):
    check_op(OP, operands(*sizes), options=dict(fused_activation_function="TANH"))


@pytest.mark.parametrize("variant", ["plain", "cifg_peephole", "everything"])
def test_steps_across_invokes(variant):
    # One time step per invoke: the sequence lives in the variable states.
    ops = operands(**VARIANTS[variant])
    invokes = random_invokes(ops[0][0], 5, seed=3)
    invokes[3] = invokes[0]
    check_invokes(OP, ops, invokes, dict(fused_activation_function="TANH"), reset_before=(3,))


@pytest.mark.parametrize("layer_norm", [False, True])
def test_activation_none_with_zero_input(layer_norm):
    # TFLite's NONE quirk (see ops/util/lstm_cell.h): an all-zero step keeps the cell bias.
    ops = operands(layer_norm=layer_norm)
    invokes = random_invokes(ops[0][0], 3, seed=4)
    invokes[1][0][:] = 0
    check_invokes(OP, ops, invokes, dict(fused_activation_function="NONE"))


def test_basic_kernel_is_unimplemented():
    assert_rejected(OP, operands(), options=dict(kernel_type="BASIC"), match="BASIC")


def test_rank_3_input_is_rejected():
    ops = operands()
    ops[0] = ((1, 2, 5), F32)
    assert_rejected(OP, ops, match="expects rank 2")


# --- hybrid kernel (float input and states, INT8 weights) -----------------------------------

def hybrid_case(variant, batch=3, invokes=4, seed=1):
    """Hybrid operands and one-step invokes: one all-zero step (every row) and one zero row."""
    ops = hybrid_operands(operands(batch=batch, **VARIANTS[variant]), LSTM_WEIGHTS)
    x = random_invokes(ops[0][0], invokes, seed=seed)
    return ops, zero_rows(x, [(1, slice(None)), (2, 0)])


@pytest.mark.parametrize("asymmetric", [False, True])
@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_hybrid_cell_variants(variant, batch, asymmetric):
    ops, x = hybrid_case(variant, batch)
    check_hybrid_invokes(OP, ops, x, dict(fused_activation_function="TANH", cell_clip=0.8,
                                          asymmetric_quantize_inputs=asymmetric),
                         reset_before=(3,))


@pytest.mark.parametrize("asymmetric", [False, True])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_hybrid_activations(activation, asymmetric):
    ops, x = hybrid_case("everything")
    check_hybrid_invokes(OP, ops, x, dict(fused_activation_function=activation,
                                          asymmetric_quantize_inputs=asymmetric))


def test_hybrid_per_channel_weights_are_rejected():
    # TFLite's hybrid LSTM reads one scale per tensor (per-channel ones count as 0).
    ops = hybrid_operands(operands(), LSTM_WEIGHTS)
    ops[2] = (ops[2][0], dict(scale=[0.01] * 6, zero_point=[0] * 6, quantized_dimension=0))
    assert_rejected(OP, ops, match=r"input 2\) have 6 scales; TFLite's hybrid LSTM reads one")


def test_input_count_is_checked():
    assert_rejected(OP, operands()[:22], match="takes 20 or 24 inputs", litert_rejects=True)


@pytest.mark.parametrize("relative", ["api/lstm.bin", "api/custom_lstm.bin"])
def test_real_model(relative):
    check_model_file(relative)


# --- integer kernel (int8 input, TFLite's 8x8_16 form) ---------------------------------------

INT_VARIANTS = {
    "plain": {},
    "peephole": dict(peephole=True),
    "projection": dict(projection=True, n_output=3),
    "projection_no_bias": dict(projection=True, projection_bias=False, n_output=4),
    "cifg": dict(cifg=True),
    "layer_norm": dict(layer_norm=True),
    "layer_norm_cifg_peephole": dict(layer_norm=True, cifg=True, peephole=True),
    "everything": dict(layer_norm=True, peephole=True, projection=True, n_output=6),
}


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("variant", sorted(INT_VARIANTS))
def test_integer_cell_variants(variant, batch):
    ops, intermediates, quant = int_lstm_operands((batch, 5), batch, 6, **INT_VARIANTS[variant])
    # Three invokes: each one step, the states carrying over.
    check_int_invokes(OP, ops, intermediates, quant, random_int8_invokes((batch, 5), 3),
                      dict(fused_activation_function="TANH", cell_clip=0.8))


def test_integer_eight_bit_gate_form_is_unimplemented():
    ops, intermediates, quant = int_lstm_operands((2, 5), 2, 6, cifg=True, layer_norm=True)
    intermediates = intermediates + [intermediates[-1]] * 7
    assert_rejected(OP, ops, match="8x8_8 form", output_dtypes=[np.int8], output_quant=quant,
                    intermediates=intermediates)


def test_hybrid_uint8_weights_are_refused():
    # LiteRT runs them but reads the bytes as INT8 (zero point 128 ignored).
    ops, x = hybrid_case("peephole")
    check_uint8_weights_refused(OP, ops, LSTM_WEIGHTS, x, dict(fused_activation_function="TANH"))


def test_diagonal_recurrent_weights_are_rejected_like_tflite():
    # TFLite's LSTM (unlike UNIDIRECTIONAL_SEQUENCE_LSTM) requires matrices.
    ops = operands()
    for k in (5, 6, 7, 8):
        ops[k] = weights((6,), k)
    assert_rejected(OP, ops, match="must be matrices", litert_rejects=True)
