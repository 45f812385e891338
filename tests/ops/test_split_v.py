"""SPLIT_V against LiteRT: ranks 1-6, every axis (negative too), uneven sizes, a -1 size, zero
sizes, int32/int64 size_splits, float32/int32/int64 and quantized raw copies (bool rejected as in TFLite), empty dims;
plus the rejected cases."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, assert_rejected, check_op, check_value_inputs

OP = "SPLIT_V"
SHAPES = {1: (6,), 2: (4, 6), 3: (2, 6, 4), 4: (2, 3, 4, 6), 5: (2, 1, 4, 2, 6),
          6: (2, 1, 2, 3, 1, 4)}


def size_patterns(dim):
    patterns = [[dim], [-1]]
    if dim >= 2:
        patterns += [[1, dim - 1], [dim - 1, -1], [-1, 1]]
    if dim >= 3:
        patterns += [[1, 0, dim - 1], [1, 1, -1]]
    return patterns


CASES = [(rank, axis, sizes) for rank in sorted(SHAPES) for axis in range(-rank, rank)
         for sizes in size_patterns(SHAPES[rank][axis])]


def split_v(shape, dtype, sizes, axis, size_dtype=np.int32, **tensor_args):
    spec = (shape, dtype, tensor_args) if tensor_args else (shape, dtype)
    n = len(sizes)
    check_op(OP, [spec], [np.array(sizes, size_dtype), np.array(axis, np.int32)],
             dict(num_splits=n), output_dtype=[dtype] * n)


@pytest.mark.parametrize("rank, axis, sizes", CASES)
def test_axes_and_sizes(rank, axis, sizes):
    split_v(SHAPES[rank], F32, sizes, axis)


@pytest.mark.parametrize("dtype", [F32, I32, I64])
def test_dtypes(dtype):
    split_v((4, 6), dtype, [2, -1, 1], 1)


def test_bool_is_rejected_like_tflite():
    assert_rejected(OP, [((4, 6), np.bool_)], [np.array([3, 3], np.int32), np.array(1, np.int32)],
                    dict(num_splits=2), match="BOOL", output_dtypes=[np.bool_] * 2,
                    output_shapes=[[4, 3]] * 2, litert_rejects=True)


def test_int64_sizes():
    split_v((4, 6), F32, [2, 4], 1, np.int64)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    split_v((5, 3), dtype, [3, 2], 0, scale=0.5, zero_point=0)


def test_empty_dim():
    split_v((0, 4), F32, [1, 3], 1)


@pytest.mark.parametrize("sizes, axis, match", [
    ([2, 2], 1, "add up to 4"),
    ([-1, -1], 1, "more than one -1"),
    ([7, -1], 1, "add up to 7"),
    ([3, -2, 5], 1, "must be >= 0"),
    ([6], 2, "axis 2 is out of range"),
])
def test_invalid(sizes, axis, match):
    n = len(sizes)
    assert_rejected(OP, [((4, 6), F32)], [np.array(sizes, np.int32), np.array(axis, np.int32)],
                    dict(num_splits=n), match=match, output_dtypes=[F32] * n,
                    output_shapes=[[1]] * n)


def test_runtime_sizes_compile_per_value():
    x = np.arange(24, dtype=np.float32).reshape(4, 6)
    check_value_inputs(OP, [[x, np.array(s, np.int32)] for s in ([2, 4], [5, 1], [-1, 3])],
                       [np.array(1, np.int32)], dict(num_splits=2), output_dtypes=[F32] * 2)
