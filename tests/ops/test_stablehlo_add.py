"""STABLEHLO_ADD against LiteRT's reference kernel: every type its kernel takes (float16/32/64, signed
and unsigned integers of 8 to 64 bits, BOOL) on same-shape inputs, integer extremes, float special
values bit for bit, BOOL's truth table, a fused chain, and the models jitlite must refuse (see
stablehlo_cases.py)."""

import numpy as np
import pytest

from stablehlo_cases import (ARITHMETIC_TYPES, FLOATS, INTEGERS, SHAPES, check_bool_table,
                             check_float_specials, check_fused_chain, check_integer_extremes,
                             check_random, check_rejections, dtype_id, shape_id)

OP = "STABLEHLO_ADD"


@pytest.mark.parametrize("dtype", ARITHMETIC_TYPES, ids=dtype_id)
@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_random(shape, dtype):
    check_random(OP, shape, dtype)


@pytest.mark.parametrize("dtype", INTEGERS, ids=dtype_id)
def test_integer_extremes(dtype):
    check_integer_extremes(OP, dtype)


@pytest.mark.parametrize("dtype", FLOATS, ids=dtype_id)
def test_float_special_values(dtype):
    check_float_specials(OP, dtype)


def test_bool():
    check_bool_table(OP)


@pytest.mark.parametrize("dtype", [np.float32, np.int16, np.uint32], ids=dtype_id)
def test_fused_chain(dtype):
    check_fused_chain(OP, dtype)


def test_rejections():
    check_rejections(OP, [np.float32, np.int32], [])
