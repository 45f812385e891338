"""GATHER_ND against LiteRT: params ranks 1-4, index tuples of every length 1..rank, index
batch ranks 1-3, int32/int64/int16 indices, runtime and constant indices, float32/int32/int64/
bool and quantized raw copies, empty index batches; runtime indices out of range in any dim
fail the invoke with RuntimeError as in TFLite (and the next good invoke works); plus the
rejected cases."""

import numpy as np
import pytest

from invoke_error_testing import check_invoke_fails_like_litert
from jitlite.testing import build_op_model
from op_testing import STR, check_strings, random_strings
from op_testing import F32, I32, I64, assert_rejected, check_op, check_values

OP = "GATHER_ND"
PARAMS = [(5,), (4, 3), (2, 5, 3), (2, 3, 4, 2)]


def tuples(batch, params, nd, dtype=np.int32, seed=0):
    rng = np.random.default_rng(seed)
    cols = [rng.integers(0, params[c], batch) for c in range(nd)]
    return np.stack(cols, axis=-1).astype(dtype)


CASES = [(p, nd) for p in PARAMS for nd in range(1, len(p) + 1)]


@pytest.mark.parametrize("batch", [(3,), (2, 2), (1, 2, 3)])
@pytest.mark.parametrize("params, nd", CASES)
def test_constant_indices(params, nd, batch):
    check_op(OP, [(params, F32)], [tuples(batch, params, nd)])


@pytest.mark.parametrize("index_dtype", [I32, I64, np.int16])
@pytest.mark.parametrize("params, nd", [((5,), 1), ((4, 3), 1), ((4, 3), 2), ((2, 5, 3), 2)])
def test_runtime_indices(params, nd, index_dtype):
    values = [np.random.default_rng(1).uniform(-2, 2, params).astype(F32),
              tuples((2, 3), params, nd, index_dtype, seed=2)]
    check_values(OP, values)


@pytest.mark.parametrize("dtype", [F32, I32, I64, np.bool_])
def test_dtypes(dtype):
    check_op(OP, [((4, 3), dtype)], [tuples((5,), (4, 3), 1)])
    check_op(OP, [((4, 3), dtype)], [tuples((2, 2), (4, 3), 2)])


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    check_op(OP, [((4, 3), dtype, dict(scale=0.5, zero_point=0))], [tuples((5,), (4, 3), 2)])


def test_size_one_dims_and_constant_params():
    check_op(OP, [((1, 1, 3), F32)], [np.zeros((2, 2), np.int32)])
    params = np.arange(24, dtype=np.int32).reshape(4, 3, 2)
    check_op(OP, [params, ((5, 2), I32)], input_range=(0, 2))


def test_empty_index_batch():
    check_op(OP, [((4, 3), F32)], [np.zeros((0, 1), np.int32)], output_shape=(0, 3))


@pytest.mark.parametrize("bad", [[0, 3], [4, 0], [-1, 1], [1, -1], [0, 100]])
def test_runtime_out_of_range_index_fails_invoke_like_litert(bad):
    params = np.arange(12, dtype=np.float32).reshape(4, 3)
    model = build_op_model(OP, [((4, 3), F32), ((2, 2), I32)], output_shapes=[[2]])
    wrong = np.array([[1, 1], bad], np.int32)
    good = np.array([[3, 2], [0, 1]], np.int32)
    check_invoke_fails_like_litert(model, [params, wrong], [params, good],
                                   "GATHER_ND: index out of range")


@pytest.mark.parametrize("inputs, constants, match", [
    ([((4, 3), F32)], [np.array([[0, 3]], np.int32)], r"indices\[1\] = 3 is out of range"),
    ([((4, 3), F32)], [np.array([[-1]], np.int32)], "out of range"),
    ([((4, 3), F32)], [np.zeros((2, 3), np.int32)], "innermost dim is 3"),
    ([((4, 3), F32)], [np.zeros((2, 0), np.int32)], "innermost dim is 0"),
    ([((4, 3), F32)], [np.array(1, np.int32)], "at least vectors"),
    ([((4, 3), F32)], [np.zeros((2, 1), F32)], "INT32, INT64 or INT16"),
    ([((0, 3), F32)], [np.zeros((2, 1), np.int32)], "every index is out of range"),
])
def test_invalid(inputs, constants, match):
    assert_rejected(OP, inputs, constants, match=match, output_shapes=[[1]])


# --- STRING tensors (run as interned ids: lib/string_tensors.h) -------------------------------

@pytest.mark.parametrize("params_shape, index", [((5,), [[1], [4], [0]]),
                                                 ((3, 4), [[2, 1], [0, 3]]),
                                                 ((3, 4), [[1]]),
                                                 ((2, 3, 2), [[[1, 2]], [[0, 0]]])])
def test_strings(params_shape, index):
    check_strings(OP, [random_strings(params_shape, seed=len(params_shape)),
                       np.array(index, np.int32)])
