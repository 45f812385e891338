"""MUL against LiteRT: broadcasting (scalars to rank 8), float32/int32/int64, every fused
activation, integer wrap-around, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (ACTIVATIONS, BINARY_SHAPES, F32, I32, I64, SPECIAL_VALUES, TFLITE_KERNELS,
                        assert_rejected, check_op, check_values, shape_id)

DTYPES = [F32, I32, I64]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=shape_id)
def test_broadcast(shapes, dtype):
    check_op("MUL", [(shapes[0], dtype), (shapes[1], dtype)])


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_fused_activation(activation, dtype):
    check_op("MUL", [((3, 5), dtype), ((5,), dtype)], input_range=(-4, 4),
             options=dict(fused_activation_function=activation))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_fused_activation_broadcast_scalar(activation):
    check_op("MUL", [((), F32), ((2, 3, 4), F32)], input_range=(-8, 8),
             options=dict(fused_activation_function=activation))


@pytest.mark.parametrize("dtype", [I32, I64], ids=lambda d: np.dtype(d).name)
def test_integer_wraps_around(dtype):
    info = np.iinfo(dtype)
    check_op("MUL", [((64,), dtype), ((64,), dtype)], input_range=(info.max // 2, info.max))


def test_constant_operand():
    check_op("MUL", [((2, 3, 4), F32)], constants=[np.linspace(-1, 1, 4, dtype=F32)])


def test_large_odd_shape():
    check_op("MUL", [((3, 17, 19), F32), ((3, 17, 19), F32)])


@pytest.mark.parametrize("activation", ["NONE", "RELU", "RELU6"])
@pytest.mark.parametrize("reference", [None, TFLITE_KERNELS], ids=["litert", "tflite_kernels"])
def test_special_values(reference, activation):
    # Every pairing of NaN, +-inf, +-0, subnormals and ordinary values. jitlite keeps
    # infinities like XNNPACK (TFLite's kernels clamp them to +-FLT_MAX) and keeps subnormals
    # like TFLite's kernels (XNNPACK flushes them), so each reference gets the values on which
    # that choice agrees with it.
    if reference is None:
        values = SPECIAL_VALUES[np.abs(SPECIAL_VALUES) != np.float32(1e-40)]
    else:
        # (no infinities, and nothing whose result overflows to one)
        values = SPECIAL_VALUES[(np.abs(SPECIAL_VALUES) < 1e30) | np.isnan(SPECIAL_VALUES)]
    a, b = np.meshgrid(values, values)
    check_values("MUL", [a, b], options=dict(fused_activation_function=activation),
                 reference=reference)


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_mixed_dtypes():
    assert_rejected("MUL", [((2, 3), F32), ((2, 3), I32)], match="input types differ",
                    litert_rejects=True)


def test_rejects_incompatible_broadcast():
    assert_rejected("MUL", [((2, 3), F32), ((4,), F32)], match="broadcast|incompatible",
                    litert_rejects=True)


def test_rejects_rank_above_8():
    assert_rejected("MUL", [((1,) * 9, F32), ((2,), F32)], match="exceeds 8")


def test_rejects_bool():
    assert_rejected("MUL", [((3,), np.bool_), ((3,), np.bool_)],
                    match="BOOL, which TFLite's MUL does not accept", litert_rejects=True)


def test_int8_is_not_supported_yet():
    assert_rejected("MUL", [((3,), np.int8, dict(scale=0.1)), ((3,), np.int8, dict(scale=0.1))],
                    match="not supported by jitlite yet")


def test_rejects_one_input():
    assert_rejected("MUL", [((3,), F32)], match="expected 2 inputs, got 1", litert_rejects=True)


def test_rejects_unknown_activation():
    assert_rejected("MUL", [((3,), F32), ((3,), F32)],
                    options=dict(fused_activation_function=9),
                    match="unknown fused_activation_function 9")
