"""DYNAMIC_UPDATE_SLICE against LiteRT: ranks 0-4, update windows of every size up to the whole
tensor, starts inside, at the edges and out of range (clamped, as in TFLite: never an error),
int32/int64 starts, runtime and constant starts, float32/int32/int64/bool and quantized raw
copies, empty updates; plus the rejected cases."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, assert_rejected, check_op, check_values, rand

OP = "DYNAMIC_UPDATE_SLICE"

CASES = [((6,), (2,), [3]), ((6,), (6,), [0]), ((6,), (1,), [9]), ((4, 5), (2, 2), [3, -2]),
         ((4, 5), (4, 1), [0, 4]), ((4, 5), (1, 5), [-7, 2]), ((2, 3, 4), (1, 2, 3), [1, 1, 1]),
         ((2, 3, 4), (2, 3, 4), [5, 5, 5]), ((2, 3, 4, 2), (1, 3, 2, 1), [0, 0, 2, 1]),
         ((1, 1), (1, 1), [0, 0])]


@pytest.mark.parametrize("start_dtype", [I32, I64])
@pytest.mark.parametrize("shape, update, start", CASES)
def test_runtime_starts(shape, update, start, start_dtype):
    check_values(OP, [rand(shape, seed=1), rand(update, seed=2), np.array(start, start_dtype)])


@pytest.mark.parametrize("shape, update, start", CASES)
def test_constant_starts(shape, update, start):
    check_op(OP, [(shape, F32), (update, F32), np.array(start, I32)])


@pytest.mark.parametrize("dtype", [F32, I32, I64, np.bool_])
def test_dtypes(dtype):
    check_op(OP, [((4, 5), dtype), ((2, 3), dtype), np.array([1, 2], I32)])


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    q = dict(scale=0.5, zero_point=0)
    check_op(OP, [((4, 5), dtype, q), ((2, 3), dtype, q), np.array([1, 2], I32)])


def test_scalar_and_empty_update():
    check_op(OP, [((), F32), ((), F32), np.zeros((0,), I32)])
    check_op(OP, [((4, 5), F32), ((0, 2), F32), np.array([1, 1], I32)])


@pytest.mark.parametrize("inputs, match", [
    ([((2, 2), F32), ((3, 2), F32), np.array([0, 0], I32)], "must have operand's rank and fit"),
    ([((2, 2), F32), ((2,), F32), np.array([0, 0], I32)], "must have operand's rank and fit"),
    ([((2, 2), F32), ((1, 1), F32), np.array([0], I32)], "one entry per dim"),
    ([((2, 2), F32), ((1, 1), I32), np.array([0, 0], I32)], "update .input 1. has type INT32"),
    ([((2, 2), F32), ((1, 1), F32), np.array([0, 0], np.int16)], "INT32 or INT64"),
])
def test_invalid(inputs, match):
    assert_rejected(OP, inputs, match=match, output_shapes=[[2, 2]])
