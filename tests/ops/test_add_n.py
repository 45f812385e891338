"""ADD_N against LiteRT: 2-5 inputs, shapes from scalars to rank 6 (size-1, odd and empty
dims), float32/int32, constant inputs, the fused form ADD_N -> RELU; plus the rejected cases
(fewer than 2 inputs, shapes or types that differ, types TFLite's kernel rejects)."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, assert_rejected, check_op, rand

OP = "ADD_N"
SHAPES = [(), (1,), (7,), (2, 3), (1, 4, 4, 3), (2, 1, 3, 1, 2, 3), (0, 3), (1000,)]


@pytest.mark.parametrize("count", [2, 3, 5])
@pytest.mark.parametrize("shape", SHAPES)
def test_float(shape, count):
    check_op(OP, [(shape, F32)] * count)


@pytest.mark.parametrize("count", [2, 4])
def test_int32(count):
    check_op(OP, [((3, 5), I32)] * count)


def test_constant_inputs():
    check_op(OP, [((2, 3), F32), rand((2, 3)), ((2, 3), F32)])


@pytest.mark.parametrize("inputs, match", [
    ([((2, 3), F32)], "at least 2 inputs"),
    ([((2, 3), F32), ((3,), F32)], "needs one shape and type"),
    ([((2, 3), F32), ((2, 3), I32)], "needs one shape and type"),
    ([((2, 3), I64), ((2, 3), I64)], "INT64"),
    ([((2, 3), np.int8), ((2, 3), np.int8)], "INT8"),
])
def test_invalid(inputs, match):
    assert_rejected(OP, inputs, match=match, output_shapes=[[2, 3]])
