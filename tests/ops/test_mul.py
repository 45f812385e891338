"""MUL against LiteRT: broadcasting (scalars to rank 8), float32/int32/int64, every fused
activation, integer wrap-around, quantized int8/uint8/int16 bit-exact against the reference
kernels, and the models jitlite must refuse. The cases are shared with the other arithmetic
ops (arithmetic_cases.py); real quantized models are here."""

import pytest

from arithmetic_cases import ArithmeticCases
from quantized_models import check_reference_model


class TestMul(ArithmeticCases):
    OP = "MUL"


@pytest.mark.parametrize("path", [
    "ops/single_mul_default_a8w8_recipe_quantized.tflite",
    "ops/single_mul_default_a16w8_recipe_quantized.tflite", "ops/mul_quant.tflite",
    "ops/simple_quantized_ops.tflite"])
def test_real_model(path):
    check_reference_model(path)
