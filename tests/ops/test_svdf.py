"""SVDF against LiteRT: float32 (check_op tolerance), hybrid (int8 weights, float activations,
symmetric and asymmetric input quantization; check_op tolerance) and integer (int8 input and
output, int16 state and weights_time, int32 bias; bit-exact vs the reference kernels). Ranks 1
and 2, batch 1 and 2, several unit counts and memory sizes, every float activation, with and
without bias, and several invokes in a row (the activation state carries over) with
reset_all_variables in between."""

import numpy as np
import pytest

from op_testing import ACTIVATIONS, F32, REFERENCE_KERNELS, assert_rejected, check_op
from op_testing import check_quantized, check_threads
from recurrent_cases import check_uint8_weights_refused
from recurrent_cases import VARIABLE, run_invokes, state, weights

from jitlite.testing import assert_outputs_match, build_op_model, jitlite_interpreter
from jitlite.testing import litert_interpreter

OP = "SVDF"
I8, I16, I32 = np.int8, np.int16, np.int32


def float_operands(batch=2, n_input=5, units=3, rank=2, memory=4, bias=True, seed=0):
    filters = units * rank
    return [((batch, n_input), F32), weights((filters, n_input), seed + 1),
            weights((filters, memory), seed + 2),
            weights((units,), seed + 3) if bias else None,
            state((batch, filters * memory))]


def int_constant(shape, dtype, seed, limit, scale):
    values = np.random.default_rng(seed).integers(-limit, limit + 1, shape).astype(dtype)
    return values, dict(scale=scale, zero_point=0)


def hybrid_operands(batch=2, n_input=6, units=3, rank=2, memory=4, bias=True, seed=0):
    ops = float_operands(batch, n_input, units, rank, memory, bias, seed)
    filters = units * rank
    ops[1] = int_constant((filters, n_input), I8, seed + 1, 127, 0.01)
    ops[2] = int_constant((filters, memory), I8, seed + 2, 127, 0.004)
    return ops


def integer_operands(batch=2, n_input=6, units=3, rank=2, memory=4, bias=True, seed=0,
                     state_scale=0.004):
    filters = units * rank
    return [((batch, n_input), I8, dict(scale=0.05, zero_point=-3)),
            int_constant((filters, n_input), I8, seed + 1, 127, 0.01),
            int_constant((filters, memory), I16, seed + 2, 600, 0.002),
            int_constant((units,), I32, seed + 3, 3000, 0.05 * 0.01) if bias else None,
            ((batch, filters * memory), I16, dict(scale=state_scale, zero_point=0, **VARIABLE))]


INTEGER_OUTPUT = dict(output_dtype=I8, output_quant=dict(scale=0.25, zero_point=-10))
# The same for build_op_model (assert_rejected).
INTEGER_BUILD = dict(output_dtypes=I8, output_quant=INTEGER_OUTPUT["output_quant"])


def check_invokes(operands, options, count=5, reset_before=(3,), integer=False, seed=0):
    """jitlite vs LiteRT (the reference kernels for the integer variant) over `count` invokes
    of one interpreter each: the state carries over, and is reset before the listed invokes."""
    reference = REFERENCE_KERNELS if integer else litert_interpreter()
    build = dict(options=options, **(INTEGER_BUILD if integer else dict(output_dtypes=F32)))
    feature = operands[1][0] if isinstance(operands[1], tuple) else operands[1]
    batch, units = operands[0][0][0], feature.shape[0] // options["rank"]
    model = build_op_model(OP, operands, **build, output_shapes=[[batch, units]])
    rng = np.random.default_rng(seed)
    shape = operands[0][0]
    if integer:
        invokes = [[rng.integers(-128, 128, shape).astype(I8)] for _ in range(count)]
    else:
        invokes = [[rng.uniform(-2, 2, shape).astype(F32)] for _ in range(count)]
    invokes[min(3, count - 1)] = invokes[0]
    expected = run_invokes(reference, model, invokes, reset_before)
    actual = run_invokes(jitlite_interpreter(), model, invokes, reset_before)
    for k, (a, e) in enumerate(zip(actual, expected)):
        assert_outputs_match(a, e, context=f"{OP} options={options} invoke {k}")
    return expected


# ---- float ----

@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_float_activations(activation):
    check_op(OP, float_operands(), options=dict(rank=2, fused_activation_function=activation))


@pytest.mark.parametrize("sizes", [(1, 1, 1, 1, 1), (1, 0, 2, 1, 3), (1, 7, 4, 1, 3),
                                   (2, 5, 3, 2, 4), (2, 16, 8, 2, 10), (3, 40, 5, 3, 7)],
                         ids=lambda s: "b{}_in{}_u{}_r{}_m{}".format(*s))
def test_float_sizes(sizes):
    batch, n_input, units, rank, memory = sizes
    check_op(OP, float_operands(batch, n_input, units, rank, memory),
             options=dict(rank=rank, fused_activation_function="RELU"))


def test_float_without_bias():
    check_op(OP, float_operands(bias=False), options=dict(rank=2))


@pytest.mark.parametrize("rank,batch", [(1, 1), (2, 2), (1, 2)])
def test_float_state_across_invokes(rank, batch):
    check_invokes(float_operands(batch=batch, rank=rank, memory=3),
                  dict(rank=rank, fused_activation_function="TANH"))


def test_float_with_threads():
    """The kernel runs whole on one thread; a multi-threaded interpreter gives the same bits."""
    check_threads(OP, float_operands(batch=2, n_input=32, units=8, rank=2, memory=6),
                  options=dict(rank=2, fused_activation_function="RELU"))


# ---- hybrid ----

