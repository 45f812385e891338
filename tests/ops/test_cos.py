"""COS against LiteRT: float32 over shapes from scalars to rank 8 and empty tensors on [-10, 10],
precision of the inline polynomial on [-10, 10] and up to |x| = 1e6, special values (NaN, inf,
signed zeros, subnormals), fusion in a unary chain, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import F32, I32, SPECIAL_VALUES, UNARY_SHAPES, assert_rejected, check_op, shape_id
from unary_cases import assert_close_to_tflite, assert_one_kernel, check_special

RANGE = (-10.0, 10.0)
# |x| >= 1e30 left out: TFLite's libm call reduces those exactly, XNNPACK returns NaN and jitlite
# (reduction in double, see ops/cos.cc) neither.
SPECIALS = SPECIAL_VALUES[np.abs(np.nan_to_num(SPECIAL_VALUES, posinf=0, neginf=0)) < 1e29]


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("COS", [(shape, F32)], input_range=RANGE)


@pytest.mark.parametrize("seed", [1, 2])
def test_wide_range(seed):
    check_op("COS", [((1000,), F32)], input_range=(-1e4, 1e4), seed=seed)


def test_precision():
    assert_close_to_tflite("COS", np.linspace(-10, 10, 20001, dtype=F32), atol=2e-7)
    assert_close_to_tflite("COS", np.linspace(-1e6, 1e6, 20001, dtype=F32), atol=2e-7)
    # Multiples of pi/2, where the reduction matters most.
    assert_close_to_tflite("COS", (np.arange(-2000, 2001) * np.pi / 2).astype(F32), atol=2e-7)


def test_special_values():
    check_special("COS", SPECIALS)  # cos(+-0) = 1, cos(+-inf) = NaN


def test_chain_is_one_kernel():
    assert_one_kernel(["COS", "SIN", "COS"], input_range=RANGE)


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("COS", [((3,), I32)],
                    match="INT32, which TFLite's COS does not accept", litert_rejects=True)


def test_rejects_int8():
    assert_rejected("COS", [((3,), np.int8, dict(scale=0.1, zero_point=0))],
                    match="INT8, which TFLite's COS does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("COS", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


def test_bfloat16_is_rejected_like_tflite():
    # FLOAT16 runs (test_half_float.py); TFLite's reference COS refuses BFLOAT16.
    from ml_dtypes import bfloat16
    assert_rejected("COS", [((3,), bfloat16)], match="TFLite's COS does not accept",
                    litert_rejects=True)
