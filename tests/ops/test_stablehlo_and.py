"""STABLEHLO_AND against LiteRT's optimized-resolver kernel (the reference resolver lacks it):
signed and unsigned integers of 8 to 64 bits (bitwise) and BOOL (logical) on same-shape inputs,
integer extremes, BOOL's truth table, a fused chain, and the models jitlite must refuse (floats,
which LiteRT refuses too; see stablehlo_cases.py)."""

import numpy as np
import pytest

from stablehlo_cases import (AND_TYPES, INTEGERS, SHAPES, check_bool_table, check_fused_chain,
                             check_integer_extremes, check_random, check_rejections, dtype_id,
                             shape_id)

OP = "STABLEHLO_AND"


@pytest.mark.parametrize("dtype", AND_TYPES, ids=dtype_id)
@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_random(shape, dtype):
    check_random(OP, shape, dtype)


@pytest.mark.parametrize("dtype", INTEGERS, ids=dtype_id)
def test_integer_extremes(dtype):
    check_integer_extremes(OP, dtype)


def test_bool():
    check_bool_table(OP)


@pytest.mark.parametrize("dtype", [np.int8, np.uint64], ids=dtype_id)
def test_fused_chain(dtype):
    check_fused_chain(OP, dtype)


def test_rejections():
    check_rejections(OP, [np.int32, np.int64], [np.float32, np.float64])
