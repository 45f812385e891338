"""BITWISE_XOR against LiteRT's reference kernels: every integer type TFLite's kernel takes
(int8/16/32, uint8/16/32), broadcasting (scalars to rank 8) and empty tensors, each type's extreme
bit patterns, a constant operand, fusion into a following op, and the models jitlite must refuse."""

import numpy as np
import pytest

from jitlite.testing import ModelBuilder, run_both
from op_testing import (BINARY_SHAPES, F32, I64, REFERENCE_KERNELS, assert_rejected, check_op,
                        check_values, shape_id)

TYPES = [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32]


def dtype_id(dtype):
    return np.dtype(dtype).name


def full_range(dtype):
    info = np.iinfo(dtype)
    return (int(info.min), int(info.max))


@pytest.mark.parametrize("dtype", TYPES, ids=dtype_id)
@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=shape_id)
def test_broadcast(shapes, dtype):
    check_op("BITWISE_XOR", [(shapes[0], dtype), (shapes[1], dtype)],
             input_range=full_range(dtype), reference=REFERENCE_KERNELS)


@pytest.mark.parametrize("dtype", TYPES, ids=dtype_id)
def test_extreme_bit_patterns(dtype):
    info = np.iinfo(dtype)
    values = np.array([info.min, info.max, 0, 1, info.max // 2, info.min + 1], dtype)
    a = np.repeat(values, len(values))
    b = np.tile(values, len(values))
    check_values("BITWISE_XOR", [a, b], reference=REFERENCE_KERNELS)


def test_constant_operand():
    check_op("BITWISE_XOR", [((2, 3, 4), np.int32)],
             constants=[np.array([0x5A5A5A5A, -1, 0, 0x7FFFFFFF], np.int32)],
             input_range=full_range(np.int32), reference=REFERENCE_KERNELS)


def test_fuses_with_following_op():
    # XOR feeding XOR again: the chain runs as one fused loop and must still match.
    mb = ModelBuilder()
    a = mb.add_input("a", np.uint16, [3, 5])
    b = mb.add_input("b", np.uint16, [5])
    t = mb.add_tensor("t", np.uint16, [3, 5])
    y = mb.add_tensor("y", np.uint16, [3, 5])
    mb.add_op("BITWISE_XOR", [a, b], [t])
    mb.add_op("BITWISE_XOR", [t, a], [y])
    mb.mark_output(y)
    rng = np.random.default_rng(1)
    values = [rng.integers(0, 65535, (3, 5), dtype=np.uint16, endpoint=True),
              rng.integers(0, 65535, (5,), dtype=np.uint16, endpoint=True)]
    actual, expected = run_both(mb.build(), values, reference=REFERENCE_KERNELS)
    np.testing.assert_array_equal(actual[0], expected[0])
    np.testing.assert_array_equal(actual[0], np.broadcast_to(values[1], (3, 5)))


# --- must-fail ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [F32, I64, np.bool_], ids=dtype_id)
def test_rejects_types_tflite_rejects(dtype):
    assert_rejected("BITWISE_XOR", [((3,), dtype), ((3,), dtype)],
                    match="which TFLite's BITWISE_XOR does not accept", litert_rejects=True)


def test_rejects_mixed_dtypes():
    assert_rejected("BITWISE_XOR", [((2, 3), np.int32), ((2, 3), np.uint32)],
                    match="input types differ", litert_rejects=True)


def test_rejects_incompatible_broadcast():
    assert_rejected("BITWISE_XOR", [((2, 3), np.int8), ((2, 2), np.int8)],
                    match="cannot be broadcast", litert_rejects=True)


def test_rejects_rank_above_8():
    assert_rejected("BITWISE_XOR", [((1,) * 9, np.int8), ((2,), np.int8)], match="exceeds 8")
