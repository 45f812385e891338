"""UNIDIRECTIONAL_SEQUENCE_LSTM against LiteRT: float32 (every cell variant: peephole,
projection, CIFG, layer norm; both layouts, batch > 1, clipping, every activation, states
carried across invokes and reset; check_op's tolerance, 1e-5 of the output's range) and the
integer kernel (int8 input, int16 cell state; the same variants, bit-exact against the reference
kernels), diagonal (rank-1) recurrent weights (float and hybrid), the hybrid kernel (float input and states, INT8 weights: the same variants, both
asymmetric_quantize_inputs values, zero rows and steps, against TFLite's hybrid kernels at
check_op's tolerance), and the real models of ../shared/models."""

import numpy as np
import pytest

from jitlite.testing import (assert_outputs_match, build_op_model, jitlite_interpreter,
                             litert_interpreter, read_gray_png)
from op_testing import (ACTIVATIONS, F32, MODELS_DIR, assert_rejected, check_model_file,
                        check_op)
from recurrent_cases import UINT8_REFUSAL, check_uint8_weights_refused
from recurrent_cases import (LSTM_WEIGHTS, check_hybrid_invokes, check_int_invokes,
                             check_invokes, hybrid_operands, int8_per_tensor, int_lstm_operands,
                             lstm_operands, random_int8_invokes, random_invokes, run_invokes,
                             state, weights, zero_rows)

OP = "UNIDIRECTIONAL_SEQUENCE_LSTM"


def seq_shape(batch, time, n_input, time_major):
    return (time, batch, n_input) if time_major else (batch, time, n_input)


def operands(batch=2, time=4, n_input=5, n_cell=6, time_major=False, **variant):
    return lstm_operands(seq_shape(batch, time, n_input, time_major), batch, n_cell, **variant)


VARIANTS = {
    "plain": {},
    "peephole": dict(peephole=True),
    "projection": dict(projection=True, n_output=3),
    "projection_no_bias": dict(projection=True, projection_bias=False, n_output=4),
    "projection_wider": dict(projection=True, n_output=9),
    "cifg": dict(cifg=True),
    "cifg_peephole": dict(cifg=True, peephole=True),
    "layer_norm": dict(layer_norm=True),
    "layer_norm_cifg_peephole": dict(layer_norm=True, cifg=True, peephole=True),
    "everything": dict(layer_norm=True, peephole=True, projection=True, n_output=3),
}


@pytest.mark.parametrize("time_major", [False, True])
@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_cell_variants(variant, batch, time_major):
    check_op(OP, operands(batch=batch, time_major=time_major, **VARIANTS[variant]),
             options=dict(time_major=time_major, fused_activation_function="TANH"))