@pytest.mark.parametrize("asymmetric", [False, True])
@pytest.mark.parametrize("activation", ["NONE", "RELU", "TANH"])
def test_hybrid(asymmetric, activation):
    check_op(OP, hybrid_operands(), options=dict(
        rank=2, fused_activation_function=activation, asymmetric_quantize_inputs=asymmetric))


@pytest.mark.parametrize("sizes", [(1, 1, 1, 1, 1), (1, 9, 4, 1, 6), (2, 33, 5, 2, 3)],
                         ids=lambda s: "b{}_in{}_u{}_r{}_m{}".format(*s))
def test_hybrid_sizes(sizes):
    batch, n_input, units, rank, memory = sizes
    check_op(OP, hybrid_operands(batch, n_input, units, rank, memory),
             options=dict(rank=rank, fused_activation_function="RELU"))


@pytest.mark.parametrize("asymmetric", [False, True])
def test_hybrid_state_across_invokes(asymmetric):
    check_invokes(hybrid_operands(bias=False), dict(rank=2, asymmetric_quantize_inputs=asymmetric))


def test_hybrid_zero_input_row():
    """A zero input (TFLite skips quantizing an all-zero batch) gives exactly the time part."""
    ops = hybrid_operands(batch=1)
    model = build_op_model(OP, ops, options=dict(rank=2), output_dtypes=F32,
                           output_shapes=[[1, 3]])
    invokes = [[np.linspace(-1, 1, 6, dtype=F32)[None]], [np.zeros((1, 6), F32)]]
    expected = run_invokes(litert_interpreter(), model, invokes)
    actual = run_invokes(jitlite_interpreter(), model, invokes)
    for a, e in zip(actual, expected):
        assert_outputs_match(a, e, context="SVDF hybrid zero row")


# ---- integer ----

@pytest.mark.parametrize("sizes", [(1, 1, 1, 1, 1), (1, 6, 3, 2, 4), (2, 16, 8, 1, 10),
                                   (2, 24, 4, 3, 5)],
                         ids=lambda s: "b{}_in{}_u{}_r{}_m{}".format(*s))
def test_integer_sizes(sizes):
    batch, n_input, units, rank, memory = sizes
    check_quantized(OP, integer_operands(batch, n_input, units, rank, memory),
                    options=dict(rank=rank, fused_activation_function="RELU"), **INTEGER_OUTPUT)


def test_integer_without_bias():
    check_quantized(OP, integer_operands(bias=False),
                    options=dict(rank=2, fused_activation_function="RELU"), **INTEGER_OUTPUT)


def test_integer_saturating_state():
    """A small state scale drives the feature products into INT16's clamp."""
    check_quantized(OP, integer_operands(state_scale=0.00002),
                    options=dict(rank=2, fused_activation_function="RELU"), **INTEGER_OUTPUT)


@pytest.mark.parametrize("rank,batch", [(1, 1), (2, 2)])
def test_integer_state_across_invokes(rank, batch):
    check_invokes(integer_operands(batch=batch, rank=rank, memory=3),
                  dict(rank=rank, fused_activation_function="RELU"), integer=True)


# ---- rejected ----

def test_integer_needs_relu():
    assert_rejected(OP, integer_operands(), options=dict(rank=2), match="requires RELU",
                    litert_rejects=True, **INTEGER_BUILD)


def test_int8_state_variant_is_unimplemented():
    ops = integer_operands()
    ops[2] = int_constant(ops[2][0].shape, I8, 5, 127, 0.01)
    ops[4] = (ops[4][0], I8, dict(scale=0.5, zero_point=-4, **VARIABLE))
    assert_rejected(OP, ops, options=dict(rank=2, fused_activation_function="RELU"),
                    match="8-bit variant", **INTEGER_BUILD)


def test_filters_not_a_multiple_of_rank():
    assert_rejected(OP, float_operands(units=3, rank=2), options=dict(rank=4),
                    match="not a multiple of rank 4", litert_rejects=True)


def test_rank_zero_is_rejected():
    assert_rejected(OP, float_operands(), options=dict(rank=0), match="rank 0 must be positive",
                    litert_rejects=True)


def test_state_must_be_variable():
    ops = float_operands()
    ops[4] = ((2, 24), F32)
    assert_rejected(OP, ops, options=dict(rank=2), match="must be a variable tensor")


def test_inconsistent_state_is_rejected():
    ops = float_operands()
    ops[4] = state((2, 20))
    assert_rejected(OP, ops, options=dict(rank=2), match=r"activation state .* expected \[2, 24\]",
                    litert_rejects=True)


def test_mismatched_weights_feature_is_rejected():
    ops = float_operands()
    ops[1] = weights((6, 4), 9)
    assert_rejected(OP, ops, options=dict(rank=2), match=r"weights_feature .* expected \[6, 5\]",
                    litert_rejects=True)


def test_hybrid_per_channel_weights_are_rejected():
    ops = hybrid_operands()
    values, _ = ops[1]
    ops[1] = (values, dict(scale=[0.01] * 6, zero_point=[0] * 6, quantized_dimension=0))
    assert_rejected(OP, ops, options=dict(rank=2), match="6 scales; this op takes per-tensor")


def test_unsupported_dtype_pair_is_rejected():
    ops = float_operands()
    ops[1] = int_constant((6, 5), I16, 1, 100, 0.01)
    assert_rejected(OP, ops, options=dict(rank=2),
                    match="weights_feature INT16; supported: FLOAT32 x FLOAT32")


def test_hybrid_uint8_weights_are_refused():
    # LiteRT runs them but reads the bytes as INT8 (zero point 128 ignored).
    ops = hybrid_operands()
    x = [np.random.default_rng(4).uniform(-2, 2, ops[0][0]).astype(F32)]
    check_uint8_weights_refused(OP, ops, (1, 2), [x], dict(rank=2))
