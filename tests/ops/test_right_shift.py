"""RIGHT_SHIFT against LiteRT's reference kernels: every integer type TFLite's kernel takes
(int8/16/32 arithmetic, uint8/16/32 logical), broadcasting (scalars to rank 8) and empty tensors,
TFLite's clamping of shift counts (negative -> 0, the bit width or more -> bits - 1) on extreme
values, a constant shift, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (BINARY_SHAPES, F32, I64, REFERENCE_KERNELS, assert_rejected, check_op,
                        check_values, shape_id)

TYPES = [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32]


def dtype_id(dtype):
    return np.dtype(dtype).name


def bits(dtype):
    return np.iinfo(dtype).bits


def full_range(dtype):
    info = np.iinfo(dtype)
    return (int(info.min), int(info.max))


def count_range(dtype):
    # In-range counts plus some below and above them (the clamped cases).
    low = 0 if np.iinfo(dtype).min == 0 else -3
    return (low, bits(dtype) + 3)


@pytest.mark.parametrize("dtype", TYPES, ids=dtype_id)
@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=shape_id)
def test_broadcast(shapes, dtype):
    check_op("RIGHT_SHIFT", [(shapes[0], dtype), (shapes[1], dtype)],
             input_range=[full_range(dtype), count_range(dtype)], reference=REFERENCE_KERNELS)


@pytest.mark.parametrize("dtype", TYPES, ids=dtype_id)
def test_out_of_range_counts(dtype):
    # Every pairing of extreme values with counts 0, 1, bits - 1, bits, bits + 1 and the type's
    # extremes (negative counts for signed types).
    info = np.iinfo(dtype)
    values = np.array([info.min, info.max, 0, 1, info.min + 1, info.max // 3], dtype)
    counts = np.array([0, 1, bits(dtype) - 1, bits(dtype), bits(dtype) + 1, info.max, info.min]
                      + ([-1, -bits(dtype)] if info.min < 0 else []), dtype)
    a = np.repeat(values, len(counts))
    b = np.tile(counts, len(values))
    check_values("RIGHT_SHIFT", [a, b], reference=REFERENCE_KERNELS)


@pytest.mark.parametrize("dtype", [np.int16, np.uint32], ids=dtype_id)
def test_constant_shift(dtype):
    check_op("RIGHT_SHIFT", [((2, 3, 4), dtype)], constants=[np.array([0, 3, 7, 40], dtype)],
             input_range=full_range(dtype), reference=REFERENCE_KERNELS)


def test_shifts_signed_arithmetically_and_unsigned_logically():
    # Independent of LiteRT: -128 >> 1 is -64 for int8; 0x80 >> 1 is 0x40 for uint8.
    for dtype, expected in [(np.int8, -64), (np.uint8, 0x40)]:
        a = np.array([0x80], np.uint8).view(dtype)
        check_values("RIGHT_SHIFT", [a, np.array([1], dtype)], reference=REFERENCE_KERNELS)
        assert (a >> np.array([1], dtype))[0] == expected


# --- must-fail ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [F32, I64, np.bool_], ids=dtype_id)
def test_rejects_types_tflite_rejects(dtype):
    assert_rejected("RIGHT_SHIFT", [((3,), dtype), ((3,), dtype)],
                    match="which TFLite's RIGHT_SHIFT does not accept", litert_rejects=True)


def test_rejects_mixed_dtypes():
    assert_rejected("RIGHT_SHIFT", [((2, 3), np.int16), ((2, 3), np.uint16)],
                    match="input types differ", litert_rejects=True)


def test_rejects_incompatible_broadcast():
    assert_rejected("RIGHT_SHIFT", [((2, 3), np.int8), ((2, 2), np.int8)],
                    match="cannot be broadcast", litert_rejects=True)


def test_rejects_rank_above_8():
    assert_rejected("RIGHT_SHIFT", [((1,) * 9, np.int8), ((2,), np.int8)], match="exceeds 8")
