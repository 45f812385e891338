"""ONE_HOT against LiteRT: index ranks 0-3, every axis (and -1), depths 1-5 with indices inside
and outside [0, depth) (negative too: all-off rows, not an error), int32/int64 indices (int64
compared after truncation to int32, as TFLite does), float32/int32/int64/bool/int8/uint8 values,
runtime and constant on/off values, depth 0; plus the rejected cases."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, assert_rejected, check_op, check_values

OP = "ONE_HOT"


def on_off(dtype):
    if dtype == np.bool_:
        return [np.array(True), np.array(False)]
    return [np.array(3, dtype), np.array(-2 if dtype != np.uint8 else 7, dtype)]


@pytest.mark.parametrize("depth", [1, 3, 5])
@pytest.mark.parametrize("shape, axis", [((), 0), ((), -1), ((4,), 0), ((4,), 1), ((4,), -1),
                                          ((2, 3), 0), ((2, 3), 1), ((2, 3), -1),
                                          ((2, 1, 3), 2), ((2, 1, 3), 1)])
def test_shapes_axes_depths(shape, axis, depth):
    check_op(OP, [(shape, I32), np.array(depth, I32), *on_off(F32)], options=dict(axis=axis),
             input_range=(-2, depth + 1), output_dtype=F32)


@pytest.mark.parametrize("dtype", [F32, I32, I64, np.bool_, np.int8, np.uint8])
def test_value_dtypes(dtype):
    check_op(OP, [((3, 4), I32), np.array(4, I32), *on_off(dtype)], options=dict(axis=-1),
             input_range=(-1, 5), output_dtype=dtype)


def test_runtime_on_off_values_and_int64_indices():
    check_op(OP, [((2, 3), I64), np.array(3, I32), ((), F32), ((), F32)],
             options=dict(axis=-1), input_range=[(-1, 4), (-2, 2), (-2, 2)], output_dtype=F32)


def test_int64_indices_truncate_like_tflite():
    check_values(OP, [np.array([2**32 + 1, 1, -(2**32)], I64)],
                 constants=[np.array(3, I32), np.array(1, I32), np.array(0, I32)],
                 options=dict(axis=-1), output_dtype=I32)


def test_depth_zero_and_int64_depth():
    check_op(OP, [((3,), I32), np.array(0, I32), *on_off(I32)], options=dict(axis=-1),
             output_dtype=I32, output_shape=(3, 0))
    check_op(OP, [((3,), I32), np.array(4, I64), *on_off(I32)], options=dict(axis=0),
             input_range=(0, 3), output_dtype=I32)


@pytest.mark.parametrize("inputs, options, match, error", [
    ([((3,), I32), np.array(3, I32), *on_off(F32)], dict(axis=-2), "axis -2 is out of range",
     RuntimeError),
    ([((3,), I32), np.array(3, I32), *on_off(F32)], dict(axis=2), "axis 2 is out of range",
     RuntimeError),
    ([((3,), F32), np.array(3, I32), *on_off(F32)], dict(axis=0), "INT32 or INT64",
     RuntimeError),
    ([((3,), I32), ((), I32), *on_off(F32)], dict(axis=0), "depth .input 1. is computed",
     RuntimeError),
    ([((3,), I32), np.array([3, 3], I32), *on_off(F32)], dict(axis=0), "needs one value",
     RuntimeError),
    ([((3,), I32), np.array(-1, I32), *on_off(F32)], dict(axis=0), "depth is -1", RuntimeError),
    ([((3,), I32), np.array(3, I32), np.array(1, F32), np.array(0, I32)], dict(axis=0),
     "must match", RuntimeError),
    ([((3,), I32), np.array(3, I32), *on_off(np.int16)], dict(axis=0), "INT16", RuntimeError),
])
def test_invalid(inputs, options, match, error):
    dtype = inputs[2].dtype
    assert_rejected(OP, inputs, options=options, match=match, error=error,
                    output_shapes=[[3, 3]], output_dtypes=dtype)
