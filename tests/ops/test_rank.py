"""RANK against LiteRT: ranks 0-6 of any input dtype, runtime and constant inputs; the output is
INT32 (a model declaring another type is rejected; LiteRT retypes it). Always folded at allocate
time."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, assert_rejected, check_op

OP = "RANK"


@pytest.mark.parametrize("shape", [(), (5,), (1, 4), (2, 3, 4), (1, 8, 8, 3), (2, 1, 3, 1, 2, 1),
                                   (0, 3)])
def test_ranks(shape):
    check_op(OP, [(shape, F32)], output_dtype=I32)


@pytest.mark.parametrize("dtype", [I32, I64, np.bool_, np.int8, np.uint8, np.int16])
def test_any_input_dtype(dtype):
    check_op(OP, [((3, 2), dtype)], output_dtype=I32)


def test_constant_input():
    check_op(OP, [np.zeros((4, 1, 2), np.float32)], output_dtype=I32)


def test_declared_int64_output_is_rejected():
    # LiteRT silently retypes the output to INT32; jitlite keeps the model's declared types.
    assert_rejected(OP, [((2, 3), F32)], match="declared INT64", output_dtypes=I64,
                    output_shapes=[[]])


def test_needs_one_input():
    assert_rejected(OP, [((2, 3), F32), ((2, 3), F32)], match="input", output_dtypes=I32,
                    output_shapes=[[]])
