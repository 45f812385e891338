"""CUMSUM against LiteRT: ranks 1-4, every axis (negative too, scalar or [1] axis tensors), all
four exclusive x reverse combinations, float32/int32/int64, size-1 and empty dims, a constant
input, the fused-epilogue form; plus the rejected cases (a computed axis is Unimplemented)."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, assert_rejected, check_op

OP = "CUMSUM"
SHAPES = [(7,), (3, 4), (2, 1, 5), (2, 3, 4, 2)]
FLAGS = [dict(exclusive=e, reverse=r) for e in (False, True) for r in (False, True)]
CASES = [(s, a) for s in SHAPES for a in range(-len(s), len(s))]


@pytest.mark.parametrize("options", FLAGS, ids=lambda o: f"ex{int(o['exclusive'])}"
                                                         f"_rev{int(o['reverse'])}")
@pytest.mark.parametrize("shape, axis", CASES)
def test_axes_and_flags(shape, axis, options):
    check_op(OP, [(shape, F32), np.array(axis, I32)], options=options)


@pytest.mark.parametrize("options", FLAGS)
@pytest.mark.parametrize("dtype", [I32, I64])
def test_integers(dtype, options):
    check_op(OP, [((3, 5), dtype), np.array(1, I32)], options=options)


def test_axis_as_vector_and_constant_input():
    check_op(OP, [((3, 4), F32), np.array([0], I32)], options=dict(reverse=True))
    check_op(OP, [np.arange(12, dtype=np.float32).reshape(3, 4), np.array(-1, I32)])


def test_empty_and_size_one_dims():
    check_op(OP, [((1, 1), F32), np.array(1, I32)], options=dict(exclusive=True))
    check_op(OP, [((0, 3), F32), np.array(1, I32)])


@pytest.mark.parametrize("inputs, match", [
    ([((3, 4), F32), np.array(2, I32)], "axis 2 is out of range"),
    ([((3, 4), F32), np.array(-3, I32)], "axis -3 is out of range"),
    ([((3, 4), F32), np.array(1, I64)], "one INT32 value"),
    ([((3, 4), F32), np.array([0, 1], I32)], "one INT32 value"),
    ([((), F32), np.array(0, I32)], "rank >= 1"),
    ([((3, 4), np.int8), np.array(0, I32)], "FLOAT32, INT32, INT64"),
    ([((3, 4), F32), ((), I32)], "axis .input 1. is computed"),
])
def test_invalid(inputs, match):
    assert_rejected(OP, inputs, match=match, output_shapes=[[3, 4]])
