"""DILATE against LiteRT: ranks 1-5, factors of 1 (also trailing, which TFLite's kernel merges)
and above, every dim dilated, runtime padding values, float32/int32/int64/bool and int8/uint8/
int16 raw copies, size-1 dims, a constant input, dilations as a graph input (compiled per
value); empty dims stay empty (checked against numpy: TFLite computes a negative size); plus
the rejected cases."""

import numpy as np
import pytest

from jitlite.testing import build_op_model, jitlite_interpreter, run_model
from op_testing import (F32, I32, I64, REFERENCE_KERNELS, assert_rejected, check_op,
                        check_value_inputs)

OP = "DILATE"


def factors(*k):
    return np.array(k, np.int32)


def dilate(x, k, pad):
    """numpy model of the op."""
    shape = [0 if d == 0 else (d - 1) * f + 1 for d, f in zip(x.shape, k)]
    out = np.full(shape, pad, dtype=x.dtype)
    out[tuple(slice(None, None, f) for f in k)] = x
    return out


@pytest.mark.parametrize("shape, k", [
    ((5,), (3,)), ((3, 3), (2, 3)), ((3, 4), (1, 2)), ((3, 4), (2, 1)), ((2, 3, 4), (2, 1, 1)),
    ((2, 3, 4), (1, 1, 3)), ((2, 2, 3, 2), (3, 2, 1, 2)), ((2, 1, 2, 2, 3), (2, 4, 1, 1, 2)),
    ((3, 4), (1, 1)),
])
def test_shapes_and_factors(shape, k):
    check_op(OP, [(shape, F32), factors(*k), ((), F32)])


@pytest.mark.parametrize("dtype", [F32, I32, I64, np.bool_])
def test_dtypes(dtype):
    check_op(OP, [((3, 2), dtype), factors(2, 3), ((), dtype)], reference=REFERENCE_KERNELS)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    q = dict(scale=0.5, zero_point=2)
    check_op(OP, [((2, 3), dtype, q), factors(3, 2), ((), dtype, q)],
             reference=REFERENCE_KERNELS)


def test_size_one_dims_and_constant_input():
    check_op(OP, [((1, 3, 1), F32), factors(4, 2, 3), ((), F32)])
    check_op(OP, [np.arange(6, dtype=np.int32).reshape(2, 3), factors(2, 2),
                  np.array(-1, np.int32)])


def test_dilations_as_graph_input_compile_per_value():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    sets = [[x, factors(*k), np.array(9.0, F32)] for k in ((2, 2), (1, 3), (2, 2))]
    check_value_inputs(OP, sets)


def test_empty_dim_stays_empty():
    model = build_op_model(OP, [((0, 3), F32), factors(2, 2), ((), F32)],
                           output_shapes=[[0, 5]])
    got = run_model(jitlite_interpreter(), model, [np.zeros((0, 3), F32), np.array(1.0, F32)])
    assert got[0].shape == (0, 5)
    x = np.arange(3, dtype=np.float32).reshape(1, 3)
    model = build_op_model(OP, [((1, 3), F32), factors(5, 2), ((), F32)], output_shapes=[[1, 5]])
    got = run_model(jitlite_interpreter(), model, [x, np.array(7.0, F32)])[0]
    np.testing.assert_array_equal(got, dilate(x, (5, 2), 7.0))


@pytest.mark.parametrize("inputs, match, litert_rejects", [
    # LiteRT crashes on a zero factor (no reference).
    ([((3, 3), F32), factors(2, 0), ((), F32)], "dilation 0 of dim 1 must be >= 1", False),
    ([((3, 3), F32), factors(2), ((), F32)], r"expected INT32\[2\]", True),
    ([((3, 3), F32), np.array([2, 2], np.int64), ((), F32)], r"expected INT32\[2\]", True),
    ([((3, 3), F32), factors(2, 2), ((), I32)], "padding_value .* of the input's type", True),
    ([((3, 3), F32), factors(2, 2), ((2,), F32)], "expected one element", False),
    ([((), F32), factors(), ((), F32)], "rank", True),
])
def test_invalid(inputs, match, litert_rejects):
    assert_rejected(OP, inputs, match=match, output_shapes=[[1]], litert_rejects=litert_rejects)
