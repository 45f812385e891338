"""BATCH_MATMUL against LiteRT: shapes of rank 2 to 5, adj_x/adj_y, broadcast batch dims
(size-1 and missing dims on either side), rhs computed or constant, a real model, and the models
jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (F32, I32, TFLITE_KERNELS, assert_rejected, check_model_file, check_op,
                        rand, shape_id)

SHAPES = [((2, 3), (3, 4)), ((1, 1), (1, 1)), ((5, 7), (7, 1)), ((2, 3, 4), (2, 4, 5)),
          ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((2, 1, 3, 4), (1, 3, 4, 2)),
          ((1, 2, 1, 3, 4), (2, 1, 3, 4, 6)), ((4, 33, 17), (4, 17, 9))]


def transpose_last(shape):
    return shape[:-2] + (shape[-1], shape[-2])


@pytest.mark.parametrize("adj_y", [False, True])
@pytest.mark.parametrize("adj_x", [False, True])
@pytest.mark.parametrize("shapes", SHAPES, ids=shape_id)
def test_shapes(shapes, adj_x, adj_y):
    x, y = shapes
    x = transpose_last(x) if adj_x else x
    y = transpose_last(y) if adj_y else y
    check_op("BATCH_MATMUL", [(x, F32), (y, F32)], options=dict(adj_x=adj_x, adj_y=adj_y))


@pytest.mark.parametrize("adj_y", [False, True])
@pytest.mark.parametrize("shapes", [((2, 3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5))], ids=shape_id)
def test_constant_rhs(shapes, adj_y):
    x, y = shapes
    y = transpose_last(y) if adj_y else y
    check_op("BATCH_MATMUL", [(x, F32)], constants=[rand(y)], options=dict(adj_y=adj_y))


def test_empty_output():
    # XNNPACK fails to reshape an empty matmul; TFLite's kernel runs it.
    check_op("BATCH_MATMUL", [((2, 0, 3), F32), ((2, 3, 4), F32)], reference=TFLITE_KERNELS)


def test_real_model():
    check_model_file("ops/ff.tflite")


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_mismatched_contraction():
    assert_rejected("BATCH_MATMUL", [((2, 3), F32), ((4, 5), F32)],
                    match="contraction dims differ", litert_rejects=True)


def test_rejects_unbroadcastable_batch():
    assert_rejected("BATCH_MATMUL", [((2, 3, 4), F32), ((3, 4, 5), F32)], match="broadcast",
                    litert_rejects=True)


def test_rejects_rank_1():
    assert_rejected("BATCH_MATMUL", [((3,), F32), ((3, 4), F32)], match="has rank 1",
                    litert_rejects=True)


def test_rejects_int32():
    assert_rejected("BATCH_MATMUL", [((2, 3), I32), ((3, 4), I32)], match="supported: FLOAT32")
