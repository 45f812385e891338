"""ZEROS_LIKE against LiteRT: float32, int32 and int64 over shapes from scalars to rank 8 and
empty tensors, special values (NaN, inf give 0 too), fusion in a unary chain, and the models
jitlite must refuse (TFLite has no quantized or bool ZEROS_LIKE)."""

import numpy as np
import pytest

from op_testing import (F32, I32, I64, SPECIAL_VALUES, UNARY_SHAPES, assert_rejected, check_op,
                        shape_id)
from unary_cases import assert_one_kernel, check_special


@pytest.mark.parametrize("dtype", [F32, I32, I64])
@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape, dtype):
    check_op("ZEROS_LIKE", [(shape, dtype)])


def test_special_values():
    check_special("ZEROS_LIKE", SPECIAL_VALUES)  # +0 everywhere


def test_chain_is_one_kernel():
    assert_one_kernel(["EXP", "ZEROS_LIKE", "EXP"])  # exp(0) = 1 everywhere


# --- must-fail ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.bool_, np.int16])
def test_rejects_other_types(dtype):
    assert_rejected("ZEROS_LIKE", [((3,), dtype)],
                    match="which TFLite's ZEROS_LIKE does not accept", litert_rejects=True)


def test_rejects_int8():
    assert_rejected("ZEROS_LIKE", [((3,), np.int8, dict(scale=0.1, zero_point=0))],
                    match="INT8, which TFLite's ZEROS_LIKE does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("ZEROS_LIKE", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")
