"""MEAN against LiteRT: single, multiple, negative, duplicate, unordered and empty axis lists,
keep_dims both ways, float32/int32/int64 data, scalars and rank 6 inputs, the kept-innermost-dims
(NHWC spatial) form and long rows, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, assert_rejected, check_op
from reduce_cases import AXES, SHAPE, SHAPES

DTYPES = [F32, I32, I64]


@pytest.mark.parametrize("keep_dims", [False, True])
@pytest.mark.parametrize("axes", AXES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_axes(dtype, axes, keep_dims):
    check_op("MEAN", [(SHAPE, dtype)], constants=[np.array(axes, I32)],
             options=dict(keep_dims=keep_dims))


def test_scalar_axis_tensor():
    check_op("MEAN", [(SHAPE, F32)], constants=[np.array(2, I32)])


@pytest.mark.parametrize("keep_dims", [False, True])
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape, axes", SHAPES, ids=str)
def test_shapes(shape, axes, dtype, keep_dims):
    check_op("MEAN", [(shape, dtype)], constants=[np.array(axes, I32)],
             options=dict(keep_dims=keep_dims))


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_scalar_input(dtype):
    # A scalar is its own reduction: TFLite ignores the axes then.
    check_op("MEAN", [((), dtype)], constants=[np.array([0], I32)])


def test_negative_integers():
    check_op("MEAN", [((3, 7), I32)], constants=[np.array([1], I32)], input_range=(-100, 3))


def test_wide_float_range():
    check_op("MEAN", [((4, 64), F32)], constants=[np.array([1], I32)], input_range=(-1e4, 1e4))


# --- must-fail ---------------------------------------------------------------------------------

@pytest.mark.parametrize("axis", [4, -5])
def test_rejects_axis_out_of_range(axis):
    assert_rejected("MEAN", [(SHAPE, F32)], constants=[np.array([1, axis], I32)],
                    match=f"axis {axis} is out of range")


@pytest.mark.parametrize("axes", [np.array([1.0], F32), np.array([1], I64)],
                         ids=["float", "int64"])
def test_rejects_non_int32_axes(axes):
    # TFLite's reductions take INT32 axes only.
    assert_rejected("MEAN", [(SHAPE, F32)], constants=[axes], match="take INT32 axes",
                    litert_rejects=True)


def test_runtime_axes_are_not_supported_yet():
    assert_rejected("MEAN", [(SHAPE, F32), ((1,), I32)], match="not a constant tensor")


def test_int8_is_not_supported_yet():
    assert_rejected("MEAN", [(SHAPE, np.int8, dict(scale=0.1))], constants=[np.array([1], I32)],
                    match="MEAN of INT8 is not supported yet")


def test_rejects_missing_axes():
    assert_rejected("MEAN", [(SHAPE, F32)], match="expected 2 inputs, got 1", litert_rejects=True)
