"""SLICE against LiteRT: ranks 1-6 and 8, begin/size per dim incl. size -1, int32 and
int64 bounds, float32/int32/int64/bool and quantized raw copies, empty slices and dims,
constant (folded) data; plus the rejected cases."""

import numpy as np
import pytest

from op_testing import STR, check_strings, random_strings
from op_testing import F32, I32, I64, assert_rejected, check_op, check_value_inputs

OP = "SLICE"
SHAPES = {1: (7,), 2: (3, 5), 3: (2, 3, 5), 4: (2, 3, 1, 4), 5: (2, 1, 3, 2, 3),
          6: (2, 1, 2, 3, 1, 2), 8: (2, 1, 2, 1, 3, 1, 2, 2)}


def ints(values, dtype=np.int32):
    return np.array(values, dtype=dtype)


PATTERNS = {
    "whole": lambda s: ([0] * len(s), list(s)),
    "to_end": lambda s: ([d // 2 for d in s], [-1] * len(s)),
    "middle": lambda s: ([d // 3 for d in s], [max(1, d - d // 3 - 1) for d in s]),
    "last": lambda s: ([d - 1 for d in s], [1] * len(s)),
    "first_dim_only": lambda s: ([1] + [0] * (len(s) - 1), [1] + [-1] * (len(s) - 1)),
}


@pytest.mark.parametrize("pattern", sorted(PATTERNS))
@pytest.mark.parametrize("rank", sorted(SHAPES))
def test_patterns(rank, pattern):
    begin, size = PATTERNS[pattern](SHAPES[rank])
    check_op(OP, [(SHAPES[rank], F32)], [ints(begin), ints(size)])


@pytest.mark.parametrize("bound_dtype", [I32, I64])
@pytest.mark.parametrize("dtype", [F32, I32, I64, np.bool_])
def test_dtypes(dtype, bound_dtype):
    check_op(OP, [((3, 4, 5), dtype)], [ints([1, 0, 2], bound_dtype), ints([2, -1, 3], bound_dtype)])


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    check_op(OP, [((3, 4), dtype, dict(scale=0.25, zero_point=1 if dtype != np.int16 else 0))],
             [ints([1, 1]), ints([2, 2])])


def test_empty_slice_and_empty_dim():
    check_op(OP, [((3, 4), F32)], [ints([1, 4]), ints([2, 0])])
    check_op(OP, [((0, 4), F32)], [ints([0, 1]), ints([-1, 2])])


def test_constant_data_is_folded():
    check_op(OP, [np.arange(60, dtype=np.int32).reshape(3, 4, 5), ints([1, 1, 1]), ints([2, 2, -1])])


@pytest.mark.parametrize("begin, size, match", [
    ([0, 4], [1, 1], "do not fit"),
    ([-1, 0], [1, 1], "do not fit"),
    ([1, 1], [3, 1], "do not fit"),
    ([0, 0], [1, -2], "do not fit"),
    ([0], [1], r"expected \[2\]"),
])
def test_invalid_bounds(begin, size, match):
    assert_rejected(OP, [((3, 4), F32)], [ints(begin), ints(size)], match=match,
                    output_shapes=[[1, 1]])


def test_rank_9_rejected():
    assert_rejected(OP, [((1,) * 9, F32)], [ints([0] * 9), ints([1] * 9)], match="rank 9",
                    output_shapes=[[1] * 9])


def test_runtime_begin_and_size_compile_per_value():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    check_value_inputs(OP, [[x, ints(b), ints(s)] for b, s in
                            (([1, 1], [1, 2]), ([0, 2], [3, -1]), ([1, 1], [1, 2]))])


# --- STRING tensors (run as interned ids: lib/string_tensors.h) -------------------------------

@pytest.mark.parametrize("shape, begin, size", [((6,), [1], [3]), ((3, 4), [1, 0], [2, -1]),
                                                ((2, 3, 2), [0, 1, 1], [2, 2, 1])])
def test_strings(shape, begin, size):
    check_strings(OP, [random_strings(shape, seed=len(shape))],
                  [np.array(begin, np.int32), np.array(size, np.int32)])
