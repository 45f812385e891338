"""MATRIX_SET_DIAG against LiteRT: square, tall and wide matrices with 0-2 batch dims,
float32/int32/int64 and int8/uint8/int16 raw copies, runtime and constant inputs, size-1 and
empty dims; plus the rejected cases (a diagonal of the wrong shape, which TFLite reads without
checking, is refused)."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, REFERENCE_KERNELS, assert_rejected, check_op

OP = "MATRIX_SET_DIAG"


def diag_shape(shape):
    return shape[:-2] + (min(shape[-2:]),)


SHAPES = [(1, 1), (3, 3), (4, 2), (2, 5), (2, 3, 3), (3, 4, 2), (2, 2, 3, 5)]


@pytest.mark.parametrize("shape", SHAPES)
def test_shapes(shape):
    check_op(OP, [(shape, F32), (diag_shape(shape), F32)])


@pytest.mark.parametrize("dtype", [F32, I32, I64])
def test_dtypes(dtype):
    check_op(OP, [((2, 3, 4), dtype), ((2, 3), dtype)], reference=REFERENCE_KERNELS)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    q = dict(scale=0.25, zero_point=5)
    check_op(OP, [((4, 3), dtype, q), ((3,), dtype, q)], reference=REFERENCE_KERNELS)


def test_constant_operands():
    check_op(OP, [((3, 4), F32)], [np.array([7.0, 8.0, 9.0], F32)])
    check_op(OP, [np.arange(12, dtype=np.int32).reshape(4, 3), ((3,), I32)])


def test_empty_dims():
    check_op(OP, [((0, 3, 3), F32), ((0, 3), F32)], output_shape=(0, 3, 3))
    check_op(OP, [((2, 0, 3), F32), ((2, 0), F32)], output_shape=(2, 0, 3))


@pytest.mark.parametrize("inputs, match, litert_rejects", [
    ([((3, 4), F32), ((4,), F32)], r"needs \[3\]", False),
    ([((2, 3, 4), F32), ((3,), F32)], r"needs \[2, 3\]", False),
    ([((3, 4), F32), ((3,), I32)], "must have input 0's type", False),
    ([((3, 4), np.int8, dict(scale=0.5, zero_point=0)), ((3,), np.int8, dict(scale=1.0,
                                                                             zero_point=0))],
     "quantization", False),
    ([((4,), F32), ((4,), F32)], "rank", True),
    ([((3, 3), np.bool_), ((3,), np.bool_)], "type BOOL", False),
])
def test_invalid(inputs, match, litert_rejects):
    assert_rejected(OP, inputs, match=match, output_shapes=[list(inputs[0][0])],
                    litert_rejects=litert_rejects)
