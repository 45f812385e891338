"""DIV against LiteRT: broadcasting (scalars to rank 8), float32 and int32 (TFLite has no int64
DIV), every fused activation, integer truncation toward zero, IEEE float division by zero, and
int8/uint8/int16 bit-exact against the reference kernels (every 8-bit value pair), and the models
jitlite must refuse. Divisors are kept away from 0 unless a test is about 0."""

import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, build_op_model, jitlite_interpreter, run_model
from op_testing import (ACTIVATIONS, BINARY_SHAPES, F32, I32, I64, REFERENCE_KERNELS,
                        TFLITE_KERNELS, assert_rejected, check_op, check_quantized, check_values,
                        shape_id)

# Divisors away from zero, of either sign.
POSITIVE = {F32: (0.25, 4.0), I32: (1, 30)}
NEGATIVE = {F32: (-4.0, -0.25), I32: (-30, -1)}
NUMERATOR = {F32: (-4.0, 4.0), I32: (-1000, 1000)}


@pytest.mark.parametrize("dtype", [F32, I32], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=shape_id)
def test_broadcast(shapes, dtype):
    check_op("DIV", [(shapes[0], dtype), (shapes[1], dtype)],
             input_range=[NUMERATOR[dtype], POSITIVE[dtype]])


@pytest.mark.parametrize("dtype", [F32, I32], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("divisor", [POSITIVE, NEGATIVE], ids=["positive", "negative"])
def test_divisor_sign(divisor, dtype):
    # int32: the quotient truncates toward zero, for either sign of either operand.
    check_op("DIV", [((4, 9), dtype), ((4, 9), dtype)],
             input_range=[NUMERATOR[dtype], divisor[dtype]])


@pytest.mark.parametrize("dtype", [F32, I32], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_fused_activation(activation, dtype):
    check_op("DIV", [((3, 5), dtype), ((5,), dtype)],
             input_range=[(-8, 8), (1, 3)] if dtype == I32 else [(-8.0, 8.0), (0.5, 2.0)],
             options=dict(fused_activation_function=activation))


def test_constant_divisor():
    check_op("DIV", [((2, 3, 4), F32)], constants=[np.array([0.5, -2.0, 3.0, 7.0], F32)])


def test_int32_constant_divisor():
    check_op("DIV", [((2, 3, 4), I32)], constants=[np.array([1, -2, 3, 7], I32)])


def test_float_division_by_zero_is_ieee():
    # x/0 = +-inf and 0/0 = NaN, as LiteRT's default (XNNPACK) path computes them.
    a = np.array([1.0, -1.0, 0.0, 2.5, -0.0, np.inf], F32)
    b = np.array([0.0, 0.0, 0.0, -0.0, 3.0, np.inf], F32)
    check_values("DIV", [a, b])


def test_int32_edge_quotients():
    # Truncation toward zero and INT32_MIN / -1 = INT32_MAX; XNNPACK has no int32 DIV, so the
    # reference is TFLite's kernel either way.
    lo, hi = np.iinfo(I32).min, np.iinfo(I32).max
    a = np.array([7, -7, 7, -7, lo, lo, hi, 0, 1, -1], I32)
    b = np.array([2, 2, -2, -2, -1, 1, -1, 5, 3, 3], I32)
    check_values("DIV", [a, b], reference=TFLITE_KERNELS)


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int64():
    assert_rejected("DIV", [((3,), I64), ((3,), I64)],
                    match="INT64, which TFLite's DIV does not accept", litert_rejects=True)


def test_rejects_constant_int_zero_divisor():
    assert_rejected("DIV", [((2, 3), I32)], constants=[np.array([1, 0, 2], I32)],
                    match="integer division by zero.*flat index 1")


def test_rejects_mixed_dtypes():
    assert_rejected("DIV", [((2, 3), F32), ((2, 3), I32)], match="input types differ",
                    litert_rejects=True)


def test_rejects_incompatible_broadcast():
    assert_rejected("DIV", [((2, 3), F32), ((2, 2), F32)], match="broadcast|incompatible",
                    litert_rejects=True)


def test_rejects_rank_above_8():
    assert_rejected("DIV", [((1,) * 9, F32), ((2,), F32)], match="exceeds 8")


# --- quantized: TFLite's reference fixed-point division, bit-exact ------------------------------
# (divisors at their zero point are left out: TFLite fails the invoke on them)

QUANT = [  # (dtype, input 1, input 2, output) as (scale, zero point)
    (np.int8, (0.1, 0), (0.1, 0), (0.05, 0)),
    (np.int8, (0.05, 3), (0.02, -7), (0.3, 10)),
    (np.uint8, (0.05, 128), (0.02, 100), (0.3, 10)),
    (np.uint8, (0.1, 0), (0.1, 255), (0.02, 128)),
    (np.int16, (0.001, 0), (0.001, 0), (0.01, 0)),
    (np.int16, (0.0005, 3), (0.002, -40), (0.0001, 17)),
    (np.int16, (0.01, -300), (0.002, 1000), (0.3, -5)),
]


def quant_model(dtype, q1, q2, qo, shapes, activation="NONE"):
    return build_op_model("DIV", [(shapes[0], dtype, dict(scale=q1[0], zero_point=q1[1])),
                                  (shapes[1], dtype, dict(scale=q2[0], zero_point=q2[1]))],
                          options=dict(fused_activation_function=activation),
                          output_quant=dict(scale=qo[0], zero_point=qo[1]),
                          output_shapes=[list(np.broadcast_shapes(*shapes))])


def check_quantized_pairs(dtype, q1, q2, qo, a, b, activation="NONE"):
    keep = b.astype(np.int64) != q2[1]
    a, b = a[keep], b[keep]
    model = quant_model(dtype, q1, q2, qo, [a.shape, b.shape], activation)
    expected = run_model(REFERENCE_KERNELS, model, [a, b])
    assert_outputs_match(run_model(jitlite_interpreter(), model, [a, b]), expected,
                         context=f"DIV {np.dtype(dtype).name} {q1} / {q2} -> {qo} {activation}")


@pytest.mark.parametrize("activation", ["NONE", "RELU6"])
@pytest.mark.parametrize("case", QUANT, ids=lambda c: f"{np.dtype(c[0]).name}-{c[1]}-{c[2]}")
def test_quantized_value_pairs(case, activation):
    # 8-bit: every pair of stored values; int16: 20000 random pairs plus the extremes.
    dtype, q1, q2, qo = case
    info = np.iinfo(dtype)
    if dtype == np.int16:
        rng = np.random.default_rng(0)
        a = rng.integers(info.min, info.max, 20000, endpoint=True).astype(dtype)
        b = rng.integers(info.min, info.max, 20000, endpoint=True).astype(dtype)
        edges = np.array([info.min, info.max, -1, 0, 1], dtype)
        a, b = [np.concatenate([v, *np.meshgrid(edges, edges)[i].ravel()[None]])
                for i, v in enumerate((a, b))]
    else:
        grid = np.arange(info.min, info.max + 1)
        a, b = [v.ravel().astype(dtype) for v in np.meshgrid(grid, grid)]
    check_quantized_pairs(dtype, q1, q2, qo, a, b, activation)


@pytest.mark.parametrize("shapes", [((3, 50), (3, 50)), ((2, 3, 4), (4,)), ((), (5,))],
                         ids=shape_id)
def test_quantized_broadcast(shapes):
    dtype, q1, q2, qo = QUANT[1]
    check_quantized("DIV", [(shapes[0], dtype, dict(scale=q1[0], zero_point=q1[1])),
                            (shapes[1], dtype, dict(scale=q2[0], zero_point=q2[1]))],
                    output_quant=dict(scale=qo[0], zero_point=qo[1]),
                    input_range=[(-128, 127), (-6, 127)])  # divisors above zp -7
