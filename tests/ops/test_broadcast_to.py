"""BROADCAST_TO against LiteRT: input ranks 0-6 to target ranks up to 8, stretched and new
leading dims, int32/int64 shapes, float32/int32/int64/bool and quantized raw copies, empty
dims, constant (folded) data; plus the rejected cases."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, assert_rejected, check_op, check_value_inputs

OP = "BROADCAST_TO"
CASES = [
    ((), (3,)), ((1,), (4,)), ((3,), (2, 3)), ((2, 1), (2, 5)), ((1, 3), (4, 3)),
    ((2, 3), (2, 3)), ((3, 1, 2), (2, 3, 4, 2)), ((1, 1, 1, 1), (2, 3, 1, 4)),
    ((2, 1, 3, 1, 2), (2, 2, 3, 2, 2)), ((1, 2, 1, 3, 1, 2), (2, 2, 2, 3, 2, 2)),
    ((3, 1), (1, 1, 2, 1, 1, 1, 3, 4)),
]


def shape(values, dtype=np.int32):
    return np.array(values, dtype=dtype)


@pytest.mark.parametrize("src, dst", CASES)
def test_shapes(src, dst):
    check_op(OP, [(src, F32)], [shape(dst)])


@pytest.mark.parametrize("shape_dtype", [I32, I64])
@pytest.mark.parametrize("dtype", [F32, I32, I64, np.bool_])
def test_dtypes(dtype, shape_dtype):
    check_op(OP, [((2, 1), dtype)], [shape([3, 2, 4], shape_dtype)])


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    check_op(OP, [((1, 3), dtype, dict(scale=0.5, zero_point=0))], [shape([2, 3])])


def test_empty_dims():
    check_op(OP, [((1, 3), F32)], [shape([0, 3])])


def test_constant_data_is_folded():
    check_op(OP, [np.arange(3, dtype=np.int32).reshape(3, 1), shape([2, 3, 4])])


@pytest.mark.parametrize("src, dst, match", [
    ((2, 3), (2, 4), "cannot be broadcast"),
    ((2, 3), (3,), "between input 0's rank"),
    ((3,), (1,) * 9, "between input 0's rank"),
])
def test_invalid(src, dst, match):
    assert_rejected(OP, [(src, F32)], [shape(dst)], match=match, output_shapes=[[1]])


def test_runtime_shape_compiles_per_value():
    x = np.array([[1.0], [2.0]], np.float32)
    check_value_inputs(OP, [[x, np.array(s, np.int32)] for s in ([2, 3], [2, 5], [2, 3])])
