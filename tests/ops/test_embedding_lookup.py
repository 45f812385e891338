"""EMBEDDING_LOOKUP against LiteRT: tables of rank 2-4, runtime and constant ids (repeated ids
too), float32 and int8/uint8 raw copies, a constant table, empty id lists; runtime ids out of
range fail the invoke with RuntimeError as in TFLite (and the next good invoke works); plus the
rejected cases (the hybrid dequantizing form is Unimplemented)."""

import numpy as np
import pytest

from invoke_error_testing import check_invoke_fails_like_litert
from jitlite.testing import build_op_model
from op_testing import F32, I32, assert_rejected, check_op, check_values, rand

OP = "EMBEDDING_LOOKUP"
TABLES = [(5, 3), (7, 1), (4, 2, 3), (3, 2, 1, 4), (1, 6)]


def ids(n, rows, seed=0):
    return np.random.default_rng(seed).integers(0, rows, n).astype(np.int32)


@pytest.mark.parametrize("n", [1, 4, 9])
@pytest.mark.parametrize("table", TABLES)
def test_runtime_ids(table, n):
    check_values(OP, [ids(n, table[0], seed=n), rand(table, seed=1)], output_dtype=F32)


@pytest.mark.parametrize("table", TABLES)
def test_constant_ids_and_constant_table(table):
    check_op(OP, [ids(6, table[0])], [(table, F32)], output_dtype=F32)
    check_op(OP, [((3,), I32), rand(table)], input_range=(0, table[0] - 1), output_dtype=F32)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_quantized_raw_copy(dtype):
    check_op(OP, [ids(5, 4)], [((4, 3), dtype, dict(scale=0.5, zero_point=1))],
             output_dtype=dtype, output_quant=dict(scale=0.5, zero_point=1))


def test_empty_ids():
    check_op(OP, [np.zeros((0,), np.int32)], [((4, 3), F32)], output_shape=(0, 3), output_dtype=F32)


@pytest.mark.parametrize("bad", [-1, 4, 1000])
def test_runtime_out_of_range_id_fails_invoke_like_litert(bad):
    table = rand((4, 3))
    model = build_op_model(OP, [((3,), I32), ((4, 3), F32)], output_shapes=[[3, 3]],
                           output_dtypes=F32)
    wrong = np.array([0, bad, 1], np.int32)
    good = np.array([3, 0, 3], np.int32)
    check_invoke_fails_like_litert(model, [wrong, table], [good, table],
                                   "EMBEDDING_LOOKUP: id out of range")


@pytest.mark.parametrize("inputs, constants, match, error", [
    ([np.array([0, 4], np.int32)], [((4, 3), F32)], r"ids\[1\] = 4 is out of range", RuntimeError),
    ([np.array([[0]], np.int32)], [((4, 3), F32)], "1-D INT32", RuntimeError),
    ([np.array([0], np.int64)], [((4, 3), F32)], "1-D INT32", RuntimeError),
    ([np.array([0], np.int32)], [((4,), F32)], "rank >= 2", RuntimeError),
    ([np.array([0], np.int32)], [((4, 3), I32)], "FLOAT32, FLOAT16, BFLOAT16, INT8 or UINT8", RuntimeError),
    ([np.array([0], np.int32)], [((0, 3), F32)], "no rows", RuntimeError),
])
def test_invalid(inputs, constants, match, error):
    assert_rejected(OP, inputs, constants, match=match, error=error, output_shapes=[[1, 3]],
                    output_dtypes=constants[0][1])


def test_hybrid_form_is_unimplemented():
    assert_rejected(OP, [np.array([0], np.int32)], [((4, 3), np.int8, dict(scale=0.5))],
                    match="hybrid EMBEDDING_LOOKUP", output_dtypes=F32, output_shapes=[[1, 3]])
