"""SQUEEZE against LiteRT: without squeeze_dims (every size-1 dim), with positive, negative and
duplicate dims, down to a scalar, empty tensors, rank 8, several element types, and the models
jitlite must refuse."""

import numpy as np
import pytest

from op_testing import STR, check_strings, random_strings
from op_testing import F32, I32, I64, assert_rejected, check_op, shape_id

CASES = [  # (input shape, squeeze_dims or None)
    ((1, 3, 1, 4), None),
    ((1, 3, 1, 4), []),
    ((1, 3, 1, 4), [0]),
    ((1, 3, 1, 4), [2]),
    ((1, 3, 1, 4), [-2]),
    ((1, 3, 1, 4), [0, -2]),
    ((1, 3, 1, 4), [2, 2]),
    ((1, 1, 1), None),
    ((1, 1, 1), [0, 1, 2]),
    ((2, 3), None),
    ((1,), None),
    ((), None),
    ((1, 0, 1), None),
    ((1, 2, 1, 3, 1, 4, 1, 5), None),
    ((1, 2, 1, 3, 1, 4, 1, 5), [-2, 0]),
]


@pytest.mark.parametrize("dtype", [F32, I32, I64, np.bool_], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("in_shape, dims", CASES, ids=shape_id)
def test_squeeze(in_shape, dims, dtype):
    options = None if dims is None else dict(squeeze_dims=dims)
    check_op("SQUEEZE", [(in_shape, dtype)], options=options)


def test_quantized_int8_passes_through():
    check_op("SQUEEZE", [((1, 4, 1), np.int8, dict(scale=0.25, zero_point=-1))])


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_dim_not_of_size_1():
    assert_rejected("SQUEEZE", [((1, 3, 1), F32)], options=dict(squeeze_dims=[1]),
                    match="cannot squeeze dim 1 .* its size is 3", litert_rejects=True)


@pytest.mark.parametrize("dim", [3, -4])
def test_rejects_dim_out_of_range(dim):
    assert_rejected("SQUEEZE", [((1, 3, 1), F32)], options=dict(squeeze_dims=[dim]),
                    match=f"squeeze dim {dim} is out of range", litert_rejects=True)


def test_rejects_rank_9():
    assert_rejected("SQUEEZE", [((1,) * 9, F32)], match="input 0 has rank 9")


def test_rejects_type_change():
    assert_rejected("SQUEEZE", [((1, 3), F32)], output_dtypes=I32, match="does not convert types")


# --- STRING tensors (run as interned ids: lib/string_tensors.h) -------------------------------

@pytest.mark.parametrize("shape, dims", [((1, 3), None), ((2, 1, 3, 1), [1]), ((1, 1), [-1])])
def test_strings(shape, dims):
    options = None if dims is None else dict(squeeze_dims=dims)
    check_strings("SQUEEZE", [random_strings(shape)], options=options)
