"""QUANTIZE against LiteRT's reference kernels, bit-exact: float32 -> int8/uint8/int16 (ties,
saturation, odd scales, zero points at the ends of the range) and requantization int8 ->
int8/uint8/int16, uint8 -> int8/uint8, int16 -> int8/int16/int32, int32 -> int8/int16 (multipliers
above and below one); per-channel output of a constant float input (folded); plus the rejected
pairs and per-channel output of a runtime input (not supported yet)."""

import numpy as np
import pytest

from jitlite.testing import build_op_model, jitlite_interpreter, run_model
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
    (((4,), F32), I8, dict(scale=[0.1, 0.2, 0.3, 0.4], zero_point=[0] * 4),
     "per-channel QUANTIZE output of a runtime", False),
])
def test_invalid(in_spec, out_dtype, out_q, match, litert_rejects):
    assert_rejected(OP, [in_spec], output_dtypes=[out_dtype], output_quant=out_q, match=match,
                    output_shapes=[[4]], litert_rejects=litert_rejects)


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
