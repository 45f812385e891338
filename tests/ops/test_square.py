"""SQUARE against LiteRT: float32 over shapes from scalars to rank 8 and empty tensors, special
values (NaN, inf, signed zeros, subnormals, overflow to inf), fusion in a unary chain, and the
models jitlite must refuse (TFLite has no integer SQUARE)."""

import numpy as np
import pytest

from op_testing import F32, I32, SPECIAL_VALUES, UNARY_SHAPES, assert_rejected, check_op, shape_id
from unary_cases import assert_one_kernel, check_special

RANGE = (-100.0, 100.0)


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("SQUARE", [(shape, F32)], input_range=RANGE)


def test_special_values():
    check_special("SQUARE", SPECIAL_VALUES)


def test_chain_is_one_kernel():
    assert_one_kernel(["SQUARE", "NEG", "EXP"])


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("SQUARE", [((3,), I32)],
                    match="INT32, which TFLite's SQUARE does not accept", litert_rejects=True)


def test_rejects_int8():
    assert_rejected("SQUARE", [((3,), np.int8, dict(scale=0.1, zero_point=0))],
                    match="INT8, which TFLite's SQUARE does not accept", litert_rejects=True)


def test_float16_is_not_supported_yet():
    assert_rejected("SQUARE", [((3,), np.float16)], match="SQUARE on FLOAT16 is not supported")
