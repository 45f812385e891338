"""TILE against LiteRT: ranks 1-6, multiples patterns (1s, per-dim, zero), int32/int64
multiples, float32/int32/int64/bool and quantized raw copies, constant (folded) data; a real
model; plus the rejected cases."""


import numpy as np
import pytest

from op_testing import STR, check_strings, random_strings
from op_testing import (F32, I32, I64, assert_rejected, check_model_file, check_op,
                        check_value_inputs)

OP = "TILE"
SHAPES = {1: (5,), 2: (3, 4), 3: (2, 3, 5), 4: (2, 3, 1, 4), 5: (2, 1, 3, 2, 3),
          6: (2, 1, 2, 3, 1, 2)}
PATTERNS = {
    "ones": lambda r: [1] * r,
    "all_two": lambda r: [2] * r,
    "mixed": lambda r: [(d % 3) + 1 for d in range(r)],
    "inner_only": lambda r: [1] * (r - 1) + [3],
    "outer_only": lambda r: [3] + [1] * (r - 1),
}


def mult(values, dtype=np.int32):
    return np.array(values, dtype=dtype)


@pytest.mark.parametrize("pattern", sorted(PATTERNS))
@pytest.mark.parametrize("rank", sorted(SHAPES))
def test_patterns(rank, pattern):
    check_op(OP, [(SHAPES[rank], F32)], [mult(PATTERNS[pattern](rank))])


@pytest.mark.parametrize("mult_dtype", [I32, I64])
@pytest.mark.parametrize("dtype", [F32, I32, I64, np.bool_])
def test_dtypes(dtype, mult_dtype):
    check_op(OP, [((2, 3), dtype)], [mult([2, 3], mult_dtype)])


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    check_op(OP, [((2, 3), dtype, dict(scale=0.5, zero_point=0))], [mult([3, 2])])


def test_zero_multiple_and_empty_dim():
    check_op(OP, [((2, 3), F32)], [mult([0, 2])])
    check_op(OP, [((0, 3), F32)], [mult([2, 2])])


def test_constant_data_is_folded():
    check_op(OP, [np.arange(6, dtype=np.int32).reshape(2, 3), mult([2, 3])])


@pytest.mark.parametrize("constants, match", [
    ([mult([2])], r"expected \[2\]"),
    ([mult([2, -1])], "negative"),
])
def test_invalid(constants, match):
    assert_rejected(OP, [((2, 3), F32)], constants, match=match, output_shapes=[[1]])


def test_runtime_multiples_compile_per_value():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    check_value_inputs(OP, [[x, np.array(m, I32)] for m in ([2, 2], [1, 3], [2, 2])])


def test_real_model():
    check_model_file("ops/simple_tile_op.tflite", seed=1)


# --- STRING tensors (run as interned ids: lib/string_tensors.h) -------------------------------

@pytest.mark.parametrize("shape, multiples", [((3,), [2]), ((2, 3), [2, 1]), ((1, 2), [3, 2])])
def test_strings(shape, multiples):
    check_strings(OP, [random_strings(shape, seed=len(multiples))],
                  [np.array(multiples, np.int32)])
