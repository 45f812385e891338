"""MUL against LiteRT: broadcasting (scalars to rank 8), float32/int32/int64, every fused
activation, integer wrap-around, quantized int8/uint8/int16 bit-exact against the reference
kernels, COMPLEX64 bit-exact, and the models jitlite must refuse. The cases are shared with the other arithmetic
ops (arithmetic_cases.py); real quantized models are here."""

import numpy as np
import pytest

from arithmetic_cases import ArithmeticCases
from complex_cases import C64, assert_chain_matches, chain, check_exact, special_grid
from op_testing import BINARY_SHAPES, assert_rejected, check_op, shape_id
from quantized_models import check_reference_model


class TestMul(ArithmeticCases):
    OP = "MUL"


@pytest.mark.parametrize("path", [
    "ops/single_mul_default_a8w8_recipe_quantized.tflite",
    "ops/single_mul_default_a16w8_recipe_quantized.tflite", "ops/mul_quant.tflite",
    "ops/simple_quantized_ops.tflite"])
def test_real_model(path):
    check_reference_model(path)


# --- COMPLEX64: (ac - bd) + (ad + bc)i, bit-exact with TFLite's std::complex<float> ---------------

@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=shape_id)
def test_complex64_broadcasting(shapes):
    check_op("MUL", [(shapes[0], C64), (shapes[1], C64)], input_range=(-50, 50))


def test_complex64_bit_exact_with_specials():
    # Annex G: NaN products of infinite operands come back as infinities, as in TFLite.
    grid = special_grid()
    a, b = np.meshgrid(grid, grid)
    check_exact("MUL", [a.reshape(-1), b.reshape(-1)], C64)


def test_complex64_bit_exact_random():
    rng = np.random.default_rng(3)
    a, b = [(rng.uniform(-1e3, 1e3, 5000) + 1j * rng.uniform(-1e3, 1e3, 5000)).astype(C64)
            for _ in range(2)]
    check_exact("MUL", [a, b], C64)


def test_complex64_mul_then_abs_is_one_kernel():
    y = (np.arange(12) + 0.5j).astype(C64).reshape(4, 3)
    model = chain([("MUL", [y], C64, (4, 3)), ("COMPLEX_ABS", [], np.float32, (4, 3))],
                  ((4, 3), C64))
    assert_chain_matches(model, one_kernel=True)


def test_complex64_rejects_activation():
    assert_rejected("MUL", [((3,), C64), ((3,), C64)],
                    options=dict(fused_activation_function="RELU"),
                    match="no activation for COMPLEX64", litert_rejects=True)


def test_complex64_rejects_mixed_types():
    assert_rejected("MUL", [((3,), C64), ((3,), np.float32)], match="input types differ")


def test_complex64_rejects_rank_9():
    # jitlite's limit for every MUL (LiteRT collapses size-1 dims and runs this one).
    assert_rejected("MUL", [((1, 1, 1, 1, 1, 1, 1, 1, 2), C64), ((2,), C64)], match="exceeds 8")
