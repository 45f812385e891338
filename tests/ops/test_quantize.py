"""QUANTIZE against LiteRT's reference kernels, bit-exact: float32 -> int8/uint8/int16 (ties,
saturation, odd scales, zero points at the ends of the range) and requantization int8 ->
int8/uint8/int16, uint8 -> int8/uint8, int16 -> int8/int16/int32, int32 -> int8/int16 (multipliers
above and below one); per-channel output of a constant float input (folded) and of a runtime float input (every axis of
ranks 1-4, ties, out-of-range values, fused after ADD and FULLY_CONNECTED); plus the rejected
pairs."""

import numpy as np
import pytest

from jitlite.testing import ModelBuilder, build_op_model, jitlite_interpreter, run_model
from op_testing import F32, REFERENCE_KERNELS, assert_rejected, check_quantized, check_values
from seanet_golden import check_seanet, seanet_model_numbers

OP = "QUANTIZE"
I8, U8, I16 = np.int8, np.uint8, np.int16


@pytest.mark.parametrize("out_dtype, scale, zero_point", [
    (I8, 0.05, 0), (I8, 0.0137, -128), (I8, 0.5, 127), (U8, 0.02, 128), (U8, 0.1, 0),
    (I16, 1 / 32768, 0), (I16, 0.00031, 0)])
@pytest.mark.parametrize("shape", [(7,), (2, 3, 5), (1, 4, 4, 16)])
def test_float_to_quantized(shape, out_dtype, scale, zero_point):
    check_quantized(OP, [(shape, F32)], output_dtype=out_dtype,
                    output_quant=dict(scale=scale, zero_point=zero_point), input_range=(-8, 8))


def test_float_ties_round_away_from_zero_and_saturate():
    values = np.array([0.25, -0.25, 0.75, -0.75, 1.25, 1e9, -1e9, 63.75, -64.25, 0.0], F32)
    check_values(OP, [values], reference=REFERENCE_KERNELS, output_dtype=I8,
                 output_quant=dict(scale=0.5, zero_point=0))


@pytest.mark.parametrize("in_dtype, in_q, out_dtype, out_q", [
    (I8, (0.05, 3), I8, (0.02, -7)),
    (I8, (0.02, -7), I8, (0.05, 3)),
    (I8, (0.1, 0), U8, (0.1, 128)),
    (U8, (0.03, 120), I8, (0.07, -5)),
    (U8, (0.03, 120), U8, (0.011, 3)),
    (I16, (0.0005, 0), I8, (0.04, 2)),
    (I16, (0.0005, 0), I16, (0.00013, 0)),
    (I16, (0.0001, 0), I16, (0.01, 0)),
    (I16, (0.1, 0), np.int32, (0.05, 0)),
    (I16, (0.001, 0), np.int32, (0.3, 7)),
    (I8, (0.1, 4), I16, (0.001, 0)),
    (np.float32, None, I16, (0.1, 3)),
])
@pytest.mark.parametrize("shape", [(9,), (2, 3, 11)])
def test_requantize(shape, in_dtype, in_q, out_dtype, out_q):
    in_args = dict(scale=in_q[0], zero_point=in_q[1]) if in_q else {}
    check_quantized(OP, [(shape, in_dtype, in_args)],
                    output_dtype=out_dtype, output_quant=dict(scale=out_q[0], zero_point=out_q[1]))


@pytest.mark.parametrize("in_q, out_dtype, out_q", [
    ((1.49e-07, 0), I16, (0.00092, 0)), ((1e-4, 3), I8, (0.05, -2)), ((0.5, 0), I16, (0.1, 0))])
def test_requantize_int32(in_q, out_dtype, out_q):
    # The whole int32 range: x - zp wraps like TFLite's int32 arithmetic; results saturate.
    check_quantized(OP, [((2, 3, 11), np.int32, dict(scale=in_q[0], zero_point=in_q[1]))],
                    output_dtype=out_dtype, output_quant=dict(scale=out_q[0], zero_point=out_q[1]),
                    input_range=(-2 ** 31, 2 ** 31 - 1))


@pytest.mark.parametrize("in_spec, out_dtype, out_q, match, litert_rejects", [
    (((4,), np.int32, dict(scale=0.1, zero_point=0)), U8, dict(scale=0.1, zero_point=0),
     "not supported by QUANTIZE", False),
    (((4,), I8, dict(scale=0.1, zero_point=0)), np.int32, dict(scale=0.1, zero_point=0),
     "not supported by QUANTIZE", True),
    (((4,), I16, dict(scale=0.1, zero_point=0)), U8, dict(scale=0.1, zero_point=0),
     "not supported by QUANTIZE", True),
])
def test_invalid(in_spec, out_dtype, out_q, match, litert_rejects):
    assert_rejected(OP, [in_spec], output_dtypes=[out_dtype], output_quant=out_q, match=match,
                    output_shapes=[[4]], litert_rejects=litert_rejects)


# --- per-channel output of a runtime FLOAT32 input: the channel from the loop's position --------

def assert_one_kernel(model):
    interpreter = jitlite_interpreter()(model_content=model)
    interpreter.allocate_tensors()
    (kernel,) = interpreter.get_jit_details()["kernels"]
    assert kernel["op_indices"] == [0, 1]


def per_channel_quant(dtype, n, axis):
    offset = 128 if dtype == U8 else 0
    return dict(scale=[0.01 * (i + 1) + 0.003 * (i % 3) for i in range(n)],
                zero_point=[(i * 7) % 5 - 2 + offset for i in range(n)], quantized_dimension=axis)


