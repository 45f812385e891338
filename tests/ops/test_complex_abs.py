"""COMPLEX_ABS against LiteRT: |x| (hypotf) of COMPLEX64 tensors from scalars to rank 8 and empty ones,
bit-exact on special values, fusion after a complex MUL, and the models jitlite must refuse."""

import numpy as np
import pytest

from complex_cases import C64, assert_chain_matches, chain, check_exact, special_grid
from op_testing import F32, UNARY_SHAPES, assert_rejected, check_op, shape_id


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("COMPLEX_ABS", [(shape, C64)], output_dtype=F32, input_range=(-100, 100))


def test_special_values():
    check_exact("COMPLEX_ABS", [special_grid()], F32)


def test_fuses_with_complex_mul():
    y = (np.arange(6) - 2j * np.arange(6)).astype(C64).reshape(2, 3)
    model = chain([("MUL", [y], C64, (2, 3)), ("COMPLEX_ABS", [], F32, (2, 3))], ((2, 3), C64))
    assert_chain_matches(model, one_kernel=True)


def test_rejects_float32():
    assert_rejected("COMPLEX_ABS", [((3,), F32)], output_dtypes=F32,
                    match="FLOAT32, which TFLite's COMPLEX_ABS does not accept", litert_rejects=True)


def test_rejects_float64():
    assert_rejected("COMPLEX_ABS", [((3,), np.float64)], output_dtypes=F32,
                    match="FLOAT64, which TFLite's COMPLEX_ABS does not accept")


def test_rejects_two_inputs():
    assert_rejected("COMPLEX_ABS", [((3,), C64), ((3,), C64)], output_dtypes=F32,
                    match="expected 1 inputs, got 2")


def test_large_and_tiny_magnitudes():
    # Squares of 1e30 overflow float and of 1e-30 underflow it: hypotf must not.
    x = np.array([1e30 + 1e30j, 3e-30 - 4e-30j, 3e38 + 3e38j, 1e-45 + 1e-45j], C64)
    check_exact("COMPLEX_ABS", [x], F32)