@pytest.mark.parametrize("variant", ["plain", "layer_norm", "everything"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activations(activation, variant):
    check_op(OP, operands(**VARIANTS[variant]),
             options=dict(fused_activation_function=activation))


# (batch, time, input, cell, output): size-1 dims, odd sizes, the shape of the MNIST model,
# and layers wider than a vector register.
SIZES = [(1, 1, 1, 1, None), (1, 1, 3, 2, None), (2, 5, 9, 7, 3), (1, 28, 28, 20, None),
         (4, 3, 33, 40, None), (2, 2, 17, 64, 48)]


@pytest.mark.parametrize("time_major", [False, True])
@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "x".join(str(d) for d in s))
def test_sizes(sizes, time_major):
    batch, time, n_input, n_cell, n_output = sizes
    variant = dict(projection=True, n_output=n_output) if n_output else {}
    check_op(OP, operands(batch, time, n_input, n_cell, time_major, **variant),
             options=dict(time_major=time_major, fused_activation_function="TANH"))


@pytest.mark.parametrize("clips", [dict(cell_clip=0.3), dict(proj_clip=0.2),
                                   dict(cell_clip=0.5, proj_clip=0.1)])
def test_clipping(clips):
    # Large weights and inputs so the cell state and the projection exceed the clip values.
    ops = operands(n_input=4, projection=True, n_output=3, seed=3)
    ops = [o * 4 if isinstance(o, np.ndarray) else o for o in ops]
    check_op(OP, ops, options=dict(fused_activation_function="TANH", **clips))


def test_twenty_input_form():
    # The deprecated 20-input form has no layer-norm inputs at all.
    check_op(OP, operands(peephole=True)[:20], options=dict(fused_activation_function="TANH"))


@pytest.mark.parametrize("time_major", [False, True])
@pytest.mark.parametrize("variant", ["plain", "layer_norm", "everything"])
def test_state_carries_across_invokes_and_resets(variant, time_major):
    ops = operands(time_major=time_major, **VARIANTS[variant])
    invokes = random_invokes(ops[0][0], 4, seed=5)
    invokes[2] = invokes[0]  # after the reset: the first invoke again
    expected = check_invokes(OP, ops, invokes, dict(time_major=time_major,
                                                    fused_activation_function="TANH"),
                             reset_before=(2,))
    # The state matters: the second invoke of the same input would differ from the first.
    assert not np.allclose(expected[1][0], check_invokes(
        OP, ops, [invokes[1]], dict(time_major=time_major, fused_activation_function="TANH"))[0][0])


@pytest.mark.parametrize("time_major", [False, True])
@pytest.mark.parametrize("layer_norm", [False, True])
def test_activation_none_with_zero_input_steps(layer_norm, time_major):
    # TFLite skips the input product of an all-zero step, and with NONE its cell gate then keeps
    # the bias (0 with layer norm) and the output is o * g: jitlite follows.
    ops = operands(batch=2, time=4, time_major=time_major, layer_norm=layer_norm)
    x = random_invokes(ops[0][0], 2, seed=7)
    for values in x:
        if time_major:
            values[0][1] = 0  # one whole time step (all batch rows)
            values[0][3, 0] = 0  # one row only: not a skipped step in time-major order
        else:
            values[0][0, 1] = 0
            values[0][1, 3] = -0.0
    check_invokes(OP, ops, x, dict(time_major=time_major, fused_activation_function="NONE"))


def test_runtime_weights():
    # Weights that are graph inputs rather than constants are read through their pointers too.
    ops = operands()
    ops[4] = (ops[4].shape, F32)
    check_op(OP, ops, options=dict(fused_activation_function="TANH"))


def test_fused_epilogue():
    # An elementwise op after the LSTM is fused into its stores.
    from jitlite.testing import ModelBuilder
    from recurrent_cases import VARIABLE
    mb = ModelBuilder()
    ops = operands()
    indices = []
    for k, o in enumerate(ops):
        if o is None:
            indices.append(-1)
        elif isinstance(o, np.ndarray):
            indices.append(mb.add_constant(f"c{k}", o))
        elif len(o) == 3:
            indices.append(mb.add_tensor(f"s{k}", F32, o[0], **VARIABLE))
        else:
            indices.append(mb.add_input("x", F32, o[0]))
    y = mb.add_tensor("y", F32, [2, 4, 6])
    z = mb.add_tensor("z", F32, [2, 4, 6])
    mb.add_op(OP, indices, [y], dict(fused_activation_function="TANH"))
    mb.add_op("RELU", [y], [z])
    mb.mark_output(z)
    check_invokes(OP, None, random_invokes((2, 4, 5), 2), model=mb.build())


# --- hybrid kernel (float input and states, INT8 weights) -----------------------------------

def hybrid_case(variant="plain", batch=3, time=4, n_input=5, n_cell=6, time_major=False,
                invokes=3, seed=1):
    """A hybrid model's operands and `invokes` inputs, with zero rows and steps in them.

    The inputs (seed) are ones whose states come nowhere near a rounding tie of the state's
    quantization: there jitlite's sigmoid and tanh, an ulp away from TFLite's libm calls, can
    round a state element the other way (see test_hybrid_state_near_a_rounding_tie)."""
    ops = hybrid_operands(operands(batch, time, n_input, n_cell, time_major, **VARIANTS[variant]),
                          LSTM_WEIGHTS)
    x = random_invokes(ops[0][0], invokes, seed=seed)
    # One whole zero step (every row of a time-major step), then one zero row.
    whole, row = ((1,), (2, 0)) if time_major else ((slice(None), 1), (0, 2))
    return ops, zero_rows(x, [(0, whole), (invokes - 1, row)])


@pytest.mark.parametrize("asymmetric", [False, True])
@pytest.mark.parametrize("time_major", [False, True])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_hybrid_cell_variants(variant, time_major, asymmetric):
    ops, x = hybrid_case(variant, time_major=time_major)
    check_hybrid_invokes(OP, ops, x, dict(time_major=time_major, fused_activation_function="TANH",
                                          asymmetric_quantize_inputs=asymmetric))


@pytest.mark.parametrize("asymmetric", [False, True])
@pytest.mark.parametrize("variant", ["plain", "layer_norm", "everything"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_hybrid_activations(activation, variant, asymmetric):
    # NONE: the hybrid cell gate is activated in place (no zero-input quirk), h = o * g.
    ops, x = hybrid_case(variant)
    check_hybrid_invokes(OP, ops, x, dict(fused_activation_function=activation,
                                          asymmetric_quantize_inputs=asymmetric))


@pytest.mark.parametrize("asymmetric", [False, True])
@pytest.mark.parametrize("time_major", [False, True])
@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "x".join(str(d) for d in s))
def test_hybrid_sizes(sizes, time_major, asymmetric):
    batch, time, n_input, n_cell, n_output = sizes
    variant = dict(projection=True, n_output=n_output) if n_output else {}
    ops = hybrid_operands(operands(batch, time, n_input, n_cell, time_major, **variant),
                          LSTM_WEIGHTS)
    check_hybrid_invokes(OP, ops, random_invokes(ops[0][0], 2),
                         dict(time_major=time_major, fused_activation_function="TANH",
                              asymmetric_quantize_inputs=asymmetric))


@pytest.mark.parametrize("asymmetric", [False, True])
def test_hybrid_clipping(asymmetric):
    ops = operands(n_input=4, projection=True, n_output=3, seed=3)
    ops = hybrid_operands([o * 4 if isinstance(o, np.ndarray) else o for o in ops], LSTM_WEIGHTS)
    check_hybrid_invokes(OP, ops, random_invokes(ops[0][0], 2),
                         dict(fused_activation_function="TANH", cell_clip=0.3, proj_clip=0.2,
                              asymmetric_quantize_inputs=asymmetric))


@pytest.mark.parametrize("asymmetric", [False, True])
def test_hybrid_state_carries_across_invokes_and_resets(asymmetric):
    ops, x = hybrid_case("everything", invokes=4)
    x[2] = x[0]
    opts = dict(fused_activation_function="TANH", asymmetric_quantize_inputs=asymmetric)
    expected = check_hybrid_invokes(OP, ops, x, opts, reset_before=(2,))
    # The hybrid kernel is not the float one: quantization shows in the outputs.
    float_ops = operands(batch=3, **VARIANTS["everything"])
    float_out = check_invokes(OP, float_ops, x[:1], opts)[0][0]
    assert not np.allclose(expected[0][0], float_out, rtol=0, atol=1e-5)


def test_hybrid_state_near_a_rounding_tie():
    # With these inputs one output-state element sits 2e-5 of a step from a rounding tie of the
    # next step's asymmetric quantization (-14.50002 steps): jitlite's state, an ulp or so from
    # TFLite's, rounds it the other way, and the rest of that row's sequence differs by about
    # 4e-4 of the output range. Asserted: exact up to then, within 1e-3 of the range after.
    ops, x = hybrid_case("layer_norm", seed=0)
    options = dict(fused_activation_function="TANH", asymmetric_quantize_inputs=True)
    model = build_op_model(OP, ops, options=options, output_dtypes=[F32],
                           output_shapes=[[3, 4, 6]])
    expected = run_invokes(litert_interpreter("BUILTIN_REF"), model, x)
    actual = run_invokes(jitlite_interpreter(), model, x)
    for k in (0, 1):
        assert_outputs_match(actual[k], expected[k])
    assert_outputs_match(actual[2], expected[2], rtol_of_range=1e-3)


def test_hybrid_all_zero_input_and_state():
    # Every row zero on the first invoke (the states start at zero too): only biases count.
    ops, x = hybrid_case("everything", invokes=2)
    x[0][0][:] = 0
    for asymmetric in (False, True):
        check_hybrid_invokes(OP, ops, x, dict(fused_activation_function="TANH",
                                              asymmetric_quantize_inputs=asymmetric))


# --- rejected models -----------------------------------------------------------------------

@pytest.mark.parametrize("change, match", [
    (lambda ops: ops.__setitem__(2, weights((6, 5), 2)),
     r"input 2\) has type FLOAT32; the hybrid LSTM .* needs INT8 weights"),
    (lambda ops: ops.__setitem__(10, weights((6,), 10)),
     r"input 10\) has type FLOAT32; the hybrid LSTM"),
    (lambda ops: ops.__setitem__(13, int8_per_tensor(weights((6,), 13))),
     r"input 13\) has type INT8; the hybrid LSTM .* FLOAT32 biases"),
    (lambda ops: ops.__setitem__(3, np.ones((6, 5), np.int8)),
     r"input 3\) have no quantization parameters"),
    (lambda ops: ops.__setitem__(6, (np.ones((6, 3), np.int8),
                                     dict(scale=[0.01] * 6, zero_point=[0] * 6,
                                          quantized_dimension=0))),
     r"input 6\) have 6 scales; TFLite's hybrid LSTM reads one scale"),
], ids=["float_weight", "float_peephole", "int8_bias", "no_scale", "per_channel"])
def test_hybrid_inconsistent_types_are_rejected(change, match):
    ops = hybrid_operands(operands(peephole=True, projection=True, n_output=3), LSTM_WEIGHTS)
    change(ops)
    assert_rejected(OP, ops, match=match)


def test_float_lstm_with_int8_weight_is_rejected():
    ops = operands()
    ops[2] = int8_per_tensor(ops[2])
    assert_rejected(OP, ops, match=r"input 2\) has type INT8, but the input-to-output weights "
                                   "are FLOAT32")


def test_uint8_weights_are_unimplemented():
    ops = operands()
    ops[4] = (np.full((6, 5), 128, np.uint8), dict(scale=0.01, zero_point=128))
    assert_rejected(OP, ops, match=UINT8_REFUSAL)


def test_integer_input_with_float_weights_is_rejected():
    ops = operands()
    ops[0] = (ops[0][0], np.int8, dict(scale=0.1, zero_point=0))
    assert_rejected(OP, ops, match="has type FLOAT32; the integer LSTM .* needs INT8")


@pytest.mark.parametrize("as_what", ["constant", "graph input"])
def test_state_must_be_a_variable_tensor(as_what):
    ops = operands()
    ops[19] = np.zeros((2, 6), F32) if as_what == "constant" else ((2, 6), F32)
    assert_rejected(OP, ops, match="cell state .* must be a variable tensor", litert_rejects=True)


def test_missing_input_gate_bias_is_rejected():
    # (LiteRT itself crashes on this model: its check dereferences the missing tensor.)
    ops = operands()
    ops[12] = None
    assert_rejected(OP, ops, match="input gate bias .* is missing")


@pytest.mark.parametrize("change, match", [
    (lambda ops: ops.__setitem__(5, None), "must be both present or both omitted"),
    (lambda ops: ops.__setitem__(2, weights((6, 4), 1)), r"has shape \[6, 4\]; expected \[6, 5\]"),
    (lambda ops: ops.__setitem__(17, weights((6,), 1)), "needs projection weights"),
    (lambda ops: ops.__setitem__(18, state((2, 5))), "output state .* expected 12 elements"),
    (lambda ops: ops.__setitem__(10, weights((6,), 1)), "peephole weights .* all present"),
    (lambda ops: ops.__setitem__(21, weights((6,), 1)), r"layer-norm coefficients \(input 20\)"),
], ids=["half_cifg", "weight_shape", "bias_without_projection",
        "state_size", "partial_peephole", "partial_layer_norm"])
def test_inconsistent_operands_are_rejected(change, match):
    ops = operands()
    change(ops)
    assert_rejected(OP, ops, match=match, litert_rejects=True)


def test_cifg_with_input_gate_bias_is_rejected():
    ops = operands(cifg=True)
    ops[12] = weights((6,), 1)
    assert_rejected(OP, ops, match="must omit the input gate bias", litert_rejects=True)


def test_output_size_must_match_cells_without_projection():
    ops = operands()
    for k in (5, 6, 7, 8):
        ops[k] = weights((6, 4), k)
    ops[18] = state((2, 4))
    assert_rejected(OP, ops, match="must equal the number of cells")


def test_negative_clip_is_rejected():
    assert_rejected(OP, operands(), options=dict(cell_clip=-1.0), match="must be >= 0",
                    litert_rejects=True)


# --- diagonal recurrent weights: rank-1 recurrent-to-gate weights, gate += w .* h ---------

def diagonal(ops, gates=(0, 1, 2, 3), seed=70):
    """The operands with the recurrent weights of `gates` made diagonal ([cell], FLOAT32)."""
    ops = list(ops)
    n_cell = ops[13].shape[0]
    for g in gates:
        if ops[5 + g] is not None:
            ops[5 + g] = weights((n_cell,), seed + g)
    return ops


DIAGONAL_VARIANTS = ["plain", "peephole", "cifg", "layer_norm", "layer_norm_cifg_peephole"]


@pytest.mark.parametrize("time_major", [False, True])
@pytest.mark.parametrize("variant", DIAGONAL_VARIANTS)
def test_diagonal_recurrent_weights(variant, time_major):
    # TFLite's sequence kernel goes by each tensor's rank; the option is not read.
    ops = diagonal(operands(batch=3, time_major=time_major, **VARIANTS[variant]))
    invokes = random_invokes(ops[0][0], 3, seed=11)
    for flag in (False, True):
        check_invokes(OP, ops, invokes, dict(fused_activation_function="TANH", cell_clip=0.9,
                                             time_major=time_major,
                                             diagonal_recurrent_tensors=flag),
                      reset_before=(2,))


@pytest.mark.parametrize("gates", [(1,), (0, 3), (2, 3)], ids=str)
def test_diagonal_recurrent_weights_mixed_with_matrices(gates):
    ops = diagonal(operands(peephole=True), gates)
    check_invokes(OP, ops, random_invokes(ops[0][0], 3, seed=12),
                  dict(fused_activation_function="TANH"))


def test_matrix_recurrent_weights_with_the_diagonal_option():
    ops = operands()
    check_invokes(OP, ops, random_invokes(ops[0][0], 2, seed=13),
                  dict(fused_activation_function="TANH", diagonal_recurrent_tensors=True))


@pytest.mark.parametrize("asymmetric", [False, True])
@pytest.mark.parametrize("variant", ["plain", "peephole", "layer_norm"])
def test_hybrid_diagonal_recurrent_weights(variant, asymmetric):
    # INT8 input (and peephole) weights; TFLite reads diagonal recurrent weights as FLOAT32 and
    # adds w .* h in float.
    ops, x = hybrid_case(variant)
    ops = diagonal(ops, (0, 1, 3))
    check_hybrid_invokes(OP, ops, x, dict(fused_activation_function="TANH",
                                          asymmetric_quantize_inputs=asymmetric))


def test_hybrid_int8_diagonal_recurrent_weights_are_refused():
    # LiteRT reads the INT8 bytes as floats (NaN or garbage).
    ops, _ = hybrid_case()
    ops = diagonal(ops, (1,))
    ops[6] = int8_per_tensor(ops[6])
    assert_rejected(OP, ops, match=r"diagonal recurrent weights \(input 6\) have type INT8")


def test_diagonal_recurrent_weights_need_output_equal_to_cells():
    ops = diagonal(operands(projection=True, n_output=3), (1,))
    assert_rejected(OP, ops, match="need an output size equal to the number of cells")


def test_rank_2_input_is_rejected():
    ops = operands()
    ops[0] = ((2, 5), F32)
    assert_rejected(OP, ops, match="expected rank 3")


# --- integer kernel (int8 input) ------------------------------------------------------------

def int_operands(batch=2, time=4, n_input=5, n_cell=6, time_major=False, **variant):
    return int_lstm_operands(seq_shape(batch, time, n_input, time_major), batch, n_cell,
                             **variant)


def check_integer(ops, invokes=3, seed=0, options=None, reset_before=()):
    operands_, intermediates, output_quant = ops
    values = random_int8_invokes(operands_[0][0], invokes, seed)
    return check_int_invokes(OP, operands_, intermediates, output_quant, values, options,
                             reset_before)


# Peephole with a projection to more outputs than cells is Unimplemented (below); to fewer,
# TFLite's kernel applies the peephole weights with the output size, and jitlite follows.
INT_VARIANTS = dict(VARIANTS, projection_zero_hidden_zp=dict(projection=True, n_output=3,
                                                             hidden_zp=0),
                    projection_peephole=dict(peephole=True, projection=True, n_output=6),
                    cifg_peephole_projection=dict(cifg=True, peephole=True, projection=True,
                                                  n_output=4))


@pytest.mark.parametrize("time_major", [False, True])
@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("variant", sorted(INT_VARIANTS))
def test_integer_cell_variants(variant, batch, time_major):
    check_integer(int_operands(batch=batch, time_major=time_major, **INT_VARIANTS[variant]),
                  options=dict(time_major=time_major, fused_activation_function="TANH"))


@pytest.mark.parametrize("time_major", [False, True])
@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "x".join(str(d) for d in s))
def test_integer_sizes(sizes, time_major):
    batch, time, n_input, n_cell, n_output = sizes
    variant = dict(projection=True, n_output=n_output) if n_output else {}
    check_integer(int_operands(batch, time, n_input, n_cell, time_major, **variant),
                  options=dict(time_major=time_major))


@pytest.mark.parametrize("cell_scale", [2.0 ** -15, 2.0 ** -12, 2.0 ** -9])
def test_integer_cell_state_scales(cell_scale):
    check_integer(int_operands(cell_scale=cell_scale))


@pytest.mark.parametrize("clips", [dict(cell_clip=0.3), dict(proj_clip=0.2),
                                   dict(cell_clip=0.5, proj_clip=0.1)])
def test_integer_clipping(clips):
    check_integer(int_operands(projection=True, n_output=3, seed=3), invokes=2,
                  options=dict(fused_activation_function="TANH", **clips))


def test_integer_state_carries_across_invokes_and_resets():
    expected = check_integer(int_operands(layer_norm=True), invokes=4, reset_before=(2,))
    assert not np.array_equal(expected[0][0], expected[1][0])


# (LiteRT refuses the first two too; an int8 cell state or bias it would misread.)
@pytest.mark.parametrize("change, match", [
    (lambda ops, inter: inter.pop(), "needs the operator's 5 intermediate tensors"),
    (lambda ops, inter: ops.__setitem__(19, ((2, 6), np.int16, dict(
        scale=0.0003, zero_point=0, is_variable=True))), "is not a power of two"),
    (lambda ops, inter: ops.__setitem__(19, ((2, 6), np.int8, dict(
        scale=2.0 ** -11, zero_point=0, is_variable=True))), "cell state .* needs INT16"),
    (lambda ops, inter: ops.__setitem__(12, (ops[12][0].astype(np.int8), {})),
     r"input 12\) has type INT8; .* needs INT32"),
], ids=["four_intermediates", "cell_scale_not_pot", "int8_cell_state", "int8_bias"])
def test_integer_bad_operands_are_rejected(change, match):
    ops, inter, quant = int_operands()
    change(ops, inter)
    assert_rejected(OP, ops, match=match, output_dtypes=[np.int8], output_quant=quant,
                    intermediates=inter)


def test_integer_eight_bit_gate_form_is_rejected_like_tflite():
    # TFLite's sequence kernel has only the 8x8_16 form (its Prepare wants 5 intermediates).
    ops, inter, quant = int_operands()
    inter = inter + [(np.int8, dict(scale=1 / 128, zero_point=0))] * 7
    assert_rejected(OP, ops, match=r"needs the operator.s 5 intermediate tensors .*, got 12",
                    output_dtypes=[np.int8], output_quant=quant, intermediates=inter,
                    litert_rejects=True)


def test_integer_peephole_with_projection_to_more_outputs_is_unimplemented():
    ops, inter, quant = int_operands(peephole=True, projection=True, n_output=9)
    assert_rejected(OP, ops, match="peephole rows with the output size, past the cell state",
                    output_dtypes=[np.int8], output_quant=quant, intermediates=inter)


def test_integer_cell_scale_out_of_tanh_range_is_unimplemented():
    ops, inter, quant = int_operands(cell_scale=2.0 ** -16)
    assert_rejected(OP, ops, match=r"cell state scale of 2\^-16", output_dtypes=[np.int8],
                    output_quant=quant, intermediates=inter)


# --- real models ---------------------------------------------------------------------------

@pytest.mark.parametrize("relative", ["micro/trained_lstm.tflite",
                                      "api/unidirectional_sequence_lstm.bin"])
def test_real_model(relative):
    check_model_file(relative)


def _model(relative):
    path = MODELS_DIR / relative
    if not path.is_file():
        pytest.skip(f"model corpus not available: {path} is missing")
    return path.read_bytes()


def test_real_model_state_across_invokes():
    model = _model("api/unidirectional_sequence_lstm.bin")
    check_invokes(OP, None, random_invokes((1, 2, 2), 3, seed=2), model=model, reset_before=(2,))


def test_trained_lstm_classifies_mnist_samples_as_litert():
    model = _model("micro/trained_lstm.tflite")
    samples = [MODELS_DIR / "inputs" / f"sample{d}.png" for d in range(10)]
    if not all(p.is_file() for p in samples):
        pytest.skip("MNIST samples not available")
    invokes = [[(read_gray_png(p).astype(F32) / 255.0)[None]] for p in samples]
    # One interpreter over all ten images, its states reset before each (the Keras model
    # starts every sequence from zero states).
    expected = check_invokes(OP, None, invokes, model=model,
                             reset_before=tuple(range(len(invokes))))
    predicted = [int(np.argmax(e[0])) for e in expected]
    assert predicted == list(range(10))


@pytest.mark.parametrize("variant", ["plain", "everything"])
def test_hybrid_uint8_weights_are_refused(variant):
    # LiteRT runs them but reads the bytes as INT8 (zero point 128 ignored).
    ops, x = hybrid_case(variant)
    check_uint8_weights_refused(OP, ops, LSTM_WEIGHTS, x, dict(fused_activation_function="TANH"))
