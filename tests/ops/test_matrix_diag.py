"""MATRIX_DIAG against LiteRT: diagonals of ranks 1-4 (batches of [n, n] matrices), float32/
int32/int64 and int8/uint8/int16 raw copies (off-diagonal elements are raw zeros, not the zero
point, as in TFLite), size-1 and empty dims, a constant input; plus the rejected cases."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, REFERENCE_KERNELS, assert_rejected, check_op

OP = "MATRIX_DIAG"


@pytest.mark.parametrize("shape", [(1,), (4,), (3, 5), (2, 3, 4), (2, 1, 2, 3)])
def test_shapes(shape):
    check_op(OP, [(shape, F32)])


@pytest.mark.parametrize("dtype", [F32, I32, I64])
def test_dtypes(dtype):
    check_op(OP, [((2, 3), dtype)], reference=REFERENCE_KERNELS)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    check_op(OP, [((2, 4), dtype, dict(scale=0.25, zero_point=5))], reference=REFERENCE_KERNELS)


def test_empty_dims():
    check_op(OP, [((0,), F32)], output_shape=(0, 0))
    check_op(OP, [((0, 3), F32)], output_shape=(0, 3, 3))


def test_constant_input():
    check_op(OP, [np.arange(6, dtype=np.int32).reshape(2, 3)])


@pytest.mark.parametrize("inputs, match, litert_rejects", [
    ([((), F32)], "rank", True),
    ([((2, 3), np.bool_)], "type BOOL", False),
])
def test_invalid(inputs, match, litert_rejects):
    assert_rejected(OP, inputs, match=match, output_shapes=[[1]], litert_rejects=litert_rejects)
