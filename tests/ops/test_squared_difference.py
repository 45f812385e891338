"""SQUARED_DIFFERENCE against LiteRT: broadcasting (scalars to rank 8), float32 and int32 (TFLite
has no int64 variant), integer wrap-around, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (BINARY_SHAPES, F32, I32, I64, assert_rejected, check_op, check_quantized,
                        shape_id)


@pytest.mark.parametrize("dtype", [F32, I32], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=shape_id)
def test_broadcast(shapes, dtype):
    check_op("SQUARED_DIFFERENCE", [(shapes[0], dtype), (shapes[1], dtype)])


def test_wide_float_range():
    check_op("SQUARED_DIFFERENCE", [((4, 33), F32), ((33,), F32)], input_range=(-1e3, 1e3))


def test_int32_wraps_around():
    check_op("SQUARED_DIFFERENCE", [((64,), I32), ((64,), I32)], input_range=(-2**20, 2**20))


def test_constant_operand():
    check_op("SQUARED_DIFFERENCE", [((2, 3, 4), F32)], constants=[np.ones(4, F32)])


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int64():
    assert_rejected("SQUARED_DIFFERENCE", [((3,), I64), ((3,), I64)],
                    match="INT64, which TFLite's SQUARED_DIFFERENCE does not accept",
                    litert_rejects=True)


def test_rejects_mixed_dtypes():
    assert_rejected("SQUARED_DIFFERENCE", [((2, 3), F32), ((2, 3), I32)],
                    match="input types differ", litert_rejects=True)


def test_rejects_incompatible_broadcast():
    assert_rejected("SQUARED_DIFFERENCE", [((2, 3), F32), ((5,), F32)],
                    match="broadcast|incompatible", litert_rejects=True)


def test_rejects_rank_above_8():
    assert_rejected("SQUARED_DIFFERENCE", [((1,) * 9, F32), ((2,), F32)], match="exceeds 8")


def test_int16_is_rejected():
    assert_rejected("SQUARED_DIFFERENCE", [((3,), np.int16, dict(scale=0.1)),
                                           ((3,), np.int16, dict(scale=0.1))],
                    match="INT16", litert_rejects=True)


# --- int8: rescaled to a common grid, difference squared, rescaled to the output ---------------

@pytest.mark.parametrize("q1, q2, q_out", [
    ((0.05, 3), (0.02, -7), (0.07, -128)), ((0.01, -128), (0.2, 127), (0.5, -100)),
    ((0.1, 0), (0.1, 0), (1.0, -128))], ids=str)
@pytest.mark.parametrize("shapes", [((4, 50), (4, 50)), ((4, 50), (50,)), ((), (7,)),
                                    ((2, 1, 3), (1, 4, 1))], ids=shape_id)
def test_int8(shapes, q1, q2, q_out):
    check_quantized("SQUARED_DIFFERENCE",
                    [(shapes[0], np.int8, dict(scale=q1[0], zero_point=q1[1])),
                     (shapes[1], np.int8, dict(scale=q2[0], zero_point=q2[1]))],
                    output_dtype=np.int8, output_quant=dict(scale=q_out[0], zero_point=q_out[1]))