def special_values(quant):
    # Ties of the first channel's scale (wherever they land), and values past int32 and NaN.
    s = quant["scale"][0]
    return np.array([0.5 * s, -0.5 * s, 2.5 * s, -1.5 * s, 1e9, -1e9, 3e10, -3e10, np.nan], F32)


def runtime_input(shape, quant, seed):
    x = np.random.default_rng(seed).uniform(-4, 4, shape).astype(F32)
    specials = special_values(quant)
    k = min(x.size, specials.size)
    x.flat[:k] = specials[:k]
    # A tie of every channel's own scale too.
    axis = quant["quantized_dimension"]
    for c, s in enumerate(quant["scale"]):
        index = [0] * len(shape)
        index[axis] = c
        index[-1 if axis != len(shape) - 1 else 0] = shape[-1 if axis != len(shape) - 1 else 0] - 1
        x[tuple(index)] = (c % 3 + 0.5) * s * (1 if c % 2 else -1)
    return x


@pytest.mark.parametrize("shape, axis", [
    ((5,), 0), ((3, 7), 0), ((3, 7), 1), ((2, 3, 4), 0), ((2, 3, 4), 1), ((2, 3, 4), 2),
    ((2, 3, 4, 5), 0), ((2, 3, 4, 5), 1), ((2, 3, 4, 5), 2), ((2, 3, 4, 5), 3),
    ((1, 4, 4, 16), 3)])
@pytest.mark.parametrize("dtype", [I8, U8, I16], ids=lambda d: np.dtype(d).name)
def test_per_channel_runtime_input(dtype, shape, axis):
    quant = per_channel_quant(dtype, shape[axis], axis)
    model = build_op_model(OP, [(shape, F32)], output_dtypes=[dtype], output_quant=quant,
                           output_shapes=[list(shape)])
    x = runtime_input(shape, quant, seed=len(shape) * 10 + axis)
    expected = run_model(REFERENCE_KERNELS, model, [x])
    np.testing.assert_array_equal(run_model(jitlite_interpreter(), model, [x])[0], expected[0])


@pytest.mark.parametrize("axis", [0, 1, 2])
@pytest.mark.parametrize("dtype", [I8, I16], ids=lambda d: np.dtype(d).name)
def test_per_channel_fused_after_add(dtype, axis):
    # ADD with a broadcast operand, then QUANTIZE in the same loop (multi-index position).
    shape = (2, 3, 4)
    quant = per_channel_quant(dtype, shape[axis], axis)
    m = ModelBuilder()
    a = m.add_input("a", F32, shape)
    b = m.add_input("b", F32, (1, 4))
    s = m.add_tensor("sum", F32, shape)
    q = m.add_tensor("q", dtype, shape, **quant)
    m.add_op("ADD", [a, b], [s])
    m.add_op(OP, [s], [q])
    m.mark_output(q)
    model = m.build()
    x = runtime_input(shape, quant, seed=axis)
    y = np.zeros((1, 4), F32)
    y[0, 1] = 0.25
    assert_one_kernel(model)
    expected = run_model(REFERENCE_KERNELS, model, [x, y])
    np.testing.assert_array_equal(run_model(jitlite_interpreter(), model, [x, y])[0], expected[0])


@pytest.mark.parametrize("axis", [0, 1])
def test_per_channel_fused_after_fully_connected(axis):
    # QUANTIZE in a kernel's epilogue: the channel from the kernel's output index.
    batch, units, depth = 3, 6, 5
    quant = per_channel_quant(I8, (batch, units)[axis], axis)
    rng = np.random.default_rng(7 + axis)
    m = ModelBuilder()
    x = m.add_input("x", F32, (batch, depth))
    w = m.add_constant("w", rng.uniform(-1, 1, (units, depth)).astype(F32))
    h = m.add_tensor("h", F32, (batch, units))
    q = m.add_tensor("q", I8, (batch, units), **quant)
    m.add_op("FULLY_CONNECTED", [x, w, -1], [h])
    m.add_op(OP, [h], [q])
    m.mark_output(q)
    model = m.build()
    xs = rng.uniform(-1, 1, (batch, depth)).astype(F32)
    assert_one_kernel(model)
    expected = run_model(REFERENCE_KERNELS, model, [xs])
    np.testing.assert_array_equal(run_model(jitlite_interpreter(), model, [xs])[0], expected[0])


# --- per-channel (per-axis) output of a constant FLOAT32 input: folded at allocate time, as
# LiteRT's PerChannelQuantize computes it -------------------------------------------------------

@pytest.mark.parametrize("axis", [0, 1, 2])
@pytest.mark.parametrize("dtype", [I8, U8, I16], ids=lambda d: np.dtype(d).name)
def test_per_channel_constant_input(dtype, axis):
    shape = (2, 3, 4)
    n = shape[axis]
    offset = 128 if dtype == U8 else 0
    quant = dict(scale=[0.01 * (i + 1) for i in range(n)],
                 zero_point=[(i * 7) % 5 - 2 + offset for i in range(n)], quantized_dimension=axis)
    x = np.random.default_rng(axis).uniform(-3, 3, shape).astype(F32)
    x.flat[:4] = [0.5 * quant["scale"][0], -0.5 * quant["scale"][0], 1e9, -1e9]  # ties, overflow
    model = build_op_model(OP, [x], output_dtypes=[dtype], output_quant=quant,
                           output_shapes=[list(shape)])
    expected = run_model(REFERENCE_KERNELS, model, [])
    np.testing.assert_array_equal(run_model(jitlite_interpreter(), model, [])[0], expected[0])


@pytest.mark.parametrize("n", seanet_model_numbers("quantize"))
def test_seanet_golden(n):
    check_seanet("quantize", n)
