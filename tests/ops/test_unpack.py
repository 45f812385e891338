"""UNPACK against LiteRT: ranks 1-6, every axis (negative too), float32/int32/bool and
quantized raw copies, size-1 dims; plus the rejected cases (int64 and empty inputs as in
TFLite)."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, assert_rejected, check_op

OP = "UNPACK"
SHAPES = {1: (3,), 2: (2, 3), 3: (2, 3, 4), 4: (2, 3, 1, 4), 5: (2, 1, 3, 2, 3),
          6: (2, 1, 2, 3, 1, 2)}
CASES = [(rank, axis) for rank in sorted(SHAPES) for axis in range(-rank, rank)]


def unpack(shape, dtype, axis, **tensor_args):
    spec = (shape, dtype, tensor_args) if tensor_args else (shape, dtype)
    n = shape[axis]
    check_op(OP, [spec], options=dict(num=n, axis=axis), output_dtype=[dtype] * n)


@pytest.mark.parametrize("rank, axis", CASES)
def test_axes(rank, axis):
    unpack(SHAPES[rank], F32, axis)


@pytest.mark.parametrize("dtype", [F32, I32, np.bool_])
def test_dtypes(dtype):
    unpack((3, 4), dtype, 1)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    unpack((3, 4), dtype, 0, scale=0.5, zero_point=0)


def test_constant_data():
    data = np.arange(12, dtype=np.int32).reshape(3, 4)
    check_op(OP, [data], options=dict(num=4, axis=1), output_dtype=[I32] * 4)


@pytest.mark.parametrize("shape, dtype, match", [((2, 0), F32, "is empty"),
                                                 ((2, 3), I64, "INT64")])
def test_rejected_like_tflite(shape, dtype, match):
    assert_rejected(OP, [(shape, dtype)], options=dict(num=2, axis=0), match=match,
                    output_dtypes=[dtype] * 2, output_shapes=[[shape[1]]] * 2, litert_rejects=True)


@pytest.mark.parametrize("shape, num, axis, n_out, match", [
    ((2, 3), 3, 0, 3, "UnpackOptions.num is 3"),
    ((2, 3), 2, 2, 2, "axis 2 is out of range"),
    ((2, 3), 2, -3, 2, "axis -3 is out of range"),
    ((2, 3), 2, 0, 1, "UnpackOptions.num is 2"),
])
def test_invalid(shape, num, axis, n_out, match):
    assert_rejected(OP, [(shape, F32)], options=dict(num=num, axis=axis), match=match,
                    output_dtypes=[F32] * n_out, output_shapes=[[1]] * n_out)
