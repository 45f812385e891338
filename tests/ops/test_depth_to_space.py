"""DEPTH_TO_SPACE against LiteRT: block sizes 1-4, odd heights/widths/depths, batches,
float32/int32/int64 and quantized raw copies, constant (folded) data; plus the rejected
cases."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, assert_rejected, check_op

OP = "DEPTH_TO_SPACE"
CASES = [((1, 2, 2, 12), 2), ((2, 3, 1, 9), 3), ((1, 1, 2, 32), 4), ((3, 2, 2, 2), 1),
         ((1, 1, 1, 4), 2), ((2, 3, 5, 8), 2)]


@pytest.mark.parametrize("shape, block", CASES)
def test_shapes(shape, block):
    check_op(OP, [(shape, F32)], options=dict(block_size=block))


@pytest.mark.parametrize("dtype", [F32, I32, I64])
def test_dtypes(dtype):
    check_op(OP, [((1, 2, 3, 8), dtype)], options=dict(block_size=2))


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_quantized_raw_copy(dtype):
    check_op(OP, [((1, 2, 3, 8), dtype, dict(scale=0.5, zero_point=0))],
             options=dict(block_size=2))


def test_constant_data_is_folded():
    check_op(OP, [np.arange(48, dtype=np.int32).reshape(1, 2, 2, 12)], options=dict(block_size=2))


@pytest.mark.parametrize("shape, block, match", [
    ((1, 2, 2, 6), 2, "block_size\\^2 dividing"),
    ((1, 2, 2, 4), 0, "must be >= 1"),
    ((2, 2, 4), 2, "has rank 3"),
])
def test_invalid(shape, block, match):
    assert_rejected(OP, [(shape, F32)], options=dict(block_size=block), match=match,
                    output_shapes=[[1]])
