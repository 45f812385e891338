"""EXP against LiteRT: shapes from scalars to rank 8 and empty tensors, the whole useful input
range, special values (NaN, inf, signed zeros, subnormals), int8/int16 bit-exact on every stored
value (TFLite's lookup tables), and the models jitlite must refuse."""

import numpy as np
import pytest

from jitlite.testing import build_op_model, jitlite_interpreter, run_model
from op_testing import (F32, I32, SPECIAL_VALUES, TFLITE_KERNELS, UNARY_SHAPES, assert_rejected,
                        check_every_value, check_op, check_quantized, check_values, shape_id)

RANGE = (-10.0, 10.0)


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("EXP", [(shape, F32)], input_range=RANGE)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_odd_sized_tensor(seed):
    check_op("EXP", [((3, 17, 5), F32)], input_range=RANGE, seed=seed)


def test_special_values():
    # LiteRT's default XNNPACK path flushes subnormals to zero (and differs on NaN for some ops);
    # jitlite follows TFLite's own kernels, hence that reference.
    check_values("EXP", [SPECIAL_VALUES], reference=TFLITE_KERNELS)


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("EXP", [((3,), I32)],
                    match="INT32, which TFLite's EXP does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("EXP", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


# --- int8 / int16: TFLite's float-built lookup tables, on every stored value ----------------------

@pytest.mark.parametrize("in_q, out_q", [((0.05, 0), (0.05, 0)), ((0.05, 3), (0.5, -2)),
                                         ((0.02, -128), (0.01, 127)), ((0.1, 10), (1.0, -128))])
def test_int8_every_value(in_q, out_q):
    check_every_value("EXP", np.int8, in_q, out_q)


@pytest.mark.parametrize("in_scale, out_scale", [(0.001, 0.001), (0.0005, 0.01), (1 / 4096, 1 / 32),
                                                 (3e-5, 3e-5)])
def test_int16_every_value(in_scale, out_scale):
    check_every_value("EXP", np.int16, (in_scale, 0), (out_scale, 0))


@pytest.mark.parametrize("shape", [(), (7,), (3, 50)], ids=shape_id)
@pytest.mark.parametrize("dtype", [np.int8, np.int16])
def test_quantized_shapes(dtype, shape):
    check_quantized("EXP", [(shape, dtype, dict(scale=0.01, zero_point=0))],
                    output_quant=dict(scale=0.02, zero_point=0))


def test_int16_needs_zero_points_0():
    assert_rejected("EXP", [((3,), np.int16, dict(scale=0.001, zero_point=5))],
                    match="INT16 EXP needs zero points 0", litert_rejects=True)


def test_subnormal_results_are_not_clamped():
    # exp(x) for x in (-103.9, -87.4) is a subnormal float: check_op's absolute tolerance cannot
    # see it, so compare relatively (TFLite's kernel keeps subnormals; XNNPACK flushes them).
    x = np.linspace(-103.5, -87.4, 64, dtype=F32)
    model = build_op_model("EXP", [(x.shape, F32)], output_shapes=[list(x.shape)])
    (actual,) = run_model(jitlite_interpreter(), model, [x])
    (expected,) = run_model(TFLITE_KERNELS, model, [x])
    # Subnormals carry fewer significant bits: allow 2 units of the subnormal spacing.
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=2 * 2.0**-149)
